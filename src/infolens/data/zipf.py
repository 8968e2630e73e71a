"""Zipf's law on a finite alphabet: the standard test source for entropy estimators."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import check_positive_int

__all__ = ["zipf_pmf"]


def zipf_pmf(n_symbols: int, exponent: float = 1.0) -> np.ndarray:
    r"""The pmf :math:`p_i = i^{-s} / \sum_{j=1}^{K} j^{-s}`, :math:`i = 1, \dots, K`.

    Parameters
    ----------
    n_symbols : int
        Alphabet size :math:`K \ge 1`.
    exponent : float, default 1.0
        :math:`s`, any finite real number (``0`` gives the uniform pmf).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_symbols,)``, decreasing for ``s > 0``, summing to 1.

    References
    ----------
    G. K. Zipf, *Human Behavior and the Principle of Least Effort* (1949).

    Examples
    --------
    >>> p = zipf_pmf(1000)
    >>> round(float(-(p * np.log(p)).sum()), 4)    # entropy in nats
    5.191
    """
    k = check_positive_int(n_symbols, "n_symbols")
    if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real) or not math.isfinite(exponent):
        raise ValueError(f"exponent must be a finite real number; got {exponent!r}.")
    w = 1.0 / np.arange(1, k + 1, dtype=float) ** float(exponent)
    return w / w.sum()
