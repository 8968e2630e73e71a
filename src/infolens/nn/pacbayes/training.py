"""Training the posterior of a stochastic network by minimising a PAC-Bayes bound.

:func:`pac_bayes_train` takes SGD (or Adam) steps on :func:`~.objectives.bound_objective`
(or the ``"bbb"`` variational objective) with one weight draw per batch (Dziugaite & Roy
2017; Pérez-Ortiz et al. 2021).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from .data import _as_tensors, _batches
from .evaluation import _draws_from, _weight_generator
from .layers import posterior_kl, prob_layers, set_mode
from .objectives import _check_bound_kind, bound_objective, bounded_cross_entropy

__all__ = ["pac_bayes_train"]


def pac_bayes_train(
    model: nn.Module,
    data: Any,
    *,
    objective: str = "quad",
    delta: float = 0.025,
    epochs: int = 10,
    lr: float = 1e-3,
    momentum: float = 0.9,
    batch_size: int = 128,
    p_min: float = 1e-4,
    optimizer: str = "sgd",
    kl_penalty: float | None = None,
    random_state: int | None = None,
) -> list[dict[str, float]]:
    r"""Train the posterior of a probabilistic network by minimising a PAC-Bayes bound.

    Each step draws one network per batch, computes the bounded cross-entropy
    (:func:`bounded_cross_entropy`) on the batch as :math:`\hat L`, the full
    :math:`\mathrm{KL}(Q\|P)` (:func:`posterior_kl`), and takes an SGD step on
    :func:`bound_objective` with ``n = len(data)`` (the data the bound will be computed on).

    ``objective="bbb"`` instead minimises :math:`\hat L + \eta\,\mathrm{KL}/n` with
    :math:`\eta` = ``kl_penalty`` (the variational objective of Blundell et al. 2015 with
    a KL weight, Pérez-Ortiz et al.'s :math:`f_{\mathrm{bbb}}`).  It is not a bound: with
    :math:`\eta < 1` it lets the posterior move further from the prior than the bounds
    would, to trace how much KL a lower empirical risk costs.  Any objective may be used
    to train the posterior; the certificate (:func:`certificate`) stays valid because the
    PAC-Bayes bound holds for every posterior at once.

    Parameters
    ----------
    model : torch.nn.Module
        Output of :func:`to_probabilistic` (modified in place).
    data : (X, y) or TensorDataset
        The bound split.
    objective : {"quad", "lambda", "mcallester", "classic", "bbb"}
    delta : float
        Confidence used inside the objective (unused by ``"bbb"``).
    epochs, lr, momentum, batch_size : training settings.
    optimizer : {"sgd", "adam"}, default "sgd"
        SGD with ``momentum`` (as Pérez-Ortiz et al.) or Adam.
    p_min : float
        Probability floor of the bounded cross-entropy.
    kl_penalty : float, optional
        :math:`\eta > 0` of ``objective="bbb"`` (required there, rejected otherwise).
    random_state : int, optional
        Seeds the batch order and the weight draws (local ``torch.Generator`` objects:
        torch's global generator is not reseeded; other randomness in the model, such as
        dropout, draws from it).

    Returns
    -------
    list of dict
        Per epoch: ``objective``, ``empirical_risk`` (bounded CE), ``kl`` (batch averages).

    Raises
    ------
    FloatingPointError
        If the objective becomes NaN or infinite (typically a learning rate too large
        for a small ``prior_sigma``: the KL's curvature in the means is
        :math:`1/\sigma_P^2`).  The model is left as it was when the objective was evaluated
        (its parameters may already be non-finite): rebuild it before retrying.

    References
    ----------
    Dziugaite & Roy (2017); Pérez-Ortiz et al. (2021), Section 5.
    """
    x, y = _as_tensors(data)
    n = x.shape[0]
    if not prob_layers(model):
        raise ValueError("model has no probabilistic layer; call to_probabilistic first.")
    _check_objective(objective, delta, kl_penalty)
    gen = torch.Generator().manual_seed(0 if random_state is None else int(random_state))
    set_mode(model, "sample")
    opt = _make_optimizer(model, optimizer, lr, momentum)

    def loss_of(risk: torch.Tensor, kl: torch.Tensor) -> torch.Tensor:
        if objective == "bbb":
            return risk + kl_penalty * kl / n
        return bound_objective(risk, kl, n, delta=delta, kind=objective)

    def check(loss: torch.Tensor, epoch: int) -> None:
        if not torch.isfinite(loss):
            raise FloatingPointError(
                f"the {objective!r} objective became {loss.item()} at epoch {epoch}; "
                f"lower lr (now {lr}) or use optimizer='adam' (the KL's curvature in the "
                "means is 1/prior_sigma**2)."
            )

    history: list[dict[str, float]] = []
    with _draws_from(model, _weight_generator(model, random_state)):
        for epoch in range(int(epochs)):
            batches = _batches(n, batch_size, gen)
            history.append(_train_epoch(model, x, y, batches, opt, loss_of, check, epoch, p_min))
    return history


def _check_objective(objective: str, delta: float, kl_penalty: float | None) -> None:
    """``objective`` is a bound kind (then ``kl_penalty`` must be absent) or ``"bbb"``
    (then ``kl_penalty`` > 0 is required)."""
    if objective == "bbb":
        if kl_penalty is None or not (math.isfinite(kl_penalty) and kl_penalty > 0):
            raise ValueError(
                f"objective='bbb' needs kl_penalty > 0 (the KL weight eta); got {kl_penalty!r}."
            )
    else:
        if kl_penalty is not None:
            raise ValueError(
                f"kl_penalty is only used by objective='bbb'; got objective={objective!r}."
            )
        _check_bound_kind(objective, delta, name="objective", also=("bbb",))


def _make_optimizer(
    model: nn.Module, optimizer: str, lr: float, momentum: float
) -> torch.optim.Optimizer:
    """SGD with momentum or Adam over the trainable parameters of ``model``."""
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"optimizer must be 'sgd' or 'adam'; got {optimizer!r}.")


def _train_epoch(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    batches: Iterator[torch.Tensor],
    opt: torch.optim.Optimizer,
    loss_of: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    check: Callable[[torch.Tensor, int], None],
    epoch: int,
    p_min: float,
) -> dict[str, float]:
    """One pass over ``batches`` (one weight draw per batch); the batch averages of the
    objective, the bounded cross-entropy and the KL."""
    tot, tot_risk, tot_kl, nb = 0.0, 0.0, 0.0, 0
    for idx in batches:
        risk = bounded_cross_entropy(model(x[idx]), y[idx], p_min=p_min).mean()
        kl = posterior_kl(model)
        loss = loss_of(risk, kl)
        check(loss, epoch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
        tot_risk += risk.item()
        tot_kl += kl.item()
        nb += 1
    return {"objective": tot / nb, "empirical_risk": tot_risk / nb, "kl": tot_kl / nb}
