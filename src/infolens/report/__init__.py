"""``infolens report``: analyses of a trained model → one self-contained HTML page.

>>> from infolens.report import ReportConfig   # doctest: +SKIP
>>> build_report(ReportConfig(dataset="digits", epochs=20, out="my-report"))  # doctest: +SKIP

See :mod:`infolens.report.build` for the pipeline and :mod:`infolens.report.sections` for
what each section computes.
"""

from __future__ import annotations

from .build import ReportConfig, ReportOutcome, build_report
from .errors import InputError, Unavailable

__all__ = ["ReportConfig", "ReportOutcome", "build_report", "InputError", "Unavailable"]
