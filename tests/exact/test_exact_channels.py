"""Tests of infolens.exact.channels: capacities against closed forms, dropout as erasure.

Tolerances.  Blahut–Arimoto stops when its certified gap max_x D(W_x||q) - I(p;W) is at
most ``tol`` (1e-10 nats by default), and the true capacity lies inside that bracket, so
a returned capacity within 1e-9 of a closed form is the right check (the remaining margin
covers float round-off in sums of a few terms).  Direct mutual informations are sums of
a handful of p log p terms: ATOL = 1e-10.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infolens.exact import channels as C
from infolens.exact import discrete as D
from infolens.exact import gaussian as G

ATOL = 1e-10
CAP_ATOL = 1e-9
LN2 = math.log(2.0)
SETTINGS = settings(max_examples=50, deadline=None)
seeds = st.integers(0, 2**32 - 1)
P_GRID = [0.0, 1e-6, 0.05, 0.11, 0.3, 0.5, 0.77, 0.99, 1.0]


def h2(p):
    """Binary entropy in nats, written out here (independent of the library)."""
    return -sum(v * math.log(v) for v in (p, 1 - p) if v > 0)


def random_channel(rng, n_in, n_out):
    W = rng.dirichlet(np.full(n_out, 0.7), size=n_in)
    W[rng.random(W.shape) < 0.2] = 0.0
    W[np.arange(n_in), rng.integers(0, n_out, n_in)] += 0.05
    return W / W.sum(1, keepdims=True)


# ---------------------------------------------------------------- channel matrices


def test_matrices_have_the_textbook_form():
    np.testing.assert_array_equal(C.binary_symmetric(0.25), [[0.75, 0.25], [0.25, 0.75]])
    np.testing.assert_array_equal(C.binary_erasure(0.25), [[0.75, 0.0, 0.25], [0.0, 0.75, 0.25]])
    np.testing.assert_array_equal(C.z_channel(0.25), [[1.0, 0.0], [0.25, 0.75]])
    W = C.erasure_channel(0.1, n_inputs=4)
    assert W.shape == (4, 5)
    np.testing.assert_allclose(W.sum(1), 1.0)
    np.testing.assert_array_equal(C.dropout_channel(0.1, n_inputs=4), W)


def test_channel_validation_names_the_row():
    with pytest.raises(ValueError, match=r"channel row 1 \(input symbol 1\) sums to 0.9"):
        C.channel([[0.5, 0.5], [0.45, 0.45]])
    with pytest.raises(ValueError, match="channel row 0 .* negative entry"):
        C.channel([[1.2, -0.2], [0.5, 0.5]])
    with pytest.raises(ValueError, match="channel must be a 2-D matrix"):
        C.channel([0.5, 0.5])
    with pytest.raises(ValueError, match="channel contains 1 non-finite"):
        C.channel([[np.nan, 1.0], [0.5, 0.5]])
    with pytest.raises(ValueError, match="channel is empty"):
        C.channel(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="p="):
        C.binary_symmetric(1.5)
    with pytest.raises(ValueError, match="zero_symbol"):
        C.dropout_channel(0.1, n_inputs=2, zero_symbol=2)


def test_input_pmf_must_match_channel():
    with pytest.raises(ValueError, match="input_pmf has 3 entries but channel has 2 rows"):
        C.mutual_information([0.2, 0.3, 0.5], C.binary_symmetric(0.1))
    with pytest.raises(ValueError, match="input_pmf sums to"):
        C.output_distribution([0.2, 0.3], C.binary_symmetric(0.1))


# ---------------------------------------------------------------- mutual information


@given(seed=seeds, n_in=st.integers(1, 6), n_out=st.integers(1, 6))
@SETTINGS
def test_channel_mi_equals_joint_pmf_mi(seed, n_in, n_out):
    rng = np.random.default_rng(seed)
    W = random_channel(rng, n_in, n_out)
    p = rng.dirichlet(np.ones(n_in))
    p[rng.random(n_in) < 0.2] = 0.0
    if p.sum() == 0:
        p[0] = 1.0
    p /= p.sum()
    q = C.output_distribution(p, W)
    np.testing.assert_allclose(q, p @ W, atol=1e-15)
    assert q.sum() == pytest.approx(1.0, abs=1e-12)
    joint = p[:, None] * W
    mi = C.mutual_information(p, W)
    assert mi >= 0
    assert mi == pytest.approx(D.mutual_information(joint), abs=ATOL)
    assert C.mutual_information(p, W, base=2) * LN2 == pytest.approx(mi, abs=ATOL)


@pytest.mark.parametrize("p", P_GRID)
def test_bsc_and_bec_mutual_information_closed_forms(p):
    # uniform input: I = log 2 - h(p) for the BSC and (1 - p) log 2 for the BEC
    assert C.mutual_information([0.5, 0.5], C.binary_symmetric(p)) == pytest.approx(
        LN2 - h2(p), abs=ATOL
    )
    assert C.mutual_information([0.5, 0.5], C.binary_erasure(p)) == pytest.approx(
        (1 - p) * LN2, abs=ATOL
    )


# ---------------------------------------------------------------- capacity


@pytest.mark.parametrize("p", P_GRID)
def test_bsc_capacity(p):
    res = C.capacity(C.binary_symmetric(p))
    assert res.converged
    assert res.capacity == pytest.approx(LN2 - h2(p), abs=CAP_ATOL)
    assert res.capacity <= res.upper_bound + 1e-15
    if 0 < p < 1 and p != 0.5:
        np.testing.assert_allclose(res.input_pmf, [0.5, 0.5], atol=1e-6)
    bits = C.capacity(C.binary_symmetric(p), base=2)
    assert bits.unit == "bits"
    assert float(bits) == pytest.approx(1 - h2(p) / LN2, abs=CAP_ATOL)


@pytest.mark.parametrize("p", P_GRID)
def test_bec_capacity(p):
    res = C.capacity(C.binary_erasure(p))
    assert res.capacity == pytest.approx((1 - p) * LN2, abs=CAP_ATOL)


@pytest.mark.parametrize("p", [0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_z_channel_capacity_and_input(p):
    # Z channel (0 -> 0; 1 -> 0 w.p. p).  With a = P(X=1), I(a) = h(a(1-p)) - a h(p).
    # Setting dI/da = 0: (1-p) log((1 - a(1-p)) / (a(1-p))) = h(p), i.e.
    # a(1-p) = 1 / (1 + K) with K = exp(h(p)/(1-p)), and substituting back,
    # C = log(1 + (1-p) p^{p/(1-p)})   (Golomb 1980, IEEE Trans. Inf. Theory 26(3)).
    res = C.capacity(C.z_channel(p))
    assert res.converged
    closed = math.log(1 + (1 - p) * p ** (p / (1 - p))) if p > 0 else LN2
    assert res.capacity == pytest.approx(closed, abs=CAP_ATOL)
    K = math.exp(h2(p) / (1 - p))
    a_star = 1.0 / ((1 - p) * (1 + K))
    # near the optimum I is quadratic in a, so a gap of tol in I moves a by ~sqrt(tol)
    assert res.input_pmf[1] == pytest.approx(a_star, abs=1e-4)
    assert C.mutual_information([1 - a_star, a_star], C.z_channel(p)) == pytest.approx(
        closed, abs=ATOL
    )


def test_z_channel_half_known_values():
    # p = 1/2: a* = 2/5 and C = log2(5/4) bits
    res = C.capacity(C.z_channel(0.5), base=2)
    assert res.capacity == pytest.approx(math.log2(1.25), abs=CAP_ATOL)
    assert res.input_pmf[1] == pytest.approx(0.4, abs=1e-4)


@pytest.mark.parametrize("m", [2, 3, 5, 10])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.9])
def test_m_ary_erasure_and_symmetric_capacity(m, p):
    assert C.capacity(C.erasure_channel(p, n_inputs=m)).capacity == pytest.approx(
        (1 - p) * math.log(m), abs=CAP_ATOL
    )
    # m-ary symmetric channel: C = log m - H(row)   (Cover & Thomas, Theorem 7.2.1)
    W = np.full((m, m), p / (m - 1)) if m > 1 else np.ones((1, 1))
    np.fill_diagonal(W, 1 - p)
    row = W[0][W[0] > 0]
    assert C.capacity(W).capacity == pytest.approx(
        math.log(m) + float(np.sum(row * np.log(row))), abs=CAP_ATOL
    )


def test_noiseless_and_useless_channels():
    assert C.capacity(np.eye(7)).capacity == pytest.approx(math.log(7), abs=CAP_ATOL)
    assert C.capacity(np.tile([0.2, 0.3, 0.5], (4, 1))).capacity == pytest.approx(0, abs=1e-12)


@given(seed=seeds, n_in=st.integers(1, 5), n_out=st.integers(1, 5))
@SETTINGS
def test_capacity_bounds_every_input(seed, n_in, n_out):
    # the capacity is the max over inputs: I(p;W) <= C <= upper_bound for every p
    rng = np.random.default_rng(seed)
    W = random_channel(rng, n_in, n_out)
    res = C.capacity(W, tol=1e-9)
    assert res.converged and res.gap <= 1e-9
    assert res.capacity <= res.upper_bound + 1e-15
    assert res.capacity <= min(math.log(n_in), math.log(n_out)) + ATOL
    assert C.mutual_information(res.input_pmf, W) == pytest.approx(res.capacity, abs=ATOL)
    for _ in range(10):
        p = rng.dirichlet(np.ones(n_in))
        assert C.mutual_information(p, W) <= res.upper_bound + ATOL


# Channels on which Blahut–Arimoto (plain and over-relaxed) crawls: two nearly identical
# rows make I(p;W) almost flat along their difference.  The first is the example
# Hypothesis found (seed 101058053, 5 x 3), which stopped at a gap of 1.8e-8 nats after
# 100,000 iterations; the others came from a 20,000-channel sweep.
NEAR_DUPLICATE_ROWS = [
    [
        [0.0, 0.4009818921346238, 0.5990181078653761],
        [0.5580298468946389, 0.37102790363356525, 0.07094224947179578],
        [0.0, 0.3913092726640675, 0.6086907273359325],
        [0.7971020832392963, 0.0746022285118246, 0.12829568824887908],
        [0.10469533821402935, 0.3801978412603516, 0.515106820525619],
    ],
    [[0.052513, 0.947487], [0.052519, 0.947481], [0.093856, 0.906144], [0.358981, 0.641019]],
    [[0.0, 1.0, 0.0], [5.052097e-4, 0.9993629243, 1.31866e-4], [0.0, 0.3187558, 0.6812442]],
]


@pytest.mark.parametrize("rows", NEAR_DUPLICATE_ROWS)
def test_capacity_certified_on_nearly_identical_rows(rows):
    W = np.array(rows)
    W /= W.sum(1, keepdims=True)
    res = C.capacity(W, tol=1e-12)
    assert res.converged and res.gap <= 1e-12
    # the plain iteration's bracket must contain the certified value
    with pytest.warns(C.ConvergenceWarning):
        plain = C.capacity(W, tol=1e-15, accelerate=False, max_iter=2000)
    assert plain.capacity - 1e-15 <= res.capacity <= plain.upper_bound + 1e-15
    # KKT: every input used has divergence C, no input more than C
    D = C._divergences(W, res.output_pmf, C._row_wlogw(W))
    assert np.all(D <= res.capacity + 1e-12)
    assert np.all(np.abs(D[res.input_pmf > 1e-9] - res.capacity) <= 1e-12)


def test_capacity_warns_when_not_converged():
    with pytest.warns(C.ConvergenceWarning, match="max_iter=3"):
        res = C.capacity(C.z_channel(0.99), max_iter=3)
    assert not res.converged and res.iterations == 3
    closed = math.log(1 + 0.01 * 0.99 ** (0.99 / 0.01))
    assert res.capacity <= closed <= res.upper_bound


def test_capacity_argument_errors():
    with pytest.raises(ValueError, match="tol"):
        C.capacity(C.binary_symmetric(0.1), tol=0)
    with pytest.raises(ValueError, match="max_iter"):
        C.capacity(C.binary_symmetric(0.1), max_iter=0)


# ---------------------------------------------------------------- AWGN


@pytest.mark.parametrize("snr", [0.0, 0.1, 1.0, 3.0, 1e3])
def test_awgn_capacity_is_gaussian_mi(snr):
    # Y = X + N with X ~ N(0, P), N ~ N(0, 1): joint covariance [[P, P], [P, P + 1]],
    # and the Gaussian input achieves C = 1/2 log(1 + P)   (Cover & Thomas, 9.1)
    P = snr
    if P == 0:
        assert C.awgn_capacity(0.0) == 0.0
        return
    cov = np.array([[P, P], [P, P + 1.0]])
    assert C.awgn_capacity(snr) == pytest.approx(G.mutual_information(cov, 0, 1), abs=ATOL)


def test_awgn_known_value_and_errors():
    assert C.awgn_capacity(3.0, base=2) == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(C.awgn_capacity([1.0, 15.0], base=2), [0.5, 2.0], atol=1e-15)
    with pytest.raises(ValueError, match="snr must be >= 0"):
        C.awgn_capacity(-1.0)


# ---------------------------------------------------------------- dropout as erasure


TARGETS = [
    [0.5, 0.5],
    [0.9, 0.1],
    [0.2, 0.3, 0.5],
    [0.25, 0.25, 0.25, 0.25],
    [0.7, 0.0, 0.2, 0.1, 0.0],
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 0.5, 0.8, 1.0])
def test_dropout_information_is_one_minus_p_times_entropy(target, p):
    # the seed's I(T;Y) = (1-p) H(Y), computed through the erasure channel matrix
    y = np.asarray(target)
    W = C.dropout_channel(p, n_inputs=len(y))
    via_channel = C.mutual_information(y, W)
    expected = (1 - p) * D.entropy(y)
    assert via_channel == pytest.approx(expected, abs=ATOL)
    assert C.erasure_information(y, p) == pytest.approx(via_channel, abs=ATOL)


def _broadcast(W, copies):
    """Channel from X to (T_1..T_n), each T_i an independent use of W on the same X."""
    out = W
    for _ in range(copies - 1):
        out = np.einsum("xa,xb->xab", out, W).reshape(W.shape[0], -1)
    return out


@pytest.mark.parametrize("copies", [1, 2, 3])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_erasure_information_with_copies(copies, p):
    y = np.array([0.2, 0.3, 0.5])
    W = _broadcast(C.erasure_channel(p, n_inputs=3), copies)
    via_channel = C.mutual_information(y, W)
    assert via_channel == pytest.approx((1 - p**copies) * D.entropy(y), abs=ATOL)
    assert C.erasure_information(y, p, copies=copies) == pytest.approx(via_channel, abs=ATOL)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_to_zero_loses_more_than_erasure(p):
    # when "dropped" looks like the value 0, the channel is Z-like and I <= (1-p) H(Y)
    y = np.array([0.3, 0.3, 0.4])
    W = C.dropout_channel(p, n_inputs=3, zero_symbol=0)
    C.channel(W)  # rows are distributions
    assert C.mutual_information(y, W) < (1 - p) * D.entropy(y)
    np.testing.assert_array_equal(C.dropout_channel(p, n_inputs=2, zero_symbol=0), C.z_channel(p))


def test_erasure_information_errors():
    with pytest.raises(ValueError, match="target_pmf sums to"):
        C.erasure_information([0.5, 0.6], 0.1)
    with pytest.raises(ValueError, match="copies=0"):
        C.erasure_information([0.5, 0.5], 0.1, copies=0)
    with pytest.raises(ValueError, match="p="):
        C.erasure_information([0.5, 0.5], -0.1)


def test_no_warnings_from_zero_cells():
    # zero rows/columns exercise the 0 log 0 convention without RuntimeWarnings
    W = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert C.mutual_information([1.0, 0.0], W) == 0.0
        assert C.capacity(W).capacity == pytest.approx(LN2, abs=CAP_ATOL)


def test_information_values_are_plain_floats():
    W = C.binary_symmetric(0.2)
    res = C.capacity(W)
    values = [
        C.mutual_information([0.3, 0.7], W), res.capacity, res.upper_bound, res.gap,
        float(res), C.awgn_capacity(1.0), C.erasure_information([0.5, 0.5], 0.3),
    ]
    assert all(type(v) is float for v in values), [type(v) for v in values]


@given(seed=seeds, nx=st.integers(1, 4), ny=st.integers(1, 4), nz=st.integers(1, 4))
@SETTINGS
def test_cascade_obeys_data_processing(seed, nx, ny, nz):
    # X -> Y -> Z through W1 then W2: I(X;Z) <= I(X;Y) for every input, hence
    # C(W1 W2) <= min(C(W1), C(W2))   (data processing, Cover & Thomas Theorem 2.8.1)
    rng = np.random.default_rng(seed)
    W1, W2 = random_channel(rng, nx, ny), random_channel(rng, ny, nz)
    p = rng.dirichlet(np.ones(nx))
    assert C.mutual_information(p, W1 @ W2) <= C.mutual_information(p, W1) + ATOL
    cascade = C.capacity(W1 @ W2, tol=1e-9).capacity
    assert cascade <= C.capacity(W1, tol=1e-9).upper_bound + ATOL
    assert cascade <= C.capacity(W2, tol=1e-9).upper_bound + ATOL


# a near-degenerate channel: the middle row is almost a mixture of the others, so plain
# Blahut-Arimoto drives its input probability to 0 only slowly
SLOW = np.array([[0.8065, 0.1935], [0.7920, 0.2080], [0.7769, 0.2231]])


@given(seed=seeds, n_in=st.integers(1, 5), n_out=st.integers(1, 5))
@SETTINGS
def test_accelerated_and_plain_blahut_arimoto_agree(seed, n_in, n_out):
    W = random_channel(np.random.default_rng(seed), n_in, n_out)
    fast = C.capacity(W, tol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", C.ConvergenceWarning)
        plain = C.capacity(W, tol=1e-9, accelerate=False)
    # both bracket the same capacity: each lower bound is below the other's upper bound
    assert fast.capacity <= plain.upper_bound + 1e-12
    assert plain.capacity <= fast.upper_bound + 1e-12
    if plain.converged:
        assert fast.capacity == pytest.approx(plain.capacity, abs=2e-9)


def test_acceleration_helps_on_a_near_degenerate_channel():
    W = SLOW / SLOW.sum(1, keepdims=True)
    fast = C.capacity(W)
    plain = C.capacity(W, accelerate=False)
    assert fast.converged and plain.converged
    assert fast.iterations * 5 < plain.iterations
    # binary-output channel: capacity is reached on the two extreme rows alone, so it is
    # the capacity of the 2x2 channel made of rows 0 and 2 (the middle row is their mixture)
    two = C.capacity(W[[0, 2]])
    assert fast.capacity == pytest.approx(two.capacity, abs=CAP_ATOL)
    assert fast.input_pmf[1] < 1e-4
