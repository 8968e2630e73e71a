"""The seed's layer analyses: DPI checks, linear-Gaussian flow, weight entropy, dropout as
an erasure channel, batch-norm invertibility and the sufficiency gap.

Each function computes one statement of the source text numerically:

* :func:`dpi_report` — for a chain X -> T_1 -> ... -> T_L, I(X;T_l) cannot increase with
  depth; where an *estimate* does, it is an estimator artefact, reported with its size
  relative to the estimate's uncertainty.
* :func:`linear_gaussian_flow` — exact I(X;T_l) in a deep linear network with noise
  injected at every layer, each layer's rate budget and the bottleneck.
* :func:`weight_entropy` — histogram entropy of the weights, bits per weight after uniform
  quantisation and the total description length.
* :func:`dropout_information` — I(T;Y) through a real ``nn.Dropout``: (1 - p^n) H(Y).
* :func:`batchnorm_information` — eval-mode batch norm with non-zero scales keeps
  I(T;Y); channels with (near-)zero scale are erasures.
* :func:`sufficiency_gap` — I(X;Y) - I(T;Y) >= 0, zero iff T is sufficient for Y.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from scipy import stats
from scipy.special import ndtri
from torch import nn

from .._validate import (
    check_base,
    check_consistent_length,
    check_covariance,
    check_positive_int,
    check_probability,
    check_random_state,
    check_samples,
)
from ..estimate._counting import plugin_entropy, plugin_mi, row_codes
from ..estimate.binning import _uniform_codes
from ..result import Estimate
from ..units import unit_name

__all__ = [
    "DPIReport",
    "dpi_report",
    "LinearGaussianFlow",
    "linear_gaussian_flow",
    "WeightEntropy",
    "weight_entropy",
    "DropoutChannel",
    "dropout_information",
    "BatchNormReport",
    "batchnorm_information",
    "sufficiency_gap",
]


# --------------------------------------------------------------------------- DPI


@dataclass
class DPIReport:
    """Where estimated I(X;T_l) increases with depth.

    Attributes
    ----------
    violations : list of dict
        One row per layer whose estimate exceeds the smallest estimate of an earlier layer:
        ``layer``, ``earlier`` (that earlier layer), ``increase``, ``uncertainty`` (standard
        error of the difference, or None when no interval was available), ``ratio``
        (increase / uncertainty) and ``beyond_uncertainty`` (``ratio > z`` at ``level``),
        plus ``epoch`` when built from plane records.
    n_layers : int
    level : float
    """

    violations: list[dict[str, Any]]
    n_layers: int
    level: float

    @property
    def ok(self) -> bool:
        """True when no estimate increases with depth."""
        return not self.violations

    def __repr__(self) -> str:
        if self.ok:
            return f"DPIReport(no increase over {self.n_layers} layers)"
        worst = max(self.violations, key=lambda r: r["increase"])
        return (f"DPIReport({len(self.violations)} increase(s); largest {worst['increase']:.4g} "
                f"at layer {worst['layer']!r} vs {worst['earlier']!r}, ratio {worst['ratio']})")


def _value_and_se(e: Any, z: float) -> tuple[float, float | None]:
    if isinstance(e, dict):
        v, ci, se = float(e["value"]), e.get("ci"), e.get("stderr")
    else:
        v, ci, se = float(e), getattr(e, "ci", None), getattr(e, "stderr", None)
    if se is None and ci is not None:
        se = (float(ci[1]) - float(ci[0])) / (2 * z)
    return v, (None if se is None else float(se))


def dpi_report(
    estimates: Sequence[Any],
    *,
    names: Sequence[str] | None = None,
    quantity: str = "I(X;T)",
    level: float = 0.95,
    atol: float = 1e-9,
) -> DPIReport:
    """Report where estimated I(X;T_l) increases along a chain of layers.

    For a Markov chain X -> T_1 -> ... -> T_L the data processing inequality gives
    I(X;T_l) <= I(X;T_k) for every k < l.  Each layer is compared with the smallest
    estimate among the earlier layers; an increase is an artefact of the estimator
    (resolution, bias, binning), never a property of the network.

    Parameters
    ----------
    estimates : sequence
        Either per-layer values ordered by depth (floats, :class:`~infolens.result.Estimate`
        with ``ci`` or ``stderr``, or dicts with ``value`` and optional ``ci``/``stderr``),
        or the records of an :class:`~infolens.nn.plane.InformationPlane` (dicts with
        ``layer``, ``epoch`` and ``quantity``), checked epoch by epoch.
    names : sequence of str, optional
        Layer names for per-layer values (default ``"0", "1", ...``).
    quantity : str, default "I(X;T)"
        Which quantity of plane records to check.
    level : float, default 0.95
        An increase is ``beyond_uncertainty`` when it exceeds ``z_(1+level)/2`` standard
        errors of the difference ``sqrt(se_l^2 + se_k^2)`` (an interval ``ci`` is
        converted with ``se = width / (2 z)``).
    atol : float, default 1e-9
        Increases up to ``atol`` (float rounding of equal values) are not reported.

    Returns
    -------
    DPIReport

    References
    ----------
    T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., 2006, thm 2.8.1.

    Examples
    --------
    >>> dpi_report([3.0, 2.0, 2.5]).violations[0]["increase"]
    0.5
    """
    level = check_probability(level, "level", open_low=True, open_high=True)
    z = float(stats.norm.ppf(0.5 + level / 2))
    items = list(estimates)
    if not items:
        raise ValueError("estimates is empty; pass one estimate per layer.")
    if isinstance(items[0], dict) and "epoch" in items[0] and "layer" in items[0]:
        by_epoch: dict[int, list[dict[str, Any]]] = {}
        for r in items:
            if r["quantity"] == quantity:
                by_epoch.setdefault(r["epoch"], []).append(r)
        if not by_epoch:
            raise ValueError(f"no records with quantity {quantity!r}.")
        rows: list[dict[str, Any]] = []
        n_layers = 0
        for ep in sorted(by_epoch):
            rs = sorted(by_epoch[ep], key=lambda r: r.get("layer_index", 0))
            vals = [_value_and_se(r, z) for r in rs]
            names_ep = [r["layer"] for r in rs]
            rows.extend(dict(v, epoch=ep) for v in _dpi_rows(vals, names_ep, z, atol))
            n_layers = max(n_layers, len(rs))
        return DPIReport(rows, n_layers, level)
    names = [str(i) for i in range(len(items))] if names is None else [str(n) for n in names]
    if len(names) != len(items):
        raise ValueError(f"names has {len(names)} entries for {len(items)} estimates.")
    vals = [_value_and_se(e, z) for e in items]
    return DPIReport(_dpi_rows(vals, names, z, atol), len(items), level)


def _dpi_rows(vals: list[tuple[float, float | None]], names: list[str], z: float,
              atol: float) -> list[dict[str, Any]]:
    rows = []
    best = 0
    for l in range(1, len(vals)):
        v, se = vals[l]
        vk, sek = vals[best]
        if v > vk + atol:
            unc = None if se is None or sek is None else math.hypot(se, sek)
            ratio = None if not unc else (v - vk) / unc
            rows.append({"layer": names[l], "earlier": names[best], "increase": v - vk,
                         "uncertainty": unc, "ratio": ratio,
                         "beyond_uncertainty": None if ratio is None else ratio > z})
        if v < vk:
            best = l
    return rows


# --------------------------------------------------------------------------- linear Gaussian


@dataclass
class LinearGaussianFlow:
    """Exact information flow through ``T_l = W_l T_{l-1} + N(0, s_l^2 I)``.

    Attributes
    ----------
    information : list of float
        I(X;T_l) for l = 1..L (non-increasing, by the DPI).
    rate_budget : list of float
        ``R_l = d_l/2 log(1 + P_l / (d_l s_l^2))``: the capacity of ``d_l`` parallel
        Gaussian channels with noise ``s_l^2`` under total input power ``P_l``; I(X;T_l) <=
        min over k <= l of R_k.
    signal_power : list of float
        ``P_l`` used for the budget (given, or ``tr(W_l Cov(T_{l-1}) W_l^T)``).
    bottleneck : int
        Index (0-based) of the layer with the smallest rate budget.
    maps : list of ndarray
        ``M_l = W_l ... W_1`` (T_l = M_l X + noise).
    noise_covs : list of ndarray
        Cov(T_l | X) = ``W_l Cov(T_{l-1}|X) W_l^T + s_l^2 I``.
    unit : str
    """

    information: list[float]
    rate_budget: list[float]
    signal_power: list[float]
    bottleneck: int
    maps: list[np.ndarray] = field(repr=False)
    noise_covs: list[np.ndarray] = field(repr=False)
    unit: str = "nats"


def linear_gaussian_flow(
    weights: Sequence[Any],
    noise_vars: Sequence[float],
    input_cov: Any,
    *,
    power: float | Sequence[float] | None = None,
    base: Any = "e",
) -> LinearGaussianFlow:
    """Exact I(X;T_l) for a deep linear network with Gaussian noise at every layer.

    ``X ~ N(0, input_cov)``, ``T_0 = X`` and ``T_l = W_l T_{l-1} + Z_l`` with
    ``Z_l ~ N(0, s_l^2 I)`` independent.  Then ``T_l = M_l X + (propagated noise)`` is
    jointly Gaussian with X and

        I(X;T_l) = 1/2 log det Cov(T_l) - 1/2 log det Cov(T_l | X),
        Cov(T_l) = W_l Cov(T_{l-1}) W_l^T + s_l^2 I,
        Cov(T_l | X) = W_l Cov(T_{l-1} | X) W_l^T + s_l^2 I,  Cov(T_0 | X) = 0,

    which for one layer is ``1/2 log det(I + W Sigma W^T / s^2)``.  Noise injected early is
    carried (and amplified or attenuated) by all later layers.

    Parameters
    ----------
    weights : sequence of arrays, shapes (d_l, d_{l-1})
    noise_vars : sequence of float
        ``s_l^2 > 0``, one per layer.
    input_cov : array (d_0, d_0)
    power : float or sequence, optional
        Total power allowed at each layer's input for the rate budget; default the actual
        signal power ``tr(W_l Cov(T_{l-1}) W_l^T)``.
    base : {"e", 2, 10}

    Returns
    -------
    LinearGaussianFlow

    References
    ----------
    T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., 2006, ch. 9
    (parallel Gaussian channels, eq. 9.71); N. Tishby and N. Zaslavsky, "Deep learning and
    the information bottleneck principle", ITW 2015.

    Examples
    --------
    >>> flow = linear_gaussian_flow([np.eye(1)], [1.0], np.eye(1), base=2)
    >>> round(flow.information[0], 6)  # 1/2 log2(1 + 1)
    0.5
    """
    from ..exact import gaussian as xg

    lb = check_base(base)
    sx = check_covariance(input_cov, "input_cov")
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    if not ws:
        raise ValueError("weights is empty; pass one matrix per layer.")
    nv = [float(v) for v in noise_vars]
    if len(nv) != len(ws):
        raise ValueError(f"noise_vars has {len(nv)} entries for {len(ws)} layers.")
    if any(not (v > 0 and math.isfinite(v)) for v in nv):
        raise ValueError(f"noise_vars must be finite and > 0; got {nv}.")
    if power is None:
        pw = None
    elif isinstance(power, numbers.Real):
        pw = [float(power)] * len(ws)
    else:
        pw = [float(p) for p in power]
        if len(pw) != len(ws):
            raise ValueError(f"power has {len(pw)} entries for {len(ws)} layers.")
    d_prev = sx.shape[0]
    cov, ncov, m = sx, np.zeros_like(sx), np.eye(d_prev)
    info, budget, powers, maps, ncovs = [], [], [], [], []
    for i, (w, s2) in enumerate(zip(ws, nv, strict=True)):
        if w.ndim != 2 or w.shape[1] != d_prev or not np.isfinite(w).all():
            raise ValueError(
                f"weights[{i}] has shape {w.shape}; expected a finite (d_l, {d_prev}) matrix."
            )
        d = w.shape[0]
        sig = w @ cov @ w.T
        p = float(np.trace(sig)) if pw is None else pw[i]
        cov = sig + s2 * np.eye(d)
        ncov = w @ ncov @ w.T + s2 * np.eye(d)
        m = w @ m
        # joint covariance of (X, T_l): cross-covariance Cov(X, T_l) = Sigma_X M_l^T
        joint = np.block([[sx, sx @ m.T], [m @ sx, cov]])
        joint = (joint + joint.T) / 2
        d0 = sx.shape[0]
        info.append(xg.mutual_information(joint, list(range(d0)), list(range(d0, d0 + d)))
                    / lb)
        budget.append(0.5 * d * math.log1p(p / (d * s2)) / lb)
        powers.append(p)
        maps.append(m.copy())
        ncovs.append(ncov.copy())
        d_prev = d
    return LinearGaussianFlow(info, budget, powers, int(np.argmin(budget)), maps, ncovs,
                              unit_name(base))


# --------------------------------------------------------------------------- weights


@dataclass
class WeightEntropy:
    """Per-tensor weight statistics and the model's description length.

    Attributes
    ----------
    layers : list of dict
        ``name``, ``n_weights``, ``histogram_entropy`` (entropy of the bin occupancy with
        ``bins`` equal bins over the tensor's own range), ``bits_per_weight`` (entropy of
        ``round(w / precision)``) and ``description_length`` (``n_weights *
        bits_per_weight``), all in bits.
    total_bits : float
        Sum of the description lengths: the length of an ideal entropy code of the
        quantised weights, each tensor with its own code (code tables not counted).
    bins : int
    precision : float
    """

    layers: list[dict[str, Any]]
    total_bits: float
    bins: int
    precision: float

    @property
    def n_weights(self) -> int:
        return int(sum(r["n_weights"] for r in self.layers))

    @property
    def bits_per_weight(self) -> float:
        """Average over all counted weights."""
        return self.total_bits / self.n_weights


def _entropy_bits(codes: np.ndarray) -> float:
    return plugin_entropy(np.unique(codes, return_counts=True)[1]) / math.log(2)


def weight_entropy(
    model: nn.Module,
    *,
    bins: int = 64,
    precision: float = 1e-3,
    include_bias: bool = False,
) -> WeightEntropy:
    """Histogram entropy, bits per weight and description length of a model's weights.

    For each parameter tensor ``w`` (weights only unless ``include_bias``):

    * histogram entropy ``H = -sum_b p_b log2 p_b`` of the fraction ``p_b`` of weights in
      each of ``bins`` equal bins spanning ``[min w, max w]`` (a plug-in entropy of the
      discretised weights; bins are stated, the value depends on them);
    * bits per weight after uniform quantisation with step ``precision``: the entropy of
      ``round(w / precision)``; for a smooth weight density ``f`` and small step this is
      ``h(f) - log2(precision)`` (Cover & Thomas thm 8.3.1);
    * description length ``n_weights * bits_per_weight``: the length of an ideal entropy
      code of the quantised tensor.

    A peaked (structured) weight distribution has low entropy and a short description;
    a broad one a long description.

    Parameters
    ----------
    model : torch.nn.Module
    bins : int, default 64
        Equal-width bins (the ``"uniform"`` rule of :mod:`infolens.estimate.binning`)
        over each tensor's range; more than the library's default
        :data:`~infolens.estimate.binning.DEFAULT_BINS` (10) because a weight tensor holds
        thousands to millions of values (plug-in bias ``(bins - 1) / (2n)`` nats is then
        negligible) and a finer histogram shows its shape.
    precision : float, default 1e-3
    include_bias : bool, default False
        Count 1-D parameters (biases, norm scales) as well.

    Returns
    -------
    WeightEntropy

    References
    ----------
    T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., 2006, §8.3.
    G. E. Hinton and D. van Camp, "Keeping neural networks simple by minimizing the
    description length of the weights", COLT 1993.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    bins = check_positive_int(bins, "bins")
    if isinstance(precision, bool) or not isinstance(precision, numbers.Real) \
            or not (precision > 0 and math.isfinite(precision)):
        raise ValueError(f"precision={precision!r} must be a positive number.")
    rows = []
    for name, p in model.named_parameters():
        if p.ndim < 2 and not include_bias:
            continue
        w = p.detach().cpu().double().numpy().reshape(-1)
        if not np.isfinite(w).all():
            raise ValueError(f"parameter {name!r} holds NaN or infinity.")
        h_hist = _entropy_bits(_uniform_codes(w, bins))
        bpw = _entropy_bits(np.rint(w / precision).astype(np.int64))
        rows.append({"name": name, "n_weights": int(w.size), "histogram_entropy": h_hist,
                     "bits_per_weight": bpw, "description_length": bpw * w.size})
    if not rows:
        raise ValueError("the model has no weight matrices; pass include_bias=True to count "
                         "1-D parameters.")
    total = float(sum(r["description_length"] for r in rows))
    return WeightEntropy(rows, total, bins, float(precision))


# --------------------------------------------------------------------------- dropout


@dataclass
class DropoutChannel:
    """I(T;Y) measured through ``nn.Dropout`` and the erasure-channel prediction.

    Attributes
    ----------
    measured : Estimate
        Plug-in I(T;Y) on the simulated samples.
    expected : float
        ``(1 - p**n_copies) * H(Y)``.
    h_y : float
        H(Y) of the label distribution.
    """

    measured: Estimate
    expected: float
    h_y: float
    p: float
    n_copies: int


def dropout_information(
    p: float,
    *,
    n_copies: int = 1,
    prior: float = 0.5,
    n_samples: int = 200_000,
    scale: bool = True,
    random_state: int = 0,
    base: Any = "e",
) -> DropoutChannel:
    """I(T;Y) for units that encode a binary label and pass through ``nn.Dropout(p)``.

    ``Y ~ Bernoulli(prior)``; each of ``n_copies`` units carries ``+1`` for ``Y = 1`` and
    ``-1`` for ``Y = 0``; a real ``torch.nn.Dropout(p)`` in training mode zeroes each unit
    independently with probability ``p`` (and scales survivors by ``1/(1-p)``; with
    ``scale=False`` the scaling is undone).  A zero is an erasure, so the units form a
    binary erasure channel that erases Y only when all copies are dropped:

        I(T;Y) = (1 - p**n) H(Y).

    Scaling the survivors is a bijection on the output values, so it cannot change I.

    Parameters
    ----------
    p : float in [0, 1]
    n_copies : int, default 1
    prior : float in (0, 1), default 0.5
    n_samples : int, default 200000
    scale : bool, default True
        Keep torch's inverted-dropout scaling (``False`` multiplies by ``1 - p``).
    random_state : int
        Seeds the labels and the dropout masks (torch's global RNG state is restored).
    base : {"e", 2, 10}, default "e"
        Nats by default, as everywhere in infolens (the default was 2, bits, before the
        units were made the same everywhere; pass ``base=2`` for bits).

    Returns
    -------
    DropoutChannel

    References
    ----------
    N. Srivastava et al., "Dropout: a simple way to prevent neural networks from
    overfitting", JMLR 15, 2014.  Cover & Thomas 2006, §7.1.5 (binary erasure channel).
    """
    p = check_probability(p, "p")
    prior = check_probability(prior, "prior", open_low=True, open_high=True)
    n_copies = check_positive_int(n_copies, "n_copies")
    n_samples = check_positive_int(n_samples, "n_samples", minimum=2)
    lb = check_base(base)
    rng = check_random_state(random_state)
    y = (rng.random(n_samples) < prior).astype(np.int64)
    t = torch.from_numpy(np.repeat(2.0 * y[:, None] - 1.0, n_copies, axis=1))
    drop = nn.Dropout(p).train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(rng.integers(2**62)))
        with torch.no_grad():
            out = drop(t)
    if not scale:
        out = out * (1.0 - p)
    mi = plugin_mi(row_codes(out.numpy()), y)
    h_y = -(prior * math.log(prior) + (1 - prior) * math.log(1 - prior))
    measured = Estimate(mi / lb, unit=unit_name(base), method="plugin", n=n_samples,
                        params={"p": p, "n_copies": n_copies, "scale": scale},
                        quantity="I(T;Y)")
    return DropoutChannel(measured, (1 - p**n_copies) * h_y / lb, h_y / lb, p, n_copies)


# --------------------------------------------------------------------------- batch norm


@dataclass
class BatchNormReport:
    """I(T;Y) before and after an eval-mode batch-norm layer.

    Attributes
    ----------
    before, after : Estimate
        Plug-in I(B(T);Y) with per-unit quantile bins and a bootstrap interval.
    effective_scale : ndarray
        ``gamma / sqrt(running_var + eps)`` per channel: the slope of the channel's map.
    erased : list of int
        Channels whose ``|effective_scale|`` is below ``erase_tol``: their output is the
        constant ``beta`` (up to float precision), an erasure of what they carried.
    """

    before: Estimate
    after: Estimate
    effective_scale: np.ndarray
    erased: list[int]

    @property
    def unchanged(self) -> bool:
        """True when ``after`` lies inside ``before``'s interval."""
        lo, hi = self.before.ci
        return lo <= float(self.after) <= hi


def batchnorm_information(
    bn: nn.Module,
    t: Any,
    y: Any,
    *,
    bins: int = 6,
    n_boot: int = 200,
    level: float = 0.95,
    erase_tol: float = 1e-6,
    random_state: Any = 0,
    base: Any = "e",
) -> BatchNormReport:
    """Estimate I(T;Y) before and after an eval-mode batch norm, and list erased channels.

    In eval mode batch norm is the per-channel affine map ``t -> a_c t + b_c`` with
    ``a_c = gamma_c / sqrt(running_var_c + eps)``: invertible when every ``a_c != 0``, so
    I(T;Y) is unchanged (information is invariant under invertible maps).  A channel with
    ``a_c = 0`` outputs a constant: its information is erased.  The estimator is the
    plug-in I on per-unit quantile bins (invariant under increasing per-unit maps), with a
    percentile bootstrap interval at ``level``.

    Parameters
    ----------
    bn : nn.BatchNorm1d (or any module mapping (N, C) to (N, C))
    t : array (N, C)
        Inputs to the batch-norm layer.
    y : array (N,)
        Discrete labels.
    bins, n_boot, level, random_state :
        Bins per channel (the ``"quantile"`` rule of :mod:`infolens.estimate.binning`,
        6 by default rather than the library's 10: the joint symbol of all channels must
        recur across samples for a plug-in MI, and quantile bins keep each channel's
        marginal uniform) and bootstrap settings.
    erase_tol : float
        Channels with ``|a_c| < erase_tol`` are reported as erasures.
    base : {"e", 2, 10}, default "e"
        Nats by default, as everywhere in infolens (the default was 2, bits, before the
        units were made the same everywhere; pass ``base=2`` for bits).

    Returns
    -------
    BatchNormReport

    References
    ----------
    S. Ioffe and C. Szegedy, "Batch normalization", ICML 2015; Cover & Thomas 2006, §2.8.
    """
    from .plane import QuantileBinning

    tt = check_samples(t, "t", kind="continuous")
    ya = check_samples(y, "y", kind="discrete")
    check_consistent_length(t=tt, y=ya)
    lb = check_base(base)
    level = check_probability(level, "level", open_low=True, open_high=True)
    n_boot = check_positive_int(n_boot, "n_boot", minimum=2)
    mode = bn.training
    try:
        bn.eval()
        with torch.no_grad():
            out = bn(torch.as_tensor(tt, dtype=torch.float32)).double().numpy()
    finally:
        bn.train(mode)
    if out.shape != tt.shape:
        raise ValueError(f"bn mapped shape {tt.shape} to {out.shape}; expected the same shape.")
    scale = np.ones(tt.shape[1])
    if getattr(bn, "running_var", None) is not None:
        gamma = bn.weight.detach().double().numpy() if bn.weight is not None else 1.0
        scale = gamma / np.sqrt(bn.running_var.detach().double().numpy() + bn.eps)
    erased = [int(c) for c in np.flatnonzero(np.abs(scale) < erase_tol)]
    yc = ya[:, 0] if ya.shape[1] == 1 else np.unique(ya, axis=0, return_inverse=True)[1]
    res = []
    for arr in (tt, out):
        est = QuantileBinning(bins, n_boot=n_boot, ci_level=level, random_state=random_state)
        est.prepare(np.arange(len(arr))[:, None], np.asarray(yc).reshape(-1))
        _, ity = est.estimate(arr, layer="bn")
        res.append(Estimate(float(ity) / lb, unit=unit_name(base), method=est.name, n=ity.n,
                            ci=tuple(c / lb for c in ity.ci), ci_level=level,
                            params=ity.params, quantity="I(B(T);Y)"))
    return BatchNormReport(res[0], res[1], scale, erased)


# --------------------------------------------------------------------------- sufficiency


def sufficiency_gap(
    x: Any,
    t: Any,
    y: Any,
    *,
    method: str = "gaussian",
    n_boot: int = 200,
    level: float = 0.95,
    random_state: Any = 0,
    base: Any = "e",
    **options: Any,
) -> Estimate:
    """Estimate the sufficiency gap I(X;Y) - I(T;Y) of a representation T = f(X).

    By the data processing inequality the gap is >= 0, with equality iff T is a
    sufficient statistic of X for Y.  Both terms use the same estimator
    (:func:`infolens.mutual_information` with ``method``); the interval is ``gap ± z·se``
    with ``se`` from half-sampling (subsamples of n/2 rows without replacement, the same
    rows for both terms so their correlation is kept).
    In the linear-Gaussian model ``Y = u^T X + eps`` the projection ``u^T X`` has gap 0.

    Parameters
    ----------
    x : array (n, d_x)
    t : array (n, d_t)
    y : array (n,) or (n, d_y)
    method : str, default "gaussian"
        Any registered MI estimator (``"ksg1"``, ``"gcmi"``, ``"plugin"``...).
    n_boot : int, default 200
    level : float, default 0.95
    random_state : int or Generator
    base : {"e", 2, 10}
    **options
        Passed to the estimator.

    Returns
    -------
    Estimate
        The gap with ``ci`` and ``stderr``; ``params`` holds ``i_xy`` and ``i_ty``.  It can
        be slightly negative on finite samples (estimation error); it is not clipped.

    References
    ----------
    T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., 2006, §2.9
    (sufficient statistics).
    """
    from ..estimate.api import mutual_information

    xa = check_samples(x, "x")
    ta = check_samples(t, "t")
    ya = check_samples(y, "y")
    n = check_consistent_length(x=xa, t=ta, y=ya)
    n_boot = check_positive_int(n_boot, "n_boot", minimum=2)
    level = check_probability(level, "level", open_low=True, open_high=True)
    rng = check_random_state(random_state)

    def gap(idx):
        ixy = mutual_information(xa[idx], ya[idx], method=method, base=base, **options)
        ity = mutual_information(ta[idx], ya[idx], method=method, base=base, **options)
        return float(ixy), float(ity), ixy.unit

    full = np.arange(n)
    ixy, ity, unit = gap(full)
    if n < 8:
        raise ValueError(f"sufficiency_gap needs at least 8 samples for its interval; got n={n}.")
    # Half-sampling (delete-n/2 jackknife, Shao & Wu 1989): subsamples of n/2 rows drawn
    # without replacement, so no row is duplicated (duplicates bias k-NN estimators, and a
    # with-replacement bootstrap then gives intervals that can exclude the estimate).
    # With d = n/2 the jackknife variance is the variance of the subsample estimates.
    m = n // 2
    reps = np.array([np.subtract(*gap(rng.choice(n, m, replace=False))[:2]) for _ in range(n_boot)])
    se = float(reps.std(ddof=1))
    z = float(ndtri(0.5 + level / 2))
    value = ixy - ity
    ci = (value - z * se, value + z * se)
    return Estimate(value, unit=unit, method=method, n=n, ci=ci, ci_level=level, stderr=se,
                    params={"i_xy": ixy, "i_ty": ity, "n_boot": n_boot,
                            "interval": "half-sampling (delete-n/2 jackknife)"} | options,
                    quantity="I(X;Y)-I(T;Y)")
