"""Record an information plane while a model trains: a Lightning callback and a plain loop.

:class:`~infolens.nn.plane.InformationPlane` measures I(X;T_l) and I(T_l;Y) of chosen layers
when called with an epoch number.  This module attaches it to the two usual training set-ups:

* :func:`lightning_callback` returns a real ``lightning.pytorch.Callback`` (Lightning >= 2.0;
  the older ``pytorch_lightning`` package is used when ``lightning`` is not installed).  It
  records the untrained model at epoch 0 when fitting starts, each scheduled epoch after
  training it, and saves what it recorded when training stops on an exception (Ctrl-C
  included), so a crashed run keeps its plane.  Only the global-zero process records under
  distributed training, and never during the sanity check.
* :func:`track_training` wraps a plain loop: ``for epoch in track_training(plane, 30): ...``
  records epoch 0 before the first iteration and each epoch after its body has run.

Either way the plane's JSON-lines file (``InformationPlane(path=...)``) is rewritten
atomically after every recorded epoch; ``infolens report --history FILE`` draws it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from .plane import InformationPlane

__all__ = ["lightning_callback", "track_training"]


def _callback_base() -> type:
    for mod in ("lightning.pytorch", "pytorch_lightning"):
        try:
            return importlib.import_module(mod).Callback
        except ModuleNotFoundError as exc:
            if exc.name not in (mod, mod.split(".")[0]):
                raise
    raise ImportError(
        "lightning_callback needs Lightning: `pip install lightning` (or pytorch-lightning). "
        "Without it, call the plane yourself (plane(epoch)) or use track_training."
    )


_CLASS: type | None = None


def _callback_class() -> type:
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    base = _callback_base()

    class InformationPlaneCallback(base):  # type: ignore[misc, valid-type]
        """Lightning callback recording an :class:`InformationPlane` (see module docs)."""

        def __init__(self, plane: InformationPlane, record_start: bool = True) -> None:
            super().__init__()
            self.plane = plane
            self.record_start = record_start

        @staticmethod
        def _recording(trainer: Any) -> bool:
            return bool(getattr(trainer, "is_global_zero", True)) and not getattr(
                trainer, "sanity_checking", False)

        def setup(self, trainer: Any, pl_module: Any, stage: str | None = None) -> None:
            if not _contains(pl_module, self.plane.model):
                raise ValueError(
                    "the InformationPlane was built on another model than the one Lightning "
                    "trains; build it on the LightningModule (or on a submodule of it)."
                )

        def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
            done = {r["epoch"] for r in self.plane.records}
            if self.record_start and self._recording(trainer) and 0 not in done:
                self.plane(0)

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            if self._recording(trainer):
                self.plane(int(trainer.current_epoch) + 1)

        def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
            if self.plane.path is not None and self.plane.records:
                self.plane._save()

        def state_dict(self) -> dict[str, Any]:
            return {"records": list(self.plane.records)}

        def load_state_dict(self, state_dict: dict[str, Any]) -> None:
            self.plane.records = list(state_dict.get("records", []))

    _CLASS = InformationPlaneCallback
    return _CLASS


def _contains(root: Any, sub: Any) -> bool:
    """True when ``sub`` is ``root`` or one of its submodules."""
    modules = getattr(root, "modules", None)
    return root is sub or (modules is not None and any(m is sub for m in modules()))


def lightning_callback(plane: InformationPlane, *, record_start: bool = True) -> Any:
    """A ``lightning.pytorch.Callback`` that records ``plane`` during ``Trainer.fit``.

    Parameters
    ----------
    plane : InformationPlane
        Built on the LightningModule being trained (or on a submodule of it).
    record_start : bool, default True
        Record epoch 0 (the untrained model) when fitting starts, unless the plane already
        holds epoch 0 (a resumed run).

    Returns
    -------
    lightning.pytorch.Callback
        Pass it in ``Trainer(callbacks=[...])``.  Lightning epoch ``e`` (0-based) is
        recorded as epoch ``e + 1``, so the plane's epochs count completed epochs.

    Raises
    ------
    ImportError
        Neither ``lightning`` nor ``pytorch_lightning`` is installed.
    TypeError
        ``plane`` is not an :class:`InformationPlane`.
    ValueError
        (at ``fit``) the plane was built on a model that Lightning does not train.
    """
    if not isinstance(plane, InformationPlane):
        raise TypeError(f"plane must be an infolens.nn.InformationPlane, got {type(plane).__name__}.")
    return _callback_class()(plane, record_start=record_start)


def track_training(plane: InformationPlane, epochs: int, *, start: int = 0) -> Iterator[int]:
    """Epoch numbers for a plain training loop, recording ``plane`` around them.

    ``for epoch in track_training(plane, 30): train_one_epoch()`` records epoch ``start``
    (the untrained model) first, then, after the body of iteration ``epoch`` has run,
    records completed epoch ``epoch + 1`` if the plane's schedule contains it.  Leaving the
    loop early (``break`` or an exception) records nothing more; what was recorded is
    already saved when the plane has a ``path``.

    Parameters
    ----------
    plane : InformationPlane
    epochs : int
        Number of training epochs (iterations yielded).
    start : int, default 0
        The first epoch number (e.g. to continue a resumed plane).

    Examples
    --------
    >>> import torch
    >>> from infolens.nn import InformationPlane
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    >>> x = torch.randn(64, 2)
    >>> y = (x[:, 0] > 0).long()
    >>> plane = InformationPlane(net, x, y, layers=["1"])
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> for epoch in track_training(plane, 2):
    ...     opt.zero_grad()
    ...     torch.nn.functional.cross_entropy(net(x), y).backward()
    ...     opt.step()
    >>> sorted({r["epoch"] for r in plane.records})
    [0, 1, 2]
    """
    if not isinstance(plane, InformationPlane):
        raise TypeError(f"plane must be an infolens.nn.InformationPlane, got {type(plane).__name__}.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}.")
    if start not in {r["epoch"] for r in plane.records}:
        plane(start)
    for epoch in range(start, start + epochs):
        yield epoch
        plane(epoch + 1)
