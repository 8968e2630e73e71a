"""Estimators of information quantities from samples.

The public entry points are :func:`infolens.entropy`, :func:`infolens.mutual_information`,
:func:`infolens.conditional_mutual_information`, :func:`infolens.kl_divergence` and
:func:`infolens.estimators` (defined in :mod:`infolens.estimate.api`), plus
:func:`infolens.permutation_test` (:mod:`infolens.estimate.resampling`).  One module per
family registers its estimators in one table (:mod:`infolens.estimate._registry`):

- :mod:`~infolens.estimate.discrete` — plug-in, Miller–Madow, Grassberger, Chao–Shen,
  jackknife, NSB, Pitman–Yor mixture (PYM), shrinkage (entropy, MI, CMI) and the discrete KL plug-in;
- :mod:`~infolens.estimate.binning` — uniform / quantile / fixed-width binning;
- :mod:`~infolens.estimate.knn`, :mod:`~infolens.estimate.gaussian` — k-NN, Gaussian and
  Gaussian-copula estimators;
- :mod:`~infolens.estimate.streaming` — accumulators for batches and Dask arrays;
- :mod:`~infolens.estimate.resampling` — confidence intervals and permutation tests.

Submodules are imported on first attribute access so that ``import infolens`` stays fast.
"""

from __future__ import annotations

import importlib

_API = (
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "kl_divergence",
    "estimators",
)

__all__ = [*_API, "permutation_test"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(f"{__name__}.api"), name)
    if name == "permutation_test":
        return importlib.import_module(f"{__name__}.resampling").permutation_test
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        raise


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
