"""Interval primitives shared by :mod:`~infolens.estimate.resampling` and the estimators'
own interval schemes (the ``interval=`` of their registry record): the :class:`Interval`
record, the row bootstrap, the normal, basic and range-bounded intervals, and the cut of
an interval to the quantity's range (:func:`within_range`).

It sits below the estimator modules, so that :mod:`~infolens.estimate.discrete` can declare
its multinomial bootstrap without importing :mod:`~infolens.estimate.resampling`, which
sits above them (it prepares calls, and a call needs every estimator registered).  The
public names are re-exported by :mod:`~infolens.estimate.resampling`; the schemes are
described there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

__all__ = [
    "Interval",
    "IntervalFunc",
    "row_replicates",
    "normal_interval",
    "basic_interval",
    "bounded_interval",
    "within_range",
]


@dataclass(frozen=True)
class Interval:
    """A confidence interval in nats: ``low``, ``high``, ``stderr``, the ``scheme`` used,
    the number of resamples, and ``cut``: what was cut to keep the interval inside the
    quantity's range (empty when nothing was)."""

    low: float
    high: float
    stderr: float
    scheme: str
    n_resamples: int
    cut: str = ""


IntervalFunc = Callable[..., Interval]


def row_replicates(
    statistic: Callable[..., float],
    arrays: tuple[np.ndarray, ...],
    n_boot: int,
    random_state: np.random.Generator,
) -> np.ndarray:
    """The row bootstrap (Efron 1979): ``statistic`` on ``n_boot`` resamples of the rows
    of ``arrays`` (paired, drawn with replacement: ``random_state.integers(0, n, n)``)."""
    n = arrays[0].shape[0]
    reps = np.empty(n_boot)
    for b in range(n_boot):
        idx = random_state.integers(0, n, n)
        reps[b] = statistic(*(a[idx] for a in arrays))
    return reps


def normal_interval(value: float, stderr: float, level: float) -> tuple[float, float]:
    """``value ± z_{(1+level)/2} stderr``."""
    from scipy import special

    z = float(special.ndtri(0.5 + level / 2.0))
    return value - z * stderr, value + z * stderr


def basic_interval(
    value: float, replicates: np.ndarray, pivot: float, level: float
) -> tuple[float, float]:
    """Basic bootstrap interval ``[v - q_hi(r - pivot), v - q_lo(r - pivot)]``.

    Parameters
    ----------
    value : float
        The estimate from the data.
    replicates : ndarray
        Estimates from the resamples.
    pivot : float
        The true value in the bootstrap world (the functional at the empirical
        distribution).
    level : float
        Confidence level in (0, 1).
    """
    a = (1.0 - level) / 2.0
    d = np.asarray(replicates, dtype=np.float64) - pivot
    lo_q, hi_q = np.quantile(d, [a, 1.0 - a])
    return value - float(hi_q), value - float(lo_q)


def bounded_interval(
    value: float,
    replicates: np.ndarray,
    pivot: float,
    level: float,
    *,
    low: float = -math.inf,
    high: float = math.inf,
) -> tuple[float, float, str]:
    """Basic bootstrap interval restricted to the parameter range ``[low, high]``.

    The basic interval ``[v - q_hi(r - pivot), v - q_lo(r - pivot)]`` reflects the
    bootstrap deviations around the estimate and can leave the parameter space
    (Davison & Hinkley 1997, sec. 5.3).  It is intersected with ``[low, high]``.  When
    the intersection is empty the reflection has carried the whole interval across a
    boundary — the statistic sits at the edge of its range in the bootstrap world, e.g.
    the plug-in entropy of a uniform pmf (the maximum ``log K``), where the estimator's
    first-order variance vanishes, every replicate lies below the pivot and
    ``value - pivot`` is not even approximately pivotal.  The *percentile* interval
    ``[q_lo(r), q_hi(r)]`` is used instead: its end points are estimates on resamples,
    so they respect the range (Efron & Tibshirani 1993, sec. 13.3); it is widened to
    contain ``value``.

    Parameters
    ----------
    value : float
        The estimate from the data.
    replicates : ndarray
        Estimates from the resamples.
    pivot : float
        The true value in the bootstrap world.
    level : float
        Confidence level in (0, 1).
    low, high : float
        The range of the parameter (e.g. ``0`` and ``log K`` for an entropy over a known
        alphabet of ``K`` symbols).

    Returns
    -------
    (float, float, str)
        Lower end, upper end and ``"basic"`` or ``"percentile"`` (which was used).

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
    """
    lo, hi = basic_interval(value, replicates, pivot, level)
    lo_c, hi_c = max(lo, low), min(hi, high)
    if lo_c <= hi_c:
        return lo_c, hi_c, "basic"
    a = (1.0 - level) / 2.0
    p_lo, p_hi = np.quantile(np.asarray(replicates, dtype=np.float64), [a, 1.0 - a])
    return min(float(p_lo), value), max(float(p_hi), value), "percentile"


def within_range(iv: Interval, low: float = 0.0, high: float = math.inf) -> Interval:
    """Cut an interval (in nats) to the parameter range ``[low, high]``; ``Interval.cut``
    says what was cut (empty, and ``iv`` itself returned, when nothing was).

    The range is where the true value lies: ``[0, inf)`` for MI, conditional MI and KL
    divergence, ``[0, log K]`` for the entropy over a known alphabet of ``K`` symbols.
    Cutting never lowers coverage, since the true value lies in the range.  When the
    whole interval lies outside it (an estimate below 0 whose interval is too), the
    interval collapses to the nearest end of the range.

    >>> within_range(Interval(-0.2, 0.5, 0.1, "normal", 0)).cut
    'low end -0.2 raised to 0 nats'
    """
    lo, hi = iv.low, iv.high
    notes = []
    if lo < low:
        notes.append(f"low end {lo:.4g} raised to {low:g} nats")
        lo = low
    if hi > high:
        notes.append(f"high end {hi:.4g} lowered to log K = {high:.4g} nats")
        hi = high
    if not notes:
        return iv
    if lo > hi:  # the whole interval lay outside the range
        lo = hi = low if iv.high < low else high
    return replace(iv, low=lo, high=hi, cut="; ".join(notes))
