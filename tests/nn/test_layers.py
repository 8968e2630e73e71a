import math

import numpy as np
import pytest
import torch

from infolens.nn.layers import (
    BlurPool,
    aliased_power_fraction,
    aliasing_tradeoff,
    binomial_filter,
    downsampling_information,
    downsampling_matrix,
)


def test_binomial_filters():
    assert binomial_filter(1).tolist() == [1.0]
    assert binomial_filter(2).tolist() == [0.5, 0.5]
    assert binomial_filter(5).tolist() == [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16]
    with pytest.raises(ValueError, match="size"):
        binomial_filter(0)


@pytest.mark.parametrize(
    "size, exact",
    [
        (1, 0.5),  # white input, no filter: half the band aliases
        (2, 0.5 - 1 / math.pi),  # |H|^2 = cos^2(w/2)
        (3, 0.5 - 4 / (3 * math.pi)),  # |H|^2 = cos^4(w/2)
    ],
)
def test_aliased_fraction_closed_forms(size, exact):
    # midpoint rule on a smooth periodic integrand: error far below 1e-6 with 8192 points
    assert aliased_power_fraction(size) == pytest.approx(exact, abs=1e-6)


def test_blurpool_equals_the_circulant_matrix(rng):
    x = rng.normal(size=(3, 1, 16))
    for size in (1, 2, 3, 5):
        pool = BlurPool(1, size=size, stride=2, dims=1, pad_mode="circular").double()
        out = pool(torch.from_numpy(x)).numpy()[:, 0]
        ref = x[:, 0] @ downsampling_matrix(size, 16).T
        np.testing.assert_allclose(out, ref, atol=1e-12)
    img = torch.from_numpy(rng.normal(size=(2, 3, 8, 8)))
    p2 = BlurPool(3, size=3, dims=2, pad_mode="circular").double()
    a = downsampling_matrix(3, 8)
    ref2 = np.einsum("ih,nchw,jw->ncij", a, img.numpy(), a)  # separable: rows then columns
    np.testing.assert_allclose(p2(img).numpy(), ref2, atol=1e-12)
    with pytest.raises(ValueError, match="expects input of shape"):
        p2(torch.zeros(2, 4, 8, 8))


def test_information_matches_spectral_formula():
    # white X, circulant blur C then keep even samples: D C C^T D^T is circulant on n/2
    # points with eigenvalues (l_k + l_{k+n/2}) / 2, l_k = |H(2 pi k / n)|^2, so
    # I = 1/2 sum_k log(1 + (l_k + l_{k+n/2}) / (2 s2)).
    n, s2 = 32, 0.05
    for size in (1, 2, 3, 5):
        h = binomial_filter(size)
        lam = np.abs(np.fft.fft(h, n)) ** 2
        exact = 0.5 * np.sum(np.log1p((lam[: n // 2] + lam[n // 2 :]) / (2 * s2)))
        assert downsampling_information(size, n, noise_var=s2) == pytest.approx(exact, rel=1e-10)


def test_tradeoff_stability_versus_information():
    rows = aliasing_tradeoff((1, 2, 3, 5), n=32, noise_var=0.01)
    alias = [r["aliased_fraction"] for r in rows]
    info = [r["information"] for r in rows]
    # the seed's trade-off: stronger blur -> less aliasing and no Nyquist leakage, but
    # strictly less information about the input kept
    assert alias == sorted(alias, reverse=True) and alias[0] == pytest.approx(0.5, abs=1e-6)
    assert rows[0]["nyquist_response"] == 1.0
    assert all(r["nyquist_response"] < 1e-12 for r in rows[1:])
    assert all(np.diff(info) < 0)
    assert rows[0]["information_fraction"] == 1.0 and rows[-1]["information_fraction"] < 1
    # a Nyquist perturbation passes through plain subsampling as a constant offset
    pool1 = BlurPool(1, size=1, dims=1)
    pool3 = BlurPool(1, size=3, dims=1, pad_mode="circular")
    nyq = torch.tensor([[[(-1.0) ** k for k in range(16)]]])
    assert torch.all(pool1(nyq) == 1.0) and torch.all(pool3(nyq).abs() < 1e-7)
