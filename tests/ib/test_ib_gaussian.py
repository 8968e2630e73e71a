"""Closed-form Gaussian IB (Chechik et al. 2005) against independent computations."""

import numpy as np
import pytest

from infolens import ib


def _random_joint(rng, n, m):
    a = rng.normal(size=(n + m, n + m + 3))
    c = a @ a.T / (n + m + 3) + 0.1 * np.eye(n + m)
    return c[:n, :n], c[:n, n:], c[n:, n:]


def _mi_from_projection(a, sx, sxy, sy):
    """I(X;T), I(T;Y) in nats for T = A X + N(0, I), by log-determinants."""
    k = a.shape[0]
    cond = sx - sxy @ np.linalg.solve(sy, sxy.T)
    h_t = np.linalg.slogdet(a @ sx @ a.T + np.eye(k))[1]
    h_t_y = np.linalg.slogdet(a @ cond @ a.T + np.eye(k))[1]
    return 0.5 * h_t, 0.5 * (h_t - h_t_y)


def test_critical_betas_are_inverse_squared_canonical_correlations(rng):
    sx, sxy, sy = _random_joint(rng, 4, 2)
    g = ib.gaussian(sx, sxy, sy, 5.0)
    # canonical correlations: singular values of Sx^{-1/2} Sxy Sy^{-1/2}
    wx, vx = np.linalg.eigh(sx)
    wy, vy = np.linalg.eigh(sy)
    ix = vx @ np.diag(wx**-0.5) @ vx.T
    iy = vy @ np.diag(wy**-0.5) @ vy.T
    rho = np.linalg.svd(ix @ sxy @ iy, compute_uv=False)  # 2 values, descending
    np.testing.assert_allclose(g.critical_betas[:2], 1.0 / rho**2, rtol=1e-9)
    # the other directions of X are uncorrelated with Y: lambda = 1, never activated
    np.testing.assert_allclose(g.eigenvalues[2:], 1.0, atol=1e-9)
    assert np.all(np.isinf(g.critical_betas[2:]))
    # I(X;Y) = -1/2 sum log lambda = -1/2 sum log(1 - rho^2), and by log-determinants
    joint = np.block([[sx, sxy], [sxy.T, sy]])
    direct = 0.5 * (
        np.linalg.slogdet(sx)[1] + np.linalg.slogdet(sy)[1] - np.linalg.slogdet(joint)[1]
    )
    assert g.i_xy == pytest.approx(direct, rel=1e-10)
    assert g.i_xy == pytest.approx(-0.5 * np.sum(np.log(1 - rho**2)), rel=1e-10)


@pytest.mark.parametrize("beta", [1.5, 4.0, 12.0, 60.0])
def test_closed_form_matches_its_projection_and_is_a_minimum(rng, beta):
    sx, sxy, sy = _random_joint(rng, 3, 3)
    g = ib.gaussian(sx, sxy, sy, beta)
    i_x, i_y = _mi_from_projection(g.projection, sx, sxy, sy)
    assert g.i_xt == pytest.approx(i_x, abs=1e-10)
    assert g.i_ty == pytest.approx(i_y, abs=1e-10)
    assert g.n_active == int(np.sum(g.critical_betas < beta))
    lag = i_x - beta * i_y
    # No perturbation of A lowers the Lagrangian (A is the global optimum, theorem 3.1
    # of Chechik et al.).  The Lagrangian is smooth in A, so the only slack needed is
    # float64 round-off of the log-determinants (~1e-12 at these scales).
    for scale in (1e-4, 1e-2, 0.3, 2.0):
        for _ in range(25):
            e = rng.normal(size=g.projection.shape) * scale
            px, py = _mi_from_projection(g.projection + e, sx, sxy, sy)
            assert px - beta * py >= lag - 1e-11
    # T in more dimensions than X does not help either (extra rows of A)
    for _ in range(10):
        big = np.vstack([g.projection, rng.normal(size=(2, 3))])
        px, py = _mi_from_projection(big, sx, sxy, sy)
        assert px - beta * py >= lag - 1e-11


def test_linear_gaussian_target_recovers_the_sufficient_statistic(rng):
    # Seed claim: Y = u^T X + eps.  Only one canonical direction exists; past its critical
    # beta the optimal projection is proportional to u^T X (the minimal sufficient
    # statistic) and I(T;Y) -> I(X;Y) = 1/2 log(Var Y / sigma^2) as beta grows.
    n = 5
    a = rng.normal(size=(n, n))
    sx = a @ a.T / n + 0.5 * np.eye(n)
    u = rng.normal(size=n)
    sigma2 = 0.7
    sxy = (sx @ u)[:, None]
    sy = np.array([[u @ sx @ u + sigma2]])
    i_xy = 0.5 * np.log(sy[0, 0] / sigma2)
    g0 = ib.gaussian(sx, sxy, sy, 1.0)
    beta_c = g0.critical_betas[0]
    assert beta_c == pytest.approx(sy[0, 0] / (u @ sx @ u), rel=1e-10)  # 1 / rho^2
    gaps = []
    for beta in beta_c * np.array([1.01, 2.0, 10.0, 100.0, 1e4]):
        g = ib.gaussian(sx, sxy, sy, beta)
        assert g.n_active == 1
        row = g.projection[0]
        cos = abs(row @ u) / (np.linalg.norm(row) * np.linalg.norm(u))
        assert cos == pytest.approx(1.0, abs=1e-9)
        np.testing.assert_allclose(g.projection[1:], 0.0)
        gaps.append(i_xy - g.i_ty)
        # analytic gap 1/2 log(beta / (beta - 1)) of I(T;Y) below I(X;Y) (eq. in module doc)
        assert gaps[-1] == pytest.approx(0.5 * np.log(beta / (beta - 1.0)), rel=1e-8, abs=1e-12)
    assert np.all(np.diff(gaps) < 0) and gaps[-1] < 1e-4
    below = ib.gaussian(sx, sxy, sy, 0.99 * beta_c)
    assert below.n_active == 0 and below.i_xt == 0.0


def test_closed_form_matches_iterative_solver_on_fine_grid():
    # Scalar X, Y with correlation 0.8 on a 40 x 40 grid over [-4.5, 4.5]^2.  The grid
    # changes I(X;Y) by 5e-5 nats (0.51078 vs -1/2 log 0.36 = 0.51083); the iterative
    # solver stops at tol=1e-7 on q(t|x), which leaves I(X;T) within ~2e-4 of its fixed
    # point at these betas (critical slowing down grows with beta).  Allowed: 1e-3 nats.
    rho = 0.8
    g = np.linspace(-4.5, 4.5, 40)
    x, y = np.meshgrid(g, g, indexing="ij")
    dens = np.exp(-(x**2 - 2 * rho * x * y + y**2) / (2 * (1 - rho**2)))
    p = dens / dens.sum()
    for beta in (3.0, 10.0):
        sol = ib.iterative(p, beta, restarts=1, tol=1e-7, max_iter=3000, random_state=0)
        cf = ib.gaussian([[1.0]], [[rho]], [[1.0]], beta)
        assert sol.i_xt == pytest.approx(cf.i_xt, abs=1e-3)
        assert sol.i_ty == pytest.approx(cf.i_ty, abs=1e-3)
    # below the critical beta 1/rho^2 = 1.5625 both are trivial (I(X;T) = 0); the
    # discretised problem has maximal correlation <= 0.8 as well
    assert ib.maximal_correlation(p) <= rho + 1e-6
    sol = ib.iterative(p, 1.4, restarts=2, tol=1e-9, random_state=0)
    assert sol.i_xt < 1e-6 and ib.gaussian([[1.0]], [[rho]], [[1.0]], 1.4).i_xt == 0.0


def test_gaussian_curve_is_the_closed_form(rng):
    sx, sxy, sy = _random_joint(rng, 3, 2)
    c = ib.gaussian_curve(sx, sxy, sy, base=2)
    g = ib.gaussian(sx, sxy, sy, 1.0)
    rho1 = g.canonical_correlations[0]
    assert c.slope_at_origin == pytest.approx(rho1**2, rel=1e-12)
    assert c.i_xt[0] == 0.0 and c.i_ty[0] == 0.0
    assert c.i_ty[-1] == pytest.approx(c.i_xy, rel=1e-3)
    assert c.i_xy == pytest.approx(g.i_xy / np.log(2), rel=1e-12)
    # concave and non-decreasing
    x, y = c.i_xt[1:], c.i_ty[1:]
    assert np.all(np.diff(y) >= 0)
    s = np.diff(y) / np.diff(x)
    assert np.all(np.diff(s) <= 1e-9)


def test_gaussian_rejects_bad_covariances():
    with pytest.raises(ValueError, match="cov_xy"):
        ib.gaussian(np.eye(2), np.zeros((3, 1)), np.eye(1), 2.0)
    with pytest.raises(ValueError, match="infinite"):
        ib.gaussian([[1.0]], [[1.0]], [[1.0]], 2.0)
    with pytest.raises(ValueError, match="cov_x"):
        ib.gaussian([[1.0, 2.0], [0.0, 1.0]], np.zeros((2, 1)), [[1.0]], 2.0)
