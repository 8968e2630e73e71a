"""The weight-entropy and description-length section."""

from __future__ import annotations

import numpy as np

from ._base import (
    Section,
    SectionContext,
    _fresh_copy,
    need,
)


def section_weights(ctx: SectionContext) -> Section:
    """Weight entropy and description length per layer, trained vs freshly initialised."""
    went = need("infolens.nn", "weight_entropy", "weight entropy and description length, issue 4")
    from ..figures import new_figure, to_png

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
