"""Fano, Hellman-Raviv and Feder-Merhav bounds against exact Bayes errors."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from infolens.bounds import (
    fano_lower_bound,
    feder_merhav_upper_bound,
    gaussian_channel_mi_ceiling,
    hellman_raviv_upper_bound,
)
from infolens.bounds.mixtures import GaussianMixture
from infolens.exact.discrete import binary_entropy, conditional_entropy


@pytest.mark.parametrize("pe", [0.01, 0.11, 0.3, 0.5])
def test_binary_fano_inverts_binary_entropy(pe):
    # binary form: H(Y|X) <= h(P_e) with equality for a BSC-like posterior
    h = binary_entropy(pe)
    assert fano_lower_bound(conditional_entropy=h, n_classes=2) == pytest.approx(pe, abs=1e-12)
    hb = binary_entropy(pe, base=2)
    assert fano_lower_bound(conditional_entropy=hb, n_classes=2, base=2) == pytest.approx(
        pe, abs=1e-12
    )


@pytest.mark.parametrize("m", [3, 5, 10])
@pytest.mark.parametrize("pe", [0.05, 0.3, 0.6])
def test_mary_fano_is_tight_for_symmetric_posterior(m, pe):
    # posterior (1-pe, pe/(M-1), ...) at every x: Bayes error = pe, H(Y|X) = h(pe) + pe ln(M-1)
    h = binary_entropy(pe) + pe * math.log(m - 1)
    assert fano_lower_bound(conditional_entropy=h, n_classes=m) == pytest.approx(pe, abs=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_feder_merhav_tight_at_uniform_over_k(k):
    # posterior uniform over k of the classes: H = ln k, Bayes error (k-1)/k, on the curve
    assert feder_merhav_upper_bound(math.log(k)) == pytest.approx((k - 1) / k, abs=1e-12)


def test_hellman_raviv_equals_feder_merhav_below_one_bit():
    for h in np.linspace(0, 1, 11):
        assert feder_merhav_upper_bound(h, base=2) == pytest.approx(
            hellman_raviv_upper_bound(h, base=2)
        )
    assert feder_merhav_upper_bound(1.5, base=2) < hellman_raviv_upper_bound(1.5, base=2)


def test_ordering_on_random_discrete_joints():
    # For any joint pmf p(x, y): fano(H(Y|X)) <= Bayes error <= FM(H(Y|X)) <= HR(H(Y|X)).
    rng = np.random.default_rng(0)
    for _ in range(300):
        m = int(rng.integers(2, 7))
        nx = int(rng.integers(1, 6))
        p = rng.dirichlet(np.full(nx * m, float(rng.choice([0.2, 1.0, 5.0])))).reshape(nx, m)
        ber = 1.0 - p.max(axis=1).sum()
        h = conditional_entropy(p, 1, 0)
        lo = fano_lower_bound(conditional_entropy=h, n_classes=m)
        fm = feder_merhav_upper_bound(h, n_classes=m)
        hr = hellman_raviv_upper_bound(h)
        assert lo <= ber + 1e-12 and ber <= fm + 1e-12 and fm <= hr + 1e-12


def test_mutual_information_form_and_direction():
    h_y, i = math.log(4), 0.8
    a = fano_lower_bound(mutual_information=i, entropy_y=h_y, n_classes=4)
    b = fano_lower_bound(conditional_entropy=h_y - i, n_classes=4)
    assert a == b
    # larger MI (upper bound on I) => smaller, still valid, lower bound on error
    assert fano_lower_bound(mutual_information=i + 0.3, entropy_y=h_y, n_classes=4) < a
    with pytest.raises(ValueError, match="entropy_y"):
        fano_lower_bound(mutual_information=i, n_classes=4)
    with pytest.raises(ValueError, match="exactly one"):
        fano_lower_bound(conditional_entropy=0.1, mutual_information=i, n_classes=4)
    with pytest.raises(ValueError, match="exceeds log M"):
        fano_lower_bound(conditional_entropy=2.0, n_classes=2, base=2)


def test_mixture_bayes_error_closed_form():
    # equal priors, equal variances: Bayes error = Phi(-|mu1 - mu0| / (2 sigma))
    for a, s in [(0.5, 1.0), (1.0, 1.0), (3.0, 0.7)]:
        g = GaussianMixture(means=[-a, a], stds=s)
        assert g.bayes_error() == pytest.approx(stats.norm.cdf(-a / s), abs=1e-10)
    # unequal priors: threshold t solves pi0 N(t;-1) = pi1 N(t;1) -> t = ln(pi0/pi1)/2
    g = GaussianMixture(means=[-1.0, 1.0], weights=[0.7, 0.3])
    t = math.log(0.7 / 0.3) / 2
    exact = 0.7 * stats.norm.sf(t, -1) + 0.3 * stats.norm.cdf(t, 1)
    assert g.bayes_error() == pytest.approx(exact, abs=1e-10)


def test_label_noise_formula_against_direct_integral():
    # Bayes error under symmetric noise computed directly from the noisy posterior must equal
    # (1 - rho) BER + rho (M - 1)/M.
    base = GaussianMixture(means=[-2.0, 0.0, 1.5], stds=[1.0, 0.5, 0.8], weights=[0.2, 0.5, 0.3])
    for rho in [0.0, 0.2, 0.6]:
        g = GaussianMixture(means=base.means, stds=base.stds, weights=base.weights, label_noise=rho)
        direct = (
            1
            - integrate.quad(
                lambda t, g=g: g.density([t])[0] * g.posterior([t]).max(),
                -15,
                15,
                points=[-2, 0, 1.5],
                limit=400,
            )[0]
        )
        assert g.bayes_error() == pytest.approx(direct, abs=1e-8)
        assert g.bayes_error() == pytest.approx(
            (1 - rho) * base.bayes_error() + rho * 2 / 3, abs=1e-12
        )


def test_fano_and_fm_bracket_mixture_bayes_error():
    for means, rho in [([-1, 1], 0.0), ([-2, 0, 2], 0.1), ([0, 1, 2, 3, 4], 0.3)]:
        g = GaussianMixture(means=means, label_noise=rho)
        h = g.conditional_entropy()
        m = g.n_classes
        assert fano_lower_bound(conditional_entropy=h, n_classes=m) <= g.bayes_error() + 1e-9
        assert g.bayes_error() <= feder_merhav_upper_bound(h, n_classes=m) + 1e-9


def test_gaussian_channel_ceiling():
    rng = np.random.default_rng(1)
    s = rng.normal(scale=2.0, size=(50000, 1))
    # Gaussian S: the ceiling is exactly I(S;T) = 0.5 ln(1 + 4/sigma^2); sample-variance
    # error ~ sqrt(2/n) relative => ~0.006 relative in var, well under 1e-2 in the value
    assert gaussian_channel_mi_ceiling(s, noise_std=1.0) == pytest.approx(
        0.5 * math.log(5), rel=1e-2
    )
    # binary Y encoded as S = +-1: I(T;Y) for T = S + N(0, 1) is below the ceiling
    y = rng.integers(0, 2, 50000)
    s2 = (2 * y - 1).astype(float)[:, None]
    g = GaussianMixture(means=[-1.0, 1.0])
    assert g.mutual_information() <= gaussian_channel_mi_ceiling(s2, noise_std=1.0)
