"""Evaluating a stochastic network without leaving a trace on it.

- ``_weight_generator``, ``_draws_from``: weight draws from a local, seeded
  ``torch.Generator`` (torch's global generator is neither used nor reseeded);
- ``_certifying``: restores every training flag, the grad mode and each probabilistic
  layer's mode on exit, also by an exception;
- ``_errors``: 0-1 error and bounded cross-entropy of a model on a data set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from ..activations import _preserved_modes
from .layers import prob_layers
from .objectives import bounded_cross_entropy

__all__: list[str] = []


def _weight_generator(model: nn.Module, seed: int | None) -> torch.Generator | None:
    """A torch.Generator on the device of the probabilistic layers, seeded with ``seed``
    (None without a seed: the draws then come from torch's global generator)."""
    if seed is None:
        return None
    dev = prob_layers(model)[0].weight_mu.device
    return torch.Generator(device=dev).manual_seed(int(seed))


@contextlib.contextmanager
def _draws_from(model: nn.Module, gen: torch.Generator | None) -> Iterator[None]:
    """Inside, every probabilistic layer draws its weights from ``gen`` (with a
    generator, torch's global one is neither used nor reseeded); restored on exit."""
    layers = prob_layers(model)
    saved = [(la, la.__dict__.get("_generator")) for la in layers]
    try:
        for la in layers:
            la._generator = gen
        yield
    finally:
        for la, g in saved:
            if g is None:
                la.__dict__.pop("_generator", None)
            else:
                la._generator = g


@contextlib.contextmanager
def _certifying(model: nn.Module, gen: torch.Generator | None) -> Iterator[None]:
    """Evaluate ``model`` for a certificate and leave it exactly as it was.

    Weight draws come from ``gen`` (:func:`_draws_from`).  On every exit, also by an
    exception, the training flag of each module and the grad mode
    (:func:`~infolens.nn.activations._preserved_modes`, shared with ``capture``) and each
    probabilistic layer's mode (``"sample"``, ``"mean"``, ...) and held draw are restored.
    """
    saved = [(la, la.mode, la._fixed) for la in prob_layers(model)]
    with _preserved_modes(model), _draws_from(model, gen):
        try:
            yield
        finally:
            for la, mode, fixed in saved:
                la.mode, la._fixed = mode, fixed


@torch.no_grad()
def _errors(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, p_min: float, batch: int
) -> tuple[float, float]:
    err, ce = 0.0, 0.0
    for i in range(0, x.shape[0], batch):
        out = model(x[i : i + batch])
        err += float((out.argmax(-1) != y[i : i + batch]).sum())
        ce += float(bounded_cross_entropy(out, y[i : i + batch], p_min=p_min).sum())
    return err / x.shape[0], ce / x.shape[0]
