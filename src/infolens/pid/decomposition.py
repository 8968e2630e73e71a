r"""Partial information decomposition of a known joint pmf.

:func:`decompose` builds the Williams–Beer redundancy lattice for the chosen sources,
evaluates the chosen redundancy measure on every node and Möbius-inverts it into the
partial-information atoms, which sum to :math:`I(A_0,\dots,A_{n-1}; T)`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validate import check_axes, check_pmf
from ..exact import discrete as _xd
from ..units import Base, log_base, unit_name
from . import broja as _broja  # noqa: F401  (registers the BROJA measure)
from .lattice import MAX_SOURCES, Node, parse_node, redundancy_lattice
from .measures import MEASURES, get_measure

__all__ = ["PIDResult", "decompose", "canonical_pmf"]


@dataclass(frozen=True)
class PIDResult:
    """Atoms of a partial information decomposition, by readable name.

    Attributes
    ----------
    measure : str
        Redundancy measure used (``"imin"``, ``"mmi"``, ``"broja"``, ``"ccs"``, ``"sx"``,
        ``"dep"``).
    names : tuple of str
        Node names in lattice order, bottom first: ``"{0}{1}"`` is the information shared
        by sources 0 and 1, ``"{0}"`` the unique information of source 0, ``"{0 1}"`` the
        synergy of 0 and 1.  Indices are positions in ``sources``.
    nodes : tuple
        The same nodes as tuples of source-index tuples.
    atoms : ndarray
        Partial information of each node (units of ``base``).
    redundancy : ndarray
        Redundancy :math:`I_\\cap` of each node (units of ``base``).
    total : float
        :math:`I(\\text{sources}; T)` computed directly (units of ``base``).
    sum_error : float
        ``atoms.sum() - total``: zero up to round-off (the Möbius identity).
    unit : str
        ``"nats"``, ``"bits"`` …
    sources, target : tuple
        Axes of the input pmf that form each source and the target (or column groups for
        sample input).
    info : dict
        Solver facts, e.g. ``duality_gap`` (BROJA, units of ``base``).
    n : int or None
        Number of samples when built from samples.
    discretization : dict or None
        How continuous samples were binned, when they were.
    """

    measure: str
    names: tuple[str, ...]
    nodes: tuple[Node, ...]
    atoms: np.ndarray
    redundancy: np.ndarray
    total: float
    sum_error: float
    unit: str
    sources: tuple[tuple[int, ...], ...]
    target: tuple[int, ...]
    info: dict = field(default_factory=dict)
    n: int | None = None
    discretization: dict | None = None

    def __getitem__(self, node: str | Node) -> float:
        """Atom of a node given by name (``"{0 1}"``) or as a tuple (``((0, 1),)``)."""
        key = parse_node(node) if isinstance(node, str) else tuple(
            sorted((tuple(sorted(a)) for a in node), key=lambda a: (len(a), a))
        )
        try:
            return float(self.atoms[self.nodes.index(key)])
        except ValueError:
            raise KeyError(f"{node!r} is not an atom of this {len(self.sources)}-source decomposition; "
                           f"atoms are {list(self.names)}.") from None

    def as_dict(self) -> dict[str, float]:
        """``{name: atom}`` in lattice order."""
        return {n: float(a) for n, a in zip(self.names, self.atoms, strict=True)}

    @property
    def redundancy_atom(self) -> float:
        """The bottom atom: information shared by all sources."""
        return float(self.atoms[0])

    @property
    def synergy(self) -> float:
        """The top atom: information only in all sources jointly."""
        return float(self.atoms[-1])

    def unique(self, i: int) -> float:
        """Unique information of source ``i`` (the atom ``{i}``)."""
        return self[((int(i),),)]

    @property
    def duality_gap(self) -> float | None:
        """Certified optimality gap of the BROJA solver (units of ``base``), else None."""
        return self.info.get("duality_gap")

    def table(self, digits: int = 6) -> str:
        """A plain-text table of redundancies and atoms."""
        w = max(len(n) for n in self.names)
        lines = [f"PID ({self.measure}, {self.unit}); I(sources; target) = {self.total:.{digits}f}",
                 f"{'atom':<{w}}  {'I_cap':>{digits + 4}}  {'pi':>{digits + 4}}"]
        for n, r, a in zip(self.names, self.redundancy, self.atoms, strict=True):
            lines.append(f"{n:<{w}}  {r:>{digits + 4}.{digits}f}  {a:>{digits + 4}.{digits}f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        body = ", ".join(f"'{n}': {a:.6g}" for n, a in zip(self.names, self.atoms, strict=True))
        return f"PIDResult(measure={self.measure!r}, unit={self.unit!r}, total={self.total:.6g}, atoms={{{body}}})"


def _as_group(v: Any, name: str, ndim: int) -> tuple[int, ...]:
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return check_axes(int(v), ndim, name)
    if isinstance(v, Sequence) and not isinstance(v, str):
        g = check_axes(tuple(v), ndim, name)
        if not g:
            raise ValueError(f"{name} is an empty group; give at least one axis.")
        return g
    raise TypeError(f"{name} must be an axis index or a sequence of axis indices; got {v!r}.")


def canonical_pmf(
    p: Any, sources: Any = None, target: Any = None, *, normalize: bool = False
) -> tuple[np.ndarray, tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """Rearrange a joint pmf into one axis per source and the target last.

    Axes not named in ``sources`` or ``target`` are summed out; a source or target made of
    several axes becomes one axis (row-major joint code).

    Returns
    -------
    P : ndarray, shape (|A_0|, …, |A_{n-1}|, |T|)
    sources : tuple of tuple of int
    target : tuple of int

    Examples
    --------
    >>> P, s, t = canonical_pmf(np.full((2, 3, 2), 1 / 12), sources=[[0, 1]], target=2)
    >>> P.shape, s, t
    ((6, 2), ((0, 1),), (2,))
    """
    arr = check_pmf(p, "p", normalize=normalize)
    nd = arr.ndim
    if nd < 2:
        raise ValueError(f"p must have at least two axes (sources and target); got shape {arr.shape}.")
    tgt = _as_group(nd - 1 if target is None else target, "target", nd)
    if sources is None:
        src = tuple((a,) for a in range(nd) if a not in tgt)
    else:
        if isinstance(sources, (numbers.Integral, str)) or not isinstance(sources, Sequence):
            raise TypeError(
                f"sources must be a list of axes or axis groups, e.g. [0, 1] or [[0, 1], 2]; got {sources!r}."
            )
        src = tuple(_as_group(s, f"sources[{i}]", nd) for i, s in enumerate(sources))
    if not src:
        raise ValueError("sources is empty; name at least one source axis.")
    used = [a for g in src for a in g] + list(tgt)
    if len(set(used)) != len(used):
        raise ValueError(f"sources {src} and target {tgt} must use disjoint axes.")
    m = _xd.marginal(arr, tuple(used))
    shape = tuple(int(np.prod([arr.shape[a] for a in g])) for g in (*src, tgt))
    return np.ascontiguousarray(m.reshape(shape)), src, tgt


def decompose(
    p: Any,
    sources: Any = None,
    target: Any = None,
    *,
    measure: str = "imin",
    base: Base = "e",
    normalize: bool = False,
) -> PIDResult:
    r"""Partial information decomposition of :math:`I(A_0,\dots,A_{n-1}; T)` for a joint pmf.

    The redundancy :math:`I_\cap(\alpha; T)` of the chosen measure is evaluated on every
    antichain :math:`\alpha` of the Williams–Beer lattice and Möbius-inverted:

    .. math:: \Pi(\beta) = I_\cap(\beta) - \sum_{\alpha \prec \beta}\Pi(\alpha), \qquad
              \sum_\beta \Pi(\beta) = I(A_0,\dots,A_{n-1}; T).

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable.
    sources : sequence of int or of axis groups, optional
        The sources; ``[0, 1]`` or ``[[0, 1], 2]`` (an inner list is one joint source).
        Default: every axis except the target.
    target : int or sequence of int, optional
        Target axis (or group); default the last axis.
    measure : {"imin", "mmi", "broja", "ccs", "sx", "dep"}
        Redundancy measure.  ``imin``, ``mmi``, ``ccs``, ``sx``: 1–4 sources;
        ``broja`` and ``dep``: exactly 2.  See :mod:`infolens.pid.measures` for each
        measure's definition and known criticisms.
    base : "e", 2, 10 or float > 1
        Units of the atoms (nats by default; ``2`` for bits).
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    PIDResult
        Atoms by name (``result["{0 1}"]``), redundancies, the total MI and the check
        ``sum_error``; for BROJA ``result.duality_gap`` certifies the optimum.

    References
    ----------
    Williams, P. L. & Beer, R. D. (2010). Nonnegative decomposition of multivariate
    information. arXiv:1004.2515.

    Examples
    --------
    XOR: one bit of synergy and nothing else.

    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> r = decompose(xor, sources=[0, 1], target=2, measure="imin", base=2)
    >>> {k: round(v, 12) + 0.0 for k, v in r.as_dict().items()}
    {'{0}{1}': 0.0, '{0}': 0.0, '{1}': 0.0, '{0 1}': 1.0}
    """
    info_m = get_measure(measure)
    lb = log_base(base)
    P, src, tgt = canonical_pmf(p, sources, target, normalize=normalize)
    n = len(src)
    if n > MAX_SOURCES:
        raise ValueError(f"{n} sources given; lattices are built for at most {MAX_SOURCES} "
                         "(group sources into joint variables to reduce their number).")
    if n > info_m.max_sources:
        allowed = sorted(k for k, v in MEASURES.items() if v.max_sources >= n)
        raise ValueError(
            f"measure={measure!r} is defined for at most {info_m.max_sources} sources; got {n}. "
            f"Measures for {n} sources: {allowed}."
        )
    lat = redundancy_lattice(n)
    red, info = info_m.function(P, lat)
    atoms = lat.mobius @ red
    total = _xd.mutual_information(P, tuple(range(n)), n)
    if not (np.all(np.isfinite(atoms)) and math.isfinite(total)):  # pragma: no cover
        raise RuntimeError(f"measure {measure!r} produced a non-finite value: {red}.")
    # Exact zeros stay zeros; -0.0 from cancellation is shown as 0.0.
    atoms = atoms + 0.0
    info = {k: (v / lb if k == "duality_gap" else v) for k, v in info.items()}
    return PIDResult(
        measure=info_m.name,
        names=lat.names,
        nodes=lat.nodes,
        atoms=atoms / lb,
        redundancy=red / lb,
        total=total / lb,
        sum_error=float(atoms.sum() - total) / lb,
        unit=unit_name(base),
        sources=src,
        target=tgt,
        info=info,
    )


