r"""The Gaussian information bottleneck in closed form (Chechik et al. 2005).

For jointly Gaussian X (n dimensions) and Y (m dimensions) the optimal bottleneck
variable is a noisy linear projection :math:`T = AX + \xi`, :math:`\xi \sim N(0, I)`.
With :math:`\Sigma_{x|y} = \Sigma_x - \Sigma_{xy}\Sigma_y^{-1}\Sigma_{yx}`, let
:math:`v_i^\top` be the left eigenvectors of :math:`\Sigma_{x|y}\Sigma_x^{-1}` with
eigenvalues :math:`0 < \lambda_1 \le \dots \le \lambda_n \le 1`, scaled so that
:math:`r_i = v_i^\top \Sigma_x v_i = 1`.  The minimiser of
:math:`I(X;T) - \beta I(T;Y)` is

.. math::

    A(\beta) = \big[\alpha_1 v_1; \dots; \alpha_k v_k; 0; \dots\big], \qquad
    \alpha_i = \sqrt{\frac{\beta(1 - \lambda_i) - 1}{\lambda_i r_i}},

where the k rows kept are those whose critical value
:math:`\beta_i^c = 1/(1 - \lambda_i)` lies below beta.  Then

.. math::

    I(X;T) = \tfrac12 \sum_{i \le k} \log\frac{(\beta - 1)(1 - \lambda_i)}{\lambda_i},
    \qquad
    I(T;Y) = I(X;T) - \tfrac12 \sum_{i \le k} \log\big(\beta (1 - \lambda_i)\big),

and as :math:`\beta \to \infty`, :math:`I(T;Y) \to I(X;Y) = -\tfrac12\sum_i\log\lambda_i`.
The eigenvalues are :math:`\lambda_i = 1 - \rho_i^2` for the canonical correlations
:math:`\rho_i` of X and Y, so :math:`\beta_i^c = 1/\rho_i^2`.

References
----------
G. Chechik, A. Globerson, N. Tishby and Y. Weiss, "Information bottleneck for Gaussian
variables", Journal of Machine Learning Research 6, 165-188, 2005.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_array, check_base, check_covariance, check_finite_array
from ..units import Base, unit_name
from .curves import IBCurve
from .solvers import _check_nonneg

__all__ = ["GaussianIB", "gaussian", "gaussian_curve"]


@dataclass(frozen=True)
class GaussianIB:
    """Closed-form Gaussian IB at one beta.

    Attributes
    ----------
    beta : float
    eigenvalues : ndarray (n_x,)
        :math:`\\lambda_i` of :math:`\\Sigma_{x|y}\\Sigma_x^{-1}`, ascending.
    eigenvectors : ndarray (n_x, n_x)
        Row i is :math:`v_i` with :math:`v_i^\\top \\Sigma_x v_i = 1`.
    canonical_correlations : ndarray (n_x,)
        :math:`\\rho_i = \\sqrt{1 - \\lambda_i}`, descending.
    critical_betas : ndarray (n_x,)
        :math:`1/(1 - \\lambda_i)` (``inf`` where :math:`\\lambda_i = 1`).
    projection : ndarray (n_x, n_x)
        The optimal A; inactive rows are zero.
    n_active : int
        Rows of A that are non-zero (critical betas below ``beta``).
    i_xt, i_ty, lagrangian, i_xy : float
        I(X;T), I(T;Y), I(X;T) - beta I(T;Y) and I(X;Y) in ``unit``.
    unit : str
    """

    beta: float
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    canonical_correlations: np.ndarray
    critical_betas: np.ndarray
    projection: np.ndarray
    n_active: int
    i_xt: float
    i_ty: float
    lagrangian: float
    i_xy: float
    unit: str


def _spectrum(cov_x: Any, cov_xy: Any, cov_y: Any) -> tuple[np.ndarray, np.ndarray]:
    sx = check_covariance(cov_x, "cov_x")
    sy = check_covariance(cov_y, "cov_y")
    sxy = np.array(as_array(cov_xy, "cov_xy"), dtype=np.float64)
    n, m = sx.shape[0], sy.shape[0]
    if sxy.ndim == 1 and (n == 1 or m == 1) and sxy.size == n * m:
        sxy = sxy.reshape(n, m)
    if sxy.shape != (n, m):
        raise ValueError(
            f"cov_xy must have shape (n_x, n_y) = ({n}, {m}) to match cov_x and cov_y; got {sxy.shape}."
        )
    check_finite_array(sxy, "cov_xy")
    joint = np.block([[sx, sxy], [sxy.T, sy]])
    try:
        check_covariance(joint, "the joint covariance [[cov_x, cov_xy], [cov_xy.T, cov_y]]")
    except ValueError as exc:
        raise ValueError(
            f"{exc} With a singular joint covariance some direction of X is a deterministic "
            "function of Y, and I(X;Y) is infinite."
        ) from None
    cond = sx - sxy @ np.linalg.solve(sy, sxy.T)
    cond = (cond + cond.T) / 2.0
    # Sigma_{x|y} v = lambda Sigma_x v  <=>  v^T (Sigma_{x|y} Sigma_x^{-1}) = lambda v^T;
    # eigh normalises v^T Sigma_x v = 1 and sorts lambda ascending
    import scipy.linalg  # imported here: it is slow to import and only needed here

    lam, vecs = scipy.linalg.eigh(cond, sx)
    lam = np.clip(lam, np.finfo(float).tiny, 1.0)  # round-off only: 0 < lambda <= 1 in theory
    # Sigma_xy Sigma_y^{-1} Sigma_yx has rank <= n_y, so all but the smallest min(n_x, n_y)
    # eigenvalues equal 1 exactly (directions of X uncorrelated with Y); round-off would
    # otherwise give them critical betas of order 1e15
    lam[min(n, m) :] = 1.0
    return lam, vecs.T


def _closed_form(lam: np.ndarray, beta: float) -> tuple[np.ndarray, float, float]:
    """Active mask, I(X;T), I(T;Y) in nats."""
    active = beta * (1.0 - lam) > 1.0
    la = lam[active]
    i_xt = 0.5 * float(np.sum(np.log((beta - 1.0) * (1.0 - la) / la)))
    i_ty = i_xt - 0.5 * float(np.sum(np.log(beta * (1.0 - la))))
    return active, i_xt, max(i_ty, 0.0)


def gaussian(cov_x: Any, cov_xy: Any, cov_y: Any, beta: float, *, base: Base = "e") -> GaussianIB:
    r"""Optimal Gaussian information bottleneck at ``beta`` (Chechik et al. 2005).

    Solves :math:`\min_A I(X;T) - \beta I(T;Y)` for :math:`T = AX + \xi`,
    :math:`\xi \sim N(0, I)`, in closed form: the rows of A are the left eigenvectors
    :math:`v_i` of :math:`\Sigma_{x|y}\Sigma_x^{-1}` whose critical value
    :math:`\beta_i^c = 1/(1 - \lambda_i)` is below beta, scaled by
    :math:`\alpha_i = \sqrt{(\beta(1-\lambda_i) - 1)/(\lambda_i v_i^\top\Sigma_x v_i)}`
    (formulas in the module docstring).

    Parameters
    ----------
    cov_x : array_like (n_x, n_x)
        Covariance of X (positive definite).
    cov_xy : array_like (n_x, n_y)
        Cross-covariance :math:`E[(X - EX)(Y - EY)^\top]`.
    cov_y : array_like (n_y, n_y)
        Covariance of Y.  The joint covariance must be positive definite.
    beta : float >= 0
    base : {"e", 2, 10} or float
        Unit of the information values.

    Returns
    -------
    GaussianIB

    References
    ----------
    G. Chechik, A. Globerson, N. Tishby and Y. Weiss, JMLR 6, 165-188, 2005
    (theorem 3.1 and eq. 15).

    Examples
    --------
    >>> import numpy as np
    >>> from infolens import ib
    >>> g = ib.gaussian([[1.0]], [[0.8]], [[1.0]], beta=10.0)
    >>> round(float(g.critical_betas[0]), 6)  # 1 / rho^2
    1.5625
    >>> bool(abs(g.i_xy + 0.5 * np.log(1 - 0.64)) < 1e-12)
    True
    """
    b = _check_nonneg(beta, "beta")
    lb = check_base(base)
    lam, vecs = _spectrum(cov_x, cov_xy, cov_y)
    active, i_xt, i_ty = _closed_form(lam, b)
    alpha = np.zeros_like(lam)
    alpha[active] = np.sqrt((b * (1.0 - lam[active]) - 1.0) / lam[active])
    proj = alpha[:, None] * vecs
    with np.errstate(divide="ignore"):
        crit = np.where(lam < 1.0, 1.0 / (1.0 - lam), np.inf)
    i_xy = -0.5 * float(np.sum(np.log(lam)))
    return GaussianIB(
        beta=b,
        eigenvalues=lam,
        eigenvectors=vecs,
        canonical_correlations=np.sqrt(1.0 - lam),
        critical_betas=crit,
        projection=proj,
        n_active=int(active.sum()),
        i_xt=i_xt / lb,
        i_ty=i_ty / lb,
        lagrangian=(i_xt - b * i_ty) / lb,
        i_xy=i_xy / lb,
        unit=unit_name(base),
    )


def gaussian_curve(
    cov_x: Any,
    cov_xy: Any,
    cov_y: Any,
    betas: Any = None,
    *,
    base: Base = "e",
) -> IBCurve:
    r"""The analytic Gaussian IB curve (Chechik et al. 2005), as an :class:`IBCurve`.

    Every point is the exact optimum at its beta (formulas in the module docstring), so
    nothing is discarded; the slope at the origin is exactly
    :math:`1/\beta_1^c = \rho_1^2` (the largest squared canonical correlation) and the
    curve ends, as beta grows, at :math:`I(X;Y) = -\tfrac12 \sum_i \log \lambda_i`.

    Parameters
    ----------
    cov_x, cov_xy, cov_y : array_like
        As in :func:`gaussian`.
    betas : array_like, optional
        Default: 0 and 200 log-spaced values from :math:`\beta_1^c` to
        :math:`10^4 \beta_{\max}^c` (the largest finite critical value).
    base : {"e", 2, 10} or float

    Returns
    -------
    IBCurve
        ``h_x`` is ``inf`` (X is continuous); ``solutions`` is empty.

    Examples
    --------
    >>> from infolens import ib
    >>> c = ib.gaussian_curve([[1.0]], [[0.6]], [[1.0]])
    >>> round(c.slope_at_origin, 6)
    0.36
    """
    lb = check_base(base)
    lam, _ = _spectrum(cov_x, cov_xy, cov_y)
    finite = lam[lam < 1.0]
    if betas is None:
        if finite.size:
            b1 = 1.0 / (1.0 - finite.min())
            bmax = 1.0 / (1.0 - finite.max())
            b = np.concatenate([[0.0], np.geomspace(b1, 1e4 * bmax, 200)])
        else:
            b = np.array([0.0, 1.0])
    else:
        b = np.sort(np.asarray(betas, dtype=np.float64).ravel())
        if b.size == 0:
            raise ValueError("betas must be a non-empty 1-D array.")
        for v in b:
            _check_nonneg(float(v), "betas")
    pts = np.array([_closed_form(lam, float(v))[1:] for v in b]) / lb
    i_xt, i_ty = pts[:, 0], pts[:, 1]
    rho1 = float(np.sqrt(1.0 - lam.min()))
    onset = 1.0 / rho1**2 if rho1 > 0 else None
    return IBCurve(
        betas=b,
        i_xt=i_xt,
        i_ty=i_ty,
        h_t=np.full_like(i_xt, math.inf),
        complexity=i_xt,
        plane="I(X;T)",
        all_betas=b,
        all_i_xt=i_xt,
        all_i_ty=i_ty,
        all_h_t=np.full_like(i_xt, math.inf),
        on_envelope=np.ones(len(b), dtype=bool),
        n_discarded=0,
        slope_at_origin=rho1**2 if rho1 > 0 else None,
        onset_beta=onset,
        h_x=math.inf,
        i_xy=-0.5 * float(np.sum(np.log(lam))) / lb,
        max_correlation=rho1,
        method="gaussian",
        alpha=1.0,
        lagrangian="plain",
        unit=unit_name(base),
    )
