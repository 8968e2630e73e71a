"""The PAC-Bayes certificate section."""

from __future__ import annotations

import numpy as np

from ._base import (
    Section,
    SectionContext,
    _fresh_copy,
    need,
)


def section_pac_bayes(ctx: SectionContext) -> Section:
    """PAC-Bayes certificate with a data-dependent prior (Pérez-Ortiz et al. 2021)."""
    cert_fn = need("infolens.nn", "certificate", "the PAC-Bayes certificate, issue 6")
    to_prob = need("infolens.nn", "to_probabilistic", "probabilistic layers, issue 6")
    pb_train = need("infolens.nn", "pac_bayes_train", "PAC-Bayes training, issue 6")
    split = need("infolens.nn", "split_indices", "prior/bound split, issue 6")
    set_mode = need("infolens.nn", "set_mode", "probabilistic layers, issue 6")
    import torch

    from ..figures import new_figure, to_png
    from ..model import error_rate, train

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
    # the error of always answering the most frequent training class: a certificate no
    # better than that says nothing about what the network learned
    counts = np.bincount(np.asarray(d.y_train), minlength=d.n_classes)
    majority = int(np.argmax(counts))
    baseline = 1.0 - counts[majority] / counts.sum()
    numbers["majority_class_error"] = float(baseline)
    vacuous = numbers["certificate"] >= baseline
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
        + (f" The certificate is no lower than the {100 * baseline:.1f}% error of always "
           f"answering the most frequent class ('{d.classes[majority]}'), so here it certifies "
           "nothing the label frequencies do not already give." if vacuous else "")
    )
    return Section("pac_bayes", "", reading=reading, figures=figs, numbers=numbers,
                   method=f"infolens.nn.to_probabilistic (prior σ={prior_sigma}, prior mean "
                   "trained on a disjoint half of the training set), pac_bayes_train (quad "
                   f"objective, {pb_epochs} epochs, SGD lr 0.005), certificate (Seeger/Maurer kl bound, δ={delta}, "
                   f"δ_MC={delta_mc}, {mc} weight samples).")
