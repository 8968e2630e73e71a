"""PyTorch integration (requires the ``torch`` extra: ``pip install infolens[torch]``).

- :mod:`~infolens.nn.activations` — capture layer outputs by forward hooks;
- :mod:`~infolens.nn.plane` — the information plane of a network during training, with
  the layer estimators (what I(X;T) and I(T;Y) are measured as) in
  :mod:`~infolens.nn.plane_estimators`;
- :mod:`~infolens.nn.analysis` — data processing, linear-Gaussian flow, weights, dropout,
  batch norm, sufficiency;
- :mod:`~infolens.nn.layers` — aliasing and anti-aliased downsampling;
- :mod:`~infolens.nn.vib` — the variational information bottleneck;
- :mod:`~infolens.nn.pacbayes` — PAC-Bayes training and certificates;
- :mod:`~infolens.nn.synergy` — synergy among neurons;
- :mod:`~infolens.nn.usable` — usable (predictive) information of a layer for a probe family;
- :mod:`~infolens.nn.noisy` — I(X; T+Z) of a trained layer with noise relative to its scale;
- :mod:`~infolens.nn.noisy_label` — I(T+Z; Y) of that noisy layer (the label term of the plane);
- :mod:`~infolens.nn.lightning` — record an information plane from a Lightning ``Trainer``
  or a plain training loop.

``import infolens.nn`` is cheap and does not import torch: each name below is imported from
its submodule on first use, and the first use of a name raises an :class:`ImportError`
naming the extra to install when torch is missing.
"""

from __future__ import annotations

from .._lazy import attach

# public name -> the submodule that defines it (tests/test_imports.py checks this against
# each submodule's __all__)
_EXPORTS = {
    "capture": "activations",
    "Captured": "activations",
    "select_layers": "activations",
    "layer_names": "activations",
    "bounded_width": "activations",
    "InformationPlane": "plane",
    "log_schedule": "plane",
    "LayerEstimator": "plane_estimators",
    "RangeBinning": "plane_estimators",
    "WidthBinning": "plane_estimators",
    "QuantileBinning": "plane_estimators",
    "KDEBounds": "plane_estimators",
    "NoisyNetwork": "plane_estimators",
    "SampleEstimator": "plane_estimators",
    "BinRangeWarning": "plane_estimators",
    "SaturationWarning": "plane_estimators",
    "make_layer_estimator": "plane_estimators",
    "load_records": "plane",
    "plot_information_plane": "plane",
    "track_seeds": "plane",
    "summarize_seeds": "plane",
    "plot_seeds": "plane",
    "binomial_filter": "layers",
    "BlurPool": "layers",
    "aliased_power_fraction": "layers",
    "downsampling_matrix": "layers",
    "downsampling_information": "layers",
    "aliasing_tradeoff": "layers",
    "DPIReport": "analysis",
    "dpi_report": "analysis",
    "LinearGaussianFlow": "analysis",
    "linear_gaussian_flow": "analysis",
    "WeightEntropy": "analysis",
    "weight_entropy": "analysis",
    "DropoutChannel": "analysis",
    "dropout_information": "analysis",
    "BatchNormReport": "analysis",
    "batchnorm_information": "analysis",
    "sufficiency_gap": "analysis",
    "VariationalBottleneck": "vib",
    "VIBOutput": "vib",
    "VIBLoss": "vib",
    "vib_loss": "vib",
    "gaussian_kl_to_standard": "vib",
    "ProbLinear": "pacbayes",
    "ProbConv2d": "pacbayes",
    "to_probabilistic": "pacbayes",
    "prob_layers": "pacbayes",
    "posterior_kl": "pacbayes",
    "set_mode": "pacbayes",
    "bounded_cross_entropy": "pacbayes",
    "bound_objective": "pacbayes",
    "pac_bayes_train": "pacbayes",
    "split_indices": "pacbayes",
    "certificate": "pacbayes",
    "CertificateOptions": "pacbayes",
    "PACBayesCertificate": "pacbayes",
    "gibbs_certificate": "pacbayes",
    "gibbs_network": "pacbayes",
    "GibbsCertificate": "pacbayes",
    "neuron_synergy": "synergy",
    "NeuronSynergy": "synergy",
    "usable_information": "usable",
    "noisy_layer_information": "noisy",
    "noisy_label_information": "noisy_label",
    "lightning_callback": "lightning",
    "track_training": "lightning",
}
_SUBMODULES = ("activations", "plane_estimators", "plane", "layers", "analysis", "vib",
               "pacbayes", "synergy", "usable", "noisy", "noisy_label", "lightning")

__all__ = list(_EXPORTS)

_getattr, __dir__ = attach(__name__, _EXPORTS, _SUBMODULES)


def __getattr__(name: str):
    try:
        return _getattr(name)
    except ModuleNotFoundError as exc:
        if exc.name != "torch":
            raise
        raise ImportError(
            f"infolens.nn.{name} needs PyTorch: install it with `pip install infolens[torch]` "
            "(or `pip install torch` first on a CPU-only machine)."
        ) from exc
