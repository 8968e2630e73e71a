"""Regression tests for degenerate and extreme inputs (issues 14 and 17).

* Deterministic relations (issue 14, item 3): I(X; f(X)) is infinite for continuous X.
  Gaussian and Gaussian-copula estimators refuse a joint covariance that is singular to
  working precision; k-NN estimators return their resolution limit with a
  ``DeterministicRelationWarning``; never a number set by round-off.
* Magnitudes near the float64 limits (issue 17, item 2): every continuous estimator gives
  finite values at 1e300 and 1e-300, equal to those of the rescaled problem.
* Meta tensors and object columns that mix numbers and text (issue 17, items 1 and 4).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import digamma

import infolens
from infolens.estimate import gaussian as g
from infolens.estimate import knn
from infolens.estimate.knn import DeterministicRelationWarning

FUNCS = {
    "entropy": infolens.entropy,
    "mi": infolens.mutual_information,
    "cmi": infolens.conditional_mutual_information,
    "kl": infolens.kl_divergence,
}
N = 400


def _gauss(n=N, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = x[:, :1] + rng.normal(size=(n, 1))
    z = rng.normal(size=(n, 1)) + 0.5 * y
    return x, y, z


# --------------------------------------------------------------------------------------
# issue 14: deterministic relations
# --------------------------------------------------------------------------------------


def _relations(rng, n=1000):
    """(x, y) pairs where y is an exact function of x (up to float64/float32 round-off)."""
    x = rng.normal(size=(n, 2)) * [3.0, 0.01] + [100.0, -5.0]
    w = rng.normal(size=(2, 2))
    x32 = x.astype(np.float32)
    return {
        "copy": (x, x[:, :1].copy()),
        "affine": (x, 3.0 * x[:, 1:] - 7.0),
        "linear-map": (x, x @ w),
        "float32-linear": (x32.astype(float), (x32 @ w.astype(np.float32)).astype(float)),
    }


@pytest.mark.parametrize(
    ("method", "case"),
    [("gaussian", c) for c in ("copy", "affine", "linear-map", "float32-linear")]
    # the copula estimators see ranks: they detect monotone relations of single columns
    # (a mixing linear map has a non-degenerate copula, and a finite copula MI)
    + [(m, c) for m in ("gcmi", "ksg_bc", "ensemble") for c in ("copy", "affine")],
)
def test_gaussian_family_refuses_deterministic_relations(rng, method, case):
    x, y = _relations(rng)[case]
    with pytest.raises(ValueError, match="deterministically related") as info:
        infolens.mutual_information(x, y, method=method, random_state=0)
    msg = str(info.value)
    assert "infinite" in msg and "noise" in msg and "discrete" in msg


@pytest.mark.parametrize("method", ["gcmi", "ksg_bc"])
def test_copula_estimators_refuse_monotone_relations(rng, method):
    # y = x^3 is strictly increasing: the normal scores of x and y are identical
    x = rng.normal(size=(500, 1))
    with pytest.raises(ValueError, match="ranks of one are a monotone function"):
        infolens.mutual_information(x, x**3, method=method, random_state=0)


@pytest.mark.parametrize("method", ["gaussian", "gcmi"])
def test_gaussian_cmi_refuses_x_and_y_related_given_z(rng, method):
    x, _, z = _gauss()
    with pytest.raises(ValueError, match=r"\(x, y, z\).*deterministically related"):
        infolens.conditional_mutual_information(x, 2.0 * x[:, :1] + 1.0, z, method=method)


def test_strong_but_noisy_gaussian_dependence_is_still_estimated(rng):
    # Y = X + s N: I = 1/2 log(1 + 1/s^2) = 9.21 nats at s = 1e-4, far above any number the
    # old code produced by round-off but well below the refusal threshold (the smallest
    # correlation eigenvalue, about s^2 / 2 = 5e-9, against (n + d) eps = 4.4e-13).
    # sd of the estimate ~ rho / sqrt(n) = 0.022 nats (delta method); 0.1 is > 4 sd.
    n, s = 2000, 1e-4
    x = rng.normal(size=(n, 1))
    y = x + s * rng.normal(size=(n, 1))
    truth = 0.5 * math.log(1.0 + 1.0 / s**2)
    assert float(infolens.mutual_information(x, y, method="gaussian")) == pytest.approx(truth, abs=0.1)


def test_round_off_floor_scales_with_n():
    # the refusal threshold is (n + d) eps lambda_max of the correlation matrix: a 2x2
    # correlation with 1 - rho = 1e-12 is resolvable at n = 100 (tol 2.2e-14 * 2) and
    # not at n = 10^5 (tol 2.2e-11 * 2)
    rho = 1.0 - 1e-12
    c = np.array([[1.0, rho], [rho, 1.0]])
    assert np.isfinite(g._logdet_checked(c, 100))
    with pytest.raises(g._Singular, match="round-off floor"):
        g._logdet_checked(c, 100_000)


def test_knn_mi_warns_and_returns_its_resolution_limit_for_y_equal_x(rng):
    # KSG-1 with y = x (1-D): every joint neighbourhood is the x- and the y-neighbourhood,
    # n_x = n_y = k - 1, so the estimate is exactly its ceiling psi(n) - psi(k)
    n, k = 1000, 3
    x = rng.normal(size=(n, 1))
    with pytest.warns(DeterministicRelationWarning, match="deterministically related"):
        est = infolens.mutual_information(x, x.copy(), method="ksg1", k=k)
    assert float(est) == pytest.approx(digamma(n) - digamma(k), abs=1e-12)
    for method, ceiling in (("ksg2", digamma(n) - digamma(k) - 1 / k),
                            ("gao", math.log(n) - digamma(k))):
        with pytest.warns(DeterministicRelationWarning):
            v = float(infolens.mutual_information(x, x.copy(), method=method, k=k))
        assert v == pytest.approx(ceiling, abs=1e-12)


@pytest.mark.parametrize("method", ["ksg1", "ksg2", "gao"])
def test_knn_mi_warns_for_other_deterministic_maps(rng, method):
    x = rng.normal(size=(1000, 2))
    x0 = x[:, :1]
    for a, b in ((x0, 3.0 * x0 + 1.0), (x0, x0**3), (x, x0.copy())):
        with pytest.warns(DeterministicRelationWarning):
            infolens.mutual_information(a, b, method=method)


@pytest.mark.parametrize("method", ["ksg1", "ksg2", "gao"])
def test_knn_mi_does_not_warn_on_finite_mi(rng, method):
    # a very strong Gaussian dependence (rho = 0.9999, I = 4.26 nats), a step function
    # (y = round(x): y has repeats, I = H(round X) is finite) and a constant x: no warning
    x = rng.normal(size=(1000, 1))
    strong = 0.9999 * x + math.sqrt(1 - 0.9999**2) * rng.normal(size=(1000, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeterministicRelationWarning)
        for a, b in ((x, strong), (x, np.round(x)), (np.ones((1000, 1)), x)):
            infolens.mutual_information(a, b, method=method)


def test_fp_cmi_deterministic_relation_gives_its_resolution_limit(rng):
    # Frenzel-Pompe with y = x: n_xz = n_yz = k - 1, so the estimate is its ceiling
    # <psi(n_z + 1)> - psi(k), a function of k and the z-counts only (documented)
    n, k = 500, 3
    x, _, z = _gauss(n)
    xa = x[:, :1]
    w = np.hstack([xa, xa, z])
    eps, _, _ = knn._kth_neighbour(w, k)
    nz = knn._count_within(z, eps, strict=True)
    ceiling = float(np.mean(digamma(nz + 1.0)) - digamma(k))
    assert knn._fp_cmi(xa, xa.copy(), z, k=k) == pytest.approx(ceiling, abs=1e-12)


# --------------------------------------------------------------------------------------
# issue 17, item 2: magnitudes near the float64 limits
# --------------------------------------------------------------------------------------

CONTINUOUS = [(e.quantity, e.name) for e in infolens.estimators() if "continuous" in e.kinds]


@pytest.mark.parametrize("scale", [1e300, 1e-300, 2.0**1020])
@pytest.mark.parametrize("pair", CONTINUOUS, ids=lambda p: f"{p[0]}-{p[1]}")
def test_extreme_magnitudes_give_the_rescaled_answer(pair, scale):
    # h(aX) = h(X) + d log a; MI, CMI and KL are unchanged by a common scale.  The data
    # a*x differ from x by one rounding per entry (relative 1.1e-16), far below the 1e-9
    # relative tolerance; for entropies the log a term (690 nats per column) dominates
    # and the tolerance is relative to it.
    quantity, method = pair
    x, y, z = _gauss()
    args = {"entropy": (x,), "mi": (x, y), "cmi": (x, y, z), "kl": (x, 1.2 * x[::-1] + 0.3)}[quantity]
    ref = float(FUNCS[quantity](*args, method=method, random_state=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/underflow warnings either
        got = float(FUNCS[quantity](*(a * scale for a in args), method=method, random_state=0))
    assert math.isfinite(got)
    shift = x.shape[1] * math.log(scale) if quantity == "entropy" else 0.0
    assert got == pytest.approx(ref + shift, rel=1e-9, abs=1e-9)


def test_kde_bounds_at_extreme_magnitudes(rng):
    from infolens.estimate.kde import mixture_entropy_bounds, pairwise_mi_bounds

    t = rng.normal(size=(200, 2))
    lab = (t[:, 0] > 0).astype(int)
    ref = pairwise_mi_bounds(t, lab, noise_std=0.5)
    for s in (1e300, 1e-300):
        got = pairwise_mi_bounds(t * s, lab, noise_std=0.5 * s)
        assert float(got.ixt) == pytest.approx(float(ref.ixt), rel=1e-9)
        assert float(got.ity) == pytest.approx(float(ref.ity), rel=1e-9)
        h = mixture_entropy_bounds(t * s, noise_std=0.5 * s)
        h0 = mixture_entropy_bounds(t, noise_std=0.5)
        assert h.upper == pytest.approx(h0.upper + 2 * math.log(s), rel=1e-9)
    with pytest.raises(ValueError, match="noise_std is below"):
        pairwise_mi_bounds(t, noise_std=1e-200)


# --------------------------------------------------------------------------------------
# issue 17, items 1 and 4
# --------------------------------------------------------------------------------------


def test_meta_tensor_is_refused_with_a_clear_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"x: got a torch tensor on the 'meta' device.*no data"):
        infolens.entropy(torch.empty(100, device="meta"), method="kozachenko_leonenko")
    with pytest.raises(ValueError, match="y: .*'meta' device"):
        infolens.mutual_information(np.zeros(100), torch.empty(100, device="meta"))


@pytest.mark.parametrize("method", ["gao", "ross", "auto", "plugin"])
def test_object_column_mixing_numbers_and_text_names_argument_and_types(rng, method):
    x = rng.normal(size=(500, 1)) if method != "plugin" else rng.integers(0, 3, size=500)
    y = np.array([True] * 499 + ["a"], dtype=object)
    with pytest.raises(TypeError, match=r"y: the column mixes .*499 number/bool, 1 str.*'a' at row 499"):
        infolens.mutual_information(x, y, method=method)


def test_fp_with_a_mixed_object_condition(rng):
    x, y, _ = _gauss(500)
    z = np.array([1] * 250 + ["b"] * 250, dtype=object)
    with pytest.raises(TypeError, match="z: the column mixes .*250 number/bool, 250 str"):
        infolens.conditional_mutual_information(x, y, z, method="fp")
