"""Cross-check of the multivariate measures of infolens.exact.discrete against dit
(James, Ellison & Crutchfield 2018, JOSS 3(25):738), an independent implementation.

dit works in bits; its ``coinformation`` uses the same sign convention as our
``interaction_information`` (XOR = -1 bit).  Both sides are exact sums over at most 16
cells, so they agree to round-off: ATOL = 1e-10.
"""

import dit
import numpy as np
import pytest
from dit import multivariate as M

from infolens.exact import discrete as D

ATOL = 1e-10


def _random_pmf(seed, shape):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(int(np.prod(shape)), 0.7))
    p[rng.random(p.size) < 0.15] = 0.0  # some impossible outcomes
    return (p / p.sum()).reshape(shape)


CASES = [(seed, shape) for seed in range(3) for shape in [(2, 3, 2), (3, 2, 2), (2, 2, 2, 2)]]


@pytest.mark.parametrize("seed, shape", CASES)
def test_multivariate_measures_match_dit(seed, shape):
    p = _random_pmf(seed, shape)
    d = dit.Distribution.from_ndarray(p)
    assert D.total_correlation(p, base=2) == pytest.approx(M.total_correlation(d), abs=ATOL)
    assert D.dual_total_correlation(p, base=2) == pytest.approx(
        M.dual_total_correlation(d), abs=ATOL
    )
    assert D.interaction_information(p, base=2) == pytest.approx(M.coinformation(d), abs=ATOL)
    assert D.o_information(p, base=2) == pytest.approx(M.o_information(d), abs=ATOL)
    assert D.s_information(p, base=2) == pytest.approx(M.s_information(d), abs=ATOL)
    assert D.entropy(p, base=2) == pytest.approx(M.entropy(d), abs=ATOL)


@pytest.mark.parametrize("seed", range(3))
def test_conditional_measures_match_dit(seed):
    p = _random_pmf(seed, (2, 3, 2))
    d = dit.Distribution.from_ndarray(p)
    assert D.conditional_mutual_information(p, 0, 1, 2, base=2) == pytest.approx(
        M.coinformation(d, [[0], [1]], [2]), abs=ATOL
    )
    assert D.conditional_entropy(p, (0, 1), 2, base=2) == pytest.approx(
        M.entropy(d, [0, 1], [2]), abs=ATOL
    )
    assert D.mutual_information(p, 0, (1, 2), base=2) == pytest.approx(
        M.coinformation(d, [[0], [1, 2]]), abs=ATOL
    )
