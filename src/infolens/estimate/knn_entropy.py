r"""The Kozachenko–Leonenko k-nearest-neighbour entropy estimator (``"kozachenko_leonenko"``).

Part of the k-NN family (:mod:`infolens.estimate.knn` describes the method, duplicates,
deterministic relations and magnitudes); the neighbour search is in
:mod:`~infolens.estimate._knn_core`.

References
----------
Kozachenko, L. F. & Leonenko, N. N. (1987). Sample estimate of the entropy of a random
vector. *Problems of Information Transmission* 23(2), 95--101.
Kraskov, A., Stögbauer, H. & Grassberger, P. (2004). Estimating mutual information.
*Physical Review E* 69, 066138.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma

from ._knn_core import (
    _check_duplicates,
    _log_unit_ball,
    _metric_p,
    _neighbours,
    _rescale,
)
from ._records import register


@register(
    "entropy", "kozachenko_leonenko", kinds=("continuous",), params={"k": 3, "metric": "chebyshev", "duplicates": "unique"},
    reference="Kozachenko & Leonenko (1987), Probl. Inf. Transm. 23:95; Kraskov et al. (2004) eq. 20",
    scale="covariant",
)
def _kl_entropy(
    x: np.ndarray, *, k: int = 3, metric: str = "chebyshev", duplicates: str = "unique"
) -> float:
    r"""Kozachenko--Leonenko k-nearest-neighbour estimate of differential entropy (nats).

    .. math::
        \hat h(X) = \psi(N) - \psi(k) + \log V_d + \frac{d}{N}\sum_{i=1}^N \log \rho_i

    where :math:`\rho_i` is the distance from :math:`x_i` to its ``k``-th nearest
    neighbour and :math:`V_d` the volume of the unit ball of the norm
    (:math:`2^d` for the max norm, :math:`\pi^{d/2}/\Gamma(d/2+1)` for the Euclidean).

    Parameters
    ----------
    x : ndarray, shape (n, d)
        Samples (float64).
    k : int, default 3
        Neighbour order, ``1 <= k < n``.
    metric : {"chebyshev", "euclidean"}
        Norm for the distances; the estimate is consistent for both.
    duplicates : {"unique", "keep"}
        What to do with exactly repeated rows (see the module docstring).

    Returns
    -------
    float
        Differential entropy in nats (may be negative).

    Raises
    ------
    ValueError
        ``k >= n``, or a column that is constant: its differential entropy is
        :math:`-\infty` (no density), which no finite estimate can represent.  Columns
        that are functions of one another (a sample on a lower-dimensional set) are not
        detected: the estimate is finite and falls with ``n`` (module docstring).

    References
    ----------
    Kozachenko & Leonenko (1987); Kraskov, Stögbauer & Grassberger (2004), eq. (20).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(5000, 2))
    >>> bool(abs(_kl_entropy(x) - np.log(2 * np.pi * np.e)) < 0.1)   # h(N(0, I_2))
    True
    """
    p = _metric_p(metric)
    duplicates = _check_duplicates(duplicates)
    (x,), log_s = _rescale(x)  # h(X) = h(X / s) + d log s
    const = np.flatnonzero(np.ptp(x, axis=0) == 0)
    if const.size:
        raise ValueError(
            f"x: column(s) {const.tolist()} are constant, so x has no density and its "
            "differential entropy is -inf. Drop constant columns (they carry no "
            "information) or use a discrete entropy estimator."
        )
    x, k, rho, _ = _neighbours(x, k, duplicates, "kozachenko_leonenko", p=p)
    n, d = x.shape
    if (rho == 0).any():
        raise ValueError(
            "x: some samples coincide with their k-th neighbour (distance 0), so the "
            "log-distance is -inf; use duplicates='unique' or a larger k."
        )
    return float(
        digamma(n) - digamma(k) + _log_unit_ball(d, p) + d * np.mean(np.log(rho)) + d * log_s
    )
