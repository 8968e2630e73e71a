"""One table of sample estimators: a method name maps to a function.

Each estimator module registers its functions with :func:`register` where they are
defined.  The public API (:mod:`infolens.estimate.api`) validates input, looks the
method up here, calls it and wraps the result into an :class:`~infolens.result.Estimate`.

Contract for a registered function
----------------------------------
``func(x, **params)`` for ``quantity="entropy"``, ``func(x, y, **params)`` for ``"mi"``
and ``"kl"`` (``x`` samples of p, ``y`` samples of q), ``func(x, y, z, **params)`` for
``"cmi"``.  Arguments are validated 2-D arrays of shape ``(n, d)`` (float64 for
continuous kinds; the original discrete dtype otherwise).  It returns the estimate in
**nats** as a float (never NaN); a float subclass with a ``details`` dict (e.g. the
neural estimators' epochs and split sizes) has it merged into ``Estimate.params``.  ``params`` are keyword-only with defaults; an estimator
that draws random numbers accepts ``random_state`` (a ``numpy.random.Generator``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EstimatorInfo", "register", "get", "estimators", "QUANTITIES", "KINDS"]

QUANTITIES = ("entropy", "mi", "cmi", "kl")
KINDS = ("discrete", "continuous", "mixed")


@dataclass(frozen=True)
class EstimatorInfo:
    """Description of a registered estimator."""

    name: str
    quantity: str
    kinds: tuple[str, ...]
    func: Callable[..., float] = field(repr=False, compare=False)
    params: dict[str, Any] = field(default_factory=dict)
    reference: str = ""
    description: str = ""
    random: bool = False
    # how the quantity answers a positive rescaling of each continuous column: "invariant"
    # (MI, CMI, KL) or "covariant" (a differential entropy shifts by the sum of the log
    # scales); set for estimators whose *estimate* depends on the column scales (k-NN
    # neighbourhoods), which then see standardised columns unless standardize=False
    scale: str | None = None
    # the estimator's own interval scheme, ``interval(call, value, *, level, n_boot,
    # random_state) -> Interval`` (see infolens.estimate.resampling); None: the default
    # scheme for its data kinds
    interval: Callable[..., Any] | None = field(default=None, repr=False, compare=False)

    def as_row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "quantity": self.quantity,
            "kinds": ", ".join(self.kinds),
            "parameters": ", ".join(f"{k}={v!r}" for k, v in self.params.items()),
            "reference": self.reference,
        }


_REGISTRY: dict[tuple[str, str], EstimatorInfo] = {}


def register(
    quantity: str,
    name: str,
    *,
    kinds: tuple[str, ...],
    params: dict[str, Any] | None = None,
    reference: str = "",
    description: str = "",
    random: bool = False,
    scale: str | None = None,
    interval: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Decorator registering ``func`` as estimator ``name`` of ``quantity``: every fact
    about it in one record, declared next to the function.

    ``interval`` is the estimator's own interval scheme, called as ``interval(call,
    value, *, level, n_boot, random_state)`` where ``call`` (an
    :class:`infolens.estimate._call.Call`) holds the validated inputs (``call.arrays``,
    ``call.params``, ``call.n`` and ``call.run(arrays, rng)``, which evaluates the
    estimator in nats), ``value`` is the point estimate in nats and ``random_state`` a
    ``numpy.random.Generator``; it returns an :class:`~infolens.estimate._intervals.Interval`
    in nats.  Without one, :func:`infolens.estimate.resampling.confidence_interval` uses
    the default scheme for the estimator's data kinds.
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; expected one of {QUANTITIES}.")
    bad = set(kinds) - set(KINDS)
    if bad:
        raise ValueError(f"unknown data kinds {sorted(bad)}; expected some of {KINDS}.")
    if scale not in (None, "invariant", "covariant"):
        raise ValueError(f"scale must be None, 'invariant' or 'covariant', got {scale!r}.")
    if scale is not None:
        params = {**(params or {}), "standardize": True}

    def deco(func: Callable[..., float]) -> Callable[..., float]:
        key = (quantity, name)
        if key in _REGISTRY and _REGISTRY[key].func is not func:
            raise ValueError(f"estimator {name!r} for {quantity!r} is registered twice.")
        _REGISTRY[key] = EstimatorInfo(
            name=name, quantity=quantity, kinds=tuple(kinds), func=func,
            params=dict(params or {}), reference=reference,
            description=description or (func.__doc__ or "").strip().split("\n")[0],
            random=random, scale=scale, interval=interval,
        )
        return func

    return deco


def get(quantity: str, name: str) -> EstimatorInfo:
    """Look up an estimator; the error lists the names that exist."""
    try:
        return _REGISTRY[(quantity, name)]
    except KeyError:
        names = sorted(n for q, n in _REGISTRY if q == quantity)
        raise ValueError(
            f"method={name!r} is not a registered {quantity} estimator; choose one of "
            f"{names} or 'auto' (see infolens.estimators())."
        ) from None


def estimators(quantity: str | None = None) -> list[EstimatorInfo]:
    """All registered estimators (optionally of one quantity), sorted by quantity and name."""
    rows = [v for (q, _), v in _REGISTRY.items() if quantity is None or q == quantity]
    return sorted(rows, key=lambda e: (QUANTITIES.index(e.quantity), e.name))
