"""Tests of infolens.result.Estimate."""

import copy
import json
import math
import pickle

import pytest

from infolens.result import Estimate


def _full():
    return Estimate(
        0.5, unit="bits", method="ksg", n=100, ci=(0.4, 0.6), ci_level=0.95, stderr=0.05,
        params={"k": 3}, quantity="I(X;Y)",
    )


def test_behaves_as_float():
    e = _full()
    assert isinstance(e, float)
    assert float(e) == 0.5 and e.value == 0.5 and type(e.value) is float
    assert e + 1 == 1.5 and 2 * e == 1.0 and e < 1.0
    assert math.isclose(math.exp(e), math.exp(0.5))


def test_fields():
    e = _full()
    assert (e.unit, e.method, e.n, e.ci, e.ci_level, e.stderr, e.params, e.quantity) == (
        "bits", "ksg", 100, (0.4, 0.6), 0.95, 0.05, {"k": 3}, "I(X;Y)"
    )
    bare = Estimate(1.25)
    assert (bare.unit, bare.method, bare.n, bare.ci, bare.stderr, bare.params) == (
        "nats", "", None, None, None, {}
    )


def test_params_are_copied():
    params = {"k": 3}
    e = Estimate(0.1, params=params)
    params["k"] = 99
    assert e.params == {"k": 3}


def test_repr_is_readable():
    r = repr(_full())
    for part in ("I(X;Y) = 0.5 bits", "95% CI [0.4, 0.6]", "stderr 0.05", "method=ksg", "n=100"):
        assert part in r
    assert repr(Estimate(2.0)) == "Estimate(2 nats)"
    assert str(_full()) == r


def test_nan_is_refused_and_infinity_allowed():
    with pytest.raises(ValueError, match="estimator ksg produced NaN"):
        Estimate(float("nan"), method="ksg")
    assert Estimate(math.inf) == math.inf


def test_replace_and_to_dict():
    e = _full()
    f = e.replace(value=0.7, n=200)
    assert float(f) == 0.7 and f.n == 200 and f.method == "ksg" and float(e) == 0.5
    d = e.to_dict()
    assert json.loads(json.dumps(d)) == {
        "value": 0.5, "unit": "bits", "method": "ksg", "n": 100, "ci": [0.4, 0.6],
        "ci_level": 0.95, "stderr": 0.05, "params": {"k": 3}, "quantity": "I(X;Y)",
    }
    with pytest.raises(ValueError):
        e.replace(value=float("nan"))


@pytest.mark.parametrize("clone", [pickle.loads, copy.copy, copy.deepcopy])
def test_pickle_and_copy_keep_fields(clone):
    e = _full()
    c = clone(pickle.dumps(e)) if clone is pickle.loads else clone(e)
    assert isinstance(c, Estimate)
    assert c.to_dict() == e.to_dict()
