"""Information bottleneck curves: infolens against dit, side by side in one process.

Problem: p(x, y) drawn from a flat Dirichlet with |X| = 128, |Y| = 32 (seed 0).

1. DIB.  ``infolens.ib.curve(method="dib")`` over 50 log-spaced betas (annealed, with
   restarts) against ``dit.rate_distortion.bottleneck_algorithms.sequential_ib`` (dit's
   hard-assignment DIB solver, coordinate descent with a Python loop over x and over
   clusters).  dit is too slow for 50 betas here, so it is run at ``--dit-betas`` of the
   50 betas (those where infolens found 0 < H(T) < max, plus one large beta) with
   ``restarts=1``; the time per beta is compared, and at each of those
   betas the two Lagrangians H(T) - beta I(T;Y) (lower is better).
2. IB.  dit's IB curve (``IBCurve(method="sp")``, scipy.optimize over the full joint
   p(x, y, t)) does not run at 128 x 32 in reasonable time (16,384 free parameters per
   beta); it is compared on an 8 x 4 Dirichlet problem (seed 1) over the same betas,
   with infolens ``ib.curve`` (method "ib"); Lagrangians I(X;T) - beta I(T;Y) per beta
   (dit reports bits; they are converted to nats).
   infolens's 128 x 32 IB time is reported alone.

Both sides use NumPy with one BLAS thread.  The machine is shared by other jobs, so
absolute times are noisy; both sides ran interleaved in the same process.

    python benchmarks/ib.py            # writes benchmarks/results/ib.md
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from infolens import ib  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "ib.md"


def _dirichlet(n_x: int, n_y: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n_x * n_y)).reshape(n_x, n_y)


def _mi(pj: np.ndarray) -> float:
    a, b = pj.sum(axis=1, keepdims=True), pj.sum(axis=0, keepdims=True)
    m = pj > 0
    return float(np.sum(pj[m] * np.log(pj[m] / (a @ b)[m])))


def _h(p: np.ndarray) -> float:
    q = p[p > 0]
    return float(-np.sum(q * np.log(q)))


def bench_dib(n_dit: int) -> tuple[list[str], dict]:
    from dit.rate_distortion.bottleneck_algorithms import sequential_ib

    p = _dirichlet(128, 32, 0)
    betas = np.geomspace(1.0, 200.0, 50)
    t0 = time.perf_counter()
    c = ib.curve(p, betas, method="dib", random_state=0)
    t_ours = time.perf_counter() - t0
    # dit runs where the trade-off is non-trivial (0 < H(T) < its maximum) and at one
    # large beta
    ht = np.array([s.h_t for s in c.solutions])
    mid = np.flatnonzero((ht > 1e-9) & (ht < 0.99 * ht.max()))
    if mid.size == 0:
        mid = np.arange(15, 40)
    take = mid[np.unique(np.linspace(0, mid.size - 1, max(n_dit - 1, 1)).astype(int))]
    pick = np.unique(np.append(take, len(betas) - 5))
    rows, ratios, wins = [], [], 0
    for j in pick:
        b = float(betas[j])
        t1 = time.perf_counter()
        r = sequential_ib(p, b, restarts=1, random_state=0)
        t_dit = time.perf_counter() - t1
        pty = r.p_xyt.sum(axis=0).T  # (t, y)
        l_dit = _h(pty.sum(axis=1)) - b * _mi(pty)
        s = c.solutions[j]
        l_ours = s.h_t - b * s.i_ty
        wins += l_ours <= l_dit + 1e-9
        ratios.append(t_dit / (t_ours / len(betas)))
        rows.append(
            f"| {b:.2f} | {s.h_t:.4f} | {s.i_ty:.4f} | {l_ours:.4f} | {_h(pty.sum(axis=1)):.4f} "
            f"| {_mi(pty):.4f} | {l_dit:.4f} | {t_dit:.2f} |"
        )
    summary = {
        "t_ours": t_ours,
        "per_beta": t_ours / len(betas),
        "ratio_min": min(ratios),
        "ratio_median": float(np.median(ratios)),
        "wins": wins,
        "n": len(pick),
        "n_envelope": len(c.i_ty),
        "n_discarded": c.n_discarded,
    }
    return rows, summary


def bench_ib_small(n_betas: int) -> tuple[list[str], dict]:
    import dit
    from dit.rate_distortion.curves import IBCurve

    p = _dirichlet(8, 4, 1)
    beta_max = 50.0
    t0 = time.perf_counter()
    d = dit.Distribution.from_ndarray(p)
    cd = IBCurve(d, beta_min=0.0, beta_max=beta_max, beta_num=n_betas, method="sp")
    t_dit = time.perf_counter() - t0
    betas = np.asarray(cd.betas, dtype=float)
    t1 = time.perf_counter()
    ci = ib.curve(p, betas, random_state=0)
    t_ours = time.perf_counter() - t1
    rows, wins = [], 0
    ln2 = np.log(2.0)  # dit reports bits; convert to nats
    for j, b in enumerate(betas):
        s = ci.solutions[j]
        l_ours = s.i_xt - b * s.i_ty
        cx, ry = float(cd.complexities[j]) * ln2, float(cd.relevances[j]) * ln2
        l_dit = cx - b * ry
        wins += l_ours <= l_dit + 1e-6
        rows.append(
            f"| {b:.2f} | {s.i_xt:.4f} | {s.i_ty:.4f} | {l_ours:.4f} | {cx:.4f} "
            f"| {ry:.4f} | {l_dit:.4f} |"
        )
    return rows, {"t_ours": t_ours, "t_dit": t_dit, "ratio": t_dit / t_ours, "wins": wins, "n": len(betas)}


def main() -> None:
    ap = argparse.ArgumentParser(description="IB/DIB curves: infolens vs dit")
    ap.add_argument("--dit-betas", type=int, default=3, help="betas at which dit's DIB runs")
    ap.add_argument("--ib-betas", type=int, default=6, help="betas of dit's small IB curve")
    args = ap.parse_args()
    import dit

    p = _dirichlet(128, 32, 0)
    t0 = time.perf_counter()
    c_ib = ib.curve(p, np.geomspace(1.0, 200.0, 50), method="ib", random_state=0)
    t_ib = time.perf_counter() - t0
    dib_rows, dib = bench_dib(args.dit_betas)
    ib_rows, small = bench_ib_small(args.ib_betas)

    lines = [
        "# Information bottleneck: infolens vs dit",
        "",
        f"Python {platform.python_version()}, NumPy {np.__version__}, dit {dit.__version__}, "
        f"one BLAS thread; `python benchmarks/ib.py --dit-betas {args.dit_betas} --ib-betas "
        f"{args.ib_betas}`.",
        "The machine (2 cores) was shared with other engineers' jobs while this ran, so "
        "absolute times are noisy; both sides ran in the same process, one after the other.",
        "",
        "## DIB, |X| = 128, |Y| = 32 (flat Dirichlet, seed 0)",
        "",
        f"infolens `ib.curve(method='dib')`, 50 betas in [1, 200]: **{dib['t_ours']:.2f} s** "
        f"({dib['per_beta'] * 1e3:.0f} ms per beta, annealed both ways + 3 restarts + merge-tree "
        f"start per beta); {dib['n_envelope']} envelope points, {dib['n_discarded']} discarded.",
        f"dit `sequential_ib(restarts=1)` at {dib['n']} of those betas (time per beta below): "
        f"dit / infolens time per beta = **{dib['ratio_min']:.0f}x** (min), "
        f"{dib['ratio_median']:.0f}x (median).",
        f"Lagrangian H(T) - beta I(T;Y) (nats, lower is better): infolens equal or lower at "
        f"**{dib['wins']} / {dib['n']}** betas.",
        "",
        "| beta | infolens H(T) | infolens I(T;Y) | infolens L | dit H(T) | dit I(T;Y) | dit L | dit s |",
        "|---|---|---|---|---|---|---|---|",
        *dib_rows,
        "",
        "## IB, |X| = 8, |Y| = 4 (flat Dirichlet, seed 1)",
        "",
        f"dit `IBCurve(method='sp')` with {small['n']} betas in [0, 50]: **{small['t_dit']:.1f} s**; "
        f"infolens `ib.curve` on the same betas: **{small['t_ours']:.3f} s** "
        f"(**{small['ratio']:.0f}x** faster).",
        f"Lagrangian I(X;T) - beta I(T;Y) (nats; dit's bits converted): infolens equal or "
        f"lower (within 1e-6) at "
        f"**{small['wins']} / {small['n']}** betas.",
        "",
        "| beta | infolens I(X;T) | infolens I(T;Y) | infolens L | dit I(X;T) | dit I(T;Y) | dit L |",
        "|---|---|---|---|---|---|---|",
        *ib_rows,
        "",
        "## IB, |X| = 128, |Y| = 32 (infolens only)",
        "",
        f"infolens `ib.curve(method='ib')`, 50 betas in [1, 200]: **{t_ib:.2f} s**, "
        f"{len(c_ib.i_ty)} envelope points, {c_ib.n_discarded} discarded, onset beta "
        f"{c_ib.onset_beta:.2f} (1/rho_m^2 = {1 / c_ib.max_correlation**2:.2f}), final I(T;Y) "
        f"{c_ib.i_ty[-1]:.4f} of I(X;Y) = {c_ib.i_xy:.4f} nats.",
        "dit's IB (`method='sp'`) optimises the joint p(x, y, t) with scipy.optimize "
        "(16,384 free parameters per beta at this size) and was not run here; its "
        "Blahut-Arimoto variant (`method='ba'`) computes each divergence in a Python loop "
        "over (x, t) pairs with 250 restarts per beta.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
