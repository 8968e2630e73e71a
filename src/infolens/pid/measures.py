r"""Redundancy measures for the partial information decomposition.

Every measure is one function ``f(P, lattice) -> (redundancies, info)`` on a *canonical*
joint pmf ``P`` of shape ``(|A_0|, …, |A_{n-1}|, |T|)`` (one axis per source, the target
last), returning the redundancy :math:`I_\cap(\alpha; T)` in nats on every lattice node
(in the lattice's order) plus a dict of solver facts.  :func:`infolens.pid.decompose`
plugs any of them into the same lattice and Möbius inversion.

Which measures allow how many sources, and what is known against each:

========  ========  =================================================================
measure   sources   known criticisms
========  ========  =================================================================
imin      1–4       "same amount, not the same information": two sources that tell
                    the target different things with equal specific information count
                    as redundant (two independent bits copied into the target get
                    1 bit of redundancy instead of 1 bit unique each; Harder, Salge &
                    Polani 2013).
mmi       1–4       Redundancy is simply the smallest source MI, so one of the two
                    unique atoms is always zero; agrees with BROJA and I_dep on
                    jointly Gaussian sources with a univariate target (Barrett 2015)
                    but is crude for discrete systems (COPY gets redundancy 1 bit).
broja     2         Defined through unique information, for two sources only (with three
                    or more, no redundancy satisfies all the Williams–Beer axioms plus
                    the identity property; Rauh et al. 2014).  Assumes unique
                    information is fixed by the source–target marginals; gives
                    "mechanistic" redundancy between independent inputs (AND: 0.311
                    bit); needs a convex optimisation (here with a certified gap).
ccs       1–4       Atoms can be negative (misinformation); relies on a maximum-entropy
                    surrogate distribution and on sign-agreement tests between local
                    quantities, which make it discontinuous in the pmf.
sx        1–4       Atoms can be negative: shared exclusions may be misinformative, so
                    XOR gets -0.585 bit redundancy and +0.585 bit unique information
                    besides 0.415 bit synergy (closed form, see the tests); the
                    two-bit copy gets 0.415 bit redundancy.
dep       2         Two sources here (dit's many-source variant is incomplete); the
                    minimum over dependency-lattice edges is a design choice without an
                    operational meaning; needs maximum-entropy fits (iterative
                    proportional fitting).
========  ========  =================================================================

References
----------
Williams, P. L. & Beer, R. D. (2010). Nonnegative decomposition of multivariate
information. arXiv:1004.2515.
Harder, M., Salge, C. & Polani, D. (2013). Bivariate measure of redundant information.
Phys. Rev. E 87, 012130.
Rauh, J., Bertschinger, N., Olbrich, E. & Jost, J. (2014). Reconsidering unique
information: towards a multivariate information decomposition. ISIT 2014.
Barrett, A. B. (2015). Exploration of synergistic and redundant information sharing in
static and dynamical Gaussian systems. Phys. Rev. E 91, 052802.
Bertschinger, N., Rauh, J., Olbrich, E., Jost, J. & Ay, N. (2014). Quantifying unique
information. Entropy 16, 2161–2183.
Ince, R. A. A. (2017). Measuring multivariate redundant information with pointwise
common change in surprisal. Entropy 19, 318.
Makkeh, A., Gutknecht, A. J. & Wibral, M. (2021). Introducing a differentiable measure of
pointwise shared information. Phys. Rev. E 103, 032149.
James, R. G., Emenheiser, J. & Crutchfield, J. P. (2018). Unique information via
dependency constraints. J. Phys. A 52, 014002.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from .lattice import Lattice

__all__ = ["MeasureInfo", "MEASURES", "get_measure", "maxent_source_target"]

# Signs of pointwise quantities closer to zero than this (in nats) count as zero in I_ccs;
# the value is 1e-8 bits, the threshold used by dit's reference implementation.
_CCS_ZERO = 1e-8 * np.log(2.0)


@dataclass(frozen=True)
class MeasureInfo:
    """A registered redundancy measure.

    Attributes
    ----------
    name : str
        Key used by ``decompose(..., measure=name)``.
    function : callable
        ``function(P, lattice) -> (redundancies in nats, info dict)``.
    max_sources : int
        Largest number of sources it is defined for.
    nonnegative : bool
        Whether its atoms are guaranteed to be >= 0.
    reference : str
        The paper that defines it.
    criticism : str
        Known objections, one line.
    """

    name: str
    function: Callable[[np.ndarray, Lattice], tuple[np.ndarray, dict]]
    max_sources: int
    nonnegative: bool
    reference: str
    criticism: str


MEASURES: dict[str, MeasureInfo] = {}


def _register(name, *, max_sources, nonnegative, reference, criticism):
    def deco(fn):
        MEASURES[name] = MeasureInfo(name, fn, max_sources, nonnegative, reference, criticism)
        return fn

    return deco


def get_measure(name: str) -> MeasureInfo:
    """Look up a registered measure by name (``"imin"``, ``"mmi"``, ``"broja"`` …)."""
    if not isinstance(name, str) or name.lower() not in MEASURES:
        raise ValueError(f"measure={name!r} is unknown; choose one of {sorted(MEASURES)}.")
    return MEASURES[name.lower()]


# ----------------------------------------------------------------------------- helpers


def _xlogy_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a * log(a / b) with 0 log 0 = 0 (b > 0 wherever a > 0)."""
    out = np.zeros(np.broadcast(a, b).shape)
    pos = np.broadcast_to(a > 0, out.shape)
    aa = np.broadcast_to(a, out.shape)[pos]
    bb = np.broadcast_to(b, out.shape)[pos]
    out[pos] = aa * np.log(aa / bb)
    return out


def _source_target_marginal(P: np.ndarray, mask: int) -> np.ndarray:
    """p(a, t) for the sources in ``mask``, shape (|A|, |T|)."""
    n = P.ndim - 1
    drop = tuple(i for i in range(n) if not mask >> i & 1)
    m = P.sum(axis=drop) if drop else P
    return m.reshape(-1, P.shape[-1])


def _specific_information(P: np.ndarray) -> np.ndarray:
    r"""Specific information :math:`I(A; T=t) = \sum_a p(a|t)\log\frac{p(a|t)}{p(a)}`
    for every non-empty source subset ``A`` (row ``mask - 1``) and target value ``t``."""
    n = P.ndim - 1
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    spec = np.zeros(((1 << n) - 1, P.shape[-1]))
    tpos = pt > 0
    for mask in range(1, 1 << n):
        pat = _source_target_marginal(P, mask)
        pa = pat.sum(axis=1, keepdims=True)
        # sum_a p(a,t) log(p(a,t) / (p(a) p(t))) / p(t)
        s = _xlogy_ratio(pat, pa * pt[None, :]).sum(axis=0)
        spec[mask - 1, tpos] = s[tpos] / pt[tpos]
    return spec


def _node_min(values: np.ndarray, lat: Lattice) -> np.ndarray:
    """For each node, the minimum of ``values[set]`` over its sets (rows of values)."""
    padded = np.concatenate([values, np.full((1,) + values.shape[1:], np.inf)], axis=0)
    idx = np.where(lat.set_index < 0, values.shape[0], lat.set_index)
    return padded[idx].min(axis=1)


# ----------------------------------------------------------------------------- I_min


@_register(
    "imin",
    max_sources=4,
    nonnegative=True,
    reference="Williams & Beer (2010), arXiv:1004.2515",
    criticism="measures the same amount, not the same information (two-bit copy gets 1 bit "
    "redundancy).",
)
def _imin(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r""":math:`I_{min}(\alpha;T) = \sum_t p(t) \min_{A\in\alpha} I(A; T=t)`."""
    spec = _specific_information(P)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    return _node_min(spec, lat) @ pt, {}


# ----------------------------------------------------------------------------- I_MMI


@_register(
    "mmi",
    max_sources=4,
    nonnegative=True,
    reference="Barrett (2015), Phys. Rev. E 91, 052802",
    criticism="redundancy = smallest source MI regardless of content; one unique atom is "
    "always zero.",
)
def _mmi(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r""":math:`I_{MMI}(\alpha;T) = \min_{A\in\alpha} I(A;T)`."""
    spec = _specific_information(P)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    mi = spec @ pt
    return _node_min(mi, lat), {}


# ----------------------------------------------------------------------------- I_sx


@cache
def _union_coefficients(n: int) -> np.ndarray:
    """Inclusion–exclusion coefficients: P(union_j {A_j = a_j}) = sum_V c[node, V] p_V(x_V).

    Column ``mask - 1`` is the source subset V = mask (the union of the sets in J).
    """
    from .lattice import redundancy_lattice

    lat = redundancy_lattice(n)
    C = np.zeros((len(lat), (1 << n) - 1))
    for i, masks in enumerate(lat.masks):
        m = len(masks)
        for r in range(1, m + 1):
            for J in combinations(masks, r):
                v = 0
                for a in J:
                    v |= a
                C[i, v - 1] += (-1) ** (r + 1)
    C.setflags(write=False)
    return C


@_register(
    "sx",
    max_sources=4,
    nonnegative=False,
    reference="Makkeh, Gutknecht & Wibral (2021), Phys. Rev. E 103, 032149",
    criticism="atoms can be negative (misinformative shared exclusions).",
)
def _sx(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r"""Shared-exclusion redundancy

    .. math:: I^{sx}_\cap(\alpha;T) = \sum_{x,t} p(x,t)
              \log\frac{P(\bigcup_{A\in\alpha}\{A=a,T=t\})}{p(t)\,P(\bigcup_{A\in\alpha}\{A=a\})},

    the union probabilities by inclusion–exclusion over the sets of the node, every
    marginal computed once per source subset (one matrix product for the whole lattice).
    """
    n = P.ndim - 1
    src_shape = P.shape[:-1]
    flatP = P.reshape(-1)
    support = np.flatnonzero(flatP > 0)
    pe = flatP[support]
    src_idx, t_idx = np.divmod(support, P.shape[-1])
    multi = np.unravel_index(src_idx, src_shape)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    nv = (1 << n) - 1
    pV = np.empty((nv, support.size))
    pVT = np.empty((nv, support.size))
    for mask in range(1, 1 << n):
        axes = [i for i in range(n) if mask >> i & 1]
        pat = _source_target_marginal(P, mask)
        code = np.ravel_multi_index(tuple(multi[i] for i in axes), tuple(src_shape[i] for i in axes))
        pVT[mask - 1] = pat[code, t_idx]
        pV[mask - 1] = pat.sum(axis=1)[code]
    C = _union_coefficients(n)
    u_s = C @ pV
    u_st = C @ pVT
    red = (np.log(u_st) - np.log(pt[t_idx])[None, :] - np.log(u_s)) @ pe
    return red, {}


# ----------------------------------------------------------------------------- maxent


def _group_sum(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Sum rows of ``values`` (R, T) into ``size`` groups by ``codes`` (R,)."""
    T = values.shape[1]
    flat = (codes[:, None] * T + np.arange(T)[None, :]).ravel()
    return np.bincount(flat, weights=values.ravel(), minlength=size * T).reshape(size, T)


def _ipf(q: np.ndarray, pu, codes, sizes, targets, tol: float, max_sweeps: int):
    err = np.inf
    sweep = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        for sweep in range(1, max_sweeps + 1):  # noqa: B007 - returned below
            for c, s, tgt in zip(codes, sizes, targets, strict=True):
                cur = _group_sum(q, c, s)
                ratio = np.where(cur > 0, tgt / cur, 0.0)
                q *= ratio[c]
            rows = q.sum(axis=1)
            q *= np.where(rows > 0, pu / rows, 0.0)[:, None]
            err = max(float(np.abs(_group_sum(q, c, s) - tgt).max()) for c, s, tgt in zip(codes, sizes, targets, strict=True))
            if err < tol:
                break
    return q, sweep, err


def _max_support(pu, codes, sizes, targets) -> np.ndarray:
    """Cells (u, t) that are positive in some distribution meeting the constraints: the
    support of the maximum-entropy solution.  One LP on the homogenised constraint cone
    (max sum y, 0 <= y <= 1, y <= q, constraints = theta * marginals)."""
    from scipy import sparse
    from scipy.optimize import linprog

    R, T = pu.size, targets[0].shape[1]
    N = R * T
    rows_idx = np.repeat(np.arange(R), T)
    blocks, rhs = [sparse.csr_matrix((np.ones(N), (rows_idx, np.arange(N))), shape=(R, N))], [pu]
    for c, s, tgt in zip(codes, sizes, targets, strict=True):
        r = (c[:, None] * T + np.arange(T)[None, :]).ravel()
        blocks.append(sparse.csr_matrix((np.ones(N), (r, np.arange(N))), shape=(s * T, N)))
        rhs.append(tgt.ravel())
    A = sparse.vstack(blocks)
    b = np.concatenate(rhs)
    # variables [q (N), y (N), theta]
    A_eq = sparse.hstack([A, sparse.csr_matrix((A.shape[0], N)), sparse.csr_matrix(-b[:, None])])
    A_ub = sparse.hstack([-sparse.eye(N), sparse.eye(N), sparse.csr_matrix((N, 1))])
    cost = np.concatenate([np.zeros(N), -np.ones(N), [0.0]])
    bounds = [(0, None)] * N + [(0, 1)] * N + [(0, None)]
    res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(N), A_eq=A_eq, b_eq=np.zeros(A.shape[0]),
                  bounds=bounds, method="highs")
    if res.status != 0:  # pragma: no cover - LP is always feasible (theta = 0)
        return np.ones((R, T), dtype=bool)
    return (res.x[N : 2 * N] > 0.5).reshape(R, T)


def _maxent(pu: np.ndarray, codes: list[np.ndarray], sizes: list[int], targets: list[np.ndarray],
            *, tol: float = 1e-14, max_sweeps: int = 20000) -> tuple[np.ndarray, int, float]:
    """Maximum-entropy q(u, t) with q(u) = pu and q(a_j, t) = targets[j] by iterative
    proportional fitting (Csiszár 1975); returns (q, sweeps, max marginal error).

    IPF converges only like 1/k when the solution has zeros that no single marginal
    forces; if it has not converged after a few hundred sweeps the support of the solution
    is found exactly by one linear programme and IPF is restarted on it, where it
    converges geometrically.
    """
    T = targets[0].shape[1]
    q0 = np.repeat(pu[:, None] / T, T, axis=1)
    q, sweeps, err = _ipf(q0.copy(), pu, codes, sizes, targets, tol, 300)
    if err < tol:
        return q, sweeps, err
    support = _max_support(pu, codes, sizes, targets)
    q2, sweeps2, err2 = _ipf(np.where(support, q0, 0.0), pu, codes, sizes, targets, tol, max_sweeps)
    if err2 <= err:
        return q2, sweeps + sweeps2, err2
    q, sweeps3, err = _ipf(q, pu, codes, sizes, targets, tol, max_sweeps)  # pragma: no cover
    return q, sweeps + sweeps3, err  # pragma: no cover


def _node_space(P: np.ndarray, masks: tuple[int, ...]):
    """Joint p(u, t) over the union U of the node's sources (support rows only), and the
    code of each set's value for every row."""
    n = P.ndim - 1
    union = 0
    for m in masks:
        union |= m
    put = _source_target_marginal(P, union)
    pu_full = put.sum(axis=1)
    rows = np.flatnonzero(pu_full > 0)
    uaxes = [i for i in range(n) if union >> i & 1]
    ushape = tuple(P.shape[i] for i in uaxes)
    multi = np.unravel_index(rows, ushape)

    def code_of(mask: int) -> tuple[np.ndarray, int]:
        ax = [k for k, i in enumerate(uaxes) if mask >> i & 1]
        shp = tuple(ushape[k] for k in ax)
        return np.ravel_multi_index(tuple(multi[k] for k in ax), shp), int(np.prod(shp))

    return put[rows], pu_full[rows], code_of


def maxent_source_target(P: np.ndarray, masks: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, Callable]:
    r"""Maximum-entropy distribution :math:`\hat q(u, t)` over the sources ``U`` named in
    ``masks`` and the target, with the joint source marginal :math:`p(u)` and every
    source–target marginal :math:`p(a_j, t)` fixed (Ince 2017, Eq. 21).

    Returns ``(q, p_u, code_of)`` where ``code_of(mask)`` maps rows to values of a subset.
    """
    put, pu, code_of = _node_space(P, masks)
    codes, sizes, targets = [], [], []
    for m in masks:
        c, s = code_of(m)
        codes.append(c)
        sizes.append(s)
        targets.append(_group_sum(put, c, s))
    q, _, _ = _maxent(pu, codes, sizes, targets)
    return q, pu, code_of


# ----------------------------------------------------------------------------- I_ccs


def _ccs_node(P: np.ndarray, masks: tuple[int, ...]) -> float:
    q, pu, code_of = maxent_source_target(P, masks)
    T = q.shape[1]
    pt = q.sum(axis=0)
    m = len(masks)
    live = q > 0
    logq = np.log(np.where(live, q, 1.0))
    # local co-information c = sum over non-empty subsets S of {A_1..A_m, T}: (-1)^|S| log q(e_S)
    coinfo = np.zeros_like(q)
    logpt = np.log(np.where(pt > 0, pt, 1.0))[None, :]
    pmis = []
    for r in range(0, m + 1):
        for J in combinations(range(m), r):
            v = 0
            for j in J:
                v |= masks[j]
            sign_s = (-1) ** r
            if r:
                c, s = code_of(v)
                pv = np.bincount(c, weights=pu, minlength=s)
                qvt = _group_sum(q, c, s)
                log_pv = np.log(pv[c])[:, None]
                log_qvt = np.log(np.where(qvt[c] > 0, qvt[c], 1.0))
                coinfo += sign_s * log_pv  # S = J (no target)
                coinfo += -sign_s * log_qvt  # S = J + {T}
                if r == 1:
                    pmis.append(log_qvt - log_pv - logpt)
            else:
                coinfo += -logpt  # S = {T}
    joint_pmi = logq - np.log(pu)[:, None] - logpt

    def sgn(a):
        return np.where(np.abs(a) <= _CCS_ZERO, 0.0, np.sign(a))

    sc = sgn(coinfo)
    keep = live & (sc == np.sign(joint_pmi))
    for pm in pmis:
        keep &= sc == sgn(pm)
    del T
    return float(np.sum(q[keep] * coinfo[keep]))


@_register(
    "ccs",
    max_sources=4,
    nonnegative=False,
    reference="Ince (2017), Entropy 19, 318",
    criticism="atoms can be negative; sign tests on a maxent surrogate make it discontinuous.",
)
def _ccs(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r"""Pointwise common change in surprisal

    .. math:: I_{ccs}(\alpha;T) = \sum_{a,t} \hat q(a,t)\, c(a_1;\dots;a_m;t)
              \,[\operatorname{sign} c = \operatorname{sign} i(a_j;t)\ \forall j
              = \operatorname{sign} i(a;t)],

    with :math:`c` the local co-information under the maxent distribution :math:`\hat q`
    that keeps the source joint and each source–target pair marginal.  A single-set node
    reduces to :math:`I(A;T)`.
    """
    spec = _specific_information(P)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    mi = spec @ pt
    red = np.empty(len(lat))
    for i, masks in enumerate(lat.masks):
        red[i] = mi[masks[0] - 1] if len(masks) == 1 else _ccs_node(P, masks)
    return red, {}


# ----------------------------------------------------------------------------- I_dep


@_register(
    "dep",
    max_sources=2,
    nonnegative=True,
    reference="James, Emenheiser & Crutchfield (2018), J. Phys. A 52, 014002",
    criticism="two sources only here; relies on maxent dependency lattices (IPF).",
)
def _dep(P: np.ndarray, lat: Lattice) -> tuple[np.ndarray, dict]:
    r"""I_dep for two sources.

    Unique information is the smallest increase of :math:`I(X_0X_1;T)` when the constraint
    :math:`p(x_0,t)` is added anywhere in the dependency lattice of (X0, X1, T).  The four
    edges that add it give

    .. math:: U_0 = \min\{I(X_0;T),\ I_{CI} - I(X_1;T),\ I_{ME} - I(X_1;T)\},

    where :math:`I_{CI}` is :math:`I(X_0X_1;T)` under :math:`p(t)p(x_0|t)p(x_1|t)` and
    :math:`I_{ME}` under the maximum-entropy distribution with all three pairwise
    marginals (iterative proportional fitting).  Redundancy
    :math:`= I(X_0;T) - U_0 = \max\{0, I_0 + I_1 - I_{CI}, I_0 + I_1 - I_{ME}\}`,
    symmetric in the two sources.
    """
    if lat.n != 2:  # pragma: no cover - guarded by decompose
        raise ValueError("I_dep is implemented for two sources.")
    spec = _specific_information(P)
    pt = P.reshape(-1, P.shape[-1]).sum(axis=0)
    mi = spec @ pt
    q, pu, _ = maxent_source_target(P, (1, 2))
    i_me = float(np.sum(_xlogy_ratio(q, pu[:, None] * pt[None, :])))
    with np.errstate(divide="ignore", invalid="ignore"):
        pxt = P.sum(axis=1)
        pyt = P.sum(axis=0)
        qci = np.where(pt > 0, pxt[:, None, :] * pyt[None, :, :] / np.where(pt > 0, pt, 1.0), 0.0)
    qci_xy = qci.sum(axis=2)
    i_ci = float(np.sum(_xlogy_ratio(qci, qci_xy[..., None] * pt[None, None, :])))
    u0 = min(mi[0], i_ci - mi[1], i_me - mi[1])
    r = mi[0] - u0
    red = np.empty(len(lat))
    for i, masks in enumerate(lat.masks):
        red[i] = r if len(masks) == 2 else mi[masks[0] - 1]
    return red, {"i_maxent": i_me, "i_conditionally_independent": i_ci}
