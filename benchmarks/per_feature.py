"""Per-feature MI: ``infolens.mutual_information_per_feature`` against scikit-learn's
``mutual_info_classif`` / ``mutual_info_regression`` on the same columns, same k.

Run as a script (``python benchmarks/per_feature.py [--quick]``); it prints the tables and
writes ``benchmarks/results/per_feature.md``.

Each row runs both sides in one process on the same arrays, one after the other, best of
``repeat`` runs after one warm-up call of each (the warm-up loads the compiled kernels).
Wall and CPU (process) time are both reported: the ``ksg1`` path's joint 2-D neighbour
search uses the numba kernels' threads, the ``ross`` path and scikit-learn
(``n_jobs=None``) run on one core.  A third column times the plain loop
``[infolens.mutual_information(X[:, j], y) for j]``, to show what sharing work saves.

Values.  scikit-learn scales each continuous column (and a continuous ``y``) by its
standard deviation, adds noise of relative size 1e-10 (``random_state``) to break ties,
and clips negative estimates to 0.  infolens divides by a robust scale (normal-consistent
MAD; no effect on ``ross``, whose only metric is the one column's, but ``ksg1``'s joint
max-norm neighbourhoods depend on the ratio of the x and y scales, so MAD instead of std
changes its value), never adds noise (ties: Gao et al.'s rule in ``ross``; repeated rows
dropped with a warning in ``ksg1``) and does not clip.  The table gives the largest and
median absolute difference between infolens (clipped at 0 for the comparison) and
scikit-learn, and the largest on scikit-learn's own jittered, std-scaled columns with
``standardize=False`` (``jittered``: infolens run on exactly the points scikit-learn
used), which is round-off when both compute the same estimator.
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

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "per_feature.md"


def _timed(func, repeat: int):
    best_wall, best_cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = func()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, out


def sklearn_jitter(X: np.ndarray, y: np.ndarray, discrete_target: bool, seed: int):
    """The points scikit-learn's ``_estimate_mi`` feeds its estimators (version 1.x):
    columns divided by their std (ddof 0), plus 1e-10 * max(1, mean|x|) Gaussian noise;
    a continuous ``y`` likewise, noise drawn after the columns' (same generator)."""
    rng = np.random.RandomState(seed)
    Xs = X / np.where(X.std(axis=0) == 0, 1.0, X.std(axis=0))
    Xs = Xs + 1e-10 * np.maximum(1, np.mean(np.abs(Xs), axis=0)) * rng.standard_normal(Xs.shape)
    if discrete_target:
        return Xs, y
    ys = y / (y.std() or 1.0)
    ys = ys + 1e-10 * max(1.0, float(np.mean(np.abs(ys)))) * rng.standard_normal(ys.shape)
    return Xs, ys


def _datasets(quick: bool):
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

    out = []
    for name, loader in (("wine", load_wine), ("breast_cancer", load_breast_cancer),
                         ("digits", load_digits)):
        b = loader()
        out.append((name, np.asarray(b.data, dtype=np.float64), b.target, True, b.feature_names))
    b = load_diabetes()
    out.append(("diabetes", b.data, b.target, False, b.feature_names))
    n = 20_000 if quick else 100_000
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 20))
    logit = 1.5 * X[:, 0] - X[:, 1] + 0.5 * X[:, 2] * X[:, 3]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int) + (X[:, 4] > 1)
    out.append((f"synthetic {n // 1000}k x 20, 3 classes", X, y, True, None))
    yc = X[:, 0] + np.sin(2 * X[:, 1]) + 0.5 * X[:, 2] * X[:, 3] + 0.5 * rng.standard_normal(n)
    out.append((f"synthetic {n // 1000}k x 20, continuous y", X, yc, False, None))
    return out


def run(quick: bool = False) -> str:
    import sklearn
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    import infolens

    k, seed = 3, 0
    rows, details = [], []
    load0 = os.getloadavg()
    for name, X, y, discrete, names in _datasets(quick):
        big = X.shape[0] > 50_000
        repeat = 1 if big else 3
        peer = mutual_info_classif if discrete else mutual_info_regression
        methods = ["auto"] if discrete else ["ksg1", "auto"]
        peer(X[:200], y[:200], n_neighbors=k, random_state=seed)
        t_sk, c_sk, v_sk = _timed(lambda p=peer, X=X, y=y: p(X, y, n_neighbors=k, random_state=seed),
                                  repeat)
        Xj, yj = sklearn_jitter(X, y, discrete, seed)
        for method in methods:
            def ours(X=X, y=y, method=method, names=names):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return infolens.mutual_information_per_feature(
                        X, y, method=method, k=k, random_state=seed, names=names)

            def loop(X=X, y=y, method=method):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return [infolens.mutual_information(X[:, j], y, method=method, k=k,
                                                        random_state=seed)
                            for j in range(X.shape[1])]

            ours(X[:200], y[:200])  # warm-up
            t_il, c_il, res = _timed(ours, repeat)
            t_lp, _, ref = _timed(loop, 1)
            assert np.array_equal(res.values, np.array([float(e) for e in ref])), name
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plain = {} if method == "auto" and not discrete else {"standardize": False}
                jit = infolens.mutual_information_per_feature(Xj, yj, method=method, k=k,
                                                              random_state=seed, **plain).values
            ran = sorted({e.method for e in res})
            d = np.abs(np.maximum(res.values, 0) - v_sk)
            dj = np.abs(np.maximum(jit, 0) - v_sk)
            top = min(5, X.shape[1])
            agree = len(set(np.argsort(-res.values)[:top]) & set(np.argsort(-v_sk)[:top]))
            rows.append((name, X.shape, ",".join(ran), "classif" if discrete else "regression",
                         t_il, c_il, t_sk, c_sk, t_lp, d.max(), np.median(d), dj.max(),
                         f"{agree}/{top}"))
            details.append((name, ",".join(ran), res, v_sk, jit))
            print(f"{name:38s} {','.join(ran):9s} infolens {t_il:7.3f}s sklearn {t_sk:7.3f}s "
                  f"ratio {t_sk / t_il:5.1f}x  loop {t_lp:7.3f}s  max|d| {d.max():.2e} "
                  f"jittered {dj.max():.2e}", flush=True)
    load1 = os.getloadavg()
    return _markdown(rows, details, load0, load1, sklearn.__version__)


def _markdown(rows, details, load0, load1, skv) -> str:
    import infolens

    lines = [
        "# Per-feature MI: infolens against scikit-learn",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python "
        f"{platform.python_version()}, NumPy {np.__version__}, scikit-learn {skv}, infolens "
        f"{infolens.__version__}. Shared with other engineers' jobs: load average (1, 5, 15 "
        f"min) {', '.join(f'{v:.2f}' for v in load0)} before, "
        f"{', '.join(f'{v:.2f}' for v in load1)} after. Generated by "
        "`benchmarks/per_feature.py` (its docstring says what is compared).",
        "",
        "k = 3 on both sides; scikit-learn `random_state=0`, infolens `random_state=0`. "
        "`infolens` = `mutual_information_per_feature(X, y, method=..., k=3)`; `sklearn` = "
        "`mutual_info_classif` (discrete y) / `mutual_info_regression` (continuous y) with "
        "`n_neighbors=3`, one core (`n_jobs=None`); `loop` = one "
        "`infolens.mutual_information(X[:, j], y)` per column (same values, asserted "
        "bitwise). Times: best of 3 (best of 1 at 100k rows) after a warm-up call, wall / "
        "CPU seconds. The `ross` path is single-threaded NumPy; `ksg1` and `ensemble` use "
        "the numba kernels' threads for the joint 2-D neighbour search (CPU > wall). "
        "Speed-up = sklearn wall / infolens wall.",
        "",
        "| data | n x d | target | infolens method | infolens wall / CPU (s) | sklearn wall / "
        "CPU (s) | speed-up | loop (s) | max abs diff | median abs diff | max abs diff, "
        "jittered | top-5 agree |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, shape, ran, target, t_il, c_il, t_sk, c_sk, t_lp, dmax, dmed, djmax,
         agree) in rows:
        lines.append(
            f"| {name} | {shape[0]:,} x {shape[1]} | {target} | {ran} | {t_il:.3f} / "
            f"{c_il:.3f} | {t_sk:.3f} / {c_sk:.3f} | {t_sk / t_il:.1f}x | {t_lp:.3f} | "
            f"{dmax:.2e} | {dmed:.2e} | {djmax:.2e} | {agree} |")
    lines += [
        "",
        "Differences (nats; infolens clipped at 0 like scikit-learn for the comparison). "
        "`max abs diff, jittered`: infolens with `standardize=False` on the very points "
        "scikit-learn used (its std-scaled columns plus its 1e-10 noise, reproduced in "
        "`sklearn_jitter`). Where that is ~1e-15, both sides compute the same estimator "
        "on the same points, and the difference in `max abs diff` comes from two choices. "
        "(1) Ties: scikit-learn breaks repeated values by noise, so neighbours at "
        "distance 0 become neighbours at distance ~1e-10 in random order; `ross` counts "
        "every tied neighbour (Gao et al. 2017) and `ksg1` drops repeated (x, y) rows "
        "with a warning. Quantised features (wine's magnesium and proline, every digits "
        "pixel, diabetes' sex) carry ties, the synthetic Gaussian columns none. (2) Scale "
        "(`ksg1` only): KSG's joint max-norm neighbourhoods depend on the ratio of the x "
        "and y scales; scikit-learn divides by the std, infolens by the robust "
        "(MAD-based) scale, which differ on skewed or two-valued columns (diabetes). "
        "`ross` in one column is unaffected by any scale. The `ensemble` rows (what "
        "`auto` runs for a continuous y) are a different estimator (max of "
        "the copula-model MI `tcopula` and bias-corrected KSG): their differences are not round-off, "
        "and their jittered column compares that estimator on scikit-learn's points.",
        "",
        "Reading the speed column: the `ross` and `ksg1` rows compare the same estimator on "
        "both sides. `ensemble` is what `method=\"auto\"` runs for a continuous y: per "
        "column a copula-model MI (a t-copula fit when a kurtosis screen flags heavy joint "
        "tails) and two KSG runs (the data's and a Gaussian surrogate's for the bias "
        "correction), at least 2.5x the work of scikit-learn's one KSG, so on small data (diabetes) it can be slower than scikit-learn; pass "
        "`method=\"ksg1\"` for scikit-learn's estimator. `ensemble` has no shared-work "
        "path, so its per-feature time equals the loop's up to noise (the 100k rows are "
        "single runs on a shared 2-core machine; at a load average near 8 repeated runs "
        "differed by up to 2x). The digits residual in the "
        "jittered column (about 1e-4) was not traced; a likely source is exact distance "
        "ties that rounding creates among the jittered pixel values (values up to 16 "
        "plus 1e-10 noise sit on a float grid of 3.6e-15), which `ross` counts "
        "inclusively and scikit-learn strictly.",
        "",
        "## Values per feature",
        "",
    ]
    for name, ran, res, v_sk, jit in details:
        if len(res) > 30:
            continue
        lines += [f"### {name} ({ran})", "",
                  "| feature | infolens | sklearn | infolens on sklearn's jittered points | "
                  "diff (clipped infolens - sklearn) |",
                  "|---|---:|---:|---:|---:|"]
        for j, (nm, e) in enumerate(res.items()):
            lines.append(f"| {nm} | {float(e):.6f} | {v_sk[j]:.6f} | {jit[j]:.6f} | "
                         f"{max(float(e), 0.0) - v_sk[j]:+.2e} |")
        lines.append("")
    lines.append("digits (64 pixel features) is left out of the value tables; its row above "
                 "summarises it.")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20k synthetic rows, no file written")
    args = p.parse_args()
    text = run(quick=args.quick)
    if not args.quick:
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
