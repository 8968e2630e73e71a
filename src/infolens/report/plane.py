"""Information-plane tracking during the report's training run.

Uses :class:`infolens.nn.InformationPlane` on the training inputs at roughly log-spaced
epochs.  The default estimator is the binning of the original information-plane studies
(4 equal bins per unit on the stated range [-1, 1]) when every tracked layer is bounded
(tanh/sigmoid), and fixed-width unbounded bins otherwise, so that values are never
silently clipped; 20 bootstrap resamples give each value an interval, which the
data-processing check uses to tell estimator noise from real increases.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .errors import InputError
from .sections import Context, _optional

__all__ = ["start", "finish", "from_history", "HistoryPlane", "default_estimator", "N_POINTS"]

N_POINTS = 12
_BOUNDED = ("Tanh", "Sigmoid", "Hardtanh", "Softsign")


def default_estimator(model: Any, layers: list[str]) -> tuple[str, dict[str, Any]]:
    """Pick the plane estimator: range binning for bounded layers, width binning otherwise."""
    mods = dict(model.named_modules())
    if all(type(mods[n]).__name__ in _BOUNDED for n in layers):
        # 4 bins per unit: with ~10^3 inputs and 16-32 units, 30 bins per unit give every
        # input its own joint bin at every epoch (saturated at log2 n, nothing to see)
        return "binning_range", {"bins": 4, "range": (-1.0, 1.0), "n_boot": 20}
    return "binning_width", {"width": 0.1, "n_boot": 20}


def start(ctx: Context, *, estimator: str | None, epochs: int) -> Callable[[int], None] | None:
    """Create the tracker; return a per-epoch callback (``None`` when unavailable).

    Raises
    ------
    InputError
        An unknown ``--estimator`` name (with the list of valid ones).
    """
    plane_cls = _optional("infolens.nn", "InformationPlane")
    schedule_fn = _optional("infolens.nn", "log_schedule")
    if plane_cls is None or schedule_fn is None:
        ctx.plane_note = ("The information plane needs infolens.nn.InformationPlane (issue 4), "
                          "which is not part of this installation yet, so it was not recorded.")
        return None
    hidden = ctx.layers[:-1] or ctx.layers  # the hidden representations (logits excluded)
    if estimator is None:
        name, options = default_estimator(ctx.capture_model, hidden)
    else:
        name, options = estimator, {}
    schedule = schedule_fn(epochs, N_POINTS) if ctx.trained else [0]
    try:
        idx = ctx.subset("train")
        plane = plane_cls(ctx.capture_model, ctx.data.x_train[idx], ctx.data.y_train[idx], layers=hidden,
                          estimator=name, estimator_options=options, epochs=schedule, base=2)
    except (ValueError, KeyError) as exc:
        if estimator is not None:
            raise InputError(f"--estimator {estimator!r}: {exc}") from None
        raise
    ctx.plane = plane
    ctx.cache["plane_options"] = dict(options)
    ctx.cache["plane_warnings"] = []
    ctx.cache["plane_schedule"] = schedule

    first = schedule[0]

    def on_epoch(epoch: int) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                plane(epoch)
            except ValueError as exc:
                # the first measurement happens before training: an estimator that cannot
                # handle these layers is the user's choice to fix, not an internal error
                if epoch == first and estimator is not None:
                    raise InputError(f"--estimator {estimator!r} cannot measure these layers: "
                                     f"{exc}") from None
                raise
        for w in caught:
            msg = f"epoch {epoch}: {w.message}"
            if msg not in ctx.cache["plane_warnings"]:
                ctx.cache["plane_warnings"].append(msg)

    return on_epoch


class HistoryPlane:
    """Records read back from a file that :class:`infolens.nn.InformationPlane` wrote
    during the user's own training (``path=``); the plane and DPI sections read
    ``records`` and ``layers`` exactly as from a plane recorded here."""

    _KEYS = ("layer", "epoch", "quantity", "value", "unit")

    def __init__(self, path: str) -> None:
        from infolens.nn.plane import load_records

        try:
            records = load_records(path)
        except FileNotFoundError:
            raise InputError(f"--history {path}: no such file.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"--history {path}: not JSON lines written by "
                             f"infolens.nn.InformationPlane(path=...) ({exc}).") from None
        if not records:
            raise InputError(f"--history {path}: the file holds no record.")
        for i, r in enumerate(records):
            missing = [k for k in self._KEYS if not isinstance(r, dict) or k not in r]
            if missing:
                raise InputError(f"--history {path}: line {i + 1} lacks {missing}; expected the "
                                 "records of infolens.nn.InformationPlane(path=...).")
        if len({r["unit"] for r in records}) != 1:
            raise InputError(f"--history {path}: records in more than one unit.")
        order: dict[str, int] = {}
        for r in records:
            order.setdefault(r["layer"], r.get("layer_index", len(order)))
        self.records = records
        self.layers = sorted(order, key=order.get)
        self.path = path


def from_history(path: str) -> HistoryPlane:
    """Read ``--history FILE`` (see :class:`HistoryPlane`)."""
    return HistoryPlane(path)


def finish(ctx: Context) -> None:
    """Nothing to flush: the records live in ``ctx.plane.records``."""
    return None
