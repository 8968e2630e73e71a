"""Matplotlib helpers: every figure is rendered off-screen (Agg) to PNG bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

__all__ = ["Figure", "new_figure", "to_png"]


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
