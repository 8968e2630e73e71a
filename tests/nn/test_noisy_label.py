"""nn.noisy_label_information: I(T+Z; Y) at a noise scale relative to the layer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from infolens.nn import noisy_label_information, noisy_layer_information

W = np.array([1.0, 0.5, 0.2])
SHIFT = np.array([1.5, 0.0, 0.0])  # the class-1 mean of X; class 0 has mean 0


def _gaussian_mixture_truth(shift: float, var: float, p1: float) -> float:
    """I(T;Y) in nats for T | Y=y ~ N(y·shift, var), P(Y=1) = p1, by 1-D quadrature:
    h(mixture) − ½ ln(2πe var)."""
    def pdf(u: float, mu: float) -> float:
        return math.exp(-(u - mu) ** 2 / (2 * var)) / math.sqrt(2 * math.pi * var)

    def mix(u: float) -> float:
        return (1 - p1) * pdf(u, 0.0) + p1 * pdf(u, shift)

    s = math.sqrt(var)
    h = integrate.quad(lambda u: -mix(u) * math.log(mix(u)), -12 * s, shift + 12 * s,
                       limit=200)[0]
    return h - 0.5 * math.log(2 * math.pi * math.e * var)


def test_linear_layer_of_a_gaussian_class_model_matches_quadrature():
    """X | Y=y ~ N(y·SHIFT, I_3), Y ~ Bernoulli(1/2), T = W·X (one unit): T_σ | Y is
    N(y·W·SHIFT, |W|² + σ²), so I(T_σ;Y) is a two-component Gaussian-mixture entropy minus a
    Gaussian entropy, computed by quadrature at the σ the estimator chose.

    Tolerance: 4 × stderr (sd of the per-row terms / sqrt(n), covering the row sampling and
    the Monte-Carlo draws).  Measured over 6 seeds at n = 2000: |error| / stderr at most 1.5
    (stderr ≈ 0.010 nats), i.e. the bias from the finite class mixtures is below 1 stderr.
    """
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, 2000)
        t = (rng.standard_normal((2000, 3)) + y[:, None] * SHIFT) @ W
        est = noisy_label_information(t, y, random_state=50 + seed)
        sigma = est.params["noise_std"]
        truth = _gaussian_mixture_truth(float(W @ SHIFT), float(W @ W) + sigma**2, 0.5)
        assert abs(float(est) - truth) <= 4 * est.stderr, (seed, float(est), truth)
        assert 0.0 <= float(est) <= est.params["label_entropy"]
        # the DPI for Y -> X -> T -> T_σ, tested on the paired terms
        assert est.params["dpi_gap"] >= -4 * est.params["dpi_gap_stderr"]
        assert est.ci[0] <= float(est) <= est.ci[1] <= est.params["label_entropy"]


def test_three_classes_in_two_dimensions_match_a_monte_carlo_reference():
    """T = A X with X | Y=k ~ N(m_k, I_2), three unequal classes: T_σ | Y=k is
    N(A m_k, A Aᵀ + σ² I), a known density; the reference I(T_σ;Y) = E ln p(y|t)/p(y) is a
    Monte-Carlo mean over 400 000 exact draws (its own stderr < 0.002 nats, under a fifth of
    the estimator's).  Tolerance: 4 × stderr of the estimate plus 4 × the reference's."""
    from scipy.stats import multivariate_normal

    a = np.array([[1.0, 0.4], [-0.3, 0.8]])
    means = np.array([[0.0, 0.0], [1.5, 0.5], [-0.5, 1.5]])
    prior = np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(7)
    y = rng.choice(3, 2000, p=prior)
    t = (rng.standard_normal((2000, 2)) + means[y]) @ a.T
    est = noisy_label_information(t, y, random_state=8)
    sigma = est.params["noise_std"]
    cov = a @ a.T + sigma**2 * np.eye(2)
    m = 400_000
    yy = rng.choice(3, m, p=prior)
    tt = means[yy] @ a.T + rng.multivariate_normal(np.zeros(2), cov, m)
    logp = np.stack([multivariate_normal(means[k] @ a.T, cov).logpdf(tt) + np.log(prior[k])
                     for k in range(3)], axis=1)
    mx = logp.max(axis=1, keepdims=True)
    log_joint = logp[np.arange(m), yy]
    terms = log_joint - (mx[:, 0] + np.log(np.exp(logp - mx).sum(axis=1))) - np.log(prior[yy])
    truth, ref_se = terms.mean(), terms.std() / math.sqrt(m)
    assert abs(float(est) - truth) <= 4 * est.stderr + 4 * ref_se, (float(est), truth)
    assert 0.0 <= float(est) <= est.params["label_entropy"]
    assert est.params["dpi_gap"] >= -4 * est.params["dpi_gap_stderr"]


def test_bounds_hold_for_separated_classes_and_the_layer_term_is_shared():
    """Well separated classes (label information near H(Y), limited by I(X;T_σ)): the value
    never exceeds the plug-in H(Y) (exact, by construction), I(T_σ;Y) <= I(X;T_σ) within the
    paired stderr, and the I(X;T_σ) from the same draws equals noisy_layer_information's."""
    rng = np.random.default_rng(3)
    y = rng.integers(0, 4, 1200)
    t = rng.standard_normal((1200, 6)) * 0.2 + 3.0 * np.eye(6)[y]
    for c in (0.25, 0.5, 1.0):
        est = noisy_label_information(t, y, relative_noise=c, base=2, random_state=4, n_mc=2)
        layer = noisy_layer_information(t, relative_noise=c, base=2, random_state=4, n_mc=2)
        assert est.params["ixt"] == pytest.approx(float(layer), rel=1e-12)
        assert est.params["noise_std"] == layer.params["noise_std"]
        assert 0.0 <= float(est) <= est.params["label_entropy"] + 1e-12
        assert est.params["label_entropy"] == pytest.approx(2.0, abs=0.01)  # 4 ~equal classes
        assert float(est) <= est.params["ixt"] + 4 * est.params["dpi_gap_stderr"]
        assert est.unit == "bits" and est.quantity == "I(T+Z;Y)"
    # small noise: the class clusters are resolved, the value approaches H(Y)
    small = noisy_label_information(t, y, relative_noise=0.05, random_state=1, base=2)
    assert float(small) > 0.95 * small.params["label_entropy"]


def test_labels_independent_of_the_layer_give_about_zero():
    rng = np.random.default_rng(5)
    t = rng.standard_normal((1500, 4))
    y = rng.integers(0, 3, 1500)
    est = noisy_label_information(t, y, random_state=6)
    assert abs(float(est)) <= 4 * est.stderr + 0.01  # the finite class mixtures: tends high
    assert est.params["dpi_gap"] > 0


def test_edge_cases_and_errors():
    const = noisy_label_information(np.ones((10, 3)), np.arange(10) % 2)
    assert float(const) == 0.0 and const.params["ixt"] == 0.0
    one_class = noisy_label_information(np.random.default_rng(0).standard_normal((50, 2)),
                                        np.zeros(50, dtype=int))
    assert float(one_class) == 0.0 and one_class.params["label_entropy"] == 0.0
    strings = noisy_label_information(np.arange(20.0)[:, None], np.array(["a", "b"] * 10))
    assert 0.0 <= float(strings) <= math.log(2)
    with pytest.raises(ValueError, match="y: expected one label per row"):
        noisy_label_information(np.zeros((5, 2)), [0, 1])
    with pytest.raises(TypeError, match="non-integer"):
        noisy_label_information(np.arange(4.0)[:, None], [0.5, 1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="relative_noise"):
        noisy_label_information(np.arange(4.0)[:, None], [0, 1, 0, 1], relative_noise=0)
    with pytest.raises(ValueError, match="scale"):
        noisy_label_information(np.arange(4.0)[:, None], [0, 1, 0, 1], scale="x")
