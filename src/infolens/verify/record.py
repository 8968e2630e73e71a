"""The record every claim returns, and the table printed by ``infolens verify``."""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ClaimResult", "format_table", "html_table"]

_RELATIONS = ("≈", "≤", "≥")


@dataclass(frozen=True)
class ClaimResult:
    """Outcome of checking one claim of the source text numerically.

    Attributes
    ----------
    name : str
        Short identifier (``"affine_entropy"``).
    claim : str
        The claim in words.
    formula : str
        The formula being checked, in plain notation.
    measured : float
        What the library computed.
    expected : float
        What the claim says it should be (a closed form or the other side of an inequality).
    tolerance : float
        Allowed deviation; how it was derived is stated in ``detail``.
    relation : {"≈", "≤", "≥"}
        ``"≈"``: passes when ``|measured - expected| <= tolerance``; ``"≤"``: when
        ``measured <= expected + tolerance``; ``"≥"``: when ``measured >= expected - tolerance``.
    passed : bool
        Whether the check passed (computed from the fields above, never set by hand).
    unit : str
        Unit of ``measured`` and ``expected`` ("nats", "bits", "" for pure numbers).
    detail : str
        How the numbers were obtained: which public functions ran, sample sizes, and the
        derivation of the tolerance.
    uses : tuple of str
        Public infolens functions exercised by the claim.

    Examples
    --------
    >>> r = ClaimResult("demo", "two is about two", "x = 2", 2.01, 2.0, 0.05)
    >>> r.passed
    True
    >>> ClaimResult("demo", "bounded", "x ≤ 1", 1.2, 1.0, 0.1, relation="≤").passed
    False
    """

    name: str
    claim: str
    formula: str
    measured: float
    expected: float
    tolerance: float
    relation: str = "≈"
    unit: str = "nats"
    detail: str = ""
    uses: tuple[str, ...] = field(default_factory=tuple)
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        if self.relation not in _RELATIONS:
            raise ValueError(f"relation must be one of {_RELATIONS}; got {self.relation!r}.")
        for key in ("measured", "expected", "tolerance"):
            v = float(getattr(self, key))
            object.__setattr__(self, key, v)
        m, e, t = self.measured, self.expected, self.tolerance
        if not (math.isfinite(m) and math.isfinite(e) and math.isfinite(t)) or t < 0:
            ok = False
        elif self.relation == "≈":
            ok = abs(m - e) <= t
        elif self.relation == "≤":
            ok = m <= e + t
        else:
            ok = m >= e - t
        object.__setattr__(self, "passed", bool(ok))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-serialisable) of every field."""
        d = asdict(self)
        d["uses"] = list(self.uses)
        for key in ("measured", "expected", "tolerance"):  # JSON has no NaN/inf
            if not math.isfinite(d[key]):
                d[key] = None
        return d


def _fmt(v: float) -> str:
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.4f}"
    return f"{v:.3e}"


def format_table(results: list[ClaimResult], *, width: int = 64) -> str:
    """Plain-text table: claim, formula, measured, relation, expected, tolerance, pass."""
    head = ("claim", "formula", "measured", "", "expected", "tol", "unit", "pass")
    rows = [
        (
            r.name,
            r.formula if len(r.formula) <= width else r.formula[: width - 1] + "…",
            _fmt(r.measured),
            r.relation,
            _fmt(r.expected),
            _fmt(r.tolerance),
            r.unit,
            "PASS" if r.passed else "FAIL",
        )
        for r in results
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    n_ok = sum(r.passed for r in results)
    out += [line, f"{n_ok}/{len(results)} claims passed"]
    return "\n".join(out)


def html_table(results: list[ClaimResult]) -> str:
    """HTML fragment (a ``<table>``) of the results; every text field is escaped."""
    e = html.escape
    rows = []
    for r in results:
        cls = "pass" if r.passed else "fail"
        rows.append(
            "<tr class='{cls}'><td title='{claim}'>{name}</td><td><code>{formula}</code></td>"
            "<td>{m}</td><td>{rel}</td><td>{x}</td><td>{t}</td><td>{u}</td><td>{p}</td>"
            "<td class='detail'>{detail}</td></tr>".format(
                cls=cls,
                claim=e(r.claim, quote=True),
                name=e(r.name),
                formula=e(r.formula),
                m=e(_fmt(r.measured)),
                rel=e(r.relation),
                x=e(_fmt(r.expected)),
                t=e(_fmt(r.tolerance)),
                u=e(r.unit),
                p="PASS" if r.passed else "FAIL",
                detail=e(r.claim + " — " + r.detail),
            )
        )
    head = (
        "<tr><th>claim</th><th>formula</th><th>measured</th><th></th><th>expected</th>"
        "<th>tolerance</th><th>unit</th><th>pass</th><th>how</th></tr>"
    )
    return "<table class='verify'>" + head + "".join(rows) + "</table>"
