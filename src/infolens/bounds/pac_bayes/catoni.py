r"""Catoni's PAC-Bayes bound, over a grid of its constant or at the Gibbs posterior.

- :func:`catoni_bound`: :math:`L \le (1-\exp(-C\hat L-(\mathrm{KL}+\ln(1/\delta))/n))
  /(1-e^{-C})`, optimised over a grid of :math:`C` by a union bound;
- :func:`gibbs_posterior_bound`: the same bound at the Gibbs posterior
  :math:`q_i \propto \pi_i e^{-Cnr_i}` over a finite set of predictors, with the exact
  KL to the prior weights.

Reference: Catoni, O. (2007). PAC-Bayesian supervised classification: the
thermodynamics of statistical learning. IMS Lecture Notes 56, Theorem 1.2.6.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._validate import as_array
from .base import BoundResult, _delta, _finish, _grid, _n, _risks

__all__ = ["catoni_bound", "gibbs_posterior_bound"]


def _constants(c: Any) -> np.ndarray:
    cs = np.asarray(as_array(c, "c"), dtype=float).ravel()
    if cs.size == 0 or not np.all(np.isfinite(cs)) or np.any(cs <= 0):
        raise ValueError(f"c must be positive finite constants; got {c!r}.")
    return cs


def _catoni(C: Any, linear: Any, pen: Any, n: int) -> Any:
    """Catoni's bound (1 - exp(-C L - pen/n)) / (1 - e^-C), given ``linear`` = C L."""
    return -np.expm1(-linear - pen / n) / -np.expm1(-C)


def catoni_bound(
    empirical_risk: Any,
    kl: Any,
    n: int,
    *,
    delta: float,
    c: Any = None,
) -> BoundResult:
    r"""Catoni's bound, optimised over a grid of its constant :math:`C` (union bound).

    For a fixed :math:`C > 0`, with probability at least :math:`1-\delta`,

    .. math:: L \le \frac{1 - \exp\big(-C\hat L - (\mathrm{KL}(Q\|P) + \ln(1/\delta))/n\big)}
                        {1 - e^{-C}}.

    Over a grid of ``K`` values (times the size of any prior grid) each is evaluated
    at :math:`\delta/K` and the smallest bound is returned.

    Parameters
    ----------
    empirical_risk, kl, n, delta
        As in :func:`kl_bound`.
    c : float or array_like, optional
        Values of :math:`C > 0`. Default: 200 values geometrically spaced in
        :math:`[10^{-2}, 10^{2}]`.

    Returns
    -------
    BoundResult
        ``terms["C"]`` is the selected constant.

    References
    ----------
    Catoni, O. (2007). PAC-Bayesian supervised classification: the thermodynamics of
    statistical learning. IMS Lecture Notes 56, Theorem 1.2.6.

    Examples
    --------
    >>> r = catoni_bound(0.05, 10.0, 5000, delta=0.05)
    >>> r.grid_size
    200
    """
    e, k, Kp = _grid(empirical_risk, kl)
    n = _n(n)
    d = _delta(delta)
    cs = np.geomspace(1e-2, 1e2, 200) if c is None else _constants(c)
    K = Kp * cs.size
    C = np.repeat(cs[None, :], Kp, axis=0).ravel()
    E = np.repeat(e, cs.size)
    KL = np.repeat(k, cs.size)
    pen = KL + math.log(K / d)
    vals = _catoni(C, C * E, pen, n)
    return _finish("catoni", vals, E, KL, pen, n, d, K, "Catoni (2007) Thm 1.2.6", C=C)


def gibbs_posterior_bound(
    risks: Any,
    n: int,
    *,
    delta: float,
    c: Any,
    prior_weights: Any = None,
) -> BoundResult:
    r"""Catoni's bound at the Gibbs posterior over a finite set of predictors.

    Let :math:`h_1, \dots, h_M` be predictors fixed before the ``n`` bound examples are
    seen (for instance ``M`` draws from a Gaussian prior around a network trained on a
    prior split, made with randomness independent of the bound examples), :math:`\pi`
    prior weights on them (default uniform) and :math:`r_i \in [0, 1]` their empirical
    risks on the bound examples.  For a constant :math:`C`, the posterior minimising
    :math:`C\hat L(Q) + \mathrm{KL}(Q\|\pi)/n` is the Gibbs posterior
    :math:`q_i \propto \pi_i e^{-Cnr_i}`, with minimum
    :math:`-\tfrac1n\ln\sum_i\pi_i e^{-Cnr_i}` (Donsker-Varadhan), and with probability at
    least :math:`1-\delta`

    .. math:: L(Q) \le \frac{1 - \exp\big(-C\hat L(Q) - (\mathrm{KL}(Q\|\pi)
              + \ln(K/\delta))/n\big)}{1-e^{-C}}

    over a grid of ``K`` constants (``K = 1`` for one constant fixed in advance).
    :math:`\hat L(Q) = \sum_i q_i r_i` is exact: no Monte-Carlo step.  The stochastic
    predictor :math:`Q` draws :math:`h_i` with probability :math:`q_i` for each prediction.
    For roughly Gaussian risks under :math:`\pi`, tilting towards the predictors that did
    well on the bound split lowers the empirical risk by about
    :math:`Cn\,\mathrm{Var}_\pi(r)` for a KL of about :math:`(Cn)^2\mathrm{Var}_\pi(r)/2`
    nats: a net gain of :math:`C^2 n\,\mathrm{Var}_\pi(r)/2` in
    :math:`C\hat L + \mathrm{KL}/n` over keeping :math:`Q = \pi`.

    Parameters
    ----------
    risks : array_like, shape (M,)
        Empirical risks :math:`r_i` in [0, 1] on the bound examples.
    n : int
        Number of bound examples.
    delta : float
        Failure probability.
    c : float or array_like
        Catoni's constant(s) :math:`C > 0` (a grid is paid for by a union bound).
    prior_weights : array_like, shape (M,), optional
        :math:`\pi`, positive and summing to 1 (default uniform).

    Returns
    -------
    BoundResult
        ``method="gibbs"``; ``empirical_risk`` is :math:`\hat L(Q)`, ``kl`` is
        :math:`\mathrm{KL}(Q\|\pi)`; ``terms`` holds ``C``, ``weights`` (the posterior
        :math:`q`, an array), ``prior_mean_risk`` (:math:`\sum_i\pi_i r_i`) and
        ``n_predictors``.

    References
    ----------
    Catoni, O. (2007). PAC-Bayesian supervised classification: the thermodynamics of
    statistical learning. IMS Lecture Notes 56, Theorem 1.2.6 and Section 1.2.4 (the Gibbs
    posterior).  Donsker, M. D. & Varadhan, S. R. S. (1975). Asymptotic evaluation of
    certain Markov process expectations for large time, I.  Comm. Pure Appl. Math. 28.

    Examples
    --------
    >>> r = gibbs_posterior_bound([0.03, 0.05, 0.04, 0.035], 700, delta=0.05, c=0.5)
    >>> bool(r.empirical_risk < 0.03875 and r.kl > 0)   # tilted below the prior mean risk
    True
    """
    from scipy import special  # imported on first use: keeps importing this module light

    r = _risks(risks, "risks")
    if r.ndim != 1 or r.size == 0:
        raise ValueError(
            f"risks must be a non-empty 1-d array (one risk per predictor); got shape {r.shape}."
        )
    n = _n(n)
    d = _delta(delta)
    cs = _constants(c)
    if prior_weights is None:
        log_pi = np.full(r.size, -math.log(r.size))
    else:
        pi = np.asarray(as_array(prior_weights, "prior_weights"), dtype=float)
        if pi.shape != r.shape:
            raise ValueError(
                f"prior_weights has shape {pi.shape} but risks has {r.shape}; give one weight "
                "per predictor."
            )
        if not np.all(np.isfinite(pi)) or np.any(pi <= 0) or abs(pi.sum() - 1) > 1e-9:
            raise ValueError(
                "prior_weights must be positive and sum to 1 (they are fixed before the bound "
                "data: a weight of 0 would drop a predictor, so remove it instead)."
            )
        log_pi = np.log(pi)
    K = cs.size
    best = None
    for C in cs:
        a = log_pi - C * n * r
        log_z = float(special.logsumexp(a))
        q = np.exp(a - log_z)
        emp = float(np.dot(q, r))
        kl = max(float(np.dot(q, (a - log_z) - log_pi)), 0.0)  # sum q ln(q / pi) >= 0
        pen = kl + math.log(K / d)
        val = min(float(_catoni(C, C * emp, pen, n)), 1.0)
        if best is None or val < best[0]:
            best = (val, float(C), emp, kl, pen, q, -log_z / n)
    assert best is not None
    val, C, emp, kl, pen, q, free = best
    return BoundResult(
        value=val,
        method="gibbs",
        empirical_risk=emp,
        kl=kl,
        n=n,
        delta=d,
        penalty=pen,
        grid_size=K,
        terms={
            "C": C,
            "weights": q,
            "free_energy": free,
            "prior_mean_risk": float(np.dot(np.exp(log_pi), r)),
            "n_predictors": int(r.size),
            "ln_grid": math.log(K),
        },
        reference="Catoni (2007), Thm 1.2.6, Gibbs posterior",
    )
