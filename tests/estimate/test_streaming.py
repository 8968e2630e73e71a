"""Streaming accumulators: batch results equal one-shot results; Dask; flat memory."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

import infolens
from infolens.estimate.binning import discretize
from infolens.estimate.streaming import BinnedCounter, DiscreteCounter, MomentAccumulator


@pytest.fixture
def xyz(rng):
    n = 6000
    x = rng.integers(0, 5, n)
    y = (x + rng.integers(0, 3, n)) % 5
    z = rng.choice(np.array(["a", "b", "c"]), n)
    return x, y, z


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "grassberger", "chao_shen", "nsb"])
def test_discrete_batches_equal_one_shot(xyz, method):
    x, y, z = xyz
    acc = DiscreteCounter()
    for i in range(0, x.size, 700):  # uneven last batch
        acc.update(x[i : i + 700], y[i : i + 700])
    one = infolens.mutual_information(x, y, method=method)
    est = acc.compute(method=method)
    assert est == pytest.approx(float(one), abs=1e-12)
    assert est.n == x.size and est.quantity == "I(X;Y)"


def test_entropy_and_cmi_and_merge(xyz):
    x, y, z = xyz
    a, b = DiscreteCounter(), DiscreteCounter()
    a.update(x[:2500], y[:2500], z[:2500])
    b.update(x[2500:], y[2500:], z[2500:])
    a.merge(b)
    assert a.compute(method="grassberger", base=2) == pytest.approx(
        float(infolens.conditional_mutual_information(x, y, z, method="grassberger", base=2)),
        abs=1e-12,
    )
    h = DiscreteCounter().update(np.column_stack([x, y])).compute(method="jackknife")
    assert h == pytest.approx(
        float(infolens.entropy(np.column_stack([x, y]), method="jackknife")), abs=1e-12
    )


def test_symbols_unseen_in_early_batches(rng):
    # later batches bring new symbols (and negative integers): counts must still line up
    x = np.concatenate([rng.integers(0, 3, 500), rng.integers(-4, 9, 500)])
    y = rng.integers(0, 2, 1000)
    acc = DiscreteCounter().update(x[:500], y[:500]).update(x[500:], y[500:])
    assert acc.compute(method="plugin") == pytest.approx(
        float(infolens.mutual_information(x, y, method="plugin")), abs=1e-12
    )


def test_discrete_counter_errors(rng):
    acc = DiscreteCounter()
    with pytest.raises(ValueError, match="empty"):
        acc.compute()
    with pytest.raises(TypeError, match="binning"):
        acc.update(rng.normal(size=10))
    acc.update(np.array([0, 1]), np.array([1, 1]))
    with pytest.raises(ValueError, match="column"):
        acc.update(np.array([0, 1]), np.array([[1, 1], [0, 0]]))
    with pytest.raises(ValueError, match="different numbers"):
        acc.update(np.array([0, 1, 2]), np.array([1, 1]))
    with pytest.raises(TypeError, match="numeric and string"):
        acc.update(np.array(["a", "b"]), np.array([1, 1]))


def test_binned_counter_equals_binning_estimator(rng):
    x = rng.uniform(-1, 1, 5000)
    y = x + 0.5 * rng.normal(size=5000)
    y = np.clip(y, -2, 2)  # test data only: keep y inside the fixed streaming range
    acc = BinnedCounter(bins=8, range=(-2, 2))
    for i in range(0, 5000, 1000):
        acc.update(x[i : i + 1000], y[i : i + 1000])
    cx = discretize(x, bins=8, range=(-2, 2)).codes
    cy = discretize(y, bins=8, range=(-2, 2)).codes
    expected = infolens.mutual_information(cx, cy, method="plugin")
    assert acc.compute() == pytest.approx(float(expected), abs=1e-12)


def test_binned_counter_differential_entropy_of_uniform(rng):
    # U(0, 1) with width-0.01 bins: h = 0; histogram estimate = H(bins) + log(0.01), whose
    # plug-in bias is about -(100 - 1)/(2n) = -0.0005 and sd sqrt(Var log p / n) = 0.
    acc = BinnedCounter(width=0.01)
    for _ in range(10):
        acc.update(rng.uniform(0, 1, 10_000))
    assert acc.compute() == pytest.approx(0.0, abs=0.003)
    assert acc.compute(differential=False) == pytest.approx(math.log(100), abs=0.003)


def test_binned_counter_range_is_enforced():
    acc = BinnedCounter(bins=4, range=(0, 1))
    with pytest.raises(ValueError, match="outside range"):
        acc.update(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="range"):
        BinnedCounter(bins=4)
    with pytest.raises(ValueError, match="either"):
        BinnedCounter()
    with pytest.raises(ValueError, match="different bin edges"):
        BinnedCounter(bins=4, range=(0, 1)).merge(BinnedCounter(bins=5, range=(0, 1)))


def test_moments_match_numpy_and_gaussian_mi(rng):
    n, rho = 20_000, 0.6
    x = rng.normal(size=(n, 2))
    y = rho * x[:, :1] + math.sqrt(1 - rho**2) * rng.normal(size=(n, 1))
    acc, other = MomentAccumulator(), MomentAccumulator()
    for i in range(0, n // 2, 3000):
        j = min(i + 3000, n // 2)
        acc.update(x[i:j], y[i:j])
    other.update(x[n // 2 :], y[n // 2 :])
    acc.merge(other)
    data = np.hstack([x, y])
    assert np.allclose(acc.covariance, np.cov(data.T), atol=1e-12)
    s = np.cov(data.T)
    plug = 0.5 * (np.linalg.slogdet(s[:2, :2])[1] + np.log(s[2, 2]) - np.linalg.slogdet(s)[1])
    assert acc.compute(bias_correction=False) == pytest.approx(plug, abs=1e-10)
    # true I = -0.5 log(1 - rho^2) = 0.223; sd of the estimate ~ rho/sqrt(n) = 0.004
    assert acc.compute() == pytest.approx(-0.5 * math.log(1 - rho**2), abs=0.02)


def test_bias_correction_removes_small_sample_bias(rng):
    # Independent 5-D blocks: true I = 0.  The plug-in Gaussian MI is biased up by about
    # d_x d_y / (2n) = 25/(2*100) = 0.125; the corrected one is centred at 0 (mean of 200
    # estimates: sd about 0.1/sqrt(200) = 0.007).
    plug, corr = [], []
    for _ in range(200):
        acc = MomentAccumulator().update(rng.normal(size=(100, 5)), rng.normal(size=(100, 5)))
        plug.append(float(acc.compute(bias_correction=False)))
        corr.append(float(acc.compute()))
    assert np.mean(plug) > 0.1
    assert abs(np.mean(corr)) < 0.03


def test_gaussian_entropy_and_singular_error(rng):
    acc = MomentAccumulator().update(rng.normal(size=(50_000, 1)) * 2.0)
    assert acc.compute() == pytest.approx(0.5 * math.log(2 * math.pi * math.e * 4), abs=0.02)
    x = rng.normal(size=100)
    with pytest.raises(ValueError, match="singular"):
        MomentAccumulator().update(np.column_stack([x, x]), rng.normal(size=100)).compute()


def test_dask_chunks_equal_numpy(xyz):
    import dask.array as da  # the "dask" extra (installed for the tests)

    x, y, _ = xyz
    dx = da.from_array(x, chunks=1000)
    dy = da.from_array(y, chunks=1700)  # misaligned chunks are realigned
    est = DiscreteCounter().update(dx, dy).compute(method="grassberger")
    assert est == pytest.approx(
        float(infolens.mutual_information(x, y, method="grassberger")), abs=1e-12
    )


def test_dask_distributed_local_cluster(rng):
    import dask.array as da
    import distributed

    n = 40_000
    x = rng.normal(size=(n, 2))
    y = x[:, :1] + rng.normal(size=(n, 1))
    lab = (x[:, 0] > 0).astype(np.int64)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        m = MomentAccumulator().update(
            da.from_array(x, chunks=(5000, 2)), da.from_array(y, chunks=(5000, 1))
        )
        d = DiscreteCounter().update(da.from_array(lab, chunks=7000))
    ref = MomentAccumulator().update(x, y)
    assert m.compute() == pytest.approx(float(ref.compute()), abs=1e-10)
    assert d.compute(method="plugin") == pytest.approx(
        float(infolens.entropy(lab, method="plugin")), abs=1e-12
    )


def test_memory_flat_in_number_of_batches(rng):
    # Peak traced memory while streaming 5 vs 40 batches of the same size must not grow
    # with the number of samples (the counter keeps at most 16*16 cells).
    def peak(batches):
        acc = DiscreteCounter()
        tracemalloc.start()
        for _ in range(batches):
            acc.update(rng.integers(0, 16, 20_000), rng.integers(0, 16, 20_000))
        _, p = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return p, acc

    p_small, _ = peak(5)
    p_big, acc = peak(40)
    assert acc.n == 800_000 and acc.n_cells == 256
    assert p_big < 1.3 * p_small + 100_000
