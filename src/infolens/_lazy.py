"""Lazy exports for the package ``__init__`` modules (PEP 562).

A package states what it exports as a map from each public name to the submodule that
defines it, plus the submodules it exposes as attributes; :func:`attach` turns that into
the module-level ``__getattr__`` and ``__dir__``.  Nothing is imported until a name is
first used, so ``import infolens`` and ``import infolens.nn`` load neither NumPy nor torch:

>>> import infolens.bounds as b
>>> "kl_bound" in dir(b)
True

The maps are literal so that ``tests/test_imports.py`` can read them: a lazy export is an
import edge (the package imports the submodule on first use), checked for cycles with the
rest.  Inside infolens, import a name from the module that defines it, never through a
package ``__init__``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, exports: Mapping[str, str], submodules: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` from a name → submodule map.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to str
        Public name → the submodule that defines it, relative to ``package``
        (``"estimate.api"`` in ``infolens``, ``"kl"`` in ``infolens.bounds``).
    submodules : iterable of str
        Submodules returned as attributes (``infolens.exact.gaussian``).

    Returns
    -------
    (callable, callable)
        ``__getattr__`` (imports on first use and caches the value in the package) and
        ``__dir__``.  An unknown name raises :class:`AttributeError` listing the public ones.
    """
    exports = dict(exports)
    submodules = tuple(submodules)
    public = sorted({*exports, *submodules})

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(
                f"module {package!r} has no attribute {name!r}; its public names are {public}."
            )
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(public))

    return __getattr__, __dir__
