r"""Information-theoretic limits on the error of any classifier.

For a label :math:`Y` with ``M`` classes and features :math:`X`, the Bayes error
:math:`P_e^* = \mathbb E_X[1-\max_y p(y|X)]` is tied to the conditional entropy
:math:`H(Y|X)` in both directions:

- Fano (lower bound on error): :math:`H(Y|X) \le h(P_e) + P_e\ln(M-1)` for every
  estimator of :math:`Y` from :math:`X`, hence :math:`P_e^* \ge \phi_F^{-1}(H(Y|X))`.
- Hellman–Raviv (upper bound): :math:`P_e^* \le H(Y|X)/2` with :math:`H` in bits.
- Feder–Merhav / Kovalevsky (tighter upper bound): :math:`H(Y|X) \ge \Phi(P_e^*)` with
  :math:`\Phi` the piecewise-linear function through :math:`((k-1)/k, \ln k)`,
  :math:`k = 1, 2, \dots`, hence :math:`P_e^* \le \Phi^{-1}(H(Y|X))`.

Mind the direction: a *lower* bound on :math:`H(Y|X)` (equivalently an upper bound on
:math:`I(X;Y)`) feeds the Fano lower bound on error; an *upper* bound on :math:`H(Y|X)`
(e.g. a model's cross-entropy) feeds only the upper bounds.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .._validate import check_positive_int, check_samples
from ..units import Base, log_base

__all__ = [
    "fano_lower_bound",
    "hellman_raviv_upper_bound",
    "feder_merhav_upper_bound",
    "gaussian_channel_mi_ceiling",
]

_TOL = 1e-12  # round-off allowance (nats) when comparing an entropy with ln M


def _nonneg(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
        raise TypeError(f"{name} must be a finite real number; got {v!r}.")
    return float(v)


def _fano_phi(p: float, m: int) -> float:
    h = 0.0
    if 0 < p < 1:
        h = -(p * math.log(p) + (1 - p) * math.log1p(-p))
    return h + (p * math.log(m - 1) if m > 2 else 0.0)


def _conditional_entropy_nats(
    conditional_entropy: Any, mutual_information: Any, entropy_y: Any, lb: float
) -> float:
    if (conditional_entropy is None) == (mutual_information is None):
        raise ValueError(
            "give exactly one of conditional_entropy=H(Y|X) or mutual_information=I(X;Y) "
            "(the latter together with entropy_y=H(Y))."
        )
    if conditional_entropy is not None:
        if entropy_y is not None:
            raise ValueError("entropy_y is only used with mutual_information; drop it.")
        h = _nonneg(conditional_entropy, "conditional_entropy") * lb
        if h < -_TOL:
            raise ValueError(f"conditional_entropy={conditional_entropy!r} is negative.")
        return max(h, 0.0)
    if entropy_y is None:
        raise ValueError(
            "mutual_information needs entropy_y=H(Y) to give H(Y|X) = H(Y) - I(X;Y); "
            "using log M instead would overstate H(Y|X) and make the bound invalid."
        )
    i = _nonneg(mutual_information, "mutual_information") * lb
    hy = _nonneg(entropy_y, "entropy_y") * lb
    # H(Y|X) >= 0 always, so max(H(Y) - I, 0) is still a valid value for the bound
    return max(hy - i, 0.0)


def fano_lower_bound(
    *,
    conditional_entropy: float | None = None,
    mutual_information: float | None = None,
    entropy_y: float | None = None,
    n_classes: int,
    base: Base = "e",
) -> float:
    r"""Fano's lower bound on the error probability of any classifier.

    Fano's inequality for ``M`` classes,

    .. math:: H(Y|X) \le h(P_e) + P_e \ln(M-1),

    (for ``M = 2``: :math:`H(Y|X) \le h(P_e)`, the binary form), is inverted numerically:
    the right side increases on :math:`[0, (M-1)/M]` from 0 to :math:`\ln M`, and the bound
    is the smallest :math:`P_e` there that satisfies it (found by bisection to 1e-15,
    returning the lower end of the bracket).  With ``mutual_information`` the conditional
    entropy is :math:`H(Y) - I(X;Y)`, so an *upper* bound on :math:`I` gives a valid
    lower bound on the error.

    Parameters
    ----------
    conditional_entropy : float, optional
        :math:`H(Y|X)` (or any lower bound on it), in units of ``base``.
    mutual_information : float, optional
        :math:`I(X;Y)` (or any upper bound on it), in units of ``base``; needs ``entropy_y``.
    entropy_y : float, optional
        :math:`H(Y)` in units of ``base`` (or a lower bound on it).
    n_classes : int
        Number of classes ``M >= 2``.
    base : {"e", 2, 10} or float
        Unit of the entropies.

    Returns
    -------
    float
        Lower bound on the error probability, in :math:`[0, (M-1)/M]`.

    References
    ----------
    Fano, R. M. (1961). *Transmission of Information*. MIT Press.
    Cover, T. M. & Thomas, J. A. (2006). *Elements of Information Theory*, Thm 2.10.1.

    Examples
    --------
    >>> round(fano_lower_bound(conditional_entropy=1.0, n_classes=2, base=2), 12)
    0.5
    >>> fano_lower_bound(mutual_information=1.0, entropy_y=1.0, n_classes=2, base=2)
    0.0
    """
    m = check_positive_int(n_classes, "n_classes", minimum=2)
    lb = log_base(base)
    h = _conditional_entropy_nats(conditional_entropy, mutual_information, entropy_y, lb)
    if h > math.log(m) + _TOL:
        raise ValueError(
            f"H(Y|X) = {h / lb:.6g} exceeds log M = {math.log(m) / lb:.6g} (units of base={base!r}); "
            "check n_classes and base."
        )
    if h <= 0.0:
        return 0.0
    top = (m - 1) / m
    if h >= math.log(m):
        return top
    lo, hi = 0.0, top
    while hi - lo > 1e-15:
        mid = 0.5 * (lo + hi)
        if _fano_phi(mid, m) >= h:
            hi = mid
        else:
            lo = mid
    return lo


def hellman_raviv_upper_bound(conditional_entropy: float, *, base: Base = "e") -> float:
    r"""Hellman–Raviv upper bound on the Bayes error: :math:`P_e^* \le H(Y|X)/2` (bits).

    Holds because :math:`1 - \max_y p(y|x) \le H(Y|X=x)/2` in bits for every
    :math:`x` (the binary-entropy curve lies above the line :math:`2 P_e`) and averaging.
    Values above 1 are returned as computed (the bound is then vacuous).

    Parameters
    ----------
    conditional_entropy : float
        :math:`H(Y|X)` or any upper bound on it (e.g. a held-out cross-entropy), in units
        of ``base``.
    base : {"e", 2, 10} or float

    Returns
    -------
    float
        :math:`H(Y|X)_{\text{bits}} / 2`.

    References
    ----------
    Hellman, M. E. & Raviv, J. (1970). Probability of error, equivocation, and the
    Chernoff bound. IEEE Trans. Inf. Theory 16(4), 368-372.

    Examples
    --------
    >>> hellman_raviv_upper_bound(1.0, base=2)
    0.5
    """
    h = _nonneg(conditional_entropy, "conditional_entropy") * log_base(base)
    if h < -_TOL:
        raise ValueError(f"conditional_entropy={conditional_entropy!r} is negative.")
    return max(h, 0.0) / math.log(2.0) / 2.0


def feder_merhav_upper_bound(
    conditional_entropy: float, *, n_classes: int | None = None, base: Base = "e"
) -> float:
    r"""Feder–Merhav (Kovalevsky) piecewise-linear upper bound on the Bayes error.

    The smallest possible :math:`H(Y|X)` for a given error :math:`\pi` is the
    piecewise-linear convex function

    .. math:: \Phi(\pi) = \ln k + k(k+1)\ln\tfrac{k+1}{k}\,\Big(\pi - \tfrac{k-1}{k}\Big),
              \quad \tfrac{k-1}{k} \le \pi \le \tfrac{k}{k+1},

    so :math:`P_e^* \le \Phi^{-1}(H(Y|X))`.  For :math:`H \le \ln 2` this equals the
    Hellman–Raviv bound; above it, it is strictly tighter.

    Parameters
    ----------
    conditional_entropy : float
        :math:`H(Y|X)` or an upper bound on it, in units of ``base``.
    n_classes : int, optional
        If given, checks :math:`H \le \ln M`.
    base : {"e", 2, 10} or float

    Returns
    -------
    float
        Upper bound on the Bayes error.

    References
    ----------
    Kovalevsky, V. A. (1968). The problem of character recognition from the point of view
    of mathematical statistics. Feder, M. & Merhav, N. (1994). Relations between entropy
    and error probability. IEEE Trans. Inf. Theory 40(1), 259-266.

    Examples
    --------
    >>> round(feder_merhav_upper_bound(1.0, base=2), 12)   # = Hellman-Raviv below 1 bit
    0.5
    >>> round(feder_merhav_upper_bound(2.0, base=2), 12)   # H = log 4 -> (4-1)/4
    0.75
    """
    lb = log_base(base)
    h = _nonneg(conditional_entropy, "conditional_entropy") * lb
    if h < -_TOL:
        raise ValueError(f"conditional_entropy={conditional_entropy!r} is negative.")
    h = max(h, 0.0)
    if n_classes is not None:
        m = check_positive_int(n_classes, "n_classes", minimum=2)
        if h > math.log(m) + _TOL:
            raise ValueError(f"H(Y|X) = {h / lb:.6g} exceeds log M = {math.log(m) / lb:.6g}.")
    # k with ln k <= h < ln(k+1); guard the floor against round-off at exact ln k
    k = max(int(math.floor(math.exp(h) + 1e-9)), 1)
    while math.log(k) > h:
        k -= 1
    slope = k * (k + 1) * math.log((k + 1) / k)
    return (k - 1) / k + (h - math.log(k)) / slope


def gaussian_channel_mi_ceiling(signal: Any, *, noise_std: float, base: Base = "e") -> float:
    r"""Ceiling on :math:`I(T;Y)` for a noisy representation :math:`T = S + N`.

    With :math:`N\sim\mathcal N(0,\sigma^2 I)` independent of the clean representation
    :math:`S = f(X)` and of :math:`Y`, the data-processing inequality and the maximum-entropy
    property of the Gaussian give

    .. math:: I(T;Y) \le I(T;S) \le \tfrac12\ln\det\big(I + \Sigma_S/\sigma^2\big),

    with :math:`\Sigma_S` the covariance of :math:`S` (here its sample covariance, a
    consistent plug-in; the only estimated ingredient).

    Parameters
    ----------
    signal : array_like of shape (n, d)
        Samples of the clean representation :math:`S`.
    noise_std : float
        Standard deviation :math:`\sigma > 0` of the added Gaussian noise.
    base : {"e", 2, 10} or float

    Returns
    -------
    float
        The ceiling in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), Thm 9.6.5 and Sec. 9.4 (Gaussian channel); Goldfeld et al.
    (2019). Estimating information flow in deep neural networks. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.random.default_rng(0).normal(size=(20000, 1))
    >>> round(gaussian_channel_mi_ceiling(s, noise_std=1.0), 1)   # 0.5 ln 2
    0.3
    """
    s = check_samples(signal, "signal", min_samples=2, kind="continuous")
    sd = _nonneg(noise_std, "noise_std")
    if sd <= 0:
        raise ValueError(f"noise_std must be > 0; got {noise_std!r}.")
    cov = np.atleast_2d(np.cov(s, rowvar=False))
    sign, logdet = np.linalg.slogdet(np.eye(cov.shape[0]) + cov / sd**2)
    if sign <= 0:  # pragma: no cover - I + PSD is positive definite
        raise ValueError("signal covariance is not positive semi-definite.")
    return float(0.5 * logdet / log_base(base))
