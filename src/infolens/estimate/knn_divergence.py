r"""The k-nearest-neighbour estimator of the KL divergence from two samples (``"knn"``).

Part of the k-NN family (:mod:`infolens.estimate.knn` describes the method, duplicates
and magnitudes); the neighbour search is in :mod:`~infolens.estimate._knn_core`.

References
----------
Wang, Q., Kulkarni, S. R. & Verdú, S. (2009). Divergence estimation for multidimensional
densities via k-nearest-neighbor distances. *IEEE Trans. Information Theory* 55(5),
2392--2405.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import digamma

from ._knn_core import (
    _check_duplicates,
    _dedupe,
    _neighbours,
    _rescale,
    _tree,
)
from ._records import register


@register(
    "kl", "knn", kinds=("continuous",), params={"k": 1, "duplicates": "unique"},
    reference="Wang, Kulkarni & Verdú (2009), IEEE Trans. Inf. Theory 55:2392",
    scale="invariant",
)
def _knn_kl_divergence(
    x: np.ndarray, y: np.ndarray, *, k: int = 1, duplicates: str = "unique"
) -> float:
    r"""k-NN estimate of the KL divergence :math:`D(p\,\|\,q)` from samples (nats).

    .. math::
        \hat D(p\|q) = \frac{d}{n}\sum_{i=1}^n \log\frac{\nu_{l_i}(i)}{\rho_k(i)}
            + \frac1n\sum_{i=1}^n \big[\psi(k) - \psi(l_i)\big] + \log\frac{m}{n-1}

    with ``x`` (n samples) drawn from :math:`p`, ``y`` (m samples) from :math:`q`,
    :math:`\rho_k(i)` the Euclidean distance from :math:`x_i` to its ``k``-th neighbour
    among the other :math:`x_j`, and :math:`\nu_{l}(i)` the distance to its ``l``-th
    neighbour among the :math:`y_j`.  Normally :math:`l_i=k` and the digamma term
    vanishes; where :math:`x_i` coincides exactly with a sample of ``y`` (quantised
    data), :math:`l_i=k+1` so that :math:`\nu>0` -- the data-dependent neighbour orders
    allowed by Wang et al. (2009), Sec. III.

    Parameters
    ----------
    x : ndarray, shape (n, d)
        Samples of p.
    y : ndarray, shape (m, d)
        Samples of q (the number of rows may differ from ``x``).
    k : int, default 1
    duplicates : {"unique", "keep"}
        Repeated rows within ``x`` or within ``y`` (module docstring).

    Returns
    -------
    float
        Divergence in nats (the estimate can be slightly negative when p = q).

    References
    ----------
    Wang, Kulkarni & Verdú (2009), eq. (5) and Sec. III.
    """
    duplicates = _check_duplicates(duplicates)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"x and y must have the same number of columns (dimensions); got {x.shape[1]} and {y.shape[1]}."
        )
    (x, y), _ = _rescale(x, y)  # the same scale for both samples: D is unchanged
    y = _dedupe(y, duplicates, "knn KL divergence (y)")
    x, k, rho, _ = _neighbours(x, k, duplicates, "knn KL divergence (x)", p=2.0)
    n, d = x.shape
    m = y.shape[0]
    if k > m:
        raise ValueError(f"k={k} neighbours need at least k samples of y; got {m}.")
    if (rho == 0).any():
        raise ValueError(
            "x: some samples coincide with their k-th neighbour; use duplicates='unique'."
        )
    ytree = _tree(y)
    nu = ytree.query(x, k=[k], p=2.0, workers=-1)[0][:, 0]
    l = np.full(n, float(k))
    zero = nu == 0
    if zero.any():
        if k + 1 > m:
            raise ValueError("x and y coincide and y has too few samples to look past them.")
        nu[zero] = ytree.query(x[zero], k=[k + 1], p=2.0, workers=-1)[0][:, 0]
        l[zero] = k + 1
        if (nu == 0).any():
            raise ValueError(
                "x: samples coincide with several samples of y; remove repeats "
                "(duplicates='unique') or use a discrete estimator."
            )
    return float(
        d * np.mean(np.log(nu) - np.log(rho))
        + np.mean(digamma(k) - digamma(l))
        + math.log(m / (n - 1.0))
    )
