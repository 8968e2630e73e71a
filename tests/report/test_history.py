"""`infolens report --history FILE`: the plane recorded during the user's own training."""

import json

import pytest

torch = pytest.importorskip("torch")

from infolens.cli import main  # noqa: E402
from infolens.nn import InformationPlane, track_training  # noqa: E402


def _report(*args):
    try:
        return main(["report", "--quiet", "--out", "out", *args])
    except SystemExit as exc:
        return exc.code


@pytest.fixture
def plane_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 5, generator=g)
    y = (x[:, 0] > 0).long()
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    plane = InformationPlane(net, x, y, layers=["1"], estimator="binning_range",
                             estimator_options={"bins": 6, "range": (-1, 1)},
                             path="plane.jsonl", epochs=[0, 1, 4])
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for _ in track_training(plane, 4):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return tmp_path / "plane.jsonl", plane.records


def test_history_draws_the_users_plane(plane_file, tmp_path):
    path, records = plane_file
    assert _report("--history", str(path), "--epochs", "2",
                   "--sections", "information_plane,dpi") == 0
    res = json.loads((tmp_path / "out" / "results.json").read_text())
    sec = res["sections"]["information_plane"]
    assert sec["status"] == "ok" and sec["numbers"]["history"] == str(path)
    assert sec["numbers"]["n_samples"] == 256 and sec["numbers"]["H(Y)_bits"] is None
    got = sec["numbers"]["layers"]["1"]
    assert got["epochs"] == [0, 1, 4]
    want = [r["value"] for r in records if r["quantity"] == "I(T;Y)"]
    assert got["I(T;Y)"] == pytest.approx(want)
    assert "your own training" in sec["reading"]
    assert res["sections"]["dpi"]["status"] == "ok"


@pytest.mark.parametrize("content, match", [
    (None, "no such file"),
    ("", "holds no record"),
    ('{"layer": "1"}\n', "lacks"),
    ("not json\n", "not JSON lines"),
])
def test_bad_history_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, content, match):
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "h.jsonl").write_text(content)
    assert _report("--history", "h.jsonl", "--epochs", "1") == 2
    assert match in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
