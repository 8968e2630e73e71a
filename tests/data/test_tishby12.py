"""The generated 12-bit dataset against the facts stated in the reference note."""

import hashlib

import numpy as np

from infolens.data.twelve_bit import ANTIPODE, NEIGHBOURS, icosahedron_edges, tishby12


def _automorphisms():
    """All permutations of the 12 vertices that map edges to edges (backtracking)."""
    adj = np.zeros((12, 12), dtype=bool)
    for i, nb in enumerate(NEIGHBOURS):
        adj[i, list(nb)] = True
    out = []

    def extend(perm):
        v = len(perm)
        if v == 12:
            out.append(tuple(perm))
            return
        for w in range(12):
            if w in perm:
                continue
            if all(adj[v, u] == adj[w, perm[u]] for u in range(v)):
                extend(perm + [w])

    extend([])
    return out


def _rotation_subgroup(group):
    """The commutator subgroup; for the icosahedral group A5 x Z2 it is A5 (60 rotations)."""
    g = [np.asarray(p) for p in group]
    inv = [np.argsort(p) for p in g]
    # commutators a b a^-1 b^-1 (composition of index arrays)
    elems = {tuple(g[i][g[j][inv[i][inv[j]]]]) for i in range(len(g)) for j in range(len(g))}
    while True:  # close under composition
        new = {tuple(np.asarray(a)[np.asarray(b)]) for a in elems for b in elems} | elems
        if new == elems:
            return elems
        elems = new


def test_counts_entropy_and_hash():
    d = tishby12()
    assert d.x.shape == (4096, 12) and d.y.shape == (4096,)
    # lexicographic order: row r is the binary expansion of r, column 0 the MSB
    assert (d.x @ (1 << np.arange(11, -1, -1)) == np.arange(4096)).all()
    assert int(d.y.sum()) == 2118
    p = 2118 / 4096
    h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    assert abs(h - 0.99916) < 5e-6  # the note gives H(Y) to 5 decimals
    digest = hashlib.sha256(d.y.astype(np.uint8).tobytes()).hexdigest()
    assert digest == "77732f16f85e91b49d3997196b56163b3bd362d8cf631468a8de3f986e88359f"


def test_table_is_an_icosahedron():
    assert len(icosahedron_edges()) == 30
    for i, nb in enumerate(NEIGHBOURS):
        assert all(i in NEIGHBOURS[j] for j in nb)
        assert ANTIPODE[ANTIPODE[i]] == i and ANTIPODE[i] not in nb
        # the antipode's neighbours are the antipodes of the neighbours
        assert sorted(NEIGHBOURS[ANTIPODE[i]]) == sorted(ANTIPODE[j] for j in nb)


def test_label_invariant_under_rotations():
    group = _automorphisms()
    assert len(group) == 120  # full icosahedral group I_h
    rotations = _rotation_subgroup(group)
    assert len(rotations) == 60  # the rotation group I = A5
    d = tishby12()
    weights = 1 << np.arange(11, -1, -1)
    for perm in group:  # the rule is invariant even under reflections; rotations included
        moved = d.x[:, np.argsort(perm)]  # bit perm[i] of the new pattern = bit i of the old
        rows = moved @ weights
        assert (d.y[rows] == d.y).all()
    assert set(rotations) <= set(group)


def test_float_dtype():
    d = tishby12(dtype=np.float32)
    assert d.x.dtype == np.float32 and set(np.unique(d.x)) == {0.0, 1.0}


def test_package_level_call_works_in_any_import_order():
    import inspect

    import infolens.data as data
    import infolens.data.sklearn_digits  # noqa: F401  (submodules imported first on purpose)
    import infolens.data.twelve_bit  # noqa: F401
    from infolens.data import tishby12 as via_from

    # the package names are the functions, never the submodules that define them
    assert inspect.isfunction(data.tishby12) and inspect.isfunction(data.digits)

    assert int(data.tishby12().y.sum()) == 2118 and int(data.tishby12().y.sum()) == 2118
    assert int(via_from().y.sum()) == 2118
    assert data.digits(random_state=1).x_train.shape[1] == 64
