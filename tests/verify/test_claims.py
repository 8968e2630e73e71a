"""Every claim of the source text must be confirmed by the library (infolens verify)."""

from __future__ import annotations

import math

import pytest

from infolens.verify import CLAIMS, ClaimResult, format_table, html_table, run_claims


@pytest.mark.parametrize("name", list(CLAIMS))
def test_claim_holds(name):
    (res,) = run_claims([name], random_state=0)
    assert res.name == name
    assert math.isfinite(res.measured), res.detail
    assert res.passed, f"{name}: measured {res.measured} {res.relation} {res.expected} " \
                       f"± {res.tolerance} failed — {res.detail}"
    assert res.uses, "each claim must name the public functions it exercised"
    assert all(u.startswith("infolens.") for u in res.uses)


@pytest.mark.parametrize(
    ("relation", "measured", "expected", "tol", "ok"),
    [
        ("≈", 1.0, 1.05, 0.1, True),
        ("≈", 1.0, 1.2, 0.1, False),
        ("≤", 1.05, 1.0, 0.1, True),
        ("≤", 1.2, 1.0, 0.1, False),
        ("≥", 0.95, 1.0, 0.1, True),
        ("≥", 0.8, 1.0, 0.1, False),
        ("≈", math.nan, 1.0, 0.1, False),
        ("≤", math.inf, 1.0, 0.1, False),
    ],
)
def test_pass_is_computed_from_the_numbers(relation, measured, expected, tol, ok):
    r = ClaimResult("c", "claim", "f", measured, expected, tol, relation=relation)
    assert r.passed is ok


def test_unknown_relation_and_claim_rejected():
    with pytest.raises(ValueError, match="relation"):
        ClaimResult("c", "claim", "f", 1.0, 1.0, 0.1, relation="<")
    with pytest.raises(ValueError, match="unknown claim"):
        run_claims(["no_such_claim"])


def test_missing_dependency_is_a_failure_not_a_pass(monkeypatch):
    import infolens.verify as v

    def broken(*, random_state=0):
        raise RuntimeError("needs infolens.something")

    monkeypatch.setitem(v.CLAIMS, "broken", broken)
    (res,) = v.run_claims(["broken"])
    assert not res.passed and "needs infolens.something" in res.detail
    assert res.to_dict()["measured"] is None  # JSON-safe, never NaN


def test_table_and_html_escape():
    r = ClaimResult("x<y", "a & b", "<script>", 1.0, 1.0, 0.0)
    text = format_table([r])
    assert "1/1 claims passed" in text and "PASS" in text
    page = html_table([r])
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("name", ["dropout_erasure", "anti_aliasing"])
def test_claims_hold_without_torch(monkeypatch, name):
    # torch is optional for infolens: these claims have a NumPy route, checked here
    import infolens.verify.claims as claims

    monkeypatch.setattr(claims, "_torch_nn", lambda _name: None)
    res = claims.CLAIMS[name](random_state=0)
    assert res.passed, res.detail
    assert not any(u.startswith("infolens.nn") for u in res.uses)
