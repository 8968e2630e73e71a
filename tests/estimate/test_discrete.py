"""Discrete estimators against closed forms, brute force and reference implementations."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats
from scipy import integrate, special
from sklearn.metrics import mutual_info_score

import infolens
from infolens.data import zipf_pmf as zipf
from infolens.estimate import _counting
from infolens.estimate import discrete as D
from infolens.estimate import pym as P
from infolens.exact import discrete as X

METHODS = sorted(D._count_methods())


def exact_h(p):
    p = np.asarray(p, float)
    return float(-(p[p > 0] * np.log(p[p > 0])).sum())


# ------------------------------------------------------------------ formulas per method


def test_plugin_equals_exact_entropy_of_empirical_pmf(rng):
    x = rng.integers(0, 7, 500)
    counts = np.bincount(x)
    assert infolens.entropy(x, method="plugin") == pytest.approx(
        X.entropy(counts / counts.sum()), abs=1e-12
    )
    # scipy.stats.entropy computes the same plug-in formula
    assert D.entropy_from_counts(counts) == pytest.approx(scipy.stats.entropy(counts), abs=1e-12)


def test_miller_madow_and_grassberger_formulas():
    c = np.array([5, 3, 1, 1, 7, 2])
    n, k = c.sum(), c.size
    h = -np.sum(c / n * np.log(c / n))
    assert D.entropy_from_counts(c, method="miller_madow") == pytest.approx(
        h + (k - 1) / (2 * n), abs=1e-12
    )
    # Grassberger (2008) eq. (35): G(n) = psi(n) + 0.5 (-1)^n [psi((n+1)/2) - psi(n/2)]
    g = [
        special.digamma(m) + 0.5 * (-1) ** m * (special.digamma((m + 1) / 2) - special.digamma(m / 2))
        for m in c
    ]
    assert D.entropy_from_counts(c, method="grassberger") == pytest.approx(
        math.log(n) - np.dot(c, g) / n, abs=1e-12
    )


def test_jackknife_matches_brute_force_leave_one_out(rng):
    x = rng.integers(0, 5, 40)
    n = x.size
    h = lambda v: exact_h(np.bincount(v) / v.size)  # noqa: E731
    loo = [h(np.delete(x, j)) for j in range(n)]
    expected = n * h(x) - (n - 1) / n * sum(loo)
    assert infolens.entropy(x, method="jackknife") == pytest.approx(expected, abs=1e-12)


def test_chao_shen_formula():
    c = np.array([1, 1, 2, 3, 5, 1])
    n = c.sum()
    cov = 1 - 3 / n
    pa = cov * c / n
    expected = -np.sum(pa * np.log(pa) / (1 - (1 - pa) ** n))
    assert D.entropy_from_counts(c, method="chao_shen") == pytest.approx(expected, abs=1e-12)


def test_shrink_formula():
    c = np.array([4, 2, 1])
    k = 5
    p = np.r_[c / c.sum(), 0, 0]
    lam = (1 - np.sum(p**2)) / ((c.sum() - 1) * np.sum((1 / k - p) ** 2))
    q = lam / k + (1 - lam) * p
    expected = -np.sum(q * np.log(q))
    assert D.entropy_from_counts(c, method="shrink", alphabet_size=k) == pytest.approx(expected)


@pytest.mark.parametrize("alphabet_size", [None, 40])
def test_nsb_matches_brute_force_quadrature(rng, alphabet_size):
    c = np.bincount(rng.choice(40, 60, p=zipf(40)))
    c = c[c > 0].astype(float)
    post = D._NSBPosterior(c, alphabet_size)
    grid = np.linspace(-30, 20, 400_001)
    lp = post.logpost(grid)
    w = np.exp(lp - lp.max())
    brute = integrate.trapezoid(w * post.mean_entropy(grid), grid) / integrate.trapezoid(w, grid)
    got = D.entropy_from_counts(c, method="nsb", alphabet_size=alphabet_size)
    assert got == pytest.approx(brute, abs=1e-6)


def test_nsb_finite_and_accurate_at_one_million(rng):
    p = zipf(50, 1.2)
    n = 1_000_000
    c = rng.multinomial(n, p)
    h = exact_h(p)
    # sd of any efficient estimator: sqrt(Var[log p(X)] / n); 6 sd allows a rare draw
    sd = math.sqrt((np.sum(p * np.log(p) ** 2) - h**2) / n)
    for k in (None, 50):
        v = D.entropy_from_counts(c, method="nsb", alphabet_size=k)
        assert math.isfinite(v)
        assert abs(v - h) < 6 * sd + 1e-4


def test_nsb_no_coincidences_warns():
    with pytest.warns(UserWarning, match="every symbol was seen once"):
        v = D.entropy_from_counts(np.ones(30), method="nsb")
    assert math.isfinite(v)


# ------------------------------------------------------------- accuracy on Zipf (issue)


def _zipf_errors(s, method, draws, **kw):
    """Errors of ``method`` on the count vectors ``draws`` of Zipf(1000, exponent s)."""
    h = exact_h(zipf(1000, s))
    return np.array([D.entropy_from_counts(c, method=method, **kw) - h for c in draws])


def _errors(method, n, reps, rng, **kw):
    draws = [rng.multinomial(n, zipf(1000)) for _ in range(reps)]
    return _zipf_errors(1.0, method, draws, **kw)


def _rms(method, n, reps, rng, **kw):
    return float(np.sqrt(np.mean(np.square(_errors(method, n, reps, rng, **kw)))))


def _rms_and_se(err):
    # RMS of R errors and its Monte Carlo standard error by the delta method:
    # sd(RMS) = sd(e^2) / (2 RMS sqrt(R)).
    rms = float(np.sqrt(np.mean(err**2)))
    return rms, float(np.std(err**2, ddof=1) / (2 * rms * math.sqrt(err.size)))


def test_zipf_1000_symbols_best_estimator_n100(rng):
    # Issue target: the best registered estimator within 0.35 nats RMS at n = 100 (plug-in
    # is off by about 1.4).  Bonachela et al. 2008 is best: 0.306 +- 0.006 over 1000
    # replicates (benchmarks/results/zipf_entropy.md).  Over 400 replicates (slow test below): PYM 0.310
    # +- 0.012 (bias -0.06, sd 0.30) without knowing the alphabet; shrinkage with the true
    # alphabet size 0.346 +- 0.012; NSB 0.47, Chao-Shen 0.68, plug-in 1.40.  The shrinkage
    # estimator measures 0.342 over 2000 replicates here (Monte Carlo error of an RMS near
    # 0.34: about 0.34 / sqrt(2 * 2000) = 0.005).  PYM gets 100 replicates in this cheap
    # version: it must not be significantly above the target (RMS - 2 se <= 0.35); the
    # slow test asserts it is significantly below.
    rms = {
        "shrink": _rms("shrink", 100, 2000, rng, alphabet_size=1000),
        "bonachela": _rms("bonachela", 100, 2000, rng),
        "nsb": _rms("nsb", 100, 40, rng),
        "chao_shen": _rms("chao_shen", 100, 200, rng),
        "plugin": _rms("plugin", 100, 200, rng),
    }
    pym, se = _rms_and_se(_errors("pym", 100, 100, rng))
    rms["pym"] = pym
    assert min(rms.values()) <= 0.35, rms
    # Bonachela: 0.306 +- 0.006 over 1000 draws (benchmarks/zipf_entropy.py); 2000 draws
    # give its RMS to +- 0.005, so it must come out below 0.306 + 3 * 0.005 ~ 0.32
    assert rms["bonachela"] <= 0.32, rms
    assert pym - 2 * se <= 0.35, (pym, se)
    assert rms["plugin"] > 1.3  # the bias the issue quotes


@pytest.mark.slow
def test_zipf_1000_symbols_pym_meets_target_n100():
    # 400 replicates: PYM's RMS plus two Monte Carlo standard errors below the issue's
    # 0.35 nats (measured 0.310 +- 0.012).
    err = _errors("pym", 100, 400, np.random.default_rng(2124))
    rms, se = _rms_and_se(err)
    assert rms + 2 * se <= 0.35, (rms, se)


def test_zipf_1000_symbols_best_estimator_n1000(rng):
    # Issue target 0.06 nats RMS at n = 1000: not met, and not meetable by an estimator
    # that is not tuned to this one distribution.  The van Trees bound
    # (infolens.bounds.entropy_risk_lower_bound) says every estimator has RMS >= 0.0654
    # at some Zipf exponent in [0.8, 1.2] (>= 0.0612 on [0.9, 1.1]); asymptotically the
    # floor is the efficient sd sqrt(Var[log p(X)] / n) = 0.0677 (Hajek-Le Cam).  Measured
    # on 2000 seeded draws (slow test below; RMS +- Monte Carlo se): NSB with the alphabet
    # size 0.078 +- 0.001 (bias -0.027, sd 0.073), NSB 0.082, Chao-Shen 0.085, plug-in
    # 0.420.  Tried outside the package and not better: JVHW (Jiao et al. 2015) 0.082,
    # Wu & Yang 2016 with the alphabet size 0.068 and Valiant & Valiant's unseen LP 0.088
    # (0.076 with the alphabet size) -- these three on the 400 draws of seed 3024, on
    # which NSB with the alphabet size gives 0.069 (a favourable seed: 0.077 and 0.080 on
    # 600 draws of two others) -- and the empirical-Bayes Dirichlet posterior mean,
    # which equals NSB with the alphabet size there.  The Pitman-Yor mixture (PYM)
    # extrapolates an infinite power-law tail (bias +0.28).
    # Here: 400 draws give the RMS to +- 0.003 (delta method), so the best registered
    # estimator (measured 0.078) must come out below 0.078 + 3 * 0.003 ~ 0.087.
    from infolens.bounds import entropy_risk_lower_bound

    p = zipf(1000)
    bound = entropy_risk_lower_bound(p, 1000, radius=0.2)
    assert bound.value > 0.06 and bound.efficient_sd > 0.06
    rms = {
        "nsb_K": _rms("nsb", 1000, 400, rng, alphabet_size=1000),
        "chao_shen": _rms("chao_shen", 1000, 400, rng),
        "plugin": _rms("plugin", 1000, 150, rng),
    }
    assert min(rms.values()) <= 0.087, rms
    assert rms["plugin"] > 0.35


@pytest.mark.slow
def test_zipf_1000_symbols_n1000_table():
    # The numbers quoted above, 2000 seeded draws each: the best registered estimator's
    # RMS plus two Monte Carlo se is below 0.085 but not below the issue's 0.06.
    rng = np.random.default_rng(11)
    draws = [rng.multinomial(1000, zipf(1000)) for _ in range(2000)]
    table = {
        name: _rms_and_se(_zipf_errors(1.0, method, draws, **kw))
        for name, method, kw in [
            ("nsb_K", "nsb", {"alphabet_size": 1000}),
            ("nsb", "nsb", {}),
            ("chao_shen", "chao_shen", {}),
        ]
    }
    best = min(table.values())
    assert best[0] + 2 * best[1] <= 0.085, table
    assert best[0] - 2 * best[1] > 0.06, table
    pym = _rms_and_se(_zipf_errors(1.0, "pym", draws[:300]))
    assert pym[0] > 0.2, pym  # the documented tail extrapolation (bias +0.28)


@pytest.mark.slow
def test_zipf_1000_worst_case_over_exponents_vs_minimax_bound():
    # Over Zipf exponents 0.8-1.2 (n = 1000, 300 draws per exponent) the worst RMS of NSB
    # with the alphabet size (measured 0.086 at 1.2; 0.070, 0.068, 0.079, 0.080 at 0.8,
    # 0.9, 1.0, 1.1) must be above the van Trees minimax bound 0.0654 -- a theorem, so
    # this checks the bound's formula by simulation -- and it is within a factor 1.4 of
    # it: near-minimax on this family, so there is little left to gain uniformly.
    from infolens.bounds import entropy_risk_lower_bound

    bound = entropy_risk_lower_bound(zipf(1000), 1000, radius=0.2).value
    rng = np.random.default_rng(4024)
    worst = 0.0
    for s in (0.8, 0.9, 1.0, 1.1, 1.2):
        draws = [rng.multinomial(1000, zipf(1000, s)) for _ in range(300)]
        worst = max(worst, _rms_and_se(_zipf_errors(s, "nsb", draws, alphabet_size=1000))[0])
    assert bound < worst < 1.4 * bound, (bound, worst)


def test_bias_corrected_estimators_beat_plugin_undersampled(rng):
    # Miller-Madow, Grassberger, Chao-Shen, jackknife and NSB all reduce the plug-in's
    # downward bias of about (K-1)/(2N) on a moderately undersampled uniform source.
    p = np.full(64, 1 / 64)
    h = math.log(64)
    draws = [rng.multinomial(128, p) for _ in range(40)]
    err = {m: np.mean([D.entropy_from_counts(c, method=m) - h for c in draws]) for m in METHODS}
    for m in ("miller_madow", "grassberger", "chao_shen", "jackknife", "nsb"):
        assert abs(err[m]) < abs(err["plugin"]), err


# ------------------------------------------------------------------------- MI and CMI


def _bsc_samples(rng, n, eps):
    x = rng.integers(0, 2, n)
    y = x ^ (rng.random(n) < eps)
    return x, y


def test_mi_plugin_equals_exact_mi_of_empirical_table_and_sklearn(rng):
    x = rng.integers(0, 4, 3000)
    y = (x + rng.integers(0, 3, 3000)) % 5
    table = np.zeros((4, 5))
    np.add.at(table, (x, y), 1)
    expected = X.mutual_information(table / table.sum())
    assert infolens.mutual_information(x, y, method="plugin") == pytest.approx(expected, abs=1e-12)
    assert infolens.mutual_information(x, y, method="plugin") == pytest.approx(
        mutual_info_score(x, y), abs=1e-12
    )


def test_cmi_plugin_equals_exact_cmi(rng):
    x = rng.integers(0, 3, 2000)
    z = rng.integers(0, 2, 2000)
    y = (x + z + rng.integers(0, 2, 2000)) % 3
    t = np.zeros((3, 3, 2))
    np.add.at(t, (x, y, z), 1)
    expected = X.conditional_mutual_information(t / t.sum(), 0, 1, 2)
    got = infolens.conditional_mutual_information(x, y, z, method="plugin")
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_discrete_channel_known_mi(rng, method):
    # BSC with crossover 0.1 and uniform input: I = ln 2 - h(0.1) nats.
    eps, n = 0.1, 10_000
    true = math.log(2) - X.binary_entropy(eps)
    x, y = _bsc_samples(rng, n, eps)
    est = infolens.mutual_information(x, y, method=method)
    # Tolerance: 5 sd of the plug-in MI, sd = sqrt(Var[log p(x,y)/(p(x)p(y))] / n)
    # (delta method), plus the (Kx-1)(Ky-1)/(2n) bias of the plug-in.
    pmi = np.array([math.log(2 * (1 - eps)), math.log(2 * eps)])
    w = np.array([1 - eps, eps])
    sd = math.sqrt((np.dot(w, pmi**2) - true**2) / n)
    assert abs(est - true) < 5 * sd + 1 / (2 * n)


def test_error_shrinks_with_n(rng):
    # plug-in MI bias is (Kx-1)(Ky-1)/(2n) for independent 6-symbol variables: the mean
    # estimate must fall roughly like 1/n (factor 10 in n -> factor ~10 in the bias).
    means = []
    for n in (500, 5000):
        vals = [
            infolens.mutual_information(rng.integers(0, 6, n), rng.integers(0, 6, n), method="plugin")
            for _ in range(30)
        ]
        means.append(np.mean(vals))
        assert np.mean(vals) == pytest.approx(25 / (2 * n), rel=0.35)
    assert means[0] / means[1] > 6


def test_constant_feature_vs_rare_label_one_million(rng):
    # Issue: a constant feature against a rare label must give <= 0.01 nats at n = 1e6.
    n = 1_000_000
    x = np.zeros(n, dtype=np.int64)
    y = (rng.random(n) < 1e-3).astype(np.int64)
    for m in METHODS:
        v = infolens.mutual_information(x, y, method=m)
        assert abs(v) <= 0.01, (m, float(v))
    assert abs(infolens.mutual_information(x, y)) <= 1e-9


def test_several_columns_form_one_symbol(rng):
    a = rng.integers(0, 3, 500)
    b = rng.integers(0, 2, 500)
    joint = np.column_stack([a, b])
    assert infolens.entropy(joint, method="plugin") == pytest.approx(
        infolens.entropy(a * 2 + b, method="plugin"), abs=1e-12
    )


# -------------------------------------------------------------------------- counting


def _reference_counts(x: np.ndarray) -> np.ndarray:
    _, c = np.unique(x, axis=0, return_counts=True)
    return np.sort(c)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: r.integers(-5, 5, (300, 3)),
        lambda r: r.integers(0, 2**40, (300, 1)) * 2**20,  # sparse large integers
        lambda r: r.integers(0, 3, (300, 2)).astype(np.uint64) + np.uint64(2**63),
        lambda r: r.random((300, 2)) < 0.5,
        lambda r: r.choice(np.array(["a", "bb", "c"]), (300, 2)),
    ],
)
def test_encode_counts_like_unique_rows(rng, make):
    x = make(rng)
    code, radix = _counting.encode(x)
    assert code.min() >= 0 and code.max() < radix
    cells, counts = _counting.count(code, radix)
    assert np.array_equal(np.sort(counts), _reference_counts(x))


def test_joint_code_overflow_is_guarded(rng):
    # 5 columns of 2**20 spread each: the mixed-radix product 2**100 overflows int64; the
    # encoder must re-densify instead of wrapping around (which would merge symbols).
    base = rng.integers(0, 4, (2000, 5))
    x = base * (2**20)  # span of each column 3 * 2**20 + 1 > 4n + 65536: dense path
    x[:, 0] += rng.integers(0, 2, 2000) * (2**21 + 7)
    code, radix = _counting.encode(x)
    cells, counts = _counting.count(code, radix)
    assert np.array_equal(np.sort(counts), _reference_counts(x))
    t = _counting.count_table(x[:, :2], x[:, 2:])
    assert t.n == 2000
    assert np.array_equal(np.sort(t.counts), _reference_counts(x))
    assert infolens.mutual_information(x[:, :2], x[:, 2:], method="plugin") == pytest.approx(
        mutual_info_score(
            np.unique(x[:, :2], axis=0, return_inverse=True)[1].ravel(),
            np.unique(x[:, 2:], axis=0, return_inverse=True)[1].ravel(),
        ),
        abs=1e-12,
    )


def test_combine_overflow_branch_directly():
    # radices whose product exceeds 2**62 force the densifying branch of _combine
    a = np.array([0, 2**40, 2**40, 5], dtype=np.int64)
    b = np.array([1, 3, 3, 2**30], dtype=np.int64)
    code, radix, exact = _counting.combine([a, b], [2**41, 2**31])
    assert not exact
    assert len(np.unique(code)) == 3


def test_mixed_type_object_column_error():
    x = np.array([1, "a", 2.5, "b"], dtype=object)
    with pytest.raises(TypeError, match="cannot be ordered"):
        infolens.entropy(x, method="plugin")


def test_constant_column_entropies():
    # Documented values (module docstring): 0 for the frequency estimators, about
    # -1/(6 N^2) for Grassberger, a small positive posterior mean for NSB.
    x = np.full(1000, 3)
    for m in ("plugin", "miller_madow", "chao_shen", "jackknife", "shrink"):
        assert infolens.entropy(x, method=m) == 0.0
    assert infolens.entropy(x, method="grassberger") == pytest.approx(-1 / (6 * 1000**2), rel=1e-3)
    v = infolens.entropy(x, method="nsb")
    assert 0 < v < 0.01
    assert infolens.entropy(x, method="bonachela") == pytest.approx(1001 / 1002**2, rel=1e-12)


def test_bonachela_matches_its_harmonic_sums_exactly():
    # (1/(N+2)) sum_i (n_i + 1) sum_{j=n_i+2}^{N+2} 1/j in exact rational arithmetic; the
    # estimator evaluates the inner sums as digamma differences.
    from fractions import Fraction

    for counts in ([3, 1, 1, 5], [1], [2, 2, 2, 2, 2, 2, 1, 7, 30]):
        n = sum(counts)
        exact = sum(
            Fraction(c + 1) * sum(Fraction(1, j) for j in range(c + 2, n + 3)) for c in counts
        ) / (n + 2)
        assert D.entropy_from_counts(counts, method="bonachela") == pytest.approx(float(exact), rel=1e-13)
    # zero counts are not symbols: they do not change the value
    assert D.entropy_from_counts([3, 0, 1, 0], method="bonachela") == D.entropy_from_counts(
        [3, 1], method="bonachela"
    )


def test_kl_plugin_closed_form_and_infinite():
    p = np.array([0, 1] * 500)
    q = np.array([0, 0, 0, 1] * 250)
    expected = X.kl_divergence([0.5, 0.5], [0.75, 0.25])
    assert infolens.kl_divergence(p, q, method="plugin") == pytest.approx(expected, abs=1e-12)
    assert math.isinf(infolens.kl_divergence(np.array([0, 1, 2]), np.array([0, 1]), method="plugin"))
    # explicit pseudocount: add 1 to every symbol of the union alphabet
    d = infolens.kl_divergence(np.array([0, 1, 2]), np.array([0, 1]), method="plugin", pseudocount=1)
    assert d == pytest.approx(X.kl_divergence([1 / 3] * 3, [2 / 5, 2 / 5, 1 / 5]), abs=1e-12)


def test_entropy_from_counts_validation():
    with pytest.raises(ValueError, match="non-negative"):
        D.entropy_from_counts([1, -1])
    with pytest.raises(ValueError, match="all zero"):
        D.entropy_from_counts([0, 0])
    with pytest.raises(ValueError, match="choose one of"):
        D.entropy_from_counts([1, 2], method="nope")
    with pytest.raises(ValueError, match="smaller than"):
        D.entropy_from_counts([1, 2, 3], method="nsb", alphabet_size=2)


# ------------------------------------------------------------ PYM (Pitman-Yor mixture)


def _stick_breaking_entropy(rng, d, alpha, size, sticks):
    """Entropy of PY(d, alpha) draws by stick-breaking truncated after ``sticks`` weights
    (Pitman 1996: V_j ~ Beta(1 - d, alpha + j d)); also returns the largest left-over mass."""
    j = np.arange(1, sticks + 1)
    v = rng.beta(1 - d, alpha + j * d, size=(size, sticks))
    log_rest = np.cumsum(np.log1p(-v), axis=1)
    w = v * np.exp(np.concatenate([np.zeros((size, 1)), log_rest[:, :-1]], axis=1))
    return -special.xlogy(w, w).sum(axis=1), float(np.exp(log_rest[:, -1]).max())


@pytest.mark.parametrize("d, alpha", [(0.0, 2.0), (0.15, 3.0)])
def test_pym_prior_entropy_moments_monte_carlo(d, alpha):
    # E[H] = psi(alpha+1) - psi(1-d) and the prior variance used for the unseen tail,
    # against stick-breaking draws.  Tolerance: 4 Monte Carlo standard errors (mean: sd/
    # sqrt(S); variance: sd^2 sqrt(2/S) times a kurtosis allowance of 2) plus the entropy
    # the truncation can miss: a left-over mass r carries r (1 - log r) + r H_rest, with
    # H_rest below 10 nats here.
    rng = np.random.default_rng(7)
    s = 10_000
    h, rest = _stick_breaking_entropy(rng, d, alpha, s, 500)
    assert rest < 1e-4
    cut = rest * (11 - math.log(rest)) if rest > 0 else 0.0
    mean, var = P._py_prior_moments(np.array(alpha), np.array(d))
    sd = h.std()
    assert h.mean() == pytest.approx(float(mean), abs=4 * sd / math.sqrt(s) + cut)
    assert h.var() == pytest.approx(float(var), abs=4 * 2 * var * math.sqrt(2 / s))


@pytest.mark.parametrize("d, alpha", [(0.0, 2.0), (0.15, 4.0)])
def test_pym_conditional_moments_match_posterior_draws(d, alpha):
    # Pitman (1996): given counts n_i of K symbols, (p_1..p_K, p_*) ~ Dir(n_i - d, alpha +
    # K d) and the mass p_* is spread by an independent PY(d, alpha + K d).  Draw H from
    # that posterior and compare with the closed-form E[H | n, d, alpha] (the formula of
    # the issue) and E[H^2 | ...]; tolerance 4 Monte Carlo standard errors plus the
    # truncation bound of the stick-breaking tail (as above, times p_* <= 1).
    rng = np.random.default_rng(8)
    c = np.array([5.0, 3, 1, 1, 2, 7, 1])
    k = c.size
    s = 10_000
    p = rng.dirichlet(np.r_[c - d, alpha + k * d], size=s)
    tail, rest = _stick_breaking_entropy(rng, d, alpha + k * d, s, 500)
    assert rest < 1e-4
    cut = rest * (11 - math.log(rest)) if rest > 0 else 0.0
    h = -special.xlogy(p, p).sum(axis=1) + p[:, -1] * tail
    model = P._PYMModel(c)
    mean, second = model.moments(np.array([d]), np.array([alpha]), second=True)
    a_tot = alpha + c.sum()
    issue_formula = (
        special.digamma(a_tot + 1)
        - np.sum((c - d) / a_tot * special.digamma(c - d + 1))
        - (alpha + k * d) / a_tot * special.digamma(1 - d)
    )
    assert mean[0] == pytest.approx(issue_formula, abs=1e-12)
    assert mean[0] == pytest.approx(h.mean(), abs=4 * h.std() / math.sqrt(s) + cut)
    assert second[0] == pytest.approx(
        np.mean(h**2), abs=4 * np.std(h**2) / math.sqrt(s) + 2 * h.max() * cut
    )


def test_pym_log_rising_sums_are_stable():
    # sum_{l<K} log(alpha + l d) by series (alpha >> d K) or gamma functions, against the
    # direct sum in extended precision, over the range the integration visits.
    for k in (2.0, 7.0, 300.0):
        coef = P._series_coefficients(k)
        for alpha in (1e-8, 0.3, 5.0, 1e3, 1e9, 1e40):
            for d in (0.0, 1e-9, 0.01, 0.5, 0.99, 1.0):
                direct = float(np.sum(np.log(np.longdouble(alpha) + np.arange(1, k) * d)))
                got = float(P._sum_log_steps(np.array([alpha]), np.array([d]), k, coef)[0])
                assert got == pytest.approx(direct, rel=1e-12, abs=1e-9), (k, alpha, d)


def test_pym_inverse_digamma():
    y = np.linspace(-60.0, 40.0, 2001)
    assert np.max(np.abs(special.digamma(P._inv_digamma(y)) - y)) < 1e-10
    x = np.logspace(-8, 8, 200)
    assert np.allclose(P._trigamma_fast(x), special.polygamma(1, x), rtol=1e-12)


@pytest.mark.parametrize("sample", ["zipf", "geometric"])
def test_pym_matches_brute_force_quadrature(rng, sample):
    # The adaptive integration (Gauss-Legendre panels in gamma, trapezoid in log h) against
    # a dense uniform 2-D trapezoid grid over the whole (gamma, log h) domain.  The dense
    # grid itself changes by about 1e-6 when refined 2x in each direction (measured), so
    # 1e-5 leaves room for it and still catches any misplaced panel or row.
    p = zipf(40) if sample == "zipf" else 0.6 ** np.arange(12) * 0.4
    c = np.bincount(rng.choice(p.size, 80, p=p / p.sum()))
    c = c[c > 0].astype(float)
    model = P._PYMModel(c)
    s_hi = math.log(P._PYM_H_MAX)
    g = np.linspace(0.0, P._PYM_GAMMA_MAX, 401)
    s = np.linspace(s_hi - 30.0, s_hi, 1201)
    lp = model.logpost(g[:, None], s[None, :])
    w = np.exp(lp - lp.max())
    gg, ss = np.broadcast_arrays(g[:, None], s[None, :])
    d, _, alpha = model.params(gg, ss)
    mean, second = model.moments(d, alpha, second=True)
    z = integrate.trapezoid(integrate.trapezoid(w, s, axis=1), g)
    m1 = integrate.trapezoid(integrate.trapezoid(w * mean, s, axis=1), g) / z
    m2 = integrate.trapezoid(integrate.trapezoid(w * second, s, axis=1), g) / z
    got = D.pym_entropy(c)
    assert got.mean == pytest.approx(m1, abs=1e-5)
    assert got.std == pytest.approx(math.sqrt(m2 - m1 * m1), abs=1e-5)
    assert D.entropy_from_counts(c, method="pym") == got.mean


def test_pym_uniform_well_sampled_is_bias_corrected_plugin(rng):
    # Well sampled uniform source over K symbols: the posterior puts d near 0 and PYM
    # becomes a first-order bias-corrected plug-in.  The sd of the Miller-Madow estimate at
    # a uniform pmf is sqrt(2 (K-1)) / (2N) (its error is -(chi2_{K-1} - (K-1)) / (2N));
    # PYM must agree with it to a fraction of that sd (measured <= 0.6) and be within 6
    # of those sd of log K.
    for k, n in ((20, 20_000), (5, 100_000)):
        c = rng.multinomial(n, np.full(k, 1 / k))
        sd = math.sqrt(2 * (k - 1)) / (2 * n)
        est = D.pym_entropy(c)
        assert abs(est.mean - D.entropy_from_counts(c, method="miller_madow")) < 0.8 * sd
        assert abs(est.mean - math.log(k)) < 6 * sd
        assert est.unit == "nats"


def test_pym_posterior_sd_matches_delta_method_and_converges(rng):
    # Bernstein-von Mises: for a well-sampled source the posterior sd approaches the
    # sampling sd sqrt(Var[log p(X)] / N) of efficient estimators (measured within 1%),
    # and the posterior mean converges to H: within 5 sd plus the (K-1)/(2N) scale of
    # the first-order bias corrections (Zipf over 1,000 symbols at N = 10^6).
    p = 0.7 ** np.arange(10)
    p /= p.sum()
    h = exact_h(p)
    sd = math.sqrt((np.sum(p * np.log(p) ** 2) - h**2) / 20_000)
    est = D.pym_entropy(rng.multinomial(20_000, p))
    assert est.std == pytest.approx(sd, rel=0.1)
    assert abs(est.mean - h) < 5 * sd
    p = zipf(1000)
    h = exact_h(p)
    n = 1_000_000
    sd = math.sqrt((np.sum(p * np.log(p) ** 2) - h**2) / n)
    est = D.pym_entropy(rng.multinomial(n, p))
    assert est.std == pytest.approx(sd, rel=0.1)
    assert abs(est.mean - h) < 5 * sd + 999 / (2 * n)
    bits = D.pym_entropy(rng.multinomial(500, p), base=2)
    assert bits.unit == "bits"


def test_pym_bad_input():
    with pytest.raises(ValueError, match="non-negative"):
        D.pym_entropy([3, -1])
    with pytest.raises(ValueError, match="whole numbers"):
        D.pym_entropy([2.5, 1.0])
    with pytest.raises(ValueError, match="whole numbers"):
        D.entropy_from_counts([2.5, 1.0], method="pym")
    with pytest.raises(ValueError, match="empty"):
        D.pym_entropy([])
    with pytest.raises(ValueError, match="all zero"):
        D.pym_entropy([0, 0])
    with pytest.raises(ValueError, match="finite"):
        D.pym_entropy([np.nan, 2.0])
    with pytest.raises(TypeError, match="dtype"):
        D.pym_entropy(["a", "b"])
    with pytest.raises(TypeError, match="unexpected parameter"):
        D.entropy_from_counts([1, 2], method="pym", alphabet_size=3)
    with pytest.raises(ValueError, match="base"):
        D.pym_entropy([1, 2], base=1)
    # float data through the sample API: the discrete-method error of the API
    with pytest.raises(TypeError, match="discrete"):
        infolens.entropy(np.array([0.5, 1.5, 2.5]), method="pym")


@pytest.mark.parametrize(
    "counts",
    [
        [1],
        [1, 1],
        [7],
        [2, 1],
        [10**7, 1],
        [10**6] * 3,
        [1] * 40 + [2],
        [1] * 200 + [500],
        [3] * 50,
        list(range(1, 60)),
    ],
)
def test_pym_never_nan(counts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = D.pym_entropy(counts)
    assert math.isfinite(est.mean) and math.isfinite(est.std) and est.std >= 0
    assert est.mean >= 0


def test_pym_no_coincidences_warns():
    with pytest.warns(UserWarning, match="every symbol was seen once"):
        v = D.entropy_from_counts(np.ones(30), method="pym")
    assert math.isfinite(v) and v > math.log(30) - 0.5
