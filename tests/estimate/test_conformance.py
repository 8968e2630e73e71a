"""One contract for every registered estimator (a new estimator is tested once registered).

For each entry of ``infolens.estimators()``: it accepts the data kinds it declares and
rejects the others with a ``TypeError`` naming the method; ``base=2`` gives nats/ln 2;
``random_state`` makes results reproducible; ``ci=`` gives an ordered interval and a
standard error; the value is never NaN; NumPy, torch and pandas inputs agree; a
neighbour count ``k >= n`` is rejected.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

import infolens
from infolens.estimate import api

ALL = [(e.quantity, e.name) for e in infolens.estimators()]
FUNCS = {
    "entropy": infolens.entropy,
    "mi": infolens.mutual_information,
    "cmi": infolens.conditional_mutual_information,
    "kl": infolens.kl_divergence,
}
N = 240


def _ids(pair):
    return f"{pair[0]}-{pair[1]}"


def _data(quantity: str, signature: str, seed: int = 0, n: int = N) -> tuple[np.ndarray, ...]:
    """Dependent test data of the requested data kinds."""
    rng = np.random.default_rng(seed)
    if quantity == "kl":
        if signature == "discrete":
            return rng.integers(0, 4, n), rng.integers(0, 4, n + 17)
        if signature == "continuous":
            return rng.normal(size=(n, 2)), rng.normal(0.5, 1.2, size=(n + 17, 2))
        return rng.normal(size=n), rng.integers(0, 4, n)
    a = rng.integers(0, 4, n)
    b = (a + rng.integers(0, 2, n)) % 4
    c = rng.integers(0, 3, n)
    u = rng.normal(size=n)
    v = u + rng.normal(size=n)
    w = rng.normal(size=n)
    k = {"entropy": 1, "mi": 2, "cmi": 3}[quantity]
    if signature == "discrete":
        return (a, b, c)[:k]
    if signature == "continuous":
        return (np.column_stack([u, w]) if k == 1 else u, v, w)[:k]
    # mixed: continuous first, discrete last
    return {2: (u + a, a), 3: (u + a, v, a)}[k]


def _signatures(quantity: str) -> tuple[str, ...]:
    return (
        ("discrete", "continuous") if quantity == "entropy" else ("discrete", "continuous", "mixed")
    )


def _call(quantity, name, args, **kw):
    with warnings.catch_warnings():
        # tie/duplicate warnings of k-NN estimators are fine here; NaN is not
        warnings.simplefilter("ignore", UserWarning)
        return FUNCS[quantity](*args, method=name, **kw)


def _accepted(quantity, name):
    info = next(e for e in infolens.estimators(quantity) if e.name == name)
    return [s for s in _signatures(quantity) if s in info.kinds], info


def test_registry_is_populated():
    names = {n for _, n in ALL}
    for required in (
        "plugin",
        "miller_madow",
        "grassberger",
        "chao_shen",
        "nsb",
        "jackknife",
        "binning",
    ):
        assert required in names
    for q, n in ALL:
        info = next(e for e in infolens.estimators(q) if e.name == n)
        assert info.reference, (q, n)
        assert info.kinds, (q, n)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_accepts_declared_kinds_never_nan(pair):
    quantity, name = pair
    sigs, _ = _accepted(quantity, name)
    assert sigs, f"{name} declares no data kind usable for {quantity}"
    for sig in sigs:
        est = _call(quantity, name, _data(quantity, sig), random_state=0)
        assert isinstance(est, infolens.Estimate)
        assert not math.isnan(float(est))
        assert est.method == name and est.n == N
        assert est.quantity == api._LABELS[quantity]


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_rejects_undeclared_kinds_with_clear_error(pair):
    quantity, name = pair
    sigs, _ = _accepted(quantity, name)
    for sig in set(_signatures(quantity)) - set(sigs):
        with pytest.raises(TypeError, match=f"method='{name}'") as exc:
            _call(quantity, name, _data(quantity, sig))
        msg = str(exc.value)
        assert "discrete" in msg or "continuous" in msg


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_base_bits_is_nats_over_ln2(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    args = _data(quantity, sig)
    nats = _call(quantity, name, args, random_state=3)
    bits = _call(quantity, name, args, random_state=3, base=2)
    assert bits.unit == "bits" and nats.unit == "nats"
    if math.isinf(nats):
        assert math.isinf(bits)
    else:
        assert float(bits) == pytest.approx(float(nats) / math.log(2), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_random_state_reproducible(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    args = _data(quantity, sig)
    a = _call(quantity, name, args, random_state=11)
    b = _call(quantity, name, args, random_state=11)
    assert float(a) == float(b)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_ci_interval(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    args = _data(quantity, sig)
    a = _call(quantity, name, args, ci=0.9, n_boot=20, random_state=5)
    b = _call(quantity, name, args, ci=0.9, n_boot=20, random_state=5)
    assert a.ci == b.ci and a.ci_level == 0.9
    lo, hi = a.ci
    assert not (math.isnan(lo) or math.isnan(hi))
    assert lo <= hi
    assert a.stderr is not None and a.stderr >= 0
    assert a.params["ci_scheme"]


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_numpy_torch_pandas_agree(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    args = _data(quantity, sig)
    ref = float(_call(quantity, name, args, random_state=2))
    as_torch = tuple(torch.from_numpy(np.ascontiguousarray(a)) for a in args)
    as_pandas = tuple(pd.DataFrame(a) if a.ndim == 2 else pd.Series(a) for a in args)
    for variant in (as_torch, as_pandas):
        v = float(_call(quantity, name, variant, random_state=2))
        if math.isinf(ref):
            assert math.isinf(v)
        else:
            assert v == pytest.approx(ref, rel=1e-12, abs=1e-12)


K_ESTIMATORS = [
    pytest.param(p, id=_ids(p))
    for p in ALL
    if "k" in next(e for e in infolens.estimators(p[0]) if e.name == p[1]).params
]


@pytest.mark.parametrize("pair", K_ESTIMATORS)
def test_k_at_least_n_is_rejected(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    args = tuple(a[:5] for a in _data(quantity, sig))
    with pytest.raises(ValueError, match="k"):
        _call(quantity, name, args, k=5)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_unknown_parameter_rejected(pair):
    quantity, name = pair
    sig = _accepted(quantity, name)[0][0]
    with pytest.raises(TypeError, match="unexpected parameter"):
        _call(quantity, name, _data(quantity, sig), not_a_parameter=1)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_different_lengths_rejected(pair):
    quantity, name = pair
    if quantity == "kl":  # two independent samples may differ in length
        return
    sig = _accepted(quantity, name)[0][0]
    args = list(_data(quantity, sig))
    if len(args) == 1:
        return
    args[-1] = args[-1][:-3]
    with pytest.raises(ValueError, match="different numbers of samples"):
        _call(quantity, name, tuple(args))


def _constant_variant(quantity, sig):
    """The same data with the first variable made constant (a degenerate column)."""
    args = list(_data(quantity, sig))
    a = args[0]
    args[0] = np.full_like(a, a.flat[0])
    return tuple(args)


@pytest.mark.parametrize("pair", ALL, ids=_ids)
def test_constant_column_never_nan(pair):
    # A constant column is legitimate input: the estimator returns a number (never NaN) or
    # refuses with a ValueError that explains why (e.g. a singular covariance).
    quantity, name = pair
    for sig in _accepted(quantity, name)[0]:
        try:
            est = _call(quantity, name, _constant_variant(quantity, sig), random_state=0)
        except ValueError as exc:
            assert str(exc)
            continue
        assert not math.isnan(float(est))
