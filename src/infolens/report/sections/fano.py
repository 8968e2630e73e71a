"""Fano's lower bound against the model's test error."""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from ._base import (
    Section,
    SectionContext,
    _test_outputs,
    need,
)

#: Below this one-sided binomial p-value, a test error under Fano's bound is flagged.
FANO_ALPHA = 0.01


def _fano_flags(lower: float, errs: np.ndarray, unseen: bool, width: int) -> list[str]:
    """Fano's bound holds for every classifier of T, the model included: a test error
    below it beyond binomial sampling spread (P[Bin(n, lower) <= errors] < FANO_ALPHA)
    means the bound came from an I(T;Y) estimate that was too low.  Only checked when the
    model did not train on the test rows (else its test error may be a training error)."""
    if lower <= 0 or not unseen:
        return []
    k, n = int(errs.sum()), len(errs)
    p = float(binom.cdf(k, n, lower))
    if p >= FANO_ALPHA:
        return []
    return [f"the model's error on these {n} test rows, {k / n:.3f}, is below Fano's lower "
            f"bound {lower:.3f} beyond sampling spread (binomial p = {p:.2g}); no classifier "
            "of T can do that, so the upper end of the k-NN estimate of I(T;Y) on this "
            f"{width}-dimensional layer is too low (k-NN estimates are biased low in many "
            "dimensions) and the bound is not valid here"]


#: Widest last hidden layer Fano's bound is computed on; a wider one is replaced by the
#: model's output (its logits), whose k-NN estimate of I(T;Y) is far less biased.
FANO_MAX_WIDTH = 32


def _fano_representation(ctx: SectionContext,
                         logits: np.ndarray) -> tuple[str, str, np.ndarray, str]:
    """``(name, description, test activations, why)`` of the representation T that Fano's
    bound reads.

    The bound needs an *upper* end of I(T;Y), and k-NN estimates are biased low in many
    dimensions, which would push the bound up past the truth.  The model's prediction is a
    function of its output, so a bound for T = the logits also bounds the model's error
    (and, by the data processing inequality, is at least the bound for any earlier layer)."""
    if len(ctx.layers) >= 2:
        layer = ctx.last_hidden
        t = np.asarray(ctx.activations("test")[layer])
        if t.shape[1] <= FANO_MAX_WIDTH:
            return layer, f"the last hidden layer ({layer})", t, ""
        why = (f"The last hidden layer {layer} keeps {t.shape[1]} values per sample, more than "
               f"{FANO_MAX_WIDTH}: the k-NN estimate of I(T;Y) there is biased low, which would "
               "make the bound too high, so T is the model's output.")
    else:
        why = f"{ctx.layers_note} T is therefore the model's output."
    return "output", f"the model's output ({logits.shape[1]} logits)", logits, why


def section_fano(ctx: SectionContext) -> Section:
    """Fano's lower bound on any classifier's error from I(T;Y), next to the actual error."""
    bounds = need("infolens.bounds", "bayes_error_bounds", "Fano and Bayes-error bounds, issue 6")
    from ..figures import new_figure, to_png

    idx = ctx.subset("test")
    ce, errs, logits = _test_outputs(ctx)
    layer, desc, t, why = _fano_representation(ctx, logits)
    t = t.astype(np.float64)[idx]
    y = ctx.data.y_test[idx]
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
    figs = [to_png(fig, "fano", f"Fano's lower bound on the error of any classifier reading "
                   f"{desc}, the model's test error, and an upper bound on the best "
                   "achievable error")]
    h_low = terms.get("H_Y_given_X_low", float("nan"))
    if lower <= 0:
        first = (f"Fano's inequality gives no positive lower bound here: within its 95% "
                 f"confidence interval {desc} may carry all of the "
                 "label's entropy (the lower end of H(Y|T) is "
                 f"{h_low:.3f} nats), so the data allow an error rate as low as 0.")
    else:
        first = (f"No classifier reading {desc} can have an error "
                 f"below {lower:.3f} (Fano's inequality at H(Y|T) ≥ {h_low:.3f} nats, 95% "
                 "confidence).")
    reading = (f"{why + ' ' if why else ''}{first} The model's actual test error is {test_error:.3f}; an upper bound on "
               f"the lowest achievable error is {upper:.3f} ({b.upper_method}). "
               + ("The model is within the range an ideal classifier could reach."
                  if test_error <= upper else
                  "The model's error is above that upper bound: a better classifier of the "
                  "same representation exists."))
    flags = _fano_flags(lower, errs, ctx.test_unseen_by_model, t.shape[1])
    if flags:
        reading += " Impossible value: " + flags[0]
    numbers = {"layer": layer, "width": int(t.shape[1]), "fano_lower_bound": lower, "upper_bound": upper,
               "test_error": test_error, "delta_lower": float(b.delta_lower),
               "delta_upper": float(b.delta_upper), "n_test": int(len(y)),
               "n_classes": ctx.data.n_classes, "terms_nats": terms,
               "impossible_values": flags}
    return Section("fano", "", reading=reading, figures=figs, numbers=numbers,
                   status="impossible" if flags else "ok",
                   method=f"infolens.bounds.bayes_error_bounds on the {len(y)} test "
                   f"representations{ctx.subset_note('test')}: lower side — {b.lower_method}; upper side — "
                   f"{b.upper_method}. Since the model's prediction is a function of T, Fano's "
                   "bound for T also bounds the model's error.")
