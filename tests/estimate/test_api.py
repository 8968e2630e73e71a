"""The top-level API: dispatch, units, input types, provenance and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch

import infolens
from infolens.estimate import api, auto
from infolens.exact import discrete as X


@pytest.fixture
def xy(rng):
    x = rng.integers(0, 4, 2000)
    y = (x + rng.integers(0, 2, 2000)) % 4
    return x, y


def test_estimate_fields(xy):
    x, y = xy
    est = infolens.mutual_information(x, y, method="plugin")
    assert isinstance(est, infolens.Estimate)
    assert est.method == "plugin" and est.n == 2000 and est.unit == "nats"
    assert est.quantity == "I(X;Y)" and est.ci is None
    assert infolens.entropy(x).quantity == "H(X)"
    assert infolens.conditional_mutual_information(x, y, x).quantity == "I(X;Y|Z)"
    assert infolens.kl_divergence(x, y).quantity == "D(P||Q)"


def test_auto_records_what_ran(xy, rng):
    x, y = xy
    name, _ = auto.choose("mi", ("discrete", "discrete"), 2000, (1, 1))
    assert infolens.mutual_information(x, y).method == name
    # entropy: many symbols relative to n -> the small-sample policy of auto.choose
    small = rng.integers(0, 500, 300)
    expected, _ = auto.choose("entropy", ("discrete",), 300, (1,), len(np.unique(small)))
    assert infolens.entropy(small).method == expected


@pytest.mark.parametrize("base,unit", [(2, "bits"), ("e", "nats"), (10, "hartleys")])
def test_base_conversion(xy, base, unit):
    x, y = xy
    nats = infolens.mutual_information(x, y, method="miller_madow")
    est = infolens.mutual_information(x, y, method="miller_madow", base=base)
    lb = math.log(base) if base != "e" else 1.0
    assert est == pytest.approx(nats / lb, rel=1e-12)
    assert est.unit == unit


def test_exact_value_in_bits():
    # uniform 4-symbol X and Y = X: I = H = 2 bits exactly for the plug-in
    x = np.repeat(np.arange(4), 100)
    assert infolens.mutual_information(x, x, method="plugin", base=2) == pytest.approx(2.0, abs=1e-12)


def test_numpy_torch_pandas_lists_agree(xy):
    x, y = xy
    ref = infolens.mutual_information(x, y, method="grassberger")
    for a, b in [
        (torch.tensor(x), torch.tensor(y)),
        (pd.Series(x), pd.Series(y)),
        (pd.Series(x).astype("category"), pd.DataFrame({"y": y})),
        (x.tolist(), y.tolist()),
        (x.astype(str), y.astype(np.int8)),
    ]:
        assert infolens.mutual_information(a, b, method="grassberger") == pytest.approx(ref, abs=1e-12)


def test_torch_float_tensor_is_continuous(rng):
    t = torch.tensor(rng.normal(size=500))
    with pytest.raises(TypeError, match="discrete estimator"):
        infolens.entropy(t, method="plugin")
    assert infolens.entropy(t, method="binning", bins=8).method == "binning"


def test_pandas_dataframe_columns_form_joint_symbol(rng):
    a = rng.integers(0, 3, 400)
    b = rng.choice(["u", "v"], 400)
    df = pd.DataFrame({"a": a, "b": pd.Categorical(b)})
    code = a * 2 + (b == "v")
    assert infolens.entropy(df, method="plugin") == pytest.approx(
        infolens.entropy(code, method="plugin"), abs=1e-12
    )


def test_kl_plugin_matches_exact():
    p = np.repeat([0, 1, 2], [500, 300, 200])
    q = np.repeat([0, 1, 2], [300, 300, 400])
    d = infolens.kl_divergence(p, q, method="plugin", base=2)
    assert d == pytest.approx(X.kl_divergence([0.5, 0.3, 0.2], [0.3, 0.3, 0.4], base=2), abs=1e-12)
    assert d.n == 1000 and d.params["n_q"] == 1000


def test_estimators_listing():
    rows = infolens.estimators()
    names = {(e.quantity, e.name) for e in rows}
    for q in ("entropy", "mi", "cmi"):
        for m in ("plugin", "miller_madow", "grassberger", "chao_shen", "nsb", "jackknife", "binning"):
            assert (q, m) in names
    assert ("kl", "plugin") in names
    for e in rows:
        row = e.as_row()
        assert set(row) == {"name", "quantity", "kinds", "parameters", "reference"}
        assert row["reference"]
    assert all(e.quantity == "mi" for e in infolens.estimators("mi"))
    with pytest.raises(ValueError, match="quantity"):
        infolens.estimators("bogus")


# --------------------------------------------------------------------------- bad input


def test_different_lengths():
    with pytest.raises(ValueError, match="different numbers of samples"):
        infolens.mutual_information([0, 1, 0], [1, 0])


def test_discrete_method_on_float_suggests_binning(rng):
    with pytest.raises(TypeError, match="binning"):
        infolens.mutual_information(rng.normal(size=50), rng.integers(0, 2, 50), method="grassberger")


def test_continuous_only_method_on_strings_is_rejected():
    # binning declares continuous data; string labels are discrete
    with pytest.raises(TypeError, match="accept"):
        infolens.entropy(np.array(["a", "b"] * 10), method="binning")


def test_unknown_method_and_parameter(xy):
    x, y = xy
    with pytest.raises(ValueError, match="not a registered mi estimator"):
        infolens.mutual_information(x, y, method="magic")
    with pytest.raises(TypeError, match="unexpected parameter"):
        infolens.mutual_information(x, y, method="plugin", k=3)
    with pytest.raises(TypeError, match="method must be a string"):
        infolens.mutual_information(x, y, method=3)


def test_bad_base_and_ci(xy):
    x, y = xy
    with pytest.raises(ValueError, match="base"):
        infolens.entropy(x, base=1)
    with pytest.raises(ValueError, match="ci"):
        infolens.entropy(x, ci=1.5)
    with pytest.raises(ValueError, match="n_boot"):
        infolens.entropy(x, ci=0.9, n_boot=3)


def test_nan_and_shapes_are_rejected():
    with pytest.raises(ValueError, match="non-finite"):
        infolens.entropy(np.array([0.1, np.nan, 0.3]), method="binning")
    with pytest.raises(ValueError, match="shape"):
        infolens.entropy(np.zeros((3, 2, 2), dtype=int))
    with pytest.raises(ValueError, match="empty"):
        infolens.entropy(np.array([], dtype=int))


def test_input_not_mutated(rng):
    x = rng.integers(0, 3, 100)
    y = rng.normal(size=100)
    xc, yc = x.copy(), y.copy()
    infolens.mutual_information(x, y, method="binning", ci=0.9, n_boot=20, random_state=0)
    assert np.array_equal(x, xc) and np.array_equal(y, yc)


def test_ci_and_reproducibility(xy):
    x, y = xy
    a = infolens.mutual_information(x, y, method="grassberger", ci=0.9, random_state=3)
    b = infolens.mutual_information(x, y, method="grassberger", ci=0.9, random_state=3)
    assert a.ci == b.ci and a.stderr == b.stderr
    assert a.ci[0] <= float(a) <= a.ci[1]
    assert a.ci_level == 0.9 and a.params["ci_scheme"].startswith("multinomial")
    bits = infolens.mutual_information(x, y, method="grassberger", ci=0.9, random_state=3, base=2)
    assert bits.ci[0] == pytest.approx(a.ci[0] / math.log(2))


def test_api_module_lists_all():
    assert set(api.__all__) == {
        "entropy", "mutual_information", "conditional_mutual_information", "kl_divergence",
        "estimators",
    }
    assert infolens.estimate.entropy is api.entropy
