r"""Distributions with known mutual information, for testing and comparing estimators.

:func:`known_mi_tasks` returns a list of :class:`KnownMITask`: each draws paired samples
``(x, y)`` and knows the true :math:`I(X;Y)` in nats.  The families follow the benchmark
of Czyż et al. (2023), "Beyond normal":

* **Gaussian** pairs with a *dense* joint covariance (every off-diagonal entry equal)
  or *sparse* interactions (only the first coordinates of X and Y correlated), 1 to 25
  dimensions per side.  MI from the covariance in closed form
  (:func:`infolens.exact.gaussian.mutual_information`).
* **Student-t** pairs: X, Y jointly multivariate-t with :math:`\nu` degrees of freedom.
  The MI is the Gaussian MI of the scatter matrix plus a term from the shared scale,
  from the closed-form entropy of the multivariate t (Kotz & Nadarajah 2004, eq. 1.28;
  Arellano-Valle, Contreras-Reyes & Genton 2013):
  :math:`I = I_{\mathcal N}(\Sigma) + g(d_x) + g(d_y) - g(d_x+d_y)` with
  :math:`g(d) = \log\Gamma(\tfrac\nu2) - \log\Gamma(\tfrac{\nu+d}2)
  + \tfrac{\nu+d}2\,[\psi(\tfrac{\nu+d}2) - \psi(\tfrac\nu2)]`.
* **Additive uniform noise**: :math:`X\sim U(0,1)^m`, :math:`Y = X + N`,
  :math:`N\sim U(-\varepsilon,\varepsilon)^m`; for :math:`\varepsilon\le\frac12` each
  coordinate contributes :math:`\varepsilon - \log(2\varepsilon)` (the density of
  :math:`Y` is a trapezoid with entropy :math:`\varepsilon`).
* **Invertible maps** that leave MI unchanged (:math:`I(f(X);g(Y)) = I(X;Y)` for
  injective measurable f, g): per-dimension ``asinh``, half-cube
  :math:`t\mapsto t|t|^{1/2}`, the normal CDF :math:`\Phi`; the *spiral* diffeomorphism
  (rotation of the first two coordinates by an angle proportional to
  :math:`\|x\|^2`, inverted by the opposite rotation since the norm is preserved); and
  the *Swiss-roll* embedding of a scalar into the plane,
  :math:`u=\Phi(x),\ t=\tfrac{3\pi}{2}(1+2u),\ x\mapsto (t\cos t, t\sin t)/(3\pi)`.

True MIs are kept between about 0.3 and 4 nats, where a relative error is a meaningful
yardstick (near zero, judge estimators by absolute error instead).

References
----------
Czyż, P., Grabowski, F., Vogt, J. E., Beerenwinkel, N. & Marx, A. (2023). Beyond normal:
on the evaluation of mutual information estimators. *NeurIPS 36*.

Kotz, S. & Nadarajah, S. (2004). *Multivariate t Distributions and Their Applications*.
Cambridge University Press.

Arellano-Valle, R. B., Contreras-Reyes, J. E. & Genton, M. G. (2013). Shannon entropy
and mutual information for multivariate skew-elliptical distributions. *Scandinavian
Journal of Statistics* 40, 42--62.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from .._validate import check_positive_int, check_random_state
from ..exact.elliptical import student_t_mutual_information
from ..exact.gaussian import mutual_information as _gauss_mi

__all__ = ["KnownMITask", "known_mi_tasks", "student_t_mi"]

Sampler = Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class KnownMITask:
    """A joint distribution of (X, Y) whose mutual information is known exactly.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"gauss-dense-5x5"``.
    mi : float
        True :math:`I(X;Y)` in nats.
    description : str
        What the distribution is and where the MI comes from.
    dim_x, dim_y : int
        Columns of the samples of X and Y.
    family : str
        ``"gaussian"``, ``"student-t"``, ``"uniform-noise"``, with a transform suffix.
    """

    name: str
    mi: float
    description: str
    dim_x: int
    dim_y: int
    family: str
    _sampler: Sampler = field(repr=False, compare=False)

    def sample(self, n: int, random_state: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` paired samples.

        Parameters
        ----------
        n : int
            Number of samples (>= 1).
        random_state : int, Generator or None
            Seed or generator; the same seed gives the same samples.

        Returns
        -------
        x : ndarray, shape (n, dim_x)
        y : ndarray, shape (n, dim_y)
        """
        n = check_positive_int(n, "n")
        rng = check_random_state(random_state)
        x, y = self._sampler(n, rng)
        return np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)


# ------------------------------------------------------------------ base distributions


def _dense_cov(m: int, rho: float) -> np.ndarray:
    c = np.full((2 * m, 2 * m), rho)
    np.fill_diagonal(c, 1.0)
    return c


def _sparse_cov(m: int, rho: float, pairs: int) -> np.ndarray:
    c = np.eye(2 * m)
    for i in range(pairs):
        c[i, m + i] = c[m + i, i] = rho
    return c


def _gauss_sampler(cov: np.ndarray, m: int) -> Sampler:
    chol = np.linalg.cholesky(cov)

    def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((n, cov.shape[0])) @ chol.T
        return z[:, :m], z[:, m:]

    return sample


def _t_sampler(cov: np.ndarray, m: int, nu: float) -> Sampler:
    chol = np.linalg.cholesky(cov)

    def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((n, cov.shape[0])) @ chol.T
        w = rng.chisquare(nu, size=(n, 1)) / nu
        t = z / np.sqrt(w)
        return t[:, :m], t[:, m:]

    return sample


def student_t_mi(cov: np.ndarray, dim_x: int, nu: float) -> float:
    r"""MI (nats) between the first ``dim_x`` and the remaining coordinates of a
    multivariate Student-t with scatter ``cov`` and ``nu`` degrees of freedom.

    .. math::
        I = I_{\mathcal N}(\Sigma) + g(d_x) + g(d_y) - g(d_x + d_y),\quad
        g(d) = \log\Gamma(\tfrac\nu2) - \log\Gamma(\tfrac{\nu+d}2)
            + \tfrac{\nu+d}2\big[\psi(\tfrac{\nu+d}2) - \psi(\tfrac\nu2)\big]

    (differences of the multivariate-t entropies; the marginals of a multivariate t are
    t with the same :math:`\nu`).  The extra term is positive: even an identity scatter
    couples X and Y through the shared scale.

    Parameters
    ----------
    cov : ndarray, shape (d, d)
        Scatter (positive definite).
    dim_x : int
        Number of leading coordinates forming X.
    nu : float
        Degrees of freedom, > 0.

    Returns
    -------
    float
        MI in nats.

    References
    ----------
    Kotz & Nadarajah (2004), eq. (1.28); Arellano-Valle et al. (2013).
    """
    cov = np.asarray(cov, dtype=np.float64)
    d = cov.shape[0]
    if not 0 < dim_x < d:
        raise ValueError(f"dim_x={dim_x} must lie strictly between 0 and {d}.")
    if not nu > 0:
        raise ValueError(f"nu={nu} must be > 0.")

    return student_t_mutual_information(cov, list(range(dim_x)), list(range(dim_x, d)), nu)


def _uniform_noise_sampler(m: int, eps: float) -> Sampler:
    def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = rng.random((n, m))
        return x, x + rng.uniform(-eps, eps, size=(n, m))

    return sample


# ------------------------------------------------------------------ invertible maps


def _half_cube(a: np.ndarray) -> np.ndarray:
    return a * np.sqrt(np.abs(a))


def _spiral(a: np.ndarray, speed: float = 0.5) -> np.ndarray:
    """Rotate the first two coordinates by speed * ||a||^2 (a diffeomorphism of R^d)."""
    theta = speed * np.sum(a * a, axis=1)
    c, s = np.cos(theta), np.sin(theta)
    out = a.copy()
    out[:, 0] = c * a[:, 0] - s * a[:, 1]
    out[:, 1] = s * a[:, 0] + c * a[:, 1]
    return out


def _swiss_roll(a: np.ndarray) -> np.ndarray:
    """Embed a scalar (standard-normal scale) into the plane along a Swiss roll."""
    t = 1.5 * np.pi * (1.0 + 2.0 * ndtr(a[:, 0]))
    return np.column_stack([t * np.cos(t), t * np.sin(t)]) / (3.0 * np.pi)


_MAPS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "asinh": np.arcsinh,
    "halfcube": _half_cube,
    "normcdf": ndtr,
}


def _mapped(sampler: Sampler, fx: Callable | None, fy: Callable | None) -> Sampler:
    def sample(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x, y = sampler(n, rng)
        return (fx(x) if fx else x), (fy(y) if fy else y)

    return sample


# ------------------------------------------------------------------ the suite


def known_mi_tasks() -> list[KnownMITask]:
    """The suite of distributions with known mutual information (see module docstring).

    Returns
    -------
    list of KnownMITask
        In a fixed order; names are unique.

    Examples
    --------
    >>> from infolens.data import known_mi_tasks
    >>> task = next(t for t in known_mi_tasks() if t.name == "gauss-dense-1x1")
    >>> x, y = task.sample(1000, random_state=0)
    >>> x.shape, round(task.mi, 4)
    ((1000, 1), 0.4133)
    """
    tasks: list[KnownMITask] = []

    def add(name: str, mi: float, desc: str, dx: int, dy: int, family: str, sampler: Sampler) -> None:
        tasks.append(KnownMITask(name, float(mi), desc, dx, dy, family, sampler))

    def gmi(cov: np.ndarray, m: int) -> float:
        return _gauss_mi(cov, list(range(m)), list(range(m, cov.shape[0])))

    # Gaussian, dense: every off-diagonal entry rho (rho = 0.75 for the scalar pair)
    gauss_bases: dict[str, tuple[np.ndarray, int]] = {}
    for m in (1, 2, 3, 5, 10, 25):
        rho = 0.75 if m == 1 else 0.5
        cov = _dense_cov(m, rho)
        name = f"gauss-dense-{m}x{m}"
        gauss_bases[name] = (cov, m)
        add(name, gmi(cov, m), f"Gaussian, {m} dims per side, all correlations {rho}",
            m, m, "gaussian", _gauss_sampler(cov, m))
    # Gaussian, sparse: only the first two coordinate pairs interact (rho = 0.8)
    for m in (2, 5, 25):
        cov = _sparse_cov(m, 0.8, 2)
        name = f"gauss-sparse-{m}x{m}"
        gauss_bases[name] = (cov, m)
        add(name, gmi(cov, m), f"Gaussian, {m} dims per side, 2 interacting pairs (rho 0.8)",
            m, m, "gaussian", _gauss_sampler(cov, m))
    # unequal sides
    cov = np.eye(8)
    for i in range(3):
        cov[0, 3 + i] = cov[3 + i, 0] = 0.4
    add("gauss-1x5", gmi(cov[:6, :6], 1), "Gaussian, scalar X against 5-D Y (three correlated with X)",
        1, 5, "gaussian", _gauss_sampler(cov[:6, :6], 1))

    # Student-t
    for m, nu in ((1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (5, 2), (5, 5)):
        rho = 0.75 if m == 1 else 0.5
        cov = _dense_cov(m, rho)
        add(f"student-dense-{m}x{m}-nu{nu}", student_t_mi(cov, m, nu),
            f"Student-t, {nu} degrees of freedom, {m} dims per side, scatter correlations {rho}",
            m, m, "student-t", _t_sampler(cov, m, nu))
    for m, nu in ((2, 1), (3, 1)):
        cov = np.eye(2 * m)
        add(f"student-identity-{m}x{m}-nu{nu}", student_t_mi(cov, m, nu),
            f"Student-t, {nu} degree(s) of freedom, identity scatter: dependence only through the shared scale",
            m, m, "student-t", _t_sampler(cov, m, nu))

    # additive uniform noise
    for m, eps in ((1, 0.1), (1, 0.3), (2, 0.3), (3, 0.5)):
        add(f"uniform-noise-{m}x{m}-eps{eps}", m * (eps - math.log(2.0 * eps)),
            f"X ~ U(0,1)^{m}, Y = X + U(-{eps}, {eps})^{m}",
            m, m, "uniform-noise", _uniform_noise_sampler(m, eps))

    # invertible per-dimension maps of Gaussian and Student-t bases
    for base in ("gauss-dense-1x1", "gauss-dense-3x3", "gauss-sparse-5x5", "gauss-dense-25x25"):
        cov, m = gauss_bases[base]
        for mname, f in _MAPS.items():
            add(f"{base}-{mname}", gmi(cov, m), f"{base} with {mname} applied to every coordinate",
                m, m, f"gaussian-{mname}", _mapped(_gauss_sampler(cov, m), f, f))
    for m, nu in ((1, 2), (2, 1)):
        rho = 0.75 if m == 1 else 0.5
        cov = _dense_cov(m, rho)
        for mname in ("asinh", "halfcube"):
            f = _MAPS[mname]
            add(f"student-dense-{m}x{m}-nu{nu}-{mname}", student_t_mi(cov, m, nu),
                f"Student-t ({nu} dof, {m} dims per side) with {mname} applied to every coordinate",
                m, m, f"student-t-{mname}", _mapped(_t_sampler(cov, m, nu), f, f))

    # spiral and Swiss roll
    for base in ("gauss-dense-2x2", "gauss-dense-3x3", "gauss-sparse-5x5"):
        cov, m = gauss_bases[base]
        add(f"{base}-spiral", gmi(cov, m), f"{base} with X rotated by the spiral diffeomorphism",
            m, m, "gaussian-spiral", _mapped(_gauss_sampler(cov, m), _spiral, None))
    cov, m = gauss_bases["gauss-dense-1x1"]
    add("gauss-dense-1x1-swissroll", gmi(cov, m), "gauss-dense-1x1 with X embedded in the plane as a Swiss roll",
        2, 1, "gaussian-swissroll", _mapped(_gauss_sampler(cov, m), _swiss_roll, None))
    return tasks
