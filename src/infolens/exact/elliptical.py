r"""Exact information measures of the multivariate Student-t distribution.

A d-dimensional Student-t vector with scatter :math:`\Sigma` and :math:`\nu` degrees of
freedom is :math:`T = Z/\sqrt{W}` with :math:`Z \sim \mathcal N(0, \Sigma)` and an
independent :math:`W \sim \chi^2_\nu/\nu`.  Its marginals are Student-t with the same
:math:`\nu` and the sub-blocks of :math:`\Sigma`, so every information measure is a
difference of closed-form entropies.  The shared scale :math:`W` couples all coordinates:
even with :math:`\Sigma = I` the blocks are dependent, and the mutual information carries
a term in :math:`\nu` on top of the Gaussian one.  As :math:`\nu \to \infty` the
distribution and the measures tend to the Gaussian ones of :mod:`infolens.exact.gaussian`.

The same formula is the mutual information of any pair whose *copula* is a t-copula
(with correlation matrix :math:`\Sigma` and :math:`\nu`), whatever the marginals, since
mutual information depends on the copula only; the estimator ``"tcopula"`` of
:mod:`infolens.estimate.copula` rests on this.

References
----------
Kotz, S. & Nadarajah, S. (2004). *Multivariate t Distributions and Their Applications*,
Cambridge University Press, eq. (1.28) (the entropy).
Arellano-Valle, R. B., Contreras-Reyes, J. E. & Genton, M. G. (2013). Shannon entropy and
mutual information for multivariate skew-elliptical distributions. *Scand. J. Stat.*
40:42-62.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from scipy.special import digamma, gammaln

from .._validate import check_covariance
from ..units import Base, log_base
from .gaussian import Index, _disjoint, _indices
from .gaussian import mutual_information as _gaussian_mi

__all__ = ["student_t_mutual_information", "student_t_shape_term"]


def _g(nu: float, k: int) -> float:
    a = 0.5 * (nu + k)
    return float(gammaln(0.5 * nu) - gammaln(a) + a * (digamma(a) - digamma(0.5 * nu)))


def _check_nu(nu: Any) -> float:
    if isinstance(nu, bool) or not isinstance(nu, numbers.Real):
        raise TypeError(f"nu must be a real number of degrees of freedom; got {type(nu).__name__}.")
    nu = float(nu)
    if not nu > 0 or math.isnan(nu):
        raise ValueError(f"nu must be > 0 (degrees of freedom; use math.inf for the Gaussian); got {nu}.")
    return nu


def student_t_shape_term(nu: float, dim_x: int, dim_y: int) -> float:
    r"""The part of a multivariate-t mutual information that comes from the shared scale (nats).

    .. math::
        c_\nu(d_x, d_y) = g(d_x) + g(d_y) - g(d_x + d_y),\qquad
        g(d) = \log\Gamma(\tfrac\nu2) - \log\Gamma(\tfrac{\nu+d}2)
            + \tfrac{\nu+d}2\big[\psi(\tfrac{\nu+d}2) - \psi(\tfrac\nu2)\big]

    It is the mutual information of X and Y when the scatter is the identity; it is
    positive, decreases in :math:`\nu` and is 0 at :math:`\nu = \infty`.

    Parameters
    ----------
    nu : float
        Degrees of freedom, > 0 (``math.inf`` gives 0).
    dim_x, dim_y : int
        Dimensions of the two blocks, >= 1.

    Returns
    -------
    float
        Nats, >= 0.

    Examples
    --------
    >>> round(student_t_shape_term(1.0, 1, 1), 4)   # bivariate Cauchy, identity scatter
    0.2242
    >>> student_t_shape_term(float("inf"), 3, 3)
    0.0
    """
    nu = _check_nu(nu)
    for name, k in (("dim_x", dim_x), ("dim_y", dim_y)):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {k!r}.")
    if math.isinf(nu):
        return 0.0
    out = _g(nu, int(dim_x)) + _g(nu, int(dim_y)) - _g(nu, int(dim_x) + int(dim_y))
    # for very large nu the three terms cancel to round-off; the exact value is >= 0
    return max(out, 0.0)


def student_t_mutual_information(
    scatter: Any, x: Index, y: Index, nu: float, *, base: Base = "e"
) -> float:
    r"""Mutual information between two blocks of a multivariate Student-t vector.

    .. math::
        I(X;Y) = \tfrac12 \log\frac{\det\Sigma_{XX}\det\Sigma_{YY}}{\det\Sigma_{XY,XY}}
            + c_\nu(d_x, d_y)

    the Gaussian mutual information of the scatter plus the shared-scale term of
    :func:`student_t_shape_term`.  Dimensions in neither block are marginalised out
    (marginals of a multivariate t are multivariate t with the same :math:`\nu`).

    Parameters
    ----------
    scatter : array_like, shape (d, d)
        Scatter matrix (symmetric positive definite; the covariance is
        :math:`\tfrac{\nu}{\nu-2}\Sigma` when :math:`\nu > 2`).
    x, y : int or sequence of int
        Disjoint index blocks.
    nu : float
        Degrees of freedom, > 0; ``math.inf`` gives the Gaussian value.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        Mutual information in units of ``base``, >= 0.

    References
    ----------
    Arellano-Valle, Contreras-Reyes & Genton (2013), Sec. 4; Kotz & Nadarajah (2004).

    Examples
    --------
    >>> import numpy as np
    >>> round(student_t_mutual_information(np.eye(2), 0, 1, nu=1.0), 4)
    0.2242
    >>> round(student_t_mutual_information([[1, .5], [.5, 1]], 0, 1, nu=float("inf")), 6)
    0.143841
    """
    nu = _check_nu(nu)
    c = check_covariance(scatter, "scatter")
    d = c.shape[0]
    ix = _indices(x, d, "x")
    iy = _indices(y, d, "y")
    _disjoint(x=ix, y=iy)
    gauss = _gaussian_mi(c, list(ix), list(iy))
    shape = student_t_shape_term(nu, len(ix), len(iy)) if not math.isinf(nu) else 0.0
    return (gauss + shape) / log_base(base)
