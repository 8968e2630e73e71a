"""The t-copula MI estimator (``method="tcopula"``) and its place in ``method="auto"``.

Tolerances.  At n = 4,000 the estimator's spread over seeds on a 3+3-dimensional Student-t
pair (nu = 3, truth 0.440 nats) was sd = 0.017 nats over 8 seeds with a mean error of
-0.001; the accuracy tests allow 0.06 nats (3.5 sd), far below the error of the
estimators it replaces there (GCMI reports ~0.2 nats, 55% low).
"""

import math

import numpy as np
import pytest

import infolens
from infolens.data.known_mi import student_t_mi
from infolens.exact.elliptical import student_t_shape_term


def _student(n, scatter, nu, dx, seed):
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal(np.zeros(scatter.shape[0]), scatter, n)
    t = z / np.sqrt(rng.chisquare(nu, (n, 1)) / nu)
    return t[:, :dx], t[:, dx:]


def _scatter(d, rho):
    s = np.eye(2 * d)
    s[:d, d:] = s[d:, :d] = rho * np.eye(d)
    return s


@pytest.mark.parametrize("seed", [0, 1])
def test_recovers_student_t_mi(seed):
    scatter = _scatter(3, 0.4)
    x, y = _student(4000, scatter, 3.0, 3, seed)
    truth = student_t_mi(scatter, 3, 3.0)
    est = infolens.mutual_information(x, y, method="tcopula")
    assert est.params["copula"] == "t" and est.params["lr_statistic"] > 5.41
    assert abs(est.params["nu"] - 3.0) < 1.0
    assert abs(float(est) - truth) < 0.06, (float(est), truth)
    # the Gaussian copula misses the tail dependence here
    assert float(infolens.mutual_information(x, y, method="gcmi")) < truth - 0.15


def test_identity_scatter_is_pure_shape_term():
    x, y = _student(5000, np.eye(4), 2.0, 2, 3)
    truth = student_t_shape_term(2.0, 2, 2)  # 0.193 nats with zero correlation
    est = infolens.mutual_information(x, y, method="tcopula")
    assert abs(float(est) - truth) < 0.04


def test_gaussian_data_keep_the_gaussian_copula_exactly():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3000, 2))
    y = x @ np.array([[0.6, 0.0], [0.2, 0.5]]) + rng.standard_normal((3000, 2))
    est = infolens.mutual_information(x, y, method="tcopula")
    assert est.params["copula"] == "gaussian" and est.params["nu"] == math.inf
    # the kurtosis screen keeps it without a t fit (z < 2), as cheap as gcmi
    assert est.params["kurtosis_z"] < 2.0 and est.params["lr_statistic"] == 0.0
    assert float(est) == float(infolens.mutual_information(x, y, method="gcmi"))
    # alpha=0 keeps the fitted t (a large nu), close to the Gaussian value
    forced = infolens.mutual_information(x, y, method="tcopula", alpha=0.0)
    assert forced.params["copula"] == "t" and forced.params["nu"] > 20
    assert abs(float(forced) - float(est)) < 0.02


def test_invariant_to_increasing_maps_of_columns():
    x, y = _student(2000, _scatter(2, 0.5), 2.0, 2, 7)
    a = infolens.mutual_information(x, y, method="tcopula")
    warped_x = np.column_stack([np.arcsinh(x[:, 0]), np.exp(x[:, 1] / 5)])
    b = infolens.mutual_information(warped_x, y ** 3, method="tcopula")
    assert float(a) == float(b)


def test_auto_uses_it():
    x, y = _student(3000, _scatter(3, 0.4), 2.0, 3, 11)
    truth = student_t_mi(_scatter(3, 0.4), 3, 2.0)
    auto = infolens.mutual_information(x, y)
    assert auto.method == "ensemble"
    assert abs(float(auto) - truth) / truth < 0.10
    rng = np.random.default_rng(0)
    wide = rng.standard_normal((500, 24))
    assert infolens.mutual_information(wide[:, :12], wide[:, 12:] + wide[:, :12]).method == "tcopula"


def test_registered_with_reference():
    info = {e.name: e for e in infolens.estimators("mi")}["tcopula"]
    assert "Demarta" in info.reference and info.params == {"alpha": 0.01}


@pytest.mark.parametrize("alpha", [-0.1, 0.5, "0.01", True])
def test_bad_alpha(alpha):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 1))
    with pytest.raises(ValueError, match="alpha must be a level"):
        infolens.mutual_information(x, x + rng.standard_normal((200, 1)), method="tcopula", alpha=alpha)


def test_deterministic_relation_raises_like_gcmi():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 1))
    with pytest.raises(ValueError, match="deterministically related"):
        infolens.mutual_information(x, np.exp(x), method="tcopula")


@pytest.mark.parametrize("n", [2000, 2001])  # an even and an odd n (odd: a middle rank 0)
def test_t_scores_equal_the_inverse_cdf_at_every_rank_with_ties(n):
    """The folded, gathered t scores are stdtrit(nu, r / (n + 1)) itself: agreement to
    round-off (relative 1e-12: at u = 1 - 1/(n+1) the direct call loses ~1e-13 to 1 - u
    in floating point, the folded one does not) on ranks
    with ties, at several nu, from about n / 2 distinct evaluations."""
    from scipy.special import stdtrit

    from infolens.estimate import copula
    from infolens.estimate.gaussian import _average_ranks

    rng = np.random.default_rng(n)
    data = np.column_stack([rng.standard_normal(n), np.round(rng.standard_normal(n), 1),
                            rng.integers(0, 5, n)])  # continuous, many ties, 5 levels
    ranks = _average_ranks(data)
    scores = copula._t_scores(ranks)
    for nu in (0.7, 3.0, 40.0, 900.0):
        want = stdtrit(nu, ranks / (n + 1.0))
        got = scores(nu)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    folded = np.minimum(ranks, n + 1.0 - ranks)
    assert np.unique(folded).size <= n // 2 + 1 + np.unique(ranks[:, 1:]).size
