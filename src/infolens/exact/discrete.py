r"""Exact information measures of discrete distributions given as pmf arrays.

A joint pmf is an array with one axis per variable: ``p[i, j, k] = P(X0=i, X1=j, X2=k)``.
Variables are picked by axis index (an int or a sequence of ints; several axes form one
joint variable).  All functions return plain floats in units of ``base`` (nats by
default) and use the convention :math:`0 \log 0 = 0`.  Nothing is sampled.

References
----------
Cover, T. M. & Thomas, J. A. (2006). *Elements of Information Theory*, 2nd ed., Wiley,
chapters 2 (entropy, mutual information, KL divergence, chain rules, data processing).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validate import check_axes, check_pmf
from ..units import Base, log_base

__all__ = [
    "marginal",
    "entropy",
    "joint_entropy",
    "conditional_entropy",
    "mutual_information",
    "conditional_mutual_information",
    "kl_divergence",
    "cross_entropy",
    "jensen_shannon_divergence",
    "total_correlation",
    "dual_total_correlation",
    "interaction_information",
    "o_information",
    "s_information",
    "binary_entropy",
    "inverse_binary_entropy",
]

Axes = int | Sequence[int] | None


def _entropy_nats(p: np.ndarray) -> float:
    """-sum p log p over all entries of an already validated array (0 log 0 = 0)."""
    q = p[p > 0]
    val = float(-np.sum(q * np.log(q)))
    return val if val > 0.0 else 0.0  # each term is >= 0; avoid returning -0.0


def marginal(p: Any, axes: Axes, *, normalize: bool = False) -> np.ndarray:
    """Marginal pmf of the variables on ``axes`` (kept in the given order).

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : int or sequence of int
        Axes of the variables to keep, in the order wanted in the result.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    ndarray
        The marginal pmf, one axis per kept variable.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.1.

    Examples
    --------
    >>> marginal([[0.1, 0.2], [0.3, 0.4]], 1)
    array([0.4, 0.6])
    """
    p = check_pmf(p, "p", normalize=normalize)
    return _marginal(p, check_axes(axes, p.ndim, "axes"))


def _marginal(p: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    if not axes:
        return np.array(p.sum())
    drop = tuple(a for a in range(p.ndim) if a not in axes)
    m = p.sum(axis=drop) if drop else p
    kept = sorted(axes)
    order = [kept.index(a) for a in axes]
    return np.transpose(m, order) if order != list(range(len(order))) else m


def _H(p: np.ndarray, axes: Sequence[int]) -> float:
    return _entropy_nats(_marginal(p, tuple(sorted(set(axes)))))


def _prep(p: Any, normalize: bool, *named_axes: tuple[str, Axes]) -> tuple[np.ndarray, list]:
    arr = check_pmf(p, "p", normalize=normalize)
    out = []
    for name, ax in named_axes:
        a = check_axes(ax, arr.ndim, name)
        if not a and ax is not None:
            raise ValueError(f"{name} is empty; name at least one axis.")
        out.append(a)
    for i, a in enumerate(out):
        for b in out[i + 1 :]:
            if set(a) & set(b):
                raise ValueError(
                    f"the variable groups {named_axes[i][0]}={a} and {b} overlap; "
                    "use disjoint axes."
                )
    return arr, out


def entropy(p: Any, axes: Axes = None, *, base: Base = "e", normalize: bool = False) -> float:
    r"""Shannon entropy :math:`H(X) = -\sum_x p(x) \log p(x)`.

    Parameters
    ----------
    p : array_like
        Pmf (any number of axes).
    axes : int or sequence of int, optional
        Variables whose (joint) entropy is wanted; ``None`` means all axes.
    base : "e", 2, 10 or float > 1
        Logarithm base (nats by default).
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        Entropy in units of ``base``; ``log n`` for the uniform pmf on ``n`` outcomes.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication.

    Examples
    --------
    >>> entropy([0.5, 0.5], base=2)
    1.0
    """
    lb = log_base(base)
    arr = check_pmf(p, "p", normalize=normalize)
    ax = tuple(range(arr.ndim)) if axes is None else check_axes(axes, arr.ndim, "axes")
    return _H(arr, ax) / lb


def joint_entropy(p: Any, axes: Axes = None, *, base: Base = "e", normalize: bool = False) -> float:
    r"""Joint entropy :math:`H(X_{a_1}, \dots, X_{a_k})` of the variables on ``axes``.

    Same as :func:`entropy`; provided under its textbook name.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : int or sequence of int, optional
        Variables whose joint entropy is wanted; ``None`` means all axes.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        Joint entropy in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.2.

    Examples
    --------
    >>> round(joint_entropy(np.full((2, 2), 0.25), base=2), 12)
    2.0
    """
    return entropy(p, axes, base=base, normalize=normalize)


def conditional_entropy(
    p: Any, x: Axes, given: Axes, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Conditional entropy :math:`H(X|Y) = H(X,Y) - H(Y)
    = -\sum_{x,y} p(x,y) \log p(x|y)`.

    ``x`` and ``given`` are disjoint axis groups of the joint pmf ``p``.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    x, given : int or sequence of int
        Disjoint axis groups: the variable and the conditioning variable.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        :math:`H(X|Y) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.2 (chain rule, Theorem 2.2.1).

    Examples
    --------
    >>> p = np.array([[0.5, 0.0], [0.0, 0.5]])   # X = Y
    >>> conditional_entropy(p, 0, 1)
    0.0
    """
    lb = log_base(base)
    arr, (ax, ay) = _prep(p, normalize, ("x", x), ("given", given))
    return max(_H(arr, ax + ay) - _H(arr, ay), 0.0) / lb


def mutual_information(
    p: Any, x: Axes = 0, y: Axes = 1, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Mutual information :math:`I(X;Y) = H(X) + H(Y) - H(X,Y)
    = \sum_{x,y} p(x,y)\log\frac{p(x,y)}{p(x)p(y)}`.

    Non-negative, symmetric, zero iff X and Y are independent, and invariant under
    relabelling (any invertible map) of either variable.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    x, y : int or sequence of int
        Disjoint axis groups naming the two variables (default axes 0 and 1).
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        :math:`I(X;Y) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.4; Shannon, C. E. (1948).

    Examples
    --------
    >>> round(mutual_information([[0.5, 0.0], [0.0, 0.5]], 0, 1, base=2), 12)
    1.0
    """
    lb = log_base(base)
    arr, (ax, ay) = _prep(p, normalize, ("x", x), ("y", y))
    val = _H(arr, ax) + _H(arr, ay) - _H(arr, ax + ay)
    return max(val, 0.0) / lb


def conditional_mutual_information(
    p: Any, x: Axes, y: Axes, z: Axes, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Conditional mutual information
    :math:`I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)`.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    x, y, z : int or sequence of int
        Disjoint axis groups; ``z`` is conditioned on.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        :math:`I(X;Y|Z) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.5 (chain rule for information, Theorem 2.5.2).

    Examples
    --------
    >>> p = np.full((2, 2, 2), 0.125)
    >>> round(conditional_mutual_information(p, 0, 1, 2), 12)
    0.0
    """
    lb = log_base(base)
    arr, (ax, ay, az) = _prep(p, normalize, ("x", x), ("y", y), ("z", z))
    val = _H(arr, ax + az) + _H(arr, ay + az) - _H(arr, ax + ay + az) - _H(arr, az)
    return max(val, 0.0) / lb


def _pair(p: Any, q: Any, normalize: bool) -> tuple[np.ndarray, np.ndarray]:
    pa = check_pmf(p, "p", normalize=normalize)
    qa = check_pmf(q, "q", normalize=normalize)
    if pa.shape != qa.shape:
        raise ValueError(f"p and q must have the same shape; got {pa.shape} and {qa.shape}.")
    return pa, qa


def kl_divergence(p: Any, q: Any, *, base: Base = "e", normalize: bool = False) -> float:
    r"""Kullback–Leibler divergence :math:`D(p\|q) = \sum_x p(x) \log\frac{p(x)}{q(x)}`.

    Returns ``inf`` when some ``q(x) = 0 < p(x)`` (p is not absolutely continuous with
    respect to q).  Asymmetric: in general :math:`D(p\|q) \ne D(q\|p)`.

    Parameters
    ----------
    p, q : array_like
        Pmfs of the same shape.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        :math:`D(p\|q) \ge 0` in units of ``base``, or ``inf``.

    References
    ----------
    Kullback, S. & Leibler, R. A. (1951). On information and sufficiency. Ann. Math.
    Statist. 22(1), 79-86.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    """
    lb = log_base(base)
    pa, qa = _pair(p, q, normalize)
    pos = pa > 0
    if np.any(qa[pos] == 0):
        return math.inf
    val = float(np.sum(pa[pos] * (np.log(pa[pos]) - np.log(qa[pos]))))
    return max(val, 0.0) / lb


def cross_entropy(p: Any, q: Any, *, base: Base = "e", normalize: bool = False) -> float:
    r"""Cross-entropy :math:`H(p, q) = -\sum_x p(x)\log q(x) = H(p) + D(p\|q)`.

    ``inf`` where ``q(x) = 0 < p(x)``.

    Parameters
    ----------
    p, q : array_like
        Pmfs of the same shape.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmf(s) by their sum.

    Returns
    -------
    float
        Cross-entropy in units of ``base`` (``inf`` where q = 0 < p).

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 5.4 (wrong code, Theorem 5.4.3).

    Examples
    --------
    >>> round(cross_entropy([0.5, 0.5], [0.5, 0.5], base=2), 12)
    1.0
    """
    lb = log_base(base)
    pa, qa = _pair(p, q, normalize)
    pos = pa > 0
    if np.any(qa[pos] == 0):
        return math.inf
    return float(-np.sum(pa[pos] * np.log(qa[pos]))) / lb


def jensen_shannon_divergence(
    p: Any,
    q: Any,
    *,
    weights: tuple[float, float] = (0.5, 0.5),
    base: Base = "e",
    normalize: bool = False,
) -> float:
    r"""Jensen–Shannon divergence
    :math:`JS_\pi(p,q) = H(\pi_1 p + \pi_2 q) - \pi_1 H(p) - \pi_2 H(q)`.

    Bounded by :math:`\log 2` for equal weights; its square root is a metric.

    Parameters
    ----------
    p, q : array_like
        Pmfs of the same shape.
    weights : (float, float)
        Mixture weights :math:`(\pi_1, \pi_2)`, non-negative, summing to 1.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide the pmfs by their sums.

    Returns
    -------
    float
        :math:`0 \le JS \le \log 2` (equal weights), in units of ``base``.

    References
    ----------
    Lin, J. (1991). Divergence measures based on the Shannon entropy. IEEE Trans. Inf. Theory.

    Examples
    --------
    >>> round(jensen_shannon_divergence([1, 0], [0, 1], base=2), 12)
    1.0
    """
    lb = log_base(base)
    pa, qa = _pair(p, q, normalize)
    w = np.asarray(weights, dtype=float)
    if w.shape != (2,) or (w < 0).any() or not math.isclose(float(w.sum()), 1.0, abs_tol=1e-9):
        raise ValueError(f"weights must be two non-negative numbers summing to 1; got {weights!r}.")
    m = w[0] * pa + w[1] * qa
    w0, w1 = float(w[0]), float(w[1])
    val = _entropy_nats(m) - w0 * _entropy_nats(pa) - w1 * _entropy_nats(qa)
    return max(val, 0.0) / lb


def _variables(arr: np.ndarray, axes: Axes) -> list[tuple[int, ...]]:
    if axes is None:
        return [(a,) for a in range(arr.ndim)]
    if isinstance(axes, numbers.Integral):
        raise ValueError(
            f"axes={axes!r} names a single axis; list at least two variables "
            "(a sequence of axes or axis groups), or pass None for every axis."
        )
    groups = []
    for g in axes:
        groups.append(check_axes(g, arr.ndim, "axes"))
    flat = [a for g in groups for a in g]
    if len(set(flat)) != len(flat):
        raise ValueError(f"axes groups overlap: {axes!r}.")
    if len(groups) < 2:
        raise ValueError("at least two variables are needed.")
    return groups


def total_correlation(
    p: Any, axes: Any = None, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Total correlation (multi-information) :math:`TC = \sum_i H(X_i) - H(X_1,\dots,X_n)`.

    ``axes``: ``None`` (every axis is one variable) or a sequence of axes / axis groups.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : sequence of int or of axis groups, optional
        The variables: ``None`` makes every axis one variable; ``[(0, 1), 2]`` treats
        axes 0 and 1 as one joint variable.  At least two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        :math:`TC \ge 0` in units of ``base``.

    References
    ----------
    Watanabe, S. (1960). Information theoretical analysis of multivariate correlation.

    Examples
    --------
    >>> round(total_correlation(np.array([[0.5, 0], [0, 0.5]]), base=2), 12)
    1.0
    """
    lb = log_base(base)
    arr = check_pmf(p, "p", normalize=normalize)
    groups = _variables(arr, axes)
    allax = tuple(a for g in groups for a in g)
    val = sum(_H(arr, g) for g in groups) - _H(arr, allax)
    return max(val, 0.0) / lb


def dual_total_correlation(
    p: Any, axes: Any = None, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Dual total correlation (binding information)
    :math:`DTC = H(X_1..X_n) - \sum_i H(X_i | X_{-i})`.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : sequence of int or of axis groups, optional
        The variables: ``None`` makes every axis one variable; ``[(0, 1), 2]`` treats
        axes 0 and 1 as one joint variable.  At least two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        :math:`DTC \ge 0` in units of ``base``.

    References
    ----------
    Han, T. S. (1978). Nonnegative entropy measures of multivariate symmetric correlations.

    Examples
    --------
    >>> xor = np.zeros((2, 2, 2)); xor[0,0,0]=xor[0,1,1]=xor[1,0,1]=xor[1,1,0]=0.25
    >>> round(dual_total_correlation(xor, base=2), 12)
    2.0
    """
    lb = log_base(base)
    arr = check_pmf(p, "p", normalize=normalize)
    groups = _variables(arr, axes)
    allax = tuple(a for g in groups for a in g)
    hall = _H(arr, allax)
    cond = 0.0
    for i, _g in enumerate(groups):
        rest = tuple(a for j, h in enumerate(groups) if j != i for a in h)
        cond += hall - _H(arr, rest)
    return max(hall - cond, 0.0) / lb


def interaction_information(
    p: Any, axes: Any = None, *, base: Base = "e", normalize: bool = False
) -> float:
    r"""Interaction information (co-information sign convention).

    :math:`I(X_1;\dots;X_n) = -\sum_{S \subseteq \{1..n\}, S\neq\emptyset} (-1)^{|S|} H(X_S)`,
    so that for three variables :math:`I(X;Y;Z) = I(X;Y) - I(X;Y|Z)`.  Positive values
    indicate redundancy, negative values synergy: XOR of two uniform bits gives
    :math:`-1` bit, the 1 bit of synergy.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : sequence of int or of axis groups, optional
        The variables: ``None`` makes every axis one variable; ``[(0, 1), 2]`` treats
        axes 0 and 1 as one joint variable.  At least two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        Co-information in units of ``base`` (any sign).

    References
    ----------
    McGill, W. J. (1954). Multivariate information transmission. Bell, A. J. (2003). The
    co-information lattice.

    Examples
    --------
    >>> xor = np.zeros((2, 2, 2)); xor[0,0,0]=xor[0,1,1]=xor[1,0,1]=xor[1,1,0]=0.25
    >>> round(interaction_information(xor, base=2), 12)
    -1.0
    """
    lb = log_base(base)
    arr = check_pmf(p, "p", normalize=normalize)
    groups = _variables(arr, axes)
    n = len(groups)
    total = 0.0
    for mask in range(1, 1 << n):
        members = [groups[i] for i in range(n) if mask >> i & 1]
        k = len(members)
        total += (-1) ** (k + 1) * _H(arr, tuple(a for g in members for a in g))
    return total / lb


def o_information(p: Any, axes: Any = None, *, base: Base = "e", normalize: bool = False) -> float:
    r"""O-information :math:`\Omega = TC - DTC
    = (n-2) H(X) + \sum_i [H(X_i) - H(X_{-i})]`.

    Positive: redundancy-dominated; negative: synergy-dominated.  For three variables it
    equals the interaction information.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : sequence of int or of axis groups, optional
        The variables: ``None`` makes every axis one variable; ``[(0, 1), 2]`` treats
        axes 0 and 1 as one joint variable.  At least two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        :math:`\Omega` in units of ``base`` (any sign).

    References
    ----------
    Rosas, F., Mediano, P., Gastpar, M. & Jensen, H. (2019). Quantifying high-order
    interdependencies via multivariate extensions of the mutual information. Phys. Rev. E.

    Examples
    --------
    >>> xor = np.zeros((2, 2, 2)); xor[0,0,0]=xor[0,1,1]=xor[1,0,1]=xor[1,1,0]=0.25
    >>> round(o_information(xor, base=2), 12)
    -1.0
    """
    return total_correlation(p, axes, base=base, normalize=normalize) - dual_total_correlation(
        p, axes, base=base, normalize=normalize
    )


def s_information(p: Any, axes: Any = None, *, base: Base = "e", normalize: bool = False) -> float:
    r"""S-information :math:`\Sigma = TC + DTC = \sum_i I(X_i; X_{-i})`.

    Parameters
    ----------
    p : array_like
        Joint pmf, one axis per variable (must sum to 1 unless ``normalize=True``).
    axes : sequence of int or of axis groups, optional
        The variables: ``None`` makes every axis one variable; ``[(0, 1), 2]`` treats
        axes 0 and 1 as one joint variable.  At least two variables.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.
    normalize : bool
        Explicit opt-in to divide ``p`` by its sum.

    Returns
    -------
    float
        :math:`\Sigma \ge 0` in units of ``base``.

    References
    ----------
    Rosas et al. (2019), Phys. Rev. E 100, 032305.

    Examples
    --------
    >>> xor = np.zeros((2, 2, 2)); xor[0,0,0]=xor[0,1,1]=xor[1,0,1]=xor[1,1,0]=0.25
    >>> round(s_information(xor, base=2), 12)
    3.0
    """
    return total_correlation(p, axes, base=base, normalize=normalize) + dual_total_correlation(
        p, axes, base=base, normalize=normalize
    )


def binary_entropy(q: Any, *, base: Base = "e") -> Any:
    r"""Binary entropy :math:`h(q) = -q\log q - (1-q)\log(1-q)`, with :math:`h(0)=h(1)=0`.

    Accepts a scalar or an array of probabilities in [0, 1].

    Parameters
    ----------
    q : float or array_like
        Probabilities in [0, 1].
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float or ndarray
        :math:`h(q)` in units of ``base`` (a float for scalar input).

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.1, eq. (2.5).

    Examples
    --------
    >>> binary_entropy(0.5, base=2)
    1.0
    """
    lb = log_base(base)
    arr = np.asarray(q, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"q must lie in [0, 1]; got {q!r}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(
            np.where(arr > 0, arr * np.log(arr), 0.0)
            + np.where(arr < 1, (1 - arr) * np.log1p(-arr), 0.0)
        )
    h = np.maximum(h, 0.0) / lb
    return float(h) if h.ndim == 0 else h


def inverse_binary_entropy(h: float, *, base: Base = "e", branch: str = "lower") -> float:
    r"""Inverse of the binary entropy: the :math:`q` with :math:`h(q) = h`.

    ``branch="lower"`` returns the root in [0, 1/2], ``"upper"`` the root in [1/2, 1].
    ``h`` must lie in ``[0, log 2]`` (in units of ``base``); values above the maximum by
    less than 1e-12 (round-off) are accepted.  Exact at the ends: ``h = 0`` gives 0 (or 1),
    ``h = log 2`` gives 1/2.

    Parameters
    ----------
    h : float
        Entropy value in [0, log 2], in units of ``base``.
    base : "e", 2, 10 or float > 1
        Logarithm base of ``h``; nats by default.
    branch : {"lower", "upper"}
        Which of the two roots to return.

    Returns
    -------
    float
        The probability :math:`q`.

    References
    ----------
    Cover & Thomas (2006), *Elements of Information Theory*, 2nd ed., section 2.10 (Fano's inequality, where the inverse appears).

    Examples
    --------
    >>> round(inverse_binary_entropy(1.0, base=2), 12)
    0.5
    >>> round(inverse_binary_entropy(binary_entropy(0.11)), 12)
    0.11
    """
    lb = log_base(base)
    if branch not in ("lower", "upper"):
        raise ValueError(f"branch must be 'lower' or 'upper'; got {branch!r}.")
    hn = float(h) * lb
    ln2 = math.log(2.0)
    if not math.isfinite(hn) or hn < -1e-12 or hn > ln2 + 1e-12:
        raise ValueError(f"h={h!r} is outside [0, log 2] (in the units of base={base!r}).")
    hn = min(max(hn, 0.0), ln2)
    if hn == 0.0:
        q = 0.0
    elif hn == ln2:
        q = 0.5
    else:
        def f(x: float) -> float:
            return -(x * math.log(x) + (1 - x) * math.log1p(-x)) - hn

        lo = 1e-300
        if f(lo) >= 0.0:
            # h so small that the root lies below 1e-300: solve h = q (1 - log q) + O(q^2)
            # by fixed-point iteration (contracting since |d/dq| = h/(q(1-log q)^2) << 1).
            q = hn
            for _ in range(100):
                q_new = hn / (1.0 - math.log(q)) if q > 0 else 0.0
                if q_new == q:
                    break
                q = q_new
        else:
            from scipy.optimize import brentq  # lazy: scipy.optimize takes ~0.3 s to import

            # xtol must be far below the root for a relative accuracy near machine
            # precision when the root is tiny (an absolute 1e-15 would not do for q ~ 1e-20).
            q = brentq(f, lo, 0.5, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)
    return 1.0 - q if branch == "upper" else q


