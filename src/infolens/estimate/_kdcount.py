r"""Compiled max-norm neighbour kernels (optional; needs numba).

Two exact kernels for the k-NN estimators in :mod:`infolens.estimate.knn`:

* :func:`count_within` -- for every row :math:`i`, the number of rows :math:`j\ne i`
  with :math:`\|x_j-x_i\|_\infty < r_i` (``strict``) or :math:`\le r_i`;
* :func:`nearest` -- for every row, the max-norm distances to its 1st..``k``-th nearest
  *other* rows (a repeated row counts as another row at distance 0, as in
  :meth:`scipy.spatial.cKDTree.query`).

The tree.  A balanced k-d tree (Bentley 1975): each node is split at the median of its
widest side (Hoare's selection on a row-reordered copy of the data), every leaf sits at
the same depth with ``ceil(n / 2**depth)`` or one fewer rows, nodes are stored in an
implicit complete binary layout (children of ``v`` at ``2v+1``, ``2v+2``) with a tight
bounding box each.  Identical rows cannot unbalance it.

The traversal.  The tree is walked once per *query leaf*, not once per point (a
single-level form of dual-tree search, Gray & Moore 2001).  At each reference node a
box-versus-box test first decides for the whole query leaf: a node farther than every
query's radius is skipped, and (counts) a node inside every query's ball is added to all
of them.  Otherwise each still-undecided query point is tested against the node's box:
it drops the node, adds it whole (counts), or stays on the list of points that descend
into the children; at a leaf the points left compare distances one by one.  For
neighbours, children are visited nearer-first and a point drops a node once the box is
no nearer than its current ``k``-th distance (a node at exactly that distance cannot
change it).  The distance loops are generated per dimension with the dimensions
unrolled, so LLVM vectorises them over rows; each kernel therefore compiles once per
dimension (about a second each; numba caches the machine code on disk).  The kernels
are plain ``nogil`` functions over an interleaved subset of the query leaves, run by a
thread pool with one thread per core (``numba.prange`` would do the same but compiles
about three times slower).

Exactness.  Every distance compared with a radius is ``max_t |x_jt - x_it|`` in float64,
the same number SciPy and scikit-learn compute.  Node tests use box corners: for
:math:`x_j\in[\ell,h]` correctly rounded subtraction is monotone, so
:math:`\mathrm{fl}(\ell-x_i)\le\mathrm{fl}(x_j-x_i)\le\mathrm{fl}(h-x_i)` and a box
bound never contradicts the point distance it bounds.  A whole-node decision therefore
equals the per-point decisions it replaces, including distances exactly equal to a
radius.  Inclusive counts (``<=``) are computed as strict counts (``<``) at the next
float above the radius, which is the same set.

This module imports numba; :mod:`infolens.estimate.knn` imports it only when numba is
installed (and ``INFOLENS_NUMBA`` is not ``0``) and otherwise uses SciPy's cKDTree, with
identical results.

References
----------
Bentley, J. L. (1975). Multidimensional binary search trees used for associative
searching. *Communications of the ACM* 18(9), 509--517.

Gray, A. G. & Moore, A. W. (2001). 'N-body' problems in statistical learning.
*Advances in Neural Information Processing Systems* 13.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit
from numba.extending import overload

__all__ = ["KDTree", "count_within", "nearest"]

# Leaf sizes chosen by measurement (n = 5e4 to 1e6; ball counts in 2-10 dims,
# neighbours in 2-10 dims): larger leaves pay off for neighbours in more dimensions.
_COUNT_LEAF = 32
# below this many rows the thread pool costs more than it saves
_SERIAL_MAX_N = 4096


def _knn_leaf(d: int) -> int:
    return 32 if d <= 4 else 64


@njit(cache=True, nogil=True)
def _swap(w, perm, i, j):
    for t in range(w.shape[1]):
        tmp = w[i, t]
        w[i, t] = w[j, t]
        w[j, t] = tmp
    tp = perm[i]
    perm[i] = perm[j]
    perm[j] = tp


@njit(cache=True, nogil=True)
def _select(w, perm, lo, hi, kth, dim):
    """Reorder rows lo:hi of ``w`` (and ``perm`` alike) so that row kth holds the
    (kth-lo)-th smallest value of column ``dim``, smaller-or-equal values before it and
    larger-or-equal after (Hoare's FIND, expected linear time; keys equal to the pivot
    are split between both sides, so ties cannot unbalance it)."""
    while hi - lo > 1:
        a = w[lo, dim]
        b = w[(lo + hi) // 2, dim]
        c = w[hi - 1, dim]
        pivot = max(min(a, b), min(max(a, b), c))  # median of three
        i = lo
        j = hi - 1
        while i <= j:
            while w[i, dim] < pivot:
                i += 1
            while w[j, dim] > pivot:
                j -= 1
            if i <= j:
                _swap(w, perm, i, j)
                i += 1
                j -= 1
        if kth <= j:
            hi = j + 1
        elif kth >= i:
            lo = i
        else:
            return


@njit(cache=True, nogil=True)
def _build(w, depth, perm, start, stop, lo, hi, split):
    """Median splits on the widest side, level by level, rows of ``w`` reordered in
    place into tree order; tight boxes for every node."""
    n, d = w.shape
    start[0] = 0
    stop[0] = n
    for v in range((2 << depth) - 1):
        s = start[v]
        e = stop[v]
        for t in range(d):
            lo[v, t] = np.inf
            hi[v, t] = -np.inf
        for p in range(s, e):
            for t in range(d):
                x = w[p, t]
                lo[v, t] = min(lo[v, t], x)
                hi[v, t] = max(hi[v, t], x)
        if v >= (1 << depth) - 1:
            continue  # a leaf
        dim = 0
        for t in range(1, d):
            if hi[v, t] - lo[v, t] > hi[v, dim] - lo[v, dim]:
                dim = t
        split[v] = dim
        mid = (s + e) // 2
        _select(w, perm, s, e, mid, dim)
        start[2 * v + 1] = s
        stop[2 * v + 1] = mid
        start[2 * v + 2] = mid
        stop[2 * v + 2] = e


class KDTree:
    """Balanced k-d tree over the rows of ``data`` (n, d), implicit layout.

    Node ``v`` has children ``2v+1`` and ``2v+2``; every leaf sits at depth ``depth``
    and holds ``ceil(n / 2**depth)`` or ``floor(n / 2**depth)`` rows (at most
    ``leafsize``).  ``perm`` maps tree order to input rows; ``cols`` holds the rows in
    tree order, one contiguous array per dimension; ``lo``/``hi`` are the tight
    bounding boxes and ``start``/``stop`` the row ranges (tree order) of the nodes;
    ``split[v]`` is the dimension inner node ``v`` was split on.
    """

    def __init__(self, data: np.ndarray, leafsize: int) -> None:
        data = np.asarray(data, dtype=np.float64)
        n, d = data.shape
        depth = 0
        while n > leafsize << depth:
            depth += 1
        nodes = (2 << depth) - 1
        self.n, self.d, self.depth = n, d, depth
        self.perm = np.arange(n)
        self.start = np.empty(nodes, dtype=np.int64)
        self.stop = np.empty(nodes, dtype=np.int64)
        self.lo = np.empty((nodes, d))
        self.hi = np.empty((nodes, d))
        self.split = np.zeros(max(nodes >> 1, 1), dtype=np.int64)  # split dim, inner nodes
        work = data.copy()
        _build(work, depth, self.perm, self.start, self.stop, self.lo, self.hi, self.split)
        self.maxleaf = -(-n // (1 << depth))
        pts = np.ascontiguousarray(work.T)
        self.cols = tuple(pts[t] for t in range(d))


def _source(lines: list[str]) -> dict:
    ns: dict = {"np": np}
    exec("\n".join(lines), ns)  # noqa: S102 -- code generated here from fixed templates
    return ns


def _max_tree(terms: list[str]) -> str:
    """``max`` of the terms as a balanced tree: dependency chains of length log2(d)
    instead of d, so the processor can overlap them."""
    while len(terms) > 1:
        terms = [f"max({terms[u]}, {terms[u + 1]})" if u + 1 < len(terms) else terms[u]
                 for u in range(0, len(terms), 2)]
    return terms[0]


def _scan_leaf(cols, act, lev, na, rs, re, r, acc, qs):  # pragma: no cover -- overload
    """For each of the ``na`` points i = act[lev, b], add to acc[i - qs] the number of
    rows j in [rs, re) with max_t |cols[t][j] - cols[t][i]| < r[i]."""
    raise NotImplementedError


@overload(_scan_leaf)
def _ov_scan_leaf(cols, act, lev, na, rs, re, r, acc, qs):
    # dimensions unrolled: the loop over rows is a plain reduction that LLVM vectorises
    # (a runtime loop over dimensions is not); column pointers are read once per leaf
    d = len(cols)
    lines = ["def impl(cols, act, lev, na, rs, re, r, acc, qs):"]
    lines += [f"    c{t} = cols[{t}]" for t in range(d)]
    lines += ["    for b in range(na):", "        i = act[lev, b]", "        ri = r[i]"]
    lines += [f"        x{t} = c{t}[i]" for t in range(d)]
    dist = _max_tree([f"abs(c{t}[j] - x{t})" for t in range(d)])
    lines += ["        cc = 0", "        for j in range(rs, re):", f"            m = {dist}",
              "            cc += np.int64(m < ri)", "        acc[i - qs] += cc"]
    return _source(lines)["impl"]


def _scan_leaf_knn(cols, act, lev, na, rs, re, best, qs):  # pragma: no cover -- overload
    """For each of the ``na`` points i = act[lev, b], merge the rows j in [rs, re)
    nearer than its current k-th distance into its sorted list best[i - qs]."""
    raise NotImplementedError


@overload(_scan_leaf_knn)
def _ov_scan_leaf_knn(cols, act, lev, na, rs, re, best, qs):
    # a vectorised counting pass first: usually no row of the leaf is nearer than the
    # current k-th distance, and the scalar insertion pass is skipped
    d = len(cols)
    lines = ["def impl(cols, act, lev, na, rs, re, best, qs):", "    kk = best.shape[1]"]
    lines += [f"    c{t} = cols[{t}]" for t in range(d)]
    lines += ["    for b in range(na):", "        i = act[lev, b]", "        a = i - qs",
              "        bound = best[a, kk - 1]"]
    lines += [f"        x{t} = c{t}[i]" for t in range(d)]
    dist = _max_tree([f"abs(c{t}[j] - x{t})" for t in range(d)])
    lines += ["        cc = 0", "        for j in range(rs, re):", f"            m = {dist}",
              "            cc += np.int64(m < bound)", "        if cc == 0:", "            continue",
              "        for j in range(rs, re):", f"            m = {dist}",
              "            if m < best[a, kk - 1]:", "                u = kk - 1",
              "                while u > 0 and best[a, u - 1] > m:",
              "                    best[a, u] = best[a, u - 1]", "                    u -= 1",
              "                best[a, u] = m"]
    return _source(lines)["impl"]


def _point_box(cols, i, lo, hi, node):  # pragma: no cover -- replaced by the overload
    """(min, max) max-norm distance from row i to the points of box ``node``."""
    raise NotImplementedError


@overload(_point_box)
def _ov_point_box(cols, i, lo, hi, node):
    d = len(cols)
    lines = ["def impl(cols, i, lo, hi, node):"]
    for t in range(d):
        lines += [f"    x{t} = cols[{t}][i]", f"    a{t} = lo[node, {t}]", f"    b{t} = hi[node, {t}]"]
    gaps = [f"max(a{t} - x{t}, x{t} - b{t})" for t in range(d)]
    reach = [f"max(b{t} - x{t}, x{t} - a{t})" for t in range(d)]
    lines += [f"    pmin = max({_max_tree(gaps)}, 0.0)", f"    pmax = {_max_tree(reach)}",
              "    return pmin, pmax"]
    return _source(lines)["impl"]


@njit(cache=True, nogil=True)
def _box_box(lo, hi, a, b):
    """(min, max) max-norm distance between points of boxes a and b."""
    dmin = 0.0
    dmax = 0.0
    for t in range(lo.shape[1]):
        dmin = max(dmin, max(lo[b, t] - hi[a, t], lo[a, t] - hi[b, t]))
        dmax = max(dmax, max(hi[b, t] - lo[a, t], hi[a, t] - lo[b, t]))
    return dmin, dmax


def _point_box_min(cols, i, lo, hi, node):  # pragma: no cover -- replaced by the overload
    """Min max-norm distance from row i to box ``node``."""
    raise NotImplementedError


@overload(_point_box_min)
def _ov_point_box_min(cols, i, lo, hi, node):
    d = len(cols)
    lines = ["def impl(cols, i, lo, hi, node):"]
    lines += [f"    x{t} = cols[{t}][i]" for t in range(d)]
    gaps = [f"max(lo[node, {t}] - x{t}, x{t} - hi[node, {t}])" for t in range(d)]
    lines += [f"    return max({_max_tree(gaps)}, 0.0)"]
    return _source(lines)["impl"]


@njit(cache=True, nogil=True)
def _box_min(lo, hi, a, b):
    """Min max-norm distance between points of boxes a and b."""
    dmin = 0.0
    for t in range(lo.shape[1]):
        dmin = max(dmin, max(lo[b, t] - hi[a, t], lo[a, t] - hi[b, t]))
    return dmin


@njit(cache=True, nogil=True)
def _knn_kernel(cols, lo, hi, start, stop, depth, maxleaf, split, c0, step, out):
    """The kk smallest distances from every row to all rows (itself included), sorted,
    in tree order.  Query leaves walk the tree nearer child first, pruning a node for a
    point once its box is no nearer than the point's current kk-th distance (a node
    at exactly that distance cannot change the kk-th value)."""
    kk = out.shape[1]
    first = (1 << depth) - 1
    stack = np.empty(depth + 2, dtype=np.int64)
    levels = np.empty(depth + 2, dtype=np.int64)
    act = np.empty((depth + 2, maxleaf), dtype=np.int64)
    nact = np.empty(depth + 2, dtype=np.int64)
    best = np.empty((maxleaf, kk))
    for leaf in range(c0, 1 << depth, step):
        qn = first + leaf
        qs, qe = start[qn], stop[qn]
        m = qe - qs
        for a in range(m):
            act[0, a] = qs + a
            for u in range(kk):
                best[a, u] = np.inf
        nact[0] = m
        stack[0] = 0
        levels[0] = 0
        sp = 0
        while sp >= 0:
            node = stack[sp]
            lev = levels[sp]
            sp -= 1
            bmax = 0.0
            for b in range(nact[lev]):
                bmax = max(bmax, best[act[lev, b] - qs, kk - 1])
            if _box_min(lo, hi, qn, node) >= bmax:
                continue
            na = 0
            for b in range(nact[lev]):
                i = act[lev, b]
                if _point_box_min(cols, i, lo, hi, node) < best[i - qs, kk - 1]:
                    act[lev + 1, na] = i
                    na += 1
            if na == 0:
                continue
            if node < first:
                nact[lev + 1] = na
                left = 2 * node + 1
                right = left + 1
                t = split[node]
                c = 0.5 * (lo[qn, t] + hi[qn, t])  # the query leaf's centre, split axis
                if max(c - hi[left, t], 0.0) <= max(lo[right, t] - c, 0.0):
                    stack[sp + 1] = right
                    stack[sp + 2] = left
                else:
                    stack[sp + 1] = left
                    stack[sp + 2] = right
                levels[sp + 1] = lev + 1
                levels[sp + 2] = lev + 1
                sp += 2
                continue
            rs = start[node]
            re = stop[node]
            _scan_leaf_knn(cols, act, lev + 1, na, rs, re, best, qs)
        for a in range(m):
            for u in range(kk):
                out[qs + a, u] = best[a, u]



@njit(cache=True, nogil=True)
def _count_kernel(cols, lo, hi, start, stop, depth, maxleaf, r, c0, step, out):
    """Counts (self included) in tree order; ``r`` are strict radii in tree order.

    Each query leaf walks the tree once, carrying the list of its points for which the
    current node is undecided ("active"); a node inside (outside) a point's ball is
    added (dropped) for that point, and whole-leaf box tests decide for all points at
    once where they can.
    """
    first = (1 << depth) - 1
    stack = np.empty(depth + 2, dtype=np.int64)
    levels = np.empty(depth + 2, dtype=np.int64)
    act = np.empty((depth + 2, maxleaf), dtype=np.int64)  # active points per level
    nact = np.empty(depth + 2, dtype=np.int64)
    acc = np.zeros(maxleaf, dtype=np.int64)
    for leaf in range(c0, 1 << depth, step):
        qn = first + leaf
        qs, qe = start[qn], stop[qn]
        m = qe - qs
        rmin = np.inf
        rmax = -np.inf
        for a in range(m):
            acc[a] = 0
            act[0, a] = qs + a
            rmin = min(rmin, r[qs + a])
            rmax = max(rmax, r[qs + a])
        nact[0] = m
        stack[0] = 0
        levels[0] = 0
        sp = 0
        while sp >= 0:
            node = stack[sp]
            lev = levels[sp]
            sp -= 1
            dmin, dmax = _box_box(lo, hi, qn, node)
            if dmin >= rmax:
                continue
            size = stop[node] - start[node]
            if dmax < rmin:
                for b in range(nact[lev]):
                    acc[act[lev, b] - qs] += size
                continue
            na = 0
            for b in range(nact[lev]):
                i = act[lev, b]
                pmin, pmax = _point_box(cols, i, lo, hi, node)
                ri = r[i]
                if pmin >= ri:
                    continue
                if pmax < ri:
                    acc[i - qs] += size
                    continue
                act[lev + 1, na] = i
                na += 1
            if na == 0:
                continue
            if node < first:
                nact[lev + 1] = na
                stack[sp + 1] = 2 * node + 2
                stack[sp + 2] = 2 * node + 1
                levels[sp + 1] = lev + 1
                levels[sp + 2] = lev + 1
                sp += 2
                continue
            rs = start[node]
            re = stop[node]
            _scan_leaf(cols, act, lev + 1, na, rs, re, r, acc, qs)
        for a in range(m):
            out[qs + a] = acc[a]


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover -- not Linux
        return os.cpu_count() or 1


def _run(kernel, tree: KDTree, *args) -> None:
    """Call ``kernel(tree arrays, *args, c0, step, out)`` over all query leaves: leaves
    c0, c0 + step, ... per call, several interleaved calls per thread (each thread then
    gets leaves from all over the tree, and a thread slowed down by other load takes
    fewer calls).  The kernels release the GIL."""
    base = (tree.cols, tree.lo, tree.hi, tree.start, tree.stop, tree.depth, tree.maxleaf)
    nleaves = 1 << tree.depth
    workers = min(_threads(), nleaves)
    if workers <= 1 or tree.n <= _SERIAL_MAX_N:
        kernel(*base, *args[:-1], 0, 1, args[-1])
        return
    step = min(nleaves, 4 * workers)
    with ThreadPoolExecutor(workers) as pool:
        jobs = [pool.submit(kernel, *base, *args[:-1], c0, step, args[-1]) for c0 in range(step)]
        for job in jobs:
            job.result()


def count_within(data: np.ndarray, radius: np.ndarray, *, strict: bool,
                 tree: KDTree | None = None) -> np.ndarray:
    """Number of rows j != i with ``max|data_j - data_i| < radius_i`` (``strict``) or
    ``<= radius_i``, as int64 in the input order."""
    radius = np.asarray(radius, dtype=np.float64)
    if tree is None:
        tree = KDTree(data, _COUNT_LEAF)
    r = radius if strict else np.nextafter(radius, np.inf)  # d <= r  <=>  d < next(r)
    rt = np.ascontiguousarray(r[tree.perm])
    cnt_t = np.empty(tree.n, dtype=np.int64)
    _run(_count_kernel, tree, rt, cnt_t)
    cnt_t -= rt > 0  # the row itself lies at distance 0: inside exactly when 0 < r
    out = np.empty(tree.n, dtype=np.int64)
    out[tree.perm] = cnt_t
    return out


def nearest(data: np.ndarray, k: int, *, tree: KDTree | None = None) -> np.ndarray:
    """Max-norm distances from every row to its 1st..k-th nearest *other* rows, shape
    (n, k), sorted along axis 1 (a repeated row is another row at distance 0)."""
    if tree is None:
        tree = KDTree(data, _knn_leaf(data.shape[1]))
    if k + 1 > tree.n:
        raise ValueError(f"k={k} needs at least k + 1 = {k + 1} rows; got {tree.n}.")
    dist_t = np.empty((tree.n, k + 1))
    _run(_knn_kernel, tree, tree.split, dist_t)
    out = np.empty((tree.n, k))
    out[tree.perm] = dist_t[:, 1:]  # column 0: the row itself (or a copy), distance 0
    return out
