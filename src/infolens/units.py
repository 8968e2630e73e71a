"""Logarithm bases and units of information.

Every function in infolens takes ``base=``: ``"e"`` (nats, the default), ``2`` (bits),
``10`` (hartleys) or any real number greater than 1.  Internally everything is computed
in nats and divided by ``ln(base)`` at the end.
"""

from __future__ import annotations

import math

__all__ = ["Base", "log_base", "unit_name", "convert", "to_nats", "from_nats"]

Base = str | float | int

_NAMES = {math.e: "nats", 2.0: "bits", 10.0: "hartleys"}


def log_base(base: Base = "e") -> float:
    """Return ``ln(base)``, the divisor that turns nats into units of ``base``.

    Parameters
    ----------
    base : {"e", 2, 10} or float > 1
        ``"e"`` means natural logarithms (nats).

    Raises
    ------
    ValueError
        If ``base`` is not ``"e"`` and not a finite real number greater than 1.

    Examples
    --------
    >>> round(log_base(2), 6)
    0.693147
    >>> log_base("e")
    1.0
    """
    if isinstance(base, str):
        if base.strip().lower() in ("e", "nat", "nats"):
            return 1.0
        if base.strip().lower() in ("bit", "bits"):
            return math.log(2.0)
        try:  # numeric strings such as "2" or "10" (e.g. from a command line)
            numeric = float(base)
        except ValueError:
            raise ValueError(
                f"base={base!r} is not understood: use 'e' (nats), 2 (bits), 10 or any number > 1."
            ) from None
        return log_base(numeric)
    if isinstance(base, bool):
        raise TypeError("base must be 'e' or a number > 1, not a bool.")
    try:
        b = float(base)
    except (TypeError, ValueError):
        raise TypeError(
            f"base must be 'e' or a number > 1; got {type(base).__name__} {base!r}."
        ) from None
    if not math.isfinite(b) or b <= 1.0:
        raise ValueError(f"base={base!r} is invalid: a logarithm base must be a finite number > 1.")
    return math.log(b)


def unit_name(base: Base = "e") -> str:
    """Name of the unit of information for ``base`` ("nats", "bits", "hartleys", ...).

    >>> unit_name(2)
    'bits'
    """
    lb = log_base(base)
    b = math.exp(lb)
    for ref, name in _NAMES.items():
        if math.isclose(b, ref, rel_tol=1e-12):
            return name
    return f"log{b:g} units"


def from_nats(value, base: Base = "e"):
    """Convert a value (or array) measured in nats into units of ``base``."""
    return value / log_base(base)


def to_nats(value, base: Base = "e"):
    """Convert a value (or array) measured in units of ``base`` into nats."""
    return value * log_base(base)


def convert(value, from_base: Base, to_base: Base):
    """Convert an amount of information between units.

    ``convert(v, a, b) = v * ln(a) / ln(b)``.

    >>> round(convert(1.0, 2, "e"), 6)   # one bit in nats
    0.693147
    """
    return value * log_base(from_base) / log_base(to_base)
