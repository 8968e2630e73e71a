"""PyTorch integration (requires the ``torch`` extra: ``pip install infolens[torch]``).

Submodules are imported lazily so ``import infolens.nn`` stays cheap; any name listed in
``_EXPORTS`` is fetched from its submodule on first access.
"""

from __future__ import annotations

import importlib

try:  # fail early and clearly when torch is missing
    import torch as _torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "infolens.nn needs PyTorch: install it with `pip install infolens[torch]` "
        "(or `pip install torch` first on a CPU-only machine)."
    ) from exc

# name -> submodule that defines it.  Each submodule is owned by one area of the code.
_EXPORTS: dict[str, str] = {}
_SUBMODULES = ("activations", "plane", "layers", "analysis", "vib", "pacbayes", "synergy")


def _register_exports() -> None:
    for mod in _SUBMODULES:
        try:
            m = importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{mod}":
                continue
            raise
        for n in getattr(m, "__all__", ()):
            _EXPORTS[n] = mod


def __getattr__(name: str):
    if not _EXPORTS:
        _register_exports()
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'infolens.nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    if not _EXPORTS:
        _register_exports()
    return sorted(set(globals()) | set(_EXPORTS))
