"""The noisy-layer plane and DPI check of a loaded checkpoint (issue 15): impossible values
are flagged per layer, and the sections are computed, not saturated."""

from __future__ import annotations

import json

import numpy as np
import torch

from infolens.report import build_report
from infolens.report.sections.noisy_plane import noisy_flags


def _point(ixt, ity, ity_ci, gap_ci):
    return {"I(X;T)": ixt, "I(T;Y)": ity, "I(T;Y)_ci": ity_ci, "dpi_gap_ci": gap_ci}


def test_flags_each_kind_of_impossible_value():
    hy = 1.0
    ok = {"a": _point(1.5, 0.8, [0.7, 0.9], [0.5, 0.9]),
          "b": _point(0.8, 0.82, [0.7, 0.95], [-0.1, 0.05])}  # within the paired interval
    assert noisy_flags(ok, hy) == []
    bad = {"a": _point(0.5, 0.9, [0.85, 0.95], [-0.5, -0.3]),
           "b": _point(2.0, 1.2, [1.1, 1.3], [0.6, 1.0]),
           "c": _point(1.0, -0.2, [-0.3, -0.1], [1.1, 1.3])}
    flags = noisy_flags(bad, hy)
    assert len(flags) == 3
    assert flags[0].startswith("layer a") and "data processing inequality" in flags[0]
    assert flags[1].startswith("layer b") and "exceeds H(Y)" in flags[1]
    assert flags[2].startswith("layer c") and "negative" in flags[2]


def test_a_loaded_mlp_gets_noisy_points_and_the_per_layer_dpi(tmp_path):
    """An MLP passed from Python (not trained here, no history): the plane shows one point
    per hidden layer, I(T_σ;Y) <= min(H(Y), I(X;T_σ)) within the paired stderr, and the
    DPI section checks those per-layer inequalities and says why depth is not checked."""
    rng = np.random.default_rng(0)
    n = 600
    y = rng.integers(0, 3, n)
    x = (rng.standard_normal((n, 5)) + 2.0 * np.eye(5)[y]).astype(np.float32)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6),
                                torch.nn.ReLU(), torch.nn.Linear(6, 3))
    build_report(model=model, data=(x, y), out=str(tmp_path / "rep"), quiet=True,
                 sections=("information_plane", "dpi"))
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    plane, dpi = res["sections"]["information_plane"], res["sections"]["dpi"]
    assert plane["status"] == "ok" and dpi["status"] == "ok", (plane["reading"], dpi["reading"])
    pts = plane["numbers"]["layers"]
    assert list(pts) == ["1", "3"]
    for p in pts.values():
        assert 0 <= p["I(T;Y)"] <= plane["numbers"]["H(Y)_bits"] + 1e-12
        assert p["I(T;Y)"] <= p["I(X;T)"] + 4 * p["dpi_gap_stderr"]
        assert p["I(X;T)"] <= plane["numbers"]["ceiling_bits"] + 4 * p["I(X;T)_stderr"]
    assert dpi["numbers"]["per_layer"]["3"]["dpi_gap"] == pts["3"]["dpi_gap"]
    assert "monotonicity across layers is therefore not checked" in dpi["reading"]
    assert plane["numbers"]["n_samples"] == len(y) - int(res["dataset"]["n_train"])
