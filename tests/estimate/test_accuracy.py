"""Accuracy of the continuous estimators against closed forms (infolens.exact).

Tolerance at n = 10,000 (stated once, used everywhere): **bias budget + 4 sd**.

* sd: the standard deviation of every estimator here scales as 1/sqrt(n) (KSG: Kraskov
  et al. 2004, Fig. 5; KL/Kozachenko-Leonenko: Delattre & Fournier 2017; Gaussian
  plug-in: the delta method).  We measure it on R = 8 replicates at n0 = 1,000 and
  scale it: sd(10,000) = sd(n0) * sqrt(n0 / 10,000).
* bias: the estimators' biases shrink with n (Gaussian and GCMI are unbiased by
  construction), so |mean error at n0| + 2 standard errors of that mean bounds the
  bias at 10,000.

A false alarm needs a 4-sd deviation (probability < 1e-4 per run for near-normal
estimates).  "Error shrinks with n" is checked as RMSE(10,000) < RMSE(1,000).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import log_ndtr, ndtr

import infolens
from infolens.data import known_mi_tasks
from infolens.estimate import gaussian as g
from infolens.estimate import knn
from infolens.estimate._registry import get
from infolens.estimate.auto import choose
from infolens.exact import gaussian as eg

N0, R0, N1, R1 = 1000, 8, 10_000, 2


def _pair_cov(d, rho):
    c = np.eye(2 * d)
    for i in range(d):
        c[i, d + i] = c[d + i, i] = rho
    return c


def _mi_truth(c, d):
    return eg.mutual_information(c, list(range(d)), list(range(d, 2 * d)))


_MARGINALS = {
    "gaussian": lambda z: z,
    "uniform": ndtr,  # Phi: uniform marginals on (0, 1)
    "exponential": lambda z: -log_ndtr(-z),  # -log(1 - Phi(z)): Exp(1) marginals
}


def _sampler(d, rho, marginal):
    c = _pair_cov(d, rho)
    chol = np.linalg.cholesky(c)
    f = _MARGINALS[marginal]

    def sample(n, rng):
        z = rng.standard_normal((n, 2 * d)) @ chol.T
        return f(z[:, :d]), f(z[:, d:])

    return sample, _mi_truth(c, d)


def _run(est, x, y, rng):
    info = get("mi", est)
    kw = {"random_state": rng} if info.random else {}
    return info.func(x, y, **kw)


def _check(est, sample, truth, rng):
    small = np.array([_run(est, *sample(N0, rng), rng) for _ in range(R0)])
    big = np.array([_run(est, *sample(N1, rng), rng) for _ in range(R1)])
    sd = small.std(ddof=1)
    bias = abs(small.mean() - truth) + 2 * sd / math.sqrt(R0)
    tol = bias + 4 * sd * math.sqrt(N0 / N1)
    assert np.all(np.abs(big - truth) < tol), (est, big, truth, tol)
    rmse0 = math.sqrt(np.mean((small - truth) ** 2))
    rmse1 = math.sqrt(np.mean((big - truth) ** 2))
    assert rmse1 < rmse0, (est, rmse1, rmse0)


# ----------------------------------------------------------------- MI, 1 dim per side


@pytest.mark.parametrize("marginal", list(_MARGINALS))
@pytest.mark.parametrize("est", ["ksg1", "ksg2", "gcmi", "ksg_bc", "ensemble", "gao"])
def test_mi_one_dim_per_side(rng, est, marginal):
    sample, truth = _sampler(1, 0.6, marginal)
    _check(est, sample, truth, rng)


def test_gaussian_estimator_on_gaussian_one_dim(rng):
    sample, truth = _sampler(1, 0.6, "gaussian")
    _check("gaussian", sample, truth, rng)


# ----------------------------------------------------------------- MI, 5 and 20 dims


@pytest.mark.parametrize("est", ["gaussian", "gcmi"])
@pytest.mark.parametrize("d", [5, 20])
def test_mi_gaussian_family_in_5_and_20_dims(rng, est, d):
    sample, truth = _sampler(d, 0.4, "gaussian")
    _check(est, sample, truth, rng)


@pytest.mark.slow
@pytest.mark.parametrize("est", ["ksg1", "ksg2", "ksg_bc", "ensemble"])
@pytest.mark.parametrize("marginal", ["gaussian", "exponential"])
def test_mi_knn_in_5_dims(rng, est, marginal):
    sample, truth = _sampler(5, 0.4, marginal)
    _check(est, sample, truth, rng)


@pytest.mark.slow
@pytest.mark.parametrize("est", ["ensemble", "ksg_bc"])
def test_mi_knn_bias_corrected_in_20_dims(rng, est):
    sample, truth = _sampler(20, 0.4, "gaussian")
    _check(est, sample, truth, rng)


# ----------------------------------------------------------------- entropy, CMI, KL


def _check_value(f, sample, truth, rng):
    small = np.array([f(*sample(N0, rng)) for _ in range(R0)])
    big = np.array([f(*sample(N1, rng)) for _ in range(R1)])
    sd = small.std(ddof=1)
    tol = abs(small.mean() - truth) + 2 * sd / math.sqrt(R0) + 4 * sd * math.sqrt(N0 / N1)
    assert np.all(np.abs(big - truth) < tol), (big, truth, tol)


@pytest.mark.parametrize("est", ["kozachenko_leonenko", "gaussian"])
@pytest.mark.parametrize("d", [1, 3])
def test_entropy_of_correlated_gaussian(rng, est, d):
    c = _pair_cov(d, 0.5)[: d + 1, : d + 1] if d > 1 else np.eye(1) * 2.0
    chol = np.linalg.cholesky(c)
    f = get("entropy", est).func
    _check_value(lambda z: f(z), lambda n, r: (r.standard_normal((n, c.shape[0])) @ chol.T,),
                 eg.entropy(c), rng)


@pytest.mark.parametrize("est", ["fp", "gaussian", "gcmi"])
def test_cmi_of_gaussian_chain(rng, est):
    # X -> Z -> Y plus a direct X-Y link: I(X;Y|Z) from the covariance
    a = np.array([[1, 0, 0], [0.6, 0.8, 0], [0.5, 0.4, 0.7]])  # rows: x, z, y
    c = a @ a.T
    truth = eg.conditional_mutual_information(c, [0], [2], [1])
    f = get("cmi", est).func

    def sample(n, r):
        w = r.standard_normal((n, 3)) @ a.T
        return w[:, :1], w[:, 2:], w[:, 1:2]

    _check_value(f, sample, truth, rng)


@pytest.mark.parametrize("est", ["knn", "gaussian"])
def test_kl_divergence_of_gaussians(rng, est):
    cq = np.array([[1.5, 0.3], [0.3, 0.8]])
    mq = np.array([0.5, -0.2])
    truth = eg.kl_divergence(np.zeros(2), np.eye(2), mq, cq)
    lq = np.linalg.cholesky(cq)
    f = get("kl", est).func

    def sample(n, r):
        return r.standard_normal((n, 2)), mq + r.standard_normal((n, 2)) @ lq.T

    _check_value(f, sample, truth, rng)


# ----------------------------------------------------------------- invariance


def test_gcmi_exact_and_ksg_approximate_invariance(rng):
    sample, truth = _sampler(2, 0.6, "gaussian")
    x, y = sample(5000, rng)
    fx = np.column_stack([np.exp(x[:, 0]), np.arcsinh(3 * x[:, 1])])
    fy = np.column_stack([y[:, 0] ** 3, ndtr(y[:, 1])])
    assert g._gcmi_mi(fx, fy) == g._gcmi_mi(x, y)
    # KSG is invariant only in the limit (its max-norm boxes are not): on 12 seeds at
    # n = 5,000 the raw-data error was +0.013 +- 0.013 (sd) and the transformed-data
    # error -0.058 +- 0.011 (ksg1; ksg2 similar), so the budget is that bias + 4 sd
    for est in (knn._ksg1_mi, knn._ksg2_mi):
        a, b = est(x, y), est(fx, fy)
        assert abs(a - truth) < 0.02 + 4 * 0.016
        assert abs(b - truth) < 0.07 + 4 * 0.014
        assert abs(a - b) < 0.08 + 4 * 0.02


# ----------------------------------------------------------------- the "auto" policy


def _auto_errors(tasks, n, seed):
    errs = {}
    for i, t in enumerate(tasks):
        x, y = t.sample(n, random_state=seed + i)
        name, params = choose("mi", ("continuous", "continuous"), n, (t.dim_x, t.dim_y))
        info = get("mi", name)
        kw = {"random_state": np.random.default_rng(seed + i)} if info.random else {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = info.func(x, y, **{**params, **kw})
        errs[t.name] = abs(v - t.mi) / t.mi
    return errs


def test_auto_on_scalar_known_mi_tasks():
    tasks = [t for t in known_mi_tasks() if t.dim_x + t.dim_y <= 3]
    assert len(tasks) >= 10
    e = np.array(list(_auto_errors(tasks, 5000, 7).values()))
    assert np.mean(e < 0.10) >= 0.75 and np.mean(e < 0.25) >= 0.90, e


@pytest.mark.slow
def test_auto_on_full_known_mi_suite():
    # the goal of the issue: at n = 5,000, within 10% on >= 75% of the tasks and
    # within 25% on >= 90% (per-estimator table: benchmarks/results/estimators.md)
    t0 = time.time()
    errs = _auto_errors(known_mi_tasks(), 5000, 11)
    e = np.array(list(errs.values()))
    print({k: round(v, 3) for k, v in errs.items()}, time.time() - t0)
    assert np.mean(e < 0.10) >= 0.75, errs
    assert np.mean(e < 0.25) >= 0.90, errs


def test_public_api_runs_the_registered_estimators(rng):
    sample, truth = _sampler(1, 0.6, "gaussian")
    x, y = sample(3000, rng)
    for m in ("ksg1", "ksg2", "gcmi", "gaussian", "ensemble"):
        est = infolens.mutual_information(x, y, method=m, random_state=0)
        assert est.method == m and abs(float(est) - truth) < 0.06
    auto = infolens.mutual_information(x, y, random_state=0)
    assert auto.method == "ensemble"
    # the public door standardises the columns first (robust scales); opting out gives
    # the raw estimator exactly
    assert infolens.mutual_information(x, y, method="ksg1", k=3, standardize=False) == \
        knn._ksg1_mi(x, y, k=3)
    from infolens.estimate._call import column_scales

    assert infolens.mutual_information(x, y, method="ksg1", k=3) == knn._ksg1_mi(
        x / column_scales(x), y / column_scales(y), k=3)


# ----------------------------------------------------------------- the suite's truths


@pytest.mark.parametrize("m,nu,rho", [(1, 1, 0.75), (2, 2, 0.5), (3, 1, 0.0)])
def test_student_t_mi_closed_form_by_monte_carlo(rng, m, nu, rho):
    # I = E[log p(x, y) - log p(x) - log p(y)]: averaging the exact log-density ratio
    # over N samples estimates it with standard error sd/sqrt(N); 5 se tolerance
    from scipy.stats import multivariate_t

    from infolens.data.known_mi import student_t_mi

    c = np.full((2 * m, 2 * m), rho)
    np.fill_diagonal(c, 1.0)
    n = 20_000
    z = multivariate_t(np.zeros(2 * m), c, df=nu).rvs(n, random_state=rng).reshape(n, 2 * m)
    pmi = (
        multivariate_t(np.zeros(2 * m), c, df=nu).logpdf(z)
        - multivariate_t(np.zeros(m), c[:m, :m], df=nu).logpdf(z[:, :m])
        - multivariate_t(np.zeros(m), c[m:, m:], df=nu).logpdf(z[:, m:])
    )
    se = pmi.std() / math.sqrt(n)
    assert abs(pmi.mean() - student_t_mi(c, m, nu)) < 5 * se


def test_uniform_noise_mi_closed_form_by_monte_carlo(rng):
    # Y = X + U(-e, e), X ~ U(0, 1): p(y|x) = 1/(2e), p(y) = trapezoid
    task = next(t for t in known_mi_tasks() if t.name == "uniform-noise-1x1-eps0.3")
    x, y = task.sample(20_000, random_state=rng)
    e = 0.3
    py = np.clip(np.minimum(y + e, 1 + e - y), 0, 2 * e)[:, 0] / (2 * e)
    py = np.minimum(py, 1.0)
    pmi = -math.log(2 * e) - np.log(py)
    assert abs(pmi.mean() - task.mi) < 5 * pmi.std() / math.sqrt(len(pmi))


def test_known_mi_tasks_are_well_formed():
    tasks = known_mi_tasks()
    assert len({t.name for t in tasks}) == len(tasks) >= 40
    assert max(t.dim_x for t in tasks) == 25
    for t in tasks:
        x, y = t.sample(7, random_state=0)
        assert x.shape == (7, t.dim_x) and y.shape == (7, t.dim_y) and t.mi > 0
        x2, _ = t.sample(7, random_state=0)
        assert np.array_equal(x, x2)
