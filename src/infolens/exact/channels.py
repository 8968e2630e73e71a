r"""Discrete memoryless channels: channel matrices, mutual information and capacity.

A channel is a row-stochastic matrix ``W`` with ``W[x, y] = P(Y = y | X = x)``: one row
per input symbol, one column per output symbol, each row a probability distribution.
Given an input pmf ``p``, the output pmf is ``p @ W`` and

.. math:: I(X;Y) = \sum_x p(x)\, D\big(W(\cdot|x)\,\|\,q\big), \qquad q = pW .

The capacity :math:`C = \max_p I(X;Y)` is computed by the Blahut–Arimoto algorithm,
which also certifies its answer with the upper bound :math:`\max_x D(W(\cdot|x)\|q)`.

Dropout is modelled, as in the information-theoretic reading of it, as an erasure
channel: a unit's value passes unchanged with probability :math:`1-p` and is replaced
by a distinguishable "dropped" symbol with probability :math:`p`, which gives
:math:`I(T;Y) = (1-p) H(Y)`.

All information values are plain floats in units of ``base`` (nats by default).

References
----------
Cover, T. M. & Thomas, J. A. (2006). *Elements of Information Theory*, 2nd ed., Wiley,
chapter 7 (channel capacity; BSC 7.1.4, BEC 7.1.5) and chapter 9 (Gaussian channel).
Blahut, R. E. (1972). Computation of channel capacity and rate-distortion functions.
IEEE Trans. Inf. Theory 18(4), 460–473.
Arimoto, S. (1972). An algorithm for computing the capacity of arbitrary discrete
memoryless channels. IEEE Trans. Inf. Theory 18(1), 14–20.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import (
    as_array,
    check_finite_array,
    check_pmf,
    check_positive_int,
    check_probability,
)
from ..units import Base, log_base, unit_name

__all__ = [
    "channel",
    "binary_symmetric",
    "binary_erasure",
    "erasure_channel",
    "z_channel",
    "dropout_channel",
    "output_distribution",
    "mutual_information",
    "capacity",
    "CapacityResult",
    "ConvergenceWarning",
    "awgn_capacity",
    "erasure_information",
]


class ConvergenceWarning(UserWarning):
    """An iterative computation stopped at ``max_iter`` before reaching ``tol``."""


def _check_channel(matrix: Any, name: str = "channel", *, atol: float = 1e-9) -> np.ndarray:
    W = np.array(as_array(matrix, name), dtype=np.float64, copy=True)
    if W.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D matrix W[x, y] = P(y | x) (one row per input symbol); "
            f"got shape {W.shape}."
        )
    if W.size == 0:
        raise ValueError(
            f"{name} is empty (shape {W.shape}); it needs at least one input and one output."
        )
    check_finite_array(W, name)
    neg = np.argwhere(W < 0)
    if neg.size:
        i, j = (int(v) for v in neg[0])
        raise ValueError(
            f"{name} row {i} (input symbol {i}) has a negative entry {W[i, j]:.3g} in column {j}; "
            "each row must be a probability distribution over the outputs."
        )
    sums = W.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > atol * max(1.0, math.sqrt(W.shape[1])))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name} row {i} (input symbol {i}) sums to {sums[i]:.12g}, not 1; each row "
            "W[x, :] must be the distribution P(Y | X = x). "
            f"({bad.size} row(s) are off; nothing is renormalised silently.)"
        )
    return W


def channel(matrix: Any) -> np.ndarray:
    r"""Validate a user channel matrix :math:`W[x, y] = P(Y=y \mid X=x)`.

    Every row must be a probability distribution: finite, non-negative entries summing
    to 1 (within ``1e-9``).  The error names the first offending row.

    Parameters
    ----------
    matrix : array_like, shape (n_inputs, n_outputs)
        Row-stochastic matrix.

    Returns
    -------
    ndarray
        A float64 copy of the matrix (the input is never modified).

    References
    ----------
    Cover & Thomas (2006), section 7.1 (discrete memoryless channels).

    Examples
    --------
    >>> channel([[0.9, 0.1], [0.2, 0.8]])
    array([[0.9, 0.1],
           [0.2, 0.8]])
    """
    return _check_channel(matrix, "channel")


def binary_symmetric(p: float) -> np.ndarray:
    r"""Binary symmetric channel with crossover probability ``p``:
    :math:`W = \begin{pmatrix}1-p & p\\ p & 1-p\end{pmatrix}`.

    Its capacity is :math:`\log 2 - h(p)`, reached by the uniform input.

    Parameters
    ----------
    p : float in [0, 1]
        Crossover (bit-flip) probability.

    Returns
    -------
    ndarray, shape (2, 2)
        Row-stochastic channel matrix ``W[x, y] = P(y | x)``.

    References
    ----------
    Cover & Thomas (2006), section 7.1.4.

    Examples
    --------
    >>> binary_symmetric(0.1)
    array([[0.9, 0.1],
           [0.1, 0.9]])
    """
    q = check_probability(p, "p")
    return np.array([[1.0 - q, q], [q, 1.0 - q]])


def erasure_channel(p: float, *, n_inputs: int = 2) -> np.ndarray:
    r"""M-ary erasure channel: each input symbol arrives intact with probability
    :math:`1-p` and is replaced by the erasure symbol with probability :math:`p`.

    Outputs are the ``n_inputs`` symbols followed by the erasure symbol (last column),
    so the matrix has shape ``(n_inputs, n_inputs + 1)``.  For any input pmf,
    :math:`I(X;Y) = (1-p) H(X)`, and the capacity is :math:`(1-p)\log M`.

    Parameters
    ----------
    p : float in [0, 1]
        Erasure probability.
    n_inputs : int >= 1
        Size of the input alphabet.

    References
    ----------
    Cover & Thomas (2006), section 7.1.5 (binary case).

    Examples
    --------
    >>> erasure_channel(0.25, n_inputs=3)
    array([[0.75, 0.  , 0.  , 0.25],
           [0.  , 0.75, 0.  , 0.25],
           [0.  , 0.  , 0.75, 0.25]])
    """
    q = check_probability(p, "p")
    n = check_positive_int(n_inputs, "n_inputs")
    W = np.zeros((n, n + 1))
    W[np.arange(n), np.arange(n)] = 1.0 - q
    W[:, n] = q
    return W


def binary_erasure(p: float) -> np.ndarray:
    r"""Binary erasure channel with erasure probability ``p``.

    Output alphabet ``(0, 1, erased)``:
    :math:`W = \begin{pmatrix}1-p & 0 & p\\ 0 & 1-p & p\end{pmatrix}`.
    Capacity :math:`(1-p)\log 2`, reached by the uniform input.

    Parameters
    ----------
    p : float in [0, 1]
        Erasure probability.

    Returns
    -------
    ndarray, shape (2, 3)
        Row-stochastic channel matrix ``W[x, y] = P(y | x)``.

    References
    ----------
    Cover & Thomas (2006), section 7.1.5.

    Examples
    --------
    >>> binary_erasure(0.5)
    array([[0.5, 0. , 0.5],
           [0. , 0.5, 0.5]])
    """
    return erasure_channel(p, n_inputs=2)


def z_channel(p: float) -> np.ndarray:
    r"""Z channel: input 0 is always received as 0, input 1 flips to 0 with probability
    ``p``: :math:`W = \begin{pmatrix}1 & 0\\ p & 1-p\end{pmatrix}`.

    Its capacity is :math:`\log\left(1 + (1-p)\,p^{p/(1-p)}\right)` for :math:`p<1`.

    Parameters
    ----------
    p : float in [0, 1]
        Probability that a transmitted 1 is received as 0.

    Returns
    -------
    ndarray, shape (2, 2)
        Row-stochastic channel matrix ``W[x, y] = P(y | x)``.

    References
    ----------
    Golomb, S. W. (1980). The limiting behavior of the Z-channel. IEEE Trans. Inf.
    Theory 26(3), 372.

    Examples
    --------
    >>> z_channel(0.5)
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    q = check_probability(p, "p")
    return np.array([[1.0, 0.0], [q, 1.0 - q]])


def dropout_channel(
    p: float, *, n_inputs: int = 2, zero_symbol: int | None = None
) -> np.ndarray:
    r"""Dropout on a unit with ``n_inputs`` possible values, as a channel matrix.

    With ``zero_symbol=None`` (the default) a dropped unit is a distinguishable
    "dropped" symbol: the channel is the erasure channel of :func:`erasure_channel`
    and :math:`I(T;Y) = (1-p) H(Y)` for a unit that carries :math:`Y` exactly.

    With ``zero_symbol=k`` the dropped output is the same as input symbol ``k`` (the
    unit's value 0, as in an implementation that multiplies by a 0/1 mask): output
    alphabet = input alphabet, row ``x != k`` sends ``(1-p)`` to ``x`` and ``p`` to
    ``k``.  A receiver can then no longer tell "dropped" from "was 0", so the
    information is at most :math:`(1-p) H(Y)`.  For two symbols and ``zero_symbol=0``
    this is the Z channel.

    Parameters
    ----------
    p : float in [0, 1]
        Dropout probability.
    n_inputs : int >= 1
        Number of values the unit can take.
    zero_symbol : int, optional
        Index of the input symbol a dropped unit becomes (see above).

    References
    ----------
    Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. & Salakhutdinov, R.
    (2014). Dropout: a simple way to prevent neural networks from overfitting. JMLR 15.
    Cover & Thomas (2006), section 7.1.5 (erasure channel).

    Examples
    --------
    >>> dropout_channel(0.5, n_inputs=2, zero_symbol=0)
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    if zero_symbol is None:
        return erasure_channel(p, n_inputs=n_inputs)
    q = check_probability(p, "p")
    n = check_positive_int(n_inputs, "n_inputs")
    if isinstance(zero_symbol, bool) or not isinstance(zero_symbol, (int, np.integer)):
        raise TypeError(f"zero_symbol must be an int index or None; got {zero_symbol!r}.")
    if not 0 <= int(zero_symbol) < n:
        raise ValueError(f"zero_symbol={zero_symbol} is out of range for n_inputs={n}.")
    k = int(zero_symbol)
    W = np.eye(n) * (1.0 - q)
    W[:, k] += q
    W[k, :] = 0.0
    W[k, k] = 1.0
    return W


def _check_input(input_pmf: Any, W: np.ndarray) -> np.ndarray:
    p = check_pmf(input_pmf, "input_pmf")
    if p.ndim != 1:
        raise ValueError(
            f"input_pmf must be a 1-D pmf over the channel's input symbols; got shape {p.shape}."
        )
    if p.shape[0] != W.shape[0]:
        raise ValueError(
            f"input_pmf has {p.shape[0]} entries but channel has {W.shape[0]} rows (input "
            "symbols); they must match."
        )
    return p


def _row_wlogw(W: np.ndarray) -> np.ndarray:
    """sum_y W(y|x) log W(y|x) for every row x (0 log 0 = 0), i.e. -H(Y | X = x)."""
    logW = np.log(W, where=W > 0, out=np.zeros_like(W))
    return (W * logW).sum(axis=1)


def _divergences(W: np.ndarray, q: np.ndarray, wlogw: np.ndarray) -> np.ndarray:
    """D(W[x, :] || q) for every row x, in nats: sum_y W log W - sum_y W log q.

    0 log 0 = 0; ``inf`` for a row that puts mass where ``q = 0``.
    """
    pos = q > 0
    logq = np.log(q, where=pos, out=np.zeros_like(q))
    D = wlogw - W @ logq
    if not pos.all():
        D[(W[:, ~pos] > 0).any(axis=1)] = np.inf
    return D


def output_distribution(input_pmf: Any, channel: Any) -> np.ndarray:
    r"""Output pmf :math:`q(y) = \sum_x p(x) W(y|x)`, i.e. ``input_pmf @ channel``.

    Parameters
    ----------
    input_pmf : array_like, shape (n_inputs,)
        Input distribution (must sum to 1).
    channel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic channel matrix.

    Returns
    -------
    ndarray, shape (n_outputs,)

    References
    ----------
    Cover & Thomas (2006), section 7.1.

    Examples
    --------
    >>> output_distribution([0.5, 0.5], binary_erasure(0.2))
    array([0.4, 0.4, 0.2])
    """
    W = _check_channel(channel)
    p = _check_input(input_pmf, W)
    return p @ W


def mutual_information(input_pmf: Any, channel: Any, *, base: Base = "e") -> float:
    r"""Mutual information between a channel's input and output,
    :math:`I(X;Y) = \sum_{x,y} p(x) W(y|x) \log\frac{W(y|x)}{q(y)}`, :math:`q = pW`.

    Parameters
    ----------
    input_pmf : array_like, shape (n_inputs,)
        Input distribution (must sum to 1).
    channel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic channel matrix.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        :math:`I(X;Y) \ge 0` in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), sections 2.4 and 7.1.

    Examples
    --------
    >>> round(mutual_information([0.5, 0.5], binary_erasure(0.25), base=2), 12)
    0.75
    """
    lb = log_base(base)
    W = _check_channel(channel)
    p = _check_input(input_pmf, W)
    q = p @ W
    D = _divergences(W, q, _row_wlogw(W))
    used = p > 0
    val = float(np.dot(p[used], D[used]))
    return max(val, 0.0) / lb


def _newton_polish(
    W: np.ndarray,
    wlogw: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    D: np.ndarray,
    *,
    rounds: int = 40,
    max_support: int = 400,
) -> np.ndarray:
    """Active-set Newton steps for max_p I(p;W) on a face of the simplex.

    With q = pW, I(p;W) = sum_x p(x) sum_y W log W + H(q): its gradient is D_x - 1 and
    its Hessian -sum_y W(y|x) W(y|x') / q(y) has rank at most rank(W_S) on a support
    S.  Each round does one of two things.

    * If the rows of W on S are linearly dependent (numerically: a singular value
      below 1e-10 of the largest), a direction v with v W_S ~ 0 leaves q unchanged,
      so I changes linearly along it, by sum_x v_x D_x; the round moves along +-v
      (the side on which I grows) until an input's probability reaches 0 and leaves
      S (a Caratheodory reduction: an optimal input needs at most rank(W) symbols).
    * Otherwise it takes the equality-constrained Newton step (the step sums to 0),
      shortened so that no probability turns negative.

    After each round the outside input of largest divergence joins S when that
    divergence exceeds I(p;W) (the KKT condition for it fails).  This converges in a
    few rounds where Blahut–Arimoto crawls, e.g. with two nearly identical channel
    rows.  Returns the input pmf of smallest certified gap max_x D_x - I(p;W) seen,
    ``p`` itself when none is better; the caller keeps it only if its gap is smaller.
    """
    S = p > 1e-9 * p.max()
    used = p > 0
    best_gap, best = float(D.max() - np.dot(p[used], D[used])), p
    for _ in range(rounds):
        idx = np.flatnonzero(S)
        k = idx.size
        if k > max_support:
            break
        pos = q > 0
        Ws = W[np.ix_(idx, pos)]
        U, sv, _ = np.linalg.svd(Ws, full_matrices=True)
        if k > 1 and (k > sv.size or sv[-1] <= 1e-10 * sv[0]):
            v = U[:, -1]
            if np.dot(v, D[idx]) < 0:
                v = -v
            drop = v < 0
            if not drop.any():
                break
            t = float(np.min(-p[idx][drop] / v[drop]))
            new = p.copy()
            new[idx] = p[idx] + t * v
            new[idx[drop][np.argmin(-p[idx][drop] / v[drop])]] = 0.0
        else:
            K = np.zeros((k + 1, k + 1))
            K[:k, :k] = -(Ws / q[pos]) @ Ws.T
            K[:k, k] = 1.0
            K[k, :k] = 1.0
            rhs = np.concatenate([-D[idx], [0.0]])
            step = np.linalg.lstsq(K, rhs, rcond=None)[0][:k]
            if not np.all(np.isfinite(step)):
                break
            shrink = step < 0
            t = 1.0
            if shrink.any():
                t = min(1.0, float(np.min(-p[idx][shrink] / step[shrink])))
            new = p.copy()
            new[idx] = p[idx] + t * step
        new = np.maximum(new, 0.0)
        total = new.sum()
        if not total > 0:
            break
        p = new / total
        q = p @ W
        D = _divergences(W, q, wlogw)
        S = p > 0
        low = float(np.dot(p[S], D[S]))
        gap = float(D.max()) - low
        if gap < best_gap:
            best_gap, best = gap, p
        if gap <= 1e-15:
            break
        outside = ~S & (D > low)
        if outside.any():
            x = int(np.argmax(np.where(outside, D, -np.inf)))
            S[x] = True
            if not np.isfinite(D[x]):
                # x puts mass where q = 0: give it a little probability so that the
                # Hessian is defined on every output S reaches
                p = 0.999 * p
                p[x] += 1e-3
                q = p @ W
                D = _divergences(W, q, wlogw)
    return best


@dataclass(frozen=True)
class CapacityResult:
    """Result of :func:`capacity`.

    Attributes
    ----------
    capacity : float
        :math:`I(p^*;W)` for the returned input pmf: an achievable rate, hence a lower
        bound on the capacity, within ``gap`` of it.
    input_pmf : ndarray
        The capacity-achieving input distribution found.
    output_pmf : ndarray
        The output distribution it induces.
    iterations : int
        Blahut–Arimoto updates made (0 when the uniform input is already optimal to
        within ``tol``).
    upper_bound : float
        :math:`\\max_x D(W(\\cdot|x)\\|q)`, an upper bound on the capacity.
    gap : float
        ``upper_bound - capacity`` (the certified error).
    converged : bool
        Whether ``gap <= tol`` was reached within ``max_iter``.
    unit : str
        Unit of ``capacity``, ``upper_bound`` and ``gap``.
    """

    capacity: float
    input_pmf: np.ndarray
    output_pmf: np.ndarray
    iterations: int
    upper_bound: float
    gap: float
    converged: bool
    unit: str

    def __float__(self) -> float:
        return float(self.capacity)


def capacity(
    channel: Any,
    *,
    tol: float = 1e-10,
    max_iter: int = 100_000,
    accelerate: bool = True,
    base: Base = "e",
) -> CapacityResult:
    r"""Capacity :math:`C = \max_p I(X;Y)` of a discrete memoryless channel by the
    Blahut–Arimoto algorithm.

    Starting from the uniform input, each iteration computes the output pmf
    :math:`q_t = p_t W`, the divergences :math:`D_x = D(W(\cdot|x)\|q_t)` and updates
    :math:`p_{t+1}(x) \propto p_t(x)\, e^{D_x}`.  For every :math:`p_t`,

    .. math:: I(p_t; W) \le C \le \max_x D_x ,

    so the iteration stops when the gap :math:`\max_x D_x - I(p_t;W) \le` ``tol``
    (a certificate, not a heuristic).

    With ``accelerate=True`` each iteration also tries the over-relaxed step
    :math:`p_{t+1}(x) \propto p_t(x)\, e^{\mu D_x}` with :math:`\mu > 1` (Matz &
    Duhamel 2004) and keeps whichever of the two candidates has the larger
    :math:`I(p_{t+1};W)`; :math:`\mu` doubles while the over-relaxed step wins and
    shrinks when it loses.  The lower bound therefore never falls behind a plain
    Blahut–Arimoto step from the same point.  It matters on near-degenerate channels
    (an input whose divergence is barely below capacity), where the plain iteration
    drives that input's probability to 0 only slowly.  Also with ``accelerate=True``,
    at iterations 64, 128, 256, ... an active-set Newton step on the current support
    is tried and kept when its certified gap is smaller; it closes the gap in a few
    steps on channels with two nearly identical rows, where both iterations above
    crawl (the gap is still the stopping rule, so the result stays certified).

    Parameters
    ----------
    channel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic channel matrix.
    tol : float > 0
        Stop when the certified gap is at most ``tol`` (in units of ``base``).
    max_iter : int
        Iteration cap; reaching it emits a :class:`ConvergenceWarning` and the result
        has ``converged=False`` (its bounds still hold).
    accelerate : bool
        Try an over-relaxed step at each iteration and the Newton polish (see above);
        ``False`` runs the plain algorithm.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    CapacityResult
        ``capacity``, ``input_pmf``, ``output_pmf``, ``iterations``, ``upper_bound``,
        ``gap``, ``converged``, ``unit``.  ``float(result)`` is the capacity.

    References
    ----------
    Blahut (1972); Arimoto (1972); Cover & Thomas (2006), section 10.8.
    Matz, G. & Duhamel, P. (2004). Information geometric formulation and interpretation
    of accelerated Blahut–Arimoto-type algorithms. Proc. IEEE Information Theory
    Workshop, 66–70.

    Examples
    --------
    >>> res = capacity(binary_symmetric(0.11), base=2)
    >>> round(res.capacity, 6), res.input_pmf.round(6).tolist()
    (0.500084, [0.5, 0.5])
    """
    lb = log_base(base)
    W = _check_channel(channel)
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (
        math.isfinite(tol) and tol > 0
    ):
        raise ValueError(f"tol must be a positive finite number; got {tol!r}.")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol_nats = tol * lb
    n = W.shape[0]
    wlogw = _row_wlogw(W)

    def evaluate(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
        q = p @ W
        D = _divergences(W, q, wlogw)
        used = p > 0  # 0 * D_x = 0 even where D_x = inf
        return p, q, D, float(np.dot(p[used], D[used])), float(D.max())

    def step(p: np.ndarray, D: np.ndarray, upper: float, mu: float) -> np.ndarray:
        # p(x) <- p(x) exp(mu (D_x - max D)), kept >= 1e-300 so that no input is lost
        # for good to underflow (a change of at most n * 1e-300 in any sum).
        new = p * np.exp(np.maximum(mu * (D - upper), -700.0))
        new = np.maximum(new / new.sum(), 1e-300)
        return new / new.sum()

    p, q, D, lower, upper = evaluate(np.full(n, 1.0 / n))
    mu = 2.0
    converged = False
    it = 0
    while True:
        if upper - lower <= tol_nats:
            converged = True
            break
        if it >= max_iter:
            break
        if accelerate and it >= 64 and it & (it - 1) == 0:
            # at iterations 64, 128, 256, ...: a Newton polish on the current support
            polished = evaluate(_newton_polish(W, wlogw, p, q, D))
            if polished[4] - polished[3] < upper - lower:
                if polished[4] - polished[3] <= tol_nats:
                    p, q, D, lower, upper = polished
                    converged = True
                    break
                # go on from it, with no input at exactly 0: the multiplicative
                # update could take millions of steps to revive an input from 1e-300
                p, q, D, lower, upper = evaluate((polished[0] + 1e-12) / (1.0 + n * 1e-12))
        it += 1
        plain = evaluate(step(p, D, upper, 1.0))
        if accelerate:
            fast = evaluate(step(p, D, upper, mu))
            if fast[3] >= plain[3]:
                p, q, D, lower, upper = fast
                mu = min(2.0 * mu, 1e12)
                continue
            mu = max(2.0, mu / 4.0)
        p, q, D, lower, upper = plain
    if not converged:
        warnings.warn(
            f"Blahut–Arimoto stopped after max_iter={max_iter} iterations with a gap of "
            f"{(upper - lower) / lb:.3g} {unit_name(base)} > tol={tol}; the returned "
            "capacity and upper_bound still bracket the true value. Raise max_iter or tol.",
            ConvergenceWarning,
            stacklevel=2,
        )
    lower = max(lower, 0.0)
    return CapacityResult(
        capacity=lower / lb,
        input_pmf=p,
        output_pmf=q,
        iterations=it,
        upper_bound=upper / lb,
        gap=max(upper - lower, 0.0) / lb,
        converged=converged,
        unit=unit_name(base),
    )


def awgn_capacity(snr: Any, *, base: Base = "e") -> Any:
    r"""Capacity of the additive white Gaussian noise channel per real channel use,
    :math:`C = \tfrac12 \log(1 + \mathrm{SNR})`, with :math:`\mathrm{SNR} = P/N` the
    (linear, not dB) ratio of the input power constraint to the noise variance.

    Reached by a Gaussian input :math:`X \sim \mathcal N(0, P)`.

    Parameters
    ----------
    snr : float or array_like, >= 0
        Signal-to-noise power ratio(s).
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float or ndarray
        Capacity in units of ``base`` per channel use (a float for scalar input).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication; Cover & Thomas
    (2006), section 9.1.

    Examples
    --------
    >>> awgn_capacity(3.0, base=2)
    1.0
    """
    lb = log_base(base)
    s = np.array(as_array(snr, "snr"), dtype=np.float64, copy=True)
    check_finite_array(s, "snr")
    if np.any(s < 0):
        bad = s.flat[int(np.argmax(s < 0))]
        raise ValueError(f"snr must be >= 0 (a linear power ratio, not dB); got {bad!r}.")
    val = 0.5 * np.log1p(s) / lb
    return float(val) if val.ndim == 0 else val


def erasure_information(
    target_pmf: Any, p: float, *, copies: int = 1, base: Base = "e"
) -> float:
    r"""Information a unit keeps about its target under dropout modelled as erasure,
    :math:`I(Y; T_1,\dots,T_n) = (1-p^n)\, H(Y)`.

    Each of the ``copies`` :math:`T_i` is an independent erasure of :math:`Y` with
    probability :math:`p`; :math:`Y` is revealed unless all :math:`n` are erased.  For
    ``copies=1`` this is the seed's :math:`I(T;Y) = (1-p) H(Y)`.  The tests check this
    closed form against :func:`mutual_information` of the erasure channel matrix.

    Parameters
    ----------
    target_pmf : array_like, shape (k,)
        Pmf of the target :math:`Y`.
    p : float in [0, 1]
        Dropout (erasure) probability.
    copies : int >= 1
        Number of independently dropped copies of the unit.
    base : "e", 2, 10 or float > 1
        Logarithm base; nats by default.

    Returns
    -------
    float
        Mutual information in units of ``base``.

    References
    ----------
    Cover & Thomas (2006), section 7.1.5; Srivastava et al. (2014), JMLR 15.

    Examples
    --------
    >>> erasure_information([0.5, 0.5], 0.25, base=2)
    0.75
    """
    lb = log_base(base)
    y = check_pmf(target_pmf, "target_pmf")
    if y.ndim != 1:
        raise ValueError(f"target_pmf must be 1-D; got shape {y.shape}.")
    q = check_probability(p, "p")
    n = check_positive_int(copies, "copies")
    pos = y[y > 0]
    h = float(-np.sum(pos * np.log(pos)))
    return max((1.0 - q**n) * h, 0.0) / lb
