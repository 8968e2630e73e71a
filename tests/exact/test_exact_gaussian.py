"""Tests of infolens.exact.gaussian against closed forms and independent computations.

Tolerance: log-determinants from a Cholesky factor of a d x d matrix (d <= 6) with
condition number below ~1e3 carry a round-off of order d * cond * eps ~ 1e-12; ATOL = 1e-9
leaves a wide margin while still catching any wrong formula (errors of order 1e-2 or more).
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal

from infolens.exact import gaussian as G

ATOL = 1e-9
SETTINGS = settings(max_examples=50, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def random_cov(rng, d):
    """A well-conditioned random SPD matrix with unequal scales."""
    A = rng.normal(size=(d, d))
    s = np.exp(rng.uniform(-1, 1, d))
    return (A @ A.T + 0.5 * np.eye(d)) * np.outer(s, s)


# ---------------------------------------------------------------- entropy


@pytest.mark.parametrize("var", [1e-3, 0.5, 1.0, 17.0])
def test_scalar_entropy_closed_form(var):
    assert G.entropy(var) == pytest.approx(0.5 * math.log(2 * math.pi * math.e * var), abs=ATOL)


def test_small_variance_gives_negative_entropy():
    assert G.entropy([[1e-4]]) < 0


@given(seed=seeds, d=st.integers(1, 6))
@SETTINGS
def test_entropy_matches_scipy(seed, d):
    cov = random_cov(np.random.default_rng(seed), d)
    assert G.entropy(cov) == pytest.approx(multivariate_normal(cov=cov).entropy(), abs=ATOL)
    assert G.entropy(cov, base=2) * math.log(2) == pytest.approx(G.entropy(cov), abs=ATOL)


# ---------------------------------------------------------------- mutual information


@pytest.mark.parametrize("rho", [-0.99, -0.5, 0.0, 0.3, 0.8, 0.999])
@pytest.mark.parametrize("scale", [(1.0, 1.0), (4.0, 0.01)])
def test_bivariate_mi_closed_form(rho, scale):
    sx, sy = scale
    c = np.array([[sx, rho * math.sqrt(sx * sy)], [rho * math.sqrt(sx * sy), sy]])
    expected = -0.5 * math.log(1 - rho**2)
    assert G.mutual_information(c, 0, 1) == pytest.approx(expected, abs=ATOL)
    assert G.mutual_information_from_correlation(rho) == pytest.approx(expected, abs=ATOL)


def test_mi_from_correlation_edges_and_arrays():
    assert G.mutual_information_from_correlation(1.0) == math.inf
    assert G.mutual_information_from_correlation(-1.0) == math.inf
    assert G.mutual_information_from_correlation(0.0) == 0.0
    r = np.array([0.0, 0.6, math.sqrt(0.75)])
    np.testing.assert_allclose(
        G.mutual_information_from_correlation(r, base=2),
        -0.5 * np.log2(1 - r**2),
        atol=ATOL,
    )
    with pytest.raises(ValueError, match="rho"):
        G.mutual_information_from_correlation(1.5)


def _canonical_correlations(cov, ix, iy):
    sxx = cov[np.ix_(ix, ix)]
    syy = cov[np.ix_(iy, iy)]
    sxy = cov[np.ix_(ix, iy)]

    def inv_sqrt(m):
        w, v = np.linalg.eigh(m)
        return v @ np.diag(w**-0.5) @ v.T

    return np.linalg.svd(inv_sqrt(sxx) @ sxy @ inv_sqrt(syy), compute_uv=False)


@given(seed=seeds, dx=st.integers(1, 3), dy=st.integers(1, 3), extra=st.integers(0, 2))
@SETTINGS
def test_multivariate_mi_equals_canonical_correlation_form(seed, dx, dy, extra):
    # I(X;Y) = -1/2 sum_i log(1 - rho_i^2) over canonical correlations (Hotelling 1936)
    rng = np.random.default_rng(seed)
    d = dx + dy + extra
    cov = random_cov(rng, d)
    perm = rng.permutation(d)
    ix, iy = list(perm[:dx]), list(perm[dx : dx + dy])
    rho = _canonical_correlations(cov, ix, iy)
    expected = float(-0.5 * np.sum(np.log1p(-(rho**2))))
    mi = G.mutual_information(cov, ix, iy)
    assert mi >= 0
    assert mi == pytest.approx(expected, abs=1e-8)
    assert G.mutual_information(cov, iy, ix) == pytest.approx(mi, abs=ATOL)


@given(seed=seeds, dx=st.integers(1, 3), dy=st.integers(1, 3))
@SETTINGS
def test_mi_invariant_under_invertible_maps_of_each_block(seed, dx, dy):
    # I(AX; BY) = I(X; Y) for invertible A, B (the seed's invariance claim)
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, dx + dy)
    A = rng.normal(size=(dx, dx)) + 2 * np.eye(dx)
    B = rng.normal(size=(dy, dy)) + 2 * np.eye(dy)
    T = np.zeros((dx + dy, dx + dy))
    T[:dx, :dx], T[dx:, dx:] = A, B
    mapped = T @ cov @ T.T
    mapped = (mapped + mapped.T) / 2  # exact symmetry lost only to round-off
    x, y = list(range(dx)), list(range(dx, dx + dy))
    assert G.mutual_information(mapped, x, y) == pytest.approx(
        G.mutual_information(cov, x, y), abs=1e-8
    )


@given(seed=seeds)
@SETTINGS
def test_mi_is_kl_to_product_of_marginals(seed):
    # I(X;Y) = D( N(0, S) || N(0, blockdiag(Sxx, Syy)) )
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, 4)
    prod = cov.copy()
    prod[:2, 2:] = prod[2:, :2] = 0.0
    zero = np.zeros(4)
    assert G.mutual_information(cov, [0, 1], [2, 3]) == pytest.approx(
        G.kl_divergence(zero, cov, zero, prod), abs=ATOL
    )


def test_total_correlation_closed_forms():
    rho = 0.6
    c = np.array([[2.0, rho * 2.0], [rho * 2.0, 2.0]])
    assert G.total_correlation(c) == pytest.approx(-0.5 * math.log(1 - rho**2), abs=ATOL)
    rng = np.random.default_rng(3)
    cov = random_cov(rng, 5)
    s = np.sqrt(np.diag(cov))
    R = cov / np.outer(s, s)
    assert G.total_correlation(cov) == pytest.approx(
        -0.5 * np.linalg.slogdet(R)[1], abs=ATOL
    )


# ---------------------------------------------------------------- conditional MI


def test_scalar_cmi_matches_partial_correlation():
    rng = np.random.default_rng(7)
    for _ in range(10):
        cov = random_cov(rng, 3)
        P = np.linalg.inv(cov)
        partial = -P[0, 1] / math.sqrt(P[0, 0] * P[1, 1])  # rho_{01 . 2}
        assert G.conditional_mutual_information(cov, 0, 1, 2) == pytest.approx(
            -0.5 * math.log(1 - partial**2), abs=ATOL
        )


@given(seed=seeds, dx=st.integers(1, 2), dy=st.integers(1, 2), dz=st.integers(1, 2))
@SETTINGS
def test_gaussian_chain_rule(seed, dx, dy, dz):
    # I(X; Y, Z) = I(X; Y) + I(X; Z | Y)
    cov = random_cov(np.random.default_rng(seed), dx + dy + dz)
    x = list(range(dx))
    y = list(range(dx, dx + dy))
    z = list(range(dx + dy, dx + dy + dz))
    cmi = G.conditional_mutual_information(cov, x, z, y)
    assert cmi >= 0
    assert G.mutual_information(cov, x, y + z) == pytest.approx(
        G.mutual_information(cov, x, y) + cmi, abs=ATOL
    )


def test_cmi_without_conditioning_is_mi():
    cov = random_cov(np.random.default_rng(1), 3)
    mi = G.mutual_information(cov, 0, [1, 2])
    assert G.conditional_mutual_information(cov, 0, [1, 2], None) == pytest.approx(mi, abs=ATOL)
    assert G.conditional_mutual_information(cov, 0, [1, 2], []) == pytest.approx(mi, abs=ATOL)


def test_markov_chain_has_zero_cmi():
    # X -> Y -> Z linear-Gaussian: Y = a X + n1, Z = b Y + n2  =>  I(X; Z | Y) = 0
    a, b, v1, v2 = 0.7, -1.3, 0.4, 0.9
    cov = np.array(
        [
            [1.0, a, a * b],
            [a, a * a + v1, b * (a * a + v1)],
            [a * b, b * (a * a + v1), b * b * (a * a + v1) + v2],
        ]
    )
    assert G.conditional_mutual_information(cov, 0, 2, 1) == pytest.approx(0.0, abs=ATOL)
    assert G.mutual_information(cov, 0, 2) <= G.mutual_information(cov, 0, 1)


# ---------------------------------------------------------------- KL divergence


def test_scalar_kl_closed_form():
    m0, s0, m1, s1 = 0.3, 0.5, -1.0, 2.0
    expected = math.log(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - 0.5
    assert G.kl_divergence([m0], [[s0**2]], [m1], [[s1**2]]) == pytest.approx(expected, abs=ATOL)
    assert G.kl_divergence(m0, s0**2, m1, s1**2) == pytest.approx(expected, abs=ATOL)


def test_kl_zero_for_identical_and_asymmetric_otherwise():
    rng = np.random.default_rng(11)
    c0, c1 = random_cov(rng, 3), random_cov(rng, 3)
    m0, m1 = rng.normal(size=3), rng.normal(size=3)
    assert G.kl_divergence(m0, c0, m0, c0) == pytest.approx(0.0, abs=ATOL)
    assert abs(G.kl_divergence(m0, c0, m1, c1) - G.kl_divergence(m1, c1, m0, c0)) > 1e-3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kl_matches_monte_carlo(seed):
    # KL = E_0[log p0(X) - log p1(X)]; the sample mean of n i.i.d. log-ratios has standard
    # error sd/sqrt(n) (CLT), so a correct formula lies within 5 standard errors except
    # with probability ~6e-7.  The densities come from scipy, independently of infolens.
    rng = np.random.default_rng(seed)
    d = 3
    c0, c1 = random_cov(rng, d), random_cov(rng, d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    n = 20_000
    x = rng.multivariate_normal(m0, c0, size=n)
    llr = multivariate_normal(m0, c0).logpdf(x) - multivariate_normal(m1, c1).logpdf(x)
    se = llr.std(ddof=1) / math.sqrt(n)
    exact = G.kl_divergence(m0, c0, m1, c1)
    assert abs(llr.mean() - exact) < 5 * se


# ---------------------------------------------------------------- affine law


@given(seed=seeds, d=st.integers(1, 5))
@SETTINGS
def test_affine_law_random_A(seed, d):
    rng = np.random.default_rng(seed)
    cov = random_cov(rng, d)
    A = rng.normal(size=(d, d)) + 0.5 * np.eye(d)
    assume(np.linalg.cond(A) < 1e6)  # keep round-off in A S A^T within the tolerance
    h_affine = G.affine_entropy(cov, A)
    # route 1: h(X) + log|det A|
    assert h_affine == pytest.approx(G.entropy(cov) + np.linalg.slogdet(A)[1], abs=ATOL)
    # route 2: AX + b is Gaussian with covariance A S A^T (b plays no role)
    direct = A @ cov @ A.T
    direct = (direct + direct.T) / 2
    assert h_affine == pytest.approx(G.entropy(direct), abs=1e-7)


def test_affine_law_volume_change():
    cov = np.eye(2)
    A = np.array([[0.0, 2.0], [3.0, 0.0]])  # det = -6, |det| = 6
    assert G.affine_entropy(cov, A) - G.entropy(cov) == pytest.approx(math.log(6.0), abs=ATOL)


@pytest.mark.parametrize(
    "A, match",
    [
        (np.array([[1.0, 2.0], [2.0, 4.0]]), "singular"),
        (np.zeros((2, 2)), "singular"),
        (np.ones((2, 3)), "square"),
        (np.eye(3), "A has shape"),
        (np.array([[np.nan, 0.0], [0.0, 1.0]]), "A contains"),
    ],
)
def test_affine_rejects_bad_A(A, match):
    with pytest.raises(ValueError, match=match):
        G.affine_entropy(np.eye(2), A)


# ---------------------------------------------------------------- bad input


def test_covariance_errors_say_which_property_failed():
    with pytest.raises(ValueError, match="cov is not symmetric"):
        G.entropy([[1.0, 0.5], [0.4, 1.0]])
    with pytest.raises(ValueError, match="cov is not positive definite"):
        G.entropy([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="cov must be a square matrix"):
        G.entropy(np.ones((2, 3)))
    with pytest.raises(ValueError, match="cov1 is not positive definite"):
        G.kl_divergence([0, 0], np.eye(2), [0, 0], [[1.0, 1.0], [1.0, 1.0]])


def test_index_block_errors():
    cov = np.eye(3)
    with pytest.raises(ValueError, match="x and y share"):
        G.mutual_information(cov, [0, 1], [1, 2])
    with pytest.raises(ValueError, match="y: index 3 is out of range"):
        G.mutual_information(cov, 0, 3)
    with pytest.raises(ValueError, match="x is empty"):
        G.mutual_information(cov, [], 1)
    with pytest.raises(TypeError, match="x must contain integer"):
        G.mutual_information(cov, [0.5], 1)
    with pytest.raises(ValueError, match="z"):
        G.conditional_mutual_information(cov, 0, 1, [1])
    # negative indices count from the end
    c = random_cov(np.random.default_rng(0), 3)
    assert G.mutual_information(c, -1, 0) == pytest.approx(G.mutual_information(c, 2, 0))


def test_kl_mean_errors():
    with pytest.raises(ValueError, match="mean1 has length 3"):
        G.kl_divergence([0, 0], np.eye(2), [0, 0, 0], np.eye(2))
    with pytest.raises(ValueError, match="cov0 and cov1 must have the same shape"):
        G.kl_divergence([0, 0], np.eye(2), [0, 0, 0], np.eye(3))
    with pytest.raises(ValueError, match="mean0 contains"):
        G.kl_divergence([np.nan, 0], np.eye(2), [0, 0], np.eye(2))


def test_every_function_returns_a_plain_float():
    cov = random_cov(np.random.default_rng(5), 3)
    values = [
        G.entropy(cov), G.mutual_information(cov, 0, [1, 2]),
        G.conditional_mutual_information(cov, 0, 1, 2), G.total_correlation(cov),
        G.kl_divergence(np.zeros(3), cov, np.ones(3), np.eye(3)),
        G.affine_entropy(cov, 2 * np.eye(3)), G.mutual_information_from_correlation(0.5),
    ]
    assert all(type(v) is float for v in values), [type(v) for v in values]


@given(seed=seeds, d=st.integers(1, 4))
@SETTINGS
def test_kl_nonnegative_and_invariant_under_a_common_affine_map(seed, d):
    # D(N0||N1) >= 0 (Gibbs), and KL is unchanged when the same invertible map
    # x -> A x + b is applied to both distributions (Kullback 1959, ch. 2)
    rng = np.random.default_rng(seed)
    c0, c1 = random_cov(rng, d), random_cov(rng, d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    A = rng.normal(size=(d, d)) + 2 * np.eye(d)
    assume(np.linalg.cond(A) < 1e3)
    b = rng.normal(size=d)
    kl = G.kl_divergence(m0, c0, m1, c1)
    assert kl >= 0
    t0, t1 = A @ c0 @ A.T, A @ c1 @ A.T
    t0, t1 = (t0 + t0.T) / 2, (t1 + t1.T) / 2
    assert G.kl_divergence(A @ m0 + b, t0, A @ m1 + b, t1) == pytest.approx(kl, rel=1e-7, abs=1e-9)
    assert G.kl_divergence(m0, c0, m1, c1, base=2) * math.log(2) == pytest.approx(kl, abs=ATOL)
