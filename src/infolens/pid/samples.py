r"""Partial information decomposition from samples.

Discrete samples (integer, bool, string or category columns) are turned into a joint
pmf by counting (the plug-in / maximum-likelihood estimate); continuous columns must be
discretised first, and the binning is stated in the result (``bins`` and ``rule``, via
:func:`infolens.estimate.binning.discretize`).  The decomposition is then exactly
:func:`infolens.pid.decompose` on that pmf.

Plug-in PID atoms inherit the positive bias of plug-in mutual information, about
:math:`(|A||T| - |A| - |T| + 1)/(2n)` nats per MI term (Miller 1955), so use sample sizes
well above the number of joint outcomes; the counts used are reported as ``n``.

References
----------
Miller, G. A. (1955). Note on the bias of information estimates.
Ince, R. A. A. (2017). Measuring multivariate redundant information with pointwise
common change in surprisal. Entropy 19, 318 (estimation from samples, sec. 4).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from .._validate import check_consistent_length, check_positive_int, check_samples, is_discrete
from ..units import Base, log_base, unit_name
from .decomposition import PIDResult, decompose
from .lattice import redundancy_lattice
from .measures import _specific_information, get_measure

__all__ = ["joint_pmf", "decompose_samples", "pairwise_pid", "PairwisePID", "RULE"]

#: Largest dense joint pmf (number of cells) built from samples.
MAX_CELLS = 1 << 24

#: The binning rule for continuous columns (of :func:`infolens.estimate.binning.discretize`):
#: ``"quantile"``, not the library's default ``"uniform"``, because a PID from a plug-in
#: pmf needs every cell of the joint table populated, and equal-frequency bins give each
#: column a uniform marginal that outliers or saturated values cannot empty.  ``bins``
#: has no default here: the discretisation changes the PID, so it must be stated.
RULE = "quantile"


def _codes(arr: np.ndarray, name: str, bins: Any, rule: str) -> tuple[np.ndarray, list[int], dict | None]:
    """Integer codes 0..k-1 per column, alphabet sizes, and the binning used (if any)."""
    binning = None
    if not is_discrete(arr):
        if bins is None:
            raise TypeError(
                f"{name} holds continuous values (dtype {arr.dtype}); pass bins= (e.g. bins=8, "
                "rule='quantile') to state the discretisation, or integer codes."
            )
        from ..estimate.binning import discretize as _disc

        d = _disc(arr, bins=bins, rule=rule)
        arr = d.codes
        binning = {"bins": bins, "rule": rule, "edges": d.edges}
    from ..estimate._counting import dense_codes

    codes = np.empty(arr.shape, dtype=np.int64)
    sizes = []
    for j in range(arr.shape[1]):
        codes[:, j], k = dense_codes(arr[:, j])
        sizes.append(k)
    return codes, sizes, binning


def joint_pmf(x: Any, *, bins: int | None = None, rule: str = RULE) -> np.ndarray:
    r"""Plug-in joint pmf of the columns of ``x``: :math:`\hat p(v) = \#\{i: x_i = v\}/n`.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Samples; one axis of the result per column, the values of each column mapped to
        ``0..k-1`` in sorted order.  Float columns need ``bins``.
    bins : int, optional
        Number of bins for continuous columns (required for them).
    rule : {"quantile", "uniform"}, default :data:`RULE` ("quantile")
        Binning rule for continuous columns (see :data:`RULE` for why equal-frequency).

    Returns
    -------
    ndarray
        Pmf with ``d`` axes.

    Examples
    --------
    >>> joint_pmf([[0, 1], [1, 1], [0, 1], [1, 0]]).tolist()
    [[0.0, 0.5], [0.25, 0.25]]
    """
    arr = check_samples(x, "x")
    codes, sizes, _ = _codes(arr, "x", bins, rule)
    return _pmf_from_codes(codes, sizes)


def _pmf_from_codes(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    cells = int(np.prod(sizes, dtype=np.float64))
    if cells > MAX_CELLS:
        raise ValueError(
            f"the joint pmf would have {cells} cells (alphabets {sizes}); use fewer bins or "
            "fewer variables."
        )
    flat = np.ravel_multi_index(tuple(codes.T), tuple(sizes))
    counts = np.bincount(flat, minlength=cells).astype(float)
    return (counts / codes.shape[0]).reshape(sizes)


def decompose_samples(
    sources: Any,
    target: Any,
    *,
    measure: str = "imin",
    bins: int | None = None,
    rule: str = RULE,
    base: Base = "e",
) -> PIDResult:
    r"""PID of :math:`I(S_0,\dots,S_{n-1}; T)` from paired samples (plug-in pmf).

    Parameters
    ----------
    sources : array_like, shape (n,) or (n, k), or a list of such arrays
        One source per column (a 2-D array), or a list whose items are the sources (a
        2-D item is one joint source made of its columns).
    target : array_like, shape (n,) or (n, m)
        The target (several columns form one joint target).
    measure : str
        As in :func:`infolens.pid.decompose`.
    bins : int, optional
        Number of bins for continuous columns (required for them; stated in the result).
    rule : {"quantile", "uniform"}, default :data:`RULE` ("quantile")
        Binning rule for continuous columns (see :data:`RULE` for why equal-frequency).
    base : "e", 2, 10 or float > 1

    Returns
    -------
    PIDResult
        With ``n`` set and ``discretization`` describing the binning (None if none).

    References
    ----------
    Williams & Beer (2010); Ince (2017), Entropy 19, 318.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.integers(0, 2, 4000), rng.integers(0, 2, 4000)
    >>> r = decompose_samples(np.column_stack([a, b]), a ^ b, measure="mmi", base=2)
    >>> round(r.synergy, 2)
    1.0
    """
    if isinstance(sources, (list, tuple)) and sources and not np.isscalar(sources[0]):
        groups = [check_samples(s, f"sources[{i}]") for i, s in enumerate(sources)]
    else:
        arr = check_samples(sources, "sources")
        groups = [arr[:, [j]] for j in range(arr.shape[1])]
    tgt = check_samples(target, "target")
    check_consistent_length(**{f"sources[{i}]": g for i, g in enumerate(groups)}, target=tgt)
    cols, group_axes, sizes_all, binning = [], [], [], {}
    for i, g in enumerate([*groups, tgt]):
        name = "target" if i == len(groups) else f"sources[{i}]"
        c, s, b = _codes(g, name, bins, rule)
        group_axes.append(list(range(len(sizes_all), len(sizes_all) + len(s))))
        cols.append(c)
        sizes_all += s
        if b is not None:
            binning[name] = {"bins": b["bins"], "rule": b["rule"]}
    p = _pmf_from_codes(np.column_stack(cols), sizes_all)
    src = [ax if len(ax) > 1 else ax[0] for ax in group_axes[:-1]]
    tg = group_axes[-1] if len(group_axes[-1]) > 1 else group_axes[-1][0]
    r = decompose(p, sources=src, target=tg, measure=measure, base=base)
    return replace(r, n=int(tgt.shape[0]), discretization=binning or None)


@dataclass(frozen=True)
class PairwisePID:
    """Two-source PIDs of the target for every pair of variables.

    Attributes
    ----------
    pairs : ndarray of int, shape (M, 2)
        Column indices ``(i, j)``, ``i < j``.
    redundancy, unique_i, unique_j, synergy : ndarray, shape (M,)
        The four atoms per pair (units of ``base``).
    mi : ndarray, shape (d,)
        :math:`I(X_i; T)` per variable.
    measure, unit : str
    n : int
        Samples used.
    discretization : dict or None
    """

    pairs: np.ndarray
    redundancy: np.ndarray
    unique_i: np.ndarray
    unique_j: np.ndarray
    synergy: np.ndarray
    mi: np.ndarray
    measure: str
    unit: str
    n: int
    discretization: dict | None = None

    def top_synergy(self, k: int = 10) -> list[tuple[int, int, float]]:
        """The ``k`` pairs with the largest synergy, as ``(i, j, synergy)``."""
        order = np.argsort(-self.synergy, kind="stable")[:k]
        return [(int(self.pairs[o, 0]), int(self.pairs[o, 1]), float(self.synergy[o])) for o in order]


def _pair_pmfs(codesT: np.ndarray, t: np.ndarray, nt: int, pairs: np.ndarray, k: int) -> np.ndarray:
    """Plug-in pmfs p(x_i, x_j, t) for pairs, padded to (M, k, k, nt).

    Pairs are grouped by their first column: for column i the code (x_i, t) is formed once
    and each partner column adds its value, so every pair costs one pass over the samples
    and one ``bincount`` per group (codesT is the (d, n) transposed code matrix).
    """
    n = codesT.shape[1]
    M = pairs.shape[0]
    cell = k * k * nt
    out = np.empty((M, cell))
    order = np.argsort(pairs[:, 0], kind="stable")
    firsts = pairs[order, 0]
    bounds = np.flatnonzero(np.diff(firsts)) + 1
    for grp in np.split(order, bounds):
        i = pairs[grp[0], 0]
        base = (codesT[i].astype(np.int64) * nt + t) * k  # (n,)
        flat = codesT[pairs[grp, 1]] + base[None, :]
        flat += (np.arange(len(grp), dtype=np.int64) * cell)[:, None]
        # index order of a cell: x_i, x_j, t  ->  (x_i * nt + t) * k + x_j; reorder below
        cnt = np.bincount(flat.ravel(), minlength=len(grp) * cell).reshape(len(grp), k, nt, k)
        out[grp] = cnt.transpose(0, 1, 3, 2).reshape(len(grp), cell)
    return (out / n).reshape(M, k, k, nt)


def _vectorised_atoms(P: np.ndarray, measure: str) -> np.ndarray:
    """Redundancy on the two-source lattice for a batch of pmfs P (M, k, k, nt): returns
    (M, 3) = I(X_i;T), I(X_j;T), redundancy (nats) for imin/mmi/sx."""
    M, k, _, nt = P.shape
    pt = P.sum(axis=(1, 2))  # (M, nt)
    pxt = P.sum(axis=2)  # (M, k, nt)
    pyt = P.sum(axis=1)
    px = pxt.sum(axis=2)
    py = pyt.sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        def spec(pat, pa):
            # sum_a p(a,t) log(p(a,t)/(p(a)p(t))) / p(t)
            r = np.where(pat > 0, pat * np.log(pat / (pa[..., None] * pt[:, None, :])), 0.0).sum(axis=1)
            return np.where(pt > 0, r / np.where(pt > 0, pt, 1.0), 0.0)

        sx_, sy_ = spec(pxt, px), spec(pyt, py)
        ix = (sx_ * pt).sum(axis=1)
        iy = (sy_ * pt).sum(axis=1)
        if measure == "imin":
            red = (np.minimum(sx_, sy_) * pt).sum(axis=1)
        elif measure == "mmi":
            red = np.minimum(ix, iy)
        else:  # sx
            pxy = P.sum(axis=3)
            u_s = px[:, :, None] + py[:, None, :] - pxy  # P(x u y)
            u_st = pxt[:, :, None, :] + pyt[:, None, :, :] - P
            val = np.where(P > 0, P * np.log(u_st / (pt[:, None, None, :] * u_s[..., None])), 0.0)
            red = val.sum(axis=(1, 2, 3))
    return np.column_stack([ix, iy, red])


def pairwise_pid(
    x: Any,
    target: Any,
    *,
    measure: str = "imin",
    bins: int | None = None,
    rule: str = RULE,
    pairs: Any = None,
    base: Base = "e",
    batch_size: int = 512,
) -> PairwisePID:
    r"""Two-source PID of ``target`` for every pair of columns of ``x`` (plug-in pmfs).

    For ``imin``, ``mmi`` and ``sx`` all pairs of a batch are decomposed at once with
    array operations (one ``bincount`` for their joint counts); other measures run
    :func:`infolens.pid.decompose` pair by pair.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Samples of ``d`` variables (e.g. units of a layer).  Float columns need ``bins``.
    target : array_like, shape (n,)
        Discrete target (e.g. class labels).
    measure : str
        Any two-source measure (see :func:`infolens.pid.decompose`).
    bins, rule
        Discretisation of continuous columns (stated in the result).
    pairs : array_like of int, shape (M, 2), optional
        Which pairs; default all ``d (d - 1) / 2``.
    base : "e", 2, 10 or float > 1
    batch_size : int
        Pairs per vectorised batch (memory ~ batch_size * n integers).

    Returns
    -------
    PairwisePID

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(0, 2, (5000, 3))
    >>> res = pairwise_pid(x, x[:, 0] ^ x[:, 1], measure="imin", base=2)
    >>> res.top_synergy(1)[0][:2]
    (0, 1)
    """
    info = get_measure(measure)
    if info.max_sources < 2:  # pragma: no cover - every measure allows two
        raise ValueError(f"measure={measure!r} does not allow two sources.")
    lb = log_base(base)
    arr = check_samples(x, "x")
    tgt = check_samples(target, "target")
    check_consistent_length(x=arr, target=tgt)
    if tgt.shape[1] != 1:
        raise ValueError(f"target must be one column; got shape {tgt.shape}. Encode a joint target first.")
    batch_size = check_positive_int(batch_size, "batch_size")
    codes, sizes, b = _codes(arr, "x", bins, rule)
    tcodes, tsizes, _ = _codes(tgt, "target", None, rule) if is_discrete(tgt) else (None, None, None)
    if tcodes is None:
        raise TypeError("target must be discrete (class labels); bin it first if it is continuous.")
    t = tcodes[:, 0]
    nt = tsizes[0]
    d = arr.shape[1]
    if pairs is None:
        pr = np.array(list(combinations(range(d), 2)), dtype=np.int64).reshape(-1, 2)
    else:
        pr = np.asarray(pairs, dtype=np.int64)
        if pr.ndim != 2 or pr.shape[1] != 2 or (pr < 0).any() or (pr >= d).any() or (pr[:, 0] == pr[:, 1]).any():
            raise ValueError(f"pairs must be an (M, 2) array of distinct column indices in [0, {d}).")
    k = int(max(sizes))
    out = np.empty((pr.shape[0], 4))
    # I(X_i;T) for every column
    mi = np.empty(d)
    n = arr.shape[0]
    for j in range(d):
        pj = np.bincount(codes[:, j] * nt + t, minlength=sizes[j] * nt).reshape(sizes[j], nt) / n
        mi[j] = float((_specific_information(pj) @ pj.sum(axis=0))[0])
    lat = redundancy_lattice(2)
    codesT = np.ascontiguousarray(codes.T)
    for s in range(0, pr.shape[0], batch_size):
        chunk = pr[s : s + batch_size]
        P = _pair_pmfs(codesT, t, nt, chunk, k)
        if info.name in ("imin", "mmi", "sx"):
            ix_iy_r = _vectorised_atoms(P, info.name)
            ixy = _mi_joint(P)
            red = ix_iy_r[:, 2]
            ui = ix_iy_r[:, 0] - red
            uj = ix_iy_r[:, 1] - red
            out[s : s + len(chunk)] = np.column_stack([red, ui, uj, ixy - red - ui - uj])
        else:
            for m, Pm in enumerate(P):
                i, j = chunk[m]
                Pm = Pm[: sizes[i], : sizes[j]]
                redm, _ = info.function(Pm, lat)
                out[s + m] = lat.mobius @ redm
    return PairwisePID(
        pairs=pr,
        redundancy=out[:, 0] / lb,
        unique_i=out[:, 1] / lb,
        unique_j=out[:, 2] / lb,
        synergy=out[:, 3] / lb,
        mi=mi / lb,
        measure=info.name,
        unit=unit_name(base),
        n=int(n),
        discretization={"bins": b["bins"], "rule": b["rule"]} if b else None,
    )


def _mi_joint(P: np.ndarray) -> np.ndarray:
    """I(X_i X_j; T) for a batch of pmfs (M, k, k, nt), nats."""
    pt = P.sum(axis=(1, 2))
    pxy = P.sum(axis=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(P > 0, P * np.log(P / (pxy[..., None] * pt[:, None, None, :])), 0.0)
    return v.sum(axis=(1, 2, 3))
