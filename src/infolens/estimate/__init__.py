"""Estimators of information quantities from samples.

The public entry points are :func:`infolens.entropy`, :func:`infolens.mutual_information`,
:func:`infolens.conditional_mutual_information`, :func:`infolens.kl_divergence` and
:func:`infolens.estimators` (defined in :mod:`infolens.estimate.api`), plus
:func:`infolens.permutation_test` (:mod:`infolens.estimate.resampling`).  One module per
family declares its estimators, one record each (:mod:`infolens.estimate._records`); the
registry (:mod:`infolens.estimate._registry`) imports the families in one declared list,
so the table is complete whatever is imported first:

- :mod:`~infolens.estimate.discrete` — plug-in, Miller–Madow, Grassberger, Chao–Shen,
  jackknife, NSB, Pitman–Yor mixture (PYM, its posterior in :mod:`~infolens.estimate.pym`),
  shrinkage (entropy, MI, CMI) and the discrete KL plug-in;
- :mod:`~infolens.estimate.binning` — the one binning core: uniform / quantile /
  fixed-width / fixed-range bins (also used by streaming, PID, IB and ``nn``);
- :mod:`~infolens.estimate.knn` (the family: ``knn_entropy``, ``knn_mi``, ``knn_mixed``,
  ``knn_divergence`` on the core ``_knn_core``), :mod:`~infolens.estimate.gaussian` —
  k-NN, Gaussian and Gaussian-copula estimators;
- :mod:`~infolens.estimate.streaming` — accumulators for batches and Dask arrays;
- :mod:`~infolens.estimate.resampling` — confidence intervals and permutation tests.

The modules form one line, each importing only those before it::

    _records, auto, _intervals         the record type and its decorator, the table of
                                       renamed names; the "auto" policy; interval
                                       primitives (row bootstrap, normal / basic /
                                       bounded intervals, the cut to the range)
    _counting, _knn_core               symbol codes, joint codes, counts, plug-in
                                       entropy; the k-NN neighbour core
    discrete, binning, knn_entropy,    estimators; each declares its records
    knn_mi, knn_mixed, knn_divergence,
    gaussian, neural
    _registry                          the complete table: imports the families above
    _call                              a validated call with its chosen estimator
    resampling                         intervals of a call, permutation tests
    api                                entropy, mutual_information, ...

(``kde`` and ``streaming`` stand beside them.)  Submodules are imported on first attribute
access so that ``import infolens`` stays fast.
"""

from __future__ import annotations

from .._lazy import attach

_EXPORTS = {
    "entropy": "api",
    "mutual_information": "api",
    "conditional_mutual_information": "api",
    "kl_divergence": "api",
    "estimators": "api",
    "permutation_test": "resampling",
    "mutual_information_per_feature": "features",
}
_SUBMODULES = (
    "api", "auto", "binning", "discrete", "features", "gaussian", "kde", "knn",
    "knn_divergence", "knn_entropy", "knn_mi", "knn_mixed", "pym", "resampling", "streaming",
)

__all__ = list(_EXPORTS)

__getattr__, __dir__ = attach(__name__, _EXPORTS, _SUBMODULES)
