"""The 12-bit dataset of the information-plane literature, generated from its rule.

Shwartz-Ziv & Tishby (2017) and Saxe et al. (2018) trained small networks on all 4096
twelve-bit patterns whose label is a symmetric function of the pattern on an icosahedron.
The original data file may not be redistributed, so the patterns and labels are generated
here from the rule (see ``shared/reference/tishby12.md`` in the project notes):

* the 12 bits sit on the vertices of an icosahedron (:data:`NEIGHBOURS`, :data:`ANTIPODE`);
* for a pattern with ``k`` active bits, ``n1`` active edges and ``n3`` active antipodal
  pairs, ``y = 0`` for ``k <= 4`` and ``y = 1`` for ``k >= 8``; for ``k = 5``,
  ``y = 1`` iff ``n1 == 7 and n3 == 0``; for ``k = 6``, ``y = 1`` iff ``n1 >= 7`` or
  ``(n1 == 6 and n3 == 0)``; for ``k = 7``, ``y = 0`` iff ``n1 == 8 and n3 == 2``.

2118 of the 4096 labels are 1, so H(Y) = 0.99916 bits; since X is uniform and Y a function
of X, I(X;Y) = H(Y).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["tishby12", "Tishby12", "NEIGHBOURS", "ANTIPODE", "icosahedron_edges"]

#: neighbours of each vertex (bit) of the icosahedron
NEIGHBOURS: tuple[tuple[int, ...], ...] = (
    (1, 3, 5, 10, 11),
    (0, 2, 3, 4, 11),
    (1, 3, 4, 8, 9),
    (0, 1, 2, 8, 10),
    (1, 2, 6, 9, 11),
    (0, 6, 7, 10, 11),
    (4, 5, 7, 9, 11),
    (5, 6, 8, 9, 10),
    (2, 3, 7, 9, 10),
    (2, 4, 6, 7, 8),
    (0, 3, 5, 7, 8),
    (0, 1, 4, 5, 6),
)

#: antipodal vertex of each bit
ANTIPODE: tuple[int, ...] = (9, 7, 5, 6, 10, 2, 3, 1, 11, 0, 4, 8)


def icosahedron_edges() -> np.ndarray:
    """The 30 edges of the icosahedron as an array of shape (30, 2) with ``i < j``."""
    edges = sorted({(min(i, j), max(i, j)) for i, nb in enumerate(NEIGHBOURS) for j in nb})
    return np.asarray(edges, dtype=np.int64)


class Tishby12(NamedTuple):
    """The 12-bit dataset.

    Attributes
    ----------
    x : ndarray of shape (4096, 12), dtype uint8
        All twelve-bit patterns in lexicographic order (row ``r`` is the binary expansion
        of ``r``, column 0 the most significant bit).
    y : ndarray of shape (4096,), dtype int64
        The labels (0 or 1).
    """

    x: np.ndarray
    y: np.ndarray


def _labels(x: np.ndarray) -> np.ndarray:
    xb = x.astype(np.int64)
    k = xb.sum(axis=1)
    e = icosahedron_edges()
    n1 = (xb[:, e[:, 0]] * xb[:, e[:, 1]]).sum(axis=1)
    pairs = np.asarray(sorted({(min(i, a), max(i, a)) for i, a in enumerate(ANTIPODE)}))
    n3 = (xb[:, pairs[:, 0]] * xb[:, pairs[:, 1]]).sum(axis=1)
    y = np.zeros(len(x), dtype=np.int64)
    y[k >= 8] = 1
    y[(k == 5) & (n1 == 7) & (n3 == 0)] = 1
    y[(k == 6) & ((n1 >= 7) | ((n1 == 6) & (n3 == 0)))] = 1
    y[(k == 7) & ~((n1 == 8) & (n3 == 2))] = 1
    return y


def tishby12(*, dtype: type | np.dtype = np.uint8) -> Tishby12:
    """Generate the 4096 twelve-bit patterns and their labels.

    Parameters
    ----------
    dtype : numpy dtype, default uint8
        dtype of the pattern matrix (use ``np.float32`` to feed a network directly).

    Returns
    -------
    Tishby12
        Named tuple ``(x, y)``: ``x`` of shape (4096, 12) in lexicographic order,
        ``y`` of shape (4096,) with 2118 ones.

    Notes
    -----
    The label depends on the number of active bits ``k``, the number ``n1`` of active
    icosahedron edges and the number ``n3`` of active antipodal pairs (rule in the module
    docstring), so it is invariant under the 60 rotations of the icosahedron.  With X
    uniform, H(Y) = h(2118/4096) = 0.99916 bits = I(X;Y).

    References
    ----------
    R. Shwartz-Ziv and N. Tishby, "Opening the black box of deep neural networks via
    information", arXiv:1703.00810, 2017.
    A. M. Saxe et al., "On the information bottleneck theory of deep learning", ICLR 2018.

    Examples
    --------
    >>> from infolens.data import tishby12
    >>> d = tishby12()
    >>> d.x.shape, int(d.y.sum())
    ((4096, 12), 2118)
    """
    r = np.arange(4096, dtype=np.int64)
    x = ((r[:, None] >> np.arange(11, -1, -1)) & 1).astype(np.uint8)
    y = _labels(x)
    return Tishby12(x.astype(dtype, copy=False), y)

