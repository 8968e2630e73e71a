"""``infolens report``: data → model → analyses → ``index.html`` + ``results.json`` + PNGs.

The output directory appears only when the report is complete: everything is written to a
hidden temporary directory next to the target and renamed into place at the end, so an
interrupted run never leaves a half-written report that looks finished.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .sections import SECTIONS, Context, Section, run_section

__all__ = ["ReportConfig", "ReportOutcome", "build_report", "check_output_dir"]

_log = logging.getLogger(__name__)
_GENERATOR = "infolens report"


@dataclass
class ReportConfig:
    """Options of ``infolens report`` (see ``infolens report --help``)."""

    dataset: str = "digits"
    target: str | None = None
    model: str | None = None
    epochs: int = 60
    seed: int = 0
    estimator: str | None = None
    out: str = "infolens-report"
    force: bool = False
    quiet: bool = False
    dropout: float = 0.2
    hidden: tuple[int, ...] = (32, 16)
    lr: float = 3e-3
    batch_size: int = 64
    test_size: float = 0.2
    verify: bool = False
    sections: tuple[str, ...] | None = None

    def validate(self) -> None:
        """Raise :class:`InputError` for out-of-range options."""
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise InputError(f"--epochs must be a positive integer; got {self.epochs!r}.")
        if self.epochs > 100_000:
            raise InputError(f"--epochs {self.epochs} is unreasonably large; use at most 100000.")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"--seed must be a non-negative integer; got {self.seed!r}.")
        if not 0.0 <= self.dropout < 1.0:
            raise InputError(f"--dropout must lie in [0, 1); got {self.dropout!r}.")
        if not self.hidden or any(h < 1 for h in self.hidden):
            raise InputError(f"--hidden must list positive layer widths; got {self.hidden!r}.")
        if self.sections is not None:
            known = {k for k, _, _ in SECTIONS}
            bad = [s for s in self.sections if s not in known]
            if bad:
                raise InputError(f"--sections: unknown {bad}; choose from {sorted(known)}.")


@dataclass
class ReportOutcome:
    """What a report run produced."""

    out: Path
    sections: list[Section] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[str]:
        return [s.key for s in self.sections if s.status == "failed"]


def _is_previous_report(path: Path) -> bool:
    try:
        meta = json.loads((path / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("generator") == _GENERATOR


def check_output_dir(out: str | Path, force: bool) -> Path:
    """Validate ``--out`` before any work is done.

    An existing non-empty directory is replaced only with ``force`` *and* only when it holds
    a previous infolens report (``results.json`` written by ``infolens report``): ``--force``
    never deletes an unrelated directory.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {out}: a file with that name exists; choose a directory name.")
    if path.is_dir() and any(path.iterdir()):
        if not force:
            raise InputError(f"--out {out}: the directory exists and is not empty; pass --force to "
                             "replace a previous report there, or choose another --out.")
        if not _is_previous_report(path):
            raise InputError(f"--out {out}: the directory is not an infolens report (no "
                             "results.json written by infolens report); --force only replaces "
                             "previous reports. Choose an empty or new directory.")
    parent = path.absolute().parent
    if parent.exists() and not os.access(parent, os.W_OK):
        raise InputError(f"--out {out}: cannot write into {parent}; choose a writable location.")
    return path


def _versions() -> dict[str, str]:
    import numpy

    from .._version import __version__

    out = {"infolens": __version__, "python": platform.python_version(), "numpy": numpy.__version__}
    try:
        import torch

        out["torch"] = torch.__version__
    except ImportError:  # pragma: no cover
        pass
    return out


def _write_atomic(out: Path, files: dict[str, bytes], force: bool) -> None:
    """Write ``files`` into a temp dir next to ``out`` and rename it into place."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    old: Path | None = None
    try:
        for rel, data in files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        os.chmod(tmp, 0o755)
        if out.exists():
            if any(out.iterdir()):
                if not (force and _is_previous_report(out)):  # re-checked: it may have changed
                    raise InputError(f"--out {out}: the directory was filled while the report ran; "
                                     "nothing was replaced.")
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
                os.rename(out, old / "report")
            else:
                out.rmdir()
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.rename(old / "report", out)  # put the previous report back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _jsonable(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, float):
        return float(obj)
    return obj


def build_report(config: ReportConfig) -> ReportOutcome:
    """Run the whole report and write it to ``config.out``.

    Raises
    ------
    InputError
        Bad options or input files (nothing is written).
    """
    from .model import require_torch

    t_start = time.perf_counter()
    config.validate()
    out = check_output_dir(config.out, config.force)
    torch = require_torch()
    # the models here are tiny: one thread avoids oversubscription, which on a shared 2-core
    # machine made training ~5x slower (measured: 25 s vs 4.6 s for 10 epochs of digits)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _build(config, out, t_start)
    finally:
        torch.set_num_threads(threads)


def _build(config: ReportConfig, out: Path, t_start: float) -> ReportOutcome:
    from .data import load_dataset
    from .model import (
        default_mlp,
        model_from_checkpoint,
        read_checkpoint,
        representation_layers,
        require_torch,
        train,
    )
    from .render import render_html

    torch = require_torch()
    # a refused checkpoint fails before the (slower) data loading
    checkpoint = None if config.model is None else read_checkpoint(config.model)
    data = load_dataset(config.dataset, target=config.target, seed=config.seed,
                        test_size=config.test_size)
    _log.info("dataset %s: %d train / %d test samples, %d features, %d classes", data.name,
              len(data.y_train), len(data.y_test), data.n_features, data.n_classes)
    torch.manual_seed(config.seed)
    if config.model is not None:
        model = model_from_checkpoint(checkpoint, config.model, data.n_features,
                                      data.n_classes, dropout=config.dropout)
        trained = False
    else:
        model = default_mlp(data.n_features, data.n_classes, hidden=config.hidden,
                            dropout=config.dropout)
        trained = True
    layers = representation_layers(model)
    params = _jsonable(asdict(config))
    ctx = Context(data=data, model=model, layers=layers, params=params, trained=trained,
                  progress=not config.quiet)
    from . import plane as plane_mod

    recorder = plane_mod.start(ctx, estimator=config.estimator, epochs=config.epochs)
    if trained:
        ctx.history = train(model, data.x_train, data.y_train, data.x_test, data.y_test,
                            epochs=config.epochs, seed=config.seed, lr=config.lr,
                            batch_size=config.batch_size, on_epoch=recorder,
                            progress=not config.quiet)
    elif recorder is not None:
        recorder(0)
    plane_mod.finish(ctx)
    model.eval()

    from tqdm.auto import tqdm

    selected = [s for s in SECTIONS if config.sections is None or s[0] in config.sections]
    sections: list[Section] = []
    for key, title, fn in tqdm(selected, desc="analyses", unit="section", disable=config.quiet,
                               leave=False):
        _log.info("section: %s", title)
        sections.append(run_section(key, title, fn, ctx))
    if config.verify:
        from .verify_section import verify_section

        sections.append(run_section("verify", "Claims of the source text, verified",
                                    verify_section, ctx))

    elapsed = time.perf_counter() - t_start
    files: dict[str, bytes] = {}
    for sec in sections:
        for fig in sec.figures:
            files[f"figures/{fig.name}.png"] = fig.png
    versions = _versions()
    created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    results = {
        "generator": _GENERATOR,
        "infolens_version": versions["infolens"],
        "created_utc": created,
        "seed": config.seed,
        "parameters": params,
        "versions": versions,
        "dataset": data.summary(),
        "model": {"layers_analysed": layers, "architecture": str(model),
                  "source": config.model or "default MLP trained here"},
        "sections": {s.key: s.to_dict() for s in sections},
        "failed_sections": [s.key for s in sections if s.status == "failed"],
        "seconds": round(elapsed, 2),
    }
    files["results.json"] = json.dumps(_jsonable(results), indent=2, allow_nan=False,
                                       ensure_ascii=False).encode("utf-8")
    subtitle = [
        f"Dataset: {data.name} — {len(data.y_train)} training / {len(data.y_test)} test samples, "
        f"{data.n_features} features, {data.n_classes} classes",
        "Model: " + (f"loaded from {config.model}" if config.model else
                     f"MLP {data.n_features}-" + "-".join(map(str, config.hidden)) +
                     f"-{data.n_classes} (tanh, dropout {config.dropout}) trained here "
                     f"for {config.epochs} epochs"),
        f"Seed {config.seed} · created {created} · {elapsed:.0f} s",
    ]
    footer = (f"infolens {versions['infolens']} · Python {versions['python']} · "
              f"numpy {versions['numpy']} · torch {versions.get('torch', '-')} · all numbers also "
              "in results.json")
    files["index.html"] = render_html("infolens report", subtitle, sections,
                                      footer).encode("utf-8")
    _write_atomic(out, files, config.force)
    _log.info("report written to %s in %.1f s", out, elapsed)
    return ReportOutcome(out=out, sections=sections, seconds=elapsed)
