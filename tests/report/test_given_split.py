"""A train/test split given with the data is kept as given (issue 15: a checkpoint's own
data).  A model trained elsewhere, evaluated on a split made here at random, may have
been trained on the "test" rows: the page says so, and the sufficiency section then does
not use the model's own test loss as a bound."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from infolens.cli import main
from infolens.report import build_report
from infolens.report.build import SPLIT_WARNING


@pytest.fixture(scope="module")
def digits():
    d = load_digits()
    x = (d.data / 16).astype(np.float32)
    return x[:600], d.target[:600], x[600:800], d.target[600:800]


@pytest.fixture(scope="module")
def model(digits):
    xtr, ytr, _, _ = digits
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
    opt = torch.optim.Adam(net.parameters(), 1e-2)
    for _ in range(150):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(torch.as_tensor(xtr)), torch.as_tensor(ytr)).backward()
        opt.step()
    return net.eval()


def _run(tmp_path, model, data):
    build_report(model=model, data=data, out=str(tmp_path / "rep"), quiet=True,
                 sections=("training", "usable_information", "sufficiency"))
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    return res, (tmp_path / "rep" / "index.html").read_text()


def test_a_split_given_from_python_is_kept(tmp_path, digits, model):
    xtr, ytr, xte, yte = digits
    res, page = _run(tmp_path, model, ((xtr, ytr), (torch.as_tensor(xte), yte)))
    ds = res["dataset"]
    assert ds["split"] == "given" and (ds["n_train"], ds["n_test"]) == (600, 200)
    assert "split as given: 600 training and 200 test rows" in ds["source"]
    assert "800 rows of 64 features (float32)" in ds["source"]  # rows and width, both
    assert "Test split: made here at random" not in page
    # the rows are the ones given, in order: the model's test error is recomputable here
    with torch.no_grad():
        err = float((model(torch.as_tensor(xte)).argmax(1).numpy() != yte).mean())
    assert res["sections"]["training"]["numbers"]["test_error"] == pytest.approx(err)
    assert "neither did the model" in res["sections"]["usable_information"]["method"]
    num = res["sections"]["sufficiency"]["numbers"]
    assert "model's predictions" in num["predictors"]


def test_a_split_given_in_an_npz_is_kept(tmp_path, digits, model):
    xtr, ytr, xte, yte = digits
    np.savez(tmp_path / "split.npz", x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    res, _ = _run(tmp_path, model, str(tmp_path / "split.npz"))
    assert res["dataset"]["split"] == "given" and res["dataset"]["n_test"] == 200


def test_a_random_split_of_a_loaded_model_is_flagged(tmp_path, digits, model):
    xtr, ytr, xte, yte = digits
    res, page = _run(tmp_path, model, (np.concatenate([xtr, xte]), np.concatenate([ytr, yte])))
    assert res["dataset"]["split"] == "random"
    assert SPLIT_WARNING.split(".")[0] in page
    assert "the model may have" in res["sections"]["usable_information"]["method"]
    # its test loss may be a training loss: not used as a lower bound on I(X;Y)
    assert "model's predictions" not in res["sections"]["sufficiency"]["numbers"]["predictors"]


@pytest.mark.parametrize(("change", "needle"), [
    ({"x_test": np.zeros((30, 8), np.float32)}, "x_train has samples of shape (64,) but x_test (8,)"),
    ({"y_test": np.zeros(5, np.int64)}, "y_test must hold one label (or one-hot row) per row of x_test (200 rows)"),
    ({"y_train": np.zeros(600, np.int64)}, "y_train holds a single class"),
    ({"x_test": np.zeros((200, 64), np.int64)}, "both must be real numbers, or both integer ids"),
])
def test_a_bad_split_exits_2_naming_the_array(tmp_path, digits, capsys, change, needle):
    xtr, ytr, xte, yte = digits
    arrays = {"x_train": xtr, "y_train": ytr, "x_test": xte, "y_test": yte, **change}
    np.savez(tmp_path / "bad.npz", **arrays)
    out = tmp_path / "rep"
    try:
        code = main(["report", "--quiet", "--dataset", str(tmp_path / "bad.npz"),
                     "--out", str(out)])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert "--dataset" in err and needle in err, err
    assert not out.exists()


def test_probe_ceiling_is_the_held_out_baseline_when_label_frequencies_differ(tmp_path, digits,
                                                                            model):
    """With a given split whose test labels are skewed (classes 0-4 only), the probes'
    baseline (test labels' cross-entropy under the training frequencies, log2 10 = 3.32 bits
    here) exceeds the test labels' own entropy (about log2 5 = 2.32 bits); a good probe's
    I_V can then exceed the latter, so the page's H(Y) must be the former."""
    xtr, ytr, xte, yte = digits
    keep = yte < 5
    res, page = _run(tmp_path, model, ((xtr, ytr), (xte[keep], yte[keep])))
    num = res["sections"]["usable_information"]["numbers"]
    base, hy = num["H(Y)_held_out_baseline_bits"], num["H(Y)_bits"]
    assert base > hy + 0.5
    values = [row["value"] for row in num["layers"].values() if "value" in row]
    assert max(values) > hy  # the situation that made the old reading impossible
    for row in num["layers"].values():
        if "value" in row:
            assert row["ci"][1] <= base + 1e-12
    reading = res["sections"]["usable_information"]["reading"]
    assert f"H(Y) = {base:.3f} bits" in reading and f"own entropy is {hy:.3f} bits" in reading
