"""PAC-Bayes with a finite prior of independently trained networks (digits).

The prior is uniform over K networks trained on the prior split with different seeds
(nothing of the bound split is used); the posterior is the Gibbs posterior
q_k ~ exp(-C n r_k) on their 0-1 errors r_k on the bound split, and the certificate is
Catoni's bound at a constant C fixed from a 5-fold cross-validation of the same training
recipe inside the prior split (``infolens.bounds.gibbs_posterior_bound``; delta = 0.035,
no Monte-Carlo step: the empirical risk of Q is exact).

Hold-out bounds on the same bound split, kl_inv(err, ln(1/0.035)/n), for comparison:

- the uniform mixture of the K networks (Q = prior: the same stochastic predictor without
  learning from the bound split);
- a single network (the first seed), and the average of the K single-network bounds;
- the majority vote of the K networks (a deterministic ensemble: a different, usually
  better predictor than the Gibbs mixture).

Splits 0-4 were looked at in a scratch run while this recipe was written; splits 10-19
were run only by this script.  Results: ``examples/results/pac_bayes_ensemble_prior.md``.

Run:  .venv/bin/python examples/pac_bayes_ensemble_prior.py   (about 8 minutes on one core)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pac_bayes_digits import (  # noqa: E402  (same recipe and pilot helpers as there)
    C_GRID,
    best_catoni_c,
    mlp,
    prior_folds,
    train_deterministic,
)

from infolens.bounds import gibbs_posterior_bound, holdout_bound  # noqa: E402
from infolens.data.sklearn_digits import digits  # noqa: E402
from infolens.nn.pacbayes import split_indices  # noqa: E402

HERE = Path(__file__).resolve().parent
DELTA = 0.035
FOLDS = 5
SEEN = tuple(range(5))
FRESH = tuple(range(10, 20))


def train(x, y, seed):
    net = train_deterministic(mlp(64, (100,), 10, seed, dropout=0.2), x, y, epochs=100,
                              lr=1e-3, seed=seed)
    return net.eval()


@torch.no_grad()
def predictions(net, x):
    return net(x).argmax(1)


def run_split(x_pool, y_pool, seed, k_nets):
    t0 = time.time()
    prior_idx, bound_idx = split_indices(x_pool.shape[0], 0.5, random_state=seed)
    n = len(bound_idx)
    # C from a 5-fold cross-validation of the recipe inside the prior split
    cv = []
    for fit, held in prior_folds(prior_idx, 3000 + seed, FOLDS):
        net = train(x_pool[fit], y_pool[fit], seed + 7)
        cv.append(float((predictions(net, x_pool[held]) != y_pool[held]).float().mean()))
    mu = float(np.mean(cv))
    _, c_const = best_catoni_c(C_GRID * mu, n, DELTA)
    # the prior: K networks trained on the prior split with different seeds
    xb, yb = x_pool[bound_idx], y_pool[bound_idx]
    preds = torch.stack([predictions(train(x_pool[prior_idx], y_pool[prior_idx],
                                           seed + 1000 * k), xb) for k in range(k_nets)])
    errs = (preds != yb).float().mean(1).numpy().astype(float)
    cert = gibbs_posterior_bound(errs, n, delta=DELTA, c=c_const)
    vote = torch.mode(preds, dim=0).values
    vote_err = float((vote != yb).float().mean())
    single = [holdout_bound(e, n, delta=DELTA).value for e in errs]
    return dict(
        seed=seed, n=n, C=c_const, cv=mu, K=k_nets, mean_err=float(errs.mean()),
        sd=float(errs.std()), emp=cert.empirical_risk, kl=float(cert.kl), cert=cert.value,
        ho_mix=holdout_bound(float(errs.mean()), n, delta=DELTA).value,
        ho_net0=single[0], err0=float(errs[0]), ho_mean=float(np.mean(single)),
        frac_single_below=float(np.mean(np.array(single) < cert.value)),
        ho_vote=holdout_bound(vote_err, n, delta=DELTA).value, vote_err=vote_err,
        secs=time.time() - t0,
    )


def write(rows):
    out = HERE / "results" / "pac_bayes_ensemble_prior.md"
    lines = [
        "# PAC-Bayes with a prior of K independently trained networks "
        "(examples/pac_bayes_ensemble_prior.py)",
        "",
        f"digits, prior/bound split 50/50 of the 1438-example training pool, delta = {DELTA} "
        "for every bound. Certificate: Catoni's bound at the Gibbs posterior over the K "
        "networks (C fixed by 5-fold cross-validation inside the prior split). Hold-out bounds "
        "on the same bound split: the uniform mixture (Q = prior, the same stochastic "
        "predictor without learning from the bound split), the first network, the mean of the "
        "K single-network bounds, and the majority vote. Splits 0-4 were seen while writing "
        "the recipe; splits 10-19 were not. One torch thread on a shared 2-core machine.",
        "",
        "| split | seen | n | K | C | nets' 0-1 error (mean +- sd) | emp. 0-1 of Q | KL (nats) "
        "| **certificate** | hold-out: mixture | hold-out: net 0 (err) | hold-out: mean over nets "
        "| share of nets whose hold-out is below the certificate | hold-out: majority vote (err) "
        "| seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['seed']} | {'yes' if r['seed'] in SEEN else 'no'} | {r['n']} | {r['K']} | "
            f"{r['C']:.3f} | {r['mean_err']:.4f} +- {r['sd']:.4f} | {r['emp']:.4f} | "
            f"{r['kl']:.3f} | **{r['cert']:.4f}** | {r['ho_mix']:.4f} | {r['ho_net0']:.4f} "
            f"({r['err0']:.4f}) | {r['ho_mean']:.4f} | {r['frac_single_below']:.2f} | "
            f"{r['ho_vote']:.4f} ({r['vote_err']:.4f}) | {r['secs']:.0f} |"
        )
    for label, keep in (("seen splits", lambda r: r["seed"] in SEEN),
                        ("fresh splits", lambda r: r["seed"] not in SEEN)):
        tr = [r for r in rows if keep(r)]
        if not tr:
            continue
        lines.append("")
        lines.append(
            f"{label} ({len(tr)}): certificate below the mixture's hold-out bound on "
            f"{sum(r['cert'] < r['ho_mix'] for r in tr)}, below the mean single-network "
            f"hold-out bound on {sum(r['cert'] < r['ho_mean'] for r in tr)}, below net 0's on "
            f"{sum(r['cert'] < r['ho_net0'] for r in tr)}, below the majority vote's on "
            f"{sum(r['cert'] < r['ho_vote'] for r in tr)}; certificate minus mean single-network "
            "hold-out: median "
            f"{float(np.median([r['cert'] - r['ho_mean'] for r in tr])):+.4f}, range "
            f"{min(r['cert'] - r['ho_mean'] for r in tr):+.4f} to "
            f"{max(r['cert'] - r['ho_mean'] for r in tr):+.4f}."
        )
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nets", type=int, default=20, help="K, networks in the prior")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    d = digits(test_size=0.2, random_state=0, scale="unit")
    x = torch.tensor(d.x_train, dtype=torch.float32)
    y = torch.tensor(d.y_train, dtype=torch.long)
    rows = []
    for seed in SEEN + FRESH:
        rows.append(run_split(x, y, seed, args.nets))
        r = rows[-1]
        print(f"split {seed}: certificate {r['cert']:.4f}; hold-out mixture {r['ho_mix']:.4f}, "
              f"mean single {r['ho_mean']:.4f}, vote {r['ho_vote']:.4f}", flush=True)
    write(rows)


if __name__ == "__main__":
    main()
