"""Benchmark: infolens.pid against dit (PID measures) and hoi (O-information, MMI pairs).

Run:  .venv/bin/python benchmarks/pid.py  [--quick]

One run times both sides on the same inputs and writes the table (times of each side,
their ratio, the largest difference of the results) to ``benchmarks/results/pid.md``.
infolens and hoi run in this process; each dit call runs in a child process, timed
inside it around the PID call only, so that a call past its cap (e.g. ECOS at 4,096
outcomes) can be stopped; such calls are reported as "> cap".  The machine is shared
with other jobs: absolute times are noisy, ratios less so.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "benchmarks", "results", "pid.md")


def timed(fn, reps=1):
    best, out = np.inf, None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def to_dit(p):
    import dit

    outs, ps = [], []
    for idx in np.ndindex(p.shape):
        if p[idx] > 0:
            outs.append(tuple(int(i) for i in idx))
            ps.append(float(p[idx]))
    return dit.Distribution(outs, ps)


def import_time():
    code = "import time; t=time.perf_counter(); import infolens.pid; a=time.perf_counter()-t; " \
           "infolens.pid.decompose; b=time.perf_counter()-t; print(a, b)"
    vals = []
    for _ in range(5):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
        vals.append(tuple(float(v) for v in r.stdout.split()))
    return statistics.median(v[0] for v in vals), statistics.median(v[1] for v in vals)


def fmt_t(t):
    if isinstance(t, str):
        return t
    return f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.2f} s"


_DIT_CHILD = r"""
import sys, time, json, warnings
import numpy as np
warnings.filterwarnings("ignore")
import dit
from dit.pid import PID_BROJA, PID_CCS, PID_MMI, PID_SX, PID_WB, PID_dep
cls = {"imin": PID_WB, "mmi": PID_MMI, "broja": PID_BROJA, "ccs": PID_CCS, "sx": PID_SX, "dep": PID_dep}
measure, path = sys.argv[1], sys.argv[2]
p = np.load(path)
outs, ps = [], []
for idx in np.ndindex(p.shape):
    if p[idx] > 0:
        outs.append(tuple(int(i) for i in idx)); ps.append(float(p[idx]))
d = dit.Distribution(outs, ps)
n = p.ndim - 1
kw = {"method": "cone"} if measure == "broja" else {}
t = time.perf_counter()
res = cls[measure](d, [[i] for i in range(n)], [n], **kw)
el = time.perf_counter() - t
print(json.dumps({"time": el, "atoms": {repr(k): float(res.get_pi(k)) for k in res._lattice}}))
"""


def dit_call(measure, p, cap_s, tmpdir):
    """Time dit on p in a child process (so that a cap can stop even its C solvers);
    the time is measured inside the child around the PID call only."""
    import json

    path = os.path.join(tmpdir, "p.npy")
    np.save(path, p)
    try:
        r = subprocess.run([sys.executable, "-c", _DIT_CHILD, measure, path], capture_output=True,
                           text=True, timeout=cap_s, check=True)
    except subprocess.TimeoutExpired:
        return None, None
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return out["time"], out["atoms"]


def pid_rows(quick):
    import tempfile

    from infolens.pid import decompose

    measures = ["imin", "mmi", "broja", "ccs", "sx", "dep"]
    rng = np.random.default_rng(2024)
    cases = [((2, 2, 2), "2 sources, alphabet 2"), ((4, 4, 4), "2 sources, alphabet 4"),
             ((8, 8, 8), "2 sources, alphabet 8"), ((2, 2, 2, 2), "3 sources, alphabet 2"),
             ((3, 3, 3, 3), "3 sources, alphabet 3")]
    if not quick:
        cases.append(((16, 16, 16), "2 sources, alphabet 16"))
    rows = []
    tmp = tempfile.mkdtemp(prefix="infolens-bench-")
    for shape, label in cases:
        p = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
        n = len(shape) - 1
        for m in measures:
            if m in ("broja", "dep") and n > 2:
                continue
            if shape == (16, 16, 16) and m != "broja":
                continue
            dit_cap = 300 if shape == (16, 16, 16) else (60 if quick else 120)
            reps = 3 if np.prod(shape) <= 512 else 1
            t_ours, r = timed(lambda m=m, p=p: decompose(p, measure=m, base=2), reps)
            t_dit, atoms = dit_call(m, p, dit_cap, tmp)
            if t_dit is None:
                t_dit_s, ratio, diff_s = f"> {dit_cap} s (stopped)", f"> {dit_cap / t_ours:.0f}x", "n/a"
            else:
                diff = max(abs(r[nd] - atoms[repr(nd)]) for nd in r.nodes)
                t_dit_s, ratio, diff_s = fmt_t(t_dit), f"{t_dit / t_ours:.1f}x", f"{diff:.1e}"
            extra = f"certified gap {r.duality_gap:.1e} bits" if m == "broja" else ""
            rows.append((label, int(np.prod(shape)), m, fmt_t(t_ours), t_dit_s, ratio, diff_s, extra))
            print(rows[-1], flush=True)
    return rows


def hoi_rows(quick):
    from infolens.pid import o_information_multiplets, pairwise_pid

    rows = []
    try:
        from hoi.metrics import Oinfo, RedundancyMMI, SynergyMMI
    except Exception as exc:  # pragma: no cover - depends on the environment
        return [("hoi not importable", str(exc))]
    rng = np.random.default_rng(7)
    n = 10000
    # O-information, all triplets of 20 variables (Gaussian copula, bias corrected, bits)
    z = rng.normal(size=(n, 4))
    x = np.hstack([z[:, [i % 4]] + rng.normal(size=(n, 1)) for i in range(20)])
    Oinfo(x, multiplets=[(0, 1, 2)], verbose=False).fit(minsize=3, maxsize=3, method="gc")  # JIT warm-up
    t_hoi, o_hoi = timed(lambda: np.asarray(Oinfo(x, verbose=False).fit(minsize=3, maxsize=3, method="gc")).ravel())
    t_our, o_our = timed(lambda: o_information_multiplets(x, size=3, base=2).values, 3)
    rows.append(("O-information, all 1140 triplets of 20 variables, n = 10,000 (copula)",
                 fmt_t(t_our), fmt_t(t_hoi), f"{t_hoi / t_our:.1f}x", f"{np.abs(o_hoi - o_our).max():.1e}"))
    print(rows[-1], flush=True)
    # pairwise MMI PID over all pairs of a 128-unit layer, 4 bins per unit, 10 classes
    units = 32 if quick else 128
    codes = rng.integers(0, 4, (n, units))
    y = (codes[:, 0] + codes[:, 1] * codes[:, 2] + rng.integers(0, 3, n)) % 10
    RedundancyMMI(codes, y, multiplets=[(0, 1)], verbose=False).fit(minsize=2, maxsize=2, method="binning")
    SynergyMMI(codes, y, multiplets=[(0, 1)], verbose=False).fit(minsize=2, maxsize=2, method="binning")

    def hoi_pairs():
        r = np.asarray(RedundancyMMI(codes, y, verbose=False).fit(minsize=2, maxsize=2, method="binning")).ravel()
        s = np.asarray(SynergyMMI(codes, y, verbose=False).fit(minsize=2, maxsize=2, method="binning")).ravel()
        return r, s

    t_hoi, (r_hoi, s_hoi) = timed(hoi_pairs)
    t_our, res = timed(lambda: pairwise_pid(codes, y, measure="mmi", base=2))
    diff = max(np.abs(r_hoi - res.redundancy).max(), np.abs(s_hoi - res.synergy).max())
    npairs = units * (units - 1) // 2
    rows.append((f"MMI PID (redundancy + synergy) of all {npairs} pairs of a {units}-unit layer, "
                 "4 bins, 10 classes, n = 10,000", fmt_t(t_our), fmt_t(t_hoi), f"{t_hoi / t_our:.1f}x",
                 f"{diff:.1e}"))
    print(rows[-1], flush=True)
    # the same pairs with I_min: dit has no batch path; time dit on 20 pairs and scale
    from dit.pid import PID_WB

    from infolens.pid import decompose

    t_our_imin, _ = timed(lambda: pairwise_pid(codes, y, measure="imin", base=2))
    sample_pairs = [(i, i + 1) for i in range(20)]
    t0 = time.perf_counter()
    diffs = []
    for i, j in sample_pairs:
        cnt = np.zeros((4, 4, 10))
        np.add.at(cnt, (codes[:, i], codes[:, j], y), 1)
        pmf = cnt / n
        dp = PID_WB(to_dit(pmf), [[0], [1]], [2])
        ours = decompose(pmf, measure="imin", base=2)
        diffs.append(max(abs(ours[nd] - dp.get_pi(nd)) for nd in ours.nodes))
    t_dit20 = time.perf_counter() - t0
    t_dit_all = t_dit20 / len(sample_pairs) * npairs
    rows.append((f"I_min PID of all {npairs} pairs (dit: 20 pairs timed, scaled to {npairs})",
                 fmt_t(t_our_imin), f"~{fmt_t(t_dit_all)} (extrapolated)", f"~{t_dit_all / t_our_imin:.0f}x",
                 f"{max(diffs):.1e}"))
    print(rows[-1], flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller cases, shorter dit caps")
    args = ap.parse_args()
    imp, imp_dec = import_time()
    print("import", imp, imp_dec, flush=True)
    rows = pid_rows(args.quick)
    hrows = hoi_rows(args.quick)
    import dit
    try:
        import hoi
        hv = hoi.__version__
    except Exception:  # pragma: no cover
        hv = "not installed"
    lines = [
        "# infolens.pid benchmark",
        "",
        f"Run: `python benchmarks/pid.py{' --quick' if args.quick else ''}` on {platform.machine()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, dit {dit.__version__}, hoi {hv}. "
        "The machine (2 cores) was shared with other engineers' jobs while this ran: absolute times "
        "are noisy. infolens and hoi ran in the benchmark process, each dit call in a child process "
        "timed inside it (around the PID call only) on the same pmf, so that a cap could stop it.",
        "",
        f"`import infolens.pid`: {imp * 1e3:.0f} ms (median of 5 fresh interpreters); "
        f"first access of `infolens.pid.decompose` (imports SciPy): {imp_dec * 1e3:.0f} ms in total.",
        "",
        "## PID measures vs dit (random full-support pmfs, atoms in bits)",
        "",
        "ours: best of 3 (1 above 512 outcomes); dit: one call, timed inside a child process so "
        "that a cap can stop it (BROJA with `method='cone'`, the ECOS exponential-cone solver).  "
        "max abs diff is the largest difference of any atom (bits).",
        "",
        "| case | joint outcomes | measure | infolens | dit | dit / infolens | max abs diff | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| " + " | ".join(str(v) for v in r) + " |")
    lines += [
        "",
        "## Many variables vs hoi",
        "",
        "hoi runs after a JIT warm-up on the same data (compile time excluded); values are in bits "
        "(hoi computes in float32, hence differences up to ~1e-5).",
        "",
        "| task | infolens | peer | peer / infolens | max abs diff |",
        "|---|---|---|---|---|",
    ]
    for r in hrows:
        lines.append("| " + " | ".join(str(v) for v in r) + " |")
    lines.append("")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
