"""nn.neuron_synergy on networks whose units code the label in known ways."""

import numpy as np
import pytest
import torch
from torch import nn

from infolens.nn import neuron_synergy


def units_net():
    # identity "layer": the captured units are exactly the constructed inputs
    return nn.Sequential(nn.Identity(), nn.Linear(6, 2))


def make_data(n=6000, seed=0):
    g = torch.Generator().manual_seed(seed)
    bits = torch.randint(0, 2, (n, 3), generator=g)
    noise = 0.05 * torch.randn(n, 6, generator=g)
    x = torch.empty(n, 6)
    x[:, 0] = 2.0 * bits[:, 0] - 1  # XOR inputs
    x[:, 1] = 2.0 * bits[:, 1] - 1
    x[:, 2] = 2.0 * bits[:, 2] - 1  # a bit the label does not depend on
    x[:, 3] = torch.randn(n, generator=g)
    x[:, 4] = torch.randn(n, generator=g)
    x[:, 5] = torch.randn(n, generator=g)
    y = (bits[:, 0] ^ bits[:, 1]).numpy()
    return x + noise, y


def test_xor_pair_is_the_most_synergistic():
    x, y = make_data()
    net = units_net()
    res = neuron_synergy(net, "0", x, y, top_k=6, bins=2, rule="uniform", base=2)
    i, j, s = res.top_pairs[0]
    assert {i, j} == {0, 1}
    # plug-in bias of I(U0 U1; Y) with 8 cells ~ 3 / (2 n ln 2) ~ 4e-4 bit at n = 6000
    assert s == pytest.approx(1.0, abs=0.01)
    # each XOR input alone says (almost) nothing about the label
    assert res.unit_mi[0] < 0.01 and res.unit_mi[1] < 0.01
    assert res.n == 6000 and res.unit == "bits"
    assert len(res.units) == 6 and res.pairs.shape == (15, 2)
    # atoms of every pair add up to the pair's information, and all are reported
    d = res.as_dict()
    assert d["top_pairs"][0][2] == s
    # no hook left behind on the model
    assert all(len(m._forward_hooks) == 0 for m in net.modules())


def test_redundant_units_give_positive_o_information():
    g = torch.Generator().manual_seed(1)
    n = 4000
    z = torch.randn(n, 1, generator=g)
    x = torch.cat([z + 0.3 * torch.randn(n, 4, generator=g), torch.randn(n, 2, generator=g)], dim=1)
    y = (z[:, 0] > 0).long().numpy()
    res = neuron_synergy(units_net(), "0", x, y, top_k=4, bins=4)
    # the four noisy copies of z are the most informative units and share information
    assert set(res.units.tolist()) == {0, 1, 2, 3}
    assert res.o_information > 0.5
    assert (res.triplet_o_information > 0).all()


def test_errors_name_the_argument():
    x, y = make_data(200)
    with pytest.raises(ValueError, match="nope"):
        neuron_synergy(units_net(), "nope", x, y)
    with pytest.raises(TypeError, match="labels"):
        neuron_synergy(units_net(), "0", x, np.random.default_rng(0).normal(size=200))
    with pytest.raises(ValueError, match="different numbers of samples"):
        neuron_synergy(units_net(), "0", x, y[:100])
