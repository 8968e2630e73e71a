"""The :class:`Estimate` result type returned by every sample estimator."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["Estimate"]


class Estimate(float):
    """An estimated information quantity that behaves as a float.

    ``float(est)`` (or using ``est`` anywhere a float is expected) gives the point value.
    Attributes carry what a reader needs to trust it.

    Attributes
    ----------
    unit : str
        "nats", "bits", ... (see :mod:`infolens.units`).
    method : str
        Registered name of the estimator that actually ran (``"auto"`` is resolved).
    n : int
        Number of samples used.
    ci : tuple of float or None
        Confidence interval ``(low, high)`` at level ``ci_level`` when requested.
    ci_level : float or None
    stderr : float or None
        Standard error when computed.
    params : dict
        Parameters of the estimator (k, bins, ...), for provenance.
    quantity : str
        What was estimated, e.g. ``"I(X;Y)"``.

    Examples
    --------
    >>> e = Estimate(0.5, unit="nats", method="plugin", n=100)
    >>> float(e), e.unit
    (0.5, 'nats')
    """

    unit: str
    method: str
    n: int | None
    ci: tuple[float, float] | None
    ci_level: float | None
    stderr: float | None
    params: dict[str, Any]
    quantity: str

    def __new__(
        cls,
        value: float,
        *,
        unit: str = "nats",
        method: str = "",
        n: int | None = None,
        ci: tuple[float, float] | None = None,
        ci_level: float | None = None,
        stderr: float | None = None,
        params: dict[str, Any] | None = None,
        quantity: str = "",
    ) -> Estimate:
        v = float(value)
        if math.isnan(v):
            raise ValueError(
                f"estimator {method or '?'} produced NaN; this is a bug in infolens, please report it."
            )
        obj = super().__new__(cls, v)
        obj.unit = unit
        obj.method = method
        obj.n = None if n is None else int(n)
        obj.ci = None if ci is None else (float(ci[0]), float(ci[1]))
        obj.ci_level = ci_level
        obj.stderr = None if stderr is None else float(stderr)
        obj.params = dict(params or {})
        obj.quantity = quantity
        return obj

    @property
    def value(self) -> float:
        """The point estimate as a plain float."""
        return float(self)

    def replace(self, **changes: Any) -> Estimate:
        """Return a copy with some fields changed (like ``dataclasses.replace``)."""
        fields = dict(
            value=float(self), unit=self.unit, method=self.method, n=self.n, ci=self.ci,
            ci_level=self.ci_level, stderr=self.stderr, params=self.params,
            quantity=self.quantity,
        )
        fields.update(changes)
        value = fields.pop("value")
        return Estimate(value, **fields)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view of the estimate."""
        return {
            "value": float(self), "unit": self.unit, "method": self.method, "n": self.n,
            "ci": list(self.ci) if self.ci else None, "ci_level": self.ci_level,
            "stderr": self.stderr, "params": self.params, "quantity": self.quantity,
        }

    def __reduce__(self):
        return (_rebuild, (self.to_dict(),))

    def __repr__(self) -> str:
        parts = [f"{float(self):.6g} {self.unit}"]
        if self.ci is not None:
            lvl = f"{100 * self.ci_level:g}% " if self.ci_level else ""
            parts.append(f"{lvl}CI [{self.ci[0]:.4g}, {self.ci[1]:.4g}]")
        if self.stderr is not None:
            parts.append(f"stderr {self.stderr:.3g}")
        if self.method:
            parts.append(f"method={self.method}")
        if self.n is not None:
            parts.append(f"n={self.n}")
        q = f"{self.quantity} = " if self.quantity else ""
        return f"Estimate({q}{', '.join(parts)})"

    __str__ = __repr__


def _rebuild(d: dict[str, Any]) -> Estimate:
    d = dict(d)
    value = d.pop("value")
    if d.get("ci") is not None:
        d["ci"] = tuple(d["ci"])
    return Estimate(value, **d)
