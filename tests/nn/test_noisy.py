"""nn.noisy_layer_information: I(X; T+Z) with noise relative to the layer (Goldfeld et al.)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infolens.nn import noisy_layer_information

W = np.array([[1.0, 0.5], [0.0, 1.0], [0.3, -0.7]])


@pytest.mark.parametrize("c", [0.25, 0.5, 1.0])
def test_linear_gaussian_layer_matches_the_closed_form(c):
    """X ~ N(0, I_2), T = W X (3 units): I(X; T + Z) = ½ log det(I + W Wᵀ/σ²) nats.

    Tolerance: 4 × the estimate's stderr (sd of the per-input terms / sqrt(n), which covers
    the sampling of the n inputs and the Monte-Carlo draws).  The remaining error is the
    estimator's bias, low on average (Jensen); measured over 5 seeds at n = 2000 it is at
    most 0.015 nats in mean, under 1 stderr (0.018-0.029 nats here), so 4 stderr holds it.
    """
    for seed in range(3):
        rng = np.random.default_rng(seed)
        t = rng.standard_normal((2000, 2)) @ W.T
        est = noisy_layer_information(t, relative_noise=c, random_state=100 + seed)
        sigma = est.params["noise_std"]
        truth = 0.5 * np.linalg.slogdet(np.eye(3) + W @ W.T / sigma**2)[1]
        assert abs(float(est) - truth) <= 4 * est.stderr, (c, seed, float(est), truth)
        assert est.ci[0] <= float(est) <= est.ci[1]
        # the Kolchinsky-Tracey bounds on the empirical mixture bracket the population value
        # (up to the same sampling spread)
        assert est.params["kt_lower"] - 4 * est.stderr <= truth
        assert truth <= est.params["kt_upper"] + 4 * est.stderr
        # sigma is relative to the layer: c * sqrt(tr Sigma_hat)
        spread = math.sqrt(np.mean(np.sum((t - t.mean(0)) ** 2, axis=1)))
        assert sigma == pytest.approx(c * spread, rel=1e-12)


def test_closed_form_through_exact_gaussian_mi():
    """The same truth from infolens.exact: I(X; WX+Z) for jointly Gaussian (X, WX+Z)."""
    from infolens.exact.gaussian import mutual_information as gaussian_mi

    rng = np.random.default_rng(7)
    t = rng.standard_normal((2000, 2)) @ W.T
    est = noisy_layer_information(t, relative_noise=0.5)
    s2 = est.params["noise_std"] ** 2
    cov = np.block([[np.eye(2), W.T], [W, W @ W.T + s2 * np.eye(3)]])
    truth = float(gaussian_mi(cov, [0, 1], [2, 3, 4]))
    assert truth == pytest.approx(0.5 * np.linalg.slogdet(np.eye(3) + W @ W.T / s2)[1])
    assert abs(float(est) - truth) <= 4 * est.stderr


def test_scale_free_bounded_and_saturation_said():
    rng = np.random.default_rng(1)
    t = np.tanh(rng.standard_normal((400, 64)) @ rng.standard_normal((64, 64)) / 8)
    a = noisy_layer_information(t, relative_noise=0.5)
    b = noisy_layer_information(1e4 * t + 3.0, relative_noise=0.5)
    assert float(a) == pytest.approx(float(b), rel=1e-9)  # the same layer in other units
    # with sigma relative to the spread, the value is at most 1/(2c^2) = 2 nats, any width
    assert float(a) <= a.params["gaussian_ceiling"] + 4 * a.stderr
    assert a.params["gaussian_ceiling"] <= 2.0 + 1e-9
    assert not a.params["saturated"]
    # per-unit noise on a 64-wide layer: ceiling d/(2c^2) >> ln n, the estimate is pinned
    u = noisy_layer_information(t, relative_noise=0.1, scale="unit")
    assert u.params["saturated"] and float(u) <= math.log(400) + 1e-12
    bits = noisy_layer_information(t, relative_noise=0.5, base=2)
    assert float(bits) == pytest.approx(float(a) / math.log(2))
    assert bits.unit == "bits"


def test_constant_layer_and_bad_input():
    est = noisy_layer_information(np.ones((10, 3)))
    assert float(est) == 0.0 and est.ci == (0.0, 0.0)
    with pytest.raises(ValueError, match="relative_noise"):
        noisy_layer_information(np.ones((10, 3)), relative_noise=0)
    with pytest.raises(ValueError, match="scale"):
        noisy_layer_information(np.ones((10, 3)), scale="median")
    with pytest.raises(ValueError, match="t"):
        noisy_layer_information(np.array([[1.0, np.nan], [0.0, 1.0]]))


def test_the_estimate_lies_in_its_bracket():
    """The bracket holds the exact empirical-law value; the Monte-Carlo estimate of it lies
    within 4 Monte-Carlo standard errors of the bracket."""
    rng = np.random.default_rng(3)
    for d in (1, 5, 40):
        t = np.tanh(rng.standard_normal((600, d)) * 2)
        est = noisy_layer_information(t, n_mc=2, random_state=5)
        lo, hi = est.params["bracket"]
        assert lo <= hi <= est.params["gaussian_ceiling"] + 1e-12
        assert lo - 4 * est.params["mc_stderr"] <= float(est) <= hi + 4 * est.params["mc_stderr"]
