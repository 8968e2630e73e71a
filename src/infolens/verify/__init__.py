"""Numerical checks of the source text's claims, run by ``infolens verify`` and the tests.

>>> from infolens.verify import run_claims
>>> [r.passed for r in run_claims(["xor_synergy"])]
[True]
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from .claims import CLAIMS
from .record import ClaimResult, format_table, html_table

__all__ = ["CLAIMS", "ClaimResult", "run_claims", "format_table", "html_table"]

_log = logging.getLogger(__name__)


def run_claims(names: Iterable[str] | None = None, *, random_state: int = 0) -> list[ClaimResult]:
    """Run the named claims (all when ``names`` is None) and return their records.

    A claim that raises (for example because the part of the library it needs is missing)
    is reported as a failed record whose ``detail`` gives the error; it is never reported
    as passed.

    Parameters
    ----------
    names : iterable of str, optional
        Keys of :data:`CLAIMS`.
    random_state : int, default 0
        Seed passed to every claim.

    Returns
    -------
    list of ClaimResult
    """
    selected = list(CLAIMS) if names is None else list(names)
    unknown = [n for n in selected if n not in CLAIMS]
    if unknown:
        raise ValueError(f"unknown claim(s) {unknown}; choose from {sorted(CLAIMS)}.")
    out = []
    for name in selected:
        fn = CLAIMS[name]
        try:
            out.append(fn(random_state=random_state))
        except Exception as exc:  # a claim that cannot be computed fails, visibly
            _log.warning("claim %s could not be computed: %s", name, exc)
            doc = (fn.__doc__ or name).strip().splitlines()[0]
            out.append(
                ClaimResult(
                    name, doc, "—", math.nan, math.nan, 0.0,
                    detail=f"not computed: {type(exc).__name__}: {exc}",
                )
            )
    return out
