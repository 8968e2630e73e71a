"""Probabilistic layers, KL over every layer, bound objectives, certificates, priors."""

import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.distributions import Normal, kl_divergence

from infolens.bounds import (
    classic_bound,
    lambda_bound,
    mcallester_bound,
    quad_bound,
    stochastic_risk_certificate,
)
from infolens.nn.pacbayes import (
    ProbConv2d,
    ProbLinear,
    bound_objective,
    bounded_cross_entropy,
    certificate,
    pac_bayes_train,
    posterior_kl,
    prob_layers,
    set_mode,
    split_indices,
    to_probabilistic,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # tiny tensors: torch's thread pool only adds overhead on the shared 2-core machine
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _manual_kl(layer):
    # independent oracle: torch.distributions' closed-form Normal-Normal KL
    sp = layer.prior_sigma
    total = kl_divergence(
        Normal(layer.weight_mu, layer.weight_sigma), Normal(layer.prior_weight_mu, sp)
    ).sum()
    if layer.bias_mu is not None:
        total = (
            total
            + kl_divergence(
                Normal(layer.bias_mu, layer.bias_sigma), Normal(layer.prior_bias_mu, sp)
            ).sum()
        )
    return total


@pytest.mark.parametrize("param", ["softplus", "log_sigma"])
def test_layer_kl_matches_distributions(param):
    torch.manual_seed(0)
    layer = ProbLinear(5, 4, prior_sigma=0.2, sigma_init=0.05, parameterization=param)
    assert torch.allclose(layer.kl(), _manual_kl(layer), rtol=1e-5)
    conv = ProbConv2d(2, 3, 3, prior_sigma=0.1, sigma_init=0.3, parameterization=param)
    assert torch.allclose(conv.kl(), _manual_kl(conv), rtol=1e-5)


def test_kl_sums_every_layer_of_a_deep_model():
    # regression: a public implementation summed only some layers of a 15-layer network
    torch.manual_seed(0)
    layers = []
    for _ in range(15):
        layers += [nn.Linear(6, 6), nn.Tanh()]
    layers.append(nn.Linear(6, 2))
    net = nn.Sequential(*layers)
    pnet = to_probabilistic(net, prior="zero", prior_sigma=0.1, sigma_init=0.02)
    pl = prob_layers(pnet)
    assert len(pl) == 16
    manual = sum(_manual_kl(layer) for layer in pl)
    assert torch.allclose(posterior_kl(pnet), manual, rtol=1e-6)
    # every layer contributes: moving the LAST layer's means changes the total by exactly its share
    before = float(posterior_kl(pnet).detach())
    with torch.no_grad():
        pl[-1].weight_mu.add_(1.0)
    after = float(posterior_kl(pnet).detach())
    assert after - before == pytest.approx(
        _manual_kl(pl[-1]).item() - _manual_kl_shifted(pl[-1]).item(), rel=1e-5
    )


def _manual_kl_shifted(layer):
    with torch.no_grad():
        layer.weight_mu.sub_(1.0)
        v = _manual_kl(layer)
        layer.weight_mu.add_(1.0)
    return v


def test_nested_modules_and_conv_are_converted():
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.ReLU(),
        nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(2 * 4 * 4, 5), nn.ReLU())),
        nn.Linear(5, 3),
    )
    p = to_probabilistic(net, prior=net, prior_sigma=0.05)
    assert [type(m).__name__ for m in prob_layers(p)] == ["ProbConv2d", "ProbLinear", "ProbLinear"]
    assert posterior_kl(p).item() == pytest.approx(0.0, abs=1e-5)  # Q = P at the start
    x = torch.randn(7, 1, 4, 4)
    set_mode(p, "mean")
    assert torch.allclose(p(x), net(x), atol=1e-6)  # posterior means = the trained weights
    set_mode(p, "sample")
    assert not torch.allclose(p(x), p(x))


def test_sampled_weights_have_the_posterior_variance():
    torch.manual_seed(1)
    layer = ProbLinear(
        1, 1, bias=False, sigma_init=0.3, prior_sigma=0.3, parameterization="log_sigma"
    )
    with torch.no_grad():
        draws = torch.stack([layer._draw()[0] for _ in range(20000)]).flatten()
    # sample sd of 20000 normal draws has relative sd 1/sqrt(2*20000) = 0.005; 5 sd -> 2.5%
    assert float(draws.std()) == pytest.approx(0.3, rel=0.025)
    assert float(draws.mean()) == pytest.approx(
        layer.weight_mu.item(), abs=5 * 0.3 / math.sqrt(20000)
    )


def test_unsupported_parametric_layer_rejected():
    net = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    with pytest.raises(TypeError, match="BatchNorm1d"):
        to_probabilistic(net)
    with pytest.raises(ValueError, match="same architecture"):
        to_probabilistic(nn.Sequential(nn.Linear(3, 2)), prior=nn.Sequential(nn.Linear(3, 4)))


@pytest.mark.parametrize(
    "kind,f",
    [
        ("quad", quad_bound),
        ("lambda", lambda_bound),
        ("mcallester", mcallester_bound),
        ("classic", classic_bound),
    ],
)
def test_torch_objectives_equal_numpy_bounds(kind, f):
    for emp, kl, n in [(0.05, 10.0, 1000), (0.2, 300.0, 20000)]:
        t = bound_objective(
            torch.tensor(emp, dtype=torch.float64),
            torch.tensor(kl, dtype=torch.float64),
            n,
            delta=0.025,
            kind=kind,
        )
        assert float(t) == pytest.approx(f(emp, kl, n, delta=0.025).value, rel=1e-12)


def test_bounded_cross_entropy_range_and_value():
    logits = torch.tensor([[10.0, -10.0], [0.0, 0.0], [-30.0, 30.0]])
    y = torch.tensor([0, 0, 0])
    v = bounded_cross_entropy(logits, y, p_min=1e-4)
    assert float(v[1]) == pytest.approx(math.log(2) / math.log(1e4), rel=1e-6)
    assert float(v[2]) == pytest.approx(1.0)  # clamped at p_min
    assert float(v.min()) >= 0


def _toy(n, d=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    y = (x.sum(1) > 0).long()
    return x, y


def test_certificate_terms_and_split_checks():
    torch.manual_seed(0)
    x, y = _toy(300)
    prior_idx, bound_idx = split_indices(300, 0.3, random_state=0)
    assert np.intersect1d(prior_idx, bound_idx).size == 0 and prior_idx.size + bound_idx.size == 300
    net = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.02, prior_indices=prior_idx)
    data = (x[bound_idx], y[bound_idx])
    with pytest.raises(ValueError, match="indices"):
        certificate(p, data, mc_samples=10)
    with pytest.raises(ValueError, match="both the prior split and the bound split"):
        certificate(p, (x[:210], y[:210]), indices=np.arange(210), mc_samples=10)
    c = certificate(p, data, indices=bound_idx, mc_samples=50, random_state=0)
    assert c.n == bound_idx.size  # n is the bound split, never the whole dataset
    again = stochastic_risk_certificate(
        c.empirical_risk_01, 50, c.kl, c.n, delta=0.025, delta_mc=0.01
    )
    assert c.risk_01 == again.value
    assert c.risk_01 >= c.mc_bound_01 >= c.empirical_risk_01
    assert c.holdout is not None and c.holdout.n == c.n  # prior-mean net on the same examples
    assert c.kl == pytest.approx(0.0, abs=1e-4)


def test_training_by_bound_lowers_the_bound():
    torch.manual_seed(0)
    x, y = _toy(200, seed=1)
    net = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
    p = to_probabilistic(net, prior="zero", prior_sigma=0.1)
    c0 = certificate(p, (x, y), mc_samples=30, random_state=0)
    hist = pac_bayes_train(
        p, (x, y), objective="quad", epochs=30, lr=0.05, batch_size=100, random_state=0
    )
    c1 = certificate(p, (x, y), mc_samples=30, random_state=0)
    assert hist[-1]["objective"] < hist[0]["objective"]
    assert c1.risk_01 < c0.risk_01


def test_symmetry_respecting_prior_gives_smaller_kl_and_tighter_bound():
    # Task invariant under permuting the d input coordinates: y = 1[sum(x) > 0].
    # Priors, all with the same sigma_P and learned/fixed without the bound split:
    #   isotropic zero-mean, and a prior learned on the prior split symmetrised over the group
    #   (each prior example replaced by its average over random permutations -> tied weights).
    torch.manual_seed(0)
    d, n_prior, n_bound = 10, 40, 600
    x, y = _toy(n_prior + n_bound, d=d, seed=2)
    xp, yp = x[:n_prior], y[:n_prior]
    xb, yb = x[n_prior:], y[n_prior:]

    def fit(xs, ys, epochs=300):
        net = nn.Sequential(nn.Linear(d, 2))
        opt = torch.optim.Adam(net.parameters(), lr=0.05)
        for _ in range(epochs):
            opt.zero_grad()
            nn.functional.cross_entropy(net(xs), ys).backward()
            opt.step()
        return net

    # symmetrised prior data: each example under 20 random permutations of its coordinates
    perms = [torch.randperm(d) for _ in range(20)]
    xs = torch.cat([xp[:, pi] for pi in perms])
    ys = yp.repeat(20)
    sym_prior = fit(xs, ys)
    results = {}
    for name, prior in [("isotropic", "zero"), ("symmetric", sym_prior)]:
        torch.manual_seed(1)
        start = sym_prior if name == "symmetric" else nn.Sequential(nn.Linear(d, 2))
        p = to_probabilistic(start, prior=prior, prior_sigma=0.3)
        pac_bayes_train(
            p, (xb, yb), objective="quad", epochs=40, lr=0.02, batch_size=100, random_state=0
        )
        results[name] = certificate(p, (xb, yb), mc_samples=100, random_state=0)
    assert results["symmetric"].kl < results["isotropic"].kl
    assert results["symmetric"].risk_01 < results["isotropic"].risk_01


def test_lazy_exports_from_infolens_nn():
    import infolens.nn as inn
    from infolens.nn import pacbayes

    for name in pacbayes.__all__:
        assert getattr(inn, name) is getattr(pacbayes, name)


def test_bbb_objective_is_risk_plus_weighted_kl_and_its_weight_controls_the_kl():
    # the per-epoch history averages loss, risk and KL over the same batches, and each batch
    # loss is risk + eta * KL / n, so the averages obey the same identity up to float rounding
    x, y = _toy(200, seed=3)
    kls = {}
    for eta in (1.0, 0.01):
        torch.manual_seed(0)
        net = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
        p = to_probabilistic(net, prior=net, prior_sigma=0.05)
        hist = pac_bayes_train(
            p,
            (x, y),
            objective="bbb",
            kl_penalty=eta,
            epochs=20,
            lr=0.01,
            optimizer="adam",
            batch_size=50,
            random_state=0,
        )
        for h in hist:
            assert h["objective"] == pytest.approx(
                h["empirical_risk"] + eta * h["kl"] / 200, rel=1e-5
            )
        kls[eta] = float(posterior_kl(p).detach())
    # a 100x smaller KL weight must let the posterior move further from the prior
    assert kls[0.01] > kls[1.0]
    with pytest.raises(ValueError, match="kl_penalty"):
        pac_bayes_train(p, (x, y), objective="bbb", epochs=1)
    with pytest.raises(ValueError, match="kl_penalty"):
        pac_bayes_train(p, (x, y), objective="quad", kl_penalty=0.1, epochs=1)


def test_non_finite_objective_raises_instead_of_training_on():
    # SGD with lr * curvature >> 2 diverges: the KL's curvature in a mean is 1/sigma_P^2 = 1e6
    # (times the quad bound's d/dKL ~ 1/n), so lr = 50 overshoots exponentially
    x, y = _toy(100, seed=4)
    net = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))
    p = to_probabilistic(net, prior="zero", prior_sigma=1e-3)
    with pytest.raises(FloatingPointError, match="lower lr"):
        pac_bayes_train(p, (x, y), objective="quad", epochs=50, lr=50.0, random_state=0)


def test_lambda_objective_at_its_optimal_lambda_is_the_quad_bound():
    # Closed form: with a = B/n, min over lambda in (0, 2) of (L + a/lambda) / (1 - lambda/2)
    # is (sqrt(L + a/2) + sqrt(a/2))**2 (set the derivative to zero: lambda* = 2/(sqrt(2L/a+1)+1)),
    # i.e. the quad bound; so training with "lambda" and with "quad" gives the same posterior.
    # Check against a brute-force minimisation over a fine lambda grid (grid error ~ step^2).
    for emp, kl, n in [(0.05, 10.0, 1000), (0.003, 0.2, 719), (0.4, 300.0, 50000)]:
        e = torch.tensor(emp, dtype=torch.float64)
        k = torch.tensor(kl, dtype=torch.float64)
        quad = float(bound_objective(e, k, n, delta=0.025, kind="quad"))
        lam = float(bound_objective(e, k, n, delta=0.025, kind="lambda"))
        a = (kl + math.log(2 * math.sqrt(n) / 0.025)) / n
        grid = np.linspace(1e-4, 2 - 1e-4, 200001)
        brute = np.min((emp + a / grid) / (1 - grid / 2))
        assert lam == pytest.approx(quad, rel=1e-12)
        assert brute == pytest.approx(quad, rel=1e-6)
        assert brute >= quad * (1 - 1e-12)  # the closed form is the minimum, not above it


def test_certificate_catoni_and_bernstein_options():
    torch.manual_seed(0)
    x, y = _toy(300, seed=3)
    prior_idx, bound_idx = split_indices(300, 0.3, random_state=0)
    net = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.02, prior_indices=prior_idx)
    data = (x[bound_idx], y[bound_idx])
    kw = dict(indices=bound_idx, mc_samples=200, random_state=0)
    base = certificate(p, data, **kw)
    cat = certificate(p, data, bound="catoni", catoni_c=1.0, mc_method="bernstein", **kw)
    # same seed, same weight draws: same empirical risk, only the two steps differ
    assert cat.empirical_risk_01 == base.empirical_risk_01
    assert cat.bound == "catoni" and cat.mc_method == "bernstein"
    assert cat.bound_01.terms["C"] == 1.0 and cat.bound_01.penalty == pytest.approx(
        cat.kl + math.log(1 / 0.025), rel=1e-12
    )
    assert cat.risk_01 >= cat.mc_bound_01 >= cat.empirical_risk_01
    # the draws of a network with sigma 0.02 agree closely: Bernstein's MC step is tighter
    assert cat.mc_bound_01 < base.mc_bound_01
    for bad, match in [
        (dict(bound="catoni"), "catoni_c"),
        (dict(bound="catoni", catoni_c=-1.0), "catoni_c"),
        (dict(catoni_c=1.0), "only used by bound='catoni'"),
        (dict(bound="seeger"), "bound must be"),
        (dict(mc_method="hoeffding"), "mc_method must be"),
    ]:
        with pytest.raises(ValueError, match=match):
            certificate(p, data, **kw, **bad)


def test_certificate_exact_xi_is_tighter_and_checked():
    torch.manual_seed(0)
    x, y = _toy(200, seed=4)
    net = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.02)
    a = certificate(p, (x, y), mc_samples=20, random_state=0)
    b = certificate(p, (x, y), mc_samples=20, random_state=0, xi="exact")
    assert b.bound_01.terms["xi"] < a.bound_01.terms["xi"] == 2 * math.sqrt(200)
    assert b.risk_01 < a.risk_01
    with pytest.raises(ValueError, match="xi must be"):
        certificate(p, (x, y), mc_samples=20, bound="catoni", catoni_c=1.0, xi="exact")


def test_gibbs_certificate_draws_from_the_prior_and_rebuilds_them():
    from infolens.bounds import gibbs_posterior_bound
    from infolens.nn.pacbayes import gibbs_certificate, gibbs_network

    torch.manual_seed(0)
    x, y = _toy(400, seed=5)
    prior_idx, bound_idx = split_indices(400, 0.25, random_state=1)
    net = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.2, prior_indices=prior_idx)
    data = (x[bound_idx], y[bound_idx])
    c = gibbs_certificate(p, data, catoni_c=1.0, prior_samples=40, indices=bound_idx)
    # rebuild every draw: their risks reproduce the certificate's bound exactly
    risks = np.array(
        [
            float((gibbs_network(p, c, i)(data[0]).argmax(1) != data[1]).float().mean())
            for i in range(40)
        ]
    )
    again = gibbs_posterior_bound(risks, c.n, delta=c.delta, c=1.0)
    # (float32 means here against exact counts there: agreement to float32 precision)
    assert c.risk_01 == pytest.approx(again.value, rel=1e-6)
    assert c.prior_mean_risk == pytest.approx(risks.mean(), rel=1e-6)
    assert c.empirical_risk_01 == pytest.approx(c.weights @ risks, rel=1e-6)
    assert np.allclose(c.risks, risks, rtol=1e-6)
    assert c.empirical_risk_01 <= c.prior_mean_risk  # tilted toward the better draws
    assert c.n == bound_idx.size and c.holdout is not None and c.holdout.delta == c.delta
    # one network per draw even when the evaluation is batched
    c2 = gibbs_certificate(
        p, data, catoni_c=1.0, prior_samples=40, indices=bound_idx, eval_batch_size=7
    )
    assert c2.risk_01 == c.risk_01
    # the posterior plays no part: moving its means changes nothing
    with torch.no_grad():
        for layer in prob_layers(p):
            layer.weight_mu.add_(1.0)
    assert (
        gibbs_certificate(p, data, catoni_c=1.0, prior_samples=40, indices=bound_idx).risk_01
        == c.risk_01
    )
    # the draws have the prior's spread around the prior mean
    w = torch.stack([gibbs_network(p, c, i)[0].weight_mu.detach() for i in range(40)])
    prior_mu = prob_layers(p)[0].prior_weight_mu
    assert float((w - prior_mu).std()) == pytest.approx(0.2, rel=0.1)  # 1920 draws: sd ~2%


def test_gibbs_certificate_bad_input():
    from infolens.nn.pacbayes import gibbs_certificate

    x, y = _toy(100, seed=6)
    prior_idx, bound_idx = split_indices(100, 0.3, random_state=0)
    net = nn.Sequential(nn.Linear(6, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.1, prior_indices=prior_idx)
    data = (x[bound_idx], y[bound_idx])
    with pytest.raises(ValueError, match="catoni_c"):
        gibbs_certificate(p, data, catoni_c=0.0, indices=bound_idx)
    with pytest.raises(ValueError, match="prior_samples"):
        gibbs_certificate(p, data, catoni_c=1.0, prior_samples=0, indices=bound_idx)
    with pytest.raises(TypeError, match="random_state"):
        gibbs_certificate(p, data, catoni_c=1.0, random_state=None, indices=bound_idx)
    with pytest.raises(ValueError, match="both the prior split and the bound split"):
        gibbs_certificate(p, (x[:70], y[:70]), catoni_c=1.0, indices=np.arange(70))
    with pytest.raises(ValueError, match="indices"):
        gibbs_certificate(p, data, catoni_c=1.0)


def _modes(model):
    return [m.training for m in model.modules()]


@pytest.mark.parametrize("which", ["certificate", "gibbs_certificate"])
def test_certificates_restore_every_module_mode_and_grad_mode(which):
    # Regression (issue 17, item 7): model.train(was_training) on the whole model, outside
    # a finally, set a Dropout left in eval back to train, and an exception midway left the
    # model in eval mode.
    from infolens.nn.pacbayes import gibbs_certificate

    x, y = _toy(120, seed=7)
    net = nn.Sequential(nn.Linear(6, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.05)
    if which == "certificate":
        def run():
            return certificate(p, (x, y), mc_samples=4, random_state=0)
    else:
        def run():
            return gibbs_certificate(p, (x, y), catoni_c=1.0, prior_samples=4)
    p.train()
    p[1].eval()  # a Dropout left in eval inside a model in train mode
    set_mode(p, "mean")  # and the probabilistic layers in mean mode
    expected = _modes(p)
    assert expected == [True, True, False, True]
    run()
    assert _modes(p) == expected
    assert [la.mode for la in prob_layers(p)] == ["mean", "mean"]
    # an exception in the third forward pass of the last layer
    calls = []

    def boom(*_):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("boom")

    h = p[2].register_forward_hook(boom)
    try:
        with torch.enable_grad(), pytest.raises(RuntimeError, match="boom"):
            run()
        assert torch.is_grad_enabled()  # the grad mode of the caller, not no_grad
    finally:
        h.remove()
    assert _modes(p) == expected
    assert [la.mode for la in prob_layers(p)] == ["mean", "mean"]
    assert all(la._fixed is None and la._generator is None for la in prob_layers(p))


def test_random_state_does_not_reseed_torchs_global_generator():
    # Regression (issue 17, item 7): certificate(random_state=) and pac_bayes_train called
    # torch.manual_seed.  The draws now come from a local torch.Generator: the global
    # stream continues as if nothing happened, and equal seeds still give equal results.
    from infolens.nn.pacbayes import gibbs_certificate

    x, y = _toy(120, seed=8)
    net = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.05)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    pac_bayes_train(p, (x, y), epochs=1, random_state=4)
    c1 = certificate(p, (x, y), mc_samples=6, random_state=3)
    gibbs_certificate(p, (x, y), catoni_c=1.0, prior_samples=3, random_state=1)
    assert torch.equal(torch.rand(3), expected)
    torch.manual_seed(999)  # a different global state changes nothing seeded
    assert certificate(p, (x, y), mc_samples=6, random_state=3) == c1


def test_certificate_options_object_equals_keywords():
    # issue 18 item 5: the settings of certificate() grouped in CertificateOptions; the
    # keyword form, the object form and object + keyword override give the same draws and
    # the same certificate (same seed), and a misspelt setting is refused by name.
    from infolens.nn.pacbayes import CertificateOptions

    x, y = _toy(150, seed=9)
    net = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))
    p = to_probabilistic(net, prior=net, prior_sigma=0.05)
    kw = dict(mc_samples=12, random_state=5, bound="catoni", catoni_c=2.0, mc_method="best")
    by_keywords = certificate(p, (x, y), **kw)
    by_object = certificate(p, (x, y), CertificateOptions(**kw))
    assert by_object == by_keywords
    base = CertificateOptions(mc_samples=12, random_state=5)
    overridden = certificate(p, (x, y), base, bound="catoni", catoni_c=2.0, mc_method="best")
    assert overridden == by_keywords
    assert base.bound == "kl"  # the object given is not changed
    with pytest.raises(TypeError, match="mc_sample"):
        certificate(p, (x, y), mc_sample=12)
    with pytest.raises(TypeError, match="CertificateOptions"):
        certificate(p, (x, y), {"mc_samples": 12})
    # the checks run when the object is made, with the messages of the keyword form
    with pytest.raises(ValueError, match="only used by bound='catoni'"):
        CertificateOptions(catoni_c=1.0)
    with pytest.raises(ValueError, match="needs mc_samples >= 2"):
        CertificateOptions(mc_samples=1, mc_method="bernstein")
