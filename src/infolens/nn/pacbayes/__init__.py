r"""PAC-Bayes for PyTorch networks: Gaussian mean-field layers, training by a bound, and
risk certificates.

The stochastic predictor :math:`Q` draws every weight independently,
:math:`w_i \sim \mathcal N(\mu_i, \sigma_i^2)`, once per forward pass (one network per
pass, shared by the whole batch, as the Monte-Carlo step of the certificate requires);
the prior :math:`P` is :math:`\mathcal N(\mu^P_i, \sigma_P^2)` per weight, so

.. math:: \mathrm{KL}(Q\|P) = \sum_i \ln\frac{\sigma_P}{\sigma_i}
          + \frac{\sigma_i^2 + (\mu_i - \mu^P_i)^2}{2\sigma_P^2} - \frac12,

summed over **every** probabilistic parameter of the model (all weights and biases of all
:class:`ProbLinear` / :class:`ProbConv2d` layers).

Priors (``to_probabilistic(model, prior=...)``):

- ``"zero"``: zero-mean isotropic;
- a network with the same architecture whose weights are the prior means: its state at
  initialisation (Dziugaite & Roy 2017; data-independent), or a network trained on a
  *prior split* of the data (Pérez-Ortiz et al. 2021; data-dependent).  For the latter
  pass ``prior_indices``; :func:`certificate` then requires the bound split's indices and
  refuses overlapping splits, and ``n`` is always the size of the data given to it.

References
----------
Dziugaite, G. K. & Roy, D. M. (2017). Computing nonvacuous generalization bounds for deep
(stochastic) neural networks with many more parameters than training data. UAI.
Pérez-Ortiz, M., Rivasplata, O., Shawe-Taylor, J. & Szepesvári, C. (2021). Tighter risk
certificates for neural networks. JMLR 22(227).
Blundell, C. et al. (2015). Weight uncertainty in neural networks. ICML (mean-field
Gaussian layers, softplus parameterisation).

Layout (every public name is importable from here):

- :mod:`.layers`: :class:`ProbLinear`, :class:`ProbConv2d`, :func:`prob_layers`,
  :func:`posterior_kl`, :func:`set_mode` (the posterior and prior parameterisation);
- :mod:`.convert`: :func:`to_probabilistic` (a network and its prior into a stochastic one);
- :mod:`.objectives`: :func:`bounded_cross_entropy`, :func:`bound_objective`;
- :mod:`.training`: :func:`pac_bayes_train`;
- :mod:`.data`: :func:`split_indices` and the checks of ``(X, y)`` and of the splits;
- :mod:`.evaluation`: seeded weight draws and evaluation that leaves the model as it was;
- :mod:`.certificates`: :func:`certificate`, :class:`CertificateOptions`,
  :class:`PACBayesCertificate`;
- :mod:`.gibbs`: :func:`gibbs_certificate`, :func:`gibbs_network`,
  :class:`GibbsCertificate`.
"""

from __future__ import annotations

from .certificates import CertificateOptions, PACBayesCertificate, certificate
from .convert import to_probabilistic
from .data import split_indices
from .gibbs import GibbsCertificate, gibbs_certificate, gibbs_network
from .layers import ProbConv2d, ProbLinear, posterior_kl, prob_layers, set_mode
from .objectives import bound_objective, bounded_cross_entropy
from .training import pac_bayes_train

__all__ = [
    "ProbLinear",
    "ProbConv2d",
    "to_probabilistic",
    "prob_layers",
    "posterior_kl",
    "set_mode",
    "bounded_cross_entropy",
    "bound_objective",
    "pac_bayes_train",
    "split_indices",
    "certificate",
    "CertificateOptions",
    "PACBayesCertificate",
    "gibbs_certificate",
    "gibbs_network",
    "GibbsCertificate",
]
