"""Bounds: PAC-Bayes risk certificates, Fano and Bayes-error bounds, KL asymmetry.

Pure NumPy/SciPy (the torch side lives in :mod:`infolens.nn.pacbayes`).

- :mod:`.kl`: ``binary_kl``, ``kl_inv_upper``, ``kl_inv_lower``.
- :mod:`.pac_bayes`: ``kl_bound`` (Seeger/Maurer), ``maurer_xi``, ``mcallester_bound``, ``classic_bound``,
  ``catoni_bound``, ``gibbs_posterior_bound``, ``lambda_bound``, ``quad_bound``, ``mc_sampling_bound``,
  ``holdout_bound``, ``stochastic_risk_certificate``, result type ``BoundResult``; a package:
  ``base`` (the result type and argument checks), ``relaxations`` (the kl bound and the
  bounds that relax it), ``catoni`` (Catoni's bound, Gibbs posterior), ``certificates``
  (Monte-Carlo, hold-out, two-step certificate).
- :mod:`.fano`: ``fano_lower_bound``, ``hellman_raviv_upper_bound``,
  ``feder_merhav_upper_bound``, ``bayes_error_bounds``.
- :mod:`.mixtures`: exact Bayes error and H(Y|X) of Gaussian mixtures.
- :mod:`.gaussian_fit`: ``fit_gaussian`` (forward vs reverse KL).
- :mod:`.estimation`: ``entropy_risk_lower_bound`` (van Trees minimax bound on the RMS
  error of any entropy estimator near a distribution).
"""

from __future__ import annotations

from .._lazy import attach

_EXPORTS = {
    "binary_kl": "kl",
    "kl_inv_upper": "kl",
    "kl_inv_lower": "kl",
    "BoundResult": "pac_bayes",
    "kl_bound": "pac_bayes",
    "maurer_xi": "pac_bayes",
    "mcallester_bound": "pac_bayes",
    "classic_bound": "pac_bayes",
    "catoni_bound": "pac_bayes",
    "gibbs_posterior_bound": "pac_bayes",
    "lambda_bound": "pac_bayes",
    "quad_bound": "pac_bayes",
    "mc_sampling_bound": "pac_bayes",
    "holdout_bound": "pac_bayes",
    "stochastic_risk_certificate": "pac_bayes",
    "fano_lower_bound": "fano",
    "hellman_raviv_upper_bound": "fano",
    "feder_merhav_upper_bound": "fano",
    "gaussian_channel_mi_ceiling": "fano",
    "bayes_error_bounds": "bayes_error",
    "BayesErrorBounds": "bayes_error",
    "GaussianMixture": "mixtures",
    "fit_gaussian": "gaussian_fit",
    "GaussianFit": "gaussian_fit",
    "entropy_risk_lower_bound": "estimation",
    "EntropyRiskBound": "estimation",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = attach(__name__, _EXPORTS)
