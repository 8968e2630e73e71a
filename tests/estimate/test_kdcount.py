"""Compiled max-norm kernels (infolens.estimate._kdcount, needs numba) against brute force
and against the SciPy path of infolens.estimate.knn.

Every comparison is exact (integer counts, float64 distances compared with ==): both
sides compute the same float64 numbers max_t |x_jt - x_it|, so any difference is a bug,
not round-off.  Data are rounded to one decimal so that ties, repeated rows and
neighbours lying exactly on the radius occur often.
"""

from __future__ import annotations

import numpy as np
import pytest

from infolens.estimate import _knn_core, knn

kd = pytest.importorskip(
    "infolens.estimate._kdcount",
    reason="numba is optional; without it knn.py uses SciPy (tested in test_knn.py)",
)


def _maxdist(a):
    return np.abs(a[:, None, :] - a[None, :, :]).max(axis=2)


def _brute_count(x, r, strict):
    dist = _maxdist(x)
    inside = dist < r[:, None] if strict else dist <= r[:, None]
    np.fill_diagonal(inside, False)
    return inside.sum(axis=1)


def _brute_nearest(x, k):
    dist = _maxdist(x)
    np.fill_diagonal(dist, np.inf)
    return np.sort(dist, axis=1)[:, :k]


@pytest.fixture
def scipy_path(monkeypatch):
    """Force knn.py onto its SciPy path (as without numba)."""
    monkeypatch.setattr(_knn_core, "_KD", False)


# ----------------------------------------------------------------------- the tree


@pytest.mark.parametrize("n", [1, 2, 7, 64, 65, 1000])
def test_tree_is_balanced_and_boxes_are_tight(rng, n):
    x = np.round(rng.normal(size=(n, 3)), 1)
    t = kd.KDTree(x, 8)
    assert np.array_equal(np.sort(t.perm), np.arange(n))
    first = (1 << t.depth) - 1
    sizes = t.stop[first:] - t.start[first:]
    assert sizes.max() <= 8 and sizes.max() - sizes.min() <= 1 and sizes.sum() == n
    pts = np.stack(t.cols, axis=1)
    assert np.array_equal(pts, x[t.perm])
    for v in range(t.start.size):
        block = pts[t.start[v]:t.stop[v]]
        assert np.array_equal(t.lo[v], block.min(0)) and np.array_equal(t.hi[v], block.max(0))
        if v < first:  # a median split: left child's split coordinate <= right child's
            left = pts[t.start[2 * v + 1]:t.stop[2 * v + 1]]
            right = pts[t.start[2 * v + 2]:t.stop[2 * v + 2]]
            dim = np.argmax(t.hi[v] - t.lo[v])
            assert t.split[v] == dim
            assert left[:, dim].max() <= right[:, dim].min()


def test_tree_of_identical_rows_stays_balanced():
    x = np.zeros((500, 4))
    t = kd.KDTree(x, 16)
    first = (1 << t.depth) - 1
    sizes = t.stop[first:] - t.start[first:]
    assert sizes.max() - sizes.min() <= 1


# ------------------------------------------------------------------ counting kernel


@pytest.mark.parametrize("d", range(2, 11))
@pytest.mark.parametrize("strict", [True, False])
def test_count_matches_brute_force_and_scipy(rng, d, strict, monkeypatch):
    x = np.round(rng.normal(size=(600, d)), 1)
    # radii on the data grid: many neighbours lie exactly on the radius; some zeros
    r = np.round(np.abs(rng.normal(size=600)) * 0.4 * d, 1)
    ref = _brute_count(x, r, strict)
    got = kd.count_within(x, r, strict=strict)
    assert got.dtype == np.int64
    assert np.array_equal(got, ref)
    assert np.array_equal(knn._count_within(x, r, strict=strict), ref)  # kernel path
    monkeypatch.setattr(_knn_core, "_KD", False)
    assert np.array_equal(knn._count_within(x, r, strict=strict), ref)  # SciPy path


def test_ksg_radii_on_continuous_data_match_brute_force_and_scipy(rng, monkeypatch):
    # the KSG situation: radii are joint k-th neighbour distances, so every count has
    # neighbours at exactly the radius in one of the marginals (strict '<' matters)
    monkeypatch.setattr(kd, "_SERIAL_MAX_N", 0)  # threaded path
    z = rng.normal(size=(2500, 6))
    z[:, 3:] += 0.7 * z[:, :3]
    eps = kd.nearest(z, 3)[:, 2]
    assert np.array_equal(eps, _brute_nearest(z, 3)[:, 2])
    for block in (z[:, :3], z[:, 3:]):
        ref = _brute_count(block, eps, True)
        assert np.array_equal(kd.count_within(block, eps, strict=True), ref)
        monkeypatch.setattr(_knn_core, "_KD", False)
        assert np.array_equal(knn._count_within(block, eps, strict=True), ref)
        monkeypatch.setattr(_knn_core, "_KD", None)


def test_agrees_with_scikit_learn_npeet_recipe(rng):
    # the NPEET-style peer of benchmarks/estimators.py: Chebyshev KDTree k-NN in the
    # joint space, then query_radius(count_only=True) at the next float below eps
    from sklearn.neighbors import KDTree

    z = rng.normal(size=(3000, 10))
    z[:, 5:] += 0.5 * z[:, :5]
    dist, _ = KDTree(z, metric="chebyshev").query(z, k=4)
    near = kd.nearest(z, 3)
    assert np.array_equal(near, dist[:, 1:])
    eps = near[:, 2]
    for block in (z[:, :5], z[:, 5:]):
        ref = KDTree(block, metric="chebyshev").query_radius(
            block, np.nextafter(eps, 0), count_only=True) - 1
        assert np.array_equal(kd.count_within(block, eps, strict=True), ref)


def test_count_radius_extremes(rng):
    x = np.round(rng.normal(size=(300, 3)), 1)
    zero = np.zeros(300)
    # nothing lies strictly within distance 0; <= 0 admits exact copies only
    assert np.array_equal(kd.count_within(x, zero, strict=True), np.zeros(300))
    assert np.array_equal(kd.count_within(x, zero, strict=False), _brute_count(x, zero, False))
    big = np.full(300, 1e300)
    assert np.array_equal(kd.count_within(x, big, strict=True), np.full(300, 299))
    inf = np.full(300, np.inf)
    assert np.array_equal(kd.count_within(x, inf, strict=True), np.full(300, 299))


def test_count_with_duplicated_rows(rng):
    base = np.round(rng.normal(size=(150, 4)), 1)
    x = np.repeat(base, 4, axis=0)[rng.permutation(600)]
    r = np.round(np.abs(rng.normal(size=600)), 1)
    for strict in (True, False):
        assert np.array_equal(kd.count_within(x, r, strict=strict), _brute_count(x, r, strict))


def test_count_single_row_and_tiny_inputs():
    x = np.array([[0.5, -1.0]])
    assert np.array_equal(kd.count_within(x, np.array([1.0]), strict=True), [0])
    assert np.array_equal(kd.count_within(x, np.array([0.0]), strict=False), [0])
    assert np.array_equal(knn._count_within(x, np.array([1.0]), strict=False), [0])
    x2 = np.array([[0.0, 0.0], [1.0, 0.5]])
    assert np.array_equal(kd.count_within(x2, np.array([1.0, 1.0]), strict=True), [0, 0])
    assert np.array_equal(kd.count_within(x2, np.array([1.0, 1.0]), strict=False), [1, 1])


def test_count_threaded_path_matches_brute_force(rng, monkeypatch):
    # n above the serial threshold: leaves are split between worker threads
    monkeypatch.setattr(kd, "_SERIAL_MAX_N", 0)
    x = np.round(rng.normal(size=(3000, 5)), 1)
    r = np.round(np.abs(rng.normal(size=3000)) * 0.5, 1)
    assert np.array_equal(kd.count_within(x, r, strict=True), _brute_count(x, r, True))


# --------------------------------------------------------------- k-th neighbour kernel


@pytest.mark.parametrize("d", range(2, 11))
@pytest.mark.parametrize("k", [1, 3])
def test_nearest_matches_brute_force_and_scipy(rng, d, k, monkeypatch):
    x = np.round(rng.normal(size=(500, d)), 1)
    ref = _brute_nearest(x, k)
    assert np.array_equal(kd.nearest(x, k), ref)
    kth, _, _ = knn._kth_neighbour(x, k)  # kernel path
    assert np.array_equal(kth, ref[:, k - 1])
    monkeypatch.setattr(_knn_core, "_KD", False)
    kth, _, _ = knn._kth_neighbour(x, k)  # SciPy path (cKDTree)
    assert np.array_equal(kth, ref[:, k - 1])


def test_nearest_with_duplicated_rows_and_large_k(rng):
    base = np.round(rng.normal(size=(40, 3)), 1)
    x = np.repeat(base, 3, axis=0)  # every row has two copies: distances 0, 0, ...
    ref = _brute_nearest(x, x.shape[0] - 1)  # k = n - 1: every other row
    assert np.array_equal(kd.nearest(x, x.shape[0] - 1), ref)
    assert np.array_equal(kd.nearest(x, 2)[:, 1], np.zeros(120))
    assert np.all(kd.nearest(x, 3)[:, 2] > 0)


def test_nearest_threaded_path_and_rejects_k_too_large(rng, monkeypatch):
    monkeypatch.setattr(kd, "_SERIAL_MAX_N", 0)
    x = np.round(rng.normal(size=(2000, 6)), 1)
    assert np.array_equal(kd.nearest(x, 4), _brute_nearest(x, 4))
    with pytest.raises(ValueError, match="k=3"):
        kd.nearest(x[:3], 3)


# -------------------------------------------------------------- estimators, both paths


def _estimates():
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(800, 3)), 2)
    y = np.round(0.6 * x + 0.8 * rng.normal(size=(800, 3)), 2)
    z = np.round(rng.normal(size=(800, 2)), 2)
    return {
        "ksg1": knn._ksg1_mi(x, y, k=3),
        "ksg2": knn._ksg2_mi(x, y, k=3),
        "fp": knn._fp_cmi(x, y, z, k=3),
        "kl": knn._kl_entropy(x, k=3),
    }


def test_estimators_identical_on_both_paths(monkeypatch):
    # same neighbour distances and counts on both paths, hence the same floats
    with_kernel = _estimates()
    monkeypatch.setattr(_knn_core, "_KD", False)
    without = _estimates()
    for name, value in with_kernel.items():
        assert value == without[name], name


def test_environment_switch_disables_kernels(monkeypatch):
    monkeypatch.setattr(_knn_core, "_KD", None)
    monkeypatch.setenv("INFOLENS_NUMBA", "0")
    assert knn._kernels() is None
    monkeypatch.setattr(_knn_core, "_KD", None)
    monkeypatch.setenv("INFOLENS_NUMBA", "1")
    assert knn._kernels() is kd
    # one dimension has its own sorted-array path; very many dimensions stay on SciPy
    assert knn._kernels(1) is None
    assert knn._kernels(2) is kd and knn._kernels(knn._KERNEL_MAX_DIM) is kd
    assert knn._kernels(knn._KERNEL_MAX_DIM + 1) is None
