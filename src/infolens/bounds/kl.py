"""The binary KL divergence and its two inverses, the workhorses of PAC-Bayes-kl bounds.

All quantities are in nats.  The inverses are computed by vectorised bisection on the
monotone branch of :math:`p \\mapsto \\mathrm{kl}(q\\|p)`, returning the *conservative*
end of the final bracket (the upper end for :func:`kl_inv_upper`, the lower end for
:func:`kl_inv_lower`), so a bound built from them is never optimistic because of
round-off.  When the budget ``c`` is so large that no probability satisfies the
constraint the answer is the trivial one (1.0, resp. 0.0) -- never the empirical value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import rel_entr

from .._validate import as_array

__all__ = ["binary_kl", "kl_inv_upper", "kl_inv_lower"]

_BISECTION_STEPS = 200  # width after k steps is 2**-k; 200 reaches the float grid everywhere


def _probabilities(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(as_array(x, name), dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        bad = arr[~(np.isfinite(arr) & (arr >= 0) & (arr <= 1))]
        raise ValueError(
            f"{name} must be probabilities in [0, 1]; got value(s) {bad[:5].tolist()}. "
            "Pass error rates / risks as fractions, not percentages."
        )
    return arr


def _budget(c: Any, name: str = "c") -> np.ndarray:
    arr = np.asarray(as_array(c, name), dtype=float)
    if np.any(np.isnan(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (may be +inf); got {np.asarray(c).tolist()!r}.")
    return arr


def _out(a: np.ndarray) -> Any:
    return float(a) if a.ndim == 0 else a


def _kl(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    return rel_entr(q, p) + rel_entr(1.0 - q, 1.0 - p)


def binary_kl(q: Any, p: Any) -> Any:
    r"""KL divergence between two Bernoulli distributions, in nats.

    .. math:: \mathrm{kl}(q\|p) = q\ln\frac{q}{p} + (1-q)\ln\frac{1-q}{1-p},

    with :math:`0\ln 0 = 0`; it is :math:`+\infty` when :math:`p\in\{0,1\}` and
    :math:`q\neq p`.

    Parameters
    ----------
    q, p : float or array_like
        Probabilities in [0, 1]; broadcast against each other.

    Returns
    -------
    float or ndarray
        :math:`\mathrm{kl}(q\|p) \ge 0` in nats.

    References
    ----------
    Langford, J. (2005). Tutorial on practical prediction theory for classification. JMLR 6.

    Examples
    --------
    >>> round(binary_kl(0.5, 0.5), 12)
    0.0
    >>> round(binary_kl(0.0, 0.5), 6)  # ln 2
    0.693147
    """
    qa = _probabilities(q, "q")
    pa = _probabilities(p, "p")
    return _out(np.asarray(_kl(qa, pa), dtype=float))


def kl_inv_upper(q: Any, c: Any) -> Any:
    r"""Upper inverse of the binary KL: :math:`\sup\{p\in[q,1] : \mathrm{kl}(q\|p)\le c\}`.

    This turns a PAC-Bayes-kl statement :math:`\mathrm{kl}(\hat L\|L)\le c` into the
    upper bound :math:`L \le \mathrm{kl}^{-1}_{+}(\hat L, c)`.

    Computed by bisection on :math:`[q, 1]` (where :math:`\mathrm{kl}(q\|\cdot)` increases)
    for 200 halvings, returning the upper end of the final bracket, so the value is
    never below the exact inverse.  For :math:`q=0` the exact value is
    :math:`1-e^{-c}`.  When ``c`` exceeds every attainable divergence (for example
    ``c = inf`` or ``c = 1e6``), the result is 1.0.

    Parameters
    ----------
    q : float or array_like
        Empirical risk(s) in [0, 1].
    c : float or array_like
        Budget(s) in nats, ``>= 0``; ``inf`` allowed.

    Returns
    -------
    float or ndarray
        The largest :math:`p` with :math:`\mathrm{kl}(q\|p)\le c`, in :math:`[q, 1]`.

    References
    ----------
    Seeger, M. (2002). PAC-Bayesian generalisation error bounds for Gaussian process
    classification. JMLR 3.  Langford, J. (2005). Tutorial on practical prediction theory.

    Examples
    --------
    >>> kl_inv_upper(0.1, 1e9)   # enormous KL: trivial bound, not 0.1
    1.0
    >>> abs(kl_inv_upper(0.0, 0.5) - (1 - 2.718281828459045 ** -0.5)) < 1e-12
    True
    """
    qa = _probabilities(q, "q")
    ca = _budget(c)
    qa, ca = np.broadcast_arrays(qa, ca)
    lo = qa.copy()
    hi = np.ones_like(qa)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        ok = _kl(qa, mid) <= ca
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    # a zero budget leaves only p = q; bisection alone would stop wherever round-off in
    # kl(q||p) ~ (p - q)^2 / (2q(1-q)) first exceeds 0, about sqrt(eps) away from q
    return _out(np.where(ca == 0, qa, hi))


def kl_inv_lower(q: Any, c: Any) -> Any:
    r"""Lower inverse of the binary KL: :math:`\inf\{p\in[0,q] : \mathrm{kl}(q\|p)\le c\}`.

    Gives lower confidence bounds :math:`L \ge \mathrm{kl}^{-1}_{-}(\hat L, c)`.
    Computed by bisection on :math:`[0, q]`, returning the lower end of the final
    bracket (never above the exact inverse); 0.0 when ``c`` is enormous.

    Parameters
    ----------
    q : float or array_like
        Empirical value(s) in [0, 1].
    c : float or array_like
        Budget(s) in nats, ``>= 0``; ``inf`` allowed.

    Returns
    -------
    float or ndarray
        The smallest :math:`p` with :math:`\mathrm{kl}(q\|p)\le c`, in :math:`[0, q]`.

    References
    ----------
    Langford, J. (2005). Tutorial on practical prediction theory for classification. JMLR 6.

    Examples
    --------
    >>> kl_inv_lower(0.9, 1e9)
    0.0
    """
    qa = _probabilities(q, "q")
    ca = _budget(c)
    qa, ca = np.broadcast_arrays(qa, ca)
    lo = np.zeros_like(qa)
    hi = qa.copy()
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        ok = _kl(qa, mid) <= ca
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return _out(np.where(ca == 0, qa, lo))  # zero budget: exactly q (see kl_inv_upper)
