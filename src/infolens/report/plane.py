"""Information-plane tracking during the report's training run.

Uses ``infolens.nn.InformationPlane`` when it is installed; otherwise the section says
the plane was not recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from .sections import Context, _optional

__all__ = ["start", "finish"]


def start(ctx: Context, *, estimator: str | None, epochs: int) -> Callable[[int], None] | None:
    """Create the tracker; return a per-epoch callback (or ``None`` when unavailable)."""
    plane_cls = _optional("infolens.nn", "InformationPlane")
    if plane_cls is None:
        ctx.plane_note = ("The information plane needs infolens.nn.InformationPlane (issue 4), "
                          "which is not part of this installation yet, so it was not recorded.")
        return None
    raise NotImplementedError  # replaced when InformationPlane lands


def finish(ctx: Context) -> None:
    """Finalise the tracker after training (nothing to do without one)."""
    return None
