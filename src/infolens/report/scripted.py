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
