r"""The PAC-Bayes risk certificate of a stochastic network (Monte-Carlo step + bound).

:func:`certificate` runs in named steps:

1. :class:`CertificateOptions` checks the settings (budgets, bound, Monte-Carlo form);
2. ``_check_split`` refuses bound data that the prior has seen;
3. ``_evaluate`` draws the networks and measures them (``_Measurements``), leaving the
   model as it was;
4. ``_pac_bayes_step`` turns the per-draw risks into a certificate
   (:func:`infolens.bounds.stochastic_risk_certificate`), once for the 0-1 loss and once
   for the bounded cross-entropy; ``_holdout_step`` adds the hold-out baseline;
5. :class:`PACBayesCertificate` names every term.

References
----------
Langford, J. & Caruana, R. (2001). (Not) bounding the true error. NIPS.
Dziugaite, G. K. & Roy, D. M. (2017). UAI.  Pérez-Ortiz, M. et al. (2021). JMLR 22(227).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ...bounds.pac_bayes import BoundResult, holdout_bound, stochastic_risk_certificate
from .data import _as_tensors, _check_split
from .evaluation import _certifying, _errors, _weight_generator
from .layers import posterior_kl, prob_layers, set_mode

__all__ = ["certificate", "CertificateOptions", "PACBayesCertificate"]

_BOUNDS = ("kl", "catoni")
_MC_METHODS = ("kl", "bernstein", "best")
_XIS = ("2sqrt", "exact")


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


@dataclass(frozen=True)
class CertificateOptions:
    r"""The settings of a :func:`certificate`, checked once, in one object.

    Every field is also accepted by :func:`certificate` as a keyword argument, so
    ``certificate(model, data, mc_samples=500)`` and
    ``certificate(model, data, CertificateOptions(mc_samples=500))`` are the same call.

    Attributes
    ----------
    delta, delta_mc : float, default 0.025, 0.01
        Budgets of the PAC-Bayes and the Monte-Carlo steps.
    mc_samples : int, default 1000
        Number of weight samples ``m`` (stored as an int; at least 2 unless
        ``mc_method="kl"``).
    p_min : float, default 1e-4
        Floor of the bounded cross-entropy.
    holdout_delta : float, optional
        Confidence of the hold-out bound (default ``delta + delta_mc``).
    bound : {"kl", "catoni"}, default "kl"
    catoni_c : float, optional
        Catoni's constant :math:`C > 0`; required with ``bound="catoni"``, rejected with
        ``"kl"``.
    mc_method : {"kl", "bernstein", "best"}, default "kl"
    xi : {"2sqrt", "exact"}, default "2sqrt"
        Constant of the kl bound; ``bound="kl"`` only.
    eval_batch_size : int, optional
        Batch size of the evaluation (default: all of ``data`` at once).
    random_state : int, optional
        Seeds the weight draws (a local ``torch.Generator``).

    Examples
    --------
    >>> CertificateOptions(bound="catoni", catoni_c=1.0, mc_samples=200).mc_method
    'kl'
    """

    delta: float = 0.025
    delta_mc: float = 0.01
    mc_samples: int = 1000
    p_min: float = 1e-4
    holdout_delta: float | None = None
    bound: str = "kl"
    catoni_c: float | None = None
    mc_method: str = "kl"
    xi: str = "2sqrt"
    eval_batch_size: int | None = None
    random_state: int | None = None

    def __post_init__(self) -> None:
        m = int(self.mc_samples)
        if m < 1:
            raise ValueError(f"mc_samples must be >= 1; got {self.mc_samples!r}.")
        object.__setattr__(self, "mc_samples", m)
        self._check_bound()
        if self.mc_method not in _MC_METHODS:
            raise ValueError(
                f"mc_method must be 'kl', 'bernstein' or 'best'; got {self.mc_method!r}."
            )
        if self.mc_method != "kl" and m < 2:
            raise ValueError(f"mc_method={self.mc_method!r} needs mc_samples >= 2; got {m}.")

    def _check_bound(self) -> None:
        """``bound`` and the settings that belong to one bound only (``catoni_c``, ``xi``)."""
        bound, c, xi = self.bound, self.catoni_c, self.xi
        if bound not in _BOUNDS:
            raise ValueError(f"bound must be 'kl' or 'catoni'; got {bound!r}.")
        if bound == "catoni" and (c is None or not (math.isfinite(float(c)) and float(c) > 0)):
            raise ValueError(
                f"bound='catoni' needs catoni_c > 0 (Catoni's constant, fixed without the bound "
                f"data); got {c!r}."
            )
        if bound == "kl" and c is not None:
            raise ValueError("catoni_c is only used by bound='catoni'.")
        if xi not in _XIS or (bound == "catoni" and xi != "2sqrt"):
            raise ValueError(
                f"xi must be '2sqrt' or 'exact' and is only used by bound='kl'; got xi={xi!r} "
                f"with bound={bound!r}."
            )

    def bound_settings(self) -> dict[str, Any]:
        """Keyword arguments of :func:`infolens.bounds.stochastic_risk_certificate`."""
        opts: dict[str, Any] = dict(
            delta=self.delta, delta_mc=self.delta_mc, bound=self.bound, mc_method=self.mc_method
        )
        if self.bound == "catoni":
            opts["c"] = float(self.catoni_c)  # type: ignore[arg-type]
        else:
            opts["xi"] = self.xi
        return opts


_SETTINGS = frozenset(f.name for f in dataclasses.fields(CertificateOptions))


def _resolve_options(options: CertificateOptions | None, settings: dict[str, Any]) -> CertificateOptions:
    """``options`` with the keyword ``settings`` applied (each checked by
    :class:`CertificateOptions`)."""
    unknown = sorted(set(settings) - _SETTINGS)
    if unknown:
        raise TypeError(
            f"certificate() got unexpected keyword argument(s) {unknown}; its settings are "
            f"{sorted(_SETTINGS)} (the fields of CertificateOptions), plus indices= and "
            "holdout_model=."
        )
    if options is None:
        return CertificateOptions(**settings)
    if not isinstance(options, CertificateOptions):
        raise TypeError(
            f"options must be a CertificateOptions; got {type(options).__name__}. Pass the "
            "settings as keywords instead, e.g. certificate(model, data, mc_samples=500)."
        )
    return dataclasses.replace(options, **settings) if settings else options


@dataclass(frozen=True)
class _Measurements:
    """What the evaluation of a stochastic network on the bound data yields."""

    kl: float  # KL(Q||P), nats
    posterior_mean_error: float  # 0-1 error of the posterior-mean network
    risks_01: np.ndarray  # per-draw 0-1 risks, shape (m,)
    risks_ce: np.ndarray  # per-draw bounded cross-entropy risks, shape (m,)
    holdout_error: float | None  # 0-1 error of the hold-out predictor, if any


def _evaluate(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    opts: CertificateOptions,
    holdout_model: nn.Module | None,
    prior_mean_holdout: bool,
) -> _Measurements:
    """Draw ``opts.mc_samples`` networks from Q and measure each on all of (x, y); also the
    posterior-mean network and the hold-out predictor (``holdout_model``, or the prior-mean
    network when ``prior_mean_holdout``).  The model is left as it was."""
    n, m, p_min = x.shape[0], opts.mc_samples, opts.p_min
    batch = n if opts.eval_batch_size is None else int(opts.eval_batch_size)
    with _certifying(model, _weight_generator(model, opts.random_state)):
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
        elif prior_mean_holdout:
            set_mode(model, "prior_mean")
            ho_err, _ = _errors(model, x, y, p_min, batch)
    # per-draw risks are means of losses in [0, 1]; min() only removes float round-off
    return _Measurements(
        kl=kl,
        posterior_mean_error=mean_err,
        risks_01=np.minimum(draws01, 1.0),
        risks_ce=np.minimum(drawsce, 1.0),
        holdout_error=ho_err,
    )


def _pac_bayes_step(risks: np.ndarray, kl: float, n: int, opts: CertificateOptions) -> BoundResult:
    """Monte-Carlo step and PAC-Bayes bound for one loss, from its per-draw risks."""
    return stochastic_risk_certificate(risks, None, kl, n, **opts.bound_settings())


def _holdout_step(error: float | None, n: int, opts: CertificateOptions) -> BoundResult | None:
    """Hold-out bound of the comparison predictor on the same examples (None without one)."""
    if error is None:
        return None
    hd = (opts.delta + opts.delta_mc) if opts.holdout_delta is None else opts.holdout_delta
    return holdout_bound(error, n, delta=hd)


@torch.no_grad()
def certificate(
    model: nn.Module,
    data: Any,
    options: CertificateOptions | None = None,
    *,
    indices: Any = None,
    holdout_model: nn.Module | None = None,
    **settings: Any,
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
    options : CertificateOptions, optional
        The settings below as one object (default: their defaults).  Settings given as
        keywords override the ones in ``options``.
    indices : array_like of int, optional
        Indices of ``data`` in the full dataset; required when the prior was learned on a
        prior split (``prior_indices`` given to :func:`to_probabilistic`), and checked to
        be disjoint from them.
    holdout_model : torch.nn.Module, optional
        Deterministic predictor for the hold-out comparison (default: the prior-mean
        network when the prior is data-dependent, else none).
    **settings
        Any field of :class:`CertificateOptions`, by keyword:

    delta, delta_mc : float
        Budgets of the PAC-Bayes and the Monte-Carlo steps.
    mc_samples : int
        Number of weight samples ``m``.
    p_min : float
        Floor of the bounded cross-entropy.
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

    Raises
    ------
    TypeError
        For a keyword that is not a setting (the message lists the settings).
    ValueError
        For a setting out of its range (see :class:`CertificateOptions`), bound data that
        overlap the prior split, or a model without a probabilistic layer.

    References
    ----------
    Langford & Caruana (2001); Dziugaite & Roy (2017); Pérez-Ortiz et al. (2021).
    """
    x, y = _as_tensors(data)
    n = x.shape[0]
    if not prob_layers(model):
        raise ValueError("model has no probabilistic layer; call to_probabilistic first.")
    opts = _resolve_options(options, settings)
    prior_idx = _check_split(model, indices, n)
    meas = _evaluate(model, x, y, opts, holdout_model, prior_idx is not None)
    c01 = _pac_bayes_step(meas.risks_01, meas.kl, n, opts)
    cce = _pac_bayes_step(meas.risks_ce, meas.kl, n, opts)
    return PACBayesCertificate(
        risk_01=c01.value,
        risk_ce=cce.value,
        kl=meas.kl,
        n=n,
        empirical_risk_01=float(meas.risks_01.mean()),
        empirical_risk_ce=float(meas.risks_ce.mean()),
        mc_bound_01=c01.terms["mc_bound"],
        mc_bound_ce=cce.terms["mc_bound"],
        mc_samples=opts.mc_samples,
        delta=opts.delta,
        delta_mc=opts.delta_mc,
        holdout=_holdout_step(meas.holdout_error, n, opts),
        posterior_mean_error=meas.posterior_mean_error,
        prior_kind=getattr(model, "pacbayes_prior_kind", "unknown"),
        bound_01=c01,
        bound_ce=cce,
        bound=opts.bound,
        mc_method=opts.mc_method,
    )
