"""The ``method="auto"`` policy: which registered estimator runs for which data.

The rule (kept in one place so the docs and the code cannot drift apart):

- **entropy**: discrete data -> ``"nsb"`` when the sample is small relative to the number
  of distinct symbols (n < 10 * symbols), ``"grassberger"`` otherwise; continuous
  -> ``"kozachenko_leonenko"`` (k=3).
- **mi**: both discrete -> ``"grassberger"`` (bias-corrected plug-in); one continuous,
  one discrete -> ``"ross"`` (k=3); both continuous:

  * ``dx + dy <= 20`` -> ``"ensemble"``: the larger of the copula-model MI
    (``"tcopula"``: the Gaussian copula, or a t-copula when a likelihood-ratio test at
    level 0.01 prefers it) and the KSG estimate on copula-normalised data with a
    parametric-bootstrap bias correction (``"ksg_bc"``, k=3).  Both err mainly
    downwards (the copula model sees only the elliptical part of the dependence; k-NN
    estimates are negatively biased for strong dependence), so the larger is the
    better of the two;
  * ``dx + dy > 20`` -> ``"tcopula"``: in more than 20 joint dimensions k-NN estimators
    are both slow (neighbour search degrades to all pairs) and strongly biased; the
    copula model with its bias-corrected Gaussian part is exact in expectation for
    Gaussian and t copulas and a model-based value otherwise.  The neural estimators
    (``"infonce"``, ``"smile"``, ``"demi"``, ...) are not chosen: on the 25+25- and
    50+50-dimensional Beyond Normal tasks at n = 5,000 they were 13-72% low where the
    copula model was within 1% (Gaussian) and 8-17% low (spiral), see below.

  The threshold is a property of k-NN search and bias, not of any task: it was not
  tuned per task.  Measured at n = 5,000:

  * the known-MI suite (``infolens.data.known_mi_tasks()``, 43 tasks, seed 11): within
    10% of the truth on 38 tasks and within 25% on 41 (with GCMI in place of the copula
    model: 37 and 41; the best single estimator: 26 and 32); the slow test
    ``tests/estimate/test_accuracy.py::test_auto_on_full_known_mi_suite`` requires at
    least 75% and 90%, and ``benchmarks/results/estimators.md`` has the table per
    estimator;
  * the Beyond Normal benchmark (Czyż et al. 2023; 40 tasks, benchmark-mi 0.1.3, seed 0;
    ``benchmarks/results/beyond_normal.md``): within 10% on 37 of 40 tasks (92.5%) and
    within 25% on 38 (95%), every 25- and 50-dimensional task within 17%; on samples
    drawn with seeds 1 and 2 (``beyond_normal_seed1.md``, ``_seed2.md``): 88% / 95% and
    90% / 95%, every 25-dimensional task within 22%.  With GCMI in
    place of the t-copula it was 75% and 80%: the Student-t tasks of 2+2 dimensions with
    2 degrees of freedom and larger were 14-47% low.
    Where it still fails: the spiral applied to a sparse 3+3- and 5+5-dimensional
    Gaussian (27% and 34% low; neither copula model nor k-NN recovers it).
- **cmi**: all discrete -> ``"grassberger"``; all continuous -> ``"fp"``
  (Frenzel–Pompe, k=3) when ``dx + dy + dz <= 20``, ``"gcmi"`` above; mixed -> ``"fp"``.
- **kl**: discrete -> ``"plugin"``; continuous -> ``"knn"`` (Wang–Kulkarni–Verdú, k=1).

``choose`` returns the name and the parameters; the result records the name in
``Estimate.method`` so a reader always sees what ran.  The names are the current ones
(never an old name of :data:`infolens.estimate._records.ALIASES`), so ``"auto"`` gives
no ``DeprecationWarning``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["choose"]

# joint dimension above which k-NN estimators are not used for continuous MI/CMI
_KNN_MAX_DIM = 20


def choose(
    quantity: str, kinds: tuple[str, ...], n: int, dims: tuple[int, ...], n_symbols: int | None = None
) -> tuple[str, dict[str, Any]]:
    """Pick an estimator for ``quantity`` given the kind of each argument.

    Parameters
    ----------
    quantity : {"entropy", "mi", "cmi", "kl"}
    kinds : tuple of {"discrete", "continuous"}
        One per argument (x; x, y; x, y, z; p, q).
    n : int
        Number of samples.
    dims : tuple of int
        Columns of each argument.
    n_symbols : int, optional
        Number of distinct (joint) symbols, for discrete data.
    """
    all_discrete = all(k == "discrete" for k in kinds)
    if quantity == "entropy":
        if all_discrete:
            if n_symbols is not None and n < 10 * n_symbols:
                return "nsb", {}
            return "grassberger", {}
        return "kozachenko_leonenko", {"k": 3}
    if quantity == "mi":
        if all_discrete:
            return "grassberger", {}
        if set(kinds) == {"discrete", "continuous"}:
            return "ross", {"k": 3}
        if sum(dims) > _KNN_MAX_DIM:
            return "tcopula", {}
        return "ensemble", {"k": 3}
    if quantity == "cmi":
        if all_discrete:
            return "grassberger", {}
        if all(k == "continuous" for k in kinds) and sum(dims) > _KNN_MAX_DIM:
            return "gcmi", {}
        return "fp", {"k": 3}
    if quantity == "kl":
        if all_discrete:
            return "plugin", {}
        return "knn", {"k": 1}
    raise ValueError(f"unknown quantity {quantity!r}.")
