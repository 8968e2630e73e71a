"""k-NN estimates do not depend on the units of the columns (issue 16 item 1)."""

import math

import numpy as np
import pytest

import infolens
from infolens.estimate._call import column_scales

KNN = [e for e in infolens.estimators() if e.scale is not None]
C = np.array([1e3, 2.5e-3, 7.0])  # one factor per column, none a power of two


def _args(e, rng, n=400):
    x = rng.normal(size=(n, 3))
    y = x[:, :2] @ np.array([[0.8], [0.5]]) + 0.6 * rng.normal(size=(n, 1))
    if e.quantity == "entropy":
        return (x,), (x * C,)
    if e.quantity == "kl":
        q = 1.3 * rng.normal(size=(n, 3)) + 0.2
        return (x, q), (x * C, q * C)
    if e.quantity == "cmi":
        z = x[:, 2:] + 0.5 * y
        return (x[:, :2], y, z), (x[:, :2] * C[:2], y * 40.0, z * 0.01)
    if e.name == "ross":  # continuous x, discrete y
        lab = (y[:, 0] > 0).astype(int)
        return (x, lab), (x * C, lab)
    return (x, y), (x * C, y * 40.0)


def test_every_scale_sensitive_estimator_is_marked():
    names = {e.name for e in KNN}
    assert {"kozachenko_leonenko", "ksg1", "ksg2", "fp", "ross", "gao", "knn"} <= names
    # ksg_bc and the ensemble built on it see normal scores of ranks: invariant already
    assert not {"ksg_bc", "ensemble"} & names
    assert all(e.params["standardize"] is True for e in KNN)


@pytest.mark.parametrize("e", KNN, ids=lambda e: f"{e.quantity}-{e.name}")
def test_invariant_to_per_column_rescaling(e):
    rng = np.random.default_rng(0)
    plain, scaled = _args(e, rng)
    func = {"entropy": infolens.entropy, "mi": infolens.mutual_information,
            "cmi": infolens.conditional_mutual_information, "kl": infolens.kl_divergence}
    a = func[e.quantity](*plain, method=e.name, random_state=0)
    b = func[e.quantity](*scaled, method=e.name, random_state=0)
    shift = float(np.log(C).sum()) if e.quantity == "entropy" else 0.0
    # same neighbours after standardisation; only round-off in x * c / scale(x * c) differs
    assert float(b) - shift == pytest.approx(float(a), abs=1e-9)
    assert a.params["standardize"] is True and a.params["column_scales"][0] is not None
    # without standardisation the max-norm neighbourhoods follow the widest column and the
    # estimate moves (by far more than round-off) -- the failure this default prevents
    c = func[e.quantity](*scaled, method=e.name, random_state=0, standardize=False)
    assert c.params["standardize"] is False and "column_scales" not in c.params
    assert abs(float(c) - shift - float(a)) > 1e-3


@pytest.mark.parametrize("loader", ["load_wine", "load_breast_cancer"])
def test_joint_mi_is_not_below_the_best_single_feature(loader):
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = getattr(datasets, loader)(return_X_y=True)
    joint = infolens.mutual_information(X, y, ci=0.95, random_state=0)
    singles = [infolens.mutual_information(X[:, j], y, method=joint.method, ci=0.95,
                                           random_state=0) for j in range(X.shape[1])]
    best = max(singles, key=float)
    half = (best.ci[1] - best.ci[0]) / 2
    # I(X_1..X_d; Y) >= I(X_j; Y) for every j; an estimate may fall short by its noise only
    assert float(joint) >= float(best) - half, (float(joint), float(best), half)


def test_column_scales_rules():
    a = np.c_[np.r_[np.zeros(60), np.arange(40.0)], np.full(100, 3.0), np.arange(100.0)]
    s = column_scales(a)
    assert s[0] == pytest.approx(np.std(a[:, 0]))   # MAD 0 (over half equal): sd
    assert s[1] == 1.0                               # constant column left alone
    mad = np.median(np.abs(a[:, 2] - np.median(a[:, 2])))
    assert s[2] == pytest.approx(1.482602218505602 * mad)
    assert np.allclose(column_scales(a * 3.7), s * np.r_[3.7, 1.0, 3.7])


def test_standardize_must_be_a_bool():
    x = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(TypeError, match="standardize must be True or False"):
        infolens.entropy(x, method="kozachenko_leonenko", standardize="yes")
    with pytest.raises(TypeError, match="unexpected parameter"):
        infolens.entropy(x, method="gaussian", standardize=False)


def test_entropy_shift_is_exact_for_a_gaussian_sample():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2)) * np.array([5.0, 0.2])
    est = infolens.entropy(x, method="kozachenko_leonenko")
    truth = math.log(2 * math.pi * math.e) + math.log(5.0 * 0.2)
    assert float(est) == pytest.approx(truth, abs=0.08)  # KL bias+sd at n=4000, d=2 < 0.05
