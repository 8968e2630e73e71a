"""bayes_error_bounds and the label-entropy interval on mixtures with exact answers."""

import math

import numpy as np
import pytest

from infolens.bounds import bayes_error_bounds
from infolens.bounds.bayes_error import label_entropy_interval
from infolens.bounds.mixtures import GaussianMixture
from infolens.exact.discrete import entropy


def test_label_entropy_interval_covers_truth():
    # rigorous interval at delta = 0.1: coverage over 300 seeds must be >= 0.9 (binomial
    # sd of the coverage count at 0.9 is ~5, so a true 0.9 would not fall below 255/300)
    p = np.array([0.6, 0.3, 0.1])
    h = entropy(p)
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(300):
        y = rng.choice(3, size=400, p=p)
        lo, hi = label_entropy_interval(y, n_classes=3, delta=0.1)
        hits += lo <= h <= hi
        assert 0 <= lo <= hi <= math.log(3) + 1e-12
    assert hits >= 255


def test_label_entropy_interval_shrinks_with_n():
    y_small = np.tile([0, 1, 2], 100)
    y_big = np.tile([0, 1, 2], 10000)
    w_small = np.subtract(*label_entropy_interval(y_small, delta=0.05)[::-1])
    w_big = np.subtract(*label_entropy_interval(y_big, delta=0.05)[::-1])
    assert w_big < w_small


@pytest.mark.parametrize("seed", range(4))
def test_bounds_bracket_exact_bayes_error(seed):
    g = GaussianMixture(means=[-1.0, 1.0], label_noise=0.1)
    x, y = g.sample(800, random_state=seed)
    r = bayes_error_bounds(x, y, delta=0.05, n_boot=60, random_state=seed)
    truth = g.bayes_error()
    assert r.lower <= truth <= r.upper
    assert r.n == 800 and r.n_classes == 2
    assert "Fano" in r.lower_method and not r.rigorous_lower


def test_holdout_and_cross_entropy_candidates():
    g = GaussianMixture(means=[-1.5, 1.5])
    rng = np.random.default_rng(3)
    x, y = g.sample(600, random_state=rng)
    xt, yt = g.sample(2000, random_state=rng)
    # the Bayes classifier itself: its held-out errors and log-losses
    post = g.posterior(xt[:, 0])
    errors = (post.argmax(axis=1) != yt).astype(float)
    ce = -np.log(post[np.arange(yt.size), yt])
    r = bayes_error_bounds(x, y, holdout_errors=errors, cross_entropy=ce, n_boot=40, random_state=0)
    assert len(r.terms["upper_candidates"]) == 3
    assert r.upper == min(r.terms["upper_candidates"].values())
    assert r.lower <= g.bayes_error() <= r.upper


def test_noisy_representation_ceiling_used():
    g = GaussianMixture(means=[-1.0, 1.0])
    x, y = g.sample(500, random_state=0)
    r = bayes_error_bounds(x, y, noise_std=0.5, n_boot=30, random_state=0)
    assert r.rigorous_lower and "ceiling" in r.lower_method
    assert r.terms["I_gaussian_channel_ceiling"] > 0


def test_bad_input():
    with pytest.raises(TypeError, match="y holds floating-point"):
        bayes_error_bounds(np.zeros((10, 1)), np.linspace(0, 1, 10))
    with pytest.raises(ValueError, match="different numbers of samples"):
        bayes_error_bounds(np.zeros((10, 1)), np.zeros(9, dtype=int))
