"""Continuous estimators: speed against the peers a user would otherwise pick, and
accuracy of every MI estimator on the known-MI suite.

Run as a script (``python benchmarks/estimators.py [--quick] [--no-accuracy]``); it
prints the tables and writes ``benchmarks/results/estimators.md``.

Speed rows (one process, the same arrays for both sides, best of ``repeat`` runs):

1. KSG MI, 1-D vs 1-D, k = 3, at 100,000 and 1,000,000 samples: ``infolens`` method
   ``"ksg1"`` against ``sklearn.feature_selection.mutual_info_regression``.  scikit-learn
   standardises each variable (std, ddof 0) and adds noise of relative size 1e-10; we feed
   both sides standardised data, so the noise changes no neighbour relation and both
   compute KSG-1 on the same points.
2. KSG MI, 5-D vs 5-D, k = 3, 50,000 samples: ``infolens`` ``"ksg1"`` against
   (a) **NPEET-style peer written here** (:func:`npeet_style_ksg`): the NPEET recipe
   (Ver Steeg's non-parametric entropy estimation toolbox) built on scikit-learn's
   ``KDTree`` with the Chebyshev metric -- one k-NN query in the joint space, then
   ``query_radius(count_only=True)`` in each marginal; and (b) ``infomeasure``'s KSG
   (``approach="ksg"``, ``noise_level=0``).  infolens runs twice: with its compiled
   numba kernels (``infolens.estimate._kdcount``, when numba is installed) and with the
   SciPy fallback (``cKDTree``) used without numba.  One warm-up call (which compiles
   or loads the kernels) precedes the timing; the JIT compile time is measured
   separately in fresh subprocesses (empty and filled numba cache) and reported.  A
   profile table times the pieces (joint k-NN, the two marginal counts) of each side.
3. The discrete rows of ``benchmarks/bench_discrete.py`` (helper module; included if
   present).

Accuracy: every registered continuous MI estimator on ``infolens.data.known_mi_tasks()``
at n = 5,000 (one seed per task), relative error, and the share of tasks within 10% and
25%.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.special import digamma

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "estimators.md"
sys.path.insert(0, str(HERE))


def _best(func, repeat: int) -> tuple[float, float]:
    best, value = np.inf, np.nan
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - t0)
    return best, float(value)


def npeet_style_ksg(x: np.ndarray, y: np.ndarray, k: int = 3) -> float:
    """PEER (written for this benchmark): KSG-1 as NPEET computes it, on scikit-learn trees.

    One Chebyshev k-NN query in the joint space, then per-marginal radius counts with
    ``KDTree.query_radius(count_only=True)`` at ``nextafter(eps, 0)`` (strict '<').
    """
    from sklearn.neighbors import KDTree

    n = len(x)
    z = np.hstack([x, y])
    dist, _ = KDTree(z, metric="chebyshev").query(z, k=k + 1)
    eps = np.nextafter(dist[:, -1], 0)
    nx = KDTree(x, metric="chebyshev").query_radius(x, eps, count_only=True) - 1
    ny = KDTree(y, metric="chebyshev").query_radius(y, eps, count_only=True) - 1
    return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1)))


def _gauss_pair(n: int, d: int, rho: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal((n, d))
    return x / x.std(axis=0), y / y.std(axis=0)


def bench_ksg_1d(n: int, *, repeat: int = 3, peer_repeat: int = 1) -> dict:
    from sklearn.feature_selection import mutual_info_regression

    import infolens

    x, y = _gauss_pair(n, 1, 0.6, seed=1)
    infolens.mutual_information(x[:1000], y[:1000], method="ksg1")  # warm-up
    t_ours, v_ours = _best(lambda: float(infolens.mutual_information(x, y, method="ksg1", k=3)), repeat)
    t_peer, v_peer = _best(
        lambda: mutual_info_regression(x, y[:, 0], n_neighbors=3, random_state=0)[0], peer_repeat
    )
    return {"case": "KSG-1 MI, 1-D vs 1-D, k=3", "n": n, "peer": "sklearn mutual_info_regression",
            "ours_s": t_ours, "peer_s": t_peer, "ours": v_ours, "peer_value": v_peer}


def _kernel_paths() -> list[tuple[str, object]]:
    """(label, value for knn._KD) of the infolens paths to time: the numba kernels when
    they import, and the SciPy fallback."""
    from infolens.estimate import _knn_core as knn  # the neighbour core and its switches

    knn._KD = None  # re-detect
    paths = [("numba kernels", knn._kernels())] if knn._kernels() is not None else []
    return paths + [("SciPy fallback", False)]


def bench_ksg_5d(n: int = 50_000, *, repeat: int = 2, peer_repeat: int = 1) -> list[dict]:
    import infomeasure

    import infolens
    from infolens.estimate import _knn_core as knn  # the neighbour core and its switches

    x, y = _gauss_pair(n, 5, 0.5, seed=2)
    ours = []
    for label, kd in _kernel_paths():
        knn._KD = kd
        infolens.mutual_information(x[:2000], y[:2000], method="ksg1", k=3)  # warm-up / JIT
        t, v = _best(lambda: float(infolens.mutual_information(x, y, method="ksg1", k=3)), repeat)
        ours.append((label, t, v))
    knn._KD = None
    t_np, v_np = _best(lambda: npeet_style_ksg(x, y, k=3), peer_repeat)
    t_im, v_im = _best(
        lambda: infomeasure.mutual_information(x, y, approach="ksg", k=3, noise_level=0, base="e"),
        peer_repeat,
    )
    rows = []
    for peer, t_p, v_p in (
        ("NPEET-style on sklearn KDTree (peer written in this file)", t_np, v_np),
        ("infomeasure KSG (ksg_id=1)", t_im, v_im),
    ):
        for label, t, v in ours:
            rows.append({"case": f"KSG-1 MI, 5-D vs 5-D, k=3 [{label}]", "n": n, "peer": peer,
                         "ours_s": t, "peer_s": t_p, "ours": v, "peer_value": v_p})
    return rows


def profile_ksg_5d(n: int = 50_000, k: int = 3) -> list[str]:
    """Seconds of each piece of KSG-1 (5-D vs 5-D): joint k-NN, counts in x and in y,
    for each infolens path and for the scikit-learn peer (best of 2, tree builds
    included).  Wall and CPU (process) time: on a loaded machine they differ."""
    from sklearn.neighbors import KDTree

    from infolens.estimate import _knn_core as knn  # the neighbour core and its switches

    x, y = _gauss_pair(n, 5, 0.5, seed=2)
    z = np.hstack([x, y])

    def timed(f):
        best_w = best_c = np.inf
        for _ in range(2):
            w, c = time.perf_counter(), time.process_time()
            out = f()
            best_w = min(best_w, time.perf_counter() - w)
            best_c = min(best_c, time.process_time() - c)
        return out, best_w, best_c

    cols = {}
    for label, kd in _kernel_paths():
        knn._KD = kd
        knn._query(z[:2000], k, np.inf, False)  # warm-up / JIT
        knn._count_within(x[:2000], np.ones(2000), strict=True)
        (eps, _, _), *tj = timed(lambda: knn._query(z, k, np.inf, False))
        _, *tx = timed(lambda e=eps: knn._count_within(x, e, strict=True))
        _, *ty = timed(lambda e=eps: knn._count_within(y, e, strict=True))
        cols[f"infolens, {label}"] = (tj, tx, ty)
    knn._KD = None
    (dist, _), *tj = timed(lambda: KDTree(z, metric="chebyshev").query(z, k=k + 1))
    r = np.nextafter(dist[:, -1], 0)
    _, *tx = timed(lambda: KDTree(x, metric="chebyshev").query_radius(x, r, count_only=True))
    _, *ty = timed(lambda: KDTree(y, metric="chebyshev").query_radius(y, r, count_only=True))
    cols["sklearn KDTree peer (1 thread)"] = (tj, tx, ty)
    names = list(cols)
    out = [
        "| piece | " + " | ".join(f"{c}: wall / CPU (s)" for c in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for i, piece in enumerate(("joint 10-D k-NN (k-th distance)", "count in x (5-D, strict)",
                               "count in y (5-D, strict)")):
        out.append(f"| {piece} | " + " | ".join(
            f"{cols[c][i][0]:.3f} / {cols[c][i][1]:.3f}" for c in names) + " |")
    out.append("| **total** | " + " | ".join(
        f"{sum(t[0] for t in cols[c]):.3f} / {sum(t[1] for t in cols[c]):.3f}" for c in names) + " |")
    return out


_JIT_SCRIPT = r"""
import time
t0 = time.perf_counter()
import numpy as np
import infolens
from infolens.estimate import knn
rng = np.random.default_rng(0)
x = rng.standard_normal((2000, 5)); y = x + rng.standard_normal((2000, 5))
t1 = time.perf_counter()
infolens.mutual_information(x, y, method="ksg1", k=3)
t2 = time.perf_counter()
infolens.mutual_information(x, y, method="ksg1", k=3)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, knn._kernels() is not None)
"""


def jit_times() -> list[dict]:
    """First-call time of KSG-1 (2,000 rows, 5-D vs 5-D) in fresh processes: numba with
    an empty cache (compiles), numba with the cache filled by that run, and the SciPy
    fallback (``INFOLENS_NUMBA=0``)."""
    import subprocess
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for label, extra in (("numba, empty cache (compiles)", {"NUMBA_CACHE_DIR": cache}),
                             ("numba, cache filled", {"NUMBA_CACHE_DIR": cache}),
                             ("SciPy fallback", {"INFOLENS_NUMBA": "0"})):
            env = {**os.environ, **extra}
            res = subprocess.run([sys.executable, "-c", _JIT_SCRIPT], env=env, check=True,
                                 capture_output=True, text=True)
            imp, first, second, used = res.stdout.split()
            rows.append({"label": label, "import": float(imp), "first": float(first),
                         "second": float(second), "kernels": used == "True"})
    return rows


def _jit_md(rows: list[dict]) -> list[str]:
    out = ["| process | import infolens + NumPy (s) | first KSG-1 call (s) | second call (s) | kernels used |",
           "|---|---:|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r['label']} | {r['import']:.2f} | {r['first']:.2f} | {r['second']:.3f} | "
                   f"{'yes' if r['kernels'] else 'no'} |")
    return out


def accuracy_table(n: int = 5000, seed: int = 0) -> tuple[list[str], list[dict]]:
    """Relative error of each continuous MI estimator (and 'auto') on the known-MI suite."""
    from infolens.data import known_mi_tasks
    from infolens.estimate._registry import estimators, get
    from infolens.estimate.auto import choose
    from infolens.estimate.neural import METHODS as NEURAL  # own benchmark: benchmarks/neural.py

    names = [e.name for e in estimators("mi") if "continuous" in e.kinds and e.name not in NEURAL]
    cols = ["auto"] + names
    rows = []
    for i, task in enumerate(known_mi_tasks()):
        x, y = task.sample(n, random_state=seed + i)
        row = {"task": task.name, "mi": task.mi, "dims": f"{task.dim_x}x{task.dim_y}"}
        auto_name, auto_params = choose("mi", ("continuous", "continuous"), n, (task.dim_x, task.dim_y))
        row["auto_method"] = auto_name
        for name in cols:
            info = get("mi", auto_name if name == "auto" else name)
            params = auto_params if name == "auto" else {}
            if name != "auto" and name in ("ksg1", "ksg2", "gao", "ksg_bc", "ensemble") and task.dim_x + task.dim_y > 20:
                row[name] = None  # k-NN in > 20 joint dimensions: skipped (minutes each)
                continue
            kw = {"random_state": np.random.default_rng(seed + i)} if info.random else {}
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    v = info.func(x, y, **{**params, **kw})
                except ValueError as exc:  # e.g. singular covariance
                    print(f"  {task.name} {name}: {exc}", file=sys.stderr)
                    v = None
            row[name] = None if v is None else (v - task.mi) / task.mi
            row[name + "_s"] = time.perf_counter() - t0
        rows.append(row)
        print(f"  {task.name:36s} " + " ".join(
            f"{c}={row[c]:+.3f}" for c in cols if row.get(c) is not None), flush=True)
    return cols, rows


_PROFILE_NOTE = (
    "Before the numba kernels (previous version of this file, same data, loaded machine): "
    "infolens took 13.8 s against 8.6 s for the NPEET-style peer (0.6x). About three "
    "quarters of it was the two 5-D ball counts: SciPy's `cKDTree.query_ball_point("
    "return_length=True)` is about 2x slower per point than scikit-learn's "
    "`KDTree.query_radius(count_only=True)`, and the 10-D k-NN query took the same time as "
    "scikit-learn's. The kernels in `infolens.estimate._kdcount` walk a balanced k-d tree "
    "once per leaf of query points (nodes inside or outside every query's ball are "
    "added or dropped for the whole leaf; the rest per point, with the distance loop "
    "compiled per dimension so that it vectorises) and split the leaves over threads. "
    "The SciPy fallback is the code path without numba (unchanged)."
)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _previous_section(title: str) -> list[str] | None:
    """Lines of section ``## title`` of the results file written by an earlier run."""
    if not RESULTS.exists():
        return None
    lines = RESULTS.read_text().split("\n")
    try:
        i = lines.index(f"## {title}")
    except ValueError:
        return None
    j = next((m for m in range(i + 1, len(lines)) if lines[m].startswith("## ")), len(lines))
    body = lines[i + 1:j]
    while body and not body[-1].strip():
        body.pop()
    return body


def _speed_md(rows: list[dict]) -> list[str]:
    out = [
        "| case | n | peer | infolens (s) | peer (s) | speed-up | infolens (nats) | peer (nats) | abs diff |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['case']} | {r['n']:,} | {r['peer']} | {r['ours_s']:.3f} | {r['peer_s']:.3f} | "
            f"{r['peer_s'] / r['ours_s']:.1f}x | {r['ours']:.6f} | {r['peer_value']:.6f} | "
            f"{abs(r['ours'] - r['peer_value']):.1e} |"
        )
    return out


def _accuracy_md(cols: list[str], rows: list[dict], n: int) -> list[str]:
    out = [
        f"Relative error (estimate - truth) / truth at n = {n:,}, one sample per task; "
        "'-' = not run (k-NN in more than 20 joint dimensions) or failed. "
        "'auto' is the policy of `infolens.estimate.auto` (the method it picked is in the "
        "last column).",
        "",
        "| task | dims | true MI | " + " | ".join(cols) + " | auto picked |",
        "|---|---|---:|" + "---:|" * len(cols) + "---|",
    ]
    for r in rows:
        cells = ["-" if r.get(c) is None else f"{r[c]:+.3f}" for c in cols]
        out.append(f"| {r['task']} | {r['dims']} | {r['mi']:.3f} | " + " | ".join(cells) + f" | {r['auto_method']} |")
    for thr in (0.10, 0.25):
        cells = []
        for c in cols:
            errs = [abs(r[c]) for r in rows if r.get(c) is not None]
            ran = len(errs)
            ok = sum(e < thr for e in errs)
            cells.append(f"{ok}/{len(rows)}" + ("" if ran == len(rows) else f" ({ran} run)"))
        out.append(f"| **within {int(thr * 100)}%** | | | " + " | ".join(cells) + " | |")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    ap.add_argument("--no-accuracy", action="store_true",
                    help="skip the accuracy table (the previous one is kept in the results file)")
    ap.add_argument("--no-discrete", action="store_true",
                    help="skip the discrete rows (the previous ones are kept in the results file)")
    args = ap.parse_args(argv)

    load_before = _load()
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    speed = []
    for n in sizes:
        speed.append(bench_ksg_1d(n, repeat=1 if args.quick else 3))
        print(_speed_md(speed)[-1], flush=True)
    n5 = 5_000 if args.quick else 50_000
    for r in bench_ksg_5d(n5):
        speed.append(r)
        print(_speed_md(speed)[-1], flush=True)
    load_after = _load()
    profile = profile_ksg_5d(n5)
    load_profile = _load()
    print("\n".join(profile), flush=True)
    jit = jit_times()
    print("\n".join(_jit_md(jit)), flush=True)

    lines = [
        "# Continuous estimators: benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"NumPy {np.__version__}. The machine is shared with other engineers' jobs, so "
        "absolute times are noisy; each row ran both sides in the same process on the same "
        "arrays, one after the other. Load average (1, 5, 15 min, as `uptime` prints it) "
        f"before the speed rows: {load_before}; after them: {load_after}.",
        "",
        "## Speed",
        "",
        *_speed_md(speed),
        "",
        "infolens uses all cores (numba kernels: one thread per core over leaves of the "
        "k-d tree; SciPy fallback: `workers=-1` in cKDTree); scikit-learn's "
        "`mutual_info_regression`, the NPEET-style peer and infomeasure run single-threaded, "
        "as a user would call them. Both 1-D rows feed standardised data to both sides "
        "(scikit-learn standardises internally and adds 1e-10 relative noise that changes no "
        "neighbour relation here), so the values agree to round-off; the 1-D marginal counts "
        "use binary search in sorted values on both infolens paths, the 2-D joint k-NN the "
        "kernels when numba is present. infolens times are the best of 3 (1-D) or 2 (5-D) "
        "runs after one warm-up call; peers ran once.",
        "",
        "### Profile of the 5-D row",
        "",
        *profile,
        "",
        "Best of 2 per piece, tree builds included, same data as the speed row; wall and CPU "
        "(process) seconds -- when other jobs hold the cores, wall time of the threaded "
        "infolens pieces approaches their CPU time. Load average after this table: "
        f"{load_profile}.",
        "",
        _PROFILE_NOTE,
        "",
        "### JIT compile time (numba kernels)",
        "",
        *_jit_md(jit),
        "",
        "Each row is a fresh Python process running KSG-1 on 2,000 rows (5-D vs 5-D) twice. "
        "With an empty numba cache the first call compiles the k-NN kernel for 10 "
        "dimensions and the counting kernel for 5 (the code is specialised per dimension); "
        "numba stores the machine code on disk (`cache=True`), so later processes only load "
        "it. The speed rows above exclude this cost (one warm-up call first).",
    ]

    if args.no_discrete:
        prev = _previous_section("Discrete estimators (from benchmarks/bench_discrete.py)")
        if prev is not None:
            lines += ["", "## Discrete estimators (from benchmarks/bench_discrete.py)", *prev]
    else:
        try:
            import bench_discrete
        except ImportError:
            lines += ["", "(benchmarks/bench_discrete.py not found: discrete rows skipped)"]
        else:
            drows = bench_discrete.run(
                sizes=(1_000_000,) if args.quick else (10_000_000,),
                stream_sizes=(1_000_000, 10_000_000) if args.quick else (1_000_000, 100_000_000),
            )
            md = bench_discrete.to_markdown(drows).split("\n")
            lines += ["", "## Discrete estimators (from benchmarks/bench_discrete.py)", ""]
            lines += [ln.replace("# ", "### ", 1) if ln.startswith("#") else ln for ln in md[2:]]

    if args.no_accuracy:
        prev = _previous_section("Accuracy on the known-MI suite")
        if prev is not None:
            lines += ["", "## Accuracy on the known-MI suite", *prev]
    else:
        n = 2000 if args.quick else 5000
        cols, rows = accuracy_table(n)
        lines += ["", "## Accuracy on the known-MI suite", "", *_accuracy_md(cols, rows, n)]

    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
