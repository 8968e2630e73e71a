"""Data made offline: the 12-bit dataset, scikit-learn's digits, tasks with known answers,
Zipf's law (the test source of the entropy estimators).

Nothing is downloaded.  Names are imported lazily from their submodules.
"""

from __future__ import annotations

from .._lazy import attach

_EXPORTS = {
    "tishby12": "twelve_bit",
    "digits": "sklearn_digits",
    "known_mi_tasks": "known_mi",
    "KnownMITask": "known_mi",
    "zipf_pmf": "zipf",
}

__all__ = list(_EXPORTS)


__getattr__, __dir__ = attach(__name__, _EXPORTS)
