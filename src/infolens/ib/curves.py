r"""Information bottleneck curves: annealing beta, concave envelope, convex Lagrangians.

The IB curve is :math:`F(r) = \max\{I(T;Y) : I(X;T) \le r\}`; it is concave and
non-decreasing, starts at (0, 0) and reaches :math:`I(X;Y)` at
:math:`r = H(T^\ast)` of a minimal sufficient statistic :math:`T^\ast`.  Each solution of the
Lagrangian :math:`I(X;T) - \beta I(T;Y)` is a point of the curve where its slope is
:math:`1/\beta`; sweeping beta traces the curve.  The iterative solvers return local
optima, so :func:`curve` keeps only the upper concave envelope of all points it finds
(every point strictly below is counted in ``n_discarded``).

Where the curve has straight pieces the plain Lagrangian cannot select the points in
their interior: all points of a segment of slope :math:`1/\beta` tie at that beta and
the solver returns one of its ends.  For a deterministic target Y = f(X) the whole curve
is :math:`F(r) = \min(r, H(Y))`, one such segment, so the plain Lagrangian only finds the
two corners (0, 0) and (H(Y), H(Y)) (Kolchinsky, Tracey & Van Kuyk 2019).  A strictly
convex cost :math:`u` of the compression,

.. math::  \mathcal L_u = u(I(X;T)) - \beta\, I(T;Y),

has a unique optimum on every straight piece (its stationarity condition
:math:`u'(r) = \beta F'(r)` has one solution for strictly increasing u'), so it reaches
interior points (Rodriguez Galvez, Thobaben & Skoglund 2020).  Here ``"squared"`` is
:math:`u(r) = r^2` (the squared-IB of Kolchinsky et al.) and ``"convex"`` is the exponential
:math:`u(r) = e^{\eta r}` of Rodriguez Galvez et al.  (Note the orientation: beta
multiplies the relevance in every Lagrangian here, so larger beta always means more
information kept.)

References
----------
N. Tishby, F. C. Pereira and W. Bialek, "The information bottleneck method", 1999.
A. Kolchinsky, B. D. Tracey and S. Van Kuyk, "Caveats for information bottleneck in
deterministic scenarios", ICLR 2019.
B. Rodriguez Galvez, R. Thobaben and M. Skoglund, "The convex information bottleneck
Lagrangian", Entropy 22(1), 98, 2020.
H. S. Witsenhausen, "On sequences of pairs of dependent random variables", SIAM J. Appl.
Math. 28(1), 1975 (maximal correlation as a singular value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import check_base, check_random_state
from ..units import Base, unit_name
from .solvers import (
    IBSolution,
    _check_common,
    _check_nonneg,
    _initial,
    _Objective,
    _Problem,
    _solve_prepared,
    _tree_start,
)

__all__ = ["IBCurve", "curve", "maximal_correlation", "upper_concave_envelope"]

_METHODS = {"ib": 1.0, "dib": 0.0}
_LAGRANGIANS = ("plain", "squared", "convex")


@dataclass(frozen=True)
class IBCurve:
    """An information bottleneck curve: the envelope points and what was discarded.

    Attributes
    ----------
    betas, i_xt, i_ty, h_t : ndarray
        The points on the upper concave envelope, ordered by ``complexity``, with the
        beta at which each was found (``nan`` betas for closed-form/sample curves do
        not occur: every point has its beta).
    complexity : ndarray
        The x-axis of the envelope: ``i_xt`` (plane ``"I(X;T)"``) or ``h_t`` (``"H(T)"``).
    plane : str
        ``"I(X;T)"`` or ``"H(T)"``.
    all_betas, all_i_xt, all_i_ty, all_h_t : ndarray
        The best solution found at every beta (in the order of ``all_betas``).
    on_envelope : ndarray of bool
        Which of the ``all_*`` points lie on the envelope.
    n_discarded : int
        Solutions strictly below the envelope (local optima) that were dropped.
    slope_at_origin : float or None
        Slope of the first envelope chord from (0, 0); by concavity a lower bound on
        :math:`F'(0)`, which equals the hypercontractivity constant :math:`s^\\ast(X;Y)`
        (Kim et al. 2017).  ``None`` when no non-trivial point was found.
    onset_beta : float or None
        Smallest beta whose solution has non-zero relevance (above ``1e-9`` nats).
    h_x, i_xy : float
        H(X) and I(X;Y) of the pmf (the curve ends at I(X;Y)).
    max_correlation : float or None
        Maximal correlation :math:`\\rho_m` (the theory puts the onset at or below
        :math:`1/\\rho_m^2`).
    method : str
    alpha : float
    lagrangian : str
    unit : str
    solutions : tuple of IBSolution
        Per-beta solutions in the order of ``all_betas`` (empty for closed forms).
    """

    betas: np.ndarray
    i_xt: np.ndarray
    i_ty: np.ndarray
    h_t: np.ndarray
    complexity: np.ndarray
    plane: str
    all_betas: np.ndarray
    all_i_xt: np.ndarray
    all_i_ty: np.ndarray
    all_h_t: np.ndarray
    on_envelope: np.ndarray
    n_discarded: int
    slope_at_origin: float | None
    onset_beta: float | None
    h_x: float
    i_xy: float
    max_correlation: float | None
    method: str
    alpha: float
    lagrangian: str
    unit: str
    solutions: tuple[IBSolution, ...] = field(default=(), repr=False)


def maximal_correlation(pxy: Any) -> float:
    r"""Hirschfeld-Gebelein-Renyi maximal correlation of a discrete joint pmf.

    .. math::

        \rho_m(X;Y) = \sup_{f, g} \mathrm{corr}(f(X), g(Y)) = \sigma_2(Q), \qquad
        Q_{xy} = \frac{p(x, y)}{\sqrt{p(x)\, p(y)}},

    the second largest singular value of Q (the largest is 1, with singular vectors
    :math:`\sqrt{p(x)}`, :math:`\sqrt{p(y)}`).  Rows and columns of zero probability are
    left out.  A non-trivial IB solution exists for every :math:`\beta > 1/\rho_m^2`.

    Parameters
    ----------
    pxy : array_like (n_x, n_y)
        Joint pmf.

    Returns
    -------
    float
        :math:`\rho_m \in [0, 1]` (0 when X or Y is constant).

    References
    ----------
    H. S. Witsenhausen, SIAM J. Appl. Math. 28(1), 100-113, 1975.

    Examples
    --------
    >>> import numpy as np
    >>> round(maximal_correlation(np.array([[0.4, 0.1], [0.1, 0.4]])), 6)
    0.6
    """
    p, *_ = _check_common(pxy, 0.0, 1.0, None, 1, 0.0, 1)
    px, py = p.sum(axis=1), p.sum(axis=0)
    p = p[px > 0][:, py > 0]
    px, py = px[px > 0], py[py > 0]
    if min(p.shape) < 2:
        return 0.0
    q = p / np.sqrt(px[:, None] * py[None, :])
    s = np.linalg.svd(q, compute_uv=False)
    return float(min(max(s[1], 0.0), 1.0))


def upper_concave_envelope(c: Any, r: Any, *, atol: float = 1e-10) -> np.ndarray:
    """Indices of the points on the non-decreasing upper concave envelope of (c, r).

    The envelope is the upper convex hull of the points from the leftmost one up to the
    first point of maximal ``r``; points on a straight piece of the hull (within
    ``atol``) are kept.  Returned indices are ordered by increasing ``c``.

    Parameters
    ----------
    c, r : array_like (n,)
        Coordinates (complexity, relevance).
    atol : float
        Tolerance of the collinearity and tie tests.

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> upper_concave_envelope([0, 1, 2, 1.5], [0, 1, 1.5, 0.2]).tolist()
    [0, 1, 2]
    """
    c = np.asarray(c, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    if c.shape != r.shape or c.ndim != 1 or c.size == 0:
        raise ValueError(f"c and r must be 1-D arrays of the same non-zero length; got {c.shape}, {r.shape}.")
    order = np.lexsort((-r, c))
    hull: list[int] = []
    for i in order:
        if hull and abs(c[i] - c[hull[-1]]) <= atol:
            continue  # same complexity, lower (or equal) relevance
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            cross = (c[a] - c[o]) * (r[i] - r[o]) - (r[a] - r[o]) * (c[i] - c[o])
            if cross > atol:
                hull.pop()
            else:
                break
        hull.append(int(i))
    rh = r[hull]
    stop = int(np.argmax(rh >= rh.max() - atol))
    return np.asarray(hull[: stop + 1], dtype=np.int64)



# ---------------------------------------------------------------- the variants' settings


def _alpha_for(method: Any, alpha: float | None) -> float:
    """The alpha of ``method``: 1 for the IB, 0 for the DIB, the given one for the GIB
    (required there and refused elsewhere)."""
    if not isinstance(method, str) or method not in ("ib", "dib", "gib"):
        raise ValueError(f"method={method!r} is not one of 'ib', 'dib', 'gib'.")
    if method == "gib":
        if alpha is None:
            raise ValueError("method='gib' needs alpha in [0, 1], e.g. alpha=0.5.")
        return alpha
    if alpha is not None:
        raise ValueError(f"alpha is set by method={method!r}; pass method='gib' to choose alpha.")
    return _METHODS[method]


def _objective_for(lagrangian: Any, eta: float | None) -> _Objective:
    """The compression cost u of ``lagrangian``; ``eta`` is the rate of the exponential
    cost (default 1.0) and is refused by the other two, which would ignore it."""
    if lagrangian not in _LAGRANGIANS:
        raise ValueError(f"lagrangian={lagrangian!r} is not one of {_LAGRANGIANS}.")
    if lagrangian != "convex":
        if eta is not None:
            raise ValueError(
                f"eta={eta!r} is the rate of the exponential cost and is only used by "
                f"lagrangian='convex'; lagrangian={lagrangian!r} has no rate: drop eta."
            )
        return _Objective(lagrangian, 1.0)
    eta = _check_nonneg(1.0 if eta is None else eta, "eta")
    if eta == 0:
        raise ValueError("eta must be > 0 (rate of the exponential cost).")
    return _Objective(lagrangian, eta)


def _plain_betas(prob: _Problem, eta: float, onset: float) -> np.ndarray:
    """0.5 to 200/rho_m^2: past the onset of the plain Lagrangian (at most 1/rho_m^2)."""
    return np.geomspace(0.5, max(200.0 * onset, 10.0), 50)


def _squared_betas(prob: _Problem, eta: float, onset: float) -> np.ndarray:
    """0.02 I(X;Y) to 200 H(X)/rho_m^2 (u'(r) = 2r ranges over [0, 2 H(X)])."""
    lo = 0.02 * max(prob.i_xy, 1e-6)
    return np.geomspace(lo, 2.0 * max(prob.h_x, 1e-6) * 100.0 * onset, 50)


def _convex_betas(prob: _Problem, eta: float, onset: float) -> np.ndarray:
    """eta to 100 eta e^{eta H(X)}/rho_m^2 (u'(r) = eta e^{eta r} ranges over that)."""
    return np.geomspace(eta, eta * np.exp(eta * prob.h_x) * 100.0 * onset, 50)


_DEFAULT_BETAS = {"plain": _plain_betas, "squared": _squared_betas, "convex": _convex_betas}


def _default_betas(prob: _Problem, kind: str, eta: float, rho: float) -> np.ndarray:
    """50 log-spaced betas covering the curve of the ``kind`` Lagrangian."""
    return _DEFAULT_BETAS[kind](prob, eta, 1.0 / max(rho**2, 1e-12))


def _beta_grid(betas: Any, prob: _Problem, objective: _Objective, rho: float) -> np.ndarray:
    """The sorted betas: the given ones (checked >= 0) or the Lagrangian's default grid."""
    if betas is None:
        b = _default_betas(prob, objective.kind, objective.eta, rho)
    else:
        b = np.asarray(betas, dtype=np.float64)
        if b.ndim != 1 or b.size == 0:
            raise ValueError(f"betas must be a non-empty 1-D array; got shape {b.shape}.")
        for v in b:
            _check_nonneg(float(v), "betas")
    return np.sort(b)


# ---------------------------------------------------------------- the annealing sweeps

_Solve = Callable[[float, np.ndarray], IBSolution]


def _sweep_down(
    prob: _Problem, b: np.ndarray, solve: _Solve, k: int, r: int, a: float, rng: np.random.Generator
) -> list[IBSolution]:
    """(i) From the largest beta down, each solve started from the previous solution and
    ``r`` random encoders (the DIB also from the best level of the merge tree; the first
    solve of the IB from the finest clustering when it fits, the last start being the
    trivial encoder)."""
    down: list[IBSolution | None] = [None] * len(b)
    prev = None
    for j in range(len(b) - 1, -1, -1):
        starts = _initial(prob, k, r, a, rng, None)
        if a == 0.0:
            tree = _tree_start(prob, float(b[j]), a, k)
            if tree is not None:
                starts = np.concatenate([tree, starts], axis=0)
        if prev is not None:
            starts = np.concatenate([prev.encoder[None], starts], axis=0)
        elif k >= prob.n_x and a > 0:
            ident = np.zeros((1, prob.n_x, k))
            ident[0, np.arange(prob.n_x), np.arange(prob.n_x)] = 1.0
            starts = np.concatenate([ident, starts], axis=0)
        down[j] = prev = solve(b[j], starts)
    return down  # type: ignore[return-value]


def _sweep_up(
    prob: _Problem,
    b: np.ndarray,
    down: list[IBSolution],
    solve: _Solve,
    k: int,
    a: float,
    rng: np.random.Generator,
) -> list[IBSolution]:
    """(ii) From the smallest beta up, started from the previous solution (perturbed
    towards a random encoder when ``a > 0``, so that clusters can split); per beta the
    lower Lagrangian of the two sweeps is kept."""
    best: list[IBSolution] = []
    prev = None
    for j in range(len(b)):
        cand = down[j]
        assert cand is not None
        if prev is not None:
            warm = prev.encoder
            if a > 0:
                noise = rng.dirichlet(np.ones(k), size=prob.n_x)
                warm = 0.98 * warm + 0.02 * noise
            up = solve(b[j], warm[None])
            if up.lagrangian < cand.lagrangian:
                cand = up
        best.append(cand)
        prev = cand
    return best


# ---------------------------------------------------------------- the envelope


def _slope_at_origin(env_c: np.ndarray, env_r: np.ndarray, tiny: float) -> float | None:
    """Slope of the first envelope chord that reaches a non-trivial relevance, from the
    envelope point before it (or from (0, 0)); None without such a point."""
    nontriv = np.flatnonzero(env_r > tiny)
    if not nontriv.size:
        return None
    j0 = nontriv[0]
    c0 = env_c[j0 - 1] if j0 > 0 else 0.0
    r0 = env_r[j0 - 1] if j0 > 0 else 0.0
    if env_c[j0] - c0 > 0:
        return float((env_r[j0] - r0) / (env_c[j0] - c0))
    return None


def _envelope(cx: np.ndarray, ity: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Indices of the upper concave envelope of (cx, ity), the mask of envelope points and
    the number of points strictly below it (local optima)."""
    scale = max(float(cx.max(initial=0.0)), float(ity.max(initial=0.0)), 1e-300)
    idx = upper_concave_envelope(cx, ity, atol=1e-9 * scale)
    on = np.zeros(cx.size, dtype=bool)
    on[idx] = True
    # points that coincide with an envelope point (same beta regime) are not local optima
    env_c, env_r = cx[idx], ity[idx]
    below = ~on & (np.interp(cx, env_c, env_r, right=env_r[-1]) - ity > 1e-7 * scale)
    return idx, on, int(below.sum())


# ---------------------------------------------------------------- the dispatcher


def curve(
    pxy: Any,
    betas: Any = None,
    *,
    method: str = "ib",
    alpha: float | None = None,
    lagrangian: str = "plain",
    eta: float | None = None,
    n_clusters: int | None = None,
    restarts: int = 3,
    tol: float = 1e-9,
    max_iter: int = 2000,
    random_state: Any = None,
    plane: str = "auto",
    base: Base = "e",
) -> IBCurve:
    r"""Trace the information bottleneck curve of p(x, y) by annealing beta.

    For every beta the solver is started from (i) the previous solution of a sweep from
    the largest beta down (where the finest clustering is the natural start), (ii) the
    previous solution of a sweep from the smallest beta up, slightly perturbed so that
    clusters can split, and (iii) ``restarts`` random encoders in the downward sweep,
    including the trivial one.  The best Lagrangian per beta is kept; then only the
    upper concave envelope of those points in the chosen plane is returned, and the
    points strictly below it are counted as discarded local optima.

    Parameters
    ----------
    pxy : array_like (n_x, n_y)
        Joint pmf.
    betas : array_like, optional
        Multipliers (>= 0).  Default: 50 log-spaced values; for the plain Lagrangian from
        0.5 to :math:`200/\rho_m^2` (past the onset :math:`\le 1/\rho_m^2`); for
        ``"squared"`` from :math:`0.02\, I(X;Y)` to :math:`200\, H(X)/\rho_m^2`; for
        ``"convex"`` from :math:`\eta` to :math:`100\,\eta e^{\eta H(X)}/\rho_m^2` (nats).
    method : {"ib", "dib", "gib"}
        IB (:math:`\alpha = 1`), deterministic IB (:math:`\alpha = 0`) or generalized IB
        with the given ``alpha``.
    alpha : float in [0, 1], optional
        Required for ``method="gib"``; must be omitted otherwise.
    lagrangian : {"plain", "squared", "convex"}
        Cost of the compression :math:`C = H(T) - \alpha H(T|X)`: :math:`C`,
        :math:`C^2` (Kolchinsky et al. 2019) or :math:`e^{\eta C}` (Rodriguez Galvez et
        al. 2020); minimised is :math:`u(C) - \beta I(T;Y)` with C in nats.  Non-linear
        costs are solved by the self-consistent update with the local multiplier
        :math:`\beta / u'(C)` recomputed at each step.
    eta : float > 0, optional
        Rate of the exponential cost; only with ``lagrangian="convex"`` (default 1.0
        there), and an error with the other Lagrangians, which have no such rate.
    n_clusters : int, optional
        Number of values of T (default ``n_x``).
    restarts : int, default 3
        Random starts per beta in the downward sweep.
    tol, max_iter : float, int
        Convergence settings of each solve (see :func:`infolens.ib.iterative`).
    random_state : None, int or numpy.random.Generator
    plane : {"auto", "ixt", "ht"}
        Plane of the envelope: I(X;T)-I(T;Y) (``"ixt"``) or H(T)-I(T;Y) (``"ht"``);
        ``"auto"`` picks ``"ht"`` for the DIB and ``"ixt"`` otherwise.
    base : {"e", 2, 10} or float
        Unit of the returned information values.

    Returns
    -------
    IBCurve

    Raises
    ------
    ValueError
        For an unknown ``method``, ``lagrangian`` or ``plane``, ``alpha`` without
        ``method="gib"`` (or missing with it), ``eta`` without ``lagrangian="convex"``, or
        negative betas.

    Notes
    -----
    For a deterministic Y = f(X) use ``lagrangian="squared"`` or ``"convex"``: the
    plain Lagrangian returns only the corners (0, 0) and (H(Y), H(Y)) of the curve
    :math:`\min(I(X;T), H(Y))`, see the module docstring.

    References
    ----------
    N. Tishby, F. C. Pereira and W. Bialek, 1999; D. J. Strouse and D. J. Schwab, Neural
    Computation 29(6), 2017; A. Kolchinsky, B. D. Tracey and S. Van Kuyk, ICLR 2019;
    B. Rodriguez Galvez, R. Thobaben and M. Skoglund, Entropy 22(1), 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from infolens import ib
    >>> pxy = np.array([[0.3, 0.05], [0.05, 0.3], [0.15, 0.15]])
    >>> c = ib.curve(pxy, np.geomspace(0.5, 100, 12), random_state=0)
    >>> bool(np.all(np.diff(c.i_ty) >= 0)), round(float(c.i_ty[-1]), 3) == round(c.i_xy, 3)
    (True, True)
    """
    a_in = _alpha_for(method, alpha)
    objective = _objective_for(lagrangian, eta)
    if plane not in ("auto", "ixt", "ht"):
        raise ValueError(f"plane={plane!r} is not one of 'auto', 'ixt', 'ht'.")
    p, _, a, k, r, t, m = _check_common(pxy, 0.0, a_in, n_clusters, restarts, tol, max_iter)
    lb = check_base(base)
    unit = unit_name(base)
    rng = check_random_state(random_state)
    prob = _Problem(p)
    rho = maximal_correlation(p)
    b = _beta_grid(betas, prob, objective, rho)

    def solve(beta: float, starts: np.ndarray) -> IBSolution:
        return _solve_prepared(prob, starts, float(beta), a, objective, t, m, lb, unit)

    best = _sweep_up(prob, b, _sweep_down(prob, b, solve, k, r, a, rng), solve, k, a, rng)
    all_ixt = np.array([s.i_xt for s in best])
    all_ity = np.array([s.i_ty for s in best])
    all_ht = np.array([s.h_t for s in best])
    use_ht = plane == "ht" or (plane == "auto" and method == "dib")
    cx = all_ht if use_ht else all_ixt
    idx, on, n_below = _envelope(cx, all_ity)
    tiny = 1e-9 / lb
    onset_idx = np.flatnonzero(all_ity > tiny)
    return IBCurve(
        betas=b[idx],
        i_xt=all_ixt[idx],
        i_ty=all_ity[idx],
        h_t=all_ht[idx],
        complexity=cx[idx],
        plane="H(T)" if use_ht else "I(X;T)",
        all_betas=b,
        all_i_xt=all_ixt,
        all_i_ty=all_ity,
        all_h_t=all_ht,
        on_envelope=on,
        n_discarded=n_below,
        slope_at_origin=_slope_at_origin(cx[idx], all_ity[idx], tiny),
        onset_beta=float(b[onset_idx[0]]) if onset_idx.size else None,
        h_x=prob.h_x / lb,
        i_xy=prob.i_xy / lb,
        max_correlation=rho,
        method=method,
        alpha=a,
        lagrangian=lagrangian,
        unit=unit,
        solutions=tuple(best),
    )
