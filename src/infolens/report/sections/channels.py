"""Dropout layers as erasure channels and strided layers' aliasing."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import (
    Section,
    SectionContext,
    need,
)

_DROPOUT_TYPES = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout")


def _dropout_modules(model: Any) -> list[tuple[str, float]]:
    return [(n, float(m.p)) for n, m in model.named_modules()
            if type(m).__name__ in _DROPOUT_TYPES]


def _compiled_dropout_names(model: Any) -> list[str]:
    """Dropout layers of a TorchScript model, known only by their ``original_name``."""
    return [n for n, m in model.named_modules()
            if type(m).__name__ == "RecursiveScriptModule"
            and getattr(m, "original_name", "") in _DROPOUT_TYPES]


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


def section_channels(ctx: SectionContext) -> Section:
    """Dropout layers as erasure channels (measured on the network); strided layers' aliasing."""
    drops = _dropout_modules(ctx.model)
    strided = _strided_modules(ctx.model)
    if not drops and not strided:
        hidden = _compiled_dropout_names(ctx.model)
        if hidden:
            reading = (
                f"The model's {len(hidden)} dropout layer(s) ({', '.join(hidden[:4])}"
                f"{', ...' if len(hidden) > 4 else ''}) are compiled into a TorchScript "
                "archive, whose modules take no forward hooks and cannot be run with dropout "
                "on by themselves, so they cannot be measured as erasure channels here; load "
                "the model as a state dict with --model-factory to get this section.")
        else:
            reading = ("The model has no dropout layer and no strided layer that can be read "
                       "here, so there is no channel of this kind to analyse.")
        return Section("channels", "", status="not_applicable", reading=reading)
    from ..figures import new_figure, to_png

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
