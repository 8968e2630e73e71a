r"""Certificate of the Gibbs posterior over networks drawn from the prior (Catoni 2007).

- :func:`gibbs_certificate`: draw ``M`` networks from the prior, weight them by
  :math:`e^{-Cnr_i}` and certify the mixture with Catoni's bound (no Monte-Carlo step);
- :func:`gibbs_network`: rebuild one of the draws as a deterministic network;
- :class:`GibbsCertificate`: the result, every term named.
"""

from __future__ import annotations

import copy
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ...bounds.pac_bayes import BoundResult, gibbs_posterior_bound, holdout_bound
from .certificates import _holdout_line
from .data import _as_tensors, _check_split
from .evaluation import _certifying, _draws_from, _errors, _weight_generator
from .layers import prob_layers, set_mode

__all__ = ["GibbsCertificate", "gibbs_certificate", "gibbs_network"]


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
    >>> from infolens.nn.pacbayes import to_probabilistic
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
    _check_gibbs_settings(catoni_c, prior_samples, random_state)
    prior_idx = _check_split(model, indices, n)
    batch = n if eval_batch_size is None else int(eval_batch_size)
    prior_samples = int(prior_samples)
    seeds = _draw_seeds(int(random_state), prior_samples)
    risks, ho_err = _prior_draw_risks(model, x, y, seeds, batch, holdout_model, prior_idx is not None)
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


def _check_gibbs_settings(catoni_c: Any, prior_samples: Any, random_state: Any) -> None:
    """Catoni's constant > 0, a positive number of draws and an integer seed (it names the
    draws, so that :func:`gibbs_network` can rebuild them)."""
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


def _prior_draw_risks(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    seeds: np.ndarray,
    batch: int,
    holdout_model: nn.Module | None,
    prior_mean_holdout: bool,
) -> tuple[np.ndarray, float | None]:
    """0-1 risk of the prior draw of each seed on (x, y), and the 0-1 error of the hold-out
    predictor (``holdout_model``, else the prior-mean network when ``prior_mean_holdout``,
    else None).  The model is left as it was."""
    risks = np.empty(seeds.size)
    with _certifying(model, None):
        model.eval()
        for i, sd in enumerate(seeds):
            _hold_prior_draw(model, int(sd))
            risks[i], _ = _errors(model, x, y, 1e-4, batch)
        ho_err = None
        if holdout_model is not None:
            ho_err, _ = _errors(holdout_model, x, y, 1e-4, batch)
        elif prior_mean_holdout:
            set_mode(model, "prior_mean")
            ho_err, _ = _errors(model, x, y, 1e-4, batch)
    return risks, ho_err


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
