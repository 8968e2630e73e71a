"""PID from samples: the plug-in pmf path and the vectorised pairwise path."""

import itertools

import numpy as np
import pytest

from infolens.pid import decompose, decompose_samples, joint_pmf, pairwise_pid


def balanced_gate(f, reps=50):
    """Every input combination exactly `reps` times: the plug-in pmf is the exact gate pmf."""
    rows = [(a, b, f(a, b)) for a, b in itertools.product((0, 1), repeat=2)] * reps
    arr = np.array(rows)
    return arr[:, :2], arr[:, 2]


@pytest.mark.parametrize("measure", ["imin", "mmi", "broja", "ccs", "sx", "dep"])
def test_balanced_samples_give_exact_gate_atoms(measure):
    x, y = balanced_gate(lambda a, b: a ^ b)
    r = decompose_samples(x, y, measure=measure, base=2)
    p = np.zeros((2, 2, 2))
    for a, b in itertools.product((0, 1), repeat=2):
        p[a, b, a ^ b] = 0.25
    ref = decompose(p, measure=measure, base=2)
    np.testing.assert_allclose(r.atoms, ref.atoms, atol=1e-12)
    assert r.n == 200 and r.discretization is None


def test_joint_pmf_counts_and_labels():
    x = np.array([["a", 1], ["b", 1], ["a", 2], ["a", 1]], dtype=object)
    p = joint_pmf(x)
    np.testing.assert_allclose(p, [[0.5, 0.25], [0.25, 0.0]])


def test_grouped_sources_and_binning(rng):
    n = 4000
    a = rng.uniform(-1, 1, n)
    b = rng.uniform(-1, 1, n)
    y = ((a > 0) ^ (b > 0)).astype(int)
    r = decompose_samples([a, b], y, measure="mmi", bins=2, rule="uniform", base=2)
    assert r.discretization == {
        "sources[0]": {"bins": 2, "rule": "uniform"},
        "sources[1]": {"bins": 2, "rule": "uniform"},
    }
    # the equal-width split is within ~2/n of 0 for U(-1,1): synergy ~ 1 bit up to the
    # plug-in bias (3/(2 n ln 2) ~ 5e-4 bit) and sampling error
    assert r.synergy == pytest.approx(1.0, abs=0.01)
    with pytest.raises(TypeError, match="bins="):
        decompose_samples([a, b], y)
    joint = decompose_samples([np.column_stack([a, b])], y, measure="imin", bins=2, rule="uniform")
    assert joint.names == ("{0}",)


@pytest.mark.parametrize("measure", ["imin", "mmi", "sx", "broja"])
def test_pairwise_matches_decompose_per_pair(measure, rng):
    n, d = 3000, 5
    x = rng.integers(0, 3, (n, d))
    x[:, 4] = rng.integers(0, 2, n)  # a column with a smaller alphabet
    y = (x[:, 0] + x[:, 1] * (x[:, 2] > 0) + rng.integers(0, 2, n)) % 3
    res = pairwise_pid(x, y, measure=measure)
    assert res.pairs.shape == (10, 2)
    tol = 1e-7 if measure == "broja" else 1e-12
    for (i, j), rd, ui, uj, s in zip(res.pairs, res.redundancy, res.unique_i, res.unique_j,
                                      res.synergy, strict=True):
        ref = decompose_samples(x[:, [i, j]], y, measure=measure)
        np.testing.assert_allclose([rd, ui, uj, s], ref.atoms, atol=tol)
    for j in range(d):
        ref = decompose_samples(x[:, [j]], y, measure="mmi")
        assert res.mi[j] == pytest.approx(ref.total, abs=1e-12)


def test_pairwise_finds_the_synergistic_pair(rng):
    n = 5000
    x = rng.integers(0, 2, (n, 6))
    y = x[:, 2] ^ x[:, 4]
    res = pairwise_pid(x, y, measure="imin", base=2)
    (i, j, s), *_ = res.top_synergy(1)
    assert (i, j) == (2, 4)
    assert s == pytest.approx(1.0, abs=0.01)


def test_pairwise_errors(rng):
    x = rng.integers(0, 2, (100, 3))
    with pytest.raises(ValueError, match="pairs must be"):
        pairwise_pid(x, x[:, 0], pairs=[[0, 0]])
    with pytest.raises(ValueError, match="different numbers of samples"):
        pairwise_pid(x, x[:50, 0])
    with pytest.raises(TypeError, match="discrete"):
        pairwise_pid(x, rng.normal(size=100))
