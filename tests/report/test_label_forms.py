"""Labels and batches as training code holds them (issue 15, a new user's data): one-hot
label rows, and a DataLoader or Dataset whose items are dicts ({"image": ..., "label": ...},
Hugging Face style).  One-hot rows keep every column as a class, so class k stays the
model's output k even when a class is absent."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from infolens.report import build_report
from infolens.report.data import dataset_from_arrays, dataset_from_split
from infolens.report.errors import InputError


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    return (d.data / 16).astype(np.float32), d.target


def test_one_hot_rows_are_class_indices_and_absent_columns_stay_classes(digits):
    x, y = digits
    keep = y != 9  # no example of class 9: its column is all zeros
    onehot = np.eye(10, dtype=np.float32)[y[keep]]
    data = dataset_from_arrays(x[keep], onehot)
    assert data.classes == [str(c) for c in range(10)]
    assert data.n_classes == 10 and 9 not in set(data.y_train) | set(data.y_test)
    assert data.preprocessing[0].startswith("one-hot labels (10 columns) read as class indices")
    # the split keeps each row with its own label
    rows = {tuple(r): c for r, c in zip(x[keep], y[keep], strict=True)}
    assert all(rows[tuple(r)] == c for r, c in zip(data.x_test, data.y_test, strict=True))
    split = dataset_from_split(x[:500], np.eye(10)[y[:500]], x[500:600], np.eye(10)[y[500:600]])
    np.testing.assert_array_equal(split.y_test, y[500:600])


@pytest.mark.parametrize(("labels", "needle"), [
    (np.array([[1, 1, 0], [0, 1, 0]] * 10), "not one-hot"),
    (np.array([[0.5, 0.5], [1.0, 0.0]] * 10), "not one-hot"),
    (np.array([[1, 0], [1, 0]] * 10), "every one-hot label is class 0"),
])
def test_labels_that_are_not_one_hot_are_refused(labels, needle):
    with pytest.raises(InputError, match=needle):
        dataset_from_arrays(np.zeros((len(labels), 3), np.float32), labels)


def test_dict_batches_and_one_hot_batches_from_a_dataloader(tmp_path, digits):
    x, y = digits
    items = [{"image": torch.as_tensor(a), "label": int(b)} for a, b in zip(x[:300], y[:300],
                                                                              strict=True)]
    loader = torch.utils.data.DataLoader(items, batch_size=32)  # collated into dict batches
    build_report(data=loader, out=str(tmp_path / "a"), quiet=True, epochs=1,
                 sections=("training",))
    ds = json.loads((tmp_path / "a" / "results.json").read_text())["dataset"]
    assert ds["n_train"] + ds["n_test"] == 300 and ds["sample_shape"] == [64]
    onehot = torch.utils.data.TensorDataset(torch.as_tensor(x[:300]),
                                            torch.as_tensor(np.eye(10)[y[:300]]))
    build_report(data=torch.utils.data.DataLoader(onehot, batch_size=50),
                 out=str(tmp_path / "b"), quiet=True, epochs=1, sections=("training",))
    ds = json.loads((tmp_path / "b" / "results.json").read_text())["dataset"]
    assert ds["n_train"] + ds["n_test"] == 300 and ds["classes"] == [str(c) for c in range(10)]


def test_a_dict_whose_input_is_ambiguous_is_refused_with_its_keys(tmp_path, digits):
    x, y = digits
    items = [{"x": torch.as_tensor(a), "image": torch.as_tensor(a), "label": int(b)}
             for a, b in zip(x[:40], y[:40], strict=True)]
    with pytest.raises(InputError, match=r"batch 0 is a dict with keys \['image', 'label', "
                                         r"'x'\]; the report reads one input key"):
        build_report(data=torch.utils.data.DataLoader(items, batch_size=8),
                     out=str(tmp_path / "r"), quiet=True)
    assert not (tmp_path / "r").exists()
