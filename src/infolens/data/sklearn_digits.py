"""scikit-learn's 8x8 handwritten digits, scaled and split (nothing is downloaded).

``sklearn.datasets.load_digits`` reads a small file shipped inside scikit-learn (1797
images of 8x8 pixels with intensities 0..16, ten classes).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from .._validate import check_random_state

__all__ = ["digits", "Digits"]


class Digits(NamedTuple):
    """Train/test split of the digits data.

    Attributes
    ----------
    x_train, x_test : ndarray of float32, shape (n, 64)
        Pixel intensities scaled as stated by ``scale``.
    y_train, y_test : ndarray of int64, shape (n,)
        Class labels 0..9.
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def digits(
    *,
    test_size: float = 0.2,
    random_state: int | np.random.Generator | None = 0,
    scale: str = "unit",
) -> Digits:
    """Load scikit-learn's digits, scale the pixels and split into train and test sets.

    Parameters
    ----------
    test_size : float in (0, 1), default 0.2
        Fraction of samples placed in the test set (stratified by class).
    random_state : int, Generator or None, default 0
        Seed of the split.
    scale : {"unit", "standard"}, default "unit"
        ``"unit"`` divides intensities by 16 (values in [0, 1]); ``"standard"`` subtracts
        the training-set mean and divides by the training-set standard deviation of each
        pixel (constant pixels are divided by 1).

    Returns
    -------
    Digits
        Named tuple ``(x_train, x_test, y_train, y_test)``.

    References
    ----------
    E. Alpaydin and C. Kaynak, "Optical recognition of handwritten digits", UCI Machine
    Learning Repository, 1998 (the copy shipped with scikit-learn).

    Examples
    --------
    >>> from infolens.data.sklearn_digits import digits
    >>> d = digits(test_size=0.25, random_state=1)
    >>> d.x_train.shape[1], sorted(set(d.y_train.tolist())) == list(range(10))
    (64, True)
    """
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a float in (0, 1); got {type(test_size).__name__}.")
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size={test_size!r} must lie strictly between 0 and 1.")
    if scale not in ("unit", "standard"):
        raise ValueError(f"scale={scale!r} is not known; use 'unit' or 'standard'.")
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - sklearn is in the report extra
        raise ImportError(
            "infolens.data.digits needs scikit-learn: pip install infolens[report]"
        ) from exc
    rng = check_random_state(random_state)
    raw = load_digits()
    x = raw.data.astype(np.float64)
    y = raw.target.astype(np.int64)
    # stratified split: a fraction test_size of each class goes to the test set
    test_idx = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        idx = rng.permutation(idx)
        test_idx.append(idx[: int(round(float(test_size) * len(idx)))])
    test_mask = np.zeros(len(y), dtype=bool)
    test_mask[np.concatenate(test_idx)] = True
    x_train, x_test = x[~test_mask], x[test_mask]
    if scale == "unit":
        x_train, x_test = x_train / 16.0, x_test / 16.0
    else:
        mu = x_train.mean(axis=0)
        sd = x_train.std(axis=0)
        sd = np.where(sd > 0, sd, 1.0)
        x_train, x_test = (x_train - mu) / sd, (x_test - mu) / sd
    return Digits(
        x_train.astype(np.float32), x_test.astype(np.float32), y[~test_mask], y[test_mask]
    )

