"""Higher-order measures on pmfs and samples, and the Gaussian-copula multiplet path."""

import math

import numpy as np
import pytest

from infolens.exact import discrete as xd
from infolens.exact import gaussian as xg
from infolens.pid import (
    dual_total_correlation_samples,
    interaction_information_samples,
    o_information,
    o_information_multiplets,
    o_information_samples,
    s_information_samples,
    total_correlation_samples,
)

XOR3 = np.zeros((2, 2, 2))
for a in (0, 1):
    for b in (0, 1):
        XOR3[a, b, a ^ b] = 0.25
COPY3 = np.zeros((2, 2, 2))
COPY3[0, 0, 0] = COPY3[1, 1, 1] = 0.5


def test_pmf_functions_are_the_exact_ones():
    assert o_information is xd.o_information
    # XOR: synergy-dominated, -1 bit; three copies of a bit: TC = 2, DTC = 1 -> +1 bit
    assert o_information(XOR3, base=2) == pytest.approx(-1.0, abs=1e-12)
    assert o_information(COPY3, base=2) == pytest.approx(1.0, abs=1e-12)


def _xor_samples(n, rng):
    a = rng.integers(0, 2, n)
    b = rng.integers(0, 2, n)
    return np.column_stack([a, b, a ^ b])


def test_sample_measures_on_xor_and_copy(rng):
    n = 20000
    x = _xor_samples(n, rng)
    # plug-in bias per entropy term ~ (K-1)/(2 n ln 2) <= 7/(2*20000*0.69) ~ 2.5e-4 bits and
    # sampling sd of each entropy ~ 1e-4 bits at these near-uniform cells: 5e-3 is ample
    est = o_information_samples(x, base=2)
    assert est == pytest.approx(-1.0, abs=5e-3)
    assert est.method == "plugin" and est.n == n and est.unit == "bits"
    assert interaction_information_samples(x, base=2) == pytest.approx(-1.0, abs=5e-3)
    assert total_correlation_samples(x, base=2) == pytest.approx(1.0, abs=5e-3)
    assert dual_total_correlation_samples(x, base=2) == pytest.approx(2.0, abs=5e-3)
    assert s_information_samples(x, base=2) == pytest.approx(3.0, abs=5e-3)
    c = rng.integers(0, 2, n)
    assert o_information_samples(np.column_stack([c, c, c]), base=2) == pytest.approx(1.0, abs=5e-3)


def test_continuous_samples_need_stated_bins(rng):
    x = rng.normal(size=(3000, 3))
    with pytest.raises(TypeError, match="bins="):
        o_information_samples(x)
    x[:, :2] = rng.uniform(-1, 1, size=(3000, 2))
    x[:, 2] = np.sign(x[:, 0] * x[:, 1])  # XOR of the signs: synergy
    # equal-width bins split each column at the middle of its observed range, within
    # ~2/n of 0 for U(-1, 1) columns, so (almost) every sign is kept: O ~ -1 bit up to
    # the plug-in bias and sampling error (~1e-3 bits at n = 3000)
    est = o_information_samples(x, bins=2, rule="uniform", base=2)
    assert est.params == {"bins": 2, "rule": "uniform"}
    assert est == pytest.approx(-1.0, abs=0.01)


def gaussian_o_information(cov):
    """Population O-information of a Gaussian from exact entropies of sub-covariances."""
    k = cov.shape[0]
    rest = [[j for j in range(k) if j != i] for i in range(k)]
    return (k - 2) * xg.entropy(cov) + sum(
        xg.entropy(cov[i, i]) - xg.entropy(cov[np.ix_(r, r)]) for i, r in enumerate(rest)
    )


def test_copula_matches_gaussian_closed_form(rng):
    # equicorrelated (redundant) and a synergy-type covariance (X3 ~ X1 + X2 with X1, X2
    # independent gives negative O-information); n = 20000: the Gaussian entropy
    # estimates have sd ~ sqrt(k / (2 n)) ~ 0.01 nats, the copula adds a little: 0.03
    covs = [
        np.array([[1, 0.6, 0.6], [0.6, 1, 0.6], [0.6, 0.6, 1.0]]),
        np.array([[1, 0, 0.7], [0, 1, 0.7], [0.7, 0.7, 1.0]]),
    ]
    signs = [1, -1]
    for cov, sign in zip(covs, signs, strict=True):
        x = rng.multivariate_normal(np.zeros(3), cov, size=20000)
        r = o_information_multiplets(x, size=3)
        truth = gaussian_o_information(cov)
        assert np.sign(truth) == sign
        assert r.values[0] == pytest.approx(truth, abs=0.03)
        # rank-based: a monotone transform of a column changes nothing
        y = x.copy()
        y[:, 0] = np.exp(y[:, 0])
        np.testing.assert_allclose(o_information_multiplets(y, size=3).values, r.values, atol=1e-12)


def test_multiplets_vectorised_equals_one_by_one(rng):
    x = rng.normal(size=(500, 6))
    x[:, 1] += x[:, 0]
    x[:, 2] += x[:, 0]
    r = o_information_multiplets(x, size=3, base=2)
    assert r.multiplets.shape == (math.comb(6, 3), 3)
    for row, v in zip(r.multiplets, r.values, strict=True):
        single = o_information_samples(x[:, row], method="gcmi", base=2)
        assert single == pytest.approx(v, abs=1e-12)
    assert r.most_redundant(1)[0][0] == (0, 1, 2)
    r4 = o_information_multiplets(x, size=4)
    assert r4.values.shape == (math.comb(6, 4),)


def test_multiplet_errors(rng):
    x = rng.normal(size=(100, 4))
    with pytest.raises(ValueError, match="exceeds"):
        o_information_multiplets(x, size=5)
    with pytest.raises(ValueError, match="size=2 must be >= 3"):
        o_information_multiplets(x, size=2)
    with pytest.raises(ValueError, match="repeat"):
        o_information_multiplets(x, multiplets=[[0, 0, 1]])
    with pytest.raises(ValueError, match="NaN"):
        x[0, 0] = np.nan
        o_information_multiplets(x)
