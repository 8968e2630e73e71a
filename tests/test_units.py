"""Tests of infolens.units: log bases, unit names and conversions."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infolens import units as U

bases = st.one_of(
    st.sampled_from(["e", 2, 10, math.e]),
    st.floats(1.0001, 1e6, allow_nan=False, allow_infinity=False),
)


@pytest.mark.parametrize(
    "base, expected",
    [("e", 1.0), ("nats", 1.0), (" E ", 1.0), ("bits", math.log(2)), (2, math.log(2)),
     (10, math.log(10)), (3.5, math.log(3.5)), (np.float64(2.0), math.log(2))],
)
def test_log_base(base, expected):
    assert U.log_base(base) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    "base, name",
    [("e", "nats"), (math.e, "nats"), (2, "bits"), ("bit", "bits"), (10, "hartleys"),
     (3, "log3 units")],
)
def test_unit_name(base, name):
    assert U.unit_name(base) == name


@pytest.mark.parametrize("base", ["ten", "", 1, 1.0, 0.5, 0, -3, float("nan"), float("inf")])
def test_invalid_base_value(base):
    with pytest.raises(ValueError, match=r"^base="):
        U.log_base(base)


@pytest.mark.parametrize("base", [True, False, None, object(), [2]])
def test_invalid_base_type(base):
    with pytest.raises(TypeError, match=r"^base must be"):
        U.log_base(base)


def test_known_conversions():
    assert U.convert(1.0, 2, "e") == pytest.approx(math.log(2), rel=1e-15)  # 1 bit in nats
    assert U.convert(1.0, "e", 2) == pytest.approx(1 / math.log(2), rel=1e-15)  # 1 nat in bits
    assert U.convert(1.0, 10, 2) == pytest.approx(math.log2(10), rel=1e-15)  # 1 hartley in bits
    np.testing.assert_allclose(U.from_nats(np.array([math.log(2), math.log(4)]), 2), [1.0, 2.0])


@given(v=st.floats(-1e6, 1e6), a=bases, b=bases)
@settings(max_examples=50, deadline=None)
def test_conversion_roundtrip_and_composition(v, a, b):
    assert U.convert(U.convert(v, a, b), b, a) == pytest.approx(v, rel=1e-12, abs=1e-300)
    assert U.to_nats(U.from_nats(v, a), a) == pytest.approx(v, rel=1e-12, abs=1e-300)
    # converting through nats is the same as converting directly
    direct = U.convert(v, a, b)
    assert U.from_nats(U.to_nats(v, a), b) == pytest.approx(direct, rel=1e-12, abs=1e-300)


def test_numeric_string_bases():
    from infolens.units import log_base

    assert log_base("10") == pytest.approx(np.log(10.0))
    assert log_base("2") == pytest.approx(np.log(2.0))
    for bad in ("1", "0.5", "x"):
        with pytest.raises(ValueError, match="base"):
            log_base(bad)
