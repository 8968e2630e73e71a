"""Canonical gates with textbook PID values, for every measure (values in bits).

Closed forms used below (uniform independent input bits):
* AND: I(X0;T) = h(1/4) - 1/2 = 3/2 - (3/4) log2 3, I(X0X1;T) = h(1/4) = 2 - (3/4) log2 3.
* I_sx redundancy of two events: log2 [P(A0 u A1 with t) / (p(t) P(A0 u A1))] by
  inclusion-exclusion (Makkeh et al. 2021, Eq. 14); e.g. XOR: (1/4)/((1/2)(3/4)) = 2/3.
Published values (rounded to 4 digits in the papers, hence the 6e-5 tolerance there):
Ince (2017) Table 3 for I_ccs on AND; James et al. (2018) Table 2 for I_dep on AND.
"""

import itertools
import math

import numpy as np
import pytest

from infolens.pid import decompose

MEASURES2 = ["imin", "mmi", "broja", "ccs", "sx", "dep"]
L3 = math.log2(3)
H14 = 2 - 0.75 * L3  # h(1/4) in bits
# BROJA atoms carry the certified duality gap (<= 1e-8 nats); other measures are closed
# forms evaluated in floating point (errors ~1e-15).
TOL = {"broja": 2e-8}


def gate(f, n=2, k=2):
    outs = {}
    for xs in itertools.product(range(k), repeat=n):
        key = (*xs, f(*xs))
        outs[key] = outs.get(key, 0.0) + 1.0 / k**n
    shape = [k] * n + [max(o[-1] for o in outs) + 1]
    p = np.zeros(shape)
    for key, v in outs.items():
        p[key] = v
    return p


XOR = gate(lambda a, b: a ^ b)
AND = gate(lambda a, b: a & b)
COPY = gate(lambda a, b: 2 * a + b)
UNQ = gate(lambda a, b: a)
RDN = np.zeros((2, 2, 2))
RDN[0, 0, 0] = RDN[1, 1, 1] = 0.5

# expected (redundancy {0}{1}, unique {0}, unique {1}, synergy {0 1}) in bits
EXPECTED = {
    "xor": {m: (0, 0, 0, 1) for m in MEASURES2}
    | {"sx": (math.log2(2 / 3), math.log2(3 / 2), math.log2(3 / 2), 2 - L3)},
    "rdn": {m: (1, 0, 0, 0) for m in MEASURES2},
    "copy": {m: (0, 1, 1, 0) for m in ("broja", "ccs", "dep")}
    | {"imin": (1, 0, 0, 1), "mmi": (1, 0, 0, 1)}
    | {"sx": (math.log2(4 / 3), math.log2(3 / 2), math.log2(3 / 2), math.log2(4 / 3))},
    "unq": {m: (0, 1, 0, 0) for m in ("imin", "mmi", "broja", "ccs", "dep")}
    | {"sx": (math.log2(4 / 3), 1 - math.log2(4 / 3), -math.log2(4 / 3), math.log2(4 / 3))},
    "and": {m: (H14 - 0.5, 0, 0, 0.5) for m in ("imin", "mmi", "broja")}
    # I_sx: unique = 1 - h(1/4) (the exclusion of x0=0 ...), redundancy = I(X0;T) - unique
    | {"sx": (2 * H14 - 1.5, 1 - H14, 1 - H14, H14 - 0.5)},
}
PUBLISHED_AND = {"ccs": (0.1038, 0.2075, 0.2075, 0.2925), "dep": (0.0817, 0.2296, 0.2296, 0.2704)}
GATES = {"xor": XOR, "rdn": RDN, "copy": COPY, "unq": UNQ, "and": AND}


@pytest.mark.parametrize("measure", MEASURES2)
@pytest.mark.parametrize("name", list(GATES))
def test_two_source_gates(name, measure):
    r = decompose(GATES[name], sources=[0, 1], target=2, measure=measure, base=2)
    got = (r["{0}{1}"], r["{0}"], r["{1}"], r["{0 1}"])
    if name == "and" and measure in PUBLISHED_AND:
        np.testing.assert_allclose(got, PUBLISHED_AND[measure], atol=6e-5)
    else:
        np.testing.assert_allclose(got, EXPECTED[name][measure], atol=TOL.get(measure, 1e-12))
    assert abs(r.sum_error) < 1e-12
    assert r.total == pytest.approx(sum(got), abs=1e-12)


def test_sx_copy_closed_form():
    # COPY under I_sx: redundancy log2(4/3) (same event algebra as XOR with p(t)=1/4),
    # unique = I(X0;T) - redundancy = 1 - log2(4/3) = log2(3/2), synergy = 2 - R - 2U.
    r = decompose(COPY, measure="sx", base=2)
    R = math.log2(4 / 3)
    U = 1 - R
    np.testing.assert_allclose(r.atoms, [R, U, U, 2 - R - 2 * U], atol=1e-12)


@pytest.mark.parametrize("measure", ["imin", "mmi", "ccs"])
def test_three_source_xor_is_pure_synergy(measure):
    p = gate(lambda a, b, c: a ^ b ^ c, n=3)
    r = decompose(p, measure=measure, base=2)
    assert len(r.atoms) == 18
    expected = np.zeros(18)
    expected[-1] = 1.0
    np.testing.assert_allclose(r.atoms, expected, atol=1e-12)
    assert r.names[-1] == "{0 1 2}"


def test_three_source_xor_sx_sums_to_one_bit():
    p = gate(lambda a, b, c: a ^ b ^ c, n=3)
    r = decompose(p, measure="sx", base=2)
    assert r.atoms.sum() == pytest.approx(1.0, abs=1e-12)
    # bottom node {0}{1}{2}: P(x0=a u x1=b u x2=c) = 1 - 1/8 = 7/8; with T=t the three
    # events have probability 1/4 each, pairwise and triple intersections 1/8, so the union
    # is 3/4 - 3/8 + 1/8 = 1/2, and p(t) = 1/2: redundancy log2((1/2) / ((1/2)(7/8))) = log2(8/7)
    assert r.redundancy[0] == pytest.approx(math.log2(8 / 7), abs=1e-12)


@pytest.mark.parametrize("measure", ["broja", "dep"])
def test_two_source_only_measures_reject_three(measure):
    p = gate(lambda a, b, c: a ^ b ^ c, n=3)
    with pytest.raises(ValueError, match="at most 2 sources"):
        decompose(p, measure=measure)


def test_four_sources_have_166_atoms_and_sum_to_mi():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(32)).reshape(2, 2, 2, 2, 2)
    for m in ("imin", "mmi", "sx"):
        r = decompose(p, measure=m)
        assert len(r.atoms) == 166
        assert abs(r.sum_error) < 1e-10


def test_base_conversion_and_names():
    r2 = decompose(AND, measure="imin", base=2)
    re_ = decompose(AND, measure="imin")
    np.testing.assert_allclose(r2.atoms * math.log(2), re_.atoms, atol=1e-14)
    assert r2.unit == "bits" and re_.unit == "nats"
    assert r2.names == ("{0}{1}", "{0}", "{1}", "{0 1}")
    assert r2.synergy == r2["{0 1}"] == r2[((0, 1),)]
    assert r2.unique(0) == r2["{0}"]
    assert "{0 1}" in r2.table()


def test_grouped_sources_and_target_axis():
    # sources given as axis groups; target not last
    p = np.transpose(AND, (2, 0, 1))  # axes: T, X0, X1
    r = decompose(p, sources=[1, 2], target=0, measure="mmi", base=2)
    np.testing.assert_allclose(r.atoms, EXPECTED["and"]["mmi"], atol=1e-12)
    r1 = decompose(p, sources=[[1, 2]], target=0, measure="imin", base=2)
    assert r1.names == ("{0}",) and r1.atoms[0] == pytest.approx(H14, abs=1e-12)


def test_bad_input_messages():
    with pytest.raises(ValueError, match="measure="):
        decompose(AND, measure="nope")
    with pytest.raises(ValueError, match="disjoint"):
        decompose(AND, sources=[0, 1], target=1)
    with pytest.raises(ValueError, match="sums to"):
        decompose(AND * 2)
    with pytest.raises(ValueError, match="out of range"):
        decompose(AND, sources=[0, 5])
    with pytest.raises(TypeError, match="sources must be"):
        decompose(AND, sources=0)
