"""k-NN estimators: the published formulas (against O(n^2) reference implementations
written here from the papers), neighbour counting, ties and duplicates, bad input, and
agreement with scikit-learn / SciPy where they compute the same quantity."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import digamma, gammaln
from scipy.stats import differential_entropy

from infolens.estimate import _knn_core, knn
from infolens.estimate._registry import get
from infolens.estimate.knn import (
    DuplicateSamplesWarning,
    _count_within,
    _kth_neighbour,
    _kth_neighbour_1d,
)

# ----------------------------------------------------------------- reference formulas


def _maxdist(a):
    return np.abs(a[:, None, :] - a[None, :, :]).max(axis=2)


def _kth_other(dist, k):
    d = dist.copy()
    np.fill_diagonal(d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]


def _ref_ksg1(x, y, k):
    n = len(x)
    dz = np.maximum(_maxdist(x), _maxdist(y))
    eps = _kth_other(dz, k)
    off = ~np.eye(n, dtype=bool)
    nx = ((_maxdist(x) < eps[:, None]) & off).sum(1)
    ny = ((_maxdist(y) < eps[:, None]) & off).sum(1)
    return digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))


def _ref_ksg2(x, y, k):
    n = len(x)
    dx_, dy_ = _maxdist(x), _maxdist(y)
    dz = np.maximum(dx_, dy_)
    np.fill_diagonal(dz, np.inf)
    nb = np.argsort(dz, axis=1, kind="stable")[:, :k]
    rows = np.arange(n)[:, None]
    ex = dx_[rows, nb].max(1)
    ey = dy_[rows, nb].max(1)
    off = ~np.eye(n, dtype=bool)
    nx = ((dx_ <= ex[:, None]) & off).sum(1)
    ny = ((dy_ <= ey[:, None]) & off).sum(1)
    return digamma(k) - 1 / k + digamma(n) - np.mean(digamma(nx) + digamma(ny))


def _ref_fp(x, y, z, k):
    n = len(x)
    dxyz = np.maximum(np.maximum(_maxdist(x), _maxdist(y)), _maxdist(z))
    eps = _kth_other(dxyz, k)[:, None]
    off = ~np.eye(n, dtype=bool)
    nxz = ((np.maximum(_maxdist(x), _maxdist(z)) < eps) & off).sum(1)
    nyz = ((np.maximum(_maxdist(y), _maxdist(z)) < eps) & off).sum(1)
    nz = ((_maxdist(z) < eps) & off).sum(1)
    return digamma(k) - np.mean(digamma(nxz + 1) + digamma(nyz + 1) - digamma(nz + 1))


def _ref_kl_entropy(x, k):
    n, d = x.shape
    rho = _kth_other(_maxdist(x), k)
    return digamma(n) - digamma(k) + d * math.log(2) + d * np.mean(np.log(rho))


def _ref_wkv(x, y, k):
    n, d = x.shape
    m = len(y)
    dxx = np.sqrt(((x[:, None] - x[None]) ** 2).sum(2))
    rho = _kth_other(dxx, k)
    dxy = np.sqrt(((x[:, None] - y[None]) ** 2).sum(2))
    nu = np.sort(dxy, axis=1)[:, k - 1]
    return d * np.mean(np.log(nu / rho)) + math.log(m / (n - 1))


# ----------------------------------------------------------------- the neighbour core


@pytest.mark.parametrize("d", [1, 2, 5, 9])
@pytest.mark.parametrize("strict", [True, False])
def test_count_within_matches_brute_force_with_ties(rng, d, strict):
    # rounded data: many exact ties and radii that hit neighbours exactly
    x = np.round(rng.normal(size=(400, d)), 1)
    r = np.abs(np.round(rng.normal(size=400), 1)) * 0.5
    dist = _maxdist(x)
    inside = dist < r[:, None] if strict else dist <= r[:, None]
    np.fill_diagonal(inside, False)
    assert np.array_equal(_count_within(x, r, strict=strict), inside.sum(1))


def test_count_within_tree_path_matches_brute_force(rng, monkeypatch):
    # force SciPy's k-d tree path (the blocked brute-force path runs for small n, many
    # dims; the numba kernels, when installed, are tested in test_kdcount.py)
    monkeypatch.setattr(_knn_core, "_BRUTE_MAX_N", 0)
    monkeypatch.setattr(_knn_core, "_KD", False)
    x = np.round(rng.normal(size=(300, 5)), 1)
    r = np.abs(np.round(rng.normal(size=300), 1))
    dist = _maxdist(x)
    for strict in (True, False):
        inside = dist < r[:, None] if strict else dist <= r[:, None]
        np.fill_diagonal(inside, False)
        assert np.array_equal(_count_within(x, r, strict=strict), inside.sum(1))


@pytest.mark.parametrize("k", [1, 3, 7])
def test_kth_neighbour_1d_and_tree_match_brute_force(rng, k):
    x = np.round(rng.normal(size=(300, 1)), 1)
    ref = _kth_other(_maxdist(x), k)
    assert np.array_equal(_kth_neighbour_1d(x[:, 0], k), ref)
    x2 = rng.normal(size=(300, 3))
    d2, _, _ = _kth_neighbour(x2, k)
    assert np.allclose(d2, _kth_other(_maxdist(x2), k), rtol=0, atol=0)


# ----------------------------------------------------------------- formulas


def _pair(rng, n=300, rho=0.6, d=1):
    c = np.eye(2 * d)
    for i in range(d):
        c[i, d + i] = c[d + i, i] = rho
    z = rng.multivariate_normal(np.zeros(2 * d), c, size=n)
    return z[:, :d], z[:, d:]


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_ksg_both_algorithms_are_the_published_formulas(rng, d, k):
    x, y = _pair(rng, d=d)
    # equality up to float summation order: the formulas are identical
    assert knn._ksg1_mi(x, y, k=k) == pytest.approx(_ref_ksg1(x, y, k), abs=1e-12)
    assert knn._ksg2_mi(x, y, k=k) == pytest.approx(_ref_ksg2(x, y, k), abs=1e-12)


def test_ksg2_is_not_ksg1_minus_one_over_k(rng):
    x, y = _pair(rng, n=500)
    i1, i2 = knn._ksg1_mi(x, y, k=3), knn._ksg2_mi(x, y, k=3)
    # a wrong "type II" equals type I - 1/k; the real one is a different estimator of
    # the same quantity, so it differs from that by far more than round-off
    assert abs(i2 - (i1 - 1 / 3)) > 0.1


def test_kl_entropy_fp_and_wkv_match_reference(rng):
    x, y = _pair(rng, n=250, d=2)
    z = rng.normal(size=(250, 1))
    assert knn._kl_entropy(x, k=3) == pytest.approx(_ref_kl_entropy(x, 3), abs=1e-12)
    assert knn._fp_cmi(x[:, :1], y[:, :1], z, k=3) == pytest.approx(
        _ref_fp(x[:, :1], y[:, :1], z, 3), abs=1e-12
    )
    q = rng.normal(0.5, 1.2, size=(300, 2))
    for k in (1, 4):
        assert knn._knn_kl_divergence(x, q, k=k) == pytest.approx(_ref_wkv(x, q, k), abs=1e-12)


def test_kl_entropy_euclidean_volume_term(rng):
    x = rng.normal(size=(400, 3))
    n, d, k = 400, 3, 3
    dist = np.sqrt(((x[:, None] - x[None]) ** 2).sum(2))
    rho = _kth_other(dist, k)
    logv = 0.5 * d * math.log(math.pi) - gammaln(d / 2 + 1)
    ref = digamma(n) - digamma(k) + logv + d * np.mean(np.log(rho))
    assert knn._kl_entropy(x, k=k, metric="euclidean") == pytest.approx(ref, abs=1e-12)


# ----------------------------------------------------------------- accuracy (quick)


def test_kl_entropy_of_gaussian(rng):
    # h(N(0, I_2)) = log(2 pi e); the KL estimator's sd at n = 4,000 is about
    # sqrt(Var[log p(X)]/n) = sqrt(1/4000) ~ 0.016 per dimension pair; 0.08 is 5 sd
    x = rng.normal(size=(4000, 2))
    assert knn._kl_entropy(x) == pytest.approx(math.log(2 * math.pi * math.e), abs=0.08)


def test_knn_kl_divergence_of_shifted_gaussians(rng):
    # D(N(0,I) || N(mu,I)) = |mu|^2 / 2 = 0.5 for |mu| = 1; sd at n = 4,000 ~ 0.03
    x = rng.normal(size=(4000, 2))
    y = rng.normal(size=(4000, 2)) + np.array([1.0, 0.0])
    assert knn._knn_kl_divergence(x, y, k=3) == pytest.approx(0.5, abs=0.12)


# ----------------------------------------------------------------- duplicates and ties


def test_fully_duplicated_rows_are_detected_and_estimate_is_within_10_percent(rng):
    rho = math.sqrt(1 - math.exp(-2 * 0.22314355))  # I = 0.2231 nats (rho = 0.6)
    true = -0.5 * math.log(1 - rho**2)
    x, y = _pair(rng, n=10_000, rho=rho)
    xx, yy = np.repeat(x, 2, axis=0), np.repeat(y, 2, axis=0)
    raw = knn._ksg1_mi(xx, yy, duplicates="keep")
    assert raw > 0.8  # the published formula on repeated rows: ~0.99 nats
    with pytest.warns(DuplicateSamplesWarning, match="10000 of 20000 samples"):
        fixed = knn._ksg1_mi(xx, yy)
    # distinct rows are an i.i.d. sample of 10,000: KSG sd ~ 0.007, bias < 0.005
    assert abs(fixed - true) < 0.1 * true
    with pytest.warns(DuplicateSamplesWarning):
        assert abs(knn._ksg2_mi(xx, yy) - true) < 0.1 * true


def test_duplicates_option_is_validated(rng):
    x, y = _pair(rng, n=50)
    with pytest.raises(ValueError, match="duplicates="):
        knn._ksg1_mi(x, y, duplicates="drop")


def test_no_warning_without_duplicates(rng):
    x, y = _pair(rng, n=500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        knn._ksg1_mi(x, y)
        knn._kl_entropy(x)


def test_constant_column_entropy_raises_and_mi_is_zero(rng):
    x = np.column_stack([rng.normal(size=200), np.ones(200)])
    with pytest.raises(ValueError, match="constant"):
        knn._kl_entropy(x)
    # KSG-1 with a constant x: every other sample is within eps in x (n_x = N - 1) and
    # n_y = k - 1 exactly, so the formula gives psi(k) + psi(N) - psi(N) - psi(k) = 0
    y = rng.normal(size=(200, 1))
    assert knn._ksg1_mi(np.ones((200, 1)), y) == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["ksg1", "ksg2", "gao"])
def test_k_not_below_n_is_rejected(rng, name):
    x, y = _pair(rng, n=5)
    with pytest.raises(ValueError, match="k=5"):
        get("mi", name).func(x, y, k=5)


def test_k_type_and_metric_errors(rng):
    x, y = _pair(rng, n=20)
    with pytest.raises(TypeError, match="k must be an integer"):
        knn._ksg1_mi(x, y, k=2.5)
    with pytest.raises(ValueError, match="k=0"):
        knn._kl_entropy(x, k=0)
    with pytest.raises(ValueError, match="metric="):
        knn._kl_entropy(x, metric="cosine")
    with pytest.raises(ValueError, match="same number of columns"):
        knn._knn_kl_divergence(x, np.hstack([y, y]))


# ----------------------------------------------------------------- reference libraries


def test_ksg1_equals_sklearn_mutual_info_regression(rng):
    from sklearn.feature_selection import mutual_info_regression

    x, y = _pair(rng, n=3000, rho=0.7)
    # scikit-learn standardises each variable (std, ddof=0) and adds noise of relative
    # size 1e-10; on tie-free data the noise changes no neighbour relation, so on the
    # same standardised inputs both compute KSG-1 (Kraskov et al. eq. 8) identically.
    xs, ys = x / x.std(), y / y.std()
    ours = knn._ksg1_mi(xs, ys, k=3)
    theirs = mutual_info_regression(x, y[:, 0], n_neighbors=3, random_state=0)[0]
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_kl_entropy_agrees_with_scipy_differential_entropy(rng):
    # SciPy has no k-NN entropy; its m-spacing estimators (Vasicek, Ebrahimi) estimate
    # the same quantity. Both must agree with each other within their combined sd
    # (~0.016 each at n = 4,000 for a normal: sd = sqrt(Var log p / n) = sqrt(0.5/4000))
    x = rng.normal(size=4000)
    ours = knn._kl_entropy(x[:, None])
    for method in ("vasicek", "ebrahimi"):
        theirs = differential_entropy(x, method=method)
        assert abs(ours - theirs) < 0.06
