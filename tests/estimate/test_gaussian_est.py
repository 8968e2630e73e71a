"""Gaussian and Gaussian-copula estimators: unbiasedness of the log-det correction (by
simulation against infolens.exact.gaussian), the correction term itself, exact
invariance of GCMI, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma

from infolens.estimate import gaussian as g
from infolens.exact import gaussian as eg


def _spd(rng, d, ridge=0.3):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + ridge * np.eye(d)


def test_bias_correction_term_is_the_wishart_log_det_mean(rng):
    # hat(log det) = log det S - sum_i psi((n - i)/2) - d log(2/(n-1)), S unbiased
    x = rng.normal(size=(40, 3))
    s = np.cov(x, rowvar=False)
    expected = 0.5 * (
        3 * (math.log(2 * math.pi) + 1)
        + np.linalg.slogdet(s)[1]
        - sum(digamma((40 - i) / 2) for i in (1, 2, 3))
        - 3 * math.log(2 / 39)
    )
    assert g._gaussian_entropy(x) == pytest.approx(expected, abs=1e-12)


def test_unbiased_for_gaussian_data_at_small_n(rng):
    # n = 30 in 3 + 3 dims: the uncorrected plug-in is off by ~0.3 nats in entropy.
    # With R = 1500 replicates the mean has standard error sd/sqrt(R); we require the
    # mean error within 4 standard errors (a false alarm has probability ~6e-5).
    d, n, reps = 3, 30, 1500
    cov = _spd(rng, 2 * d)
    covq = _spd(rng, d, 0.5)
    mq = rng.normal(size=d) * 0.3
    truth = {
        "h": eg.entropy(cov[:d, :d]),
        "mi": eg.mutual_information(cov, list(range(d)), list(range(d, 2 * d))),
        "cmi": eg.conditional_mutual_information(cov, [0], [1], list(range(2, 2 * d))),
        "kl": eg.kl_divergence(np.zeros(d), cov[:d, :d], mq, covq),
    }
    vals = {k: [] for k in truth}
    lq = np.linalg.cholesky(covq)
    lc = np.linalg.cholesky(cov)
    for _ in range(reps):
        s = rng.standard_normal((n, 2 * d)) @ lc.T
        q = mq + rng.standard_normal((n + 5, d)) @ lq.T
        vals["h"].append(g._gaussian_entropy(s[:, :d]))
        vals["mi"].append(g._gaussian_mi(s[:, :d], s[:, d:]))
        vals["cmi"].append(g._gaussian_cmi(s[:, :1], s[:, 1:2], s[:, 2:]))
        vals["kl"].append(g._gaussian_kl_divergence(s[:, :d], q))
    for k, v in vals.items():
        v = np.asarray(v)
        se = v.std(ddof=1) / math.sqrt(reps)
        assert abs(v.mean() - truth[k]) < 4 * se, (k, v.mean(), truth[k], se)
    # and the plug-in without correction is visibly biased: its log det is off by
    # sum_i psi((n-i)/2) + d log(2/n) = -0.31, i.e. -0.16 nats of entropy (se of the
    # 200-replicate mean ~ 0.02)
    plug = [0.5 * (d * (math.log(2 * math.pi) + 1) + np.linalg.slogdet(np.cov(
        rng.standard_normal((n, d)) @ lc[:d, :d].T, rowvar=False, ddof=0))[1]) for _ in range(200)]
    assert np.mean(plug) < truth["h"] - 0.08


def test_gcmi_is_exactly_invariant_under_monotone_maps(rng):
    x = rng.normal(size=(2000, 2))
    y = x[:, :1] + rng.normal(size=(2000, 1))
    base = g._gcmi_mi(x, y)
    fx = np.column_stack([np.exp(x[:, 0]), x[:, 1] ** 3])
    fy = np.arctan(y) - 5
    assert g._gcmi_mi(fx, fy) == base  # identical ranks -> identical scores
    z = rng.normal(size=(2000, 1))
    assert g._gcmi_cmi(fx, fy, np.exp(z)) == g._gcmi_cmi(x, y, z)


def test_gcmi_equals_gaussian_mi_of_normal_scores_and_is_accurate(rng):
    cov = np.array([[1, 0.7], [0.7, 1]])
    z = rng.multivariate_normal([0, 0], cov, size=10_000)
    x, y = np.exp(z[:, :1]), z[:, 1:] ** 3
    gc = g._gcmi_mi(x, y)
    assert gc == g._gaussian_mi(g._copula_normalize(x), g._copula_normalize(y))
    # I = -1/2 log(1 - 0.49) = 0.3367; sd of the estimate ~ rho/sqrt(n) = 0.007
    assert gc == pytest.approx(-0.5 * math.log(1 - 0.49), abs=0.03)


def test_copula_normalize_ties_use_average_rank():
    x = np.array([[3.0], [1.0], [3.0], [2.0]])
    # ranks 3.5, 1, 3.5, 2 of n = 4 -> Phi^-1(r / 5)
    from scipy.special import ndtri

    expect = ndtri(np.array([3.5, 1, 3.5, 2]) / 5)
    assert np.allclose(g._copula_normalize(x)[:, 0], expect)


def test_constant_column_raises_with_advice(rng):
    x = np.column_stack([rng.normal(size=100), np.zeros(100)])
    with pytest.raises(ValueError, match="singular"):
        g._gaussian_entropy(x)
    with pytest.raises(ValueError, match="constant"):
        g._gcmi_mi(x, rng.normal(size=(100, 1)))


def test_too_few_samples(rng):
    with pytest.raises(ValueError, match="more than 3 samples"):
        g._gaussian_entropy(rng.normal(size=(3, 3)))
    with pytest.raises(ValueError, match="samples of q"):
        g._gaussian_kl_divergence(rng.normal(size=(10, 3)), rng.normal(size=(5, 3)))
