"""Closed-form information measures on known distributions (nothing is sampled).

- :mod:`infolens.exact.discrete` — pmf arrays, one axis per variable.
- :mod:`infolens.exact.gaussian` — covariance matrices.
- :mod:`infolens.exact.channels` — channel matrices and capacities.
- :mod:`infolens.exact.elliptical` — the multivariate Student-t (scatter matrix and degrees of freedom).

Each submodule is imported on first use.
"""

from __future__ import annotations

from .._lazy import attach

_SUBMODULES = ("discrete", "gaussian", "channels", "elliptical")

__all__ = list(_SUBMODULES)

__getattr__, __dir__ = attach(__name__, {}, _SUBMODULES)
