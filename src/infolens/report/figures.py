"""Matplotlib helpers: every figure is rendered off-screen (Agg) to PNG bytes."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

__all__ = ["Figure", "label_points", "new_figure", "to_png"]


@dataclass(frozen=True)
class Figure:
    """A rendered figure: file name (``figures/<name>.png``), PNG bytes, alt text."""

    name: str
    png: bytes
    alt: str


def new_figure(ncols: int = 1, *, width: float = 6.4, height: float = 4.0) -> tuple[Any, Any]:
    """A fresh matplotlib figure on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width * ncols if ncols > 1 else width, height), dpi=100,
                    layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def to_png(fig: Any, name: str, alt: str) -> Figure:
    """Render ``fig`` to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return Figure(name, buf.getvalue(), alt)


def label_points(ax: Any, xs: Any, ys: Any, names: list[str], *, min_sep: float = 0.05) -> list[str]:
    """Name each point of ``ax`` once; points closer than ``min_sep`` (a fraction of the
    axes, after the limits are set) share one label, ``"a, b, c"``, instead of printing
    over each other.  Returns the labels written, in order."""
    import numpy as np

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    fx = (np.asarray(xs, float) - x0) / ((x1 - x0) or 1.0)
    fy = (np.asarray(ys, float) - y0) / ((y1 - y0) or 1.0)
    groups: list[list[int]] = []
    for i in range(len(names)):
        for g in groups:
            j = g[0]
            if math.hypot(fx[i] - fx[j], fy[i] - fy[j]) < min_sep:
                g.append(i)
                break
        else:
            groups.append([i])
    labels = []
    for g in groups:
        text = ", ".join(names[i] for i in g)
        # right-hand points get their label on the left, so it stays inside the axes
        right = fx[g[0]] > 0.8
        ax.annotate(text, (xs[g[0]], ys[g[0]]), textcoords="offset points",
                    xytext=(-4 if right else 4, 4), ha="right" if right else "left", fontsize=7)
        labels.append(text)
    return labels
