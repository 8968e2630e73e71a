r"""PAC-Bayes risk bounds with an explicit confidence budget.

Every function takes the empirical risk :math:`\hat L` of a stochastic predictor
:math:`Q` on the ``n`` examples used for the bound (a loss in [0, 1]), the divergence
:math:`\mathrm{KL}(Q\|P)` in nats to a prior :math:`P` chosen without those examples,
and the failure probability ``delta``; it returns a :class:`BoundResult` naming every
term.  With probability at least :math:`1-\delta` over the sample, the true risk
:math:`L(Q)` is below ``result.value``.

Grids.  ``empirical_risk`` and ``kl`` may be arrays (one entry per prior or
hyper-parameter of a grid fixed before seeing the data), and Catoni's bound takes a grid
of its constant.  A grid of ``K`` candidates is paid for by a union bound: each
candidate is evaluated at confidence ``delta / K`` (an extra :math:`\ln K` in the
numerator) and the smallest value is returned, with ``K`` and the chosen index recorded.

Summary of the formulas (:math:`B = \mathrm{KL}+\ln(2\sqrt n/\delta)`):

=================  =========================================================================
kl (Seeger/Maurer) :math:`L \le \mathrm{kl}^{-1}_{+}(\hat L, B/n)`
McAllester         :math:`L \le \hat L + \sqrt{B/(2n)}`
classic (seed)     :math:`L \le \hat L + \sqrt{(\mathrm{KL}+\ln(n/\delta))/(2(n-1))}`
Catoni (C > 0)     :math:`L \le (1-\exp(-C\hat L - (\mathrm{KL}+\ln(1/\delta))/n))/(1-e^{-C})`
lambda (Thiemann)  :math:`L \le \hat L/(1-\lambda/2) + B/(n\lambda(1-\lambda/2))`
quad               :math:`L \le (\sqrt{\hat L + B/(2n)} + \sqrt{B/(2n)})^2`
=================  =========================================================================

The Seeger/Maurer kl bound is the tightest of the family based on :math:`B` (all the
others relax it) and holds for every posterior at once.  Catoni's bound at a single
constant :math:`C` fixed without the bound data (for instance from a pilot on the prior
split) pays :math:`\ln(1/\delta)` instead of :math:`\ln(2\sqrt n/\delta)`; near the right
:math:`C` it is then the tighter of the two (about :math:`\ln(2\sqrt n)` nats, 4 nats at
:math:`n = 700`), and with :math:`\mathrm{KL} = 0` it is the Chernoff (hold-out) bound
of the stochastic predictor.

Layout: :mod:`.base` holds :class:`BoundResult` and the shared argument checks;
:mod:`.relaxations` the kl bound and the bounds built on :math:`B` (McAllester, classic,
lambda, quad, Maurer's :math:`\xi(n)`); :mod:`.catoni` Catoni's bound and the Gibbs
posterior; :mod:`.certificates` the Monte-Carlo and hold-out bounds and the two-step
stochastic certificate.  Every public name is importable from here.

Examples
--------
>>> from infolens.bounds.pac_bayes import kl_bound, quad_bound
>>> kl = kl_bound(0.05, 10.0, 5000, delta=0.05)
>>> bool(kl.value <= quad_bound(0.05, 10.0, 5000, delta=0.05).value)   # quad relaxes kl
True
"""

from __future__ import annotations

from .base import BoundResult
from .catoni import catoni_bound, gibbs_posterior_bound
from .certificates import holdout_bound, mc_sampling_bound, stochastic_risk_certificate
from .relaxations import (
    classic_bound,
    kl_bound,
    lambda_bound,
    maurer_xi,
    mcallester_bound,
    quad_bound,
)

__all__ = [
    "BoundResult",
    "kl_bound",
    "maurer_xi",
    "mcallester_bound",
    "classic_bound",
    "catoni_bound",
    "gibbs_posterior_bound",
    "lambda_bound",
    "quad_bound",
    "mc_sampling_bound",
    "holdout_bound",
    "stochastic_risk_certificate",
]
