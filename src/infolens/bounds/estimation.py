r"""How accurately can entropy be estimated at all? A finite-sample minimax lower bound.

Any estimator :math:`T` of the entropy from :math:`n` i.i.d. draws of a discrete
distribution :math:`p` can be exact at *one* distribution (the constant :math:`H(p)` is).
What no estimator can do is be accurate on a whole neighbourhood of :math:`p`.  The
neighbourhood used here is the exponential tilt of :math:`p`,

.. math:: p_\theta(i) = p_i^{\theta} / \textstyle\sum_j p_j^{\theta},
          \qquad \theta \in [1-\varepsilon, 1+\varepsilon],

which for a Zipf law :math:`p_i \propto i^{-s}` is the Zipf law of exponent
:math:`\theta s` over the same symbols.  It is the least favourable one-parameter
submodel for entropy: its score :math:`\ln p_\theta(X) + H(p_\theta)` is the efficient
influence function of :math:`H`.  Along it the Fisher information per draw is
:math:`I(\theta) = \operatorname{Var}_\theta[\ln p(X)]` and
:math:`\mathrm dH(p_\theta)/\mathrm d\theta = -\theta\, I(\theta)`.

The van Trees inequality (a Bayesian Cramér–Rao bound, valid for every estimator,
biased or not, at every finite :math:`n`) with the prior
:math:`\lambda(\theta) = \varepsilon^{-1}\cos^2\!\big(\pi(\theta-1)/(2\varepsilon)\big)`,
whose Fisher information is :math:`J(\lambda) = \pi^2/\varepsilon^2`, gives

.. math::
   \sup_{|\theta-1|\le\varepsilon} \mathbb E_\theta\big(T - H(p_\theta)\big)^2
   \;\ge\; \int \lambda\, \mathbb E_\theta (T - H)^2 \,\mathrm d\theta
   \;\ge\; \frac{\big(\int \lambda(\theta)\,\theta I(\theta)\,\mathrm d\theta\big)^2}
                {n \int \lambda(\theta) I(\theta)\,\mathrm d\theta + \pi^2/\varepsilon^2}.

:func:`entropy_risk_lower_bound` returns the square root (an RMS in the requested unit),
maximised over :math:`\varepsilon \le` ``radius``.  As :math:`n\to\infty` it tends to the
efficient standard deviation :math:`\sqrt{\operatorname{Var}_p[\ln p(X)]/n}` of the
Hájek–Le Cam local asymptotic minimax theorem, which is also returned.

References: H. L. Van Trees, *Detection, Estimation and Modulation Theory I* (1968);
R. D. Gill & B. Y. Levit, "Applications of the van Trees inequality: a Bayesian
Cramér–Rao bound", Bernoulli 1 (1995) 59–79; A. W. van der Vaart, *Asymptotic
Statistics* (1998), Thm 8.11 (local asymptotic minimax).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

from .._validate import check_pmf, check_positive_int
from ..units import Base, log_base, unit_name

__all__ = ["EntropyRiskBound", "entropy_risk_lower_bound"]

_REFERENCE = (
    "van Trees inequality (Van Trees 1968; Gill & Levit, Bernoulli 1 (1995) 59-79) "
    "along the exponential tilt p^theta"
)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)
# the prior's shape on [-1, 1]; integrates to 1
_PRIOR_W = _WEIGHTS * np.cos(np.pi * _NODES / 2) ** 2
_CHUNK = 4_000_000  # entries of the (theta, symbol) work array per block


@dataclass(frozen=True)
class EntropyRiskBound:
    """A lower bound on the worst-case RMS error of every entropy estimator.

    Attributes
    ----------
    value : float
        For every estimator there is a tilt exponent
        :math:`\\theta \\in [1-\\varepsilon, 1+\\varepsilon]` at which its root mean square
        error, with ``n`` draws from :math:`p_\\theta`, is at least ``value``.
    efficient_sd : float
        :math:`\\sqrt{\\operatorname{Var}_p[\\ln p(X)]/n}`, the local asymptotic minimax
        standard deviation at ``p`` (the limit of ``value`` for large ``n``).
    epsilon : float
        The half-width of the exponent interval that gave ``value`` (``<= radius``).
    radius : float
        The largest half-width that was allowed.
    n : int
        Sample size.
    entropy_range : tuple of float
        Entropies of :math:`p_{1+\\varepsilon}` and :math:`p_{1-\\varepsilon}`: how far the
        family reaches.
    unit : str
        Unit of ``value``, ``efficient_sd`` and ``entropy_range``.
    reference : str
    """

    value: float
    efficient_sd: float
    epsilon: float
    radius: float
    n: int
    entropy_range: tuple[float, float]
    unit: str
    reference: str = _REFERENCE

    def __float__(self) -> float:
        return float(self.value)


def _tilt_moments(log_p: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(H(p_theta), Var_theta[ln p])`` in nats for each ``theta``."""
    h = np.empty(theta.size)
    v = np.empty(theta.size)
    rows = max(1, _CHUNK // log_p.size)
    for s in range(0, theta.size, rows):
        t = theta[s : s + rows, None]
        a = t * log_p[None, :]
        lse = special.logsumexp(a, axis=1, keepdims=True)
        w = np.exp(a - lse)
        m = (w * log_p).sum(axis=1, keepdims=True)
        v[s : s + rows] = (w * (log_p - m) ** 2).sum(axis=1)
        h[s : s + rows] = (lse - t * m)[:, 0]
    return h, v


def _van_trees_sq(info_of: Any, n: int, eps: float) -> float:
    """The squared van Trees bound on ``[1 - eps, 1 + eps]``; ``info_of(theta)`` gives
    the Fisher information ``Var_theta[ln p]`` at each node."""
    theta = 1.0 + eps * _NODES
    info = info_of(theta)
    num = float(np.dot(_PRIOR_W, theta * info)) ** 2
    return num / (n * float(np.dot(_PRIOR_W, info)) + (math.pi / eps) ** 2)


def _best_epsilon(info_of: Any, n: int, radius: float) -> float:
    """The half-width ``<= radius`` that maximises the bound (grid, then bounded search)."""
    grid = radius * np.geomspace(1e-3, 1.0, 41)
    vals = np.array([_van_trees_sq(info_of, n, e) for e in grid])
    i = int(np.argmax(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = optimize.minimize_scalar(
        lambda e: -_van_trees_sq(info_of, n, e), bounds=(lo, hi), method="bounded",
        options={"xatol": 1e-4 * radius},
    )
    return float(res.x) if -res.fun > vals[i] else float(grid[i])


def entropy_risk_lower_bound(
    p: Any, n: int, *, radius: float = 0.2, base: Base = "e"
) -> EntropyRiskBound:
    r"""Minimax lower bound on the RMS error of entropy estimation near ``p``.

    No estimator of :math:`H` from ``n`` draws can have a root mean square error below
    ``value`` at every distribution :math:`p_\theta \propto p^\theta` with
    :math:`|\theta - 1| \le` ``radius`` (van Trees inequality; formula in the module
    docstring).  Use it to tell whether an accuracy target is achievable by any
    estimator that is not tuned to ``p`` itself.

    Parameters
    ----------
    p : array_like
        The distribution (any shape; the entries are the symbols' probabilities; zeros
        are outside the support and stay so along the tilt).
    n : int
        Number of i.i.d. draws the estimator sees.
    radius : float, default 0.2
        Largest half-width of the exponent interval (for a Zipf law of exponent ``s``:
        Zipf laws with exponents ``s (1 - radius)`` to ``s (1 + radius)``).  The bound
        is maximised over half-widths ``epsilon <= radius``.
    base : {"e", 2, 10} or float, default "e"
        Unit of the returned RMS values.

    Returns
    -------
    EntropyRiskBound
        ``value`` (the bound), ``efficient_sd``, the ``epsilon`` used, ``entropy_range``.

    Raises
    ------
    ValueError
        If ``p`` is not a pmf, ``n < 1`` or ``radius`` is not a finite positive number.

    Notes
    -----
    About 110 vectorised passes over the support (0.02 s for 1,000 symbols, 4 s for
    10^6 on one core).  The bound holds for every ``epsilon``; the one returned is found
    on a Chebyshev interpolant of :math:`I(\theta)` and the bound is then evaluated
    with exact moments (48-node Gauss–Legendre quadrature over the prior).

    Examples
    --------
    Zipf's law over 1,000 symbols, 1,000 draws: no estimator reaches 0.06 nats RMS on
    all Zipf exponents between 0.8 and 1.2.

    >>> from infolens.data import zipf_pmf
    >>> b = entropy_risk_lower_bound(zipf_pmf(1000), 1000, radius=0.2)
    >>> round(b.value, 3), round(b.efficient_sd, 4)
    (0.065, 0.0677)
    """
    probs = check_pmf(p, "p").ravel()
    n = check_positive_int(n, "n")
    if (
        isinstance(radius, bool)
        or not isinstance(radius, numbers.Real)
        or not math.isfinite(float(radius))
        or float(radius) <= 0
    ):
        raise ValueError(f"radius must be a finite number > 0 (a half-width of tilt exponents); got {radius!r}.")
    radius = float(radius)
    lb = log_base(base)
    log_p = np.log(probs[probs > 0])

    _, v1 = _tilt_moments(log_p, np.array([1.0]))
    efficient = math.sqrt(max(float(v1[0]), 0.0) / n)
    def exact_info(theta: np.ndarray) -> np.ndarray:
        return _tilt_moments(log_p, theta)[1]

    if np.ptp(log_p) == 0.0:  # uniform on its support: the tilt does not move p
        eps, best = radius, 0.0
    else:
        # Search epsilon on a Chebyshev interpolant of I(theta) over [1 - radius,
        # 1 + radius] (64 passes over the support instead of ~2000), then evaluate the
        # bound at the chosen epsilon with the exact moments: the interpolant only
        # decides how tight the bound is, never whether it holds.
        cheb = np.polynomial.chebyshev.Chebyshev.interpolate(
            exact_info, 63, domain=[1.0 - radius, 1.0 + radius]
        )
        eps = _best_epsilon(cheb, n, radius)
        best = _van_trees_sq(exact_info, n, eps)
    h_ends, _ = _tilt_moments(log_p, np.array([1.0 + eps, 1.0 - eps]))
    return EntropyRiskBound(
        value=math.sqrt(best) / lb,
        efficient_sd=efficient / lb,
        epsilon=eps,
        radius=radius,
        n=n,
        entropy_range=(float(h_ends[0]) / lb, float(h_ends[1]) / lb),
        unit=unit_name(base),
    )
