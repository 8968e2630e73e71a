"""The report's model: the default MLP, its training loop, and safe checkpoint loading.

Torch is imported inside the functions, so ``import infolens.report`` works without it;
``infolens report`` then explains how to install it.
"""

from __future__ import annotations

import logging
import pickle
import warnings
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["default_mlp", "train", "load_model", "read_checkpoint", "model_from_checkpoint",
           "error_rate", "TrainingHistory",
           "representation_layers", "forward_layers", "require_torch"]

_log = logging.getLogger(__name__)

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


def error_rate(model: Any, x: np.ndarray, y: np.ndarray) -> float:
    """0-1 error of ``model`` (eval mode, no grad) on ``(x, y)``."""
    torch = require_torch()
    was_training = model.training
    model.eval()
    with torch.no_grad():
        pred = model(torch.as_tensor(x)).argmax(dim=1).numpy()
    model.train(was_training)
    return float(np.mean(pred != y))


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
    xt = torch.as_tensor(x_train)
    yt = torch.as_tensor(y_train)
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
            idx = perm[i : i + batch_size]
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


def _refuse(path: Path, why: str) -> InputError:
    return InputError(
        f"--model {path}: refused ({why}). infolens loads checkpoints with "
        "torch.load(..., weights_only=True), which reads tensors and torch.nn's built-in "
        "layers only and never runs code from the file. Save a state dict with "
        "torch.save(model.state_dict(), path) (for the default MLP) or the full model with "
        "torch.save(model, path) when it is built only from torch.nn layers."
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
            f"(expected keys fc1.weight, …, out.weight; found {list(state)[:6]}…). Save the "
            "full model with torch.save(model, path) instead."
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


def representation_layers(model: Any) -> list[str]:
    """Names of the modules whose outputs the report treats as representations T_l.

    The outputs of activation modules (tanh, ReLU, …) in forward order, then the last
    leaf module (the logits).
    """
    leaves = [(n, m) for n, m in model.named_modules() if n and not list(m.children())]
    names = [n for n, m in leaves if type(m).__name__ in _ACTIVATIONS]
    if leaves and leaves[-1][0] not in names:
        names.append(leaves[-1][0])
    return names


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
                store[name] = out.detach().reshape(out.shape[0], -1).numpy().copy()
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
