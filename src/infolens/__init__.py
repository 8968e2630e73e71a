"""infolens: information theory for looking inside deep-learning models and data.

Top level, for samples (rows are samples, columns are dimensions)::

    infolens.entropy(x)                              # H(X) or h(X)
    infolens.mutual_information(x, y)                # I(X;Y)
    infolens.conditional_mutual_information(x, y, z) # I(X;Y|Z)
    infolens.kl_divergence(p_samples, q_samples)     # D(p || q)

each with ``method=`` (default ``"auto"``), ``base=`` (``"e"`` nats by default, ``2`` bits)
and ``ci=`` (e.g. 0.95), returning an :class:`Estimate`.  Closed forms on known
distributions live in :mod:`infolens.exact`.  Submodules and the estimator functions are
imported on first use (:mod:`infolens._lazy`), so ``import infolens`` loads neither NumPy
nor torch and takes about 10 ms.
"""

from __future__ import annotations

from ._lazy import attach
from ._version import __version__
from .result import Estimate
from .units import convert, log_base, unit_name

_EXPORTS = {
    "entropy": "estimate.api",
    "mutual_information": "estimate.api",
    "conditional_mutual_information": "estimate.api",
    "kl_divergence": "estimate.api",
    "estimators": "estimate.api",
    "permutation_test": "estimate.resampling",
    "mutual_information_per_feature": "estimate.features",
}
_SUBMODULES = ("exact", "estimate", "bounds", "ib", "pid", "nn", "data", "verify", "report", "units")

__all__ = [
    "Estimate", "convert", "log_base", "unit_name", "__version__", *_EXPORTS, *_SUBMODULES,
]

__getattr__, __dir__ = attach(__name__, _EXPORTS, _SUBMODULES)
