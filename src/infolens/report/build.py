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
from .sections import MAX_LAYER_UNITS, SECTIONS, Context, Section, run_section

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
    model_factory: str | None = None
    trust_checkpoint: bool = False
    standardize: str = "auto"
    device: str = "auto"
    eval_batch_size: int = 256
    epochs: int | None = None  # None: 60 when the built-in model is trained
    seed: int = 0
    estimator: str | None = None
    out: str = "infolens-report"
    force: bool = False
    quiet: bool = False
    dropout: float = 0.2
    hidden: tuple[int, ...] | None = None  # None: (32, 16)
    lr: float = 3e-3
    batch_size: int = 64
    test_size: float = 0.2
    verify: bool = False
    sections: tuple[str, ...] | None = None
    layers: tuple[str, ...] | None = None  # module names or type names (--layers)
    history: str | None = None  # JSON lines written by InformationPlane(path=...)
    image_size: Any = None  # (H, W), N or "HxW": resize an image folder's images (--image-size)

    @property
    def train_epochs(self) -> int:
        return 60 if self.epochs is None else int(self.epochs)

    @property
    def mlp_hidden(self) -> tuple[int, ...]:
        return (32, 16) if self.hidden is None else tuple(self.hidden)

    def validate(self, *, loaded: bool = False) -> None:
        """Raise :class:`InputError` for out-of-range or contradictory options.

        ``loaded``: a model is given (``--model`` or a module from Python), so the options
        that only shape or train the built-in model are errors, not silently ignored.
        """
        if self.epochs is not None and (isinstance(self.epochs, bool) or not isinstance(
                self.epochs, int) or self.epochs < 1):
            raise InputError(f"--epochs must be a positive integer; got {self.epochs!r}.")
        if self.train_epochs > 100_000:
            raise InputError(f"--epochs {self.epochs} is unreasonably large; use at most 100000.")
        if loaded and self.epochs is not None:
            raise InputError(f"--epochs {self.epochs}: a loaded model is analysed as it is, not "
                             "trained, so --epochs would be ignored; drop it (it sets the "
                             "training of the built-in model only).")
        if loaded and self.hidden is not None:
            raise InputError("--hidden: a loaded model keeps its own architecture; drop "
                             "--hidden (it shapes the built-in model only).")
        if self.model_factory is not None and self.model is None:
            raise InputError(f"--model-factory {self.model_factory}: a factory builds the "
                             "architecture for the weights in --model PATH; pass --model too.")
        if self.trust_checkpoint and self.model is None:
            raise InputError("--trust-checkpoint applies to --model PATH only; pass --model or "
                             "drop it.")
        if self.standardize not in ("auto", "on", "off"):
            raise InputError(f"--standardize {self.standardize!r}: choose auto, on or off.")
        if self.device not in ("auto", "cpu", "cuda") and not str(self.device).startswith(
                "cuda:"):
            raise InputError(f"--device {self.device!r}: choose auto, cpu or cuda.")
        if isinstance(self.eval_batch_size, bool) or not isinstance(
                self.eval_batch_size, int) or self.eval_batch_size < 1:
            raise InputError(f"--batch-size must be a positive integer; got "
                             f"{self.eval_batch_size!r}.")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InputError(f"--seed must be a non-negative integer; got {self.seed!r}.")
        if not 0.0 <= self.dropout < 1.0:
            raise InputError(f"--dropout must lie in [0, 1); got {self.dropout!r}.")
        if self.hidden is not None and (not self.hidden or any(h < 1 for h in self.hidden)):
            raise InputError(f"--hidden must list positive layer widths; got {self.hidden!r}.")
        if self.image_size is not None:
            from .data import parse_image_size

            parse_image_size(self.image_size)
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


def build_report(config: ReportConfig | None = None, *, model: Any = None, data: Any = None,
                 **options: Any) -> ReportOutcome:
    """Run the whole report and write it to ``config.out``: the one entry point, for the
    command line and for Python.

    Parameters
    ----------
    config : ReportConfig, optional
        All options (``infolens report --help``); ``**options`` are the same fields given as
        keywords instead (``out="my-report"``, ``standardize="on"``, ``device="cpu"``, …).
    model : torch.nn.Module, optional
        Analyse this model (any architecture; it is not trained) instead of training the
        built-in MLP or reading ``config.model``.
    data : optional
        The data instead of ``config.dataset``: a tuple ``(x, y)`` of arrays or tensors
        (samples first, any sample shape), a map-style torch ``Dataset`` or a
        ``DataLoader`` yielding ``(inputs, labels)`` or dicts with one input and one label
        entry (``image``/``label``, ``input_ids``/``labels``, ...; labels may be one-hot
        rows), or a dataset name / path.  It is
        split 80/20 (stratified, seeded) like a file.  A model trained elsewhere should get
        the split it was trained with, ``((x_train, y_train), (x_test, y_test))``, kept as
        given: a random split of data the model has seen puts its training rows in the test
        part.

    Examples
    --------
    >>> from infolens.report import build_report          # doctest: +SKIP
    >>> build_report(model=my_cnn, data=(x, y), out="cnn-report", device="cpu")  # doctest: +SKIP

    Raises
    ------
    InputError
        Bad options, input files or data, or a model that does not fit the data (nothing
        is written).
    """
    from .model import require_torch

    if config is None:
        config = ReportConfig(**options)
    elif options:
        import dataclasses

        config = dataclasses.replace(config, **options)
    t_start = time.perf_counter()
    torch = require_torch()
    if model is not None and not isinstance(model, torch.nn.Module):
        raise InputError(f"model: expected a torch.nn.Module, got {type(model).__name__}; pass "
                         "a file path as ReportConfig(model=PATH) instead.")
    if model is not None and config.model is not None:
        raise InputError("model: pass a module or ReportConfig.model (a path), not both.")
    config.validate(loaded=model is not None or config.model is not None)
    out = check_output_dir(config.out, config.force)
    # the models here are tiny: one thread avoids oversubscription, which on a shared 2-core
    # machine made training ~5x slower (measured: 25 s vs 4.6 s for 10 epochs of digits)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    cleanups: list[Any] = []
    try:
        return _build(config, out, t_start, model, data, cleanups)
    finally:
        for undo in cleanups:
            undo()
        torch.set_num_threads(threads)


#: Said on the page when a model trained elsewhere is evaluated on a split made here.
SPLIT_WARNING = (
    "Test split: made here at random, but the model was trained elsewhere. If it was trained "
    "on any of these rows, its test error and every held-out number below are optimistic; "
    "give the split it was trained with (arrays x_train, y_train, x_test, y_test in the "
    ".npz, or data=((x_train, y_train), (x_test, y_test)) from Python).")


def _data_from_python(data: Any, config: ReportConfig) -> Any:
    from .data import arrays_from_torch, dataset_from_arrays, dataset_from_split, load_dataset

    if isinstance(data, (str, Path)):
        return load_dataset(str(data), target=config.target, seed=config.seed,
                            test_size=config.test_size, image_size=config.image_size)
    if config.image_size is not None:
        raise InputError("image_size: it resizes the images of an image folder; data given "
                         "as arrays or a torch Dataset are used as they are, so drop it.")
    if (isinstance(data, (tuple, list)) and len(data) == 2
            and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in data)):
        (xtr, ytr), (xte, yte) = data  # ((x_train, y_train), (x_test, y_test)): kept as given
        parts = [v.detach().cpu().numpy() if hasattr(v, "detach") else v
                 for v in (xtr, ytr, xte, yte)]
        return dataset_from_split(*parts, name="data=((x_train, y_train), (x_test, y_test))",
                                  where="data")
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
        try:
            import torch

            x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x
            y = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else y
        except ImportError:  # pragma: no cover
            pass
        where = "data=(x, y)"
    else:
        import torch

        if not isinstance(data, (torch.utils.data.Dataset, torch.utils.data.DataLoader)):
            raise InputError(f"data: expected (x, y) arrays, a split ((x_train, y_train), "
                             f"(x_test, y_test)), a torch Dataset or DataLoader, or a dataset "
                             f"name/path; got {type(data).__name__}.")
        where = f"data={type(data).__name__}"
        x, y = arrays_from_torch(data, where)
    return dataset_from_arrays(x, y, name=where, where=where, seed=config.seed,
                               test_size=config.test_size)


def _build(config: ReportConfig, out: Path, t_start: float, model_obj: Any = None,
           data_obj: Any = None, cleanups: list[Any] | None = None) -> ReportOutcome:
    from .data import flatten, load_dataset, standardise
    from .model import (
        LoadedModel,
        _mlp_from_state,
        check_model_fits,
        chosen_layers,
        default_mlp,
        load_user_model,
        read_logits_from_output,
        representation_layers,
        require_torch,
        resolve_device,
        train,
    )
    from .render import render_html

    torch = require_torch()
    cleanups = [] if cleanups is None else cleanups
    device = resolve_device(config.device)  # --device cuda without CUDA: before any work
    # a refused or unfitting model file fails before the (slower) data loading
    loaded: LoadedModel | None = None
    if model_obj is not None:
        scripted = isinstance(model_obj, torch.jit.ScriptModule)
        loaded = LoadedModel(model_obj, "torch.nn.Module passed from Python",
                             hookable=not scripted,
                             note=(f"a TorchScript module ({type(model_obj).__name__}) passed "
                                   "from Python" if scripted else
                                   f"a {type(model_obj).__name__} passed from Python"))
    elif config.model is not None:
        loaded = load_user_model(config.model, factory=config.model_factory,
                                 trust=config.trust_checkpoint)
    if data_obj is not None:
        data = _data_from_python(data_obj, config)
    else:
        data = load_dataset(config.dataset, target=config.target, seed=config.seed,
                            test_size=config.test_size, image_size=config.image_size)
    trained = loaded is None
    builtin = data_obj is None and config.dataset in ("digits", "tishby12")
    if config.standardize == "on" or (config.standardize == "auto" and trained and not builtin):
        data = standardise(data)
    _log.info("dataset %s: %d train / %d test %s, %d classes", data.name, len(data.y_train),
              len(data.y_test), data.shape_text(), data.n_classes)
    torch.manual_seed(config.seed)
    where = (f"--model {config.model} with --dataset {config.dataset}" if config.model else
             "model with data" if model_obj is not None else "model")
    if trained or (loaded is not None and loaded.state is not None):
        data = flatten(data, "the built-in MLP takes flat features")
    if loaded is None:
        model = default_mlp(data.n_features, data.n_classes, hidden=config.mlp_hidden,
                            dropout=config.dropout)
        layers_note = ""
    elif loaded.state is not None:
        model = _mlp_from_state(loaded.state, Path(str(config.model)), data.n_features,
                                data.n_classes, config.dropout)
        layers_note = ""
    else:
        model = loaded.module
        layers_note = "" if loaded.hookable else (
            f"The model is {loaded.note}, so no hidden layer can be analysed.")
    model.to(device)
    output_note = ""
    if not trained:
        handle, output_note = read_logits_from_output(model, data.x_train, where=where)
        if handle is not None:
            cleanups.append(handle.remove)  # the model is the user's: no hook left behind
        check_model_fits(model, data.x_train, data.n_classes, where=where)
    hook_model, chain_note = None, ""
    type_names = loaded.type_names if loaded is not None else None
    if layers_note and isinstance(model, torch.jit.ScriptModule):
        from .scripted import scripted_chain, scripted_taps

        model.eval()
        hook_model, chain_note = scripted_chain(model, data.x_train[:3])
        if hook_model is None:  # not a chain: read the submodules' outputs off its graph
            hook_model, taps_note = scripted_taps(model, data.x_train[:3])
            chain_note = taps_note if hook_model is not None else (
                f"{chain_note}; and {taps_note}")
        if hook_model is not None:
            layers_note = ""
            type_names = {n: str(getattr(m, "original_name", type(m).__name__))
                          for n, m in model.named_modules() if n}
            _log.info("TorchScript: %s", chain_note)
        else:
            layers_note = layers_note.rstrip(".") + f" (no layer chain either: {chain_note})."
    probe = model if hook_model is None else hook_model
    layers = [] if layers_note else representation_layers(probe, data.x_train[:2],
                                                           type_names=type_names)
    if config.layers is not None:
        if layers_note:
            raise InputError(f"--layers: {layers_note}")
        layers = chosen_layers(probe, config.layers, layers, type_names)
    if not layers_note and len(layers) < 2:
        layers_note = ("No hidden representation was found: the report looks for activation "
                       "modules (ReLU, tanh, …) or, failing those, the outputs of the model's "
                       "top-level blocks that return one tensor per sample.")
    params = _jsonable(asdict(config))
    params["device"] = device
    params["epochs"] = config.train_epochs if trained else None  # the epochs actually run
    ctx = Context(data=data, model=model, layers=layers, params=params, trained=trained,
                  progress=not config.quiet, layers_note=layers_note, hook_model=hook_model)
    from . import plane as plane_mod

    epochs = config.train_epochs
    if config.history is not None:  # the user's own training run drew the plane
        ctx.plane, recorder = plane_mod.from_history(config.history), None
        ctx.cache["plane_history"] = str(config.history)
    elif layers and (trained or config.estimator is not None):
        recorder = plane_mod.start(ctx, estimator=config.estimator, epochs=epochs)
    elif layers:  # a loaded model, no history, no --estimator: one noisy point per layer
        recorder = None
        ctx.cache["plane_noisy"] = True
    else:
        recorder, ctx.plane_note = None, layers_note
    if trained:
        ctx.history = train(model, data.x_train, data.y_train, data.x_test, data.y_test,
                            epochs=epochs, seed=config.seed, lr=config.lr,
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
    how_loaded = "" if loaded is None else loaded.note
    if hook_model is not None:  # a TorchScript chain: its layers are analysed after all
        how_loaded = how_loaded.split(";")[0] + "; " + chain_note
    if output_note:
        how_loaded += f"; {output_note} is taken as its logits"
    results = {
        "generator": _GENERATOR,
        "infolens_version": versions["infolens"],
        "created_utc": created,
        "seed": config.seed,
        "parameters": params,
        "versions": versions,
        "dataset": data.summary(),
        "model": {"layers_analysed": layers, "architecture": str(model),
                  "source": config.model or ("passed from Python" if model_obj is not None
                                             else "default MLP trained here"),
                  "format": loaded.format if loaded is not None else "built-in MLP",
                  "how_loaded": how_loaded,
                  "device": device,
                  "activation_reductions": dict(ctx.cache.get("reductions", {}))},
        "sections": {s.key: s.to_dict() for s in sections},
        "failed_sections": [s.key for s in sections if s.status == "failed"],
        "seconds": round(elapsed, 2),
    }
    files["results.json"] = json.dumps(_jsonable(results), indent=2, allow_nan=False,
                                       ensure_ascii=False).encode("utf-8")
    if loaded is None:
        model_line = (f"MLP {data.n_features}-" + "-".join(map(str, config.mlp_hidden))
                      + f"-{data.n_classes} (tanh, dropout {config.dropout}) trained here "
                      f"for {epochs} epochs")
    elif config.model:
        model_line = f"loaded from {config.model}: {how_loaded}"
    else:
        model_line = how_loaded
    subtitle = [
        f"Dataset: {data.name} — {len(data.y_train)} training / {len(data.y_test)} test samples, "
        f"{data.shape_text()}, {data.n_classes} classes",
        f"Data as the model saw it: {'; '.join(data.preprocessing) or 'the values as given'}",
        *([SPLIT_WARNING] if not ctx.test_unseen_by_model else []),
        f"Model: {model_line}; layers analysed: {', '.join(layers) or 'none (' + layers_note + ')'}",
        *([f"Activations kept per layer (at most {MAX_LAYER_UNITS} values per sample): "
           + "; ".join(f"{k}: {v}" for k, v in ctx.cache["reductions"].items())]
          if ctx.cache.get("reductions") else []),
        f"Seed {config.seed} · device {device} · created {created} · {elapsed:.0f} s",
    ]
    footer = (f"infolens {versions['infolens']} · Python {versions['python']} · "
              f"numpy {versions['numpy']} · torch {versions.get('torch', '-')} · all numbers also "
              "in results.json")
    files["index.html"] = render_html("infolens report", subtitle, sections,
                                      footer).encode("utf-8")
    _write_atomic(out, files, config.force)
    _log.info("report written to %s in %.1f s", out, elapsed)
    return ReportOutcome(out=out, sections=sections, seconds=elapsed)
