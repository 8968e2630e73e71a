r"""Lower and upper confidence bounds on the Bayes error from samples.

:func:`bayes_error_bounds` combines the one-sided inequalities of :mod:`.fano` with
confidence statements on their inputs, always in the valid direction:

- **lower bound** (Fano): needs a *lower* bound on :math:`H(Y|X) = H(Y) - I(X;Y)`, so it
  takes a lower confidence bound on :math:`H(Y)` (rigorous, from the L1 concentration of
  the empirical label pmf, Weissman et al. 2003) and the *upper* end of a confidence
  interval of an :math:`I(X;Y)` estimate (resampling interval of the estimator, so
  approximate), or the Gaussian-channel ceiling for a noisy representation.
- **upper bound** (Feder–Merhav / Hellman–Raviv, or directly a classifier's error):
  needs an *upper* bound on :math:`H(Y|X)`: a held-out cross-entropy of any model (its
  expectation is :math:`H(Y|X) + \mathbb E\,\mathrm{KL} \ge H(Y|X)`) or :math:`H(Y)^{+} -
  I^{-}`; or the hold-out error of any classifier (the Bayes error is below every
  classifier's error).  The candidates share the budget (Bonferroni) and the smallest
  is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special, stats

from .._validate import (
    as_array,
    check_consistent_length,
    check_positive_int,
    check_probability,
    check_samples,
)
from .fano import fano_lower_bound, feder_merhav_upper_bound, gaussian_channel_mi_ceiling
from .pac_bayes import holdout_bound

__all__ = ["BayesErrorBounds", "bayes_error_bounds", "label_entropy_interval"]


@dataclass(frozen=True)
class BayesErrorBounds:
    """Lower and upper confidence bounds on the Bayes error, with their provenance.

    Attributes
    ----------
    lower, upper : float
        The bounds on the Bayes error (probabilities).
    delta_lower, delta_upper : float
        Failure probability of each side (the pair holds with ``1 - delta_lower -
        delta_upper``).
    lower_method, upper_method : str
        Which inequality and which inputs produced each side (and in which direction).
    rigorous_lower, rigorous_upper : bool
        False when a side rests on a resampling interval or a central-limit approximation.
    terms : dict
        The intermediate quantities (nats): ``H_Y_low``, ``H_Y_high``, ``I_estimate``,
        ``I_high``, ``I_low``, the upper-bound candidates, ...
    """

    lower: float
    upper: float
    delta_lower: float
    delta_upper: float
    lower_method: str
    upper_method: str
    rigorous_lower: bool
    rigorous_upper: bool
    n: int
    n_classes: int
    terms: dict[str, Any] = field(default_factory=dict)


def _l1_radius(n: int, m: int, delta: float) -> float:
    # Weissman et al. (2003): P(||p_hat - p||_1 >= eps) <= (2^m - 2) exp(-n eps^2 / 2)
    log_count = m * math.log(2.0) + math.log1p(-(2.0 ** (1 - m)))  # ln(2^m - 2)
    return math.sqrt(2.0 * (log_count + math.log(1.0 / delta)) / n)


def _min_entropy_in_ball(p: np.ndarray, t: float) -> float:
    # Move mass t onto the largest entry, taken from the smallest entries: the result
    # majorises every pmf within L1 distance 2t, so it has the least entropy (Schur concavity).
    q = np.sort(p)[::-1].astype(float)
    add = min(t, 1.0 - q[0])
    q[0] += add
    rest = add
    for i in range(len(q) - 1, 0, -1):
        take = min(q[i], rest)
        q[i] -= take
        rest -= take
        if rest <= 0:
            break
    return float(special.entr(q).sum())


def _max_entropy_in_ball(p: np.ndarray, t: float) -> float:
    # Move mass t from the largest entries (cut to a level a) to the smallest (filled to a
    # level b): the result is majorised by every pmf within L1 distance 2t, so it has the
    # largest entropy.  If the levels cross, the uniform pmf is in the ball.
    m = p.size

    def over(a: float) -> float:  # mass above level a; decreasing in a
        return float(np.maximum(p - a, 0).sum())

    def under(b: float) -> float:  # mass needed to lift everything to level b; increasing
        return float(np.maximum(b - p, 0).sum())

    a_lo, a_hi, b_lo, b_hi = 0.0, 1.0, 0.0, 1.0
    for _ in range(200):
        a_mid, b_mid = 0.5 * (a_lo + a_hi), 0.5 * (b_lo + b_hi)
        a_lo, a_hi = (a_mid, a_hi) if over(a_mid) > t else (a_lo, a_mid)
        b_lo, b_hi = (b_lo, b_mid) if under(b_mid) > t else (b_mid, b_hi)
    a, b = a_hi, b_lo
    if a <= b:
        return math.log(m)
    q = np.clip(p, b, a)  # levels moved mass t out of the top and t into the bottom
    return float(min(special.entr(q).sum(), math.log(m)))


def label_entropy_interval(
    y: Any, *, n_classes: int | None = None, delta: float = 0.05
) -> tuple[float, float]:
    r"""Rigorous two-sided confidence interval for the label entropy :math:`H(Y)`, in nats.

    With probability at least :math:`1-\delta`,
    :math:`\|\hat p - p\|_1 < \varepsilon = \sqrt{2(\ln(2^M-2) + \ln(1/\delta))/n}`
    (Weissman et al. 2003); the interval is the least and the largest entropy of a pmf in
    that L1 ball, attained at the majorising and majorised pmfs of the ball.

    Parameters
    ----------
    y : array_like of shape (n,)
        Discrete labels.
    n_classes : int, optional
        ``M``; default the number of distinct labels seen.
    delta : float
        Failure probability.

    Returns
    -------
    (float, float)
        ``(H_low, H_high)`` in nats.

    References
    ----------
    Weissman, T., Ordentlich, E., Seroussi, G., Verdú, S., Weinberger, M. (2003).
    Inequalities for the L1 deviation of the empirical distribution. HP Labs HPL-2003-97.

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi = label_entropy_interval(np.tile([0, 1], 5000), delta=0.05)
    >>> bool(lo < np.log(2) <= hi)
    True
    """
    ya = check_samples(y, "y", min_samples=1)
    if ya.shape[1] != 1:
        raise ValueError(f"y must be one column of labels; got shape {ya.shape}.")
    _, codes = np.unique(ya[:, 0], return_inverse=True)
    seen = int(codes.max()) + 1
    m = seen if n_classes is None else check_positive_int(n_classes, "n_classes", minimum=2)
    if m < seen:
        raise ValueError(f"n_classes={n_classes} but y holds {seen} distinct labels.")
    if m < 2:
        raise ValueError("y holds a single label; H(Y) = 0 needs no interval (give n_classes).")
    d = check_probability(delta, "delta", open_low=True, open_high=True)
    p = np.bincount(codes, minlength=m) / codes.size
    t = 0.5 * _l1_radius(codes.size, m, d)
    return _min_entropy_in_ball(p, t), _max_entropy_in_ball(p, t)


def bayes_error_bounds(
    x: Any,
    y: Any,
    *,
    n_classes: int | None = None,
    delta: float = 0.05,
    mi_method: str = "auto",
    n_boot: int = 200,
    noise_std: float | None = None,
    cross_entropy: Any = None,
    holdout_errors: Any = None,
    random_state: Any = None,
    **mi_params: Any,
) -> BayesErrorBounds:
    r"""Confidence bounds on the Bayes error of predicting ``y`` from ``x``.

    Lower bound (failure probability ``delta``): Fano's inequality
    (:func:`~infolens.bounds.fano_lower_bound`) at
    :math:`H(Y|X)^{-} = H(Y)^{-} - I(X;Y)^{+}`, with :math:`H(Y)^{-}` from
    :func:`label_entropy_interval` at ``delta/2`` and :math:`I^{+}` the upper end of the
    estimator's interval at level ``1 - delta`` (one-sided ``delta/2``).  If ``noise_std``
    is given, ``x`` is taken as a clean representation :math:`S` observed through
    :math:`T = S + \mathcal N(0, \sigma^2 I)` and :math:`I^{+}` is the Gaussian-channel
    ceiling :math:`\tfrac12\ln\det(I + \Sigma_S/\sigma^2)` instead.

    Upper bound (failure probability ``delta``, split equally among the candidates):

    - always: Feder–Merhav at :math:`H(Y)^{+} - I(X;Y)^{-}` (resampling interval);
    - ``cross_entropy`` (held-out per-example log-losses :math:`-\ln q(y_i|x_i)` of any
      model, nats): Feder–Merhav at the one-sided CLT upper limit of their mean (an upper
      bound on :math:`H(Y|X)` in expectation);
    - ``holdout_errors`` (0/1 errors of any classifier on held-out data):
      :func:`~infolens.bounds.holdout_bound` (rigorous).

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
        Features (continuous or discrete).
    y : array_like of shape (n,)
        Integer class labels.
    n_classes : int, optional
        ``M``; default the number of distinct labels in ``y``.
    delta : float, default 0.05
        Failure probability of each side.
    mi_method : str, default "auto"
        Estimator of :math:`I(X;Y)` (see ``infolens.estimators("mi")``).
    n_boot : int, default 200
        Resamples for the interval of the MI estimate.
    noise_std : float, optional
        Noise level of a noisy representation (see above).
    cross_entropy : array_like, optional
        Held-out per-example log-losses in nats.
    holdout_errors : array_like, optional
        Held-out per-example 0/1 errors of a classifier.
    random_state : None, int or Generator
    **mi_params
        Passed to the MI estimator (e.g. ``k=5``).

    Returns
    -------
    BayesErrorBounds

    References
    ----------
    Fano (1961); Feder & Merhav (1994); Hellman & Raviv (1970); Weissman et al. (2003);
    Langford (2005) for the hold-out bound.

    Examples
    --------
    >>> import numpy as np
    >>> from infolens.bounds.mixtures import GaussianMixture
    >>> g = GaussianMixture(means=[-1.5, 1.5])
    >>> x, y = g.sample(1000, random_state=0)
    >>> r = bayes_error_bounds(x, y, random_state=0, n_boot=50)
    >>> r.lower <= g.bayes_error() <= r.upper
    True
    """
    # local import: the estimator API is heavier than this module
    from ..estimate.api import mutual_information

    ya = check_samples(y, "y", min_samples=2, kind="discrete")
    if ya.shape[1] != 1:
        raise ValueError(f"y must be a 1-d array of class labels; got shape {ya.shape}.")
    n = check_consistent_length(x=as_array(x, "x"), y=ya)
    _, codes = np.unique(ya[:, 0], return_inverse=True)
    seen = int(codes.max()) + 1
    m = seen if n_classes is None else check_positive_int(n_classes, "n_classes", minimum=2)
    if m < seen or m < 2:
        raise ValueError(
            f"n_classes={n_classes!r} is incompatible with {seen} distinct labels in y."
        )
    d = check_probability(delta, "delta", open_low=True, open_high=True)
    terms: dict[str, Any] = {}

    # ---- lower side: Fano at a LOWER bound on H(Y|X) ----
    h_lo, h_hi = label_entropy_interval(codes, n_classes=m, delta=d / 2)
    # (the interval is two-sided at d/2; each end alone holds with 1 - d/2, conservative)
    terms["H_Y_low"], terms["H_Y_high"] = h_lo, h_hi
    # the MI interval is needed by the upper side even when the lower side uses the ceiling
    est = mutual_information(
        x, codes, method=mi_method, ci=1 - d, n_boot=n_boot, random_state=random_state, **mi_params
    )
    terms["I_estimate"] = float(est)
    terms["I_method"] = est.method
    terms["I_low"], terms["I_high"] = est.ci
    if noise_std is not None:
        ceiling = gaussian_channel_mi_ceiling(x, noise_std=noise_std)
        terms["I_gaussian_channel_ceiling"] = ceiling
        i_high = ceiling
        lower_method = (
            "Fano at H(Y|X) >= H(Y)_low - I_ceiling: H(Y) lower end from L1 concentration "
            f"(delta/2), I(T;Y) <= 0.5 ln det(I + Cov(x)/sigma^2) with sigma={noise_std}"
        )
        rigorous_lower = True
    else:
        i_high = terms["I_high"]
        lower_method = (
            f"Fano at H(Y|X) >= H(Y)_low - I_high: H(Y) lower end from L1 concentration (delta/2), "
            f"I(X;Y) upper end of the {est.method} resampling interval (one-sided delta/2)"
        )
        rigorous_lower = False
    h_cond_low = max(h_lo - i_high, 0.0)
    terms["H_Y_given_X_low"] = h_cond_low
    lower = fano_lower_bound(conditional_entropy=min(h_cond_low, math.log(m)), n_classes=m)

    # ---- upper side: candidates sharing delta ----
    k = 1 + (cross_entropy is not None) + (holdout_errors is not None)
    dk = d / k
    cands: dict[str, tuple[float, bool]] = {}
    if k > 1:  # re-derive the entropy/MI interval at the smaller budget
        _, h_hi_k = label_entropy_interval(codes, n_classes=m, delta=dk / 2)
        est_k = mutual_information(
            x,
            codes,
            method=mi_method,
            ci=1 - dk,
            n_boot=n_boot,
            random_state=random_state,
            **mi_params,
        )
        i_low_k = est_k.ci[0]
    else:
        h_hi_k, i_low_k = h_hi, terms["I_low"]
    h_up = min(max(h_hi_k - i_low_k, 0.0), math.log(m))
    cands["feder_merhav(H(Y)_high - I_low)"] = (feder_merhav_upper_bound(h_up, n_classes=m), False)
    terms["H_Y_given_X_high_from_MI"] = h_up
    if cross_entropy is not None:
        ce = np.asarray(as_array(cross_entropy, "cross_entropy"), dtype=float).ravel()
        if ce.size < 2 or not np.all(np.isfinite(ce)) or np.any(ce < 0):
            raise ValueError(
                "cross_entropy must be >= 2 finite per-example log-losses (nats, >= 0)."
            )
        ce_up = float(ce.mean() + stats.norm.ppf(1 - dk) * ce.std(ddof=1) / math.sqrt(ce.size))
        terms["cross_entropy_mean"], terms["cross_entropy_high"] = float(ce.mean()), ce_up
        cands["feder_merhav(cross-entropy upper limit)"] = (
            feder_merhav_upper_bound(min(ce_up, math.log(m))),
            False,
        )
    if holdout_errors is not None:
        hb = holdout_bound(holdout_errors, delta=dk)
        terms["holdout_error"] = hb.empirical_risk
        cands["holdout error of a classifier (kl inverse)"] = (hb.value, True)
    terms["upper_candidates"] = {key: v for key, (v, _) in cands.items()}
    best = min(cands, key=lambda key: cands[key][0])
    upper, rig_up = cands[best]
    return BayesErrorBounds(
        lower=float(lower),
        upper=float(min(upper, (m - 1) / m)),
        delta_lower=d,
        delta_upper=d,
        lower_method=lower_method,
        upper_method=f"{best} (each of {k} candidate(s) at delta/{k})",
        rigorous_lower=rigorous_lower,
        rigorous_upper=rig_up,
        n=n,
        n_classes=m,
        terms=terms,
    )
