"""Your own model and data (issue 15, first slice): every usual model format and data form
gives a complete report, and each kind of bad input exits 2 naming the flag.

The architectures are built here: a small CNN with BatchNorm and pooling on the digits as
(N, 1, 8, 8) images; an LSTM and a TransformerEncoder on token sequences (N, L).
"""

from __future__ import annotations

import json
import re
import textwrap

import numpy as np
import pytest
import torch

from infolens.cli import main
from infolens.report import build_report

MODELS_PY = textwrap.dedent('''
    import torch
    from torch import nn


    class SmallCNN(nn.Module):
        def __init__(self, classes=10):
            super().__init__()
            self.conv = nn.Conv2d(1, 6, 3, padding=1)
            self.bn = nn.BatchNorm2d(6)
            self.act = nn.ReLU()
            self.pool = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(6 * 16, 16)
            self.act2 = nn.ReLU()
            self.out = nn.Linear(16, classes)

        def forward(self, x):
            h = self.pool(self.act(self.bn(self.conv(x))))
            return self.out(self.act2(self.fc1(h.flatten(1))))


    class TokenLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(12, 8)
            self.lstm = nn.LSTM(8, 12, batch_first=True)
            self.head = nn.Linear(12, 2)

        def forward(self, x):
            out, _ = self.lstm(self.emb(x))
            return self.head(out[:, -1])


    class TokenTransformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(12, 16)
            layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.1, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, 1)
            self.head = nn.Linear(16, 2)

        def forward(self, x):
            return self.head(self.enc(self.emb(x)).mean(1))


    def make_cnn():
        return SmallCNN()

    def make_cnn5():
        return SmallCNN(classes=5)

    def make_lstm():
        return TokenLSTM()

    def make_transformer():
        return TokenTransformer()

    def broken():
        raise RuntimeError("no GPU here")

    def not_a_module():
        return {"weights": 1}
''')


def _fit(model, x, y, steps):
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), 1e-2)
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()
    return model.eval()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Data files and trained models in every format, in one folder."""
    import importlib.util

    from sklearn.datasets import load_digits

    root = tmp_path_factory.mktemp("forms")
    (root / "models.py").write_text(MODELS_PY)
    spec = importlib.util.spec_from_file_location("models", root / "models.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = load_digits()
    x = (d.images[:300] / 16).astype(np.float32)[:, None]  # (N, 1, 8, 8)
    y = d.target[:300]
    np.savez(root / "digits_img.npz", x=x, y=y)
    rng = np.random.default_rng(0)
    tok = rng.integers(0, 12, size=(240, 10))
    lab = (tok == 3).any(axis=1).astype(np.int64)
    np.savez(root / "tokens.npz", x=tok, y=lab)
    torch.manual_seed(0)
    cnn = _fit(mod.make_cnn(), x, y, 40)
    torch.save(cnn.state_dict(), root / "cnn_sd.pt")
    torch.jit.save(torch.jit.script(cnn), root / "cnn_ts.bin")  # detected by content
    batch = torch.export.Dim("batch")
    ep = torch.export.export(cnn, (torch.as_tensor(x[:4]),), dynamic_shapes=({0: batch},))
    torch.export.save(ep, root / "cnn.pt2")
    static = torch.export.export(cnn, (torch.as_tensor(x[:4]),))
    torch.export.save(static, root / "cnn_static.pt2")
    lstm = _fit(mod.make_lstm(), tok, lab, 40)
    torch.save(lstm.state_dict(), root / "lstm_sd.pt")
    torch.save(mod.make_cnn5().state_dict(), root / "cnn5_sd.pt")
    return {"root": root, "mod": mod, "x": x, "y": y, "tok": tok, "lab": lab, "cnn": cnn,
            "lstm": lstm}


@pytest.fixture
def cwd(files, monkeypatch):
    monkeypatch.chdir(files["root"])
    import shutil

    for p in files["root"].glob("out*"):
        shutil.rmtree(p)
    return files["root"]


def _report(*args):
    try:
        return main(["report", "--quiet", "--out", "out", *args])
    except SystemExit as exc:
        return exc.code


def _results(root):
    return json.loads((root / "out" / "results.json").read_text())


def _complete(res, *, hidden=True):
    """Every section is there; none failed; the hidden-layer sections computed.  The plane
    and the DPI check of a loaded (untrained-here) model are drawn from the noisy layers
    (sigma relative to each layer) and must be computed, not saturated; usable information
    never saturates."""
    status = {k: v["status"] for k, v in res["sections"].items()}
    assert len(status) == 10 and "failed" not in status.values(), status
    assert res["failed_sections"] == []
    assert status["usable_information"] == "ok", res["sections"]["usable_information"]["reading"]
    _check_sufficiency(res)
    if hidden:
        for key in ("fano", "synergy", "weights"):
            assert status[key] == "ok", (key, res["sections"][key]["reading"])
        for key in ("information_plane", "dpi"):
            assert status[key] == "ok", (key, res["sections"][key]["reading"])
            num = res["sections"][key]["numbers"]
            assert num["mode"] == "noisy_layers" and num["saturated"] is None
            assert num["impossible_values"] == []
        _check_noisy_plane(res)
    return status


def _check_sufficiency(res):
    """The sufficiency bounds are computed for every model (T is the output when no hidden
    layer can be hooked) and obey what they bound: 0 <= gap bound <= its 95% end <= H(Y);
    the lower bound on I(X;Y) is a maximum over representations that includes T, so it is
    at least T's own lower bound H(Y) - CE(T); nothing exceeds H(Y)."""
    sec = res["sections"]["sufficiency"]
    assert sec["status"] == "ok", sec["reading"]
    num = sec["numbers"]
    hy = num["H(Y)_bits"]
    assert 0.0 <= num["gap_upper_bits"] <= num["gap_upper_95_bits"] <= hy + 1e-12, num
    assert num["I(T;Y)_lower_bits"] <= num["I(X;Y)_lower_bits"] + 1e-12
    assert 0.0 <= num["I(X;Y)_lower_95_bits"] <= num["I(X;Y)_lower_bits"] <= hy + 1e-12
    assert sec["figures"]


def _check_noisy_plane(res):
    """The checkpoint's plane: one point per hidden layer, both coordinates bounded as the
    theory says (I(X;T_σ) <= 1/(2c²) nats, I(T_σ;Y) <= H(Y) exactly and <= I(X;T_σ) within
    4 paired stderr), the I(X;T_σ) equal to the per-layer section's, and the DPI section
    saying why depth monotonicity is not checked."""
    plane = res["sections"]["information_plane"]["numbers"]
    per = res["sections"]["usable_information"]["numbers"]["layers"]
    hidden = res["model"]["layers_analysed"][:-1]
    assert list(plane["layers"]) == hidden
    for name, p in plane["layers"].items():
        assert 0 < p["I(X;T)"] <= plane["ceiling_bits"] + 4 * p["I(X;T)_stderr"], name
        assert 0 <= p["I(T;Y)"] <= plane["H(Y)_bits"] + 1e-9, name
        assert p["I(T;Y)"] <= p["I(X;T)"] + 4 * p["dpi_gap_stderr"], name
        assert p["noise_std"] > 0 and not p["saturated"]
        assert p["I(X;T)"] == per[name]["noisy"]["value"]  # computed once, shared
    dpi = res["sections"]["dpi"]
    assert dpi["numbers"]["depth_monotonicity_checked"] is False
    assert "not a Markov chain" in dpi["reading"]
    assert "σ = 0.5 × the layer's spread" in res["sections"]["information_plane"]["reading"]


@pytest.mark.parametrize(("model", "extra"), [
    ("cnn_sd.pt", ["--model-factory", "models.py:make_cnn"]),
    ("cnn.pt2", []),
])
def test_cnn_on_images_state_dict_and_export(cwd, model, extra, open_page, tmp_path):
    assert _report("--model", model, *extra, "--dataset", "digits_img.npz") == 0
    res = _results(cwd)
    _complete(res)
    assert res["dataset"]["sample_shape"] == [1, 8, 8]
    assert res["dataset"]["preprocessing"] == []  # a loaded model sees the data unchanged
    assert res["model"]["layers_analysed"] == ["act", "act2", "out"]
    assert res["sections"]["training"]["numbers"]["train_error"] < 0.2  # the weights loaded
    assert res["sections"]["sufficiency"]["numbers"]["layer"] == "act2"
    page = (cwd / "out" / "index.html").read_text()
    assert "Data as the model saw it: the values as given" in page
    _page_opens(cwd / "out", open_page, tmp_path)


def _page_opens(out, open_page, tmp_path):
    """The page in ``out`` loads in headless Chromium with every image decoded and no script
    error (the page's own check), and draws something (not a blank screenshot)."""
    dom, pixels = open_page(out / "index.html", tmp_path)
    assert re.search(r'data-page-status="([^"]*)"', dom).group(1) == "ok"
    assert pixels.std() > 10


def test_torchscript_detected_by_content_analyses_its_layer_chain(cwd, files):
    """The CNN's scripted submodules run in order (a flatten before fc1) reproduce its
    output, so its layers are analysed as for the eager model."""
    assert _report("--model", "cnn_ts.bin", "--dataset", "digits_img.npz") == 0
    res = _results(cwd)
    status = _complete(res)
    assert res["model"]["format"] == "TorchScript"
    assert res["model"]["layers_analysed"] == ["act", "act2", "out"]
    assert "with the input of fc1 flattened" in res["model"]["how_loaded"]
    assert status["training"] == "ok" and status["weights"] == "ok"
    err = res["sections"]["training"]["numbers"]["train_error"]
    assert err < 0.2


def test_lstm_on_token_ids_from_npz(cwd, open_page, tmp_path):
    assert _report("--model", "lstm_sd.pt", "--model-factory", "models.py:make_lstm",
                   "--dataset", "tokens.npz", "--batch-size", "64") == 0
    res = _results(cwd)
    status = _complete(res)
    assert res["dataset"]["dtype"] == "int64" and res["dataset"]["sample_shape"] == [10]
    assert status["sufficiency"] == "ok"  # probes read the layers, not the token ids
    # the LSTM returns (outputs, (h, c)): its per-step outputs are the representation
    assert res["model"]["layers_analysed"] == ["emb", "lstm", "head"]
    assert "first element of its tuple output" in res["model"]["activation_reductions"]["lstm"]
    assert "lstm" in res["sections"]["usable_information"]["numbers"]["layers"]
    _page_opens(cwd / "out", open_page, tmp_path)


def test_transformer_and_dataloader_through_the_python_api(tmp_path, files, open_page):
    model = _fit(files["mod"].make_transformer(), files["tok"], files["lab"], 30)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.as_tensor(files["tok"]),
                                       torch.as_tensor(files["lab"])), batch_size=50)
    out = build_report(model=model, data=loader, out=str(tmp_path / "rep"), quiet=True,
                       device="cpu")
    res = json.loads((out.out / "results.json").read_text())
    _complete(res)
    assert res["model"]["source"] == "passed from Python"
    assert "enc" in res["model"]["layers_analysed"]
    assert "passed in from Python" in res["sections"]["training"]["reading"]
    _page_opens(out.out, open_page, tmp_path)


def test_full_pickle_needs_trust_and_the_refusal_lists_the_safe_ways(cwd, files, monkeypatch,
                                                                     capsys):
    monkeypatch.syspath_prepend(str(cwd))  # the class must be importable to unpickle it
    import models  # noqa: F401  (the same module the pickle names)

    cnn = models.make_cnn()
    cnn.load_state_dict(files["cnn"].state_dict())
    torch.save(cnn, cwd / "cnn_full.pt")
    assert _report("--model", "cnn_full.pt", "--dataset", "digits_img.npz") == 2
    err = capsys.readouterr().err
    for needle in ("refused", "--model-factory", "torch.jit.save", "torch.export.save",
                   "--trust-checkpoint"):
        assert needle in err, needle
    assert not (cwd / "out").exists()
    assert _report("--model", "cnn_full.pt", "--trust-checkpoint", "--dataset",
                   "digits_img.npz", "--sections", "training") == 0
    assert _results(cwd)["model"]["format"] == "full model (trusted pickle)"


def test_standardize_and_flatten_are_stated(cwd):
    assert _report("--dataset", "digits_img.npz", "--epochs", "2", "--sections",
                   "training") == 0  # built-in model trained here: auto standardises
    pre = _results(cwd)["dataset"]["preprocessing"]
    assert "standardised" in pre[0] and "flattened to 64 features" in pre[1]
    assert "flattened to 64 features" in (cwd / "out" / "index.html").read_text()
    assert _report("--model", "cnn_sd.pt", "--model-factory", "models.py:make_cnn",
                   "--dataset", "digits_img.npz", "--standardize", "on", "--force",
                   "--sections", "training") == 0
    pre = _results(cwd)["dataset"]["preprocessing"]
    assert len(pre) == 1 and "each of the 64 input values (per position) standardised" in pre[0]


def test_image_folder_npy_and_parquet(cwd, files):
    from PIL import Image

    folder = cwd / "imgs"
    for i in range(40):
        cls = folder / ("even" if files["y"][i] % 2 == 0 else "odd")
        cls.mkdir(parents=True, exist_ok=True)
        Image.fromarray((files["x"][i, 0] * 255).astype(np.uint8), "L").save(cls / f"{i}.png")
    assert _report("--model", "cnn5_sd.pt", "--model-factory", "models.py:make_cnn5",
                   "--dataset", "imgs") == 2  # 5 logits for 2 classes
    assert _report("--dataset", "imgs", "--epochs", "1", "--sections", "training") == 0
    res = _results(cwd)
    assert res["dataset"]["classes"] == ["even", "odd"]
    assert res["dataset"]["sample_shape"] == [64]  # flattened for the built-in MLP (stated)
    assert "divided by 255" in res["dataset"]["preprocessing"][0]
    assert "greyscale 8x8 images" in res["dataset"]["source"]
    np.save(cwd / "x.npy", files["x"])
    np.save(cwd / "y.npy", files["y"])
    assert _report("--model", "cnn_sd.pt", "--model-factory", "models.py:make_cnn",
                   "--dataset", "x.npy", "--target", "y.npy", "--force",
                   "--sections", "training") == 0
    assert _results(cwd)["dataset"]["sample_shape"] == [1, 8, 8]
    import pandas as pd

    frame = pd.DataFrame(files["x"].reshape(300, -1), columns=[f"p{i}" for i in range(64)])
    frame["digit"] = files["y"]
    frame.to_parquet(cwd / "d.parquet")
    assert _report("--dataset", "d.parquet", "--target", "digit", "--epochs", "1", "--force",
                   "--sections", "training") == 0
    assert _results(cwd)["dataset"]["n_features"] == 64


# ---------------------------------------------------------------------------------------
# bad input: exit 2, the flag named, nothing written
@pytest.mark.parametrize(("args", "needles"), [
    (["--model", "cnn_sd.pt", "--model-factory", "models.py:broken"],
     ["--model-factory models.py:broken", "RuntimeError: no GPU here"]),
    (["--model", "cnn_sd.pt", "--model-factory", "models.py:not_a_module"],
     ["--model-factory", "dict", "not a torch.nn.Module"]),
    (["--model", "cnn_sd.pt", "--model-factory", "models.py:nope"],
     ["--model-factory", "no callable 'nope'"]),
    (["--model", "cnn5_sd.pt", "--model-factory", "models.py:make_cnn5"],
     ["--model cnn5_sd.pt", "(5,) per sample", "10 classes"]),
    (["--model", "cnn_sd.pt", "--model-factory", "models.py:make_lstm"],
     ["--model cnn_sd.pt", "missing keys: emb.weight", "unexpected keys: conv.weight"]),
    (["--model", "cnn_sd.pt"], ["--model-factory", "state dict"]),
    (["--model", "cnn_sd.pt", "--model-factory", "models.py:make_cnn", "--dataset", "digits"],
     ["--model cnn_sd.pt with --dataset digits", "shape (64,)", "Conv2d", "(C, H, W)",
      "C = 1"]),
    (["--model", "cnn_static.pt2"], ["fixed batch size", "dynamic_shapes"]),
    (["--model", "cnn.pt2", "--model-factory", "models.py:make_cnn"],
     ["--model-factory", "drop --model-factory"]),
    (["--model", "cnn.pt2", "--epochs", "5"], ["--epochs 5", "not trained"]),
    (["--model", "cnn.pt2", "--hidden", "8,4"], ["--hidden"]),
    (["--model-factory", "models.py:make_cnn"], ["--model-factory", "pass --model"]),
    (["--standardize", "maybe"], ["--standardize"]),
    (["--batch-size", "0"], ["--batch-size"]),
    (["--device", "tpu"], ["--device"]),
])
def test_bad_model_input(cwd, capsys, args, needles):
    if "--dataset" not in args:
        args = [*args, "--dataset", "digits_img.npz"]
    assert _report(*args) == 2
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, (needle, err)
    assert not (cwd / "out").exists()
    assert not list(cwd.glob(".out*"))


def test_cuda_without_cuda_is_refused_before_any_work(cwd, capsys):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    assert _report("--device", "cuda", "--dataset", "digits_img.npz") == 2
    assert "--device cuda: CUDA is not available" in capsys.readouterr().err


def test_one_class_labels_and_data_the_model_rejects(cwd, files, capsys):
    np.savez(cwd / "one.npz", x=files["x"], y=np.zeros(300))
    assert _report("--model", "cnn.pt2", "--dataset", "one.npz") == 2
    assert "single value" in capsys.readouterr().err
    assert _report("--model", "lstm_sd.pt", "--model-factory", "models.py:make_lstm",
                   "--dataset", "digits_img.npz") == 2
    err = capsys.readouterr().err
    assert "rejects samples of shape (1, 8, 8) (float32)" in err and "Embedding" in err
    assert not (cwd / "out").exists()


def test_layers_by_module_name_and_type(cwd):
    assert _report("--model", "cnn_sd.pt", "--model-factory", "models.py:make_cnn",
                   "--dataset", "digits_img.npz", "--layers", "bn,Linear",
                   "--sections", "usable_information") == 0
    res = _results(cwd)
    # the named module and every Linear, in module order; the logits layer (out) is a Linear
    assert res["model"]["layers_analysed"] == ["bn", "fc1", "out"]
    layers = res["sections"]["usable_information"]["numbers"]["layers"]
    assert list(layers) == ["input", "bn", "fc1", "out"]
    assert all(0.0 <= v["ci"][0] <= v["value"] + 1e-12 for v in layers.values())


def test_layers_naming_nothing_lists_names_and_types(cwd, capsys):
    assert _report("--model", "cnn_sd.pt", "--model-factory", "models.py:make_cnn",
                   "--dataset", "digits_img.npz", "--layers", "conv,layer9") == 2
    err = capsys.readouterr().err
    assert "--layers: 'layer9'" in err and "names: conv, bn, act" in err
    assert "types: BatchNorm2d, Conv2d" in err
    assert not (cwd / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["TorchScript", "torch.export"])
@pytest.mark.parametrize("arch", ["lstm", "transformer"])
def test_sequence_models_in_the_other_formats(cwd, files, arch, fmt, open_page, tmp_path):
    """The LSTM and the TransformerEncoder saved as TorchScript and as torch.export
    programs: a complete report each, with the hidden-layer sections (the export's layers
    are hooked; TorchScript's are read from its tapped forward graph, as these forwards
    are not a chain), and the page loads in headless Chromium without an error."""
    if arch == "lstm":
        model = files["lstm"]
    else:
        torch.manual_seed(0)
        model = _fit(files["mod"].make_transformer(), files["tok"], files["lab"], 30)
    model.eval()
    path = cwd / f"{arch}_{'ts.pt' if fmt == 'TorchScript' else 'prog.pt2'}"
    if fmt == "TorchScript":
        torch.jit.save(torch.jit.script(model), path)
    else:
        ep = torch.export.export(model, (torch.as_tensor(files["tok"][:4]),),
                                 dynamic_shapes=({0: torch.export.Dim("batch")},))
        torch.export.save(ep, path)
    assert _report("--model", path.name, "--dataset", "tokens.npz", "--force") == 0
    res = _results(cwd)
    assert res["model"]["format"] == fmt
    status = _complete(res, hidden=True)
    if fmt == "TorchScript":
        assert "copy of its forward graph" in res["model"]["how_loaded"]
    assert res["model"]["layers_analysed"][-1] == "head"
    assert len(res["model"]["layers_analysed"]) >= 2
    assert status["sufficiency"] == "ok"
    _page_opens(cwd / "out", open_page, tmp_path)
