r"""Nearest-neighbour estimators: entropy, mutual information, conditional MI, KL divergence.

The family is one file per kind of estimator, all on one neighbour core:

- :mod:`~infolens.estimate.knn_entropy` -- Kozachenko–Leonenko entropy
  (``"kozachenko_leonenko"``);
- :mod:`~infolens.estimate.knn_mi` -- KSG-1, KSG-2 (``"ksg1"``, ``"ksg2"``), Frenzel–Pompe
  CMI (``"fp"``), the copula KSG with bias correction (``"ksg_bc"``) and the GCMI/KSG
  ``"ensemble"``;
- :mod:`~infolens.estimate.knn_mixed` -- discrete--continuous MI (``"ross"``, ``"gao"``);
- :mod:`~infolens.estimate.knn_divergence` -- KL divergence from two samples (``"knn"``);
- :mod:`~infolens.estimate._knn_core` -- the neighbour core, the checks and the warnings.

This module describes the family and re-exports its names (the two warnings publicly, the
private functions for tests and benchmarks).  The core's switches (``_KD``,
``_BRUTE_MAX_N``) live in :mod:`~infolens.estimate._knn_core`; set them there.

All estimators share one neighbour core:

* :func:`_kth_neighbour` -- distance from every sample to its ``k``-th nearest *other*
  sample, from a :class:`scipy.spatial.cKDTree` queried with all cores
  (``workers=-1``);
* :func:`_count_within` -- for every sample, how many *other* samples lie within a
  per-sample radius, either strictly (``<``) or inclusively (``<=``).  One-dimensional
  marginals are counted by binary search in the sorted values (``np.searchsorted``),
  which is several times faster than a tree; higher-dimensional marginals use
  ``cKDTree.query_ball_point(..., return_length=True)``.

When numba is installed (the ``fast`` extra), max-norm neighbour searches and counts in
two or more dimensions run instead in the compiled kernels of
:mod:`infolens.estimate._kdcount` (a dual-tree traversal that adds or drops whole tree
nodes for a whole leaf of query points at once; several times faster than SciPy).  Both
paths compute the same float64 distances and return identical results.  Setting the
environment variable ``INFOLENS_NUMBA=0`` before the first estimate forces the SciPy
path.  The first use in a fresh environment compiles the kernels (seconds per
dimension); numba caches the compiled code on disk for later processes.

Distances are in the maximum norm :math:`\|u\|_\infty=\max_j |u_j|` unless stated
otherwise (the norm of Kraskov et al. 2004).  Counting is exact with respect to the
floating-point distances the tree computes: boundaries found by binary search are
corrected against the actual differences, so a neighbour lying exactly on the radius is
counted or not according to ``<`` / ``<=`` as the published formula says.

Duplicated samples
------------------
Estimators of continuous densities assume that two samples coincide with probability
zero.  Exactly duplicated rows (repeated records, resampled or augmented data) put
neighbours at distance zero and bias these estimators badly: with every row of a
Gaussian pair (true MI 0.22 nats) duplicated, KSG as implemented in scikit-learn,
NPEET and infomeasure reports about 0.99 nats.  By default (``duplicates="unique"``)
the density-based estimators here (``kozachenko_leonenko``, ``ksg1``, ``ksg2``, ``fp``,
``knn``) detect exact duplicates from the zero neighbour distances they compute anyway, emit a
:class:`DuplicateSamplesWarning` that says how many rows were repeated, and estimate on
the distinct rows.  Distinct rows of a sample from a continuous distribution are
themselves an i.i.d. sample of it, so the estimate is again consistent.  When the
repeats are genuine probability atoms (quantised values, exact zeros of ReLU units), the
distribution is a discrete--continuous mixture: use ``method="gao"`` (mixture MI, Gao et
al. 2017) or a discrete estimator instead.  ``duplicates="keep"`` runs the published
formula on the raw rows (zero distances make KL entropy :math:`-\infty`, which raises).

The mixed estimators ``ross`` and ``gao`` handle ties by the rule of Gao et al. (2017):
where the ``k``-th neighbour distance is zero, ``k`` is replaced by the number of
samples at distance zero.  A continuous feature that is constant therefore gets
(almost exactly) zero mutual information with any label, at every sample size.  When
rows repeat, both compute their formulas on the distinct rows with multiplicities
(same value, checked against the per-sample formula in the tests): a k-d tree over
many identical points cannot split them and would make every nearby query scan all
copies.

Deterministic relations
-----------------------
When one variable is an exact function of the other, ``y = f(x)`` with continuous
``x``, the MI is infinite.  A k-NN estimator cannot tell this from a finite sample (any
sample with distinct ``x`` is consistent with a function, and with ``y = f(x)`` plus
noise too small to resolve); what it returns is its *resolution limit*, a finite number
set by ``k`` and ``n`` (at most :math:`\psi(n)-\psi(k)` for KSG-1), reproducible and not
affected by round-off.  ``ksg1``, ``ksg2`` and ``gao`` (on continuous data) detect the
situation from the counts they compute anyway: when for at least 95% of the samples the
``k`` joint neighbours are exactly the nearest neighbours in one variable, and the other
variable has no repeated values, that variable pins down the other at the sample's
resolution, and a :class:`DeterministicRelationWarning` says that the value is the
resolution limit, not a measurement.  (A step function such as ``y = round(x)`` has finite
MI, :math:`H(Y)`, which the estimators resolve; it does not warn.)  ``fp`` likewise returns
its ceiling :math:`\langle\psi(n_z+1)\rangle-\psi(k)` when ``y`` is a function of ``x``
(documented, no warning: conditioning makes the signature ambiguous, since a ``y`` that
is a function of ``z`` alone shows it too with a CMI near 0).  ``ksg_bc`` and
``ensemble`` go through normal scores and raise the ``ValueError`` of the Gaussian-copula
estimator for monotone relations.  ``ross`` pairs a continuous with a discrete variable:
there a deterministic relation has finite MI (:math:`H` of the discrete one), which it
estimates.  ``kozachenko_leonenko`` (entropy) of a sample on a lower-dimensional set (``x = (u, 2u)``)
is :math:`-\infty`; the estimate is finite and decreases like
:math:`(d - d_{\mathrm{set}})\log n`.  ``knn`` (KL divergence) takes independent samples,
so the question does not arise.

Magnitudes
----------
Data whose largest magnitude lies outside :math:`[2^{-200}, 2^{200}]` are divided by one
power of two before distances are computed (exact; squared Euclidean distances near
1e300 would overflow and near 1e-300 underflow).  One factor for all arguments keeps
every neighbour relation, so MI, CMI and KL are unchanged; the entropy adds back
:math:`d\log s`.

References
----------
Kozachenko, L. F. & Leonenko, N. N. (1987). Sample estimate of the entropy of a random
vector. *Problems of Information Transmission* 23(2), 95--101.

Kraskov, A., Stögbauer, H. & Grassberger, P. (2004). Estimating mutual information.
*Physical Review E* 69, 066138.

Frenzel, S. & Pompe, B. (2007). Partial mutual information for coupling analysis of
multivariate time series. *Physical Review Letters* 99, 204101.

Wang, Q., Kulkarni, S. R. & Verdú, S. (2009). Divergence estimation for multidimensional
densities via k-nearest-neighbor distances. *IEEE Trans. Information Theory* 55(5),
2392--2405.

Ross, B. C. (2014). Mutual information between discrete and continuous data sets.
*PLoS ONE* 9(2), e87357.

Gao, W., Kannan, S., Oh, S. & Viswanath, P. (2017). Estimating mutual information for
discrete-continuous mixtures. *Advances in Neural Information Processing Systems* 30.
"""


from __future__ import annotations

from ._knn_core import (
    _BLOCK as _BLOCK,
)
from ._knn_core import (
    _BRUTE_MAX_N as _BRUTE_MAX_N,
)
from ._knn_core import (
    _BRUTE_MIN_DIM as _BRUTE_MIN_DIM,
)
from ._knn_core import (
    _DUPLICATE_MODES as _DUPLICATE_MODES,
)
from ._knn_core import (
    _KD as _KD,
)
from ._knn_core import (
    _KERNEL_MAX_DIM as _KERNEL_MAX_DIM,
)
from ._knn_core import (
    _METRICS as _METRICS,
)
from ._knn_core import (
    _RELATION_FRACTION as _RELATION_FRACTION,
)
from ._knn_core import (
    _SAFE_EXP as _SAFE_EXP,
)
from ._knn_core import (
    DeterministicRelationWarning as DeterministicRelationWarning,
)
from ._knn_core import (
    DuplicateSamplesWarning as DuplicateSamplesWarning,
)
from ._knn_core import (
    _check_duplicates as _check_duplicates,
)
from ._knn_core import (
    _check_k as _check_k,
)
from ._knn_core import (
    _count_within as _count_within,
)
from ._knn_core import (
    _count_within_brute as _count_within_brute,
)
from ._knn_core import (
    _dedupe as _dedupe,
)
from ._knn_core import (
    _fix_lower as _fix_lower,
)
from ._knn_core import (
    _fix_upper as _fix_upper,
)
from ._knn_core import (
    _has_duplicate_rows as _has_duplicate_rows,
)
from ._knn_core import (
    _kernels as _kernels,
)
from ._knn_core import (
    _kth_neighbour as _kth_neighbour,
)
from ._knn_core import (
    _kth_neighbour_1d as _kth_neighbour_1d,
)
from ._knn_core import (
    _log_unit_ball as _log_unit_ball,
)
from ._knn_core import (
    _metric_p as _metric_p,
)
from ._knn_core import (
    _neighbours as _neighbours,
)
from ._knn_core import (
    _numeric as _numeric,
)
from ._knn_core import (
    _query as _query,
)
from ._knn_core import (
    _rescale as _rescale,
)
from ._knn_core import (
    _tree as _tree,
)
from ._knn_core import (
    _tree_query as _tree_query,
)
from ._knn_core import (
    _unique_rows as _unique_rows,
)
from ._knn_core import (
    _warn_if_determined as _warn_if_determined,
)
from .knn_divergence import (
    _knn_kl_divergence as _knn_kl_divergence,
)
from .knn_entropy import (
    _kl_entropy as _kl_entropy,
)
from .knn_mi import (
    _ensemble_mi as _ensemble_mi,
)
from .knn_mi import (
    _fp_cmi as _fp_cmi,
)
from .knn_mi import (
    _ksg1_mi as _ksg1_mi,
)
from .knn_mi import (
    _ksg2_mi as _ksg2_mi,
)
from .knn_mi import (
    _ksg_bc_mi as _ksg_bc_mi,
)
from .knn_mi import (
    _marginal_radii as _marginal_radii,
)
from .knn_mixed import (
    _gao_mi as _gao_mi,
)
from .knn_mixed import (
    _gao_with_repeats as _gao_with_repeats,
)
from .knn_mixed import (
    _ross_mi as _ross_mi,
)
from .knn_mixed import (
    _ross_with_repeats as _ross_with_repeats,
)
from .knn_mixed import (
    _split_mixed as _split_mixed,
)
from .knn_mixed import (
    _weighted_count as _weighted_count,
)

__all__ = ["DuplicateSamplesWarning", "DeterministicRelationWarning"]
