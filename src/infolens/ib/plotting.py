"""Draw an IB curve and place a network's layers against it (matplotlib, imported lazily).

A layer T of a network trained on (X, Y) is one admissible bottleneck variable (T - X -
Y is a Markov chain), so its point (I(X;T), I(T;Y)) can never lie above the IB curve of
the same distribution (Tishby & Zaslavsky 2015); plotting both shows how far each layer
is from the optimal trade-off.  Estimated layer points can cross the curve only through
estimation error — say which estimator made them.

References
----------
N. Tishby and N. Zaslavsky, "Deep learning and the information bottleneck principle",
IEEE Information Theory Workshop, 2015.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..units import convert
from .curves import IBCurve
from .samples import SampleIBCurve

__all__ = ["plot_curve", "layer_points"]

_UNIT_BASE = {"nats": "e", "bits": 2, "hartleys": 10}


def _to_unit(v: float, unit_from: str, unit_to: str) -> float:
    if unit_from == unit_to:
        return v
    try:
        return float(convert(v, _UNIT_BASE[unit_from], _UNIT_BASE[unit_to]))
    except KeyError:
        raise ValueError(f"cannot convert layer values from {unit_from!r} to {unit_to!r}.") from None


def layer_points(layers: Any, *, unit: str = "nats") -> list[tuple[str, float, float]]:
    """Turn layer information into ``(label, I(X;T), I(T;Y))`` triples in ``unit``.

    Accepted forms:

    - a sequence of pairs ``(I(X;T), I(T;Y))`` (taken to be in ``unit``), labelled
      ``"layer 0"``, ``"layer 1"``, ...;
    - a mapping ``{label: (I(X;T), I(T;Y))}``;
    - an :class:`infolens.nn.plane.InformationPlane` or its ``records`` (rows with keys
      ``layer``, ``epoch``, ``quantity`` in {"I(X;T)", "I(T;Y)"}, ``value``, ``unit``):
      the last recorded epoch of each layer is used, converted to ``unit``.

    Examples
    --------
    >>> layer_points([(1.0, 0.5)])
    [('layer 0', 1.0, 0.5)]
    """
    records = getattr(layers, "records", layers)
    if isinstance(records, Mapping):
        return [(str(k), float(v[0]), float(v[1])) for k, v in records.items()]
    rows = list(records)
    if rows and isinstance(rows[0], Mapping):
        last: dict[str, int] = {}
        vals: dict[tuple[str, int], dict[str, float]] = {}
        for r in rows:
            try:
                name, ep, q = str(r["layer"]), int(r["epoch"]), r["quantity"]
                v = _to_unit(float(r["value"]), r.get("unit", "nats"), unit)
            except KeyError as exc:
                raise ValueError(
                    f"layer records need keys layer, epoch, quantity, value; missing {exc}."
                ) from None
            vals.setdefault((name, ep), {})[q] = v
            last[name] = max(last.get(name, ep), ep)
        out = []
        for name, ep in last.items():
            d = vals[(name, ep)]
            if "I(X;T)" in d and "I(T;Y)" in d:
                out.append((f"{name} (epoch {ep})", d["I(X;T)"], d["I(T;Y)"]))
        return out
    out = []
    for i, pair in enumerate(rows):
        a = np.asarray(pair, dtype=np.float64).ravel()
        if a.size != 2 or not np.isfinite(a).all():
            raise ValueError(f"layers[{i}] must be a finite pair (I(X;T), I(T;Y)); got {pair!r}.")
        out.append((f"layer {i}", float(a[0]), float(a[1])))
    return out


def plot_curve(curve: IBCurve | SampleIBCurve, layers: Any = None, ax: Any = None, *, label: str | None = None):
    """Plot an IB curve (with its bootstrap band) and optional layer points against it.

    Parameters
    ----------
    curve : IBCurve or SampleIBCurve
        From :func:`infolens.ib.curve`, :func:`gaussian_curve` or :func:`from_samples`.
    layers : optional
        Layer points in any form accepted by :func:`layer_points` (pairs, a mapping, an
        ``InformationPlane`` or its records).
    ax : matplotlib Axes, optional
        Axes to draw into (a new figure otherwise).
    label : str, optional
        Legend label of the curve.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from infolens import ib
    >>> c = ib.gaussian_curve([[1.0]], [[0.8]], [[1.0]])
    >>> ax = ib.plot_curve(c, layers=[(0.3, 0.2)])  # doctest: +SKIP
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in the report extra
        raise ImportError("plot_curve needs matplotlib: pip install infolens[report]") from exc
    band = None
    if isinstance(curve, SampleIBCurve):
        band = curve
        curve = curve.curve
    if not isinstance(curve, IBCurve):
        raise TypeError(f"curve must be an IBCurve or SampleIBCurve; got {type(curve).__name__}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    x = curve.complexity
    ax.plot(x, curve.i_ty, "-o", ms=3, label=label or f"IB curve ({curve.method})")
    if band is not None and band.n_boot > 0:
        ax.fill_between(band.grid, band.lower, band.upper, alpha=0.25,
                        label=f"{100 * band.ci_level:.0f}% bootstrap band")
    ax.axhline(curve.i_xy, color="gray", ls=":", lw=1, label="I(X;Y)")
    if layers is not None:
        for name, ixt, ity in layer_points(layers, unit=curve.unit):
            ax.plot([ixt], [ity], "s", label=name)
    ax.set_xlabel(f"{curve.plane} [{curve.unit}]")
    ax.set_ylabel(f"I(T;Y) [{curve.unit}]")
    ax.legend(fontsize="small")
    return ax
