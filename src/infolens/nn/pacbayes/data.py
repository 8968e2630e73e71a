"""The data a PAC-Bayes computation is given: (X, y) pairs, the prior/bound split, batches.

- :func:`split_indices`: disjoint random prior and bound splits;
- ``_as_tensors``: an ``(X, y)`` pair or a ``TensorDataset`` as float/long tensors;
- ``_check_split``: refuses bound data that overlaps the prior split;
- ``_batches``: a seeded random order of mini-batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["split_indices"]


def _as_tensors(data: Any, name: str = "data") -> tuple[torch.Tensor, torch.Tensor]:
    if isinstance(data, torch.utils.data.TensorDataset):
        data = data.tensors
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"{name} must be a pair (X, y) of arrays/tensors or a TensorDataset with two tensors."
        )
    x, y = (torch.as_tensor(np.asarray(v)) if not isinstance(v, torch.Tensor) else v for v in data)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: X has {x.shape[0]} rows but y has {y.shape[0]}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty.")
    return x.float(), y.long()


def _batches(n: int, batch_size: int, gen: torch.Generator) -> Iterator[torch.Tensor]:
    perm = torch.randperm(n, generator=gen)
    for i in range(0, n, batch_size):
        yield perm[i : i + batch_size]


def split_indices(
    n: int, prior_fraction: float, *, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint random index sets ``(prior_idx, bound_idx)`` of sizes ~``prior_fraction * n`` and the rest."""
    if not 0 < prior_fraction < 1:
        raise ValueError(f"prior_fraction must lie in (0, 1); got {prior_fraction!r}.")
    rng = np.random.default_rng(random_state)
    perm = rng.permutation(int(n))
    k = int(round(prior_fraction * n))
    if k == 0 or k == n:
        raise ValueError(f"prior_fraction={prior_fraction} leaves an empty split for n={n}.")
    return np.sort(perm[:k]), np.sort(perm[k:])


def _check_split(model: nn.Module, indices: Any, n: int) -> np.ndarray | None:
    """The prior split's indices (or None); raises if the bound data overlaps it."""
    prior_idx = getattr(model, "pacbayes_prior_indices", None)
    if prior_idx is not None:
        if indices is None:
            raise ValueError(
                "the prior was learned on a prior split (prior_indices were given): pass indices= of "
                "the bound data so that the two splits can be checked for overlap."
            )
        idx = np.unique(np.asarray(indices))
        if idx.size != n:
            raise ValueError(f"indices has {idx.size} distinct entries but data has {n} rows.")
        overlap = np.intersect1d(idx, prior_idx)
        if overlap.size:
            raise ValueError(
                f"{overlap.size} examples are in both the prior split and the bound split "
                f"(e.g. index {int(overlap[0])}); the bound is invalid on data the prior has seen."
            )
    return prior_idx
