import numpy as np
import pytest

from infolens.data.sklearn_digits import digits


def test_split_sizes_and_scaling():
    d = digits(test_size=0.25, random_state=3)
    n = len(d.y_train) + len(d.y_test)
    assert n == 1797 and d.x_train.shape[1] == 64
    assert abs(len(d.y_test) / n - 0.25) < 0.01  # per-class rounding moves at most 10 rows
    assert d.x_train.min() >= 0 and d.x_train.max() <= 1 and d.x_train.max() == 1.0
    # every class is present in both parts (stratified)
    assert set(d.y_test) == set(range(10)) == set(d.y_train)


def test_reproducible_and_standard_scale():
    a = digits(random_state=7)
    b = digits(random_state=7)
    assert np.array_equal(a.y_test, b.y_test) and np.array_equal(a.x_test, b.x_test)
    s = digits(random_state=7, scale="standard")
    assert np.allclose(s.x_train.mean(axis=0), 0, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="test_size"):
        digits(test_size=1.5)
    with pytest.raises(ValueError, match="scale"):
        digits(scale="minmax")
