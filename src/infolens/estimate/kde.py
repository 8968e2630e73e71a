"""Pairwise-distance bounds on the entropy of Gaussian mixtures (Kolchinsky & Tracey).

A deterministic layer ``T = f(X)`` evaluated on ``n`` equiprobable inputs, plus isotropic
Gaussian noise ``Z ~ N(0, sigma^2 I)``, has the distribution of the mixture
``p(t) = (1/n) sum_i N(t; t_i, sigma^2 I)``.  Its differential entropy has no closed form,
but Kolchinsky & Tracey (2017) bound it by pairwise distances between the components:

    H_lower = H(Z) - (1/n) sum_i ln (1/n) sum_j exp(-||t_i - t_j||^2 / (8 sigma^2))
    H_upper = H(Z) - (1/n) sum_i ln (1/n) sum_j exp(-||t_i - t_j||^2 / (2 sigma^2))

(the lower bound uses the Bhattacharyya distance, the upper the KL divergence between
components), with ``H(Z) = d/2 ln(2 pi e sigma^2)``.  Since ``h(T + Z | X) = H(Z)``,

    I(X; T+Z) = h(T+Z) - H(Z)

is bracketed by the same sums without the ``H(Z)`` term.  This is the finite quantity the
"KDE" information-plane estimator of Saxe et al. (2018) reports: the information about
``X`` carried by the layer *after* adding noise of a stated variance.  Without the noise
(``sigma -> 0``) and with distinct ``t_i`` both bounds tend to ``ln n``.

All computations are in nats and blocked over rows, so memory is ``O(block * n)``.

Deterministic layers are the design case here: ``I(X; T)`` of a deterministic ``T = f(X)``
is infinite for continuous ``X``, and the bounds measure the finite ``I(X; T+Z)`` at the
stated noise level instead (at most ``ln n``).  The terms depend on the activations only
through ``||t_i - t_j|| / sigma``; ``t`` and ``sigma`` are divided by one power of two
(exact) before squared distances are formed, so magnitudes near 1e300 or 1e-300 neither
overflow nor underflow.  A ``noise_std`` below about 1e-160 times the largest ``|t|``
cannot be represented in the kernel and raises ``ValueError``.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from .._validate import check_base, check_consistent_length, check_positive_int, check_samples
from ..result import Estimate
from ..units import unit_name

__all__ = [
    "MixtureEntropyBounds",
    "mixture_entropy_bounds",
    "pairwise_mi_bounds",
    "PairwiseMIBounds",
]


class MixtureEntropyBounds(NamedTuple):
    """Lower and upper bounds on the differential entropy of a Gaussian mixture."""

    lower: float
    upper: float


class PairwiseMIBounds(NamedTuple):
    """Kolchinsky–Tracey bounds on I(X; T+Z) and on I(T+Z; Y).

    Attributes
    ----------
    ixt : Estimate
        Upper bound on I(X; T+Z) (the value of Saxe et al.'s KDE estimator), with
        ``params["lower_bound"]`` and ``params["upper_bound"]``.
    ixt_lower : Estimate
        Lower bound on I(X; T+Z) (Bhattacharyya form).
    ity : Estimate or None
        I(T+Z; Y) computed as ``H_upper(T+Z) - sum_y p(y) H_upper(T+Z | Y=y)`` (an
        estimate, not a bound, as in Kolchinsky et al.'s code); rigorous bounds
        ``H_lower - sum p H_upper`` and ``H_upper - sum p H_lower`` are in its ``params``.
    """

    ixt: Estimate
    ixt_lower: Estimate
    ity: Estimate | None


def _check_sigma(noise_std: Any) -> float:
    if isinstance(noise_std, bool) or not isinstance(noise_std, numbers.Real):
        raise TypeError(f"noise_std must be a positive number; got {type(noise_std).__name__}.")
    s = float(noise_std)
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"noise_std={noise_std!r} must be finite and > 0.")
    return s


def _logmeanexp_sums(
    t: np.ndarray, sigma: float, groups: np.ndarray | None, block: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Per row i: ln mean_j exp(-D_ij/(2s^2)) and ln mean_j exp(-D_ij/(8s^2)) (D = squared
    distance), over all j and over the j in the same group as i.

    Row i is always among the j (D_ii = 0), so every sum is >= 1 and its log is finite;
    no max-shift is needed.
    """
    n = t.shape[0]
    # Every term depends on the data only through ||t_i - t_j|| / sigma: divide t and
    # sigma by one power of two (exact) so that squared norms neither overflow (t near
    # 1e300) nor underflow (t near 1e-300).  Results are bit-identical otherwise.
    e = int(np.frexp(max(float(np.abs(t).max()), sigma))[1])
    t = np.ldexp(t, -e)
    sigma = float(np.ldexp(sigma, -e))
    if sigma * sigma == 0.0:
        raise ValueError(
            f"noise_std is below about 1e-160 times the largest |t| ({np.ldexp(sigma, e):.3g} against "
            f"{np.ldexp(float(np.abs(t).max()), e):.3g}): at that resolution every input is "
            "isolated and the bounds cannot be evaluated in float64. Use a noise_std on the "
            "scale of the distances between activations."
        )
    sq = np.einsum("ij,ij->i", t, t)
    if groups is None:
        w = np.ones((n, 1))
    else:
        counts = np.bincount(groups)
        w = np.zeros((n, counts.size + 1))
        w[:, 0] = 1.0
        w[np.arange(n), groups + 1] = 1.0
    kl_all = np.empty(n)
    bh_all = np.empty(n)
    kl_grp = np.empty(n) if groups is not None else None
    bh_grp = np.empty(n) if groups is not None else None
    for start in range(0, n, block):
        stop = min(n, start + block)
        rows = np.arange(stop - start)
        e = t[start:stop] @ t.T
        e *= -2.0
        e += sq[start:stop, None]
        e += sq[None, :]
        np.maximum(e, 0.0, out=e)  # float rounding can make ||a-b||^2 slightly negative
        e *= -1.0 / (8.0 * sigma * sigma)
        np.exp(e, out=e)  # Bhattacharyya kernel exp(-D/(8 s^2))
        sums = e @ w
        bh_all[start:stop] = np.log(sums[:, 0] / n)
        if groups is not None:
            g = groups[start:stop]
            bh_grp[start:stop] = np.log(sums[rows, g + 1] / counts[g])
        e *= e
        e *= e  # KL kernel exp(-D/(2 s^2)) = (exp(-D/(8 s^2)))^4
        sums = e @ w
        kl_all[start:stop] = np.log(sums[:, 0] / n)
        if groups is not None:
            kl_grp[start:stop] = np.log(sums[rows, g + 1] / counts[g])
    return kl_all, bh_all, kl_grp, bh_grp


def mixture_entropy_bounds(
    centers: Any,
    *,
    noise_std: float,
    base: Any = "e",
    block: int = 1024,
) -> MixtureEntropyBounds:
    """Kolchinsky–Tracey bounds on the entropy of ``(1/n) sum_i N(c_i, sigma^2 I)``.

    Parameters
    ----------
    centers : array of shape (n, d)
        Component means (equal weights).
    noise_std : float
        Standard deviation ``sigma`` of each isotropic component.
    base : {"e", 2, 10} or float
        Unit of the result.
    block : int
        Rows processed at once (memory ``block * n`` floats).

    Returns
    -------
    MixtureEntropyBounds
        ``(lower, upper)`` with ``lower <= h(mixture) <= upper``:
        ``H(Z) - mean_i ln mean_j exp(-||c_i - c_j||^2 / (k sigma^2))`` with ``k = 8``
        (Bhattacharyya) for the lower and ``k = 2`` (KL) for the upper bound, and
        ``H(Z) = d/2 ln(2 pi e sigma^2)``.

    References
    ----------
    A. Kolchinsky and B. D. Tracey, "Estimating mixture entropy with pairwise distances",
    Entropy 19(7):361, 2017.

    Examples
    --------
    >>> b = mixture_entropy_bounds([[0.0]], noise_std=1.0)  # one component: exact
    >>> bool(abs(b.upper - b.lower) < 1e-12 and abs(b.upper - 0.5 * np.log(2 * np.pi * np.e)) < 1e-12)
    True
    """
    c = check_samples(centers, "centers", kind="continuous")
    sigma = _check_sigma(noise_std)
    lb = check_base(base)
    block = check_positive_int(block, "block")
    d = c.shape[1]
    hz = 0.5 * d * np.log(2 * np.pi * np.e) + d * np.log(sigma)  # no overflow of sigma**2
    kl, bh, _, _ = _logmeanexp_sums(c, sigma, None, block)
    return MixtureEntropyBounds(float((hz - bh.mean()) / lb), float((hz - kl.mean()) / lb))


def pairwise_mi_bounds(
    t: Any,
    y: Any = None,
    *,
    noise_std: float,
    base: Any = "e",
    block: int = 1024,
) -> PairwiseMIBounds:
    """Bounds on I(X; T+Z) and I(T+Z; Y) for a deterministic layer with added noise.

    Each row of ``t`` is the layer's output ``t_i = f(x_i)`` for one of ``n``
    equiprobable inputs; ``Z ~ N(0, sigma^2 I)`` is independent noise.

    Parameters
    ----------
    t : array of shape (n, d)
        Layer activations, one row per input.
    y : array of shape (n,), optional
        Discrete labels; when given, I(T+Z; Y) is computed too.
    noise_std : float
        ``sigma``.  It sets the resolution of the measurement: I(X; T+Z) counts how many
        inputs the layer keeps apart at distance ``~ sigma``.
    base : {"e", 2, 10} or float
    block : int

    Returns
    -------
    PairwiseMIBounds
        ``ixt`` (upper bound), ``ixt_lower`` (lower bound) and ``ity``.

    Notes
    -----
    ``I(X; T+Z) = h(T+Z) - h(Z)`` since ``h(T+Z | X) = h(Z)``; the upper bound is
    ``-mean_i ln mean_j exp(-||t_i - t_j||^2 / (2 sigma^2))`` and the lower bound the same
    with ``8 sigma^2``.  Both lie in ``[0, ln n]``.  For ``I(T+Z; Y) = h(T+Z) -
    sum_y p(y) h(T+Z | Y=y)`` the value reported uses the upper bound on every entropy
    (Kolchinsky, Tracey & Van Kuyk 2019); valid bounds combine lower and upper bounds and
    are given in ``ity.params``.

    References
    ----------
    A. Kolchinsky and B. D. Tracey, "Estimating mixture entropy with pairwise distances",
    Entropy 19(7):361, 2017.
    A. M. Saxe et al., "On the information bottleneck theory of deep learning", ICLR 2018.
    A. Kolchinsky, B. D. Tracey and S. Van Kuyk, "Caveats for information bottleneck in
    deterministic scenarios", ICLR 2019.

    Examples
    --------
    >>> b = pairwise_mi_bounds([[0.0], [100.0]], noise_std=1.0, base=2)
    >>> round(float(b.ixt), 6), round(float(b.ixt_lower), 6)  # two far-apart inputs: 1 bit
    (1.0, 1.0)
    """
    tt = check_samples(t, "t", kind="continuous")
    sigma = _check_sigma(noise_std)
    lb = check_base(base)
    block = check_positive_int(block, "block")
    n = tt.shape[0]
    unit = unit_name(base)
    groups = None
    if y is not None:
        ya = check_samples(y, "y")
        check_consistent_length(t=tt, y=ya)
        if ya.shape[1] != 1:
            ya = np.unique(ya, axis=0, return_inverse=True)[1].reshape(-1, 1)
        _, groups = np.unique(ya[:, 0], return_inverse=True)
        groups = groups.reshape(-1)
    kl, bh, klg, bhg = _logmeanexp_sums(tt, sigma, groups, block)
    up = float(-kl.mean())
    lo = float(-bh.mean())
    params = {"noise_std": sigma, "lower_bound": lo / lb, "upper_bound": up / lb}
    ixt = Estimate(max(up, 0.0) / lb, unit=unit, method="kt_upper", n=n, params=params,
                   quantity="I(X;T+Z)")
    ixt_lower = Estimate(max(lo, 0.0) / lb, unit=unit, method="kt_lower", n=n, params=params,
                         quantity="I(X;T+Z)")
    ity = None
    if groups is not None:
        # h(T+Z) - sum_y p(y) h(T+Z|y); the H(Z) terms cancel.  With the per-row means,
        # sum_y p(y) * mean_{i in y}(.) = mean_i(.)
        est = float(-kl.mean() + klg.mean())
        lower = float(-bh.mean() + klg.mean())
        upper = float(-kl.mean() + bhg.mean())
        ity = Estimate(
            est / lb, unit=unit, method="kt_upper", n=n,
            params={"noise_std": sigma, "lower_bound": max(lower, 0.0) / lb,
                    "upper_bound": upper / lb},
            quantity="I(T+Z;Y)",
        )
    return PairwiseMIBounds(ixt, ixt_lower, ity)
