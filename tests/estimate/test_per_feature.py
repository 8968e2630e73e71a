"""``infolens.mutual_information_per_feature``: each value is the single-column call's
value, known MI per column, the result object, and bad input (issue 16 item 6)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import infolens
from infolens.estimate import features
from infolens.estimate.features import FeatureEstimates


def _single(X, y, j, **kw):
    return infolens.mutual_information(X[:, j], y, **kw)


@pytest.fixture
def classif(rng):
    """Continuous columns, one of them quantised (many ties), a 3-class label."""
    n = 600
    y = rng.integers(0, 3, n)
    X = np.column_stack([
        y + rng.normal(size=n),                     # informative
        rng.normal(size=n),                         # noise
        np.round(2 * y + rng.normal(size=n)),       # quantised: heavy ties
        rng.exponential(size=n) * (1 + y),          # skewed, informative
        np.full(n, 3.0),                            # constant
    ])
    return X, y


@pytest.fixture
def regress(rng):
    n = 800
    X = rng.normal(size=(n, 4))
    X[:, 3] = np.round(X[:, 3], 1)                  # ties in a column
    y = X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.5 * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize(("method", "kw"), [
    ("auto", {}), ("ross", {}), ("ross", {"k": 5}), ("ross", {"standardize": False}),
    ("gao", {}), ("binning", {}),
])
def test_discrete_target_equals_the_single_column_call(classif, method, kw):
    X, y = classif
    k = kw.pop("k", 3)
    res = infolens.mutual_information_per_feature(X, y, method=method, k=k, random_state=0, **kw)
    assert len(res) == X.shape[1]
    for j, est in enumerate(res):
        single = _single(X, y, j, method=method, random_state=0, **kw,
                         **({"k": k} if "k" in infolens.estimate._registry.get(
                             "mi", est.method).params else {}))
        assert float(est) == float(single)  # exactly: same estimator, same numbers
        assert est.method == single.method and est.params == single.params
        assert est.n == single.n and est.quantity == "I(X;Y)"


@pytest.mark.parametrize("method", ["auto", "ksg1", "ksg2", "gcmi", "ensemble", "gao"])
def test_continuous_target_equals_the_single_column_call(regress, method):
    X, y = regress
    res = infolens.mutual_information_per_feature(X, y, method=method, random_state=3)
    for j, est in enumerate(res):
        kw = {"k": 3} if "k" in infolens.estimate._registry.get("mi", est.method).params else {}
        single = _single(X, y, j, method=method, random_state=3, **kw)
        assert float(est) == float(single)
        assert est.method == single.method and est.params == single.params


def test_fast_paths_run_and_match(classif, regress):
    """The shared-work paths are taken (not the fallback) and give the exact value."""
    X, y = classif
    labels = features._RossLabels(y.reshape(-1, 1))
    tpl = features._template(X[:, :1], y.reshape(-1, 1), "ross", 3, {})
    for j in range(X.shape[1]):
        call = features._column_call(tpl, X[:, j:j + 1])
        fast = labels.mi(call.arrays[0][:, 0], 3)
        assert fast is not None and fast == call.run()
    X, y = regress
    tpl = features._template(X[:, :1], y.reshape(-1, 1), "ksg1", 3, {})
    target = features._SortedTarget(np.ascontiguousarray(tpl.arrays[1][:, 0]))
    for j in range(3):  # column 3 has ties but no repeated (x, y) rows either
        call = features._column_call(tpl, X[:, j:j + 1])
        fast = target.ksg1(call.arrays[0][:, 0], 3)
        assert fast is not None and fast == call.run()


def test_exact_counts_on_boundaries():
    """Neighbours exactly on the radius, and a radius whose sum with the value rounds."""
    s = np.array([0.0, 0.1, 0.2, 0.3, 0.30000000000000004, 1.0, 1.0, 1.0])
    for r in (0.1, 0.2, 0.0, 0.7):
        rr = np.full(s.size, r)
        for strict in (True, False):
            d = np.abs(s[:, None] - s[None, :])
            inside = d < rr[:, None] if strict else d <= rr[:, None]
            want = inside.sum(axis=1) - np.diag(inside)  # the row itself is not counted
            assert np.array_equal(features._count_sorted(s, rr, strict=strict), want)


def test_ties_fall_back_with_the_estimators_warning_naming_the_feature(rng):
    n = 300
    y = rng.normal(size=n)
    X = np.column_stack([rng.normal(size=n), rng.normal(size=n)])
    X[1::2, 1] = X[::2, 1]
    y[1::2] = y[::2]                 # rows of column 1 repeat as (x, y) pairs
    with pytest.warns(UserWarning, match=r"feature 'x1' \(column 1\): ksg1: 150 of 300"):
        res = infolens.mutual_information_per_feature(X, y, method="ksg1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert float(res[1]) == float(infolens.mutual_information(X[:, 1], y, method="ksg1"))


def test_huge_magnitudes_take_the_estimator_path(classif):
    X, y = classif
    X = X * 1e250
    res = infolens.mutual_information_per_feature(X, y, method="ross", standardize=False)
    for j in range(X.shape[1]):
        assert float(res[j]) == float(_single(X, y, j, method="ross", k=3, standardize=False))


# ---------------------------------------------------------------------------- known MI


def test_gaussian_columns_of_known_correlation(rng):
    n, rhos = 5000, np.array([0.0, 0.3, 0.6, 0.9])
    y = rng.normal(size=n)
    X = rhos * y[:, None] + np.sqrt(1 - rhos**2) * rng.normal(size=(n, rhos.size))
    truth = -0.5 * np.log(1 - rhos**2)  # 0, 0.047, 0.223, 0.830 nats
    # auto is "ensemble": the max of GCMI and KSG with a one-surrogate bias correction,
    # whose spread (about 0.02-0.03 nats here, by seed) the max turns into an upward error
    for method, tol in (("ksg1", 0.03), ("gcmi", 0.03), ("auto", 0.07)):
        res = infolens.mutual_information_per_feature(X, y, method=method, random_state=0)
        np.testing.assert_allclose(res.values, truth, atol=tol)
    bits = infolens.mutual_information_per_feature(X, y, method="ksg1", base=2)
    assert bits.sorted().names == ("x3", "x2", "x1", "x0") and bits[0].unit == "bits"
    np.testing.assert_allclose(bits.values, truth / np.log(2), atol=0.05)


def test_discrete_channels_and_a_label_determined_by_a_feature(rng):
    """y uniform on 4 symbols; column j is y passed through a symmetric channel that keeps
    it with probability 1 - e_j and otherwise draws one of the other 3 symbols:
    I = log 4 - h(e) - e log 3.  A continuous column that fixes a binary label: log 2."""
    n = 20_000
    y = rng.integers(0, 4, n)
    errs = [0.0, 0.1, 0.5, 0.75]
    cols = []
    for e in errs:
        flip = rng.random(n) < e
        cols.append(np.where(flip, (y + rng.integers(1, 4, n)) % 4, y))
    X = np.column_stack(cols)

    def channel(e):
        h = 0.0 if e in (0.0, 1.0) else -e * np.log(e) - (1 - e) * np.log(1 - e)
        return np.log(4) - h - e * np.log(3)

    res = infolens.mutual_information_per_feature(X, y)
    assert {e.method for e in res} == {"grassberger"}
    np.testing.assert_allclose(res.values, [channel(e) for e in errs], atol=0.02)
    u = rng.normal(size=(4000, 2))
    lab = (u[:, 0] > 0).astype(int)
    r2 = infolens.mutual_information_per_feature(u, lab)
    assert abs(float(r2[0]) - np.log(2)) < 0.02 and abs(float(r2[1])) < 0.02


# --------------------------------------------------------------------- input and result


def test_dataframe_names_and_kinds_per_column(classif):
    X, y = classif
    df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "level": y * 2 + 1})  # an int column
    res = infolens.mutual_information_per_feature(df, pd.Series(y, name="t"))
    assert res.names == ("a", "b", "level")
    assert [e.method for e in res] == ["ross", "ross", "grassberger"]
    assert float(res["level"]) == float(infolens.mutual_information(df["level"], y))
    assert float(res["a"]) == float(infolens.mutual_information(df["a"], y))
    assert res.to_frame().loc["level", "method"] == "grassberger"
    named = infolens.mutual_information_per_feature(X[:, :2], y, names=["p", "q"])
    assert named.names == ("p", "q")


def test_one_dimensional_X_is_one_feature(classif):
    X, y = classif
    res = infolens.mutual_information_per_feature(X[:, 0], y)
    assert len(res) == 1 and res.names == ("x0",)
    assert float(res[0]) == float(infolens.mutual_information(X[:, 0], y))
    s = infolens.mutual_information_per_feature(pd.Series(X[:, 0], name="alcohol"), y)
    assert s.names == ("alcohol",)


def test_bad_input(classif):
    X, y = classif
    f = infolens.mutual_information_per_feature
    with pytest.raises(ValueError, match=r"X has 600, y has 599"):
        f(X, y[:-1])
    with pytest.raises(ValueError, match="names: 2 names given for 5 columns"):
        f(X, y, names=["a", "b"])
    with pytest.raises(TypeError, match="names must be a sequence"):
        f(X, y, names="abcde")
    with pytest.raises(ValueError, match=r"shape \(600, 5, 1\)"):
        f(X[:, :, None], y)
    with pytest.raises(ValueError, match="empty"):
        f(X[:, :0], y)
    with pytest.raises(TypeError, match=r"feature 'x0' \(column 0\): method='ksg1' needs"):
        f(X, y, method="ksg1")
    with pytest.raises(ValueError, match="nope"):
        f(X, y, method="nope")
    with pytest.raises(TypeError, match="unexpected parameter"):
        f(X, y, method="ross", bins=4)
    with pytest.raises(ValueError, match="k=1000"):
        f(X[:50], y[:50], k=1000)
    with pytest.raises(ValueError, match="ci"):
        f(X, y, ci=1.5)


def test_intervals_and_seeds_match_the_single_call(classif):
    X, y = classif
    X, y = X[:200, :2], y[:200]
    res = infolens.mutual_information_per_feature(X, y, ci=0.9, n_boot=20, random_state=7)
    for j, est in enumerate(res):
        single = infolens.mutual_information(X[:, j], y, ci=0.9, n_boot=20, random_state=7)
        assert est.ci == single.ci and est.stderr == single.stderr and float(est) == float(single)
    g1 = infolens.mutual_information_per_feature(
        X, y, ci=0.9, n_boot=20, random_state=np.random.default_rng(1))
    g2 = infolens.mutual_information_per_feature(
        X, y, ci=0.9, n_boot=20, random_state=np.random.default_rng(1))
    assert [e.ci for e in g1] == [e.ci for e in g2]


def test_result_views(classif):
    X, y = classif
    res = infolens.mutual_information_per_feature(X[:, :3], y, names=["a", "b", "c"])
    assert isinstance(res, FeatureEstimates) and len(res) == 3
    top = res.sorted()
    assert list(top.values) == sorted(res.values, reverse=True)
    assert list(res.sorted(descending=False).names) == list(top.names)[::-1]
    assert isinstance(res[1:], FeatureEstimates) and res[1:].names == ("b", "c")
    with pytest.raises(KeyError, match="the features are"):
        res["zz"]
    d = json.loads(json.dumps(res.to_dict()))
    assert [r["column"] for r in d["features"]] == ["a", "b", "c"]
    assert d["features"][0]["value"] == float(res["a"])
    table = res.table()
    assert table.splitlines()[0].split()[:2] == ["column", "I(X_j;Y)"]
    assert all(nm in table for nm in "abc") and "ross" in table and str(res) == table
    assert "FeatureEstimates(3 features" in repr(res)
    assert "CI" in infolens.mutual_information_per_feature(
        X[:100, :1], y[:100], ci=0.9, n_boot=20, random_state=0).table()
