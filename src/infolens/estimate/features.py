r"""One call per feature: :math:`I(X_j;Y)` for every column :math:`X_j` of a data matrix.

:func:`mutual_information_per_feature` is the loop ``[mutual_information(X[:, j], y) for
j in range(d)]`` done once: ``y`` is validated, classified and standardised once, the
columns of ``X`` are validated together, ``method="auto"`` is resolved once per column
kind, and for the two estimators feature screening runs most, it takes a faster path
that gives the same value:

* ``"ross"`` (a continuous column, a discrete ``y``; what ``"auto"`` picks there): the
  label codes, their counts and the rows of each label are computed once; per column,
  one sort per label and one sort of the column give every neighbour distance and count
  (binary search in sorted arrays; no trees);
* ``"ksg1"`` (a continuous column, a continuous one-column ``y``): ``y`` is sorted
  once; per column, the joint 2-D neighbour search, then the two marginal counts by
  binary search in the sorted values.

Each fast path returns exactly the value of the registered estimator (same distances,
same integer counts, same sums; pinned by ``tests/estimate/test_per_feature.py``).  On
the cases where the registered estimator does something more (repeated rows, a label
seen once, a deterministic relation, huge magnitudes) the fast path steps aside and
the registered estimator runs, with its warnings.  Everything else (other methods,
intervals with ``ci=``) runs the registered estimator on the shared, validated arrays.

Per-feature MI ranks features one at a time: it misses features that are informative
only jointly (XOR) and counts redundant features twice.  ``infolens.mutual_information(X,
y)`` estimates the joint :math:`I(X;Y)`, which ``infolens estimate FILE --x all --y
target`` prints next to the per-feature table.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
from scipy.special import digamma

from .._validate import (
    as_array,
    check_base,
    check_consistent_length,
    check_positive_int,
    check_probability,
    check_random_state,
    check_samples,
    is_discrete,
)
from ..result import Estimate
from ..units import Base
from ._call import Call, column_scales, prepare
from .api import _finish

__all__ = ["FeatureEstimates", "mutual_information_per_feature"]


class FeatureEstimates(Sequence):
    """One :class:`~infolens.result.Estimate` per feature, with the feature names.

    A read-only sequence: ``res[j]`` or ``res["name"]`` is an ``Estimate`` (a float with
    ``.method``, ``.ci``, ...), ``len(res)`` the number of features, iteration yields the
    estimates in column order.  ``res.names`` and ``res.values`` (a NumPy array) give the
    columns and the point values; ``res.sorted()`` the same result ordered by value
    (largest first); ``str(res)`` / ``res.table()`` a text table; ``res.to_dict()`` plain
    JSON; ``res.to_frame()`` a pandas DataFrame.

    Examples
    --------
    >>> from infolens import Estimate
    >>> r = FeatureEstimates(["a", "b"], [Estimate(0.1, method="ross"),
    ...                                   Estimate(0.7, method="ross")])
    >>> r.sorted().names
    ('b', 'a')
    >>> float(r["b"])
    0.7
    """

    def __init__(self, names: Sequence[str], estimates: Sequence[Estimate]) -> None:
        names, estimates = tuple(str(v) for v in names), tuple(estimates)
        if len(names) != len(estimates):
            raise ValueError(f"{len(names)} names for {len(estimates)} estimates.")
        self._names = names
        self._estimates = estimates

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names, in the order of the estimates."""
        return self._names

    @property
    def estimates(self) -> tuple[Estimate, ...]:
        return self._estimates

    @property
    def values(self) -> np.ndarray:
        """Point values as a float array (in the estimates' unit)."""
        return np.array([float(e) for e in self._estimates], dtype=np.float64)

    def __len__(self) -> int:
        return len(self._estimates)

    def __iter__(self) -> Iterator[Estimate]:
        return iter(self._estimates)

    @overload
    def __getitem__(self, key: int | str) -> Estimate: ...
    @overload
    def __getitem__(self, key: slice) -> FeatureEstimates: ...

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return FeatureEstimates(self._names[key], self._estimates[key])
        if isinstance(key, str):
            try:
                return self._estimates[self._names.index(key)]
            except ValueError:
                raise KeyError(f"no feature {key!r}; the features are {list(self._names)}.") from None
        return self._estimates[key]

    def items(self) -> Iterator[tuple[str, Estimate]]:
        """(name, estimate) pairs in column order."""
        return zip(self._names, self._estimates, strict=True)

    def sorted(self, *, descending: bool = True) -> FeatureEstimates:
        """The same estimates ordered by value (largest first unless ``descending=False``;
        ties keep column order)."""
        order = sorted(range(len(self)), key=lambda j: -float(self._estimates[j])
                       if descending else float(self._estimates[j]))
        return FeatureEstimates([self._names[j] for j in order],
                                [self._estimates[j] for j in order])

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view: ``{"features": [{"column": name, **estimate.to_dict()}, ...]}``."""
        return {"features": [{"column": nm, **e.to_dict()} for nm, e in self.items()]}

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per feature (columns ``value``, ``unit``,
        ``method``, ``n``, ``ci_low``, ``ci_high``), indexed by feature name."""
        import pandas as pd

        rows = [{"value": float(e), "unit": e.unit, "method": e.method, "n": e.n,
                 "ci_low": e.ci[0] if e.ci else None, "ci_high": e.ci[1] if e.ci else None}
                for e in self._estimates]
        return pd.DataFrame(rows, index=pd.Index(self._names, name="column"))

    def table(self, digits: int = 4) -> str:
        """A text table: column, estimate (with its unit), interval if any, method."""
        head = ["column", f"I(X_j;Y) [{self._estimates[0].unit}]" if self else "I(X_j;Y)"]
        has_ci = any(e.ci is not None for e in self._estimates)
        if has_ci:
            lvl = next(e.ci_level for e in self._estimates if e.ci is not None)
            head.append(f"{100 * lvl:g}% CI" if lvl else "CI")
        head.append("method")
        rows = []
        for nm, e in self.items():
            row = [nm, f"{float(e):.{digits}f}"]
            if has_ci:
                row.append("" if e.ci is None else
                           f"[{e.ci[0]:.{digits}f}, {e.ci[1]:.{digits}f}]")
            row.append(e.method)
            rows.append(row)
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        right = {1}

        def fmt(r: list[str]) -> str:
            return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()

        return "\n".join([fmt(head), fmt(["-" * w for w in widths]), *map(fmt, rows)])

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        body = ", ".join(f"{nm}={float(e):.4g}" for nm, e in self.items())
        unit = self._estimates[0].unit if self else ""
        return f"FeatureEstimates({len(self)} features, {unit}: {body})"


# --------------------------------------------------------------------------------------
# input


def _columns(X: Any, names: Any) -> tuple[list[np.ndarray], list[str]]:
    """The columns of ``X`` as validated ``(n, 1)`` arrays, and their names.

    A DataFrame is split by column before conversion, so each column keeps its own
    dtype (an integer column stays discrete next to float columns), exactly as
    ``mutual_information(df[c], y)`` sees it.  Anything else goes through
    :func:`infolens._validate.check_samples` once; a 1-D ``X`` is one column.
    """
    mod = type(X).__module__ or ""
    if mod.startswith("pandas") and hasattr(X, "columns") and hasattr(X, "iloc"):
        default = [str(c) for c in X.columns]
        if not default:
            raise ValueError(f"X is empty (shape {X.shape}); at least one column is needed.")
        cols = [check_samples(X.iloc[:, j], f"X[{default[j]!r}]") for j in range(X.shape[1])]
    else:
        series_name = getattr(X, "name", None) if mod.startswith("pandas") else None
        arr = as_array(X, "X")
        if arr.ndim > 2:
            raise ValueError(
                f"X: expected a matrix of shape (n, d) (rows samples, columns features) or "
                f"one feature of shape (n,), got shape {arr.shape}; flatten the trailing "
                "dimensions, e.g. X.reshape(len(X), -1).")
        arr = check_samples(arr, "X")
        cols = [arr[:, j:j + 1] for j in range(arr.shape[1])]
        default = ([str(series_name)] if series_name is not None and arr.shape[1] == 1
                   else [f"x{j}" for j in range(arr.shape[1])])
    if names is None:
        return cols, default
    if isinstance(names, str):
        raise TypeError(f"names must be a sequence of strings, one per column; got the "
                        f"string {names!r}.")
    names = [str(v) for v in names]
    if len(names) != len(cols):
        raise ValueError(f"names: {len(names)} names given for {len(cols)} columns of X; "
                         "give one name per column (or names=None).")
    return cols, names


def _seed(random_state: Any) -> Any:
    """What each column's call seeds from: an int, ``None`` or a SeedSequence as given
    (so column j gets exactly the stream of ``mutual_information(X[:, j], y,
    random_state=seed)``); a Generator or RandomState is used as one stream across the
    columns (validated here)."""
    check_random_state(random_state)  # a bad type fails before any work
    return random_state


# --------------------------------------------------------------------------------------
# exact 1-D neighbour counts in sorted arrays


def _bound_hi(s: np.ndarray, q: np.ndarray, r: np.ndarray, strict: bool) -> np.ndarray:
    """For each query ``q_i``: the index one past the last ``s_j`` with ``s_j - q_i < r_i``
    (``strict``) or ``<= r_i``, decided on the computed difference.

    ``np.searchsorted`` on ``q + r`` is right up to the rounding of that sum; the loop
    then moves each index over whole runs of tied values while the condition says so
    (``fl(s_j - q)`` is non-decreasing in ``s_j``, so the answer is one cut point)."""
    n = s.size
    hi = np.searchsorted(s, q + r, side="left" if strict else "right")
    while True:
        m = hi < n
        m[m] = (s[hi[m]] - q[m] < r[m]) if strict else (s[hi[m]] - q[m] <= r[m])
        if m.any():
            hi[m] = np.searchsorted(s, s[hi[m]], side="right")
            continue
        m = hi > 0
        v = s[hi[m] - 1] - q[m]
        m[m] = ~(v < r[m]) if strict else ~(v <= r[m])
        if m.any():
            hi[m] = np.searchsorted(s, s[hi[m] - 1], side="left")
            continue
        return hi


def _bound_lo(s: np.ndarray, q: np.ndarray, r: np.ndarray, strict: bool) -> np.ndarray:
    """For each query ``q_i``: the first index with ``q_i - s_j < r_i`` (``strict``) or
    ``<= r_i`` (same exactness argument as :func:`_bound_hi`)."""
    n = s.size
    lo = np.searchsorted(s, q - r, side="right" if strict else "left")
    while True:
        m = lo > 0
        v = q[m] - s[lo[m] - 1]
        m[m] = (v < r[m]) if strict else (v <= r[m])
        if m.any():
            lo[m] = np.searchsorted(s, s[lo[m] - 1], side="left")
            continue
        m = lo < n
        v = q[m] - s[lo[m]]
        m[m] = ~(v < r[m]) if strict else ~(v <= r[m])
        if m.any():
            lo[m] = np.searchsorted(s, s[lo[m]], side="right")
            continue
        return lo


def _count_sorted(s: np.ndarray, r: np.ndarray, *, strict: bool) -> np.ndarray:
    """For sorted ``s``: the number of ``j != i`` with ``|s_j - s_i| < r_i`` (``strict``)
    or ``<= r_i``, in the order of ``s``."""
    cnt = _bound_hi(s, s, r, strict) - _bound_lo(s, s, r, strict) - 1
    if strict:
        cnt[r <= 0] = 0  # nothing lies strictly within distance 0 (not even the row itself)
    return cnt


def _kth_gap(s: np.ndarray, k: int) -> np.ndarray:
    """For sorted ``s``: the distance from each value to its k-th nearest other value
    (the k-th smallest of the k gaps on either side), in the order of ``s``."""
    n = s.size
    cand = np.full((n, 2 * k), np.inf)
    for o in range(1, k + 1):  # loop over neighbour offsets, not samples
        gap = s[o:] - s[:-o]
        cand[o:, o - 1] = gap
        cand[:-o, k + o - 1] = gap
    return np.partition(cand, k - 1, axis=1)[:, k - 1]


# Magnitudes outside [2**-200, 2**200] make the registered k-NN estimators rescale by a
# power of two first (infolens.estimate.knn, "Magnitudes"); the fast paths leave such
# data to them.
_SAFE = (2.0 ** -200, 2.0 ** 200)


def _plain_magnitudes(*arrays: np.ndarray) -> bool:
    top = max(float(np.abs(a).max()) for a in arrays)
    return top == 0.0 or _SAFE[0] <= top <= _SAFE[1]


# --------------------------------------------------------------------------------------
# fast paths (exactly the registered estimators' values, or None: run the estimator)


class _RossLabels:
    """What Ross's estimator needs of the labels, computed once for all columns."""

    def __init__(self, lab: np.ndarray) -> None:
        if lab.shape[1] == 1:
            codes = np.unique(lab[:, 0], return_inverse=True)[1]
        else:
            codes = np.unique(lab, axis=0, return_inverse=True)[1]
        self.codes = np.asarray(codes).ravel()
        self.counts = np.bincount(self.codes)
        self.n = self.codes.size
        self.singletons = bool((self.counts == 1).any())
        order = np.argsort(self.codes, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(self.counts)])
        self.rows = [order[bounds[c]:bounds[c + 1]] for c in range(self.counts.size)]
        self.label_term = digamma(self.n) - np.mean(digamma(self.counts[self.codes]))

    def mi(self, cont: np.ndarray, k: int) -> float | None:
        """``ross_mi`` of one continuous column ``cont`` (shape (n,)), or None."""
        if self.singletons or k >= self.n or not _plain_magnitudes(cont):
            return None
        n = self.n
        d = np.empty(n)
        kk = np.empty(n)
        for c, rows in enumerate(self.rows):  # loop over labels, not samples
            kc = min(k, int(self.counts[c]) - 1)
            block = cont[rows]
            o = np.argsort(block)
            s = block[o]
            dc = _kth_gap(s, kc)
            kc_i = np.maximum(_count_sorted(s, dc, strict=False), kc).astype(np.float64)
            d[rows[o]] = dc
            kk[rows[o]] = kc_i
        o = np.argsort(cont)
        m = np.empty(n, dtype=np.int64)
        m[o] = _count_sorted(cont[o], d[o], strict=False)
        return float(self.label_term + np.mean(digamma(kk)) - np.mean(digamma(m)))


# fraction of samples at the count floor from which ksg1 warns of a deterministic
# relation (infolens.estimate.knn._RELATION_FRACTION); the fast path defers to ksg1 there
_RELATION_FRACTION = 0.95


def _joint_2d(z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Max-norm distances to the k-th and the 1st nearest other row of 2-D ``z``: the
    compiled kernels of :mod:`._kdcount` when numba is present (and ``INFOLENS_NUMBA`` is
    not 0), else SciPy's cKDTree; both compute the same float64 distances."""
    if os.environ.get("INFOLENS_NUMBA", "1").strip() not in ("0", "false", "no", "off"):
        try:
            from . import _kdcount
        except ImportError:
            pass
        else:
            near = _kdcount.nearest(z, k)
            return near[:, k - 1], near[:, 0]
    from scipy.spatial import cKDTree

    dist, _ = cKDTree(z, leafsize=16, balanced_tree=False, compact_nodes=False).query(
        z, k=[2] if k == 1 else [2, k + 1], p=np.inf, workers=-1)
    return dist[:, -1], dist[:, 0]


class _SortedTarget:
    """A continuous one-column ``y`` sorted once, for KSG-1 against each column."""

    def __init__(self, y: np.ndarray) -> None:
        self.y = y
        self.order = np.argsort(y)
        self.sorted = y[self.order]

    def ksg1(self, x: np.ndarray, k: int) -> float | None:
        """``ksg1_mi`` of one column ``x`` (shape (n,)) and ``y``, or None."""
        y = self.y
        n = y.size
        if k >= n or not _plain_magnitudes(x, y):
            return None
        eps, first = _joint_2d(np.column_stack([x, y]), k)
        if (first == 0).any():  # repeated (x, y) rows: ksg1 drops them, with a warning
            return None
        ox = np.argsort(x)
        nx = np.empty(n, dtype=np.int64)
        nx[ox] = _count_sorted(x[ox], eps[ox], strict=True)
        ny = np.empty(n, dtype=np.int64)
        ny[self.order] = _count_sorted(self.sorted, eps[self.order], strict=True)
        if float(np.mean((nx <= k - 1) | (ny <= k - 1))) >= _RELATION_FRACTION:
            return None  # possibly deterministic: ksg1 decides and warns
        return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1.0) + digamma(ny + 1.0)))


# --------------------------------------------------------------------------------------


def mutual_information_per_feature(
    X: Any,
    y: Any,
    *,
    method: str = "auto",
    k: int = 3,
    base: Base = "e",
    ci: float | None = None,
    n_boot: int = 200,
    random_state: Any = None,
    names: Sequence[str] | None = None,
    **params: Any,
) -> FeatureEstimates:
    r"""Mutual information :math:`I(X_j;Y)` of each column of ``X`` with ``y``.

    The value for column ``j`` is the value of ``infolens.mutual_information(X[:, j], y,
    method=..., k=k, ...)`` -- same estimator, same parameters, same standardisation, the
    same number -- computed with the work shared across columns (module docstring):
    feature screening in one call, as ``sklearn.feature_selection.mutual_info_classif``
    and ``mutual_info_regression`` do, but with any registered estimator, intervals, and
    results that say what ran.

    Parameters
    ----------
    X : array_like of shape (n, d), or (n,) for one feature
        Features in columns (NumPy, pandas DataFrame, torch tensor, list).  A 1-D ``X``
        is one feature (as in every infolens estimator), not one sample.  Each column's
        dtype decides its kind: floating point is continuous, integer, bool, string and
        category columns are discrete; a DataFrame is split by column, so its integer and
        float columns keep their kinds.
    y : array_like of shape (n,) or (n, dy)
        Target, same number of rows; discrete labels or continuous values.
    method : str, default "auto"
        A registered MI estimator or ``"auto"``, resolved per column by the rule of
        :mod:`infolens.estimate.auto` (continuous column, discrete ``y``: ``"ross"``;
        both continuous: ``"ensemble"``; both discrete: ``"grassberger"``).
        ``res[j].method`` says what ran.
    k : int, default 3
        Neighbour order, passed to every chosen estimator that has a ``k`` (the k-NN
        family; ``"gao"`` too, whose own default is 5) and ignored by the others (the
        discrete estimators ``"auto"`` picks for discrete columns).  3 is also the
        ``n_neighbors`` default of scikit-learn.
    base : {"e", 2, 10} or float > 1, default "e"
        Logarithm base: ``"e"`` nats, ``2`` bits.
    ci : float in (0, 1), optional
        Confidence level of a per-feature interval (as :func:`infolens.mutual_information`).
    n_boot : int, default 200
        Resamples for the intervals.
    random_state : None, int or numpy.random.Generator
        An int seeds every column alike: column ``j`` gets exactly the result of
        ``mutual_information(X[:, j], y, random_state=seed)``.  A Generator is one
        stream drawn from column after column (reproducible, but column ``j`` then
        differs from a single call with that Generator).
    names : sequence of str, optional
        Feature names, one per column.  Default: a DataFrame's column names, a Series'
        name, else ``"x0"``, ``"x1"``, ...
    **params
        Further estimator parameters (``standardize=False``, ``n_surrogates=``, ...),
        passed as to :func:`infolens.mutual_information`.

    Returns
    -------
    FeatureEstimates
        One :class:`~infolens.result.Estimate` per column (``quantity="I(X;Y)"`` of that
        column), indexable by position or name, with ``.names``, ``.values``,
        ``.sorted()``, ``.table()``, ``.to_dict()`` and ``.to_frame()``.

    Raises
    ------
    ValueError
        ``X`` and ``y`` of different lengths, ``names`` of the wrong length, an empty
        ``X``, or an ``X`` of more than two dimensions; and whatever the estimator
        raises for a column (the message names the estimator).
    TypeError
        An estimator that does not accept a column's kind (a discrete estimator on a
        float column, ...), with the methods that would.

    Notes
    -----
    Differences from scikit-learn's ``mutual_info_classif`` / ``mutual_info_regression``
    on the same columns with the same ``k``.  Ties: scikit-learn adds noise of relative
    size 1e-10 (``random_state``) to every continuous column; here ``"ross"`` counts tied
    neighbours by the rule of Gao et al. (2017) and ``"ksg1"`` drops repeated rows with a
    warning, so on quantised features the values differ.  Scale: scikit-learn divides by
    the standard deviation, the k-NN estimators here by a robust (MAD-based) scale.
    ``"ross"`` on one column does not depend on the scale at all, but KSG's joint
    max-norm neighbourhoods depend on the ratio of the x and y scales, so ``"ksg1"``
    values differ where the two scales disagree (skewed or two-valued columns).
    With ``standardize=False`` on scikit-learn's own scaled and jittered points both
    compute the same numbers to round-off.  scikit-learn also clips negative estimates
    to 0; these are not clipped.  ``benchmarks/results/per_feature.md`` has times and
    differences on six data sets.

    References
    ----------
    Ross, B. C. (2014). Mutual information between discrete and continuous data sets.
    *PLoS ONE* 9(2), e87357.  Kraskov, A., Stögbauer, H. & Grassberger, P. (2004).
    Estimating mutual information. *Phys. Rev. E* 69, 066138.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 3))
    >>> y = (X[:, 0] > 0).astype(int)          # only column 0 tells anything about y
    >>> res = infolens.mutual_information_per_feature(X, y, names=["a", "b", "c"])
    >>> res.sorted().names[0], res["a"].method
    ('a', 'ross')
    >>> bool(abs(float(res["a"]) - np.log(2)) < 0.05)   # y is a function of X_0: I = H(Y)
    True
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a string (a registered name or 'auto'); got "
                        f"{type(method).__name__}.")
    k = check_positive_int(k, "k")
    check_base(base)
    level = None if ci is None else check_probability(ci, "ci", open_low=True, open_high=True)
    seed = _seed(random_state)
    cols, names = _columns(X, names)
    y_arr = check_samples(y, "y")
    check_consistent_length(X=cols[0], y=y_arr)
    # one prepared call per column kind: resolves "auto", checks kinds and parameters
    # (the errors of mutual_information), standardises y once
    templates: dict[str, Call] = {}
    fast: dict[str, Any] = {}
    estimates = []
    for j, col in enumerate(cols):
        kind = "discrete" if is_discrete(col) else "continuous"
        with _about(names[j], j):
            if kind not in templates:
                templates[kind] = _template(col, y_arr, method, k, params)
                fast[kind] = _fast_path(templates[kind])
            call = _column_call(templates[kind], col)
            value = None
            if fast[kind] is not None and level is None:
                value = fast[kind](call.arrays[0][:, 0], int(call.params["k"]))
            estimates.append(_finish(call, base, level, n_boot, check_random_state(seed), value))
    return FeatureEstimates(names, estimates)


class _about:
    """Context for one column: an error or warning from its estimator names the feature
    (``feature 'age' (column 3): ...``), keeping its type."""

    def __init__(self, name: str, j: int) -> None:
        self.prefix = f"feature {name!r} (column {j}): "
        self._catch = warnings.catch_warnings(record=True)

    def __enter__(self) -> None:
        self._log = self._catch.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, typ: Any, exc: Any, tb: Any) -> bool:
        self._catch.__exit__(None, None, None)
        for w in self._log:
            warnings.warn_explicit(self.prefix + str(w.message), w.category, w.filename,
                                   w.lineno)
        if typ in (ValueError, TypeError, RuntimeError):
            raise typ(self.prefix + str(exc)) from exc
        return False


def _template(col: np.ndarray, y: np.ndarray, method: str, k: int,
              params: dict[str, Any]) -> Call:
    """``prepare`` on one column: the estimator and parameters for every column of its
    kind (``k`` added where the estimator takes one)."""
    call = prepare("mi", (col, y), method, params)
    if "k" in call.info.params and "k" not in params:
        call = prepare("mi", (col, y), method, {**params, "k": k})
    return call


def _column_call(tpl: Call, col: np.ndarray) -> Call:
    """The template's call with column ``col`` in place of its first argument,
    standardised as ``prepare`` would do it (the shared ``y`` keeps its array)."""
    x = col.astype(np.float64, copy=False) if tpl.kinds[0] == "continuous" else col
    scales = tpl.scales
    if scales is not None and tpl.kinds[0] == "continuous":
        s = column_scales(x)
        x = x / s
        scales = (s, scales[1])
    return Call(tpl.quantity, tpl.info, (x, tpl.arrays[1]), tpl.params, tpl.kinds, tpl.n,
                scales=scales)


def _fast_path(tpl: Call) -> Any:
    """A function ``(column as 1-D float array, k) -> value or None`` when the template's
    estimator has a shared-work path (module docstring), else None."""
    name = tpl.info.name
    x_kind, y_kind = tpl.kinds
    y = tpl.arrays[1]
    if set(tpl.params) != {"k"}:
        return None
    if name == "ross" and x_kind == "continuous" and y_kind == "discrete":
        return _RossLabels(y).mi
    if name == "ksg1" and x_kind == y_kind == "continuous" and y.shape[1] == 1:
        return _SortedTarget(np.ascontiguousarray(y[:, 0])).ksg1
    return None

