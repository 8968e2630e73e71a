r"""I(X; T + Z) of a trained layer made noisy at a scale relative to the layer itself.

For a deterministic layer :math:`T = f(X)` of a continuous input, :math:`I(X;T)` is
infinite or a constant of the architecture, so every binned or k-NN "I(X;T)" of a trained
checkpoint measures the estimator (Goldfeld et al. 2019; Saxe et al. 2018).  Adding
independent Gaussian noise makes it finite:

.. math::

    T_\sigma = T + Z,\quad Z \sim N(0, \sigma^2 I_d),\qquad
    I(X; T_\sigma) = h(T_\sigma) - h(Z) = h(P_T * \varphi_\sigma) - \tfrac d2 \log(2\pi e\sigma^2).

The number depends on :math:`\sigma` relative to the spread of :math:`T`; to compare layers
of different widths and scales, :math:`\sigma` is set per layer from the layer's own
activations (``relative_noise`` times a stated scale):

* ``scale="spread"`` (default): :math:`\sigma = c\,\sqrt{\operatorname{tr}\hat\Sigma_T}`,
  ``c`` times the root-mean-square distance of the activations from their mean.  Since a
  Gaussian has the largest entropy for its covariance,
  :math:`I(X;T_\sigma) \le \tfrac12\log\det(I + \Sigma_T/\sigma^2) \le
  \operatorname{tr}\Sigma_T/(2\sigma^2) = 1/(2c^2)` nats **whatever the width**: the
  values of all layers live on one bounded scale (2 nats for ``c = 0.5``).  Lower values mean
  the layer's inputs fall into fewer distinguishable groups at that resolution (clustering,
  which Goldfeld et al. identify as what "compression" measures).
* ``scale="unit"``: :math:`\sigma = c\,\sqrt{\operatorname{tr}\hat\Sigma_T/d}` (``c`` times
  the RMS per-unit standard deviation).  The ceiling is then :math:`d/(2c^2)` nats, which
  for a wide layer far exceeds :math:`\ln n`; the sample estimate below cannot exceed
  :math:`\ln n` and then only measures the sample size (reported as ``saturated``).

Estimator (sample propagation, Goldfeld et al. 2019): the law of :math:`T` is replaced by
the empirical law of the ``n`` activation rows, so :math:`h(T_\sigma)` is the entropy of
the Gaussian mixture :math:`\frac1n\sum_i N(t_i, \sigma^2 I)`, estimated by Monte Carlo from
``n_mc`` draws :math:`p = t_i + \sigma z` per component:

.. math::

    \hat I = \operatorname{mean}_{p}\Big[\ln n - \ln \sum_j
        \exp\!\Big(-\frac{\lVert p - t_j\rVert^2 - \lVert p - t_i\rVert^2}{2\sigma^2}\Big)\Big],

(the :math:`\lVert z\rVert^2/2` term is replaced by its expectation :math:`d/2`, a control
variate).  Each term is at most :math:`\ln n`.  What is known about its error:

* *Monte Carlo*: the terms are independent given the activations; ``params["mc_stderr"]``.
* *Sampling of the n inputs*: ``stderr`` (the interval's) uses the spread of the terms over
  the n inputs, :math:`\mathrm{sd}/\sqrt n`, which also covers the Monte-Carlo part.
* *Bias*: the mixture entropy is concave in the mixing law, so
  :math:`\mathbb E\,\hat I \le I(X;T_\sigma)` (Jensen): the estimate is **low on average**,
  and it is capped at :math:`\ln n`.  The Kolchinsky–Tracey pairwise bounds on the same
  empirical mixture (``params["kt_lower"]``, ``params["kt_upper"]``) bracket the exact
  value of the empirical-law quantity; ``params["gaussian_ceiling"]`` is
  :math:`\tfrac12\log\det(I + \hat\Sigma_T/\sigma^2)`, an upper bound on the population
  value for the estimated covariance and on the empirical-law value (whose covariance is
  :math:`\hat\Sigma_T + \sigma^2 I`); ``params["bracket"]`` is
  ``[kt_lower, min(kt_upper, gaussian_ceiling)]``, an interval that holds the exact
  empirical-law value.

References
----------
Z. Goldfeld, E. van den Berg, K. Greenewald, I. Melnyk, N. Nguyen, B. Kingsbury and
Y. Polyanskiy, "Estimating information flow in deep neural networks", ICML 2019.
A. Kolchinsky and B. D. Tracey, "Estimating mixture entropy with pairwise distances",
Entropy 19(7):361, 2017.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import logsumexp, ndtri

from .._validate import (
    check_base,
    check_positive_int,
    check_probability,
    check_random_state,
    check_samples,
)
from ..result import Estimate
from ..units import unit_name

__all__ = ["noisy_layer_information"]

SCALES = ("spread", "unit")


def noisy_layer_information(
    t: Any,
    *,
    relative_noise: float = 0.5,
    scale: str = "spread",
    n_mc: int = 1,
    base: Any = "e",
    ci: float | None = 0.95,
    block: int = 512,
    random_state: Any = 0,
) -> Estimate:
    r"""I(X; T + Z) of one layer's activations with noise Z ~ N(0, σ² I) relative to the layer.

    Parameters
    ----------
    t : array of shape (n, ...)
        The layer's activations, one row per input (flattened after the first axis); the
        inputs are taken as equiprobable.
    relative_noise : float, default 0.5
        ``c`` in σ = c × scale (module docstring).
    scale : {"spread", "unit"}, default "spread"
        ``"spread"``: the RMS distance of the rows from their mean, sqrt(tr Σ̂); the value is
        then at most 1/(2c²) nats for every layer.  ``"unit"``: the RMS per-unit standard
        deviation, sqrt(tr Σ̂ / d).
    n_mc : int, default 1
        Monte-Carlo draws per mixture component (cost ∝ n_mc · n² · d).
    base : {"e", 2, 10} or float
    ci : float or None, default 0.95
        Level of the normal interval ``value ± z·stderr``, cut to [0, ln n] (``ci_cut``).
    block : int, default 512
        Rows of the distance matrix computed at once (memory ∝ block · n).
    random_state : int or Generator

    Returns
    -------
    Estimate
        ``quantity="I(X;T+Z)"``; ``params``: ``noise_std`` (σ in the layer's units),
        ``relative_noise``, ``scale``, ``layer_scale`` (the scale σ is relative to),
        ``dims``, ``mc_stderr``, ``kt_lower``/``kt_upper`` (Kolchinsky–Tracey bounds on the
        empirical-law value), ``gaussian_ceiling`` (½ log det(I + Σ̂/σ²)), ``bracket``
        (``[kt_lower, min(kt_upper, gaussian_ceiling)]``, holding the empirical-law value),
        ``log_n``,
        ``saturated`` (value within 1% of ln n: it measures the sample size), ``ci_cut``,
        ``bias`` (a sentence: low on average, capped at ln n).

    Raises
    ------
    ValueError
        Fewer than 2 rows, non-finite activations, a bad ``relative_noise``/``scale``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((500, 2))
    >>> est = noisy_layer_information(x @ np.array([[1.0, 0.5], [0.0, 1.0]]), base=2,
    ...                               random_state=1)
    >>> bool(0 < float(est) <= est.params["gaussian_ceiling"] + 0.1)   # both in bits
    True
    >>> bool(est.params["gaussian_ceiling"] <= 1 / (2 * 0.5**2) / np.log(2))  # 1/(2c²) nats
    True
    """
    tt, c_s, params, unit, lb, rng, ci = _prepare(
        t, relative_noise=relative_noise, scale=scale, n_mc=n_mc, base=base, ci=ci,
        block=block, random_state=random_state)
    n, d = tt.shape
    log_n = math.log(n)
    if c_s is None:  # a constant layer: T + Z is independent of X
        params |= {"mc_stderr": 0.0, "kt_lower": 0.0, "kt_upper": 0.0,
                   "bracket": [0.0, 0.0],
                   "gaussian_ceiling": 0.0, "saturated": False, "ci_cut": False,
                   "bias": "exact: the layer is constant, so I(X; T+Z) = 0."}
        return Estimate(0.0, unit=unit, method="noisy-layer (sample propagation)", n=n,
                        ci=(0.0, 0.0) if ci is not None else None, ci_level=ci, stderr=0.0,
                        params=params, quantity="I(X;T+Z)")
    terms = np.empty((n, n_mc))
    for r, lo, hi, a in _log_weights(c_s, n_mc, block, rng):
        terms[lo:hi, r] = log_n - logsumexp(a, axis=1)
    per_input = terms.mean(axis=1)
    value = float(per_input.mean())
    mc_se = float(terms.std(ddof=1) / math.sqrt(terms.size)) if terms.size > 1 else 0.0
    se = float(per_input.std(ddof=1) / math.sqrt(n))

    from ..estimate.kde import pairwise_mi_bounds

    kt = pairwise_mi_bounds(c_s, noise_std=1.0, block=block)
    cov = (c_s.T @ c_s) / n if d <= n else (c_s @ c_s.T) / n  # same non-zero eigenvalues
    eig = np.clip(np.linalg.eigvalsh(cov), 0.0, None)
    ceiling = 0.5 * float(np.sum(np.log1p(eig)))
    lo_ci = hi_ci = None
    cut = False
    if ci is not None:
        z_ = float(ndtri(0.5 + ci / 2))
        lo_ci, hi_ci = value - z_ * se, value + z_ * se
        if lo_ci < 0.0 or hi_ci > log_n:
            cut = True
            lo_ci, hi_ci = max(lo_ci, 0.0), min(hi_ci, log_n)
    params |= {
        "mc_stderr": mc_se / lb, "kt_lower": float(kt.ixt_lower) / lb,
        "kt_upper": float(kt.ixt) / lb, "gaussian_ceiling": ceiling / lb,
        "bracket": [float(kt.ixt_lower) / lb, min(float(kt.ixt), ceiling) / lb],
        "saturated": bool(value >= 0.99 * log_n), "ci_cut": cut,
        "bias": "low on average (the mixture entropy is concave in the mixing law) and at "
                "most ln n; the interval covers sampling and Monte-Carlo spread, not this bias",
    }
    return Estimate(value / lb, unit=unit, method="noisy-layer (sample propagation)", n=n,
                    ci=(lo_ci / lb, hi_ci / lb) if ci is not None else None, ci_level=ci,
                    stderr=se / lb, params=params, quantity="I(X;T+Z)")


def _prepare(t: Any, *, relative_noise: Any, scale: str, n_mc: int, base: Any, ci: Any,
             block: int, random_state: Any) -> tuple[Any, ...]:
    """Validate the arguments; return ``(t, c_s, params, unit, log_base, rng, ci)``.

    ``c_s`` is the centred activations in units of σ (``None`` for a constant layer, where
    σ = 0); ``params`` holds what both noisy estimators report about σ.
    """
    tt = check_samples(t, "t", kind="continuous")
    tt = np.asarray(tt, dtype=np.float64).reshape(len(tt), -1)
    n, d = tt.shape
    if n < 2:
        raise ValueError(f"t: need at least 2 rows (inputs), got {n}.")
    if isinstance(relative_noise, bool) or not isinstance(relative_noise, (int, float)) \
            or not math.isfinite(relative_noise) or relative_noise <= 0:
        raise ValueError(f"relative_noise={relative_noise!r} must be a positive number (σ = "
                         "relative_noise × the layer's scale).")
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r}: choose one of {SCALES}.")
    n_mc = check_positive_int(n_mc, "n_mc")
    check_positive_int(block, "block")
    lb = check_base(base)
    if ci is not None:
        ci = check_probability(ci, "ci", open_low=True, open_high=True)
    rng = check_random_state(random_state)
    c = tt - tt.mean(axis=0)
    spread = float(math.sqrt(np.mean(np.einsum("ij,ij->i", c, c))))
    layer_scale = spread if scale == "spread" else spread / math.sqrt(d)
    sigma = float(relative_noise) * layer_scale
    params: dict[str, Any] = {"relative_noise": float(relative_noise), "scale": scale,
                              "layer_scale": layer_scale, "dims": d, "n_mc": n_mc,
                              "log_n": math.log(n) / lb, "noise_std": sigma}
    c_s = None if spread == 0.0 else c / sigma  # in units of σ: one scale for every layer
    return tt, c_s, params, unit_name(base), lb, rng, ci


def _log_weights(c_s: np.ndarray, n_mc: int, block: int, rng: np.random.Generator) -> Any:
    """Yield ``(r, lo, hi, a)``: for draw ``r`` of ``p_i = c_i + z_i`` (rows ``lo:hi``),
    ``a[i, j] = -(||p_i - c_j||² - ||z_i||²) / 2``, the log ratio of component j's density
    at p_i to the noise density of z_i.  The draws depend only on ``rng``, so two
    estimators given the same ``random_state`` see the same points."""
    n, d = c_s.shape
    sq_c = np.einsum("ij,ij->i", c_s, c_s)
    for r in range(n_mc):
        z = rng.standard_normal((n, d))
        p = c_s + z
        sq_p = np.einsum("ij,ij->i", p, p)
        own = np.einsum("ij,ij->i", z, z)
        for lo in range(0, n, block):
            hi = min(lo + block, n)
            d2 = sq_p[lo:hi, None] + sq_c[None, :] - 2.0 * (p[lo:hi] @ c_s.T)
            np.maximum(d2, 0.0, out=d2)
            yield r, lo, hi, -(d2 - own[lo:hi, None]) / 2.0
