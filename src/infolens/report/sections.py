"""The report's sections: each turns the trained model into numbers, a figure and a reading.

A section function takes the shared :class:`Context` and returns a :class:`Section`.  It
calls the library's public analyses; when one of them is not part of this installation,
it raises :class:`~infolens.report.errors.Unavailable` and the page says so instead of
showing a number.
"""

from __future__ import annotations

import importlib
import logging
import math
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .data import Dataset
from .errors import Unavailable
from .figures import Figure

__all__ = ["Section", "Context", "SECTIONS", "run_section", "need"]

_log = logging.getLogger(__name__)


@dataclass
class Section:
    """One block of the report.

    Attributes
    ----------
    key : str
        Stable identifier (HTML id ``sec-<key>``, key in ``results.json``).
    title : str
    status : {"ok", "unavailable", "failed", "not_applicable"}
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


@dataclass
class Context:
    """Everything the sections share: data, model, training record, options."""

    data: Dataset
    model: Any
    layers: list[str]
    params: dict[str, Any]
    trained: bool
    history: Any = None
    plane: Any = None
    plane_note: str = ""
    progress: bool = True
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return int(self.params["seed"])

    def activations(self, split: str = "test") -> dict[str, np.ndarray]:
        """Outputs of the representation layers on the train or test inputs (cached)."""
        key = f"act_{split}"
        if key not in self.cache:
            x = self.data.x_test if split == "test" else self.data.x_train
            cap = _optional("infolens.nn.capture", "capture")
            if cap is not None:
                got = cap(self.model, x, layers=list(self.layers))
                self.cache[key] = {n: np.asarray(got[n]).reshape(len(x), -1) for n in self.layers}
            else:
                from .model import forward_layers

                self.cache[key] = forward_layers(self.model, x, self.layers)
        return self.cache[key]

    @property
    def last_hidden(self) -> str:
        """Name of the last hidden representation (the layer before the logits)."""
        if len(self.layers) < 2:
            raise Unavailable("the model has no hidden activation layer to analyse (only the "
                              "output layer was found).")
        return self.layers[-2]


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


def run_section(key: str, title: str, fn: Callable[[Context], Section], ctx: Context) -> Section:
    """Run one section; missing analyses and failures become visible sections, not crashes."""
    t0 = time.perf_counter()
    try:
        sec = fn(ctx)
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


# --------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------
def section_training(ctx: Context) -> Section:
    """Model, data and the training curve (always available)."""
    from .figures import new_figure, to_png
    from .model import error_rate

    d = ctx.data
    train_err = error_rate(ctx.model, d.x_train, d.y_train)
    test_err = error_rate(ctx.model, d.x_test, d.y_test)
    n_params = int(sum(p.numel() for p in ctx.model.parameters()))
    numbers: dict[str, Any] = {
        "train_error": train_err,
        "test_error": test_err,
        "n_parameters": n_params,
        "n_train": int(len(d.y_train)),
        "n_test": int(len(d.y_test)),
    }
    figs = []
    if ctx.trained and ctx.history is not None and ctx.history.epochs:
        h = ctx.history
        numbers["epochs"] = len(h.epochs)
        numbers["final_loss"] = h.loss[-1]
        numbers["training_seconds"] = round(h.seconds, 2)
        numbers["curve"] = {"loss": h.loss, "train_error": h.train_error,
                            "test_error": h.test_error}
        fig, (a1, a2) = new_figure(2, width=4.2, height=3.2)
        a1.plot(h.epochs, h.loss, color="#1d3557")
        a1.set_xlabel("epoch")
        a1.set_ylabel("training cross-entropy (nats)")
        a2.plot(h.epochs, h.train_error, label="train")
        a2.plot(h.epochs, h.test_error, label="test")
        a2.set_xlabel("epoch")
        a2.set_ylabel("0-1 error")
        a2.legend()
        figs.append(to_png(fig, "training", "Training loss and error per epoch"))
        how = (f"Trained for {len(h.epochs)} epochs (Adam, learning rate "
               f"{ctx.params['lr']}, batch size {ctx.params['batch_size']}, seed {ctx.seed}).")
    else:
        how = "The model was loaded from a checkpoint and not trained here."
        from .figures import new_figure as _nf

        fig, ax = _nf(1, width=4.5, height=3.0)
        ax.bar(["train", "test"], [train_err, test_err], color=["#457b9d", "#e63946"])
        ax.set_ylabel("0-1 error")
        figs.append(to_png(fig, "training", "Train and test error of the loaded model"))
    gap = test_err - train_err
    reading = (
        f"{how} The model has {n_params:,} parameters and misclassifies {_pct(train_err)} of "
        f"the {len(d.y_train)} training examples and {_pct(test_err)} of the {len(d.y_test)} "
        f"held-out test examples (a generalisation gap of {100 * gap:.1f} percentage points). "
        "The sections below ask what information theory says about these numbers."
    )
    return Section("training", "Model and training", reading=reading, figures=figs,
                   numbers=numbers, method=f"Data: {d.description}")


def _label_entropy_bits(y: np.ndarray) -> float:
    from ..exact.discrete import entropy

    counts = np.bincount(y)
    return float(entropy(counts[counts > 0] / counts.sum(), base=2))


def section_information_plane(ctx: Context) -> Section:
    """I(X;T_l) and I(T_l;Y) per hidden layer over training (infolens.nn.InformationPlane)."""
    if ctx.plane is None:
        raise Unavailable(ctx.plane_note or "The information plane was not recorded.")
    from .figures import new_figure, to_png

    plot = need("infolens.nn", "plot_information_plane", "the information-plane plot, issue 4")
    records = list(ctx.plane.records)
    if not records:
        raise Unavailable("No epoch of the information plane was recorded.")
    hy = _label_entropy_bits(ctx.data.y_train)
    n = len(ctx.data.y_train)
    per_layer: dict[str, Any] = {}
    for layer in ctx.plane.layers:
        rows = [r for r in records if r["layer"] == layer]
        ixt = {r["epoch"]: r["value"] for r in rows if r["quantity"] == "I(X;T)"}
        ity = {r["epoch"]: r["value"] for r in rows if r["quantity"] == "I(T;Y)"}
        epochs = sorted(ixt)
        peak_epoch = max(epochs, key=lambda e: ixt[e])
        per_layer[layer] = {
            "epochs": epochs,
            "I(X;T)": [ixt[e] for e in epochs],
            "I(T;Y)": [ity[e] for e in epochs],
            "I(X;T)_first": ixt[epochs[0]], "I(X;T)_peak": ixt[peak_epoch],
            "I(X;T)_peak_epoch": int(peak_epoch), "I(X;T)_final": ixt[epochs[-1]],
            "I(T;Y)_first": ity[epochs[0]], "I(T;Y)_final": ity[epochs[-1]],
        }
    first = records[0]
    fig, ax = new_figure(1, width=6.4, height=4.4)
    plot(records, ax=ax, title=f"information plane ({first['estimator']}, {first['unit']})")
    figs = [to_png(fig, "information_plane",
                   "Information plane: I(X;T) against I(T;Y) per hidden layer, coloured by epoch")]
    last = list(per_layer)[-1]
    pl = per_layer[last]
    fall = pl["I(X;T)_peak"] - pl["I(X;T)_final"]
    cap = float(np.log2(n))
    sentences = [
        f"Each point is one hidden layer at one epoch ({len(pl['epochs'])} epochs recorded, "
        f"roughly log-spaced). The labels carry H(Y) = {hy:.3f} bits.",
        f"In the last hidden layer ({last}) I(T;Y) went from {pl['I(T;Y)_first']:.3f} to "
        f"{pl['I(T;Y)_final']:.3f} bits, i.e. the representation keeps "
        f"{100 * pl['I(T;Y)_final'] / hy:.0f}% of the label information.",
        f"Its I(X;T) peaked at {pl['I(X;T)_peak']:.3f} bits (epoch {pl['I(X;T)_peak_epoch']}) "
        f"and ended at {pl['I(X;T)_final']:.3f} bits"
        + (f", a fall of {fall:.3f} bits ('compression' of the binned layer)." if fall > 1e-9
           else ", with no fall after the peak."),
        f"With {n} distinct training inputs no binned estimate can exceed log2(n) = {cap:.2f} "
        "bits, and for a deterministic network these numbers describe the binned layer, not "
        "the network itself.",
    ]
    warn = ctx.cache.get("plane_warnings", [])
    if warn:
        sentences.append(f"The estimator warned {len(warn)} time(s); first: {warn[0]}")
    numbers = {"H(Y)_bits": hy, "n_samples": n, "unit": first["unit"],
               "estimator": first["estimator"], "measures": first.get("measures", ""),
               "estimator_params": first.get("params", {}), "layers": per_layer,
               "warnings": warn}
    method = (f"Estimator {first['estimator']} with parameters {first.get('params', {})}; it "
              f"reports {first.get('measures', 'I(X;T)')} on the {n} training inputs, in "
              f"{first['unit']} (infolens.nn.InformationPlane, recorded at epochs "
              f"{', '.join(map(str, pl['epochs']))}).")
    return Section("information_plane", "Information plane", reading=" ".join(sentences),
                   figures=figs, numbers=numbers, method=method)


def section_dpi(ctx: Context) -> Section:
    need("infolens.nn", "dpi_report", "the data-processing check across layers, issue 4")
    raise Unavailable("pending integration")


def section_weights(ctx: Context) -> Section:
    need("infolens.nn", "weight_entropy", "weight entropy and description length, issue 4")
    raise Unavailable("pending integration")


def section_fano(ctx: Context) -> Section:
    need("infolens.bounds", "fano_lower_bound", "Fano's inequality, issue 6")
    raise Unavailable("pending integration")


def section_pac_bayes(ctx: Context) -> Section:
    need("infolens.nn", "certificate", "the PAC-Bayes certificate, issue 6")
    raise Unavailable("pending integration")


def section_sufficiency(ctx: Context) -> Section:
    need("infolens.nn", "sufficiency_gap", "the sufficiency gap, issue 4")
    raise Unavailable("pending integration")


def section_synergy(ctx: Context) -> Section:
    need("infolens.nn", "neuron_synergy", "synergy among units, issue 7")
    raise Unavailable("pending integration")


def section_channels(ctx: Context) -> Section:
    raise Unavailable("pending integration")


SECTIONS: list[tuple[str, str, Callable[[Context], Section]]] = [
    ("training", "Model and training", section_training),
    ("information_plane", "Information plane", section_information_plane),
    ("dpi", "Data processing check across layers", section_dpi),
    ("weights", "Weight entropy and description length", section_weights),
    ("fano", "Fano's lower bound versus the actual test error", section_fano),
    ("pac_bayes", "PAC-Bayes certificate", section_pac_bayes),
    ("sufficiency", "Sufficiency gap of the last hidden layer", section_sufficiency),
    ("synergy", "Synergy among the most informative units", section_synergy),
    ("channels", "Dropout and strided layers as channels", section_channels),
]
