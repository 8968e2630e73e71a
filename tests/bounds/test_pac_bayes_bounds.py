"""PAC-Bayes bounds: closed forms, orderings implied by their derivations, grids, bad input."""

import math

import numpy as np
import pytest

from infolens.bounds import (
    binary_kl,
    catoni_bound,
    classic_bound,
    kl_bound,
    kl_inv_upper,
    lambda_bound,
    mc_sampling_bound,
    mcallester_bound,
    quad_bound,
    stochastic_risk_certificate,
)
from infolens.bounds import pac_bayes as pb

CASES = [(0.0, 0.0, 1000), (0.02, 50.0, 30000), (0.1, 200.0, 5000), (0.3, 5.0, 100)]


@pytest.mark.parametrize("emp,kl,n", CASES)
def test_kl_bound_definition(emp, kl, n):
    delta = 0.05
    r = kl_bound(emp, kl, n, delta=delta)
    B = kl + math.log(2 * math.sqrt(n) / delta)
    assert r.penalty == pytest.approx(B, rel=1e-14)
    if r.value < 1:
        assert binary_kl(emp, r.value) == pytest.approx(B / n, rel=1e-8)
    assert r.empirical_risk == emp and r.kl == kl and r.n == n and r.delta == delta


@pytest.mark.parametrize("emp,kl,n", CASES)
def test_relaxations_are_looser_than_kl_bound(emp, kl, n):
    # mcallester (Pinsker), quad (kl >= (p-q)^2/(2p)) and lambda (Thiemann's relaxation)
    # are all derived from the same kl inequality, so none can be below it.
    d = 0.05
    k = kl_bound(emp, kl, n, delta=d).value
    for f in (mcallester_bound, quad_bound, lambda_bound):
        assert f(emp, kl, n, delta=d).value >= k - 1e-12, f.__name__


def test_closed_forms():
    e, kl, n, d = 0.05, 20.0, 2000, 0.025
    B = kl + math.log(2 * math.sqrt(n) / d)
    assert mcallester_bound(e, kl, n, delta=d).value == pytest.approx(
        e + math.sqrt(B / (2 * n)), rel=1e-14
    )
    assert quad_bound(e, kl, n, delta=d).value == pytest.approx(
        (math.sqrt(e + B / (2 * n)) + math.sqrt(B / (2 * n))) ** 2, rel=1e-14
    )
    assert classic_bound(e, kl, n, delta=d).value == pytest.approx(
        e + math.sqrt((kl + math.log(n / d)) / (2 * (n - 1))), rel=1e-14
    )
    lam = 0.7
    assert lambda_bound(e, kl, n, delta=d, lam=lam).value == pytest.approx(
        e / (1 - lam / 2) + B / (n * lam * (1 - lam / 2)), rel=1e-14
    )
    C = 1.5
    r = catoni_bound(e, kl, n, delta=d, c=[C])
    assert r.value == pytest.approx(
        (1 - math.exp(-C * e - (kl + math.log(1 / d)) / n)) / (1 - math.exp(-C)), rel=1e-14
    )


def test_lambda_optimum_is_minimum():
    e, kl, n, d = 0.08, 30.0, 3000, 0.05
    best = lambda_bound(e, kl, n, delta=d)
    grid = [
        lambda_bound(e, kl, n, delta=d, lam=float(lam)).value
        for lam in np.linspace(0.01, 1.99, 500)
    ]
    assert best.value <= min(grid) + 1e-12


def test_catoni_grid_pays_union_bound():
    e, kl, n, d = 0.05, 20.0, 2000, 0.05
    grid = np.geomspace(0.1, 10, 50)
    r = catoni_bound(e, kl, n, delta=d, c=grid)
    assert r.grid_size == 50 and r.terms["ln_grid"] == pytest.approx(math.log(50))
    single = catoni_bound(e, kl, n, delta=d / 50, c=[r.terms["C"]])
    assert r.value == pytest.approx(single.value, rel=1e-14)


def test_prior_grid_union_bound():
    # A grid of K priors: each candidate at delta/K, best returned.
    kls = np.array([40.0, 10.0, 25.0])
    emps = np.array([0.01, 0.03, 0.02])
    r = kl_bound(emps, kls, 5000, delta=0.03)
    singles = [kl_bound(e, k, 5000, delta=0.01).value for e, k in zip(emps, kls, strict=True)]
    assert r.grid_size == 3
    assert r.value == pytest.approx(min(singles), rel=1e-14)
    assert r.terms["selected"] == int(np.argmin(singles))


def test_mc_and_holdout_and_certificate():
    m, d = 1000, 0.01
    r = mc_sampling_bound(0.05, m, delta=d)
    assert r.value == kl_inv_upper(0.05, math.log(2 / d) / m)
    h = pb.holdout_bound(np.r_[np.ones(3), np.zeros(97)], delta=0.05)
    assert h.n == 100 and h.value == kl_inv_upper(0.03, math.log(1 / 0.05) / 100)
    # zero errors: binomial tail is (1-p)^n = delta exactly
    z = pb.holdout_bound(0.0, 200, delta=0.05)
    assert (1 - z.value) ** 200 == pytest.approx(0.05, rel=1e-9)
    c = stochastic_risk_certificate(0.02, 10000, 50.0, 30000, delta=0.025, delta_mc=0.01)
    step1 = kl_inv_upper(0.02, math.log(2 / 0.01) / 10000)
    step2 = kl_inv_upper(step1, (50 + math.log(2 * math.sqrt(30000) / 0.025)) / 30000)
    assert c.value == step2 and c.delta == pytest.approx(0.035)
    assert c.terms["mc_bound"] == step1


def test_huge_kl_is_vacuous_not_empirical():
    r = kl_bound(0.01, 1e7, 1000, delta=0.05)
    assert r.value == 1.0


@pytest.mark.parametrize(
    "f", [kl_bound, mcallester_bound, quad_bound, lambda_bound, catoni_bound, classic_bound]
)
def test_bad_input(f):
    with pytest.raises(ValueError, match="empirical_risk"):
        f(1.2, 1.0, 100, delta=0.05)
    with pytest.raises(ValueError, match="kl must be"):
        f(0.1, -1.0, 100, delta=0.05)
    with pytest.raises(ValueError, match="delta"):
        f(0.1, 1.0, 100, delta=1.0)
    with pytest.raises(TypeError, match="n must be an integer"):
        f(0.1, 1.0, 100.5, delta=0.05)


# ------------------------------------------- Monte-Carlo step: empirical Bernstein


def test_mc_bernstein_is_the_maurer_pontil_formula():
    z = np.tile([0.030, 0.034, 0.028, 0.033, 0.031, 0.036, 0.029, 0.032], 100)
    d, m = 0.02, z.size
    lg = math.log(2 / d)
    want = z.mean() + math.sqrt(2 * z.var(ddof=1) * lg / m) + 7 * lg / (3 * (m - 1))
    r = mc_sampling_bound(z, delta=d, method="bernstein")
    assert r.value == pytest.approx(want, rel=1e-13)
    assert r.terms["variance"] == pytest.approx(z.var(ddof=1), rel=1e-13)
    # the kl form from the array equals the kl form from its mean
    assert mc_sampling_bound(z, delta=d).value == mc_sampling_bound(z.mean(), m, delta=d).value
    # "best" is the smaller of the two forms, each at delta / 2
    b = mc_sampling_bound(z, delta=d, method="best")
    a1 = mc_sampling_bound(z, delta=d / 2).value
    a2 = mc_sampling_bound(z, delta=d / 2, method="bernstein").value
    assert b.value == min(a1, a2) and b.delta == d


def test_mc_bernstein_covers_the_mean_and_beats_kl_when_draws_agree():
    # Draws Z_j = mean of 500 Bernoulli(0.04) losses (a network's error on 500 examples):
    # their sd is sqrt(0.04 * 0.96 / 500) = 0.0088, far below the sqrt(L(1-L)) = 0.196 the
    # kl form allows for, so the Bernstein form is tighter at m = 5000.  Coverage: over
    # R = 400 repetitions at delta = 0.1 the bound may fall below the true mean in at most
    # delta R + 3 sqrt(delta (1 - delta) R) = 58 of them (it is conservative: expect ~0).
    rng = np.random.default_rng(5)
    mu, d, m = 0.04, 0.1, 5000
    misses, tighter = 0, 0
    for _ in range(400):
        z = rng.binomial(500, mu, size=m) / 500
        b = mc_sampling_bound(z, delta=d, method="bernstein").value
        k = mc_sampling_bound(z, delta=d).value
        misses += b < mu
        tighter += b < k
    assert misses <= 58
    assert tighter == 400
    # with few, widely spread draws the kl form wins, and "best" picks it
    z = rng.integers(0, 2, size=20).astype(float)
    b = mc_sampling_bound(z, delta=0.05, method="best")
    assert b.value == b.terms["kl_form"] < b.terms["bernstein_form"]


def test_mc_sampling_bad_input():
    with pytest.raises(ValueError, match="per-draw risks"):
        mc_sampling_bound(0.05, 100, delta=0.05, method="bernstein")
    with pytest.raises(ValueError, match="m is required"):
        mc_sampling_bound(0.05, delta=0.05)
    with pytest.raises(ValueError, match="does not match"):
        mc_sampling_bound([0.1, 0.2], 3, delta=0.05)
    with pytest.raises(ValueError, match="method must be"):
        mc_sampling_bound([0.1, 0.2], delta=0.05, method="hoeffding")
    with pytest.raises(ValueError, match="m >= 2"):
        mc_sampling_bound([0.1], delta=0.05, method="bernstein")
    with pytest.raises(ValueError, match="mc_risk"):
        mc_sampling_bound([0.1, 1.5], delta=0.05)


# ------------------------------------------------ certificate with Catoni's bound


def test_certificate_with_catoni_at_a_fixed_constant():
    z = np.full(1000, 0.03)
    z[::2] = 0.032
    c = stochastic_risk_certificate(
        z,
        None,
        0.1,
        719,
        delta=0.03,
        delta_mc=0.005,
        bound="catoni",
        c=0.5,
        mc_method="bernstein",
    )
    step1 = mc_sampling_bound(z, delta=0.005, method="bernstein").value
    want = -math.expm1(-0.5 * step1 - (0.1 + math.log(1 / 0.03)) / 719) / -math.expm1(-0.5)
    assert c.value == pytest.approx(want, rel=1e-13)
    assert c.grid_size == 1 and c.terms["C"] == 0.5 and c.delta == pytest.approx(0.035)
    assert c.penalty == pytest.approx(0.1 + math.log(1 / 0.03), rel=1e-13)
    # At a small KL and the right C, Catoni's bound beats the kl bound, which pays
    # ln(2 sqrt(n)) = 3.98 more nats at n = 719 (Catoni's inverse at its optimal C is the
    # kl inverse without that term, so the saving is about that many nats).
    k = stochastic_risk_certificate(
        z, None, 0.1, 719, delta=0.03, delta_mc=0.005, mc_method="bernstein"
    )
    assert c.value < k.value
    with pytest.raises(ValueError, match="needs c="):
        stochastic_risk_certificate(z, None, 0.1, 719, delta=0.03, delta_mc=0.005, bound="catoni")
    with pytest.raises(ValueError, match="only used by bound='catoni'"):
        stochastic_risk_certificate(z, None, 0.1, 719, delta=0.03, delta_mc=0.005, c=0.5)
    with pytest.raises(ValueError, match="bound must be"):
        stochastic_risk_certificate(
            z, None, 0.1, 719, delta=0.03, delta_mc=0.005, bound="mcallester"
        )


def test_catoni_at_its_best_constant_with_zero_kl_is_the_holdout_bound():
    # kl(q||p) = sup_C [-C q - ln(1 - p (1 - e^-C))] (Legendre duality for a Bernoulli), so
    # Catoni's bound minimised over a fine grid of C, each at the full delta and KL = 0,
    # is kl_inv(q, ln(1/delta)/n): the hold-out bound.  The grid of 20001 constants
    # brackets the optimum to 2.5e-4 in C, where the bound is flat to second order.
    for q, n, d in [(0.0334, 719, 0.035), (0.2, 100, 0.05), (0.004, 5000, 0.01)]:
        cs = np.linspace(0.01, 8.0, 20001)
        vals = -np.expm1(-cs * q - math.log(1 / d) / n) / -np.expm1(-cs)
        i = int(np.argmin(vals))
        single = catoni_bound(q, 0.0, n, delta=d, c=float(cs[i]))
        assert single.value == pytest.approx(vals[i], rel=1e-12)
        assert single.value == pytest.approx(pb.holdout_bound(q, n, delta=d).value, rel=2e-6)
        # and at KL = 0 the kl bound is looser by its ln(2 sqrt(n)) nats
        assert kl_bound(q, 0.0, n, delta=d).value > single.value


# --------------------------------------------------------------- Maurer's xi(n)


def test_maurer_xi_exact_sum_and_its_meaning():
    from fractions import Fraction

    for n in (1, 2, 3, 7, 20):
        want = sum(
            math.comb(n, k) * Fraction(k, n) ** k * Fraction(n - k, n) ** (n - k)
            for k in range(n + 1)
        )
        assert pb.maurer_xi(n) == pytest.approx(float(want), rel=1e-12)
    # it is E exp(n kl(p_hat || p)) for a binomial sample, whatever p
    from scipy import stats

    n = 60
    k = np.arange(n + 1)
    for p in (0.03, 0.3, 0.8):
        kl = np.array([float(binary_kl(j / n, p)) for j in k])
        moment = float(np.sum(stats.binom.pmf(k, n, p) * np.exp(n * kl)))
        assert moment == pytest.approx(pb.maurer_xi(n), rel=1e-9)
    for n in (8, 50, 719, 10_000, 3_000_000):
        x = pb.maurer_xi(n)
        assert math.sqrt(n) <= x <= 2 * math.sqrt(n)
        # sqrt(pi n / 2) is the leading term (Stirling); the remainder is O(1)
        assert 0 < x - math.sqrt(math.pi * n / 2) < 1


def test_kl_bound_with_the_exact_xi():
    r = kl_bound(0.03, 1.0, 719, delta=0.03, xi="exact")
    x = pb.maurer_xi(719)
    assert r.terms["xi"] == x
    assert r.value == kl_inv_upper(0.03, (1.0 + math.log(x / 0.03)) / 719)
    assert r.value < kl_bound(0.03, 1.0, 719, delta=0.03).value
    assert kl_bound(0.1, 0.0, 5, delta=0.05, xi="exact").value < 1  # valid below n = 8 too
    with pytest.raises(ValueError, match="needs n >= 8.*xi='exact'"):
        kl_bound(0.1, 0.0, 5, delta=0.05)
    with pytest.raises(ValueError, match="xi must be"):
        kl_bound(0.1, 0.0, 100, delta=0.05, xi="sqrt")
    c = stochastic_risk_certificate(0.02, 10000, 5.0, 3000, delta=0.025, delta_mc=0.01, xi="exact")
    assert c.terms["xi"] == pb.maurer_xi(3000)
    with pytest.raises(ValueError, match="does not use it"):
        stochastic_risk_certificate(
            0.02, 10000, 5.0, 3000, delta=0.025, delta_mc=0.01, bound="catoni", c=1.0, xi="exact"
        )


# --------------------------------------------- Gibbs posterior over a finite prior sample


def test_gibbs_posterior_bound_closed_form_and_optimality():
    from infolens.bounds import gibbs_posterior_bound

    rng = np.random.default_rng(3)
    r = rng.uniform(0.02, 0.06, size=500)
    n, d, C = 700, 0.05, 0.6
    b = gibbs_posterior_bound(r, n, delta=d, c=C)
    q = np.exp(-C * n * r - np.max(-C * n * r))
    q /= q.sum()
    assert np.allclose(b.terms["weights"], q, rtol=1e-12)
    kl = float(np.sum(q * np.log(q * r.size)))
    assert b.kl == pytest.approx(kl, rel=1e-10) and b.empirical_risk == pytest.approx(q @ r)
    # Donsker-Varadhan: C emp + KL/n equals the free energy -(1/n) ln mean exp(-C n r) ...
    free = -(np.log(np.mean(np.exp(-C * n * r)))) / n
    assert C * b.empirical_risk + b.kl / n == pytest.approx(free, rel=1e-10)
    # ... and no other posterior does better
    for _ in range(50):
        q2 = rng.dirichlet(np.ones(r.size))
        assert C * (q2 @ r) + np.sum(q2 * np.log(q2 * r.size)) / n >= free - 1e-12
    want = -math.expm1(-C * b.empirical_risk - (b.kl + math.log(1 / d)) / n) / -math.expm1(-C)
    assert b.value == pytest.approx(want, rel=1e-12)
    # the tilt helps: below Catoni's bound for Q = prior (uniform, KL = 0)
    assert b.value < catoni_bound(r.mean(), 0.0, n, delta=d, c=C).value
    # equal risks: nothing to learn, Q = prior
    e = gibbs_posterior_bound(np.full(10, 0.05), n, delta=d, c=C)
    assert e.kl == pytest.approx(0.0, abs=1e-12)
    assert e.value == pytest.approx(catoni_bound(0.05, 0.0, n, delta=d, c=C).value, rel=1e-12)
    # a grid of K constants pays ln K
    g = gibbs_posterior_bound(r, n, delta=d, c=[0.3, 0.6, 1.2])
    assert g.grid_size == 3 and g.penalty == pytest.approx(g.kl + math.log(3 / d), rel=1e-12)
    # non-uniform prior weights enter as pi_i exp(-C n r_i)
    pi = rng.dirichlet(np.ones(r.size))
    w = gibbs_posterior_bound(r, n, delta=d, c=C, prior_weights=pi)
    q3 = pi * np.exp(-C * n * (r - r.min()))
    assert np.allclose(w.terms["weights"], q3 / q3.sum(), rtol=1e-10)


def test_gibbs_posterior_bound_holds_by_simulation():
    # 400 predictors with known true risks L_i in [0.15, 0.25], each erring independently
    # on n = 200 bound examples: r_i ~ Bin(200, L_i) / 200.  The certified quantity is the
    # true risk of the Gibbs posterior, sum q_i L_i.  At delta = 0.1 the bound may fail in
    # at most delta R + 3 sqrt(delta (1 - delta) R) = 46 of R = 300 repetitions (measured:
    # 1).  The test can fail: the same formula without the KL term fails 84 times here.
    from infolens.bounds import gibbs_posterior_bound

    rng = np.random.default_rng(8)
    L = rng.uniform(0.15, 0.25, size=400)
    fails = 0
    for _ in range(300):
        r = rng.binomial(200, L) / 200
        b = gibbs_posterior_bound(r, 200, delta=0.1, c=1.0)
        fails += b.value < b.terms["weights"] @ L
    assert fails <= 46


def test_gibbs_posterior_bound_bad_input():
    from infolens.bounds import gibbs_posterior_bound

    with pytest.raises(ValueError, match="risks"):
        gibbs_posterior_bound([0.1, 1.2], 100, delta=0.05, c=1.0)
    with pytest.raises(ValueError, match="non-empty 1-d"):
        gibbs_posterior_bound([], 100, delta=0.05, c=1.0)
    with pytest.raises(ValueError, match="c must be positive"):
        gibbs_posterior_bound([0.1, 0.2], 100, delta=0.05, c=0.0)
    with pytest.raises(ValueError, match="one weight per predictor"):
        gibbs_posterior_bound([0.1, 0.2], 100, delta=0.05, c=1.0, prior_weights=[1.0])
    with pytest.raises(ValueError, match="sum to 1"):
        gibbs_posterior_bound([0.1, 0.2], 100, delta=0.05, c=1.0, prior_weights=[0.5, 0.6])
    with pytest.raises(ValueError, match="delta"):
        gibbs_posterior_bound([0.1, 0.2], 100, delta=1.5, c=1.0)
