"""PAC-Bayes risk certificates for small MLPs on scikit-learn's digits and the 12-bit task.

Two recipes, each on a stated split and with every confidence budget written out:

A. Data-independent prior centred at the random initialisation (Dziugaite & Roy 2017):
   train an MLP on the whole training pool, wrap it with ``to_probabilistic``, optimise the
   "quad" bound on the same pool, certify with ``n`` = the pool size.
B. Data-dependent prior (Pérez-Ortiz et al. 2021): split the training pool into a prior
   split and a bound split (disjoint, checked); train the prior-mean network on the prior
   split only (with dropout); for each prior standard deviation of a grid fixed in advance
   (``SIGMA_GRID``, K values) initialise the posterior at the prior and optimise the "quad"
   bound on the bound split; pick the prior sigma with the smallest pilot certificate and
   certify it with fresh Monte-Carlo draws.  The PAC-Bayes step is paid at delta / K
   (union bound over the K priors); the Monte-Carlo step is not split, since the final
   draws are fresh.  ``n`` = the bound-split size.

C. As B, but every choice is made on the prior split alone and the two steps are tightened:
   a 5-fold pilot (prior net trained on 4 folds of the prior split, posterior and
   Monte-Carlo estimate on the fifth) picks the prior sigma and Catoni's constant C, so no union
   bound is paid; the certificate is Catoni's bound at that fixed C (it pays ln(1/delta)
   where the kl bound pays ln(2 sqrt(n)/delta)) and the Monte-Carlo step is the
   empirical-Bernstein bound on the m per-draw risks.  Run on several prior/bound splits.

D. Same prior nets and splits as C, but the posterior is the Gibbs posterior over M
   networks drawn from the Gaussian prior N(prior net, sigma_P^2) with randomness fixed
   before the bound split is looked at: q_i ~ exp(-C n r_i), r_i the 0-1 error of draw i
   on the bound split.  Catoni's bound at a C fixed on the prior split; the empirical risk
   of Q is exact, so all of delta goes to the PAC-Bayes step (no Monte-Carlo step).
   sigma_P is chosen by the same 5-fold pilot inside the prior split.

A prior made of K networks trained on the prior split with different seeds, with the
Gibbs posterior on their bound-split errors, is in ``examples/pac_bayes_ensemble_prior.py``:
it is the recipe whose certificate lands below the same-split hold-out bound most reliably.

Two hold-out (test-set) bounds are printed next to each certificate of recipe B:

- the prior-mean network on the *same* bound split, ``kl_inv(err, ln(1/0.035)/n)``: the
  competing way to spend the same data (train on the prior split, test on the bound split),
  at the certificate's total confidence.  The certificate is worth showing only when it
  is below this one;
- the posterior-mean network on the separate test split (never used for anything else).

A third section traces the price of fitting: posteriors trained with a smaller KL weight
("bbb" objective) reach a lower empirical risk on the bound split, and the table shows
how many nats that costs.  Results go to ``examples/results/pac_bayes_digits.md`` and
``examples/figures/pac_bayes_digits.png``.

Run:  .venv/bin/python examples/pac_bayes_digits.py   (about 20 minutes on one CPU core)
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from infolens.bounds import (
    catoni_bound,
    holdout_bound,
    kl_inv_lower,
    kl_inv_upper,
)
from infolens.data.sklearn_digits import digits
from infolens.data.twelve_bit import tishby12
from infolens.nn.pacbayes import (
    certificate,
    gibbs_certificate,
    pac_bayes_train,
    set_mode,
    split_indices,
    to_probabilistic,
)

HERE = Path(__file__).resolve().parent
DELTA, DELTA_MC = 0.025, 0.01
P_MIN_TRAIN = 1e-2  # probability floor of the bounded cross-entropy used as training surrogate
# prior standard deviations of recipe B, fixed before any run on the bound split; the
# selection among them is paid by a union bound (delta / K in the PAC-Bayes step)
SIGMA_GRID = (0.003, 0.01, 0.03)
PILOT_MC = 2000  # weight draws of the pilot certificates used only to pick the prior sigma
# recipe C: budgets (total 0.035, as recipes A and B), Catoni constants searched by the pilot
DELTA_C, DELTA_MC_C = 0.03, 0.005
C_GRID = np.geomspace(0.05, 5.0, 2000)
PILOT_FOLDS = 5
# recipe D: prior scales tried by the pilot, prior draws per pilot fold and for the bound
SIGMA_GRID_D = (0.003, 0.01, 0.02, 0.03)
PILOT_DRAWS_D = 500
DELTA_D = DELTA_C + DELTA_MC_C  # no Monte-Carlo step: the whole budget of recipes A-C


def train_deterministic(net, x, y, *, epochs, lr, dropout_net=None, seed=0, batch=64):
    """Plain cross-entropy training with Adam (the prior-mean network / the ERM net)."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0], generator=g)
        for i in range(0, x.shape[0], batch):
            idx = perm[i : i + batch]
            opt.zero_grad()
            nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
            opt.step()
    return net


def error(net, x, y):
    with torch.no_grad():
        return float((net(x).argmax(1) != y).float().mean())


def stochastic_test_error(pnet, x, y, samples=200):
    set_mode(pnet, "sample")
    with torch.no_grad():
        return float(np.mean([(pnet(x).argmax(1) != y).float().mean().item() for _ in range(samples)]))


def mlp(d_in, hidden, d_out, seed, dropout=0.0):
    torch.manual_seed(seed)
    layers, d = [], d_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.ReLU()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        d = h
    layers.append(nn.Linear(d, d_out))
    return nn.Sequential(*layers)


def run_task(name, x_pool, y_pool, x_test, y_test, *, hidden, cfg, mc_samples, mc_samples_a,
             seed=0):
    rows = []
    d_in, n_cls = x_pool.shape[1], int(y_pool.max()) + 1
    # ---------- A: prior centred at initialisation, whole pool for the bound ----------
    t0 = time.time()
    init = mlp(d_in, hidden, n_cls, seed)
    net = train_deterministic(mlp(d_in, hidden, n_cls, seed), x_pool, y_pool,
                              epochs=cfg["erm_epochs"], lr=cfg["erm_lr"], seed=seed)
    p = to_probabilistic(net, prior=init, prior_sigma=cfg["sigma_a"], sigma_init=cfg["sigma_a"])
    pac_bayes_train(p, (x_pool, y_pool), objective="quad", delta=DELTA, epochs=cfg["pb_epochs_a"],
                    lr=cfg["pb_lr_a"], batch_size=128, p_min=P_MIN_TRAIN, optimizer="adam",
                    random_state=seed)
    ca = certificate(p, (x_pool, y_pool), delta=DELTA, delta_mc=DELTA_MC, mc_samples=mc_samples_a,
                     random_state=seed)
    rows.append(dict(task=name, recipe="A: prior at init (data-free)", n=ca.n, kl=ca.kl,
                     emp=ca.empirical_risk_01, mc=ca.mc_bound_01, cert=ca.risk_01, cert_ce=ca.risk_ce,
                     holdout=None, holdout_err=None, m=mc_samples_a, delta_each=DELTA,
                     test=stochastic_test_error(p, x_test, y_test), secs=time.time() - t0))
    # ---------- B: learned prior on a prior split, bound on the disjoint bound split ----------
    t0 = time.time()
    prior_idx, bound_idx = split_indices(x_pool.shape[0], cfg["prior_fraction"], random_state=seed)
    assert np.intersect1d(prior_idx, bound_idx).size == 0
    prior_net = train_deterministic(mlp(d_in, hidden, n_cls, seed, dropout=cfg["dropout"]),
                                    x_pool[prior_idx], y_pool[prior_idx],
                                    epochs=cfg["prior_epochs"], lr=cfg["erm_lr"], seed=seed)
    prior_net.eval()  # dropout off: the prior means are the trained weights
    # same architecture without the dropout modules, carrying the trained weights
    plain = _copy_linear_weights(prior_net, mlp(d_in, hidden, n_cls, seed))
    xb, yb = x_pool[bound_idx], y_pool[bound_idx]
    k = len(SIGMA_GRID)
    pilots = []
    for sigma in SIGMA_GRID:
        p = to_probabilistic(plain, prior=plain, prior_sigma=sigma, sigma_init=sigma,
                             prior_indices=prior_idx)
        pac_bayes_train(p, (xb, yb), objective="quad", delta=DELTA / k, epochs=cfg["pb_epochs_b"],
                        lr=cfg["pb_lr"], batch_size=128, p_min=P_MIN_TRAIN, optimizer="adam",
                        random_state=seed)
        c = certificate(p, (xb, yb), delta=DELTA / k, delta_mc=DELTA_MC, mc_samples=PILOT_MC,
                        indices=bound_idx, holdout_delta=DELTA + DELTA_MC, random_state=seed)
        pilots.append((c.risk_01, sigma, p, c))
        print(f"  {name} pilot sigma_P={sigma}: certificate {c.risk_01:.4f} (KL {c.kl:.3f}, "
              f"emp {c.empirical_risk_01:.4f}, m={PILOT_MC})", flush=True)
    _, sigma_best, p, _ = min(pilots, key=lambda t: t[0])
    # fresh weight draws (another seed) for the reported Monte-Carlo step
    cb = certificate(p, (xb, yb), delta=DELTA / k, delta_mc=DELTA_MC, mc_samples=mc_samples,
                     indices=bound_idx, holdout_delta=DELTA + DELTA_MC, random_state=seed + 1)
    assert cb.holdout.delta == DELTA + DELTA_MC  # the hold-out bound at the certificate's total
    set_mode(p, "mean")
    mean_test_err = error(p, x_test, y_test)
    set_mode(p, "sample")
    ho_test = holdout_bound(mean_test_err, len(y_test), delta=DELTA + DELTA_MC)
    rows.append(dict(task=name, recipe=f"B: learned prior, sigma_P={sigma_best} of {k}", n=cb.n,
                     kl=cb.kl, emp=cb.empirical_risk_01, mc=cb.mc_bound_01, cert=cb.risk_01,
                     cert_ce=cb.risk_ce, holdout=cb.holdout.value,
                     holdout_err=cb.holdout.empirical_risk, n_prior=len(prior_idx), k=k, m=mc_samples,
                     delta_each=DELTA / k, ho_test=ho_test.value, mean_test_err=mean_test_err,
                     n_test=len(y_test), test=stochastic_test_error(p, x_test, y_test),
                     prior_test=error(plain, x_test, y_test),
                     pilots=[(s_, c_.risk_01, c_.kl, c_.empirical_risk_01) for _, s_, _, c_ in pilots],
                     secs=time.time() - t0))
    sweep = fitting_sweep(name, plain, prior_idx, xb, yb, bound_idx, cfg, seed=seed)
    return rows, cb, sweep


def fitting_sweep(name, plain, prior_idx, xb, yb, bound_idx, cfg, *, seed=0, m=PILOT_MC):
    """Certificates of posteriors trained with other objectives / KL weights (descriptive).

    Each row is a valid certificate on its own at (delta, delta'); the rows are NOT used to
    choose anything, so no union bound is applied to them.
    """
    rows = []
    for sigma in (0.01, 0.03):
        # ("lambda" is left out: at its optimal lambda, Thiemann et al.'s bound equals the quad
        # bound, so it trains the same posterior)
        for obj, eta in [("quad", None), ("classic", None), ("bbb", 1.0), ("bbb", 0.1),
                         ("bbb", 0.01), ("bbb", 0.001)]:
            if obj == "classic" and sigma != 0.01:
                continue
            t0 = time.time()
            p = to_probabilistic(plain, prior=plain, prior_sigma=sigma, prior_indices=prior_idx)
            pac_bayes_train(p, (xb, yb), objective=obj, kl_penalty=eta, delta=DELTA,
                            epochs=cfg["pb_epochs_b"], lr=cfg["pb_lr"], batch_size=128,
                            p_min=P_MIN_TRAIN, optimizer="adam", random_state=seed)
            c = certificate(p, (xb, yb), delta=DELTA, delta_mc=DELTA_MC, mc_samples=m,
                            indices=bound_idx, random_state=seed)
            rows.append(dict(task=name, sigma=sigma, objective=obj if eta is None else f"bbb, eta={eta}",
                             n=c.n, kl=c.kl, emp=c.empirical_risk_01, mean_err=c.posterior_mean_error,
                             cert=c.risk_01, holdout=c.holdout.value, m=m, secs=time.time() - t0))
            print("  sweep", {k_: (round(v, 4) if isinstance(v, float) else v)
                              for k_, v in rows[-1].items()}, flush=True)
    return rows


def train_prior_net(x_pool, y_pool, idx, *, hidden, cfg, seed):
    """Prior-mean network of recipes B-D: dropout MLP trained on ``idx``, dropout removed."""
    d_in, n_cls = x_pool.shape[1], int(y_pool.max()) + 1
    net = train_deterministic(mlp(d_in, hidden, n_cls, seed, dropout=cfg["dropout"]),
                              x_pool[idx], y_pool[idx], epochs=cfg["prior_epochs"],
                              lr=cfg["erm_lr"], seed=seed)
    net.eval()
    return _copy_linear_weights(net, mlp(d_in, hidden, n_cls, seed))


def prior_folds(prior_idx, rng_seed, k=PILOT_FOLDS):
    """K-fold pilot inside the prior split: yields sorted (fit, held) index arrays."""
    folds = np.array_split(np.random.default_rng(rng_seed).permutation(prior_idx), k)
    for f, held in enumerate(folds):
        fit = np.sort(np.concatenate([g for j, g in enumerate(folds) if j != f]))
        yield fit, np.sort(held)


def best_catoni_c(linear, n, delta):
    """Minimise Catoni's bound over ``C_GRID`` given ``linear`` = C L + KL/n at each C.

    Returns (bound, C).  Used only for choices made on the prior split.
    """
    vals = -np.expm1(-linear - math.log(1 / delta) / n) / -np.expm1(-C_GRID)
    i = int(np.argmin(vals))
    return float(vals[i]), float(C_GRID[i])


def recipe_c(name, x_pool, y_pool, *, hidden, cfg, seeds, mc_samples):
    """Recipe C on several prior/bound splits: choices from the prior split, Catoni + Bernstein.

    Returns one row per split seed.  Nothing of the bound split is used before the final
    certificate: a K-fold pilot inside the prior split trains a prior net on K-1 folds and
    a posterior and its stochastic risk on the held-out fold (a stand-in for the bound
    split); the prior sigma and Catoni's C minimising Catoni's bound at the fold-averaged
    risk and KL and the real bound-split size are then fixed.
    """
    rows = []

    def prior_net(idx, seed):
        return train_prior_net(x_pool, y_pool, idx, hidden=hidden, cfg=cfg, seed=seed)

    def posterior(plain, prior_idx, xb, yb, sigma, seed):
        p = to_probabilistic(plain, prior=plain, prior_sigma=sigma, sigma_init=sigma,
                             prior_indices=prior_idx)
        pac_bayes_train(p, (xb, yb), objective="quad", delta=DELTA_C, epochs=cfg["pb_epochs_b"],
                        lr=cfg["pb_lr"], batch_size=128, p_min=P_MIN_TRAIN, optimizer="adam",
                        random_state=seed)
        return p

    for seed in seeds:
        t0 = time.time()
        prior_idx, bound_idx = split_indices(x_pool.shape[0], cfg["prior_fraction"],
                                             random_state=seed)
        n_b = len(bound_idx)
        # ---- pilot inside the prior split: K-fold, so that each pilot prior net sees
        # (K-1)/K of the prior split and its stochastic risk on the held-out fold predicts
        # the real one on the bound split ----
        emp = {s_: [] for s_ in SIGMA_GRID}
        kls = {s_: [] for s_ in SIGMA_GRID}
        for fit, held in prior_folds(prior_idx, 1000 + seed):
            pilot_net = prior_net(fit, seed)
            for sigma in SIGMA_GRID:
                p = posterior(pilot_net, fit, x_pool[held], y_pool[held], sigma, seed)
                c = certificate(p, (x_pool[held], y_pool[held]), indices=held,
                                mc_samples=PILOT_MC, random_state=seed)
                emp[sigma].append(c.empirical_risk_01)
                kls[sigma].append(c.kl)
        best = None
        for sigma in SIGMA_GRID:
            e_, k_ = float(np.mean(emp[sigma])), float(np.mean(kls[sigma]))
            # Catoni's bound for this risk and KL at the real bound-split size, each C at
            # delta (a selection, not a union bound: the pilot never sees the bound split)
            val, c_ = best_catoni_c(C_GRID * e_ + k_ / n_b, n_b, DELTA_C)
            one = catoni_bound(e_, k_, n_b, delta=DELTA_C, c=c_)
            assert math.isclose(one.value, val, rel_tol=1e-12)
            if best is None or val < best[0]:
                best = (val, sigma, c_, e_, k_)
        _, sigma, c_const, pilot_emp, pilot_kl = best
        # ---- the real prior, posterior and certificate ----
        plain = prior_net(prior_idx, seed)
        xb, yb = x_pool[bound_idx], y_pool[bound_idx]
        p = posterior(plain, prior_idx, xb, yb, sigma, seed)
        cc = certificate(p, (xb, yb), delta=DELTA_C, delta_mc=DELTA_MC_C, mc_samples=mc_samples,
                         indices=bound_idx, bound="catoni", catoni_c=c_const,
                         mc_method="bernstein", random_state=seed + 1)
        assert cc.holdout.delta == DELTA_C + DELTA_MC_C
        rows.append(dict(task=name, seed=seed, n=cc.n, n_prior=len(prior_idx), sigma=sigma,
                         C=c_const, pilot_emp=pilot_emp, pilot_kl=pilot_kl, kl=cc.kl,
                         emp=cc.empirical_risk_01, mc=cc.mc_bound_01, cert=cc.risk_01,
                         cert_ce=cc.risk_ce, holdout=cc.holdout.value,
                         holdout_err=cc.holdout.empirical_risk, m=mc_samples,
                         secs=time.time() - t0))
        r = rows[-1]
        print(f"  {name} recipe C seed {seed}: sigma_P={sigma}, C={c_const:.3f}; KL {r['kl']:.3f}, "
              f"emp {r['emp']:.4f}, certificate {r['cert']:.4f} vs hold-out {r['holdout']:.4f}",
              flush=True)
    return rows


def recipe_d(name, x_pool, y_pool, *, hidden, cfg, seeds, prior_samples):
    """Recipe D: Gibbs posterior over draws from the prior, Catoni at a pilot-chosen C.

    Pilot (prior split only, 5 folds): for each sigma in ``SIGMA_GRID_D`` and each fold, a
    prior net trained on the other folds and ``PILOT_DRAWS_D`` prior draws scored on the
    held fold give the mean mu and the size-free spread n Var of the draws' error rates;
    (sigma, C) minimise the Catoni bound predicted at the bound-split size with
    C L(Q) + KL/n = C mu - C^2 n Var / 2 (the Gibbs posterior for Gaussian-like risks).
    """
    rows = []

    def prior_net(idx, seed):
        return train_prior_net(x_pool, y_pool, idx, hidden=hidden, cfg=cfg, seed=seed)

    for seed in seeds:
        t0 = time.time()
        prior_idx, bound_idx = split_indices(x_pool.shape[0], cfg["prior_fraction"],
                                             random_state=seed)
        n_b = len(bound_idx)
        mean_risk = {s_: [] for s_ in SIGMA_GRID_D}
        n_var = {s_: [] for s_ in SIGMA_GRID_D}
        for fit, held in prior_folds(prior_idx, 2000 + seed):
            pnet = prior_net(fit, seed)
            for sigma in SIGMA_GRID_D:
                p = to_probabilistic(pnet, prior=pnet, prior_sigma=sigma, prior_indices=fit)
                g = gibbs_certificate(p, (x_pool[held], y_pool[held]), catoni_c=1.0,
                                      delta=DELTA_D, prior_samples=PILOT_DRAWS_D,
                                      indices=held, random_state=seed)
                mean_risk[sigma].append(float(g.risks.mean()))
                # the spread of the draws' error rates scales like 1/n (flipped examples),
                # so n * Var is the size-free quantity carried to the bound split
                n_var[sigma].append(len(held) * float(g.risks.var()))
        # predicted Catoni bound at the bound-split size: for roughly Gaussian draw risks
        # C L(Q) + KL/n at the Gibbs posterior is C mu - C^2 n Var / 2 (Donsker-Varadhan)
        best = None
        for sigma in SIGMA_GRID_D:
            mu, nv = float(np.mean(mean_risk[sigma])), float(np.mean(n_var[sigma]))
            val, c_ = best_catoni_c(C_GRID * mu - C_GRID**2 * nv / 2, n_b, DELTA_D)
            if best is None or val < best[0]:
                best = (val, sigma, c_, mu)
        _, sigma, c_const, mu = best
        plain = prior_net(prior_idx, seed)
        xb, yb = x_pool[bound_idx], y_pool[bound_idx]
        p = to_probabilistic(plain, prior=plain, prior_sigma=sigma, prior_indices=prior_idx)
        gc = gibbs_certificate(p, (xb, yb), catoni_c=c_const, delta=DELTA_D,
                               prior_samples=prior_samples, indices=bound_idx,
                               random_state=10_000 + seed)
        assert gc.holdout.delta == DELTA_D
        rows.append(dict(task=name, seed=seed, n=gc.n, n_prior=len(prior_idx), sigma=sigma,
                         C=c_const, pilot_mu=mu, M=prior_samples, prior_mean=gc.prior_mean_risk,
                         sd=float(gc.risks.std()), emp=gc.empirical_risk_01, kl=gc.kl,
                         cert=gc.risk_01, holdout=gc.holdout.value,
                         holdout_err=gc.holdout.empirical_risk, secs=time.time() - t0))
        r = rows[-1]
        print(f"  {name} recipe D seed {seed}: sigma_P={sigma}, C={c_const:.3f}; draws "
              f"{r['prior_mean']:.4f} +- {r['sd']:.4f}, Q {r['emp']:.4f}, KL {r['kl']:.3f}, "
              f"certificate {r['cert']:.4f} vs hold-out {r['holdout']:.4f}", flush=True)
    return rows


def _copy_linear_weights(src, dst):
    s = [m for m in src.modules() if isinstance(m, nn.Linear)]
    d = [m for m in dst.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for a, b in zip(s, d, strict=True):
            b.weight.copy_(a.weight)
            b.bias.copy_(a.bias)
    return dst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mc-samples", type=int, default=150000,
                    help="weight draws m of the reported recipe-B certificates")
    ap.add_argument("--mc-samples-a", type=int, default=10000,
                    help="weight draws of the data-free recipe A (vacuous-ish either way)")
    ap.add_argument("--mc-samples-c", type=int, default=100000,
                    help="weight draws m of each recipe-C certificate")
    ap.add_argument("--splits-c", type=int, default=5,
                    help="number of prior/bound splits of recipe C (digits; 3 for 12-bit)")
    ap.add_argument("--prior-draws-d", type=int, default=5000,
                    help="prior draws M of each recipe-D certificate")
    ap.add_argument("--splits-d", type=int, default=10,
                    help="prior/bound splits of recipe D on digits (3 on 12-bit); splits 0-4 were "
                    "looked at while the recipe was designed, 5 and above were not")
    ap.add_argument("--skip-12bit", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    d = digits(test_size=0.2, random_state=0, scale="unit")
    xs = [torch.tensor(a, dtype=torch.float32) for a in (d.x_train, d.x_test)]
    ys = [torch.tensor(a, dtype=torch.long) for a in (d.y_train, d.y_test)]
    cfg_digits = dict(erm_epochs=60, erm_lr=1e-3, sigma_a=0.1, pb_epochs_a=60, pb_lr_a=1e-2,
                      prior_fraction=0.5, dropout=0.2, prior_epochs=100, pb_epochs_b=100,
                      pb_lr=1e-3)
    rows, cb, sweep = run_task("digits", xs[0], ys[0], xs[1], ys[1], hidden=(100,),
                               cfg=cfg_digits, mc_samples=args.mc_samples,
                               mc_samples_a=args.mc_samples_a)
    print(cb.summary())
    c_rows = recipe_c("digits", xs[0], ys[0], hidden=(100,), cfg=cfg_digits,
                      seeds=range(args.splits_c), mc_samples=args.mc_samples_c)
    d_rows = recipe_d("digits", xs[0], ys[0], hidden=(100,), cfg=cfg_digits,
                      seeds=range(args.splits_d), prior_samples=args.prior_draws_d)
    if not args.skip_12bit:
        t = tishby12(dtype=np.float32)
        rng = np.random.default_rng(0)
        perm = rng.permutation(len(t.y))
        n_test = len(t.y) // 5
        te, tr = perm[:n_test], perm[n_test:]
        x12 = torch.tensor(2 * t.x - 1)  # +-1 inputs
        y12 = torch.tensor(t.y.astype(np.int64))
        cfg12 = dict(erm_epochs=200, erm_lr=3e-3, sigma_a=0.1, pb_epochs_a=60, pb_lr_a=1e-2,
                     prior_fraction=0.5, dropout=0.0, prior_epochs=200, pb_epochs_b=100,
                     pb_lr=1e-3)
        r12, cb12, sw12 = run_task("12-bit", x12[tr], y12[tr], x12[te], y12[te], hidden=(128,),
                                   cfg=cfg12, mc_samples=args.mc_samples,
                                   mc_samples_a=args.mc_samples_a)
        print(cb12.summary())
        c_rows += recipe_c("12-bit", x12[tr], y12[tr], hidden=(128,), cfg=cfg12,
                           seeds=range(min(3, args.splits_c)), mc_samples=args.mc_samples_c)
        d_rows += recipe_d("12-bit", x12[tr], y12[tr], hidden=(128,), cfg=cfg12,
                           seeds=range(min(3, args.splits_d)), prior_samples=args.prior_draws_d)
        rows += r12
        sweep += sw12
        sym_rows = symmetry_experiment(x12[tr], y12[tr], mc_samples=min(args.mc_samples, 5000))
    else:
        sym_rows = []
    write_results(rows, sweep, sym_rows, c_rows, d_rows)


def icosahedron_automorphisms():
    """All permutations of the 12 bits that preserve the icosahedron's edges (backtracking)."""
    from infolens.data.twelve_bit import NEIGHBOURS

    adj = [set(nb) for nb in NEIGHBOURS]
    found = []

    def extend(perm):
        i = len(perm)
        if i == 12:
            found.append(tuple(perm))
            return
        for v in range(12):
            if v in perm:
                continue
            if all((perm[j] in adj[v]) == (j in adj[i]) for j in range(i)):
                extend(perm + [v])

    extend([])
    return np.array(found)


def symmetry_experiment(x, y, *, mc_samples, seed=0, prior_fraction=0.1, sigma=0.05):
    """12-bit task: isotropic prior vs priors learned on the raw / symmetrised prior split.

    The label is invariant under the automorphisms of the icosahedron (checked below), so a
    prior learned on the prior split augmented by all of them respects the invariance.
    """
    autos = icosahedron_automorphisms()
    full = tishby12()
    weights = 2 ** np.arange(11, -1, -1)  # row r of the full table is the binary expansion of r
    for g in autos:  # the invariance the prior uses is verified on all 4096 patterns, not assumed
        assert np.array_equal(full.y[full.x[:, g].astype(np.int64) @ weights], full.y)
    prior_idx, bound_idx = split_indices(len(y), prior_fraction, random_state=seed)
    xp, yp = x[prior_idx], y[prior_idx]
    xb, yb = x[bound_idx], y[bound_idx]
    g_idx = torch.tensor(autos, dtype=torch.long)
    x_sym = torch.cat([xp[:, gi] for gi in g_idx])
    y_sym = yp.repeat(len(g_idx))
    hidden = (128,)
    raw = train_deterministic(mlp(12, hidden, 2, seed), xp, yp, epochs=300, lr=3e-3, seed=seed)
    sym = train_deterministic(mlp(12, hidden, 2, seed), x_sym, y_sym, epochs=10, lr=3e-3, seed=seed,
                              batch=256)
    rows = []
    for name, start, prior, idx in [
        ("isotropic zero-mean", mlp(12, hidden, 2, seed), "zero", None),
        ("learned on raw prior split", raw, raw, prior_idx),
        ("learned on symmetrised prior split", sym, sym, prior_idx),
    ]:
        t0 = time.time()
        p = to_probabilistic(start, prior=prior, prior_sigma=sigma, prior_indices=idx)
        pac_bayes_train(p, (xb, yb), objective="quad", delta=DELTA, epochs=40, lr=1e-2,
                        batch_size=128, p_min=P_MIN_TRAIN, optimizer="adam", random_state=seed)
        c = certificate(p, (xb, yb), delta=DELTA, delta_mc=DELTA_MC, mc_samples=mc_samples,
                        indices=None if idx is None else bound_idx, random_state=seed)
        rows.append(dict(prior=name, n=c.n, n_prior=len(prior_idx), kl=c.kl, emp=c.empirical_risk_01,
                         cert=c.risk_01, m=mc_samples, secs=time.time() - t0))
        print(rows[-1], flush=True)
    rows[0]["n_autos"] = len(autos)
    return rows


EXPLORATION_LOG = """\
## Exploration log (one-off runs before fixing this script; not regenerated by it)

Digits, prior split 50% (prior net error on the 719 bound examples 0.0334, hold-out bound
0.0537).  "cert@150k" below is kl_inv applied to the m = 1000-2000 MC estimate as if it
came from m = 150000 draws (a projection for comparing settings, not a certificate).

| what was tried | KL (nats) | emp. 0-1 | cert@150k |
|---|---|---|---|
| quad, SGD lr 0.05 / Adam 1e-3 / Adam 1e-2, 100-400 epochs, sigma_P 0.01 | 0.15-1.9 | 0.0332-0.0346 | 0.069-0.074 |
| same, sigma_P 0.02 / 0.03 / 0.05 | 0.04-2.1 | 0.035-0.040 | 0.071-0.083 |
| quad, p_min 1e-4 instead of 1e-2 | 0.04-1.3 | same as p_min 1e-2 | 0.069-0.081 |
| quad, SGD lr 0.2 | NaN (diverged; now raises FloatingPointError) | | |
| quad, Adam 1e-3, sigma_P 0.001 / 0.003 (posterior ~ prior) | 0.007 / 0.020 | 0.0332 / 0.0328 | 0.0683 / 0.0678 |
| CE + beta KL/n, sigma_P 0.01, beta 1 / 0.1 / 0.01 | 1.4 / 31 / 725 | 0.033 / 0.032 / 0.020 | 0.072 / 0.127 / 0.679 |
| CE + beta KL/n, sigma_P 0.03, beta 1 / 0.1 / 0.01 | 3.4 / 72 / 1222 | 0.034 / 0.023 / 0.006 | 0.077 / 0.171 / 0.829 |
| prior trained with Gaussian weight noise sigma (0.03/0.05/0.1), then quad | 0.17-0.72 | 0.036-0.067 | 0.073-0.115 |
| prior with per-weight sigmas learned on the prior split (ELBO), then CE + beta KL/n | 11-1233 | 0.03-0.76 | >= 0.098 |
| posterior in a 10/40-dim random subspace around the prior net | 0.2-126 | 0.032-0.049 | >= 0.069 |
| posterior in the 10-dim span of bootstrap re-fits on the prior split | 2.5-20 | 0.029-0.046 | >= 0.082 |
| prior width / depth / dropout (posterior ~ prior, sigma_P 0.003): (32,) d0.2 / (300,) d0.2 / (100,) no dropout / (100,100) d0.2: prior err 0.050 / 0.028 / 0.038 / 0.024, hold-out 0.074 / 0.047 / 0.059 / 0.041 | 0.01-0.06 | 0.049 / 0.028 / 0.037 / 0.024 | 0.090 / 0.061 / 0.074 / 0.056 |
| prior split 20% (n = 1150; prior err 0.058, hold-out 0.078), quad / CE + beta KL | 0.2-257 | 0.040-0.060 | >= 0.092 |
| prior split 5% (n = 1366; prior err 0.161, hold-out 0.188), quad / CE + beta KL | 0.2-1945 | 0.080-0.30 | >= 0.207 |
| prior split 2% (n = 1409; prior err 0.286, hold-out 0.318), subspace / CE + beta KL | 16-964 | 0.11-0.62 | >= 0.36 |

12-bit, prior split 50% (prior err 0.0073, hold-out 0.0142): quad with sigma_P 0.001-0.02
gives KL 0.05-0.52, emp 0.0064-0.0072, cert@150k 0.0194-0.0204; CE + beta KL/n with
sigma_P 0.03, beta 1 / 0.1: KL 4.7 / 63, emp 0.0054 / 0.0015, cert@150k 0.021 / 0.050.
Prior split 20% (n = 2622, prior err 0.045, hold-out 0.056): KL 12-616, cert@150k >= 0.075.

Monte-Carlo step: evaluating the m weight draws in batches (torch.func.vmap over 8/32/128
draws, no_grad) was 1.18x/1.13x/2.1x SLOWER than the plain loop on one CPU thread (the loop is already
compute-bound: about 0.36 ms per draw for 719 x 64 -> 100 -> 10), so `certificate`
keeps the loop: m = 150000 costs about a minute per task.
"""


def _recipe_d_reading(d_rows):
    """Closing paragraph of the recipe-D section, computed from its rows."""
    fresh = [r for r in d_rows if not (r["task"] == "digits" and r["seed"] < 5)]
    below_fresh = sum(r["cert"] - r["holdout"] < -1e-4 for r in fresh)
    below_all = sum(r["cert"] - r["holdout"] < -1e-4 for r in d_rows)
    spread = [r["sd"] * r["n"] for r in d_rows]
    return [
        "",
        f"Overall the certificate is below the same-split hold-out bound by more than 0.0001 on "
        f"{below_all} of {len(d_rows)} splits, and on {below_fresh} of the {len(fresh)} splits "
        "not looked at during design: recipe D reaches parity with the hold-out bound, not a "
        "reliable margin below it. Why it can go below at all where C cannot: with Q equal to "
        "the prior, Catoni's bound at the best C is the hold-out bound of the stochastic "
        "predictor; tilting Q toward the draws that err less on the bound split lowers "
        "C L(Q) + KL/n by about C^2 n Var(r)/2 (Donsker-Varadhan; Var(r) the variance of the "
        "draws' error rates), a tilt the mean-field posteriors of B and C cannot express. The "
        f"gain is small because the draws' error counts spread by only {min(spread):.1f} to "
        f"{max(spread):.1f} examples (sd), and the pilot's choice of sigma_P and C, made on "
        "folds of 144-328 examples, is noisy.",
    ]


def write_results(rows, sweep, sym_rows=(), c_rows=(), d_rows=()):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = HERE / "results" / "pac_bayes_digits.md"
    out.parent.mkdir(exist_ok=True)
    b_rows = [r for r in rows if r["holdout"] is not None]
    k = b_rows[0]["k"] if b_rows else 1
    lines = [
        "# PAC-Bayes certificates (examples/pac_bayes_digits.py)",
        "",
        "Confidence budgets. Recipe A: PAC-Bayes kl bound delta = "
        f"{DELTA}, Monte-Carlo step delta' = {DELTA_MC}. Recipe B: the prior sigma is chosen "
        f"among K = {k} values fixed in advance {SIGMA_GRID} by a pilot certificate "
        f"(m = {PILOT_MC}), so the PAC-Bayes step is paid at delta / K = {DELTA / k:.5f} for "
        f"each prior (union bound, total {DELTA}); the reported Monte-Carlo step uses fresh "
        f"draws at delta' = {DELTA_MC}. Every certificate holds with probability >= "
        f"{1 - DELTA - DELTA_MC:.3f}. The hold-out bound kl_inv(err, ln(1/{DELTA + DELTA_MC:.3f})/n) "
        "(same total confidence) is given (i) for the prior-mean network on the SAME bound "
        "split, i.e. the other way to spend the same data: train on the prior split, test on "
        "the bound split; (ii) for the posterior-mean network on the separate 20% test split "
        "(a smaller n; never used for anything else). Test error: stochastic predictor on the "
        "test split, 200 weight draws. Run on a shared, loaded 2-core machine, one torch thread.",
        "",
        "| task | recipe | n (bound) / n (prior) | delta split (PAC-Bayes, MC) | m | KL (nats) | "
        "emp. 0-1 (MC) | MC bound | **0-1 certificate** | CE certificate | "
        "hold-out, prior net, same split (err) | hold-out, posterior mean, test split (n, err) | "
        "test error | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ho = "-" if r["holdout"] is None else f"{r['holdout']:.4f} ({r['holdout_err']:.4f})"
        ht = ("-" if r.get("ho_test") is None else
              f"{r['ho_test']:.4f} ({r['n_test']}, {r['mean_test_err']:.4f})")
        npr = f"{r['n']} / {r.get('n_prior', 0)}"
        lines.append(
            f"| {r['task']} | {r['recipe']} | {npr} | {r['delta_each']:.5f}, {DELTA_MC} | {r['m']} | "
            f"{r['kl']:.3f} | {r['emp']:.4f} | {r['mc']:.4f} | **{r['cert']:.4f}** | "
            f"{r['cert_ce']:.4f} | {ho} | {ht} | {r['test']:.4f} | {r['secs']:.0f} |"
        )
    for r in b_rows:
        verdict = "BELOW" if r["cert"] < r["holdout"] else "NOT below"
        pil = ", ".join(f"sigma_P={s_}: {c_:.4f} (KL {kl_:.2f}, emp {e_:.4f})"
                        for s_, c_, kl_, e_ in r["pilots"])
        # empirical risk the posterior would need to tie the hold-out bound even with KL = 0
        # and infinitely many weight samples: kl_inv_upper(e, ln(2 sqrt(n) K/delta)/n) = holdout
        c0 = math.log(2 * math.sqrt(r["n"]) * r["k"] / DELTA) / r["n"]
        floor = kl_inv_upper(r["holdout_err"], c0)
        lines += [
            "",
            f"{r['task']}: certificate {r['cert']:.4f} is {verdict} the hold-out bound "
            f"{r['holdout']:.4f} of the prior net on the same {r['n']} examples (prior split: "
            f"{r['n_prior']} examples); it is "
            f"{'below' if r['cert'] < r['ho_test'] else 'not below'} the hold-out bound "
            f"{r['ho_test']:.4f} of the posterior mean on the {r['n_test']}-example test split. "
            f"Pilots (m = {PILOT_MC}): {pil}. "
            f"A posterior equal to the prior (KL = 0) with the prior net's error "
            f"{r['holdout_err']:.4f} and m = infinity would certify {floor:.4f}; to tie the "
            f"hold-out bound at KL = 0 the posterior's empirical 0-1 risk would have to be "
            f"<= {kl_inv_lower(r['holdout'], c0):.4f}.",
        ]
    if c_rows:
        lines += [
            "",
            "## Recipe C: choices on the prior split, Catoni's bound at a fixed C, Bernstein "
            "Monte-Carlo step",
            "",
            f"Budgets: PAC-Bayes delta = {DELTA_C}, Monte-Carlo delta' = {DELTA_MC_C} (total "
            f"{DELTA_C + DELTA_MC_C:g}); the hold-out bound of the prior net on the same bound split "
            f"is at delta = {DELTA_C + DELTA_MC_C:g}. The prior sigma (from {SIGMA_GRID}) and "
            "Catoni's C were fixed by a 5-fold pilot inside the prior split (prior net on 4 folds, "
            f"posterior and {PILOT_MC}-draw risk on the fifth, averaged), so no union bound is "
            "paid. "
            "Same prior-net recipe, posterior objective and training as recipe B; one row per "
            "prior/bound split (seed).",
            "",
            "| task | split seed | n (bound) / n (prior) | pilot: emp, KL | sigma_P | C | m | "
            "KL (nats) | emp. 0-1 (MC) | Bernstein MC bound | **0-1 certificate (Catoni)** | "
            "hold-out, prior net, same split (err) | certificate - hold-out | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in c_rows:
            lines.append(
                f"| {r['task']} | {r['seed']} | {r['n']} / {r['n_prior']} | {r['pilot_emp']:.4f}, "
                f"{r['pilot_kl']:.2f} | {r['sigma']} | {r['C']:.3f} | {r['m']} | {r['kl']:.3f} | "
                f"{r['emp']:.4f} | {r['mc']:.5f} | **{r['cert']:.4f}** | {r['holdout']:.4f} "
                f"({r['holdout_err']:.4f}) | {r['cert'] - r['holdout']:+.4f} | {r['secs']:.0f} |"
            )
        for task in dict.fromkeys(r["task"] for r in c_rows):
            tr = [r for r in c_rows if r["task"] == task]
            gaps = [r["cert"] - r["holdout"] for r in tr]
            below = sum(g < -1e-4 for g in gaps)
            tied = sum(abs(g) <= 1e-4 for g in gaps)
            lines.append(
                f"\n{task}: of {len(tr)} splits, the certificate is below the same-split hold-out "
                f"bound by more than 0.0001 on {below}, within 0.0001 of it on {tied}, and above "
                f"it on {len(tr) - below - tied}; certificate minus hold-out ranges from "
                f"{min(gaps):+.4f} to {max(gaps):+.4f}."
            )
        lines += [
            "",
            "With a posterior that stays at its prior (KL near 0), Catoni's bound at the right C "
            "is the Chernoff bound of the stochastic predictor, i.e. the hold-out bound of the "
            "Gibbs classifier: the certificate can only go below the prior net's hold-out bound "
            "by the amount the posterior's stochastic error on the bound split is below the prior "
            "net's error, minus what the KL, a C chosen on the pilot and the Monte-Carlo step "
            "cost. The sweep below shows why the posterior cannot buy a lower error on the bound "
            "split cheaply.",
        ]
    if d_rows:
        lines += [
            "",
            "## Recipe D: Gibbs posterior over draws from the prior, Catoni at a fixed C",
            "",
            f"Budget: delta = {DELTA_D:g}, all of it for the PAC-Bayes step (the empirical risk "
            "of Q is computed exactly, no Monte-Carlo step); the hold-out bound of the prior net "
            f"on the same bound split is at the same delta. M networks are drawn from the prior "
            "N(prior net, sigma_P^2 I) with seeds fixed in advance (never depending on the bound "
            "split); Q puts weight q_i ~ exp(-C n r_i) on draw i, r_i its 0-1 error on the bound "
            "split; KL(Q||uniform over the draws) <= ln M. sigma_P (from "
            f"{SIGMA_GRID_D}) and C were chosen by a 5-fold pilot inside the prior split "
            f"({PILOT_DRAWS_D} draws per fold and sigma). Splits 0-4 of digits were looked at "
            "while this recipe was designed (scratch runs on their bound splits); splits 5 and "
            "above of digits and all 12-bit splits were run only by this script.",
            "",
            "| task | split seed | seen in design | n (bound) / n (prior) | sigma_P | C | M | "
            "draws' 0-1 error (mean +- sd) | emp. 0-1 of Q (exact) | KL (nats) | "
            "**0-1 certificate (Gibbs, Catoni)** | hold-out, prior net, same split (err) | "
            "certificate - hold-out | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in d_rows:
            seen = "yes" if (r["task"] == "digits" and r["seed"] < 5) else "no"
            lines.append(
                f"| {r['task']} | {r['seed']} | {seen} | {r['n']} / {r['n_prior']} | {r['sigma']} | "
                f"{r['C']:.3f} | {r['M']} | {r['prior_mean']:.4f} +- {r['sd']:.4f} | "
                f"{r['emp']:.4f} | {r['kl']:.3f} | **{r['cert']:.4f}** | {r['holdout']:.4f} "
                f"({r['holdout_err']:.4f}) | {r['cert'] - r['holdout']:+.4f} | {r['secs']:.0f} |"
            )
        groups = [("digits, splits seen in design", lambda r: r["task"] == "digits" and r["seed"] < 5),
                  ("digits, fresh splits", lambda r: r["task"] == "digits" and r["seed"] >= 5),
                  ("12-bit (fresh)", lambda r: r["task"] == "12-bit")]
        for label, keep in groups:
            tr = [r for r in d_rows if keep(r)]
            if not tr:
                continue
            gaps = [r["cert"] - r["holdout"] for r in tr]
            below = sum(g < -1e-4 for g in gaps)
            tied = sum(abs(g) <= 1e-4 for g in gaps)
            lines.append(
                f"\n{label}: of {len(tr)} splits, the certificate is below the same-split hold-out "
                f"bound by more than 0.0001 on {below}, within 0.0001 of it on {tied}, and above "
                f"it on {len(tr) - below - tied}; certificate minus hold-out ranges from "
                f"{min(gaps):+.4f} to {max(gaps):+.4f} (median {float(np.median(gaps)):+.4f})."
            )
        lines += _recipe_d_reading(d_rows)
    lines += [
        "",
        "## Why recipe B stays above the hold-out bound: the price of fitting the bound split",
        "",
        "The certificate pays ln(2 sqrt(n) K / delta) (8-9 nats here) where the hold-out bound "
        f"pays ln(1/{DELTA + DELTA_MC}) = {math.log(1 / (DELTA + DELTA_MC)):.2f} nats, so it can "
        "only win if the posterior lowers its empirical risk on the bound split well below the "
        "prior net's error for a few nats of KL. The rows below train the posterior with other "
        "objectives and with the KL weight eta of the 'bbb' objective (risk + eta KL / n) turned "
        "down; each row is a certificate valid on its own at (delta, delta') = "
        f"({DELTA}, {DELTA_MC}) with m = {sweep[0]['m'] if sweep else PILOT_MC} draws (none is "
        "used to choose anything; 'lambda' is left out because at its optimal lambda it is the "
        "quad bound). Lowering the empirical risk by a percentage point costs tens to hundreds "
        "of nats, far more than the few nats the target needs.",
        "",
        "| task | sigma_P | objective | n | KL (nats) | emp. 0-1 (MC) | posterior-mean err (bound split) "
        "| 0-1 certificate | hold-out, prior net, same split | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sweep:
        lines.append(
            f"| {r['task']} | {r['sigma']} | {r['objective']} | {r['n']} | {r['kl']:.2f} | "
            f"{r['emp']:.4f} | {r['mean_err']:.4f} | {r['cert']:.4f} | {r['holdout']:.4f} | "
            f"{r['secs']:.0f} |"
        )
    lines += ["", EXPLORATION_LOG.rstrip()]
    if sym_rows:
        lines += [
            "",
            "## Priors that respect a symmetry (12-bit task)",
            "",
            f"The 12-bit label is invariant under the {sym_rows[0]['n_autos']} automorphisms of the "
            "icosahedron. Three priors with the same sigma_P = 0.05, none using the bound split: "
            "isotropic zero-mean; the prior-mean network trained on a 10% prior split; the same "
            "trained on the prior split augmented by every automorphism. Posterior trained with the "
            f"quad bound on the bound split; certificate with m = {sym_rows[0]['m']}.",
            "",
            "| prior | n (bound) | KL (nats) | emp. 0-1 (MC) | 0-1 certificate | seconds |",
            "|---|---|---|---|---|---|",
        ]
        for r in sym_rows:
            lines.append(f"| {r['prior']} | {r['n']} | {r['kl']:.3f} | {r['emp']:.4f} | {r['cert']:.4f} | "
                         f"{r['secs']:.0f} |")
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

    fig, axes = plt.subplots(1, 3, figsize=(16, 4), gridspec_kw={"width_ratios": [1.3, 1, 1]})
    ax = axes[0]
    labels = [f"{r['task']}\n{r['recipe'].split(':')[0]}" for r in rows]
    xpos = np.arange(len(rows))
    w = 0.2
    ax.bar(xpos - 1.5 * w, [r["cert"] for r in rows], w, label="0-1 certificate")
    ax.bar(xpos - 0.5 * w, [r["holdout"] or 0 for r in rows], w,
           label="hold-out bound, prior net, same split")
    ax.bar(xpos + 0.5 * w, [r.get("ho_test") or 0 for r in rows], w,
           label="hold-out bound, posterior mean, test split")
    ax.bar(xpos + 1.5 * w, [r["test"] for r in rows], w, label="test error (stochastic)")
    ax.set_xticks(xpos, labels)
    ax.set_yscale("log")
    ax.set_ylabel("risk (log scale)")
    ax.legend(fontsize=7)
    ax.set_title("Certificates vs hold-out bounds")
    ax = axes[1]
    for task, mk in (("digits", "o"), ("12-bit", "s")):
        pts = [r for r in sweep if r["task"] == task]
        if not pts:
            continue
        line = ax.scatter([max(r["kl"], 1e-3) for r in pts], [r["cert"] for r in pts], marker=mk,
                          label=f"{task}: certificate (bound split)")
        # an empirical risk below 1e-3 (or 0) is drawn at 1e-3, the panel's floor
        ax.scatter([max(r["kl"], 1e-3) for r in pts], [max(r["emp"], 1e-3) for r in pts], marker=mk,
                   facecolors="none", edgecolors=line.get_facecolor(),
                   label=f"{task}: empirical 0-1 (bound split)")
        ax.axhline(pts[0]["holdout"], color=line.get_facecolor()[0], ls="--", lw=1,
                   label=f"{task}: hold-out bound, same split")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(8e-4, 1.2)
    ax.set_xlabel("KL(Q||P) (nats)")
    ax.set_ylabel("risk")
    ax.set_title("Fitting the bound split costs KL")
    ax.legend(fontsize=6)
    ax = axes[2]
    for task, mk in (("digits", "o"), ("12-bit", "s")):
        for recipe, rr, face in (("C", c_rows, "none"), ("D", d_rows, None)):
            tr = [r for r in rr if r["task"] == task]
            if tr:
                sc = ax.scatter([r["holdout"] for r in tr], [r["cert"] for r in tr], marker=mk,
                                label=f"{task}, recipe {recipe}: one prior/bound split")
                if face == "none":
                    sc.set_facecolor("none")
                    sc.set_edgecolor("C0" if task == "digits" else "C1")
    allr = list(c_rows) + list(d_rows)
    if allr:
        lo = min(min(r["holdout"], r["cert"]) for r in allr) * 0.9
        hi = max(max(r["holdout"], r["cert"]) for r in allr) * 1.1
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="certificate = hold-out bound")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel("hold-out bound, prior net, same bound split")
    ax.set_ylabel("certificate (recipes C and D)")
    ax.set_title("Certificates vs the same-split hold-out bound")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(HERE / "figures" / "pac_bayes_digits.png", dpi=120)


if __name__ == "__main__":
    main()
