"""The per-layer section of a checkpoint: linear and MLP probes, and the noisy-layer I(X;T)
at a noise scale relative to each layer (issue 15 item 4)."""

from __future__ import annotations

import json
import math

import numpy as np
import torch

from infolens.report import build_report


def test_probes_and_noisy_layers_per_layer(tmp_path):
    from sklearn.datasets import load_digits

    d = load_digits()
    x = (d.data / 16).astype(np.float32)
    y = d.target
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    for _ in range(60):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.as_tensor(x)), torch.as_tensor(y)).backward()
        opt.step()
    build_report(model=model.eval(), data=(x, y), out=str(tmp_path / "rep"), quiet=True,
                 sections=("usable_information",))
    sec = json.loads((tmp_path / "rep" / "results.json").read_text())["sections"][
        "usable_information"]
    assert sec["status"] == "ok", sec["reading"]
    num = sec["numbers"]
    assert list(num["layers"]) == ["input", "1", "2"]
    ceiling = 1 / (2 * 0.5**2) / math.log(2)  # 1/(2c^2) nats in bits
    assert num["noisy_ceiling_bits"] == ceiling
    hy = num["H(Y)_bits"]
    for row in num["layers"].values():
        for probe in (row, row["mlp"]):  # both probes, each with its interval in [0, H(Y)]
            assert 0.0 <= probe["ci"][0] <= probe["value"] <= probe["ci"][1] <= hy + 1e-12
        nz = row["noisy"]
        # sigma stated per layer, relative to that layer's spread
        assert nz["noise_std"] == 0.5 * nz["layer_scale"] > 0
        assert nz["ci"][0] <= nz["value"] <= nz["ci"][1]
        assert nz["value"] <= nz["gaussian_ceiling"] + 4 * nz["stderr"] <= ceiling + 4 * nz["stderr"]
        assert not nz["saturated"]
        assert nz["bracket"][0] <= nz["bracket"][1]
    assert set(num["seconds"]) == {"linear", "mlp", "noisy"}
    assert "MLP probes" in sec["method"] and "σ per layer = 0.5" in sec["method"]
    page = (tmp_path / "rep" / "index.html").read_text()
    assert "<th>I_V MLP probe [bits]</th>" in page and "<th>σ (layer units)</th>" in page
