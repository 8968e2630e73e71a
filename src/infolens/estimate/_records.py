"""Estimator records, the decorator that declares them, and the one table of renamed names.

This module sits at the bottom of :mod:`infolens.estimate`: each estimator family
(``discrete``, ``binning``, ``knn``, ``gaussian``, ``neural``) declares its functions with
:func:`register` where they are defined, and the complete table is reached through
:mod:`infolens.estimate._registry`, which imports every family in one declared list.
:func:`get` and :func:`estimators` here see only what has been declared so far; they are
for a family looking up its own records (``discrete`` finds its count-based estimators).

Contract for a registered function
----------------------------------
``func(x, **params)`` for ``quantity="entropy"``, ``func(x, y, **params)`` for ``"mi"``
and ``"kl"`` (``x`` samples of p, ``y`` samples of q), ``func(x, y, z, **params)`` for
``"cmi"``.  Arguments are validated 2-D arrays of shape ``(n, d)`` (float64 for
continuous kinds; the original discrete dtype otherwise).  It returns the estimate in
**nats** as a float (never NaN); a float subclass with a ``details`` dict (e.g. the
neural estimators' epochs and split sizes) has it merged into ``Estimate.params``.
``params`` are keyword-only with defaults; an estimator that draws random numbers
accepts ``random_state`` (a ``numpy.random.Generator``).

Names
-----
A method name is lower case, words joined by an underscore (``"miller_madow"``,
``"ksg_bc"``, ``"kozachenko_leonenko"``), and means one thing in the whole package.
Names that were renamed to get there are kept in :data:`ALIASES`, the one table of old
names: :func:`canonical` maps an old name to the new one with a ``DeprecationWarning``
that names the new one, so old calls give identical results.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EstimatorInfo", "register", "get", "estimators", "canonical", "ALIASES", "QUANTITIES",
    "KINDS",
]

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


#: The one table of renamed names: ``(namespace, old name) -> new name``.  A namespace is
#: an estimator quantity (``"entropy"``, ``"mi"``, ``"cmi"``, ``"kl"``; the names of
#: :func:`infolens.estimators`), ``"o_information"`` (the ``method`` of
#: :func:`infolens.pid.o_information_samples`) or ``"layer"`` (the layer estimators of
#: :func:`infolens.nn.make_layer_estimator` and :class:`infolens.nn.InformationPlane`).
#: Why each was renamed:
#:
#: - ``"kl"`` (entropy): it meant Kozachenko–Leonenko while the quantity ``kl`` is the KL
#:   divergence;
#: - ``"ksg-bc"``: one separator, the underscore, for multi-word names;
#: - ``"gaussian_copula"`` (O-information): the registry calls the Gaussian-copula
#:   estimator ``"gcmi"``;
#: - ``"binning"`` (layer): in the registry ``"binning"`` means equal-width bins over the
#:   observed range (10 by default); the information plane's fixed range (30 bins on
#:   [-1, 1] by default) is ``"binning_range"``.  Once the alias is removed, ``"binning"``
#:   there will mean the registry's estimator, like every other registered name;
#: - ``"binning-range"``, ``"binning-width"``, ``"binning-quantile"``, ``"noisy-network"``
#:   (layer): the underscore separator.
ALIASES: dict[tuple[str, str], str] = {
    ("entropy", "kl"): "kozachenko_leonenko",
    ("mi", "ksg-bc"): "ksg_bc",
    ("o_information", "gaussian_copula"): "gcmi",
    ("layer", "binning"): "binning_range",
    ("layer", "binning-range"): "binning_range",
    ("layer", "binning-width"): "binning_width",
    ("layer", "binning-quantile"): "binning_quantile",
    ("layer", "noisy-network"): "noisy_network",
}

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_stacklevel() -> int:
    """``stacklevel`` for :func:`warnings.warn` called here that points at the first frame
    outside infolens (the user's call)."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE_DIR
    ):
        frame = frame.f_back
        level += 1
    return level


def canonical(namespace: str, name: Any) -> Any:
    """The current name for ``name`` in ``namespace`` (see :data:`ALIASES`).

    An old name gives a ``DeprecationWarning`` that names the new one (pointing at the
    caller's line outside infolens) and returns the new name; any other value is returned
    unchanged, for the caller to check.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     canonical("mi", "ksg-bc")
    'ksg_bc'
    >>> canonical("mi", "ksg1")
    'ksg1'
    """
    if not isinstance(name, str):
        return name
    new = ALIASES.get((namespace, name))
    if new is None:
        return name
    where = {"o_information": "method of o_information_samples",
             "layer": "layer estimator"}.get(namespace, f"{namespace} method")
    warnings.warn(
        f"{where} {name!r} is deprecated and will be removed; use {new!r} (same results).",
        DeprecationWarning,
        stacklevel=_user_stacklevel(),
    )
    return new
