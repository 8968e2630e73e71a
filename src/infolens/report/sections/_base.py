"""What every report section shares: the :class:`Section` record, the
:class:`SectionContext` interface, and small helpers (optional analyses, label entropy,
test-set outputs, a re-initialised model copy)."""

from __future__ import annotations

import importlib
import logging
import math
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..errors import NotApplicable, Unavailable
from ..figures import Figure

_log = logging.getLogger(__name__.rpartition(".")[0])  # the package: one logger for all sections


@dataclass
class Section:
    """One block of the report.

    Attributes
    ----------
    key : str
        Stable identifier (HTML id ``sec-<key>``, key in ``results.json``).
    title : str
    status : {"ok", "saturated", "impossible", "unavailable", "failed", "not_applicable"}
        ``"saturated"``: computed, but the estimate is pinned at its ceiling (e.g. a binned
        I(X;T) = log2 n) and says nothing about the model; the reading says why.
        ``"impossible"``: computed, but the section's own result is a value no true quantity
        can take (a negative MI, an MI above H(Y), a data-processing violation beyond the
        interval); ``numbers["impossible_values"]`` lists each and the reading names them.
    reading : str
        Plain-language reading of the numbers.
    figures : list of Figure
    numbers : dict
        Every number the section shows (JSON-serialisable).
    method : str
        Estimator / bound and its parameters.
    html_table : str
        Optional pre-escaped HTML table.
    seconds : float
        Time spent computing the section.
    """

    key: str
    title: str
    status: str = "ok"
    reading: str = ""
    figures: list[Figure] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    method: str = ""
    html_table: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "status": self.status,
            "reading": self.reading,
            "method": self.method,
            "numbers": self.numbers,
            "figures": [f"figures/{f.name}.png" for f in self.figures],
            "seconds": round(self.seconds, 3),
        }


class SectionContext(Protocol):
    """What a section function reads from the report's shared state.

    :class:`infolens.report.sections.Context` is the implementation; the section modules
    depend on this interface only, so they do not import the package that lists them.
    """

    data: Any
    model: Any
    layers: list[str]
    params: dict[str, Any]
    trained: bool
    history: Any
    plane: Any
    plane_note: str
    progress: bool
    cache: dict[str, Any]
    layers_note: str

    @property
    def batch_size(self) -> int: ...

    @property
    def seed(self) -> int: ...

    @property
    def last_hidden(self) -> str: ...

    def activations(self, split: str = "test") -> dict[str, np.ndarray]: ...

    def subset(self, split: str) -> np.ndarray: ...

    def subset_note(self, split: str) -> str: ...

    @property
    def test_unseen_by_model(self) -> bool: ...


def _optional(module: str, name: str) -> Any | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise
    try:
        return getattr(mod, name)
    except AttributeError:
        return None
    except ModuleNotFoundError as exc:  # a lazy export whose submodule has not landed
        if exc.name is not None and exc.name.startswith("infolens."):
            return None
        raise


def need(module: str, name: str, what: str) -> Any:
    """Return ``module.name`` or raise :class:`Unavailable` saying which analysis is missing."""
    obj = _optional(module, name)
    if obj is None:
        raise Unavailable(
            f"This analysis needs {module}.{name} ({what}), which is not part of this "
            "installation yet, so no numbers are shown."
        )
    return obj


def run_section(key: str, title: str, fn: Callable[[SectionContext], Section], ctx: SectionContext) -> Section:
    """Run one section; missing analyses and failures become visible sections, not crashes."""
    t0 = time.perf_counter()
    try:
        sec = fn(ctx)
    except NotApplicable as exc:
        sec = Section(key, title, status="not_applicable", reading=str(exc))
    except Unavailable as exc:
        sec = Section(key, title, status="unavailable", reading=str(exc))
    except Exception as exc:  # an analysis bug: reported on the page and by the exit code
        _log.error("section %r failed:\n%s", key, traceback.format_exc())
        sec = Section(key, title, status="failed",
                      reading=f"This analysis failed with {type(exc).__name__}: {exc}. "
                      "No numbers are shown for it; see the log for the traceback.")
    sec.key, sec.title = key, title
    sec.seconds = time.perf_counter() - t0
    _check_numbers(sec.numbers, key)
    return sec


def _check_numbers(numbers: Any, where: str) -> None:
    """Refuse NaN/inf in what the report shows (JSON has no NaN; a NaN is a bug)."""
    if isinstance(numbers, dict):
        for k, v in numbers.items():
            _check_numbers(v, f"{where}.{k}")
    elif isinstance(numbers, (list, tuple)):
        for i, v in enumerate(numbers):
            _check_numbers(v, f"{where}[{i}]")
    elif isinstance(numbers, float) and not math.isfinite(numbers):
        raise ValueError(f"section number {where} is {numbers}; analyses must not return NaN/inf.")


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def _label_entropy_bits(y: np.ndarray) -> float:
    from ...exact.discrete import entropy

    counts = np.bincount(y)
    return float(entropy(counts[counts > 0] / counts.sum(), base=2))


def _colormap() -> Any:
    import matplotlib

    return matplotlib.colormaps["viridis"]


def _fresh_copy(model: Any, seed: int) -> Any:
    """Deep copy of ``model`` with every layer re-initialised (seeded); ``None`` when its
    layers cannot be re-initialised (TorchScript, torch.export: no ``reset_parameters``)."""
    import copy

    import torch

    if not any(hasattr(m, "reset_parameters") for m in model.modules()):
        return None
    fresh = copy.deepcopy(model)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        for m in fresh.modules():
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
    return fresh


def _test_outputs(ctx: SectionContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-example cross-entropy (nats), 0/1 errors and logits of the model on the test set,
    computed once per report (``ctx.cache["test_outputs"]``: the Fano, per-layer and
    sufficiency sections all read them)."""
    if "test_outputs" not in ctx.cache:
        import torch

        from ..model import predict_logits

        logits = torch.as_tensor(predict_logits(ctx.model, ctx.data.x_test,
                                                batch_size=ctx.batch_size))
        ce = torch.nn.functional.cross_entropy(logits, torch.as_tensor(ctx.data.y_test),
                                               reduction="none").numpy()
        errs = (logits.argmax(dim=1).numpy() != ctx.data.y_test).astype(np.int64)
        ctx.cache["test_outputs"] = (ce.astype(np.float64), errs, logits.numpy())
    return ctx.cache["test_outputs"]


