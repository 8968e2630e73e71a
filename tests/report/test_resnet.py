"""A ResNet-style network (BasicBlocks with identity and 1x1-projection shortcuts, stride-2
downsampling, global average pooling) on digits upsampled to 32x32, in the three saved
forms: state dict + factory, torch.export and TorchScript (issue 15 item 6).

The report must be complete; the default layers are a handful of depths named by module
(the residual blocks, whose ReLU runs twice, stand for themselves); the conv feature maps
are kept as channel means (stated); the per-layer section is computed and not saturated.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from infolens.cli import main

MODELS = Path(__file__).with_name("resnet_models.py")


def _models():
    spec = importlib.util.spec_from_file_location("resnet_models", MODELS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    rm = _models()
    root = tmp_path_factory.mktemp("resnet")
    x, y = rm.digits32(600)
    np.savez(root / "digits32.npz", x=x, y=y)
    torch.manual_seed(0)
    net = rm.train(rm.make_resnet(), x, y, epochs=5)
    torch.save(net.state_dict(), root / "resnet_sd.pt")
    torch.jit.save(torch.jit.script(net), root / "resnet_ts.pt")
    batch = torch.export.Dim("batch")
    ep = torch.export.export(net, (torch.as_tensor(x[:4]),), dynamic_shapes=({0: batch},))
    torch.export.save(ep, root / "resnet.pt2")
    return root


def _report(root, *args):
    import shutil

    shutil.rmtree(root / "out", ignore_errors=True)
    try:
        code = main(["report", "--quiet", "--out", str(root / "out"), "--dataset",
                     str(root / "digits32.npz"), *args])
    except SystemExit as exc:
        code = exc.code
    assert code == 0
    return json.loads((root / "out" / "results.json").read_text())


BLOCKS = ["stem.2", "layer1.1", "layer2.0", "layer2.1", "layer3.1"]


@pytest.mark.parametrize(("model", "extra"), [
    ("resnet_sd.pt", ["--model-factory", f"{MODELS}:make_resnet"]),
    # the same report from torch.export: ~25 s more, so in the slow run (pytest -m slow)
    pytest.param("resnet.pt2", [], marks=pytest.mark.slow),
])
def test_resnet_state_dict_and_export_give_a_complete_report(files, model, extra, tmp_path,
                                                             open_page):
    res = _report(files, "--model", str(files / model), *extra)
    status = {k: v["status"] for k, v in res["sections"].items()}
    assert "failed" not in status.values() and res["failed_sections"] == [], status
    for key in ("training", "usable_information", "weights", "fano", "synergy"):
        assert status[key] == "ok", (key, res["sections"][key]["reading"])
    # torch.export's unflattened modules keep no stride attribute: no channel to find there
    assert status["channels"] == ("ok" if model.endswith("_sd.pt") else "not_applicable")
    for key in ("information_plane", "dpi"):  # drawn from the noisy layers: not pinned
        assert status[key] == "ok", (key, res["sections"][key]["reading"])
        assert res["sections"][key]["numbers"]["saturated"] is None
    plane = res["sections"]["information_plane"]["numbers"]["layers"]
    assert list(plane) == BLOCKS
    for name, p in plane.items():
        assert 0 <= p["I(T;Y)"] <= p["I(X;T)"] + 4 * p["dpi_gap_stderr"], name
    assert status["sufficiency"] == "ok", res["sections"]["sufficiency"]["reading"]
    # 7 candidate depths (the stem's ReLU, six residual blocks): 5 kept, evenly spaced
    assert res["model"]["layers_analysed"] == [*BLOCKS, "fc"]
    assert res["sections"]["training"]["numbers"]["test_error"] < 0.3
    red = res["model"]["activation_reductions"]
    assert "global average pooling" in red["stem.2"] and "(8, 16, 16)" in red["stem.2"]
    assert "layer3.1" not in red  # 32 x 4 x 4 = 512 values: kept whole
    per = res["sections"]["usable_information"]["numbers"]["layers"]
    assert list(per) == ["input", *BLOCKS, "fc"]
    for name, row in per.items():
        assert not row["noisy"]["saturated"], name
        assert row["noisy"]["noise_std"] > 0
        assert "value" in row and "value" in row["mlp"]
    page = (files / "out" / "index.html").read_text()
    assert "Activations kept per layer" in page and "global average pooling" in page
    dom, _ = open_page(files / "out" / "index.html", tmp_path)
    assert re.search(r'data-page-status="([^"]*)"', dom).group(1) == "ok"


def test_resnet_torchscript_analyses_its_top_level_chain(files):
    """Inside a residual stage TorchScript hides the blocks, but the top-level stages run
    in order (a flatten before fc) reproduce the output: they are the layers."""
    res = _report(files, "--model", str(files / "resnet_ts.pt"))
    assert res["model"]["format"] == "TorchScript"
    status = {k: v["status"] for k, v in res["sections"].items()}
    assert "failed" not in status.values(), status
    assert res["model"]["layers_analysed"] == ["stem", "layer1", "layer2", "layer3", "pool", "fc"]
    for key in ("training", "usable_information", "information_plane", "dpi", "sufficiency"):
        assert status[key] == "ok", (key, res["sections"][key]["reading"])
    assert res["sections"]["training"]["numbers"]["test_error"] < 0.3


def test_torchvision_resnet18_when_installed(tmp_path):
    tv = pytest.importorskip("torchvision")  # only this extra case needs torchvision
    from infolens.report import build_report

    rm = _models()
    x, y = rm.digits32(300, channels=3)
    net = tv.models.resnet18(weights=None, num_classes=10).eval()
    build_report(model=net, data=(x, y), out=str(tmp_path / "rep"), quiet=True)
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert res["failed_sections"] == []
    assert len(res["model"]["layers_analysed"]) <= 6
