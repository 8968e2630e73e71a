"""An image folder of photos of many sizes (issue 15, a new user's folder): refused with the
way out, ``--image-size N|HxW``, which resizes every image and says so on the page."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from infolens.cli import main
from infolens.report import build_report
from infolens.report.data import parse_image_size
from infolens.report.errors import InputError


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for cls in ("cat", "dog"):
        (root / "photos" / cls).mkdir(parents=True)
        for i in range(16):
            h, w = (int(v) for v in rng.integers(10, 30, 2))
            arr = (rng.random((h, w, 3)) * 255).astype(np.uint8)
            arr[..., 0] = 255 if cls == "dog" else arr[..., 0] // 4  # the label, in red
            Image.fromarray(arr).save(root / "photos" / cls / f"{i}.png")
    np.savez(root / "flat.npz", x=rng.random((40, 5)).astype(np.float32), y=np.arange(40) % 2)
    return root


def test_mixed_sizes_are_refused_with_the_flag_to_use(photos, capsys, monkeypatch):
    monkeypatch.chdir(photos)
    assert main(["report", "--dataset", "photos", "--out", "rep", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "different sizes" in err and "--image-size N or HxW" in err
    assert not (photos / "rep").exists()


def test_image_size_resizes_every_image_and_says_so(photos, tmp_path):
    torch.manual_seed(0)
    cnn = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(),
                              torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                              torch.nn.Linear(4, 2))
    build_report(model=cnn, data=str(photos / "photos"), image_size="12x10",
                 out=str(tmp_path / "rep"), quiet=True, sections=("training",))
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    ds = res["dataset"]
    assert ds["sample_shape"] == [3, 12, 10]  # (C, H, W): H = 12 rows, W = 10 columns
    assert ds["preprocessing"][0].startswith("each image resized to 12x10 pixels (height x "
                                             "width; Pillow, bilinear, aspect ratio not kept)")
    assert "32 RGB 12x10 images (height x width)" in ds["source"]
    page = (tmp_path / "rep" / "index.html").read_text()
    assert "each image resized to 12x10 pixels" in page


@pytest.mark.parametrize(("spec", "want"), [
    (32, (32, 32)), ("32", (32, 32)), ("64x48", (64, 48)), (" 8 X 6 ", (8, 6)), ((5, 7), (5, 7)),
])
def test_parse_image_size(spec, want):
    assert parse_image_size(spec) == want


@pytest.mark.parametrize("spec", ["0x3", "abc", "32x", "5000", True, 2.5, (3, 0), "3x4x5"])
def test_bad_image_sizes(spec):
    with pytest.raises(InputError, match="--image-size"):
        parse_image_size(spec)


def test_image_size_is_for_image_folders_only(photos, capsys, monkeypatch):
    monkeypatch.chdir(photos)
    assert main(["report", "--dataset", "flat.npz", "--image-size", "8", "--out", "r",
                 "--quiet"]) == 2
    assert "--image-size: it resizes the images of an image folder" in capsys.readouterr().err
    with pytest.raises(InputError, match="image_size"):
        build_report(data=(np.zeros((10, 3)), np.arange(10) % 2), image_size=8,
                     out=str(photos / "r2"), quiet=True)
    assert not (photos / "r").exists() and not (photos / "r2").exists()


def _digit_folder(root, parts):
    from sklearn.datasets import load_digits

    d = load_digits()
    i = 0
    for part, n in parts:
        for _ in range(n):
            folder = root / part / str(d.target[i])
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray((d.images[i] * 255 / 16).astype(np.uint8)).save(folder / f"{i}.png")
            i += 1


def test_a_train_val_layout_is_a_given_split_not_two_classes(tmp_path, monkeypatch):
    """root/train/<class>/, root/val/<class>/ (torchvision ImageFolder layout): the split is
    kept as given, the classes are the digit folders; it was read as classes 'train' and
    'val' before."""
    _digit_folder(tmp_path / "imgs", [("train", 120), ("val", 40)])
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--dataset", "imgs", "--epochs", "1", "--sections", "training",
                 "--out", "rep", "--quiet"]) == 0
    ds = json.loads((tmp_path / "rep" / "results.json").read_text())["dataset"]
    assert ds["split"] == "given" and (ds["n_train"], ds["n_test"]) == (120, 40)
    assert ds["classes"] == [str(c) for c in range(10)]
    assert "the training part from train/" in ds["source"]
    assert "the test part from val/" in ds["source"]


def test_test_is_preferred_over_val_and_the_rest_is_named(tmp_path):
    _digit_folder(tmp_path / "imgs", [("train", 100), ("val", 30), ("test", 30), ("extra", 5)])
    from infolens.report.data import load_dataset

    data = load_dataset(str(tmp_path / "imgs"))
    assert (len(data.y_train), len(data.y_test)) == (100, 30)
    assert "the test part from test/" in data.source and "not used: extra/, val/" in data.source


def test_a_class_named_train_holding_images_stays_a_class(tmp_path):
    _digit_folder(tmp_path / "imgs", [("train", 20), ("val", 20)])
    for part in ("train", "val"):  # images directly in train/ and val/: two classes
        for f in (tmp_path / "imgs" / part).rglob("*.png"):
            f.rename(tmp_path / "imgs" / part / f.name)
        for d in list((tmp_path / "imgs" / part).iterdir()):
            if d.is_dir():
                d.rmdir()
    from infolens.report.data import load_dataset

    data = load_dataset(str(tmp_path / "imgs"))
    assert data.classes == ["train", "val"] and data.info["split"] == "random"
