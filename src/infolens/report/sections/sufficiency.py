"""The sufficiency section: how much label information the last hidden layer can have lost.

For a layer :math:`T = f(X)` the sufficiency gap is :math:`I(X;Y) - I(T;Y) \\ge 0`, zero
exactly when :math:`T` is a sufficient statistic of :math:`X` for :math:`Y`.  Estimating
both terms from samples fails on real inputs (a k-NN :math:`I(X;Y)` on thousands of pixel
values is biased far below :math:`I(T;Y)`), so the section reports what can be bounded:

* **gap, from above**: :math:`I(X;Y) - I(T;Y) = H(Y\\mid T) - H(Y\\mid X) \\le H(Y\\mid T)
  \\le \\mathbb E[-\\log q(Y\\mid T)]` for *any* predictor :math:`q`, so the held-out
  cross-entropy of a probe fitted on :math:`T` is an upper bound (in expectation; the
  sampling spread of the held-out mean is added for a 95% bound);
* **I(X;Y), from below**: :math:`I(X;Y) \\ge I(T';Y) \\ge H(Y) - \\mathbb E[-\\log q(Y\\mid
  T')]` for every representation :math:`T' = f(X)` (each probed layer, the raw input, the
  model's own predictions: the Barber–Agakov bound), and from above by :math:`H(Y)`.

Both bounds are finite whatever the input's dimension, and no true value can break them,
so nothing here is "impossible".  The section no longer estimates the Shannon gap
directly: the mixed k-NN estimator (Ross 2014) of :func:`infolens.nn.sufficiency_gap`
put I(T;Y) above I(X;Y) beyond its interval, which the data processing inequality
forbids, on inputs of 3, 5, 10, 20 and 60 features whose label is the sign of one of them
(n = 200 test rows) and on every image model tried (3,072 features); it agreed with the
truth only on a 2-feature input.  That function stays for low-dimensional inputs.

References
----------
Barber, D. & Agakov, F. (2003). The IM algorithm: a variational approach to information
maximization. NIPS.
Xu, Y., Zhao, S., Song, J., Stewart, R. & Ermon, S. (2020). A theory of usable information
under computational constraints. ICLR.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import ndtri

from ..errors import NotApplicable, Unavailable
from ._base import (
    Section,
    SectionContext,
    _label_entropy_bits,
    _test_outputs,
    need,
)
from .per_layer import cached_probe_row, probe_inputs

#: One-sided level of the bounds.
LEVEL = 0.95
#: The reading calls a layer close to sufficient when its 95% gap bound is at most this
#: fraction of H(Y).
NEAR_SUFFICIENT = 0.10


_PROBE_NAMES = {"linear": "a linear probe", "mlp": "an MLP probe",
                "none (the model's softmax)": "the model's own softmax"}


def _bits(v: float) -> str:
    """A value in bits for the reading: 3 decimals, or 2 significant digits below 0.001."""
    return f"{v:.1e}" if 0 < abs(v) < 1e-3 else f"{v:.3f}"


def _bound_rows(ctx: SectionContext, idx: np.ndarray, itr: np.ndarray, y: np.ndarray,
                ytr: np.ndarray, hy: float) -> dict[str, dict[str, Any]]:
    """Per representation: the best probe's held-out cross-entropy (bits) and its standard
    error, and the lower bound H(Y) - CE on I(representation; Y)."""
    out: dict[str, dict[str, Any]] = {}
    for name, t_train, t in probe_inputs(ctx, idx, itr):
        fits = {p: cached_probe_row(ctx, name, p, t_train, ytr, t, y) for p in ("linear", "mlp")}
        ok = {p: r for p, r in fits.items() if "cross_entropy" in r}
        if not ok:
            continue
        probe = min(ok, key=lambda p: ok[p]["cross_entropy"])
        out[name] = {"probe": probe, "predictors": len(ok),
                     "held_out_errors": int(round((1 - ok[probe]["held_out_accuracy"]) * len(y))),
                     "cross_entropy": ok[probe]["cross_entropy"],
                     "cross_entropy_stderr": ok[probe]["cross_entropy_stderr"],
                     "lower_bound": hy - ok[probe]["cross_entropy"]}
    if not ctx.test_unseen_by_model:  # its test loss may be a training loss: no bound
        return out
    ce, errs, logits = _test_outputs(ctx)  # the model's own softmax: a predictor of Y from X
    if logits.shape[1] > int(np.max(ctx.data.y_test)):
        c = ce[idx] / math.log(2)
        out["model's predictions"] = {
            "probe": "none (the model's softmax)", "predictors": 1,
            "held_out_errors": int(errs[idx].sum()),
            "cross_entropy": float(c.mean()),
            "cross_entropy_stderr": float(c.std(ddof=1) / math.sqrt(len(c))),
            "lower_bound": hy - float(c.mean())}
    return out


def section_sufficiency(ctx: SectionContext) -> Section:
    """Bounds on the sufficiency gap I(X;Y) − I(T;Y) of the last hidden layer T."""
    need("infolens.nn", "usable_information", "the usable-information probes, issue 15")
    from ..figures import new_figure, to_png

    idx, itr = ctx.subset("test"), ctx.subset("train")
    y, ytr = ctx.data.y_test[idx], ctx.data.y_train[itr]
    if len(np.unique(y)) < 2:
        raise NotApplicable("The test split holds one class only: H(Y) = 0, so there is no "
                          "label information to keep or lose.")
    hy = _label_entropy_bits(y)
    rows = _bound_rows(ctx, idx, itr, y, ytr, hy)
    layers = [k for k in rows if k not in ("input", "model's predictions")]
    if len(ctx.layers) >= 2:
        layer = ctx.last_hidden
    elif layers:  # only the output can be read (e.g. TorchScript): T is the output
        layer = layers[-1]
    else:
        raise Unavailable("No representation of the input could be probed.")
    if layer not in rows:
        raise Unavailable(f"No probe could be fitted on layer {layer}.")
    r = rows[layer]
    z1 = float(ndtri(1 - (1 - LEVEL) / r["predictors"]))  # Bonferroni over the probes tried
    # gap <= I(X;Y) <= H(Y) as well: a probe worse than the label frequencies (CE > H(Y))
    # gives the bound H(Y), and T's lower bound is then 0 (both said in the reading)
    worse = r["cross_entropy"] > hy
    upper = min(hy, r["cross_entropy"])
    upper95 = min(hy, r["cross_entropy"] + z1 * r["cross_entropy_stderr"])
    kept = hy - upper
    m = sum(v["predictors"] for v in rows.values())
    zm = float(ndtri(1 - (1 - LEVEL) / m))
    src = max(rows, key=lambda k: rows[k]["lower_bound"])
    lower = max(0.0, rows[src]["lower_bound"])  # I(X;Y) >= 0 in any case
    lower95 = max(0.0, max(v["lower_bound"] - zm * v["cross_entropy_stderr"]
                           for v in rows.values()))
    numbers: dict[str, Any] = {
        "layer": layer, "unit": "bits", "n": int(len(y)), "H(Y)_bits": hy,
        "gap_upper_bits": upper, "gap_upper_95_bits": upper95,
        "I(T;Y)_lower_bits": kept, "fraction_kept_lower": kept / hy,
        "probe_worse_than_label_frequencies": worse,
        "I(X;Y)_lower_bits": lower, "I(X;Y)_lower_95_bits": lower95, "I(X;Y)_lower_from": src,
        "level": LEVEL, "predictors": rows}

    names = list(rows)
    fig, ax = new_figure(1, width=5.8, height=0.45 * len(names) + 1.4)
    vals = [rows[k]["lower_bound"] for k in names]
    err = [1.96 * rows[k]["cross_entropy_stderr"] for k in names]
    colors = ["#e76f51" if k == layer else "#2a9d8f" for k in names]
    ax.barh(names, vals, xerr=err, color=colors, capsize=3)
    ax.barh([layer], [hy - kept], left=[kept], color="none", edgecolor="#e76f51", hatch="//",
            label=f"at most lost by\n{layer}: H(Y|T) ≤ {_bits(upper)}")
    ax.axvline(hy, ls="--", color="grey", lw=1, label=f"H(Y) = {hy:.3f}\n(bounds I(X;Y))")
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, *vals), 1.75 * hy)  # room right of H(Y) for the legend
    ax.set_xlabel("bits: H(Y) − held-out cross-entropy (a lower bound on I(·;Y))")
    ax.legend(fontsize=7, loc="center right")
    figs = [to_png(fig, "sufficiency", "Lower bounds on the label information of each "
                   "representation (best held-out predictor, 95% bars) and what the last hidden "
                   "layer can at most have lost, up to H(Y)")]

    verdict = (f"T = {layer} loses at most {_bits(upper)} bits of the label information in "
               f"the input ({_bits(upper95)} at {LEVEL:.0%}): I(X;Y) − I(T;Y) = H(Y|T) − H(Y|X) ≤ "
               f"H(Y|T), and H(Y|T) is at most the expected cross-entropy of any predictor of Y "
               f"from T: {_PROBE_NAMES.get(r['probe'], r['probe'])} reading T reaches {_bits(upper)} bits on held-out "
               "examples. It keeps at least "
               f"{kept:.3f} of the H(Y) = {hy:.3f} bits, so at least {kept / hy:.0%} "
               "of I(X;Y), whatever I(X;Y) is (I(X;Y) ≤ H(Y)). The input holds between "
               f"{lower95:.3f} (best lower bound, from {src}, {LEVEL:.0%}) and {hy:.3f} bits.")
    if r["held_out_errors"] == 0:
        verdict += (f" The probe erred on none of the {len(y)} held-out examples: errors rarer "
                    f"than about 3/{len(y)} (the rule of three, 95%) cannot show in this sample, "
                    "and the interval does not cover them.")
    if worse:
        verdict += (f" (The best probe on T does worse on held-out examples than the label "
                    f"frequencies: cross-entropy {r['cross_entropy']:.3f} > H(Y) bits, so the "
                    "bound used is H(Y) itself, which holds for any layer.)")
    if upper95 <= NEAR_SUFFICIENT * hy:
        verdict += (" The layer is close to sufficient for the label: at 95% it can have lost "
                    + (f"at most {upper95 / hy:.0%} of H(Y)." if upper95 >= 0.001 * hy else
                       "less than 0.1% of H(Y)."))
    else:
        verdict += (" A large bound does not show that the layer lost information: it may be "
                    "the probe that cannot read it (the bound is only as tight as the best "
                    "predictor found).")
    reading = (f"Test set, n = {len(y)}, H(Y) = {hy:.3f} bits (plug-in). {verdict}")
    method = (f"Bounds from held-out cross-entropies (bits) of the linear and MLP probes of "
              f"infolens.nn.usable_information, fitted on the training split"
              f"{ctx.subset_note('train')} and evaluated on the test split"
              f"{ctx.subset_note('test')} (shared with the per-layer section), and of the "
              "model's own softmax (only when the model did not train on the test split: "
              "trained here, or a split given with the data): gap ≤ min over probes of "
              "CE(T) (Barber–Agakov), "
              "I(X;Y) ≥ max over representations of H(Y) − CE; the 95% ends add the normal "
              "quantile of the held-out mean's standard error, Bonferroni-corrected over the "
              "predictors compared, and are cut to [0, H(Y)].")
    return Section("sufficiency", "", reading=reading, figures=figs, numbers=numbers,
                   status="ok", method=method)
