"""Data saved with torch.save (issue 15: a user's data in its usual form): a dict of tensors
``x``, ``y`` (or the split's four) or a pair ``(x, y)``, read with weights_only=True; a
pickled Dataset object is refused with the way to save it, nothing written."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from infolens.cli import main
from infolens.report.data import load_dataset
from infolens.report.errors import InputError


def _xy(n=60):
    rng = np.random.default_rng(0)
    return torch.as_tensor(rng.random((n, 4, 5), dtype=np.float32)), torch.arange(n) % 3


def test_a_dict_and_a_pair_of_tensors(tmp_path):
    x, y = _xy()
    torch.save({"x": x, "y": y}, tmp_path / "d.pt")
    torch.save((x, y), tmp_path / "pair.pth")
    for name in ("d.pt", "pair.pth"):
        data = load_dataset(str(tmp_path / name))
        assert data.x_train.shape[1:] == (4, 5) and len(data.y_train) + len(data.y_test) == 60
        assert data.info["split"] == "random"
        # the rows are those saved: every test row is one of x's rows, with its label
        row = data.x_test[0]
        i = int(np.flatnonzero((x.numpy() == row).all(axis=(1, 2)))[0])
        assert data.classes[data.y_test[0]] == str(int(y[i]))


def test_a_saved_split_is_kept(tmp_path):
    x, y = _xy()
    torch.save({"x_train": x[:40], "y_train": y[:40], "x_test": x[40:], "y_test": y[40:]},
               tmp_path / "s.pt")
    data = load_dataset(str(tmp_path / "s.pt"))
    assert data.info["split"] == "given"
    np.testing.assert_array_equal(data.x_test, x[40:].numpy())


@pytest.mark.parametrize(("obj", "needle"), [
    ("dataset", "not a Dataset object"),
    ({"inputs": 1, "labels": 2}, "it holds ['inputs', 'labels']"),
    ([1, 2, 3], "it holds a list"),
])
def test_what_cannot_be_read_safely_is_refused(tmp_path, capsys, monkeypatch, obj, needle):
    x, y = _xy()
    if obj == "dataset":
        obj = torch.utils.data.TensorDataset(x, y)
    torch.save(obj, tmp_path / "bad.pt")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--dataset", "bad.pt", "--out", "rep", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert needle in err and "\x1b" not in err  # no terminal markup from torch's message
    assert not (tmp_path / "rep").exists()
    with pytest.raises(InputError, match="--dataset"):
        load_dataset(str(tmp_path / "bad.pt"))
