"""Entropy, mutual information and conditional MI of discrete samples.

Every estimator here works on **counts**: the samples are turned into joint symbols,
the symbols are counted, and an entropy estimator is applied to the counts of each
marginal that the quantity needs,

- ``H(X)``,
- ``I(X;Y) = H(X) + H(Y) - H(X,Y)``,
- ``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)``.

Several columns of one argument form one joint symbol (a row is one symbol).

Counting (symbol codes, joint codes, bincount, the plug-in entropy) is done by the one
core of :mod:`infolens.estimate._counting`.

Entropy estimators (all in nats, on counts ``n_i`` with ``N = sum n_i`` and ``K_obs``
observed symbols)
------------------------------------------------------------------------------------
plugin        ``-sum (n_i/N) log(n_i/N)`` (maximum likelihood; biased low by about
              ``(K-1)/(2N)``).
miller_madow  plug-in ``+ (K_obs - 1) / (2N)`` (Miller 1955).
grassberger   ``log N - (1/N) sum n_i G(n_i)``, ``G(n) = psi(n) + (1/2) (-1)^n
              [psi((n+1)/2) - psi(n/2)]`` (Grassberger 2003, arXiv:physics/0307138 v2 2008).
chao_shen     coverage-adjusted Horvitz–Thompson: ``C = 1 - f_1/N``, ``p_i = C n_i/N``,
              ``H = -sum p_i log p_i / (1 - (1 - p_i)^N)`` (Chao & Shen 2003).
jackknife     ``N H_N - (N-1)/N sum_j H_{N-1}^{(-j)}`` (Zahl 1977), leave-one-out
              entropies computed per symbol in closed form.
nsb           posterior mean of ``H`` under the Nemenman–Shafee–Bialek (2002) mixture of
              symmetric Dirichlet priors, integrated over the concentration by a
              saddle-point-centred quadrature in log space (finite for any ``N``).  With
              ``alphabet_size=None`` the limit of an unbounded alphabet is used (a Dirichlet
              process with concentration ``kappa = K beta``, prior ``p(kappa) ∝
              psi_1(kappa + 1)``, as in Archer, Park & Pillow 2014 with discount 0).
              That prior keeps mass on symbols never seen, so on a finite alphabet
              sampled about once per symbol it overestimates: +0.31 nats on a uniform
              source with ``K = N = 1000`` (-0.02 with ``alphabet_size=1000``), +0.025 on
              Zipf over 1,000 symbols at ``N = 1000`` (-0.027 with it).  Pass
              ``alphabet_size`` whenever the alphabet is known.
pym           posterior mean of ``H`` under the Pitman–Yor mixture prior of Archer, Park &
              Pillow (2014) for an unbounded alphabet: given discount ``d`` and
              concentration ``alpha``, ``E[H|n] = psi(A+1) - sum_i (n_i-d)/A psi(n_i-d+1)
              - (alpha+K d)/A psi(1-d)`` with ``A = alpha + N``, mixed over ``(d, alpha)``
              with the Pitman–Yor EPPF as likelihood and a prior flat in the prior mean
              entropy (see :func:`pym_entropy`, which also gives the posterior sd).
shrink        plug-in entropy of ``lambda/K + (1 - lambda) n_i/N`` with the James–Stein
              intensity ``lambda = (1 - sum p_i^2) / ((N-1) sum (1/K - p_i)^2)`` clipped to
              [0, 1] as the method prescribes (Hausser & Strimmer 2009).  ``alphabet_size``
              ``K`` defaults to the observed symbols; pass the true ``K`` when it is known.
bonachela     ``(1/(N+2)) sum_i (n_i+1) sum_{j=n_i+2}^{N+2} 1/j`` over the observed symbols
              (Bonachela, Hinrichsen & Muñoz 2008), built for samples smaller than the
              alphabet: the best measured on Zipf over 1,000 symbols at ``N = 100`` (RMS
              0.31 nats) but far off once ``N`` reaches ``K`` (+1.13 at ``N = 1000``; see
              ``benchmarks/results/zipf_entropy.md``).

A constant column (one observed symbol) gives exactly 0 with plug-in, Miller–Madow,
Chao–Shen, jackknife and shrink (with ``alphabet_size`` left at the observed count):
nothing in the sample suggests another symbol.  Grassberger gives ``log N - G(N)``, which
is ``-1/(6 N^2)`` to leading order for even ``N`` (its digamma series is not exactly
``log N`` at ``n_i = N``; e.g. ``-1.7e-7`` at ``N = 1000``).  NSB and PYM give a small
positive posterior mean: a finite sample never proves that the entropy is zero, and the
Bayesian answer keeps some mass on unseen symbols (PYM: 0.16 nats for 8 equal samples,
0.001 for 1,000).  Bonachela gives ``(N+1)/(N+2)^2``, about ``1/N``.

Bias-corrected MI/CMI are differences of bias-corrected entropies and can be slightly
negative when the true value is near zero; the value is returned as computed, never
clipped.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

from .._validate import check_positive_int
from ._counting import (
    CountTable,
    check_counts,
    count_table,
    counts_of_counts,
    encode,
    plugin_entropy,
    positive_counts,
)
from ._intervals import Interval, basic_interval, bounded_interval
from ._records import estimators, get, register
from .pym import PYMEntropy, _h_pym, pym_entropy

__all__ = [
    "PYMEntropy",
    "pym_entropy",
    "completed_population",
    "entropy_from_counts",
]

# ---------------------------------------------------------------- entropy from counts


# ------------------------------------------- one record per count-based estimator

_WHAT = {
    "entropy": "H(X)",
    "mi": "I(X;Y) = H(X) + H(Y) - H(X,Y)",
    "cmi": "I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)",
}


def _count_estimator(
    name: str, *, reference: str, description: str, params: dict[str, Any] | None = None
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Declare ``h(counts, **params)`` (positive float counts -> entropy in nats) as the
    count-based estimator ``name``: it is registered for entropy, MI and CMI of discrete
    samples (``params`` apply to the entropy), each with the multinomial bootstrap as its
    interval scheme, and the records keep ``h`` (``func.from_counts``) for the count
    tables of the binning estimator and the streaming counters."""

    def deco(h: Callable[..., float]) -> Callable[..., float]:
        for quantity, what in _WHAT.items():
            estimator = _on_samples(quantity, name)
            estimator.__name__ = estimator.__qualname__ = f"{quantity}_{name}"
            estimator.__doc__ = (
                f"{description}: {what}, in nats, from discrete samples.\n\n"
                f"Reference: {reference}."
            )
            estimator.from_counts = h  # type: ignore[attr-defined]
            register(
                quantity,
                name,
                kinds=("discrete",),
                params=dict(params or {}) if quantity == "entropy" else {},
                reference=reference,
                description=f"{description} ({what})",
                interval=_multinomial_hook(quantity, name),
            )(estimator)
        return h

    return deco


def _on_samples(quantity: str, name: str) -> Callable[..., float]:
    def estimator(*args: np.ndarray, **kw: Any) -> float:
        return _combine_from_table(count_table(*args), quantity, name, kw)

    return estimator


def _count_methods() -> list[str]:
    """Names of the count-based estimators (those :func:`_count_estimator` declared)."""
    return [e.name for e in estimators("entropy") if hasattr(e.func, "from_counts")]


def _from_counts(method: str) -> Callable[..., float]:
    """The count function ``h(counts, **params)`` of a count-based estimator."""
    func = get("entropy", method).func if method in _count_methods() else None
    if func is None:
        raise ValueError(f"method={method!r}: choose one of {_count_methods()}.")
    return func.from_counts


def _multinomial_hook(quantity: str, method: str) -> Callable[..., Interval]:
    """The interval scheme of a count-based estimator: the multinomial bootstrap of the
    joint cell counts (see :mod:`infolens.estimate.resampling`)."""

    def hook(
        call: Any, value: float, *, level: float, n_boot: int, random_state: np.random.Generator
    ) -> Interval:
        table = count_table(*call.arrays)
        n = table.n
        reps = np.empty(n_boot)
        h = _from_counts(method)
        if quantity == "entropy":
            pop = completed_population(table.counts)
            pivot = plugin_entropy(pop[pop > 0])
            for b in range(n_boot):
                reps[b] = h(positive_counts(random_state.multinomial(n, pop)), **call.params)
            # H <= log K: when the completed population adds no unseen symbols (no
            # singletons: Good-Turing coverage 1) the observed alphabet bounds the
            # entropy; otherwise only H >= 0 is imposed.
            k_obs = int(np.count_nonzero(table.counts))
            high = math.log(k_obs) if pop.size == k_obs else math.inf
            lo, hi, kind = bounded_interval(value, reps, pivot, level, low=0.0, high=high)
            scheme = f"multinomial bootstrap from the coverage-completed pmf ({kind})"
            return Interval(lo, hi, float(np.std(reps, ddof=1)), scheme, n_boot)
        groups = {v: table.group(v) for v, _ in _TERMS[quantity] if len(v) < len(table.ids)}
        pivot = _combine_from_table(table, quantity, "plugin", {}, groups=groups)
        p = table.counts / n
        for b in range(n_boot):
            draw = random_state.multinomial(n, p)
            reps[b] = _combine_from_table(
                table, quantity, method, call.params, counts=draw, groups=groups
            )
        scheme = "multinomial bootstrap (basic)"
        lo, hi = basic_interval(value, reps, pivot, level)
        return Interval(lo, hi, float(np.std(reps, ddof=1)), scheme, n_boot)

    return hook



_count_estimator(
    "plugin",
    reference="Shannon (1948); bias: Miller (1955), Paninski, Neural Comput. 15 (2003)",
    description="plug-in (maximum-likelihood) entropy of the empirical counts",
)(plugin_entropy)


@_count_estimator(
    "miller_madow",
    reference="Miller, Information Theory in Psychology (1955)",
    description="plug-in plus the Miller–Madow correction (K_obs - 1)/(2N)",
)
def _h_miller_madow(c: np.ndarray) -> float:
    return plugin_entropy(c) + (c.size - 1) / (2.0 * c.sum())


def _grassberger_g(m: np.ndarray) -> np.ndarray:
    sign = np.where(np.mod(m, 2) == 0, 1.0, -1.0)
    return special.digamma(m) + 0.5 * sign * (special.digamma((m + 1) / 2) - special.digamma(m / 2))


@_count_estimator(
    "grassberger",
    reference="Grassberger, arXiv:physics/0307138 (2003, v2 2008)",
    description="Grassberger's digamma-series bias-corrected entropy",
)
def _h_grassberger(c: np.ndarray) -> float:
    m, f = counts_of_counts(c)
    n = float(np.dot(m, f))
    return float(math.log(n) - np.dot(f * m, _grassberger_g(m)) / n)


@_count_estimator(
    "chao_shen",
    reference="Chao & Shen, Environ. Ecol. Stat. 10 (2003) 429-443",
    description="Chao–Shen coverage-adjusted Horvitz–Thompson entropy",
)
def _h_chao_shen(c: np.ndarray) -> float:
    n = c.sum()
    f1 = float(np.sum(c == 1))
    if f1 >= n:  # all singletons: coverage would be 0 (Chao & Shen's adjustment)
        f1 = n - 1
    coverage = 1.0 - f1 / n
    pa = coverage * c / n
    with np.errstate(divide="ignore"):  # pa = 1 (one symbol): (1 - pa)^N = 0 exactly
        denom = -np.expm1(n * np.log1p(-pa))
    return float(-np.sum(pa * np.log(pa) / denom))


@_count_estimator(
    "jackknife",
    reference="Zahl, Ecology 58 (1977) 907-913; Efron & Stein, Ann. Stat. 9 (1981)",
    description="jackknife bias-corrected plug-in entropy",
)
def _h_jackknife(c: np.ndarray) -> float:
    n = c.sum()
    if n <= 1:
        return 0.0
    s = float(np.dot(c, np.log(c)))
    cm1 = c - 1.0
    # plug-in entropy of the sample with one occurrence of symbol i removed
    h_loo = math.log(n - 1) - (s - c * np.log(c) + special.xlogy(cm1, cm1)) / (n - 1)
    h = math.log(n) - s / n
    return float(n * h - (n - 1) / n * np.dot(c, h_loo))


@_count_estimator(
    "bonachela",
    reference="Bonachela, Hinrichsen & Munoz, J. Phys. A 41 (2008) 202001",
    description="Bonachela–Hinrichsen–Muñoz balanced small-sample entropy",
)
def _h_bonachela(c: np.ndarray) -> float:
    # (1/(N+2)) sum_i (n_i + 1) sum_{j=n_i+2}^{N+2} 1/j, the inner sum as a digamma difference
    n = c.sum()
    return float(np.dot(c + 1.0, special.digamma(n + 3.0) - special.digamma(c + 2.0)) / (n + 2.0))


# -- NSB


def _trigamma(x: np.ndarray) -> np.ndarray:
    return special.polygamma(1, x)


def _nsb_prior_log(beta: np.ndarray, k: float) -> np.ndarray:
    """log of d xi / d beta with xi(beta) = psi(K beta + 1) - psi(beta + 1) (NSB prior)."""
    direct = k * _trigamma(k * beta + 1.0) - _trigamma(beta + 1.0)
    big = beta > 1e3
    if np.any(big):
        b = beta[big]
        direct = direct.copy()
        direct[big] = (1 - 1 / k) / (2 * b * b) - (1 - 1 / k**2) / (6 * b**3)
    return np.log(np.maximum(direct, 1e-300))


class _NSBPosterior:
    """Log posterior over ``x = log(concentration)`` and the conditional mean entropy."""

    def __init__(self, c: np.ndarray, alphabet_size: int | None):
        self.m, self.f = counts_of_counts(c)
        self.n = float(np.dot(self.m, self.f))
        self.k_obs = float(self.f.sum())
        self.k = None if alphabet_size is None else float(alphabet_size)

    def logpost(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=np.float64))
        a = np.exp(x)
        n, m, f = self.n, self.m, self.f
        if self.k is None:  # Dirichlet-process limit, a = kappa
            ll = self.k_obs * x + special.gammaln(a) - special.gammaln(n + a)
            # log psi_1(kappa + 1): psi_1 ~ 1/kappa for large kappa
            prior = np.log(_trigamma(a + 1.0))
        else:
            k = self.k
            ll = special.gammaln(k * a) - special.gammaln(n + k * a)
            ll = ll + (
                f[None, :]
                * (special.gammaln(m[None, :] + a[:, None]) - special.gammaln(a[:, None]))
            ).sum(axis=1)
            prior = _nsb_prior_log(a, k)
        return ll + prior + x  # + x: Jacobian of the log-space variable

    def mean_entropy(self, x: np.ndarray) -> np.ndarray:
        a = np.exp(np.asarray(x, dtype=np.float64))
        n, m, f = self.n, self.m, self.f
        if self.k is None:
            tot = n + a
            obs = (f * m * special.digamma(m + 1.0)).sum() / tot
            return special.digamma(tot + 1.0) - obs - a / tot * special.digamma(1.0)
        k = self.k
        tot = n + k * a
        obs = (
            f[None, :] * (m[None, :] + a[:, None]) * special.digamma(m[None, :] + a[:, None] + 1.0)
        ).sum(axis=1) / tot
        unseen = (k - self.k_obs) * a / tot * special.digamma(a + 1.0)
        return special.digamma(tot + 1.0) - obs - unseen


_NSB_XLO, _NSB_XHI = -30.0, 20.0


def _trapezoid(f: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum((f[1:] + f[:-1]) * np.diff(x)) / 2.0)


@_count_estimator(
    "nsb",
    reference="Nemenman, Shafee & Bialek, NIPS 14 (2002); Archer, Park & Pillow, JMLR 15 (2014)",
    description="Nemenman–Shafee–Bialek Bayesian entropy (posterior mean)",
    params={"alphabet_size": None},
)
def _h_nsb(c: np.ndarray, *, alphabet_size: int | None = None) -> float:
    if alphabet_size is not None:
        alphabet_size = check_positive_int(alphabet_size, "alphabet_size")
        if alphabet_size < c.size:
            raise ValueError(
                f"alphabet_size={alphabet_size} is smaller than the {c.size} distinct symbols "
                "observed; pass the true alphabet size or None (unbounded alphabet)."
            )
        if alphabet_size == 1:
            return 0.0
    post = _NSBPosterior(c, alphabet_size)
    xhi = _NSB_XHI
    if alphabet_size is None and post.k_obs >= post.n:
        # no coincidences: the Dirichlet-process posterior is improper at large kappa.
        warnings.warn(
            "NSB: every symbol was seen once, so the entropy is not identifiable without a "
            "bound on the alphabet; the integral is truncated at kappa = N**2 and the value "
            "is a rough lower bound. Pass alphabet_size= if it is known.",
            UserWarning,
            stacklevel=3,
        )
        xhi = min(_NSB_XHI, 2 * math.log(max(post.n, 2.0)))
    # 1) coarse scan for the mode, 2) refine, 3) width from the curvature, 4) dense grid.
    coarse = np.linspace(_NSB_XLO, xhi, 201)
    lp = post.logpost(coarse)
    i = int(np.argmax(lp))
    lo_b, hi_b = coarse[max(i - 1, 0)], coarse[min(i + 1, coarse.size - 1)]
    from scipy import optimize  # imported on first use: keeps importing this module light

    res = optimize.minimize_scalar(
        lambda t: -float(post.logpost(np.array([t]))[0]),
        bounds=(lo_b, hi_b),
        method="bounded",
        options={"xatol": 1e-10},
    )
    x0 = float(res.x)
    l0 = float(post.logpost(np.array([x0]))[0])
    h = 1e-3
    l_pm = post.logpost(np.array([x0 - h, x0 + h]))
    curv = (l_pm[0] + l_pm[1] - 2 * l0) / h**2
    sigma = 1.0 / math.sqrt(-curv) if curv < 0 else 1.0
    sigma = min(max(sigma, 1e-6), 10.0)
    left, right = x0 - 6 * sigma, x0 + 6 * sigma
    for _ in range(60):
        grew = False
        if left > _NSB_XLO and post.logpost(np.array([left]))[0] > l0 - 40:
            left -= 6 * sigma
            grew = True
        if right < xhi and post.logpost(np.array([right]))[0] > l0 - 40:
            right += 6 * sigma
            grew = True
        if not grew:
            break
    left, right = max(left, _NSB_XLO), min(right, xhi)
    grid = np.linspace(left, right, 801)
    lg = post.logpost(grid)
    w = np.exp(lg - lg.max())
    hmean = post.mean_entropy(grid)
    return float(_trapezoid(w * hmean, grid) / _trapezoid(w, grid))


_count_estimator(
    "pym",
    reference="Archer, Park & Pillow, JMLR 15 (2014) 2833-2868",
    description="Pitman–Yor mixture Bayesian entropy (posterior mean, unbounded alphabet)",
)(_h_pym)


@_count_estimator(
    "shrink",
    reference="Hausser & Strimmer, JMLR 10 (2009) 1469-1484",
    description="James–Stein shrinkage entropy (towards the uniform pmf)",
    params={"alphabet_size": None},
)
def _h_shrink(c: np.ndarray, *, alphabet_size: int | None = None) -> float:
    k = c.size if alphabet_size is None else check_positive_int(alphabet_size, "alphabet_size")
    if k < c.size:
        raise ValueError(
            f"alphabet_size={alphabet_size} is smaller than the {c.size} distinct symbols "
            "observed; pass the true alphabet size or None (the observed symbols)."
        )
    n = c.sum()
    p = c / n
    target = 1.0 / k
    # squared distance to the uniform target, the unseen k - K_obs symbols included
    dist = float(np.sum((target - p) ** 2) + (k - c.size) * target**2)
    if n <= 1 or dist == 0.0:
        lam = 1.0
    else:
        lam = min(1.0, max(0.0, (1.0 - float(np.sum(p * p))) / ((n - 1) * dist)))
    q = lam * target + (1 - lam) * p
    h = 0.0 - float(np.sum(special.xlogy(q, q)))
    if k > c.size and lam > 0:
        h -= (k - c.size) * lam * target * math.log(lam * target)
    return h


def entropy_from_counts(counts: Any, *, method: str = "plugin", **params: Any) -> float:
    """Entropy in nats estimated from symbol counts.

    Parameters
    ----------
    counts : array_like of non-negative integers
        How often each symbol occurred (zeros are ignored).
    method : {"plugin", "miller_madow", "grassberger", "chao_shen", "jackknife", "nsb", \
"pym", "shrink", "bonachela"}
        Estimator (see the module docstring for each formula).
    **params
        ``alphabet_size`` for ``"nsb"`` and ``"shrink"``.

    Returns
    -------
    float
        Entropy estimate in nats.

    References
    ----------
    See the module docstring; e.g. Paninski, "Estimation of entropy and mutual
    information", Neural Computation 15 (2003).

    Examples
    --------
    >>> round(entropy_from_counts([5, 5]), 6)    # log 2
    0.693147
    """
    h = _from_counts(method)
    c = check_counts(counts, whole=method == "pym")
    allowed = get("entropy", method).params
    bad = set(params) - set(allowed)
    if bad:
        raise TypeError(
            f"{method} got unexpected parameter(s) {sorted(bad)}; it accepts {sorted(allowed)}."
        )
    return h(c, **params)


# ------------------------------------------------------- quantities as entropy sums

# (variables, sign) terms; variables index the arguments of the count table
_TERMS = {
    "entropy": (((0,), 1.0),),
    "mi": (((0,), 1.0), ((1,), 1.0), ((0, 1), -1.0)),
    "cmi": (((0, 2), 1.0), ((1, 2), 1.0), ((0, 1, 2), -1.0), ((2,), -1.0)),
}


def _term_params(method: str, quantity: str, params: dict[str, Any], variables: tuple[int, ...]):
    # alphabet_size describes the variable of an entropy; MI/CMI terms use the default
    if quantity != "entropy" and get("entropy", method).params:
        return {}
    return params


def _combine_from_table(
    table: CountTable,
    quantity: str,
    method: str,
    params: dict[str, Any],
    counts: np.ndarray | None = None,
    groups: dict[tuple[int, ...], tuple[np.ndarray, int]] | None = None,
) -> float:
    """Entropy, MI or CMI in nats from a count table, as a signed sum of entropies.

    ``H(X)``; ``I(X;Y) = H(X) + H(Y) - H(X,Y)``; ``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) -
    H(Z)`` (Cover & Thomas 2006, eqs. 2.45 and 2.60), each entropy estimated from the
    marginal counts by ``method``.

    Parameters
    ----------
    table : CountTable
        Joint counts of 1, 2 or 3 variables (see :func:`count_table`).
    quantity : {"entropy", "mi", "cmi"}
    method : str
        A count-based estimator (:func:`_count_methods`).
    params : dict
        Estimator parameters (``alphabet_size`` applies to entropy only).
    counts : ndarray, optional
        Replacement cell counts (e.g. a bootstrap draw) aligned with ``table.counts``.
    groups : dict, optional
        Precomputed :meth:`CountTable.group` results, to reuse across resamples.

    Returns
    -------
    float
        The estimate in nats.
    """
    h = _from_counts(method)
    c_all = table.counts if counts is None else counts
    total = 0.0
    for variables, sign in _TERMS[quantity]:
        if len(variables) == len(table.ids):
            mc = c_all[c_all > 0].astype(np.float64)
        elif groups is not None and variables in groups:
            inv, m = groups[variables]
            mc = np.bincount(inv, weights=c_all, minlength=m)
            mc = mc[mc > 0]
        else:
            mc = table.marginal(variables, c_all).astype(np.float64)
        total += sign * h(mc, **_term_params(method, quantity, params, variables))
    return total


# ----------------------------------------------------------------------- KL plug-in


@register(
    "kl",
    "plugin",
    kinds=("discrete",),
    params={"pseudocount": 0.0},
    reference="Cover & Thomas, Elements of Information Theory (2006), eq. 2.26",
    description="plug-in KL divergence D(p||q) of the empirical pmfs of two discrete samples",
)
def _kl_plugin(x: np.ndarray, y: np.ndarray, *, pseudocount: float = 0.0) -> float:
    """Plug-in ``D(p||q) = sum p_i log(p_i / q_i)`` of the empirical pmfs, in nats.

    ``x`` are samples of ``p``, ``y`` samples of ``q`` (lengths may differ).  A symbol seen
    in ``x`` but never in ``y`` makes the estimate infinite unless ``pseudocount > 0`` adds
    that many counts to every symbol of the union alphabet of both samples (an explicit
    opt-in smoothing, additive/Laplace when 1).
    """
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"p_samples has {x.shape[1]} column(s) and q_samples {y.shape[1]}; both must describe "
            "the same variable."
        )
    a = float(pseudocount)
    if not math.isfinite(a) or a < 0:
        raise ValueError(f"pseudocount={pseudocount!r} must be a finite number >= 0.")
    both = (
        np.concatenate([x.astype(object), y.astype(object)])
        if x.dtype != y.dtype
        else np.concatenate([x, y])
    )
    code, radix = encode(both)
    _, inv = np.unique(code, return_inverse=True)
    inv = inv.reshape(-1)
    k = int(inv.max()) + 1
    cp = np.bincount(inv[: x.shape[0]], minlength=k).astype(np.float64) + a
    cq = np.bincount(inv[x.shape[0] :], minlength=k).astype(np.float64) + a
    p = cp / cp.sum()
    q = cq / cq.sum()
    mask = p > 0
    if np.any(q[mask] == 0):
        return math.inf
    return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))


# ------------------------------------------------- interval: multinomial bootstrap


def completed_population(counts: Any) -> np.ndarray:
    """Bootstrap population for entropy: the observed pmf completed with unseen symbols.

    Resampling the empirical pmf misses the bias that unseen symbols cause.  Following
    Chao et al. (2013, appendix; also Chao & Jost 2015) the detected probabilities are
    shrunk to ``p_i = (n_i/N) (1 - lambda exp(-n_i))`` with ``lambda`` chosen so that they
    sum to the estimated sample coverage ``C = 1 - (f1/N) (N-1) f1 / ((N-1) f1 + 2 f2)``,
    and ``f0`` (the Chao1 estimate ``(N-1)/N f1^2/(2 f2)``, or ``(N-1)/N f1 (f1-1)/2`` when
    ``f2 = 0``) unseen symbols share ``1 - C`` equally.

    Parameters
    ----------
    counts : array_like of non-negative integers

    Returns
    -------
    ndarray
        A pmf (sums to 1) over the observed symbols followed by ``f0`` unseen ones.

    References
    ----------
    Chao, A., Wang, Y. T. & Jost, L. (2013). Entropy and the species accumulation curve.
    *Methods in Ecology and Evolution* 4, 1091-1100.
    """
    c = check_counts(counts, whole=True)
    n = c.sum()
    f1 = float(np.sum(c == 1))
    f2 = float(np.sum(c == 2))
    p = c / n
    if f1 == 0 or n <= 1:
        return p
    f0 = (n - 1) / n * (f1 * f1 / (2 * f2) if f2 > 0 else f1 * (f1 - 1) / 2)
    f0 = int(math.ceil(f0))
    coverage = 1.0 - f1 / n * ((n - 1) * f1 / ((n - 1) * f1 + 2 * f2))
    if f0 == 0 or coverage >= 1.0:
        return p
    lam = (1.0 - coverage) / float(np.sum(p * np.exp(-c)))
    detected = np.maximum(p * (1.0 - lam * np.exp(-c)), 0.0)
    pop = np.concatenate([detected, np.full(f0, (1.0 - coverage) / f0)])
    return pop / pop.sum()
