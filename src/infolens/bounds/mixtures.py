r"""Gaussian class-conditional mixtures whose Bayes error and :math:`H(Y|X)` are known.

Used to validate the Fano and Bayes-error bounds: :math:`X | Y=k \sim \mathcal N(\mu_k,
\sigma_k^2)` in one dimension, class priors :math:`\pi_k`, and optional symmetric label
noise (with probability :math:`\rho` the label is redrawn uniformly among the ``M``
classes).  With noise the posterior is :math:`(1-\rho)p(y|x) + \rho/M`, so the Bayes error
becomes :math:`(1-\rho)P_e^* + \rho(M-1)/M` exactly.

The Bayes error :math:`1 - \int \max_k \pi_k\,\mathcal N(x;\mu_k,\sigma_k^2)\,dx` and
:math:`H(Y|X) = \int p(x) H(Y|X=x)\,dx` are computed by adaptive quadrature
(``scipy.integrate.quad``) on :math:`[\min\mu - 40\max\sigma, \max\mu + 40\max\sigma]`
(outside, the mass is below :math:`10^{-300}`), with break points at the means, to an
absolute tolerance of about 1e-11.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate, special

from .._validate import as_array, check_positive_int, check_probability, check_random_state

__all__ = ["GaussianMixture"]


@dataclass(frozen=True)
class GaussianMixture:
    r"""One-dimensional Gaussian class-conditional mixture with exact Bayes quantities.

    Parameters
    ----------
    means : sequence of float
        Class means :math:`\mu_k` (``M >= 2`` of them).
    stds : float or sequence of float, default 1.0
        Class standard deviations :math:`\sigma_k > 0`.
    weights : sequence of float, optional
        Class priors :math:`\pi_k` (default uniform); must sum to 1.
    label_noise : float, default 0.0
        :math:`\rho \in [0, 1]`: probability that a label is replaced by a uniform draw.

    References
    ----------
    Fukunaga, K. (1990). *Introduction to Statistical Pattern Recognition*, ch. 3 (Bayes
    error); Natarajan et al. (2013). Learning with noisy labels. NeurIPS (symmetric noise).

    Examples
    --------
    >>> from scipy.stats import norm
    >>> g = GaussianMixture(means=[-1.0, 1.0])
    >>> bool(abs(g.bayes_error() - norm.cdf(-1.0)) < 1e-10)
    True
    """

    means: Any
    stds: Any = 1.0
    weights: Any = None
    label_noise: float = 0.0

    def __post_init__(self) -> None:
        mu = np.asarray(as_array(self.means, "means"), dtype=float).ravel()
        if mu.size < 2 or not np.all(np.isfinite(mu)):
            raise ValueError(f"means must hold >= 2 finite class means; got {self.means!r}.")
        sd = np.broadcast_to(np.asarray(as_array(self.stds, "stds"), dtype=float), mu.shape).copy()
        if not np.all(np.isfinite(sd)) or np.any(sd <= 0):
            raise ValueError(f"stds must be positive; got {self.stds!r}.")
        if self.weights is None:
            w = np.full(mu.size, 1.0 / mu.size)
        else:
            w = np.asarray(as_array(self.weights, "weights"), dtype=float).ravel()
            if w.shape != mu.shape or np.any(w < 0) or abs(w.sum() - 1) > 1e-9:
                raise ValueError(
                    f"weights must be {mu.size} non-negative class priors summing to 1; "
                    f"got {self.weights!r}."
                )
        rho = check_probability(self.label_noise, "label_noise")
        object.__setattr__(self, "means", mu)
        object.__setattr__(self, "stds", sd)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "label_noise", rho)

    @property
    def n_classes(self) -> int:
        return int(self.means.size)

    def _joint(self, x: np.ndarray) -> np.ndarray:
        """pi_k N(x; mu_k, s_k) for each class, shape (len(x), M) (clean labels)."""
        z = (x[:, None] - self.means) / self.stds
        return self.weights * np.exp(-0.5 * z**2) / (np.sqrt(2 * np.pi) * self.stds)

    def posterior(self, x: Any) -> np.ndarray:
        """p(y | x) of the (noisy) labels, shape (n, M)."""
        xa = np.asarray(as_array(x, "x"), dtype=float).ravel()
        logj = (
            np.log(self.weights, where=self.weights > 0, out=np.full(self.n_classes, -np.inf))
            - 0.5 * ((xa[:, None] - self.means) / self.stds) ** 2
            - np.log(self.stds)
        )
        post = np.exp(logj - special.logsumexp(logj, axis=1, keepdims=True))
        m = self.n_classes
        return (1 - self.label_noise) * post + self.label_noise / m

    def _integrate(self, f) -> float:
        lo = self.means.min() - 40 * self.stds.max()
        hi = self.means.max() + 40 * self.stds.max()
        pts = np.unique(self.means)
        val, _ = integrate.quad(
            lambda t: f(np.array([t]))[0], lo, hi, points=pts, limit=500, epsabs=1e-12, epsrel=1e-10
        )
        return float(val)

    def density(self, x: Any) -> np.ndarray:
        """Marginal density p(x)."""
        xa = np.asarray(as_array(x, "x"), dtype=float).ravel()
        return self._joint(xa).sum(axis=1)

    def bayes_error(self) -> float:
        r"""Exact Bayes error :math:`\mathbb E_X[1 - \max_y p(y|X)]` (noisy labels)."""
        clean = 1.0 - self._integrate(lambda t: self._joint(t).max(axis=1))
        m = self.n_classes
        return (1 - self.label_noise) * clean + self.label_noise * (m - 1) / m

    def label_entropy(self) -> float:
        r""":math:`H(Y)` of the (noisy) labels, nats."""
        p = (1 - self.label_noise) * self.weights + self.label_noise / self.n_classes
        return float(special.entr(p).sum())

    def conditional_entropy(self) -> float:
        r""":math:`H(Y|X) = \int p(x) H(Y|X=x) dx` of the (noisy) labels, nats."""

        def f(t: np.ndarray) -> np.ndarray:
            return self.density(t) * special.entr(self.posterior(t)).sum(axis=1)

        return self._integrate(f)

    def mutual_information(self) -> float:
        r""":math:`I(X;Y) = H(Y) - H(Y|X)`, nats."""
        return self.label_entropy() - self.conditional_entropy()

    def sample(self, n: int, *, random_state: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` pairs (x of shape (n, 1) float, y of shape (n,) int) with noisy labels."""
        n = check_positive_int(n, "n")
        rng = check_random_state(random_state)
        y = rng.choice(self.n_classes, size=n, p=self.weights)
        x = rng.normal(self.means[y], self.stds[y])
        flip = rng.random(n) < self.label_noise
        y = np.where(flip, rng.integers(0, self.n_classes, size=n), y)
        return x[:, None], y.astype(np.int64)
