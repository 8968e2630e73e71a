r"""Gaussian mean-field layers: the stochastic network :math:`Q` and its prior :math:`P`.

- :class:`ProbLinear`, :class:`ProbConv2d`: every weight is
  :math:`\mathcal N(\mu_i, \sigma_i^2)` (``softplus`` or ``log_sigma`` parameterisation),
  with a prior :math:`\mathcal N(\mu^P_i, \sigma_P^2)`;
- :func:`prob_layers`: the probabilistic layers of a model;
- :func:`posterior_kl`: :math:`\mathrm{KL}(Q\|P)` of a whole model, summed over every
  probabilistic parameter (differentiable);
- :func:`set_mode`: draw from the posterior, the prior, or use either mean.

Reference: Blundell, C. et al. (2015). Weight uncertainty in neural networks. ICML.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ProbLinear", "ProbConv2d", "prob_layers", "posterior_kl", "set_mode"]


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
    #: of a seeded call by :func:`~infolens.nn.pacbayes.evaluation._draws_from`, never left
    #: behind
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
