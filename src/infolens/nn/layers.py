"""Anti-aliased downsampling (BlurPool) and the information it keeps.

Strided sampling folds frequencies above ``pi / stride`` onto lower ones (aliasing).
Zhang (2019) blurs with a small binomial low-pass filter before subsampling; this module
implements that layer from the paper's description and quantifies the trade-off the
seed describes: the filter removes the aliased (high-frequency) power, which makes the
output stable against high-frequency perturbations, and in doing so discards the
information those frequencies carried about the input.

All signals are 1-D and periodic (circular convolution) in the closed-form functions, so
the linear maps are exactly circulant.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._validate import check_base, check_covariance, check_positive_int
from ..units import unit_name

__all__ = [
    "binomial_filter",
    "BlurPool",
    "aliased_power_fraction",
    "downsampling_matrix",
    "downsampling_information",
    "aliasing_tradeoff",
]


def binomial_filter(size: int) -> np.ndarray:
    """Normalised binomial low-pass filter of ``size`` taps: coefficients of ``(1+z)^(size-1)``.

    ``size`` 1, 2, 3, 5 give ``[1]``, ``[1, 1]/2``, ``[1, 2, 1]/4`` and
    ``[1, 4, 6, 4, 1]/16``.  Its frequency response is ``|H(w)| = |cos(w/2)|^(size-1)``,
    zero at the Nyquist frequency for ``size >= 2``.

    References
    ----------
    R. Zhang, "Making convolutional networks shift-invariant again", ICML 2019.

    Examples
    --------
    >>> binomial_filter(3).tolist()
    [0.25, 0.5, 0.25]
    """
    size = check_positive_int(size, "size")
    if size > 30:
        raise ValueError(f"size={size} is unreasonably large for a blur filter; use <= 30.")
    h = np.array([math.comb(size - 1, k) for k in range(size)], dtype=np.float64)
    return h / h.sum()


class BlurPool(nn.Module):
    """Blur with a binomial filter, then subsample with ``stride`` (Zhang 2019).

    Parameters
    ----------
    channels : int
        Number of channels (the filter is applied to each channel separately).
    size : int, default 3
        Filter taps (1 = plain subsampling, 2, 3, 5, ... as in the paper).
    stride : int, default 2
    dims : {1, 2}, default 2
        1-D signals ``(N, C, L)`` or images ``(N, C, H, W)`` (separable 2-D filter, the
        outer product of the 1-D filter with itself).
    pad_mode : {"reflect", "replicate", "circular", "zeros"}, default "reflect"
        Padding keeps ``ceil(L / stride)`` outputs: ``(size-1)//2`` on the left and the rest
        on the right.

    References
    ----------
    R. Zhang, "Making convolutional networks shift-invariant again", ICML 2019.

    Examples
    --------
    >>> pool = BlurPool(1, size=2, stride=2, dims=1, pad_mode="circular")
    >>> pool(torch.tensor([[[1.0, -1.0, 1.0, -1.0]]])).tolist()  # Nyquist removed
    [[[0.0, 0.0]]]
    """

    def __init__(self, channels: int, *, size: int = 3, stride: int = 2, dims: int = 2,
                 pad_mode: str = "reflect") -> None:
        super().__init__()
        self.channels = check_positive_int(channels, "channels")
        self.size = check_positive_int(size, "size")
        self.stride = check_positive_int(stride, "stride")
        if dims not in (1, 2):
            raise ValueError(f"dims={dims!r}: BlurPool supports 1-D (dims=1) and 2-D (dims=2).")
        if pad_mode not in ("reflect", "replicate", "circular", "zeros"):
            raise ValueError(f"pad_mode={pad_mode!r}: use reflect, replicate, circular or zeros.")
        self.dims = dims
        self.pad_mode = pad_mode
        h = torch.tensor(binomial_filter(size), dtype=torch.float32)
        k = h if dims == 1 else torch.outer(h, h)
        self.register_buffer("kernel", k.expand(channels, 1, *k.shape).clone())
        left = (size - 1) // 2
        self._pad = (left, size - 1 - left) * dims

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != self.dims + 2 or x.shape[1] != self.channels:
            raise ValueError(
                f"BlurPool(channels={self.channels}, dims={self.dims}) expects input of shape "
                f"(N, {self.channels}, {'L' if self.dims == 1 else 'H, W'}); got {tuple(x.shape)}."
            )
        if self.size > 1:
            mode = "constant" if self.pad_mode == "zeros" else self.pad_mode
            x = F.pad(x, self._pad, mode=mode)
        conv = F.conv1d if self.dims == 1 else F.conv2d
        return conv(x, self.kernel.to(x.dtype), stride=self.stride, groups=self.channels)

    def extra_repr(self) -> str:
        return (f"channels={self.channels}, size={self.size}, stride={self.stride}, "
                f"dims={self.dims}, pad_mode={self.pad_mode!r}")


def _filter(h: Any) -> np.ndarray:
    if isinstance(h, (int, np.integer)) and not isinstance(h, bool):
        return binomial_filter(int(h))
    arr = np.asarray(h, dtype=np.float64).reshape(-1)
    if arr.size == 0 or not np.isfinite(arr).all():
        raise ValueError("filter must be a non-empty finite 1-D array of taps (or a size).")
    return arr


def aliased_power_fraction(
    filt: Any,
    *,
    stride: int = 2,
    spectrum: Any = None,
    n_freq: int = 8192,
) -> float:
    """Fraction of the filtered signal's power that aliases when subsampling by ``stride``.

    ``sum over |w| > pi/stride of |H(w)|^2 S(w)  /  sum over all w of |H(w)|^2 S(w)``,
    evaluated on a midpoint grid of ``n_freq`` frequencies in ``[0, pi]``.  This power
    folds onto the band kept by the subsampling.

    Parameters
    ----------
    filt : int or array of taps
        A binomial filter size (see :func:`binomial_filter`) or explicit taps.
    stride : int, default 2
    spectrum : callable, optional
        Input power spectral density ``S(w)`` on ``[0, pi]``; white (constant) by default.
    n_freq : int

    Returns
    -------
    float
        In [0, 1].  For white input: ``1 - 1/stride`` without a filter, ``1/2 - 1/pi``
        (stride 2) for ``[1, 1]/2`` and ``1/2 - 4/(3 pi)`` for ``[1, 2, 1]/4``.

    References
    ----------
    A. V. Oppenheim and R. W. Schafer, *Discrete-Time Signal Processing*, 3rd ed., 2010,
    ch. 4 (downsampling and aliasing).  R. Zhang, ICML 2019.
    """
    h = _filter(filt)
    stride = check_positive_int(stride, "stride")
    n_freq = check_positive_int(n_freq, "n_freq", minimum=16)
    w = (np.arange(n_freq) + 0.5) * np.pi / n_freq
    resp = np.abs(np.exp(-1j * np.outer(w, np.arange(h.size))) @ h) ** 2
    s = np.ones_like(w) if spectrum is None else np.asarray(spectrum(w), dtype=np.float64)
    if s.shape != w.shape or (s < 0).any() or not np.isfinite(s).all():
        raise ValueError("spectrum(w) must return finite non-negative values, one per frequency.")
    p = resp * s
    total = p.sum()
    if total <= 0:
        raise ValueError("the filtered signal has zero power; nothing to alias.")
    return float(p[w > np.pi / stride].sum() / total)


def downsampling_matrix(filt: Any, n: int, *, stride: int = 2) -> np.ndarray:
    """Matrix of "circular convolution with ``filt``, then keep every ``stride``-th sample".

    Shape ``(ceil(n / stride), n)``; row ``m`` holds the taps centred (as in
    :class:`BlurPool`, left offset ``(size-1)//2``) on input sample ``m * stride``.
    """
    h = _filter(filt)
    n = check_positive_int(n, "n")
    stride = check_positive_int(stride, "stride")
    left = (h.size - 1) // 2
    rows = np.arange(0, n, stride)
    a = np.zeros((rows.size, n))
    for k, hk in enumerate(h):
        np.add.at(a, (np.arange(rows.size), (rows - left + k) % n), hk)
    return a


def downsampling_information(
    filt: Any,
    n: int,
    *,
    noise_var: float,
    stride: int = 2,
    input_cov: Any = None,
    base: Any = "e",
) -> float:
    """Exact I(X;T) for ``T = A X + N(0, noise_var I)``, ``A`` = blur then subsample.

    ``X ~ N(0, input_cov)`` (identity by default) is a periodic signal of length ``n``;
    ``A = downsampling_matrix(filt, n, stride=stride)``.  Then

        I(X;T) = 1/2 log det(I + A Sigma A^T / noise_var).

    References
    ----------
    T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., 2006, ch. 9
    (Gaussian channels).
    """
    a = downsampling_matrix(filt, n, stride=stride)
    if isinstance(noise_var, bool) or not float(noise_var) > 0:
        raise ValueError(f"noise_var={noise_var!r} must be > 0.")
    lb = check_base(base)
    cov = np.eye(n) if input_cov is None else check_covariance(input_cov, "input_cov")
    if cov.shape != (n, n):
        raise ValueError(f"input_cov has shape {cov.shape}; expected ({n}, {n}).")
    m = np.eye(a.shape[0]) + a @ cov @ a.T / float(noise_var)
    return float(0.5 * np.linalg.slogdet(m)[1] / lb)


def aliasing_tradeoff(
    sizes: Any = (1, 2, 3, 5),
    *,
    n: int = 64,
    stride: int = 2,
    noise_var: float = 0.01,
    input_cov: Any = None,
    base: Any = "e",
) -> list[dict[str, Any]]:
    """Aliased power, high-frequency response and information kept, per blur filter size.

    For each binomial filter size: ``aliased_fraction`` (white input,
    :func:`aliased_power_fraction`), ``nyquist_response`` ``|H(pi)|`` (how much of a
    Nyquist-frequency perturbation, e.g. a one-pixel shift pattern, reaches the output —
    after subsampling it shows up as a constant offset), ``information``
    (:func:`downsampling_information`) and ``information_fraction`` relative to plain
    subsampling (size 1).

    Parameters
    ----------
    sizes : sequence of int
        Binomial filter sizes (1: plain subsampling).
    n, stride, noise_var, input_cov
        As in :func:`downsampling_information`.
    base : {"e", 2, 10}, default "e"
        Unit of ``information`` (nats by default, as everywhere in infolens; the default
        was 2, bits, before the units were made the same everywhere).

    Returns
    -------
    list of dict
        One row per size, in the given order; values in ``base`` units.

    References
    ----------
    R. Zhang, "Making convolutional networks shift-invariant again", ICML 2019.
    """
    lb_name = unit_name(base)
    sizes = [check_positive_int(s, "sizes") for s in sizes]
    ref = downsampling_information(1, n, noise_var=noise_var, stride=stride,
                                   input_cov=input_cov, base=base)
    rows = []
    for s in sizes:
        h = binomial_filter(s)
        info = downsampling_information(h, n, noise_var=noise_var, stride=stride,
                                        input_cov=input_cov, base=base)
        nyq = abs(float(np.sum(h * (-1.0) ** np.arange(s))))
        rows.append({
            "size": s, "aliased_fraction": aliased_power_fraction(h, stride=stride),
            "nyquist_response": nyq, "information": info,
            "information_fraction": info / ref, "unit": lb_name,
        })
    return rows
