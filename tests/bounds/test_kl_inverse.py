"""binary_kl and its inverses against closed forms and their defining properties."""

import math

import numpy as np
import pytest

from infolens.bounds import binary_kl, kl_inv_lower, kl_inv_upper


def test_binary_kl_closed_form():
    q, p = 0.3, 0.6
    expected = q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p))
    assert binary_kl(q, p) == pytest.approx(expected, rel=1e-14)
    assert binary_kl(0.2, 0.2) == 0.0
    assert binary_kl(0.0, 0.5) == pytest.approx(math.log(2), rel=1e-14)
    assert math.isinf(binary_kl(0.5, 1.0)) and math.isinf(binary_kl(0.5, 0.0))
    assert binary_kl(1.0, 1.0) == 0.0 and binary_kl(0.0, 0.0) == 0.0


@pytest.mark.parametrize("q", [0.0, 1e-9, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9])
@pytest.mark.parametrize("c", [1e-8, 1e-3, 0.1, 1.0, 5.0])
def test_inverses_are_inverses(q, c):
    up = kl_inv_upper(q, c)
    lo = kl_inv_lower(q, c)
    assert lo <= q <= up
    # conservative ends of the bisection bracket: kl at the returned point is >= c (or the
    # point is the end of the interval), and a hair inside it is <= c.  Tolerance: kl is a
    # difference of terms of size <= ~1, so its float evaluation is accurate to ~1e-15 absolute.
    tol = 1e-14
    if up < 1.0:
        assert binary_kl(q, up) >= c - tol
        assert binary_kl(q, up - 1e-12) <= c + tol
    if lo > 0.0:
        assert binary_kl(q, lo) >= c - tol
        assert binary_kl(q, lo + 1e-12) <= c + tol


def test_q_zero_closed_form():
    # kl(0||p) = -ln(1-p) => sup{p: kl <= c} = 1 - exp(-c)
    for c in [1e-6, 0.01, 1.0, 20.0]:
        assert kl_inv_upper(0.0, c) == pytest.approx(-math.expm1(-c), rel=1e-12, abs=1e-15)
    # kl(1||p) = -ln p => inf{p: kl <= c} = exp(-c)
    for c in [1e-6, 0.01, 1.0, 20.0]:
        assert kl_inv_lower(1.0, c) == pytest.approx(math.exp(-c), rel=1e-12)


@pytest.mark.parametrize("q", [0.0, 0.05, 0.5, 0.99, 1.0])
def test_huge_budget_gives_trivial_bound_not_empirical_value(q):
    # regression for the public-code bug where a Newton iteration started at q returned q
    for c in [50.0, 1e3, 1e9, math.inf]:
        assert kl_inv_upper(q, c) == 1.0
    # the lower inverse at c = 50 is a genuine tiny number (p ~ e^-100 for q = 1/2); budgets
    # beyond ~745 nats put it below the smallest double
    for c in [1e3, 1e9, math.inf]:
        assert kl_inv_lower(q, c) == 0.0


def test_zero_budget_returns_q():
    for q in [0.0, 0.2, 1.0]:
        assert kl_inv_upper(q, 0.0) == pytest.approx(q, abs=1e-12)
        assert kl_inv_lower(q, 0.0) == pytest.approx(q, abs=1e-12)


def test_vectorised_matches_scalar():
    q = np.array([0.0, 0.1, 0.4])
    c = np.array([0.5, 0.01, 2.0])
    v = kl_inv_upper(q, c)
    assert v.shape == (3,)
    assert np.allclose(v, [kl_inv_upper(a, b) for a, b in zip(q, c, strict=True)], rtol=0, atol=0)


def test_pinsker_relation():
    # Pinsker: kl(q||p) >= 2 (p-q)^2 => kl_inv_upper(q, c) <= q + sqrt(c/2)
    for q in [0.0, 0.1, 0.5]:
        for c in [0.001, 0.05]:
            assert kl_inv_upper(q, c) <= q + math.sqrt(c / 2) + 1e-15


def test_bad_input():
    with pytest.raises(ValueError, match="q must be probabilities"):
        kl_inv_upper(1.5, 0.1)
    with pytest.raises(ValueError, match="c must be >= 0"):
        kl_inv_upper(0.1, -1.0)
    with pytest.raises(ValueError, match="q must be probabilities"):
        binary_kl(float("nan"), 0.2)


def test_every_public_name_resolves():
    import infolens.bounds as b

    for name in b.__all__:
        assert getattr(b, name) is not None
    with pytest.raises(AttributeError):
        b.no_such_bound  # noqa: B018
