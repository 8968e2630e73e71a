r"""The Williams–Beer redundancy lattice and its Möbius inversion.

For ``n`` sources the nodes are the *antichains* of non-empty source subsets: collections
:math:`\alpha = \{A_1, \dots, A_m\}` of non-empty subsets of ``{0, …, n-1}`` none of which
contains another.  The partial order is

.. math:: \alpha \preceq \beta \iff \forall B \in \beta\ \exists A \in \alpha : A \subseteq B ,

with bottom ``{0}{1}…{n-1}`` (information shared by every source) and top ``{0 1 … n-1}``
(information in the joint only).  A redundancy function :math:`I_\cap(\alpha; T)` given on
every node is turned into partial-information atoms :math:`\Pi(\alpha)` by Möbius inversion,

.. math:: I_\cap(\beta; T) = \sum_{\alpha \preceq \beta} \Pi(\alpha; T)
          \quad\Longrightarrow\quad \Pi = \mu\, I_\cap ,

where :math:`\mu` is the inverse of the zeta (order) matrix.  The number of nodes is the
Dedekind number minus two: 1, 4, 18, 166 for one to four sources.  Lattices are built once
per ``n`` and cached.

References
----------
Williams, P. L. & Beer, R. D. (2010). Nonnegative decomposition of multivariate
information. arXiv:1004.2515.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

__all__ = ["Lattice", "redundancy_lattice", "node_name", "parse_node", "MAX_SOURCES"]

#: Largest number of sources for which full lattices are built (166 atoms at four sources).
MAX_SOURCES = 4

Node = tuple[tuple[int, ...], ...]


def _mask_to_set(mask: int) -> tuple[int, ...]:
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def node_name(node: Node) -> str:
    """Readable name of a lattice node: ``((0,), (1,))`` -> ``"{0}{1}"``, ``((0, 1),)`` -> ``"{0 1}"``.

    >>> node_name(((0,), (1, 2)))
    '{0}{1 2}'
    """
    return "".join("{" + " ".join(str(i) for i in a) + "}" for a in node)


def parse_node(name: str) -> Node:
    """Inverse of :func:`node_name` (spaces, commas or colons separate indices).

    >>> parse_node("{0}{1 2}")
    ((0,), (1, 2))
    """
    s = name.strip()
    if not s.startswith("{") or not s.endswith("}"):
        raise ValueError(f"node name {name!r} must look like '{{0}}{{1 2}}'.")
    parts = s[1:-1].split("}{")
    out = []
    for part in parts:
        toks = part.replace(",", " ").replace(":", " ").split()
        if not toks:
            raise ValueError(f"node name {name!r} has an empty set.")
        out.append(tuple(sorted(int(t) for t in toks)))
    return tuple(sorted(out, key=lambda a: (len(a), a)))


def _antichains(n: int) -> list[tuple[int, ...]]:
    """All antichains of non-empty subsets of range(n), as tuples of bit masks."""
    masks = list(range(1, 1 << n))
    out: list[tuple[int, ...]] = []

    def grow(start: int, chosen: list[int]) -> None:
        if chosen:
            out.append(tuple(chosen))
        for j in range(start, len(masks)):
            m = masks[j]
            if all((m & c) != m and (m & c) != c for c in chosen):
                chosen.append(m)
                grow(j + 1, chosen)
                chosen.pop()

    grow(0, [])
    return out


@dataclass(frozen=True)
class Lattice:
    """A redundancy lattice for ``n`` sources (built by :func:`redundancy_lattice`).

    Attributes
    ----------
    n : int
        Number of sources.
    nodes : tuple of Node
        Antichains in a linear extension of the order (bottom first, top last); each node
        is a tuple of sorted source-index tuples.
    masks : tuple of tuple of int
        The same nodes as bit masks of sources.
    names : tuple of str
        Readable names (``"{0}{1}"``, ``"{0 1}"`` …).
    zeta : ndarray of int, shape (N, N)
        ``zeta[b, a] = 1`` iff ``nodes[a] <= nodes[b]``.
    mobius : ndarray of float, shape (N, N)
        Inverse of ``zeta``: ``atoms = mobius @ redundancies``.
    set_index : ndarray of int, shape (N, n_sets_max)
        Per node, the indices ``mask - 1`` of its subsets, padded with ``-1``.
    """

    n: int
    nodes: tuple[Node, ...]
    masks: tuple[tuple[int, ...], ...]
    names: tuple[str, ...]
    zeta: np.ndarray = field(repr=False)
    mobius: np.ndarray = field(repr=False)
    set_index: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.nodes)

    def index(self, node: Node | str) -> int:
        """Position of a node given as a tuple of tuples or by its name."""
        key = parse_node(node) if isinstance(node, str) else tuple(
            sorted((tuple(sorted(a)) for a in node), key=lambda a: (len(a), a))
        )
        try:
            return self.nodes.index(key)
        except ValueError:
            raise KeyError(f"{node!r} is not a node of the {self.n}-source lattice.") from None

    def below(self, node: Node | str) -> list[Node]:
        """Nodes strictly below ``node`` in the order."""
        i = self.index(node)
        return [self.nodes[j] for j in np.flatnonzero(self.zeta[i]) if j != i]


def _leq(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """a <= b  iff every B in b contains some A in a."""
    return all(any((x & y) == x for x in a) for y in b)


@cache
def redundancy_lattice(n: int) -> Lattice:
    """Build (once, then cached) the Williams–Beer lattice for ``n`` sources.

    Parameters
    ----------
    n : int
        Number of sources, 1 to :data:`MAX_SOURCES` (4).

    Returns
    -------
    Lattice
        With 1, 4, 18 or 166 nodes.

    Examples
    --------
    >>> [len(redundancy_lattice(k)) for k in (1, 2, 3, 4)]
    [1, 4, 18, 166]
    >>> redundancy_lattice(2).names
    ('{0}{1}', '{0}', '{1}', '{0 1}')
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= int(n) <= MAX_SOURCES:
        raise ValueError(
            f"the number of sources must be an integer from 1 to {MAX_SOURCES}; got {n!r} "
            f"(the lattice for 5 sources has 7579 nodes; group sources to reduce their number)."
        )
    n = int(n)
    chains = _antichains(n)
    N = len(chains)
    zeta = np.zeros((N, N), dtype=np.int64)
    for i, b in enumerate(chains):
        for j, a in enumerate(chains):
            if _leq(a, b):
                zeta[i, j] = 1
    # linear extension: fewer nodes below first; ties broken by readable order
    def key(i: int):
        sets = sorted((_mask_to_set(m) for m in chains[i]), key=lambda s: (len(s), s))
        return (int(zeta[i].sum()), -len(sets), [len(s) for s in sets], sets)

    order = sorted(range(N), key=key)
    chains = [chains[i] for i in order]
    zeta = zeta[np.ix_(order, order)]
    # zeta is unit lower-triangular in this order; invert exactly in integers
    mob = np.linalg.inv(zeta.astype(float))
    mob_int = np.rint(mob)
    if not np.allclose(mob, mob_int, atol=1e-9):  # pragma: no cover - structural guard
        raise RuntimeError("Möbius inversion of the lattice did not give integers.")
    nodes = tuple(
        tuple(sorted((_mask_to_set(m) for m in c), key=lambda s: (len(s), s))) for c in chains
    )
    masks = tuple(
        tuple(sorted(c, key=lambda m: (bin(m).count("1"), _mask_to_set(m)))) for c in chains
    )
    width = max(len(c) for c in chains)
    set_index = np.full((N, width), -1, dtype=np.int64)
    for i, c in enumerate(masks):
        set_index[i, : len(c)] = [m - 1 for m in c]
    zeta.setflags(write=False)
    mob_int.setflags(write=False)
    set_index.setflags(write=False)
    return Lattice(
        n=n,
        nodes=nodes,
        masks=masks,
        names=tuple(node_name(nd) for nd in nodes),
        zeta=zeta,
        mobius=mob_int,
        set_index=set_index,
    )
