"""The one counting core: symbol codes, joint codes, counts and the plug-in entropy.

Every module that turns samples into symbols and counts them uses these functions:
the discrete estimators (:mod:`~infolens.estimate.discrete`), the binning estimator, the
streaming counters (:mod:`~infolens.estimate.streaming`), PID and IB from samples and the
information plane (:mod:`infolens.nn.plane_estimators`).

Coding
------
Each column is mapped to non-negative integer codes (:func:`column_codes`): small
non-negative integer alphabets are used as they are (shifted by the minimum), anything else
(strings, objects, sparse large integers, the int64 bit patterns of floats) goes through
``np.unique(..., return_inverse=True)`` (:func:`dense_codes`).  Columns are combined by
mixed-radix arithmetic ``code = code * radix + c`` (:func:`combine`); when the product of
radices would exceed ``2**62`` the partial code is first re-densified with ``np.unique``,
so int64 never overflows.  Joint codes are counted by ``np.bincount`` when the code range is
at most a few times the sample size, by a sort (``np.unique(..., return_counts=True)``)
otherwise (:func:`count`).  There is no Python loop over samples.

The first column is the most significant digit and every step keeps the order of the
values, so :func:`row_codes` numbers the distinct rows in lexicographic order, as
``np.unique(x, axis=0, return_inverse=True)`` does.

Plug-in entropy
---------------
:func:`plugin_entropy` is ``-sum (n_i/N) log(n_i/N)`` of counts ``n_i``: the entropy
(:func:`infolens.exact.discrete.entropy`) of the empirical pmf, in nats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exact.discrete import _entropy_nats

__all__ = [
    "column_codes",
    "dense_codes",
    "combine",
    "encode",
    "row_codes",
    "count",
    "cells",
    "CountTable",
    "count_table",
    "positive_counts",
    "counts_of_counts",
    "check_counts",
    "plugin_entropy",
    "entropy_of_codes",
    "plugin_mi",
]

_MAX_CODE = 2**62


def _small(span: int, n: int) -> bool:
    """Whether a code range is small enough to be bincounted directly."""
    return span <= 4 * n + 65536


def dense_codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes ``0..K-1`` of the distinct values of one column, in sorted order, and ``K``."""
    try:
        uniq, inv = np.unique(col, return_inverse=True)
    except TypeError:
        raise TypeError(
            "a discrete column mixes values that cannot be ordered (e.g. numbers and "
            "strings in one object column); convert the column to one type first, e.g. "
            "x.astype(str)."
        ) from None
    return inv.reshape(-1).astype(np.int64, copy=False), max(int(uniq.size), 1)


def column_codes(col: np.ndarray) -> tuple[np.ndarray, int]:
    """Map one column to dense-ish non-negative int64 codes; return ``(codes, radix)``."""
    n = col.shape[0]
    kind = col.dtype.kind
    if kind == "b":
        return col.astype(np.int64), 2
    if kind in "iu":
        lo = int(col.min())
        hi = int(col.max())
        span = hi - lo + 1
        if _small(span, n):
            if lo == 0 and kind == "i":
                return col.astype(np.int64, copy=False), span
            # subtract in the column's own dtype (no overflow: the span is small)
            return (col - col.dtype.type(lo)).astype(np.int64), span
    return dense_codes(col)


def combine(codes: Sequence[np.ndarray], radices: Sequence[int]) -> tuple[np.ndarray, int, bool]:
    """Mixed-radix joint code of several code arrays, guarded against int64 overflow.

    Returns ``(code, radix, exact)``; ``exact`` is False when a partial code had to be
    re-densified (then the code can no longer be decoded by ``divmod``).
    """
    code = codes[0]
    radix = int(radices[0])
    exact = True
    for c, r in zip(codes[1:], radices[1:], strict=True):
        r = int(r)
        if radix * r > _MAX_CODE:
            code, radix = dense_codes(code)
            exact = False
            if radix * r > _MAX_CODE:  # cannot happen for n < 2**31, kept as a guard
                c, r = dense_codes(c)
        code = code * np.int64(r) + c
        radix *= r
    return code, radix, exact


def encode(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Joint symbol codes of the rows of a 2-D discrete array.

    Parameters
    ----------
    x : ndarray of shape (n, d)
        Discrete samples (integer, bool, string or object dtype).

    Returns
    -------
    codes : ndarray of int64, shape (n,)
        Equal rows get equal codes; different rows different codes.
    radix : int
        Codes lie in ``[0, radix)`` (``radix`` can exceed the number of observed symbols).
    """
    cols = [column_codes(x[:, j]) for j in range(x.shape[1])]
    code, radix, _ = combine([c for c, _ in cols], [r for _, r in cols])
    return code, radix


def row_codes(x: np.ndarray) -> np.ndarray:
    """Dense codes ``0..K-1`` of the rows of a 1-D or 2-D discrete array (equal rows <->
    equal codes), numbered in lexicographic order of the rows."""
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    code, _ = encode(x)
    return dense_codes(code)[0]


def count(code: np.ndarray, radix: int, weights: np.ndarray | None = None):
    """Observed cells and their counts: ``(cell_codes, counts)``."""
    if _small(radix, code.shape[0]):
        counts = np.bincount(code, weights=weights, minlength=radix)
        observed = np.flatnonzero(counts)
        return observed, counts[observed]
    if weights is None:
        observed, counts = np.unique(code, return_counts=True)
        return observed, counts
    observed, inv = np.unique(code, return_inverse=True)
    return observed, np.bincount(inv.reshape(-1), weights=weights)


def cells(
    codes: Sequence[np.ndarray], radices: Sequence[int], weights: np.ndarray | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Observed joint cells of several code arrays: per variable the code in each cell,
    and the (weighted) count of each cell."""
    joint, radix, exact = combine(codes, radices)
    if exact:
        observed, counts = count(joint, radix, weights)
        ids, rest = [], observed
        for r in reversed(radices[1:]):
            rest, idv = np.divmod(rest, np.int64(r))
            ids.append(idv)
        ids.append(rest)
        return ids[::-1], counts
    _, first, inv = np.unique(joint, return_index=True, return_inverse=True)
    counts = np.bincount(inv.reshape(-1), weights=weights)
    return [c[first] for c in codes], counts


@dataclass(frozen=True)
class CountTable:
    """Counts of observed joint cells and, per variable, the cell's symbol id.

    ``counts[m]`` is how often joint cell ``m`` occurred; ``ids[v][m]`` the (dense) code of
    variable ``v`` in cell ``m`` and ``radices[v]`` its range.  Marginal counts of any
    subset of variables follow by grouping cells (:meth:`marginal`), so resampling the cell
    counts (multinomial bootstrap) and re-marginalising is cheap.
    """

    counts: np.ndarray
    ids: tuple[np.ndarray, ...]
    radices: tuple[int, ...]

    @property
    def n(self) -> int:
        return int(round(float(self.counts.sum())))

    def group(self, variables: Sequence[int]) -> tuple[np.ndarray, int]:
        """Group index of each cell for the marginal over ``variables``, and the range.

        Indices are the mixed-radix code itself when its range is small (bincount-ready),
        dense ranks from ``np.unique`` otherwise; empty groups are dropped later.
        """
        code, radix, _ = combine(
            [self.ids[v] for v in variables], [self.radices[v] for v in variables]
        )
        if _small(radix, code.shape[0]):
            return code, radix
        _, inv = np.unique(code, return_inverse=True)
        inv = inv.reshape(-1)
        return inv, int(inv.max()) + 1 if inv.size else 0

    def marginal(self, variables: Sequence[int], counts: np.ndarray | None = None) -> np.ndarray:
        """Positive counts of the marginal over ``variables`` (order unspecified)."""
        c = self.counts if counts is None else counts
        if len(variables) == len(self.ids):
            return c[c > 0]
        inv, m = self.group(variables)
        out = np.bincount(inv, weights=c, minlength=m)
        return out[out > 0]


def count_table(*variables: np.ndarray) -> CountTable:
    """Count the joint symbols of several discrete sample arrays (rows paired).

    Parameters
    ----------
    *variables : ndarray of shape (n, d_v)
        Discrete samples; all with the same number of rows.

    Returns
    -------
    CountTable
    """
    codes, radices = [], []
    for v in variables:
        c, r = encode(v)
        codes.append(c)
        radices.append(r)
    ids, counts = cells(codes, radices)
    return CountTable(
        counts=np.asarray(counts, dtype=np.int64),
        ids=tuple(ids),
        radices=tuple(int(r) for r in radices),
    )


# ---------------------------------------------------------------------------- counts


def positive_counts(counts: np.ndarray) -> np.ndarray:
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    return c[c > 0]


def counts_of_counts(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m, f = np.unique(c, return_counts=True)
    return m.astype(np.float64), f.astype(np.float64)


def check_counts(counts: Any, *, whole: bool = False) -> np.ndarray:
    """Validated positive counts (float64): finite, non-negative, not all zero; with
    ``whole`` also whole numbers (estimators built on a sampling model of integer counts)."""
    arr = np.asarray(counts)
    if arr.size == 0:
        raise ValueError("counts are empty; at least one observation is needed.")
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"counts must be an array of non-negative integers (occurrences of each symbol); "
            f"got dtype {arr.dtype} with shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("counts must be finite non-negative numbers (occurrences of each symbol).")
    if whole and arr.dtype.kind == "f" and np.any(arr != np.round(arr)):
        bad = arr[arr != np.round(arr)].ravel()[0]
        raise ValueError(
            f"counts must be whole numbers (occurrences of each symbol); got {bad!r}. "
            "Round or pass integer counts; for probabilities use infolens.exact.entropy."
        )
    c = positive_counts(arr)
    if c.size == 0:
        raise ValueError("counts are all zero; at least one observation is needed.")
    return c


# ------------------------------------------------------------------- plug-in entropy


def plugin_entropy(counts: Any) -> float:
    """Plug-in (maximum-likelihood) entropy in nats of symbol counts (zeros ignored):
    ``-sum (n_i/N) log(n_i/N)``, the entropy of the empirical pmf."""
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    return _entropy_nats(c / c.sum())


def entropy_of_codes(codes: np.ndarray) -> float:
    """Plug-in entropy in nats of a 1-D array of non-negative integer symbol codes."""
    return plugin_entropy(count(codes, int(codes.max()) + 1 if codes.size else 0)[1])


def plugin_mi(a: np.ndarray, b: np.ndarray) -> float:
    """Plug-in ``I(A;B) = H(A) + H(B) - H(A,B)`` in nats of two code arrays (rows paired).

    ``H(A) + H(B) - H(A,B) >= 0`` exactly; only float rounding (~1e-15) can make the
    difference negative, and it is then returned as 0.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ra, rb = int(a.max()) + 1, int(b.max()) + 1
    joint, radix, _ = combine([a, b], [ra, rb])
    h_ab = plugin_entropy(count(joint, radix)[1])
    val = plugin_entropy(count(a, ra)[1]) + plugin_entropy(count(b, rb)[1]) - h_ab
    return val if val > 0 else 0.0
