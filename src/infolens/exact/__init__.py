"""Closed-form information measures on known distributions (nothing is sampled).

- :mod:`infolens.exact.discrete` — pmf arrays, one axis per variable.
- :mod:`infolens.exact.gaussian` — covariance matrices.
- :mod:`infolens.exact.channels` — channel matrices and capacities.
"""

from . import discrete

__all__ = ["discrete", "gaussian", "channels"]


def __getattr__(name: str):
    import importlib

    if name in ("gaussian", "channels"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(name)
