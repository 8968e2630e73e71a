"""Errors of the report pipeline that are the user's to fix (the CLI exits with status 2)."""

from __future__ import annotations

__all__ = ["InputError", "NotApplicable", "Unavailable"]


class InputError(ValueError):
    """Bad arguments or input files.  The message says what is wrong and how to fix it."""


class Unavailable(RuntimeError):
    """An analysis whose implementation is not part of this installation (yet).

    The report shows the section with this message instead of numbers.
    """


class NotApplicable(Unavailable):
    """An analysis that does not apply to this model or data (no observable hidden layer,
    one class in the test split, ...).  The section gets the status ``not_applicable``
    with this message as the reason."""
