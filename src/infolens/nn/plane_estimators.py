"""Layer estimators of the information plane: what I(X;T_l) and I(T_l;Y) are measured as.

What is being measured
----------------------
For a deterministic network and continuous input X, the layer T = f(X) is a deterministic
function of X, so I(X;T) is infinite (when f is injective on a continuous input) or a
constant fixed by the architecture; it carries no information about learning.  Every
finite number reported here is therefore the mutual information of a *modified* layer,
and each estimator says which:

* **binning** (:class:`RangeBinning`, :class:`WidthBinning`, :class:`QuantileBinning`):
  the layer is quantised, ``B(T)``, and the plug-in values of I(X;B(T)) and I(B(T);Y) on
  the given samples are reported.  When the rows of ``x`` are the whole population of a
  discrete, uniform X (the 12-bit task: all 4096 patterns), these plug-in values are the
  *exact* mutual informations of the binned layer.  Each value is at most ln N for N
  samples; a warning is raised when the estimate saturates there.  Values outside a stated
  range are put into the edge bins only with a :class:`BinRangeWarning` (or rejected with
  ``outside="raise"``): that clipping is what produced the apparent "compression" of ReLU
  networks in the original study (Saxe et al. 2018).
* **kde** (:class:`KDEBounds`): I(X; T+Z) with independent noise Z ~ N(0, sigma^2 I)
  added to the layer, bracketed by the Kolchinsky–Tracey pairwise-distance bounds
  (:mod:`infolens.estimate.kde`).
* **noisy** (:class:`NoisyNetwork`): the network itself is made stochastic by adding
  N(0, sigma^2 I) after every chosen layer, and I(X;T_l) of that noisy network is estimated
  by sample propagation with Gaussian-mixture entropies (Goldfeld et al. 2019).
* **sample estimators** (:class:`SampleEstimator`): k-NN (KSG) or Gaussian-copula
  estimates through :func:`infolens.mutual_information`, for low-dimensional layers.  With
  a deterministic layer and continuous X their I(X;T) is an estimate of an infinite
  quantity and reflects the estimator's resolution (k, N), not the network.

Each estimator is a :class:`LayerEstimator` whose class states its ``name``
(``"binning_range"``, ``"binning_width"``, ``"binning_quantile"``, ``"kde"``,
``"noisy_network"``); :func:`make_layer_estimator` builds one by name, or wraps a
registered sample estimator in :class:`SampleEstimator`.  The recorder that runs them
during training is :class:`infolens.nn.plane.InformationPlane`.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings
from typing import Any

import numpy as np
import torch
from torch import nn

from .._validate import (
    check_positive_int,
    check_probability,
    check_random_state,
)
from ..estimate._counting import plugin_mi, row_codes
from ..estimate._intervals import normal_interval, row_replicates
from ..estimate.binning import DEFAULT_BINS, _quantile_codes, _range_codes, _width_codes
from ..result import Estimate
from .activations import _default_device

__all__ = [
    "LayerEstimator",
    "RangeBinning",
    "WidthBinning",
    "QuantileBinning",
    "KDEBounds",
    "NoisyNetwork",
    "SampleEstimator",
    "BinRangeWarning",
    "SaturationWarning",
    "make_layer_estimator",
]


class BinRangeWarning(UserWarning):
    """Activations fell outside the stated bin range and were put into the edge bins."""


class SaturationWarning(UserWarning):
    """A binned estimate reached ln N: every sample sits in its own bin."""



# --------------------------------------------------------------------------- codes


def _bootstrap_ci(a, b, n_boot, level, rng) -> tuple[float, float] | None:
    if n_boot <= 0:
        return None
    vals = row_replicates(lambda ra, rb: plugin_mi(row_codes(ra), row_codes(rb)), (a, b),
                          n_boot, rng)
    # normal interval est +- z * sd(bootstrap): it reflects the sampling variability of the
    # plug-in value.  Percentile intervals are not used: a resample duplicates rows, which
    # biases plug-in MI upwards, and can leave the estimate outside its own interval.  The
    # plug-in bias itself (~ (K_a - 1)(K_b - 1) / 2N nats) is not in this interval.
    lo, hi = normal_interval(plugin_mi(a, b), float(vals.std(ddof=1)), level)
    return max(lo, 0.0), hi  # I >= 0: a negative lower end means 0


# --------------------------------------------------------------------------- estimators


_BY_NAME: dict[str, type] = {}


class LayerEstimator:
    """Base class: turns one layer's activations into (I(X;T), I(T;Y)) estimates.

    Subclasses set ``name`` and ``quantities`` (what exactly the two numbers are) and
    implement :meth:`estimate`.  :meth:`prepare` is called once with the inputs and
    labels before the first estimate.
    """

    name = "layer_estimator"
    quantities: tuple[str, str] = ("I(X;T)", "I(T;Y)")
    needs_model = False

    def __init_subclass__(cls, **kw: Any) -> None:
        # a class of this module that states its own ``name`` can be built by name:
        # declared where the class is defined, not in a table beside it (old names are in
        # the one table of renamed names, infolens.estimate._records.ALIASES)
        super().__init_subclass__(**kw)
        if "name" in cls.__dict__ and cls.__module__ == __name__:
            _BY_NAME[cls.name] = cls

    def prepare(self, x: np.ndarray, y: np.ndarray) -> None:
        """Store what is reused at every epoch (codes of X and Y)."""
        self._x_codes = row_codes(_discrete_view(x))
        self._y_codes = row_codes(y)
        self._n = len(y)

    def params(self) -> dict[str, Any]:
        """Parameters, for the record."""
        return {}

    def estimate(self, t: np.ndarray, *, layer: str = "") -> tuple[Estimate, Estimate]:
        """Return ``(I(X;T), I(T;Y))`` in nats as :class:`~infolens.result.Estimate`."""
        raise NotImplementedError


def _discrete_view(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` as integer rows (exact bit patterns of floats) for equality coding."""
    x = np.ascontiguousarray(x)
    if x.dtype.kind in "biu":
        return x.astype(np.int64)
    if x.dtype.kind == "f":
        return x.astype(np.float64).view(np.int64)
    return np.unique(x, axis=0, return_inverse=True)[1].reshape(-1, 1)


def _caller_level() -> int:
    """``stacklevel`` pointing at the first frame outside infolens (the user's call)."""
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame = sys._getframe(2)  # the caller of the function that calls warnings.warn
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(pkg):
        frame = frame.f_back
        level += 1
    return level


def _check_finite_layer(t: np.ndarray, layer: str) -> None:
    """Refuse activations holding inf or NaN (an overflowed layer), naming the layer."""
    bad = ~np.isfinite(t)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        raise ValueError(
            f"layer {layer!r}: {int(bad.sum())} activation values are inf or NaN (first in "
            f"sample {int(rows[0])}); the layer overflowed, so no information value can be "
            "computed from it. Check the network's scale (inputs, weights, dtype)."
        )


class _Binning(LayerEstimator):
    quantities = ("I(X;B(T))", "I(B(T);Y)")

    def __init__(self, *, n_boot: int = 0, ci_level: float = 0.95, random_state: Any = 0):
        self.n_boot = check_positive_int(n_boot, "n_boot", minimum=0)
        self.ci_level = check_probability(ci_level, "ci_level", open_low=True, open_high=True)
        self.random_state = random_state
        self._warned: set[tuple[str, str]] = set()

    def _bin(self, t: np.ndarray, layer: str) -> np.ndarray:
        raise NotImplementedError

    def _warn_once(self, key: tuple[str, str], msg: str, cat: type[Warning]) -> None:
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(msg, cat, stacklevel=_caller_level())

    def estimate(self, t: np.ndarray, *, layer: str = "") -> tuple[Estimate, Estimate]:
        _check_finite_layer(t, layer)
        codes = row_codes(self._bin(t, layer))
        n = len(codes)
        ixt = plugin_mi(self._x_codes, codes)
        ity = plugin_mi(codes, self._y_codes)
        n_bins_used = int(codes.max()) + 1
        if n_bins_used == n:
            self._warn_once(
                (layer, "sat"),
                f"layer {layer!r}: every one of the N={n} samples has its own bin, so the binned "
                f"I(X;T) = log N ({math.log2(n):.4g} bits) is saturated and cannot show any "
                "change. With X the whole uniform population this is the true I(X;B(T)); "
                "otherwise it measures N, not the network. Use coarser bins or more samples.",
                SaturationWarning,
            )
        rng = check_random_state(self.random_state)
        params = self.params() | {"occupied_bins": n_bins_used}
        if getattr(self, "_last_outside", None) is not None:
            params["outside_fraction"] = self._last_outside  # share of values clipped
        ci_x = _bootstrap_ci(self._x_codes, codes, self.n_boot, self.ci_level, rng)
        ci_y = _bootstrap_ci(codes, self._y_codes, self.n_boot, self.ci_level, rng)
        lvl = self.ci_level if self.n_boot else None
        return (
            Estimate(ixt, method=self.name, n=n, ci=ci_x, ci_level=lvl, params=params,
                     quantity=self.quantities[0]),
            Estimate(ity, method=self.name, n=n, ci=ci_y, ci_level=lvl, params=params,
                     quantity=self.quantities[1]),
        )


class RangeBinning(_Binning):
    """Fixed number of equal bins on a stated range, per unit (Shwartz-Ziv & Tishby 2017).

    The ``"uniform"`` rule of :mod:`infolens.estimate.binning` over a stated range: each
    unit's value ``t`` goes to bin ``floor((t - lo) / (hi - lo) * bins)`` (the top edge
    belongs to the last bin); a layer's symbol is the tuple of its units' bins.

    Parameters
    ----------
    bins : int, default 30
        30, not the library's default of :data:`~infolens.estimate.binning.DEFAULT_BINS`
        (10): the information-plane studies binned tanh units into 30 bins on [-1, 1], and
        the default reproduces their figures.
    range : (float, float), default (-1, 1)
        The stated range (tanh units live in [-1, 1]).
    outside : {"clip", "raise"}, default "clip"
        What to do with values outside ``range``: put them into the edge bins *with a
        BinRangeWarning* giving the fraction affected (the original study's behaviour,
        which manufactures "compression" for unbounded units), or raise ``ValueError``.
        The warning is given once per layer; every record carries the fraction of values
        clipped at that epoch in ``params["outside_fraction"]``.
    n_boot : int, default 0
        Bootstrap resamples for a percentile interval (0: no interval).

    Computes
    --------
    Plug-in I(X;B(T)) and I(B(T);Y) in nats; exact for the binned layer when X is the whole
    uniform population.

    References
    ----------
    R. Shwartz-Ziv and N. Tishby, "Opening the black box of deep neural networks via
    information", arXiv:1703.00810, 2017.
    A. M. Saxe et al., "On the information bottleneck theory of deep learning", ICLR 2018.
    """

    name = "binning_range"

    def __init__(self, bins: int = 30, range: tuple[float, float] = (-1.0, 1.0), *,  # noqa: A002
                 outside: str = "clip", **kw: Any) -> None:
        super().__init__(**kw)
        self.bins = check_positive_int(bins, "bins")
        lo, hi = (float(v) for v in range)
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            raise ValueError(f"range={range!r} must be two finite numbers lo < hi.")
        self.range = (lo, hi)
        if outside not in ("clip", "raise"):
            raise ValueError(f"outside={outside!r}: use 'clip' (with a warning) or 'raise'.")
        self.outside = outside

    def params(self) -> dict[str, Any]:
        return {"rule": "uniform", "bins": self.bins, "range": list(self.range),
                "outside": self.outside}

    def _bin(self, t: np.ndarray, layer: str) -> np.ndarray:
        lo, hi = self.range
        out = (t < lo) | (t > hi)
        self._last_outside = float(out.mean())
        if out.any():
            frac = self._last_outside
            msg = (
                f"layer {layer!r}: {frac:.2%} of activation values lie outside the stated bin "
                f"range [{lo:g}, {hi:g}] (min {t.min():.3g}, max {t.max():.3g})"
            )
            if self.outside == "raise":
                raise ValueError(msg + "; widen range= or use WidthBinning.")
            self._warn_once(
                (layer, "range"),
                msg + " and are put into the edge bins (clipped). Clipping merges distinct "
                "large activations and can create a spurious fall of I(X;T) (the ReLU "
                "'compression' artefact); use WidthBinning or a range that covers the "
                "activations.",
                BinRangeWarning,
            )
        return _range_codes(t, self.bins, lo, hi)  # top edge and (warned) outliers: edge bins


class WidthBinning(_Binning):
    """Fixed-width bins without bounds: unit value ``t`` goes to bin ``floor(t / width)``.

    The ``"width"`` rule of :mod:`infolens.estimate.binning`, anchored at 0.

    Nothing is clipped: large activations get their own bins.  Suited to unbounded units
    (ReLU).  Computes plug-in I(X;B(T)) and I(B(T);Y) in nats.  Bin indices are computed
    in float64 and coded exactly however large they are (activations of 1e37 included);
    a ``t / width`` beyond the float64 range raises ``ValueError``.

    References
    ----------
    A. M. Saxe et al., "On the information bottleneck theory of deep learning", ICLR 2018.
    """

    name = "binning_width"

    def __init__(self, width: float = 0.1, **kw: Any) -> None:
        super().__init__(**kw)
        if isinstance(width, bool) or not isinstance(width, numbers.Real) or not width > 0:
            raise ValueError(f"width={width!r} must be a positive number.")
        self.width = float(width)

    def params(self) -> dict[str, Any]:
        return {"rule": "width", "width": self.width}

    def _bin(self, t: np.ndarray, layer: str) -> np.ndarray:
        return _width_codes(t, self.width, f"layer {layer!r}: activations")


class QuantileBinning(_Binning):
    """Per-unit quantile bins: each unit's values are split at its own empirical quantiles.

    The ``"quantile"`` rule of :mod:`infolens.estimate.binning`, with its default count of
    :data:`~infolens.estimate.binning.DEFAULT_BINS` (10) bins per unit.

    Equal values always share a bin, so a unit with few distinct values uses fewer bins.
    The edges are recomputed at every call (adaptive binning), so the estimate is invariant
    under strictly increasing per-unit maps.  Computes plug-in I(X;B(T)) and I(B(T);Y) in nats.

    References
    ----------
    A. P. Chelombiev, C. Houghton and C. O'Donnell, "Adaptive estimators show information
    compression in deep neural networks", ICLR 2019.
    """

    name = "binning_quantile"

    def __init__(self, bins: int = DEFAULT_BINS, **kw: Any) -> None:
        super().__init__(**kw)
        self.bins = check_positive_int(bins, "bins", minimum=2)

    def params(self) -> dict[str, Any]:
        return {"rule": "quantile", "bins": self.bins}

    def _bin(self, t: np.ndarray, layer: str) -> np.ndarray:
        return _quantile_codes(t, self.bins)


#: Largest round-off error (nats, as estimated by :func:`_centered_for_kde`) accepted in
#: the pairwise-distance bounds.
_KDE_ROUNDOFF_NATS = 1e-3


def _centered_for_kde(t: np.ndarray, noise_var: float, layer: str) -> np.ndarray:
    """The layer in float64, centred (distances unchanged), or an error about its scale.

    The pairwise bounds compute ``||a - b||^2`` as ``||a||^2 + ||b||^2 - 2 a.b``, whose
    round-off grows like ``eps (sqrt(d) + 2) R^2`` with ``R`` the largest row norm; each
    kernel ``exp(-||a - b||^2 / (2 noise_var))`` is then off by a relative
    ``eps (sqrt(d) + 2) R^2 / noise_var``, and so is the estimate, in nats.  Centring
    the columns (exact for distances) makes ``R`` the spread of the activations instead
    of their offset; when the error would still exceed ``_KDE_ROUNDOFF_NATS`` (activations
    of 1e37 with ``noise_var=0.1``, which made the bounds NaN) a ``ValueError`` asks for a
    noise variance in proportion to the activation scale.  The estimate is pessimistic by
    about 100x: against distances computed by differences (``scipy.spatial.distance.cdist``;
    d = 8, n = 256, noise_var = 0.1, spreads 1e4 to 1e7) it estimated 3.4e-6, 2.5e-4,
    0.037, 2.8 nats where the errors were 2.8e-8, 3.4e-6, 4.1e-4, 0.042.
    """
    tt = np.asarray(t, dtype=np.float64)
    mid = tt.max(axis=0) / 2 + tt.min(axis=0) / 2  # halves first: no overflow
    c = tt - mid
    s = float(np.abs(c).max(initial=0.0))
    if s == 0.0:
        return c
    d = c.shape[1]
    k = np.finfo(np.float64).eps * (math.sqrt(d) + 2.0)
    # R^2 / noise_var in logs, so that no intermediate overflows
    log_r2 = 2.0 * math.log(s) + math.log(float(np.max(np.sum((c / s) ** 2, axis=1))))
    log_err = math.log(k) + log_r2 - math.log(noise_var)
    if log_err > math.log(_KDE_ROUNDOFF_NATS):
        need = math.exp(math.log(k) + log_r2 - math.log(_KDE_ROUNDOFF_NATS))
        raise ValueError(
            f"layer {layer!r}: activations spread up to {math.exp(log_r2 / 2):.3g} (largest "
            f"centred row norm) but noise_var={noise_var:g}; at that ratio the pairwise "
            f"distances cannot be resolved in float64 (round-off up to ~{math.exp(log_err):.3g} "
            f"nats). Give noise_var in proportion to the activation scale (>= {need:.3g} "
            "here) or rescale the layer."
        )
    return c


class KDEBounds(LayerEstimator):
    """Kolchinsky–Tracey pairwise-distance bounds for the layer plus Gaussian noise.

    Computes I(X; T+Z) and I(T+Z; Y) with Z ~ N(0, noise_var I), reported as the upper
    bound (Saxe et al.'s "KDE" estimator); the lower bound is in ``params``.  The noise
    variance sets the resolution and must be stated relative to the activation scale: a
    ``ValueError`` names the smallest usable ``noise_var`` when activations are so large
    that float64 round-off in the pairwise distances could exceed 1e-3 nats.

    References
    ----------
    A. Kolchinsky and B. D. Tracey, "Estimating mixture entropy with pairwise distances",
    Entropy 19(7):361, 2017.  A. M. Saxe et al., ICLR 2018.
    """

    name = "kde"
    quantities = ("I(X;T+Z)", "I(T+Z;Y)")

    def __init__(self, noise_var: float = 0.1, *, block: int = 1024) -> None:
        if isinstance(noise_var, bool) or not isinstance(noise_var, numbers.Real) \
                or not noise_var > 0:
            raise ValueError(f"noise_var={noise_var!r} must be a positive number.")
        self.noise_var = float(noise_var)
        self.block = block

    def params(self) -> dict[str, Any]:
        return {"noise_var": self.noise_var}

    def prepare(self, x: np.ndarray, y: np.ndarray) -> None:
        # each row is one draw of X (weight 1/n); repeated rows just weight that input more,
        # which is the empirical distribution of X, so no de-duplication is needed
        self._y = y

    def estimate(self, t: np.ndarray, *, layer: str = "") -> tuple[Estimate, Estimate]:
        from ..estimate.kde import pairwise_mi_bounds

        _check_finite_layer(t, layer)
        tt = _centered_for_kde(t, self.noise_var, layer)
        b = pairwise_mi_bounds(tt, self._y, noise_std=math.sqrt(self.noise_var),
                               block=self.block)
        extra = {"noise_var": self.noise_var}
        return (b.ixt.replace(params=b.ixt.params | extra, method=self.name),
                b.ity.replace(params=b.ity.params | extra, method=self.name))


class SampleEstimator(LayerEstimator):
    """k-NN, Gaussian-copula or any registered estimator via :func:`infolens.mutual_information`.

    Computes the chosen estimator's I(X;T) and I(T;Y) on the activations.  With a
    deterministic layer and continuous X the true I(X;T) is infinite; the number then
    reflects the estimator (k, N), so use these for I(T;Y) of low-dimensional layers.

    Parameters
    ----------
    method : str, default "ksg1"
        Registered MI estimator for I(X;T) (continuous X and T), e.g. ``"ksg1"``, ``"gcmi"``.
    label_method : str, optional
        Estimator for I(T;Y) with continuous T and discrete labels Y; default ``method`` when
        it accepts mixed data, else ``"ross"`` (k-NN estimator for a discrete and a
        continuous variable, Ross 2014).
    max_dim : int, default 10
        Layers wider than this are refused (k-NN estimators are unreliable there).
    **options
        Passed to ``method``.

    References
    ----------
    A. Kraskov, H. Stoegbauer and P. Grassberger, Phys. Rev. E 69, 066138, 2004.
    R. A. A. Ince et al., "A statistical framework for neuroimaging data analysis based on
    mutual information estimated via a Gaussian copula", Hum. Brain Mapp. 38, 2017.
    B. C. Ross, "Mutual information between discrete and continuous data sets", PLoS ONE
    9(2):e87357, 2014.
    """

    quantities = ("I(X;T)", "I(T;Y)")

    def __init__(self, method: str = "ksg1", *, label_method: str | None = None,
                 max_dim: int = 10, **options: Any) -> None:
        from ..estimate import _registry

        info = _registry.get("mi", method)  # an old name warns and gives the new one
        method = info.name
        if label_method is None:
            label_method = method if "mixed" in info.kinds else "ross"
        lab = _registry.get("mi", label_method)
        label_method = lab.name
        if "mixed" not in lab.kinds:
            raise ValueError(
                f"label_method={label_method!r} does not accept a continuous layer with discrete "
                f"labels; use one of {[e.name for e in _registry.estimators('mi') if 'mixed' in e.kinds]}."
            )
        self.method = method
        self.label_method = label_method
        self.name = method
        self.max_dim = check_positive_int(max_dim, "max_dim")
        self.options = options

    def params(self) -> dict[str, Any]:
        return {"method": self.method, "label_method": self.label_method,
                "max_dim": self.max_dim} | dict(self.options)

    def prepare(self, x: np.ndarray, y: np.ndarray) -> None:
        self._x = x.astype(np.float64)
        self._y = y

    def estimate(self, t: np.ndarray, *, layer: str = "") -> tuple[Estimate, Estimate]:
        from ..estimate.api import mutual_information

        if t.shape[1] > self.max_dim:
            raise ValueError(
                f"layer {layer!r} has {t.shape[1]} units > max_dim={self.max_dim}; "
                f"{self.method!r} is not reliable in that dimension. Use binning or KDEBounds."
            )
        tt = t.astype(np.float64)
        ixt = mutual_information(self._x, tt, method=self.method, **self.options)
        ity = mutual_information(tt, self._y, method=self.label_method)
        mine = self.params()
        return (ixt.replace(quantity="I(X;T)", method=self.method, params=ixt.params | mine),
                ity.replace(quantity="I(T;Y)", method=self.label_method,
                            params=ity.params | mine))


def _mixture_entropy_mc(centers: np.ndarray, sigma: float, n_mc: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Monte-Carlo entropy (nats) of (1/m) sum_j N(c_j, s^2 I) for a batch of mixtures.

    ``centers`` has shape (B, m, d); returns shape (B,).  Evaluation points are drawn from
    the mixture itself: ``c_i + s z`` with ``n_mc`` draws per component.
    """
    b, m, d = centers.shape
    z = rng.standard_normal((b, m, n_mc, d)) * sigma
    pts = (centers[:, :, None, :] + z).reshape(b, m * n_mc, d)
    sq_p = np.einsum("bkd,bkd->bk", pts, pts)
    sq_c = np.einsum("bmd,bmd->bm", centers, centers)
    d2 = sq_p[:, :, None] + sq_c[:, None, :] - 2 * np.einsum("bkd,bmd->bkm", pts, centers)
    np.maximum(d2, 0.0, out=d2)
    a = -d2 / (2 * sigma * sigma)
    mx = a.max(axis=2, keepdims=True)
    log_g = (mx[..., 0] + np.log(np.exp(a - mx).mean(axis=2))
             - 0.5 * d * math.log(2 * math.pi * sigma * sigma))
    return -log_g.mean(axis=1)


class NoisyNetwork(LayerEstimator):
    """I(X;T_l) and I(T_l;Y) of the network made noisy, by sample propagation.

    Every chosen layer's output gets independent noise N(0, noise_std^2 I) (forward hooks
    during the measurement only), so T_l = S_l + Z_l with S_l the noiseless image of the
    noisy T_{l-1}.  Then (Goldfeld et al. 2019)

        I(X;T_l) = h(T_l) - (1/n) sum_x h(T_l | X = x),

    where h(T_l) is the entropy of the Gaussian mixture (1/n) sum_i N(s_i, sigma^2 I) over
    one propagated sample s_i per input, and h(T_l | X=x) that of the mixture over
    ``n_cond`` propagated samples for the same x; both are evaluated by Monte Carlo.
    I(T_l;Y) = h(T_l) - sum_y p(y) h(T_l | Y=y) with class-wise mixtures.  These are
    finite quantities of a *stochastic* network, in nats.  Monte-Carlo error (of order
    ``sqrt(d / (2 n n_mc))`` nats per entropy) can make a value near 0 slightly negative;
    it is reported as computed.

    Parameters
    ----------
    noise_std : float, default 0.1
    n_inputs : int, default 512
        At most this many inputs (a fixed random subset) are used; the cost grows as its
        square.
    n_cond : int, default 16
        Noise draws per input for h(T_l | X = x).
    n_mc : int, default 4
        Monte-Carlo points per mixture component.
    random_state : int or Generator

    References
    ----------
    Z. Goldfeld, E. van den Berg, K. Greenewald, I. Melnyk, N. Nguyen, B. Kingsbury and
    Y. Polyanskiy, "Estimating information flow in deep neural networks", ICML 2019.
    """

    name = "noisy_network"
    quantities = ("I(X;T_noisy)", "I(T_noisy;Y)")
    needs_model = True

    def __init__(self, noise_std: float = 0.1, *, n_inputs: int = 512, n_cond: int = 16,
                 n_mc: int = 4, random_state: Any = 0) -> None:
        if isinstance(noise_std, bool) or not isinstance(noise_std, numbers.Real) \
                or not noise_std > 0:
            raise ValueError(f"noise_std={noise_std!r} must be a positive number.")
        self.noise_std = float(noise_std)
        self.n_inputs = check_positive_int(n_inputs, "n_inputs", minimum=2)
        self.n_cond = check_positive_int(n_cond, "n_cond", minimum=2)
        self.n_mc = check_positive_int(n_mc, "n_mc")
        self.random_state = random_state

    def params(self) -> dict[str, Any]:
        return {"noise_std": self.noise_std, "n_inputs": self.n_inputs, "n_cond": self.n_cond,
                "n_mc": self.n_mc}

    def prepare(self, x: np.ndarray, y: np.ndarray) -> None:
        self._rng = check_random_state(self.random_state)
        n = len(y)
        self._sub = np.sort(self._rng.choice(n, size=min(n, self.n_inputs), replace=False))
        self._y = y[self._sub]

    def _propagate(self, model: nn.Module, xb: torch.Tensor, named: list[tuple[str, nn.Module]],
                   gen: torch.Generator) -> dict[str, np.ndarray]:
        pre: dict[str, torch.Tensor] = {}
        sigma = self.noise_std

        def make(name):
            def hook(_m, _i, out):
                pre[name] = out.detach().reshape(out.shape[0], -1)
                noise = torch.randn(out.shape, generator=gen, dtype=out.dtype).to(out.device)
                return out + sigma * noise
            return hook

        handles = [m.register_forward_hook(make(nm)) for nm, m in named]
        try:
            with torch.no_grad():
                model(xb.to(_default_device(model)))
        finally:
            for h in handles:
                h.remove()
        return {k: v.cpu().double().numpy() for k, v in pre.items()}

    def estimate_model(self, model: nn.Module, x: torch.Tensor,
                       named: list[tuple[str, nn.Module]]) -> dict[str, tuple[Estimate, Estimate]]:
        """Estimate both quantities for every layer of ``named`` (noise at all of them)."""
        rng = self._rng
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        xs = x[torch.as_tensor(self._sub)]
        n = len(self._sub)
        s = self._propagate(model, xs, named, gen)  # one propagated sample per input
        rep = xs.repeat_interleave(self.n_cond, dim=0)
        sc = self._propagate(model, rep, named, gen)  # n_cond samples per input
        classes, inv = np.unique(self._y, return_inverse=True)
        p_y = np.bincount(inv) / n
        out: dict[str, tuple[Estimate, Estimate]] = {}
        for name, _ in named:
            c = s[name]
            h_t = float(_mixture_entropy_mc(c[None], self.noise_std, self.n_mc, rng)[0])
            cond = sc[name].reshape(n, self.n_cond, -1)
            h_tx = float(_mixture_entropy_mc(cond, self.noise_std, self.n_mc, rng).mean())
            h_ty = sum(
                p_y[k] * float(_mixture_entropy_mc(c[inv == k][None], self.noise_std,
                                                   self.n_mc, rng)[0])
                for k in range(len(classes))
            )
            p = self.params()
            out[name] = (
                Estimate(h_t - h_tx, method=self.name, n=n, params=p, quantity=self.quantities[0]),
                Estimate(h_t - h_ty, method=self.name, n=n, params=p, quantity=self.quantities[1]),
            )
        return out


def make_layer_estimator(estimator: str | LayerEstimator = "binning_range", **options: Any
                         ) -> LayerEstimator:
    """Build a layer estimator from a name (options passed on) or return the given one.

    Names: ``"binning_range"`` (:class:`RangeBinning`, fixed range), ``"binning_width"``,
    ``"binning_quantile"``, ``"kde"``, ``"noisy_network"``; any other string is taken as a
    registered sample estimator (:func:`infolens.estimators`) and wrapped in
    :class:`SampleEstimator`.  The old names ``"binning"`` (for the fixed range),
    ``"binning-range"``, ``"binning-width"``, ``"binning-quantile"`` and
    ``"noisy-network"`` still work with a ``DeprecationWarning``
    (:data:`infolens.estimate._records.ALIASES`).  ``"binning"`` was renamed because the
    registry's ``"binning"`` places bins over the observed range (10 by default), while
    this one uses a stated range (30 bins on [-1, 1] by default).
    """
    if isinstance(estimator, LayerEstimator):
        if options:
            raise ValueError("options are only accepted with an estimator name.")
        return estimator
    if not isinstance(estimator, str):
        raise TypeError(
            f"estimator must be a name or a LayerEstimator; got {type(estimator).__name__}."
        )
    from ..estimate import _records

    estimator = _records.canonical("layer", estimator)
    if estimator in _BY_NAME:
        return _BY_NAME[estimator](**options)
    from ..estimate import _registry

    # raises with the list of names if unknown; an old name warns once and is replaced
    return SampleEstimator(_registry.get("mi", estimator).name, **options)
