"""infolens: information theory for looking inside deep-learning models and data.

Top level, for samples (rows are samples, columns are dimensions)::

    infolens.entropy(x)                              # H(X) or h(X)
    infolens.mutual_information(x, y)                # I(X;Y)
    infolens.conditional_mutual_information(x, y, z) # I(X;Y|Z)
    infolens.kl_divergence(p_samples, q_samples)     # D(p || q)

each with ``method=`` (default ``"auto"``), ``base=`` (``"e"`` nats by default, ``2`` bits)
and ``ci=`` (e.g. 0.95), returning an :class:`Estimate`.  Closed forms on known
distributions live in :mod:`infolens.exact`.  Heavy submodules are imported on first use,
so ``import infolens`` needs only NumPy and SciPy and stays fast.
"""

from __future__ import annotations

import importlib

from .result import Estimate
from .units import convert, log_base, unit_name

__version__ = "0.1.0"

_API = {
    "entropy": "infolens.estimate.api",
    "mutual_information": "infolens.estimate.api",
    "conditional_mutual_information": "infolens.estimate.api",
    "kl_divergence": "infolens.estimate.api",
    "estimators": "infolens.estimate.api",
    "permutation_test": "infolens.estimate.resampling",
}
_SUBMODULES = ("exact", "estimate", "bounds", "ib", "pid", "nn", "data", "verify", "report", "units")

__all__ = [
    "Estimate", "convert", "log_base", "unit_name", "__version__", *_API, *_SUBMODULES,
]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'infolens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
