"""Tests of infolens.exact.discrete: closed forms, definitions and identities.

Tolerances: every quantity here is a sum of at most a few hundred terms p*log(p) with
|p log p| <= 1/e, computed in float64, so round-off is below ~1e-13 in absolute value.
We use ATOL = 1e-10, far above round-off and far below any real discrepancy.
"""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from infolens.exact import discrete as D

ATOL = 1e-10
LN2 = math.log(2.0)
SETTINGS = settings(max_examples=50, deadline=None)

# Entries: exact zeros (to exercise 0 log 0) or moderate positive weights.
_weight = st.one_of(st.just(0.0), st.floats(1e-4, 1.0))


@st.composite
def pmfs(draw, ndim: int, max_side: int = 4, shape=None):
    if shape is None:
        shape = tuple(draw(st.integers(1, max_side)) for _ in range(ndim))
    w = draw(arrays(np.float64, shape, elements=_weight))
    assume(w.sum() > 0)
    return w / w.sum()


@st.composite
def pmf_pairs(draw, max_side: int = 8):
    n = draw(st.integers(1, max_side))
    return draw(pmfs(1, shape=(n,))), draw(pmfs(1, shape=(n,)))


def _plogp_sum(p):
    q = p[p > 0]
    return float(-np.sum(q * np.log(q)))


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("n", [1, 2, 3, 7, 64, 1000])
def test_uniform_entropy_is_log_n(n):
    assert D.entropy(np.full(n, 1.0 / n)) == pytest.approx(math.log(n), abs=ATOL)
    assert D.entropy(np.full(n, 1.0 / n), base=2) == pytest.approx(math.log2(n), abs=ATOL)


def test_point_mass_has_zero_entropy():
    assert D.entropy([0.0, 1.0, 0.0]) == 0.0


def test_entropy_matches_scipy():
    rng = np.random.default_rng(0)
    for _ in range(20):
        p = rng.dirichlet(np.ones(rng.integers(2, 30)))
        assert D.entropy(p) == pytest.approx(scipy.stats.entropy(p), abs=ATOL)


@pytest.mark.parametrize("q", [0.0, 1e-12, 0.11, 0.5, 0.9, 1.0])
def test_binary_entropy_matches_entropy(q):
    assert D.binary_entropy(q) == pytest.approx(D.entropy([q, 1 - q]), abs=ATOL)


def test_binary_entropy_vectorised_and_bits():
    q = np.array([0.0, 0.25, 0.5])
    expected = np.array([0.0, -(0.25 * math.log2(0.25) + 0.75 * math.log2(0.75)), 1.0])
    np.testing.assert_allclose(D.binary_entropy(q, base=2), expected, atol=ATOL)


@given(q=st.floats(1e-300, 0.5))
@SETTINGS
def test_inverse_binary_entropy_roundtrip_lower(q):
    got = D.inverse_binary_entropy(D.binary_entropy(q), branch="lower")
    # h'(q) = log((1-q)/q) is large except near 1/2, where h is flat: h(1/2 - d) is
    # log 2 - 2 d^2, so a round-off of 1e-16 in h moves q by ~sqrt(1e-16/2) ~ 1e-8.
    assert got == pytest.approx(q, rel=1e-9, abs=2e-8)


@given(q=st.floats(0.5, 1.0 - 1e-12))
@SETTINGS
def test_inverse_binary_entropy_roundtrip_upper(q):
    got = D.inverse_binary_entropy(D.binary_entropy(q), branch="upper")
    assert got == pytest.approx(q, abs=2e-8)


def test_inverse_binary_entropy_ends():
    assert D.inverse_binary_entropy(0.0) == 0.0
    assert D.inverse_binary_entropy(0.0, branch="upper") == 1.0
    assert D.inverse_binary_entropy(1.0, base=2) == 0.5
    # Regression: tiny h used to return 1e-300 (bracket end) or a root off by 1e-5 rel.
    assert D.inverse_binary_entropy(D.binary_entropy(1e-20)) == pytest.approx(1e-20, rel=1e-9)
    assert D.inverse_binary_entropy(D.binary_entropy(1e-305)) == pytest.approx(1e-305, rel=1e-6)
    with pytest.raises(ValueError, match="h="):
        D.inverse_binary_entropy(0.8)  # > log 2 nats
    with pytest.raises(ValueError, match="branch"):
        D.inverse_binary_entropy(0.1, branch="middle")


def test_mi_of_copy_is_entropy():
    p = np.array([0.2, 0.3, 0.5])
    joint = np.diag(p)
    assert D.mutual_information(joint, 0, 1) == pytest.approx(D.entropy(p), abs=ATOL)
    assert D.conditional_entropy(joint, 1, 0) == pytest.approx(0.0, abs=ATOL)


def test_kl_infinite_where_q_zero():
    assert D.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert D.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    # the other direction is finite: q = 0 where p = 0 contributes nothing
    assert D.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(LN2, abs=ATOL)


def _xor():
    p = np.zeros((2, 2, 2))
    for a in (0, 1):
        for b in (0, 1):
            p[a, b, a ^ b] = 0.25
    return p


def _copies(n):
    p = np.zeros((2,) * n)
    p[(0,) * n] = p[(1,) * n] = 0.5
    return p


def test_xor_synergy_one_bit():
    xor = _xor()
    assert D.interaction_information(xor, base=2) == pytest.approx(-1.0, abs=ATOL)
    assert D.o_information(xor, base=2) == pytest.approx(-1.0, abs=ATOL)
    assert D.total_correlation(xor, base=2) == pytest.approx(1.0, abs=ATOL)
    assert D.dual_total_correlation(xor, base=2) == pytest.approx(2.0, abs=ATOL)
    assert D.s_information(xor, base=2) == pytest.approx(3.0, abs=ATOL)
    # pairwise independent, jointly dependent
    assert D.mutual_information(xor, 0, 2) == pytest.approx(0.0, abs=ATOL)
    assert D.mutual_information(xor, (0, 1), 2, base=2) == pytest.approx(1.0, abs=ATOL)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_identical_bits_closed_forms(n):
    # n copies of one fair bit: TC = (n-1) bits, DTC = 1 bit, O = (n-2) bits,
    # co-information = +1 bit (pure redundancy) for every n >= 2.
    p = _copies(n)
    assert D.total_correlation(p, base=2) == pytest.approx(n - 1, abs=ATOL)
    assert D.dual_total_correlation(p, base=2) == pytest.approx(1.0, abs=ATOL)
    assert D.o_information(p, base=2) == pytest.approx(n - 2, abs=ATOL)
    assert D.interaction_information(p, base=2) == pytest.approx(1.0, abs=ATOL)


def test_axis_groups_in_multivariate_measures():
    # grouping (0, 1) of XOR against axis 2: TC of two variables is their MI (1 bit)
    xor = _xor()
    assert D.total_correlation(xor, [(0, 1), 2], base=2) == pytest.approx(1.0, abs=ATOL)
    assert D.total_correlation(xor, [np.int64(0), np.int64(1)]) == pytest.approx(0.0, abs=ATOL)
    with pytest.raises(ValueError, match="axes"):
        D.total_correlation(xor, 0)
    with pytest.raises(ValueError, match="axes"):
        D.total_correlation(xor, np.int64(0))


def test_js_bounds_and_symmetry():
    assert D.jensen_shannon_divergence([1, 0], [0, 1]) == pytest.approx(LN2, abs=ATOL)
    p, q = np.array([0.1, 0.6, 0.3]), np.array([0.4, 0.4, 0.2])
    assert D.jensen_shannon_divergence(p, q) == pytest.approx(
        D.jensen_shannon_divergence(q, p), abs=ATOL
    )
    m = (p + q) / 2
    expected = 0.5 * scipy.stats.entropy(p, m) + 0.5 * scipy.stats.entropy(q, m)
    assert D.jensen_shannon_divergence(p, q) == pytest.approx(expected, abs=ATOL)


def test_marginal_keeps_requested_order():
    p = np.arange(24, dtype=float).reshape(2, 3, 4)
    p /= p.sum()
    np.testing.assert_allclose(D.marginal(p, (2, 0)), p.sum(axis=1).T)
    np.testing.assert_allclose(D.marginal(p, 1), p.sum(axis=(0, 2)))


# ------------------------------------------------------------ property tests


@given(p=pmfs(2))
@SETTINGS
def test_mi_matches_definition_nonnegative_and_symmetric(p):
    px, py = p.sum(1), p.sum(0)
    mask = p > 0
    definition = float(np.sum(p[mask] * np.log(p[mask] / np.outer(px, py)[mask])))
    mi = D.mutual_information(p, 0, 1)
    assert mi >= 0.0
    assert mi == pytest.approx(definition, abs=ATOL)
    assert D.mutual_information(p.T, 0, 1) == pytest.approx(mi, abs=ATOL)
    assert D.mutual_information(p, 1, 0) == pytest.approx(mi, abs=ATOL)


@given(pq=pmf_pairs())
@SETTINGS
def test_kl_gibbs_and_definition(pq):
    p, q = pq
    kl = D.kl_divergence(p, q)
    assert kl >= 0.0
    if np.any((q == 0) & (p > 0)):
        assert kl == math.inf
    else:
        assert kl == pytest.approx(scipy.stats.entropy(p, q), abs=ATOL)
        assert D.cross_entropy(p, q) == pytest.approx(D.entropy(p) + kl, abs=ATOL)


@given(p=pmfs(2))
@SETTINGS
def test_chain_rule_conditional_entropy(p):
    # H(Y|X) from its definition -sum p(x,y) log p(y|x), then H(X,Y) = H(X) + H(Y|X)
    px = p.sum(1, keepdims=True)
    mask = p > 0
    h_y_given_x = float(-np.sum(p[mask] * np.log((p / np.where(px > 0, px, 1))[mask])))
    assert D.conditional_entropy(p, 1, 0) == pytest.approx(h_y_given_x, abs=ATOL)
    assert D.joint_entropy(p) == pytest.approx(D.entropy(p, 0) + h_y_given_x, abs=ATOL)


@given(p=pmfs(3))
@SETTINGS
def test_chain_rule_mutual_information(p):
    # I(X;Y,Z) = I(X;Y) + I(X;Z|Y), with I(X;Z|Y) from its definition
    pxy, pyz, py = p.sum(2), p.sum(0), p.sum((0, 2))
    mask = p > 0
    num = p * py[None, :, None]
    den = pxy[:, :, None] * pyz[None, :, :]
    cmi_def = float(np.sum(p[mask] * np.log(num[mask] / den[mask])))
    cmi = D.conditional_mutual_information(p, 0, 2, 1)
    assert cmi >= 0.0
    assert cmi == pytest.approx(cmi_def, abs=ATOL)
    lhs = D.mutual_information(p, 0, (1, 2))
    assert lhs == pytest.approx(D.mutual_information(p, 0, 1) + cmi, abs=ATOL)


@given(p=pmfs(2, max_side=5), data=st.data())
@SETTINGS
def test_mi_invariant_under_relabelling(p, data):
    px = data.draw(st.permutations(range(p.shape[0])))
    py = data.draw(st.permutations(range(p.shape[1])))
    relabelled = p[np.ix_(px, py)]
    assert D.mutual_information(relabelled) == pytest.approx(D.mutual_information(p), abs=ATOL)
    assert D.entropy(relabelled) == pytest.approx(D.entropy(p), abs=ATOL)


@given(p=pmfs(2, max_side=5), data=st.data())
@SETTINGS
def test_non_invertible_map_cannot_increase_mi(p, data):
    # merge X's symbols through an arbitrary map f; I(f(X);Y) <= I(X;Y) (DPI)
    nx = p.shape[0]
    f = data.draw(st.lists(st.integers(0, max(nx - 2, 0)), min_size=nx, max_size=nx))
    merged = np.zeros((max(f) + 1, p.shape[1]))
    np.add.at(merged, np.asarray(f), p)
    assert D.mutual_information(merged) <= D.mutual_information(p) + ATOL


def _random_channel(rng, n_in, n_out):
    W = rng.dirichlet(np.full(n_out, 0.5), size=n_in)
    W[rng.random(W.shape) < 0.2] = 0.0  # some impossible transitions
    W[np.arange(n_in), rng.integers(0, n_out, n_in)] += 0.1
    return W / W.sum(1, keepdims=True)


@given(seed=st.integers(0, 2**32 - 1), nx=st.integers(1, 5), ny=st.integers(1, 5),
       nz=st.integers(1, 5))
@SETTINGS
def test_data_processing_inequality_on_markov_chains(seed, nx, ny, nz):
    rng = np.random.default_rng(seed)
    px = rng.dirichlet(np.ones(nx))
    W1, W2 = _random_channel(rng, nx, ny), _random_channel(rng, ny, nz)
    joint = px[:, None, None] * W1[:, :, None] * W2[None, :, :]  # p(x) W1(y|x) W2(z|y)
    i_xy = D.mutual_information(joint, 0, 1)
    i_xz = D.mutual_information(joint, 0, 2)
    i_yz = D.mutual_information(joint, 1, 2)
    assert i_xz <= i_xy + ATOL
    assert i_xz <= i_yz + ATOL
    # Markov property: I(X;Z|Y) = 0
    assert D.conditional_mutual_information(joint, 0, 2, 1) == pytest.approx(0.0, abs=ATOL)
    # the same chain from the composed channel W1 @ W2
    assert D.mutual_information(px[:, None] * (W1 @ W2)) == pytest.approx(i_xz, abs=ATOL)


@given(p=pmfs(2), base=st.sampled_from([2, 10, 3.7, "e"]))
@SETTINGS
def test_base_conversion(p, base):
    lb = 1.0 if base == "e" else math.log(base)
    assert D.entropy(p, base=base) * lb == pytest.approx(D.entropy(p), abs=ATOL)
    assert D.mutual_information(p, base=base) * lb == pytest.approx(
        D.mutual_information(p), abs=ATOL
    )
    assert D.conditional_entropy(p, 0, 1, base=base) * lb == pytest.approx(
        D.conditional_entropy(p, 0, 1), abs=ATOL
    )


@given(p=pmfs(3, max_side=3))
@SETTINGS
def test_three_variable_identities(p):
    ii = D.interaction_information(p)
    # co-information I(X;Y;Z) = I(X;Y) - I(X;Y|Z), and O-information equals it for n = 3
    assert ii == pytest.approx(
        D.mutual_information(p, 0, 1) - D.conditional_mutual_information(p, 0, 1, 2), abs=ATOL
    )
    assert D.o_information(p) == pytest.approx(ii, abs=ATOL)
    # TC = sum H(X_i) - H(X), computed from plain entropies
    tc = sum(_plogp_sum(D.marginal(p, a)) for a in range(3)) - _plogp_sum(p)
    assert D.total_correlation(p) == pytest.approx(tc, abs=ATOL)


def test_every_measure_returns_a_plain_float():
    # regression: jensen_shannon_divergence returned numpy.float64 (weights were an array)
    p = np.full((2, 2, 2), 0.125)
    q = np.array([0.1, 0.2, 0.3, 0.4])
    r = np.full(4, 0.25)
    values = [
        D.entropy(p), D.joint_entropy(p), D.conditional_entropy(p, 0, 1),
        D.mutual_information(p, 0, 1), D.conditional_mutual_information(p, 0, 1, 2),
        D.kl_divergence(q, r), D.cross_entropy(q, r), D.jensen_shannon_divergence(q, r),
        D.total_correlation(p), D.dual_total_correlation(p), D.interaction_information(p),
        D.o_information(p), D.s_information(p), D.binary_entropy(0.3),
        D.inverse_binary_entropy(0.3),
    ]
    assert all(type(v) is float for v in values), [type(v) for v in values]
