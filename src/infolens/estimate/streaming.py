"""Streaming accumulators: estimate from batches, shards and Dask chunks in flat memory.

Everything that is a sum can be accumulated: symbol counts (:class:`DiscreteCounter`),
counts of binned values (:class:`BinnedCounter`) and first and second moments
(:class:`MomentAccumulator`).  Each accumulator has

- ``update(*variables)`` — add a batch (rows are samples; 1 variable for entropy, 2 for
  mutual information, 3 for conditional MI).  NumPy arrays, torch tensors, pandas objects
  and **Dask arrays** are accepted; a Dask array is reduced chunk by chunk (one partial
  accumulator per row-chunk, built where the chunk lives, merged by a tree reduction), so
  it runs on a ``dask.distributed`` cluster and never gathers the raw data;
- ``merge(other)`` — add another accumulator of the same kind (another batch stream, a
  worker, a ``torch.distributed`` rank);
- ``compute(*, base=..., ...)`` — the estimate, an :class:`~infolens.result.Estimate`.

Memory is bounded by the number of distinct (joint) symbols, or by ``d^2`` moments, and
does not grow with the number of samples.  The batch results equal the one-shot
estimators of :mod:`infolens.estimate.discrete`, :mod:`~infolens.estimate.binning`
exactly (same counts, same formulas) for any split into batches.

References
----------
Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae and a pairwise
algorithm for computing sample variances. Stanford CS report STAN-CS-79-773.
Misra, N., Singh, H. & Demchuk, E. (2005). Estimation of the entropy of a multivariate
normal distribution. *J. Multivariate Analysis* 92, 324-342.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

from .._validate import check_base, check_samples
from ..result import Estimate
from ..units import Base, unit_name
from ._counting import CountTable, cells, column_codes, encode
from .auto import choose
from .binning import _range_codes, _width_codes
from .discrete import _combine_from_table, _count_methods

__all__ = ["DiscreteCounter", "BinnedCounter", "MomentAccumulator"]

_QUANTITY = {1: "entropy", 2: "mi", 3: "cmi"}
_LABEL = {1: "H(X)", 2: "I(X;Y)", 3: "I(X;Y|Z)"}
_NAMES = ("x", "y", "z")


def _is_dask(a: Any) -> bool:
    return (type(a).__module__ or "").startswith("dask")


class _Accumulator:
    """Shared machinery: argument checks and chunk-wise reduction of Dask arrays."""

    def _fresh(self) -> _Accumulator:  # an empty accumulator with the same settings
        raise NotImplementedError

    def _update_arrays(self, arrays: list[np.ndarray]) -> None:
        raise NotImplementedError

    def merge(self, other: Any) -> Any:
        raise NotImplementedError

    def update(self, *variables: Any) -> Any:
        """Add a batch: 1 (entropy), 2 (MI) or 3 (CMI) arrays with paired rows.

        Dask arrays are reduced chunk by chunk (see the module docstring).  Returns
        ``self`` so calls can be chained.
        """
        if not 1 <= len(variables) <= 3:
            raise TypeError(
                f"update takes 1, 2 or 3 variables (H, I, I(.|.)); got {len(variables)}."
            )
        if any(_is_dask(v) for v in variables):
            return self._update_dask(variables)
        arrays = [self._check(v, nm) for v, nm in zip(variables, _NAMES, strict=False)]
        lengths = {a.shape[0] for a in arrays}
        if len(lengths) > 1:
            desc = ", ".join(
                f"{nm} has {a.shape[0]}" for a, nm in zip(arrays, _NAMES, strict=False)
            )
            raise ValueError(f"batch variables have different numbers of samples ({desc}).")
        self._update_arrays(arrays)
        return self

    def _check(self, v: Any, name: str) -> np.ndarray:
        return check_samples(v, name)

    def _update_dask(self, variables: tuple[Any, ...]) -> Any:
        import dask

        arrs = []
        for v in variables:
            if not _is_dask(v):
                import dask.array as da

                v = da.from_array(np.asarray(v))
            arrs.append(v if v.ndim == 2 else v.reshape((v.shape[0], 1)))
        lengths = {a.shape[0] for a in arrs}
        if len(lengths) > 1:
            raise ValueError(f"Dask variables have different numbers of rows: {sorted(lengths)}.")
        chunks = arrs[0].chunks[0]
        arrs = [a.rechunk({0: chunks, 1: -1}) for a in arrs]
        parts = [
            dask.delayed(_partial)(self._fresh(), *[a.blocks[i, 0] for a in arrs])
            for i in range(len(chunks))
        ]
        while len(parts) > 1:  # tree reduction: partial accumulators merged pairwise
            parts = [
                dask.delayed(_merge_pair)(parts[j], parts[j + 1])
                if j + 1 < len(parts)
                else parts[j]
                for j in range(0, len(parts), 2)
            ]
        (total,) = dask.compute(parts[0])
        return self.merge(total)


def _partial(acc: _Accumulator, *blocks: np.ndarray) -> _Accumulator:
    acc.update(*blocks)
    return acc


def _merge_pair(a: _Accumulator, b: _Accumulator) -> _Accumulator:
    return a.merge(b)


# ------------------------------------------------------------------------ discrete


def _codes_lookup(col: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Codes of a column plus the value of each code (``lookup[code] == value``)."""
    codes, radix = column_codes(col)
    if col.dtype.kind == "b":
        return codes, 2, np.array([False, True])
    if col.dtype.kind in "iu":
        lo, hi = int(col.min()), int(col.max())
        if radix == hi - lo + 1 and (codes.size == 0 or int(codes.max()) <= hi - lo):
            return codes, radix, np.arange(lo, hi + 1).astype(col.dtype)
    uniq, inv = np.unique(col, return_inverse=True)
    return inv.reshape(-1).astype(np.int64), max(int(uniq.size), 1), uniq


def _tabulate(columns: list[np.ndarray], weights: np.ndarray | None = None):
    """Distinct rows of the given columns (as value arrays) and their (weighted) counts."""
    parts = [_codes_lookup(c) for c in columns]
    ids, counts = cells([p[0] for p in parts], [p[1] for p in parts], weights)
    values = [p[2][i] for p, i in zip(parts, ids, strict=True)]
    return values, np.rint(counts).astype(np.int64)


class DiscreteCounter(_Accumulator):
    """Joint symbol counts of 1-3 discrete variables, accumulated batch by batch.

    ``compute`` applies any count-based estimator of :mod:`infolens.estimate.discrete`
    (``"plugin"``, ``"miller_madow"``, ``"grassberger"``, ``"chao_shen"``,
    ``"jackknife"``, ``"nsb"``, ``"pym"``, ``"shrink"``), or by default (``"auto"``) the
    one that :func:`infolens.entropy` would choose, to the accumulated counts: ``H(X)`` for one
    variable, ``I(X;Y) = H(X) + H(Y) - H(X,Y)`` for two, ``I(X;Y|Z)`` for three.  Memory
    is proportional to the number of distinct joint symbols, not to the samples.

    Examples
    --------
    >>> import numpy as np
    >>> acc = DiscreteCounter()
    >>> for _ in range(3):
    ...     acc.update(np.array([0, 1, 2, 3]), np.array([0, 1, 0, 1]))  # doctest: +ELLIPSIS
    <...DiscreteCounter object at ...>
    >>> round(float(acc.compute(method="plugin", base=2)), 6)
    1.0
    """

    def __init__(self) -> None:
        self._dims: tuple[int, ...] | None = None
        self._cells: list[np.ndarray] | None = None
        self._counts = np.zeros(0, dtype=np.int64)
        self.n = 0

    def _fresh(self) -> DiscreteCounter:
        return DiscreteCounter()

    def _check(self, v: Any, name: str) -> np.ndarray:
        return check_samples(v, name, kind="discrete")

    @property
    def n_cells(self) -> int:
        """Number of distinct joint symbols stored."""
        return int(self._counts.size)

    def _add(self, dims: tuple[int, ...], cells: list[np.ndarray], counts: np.ndarray) -> None:
        if self._dims is None:
            self._dims = dims
        elif dims != self._dims:
            raise ValueError(
                f"this counter holds variables with {self._dims} column(s); the new data has {dims}. "
                "Use one counter per combination of variables."
            )
        if self._cells is not None:
            kinds_old = [c.dtype.kind in "biu" for c in self._cells]
            kinds_new = [c.dtype.kind in "biu" for c in cells]
            if kinds_old != kinds_new:
                raise TypeError(
                    "a column changed between numeric and string/object symbols across batches; "
                    "keep one dtype per column so that equal symbols are counted together."
                )
            cells = [np.concatenate([a, b]) for a, b in zip(self._cells, cells, strict=True)]
            counts = np.concatenate([self._counts, counts])
            cells, counts = _tabulate(cells, counts.astype(np.float64))
        self._cells, self._counts = cells, counts

    def _update_arrays(self, arrays: list[np.ndarray]) -> None:
        columns = [a[:, j] for a in arrays for j in range(a.shape[1])]
        cells, counts = _tabulate(columns)
        self._add(tuple(a.shape[1] for a in arrays), cells, counts)
        self.n += int(arrays[0].shape[0])

    def merge(self, other: DiscreteCounter) -> DiscreteCounter:
        """Add the counts of ``other`` (same variables) into this counter; returns ``self``."""
        if not isinstance(other, DiscreteCounter):
            raise TypeError(f"can only merge another DiscreteCounter, not {type(other).__name__}.")
        if other._cells is not None:
            self._add(other._dims, other._cells, other._counts)
            self.n += other.n
        return self

    def table(self) -> CountTable:
        """The accumulated counts as a :class:`~infolens.estimate._counting.CountTable`."""
        if self._cells is None:
            raise ValueError("the counter is empty; call update(...) with data first.")
        ids, radices, start = [], [], 0
        for d in self._dims:
            block = np.empty((self._counts.size, d), dtype=object)
            if all(c.dtype.kind in "biu" for c in self._cells[start : start + d]):
                block = np.column_stack(self._cells[start : start + d])
            else:
                for j in range(d):
                    block[:, j] = self._cells[start + j]
            code, _ = encode(block)
            _, inv = np.unique(code, return_inverse=True)
            inv = inv.reshape(-1)
            ids.append(inv)
            radices.append(int(inv.max()) + 1)
            start += d
        return CountTable(counts=self._counts.copy(), ids=tuple(ids), radices=tuple(radices))

    def compute(self, *, method: str = "auto", base: Base = "e", **params: Any) -> Estimate:
        """Estimate from the accumulated counts.

        Parameters
        ----------
        method : str, default "auto"
            A count-based estimator of the registry (``"plugin"``, ``"miller_madow"``,
            ``"grassberger"``, ...; see :mod:`infolens.estimate.discrete`), or ``"auto"``:
            the rule of :mod:`infolens.estimate.auto` for discrete data, the one that
            :func:`infolens.entropy` and :func:`infolens.mutual_information` apply (``"nsb"``
            for an entropy when ``n < 10 * distinct symbols``, ``"grassberger"``
            otherwise), so the default gives the same value as the one-shot call on all
            the data.  ``Estimate.method`` records the estimator that ran.  (The default
            was ``"plugin"`` before the names were made the same everywhere; pass
            ``method="plugin"`` for the plug-in value.)
        base : {"e", 2, 10} or float > 1
        **params
            Estimator parameters (``alphabet_size`` for ``"nsb"``/``"shrink"`` entropy).

        Returns
        -------
        Estimate
            ``H(X)``, ``I(X;Y)`` or ``I(X;Y|Z)`` depending on how many variables were
            accumulated; ``n`` is the total number of samples.
        """
        lb = check_base(base)
        if method != "auto" and method not in _count_methods():
            raise ValueError(f"method={method!r}: choose 'auto' or one of {_count_methods()}.")
        table = self.table()
        k = len(self._dims)
        if method == "auto":
            # n_symbols as the one-shot call counts them: distinct symbols of X for an entropy
            n_symbols = self.n_cells if k == 1 else None
            method, auto_params = choose(
                _QUANTITY[k], ("discrete",) * k, self.n, self._dims, n_symbols
            )
            params = {**auto_params, **params}
        value = _combine_from_table(table, _QUANTITY[k], method, params)
        return Estimate(
            value / lb,
            unit=unit_name(base),
            method=method,
            n=self.n,
            params={**params, "streaming": True, "cells": self.n_cells},
            quantity=_LABEL[k],
        )


# ------------------------------------------------------------------------- binned


class BinnedCounter(_Accumulator):
    """Counts of binned continuous values (fixed edges), accumulated batch by batch.

    Streaming cannot look at all data before choosing edges, so the edges are fixed up
    front and there is no default: either ``bins`` equal-width bins over an explicit
    ``range=(low, high)`` (the ``"uniform"`` rule of :mod:`infolens.estimate.binning`;
    values outside raise ``ValueError``, never clipped), or bins of fixed ``width``
    anchored at multiples of the width (the ``"width"`` rule; unbounded, no range
    needed).  ``Estimate.params["rule"]`` names the rule.  Floating-point variables are
    binned; discrete variables are counted as they are.

    ``compute`` gives the entropy of the bin labels plus, with ``differential=True`` (the
    default, for one variable), ``sum_j log(width_j)``: the histogram estimate of the
    differential entropy, as in the ``"binning"`` estimator.  MI and CMI do not depend on
    the widths.

    Examples
    --------
    >>> import numpy as np
    >>> acc = BinnedCounter(width=0.5)
    >>> acc.update(np.array([0.1, 0.7, 1.2, 0.2]))  # doctest: +ELLIPSIS
    <...BinnedCounter object at ...>
    >>> round(float(acc.compute(method="plugin", differential=False)), 6)   # counts 2, 1, 1
    1.039721
    """

    def __init__(
        self,
        *,
        bins: int | None = None,
        range: tuple[float, float] | None = None,  # noqa: A002 - mirrors numpy.histogram
        width: float | None = None,
    ) -> None:
        if (width is None) == (bins is None):
            raise ValueError(
                "give either bins= with range=(low, high), or width= (fixed-width bins)."
            )
        if width is not None:
            w = float(width)
            if not (math.isfinite(w) and w > 0):
                raise ValueError(f"width={width!r} must be a positive finite number.")
            if range is not None:
                raise ValueError(
                    "range= goes with bins=; width= bins are anchored at multiples of the width."
                )
            self._width = w
            self._range = None
            self._bins = None
        else:
            if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
                raise ValueError(f"bins={bins!r} must be a positive integer.")
            if range is None:
                raise ValueError(
                    "bins= needs an explicit range=(low, high) when streaming (the data are not "
                    "seen all at once); or use width=."
                )
            lo, hi = (float(v) for v in range)
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"range={range!r} must be two finite numbers with low < high.")
            self._range = (lo, hi)
            self._bins = int(bins)
            self._width = (hi - lo) / self._bins
        self._counter = DiscreteCounter()
        self._continuous: tuple[bool, ...] | None = None

    def _fresh(self) -> BinnedCounter:
        if self._bins is not None:
            return BinnedCounter(bins=self._bins, range=self._range)
        return BinnedCounter(width=self._width)

    @property
    def n(self) -> int:
        return self._counter.n

    def _bin(self, a: np.ndarray, name: str) -> np.ndarray:
        if self._range is not None:
            lo, hi = self._range
            bad = (a < lo) | (a > hi)
            if bad.any():
                raise ValueError(
                    f"{name} has {int(bad.sum())} value(s) outside range={self._range} (observed "
                    f"[{a.min():.6g}, {a.max():.6g}]); values are never clipped: widen the range."
                )
            return _range_codes(a, self._bins, lo, hi)  # x == high: the last, closed bin
        return _width_codes(a, self._width, name)

    def _update_arrays(self, arrays: list[np.ndarray]) -> None:
        cont = tuple(a.dtype.kind in "fc" for a in arrays)
        if self._continuous is None:
            self._continuous = cont
        elif cont != self._continuous:
            raise TypeError("a variable changed between continuous and discrete across batches.")
        binned = [
            self._bin(check_samples(a, nm, kind="continuous"), nm) if c else a
            for a, nm, c in zip(arrays, _NAMES, cont, strict=False)
        ]
        self._counter._update_arrays(binned)

    def merge(self, other: BinnedCounter) -> BinnedCounter:
        """Add the counts of ``other`` (same edges) into this counter; returns ``self``."""
        if not isinstance(other, BinnedCounter):
            raise TypeError(f"can only merge another BinnedCounter, not {type(other).__name__}.")
        if (other._range, other._bins, other._width) != (self._range, self._bins, self._width):
            raise ValueError("cannot merge BinnedCounters with different bin edges.")
        if other._continuous is not None:
            if self._continuous is None:
                self._continuous = other._continuous
            self._counter.merge(other._counter)
        return self

    def compute(
        self, *, method: str = "plugin", base: Base = "e", differential: bool = True, **params: Any
    ) -> Estimate:
        """Estimate from the accumulated bin counts (see the class docstring).

        ``method`` is the count-based estimator applied to the bin counts, ``"plugin"``
        by default as for the registered ``"binning"`` estimator (its ``estimator=``);
        ``"auto"`` applies the discrete rule of :meth:`DiscreteCounter.compute`.
        """
        est = self._counter.compute(method=method, base="e", **params)
        value = float(est)
        if len(self._continuous) == 1 and differential and self._continuous[0]:
            d = self._counter._dims[0]
            value += d * math.log(self._width)
        lb = check_base(base)
        return Estimate(
            value / lb,
            unit=unit_name(base),
            method=f"binning+{est.method}",
            n=self.n,
            params={**est.params, "rule": "width" if self._bins is None else "uniform",
                    "width": self._width, "range": self._range, "bins": self._bins},
            quantity=est.quantity,
        )


# ------------------------------------------------------------------------- moments


def _logdet(cov: np.ndarray, what: str) -> float:
    sign, ld = np.linalg.slogdet(cov)
    if sign <= 0 or not np.isfinite(ld):
        raise ValueError(
            f"the covariance of {what} is singular (collinear or constant columns); Gaussian "
            "information is infinite or undefined. Drop redundant columns."
        )
    return float(ld)


class MomentAccumulator(_Accumulator):
    """Means and covariances of 1-3 continuous variables, for Gaussian information.

    Pairwise-update formulas of Chan, Golub & LeVeque (1979): merging ``(n_a, m_a, M_a)``
    and ``(n_b, m_b, M_b)`` gives ``n = n_a + n_b``, ``m = m_a + (m_b - m_a) n_b / n``,
    ``M = M_a + M_b + (m_b - m_a)(m_b - m_a)^T n_a n_b / n`` with ``M`` the centred
    cross-product matrix, so batches and workers combine exactly.

    ``compute`` returns the Gaussian entropy ``h = (d log(2 pi e) + log det S)/2``, mutual
    information ``I = (log det S_x + log det S_y - log det S_xy)/2`` or conditional MI
    ``(log det S_xz + log det S_yz - log det S_xyz - log det S_z)/2`` of the sample
    covariance ``S = M/(n-1)``.  With ``bias_correction=True`` (default) every
    ``log det`` is replaced by the unbiased estimate of ``log det Sigma`` for normal
    data, ``log det S - sum_{i=1}^{d} psi((n-i)/2) - d log(2/(n-1))`` (Misra, Singh &
    Demchuk 2005).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> acc = MomentAccumulator()
    >>> for _ in range(10):
    ...     x = rng.normal(size=1000); acc = acc.update(x, 0.6 * x + 0.8 * rng.normal(size=1000))
    >>> bool(abs(float(acc.compute()) - (-0.5 * np.log(1 - 0.6**2))) < 0.02)
    True
    """

    def __init__(self) -> None:
        self._dims: tuple[int, ...] | None = None
        self.n = 0
        self._mean: np.ndarray | None = None
        self._m2: np.ndarray | None = None

    def _fresh(self) -> MomentAccumulator:
        return MomentAccumulator()

    def _check(self, v: Any, name: str) -> np.ndarray:
        return check_samples(v, name, kind="continuous")

    def _combine(self, dims: tuple[int, ...], n: int, mean: np.ndarray, m2: np.ndarray) -> None:
        if self._dims is None:
            self._dims, self.n, self._mean, self._m2 = dims, n, mean, m2
            return
        if dims != self._dims:
            raise ValueError(
                f"this accumulator holds variables with {self._dims} column(s); got {dims}."
            )
        tot = self.n + n
        delta = mean - self._mean
        self._mean = self._mean + delta * (n / tot)
        self._m2 = self._m2 + m2 + np.outer(delta, delta) * (self.n * n / tot)
        self.n = tot

    def _update_arrays(self, arrays: list[np.ndarray]) -> None:
        data = np.hstack(arrays)
        mean = data.mean(axis=0)
        centred = data - mean
        self._combine(tuple(a.shape[1] for a in arrays), data.shape[0], mean, centred.T @ centred)

    def merge(self, other: MomentAccumulator) -> MomentAccumulator:
        """Add the moments of ``other`` (same variables) into this accumulator; returns ``self``."""
        if not isinstance(other, MomentAccumulator):
            raise TypeError(
                f"can only merge another MomentAccumulator, not {type(other).__name__}."
            )
        if other._dims is not None:
            self._combine(other._dims, other.n, other._mean, other._m2)
        return self

    @property
    def covariance(self) -> np.ndarray:
        """Sample covariance ``M / (n - 1)`` of all accumulated columns."""
        if self._dims is None or self.n < 2:
            raise ValueError("at least 2 samples are needed for a covariance.")
        return self._m2 / (self.n - 1)

    @property
    def mean(self) -> np.ndarray:
        if self._mean is None:
            raise ValueError("the accumulator is empty.")
        return self._mean.copy()

    def compute(self, *, base: Base = "e", bias_correction: bool = True) -> Estimate:
        """Gaussian entropy / MI / CMI of the accumulated moments (class docstring)."""
        lb = check_base(base)
        cov = self.covariance
        n = self.n
        starts = np.cumsum((0, *self._dims))
        blocks = [np.arange(starts[i], starts[i + 1]) for i in range(len(self._dims))]

        def ld(idx: np.ndarray, what: str) -> float:
            d = idx.size
            if bias_correction and n - d < 1:
                raise ValueError(f"bias correction needs n > d ({n} samples, {d} dimensions).")
            v = _logdet(cov[np.ix_(idx, idx)], what)
            if bias_correction:
                v -= float(np.sum(special.digamma((n - np.arange(1, d + 1)) / 2.0)))
                v -= d * math.log(2.0 / (n - 1))
            return v

        k = len(self._dims)
        if k == 1:
            d = blocks[0].size
            value = 0.5 * (d * math.log(2 * math.pi * math.e) + ld(blocks[0], "x"))
        elif k == 2:
            x, y = blocks
            value = 0.5 * (ld(x, "x") + ld(y, "y") - ld(np.r_[x, y], "(x, y)"))
        else:
            x, y, z = blocks
            value = 0.5 * (
                ld(np.r_[x, z], "(x, z)")
                + ld(np.r_[y, z], "(y, z)")
                - ld(np.r_[x, y, z], "(x, y, z)")
                - ld(z, "z")
            )
        return Estimate(
            value / lb,
            unit=unit_name(base),
            method="gaussian",
            n=n,
            params={"bias_correction": bias_correction, "streaming": True},
            quantity=_LABEL[k],
        )
