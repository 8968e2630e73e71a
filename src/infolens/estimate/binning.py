"""Binning: turning continuous samples into symbols, and the ``"binning"`` estimator.

:func:`discretize` maps each column to bin indices under one of three rules:

- ``"uniform"``: ``bins`` equal-width bins spanning the data (or ``range``); ``bins`` may
  also be a NumPy rule name (``"auto"``, ``"fd"``, ``"sturges"``, ...);
- ``"quantile"``: ``bins`` bins holding (as nearly as ties allow) equal numbers of
  samples, edges at the empirical quantiles;
- ``"width"``: bins of a fixed ``width = bins`` anchored at multiples of the width
  (``floor(min / width) * width``), or at ``range[0]`` when a range is given — the
  convention of the information-plane literature.

Defaults, one rule named the same everywhere
--------------------------------------------
Wherever infolens bins data without being told how, it uses :data:`DEFAULT_RULE`
(``"uniform"``) with :data:`DEFAULT_BINS` (10) bins per column: the ``"binning"``
estimator, :func:`discretize`, and the quantile binning of the information plane
(``nn.QuantileBinning``, which keeps the count and changes only the rule).  Why this one:

- equal widths make the histogram estimate of a differential entropy the textbook one
  (``H(bins) + log(width)`` per column, Paninski 2003), so ``"binning"`` entropies are
  comparable with the other continuous estimators; it is also the rule of
  ``numpy.histogram`` and of the information-plane literature;
- 10 bins per column keep the joint table of two or three columns at 100 or 1,000 cells,
  so the plug-in bias, about ``(K_x - 1)(K_y - 1) / (2n)`` nats for MI (Miller 1955),
  stays at 0.008 nats for two scalar columns at n = 5,000 while a smooth density is still
  resolved.

Where a module's default differs, it says so in the same vocabulary, for a reason given
in its docstring:

- ``nn.RangeBinning``: the ``"uniform"`` rule over a *stated* range, 30 bins on
  [-1, 1] (tanh units), as in Shwartz-Ziv & Tishby (2017), so that information-plane
  figures are comparable with the literature; ``nn.WidthBinning``: the ``"width"``
  rule, unbounded (Saxe et al. 2018);
- ``pid`` (``joint_pmf``, ``decompose_samples``, ``pairwise_pid``, the
  ``*_samples`` higher-order measures) and
  ``nn.neuron_synergy`` / ``nn.batchnorm_information``: the ``"quantile"`` rule with
  few bins (4-6 in ``nn``; ``bins`` has no default in ``pid`` and must be stated): a
  PID or a per-unit MI from a plug-in pmf needs every cell populated, and equal-frequency
  bins give each unit a uniform marginal that saturation or outliers cannot empty;
- ``nn.weight_entropy``: ``"uniform"`` with 64 bins, since a weight tensor holds
  thousands to millions of values (plug-in bias ``63 / (2n)`` is negligible) and a
  finer histogram shows its shape;
- ``ib.from_samples``: ``"uniform"`` with 8 bins per float column, to keep the joint
  alphabet of the IB problem small;
- ``streaming.BinnedCounter``: no default, since a stream cannot see its range first:
  ``bins`` with an explicit ``range`` (the ``"uniform"`` rule) or ``width`` (``"width"``).

Values outside an explicit ``range`` raise a ``ValueError``: they are never clipped into
the edge bins (clipping manufactured the apparent "compression" of ReLU networks in the
information-plane debate, Saxe et al. 2018).

The registered ``"binning"`` estimator discretises the continuous arguments and applies
a discrete entropy estimator (``estimator=``, plug-in by default) to the bin counts.  For
``entropy`` it returns, by default, the histogram estimate of the *differential* entropy
``h(X) ≈ -sum_c p_c log(p_c / vol_c) = H(bins) + E[log vol]``, comparable with the other
continuous entropy estimators; ``differential=False`` returns the entropy of the bin
labels ``H(bins)`` instead.  For MI and CMI the volumes cancel and both agree.

A deterministic relation ``y = f(x)`` gives a finite value, the MI of the binned
variables (at most ``log(bins)`` per column), which depends on the bins: it measures the
discretised variables, not the infinite MI of the continuous ones.  Columns with values
beyond 2**1000 in magnitude get their edges placed on the column divided by a power of
two (exact), so spans such as ``max - min`` do not overflow.

References
----------
Miller, G. A. (1955). Note on the bias of information estimates. In *Information Theory
in Psychology*, 95-100.
Paninski, L. (2003). Estimation of entropy and mutual information. *Neural Comput.* 15.
Shwartz-Ziv, R. & Tishby, N. (2017). Opening the black box of deep neural networks via
information. arXiv:1703.00810.
Saxe, A. M. et al. (2018). On the information bottleneck theory of deep learning. ICLR.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_positive_int, check_samples
from ._counting import count_table
from ._records import register
from .discrete import _combine_from_table, _count_methods

__all__ = ["Discretized", "discretize", "RULES", "DEFAULT_RULE", "DEFAULT_BINS"]

#: The binning rules, by name (module docstring).
RULES = ("uniform", "quantile", "width")
#: The default rule wherever infolens bins without being told how (module docstring:
#: "Defaults, one rule named the same everywhere").
DEFAULT_RULE = "uniform"
#: The default number of bins per column under :data:`DEFAULT_RULE`.
DEFAULT_BINS = 10

# ------------------------------------------------------------ bin codes of one array
#
# The column rules below code values without building edges; the information plane
# (nn.plane_estimators), the streaming counters, IB from samples and the weight entropy of
# nn.analysis use them, :func:`discretize` below places edges for the estimators.


def _range_codes(a: np.ndarray, bins: int, low: float, high: float) -> np.ndarray:
    """Bin ``floor((a - low) / (high - low) * bins)`` of each value, in ``0..bins-1``.

    The top edge ``high`` belongs to the last bin.  Values outside ``[low, high]`` land in
    the edge bins: callers check (and refuse or warn about) them first.  Computed in
    float64 and clipped before the cast, so a far outlier (e.g. 1e37) cannot overflow
    int64 into an arbitrary bin.
    """
    idx = np.floor((np.asarray(a, dtype=np.float64) - low) / (high - low) * bins)
    return np.clip(idx, 0, bins - 1).astype(np.int64)


def _uniform_codes(a: np.ndarray, bins: int) -> np.ndarray:
    """:func:`_range_codes` over the observed ``[min, max]`` of ``a`` (all of ``a`` at once;
    a constant array is one bin)."""
    lo, hi = float(np.min(a)), float(np.max(a))
    if hi > lo:
        return _range_codes(a, bins, lo, hi)
    return np.zeros(np.shape(a), dtype=np.int64)


def _width_codes(a: np.ndarray, width: float, what: str = "values") -> np.ndarray:
    """Bin ``floor(a / width)`` of each value: fixed-width bins anchored at 0, unbounded.

    Bin indices are computed in float64 and coded exactly however large they are: beyond
    int64 they are exact integers in float64, so their bit patterns (``view(int64)``)
    stand for them (a cast would overflow and put every row into one bin).  A quotient
    beyond the float64 range raises ``ValueError`` naming ``what``.
    """
    a = np.asarray(a)
    with np.errstate(over="ignore"):
        q = np.floor(a.astype(np.float64) / width)
    if not np.isfinite(q).all():
        raise ValueError(
            f"{what} up to |t| = {float(np.abs(a).max()):.3g} divided by width={width:g} "
            "overflow float64; use a larger width= (relative to the activation scale) or "
            "rescale the values."
        )
    q += 0.0  # -0.0 becomes 0.0, so equal bins have equal bit patterns below
    if np.abs(q).max(initial=0.0) < 2.0**62:
        return q.astype(np.int64)
    return q.view(np.int64)


def _quantile_codes(a: np.ndarray, bins: int) -> np.ndarray:
    """Per-column quantile bins of a 2-D array: column ``j`` is cut at its own empirical
    quantiles ``1/bins, ..., (bins-1)/bins`` (duplicates merged), values equal to an edge
    going above it, so equal values always share a bin."""
    qs = np.linspace(0, 1, bins + 1)[1:-1]
    edges = np.quantile(a, qs, axis=0)  # (bins-1, d)
    idx = np.empty(a.shape, dtype=np.int64)
    for j in range(a.shape[1]):
        idx[:, j] = np.searchsorted(np.unique(edges[:, j]), a[:, j], side="right")
    return idx


@dataclass(frozen=True)
class Discretized:
    """Result of :func:`discretize`.

    Attributes
    ----------
    codes : ndarray of int64, shape (n, d)
        Bin index of each value (0 = first bin of its column).
    edges : tuple of ndarray
        Bin edges of each column (``len(edges[j]) - 1`` bins; the last bin is closed).
    params : dict
        ``bins``, ``rule`` and ``range`` as used, for provenance.
    """

    codes: np.ndarray
    edges: tuple[np.ndarray, ...]
    params: dict[str, Any]

    def widths(self) -> np.ndarray:
        """Width of the bin holding each value, shape (n, d)."""
        return np.column_stack([np.diff(e)[self.codes[:, j]] for j, e in enumerate(self.edges)])


def _check_range(rng: Any) -> tuple[float, float] | None:
    if rng is None:
        return None
    try:
        lo, hi = (float(v) for v in rng)
    except (TypeError, ValueError):
        raise TypeError(f"range must be None or a pair (low, high); got {rng!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"range={rng!r} must be two finite numbers with low < high.")
    return lo, hi


def _column_edges(
    col: np.ndarray, bins: Any, rule: str, rng: tuple[float, float] | None
) -> np.ndarray:
    lo, hi = (float(col.min()), float(col.max())) if rng is None else rng
    if rule == "uniform":
        if isinstance(bins, str):
            return np.histogram_bin_edges(col, bins=bins, range=(lo, hi) if hi > lo else None)
        if hi == lo:  # constant column: one bin of unit width around the value
            return np.array([lo - 0.5, hi + 0.5])
        return np.linspace(lo, hi, bins + 1)
    if rule == "quantile":
        qs = np.quantile(col, np.linspace(0.0, 1.0, bins + 1))
        qs[0], qs[-1] = lo, hi
        edges = np.unique(qs)  # ties can merge quantiles: fewer, non-empty bins
        if edges.size < 2:
            return np.array([lo - 0.5, hi + 0.5])
        return edges
    # rule == "width"
    width = float(bins)
    start = lo if rng is not None else float(np.floor(lo / width) * width)
    if rng is not None:  # the range ends on the last (closed) edge
        nb = max(int(np.ceil((hi - start) / width)), 1)
    else:  # half-open bins [start + k w, start + (k+1) w); the maximum is inside one
        nb = int(np.floor((hi - start) / width)) + 1
    edges = start + width * np.arange(nb + 1)
    if edges[-1] < hi:  # floating-point rounding of (hi - start) / width
        edges = np.append(edges, edges[-1] + width)
    return edges


def discretize(
    x: Any,
    *,
    bins: int | float | str = DEFAULT_BINS,
    rule: str = DEFAULT_RULE,
    range: tuple[float, float] | None = None,  # noqa: A002 - mirrors numpy.histogram
) -> Discretized:
    """Bin continuous samples column by column.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
        Real-valued samples.
    bins : int, float or str, default :data:`DEFAULT_BINS` (10)
        Number of bins (``"uniform"``, ``"quantile"``), a NumPy rule name for
        ``"uniform"`` (e.g. ``"fd"``), or the bin width for ``"width"``.
    rule : {"uniform", "quantile", "width"}, default :data:`DEFAULT_RULE` ("uniform")
        How edges are placed (module docstring).
    range : (float, float), optional
        Fixed span for every column.  Values outside it raise ``ValueError`` (no
        clipping).  Not allowed with ``"quantile"``.

    Returns
    -------
    Discretized
        ``codes`` (n, d), ``edges`` per column and ``params``.

    References
    ----------
    Paninski (2003), *Neural Comput.* 15, sec. 2; Saxe et al. (2018), ICLR.

    Examples
    --------
    >>> d = discretize([0.0, 0.2, 0.5, 1.0], bins=2)
    >>> d.codes.ravel().tolist(), d.edges[0].tolist()
    ([0, 0, 1, 1], [0.0, 0.5, 1.0])
    """
    arr = check_samples(x, "x", kind="continuous")
    if rule not in RULES:
        raise ValueError(f"rule={rule!r}: choose one of {RULES}.")
    rng = _check_range(range)
    if rule == "width":
        if (
            isinstance(bins, bool)
            or not isinstance(bins, numbers.Real)
            or not np.isfinite(bins)
            or bins <= 0
        ):
            raise ValueError(f"rule='width' needs bins = a positive bin width; got {bins!r}.")
    elif isinstance(bins, str):
        if rule != "uniform":
            raise ValueError(f"bins={bins!r} (a rule name) only works with rule='uniform'.")
    else:
        bins = check_positive_int(bins, "bins")
    if rule == "quantile" and rng is not None:
        raise ValueError(
            "range= cannot be combined with rule='quantile' (edges come from the data)."
        )
    if rng is not None:
        outside = (arr < rng[0]) | (arr > rng[1])
        if outside.any():
            raise ValueError(
                f"x has {int(outside.sum())} value(s) outside range={rng} (observed "
                f"[{arr.min():.6g}, {arr.max():.6g}]); widen the range or use range=None. "
                "Values are never clipped into the edge bins."
            )
    edges = []
    codes = np.empty(arr.shape, dtype=np.int64)
    for j in np.arange(arr.shape[1]):
        col, cbins, crng, k = arr[:, j], bins, rng, 0
        top = max(float(np.abs(col).max()), 0.0 if rng is None else max(abs(rng[0]), abs(rng[1])))
        if top > 2.0**_SAFE_EXP:
            # near the float64 limit, spans like max - min overflow: place the edges on the
            # column divided by a power of two (exact, so every value lands in the same bin)
            k = int(np.frexp(top)[1])
            col = np.ldexp(col, -k)
            crng = None if rng is None else (float(np.ldexp(rng[0], -k)), float(np.ldexp(rng[1], -k)))
            cbins = float(np.ldexp(bins, -k)) if rule == "width" else bins
        e = _column_edges(col, cbins, rule, crng)
        c = np.searchsorted(e, col, side="right") - 1
        c[col == e[-1]] = e.size - 2  # the last bin is closed on the right
        codes[:, j] = c
        edges.append(np.ldexp(e, k) if k else e)
    return Discretized(
        codes=codes, edges=tuple(edges), params={"bins": bins, "rule": rule, "range": rng}
    )


_SAFE_EXP = 1000


def _log_widths(d: Discretized) -> np.ndarray:
    """log of the width of the bin holding each value, shape (n, d); computed on edges
    divided by a power of two, so a width near 1e308 does not overflow."""
    out = np.empty(d.codes.shape)
    for j, e in enumerate(d.edges):
        k = int(np.frexp(float(np.abs(e).max()))[1])
        out[:, j] = (np.log(np.diff(np.ldexp(e, -k))) + k * np.log(2.0))[d.codes[:, j]]
    return out


_BIN_PARAMS = {"bins": DEFAULT_BINS, "rule": DEFAULT_RULE, "range": None, "estimator": "plugin"}
_REF = "Paninski, Neural Comput. 15 (2003); Shwartz-Ziv & Tishby, arXiv:1703.00810 (2017)"


def _binned(args: tuple[np.ndarray, ...], bins: Any, rule: str, range: Any):  # noqa: A002
    out, logvol = [], np.zeros(args[0].shape[0])
    for a in args:
        if a.dtype.kind == "f":
            d = discretize(a, bins=bins, rule=rule, range=range)
            out.append(d.codes)
            logvol += _log_widths(d).sum(axis=1)
        else:
            out.append(a)
    return out, logvol


def _check_estimator(estimator: str) -> None:
    if estimator not in _count_methods():
        raise ValueError(f"estimator={estimator!r}: choose one of {_count_methods()}.")


@register(
    "entropy",
    "binning",
    kinds=("continuous",),
    params={**_BIN_PARAMS, "differential": True},
    reference=_REF,
    description="histogram estimate of h(X) (or of H(bins) with differential=False)",
)
def _entropy_binning(
    x: np.ndarray,
    *,
    bins: Any = DEFAULT_BINS,
    rule: str = DEFAULT_RULE,
    range: Any = None,  # noqa: A002
    estimator: str = "plugin",
    differential: bool = True,
) -> float:
    """Histogram entropy in nats: ``H_est(bin counts) + mean log(bin volume)``.

    With ``differential=False`` only ``H_est(bin counts)``, the entropy of the bin labels.
    """
    _check_estimator(estimator)
    codes, logvol = _binned((x,), bins, rule, range)
    h = _combine_from_table(count_table(*codes), "entropy", estimator, {})
    return h + float(logvol.mean()) if differential else h


@register(
    "mi",
    "binning",
    kinds=("continuous", "mixed"),
    params=dict(_BIN_PARAMS),
    reference=_REF,
    description="I(X;Y) of binned continuous variables (discrete variables kept as symbols)",
)
def _mi_binning(
    x: np.ndarray,
    y: np.ndarray,
    *,
    bins: Any = DEFAULT_BINS,
    rule: str = DEFAULT_RULE,
    range: Any = None,  # noqa: A002
    estimator: str = "plugin",
) -> float:
    """``I(X;Y) = H(X) + H(Y) - H(X,Y)`` of the binned variables, in nats."""
    _check_estimator(estimator)
    codes, _ = _binned((x, y), bins, rule, range)
    return _combine_from_table(count_table(*codes), "mi", estimator, {})


@register(
    "cmi",
    "binning",
    kinds=("continuous", "mixed"),
    params=dict(_BIN_PARAMS),
    reference=_REF,
    description="I(X;Y|Z) of binned continuous variables (discrete variables kept as symbols)",
)
def _cmi_binning(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    *,
    bins: Any = DEFAULT_BINS,
    rule: str = DEFAULT_RULE,
    range: Any = None,
    estimator: str = "plugin",  # noqa: A002
) -> float:
    """``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)`` of the binned variables, in nats."""
    _check_estimator(estimator)
    codes, _ = _binned((x, y, z), bins, rule, range)
    return _combine_from_table(count_table(*codes), "cmi", estimator, {})
