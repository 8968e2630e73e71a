r"""Variational information bottleneck (Alemi, Fischer, Dillon & Murphy 2017).

A stochastic encoder :math:`p(z|x) = N(\mu(x), \mathrm{diag}\,\sigma(x)^2)` feeds a
classifier :math:`q(y|z)`.  Training minimises

.. math::

    \mathcal L = \underbrace{E_{x,y} E_{z \sim p(z|x)}[-\log q(y|z)]}_{\text{cross-entropy}}
    + \beta\, \underbrace{E_x\, D_{KL}\big(p(z|x)\,\|\,r(z)\big)}_{\text{rate}},
    \qquad r(z) = N(0, I),

a variational form of the IB Lagrangian :math:`\beta I(Z;X) - I(Z;Y)` (beta here
multiplies the compression, as in Alemi et al.).  Both terms bound the information
quantities:

- :math:`I(Z;X) \le E_x D_{KL}(p(z|x)\,\|\,r(z))` for any r, because
  :math:`E_x D_{KL}(p(z|x)\|r) = I(Z;X) + D_{KL}(p(z)\|r)`;
- :math:`I(Z;Y) \ge H(Y) - E[-\log q(y|z)]`, because the cross-entropy of any decoder
  q upper-bounds :math:`H(Y|Z)`.

For the diagonal Gaussian encoder the KL term is closed form:
:math:`\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2)`.

References
----------
A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, "Deep variational information
bottleneck", ICLR 2017.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .._validate import check_base, check_positive_int
from ..units import Base, unit_name

__all__ = ["VariationalBottleneck", "VIBOutput", "VIBLoss", "vib_loss", "gaussian_kl_to_standard"]


class VIBOutput(NamedTuple):
    """What :class:`VariationalBottleneck` returns: a sample and the encoder parameters."""

    z: torch.Tensor
    mu: torch.Tensor
    std: torch.Tensor


class VIBLoss(NamedTuple):
    """Terms of the VIB objective (all averaged over the batch).

    Attributes
    ----------
    loss : Tensor
        ``cross_entropy + beta * kl`` in nats (the value to back-propagate).
    cross_entropy : Tensor
        :math:`E[-\\log q(y|z)]` in ``unit`` (detached).
    kl : Tensor
        :math:`E_x D_{KL}(p(z|x) \\| N(0, I))` in ``unit``: an upper bound on I(Z;X)
        (detached).
    i_zy_lower : Tensor
        :math:`H(Y) - \\text{cross-entropy}`, a lower bound on I(Z;Y) in ``unit``
        (detached; it can be negative early in training, when the bound is loose).
    h_y : float
        H(Y) used, in ``unit``.
    unit : str
    """

    loss: torch.Tensor
    cross_entropy: torch.Tensor
    kl: torch.Tensor
    i_zy_lower: torch.Tensor
    h_y: float
    unit: str


class VariationalBottleneck(nn.Module):
    r"""Gaussian stochastic encoder layer with the reparameterisation trick.

    Two linear maps give :math:`\mu(x)` and :math:`\sigma(x) =
    \mathrm{softplus}(s(x)) + \sigma_{\min}`; in training mode the output is
    :math:`z = \mu + \sigma \odot \epsilon`, :math:`\epsilon \sim N(0, I)` (Kingma &
    Welling 2014), so gradients flow through :math:`\mu` and :math:`\sigma`.  In eval
    mode the output is the mean :math:`\mu` unless ``sample=True`` is passed.

    Parameters
    ----------
    in_features : int
        Size of the input features (the output of the layers before).
    latent_dim : int
        Dimension of Z.
    min_std : float, default 1e-4
        Floor added to the softplus so that :math:`\log \sigma` in the KL term stays
        finite.

    Examples
    --------
    >>> import torch
    >>> from infolens.nn import VariationalBottleneck
    >>> layer = VariationalBottleneck(8, 2)
    >>> out = layer(torch.zeros(5, 8))
    >>> tuple(out.z.shape), bool((out.std > 0).all())
    ((5, 2), True)

    References
    ----------
    A. A. Alemi et al., "Deep variational information bottleneck", ICLR 2017;
    D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014.
    """

    def __init__(self, in_features: int, latent_dim: int, *, min_std: float = 1e-4) -> None:
        super().__init__()
        in_features = check_positive_int(in_features, "in_features")
        latent_dim = check_positive_int(latent_dim, "latent_dim")
        if isinstance(min_std, bool) or not isinstance(min_std, (int, float)) or not min_std > 0:
            raise ValueError(f"min_std={min_std!r} must be a float > 0.")
        self.in_features = in_features
        self.latent_dim = latent_dim
        self.min_std = float(min_std)
        self.mean = nn.Linear(in_features, latent_dim)
        self.scale = nn.Linear(in_features, latent_dim)

    def forward(self, x: torch.Tensor, *, sample: bool | None = None) -> VIBOutput:
        if x.shape[-1] != self.in_features:
            raise ValueError(
                f"VariationalBottleneck expects inputs with {self.in_features} features in "
                f"the last dimension; got shape {tuple(x.shape)}."
            )
        mu = self.mean(x)
        std = F.softplus(self.scale(x)) + self.min_std
        draw = self.training if sample is None else sample
        z = mu + std * torch.randn_like(std) if draw else mu
        return VIBOutput(z, mu, std)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, latent_dim={self.latent_dim}, min_std={self.min_std}"


def gaussian_kl_to_standard(mu: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    r"""Per-sample :math:`D_{KL}(N(\mu, \mathrm{diag}\,\sigma^2) \,\|\, N(0, I))` in nats.

    .. math:: \tfrac12 \sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - 2\log\sigma_j\big)

    Parameters
    ----------
    mu, std : Tensor (..., d)
        Means and standard deviations (``std > 0``).

    Returns
    -------
    Tensor (...)

    Examples
    --------
    >>> import torch
    >>> float(gaussian_kl_to_standard(torch.zeros(1, 3), torch.ones(1, 3))[0])
    0.0
    """
    if mu.shape != std.shape:
        raise ValueError(f"mu and std must have the same shape; got {tuple(mu.shape)} and {tuple(std.shape)}.")
    if bool((std <= 0).any()):
        raise ValueError("std must be > 0 everywhere (a Gaussian encoder needs a positive scale).")
    return 0.5 * torch.sum(mu**2 + std**2 - 1.0 - 2.0 * torch.log(std), dim=-1)


def _h_y(y: torch.Tensor, n_classes: int, h_y: float | None, label_prior: Any) -> tuple[float, str]:
    if h_y is not None and label_prior is not None:
        raise ValueError("pass either h_y or label_prior, not both.")
    if h_y is not None:
        v = float(h_y)
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"h_y={h_y!r} must be a finite entropy >= 0 (in nats).")
        return v, "given"
    if label_prior is not None:
        p = torch.as_tensor(label_prior, dtype=torch.float64).flatten()
        if p.numel() != n_classes or bool((p < 0).any()) or abs(float(p.sum()) - 1.0) > 1e-6:
            raise ValueError(
                f"label_prior must be {n_classes} non-negative probabilities summing to 1; "
                f"got {p.numel()} values summing to {float(p.sum()):.6g}."
            )
        q = p[p > 0]
        return float(-(q * q.log()).sum()), "label_prior"
    counts = torch.bincount(y.detach().flatten().cpu(), minlength=n_classes).double()
    q = counts[counts > 0] / counts.sum()
    return float(-(q * q.log()).sum()), "batch labels"


def vib_loss(
    logits: torch.Tensor,
    y: torch.Tensor,
    mu: torch.Tensor,
    std: torch.Tensor,
    beta: float,
    *,
    h_y: float | None = None,
    label_prior: Any = None,
    base: Base = "e",
) -> VIBLoss:
    r"""VIB objective: cross-entropy + beta * KL(p(z|x) || N(0, I)), with both IB bounds.

    .. math::

        \mathcal L = \frac1B \sum_b \big[-\log q(y_b|z_b)
        + \beta\, D_{KL}(N(\mu_b, \sigma_b^2) \,\|\, N(0, I))\big]

    Parameters
    ----------
    logits : Tensor (B, n_classes)
        Decoder outputs for a sample :math:`z_b \sim p(z|x_b)`.
    y : Tensor (B,) of int64
        Class labels.
    mu, std : Tensor (B, d)
        Encoder parameters (from :class:`VariationalBottleneck`).
    beta : float >= 0
        Weight of the rate term.
    h_y : float, optional
        H(Y) in nats for the lower bound :math:`I(Z;Y) \ge H(Y) - CE`.
    label_prior : array_like, optional
        Class probabilities p(y) to compute H(Y) from.  With neither ``h_y`` nor
        ``label_prior``, H(Y) is the plug-in entropy of the labels in this batch (noisy
        for small batches; pass the training-set prior when logging).
    base : {"e", 2, 10} or float
        Unit of the logged terms; ``loss`` is always in nats.

    Returns
    -------
    VIBLoss

    References
    ----------
    A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, ICLR 2017, eqs. 12-13.

    Examples
    --------
    >>> import torch
    >>> out = vib_loss(torch.zeros(4, 2), torch.tensor([0, 1, 0, 1]), torch.zeros(4, 3),
    ...                torch.ones(4, 3), beta=1e-3)
    >>> round(float(out.cross_entropy), 6), float(out.kl), round(float(out.i_zy_lower), 6)
    (0.693147, 0.0, 0.0)
    """
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (batch, n_classes); got {tuple(logits.shape)}.")
    if y.ndim != 1 or y.shape[0] != logits.shape[0]:
        raise ValueError(
            f"y must be a 1-D tensor of {logits.shape[0]} labels (one per row of logits); got shape "
            f"{tuple(y.shape)}."
        )
    if mu.ndim != 2 or mu.shape[0] != logits.shape[0]:
        raise ValueError(f"mu must have shape (batch, latent_dim) with batch {logits.shape[0]}; got {tuple(mu.shape)}.")
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not math.isfinite(beta) or beta < 0:
        raise ValueError(f"beta={beta!r} must be a finite number >= 0.")
    lb = check_base(base)
    hy, _ = _h_y(y, logits.shape[1], h_y, label_prior)
    ce = F.cross_entropy(logits, y)
    kl = gaussian_kl_to_standard(mu, std).mean()
    loss = ce + beta * kl
    ce_d = ce.detach() / lb
    return VIBLoss(
        loss=loss,
        cross_entropy=ce_d,
        kl=kl.detach() / lb,
        i_zy_lower=hy / lb - ce_d,
        h_y=hy / lb,
        unit=unit_name(base),
    )
