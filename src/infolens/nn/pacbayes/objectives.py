r"""Training losses of a stochastic network: the bounded cross-entropy and the
differentiable PAC-Bayes bounds.

- :func:`bounded_cross_entropy`: :math:`-\ln\max(p_y, p_{\min}) / \ln(1/p_{\min})`, a
  loss in [0, 1] as the bounds require;
- :func:`bound_objective`: torch versions of the quad, lambda, McAllester and classic
  bounds (numerically equal to :mod:`infolens.bounds.pac_bayes`).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["bounded_cross_entropy", "bound_objective"]


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
