"""The information plane inside a real Lightning Trainer, and in a plain loop."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from infolens.nn import InformationPlane, lightning_callback, track_training  # noqa: E402
from infolens.nn.plane import load_records  # noqa: E402


def _data(n=128, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=g)
    y = (x[:, 0] + x[:, 1] > 0).long()
    return x, y


def test_plain_loop_records_start_and_every_completed_epoch(tmp_path):
    x, y = _data()
    net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    plane = InformationPlane(net, x, y, layers=["1"], path=tmp_path / "plane.jsonl",
                             epochs=[0, 1, 3])
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    seen = []
    for epoch in track_training(plane, 3):
        seen.append(epoch)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    assert seen == [0, 1, 2]
    assert sorted({r["epoch"] for r in plane.records}) == [0, 1, 3]  # the schedule holds
    assert load_records(tmp_path / "plane.jsonl") == json.loads(json.dumps(plane.records))


def test_plain_loop_bad_input():
    x, y = _data()
    net = torch.nn.Sequential(torch.nn.Linear(4, 2))
    with pytest.raises(TypeError, match="plane must be"):
        list(track_training(object(), 2))
    plane = InformationPlane(net, x, y, layers=["0"])
    with pytest.raises(ValueError, match="epochs must be"):
        list(track_training(plane, -1))


L = pytest.importorskip("lightning.pytorch")


class _Module(L.LightningModule):
    def __init__(self, fail_at=None):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                       torch.nn.Linear(8, 2))
        self.fail_at = fail_at

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, _):
        if self.fail_at is not None and self.current_epoch == self.fail_at:
            raise RuntimeError("boom")
        x, y = batch
        return torch.nn.functional.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def _trainer(epochs, callbacks, tmp_path):
    return L.Trainer(max_epochs=epochs, callbacks=callbacks, logger=False,
                     enable_checkpointing=False, enable_progress_bar=False,
                     enable_model_summary=False, accelerator="cpu", devices=1,
                     default_root_dir=tmp_path)


def _loader(x, y):
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=32)


def test_callback_records_inside_a_real_trainer(tmp_path):
    x, y = _data()
    module = _Module()
    plane = InformationPlane(module, x, y, layers=["net.1"], path=tmp_path / "p.jsonl")
    cb = lightning_callback(plane)
    assert isinstance(cb, L.Callback)
    _trainer(3, [cb], tmp_path).fit(module, _loader(x, y))
    epochs = sorted({r["epoch"] for r in plane.records})
    assert epochs == [0, 1, 2, 3]
    assert {r["layer"] for r in plane.records} == {"net.1"}
    on_disk = load_records(tmp_path / "p.jsonl")
    assert len(on_disk) == len(plane.records) == 8  # 4 epochs x (I(X;T), I(T;Y))
    # training changed the layer: the recorded I(T;Y) is not constant over epochs
    ity = [r["value"] for r in plane.records if r["quantity"] == "I(T;Y)"]
    assert all(np.isfinite(ity))


def test_callback_keeps_the_plane_when_training_fails(tmp_path):
    x, y = _data()
    module = _Module(fail_at=2)
    plane = InformationPlane(module, x, y, layers=["net.1"], path=tmp_path / "p.jsonl")
    with pytest.raises(RuntimeError, match="boom"):
        _trainer(5, [lightning_callback(plane)], tmp_path).fit(module, _loader(x, y))
    assert sorted({r["epoch"] for r in load_records(tmp_path / "p.jsonl")}) == [0, 1, 2]


def test_callback_refuses_a_plane_on_another_model(tmp_path):
    x, y = _data()
    other = torch.nn.Sequential(torch.nn.Linear(4, 2))
    plane = InformationPlane(other, x, y, layers=["0"])
    with pytest.raises(ValueError, match="another model"):
        _trainer(1, [lightning_callback(plane)], tmp_path).fit(_Module(), _loader(x, y))
