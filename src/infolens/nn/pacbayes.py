r"""PAC-Bayes for PyTorch networks: Gaussian mean-field layers, training by a bound, and
risk certificates.

The stochastic predictor :math:`Q` draws every weight independently,
:math:`w_i \sim \mathcal N(\mu_i, \sigma_i^2)`, once per forward pass (one network per
pass, shared by the whole batch, as the Monte-Carlo step of the certificate requires);
the prior :math:`P` is :math:`\mathcal N(\mu^P_i, \sigma_P^2)` per weight, so

.. math:: \mathrm{KL}(Q\|P) = \sum_i \ln\frac{\sigma_P}{\sigma_i}
          + \frac{\sigma_i^2 + (\mu_i - \mu^P_i)^2}{2\sigma_P^2} - \frac12,

summed over **every** probabilistic parameter of the model (all weights and biases of all
:class:`ProbLinear` / :class:`ProbConv2d` layers).

Priors (``to_probabilistic(model, prior=...)``):

- ``"zero"``: zero-mean isotropic;
- a network with the same architecture whose weights are the prior means: its state at
  initialisation (Dziugaite & Roy 2017; data-independent), or a network trained on a
  *prior split* of the data (Pérez-Ortiz et al. 2021; data-dependent).  For the latter
  pass ``prior_indices``; :func:`certificate` then requires the bound split's indices and
  refuses overlapping splits, and ``n`` is always the size of the data given to it.

References
----------
Dziugaite, G. K. & Roy, D. M. (2017). Computing nonvacuous generalization bounds for deep
(stochastic) neural networks with many more parameters than training data. UAI.
Pérez-Ortiz, M., Rivasplata, O., Shawe-Taylor, J. & Szepesvári, C. (2021). Tighter risk
certificates for neural networks. JMLR 22(227).
Blundell, C. et al. (2015). Weight uncertainty in neural networks. ICML (mean-field
Gaussian layers, softplus parameterisation).
"""

from __future__ import annotations

import contextlib
import copy
import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..bounds.pac_bayes import (
    BoundResult,
    gibbs_posterior_bound,
    holdout_bound,
    stochastic_risk_certificate,
)
from .activations import _preserved_modes

__all__ = [
    "ProbLinear",
    "ProbConv2d",
    "to_probabilistic",
    "prob_layers",
    "posterior_kl",
    "set_mode",
    "bounded_cross_entropy",
    "bound_objective",
    "pac_bayes_train",
    "split_indices",
    "certificate",
    "PACBayesCertificate",
    "gibbs_certificate",
    "gibbs_network",
    "GibbsCertificate",
]

_MODES = ("sample", "mean", "prior_mean", "prior_sample")
_PARAMS = ("softplus", "log_sigma")


def _inv_softplus(x: float) -> float:
    return x + math.log(-math.expm1(-x))


class _ProbLayer(nn.Module):
    """Shared machinery of the Gaussian mean-field layers."""

    def _setup(
        self,
        weight_mu: torch.Tensor,
        bias_mu: torch.Tensor | None,
        prior_weight_mu: torch.Tensor | None,
        prior_bias_mu: torch.Tensor | None,
        *,
        prior_sigma: float,
        sigma_init: float | None,
        parameterization: str,
    ) -> None:
        # a prior mean that is not given is zero (the zero-mean isotropic prior)
        if prior_weight_mu is None:
            prior_weight_mu = torch.zeros_like(weight_mu)
        if bias_mu is not None and prior_bias_mu is None:
            prior_bias_mu = torch.zeros_like(bias_mu)
        if parameterization not in _PARAMS:
            raise ValueError(
                f"parameterization must be one of {_PARAMS}; got {parameterization!r}."
            )
        if not (
            isinstance(prior_sigma, (int, float)) and math.isfinite(prior_sigma) and prior_sigma > 0
        ):
            raise ValueError(f"prior_sigma must be a positive number; got {prior_sigma!r}.")
        sigma_init = prior_sigma if sigma_init is None else sigma_init
        if not (
            isinstance(sigma_init, (int, float)) and math.isfinite(sigma_init) and sigma_init > 0
        ):
            raise ValueError(f"sigma_init must be a positive number; got {sigma_init!r}.")
        if prior_weight_mu.shape != weight_mu.shape:
            raise ValueError(
                f"prior weight shape {tuple(prior_weight_mu.shape)} != posterior weight shape "
                f"{tuple(weight_mu.shape)}; the prior network must have the same architecture."
            )
        self.parameterization = parameterization
        raw = _inv_softplus(sigma_init) if parameterization == "softplus" else math.log(sigma_init)
        self.weight_mu = nn.Parameter(weight_mu.detach().clone().float())
        self.weight_rho = nn.Parameter(torch.full_like(self.weight_mu, raw))
        self.register_buffer("prior_weight_mu", prior_weight_mu.detach().clone().float())
        if bias_mu is not None:
            if prior_bias_mu is None or prior_bias_mu.shape != bias_mu.shape:
                raise ValueError("the prior must have a bias of the same shape as the posterior's.")
            self.bias_mu = nn.Parameter(bias_mu.detach().clone().float())
            self.bias_rho = nn.Parameter(torch.full_like(self.bias_mu, raw))
            self.register_buffer("prior_bias_mu", prior_bias_mu.detach().clone().float())
        else:
            self.bias_mu = None
            self.bias_rho = None
            self.prior_bias_mu = None
        self.register_buffer("prior_sigma", torch.tensor(float(prior_sigma)))
        self.mode = "sample"
        self._fixed: tuple[torch.Tensor, torch.Tensor | None] | None = None

    #: generator of the weight draws (None: torch's global one); set only for the duration
    #: of a seeded call by :func:`_local_draws`, never left behind
    _generator: torch.Generator | None = None

    def _noise(self, like: torch.Tensor) -> torch.Tensor:
        gen = self._generator
        if gen is None:
            return torch.randn_like(like)
        out = torch.randn(like.shape, generator=gen, dtype=like.dtype, device=gen.device)
        return out.to(like.device)

    def _sigma(self, rho: torch.Tensor) -> torch.Tensor:
        return F.softplus(rho) if self.parameterization == "softplus" else torch.exp(rho)

    @property
    def weight_sigma(self) -> torch.Tensor:
        return self._sigma(self.weight_rho)

    @property
    def bias_sigma(self) -> torch.Tensor | None:
        return None if self.bias_rho is None else self._sigma(self.bias_rho)

    def _draw(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.mode == "prior_mean":
            return self.prior_weight_mu, self.prior_bias_mu
        if self.mode == "_fixed":  # one prior draw held for several forward passes
            return self._fixed
        if self.mode == "prior_sample":
            s = self.prior_sigma
            w = self.prior_weight_mu + s * self._noise(self.prior_weight_mu)
            b = None
            if self.prior_bias_mu is not None:
                b = self.prior_bias_mu + s * self._noise(self.prior_bias_mu)
            return w, b
        if self.mode == "mean":
            return self.weight_mu, self.bias_mu
        w = self.weight_mu + self.weight_sigma * self._noise(self.weight_mu)
        b = None
        if self.bias_mu is not None:
            b = self.bias_mu + self.bias_sigma * self._noise(self.bias_mu)
        return w, b

    def kl(self) -> torch.Tensor:
        """KL(Q||P) of this layer's weights and biases, nats (differentiable)."""
        total = _gauss_kl(self.weight_mu, self.weight_sigma, self.prior_weight_mu, self.prior_sigma)
        if self.bias_mu is not None:
            total = total + _gauss_kl(
                self.bias_mu, self.bias_sigma, self.prior_bias_mu, self.prior_sigma
            )
        return total

    def n_parameters(self) -> int:
        """Number of stochastic scalars (weights + biases)."""
        return self.weight_mu.numel() + (0 if self.bias_mu is None else self.bias_mu.numel())


def _gauss_kl(
    mu: torch.Tensor, sigma: torch.Tensor, mu_p: torch.Tensor, sigma_p: torch.Tensor
) -> torch.Tensor:
    var_ratio = (sigma / sigma_p) ** 2
    return 0.5 * torch.sum(var_ratio + ((mu - mu_p) / sigma_p) ** 2 - 1.0 - torch.log(var_ratio))


class ProbLinear(_ProbLayer):
    r"""Gaussian mean-field version of :class:`torch.nn.Linear`.

    Each weight is :math:`\mathcal N(\mu, \sigma^2)` with :math:`\sigma = \ln(1+e^\rho)`
    (``parameterization="softplus"``) or :math:`\sigma = e^{s}` (``"log_sigma"``); the
    prior is :math:`\mathcal N(\mu^P, \sigma_P^2)`.  In mode ``"sample"`` (default) a
    fresh weight matrix is drawn at every forward pass; ``"mean"`` uses :math:`\mu`,
    ``"prior_mean"`` uses :math:`\mu^P` and ``"prior_sample"`` draws from the prior
    (see :func:`set_mode`).

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default True
    prior_sigma : float, default 0.1
        :math:`\sigma_P`.
    sigma_init : float, optional
        Initial posterior standard deviation (default ``prior_sigma``).
    parameterization : {"softplus", "log_sigma"}
    weight_mu, bias_mu : Tensor, optional
        Initial posterior means (default: :class:`torch.nn.Linear`'s initialisation).
    prior_weight_mu, prior_bias_mu : Tensor, optional
        Prior means (default zero).

    References
    ----------
    Blundell et al. (2015); Pérez-Ortiz et al. (2021).

    Examples
    --------
    >>> import torch
    >>> layer = ProbLinear(3, 2, prior_sigma=0.1)
    >>> layer.kl().item() > 0     # posterior means start at a random init, prior at 0
    True
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        prior_sigma: float = 0.1,
        sigma_init: float | None = None,
        parameterization: str = "softplus",
        weight_mu: torch.Tensor | None = None,
        bias_mu: torch.Tensor | None = None,
        prior_weight_mu: torch.Tensor | None = None,
        prior_bias_mu: torch.Tensor | None = None,
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        if weight_mu is None:
            ref = nn.Linear(in_features, out_features, bias=bias)
            weight_mu = ref.weight.data
            bias_mu = ref.bias.data if bias else None
        self._setup(
            weight_mu,
            bias_mu if bias else None,
            prior_weight_mu,
            prior_bias_mu if bias else None,
            prior_sigma=prior_sigma,
            sigma_init=sigma_init,
            parameterization=parameterization,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w, b = self._draw()
        return F.linear(x, w, b)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias_mu is not None}, mode={self.mode}"
        )


class ProbConv2d(_ProbLayer):
    r"""Gaussian mean-field version of :class:`torch.nn.Conv2d` (see :class:`ProbLinear`).

    Parameters
    ----------
    in_channels, out_channels, kernel_size : int or tuple
    stride, padding, dilation, groups : as in :class:`torch.nn.Conv2d`
    bias : bool, default True
    prior_sigma, sigma_init, parameterization, weight_mu, bias_mu, prior_weight_mu, prior_bias_mu
        As in :class:`ProbLinear`.

    Examples
    --------
    >>> import torch
    >>> conv = ProbConv2d(1, 2, 3, padding=1)
    >>> conv(torch.zeros(1, 1, 5, 5)).shape
    torch.Size([1, 2, 5, 5])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        *,
        prior_sigma: float = 0.1,
        sigma_init: float | None = None,
        parameterization: str = "softplus",
        weight_mu: torch.Tensor | None = None,
        bias_mu: torch.Tensor | None = None,
        prior_weight_mu: torch.Tensor | None = None,
        prior_bias_mu: torch.Tensor | None = None,
    ) -> None:
        super().__init__()
        ref = nn.Conv2d(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias
        )
        self.stride, self.padding, self.dilation, self.groups = (
            ref.stride,
            ref.padding,
            ref.dilation,
            groups,
        )
        self.in_channels, self.out_channels, self.kernel_size = (
            in_channels,
            out_channels,
            ref.kernel_size,
        )
        if weight_mu is None:
            weight_mu = ref.weight.data
            bias_mu = ref.bias.data if bias else None
        self._setup(
            weight_mu,
            bias_mu if bias else None,
            prior_weight_mu,
            prior_bias_mu if bias else None,
            prior_sigma=prior_sigma,
            sigma_init=sigma_init,
            parameterization=parameterization,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w, b = self._draw()
        return F.conv2d(x, w, b, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, mode={self.mode}"
        )


def prob_layers(model: nn.Module) -> list[_ProbLayer]:
    """All probabilistic layers of ``model``, in module order."""
    return [m for m in model.modules() if isinstance(m, _ProbLayer)]


def posterior_kl(model: nn.Module) -> torch.Tensor:
    r"""KL(Q||P) of the whole model: the sum over **every** probabilistic layer, nats.

    For mean-field Gaussians the KL factorises over weights,

    .. math:: \mathrm{KL}(Q\|P) = \sum_{i} \Bigl[\ln\frac{\sigma_{P,i}}{\sigma_{Q,i}}
              + \frac{\sigma_{Q,i}^2 + (\mu_{Q,i}-\mu_{P,i})^2}{2\sigma_{P,i}^2}
              - \frac12\Bigr],

    so the model's KL is the sum of the layers' :meth:`kl` (Blundell et al. 2015;
    Dziugaite & Roy 2017).  Raises if the model has no probabilistic layer.
    Differentiable.

    References
    ----------
    Blundell, C., Cornebise, J., Kavukcuoglu, K. & Wierstra, D. (2015). Weight uncertainty
    in neural networks. *ICML*.

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(ProbLinear(2, 2), torch.nn.ReLU(), ProbLinear(2, 1))
    >>> bool(torch.isclose(posterior_kl(net), net[0].kl() + net[2].kl()))
    True
    """
    layers = prob_layers(model)
    if not layers:
        raise ValueError(
            "model has no ProbLinear/ProbConv2d layer; wrap it with to_probabilistic first."
        )
    return torch.stack([layer.kl() for layer in layers]).sum()


def set_mode(model: nn.Module, mode: str) -> nn.Module:
    """Set every probabilistic layer to ``"sample"`` (draw from the posterior at each
    forward pass), ``"mean"``, ``"prior_mean"`` or ``"prior_sample"`` (draw from the prior)."""
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}; got {mode!r}.")
    for layer in prob_layers(model):
        layer.mode = mode
    return model


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
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    >>> pnet = to_probabilistic(net, prior=net, prior_sigma=0.05)
    >>> len(prob_layers(pnet)), round(posterior_kl(pnet).item(), 6)   # Q = P at the start
    (2, 0.0)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    if isinstance(prior, str):
        if prior != "zero":
            raise ValueError(
                f"prior must be 'zero' or a torch.nn.Module with the same architecture; got {prior!r}. "
                "For a prior centred at initialisation pass a copy of the network made before training."
            )
        prior_model = None
        kind = "zero-mean isotropic"
    elif isinstance(prior, nn.Module):
        prior_model = prior
        kind = (
            "data-dependent (learned on a prior split)" if prior_indices is not None else "centred"
        )
    else:
        raise TypeError(f"prior must be 'zero' or a torch.nn.Module; got {type(prior).__name__}.")
    new = copy.deepcopy(model)
    prior_modules = dict(prior_model.named_modules()) if prior_model is not None else {}

    def convert(parent: nn.Module, prefix: str) -> None:
        for name, child in list(parent.named_children()):
            full = f"{prefix}.{name}" if prefix else name
            if isinstance(child, (nn.Linear, nn.Conv2d)):
                pm = prior_modules.get(full)
                if prior_model is not None and (pm is None or type(pm) is not type(child)):
                    raise ValueError(
                        f"prior has no {type(child).__name__} at {full!r}; the prior network must "
                        "have the same architecture as the model."
                    )
                pw = pm.weight.data if pm is not None else torch.zeros_like(child.weight.data)
                has_b = child.bias is not None
                pb = None
                if has_b:
                    pb = pm.bias.data if pm is not None else torch.zeros_like(child.bias.data)
                common = dict(
                    prior_sigma=prior_sigma,
                    sigma_init=sigma_init,
                    parameterization=parameterization,
                    weight_mu=child.weight.data,
                    bias_mu=child.bias.data if has_b else None,
                    prior_weight_mu=pw,
                    prior_bias_mu=pb,
                )
                if isinstance(child, nn.Linear):
                    layer = ProbLinear(child.in_features, child.out_features, has_b, **common)
                else:
                    layer = ProbConv2d(
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
                setattr(parent, name, layer)
            else:
                if any(True for _ in child.parameters(recurse=False)):
                    raise TypeError(
                        f"module {full!r} ({type(child).__name__}) has parameters that are neither "
                        "Linear nor Conv2d; they would be fitted to the data without being paid for "
                        "in the KL. Remove or freeze it into a fixed function first."
                    )
                convert(child, full)

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
        convert(holder, "")
        new = holder
    else:
        convert(new, "")
    new.pacbayes_prior_kind = kind
    new.pacbayes_prior_indices = (
        None if prior_indices is None else np.unique(np.asarray(prior_indices))
    )
    return new


def bounded_cross_entropy(
    logits: torch.Tensor, y: torch.Tensor, *, p_min: float = 1e-4
) -> torch.Tensor:
    r"""Cross-entropy rescaled to [0, 1]: :math:`-\ln\max(p_y, p_{\min}) / \ln(1/p_{\min})`.

    The PAC-Bayes bounds need a loss in [0, 1]; clamping the predicted probability at
    :math:`p_{\min}` and dividing by :math:`\ln(1/p_{\min})` gives one (Dziugaite & Roy 2018;
    Pérez-Ortiz et al. 2021).  Returns the per-example losses.
    """
    if not 0 < p_min < 1:
        raise ValueError(f"p_min must lie in (0, 1); got {p_min!r}.")
    logp = F.log_softmax(logits, dim=-1).gather(-1, y.long().view(-1, 1)).squeeze(-1)
    return -torch.clamp(logp, min=math.log(p_min)) / math.log(1.0 / p_min)


_BOUND_KINDS = ("quad", "lambda", "mcallester", "classic")


def _check_bound_kind(kind: str, delta: float, *, name: str, also: tuple[str, ...] = ()) -> None:
    """Reject an unknown bound ``kind`` (reported as argument ``name``; ``also`` lists the
    other values the caller accepts) or a delta outside (0, 1)."""
    if kind not in _BOUND_KINDS:
        valid = ", ".join(map(repr, _BOUND_KINDS + also))
        raise ValueError(f"{name} must be one of {valid}; got {kind!r}.")
    if not 0 < delta < 1:
        raise ValueError(f"delta must lie in (0, 1); got {delta!r}.")


def bound_objective(
    empirical_risk: torch.Tensor,
    kl: torch.Tensor,
    n: int,
    *,
    delta: float,
    kind: str = "quad",
) -> torch.Tensor:
    r"""Differentiable PAC-Bayes bound for training (torch versions of the relaxations).

    With :math:`B = \mathrm{KL} + \ln(2\sqrt n/\delta)`:

    - ``"quad"``: :math:`(\sqrt{\hat L + B/(2n)} + \sqrt{B/(2n)})^2` (Pérez-Ortiz et al. 2021);
    - ``"lambda"``: Thiemann et al.'s bound at its optimal :math:`\lambda`; this minimum is
      algebraically the ``"quad"`` bound (so both train the same posterior; Pérez-Ortiz et
      al.'s :math:`f_\lambda` instead learns :math:`\lambda` alongside the weights);
    - ``"mcallester"``: :math:`\hat L + \sqrt{B/(2n)}`;
    - ``"classic"``: :math:`\hat L + \sqrt{(\mathrm{KL} + \ln(n/\delta))/(2(n-1))}` (Dziugaite & Roy 2017).

    Numerically equal to the NumPy bounds of :mod:`infolens.bounds.pac_bayes`.
    """
    _check_bound_kind(kind, delta, name="kind")
    if kind == "classic":
        return empirical_risk + torch.sqrt((kl + math.log(n / delta)) / (2 * (n - 1)))
    B = kl + math.log(2 * math.sqrt(n) / delta)
    if kind == "quad":
        r = B / (2 * n)
        return (torch.sqrt(empirical_risk + r) + torch.sqrt(r)) ** 2
    if kind == "mcallester":
        return empirical_risk + torch.sqrt(B / (2 * n))
    lam = 2.0 / (torch.sqrt(2.0 * n * empirical_risk / B + 1.0) + 1.0)
    return empirical_risk / (1 - lam / 2) + B / (n * lam * (1 - lam / 2))


def _as_tensors(data: Any, name: str = "data") -> tuple[torch.Tensor, torch.Tensor]:
    if isinstance(data, torch.utils.data.TensorDataset):
        data = data.tensors
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"{name} must be a pair (X, y) of arrays/tensors or a TensorDataset with two tensors."
        )
    x, y = (torch.as_tensor(np.asarray(v)) if not isinstance(v, torch.Tensor) else v for v in data)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: X has {x.shape[0]} rows but y has {y.shape[0]}.")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty.")
    return x.float(), y.long()


def _weight_generator(model: nn.Module, seed: int | None) -> torch.Generator | None:
    """A torch.Generator on the device of the probabilistic layers, seeded with ``seed``
    (None without a seed: the draws then come from torch's global generator)."""
    if seed is None:
        return None
    dev = prob_layers(model)[0].weight_mu.device
    return torch.Generator(device=dev).manual_seed(int(seed))


@contextlib.contextmanager
def _draws_from(model: nn.Module, gen: torch.Generator | None) -> Iterator[None]:
    """Inside, every probabilistic layer draws its weights from ``gen`` (with a
    generator, torch's global one is neither used nor reseeded); restored on exit."""
    layers = prob_layers(model)
    saved = [(la, la.__dict__.get("_generator")) for la in layers]
    try:
        for la in layers:
            la._generator = gen
        yield
    finally:
        for la, g in saved:
            if g is None:
                la.__dict__.pop("_generator", None)
            else:
                la._generator = g


@contextlib.contextmanager
def _certifying(model: nn.Module, gen: torch.Generator | None) -> Iterator[None]:
    """Evaluate ``model`` for a certificate and leave it exactly as it was.

    Weight draws come from ``gen`` (:func:`_draws_from`).  On every exit, also by an
    exception, the training flag of each module and the grad mode
    (:func:`~infolens.nn.activations._preserved_modes`, shared with ``capture``) and each
    probabilistic layer's mode (``"sample"``, ``"mean"``, ...) and held draw are restored.
    """
    saved = [(la, la.mode, la._fixed) for la in prob_layers(model)]
    with _preserved_modes(model), _draws_from(model, gen):
        try:
            yield
        finally:
            for la, mode, fixed in saved:
                la.mode, la._fixed = mode, fixed


def _batches(n: int, batch_size: int, gen: torch.Generator) -> Iterator[torch.Tensor]:
    perm = torch.randperm(n, generator=gen)
    for i in range(0, n, batch_size):
        yield perm[i : i + batch_size]


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
    gen = torch.Generator().manual_seed(0 if random_state is None else int(random_state))
    set_mode(model, "sample")
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=momentum)
    elif optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam'; got {optimizer!r}.")
    history = []
    with _draws_from(model, _weight_generator(model, random_state)):
        for _ in range(int(epochs)):
            tot, tot_risk, tot_kl, nb = 0.0, 0.0, 0.0, 0
            for idx in _batches(n, batch_size, gen):
                risk = bounded_cross_entropy(model(x[idx]), y[idx], p_min=p_min).mean()
                kl = posterior_kl(model)
                if objective == "bbb":
                    loss = risk + kl_penalty * kl / n
                else:
                    loss = bound_objective(risk, kl, n, delta=delta, kind=objective)
                if not torch.isfinite(loss):
                    raise FloatingPointError(
                        f"the {objective!r} objective became {loss.item()} at epoch {len(history)}; "
                        f"lower lr (now {lr}) or use optimizer='adam' (the KL's curvature in the "
                        "means is 1/prior_sigma**2)."
                    )
                opt.zero_grad()
                loss.backward()
                opt.step()
                tot += loss.item()
                tot_risk += risk.item()
                tot_kl += kl.item()
                nb += 1
            history.append({"objective": tot / nb, "empirical_risk": tot_risk / nb, "kl": tot_kl / nb})
    return history


def split_indices(
    n: int, prior_fraction: float, *, random_state: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint random index sets ``(prior_idx, bound_idx)`` of sizes ~``prior_fraction * n`` and the rest."""
    if not 0 < prior_fraction < 1:
        raise ValueError(f"prior_fraction must lie in (0, 1); got {prior_fraction!r}.")
    rng = np.random.default_rng(random_state)
    perm = rng.permutation(int(n))
    k = int(round(prior_fraction * n))
    if k == 0 or k == n:
        raise ValueError(f"prior_fraction={prior_fraction} leaves an empty split for n={n}.")
    return np.sort(perm[:k]), np.sort(perm[k:])


def _holdout_line(holdout: BoundResult) -> str:
    """The summary line of a same-examples hold-out bound."""
    return (
        f"hold-out bound (same examples) {holdout.value:.4f} "
        f"(error {holdout.empirical_risk:.4f}, delta {holdout.delta})"
    )


@dataclass(frozen=True)
class PACBayesCertificate:
    """Risk certificate of a stochastic network, with every term named.

    Attributes
    ----------
    risk_01 : float
        Certified upper bound on the 0-1 risk of the stochastic predictor.
    risk_ce : float
        Certified upper bound on its bounded cross-entropy risk (in [0, 1]).
    kl : float
        KL(Q||P) in nats.
    n : int
        Number of examples the bound used (the size of ``data``).
    empirical_risk_01, empirical_risk_ce : float
        Monte-Carlo estimates of the empirical risks (average over ``mc_samples`` networks).
    mc_bound_01, mc_bound_ce : float
        Their upper confidence bounds (the Monte-Carlo step, ``mc_method``).
    mc_samples : int
    delta, delta_mc : float
        Budgets of the PAC-Bayes and the sampling steps; each certificate holds with
        probability ``1 - delta - delta_mc``.
    holdout : BoundResult or None
        Hold-out bound on the same examples for the prior-mean network (data-dependent
        prior) or for ``holdout_model``, at confidence ``holdout.delta``.
    posterior_mean_error : float
        0-1 error of the posterior-mean network on ``data`` (information only).
    prior_kind : str
    bound_01, bound_ce : BoundResult
        The full results of :func:`infolens.bounds.stochastic_risk_certificate`.
    bound : str
        PAC-Bayes bound used (``"kl"`` or ``"catoni"``; Catoni's constant is
        ``bound_01.terms["C"]``).
    mc_method : str
        Form of the Monte-Carlo step (``"kl"``, ``"bernstein"`` or ``"best"``).
    """

    risk_01: float
    risk_ce: float
    kl: float
    n: int
    empirical_risk_01: float
    empirical_risk_ce: float
    mc_bound_01: float
    mc_bound_ce: float
    mc_samples: int
    delta: float
    delta_mc: float
    holdout: BoundResult | None
    posterior_mean_error: float
    prior_kind: str
    bound_01: BoundResult = field(repr=False)
    bound_ce: BoundResult = field(repr=False)
    bound: str = "kl"
    mc_method: str = "kl"

    def summary(self) -> str:
        """One line per term, for reports."""
        lines = [
            f"0-1 risk certificate      {self.risk_01:.4f}  ({self.bound} bound)",
            f"bounded-CE certificate    {self.risk_ce:.4f}",
            f"KL(Q||P)                  {self.kl:.4f} nats",
            f"n (bound split)           {self.n}",
            f"empirical 0-1 (MC)        {self.empirical_risk_01:.4f}  ({self.mc_samples} weight samples)",
            f"MC bound on empirical 0-1 {self.mc_bound_01:.4f}  ({self.mc_method})",
            f"delta (PAC-Bayes), delta' (MC)  {self.delta}, {self.delta_mc}",
            f"prior                     {self.prior_kind}",
        ]
        if self.holdout is not None:
            lines.append(_holdout_line(self.holdout))
        return "\n".join(lines)


@torch.no_grad()
def _errors(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, p_min: float, batch: int
) -> tuple[float, float]:
    err, ce = 0.0, 0.0
    for i in range(0, x.shape[0], batch):
        out = model(x[i : i + batch])
        err += float((out.argmax(-1) != y[i : i + batch]).sum())
        ce += float(bounded_cross_entropy(out, y[i : i + batch], p_min=p_min).sum())
    return err / x.shape[0], ce / x.shape[0]


def _check_split(model: nn.Module, indices: Any, n: int) -> np.ndarray | None:
    """The prior split's indices (or None); raises if the bound data overlaps it."""
    prior_idx = getattr(model, "pacbayes_prior_indices", None)
    if prior_idx is not None:
        if indices is None:
            raise ValueError(
                "the prior was learned on a prior split (prior_indices were given): pass indices= of "
                "the bound data so that the two splits can be checked for overlap."
            )
        idx = np.unique(np.asarray(indices))
        if idx.size != n:
            raise ValueError(f"indices has {idx.size} distinct entries but data has {n} rows.")
        overlap = np.intersect1d(idx, prior_idx)
        if overlap.size:
            raise ValueError(
                f"{overlap.size} examples are in both the prior split and the bound split "
                f"(e.g. index {int(overlap[0])}); the bound is invalid on data the prior has seen."
            )
    return prior_idx


@torch.no_grad()
def certificate(
    model: nn.Module,
    data: Any,
    *,
    delta: float = 0.025,
    delta_mc: float = 0.01,
    mc_samples: int = 1000,
    p_min: float = 1e-4,
    indices: Any = None,
    holdout_model: nn.Module | None = None,
    holdout_delta: float | None = None,
    bound: str = "kl",
    catoni_c: float | None = None,
    mc_method: str = "kl",
    xi: str = "2sqrt",
    eval_batch_size: int | None = None,
    random_state: int | None = None,
) -> PACBayesCertificate:
    r"""PAC-Bayes risk certificate of a stochastic network on the bound split ``data``.

    1. Draw ``mc_samples`` networks :math:`h_j \sim Q`; each is evaluated on **all** of
       ``data`` (one weight draw per network, shared across the examples), giving
       :math:`\hat L_m` for the 0-1 loss and the bounded cross-entropy.
    2. :math:`\hat L(Q) \le \mathrm{kl}^{-1}_{+}(\hat L_m, \ln(2/\delta')/m)`
       (``mc_method="kl"``), or the empirical-Bernstein bound from the spread of the
       ``m`` per-draw risks (``"bernstein"``; ``"best"`` takes the smaller at
       :math:`\delta'/2` each): :func:`infolens.bounds.mc_sampling_bound`.
    3. :math:`L(Q) \le \mathrm{kl}^{-1}_{+}(\cdot, (\mathrm{KL} + \ln(2\sqrt n/\delta))/n)`
       with ``n = len(data)`` (``bound="kl"``; ``xi="exact"`` replaces :math:`2\sqrt n`
       by Maurer's :math:`\xi(n)`), or Catoni's bound at the constant ``catoni_c``
       (``bound="catoni"``), which pays :math:`\ln(1/\delta)` instead of
       :math:`\ln(2\sqrt n/\delta)`; that constant must be fixed without the bound data.

    Each certificate holds with probability at least :math:`1-\delta-\delta'`.  Next to it,
    the hold-out bound :math:`\mathrm{kl}^{-1}_{+}(\text{err}, \ln(1/\delta_h)/n)` on the
    same examples, for the prior-mean network when the prior was learned on a prior split
    (or for ``holdout_model``): a certificate is only interesting below it.

    Parameters
    ----------
    model : torch.nn.Module
        Output of :func:`to_probabilistic` (possibly trained by :func:`pac_bayes_train`).
    data : (X, y) or TensorDataset
        The bound split; never used to build the prior.
    delta, delta_mc : float
        Budgets of the PAC-Bayes and the Monte-Carlo steps.
    mc_samples : int
        Number of weight samples ``m``.
    p_min : float
        Floor of the bounded cross-entropy.
    indices : array_like of int, optional
        Indices of ``data`` in the full dataset; required when the prior was learned on a
        prior split (``prior_indices`` given to :func:`to_probabilistic`), and checked to
        be disjoint from them.
    holdout_model : torch.nn.Module, optional
        Deterministic predictor for the hold-out comparison (default: the prior-mean
        network when the prior is data-dependent, else none).
    holdout_delta : float, optional
        Confidence of the hold-out bound (default ``delta + delta_mc``, the certificate's).
    bound : {"kl", "catoni"}, default "kl"
        PAC-Bayes bound of step 3.
    catoni_c : float, optional
        Catoni's constant :math:`C > 0` (required with ``bound="catoni"``), chosen without
        the bound data, e.g. by :func:`infolens.bounds.catoni_bound` on a pilot run that
        used only the prior split.
    mc_method : {"kl", "bernstein", "best"}, default "kl"
        Form of the Monte-Carlo step.
    xi : {"2sqrt", "exact"}, default "2sqrt"
        Constant of the kl bound: :math:`2\sqrt n` or Maurer's exact :math:`\xi(n)`
        (:func:`infolens.bounds.maurer_xi`, about 0.47 nats less); ``bound="kl"`` only.
    eval_batch_size : int, optional
        Batch size of the evaluation (default: all of ``data`` at once).
    random_state : int, optional
        Seeds the weight draws (a local ``torch.Generator``; torch's global generator is
        neither used nor reseeded).  ``None``: draws from the global generator.

    Returns
    -------
    PACBayesCertificate
        The model is left as it was, also when the call raises: the training flag of
        every module, the grad mode and the mode of every probabilistic layer.

    References
    ----------
    Langford & Caruana (2001); Dziugaite & Roy (2017); Pérez-Ortiz et al. (2021).
    """
    x, y = _as_tensors(data)
    n = x.shape[0]
    if not prob_layers(model):
        raise ValueError("model has no probabilistic layer; call to_probabilistic first.")
    m = int(mc_samples)
    if m < 1:
        raise ValueError(f"mc_samples must be >= 1; got {mc_samples!r}.")
    if bound not in ("kl", "catoni"):
        raise ValueError(f"bound must be 'kl' or 'catoni'; got {bound!r}.")
    if bound == "catoni" and (
        catoni_c is None or not (math.isfinite(float(catoni_c)) and float(catoni_c) > 0)
    ):
        raise ValueError(
            f"bound='catoni' needs catoni_c > 0 (Catoni's constant, fixed without the bound "
            f"data); got {catoni_c!r}."
        )
    if bound == "kl" and catoni_c is not None:
        raise ValueError("catoni_c is only used by bound='catoni'.")
    if xi not in ("2sqrt", "exact") or (bound == "catoni" and xi != "2sqrt"):
        raise ValueError(
            f"xi must be '2sqrt' or 'exact' and is only used by bound='kl'; got xi={xi!r} "
            f"with bound={bound!r}."
        )
    if mc_method not in ("kl", "bernstein", "best"):
        raise ValueError(f"mc_method must be 'kl', 'bernstein' or 'best'; got {mc_method!r}.")
    if mc_method != "kl" and m < 2:
        raise ValueError(f"mc_method={mc_method!r} needs mc_samples >= 2; got {m}.")
    prior_idx = _check_split(model, indices, n)
    batch = n if eval_batch_size is None else int(eval_batch_size)
    with _certifying(model, _weight_generator(model, random_state)):
        model.eval()
        kl = float(posterior_kl(model))
        set_mode(model, "mean")
        mean_err, _ = _errors(model, x, y, p_min, batch)
        set_mode(model, "sample")
        draws01 = np.empty(m)
        drawsce = np.empty(m)
        for j in range(m):
            draws01[j], drawsce[j] = _errors(model, x, y, p_min, batch)
        ho_err = None
        if holdout_model is not None:
            ho_err, _ = _errors(holdout_model, x, y, p_min, batch)
        elif prior_idx is not None:
            set_mode(model, "prior_mean")
            ho_err, _ = _errors(model, x, y, p_min, batch)
    # per-draw risks are means of losses in [0, 1]; min() only removes float round-off
    draws01 = np.minimum(draws01, 1.0)
    drawsce = np.minimum(drawsce, 1.0)
    e01, ece = float(draws01.mean()), float(drawsce.mean())
    opts: dict[str, Any] = dict(delta=delta, delta_mc=delta_mc, bound=bound, mc_method=mc_method)
    if bound == "catoni":
        opts["c"] = float(catoni_c)  # type: ignore[arg-type]
    else:
        opts["xi"] = xi
    c01 = stochastic_risk_certificate(draws01, None, kl, n, **opts)
    cce = stochastic_risk_certificate(drawsce, None, kl, n, **opts)
    hd = (delta + delta_mc) if holdout_delta is None else holdout_delta
    hb = None if ho_err is None else holdout_bound(ho_err, n, delta=hd)
    return PACBayesCertificate(
        risk_01=c01.value,
        risk_ce=cce.value,
        kl=kl,
        n=n,
        empirical_risk_01=e01,
        empirical_risk_ce=ece,
        mc_bound_01=c01.terms["mc_bound"],
        mc_bound_ce=cce.terms["mc_bound"],
        mc_samples=m,
        delta=delta,
        delta_mc=delta_mc,
        holdout=hb,
        posterior_mean_error=mean_err,
        prior_kind=getattr(model, "pacbayes_prior_kind", "unknown"),
        bound_01=c01,
        bound_ce=cce,
        bound=bound,
        mc_method=mc_method,
    )


# ------------------------------------------- Gibbs posterior over a sample of the prior


@dataclass(frozen=True)
class GibbsCertificate:
    """Certificate of the Gibbs posterior over networks drawn from the prior.

    Attributes
    ----------
    risk_01 : float
        Certified upper bound on the 0-1 risk of the stochastic predictor :math:`Q`
        (draw network ``i`` with probability ``weights[i]``, predict with it).
    kl : float
        KL(Q || uniform over the drawn networks), nats.
    n : int
        Number of bound examples.
    empirical_risk_01 : float
        :math:`\\hat L(Q) = \\sum_i q_i r_i` on the bound examples (exact).
    prior_mean_risk : float
        Average 0-1 risk of the drawn networks on the bound examples (:math:`Q = \\pi`).
    prior_samples : int
        Number ``M`` of networks drawn from the prior.
    delta : float
        Failure probability (no Monte-Carlo step: all of it goes to the PAC-Bayes step).
    catoni_c : float
        Catoni's constant used.
    weights : ndarray, shape (M,)
        Posterior probabilities of the drawn networks.
    seeds : ndarray, shape (M,)
        Torch seed of each draw (:func:`gibbs_network` rebuilds network ``i``).
    risks : ndarray, shape (M,)
        0-1 risk of each draw on the bound examples.
    holdout : BoundResult or None
        Hold-out bound of the prior-mean network (or ``holdout_model``) on the same examples.
    bound : BoundResult
        Full result of :func:`infolens.bounds.gibbs_posterior_bound`.
    """

    risk_01: float
    kl: float
    n: int
    empirical_risk_01: float
    prior_mean_risk: float
    prior_samples: int
    delta: float
    catoni_c: float
    weights: np.ndarray = field(repr=False)
    seeds: np.ndarray = field(repr=False)
    risks: np.ndarray = field(repr=False)
    holdout: BoundResult | None
    bound: BoundResult = field(repr=False)

    def summary(self) -> str:
        """One line per term, for reports."""
        lines = [
            f"0-1 risk certificate      {self.risk_01:.4f}  (Catoni, Gibbs posterior)",
            f"KL(Q||prior sample)       {self.kl:.4f} nats",
            f"n (bound split)           {self.n}",
            f"empirical 0-1 of Q        {self.empirical_risk_01:.4f}  (exact)",
            f"mean 0-1 of the draws     {self.prior_mean_risk:.4f}  ({self.prior_samples} draws)",
            f"C, delta                  {self.catoni_c:.4g}, {self.delta}",
        ]
        if self.holdout is not None:
            lines.append(_holdout_line(self.holdout))
        return "\n".join(lines)


def _draw_seeds(random_state: int, m: int) -> np.ndarray:
    # 63-bit seeds (torch.manual_seed takes a signed 64-bit integer)
    state = np.random.SeedSequence(int(random_state)).generate_state(m, dtype=np.uint64)
    return state >> np.uint64(1)


def _hold_prior_draw(model: nn.Module, seed: int) -> None:
    """Draw every probabilistic layer's weights from its prior (a local torch.Generator
    seeded with ``seed``, layers in :func:`prob_layers` order) and hold them for the
    following forward passes.  Torch's global generator is neither used nor reseeded."""
    with _draws_from(model, _weight_generator(model, seed)):
        for layer in prob_layers(model):
            layer.mode = "prior_sample"
            layer._fixed = layer._draw()
            layer.mode = "_fixed"


@torch.no_grad()
def gibbs_certificate(
    model: nn.Module,
    data: Any,
    *,
    catoni_c: float,
    delta: float = 0.035,
    prior_samples: int = 2000,
    indices: Any = None,
    holdout_model: nn.Module | None = None,
    holdout_delta: float | None = None,
    eval_batch_size: int | None = None,
    random_state: int = 0,
) -> GibbsCertificate:
    r"""Certify the Gibbs posterior over ``prior_samples`` networks drawn from the prior.

    1. Draw :math:`M` networks :math:`h_i \sim P` from the prior of ``model`` (its
       posterior is ignored), each from its own torch seed derived from ``random_state``:
       the draws do not depend on ``data``, so the uniform distribution :math:`\pi` on them
       is a valid (random) prior.
    2. Compute their 0-1 risks :math:`r_i` on ``data`` and the Gibbs posterior
       :math:`q_i \propto e^{-Cnr_i}`.
    3. Catoni's bound at the constant ``catoni_c``
       (:func:`infolens.bounds.gibbs_posterior_bound`): with probability at least
       :math:`1-\delta`,
       :math:`L(Q) \le (1-\exp(-C\hat L(Q)-(\mathrm{KL}(Q\|\pi)+\ln(1/\delta))/n))
       /(1-e^{-C})`.

    :math:`\hat L(Q)` is computed exactly, so no Monte-Carlo budget is spent.  The
    constant must be fixed without ``data`` (e.g. by a pilot on the prior split).  Next to
    the certificate, the hold-out bound of the prior-mean network on the same examples at
    ``holdout_delta`` (default ``delta``), as in :func:`certificate`.

    Parameters
    ----------
    model : torch.nn.Module
        Output of :func:`to_probabilistic`; its prior (means and ``prior_sigma``) is used.
    data : (X, y) or TensorDataset
        The bound split; never used to build the prior.
    catoni_c : float
        Catoni's constant :math:`C > 0`.
    delta : float, default 0.035
    prior_samples : int, default 2000
        Number :math:`M` of prior draws.
    indices : array_like of int, optional
        Indices of ``data`` in the full dataset (required when the prior was learned on a
        prior split; checked to be disjoint from it).
    holdout_model : torch.nn.Module, optional
        Deterministic predictor for the hold-out comparison (default: the prior mean when
        the prior is data-dependent).
    holdout_delta : float, optional
    eval_batch_size : int, optional
    random_state : int, default 0
        Seeds the draws (keep it to rebuild the networks with :func:`gibbs_network`); each
        draw uses a local ``torch.Generator``, torch's global one is not reseeded.

    Returns
    -------
    GibbsCertificate
        The model is left as it was, also when the call raises (training flags, grad
        mode, modes of the probabilistic layers).

    References
    ----------
    Catoni (2007), Theorem 1.2.6 and the Gibbs posterior of Section 1.2.4.

    Examples
    --------
    >>> import torch
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(300, 4, generator=g); y = (x[:, 0] > 0).long()
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 2))
    >>> with torch.no_grad():
    ...     _ = net[0].weight.copy_(torch.tensor([[-1.0, 0, 0, 0], [1.0, 0, 0, 0]]))
    >>> p = to_probabilistic(net, prior=net, prior_sigma=0.3)
    >>> c = gibbs_certificate(p, (x, y), catoni_c=1.0, prior_samples=200, holdout_model=net)
    >>> bool(c.empirical_risk_01 <= c.prior_mean_risk and c.risk_01 < 0.2)
    True
    """
    x, y = _as_tensors(data)
    n = x.shape[0]
    if not prob_layers(model):
        raise ValueError("model has no probabilistic layer; call to_probabilistic first.")
    if (
        isinstance(catoni_c, bool)
        or not isinstance(catoni_c, numbers.Real)
        or not (math.isfinite(catoni_c) and catoni_c > 0)
    ):
        raise ValueError(
            f"catoni_c must be a positive number fixed without the bound data; got {catoni_c!r}."
        )
    if (
        isinstance(prior_samples, bool)
        or not isinstance(prior_samples, numbers.Integral)
        or prior_samples < 1
    ):
        raise ValueError(f"prior_samples must be a positive integer; got {prior_samples!r}.")
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            f"random_state must be an int (it names the draws, so that they can be rebuilt); "
            f"got {random_state!r}."
        )
    prior_idx = _check_split(model, indices, n)
    batch = n if eval_batch_size is None else int(eval_batch_size)
    prior_samples = int(prior_samples)
    seeds = _draw_seeds(int(random_state), prior_samples)
    risks = np.empty(prior_samples)
    with _certifying(model, None):
        model.eval()
        for i, sd in enumerate(seeds):
            _hold_prior_draw(model, int(sd))
            risks[i], _ = _errors(model, x, y, 1e-4, batch)
        ho_err = None
        if holdout_model is not None:
            ho_err, _ = _errors(holdout_model, x, y, 1e-4, batch)
        elif prior_idx is not None:
            set_mode(model, "prior_mean")
            ho_err, _ = _errors(model, x, y, 1e-4, batch)
    b = gibbs_posterior_bound(np.minimum(risks, 1.0), n, delta=delta, c=float(catoni_c))
    hd = delta if holdout_delta is None else holdout_delta
    hb = None if ho_err is None else holdout_bound(ho_err, n, delta=hd)
    return GibbsCertificate(
        risk_01=b.value,
        kl=float(b.kl),
        n=n,
        empirical_risk_01=b.empirical_risk,
        prior_mean_risk=b.terms["prior_mean_risk"],
        prior_samples=prior_samples,
        delta=b.delta,
        catoni_c=float(catoni_c),
        weights=b.terms["weights"],
        seeds=seeds,
        risks=risks,
        holdout=hb,
        bound=b,
    )


@torch.no_grad()
def gibbs_network(model: nn.Module, cert: GibbsCertificate, index: int) -> nn.Module:
    """Rebuild draw ``index`` of :func:`gibbs_certificate` as a deterministic network.

    Returns a copy of ``model`` whose layers are in mode ``"mean"`` with their means set to
    the prior draw; predicting with draw ``i`` chosen with probability
    ``cert.weights[i]`` (fresh for each prediction) is the certified stochastic predictor.
    """
    if not 0 <= int(index) < cert.seeds.size:
        raise ValueError(f"index must lie in [0, {cert.seeds.size}); got {index!r}.")
    net = copy.deepcopy(model)
    _hold_prior_draw(net, int(cert.seeds[int(index)]))
    for layer in prob_layers(net):
        w, b = layer._fixed
        layer.weight_mu.data.copy_(w)
        if b is not None:
            layer.bias_mu.data.copy_(b)
        layer._fixed = None
    set_mode(net, "mean")
    return net
