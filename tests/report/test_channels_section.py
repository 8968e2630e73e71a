"""The channels section on a TorchScript model: its dropout layers exist but take no hooks.
The page must say so and name them, not claim the model has none (seen on a scripted
transformer of a new user's)."""

from __future__ import annotations

from types import SimpleNamespace

import torch

from infolens.report.sections.channels import _dropout_modules, section_channels


def _net() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                               torch.nn.Linear(8, 2))


def test_scripted_dropout_layers_are_named_with_the_way_to_analyse_them():
    scripted = torch.jit.script(_net().eval())
    assert _dropout_modules(scripted) == []  # no hookable nn.Dropout in the archive
    sec = section_channels(SimpleNamespace(model=scripted))
    assert sec.status == "not_applicable"
    assert "1 dropout layer(s) (2)" in sec.reading and "--model-factory" in sec.reading
    assert "has no dropout layer" not in sec.reading


def test_eager_dropout_is_found_and_a_plain_net_has_none():
    assert _dropout_modules(_net()) == [("2", 0.3)]
    plain = torch.nn.Sequential(torch.nn.Linear(4, 2))
    sec = section_channels(SimpleNamespace(model=torch.jit.script(plain)))
    assert sec.status == "not_applicable" and "no dropout layer" in sec.reading
