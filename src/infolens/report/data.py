"""Datasets for ``infolens report``: built-in ones, user files and in-memory data.

Sources: ``digits``, ``tishby12``; ``.npz`` (arrays ``x``, ``y``, or a split given as
``x_train``, ``y_train``, ``x_test``, ``y_test``) and ``.npy`` (``x``, with
the labels in another ``.npy`` named by ``--target``) holding samples of any shape —
(N, d) features, (N, C, H, W) images, (N, L) token ids, (N, L, D) sequences; a folder of
images with one subfolder per class (read with Pillow); ``.csv`` / ``.parquet`` tables with
a label column; and, from Python, arrays, a torch ``Dataset`` or a ``DataLoader``
(:func:`dataset_from_arrays`, :func:`arrays_from_torch`).

Every source goes through the same checks (one door for input); a problem becomes an
:class:`InputError` whose message names the flag and the file, what is wrong and what to
do.  Nothing is done to the values silently: every step (scaling, standardisation,
flattening, a cast) is recorded in :attr:`Dataset.preprocessing` and printed on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError

__all__ = ["Dataset", "load_dataset", "dataset_from_arrays", "arrays_from_torch", "standardise",
           "flatten"]

BUILTIN = ("digits", "tishby12")
_MIN_SAMPLES = 20


@dataclass
class Dataset:
    """Train/test split ready for a classifier.

    Attributes
    ----------
    name : str
        ``"digits"``, ``"tishby12"`` or the file name.
    x_train, x_test : ndarray, shape (n, *sample_shape)
        float32 (integer inputs such as token ids stay int64 unless the built-in model
        is trained on them).
    y_train, y_test : ndarray of int64, shape (n,)
        Class indices ``0..n_classes-1``.
    classes : list
        Original label of each class index (as str).
    source : str
        Where the data came from (one sentence).
    preprocessing : list of str
        Every step applied to the values, in order (empty: the values as given).
    """

    name: str
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    classes: list[str]
    source: str
    preprocessing: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.x_train.shape[1:])

    @property
    def n_features(self) -> int:
        """Values per sample (the product of :attr:`sample_shape`)."""
        return int(np.prod(self.sample_shape, dtype=np.int64))

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def description(self) -> str:
        """Source and preprocessing in words, as the page states them."""
        steps = "; ".join(self.preprocessing) if self.preprocessing else (
            "no preprocessing: the model sees the values as given")
        return f"{self.source} Preprocessing: {steps}."

    def flat(self, split: str) -> np.ndarray:
        """Samples of ``split`` as rows of ``n_features`` values (C order)."""
        x = self.x_test if split == "test" else self.x_train
        return x.reshape(len(x), -1)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n_train": int(len(self.y_train)),
            "n_test": int(len(self.y_test)),
            "sample_shape": list(self.sample_shape),
            "dtype": str(self.x_train.dtype),
            "n_features": self.n_features,
            "n_classes": self.n_classes,
            "classes": list(self.classes),
            "source": self.source,
            "preprocessing": list(self.preprocessing),
            "description": self.description,
            **self.info,
        }

    def shape_text(self) -> str:
        """``"(1, 8, 8) float32 samples"`` or ``"64 features"`` for the page."""
        if len(self.sample_shape) == 1:
            return f"{self.n_features} features"
        return f"samples of shape {self.sample_shape} ({self.x_train.dtype})"


def _split(x: np.ndarray, y: np.ndarray, seed: int, test_size: float) -> tuple[np.ndarray, ...]:
    from sklearn.model_selection import train_test_split

    counts = np.bincount(y)
    stratify = y if counts.min() >= 2 else None
    return train_test_split(x, y, test_size=test_size, random_state=seed, stratify=stratify)


def _encode_labels(y: np.ndarray, where: str) -> tuple[np.ndarray, list[str]]:
    if y.ndim != 1:
        raise InputError(
            f"{where}: labels must be one value per sample (a 1-D array); got shape {y.shape}."
        )
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)):
            bad = int(np.flatnonzero(~np.isfinite(y))[0])
            raise InputError(
                f"{where}: the labels contain NaN or inf (first at row {bad}); remove those "
                "rows or fill in their labels."
            )
        if not np.all(y == np.round(y)):
            raise InputError(
                f"{where}: the labels are non-integer numbers (e.g. {y[y != np.round(y)][0]!r}); "
                "the report analyses classifiers, so the target must hold class labels."
            )
        y = y.astype(np.int64)
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise InputError(f"{where}: the labels take a single value ({classes[0]!r}); at least two "
                         "classes are needed.")
    if len(classes) > 1000:
        raise InputError(f"{where}: the labels take {len(classes)} distinct values; the report "
                         "expects a classification target (at most 1000 classes).")
    return codes.astype(np.int64), [str(c) for c in classes]


def _check_features(x: Any, where: str) -> np.ndarray:
    """Samples first, any sample shape; numbers only; finite; at least 20 samples."""
    arr = np.asarray(x)
    if arr.ndim < 2:
        raise InputError(
            f"{where}: features must be an array of at least 2-D (samples first, then the "
            f"sample shape); got shape {arr.shape}. Reshape a single feature to a column, "
            "e.g. x.reshape(-1, 1)."
        )
    if arr.dtype.kind not in "biuf":
        raise InputError(f"{where}: features must be numbers; got dtype {arr.dtype}. Encode "
                         "categorical columns as numbers first.")
    if arr.shape[0] < _MIN_SAMPLES:
        raise InputError(f"{where}: {arr.shape[0]} samples are too few; the report needs at "
                         f"least {_MIN_SAMPLES}.")
    if 0 in arr.shape[1:]:
        raise InputError(f"{where}: the samples are empty (shape {arr.shape}).")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr.reshape(len(arr), -1)).all(axis=1)
        if bad.any():
            raise InputError(f"{where}: x contains NaN or inf values (first in sample "
                             f"{int(np.flatnonzero(bad)[0])}, {int(bad.sum())} samples in all); "
                             "remove those samples or fill them in.")
        return arr.astype(np.float32, copy=False)
    if arr.dtype.kind == "b":
        return arr.astype(np.float32)
    return arr.astype(np.int64, copy=False)


def _standardise(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each input value (feature or position) standardised with training-set statistics."""
    xtr = x_train.astype(np.float64)
    mu = xtr.mean(axis=0)
    sd = xtr.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)  # constant features: centred, not scaled (stated in report)
    return (((xtr - mu) / sd).astype(np.float32),
            ((x_test.astype(np.float64) - mu) / sd).astype(np.float32))


def standardise(data: Dataset) -> Dataset:
    """Standardise every input value with the training split's mean and standard deviation
    (constant values only centred); the step is added to ``data.preprocessing``."""
    import dataclasses

    xtr, xte = _standardise(data.x_train, data.x_test)
    what = ("each feature" if len(data.sample_shape) == 1 else
            f"each of the {data.n_features} input values (per position)")
    return dataclasses.replace(data, x_train=xtr, x_test=xte, preprocessing=[
        *data.preprocessing, f"{what} standardised with the training split's mean and "
        "standard deviation (constant values only centred), as float32"])


def flatten(data: Dataset, why: str) -> Dataset:
    """Samples reshaped to rows of ``n_features`` values (C order), cast to float32; the
    step (with ``why``) is added to ``data.preprocessing``."""
    import dataclasses

    if len(data.sample_shape) == 1 and data.x_train.dtype == np.float32:
        return data
    steps = list(data.preprocessing)
    if len(data.sample_shape) > 1:
        steps.append(f"each {data.sample_shape} sample flattened to {data.n_features} features "
                     f"({why})")
    if data.x_train.dtype != np.float32:
        steps.append(f"{data.x_train.dtype} values cast to float32 ({why})")
    return dataclasses.replace(
        data, x_train=data.flat("train").astype(np.float32),
        x_test=data.flat("test").astype(np.float32), preprocessing=steps)


def _shape_text(x: np.ndarray) -> str:
    """``"rows of 12 features"`` or ``"samples of shape (1, 8, 8)"``, after a row count."""
    return (f"rows of {x.shape[1]} features" if x.ndim == 2
            else f"samples of shape {tuple(x.shape[1:])}")


def _labels(y: Any, where: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Class codes, class names and the steps taken: a column of labels as
    :func:`_encode_labels`, or one-hot rows ``(N, C)`` read as the indices of their 1s,
    classes ``0..C-1`` (a column with no 1 stays a class, so the indices keep matching a
    model's C outputs)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2 and y.shape[1] > 1:
        if y.dtype.kind not in "biuf" or not np.all((y == 0) | (y == 1)) \
                or not np.all(y.sum(axis=1) == 1):
            raise InputError(
                f"{where}: labels of shape {y.shape} are not one-hot (exactly one 1 per row, "
                "0 elsewhere); the report analyses single-label classifiers: give one class "
                "index per sample, or one-hot rows.")
        codes = y.argmax(axis=1).astype(np.int64)
        if len(np.unique(codes)) < 2:
            raise InputError(f"{where}: every one-hot label is class {codes[0]}; at least two "
                             "classes are needed.")
        n = y.shape[1]
        return codes, [str(i) for i in range(n)], [
            f"one-hot labels ({n} columns) read as class indices 0-{n - 1}, the column of "
            "each row's 1"]
    codes, classes = _encode_labels(y, where)
    return codes, classes, []


def dataset_from_arrays(x: Any, y: Any, *, name: str = "arrays", where: str = "data",
                        seed: int = 0, test_size: float = 0.2, source: str | None = None,
                        preprocessing: list[str] | None = None) -> Dataset:
    """Check ``x`` (samples first, any sample shape) and ``y`` (class labels) and split
    them (stratified, seeded).  Values are kept as given: floats become float32, integers
    int64 (token ids), booleans float32; nothing else is done to them."""
    x = _check_features(x, where)
    codes, classes, label_steps = _labels(y, where)
    if len(codes) != len(x):
        raise InputError(
            f"{where}: x has {len(x)} rows but y has {len(codes)} labels; they must be paired "
            "(one label per row of x)."
        )
    xtr, xte, ytr, yte = _split(x, codes, seed, test_size)
    shape = _shape_text(x)
    src = source or f"{where}: {len(x)} {shape} ({x.dtype})"
    return Dataset(
        name, xtr, xte, ytr, yte, classes,
        f"{src}, {len(classes)} classes, {int(round(test_size * 100))}% held out for testing "
        f"(stratified, seed {seed}).", [*label_steps, *(preprocessing or [])],
        info={"kind": _kind(x), "split": "random"},
    )


#: Array names of a train/test split given with the data (``.npz`` or Python).
SPLIT_KEYS = ("x_train", "y_train", "x_test", "y_test")


def dataset_from_split(x_train: Any, y_train: Any, x_test: Any, y_test: Any, *,
                       name: str = "arrays", where: str = "data",
                       source: str | None = None) -> Dataset:
    """The user's own train/test split, kept as given (no shuffling, no re-splitting).

    Give it for a model trained elsewhere: the report then evaluates the model and fits
    its probes on rows the model was not trained on, which a random split of data the
    model has seen cannot promise.  Both parts must have the same sample shape and kind of
    values (real numbers or integer ids); the classes are those of both label arrays
    together."""
    xtr = _check_features(x_train, f"{where}: x_train")
    xte = _check_features(x_test, f"{where}: x_test")
    if xtr.shape[1:] != xte.shape[1:]:
        raise InputError(f"{where}: x_train has samples of shape {tuple(xtr.shape[1:])} but "
                         f"x_test {tuple(xte.shape[1:])}; both parts need the same shape.")
    if (xtr.dtype.kind == "f") != (xte.dtype.kind == "f"):
        raise InputError(f"{where}: x_train holds {xtr.dtype} and x_test {xte.dtype} values; "
                         "both must be real numbers, or both integer ids.")
    ys = []
    for key, y, x in (("y_train", y_train, xtr), ("y_test", y_test, xte)):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim not in (1, 2) or len(y) != len(x):
            raise InputError(f"{where}: {key} must hold one label (or one-hot row) per row of "
                             f"x_{key[2:]} ({len(x)} rows); got shape {y.shape}.")
        ys.append(y)
    if ys[0].ndim != ys[1].ndim or ys[0].shape[1:] != ys[1].shape[1:]:
        raise InputError(f"{where}: y_train has shape {ys[0].shape} and y_test {ys[1].shape}; "
                         "give both as class labels, or both as one-hot rows of one width.")
    codes, classes, label_steps = _labels(np.concatenate(ys), where)
    ytr, yte = codes[:len(xtr)], codes[len(xtr):]
    if len(np.unique(ytr)) < 2:
        raise InputError(f"{where}: y_train holds a single class; at least two are needed.")
    kind = xtr.dtype if xtr.dtype == xte.dtype else np.result_type(xtr, xte)
    xtr, xte = xtr.astype(kind, copy=False), xte.astype(kind, copy=False)
    shape = _shape_text(xtr)
    src = source or f"{where}: {len(xtr) + len(xte)} {shape} ({xtr.dtype})"
    return Dataset(
        name, xtr, xte, ytr, yte, classes,
        f"{src}, {len(classes)} classes, split as given: {len(xtr)} training and {len(xte)} "
        "test rows.", label_steps, info={"kind": _kind(xtr), "split": "given"},
    )


def _kind(x: np.ndarray) -> str:
    if x.dtype.kind in "iu":
        return "integer"
    return {2: "features", 3: "sequences", 4: "images"}.get(x.ndim, "arrays")


#: Keys of a dict item or batch read as the input and as the label, in this order.
_INPUT_KEYS = ("x", "input", "inputs", "image", "images", "pixel_values", "input_ids", "data",
               "features")
_LABEL_KEYS = ("y", "label", "labels", "target", "targets")


def _input_and_label(item: Any, where: str) -> tuple[Any, Any]:
    """``(input, label)`` of a dataset item or a batch: the first two elements of a tuple or
    list, or a dict's input and label entries (``image``/``label``, ``input_ids``/``labels``,
    ..., exactly one of each kind)."""
    if isinstance(item, (tuple, list)) and len(item) >= 2:
        return item[0], item[1]
    if isinstance(item, dict):
        xk = [k for k in _INPUT_KEYS if k in item]
        yk = [k for k in _LABEL_KEYS if k in item]
        if len(xk) == 1 and len(yk) == 1:
            return item[xk[0]], item[yk[0]]
        raise InputError(
            f"{where} is a dict with keys {sorted(map(str, item))[:10]}; the report reads one "
            f"input key ({', '.join(_INPUT_KEYS)}) and one label key "
            f"({', '.join(_LABEL_KEYS)}) from it, or (input, label) pairs.")
    raise InputError(f"{where} is a {type(item).__name__}; the report needs (input, label) "
                     "pairs or dicts with an input and a label entry.")


def arrays_from_torch(data: Any, where: str = "data") -> tuple[np.ndarray, np.ndarray]:
    """Inputs and labels of a torch ``Dataset`` or ``DataLoader`` (items ``(x, y)``) as arrays.

    The whole dataset is read once into memory (the report's analyses need it several
    times); a ``DataLoader``'s batches are concatenated in the order it yields them.
    """
    import torch

    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    if isinstance(data, torch.utils.data.DataLoader):
        for i, batch in enumerate(data):
            xb, yb = _input_and_label(batch, f"{where}: DataLoader batch {i}")
            xs.append(np.asarray(torch.as_tensor(xb).cpu()))
            y = np.asarray(torch.as_tensor(yb).cpu())
            y = y.reshape(len(xs[-1]), -1)  # one label, or one one-hot row, per sample
            ys.append(y[:, 0] if y.shape[1] == 1 else y)
    else:
        try:
            n = len(data)
        except TypeError:
            raise InputError(f"{where}: a {type(data).__name__} has no length; pass a map-style "
                             "torch Dataset, a DataLoader, or arrays (x, y).") from None
        for i in range(n):
            xi, yi = _input_and_label(data[i], f"{where}: item {i}")
            xs.append(np.asarray(torch.as_tensor(xi).cpu())[None])
            y = np.asarray(torch.as_tensor(yi).cpu()).reshape(1, -1)
            ys.append(y[:, 0] if y.shape[1] == 1 else y)
    if not xs:
        raise InputError(f"{where}: the dataset is empty.")
    shapes = {a.shape[1:] for a in xs}
    if len(shapes) > 1:
        raise InputError(f"{where}: the samples have different shapes {sorted(shapes)[:4]}; "
                         "the report needs one sample shape (pad or resize them).")
    return np.concatenate(xs), np.concatenate(ys)


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm",
                   ".pgm")


def parse_image_size(spec: Any) -> tuple[int, int]:
    """``--image-size``: ``N`` (square), ``HxW``, or a pair ``(H, W)`` → ``(H, W)``.

    Raises
    ------
    InputError
        Anything else, or a side below 1 or above 4096.
    """
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        parts = list(spec)
    elif isinstance(spec, int) and not isinstance(spec, bool):
        parts = [spec, spec]
    elif isinstance(spec, str) and re.fullmatch(r"\s*\d+\s*([xX]\s*\d+\s*)?", spec):
        parts = [int(v) for v in re.split(r"[xX]", spec)]
        parts = parts * 2 if len(parts) == 1 else parts
    else:
        parts = []
    if len(parts) != 2 or not all(isinstance(v, int) and not isinstance(v, bool)
                                  and 1 <= v <= 4096 for v in parts):
        raise InputError(f"--image-size {spec!r}: give N (N x N pixels) or HxW (height x "
                         "width), each side from 1 to 4096, e.g. --image-size 32 or 64x48.")
    return int(parts[0]), int(parts[1])


def _image_folder(path: Path, where: str, size: tuple[int, int] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, str, list[str]]:
    """A folder with one subfolder of images per class → uint8 (N, C, H, W), labels, a
    description and the preprocessing steps done here (a resize).

    ``size = (H, W)`` resizes every image to it (Pillow, bilinear; the aspect ratio is not
    kept); without it the images must share one size."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is installed with matplotlib
        raise InputError(f"{where}: reading an image folder needs Pillow: pip install "
                         "pillow.") from None
    classes = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise InputError(f"{where}: a folder dataset needs one subfolder of images per class "
                         f"(e.g. {where.split()[-1]}/cat/1.png, .../dog/2.png); found none.")
    files: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for c in classes:
        for f in sorted(c.rglob("*")):
            if f.is_file() and not f.name.startswith("."):
                if f.suffix.lower() in _IMAGE_SUFFIXES:
                    files.append((f, c.name))
                else:
                    skipped.append(f.relative_to(path).as_posix())
    if skipped:
        raise InputError(f"{where}: {len(skipped)} files are not images ({', '.join(skipped[:4])}"
                         f"); remove them or move them out of the class folders.")
    images, labels = [], []
    modes = set()
    for f, label in files:
        try:
            with Image.open(f) as im:
                im.load()
                modes.add(im.mode)
                images.append((f, im.copy()))
        except Exception as exc:
            raise InputError(f"{where}: cannot read the image {f.relative_to(path)} "
                             f"({type(exc).__name__}: {exc}).") from None
        labels.append(label)
    grey = modes <= {"1", "L", "P", "I", "I;16", "F"} and "P" not in modes
    mode = "L" if grey else "RGB"
    sizes: dict[tuple[int, int], str] = {}
    for f, im in images:
        sizes.setdefault(im.size, str(f.relative_to(path)))
    if len(sizes) > 1 and size is None:
        shown = ", ".join(f"{w}x{h} ({name})" for (w, h), name in list(sizes.items())[:3])
        raise InputError(f"{where}: the images have different sizes (width x height: {shown}); "
                         "pass --image-size N or HxW to resize them all (bilinear), or resize "
                         "them to one size first.")
    resized = ""
    if size is not None:
        h, w = size
        if set(sizes) != {(w, h)}:
            resized = (f"each image resized to {h}x{w} pixels (height x width; Pillow, "
                       f"bilinear, aspect ratio not kept) from {len(sizes)} size(s)")
            images = [(f, im.convert(mode).resize((w, h), Image.BILINEAR)) for f, im in images]
    arr = np.stack([np.asarray(im.convert(mode), dtype=np.uint8) for _, im in images])
    arr = arr[:, None] if mode == "L" else arr.transpose(0, 3, 1, 2)
    h, w = arr.shape[2:]
    note = (f"{len(files)} {'greyscale' if grey else 'RGB'} {h}x{w} images (height x width) "
            f"in {len(classes)} class folders, read with Pillow as (N, C, H, W)")
    return arr, np.asarray(labels), note, [resized] if resized else []


def _table(path: Path, where: str, target: str | None, kind: str) -> tuple[Any, Any]:
    if not target:
        raise InputError(
            f"{where}: a {kind} dataset needs --target COLUMN naming the label column.")
    import pandas as pd

    try:
        df = pd.read_csv(path) if kind == "CSV" else pd.read_parquet(path)
    except ImportError:
        raise InputError(f"{where}: reading Parquet needs pyarrow: pip install pyarrow.") from None
    except Exception as exc:
        raise InputError(
            f"{where}: cannot read the {kind} file ({type(exc).__name__}: {exc}).") from None
    if target not in df.columns:
        raise InputError(f"{where}: no column named {target!r}; the columns are "
                         f"{list(map(str, df.columns))}. Pass one of them with --target.")
    feats = df.drop(columns=[target])
    bad = [str(c) for c in feats.columns if not pd.api.types.is_numeric_dtype(feats[c])]
    if bad:
        raise InputError(f"{where}: feature columns must be numeric; {bad} are not. Encode "
                         "them as numbers or drop them.")
    if feats.shape[1] == 0:
        raise InputError(f"{where}: no feature columns besides the target {target!r}.")
    y = df[target].to_numpy()
    if y.dtype == object and pd.isna(df[target]).any():
        bad_row = int(np.flatnonzero(pd.isna(df[target]).to_numpy())[0])
        raise InputError(f"{where}: the target column has missing values (first at data row "
                         f"{bad_row}); remove those rows or fill in their labels.")
    if y.dtype == object:
        y = y.astype(str)
    return feats.to_numpy(dtype=np.float64), y


def _npz(path: Path, where: str) -> dict[str, Any]:
    """The arrays ``x``, ``y`` or the four of :data:`SPLIT_KEYS` (the split is preferred)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = list(z.keys())
            if all(k in keys for k in SPLIT_KEYS):
                return {k: z[k] for k in SPLIT_KEYS}
            if "x" not in keys or "y" not in keys:
                raise InputError(
                    f"{where}: the .npz file must contain arrays named 'x' (samples, any "
                    f"shape) and 'y' (labels), or a split as 'x_train', 'y_train', 'x_test' "
                    f"and 'y_test'; it contains {keys}. Save it with np.savez(path, x=..., "
                    "y=...)."
                )
            return {"x": z["x"], "y": z["y"]}
    except InputError:
        raise
    except ValueError as exc:  # object arrays need pickle: refused
        raise InputError(f"{where}: cannot read the .npz without unpickling objects ({exc}); "
                         "save numeric arrays only.") from None
    except Exception as exc:  # zipfile.BadZipFile, OSError, ...
        raise InputError(
            f"{where}: not a readable .npz file ({type(exc).__name__}: {exc}).") from None


def _torch_file(path: Path, where: str) -> dict[str, Any]:
    """Tensors saved with ``torch.save``: a dict with ``x``, ``y`` (or the four of
    :data:`SPLIT_KEYS`), or a pair ``(x, y)``; read with ``weights_only=True``, so no code
    in the file runs."""
    try:
        import torch
    except ImportError:  # pragma: no cover - the report needs torch anyway
        raise InputError(f"{where}: reading a .pt file needs torch: pip install "
                         "infolens[torch].") from None
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # torch's bold markup
        msg = text.splitlines()[0][:200] if text else ""
        raise InputError(
            f"{where}: cannot read it with torch.load(weights_only=True) ({type(exc).__name__}: "
            f"{msg}); a .pt dataset must hold tensors only, not a Dataset object (unpickling "
            "one would run code from the file): save torch.save({'x': x, 'y': y}, path) or "
            "the split as x_train, y_train, x_test, y_test.") from None

    def arr(v: Any) -> Any:
        return v.numpy() if isinstance(v, torch.Tensor) else v

    if isinstance(obj, (tuple, list)) and len(obj) == 2:
        return {"x": arr(obj[0]), "y": arr(obj[1])}
    if isinstance(obj, dict):
        if all(k in obj for k in SPLIT_KEYS):
            return {k: arr(obj[k]) for k in SPLIT_KEYS}
        if "x" in obj and "y" in obj:
            return {"x": arr(obj["x"]), "y": arr(obj["y"])}
        raise InputError(f"{where}: the saved dict must hold tensors 'x' and 'y', or 'x_train', "
                         f"'y_train', 'x_test' and 'y_test'; it holds {sorted(map(str, obj))[:8]}.")
    raise InputError(f"{where}: it holds a {type(obj).__name__}; save a dict of tensors, "
                     "torch.save({'x': x, 'y': y}, path), or a pair (x, y).")


def _npy(path: Path, where: str, flag: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise InputError(f"{where}: cannot read the .npy without unpickling objects ({exc}); "
                         "save numeric arrays only.") from None
    except Exception as exc:
        raise InputError(f"{flag} {path}: not a readable .npy file ({type(exc).__name__}: "
                         f"{exc}).") from None


def load_dataset(spec: str, *, target: str | None = None, seed: int = 0,
                 test_size: float = 0.2, image_size: Any = None) -> Dataset:
    """Load a built-in dataset, a file or an image folder and split it.

    Parameters
    ----------
    spec : str
        ``"digits"``, ``"tishby12"`` or a path: ``.npz`` with arrays ``x`` (samples first,
        any sample shape) and ``y`` (labels), or with the split ``x_train``, ``y_train``,
        ``x_test``, ``y_test`` (kept as given; ``seed`` and ``test_size`` then unused); the
        same keys as tensors in a ``.pt`` / ``.pth`` file (``torch.save`` of a dict, or a pair
        ``(x, y)``; read with ``weights_only=True``); ``.npy`` with ``x`` (labels in the ``.npy``
        named by ``target``); ``.csv`` / ``.parquet`` with a header row, the column named
        by ``target`` holding the labels and all other columns numeric features; or a
        folder with one subfolder of images per class.
    target : str, optional
        Label column of a CSV/Parquet file, or the labels' ``.npy`` file.
    seed : int
        Seed of the stratified train/test split.
    test_size : float
        Fraction held out.
    image_size : int, str or (int, int), optional
        ``(H, W)`` (or ``N``, ``"HxW"``) to resize every image of an image folder to; an
        error for any other dataset.

    The values are returned as stored (float32 / int64); see :func:`standardise` and
    :func:`flatten` for the explicit preprocessing steps.

    Raises
    ------
    InputError
        For a missing file, an unknown format, wrong shapes, NaN/inf, non-numeric
        features, or labels that are not class labels.
    """
    held = f"{int(round(test_size * 100))}% held out for testing (stratified, seed {seed})"
    size = None if image_size is None else parse_image_size(image_size)
    if size is not None and not Path(spec).is_dir():
        raise InputError(f"--image-size: it resizes the images of an image folder; --dataset "
                         f"{spec} is not one, so drop --image-size.")
    if spec == "digits":
        from ..data.sklearn_digits import digits

        d = digits(test_size=test_size, random_state=seed, scale="unit")
        classes = [str(c) for c in range(10)]
        return Dataset(
            "digits", d.x_train.astype(np.float32), d.x_test.astype(np.float32),
            d.y_train.astype(np.int64), d.y_test.astype(np.int64), classes,
            "scikit-learn's 8×8 handwritten digits (1797 images, shipped with scikit-learn) as "
            f"64 features, {held}.", ["pixels divided by 16 (to [0, 1])"],
            info={"kind": "features", "split": "random"},
        )
    if spec == "tishby12":
        from ..data.twelve_bit import tishby12

        t = tishby12()
        x = np.asarray(t.x, dtype=np.float32)
        y = np.asarray(t.y, dtype=np.int64)
        xtr, xte, ytr, yte = _split(x, y, seed, test_size)
        return Dataset(
            "tishby12", xtr, xte, ytr, yte, ["0", "1"],
            "the 4096 twelve-bit patterns of the information-plane literature (generated from "
            f"the icosahedral rule), bits as 0/1 inputs, {held}.", info={"kind": "features", "split": "random"},
        )
    path = Path(spec)
    where = f"--dataset {spec}"
    if not path.exists():
        raise InputError(
            f"{where}: no such file. Use 'digits', 'tishby12', the path of a .npz file (arrays "
            "x and y), a .npy file (with --target LABELS.npy), a .csv or .parquet file (with "
            "--target COLUMN), or a folder with one subfolder of images per class."
        )
    if path.is_dir():
        split = _split_folders(path)
        if split is None:
            x, y, note, steps = _image_folder(path, where, size)
            data = _images_dataset(x, y, path, where, note, seed, test_size)
            data.preprocessing[:0] = steps
            return data
        train_dir, test_dir, unused = split
        xtr, ytr, note_tr, steps = _image_folder(train_dir, f"{where}/{train_dir.name}", size)
        xte, yte, note_te, _ = _image_folder(test_dir, f"{where}/{test_dir.name}", size)
        left = (f"; not used: {', '.join(u + '/' for u in unused)}" if unused else "")
        data = dataset_from_split(
            _unit_pixels(xtr), ytr, _unit_pixels(xte), yte, name=path.name, where=where,
            source=f"{where}: the training part from {train_dir.name}/ ({note_tr}), the test "
                   f"part from {test_dir.name}/ ({note_te}){left}")
        data.preprocessing[:0] = [*steps, _PIXEL_STEP]
        data.info["kind"] = "images"
        return data
    suffix = path.suffix.lower()
    if suffix in (".npz", ".pt", ".pth"):
        arrays = _npz(path, where) if suffix == ".npz" else _torch_file(path, where)
        if "x" not in arrays:
            return dataset_from_split(*(arrays[k] for k in SPLIT_KEYS), name=path.name,
                                      where=where)
        return dataset_from_arrays(arrays["x"], arrays["y"], name=path.name, where=where,
                                   seed=seed, test_size=test_size)
    if suffix == ".npy":
        if not target:
            raise InputError(f"{where}: a .npy file holds the inputs only; pass the labels as "
                             "--target LABELS.npy (one label per sample), or save both with "
                             "np.savez(path, x=..., y=...).")
        x = _npy(path, where, "--dataset")
        tpath = Path(target)
        if not tpath.is_file() or tpath.suffix.lower() != ".npy":
            raise InputError(f"--target {target}: with a .npy dataset, --target is the labels' "
                             ".npy file; no such file.")
        y = _npy(tpath, f"--target {target}", "--target")
        return dataset_from_arrays(x, y, name=path.name, where=where, seed=seed,
                                   test_size=test_size)
    if suffix in (".csv", ".parquet", ".pq"):
        x, y = _table(path, where, target, "CSV" if suffix == ".csv" else "Parquet")
        return dataset_from_arrays(x, y, name=path.name, where=where, seed=seed,
                                   test_size=test_size)
    raise InputError(f"{where}: unknown file type {suffix or '(none)'!r}; use a .npz (arrays x, "
                     "y) or .pt (tensors x, y saved with torch.save), .npy (with --target "
                     "LABELS.npy), .csv or .parquet (with --target) file, an image folder, or "
                     "'digits' / 'tishby12'.")


#: Folder names read as a split of an image dataset (``root/train/<class>/...``), the test
#: part's names in order of preference.
_TRAIN_DIRS = ("train", "training")
_TEST_DIRS = ("test", "testing", "val", "valid", "validation")


def _split_folders(path: Path) -> tuple[Path, Path, list[str]] | None:
    """``(train, test, unused)`` when ``path`` holds a train folder and a test (or
    validation) folder that each hold class subfolders, as torchvision's ImageFolder
    layouts do; ``None`` for a plain folder of class subfolders."""
    subs = {p.name.lower(): p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")}

    def has_classes(folder: Path) -> bool:
        return any(q.is_dir() and not q.name.startswith(".") for q in folder.iterdir())

    train = next((subs[n] for n in _TRAIN_DIRS if n in subs and has_classes(subs[n])), None)
    test = next((subs[n] for n in _TEST_DIRS if n in subs and has_classes(subs[n])), None)
    if train is None or test is None:
        return None
    unused = sorted(p.name for p in subs.values() if p not in (train, test))
    return train, test, unused


#: The preprocessing step of every image read here.
_PIXEL_STEP = "8-bit pixel values divided by 255 (to [0, 1]), as float32"


def _unit_pixels(x: np.ndarray) -> np.ndarray:
    """uint8 images as float32 in [0, 1] (:data:`_PIXEL_STEP`)."""
    return x.astype(np.float32) / np.float32(255.0)


def _images_dataset(x: np.ndarray, y: np.ndarray, path: Path, where: str, note: str,
                    seed: int, test_size: float) -> Dataset:
    data = dataset_from_arrays(_unit_pixels(x), y, name=path.name,
                               where=where, seed=seed, test_size=test_size,
                               source=f"{where}: {note}")
    data.preprocessing.insert(0, _PIXEL_STEP)
    data.info["kind"] = "images"
    return data
