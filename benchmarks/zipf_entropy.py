"""Discrete entropy on Zipf's law over 1,000 symbols: accuracy of every estimator, peers included.

Issue #3 asks the best registered estimator for an RMS error within 0.35 nats at 100
samples and 0.06 at 1,000.  This script measures, on the same seeded multinomial draws:

1. every infolens entropy estimator and the discrete entropy estimators of infomeasure
   (the peer a user would otherwise pick): RMS error with its Monte Carlo standard error
   (delta method, ``sd(e^2) / (2 RMS sqrt(R))``), bias, sd, the number of non-finite
   values, and the mean time per call; for the estimators both libraries implement with
   the same formula, the largest difference between their values on the same draws;
2. the van Trees lower bound (:func:`infolens.bounds.entropy_risk_lower_bound`) on the
   RMS error that *any* estimator must reach somewhere on the Zipf laws with exponents
   0.8-1.2, next to the worst RMS of the best estimators over those exponents.

Run ``python benchmarks/zipf_entropy.py [--quick]``; it prints the tables and writes
``benchmarks/results/zipf_entropy.md``.
"""

from __future__ import annotations

import argparse
import logging
import math
import platform
import time
import warnings
from pathlib import Path

import numpy as np

from infolens.bounds import entropy_risk_lower_bound
from infolens.data import zipf_pmf as zipf
from infolens.estimate import discrete as D

RESULTS = Path(__file__).resolve().parent / "results" / "zipf_entropy.md"
K = 1000

# (label, infolens method, params)
OURS = [
    ("plugin", "plugin", {}),
    ("miller_madow", "miller_madow", {}),
    ("grassberger", "grassberger", {}),
    ("chao_shen", "chao_shen", {}),
    ("jackknife", "jackknife", {}),
    ("nsb", "nsb", {}),
    ("nsb, alphabet_size=1000", "nsb", {"alphabet_size": K}),
    ("pym", "pym", {}),
    ("shrink, alphabet_size=1000", "shrink", {"alphabet_size": K}),
    ("bonachela", "bonachela", {}),
]
# infomeasure approach -> the infolens label computing the same formula (None: no twin)
PEERS = {
    "discrete": "plugin",
    "miller_madow": "miller_madow",
    "grassberger": None,  # a different digamma series (Grassberger 1988/2003 variants)
    "chao_shen": "chao_shen",
    "nsb": None,
    "shrink": None,  # shrinks toward the observed symbols only
    "zhang": None,
    "chao_wang_jost": None,
    "bonachela": "bonachela",
}


def _stats(values: np.ndarray, h: float) -> dict:
    finite = np.isfinite(values)
    e = values[finite] - h
    rms = float(np.sqrt(np.mean(e**2)))
    se = float(np.std(e**2, ddof=1) / (2 * rms * math.sqrt(e.size)))
    return {"rms": rms, "se": se, "bias": float(e.mean()), "sd": float(e.std()),
            "nonfinite": int((~finite).sum())}


def _run_ours(draws, h):
    rows, vals = [], {}
    for label, method, kw in OURS:
        t0 = time.perf_counter()
        v = np.array([D.entropy_from_counts(c, method=method, **kw) for c in draws])
        dt = (time.perf_counter() - t0) / len(draws)
        vals[label] = v
        rows.append({"library": "infolens", "estimator": label, "ms": 1e3 * dt, **_stats(v, h)})
    return rows, vals


def _run_peers(samples, h, ours):
    import infomeasure as im

    rows = []
    for approach, twin in PEERS.items():
        t0 = time.perf_counter()
        v = np.array([float(im.entropy(s, approach=approach, base="e")) for s in samples])
        dt = (time.perf_counter() - t0) / len(samples)
        diff = float(np.nanmax(np.abs(v - ours[twin]))) if twin else None
        rows.append({"library": f"infomeasure {im.__version__}", "estimator": approach,
                     "ms": 1e3 * dt, "twin": twin, "diff": diff, **_stats(v, h)})
    return rows


def _table(rows) -> str:
    out = ["| library | estimator | RMS (nats) +- se | bias | sd | non-finite | ms / call | same formula in infolens: max abs diff |",
           "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in sorted(rows, key=lambda r: r["rms"]):
        twin = f"{r['twin']}: {r['diff']:.1e}" if r.get("twin") else "-"
        out.append(f"| {r['library']} | {r['estimator']} | {r['rms']:.4f} +- {r['se']:.4f} | "
                   f"{r['bias']:+.4f} | {r['sd']:.4f} | {r['nonfinite']} | {r['ms']:.2f} | {twin} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer draws (smoke test)")
    args = ap.parse_args()
    reps = 100 if args.quick else 1000
    sweep_reps = 50 if args.quick else 300
    logging.disable(logging.WARNING)  # infomeasure logs a warning per call on these data
    p = zipf(K)
    h = float(-(p * np.log(p)).sum())
    parts = [
        "# Discrete entropy on Zipf's law over 1,000 symbols\n",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}. "
        f"Source: p_i proportional to 1/i, i = 1..{K}; H = {h:.6f} nats. Each row: the same {reps} "
        "seeded multinomial draws for every estimator (seed 2026 + n); RMS +- its Monte Carlo "
        "standard error (delta method); non-finite values (NaN, inf) are counted and left out of "
        "the RMS. Issue #3 target for the best estimator: 0.35 nats at n = 100, 0.06 at n = 1000.\n",
    ]
    for n in (100, 1000):
        rng = np.random.default_rng(2026 + n)
        samples = [rng.choice(K, n, p=p) for _ in range(reps)]
        draws = [np.bincount(s, minlength=K) for s in samples]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows, vals = _run_ours(draws, h)
            rows += _run_peers(samples, h, vals)
        best = min((r for r in rows if r["library"] == "infolens"), key=lambda r: r["rms"])
        bound = entropy_risk_lower_bound(p, n, radius=0.2)
        text = (f"## n = {n}\n\n{_table(rows)}\n\nBest infolens estimator: {best['estimator']}, "
                f"{best['rms']:.4f} +- {best['se']:.4f}. Van Trees bound: every estimator has RMS >= "
                f"{bound.value:.4f} at some Zipf exponent in [0.8, 1.2] (efficient sd at exponent 1: "
                f"{bound.efficient_sd:.4f}).\n")
        print(text, flush=True)
        parts.append(text)

    # worst case over exponents 0.8-1.2 at n = 1000
    n = 1000
    bound = entropy_risk_lower_bound(p, n, radius=0.2)
    exps = (0.8, 0.9, 1.0, 1.1, 1.2)
    sweep = [("nsb, alphabet_size=1000", "nsb", {"alphabet_size": K}), ("nsb", "nsb", {}),
             ("chao_shen", "chao_shen", {}), ("grassberger", "grassberger", {})]
    rng = np.random.default_rng(4024)
    res = {label: [] for label, _, _ in sweep}
    for s in exps:
        q = zipf(K, s)
        hq = float(-(q * np.log(q)).sum())
        draws = [rng.multinomial(n, q) for _ in range(sweep_reps)]
        for label, method, kw in sweep:
            v = np.array([D.entropy_from_counts(c, method=method, **kw) for c in draws])
            res[label].append(_stats(v, hq))
    lines = ["| estimator | " + " | ".join(f"s = {s}" for s in exps) + " | worst | worst / bound |",
             "|---|" + "---:|" * (len(exps) + 2)]
    for label, st in res.items():
        worst = max(x["rms"] for x in st)
        lines.append(f"| {label} | " + " | ".join(f"{x['rms']:.4f}" for x in st)
                     + f" | {worst:.4f} | {worst / bound.value:.2f} |")
    text = (f"## Worst case over Zipf exponents 0.8-1.2, n = {n}\n\n" + "\n".join(lines)
            + f"\n\nRMS (nats) over {sweep_reps} seeded draws per exponent (Monte Carlo se about "
            f"RMS / sqrt(2 x {sweep_reps})). Van Trees lower bound for every estimator on this family: "
            f"{bound.value:.4f} (on exponents 0.9-1.1: "
            f"{entropy_risk_lower_bound(p, n, radius=0.1).value:.4f}). The issue's 0.06 at exponent 1 "
            "is below both, so only an estimator tuned to exponent 1 can meet it.\n")
    print(text)
    parts.append(text)
    if not args.quick:
        RESULTS.write_text("\n".join(parts))
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
