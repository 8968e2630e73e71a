r"""BROJA unique information by a certified interior-point solver.

Bertschinger et al. (2014) define, for two sources :math:`X, Y` and target :math:`S`,

.. math:: UI(S; X \setminus Y) = \min_{Q \in \Delta_P} I_Q(S; X | Y), \qquad
          \Delta_P = \{Q : Q(x,s) = P(x,s),\ Q(y,s) = P(y,s)\},

and all four atoms follow from one optimum :math:`Q^*` of the equivalent convex problem

.. math:: \min_{Q\in\Delta_P} F(Q), \qquad
          F(Q) = -H_Q(S|X,Y) = \sum_{x,y,s} Q(x,y,s)\log Q(s|x,y).

:math:`F` is convex and positively homogeneous, so its Lagrange dual is

.. math:: \max_{\lambda,\mu}\ \sum_{x,s}\lambda_{xs}P(x,s) + \sum_{y,s}\mu_{ys}P(y,s)
          \quad\text{s.t.}\quad \log\sum_s e^{\lambda_{xs}+\mu_{ys}} \le 0\ \ \forall x,y,

(the sum over the ``s`` with :math:`P(x,s)P(y,s) > 0`).  Any feasible :math:`Q` and any
dual-feasible :math:`(\lambda,\mu)` bracket the optimum, so the returned *duality gap*
:math:`F(Q) - D(\lambda,\mu) \ge F(Q) - F^*` certifies how far the reported atoms can be
from the exact ones (each atom moves by at most the gap).

The solver is a log-barrier interior-point method: Newton steps on
:math:`F(Q) - \tau\sum\log Q` under the marginal constraints, with the block structure of
the Hessian (one :math:`|S|\times|S|` diagonal-plus-rank-one block per :math:`(x,y)`)
reduced to a Schur complement of size :math:`(|X|+|Y|)|S|`.  The barrier multipliers are
dual feasible by construction; the dual point is additionally shifted to exact feasibility
before the gap is evaluated, so the certificate does not rely on convergence.  The primal
point is the best of the solver's iterate, :math:`P` itself and the conditionally
independent :math:`P(s)P(x|s)P(y|s)` (both feasible), so the atoms are never negative and a
unique information never exceeds :math:`I(X;S)` whatever the solver did.

References
----------
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. & Ay, N. (2014). Quantifying unique
information. Entropy 16, 2161–2183.
Makkeh, A., Theis, D. O. & Vicente, R. (2018). BROJA-2PID: A robust estimator for
bivariate partial information decomposition. Entropy 20, 271 (the exponential-cone
formulation used by dit).
Boyd, S. & Vandenberghe, L. (2004). Convex Optimization, ch. 11 (barrier method).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lattice import Lattice
from .measures import _register, _specific_information

__all__ = ["BrojaSolution", "broja_solve"]

_TAU_FACTOR = 20.0  # barrier parameter reduction per outer step
_TAU0 = 1e-2  # initial barrier weight times the number of variables
_CENTER = 0.1  # centring accuracy (Newton decrement relative to the barrier gap)


@dataclass(frozen=True)
class BrojaSolution:
    """Optimum of the BROJA program (all information values in nats).

    Attributes
    ----------
    q : ndarray, shape (|X|, |Y|, |S|)
        The optimising distribution :math:`Q^*` (exactly feasible up to round-off).
    cond_entropy : float
        :math:`H_{Q^*}(S|X,Y)`.
    i_q : float
        :math:`I_{Q^*}(S; X,Y) = H(S) - H_{Q^*}(S|X,Y)`.
    duality_gap : float
        Certified bound on :math:`I_{Q^*}(S;XY) - \\min_Q I_Q(S;XY)` (nats).
    newton_steps : int
    converged : bool
        True when the gap is below the requested tolerance.
    """

    q: np.ndarray
    cond_entropy: float
    i_q: float
    duality_gap: float
    newton_steps: int
    converged: bool


def _F(Q: np.ndarray) -> float:
    """-H_Q(S|X,Y) = sum Q log(Q / Q(x,y))."""
    t = Q.sum(axis=2, keepdims=True)
    pos = Q > 0
    return float(np.sum(Q[pos] * np.log((Q / np.where(t > 0, t, 1.0))[pos])))


def _dual_value(P_xs, P_ys, lam, mu, allowed, lp: bool = True) -> float:
    """Dual objective after moving (lam, mu) to exact feasibility at least cost.

    Shifting lam[x, :] by -a_x and mu[y, :] by -b_y lowers log-sum-exp M_xy by a_x + b_y
    and the objective by sum_x a_x P(x) + sum_y b_y P(y); the cheapest shifts with
    a_x + b_y >= M_xy solve a small linear programme (a transportation dual).  Any
    residual infeasibility of the LP solution is removed by a final uniform shift, so the
    value returned is a valid lower bound (weak duality).
    """
    from scipy.optimize import linprog
    from scipy.special import logsumexp

    c = np.where(allowed, lam[:, None, :] + mu[None, :, :], -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        M = logsumexp(c, axis=2)  # -inf where no s is allowed
    dx, dy = M.shape
    px = P_xs.sum(axis=1)
    py = P_ys.sum(axis=1)
    xi, yi = np.nonzero(np.isfinite(M))
    pxs = P_xs > 0
    pys = P_ys > 0
    base = float(np.sum(lam[pxs] * P_xs[pxs]) + np.sum(mu[pys] * P_ys[pys]))

    def value(a, b):
        # repair any residual violation per x, then evaluate
        r = np.where(np.isfinite(M), M - a[:, None] - b[None, :], -np.inf)
        a = a + np.maximum(0.0, r.max(axis=1, initial=-np.inf))
        return base - float(a @ px + b @ py)

    a0 = np.maximum(0.0, np.where(np.isfinite(M), M, -np.inf).max(axis=1, initial=-np.inf))
    best = value(np.where(np.isfinite(a0), a0, 0.0), np.zeros(dy))  # per-x shift
    if lp and xi.size:
        from scipy.sparse import csr_matrix

        k = xi.size
        A = csr_matrix((-np.ones(2 * k), (np.r_[np.arange(k), np.arange(k)], np.r_[xi, dx + yi])),
                       shape=(k, dx + dy))
        res = linprog(np.r_[px, py], A_ub=A, b_ub=-M[xi, yi], bounds=[(None, None)] * (dx + dy),
                      method="highs", options={"primal_feasibility_tolerance": 1e-10,
                                               "dual_feasibility_tolerance": 1e-10})
        if res.status == 0:
            best = max(best, value(res.x[:dx], res.x[dx:]))
    return best

def broja_solve(P: np.ndarray, *, tol: float = 1e-9, max_newton: int = 400) -> BrojaSolution:
    r"""Solve the BROJA program for a canonical pmf ``P[x, y, s]`` (two sources, target last).

    Parameters
    ----------
    P : ndarray, shape (|X|, |Y|, |S|)
        Validated joint pmf.
    tol : float
        Target duality gap in nats.
    max_newton : int
        Cap on Newton steps.

    Returns
    -------
    BrojaSolution

    Notes
    -----
    The Schur complements are at most a few hundred rows, so LAPACK runs single-threaded
    here (through ``threadpoolctl`` when installed): threaded OpenBLAS on a busy machine
    was measured 50-1000x slower on such matrices.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return _broja_solve(P, tol=tol, max_newton=max_newton)
    P = np.asarray(P, dtype=float)
    if (P.shape[0] + P.shape[1]) * P.shape[2] <= 64:
        return _broja_solve(P, tol=tol, max_newton=max_newton)
    with threadpool_limits(limits=1):
        return _broja_solve(P, tol=tol, max_newton=max_newton)


def _broja_solve(P: np.ndarray, *, tol: float, max_newton: int) -> BrojaSolution:
    r"""Minimise :math:`-H_Q(S|X,Y)` over the distributions with the pair marginals of ``P``.

    The BROJA program (Bertschinger et al. 2014) is

    .. math:: \min_{Q \in \Delta_P} F(Q), \quad F(Q) = \sum_{x,y,s} Q(x,y,s)
              \log\frac{Q(x,y,s)}{Q(x,y)}, \quad
              \Delta_P = \{Q \ge 0 : Q(x,s) = P(x,s),\ Q(y,s) = P(y,s)\},

    equivalently :math:`\min_{Q \in \Delta_P} I_Q(S;X,Y)`, since :math:`H(S)` is fixed
    on :math:`\Delta_P`.  Makkeh, Theis & Vicente (2017, 2018) write it as an
    exponential-cone program; here the same convex problem is solved by a log-barrier
    interior-point method (Boyd & Vandenberghe 2004, ch. 11) in three steps:

    1. :func:`_build_system`: the variables (the :math:`(x,y,s)` with
       :math:`P(x,s)P(y,s) > 0`), the linearly independent marginal constraints and the
       strictly feasible start :math:`Q_0 = P(s)P(x|s)P(y|s)`;
    2. :func:`_barrier_path`: Newton centring on :math:`F(Q) - \tau\sum\log Q` for a
       decreasing :math:`\tau`, keeping the best feasible primal value and the best
       dual bound :math:`D(\lambda,\mu)` (:func:`_dual_value`) seen;
    3. :func:`_recover`: the best feasible primal among the iterate, :math:`P` and
       :math:`Q_0`, and the certified gap :math:`F(Q) - D \ge F(Q) - F^\ast`.

    Parameters
    ----------
    P : ndarray, shape (|X|, |Y|, |S|)
        Validated joint pmf.
    tol : float
        Target duality gap in nats.
    max_newton : int
        Cap on Newton steps.

    Returns
    -------
    BrojaSolution

    References
    ----------
    Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. & Ay, N. (2014). Quantifying unique
    information. Entropy 16, 2161–2183.
    Makkeh, A., Theis, D. O. & Vicente, R. (2017). Bivariate partial information
    decomposition: the optimization perspective. Entropy 19(10), 530.
    Makkeh, A., Theis, D. O. & Vicente, R. (2018). BROJA-2PID: a robust estimator for
    bivariate partial information decomposition. Entropy 20(4), 271.
    """
    P = np.asarray(P, dtype=float)
    system = _build_system(P)
    best_Q, best_D, steps = _barrier_path(system, tol, max_newton)
    return _recover(system, P, best_Q, best_D, steps, tol)


@dataclass(frozen=True, eq=False)
class _BrojaSystem:
    """The constraint system of the BROJA program for one pmf ``P[x, y, s]``.

    ``allowed`` marks the variables (:math:`P(x,s)P(y,s) > 0`); ``keep`` the rows of the
    stacked constraints :math:`[Q(x,s) = P(x,s); Q(y,s) = P(y,s)]` that are kept (the
    active ones, minus one redundant :math:`(y, s)` row per ``s``); ``q0`` the strictly
    feasible conditionally independent start.
    """

    P_xs: np.ndarray  # (|X|, |S|)
    P_ys: np.ndarray  # (|Y|, |S|)
    P_s: np.ndarray  # (|S|,)
    allowed: np.ndarray  # (|X|, |Y|, |S|) bool
    q0: np.ndarray  # (|X|, |Y|, |S|)
    nvar: int
    keep: np.ndarray  # kept constraint rows, indices into the (|X| + |Y|) |S| stack
    shape: tuple[int, int, int]

    @property
    def mx(self) -> int:
        """Number of (x, s) constraint rows (the first block of the stack)."""
        return self.shape[0] * self.shape[2]

    def barrier_obj(self, Q: np.ndarray, tau: float) -> float:
        """:math:`F(Q) - \\tau \\sum_{\\text{allowed}} \\log Q`."""
        return _F(Q) - tau * float(np.sum(np.log(Q[self.allowed])))

    def residual(self, Q: np.ndarray) -> np.ndarray:
        """Violation of the kept marginal constraints."""
        r = np.concatenate(
            [(Q.sum(axis=1) - self.P_xs).ravel(), (Q.sum(axis=0) - self.P_ys).ravel()]
        )
        return r[self.keep]

    def rescale(self, Q: np.ndarray, sweeps: int = 1) -> np.ndarray:
        """Multiplicative row/column fitting in every target slice: removes the drift of
        the linear constraints that round-off in the Newton solve leaves behind."""
        P_xs, P_ys = self.P_xs, self.P_ys
        for _ in range(sweeps):
            rows = Q.sum(axis=1)
            Q = Q * np.where(rows > 0, P_xs / np.where(rows > 0, rows, 1.0), 0.0)[:, None, :]
            cols = Q.sum(axis=0)
            Q = Q * np.where(cols > 0, P_ys / np.where(cols > 0, cols, 1.0), 0.0)[None, :, :]
        return Q

    def make_feasible(self, Q: np.ndarray) -> np.ndarray:
        """Additive correction that restores every slice's row and column sums exactly.

        With rows a, columns b (same total), :math:`E = (a-R)b^\\top/B + a(b-C)^\\top/A
        - (A-M)ab^\\top/(AB)`; if an entry then went negative, the point is mixed with the
        strictly feasible ``q0``.
        """
        P_xs, P_ys, P_s, allowed = self.P_xs, self.P_ys, self.P_s, self.allowed
        with np.errstate(divide="ignore", invalid="ignore"):
            Ps = np.where(P_s > 0, P_s, 1.0)
            R = Q.sum(axis=1)
            C = Q.sum(axis=0)
            M = R.sum(axis=0)
            E = ((P_xs - R)[:, None, :] * P_ys[None, :, :] / Ps
                 + P_xs[:, None, :] * (P_ys - C)[None, :, :] / Ps
                 - ((P_s - M) / (Ps * Ps))[None, None, :] * P_xs[:, None, :] * P_ys[None, :, :])
        Qf = np.where(allowed, Q + E, 0.0)
        if (Qf < 0).any():
            neg = Qf < 0
            theta = float(np.max(-Qf[neg] / (self.q0[neg] - Qf[neg])))
            Qf = np.where(allowed, (1 - theta) * Qf + theta * self.q0, 0.0)
        return Qf

    def dual_value(self, lam: np.ndarray, mu: np.ndarray, lp: bool = True) -> float:
        """Dual bound at (lam, mu) after the repair to feasibility (:func:`_dual_value`)."""
        return _dual_value(self.P_xs, self.P_ys, lam, mu, self.allowed, lp=lp)


def _build_system(P: np.ndarray) -> _BrojaSystem:
    """Step 1: variables, kept constraints and the strictly feasible start of ``P``."""
    dx, dy, ds = P.shape
    P_xs = P.sum(axis=1)
    P_ys = P.sum(axis=0)
    P_s = P_xs.sum(axis=0)
    allowed = (P_xs[:, None, :] > 0) & (P_ys[None, :, :] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        Q0 = np.where(allowed, P_xs[:, None, :] * P_ys[None, :, :] / P_s[None, None, :], 0.0)
    Q0 = np.where(allowed, Q0, 0.0)
    # active constraints: (x, s) with P_xs > 0; (y, s) with P_ys > 0 minus the first y per s
    act_x = P_xs > 0
    act_y = P_ys > 0
    first_y = np.argmax(act_y, axis=0)
    drop = np.zeros_like(act_y)
    drop[first_y[P_s > 0], np.flatnonzero(P_s > 0)] = True
    act_y_kept = act_y & ~drop
    ix = np.flatnonzero(act_x.ravel())
    iy = np.flatnonzero(act_y_kept.ravel())
    return _BrojaSystem(
        P_xs=P_xs,
        P_ys=P_ys,
        P_s=P_s,
        allowed=allowed,
        q0=Q0,
        nvar=int(allowed.sum()),
        keep=np.concatenate([ix, dx * ds + iy]),
        shape=(dx, dy, ds),
    )


def _schur_complement(system: _BrojaSystem, g: np.ndarray, den: np.ndarray) -> np.ndarray:
    """:math:`A H^{-1} A^\\top` restricted to the kept constraint rows.

    The barrier Hessian is block diagonal, one diagonal-plus-rank-one
    :math:`|S|\\times|S|` block per (x, y); its inverse has blocks
    :math:`\\mathrm{diag}(g) + g g^\\top/\\mathrm{den}`, summed here over y (for the
    (x, s) rows), over x (for the (y, s) rows) and crossed.
    """
    dx, dy, ds = system.shape
    mx = system.mx
    blocks = g[..., :, None] * g[..., None, :] / den[..., None, None]  # (dx,dy,ds,ds)
    idx = np.arange(ds)
    blocks[..., idx, idx] += g
    Sxx = np.zeros((dx, ds, dx, ds))
    Sxx[np.arange(dx), :, np.arange(dx), :] = blocks.sum(axis=1)
    Syy = np.zeros((dy, ds, dy, ds))
    Syy[np.arange(dy), :, np.arange(dy), :] = blocks.sum(axis=0)
    S = np.empty((mx + dy * ds, mx + dy * ds))
    S[:mx, :mx] = Sxx.reshape(mx, mx)
    S[mx:, mx:] = Syy.reshape(dy * ds, dy * ds)
    S[:mx, mx:] = blocks.transpose(0, 2, 1, 3).reshape(mx, dy * ds)
    S[mx:, :mx] = S[:mx, mx:].T
    return S[np.ix_(system.keep, system.keep)]


def _newton_step(
    system: _BrojaSystem, Q: np.ndarray, tau: float
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """The equality-constrained Newton direction of the barrier problem at ``Q``.

    Returns the direction, the Newton decrement and the multipliers
    :math:`(\\lambda, \\mu)` of the (x, s) and (y, s) constraints, which are a dual point.
    """
    from scipy import linalg  # imported here: keeps `import infolens.pid` light

    allowed = system.allowed
    dx, dy, ds = system.shape
    mx = system.mx
    t = Q.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = np.where(allowed, np.log(Q / t) - tau / Q, 0.0)
        g = np.where(allowed, Q * Q / (Q + tau), 0.0)
    den = np.sum(np.where(allowed, Q * tau / (Q + tau), 0.0), axis=2)
    den = np.where(den > 0, den, 1.0)

    def hinv(v):
        return g * v + g * (np.sum(g * v, axis=2) / den)[..., None]

    Sk = _schur_complement(system, g, den)
    hg = hinv(grad)
    rhs_full = np.concatenate([hg.sum(axis=1).ravel(), hg.sum(axis=0).ravel()])
    rhs = system.residual(Q) - rhs_full[system.keep]
    # symmetric diagonal scaling before the factorisation (conditioning grows like 1/tau)
    dsc = 1.0 / np.sqrt(np.maximum(np.diag(Sk), np.finfo(float).tiny))
    Ss = Sk * dsc[:, None] * dsc[None, :]
    try:
        w = dsc * linalg.cho_solve(linalg.cho_factor(Ss, check_finite=False), rhs * dsc,
                                   check_finite=False)
    except (linalg.LinAlgError, ValueError):
        w = dsc * linalg.lstsq(Ss, rhs * dsc, check_finite=False)[0]
    wf = np.zeros(mx + dy * ds)
    wf[system.keep] = w
    wl = wf[:mx].reshape(dx, ds)
    wm = wf[mx:].reshape(dy, ds)
    at_w = np.where(allowed, wl[:, None, :] + wm[None, :, :], 0.0)
    delta = -hinv(grad + at_w)
    dec = -float(np.sum(grad * delta))
    return delta, dec, -wl, -wm


def _line_search(
    system: _BrojaSystem, Q: np.ndarray, delta: np.ndarray, dec: float, tau: float
) -> np.ndarray | None:
    """Backtracking (Armijo, factor 1/2) along ``delta`` from 99% of the step to the
    boundary; the accepted point is rescaled onto the constraints.  None: no step of
    length above 1e-14 decreases the barrier objective (stalled)."""
    allowed = system.allowed
    neg = delta < 0
    amax = float(np.min(-Q[neg] / delta[neg])) if neg.any() else np.inf
    a = min(1.0, 0.99 * amax)
    f0 = system.barrier_obj(Q, tau)
    while a > 1e-14:
        Qn = system.rescale(np.where(allowed, Q + a * delta, 0.0))
        if np.all(Qn[allowed] > 0) and system.barrier_obj(Qn, tau) <= f0 - 0.25 * a * dec:
            return Qn
        a *= 0.5
    return None


def _centre(
    system: _BrojaSystem, Q: np.ndarray, tau: float, steps: int, max_newton: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """Newton centring at ``tau`` (at most 50 steps): returns the iterate, the last dual
    point, the updated step count and whether the line search stalled."""
    nvar = system.nvar
    for _ in range(50):
        delta, dec, lam, mu = _newton_step(system, Q, tau)
        steps += 1
        if dec / 2 <= _CENTER * tau * max(nvar, 1) or dec <= 1e-15 or steps >= max_newton:
            break
        Qn = _line_search(system, Q, delta, dec, tau)
        if Qn is None:
            return Q, lam, mu, steps, True
        Q = Qn
    return Q, lam, mu, steps, False


def _barrier_path(
    system: _BrojaSystem, tol: float, max_newton: int
) -> tuple[np.ndarray, float, int]:
    """Step 2: follow the central path from ``q0`` for decreasing tau.

    The primal (lowest F over feasible points) and the dual (highest D over dual-feasible
    points) bounds are tracked separately: both are valid whatever iterate they come from,
    and the Newton dual estimate degrades first as tau -> 0.  Stops at a gap below
    ``tol``, a negligible tau, two outer steps without progress, a stalled line search
    or ``max_newton`` Newton steps.  Returns the best feasible point, the best dual bound
    and the number of Newton steps.
    """
    dx, dy, ds = system.shape
    Q0, nvar = system.q0, system.nvar
    Q = Q0.copy()
    tau = _TAU0 / max(nvar, 1)
    steps = 0
    lam = np.zeros((dx, ds))
    mu = np.zeros((dy, ds))
    best_F, best_Q = _F(Q0), Q0
    best_D = system.dual_value(lam, mu, lp=False)
    duals = []  # Newton dual points, re-evaluated with the least-cost repair at the end
    stalled = False
    worse = 0
    while steps < max_newton and not stalled:
        Q, lam, mu, steps, stalled = _centre(system, Q, tau, steps, max_newton)
        Qf = system.make_feasible(Q)
        F_now = _F(Qf)
        D_now = system.dual_value(lam, mu, lp=False)
        duals.append((D_now, lam, mu))
        gap_before = best_F - best_D
        if F_now < best_F:
            best_F, best_Q = F_now, Qf
        best_D = max(best_D, D_now)
        worse = worse + 1 if best_F - best_D >= gap_before else 0
        if best_F - best_D <= tol or tau * nvar < 1e-15 or worse >= 2:
            break
        tau /= _TAU_FACTOR
    if best_F - best_D > tol and duals:
        # sharper bound: least-cost (LP) repair of the best Newton dual point
        _, lam_c, mu_c = max(duals, key=lambda d: d[0])
        best_D = max(best_D, system.dual_value(lam_c, mu_c))
    return best_Q, best_D, steps


def _recover(
    system: _BrojaSystem, P: np.ndarray, best_Q: np.ndarray, best_D: float, steps: int,
    tol: float,
) -> BrojaSolution:
    """Step 3: the best feasible primal among the iterate, ``P`` and the conditionally
    independent ``q0``, with :math:`H_Q(S|X,Y)`, :math:`I_Q(S;X,Y)` and the certified gap."""
    P_s = system.P_s
    cands = [best_Q, system.q0, P]
    vals = [_F(c) for c in cands]
    k = int(np.argmin(vals))
    Fbest = vals[k]
    gap = max(Fbest - best_D, 0.0)
    Hs = float(-np.sum(P_s[P_s > 0] * np.log(P_s[P_s > 0])))
    return BrojaSolution(
        q=cands[k],
        cond_entropy=-Fbest,
        i_q=Hs + Fbest,
        duality_gap=gap,
        newton_steps=steps,
        converged=gap <= tol,
    )


@_register(
    "broja",
    max_sources=2,
    nonnegative=True,
    reference="Bertschinger, Rauh, Olbrich, Jost & Ay (2014), Entropy 16, 2161",
    criticism="two sources only; requires a convex optimisation; redundancy can be positive "
    "for independent sources (mechanistic redundancy).",
)
def _broja(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r"""BROJA redundancy :math:`SI = I(S;X) + I(S;Y) - \min_{Q\in\Delta_P} I_Q(S;XY)`."""
    if lat.n != 2:  # pragma: no cover - guarded by decompose
        raise ValueError("BROJA is defined here for two sources.")
    spec = _specific_information(P)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    mi = spec @ pt  # I(X;S), I(Y;S), I(XY;S)
    sol = broja_solve(P)
    # Feasibility of Q* gives max(I_X, I_Y) <= I_Q and the choice among P and Q0 gives
    # I_Q <= min(I_X + I_Y, I_XY); any violation left is float round-off (< 1e-12 nats).
    i_q = sol.i_q
    lo, hi = max(mi[0], mi[1]), min(mi[0] + mi[1], mi[2])
    if i_q < lo - 1e-12 or i_q > hi + 1e-12:  # pragma: no cover - would be a solver bug
        raise RuntimeError(f"BROJA optimum {i_q} outside its bracket [{lo}, {hi}].")
    i_q = min(max(i_q, lo), hi)  # round-off only, see the check above
    red = np.empty(len(lat))
    for i, masks in enumerate(lat.masks):
        red[i] = mi[0] + mi[1] - i_q if len(masks) == 2 else mi[masks[0] - 1]
    return red, {
        "duality_gap": sol.duality_gap,
        "newton_steps": sol.newton_steps,
        "converged": sol.converged,
        "q": sol.q,
    }
