"""Binning rules and the "binning" estimator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infolens
from infolens.estimate.binning import discretize


def test_uniform_rule_edges_and_codes():
    d = discretize(np.array([0.0, 0.24, 0.25, 0.99, 1.0]), bins=4)
    assert np.allclose(d.edges[0], [0, 0.25, 0.5, 0.75, 1.0])
    assert d.codes.ravel().tolist() == [0, 0, 1, 3, 3]  # last bin closed on the right
    assert d.params == {"bins": 4, "rule": "uniform", "range": None}


def test_quantile_rule_equal_counts(rng):
    x = rng.normal(size=1000)
    d = discretize(x, bins=4, rule="quantile")
    assert np.bincount(d.codes.ravel()).tolist() == [250, 250, 250, 250]


def test_quantile_rule_merges_tied_edges():
    x = np.array([0.0] * 90 + [1.0, 2.0, 3.0] * 3 + [4.0])
    d = discretize(x, bins=10, rule="quantile")
    assert np.all(np.diff(d.edges[0]) > 0)
    assert np.all(np.bincount(d.codes.ravel()) > 0)


def test_width_rule_anchored_at_multiples():
    d = discretize(np.array([0.05, 0.31, 0.5]), bins=0.1, rule="width")
    assert d.edges[0][0] == pytest.approx(0.0)
    assert np.allclose(np.diff(d.edges[0]), 0.1)
    assert d.codes.ravel().tolist() == [0, 3, 5]


def test_range_violation_is_an_error_not_clipping():
    with pytest.raises(ValueError, match="outside range"):
        discretize(np.array([-0.1, 0.5, 0.9]), bins=4, range=(0, 1))
    with pytest.raises(ValueError, match="outside range"):
        infolens.mutual_information(
            np.array([0.0, 2.0, 0.5, 0.7]), np.array([0.1, 0.2, 0.3, 0.4]), method="binning",
            range=(0, 1),
        )


def test_bad_parameters():
    with pytest.raises(ValueError, match="rule"):
        discretize([0.0, 1.0], rule="magic")
    with pytest.raises(ValueError, match="bin width"):
        discretize([0.0, 1.0], rule="width", bins=-1)
    with pytest.raises(ValueError, match="range"):
        discretize([0.0, 1.0], rule="quantile", range=(0, 1))
    with pytest.raises(ValueError, match=">= 1"):
        discretize([0.0, 1.0], bins=0)
    with pytest.raises(TypeError, match="non-numeric"):
        discretize(np.array(["a", "b"]))


def test_histogram_entropy_of_uniform_is_log_width():
    # Uniform on [0, 2]: h = log 2.  With an explicit range and 20 bins the histogram
    # estimate H(bins) + log(0.1) has only the plug-in bias ~ -(20-1)/(2n).
    x = np.linspace(0, 2, 20_001)[:-1] + 0.5e-4
    h = infolens.entropy(x, method="binning", bins=20, range=(0, 2))
    assert h == pytest.approx(math.log(2), abs=1e-9)
    hb = infolens.entropy(x, method="binning", bins=20, range=(0, 2), differential=False)
    assert hb == pytest.approx(math.log(20), abs=1e-9)


def test_binned_mi_equals_discrete_mi_of_codes(rng):
    x = rng.normal(size=3000)
    y = x + rng.normal(size=3000)
    cx = discretize(x, bins=8).codes
    cy = discretize(y, bins=8, rule="uniform").codes
    est = infolens.mutual_information(x, y, method="binning", bins=8, estimator="miller_madow")
    assert est == pytest.approx(infolens.mutual_information(cx, cy, method="miller_madow"), abs=1e-12)


def test_binned_mi_gaussian_close_to_truth(rng):
    # rho = 0.8: I = -0.5 log(1 - rho^2) = 0.511 nats.  Quantile binning with 12 bins and
    # n = 20000: discretisation loses a little (data processing inequality: the binned MI
    # is a lower bound up to the +(K-1)^2/(2n) = 0.003 plug-in bias), so allow [-0.1, +0.01].
    n, rho = 20_000, 0.8
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    true = -0.5 * math.log(1 - rho**2)
    est = infolens.mutual_information(x, y, method="binning", bins=12, rule="quantile")
    assert -0.1 < est - true < 0.01


def test_mixed_binning_keeps_discrete_variable(rng):
    lab = rng.integers(0, 2, 4000)
    x = lab + 0.1 * rng.normal(size=4000)
    est = infolens.mutual_information(x, lab, method="binning", bins=10)
    assert est == pytest.approx(math.log(2), abs=0.01)  # x determines the label


def test_cmi_binning_runs_and_is_small_under_conditional_independence(rng):
    z = rng.normal(size=5000)
    x = z + 0.5 * rng.normal(size=5000)
    y = z + 0.5 * rng.normal(size=5000)
    est = infolens.conditional_mutual_information(x, y, z, method="binning", bins=4, rule="quantile")
    # I(X;Y|Z) = 0 but coarse binning of Z leaves residual dependence; plug-in bias is
    # (4-1)^2 * 4 / (2n) = 0.0036.  The binned value is far below the unconditional I(X;Y).
    assert est < 0.5 * infolens.mutual_information(x, y, method="binning", bins=4, rule="quantile")
