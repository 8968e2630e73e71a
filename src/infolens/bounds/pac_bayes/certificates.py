r"""Bounds for the sampled and held-out pieces of a certificate, and the certificate.

- :func:`mc_sampling_bound`: the risk of a stochastic predictor on the sample, bounded
  from ``m`` weight draws (Langford & Caruana's kl form or the empirical Bernstein bound);
- :func:`holdout_bound`: the test-set (Chernoff) bound of a fixed predictor, the
  baseline a certificate must beat;
- :func:`stochastic_risk_certificate`: the two-step certificate (sampling step, then a
  PAC-Bayes bound from :mod:`.relaxations` or :mod:`.catoni`), with its total confidence
  :math:`\delta + \delta'`.
"""

from __future__ import annotations

import math
from typing import Any

from ..._validate import check_positive_int
from ..kl import kl_inv_upper
from .base import BoundResult, _delta, _risks
from .catoni import catoni_bound
from .relaxations import kl_bound

__all__ = ["mc_sampling_bound", "holdout_bound", "stochastic_risk_certificate"]


def mc_sampling_bound(
    mc_risk: Any, m: int | None = None, *, delta: float, method: str = "kl"
) -> BoundResult:
    r"""Bound the risk of a stochastic predictor on the sample from ``m`` weight draws.

    Let :math:`Z_j \in [0, 1]` be the empirical risk of the :math:`j`-th of ``m``
    independent weight samples :math:`h_j \sim Q`, :math:`\hat L_m` their mean and
    :math:`V_m` their sample variance (``ddof=1``).  With probability at least
    :math:`1-\delta'` over the draws, :math:`\hat L(Q) = \mathbb E_{h\sim Q}\hat L(h)`
    is below

    - ``method="kl"`` (Langford & Caruana 2001):
      :math:`\mathrm{kl}^{-1}_{+}\big(\hat L_m,\ \ln(2/\delta')/m\big)`;
    - ``method="bernstein"`` (empirical Bernstein, Maurer & Pontil 2009, Thm. 4):
      :math:`\hat L_m + \sqrt{2V_m\ln(2/\delta')/m} + 7\ln(2/\delta')/(3(m-1))`.
      Much tighter when the draws agree with each other (each :math:`Z_j` already
      averages ``n`` examples, so :math:`V_m` is far below :math:`\hat L_m(1-\hat L_m)`,
      the variance the kl form allows for);
    - ``method="best"``: the smaller of the two, each at :math:`\delta'/2`.

    (The :math:`\ln(2/\delta')` of the kl form is kept as Langford & Caruana state it,
    although a one-sided bound would need only :math:`\ln(1/\delta')`.)

    Parameters
    ----------
    mc_risk : float or array_like
        Either :math:`\hat L_m` in [0, 1] (then give ``m``; only ``method="kl"``), or
        the ``m`` per-draw risks :math:`Z_j` in [0, 1].
    m : int, optional
        Number of weight samples (required with a scalar; must match an array).
    delta : float
        :math:`\delta'` spent on the sampling step.
    method : {"kl", "bernstein", "best"}, default "kl"

    Returns
    -------
    BoundResult
        ``n`` holds ``m``; ``kl`` is None; ``terms`` has ``variance`` (array input) and,
        for ``"best"``, both candidate values.

    References
    ----------
    Langford, J., Caruana, R. (2001). (Not) bounding the true error. NIPS.
    Maurer, A., Pontil, M. (2009). Empirical Bernstein bounds and sample variance
    penalization. COLT, Theorem 4.

    Examples
    --------
    >>> r = mc_sampling_bound(0.05, 1000, delta=0.01)
    >>> r.value > 0.05
    True
    >>> z = [0.05, 0.06, 0.05, 0.04] * 2500             # 10,000 draws that agree closely
    >>> b = mc_sampling_bound(z, delta=0.01, method="bernstein")
    >>> bool(0.05 < b.value < mc_sampling_bound(z, delta=0.01).value)
    True
    """
    if method not in ("kl", "bernstein", "best"):
        raise ValueError(f"method must be 'kl', 'bernstein' or 'best'; got {method!r}.")
    arr = _risks(mc_risk, "mc_risk")
    d = _delta(delta)
    if arr.ndim == 0:
        if method != "kl":
            raise ValueError(
                f"method={method!r} needs the per-draw risks (an array of length m), "
                "not their mean: it uses their sample variance."
            )
        if m is None:
            raise ValueError(
                "m is required when mc_risk is the mean risk; or pass the m per-draw risks."
            )
        m = check_positive_int(m, "m")
        q = float(arr)
        var = None
    else:
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"mc_risk must be a mean risk or a 1-d array of per-draw risks; got shape {arr.shape}."
            )
        if m is not None and int(m) != arr.size:
            raise ValueError(f"m={m} does not match len(mc_risk)={arr.size}.")
        m = int(arr.size)
        q = float(arr.mean())
        var = float(arr.var(ddof=1)) if m > 1 else math.nan
        if method != "kl" and m < 2:
            raise ValueError(f"method={method!r} needs m >= 2 weight draws; got {m}.")

    def kl_form(dd: float) -> float:
        return float(kl_inv_upper(q, math.log(2.0 / dd) / m))

    def bernstein_form(dd: float) -> float:
        lg = math.log(2.0 / dd)
        assert var is not None
        return min(1.0, q + math.sqrt(2.0 * var * lg / m) + 7.0 * lg / (3.0 * (m - 1)))

    terms: dict[str, Any] = {}
    if var is not None and math.isfinite(var):
        terms["variance"] = var
    if method == "kl":
        value, pen, ref = kl_form(d), math.log(2.0 / d), "Langford & Caruana (2001)"
    elif method == "bernstein":
        value, pen, ref = bernstein_form(d), math.log(2.0 / d), "Maurer & Pontil (2009), Thm. 4"
    else:
        a, b = kl_form(d / 2), bernstein_form(d / 2)
        terms.update({"kl_form": a, "bernstein_form": b})
        value, pen = min(a, b), math.log(4.0 / d)
        ref = "Langford & Caruana (2001); Maurer & Pontil (2009), Thm. 4; union bound"
    terms["c"] = pen / m
    terms["form"] = method
    return BoundResult(
        value=value,
        method="mc_sampling",
        empirical_risk=q,
        kl=None,
        n=m,
        delta=d,
        penalty=pen,
        terms=terms,
        reference=ref,
    )


def holdout_bound(errors: Any, n_test: int | None = None, *, delta: float) -> BoundResult:
    r"""Hold-out (test-set) bound on the risk of a predictor fixed before the test data.

    .. math:: L \le \mathrm{kl}^{-1}_{+}\big(\hat L_{\text{t}},\ \ln(1/\delta)/n_{\text{t}}\big),

    the exact binomial-tail Chernoff bound.  A PAC-Bayes certificate is worth showing only
    when it beats this bound computed on the same examples.

    Parameters
    ----------
    errors : float or array_like
        Either the test error rate in [0, 1] (then give ``n_test``), or the per-example
        losses in [0, 1] (0/1 errors), whose mean is used and whose length is ``n_test``.
    n_test : int, optional
        Number of test examples (required with a rate; must match the array length).
    delta : float
        Failure probability.

    Returns
    -------
    BoundResult

    References
    ----------
    Langford, J. (2005). Tutorial on practical prediction theory for classification.
    JMLR 6, Theorem 3.3 (with the Chernoff relaxation of the binomial tail).

    Examples
    --------
    >>> round(holdout_bound(0.0, 100, delta=0.05).value, 6)   # 1 - 0.05**(1/100)
    0.029513
    """
    arr = _risks(errors, "errors")
    if arr.ndim == 0:
        if n_test is None:
            raise ValueError(
                "n_test is required when errors is an error rate; "
                "or pass the per-example 0/1 errors."
            )
        n = check_positive_int(n_test, "n_test")
        q = float(arr)
    else:
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                "errors must be a rate or a 1-d array of per-example losses; "
                f"got shape {arr.shape}."
            )
        if n_test is not None and int(n_test) != arr.size:
            raise ValueError(f"n_test={n_test} does not match len(errors)={arr.size}.")
        n = int(arr.size)
        q = float(arr.mean())
    d = _delta(delta)
    c = math.log(1.0 / d) / n
    return BoundResult(
        value=float(kl_inv_upper(q, c)),
        method="holdout",
        empirical_risk=q,
        kl=None,
        n=n,
        delta=d,
        penalty=math.log(1.0 / d),
        terms={"c": c},
        reference="Langford (2005)",
    )


def stochastic_risk_certificate(
    mc_risk: Any,
    m: int | None,
    kl: Any,
    n: int,
    *,
    delta: float,
    delta_mc: float,
    bound: str = "kl",
    c: Any = None,
    mc_method: str = "kl",
    xi: str = "2sqrt",
) -> BoundResult:
    r"""Full certificate for a stochastic predictor whose risk is estimated by sampling.

    Two steps, each with its own budget (union bound: total :math:`\delta + \delta'`):

    1. :math:`\hat L(Q) \le \hat L^{+}` from the ``m`` weight draws
       (:func:`mc_sampling_bound` with ``method=mc_method``);
    2. a PAC-Bayes bound evaluated at :math:`\hat L^{+}` (valid because every bound
       below is increasing in the empirical risk):

       - ``bound="kl"``: :math:`\mathrm{kl}^{-1}_{+}(\hat L^{+},
         (\mathrm{KL}+\ln(2\sqrt n/\delta))/n)` (:func:`kl_bound`);
       - ``bound="catoni"``: :math:`(1-\exp(-C\hat L^{+} - (\mathrm{KL}+\ln(K/\delta))/n))
         /(1-e^{-C})` over the ``K`` constants ``c`` (:func:`catoni_bound`).  With a single
         :math:`C` fixed without the bound data (e.g. from a pilot on the prior split) it
         pays only :math:`\ln(1/\delta)`, the price of a hold-out bound, instead of the kl
         bound's :math:`\ln(2\sqrt n/\delta)`; near the right :math:`C` it is as tight as
         the kl bound otherwise.

    Parameters
    ----------
    mc_risk : float or array_like
        Average empirical risk over the ``m`` weight samples, in [0, 1], or the ``m``
        per-draw risks (required by ``mc_method="bernstein"``/``"best"``).
    m : int or None
        Number of weight samples (None when ``mc_risk`` is the array of draws).
    kl : float or array_like
        KL(Q||P) in nats (array: a grid of priors, union bound applied).
    n : int
        Number of examples used for the bound.
    delta, delta_mc : float
        Budgets of the PAC-Bayes step and of the sampling step.
    bound : {"kl", "catoni"}, default "kl"
    c : float or array_like, optional
        Catoni's constant(s) :math:`C > 0`; required with ``bound="catoni"`` (an explicit
        choice: a grid is paid for by a union bound).
    mc_method : {"kl", "bernstein", "best"}, default "kl"
    xi : {"2sqrt", "exact"}, default "2sqrt"
        Constant of the kl bound (:func:`kl_bound`); unused by ``bound="catoni"``.

    Returns
    -------
    BoundResult
        ``delta`` is the total :math:`\delta+\delta'`; ``terms`` holds both steps.

    References
    ----------
    Langford & Caruana (2001); Maurer & Pontil (2009); Catoni (2007); Dziugaite & Roy
    (2017), Section 4; Pérez-Ortiz et al. (2021), Section 6.

    Examples
    --------
    >>> r = stochastic_risk_certificate(0.02, 10000, 50.0, 30000, delta=0.025, delta_mc=0.01)
    >>> r.value > r.terms["mc_bound"] > 0.02
    True
    """
    if bound not in ("kl", "catoni"):
        raise ValueError(f"bound must be 'kl' or 'catoni'; got {bound!r}.")
    if bound == "catoni" and c is None:
        raise ValueError(
            "bound='catoni' needs c=, Catoni's constant C > 0, fixed without the bound data "
            "(for instance the minimiser of catoni_bound for a pilot's risk and KL)."
        )
    if bound == "kl" and c is not None:
        raise ValueError("c is only used by bound='catoni'.")
    mc = mc_sampling_bound(mc_risk, m, delta=delta_mc, method=mc_method)
    if bound == "kl":
        kb = kl_bound(mc.value, kl, n, delta=delta, xi=xi)
    else:
        if xi != "2sqrt":
            raise ValueError("xi is a constant of the kl bound; bound='catoni' does not use it.")
        kb = catoni_bound(mc.value, kl, n, delta=delta, c=c)
    total = kb.delta + mc.delta
    if total >= 1:
        raise ValueError(f"delta + delta_mc = {total} must be < 1.")
    terms = dict(kb.terms)
    terms.update(
        {
            "mc_risk": mc.empirical_risk,
            "mc_bound": mc.value,
            "mc_method": mc_method,
            "m": mc.n,
            "delta_mc": mc.delta,
            "delta_pac_bayes": kb.delta,
            "bound": bound,
        }
    )
    return BoundResult(
        value=kb.value,
        method="certificate",
        empirical_risk=mc.empirical_risk,
        kl=kb.kl,
        n=kb.n,
        delta=total,
        penalty=kb.penalty,
        grid_size=kb.grid_size,
        terms=terms,
        reference=f"{mc.reference}; {kb.reference}",
    )
