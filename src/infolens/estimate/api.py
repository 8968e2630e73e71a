"""The top-level sample estimators: ``entropy``, ``mutual_information``,
``conditional_mutual_information``, ``kl_divergence`` and ``estimators``.

Every call follows the same path:

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

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import (
    check_base,
    check_consistent_length,
    check_probability,
    check_random_state,
    check_samples,
    is_discrete,
)
from ..result import Estimate
from ..units import Base, unit_name
from . import _registry, auto
from . import binning as _binning  # noqa: F401  (registers "binning")
from . import discrete as _discrete  # noqa: F401  (registers the discrete estimators)
from . import resampling as _resampling

__all__ = [
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "kl_divergence",
    "estimators",
]

# Every estimator module is imported here so that it registers itself.
from . import gaussian as _gaussian  # noqa: E402, F401  (registers "gaussian", "gcmi")
from . import knn as _knn  # noqa: E402, F401  (registers the k-NN family)
from . import neural as _neural  # noqa: E402, F401  (registers the neural family; torch lazily)

_LABELS = {"entropy": "H(X)", "mi": "I(X;Y)", "cmi": "I(X;Y|Z)", "kl": "D(P||Q)"}
_ARGS = {
    "entropy": ("x",),
    "mi": ("x", "y"),
    "cmi": ("x", "y", "z"),
    "kl": ("p_samples", "q_samples"),
}


def _kind(arr: np.ndarray) -> str:
    return "discrete" if is_discrete(arr) else "continuous"


def _signature(kinds: tuple[str, ...]) -> str:
    if all(k == "discrete" for k in kinds):
        return "discrete"
    if all(k == "continuous" for k in kinds):
        return "continuous"
    return "mixed"


def _names_accepting(quantity: str, signature: str) -> list[str]:
    return [e.name for e in _registry.estimators(quantity) if signature in e.kinds]


@dataclass
class _Call:
    """A validated call: the estimator, its inputs and its final parameters."""

    quantity: str
    info: _registry.EstimatorInfo
    arrays: tuple[np.ndarray, ...]
    params: dict[str, Any]
    kinds: tuple[str, ...]
    n: int

    def run(
        self, arrays: tuple[np.ndarray, ...] | None = None, rng: np.random.Generator | None = None
    ) -> float:
        """Value in nats on ``arrays`` (default: the call's own data)."""
        kw = dict(self.params)
        if self.info.random:
            kw["random_state"] = rng if rng is not None else np.random.default_rng(0)
        out = self.info.func(*(self.arrays if arrays is None else arrays), **kw)
        value = float(out)
        if math.isnan(value):
            raise RuntimeError(
                f"estimator {self.info.name!r} returned NaN; this is a bug in infolens, "
                "please report it."
            )
        return out if hasattr(out, "details") else value  # a float carrying provenance


def _prepare(quantity: str, raw: tuple[Any, ...], method: str, params: dict[str, Any]) -> _Call:
    names = _ARGS[quantity]
    if not isinstance(method, str):
        raise TypeError(
            f"method must be a string (a registered name or 'auto'); got {type(method).__name__}."
        )
    arrays = [check_samples(a, nm) for a, nm in zip(raw, names, strict=True)]
    if quantity == "kl":
        n = arrays[0].shape[0]
    else:
        n = check_consistent_length(**dict(zip(names, arrays, strict=True)))
    kinds = tuple(_kind(a) for a in arrays)
    sig = _signature(kinds)
    params = dict(params)
    if method == "auto":
        n_symbols = None
        if quantity == "entropy" and sig == "discrete":
            codes, radix = _discrete.encode(arrays[0])
            n_symbols = int(_discrete._count(codes, radix)[0].size)
        name, auto_params = auto.choose(
            quantity, kinds, n, tuple(a.shape[1] for a in arrays), n_symbols
        )
        params = {**auto_params, **params}
    else:
        name = method
    info = _registry.get(quantity, name)
    if sig not in info.kinds:
        raise TypeError(_kind_error(quantity, info, names, arrays, kinds, sig))
    allowed = set(info.params)
    bad = sorted(set(params) - allowed)
    if bad:
        raise TypeError(
            f"method={info.name!r} got unexpected parameter(s) {bad}; it accepts "
            f"{sorted(allowed) or 'no parameters'} (see infolens.estimators())."
        )
    if "continuous" in kinds:
        arrays = [
            check_samples(a, nm, kind="continuous") if k == "continuous" else a
            for a, nm, k in zip(arrays, names, kinds, strict=True)
        ]
    return _Call(quantity, info, tuple(arrays), params, kinds, int(n))


def _kind_error(quantity, info, names, arrays, kinds, sig) -> str:
    desc = ", ".join(
        f"{nm} is {k} (dtype {a.dtype})" for nm, a, k in zip(names, arrays, kinds, strict=True)
    )
    alternatives = _names_accepting(quantity, sig)
    alt = f" Methods that accept {sig} data: {alternatives}." if alternatives else ""
    if "discrete" in info.kinds and "continuous" not in info.kinds and "continuous" in kinds:
        fix = (
            f"method={info.name!r} is a discrete estimator but {desc}. Bin the data first "
            "(method='binning', or infolens.estimate.binning.discretize) or use a continuous "
            "method; integer-valued floats can be cast with x.astype(int)."
        )
    elif "discrete" in kinds and "discrete" not in info.kinds and "mixed" not in info.kinds:
        fix = (
            f"method={info.name!r} needs continuous (floating-point) data but {desc}. Use a "
            "discrete method, or cast with x.astype(float) if the integers are measurements "
            "(k-NN estimators then see ties)."
        )
    else:
        fix = f"method={info.name!r} accepts {list(info.kinds)} data, but {desc} ({sig})."
    return fix + alt


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
    lb = check_base(base)
    if ci is not None:
        level = check_probability(ci, "ci", open_low=True, open_high=True)
    rng = check_random_state(random_state)
    call = _prepare(quantity, raw, method, params)
    est_rng = np.random.default_rng(rng.integers(2**63))
    ci_rng = np.random.default_rng(rng.integers(2**63))
    value = call.run(rng=est_rng)
    record = {**call.params, **getattr(value, "details", {})}
    if call.quantity == "kl":
        record["n_q"] = int(call.arrays[1].shape[0])
    interval = None
    stderr = None
    if ci is not None:
        iv = _resampling.confidence_interval(
            call, value, level=level, n_boot=n_boot, random_state=ci_rng
        )
        interval = (iv.low / lb, iv.high / lb)
        stderr = iv.stderr / lb
        record["ci_scheme"] = iv.scheme
        record["n_boot"] = iv.n_resamples
    return Estimate(
        value / lb,
        unit=unit_name(base),
        method=call.info.name,
        n=call.n,
        ci=interval,
        ci_level=level if ci is not None else None,
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
