"""The 'Model and training' section."""

from __future__ import annotations

from typing import Any

from ._base import (
    Section,
    SectionContext,
    _pct,
)


def section_training(ctx: SectionContext) -> Section:
    """Model, data and the training curve (always available)."""
    from ..figures import new_figure, to_png
    from ..model import error_rate

    d = ctx.data
    train_err = error_rate(ctx.model, d.x_train, d.y_train, batch_size=ctx.batch_size)
    test_err = error_rate(ctx.model, d.x_test, d.y_test, batch_size=ctx.batch_size)
    n_params = int(sum(p.numel() for p in ctx.model.parameters()))
    numbers: dict[str, Any] = {
        "train_error": train_err,
        "test_error": test_err,
        "n_parameters": n_params,
        "n_train": int(len(d.y_train)),
        "n_test": int(len(d.y_test)),
    }
    figs = []
    if ctx.trained and ctx.history is not None and ctx.history.epochs:
        h = ctx.history
        numbers["epochs"] = len(h.epochs)
        numbers["final_loss"] = h.loss[-1]
        numbers["training_seconds"] = round(h.seconds, 2)
        numbers["curve"] = {"loss": h.loss, "train_error": h.train_error,
                            "test_error": h.test_error}
        fig, (a1, a2) = new_figure(2, width=4.2, height=3.2)
        a1.plot(h.epochs, h.loss, color="#1d3557")
        a1.set_xlabel("epoch")
        a1.set_ylabel("training cross-entropy (nats)")
        a2.plot(h.epochs, h.train_error, label="train")
        a2.plot(h.epochs, h.test_error, label="test")
        a2.set_xlabel("epoch")
        a2.set_ylabel("0-1 error")
        a2.legend()
        figs.append(to_png(fig, "training", "Training loss and error per epoch"))
        how = (f"Trained for {len(h.epochs)} epochs (Adam, learning rate "
               f"{ctx.params['lr']}, batch size {ctx.params['batch_size']}, seed {ctx.seed}).")
    else:
        how = ("The model was loaded from a checkpoint and not trained here."
               if ctx.params.get("model") else
               "The model was passed in from Python and not trained here.")
        from ..figures import new_figure as _nf

        fig, ax = _nf(1, width=4.5, height=3.0)
        ax.bar(["train", "test"], [train_err, test_err], color=["#457b9d", "#e63946"])
        ax.set_ylabel("0-1 error")
        figs.append(to_png(fig, "training", "Train and test error of the loaded model"))
    gap = test_err - train_err
    reading = (
        f"{how} The model has {n_params:,} parameters and misclassifies {_pct(train_err)} of "
        f"the {len(d.y_train)} training examples and {_pct(test_err)} of the {len(d.y_test)} "
        f"held-out test examples (a generalisation gap of {100 * gap:.1f} percentage points). "
        "The sections below ask what information theory says about these numbers."
    )
    return Section("training", "Model and training", reading=reading, figures=figs,
                   numbers=numbers, method=f"Data: {d.description}")
