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

__all__ = ["ReportConfig", "ReportOutcome", "build_report", "check_output_dir",
           "clean_stale_temporaries"]

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


#: Files besides those listed in ``results.json`` that infolens itself adds to a report
#: directory (``infolens verify --html DIR``).
_OPTIONAL_FILES = ("verify.html",)


def _is_previous_report(path: Path) -> bool:
    try:
        meta = json.loads((path / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("generator") == _GENERATOR


def _report_files(path: Path) -> tuple[set[str], list[str], list[str]]:
    """What an earlier report in ``path`` consists of.

    Returns ``(files, missing, foreign)``: the relative paths infolens wrote there
    (``index.html``, ``results.json``, the figures ``results.json`` lists, and
    ``verify.html`` when present), the ones of those that are missing, and every other
    entry found in the directory (which ``--force`` must never delete).
    """
    meta = json.loads((path / "results.json").read_text(encoding="utf-8"))
    expected = {"index.html", "results.json"}
    for sec in (meta.get("sections") or {}).values():
        if isinstance(sec, dict):
            expected.update(str(f) for f in sec.get("figures") or [])
    found: set[str] = set()
    foreign: list[str] = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        if p.is_dir() and not p.is_symlink():
            if rel != "figures":
                foreign.append(rel + "/")
            continue
        if p.is_file() and not p.is_symlink() and (rel in expected or rel in _OPTIONAL_FILES):
            found.add(rel)
        else:
            foreign.append(rel)
    # a foreign folder's contents are not listed one by one
    dirs = [f for f in foreign if f.endswith("/")]
    foreign = [f for f in foreign if f.endswith("/") or not any(f.startswith(d) for d in dirs)]
    return found, sorted(expected - found), foreign


def _check_replaceable(path: Path, out: str | Path) -> None:
    """Raise :class:`InputError` unless ``path`` holds exactly a previous report."""
    if not _is_previous_report(path):
        raise InputError(f"--out {out}: the directory is not an infolens report (no "
                         "results.json written by infolens report); --force only replaces "
                         "previous reports. Choose an empty or new directory.")
    _, missing, foreign = _report_files(path)
    if foreign:
        shown = ", ".join(foreign[:8]) + (f" and {len(foreign) - 8} more" if len(foreign) > 8
                                          else "")
        raise InputError(f"--out {out}: the directory holds files that infolens report did not "
                         f"write ({shown}); --force never deletes those. Move them out of "
                         "the way or choose another --out.")
    if missing:
        raise InputError(f"--out {out}: the directory looks like an infolens report but lacks "
                         f"files a report writes ({', '.join(missing[:8])}); --force replaces "
                         "only complete previous reports. Delete it yourself if it is yours, "
                         "or choose another --out.")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except OSError:
        return True
    return True


def _stale_temporaries(path: Path) -> list[tuple[Path, str, int | None]]:
    """Hidden temporaries of earlier runs next to ``path``: ``(dir, kind, pid)``.

    ``kind`` is ``"partial"`` (a report being written) or ``"old"`` (a previous report being
    replaced); ``pid`` is the writer's process id, ``None`` for names written by infolens
    before 0.x recorded it.
    """
    parent = path.absolute().parent
    if not path.name or not parent.is_dir():
        return []
    out = []
    for kind in ("partial", "old"):
        for p in parent.glob(f".{path.name}.{kind}-*"):
            if not p.is_dir() or p.is_symlink():
                continue
            rest = p.name[len(f".{path.name}.{kind}-"):]
            head = rest.split("-", 1)[0]
            pid = int(head) if head.isdigit() and "-" in rest else None
            out.append((p, kind, pid))
    return out


def _only_report_content(tmp: Path, kind: str) -> bool:
    """Whether a temporary holds nothing but what the report writer puts there."""
    root = tmp / "report" if kind == "old" else tmp
    if kind == "old" and sorted(p.name for p in tmp.iterdir()) != ["report"]:
        return False
    if kind == "old" or (root / "results.json").exists():
        try:
            _, _, foreign = _report_files(root)
        except (OSError, ValueError):
            return False
        return not foreign
    # a partial directory is filled file by file: any subset of the report's files
    allowed = {"index.html", "results.json", *_OPTIONAL_FILES}
    for p in root.rglob("*"):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            return False
        if p.is_dir():
            if rel != "figures":
                return False
        elif not (rel in allowed or (rel.startswith("figures/") and rel.endswith(".png"))):
            return False
    return True


def clean_stale_temporaries(out: str | Path) -> list[str]:
    """Remove the temporaries a killed run (e.g. SIGKILL) left next to ``out``.

    A temporary is removed only when the process that made it is gone and it holds
    nothing but report files.  A previous report that was being replaced when the run
    died is put back at ``out`` when ``out`` does not exist.  Temporaries that cannot be
    removed safely are left alone and logged with what to do.  Returns one line per
    action taken (also logged).
    """
    path = Path(out)
    done: list[str] = []
    for tmp, kind, pid in _stale_temporaries(path):
        if pid is not None and (pid == os.getpid() or _pid_alive(pid)):
            continue  # a run in progress (or a reused process id): not ours to touch
        if pid is None or not _only_report_content(tmp, kind):
            msg = (f"{tmp} looks like a temporary left by an interrupted infolens report "
                   "but holds other files or predates this version; it was left in place — "
                   "delete it yourself if nothing is running.")
            _log.warning(msg)
            done.append(msg)
            continue
        if kind == "old" and not path.exists():
            os.rename(tmp / "report", path)
            shutil.rmtree(tmp, ignore_errors=True)
            msg = (f"restored the previous report at {path} from {tmp.name}, left by a run "
                   f"(process {pid}) that was killed while replacing it")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
            msg = f"removed {tmp.name}, left by an infolens report (process {pid}) that was killed"
        _log.warning(msg)
        done.append(msg)
    return done


def _cwd_inside(path: Path) -> bool:
    try:
        here = Path.cwd().resolve()
    except OSError:
        return False
    target = path.resolve()
    return here == target or target in here.parents


def check_output_dir(out: str | Path, force: bool) -> Path:
    """Validate ``--out`` before any work is done.

    An existing non-empty directory is replaced only with ``force`` *and* only when it holds
    a complete previous infolens report and nothing else (``index.html``, ``results.json``
    and the figures it lists; ``verify.html`` from ``infolens verify --html``): ``--force``
    never deletes a file the report did not write.  The output may not be the current
    directory or one containing it, and every existing part of its path must be a
    writable directory.  Temporaries left by a killed earlier run are cleaned up first
    (:func:`clean_stale_temporaries`).
    """
    path = Path(out)
    if str(out).strip() == "" or path.name in ("", ".", ".."):
        raise InputError(f"--out {out!r}: give the name of a report directory (e.g. --out "
                         "my-report), not the current or parent directory.")
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {out}: a file with that name exists; choose a directory name.")
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"--out {out}: {ancestor} is a file, so no directory can be made "
                         "inside it; choose another --out.")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(f"--out {out}: cannot write into {ancestor}; choose a writable "
                         "location.")
    if path.is_dir() and _cwd_inside(path):
        raise InputError(f"--out {out}: that is the current directory (or contains it), which "
                         "the report would replace under you; run from outside it, e.g. "
                         f"cd .. && infolens report --out {path.resolve().name} --force.")
    clean_stale_temporaries(path)
    if path.is_dir() and any(path.iterdir()):
        if not force:
            raise InputError(f"--out {out}: the directory exists and is not empty; pass --force to "
                             "replace a previous report there, or choose another --out.")
        _check_replaceable(path, out)
    return path


def _versions() -> dict[str, str]:
    import numpy

    from .. import __version__

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
    # the writer's pid in the names lets the next run tell a killed run's leftovers from a
    # run in progress (clean_stale_temporaries)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=parent))
    old: Path | None = None
    try:
        for rel, data in files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        os.chmod(tmp, 0o755)
        if out.exists():
            if any(out.iterdir()):
                if not force:  # re-checked: it may have changed while the report ran
                    raise InputError(f"--out {out}: the directory was filled while the report ran; "
                                     "nothing was replaced.")
                _check_replaceable(out, out)
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=parent))
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
