"""`infolens report` on users' own models: architecture x save format, wall time and peak
memory per report (issue 15).

Each architecture is built and trained here on data made here, saved in every format the
architecture allows, and reported on by a child process (``infolens report --model ...``),
exactly as a user would run it:

- ``state dict + factory``: ``torch.save(model.state_dict())`` and ``--model-factory``;
- ``TorchScript``: ``torch.jit.save(torch.jit.script(model))`` (detected by content);
- ``torch.export``: ``torch.export.save`` of a program with a dynamic batch dimension;
- ``full pickle``: ``torch.save(model)`` with ``--trust-checkpoint``.

The architectures are the test suite's (``tests/report/test_model_forms.py`` and
``tests/report/resnet_models.py``): a small CNN with BatchNorm and pooling on the digits as
1x8x8 images; the ResNet-style network (BasicBlocks, projection shortcuts, global average
pooling) on the digits upsampled to 3x32x32; an LSTM and a TransformerEncoder on token
sequences whose label is "token 3 occurs".  Wall time is the child's whole run; peak memory
its ``ru_maxrss``.  A format the architecture does not allow is named with the error.

Run: ``python benchmarks/report_forms.py`` (writes ``benchmarks/results/report_forms.md``).
"""

from __future__ import annotations

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
RESULTS = ROOT / "benchmarks" / "results" / "report_forms.md"
_CHILD = ("import resource, runpy, sys\n"
          "sys.argv = ['infolens', *sys.argv[1:]]\n"
          "try:\n    runpy.run_module('infolens', run_name='__main__')\n"
          "finally:\n    print('MAXRSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
          " file=sys.stderr)\n")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # the full pickle refers to its classes by module name
    spec.loader.exec_module(mod)
    return mod


def _models_file(tmp: Path) -> Path:
    """The test suite's model definitions plus the ResNet-style factory, as one user file."""
    forms = _load("infolens_test_model_forms", ROOT / "tests" / "report" / "test_model_forms.py")
    text = forms.MODELS_PY + (
        "\n\nimport importlib.util as _u\n"
        f"_s = _u.spec_from_file_location('resnet_models', {str(ROOT / 'tests' / 'report' / 'resnet_models.py')!r})\n"
        "_rm = _u.module_from_spec(_s)\n_s.loader.exec_module(_rm)\n"
        "import sys as _sys\n_sys.modules.setdefault('resnet_models', _rm)  # a full pickle names it\n\n\n"
        "def make_resnet():\n    return _rm.SmallResNet(in_ch=3)\n")
    path = tmp / "user_models.py"
    path.write_text(text)
    return path


def _save_split(path: Path, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Save a seeded 80/20 split as ``x_train, y_train, x_test, y_test`` (the report keeps
    it as given) and return the training part, the only rows the model is trained on."""
    order = np.random.default_rng(0).permutation(len(x))
    cut = int(0.8 * len(x))
    tr, te = order[:cut], order[cut:]
    np.savez(path, x_train=x[tr], y_train=y[tr], x_test=x[te], y_test=y[te])
    return x[tr], y[tr]


def _data(tmp: Path):
    from sklearn.datasets import load_digits

    rm = sys.modules.get("resnet_models") or _load("resnet_models",
                                                   ROOT / "tests" / "report" / "resnet_models.py")
    d = load_digits()
    img = (d.images / 16).astype(np.float32)[:, None]
    x32, y32 = rm.digits32(None, channels=3)
    rng = np.random.default_rng(0)
    tok = rng.integers(0, 12, size=(1200, 10))
    lab = (tok == 3).any(axis=1).astype(np.int64)
    return rm, {"digits8": _save_split(tmp / "digits8.npz", img, d.target),
                "digits32": _save_split(tmp / "digits32.npz", x32, y32),
                "tokens": _save_split(tmp / "tokens.npz", tok, lab)}


ARCHS = (  # name, factory, data file, epochs
    ("CNN (BatchNorm, pooling), 1x8x8", "make_cnn", "digits8", 6),
    ("ResNet-style, 3x32x32", "make_resnet", "digits32", 3),
    ("LSTM, token sequences", "make_lstm", "tokens", 8),
    ("TransformerEncoder, token sequences", "make_transformer", "tokens", 8),
)


def _save_all(model, example: torch.Tensor, tmp: Path, stem: str) -> dict[str, tuple[list[str], str]]:
    """Each format: (extra CLI arguments, '' or why it is not available)."""
    out: dict[str, tuple[list[str], str]] = {}
    sd = tmp / f"{stem}_sd.pt"
    torch.save(model.state_dict(), sd)
    out["state dict + factory"] = (["--model", str(sd)], "")
    try:
        ts = tmp / f"{stem}_ts.bin"
        torch.jit.save(torch.jit.script(model), ts)
        out["TorchScript"] = (["--model", str(ts)], "")
    except Exception as exc:  # noqa: BLE001 - recorded in the table
        out["TorchScript"] = ([], f"torch.jit.script failed: {type(exc).__name__}")
    try:
        ep = torch.export.export(model, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},))
        pt2 = tmp / f"{stem}.pt2"
        torch.export.save(ep, pt2)
        out["torch.export"] = (["--model", str(pt2)], "")
    except Exception as exc:  # noqa: BLE001 - recorded in the table
        out["torch.export"] = ([], f"torch.export failed: {type(exc).__name__}")
    full = tmp / f"{stem}_full.pt"
    torch.save(model, full)
    out["full pickle"] = (["--model", str(full), "--trust-checkpoint"], "")
    return out


def _report(args: list[str], tmp: Path, data: str, tag: str, models: Path) -> tuple[float, float, dict]:
    out = tmp / f"rep_{tag}"
    cmd = [sys.executable, "-c", _CHILD, "report", "--quiet", "--force", "--out", str(out),
           "--dataset", str(tmp / f"{data}.npz"), *args]
    # the user's model code must be importable for the factory and the full pickle
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), str(models.parent), str(ROOT / "tests" / "report")]))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return wall, float("nan"), {"error": proc.stderr.strip().splitlines()[-1][:200]}
    rss = int(proc.stderr.rsplit("MAXRSS_KIB", 1)[1].split()[0]) / 2**20
    res = json.loads((out / "results.json").read_text())
    return wall, rss, res


def main() -> None:
    torch.set_num_threads(1)
    rows = []
    with tempfile.TemporaryDirectory(prefix="infolens-forms-") as tmp:
        tmp = Path(tmp)
        models_path = _models_file(tmp)
        mods = _load("user_models", models_path)
        rm, data = _data(tmp)
        for title, factory, dname, epochs in ARCHS:
            x, y = data[dname]
            net = rm.train(getattr(mods, factory)(), x, y, epochs=epochs)
            saved = _save_all(net, torch.as_tensor(x[:4]), tmp, factory)
            for fmt, (args, why) in saved.items():
                if why:
                    rows.append((title, fmt, None, None, why))
                    print(f"{title} | {fmt} | {why}", flush=True)
                    continue
                if fmt == "state dict + factory":
                    args = args + ["--model-factory", f"user_models:{factory}"]
                wall, rss, res = _report(args, tmp, dname, f"{factory}_{fmt.split()[0]}",
                                         models_path)
                if "error" in res:
                    cell = f"failed: {res['error']}"
                else:
                    st = [s["status"] for s in res["sections"].values()]
                    cell = ", ".join(f"{st.count(k)} {k}" for k in
                                     ("ok", "not_applicable", "unavailable", "saturated", "impossible",
                                      "failed") if st.count(k))
                    flagged = [k for k, s in res["sections"].items()
                               if s["status"] != "ok"]
                    if flagged:
                        cell += f" (not ok: {', '.join(flagged)})"
                    cell += f"; layers: {', '.join(res['model']['layers_analysed'])}"
                rows.append((title, fmt, wall, rss, cell))
                print(f"{title} | {fmt} | {wall:.1f} s | {rss:.2f} GB | {cell}", flush=True)
    lines = [
        "# `infolens report` on users' own models: architecture x format",
        "",
        f"Produced by `benchmarks/report_forms.py` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). "
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, shared with other jobs (wall "
        f"times are upper bounds); Python {platform.python_version()}, torch {torch.__version__}, CPU. "
        "Data made here: the digits (1,797 images) as 1x8x8 and, bilinearly upsampled, as "
        "3x32x32; 1,200 token sequences of length 10 labelled by whether token 3 occurs. "
        "Each set is split 80/20 (seeded); the model is trained on the 80% only and the "
        "`.npz` holds the split (`x_train`, ..., `y_test`), which the report keeps as given. "
        "Each report is one child process (`infolens report --model ... --dataset ...`); "
        "wall time is its whole run, peak memory its `ru_maxrss`.",
        "",
        "| architecture | format | wall (s) | peak RSS (GB) | section statuses; layers analysed |",
        "|---|---|---:|---:|---|",
    ]
    for title, fmt, wall, rss, cell in rows:
        w = "-" if wall is None else f"{wall:.1f}"
        r = "-" if rss is None else f"{rss:.2f}"
        lines.append(f"| {title} | {fmt} | {w} | {r} | {cell} |")
    lines += ["", "TorchScript modules take no forward hooks: a TorchScript archive's layers are "
              "analysed when its top-level submodules, run one after another (a flatten "
              "before a Linear where needed), reproduce its output (the CNN and the "
              "ResNet-style network, whose layers are then those top-level submodules); "
              "otherwise (the LSTM's and the Transformer's forwards do more than chain them: "
              "a mean over positions) the outputs of the submodules its forward calls at top "
              "level, and of the items of a ModuleList it loops over, are read off a copy of "
              "its compiled forward graph, used only when that copy reproduces the model's "
              "output (checked on three samples). Modules nested inside a called submodule "
              "are not reached that way. The sections not ok are "
              "named in each row; each page says why. `impossible` "
              "would mark a value no true quantity can take; `saturated` a binned estimate "
              "pinned at log2(n)."]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
