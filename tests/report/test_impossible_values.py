"""Impossible values are flagged, not narrated away (issue 15 item 4).

The sufficiency section compares I(X;Y) and I(T;Y) for T = f(X): the data processing
inequality gives 0 <= I(T;Y) <= I(X;Y) <= H(Y), so an estimate that breaks it beyond its
interval is a property of the estimator, and the section must say so in its status, its
reading and results.json.
"""

from __future__ import annotations

import json
import math

import numpy as np
import torch

from infolens.report import build_report
from infolens.report.sections import sufficiency_flags


def test_flags_each_kind_of_impossible_value():
    hy = math.log(2)
    assert sufficiency_flags(0.5, 0.4, [0.02, 0.18], hy) == []
    # a negative gap whose interval reaches 0 is sampling spread, not a violation
    assert sufficiency_flags(0.40, 0.45, [-0.12, 0.02], hy) == []
    flags = sufficiency_flags(0.10, 0.45, [-0.5, -0.2], hy)
    assert len(flags) == 1 and "data processing inequality" in flags[0]
    flags = sufficiency_flags(-0.05, 0.2, [-0.4, 0.1], hy)
    assert len(flags) == 1 and "I(X;Y) = -0.050 nats is negative" in flags[0]
    flags = sufficiency_flags(0.9, 0.8, [0.0, 0.2], hy)  # both above H(Y) = 0.693 nats
    assert [f.split(" =")[0] for f in flags] == ["I(X;Y)", "I(T;Y)"]
    assert all("exceeds H(Y)" in f for f in flags)


def test_dpi_violation_beyond_the_interval_is_flagged_in_the_report(tmp_path):
    """A constructed case where the k-NN estimator breaks the DPI: Y is the sign of the first
    input coordinate and 59 more coordinates are pure noise.  T = x_0 (a linear layer that
    picks it) keeps all the label information and is one-dimensional, so the Ross estimate of
    I(T;Y) is close to H(Y) = ln 2; in 60 dimensions the k nearest neighbours of a point are
    set by the noise, so I(X;Y) is estimated near 0.  The half-sampling interval of the gap
    then lies entirely below 0, which no true value can do."""
    rng = np.random.default_rng(0)
    n, d = 1000, 60
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = torch.nn.Sequential(torch.nn.Linear(d, 1, bias=False), torch.nn.Linear(1, 2))
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[0, 0] = 1.0
        model[1].weight.copy_(torch.tensor([[-4.0], [4.0]]))
        model[1].bias.zero_()
    build_report(model=model, data=(x, y), out=str(tmp_path / "rep"), quiet=True,
                 sections=("training", "sufficiency"))
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    sec = res["sections"]["sufficiency"]
    num = sec["numbers"]
    assert num["layer"] == "0"
    assert num["gap_ci"][1] < 0, num  # the construction works: I(T;Y) > I(X;Y) beyond the CI
    assert sec["status"] == "impossible"
    assert any("data processing inequality" in f for f in num["impossible_values"])
    assert sec["reading"].count("Impossible value") == 1
    assert "sufficient" not in sec["reading"]  # not explained away as "sufficient"
    page = (tmp_path / "rep" / "index.html").read_text()
    assert "impossible value" in page and "data-status='impossible'" in page


def test_an_honest_gap_is_not_flagged(tmp_path):
    """Low-dimensional X with the label in x_0: both terms are estimated well, the gap's
    interval reaches 0 or lies above it, nothing is flagged."""
    rng = np.random.default_rng(1)
    n = 800
    x = rng.standard_normal((n, 2)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.standard_normal(n) > 0).astype(np.int64)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 2))
    build_report(model=model, data=(x, y), out=str(tmp_path / "rep"), quiet=True,
                 sections=("sufficiency",))
    sec = json.loads((tmp_path / "rep" / "results.json").read_text())["sections"]["sufficiency"]
    assert sec["status"] == "ok", sec["reading"]
    assert sec["numbers"]["impossible_values"] == []
