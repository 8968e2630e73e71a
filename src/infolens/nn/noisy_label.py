r"""I(T + Z; Y) of a trained layer made noisy at a scale relative to the layer itself.

The label term of the noisy information plane, at the same :math:`\sigma` as
:func:`~infolens.nn.noisy.noisy_layer_information` (``relative_noise`` × the layer's spread):

.. math::

    T_\sigma = T + Z,\quad Z \sim N(0, \sigma^2 I_d),\qquad
    I(T_\sigma; Y) = h(T_\sigma) - \sum_y p(y)\, h(T_\sigma \mid Y = y)

(nats, or the unit of ``base``).  Both entropies are Gaussian-mixture entropies when the law
of :math:`T` is replaced by the ``n`` activation rows (sample propagation, Goldfeld et al.
2019): :math:`T_\sigma` is the mixture :math:`\frac1n\sum_j N(t_j, \sigma^2 I)` and
:math:`T_\sigma \mid Y=y` the mixture over the :math:`n_y` rows of class ``y``.  With the
same draws :math:`p_i = t_i + \sigma z_i` for both (a draw from component ``i`` is a draw
from the class-``y_i`` mixture too), the Monte-Carlo estimate is a mean of per-row terms

.. math::

    \hat I = \operatorname{mean}_i \Big[\ln\frac{n}{n_{y_i}}
        + \ln\sum_{j: y_j = y_i} e^{a_{ij}} - \ln\sum_j e^{a_{ij}}\Big]
      = \operatorname{mean}_i \ln\frac{\hat P(Y = y_i \mid T_\sigma = p_i)}{\hat p(y_i)},
    \qquad a_{ij} = -\frac{\lVert p_i - t_j\rVert^2 - \lVert p_i - t_i\rVert^2}{2\sigma^2},

the log ratio of the mixture's posterior of the true label to its prior.  Properties:

* Each term is at most :math:`\ln(n/n_{y_i})`, so :math:`\hat I \le \hat H(Y)`, the plug-in
  label entropy of the rows, exactly (not only on average).
* With the same draws, :math:`\hat I(X;T_\sigma) - \hat I` is the Monte-Carlo estimate of
  :math:`I(X; T_\sigma \mid Y) \ge 0` (``Y`` is a function of the row, so
  :math:`Y \to X \to T \to T_\sigma` is a Markov chain and the data processing inequality
  gives :math:`I(T_\sigma;Y) \le I(X;T_\sigma)`); ``params["dpi_gap"]`` and its own
  standard error ``params["dpi_gap_stderr"]`` (from the paired terms) test it.  The
  :math:`\hat I(X;T_\sigma)` here equals :func:`noisy_layer_information`'s value for the same
  rows, ``relative_noise``, ``scale``, ``n_mc``, ``block`` and ``random_state``.
* *Monte Carlo*: given the rows, the terms are unbiased for the empirical-law value.
* *Sampling of the rows*: ``stderr`` is the spread of the terms over the rows,
  :math:`\mathrm{sd}/\sqrt n` (it covers the Monte-Carlo part).
* *Bias* against the population value: a difference of two mixture entropies, each low on
  average (Jensen), so no sign is guaranteed; with few rows per class the class mixtures
  are more lumpy than the population's, which makes the estimate tend **high**.  In the
  limit of :math:`\sigma` small against the distances between rows every term equals
  :math:`\ln(n/n_{y_i})` and :math:`\hat I = \hat H(Y)` whatever the layer; that regime is
  the one where :func:`noisy_layer_information` reports ``saturated`` (value near ln n).

References
----------
Z. Goldfeld, E. van den Berg, K. Greenewald, I. Melnyk, N. Nguyen, B. Kingsbury and
Y. Polyanskiy, "Estimating information flow in deep neural networks", ICML 2019.
A. Kolchinsky and B. D. Tracey, "Estimating mixture entropy with pairwise distances",
Entropy 19(7):361, 2017 (the bounds reported by :func:`noisy_layer_information`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import logsumexp, ndtri

from ..result import Estimate
from .noisy import _log_weights, _prepare

__all__ = ["noisy_label_information"]


def _labels(y: Any, n: int) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"y: expected one label per row of t, shape ({n},), got shape "
                         f"{arr.shape}.")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise TypeError("y holds non-integer floating-point values; labels must be class "
                            "codes (cast with y.astype(int) or encode them with np.unique).")
    elif arr.dtype.kind not in "iubUSO":
        raise TypeError(f"y: labels of dtype {arr.dtype} are not class codes.")
    return np.unique(arr, return_inverse=True)[1].reshape(-1)


def noisy_label_information(
    t: Any,
    y: Any,
    *,
    relative_noise: float = 0.5,
    scale: str = "spread",
    n_mc: int = 1,
    base: Any = "e",
    ci: float | None = 0.95,
    block: int = 512,
    random_state: Any = 0,
) -> Estimate:
    r"""I(T + Z; Y) of one layer's activations with noise Z ~ N(0, σ² I) relative to the layer.

    Parameters
    ----------
    t : array of shape (n, ...)
        The layer's activations, one row per input (flattened after the first axis).
    y : array of shape (n,)
        The class of each row (integers, strings or integer-valued floats).
    relative_noise, scale, n_mc, block, random_state
        As in :func:`~infolens.nn.noisy_layer_information` (σ is computed from all rows,
        whatever their class, exactly as there).
    base : {"e", 2, 10} or float
    ci : float or None, default 0.95
        Level of the normal interval ``value ± z·stderr``, cut to [0, Ĥ(Y)] (``ci_cut``).

    Returns
    -------
    Estimate
        ``quantity="I(T+Z;Y)"``; ``params``: those σ-related ones of
        :func:`noisy_layer_information` (``noise_std``, ``layer_scale``, ``relative_noise``,
        ``scale``, ``dims``, ``n_mc``, ``log_n``), ``label_entropy`` (plug-in Ĥ(Y) of the
        rows, the exact ceiling of the estimate), ``ixt`` and ``ixt_stderr`` (Î(X;T+Z) from the
        same draws), ``dpi_gap`` = ``ixt`` − value (an estimate of I(X;T+Z | Y) ≥ 0) and
        ``dpi_gap_stderr``, ``mc_stderr``, ``ci_cut``, ``bias`` (a sentence).

    Raises
    ------
    ValueError
        Fewer than 2 rows, ``y`` of the wrong length, non-finite activations, a bad
        ``relative_noise``/``scale``.
    TypeError
        ``y`` that is not class codes.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 600)
    >>> t = rng.standard_normal((600, 3)) + 2.0 * y[:, None]
    >>> est = noisy_label_information(t, y, base=2, random_state=1)
    >>> bool(0 < float(est) <= est.params["label_entropy"])
    True
    >>> bool(float(est) <= est.params["ixt"] + 3 * est.params["dpi_gap_stderr"])
    True
    """
    tt, c_s, params, unit, lb, rng, ci = _prepare(
        t, relative_noise=relative_noise, scale=scale, n_mc=n_mc, base=base, ci=ci,
        block=block, random_state=random_state)
    n = len(tt)
    codes = _labels(y, n)
    counts = np.bincount(codes)
    log_prior = np.log(counts[codes] / n)  # ln p̂(y_i)
    hy = float(-log_prior.mean())
    params["label_entropy"] = hy / lb
    if c_s is None:  # a constant layer: T + Z is independent of X and of Y
        params |= {"ixt": 0.0, "ixt_stderr": 0.0, "dpi_gap": 0.0, "dpi_gap_stderr": 0.0,
                   "mc_stderr": 0.0, "ci_cut": False,
                   "bias": "exact: the layer is constant, so I(T+Z; Y) = 0."}
        return Estimate(0.0, unit=unit, method="noisy-layer label term (sample propagation)",
                        n=n, ci=(0.0, 0.0) if ci is not None else None, ci_level=ci,
                        stderr=0.0, params=params, quantity="I(T+Z;Y)")
    log_n = math.log(n)
    label_terms = np.empty((n, n_mc))
    x_terms = np.empty((n, n_mc))
    for r, lo, hi, a in _log_weights(c_s, n_mc, block, rng):
        lse_all = logsumexp(a, axis=1)
        same = codes[lo:hi, None] == codes[None, :]
        lse_class = logsumexp(np.where(same, a, -np.inf), axis=1)  # row i is in its class
        label_terms[lo:hi, r] = lse_class - lse_all - log_prior[lo:hi]
        x_terms[lo:hi, r] = log_n - lse_all
    per_row, per_row_x = label_terms.mean(axis=1), x_terms.mean(axis=1)
    value, ixt = float(per_row.mean()), float(per_row_x.mean())
    se = float(per_row.std(ddof=1) / math.sqrt(n))
    gap_se = float((per_row_x - per_row).std(ddof=1) / math.sqrt(n))
    mc_se = (float(label_terms.std(ddof=1) / math.sqrt(label_terms.size))
             if label_terms.size > 1 else 0.0)
    lo_ci = hi_ci = None
    cut = False
    if ci is not None:
        z_ = float(ndtri(0.5 + ci / 2))
        lo_ci, hi_ci = value - z_ * se, value + z_ * se
        if lo_ci < 0.0 or hi_ci > hy:
            cut = True
            lo_ci, hi_ci = max(lo_ci, 0.0), min(hi_ci, hy)
    params |= {
        "ixt": ixt / lb, "ixt_stderr": float(per_row_x.std(ddof=1) / math.sqrt(n)) / lb,
        "dpi_gap": (ixt - value) / lb, "dpi_gap_stderr": gap_se / lb, "mc_stderr": mc_se / lb,
        "ci_cut": cut,
        "bias": "unbiased over the noise for the empirical law of the rows; against the "
                "population value no sign is guaranteed (a difference of two mixture "
                "entropies, each low on average), and with few rows per class it tends high; "
                "at most the plug-in H(Y) of the rows; the interval covers sampling and "
                "Monte-Carlo spread, not this bias",
    }
    return Estimate(value / lb, unit=unit, method="noisy-layer label term (sample propagation)",
                    n=n, ci=(lo_ci / lb, hi_ci / lb) if ci is not None else None, ci_level=ci,
                    stderr=se / lb, params=params, quantity="I(T+Z;Y)")
