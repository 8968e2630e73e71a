r"""Exact information measures of multivariate Gaussian distributions.

Everything is a closed form in the covariance matrix :math:`\Sigma` (and the means, for
the KL divergence); nothing is sampled.  Log-determinants come from a Cholesky
factorisation, :math:`\log\det\Sigma = 2\sum_i \log L_{ii}` with :math:`\Sigma = LL^\top`,
which is stable and fails loudly on a matrix that is not positive definite.  Variables
are picked by index: an ``int`` or a sequence of ``int`` naming dimensions (rows and
columns) of the covariance; several indices form one vector-valued variable.

All results are plain floats in units of ``base`` (nats by default).  Differential
entropies may be negative; mutual informations and divergences are non-negative.

References
----------
Cover, T. M. & Thomas, J. A. (2006). *Elements of Information Theory*, 2nd ed., Wiley,
chapter 8 (differential entropy; Theorem 8.4.1 for the Gaussian, 8.6.4 for linear maps)
and chapter 9 (the Gaussian channel).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validate import as_array, check_covariance, check_finite_array
from ..units import Base, log_base

__all__ = [
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "total_correlation",
    "kl_divergence",
    "affine_entropy",
    "mutual_information_from_correlation",
]

Index = int | Sequence[int]

_LOG_2PI_E = math.log(2.0 * math.pi) + 1.0


def _logdet_spd(c: np.ndarray) -> float:
    """log det of a validated symmetric positive-definite matrix (Cholesky)."""
    if c.size == 0:
        return 0.0
    L = np.linalg.cholesky(c)
    return float(2.0 * np.sum(np.log(np.diag(L))))


def _indices(idx: Any, d: int, name: str, *, allow_empty: bool = False) -> tuple[int, ...]:
    """Normalise an index or a sequence of indices into dimensions ``0..d-1``."""
    if idx is None:
        if allow_empty:
            return ()
        raise TypeError(f"{name} must be an index or a sequence of indices into the covariance.")
    if isinstance(idx, bool):
        raise TypeError(f"{name} must be an integer index, not a bool.")
    if isinstance(idx, numbers.Integral):
        seq: tuple[Any, ...] = (idx,)
    else:
        try:
            seq = tuple(idx)
        except TypeError:
            raise TypeError(
                f"{name} must be an int or a sequence of ints; got {type(idx).__name__} {idx!r}."
            ) from None
    out = []
    for i in seq:
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"{name} must contain integer indices; got {i!r}.")
        if not -d <= int(i) < d:
            raise ValueError(
                f"{name}: index {int(i)} is out of range for a {d}x{d} covariance "
                f"(valid: 0..{d - 1} or negative from the end)."
            )
        out.append(int(i) % d)
    if not out and not allow_empty:
        raise ValueError(f"{name} is empty; name at least one dimension.")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} repeats an index: {tuple(seq)!r}.")
    return tuple(out)


def _disjoint(**blocks: tuple[int, ...]) -> None:
    names = list(blocks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            common = set(blocks[a]) & set(blocks[b])
            if common:
                raise ValueError(
                    f"{a} and {b} share the dimension(s) {sorted(common)}; "
                    "the variable blocks must be disjoint."
                )


def _block_logdet(c: np.ndarray, idx: Sequence[int]) -> float:
    ix = np.asarray(sorted(idx), dtype=np.intp)
    return _logdet_spd(c[np.ix_(ix, ix)])


def entropy(cov: Any, *, base: Base = "e") -> float:
    r"""Differential entropy of a Gaussian vector,
    :math:`h(X) = \tfrac12 \log\det(2\pi e\,\Sigma)
    = \tfrac d2 \log(2\pi e) + \tfrac12\log\det\Sigma`.

    The mean does not enter.  The value can be negative (for small variances).

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Covariance matrix; symmetric positive definite.  A scalar is a 1x1 variance.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        Differential entropy in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), Theorem 8.4.1.

    Examples
    --------
    >>> round(entropy([[1.0]]), 6)            # 0.5 * log(2 pi e)
    1.418939
    >>> round(entropy(np.eye(3), base=2) - 3 * entropy(1.0, base=2), 12)
    0.0
    """
    lb = log_base(base)
    c = check_covariance(cov, "cov")
    d = c.shape[0]
    return 0.5 * (d * _LOG_2PI_E + _logdet_spd(c)) / lb


def mutual_information(cov: Any, x: Index, y: Index, *, base: Base = "e") -> float:
    r"""Mutual information between two blocks of a Gaussian vector,
    :math:`I(X;Y) = \tfrac12 \log \dfrac{\det\Sigma_{XX}\,\det\Sigma_{YY}}{\det\Sigma_{XY,XY}}`.

    Equivalently :math:`-\tfrac12 \sum_i \log(1-\rho_i^2)` over the canonical
    correlations :math:`\rho_i` of the two blocks; for scalars
    :math:`-\tfrac12\log(1-\rho^2)`.  Dimensions of ``cov`` in neither block are
    marginalised out.

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Joint covariance (symmetric positive definite).
    x, y : int or sequence of int
        Disjoint index blocks naming the two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`I(X;Y) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), Example 8.5.1; Gelfand, I. M. & Yaglom, A. M. (1957).
    Calculation of the amount of information about a random function contained in
    another such function.

    Examples
    --------
    >>> rho = 0.8
    >>> c = [[1.0, rho], [rho, 1.0]]
    >>> bool(abs(mutual_information(c, 0, 1) - (-0.5 * np.log(1 - rho**2))) < 1e-12)
    True
    """
    lb = log_base(base)
    c = check_covariance(cov, "cov")
    d = c.shape[0]
    ix, iy = _indices(x, d, "x"), _indices(y, d, "y")
    _disjoint(x=ix, y=iy)
    val = _block_logdet(c, ix) + _block_logdet(c, iy) - _block_logdet(c, ix + iy)
    return max(0.5 * val, 0.0) / lb


def conditional_mutual_information(
    cov: Any, x: Index, y: Index, z: Index | None, *, base: Base = "e"
) -> float:
    r"""Conditional mutual information of Gaussian blocks,
    :math:`I(X;Y|Z) = \tfrac12 \log \dfrac{\det\Sigma_{XZ}\,\det\Sigma_{YZ}}
    {\det\Sigma_{XYZ}\,\det\Sigma_{Z}}`.

    Here :math:`\Sigma_{XZ}` is the covariance of the stacked blocks X and Z, and so on.
    For scalars it equals :math:`-\tfrac12\log(1-\rho_{XY\cdot Z}^2)` with the partial
    correlation :math:`\rho_{XY\cdot Z}`.  ``z=None`` or an empty sequence gives
    :math:`I(X;Y)`.

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Joint covariance (symmetric positive definite).
    x, y, z : int or sequence of int
        Disjoint index blocks.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`I(X;Y|Z) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), section 2.5 (definition) and chapter 8 (Gaussian entropies).

    Examples
    --------
    >>> c = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.25], [0.5, 0.25, 1.0]])
    >>> round(conditional_mutual_information(c, 1, 2, 0), 12)   # Y, Z independent given X
    0.0
    """
    lb = log_base(base)
    c = check_covariance(cov, "cov")
    d = c.shape[0]
    ix, iy = _indices(x, d, "x"), _indices(y, d, "y")
    iz = _indices(z, d, "z", allow_empty=True)
    _disjoint(x=ix, y=iy, z=iz)
    val = (
        _block_logdet(c, ix + iz)
        + _block_logdet(c, iy + iz)
        - _block_logdet(c, ix + iy + iz)
        - _block_logdet(c, iz)
    )
    return max(0.5 * val, 0.0) / lb


def total_correlation(cov: Any, *, base: Base = "e") -> float:
    r"""Total correlation of a Gaussian vector with scalar components,
    :math:`TC = \sum_i h(X_i) - h(X) = \tfrac12\left(\sum_i \log\Sigma_{ii} - \log\det\Sigma\right)
    = -\tfrac12 \log\det R`, with :math:`R` the correlation matrix.

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Covariance (symmetric positive definite).
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`TC \ge 0` in units of ``base``; zero iff ``cov`` is diagonal.

    References
    ----------
    Watanabe, S. (1960). Information theoretical analysis of multivariate correlation.
    IBM J. Res. Dev. 4(1).

    Examples
    --------
    >>> total_correlation(np.diag([1.0, 2.0, 3.0]))
    0.0
    """
    lb = log_base(base)
    c = check_covariance(cov, "cov")
    val = float(np.sum(np.log(np.diag(c)))) - _logdet_spd(c)
    return max(0.5 * val, 0.0) / lb


def _mean(m: Any, name: str, d: int | None) -> np.ndarray:
    arr = np.array(as_array(m, name), dtype=np.float64, copy=True)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a vector of shape (d,); got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty.")
    check_finite_array(arr, name)
    if d is not None and arr.shape[0] != d:
        raise ValueError(
            f"{name} has length {arr.shape[0]} but the covariances are {d}x{d}; "
            "means and covariances must have the same dimension."
        )
    return arr


def kl_divergence(
    mean0: Any, cov0: Any, mean1: Any, cov1: Any, *, base: Base = "e"
) -> float:
    r"""KL divergence between two Gaussians,
    :math:`D(\mathcal N_0\|\mathcal N_1) = \tfrac12\left[\operatorname{tr}(\Sigma_1^{-1}\Sigma_0)
    + (\mu_1-\mu_0)^\top\Sigma_1^{-1}(\mu_1-\mu_0) - d
    + \log\frac{\det\Sigma_1}{\det\Sigma_0}\right]`.

    Asymmetric in its two arguments.

    Parameters
    ----------
    mean0, cov0 : array_like, shapes (d,) and (d, d)
        Mean and covariance of the first distribution (the one expectations are taken
        under).
    mean1, cov1 : array_like, shapes (d,) and (d, d)
        Mean and covariance of the second (reference) distribution.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`D \ge 0` in units of ``base``; zero iff the two Gaussians coincide.

    References
    ----------
    Kullback, S. (1959). *Information Theory and Statistics*, Wiley; the multivariate
    normal case is worked out in e.g. Duchi, J. (2007), "Derivations for linear algebra
    and optimization", section 9.

    Examples
    --------
    >>> round(kl_divergence([0.0], [[1.0]], [1.0], [[1.0]]), 12)   # (mu0 - mu1)^2 / 2
    0.5
    """
    lb = log_base(base)
    c0 = check_covariance(cov0, "cov0")
    c1 = check_covariance(cov1, "cov1")
    if c0.shape != c1.shape:
        raise ValueError(
            f"cov0 and cov1 must have the same shape; got {c0.shape} and {c1.shape}."
        )
    d = c0.shape[0]
    m0 = _mean(mean0, "mean0", d)
    m1 = _mean(mean1, "mean1", d)
    # With S1 = L1 L1^T and S0 = L0 L0^T:  tr(S1^-1 S0) = ||L1^-1 L0||_F^2 and
    # (m1-m0)^T S1^-1 (m1-m0) = ||L1^-1 (m1-m0)||^2.
    L0 = np.linalg.cholesky(c0)
    L1 = np.linalg.cholesky(c1)
    M = np.linalg.solve(L1, np.column_stack([L0, m1 - m0]))
    trace = float(np.sum(M[:, :d] ** 2))
    maha = float(np.sum(M[:, d] ** 2))
    logdet0 = float(2.0 * np.sum(np.log(np.diag(L0))))
    logdet1 = float(2.0 * np.sum(np.log(np.diag(L1))))
    val = 0.5 * (trace + maha - d + logdet1 - logdet0)
    return max(val, 0.0) / lb


def affine_entropy(cov: Any, A: Any, *, base: Base = "e") -> float:
    r"""Differential entropy of :math:`T = AX + b` for Gaussian :math:`X` and invertible
    :math:`A`: :math:`h(T) = h(X) + \log|\det A|`.

    The shift :math:`b` does not change the entropy, so it is not an argument.  The law
    holds for any density of :math:`X`; here :math:`h(X)` is the Gaussian entropy of
    ``cov``.  Since :math:`T` is Gaussian with covariance :math:`A\Sigma A^\top`, the
    result also equals ``entropy(A @ cov @ A.T)`` (the tests check both routes agree).

    Parameters
    ----------
    cov : array_like, shape (d, d)
        Covariance of :math:`X` (symmetric positive definite).
    A : array_like, shape (d, d)
        Square, non-singular matrix.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`h(AX+b)` in units of ``base``.

    Raises
    ------
    ValueError
        If ``A`` is not square, does not match ``cov``, or is singular (a singular map
        puts :math:`T` on a lower-dimensional set where it has no density:
        :math:`h(T) = -\infty`).

    References
    ----------
    Cover & Thomas (2006), Corollary to Theorem 8.6.4.

    Examples
    --------
    >>> cov = np.eye(2)
    >>> A = np.array([[2.0, 0.0], [0.0, 3.0]])
    >>> bool(abs(affine_entropy(cov, A) - entropy(cov) - np.log(6.0)) < 1e-12)
    True
    """
    lb = log_base(base)
    c = check_covariance(cov, "cov")
    a = np.array(as_array(A, "A"), dtype=np.float64, copy=True)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(
            f"A must be a square matrix (an invertible linear map); got shape {a.shape}."
        )
    check_finite_array(a, "A")
    if a.shape != c.shape:
        raise ValueError(
            f"A has shape {a.shape} but cov is {c.shape[0]}x{c.shape[0]}; A must map the "
            "space of X onto itself."
        )
    sign, logabsdet = np.linalg.slogdet(a)
    cond = np.linalg.cond(a)
    if sign == 0 or not np.isfinite(logabsdet) or not np.isfinite(cond) or cond > 1e15:
        raise ValueError(
            f"A is singular (condition number {cond:.3g}); h(AX) is -inf because AX lies "
            "on a lower-dimensional subspace. Use an invertible A."
        )
    d = c.shape[0]
    return (0.5 * (d * _LOG_2PI_E + _logdet_spd(c)) + float(logabsdet)) / lb


def mutual_information_from_correlation(rho: Any, *, base: Base = "e") -> Any:
    r"""Mutual information of a bivariate Gaussian with correlation :math:`\rho`,
    :math:`I = -\tfrac12 \log(1-\rho^2)`.

    Parameters
    ----------
    rho : float or array_like
        Correlation coefficient(s) in :math:`[-1, 1]`.  :math:`|\rho| = 1` gives
        ``inf`` (a deterministic linear relation between continuous variables).
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float or ndarray
        Mutual information in units of ``base`` (a float for scalar input).

    References
    ----------
    Cover & Thomas (2006), Example 8.5.1.

    Examples
    --------
    >>> round(mutual_information_from_correlation(np.sqrt(0.75), base=2), 12)
    1.0
    """
    lb = log_base(base)
    r = np.array(as_array(rho, "rho"), dtype=np.float64, copy=True)
    check_finite_array(r, "rho")
    if np.any(np.abs(r) > 1.0):
        bad = r.flat[int(np.argmax(np.abs(r) > 1.0))]
        raise ValueError(f"rho must lie in [-1, 1]; got {bad!r}.")
    with np.errstate(divide="ignore"):
        val = -0.5 * np.log1p(-(r * r)) / lb
    val = np.maximum(val, 0.0)
    return float(val) if val.ndim == 0 else val
