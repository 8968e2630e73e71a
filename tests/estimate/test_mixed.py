"""Mixed discrete/continuous estimators (Ross 2014; Gao et al. 2017) against closed
forms, scikit-learn's ``mutual_info_classif``, and the constant-feature case."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infolens
from infolens.estimate import knn


def _uniform_shift(rng, n, m):
    """Y ~ U{0..m-1}, X | Y ~ U[Y, Y + 2]:  I = log m - (m - 1)/m log 2 (Gao et al. 2017,
    Sec. 5; the density of X is 1/(2m) on the two end intervals and 1/m inside)."""
    y = rng.integers(0, m, size=n)
    x = y + 2.0 * rng.random(n)
    return x[:, None], y[:, None], math.log(m) - (m - 1) / m * math.log(2)


def _atom_mixture(rng, n):
    """Y ~ U{0,1,2}; X = 0 (an atom) if Y = 0, X ~ U(0,2) if Y = 1, X ~ U(1,3) if Y = 2.
    H(Y|X) = 0 except on (1,2) (probability 1/3) where both labels are equally likely:
    I = log 3 - (1/3) log 2."""
    y = rng.integers(0, 3, size=n)
    x = np.where(y == 0, 0.0, np.where(y == 1, 0.0, 1.0) + 2.0 * rng.random(n))
    return x[:, None], y[:, None], math.log(3) - math.log(2) / 3


def _tolerance(errors_small, values_small, n_small, n_big):
    """bias budget + 4 sd at n_big.

    The sd of these estimators scales as 1/sqrt(n) (Ross 2014; Gao et al. 2017), so the
    sd at ``n_big`` is the replicate sd at ``n_small`` times sqrt(n_small/n_big).  Their
    bias decreases with n, so |mean error| at ``n_small`` plus two of its standard
    errors bounds the bias at ``n_big``.
    """
    r = len(errors_small)
    sd = np.std(values_small, ddof=1)
    bias = abs(np.mean(errors_small)) + 2 * sd / math.sqrt(r)
    return bias + 4 * sd * math.sqrt(n_small / n_big)


@pytest.mark.parametrize("est", ["ross", "gao"])
@pytest.mark.parametrize("m", [2, 4])
def test_uniform_shift_mixture_error_shrinks_and_meets_tolerance(rng, est, m):
    f = {"ross": knn._ross_mi, "gao": knn._gao_mi}[est]
    small = []
    truth = None
    for _ in range(8):
        x, y, truth = _uniform_shift(rng, 1000, m)
        small.append(f(x, y))
    small = np.asarray(small)
    big = []
    for _ in range(3):
        x, y, _ = _uniform_shift(rng, 10_000, m)
        big.append(f(x, y))
    big = np.asarray(big)
    tol = _tolerance(small - truth, small, 1000, 10_000)
    assert np.all(np.abs(big - truth) < tol), (big, truth, tol)
    rmse_small = math.sqrt(np.mean((small - truth) ** 2))
    rmse_big = math.sqrt(np.mean((big - truth) ** 2))
    assert rmse_big < rmse_small


def test_gao_handles_atoms_where_ksg_breaks(rng):
    x, y, truth = _atom_mixture(rng, 10_000)
    # Gao et al.: on an atom the k-NN radius is 0 and k becomes the tie count; the
    # estimate is consistent. sd at n = 10,000 ~ 0.01; 0.05 is 5 sd
    assert knn._gao_mi(x, y.astype(float)) == pytest.approx(truth, abs=0.05)
    assert knn._ross_mi(x, y) == pytest.approx(truth, abs=0.05)
    # the published KSG formula on the raw rows treats the atom as a density
    raw = knn._ksg1_mi(x, y.astype(float), duplicates="keep")
    assert abs(raw - truth) > 0.1


def test_ross_equals_sklearn_mutual_info_classif(rng):
    from sklearn.feature_selection import mutual_info_classif

    x, y, _ = _uniform_shift(rng, 3000, 3)
    # sklearn scales x (no effect on Ross in 1-D: counts are scale-free) and adds noise
    # of relative size 1e-10 that changes no neighbour relation on tie-free data
    theirs = mutual_info_classif(x, y[:, 0], n_neighbors=3, random_state=0)[0]
    assert knn._ross_mi(x, y, k=3) == pytest.approx(theirs, abs=1e-9)


def test_ross_accepts_labels_in_either_argument_and_strings(rng):
    x, y, _ = _uniform_shift(rng, 2000, 2)
    a = knn._ross_mi(x, y)
    assert knn._ross_mi(y, x) == a
    names = np.array(["cat", "dog"])[y]
    assert knn._ross_mi(x, names) == a


def test_constant_feature_against_rare_label_is_zero_at_a_million(rng):
    n = 1_000_000
    x = np.zeros((n, 1))
    y = (rng.random(n) < 5e-5).astype(np.int64)[:, None]  # ~50 positives
    # with every distance 0, k_i = N_y - 1 and m_i = N - 1 (Gao's tie rule), so the
    # estimate is sum_y N_y/N (1/(N-1) - 1/(N_y-1)) ~ -2/N: essentially 0
    v = knn._ross_mi(x, y)
    assert abs(v) <= 0.01
    assert abs(v) < 1e-4


def test_singleton_labels_warn_and_are_left_out(rng):
    x = rng.normal(size=(200, 1))
    y = np.zeros((200, 1), dtype=int)
    y[0] = 7
    with pytest.warns(UserWarning, match="only once"):
        knn._ross_mi(x, y)


def test_ross_rejects_two_discrete_arguments():
    a = np.zeros((10, 1), dtype=int)
    with pytest.raises(TypeError, match="both x and y are discrete"):
        knn._ross_mi(a, a)


def test_gao_reduces_to_ksg1_on_continuous_data(rng):
    # with no zero radii every term is the KSG-1 term, except log N in place of psi(N)
    from scipy.special import digamma

    x = rng.normal(size=(800, 2))
    y = x[:, :1] + rng.normal(size=(800, 1))
    expected = knn._ksg1_mi(x, y, k=4) - digamma(800) + math.log(800)
    assert knn._gao_mi(x, y, k=4) == pytest.approx(expected, abs=1e-12)


def test_fp_conditions_on_a_discrete_class(rng):
    # Z ~ U{0,1,2}; within a class (X, Y) is Gaussian with correlation 0.6, shifted by
    # 3 Z: I(X;Y|Z) = -1/2 log(1 - 0.36) = 0.223 while I(X;Y) is much larger.
    # FP sd at n = 6,000 is ~0.01; 0.05 is 5 sd
    n = 6000
    z = rng.integers(0, 3, size=n)
    u = rng.normal(size=n)
    x = 3 * z + u
    y = 3 * z + 0.6 * u + 0.8 * rng.normal(size=n)
    v = knn._fp_cmi(x[:, None], y[:, None], z[:, None], k=3)
    assert v == pytest.approx(-0.5 * math.log(1 - 0.36), abs=0.05)
    assert knn._ksg1_mi(x[:, None], y[:, None]) > v + 0.5


def _ref_gao(x, y, k):
    """Per-sample formula with O(n^2) distance matrices (authors' counting rules)."""
    from scipy.special import digamma

    n = len(x)
    dx = np.abs(x[:, None, :] - x[None, :, :]).max(2)
    dy = np.abs(y[:, None, :] - y[None, :, :]).max(2)
    dz = np.maximum(dx, dy)
    d_other = dz.copy()
    np.fill_diagonal(d_other, np.inf)
    rho = np.sort(d_other, axis=1)[:, k - 1]
    zero = rho == 0
    kt = np.where(zero, (dz == 0).sum(1), k)
    nx = np.where(zero, (dx == 0).sum(1), (dx < rho[:, None]).sum(1))
    ny = np.where(zero, (dy == 0).sum(1), (dy < rho[:, None]).sum(1))
    return float(np.mean(digamma(kt) - digamma(nx) - digamma(ny)) + math.log(n))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_gao_repeat_path_equals_per_sample_formula(rng, k):
    # ReLU-like atoms (exact zeros), a binary label, and repeated rows
    n = 400
    g = rng.normal(size=(n, 2))
    x = np.maximum(g, 0)
    y = (g.sum(1) > 0).astype(float)[:, None]
    assert knn._gao_mi(x, y, k=k) == pytest.approx(_ref_gao(x, y, k), abs=1e-10)
    x1 = np.round(rng.normal(size=(n, 1)), 1)
    y1 = np.round(x1 + rng.normal(size=(n, 1)), 1)
    assert knn._gao_mi(x1, y1, k=k) == pytest.approx(_ref_gao(x1, y1, k), abs=1e-10)
    xs, ys = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    assert knn._gao_mi(xs, ys, k=k) == pytest.approx(_ref_gao(xs, ys, k), abs=1e-10)


def _ref_ross(x, labels, k):
    """Ross (2014) per sample with O(n^2) distances; ties at the k-th distance all count
    (Gao et al.'s zero-distance rule, applied at any distance)."""
    from scipy.special import digamma

    n = len(x)
    dist = np.abs(x[:, None, :] - x[None, :, :]).max(2)
    np.fill_diagonal(dist, np.inf)
    same = labels[:, None] == labels[None, :]
    counts = same.sum(1)  # includes self
    kc = np.minimum(k, counts - 1)
    ds = np.where(same, dist, np.inf)
    d = np.sort(ds, axis=1)[np.arange(n), kc - 1]
    ki = np.maximum((ds <= d[:, None]).sum(1), kc)
    m = (dist <= d[:, None]).sum(1)
    return float(digamma(n) - np.mean(digamma(counts)) + np.mean(digamma(ki)) - np.mean(digamma(m)))


@pytest.mark.parametrize("k", [1, 3])
def test_ross_repeat_path_equals_per_sample_formula(rng, k):
    n = 400
    g = rng.normal(size=(n, 2))
    x = np.maximum(g, 0)  # ReLU-like: a quarter of the rows are exactly (0, 0)
    lab = (g[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    assert knn._ross_mi(x, lab[:, None], k=k) == pytest.approx(_ref_ross(x, lab, k), abs=1e-10)
    xq = np.round(rng.normal(size=(n, 2)), 0)  # heavy quantisation
    assert knn._ross_mi(xq, lab[:, None], k=k) == pytest.approx(_ref_ross(xq, lab, k), abs=1e-10)
    xs = rng.normal(size=(n, 2))
    assert knn._ross_mi(xs, lab[:, None], k=k) == pytest.approx(_ref_ross(xs, lab, k), abs=1e-10)


def test_ross_on_quantised_data_matches_plugin_and_stays_sane(rng):
    """Regression: ties at a positive k-th distance (quantised or binary features) once
    gave -5 nats on 12-bit patterns.  On a 1-D feature quantised to steps of 1/2 the
    tie-aware Ross estimate must agree with the plug-in MI of the quantised symbols
    (both estimate the same discrete quantity; 0.02 nats is ~4 standard errors of the
    plug-in at n = 5000 and I ~ 0.19), and on binary patterns it must not be negative
    beyond sampling noise."""
    n = 5000
    x = rng.normal(size=n)
    y = (x + rng.normal(size=n) > 0).astype(int)
    xq = np.round(x * 2) / 2
    ross = knn._ross_mi(xq[:, None], y[:, None], k=3)
    plug = infolens.mutual_information((xq * 2).astype(int), y, method="plugin")
    assert abs(ross - float(plug)) < 0.02
    bits = rng.integers(0, 2, size=(800, 12)).astype(float)
    lab = (bits.sum(1) > 6).astype(int)
    assert knn._ross_mi(bits, lab[:, None], k=3) > -0.05
