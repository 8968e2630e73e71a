"""Layers of a TorchScript model (issue 15).

TorchScript refuses forward hooks.  When the model's top-level submodules, called in order
(with a flatten before a Linear where needed), reproduce its output, their outputs are the
layers (``scripted_chain``); models whose forward does more than chain their submodules
are refused by it with the reason.  For those, ``scripted_taps`` reads the submodules'
outputs off a copy of the compiled forward graph.  Both are checked against the eager
model the script was made from, to float32 round-off."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from infolens.nn import capture
from infolens.report.model import representation_layers
from infolens.report.scripted import scripted_chain, scripted_taps


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(4 * 16, 8)
        self.act2 = nn.ReLU()
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        h = self.pool(self.act(self.bn(self.conv(x))))
        return self.out(self.act2(self.fc1(h.flatten(1))))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 5)
        self.b = nn.Linear(5, 2)

    def forward(self, x):
        return self.b(x + torch.tanh(self.a(x)))


class LastStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, batch_first=True)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def _script(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.script is deprecated
        return torch.jit.script(model.eval())


def test_a_cnn_chain_gives_the_eager_layers():
    torch.manual_seed(0)
    eager = CNN().eval()
    with torch.no_grad():  # non-trivial BatchNorm statistics
        eager.bn.running_mean.uniform_(-0.5, 0.5)
        eager.bn.running_var.uniform_(0.5, 2.0)
    x = np.random.default_rng(0).standard_normal((20, 1, 8, 8)).astype(np.float32)
    chain, note = scripted_chain(_script(eager), x[:3])
    assert chain is not None, note
    assert [n for n, _ in chain.named_children()] == ["conv", "bn", "act", "pool", "fc1",
                                                      "act2", "out"]
    assert "with the input of fc1 flattened" in note and "reproduce its output" in note
    want = capture(eager, x, layers=["act", "act2", "out"])
    got = capture(chain, x, layers=["act", "act2", "out"])
    for name in ("act", "act2", "out"):
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6)


def test_a_scripted_sequential_needs_no_flatten():
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    chain, note = scripted_chain(_script(seq), np.ones((2, 3), dtype=np.float32))
    assert chain is not None and "flattened" not in note
    assert [n for n, _ in chain.named_children()] == ["0", "1", "2"]


@pytest.mark.parametrize(("model", "shape", "reason"), [
    (Residual(), (4, 5), "do not reproduce its output"),
    (LastStep(), (4, 6, 3), "its submodule 'lstm' does not"),
])
def test_a_forward_that_does_more_than_chain_is_refused(model, shape, reason):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    chain, note = scripted_chain(_script(model), x)
    assert chain is None
    assert reason in note


class Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)

    def forward(self, x):
        return self.a(self.a(x))


class Branch(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 2)

    def forward(self, x):
        h = self.a(x)
        if bool(h.sum() > 1e9):  # never taken here; b is called only inside a branch
            h = h * 2
        return self.b(torch.relu(h)) + self.b(h)


@pytest.mark.parametrize(("model", "shape", "layers"), [
    (LastStep(), (9, 6, 3), ["lstm", "head"]),  # a tuple output; the last step is used
    (Residual(), (9, 5), ["a", "b"]),  # a skip connection around a
    (CNN(), (9, 1, 8, 8), ["conv", "bn", "act", "pool", "fc1", "act2", "out"]),
])
def test_taps_read_what_the_eager_forward_computes(model, shape, layers):
    torch.manual_seed(0)
    eager = model.eval()
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    taps, note = scripted_taps(_script(eager), x[:3])
    assert taps is not None, note
    assert [n for n, _ in taps.named_children()] == layers
    assert "copy of its forward graph" in note
    got = capture(taps, x, layers=layers)
    want = capture(eager, x, layers=layers)
    for name in layers:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6)
    with torch.no_grad():  # the taps return the model's own output
        np.testing.assert_allclose(taps(torch.as_tensor(x)).numpy(),
                                   eager(torch.as_tensor(x)).numpy(), rtol=1e-5, atol=1e-6)


def test_taps_need_two_submodules_called_once():
    x = np.ones((2, 3), dtype=np.float32)
    for model in (Twice(), Branch()):  # Branch calls b twice: a alone is no layer pair
        taps, note = scripted_taps(_script(model), x)
        assert taps is None and "fewer than two calls" in note


class BranchThenHead(Branch):
    def __init__(self):
        super().__init__()
        self.c = nn.Linear(2, 2)

    def forward(self, x):
        h = self.a(x)
        if bool(h.sum() > 1e9):
            h = h * 2
        return self.c(self.b(torch.relu(h)) + self.b(h))


def test_taps_leave_out_a_submodule_called_twice():
    taps, note = scripted_taps(_script(BranchThenHead()), np.ones((2, 3), dtype=np.float32))
    assert taps is not None, note
    assert [n for n, _ in taps.named_children()] == ["a", "c"]


class Blocks(nn.Module):
    """A transformer-style model: its blocks in a ModuleList, looped over in forward, no
    activation module anywhere (the encoder layers use functional ReLU)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
            for _ in range(3))
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        h = self.emb(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h.mean(1))


def test_taps_name_the_items_of_a_module_list_and_they_are_the_default_layers():
    torch.manual_seed(0)
    eager = Blocks().eval()
    x = np.random.default_rng(3).integers(0, 10, (9, 5))
    scripted = _script(eager)
    taps, note = scripted_taps(scripted, x[:3])
    assert taps is not None, note
    want = ["emb", "blocks.0", "blocks.1", "blocks.2", "head"]
    assert taps.tap_names == want
    types = {n: str(m.original_name) for n, m in scripted.named_modules() if n}
    # no activation module: the shallowest modules called are the layers, for the eager
    # model and for its script alike (a ModuleList is never called, its items are)
    assert representation_layers(taps, x[:2], type_names=types) == want
    assert representation_layers(eager, x[:2]) == want
    got = capture(taps, x, layers=want)
    ref = capture(eager, x, layers=want)
    for name in want:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-5, atol=1e-6)
