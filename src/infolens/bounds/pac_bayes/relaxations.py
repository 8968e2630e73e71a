r"""The Seeger/Maurer PAC-Bayes-kl bound and the bounds that relax it.

All of them are built on :math:`B = \mathrm{KL}(Q\|P) + \ln(\xi/\delta)` with
:math:`\xi = 2\sqrt n` (or Maurer's exact :math:`\xi(n)` for the kl bound):

- :func:`kl_bound`: :math:`L \le \mathrm{kl}^{-1}_{+}(\hat L, B/n)` (the tightest);
- :func:`mcallester_bound`: :math:`\hat L + \sqrt{B/(2n)}`;
- :func:`classic_bound`: :math:`\hat L + \sqrt{(\mathrm{KL}+\ln(n/\delta))/(2(n-1))}`;
- :func:`lambda_bound`: Thiemann et al.'s :math:`\lambda` bound;
- :func:`quad_bound`: Pérez-Ortiz et al.'s "quad" bound;
- :func:`maurer_xi`: Maurer's constant :math:`\xi(n)`.

See :mod:`infolens.bounds.pac_bayes` for the conventions (grids, union bounds).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..kl import kl_inv_upper
from .base import BoundResult, _delta, _finish, _grid, _n

__all__ = [
    "kl_bound",
    "maurer_xi",
    "mcallester_bound",
    "classic_bound",
    "lambda_bound",
    "quad_bound",
]


def _B(kl: np.ndarray, n: int, delta_each: float) -> np.ndarray:
    return kl + math.log(2.0 * math.sqrt(n) / delta_each)


def maurer_xi(n: int) -> float:
    r"""Maurer's constant :math:`\xi(n)`, the moment that the kl bound pays for.

    .. math:: \xi(n) = \sum_{k=0}^{n} \binom nk \Big(\frac kn\Big)^k
              \Big(1-\frac kn\Big)^{n-k}
              = \mathbb E\big[e^{\,n\,\mathrm{kl}(\hat p\|p)}\big]
              \quad (\hat p \sim \mathrm{Bin}(n, p)/n,\ \text{any } p),

    and for a loss in [0, 1] the same moment is at most :math:`\xi(n)`.  It satisfies
    :math:`\sqrt n \le \xi(n) \le 2\sqrt n` for :math:`n \ge 8` and grows like
    :math:`\sqrt{\pi n/2}`, so using it instead of :math:`2\sqrt n` saves about
    :math:`\ln(2/\sqrt{\pi/2}) = 0.47` nats.  Computed exactly in log space
    (:math:`0^0 = 1`), in O(n) time.

    Parameters
    ----------
    n : int
        Number of examples, >= 1.

    Returns
    -------
    float

    References
    ----------
    Maurer, A. (2004). A note on the PAC Bayesian theorem. arXiv:cs/0411099.

    Examples
    --------
    >>> maurer_xi(1)            # k = 0 and k = 1 each contribute 1
    2.0
    >>> bool(maurer_xi(1000) < 2 * 1000 ** 0.5)
    True
    """
    from scipy import special  # imported on first use: keeps importing this module light

    n = _n(n)
    total = -math.inf
    chunk = 1 << 20
    for start in range(0, n + 1, chunk):
        k = np.arange(start, min(n, start + chunk - 1) + 1, dtype=np.float64)
        log_c = special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)
        log_t = special.xlogy(k, k / n) + special.xlogy(n - k, (n - k) / n)
        total = float(np.logaddexp(total, special.logsumexp(log_c + log_t)))
    return math.exp(total)


def kl_bound(
    empirical_risk: Any, kl: Any, n: int, *, delta: float, xi: str = "2sqrt"
) -> BoundResult:
    r"""Seeger/Maurer PAC-Bayes-kl bound.

    .. math:: \mathrm{kl}(\hat L\|L) \le \frac{\mathrm{KL}(Q\|P) + \ln(\xi/\delta)}{n}
              \;\Rightarrow\; L \le \mathrm{kl}^{-1}_{+}\Big(\hat L,
              \frac{\mathrm{KL} + \ln(\xi/\delta)}{n}\Big),

    valid for losses in [0, 1], with :math:`\xi = 2\sqrt n` (``xi="2sqrt"``, the usual
    form, valid for :math:`n \ge 8`, Maurer's condition) or Maurer's exact constant
    :math:`\xi(n)` (``xi="exact"``, :func:`maurer_xi`, valid for every ``n`` and about
    0.47 nats smaller).

    Parameters
    ----------
    empirical_risk : float or array_like
        :math:`\hat L(Q)` on the ``n`` bound examples, in [0, 1] (array: grid candidates).
    kl : float or array_like
        :math:`\mathrm{KL}(Q\|P)` in nats (array: grid candidates; union bound applied).
    n : int
        Number of examples used for the bound (never those used to choose the prior).
    delta : float
        Failure probability in (0, 1).
    xi : {"2sqrt", "exact"}, default "2sqrt"
        The constant :math:`\xi` (``"2sqrt"`` reproduces published certificates).

    Returns
    -------
    BoundResult
        ``terms["xi"]`` is the constant used.

    References
    ----------
    Seeger, M. (2002). PAC-Bayesian generalisation error bounds for Gaussian process
    classification. JMLR 3, 233-269.  Maurer, A. (2004). A note on the PAC Bayesian
    theorem. arXiv:cs/0411099.

    Examples
    --------
    >>> r = kl_bound(0.0, 0.0, 10000, delta=0.05)
    >>> round(r.value, 6) == round(1 - 2.718281828459045 ** -(r.penalty / 10000), 6)
    True
    """
    if xi not in ("2sqrt", "exact"):
        raise ValueError(f"xi must be '2sqrt' or 'exact'; got {xi!r}.")
    e, k, K = _grid(empirical_risk, kl)
    n = _n(n)
    if xi == "2sqrt" and n < 8:
        raise ValueError(
            f"n={n}: the 2 sqrt(n) constant needs n >= 8 (Maurer 2004); pass xi='exact', "
            "valid for every n."
        )
    d = _delta(delta)
    c = 2.0 * math.sqrt(n) if xi == "2sqrt" else maurer_xi(n)
    B = k + math.log(c * K / d)
    return _finish(
        "kl", kl_inv_upper(e, B / n), e, k, B, n, d, K, "Seeger (2002); Maurer (2004)", xi=c
    )


def mcallester_bound(empirical_risk: Any, kl: Any, n: int, *, delta: float) -> BoundResult:
    r"""McAllester-type square-root bound (Pinsker's relaxation of the kl bound).

    .. math:: L \le \hat L + \sqrt{\frac{\mathrm{KL}(Q\|P) + \ln(2\sqrt n/\delta)}{2n}}.

    This is the form written by McAllester (2003) with Maurer's (2004) constant, called
    ``f_classic`` by Pérez-Ortiz et al. (2021).

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound`.

    Returns
    -------
    BoundResult

    References
    ----------
    McAllester, D. (2003). PAC-Bayesian stochastic model selection. Machine Learning 51.
    Pérez-Ortiz, M., Rivasplata, O., Shawe-Taylor, J., Szepesvári, C. (2021). Tighter risk
    certificates for neural networks. JMLR 22(227).

    Examples
    --------
    >>> r = mcallester_bound(0.1, 5.0, 1000, delta=0.05)
    >>> r.value > r.empirical_risk
    True
    """
    e, k, K = _grid(empirical_risk, kl)
    n = _n(n, minimum=8)
    d = _delta(delta)
    B = _B(k, n, d / K)
    return _finish(
        "mcallester", e + np.sqrt(B / (2 * n)), e, k, B, n, d, K, "McAllester (2003); Maurer (2004)"
    )


def classic_bound(empirical_risk: Any, kl: Any, n: int, *, delta: float) -> BoundResult:
    r"""The square-root bound in the form quoted by the seed text.

    .. math:: L \le \hat L + \sqrt{\frac{\mathrm{KL}(Q\|P) + \ln(n/\delta)}{2(n-1)}}.

    This is McAllester's (1999) bound as used by Dziugaite & Roy (2017, eq. 4) as their
    training objective.

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound` (``n >= 2``).

    Returns
    -------
    BoundResult

    References
    ----------
    McAllester, D. (1999). PAC-Bayesian model averaging. COLT.
    Dziugaite, G. K., Roy, D. M. (2017). Computing nonvacuous generalization bounds for deep
    (stochastic) neural networks with many more parameters than training data. UAI.

    Examples
    --------
    >>> round(classic_bound(0.0, 0.0, 101, delta=0.01).value, 6)  # sqrt(ln(10100)/200)
    0.214712
    """
    e, k, K = _grid(empirical_risk, kl)
    n = _n(n, minimum=2)
    d = _delta(delta)
    B = k + math.log(n * K / d)
    return _finish(
        "classic",
        e + np.sqrt(B / (2 * (n - 1))),
        e,
        k,
        B,
        n,
        d,
        K,
        "McAllester (1999); Dziugaite & Roy (2017) eq. 4",
    )


def lambda_bound(
    empirical_risk: Any,
    kl: Any,
    n: int,
    *,
    delta: float,
    lam: float | None = None,
) -> BoundResult:
    r"""The :math:`\lambda` bound of Thiemann et al. (2017).

    .. math:: L \le \frac{\hat L}{1-\lambda/2}
              + \frac{\mathrm{KL}(Q\|P) + \ln(2\sqrt n/\delta)}{n\lambda(1-\lambda/2)},
              \quad \lambda \in (0, 2).

    It relaxes the kl bound and holds for all :math:`\lambda` simultaneously, so no union
    bound is paid for choosing :math:`\lambda`.  With ``lam=None`` the minimiser
    :math:`\lambda^* = 2/(\sqrt{2n\hat L/B + 1} + 1)` is used.

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound`.
    lam : float, optional
        Fixed :math:`\lambda \in (0, 2)`; default the optimum.

    Returns
    -------
    BoundResult
        ``terms["lambda"]`` is the value used.

    References
    ----------
    Thiemann, N., Igel, C., Wintenberger, O., Seldin, Y. (2017). A strongly quasiconvex
    PAC-Bayesian bound. ALT.

    Examples
    --------
    >>> r = lambda_bound(0.1, 5.0, 1000, delta=0.05)
    >>> 0 < r.terms["lambda"] < 2
    True
    """
    e, k, K = _grid(empirical_risk, kl)
    n = _n(n, minimum=8)
    d = _delta(delta)
    B = _B(k, n, d / K)
    if lam is None:
        lam_arr = 2.0 / (np.sqrt(2.0 * n * e / B + 1.0) + 1.0)
    else:
        if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not 0 < float(lam) < 2:
            raise ValueError(f"lam must be a number in (0, 2); got {lam!r}.")
        lam_arr = np.full_like(e, float(lam))
    vals = e / (1 - lam_arr / 2) + B / (n * lam_arr * (1 - lam_arr / 2))
    return _finish(
        "lambda", vals, e, k, B, n, d, K, "Thiemann et al. (2017)", **{"lambda": lam_arr}
    )


def quad_bound(empirical_risk: Any, kl: Any, n: int, *, delta: float) -> BoundResult:
    r"""The "quad" bound of Pérez-Ortiz et al. (2021).

    .. math:: L \le \Big(\sqrt{\hat L + \tfrac{B}{2n}} + \sqrt{\tfrac{B}{2n}}\Big)^2,
              \quad B = \mathrm{KL}(Q\|P) + \ln(2\sqrt n/\delta).

    A relaxation of the kl bound (via :math:`\mathrm{kl}(q\|p) \ge (p-q)^2/(2p)`) that is
    tighter than the square-root bound when :math:`\hat L` is small.

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound`.

    Returns
    -------
    BoundResult

    References
    ----------
    Pérez-Ortiz, M., Rivasplata, O., Shawe-Taylor, J., Szepesvári, C. (2021). Tighter risk
    certificates for neural networks. JMLR 22(227), eq. (f_quad).

    Examples
    --------
    >>> r = quad_bound(0.0, 0.0, 1000, delta=0.05)
    >>> abs(r.value - 2 * r.penalty / 1000) < 1e-12   # (0 + 2 sqrt(B/2n))^2 = 2B/n
    True
    """
    e, k, K = _grid(empirical_risk, kl)
    n = _n(n, minimum=8)
    d = _delta(delta)
    B = _B(k, n, d / K)
    r = B / (2 * n)
    return _finish(
        "quad", (np.sqrt(e + r) + np.sqrt(r)) ** 2, e, k, B, n, d, K, "Pérez-Ortiz et al. (2021)"
    )
