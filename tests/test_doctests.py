"""Run the Examples sections of the exact and bounds modules and the foundation helpers as doctests.

Modules are discovered under ``infolens.exact`` and ``infolens.bounds`` so that a new module is covered the moment
it is added.  Only NumPy/SciPy modules are imported here (nothing that needs torch).
"""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import infolens.bounds
import infolens.exact

EXACT = [
    f"infolens.exact.{m.name}"
    for m in pkgutil.iter_modules(infolens.exact.__path__)
    if not m.name.startswith("_")
]
# the bounds modules are NumPy/SciPy only as well (the torch side is infolens.nn.pacbayes)
BOUNDS = [
    f"infolens.bounds.{m.name}"
    for m in pkgutil.iter_modules(infolens.bounds.__path__)
    if not m.name.startswith("_")
]
MODULES = ["infolens.units", "infolens.result", *EXACT, *BOUNDS]


def test_all_exact_modules_found():
    assert {"infolens.exact.discrete", "infolens.exact.gaussian", "infolens.exact.channels"} <= set(
        EXACT
    )


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name):
    module = importlib.import_module(name)
    globs = {**vars(module), "np": np}
    result = doctest.testmod(
        module, globs=globs, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
    assert result.attempted > 0, f"{name} has no runnable Examples"


def _all_modules() -> list[str]:
    import infolens

    names = []
    for m in pkgutil.walk_packages(infolens.__path__, prefix="infolens."):
        if m.name.endswith("__main__"):
            continue
        names.append(m.name)
    return sorted(names)


ALL_MODULES = [m for m in _all_modules() if m not in MODULES]


@pytest.mark.parametrize("name", ALL_MODULES)
def test_every_module_doctests_pass(name):
    """Every Examples block in the package runs (modules without examples pass trivially)."""
    module = importlib.import_module(name)
    globs = {**vars(module), "np": np}
    result = doctest.testmod(
        module, globs=globs, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        verbose=False,
    )
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
