"""The shared core of the k-nearest-neighbour estimators (:mod:`infolens.estimate.knn`).

k-th neighbour distances (:func:`_kth_neighbour`, :func:`_neighbours`), counts of samples
within a per-sample radius (:func:`_count_within`), the optional compiled kernels
(:func:`_kernels`, :mod:`._kdcount`), the checks of ``k`` and ``duplicates``, the
rescaling of extreme magnitudes, and the two warnings of the family.  The estimators are
in :mod:`~infolens.estimate.knn_entropy`, :mod:`~infolens.estimate.knn_mi`,
:mod:`~infolens.estimate.knn_mixed` and :mod:`~infolens.estimate.knn_divergence`; the
method is described in :mod:`infolens.estimate.knn`.
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist
from scipy.special import gammaln

from .._validate import check_positive_int

__all__ = ["DuplicateSamplesWarning", "DeterministicRelationWarning"]

_DUPLICATE_MODES = ("unique", "keep")


class DuplicateSamplesWarning(UserWarning):
    """Exactly repeated samples were found and removed before a k-NN density estimate."""


class DeterministicRelationWarning(UserWarning):
    """A k-NN MI estimate sits at the estimator's resolution limit: in (almost) every joint
    neighbourhood one variable pins down the other, as when one is a deterministic function
    of the other.  The true MI may be far larger (infinite for an exact relation between
    continuous variables); the value reported depends on ``k`` and ``n``, not on the data."""


# Fraction of samples whose joint neighbourhood is a marginal one above which the
# DeterministicRelationWarning is issued (measured: Y = f(X) for smooth injective f gives
# 0.998-1.0 at n = 500-5,000; a Gaussian pair with correlation 0.9999 gives 0.21 at n = 500
# and 0.014 at n = 5,000; independent pairs 0).
_RELATION_FRACTION = 0.95


def _warn_if_determined(
    x: np.ndarray, y: np.ndarray, x_floor: np.ndarray, y_floor: np.ndarray,
    estimator: str, ceiling: str,
) -> None:
    """Warn when, for nearly every sample, one variable pins down the other.

    ``x_floor[i]`` says that the neighbour count of sample ``i`` in ``x`` is at its floor:
    its k joint neighbours are exactly its nearest neighbours in ``x``, so ``y`` is (at
    this resolution) a function of ``x``.  That makes the MI infinite only when ``y`` is
    continuous; a ``y`` with repeated values (a constant, or a step function such as
    ``round(x)``) has finite MI, which the estimators resolve, so it does not count.
    """
    if float(np.mean(x_floor | y_floor)) < _RELATION_FRACTION:
        return
    mask = np.zeros(x_floor.shape, dtype=bool)
    if not _has_duplicate_rows(y):
        mask |= x_floor
    if not _has_duplicate_rows(x):
        mask |= y_floor
    frac = float(np.mean(mask))
    if frac >= _RELATION_FRACTION:
        warnings.warn(
            f"{estimator}: for {100 * frac:.1f}% of the samples the k joint neighbours are "
            "exactly the nearest neighbours in one of the variables, so that variable pins "
            "down the other (which has no repeated values) at the resolution of the sample: "
            "they look deterministically related. The MI of continuous variables related "
            "exactly is infinite; this estimate is the estimator's resolution limit "
            f"({ceiling}), set by k and n, not a measurement. Add independent noise of a "
            "stated size, or discretise and use a discrete estimator.",
            DeterministicRelationWarning,
            stacklevel=3,
        )


# Data whose magnitudes lie outside [2**-_SAFE_EXP, 2**_SAFE_EXP] are rescaled by a power
# of two before distances are computed: squared Euclidean distances of numbers near 1e300
# overflow, those of numbers near 1e-300 underflow.  Powers of two are exact, so rescaled
# data have the same neighbours; data inside the range are used as given (bit-identical
# results).
_SAFE_EXP = 200


def _rescale(*arrays: np.ndarray) -> tuple[tuple[np.ndarray, ...], float]:
    """Divide all arrays by one power of two ``s`` when their magnitudes need it; return the
    arrays and ``log s`` (0.0 when nothing was done).  Entropies shift by ``d log s``; MI,
    CMI and KL divergences are unchanged by a common scale."""
    top = max(float(np.abs(a).max()) for a in arrays)
    if top == 0.0 or 2.0 ** -_SAFE_EXP <= top <= 2.0 ** _SAFE_EXP:
        return arrays, 0.0
    e = int(np.frexp(top)[1])
    return tuple(np.ldexp(a, -e) for a in arrays), e * math.log(2.0)


# --------------------------------------------------------------------------------------
# neighbour core
# --------------------------------------------------------------------------------------


_KD: Any = None  # the compiled-kernel module, False when unavailable or disabled


# The kernels are compiled once per dimension with the dimensions unrolled: beyond this
# many, compile time grows (about 16 s for 50 dims) while a k-d tree no longer prunes
# (at 50 dims and n = 5,000 the kernels only match SciPy's speed).
_KERNEL_MAX_DIM = 32


def _kernels(d: int | None = None) -> Any:
    """The module :mod:`._kdcount` when numba imports (and ``INFOLENS_NUMBA`` is not
    ``0``) and ``d`` (if given) is within 2.._KERNEL_MAX_DIM, else None.  Imported on
    first use: numba takes a few tenths of a second to import, which ``import infolens``
    should not pay."""
    if d is not None and not 2 <= d <= _KERNEL_MAX_DIM:
        return None
    global _KD
    if _KD is None:
        _KD = False
        if os.environ.get("INFOLENS_NUMBA", "1").strip() not in ("0", "false", "no", "off"):
            try:
                from . import _kdcount
            except ImportError:
                pass
            else:
                _KD = _kdcount
    return _KD or None


def _tree(data: np.ndarray, *, counting: bool = False) -> cKDTree:
    # 1-2 dims: the sliding-midpoint rule (balanced_tree=False) builds much faster and
    # queries as fast.  3+ dims: median splits with larger leaves query 10-40% faster
    # (measured at n = 20,000 in 5 and 10 dims; ball counting prefers leaves of 64).
    if data.shape[1] <= 2:
        return cKDTree(data, leafsize=16, balanced_tree=False, compact_nodes=False)
    return cKDTree(data, leafsize=64 if counting else 32, balanced_tree=True, compact_nodes=True)


def _kth_neighbour(
    data: np.ndarray, k: int, *, p: float = np.inf, tree: cKDTree | None = None,
    return_index: bool = False,
) -> tuple[np.ndarray, np.ndarray | None, cKDTree]:
    """Distance from each row to its k-th nearest other row (max-norm by default).

    Also returns the indices of the k+1 nearest rows (self included) when asked,
    and the tree for reuse.
    """
    if data.shape[1] == 1 and not return_index and tree is None:
        return _kth_neighbour_1d(data[:, 0], k), None, None
    use = tree is None and not return_index and np.isinf(p)
    kd = _kernels(data.shape[1]) if use else None
    if kd is not None:
        return kd.nearest(data, k)[:, k - 1], None, None
    tree = _tree(data) if tree is None else tree
    if return_index:
        dist, idx = _tree_query(tree, data, k + 1, p)
        return dist[:, k], idx, tree
    dist, _ = _tree_query(tree, data, [k + 1], p)
    return dist[:, 0], None, tree


def _query(
    data: np.ndarray, k: int, p: float, return_index: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(k-th neighbour distance, nearest-other distance, indices of the k+1 nearest or
    None) in one pass; the nearest-other distance is 0 exactly when rows repeat."""
    if data.shape[1] == 1 and not return_index:
        kth, first = _kth_neighbour_1d(data[:, 0], k, return_first=True)
        return kth, first, None
    kd = _kernels(data.shape[1]) if (not return_index and np.isinf(p)) else None
    if kd is not None:
        near = kd.nearest(data, k)
        return near[:, k - 1], near[:, 0], None
    tree = _tree(data)
    if return_index:
        dist, idx = _tree_query(tree, data, k + 1, p)
        return dist[:, k], dist[:, 1], idx
    if k == 1:
        dist, _ = _tree_query(tree, data, [2], p)
        return dist[:, 0], dist[:, 0], None
    col = np.sort(data[:, 0])
    if not (col[1:] == col[:-1]).any():
        # repeated rows would repeat every column: with a tie-free first column there
        # are none, and asking only for the k-th neighbour is ~20% faster
        dist, _ = _tree_query(tree, data, [k + 1], p)
        return dist[:, 0], np.full(data.shape[0], np.inf), None
    dist, _ = _tree_query(tree, data, [2, k + 1], p)
    return dist[:, 1], dist[:, 0], None


def _tree_query(tree: cKDTree, data: np.ndarray, k: Any, p: float) -> tuple[np.ndarray, np.ndarray]:
    """``tree.query`` on all rows, issued in the tree's leaf order.

    Consecutive queries then visit the same nodes, which keeps them in cache: about 3x
    faster than querying in the input order at 10^6 points (measured).  Results are
    returned in the input order.
    """
    order = tree.indices
    dist, idx = tree.query(data[order], k=k, p=p, workers=-1)
    out_d = np.empty_like(dist)
    out_i = np.empty_like(idx)
    out_d[order] = dist
    out_i[order] = idx
    return out_d, out_i


def _neighbours(
    data: np.ndarray, k: int, duplicates: str, estimator: str, *, p: float = np.inf,
    return_index: bool = False,
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray | None]:
    """Validate k, find k-th neighbour distances and, with ``duplicates="unique"``,
    drop exactly repeated rows (with a warning) and search again.

    Returns (rows used, k, k-th neighbour distances, neighbour indices or None).
    """
    k = _check_k(k, data.shape[0])
    eps, first, idx = _query(data, k, p, return_index)
    if duplicates == "unique" and (first == 0).any():
        data = _unique_rows(data, estimator)
        k = _check_k(k, data.shape[0], "distinct samples")
        eps, first, idx = _query(data, k, p, return_index)
    return data, k, eps, idx


def _kth_neighbour_1d(x: np.ndarray, k: int, *, return_first: bool = False):
    """k-th nearest-other distance on the line from the sorted values: the answer is the
    k-th smallest of the k gaps to the left and the k gaps to the right.  O(n k), exact,
    and unaffected by heavy ties (which make a k-d tree degenerate)."""
    n = x.size
    order = np.argsort(x)  # tie order is irrelevant: tied values are equal
    s = x[order]
    cand = np.full((n, 2 * k), np.inf)
    for o in range(1, k + 1):  # loop over neighbour offsets, not samples
        gap = s[o:] - s[:-o]
        cand[o:, o - 1] = gap
        cand[:-o, k + o - 1] = gap
    kth = np.partition(cand, k - 1, axis=1)[:, k - 1]
    out = np.empty(n)
    out[order] = kth
    if not return_first:
        return out
    first = np.empty(n)
    first[order] = np.minimum(cand[:, 0], cand[:, k])
    return out, first


def _fix_upper(s: np.ndarray, x: np.ndarray, r: np.ndarray, hi: np.ndarray, strict: bool) -> np.ndarray:
    """Move ``hi`` so that s[:hi] are exactly the values with s - x (<|<=) r, given
    ``hi`` already correct up to floating-point rounding of ``x + r``."""
    n = s.size

    def inside(v: np.ndarray, xx: np.ndarray, rr: np.ndarray) -> np.ndarray:
        d = v - xx
        return d < rr if strict else d <= rr

    for _ in range(64):
        # grow: the element at hi still satisfies the condition
        m = hi < n
        m[m] = inside(s[hi[m]], x[m], r[m])
        if m.any():
            hi[m] = np.searchsorted(s, s[hi[m]], side="right")
            continue
        # shrink: the element before hi violates it
        m = hi > 0
        m[m] = ~inside(s[hi[m] - 1], x[m], r[m])
        if m.any():
            hi[m] = np.searchsorted(s, s[hi[m] - 1], side="left")
            continue
        return hi
    raise RuntimeError("neighbour counting did not converge; please report this bug")  # pragma: no cover


def _fix_lower(s: np.ndarray, x: np.ndarray, r: np.ndarray, lo: np.ndarray, strict: bool) -> np.ndarray:
    """Move ``lo`` so that s[lo:] starts at the first value with x - s (<|<=) r."""

    def inside(v: np.ndarray, xx: np.ndarray, rr: np.ndarray) -> np.ndarray:
        d = xx - v
        return d < rr if strict else d <= rr

    n = s.size
    for _ in range(64):
        m = lo > 0
        m[m] = inside(s[lo[m] - 1], x[m], r[m])
        if m.any():
            lo[m] = np.searchsorted(s, s[lo[m] - 1], side="left")
            continue
        m = lo < n
        m[m] = ~inside(s[lo[m]], x[m], r[m])
        if m.any():
            lo[m] = np.searchsorted(s, s[lo[m]], side="right")
            continue
        return lo
    raise RuntimeError("neighbour counting did not converge; please report this bug")  # pragma: no cover


# Ball counting in >= 8 dimensions with the large radii KSG produces visits most tree
# nodes; for moderate n a blocked brute-force pass over all pairs is up to 2x faster
# (measured at n = 2,000-10,000 in 10 and 25 dimensions; in 5 dimensions the tree wins
# from n = 5,000).  Memory is bounded by the block size.
_BRUTE_MIN_DIM = 8
_BRUTE_MAX_N = 20_000
_BLOCK = 256


def _count_within_brute(data: np.ndarray, radius: np.ndarray, *, strict: bool) -> np.ndarray:
    """Exact max-norm neighbour counts by blocks of rows against all rows.

    Each block's distances come from SciPy's compiled ``cdist(metric="chebyshev")`` (the
    same max of absolute differences, so the same floats; 3x faster than a NumPy pass per
    column at 512 dimensions)."""
    n = data.shape[0]
    out = np.empty(n, dtype=np.int64)
    for start in range(0, n, _BLOCK):  # loop over blocks of rows
        stop = min(start + _BLOCK, n)
        dist = cdist(data[start:stop], data, metric="chebyshev")
        r = radius[start:stop, None]
        inside = dist < r if strict else dist <= r
        out[start:stop] = inside.sum(axis=1)
    # remove self (distance 0 is inside unless strict with radius 0)
    self_in = (radius > 0) | (not strict)
    return out - self_in


def _count_within(data: np.ndarray, radius: np.ndarray, *, strict: bool) -> np.ndarray:
    """Number of rows j != i with ``||data_j - data_i||_inf < radius_i`` (``strict``) or
    ``<= radius_i``.  Returns an int64 array of length n.

    One dimension: binary search in the sorted values.  2-32 dimensions with numba: the
    compiled kernel.  Otherwise: blocked brute force (>= 8 dimensions, n <= 20,000) or
    ``cKDTree.query_ball_point``.  All paths give identical counts."""
    n, d = data.shape
    radius = np.asarray(radius, dtype=np.float64)
    if d == 1:
        # work in sorted order: queries then arrive sorted (cache friendly)
        order = np.argsort(data[:, 0])  # tie order is irrelevant
        s = data[order, 0]
        rs = radius[order]
        side_hi = "left" if strict else "right"
        side_lo = "right" if strict else "left"
        hi = np.searchsorted(s, s + rs, side=side_hi)
        lo = np.searchsorted(s, s - rs, side=side_lo)
        hi = _fix_upper(s, s, rs, hi, strict)
        lo = _fix_lower(s, s, rs, lo, strict)
        cnt_sorted = hi - lo - 1  # minus self
        if strict:
            cnt_sorted[rs <= 0] = 0  # nothing lies strictly within distance 0
        cnt = np.empty(n, dtype=np.int64)
        cnt[order] = cnt_sorted
        return cnt
    kd = _kernels(d)
    if kd is not None:
        return kd.count_within(data, radius, strict=strict)
    if d >= _BRUTE_MIN_DIM and n <= _BRUTE_MAX_N:
        return _count_within_brute(data, radius, strict=strict)
    tree = _tree(data, counting=True)
    order = tree.indices  # query in leaf order for cache locality (see _tree_query)
    r = np.nextafter(radius, 0.0) if strict else radius
    cnt = np.empty(n, dtype=np.int64)
    cnt[order] = tree.query_ball_point(
        data[order], r[order], p=np.inf, return_length=True, workers=-1
    )
    cnt -= 1
    if strict:
        # a zero radius admits nothing under '<' (nextafter(0, 0) is still 0)
        cnt[radius <= 0] = 0
    return cnt


def _check_k(k: Any, n: int, what: str = "samples") -> int:
    k = check_positive_int(k, "k")
    if k >= n:
        raise ValueError(
            f"k={k} neighbours need more than k {what}; got {n}. Use a smaller k or more data."
        )
    return k


def _check_duplicates(duplicates: str) -> str:
    if duplicates not in _DUPLICATE_MODES:
        raise ValueError(f"duplicates={duplicates!r}; expected one of {_DUPLICATE_MODES}.")
    return duplicates


def _has_duplicate_rows(data: np.ndarray) -> bool:
    """True when two rows coincide exactly (nearest other row at distance 0)."""
    if data.shape[1] == 1:
        s = np.sort(data[:, 0])
        return bool((s[1:] == s[:-1]).any())
    # each row's bytes as one opaque value, then one sort (a k-d tree would degenerate on
    # the very repeats it is looking for); + 0.0 turns -0.0 into 0.0, equal as numbers
    rows = np.ascontiguousarray(data, dtype=np.float64) + 0.0
    keys = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
    return len(np.unique(keys)) < len(keys)


def _unique_rows(data: np.ndarray, estimator: str) -> np.ndarray:
    """The distinct rows of ``data``, with a :class:`DuplicateSamplesWarning`."""
    uniq = np.unique(data, axis=0)
    n, m = data.shape[0], uniq.shape[0]
    warnings.warn(
        f"{estimator}: {n - m} of {n} samples are exact duplicates of other samples "
        f"({m} distinct). k-NN density estimators assume no repeats (they bias the "
        "estimate strongly), so the estimate uses the distinct samples only. If the "
        "repeats are real atoms of the distribution (quantised data, exact zeros), use "
        "method='gao' or a discrete estimator; pass duplicates='keep' to run the raw "
        "formula.",
        DuplicateSamplesWarning,
        stacklevel=4,
    )
    return uniq


def _dedupe(data: np.ndarray, duplicates: str, estimator: str) -> np.ndarray:
    """Return the distinct rows of ``data`` (warning) or ``data`` itself."""
    if duplicates == "keep" or not _has_duplicate_rows(data):
        return data
    return _unique_rows(data, estimator)


def _log_unit_ball(d: int, p: float) -> float:
    """log volume of the unit-radius ball in R^d for the max norm or the Euclidean norm."""
    if np.isinf(p):
        return d * math.log(2.0)
    return 0.5 * d * math.log(math.pi) - float(gammaln(0.5 * d + 1.0))


_METRICS = {"chebyshev": np.inf, "max": np.inf, "euclidean": 2.0}


def _metric_p(metric: str) -> float:
    try:
        return _METRICS[metric]
    except KeyError:
        raise ValueError(
            f"metric={metric!r}; expected 'chebyshev' (max norm) or 'euclidean'."
        ) from None


def _numeric(a: np.ndarray) -> np.ndarray:
    """Float64 view of numeric/bool data; non-numeric labels become integer codes per
    column (distinct labels are then at distance >= 1, equal labels at distance 0)."""
    if a.dtype.kind in "biuf":
        return np.asarray(a, dtype=np.float64)
    cols = [np.unique(a[:, j], return_inverse=True)[1].ravel() for j in range(a.shape[1])]
    return np.column_stack(cols).astype(np.float64)
