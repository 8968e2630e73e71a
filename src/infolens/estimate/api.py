"""The top-level sample estimators: ``entropy``, ``mutual_information``,
``conditional_mutual_information``, ``kl_divergence`` and ``estimators``.

Every call follows the same path (steps 1-4 are :func:`infolens.estimate._call.prepare`):

1. validate each argument through :mod:`infolens._validate` (NumPy, torch tensors,
   pandas objects and lists; rows are samples, columns dimensions);
2. classify each argument as ``"discrete"`` (integer, bool, string, object or category
   dtype) or ``"continuous"`` (floating point);
3. resolve ``method="auto"`` with :func:`infolens.estimate.auto.choose` (documented
   policy there) or look the named method up in the registry;
4. check that the estimator accepts these data kinds (a clear error otherwise: a
   discrete estimator on floats suggests binning or a continuous method);
5. run it (value in nats), convert to ``base`` and wrap it in an
   :class:`~infolens.result.Estimate` recording the method that ran, its parameters,
   ``n`` and the quantity (``"H(X)"``, ``"I(X;Y)"``, ``"I(X;Y|Z)"``, ``"D(P||Q)"``);
6. with ``ci=level`` add a confidence interval and standard error
   (:func:`infolens.estimate.resampling.confidence_interval`: multinomial bootstrap for
   the count-based discrete estimators, half-sampling for k-NN and other continuous
   estimators, or an estimator's own registered interval).

Data kinds of a call: ``"discrete"`` when every argument is discrete, ``"continuous"``
when every argument is continuous, ``"mixed"`` otherwise.  An estimator declares which
of these it accepts (``infolens.estimators()`` lists them).  A continuous estimator
does not silently accept integer data: cast with ``x.astype(float)`` to treat integers
as measurements.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_base, check_probability, check_random_state
from ..result import Estimate
from ..units import Base, unit_name
from . import _registry
from . import resampling as _resampling
from ._call import prepare

__all__ = [
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "kl_divergence",
    "estimators",
]

_LABELS = {"entropy": "H(X)", "mi": "I(X;Y)", "cmi": "I(X;Y|Z)", "kl": "D(P||Q)"}


def _estimate(
    quantity: str,
    raw: tuple[Any, ...],
    method: str,
    base: Base,
    ci: float | None,
    n_boot: int,
    random_state: Any,
    params: dict[str, Any],
) -> Estimate:
    check_base(base)  # bad options fail before any work
    level = None if ci is None else check_probability(ci, "ci", open_low=True, open_high=True)
    rng = check_random_state(random_state)
    call = prepare(quantity, raw, method, params)
    return _finish(call, base, level, n_boot, rng)


def _finish(
    call: Any, base: Base, level: float | None, n_boot: int, rng: np.random.Generator,
    value: float | None = None,
) -> Estimate:
    """Run a prepared call (unless ``value``, its point value in nats, is given) and wrap
    it with its interval into an :class:`Estimate` (steps 5-6 of the module docstring)."""
    quantity, lb = call.quantity, check_base(base)
    est_rng = np.random.default_rng(rng.integers(2**63))
    ci_rng = np.random.default_rng(rng.integers(2**63))
    if value is None:
        value = call.run(rng=est_rng)
    record = {**call.params, **getattr(value, "details", {})}
    if call.info.scale is not None:  # k-NN family: say whether columns were standardised
        record["standardize"] = call.scales is not None
        if call.scales is not None:
            record["column_scales"] = [None if s is None else [float(v) for v in s]
                                       for s in call.scales]
    if call.quantity == "kl":
        record["n_q"] = int(call.arrays[1].shape[0])
    interval = None
    stderr = None
    if level is not None:
        iv = _resampling.confidence_interval(
            call, value, level=level, n_boot=n_boot, random_state=ci_rng
        )
        interval = (iv.low / lb, iv.high / lb)
        stderr = iv.stderr / lb
        record["ci_scheme"] = iv.scheme
        record["n_boot"] = iv.n_resamples
        record["ci_cut"] = iv.cut or None
    return Estimate(
        value / lb,
        unit=unit_name(base),
        method=call.info.name,
        n=call.n,
        ci=interval,
        ci_level=level,
        stderr=stderr,
        params=record,
        quantity=_LABELS[quantity],
    )


_COMMON_DOC = """
    method : str, default "auto"
        A registered estimator name (``infolens.estimators("{q}")`` lists them) or
        ``"auto"`` (policy in :mod:`infolens.estimate.auto`; ``est.method`` says what ran).
    base : {{"e", 2, 10}} or float > 1, default "e"
        Logarithm base of the result: ``"e"`` nats, ``2`` bits.
    ci : float in (0, 1), optional
        Confidence level of an interval (``est.ci``) and standard error (``est.stderr``);
        see :func:`infolens.estimate.resampling.confidence_interval` for the scheme.
    n_boot : int, default 200
        Resamples for the interval.
    random_state : None, int or numpy.random.Generator
        Seed for the interval and for estimators that draw random numbers; the same
        seed gives the same result.
    **params
        Parameters of the estimator (e.g. ``k=3``, ``bins=10``, ``alphabet_size=``).
"""


def entropy(
    x: Any,
    *,
    method: str = "auto",
    base: Base = "e",
    ci: float | None = None,
    n_boot: int = 200,
    random_state: Any = None,
    **params: Any,
) -> Estimate:
    """Entropy ``H(X) = -E[log p(X)]`` (discrete) or differential entropy ``h(X)`` from samples.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
        Samples (rows); several columns form one joint symbol / vector.
    {common}
    Returns
    -------
    Estimate
        In units of ``base``; ``quantity="H(X)"``.

    Notes
    -----
    A constant discrete column gives 0 with the frequency-based estimators, a value of
    order ``1/N^2`` with ``"grassberger"`` and a small positive posterior mean with
    ``"nsb"``; see :mod:`infolens.estimate.discrete` for why.

    References
    ----------
    Paninski, L. (2003). Estimation of entropy and mutual information. *Neural
    Computation* 15, 1191-1253.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> x = np.repeat([0, 1, 2, 3], 250)
    >>> round(float(infolens.entropy(x, method="plugin", base=2)), 6)
    2.0
    """
    return _estimate("entropy", (x,), method, base, ci, n_boot, random_state, params)


def mutual_information(
    x: Any,
    y: Any,
    *,
    method: str = "auto",
    base: Base = "e",
    ci: float | None = None,
    n_boot: int = 200,
    random_state: Any = None,
    **params: Any,
) -> Estimate:
    """Mutual information ``I(X;Y) = H(X) + H(Y) - H(X,Y)`` from paired samples.

    Parameters
    ----------
    x, y : array_like of shape (n,) or (n, d)
        Paired samples (same number of rows).
    {common}
    Returns
    -------
    Estimate
        In units of ``base``; ``quantity="I(X;Y)"``.  Bias-corrected estimators can
        return small negative values when the true MI is near 0 (never clipped).

    References
    ----------
    Cover, T. M. & Thomas, J. A. (2006). *Elements of Information Theory*, eq. 2.45;
    Kraskov, Stögbauer & Grassberger (2004), *Phys. Rev. E* 69, 066138.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> x = np.tile([0, 1], 500)
    >>> round(float(infolens.mutual_information(x, x, method="plugin", base=2)), 6)
    1.0
    """
    return _estimate("mi", (x, y), method, base, ci, n_boot, random_state, params)


def conditional_mutual_information(
    x: Any,
    y: Any,
    z: Any,
    *,
    method: str = "auto",
    base: Base = "e",
    ci: float | None = None,
    n_boot: int = 200,
    random_state: Any = None,
    **params: Any,
) -> Estimate:
    """Conditional MI ``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)`` from samples.

    Parameters
    ----------
    x, y, z : array_like of shape (n,) or (n, d)
        Paired samples (same number of rows).
    {common}
    Returns
    -------
    Estimate
        In units of ``base``; ``quantity="I(X;Y|Z)"``.

    References
    ----------
    Cover & Thomas (2006), eq. 2.60; Frenzel & Pompe (2007), *Phys. Rev. Lett.* 99, 204101.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> x = np.array([0, 0, 1, 1] * 250); y = np.array([0, 1, 0, 1] * 250)
    >>> z = x ^ y
    >>> round(float(infolens.conditional_mutual_information(x, y, z, method="plugin", base=2)), 6)
    1.0
    """
    return _estimate("cmi", (x, y, z), method, base, ci, n_boot, random_state, params)


def kl_divergence(
    p_samples: Any,
    q_samples: Any,
    *,
    method: str = "auto",
    base: Base = "e",
    ci: float | None = None,
    n_boot: int = 200,
    random_state: Any = None,
    **params: Any,
) -> Estimate:
    """Kullback–Leibler divergence ``D(P||Q) = E_P[log p(X)/q(X)]`` from two samples.

    Parameters
    ----------
    p_samples, q_samples : array_like of shape (n_p, d) and (n_q, d)
        Independent samples of ``P`` and ``Q``; the lengths may differ.
    {common}
    Returns
    -------
    Estimate
        In units of ``base``; ``quantity="D(P||Q)"``; ``n`` is ``n_p`` and
        ``params["n_q"]`` records ``n_q``.  The discrete plug-in is infinite when a
        symbol of ``P`` never occurs in ``Q`` (unless ``pseudocount > 0``).

    References
    ----------
    Cover & Thomas (2006), eq. 2.26; Wang, Kulkarni & Verdú (2009), *IEEE Trans. Inf.
    Theory* 55, 2392-2405.

    Examples
    --------
    >>> import numpy as np, infolens
    >>> p = np.array([0, 1] * 500); q = np.array([0, 0, 0, 1] * 250)
    >>> d = infolens.kl_divergence(p, q, method="plugin")
    >>> bool(abs(float(d) - (0.5 * np.log(0.5 / 0.75) + 0.5 * np.log(0.5 / 0.25))) < 1e-12)
    True
    """
    return _estimate("kl", (p_samples, q_samples), method, base, ci, n_boot, random_state, params)


for _f, _q in (
    (entropy, "entropy"),
    (mutual_information, "mi"),
    (conditional_mutual_information, "cmi"),
    (kl_divergence, "kl"),
):
    _f.__doc__ = _f.__doc__.replace("{common}", _COMMON_DOC.format(q=_q).lstrip())


def estimators(quantity: str | None = None) -> list[_registry.EstimatorInfo]:
    """List the registered estimators.

    Parameters
    ----------
    quantity : {"entropy", "mi", "cmi", "kl"}, optional
        Only estimators of this quantity.

    Returns
    -------
    list of EstimatorInfo
        Each has ``name``, ``quantity``, ``kinds`` (data kinds accepted), ``params``
        (defaults), ``reference``, ``description`` and ``as_row()`` for a table.

    Examples
    --------
    >>> import infolens
    >>> "grassberger" in [e.name for e in infolens.estimators("entropy")]
    True
    """
    if quantity is not None and quantity not in _registry.QUANTITIES:
        raise ValueError(f"quantity={quantity!r}: choose one of {_registry.QUANTITIES} or None.")
    return _registry.estimators(quantity)
