r"""Higher-order information among many variables: on pmfs and from samples.

On known pmfs the measures are those of :mod:`infolens.exact.discrete` (re-exported
here, not re-implemented):

* interaction information (co-information sign: XOR = -1 bit),
* total correlation :math:`TC = \sum_i H(X_i) - H(X)`,
* dual total correlation :math:`DTC = H(X) - \sum_i H(X_i|X_{-i})`,
* O-information :math:`\Omega = TC - DTC` (> 0 redundancy-dominated, < 0 synergy-dominated),
* S-information :math:`\Sigma = TC + DTC`.

From samples, ``*_samples`` builds the plug-in joint pmf of discrete columns (continuous
columns after a stated binning) and applies the same function; the result is an
:class:`~infolens.result.Estimate` recording ``n`` and the binning.  For many continuous
variables, :func:`o_information_multiplets` uses the Gaussian copula (rank-normalise each
variable, then Gaussian entropies from the correlation matrix, optionally bias
corrected) and evaluates every multiplet of a given size at once.

References
----------
Rosas, F. E., Mediano, P. A. M., Gastpar, M. & Jensen, H. J. (2019). Quantifying
high-order interdependencies via multivariate extensions of the mutual information.
Phys. Rev. E 100, 032305.
Ince, R. A. A. et al. (2017). A statistical framework for neuroimaging data analysis
based on mutual information estimated via a Gaussian copula. Hum. Brain Mapp. 38, 1541.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import Any

import numpy as np

from .._validate import check_positive_int, check_samples
from ..estimate._records import canonical
from ..exact.discrete import (
    dual_total_correlation,
    interaction_information,
    o_information,
    s_information,
    total_correlation,
)
from ..result import Estimate
from ..units import Base, log_base, unit_name
from .samples import RULE

__all__ = [
    "interaction_information",
    "total_correlation",
    "dual_total_correlation",
    "o_information",
    "s_information",
    "interaction_information_samples",
    "total_correlation_samples",
    "dual_total_correlation_samples",
    "o_information_samples",
    "s_information_samples",
    "o_information_multiplets",
    "MultipletResult",
]


def _plugin(fn, quantity: str, x: Any, bins: int | None, rule: str, base: Base) -> Estimate:
    from .samples import _codes, _pmf_from_codes

    lb = log_base(base)
    arr = check_samples(x, "x", min_samples=2)
    if arr.shape[1] < 2:
        raise ValueError(f"x has {arr.shape[1]} column; {quantity} needs at least two variables (columns).")
    codes, sizes, binning = _codes(arr, "x", bins, rule)
    p = _pmf_from_codes(codes, sizes)
    val = fn(p)  # nats
    params = {"bins": bins, "rule": rule} if binning else {}
    return Estimate(val / lb, unit=unit_name(base), method="plugin", n=int(arr.shape[0]),
                    params=params, quantity=quantity)


_SAMPLES_DOC = r"""{title} from samples (plug-in pmf of the columns of ``x``).

    {formula}

    Parameters
    ----------
    x : array_like, shape (n, d)
        One variable per column, ``d >= 2``.  Discrete columns are counted directly;
        continuous columns need ``bins`` (the binning is recorded in ``est.params``).
    bins : int, optional
        Number of bins per continuous column.
    rule : {{"quantile", "uniform"}}, default "quantile"
        Binning rule (see :func:`infolens.estimate.binning.discretize`; equal-frequency
        by default, for the reason given at :data:`infolens.pid.samples.RULE`).
    base : "e", 2, 10 or float > 1

    Returns
    -------
    Estimate
        Plug-in value; biased like plug-in entropies (each term by about
        :math:`(K-1)/(2n)` nats for K occupied cells, Miller 1955).

    References
    ----------
    {ref}
"""


def interaction_information_samples(x: Any, *, bins: int | None = None, rule: str = RULE,
                                    base: Base = "e") -> Estimate:
    return _plugin(interaction_information, "interaction information", x, bins, rule, base)


def total_correlation_samples(x: Any, *, bins: int | None = None, rule: str = RULE,
                              base: Base = "e") -> Estimate:
    return _plugin(total_correlation, "total correlation", x, bins, rule, base)


def dual_total_correlation_samples(x: Any, *, bins: int | None = None, rule: str = RULE,
                                   base: Base = "e") -> Estimate:
    return _plugin(dual_total_correlation, "dual total correlation", x, bins, rule, base)


def s_information_samples(x: Any, *, bins: int | None = None, rule: str = RULE,
                          base: Base = "e") -> Estimate:
    return _plugin(s_information, "S-information", x, bins, rule, base)


def o_information_samples(x: Any, *, method: str = "plugin", bins: int | None = None,
                          rule: str = RULE, bias_correct: bool = True,
                          base: Base = "e") -> Estimate:
    method = canonical("o_information", method)  # "gaussian_copula" -> "gcmi", with a warning
    if method == "plugin":
        return _plugin(o_information, "O-information", x, bins, rule, base)
    if method == "gcmi":
        arr = check_samples(x, "x", min_samples=3, kind="continuous")
        res = o_information_multiplets(arr, size=arr.shape[1], bias_correct=bias_correct, base=base)
        return Estimate(float(res.values[0]), unit=res.unit, method="gcmi",
                        n=res.n, params={"bias_correct": bias_correct}, quantity="O-information")
    raise ValueError(f"method={method!r}: choose 'plugin' or 'gcmi'.")


_REF_RII = "McGill (1954); Bell (2003), The co-information lattice."
_REF_ROSAS = "Rosas et al. (2019), Phys. Rev. E 100, 032305."
interaction_information_samples.__doc__ = _SAMPLES_DOC.format(
    title="Interaction information (co-information sign)",
    formula=r":math:`I(X_1;\dots;X_d) = -\sum_{S\neq\emptyset}(-1)^{|S|}H(X_S)`; XOR of two bits: -1 bit.",
    ref=_REF_RII)
total_correlation_samples.__doc__ = _SAMPLES_DOC.format(
    title="Total correlation", formula=r":math:`TC = \sum_i H(X_i) - H(X_1,\dots,X_d)`.",
    ref="Watanabe (1960), IBM J. Res. Dev. 4, 66.")
dual_total_correlation_samples.__doc__ = _SAMPLES_DOC.format(
    title="Dual total correlation", formula=r":math:`DTC = H(X) - \sum_i H(X_i | X_{-i})`.",
    ref="Han (1978), Inf. Control 36, 133.")
s_information_samples.__doc__ = _SAMPLES_DOC.format(
    title="S-information", formula=r":math:`\Sigma = TC + DTC`.", ref=_REF_ROSAS)
o_information_samples.__doc__ = _SAMPLES_DOC.format(
    title="O-information",
    formula=r""":math:`\Omega = TC - DTC = (d-2)H(X) + \sum_i [H(X_i) - H(X_{-i})]`;
    positive when redundancy dominates, negative when synergy does.

    ``method="gcmi"`` (the Gaussian copula, named as in the estimator registry; the old
    name ``"gaussian_copula"`` still works with a ``DeprecationWarning``) instead
    rank-normalises the continuous columns and uses Gaussian entropies (see
    :func:`o_information_multiplets`, ``bias_correct``).""",
    ref=_REF_ROSAS + " Ince et al. (2017), Hum. Brain Mapp. 38, 1541.")


# ----------------------------------------------------------------------------- copula


@dataclass(frozen=True)
class MultipletResult:
    """O-information of every multiplet of one size.

    Attributes
    ----------
    multiplets : ndarray of int, shape (M, size)
        Column indices of each multiplet (lexicographic order).
    values : ndarray, shape (M,)
        O-information of each multiplet (units of ``base``).
    size : int
    unit : str
    n : int
        Number of samples.
    method : str
        ``"gcmi"`` (Gaussian copula, the registry's name), or ``"gaussian"`` with
        ``copula=False``.
    bias_correct : bool
    """

    multiplets: np.ndarray
    values: np.ndarray
    size: int
    unit: str
    n: int
    method: str
    bias_correct: bool

    def most_synergistic(self, k: int = 10) -> list[tuple[tuple[int, ...], float]]:
        """The ``k`` multiplets with the most negative O-information."""
        order = np.argsort(self.values, kind="stable")[:k]
        return [(tuple(int(i) for i in self.multiplets[o]), float(self.values[o])) for o in order]

    def most_redundant(self, k: int = 10) -> list[tuple[tuple[int, ...], float]]:
        """The ``k`` multiplets with the most positive O-information."""
        order = np.argsort(-self.values, kind="stable")[:k]
        return [(tuple(int(i) for i in self.multiplets[o]), float(self.values[o])) for o in order]


def _copnorm(x: np.ndarray) -> np.ndarray:
    """Gaussian-copula normalisation: z = Phi^-1(rank / (n + 1)) per column.

    Ranks are 1..n by sorting each column, ties broken by order of appearance (as in
    ``gcmi`` and ``hoi``); for continuous data ties have probability zero.
    """
    from scipy.special import ndtri

    n = x.shape[0]
    order = np.argsort(x, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None], axis=0)
    return ndtri(ranks / (n + 1.0))


def _gauss_bias(k: int, n: int) -> float:
    """Bias of the Gaussian plug-in entropy of k dimensions from n samples (nats):
    E[h_hat] - h = k/2 log(2/(n-1)) + sum_{i=1..k} psi((n-i)/2)/2 (Ince et al. 2017)."""
    from scipy.special import digamma

    return 0.5 * k * (np.log(2.0) - np.log(n - 1.0)) + 0.5 * float(
        np.sum(digamma((n - np.arange(1, k + 1)) / 2.0))
    )


def o_information_multiplets(
    x: Any,
    size: int = 3,
    *,
    multiplets: Any = None,
    bias_correct: bool = True,
    copula: bool = True,
    base: Base = "e",
    batch_size: int = 20000,
) -> MultipletResult:
    r"""Gaussian-copula O-information of every multiplet of ``size`` variables.

    Each column is rank-transformed to a standard normal (the Gaussian copula), the
    covariance :math:`C` of the transformed data is computed once, and for each
    multiplet :math:`S` with :math:`|S| = k`

    .. math:: \Omega(S) = (k-2)\,H(S) + \sum_{i\in S}\big[H(X_i) - H(S\setminus i)\big],
              \qquad H(S) = \tfrac12\log\big((2\pi e)^k \det C_S\big) - b_k,

    with all determinants of a batch evaluated together (``numpy.linalg.slogdet`` on
    stacked matrices).  :math:`b_k` is the analytic bias of the Gaussian entropy estimate
    from ``n`` samples (subtracted when ``bias_correct``).  It is consistent for data
    whose copula is Gaussian; otherwise it is an approximation (the copula MI
    lower-bounds the true MI, but no such bound carries over to O-information, a
    difference of such terms).

    Parameters
    ----------
    x : array_like, shape (n, d)
        Continuous samples, one variable per column.
    size : int
        Multiplet size k (3 to d).
    multiplets : array_like of int, shape (M, k), optional
        Which multiplets; default all :math:`\binom{d}{k}` in lexicographic order.
    bias_correct : bool
        Subtract the Gaussian entropy bias (as in ``gcmi`` and ``hoi``).
    copula : bool
        Rank-normalise first (``False``: treat the data as Gaussian as they are).
    base : "e", 2, 10 or float > 1
    batch_size : int
        Multiplets per vectorised batch.

    Returns
    -------
    MultipletResult

    References
    ----------
    Rosas et al. (2019), Phys. Rev. E 100, 032305; Ince et al. (2017), Hum. Brain Mapp.
    38, 1541 (Gaussian copula and the bias correction).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(5000, 1))
    >>> x = np.hstack([z + 0.5 * rng.normal(size=(5000, 3)), rng.normal(size=(5000, 1))])
    >>> r = o_information_multiplets(x, size=3)
    >>> r.most_redundant(1)[0][0]   # the three noisy copies of z
    (0, 1, 2)
    """
    lb = log_base(base)
    arr = check_samples(x, "x", min_samples=4, kind="continuous")
    n, d = arr.shape
    k = check_positive_int(size, "size", minimum=3) if multiplets is None else None
    if multiplets is None:
        if k > d:
            raise ValueError(f"size={k} exceeds the number of variables d={d}.")
        combos = np.array(list(combinations(range(d), k)), dtype=np.int64).reshape(comb(d, k), k)
    else:
        combos = np.asarray(multiplets, dtype=np.int64)
        if combos.ndim != 2 or combos.shape[1] < 3 or (combos < 0).any() or (combos >= d).any():
            raise ValueError(f"multiplets must be an (M, k) integer array with k >= 3 and indices in [0, {d}).")
        if any(len(set(r)) != len(r) for r in combos.tolist()):
            raise ValueError("multiplets must not repeat a variable within a row.")
        k = combos.shape[1]
    if n <= k + 1:
        raise ValueError(f"x has {n} samples; at least {k + 2} are needed for {k}-variable entropies.")
    batch_size = check_positive_int(batch_size, "batch_size")
    z = _copnorm(arr) if copula else arr
    z = z - z.mean(axis=0)
    # einsum, not BLAS: d x d from n x d is tiny work, and threaded GEMM on thin-tall
    # matrices can be slow on busy machines
    C = np.einsum("ni,nj->ij", z, z) / (n - 1.0)
    const = 0.5 * (np.log(2 * np.pi) + 1.0)

    def H(ld, dim):
        h = 0.5 * ld + dim * const
        return h - _gauss_bias(dim, n) if bias_correct else h

    h1 = H(np.log(np.diag(C)), 1)  # (d,)
    loo = np.array([[j for j in range(k) if j != i] for i in range(k)], dtype=np.int64)  # (k, k-1)
    out = np.empty(combos.shape[0])
    for s in range(0, combos.shape[0], batch_size):
        cb = combos[s : s + batch_size]
        Cs = C[cb[:, :, None], cb[:, None, :]]  # (m, k, k)
        sign, ld = np.linalg.slogdet(Cs)
        sub = cb[:, loo]  # (m, k, k-1)
        Csub = C[sub[..., :, None], sub[..., None, :]]  # (m, k, k-1, k-1)
        sign2, ld2 = np.linalg.slogdet(Csub)
        if (sign <= 0).any() or (sign2 <= 0).any():
            raise ValueError(
                "a multiplet's covariance is singular (duplicated or constant variables); "
                "remove them before computing O-information."
            )
        hS = H(ld, k)
        hloo = H(ld2, k - 1)
        out[s : s + len(cb)] = (k - 2) * hS + (h1[cb] - hloo).sum(axis=1)
    return MultipletResult(
        multiplets=combos, values=out / lb, size=k, unit=unit_name(base), n=int(n),
        method="gcmi" if copula else "gaussian", bias_correct=bool(bias_correct),
    )
