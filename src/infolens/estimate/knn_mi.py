r"""k-nearest-neighbour estimators of mutual information and conditional MI of continuous
variables: KSG-1 and KSG-2 (``"ksg1"``, ``"ksg2"``), Frenzel–Pompe CMI (``"fp"``), KSG on
copula-normalised data with a bias correction (``"ksg_bc"``) and the GCMI/KSG ensemble
(``"ensemble"``).

Part of the k-NN family (:mod:`infolens.estimate.knn` describes the method, duplicates,
deterministic relations and magnitudes); the neighbour search is in
:mod:`~infolens.estimate._knn_core`.

References
----------
Kraskov, A., Stögbauer, H. & Grassberger, P. (2004). Estimating mutual information.
*Physical Review E* 69, 066138.
Frenzel, S. & Pompe, B. (2007). Partial mutual information for coupling analysis of
multivariate time series. *Physical Review Letters* 99, 204101.
Ince, R. A. A. et al. (2017). A statistical framework for neuroimaging data analysis based
on mutual information estimated via a Gaussian copula. *Human Brain Mapping* 38, 1541.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma

from .._validate import check_positive_int
from ._knn_core import (
    _check_duplicates,
    _count_within,
    _neighbours,
    _numeric,
    _rescale,
    _warn_if_determined,
)
from ._records import register

# --------------------------------------------------------------------------------------
# mutual information: KSG
# --------------------------------------------------------------------------------------


@register(
    "mi", "ksg1", kinds=("continuous",), params={"k": 3, "duplicates": "unique"},
    reference="Kraskov, Stögbauer & Grassberger (2004), Phys. Rev. E 69:066138, eq. 8",
    scale="invariant",
)
def _ksg1_mi(x: np.ndarray, y: np.ndarray, *, k: int = 3, duplicates: str = "unique") -> float:
    r"""KSG estimator of mutual information, algorithm 1 (nats).

    .. math::
        \hat I^{(1)}(X;Y) = \psi(k) + \psi(N)
            - \big\langle \psi(n_x + 1) + \psi(n_y + 1) \big\rangle

    :math:`\varepsilon_i` is the max-norm distance from :math:`z_i=(x_i,y_i)` to its
    ``k``-th neighbour in the joint space; :math:`n_x(i)` counts the samples with
    :math:`\|x_j-x_i\|_\infty < \varepsilon_i` (strictly; :math:`j\ne i`), likewise
    :math:`n_y`.

    Parameters
    ----------
    x, y : ndarray, shape (n, dx) and (n, dy)
        Paired samples (float64).
    k : int, default 3
        Neighbour order, ``1 <= k < n``.
    duplicates : {"unique", "keep"}
        Handling of exactly repeated (x, y) rows (module docstring).

    Returns
    -------
    float
        MI in nats (can be slightly negative for independent variables); at most
        :math:`\psi(N)-\psi(k)`.

    Warns
    -----
    DeterministicRelationWarning
        When ``y`` is (at the sample's resolution) a function of ``x`` or vice versa: the
        true MI is infinite for an exact relation and the value is the estimator's
        resolution limit (module docstring).

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), eq. (8).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(5000, 1))
    >>> y = 0.6 * x + 0.8 * rng.normal(size=(5000, 1))   # I = -log(0.8) = 0.223 nats
    >>> abs(_ksg1_mi(x, y, k=3) - 0.2231) < 0.05
    True
    """
    duplicates = _check_duplicates(duplicates)
    dx = x.shape[1]
    (x, y), _ = _rescale(x, y)  # one common scale: same neighbours, same MI
    z, k, eps, _ = _neighbours(np.hstack([x, y]), k, duplicates, "ksg1")
    n = z.shape[0]
    x, y = z[:, :dx], z[:, dx:]
    nx = _count_within(x, eps, strict=True)
    ny = _count_within(y, eps, strict=True)
    _warn_if_determined(x, y, nx <= k - 1, ny <= k - 1, "ksg1", "at most psi(n) - psi(k)")
    return float(digamma(k) + digamma(n) - np.mean(digamma(nx + 1.0) + digamma(ny + 1.0)))


def _marginal_radii(block: np.ndarray, idx: np.ndarray, k: int) -> np.ndarray:
    """For each row i, max-norm distance in ``block`` to the farthest of its k joint
    neighbours (``idx`` holds the k+1 nearest rows, normally including i itself)."""
    n = block.shape[0]
    rows = np.arange(n)[:, None]
    has_self = (idx == rows).any(axis=1)
    # self contributes distance 0, so the max over all k+1 columns is the max over the
    # k others; when self is missing (ties) the k nearest others are the first k columns.
    use = idx.copy()
    use[~has_self, k] = use[~has_self, 0]
    diff = np.abs(block[use] - block[:, None, :]).max(axis=2)
    return diff.max(axis=1)


@register(
    "mi", "ksg2", kinds=("continuous",), params={"k": 3, "duplicates": "unique"},
    reference="Kraskov, Stögbauer & Grassberger (2004), Phys. Rev. E 69:066138, eq. 9",
    scale="invariant",
)
def _ksg2_mi(x: np.ndarray, y: np.ndarray, *, k: int = 3, duplicates: str = "unique") -> float:
    r"""KSG estimator of mutual information, algorithm 2 (nats).

    .. math::
        \hat I^{(2)}(X;Y) = \psi(k) - \frac1k + \psi(N)
            - \big\langle \psi(n_x) + \psi(n_y) \big\rangle

    For each sample, :math:`\varepsilon_x(i)` and :math:`\varepsilon_y(i)` are the
    largest x- and y-distances (max norm) among its ``k`` nearest neighbours in the
    joint space; :math:`n_x(i)` counts the samples with
    :math:`\|x_j-x_i\|_\infty \le \varepsilon_x(i)` (inclusively; :math:`j\ne i`),
    likewise :math:`n_y`.  This is a different estimator from algorithm 1, not
    algorithm 1 shifted by :math:`1/k`.

    Parameters
    ----------
    x, y : ndarray, shape (n, dx) and (n, dy)
    k : int, default 3
    duplicates : {"unique", "keep"}

    Returns
    -------
    float
        MI in nats; at most :math:`\psi(N)-\psi(k)-1/k`.

    Warns
    -----
    DeterministicRelationWarning
        As :func:`_ksg1_mi`.

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004), eq. (9).
    """
    duplicates = _check_duplicates(duplicates)
    dx = x.shape[1]
    (x, y), _ = _rescale(x, y)
    z, k, _, idx = _neighbours(np.hstack([x, y]), k, duplicates, "ksg2", return_index=True)
    n = z.shape[0]
    x, y = z[:, :dx], z[:, dx:]
    ex = _marginal_radii(x, idx, k)
    ey = _marginal_radii(y, idx, k)
    nx = _count_within(x, ex, strict=False)
    ny = _count_within(y, ey, strict=False)
    _warn_if_determined(x, y, nx <= k, ny <= k, "ksg2", "at most psi(n) - psi(k) - 1/k")
    return float(digamma(k) - 1.0 / k + digamma(n) - np.mean(digamma(nx) + digamma(ny)))


# --------------------------------------------------------------------------------------
# conditional MI
# --------------------------------------------------------------------------------------


@register(
    "cmi", "fp", kinds=("continuous", "mixed"), params={"k": 3, "duplicates": "unique"},
    reference="Frenzel & Pompe (2007), Phys. Rev. Lett. 99:204101",
    scale="invariant",
)
def _fp_cmi(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, *, k: int = 3, duplicates: str = "unique"
) -> float:
    r"""Frenzel--Pompe k-NN estimate of conditional mutual information (nats).

    .. math::
        \hat I(X;Y\mid Z) = \psi(k)
            - \big\langle \psi(n_{xz}+1) + \psi(n_{yz}+1) - \psi(n_z+1) \big\rangle

    with :math:`\varepsilon_i` the max-norm distance to the ``k``-th neighbour in the
    joint :math:`(x,y,z)` space and :math:`n_{xz}, n_{yz}, n_z` the numbers of other
    samples strictly within :math:`\varepsilon_i` in the :math:`(x,z)`, :math:`(y,z)`
    and :math:`z` subspaces.

    A discrete argument (integer labels, e.g. a class ``z``) is used through its
    values (non-numeric labels through integer codes): samples of the same class are
    at distance 0, so conditioning counts stay within the class.

    Parameters
    ----------
    x, y, z : ndarray, shapes (n, dx), (n, dy), (n, dz)
    k : int, default 3
    duplicates : {"unique", "keep"}

    Returns
    -------
    float
        CMI in nats.  When ``y`` is an exact function of ``x`` (or vice versa) the true
        CMI is infinite and the estimate is its ceiling
        :math:`\langle\psi(n_z+1)\rangle-\psi(k)` (module docstring).

    References
    ----------
    Frenzel & Pompe (2007); the KSG construction of Kraskov et al. (2004).
    """
    duplicates = _check_duplicates(duplicates)
    x, y, z = _numeric(x), _numeric(y), _numeric(z)
    dx, dy = x.shape[1], y.shape[1]
    (x, y, z), _ = _rescale(x, y, z)
    w, k, eps, _ = _neighbours(np.hstack([x, y, z]), k, duplicates, "fp")
    x, y, z = w[:, :dx], w[:, dx:dx + dy], w[:, dx + dy:]
    nxz = _count_within(np.hstack([x, z]), eps, strict=True)
    nyz = _count_within(np.hstack([y, z]), eps, strict=True)
    nz = _count_within(z, eps, strict=True)
    return float(
        digamma(k) - np.mean(digamma(nxz + 1.0) + digamma(nyz + 1.0) - digamma(nz + 1.0))
    )


# --------------------------------------------------------------------------------------
# combined estimators
# --------------------------------------------------------------------------------------


@register(
    "mi", "ksg_bc", kinds=("continuous",), params={"k": 3, "n_surrogates": 1}, random=True,
    reference="Kraskov et al. (2004) on Gaussian-copula scores (Ince et al. 2017) with a "
    "parametric-bootstrap bias correction (Efron & Tibshirani 1993, ch. 10)",
)
def _ksg_bc_mi(
    x: np.ndarray, y: np.ndarray, *, k: int = 3, n_surrogates: int = 1,
    random_state: np.random.Generator | None = None,
) -> float:
    r"""KSG-1 on copula-normalised data, bias-corrected with Gaussian surrogates (nats).

    .. math::
        \hat I = \hat I_{KSG}(c(X); c(Y))
            - \frac1B\sum_{b=1}^B\Big[\hat I_{KSG}(G_b) - I_{\mathcal N}(\hat R)\Big]

    :math:`c(\cdot)` maps every column to normal scores of its ranks (exactly invariant
    to increasing per-dimension maps, and tames heavy tails), :math:`\hat R` is the
    correlation matrix of the scores, :math:`G_b` are ``B`` samples of the same size from
    :math:`\mathcal N(0,\hat R)` whose MI :math:`I_{\mathcal N}(\hat R)` is known in
    closed form.  The bracket is a parametric-bootstrap estimate of the bias of KSG
    under the fitted Gaussian copula; KSG's bias is driven mostly by dimension and the
    strength of the linear dependence, which the surrogate shares.  On Gaussian-copula
    data the estimate is unbiased up to the bootstrap error; otherwise it removes the
    Gaussian part of KSG's (negative) bias.

    Parameters
    ----------
    x, y : ndarray, shapes (n, dx), (n, dy)
    k : int, default 3
    n_surrogates : int, default 1
        Number ``B`` of Gaussian surrogate samples.
    random_state : numpy.random.Generator, optional
        Source of the surrogate samples.

    Returns
    -------
    float
        MI in nats.

    Raises
    ------
    ValueError
        A constant column, or normal scores of ``x`` and ``y`` that are collinear to
        working precision (a monotone deterministic relation: infinite MI), as
        :func:`infolens.estimate.gaussian._gcmi_mi`; the surrogates need a non-singular
        correlation.

    References
    ----------
    Kraskov, Stögbauer & Grassberger (2004); Ince et al. (2017) for the copula
    transform; Efron, B. & Tibshirani, R. J. (1993), *An Introduction to the
    Bootstrap*, ch. 10 (bias estimation).
    """
    from ..exact.gaussian import mutual_information as gauss_mi
    from .gaussian import _copula_normalize, _logdet_joint, _logdet_unbiased

    b = check_positive_int(n_surrogates, "n_surrogates")
    rng = np.random.default_rng() if random_state is None else random_state
    xc, yc = _copula_normalize(x), _copula_normalize(y)
    dx = xc.shape[1]
    n = xc.shape[0]
    both = np.hstack([xc, yc])
    const = np.flatnonzero(np.ptp(both, axis=0) == 0)
    if const.size:
        raise ValueError(
            f"ksg_bc: column(s) {const.tolist()} of (x, y) are constant; a constant "
            "variable has zero MI with anything. Drop it, or use method='ksg1'."
        )
    corr = np.atleast_2d(np.corrcoef(both, rowvar=False))
    # the surrogates need a non-singular correlation of the scores: the same round-off
    # floor as the Gaussian estimators (a singular joint block means x and y are
    # deterministically related, and the MI is infinite)
    _logdet_unbiased(corr[:dx, :dx], n, "x")
    _logdet_unbiased(corr[dx:, dx:], n, "y")
    _logdet_joint(corr, n, "(x, y)", True)
    chol = np.linalg.cholesky(corr)
    raw = _ksg1_mi(xc, yc, k=k)
    truth = gauss_mi(corr, list(range(dx)), list(range(dx, corr.shape[0])))
    bias = 0.0
    for _ in range(b):  # loop over surrogates
        g = rng.standard_normal((n, corr.shape[0])) @ chol.T
        bias += (_ksg1_mi(g[:, :dx], g[:, dx:], k=k) - truth) / b
    return float(raw - bias)


@register(
    "mi", "ensemble", kinds=("continuous",), params={"k": 3, "n_surrogates": 1}, random=True,
    reference="max of the t-copula MI (Demarta & McNeil 2005) and ksg_bc; see infolens.estimate.auto",
)
def _ensemble_mi(
    x: np.ndarray, y: np.ndarray, *, k: int = 3, n_surrogates: int = 1,
    random_state: np.random.Generator | None = None,
) -> float:
    r"""The larger of the copula-model MI and the bias-corrected KSG (nats).

    .. math::
        \hat I = \max\big(\hat I_{tcopula},\ \hat I_{ksg\_bc}\big)

    ``tcopula`` (:mod:`infolens.estimate.copula`) is the Gaussian-copula MI (GCMI) unless
    a likelihood-ratio test at level 0.01 prefers a t-copula, whose closed-form MI then
    includes the tail dependence GCMI cannot see (a multivariate Student-t with identity
    scatter has GCMI near 0).  Both parts err mainly downwards away from their model:
    the copula model sees only the elliptical part of the dependence, and k-NN estimators
    are negatively biased for strong dependence in several dimensions (Gao, Ver Steeg &
    Galstyan 2015), a bias ``ksg_bc`` reduces but does not remove for non-Gaussian
    copulas.  Where the copula is Gaussian both are unbiased and the maximum adds an
    upward error of the order of their standard deviations.

    Parameters
    ----------
    x, y : ndarray, shapes (n, dx), (n, dy)
    k : int, default 3
    n_surrogates : int, default 1
    random_state : numpy.random.Generator, optional

    Returns
    -------
    float
        MI in nats.

    Raises
    ------
    ValueError
        From either part: a monotone deterministic relation between ``x`` and ``y``
        (infinite MI), see :func:`infolens.estimate.gaussian._gcmi_mi`.

    References
    ----------
    Ince et al. (2017); Kraskov et al. (2004); Gao, S., Ver Steeg, G. & Galstyan, A.
    (2015), Efficient estimation of mutual information for strongly dependent
    variables, *AISTATS*.
    """
    from .copula import _tcopula_mi

    return max(
        float(_tcopula_mi(x, y)),
        _ksg_bc_mi(x, y, k=k, n_surrogates=n_surrogates, random_state=random_state),
    )
