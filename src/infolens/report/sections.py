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

__all__ = ["Section", "Context", "SECTIONS", "run_section", "need", "MAX_ANALYSIS_SAMPLES",
           "MAX_LAYER_UNITS"]

_log = logging.getLogger(__name__)

#: Cap on the samples fed to the estimators whose cost grows faster than n (k-NN,
#: bootstrap, PID); larger datasets are subsampled with the report's seed, and said so.
MAX_ANALYSIS_SAMPLES = 2000

#: Most values per sample kept of one layer's activations (see :meth:`Context.activations`).
MAX_LAYER_UNITS = 512


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
    layers_note: str = ""  # why no hidden layer can be analysed (e.g. a TorchScript model)

    @property
    def batch_size(self) -> int:
        """Samples per forward pass of the analyses (``--batch-size``)."""
        return int(self.params.get("eval_batch_size") or 256)

    @property
    def seed(self) -> int:
        return int(self.params["seed"])

    def activations(self, split: str = "test") -> dict[str, np.ndarray]:
        """Outputs of the representation layers on the train or test inputs (cached).

        Captured in batches of :attr:`batch_size`; a layer wider than
        :data:`MAX_LAYER_UNITS` values per sample is reduced batch by batch as it is
        captured (channel means of a feature map, else a fixed random projection:
        :func:`infolens.nn.bounded_width`), so memory is at most n × MAX_LAYER_UNITS values
        per layer; ``cache["reductions"]`` says what was done (shown on the page)."""
        key = f"act_{split}"
        if key not in self.cache:
            x = self.data.x_test if split == "test" else self.data.x_train
            cap = _optional("infolens.nn.activations", "capture")
            if cap is not None:
                got = cap(self.model, x, layers=list(self.layers), batch_size=self.batch_size,
                          max_units=MAX_LAYER_UNITS)
                self.cache[key] = {n: np.asarray(got[n]).reshape(len(x), -1) for n in self.layers}
                self.cache.setdefault("reductions", {}).update(got.reductions)
            else:
                from .model import forward_layers

                self.cache[key] = forward_layers(self.model, x, self.layers)
        return self.cache[key]

    def subset(self, split: str) -> np.ndarray:
        """Row indices used by the sample-hungry analyses: all rows, or a seeded random
        subset of :data:`MAX_ANALYSIS_SAMPLES` rows when the split is larger (stated)."""
        key = f"subset_{split}"
        if key not in self.cache:
            n = len(self.data.y_test if split == "test" else self.data.y_train)
            if n <= MAX_ANALYSIS_SAMPLES:
                self.cache[key] = np.arange(n)
            else:
                rng = np.random.default_rng(self.seed + (1 if split == "test" else 2))
                self.cache[key] = np.sort(rng.choice(n, MAX_ANALYSIS_SAMPLES, replace=False))
        return self.cache[key]

    def subset_note(self, split: str) -> str:
        """Text for the method line when :meth:`subset` is a proper subset."""
        n = len(self.data.y_test if split == "test" else self.data.y_train)
        k = len(self.subset(split))
        return "" if k == n else f" (a random subset of {k} of the {n} {split} samples)"

    @property
    def last_hidden(self) -> str:
        """Name of the last hidden representation (the layer before the logits)."""
        if len(self.layers) < 2:
            raise Unavailable(self.layers_note or "the model has no hidden activation layer to "
                              "analyse (only the output layer was found).")
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
    train_err = error_rate(ctx.model, d.x_train, d.y_train, batch_size=ctx.batch_size)
    test_err = error_rate(ctx.model, d.x_test, d.y_test, batch_size=ctx.batch_size)
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
        how = ("The model was loaded from a checkpoint and not trained here."
               if ctx.params.get("model") else
               "The model was passed in from Python and not trained here.")
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


def _plane_story(pl: dict[str, Any], last: str, hy: float) -> list[str]:
    """Sentences describing the last hidden layer's path through the plane."""
    fall = pl["I(X;T)_peak"] - pl["I(X;T)_final"]
    return [
        f"Each point is one hidden layer at one epoch ({len(pl['epochs'])} epochs recorded, "
        f"roughly log-spaced). The labels carry H(Y) = {hy:.3f} bits.",
        f"In the last hidden layer ({last}) I(T;Y) went from {pl['I(T;Y)_first']:.3f} to "
        f"{pl['I(T;Y)_final']:.3f} bits, i.e. the representation keeps "
        f"{100 * pl['I(T;Y)_final'] / hy:.0f}% of the label information.",
        f"Its I(X;T) peaked at {pl['I(X;T)_peak']:.3f} bits (epoch {pl['I(X;T)_peak_epoch']}) "
        f"and ended at {pl['I(X;T)_final']:.3f} bits"
        + (f", a fall of {fall:.3f} bits ('compression' of the binned layer)." if fall > 1e-9
           else ", with no fall after the peak."),
    ]


def _plane_saturation(records: list[dict[str, Any]], n: int, hy: float) -> str:
    """Why a recorded plane says nothing about the network ("" when it does).

    A binned (or otherwise discretised) I(X;T) of a deterministic layer on n distinct inputs
    equals log2(n) as soon as every input has its own bin, and I(T;Y) then equals H(Y):
    the numbers measure the sample size, whatever the network does.  Saturated means every
    recorded I(X;T) is within 0.01 bit of log2(n).
    """
    cap = float(np.log2(n))
    ixt = [r["value"] for r in records if r["quantity"] == "I(X;T)"]
    if ixt and min(ixt) >= cap - 0.01:
        return (f"every recorded I(X;T) equals log2(n) = {cap:.2f} bits for the n = {n} inputs "
                "(each input has its own bin), and I(T;Y) then equals H(Y)"
                + (f" = {hy:.2f} bits" if math.isfinite(hy) else "")
                + ": the numbers measure the sample size, not the network. The "
                "'Usable information' section gives per-layer numbers that do not saturate.")
    return ""


def _impossible_values(records: list[dict[str, Any]], hy: float, cap: float) -> list[str]:
    """Recorded values outside what is possible, each described (none is narrated away)."""
    flags = []
    for r in records:
        v, ci = r["value"], r.get("ci")
        lo = ci[0] if ci else v
        where = f"layer {r['layer']}, epoch {r['epoch']}"
        if r["quantity"] == "I(T;Y)" and lo > hy + 1e-6:
            flags.append(f"{where}: I(T;Y) = {v:.3f} bits exceeds H(Y) = {hy:.3f} bits, which no "
                         "estimate of I(T;Y) may do (estimator bias)")
        if r["quantity"] == "I(X;T)" and lo > cap + 1e-6:
            flags.append(f"{where}: I(X;T) = {v:.3f} bits exceeds log2(n) = {cap:.3f} bits")
        if (ci[1] if ci else v) < -1e-9:
            flags.append(f"{where}: {r['quantity']} = {v:.3f} bits is negative")
    return flags


def section_information_plane(ctx: Context) -> Section:
    """I(X;T_l) and I(T_l;Y) per hidden layer over training (infolens.nn.InformationPlane)."""
    if ctx.plane is None:
        raise Unavailable(ctx.plane_note or "The information plane was not recorded.")
    from .figures import new_figure, to_png

    plot = need("infolens.nn", "plot_information_plane", "the information-plane plot, issue 4")
    records = list(ctx.plane.records)
    if not records:
        raise Unavailable("No epoch of the information plane was recorded.")
    idx = ctx.subset("train")  # the inputs the plane was measured on
    hy = _label_entropy_bits(ctx.data.y_train[idx])
    n = len(idx)
    history = ctx.cache.get("plane_history")
    if history:  # recorded during the user's training, on inputs of their choosing
        n = int(records[0].get("n") or n)
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
    opts = ctx.cache.get("plane_options", {})
    fig, ax = new_figure(1, width=6.4, height=4.4)
    plot(records, ax=ax, title=f"information plane ({first['estimator']}, {first['unit']})")
    figs = [to_png(fig, "information_plane",
                   "Information plane: I(X;T) against I(T;Y) per hidden layer, coloured by epoch")]
    last = list(per_layer)[-1]
    pl = per_layer[last]
    cap = float(np.log2(n))
    if history:
        hy = math.inf  # the file does not say which labels it used: no H(Y) comparison
        fall = pl["I(X;T)_peak"] - pl["I(X;T)_final"]
        sentences = [
            f"Read from {history}, recorded by infolens.nn.InformationPlane during your own "
            f"training ({len(pl['epochs'])} epochs, on n = {n} inputs). In the last hidden "
            f"layer ({last}) I(T;Y) went from {pl['I(T;Y)_first']:.3f} to "
            f"{pl['I(T;Y)_final']:.3f} {first['unit']}; I(X;T) peaked at "
            f"{pl['I(X;T)_peak']:.3f} (epoch {pl['I(X;T)_peak_epoch']}) and ended at "
            f"{pl['I(X;T)_final']:.3f}" + (f", a fall of {fall:.3f}." if fall > 1e-9 else ".")]
    elif len(pl["epochs"]) == 1:
        sentences = [
            f"The loaded model was measured once (it was not trained here), so each hidden "
            f"layer is a single point. The labels carry H(Y) = {hy:.3f} bits; the last hidden "
            f"layer ({last}) keeps I(T;Y) = {pl['I(T;Y)_final']:.3f} bits of them "
            f"({100 * pl['I(T;Y)_final'] / hy:.0f}%) with I(X;T) = {pl['I(X;T)_final']:.3f} "
            "bits."]
    else:
        sentences = _plane_story(pl, last, hy)
    measures = first.get("measures", "")
    if str(first["estimator"]).startswith("binning"):
        sentences.append(
            f"With {n} distinct training inputs no binned estimate can exceed log2(n) = "
            f"{cap:.2f} bits, and for a deterministic network these numbers describe the binned "
            f"layer ({measures}), not the network itself.")
    else:
        sentences.append(
            f"The estimator reports {measures or 'a finite surrogate of I(X;T)'}: for a "
            "deterministic network I(X;T) itself is infinite or constant, so these numbers "
            "describe the modified layer the estimator defines, not the network itself.")
    warn = ctx.cache.get("plane_warnings", [])
    if warn:
        sentences.append(f"The estimator warned {len(warn)} time(s); first: {warn[0]}")
    bits = first["unit"] == "bits"
    saturated = _plane_saturation(records, n, hy) if bits else ""
    flags = _impossible_values(records, hy, cap) if bits else []
    if saturated:
        sentences.insert(0, "Saturated: " + saturated)
    if flags:
        sentences.append(f"{len(flags)} recorded value(s) lie outside what is possible; first: "
                         f"{flags[0]}.")
    numbers = {"H(Y)_bits": hy if math.isfinite(hy) else None, "n_samples": n,
               "unit": first["unit"], "history": history,
               "estimator": first["estimator"], "measures": first.get("measures", ""),
               "estimator_params": first.get("params", {}), "layers": per_layer,
               "warnings": warn, "saturated": saturated or None, "impossible_values": flags}
    method = (f"Estimator {first['estimator']} with parameters {first.get('params', {})}; it "
              f"reports {first.get('measures', 'I(X;T)')} on the {n} training inputs"
              f"{ctx.subset_note('train')}, in "
              f"{first['unit']} (infolens.nn.InformationPlane, recorded at epochs "
              f"{', '.join(map(str, pl['epochs']))})."
              + (f" Intervals: percentile bootstrap with {opts['n_boot']} resamples."
                 if first.get("ci") is not None and "n_boot" in opts else ""))
    return Section("information_plane", "Information plane", reading=" ".join(sentences),
                   figures=figs, numbers=numbers, method=method,
                   status="saturated" if saturated else "ok")


def section_dpi(ctx: Context) -> Section:
    """Data processing inequality across layers, checked on the plane's estimates."""
    dpi = need("infolens.nn", "dpi_report", "the data-processing check across layers, issue 4")
    if ctx.plane is None or not ctx.plane.records:
        raise Unavailable("The data-processing check reads the information-plane estimates, "
                          "which were not recorded: " + (ctx.plane_note or "no plane."))
    from .figures import new_figure, to_png

    records = ctx.plane.records
    layers = ctx.plane.layers
    unit = records[0]["unit"]
    out: dict[str, Any] = {}
    for q in ("I(X;T)", "I(T;Y)"):
        rep = dpi(records, quantity=q)
        out[q] = {
            "violations": len(rep.violations),
            "beyond_uncertainty": int(sum(bool(v.get("beyond_uncertainty")) for v in rep.violations)),
            "largest_increase": max((float(v["increase"]) for v in rep.violations), default=0.0),
            "rows": [{k: (float(v[k]) if isinstance(v[k], (int, float, np.floating))
                          and not isinstance(v[k], bool) else v[k])
                      for k in ("layer", "earlier", "increase", "epoch") if k in v}
                     for v in rep.violations[:20]],
        }
    epochs = sorted({r["epoch"] for r in records})
    fig, axes = new_figure(2, width=4.2, height=3.3)
    cm = _colormap()
    for ax, q in zip(axes, ("I(X;T)", "I(T;Y)"), strict=True):
        for i, e in enumerate(epochs):
            vals = [next(r["value"] for r in records if r["layer"] == ly and r["epoch"] == e
                         and r["quantity"] == q) for ly in layers]
            ax.plot(range(len(layers)), vals, "o-", color=cm(i / max(len(epochs) - 1, 1)),
                    lw=1, ms=3, label=f"epoch {e}" if i in (0, len(epochs) - 1) else None)
        ax.set_xticks(range(len(layers)), layers)
        ax.set_xlabel("layer (input side → output side)")
        ax.set_ylabel(f"{q} [{unit}]")
        ax.legend(fontsize=7)
    figs = [to_png(fig, "dpi", "Estimated I(X;T) and I(T;Y) against depth, one line per epoch; "
                   "the data processing inequality says no line may rise to the right")]
    nx, ny = out["I(X;T)"]["violations"], out["I(T;Y)"]["violations"]
    tiny = 1e-9  # rises below this are floating-point round-off of equal values
    if max(out["I(X;T)"]["largest_increase"], out["I(T;Y)"]["largest_increase"]) <= tiny:
        nx = ny = 0
    if nx + ny == 0:
        verdict = ("No estimate increases with depth at any recorded epoch: the estimates respect "
                   "the data processing inequality, as the true values must.")
    else:
        beyond = out["I(X;T)"]["beyond_uncertainty"] + out["I(T;Y)"]["beyond_uncertainty"]
        verdict = (f"The estimates increase with depth {nx} time(s) for I(X;T) (largest rise "
                   f"{out['I(X;T)']['largest_increase']:.3g} {unit}) and {ny} time(s) for I(T;Y) "
                   f"(largest {out['I(T;Y)']['largest_increase']:.3g} {unit}); {beyond} of these "
                   "rises exceed the estimates' bootstrap uncertainty. The true values "
                   "cannot increase along X → T₁ → T₂ (data processing inequality), so each "
                   "rise is an artefact of the estimator (binning resolution, finite samples), "
                   "not something the network does.")
    reading = (f"Across {len(layers)} hidden layers and {len(epochs)} recorded epochs: {verdict}")
    idx = ctx.subset("train")
    n_plane = int(records[0].get("n") or len(idx)) if ctx.cache.get("plane_history") \
        else len(idx)
    saturated = (_plane_saturation(list(records), n_plane, _label_entropy_bits(
        ctx.data.y_train[idx])) if unit == "bits" else "")
    if saturated:
        reading = ("Saturated, so this check cannot fail and says nothing: " + saturated + " "
                   + reading)
    return Section("dpi", "", reading=reading, figures=figs,
                   status="saturated" if saturated else "ok",
                   numbers={"unit": unit, "layers": list(layers), **out,
                            "saturated": saturated or None},
                   method="infolens.nn.dpi_report on the information-plane records: each layer "
                   "is compared with the smallest estimate of the layers before it.")


def _probe_row(usable: Any, t_train: Any, ytr: Any, t: Any, y: Any, probe: str,
               seed: int) -> dict[str, Any]:
    """One probe's held-out usable information, as the section's JSON row."""
    try:
        est = usable(t_train, ytr, held_out=(t, y), probe=probe, base=2, ci=0.95,
                     random_state=seed, max_epochs=_PROBE_EPOCHS[probe])
    except ValueError as exc:
        return {"error": str(exc)}
    return {"value": float(est), "ci": list(est.ci), "stderr": est.stderr,
            "held_out_accuracy": est.params["held_out_accuracy"],
            "weight_decay": est.params["weight_decay"], "ci_cut": est.params["ci_cut"]}


#: Most full-batch Adam steps per probe fit (early stopping usually ends sooner).
_PROBE_EPOCHS = {"linear": 300, "mlp": 150}
#: Inputs used for the noisy-layer I(X;T+Z) (its cost grows as n² · width).
NOISY_SAMPLES = 1000
#: sigma = NOISY_RELATIVE x the RMS distance of the layer's activations from their mean.
NOISY_RELATIVE = 0.5


def _noisy_row(noisy: Any, t: np.ndarray, seed: int) -> dict[str, Any]:
    est = noisy(t, relative_noise=NOISY_RELATIVE, scale="spread", base=2, random_state=seed)
    p = est.params
    return {"value": float(est), "ci": list(est.ci), "stderr": est.stderr,
            "noise_std": p["noise_std"], "layer_scale": p["layer_scale"],
            "bracket": p["bracket"], "gaussian_ceiling": p["gaussian_ceiling"],
            "saturated": p["saturated"], "ci_cut": p["ci_cut"]}


def _fmt_ci(row: dict[str, Any]) -> str:
    if "value" not in row:
        return "—"
    return f"{row['value']:.3f} [{row['ci'][0]:.3f}, {row['ci'][1]:.3f}]"


def section_usable_information(ctx: Context) -> Section:
    """Per-layer information of the trained network without a training history: usable
    information I_V(T -> Y) of a linear and a small MLP probe (held out), and I(X; T+Z) of
    each layer made noisy at a noise scale relative to that layer (Goldfeld et al. 2019)."""
    import html

    usable = need("infolens.nn", "usable_information", "the usable-information probes, issue 15")
    noisy = need("infolens.nn", "noisy_layer_information", "the noisy-layer I(X;T), issue 15")
    from .figures import new_figure, to_png

    idx, itr = ctx.subset("test"), ctx.subset("train")
    y, ytr = ctx.data.y_test[idx], ctx.data.y_train[itr]
    if len(np.unique(y)) < 2:
        raise Unavailable("The test split holds one class only; usable information is 0.")
    rows: list[tuple[str, Any, Any]] = []  # (name, train features, test features)
    x, xtr = np.asarray(ctx.data.x_test), np.asarray(ctx.data.x_train)
    if x.dtype.kind == "f":  # raw inputs as the reference (token ids are not features)
        rows.append(("input", xtr[itr].reshape(len(itr), -1), x[idx].reshape(len(idx), -1)))
    if ctx.layers:
        acts, acts_tr = ctx.activations("test"), ctx.activations("train")
        rows += [(name, np.asarray(acts_tr[name])[itr], np.asarray(acts[name])[idx])
                 for name in ctx.layers]
    else:  # no hookable layer (e.g. TorchScript): the model's output is still there
        from .model import predict_logits

        rows.append(("output", np.asarray(predict_logits(ctx.model, xtr[itr],
                                                         batch_size=ctx.batch_size)),
                     _test_outputs(ctx)[2][idx]))
    hy = _label_entropy_bits(y)
    n_noisy = min(len(idx), NOISY_SAMPLES)
    table: dict[str, Any] = {}
    seconds = {"linear": 0.0, "mlp": 0.0, "noisy": 0.0}
    for name, t_train, t in rows:
        t0 = time.perf_counter()
        row = _probe_row(usable, t_train, ytr, t, y, "linear", ctx.seed)
        t1 = time.perf_counter()
        row["mlp"] = _probe_row(usable, t_train, ytr, t, y, "mlp", ctx.seed)
        t2 = time.perf_counter()
        row["noisy"] = _noisy_row(noisy, np.asarray(t, dtype=np.float64)[:n_noisy], ctx.seed)
        seconds["linear"] += t1 - t0
        seconds["mlp"] += t2 - t1
        seconds["noisy"] += time.perf_counter() - t2
        row["dims"] = int(t.reshape(len(t), -1).shape[1])
        table[name] = row
    done = [k for k, v in table.items() if "value" in v]
    if not done:
        raise Unavailable("No layer could be probed: " + "; ".join(
            f"{k}: {v['error']}" for k, v in table.items()))
    names = list(table)
    ceiling_bits = 1.0 / (2 * NOISY_RELATIVE**2) / math.log(2)
    fig, (a1, a2) = new_figure(2, width=4.6, height=3.6)
    for probe, fmt in (("linear", "o-"), ("mlp", "s--")):
        src = [table[k] if probe == "linear" else table[k]["mlp"] for k in names]
        pos = [i for i, r in enumerate(src) if "value" in r]
        vals = np.array([src[i]["value"] for i in pos])
        err = np.array([[src[i]["value"] - src[i]["ci"][0], src[i]["ci"][1] - src[i]["value"]]
                        for i in pos]).T.reshape(2, -1)
        a1.errorbar(pos, vals, yerr=np.clip(err, 0, None), fmt=fmt, capsize=3,
                    label=f"{probe} probe")
    a1.axhline(hy, ls="--", color="grey", lw=1, label=f"H(Y) = {hy:.2f} bits")
    a1.set_ylabel("I_V(T→Y) [bits]")
    a1.set_title("usable information (held out)", fontsize=9)
    nz = [table[k]["noisy"] for k in names]
    err = np.array([[r["value"] - r["ci"][0], r["ci"][1] - r["value"]] for r in nz]).T
    a2.errorbar(range(len(names)), [r["value"] for r in nz], yerr=np.clip(err, 0, None),
                fmt="o-", color="#e76f51", capsize=3)
    a2.axhline(ceiling_bits, ls="--", color="grey", lw=1,
               label=f"ceiling 1/(2c²) = {ceiling_bits:.2f} bits")
    a2.set_ylabel("I(X;T+Z) [bits]")
    a2.set_title(f"noisy layer, σ = {NOISY_RELATIVE} × layer spread", fontsize=9)
    for ax in (a1, a2):
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
        ax.set_xlabel("layer (input side → output side)")
        ax.legend(fontsize=7)
    figs = [to_png(fig, "usable_information",
                   "Per layer: usable information of a linear and an MLP probe (held out, 95% "
                   "intervals) and I(X;T+Z) of the layer with noise relative to its spread")]
    e = html.escape
    body = "".join(
        f"<tr><td>{e(k)}</td><td class='num'>{r['dims']}</td>"
        f"<td class='num'>{e(_fmt_ci(r))}</td><td class='num'>{e(_fmt_ci(r['mlp']))}</td>"
        f"<td class='num'>{e(_fmt_ci(r['noisy']))}</td>"
        f"<td class='num'>{r['noisy']['noise_std']:.3g}</td></tr>" for k, r in table.items())
    html_table = ("<table><tr><th>layer</th><th>units</th><th>I_V linear probe [bits]</th>"
                  "<th>I_V MLP probe [bits]</th><th>I(X;T+Z) [bits]</th>"
                  "<th>σ (layer units)</th></tr>" + body + "</table>")
    best = max(done, key=lambda k: table[k]["value"])
    last_hidden = [k for k in done if k != "input"]
    sentences = [
        f"A linear probe trained on each layer's activations recovers, on held-out examples, "
        f"up to {table[best]['value']:.3f} bits of the H(Y) = {hy:.3f} bits of label "
        f"information (layer {best}, {100 * table[best]['held_out_accuracy']:.0f}% held-out "
        "accuracy).",
    ]
    mlp_done = [k for k in names if "value" in table[k]["mlp"] and "value" in table[k]]
    if mlp_done:
        beyond = [k for k in mlp_done if table[k]["mlp"]["ci"][0] > table[k]["ci"][1]]
        sentences.append(
            "A small MLP probe (one hidden layer of 64 ReLU units) reads up to "
            f"{max(table[k]['mlp']['value'] for k in mlp_done):.3f} bits; "
            + (f"it reads more than the linear probe beyond both intervals at "
               f"{', '.join(beyond)}: label information there is present but not linearly "
               "readable." if beyond else
               "at no layer does it read more than the linear probe beyond both intervals."))
    if "input" in table and "value" in table["input"] and last_hidden:
        k = last_hidden[-1]
        sentences.append(
            f"The raw input gives {table['input']['value']:.3f} bits to the linear probe "
            f"and layer {k} gives {table[k]['value']:.3f}: what the network adds is making "
            "label information linearly readable. (The data processing inequality bounds "
            "Shannon's I(T;Y) by I(X;Y); usable information may rise with depth.)")
    sentences.append(
        "Unlike a binned I(X;T) these numbers do not saturate at log2(n): each is bounded by "
        "H(Y) and estimated on examples the probe never saw.")
    nvals = {k: table[k]["noisy"]["value"] for k in names}
    lo_k, hi_k = min(nvals, key=nvals.get), max(nvals, key=nvals.get)
    sentences.append(
        f"With noise of standard deviation σ = {NOISY_RELATIVE} × each layer's own spread "
        "(the RMS distance of its activations from their mean) added to it, I(X;T+Z) is "
        f"finite and at most {ceiling_bits:.2f} bits for every layer whatever its width; it "
        f"ranges from {nvals[lo_k]:.3f} ({lo_k}) to {nvals[hi_k]:.3f} bits ({hi_k}). Lower "
        "means the inputs fall into fewer groups the layer keeps apart at that resolution "
        "(clustering). The estimate is low on average (Jensen) and its interval covers "
        "sampling spread only.")
    sat = [k for k in names if table[k]["noisy"]["saturated"]]
    if sat:
        sentences.append(f"Saturated at log2(n) (measures the sample size): {', '.join(sat)}.")
    cut = [k for k in done if table[k]["ci_cut"]]
    if cut:
        sentences.append(f"Linear-probe intervals cut to [0, H(Y)] for {', '.join(cut)}.")
    return Section(
        "usable_information", "", reading=" ".join(sentences), figures=figs,
        html_table=html_table,
        numbers={"unit": "bits", "H(Y)_bits": hy, "n_samples": len(idx), "layers": table,
                 "noisy_relative_noise": NOISY_RELATIVE, "noisy_scale": "spread",
                 "noisy_ceiling_bits": ceiling_bits, "noisy_n_samples": n_noisy,
                 "seconds": {k: round(v, 2) for k, v in seconds.items()}},
        method=("infolens.nn.usable_information(probe='linear' and probe='mlp', 64 hidden ReLU "
                "units): probe on standardised activations, L2 penalty chosen on a validation "
                "quarter, value = mean held-out log-likelihood gain over the label frequencies "
                "(Xu et al. 2020), normal 95% interval cut to [0, H(Y)]; probes fitted on the "
                f"{len(itr)} training samples{ctx.subset_note('train')}, evaluated on the "
                f"{len(idx)} test samples{ctx.subset_note('test')}, which neither the model nor "
                "the probe saw. infolens.nn.noisy_layer_information(relative_noise="
                f"{NOISY_RELATIVE}, scale='spread') on the first {n_noisy} of those test "
                "samples: σ per layer = 0.5 × sqrt(mean ||t − mean t||²) (in the table), "
                "sample-propagation Monte-Carlo estimate of h(T+Z) − h(Z) (Goldfeld et al. "
                "2019), interval from the spread over inputs; bracket (Kolchinsky–Tracey lower, "
                "Gaussian or Kolchinsky–Tracey upper bound) in results.json. Time: linear probes "
                f"{seconds['linear']:.1f} s, MLP probes {seconds['mlp']:.1f} s, noisy layers "
                f"{seconds['noisy']:.1f} s."))


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


def section_weights(ctx: Context) -> Section:
    """Weight entropy and description length per layer, trained vs freshly initialised."""
    went = need("infolens.nn", "weight_entropy", "weight entropy and description length, issue 4")
    from .figures import new_figure, to_png

    bins, precision = 64, 1e-3
    trained = went(ctx.model, bins=bins, precision=precision)
    fresh_model = _fresh_copy(ctx.model, ctx.seed + 1)
    fresh = None if fresh_model is None else went(fresh_model, bins=bins, precision=precision)
    rows = []
    for i, a in enumerate(trained.layers):
        row = {"name": a["name"], "n_weights": int(a["n_weights"]),
               "histogram_entropy_bits": float(a["histogram_entropy"]),
               "bits_per_weight": float(a["bits_per_weight"]),
               "description_length_bits": float(a["description_length"])}
        if fresh is not None:
            b = fresh.layers[i]
            row["init_histogram_entropy_bits"] = float(b["histogram_entropy"])
            row["init_bits_per_weight"] = float(b["bits_per_weight"])
        rows.append(row)
    fig, (a1, a2) = new_figure(2, width=4.2, height=3.3)
    names = [r["name"] for r in rows]
    xs = np.arange(len(rows))
    if fresh is not None:
        a1.bar(xs - 0.2, [r["init_bits_per_weight"] for r in rows], 0.4,
               label="at initialisation")
    a1.bar(xs + 0.2, [r["bits_per_weight"] for r in rows], 0.4, label="trained")
    a1.set_xticks(xs, names, rotation=30, fontsize=7)
    a1.set_ylabel(f"bits per weight (step {precision:g})")
    a1.legend(fontsize=7)
    params = dict(ctx.model.named_parameters())
    for r in rows:
        w = params[r["name"]].detach().cpu().numpy().ravel() if r["name"] in params else None
        if w is not None:
            a2.hist(w, bins=bins, histtype="step", density=True, label=r["name"])
    a2.set_xlabel("weight value")
    a2.set_ylabel("density")
    a2.legend(fontsize=7)
    figs = [to_png(fig, "weights", "Bits per weight per layer (trained vs initial) and the "
                   "trained weight histograms")]
    total = float(trained.total_bits)
    biggest = max(rows, key=lambda r: r["description_length_bits"])
    if fresh is None:
        return Section("weights", "", reading=(
            f"Quantised to steps of {precision:g}, the model's weights need {total:,.0f} bits "
            f"in total ({total / 8 / 1024:.1f} KiB with an ideal entropy code); the largest "
            f"share is {biggest['name']} ({biggest['description_length_bits']:,.0f} bits, "
            f"{biggest['bits_per_weight']:.2f} bits per weight). The layers of this model "
            "(TorchScript or torch.export) cannot be re-initialised, so there is no "
            "comparison with a freshly initialised copy."), figures=figs,
            numbers={"bins": bins, "precision": precision, "total_bits": total, "layers": rows},
            method=f"infolens.nn.weight_entropy(bins={bins}, precision={precision:g}).")
    total0 = float(fresh.total_bits)
    change = total - total0
    reading = (
        f"Quantised to steps of {precision:g}, the trained weights need {total:,.0f} bits in "
        f"total ({total / 8 / 1024:.1f} KiB with an ideal entropy code), against {total0:,.0f} "
        f"bits for a freshly initialised copy ({'+' if change >= 0 else '−'}"
        f"{abs(change):,.0f} bits). The largest share is {biggest['name']} "
        f"({biggest['description_length_bits']:,.0f} bits, {biggest['bits_per_weight']:.2f} "
        "bits per weight). Fewer bits per weight means a more peaked, more compressible "
        "weight distribution — a shorter description of what the network learned. "
        + ("Here training spread the weights out: the trained network takes more bits to "
           "describe than its random initialisation." if change > 0 else
           "Here training concentrated the weights: the trained network takes fewer bits to "
           "describe than its random initialisation.")
    )
    return Section("weights", "", reading=reading, figures=figs,
                   numbers={"bins": bins, "precision": precision, "total_bits": total,
                            "init_total_bits": total0, "layers": rows},
                   method=f"infolens.nn.weight_entropy(bins={bins}, precision={precision:g}): "
                   "histogram entropy over each tensor's own range, entropy of round(w/step) "
                   "per weight, description length = weights × bits per weight (biases "
                   "excluded).")


def _test_outputs(ctx: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-example cross-entropy (nats), 0/1 errors and logits of the model on the test set."""
    import torch

    from .model import predict_logits

    logits = torch.as_tensor(predict_logits(ctx.model, ctx.data.x_test,
                                            batch_size=ctx.batch_size))
    ce = torch.nn.functional.cross_entropy(logits, torch.as_tensor(ctx.data.y_test),
                                           reduction="none").numpy()
    errs = (logits.argmax(dim=1).numpy() != ctx.data.y_test).astype(np.int64)
    return ce.astype(np.float64), errs, logits.numpy()


def section_fano(ctx: Context) -> Section:
    """Fano's lower bound on any classifier's error from I(T;Y), next to the actual error."""
    bounds = need("infolens.bounds", "bayes_error_bounds", "Fano and Bayes-error bounds, issue 6")
    from .figures import new_figure, to_png

    layer = ctx.last_hidden
    idx = ctx.subset("test")
    t = ctx.activations("test")[layer].astype(np.float64)[idx]
    y = ctx.data.y_test[idx]
    ce, errs, _ = _test_outputs(ctx)
    test_error = float(errs.mean())  # the model's error on the whole test split
    ce, errs = ce[idx], errs[idx]
    delta = 0.05
    b = bounds(t, y, n_classes=ctx.data.n_classes, delta=delta, cross_entropy=ce,
               holdout_errors=errs, random_state=ctx.seed)
    lower, upper = float(b.lower), float(b.upper)
    terms = {k: v for k, v in b.terms.items() if isinstance(v, (int, float))}
    fig, ax = new_figure(1, width=6.0, height=2.6)
    ax.barh(["Fano lower bound", "model test error", "upper bound"], [lower, test_error, upper],
            color=["#457b9d", "#e63946", "#a8dadc"])
    for i, v in enumerate((lower, test_error, upper)):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=8)
    ax.set_xlabel("error probability")
    ax.set_xlim(0, max(upper, test_error, lower) * 1.3 + 1e-3)
    figs = [to_png(fig, "fano", "Fano's lower bound on the error of any classifier reading the "
                   "last hidden layer, the model's test error, and an upper bound on the best "
                   "achievable error")]
    h_low = terms.get("H_Y_given_X_low", float("nan"))
    if lower <= 0:
        first = (f"Fano's inequality gives no positive lower bound here: within its 95% "
                 f"confidence interval the last hidden layer ({layer}) may carry all of the "
                 "label's entropy (the lower end of H(Y|T) is "
                 f"{h_low:.3f} nats), so the data allow an error rate as low as 0.")
    else:
        first = (f"No classifier reading the last hidden layer ({layer}) can have an error "
                 f"below {lower:.3f} (Fano's inequality at H(Y|T) ≥ {h_low:.3f} nats, 95% "
                 "confidence).")
    reading = (f"{first} The model's actual test error is {test_error:.3f}; an upper bound on "
               f"the lowest achievable error is {upper:.3f} ({b.upper_method}). "
               + ("The model is within the range an ideal classifier could reach."
                  if test_error <= upper else
                  "The model's error is above that upper bound: a better classifier of the "
                  "same representation exists."))
    numbers = {"layer": layer, "fano_lower_bound": lower, "upper_bound": upper,
               "test_error": test_error, "delta_lower": float(b.delta_lower),
               "delta_upper": float(b.delta_upper), "n_test": int(len(y)),
               "n_classes": ctx.data.n_classes, "terms_nats": terms}
    return Section("fano", "", reading=reading, figures=figs, numbers=numbers,
                   method=f"infolens.bounds.bayes_error_bounds on the {len(y)} test "
                   f"representations{ctx.subset_note('test')}: lower side — {b.lower_method}; upper side — "
                   f"{b.upper_method}. Since the model's prediction is a function of T, Fano's "
                   "bound for T also bounds the model's error.")


def section_pac_bayes(ctx: Context) -> Section:
    """PAC-Bayes certificate with a data-dependent prior (Pérez-Ortiz et al. 2021)."""
    cert_fn = need("infolens.nn", "certificate", "the PAC-Bayes certificate, issue 6")
    to_prob = need("infolens.nn", "to_probabilistic", "probabilistic layers, issue 6")
    pb_train = need("infolens.nn", "pac_bayes_train", "PAC-Bayes training, issue 6")
    split = need("infolens.nn", "split_indices", "prior/bound split, issue 6")
    set_mode = need("infolens.nn", "set_mode", "probabilistic layers, issue 6")
    import torch

    from .figures import new_figure, to_png
    from .model import error_rate, train

    d = ctx.data
    if not any(hasattr(m, "reset_parameters") for m in ctx.model.modules()):
        return Section("pac_bayes", "", status="not_applicable",
                       reading="The certificate needs a prior network of the same architecture "
                       "trained from a fresh initialisation; this model's layers (TorchScript "
                       "or torch.export) cannot be re-initialised or made stochastic.")
    try:  # fail early (before training a prior) when the model cannot be made stochastic
        to_prob(ctx.model)
    except (ValueError, TypeError) as exc:
        return Section("pac_bayes", "", status="not_applicable",
                       reading="A PAC-Bayes certificate needs a stochastic version of every "
                       f"trained parameter, which this model does not allow: {exc}")
    prior_idx, bound_idx = split(len(d.y_train), 0.5, random_state=ctx.seed)
    prior_net = _fresh_copy(ctx.model, ctx.seed + 2)
    epochs = int(ctx.params.get("epochs", 30)) if ctx.trained else 30
    train(prior_net, d.x_train[prior_idx], d.y_train[prior_idx], d.x_test, d.y_test,
          epochs=epochs, seed=ctx.seed + 3, lr=ctx.params.get("lr", 3e-3), progress=False)
    prior_sigma, delta, delta_mc, mc = 0.03, 0.025, 0.01, 300
    q = to_prob(ctx.model, prior=prior_net, prior_sigma=prior_sigma, prior_indices=prior_idx)
    bound_data = (torch.as_tensor(d.x_train[bound_idx]), torch.as_tensor(d.y_train[bound_idx]))
    pb_epochs = 20
    hist = pb_train(q, bound_data, objective="quad", delta=delta, epochs=pb_epochs, lr=5e-3,
                    random_state=ctx.seed)
    # the tightest valid forms that need no choice made on held-back data: Maurer's exact
    # xi(n) in the kl bound, and the smaller of the kl and empirical-Bernstein MC steps
    c = cert_fn(q, bound_data, delta=delta, delta_mc=delta_mc, mc_samples=mc,
                indices=bound_idx, random_state=ctx.seed, xi="exact", mc_method="best")
    # error of the stochastic predictor on the untouched test set (information only)
    g = torch.Generator().manual_seed(ctx.seed)
    set_mode(q, "sample")
    errs = []
    with torch.no_grad(), torch.random.fork_rng():
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
        xt = torch.as_tensor(d.x_test)
        for _ in range(100):
            errs.append(float((q(xt).argmax(1).numpy() != d.y_test).mean()))
    set_mode(q, "mean")
    stoch_test = float(np.mean(errs))
    holdout = None if c.holdout is None else float(c.holdout.value)
    train_err = error_rate(ctx.model, d.x_train, d.y_train)
    numbers = {
        "certificate": float(c.risk_01), "certificate_cross_entropy": float(c.risk_ce),
        "kl_nats": float(c.kl), "n_bound": int(c.n), "n_prior": int(len(prior_idx)),
        "empirical_risk": float(c.empirical_risk_01), "mc_bound": float(c.mc_bound_01),
        "mc_samples": int(c.mc_samples), "delta": float(c.delta), "delta_mc": float(c.delta_mc),
        "holdout_bound": holdout, "posterior_mean_error": float(c.posterior_mean_error),
        "stochastic_test_error": stoch_test, "model_train_error": train_err,
        "prior_sigma": prior_sigma, "pac_bayes_epochs": len(hist),
    }
    if holdout is None:
        numbers.pop("holdout_bound")
    fig, ax = new_figure(1, width=6.0, height=2.9)
    labels = ["empirical risk (bound half)", "MC upper bound", "PAC-Bayes certificate"]
    vals = [numbers["empirical_risk"], numbers["mc_bound"], numbers["certificate"]]
    if holdout is not None:
        labels.append("hold-out bound (prior mean)")
        vals.append(holdout)
    labels.append("stochastic test error")
    vals.append(stoch_test)
    ax.barh(labels, vals, color="#457b9d")
    for i, v in enumerate(vals):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=8)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("0-1 risk")
    figs = [to_png(fig, "pac_bayes", "PAC-Bayes certificate and its ingredients")]
    vacuous = numbers["certificate"] >= 0.5
    reading = (
        f"With probability at least {1 - delta - delta_mc:.3f} over the data, the stochastic "
        f"network Q errs on at most {100 * numbers['certificate']:.1f}% of future examples. Q "
        "has Gaussian weights that started at the trained model's and were then tuned on the "
        "bound half by minimising the bound, which pulls them toward the prior; Q's mean "
        f"network errs {100 * numbers['posterior_mean_error']:.1f}% on the bound half (the "
        f"trained model: {100 * train_err:.1f}% on the whole training set). The certificate combines its Monte-Carlo risk on the {c.n} bound examples "
        f"({numbers['empirical_risk']:.3f}, at most {numbers['mc_bound']:.3f} after "
        f"{c.mc_samples} weight draws) with KL(Q‖P) = {numbers['kl_nats']:.1f} nats to a prior "
        f"P learned on the other {len(prior_idx)} training examples. "
        + (f"The hold-out bound of the prior's mean network on the same examples is "
           f"{holdout:.3f}; " + ("the certificate beats it. " if numbers["certificate"] < holdout
                                 else "the certificate does not beat it, so here the hold-out "
                                 "bound is the better guarantee. ") if holdout is not None else "")
        + f"On the untouched test set Q errs {100 * stoch_test:.1f}% of the time"
        + (" — below the certificate, as it must be with high probability." if
           stoch_test <= numbers["certificate"] else " — above the certificate (a 1-in-"
           f"{1 / (delta + delta_mc):.0f} event, or a bug).")
        + (" A certificate above 0.5 is close to vacuous for this task." if vacuous else "")
    )
    return Section("pac_bayes", "", reading=reading, figures=figs, numbers=numbers,
                   method=f"infolens.nn.to_probabilistic (prior σ={prior_sigma}, prior mean "
                   "trained on a disjoint half of the training set), pac_bayes_train (quad "
                   f"objective, {pb_epochs} epochs, SGD lr 0.005), certificate (Seeger/Maurer kl bound, δ={delta}, "
                   f"δ_MC={delta_mc}, {mc} weight samples).")


def sufficiency_flags(i_xy: float, i_ty: float, gap_ci: list[float] | None,
                      hy: float) -> list[str]:
    """The sufficiency estimates that no true value could take, each described.

    For T = f(X) the data processing inequality gives 0 <= I(T;Y) <= I(X;Y) <= H(Y).  Flagged:
    a negative estimate of either term; either term above H(Y) (all in the same unit, here
    nats); and I(T;Y) > I(X;Y) *beyond the gap's interval* (its upper end below 0).  A
    negative gap whose interval reaches 0 is within sampling spread and is not flagged.
    Differences below 1e-9 (round-off) are ignored.
    """
    tol = 1e-9
    flags = []
    for name, v in (("I(X;Y)", i_xy), ("I(T;Y)", i_ty)):
        if v < -tol:
            flags.append(f"{name} = {v:.3f} nats is negative")
        if v > hy + tol:
            flags.append(f"{name} = {v:.3f} nats exceeds H(Y) = {hy:.3f} nats")
    if gap_ci is not None and gap_ci[1] < -tol:
        flags.append(f"I(T;Y) exceeds I(X;Y) by {i_ty - i_xy:.3f} nats, beyond the gap's 95% "
                     f"interval [{gap_ci[0]:.3f}, {gap_ci[1]:.3f}], which the data processing "
                     "inequality forbids (I(T;Y) <= I(X;Y) for T = f(X))")
    return flags


def section_sufficiency(ctx: Context) -> Section:
    """Sufficiency gap I(X;Y) − I(T;Y) of the last hidden layer."""
    gap_fn = need("infolens.nn", "sufficiency_gap", "the sufficiency gap, issue 4")
    from .figures import new_figure, to_png

    layer = ctx.last_hidden
    idx = ctx.subset("test")
    if ctx.data.x_test.dtype.kind in "iu":
        return Section(
            "sufficiency", "", status="not_applicable",
            reading="The inputs are integers (token ids or category codes): distances between "
            "them mean nothing, so I(X;Y) cannot be estimated by the k-NN estimators this "
            "check uses. No sufficiency gap is reported.", numbers={"layer": layer})
    x = ctx.data.flat("test").astype(np.float64)[idx]  # k-NN needs one row per sample
    t = ctx.activations("test")[layer].astype(np.float64)[idx]
    y = ctx.data.y_test[idx]
    flat_note = ("" if len(ctx.data.sample_shape) == 1 else
                 f" Each {ctx.data.sample_shape} input was flattened to {x.shape[1]} features "
                 "for the estimator.")
    method, n_boot = "ross", 30
    distinct = max(len(np.unique(x[:, j])) for j in range(x.shape[1]))
    if distinct <= 16:
        return Section(
            "sufficiency", "", status="not_applicable",
            reading=f"The input features take at most {distinct} distinct values each, so I(X;Y) "
            "cannot be estimated by the k-NN estimators this check uses (tied distances), and "
            f"with {len(y)} test samples every input pattern is seen about once, so a plug-in "
            "estimate would only count the samples. No sufficiency gap is reported.",
            numbers={"layer": layer, "max_distinct_values_per_feature": int(distinct)})
    gap = gap_fn(x, t, y, method=method, n_boot=n_boot, random_state=ctx.seed)
    i_xy, i_ty = float(gap.params["i_xy"]), float(gap.params["i_ty"])
    ci = [float(v) for v in gap.ci] if gap.ci is not None else None
    hy = _label_entropy_bits(y) * math.log(2)  # nats, like the estimates
    flags = sufficiency_flags(i_xy, i_ty, ci, hy)
    fig, ax = new_figure(1, width=5.5, height=2.8)
    ax.barh(["I(X;Y)", f"I(T;Y), T = {layer}"], [i_xy, i_ty], color=["#1d3557", "#2a9d8f"])
    for i, v in enumerate((i_xy, i_ty)):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=8)
    ax.axvline(hy, ls="--", color="grey", lw=1)
    ax.text(hy, 1.45, f"H(Y) = {hy:.3f}", fontsize=7, ha="right", va="top", color="grey")
    ax.set_xlabel(f"nats ({method} estimator)")
    figs = [to_png(fig, "sufficiency", "Information about the label in the input and in the last "
                   "hidden layer, with the label entropy H(Y) that bounds both")]
    g = float(gap)
    if flags:
        verdict = (f"Impossible value{'s' if len(flags) > 1 else ''}: " + "; ".join(flags)
                   + ". No true value can do this, so the estimates are biased by more than "
                   "their interval shows and the gap is not a measurement of the layer.")
    elif g < 0:
        verdict = (f"The estimated gap is negative ({g:.3f} nats) but its interval reaches 0: "
                   "within the estimator's sampling spread the layer keeps all the label "
                   "information the estimator finds in the input.")
    else:
        verdict = (f"The last hidden layer loses an estimated {g:.3f} nats of the label "
                   "information in the input; 0 would mean it is a sufficient statistic.")
    reading = (f"I(X;Y) ≈ {i_xy:.3f} nats and I(T;Y) ≈ {i_ty:.3f} nats for T = {layer} "
               f"(test set, n = {len(y)}; H(Y) = {hy:.3f} nats). {verdict}"
               + (f" 95% interval of the gap (half-sampling): [{ci[0]:.3f}, {ci[1]:.3f}]; it "
                  "reflects sampling spread, not the estimator's bias." if ci else ""))
    numbers = {"layer": layer, "gap_nats": g, "I(X;Y)_nats": i_xy, "I(T;Y)_nats": i_ty,
               "H(Y)_nats": hy, "method": method, "n_boot": n_boot, "n": int(len(y)),
               "impossible_values": flags}
    if ci:
        numbers["gap_ci"] = ci
    return Section("sufficiency", "", reading=reading, figures=figs, numbers=numbers,
                   status="impossible" if flags else "ok",
                   method=f"infolens.nn.sufficiency_gap(method='{method}', n_boot={n_boot}) on "
                   f"the test split{ctx.subset_note('test')}: both "
                   "terms with the same mixed continuous–discrete estimator (Ross 2014, k=3), "
                   "half-samples of the rows (without replacement, the same rows for both terms) for "
                   "the interval." + flat_note)


def section_synergy(ctx: Context) -> Section:
    """Pairwise PID among the most informative units of the last hidden layer."""
    syn = need("infolens.nn", "neuron_synergy", "synergy among units, issue 7")
    from .figures import new_figure, to_png

    layer = ctx.last_hidden
    top_k, bins = 8, 4
    idx = ctx.subset("train")
    r = syn(ctx.model, layer, ctx.data.x_train[idx], ctx.data.y_train[idx], top_k=top_k, bins=bins,
            measure="imin", base=2)
    units = [int(u) for u in r.units]
    k = len(units)
    pos = {u: i for i, u in enumerate(units)}
    mat = np.zeros((k, k))
    for (i, j), s_ in zip(np.asarray(r.pairs), np.asarray(r.synergy), strict=True):
        if int(i) in pos and int(j) in pos:
            mat[pos[int(i)], pos[int(j)]] = mat[pos[int(j)], pos[int(i)]] = float(s_)
    fig, (a1, a2) = new_figure(2, width=4.2, height=3.4)
    unit_mi = np.asarray(r.unit_mi, dtype=float)
    a1.bar(range(k), unit_mi[units], color="#457b9d")
    a1.set_xticks(range(k), [str(u) for u in units], fontsize=7)
    a1.set_xlabel("unit (most informative first)")
    a1.set_ylabel(f"I(unit; Y) [{r.unit}]")
    im = a2.imshow(mat, cmap="magma")
    a2.set_xticks(range(k), [str(u) for u in units], fontsize=7)
    a2.set_yticks(range(k), [str(u) for u in units], fontsize=7)
    a2.set_title(f"pairwise synergy [{r.unit}]", fontsize=9)
    fig.colorbar(im, ax=a2)
    figs = [to_png(fig, "synergy", "Label information of the most informative units and the "
                   "synergy of each pair")]
    pairs = [{"units": [int(a), int(b)], "synergy": float(v)} for a, b, v in r.top_pairs]
    best = pairs[0] if pairs else None
    o_info = None if r.o_information is None else float(r.o_information)
    red = np.asarray(r.redundancy, dtype=float)
    sy = np.asarray(r.synergy, dtype=float)
    reading = (
        f"The {k} units of {layer} that carry most information about the label each carry "
        f"{unit_mi[units].min():.3f}–{unit_mi[units].max():.3f} {r.unit} on their own. "
        + (f"The most synergistic pair, units {best['units'][0]} and {best['units'][1]}, "
           f"carries {best['synergy']:.3f} {r.unit} about the label that neither unit carries "
           "alone (like XOR). " if best else "")
        + f"Averaged over the {len(sy)} pairs, synergy is {sy.mean():.3f} and redundancy "
        f"{red.mean():.3f} {r.unit}: the pairs are "
        + ("mostly synergistic." if sy.mean() > red.mean() else "mostly redundant.")
        + (f" The O-information of the {k} units together is {o_info:.3f} {r.unit} "
           + ("(negative: synergy-dominated)." if o_info < 0 else "(positive: redundancy-"
              "dominated).") if o_info is not None else "")
    )
    numbers = {"layer": layer, "units": units, "unit_mi": [float(unit_mi[u]) for u in units],
               "top_pairs": pairs, "mean_synergy": float(sy.mean()),
               "mean_redundancy": float(red.mean()), "unit": r.unit, "bins": bins,
               "measure": r.measure, "n": int(r.n)}
    if o_info is not None:
        numbers["o_information"] = o_info
    return Section("synergy", "", reading=reading, figures=figs, numbers=numbers,
                   method=f"infolens.nn.neuron_synergy(top_k={top_k}, bins={bins}, "
                   f"rule='{r.rule}', measure='{r.measure}') on the {r.n} training inputs"
                   f"{ctx.subset_note('train')}: "
                   "units binned by quantiles, Williams–Beer I_min decomposition of every pair, "
                   "Gaussian-copula O-information of the top units.")


def _dropout_modules(model: Any) -> list[tuple[str, float]]:
    return [(n, float(m.p)) for n, m in model.named_modules()
            if type(m).__name__ in ("Dropout", "Dropout1d", "Dropout2d", "AlphaDropout")]


def _strided_modules(model: Any) -> list[tuple[str, int]]:
    out = []
    for n, m in model.named_modules():
        stride = getattr(m, "stride", None)
        if stride is None or not list(m.parameters(recurse=False)) and \
                type(m).__name__ not in ("MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d"):
            continue
        s_ = stride if isinstance(stride, int) else max(stride)
        if s_ > 1:
            out.append((n, int(s_)))
    return out


def section_channels(ctx: Context) -> Section:
    """Dropout layers as erasure channels (measured on the network); strided layers' aliasing."""
    drops = _dropout_modules(ctx.model)
    strided = _strided_modules(ctx.model)
    if not drops and not strided:
        return Section("channels", "", status="not_applicable",
                       reading="The model has no dropout layer and no strided layer, so there "
                       "is no channel of this kind to analyse.")
    from .figures import new_figure, to_png

    mi = need("infolens", "mutual_information", "the sample estimators, issue 3")
    numbers: dict[str, Any] = {}
    sentences = []
    figs = []
    if drops:
        cap = need("infolens.nn.activations", "capture", "activation capture, issue 4")
        name, p = drops[0]
        idx = ctx.subset("test")
        x = ctx.data.x_test[idx]
        y = ctx.data.y_test[idx]
        reps = 40  # independent dropout masks per test input
        before = np.asarray(cap(ctx.model, x, [name], train=False)[name]).reshape(len(x), -1)
        import torch

        with torch.random.fork_rng():
            torch.manual_seed(ctx.seed)
            after = np.asarray(cap(ctx.model, np.tile(x, (reps,) + (1,) * (x.ndim - 1)), [name],
                                   train=True)[name]).reshape(reps * len(x), -1)
        # symbols per unit: 4 quantile bins of the pre-dropout value; an erased unit (exact 0
        # after dropout while the value before was non-zero) is its own symbol -1.  The
        # prediction is exact for the empirical distribution of (symbol, Y): passing it
        # through an erasure channel multiplies its mutual information by 1 - p, and the
        # `reps` mask draws per input make the measured plug-in value converge to it.
        edges = np.quantile(before, [0.25, 0.5, 0.75], axis=0)
        codes = (before[None, :, :] > edges[:, None, :]).sum(axis=0)
        codes_rep = np.tile(codes, (reps, 1))
        erased = (after == 0) & (np.tile(before, (reps, 1)) != 0)
        dropped_codes = np.where(erased, -1, codes_rep)
        y_rep = np.tile(y, reps)
        units = min(before.shape[1], 16)
        measured, predicted = [], []
        for j in range(units):
            i_before = float(mi(codes[:, j], y, method="plugin", base=2))
            i_after = float(mi(dropped_codes[:, j], y_rep, method="plugin", base=2))
            measured.append(i_after)
            predicted.append((1 - p) * i_before)
        frac = float(erased.mean())
        fig, ax = new_figure(1, width=4.6, height=3.8)
        ax.scatter(predicted, measured, s=14, color="#e63946")
        hi = max(max(predicted), max(measured)) * 1.05 + 1e-6
        ax.plot([0, hi], [0, hi], "k--", lw=0.8, label="I = (1 − p)·I(unit; Y)")
        ax.set_xlabel("erasure-channel prediction (1 − p)·I(unit;Y) [bits]")
        ax.set_ylabel("measured I(dropped unit; Y) [bits]")
        ax.legend(fontsize=7)
        figs.append(to_png(fig, "dropout", f"Dropout layer '{name}' (p = {p}) as an erasure "
                           "channel: measured against predicted information per unit"))
        err = np.abs(np.asarray(measured) - np.asarray(predicted))
        numbers["dropout"] = {"layer": name, "p": p, "erased_fraction": frac, "units": units,
                              "masks_per_input": reps,
                              "measured_bits": measured, "predicted_bits": predicted,
                              "max_abs_difference_bits": float(err.max()), "n": int(len(y))}
        sentences.append(
            f"Dropout layer '{name}' zeroes {100 * frac:.1f}% of unit values in training mode "
            f"(p = {p}). Seen as an erasure channel, each unit should keep a fraction 1 − p = "
            f"{1 - p:.2f} of its label information: with each unit's value in 4 quantile bins "
            f"on the {len(y)} test inputs and {reps} dropout masks per input, the measured "
            f"information follows that prediction to within {err.max():.4f} bits over {units} "
            "units (the remainder is the randomness of the masks and the plug-in bias of the "
            "extra erasure symbol).")
    if strided:
        tradeoff = need("infolens.nn", "aliasing_tradeoff", "aliasing analysis, issue 4")
        rows_all = {}
        for name, stride in strided:
            rows = tradeoff((1, 3, 5), n=64, stride=stride, noise_var=0.01, base=2)
            rows_all[name] = [{k: float(v) if isinstance(v, (float, np.floating)) else v
                               for k, v in r_.items()} for r_ in rows]
        numbers["strided"] = {"layers": [{"name": n, "stride": s_} for n, s_ in strided],
                              "tradeoff": rows_all}
        first, stride = strided[0]
        rows = rows_all[first]
        fig, ax = new_figure(1, width=4.6, height=3.4)
        ax.plot([r_["aliased_fraction"] for r_ in rows],
                [r_["information_fraction"] for r_ in rows], "o-")
        ax.set_xlabel("aliased fraction of power")
        ax.set_ylabel("information kept (fraction of plain striding)")
        figs.append(to_png(fig, "aliasing", f"Aliasing trade-off for stride {stride}"))
        sentences.append(
            f"The model has {len(strided)} strided layer(s) (first: '{first}', stride {stride}). "
            f"For a white input, plain striding lets {rows[0]['aliased_fraction']:.2f} of the "
            f"power alias; a BlurPool filter of size 5 cuts that to "
            f"{rows[-1]['aliased_fraction']:.3f} but keeps only "
            f"{rows[-1]['information_fraction']:.2f} of the information.")
    else:
        sentences.append("The model has no strided layers, so there is no aliasing to analyse.")
    return Section("channels", "", reading=" ".join(sentences), figures=figs, numbers=numbers,
                   method="Dropout: infolens.nn.capture in eval and training mode, plug-in "
                   "infolens.mutual_information per unit. Strided layers: "
                   "infolens.nn.aliasing_tradeoff (binomial BlurPool filters 1, 3, 5).")


SECTIONS: list[tuple[str, str, Callable[[Context], Section]]] = [
    ("training", "Model and training", section_training),
    ("information_plane", "Information plane", section_information_plane),
    ("dpi", "Data processing check across layers", section_dpi),
    ("usable_information", "Per-layer information: usable (probes) and noisy I(X;T)",
     section_usable_information),
    ("weights", "Weight entropy and description length", section_weights),
    ("fano", "Fano's lower bound versus the actual test error", section_fano),
    ("pac_bayes", "PAC-Bayes certificate", section_pac_bayes),
    ("sufficiency", "Sufficiency gap of the last hidden layer", section_sufficiency),
    ("synergy", "Synergy among the most informative units", section_synergy),
    ("channels", "Dropout and strided layers as channels", section_channels),
]
