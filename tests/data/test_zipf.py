"""infolens.data.zipf_pmf: Zipf's law on a finite alphabet."""

import doctest

import numpy as np
import pytest

import infolens.data.zipf as Z
from infolens.data import zipf_pmf


def test_values_and_normalisation():
    p = zipf_pmf(4, 2.0)
    h4 = 1 + 1 / 4 + 1 / 9 + 1 / 16
    np.testing.assert_allclose(p, np.array([1, 1 / 4, 1 / 9, 1 / 16]) / h4, rtol=1e-15)
    assert zipf_pmf(1000).sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(zipf_pmf(7, 0.0), np.full(7, 1 / 7), rtol=1e-15)
    assert np.all(np.diff(zipf_pmf(50, 1.3)) < 0)


def test_doctest():
    assert doctest.testmod(Z, globs={**vars(Z), "np": np}).failed == 0


@pytest.mark.parametrize(
    "args, exc, match",
    [((0,), ValueError, "n_symbols"), ((2.5,), TypeError, "n_symbols"),
     ((10, float("nan")), ValueError, "exponent"), ((10, "1"), ValueError, "exponent")],
)
def test_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        zipf_pmf(*args)
