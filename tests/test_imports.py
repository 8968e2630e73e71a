"""The import structure of infolens: no cycles between modules, lazy package exports, and
cheap imports (``import infolens.nn`` without torch, estimators without ``scipy.stats``).

The cycle check reads every module under ``src/infolens`` with :mod:`ast`: ``import`` and
``from ... import`` statements anywhere in the file (function-level ones included, relative
ones resolved), the name → submodule maps a package ``__init__`` passes to
:func:`infolens._lazy.attach` (a lazy export imports its submodule on first use), and string
constants naming a module of the package (the argument of ``importlib.import_module`` or of
a helper around it).  Any strongly connected group of two or more modules is a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import infolens

SRC = Path(infolens.__file__).resolve().parent.parent
PACKAGE = "infolens"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module that ``name`` (a module or ``module.attribute``) lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _literal(node: ast.expr, names: dict[str, ast.expr]):
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    return ast.literal_eval(node)


def _lazy_edges(module: str, tree: ast.Module) -> set[str]:
    """Submodules named by the ``attach(__name__, exports, submodules)`` call of a package."""
    names = {
        t.id: stmt.value
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        for t in stmt.targets
        if isinstance(t, ast.Name)
    }
    names |= {
        stmt.target.id: stmt.value
        for stmt in tree.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value
    }
    out = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "attach"):
            continue
        args = [*node.args, *(k.value for k in node.keywords)]
        exports = _literal(args[1], names) if len(args) > 1 else {}
        submodules = _literal(args[2], names) if len(args) > 2 else ()
        for rel in [*exports.values(), *submodules]:
            target = _resolve(f"{module}.{rel}")
            assert target == f"{module}.{rel}", f"{module}: lazy export of unknown module {rel!r}"
            out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the infolens modules it imports (see the module docstring)."""
    graph = {}
    for module, (path, is_pkg) in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = module if is_pkg else module.rpartition(".")[0]
        deps: set[str | None] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                deps |= {_resolve(a.name) for a in node.names if a.name.split(".")[0] == PACKAGE}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    origin = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    origin = node.module or ""
                if origin.split(".")[0] != PACKAGE:
                    continue
                for alias in node.names:  # `from pkg import submodule` imports the submodule
                    full = f"{origin}.{alias.name}"
                    deps.add(full if full in MODULES else _resolve(origin))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "." in node.value  # a dotted name: not the string "infolens"
                and node.value in MODULES
            ):
                deps.add(node.value)
        if is_pkg:
            deps |= _lazy_edges(module, tree)
        deps.discard(None)
        deps.discard(module)
        graph[module] = deps
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan), each as one cycle
    through them (a path that returns to its start)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(comp)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for comp in components:  # one shortest way around, from the component's first module
        start = min(comp)
        paths = {start: [start]}
        frontier = [start]
        cycle = None
        while frontier and cycle is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & comp):
                    if w == start:
                        cycle = [*paths[v], start]
                        break
                    if w not in paths:
                        paths[w] = [*paths[v], w]
                        nxt.append(w)
                if cycle:
                    break
            frontier = nxt
        cycles.append(cycle)
    return cycles


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert "infolens.estimate._call" in graph["infolens.estimate.api"]  # from ._call import
    assert "infolens.estimate.knn_mi" in graph["infolens.estimate._registry"]  # from . import (
    assert "infolens.estimate.kde" in graph["infolens.nn.plane_estimators"]  # function-level
    assert "infolens.estimate.api" in graph["infolens"]  # lazy export
    assert "infolens.nn.plane" in graph["infolens.nn"]
    assert "infolens.nn.activations" in graph["infolens.report.sections"]  # import_module("...")


def test_the_cycle_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


# ----------------------------------------------------------------------- lazy exports


def test_nn_exports_match_the_submodules():
    pytest.importorskip("torch")
    import importlib

    import infolens.nn as nn

    exported = {}
    for sub in nn._SUBMODULES:
        for name in importlib.import_module(f"infolens.nn.{sub}").__all__:
            exported[name] = sub
    assert nn._EXPORTS == exported
    assert set(nn.__all__) == set(exported)
    for name in nn.__all__:
        module = importlib.import_module(f"infolens.nn.{nn._EXPORTS[name]}")
        assert getattr(nn, name) is getattr(module, name)


@pytest.mark.parametrize(
    "package", ["infolens", "infolens.estimate", "infolens.exact", "infolens.bounds",
                "infolens.pid", "infolens.data", "infolens.nn"],
)
def test_unknown_names_raise_attribute_error_listing_the_public_ones(package):
    import importlib

    mod = importlib.import_module(package)
    message = rf"module '{package}' has no attribute 'no_such_name'; its public names are \["
    with pytest.raises(AttributeError, match=message):
        mod.no_such_name  # noqa: B018
    assert not hasattr(mod, "no_such_name")
    assert set(mod.__all__) <= set(dir(mod))


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "", "INFOLENS_NUMBA": "0"},
    )
    return out.stdout.strip()


def test_import_nn_does_not_import_torch_and_is_fast():
    best = min(
        float(_run(
            "import time; t = time.perf_counter(); import infolens.nn; "
            "dt = time.perf_counter() - t; import sys; "
            "assert 'torch' not in sys.modules and 'numpy' not in sys.modules; print(dt)"
        ))
        for _ in range(3)
    )
    assert best < 0.05, f"import infolens.nn took {1000 * best:.0f} ms"


def test_nn_without_torch_names_the_extra_on_first_use():
    out = _run(
        "import sys; sys.modules['torch'] = None  # as if torch were not installed\n"
        "import infolens.nn\n"
        "try:\n    infolens.nn.capture\nexcept ImportError as exc:\n    print(exc)"
    )
    assert out.startswith(
        "infolens.nn.capture needs PyTorch: install it with `pip install infolens[torch]`"
    )


def test_exact_and_top_level_imports_load_no_numpy():
    assert _run(
        "import sys, infolens, infolens.exact, infolens.estimate, infolens.bounds, infolens.pid, "
        "infolens.data, infolens.nn; print(sorted({'numpy', 'scipy', 'torch'} & set(sys.modules)))"
    ) == "[]"


@pytest.mark.parametrize(
    "call",
    [
        "infolens.entropy(x, method='kozachenko_leonenko')",
        "infolens.entropy(x)",
        "infolens.mutual_information(x, y, method='ksg1')",
        "infolens.mutual_information(x, y, method='ksg2')",
        "infolens.mutual_information(x, y)",
        "infolens.mutual_information(x, y, method='gaussian', ci=0.9, n_boot=20)",
        "infolens.conditional_mutual_information(x, y, x + y, method='fp')",
        "infolens.kl_divergence(x, y, method='knn')",
        "infolens.entropy(x.round(), method='binning')",
        "infolens.entropy((3 * x).astype(int), method='nsb')",
        "infolens.permutation_test(x, y, method='ksg1', n_permutations=5)",
    ],
)
def test_estimators_on_plain_data_do_not_import_scipy_stats(call):
    loaded = _run(
        "import sys, numpy as np, infolens\n"
        "rng = np.random.default_rng(0); x = rng.normal(size=200); y = x + rng.normal(size=200)\n"
        f"{call}\n"
        "print('scipy.stats' in sys.modules)"
    )
    assert loaded == "False"
