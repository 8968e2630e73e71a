"""Synergy among the most informative units (PID)."""

from __future__ import annotations

import numpy as np

from ._base import (
    Section,
    SectionContext,
    need,
)


def section_synergy(ctx: SectionContext) -> Section:
    """Pairwise PID among the most informative units of the last hidden layer."""
    syn = need("infolens.nn", "neuron_synergy", "synergy among units, issue 7")
    from ..figures import new_figure, to_png

    layer = ctx.last_hidden
    top_k, bins = 8, 4
    idx = ctx.subset("train")
    r = syn(ctx.capture_model, layer, ctx.data.x_train[idx], ctx.data.y_train[idx], top_k=top_k, bins=bins,
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
    lo, hi = float(unit_mi[units].min()), float(unit_mi[units].max())
    if hi - lo < 5e-4:  # one value to the printed digits: say so, and the likely reason
        each = (f"each carry {hi:.3f} {r.unit} on their own, the same for all: at {bins} "
                "quantile bins per unit, these units split the classes alike (with rare "
                "classes, all their examples can fall in one bin of every unit). ")
    else:
        each = f"each carry {lo:.3f}–{hi:.3f} {r.unit} on their own. "
    reading = (
        f"The {k} units of {layer} that carry most information about the label {each}"
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
