"""capture(max_units=...): per-sample width bounded while capturing (issue 15 item 3)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from infolens.nn import bounded_width, capture


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
                         nn.Linear(8 * 16 * 16, 300), nn.Tanh(), nn.Linear(300, 4))


def test_feature_maps_pooled_wide_vectors_projected_narrow_kept():
    x = torch.randn(50, 3, 16, 16)
    net = _net()
    full = capture(net, x, layers=["1", "4", "5"], batch_size=7)
    got = capture(net, x, layers=["1", "4", "5"], batch_size=7, max_units=64)
    # the conv map (8 x 16 x 16 = 2048 values) becomes its 8 channel means
    np.testing.assert_allclose(got["1"], full["1"].reshape(50, 8, 256).mean(axis=2), rtol=1e-5,
                               atol=1e-6)
    assert "global average pooling" in got.reductions["1"]
    # the 300-wide tanh layer becomes 64 columns of one fixed projection, the same in every
    # batch: batch size does not change the rows
    assert got["4"].shape == (50, 64) and "projected to 64" in got.reductions["4"]
    again = capture(net, x, layers=["4"], batch_size=50, max_units=64)
    np.testing.assert_allclose(again["4"], got["4"], rtol=1e-5, atol=1e-6)
    # the 4 logits are kept as they are, and no reduction is recorded for them
    np.testing.assert_array_equal(got["5"], full["5"])
    assert "5" not in got.reductions


def test_projection_keeps_distances_in_expectation():
    """E||(a-b) R||^2 = ||a-b||^2 with R_ij ~ N(0, 1/k): the ratio of projected to original
    squared distances averages to 1, with relative sd sqrt(2/k) per pair (k = 256: 0.088);
    the mean over 190 pairs (not independent) is held to 4 * 0.088 / sqrt(20)."""
    torch.manual_seed(1)
    a = torch.randn(20, 2000)
    red, note = bounded_width(a, 256, "wide")
    assert red.shape == (20, 256) and note
    d0 = torch.cdist(a, a)[np.triu_indices(20, 1)] ** 2
    d1 = torch.cdist(red, red)[np.triu_indices(20, 1)] ** 2
    ratio = (d1 / d0).numpy()
    assert abs(ratio.mean() - 1) < 4 * np.sqrt(2 / 256) / np.sqrt(20)


def test_bad_max_units():
    with pytest.raises(ValueError, match="max_units"):
        capture(_net(), torch.randn(2, 3, 16, 16), layers=["1"], max_units=0)
