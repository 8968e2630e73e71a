"""Usable (V-) information of probes: exact values where the probe family is Bayes-optimal,
the family's effect, the feasible range of the interval, and bad input."""

import math

import numpy as np
import pytest

pytest.importorskip("torch")

from infolens.nn.usable import usable_information  # noqa: E402


def _gaussian_classes(n, k, d, sigma, rng):
    """Y uniform on k classes, T | Y=c ~ N(mu_c, sigma^2 I): equal covariances, so the
    Bayes posterior p(y|t) is a softmax of a linear function and the linear family's
    V-information equals Shannon's I(T;Y)."""
    mus = 1.5 * np.eye(k, d)
    y = rng.integers(0, k, n)
    t = mus[y] + sigma * rng.normal(size=(n, d))
    return t, y, mus


def _true_mi_nats(mus, sigma, rng, m=400_000):
    """I(T;Y) = H(Y) - E[-log p(Y|T)] by Monte Carlo with the exact posterior (sd ~ 1e-3)."""
    k = len(mus)
    y = rng.integers(0, k, m)
    t = mus[y] + sigma * rng.normal(size=(m, mus.shape[1]))
    logits = -((t[:, None, :] - mus[None]) ** 2).sum(-1) / (2 * sigma**2)
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return math.log(k) + float(logp[np.arange(m), y].mean())


@pytest.mark.parametrize("seed", [0, 1])
def test_linear_probe_recovers_shannon_mi_when_bayes_optimal_is_linear(seed):
    rng = np.random.default_rng(seed)
    t, y, mus = _gaussian_classes(4000, 4, 6, 1.0, rng)
    truth = _true_mi_nats(mus, 1.0, np.random.default_rng(100 + seed))
    est = usable_information(t, y, probe="linear", random_state=seed)
    # tolerance: 3 held-out standard errors (the interval's own noise) plus the excess
    # log-loss of a fitted 28-parameter probe, about params / (2 n_fit) = 28/4200 = 0.007
    # nats (the estimate is biased low by it), doubled for the early-stopping slack
    assert abs(float(est) - truth) < 3 * est.stderr + 0.015, (float(est), truth, est.stderr)
    assert est.ci[0] <= truth + 0.015 and truth - 0.015 <= est.ci[1]
    assert est.unit == "nats" and est.quantity == "I_V(T->Y)"
    assert est.params["h_y"] == pytest.approx(math.log(4), abs=0.03)


def test_held_out_cross_entropy_bounds_the_conditional_entropy():
    """The held-out cross-entropy of any fitted probe estimates E[-log f(Y|T)] >= H(Y|T);
    with a Bayes-optimal linear family it comes within the fit's excess loss of it.  It is
    the same held-out mean as the value, read from the other side: CE = h_y - value."""
    rng = np.random.default_rng(7)
    t, y, mus = _gaussian_classes(4000, 4, 6, 1.0, rng)
    h_y_given_t = math.log(4) - _true_mi_nats(mus, 1.0, np.random.default_rng(107))
    est = usable_information(t, y, probe="linear", random_state=0)
    ce, se = est.params["held_out_cross_entropy"], est.params["cross_entropy_stderr"]
    assert ce == pytest.approx(est.params["h_y"] - float(est), abs=1e-12)
    # 3 standard errors of the held-out mean below; above, that plus the fitted probe's
    # excess loss (about 28 parameters / (2 * 2100 fitting rows) = 0.007 nats, doubled)
    assert h_y_given_t - 3 * se <= ce <= h_y_given_t + 3 * se + 0.015, (ce, h_y_given_t, se)
    assert 0.0 < se < 0.05


def test_mlp_finds_what_a_linear_probe_cannot():
    # Y = xor of the signs of two coordinates: no linear probe beats the label frequencies,
    # a one-hidden-layer MLP predicts almost perfectly (I close to H(Y) = 1 bit)
    rng = np.random.default_rng(3)
    t = rng.normal(size=(3000, 2))
    y = ((t[:, 0] > 0) ^ (t[:, 1] > 0)).astype(int)
    lin = usable_information(t, y, probe="linear", base=2, random_state=0)
    mlp = usable_information(t, y, probe="mlp", base=2, random_state=0, max_epochs=1500,
                             patience=100)
    assert float(lin) < 0.05
    assert float(mlp) > 0.6
    assert lin.unit == "bits"


def test_independent_features_give_about_zero_and_the_interval_stays_feasible():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 2000)
    est = usable_information(rng.normal(size=(2000, 8)), y, random_state=0)
    assert abs(float(est)) < 4 * est.stderr + 0.01
    lo, hi = est.ci
    assert 0.0 <= lo <= hi <= est.params["h_y"]
    raw_lo = float(est) - 1.96 * est.stderr
    assert est.params["ci_cut"] == (raw_lo < 0)


def test_image_shaped_features_are_flattened_and_the_input_is_not_changed():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 600)
    t = (y[:, None, None, None] + rng.normal(size=(600, 2, 3, 3))).astype(np.float32)
    before = t.copy()
    est = usable_information(t, y, base=2, random_state=1)
    assert np.array_equal(t, before)
    assert 0.3 < float(est) <= 1.0


def test_seeded_runs_repeat_and_do_not_touch_torchs_global_generator():
    import torch

    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 500)
    t = y[:, None] + rng.normal(size=(500, 3))
    torch.manual_seed(123)
    a = usable_information(t, y, random_state=7)
    after = torch.rand(1)
    torch.manual_seed(123)
    b = usable_information(t, y, random_state=7)
    assert float(a) == float(b)
    torch.manual_seed(123)
    assert torch.equal(torch.rand(1), after)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(labels=np.zeros(100)), "single class"),
        (dict(labels=np.r_[np.zeros(99), 1]), "class 1.0 has 1 example"),
        (dict(labels=np.zeros(99)), "features.*labels|labels.*features"),
        (dict(probe="svm"), "probe must be one of"),
        (dict(test_size=1.0), "test_size"),
        (dict(ci=1.5), "ci"),
        (dict(device="cuda"), "CUDA is not available|device"),
    ],
)
def test_bad_input(kwargs, match):
    import torch

    if kwargs.get("device") == "cuda" and torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    rng = np.random.default_rng(0)
    args = dict(features=rng.normal(size=(100, 3)), labels=rng.integers(0, 2, 100))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        usable_information(args.pop("features"), args.pop("labels"), **args)


def test_non_finite_features_are_refused():
    t = np.ones((50, 2))
    t[7, 1] = np.nan
    with pytest.raises(ValueError, match="row 7, column 1"):
        usable_information(t, np.r_[np.zeros(25), np.ones(25)])


def test_a_separate_held_out_set_is_used_as_given():
    rng = np.random.default_rng(8)
    t, y, mus = _gaussian_classes(3000, 4, 6, 1.0, rng)
    truth = _true_mi_nats(mus, 1.0, np.random.default_rng(108))
    est = usable_information(t[:2000], y[:2000], held_out=(t[2000:], y[2000:]), random_state=0)
    assert est.params["n_train"] == 2000 and est.params["n_test"] == 1000
    assert abs(float(est) - truth) < 3 * est.stderr + 0.015
    with pytest.raises(ValueError, match="same layer"):
        usable_information(t, y, held_out=(t[:, :3], y))
    with pytest.raises(TypeError, match="pair"):
        usable_information(t, y, held_out=t)
