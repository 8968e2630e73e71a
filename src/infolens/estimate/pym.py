"""Pitman–Yor mixture (PYM) entropy: the posterior of the entropy of a possibly countably
infinite alphabet given symbol counts (Archer, Park & Pillow 2014).

:func:`pym_entropy` gives the posterior mean and standard deviation; the count-based
estimator ``"pym"`` of :mod:`infolens.estimate.discrete` (entropy, MI, CMI of discrete
samples) is the posterior mean, :func:`_h_pym`.

References
----------
Archer, E., Park, I. M. & Pillow, J. W. (2014). Bayesian entropy estimation for
countable discrete distributions. *JMLR* 15, 2833-2868.
Pitman, J. (1996). Some developments of the Blackwell-MacQueen urn scheme.
*IMS Lecture Notes* 30, 245-267.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ..units import log_base, unit_name
from ._counting import check_counts, counts_of_counts

__all__ = ["PYMEntropy", "pym_entropy"]


# q(gamma) = exp(-_PYM_Q / (1 - gamma)): the mixing density over the share gamma of the prior
# mean entropy carried by the discount (Archer, Park & Pillow 2014, the default of the
# authors' reference code, time constant 0.1).
_PYM_Q = 10.0
_PYM_GAMMA_MAX = 1.0 - 1e-4  # q(gamma) < exp(-1e5) beyond: no mass
_PYM_H_MAX = 200.0  # prior-mean entropies above 200 nats (alpha ~ e^200) carry no mass


def _trigamma_fast(x: np.ndarray, shift: int = 10) -> np.ndarray:
    """Trigamma for ``x > 0``: ``shift`` steps of ``psi_1(x) = psi_1(x + 1) + 1/x^2``, then
    the asymptotic series at ``x + shift`` to ``x^-11`` (relative error below 1e-13 with
    the default shift, 1e-7 with ``shift=4``); several times faster than
    ``scipy.special.polygamma(1, x)`` (which goes through zeta)."""
    x = np.asarray(x, dtype=np.float64)
    acc = np.zeros_like(x)
    for j in range(shift):
        acc = acc + 1.0 / (x + j) ** 2
    z = x + float(shift)
    iz = 1.0 / z
    iz2 = iz * iz
    series = iz + iz2 * (
        0.5 + iz * (1.0 / 6 + iz2 * (-1.0 / 30 + iz2 * (1.0 / 42 + iz2 * (-1.0 / 30 + iz2 * 5.0 / 66))))
    )
    return acc + series


def _inv_digamma(y: np.ndarray) -> np.ndarray:
    """Inverse of the digamma function on (0, inf) by Newton's method (Minka 2000)."""
    y = np.atleast_1d(np.asarray(y, dtype=np.float64))
    big = y >= -2.22
    x = np.empty_like(y)
    x[big] = np.exp(np.minimum(y[big], 700.0)) + 0.5
    x[~big] = -1.0 / (y[~big] - special.digamma(1.0))
    for _ in range(5):
        # the derivative needs no full precision: a 1e-7 relative error only slows the
        # last (already converged) Newton steps
        x = x - (special.digamma(x) - y) / _trigamma_fast(x, shift=4)
        x = np.maximum(x, 1e-300)
    return x


def _series_coefficients(k: float) -> np.ndarray:
    """``(-1)^(j+1) S_j / j`` for ``j = 1..8`` with the power sums ``S_j = sum_{l<K} l^j``."""
    ls = np.arange(1.0, k)
    return np.array([(-1.0) ** (j + 1) * float(np.sum(ls**j)) / j for j in range(1, 9)])


def _sum_log_steps(alpha: np.ndarray, d: np.ndarray, k: float, coef: np.ndarray) -> np.ndarray:
    """``sum_{l=1}^{K-1} log(alpha + l d)`` for arrays ``alpha > 0``, ``0 <= d``.

    With ``d = 1`` this is ``log (alpha + 1)_{K-1}``.  When ``t = d (K-1) / alpha < 0.01``
    the gamma-function form cancels, so the sum is expanded as ``(K-1) log alpha +
    sum_j (-1)^(j+1) (d/alpha)^j S_j / j`` (``coef`` from :func:`_series_coefficients`;
    remainder below ``(K-1) 0.01^9 / 9``); otherwise it is ``(K-1) log d + lnG(alpha/d +
    K) - lnG(alpha/d + 1)`` with ``alpha/d <= 100 (K-1)``, so no large cancellation.
    """
    alpha, d = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(d, float))
    if k <= 1:
        return np.zeros(alpha.shape)
    km1 = k - 1.0
    out = np.empty(alpha.shape)
    small = d * km1 < 1e-2 * alpha
    if np.any(small):
        a = alpha[small]
        r = d[small] / a
        acc = km1 * np.log(a)
        rp = np.ones_like(r)
        for cj in coef:
            rp = rp * r
            acc = acc + cj * rp
        out[small] = acc
    big = ~small
    if np.any(big):
        x = alpha[big] / d[big]
        out[big] = km1 * np.log(d[big]) + special.gammaln(x + k) - special.gammaln(x + 1.0)
    return out


def _py_prior_moments(alpha: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the entropy of a draw from PY(d, alpha) (Archer et al. 2014).

    ``E[H] = psi(alpha+1) - psi(1-d)``; ``Var[H] = (alpha+d)/((alpha+1)^2 (1-d)) +
    (1-d)/(alpha+1) psi_1(2-d) - psi_1(alpha+2)``.
    """
    mean = special.digamma(alpha + 1.0) - special.digamma(1.0 - d)
    var = (
        (alpha + d) / ((alpha + 1.0) ** 2 * (1.0 - d))
        + (1.0 - d) / (alpha + 1.0) * _trigamma_fast(2.0 - d)
        - _trigamma_fast(alpha + 2.0)
    )
    return mean, var


class _PYMModel:
    """Posterior over the Pitman-Yor parameters and the conditional entropy moments.

    Integration variables: ``gamma`` in [0, 1) and ``s = log h`` where ``h = psi(alpha+1)
    - psi(1-d)`` is the prior mean entropy and ``gamma = (psi(1) - psi(1-d)) / h`` its share
    due to the discount.  Inverting: ``1 - d = psi^{-1}(psi(1) - gamma h)``, ``alpha + 1 =
    psi^{-1}(psi(1) + (1 - gamma) h)``.  The PYM prior is flat in ``h`` times
    ``q(gamma)``; in ``(gamma, s)`` its log density is ``log q(gamma) + s``.
    """

    def __init__(self, c: np.ndarray):
        self.m, self.f = counts_of_counts(c)
        self.n = float(np.dot(self.m, self.f))
        self.k = float(self.f.sum())
        self.coef_k = _series_coefficients(self.k)
        self.coef_n = _series_coefficients(self.n)

    @staticmethod
    def params(gam: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(d, 1 - d, alpha)`` from ``(gamma, s)``."""
        h = np.exp(s)
        psi1 = special.digamma(1.0)
        e = _inv_digamma(psi1 - gam * h)
        e = np.minimum(e, 1.0)
        alpha = np.maximum(_inv_digamma(psi1 + (1.0 - gam) * h) - 1.0, 1e-300)
        return 1.0 - e, e, alpha

    def loglik(self, d: np.ndarray, e: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        """log EPPF: ``sum_{l<K} log(alpha + l d) - log (alpha+1)_{N-1} + sum_i log (1-d)_{n_i-1}``."""
        ll = _sum_log_steps(alpha, d, self.k, self.coef_k)
        ll = ll - _sum_log_steps(alpha, np.ones_like(alpha), self.n, self.coef_n)
        m, f = self.m, self.f
        rising = special.gammaln(m - 1.0 + e[..., None]) - special.gammaln(e[..., None])
        return ll + (f * rising).sum(axis=-1)

    def logpost(self, gam: np.ndarray, s: np.ndarray) -> np.ndarray:
        gam, s = np.broadcast_arrays(np.asarray(gam, float), np.asarray(s, float))
        d, e, alpha = self.params(gam, s)
        with np.errstate(divide="ignore"):
            lq = -_PYM_Q / (1.0 - gam)
        return self.loglik(d, e, alpha) + lq + s

    def moments(
        self, d: np.ndarray, alpha: np.ndarray, second: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """``E[H | counts, d, alpha]`` and optionally ``E[H^2 | counts, d, alpha]``.

        The posterior of a PY(d, alpha) prior given counts ``n_i`` of ``K`` symbols is
        ``(p_1..p_K, p_*) ~ Dir(n_1 - d, ..., n_K - d, alpha + K d)`` with the mass ``p_*``
        spread by an independent PY(d, alpha + K d) (Pitman 1996).  Hence ``H = S + p_* T``
        with ``S = -sum_{j<=K} p_j log p_j - p_* log p_*`` and ``T`` the tail entropy.
        """
        m, f = self.m, self.f
        n, k = self.n, self.k
        a_tot = alpha + n
        a0 = alpha + k * d
        aj = m - d[..., None]
        obs = (f * aj * special.digamma(aj + 1.0)).sum(axis=-1)
        mean = special.digamma(a_tot + 1.0) - (obs + a0 * special.digamma(1.0 - d)) / a_tot
        if not second:
            return mean, None
        b = a_tot * (a_tot + 1.0)
        dg2 = special.digamma(a_tot + 2.0)
        tg2 = _trigamma_fast(a_tot + 2.0)
        # observed groups (multiplicity f) and the tail stick a0 as one more component
        v = special.digamma(aj + 1.0) - dg2[..., None]
        u = special.digamma(aj + 2.0) - dg2[..., None]
        v0 = special.digamma(a0 + 1.0) - dg2
        u0 = special.digamma(a0 + 2.0) - dg2
        diag = (f * aj * (aj + 1.0) * (u * u + _trigamma_fast(aj + 2.0) - tg2[..., None])).sum(
            axis=-1
        ) + a0 * (a0 + 1.0) * (u0 * u0 + _trigamma_fast(a0 + 2.0) - tg2)
        sav = (f * aj * v).sum(axis=-1) + a0 * v0
        sa2v2 = (f * (aj * v) ** 2).sum(axis=-1) + (a0 * v0) ** 2
        sa2 = (f * aj * aj).sum(axis=-1) + a0 * a0
        cross = sav * sav - sa2v2 - tg2 * (a_tot * a_tot - sa2)
        es2 = (diag + cross) / b
        # E[S p_*] = -sum_j E[p_j log p_j p_*]
        esp = -(a0 * (f * aj * v).sum(axis=-1) + a0 * (a0 + 1.0) * u0) / b
        mu_t, var_t = _py_prior_moments(a0, d)
        ep2 = a0 * (a0 + 1.0) / b
        return mean, es2 + 2.0 * mu_t * esp + ep2 * (var_t + mu_t * mu_t)


_PYM_DROP = 40.0  # integration ranges extend until the log density is this far below its peak


def _pym_rows(
    post: _PYMModel,
    gam: np.ndarray,
    s_lo: float,
    s_hi: float,
    full: bool,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """For each ``gamma``: ``log int p(gamma, s | counts) ds`` (and, with ``full``, the
    conditional posterior means of ``E[H | ...]`` and ``E[H^2 | ...]``).

    The conditional density over ``s`` is unimodal: a scan on 40 points (or a warm
    ``start``), Newton steps (central differences), then a trapezoid grid (spacing at
    most 0.8 sd and 0.25) over the range where the log density lies within ``_PYM_DROP`` of its peak (Laplace
    approximation when not ``full``).  Also returns the modes.
    """
    g = np.asarray(gam, dtype=np.float64)
    step = (s_hi - s_lo) / 39.0
    if start is None:
        scan = np.linspace(s_lo, s_hi, 40)
        lp = post.logpost(g[:, None], scan[None, :])
        s = scan[np.argmax(lp, axis=1)]
        iterations = 6
    else:
        s = np.clip(start, s_lo, s_hi)
        iterations = 4
    eps = 1e-4
    for _ in range(iterations):
        lm, l0, lp_ = (post.logpost(g, s + o) for o in (-eps, 0.0, eps))
        grad = (lp_ - lm) / (2 * eps)
        curv = (lp_ - 2 * l0 + lm) / eps**2
        newton = np.where(curv < 0, -grad / np.where(curv < 0, curv, -1.0), np.sign(grad) * step)
        s = np.clip(s + np.clip(newton, -step, step), s_lo, s_hi)
    lm, l0, lp_ = (post.logpost(g, s + o) for o in (-eps, 0.0, eps))
    curv = (lp_ - 2 * l0 + lm) / eps**2
    sigma = np.where(curv < 0, 1.0 / np.sqrt(np.where(curv < 0, -curv, 1.0)), step)
    sigma = np.clip(sigma, 1e-8, step)
    if not full:
        # Laplace approximation of the row integral (used only to locate the gamma range)
        return l0 + np.log(sigma * math.sqrt(2 * math.pi)), None, None, s
    left = np.maximum(s - 6 * sigma, s_lo)
    right = np.minimum(s + 6 * sigma, s_hi)
    for _ in range(40):
        grow_l = (left > s_lo) & (post.logpost(g, left) > l0 - _PYM_DROP)
        grow_r = (right < s_hi) & (post.logpost(g, right) > l0 - _PYM_DROP)
        if not (np.any(grow_l) or np.any(grow_r)):
            break
        left = np.where(grow_l, np.maximum(left - 3 * sigma - (s - left) * 0.5, s_lo), left)
        right = np.where(grow_r, np.minimum(right + 3 * sigma + (right - s) * 0.5, s_hi), right)
    # spacing at most 0.8 sd (trapezoid error ~ exp(-2 pi^2 / 0.8^2) for a Gaussian row)
    # and 0.25 in log h (for rows with an exponential tail, where the error is
    # ~ spacing^2 / 12 of the tail's share); one count for all rows
    spacing = np.minimum(0.8 * sigma, 0.25)
    npts = int(np.clip(np.ceil(np.max((right - left) / spacing)), 24, 512)) + 1
    t = np.linspace(0.0, 1.0, npts)
    grid = left[:, None] + (right - left)[:, None] * t[None, :]
    gg = np.broadcast_to(g[:, None], grid.shape)
    lg = post.logpost(gg, grid)
    top = lg.max(axis=1, keepdims=True)
    w = np.exp(lg - top)
    w[:, [0, -1]] *= 0.5  # trapezoid weights
    z = w.sum(axis=1)
    d, _, alpha = post.params(gg, grid)
    mean, second = post.moments(d, alpha, second=True)
    width = (right - left) / (npts - 1)
    logz = top[:, 0] + np.log(z * width)
    return logz, (w * mean).sum(axis=1) / z, (w * second).sum(axis=1) / z, s


def _drop_panels(x: np.ndarray, ell: np.ndarray, step: float) -> np.ndarray:
    """Panel edges on ``[x[0], x[-1]]``: the peak of the profile ``ell`` and the points where
    its piecewise-linear interpolant falls by each multiple of ``step`` below the peak."""
    i = int(np.argmax(ell))
    top = ell[i]
    edges = [x[0], x[i], x[-1]]
    for side in (slice(i, None), slice(None, i + 1)):
        xs, ls = x[side], ell[side]
        if xs.size < 2:
            continue
        if side.start is None:  # left side, walk away from the peak
            xs, ls = xs[::-1], ls[::-1]
        levels = top - step * np.arange(1, int(_PYM_DROP / step) + 1)
        for lev in levels:
            j = np.flatnonzero(ls <= lev)
            if j.size == 0 or j[0] == 0:
                break
            j = int(j[0])
            t = (ls[j - 1] - lev) / (ls[j - 1] - ls[j])
            edges.append(xs[j - 1] + t * (xs[j] - xs[j - 1]))
    edges = np.unique(np.asarray(edges, dtype=np.float64))
    # no panel wider than a sixth of the range (shape far from the peak is resolved too)
    width = (x[-1] - x[0]) / 6.0
    out = [edges[:1]]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        k = max(int(math.ceil((b - a) / width - 1e-9)), 1)
        out.append(np.linspace(a, b, k + 1)[1:])
    return np.concatenate(out)


_GL: list[tuple[np.ndarray, np.ndarray]] = []  # 8-point Gauss-Legendre rule, built on first use


def _gauss_legendre8() -> tuple[np.ndarray, np.ndarray]:
    if not _GL:
        _GL.append(np.polynomial.legendre.leggauss(8))
    return _GL[0]


def _pym_posterior(c: np.ndarray) -> tuple[float, float]:
    """Posterior mean and standard deviation of the entropy (nats) under the PYM prior."""
    post = _PYMModel(c)
    s_hi = math.log(_PYM_H_MAX)
    if post.k >= post.n:
        warnings.warn(
            "PYM: every symbol was seen once, so the posterior over the Pitman-Yor "
            "parameters is improper; the prior mean entropy is truncated at "
            "psi(N**2 + 1) - psi(1) (concentration up to N**2) and the value is a rough "
            "lower bound.",
            UserWarning,
            stacklevel=4,
        )
        s_hi = math.log(float(special.digamma(post.n**2 + 1.0) - special.digamma(1.0)))
    s_lo = s_hi - 30.0  # h from e^-30 h_max: far below any posterior mass
    # 1) Laplace profile of the gamma marginal on a coarse grid, zoomed in until at least
    #    16 nodes lie within _PYM_DROP of its peak;
    # 2) panels between the points where the profile falls by 6, 12, ... below the peak;
    # 3) 8-point Gauss-Legendre per panel with exact (trapezoid-in-s) rows, their modes
    #    started from the profile's.
    grid = np.linspace(0.0, _PYM_GAMMA_MAX, 33)
    for zoom in range(6):
        lz, _, _, modes = _pym_rows(post, grid, s_lo, s_hi, full=False)
        keep = np.flatnonzero(lz > lz.max() - _PYM_DROP)
        lo = grid[max(int(keep.min()) - 1, 0)]
        hi = grid[min(int(keep.max()) + 1, grid.size - 1)]
        if keep.size >= 16 or zoom == 5:
            break
        grid = np.linspace(lo, hi, 33)
    inside = (grid >= lo) & (grid <= hi)
    edges = _drop_panels(grid[inside], lz[inside], 6.0)
    a, b = edges[:-1, None], edges[1:, None]
    gl_x, gl_w = _gauss_legendre8()
    nodes = ((a + b) / 2 + (b - a) / 2 * gl_x[None, :]).ravel()
    weights = ((b - a) / 2 * gl_w[None, :]).ravel()
    start = np.interp(nodes, grid[inside], modes[inside])
    lz, hm, h2, _ = _pym_rows(post, nodes, s_lo, s_hi, full=True, start=start)
    w = weights * np.exp(lz - lz.max())
    z = w.sum()
    mean = float(np.dot(w, hm) / z)
    var = float(np.dot(w, h2) / z) - mean * mean
    return mean, math.sqrt(max(var, 0.0))


def _h_pym(c: np.ndarray) -> float:
    return _pym_posterior(c)[0]


@dataclass(frozen=True)
class PYMEntropy:
    """Posterior summary of the entropy under the Pitman–Yor mixture prior.

    Attributes
    ----------
    mean : float
        Posterior mean ``E[H | counts]`` (the Bayes least-squares estimate).
    std : float
        Posterior standard deviation ``sqrt(Var[H | counts])``.
    unit : str
        Unit of ``mean`` and ``std``.
    """

    mean: float
    std: float
    unit: str


def pym_entropy(counts: Any, *, base: Any = "e") -> PYMEntropy:
    """Posterior mean and standard deviation of the entropy under the PYM prior.

    The Pitman–Yor mixture (PYM) estimator of Archer, Park & Pillow (2014) for an unknown,
    possibly countably infinite alphabet.  Given counts ``n_i`` of ``K`` distinct symbols
    (``N = sum n_i``) and Pitman–Yor parameters (discount ``d``, concentration
    ``alpha``), the posterior of the seen masses and the unseen rest is
    ``Dir(n_1 - d, ..., n_K - d, alpha + K d)``, the rest spread by an independent
    ``PY(d, alpha + K d)``, which gives (``A = alpha + N``)::

        E[H | n, d, alpha] = psi(A + 1) - sum_i (n_i - d)/A psi(n_i - d + 1)
                             - (alpha + K d)/A psi(1 - d)

    and a closed form for ``E[H^2 | n, d, alpha]`` from the Dirichlet moments of
    ``p log p`` and the prior variance of a PY entropy.  These are mixed over ``(d, alpha)``
    with the posterior ``p(d, alpha | n) ∝ p(n | d, alpha) p(d, alpha)``, where
    ``p(n | d, alpha) = prod_{l<K} (alpha + l d) / (alpha + 1)_{N-1} prod_i (1 - d)_{n_i - 1}``
    (the Pitman–Yor EPPF) and the PYM prior is flat in the prior mean entropy
    ``h = psi(alpha + 1) - psi(1 - d)`` and weights the share ``gamma = (psi(1) -
    psi(1 - d)) / h`` of it due to the discount by ``q(gamma) = exp(-10 / (1 - gamma))``,
    so that the implied prior over ``H`` is roughly flat.

    Integration is in ``(gamma, log h)``: ``log h`` by the trapezoid rule over the range
    where the log density lies within 40 of its peak, ``gamma`` by 8-point Gauss–Legendre
    panels placed where the (Laplace) marginal falls by 6, 12, ... below its peak.  Against
    a 3000-row reference the mean and standard deviation agree to about ``1e-6`` nats.

    Parameters
    ----------
    counts : array_like of non-negative integers
        How often each symbol occurred (zeros are ignored).
    base : {"e", 2, 10} or float > 1
        Unit of the result.

    Returns
    -------
    PYMEntropy
        ``mean`` and ``std`` of the posterior over ``H``.

    Notes
    -----
    With no repeated symbol (``K = N``) the posterior is improper; the prior mean entropy
    is then truncated at ``psi(N^2 + 1) - psi(1)`` with a ``UserWarning`` and the value is
    a rough lower bound.  The prior assumes an unbounded alphabet with a possibly
    heavy (power-law) tail: on a *finite* alphabet seen with many singletons it
    extrapolates an unseen tail and overestimates (e.g. +0.27 nats on Zipf over 1,000
    symbols at N = 1,000); pass the alphabet size to ``"nsb"`` when it is known.

    References
    ----------
    Archer, E., Park, I. M. & Pillow, J. W. (2014). Bayesian entropy estimation for
    countable discrete distributions. *JMLR* 15, 2833-2868.
    Pitman, J. (1996). Some developments of the Blackwell-MacQueen urn scheme.
    *IMS Lecture Notes* 30, 245-267.

    Examples
    --------
    >>> est = pym_entropy([40, 35, 25])
    >>> round(est.mean, 2), round(est.std, 2)
    (1.1, 0.04)
    """
    lb = log_base(base)
    c = check_counts(counts, whole=True)
    mean, std = _pym_posterior(c)
    return PYMEntropy(mean / lb, std / lb, unit_name(base))
