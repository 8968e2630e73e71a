"""IB curves from samples and the plot helper."""

import numpy as np
import pytest

from infolens import ib


def test_discrete_samples_recover_the_pmf_curve():
    # X uniform on 4 symbols, Y = X mod 2 flipped with probability 0.1: I(X;Y) = log 2 -
    # h(0.1).  With n = 4000 the plug-in pmf differs from the truth by O(1/sqrt(n)) per
    # cell; the plug-in I(X;Y) bias is (|X|-1)(|Y|-1)/(2n) = 4e-4 nats and its standard
    # deviation about 0.01 nats, so 0.03 nats is a 3-sigma band.
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.integers(0, 4, n)
    y = (x % 2) ^ (rng.random(n) < 0.1)
    betas = np.geomspace(0.5, 100.0, 12)
    s = ib.from_samples(x, y, betas, n_boot=10, random_state=0)
    truth = np.log(2) + 0.1 * np.log(0.1) + 0.9 * np.log(0.9)
    assert s.curve.i_xy == pytest.approx(truth, abs=0.03)
    assert s.curve.i_ty[-1] == pytest.approx(s.curve.i_xy, abs=1e-3)
    assert s.n == n and s.method == "discrete"
    assert "x: 0 float column(s)" in s.discretization and "4 distinct row symbols" in s.discretization
    assert len(s.lower) == len(s.grid) == len(s.upper)
    assert np.all(s.lower <= s.upper + 1e-12)
    # the band covers the curve of the true pmf at its end point
    assert s.lower[-1] - 0.01 <= truth <= s.upper[-1] + 0.01


def test_float_columns_are_binned_as_stated():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 2))
    y = (x[:, 0] > 0).astype(int)
    s = ib.from_samples(x, y, [0.5, 5.0, 50.0], bins=4, n_boot=0, random_state=0)
    assert "4 equal-width bins" in s.discretization
    # 2 columns x 4 bins -> at most 16 symbols; Y is a function of the bin of column 0
    # (bin edges at the observed min/max, so the sign split is not exact): I(X;Y) <= H(Y)
    h_y = -sum(p * np.log(p) for p in np.bincount(y) / len(y))
    assert s.curve.i_xy <= h_y + 1e-12
    assert len(s.lower) == 0


def test_gaussian_fit_route_matches_closed_form():
    # For a correlation-0.6 Gaussian pair the fitted curve's I(X;Y) is -1/2 log(1 - r^2) of
    # the sample correlation r; with n = 5000, r has standard error (1 - 0.36)/sqrt(n)
    # ~ 0.009, so I(X;Y) = 0.223 is within 0.03 nats.
    rng = np.random.default_rng(2)
    z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=5000)
    s = ib.from_samples(z[:, 0], z[:, 1], method="gaussian", n_boot=20, random_state=0)
    r = np.corrcoef(z.T)[0, 1]
    assert s.curve.i_xy == pytest.approx(-0.5 * np.log(1 - r**2), rel=1e-9)
    assert s.curve.i_xy == pytest.approx(-0.5 * np.log(1 - 0.36), abs=0.03)
    exact = ib.gaussian_curve([[1.0]], [[0.6]], [[1.0]])
    at = np.interp(s.grid, exact.i_xt, exact.i_ty)
    inside = (s.lower - 0.01 <= at) & (at <= s.upper + 0.01)
    assert inside.mean() > 0.9


def test_from_samples_rejects_bad_input():
    with pytest.raises(ValueError, match="different numbers of samples"):
        ib.from_samples(np.arange(10), np.arange(9))
    with pytest.raises(ValueError, match="method"):
        ib.from_samples(np.arange(10), np.arange(10), method="kde")
    with pytest.raises(ValueError, match="NaN"):
        ib.from_samples(np.array([0.0, np.nan, 1.0]), np.arange(3))


def test_layer_points_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    records = [
        {"layer": "fc1", "epoch": 0, "quantity": "I(X;T)", "value": 1.0, "unit": "bits"},
        {"layer": "fc1", "epoch": 0, "quantity": "I(T;Y)", "value": 0.5, "unit": "bits"},
        {"layer": "fc1", "epoch": 9, "quantity": "I(X;T)", "value": 2.0, "unit": "bits"},
        {"layer": "fc1", "epoch": 9, "quantity": "I(T;Y)", "value": 0.8, "unit": "bits"},
    ]
    pts = ib.layer_points(records, unit="nats")
    assert pts == [("fc1 (epoch 9)", pytest.approx(2 * np.log(2)), pytest.approx(0.8 * np.log(2)))]
    c = ib.gaussian_curve([[1.0]], [[0.8]], [[1.0]])
    ax = ib.plot_curve(c, layers=[(0.3, 0.2), (1.0, 0.4)])
    assert len(ax.lines) == 4  # curve, I(X;Y) line, two layers
    with pytest.raises(ValueError, match="pair"):
        ib.layer_points([(1.0, 2.0, 3.0)])
