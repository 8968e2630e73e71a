r"""Partial information decomposition and higher-order information.

How much of what a set of sources says about a target is redundant (said by several),
unique (said by one only) or synergistic (said only jointly, like XOR)?

* :func:`decompose` — PID of a known joint pmf on the Williams–Beer lattice (1–4 sources,
  up to 166 atoms) with the redundancy measures ``"imin"``, ``"mmi"``, ``"ccs"``, ``"sx"``
  (any number of sources up to 4) and ``"broja"``, ``"dep"`` (two sources).  Measures,
  their definitions and known criticisms: :mod:`infolens.pid.measures`.
* :func:`decompose_samples` — the same from discrete samples (joint pmf by counting) or
  continuous samples after a stated binning.
* Higher-order measures of many variables: :func:`interaction_information`,
  :func:`total_correlation`, :func:`dual_total_correlation`, :func:`o_information`,
  :func:`s_information` on pmfs, their ``*_samples`` versions, and the Gaussian-copula
  :func:`o_information_multiplets` for every multiplet of continuous variables.

Everything is computed in nats and reported in units of ``base``.  Names are imported on
first use so ``import infolens.pid`` stays cheap.
"""

from __future__ import annotations

from .._lazy import attach

_EXPORTS = {
    "decompose": "decomposition",
    "PIDResult": "decomposition",
    "canonical_pmf": "decomposition",
    "redundancy_lattice": "lattice",
    "Lattice": "lattice",
    "node_name": "lattice",
    "MEASURES": "measures",
    "MeasureInfo": "measures",
    "broja_solve": "broja",
    "BrojaSolution": "broja",
    "interaction_information": "higher_order",
    "total_correlation": "higher_order",
    "dual_total_correlation": "higher_order",
    "o_information": "higher_order",
    "s_information": "higher_order",
    "interaction_information_samples": "higher_order",
    "total_correlation_samples": "higher_order",
    "dual_total_correlation_samples": "higher_order",
    "o_information_samples": "higher_order",
    "s_information_samples": "higher_order",
    "o_information_multiplets": "higher_order",
    "MultipletResult": "higher_order",
    "joint_pmf": "samples",
    "decompose_samples": "samples",
    "pairwise_pid": "samples",
    "PairwisePID": "samples",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = attach(__name__, _EXPORTS)
