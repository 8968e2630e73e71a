r"""k-nearest-neighbour MI of discrete--continuous data: Ross's estimator for a continuous
and a discrete variable (``"ross"``) and Gao et al.'s estimator for mixtures (``"gao"``).

Part of the k-NN family (:mod:`infolens.estimate.knn` describes the method, ties and
duplicates); the neighbour search is in :mod:`~infolens.estimate._knn_core`.

References
----------
Ross, B. C. (2014). Mutual information between discrete and continuous data sets.
*PLoS ONE* 9(2), e87357.
Gao, W., Kannan, S., Oh, S. & Viswanath, P. (2017). Estimating mutual information for
discrete-continuous mixtures. *Advances in Neural Information Processing Systems* 30.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.special import digamma

from .._validate import check_positive_int
from ._knn_core import (
    _check_k,
    _count_within,
    _fix_lower,
    _fix_upper,
    _has_duplicate_rows,
    _kth_neighbour,
    _numeric,
    _rescale,
    _tree,
    _warn_if_determined,
)
from ._records import register

# --------------------------------------------------------------------------------------
# mixed discrete / continuous
# --------------------------------------------------------------------------------------


def _split_mixed(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (continuous block, discrete labels as integer codes) from x, y."""
    xd = x.dtype.kind not in "fc"
    yd = y.dtype.kind not in "fc"
    if xd and not yd:
        cont, lab = y, x
    elif yd and not xd:
        cont, lab = x, y
    elif not xd and not yd:
        # both float: by convention y holds the labels (values are used as categories)
        cont, lab = x, y
    else:
        raise TypeError(
            "ross: both x and y are discrete; use a discrete estimator such as 'grassberger'."
        )
    if lab.shape[1] == 1:
        codes = np.unique(lab[:, 0], return_inverse=True)[1]
    else:
        codes = np.unique(lab, axis=0, return_inverse=True)[1]
    return np.asarray(cont, dtype=np.float64), np.asarray(codes).ravel()


@register(
    "mi", "ross", kinds=("mixed",), params={"k": 3},
    reference="Ross (2014), PLoS ONE 9:e87357; ties as in Gao et al. (2017)",
    scale="invariant",
)
def _ross_mi(x: np.ndarray, y: np.ndarray, *, k: int = 3) -> float:
    r"""Mutual information between a continuous and a discrete variable (Ross 2014), nats.

    .. math::
        \hat I(X;Y) = \psi(N) - \langle\psi(N_{y_i})\rangle
            + \langle\psi(k_i)\rangle - \langle\psi(m_i)\rangle

    For sample :math:`i` with label :math:`y_i`, :math:`d_i` is the max-norm distance
    in the continuous variable to its :math:`k_i`-th nearest neighbour among the
    :math:`N_{y_i}` samples with the same label, :math:`k_i=\min(k, N_{y_i}-1)`, and
    :math:`m_i` counts all other samples within :math:`\|x_j-x_i\|\le d_i`.  Ties: where
    :math:`d_i=0`, :math:`k_i` becomes the number of same-label samples at distance 0
    (Gao et al. 2017), so a constant feature gets
    :math:`\sum_y \tfrac{N_y}{N}\big(\tfrac1{N-1}-\tfrac1{N_y-1}\big)\approx 0`.
    Samples whose label occurs only once carry no neighbour and are left out of the
    averages (with :math:`N` the number of remaining samples), as in scikit-learn.

    Parameters
    ----------
    x, y : ndarray
        One continuous (float) and one discrete (integer, bool, str) array, in either
        order; if both are float, ``y`` is taken as the labels.
    k : int, default 3

    Returns
    -------
    float
        MI in nats.  A deterministic relation (labels a function of the feature, or the
        feature constant within each label) has finite MI, the label entropy, which the
        estimate approaches.

    References
    ----------
    Ross (2014), eq. (2); Gao, Kannan, Oh & Viswanath (2017) for zero distances.
    """
    cont, codes = _split_mixed(x, y)
    (cont,), _ = _rescale(cont)  # MI is unchanged by scaling the continuous variable
    k = check_positive_int(k, "k")
    n = cont.shape[0]
    if k >= n:
        raise ValueError(
            f"ross: k={k} must be smaller than the number of samples n={n}; use a smaller k."
        )
    counts = np.bincount(codes)
    keep = counts[codes] > 1
    if not keep.any():
        raise ValueError("ross: every label occurs once; MI cannot be estimated from neighbours.")
    if not keep.all():
        warnings.warn(
            f"ross: {int((~keep).sum())} of {n} samples have a label that occurs only once; "
            "they are left out of the estimate.",
            UserWarning,
            stacklevel=2,
        )
        cont, codes = cont[keep], np.unique(codes[keep], return_inverse=True)[1]
        counts = np.bincount(codes)
        n = cont.shape[0]
    if cont.shape[1] > 1 and _has_duplicate_rows(cont):
        return _ross_with_repeats(cont, codes, counts, k)
    d = np.empty(n)
    kk = np.empty(n)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(counts)])
    for c in range(counts.size):  # loop over labels, not samples
        rows = order[bounds[c]:bounds[c + 1]]
        kc = min(k, counts[c] - 1)
        block = cont[rows]
        dc, _, _ = _kth_neighbour(block, kc)
        # k_i = same-label points within the k-th distance (inclusive): equals kc when
        # there are no ties, and counts every tied neighbour otherwise (Gao et al.'s rule
        # for zero distances, applied at any distance so that quantised data stay sane).
        kc_i = np.maximum(_count_within(block, dc, strict=False), kc).astype(np.float64)
        d[rows] = dc
        kk[rows] = kc_i
    m = _count_within(cont, d, strict=False)
    return float(digamma(n) - np.mean(digamma(counts[codes])) + np.mean(digamma(kk)) - np.mean(digamma(m)))


def _ross_with_repeats(cont: np.ndarray, codes: np.ndarray, counts: np.ndarray, k: int) -> float:
    """Ross's estimator on the distinct (row, label) pairs with their multiplicities.

    Same value as the per-sample formula (ties by the rule of Gao et al.), with k-d
    trees over distinct points only, so repeated rows (atoms) cost no quadratic scans.
    """
    n = cont.shape[0]
    key = np.column_stack([cont, codes.astype(np.float64)])
    uk, w = np.unique(key, axis=0, return_counts=True)
    ucont = np.ascontiguousarray(uk[:, :-1])
    ucode = uk[:, -1].astype(np.int64)
    m = uk.shape[0]
    d = np.empty(m)
    kk = np.empty(m)
    for c in range(counts.size):  # loop over labels, not samples
        rows = np.flatnonzero(ucode == c)
        kc = min(k, int(counts[c]) - 1)
        wc = w[rows]
        zero = wc - 1 >= kc  # at least kc other copies: distance 0, k_i = copies
        d[rows[zero]] = 0.0
        kk[rows[zero]] = wc[zero] - 1
        rest = np.flatnonzero(~zero)
        if rest.size:
            q = min(kc + 1, rows.size)
            dist, idx = _tree(ucont[rows]).query(ucont[rows[rest]], k=q, p=np.inf, workers=-1)
            dist = np.reshape(dist, (rest.size, q))
            mult = np.reshape(wc[np.reshape(idx, (rest.size, q))], (rest.size, q)).astype(np.float64)
            mult[:, 0] = wc[rest] - 1  # column 0 is the row itself
            pos = np.argmax(np.cumsum(mult, axis=1) >= kc, axis=1)
            d[rows[rest]] = dist[np.arange(rest.size), pos]
            # tied neighbours at the k-th distance all count (see _ross_mi)
            kk[rows[rest]] = np.maximum(
                _weighted_count(ucont[rows], wc.astype(np.float64), ucont[rows[rest]],
                                d[rows[rest]], strict=False) - 1.0,
                kc,
            )
    pts, pinv = np.unique(ucont, axis=0, return_inverse=True)
    wa = np.bincount(pinv.ravel(), weights=w, minlength=pts.shape[0])
    mm = _weighted_count(pts, wa, ucont, d, strict=False) - 1.0
    return float(
        digamma(n)
        + np.sum(w * (digamma(kk) - digamma(counts[ucode].astype(np.float64)) - digamma(mm))) / n
    )


@register(
    "mi", "gao", kinds=("continuous", "mixed"), params={"k": 5},
    reference="Gao, Kannan, Oh & Viswanath (2017), NeurIPS 30",
    scale="invariant",
)
def _gao_mi(x: np.ndarray, y: np.ndarray, *, k: int = 5) -> float:
    r"""Mutual information of discrete--continuous mixtures (Gao et al. 2017), nats.

    .. math::
        \hat I(X;Y) = \frac1N\sum_{i=1}^N \Big[\psi(\tilde k_i) + \log N
            - \psi(n_{x,i}) - \psi(n_{y,i})\Big]

    :math:`\rho_i` is the max-norm distance from :math:`(x_i,y_i)` to its ``k``-th
    neighbour in the joint space.

    * :math:`\rho_i>0` (continuous part): :math:`\tilde k_i=k` and :math:`n_{x,i}`
      counts the samples, :math:`x_i` itself included, with
      :math:`\|x_j-x_i\|_\infty<\rho_i` (likewise :math:`n_{y,i}`): the KSG-1 term.
    * :math:`\rho_i=0` (the sample sits on an atom): :math:`\tilde k_i`,
      :math:`n_{x,i}`, :math:`n_{y,i}` count the samples (itself included) at distance
      0 in the joint space, in x and in y, so the term is the plug-in pointwise MI
      :math:`\log\frac{N\,c_{xy}}{c_x c_y}` up to digamma corrections.

    These are the counts of the authors' reference implementation.  The paper writes
    the continuous part as :math:`\log(n+1)` with inclusive counts excluding
    :math:`x_i`, which for fixed ``k`` carries a bias of about
    :math:`\psi(k)-\log(k+1)` (-0.29 nats at k = 5) that vanishes only as k grows;
    the form used here reduces to KSG-1 on continuous data and to the plug-in on
    purely discrete data.  Any mix of discrete (integer-valued) and continuous columns
    is allowed; data are used as given, with repeats treated as atoms.  Non-numeric
    labels are replaced by integer codes (so their distances are arbitrary but >= 1;
    use integer labels, or ``"ross"`` for a single label column, when that matters).

    Parameters
    ----------
    x, y : ndarray, shapes (n, dx), (n, dy)
        Numeric samples (integer columns are converted to float).
    k : int, default 5

    Returns
    -------
    float
        MI in nats; on continuous data at most :math:`\log N-\psi(k)`.

    Warns
    -----
    DeterministicRelationWarning
        On continuous data without repeated rows, as :func:`_ksg1_mi`.  (Repeated rows are
        atoms, whose MI is finite and estimated by the plug-in part.)

    References
    ----------
    Gao, Kannan, Oh & Viswanath (2017), Algorithm 1 and the authors' code
    (github.com/wgao9/mixed_KSG).
    """
    x, y = _numeric(x), _numeric(y)
    (x, y), _ = _rescale(x, y)
    n = x.shape[0]
    k = _check_k(k, n)
    z = np.hstack([x, y])
    if not _has_duplicate_rows(z):
        rho, _, _ = _kth_neighbour(z, k)
        nx = _count_within(x, rho, strict=True) + 1.0
        ny = _count_within(y, rho, strict=True) + 1.0
        _warn_if_determined(x, y, nx <= k, ny <= k, "gao", "at most log n - psi(k)")
        return float(np.mean(digamma(float(k)) - digamma(nx) - digamma(ny)) + math.log(n))
    return _gao_with_repeats(x, y, z, k)


def _weighted_count(points: np.ndarray, weights: np.ndarray, queries: np.ndarray,
                    radius: np.ndarray, *, strict: bool = True) -> np.ndarray:
    """Sum of ``weights`` of the distinct ``points`` within ``radius`` of each query
    point (max norm; ``<`` when ``strict``, with radius > 0, else ``<=``)."""
    m, d = points.shape
    if d == 1:
        order = np.argsort(points[:, 0])
        s = points[order, 0]
        cw = np.concatenate([[0.0], np.cumsum(weights[order])])
        q = queries[:, 0]
        hi = np.searchsorted(s, q + radius, side="left" if strict else "right")
        lo = np.searchsorted(s, q - radius, side="right" if strict else "left")
        hi = _fix_upper(s, q, radius, hi, strict)
        lo = _fix_lower(s, q, radius, lo, strict)
        return cw[hi] - cw[lo]
    tree = _tree(points, counting=True)
    r = np.nextafter(radius, 0.0) if strict else radius
    lists = tree.query_ball_point(queries, r, p=np.inf, workers=-1)
    lens = np.fromiter((len(v) for v in lists), dtype=np.int64, count=len(lists))
    flat = np.concatenate([np.asarray(v, dtype=np.int64) for v in lists])
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    return np.add.reduceat(weights[flat], starts)


def _gao_with_repeats(x: np.ndarray, y: np.ndarray, z: np.ndarray, k: int) -> float:
    """Gao et al.'s estimator computed on the distinct rows with their multiplicities.

    Same value as the per-sample formula, but k-d trees hold distinct points only: a
    tree over many identical points (an atom) cannot split them, and every query near
    the atom would scan all of its copies (quadratic time).
    """
    n = z.shape[0]
    dx = x.shape[1]
    uz, inv, cz = np.unique(z, axis=0, return_inverse=True, return_counts=True)
    m = uz.shape[0]
    atom = cz > k  # at least k other copies: the k-th neighbour distance is 0
    kt = np.where(atom, cz, k).astype(np.float64)
    nx = np.empty(m)
    ny = np.empty(m)
    rest = np.flatnonzero(~atom)
    rho = np.empty(0)
    if rest.size:
        kk = min(k + 1, m)
        dist, idx = _tree(uz).query(uz[rest], k=kk, p=np.inf, workers=-1)
        dist = np.reshape(dist, (rest.size, kk))
        idx = np.reshape(idx, (rest.size, kk))
        mult = cz[idx].astype(np.float64)
        # column 0 is the row itself (rows are distinct, so only it lies at distance
        # 0); its other copies are neighbours at distance 0
        mult[:, 0] = cz[rest] - 1
        pos = np.argmax(np.cumsum(mult, axis=1) >= k, axis=1)
        rho = dist[np.arange(rest.size), pos]
    for sl, out in ((slice(0, dx), nx), (slice(dx, None), ny)):
        block_u = uz[:, sl]
        pts, pinv = np.unique(block_u, axis=0, return_inverse=True)
        pinv = pinv.ravel()
        w = np.bincount(pinv, weights=cz, minlength=pts.shape[0])
        out[atom] = w[pinv[atom]]  # samples at distance 0 in this marginal, self included
        if rest.size:
            out[rest] = _weighted_count(pts, w, block_u[rest], rho)
    xi = digamma(kt) - digamma(nx) - digamma(ny)
    return float(np.sum(cz * xi) / n + math.log(n))
