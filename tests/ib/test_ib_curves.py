"""IB curves: shape, end points, deterministic targets, DIB versus IB."""

import numpy as np
import pytest

from infolens import ib
from infolens.data.twelve_bit import tishby12
from infolens.exact.discrete import entropy, mutual_information


def test_envelope_helper_on_known_points():
    # (2, 1.5) is above the chord from (1, 1) to (3, 1.6); (1.5, 0.2) is below; (4, 1.6)
    # does not gain relevance; the collinear (0.5, 0.5) stays on the straight piece.
    c = [0.0, 1.0, 2.0, 1.5, 3.0, 4.0, 0.5]
    r = [0.0, 1.0, 1.5, 0.2, 1.6, 1.6, 0.5]
    assert ib.upper_concave_envelope(c, r).tolist() == [0, 6, 1, 2, 4]


def test_curve_is_concave_nondecreasing_with_right_ends(rng):
    p = rng.dirichlet(np.ones(8 * 4)).reshape(8, 4)
    betas = np.geomspace(0.5, 400.0, 30)
    c = ib.curve(p, betas, random_state=0)
    x, y = c.i_xt, c.i_ty
    # starts at (0, 0): the smallest beta (< 1) has the trivial optimum
    assert x[0] == pytest.approx(0.0, abs=1e-9) and y[0] == pytest.approx(0.0, abs=1e-9)
    # non-decreasing and concave (slopes of consecutive chords non-increasing)
    assert np.all(np.diff(y) >= -1e-12) and np.all(np.diff(x) > 0)
    slopes = np.diff(y) / np.diff(x)
    assert np.all(np.diff(slopes) <= 1e-9)
    # ends at (<= H(X), I(X;Y)): at beta = 400 the relevance gap is below
    # I(X;T)/beta <= H(X)/400 (from L(T) <= L(X itself)), about 5e-3 nats
    assert x[-1] <= entropy(p.sum(axis=1)) + 1e-9
    gap = entropy(p.sum(axis=1)) / 400.0
    assert mutual_information(p) - gap - 1e-9 <= y[-1] <= mutual_information(p) + 1e-12
    assert c.i_xy == pytest.approx(mutual_information(p), rel=1e-12)
    # slope at the origin: chord of the first segment, <= 1 (data processing)
    assert 0 < c.slope_at_origin <= 1.0
    # onset no later than 1/rho_m^2, and the envelope bookkeeping is consistent
    assert c.onset_beta <= betas[np.searchsorted(betas, 1.0 / c.max_correlation**2)]
    assert c.on_envelope.sum() == len(c.i_xt)
    assert c.n_discarded <= len(betas) - len(c.i_xt)


def test_deterministic_target_on_12_bit_data():
    # Y = f(X) on the 4096 patterns: the IB curve is min(I(X;T), H(Y)).  The plain
    # Lagrangian (betas away from the critical value 1) only finds the corners; the
    # squared one, u(r) = r^2 with u'(r) = beta F'(r) = beta on the diagonal, finds the
    # interior point r = beta/2 (Kolchinsky et al. 2019).
    d = tishby12()
    p = np.zeros((4096, 2))
    p[np.arange(4096), d.y] = 1.0 / 4096
    hy = entropy(p.sum(axis=0))
    plain = ib.curve(p, [0.5, 0.8, 1.3, 4.0, 30.0], n_clusters=2, restarts=1, random_state=0)
    for x, y in zip(plain.all_i_xt, plain.all_i_ty, strict=True):
        at_zero = abs(x) < 1e-6 and abs(y) < 1e-6
        at_top = abs(x - hy) < 1e-6 and abs(y - hy) < 1e-6
        assert at_zero or at_top
    sq = ib.curve(
        p, np.array([0.3, 0.8, 1.4]) * hy, lagrangian="squared", n_clusters=2, restarts=1,
        random_state=0,
    )
    x, y = sq.all_i_xt, sq.all_i_ty
    # on the curve min(r, H(Y)) (T - Y - X is Markov here, so I(T;Y) = I(X;T)) ...
    np.testing.assert_allclose(y, np.minimum(x, hy), atol=1e-8)
    # ... at the predicted interior points r = beta / 2, to the stopping tolerance
    np.testing.assert_allclose(x, np.array([0.15, 0.4, 0.7]) * hy, atol=1e-4)
    assert np.all((x > 0.1 * hy) & (x < 0.9 * hy))
    # the exponential convex Lagrangian e^{eta r} - beta I(T;Y) (Rodriguez Galvez et al.
    # 2020): eta e^{eta r} = beta F'(r) = beta on the diagonal, so r = log(beta/eta)/eta
    targets = np.array([0.2, 0.5])
    cv = ib.curve(
        p, 2.0 * np.exp(2.0 * targets), lagrangian="convex", eta=2.0, n_clusters=2,
        restarts=1, random_state=0,
    )
    np.testing.assert_allclose(cv.all_i_xt, targets, atol=1e-4)
    np.testing.assert_allclose(cv.all_i_ty, cv.all_i_xt, atol=1e-8)


def test_dib_above_ib_in_the_entropy_plane():
    # Strouse & Schwab (2017), fig. 2: in the H(T)-I(T;Y) plane every IB solution is
    # matched or beaten by the DIB curve (DIB optimises exactly that trade-off).
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.ones(128 * 32)).reshape(128, 32)
    betas = np.geomspace(2.0, 200.0, 12)
    cd = ib.curve(p, betas, method="dib", restarts=1, random_state=0)
    ci = ib.curve(p, betas, method="ib", restarts=1, random_state=0, tol=1e-7)
    assert cd.plane == "H(T)"
    dib_at = np.interp(ci.all_h_t, cd.h_t, cd.i_ty, right=cd.i_ty[-1])
    assert np.all(dib_at >= ci.all_i_ty - 1e-9)
    # and it is strictly above somewhere in the interior
    assert np.any(dib_at > ci.all_i_ty + 1e-3)


def test_curve_argument_errors(rng):
    p = rng.dirichlet(np.ones(6)).reshape(3, 2)
    with pytest.raises(ValueError, match="method"):
        ib.curve(p, [1.0], method="xyz")
    with pytest.raises(ValueError, match="alpha"):
        ib.curve(p, [1.0], method="gib")
    with pytest.raises(ValueError, match="lagrangian"):
        ib.curve(p, [1.0], lagrangian="cubic")
    with pytest.raises(ValueError, match="betas"):
        ib.curve(p, [1.0, -2.0])


def test_curve_refuses_a_flag_of_another_variant(rng):
    # issue 18 item 5: eta is the rate of the exponential cost; the plain and squared
    # Lagrangians used to ignore it silently.  The convex one still defaults it to 1.0.
    p = rng.dirichlet(np.ones(6)).reshape(3, 2)
    for lagrangian in ("plain", "squared"):
        with pytest.raises(ValueError, match="only used by lagrangian='convex'"):
            ib.curve(p, [1.0, 2.0], lagrangian=lagrangian, eta=2.0)
    default = ib.curve(p, [1.0, 2.0], lagrangian="convex", random_state=0)
    explicit = ib.curve(p, [1.0, 2.0], lagrangian="convex", eta=1.0, random_state=0)
    np.testing.assert_array_equal(default.all_i_ty, explicit.all_i_ty)
    with pytest.raises(ValueError, match="eta must be > 0"):
        ib.curve(p, [1.0], lagrangian="convex", eta=0.0)
