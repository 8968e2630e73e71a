"""Bad input is rejected with an error naming the argument; good input of every kind is
accepted; nothing is mutated.  One test per rejected input of ``infolens._validate``,
exercised both directly and through the public functions of ``infolens.exact``."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from infolens import _validate as V
from infolens.exact import channels as C
from infolens.exact import discrete as D
from infolens.exact import gaussian as G

# ------------------------------------------------------------------ NaN / inf


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_pmf(bad):
    with pytest.raises(ValueError, match=r"^p contains 1 non-finite"):
        D.entropy([0.5, bad, 0.5])
    with pytest.raises(ValueError, match=r"^q contains 1 non-finite"):
        D.kl_divergence([0.5, 0.5], [bad, 0.5])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_samples(bad):
    x = np.array([[0.0, 1.0], [2.0, bad]])
    with pytest.raises(ValueError, match=r"^x contains 1 non-finite value\(s\) .* index \(1, 1\)"):
        V.check_samples(x, "x")


def test_non_finite_covariance_and_channel():
    with pytest.raises(ValueError, match=r"^cov contains"):
        G.entropy([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"^channel contains"):
        C.mutual_information([1.0], [[np.inf]])
    with pytest.raises(ValueError, match=r"^snr contains"):
        C.awgn_capacity(np.nan)


def test_missing_values_in_pandas_are_rejected():
    with pytest.raises(ValueError, match=r"^x contains"):
        V.check_samples(pd.Series([1.0, None, 3.0]), "x")
    with pytest.raises(ValueError, match=r"^x contains"):
        V.check_samples(pd.Series(["a", None, "b"], dtype="category"), "x")


# ------------------------------------------------------------------ empty input


def test_empty_inputs():
    with pytest.raises(ValueError, match=r"^p is empty"):
        D.entropy([])
    with pytest.raises(ValueError, match=r"^x is empty"):
        V.check_samples(np.zeros((0, 3)), "x")
    with pytest.raises(ValueError, match=r"^cov is empty"):
        G.entropy(np.zeros((0, 0)))
    with pytest.raises(ValueError, match=r"^target_pmf is empty"):
        C.erasure_information([], 0.5)


# ------------------------------------------------------------------ mismatched lengths


def test_mismatched_lengths():
    with pytest.raises(ValueError, match=r"x has 3, y has 4"):
        V.check_consistent_length(x=np.zeros(3), y=np.zeros(4))
    assert V.check_consistent_length(x=np.zeros(3), y=None, z=[1, 2, 3]) == 3
    with pytest.raises(ValueError, match=r"p and q must have the same shape"):
        D.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match=r"input_pmf has 3 entries but channel has 2 rows"):
        C.output_distribution([0.2, 0.3, 0.5], C.binary_erasure(0.1))
    with pytest.raises(ValueError, match=r"mean0 has length 2"):
        G.kl_divergence([0, 0], np.eye(3), [0, 0, 0], np.eye(3))


# ------------------------------------------------------------------ dimensionality


def test_wrong_dimensionality():
    with pytest.raises(ValueError, match=r"^x: expected an array of shape \(n,\) or \(n, d\)"):
        V.check_samples(np.zeros((2, 3, 4)), "x")
    with pytest.raises(ValueError, match=r"^x: got a scalar"):
        V.check_samples(3.0, "x")
    with pytest.raises(ValueError, match=r"^p must have at least 1 axis"):
        D.entropy(1.0)
    with pytest.raises(ValueError, match=r"^cov must be a square matrix"):
        G.entropy(np.eye(2)[None])
    with pytest.raises(ValueError, match=r"^input_pmf must be a 1-D pmf"):
        C.mutual_information(np.full((2, 1), 0.5), C.binary_symmetric(0.1))
    with pytest.raises(ValueError, match=r"^channel must be a 2-D matrix"):
        C.capacity(np.full((2, 2, 2), 0.5))
    with pytest.raises(ValueError, match=r"^y: axis 1 is out of range"):
        D.mutual_information([0.5, 0.5], 0, 1)


def test_ragged_input():
    with pytest.raises(TypeError, match=r"^x: could not convert"):
        V.check_samples([[1, 2], [3]], "x")


# ------------------------------------------------------------------ pmf values


def test_negative_pmf_entry():
    with pytest.raises(ValueError, match=r"^p has negative entries \(e.g. -0.1 at \(1,\)\)"):
        D.entropy([0.6, -0.1, 0.5])
    with pytest.raises(ValueError, match=r"^input_pmf has negative entries"):
        C.mutual_information([1.1, -0.1], C.binary_symmetric(0.1))


def test_pmf_not_summing_to_one():
    with pytest.raises(ValueError, match=r"^p sums to 0.9, not 1; .* normalize=True"):
        D.entropy([0.4, 0.5])
    with pytest.raises(ValueError, match=r"^q sums to 2"):
        D.cross_entropy([0.5, 0.5], [1.0, 1.0])


def test_normalize_is_an_explicit_opt_in():
    w = np.array([1.0, 1.0, 2.0])
    before = w.copy()
    assert D.entropy(w, normalize=True) == pytest.approx(D.entropy(w / w.sum()))
    np.testing.assert_array_equal(w, before)
    with pytest.raises(ValueError, match=r"^p sums to 0"):
        V.check_pmf(np.zeros(3), "p", normalize=True)


def test_probability_and_integer_parameters():
    with pytest.raises(ValueError, match=r"^p=1.5 must lie in \[0, 1\]"):
        C.binary_erasure(1.5)
    with pytest.raises(ValueError, match=r"^p=nan"):
        C.z_channel(float("nan"))
    with pytest.raises(TypeError, match=r"^p must be a real number"):
        C.binary_symmetric("0.1")
    with pytest.raises(TypeError, match=r"^p must be a real number"):
        C.binary_symmetric(True)
    with pytest.raises(TypeError, match=r"^n_inputs must be an integer"):
        C.erasure_channel(0.1, n_inputs=2.0)
    with pytest.raises(ValueError, match=r"^copies=0 must be >= 1"):
        C.erasure_information([0.5, 0.5], 0.1, copies=0)
    with pytest.raises(TypeError, match=r"^random_state must be"):
        V.check_random_state("seed")
    assert isinstance(V.check_random_state(3), np.random.Generator)


def test_axes_errors():
    p = np.full((2, 2), 0.25)
    with pytest.raises(ValueError, match=r"^x: axis 5 is out of range"):
        D.mutual_information(p, 5, 1)
    with pytest.raises(ValueError, match=r"^axes repeats an axis"):
        D.entropy(p, axes=(0, 0))
    with pytest.raises(ValueError, match=r"overlap"):
        D.mutual_information(p, 0, 0)
    with pytest.raises(TypeError, match=r"^x must be an axis index"):
        D.mutual_information(p, 0.5, 1)


# ------------------------------------------------------------------ unknown base


@pytest.mark.parametrize("base", ["ten", 1, 0.5, -2, float("nan"), float("inf")])
def test_unknown_base_value(base):
    with pytest.raises(ValueError, match=r"^base="):
        D.entropy([0.5, 0.5], base=base)
    with pytest.raises(ValueError, match=r"^base="):
        G.entropy(1.0, base=base)
    with pytest.raises(ValueError, match=r"^base="):
        C.capacity(C.binary_symmetric(0.1), base=base)


@pytest.mark.parametrize("base", [True, None, [2]])
def test_base_of_wrong_type(base):
    with pytest.raises(TypeError, match=r"^base must be"):
        D.entropy([0.5, 0.5], base=base)


# ------------------------------------------------------------------ covariance


def test_non_symmetric_covariance():
    with pytest.raises(ValueError, match=r"^cov is not symmetric \(max \|C - C\^T\| = 0.1\)"):
        G.entropy([[1.0, 0.3], [0.2, 1.0]])
    with pytest.raises(ValueError, match=r"^cov0 is not symmetric"):
        G.kl_divergence([0, 0], [[1.0, 0.3], [0.2, 1.0]], [0, 0], np.eye(2))


def test_non_positive_definite_covariance():
    with pytest.raises(ValueError, match=r"^cov is not positive definite \(smallest eigenvalue"):
        G.mutual_information([[1.0, 1.0], [1.0, 1.0]], 0, 1)  # singular
    with pytest.raises(ValueError, match=r"^cov is not positive definite"):
        G.entropy([[-1.0]])


# ------------------------------------------------------------------ accepted kinds


def test_torch_tensors_are_accepted():
    p = torch.tensor([[0.25, 0.25], [0.1, 0.4]], dtype=torch.float64)
    assert D.mutual_information(p) == pytest.approx(D.mutual_information(p.numpy()))
    cov = torch.tensor([[2.0, 0.5], [0.5, 1.0]], requires_grad=True)
    assert G.entropy(cov) == pytest.approx(G.entropy(cov.detach().numpy().astype(float)), rel=1e-6)
    W = torch.tensor(C.binary_symmetric(0.2))
    assert C.capacity(W).capacity == pytest.approx(C.capacity(C.binary_symmetric(0.2)).capacity)
    x = V.check_samples(torch.arange(6.0).reshape(3, 2), "x")
    assert x.shape == (3, 2)


def test_pandas_objects_are_accepted():
    s = pd.Series([0.2, 0.3, 0.5])
    assert D.entropy(s) == pytest.approx(D.entropy(s.to_numpy()))
    df = pd.DataFrame({"a": [0.1, 0.2], "b": [0.3, 0.4]})
    assert D.mutual_information(df) == pytest.approx(D.mutual_information(df.to_numpy()))
    cov = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]])
    expected = G.mutual_information(cov.to_numpy(), 0, 1)
    assert G.mutual_information(cov, 0, 1) == pytest.approx(expected)
    x = V.check_samples(pd.DataFrame({"u": [1, 2, 3], "v": ["a", "b", "c"]}), "x")
    assert x.shape == (3, 2)


def test_lists_are_accepted():
    assert D.entropy([0.5, 0.5], base=2) == pytest.approx(1.0)
    assert C.capacity([[1.0, 0.0], [0.0, 1.0]], base=2).capacity == pytest.approx(1.0)


def test_dask_arrays_point_to_streaming():
    import dask.array as da  # installed by `make test` ([all] extra)

    with pytest.raises(TypeError, match=r"^x: got a Dask array"):
        V.check_samples(da.zeros(4), "x")


def test_sample_kinds():
    with pytest.raises(TypeError, match=r"^x holds floating-point values"):
        V.check_samples(np.array([0.5, 1.5]), "x", kind="discrete")
    with pytest.raises(TypeError, match=r"^x holds non-numeric values"):
        V.check_samples(np.array(["a", "b"]), "x", kind="continuous")
    with pytest.raises(ValueError, match=r"^x: 2 samples given, this estimator needs at least 5"):
        V.check_samples(np.zeros(2), "x", min_samples=5)
    assert V.check_samples([1, 2, 3], "x", kind="continuous").dtype == np.float64


# ------------------------------------------------------------------ no mutation


def _frozen(a):
    a = np.array(a, dtype=float)
    a.setflags(write=False)  # any in-place write would raise
    return a


def test_inputs_are_never_mutated():
    rng = np.random.default_rng(0)
    p3 = _frozen(rng.dirichlet(np.ones(8)).reshape(2, 2, 2))
    q3 = _frozen(rng.dirichlet(np.ones(8)).reshape(2, 2, 2))
    keep = [p3.copy(), q3.copy()]
    for f in (D.entropy, D.total_correlation, D.dual_total_correlation,
              D.interaction_information, D.o_information, D.s_information):
        f(p3)
    D.mutual_information(p3, 0, (1, 2))
    D.conditional_mutual_information(p3, 0, 1, 2)
    D.conditional_entropy(p3, 0, 1)
    D.kl_divergence(p3, q3)
    D.cross_entropy(p3, q3)
    D.jensen_shannon_divergence(p3, q3)
    D.marginal(p3, (2, 0))
    np.testing.assert_array_equal(p3, keep[0])
    np.testing.assert_array_equal(q3, keep[1])

    A = rng.normal(size=(3, 3))
    cov = _frozen(A @ A.T + np.eye(3))
    Am = _frozen(A + 3 * np.eye(3))
    m = _frozen([0.1, 0.2, 0.3])
    before = [cov.copy(), Am.copy(), m.copy()]
    G.entropy(cov)
    G.mutual_information(cov, 0, [1, 2])
    G.conditional_mutual_information(cov, 0, 1, 2)
    G.total_correlation(cov)
    G.kl_divergence(m, cov, m, cov)
    G.affine_entropy(cov, Am)
    for a, b in zip((cov, Am, m), before, strict=True):
        np.testing.assert_array_equal(a, b)

    W = _frozen(C.binary_erasure(0.3))
    pin = _frozen([0.3, 0.7])
    C.mutual_information(pin, W)
    C.output_distribution(pin, W)
    res = C.capacity(W)
    res.input_pmf[:] = 0.0  # the result owns its arrays; W must stay intact
    C.channel(W)
    C.erasure_information(pin, 0.2)
    np.testing.assert_array_equal(W, C.binary_erasure(0.3))
    np.testing.assert_array_equal(pin, [0.3, 0.7])

    t = torch.tensor([0.25, 0.75])
    D.entropy(t)
    assert torch.equal(t, torch.tensor([0.25, 0.75]))


def test_check_functions_return_copies():
    p = np.array([0.5, 0.5])
    out = V.check_pmf(p, "p")
    out[0] = 9.0
    assert p[0] == 0.5
    c = np.eye(2)
    out = V.check_covariance(c, "cov")
    out[0, 0] = 9.0
    assert c[0, 0] == 1.0


def test_exact_does_not_import_torch():
    code = (
        "import sys, infolens.exact.discrete, infolens.exact.gaussian, "
        "infolens.exact.channels; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ regression tests: foundation bugs found by these tests
# Each was found and fixed in _validate.py; kept as regression tests.


def test_pmf_of_strings_names_the_argument():
    with pytest.raises((TypeError, ValueError), match=r"^p"):
        V.check_pmf(["a", "b"], "p")


def test_none_in_object_samples_is_rejected():
    with pytest.raises(ValueError, match=r"^x"):
        V.check_samples(np.array([1, None, 2], dtype=object), "x")


def test_float_axis_is_rejected():
    with pytest.raises(TypeError, match=r"^axes"):
        V.check_axes([0.7], 3, "axes")


def test_consistent_length_of_nothing():
    with pytest.raises((TypeError, ValueError)):
        V.check_consistent_length(x=None)


def test_complex_covariance_is_rejected():
    with pytest.raises(TypeError, match=r"^cov"):
        V.check_covariance(np.array([[1 + 1j]]), "cov")


def test_length_one_variance_becomes_1x1():
    assert V.check_covariance([2.0], "cov").shape == (1, 1)
    with pytest.raises(ValueError, match=r"^cov"):
        V.check_covariance([1.0, 2.0], "cov")  # a vector of variances is ambiguous


def test_pmf_tolerance_does_not_grow_with_size():
    # 10**6 cells each 1e-12 too large: the sum is 1 + 1e-6, far beyond rounding (~2e-10)
    with pytest.raises(ValueError, match=r"^p sums to"):
        V.check_pmf(np.full(10**6, 1e-6 + 1e-12), "p")
    # float32 pmfs (softmax outputs) round to 1 only within float32 precision
    q = np.full(1000, 1e-3, dtype=np.float32)
    assert V.check_pmf(q, "p").sum() == pytest.approx(1.0, abs=1e-4)


def test_meta_tensor_is_refused_naming_the_argument():
    # issue 17 item 1: torch raised "Cannot copy out of meta tensor" from inside as_array
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"^acts: got a torch tensor on the 'meta' device \(shape \(4, 3\)\)"):
        V.as_array(torch.empty(4, 3, device="meta"), "acts")


def test_object_columns_mixing_numbers_and_text_are_refused():
    # issue 17 item 4: sorting True and "a" leaked "'<' not supported between ..."
    y = np.array([[1, "a"], [2, "b"], ["c", "d"]], dtype=object)
    with pytest.raises(TypeError, match=r"^y: column 0 mixes .*2 number/bool, 1 str.*'c' at row 2"):
        V.check_samples(y, "y")
    with pytest.raises(TypeError, match=r"str, 1 bytes"):
        V.check_samples(np.array(["a", "b", b"c"], dtype=object), "x")
    # one kind per column is fine, also when the kinds differ between columns
    ok = np.array([[1, "a"], [2.5, "b"], [True, "c"]], dtype=object)
    assert V.check_samples(ok, "x").shape == (3, 2)
