import math

import numpy as np
import pytest
import torch
from torch import nn

from infolens.estimate.kde import pairwise_mi_bounds
from infolens.nn.analysis import (
    batchnorm_information,
    dpi_report,
    dropout_information,
    linear_gaussian_flow,
    sufficiency_gap,
    weight_entropy,
)
from infolens.nn.plane import InformationPlane, RangeBinning


# ------------------------------------------------------------------ DPI
def test_dpi_report_flags_binning_artefact_with_its_uncertainty(rng):
    # X uniform on [-1, 1]; T1 = 0.05 X, T2 = 20 T1 = X (invertible, so the true I(X;T) is
    # equal for both).  30 bins on [-1, 1]: T1 uses 2 bins (1 bit), T2 all 30 (~4.9 bits).
    x = rng.uniform(-1, 1, size=(2000, 1)).astype(np.float32)
    y = (x[:, 0] > 0.3).astype(int)

    class Chain(nn.Module):
        def __init__(self):
            super().__init__()
            self.t1 = nn.Identity()
            self.t2 = nn.Identity()

        def forward(self, v):
            return self.t2(20 * self.t1(0.05 * v))

    plane = InformationPlane(
        Chain(), x, y, layers=["t1", "t2"], estimator=RangeBinning(30, (-1, 1), n_boot=50), base=2)
    plane.record(0)
    rep = dpi_report(plane.records)
    assert not rep.ok and len(rep.violations) == 1
    v = rep.violations[0]
    assert (v["layer"], v["earlier"], v["epoch"]) == ("t2", "t1", 0)
    assert v["increase"] == pytest.approx(math.log2(30) - 1, abs=0.05)  # uniform occupancy
    assert v["beyond_uncertainty"] and v["ratio"] > 10


def test_dpi_report_exact_values_never_increase():
    rng = np.random.default_rng(3)
    ws = [rng.normal(size=(4, 4)), rng.normal(size=(6, 4)), rng.normal(size=(3, 6))]
    flow = linear_gaussian_flow(ws, [0.5, 0.1, 1.0], np.eye(4))
    assert dpi_report(flow.information).ok
    rep = dpi_report([2.0, 1.0, 1.4, 0.5], names=["a", "b", "c", "d"])
    assert [(r["layer"], r["earlier"]) for r in rep.violations] == [("c", "b")]
    assert rep.violations[0]["ratio"] is None  # no interval given -> no ratio
    # equal values up to float rounding (e.g. two layers both at H(Y)) are not increases
    assert dpi_report([0.9991571208502711, 0.9991571208502713]).ok


# ------------------------------------------------------------------ linear Gaussian
def test_single_layer_closed_form_and_budgets():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 5))
    cov = np.cov(rng.normal(size=(5, 50)))
    flow = linear_gaussian_flow([w], [0.3], cov)
    exact = 0.5 * np.linalg.slogdet(np.eye(3) + w @ cov @ w.T / 0.3)[1]
    assert flow.information[0] == pytest.approx(exact, rel=1e-10)
    assert flow.information[0] <= flow.rate_budget[0] + 1e-12


def test_chain_dpi_bottleneck_and_noise_carried():
    rng = np.random.default_rng(1)
    ws = [rng.normal(size=(6, 6)), rng.normal(size=(2, 6)), rng.normal(size=(6, 2))]
    nv = [0.1, 0.1, 0.1]
    flow = linear_gaussian_flow(ws, nv, np.eye(6))
    info = np.array(flow.information)
    assert np.all(np.diff(info) <= 1e-12)  # the DPI
    # the 2-unit layer has the smallest budget and caps everything after it
    assert flow.bottleneck == 1
    budgets = np.minimum.accumulate(flow.rate_budget)
    assert np.all(info <= budgets + 1e-12)
    # noise injected early is carried: Cov(T_2|X) = W2 (0.1 I) W2^T + 0.1 I
    np.testing.assert_allclose(flow.noise_covs[1], 0.1 * ws[1] @ ws[1].T + 0.1 * np.eye(2))


def test_kt_bounds_bracket_exact_flow_with_samples():
    # Whitening by Cov(T_l|X)^(-1/2) makes the layer noise isotropic with unit variance, so
    # I(X;T_l) is the information of the mixture of N(L M_l x_i, I): the Kolchinsky-Tracey
    # bounds on the sample mixture must bracket the exact value (n = 1500 keeps the
    # sampling error ~0.03 nats, below both gaps of > 0.2 nats here).
    rng = np.random.default_rng(2)
    ws = [rng.normal(size=(3, 2)) * 0.8, rng.normal(size=(2, 3)) * 0.8]
    flow = linear_gaussian_flow(ws, [0.5, 0.5], np.eye(2))
    x = rng.normal(size=(1500, 2))
    for l in range(2):
        ev, evec = np.linalg.eigh(flow.noise_covs[l])
        whiten = evec @ np.diag(ev**-0.5) @ evec.T
        b = pairwise_mi_bounds(x @ (whiten @ flow.maps[l]).T, noise_std=1.0)
        assert float(b.ixt_lower) < flow.information[l] < float(b.ixt)


def test_linear_gaussian_bad_input():
    with pytest.raises(ValueError, match="noise_vars"):
        linear_gaussian_flow([np.eye(2)], [0.0], np.eye(2))
    with pytest.raises(ValueError, match=r"weights\[0\] has shape"):
        linear_gaussian_flow([np.eye(3)], [1.0], np.eye(2))


# ------------------------------------------------------------------ weights
def test_weight_entropy_matches_quantised_density_entropy():
    # weights ~ N(0, s^2) quantised with step d << s: H = 1/2 log2(2 pi e s^2) - log2 d
    # (error O(d^2/s^2)); plug-in bias with ~ 400 occupied levels and 262144 weights is
    # ~ 400 / (2 * 262144 * ln 2) = 0.001 bits.  Tolerance 0.01 bits.
    lin = nn.Linear(512, 512, bias=False)
    g = torch.Generator().manual_seed(0)
    s, d = 0.05, 0.001
    with torch.no_grad():
        lin.weight.copy_(torch.randn(512, 512, generator=g) * s)
    rep = weight_entropy(lin, precision=d)
    exact = 0.5 * math.log2(2 * math.pi * math.e * s * s) - math.log2(d)
    assert rep.layers[0]["bits_per_weight"] == pytest.approx(exact, abs=0.01)
    assert rep.total_bits == pytest.approx(512 * 512 * rep.layers[0]["bits_per_weight"])
    # all weights equal: zero entropy, zero description length
    with torch.no_grad():
        lin.weight.fill_(0.3)
    assert weight_entropy(lin).total_bits == 0.0


def test_trained_sparse_model_has_shorter_description_than_fresh():
    # training with an L1 penalty (proximal SGD: soft-thresholding after each step) drives
    # most weights of irrelevant inputs to exactly 0, a peaked low-entropy distribution;
    # the fresh Kaiming-uniform init is spread evenly over its range (high entropy)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny model: threads only add overhead on a shared machine
    try:
        _sparse_vs_fresh()
    finally:
        torch.set_num_threads(threads)


def _sparse_vs_fresh():
    torch.manual_seed(0)
    x = torch.randn(256, 20)
    y = x[:, :2].sum(1, keepdim=True)
    net = nn.Sequential(nn.Linear(20, 16), nn.Tanh(), nn.Linear(16, 1))
    fresh = weight_entropy(net, precision=1e-2, bins=32)
    lr, lam = 0.05, 0.02
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    for _ in range(200):
        opt.zero_grad()
        ((net(x) - y) ** 2).mean().backward()
        opt.step()
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(p.sign() * (p.abs() - lr * lam).clamp(min=0))
    trained = weight_entropy(net, precision=1e-2, bins=32)
    assert trained.total_bits < 0.5 * fresh.total_bits
    assert trained.layers[0]["histogram_entropy"] < fresh.layers[0]["histogram_entropy"]


# ------------------------------------------------------------------ dropout
@pytest.mark.parametrize("p, n", [(0.2, 1), (0.5, 1), (0.5, 3), (0.8, 2)])
def test_dropout_is_an_erasure_channel(p, n):
    res = dropout_information(p, n_copies=n, n_samples=200_000, random_state=1, base=2)
    assert res.expected == pytest.approx((1 - p**n) * 1.0)  # H(Y) = 1 bit for prior 1/2
    # plug-in error: sd ~ sqrt(p(1-p)/N) * H(Y) <= 0.0012 bits; bias < 10/(2N ln2) ~ 4e-5
    assert float(res.measured) == pytest.approx(res.expected, abs=0.006)
    # inverted-dropout scaling is a bijection on the outputs: identical estimate
    unscaled = dropout_information(p, n_copies=n, n_samples=200_000, random_state=1, scale=False, base=2)
    assert float(unscaled.measured) == float(res.measured)


def test_dropout_extremes_and_bias_prior():
    assert float(dropout_information(0.0, n_samples=5000, base=2).measured) == pytest.approx(1.0, abs=1e-3)
    assert float(dropout_information(1.0, n_samples=5000, base=2).measured) == 0.0
    r = dropout_information(0.3, prior=0.1, n_samples=200_000, base=2)
    h = -(0.1 * math.log2(0.1) + 0.9 * math.log2(0.9))
    assert r.h_y == pytest.approx(h) and float(r.measured) == pytest.approx(0.7 * h, abs=0.006)


# ------------------------------------------------------------------ batch norm
def _bn_data(rng):
    y = rng.integers(0, 3, size=1500)
    t = rng.normal(size=(1500, 3)) + np.eye(3)[y] * 1.5
    return t, y


def test_batchnorm_with_nonzero_scales_keeps_information(rng):
    t, y = _bn_data(rng)
    bn = nn.BatchNorm1d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([2.0, -0.7, 0.05]))
        bn.bias.copy_(torch.tensor([0.3, -1.0, 4.0]))
        bn.running_mean.copy_(torch.tensor([0.5, 0.1, -0.2]))
        bn.running_var.copy_(torch.tensor([1.3, 0.8, 2.0]))
    bn.train()
    rep = batchnorm_information(bn, t, y, n_boot=100)
    assert rep.unchanged and rep.erased == []
    assert bn.training  # mode restored
    assert rep.before.ci[0] < float(rep.before) < rep.before.ci[1]


def test_batchnorm_zero_scale_is_an_erasure(rng):
    t, y = _bn_data(rng)
    bn = nn.BatchNorm1d(3).eval()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.0, 1.0, 1e-9]))
    rep = batchnorm_information(bn, t, y, n_boot=100)
    assert rep.erased == [0, 2]
    # channel 0 (which carried class 0) is constant after BN: information is lost
    assert float(rep.after) < rep.before.ci[0]


# ------------------------------------------------------------------ sufficiency
def test_sufficiency_gap_linear_gaussian(rng):
    # Y = u^T X + eps: u^T X is sufficient (gap 0); a random projection v^T X is not, with
    # exact gap I(X;Y) - I(v^T X;Y) = 1/2 ln(1 + u'u/s2) + 1/2 ln(1 - rho^2).
    n, d, s2 = 4000, 4, 0.5
    u = np.array([1.0, -0.5, 0.3, 0.0])
    v = np.array([0.2, 0.9, 0.1, 0.7])
    x = rng.normal(size=(n, d))
    y = x @ u + math.sqrt(s2) * rng.normal(size=n)
    g_suff = sufficiency_gap(x, x @ u, y, n_boot=100)
    assert g_suff.ci[0] <= 0.0 <= g_suff.ci[1]
    g_rand = sufficiency_gap(x, x @ v, y, n_boot=100)
    rho2 = (u @ v) ** 2 / ((v @ v) * (u @ u + s2))
    exact = 0.5 * math.log1p(u @ u / s2) + 0.5 * math.log(1 - rho2)
    assert g_rand.ci[0] > 0 and g_rand.ci[0] <= exact <= g_rand.ci[1]
    # the interval is centred on the estimate (half-sampling, no duplicated rows)
    for g in (g_suff, g_rand):
        assert g.ci[0] <= float(g) <= g.ci[1]
