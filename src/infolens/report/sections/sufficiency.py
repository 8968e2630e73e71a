"""The sufficiency-gap section, with its impossible-value flags."""

from __future__ import annotations

import math

import numpy as np

from ._base import (
    Section,
    SectionContext,
    _label_entropy_bits,
    need,
)


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


def section_sufficiency(ctx: SectionContext) -> Section:
    """Sufficiency gap I(X;Y) − I(T;Y) of the last hidden layer."""
    gap_fn = need("infolens.nn", "sufficiency_gap", "the sufficiency gap, issue 4")
    from ..figures import new_figure, to_png

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
        if i_ty > i_xy and x.shape[1] > t.shape[1]:
            verdict += (f" The likelier culprit is I(X;Y): k-NN estimates are biased low in many "
                        f"dimensions ({x.shape[1]} input features against {t.shape[1]} units), "
                        f"and the data processing inequality gives I(X;Y) >= I(T;Y), so "
                        f"{i_ty:.3f} nats is the better lower bound on I(X;Y) here.")
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
