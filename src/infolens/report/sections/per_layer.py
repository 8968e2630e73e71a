"""The per-layer section for any checkpoint: usable information of linear and MLP probes, and I(X;T+Z) of each layer made noisy."""

from __future__ import annotations

import html
import math
import time
from typing import Any

import numpy as np

from ..errors import NotApplicable, Unavailable
from ._base import (
    Section,
    SectionContext,
    _label_entropy_bits,
    _test_outputs,
    need,
)


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
            "cross_entropy": est.params["held_out_cross_entropy"],
            "cross_entropy_stderr": est.params["cross_entropy_stderr"],
            "weight_decay": est.params["weight_decay"], "ci_cut": est.params["ci_cut"],
            "h_y": est.params["h_y"]}


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


def cached_noisy_row(ctx: SectionContext, name: str, t: np.ndarray) -> dict[str, Any]:
    """I(X;T+Z) row of ``name`` (``t``: its test-subset activations) on the first
    :data:`NOISY_SAMPLES` rows, computed once per report: the information-plane section of a
    loaded checkpoint shows the same values (``ctx.cache["noisy_rows"]``)."""
    cache = ctx.cache.setdefault("noisy_rows", {})
    if name not in cache:
        noisy = need("infolens.nn", "noisy_layer_information", "the noisy-layer I(X;T), issue 15")
        n = min(len(t), NOISY_SAMPLES)
        cache[name] = _noisy_row(noisy, np.asarray(t, dtype=np.float64)[:n], ctx.seed)
    return cache[name]


def probe_inputs(ctx: SectionContext, idx: np.ndarray,
                 itr: np.ndarray) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, train features, test features)`` of every representation the probes read:
    the raw input when it is real-valued (token ids are not features), then each analysed
    layer; with no hookable layer (e.g. TorchScript) the model's output."""
    rows: list[tuple[str, np.ndarray, np.ndarray]] = []
    x, xtr = np.asarray(ctx.data.x_test), np.asarray(ctx.data.x_train)
    if x.dtype.kind == "f":
        rows.append(("input", xtr[itr].reshape(len(itr), -1), x[idx].reshape(len(idx), -1)))
    if ctx.layers:
        acts, acts_tr = ctx.activations("test"), ctx.activations("train")
        rows += [(name, np.asarray(acts_tr[name])[itr], np.asarray(acts[name])[idx])
                 for name in ctx.layers]
    else:
        from ..model import predict_logits

        rows.append(("output", np.asarray(predict_logits(ctx.model, xtr[itr],
                                                         batch_size=ctx.batch_size)),
                     _test_outputs(ctx)[2][idx]))
    return rows


def cached_probe_row(ctx: SectionContext, name: str, probe: str, t_train: Any, ytr: Any,
                     t: Any, y: Any) -> dict[str, Any]:
    """The ``probe`` row of representation ``name``, fitted once per report and shared by
    the per-layer and the sufficiency sections (``ctx.cache["probe_rows"]``)."""
    cache = ctx.cache.setdefault("probe_rows", {})
    if (name, probe) not in cache:
        usable = need("infolens.nn", "usable_information",
                      "the usable-information probes, issue 15")
        cache[name, probe] = _probe_row(usable, t_train, ytr, t, y, probe, ctx.seed)
    return cache[name, probe]


def _fmt_ci(row: dict[str, Any]) -> str:
    if "value" not in row:
        return "—"
    return f"{row['value']:.3f} [{row['ci'][0]:.3f}, {row['ci'][1]:.3f}]"


def section_usable_information(ctx: SectionContext) -> Section:
    """Per-layer information of the trained network without a training history: usable
    information I_V(T -> Y) of a linear and a small MLP probe (held out), and I(X; T+Z) of
    each layer made noisy at a noise scale relative to that layer (Goldfeld et al. 2019)."""

    need("infolens.nn", "usable_information", "the usable-information probes, issue 15")
    need("infolens.nn", "noisy_layer_information", "the noisy-layer I(X;T), issue 15")
    from ..figures import new_figure, to_png

    idx, itr = ctx.subset("test"), ctx.subset("train")
    y, ytr = ctx.data.y_test[idx], ctx.data.y_train[itr]
    if len(np.unique(y)) < 2:
        raise NotApplicable("The test split holds one class only; usable information is 0.")
    rows = probe_inputs(ctx, idx, itr)
    hy = _label_entropy_bits(y)
    n_noisy = min(len(idx), NOISY_SAMPLES)
    table: dict[str, Any] = {}
    seconds = {"linear": 0.0, "mlp": 0.0, "noisy": 0.0}
    for name, t_train, t in rows:
        t0 = time.perf_counter()
        row = dict(cached_probe_row(ctx, name, "linear", t_train, ytr, t, y))
        t1 = time.perf_counter()
        row["mlp"] = cached_probe_row(ctx, name, "mlp", t_train, ytr, t, y)
        t2 = time.perf_counter()
        row["noisy"] = cached_noisy_row(ctx, name, t)
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
    # The ceiling of every held-out estimate: the cross-entropy of the test labels under the
    # training label frequencies (the probes' baseline).  It equals the plug-in H(Y) of the
    # test labels only when both splits have the same label frequencies.
    hy_held = max(table[k].get("h_y", hy) for k in done)
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
    a1.axhline(hy_held, ls="--", color="grey", lw=1, label=f"H(Y) = {hy_held:.2f} bits")
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
        f"up to {table[best]['value']:.3f} bits of the H(Y) = {hy_held:.3f} bits of label "
        f"information (layer {best}, {100 * table[best]['held_out_accuracy']:.0f}% held-out "
        "accuracy).",
    ]
    if abs(hy_held - hy) >= 5e-4:
        sentences.append(
            f"Here H(Y) is the test labels' cross-entropy under the training label "
            f"frequencies, the probes' baseline and the most any of these estimates can be; "
            f"the test labels' own entropy is {hy:.3f} bits (the two splits' label "
            "frequencies differ).")
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
        numbers={"unit": "bits", "H(Y)_bits": hy, "H(Y)_held_out_baseline_bits": hy_held,
                 "n_samples": len(idx), "layers": table,
                 "noisy_relative_noise": NOISY_RELATIVE, "noisy_scale": "spread",
                 "noisy_ceiling_bits": ceiling_bits, "noisy_n_samples": n_noisy,
                 "seconds": {k: round(v, 2) for k, v in seconds.items()}},
        method=("infolens.nn.usable_information(probe='linear' and probe='mlp', 64 hidden ReLU "
                "units): probe on standardised activations, L2 penalty chosen on a validation "
                "quarter, value = mean held-out log-likelihood gain over the label frequencies "
                "(Xu et al. 2020), normal 95% interval cut to [0, H(Y)]; probes fitted on the "
                f"{len(itr)} training samples{ctx.subset_note('train')}, evaluated on the "
                f"{len(idx)} test samples{ctx.subset_note('test')}, which the probe never saw"
                + (" and neither did the model" if ctx.test_unseen_by_model else
                   " (the model may have: it was trained elsewhere and the split was made "
                   "here at random)")
                + ". infolens.nn.noisy_layer_information(relative_noise="
                f"{NOISY_RELATIVE}, scale='spread') on the first {n_noisy} of those test "
                "samples: σ per layer = 0.5 × sqrt(mean ||t − mean t||²) (in the table), "
                "sample-propagation Monte-Carlo estimate of h(T+Z) − h(Z) (Goldfeld et al. "
                "2019), interval from the spread over inputs; bracket (Kolchinsky–Tracey lower, "
                "Gaussian or Kolchinsky–Tracey upper bound) in results.json. Time: linear probes "
                f"{seconds['linear']:.1f} s, MLP probes {seconds['mlp']:.1f} s, noisy layers "
                f"{seconds['noisy']:.1f} s"
                + (" (the hidden layers' values were computed by the information-plane "
                   "section and reused)." if "noisy_points" in ctx.cache else ".")))
