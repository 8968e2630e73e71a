"""The report's sections: each turns the trained model into numbers, a figure and a reading.

A section function takes the shared :class:`Context` and returns a :class:`Section`.  It
calls the library's public analyses; when one of them is not part of this installation,
it raises :class:`~infolens.report.errors.Unavailable` and the page says so instead of
showing a number.

Layout: one module per section (``training``, ``plane`` (the information plane and the
DPI check; for a loaded checkpoint without history they delegate to ``noisy_plane``, the
noisy-layer points and the per-layer DPI), ``per_layer`` (usable information and the
noisy-layer I(X;T)), ``weights``,
``fano``, ``pac_bayes``, ``sufficiency``, ``synergy``, ``channels``); ``_base`` holds the
:class:`Section` record, the :class:`SectionContext` interface the section functions
read, and the shared helpers.  This package defines :class:`Context` (the
implementation), the sample caps and :data:`SECTIONS`, the page's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data import Dataset
from ..errors import NotApplicable
from ._base import (
    Section,
    SectionContext,
    _check_numbers,
    _colormap,
    _fresh_copy,
    _label_entropy_bits,
    _optional,
    _pct,
    _test_outputs,
    need,
    run_section,
)
from .channels import _dropout_modules, _strided_modules, section_channels
from .fano import section_fano
from .pac_bayes import section_pac_bayes
from .per_layer import (
    _PROBE_EPOCHS,
    NOISY_RELATIVE,
    NOISY_SAMPLES,
    _fmt_ci,
    _noisy_row,
    _probe_row,
    section_usable_information,
)
from .plane import (
    _impossible_values,
    _plane_saturation,
    _plane_story,
    section_dpi,
    section_information_plane,
)
from .sufficiency import section_sufficiency
from .synergy import section_synergy
from .training import section_training
from .weights import section_weights

__all__ = ["Section", "SectionContext", "Context", "SECTIONS", "run_section", "need",
           "MAX_ANALYSIS_SAMPLES", "MAX_LAYER_UNITS"]

#: Helpers that lived in the single ``sections.py`` module, still importable from here.
_KEPT_NAMES = (_check_numbers, _colormap, _fresh_copy, _label_entropy_bits, _pct, _test_outputs,
               _dropout_modules, _strided_modules, _PROBE_EPOCHS, NOISY_RELATIVE, NOISY_SAMPLES,
               _fmt_ci, _noisy_row, _probe_row, _impossible_values, _plane_saturation,
               _plane_story)

#: Cap on the samples fed to the estimators whose cost grows faster than n (k-NN,
#: bootstrap, PID); larger datasets are subsampled with the report's seed, and said so.
MAX_ANALYSIS_SAMPLES = 2000

#: Most values per sample kept of one layer's activations (see :meth:`Context.activations`).
MAX_LAYER_UNITS = 512


@dataclass
class Context:
    """Everything the sections share: data, model, training record, options."""

    data: Dataset
    model: Any
    layers: list[str]
    params: dict[str, Any]
    trained: bool
    history: Any = None
    plane: Any = None
    plane_note: str = ""
    progress: bool = True
    cache: dict[str, Any] = field(default_factory=dict)
    layers_note: str = ""  # why no hidden layer can be analysed (e.g. a TorchScript model)
    hook_model: Any = None  # the module forward hooks go through, when not ``model`` itself

    @property
    def capture_model(self) -> Any:
        """The module whose submodules ``layers`` names and whose forward hooks capture them:
        ``model``, or for a TorchScript chain its eager stand-in (:mod:`..scripted`)."""
        return self.model if self.hook_model is None else self.hook_model

    @property
    def test_unseen_by_model(self) -> bool:
        """Whether the model is known not to have been trained on the test split: it was
        trained here, or the split came with the data (``x_train``/``x_test``).  A model
        trained elsewhere, given data split here at random, may have seen the test rows."""
        return self.trained or self.data.info.get("split") == "given"

    @property
    def batch_size(self) -> int:
        """Samples per forward pass of the analyses (``--batch-size``)."""
        return int(self.params.get("eval_batch_size") or 256)

    @property
    def seed(self) -> int:
        return int(self.params["seed"])

    def activations(self, split: str = "test") -> dict[str, np.ndarray]:
        """Outputs of the representation layers on the train or test inputs (cached).

        Captured in batches of :attr:`batch_size`; a layer wider than
        :data:`MAX_LAYER_UNITS` values per sample is reduced batch by batch as it is
        captured (channel means of a feature map, else a fixed random projection:
        :func:`infolens.nn.bounded_width`), so memory is at most n × MAX_LAYER_UNITS values
        per layer; ``cache["reductions"]`` says what was done (shown on the page)."""
        key = f"act_{split}"
        if key not in self.cache:
            x = self.data.x_test if split == "test" else self.data.x_train
            cap = _optional("infolens.nn.activations", "capture")
            if cap is not None:
                got = cap(self.capture_model, x, layers=list(self.layers),
                          batch_size=self.batch_size,
                          max_units=MAX_LAYER_UNITS)
                self.cache[key] = {n: np.asarray(got[n]).reshape(len(x), -1) for n in self.layers}
                self.cache.setdefault("reductions", {}).update(got.reductions)
            else:
                from ..model import forward_layers

                self.cache[key] = forward_layers(self.capture_model, x, self.layers)
        return self.cache[key]

    def subset(self, split: str) -> np.ndarray:
        """Row indices used by the sample-hungry analyses: all rows, or a seeded random
        subset of :data:`MAX_ANALYSIS_SAMPLES` rows when the split is larger (stated)."""
        key = f"subset_{split}"
        if key not in self.cache:
            n = len(self.data.y_test if split == "test" else self.data.y_train)
            if n <= MAX_ANALYSIS_SAMPLES:
                self.cache[key] = np.arange(n)
            else:
                rng = np.random.default_rng(self.seed + (1 if split == "test" else 2))
                self.cache[key] = np.sort(rng.choice(n, MAX_ANALYSIS_SAMPLES, replace=False))
        return self.cache[key]

    def subset_note(self, split: str) -> str:
        """Text for the method line when :meth:`subset` is a proper subset."""
        n = len(self.data.y_test if split == "test" else self.data.y_train)
        k = len(self.subset(split))
        return "" if k == n else f" (a random subset of {k} of the {n} {split} samples)"

    @property
    def last_hidden(self) -> str:
        """Name of the last hidden representation (the layer before the logits)."""
        if len(self.layers) < 2:
            raise NotApplicable(self.layers_note or "the model has no hidden activation layer to "
                              "analyse (only the output layer was found).")
        return self.layers[-2]


SECTIONS: list[tuple[str, str, Callable[[Context], Section]]] = [
    ("training", "Model and training", section_training),
    ("information_plane", "Information plane", section_information_plane),
    ("dpi", "Data processing check across layers", section_dpi),
    ("usable_information", "Per-layer information: usable (probes) and noisy I(X;T)",
     section_usable_information),
    ("weights", "Weight entropy and description length", section_weights),
    ("fano", "Fano's lower bound versus the actual test error", section_fano),
    ("pac_bayes", "PAC-Bayes certificate", section_pac_bayes),
    ("sufficiency", "Sufficiency of the last hidden layer: bounds on the gap",
     section_sufficiency),
    ("synergy", "Synergy among the most informative units", section_synergy),
    ("channels", "Dropout and strided layers as channels", section_channels),
]
