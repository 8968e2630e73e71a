r"""The information plane and the data-processing check of a loaded checkpoint, from the
layers made noisy at a scale relative to each layer.

A checkpoint analysed without a training history gives one point per layer.  The binned
I(X;T) of a deterministic layer on n distinct inputs is log2 n and I(T;Y) is then H(Y), for
every layer (saturated).  Instead each hidden layer T is made noisy,
:math:`T_\sigma = T + Z`, :math:`Z \sim N(0, \sigma^2 I)`, with :math:`\sigma` = 0.5 × the
RMS distance of the layer's activations from their mean (the per-layer section's scale), and
the point is :math:`(I(X;T_\sigma), I(T_\sigma;Y))` in bits:
:func:`infolens.nn.noisy_layer_information` and :func:`infolens.nn.noisy_label_information`
(sample propagation, Goldfeld et al. 2019, ICML), on the same test rows and the same draws.
:math:`I(X;T_\sigma) \le 1/(2c^2)` nats for every layer whatever its width (Gaussian maximum
entropy), and :math:`I(T_\sigma;Y) \le \min(H(Y), I(X;T_\sigma))` (data processing for
:math:`Y \to X \to T \to T_\sigma`).

The noise is independent per layer: :math:`T_{l+1}` is computed from the noiseless
:math:`T_l`, so :math:`X \to T_{1,\sigma} \to T_{2,\sigma}` is not a Markov chain and nothing
forces the values to fall with depth; the DPI section checks the per-layer inequalities only.
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

import numpy as np

from ..errors import NotApplicable
from ._base import Section, SectionContext, _colormap, _label_entropy_bits, need
from .per_layer import NOISY_RELATIVE, NOISY_SAMPLES, _fmt_ci, cached_noisy_row

#: z of the two-sided 95% normal interval used for the impossible-value flags.
_Z95 = 1.959963984540054


def noisy_plane_mode(ctx: SectionContext) -> bool:
    """Whether the plane and DPI sections draw the noisy-layer points (set by the build for a
    loaded model with no ``--history`` and no ``--estimator``)."""
    return bool(ctx.cache.get("plane_noisy")) and bool(ctx.layers)


def noisy_rows(ctx: SectionContext) -> tuple[np.ndarray, int]:
    """Indices into the test split of the rows the noisy-layer estimates use, and their
    number (the first :data:`NOISY_SAMPLES` of :meth:`subset` ``("test")``)."""
    idx = ctx.subset("test")
    n = min(len(idx), NOISY_SAMPLES)
    return idx[:n], n


def noisy_points(ctx: SectionContext) -> dict[str, Any]:
    """Per hidden layer (depth order): both coordinates of the noisy point, in bits (cached)."""
    if "noisy_points" in ctx.cache:
        return ctx.cache["noisy_points"]
    label = need("infolens.nn", "noisy_label_information", "the noisy-layer I(T;Y), issue 15")
    t0 = time.perf_counter()
    rows, n = noisy_rows(ctx)
    y = ctx.data.y_test[rows]
    if len(np.unique(y)) < 2:
        raise NotApplicable(f"The {n} test rows used hold one class only; I(T;Y) is 0.")
    acts = ctx.activations("test")
    full = ctx.subset("test")
    hidden = ctx.layers[:-1] or ctx.layers  # the hidden representations (logits excluded)
    points: dict[str, Any] = {}
    for name in hidden:
        t = np.asarray(acts[name], dtype=np.float64)[full]
        xrow = cached_noisy_row(ctx, name, t)
        est = label(t[:n], y, relative_noise=NOISY_RELATIVE, scale="spread", base=2,
                    random_state=ctx.seed)
        p = est.params
        gap, gse = p["dpi_gap"], p["dpi_gap_stderr"]
        points[name] = {
            "I(X;T)": xrow["value"], "I(X;T)_ci": xrow["ci"], "I(X;T)_stderr": xrow["stderr"],
            "I(T;Y)": float(est), "I(T;Y)_ci": list(est.ci), "I(T;Y)_stderr": est.stderr,
            "dpi_gap": gap, "dpi_gap_stderr": gse,
            "dpi_gap_ci": [gap - _Z95 * gse, gap + _Z95 * gse],
            "noise_std": xrow["noise_std"], "layer_scale": xrow["layer_scale"],
            "dims": int(t.reshape(len(t), -1).shape[1]), "saturated": xrow["saturated"],
        }
    hy = _label_entropy_bits(np.unique(y, return_inverse=True)[1].reshape(-1))
    ctx.cache["noisy_points"] = {"points": points, "n": n, "H(Y)_bits": hy,
                                 "seconds": time.perf_counter() - t0}
    return ctx.cache["noisy_points"]


def noisy_flags(points: dict[str, Any], hy: float) -> list[str]:
    """Per-layer values no true quantity can take, each described: I(T_σ;Y) below 0 or above
    H(Y) beyond its 95% interval, or above I(X;T_σ) beyond the 95% interval of the paired
    difference (data processing for Y → X → T → T_σ).  Differences below 1e-9 are round-off."""
    tol, flags = 1e-9, []
    for name, p in points.items():
        v, (lo, hi) = p["I(T;Y)"], p["I(T;Y)_ci"]
        if hi < -tol:
            flags.append(f"layer {name}: I(T_σ;Y) = {v:.3f} bits is negative beyond its interval")
        if lo > hy + tol:
            flags.append(f"layer {name}: I(T_σ;Y) = {v:.3f} bits exceeds H(Y) = {hy:.3f} bits")
        if p["dpi_gap_ci"][1] < -tol:
            flags.append(f"layer {name}: I(T_σ;Y) = {v:.3f} bits exceeds I(X;T_σ) = "
                         f"{p['I(X;T)']:.3f} bits beyond the 95% interval of the difference "
                         f"[{p['dpi_gap_ci'][0]:.3f}, {p['dpi_gap_ci'][1]:.3f}], which the data "
                         "processing inequality forbids")
    return flags


def _saturation(points: dict[str, Any], n: int) -> str:
    sat = [k for k, p in points.items() if p["saturated"]]
    if not sat:
        return ""
    return (f"I(X;T_σ) of {', '.join(sat)} is within 1% of log2(n) = {math.log2(n):.2f} bits "
            f"for the n = {n} rows: at this σ those layers keep every input apart and the "
            "values measure the sample size.")


def _sigma_text(c: float, ceiling: float) -> str:
    return (f"σ = {c} × the layer's spread (the RMS distance of its activations from their "
            "mean), so σ is in each layer's own units and scales with it; at that relative "
            f"scale (c = {c}) I(X;T_σ) ≤ 1/(2c²) nats = {ceiling:.2f} bits for every layer whatever its "
            "width, so the layers are on one bounded, comparable scale")


def section_noisy_plane(ctx: SectionContext) -> Section:
    """One point (I(X;T_σ), I(T_σ;Y)) per hidden layer of a loaded checkpoint."""
    from ..figures import label_points, new_figure, to_png

    got = noisy_points(ctx)
    points, n, hy = got["points"], got["n"], got["H(Y)_bits"]
    c = NOISY_RELATIVE
    ceiling = 1.0 / (2 * c**2) / math.log(2)
    names = list(points)
    fig, ax = new_figure(1, width=6.4, height=4.4)
    xs = np.array([points[k]["I(X;T)"] for k in names])
    ys = np.array([points[k]["I(T;Y)"] for k in names])

    def err(key: str, v: np.ndarray) -> np.ndarray:
        ci = np.array([points[k][key] for k in names])
        return np.clip(np.stack([v - ci[:, 0], ci[:, 1] - v]), 0, None)

    ax.plot(xs, ys, "-", color="#999999", lw=1, zorder=1)
    cm = _colormap()
    for i in range(len(names)):
        ax.errorbar(xs[i], ys[i], xerr=err("I(X;T)_ci", xs)[:, i:i + 1],
                    yerr=err("I(T;Y)_ci", ys)[:, i:i + 1], fmt="o", capsize=3,
                    color=cm(i / max(len(names) - 1, 1)), zorder=2)
    top = max(hy, ceiling) * 1.05
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=1, label="I(T;Y) = I(X;T) (DPI bound)")
    ax.axhline(hy, ls="--", color="grey", lw=1, label=f"H(Y) = {hy:.2f} bits")
    ax.axvline(ceiling, ls="-.", color="#bbbbbb", lw=1, label=f"1/(2c²) = {ceiling:.2f} bits")
    ax.set_xlim(0, top)
    ax.set_ylim(0, hy * 1.1)
    ax.set_xlabel("I(X; T_σ) [bits]")
    ax.set_ylabel("I(T_σ; Y) [bits]")
    ax.set_title(f"noisy layers, σ = {c} × layer spread (n = {n})", fontsize=9)
    label_points(ax, xs, ys, names)  # layers at one spot share a label
    # below the axes: inside, it covered points near the lower right (an embedding's)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3,
              frameon=False)
    figs = [to_png(fig, "information_plane", "Information plane of the loaded model: one point "
                   "per hidden layer made noisy (σ relative to the layer), with 95% intervals")]
    last = names[-1]
    p = points[last]
    lo_k, hi_k = min(names, key=lambda k: points[k]["I(X;T)"]), \
        max(names, key=lambda k: points[k]["I(X;T)"])
    sentences = [
        "The loaded model was not trained here and no --history was given, so each hidden "
        "layer is one point. A binned I(X;T) of a deterministic layer would equal log2(n) and "
        "I(T;Y) would equal H(Y) for every layer; instead each layer T is made noisy, "
        f"T_σ = T + Z with Z ~ N(0, σ²I) and {_sigma_text(c, ceiling)}.",
        f"I(X;T_σ) ranges from {points[lo_k]['I(X;T)']:.3f} ({lo_k}) to "
        f"{points[hi_k]['I(X;T)']:.3f} bits ({hi_k}); lower means the inputs fall into fewer "
        "groups the layer keeps apart at that resolution (clustering).",
        f"The last hidden layer ({last}) keeps I(T_σ;Y) = {p['I(T;Y)']:.3f} of the "
        f"H(Y) = {hy:.3f} bits of label information "
        f"({100 * p['I(T;Y)'] / hy:.0f}%) at I(X;T_σ) = {p['I(X;T)']:.3f} bits.",
        "The noise is added to each layer separately (the next layer sees the noiseless one), "
        "so the points are not stages of one noisy chain and need not move monotonically "
        "with depth.",
    ]
    saturated = _saturation(points, n)
    flags = noisy_flags(points, hy)
    if saturated:
        sentences.insert(0, "Saturated: " + saturated)
    if flags:
        sentences.append(f"Impossible value{'s' if len(flags) > 1 else ''}: " + "; ".join(flags)
                         + ".")
    e = html.escape
    body = "".join(
        f"<tr><td>{e(k)}</td><td class='num'>{q['dims']}</td>"
        f"<td class='num'>{q['noise_std']:.3g}</td>"
        f"<td class='num'>{e(_fmt_ci({'value': q['I(X;T)'], 'ci': q['I(X;T)_ci']}))}</td>"
        f"<td class='num'>{e(_fmt_ci({'value': q['I(T;Y)'], 'ci': q['I(T;Y)_ci']}))}</td></tr>"
        for k, q in points.items())
    table = ("<table><tr><th>layer</th><th>units</th><th>σ (layer units)</th>"
             "<th>I(X;T_σ) [bits]</th><th>I(T_σ;Y) [bits]</th></tr>" + body + "</table>")
    numbers = {"mode": "noisy_layers", "unit": "bits", "H(Y)_bits": hy, "n_samples": n,
               "relative_noise": c, "scale": "spread", "ceiling_bits": ceiling,
               "layers": points, "history": None, "saturated": saturated or None,
               "impossible_values": flags, "seconds": round(got["seconds"], 2)}
    method = (f"infolens.nn.noisy_layer_information and infolens.nn.noisy_label_information "
              f"(relative_noise={c}, scale='spread', base=2, random_state={ctx.seed}) on the "
              f"first {n} test samples{ctx.subset_note('test')} (the cost grows as n² × width, "
              f"so at most {NOISY_SAMPLES} rows are used); σ per layer in the table. "
              "Sample-propagation Monte-Carlo estimates of h(T_σ) − h(Z) and of "
              "h(T_σ) − Σ_y p(y) h(T_σ | Y = y) over the same draws (Goldfeld et al. 2019); "
              "95% normal intervals from the spread over rows (sampling and Monte Carlo, not "
              "bias). I(X;T_σ) is low on average (Jensen); I(T_σ;Y) is at most the plug-in "
              "H(Y) of the rows and tends high with few rows per class. The same I(X;T_σ) "
              "values appear in the per-layer section.")
    status = "impossible" if flags else "saturated" if saturated else "ok"
    return Section("information_plane", "", reading=" ".join(sentences), figures=figs,
                   numbers=numbers, method=method, html_table=table, status=status)


def section_noisy_dpi(ctx: SectionContext) -> Section:
    """The data processing inequalities that hold per noisy layer: I(T_σ;Y) <= I(X;T_σ) and
    I(T_σ;Y) <= H(Y)."""
    from ..figures import new_figure, to_png

    got = noisy_points(ctx)
    points, n, hy = got["points"], got["n"], got["H(Y)_bits"]
    names = list(points)
    fig, ax = new_figure(1, width=6.0, height=3.6)
    pos = np.arange(len(names))
    for off, key, colour, label in ((-0.18, "I(X;T)", "#e76f51", "I(X;T_σ)"),
                                    (0.18, "I(T;Y)", "#2a9d8f", "I(T_σ;Y)")):
        v = np.array([points[k][key] for k in names])
        ci = np.array([points[k][f"{key}_ci"] for k in names])
        ax.bar(pos + off, v, width=0.36, color=colour,
               yerr=np.clip(np.stack([v - ci[:, 0], ci[:, 1] - v]), 0, None), capsize=3,
               label=label)
    ax.axhline(hy, ls="--", color="grey", lw=1, label=f"H(Y) = {hy:.2f} bits")
    ax.set_xticks(pos, names, rotation=30, ha="right", fontsize=7)
    ax.set_xlabel("hidden layer (input side → output side)")
    ax.set_ylabel("bits")
    ax.legend(fontsize=7)
    figs = [to_png(fig, "dpi", "Per noisy layer: I(X;T_σ) and I(T_σ;Y) with 95% intervals; "
                   "the data processing inequality requires I(T_σ;Y) ≤ I(X;T_σ) and ≤ H(Y) "
                   "in each layer")]
    flags = noisy_flags(points, hy)
    saturated = _saturation(points, n)
    margin = min(points[k]["dpi_gap"] for k in names)
    why = ("The noise is independent per layer: layer l+1 is computed from the noiseless "
           "layer l, not from its noisy copy, so X → T₁,σ → T₂,σ is not a Markov chain and "
           "the data processing inequality says nothing about how these values change with "
           "depth; monotonicity across layers is therefore not checked. What does hold in "
           "each layer is Y → X → T → T_σ, hence I(T_σ;Y) ≤ I(X;T_σ), and I(T_σ;Y) ≤ H(Y).")
    if flags:
        verdict = (f"Impossible value{'s' if len(flags) > 1 else ''}: " + "; ".join(flags)
                   + ". No true value can do this, so the estimates are biased by more than "
                   "their intervals show.")
    else:
        verdict = (f"In all {len(names)} hidden layers I(T_σ;Y) ≤ I(X;T_σ) within the 95% "
                   f"interval of the paired difference (smallest difference {margin:.3f} "
                   f"bits) and I(T_σ;Y) ≤ H(Y) = {hy:.3f} bits: the estimates respect the "
                   "inequalities the true values must.")
    reading = why + " " + verdict
    if saturated:
        reading = "Saturated: " + saturated + " " + reading
    per = {k: {key: points[k][key] for key in ("I(X;T)", "I(T;Y)", "dpi_gap", "dpi_gap_stderr",
                                               "dpi_gap_ci")} for k in names}
    status = "impossible" if flags else "saturated" if saturated else "ok"
    return Section(
        "dpi", "", reading=reading, figures=figs, status=status,
        numbers={"mode": "noisy_layers", "unit": "bits", "layers": names, "H(Y)_bits": hy,
                 "n_samples": n, "per_layer": per, "depth_monotonicity_checked": False,
                 "impossible_values": flags, "saturated": saturated or None},
        method=("The noisy-layer estimates of the information-plane section (same rows, "
                "same σ): I(X;T_σ) − I(T_σ;Y) is computed on the same Monte-Carlo draws, an "
                "estimate of I(X;T_σ | Y) ≥ 0 whose standard error comes from the paired "
                "per-row terms; a layer is flagged when the 95% interval of that difference "
                "lies below 0, or when the interval of I(T_σ;Y) lies above H(Y) or below 0."))
