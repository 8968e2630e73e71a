"""Layer outputs of a TorchScript model whose top-level submodules run one after another.

TorchScript modules refuse forward hooks, so their hidden layers cannot be observed the way
an eager module's are.  Many models, though, are a chain: ``nn.Sequential``, or a
``forward`` that calls its top-level submodules in the order they were defined, with at
most a ``flatten`` before a ``Linear``.  For those, calling the scripted submodules one by
one gives the same output as the model *and* every intermediate output.

:func:`scripted_chain` tries exactly that on a few samples and keeps the chain only if it
reproduces the model's output (to float32 round-off); otherwise the report analyses the
model's output alone, as before.  The chain is used only to capture activations; the
predictions, the weights and everything else come from the scripted model itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .model import require_torch

#: Agreement required between the chain and the scripted model on the check samples.
RTOL, ATOL = 1e-4, 1e-5


def _classes() -> tuple[Any, Any]:
    torch = require_torch()

    class ScriptedStage(torch.nn.Module):
        """One scripted submodule, called from eager code so that hooks see its output.

        The scripted submodule is kept out of ``_modules`` (TorchScript modules refuse
        hooks, and the capture would try to place some); a non-persistent empty buffer
        tells the capture which device the stage runs on."""

        def __init__(self, inner: Any, flatten: bool, device: Any) -> None:
            super().__init__()
            self.__dict__["inner"] = inner
            self.flatten = flatten
            self.register_buffer("device_probe", torch.empty(0, device=device),
                                 persistent=False)

        def forward(self, x: Any) -> Any:
            if self.flatten:
                x = torch.flatten(x, 1)
            return self.inner(x)

    class ScriptedChain(torch.nn.Module):
        """The stages in order; each stage's output is the next one's input."""

        def forward(self, x: Any) -> Any:
            for stage in self.children():
                x = stage(x)
            return x

    return ScriptedStage, ScriptedChain


def scripted_chain(model: Any, sample: np.ndarray) -> tuple[Any | None, str]:
    """An eager module running ``model``'s top-level submodules in order, or ``None``.

    Parameters
    ----------
    model : torch.jit.ScriptModule
        In eval mode, on its device.
    sample : ndarray
        A few inputs (at least 2) to check the chain on.

    Returns
    -------
    (chain, note)
        ``chain`` has one submodule per top-level submodule of ``model``, with the same
        name, each calling the scripted one (with ``torch.flatten(x, 1)`` first where the
        chain needed it); ``note`` says what was checked, or why no chain was found.
    """
    torch = require_torch()
    children = list(model.named_children())
    if len(children) < 2:
        return None, "it has fewer than two top-level submodules"
    dev = next((t.device for t in [*model.parameters(), *model.buffers()]),
               torch.device("cpu"))
    x = torch.as_tensor(sample).to(dev)
    flat: list[bool] = []
    with torch.no_grad():
        want = model(x)
        h = x
        for name, child in children:
            try:
                out = child(h)
                flat.append(False)
            except Exception as first:  # noqa: BLE001 - a scripted call raises many kinds
                if not isinstance(h, torch.Tensor) or h.ndim <= 2:
                    return None, (f"its submodule {name!r} does not take the previous one's "
                                  f"output ({type(first).__name__})")
                try:
                    out = child(torch.flatten(h, 1))
                    flat.append(True)
                except Exception as exc:  # noqa: BLE001
                    return None, (f"its submodule {name!r} does not take the previous one's "
                                  f"output, flattened or not ({type(exc).__name__})")
            if not isinstance(out, torch.Tensor):
                return None, f"its submodule {name!r} does not return one tensor"
            h = out
    if not isinstance(want, torch.Tensor) or h.shape != want.shape:
        return None, "its submodules run in order do not give an output of the model's shape"
    if not torch.allclose(h, want, rtol=RTOL, atol=ATOL):
        diff = float((h - want).abs().max())
        return None, ("its submodules run in order do not reproduce its output (largest "
                      f"difference {diff:.3g}): its forward does more than chain them")
    stage_cls, chain_cls = _classes()
    chain = chain_cls()
    for (name, child), f in zip(children, flat, strict=True):
        chain.add_module(name, stage_cls(child, f, dev))
    flattened = [name for (name, _), f in zip(children, flat, strict=True) if f]
    note = (f"its {len(children)} top-level submodules ({', '.join(n for n, _ in children)}), "
            "run one after another"
            + (f" with the input of {', '.join(flattened)} flattened" if flattened else "")
            + f", reproduce its output on {len(x)} samples (within rtol {RTOL:g}), so their "
            "outputs are the layers analysed")
    return chain, note


def _tap_class() -> Any:
    torch = require_torch()

    class Tap(torch.nn.Module):
        """Identity; a forward hook on it sees the tensor passed through."""

        def forward(self, x: Any) -> Any:
            return x

    class ScriptedTaps(torch.nn.Module):
        """Runs a TorchScript model's forward graph, extended to also return the outputs
        of its top-level submodule calls, and passes each through a :class:`Tap` named
        after the submodule, so that hooks (the capture) see it.  Returns the model's
        own output."""

        def __init__(self, model: Any, fn: Any, names: list[str], device: Any) -> None:
            super().__init__()
            self.__dict__["scripted"] = model
            self.__dict__["graph_fn"] = fn
            self.tap_names = list(names)
            for name in names:  # "blocks.0": a Tap "0" inside a plain container "blocks"
                *path, leaf = name.split(".")
                parent: Any = self
                for part in path:
                    if not hasattr(parent, part):
                        parent.add_module(part, torch.nn.Module())
                    parent = getattr(parent, part)
                parent.add_module(leaf, Tap())
            self.register_buffer("device_probe", torch.empty(0, device=device),
                                 persistent=False)

        def forward(self, x: Any) -> Any:
            out, *taps = self.graph_fn(self.scripted._c, x)
            for name, value in zip(self.tap_names, taps, strict=True):
                self.get_submodule(name)(value)
            return out

    return ScriptedTaps


def _attribute_path(value: Any, self_value: Any) -> str | None:
    """``"blocks.0"`` when ``value`` is ``self.blocks[0]`` read by ``prim::GetAttr`` nodes,
    else ``None``."""
    parts: list[str] = []
    while value.unique() != self_value.unique():
        node = value.node()
        if node.kind() != "prim::GetAttr":
            return None
        parts.append(node.s("name"))
        value = node.inputsAt(0)
    return ".".join(reversed(parts)) or None


def _graph_with_taps(model: Any) -> tuple[Any | None, list[str], str]:
    """A copy of ``model.forward``'s graph that returns ``(output, *taps)``, with a tap for
    every submodule called once at the top level of ``forward`` (not inside a branch; a
    loop over a ``ModuleList`` is unrolled by the compiler, so its items count) whose
    result is a tensor, or a tuple whose first element a ``TupleUnpack`` takes as a
    tensor (an LSTM's output sequence).  Submodules are named as in ``named_modules``
    (``blocks.0``), from the chain of attribute reads that leads to them from ``self``."""
    torch = require_torch()
    graph = model.forward.graph.copy()
    inputs = list(graph.inputs())
    outputs = list(graph.outputs())
    if len(inputs) != 2 or len(outputs) != 1:
        return None, [], "its forward does not take one input and return one value"
    self_value = inputs[0]
    found: dict[str, Any] = {}
    calls: dict[str, int] = {}
    for node in graph.nodes():
        if node.kind() != "prim::CallMethod":
            continue
        name = _attribute_path(node.inputsAt(0), self_value)
        if name is None:
            continue
        calls[name] = calls.get(name, 0) + 1
        value = node.outputsAt(0)
        kind = value.type().kind()
        if kind == "TupleType":
            unpack = next((use.user for use in value.uses()
                           if use.user.kind() == "prim::TupleUnpack"), None)
            value = None if unpack is None else unpack.outputsAt(0)
        if value is not None and value.type().kind() == "TensorType":
            found.setdefault(name, value)
    names = [n for n in found if calls[n] == 1]  # a module called twice has no one output
    if len(names) < 2:  # one call is the output itself, or nearly: no layer to compare
        return None, [], ("its forward makes fewer than two calls of a top-level submodule "
                          "that return a tensor and are made once, outside branches")
    values = [outputs[0], *(found[n] for n in names)]
    node = graph.create("prim::TupleConstruct", values, 1)
    graph.insertNode(node)
    node.output().setType(torch._C.TupleType([v.type() for v in values]))
    graph.eraseOutput(0)
    graph.registerOutput(node.output())
    return graph, names, ""


def scripted_taps(model: Any, sample: np.ndarray) -> tuple[Any | None, str]:
    """An eager module whose hooks see the outputs of the submodules that ``model``'s
    ``forward`` calls, as it computes them, or ``None``.

    For a TorchScript model whose ``forward`` is not a plain chain (a residual sum, the
    last step of a sequence, a mean over positions, a loop over a ``ModuleList`` of
    blocks), :func:`scripted_chain` finds no layers.  Here the compiled forward graph
    itself is copied and made to return, beside the output, the value of every
    submodule call that ``forward`` itself makes once, outside branches; the copy is run
    on ``sample`` and kept only if its output equals the model's (to float32 round-off).  This uses TorchScript's graph API
    (``torch._C``), which is internal: if it fails on a future torch, the report falls
    back to the model's output, with the reason.

    Parameters and returns are those of :func:`scripted_chain`.
    """
    torch = require_torch()
    try:
        graph, names, why = _graph_with_taps(model)
        if graph is None:
            return None, why
        fn = torch._C._create_function_from_graph("infolens_taps", graph)
        dev = next((t.device for t in [*model.parameters(), *model.buffers()]),
                   torch.device("cpu"))
        x = torch.as_tensor(sample).to(dev)
        with torch.no_grad():
            want = model(x)
            got = fn(model._c, x)
    except Exception as exc:  # noqa: BLE001 - torch._C raises RuntimeError, TypeError, ...
        return None, f"its forward graph could not be tapped ({type(exc).__name__}: {exc})"
    out = got[0]
    if not (isinstance(want, torch.Tensor) and isinstance(out, torch.Tensor)
            and out.shape == want.shape and torch.allclose(out, want, rtol=RTOL, atol=ATOL)):
        return None, "its forward graph, tapped, does not reproduce its output"
    taps = _tap_class()(model, fn, names, dev)
    note = (f"the outputs of its submodules {', '.join(names)}, as its compiled forward "
            f"computes them, are read from a copy of its forward graph that also returns "
            f"them (checked: the copy reproduces its output on {len(x)} samples within "
            f"rtol {RTOL:g}); these are the layers analysed")
    return taps, note
