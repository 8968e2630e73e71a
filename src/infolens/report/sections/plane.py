"""The information-plane and data-processing sections (read from the recorded plane, or,
for a loaded checkpoint without history, from the noisy layers: :mod:`.noisy_plane`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import NotApplicable, Unavailable
from ._base import (
    Section,
    SectionContext,
    _colormap,
    _label_entropy_bits,
    need,
)
from .noisy_plane import noisy_plane_mode, section_noisy_dpi, section_noisy_plane


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


def section_information_plane(ctx: SectionContext) -> Section:
    """I(X;T_l) and I(T_l;Y) per hidden layer over training (infolens.nn.InformationPlane);
    for a loaded checkpoint without history, one noisy-layer point per layer
    (:func:`~infolens.report.sections.noisy_plane.section_noisy_plane`)."""
    if noisy_plane_mode(ctx):
        return section_noisy_plane(ctx)
    if ctx.plane is None:
        if ctx.layers_note:  # no observable hidden layer: nothing to place on a plane
            raise NotApplicable(ctx.layers_note)
        raise Unavailable(ctx.plane_note or "The information plane was not recorded.")
    from ..figures import new_figure, to_png

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


def section_dpi(ctx: SectionContext) -> Section:
    """Data processing inequality across layers, checked on the plane's estimates; for a
    loaded checkpoint without history, the per-layer inequalities of the noisy layers
    (:func:`~infolens.report.sections.noisy_plane.section_noisy_dpi`)."""
    if noisy_plane_mode(ctx):
        return section_noisy_dpi(ctx)
    dpi = need("infolens.nn", "dpi_report", "the data-processing check across layers, issue 4")
    if ctx.plane is None or not ctx.plane.records:
        if ctx.layers_note:
            raise NotApplicable(ctx.layers_note)
        raise Unavailable("The data-processing check reads the information-plane estimates, "
                          "which were not recorded: " + (ctx.plane_note or "no plane."))
    from ..figures import new_figure, to_png

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
