"""The report's model: the default MLP, its training loop, and loading user models safely.

Model files, told apart by their contents (the zip layout), not their suffix:

* a state dict (``torch.save(model.state_dict(), path)``) plus ``--model-factory
  MODULE:CALLABLE`` or ``path/to/file.py:CALLABLE``, user code that builds the
  architecture; the tensors are read with ``torch.load(weights_only=True)``;
* a state dict of infolens' default MLP (no factory needed);
* a TorchScript archive (``torch.jit.save``), read with ``torch.jit.load``;
* a ``torch.export`` program (``torch.export.save``, ``.pt2``), read with
  ``torch.export.load``;
* a full model of torch.nn layers (``torch.save(model, path)``), read with
  ``weights_only=True`` and torch.nn's classes allowed;
* any other full pickled model only with ``trust=True`` (``--trust-checkpoint``), which
  runs code from the file.

Torch is imported inside the functions, so ``import infolens.report`` works without it;
``infolens report`` then explains how to install it.
"""

from __future__ import annotations

import logging
import pickle
import sys
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["default_mlp", "train", "load_model", "read_checkpoint", "model_from_checkpoint",
           "error_rate", "predict_logits", "TrainingHistory", "LoadedModel", "load_user_model",
           "load_factory", "checkpoint_format", "check_model_fits", "resolve_device",
           "representation_layers", "chosen_layers", "forward_layers", "require_torch"]

_log = logging.getLogger(__name__)

#: Most hidden layers the report picks by itself (``--layers`` overrides).
MAX_DEFAULT_LAYERS = 5

_ACTIVATIONS = ("Tanh", "ReLU", "Sigmoid", "GELU", "ELU", "LeakyReLU", "SiLU", "Softplus",
                "Hardtanh", "ReLU6", "Mish")


def require_torch() -> Any:
    """Import torch or raise an :class:`InputError` telling how to install it."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is installed in the project venv
        raise InputError("infolens report trains and analyses PyTorch models and needs torch: "
                         "pip install 'infolens[torch]'.") from None
    return torch


def default_mlp(n_features: int, n_classes: int, *, hidden: tuple[int, ...] = (32, 16),
                dropout: float = 0.2) -> Any:
    """The built-in model: Linear → tanh → Dropout → Linear → tanh → Linear.

    Layer names (``fc1``, ``act1``, ``dropout``, ``fc2``, ``act2``, ``out``) are what the
    report shows.  tanh keeps activations bounded so binned information-plane estimates
    use a fixed, stated range.
    """
    torch = require_torch()
    nn = torch.nn
    layers: list[tuple[str, Any]] = []
    width = n_features
    for i, h in enumerate(hidden, start=1):
        layers.append((f"fc{i}", nn.Linear(width, h)))
        layers.append((f"act{i}", nn.Tanh()))
        if i == 1 and dropout > 0:
            layers.append(("dropout", nn.Dropout(dropout)))
        width = h
    layers.append(("out", nn.Linear(width, n_classes)))
    return nn.Sequential(OrderedDict(layers))


@dataclass
class TrainingHistory:
    """Per-epoch training loss and train/test error of the report's training run."""

    epochs: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    train_error: list[float] = field(default_factory=list)
    test_error: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "loss": self.loss, "train_error": self.train_error,
                "test_error": self.test_error, "seconds": self.seconds}


def _device_of(model: Any) -> Any:
    torch = require_torch()
    for t in model.parameters():
        return t.device
    for t in model.buffers():
        return t.device
    return torch.device("cpu")


def predict_logits(model: Any, x: np.ndarray, *, batch_size: int = 256,
                   device: Any = None) -> np.ndarray:
    """Outputs of ``model`` on ``x`` in eval mode, no grad, ``batch_size`` samples at a time,
    on ``device`` (default: where the model's parameters are)."""
    torch = require_torch()
    dev = _device_of(model) if device is None else torch.device(device)
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.no_grad():
            for i in range(0, len(x), batch_size):
                xb = torch.as_tensor(x[i : i + batch_size]).to(dev)
                out.append(model(xb).detach().float().cpu().numpy())
    finally:
        model.train(was_training)
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


def error_rate(model: Any, x: np.ndarray, y: np.ndarray, *, batch_size: int = 256) -> float:
    """0-1 error of ``model`` (eval mode, no grad, batched) on ``(x, y)``."""
    pred = predict_logits(model, x, batch_size=batch_size).argmax(axis=1)
    return float(np.mean(pred != y))


def resolve_device(name: str) -> str:
    """``"auto"`` → ``"cuda"`` when available, else ``"cpu"``; ``"cuda"`` without CUDA is an
    :class:`InputError` (``--device``)."""
    torch = require_torch()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        return "cpu"
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise InputError(f"--device {name}: CUDA is not available here (torch "
                             f"{torch.__version__}, torch.cuda.is_available() is False); use "
                             "--device cpu or --device auto.")
        return name
    raise InputError(f"--device {name!r}: choose auto, cpu or cuda.")


def train(model: Any, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
          y_test: np.ndarray, *, epochs: int, seed: int, lr: float = 3e-3,
          batch_size: int = 64, on_epoch: Any = None, progress: bool = True) -> TrainingHistory:
    """Train with Adam and cross-entropy; call ``on_epoch(epoch)`` after every epoch.

    ``on_epoch(0)`` is called before the first update so the information plane can start
    from the initialisation.  Mini-batches are drawn by a generator seeded with ``seed``.
    """
    import time

    from tqdm.auto import tqdm

    torch = require_torch()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    dev = _device_of(model)
    xt = torch.as_tensor(x_train).to(dev)
    yt = torch.as_tensor(y_train).to(dev)
    n = len(xt)
    hist = TrainingHistory()
    t0 = time.perf_counter()
    if on_epoch is not None:
        on_epoch(0)
    bar = tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress,
               leave=False)
    for epoch in bar:
        model.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, batch_size):
            idx = perm[i : i + batch_size].to(dev)
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        hist.epochs.append(epoch)
        hist.loss.append(total / n)
        hist.train_error.append(error_rate(model, x_train, y_train))
        hist.test_error.append(error_rate(model, x_test, y_test))
        bar.set_postfix(loss=f"{hist.loss[-1]:.3f}", test_err=f"{hist.test_error[-1]:.3f}")
        if on_epoch is not None:
            on_epoch(epoch)
    hist.seconds = time.perf_counter() - t0
    model.eval()
    return hist


def _safe_classes(torch: Any) -> list[type]:
    """torch.nn's own layer classes: the only objects a full-model checkpoint may contain."""
    nn = torch.nn
    out = []
    for name in dir(nn):
        obj = getattr(nn, name)
        if isinstance(obj, type) and issubclass(obj, nn.Module):
            out.append(obj)
    return out


_SAFE_WAYS = (
    "Safe ways to pass a model: (1) a state dict, torch.save(model.state_dict(), path), "
    "with --model-factory MODULE:CALLABLE or path/to/file.py:CALLABLE naming code that "
    "builds the architecture; (2) TorchScript, torch.jit.save(torch.jit.script(model), "
    "path); (3) torch.export, torch.export.save(torch.export.export(model, (example,), "
    "dynamic_shapes=...), 'model.pt2'); (4) a full model built only from torch.nn layers, "
    "torch.save(model, path). Only if you trust the file, --trust-checkpoint loads any "
    "pickled model, which runs code from the file."
)


def _refuse(path: Path, why: str) -> InputError:
    return InputError(
        f"--model {path}: refused ({why}). infolens loads checkpoints with "
        "torch.load(..., weights_only=True), which reads tensors and torch.nn's built-in "
        f"layers only and never runs code from the file. {_SAFE_WAYS}"
    )


def load_model(path: str | Path, n_features: int, n_classes: int, *, dropout: float = 0.2) -> Any:
    """Load a state dict of the default MLP or a full model made of torch.nn layers.

    Loading uses ``torch.load(path, weights_only=True)`` with torch.nn's built-in layer
    classes allowed; any other pickled object (for example a pickle posing as a
    checkpoint) is refused.  The model must accept ``n_features`` inputs and return
    ``n_classes`` logits.  A state dict does not record the dropout rate; ``dropout`` is
    used for it.

    Raises
    ------
    InputError
        Missing file, refused or unreadable checkpoint, or shapes that do not fit the data.
    """
    return model_from_checkpoint(read_checkpoint(path), path, n_features, n_classes,
                                 dropout=dropout)


def read_checkpoint(path: str | Path) -> Any:
    """``torch.load(path, weights_only=True)`` with torch.nn's layer classes allowed.

    Raises :class:`InputError` for a missing, unreadable or refused file (for example a
    pickle posing as a checkpoint); nothing in the file is ever executed.
    """
    torch = require_torch()
    path = Path(path)
    if not path.exists():
        raise InputError(f"--model {path}: no such file; pass a checkpoint saved with torch.save.")
    if path.is_dir():
        raise InputError(f"--model {path} is a directory; pass a checkpoint file.")
    try:
        with torch.serialization.safe_globals(_safe_classes(torch)), warnings.catch_warnings():
            # torch warns about the pickle protocol of foreign files before refusing them
            warnings.filterwarnings("ignore", message=".*pickle protocol.*")
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise _refuse(path, "it holds objects other than tensors and torch.nn layers: "
                      f"{first[:200]}") from None
    except (zipfile.BadZipFile, EOFError, RuntimeError, OSError, ValueError, AttributeError,
            TypeError, ImportError) as exc:
        raise _refuse(path, f"not a readable PyTorch checkpoint: {type(exc).__name__}: "
                      f"{str(exc)[:200]}") from None
    return obj


def model_from_checkpoint(obj: Any, path: str | Path, n_features: int, n_classes: int, *,
                          dropout: float = 0.2) -> Any:
    """Turn what :func:`read_checkpoint` returned into a model that fits the data."""
    torch = require_torch()
    path = Path(path)
    if isinstance(obj, torch.nn.Module):
        model = obj
    elif isinstance(obj, dict):
        state = obj
        for key in ("state_dict", "model_state_dict", "model"):
            if isinstance(state.get(key), dict):
                state = state[key]
                break
        if not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise _refuse(path, "the dict is not a state dict (name → tensor)")
        model = _mlp_from_state(state, path, n_features, n_classes, dropout)
    else:
        raise _refuse(path, f"it contains a {type(obj).__name__}, not a model or state dict")
    model.eval()
    try:
        with torch.no_grad():
            out = model(torch.zeros(2, n_features))
    except Exception as exc:
        raise InputError(
            f"--model {path}: the model does not accept the dataset's {n_features} features "
            f"({type(exc).__name__}: {str(exc)[:200]}); pass the dataset it was trained on."
        ) from None
    if tuple(out.shape) != (2, n_classes):
        raise InputError(
            f"--model {path}: the model returns outputs of shape {tuple(out.shape[1:])} per "
            f"sample but the dataset has {n_classes} classes; the model must return one "
            "logit per class."
        )
    return model


def _mlp_from_state(state: dict[str, Any], path: Path, n_features: int, n_classes: int,
                    dropout: float) -> Any:
    fcs = sorted((k for k in state if k.startswith("fc") and k.endswith(".weight")),
                 key=lambda k: int(k[2:].split(".")[0]) if k[2:].split(".")[0].isdigit() else 0)
    if "out.weight" not in state or not fcs:
        raise InputError(
            f"--model {path}: this state dict does not belong to infolens' default MLP "
            f"(expected keys fc1.weight, …, out.weight; found {list(state)[:6]}…). A state "
            "dict holds weights only: pass --model-factory MODULE:CALLABLE or "
            "path/to/file.py:CALLABLE naming the code that builds its architecture."
        )
    hidden = tuple(int(state[k].shape[0]) for k in fcs)
    in_dim = int(state[fcs[0]].shape[1])
    if in_dim != n_features:
        raise InputError(f"--model {path}: the network takes {in_dim} inputs but the dataset has "
                         f"{n_features} features; pass the dataset it was trained on.")
    # a state dict does not record the dropout rate (no parameters): use the stated one
    model = default_mlp(in_dim, int(state["out.weight"].shape[0]), hidden=hidden, dropout=dropout)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise InputError(f"--model {path}: the state dict does not fit the default MLP: "
                         f"{str(exc)[:300]}") from None
    return model


def checkpoint_format(path: str | Path) -> str:
    """What a model file holds, from its contents: ``"torchscript"``, ``"export"``,
    ``"pickle"`` (``torch.save``'s zip format: a state dict or a full model) or
    ``"legacy"`` (not a zip archive: torch's old format or a bare pickle)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return "legacy"
    if any(n.endswith(("models/model.json", "serialized_exported_program.json"))
           or n.endswith("/archive_format") for n in names):
        return "export"
    if any("/code/" in n and n.endswith(".py") for n in names) or any(
            n.endswith("/constants.pkl") for n in names):
        return "torchscript"
    return "pickle"


@contextmanager
def _imports_from(folder: Path) -> Iterator[None]:
    """``folder`` first on ``sys.path`` while the user's code is imported, as ``python
    file.py`` would put the file's folder (and ``python -m`` the working directory): a
    models file may import its sibling modules.  ``sys.path`` is restored afterwards."""
    saved = list(sys.path)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path[:] = saved


def load_factory(spec: str) -> Any:
    """The callable named by ``--model-factory``: ``MODULE:CALLABLE`` (a module importable
    from the working directory or the installed packages) or ``path/to/file.py:CALLABLE``
    (a file of user code, which is executed, and may import modules beside it)."""
    import importlib
    import importlib.util

    where = f"--model-factory {spec}"
    if ":" not in spec:
        raise InputError(f"{where}: expected MODULE:CALLABLE or path/to/file.py:CALLABLE "
                         "(e.g. mypkg.models:build or models.py:make_cnn).")
    target, _, name = spec.rpartition(":")
    if not target or not name.isidentifier():
        raise InputError(f"{where}: expected MODULE:CALLABLE or path/to/file.py:CALLABLE; "
                         f"{name!r} is not a Python name.")
    try:
        if target.endswith(".py") or "/" in target or "\\" in target:
            file = Path(target)
            if not file.is_file():
                raise InputError(f"{where}: no such file {target}.")
            mod_name = f"_infolens_factory_{abs(hash(str(file.resolve())))}"
            spec_ = importlib.util.spec_from_file_location(mod_name, file)
            if spec_ is None or spec_.loader is None:
                raise InputError(f"{where}: cannot import {target} as Python code.")
            module = importlib.util.module_from_spec(spec_)
            with _imports_from(file.resolve().parent):
                spec_.loader.exec_module(module)
        else:
            with _imports_from(Path.cwd()):
                module = importlib.import_module(target)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{where}: importing {target} failed ({type(exc).__name__}: "
                         f"{str(exc)[:300]}).") from None
    fn = getattr(module, name, None)
    if fn is None or not callable(fn):
        names = sorted(n for n in dir(module) if not n.startswith("_")
                       and callable(getattr(module, n)))
        raise InputError(f"{where}: {target} has no callable {name!r}; it has {names[:12]}.")
    return fn


@dataclass
class LoadedModel:
    """A user model ready for the report.

    Attributes
    ----------
    module : torch.nn.Module
    format : str
        How it was read (``"state dict + factory"``, ``"TorchScript"``, …).
    hookable : bool
        Whether forward hooks see its layers (not for TorchScript).
    note : str
        One sentence for the page.
    state : dict, optional
        A state dict of the default MLP, built once the data are known.
    """

    module: Any
    format: str
    hookable: bool = True
    note: str = ""
    state: Any = None
    type_names: dict[str, str] = field(default_factory=dict)


def _call_factory(fn: Any, spec: str) -> Any:
    torch = require_torch()
    where = f"--model-factory {spec}"
    try:
        model = fn()
    except Exception as exc:
        raise InputError(f"{where}: calling it raised {type(exc).__name__}: {str(exc)[:300]} "
                         "(the factory is called with no arguments and must return the "
                         "untrained torch.nn.Module).") from None
    if not isinstance(model, torch.nn.Module):
        raise InputError(f"{where}: it returned a {type(model).__name__}, not a "
                         "torch.nn.Module; return the model (e.g. return MyNet()).")
    return model


#: What usually put a prefix before every key of a saved state dict.
_WRAPPERS = {"module.": "DataParallel / DistributedDataParallel",
             "_orig_mod.": "torch.compile"}


def _strip_wrapper_prefix(state: dict[str, Any], own: Any) -> tuple[dict[str, Any], str]:
    """``state`` with the dotted prefix shared by all its keys removed, when that makes its
    keys exactly those of the model (``own``): the keys of a model saved from inside a
    wrapper (``module.`` of DataParallel, ``_orig_mod.`` of torch.compile, ``model.`` or any
    attribute name of a LightningModule).  Otherwise ``state`` itself and ``""``."""
    keys = list(state)
    want = set(own)
    prefix = ""
    while True:
        rest = keys[0][len(prefix):]
        head = rest.split(".", 1)[0] + "." if "." in rest else ""
        if not head or not all(k.startswith(prefix + head) for k in keys):
            return state, ""
        prefix += head
        stripped = {k[len(prefix):]: v for k, v in state.items()}
        if set(stripped) == want:
            return stripped, prefix


def _fitting_subtree(state: dict[str, Any], own: Any) -> tuple[dict[str, Any], str, list[str]]:
    """The keys under one top-level name whose remainders are exactly the model's keys (a
    LightningModule checkpoint: the network under ``model.``, beside a loss's or a metric's
    buffers), with the prefix and the keys left out; ``({}, "", [])`` when no name, or
    more than one, fits."""
    fits = []
    for head in sorted({k.split(".", 1)[0] for k in state if "." in k}):
        sub = {k[len(head) + 1:]: v for k, v in state.items() if k.startswith(head + ".")}
        if set(sub) == set(own):
            fits.append((sub, head + "."))
    if len(fits) != 1:
        return {}, "", []
    sub, prefix = fits[0]
    return sub, prefix, [k for k in state if not k.startswith(prefix)]


def _load_state(model: Any, state: dict[str, Any], path: Path, spec: str) -> str:
    """Load ``state`` into ``model`` strictly; returns a note when a wrapper's key prefix
    had to be removed first (:func:`_strip_wrapper_prefix`) or only one submodule's keys
    fit (:func:`_fitting_subtree`), else ``""``.

    Raises
    ------
    InputError
        Keys missing or unexpected after that (both listed), or tensors of other shapes.
    """
    torch = require_torch()
    own = model.state_dict()
    note = ""
    if set(state) != set(own):
        stripped, prefix = _strip_wrapper_prefix(state, own)
        if prefix:
            known = [w for p, w in _WRAPPERS.items() if p in prefix]
            note = (f"the prefix '{prefix}' shared by every saved key was removed"
                    + (f" (saved from inside {' and '.join(known)})" if known else
                       " (saved from inside a wrapper, e.g. a LightningModule)"))
            state = stripped
        else:
            sub, prefix, rest = _fitting_subtree(state, own)
            if prefix:
                note = (f"only the keys under '{prefix}' were loaded, the one part of the "
                        f"checkpoint that fits the model exactly; {len(rest)} other saved "
                        f"key(s) not used: {', '.join(rest[:6])}"
                        + (", …" if len(rest) > 6 else ""))
                state = sub
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    if missing or unexpected:
        def show(keys: list[str]) -> str:
            return ", ".join(keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10
                                           else "")

        raise InputError(
            f"--model {path}: the state dict does not fit the model built by --model-factory "
            f"{spec}: " + "; ".join(
                part for part in (f"missing keys: {show(missing)}" if missing else "",
                                  f"unexpected keys: {show(unexpected)}" if unexpected else "")
                if part) + ". Pass the factory of the architecture the weights were saved from.")
    wrong = [f"{k} {tuple(state[k].shape)} (model: {tuple(own[k].shape)})" for k in own
             if isinstance(state[k], torch.Tensor) and tuple(state[k].shape) != tuple(own[k].shape)]
    if wrong:
        raise InputError(f"--model {path}: the state dict's tensors have other shapes than the "
                         f"model built by --model-factory {spec}: {', '.join(wrong[:6])}.")
    model.load_state_dict(state, strict=True)
    return note


def _unwrap_state(obj: Any) -> tuple[Any, str]:
    """The state dict in a checkpoint (itself, or its ``state_dict``, ``model_state_dict``
    or ``model`` entry) and the entry's name (``""`` for the object itself)."""
    torch = require_torch()
    if not isinstance(obj, dict):
        return None, ""
    state, entry = obj, ""
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(state.get(key), dict):
            state, entry = state[key], key
            break
    if state and all(isinstance(v, torch.Tensor) for v in state.values()):
        return state, entry
    return None, ""


def load_user_model(path: str | Path, *, factory: str | None = None,
                    trust: bool = False) -> LoadedModel:
    """Read a model file in any of the forms listed in this module's docstring.

    Raises
    ------
    InputError
        Missing or unreadable file, a refused pickle (with the safe ways to save a model),
        a factory that fails or returns a non-Module, a state dict whose keys or shapes do
        not fit the factory's model (keys listed).
    """
    torch = require_torch()
    path = Path(path)
    if not path.exists():
        raise InputError(f"--model {path}: no such file; pass a model saved with torch.save, "
                         "torch.jit.save or torch.export.save.")
    if path.is_dir():
        raise InputError(f"--model {path} is a directory; pass a model file.")
    kind = checkpoint_format(path)
    if factory is not None and kind in ("torchscript", "export"):
        raise InputError(f"--model-factory {factory}: {path} is a "
                         f"{'TorchScript archive' if kind == 'torchscript' else 'torch.export program'}"
                         ", which carries its own architecture; drop --model-factory.")
    if kind == "torchscript":
        try:
            module = torch.jit.load(str(path), map_location="cpu")
        except Exception as exc:
            raise InputError(f"--model {path}: not a readable TorchScript archive "
                             f"({type(exc).__name__}: {str(exc)[:200]}).") from None
        return LoadedModel(module, "TorchScript", hookable=False, note=(
            "a TorchScript archive (torch.jit.load); TorchScript runs its layers inside its own "
            "interpreter, so their outputs cannot be observed and only the model's output is "
            "analysed; save a state dict with --model-factory, or a torch.export program, "
            "for per-layer analyses"))
    if kind == "export":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                program = torch.export.load(str(path))
        except Exception as exc:
            raise InputError(f"--model {path}: not a readable torch.export program "
                             f"({type(exc).__name__}: {str(exc)[:200]}).") from None
        try:
            module = torch.export.unflatten(program)
            hookable = True
            how = "torch.export.load, layers restored with torch.export.unflatten"
        except Exception:  # pragma: no cover - depends on the program
            module = program.module()
            hookable = False
            how = "torch.export.load; its layers could not be restored, only the output is analysed"
        types: dict[str, str] = {}
        for node in program.graph.nodes:  # the original layer classes, for the layer choice
            for path_, cls in (node.meta.get("nn_module_stack") or {}).values():
                name = cls if isinstance(cls, str) else getattr(cls, "__name__", str(cls))
                types[str(path_).replace("L['self'].", "")] = name.rsplit(".", 1)[-1]
        return LoadedModel(module, "torch.export", hookable=hookable,
                           note=f"a torch.export program ({how})", type_names=types)
    if trust and factory is None:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=False)
        except Exception as exc:
            raise InputError(f"--model {path}: torch.load failed ({type(exc).__name__}: "
                             f"{str(exc)[:200]}).") from None
    else:
        obj = read_checkpoint(path)
    if isinstance(obj, torch.nn.Module):
        if factory is not None:
            raise InputError(f"--model-factory {factory}: {path} holds a full model, not a "
                             "state dict; drop --model-factory.")
        fmt = "full model (trusted pickle)" if trust else "full model of torch.nn layers"
        return LoadedModel(obj, fmt, note=f"a {fmt} (torch.load"
                           + (", weights_only=False because --trust-checkpoint was given)"
                              if trust else ", weights_only=True)"))
    state, entry = _unwrap_state(obj)
    if state is None:
        raise _refuse(path, f"it contains a {type(obj).__name__}, not a model or a state dict "
                      "(name → tensor)")
    if factory is None:
        import re

        foreign = [k for k in state if not re.fullmatch(r"(fc\d+|out)\.(weight|bias)", k)]
        if foreign:
            raise InputError(
                f"--model {path}: a state dict holds weights only, and these ({', '.join(foreign[:6])}"
                f"{', …' if len(foreign) > 6 else ''}) are not infolens' default MLP; pass "
                "--model-factory MODULE:CALLABLE or path/to/file.py:CALLABLE naming the code "
                "that builds its architecture.")
        return LoadedModel(None, "state dict of the default MLP", state=state, note=(
            "a state dict of infolens' default MLP (torch.load, weights_only=True)"))
    model = _call_factory(load_factory(factory), factory)
    prefix_note = _load_state(model, state, path, factory)
    return LoadedModel(model, "state dict + factory", note=(
        "a state dict (torch.load, weights_only=True"
        + (f"; the checkpoint's '{entry}' entry" if entry else "")
        + f") loaded into the model built by {factory} (strict: every key of the model matched"
        + (f"; {prefix_note}" if prefix_note else "") + ")"))


def _first_layer_wants(model: Any) -> str:
    """What the model's first parameterised layer expects, in words (best effort)."""
    torch = require_torch()
    nn = torch.nn
    for name, m in model.named_modules():
        if isinstance(m, nn.Linear):
            return f"its first layer {name} (Linear) takes samples whose last axis has {m.in_features} values"
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            dims = {nn.Conv1d: "(C, L)", nn.Conv2d: "(C, H, W)", nn.Conv3d: "(C, D, H, W)"}[type(m)]
            return (f"its first layer {name} ({type(m).__name__}) takes samples of shape {dims} "
                    f"with C = {m.in_channels}")
        if isinstance(m, nn.Embedding):
            return (f"its first layer {name} (Embedding) takes integer token ids in "
                    f"[0, {m.num_embeddings})")
        if isinstance(m, (nn.LSTM, nn.GRU, nn.RNN)):
            return (f"its first layer {name} ({type(m).__name__}) takes sequences "
                    f"{'(L, ' if m.batch_first else '(batch second! '}{m.input_size}) per sample")
    return ""


def logits_of(out: Any) -> tuple[Any, str]:
    """The logits inside a model's output, and where they were found.

    A tensor is the logits itself; otherwise, in this order: a mapping's ``"logits"`` entry
    (a dict, or a Hugging Face ``ModelOutput``), an object's ``.logits`` attribute, the
    first element of a tuple or list.  Returns ``(None, "")`` when none is a tensor.
    """
    torch = require_torch()
    if isinstance(out, torch.Tensor):
        return out, ""
    if isinstance(out, Mapping) and isinstance(out.get("logits"), torch.Tensor):
        return out["logits"], f"the 'logits' entry of its {type(out).__name__} output"
    if isinstance(getattr(out, "logits", None), torch.Tensor):
        return out.logits, f"the .logits of its {type(out).__name__} output"
    if isinstance(out, (tuple, list)) and out and isinstance(out[0], torch.Tensor):
        return out[0], f"the first element of its {type(out).__name__} output"
    return None, ""


def _describe_output(out: Any) -> str:
    if isinstance(out, Mapping):
        return f"a {type(out).__name__} with keys {sorted(map(str, out))[:8]}"
    if isinstance(out, (tuple, list)):
        return f"a {type(out).__name__} of {len(out)} ({', '.join(type(o).__name__ for o in out[:4])})"
    return type(out).__name__


def read_logits_from_output(model: Any, x: np.ndarray, *, where: str) -> tuple[Any, str]:
    """A model whose forward returns a dict, a ``ModelOutput`` or a tuple gets a forward
    hook on the model itself that returns the logits inside it (:func:`logits_of`), so
    every analysis sees a tensor and the modules keep their names.  Returns the hook's
    handle (``None`` when the output is a tensor already; remove it when done, the
    model is the user's) and a sentence for the page.

    Raises
    ------
    InputError
        An output with no tensor to use as logits (its type and keys named), or a
        TorchScript model (no hooks) whose output is not a tensor.
    """
    torch = require_torch()
    model.eval()
    try:
        with torch.no_grad():
            out = model(torch.as_tensor(x[:2]).to(_device_of(model)))
    except Exception:  # check_model_fits reports a rejected input with its shape
        return None, ""
    if isinstance(out, torch.Tensor):
        return None, ""
    _, found = logits_of(out)
    if not found:
        raise InputError(
            f"{where}: the model returns {_describe_output(out)}, with no tensor of logits in "
            "it; return the logits as a tensor of shape (N, n_classes), as a dict's "
            "'logits' entry, or as the first element of a tuple.")
    if isinstance(model, torch.jit.ScriptModule):
        raise InputError(
            f"{where}: the TorchScript model returns {_describe_output(out)}, and a "
            "TorchScript model takes no hook to pick its logits; script a wrapper whose "
            "forward returns the logits tensor, or pass the weights with --model-factory.")

    def pick(_module: Any, _inputs: Any, output: Any) -> Any:
        return logits_of(output)[0]

    handle = model.register_forward_hook(pick)
    return handle, found


def _forward_signature(model: Any) -> str:
    import inspect

    try:
        return f"forward{inspect.signature(model.forward)}"
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return "forward(...)"


def check_model_fits(model: Any, x: np.ndarray, n_classes: int, *, where: str) -> None:
    """Run ``model`` on a few samples of ``x``: it must accept them and return one logit per
    class.  Batches of two sizes are tried, so a program exported for one batch size is
    caught here, not in the middle of the report."""
    torch = require_torch()
    dev = _device_of(model)
    model.eval()
    shape = tuple(x.shape[1:])
    for k in (2, 3):
        xb = torch.as_tensor(x[:k]).to(dev)
        try:
            with torch.no_grad():
                out = model(xb)
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            if "shape[0] to be equal to" in msg or "batch" in msg and "dynamic" in msg:
                raise InputError(
                    f"{where}: the model accepts only a fixed batch size ({msg[:200]}); "
                    "re-export it with a dynamic batch dimension, e.g. torch.export.export("
                    "model, (x,), dynamic_shapes=({0: torch.export.Dim('batch')},)).") from None
            if isinstance(exc, TypeError) and "required positional argument" in msg:
                raise InputError(
                    f"{where}: the model's forward takes more than one input "
                    f"({_forward_signature(model)}: {msg[:160]}); the report passes one tensor "
                    "per batch. Wrap it in a module whose forward(x) makes the other inputs, "
                    "e.g. return model(x, torch.ones_like(x)) for an attention mask.") from None
            kinds = sorted({str(t.dtype).replace("torch.", "") for t in model.parameters()
                            if t.is_floating_point()} - {"float32"})
            if x.dtype.kind == "f" and kinds:
                raise InputError(
                    f"{where}: the model's parameters are {', '.join(kinds)} but the data "
                    f"{x.dtype}, and it rejects them ({type(exc).__name__}: {msg[:160]}); the "
                    "report computes in float32: pass a float32 copy of the model "
                    "(copy.deepcopy(model).float(), or a factory that returns one).") from None
            wants = _first_layer_wants(model)
            raise InputError(
                f"{where}: the model rejects samples of shape {shape} ({x.dtype}) "
                f"({type(exc).__name__}: {msg[:200]})"
                + (f"; {wants}" if wants else "")
                + ". Pass --dataset data of the shape the model was trained on (samples "
                "first: x.shape == (N, *sample_shape)), or --standardize off/on to match "
                "its preprocessing.") from None
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (k, n_classes):
            got = tuple(out.shape[1:]) if isinstance(out, torch.Tensor) else type(out).__name__
            raise InputError(
                f"{where}: the model returns {got} per sample but the labels have "
                f"{n_classes} classes; the model must return one logit per class "
                f"(shape (N, {n_classes})), as a tensor, a dict's 'logits' entry or the first "
                "element of a tuple.")


def chosen_layers(model: Any, spec: tuple[str, ...], auto: list[str],
                  type_names: dict[str, str] | None = None) -> list[str]:
    """Resolve ``--layers``: each item a module name or a module type name (every module
    of that type), in the model's module order, with the logits layer (``auto[-1]``)
    added last when not named.

    Raises
    ------
    InputError
        An item that names no module and no module type (the message lists both), or an
        empty list.
    """
    mods = [(n, m) for n, m in model.named_modules() if n]
    tnames = {n: (type_names or {}).get(n, type(m).__name__) for n, m in mods}
    if not spec:
        raise InputError("--layers: give at least one module name or type.")
    picked: set[str] = set()
    for item in spec:
        if item in tnames:
            picked.add(item)
            continue
        of_type = {n for n, t in tnames.items() if t == item}
        if not of_type:
            raise InputError(
                f"--layers: {item!r} is neither a module name nor a module type of this model; "
                f"names: {', '.join(n for n, _ in mods)}; types: "
                f"{', '.join(sorted(set(tnames.values())))}.")
        picked |= of_type
    out = [n for n, _ in mods if n in picked]
    if auto and auto[-1] not in picked:
        out.append(auto[-1])  # the sections read the logits from the last layer
    return out


def representation_layers(model: Any, sample: Any = None, *,
                          type_names: dict[str, str] | None = None) -> list[str]:
    """Names of the modules whose outputs the report treats as representations T_l.

    The outputs of activation modules (tanh, ReLU, …) in forward order, then the layer
    that produces the logits.  With ``sample`` (a few inputs) the order and the choice come
    from one forward pass: only modules called once that return a tensor with one row per
    sample count (of a tuple output, like an LSTM's, its first element), and when the model
    has no activation modules the outputs of its top-level blocks (and of the items of a
    top-level ``ModuleList``) are used instead.  A block whose activation module
    runs more than once per pass (a residual block that reuses one ReLU) is represented by
    its own output.  When more than :data:`MAX_DEFAULT_LAYERS` hidden layers qualify, that
    many are kept at evenly spaced depths (the first and the last hidden one included);
    ``--layers`` chooses others.
    """
    leaves = [(n, m) for n, m in model.named_modules() if n and not list(m.children())]
    if sample is None:
        names = [n for n, m in leaves if type(m).__name__ in _ACTIVATIONS]
        if leaves and leaves[-1][0] not in names:
            names.append(leaves[-1][0])
        return names
    torch = require_torch()
    from ..nn.activations import first_tensor

    calls: dict[str, int] = {}
    order: list[str] = []
    shapes: dict[str, Any] = {}
    handles = []
    k = len(sample)
    mods = [(n, m) for n, m in model.named_modules() if n]
    try:
        for name, m in mods:
            def hook(_m: Any, _i: Any, out: Any, name: str = name) -> None:
                calls[name] = calls.get(name, 0) + 1
                if name not in order:
                    order.append(name)
                t = first_tensor(out)  # an LSTM's (output, state): its per-step outputs
                shapes[name] = tuple(t.shape) if t is not None else None
            handles.append(m.register_forward_hook(hook))
        model.eval()
        with torch.no_grad():
            out = model(torch.as_tensor(sample).to(_device_of(model)))
    finally:
        for h in handles:
            h.remove()
    types = dict(mods)
    tnames = {n: (type_names or {}).get(n, type(m).__name__) for n, m in mods}
    usable = [n for n in order if calls[n] == 1 and shapes[n] is not None
              and len(shapes[n]) >= 2 and shapes[n][0] == k]
    acts = [n for n in usable if tnames[n] in _ACTIVATIONS and not list(types[n].children())]
    # a block whose activation module runs more than once per pass (a residual block's
    # shared ReLU): its own output stands for it
    shared = {n for n in order if tnames[n] in _ACTIVATIONS and calls[n] > 1}
    blocks = [n for n in usable if list(types[n].children())
              and any(f"{n}.{c}" in shared for c, _ in types[n].named_children())]
    acts = [n for n in usable if n in set(acts) | set(blocks)]
    logits = [n for n in usable if shapes[n] == tuple(out.shape)]
    final = logits[-1] if logits else None
    if not acts:
        # the shallowest modules called: the top-level blocks, and the items of a
        # top-level ModuleList (which is never called itself), but nothing inside either
        top = {n for n in order if not any(a in calls for a in _ancestors(n))}
        acts = [n for n in usable if n in top and n != final and "Dropout" not in tnames[n]]
    names = [n for n in acts if n != final]
    if len(names) > MAX_DEFAULT_LAYERS:  # deep nets: a handful of depths, evenly spaced
        keep = np.unique(np.round(np.linspace(0, len(names) - 1, MAX_DEFAULT_LAYERS)))
        names = [names[int(i)] for i in keep]
    if final is not None:
        names.append(final)
    return names


def _ancestors(name: str) -> list[str]:
    """``"a.b.c"`` -> ``["a", "a.b"]``: the modules that contain module ``name``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def forward_layers(model: Any, x: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """Outputs of the named modules on ``x`` (eval mode, no grad), flattened per sample.

    Used only when ``infolens.nn.capture`` is not available.
    """
    torch = require_torch()
    mods = dict(model.named_modules())
    store: dict[str, np.ndarray] = {}
    handles = []
    try:
        for name in names:
            def hook(_m: Any, _i: Any, out: Any, name: str = name) -> None:
                t = out if isinstance(out, torch.Tensor) else out[0]  # an LSTM's outputs
                store[name] = t.detach().reshape(t.shape[0], -1).numpy().copy()
            handles.append(mods[name].register_forward_hook(hook))
        was = model.training
        model.eval()
        with torch.no_grad():
            model(torch.as_tensor(x))
        model.train(was)
    finally:
        for h in handles:
            h.remove()
    return {n: store[n] for n in names}
