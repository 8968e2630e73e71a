"""Tests of infolens.exact.elliptical (the multivariate Student-t) against Monte Carlo.

The Monte-Carlo reference averages log p(x, y) - log p(x) - log p(y) over N draws with
SciPy's multivariate_t densities (an independent implementation).  Its standard error is
sd(terms)/sqrt(N); the test allows 5 standard errors, so a wrong formula (the shape term is
0.05-0.5 nats here, the standard error ~0.002-0.004) fails while round-off never does.
"""

import math

import numpy as np
import pytest
from scipy.stats import multivariate_t

from infolens.exact import elliptical as E
from infolens.exact import gaussian as G


def _mc_mi(scatter, dx, nu, n=60_000, seed=0):
    rng = np.random.default_rng(seed)
    d = scatter.shape[0]
    joint = multivariate_t(loc=np.zeros(d), shape=scatter, df=nu)
    s = joint.rvs(size=n, random_state=rng)
    px = multivariate_t(loc=np.zeros(dx), shape=scatter[:dx, :dx], df=nu)
    py = multivariate_t(loc=np.zeros(d - dx), shape=scatter[dx:, dx:], df=nu)
    terms = joint.logpdf(s) - px.logpdf(s[:, :dx]) - py.logpdf(s[:, dx:])
    return terms.mean(), terms.std() / math.sqrt(n)


@pytest.mark.parametrize(
    "dx,dy,nu,rho",
    [(1, 1, 1.0, 0.0), (1, 1, 3.0, 0.6), (2, 2, 2.0, 0.3), (3, 2, 5.0, 0.5), (2, 3, 0.7, 0.0)],
)
def test_mutual_information_matches_monte_carlo(dx, dy, nu, rho):
    d = dx + dy
    scatter = np.eye(d)
    scatter[0, dx] = scatter[dx, 0] = rho
    exact = E.student_t_mutual_information(scatter, list(range(dx)), list(range(dx, d)), nu)
    mc, se = _mc_mi(scatter, dx, nu)
    assert abs(exact - mc) < 5 * se, (exact, mc, se)


def test_gaussian_limit_and_units():
    scatter = np.array([[1.0, 0.5], [0.5, 1.0]])
    gauss = G.mutual_information(scatter, 0, 1)
    assert E.student_t_mutual_information(scatter, 0, 1, math.inf) == gauss
    # the shape term decreases to 0 as nu grows
    terms = [E.student_t_shape_term(nu, 2, 3) for nu in (0.5, 1, 2, 5, 50, 5000)]
    assert all(a > b for a, b in zip(terms, terms[1:], strict=False)) and terms[-1] < 1e-5
    nats = E.student_t_mutual_information(scatter, 0, 1, 2.0)
    assert E.student_t_mutual_information(scatter, 0, 1, 2.0, base=2) == pytest.approx(nats / math.log(2))


def test_marginalises_unnamed_dimensions():
    # a third coordinate in neither block: the marginal of (0, 1) is t with the same nu
    scatter = np.array([[1.0, 0.4, 0.2], [0.4, 1.0, 0.3], [0.2, 0.3, 1.0]])
    three = E.student_t_mutual_information(scatter, 0, 1, 3.0)
    two = E.student_t_mutual_information(scatter[:2, :2], 0, 1, 3.0)
    assert three == pytest.approx(two, abs=1e-12)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        ({"nu": 0.0}, ValueError, "nu must be > 0"),
        ({"nu": float("nan")}, ValueError, "nu must be > 0"),
        ({"nu": "3"}, TypeError, "nu must be a real number"),
        ({"nu": 2.0, "scatter": [[1.0, 2.0], [2.0, 1.0]]}, ValueError, "scatter"),
        ({"nu": 2.0, "x": 0, "y": 0}, ValueError, "overlap|disjoint|share"),
    ],
)
def test_bad_input(kwargs, exc, match):
    args = {"scatter": np.eye(2), "x": 0, "y": 1, **kwargs}
    with pytest.raises(exc, match=match):
        E.student_t_mutual_information(**args)


def test_shape_term_bad_dims():
    with pytest.raises(ValueError, match="dim_x must be an integer >= 1"):
        E.student_t_shape_term(2.0, 0, 1)
