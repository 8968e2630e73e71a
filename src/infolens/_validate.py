"""One door for input: coercion and checks shared by every public function.

Every public function calls these first, so bad input fails the same way everywhere:
a ``TypeError`` or ``ValueError`` that names the argument, shows what was received and
says what to do instead.  Nothing here mutates its input, clips, drops or renormalises
silently.  Torch tensors and pandas objects are recognised without importing torch or
pandas.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from .units import Base, log_base

__all__ = [
    "as_array",
    "check_samples",
    "check_consistent_length",
    "check_pmf",
    "check_axes",
    "check_base",
    "check_covariance",
    "check_random_state",
    "check_probability",
    "check_positive_int",
    "check_finite_array",
    "check_orderable_objects",
    "is_discrete",
]

_DISCRETE_KINDS = "biuUSO"
# numpy.exceptions exists from NumPy 1.25; older releases keep the class at the top level
_VISIBLE_DEPRECATION = getattr(np, "exceptions", np).VisibleDeprecationWarning


def _module_of(x: Any) -> str:
    return type(x).__module__ or ""


def as_array(x: Any, name: str) -> np.ndarray:
    """Turn NumPy arrays, torch tensors, pandas objects, lists and scalars into an array.

    Torch tensors are detached and copied to the CPU; pandas categoricals become their
    category values (object dtype).  The returned array may share memory with the input,
    so callers must never write into it.
    """
    mod = _module_of(x)
    if mod.startswith("torch"):
        if not hasattr(x, "detach"):
            raise TypeError(f"{name}: got a torch object of type {type(x).__name__}, expected a tensor.")
        t = x.detach()
        if getattr(t, "is_meta", False) or getattr(getattr(t, "device", None), "type", "") == "meta":
            raise ValueError(
                f"{name}: got a torch tensor on the 'meta' device (shape {tuple(t.shape)}), which "
                "holds no data, only a shape and dtype; compute it on a real device ('cpu' or "
                "'cuda') first, e.g. by running the model after model.to_empty(device='cpu') "
                "and loading its weights."
            )
        if getattr(t, "dtype", None) is not None and "bfloat16" in str(t.dtype):
            t = t.float()
        return t.cpu().numpy()
    if mod.startswith("pandas"):
        if hasattr(x, "dtype") and str(getattr(x, "dtype", "")) == "category":
            return np.asarray(x.astype(object))
        if hasattr(x, "dtypes") and hasattr(x, "columns"):  # DataFrame
            cols = [as_array(x[c], f"{name}[{c!r}]") for c in x.columns]
            if not cols:
                raise ValueError(f"{name}: the DataFrame has no columns.")
            if all(c.dtype.kind in "fiub" for c in cols):
                return np.column_stack(cols)
            return np.column_stack([c.astype(object) for c in cols])
        return np.asarray(x.to_numpy())
    if mod.startswith("dask"):
        raise TypeError(
            f"{name}: got a Dask array; use the streaming estimators in "
            "infolens.estimate.streaming (they take Dask arrays chunk by chunk)."
        )
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name}: got a single string {x!r}; pass a sequence of samples.")
    try:
        with warnings.catch_warnings():
            # NumPy < 1.24 warns on ragged lists before building an object array
            warnings.simplefilter("ignore", _VISIBLE_DEPRECATION)
            arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(
            f"{name}: could not convert {type(x).__name__} to an array ({exc}); "
            "pass a NumPy array, a torch tensor, a pandas object or a rectangular list."
        ) from None
    if arr.dtype == object and arr.ndim >= 1:
        # ragged input turned into an array of sequences
        if any(isinstance(v, (list, tuple, np.ndarray)) for v in arr.ravel()[:100]):
            # NumPy < 1.24 builds this object array where newer NumPy raises: same error
            raise TypeError(
                f"{name}: could not convert {type(x).__name__} to an array (the rows have "
                "different lengths); pass a NumPy array, a torch tensor, a pandas object or a "
                "rectangular list."
            )
    return arr


def _type_family(v: Any) -> str:
    if isinstance(v, (numbers.Number, np.number, np.bool_)):
        return "number/bool"
    if isinstance(v, (str, np.str_)):
        return "str"
    if isinstance(v, (bytes, np.bytes_)):
        return "bytes"
    return type(v).__name__


def check_orderable_objects(arr: np.ndarray, name: str) -> None:
    """Raise ``TypeError`` if a column of an object array mixes kinds of value that cannot
    be compared (numbers with strings, strings with bytes, ...).

    Every discrete estimator sorts the labels of a column to code them; a column holding
    ``True`` and ``"a"`` cannot be sorted.  The message names the argument, the column,
    the kinds found and the first row of the less common kind.
    """
    if arr.dtype != object:
        return
    flat = arr.reshape(arr.shape[0], -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        fams = [_type_family(v) for v in col]
        kinds = dict.fromkeys(fams)
        if len(kinds) <= 1:
            continue
        counts = {k: fams.count(k) for k in kinds}
        rare = min(counts, key=counts.get)
        row = fams.index(rare)
        where = f"column {j}" if flat.shape[1] > 1 else "the column"
        desc = ", ".join(f"{counts[k]} {k}" for k in kinds)
        raise TypeError(
            f"{name}: {where} mixes kinds of value that cannot be ordered ({desc}; first "
            f"{rare} value {col[row]!r} at row {row}). Labels must be of one kind: convert "
            f"the column, e.g. {name}.astype(str), or fix the stray entry."
        )


def is_discrete(arr: np.ndarray) -> bool:
    """True for integer, bool, string, bytes and object (category) dtypes."""
    return arr.dtype.kind in _DISCRETE_KINDS


def check_finite_array(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if a numeric array holds NaN or infinity, saying where."""
    if arr.dtype.kind in "fc":
        bad = ~np.isfinite(arr)
        if bad.any():
            idx = np.argwhere(bad)[0]
            what = "NaN" if np.isnan(arr[tuple(idx)]) else "infinity"
            count = int(bad.sum())
            raise ValueError(
                f"{name} contains {count} non-finite value(s) (first: {what} at index "
                f"{tuple(int(i) for i in idx)}); remove or impute them before estimating — "
                "infolens never drops rows silently."
            )
    elif arr.dtype == object:
        for i, v in enumerate(arr.ravel()):
            if v is None or (isinstance(v, float) and not np.isfinite(v)):
                raise ValueError(
                    f"{name} contains a missing/non-finite value ({v!r}) at flat index {i}; "
                    "remove or impute it before estimating."
                )


def check_samples(
    x: Any,
    name: str,
    *,
    min_samples: int = 1,
    kind: str | None = None,
) -> np.ndarray:
    """Validate a sample matrix: rows are samples, columns are dimensions.

    A 1-D input becomes one column.  Returns an ``(n, d)`` array.

    Parameters
    ----------
    kind : {None, "discrete", "continuous"}
        ``"discrete"`` rejects float data (suggesting binning); ``"continuous"`` converts
        numeric data to float64 and rejects strings.
    """
    arr = as_array(x, name)
    if arr.ndim == 0:
        raise ValueError(f"{name}: got a scalar; pass one sample per row (an array of shape (n,) or (n, d)).")
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim > 2:
        raise ValueError(
            f"{name}: expected an array of shape (n,) or (n, d), got shape {arr.shape}; "
            "flatten the trailing dimensions, e.g. x.reshape(len(x), -1)."
        )
    n, d = arr.shape
    if n == 0 or d == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); at least one sample and one column are needed.")
    if n < min_samples:
        raise ValueError(f"{name}: {n} samples given, this estimator needs at least {min_samples}.")
    check_finite_array(arr, name)
    check_orderable_objects(arr, name)
    if kind == "discrete" and arr.dtype.kind in "fc":
        raise TypeError(
            f"{name} holds floating-point values (dtype {arr.dtype}) but a discrete estimator was "
            "asked for; bin the data first (infolens.estimate.binning.discretize or method='binning') "
            "or use a continuous method such as 'ksg' or 'kl'. Integer-valued floats can be cast "
            "with x.astype(int)."
        )
    if kind == "continuous":
        if arr.dtype.kind in "USO":
            raise TypeError(
                f"{name} holds non-numeric values (dtype {arr.dtype}); a continuous estimator needs "
                "numbers. Use a discrete method for categorical data."
            )
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} is complex (dtype {arr.dtype}); pass real and imaginary parts as columns.")
        arr = arr.astype(np.float64, copy=False)
    return arr


def check_consistent_length(**arrays: Any) -> int:
    """Raise ``ValueError`` unless all arrays have the same number of rows; return it."""
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if not lengths:
        raise ValueError("no arrays were given to compare; pass at least one sample array.")
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(f"inputs have different numbers of samples ({desc}); rows must be paired samples.")
    return next(iter(lengths.values()))


def check_pmf(
    p: Any,
    name: str = "p",
    *,
    normalize: bool = False,
    atol: float = 1e-8,
    min_ndim: int = 1,
) -> np.ndarray:
    """Validate a probability mass function (any number of axes, one per variable).

    Entries must be finite and non-negative and sum to 1 within ``atol``.  With
    ``normalize=True`` a non-negative array with positive total is divided by its sum
    (an explicit opt-in; nothing is renormalised otherwise).  Returns a float64 copy.
    """
    raw = as_array(p, name)
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real probabilities; got dtype {raw.dtype}. Pass numbers, not "
            "strings or objects (build the pmf with np.histogram/np.bincount first)."
        )
    arr = np.array(raw, dtype=np.float64, copy=True)
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axis/axes (one per variable); got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    check_finite_array(arr, name)
    if (arr < 0).any():
        i = tuple(int(v) for v in np.argwhere(arr < 0)[0])
        raise ValueError(f"{name} has negative entries (e.g. {arr[i]:.3g} at {i}); a pmf must be >= 0.")
    total = float(arr.sum())
    if normalize:
        if total <= 0:
            raise ValueError(f"{name} sums to {total}; cannot normalise an all-zero array.")
        return arr / total
    # allowance: ``atol`` plus the worst-case rounding of summing ``size`` numbers stored
    # in the input's precision (float32 softmax outputs are accepted, 1 + 1e-6 is not)
    eps = float(np.finfo(raw.dtype).eps) if raw.dtype.kind == "f" else float(np.finfo(np.float64).eps)
    if abs(total - 1.0) > atol + arr.size * eps:
        raise ValueError(
            f"{name} sums to {total:.12g}, not 1; pass a normalised pmf or opt in with normalize=True."
        )
    return arr


def check_axes(axes: Any, ndim: int, name: str) -> tuple[int, ...]:
    """Normalise an axis index or a sequence of them against a pmf with ``ndim`` axes."""
    if axes is None:
        return ()
    if isinstance(axes, numbers.Integral) and not isinstance(axes, bool):
        axes = (axes,)
    try:
        items = list(axes)
    except TypeError:
        raise TypeError(f"{name} must be an axis index or a sequence of axis indices; got {axes!r}.") from None
    for a in items:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"{name} must contain integer axis indices; got {a!r} in {axes!r}.")
    out = tuple(int(a) for a in items)
    norm = []
    for a in out:
        if not -ndim <= a < ndim:
            raise ValueError(f"{name}: axis {a} is out of range for a pmf with {ndim} axes.")
        norm.append(a % ndim)
    if len(set(norm)) != len(norm):
        raise ValueError(f"{name} repeats an axis: {out}.")
    return tuple(norm)


def check_base(base: Base) -> float:
    """Validate ``base`` and return ``ln(base)`` (see :func:`infolens.units.log_base`)."""
    return log_base(base)


def check_covariance(cov: Any, name: str = "cov") -> np.ndarray:
    """Validate a covariance matrix: square, finite, symmetric and positive definite.

    Returns a float64 2-D array (a scalar or length-1 variance becomes a 1x1 matrix).  The error
    says which property failed.
    """
    raw = as_array(cov, name)
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real matrix; got dtype {raw.dtype}.")
    c = np.array(raw, dtype=np.float64, copy=True)
    if c.ndim == 0 or c.shape == (1,):
        c = c.reshape(1, 1)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {c.shape}.")
    if c.size == 0:
        raise ValueError(f"{name} is empty.")
    check_finite_array(c, name)
    scale = max(1.0, float(np.abs(c).max()))
    if not np.allclose(c, c.T, rtol=1e-10, atol=1e-12 * scale):
        err = float(np.abs(c - c.T).max())
        raise ValueError(f"{name} is not symmetric (max |C - C^T| = {err:.3g}); symmetrise it, e.g. (C + C.T) / 2.")
    try:
        np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        w = np.linalg.eigvalsh(c)
        raise ValueError(
            f"{name} is not positive definite (smallest eigenvalue {w.min():.3g}); differential "
            "entropy and Gaussian MI need a non-singular covariance. Drop collinear dimensions "
            "or add a documented noise floor."
        ) from None
    return c


def check_random_state(random_state: Any) -> np.random.Generator:
    """Turn None, an int, a SeedSequence or a Generator into a ``numpy.random.Generator``."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    raise TypeError(
        f"random_state must be None, an int or a numpy.random.Generator; got {type(random_state).__name__}."
    )


def check_probability(p: Any, name: str, *, open_low: bool = False, open_high: bool = False) -> float:
    """Validate a scalar probability in [0, 1] (optionally open at either end)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name} must be a real number in [0, 1]; got {type(p).__name__} {p!r}.")
    v = float(p)
    lo_ok = v > 0 if open_low else v >= 0
    hi_ok = v < 1 if open_high else v <= 1
    if not (np.isfinite(v) and lo_ok and hi_ok):
        lo = "(0" if open_low else "[0"
        hi = "1)" if open_high else "1]"
        raise ValueError(f"{name}={p!r} must lie in {lo}, {hi}.")
    return v


def check_positive_int(k: Any, name: str, *, minimum: int = 1) -> int:
    """Validate an integer parameter ``>= minimum``."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {type(k).__name__} {k!r}.")
    if int(k) < minimum:
        raise ValueError(f"{name}={k} must be >= {minimum}.")
    return int(k)
