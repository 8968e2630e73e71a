"""The information plane of the 12-bit task, with tanh and with ReLU units.

Reproduces the classic experiment (Shwartz-Ziv & Tishby 2017) and its ReLU counterpart
(Saxe et al. 2018): a 12-10-7-5-4-3-2 network trained with Adam on 80% of the 4096
twelve-bit patterns, with I(X;T) and I(T;Y) of every hidden layer computed on all 4096
patterns at log-spaced epochs.

* tanh, 30 equal bins on [-1, 1] per unit (the original protocol);
* ReLU, fixed-width bins without bounds (nothing clipped);
* ReLU, Kolchinsky–Tracey KDE upper bound of I(X; T+Z) (noise variance stated);
* ReLU, 30 bins on [-1, 1], i.e. activations above 1 clipped into the top bin — infolens
  warns (BinRangeWarning) because this clipping manufactures a "compression" phase.

Figures (PNG) and the recorded tables (JSON lines) are written to ``--out``.

    python examples/information_plane_12bit.py --epochs 3000 --out examples/figures
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

import numpy as np
import torch
from torch import nn

from infolens.data.twelve_bit import tishby12
from infolens.nn.plane import (
    InformationPlane,
    KDEBounds,
    RangeBinning,
    SaturationWarning,
    WidthBinning,
    log_schedule,
    plot_seeds,
    track_seeds,
)

WIDTHS = (12, 10, 7, 5, 4, 3, 2)


def make_net(activation: type[nn.Module], seed: int) -> nn.Sequential:
    """12-10-7-5-4-3-2 with the given hidden activation; the output gives logits."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(WIDTHS) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def train(net, planes, x, y, *, epochs, lr, batch_size, seed):
    """Adam on the 80% training split; every plane is offered every epoch (0 = init)."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    n_train = int(0.8 * len(y))
    tr, te = perm[:n_train], perm[n_train:]
    xt, yt = x[tr], torch.as_tensor(y[tr])
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    for p in planes:
        p(0)
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(n_train, generator=gen)
        for s in range(0, n_train, batch_size):
            idx = order[s:s + batch_size]
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
        for p in planes:
            p(epoch)
    net.eval()
    with torch.no_grad():
        acc_tr = (net(xt).argmax(1).numpy() == y[tr]).mean()
        acc_te = (net(x[te]).argmax(1).numpy() == y[te]).mean()
    return float(acc_tr), float(acc_te)


def summary(records, layer):
    """(max I(X;T) over epochs, its epoch, final I(X;T), final I(T;Y)) of one layer."""
    ixt = sorted((r["epoch"], r["value"]) for r in records
                 if r["layer"] == layer and r["quantity"] == "I(X;T)")
    ity = sorted((r["epoch"], r["value"]) for r in records
                 if r["layer"] == layer and r["quantity"] == "I(T;Y)")
    e_max, v_max = max(ixt, key=lambda ev: ev[1])
    return v_max, e_max, ixt[-1][1], ity[-1][1]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3000)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "figures"))
    ap.add_argument("--points", type=int, default=40, help="recorded epochs (log-spaced)")
    ap.add_argument("--kde-points", type=int, default=10, help="epochs with the KDE bound")
    ap.add_argument("--kde-noise-var", type=float, default=0.1)
    ap.add_argument("--kde-samples", type=int, default=4096,
                    help="patterns used by the KDE bound (a fixed random subset if < 4096; "
                         "its cost grows as the square)")
    ap.add_argument("--width", type=float, default=2 / 30, help="ReLU bin width")
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=1,
                    help="if > 1, also train the tanh network for seeds 0..N-1 and plot the "
                         "median and interquartile band of I(X;T), I(T;Y) per layer")
    args = ap.parse_args(argv)
    # a 12-10-7-5-4-3-2 network is tiny: thread start-up costs more than it saves
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    import matplotlib

    matplotlib.use("Agg")

    d = tishby12(dtype=np.float32)
    x, y = torch.from_numpy(d.x), d.y
    sched = log_schedule(args.epochs, args.points)
    kde_sched = log_schedule(args.epochs, args.kde_points)
    with warnings.catch_warnings():
        # the first layers separate all 4096 patterns (12 bits): with X the whole
        # population that is the true value, so the saturation warning is silenced here
        warnings.simplefilter("ignore", SaturationWarning)
        return _run(args, x, y, sched, kde_sched)


def _run(args, x, y, sched, kde_sched) -> dict:
    out = {}

    def jpath(name):
        return os.path.join(args.out, f"tishby12_{name}.jsonl")

    t0 = time.perf_counter()
    tanh = make_net(nn.Tanh, args.seed)
    p_tanh = InformationPlane(tanh, x, y, layers=nn.Tanh, epochs=sched, path=jpath("tanh"),
                              estimator=RangeBinning(30, (-1.0, 1.0), outside="raise"), base=2)
    acc = train(tanh, [p_tanh], x, y, epochs=args.epochs, lr=args.lr,
                batch_size=args.batch_size, seed=args.seed)
    out["tanh_binning"] = (p_tanh, acc)
    t_tanh = time.perf_counter() - t0

    relu = make_net(nn.ReLU, args.seed)
    p_width = InformationPlane(relu, x, y, layers=nn.ReLU, epochs=sched, path=jpath("relu_width"),
                               estimator=WidthBinning(args.width), base=2)
    sub = np.sort(np.random.default_rng(args.seed).permutation(len(y))[:args.kde_samples])
    p_kde = InformationPlane(relu, x[sub], y[sub], layers=nn.ReLU, epochs=kde_sched,
                             path=jpath("relu_kde"), estimator=KDEBounds(args.kde_noise_var), base=2)
    p_clip = InformationPlane(relu, x, y, layers=nn.ReLU, epochs=sched, path=jpath("relu_clipped"),
                              estimator=RangeBinning(30, (-1.0, 1.0), outside="clip"), base=2)
    acc = train(relu, [p_width, p_kde, p_clip], x, y, epochs=args.epochs, lr=args.lr,
                batch_size=args.batch_size, seed=args.seed)
    out["relu_width"] = (p_width, acc)
    out["relu_kde"] = (p_kde, acc)
    out["relu_clipped"] = (p_clip, acc)
    t_total = time.perf_counter() - t0

    titles = {
        "tanh_binning": "tanh, 30 bins on [-1, 1]",
        "relu_width": f"ReLU, unbounded bins of width {args.width:.3g}",
        "relu_kde": f"ReLU, KDE upper bound, noise var {args.kde_noise_var:g}",
        "relu_clipped": "ReLU, 30 bins on [-1, 1] (clipped: artefact)",
    }
    import matplotlib.pyplot as plt

    result = {}
    for name, (plane, (a_tr, a_te)) in out.items():
        fig = plane.plot(title=f"{titles[name]} — {args.epochs} epochs")
        fig.savefig(os.path.join(args.out, f"tishby12_{name}.png"), dpi=110,
                    bbox_inches="tight")
        plt.close(fig)
        last = plane.layers[-1]
        v_max, e_max, v_end, ity_end = summary(plane.records, last)
        result[name] = {"last_layer": last, "max_ixt": v_max, "epoch_of_max": e_max,
                        "final_ixt": v_end, "final_ity": ity_end, "train_acc": a_tr,
                        "test_acc": a_te}
        print(f"{name:14s} last hidden layer {last}: I(X;T) max {v_max:.3f} bits at epoch "
              f"{e_max}, final {v_end:.3f}; final I(T;Y) {ity_end:.3f} bits "
              f"(H(Y) = 0.99916); train/test accuracy {a_tr:.3f}/{a_te:.3f}")
    print(f"time: tanh {t_tanh:.1f} s, total {t_total:.1f} s")
    if args.seeds > 1:
        result["tanh_seeds"] = _seeds(args, x, y, sched)
    return result


def _seeds(args, x, y, sched) -> dict:
    """tanh network over several seeds: median and band (saved as tishby12_tanh_seeds.png)."""
    import matplotlib.pyplot as plt

    def run(seed):
        net = make_net(nn.Tanh, seed)
        plane = InformationPlane(net, x, y, layers=nn.Tanh, epochs=sched,
                                 estimator=RangeBinning(30, (-1.0, 1.0), outside="raise"), base=2)
        train(net, [plane], x, y, epochs=args.epochs, lr=args.lr,
              batch_size=args.batch_size, seed=seed)
        return plane.records

    records = track_seeds(run, range(args.seeds))
    with open(os.path.join(args.out, "tishby12_tanh_seeds.jsonl"), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    fig = plot_seeds(records)
    fig.suptitle(f"tanh, 30 bins on [-1, 1], {args.seeds} seeds, {args.epochs} epochs")
    fig.savefig(os.path.join(args.out, "tishby12_tanh_seeds.png"), dpi=110, bbox_inches="tight")
    plt.close(fig)
    out = {}
    last = max(r["layer_index"] for r in records)
    for seed in range(args.seeds):
        rows = [r for r in records if r["seed"] == seed and r["layer_index"] == last]
        v_max, e_max, v_end, ity_end = summary(rows, rows[0]["layer"])
        out[seed] = {"max_ixt": v_max, "epoch_of_max": e_max, "final_ixt": v_end,
                     "final_ity": ity_end}
        print(f"tanh seed {seed}: last hidden layer I(X;T) max {v_max:.3f} bits at epoch "
              f"{e_max}, final {v_end:.3f}; final I(T;Y) {ity_end:.3f} bits")
    return out


if __name__ == "__main__":
    main()
