"""Datasets for ``infolens report``: built-in ones and user files (.npz / .csv).

Every user file goes through the same checks (infolens' one door for input,
:func:`infolens._validate.check_samples`); a problem becomes an :class:`InputError`
whose message names the file, what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validate import check_samples
from .errors import InputError

__all__ = ["Dataset", "load_dataset"]

BUILTIN = ("digits", "tishby12")
_MIN_SAMPLES = 20


@dataclass
class Dataset:
    """Train/test split ready for a classifier.

    Attributes
    ----------
    name : str
        ``"digits"``, ``"tishby12"`` or the file name.
    x_train, x_test : ndarray of float32, shape (n, d)
    y_train, y_test : ndarray of int64, shape (n,)
        Class indices ``0..n_classes-1``.
    classes : list
        Original label of each class index (as str).
    description : str
        One sentence for the report: source and preprocessing.
    """

    name: str
    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    classes: list[str]
    description: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n_train": int(len(self.y_train)),
            "n_test": int(len(self.y_test)),
            "n_features": self.n_features,
            "n_classes": self.n_classes,
            "classes": list(self.classes),
            "description": self.description,
            **self.info,
        }


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
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise InputError(
            f"{where}: features must be a 2-D array (samples × features); got shape {arr.shape}. "
            + ("Flatten each sample first, e.g. x.reshape(len(x), -1)." if arr.ndim > 2 else
               "Reshape a single feature to a column, e.g. x.reshape(-1, 1).")
        )
    if arr.dtype.kind not in "biuf":
        raise InputError(f"{where}: features must be numbers; got dtype {arr.dtype}. Encode "
                         "categorical columns as numbers first.")
    try:
        arr = check_samples(arr, "x", min_samples=_MIN_SAMPLES, kind="continuous")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{where}: {exc}") from None
    return arr


def _standardise(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu = x_train.mean(axis=0)
    sd = x_train.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)  # constant features: centred, not scaled (stated in report)
    return ((x_train - mu) / sd).astype(np.float32), ((x_test - mu) / sd).astype(np.float32)


def _from_arrays(name: str, x: Any, y: Any, where: str, seed: int, test_size: float) -> Dataset:
    x = _check_features(x, where)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    codes, classes = _encode_labels(y, where)
    if len(codes) != len(x):
        raise InputError(
            f"{where}: x has {len(x)} rows but y has {len(codes)} labels; they must be paired "
            "(one label per row of x)."
        )
    xtr, xte, ytr, yte = _split(x, codes, seed, test_size)
    xtr, xte = _standardise(xtr, xte)
    return Dataset(
        name, xtr, xte, ytr, yte, classes,
        f"{where}: {len(x)} samples, {x.shape[1]} features standardised with training-set mean "
        f"and standard deviation (constant features only centred), {len(classes)} classes, "
        f"{int(round(test_size * 100))}% held out for testing (stratified, seed {seed}).",
    )


def load_dataset(spec: str, *, target: str | None = None, seed: int = 0,
                 test_size: float = 0.2) -> Dataset:
    """Load ``"digits"``, ``"tishby12"`` or a ``.npz`` / ``.csv`` file and split it.

    Parameters
    ----------
    spec : str
        Built-in name or a path.  ``.npz``: arrays ``x`` (samples × features) and ``y``
        (labels).  ``.csv``: a header row; the column named by ``target`` holds the labels,
        all other columns are numeric features.
    target : str, optional
        Label column of a CSV file (required for CSV).
    seed : int
        Seed of the stratified train/test split.
    test_size : float
        Fraction held out.

    Raises
    ------
    InputError
        For a missing file, an unknown format, wrong shapes, NaN/inf, non-numeric
        features, or labels that are not class labels.
    """
    if spec == "digits":
        from ..data.sklearn_digits import digits

        d = digits(test_size=test_size, random_state=seed, scale="unit")
        classes = [str(c) for c in range(10)]
        return Dataset(
            "digits", d.x_train.astype(np.float32), d.x_test.astype(np.float32),
            d.y_train.astype(np.int64), d.y_test.astype(np.int64), classes,
            "scikit-learn's 8×8 handwritten digits (1797 images, shipped with scikit-learn), "
            f"pixels divided by 16, {int(round(test_size * 100))}% held out for testing "
            f"(stratified, seed {seed}).",
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
            f"the icosahedral rule), bits as 0/1 inputs, {int(round(test_size * 100))}% held "
            f"out for testing (stratified, seed {seed}).",
        )
    path = Path(spec)
    where = f"--dataset {spec}"
    if not path.exists():
        raise InputError(
            f"{where}: no such file. Use 'digits', 'tishby12', or the path of a .npz file "
            "(arrays x and y) or a .csv file (with --target COLUMN)."
        )
    if path.is_dir():
        raise InputError(f"{where} is a directory; pass a .npz or .csv file.")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                keys = list(z.keys())
                if "x" not in keys or "y" not in keys:
                    raise InputError(
                        f"{where}: the .npz file must contain arrays named 'x' (features) and "
                        f"'y' (labels); it contains {keys}. Save it with "
                        "np.savez(path, x=..., y=...)."
                    )
                x, y = z["x"], z["y"]
        except InputError:
            raise
        except ValueError as exc:  # object arrays need pickle: refused
            raise InputError(f"{where}: cannot read the .npz without unpickling objects ({exc}); "
                             "save numeric arrays only.") from None
        except Exception as exc:  # zipfile.BadZipFile, OSError, ...
            raise InputError(
                f"{where}: not a readable .npz file ({type(exc).__name__}: {exc}).") from None
        return _from_arrays(path.name, x, y, where, seed, test_size)
    if suffix == ".csv":
        if not target:
            raise InputError(
                f"{where}: a CSV dataset needs --target COLUMN naming the label column.")
        import pandas as pd

        try:
            df = pd.read_csv(path)
        except Exception as exc:
            raise InputError(
                f"{where}: cannot parse the CSV file ({type(exc).__name__}: {exc}).") from None
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
        return _from_arrays(path.name, feats.to_numpy(dtype=np.float64), y, where, seed, test_size)
    raise InputError(f"{where}: unknown file type {suffix or '(none)'!r}; use a .npz (arrays x, y) "
                     "or a .csv (with --target) file, or 'digits' / 'tishby12'.")
