r"""Turn a deterministic network into a Gaussian mean-field stochastic one, with its prior.

:func:`to_probabilistic` replaces every :class:`torch.nn.Linear` / :class:`torch.nn.Conv2d`
by :class:`~.layers.ProbLinear` / :class:`~.layers.ProbConv2d` whose posterior means are
the network's weights, and sets the prior means: zero, a network at initialisation
(Dziugaite & Roy 2017) or a network trained on a prior split (Pérez-Ortiz et al. 2021).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn

from .layers import ProbConv2d, ProbLinear

__all__ = ["to_probabilistic"]


def to_probabilistic(
    model: nn.Module,
    *,
    prior: Any = "zero",
    prior_sigma: float = 0.03,
    sigma_init: float | None = None,
    parameterization: str = "softplus",
    prior_indices: Any = None,
) -> nn.Module:
    r"""Wrap a (trained) network into a Gaussian mean-field stochastic network.

    Returns a deep copy in which every :class:`torch.nn.Linear` and :class:`torch.nn.Conv2d`
    is replaced by :class:`ProbLinear` / :class:`ProbConv2d` whose posterior means are the
    network's current weights and whose posterior standard deviations start at
    ``sigma_init``.  Any other module holding parameters (e.g. batch norm) makes the call
    fail: its parameters would be learned from the data but not paid for in the KL.

    Parameters
    ----------
    model : torch.nn.Module
    prior : "zero" or torch.nn.Module, default "zero"
        ``"zero"``: prior means 0.  A module with the same architecture: its weights are
        the prior means (its initial state for Dziugaite & Roy's prior; a network
        trained on a prior split for a data-dependent prior, then give ``prior_indices``).
    prior_sigma : float, default 0.03
        Prior standard deviation :math:`\sigma_P` (fix it before seeing the bound data).
    sigma_init : float, optional
        Initial posterior standard deviation (default ``prior_sigma``).
    parameterization : {"softplus", "log_sigma"}
    prior_indices : array_like of int, optional
        Indices (in your full dataset) of the examples used to build the prior.

    Returns
    -------
    torch.nn.Module
        The stochastic network (attributes ``pacbayes_prior_kind`` and
        ``pacbayes_prior_indices`` record how the prior was made).

    References
    ----------
    Dziugaite & Roy (2017); Pérez-Ortiz et al. (2021).

    Examples
    --------
    >>> import torch
    >>> from infolens.nn.pacbayes import posterior_kl, prob_layers
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    >>> pnet = to_probabilistic(net, prior=net, prior_sigma=0.05)
    >>> len(prob_layers(pnet)), round(posterior_kl(pnet).item(), 6)   # Q = P at the start
    (2, 0.0)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    prior_model, kind = _resolve_prior(prior, prior_indices)
    new = copy.deepcopy(model)
    prior_modules = dict(prior_model.named_modules()) if prior_model is not None else {}
    settings = dict(prior_sigma=prior_sigma, sigma_init=sigma_init, parameterization=parameterization)
    if any(True for _ in model.parameters(recurse=False)) and not isinstance(
        model, (nn.Linear, nn.Conv2d)
    ):
        raise TypeError(
            f"{type(model).__name__} holds parameters directly; only Linear/Conv2d are supported."
        )
    if isinstance(new, (nn.Linear, nn.Conv2d)):
        if prior_model is not None:
            prior_modules = {"0": prior_model}
        holder = nn.Sequential(new)
        _convert_children(holder, "", prior_modules, prior_model is not None, settings)
        new = holder
    else:
        _convert_children(new, "", prior_modules, prior_model is not None, settings)
    new.pacbayes_prior_kind = kind
    new.pacbayes_prior_indices = (
        None if prior_indices is None else np.unique(np.asarray(prior_indices))
    )
    return new


def _resolve_prior(prior: Any, prior_indices: Any) -> tuple[nn.Module | None, str]:
    """The prior network (None for the zero-mean prior) and the kind of prior it makes."""
    if isinstance(prior, str):
        if prior != "zero":
            raise ValueError(
                f"prior must be 'zero' or a torch.nn.Module with the same architecture; got {prior!r}. "
                "For a prior centred at initialisation pass a copy of the network made before training."
            )
        return None, "zero-mean isotropic"
    if isinstance(prior, nn.Module):
        kind = (
            "data-dependent (learned on a prior split)" if prior_indices is not None else "centred"
        )
        return prior, kind
    raise TypeError(f"prior must be 'zero' or a torch.nn.Module; got {type(prior).__name__}.")


def _convert_children(
    parent: nn.Module,
    prefix: str,
    prior_modules: dict[str, nn.Module],
    has_prior: bool,
    settings: dict[str, Any],
) -> None:
    """Replace, in place and recursively, every Linear/Conv2d child of ``parent`` by its
    probabilistic version; refuse any other module holding parameters."""
    for name, child in list(parent.named_children()):
        full = f"{prefix}.{name}" if prefix else name
        if isinstance(child, (nn.Linear, nn.Conv2d)):
            pm = prior_modules.get(full)
            if has_prior and (pm is None or type(pm) is not type(child)):
                raise ValueError(
                    f"prior has no {type(child).__name__} at {full!r}; the prior network must "
                    "have the same architecture as the model."
                )
            setattr(parent, name, _prob_version(child, pm, settings))
        else:
            if any(True for _ in child.parameters(recurse=False)):
                raise TypeError(
                    f"module {full!r} ({type(child).__name__}) has parameters that are neither "
                    "Linear nor Conv2d; they would be fitted to the data without being paid for "
                    "in the KL. Remove or freeze it into a fixed function first."
                )
            _convert_children(child, full, prior_modules, has_prior, settings)


def _prob_version(
    child: nn.Linear | nn.Conv2d, pm: nn.Module | None, settings: dict[str, Any]
) -> ProbLinear | ProbConv2d:
    """The probabilistic layer whose posterior means are ``child``'s weights and whose prior
    means are ``pm``'s (zero without a prior layer)."""
    pw = pm.weight.data if pm is not None else torch.zeros_like(child.weight.data)
    has_b = child.bias is not None
    pb = None
    if has_b:
        pb = pm.bias.data if pm is not None else torch.zeros_like(child.bias.data)
    common = dict(
        **settings,
        weight_mu=child.weight.data,
        bias_mu=child.bias.data if has_b else None,
        prior_weight_mu=pw,
        prior_bias_mu=pb,
    )
    if isinstance(child, nn.Linear):
        return ProbLinear(child.in_features, child.out_features, has_b, **common)
    return ProbConv2d(
        child.in_channels,
        child.out_channels,
        child.kernel_size,
        child.stride,
        child.padding,
        child.dilation,
        child.groups,
        has_b,
        **common,
    )
