"""Neural MI estimators (infolens.estimate.neural) against closed-form Gaussian MI.

Tolerances (measured, see benchmarks/results/neural.md): a variational estimate has two
errors, the sampling error of the held-out evaluation (its own ``stderr``, about 0.08-0.1
nats at n_test = 400 for InfoNCE, SMILE, DEMI) and the gap of the trained critic, which is one-sided (the
critic is not optimal, so the bounds fall short of the MI).  The tests require

* from above: ``value <= truth + 4 stderr`` for the bounds (a lower bound evaluated on
  held-out data exceeds the MI only by sampling error; DEMI is no bound and gets the
  two-sided budget below);
* from below: ``value >= truth - gap`` with ``gap`` = |mean error| + 3 sd of the
  measured replicates of that method, rounded up (tables per case below).
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import infolens  # noqa: E402
from infolens.estimate import neural  # noqa: E402
from infolens.exact import gaussian as eg  # noqa: E402

METHODS = neural.METHODS
FAST = {"max_epochs": 40}  # for tests that check plumbing, not accuracy


def _pair(d: int, rho: float, n: int, seed: int):
    c = np.eye(2 * d)
    for i in range(d):
        c[i, d + i] = c[d + i, i] = rho
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2 * d)) @ np.linalg.cholesky(c).T
    return z[:, :d], z[:, d:], eg.mutual_information(c, list(range(d)), list(range(d, 2 * d)))


@pytest.fixture(autouse=True)
def _one_thread():
    # the test machine is shared; restore what was there
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# ------------------------------------------------------------------ registration


def test_registered_and_listed():
    names = {e.name: e for e in infolens.estimators("mi")}
    for m in METHODS:
        assert m in names and names[m].random and names[m].kinds == ("continuous",)
        assert "hidden" in names[m].params and names[m].reference
    assert "tau" in names["smile"].params and "ma_rate" in names["mine"].params


def test_import_infolens_does_not_import_torch():
    code = (
        "import sys, infolens; infolens.estimators(); "
        "from infolens.estimate import neural; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ accuracy


# 5+5 dimensions, rho = 0.8 per coordinate pair: I = 2.554 nats; n = 2,000
# (train / validation / test = 1,200 / 400 / 400).  Measured over 3 seeds
# (benchmarks/results/neural.md; mean error, sd in nats): infonce -0.17, 0.14; nwj
# -0.99, 1.50; mine -0.41, 0.45; smile -0.23, 0.12; demi +0.08, 0.16.  Budget =
# |mean| + 3 sd, rounded up; DEMI's is two-sided.  NWJ and MINE carry exponential
# moments of the critic: one NWJ seed fell to 0.8 nats (its own stderr, 2.1 nats,
# flagged it), which makes NWJ's rule-based budget (5.5 nats) vacuous; it is held to
# 2 nats here, on this fixed seed, and from above by its stderr like the other bounds.
GAP_5X5 = {"infonce": 0.6, "nwj": 2.0, "mine": 1.8, "smile": 0.6, "demi": 0.7}


@pytest.mark.parametrize("method", METHODS)
def test_gaussian_5x5(method):
    x, y, truth = _pair(5, 0.8, 2000, seed=1)
    est = infolens.mutual_information(x, y, method=method, random_state=0, ci=0.95)
    v = float(est)
    assert v >= truth - GAP_5X5[method], (method, v, truth)
    if method == "demi":
        assert v <= truth + GAP_5X5["demi"], (method, v, truth)
    else:
        assert v <= truth + 4 * est.stderr, (method, v, truth, est.stderr)
    p = est.params
    assert (p["n_train"], p["n_valid"], p["n_test"]) == (1200, 400, 400)
    assert 1 <= p["best_epoch"] <= p["epochs_run"] <= p["max_epochs"]
    assert "separable" in p["architecture"] and p["hidden"] == (256,)
    assert est.method == method and est.n == 2000


# 25+25 dimensions, rho = 0.5: I = 3.596 nats at n = 5,000 (3,000 training rows for 50
# dimensions: every estimator is 18-28% low).  Measured over 3 seeds (mean error, sd):
# infonce -0.65, 0.09; nwj -0.76, 0.05; mine -0.75, 0.05; smile -0.79, 0.11; demi
# -1.01, 0.11 (benchmarks/results/neural.md).  Budget |mean| + 3 sd -> 1.4 nats for all.
# About 30 s each on one core, hence slow.
@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_gaussian_25x25_slow(method):
    x, y, truth = _pair(25, 0.5, 5000, seed=2)
    est = infolens.mutual_information(x, y, method=method, random_state=0, ci=0.95)
    v = float(est)
    assert v >= truth - 1.4, (method, v, truth)
    if method == "demi":
        assert v <= truth + 1.4, (method, v, truth)
    else:
        assert v <= truth + 4 * est.stderr, (method, v, truth, est.stderr)


def test_infonce_is_capped_at_log_eval_batch_and_demi_is_not():
    # I = 5 * -0.5 log(1 - 0.95^2) = 5.82 nats, above log(20) = 3.00 (200 test rows in 10 blocks of 20)
    x, y, truth = _pair(5, 0.95, 1000, seed=3)
    kw = dict(random_state=0, max_epochs=60)
    nce = infolens.mutual_information(x, y, method="infonce", **kw)
    assert nce.params["n_test"] == 200 and nce.params["infonce_cap"] == pytest.approx(math.log(200))
    assert float(nce) <= math.log(200) + 1e-9
    small = infolens.mutual_information(x, y, method="infonce", eval_batch=20, **kw)
    assert small.params["infonce_cap"] == pytest.approx(math.log(20))
    assert math.log(20) - 0.5 < float(small) <= math.log(20) + 1e-9  # saturated at the cap
    demi = infolens.mutual_information(x, y, method="demi", eval_batch=20, **kw)
    assert float(demi) > math.log(20) + 0.5 and "infonce_cap" not in demi.params


# ------------------------------------------------------- held-out terms and interval


def _true_scores(rho: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact log density ratio of a standard bivariate normal pair on all (x_i, y_j)."""
    a, b = x[:, None], y[None, :]
    q = (a * a - 2 * rho * a * b + b * b) / (1 - rho * rho)
    return -0.5 * math.log(1 - rho * rho) - 0.5 * q + 0.5 * (a * a + b * b)


@pytest.mark.parametrize("method", ["infonce", "nwj", "mine", "smile", "demi", "js"])
def test_block_terms_mean_is_the_formula(method):
    rng = np.random.default_rng(4)
    s = rng.normal(size=(30, 30)) + 3 * np.eye(30)
    t = neural._block_terms(method, s, 1.5)
    d, off = np.diag(s), s[~np.eye(30, dtype=bool)]
    direct = {
        "infonce": np.mean(d - np.log(np.exp(s).sum(1))) + math.log(30),
        "nwj": d.mean() - np.mean(np.exp(off - 1)),
        "mine": d.mean() - math.log(np.mean(np.exp(off))),
        "smile": d.mean() - math.log(np.mean(np.exp(np.clip(off, -1.5, 1.5)))),
        "demi": d.mean(),
        "js": -np.mean(np.logaddexp(0, -d)) - np.mean(np.logaddexp(0, off)),
    }[method]
    assert t.mean() == pytest.approx(direct, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("method", ["infonce", "nwj", "mine", "demi"])
def test_influence_stderr_matches_monte_carlo(method):
    # With a fixed critic (the exact log ratio) the spread of the held-out value over
    # fresh test sets is what the influence-term stderr estimates: within 20% over 400
    # replicates (sd of a sd estimate from 400 draws is about 3.5%).
    rho, k = 0.8, 200
    rng = np.random.default_rng(5)
    vals, ses = [], []
    for _ in range(400):
        x = rng.standard_normal(k)
        y = rho * x + math.sqrt(1 - rho * rho) * rng.standard_normal(k)
        t = neural._block_terms(method, _true_scores(rho, x, y), None)
        vals.append(t.mean())
        ses.append(t.std(ddof=1) / math.sqrt(k))
    assert np.mean(ses) == pytest.approx(np.std(vals, ddof=1), rel=0.2)


def test_interval_never_below_zero_and_says_so():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(400, 2)), rng.normal(size=(400, 2))  # independent: I = 0
    est = infolens.mutual_information(x, y, method="nwj", ci=0.95, random_state=0, **FAST)
    assert est.ci[0] >= 0 and est.ci[1] >= 0 and est.ci[0] <= est.ci[1]
    if est.params["ci_cut"]:
        assert est.ci[0] == 0.0 and "raised to 0" in est.params["ci_cut"]
    assert est.params["ci_scheme"].startswith("normal, held-out influence terms")


def test_train_critic_then_evaluate_on_new_data():
    x, y, truth = _pair(2, 0.8, 1200, seed=7)
    fit = neural.train_critic(x[:800], y[:800], method="infonce", random_state=0, max_epochs=80)
    est = fit.evaluate(x[800:], y[800:], ci=0.9, base=2)
    assert est.unit == "bits" and est.n == 400 and est.params["n_eval"] == 400
    assert est.params["n_train"] == 640 and est.params["n_valid"] == 160
    assert abs(float(est) * math.log(2) - truth) < 0.4
    assert est.ci[0] <= float(est) <= est.ci[1]


# ------------------------------------------------------------------ seeding


def test_seeding_is_reproducible_and_leaves_torch_alone():
    x, y, _ = _pair(3, 0.6, 500, seed=8)
    torch.manual_seed(1234)
    state = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    a = infolens.mutual_information(x, y, method="mine", random_state=3, **FAST)
    b = infolens.mutual_information(x, y, method="mine", random_state=3, **FAST)
    c = infolens.mutual_information(x, y, method="mine", random_state=4, **FAST)
    assert float(a) == float(b) and a.params == b.params
    assert float(a) != float(c)
    assert torch.equal(torch.random.get_rng_state(), state)  # global generator untouched
    assert torch.get_num_threads() == threads
    torch.set_num_threads(2)
    d = infolens.mutual_information(x, y, method="mine", random_state=3, num_threads=1, **FAST)
    assert torch.get_num_threads() == 2  # set to 1 for the call, then restored
    assert float(d) == float(a) and a.params["num_threads"] == 1


# ------------------------------------------------------------------ bad input


def test_too_few_samples_says_how_many():
    x, y, _ = _pair(1, 0.5, 60, seed=9)
    with pytest.raises(ValueError, match=r"split into train/validation/test = 36/12/12.*at least 80 samples"):
        infolens.mutual_information(x, y, method="infonce")
    with pytest.raises(ValueError, match="at least 80 samples"):
        neural._check_split("nwj", 79, (0.2, 0.2), ("validation", "test"))
    neural._check_split("nwj", 80, (0.2, 0.2), ("validation", "test"))


def test_evaluation_dimensions_must_match_training():
    x, y, _ = _pair(2, 0.5, 200, seed=10)
    fit = neural.train_critic(x, y, method="demi", random_state=0, max_epochs=3)
    with pytest.raises(ValueError, match="x has 3 column.*trained on x with 2"):
        fit.evaluate(np.hstack([x, x[:, :1]]), y)
    with pytest.raises(ValueError, match="y has 1 column.*trained on y with 2"):
        fit.evaluate(x, y[:, :1])
    with pytest.raises(ValueError, match="different numbers of samples"):
        fit.evaluate(x, y[:-1])


@pytest.mark.parametrize("method", ["nwj", "mine"])
def test_non_finite_critic_stops_with_clear_error(method):
    x, y, _ = _pair(2, 0.9, 300, seed=11)
    with pytest.raises(FloatingPointError, match="non-finite.*no estimate is returned"):
        infolens.mutual_information(x, y, method=method, lr=1e12, random_state=0)


def test_non_finite_scores_in_evaluation_are_caught(monkeypatch):
    x, y, _ = _pair(2, 0.5, 200, seed=12)
    fit = neural.train_critic(x, y, method="infonce", random_state=0, max_epochs=2)
    monkeypatch.setattr(fit._critic, "scores", lambda a, b: torch.full((a.shape[0], b.shape[0]), math.nan))
    with pytest.raises(FloatingPointError, match="non-finite"):
        fit.evaluate(x, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_without_cuda_is_a_clear_error():
    x, y, _ = _pair(1, 0.5, 200, seed=13)
    with pytest.raises(ValueError, match="CUDA is not available"):
        infolens.mutual_information(x, y, method="infonce", device="cuda")


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"critic": "bilinear"}, "critic="),
        ({"hidden": (0,)}, "hidden"),
        ({"lr": -1.0}, "lr"),
        ({"batch_size": 1}, "batch_size"),
        ({"valid_fraction": 0.5, "test_fraction": 0.45}, "leaves under 10%"),
        ({"device": "tpu:x"}, "device"),
    ],
)
def test_bad_options(kw, match):
    x, y, _ = _pair(1, 0.5, 200, seed=14)
    with pytest.raises(ValueError, match=match):
        infolens.mutual_information(x, y, method="nwj", **kw)


def test_tau_only_for_smile():
    x, y, _ = _pair(1, 0.5, 200, seed=15)
    with pytest.raises(ValueError, match="tau"):
        infolens.mutual_information(x, y, method="smile", tau=0)
    with pytest.raises(TypeError, match="unexpected parameter"):
        infolens.mutual_information(x, y, method="infonce", tau=1.0)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu_roughly():  # pragma: no cover - needs a GPU
    x, y, truth = _pair(5, 0.8, 2000, seed=1)
    est = infolens.mutual_information(x, y, method="infonce", device="cuda", random_state=0)
    assert est.params["device"].startswith("cuda") and abs(float(est) - truth) < 0.8


def test_concatenated_critic():
    x, y, truth = _pair(2, 0.8, 600, seed=16)
    est = infolens.mutual_information(x, y, method="infonce", critic="concat", random_state=0,
                                      batch_size=64, max_epochs=60)
    assert "concatenated" in est.params["architecture"] and est.params["eval_batch"] == 64
    assert est.params["infonce_cap"] == pytest.approx(math.log(60))  # 120 test rows, 2 blocks
    assert truth - 0.6 < float(est) <= math.log(60)


def test_module_doctests():
    import doctest

    res = doctest.testmod(neural, optionflags=doctest.ELLIPSIS)
    assert res.attempted > 0 and res.failed == 0


def test_copula_marginals_tame_heavy_tails():
    # Student-t, 1 degree of freedom (Cauchy tails): with plain standardisation a test
    # row far outside the training range gave DEMI +144.8 nats for a true 0.43 on
    # benchmark-mi's student-identity-2-2-1; the copula map keeps inputs within about ±4
    rng = np.random.default_rng(17)
    n, nu = 2000, 1.0
    z = rng.standard_normal((n, 4)) @ np.linalg.cholesky(np.array(
        [[1, 0, .8, 0], [0, 1, 0, .8], [.8, 0, 1, 0], [0, .8, 0, 1]])).T
    t = z / np.sqrt(rng.chisquare(nu, size=(n, 1)) / nu)
    x, y = t[:, :2], t[:, 2:]
    from infolens.data.known_mi import student_t_mi

    c = np.array([[1, 0, .8, 0], [0, 1, 0, .8], [.8, 0, 1, 0], [0, .8, 0, 1]], dtype=float)
    truth = student_t_mi(c, 2, nu)
    m = neural._Marginal(x[:100], "copula")(x)
    assert np.abs(m).max() < 4.0
    for method in ("infonce", "demi"):
        est = infolens.mutual_information(x, y, method=method, random_state=0, max_epochs=60)
        assert abs(float(est) - truth) < 0.5, (method, float(est), truth)
        assert est.params["marginals"] == "copula"
