"""Capture the activations of chosen layers of a PyTorch model with forward hooks.

:func:`capture` runs a model over data in batches and returns, for every chosen module,
its output flattened to one row per sample.  It is the measurement step of everything in
:mod:`infolens.nn`: information-plane tracking, layer analyses and the report.

Guarantees
----------
* Layers are chosen by name (as in ``model.named_modules()``), by module type or by a
  predicate ``f(name, module) -> bool``; an unknown name fails before any forward pass,
  with the list of valid names.
* By default the model runs in eval mode under ``torch.no_grad()``; the training flag of
  every submodule and the grad mode are restored afterwards, also when it raises.
* Hooks are removed in a ``finally`` block, so none is left behind when the forward
  pass raises; nor is a file: with ``store=`` a folder, layers are written to temporary
  names and renamed to ``<layer>.bin`` only when the whole pass succeeded.
* Memory can stay bounded: ``store="memmap"`` writes activations to disk
  (``numpy.memmap`` files in a temporary directory) and ``reduce=`` folds batches into a
  streaming accumulator (an object with ``update(batch)`` and ``compute()``) instead of
  keeping them.
* Width can stay bounded: with ``max_units=k`` a layer whose output has more than ``k``
  values per sample is reduced batch by batch as it is captured (:func:`bounded_width`):
  a feature map ``(N, C, H, W, ...)`` with ``C <= k`` is averaged over its positions
  (global average pooling per channel); anything else wider than ``k`` is multiplied by a
  fixed random Gaussian matrix to ``k`` columns.  ``Captured.reductions`` says which.
  Memory is then at most ``N * k`` values per layer.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import tempfile
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .._validate import check_positive_int

__all__ = ["capture", "Captured", "select_layers", "layer_names", "bounded_width"]

@contextlib.contextmanager
def _preserved_modes(model: nn.Module) -> Iterator[None]:
    """Restore the training flag of every submodule and torch's grad mode on exit.

    Flags are saved per module (a Dropout left in eval inside a model in train mode stays
    so) and restored in a ``finally`` block, so an exception inside leaves the model as it
    was.  Used by :func:`capture`, the information plane and the PAC-Bayes certificates.
    """
    modes = [(m, m.training) for m in model.modules()]
    grad = torch.is_grad_enabled()
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode
        torch.set_grad_enabled(grad)


def layer_names(model: nn.Module) -> list[str]:
    """Names of all submodules of ``model`` (``model.named_modules()`` without the root)."""
    return [n for n, _ in model.named_modules() if n]


def select_layers(model: nn.Module, layers: Any = None) -> list[tuple[str, nn.Module]]:
    """Resolve a layer specification to ``(name, module)`` pairs, in a stable order.

    Parameters
    ----------
    model : torch.nn.Module
    layers : str, sequence of str, type, tuple of types, callable or None
        * a name or a list of names from ``model.named_modules()`` (kept in the given order);
        * a module class or tuple of classes, e.g. ``nn.Tanh`` (every submodule of that type,
          in ``named_modules`` order);
        * a predicate ``f(name, module) -> bool``;
        * ``None``: every leaf module (a module without children).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid names) or a selection that
        matches nothing.
    TypeError
        For a specification of another kind.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    named = [(n, m) for n, m in model.named_modules() if n]
    if not named:  # a single leaf module used as a whole model
        named = [("", model)]
    table = dict(named)
    if layers is None:
        chosen = [(n, m) for n, m in named if not any(True for _ in m.children())]
    elif isinstance(layers, str) or (
        isinstance(layers, Sequence) and layers and all(isinstance(s, str) for s in layers)
    ):
        wanted = [layers] if isinstance(layers, str) else list(layers)
        unknown = [w for w in wanted if w not in table]
        if unknown:
            raise ValueError(
                f"layers: unknown module name(s) {unknown}; valid names are "
                f"{[n for n, _ in named]} (from model.named_modules())."
            )
        if len(set(wanted)) != len(wanted):
            raise ValueError(f"layers: a name is repeated in {wanted}.")
        chosen = [(w, table[w]) for w in wanted]
    elif isinstance(layers, type) or (
        isinstance(layers, tuple) and layers and all(isinstance(t, type) for t in layers)
    ):
        chosen = [(n, m) for n, m in named if isinstance(m, layers)]
    elif callable(layers):
        chosen = [(n, m) for n, m in named if layers(n, m)]
    else:
        raise TypeError(
            "layers must be a module name, a list of names, a module type, a tuple of types, "
            f"a predicate f(name, module) -> bool or None; got {type(layers).__name__}."
        )
    if not chosen:
        raise ValueError(
            f"layers={layers!r} matches no submodule of {type(model).__name__}; valid names are "
            f"{[n for n, _ in named]}."
        )
    return chosen


class Captured(Mapping):
    """Activations captured from a model: a read-only mapping ``layer name -> array``.

    Each value is an array of shape ``(n_samples, n_features)`` (the module output
    flattened per sample), a ``numpy.memmap`` when stored on disk, or the fed
    accumulator when ``reduce=`` was an accumulator.

    Attributes
    ----------
    n : int
        Number of samples that went through the model.
    directory : str or None
        Folder holding the memmap files (``store="memmap"`` or a path), else None.  A
        temporary folder is deleted when this object is garbage collected or on
        :meth:`close`.
    reductions : dict
        ``layer -> sentence`` for each layer that ``max_units`` reduced (empty otherwise).
    """

    def __init__(self, data: dict[str, Any], n: int, directory: str | None,
                 tmp: tempfile.TemporaryDirectory | None,
                 reductions: dict[str, str] | None = None) -> None:
        self._data = data
        self.n = n
        self.directory = directory
        self._tmp = tmp
        self.reductions = dict(reductions or {})

    def __getitem__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(
                f"{key!r} was not captured; captured layers: {list(self._data)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def close(self) -> None:
        """Drop the arrays and delete a temporary memmap folder now."""
        self._data = {}
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __repr__(self) -> str:
        shapes = {k: getattr(v, "shape", type(v).__name__) for k, v in self._data.items()}
        where = f", on disk in {self.directory}" if self.directory else ""
        return f"Captured(n={self.n}, layers={shapes}{where})"


#: Said of a layer whose output was a tuple and whose first element was captured.
TUPLE_NOTE = ("first element of its tuple output (an LSTM's or GRU's per-step outputs, an "
              "attention layer's values)")


def first_tensor(output: Any) -> torch.Tensor | None:
    """The tensor a module's output stands for: the output itself, or the first element of
    a tuple or list output, as ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (``(output, h)``) and
    ``nn.MultiheadAttention`` (``(values, weights)``) return; ``None`` for anything else."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    return None


def bounded_width(out: torch.Tensor, max_units: int, name: str = "",
                  projections: dict[str, torch.Tensor] | None = None
                  ) -> tuple[torch.Tensor, str]:
    """Reduce one batch of a layer's output to at most ``max_units`` values per sample.

    The rule (the same for every batch, so rows stay comparable):

    1. at most ``max_units`` values per sample: unchanged (``""`` is returned as the note);
    2. a feature map of shape ``(b, C, d1, d2, ...)`` (4 or more axes, channels first as in
       ``Conv2d``/``BatchNorm2d``/pooling outputs) with ``C <= max_units``: the mean over
       the positions, one value per channel (global average pooling);
    3. otherwise (a wide vector, a sequence ``(b, L, D)`` whose layout is not known, or more
       channels than ``max_units``): ``flatten(out) @ R`` with ``R`` a fixed
       ``(width, max_units)`` matrix of independent N(0, 1/max_units) entries, seeded by
       the layer's name (CRC-32), so that every batch and every call uses the same ``R``.
       Squared distances between samples are kept in expectation (Johnson–Lindenstrauss):
       ``E||(a-b) R||^2 = ||a-b||^2``.

    Parameters
    ----------
    out : torch.Tensor, shape (b, ...)
    max_units : int
    name : str
        The layer's name (seeds ``R``).
    projections : dict, optional
        Cache of ``R`` per name, so it is drawn once per layer.

    Returns
    -------
    (reduced, note)
        ``reduced`` has shape ``(b, k)`` with ``k <= max_units`` (or the input flattened,
        when rule 1 applies); ``note`` says what was done ("" for rule 1).

    References
    ----------
    W. B. Johnson and J. Lindenstrauss, "Extensions of Lipschitz mappings into a Hilbert
    space", Contemp. Math. 26, 1984.  M. Lin, Q. Chen and S. Yan, "Network in network"
    (global average pooling), ICLR 2014.
    """
    b = int(out.shape[0])
    width = int(math.prod(out.shape[1:]))
    flat = out.reshape(b, -1)
    if width <= max_units:
        return flat, ""
    shape = tuple(int(v) for v in out.shape[1:])
    if not out.is_floating_point():
        out, flat = out.float(), flat.float()
    if out.ndim >= 4 and shape[0] <= max_units:
        pooled = out.mean(dim=tuple(range(2, out.ndim)))
        return pooled, (f"output {shape} averaged over its {width // shape[0]} positions: "
                        f"{shape[0]} channel means (global average pooling)")
    r = None if projections is None else projections.get(name)
    if r is None or r.shape[0] != width:
        gen = torch.Generator().manual_seed(zlib.crc32(name.encode("utf-8")))
        r = torch.randn(width, max_units, generator=gen) / math.sqrt(max_units)
        if projections is not None:
            projections[name] = r
    red = flat @ r.to(device=flat.device, dtype=flat.dtype)
    return red, (f"output {shape} ({width} values) projected to {max_units} by a fixed "
                 "random Gaussian matrix (distances kept in expectation)")


def _iter_batches(data: Any, batch_size: int) -> Iterator[torch.Tensor]:
    """Yield input batches from a tensor, an array, a tuple (inputs first) or a DataLoader."""
    if isinstance(data, np.ndarray):
        data = torch.from_numpy(data)
    if isinstance(data, (tuple, list)) and data and isinstance(data[0], (torch.Tensor, np.ndarray)):
        data = data[0] if isinstance(data[0], torch.Tensor) else torch.from_numpy(data[0])
    if isinstance(data, torch.Tensor):
        if data.ndim == 0:
            raise ValueError(
                "data: got a scalar tensor; pass a batch of samples (first axis = samples)."
            )
        for start in range(0, data.shape[0], batch_size):
            yield data[start:start + batch_size]
        return
    if isinstance(data, Iterable):
        for batch in data:
            if isinstance(batch, (tuple, list)):
                batch = batch[0]
            elif isinstance(batch, Mapping):
                if "input" not in batch and "x" not in batch:
                    raise ValueError(
                        "data: a batch is a dict without an 'input' or 'x' key; yield "
                        "(inputs, targets) tuples or tensors instead."
                    )
                batch = batch.get("input", batch.get("x"))
            if isinstance(batch, np.ndarray):
                batch = torch.from_numpy(batch)
            if not isinstance(batch, torch.Tensor):
                raise TypeError(f"data: a batch holds {type(batch).__name__}, expected a tensor.")
            yield batch
        return
    raise TypeError(
        f"data must be a tensor, an array, an (inputs, targets) tuple or a DataLoader; got "
        f"{type(data).__name__}."
    )


def _default_device(model: nn.Module) -> torch.device:
    for p in model.parameters():
        return p.device
    for b in model.buffers():
        return b.device
    return torch.device("cpu")


def capture(
    model: nn.Module,
    data: Any,
    layers: Any = None,
    *,
    batch_size: int = 1024,
    device: str | torch.device | None = None,
    train: bool = False,
    reduce: Any = None,
    store: str | os.PathLike | None = None,
    dtype: np.dtype | type | None = None,
    max_units: int | None = None,
) -> Captured:
    """Run ``model`` over ``data`` and return the outputs of the chosen layers, per sample.

    Parameters
    ----------
    model : torch.nn.Module
    data : tensor, ndarray, tuple or iterable of batches
        Inputs (first axis = samples), an ``(inputs, targets)`` tuple, or a DataLoader /
        iterable whose batches are tensors, tuples/lists with the inputs first, or dicts
        with an ``"input"`` or ``"x"`` key.
    layers : see :func:`select_layers`
        Which modules to capture (names, types, predicate; ``None`` = every leaf module).
    batch_size : int, default 1024
        Batch size when ``data`` is a tensor or array (ignored for a DataLoader).
    device : str or torch.device, optional
        Where the forward pass runs; default the device of the model's parameters.
    train : bool, default False
        Run in training mode (e.g. to see dropout act).  The mode of every submodule is
        restored afterwards either way.  Gradients are never recorded.
    reduce : accumulator or callable, optional
        * An object with ``update(batch)`` and ``compute()`` methods (a streaming
          accumulator such as :class:`infolens.estimate.streaming.MomentAccumulator`): a
          deep copy is made per layer and fed each batch of shape ``(b, n_features)``;
          the layer's value is that accumulator (call its ``compute()``, or read its
          state, e.g. ``covariance``).  Memory does not grow with the number of samples.
        * A callable ``f(batch) -> array`` applied to each batch (for example a
          quantiser returning small integer codes); the per-batch results are stacked.
    store : None, "memmap" or a folder path
        ``None`` keeps arrays in memory; ``"memmap"`` writes them to ``numpy.memmap``
        files in a temporary folder; a path writes them there (one raw file
        ``<layer>.bin`` per layer, replacing one of that name).  The files are written
        under temporary names and renamed at the end; when the call fails they are
        deleted (and the folder, if this call created it and it is empty), so no partial
        file is left and existing ones are untouched.
    dtype : numpy dtype, optional
        Cast activations to this dtype (default: the dtype the module produced).
    max_units : int, optional
        Keep at most this many values per sample and layer, reducing each batch as it is
        captured by the rule of :func:`bounded_width` (channel means of a feature map, else
        a fixed random projection); ``Captured.reductions`` records what was done.  With it
        memory grows as ``n_samples * max_units`` per layer, not with the layer's width.

    Returns
    -------
    Captured
        Mapping from layer name to an array of shape ``(n_samples, n_features)`` (or the
        fed accumulator / the stacked reducer output).

    Raises
    ------
    ValueError
        Unknown layer names (listed with the valid ones), a module called more than once
        per forward pass, a module whose output is not a tensor.

    Notes
    -----
    The output of module ``l`` for sample ``i`` becomes row ``i`` of ``out[l]``, flattened
    in C order (channels, then spatial positions for convolutions).  This is the
    representation ``T_l`` whose information about the input ``X`` and label ``Y`` the rest
    of :mod:`infolens.nn` measures.

    References
    ----------
    PyTorch documentation, ``torch.nn.Module.register_forward_hook``.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    >>> acts = capture(net, torch.zeros(10, 3), layers=["1"])
    >>> acts["1"].shape
    (10, 4)
    """
    chosen = select_layers(model, layers)
    batch_size = check_positive_int(batch_size, "batch_size")
    if max_units is not None:
        max_units = check_positive_int(max_units, "max_units")
    projections: dict[str, torch.Tensor] = {}
    reductions: dict[str, str] = {}
    if reduce is not None and store is not None:
        raise ValueError(
            "reduce and store cannot be combined: a reducer keeps no per-sample arrays."
        )
    is_acc = reduce is not None and hasattr(reduce, "update") and hasattr(reduce, "compute")
    if reduce is not None and not is_acc and not callable(reduce):
        raise TypeError(
            "reduce must be an accumulator with update()/compute() or a callable "
            f"f(batch) -> array; got {type(reduce).__name__}."
        )
    dev = torch.device(device) if device is not None else _default_device(model)

    tmp = None
    directory = None
    made_dir = False
    if store is not None:
        if store == "memmap":
            tmp = tempfile.TemporaryDirectory(prefix="infolens-capture-")
            directory = tmp.name
        else:
            directory = os.fspath(store)
            made_dir = not os.path.isdir(directory)
            os.makedirs(directory, exist_ok=True)

    names = [n for n, _ in chosen]
    current: dict[str, list[torch.Tensor]] = {n: [] for n in names}
    tupled: set[str] = set()  # layers whose tuple output was replaced by its first element

    def make_hook(name: str):
        def hook(_module, _inputs, output):
            out = first_tensor(output)
            if out is None:
                raise ValueError(
                    f"layer {name!r} returned {type(output).__name__}, not a tensor or a tuple "
                    "starting with one; capture a submodule that returns a tensor (e.g. the "
                    "last Linear inside it)."
                )
            if out is not output:
                tupled.add(name)
            # a copy: later in-place operations of the forward pass (``out += identity``
            # after a BatchNorm, an in-place ReLU) would otherwise change what was captured
            current[name].append(out.detach().clone())
        return hook

    accs = {n: copy.deepcopy(reduce) for n in names} if is_acc else None
    chunks: dict[str, list[np.ndarray]] = {n: [] for n in names}
    files: dict[str, Any] = {}
    meta: dict[str, tuple[np.dtype, int]] = {}
    n_total = 0

    handles = []
    ok = False
    try:
        for name, module in chosen:
            handles.append(module.register_forward_hook(make_hook(name)))
        with _preserved_modes(model), torch.no_grad():
            model.train(train)
            for xb in _iter_batches(data, batch_size):
                xb = xb.to(dev)
                model(xb)
                b = int(xb.shape[0])
                for name in names:
                    outs = current[name]
                    if len(outs) != 1:
                        raise ValueError(
                            f"layer {name!r} ran {len(outs)} times in one forward pass; per-sample "
                            "activations are ambiguous for a shared module. Capture a module that "
                            "runs once per pass."
                        )
                    out = outs[0]
                    outs.clear()
                    if out.ndim == 0 or out.shape[0] != b:
                        raise ValueError(
                            f"layer {name!r} produced shape {tuple(out.shape)} for a batch of {b}; "
                            "the first axis must be the sample axis."
                        )
                    if max_units is not None:
                        out, note = bounded_width(out, max_units, name, projections)
                        if note:
                            reductions[name] = note
                    arr = out.reshape(b, -1).cpu().numpy()
                    if dtype is not None:
                        arr = arr.astype(dtype, copy=False)
                    if accs is not None:
                        fed = accs[name].update(arr)
                        if fed is not None:  # accumulators may return the updated object
                            accs[name] = fed
                    elif reduce is not None:
                        red = np.asarray(reduce(arr))
                        if red.shape[:1] != (b,):
                            raise ValueError(
                                f"reduce returned shape {red.shape} for a batch of {b}; a callable "
                                "reducer must return one row per sample."
                            )
                        chunks[name].append(red)
                    elif directory is not None:
                        if name not in files:
                            # written under a temporary name, renamed once all went well:
                            # a failed call leaves no partial file and no older <layer>.bin
                            # is overwritten by one
                            safe = name.replace(os.sep, "_") or "model"
                            part = os.path.join(
                                directory, f"{safe}.bin.{os.getpid()}-{uuid.uuid4().hex[:8]}.partial"
                            )
                            files[name] = open(part, "xb")  # noqa: SIM115 - closed in finally
                            meta[name] = (arr.dtype, arr.shape[1])
                        files[name].write(np.ascontiguousarray(arr).tobytes())
                    else:
                        chunks[name].append(arr.copy())
                n_total += b
        if n_total == 0:
            raise ValueError("data yielded no samples.")
        for f in files.values():
            f.close()
        final: dict[str, str] = {}
        for name, f in files.items():
            safe = name.replace(os.sep, "_") or "model"
            final[name] = os.path.join(directory, f"{safe}.bin")
            os.replace(f.name, final[name])
        ok = True
    finally:
        for h in handles:
            h.remove()
        for lst in current.values():
            lst.clear()
        for f in files.values():
            f.close()
        if not ok:
            _remove_partial(files, directory if made_dir else None, tmp)

    result: dict[str, Any] = {}
    for name in names:
        if accs is not None:
            result[name] = accs[name]
        elif directory is not None and reduce is None:
            dt, d = meta[name]
            result[name] = np.memmap(final[name], dtype=dt, mode="r", shape=(n_total, d))
        else:
            result[name] = np.concatenate(chunks[name], axis=0)
    for name in tupled:
        reductions[name] = TUPLE_NOTE + (f"; then {reductions[name]}" if name in reductions
                                         else "")
    return Captured(result, n_total, directory, tmp, reductions)


def _remove_partial(files: dict[str, Any], made_dir: str | None,
                    tmp: tempfile.TemporaryDirectory | None) -> None:
    """After a failed :func:`capture`: delete the files it created (still under their
    temporary names), the folder it created if nothing else is in it, its temporary folder."""
    for f in files.values():
        with contextlib.suppress(FileNotFoundError):
            os.remove(f.name)
    if made_dir is not None:
        with contextlib.suppress(OSError):  # not empty: something else lives there
            os.rmdir(made_dir)
    if tmp is not None:
        tmp.cleanup()

