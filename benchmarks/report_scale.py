"""Time and memory of ``infolens report`` on ResNet-18 (or a small ResNet) with many 32x32 images.

Target (issue 15 item 7): the whole report within 10 minutes and under 3 GB peak RSS on
the 2-core CPU machine.

Data: scikit-learn's 1797 digits upsampled to 32x32 (bilinear) and replicated to 3
channels; to reach ``--n`` images each is drawn from them with a random shift of up to 2
pixels and N(0, 0.05²) pixel noise (seeded), so no two images are equal.  Model
(``--arch``): ``resnet18``, ResNet-18 as written out in ``tests/report/resnet_models.py``
with torchvision's module names (11.2 M parameters), or ``small``, the ResNet-style network
there (stride-2 stem, three stages of two BasicBlocks, widths ``--widths``); trained here
for ``--epochs`` epochs, saved as a state dict and loaded by the report with
``--model-factory``, as a user would.

The report runs in a child process (``infolens report``); wall time is measured around it
and peak RSS is that process's own ``ru_maxrss`` (``resource.getrusage(RUSAGE_SELF)`` at
its exit, KiB on Linux).  The time of every section is read from its ``results.json``.  Writes
``benchmarks/results/report_scale.md`` (atomically).

    .venv/bin/python benchmarks/report_scale.py [--n 5000,10000] [--arch resnet18|small]
        [--widths 16,32,64] [--device cpu]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]


def _models():
    spec = importlib.util.spec_from_file_location(
        "resnet_models", ROOT / "tests" / "report" / "resnet_models.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_images(rm, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    base, labels = rm.digits32(None, channels=3)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(base), n)
    x = np.empty((n, 3, 32, 32), dtype=np.float32)
    shifts = rng.integers(-2, 3, size=(n, 2))
    for i, (j, (dy, dx)) in enumerate(zip(pick, shifts, strict=True)):
        x[i] = np.roll(base[j], (int(dy), int(dx)), axis=(1, 2))
    x += rng.normal(0, 0.05, size=x.shape).astype(np.float32)
    return x, labels[pick]


_CHILD = ("import resource, runpy, sys\n"
          "sys.argv = ['infolens', *sys.argv[1:]]\n"
          "try:\n    runpy.run_module('infolens', run_name='__main__')\n"
          "finally:\n    print('MAXRSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
          " file=sys.stderr)\n")


def run_one(rm, n: int, arch: str, widths: tuple[int, ...], epochs: int,
            device: str) -> tuple[str, bool]:
    """Train, save, run the report in a child process; the markdown block for this n."""
    x, y = make_images(rm, n)
    if arch == "resnet18":
        factory, build = "make_resnet18", "rm.ResNet18(in_ch=3)"
    else:
        factory = f"make_resnet_{'_'.join(map(str, widths))}"
        build = f"rm.SmallResNet(widths={widths!r}, in_ch=3)"
    with tempfile.TemporaryDirectory(prefix="infolens-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "bench_models.py").write_text(
            f"import importlib.util\n"
            f"spec = importlib.util.spec_from_file_location('resnet_models', "
            f"{str(ROOT / 'tests' / 'report' / 'resnet_models.py')!r})\n"
            "rm = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(rm)\n\n\n"
            f"def {factory}():\n    return {build}\n")
        t0 = time.perf_counter()
        cut = int(0.8 * n)  # the images are drawn at random: the first 80% train the model
        net = rm.train(eval(build, {"rm": rm}), x[:cut], y[:cut], epochs=epochs)  # noqa: S307
        t_train = time.perf_counter() - t0
        torch.save(net.state_dict(), tmp / "resnet_sd.pt")
        np.savez(tmp / "images.npz", x_train=x[:cut], y_train=y[:cut], x_test=x[cut:],
                 y_test=y[cut:])
        data_mb = (tmp / "images.npz").stat().st_size / 2**20
        del x, y, net
        cmd = [sys.executable, "-c", _CHILD, "report", "--quiet", "--out", str(tmp / "rep"),
               "--model", str(tmp / "resnet_sd.pt"), "--model-factory",
               f"{tmp / 'bench_models.py'}:{factory}", "--dataset", str(tmp / "images.npz"),
               "--device", device]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"report failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        rss_gb = int(proc.stderr.rsplit("MAXRSS_KIB", 1)[1].split()[0]) / 2**20
        res = json.loads((tmp / "rep" / "results.json").read_text())
    secs = res["sections"]
    rows = "\n".join(f"| {k} | {v['status']} | {v['seconds']:.1f} |" for k, v in secs.items())
    n_par = secs["training"]["numbers"].get("n_parameters")
    ok = wall < 600 and rss_gb < 3
    reductions = "\n".join(f"  - {k}: {v}" for k, v in
                           res["model"]["activation_reductions"].items()) or "  - none reduced"
    per = secs["usable_information"]["numbers"].get("seconds", {})
    text = f"""## {n} images

- Data: {n} images of 3x32x32, {data_mb:.0f} MB as `.npz`, split 80/20 (the model trained on the
  80%, the split kept by the report as given).
- Model: {n_par} parameters, trained here for {epochs} epochs in {t_train:.0f} s (not
  counted); test error {secs['training']['numbers']['test_error']:.3f}.
- Layers analysed: {', '.join(res['model']['layers_analysed'])}.
- Activations kept (at most 512 values per sample and layer):
{reductions}

**Whole report: {wall:.0f} s wall, peak RSS {rss_gb:.2f} GB** (target: under 600 s and
3 GB: {'met' if ok else 'NOT met'}).

| section | status | seconds |
|---|---|---|
{rows}

Per-layer section: linear probes {per.get('linear', 0):.1f} s, MLP probes
{per.get('mlp', 0):.1f} s, noisy-layer I(X;T+Z) {per.get('noisy', 0):.1f} s.
"""
    return text, ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", default="5000", help="number(s) of images, comma-separated")
    ap.add_argument("--arch", choices=("resnet18", "small"), default="resnet18")
    ap.add_argument("--widths", default="16,32,64", help="channels of --arch small")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "report_scale.md"))
    args = ap.parse_args()
    rm = _models()
    widths = tuple(int(w) for w in args.widths.split(","))
    blocks = [run_one(rm, int(n), args.arch, widths, args.epochs, args.device)[0]
              for n in args.n.split(",")]
    model = ("ResNet-18 (He et al. 2016; 7x7/2 convolution and 3x3/2 max-pool stem, four "
             "stages of two basic blocks with 64-512 channels, global average pooling; "
             "torchvision's module names), written out in tests/report/resnet_models.py "
             "because torchvision cannot be installed beside torch 2.13 here"
             if args.arch == "resnet18" else
             f"ResNet-style (stride-2 stem, 3 stages x 2 BasicBlocks, widths {widths}, global "
             "average pooling); not ResNet-18")
    text = f"""# `infolens report` at scale: {'ResNet-18' if args.arch == 'resnet18' else 'a small ResNet'} on 32x32 images

Produced by `benchmarks/report_scale.py --n {args.n} --arch {args.arch}` ({time.strftime('%Y-%m-%d %H:%M UTC',
time.gmtime())}).  Machine: {platform.machine()}, {os.cpu_count()} CPUs, shared with other
jobs while measured (wall times are therefore upper bounds), Python
{platform.python_version()}, torch {torch.__version__}, device `{args.device}`.

Data: digits upsampled to 32x32, 3 channels, random 0-2 px shifts and N(0, 0.05²) pixel
noise.  Model: {model}; loaded by the report as state dict + `--model-factory`.  Peak RSS
is the report process's own `ru_maxrss`.

What grows with n: the forward passes (batched) and the captured activations (at most
n x 512 values per layer).  The sections cap the rows they feed to the estimators whose
cost grows faster than n at 2000 (seeded subsets, stated on the page); the per-layer
noisy I(X;T) uses 1000.

""" + "\n".join(blocks)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_suffix(".md.partial")
    part.write_text(text)
    os.replace(part, out)
    print(text)


if __name__ == "__main__":
    main()
