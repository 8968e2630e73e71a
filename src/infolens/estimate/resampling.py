"""Uncertainty of sample estimates: confidence intervals and permutation tests.

Interval schemes (chosen per estimator by :func:`confidence_interval`)
--------------------------------------------------------------------
1. **An estimator's own scheme.**  A registry record can carry one (``interval=`` of
   :func:`infolens.estimate._records.register`, declared next to the estimator); it is
   used first.  The count-based discrete estimators of :mod:`infolens.estimate.discrete`
   declare the *multinomial bootstrap* below, the neural estimators a normal interval
   from their held-out terms.
2. **Multinomial bootstrap (count-based discrete estimators).**  Joint cell counts are
   resampled as ``c* ~ Multinomial(N, q)`` — the row bootstrap of Efron (1979) done on
   the counts — and the estimator is recomputed from the re-marginalised counts.  The
   interval is the *basic* (pivotal) bootstrap interval
   ``[theta - q_{1-a/2}(delta*), theta - q_{a/2}(delta*)]`` with
   ``delta* = theta* - T(q)``, ``T(q)`` the true value of the bootstrap population
   (Davison & Hinkley 1997, eq. 5.6), so the estimator's bias is carried into the
   interval (the percentile interval would double it).  For MI and CMI ``q`` is the
   empirical pmf of the observed cells.  For entropy ``q`` is the empirical pmf
   *completed with unseen symbols* (:func:`infolens.estimate.discrete.completed_population`,
   Chao, Wang & Jost 2013): resampling the bare empirical pmf has no unseen symbols and
   understates the bias, e.g. 29% coverage for the plug-in on Zipf(1000) at n = 2000,
   81% with the completed population.  Entropy intervals respect the range of the
   parameter (:func:`bounded_interval`): never below 0, and never above
   ``log K_obs`` when the completed population adds no unseen symbols (e.g. no
   singletons: Good–Turing coverage 1, so the alphabet is the observed one).
   Where the reflection carries the whole interval past that bound — a sample at (or
   next to) the uniform pmf, where the estimator has no first-order variance and every
   resample lies below the maximum ``log K`` — the percentile interval, widened to
   contain the estimate, is used instead (the plug-in on 25 copies of each of 8
   symbols gave (2.085, 2.118) above the truth ``log 8 = 2.079`` before this rule;
   now (2.041, 2.079)).  On a uniform source over 8 symbols at n = 200 the 95%
   intervals cover ``log 8`` in 98.7% (plug-in) and 100% (Miller–Madow) of 300 samples.
3. **Row bootstrap (other discrete estimators).**  Rows resampled with replacement;
   basic interval around the estimate.
4. **Half-sampling (k-NN and every other continuous or mixed estimator).**  The naive
   bootstrap is biased for nearest-neighbour estimators: a resample with replacement
   repeats rows, which puts neighbours at distance zero and inflates the estimate.
   Instead ``B`` subsamples of size ``m = floor(n/2)`` are drawn *without*
   replacement, so no duplicates arise.  This is the delete-``d`` jackknife with
   ``d = n/2`` (Shao & Wu 1989), whose variance estimate
   ``(n - d)/d * mean (theta_s - mean theta_s)^2`` has factor ``(n-d)/d = 1``: the spread
   of the half-sample estimates estimates the variance of the full-sample estimate
   directly, without knowing the convergence rate.  The interval is
   ``theta ± z_{1-a/2} * stderr``.

Coverage is checked by simulation in ``tests/estimate/test_resampling.py`` (Zipf
entropies, a discrete channel with known MI, a Gaussian pair with known MI).  Measured at
nominal 95%: Zipf over 100 symbols, 0.91-0.95 at n = 300 and n = 1000 for every
count-based estimator (PYM: 0.93 at n = 1000, 100 replicates); 4-symbol channel MI
0.90-0.96 at n = 200 and 1000; Gaussian pair (rho = 0.6) with KSG 0.92-1.0 at n = 200
and 1000.  In the severely undersampled regime (``n`` at or below the number of
symbols) entropy intervals still undercover (e.g. 0.5-0.87 on Zipf(1000) at
n = 1000): the bootstrap cannot see how much mass is unseen.

References
----------
Efron, B. (1979). Bootstrap methods: another look at the jackknife. *Ann. Stat.* 7, 1-26.
Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*. CUP.
Shao, J. & Wu, C. F. J. (1989). A general theory for jackknife variance estimation.
*Ann. Stat.* 17, 1176-1197.
Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
*Stat. Appl. Genet. Mol. Biol.* 9(1), 39.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import check_base, check_positive_int, check_probability, check_random_state
from ..result import Estimate
from ..units import unit_name
from ._call import Call, prepare
from ._intervals import (
    Interval,
    basic_interval,
    bounded_interval,
    normal_interval,
    row_replicates,
    within_range,
)

__all__ = [
    "Interval",
    "PermutationResult",
    "confidence_interval",
    "basic_interval",
    "bounded_interval",
    "half_sampling",
    "row_bootstrap",
    "permutation_test",
]


def _finite_std(r: np.ndarray) -> float:
    r = r[np.isfinite(r)]
    return float(np.std(r, ddof=1)) if r.size > 1 else 0.0


def row_bootstrap(
    call: Call, value: float, *, level: float, n_boot: int, random_state: np.random.Generator
) -> Interval:
    """Row bootstrap (resampling with replacement), basic interval around ``value``."""
    reps = row_replicates(
        lambda *a: call.run(a, rng=random_state), call.arrays, n_boot, random_state
    )
    lo, hi = basic_interval(value, reps, value, level)
    return Interval(lo, hi, _finite_std(reps), "row bootstrap (basic)", n_boot)


def half_sampling(
    call: Call, value: float, *, level: float, n_boot: int, random_state: np.random.Generator
) -> Interval:
    """Half-sampling (delete-n/2 jackknife) standard error and normal interval.

    Subsamples of size ``floor(n/2)`` without replacement (no duplicated rows, so k-NN
    estimators are not disturbed); ``stderr`` is the standard deviation of their
    estimates (Shao & Wu 1989 with ``d = n/2``) and the interval ``value ± z stderr``.
    """
    n = call.n
    m = n // 2
    if m < 2:
        raise ValueError(
            f"a confidence interval by half-sampling needs at least 4 samples; got n={n}."
        )
    reps = np.empty(n_boot)
    for b in range(n_boot):
        idx = random_state.choice(n, m, replace=False)
        reps[b] = call.run(tuple(a[idx] for a in call.arrays), rng=random_state)
    se = _finite_std(reps)
    lo, hi = normal_interval(value, se, level)
    return Interval(lo, hi, se, "half-sampling (delete-n/2 jackknife)", n_boot)


def confidence_interval(
    call: Call, value: float, *, level: float = 0.95, n_boot: int = 200, random_state: Any = None
) -> Interval:
    """Confidence interval for a validated estimator call (scheme: module docstring).

    Parameters
    ----------
    call : infolens.estimate._call.Call
        The prepared call (estimator info, arrays, parameters; made by
        :func:`infolens.estimate._call.prepare`).
    value : float
        The point estimate in nats.
    level : float
        Confidence level in (0, 1).
    n_boot : int
        Number of resamples.
    random_state : None, int or Generator

    Returns
    -------
    Interval
        In nats.
    """
    level = check_probability(level, "ci", open_low=True, open_high=True)
    n_boot = check_positive_int(n_boot, "n_boot", minimum=10)
    rng = check_random_state(random_state)
    if call.quantity == "kl":
        # two independent samples: resample each within itself
        iv = _two_sample(call, value, level=level, n_boot=n_boot, random_state=rng)
    elif call.info.interval is not None:
        iv = call.info.interval(call, value, level=level, n_boot=n_boot, random_state=rng)
    elif all(k == "discrete" for k in call.info.kinds):
        iv = row_bootstrap(call, value, level=level, n_boot=n_boot, random_state=rng)
    else:
        iv = half_sampling(call, value, level=level, n_boot=n_boot, random_state=rng)
    return _within_range(iv, call)


def parameter_range(call: Call) -> tuple[float, float]:
    """The values the estimated quantity can take, in nats.

    MI, conditional MI and KL divergence are never negative.  An entropy of discrete data
    lies in ``[0, log K]`` when the alphabet size ``K`` is passed (``alphabet_size=``),
    in ``[0, inf)`` otherwise; a differential entropy can take any real value.
    """
    if call.quantity in ("mi", "cmi", "kl"):
        return 0.0, math.inf
    if call.quantity == "entropy" and all(k == "discrete" for k in call.kinds):
        k = call.params.get("alphabet_size")
        return 0.0, (math.log(k) if k else math.inf)
    return -math.inf, math.inf


def _within_range(iv: Interval, call: Call) -> Interval:
    """Cut an interval to the parameter range of ``call`` (:func:`parameter_range`), by
    :func:`infolens.estimate._intervals.within_range`."""
    return within_range(iv, *parameter_range(call))


def _two_sample(
    call: Call, value: float, *, level: float, n_boot: int, random_state: np.random.Generator
) -> Interval:
    """KL from two samples: resample each sample separately (with replacement for
    discrete estimators, half-samples without replacement otherwise)."""
    p, q = call.arrays
    discrete = all(k == "discrete" for k in call.info.kinds)
    reps = np.empty(n_boot)
    for b in range(n_boot):
        if discrete:
            ip = random_state.integers(0, p.shape[0], p.shape[0])
            iq = random_state.integers(0, q.shape[0], q.shape[0])
        else:
            ip = random_state.choice(p.shape[0], max(p.shape[0] // 2, 2), replace=False)
            iq = random_state.choice(q.shape[0], max(q.shape[0] // 2, 2), replace=False)
        reps[b] = call.run((p[ip], q[iq]), rng=random_state)
    finite = reps[np.isfinite(reps)]
    if not math.isfinite(value) or finite.size < reps.size:
        # an infinite estimate or resample: the interval is unbounded above
        lo = float(np.quantile(finite, (1 - level) / 2)) if finite.size else value
        return Interval(min(lo, value), math.inf, math.inf, "two-sample bootstrap", n_boot)
    if discrete:
        lo, hi = basic_interval(value, reps, value, level)
        return Interval(lo, hi, _finite_std(reps), "two-sample bootstrap (basic)", n_boot)
    se = _finite_std(reps)
    lo, hi = normal_interval(value, se, level)
    return Interval(lo, hi, se, "two-sample half-sampling", n_boot)


# -------------------------------------------------------------------- permutation test


@dataclass(frozen=True)
class PermutationResult:
    """Result of :func:`permutation_test`.

    Attributes
    ----------
    statistic : Estimate
        The estimate on the data.
    pvalue : float
        ``(b + 1) / (m + 1)`` where ``b`` of the ``m`` permuted estimates are at least
        the observed one.
    null_mean, null_std : float
        Mean and standard deviation of the permutation null distribution (units of
        ``base``).
    null_quantiles : dict
        The 5%, 50% and 95% quantiles of the null distribution.
    n_permutations : int
    """

    statistic: Estimate
    pvalue: float
    null_mean: float
    null_std: float
    null_quantiles: dict[float, float] = field(default_factory=dict)
    n_permutations: int = 0


def permutation_test(
    x: Any,
    y: Any,
    *,
    method: str = "auto",
    n_permutations: int = 199,
    base: Any = "e",
    random_state: Any = None,
    **params: Any,
) -> PermutationResult:
    """Permutation test of independence of ``x`` and ``y`` with a mutual-information statistic.

    The rows of ``y`` are permuted ``m = n_permutations`` times, which destroys any
    dependence while keeping both marginals; the p-value is ``(b + 1)/(m + 1)``, with
    ``b`` the number of permuted estimates ``>=`` the observed one (Phipson & Smyth
    2010), so it is never 0 and the test has exact level under independence.

    Parameters
    ----------
    x, y : array_like of shape (n,) or (n, d)
        Paired samples.
    method : str, default "auto"
        MI estimator (any registered ``"mi"`` method).
    n_permutations : int, default 199
        Number of permutations ``m``; the smallest attainable p-value is ``1/(m+1)``.
    base : {"e", 2, 10} or float > 1
        Unit of the statistic and the null summary.
    random_state : None, int or numpy.random.Generator
    **params
        Parameters of the estimator.

    Returns
    -------
    PermutationResult

    References
    ----------
    Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
    *Stat. Appl. Genet. Mol. Biol.* 9(1), 39.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 3, 300); y = (x + (rng.random(300) < 0.2)) % 3
    >>> res = infolens.permutation_test(x, y, method="plugin", random_state=0)
    >>> res.pvalue
    0.005
    """
    m = check_positive_int(n_permutations, "n_permutations")
    rng = check_random_state(random_state)
    lb = check_base(base)
    call = prepare("mi", (x, y), method, params)
    est_rng = np.random.default_rng(rng.integers(2**63))
    observed = call.run(rng=est_rng)
    xa, ya = call.arrays
    null = np.empty(m)
    for i in range(m):
        perm = rng.permutation(call.n)
        null[i] = call.run((xa, ya[perm]), rng=est_rng)
    tol = 1e-12 * max(1.0, abs(observed))
    b = int(np.sum(null >= observed - tol))
    stat = Estimate(
        observed / lb,
        unit=unit_name(base),
        method=call.info.name,
        n=call.n,
        params=dict(call.params),
        quantity="I(X;Y)",
    )
    nl = null / lb
    qs = np.quantile(nl, [0.05, 0.5, 0.95])
    return PermutationResult(
        statistic=stat,
        pvalue=(b + 1) / (m + 1),
        null_mean=float(nl.mean()),
        null_std=float(nl.std(ddof=1)) if m > 1 else 0.0,
        null_quantiles={0.05: float(qs[0]), 0.5: float(qs[1]), 0.95: float(qs[2])},
        n_permutations=m,
    )
