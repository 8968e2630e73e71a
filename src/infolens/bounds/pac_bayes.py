r"""PAC-Bayes risk bounds with an explicit confidence budget.

Every function takes the empirical risk :math:`\hat L` of a stochastic predictor
:math:`Q` on the ``n`` examples used for the bound (a loss in [0, 1]), the divergence
:math:`\mathrm{KL}(Q\|P)` in nats to a prior :math:`P` chosen without those examples,
and the failure probability ``delta``; it returns a :class:`BoundResult` naming every
term.  With probability at least :math:`1-\delta` over the sample, the true risk
:math:`L(Q)` is below ``result.value``.

Grids.  ``empirical_risk`` and ``kl`` may be arrays (one entry per prior or
hyper-parameter of a grid fixed before seeing the data), and Catoni's bound takes a grid
of its constant.  A grid of ``K`` candidates is paid for by a union bound: each
candidate is evaluated at confidence ``delta / K`` (an extra :math:`\ln K` in the
numerator) and the smallest value is returned, with ``K`` and the chosen index recorded.

Summary of the formulas (:math:`B = \mathrm{KL}+\ln(2\sqrt n/\delta)`):

=================  =========================================================================
kl (Seeger/Maurer) :math:`L \le \mathrm{kl}^{-1}_{+}(\hat L, B/n)`
McAllester         :math:`L \le \hat L + \sqrt{B/(2n)}`
classic (seed)     :math:`L \le \hat L + \sqrt{(\mathrm{KL}+\ln(n/\delta))/(2(n-1))}`
Catoni (C > 0)     :math:`L \le (1-\exp(-C\hat L - (\mathrm{KL}+\ln(1/\delta))/n))/(1-e^{-C})`
lambda (Thiemann)  :math:`L \le \hat L/(1-\lambda/2) + B/(n\lambda(1-\lambda/2))`
quad               :math:`L \le (\sqrt{\hat L + B/(2n)} + \sqrt{B/(2n)})^2`
=================  =========================================================================

The Seeger/Maurer kl bound is the tightest of the family based on :math:`B` (all the
others relax it) and holds for every posterior at once.  Catoni's bound at a single
constant :math:`C` fixed without the bound data (for instance from a pilot on the prior
split) pays :math:`\ln(1/\delta)` instead of :math:`\ln(2\sqrt n/\delta)`; near the right
:math:`C` it is then the tighter of the two (about :math:`\ln(2\sqrt n)` nats, 4 nats at
:math:`n = 700`), and with :math:`\mathrm{KL} = 0` it is the Chernoff (hold-out) bound
of the stochastic predictor.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import as_array, check_positive_int, check_probability
from .kl import kl_inv_upper

__all__ = [
    "BoundResult",
    "kl_bound",
    "maurer_xi",
    "mcallester_bound",
    "classic_bound",
    "catoni_bound",
    "gibbs_posterior_bound",
    "lambda_bound",
    "quad_bound",
    "mc_sampling_bound",
    "holdout_bound",
    "stochastic_risk_certificate",
]


@dataclass(frozen=True)
class BoundResult:
    """A risk bound with every term that went into it.

    Attributes
    ----------
    value : float
        The upper bound on the true risk (holds with probability ``>= 1 - delta``).
    method : str
        Which bound (``"kl"``, ``"mcallester"``, ``"classic"``, ``"catoni"``,
        ``"lambda"``, ``"quad"``, ``"mc_sampling"``, ``"holdout"``, ``"certificate"``).
    empirical_risk : float
        The empirical risk that entered the bound (of the selected grid entry).
    kl : float or None
        KL(Q||P) in nats (None for bounds without a prior).
    n : int
        Number of examples (or weight samples for ``"mc_sampling"``) the bound uses.
    delta : float
        Total failure probability of the statement.
    penalty : float
        The complexity term in nats that was used (e.g. ``KL + ln(2 sqrt(n)/delta)``).
    grid_size : int
        Number of candidates in the union bound (1 without a grid).
    terms : dict
        Any other named quantity (``ln_grid``, ``lambda``, ``C``, ``selected``, sub-bounds).
    reference : str
        Where the bound comes from.
    """

    value: float
    method: str
    empirical_risk: float
    kl: float | None
    n: int
    delta: float
    penalty: float
    grid_size: int = 1
    terms: dict[str, Any] = field(default_factory=dict)
    reference: str = ""

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        kl = "" if self.kl is None else f", KL={self.kl:.4g} nats"
        return (
            f"{self.method} bound {self.value:.4f} (empirical risk {self.empirical_risk:.4f}"
            f"{kl}, n={self.n}, delta={self.delta:g}, grid={self.grid_size})"
        )


def _risks(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(as_array(x, name), dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(
            f"{name} must be a risk in [0, 1] (a bounded loss averaged over the sample); "
            f"got {np.asarray(x).tolist()!r}. Rescale losses into [0, 1] first."
        )
    return arr


def _kls(x: Any) -> np.ndarray:
    arr = np.asarray(as_array(x, "kl"), dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"kl must be a finite KL divergence >= 0 in nats; got {np.asarray(x).tolist()!r}."
        )
    return arr


def _delta(delta: Any) -> float:
    return check_probability(delta, "delta", open_low=True, open_high=True)


def _n(n: Any, minimum: int = 1) -> int:
    if isinstance(n, float) and float(n).is_integer():
        raise TypeError(f"n must be an integer (the number of examples); got float {n!r}.")
    return check_positive_int(n, "n", minimum=minimum)


def _grid(emp: Any, kl: Any) -> tuple[np.ndarray, np.ndarray, int]:
    e = _risks(emp, "empirical_risk")
    k = _kls(kl)
    try:
        e, k = np.broadcast_arrays(e, k)
    except ValueError as exc:
        raise ValueError(
            f"empirical_risk (shape {e.shape}) and kl (shape {k.shape}) must broadcast: one "
            "entry per grid candidate."
        ) from exc
    return e.ravel(), k.ravel(), max(int(e.size), 1)


def _finish(
    method: str,
    values: np.ndarray,
    emp: np.ndarray,
    kl: np.ndarray,
    pen: np.ndarray,
    n: int,
    delta: float,
    k: int,
    reference: str,
    **extra: Any,
) -> BoundResult:
    # a risk in [0, 1] never exceeds 1, so min(bound, 1) is still a valid bound
    values = np.minimum(np.asarray(values, dtype=float), 1.0)
    i = int(np.argmin(values))
    terms = {"ln_grid": math.log(k), "selected": i}
    for key, val in extra.items():
        arr = np.asarray(val)
        terms[key] = float(arr.ravel()[i]) if arr.size > 1 else float(arr.ravel()[0])
    return BoundResult(
        value=float(values[i]),
        method=method,
        empirical_risk=float(emp[i]),
        kl=float(kl[i]),
        n=n,
        delta=delta,
        penalty=float(pen[i]),
        grid_size=k,
        terms=terms,
        reference=reference,
    )


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


def _constants(c: Any) -> np.ndarray:
    cs = np.asarray(as_array(c, "c"), dtype=float).ravel()
    if cs.size == 0 or not np.all(np.isfinite(cs)) or np.any(cs <= 0):
        raise ValueError(f"c must be positive finite constants; got {c!r}.")
    return cs


def _catoni(C: Any, linear: Any, pen: Any, n: int) -> Any:
    """Catoni's bound (1 - exp(-C L - pen/n)) / (1 - e^-C), given ``linear`` = C L."""
    return -np.expm1(-linear - pen / n) / -np.expm1(-C)


def catoni_bound(
    empirical_risk: Any,
    kl: Any,
    n: int,
    *,
    delta: float,
    c: Any = None,
) -> BoundResult:
    r"""Catoni's bound, optimised over a grid of its constant :math:`C` (union bound).

    For a fixed :math:`C > 0`, with probability at least :math:`1-\delta`,

    .. math:: L \le \frac{1 - \exp\big(-C\hat L - (\mathrm{KL}(Q\|P) + \ln(1/\delta))/n\big)}
                        {1 - e^{-C}}.

    Over a grid of ``K`` values (times the size of any prior grid) each is evaluated
    at :math:`\delta/K` and the smallest bound is returned.

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound`.
    c : float or array_like, optional
        Values of :math:`C > 0`. Default: 200 values geometrically spaced in
        :math:`[10^{-2}, 10^{2}]`.

    Returns
    -------
    BoundResult
        ``terms["C"]`` is the selected constant.

    References
    ----------
    Catoni, O. (2007). PAC-Bayesian supervised classification: the thermodynamics of
    statistical learning. IMS Lecture Notes 56, Theorem 1.2.6.

    Examples
    --------
    >>> r = catoni_bound(0.05, 10.0, 5000, delta=0.05)
    >>> r.grid_size
    200
    """
    e, k, Kp = _grid(empirical_risk, kl)
    n = _n(n)
    d = _delta(delta)
    cs = np.geomspace(1e-2, 1e2, 200) if c is None else _constants(c)
    K = Kp * cs.size
    C = np.repeat(cs[None, :], Kp, axis=0).ravel()
    E = np.repeat(e, cs.size)
    KL = np.repeat(k, cs.size)
    pen = KL + math.log(K / d)
    vals = _catoni(C, C * E, pen, n)
    return _finish("catoni", vals, E, KL, pen, n, d, K, "Catoni (2007) Thm 1.2.6", C=C)


def gibbs_posterior_bound(
    risks: Any,
    n: int,
    *,
    delta: float,
    c: Any,
    prior_weights: Any = None,
) -> BoundResult:
    r"""Catoni's bound at the Gibbs posterior over a finite set of predictors.

    Let :math:`h_1, \dots, h_M` be predictors fixed before the ``n`` bound examples are
    seen (for instance ``M`` draws from a Gaussian prior around a network trained on a
    prior split, made with randomness independent of the bound examples), :math:`\pi`
    prior weights on them (default uniform) and :math:`r_i \in [0, 1]` their empirical
    risks on the bound examples.  For a constant :math:`C`, the posterior minimising
    :math:`C\hat L(Q) + \mathrm{KL}(Q\|\pi)/n` is the Gibbs posterior
    :math:`q_i \propto \pi_i e^{-Cnr_i}`, with minimum
    :math:`-\tfrac1n\ln\sum_i\pi_i e^{-Cnr_i}` (Donsker-Varadhan), and with probability at
    least :math:`1-\delta`

    .. math:: L(Q) \le \frac{1 - \exp\big(-C\hat L(Q) - (\mathrm{KL}(Q\|\pi)
              + \ln(K/\delta))/n\big)}{1-e^{-C}}

    over a grid of ``K`` constants (``K = 1`` for one constant fixed in advance).
    :math:`\hat L(Q) = \sum_i q_i r_i` is exact: no Monte-Carlo step.  The stochastic
    predictor :math:`Q` draws :math:`h_i` with probability :math:`q_i` for each prediction.
    For roughly Gaussian risks under :math:`\pi`, tilting towards the predictors that did
    well on the bound split lowers the empirical risk by about
    :math:`Cn\,\mathrm{Var}_\pi(r)` for a KL of about :math:`(Cn)^2\mathrm{Var}_\pi(r)/2`
    nats: a net gain of :math:`C^2 n\,\mathrm{Var}_\pi(r)/2` in
    :math:`C\hat L + \mathrm{KL}/n` over keeping :math:`Q = \pi`.

    Parameters
    ----------
    risks : array_like, shape (M,)
        Empirical risks :math:`r_i` in [0, 1] on the bound examples.
    n : int
        Number of bound examples.
    delta : float
        Failure probability.
    c : float or array_like
        Catoni's constant(s) :math:`C > 0` (a grid is paid for by a union bound).
    prior_weights : array_like, shape (M,), optional
        :math:`\pi`, positive and summing to 1 (default uniform).

    Returns
    -------
    BoundResult
        ``method="gibbs"``; ``empirical_risk`` is :math:`\hat L(Q)`, ``kl`` is
        :math:`\mathrm{KL}(Q\|\pi)`; ``terms`` holds ``C``, ``weights`` (the posterior
        :math:`q`, an array), ``prior_mean_risk`` (:math:`\sum_i\pi_i r_i`) and
        ``n_predictors``.

    References
    ----------
    Catoni, O. (2007). PAC-Bayesian supervised classification: the thermodynamics of
    statistical learning. IMS Lecture Notes 56, Theorem 1.2.6 and Section 1.2.4 (the Gibbs
    posterior).  Donsker, M. D. & Varadhan, S. R. S. (1975). Asymptotic evaluation of
    certain Markov process expectations for large time, I.  Comm. Pure Appl. Math. 28.

    Examples
    --------
    >>> r = gibbs_posterior_bound([0.03, 0.05, 0.04, 0.035], 700, delta=0.05, c=0.5)
    >>> bool(r.empirical_risk < 0.03875 and r.kl > 0)   # tilted below the prior mean risk
    True
    """
    from scipy import special  # imported on first use: keeps importing this module light

    r = _risks(risks, "risks")
    if r.ndim != 1 or r.size == 0:
        raise ValueError(
            f"risks must be a non-empty 1-d array (one risk per predictor); got shape {r.shape}."
        )
    n = _n(n)
    d = _delta(delta)
    cs = _constants(c)
    if prior_weights is None:
        log_pi = np.full(r.size, -math.log(r.size))
    else:
        pi = np.asarray(as_array(prior_weights, "prior_weights"), dtype=float)
        if pi.shape != r.shape:
            raise ValueError(
                f"prior_weights has shape {pi.shape} but risks has {r.shape}; give one weight "
                "per predictor."
            )
        if not np.all(np.isfinite(pi)) or np.any(pi <= 0) or abs(pi.sum() - 1) > 1e-9:
            raise ValueError(
                "prior_weights must be positive and sum to 1 (they are fixed before the bound "
                "data: a weight of 0 would drop a predictor, so remove it instead)."
            )
        log_pi = np.log(pi)
    K = cs.size
    best = None
    for C in cs:
        a = log_pi - C * n * r
        log_z = float(special.logsumexp(a))
        q = np.exp(a - log_z)
        emp = float(np.dot(q, r))
        kl = max(float(np.dot(q, (a - log_z) - log_pi)), 0.0)  # sum q ln(q / pi) >= 0
        pen = kl + math.log(K / d)
        val = min(float(_catoni(C, C * emp, pen, n)), 1.0)
        if best is None or val < best[0]:
            best = (val, float(C), emp, kl, pen, q, -log_z / n)
    assert best is not None
    val, C, emp, kl, pen, q, free = best
    return BoundResult(
        value=val,
        method="gibbs",
        empirical_risk=emp,
        kl=kl,
        n=n,
        delta=d,
        penalty=pen,
        grid_size=K,
        terms={
            "C": C,
            "weights": q,
            "free_energy": free,
            "prior_mean_risk": float(np.dot(np.exp(log_pi), r)),
            "n_predictors": int(r.size),
            "ln_grid": math.log(K),
        },
        reference="Catoni (2007), Thm 1.2.6, Gibbs posterior",
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


def mc_sampling_bound(
    mc_risk: Any, m: int | None = None, *, delta: float, method: str = "kl"
) -> BoundResult:
    r"""Bound the risk of a stochastic predictor on the sample from ``m`` weight draws.

    Let :math:`Z_j \in [0, 1]` be the empirical risk of the :math:`j`-th of ``m``
    independent weight samples :math:`h_j \sim Q`, :math:`\hat L_m` their mean and
    :math:`V_m` their sample variance (``ddof=1``).  With probability at least
    :math:`1-\delta'` over the draws, :math:`\hat L(Q) = \mathbb E_{h\sim Q}\hat L(h)`
    is below

    - ``method="kl"`` (Langford & Caruana 2001):
      :math:`\mathrm{kl}^{-1}_{+}\big(\hat L_m,\ \ln(2/\delta')/m\big)`;
    - ``method="bernstein"`` (empirical Bernstein, Maurer & Pontil 2009, Thm. 4):
      :math:`\hat L_m + \sqrt{2V_m\ln(2/\delta')/m} + 7\ln(2/\delta')/(3(m-1))`.
      Much tighter when the draws agree with each other (each :math:`Z_j` already
      averages ``n`` examples, so :math:`V_m` is far below :math:`\hat L_m(1-\hat L_m)`,
      the variance the kl form allows for);
    - ``method="best"``: the smaller of the two, each at :math:`\delta'/2`.

    (The :math:`\ln(2/\delta')` of the kl form is kept as Langford & Caruana state it,
    although a one-sided bound would need only :math:`\ln(1/\delta')`.)

    Parameters
    ----------
    mc_risk : float or array_like
        Either :math:`\hat L_m` in [0, 1] (then give ``m``; only ``method="kl"``), or
        the ``m`` per-draw risks :math:`Z_j` in [0, 1].
    m : int, optional
        Number of weight samples (required with a scalar; must match an array).
    delta : float
        :math:`\delta'` spent on the sampling step.
    method : {"kl", "bernstein", "best"}, default "kl"

    Returns
    -------
    BoundResult
        ``n`` holds ``m``; ``kl`` is None; ``terms`` has ``variance`` (array input) and,
        for ``"best"``, both candidate values.

    References
    ----------
    Langford, J., Caruana, R. (2001). (Not) bounding the true error. NIPS.
    Maurer, A., Pontil, M. (2009). Empirical Bernstein bounds and sample variance
    penalization. COLT, Theorem 4.

    Examples
    --------
    >>> r = mc_sampling_bound(0.05, 1000, delta=0.01)
    >>> r.value > 0.05
    True
    >>> z = [0.05, 0.06, 0.05, 0.04] * 2500             # 10,000 draws that agree closely
    >>> b = mc_sampling_bound(z, delta=0.01, method="bernstein")
    >>> bool(0.05 < b.value < mc_sampling_bound(z, delta=0.01).value)
    True
    """
    if method not in ("kl", "bernstein", "best"):
        raise ValueError(f"method must be 'kl', 'bernstein' or 'best'; got {method!r}.")
    arr = _risks(mc_risk, "mc_risk")
    d = _delta(delta)
    if arr.ndim == 0:
        if method != "kl":
            raise ValueError(
                f"method={method!r} needs the per-draw risks (an array of length m), "
                "not their mean: it uses their sample variance."
            )
        if m is None:
            raise ValueError(
                "m is required when mc_risk is the mean risk; or pass the m per-draw risks."
            )
        m = check_positive_int(m, "m")
        q = float(arr)
        var = None
    else:
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"mc_risk must be a mean risk or a 1-d array of per-draw risks; got shape {arr.shape}."
            )
        if m is not None and int(m) != arr.size:
            raise ValueError(f"m={m} does not match len(mc_risk)={arr.size}.")
        m = int(arr.size)
        q = float(arr.mean())
        var = float(arr.var(ddof=1)) if m > 1 else math.nan
        if method != "kl" and m < 2:
            raise ValueError(f"method={method!r} needs m >= 2 weight draws; got {m}.")

    def kl_form(dd: float) -> float:
        return float(kl_inv_upper(q, math.log(2.0 / dd) / m))

    def bernstein_form(dd: float) -> float:
        lg = math.log(2.0 / dd)
        assert var is not None
        return min(1.0, q + math.sqrt(2.0 * var * lg / m) + 7.0 * lg / (3.0 * (m - 1)))

    terms: dict[str, Any] = {}
    if var is not None and math.isfinite(var):
        terms["variance"] = var
    if method == "kl":
        value, pen, ref = kl_form(d), math.log(2.0 / d), "Langford & Caruana (2001)"
    elif method == "bernstein":
        value, pen, ref = bernstein_form(d), math.log(2.0 / d), "Maurer & Pontil (2009), Thm. 4"
    else:
        a, b = kl_form(d / 2), bernstein_form(d / 2)
        terms.update({"kl_form": a, "bernstein_form": b})
        value, pen = min(a, b), math.log(4.0 / d)
        ref = "Langford & Caruana (2001); Maurer & Pontil (2009), Thm. 4; union bound"
    terms["c"] = pen / m
    terms["form"] = method
    return BoundResult(
        value=value,
        method="mc_sampling",
        empirical_risk=q,
        kl=None,
        n=m,
        delta=d,
        penalty=pen,
        terms=terms,
        reference=ref,
    )


def holdout_bound(errors: Any, n_test: int | None = None, *, delta: float) -> BoundResult:
    r"""Hold-out (test-set) bound on the risk of a predictor fixed before the test data.

    .. math:: L \le \mathrm{kl}^{-1}_{+}\big(\hat L_{\text{t}},\ \ln(1/\delta)/n_{\text{t}}\big),

    the exact binomial-tail Chernoff bound.  A PAC-Bayes certificate is worth showing only
    when it beats this bound computed on the same examples.

    Parameters
    ----------
    errors : float or array_like
        Either the test error rate in [0, 1] (then give ``n_test``), or the per-example
        losses in [0, 1] (0/1 errors), whose mean is used and whose length is ``n_test``.
    n_test : int, optional
        Number of test examples (required with a rate; must match the array length).
    delta : float
        Failure probability.

    Returns
    -------
    BoundResult

    References
    ----------
    Langford, J. (2005). Tutorial on practical prediction theory for classification.
    JMLR 6, Theorem 3.3 (with the Chernoff relaxation of the binomial tail).

    Examples
    --------
    >>> round(holdout_bound(0.0, 100, delta=0.05).value, 6)   # 1 - 0.05**(1/100)
    0.029513
    """
    arr = _risks(errors, "errors")
    if arr.ndim == 0:
        if n_test is None:
            raise ValueError(
                "n_test is required when errors is an error rate; "
                "or pass the per-example 0/1 errors."
            )
        n = check_positive_int(n_test, "n_test")
        q = float(arr)
    else:
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                "errors must be a rate or a 1-d array of per-example losses; "
                f"got shape {arr.shape}."
            )
        if n_test is not None and int(n_test) != arr.size:
            raise ValueError(f"n_test={n_test} does not match len(errors)={arr.size}.")
        n = int(arr.size)
        q = float(arr.mean())
    d = _delta(delta)
    c = math.log(1.0 / d) / n
    return BoundResult(
        value=float(kl_inv_upper(q, c)),
        method="holdout",
        empirical_risk=q,
        kl=None,
        n=n,
        delta=d,
        penalty=math.log(1.0 / d),
        terms={"c": c},
        reference="Langford (2005)",
    )


def stochastic_risk_certificate(
    mc_risk: Any,
    m: int | None,
    kl: Any,
    n: int,
    *,
    delta: float,
    delta_mc: float,
    bound: str = "kl",
    c: Any = None,
    mc_method: str = "kl",
    xi: str = "2sqrt",
) -> BoundResult:
    r"""Full certificate for a stochastic predictor whose risk is estimated by sampling.

    Two steps, each with its own budget (union bound: total :math:`\delta + \delta'`):

    1. :math:`\hat L(Q) \le \hat L^{+}` from the ``m`` weight draws
       (:func:`mc_sampling_bound` with ``method=mc_method``);
    2. a PAC-Bayes bound evaluated at :math:`\hat L^{+}` (valid because every bound
       below is increasing in the empirical risk):

       - ``bound="kl"``: :math:`\mathrm{kl}^{-1}_{+}(\hat L^{+},
         (\mathrm{KL}+\ln(2\sqrt n/\delta))/n)` (:func:`kl_bound`);
       - ``bound="catoni"``: :math:`(1-\exp(-C\hat L^{+} - (\mathrm{KL}+\ln(K/\delta))/n))
         /(1-e^{-C})` over the ``K`` constants ``c`` (:func:`catoni_bound`).  With a single
         :math:`C` fixed without the bound data (e.g. from a pilot on the prior split) it
         pays only :math:`\ln(1/\delta)`, the price of a hold-out bound, instead of the kl
         bound's :math:`\ln(2\sqrt n/\delta)`; near the right :math:`C` it is as tight as
         the kl bound otherwise.

    Parameters
    ----------
    mc_risk : float or array_like
        Average empirical risk over the ``m`` weight samples, in [0, 1], or the ``m``
        per-draw risks (required by ``mc_method="bernstein"``/``"best"``).
    m : int or None
        Number of weight samples (None when ``mc_risk`` is the array of draws).
    kl : float or array_like
        KL(Q||P) in nats (array: a grid of priors, union bound applied).
    n : int
        Number of examples used for the bound.
    delta, delta_mc : float
        Budgets of the PAC-Bayes step and of the sampling step.
    bound : {"kl", "catoni"}, default "kl"
    c : float or array_like, optional
        Catoni's constant(s) :math:`C > 0`; required with ``bound="catoni"`` (an explicit
        choice: a grid is paid for by a union bound).
    mc_method : {"kl", "bernstein", "best"}, default "kl"
    xi : {"2sqrt", "exact"}, default "2sqrt"
        Constant of the kl bound (:func:`kl_bound`); unused by ``bound="catoni"``.

    Returns
    -------
    BoundResult
        ``delta`` is the total :math:`\delta+\delta'`; ``terms`` holds both steps.

    References
    ----------
    Langford & Caruana (2001); Maurer & Pontil (2009); Catoni (2007); Dziugaite & Roy
    (2017), Section 4; Pérez-Ortiz et al. (2021), Section 6.

    Examples
    --------
    >>> r = stochastic_risk_certificate(0.02, 10000, 50.0, 30000, delta=0.025, delta_mc=0.01)
    >>> r.value > r.terms["mc_bound"] > 0.02
    True
    """
    if bound not in ("kl", "catoni"):
        raise ValueError(f"bound must be 'kl' or 'catoni'; got {bound!r}.")
    if bound == "catoni" and c is None:
        raise ValueError(
            "bound='catoni' needs c=, Catoni's constant C > 0, fixed without the bound data "
            "(for instance the minimiser of catoni_bound for a pilot's risk and KL)."
        )
    if bound == "kl" and c is not None:
        raise ValueError("c is only used by bound='catoni'.")
    mc = mc_sampling_bound(mc_risk, m, delta=delta_mc, method=mc_method)
    if bound == "kl":
        kb = kl_bound(mc.value, kl, n, delta=delta, xi=xi)
    else:
        if xi != "2sqrt":
            raise ValueError("xi is a constant of the kl bound; bound='catoni' does not use it.")
        kb = catoni_bound(mc.value, kl, n, delta=delta, c=c)
    total = kb.delta + mc.delta
    if total >= 1:
        raise ValueError(f"delta + delta_mc = {total} must be < 1.")
    terms = dict(kb.terms)
    terms.update(
        {
            "mc_risk": mc.empirical_risk,
            "mc_bound": mc.value,
            "mc_method": mc_method,
            "m": mc.n,
            "delta_mc": mc.delta,
            "delta_pac_bayes": kb.delta,
            "bound": bound,
        }
    )
    return BoundResult(
        value=kb.value,
        method="certificate",
        empirical_risk=mc.empirical_risk,
        kl=kb.kl,
        n=kb.n,
        delta=total,
        penalty=kb.penalty,
        grid_size=kb.grid_size,
        terms=terms,
        reference=f"{mc.reference}; {kb.reference}",
    )
