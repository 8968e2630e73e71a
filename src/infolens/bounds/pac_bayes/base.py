"""The result type and the argument checks shared by every PAC-Bayes bound.

- :class:`BoundResult`: a bound with every term that went into it;
- ``_risks``, ``_kls``, ``_delta``, ``_n``: validation of risks in [0, 1], KL divergences
  in nats, confidence levels in (0, 1) and sample sizes (bad input raises naming the
  argument);
- ``_grid``: broadcasting of a grid of candidates (priors or hyper-parameters);
- ``_finish``: the union-bound selection of the smallest bound over a grid.

Nothing here computes a bound; the bounds live in :mod:`.relaxations`, :mod:`.catoni` and
:mod:`.certificates`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..._validate import as_array, check_positive_int, check_probability

__all__ = ["BoundResult"]


@dataclass(frozen=True)
class BoundResult:
    """A risk bound with every term that went into it.

    Attributes
    ----------
    value : float
        The upper bound on the true risk (holds with probability ``>= 1 - delta``).
    method : str
        Which bound (``"kl"``, ``"mcallester"``, ``"classic"``, ``"catoni"``,
        ``"lambda"``, ``"quad"``, ``"mc_sampling"``, ``"holdout"``, ``"certificate"``).
    empirical_risk : float
        The empirical risk that entered the bound (of the selected grid entry).
    kl : float or None
        KL(Q||P) in nats (None for bounds without a prior).
    n : int
        Number of examples (or weight samples for ``"mc_sampling"``) the bound uses.
    delta : float
        Total failure probability of the statement.
    penalty : float
        The complexity term in nats that was used (e.g. ``KL + ln(2 sqrt(n)/delta)``).
    grid_size : int
        Number of candidates in the union bound (1 without a grid).
    terms : dict
        Any other named quantity (``ln_grid``, ``lambda``, ``C``, ``selected``, sub-bounds).
    reference : str
        Where the bound comes from.
    """

    value: float
    method: str
    empirical_risk: float
    kl: float | None
    n: int
    delta: float
    penalty: float
    grid_size: int = 1
    terms: dict[str, Any] = field(default_factory=dict)
    reference: str = ""

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        kl = "" if self.kl is None else f", KL={self.kl:.4g} nats"
        return (
            f"{self.method} bound {self.value:.4f} (empirical risk {self.empirical_risk:.4f}"
            f"{kl}, n={self.n}, delta={self.delta:g}, grid={self.grid_size})"
        )


def _risks(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(as_array(x, name), dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(
            f"{name} must be a risk in [0, 1] (a bounded loss averaged over the sample); "
            f"got {np.asarray(x).tolist()!r}. Rescale losses into [0, 1] first."
        )
    return arr


def _kls(x: Any) -> np.ndarray:
    arr = np.asarray(as_array(x, "kl"), dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"kl must be a finite KL divergence >= 0 in nats; got {np.asarray(x).tolist()!r}."
        )
    return arr


def _delta(delta: Any) -> float:
    return check_probability(delta, "delta", open_low=True, open_high=True)


def _n(n: Any, minimum: int = 1) -> int:
    if isinstance(n, float) and float(n).is_integer():
        raise TypeError(f"n must be an integer (the number of examples); got float {n!r}.")
    return check_positive_int(n, "n", minimum=minimum)


def _grid(emp: Any, kl: Any) -> tuple[np.ndarray, np.ndarray, int]:
    e = _risks(emp, "empirical_risk")
    k = _kls(kl)
    try:
        e, k = np.broadcast_arrays(e, k)
    except ValueError as exc:
        raise ValueError(
            f"empirical_risk (shape {e.shape}) and kl (shape {k.shape}) must broadcast: one "
            "entry per grid candidate."
        ) from exc
    return e.ravel(), k.ravel(), max(int(e.size), 1)


def _finish(
    method: str,
    values: np.ndarray,
    emp: np.ndarray,
    kl: np.ndarray,
    pen: np.ndarray,
    n: int,
    delta: float,
    k: int,
    reference: str,
    **extra: Any,
) -> BoundResult:
    # a risk in [0, 1] never exceeds 1, so min(bound, 1) is still a valid bound
    values = np.minimum(np.asarray(values, dtype=float), 1.0)
    i = int(np.argmin(values))
    terms = {"ln_grid": math.log(k), "selected": i}
    for key, val in extra.items():
        arr = np.asarray(val)
        terms[key] = float(arr.ravel()[i]) if arr.size > 1 else float(arr.ravel()[0])
    return BoundResult(
        value=float(values[i]),
        method=method,
        empirical_risk=float(emp[i]),
        kl=float(kl[i]),
        n=n,
        delta=delta,
        penalty=float(pen[i]),
        grid_size=k,
        terms=terms,
        reference=reference,
    )
