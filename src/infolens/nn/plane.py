"""Information-plane tracking: I(X;T_l) and I(T_l;Y) of chosen layers during training.

:class:`InformationPlane` records, at scheduled epochs (:func:`log_schedule`), the two
numbers of every chosen layer as measured by a layer estimator of
:mod:`infolens.nn.plane_estimators` (which explains what each one measures: for a
deterministic network and continuous input, I(X;T) is infinite or fixed by the
architecture, so every finite value is that of a modified layer), saves them as JSON
lines, and plots them (:func:`plot_information_plane`; over seeds :func:`track_seeds`,
:func:`summarize_seeds`, :func:`plot_seeds`).  The estimator names are re-exported here.

Usage
-----
::

    plane = InformationPlane(model, x, y, layers=["1", "3"], epochs=log_schedule(100, 20),
                             path="plane.jsonl")
    plane(0)                        # before training
    for epoch in range(1, 101):
        train_one_epoch(model)
        plane(epoch)                # records only at scheduled epochs, saves each time
    plane.plot().savefig("plane.png")
"""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .._validate import (
    check_base,
    check_consistent_length,
    check_positive_int,
    check_samples,
)
from ..estimate._counting import row_codes
from ..units import unit_name
from .activations import _preserved_modes, capture, select_layers

# the layer estimators, re-exported for imports from infolens.nn.plane
from .plane_estimators import (
    BinRangeWarning,  # noqa: F401
    KDEBounds,  # noqa: F401
    LayerEstimator,  # noqa: F401
    NoisyNetwork,  # noqa: F401
    QuantileBinning,  # noqa: F401
    RangeBinning,  # noqa: F401
    SampleEstimator,  # noqa: F401
    SaturationWarning,  # noqa: F401
    WidthBinning,  # noqa: F401
    make_layer_estimator,  # noqa: F401
)

__all__ = [
    "InformationPlane",
    "log_schedule",
    "load_records",
    "plot_information_plane",
    "track_seeds",
    "summarize_seeds",
    "plot_seeds",
]


# --------------------------------------------------------------------------- schedule


def log_schedule(n_epochs: int, n_points: int) -> list[int]:
    """Roughly log-spaced epochs at which to record, always including 0 and ``n_epochs``.

    Parameters
    ----------
    n_epochs : int
        Last epoch (epochs are numbered 0 = before training, ..., ``n_epochs``).
    n_points : int
        Target number of epochs; fewer are returned when rounding makes early epochs
        coincide (every epoch 0..k is then included).

    Returns
    -------
    list of int
        Sorted distinct epochs ``0, round(geomspace(1, n_epochs, n_points - 1))``.

    Examples
    --------
    >>> log_schedule(1000, 5)
    [0, 1, 10, 100, 1000]
    """
    n_epochs = check_positive_int(n_epochs, "n_epochs")
    n_points = check_positive_int(n_points, "n_points", minimum=2)
    pts = np.rint(np.geomspace(1, n_epochs, n_points - 1)).astype(int) if n_points > 2 else []
    return sorted({0, n_epochs, *(int(p) for p in pts)})


# --------------------------------------------------------------------------- plane


def _to_jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _to_jsonable(w) for k, w in v.items()}
    if isinstance(v, (list, tuple)):
        return [_to_jsonable(w) for w in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


class InformationPlane:
    """Record I(X;T_l) and I(T_l;Y) of chosen layers at chosen epochs.

    Parameters
    ----------
    model : torch.nn.Module
    x : tensor or array of shape (n, ...)
        The inputs on which information is measured (e.g. all 4096 patterns of the 12-bit
        task), fed to the model in batches; converted to the dtype of the model's
        parameters (values unchanged, e.g. uint8 bits become 0.0/1.0).
    y : array of shape (n,)
        Discrete labels.
    layers : layer specification, see :func:`infolens.nn.activations.select_layers`
        Checked when the plane is built; order = order of the layers in the plot.
    estimator : str or LayerEstimator, default "binning_range"
        See :func:`make_layer_estimator`; ``estimator_options`` are passed on for a name.
        The default is the fixed-range binning of Shwartz-Ziv & Tishby (2017), 30 bins on
        [-1, 1] (:class:`RangeBinning`).
    epochs : iterable of int, optional
        Epochs at which :meth:`__call__` records (e.g. :func:`log_schedule`); ``None``
        records at every call.
    base : {"e", 2, 10}, default "e"
        Unit of the recorded values: nats by default, like every function of infolens;
        pass ``base=2`` for bits, the unit of the information-plane literature (and of the
        report).  The default was 2 (bits) before the units were made the same everywhere;
        pass ``base=2`` to keep bits.
    path : str or PathLike, optional
        JSON-lines file rewritten atomically (temporary file + ``os.replace``) after every
        recorded epoch, so an interrupted run keeps what it recorded.  With
        ``resume=True`` records already in the file are loaded first.
    batch_size : int, device : optional
        Passed to :func:`~infolens.nn.activations.capture`.

    Attributes
    ----------
    records : list of dict
        The tidy table: one row per (layer, epoch, quantity) with keys ``layer``,
        ``layer_index``, ``epoch``, ``quantity`` (``"I(X;T)"`` or ``"I(T;Y)"``),
        ``measures`` (the exact finite quantity, e.g. ``"I(X;B(T))"``), ``value``, ``ci``,
        ``unit``, ``n``, ``estimator``, ``params``.

    References
    ----------
    R. Shwartz-Ziv and N. Tishby, arXiv:1703.00810, 2017; A. M. Saxe et al., ICLR 2018.
    """

    def __init__(
        self,
        model: nn.Module,
        x: Any,
        y: Any,
        layers: Any = None,
        *,
        estimator: str | LayerEstimator = "binning_range",
        estimator_options: dict[str, Any] | None = None,
        epochs: Iterable[int] | None = None,
        base: Any = "e",
        path: str | os.PathLike | None = None,
        resume: bool = False,
        batch_size: int = 4096,
        device: Any = None,
    ) -> None:
        self.model = model
        self._named = select_layers(model, layers)
        self.layers = [n for n, _ in self._named]
        xt = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
        if xt.ndim == 0 or xt.shape[0] == 0:
            raise ValueError("x must hold at least one sample (first axis = samples).")
        pdt = next((p.dtype for p in model.parameters() if p.is_floating_point()), None)
        if pdt is not None and xt.dtype != pdt and xt.dtype not in (torch.int64, torch.int32):
            # e.g. uint8 bit patterns or float64 arrays -> the model's dtype; int64/int32
            # stay as they are: token ids for an Embedding must not become floats
            xt = xt.to(pdt)
        self._x = xt
        ya = check_samples(y, "y", kind="discrete")
        check_consistent_length(x=xt, y=ya)
        self._y = row_codes(ya)
        self._lb = check_base(base)
        self.unit = unit_name(base)
        self.estimator = make_layer_estimator(estimator, **(estimator_options or {}))
        xflat = xt.reshape(xt.shape[0], -1).detach().cpu().numpy()
        self.estimator.prepare(xflat, self._y)
        self.epochs = None if epochs is None else sorted({int(e) for e in epochs})
        self.batch_size = batch_size
        self.device = device
        self.path = None if path is None else os.fspath(path)
        self.records: list[dict[str, Any]] = []
        if self.path is not None and resume and os.path.exists(self.path):
            self.records = load_records(self.path)

    def should_record(self, epoch: int) -> bool:
        """True when ``epoch`` is in the schedule (always when no schedule was given)."""
        return self.epochs is None or int(epoch) in self.epochs

    def __call__(self, epoch: int, *_: Any, **__: Any) -> list[dict[str, Any]]:
        """Callback form: record at ``epoch`` if it is scheduled; returns the new rows."""
        if not self.should_record(epoch):
            return []
        return self.record(epoch)

    def on_train_epoch_end(self, trainer: Any, *_: Any) -> list[dict[str, Any]]:
        """Hook with the signature of a PyTorch Lightning callback method.

        Records (if scheduled) at epoch ``trainer.current_epoch + 1`` — epoch 0 being the
        untrained model, recorded by calling ``plane(0)`` before ``trainer.fit``.
        """
        return self(int(trainer.current_epoch) + 1)

    def record(self, epoch: int) -> list[dict[str, Any]]:
        """Measure every layer now and append the rows for ``epoch`` (and save them)."""
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
            raise TypeError(f"epoch must be an int; got {type(epoch).__name__}.")
        est = self.estimator
        if est.needs_model:
            with _preserved_modes(self.model):
                self.model.eval()
                pairs = est.estimate_model(self.model, self._x, self._named)
        else:
            acts = capture(self.model, self._x, self.layers, batch_size=self.batch_size,
                           device=self.device)
            pairs = {name: est.estimate(np.asarray(acts[name]), layer=name)
                     for name in self.layers}
        rows = []
        for i, name in enumerate(self.layers):
            for q, e in zip(("I(X;T)", "I(T;Y)"), pairs[name], strict=True):
                rows.append({
                    "layer": name, "layer_index": i, "epoch": int(epoch), "quantity": q,
                    "measures": e.quantity, "value": float(e) / self._lb,
                    "ci": None if e.ci is None else [c / self._lb for c in e.ci],
                    "unit": self.unit, "n": e.n, "estimator": est.name,
                    "params": _to_jsonable(e.params),
                })
        self.records.extend(rows)
        if self.path is not None:
            self._save()
        return rows

    def _save(self) -> None:
        tmp = f"{self.path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(r) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def plot(self, **kwargs: Any) -> Any:
        """Plot the recorded plane (see :func:`plot_information_plane`)."""
        return plot_information_plane(self.records, **kwargs)


def load_records(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Read a JSON-lines file written by :class:`InformationPlane`."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _plane_points(records: Sequence[dict[str, Any]]):
    table: dict[tuple[int, str], dict[str, float]] = {}
    order: dict[str, int] = {}
    for r in records:
        table.setdefault((r["epoch"], r["layer"]), {})[r["quantity"]] = r["value"]
        order.setdefault(r["layer"], r.get("layer_index", len(order)))
    layers = sorted(order, key=order.get)
    epochs = sorted({e for e, _ in table})
    return table, layers, epochs


def plot_information_plane(
    records: Sequence[dict[str, Any]],
    *,
    ax: Any = None,
    cmap: str = "viridis",
    title: str | None = None,
) -> Any:
    """Scatter I(X;T) against I(T;Y) for every layer and epoch, coloured by epoch.

    Points of one epoch are joined across layers (the classic picture); each layer has its
    own marker.  Returns the matplotlib Figure.
    """
    import matplotlib

    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5))
    else:
        fig = ax.figure
    table, layers, epochs = _plane_points(records)
    if not epochs:
        raise ValueError("records is empty; record at least one epoch first.")
    norm = (matplotlib.colors.LogNorm(vmin=max(1, epochs[0]), vmax=max(2, epochs[-1]))
            if epochs[-1] > 10 else matplotlib.colors.Normalize(epochs[0], max(epochs[-1], 1)))
    cm = matplotlib.colormaps[cmap]
    markers = "os^Dv<>ph*"
    for e in epochs:
        pts = [(table[(e, ly)].get("I(X;T)"), table[(e, ly)].get("I(T;Y)"))
               for ly in layers if (e, ly) in table]
        xs, ys = zip(*pts, strict=True)
        col = cm(norm(max(e, 1)))
        ax.plot(xs, ys, "-", color=col, alpha=0.4, lw=0.8)
    for i, ly in enumerate(layers):
        xs = [table[(e, ly)]["I(X;T)"] for e in epochs if (e, ly) in table]
        ys = [table[(e, ly)]["I(T;Y)"] for e in epochs if (e, ly) in table]
        es = [max(e, 1) for e in epochs if (e, ly) in table]
        sc = ax.scatter(xs, ys, c=es, cmap=cm, norm=norm, marker=markers[i % len(markers)],
                        s=22, edgecolors="k", linewidths=0.3, label=f"layer {ly}")
    unit = records[0].get("unit", "")
    ax.set_xlabel(f"I(X;T) [{unit}]")
    ax.set_ylabel(f"I(T;Y) [{unit}]")
    est = records[0].get("estimator", "")
    ax.set_title(title if title is not None else f"information plane ({est})")
    fig.colorbar(sc, ax=ax, label="epoch")
    ax.legend(fontsize=7, loc="lower right")
    return fig


# --------------------------------------------------------------------------- seeds


def track_seeds(run: Callable[[int], Sequence[dict[str, Any]]], seeds: Iterable[int]
                ) -> list[dict[str, Any]]:
    """Call ``run(seed)`` (which trains and returns plane records) for every seed.

    Returns all rows with a ``seed`` key added.
    """
    out = []
    for s in seeds:
        for r in run(int(s)):
            out.append(dict(r, seed=int(s)))
    if not out:
        raise ValueError("no records: run(seed) returned nothing for every seed.")
    return out


def summarize_seeds(records: Sequence[dict[str, Any]], *, band: tuple[float, float] = (0.25, 0.75)
                    ) -> list[dict[str, Any]]:
    """Median and quantile band over seeds for every (layer, epoch, quantity).

    Returns rows with keys ``layer``, ``layer_index``, ``epoch``, ``quantity``, ``median``,
    ``low``, ``high`` (the ``band`` quantiles) and ``n_seeds``.
    """
    lo_q, hi_q = band
    if not 0 <= lo_q < hi_q <= 1:
        raise ValueError(f"band={band!r} must be two quantiles 0 <= low < high <= 1.")
    groups: dict[tuple[str, int, str], list[float]] = {}
    index: dict[str, int] = {}
    for r in records:
        groups.setdefault((r["layer"], r["epoch"], r["quantity"]), []).append(r["value"])
        index.setdefault(r["layer"], r.get("layer_index", 0))
    rows = []
    for (ly, ep, q), vals in sorted(groups.items(), key=lambda kv: (index[kv[0][0]], kv[0][1],
                                                                      kv[0][2])):
        v = np.asarray(vals)
        rows.append({"layer": ly, "layer_index": index[ly], "epoch": ep, "quantity": q,
                     "median": float(np.median(v)), "low": float(np.quantile(v, lo_q)),
                     "high": float(np.quantile(v, hi_q)), "n_seeds": len(v)})
    return rows


def plot_seeds(records: Sequence[dict[str, Any]], *, band: tuple[float, float] = (0.25, 0.75),
               axes: Any = None) -> Any:
    """Plot the median over seeds and a quantile band of I(X;T) and I(T;Y) against epoch.

    Returns the matplotlib Figure (two panels, one line and band per layer).
    """
    summary = summarize_seeds(records, band=band)
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    fig = axes[0].figure
    unit = records[0].get("unit", "")
    layers = sorted({r["layer"] for r in summary},
                    key=lambda ly: next(r["layer_index"] for r in summary if r["layer"] == ly))
    for ax, q in zip(axes, ("I(X;T)", "I(T;Y)"), strict=True):
        for ly in layers:
            rows = [r for r in summary if r["layer"] == ly and r["quantity"] == q]
            ep = [r["epoch"] for r in rows]
            line, = ax.plot(ep, [r["median"] for r in rows], label=f"layer {ly}")
            ax.fill_between(ep, [r["low"] for r in rows], [r["high"] for r in rows],
                            color=line.get_color(), alpha=0.25)
        ax.set_xscale("symlog", linthresh=1.0)  # log-like, with epoch 0 at 0
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{q} [{unit}]")
    n_seeds = max(r["n_seeds"] for r in summary)
    axes[0].set_title(f"median and {band[0]:g}-{band[1]:g} band over {n_seeds} seeds")
    axes[1].legend(fontsize=7)
    return fig
