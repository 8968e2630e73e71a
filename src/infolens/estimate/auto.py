"""The ``method="auto"`` policy: which registered estimator runs for which data.

The rule (kept in one place so the docs and the code cannot drift apart):

- **entropy**: discrete data -> ``"nsb"`` when the sample is small relative to the number
  of distinct symbols (n < 10 * symbols), ``"grassberger"`` otherwise; continuous
  -> ``"kl"`` (Kozachenko–Leonenko, k=3).
- **mi**: both discrete -> ``"grassberger"`` (bias-corrected plug-in); one continuous,
  one discrete -> ``"ross"``; both continuous -> ``"ksg1"`` (k=3).
- **cmi**: all discrete -> ``"grassberger"``; otherwise ``"fp"`` (Frenzel–Pompe, k=3).
- **kl**: discrete -> ``"plugin"``; continuous -> ``"knn"`` (Wang–Kulkarni–Verdú, k=1).

``choose`` returns the name and the parameters; the result records the name in
``Estimate.method`` so a reader always sees what ran.
"""

from __future__ import annotations

from typing import Any

__all__ = ["choose"]


def choose(
    quantity: str, kinds: tuple[str, ...], n: int, dims: tuple[int, ...], n_symbols: int | None = None
) -> tuple[str, dict[str, Any]]:
    """Pick an estimator for ``quantity`` given the kind of each argument.

    Parameters
    ----------
    quantity : {"entropy", "mi", "cmi", "kl"}
    kinds : tuple of {"discrete", "continuous"}
        One per argument (x; x, y; x, y, z; p, q).
    n : int
        Number of samples.
    dims : tuple of int
        Columns of each argument.
    n_symbols : int, optional
        Number of distinct (joint) symbols, for discrete data.
    """
    all_discrete = all(k == "discrete" for k in kinds)
    if quantity == "entropy":
        if all_discrete:
            if n_symbols is not None and n < 10 * n_symbols:
                return "nsb", {}
            return "grassberger", {}
        return "kl", {"k": 3}
    if quantity == "mi":
        if all_discrete:
            return "grassberger", {}
        if set(kinds) == {"discrete", "continuous"}:
            return "ross", {"k": 3}
        return "ksg1", {"k": 3}
    if quantity == "cmi":
        if all_discrete:
            return "grassberger", {}
        return "fp", {"k": 3}
    if quantity == "kl":
        if all_discrete:
            return "plugin", {}
        return "knn", {"k": 1}
    raise ValueError(f"unknown quantity {quantity!r}.")
