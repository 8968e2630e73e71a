"""Variational information bottleneck layer and loss."""

import math

import numpy as np
import pytest
import torch

from infolens.nn import VariationalBottleneck, vib_loss
from infolens.nn.vib import gaussian_kl_to_standard


def test_kl_matches_monte_carlo_and_torch_distributions():
    torch.manual_seed(0)
    mu = torch.randn(6, 3, dtype=torch.float64)
    std = torch.rand(6, 3, dtype=torch.float64) + 0.2
    ours = gaussian_kl_to_standard(mu, std)
    p = torch.distributions.Normal(mu, std)
    q = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(std))
    ref = torch.distributions.kl_divergence(p, q).sum(-1)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)


def test_reparameterisation_moments_and_gradients():
    torch.manual_seed(1)
    layer = VariationalBottleneck(4, 2).double()
    x = torch.randn(1, 4, dtype=torch.float64).expand(20000, 4)
    out = layer(x)
    # z = mu + std * eps: sample mean and std within 5 standard errors of (mu, std)
    se = out.std[0] / math.sqrt(20000)
    assert torch.all((out.z.mean(0) - out.mu[0]).abs() < 5 * se)
    assert torch.all((out.z.std(0) / out.std[0] - 1).abs() < 5 / math.sqrt(2 * 20000))
    # gradients reach both heads through the sample
    out.z.sum().backward()
    assert layer.mean.weight.grad.abs().sum() > 0
    assert layer.scale.weight.grad.abs().sum() > 0
    # eval mode returns the mean; sample=True still draws
    layer.eval()
    ev = layer(x[:3])
    torch.testing.assert_close(ev.z, ev.mu)
    assert not torch.allclose(layer(x[:3], sample=True).z, ev.mu)


def test_vib_loss_terms_and_bounds():
    torch.manual_seed(2)
    logits = torch.randn(8, 3, requires_grad=True)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 0])
    mu = torch.randn(8, 4, requires_grad=True)
    std = torch.rand(8, 4) + 0.5
    prior = np.array([0.5, 0.25, 0.25])
    out = vib_loss(logits, y, mu, std, 0.1, label_prior=prior)
    ce = torch.nn.functional.cross_entropy(logits, y)
    kl = gaussian_kl_to_standard(mu, std).mean()
    torch.testing.assert_close(out.loss, ce + 0.1 * kl)
    h_y = -(prior * np.log(prior)).sum()
    assert out.h_y == pytest.approx(h_y)
    assert float(out.i_zy_lower) == pytest.approx(h_y - float(ce.detach()), rel=1e-6)
    out.loss.backward()
    assert mu.grad is not None and logits.grad is not None
    # bits are nats / ln 2; the loss itself stays in nats
    bits = vib_loss(logits, y, mu, std, 0.1, label_prior=prior, base=2)
    assert float(bits.kl) == pytest.approx(float(out.kl) / math.log(2), rel=1e-6)
    torch.testing.assert_close(bits.loss, out.loss)
    # without a prior, H(Y) is the plug-in entropy of the batch labels (1/2, 1/4, 1/4 here)
    counts = np.bincount(y.numpy(), minlength=3) / 8
    batch = vib_loss(logits, y, mu, std, 0.1)
    assert batch.h_y == pytest.approx(-(counts * np.log(counts)).sum())


def test_trained_vib_bounds_are_consistent():
    # A tiny VIB on a task with known I(X;Y): Y = X for 4 equiprobable inputs, H(Y) = log 4.
    # After training, the lower bound H(Y) - CE must not exceed I(X;Y) = log 4 (it is a
    # lower bound and CE >= 0), and the rate must upper-bound the lower bound of I(Z;Y),
    # since I(Z;Y) <= I(Z;X) <= rate (data processing).
    torch.manual_seed(3)
    x = torch.eye(4).repeat(64, 1)
    y = torch.arange(4).repeat(64)
    enc = VariationalBottleneck(4, 2)
    head = torch.nn.Linear(2, 4)
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=0.05)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 256 x 4 inputs: more threads only add overhead
    try:
        for _ in range(200):
            out = enc(x)
            terms = vib_loss(head(out.z), y, out.mu, out.std, 1e-2, h_y=math.log(4))
            opt.zero_grad()
            terms.loss.backward()
            opt.step()
    finally:
        torch.set_num_threads(threads)
    assert float(terms.i_zy_lower) <= math.log(4) + 1e-6
    assert float(terms.i_zy_lower) > 0.8 * math.log(4)  # it learned the labels
    assert float(terms.kl) >= float(terms.i_zy_lower)


def test_bad_arguments():
    with pytest.raises(ValueError, match="latent_dim"):
        VariationalBottleneck(3, 0)
    layer = VariationalBottleneck(3, 2)
    with pytest.raises(ValueError, match="3 features"):
        layer(torch.zeros(2, 5))
    lg, y, mu, sd = torch.zeros(2, 2), torch.tensor([0, 1]), torch.zeros(2, 1), torch.ones(2, 1)
    with pytest.raises(ValueError, match="beta"):
        vib_loss(lg, y, mu, sd, -1.0)
    with pytest.raises(ValueError, match="label_prior"):
        vib_loss(lg, y, mu, sd, 0.1, label_prior=[0.2, 0.2])
    with pytest.raises(ValueError, match="std"):
        vib_loss(lg, y, mu, torch.zeros(2, 1), 0.1)
    with pytest.raises(ValueError, match="y must"):
        vib_loss(lg, torch.tensor([0, 1, 1]), mu, sd, 0.1)
