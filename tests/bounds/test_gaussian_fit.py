"""Forward vs reverse KL Gaussian fits on a bimodal mixture; where mode seeking holds."""

import math

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import logsumexp

from infolens.bounds import fit_gaussian


def _logp(a):
    # 0.5 N(-a, 1) + 0.5 N(a, 1), unnormalised
    return lambda x: logsumexp(
        np.stack([-0.5 * (x[:, 0] - a) ** 2, -0.5 * (x[:, 0] + a) ** 2]), axis=0
    )


_T, _W = np.polynomial.hermite.hermgauss(120)


def _exact_reverse_kl(mu, s, a):
    # KL(N(mu, s^2) || mixture) by 120-node Gauss-Hermite quadrature (log p is smooth, so
    # the rule is accurate far beyond the tolerances below): an oracle independent of the
    # Monte-Carlo objective used by fit_gaussian.
    x = mu + math.sqrt(2) * s * _T
    lp = logsumexp(np.stack([-0.5 * (x - a) ** 2, -0.5 * (x + a) ** 2]), axis=0)
    lp += math.log(0.5) - 0.5 * math.log(2 * math.pi)
    e_logp = float(np.sum(_W * lp) / math.sqrt(math.pi))
    entropy = 0.5 * math.log(2 * math.pi * math.e * s * s)
    return -entropy - e_logp


@pytest.mark.parametrize("a", [0.5, 2.0, 4.0])
def test_forward_is_moment_matching(a):
    # mean 0, variance 1 + a^2 exactly
    f = fit_gaussian(_logp(a), divergence="forward", grid=(-a - 15, a + 15))
    assert f.mean[0] == pytest.approx(0.0, abs=1e-9)
    assert f.cov[0, 0] == pytest.approx(1 + a * a, rel=1e-6)
    rng = np.random.default_rng(0)
    n = 20000
    x = np.r_[rng.normal(-a, 1, n // 2), rng.normal(a, 1, n // 2)]
    fs = fit_gaussian(x, divergence="forward")
    # sample mean: sd sqrt((1 + a^2)/n); 5 sd tolerance.  sample variance: sd <= sqrt(mu4/n)
    assert abs(fs.mean[0]) < 5 * math.sqrt((1 + a * a) / n)
    mu4 = 3 + 6 * a * a + a**4
    assert abs(fs.cov[0, 0] - (1 + a * a)) < 5 * math.sqrt(mu4 / n)


@pytest.mark.parametrize("a", [3.0, 4.0])
def test_reverse_seeks_a_mode_when_well_separated(a):
    f = fit_gaussian(_logp(a), divergence="reverse", random_state=0)
    # the optimum of the exact objective, started on the mode, is the reference
    ref = optimize.minimize(
        lambda t: _exact_reverse_kl(t[0], math.exp(t[1]), a),
        [a, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-5, "fatol": 1e-9},
    )
    # MC objective with 2000 antithetic draws: location error ~ std/sqrt(n_mc) ~ 0.03
    assert abs(abs(f.mean[0]) - ref.x[0]) < 0.1
    assert f.std[0] == pytest.approx(math.exp(ref.x[1]), abs=0.1)
    # forward fit on the same target is centred and covers both modes
    fw = fit_gaussian(_logp(a), divergence="forward", grid=(-a - 15, a + 15))
    assert abs(fw.mean[0]) < 1e-9 and math.sqrt(fw.cov[0, 0]) > a


def test_reverse_from_samples_uses_kde_and_seeks_mode():
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(-4, 1, 300), rng.normal(4, 1, 300)]
    f = fit_gaussian(x, divergence="reverse", random_state=0, n_mc=200, n_restarts=4)
    # the target is the KDE: each mode is N(+-4, 1 + h^2) with Scott's bandwidth h
    h = stats.gaussian_kde(x).factor * x.std(ddof=1)
    # tolerances: sampling error of the 300-point mode (~0.06) plus the MC objective's
    # location error (~std/sqrt(200) ~ 0.1)
    assert abs(abs(f.mean[0]) - 4) < 0.25
    assert f.std[0] == pytest.approx(math.sqrt(1 + h * h), abs=0.2)


@pytest.mark.parametrize("a", [0.5, 1.0, 2.0])
def test_where_mode_seeking_stops_holding(a):
    # For a <= 1 the mixture is unimodal (separation <= 2 sigma), and up to a ~ 2.5 the
    # best reverse-KL Gaussian is still the centred, wide one even though p is bimodal:
    # the seed's "reverse KL sits on one mode" needs well-separated modes.
    f = fit_gaussian(_logp(a), divergence="reverse", random_state=0)
    centred = optimize.minimize_scalar(
        lambda ls: _exact_reverse_kl(0.0, math.exp(ls), a), bounds=(-3, 3), method="bounded"
    )
    one_mode = optimize.minimize(
        lambda t: _exact_reverse_kl(t[0], math.exp(t[1]), a), [a, 0.0], method="Nelder-Mead"
    )
    assert centred.fun <= one_mode.fun + 1e-9  # the exact objective prefers the centred fit
    assert abs(f.mean[0]) < 0.05
    assert f.std[0] == pytest.approx(math.exp(centred.x), abs=0.05)


def test_crossover_between_two_and_three():
    # exact objective: centred fit better at a = 2.5, one-mode fit better at a = 3
    def gap(a):
        c = optimize.minimize_scalar(
            lambda ls: _exact_reverse_kl(0.0, math.exp(ls), a), bounds=(-3, 3), method="bounded"
        ).fun
        m = optimize.minimize(
            lambda t: _exact_reverse_kl(t[0], math.exp(t[1]), a), [a, 0.0], method="Nelder-Mead"
        ).fun
        return c - m

    assert gap(2.5) < 0 < gap(3.0)


def test_bad_input():
    with pytest.raises(ValueError, match="divergence"):
        fit_gaussian(np.zeros((5, 1)) + np.arange(5)[:, None], divergence="sideways")
    with pytest.raises(ValueError, match="grid"):
        fit_gaussian(_logp(1.0), divergence="forward")


def test_reverse_recovers_a_gaussian_target_in_2d():
    # For a Gaussian target the reverse-KL optimum is the target itself.  With fixed antithetic
    # draws the mean is exact; the covariance is off by the draws' sample covariance,
    # relative error ~ sqrt(2/n_mc) = 0.02 for n_mc = 4000 -> tolerance 0.1 on entries ~1-2.
    m = np.array([1.0, -2.0])
    S = np.array([[2.0, 0.6], [0.6, 1.0]])
    P = np.linalg.inv(S)

    def logp(x):
        d = x - m
        return -0.5 * np.einsum("ij,jk,ik->i", d, P, d)

    f = fit_gaussian(logp, divergence="reverse", dim=2, n_restarts=2, n_mc=4000, random_state=0)
    assert np.allclose(f.mean, m, atol=5e-3)
    assert np.allclose(f.cov, S, atol=0.1)
