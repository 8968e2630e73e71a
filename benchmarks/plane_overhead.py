"""Overhead of information-plane tracking on the digits MLP (target: < 25% over 50 epochs).

Trains the same MLP (64-32-16-10, tanh, Adam, batch 32) on scikit-learn's digits for 50
epochs twice per repeat, from the same initial weights and the same batch order:

* plain training;
* training plus ``InformationPlane`` recording I(X;T) and I(T;Y) of the three hidden/output
  layers on the whole training set (1437 samples) at a log-spaced schedule of 20 epochs,
  with the default estimator (30 bins on [-1, 1], vectorised joint codes).

Times are CPU times of this process (``time.process_time``; one torch thread), which the
load of other jobs on a shared machine disturbs far less than wall-clock times.  Repeats
alternate the order of the two runs; the table reports each repeat and the median ratio.  Writes ``benchmarks/results/plane_overhead.md``.

    .venv/bin/python benchmarks/plane_overhead.py [--repeats 5] [--epochs 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import torch
from torch import nn

from infolens.data.sklearn_digits import digits
from infolens.nn.plane import InformationPlane, SaturationWarning, log_schedule


def make_net(seed: int) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 16), nn.Tanh(),
                         nn.Linear(16, 10), nn.Softmax(dim=1))


def run(track: bool, epochs: int, seed: int, data) -> tuple[float, int, float]:
    net = make_net(seed)
    x = torch.from_numpy(data.x_train)
    y = torch.from_numpy(data.y_train)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    plane = None
    in_plane = 0.0
    t0 = time.process_time()
    if track:
        plane = InformationPlane(net, x, data.y_train, layers=["1", "3", "5"],
                                 epochs=log_schedule(epochs, 20))
        plane(0)
        in_plane = time.process_time() - t0
    for epoch in range(1, epochs + 1):
        net.train()
        for idx in torch.randperm(len(y), generator=gen).split(32):
            opt.zero_grad()
            # the net ends in Softmax (its output is a layer we track), so use NLL on log
            nn.functional.nll_loss(torch.log(net(x[idx]) + 1e-12), y[idx]).backward()
            opt.step()
        if plane is not None:
            t1 = time.process_time()
            plane(epoch)
            in_plane += time.process_time() - t1
    elapsed = time.process_time() - t0
    n_rec = 0 if plane is None else len({r["epoch"] for r in plane.records})
    return elapsed, n_rec, in_plane


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results",
                                                  "plane_overhead.md"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore", SaturationWarning)
    data = digits(test_size=0.2, random_state=0)
    rows = []
    for r in range(args.repeats):
        order = (False, True) if r % 2 == 0 else (True, False)
        res = {t: run(t, args.epochs, seed=r, data=data) for t in order}
        plain, tracked = res[False][0], res[True][0]
        inside = res[True][2]
        rows.append((r, plain, tracked, res[True][1], tracked / plain, inside,
                     inside / (tracked - inside)))
        print(f"repeat {r}: plain {plain:.2f} s CPU, tracked {tracked:.2f} s CPU, "
              f"ratio {tracked / plain:.3f}, inside the plane {inside:.2f} s")
    med = statistics.median(row[4] for row in rows)
    med_inside = statistics.median(row[6] for row in rows)
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    lines = [
        "# Information-plane tracking overhead (digits MLP, 50 epochs)",
        "",
        f"Produced by `benchmarks/plane_overhead.py` on {platform.machine()} "
        f"({os.cpu_count()} CPUs), torch {torch.__version__}, numpy {np.__version__}, "
        "1 torch thread.",
        "The machine is shared with other engineers' jobs (load average at the end: "
        f"{', '.join(f'{v:.1f}' for v in load)}); times are CPU seconds of this process "
        "(`time.process_time`), less disturbed by that load than wall-clock times. Both runs "
        "of a repeat ran back to back in one process with the same weights and batch order.",
        "",
        f"MLP 64-32-16-10 (tanh, softmax), Adam lr 1e-3, batch 32, {args.epochs} epochs on "
        f"{len(data.y_train)} training images. Tracking: 3 layers, I(X;T) and I(T;Y), "
        f"30 bins on [-1, 1], on all training images, at `log_schedule({args.epochs}, 20)`.",
        "",
        "| repeat | plain training [CPU s] | with tracking [CPU s] | recorded epochs | ratio "
        "| inside the plane [CPU s] | plane time / training time of the same run |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r, plain, tracked, n_rec, ratio, inside, frac in rows:
        lines.append(f"| {r} | {plain:.2f} | {tracked:.2f} | {n_rec} | {ratio:.3f} "
                     f"| {inside:.2f} | {frac:.3f} |")
    verdict = "meets" if med < 1.25 else "misses"
    lines += [
        "",
        f"Median ratio of CPU times {med:.3f}: overhead {100 * (med - 1):.1f}% — {verdict} "
        "the < 25% target." + (" A ratio below 1 is measurement noise: tracking cannot "
                               "speed training up." if med < 1 else ""),
        f"Median time spent inside the plane calls relative to the training time of the same "
        f"run: {100 * med_inside:.1f}% (measured within one run, so it does not depend on "
        "comparing two runs).",
        "",
    ]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
