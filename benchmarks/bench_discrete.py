"""Discrete estimators: speed against scikit-learn and streaming memory.

1. Plug-in mutual information of two 16-symbol variables at 10,000,000 samples:
   ``infolens.mutual_information(x, y, method="plugin")`` against
   ``sklearn.metrics.mutual_info_score`` (the same formula), in one process, on the same
   arrays; times are the best of ``repeat`` runs, values compared to 1e-9.
2. Peak memory of :class:`infolens.estimate.streaming.DiscreteCounter` fed 10^6 and
   10^8 samples in batches of 10^6, each measured in a fresh subprocess (tracemalloc peak
   of traced allocations, which include NumPy buffers, and the process's max RSS).

``run()`` returns the rows as dicts (used by ``benchmarks/estimators.py``);
``python benchmarks/bench_discrete.py`` also writes ``benchmarks/results/discrete.md``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "discrete.md"

_STREAM_SCRIPT = r"""
import json, resource, sys, tracemalloc
import numpy as np
from infolens.estimate.streaming import DiscreteCounter
n, batch = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
acc = DiscreteCounter()
tracemalloc.start()
done = 0
while done < n:
    m = min(batch, n - done)
    x = rng.integers(0, 16, m, dtype=np.int64)
    y = (x + rng.integers(0, 4, m, dtype=np.int64)) % 16
    acc.update(x, y)
    done += m
value = float(acc.compute(method="plugin"))
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
try:  # VmHWM is reset by exec; ru_maxrss can carry the parent's peak over a fork+exec
    with open("/proc/self/status") as fh:
        rss = [int(l.split()[1]) for l in fh if l.startswith("VmHWM")][0] / 1024.0
except (OSError, IndexError):
    pass
print(json.dumps({"n": acc.n, "peak_mib": peak / 2**20, "maxrss_mib": rss, "value": value}))
"""


def _best_time(func, repeat: int) -> tuple[float, float]:
    best, value = float("inf"), float("nan")
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - t0)
    return best, value


def bench_mi(n: int = 10_000_000, *, repeat: int = 3, peer_repeat: int = 1, seed: int = 0) -> dict:
    """Plug-in MI of two 16-symbol variables: infolens vs sklearn.metrics.mutual_info_score."""
    from sklearn.metrics import mutual_info_score

    import infolens

    rng = np.random.default_rng(seed)
    x = rng.integers(0, 16, n)
    y = (x + rng.integers(0, 4, n)) % 16
    infolens.mutual_information(x[:1000], y[:1000], method="plugin")  # import/registry warm-up
    t_inf, v_inf = _best_time(
        lambda: float(infolens.mutual_information(x, y, method="plugin")), repeat
    )
    t_sk, v_sk = _best_time(lambda: float(mutual_info_score(x, y)), peer_repeat)
    return {
        "benchmark": "discrete MI (plug-in), 16 x 16 symbols",
        "n": n,
        "infolens_s": t_inf,
        "peer": "sklearn.metrics.mutual_info_score",
        "peer_s": t_sk,
        "speedup": t_sk / t_inf,
        "infolens_value": v_inf,
        "peer_value": v_sk,
        "abs_diff": abs(v_inf - v_sk),
        "repeat": repeat,
        "peer_repeat": peer_repeat,
    }


def bench_stream_memory(n: int, *, batch: int = 1_000_000) -> dict:
    """Peak memory of the streaming discrete counter over ``n`` samples (fresh process)."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _STREAM_SCRIPT, str(n), str(batch)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - t0
    row = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "benchmark": "streaming DiscreteCounter peak memory (batches of 1e6)",
        "n": row["n"],
        "tracemalloc_peak_MiB": row["peak_mib"],
        "maxrss_MiB": row["maxrss_mib"],
        "seconds": elapsed,
        "value": row["value"],
    }


def run(
    sizes: tuple[int, ...] = (10_000_000,),
    stream_sizes: tuple[int, ...] = (1_000_000, 100_000_000),
    *,
    repeat: int = 3,
) -> list[dict]:
    """All discrete benchmark rows (speed rows first, then memory rows)."""
    rows = [bench_mi(n, repeat=repeat) for n in sizes]
    rows += [bench_stream_memory(n) for n in stream_sizes]
    return rows


def to_markdown(rows: list[dict]) -> str:
    speed = [r for r in rows if "speedup" in r]
    mem = [r for r in rows if "tracemalloc_peak_MiB" in r]
    lines = [
        "# Discrete estimators: benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"NumPy {np.__version__}. The machine was shared with other jobs while this ran, so absolute "
        "times are noisy; both sides ran in the same process on the same arrays, one after the other.",
        "",
        "## Plug-in mutual information, two 16-symbol variables",
        "",
        "| n | infolens (s) | sklearn mutual_info_score (s) | speed-up | infolens value | sklearn value | abs diff |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in speed:
        lines.append(
            f"| {r['n']:,} | {r['infolens_s']:.3f} | {r['peer_s']:.3f} | {r['speedup']:.1f}x | "
            f"{r['infolens_value']:.12f} | {r['peer_value']:.12f} | {r['abs_diff']:.1e} |"
        )
    lines += [
        "",
        f"Times are the best of {speed[0]['repeat'] if speed else '?'} run(s) for infolens and "
        f"{speed[0]['peer_repeat'] if speed else '?'} for scikit-learn (seconds per run at 10^7); "
        "a warm-up call on 1,000 samples precedes the infolens timing.",
        "",
        "## Streaming DiscreteCounter, batches of 10^6 samples (two 16-symbol variables)",
        "",
        "| n | tracemalloc peak (MiB) | peak RSS, VmHWM (MiB) | seconds | plug-in MI (nats) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in mem:
        lines.append(
            f"| {r['n']:,} | {r['tracemalloc_peak_MiB']:.1f} | {r['maxrss_MiB']:.1f} | "
            f"{r['seconds']:.1f} | {r['value']:.6f} |"
        )
    lines += [
        "",
        "Each memory row is a fresh Python process; peak RSS includes the interpreter, NumPy "
        "and SciPy. Peak traced memory is set by one batch (two int64 arrays of 10^6 plus "
        "temporaries), not by n.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    rows = run()
    md = to_markdown(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(md)
    print(md)
