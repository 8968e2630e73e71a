"""Information bottleneck: solvers on pmfs, curves, the Gaussian closed form, samples.

- :func:`iterative`, :func:`deterministic`, :func:`generalized` — one beta, one pmf
  (Tishby, Pereira & Bialek 1999; Strouse & Schwab 2017).
- :func:`curve` — the IB curve by annealing beta, upper concave envelope, squared and
  convex Lagrangians (Kolchinsky et al. 2019; Rodriguez Galvez et al. 2020).
- :func:`gaussian`, :func:`gaussian_curve` — the closed-form Gaussian IB (Chechik et al.
  2005).
- :func:`from_samples` — discretise or fit a Gaussian, solve, bootstrap band.
- :func:`plot_curve` — the curve with a network's layers placed against it
  (matplotlib imported only when called).
"""

from .closed_form import GaussianIB, gaussian, gaussian_curve
from .curves import IBCurve, curve, maximal_correlation, upper_concave_envelope
from .plotting import layer_points, plot_curve
from .samples import SampleIBCurve, from_samples
from .solvers import IBSolution, deterministic, generalized, iterative

__all__ = [
    "IBSolution",
    "iterative",
    "deterministic",
    "generalized",
    "IBCurve",
    "curve",
    "maximal_correlation",
    "upper_concave_envelope",
    "GaussianIB",
    "gaussian",
    "gaussian_curve",
    "SampleIBCurve",
    "from_samples",
    "plot_curve",
    "layer_points",
]
