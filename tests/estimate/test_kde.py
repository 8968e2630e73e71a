import numpy as np
import pytest
from scipy import integrate, stats

from infolens.estimate.kde import mixture_entropy_bounds, pairwise_mi_bounds


def _mixture_entropy_1d(centers, sigma):
    """h of (1/n) sum N(c_i, sigma^2) by adaptive quadrature (error ~1e-8 nats)."""
    c = np.asarray(centers, float)

    def p(t):
        return stats.norm.pdf(t, loc=c, scale=sigma).mean()

    lo, hi = c.min() - 12 * sigma, c.max() + 12 * sigma
    val, _ = integrate.quad(lambda t: -p(t) * np.log(p(t)) if p(t) > 0 else 0.0, lo, hi,
                            points=list(c), limit=500)
    return val


@pytest.mark.parametrize("centers", [[0.0, 1.0], [0.0, 0.5, 3.0], [-2.0, 0.1, 0.2, 5.0]])
@pytest.mark.parametrize("sigma", [0.3, 1.0])
def test_bounds_bracket_exact_mixture_entropy(centers, sigma):
    exact = _mixture_entropy_1d(centers, sigma)
    b = mixture_entropy_bounds(np.reshape(centers, (-1, 1)), noise_std=sigma)
    assert b.lower - 1e-7 <= exact <= b.upper + 1e-7
    # the entropy of any mixture lies between H(component) and H(component) + ln n
    hz = 0.5 * np.log(2 * np.pi * np.e * sigma**2)
    assert hz - 1e-9 <= b.lower and b.upper <= hz + np.log(len(centers)) + 1e-9


def test_far_apart_components_give_log_n_in_bits():
    t = np.arange(8.0).reshape(-1, 1) * 1e3
    b = pairwise_mi_bounds(t, noise_std=1.0, base=2)
    # exp(-1e6/8) underflows to 0: both bounds equal log2(8) = 3 exactly
    assert float(b.ixt) == pytest.approx(3.0, abs=1e-12)
    assert float(b.ixt_lower) == pytest.approx(3.0, abs=1e-12)
    assert b.ixt.unit == "bits" and b.ity is None


def test_bracket_exact_linear_gaussian_information(rng):
    # T = W X, X ~ N(0, I_2): I(X; T + Z) = 1/2 ln det(I + W W^T / sigma^2).  With n = 1500
    # samples the empirical mixture is close to the Gaussian; the KT gap (> 0.3 nats here)
    # is much larger than the sampling error of the mixture entropy (~ 0.03 nats).
    w = np.array([[1.0, 0.5], [0.0, 0.7]])
    sigma = 0.8
    x = rng.normal(size=(1500, 2))
    exact = 0.5 * np.linalg.slogdet(np.eye(2) + w @ w.T / sigma**2)[1]
    b = pairwise_mi_bounds(x @ w.T, noise_std=sigma)
    assert float(b.ixt_lower) < exact < float(b.ixt)


def test_label_information():
    # two clusters far apart, label = cluster: I(T+Z;Y) = H(Y) = 1 bit, all bounds agree
    t = np.r_[np.zeros((30, 2)), np.full((30, 2), 50.0)]
    y = np.r_[np.zeros(30, int), np.ones(30, int)]
    b = pairwise_mi_bounds(t, y, noise_std=1.0, base=2)
    assert float(b.ity) == pytest.approx(1.0, abs=1e-9)
    assert b.ity.params["lower_bound"] == pytest.approx(1.0, abs=1e-9)
    assert b.ity.params["upper_bound"] == pytest.approx(1.0, abs=1e-9)
    # labels independent of a single cluster: everything is one cluster -> I = 0
    same = pairwise_mi_bounds(np.zeros((40, 1)), np.arange(40) % 2, noise_std=1.0)
    assert float(same.ity) == pytest.approx(0.0, abs=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="noise_std"):
        pairwise_mi_bounds(np.zeros((3, 1)), noise_std=0.0)
    with pytest.raises(ValueError, match="NaN"):
        pairwise_mi_bounds(np.array([[np.nan], [0.0]]), noise_std=1.0)
    with pytest.raises(ValueError, match="different numbers of samples"):
        pairwise_mi_bounds(np.zeros((3, 1)), [0, 1], noise_std=1.0)
