"""A prepared estimator call: validated arrays, their data kinds, the chosen estimator.

:func:`prepare` is step 1-4 of every sample estimate (:mod:`infolens.estimate.api`):

1. validate each argument through :mod:`infolens._validate`;
2. classify each as ``"discrete"`` or ``"continuous"`` (the call's signature is
   ``"discrete"``, ``"continuous"`` or ``"mixed"``);
3. resolve ``method="auto"`` with :func:`infolens.estimate.auto.choose` or look the named
   method up in the registry (an old name is mapped to its new one with a
   ``DeprecationWarning``, see :data:`infolens.estimate._records.ALIASES`);
4. check that the estimator accepts these data kinds and parameters (a clear error
   otherwise);
5. for an estimator whose estimate depends on the column scales (the k-NN family, marked
   ``scale=`` in the registry), divide each continuous column by its robust scale
   (:func:`column_scales`) unless ``standardize=False`` was passed.

Why 5: k-NN neighbourhoods in the max norm are dominated by the widest column, so the
same data in other units (metres vs millimetres) gave another estimate — on wine's 13
features I(X;Y) came out below the largest single-feature MI, which no joint MI can be.
MI, CMI and KL divergence are invariant to a per-column rescaling, so nothing else
changes; a differential entropy is covariant, h(X) = h(X / s) + sum_j log s_j, and the
shift is added back.  The two samples of a KL divergence share one scale per column
(computed on both together), since D(P||Q) is invariant only to a common map.

The result, a :class:`Call`, evaluates the estimator in nats on its own data or on
resampled rows (:meth:`Call.run`); the interval schemes and the permutation test of
:mod:`infolens.estimate.resampling` and the public functions of
:mod:`infolens.estimate.api` all work on it.  The registry
(:mod:`infolens.estimate._registry`) is complete on import, so choosing a method sees
every estimator; this module is imported by ``resampling``, ``api`` and ``features`` and
by nothing below them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_consistent_length, check_samples, is_discrete
from . import _counting, _registry, auto

__all__ = ["Call", "prepare", "column_scales"]

_MAD_TO_SD = 1.482602218505602  # 1 / Phi^{-1}(3/4): MAD of a normal sample -> its sd


def column_scales(a: np.ndarray) -> np.ndarray:
    """Robust scale of each column: ``1.4826 * median|x - median(x)|`` (the normal-consistent
    median absolute deviation), the standard deviation where the MAD is 0 (over half the
    values equal), and 1 for a constant column.

    Each is positively homogeneous, ``scale(c x) = c scale(x)``, so dividing by it makes an
    estimate invariant to the units of every column.

    >>> import numpy as np
    >>> column_scales(np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 10.0]])).round(3)
    array([1.483, 4.33 ])
    """
    a = np.asarray(a, dtype=np.float64)
    med = np.median(a, axis=0)
    s = _MAD_TO_SD * np.median(np.abs(a - med), axis=0)
    zero = ~(s > 0)
    if zero.any():
        s[zero] = np.std(a[:, zero], axis=0)
    # a constant column (whose sd is round-off, not 0, for most constants) stays as it is
    s[(np.ptp(a, axis=0) == 0) | ~(s > 0)] = 1.0
    return s

_ARGS = {
    "entropy": ("x",),
    "mi": ("x", "y"),
    "cmi": ("x", "y", "z"),
    "kl": ("p_samples", "q_samples"),
}


def _kind(arr: np.ndarray) -> str:
    return "discrete" if is_discrete(arr) else "continuous"


def _signature(kinds: tuple[str, ...]) -> str:
    if all(k == "discrete" for k in kinds):
        return "discrete"
    if all(k == "continuous" for k in kinds):
        return "continuous"
    return "mixed"


def _names_accepting(quantity: str, signature: str) -> list[str]:
    return [e.name for e in _registry.estimators(quantity) if signature in e.kinds]


@dataclass
class Call:
    """A validated call: the estimator, its inputs and its final parameters."""

    quantity: str
    info: _registry.EstimatorInfo
    arrays: tuple[np.ndarray, ...]
    params: dict[str, Any]
    kinds: tuple[str, ...]
    n: int
    # added to every value: sum of log column scales for a standardised entropy, else 0
    shift: float = 0.0
    # per argument, the scales its continuous columns were divided by (None: unscaled)
    scales: tuple[np.ndarray | None, ...] | None = None

    def run(
        self, arrays: tuple[np.ndarray, ...] | None = None, rng: np.random.Generator | None = None
    ) -> float:
        """Value in nats on ``arrays`` (default: the call's own data)."""
        kw = dict(self.params)
        if self.info.random:
            kw["random_state"] = rng if rng is not None else np.random.default_rng(0)
        out = self.info.func(*(self.arrays if arrays is None else arrays), **kw)
        value = float(out) + self.shift
        if math.isnan(value):
            raise RuntimeError(
                f"estimator {self.info.name!r} returned NaN; this is a bug in infolens, "
                "please report it."
            )
        # a float carrying provenance (the neural estimators' .details) is passed on
        return out if hasattr(out, "details") and self.shift == 0.0 else value


def prepare(quantity: str, raw: tuple[Any, ...], method: str, params: dict[str, Any]) -> Call:
    names = _ARGS[quantity]
    if not isinstance(method, str):
        raise TypeError(
            f"method must be a string (a registered name or 'auto'); got {type(method).__name__}."
        )
    arrays = [check_samples(a, nm) for a, nm in zip(raw, names, strict=True)]
    if quantity == "kl":
        n = arrays[0].shape[0]
    else:
        n = check_consistent_length(**dict(zip(names, arrays, strict=True)))
    kinds = tuple(_kind(a) for a in arrays)
    sig = _signature(kinds)
    params = dict(params)
    if method == "auto":
        n_symbols = None
        if quantity == "entropy" and sig == "discrete":
            codes, radix = _counting.encode(arrays[0])
            n_symbols = int(_counting.count(codes, radix)[0].size)
        name, auto_params = auto.choose(
            quantity, kinds, n, tuple(a.shape[1] for a in arrays), n_symbols
        )
        params = {**auto_params, **params}
    else:
        name = method
    info = _registry.get(quantity, name)
    if sig not in info.kinds:
        raise TypeError(_kind_error(quantity, info, names, arrays, kinds, sig))
    allowed = set(info.params)
    standardize = params.pop("standardize", True) if info.scale is not None else False
    bad = sorted(set(params) - allowed)
    if bad:
        raise TypeError(
            f"method={info.name!r} got unexpected parameter(s) {bad}; it accepts "
            f"{sorted(allowed) or 'no parameters'} (see infolens.estimators())."
        )
    if "continuous" in kinds:
        arrays = [
            check_samples(a, nm, kind="continuous") if k == "continuous" else a
            for a, nm, k in zip(arrays, names, kinds, strict=True)
        ]
    if info.scale is None:
        return Call(quantity, info, tuple(arrays), params, kinds, int(n))
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False, got {standardize!r}.")
    if not standardize:
        return Call(quantity, info, tuple(arrays), params, kinds, int(n))
    arrays, scales, shift = _standardize(quantity, arrays, kinds)
    return Call(quantity, info, tuple(arrays), params, kinds, int(n), shift=shift,
                scales=scales)


def _standardize(quantity: str, arrays: list[np.ndarray], kinds: tuple[str, ...]):
    """Divide the continuous arguments by their column scales (module docstring, step 5)."""
    if quantity == "kl":
        if "continuous" not in kinds:
            return arrays, (None, None), 0.0
        s = column_scales(np.vstack(arrays))
        return [a / s for a in arrays], (s, s), 0.0
    out, scales = [], []
    for a, k in zip(arrays, kinds, strict=True):
        if k == "continuous":
            s = column_scales(a)
            out.append(a / s)
            scales.append(s)
        else:
            out.append(a)
            scales.append(None)
    shift = float(np.sum(np.log(scales[0]))) if quantity == "entropy" and scales[0] is not None \
        else 0.0
    return out, tuple(scales), shift


def _kind_error(quantity, info, names, arrays, kinds, sig) -> str:
    desc = ", ".join(
        f"{nm} is {k} (dtype {a.dtype})" for nm, a, k in zip(names, arrays, kinds, strict=True)
    )
    alternatives = _names_accepting(quantity, sig)
    alt = f" Methods that accept {sig} data: {alternatives}." if alternatives else ""
    if "discrete" in info.kinds and "continuous" not in info.kinds and "continuous" in kinds:
        fix = (
            f"method={info.name!r} is a discrete estimator but {desc}. Bin the data first "
            "(method='binning', or infolens.estimate.binning.discretize) or use a continuous "
            "method; integer-valued floats can be cast with x.astype(int)."
        )
    elif "discrete" in kinds and "discrete" not in info.kinds and "mixed" not in info.kinds:
        fix = (
            f"method={info.name!r} needs continuous (floating-point) data but {desc}. Use a "
            "discrete method, or cast with x.astype(float) if the integers are measurements "
            "(k-NN estimators then see ties)."
        )
    else:
        fix = f"method={info.name!r} accepts {list(info.kinds)} data, but {desc} ({sig})."
    return fix + alt
