"""The registry of sample estimators: every method name, mapped to its record.

The estimator families declare their records with :func:`register` (in
:mod:`infolens.estimate._records`) next to each function; this module imports the
families in one declared list, :data:`FAMILIES`, so that the table is complete whoever
imports it first and in whatever order.  Nothing else needs to be imported for its side
effect: :func:`get` and :func:`estimators` here always see every estimator.  Adding a
family (a new file of estimators) means adding it to that list.

:func:`get` also accepts the old names of :data:`~infolens.estimate._records.ALIASES`
(with a ``DeprecationWarning`` naming the new one) and returns the record of the new
name, so ``Estimate.method`` always shows the current name.
"""

from __future__ import annotations

from . import (
    binning,
    copula,
    discrete,
    gaussian,
    knn_divergence,
    knn_entropy,
    knn_mi,
    knn_mixed,
    neural,
)
from ._records import (
    ALIASES,
    KINDS,
    QUANTITIES,
    EstimatorInfo,
    canonical,
    register,
)
from ._records import estimators as _declared
from ._records import get as _get

__all__ = [
    "EstimatorInfo", "register", "get", "estimators", "canonical", "ALIASES", "QUANTITIES",
    "KINDS", "FAMILIES",
]

#: The estimator families, each a module declaring its records where its functions are
#: (``neural`` imports torch only when one of its estimators runs).
FAMILIES = (
    discrete, binning, knn_entropy, knn_mi, knn_mixed, knn_divergence, gaussian, copula, neural,
)


def get(quantity: str, name: str) -> EstimatorInfo:
    """The record of estimator ``name`` for ``quantity``; an old name (see
    :data:`~infolens.estimate._records.ALIASES`) warns and gives the new name's record.
    An unknown name raises ``ValueError`` listing the names that exist."""
    return _get(quantity, canonical(quantity, name))


def estimators(quantity: str | None = None) -> list[EstimatorInfo]:
    """All registered estimators (optionally of one quantity), sorted by quantity and name."""
    return _declared(quantity)
