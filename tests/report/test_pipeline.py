"""Report pipeline details: checkpoints, custom data, atomic output, failures, escaping."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import infolens.report.sections as sections_mod
from infolens.cli import main
from infolens.report.errors import InputError
from infolens.report.model import default_mlp, load_model

FAST = ["--quiet", "--epochs", "2", "--sections", "training"]


@pytest.fixture
def replace_section():
    """Swap the function of one section (restored afterwards)."""
    saved = list(sections_mod.SECTIONS)

    def _replace(index, fn):
        key, title, _ = saved[index]
        sections_mod.SECTIONS[index] = (key, title, fn)

    yield _replace
    sections_mod.SECTIONS[:] = saved


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_state_dict_and_full_model_round_trip(tmp_path):
    torch.manual_seed(0)
    net = default_mlp(64, 10, hidden=(12, 6), dropout=0.1)
    x = torch.randn(5, 64)
    net.eval()
    ref = net(x)
    torch.save(net.state_dict(), tmp_path / "sd.pt")
    torch.save(net, tmp_path / "full.pt")
    for name in ("sd.pt", "full.pt"):
        loaded = load_model(tmp_path / name, 64, 10, dropout=0.1)
        loaded.eval()
        assert torch.equal(loaded(x), ref), name
    # dicts that are not state dicts are refused
    torch.save({"weights": [1, 2, 3]}, tmp_path / "odd.pt")
    with pytest.raises(InputError, match="refused"):
        load_model(tmp_path / "odd.pt", 64, 10)


def test_loaded_model_is_analysed_not_trained(cwd, capsys):
    torch.manual_seed(0)
    torch.save(default_mlp(64, 10).state_dict(), cwd / "m.pt")
    assert main(["report", "--model", "m.pt", "--out", "out", "--quiet", "--sections",
                 "training,weights"]) == 0
    res = json.loads((cwd / "out" / "results.json").read_text())
    assert res["model"]["source"] == "m.pt"
    assert "loaded from a checkpoint" in res["sections"]["training"]["reading"]
    assert res["sections"]["weights"]["status"] == "ok"


def test_csv_dataset_and_escaping_of_user_text(cwd):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 3))
    y = np.where(x[:, 0] + 0.3 * rng.normal(size=120) > 0, "yes", "no")
    name = "<script>evil.csv"
    (cwd / name).write_text("f1,f2,f3,label\n" + "".join(
        f"{a},{b},{c},{t}\n" for (a, b, c), t in zip(x, y, strict=True)))
    assert main(["report", "--dataset", name, "--target", "label", "--out", "out",
                 *FAST]) == 0
    res = json.loads((cwd / "out" / "results.json").read_text())
    assert res["dataset"]["classes"] == ["no", "yes"] and res["dataset"]["n_features"] == 3
    page = (cwd / "out" / "index.html").read_text()
    assert "<script>evil" not in page and "&lt;script&gt;evil.csv" in page


def test_force_replaces_a_previous_report_only(cwd):
    assert main(["report", "--out", "out", "--seed", "1", *FAST]) == 0
    assert main(["report", "--out", "out", "--seed", "2", *FAST]) == 2  # no --force
    assert json.loads((cwd / "out" / "results.json").read_text())["seed"] == 1
    assert main(["report", "--out", "out", "--seed", "2", "--force", *FAST]) == 0
    assert json.loads((cwd / "out" / "results.json").read_text())["seed"] == 2
    assert sorted(p.name for p in cwd.iterdir()) == ["out"]  # no temporary directories left


def test_interrupted_run_leaves_no_report(cwd, replace_section, capsys):
    def interrupted(ctx):
        raise KeyboardInterrupt

    replace_section(0, interrupted)
    assert main(["report", "--out", "out", *FAST]) == 130
    assert list(cwd.iterdir()) == []


def test_failing_analysis_is_shown_and_exits_1(cwd, replace_section, capsys):
    def broken(ctx):
        raise RuntimeError("boom in analysis")

    replace_section(0, broken)
    assert main(["report", "--out", "out", *FAST]) == 1
    assert "training" in capsys.readouterr().err
    res = json.loads((cwd / "out" / "results.json").read_text())
    assert res["failed_sections"] == ["training"]
    assert "boom in analysis" in res["sections"]["training"]["reading"]


def test_verify_table_added_to_a_report(cwd, monkeypatch):
    import infolens.verify as v

    monkeypatch.setattr(v, "CLAIMS", {"xor_synergy": v.CLAIMS["xor_synergy"]})
    assert main(["report", "--out", "out", "--verify", *FAST]) == 0
    res = json.loads((cwd / "out" / "results.json").read_text())
    assert res["sections"]["verify"]["numbers"]["xor_synergy"]["passed"] is True
    assert "<table class='verify'>" in (cwd / "out" / "index.html").read_text()


def test_large_splits_are_subsampled_and_said_so(cwd, monkeypatch):
    monkeypatch.setattr(sections_mod, "MAX_ANALYSIS_SAMPLES", 300)
    assert main(["report", "--out", "out", "--quiet", "--epochs", "2", "--sections",
                 "synergy"]) == 0
    res = json.loads((cwd / "out" / "results.json").read_text())
    syn = res["sections"]["synergy"]
    assert syn["status"] == "ok" and syn["numbers"]["n"] == 300
    assert "a random subset of 300 of the 1438 train samples" in syn["method"]
