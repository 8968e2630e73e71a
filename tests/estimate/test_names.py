"""One vocabulary of method names: the registered names follow one spelling, the old names
of ``infolens.estimate._records.ALIASES`` keep working with a DeprecationWarning that names
the new one and give identical results, and no internal path (``method="auto"``, the
information plane's default, the streaming counter's default) uses an old name."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import infolens
from infolens.estimate._records import ALIASES, QUANTITIES
from infolens.estimate.streaming import DiscreteCounter
from infolens.pid import o_information_samples

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_every_registered_name_is_lower_case_with_underscores():
    bad = [(e.quantity, e.name) for e in infolens.estimators() if not _NAME.match(e.name)]
    assert not bad, bad


def test_every_alias_points_to_a_current_name():
    registered = {(e.quantity, e.name) for e in infolens.estimators()}
    for (space, old), new in ALIASES.items():
        assert _NAME.match(new), new
        assert old != new
        if space in QUANTITIES:
            assert (space, new) in registered, (space, new)
            assert (space, old) not in registered, (space, old)  # the old name is not a record


@pytest.fixture
def gauss():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 2))
    return x, x[:, :1] + 0.7 * rng.normal(size=(400, 1))


_CALLS = {
    "entropy": lambda m, x, y: infolens.entropy(x, method=m),
    "mi": lambda m, x, y: infolens.mutual_information(x, y, method=m, random_state=4),
}


@pytest.mark.parametrize(
    "quantity, old", [k for k in ALIASES if k[0] in QUANTITIES], ids=lambda v: str(v)
)
def test_old_estimator_name_warns_and_gives_the_same_estimate(gauss, quantity, old):
    new = ALIASES[(quantity, old)]
    x, y = gauss
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        ref = _CALLS[quantity](new, x, y)
    with pytest.warns(DeprecationWarning, match=rf"'{re.escape(old)}' is deprecated.*'{new}'") as rec:
        est = _CALLS[quantity](old, x, y)
    assert float(est) == float(ref)  # identical, not approximately equal
    assert est.method == new  # the record shows the current name
    assert rec[0].filename == __file__  # the warning points at the caller's line


def test_old_name_in_the_registry_lookup_and_permutation_test(gauss):
    from infolens.estimate import _registry

    with pytest.warns(DeprecationWarning, match="'ksg_bc'"):
        assert _registry.get("mi", "ksg-bc").name == "ksg_bc"
    x, y = gauss
    kw = dict(n_permutations=9, random_state=0)
    ref = infolens.permutation_test(x[:100], y[:100], method="ksg_bc", **kw)
    with pytest.warns(DeprecationWarning):
        old = infolens.permutation_test(x[:100], y[:100], method="ksg-bc", **kw)
    assert old.pvalue == ref.pvalue and float(old.statistic) == float(ref.statistic)


def test_unknown_name_still_lists_the_current_names():
    with pytest.raises(ValueError, match="kozachenko_leonenko"):
        infolens.entropy(np.linspace(0.0, 1.0, 50), method="kozachenko")


def test_o_information_gaussian_copula_is_gcmi():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(600, 1))
    x = np.hstack([z + rng.normal(size=(600, 1)) for _ in range(3)])
    new = o_information_samples(x, method="gcmi")
    with pytest.warns(DeprecationWarning, match="'gaussian_copula' is deprecated.*'gcmi'"):
        old = o_information_samples(x, method="gaussian_copula")
    assert float(old) == float(new) and old.method == new.method == "gcmi"
    with pytest.raises(ValueError, match="'plugin' or 'gcmi'"):
        o_information_samples(x, method="copula")


@pytest.mark.parametrize(
    "quantity, args, expected",
    [
        ("entropy", ("c",), "kozachenko_leonenko"),
        ("entropy", ("d",), "grassberger"),
        ("mi", ("c", "c"), "ensemble"),
        ("mi", ("c", "d"), "ross"),
        ("mi", ("d", "d"), "grassberger"),
        ("cmi", ("c", "c", "c"), "fp"),
        ("kl", ("c", "c"), "knn"),
        ("kl", ("d", "d"), "plugin"),
    ],
)
def test_auto_records_the_current_name_without_deprecation(quantity, args, expected):
    rng = np.random.default_rng(1)
    data = {"c": lambda: rng.normal(size=300), "d": lambda: rng.integers(0, 3, 300)}
    fn = {"entropy": infolens.entropy, "mi": infolens.mutual_information,
          "cmi": infolens.conditional_mutual_information, "kl": infolens.kl_divergence}[quantity]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        est = fn(*(data[a]() for a in args), random_state=0)
    assert est.method == expected
    assert _NAME.match(est.method)


def test_discrete_counter_default_is_the_auto_rule_of_the_one_shot_call():
    rng = np.random.default_rng(2)
    big = rng.integers(0, 4, 2000)  # n >= 10 * symbols: grassberger
    small = rng.integers(0, 50, 120)  # n < 10 * symbols: nsb
    y = (big + rng.integers(0, 2, 2000)) % 4
    for x in (big, small):
        acc = DiscreteCounter().update(x[: x.size // 2]).update(x[x.size // 2:])
        one = infolens.entropy(x)
        est = acc.compute()
        assert est.method == one.method and float(est) == pytest.approx(float(one), abs=1e-12)
    assert DiscreteCounter().update(small).compute().method == "nsb"
    est = DiscreteCounter().update(big, y).compute(base=2)
    one = infolens.mutual_information(big, y, base=2)
    assert est.method == one.method == "grassberger"
    assert float(est) == pytest.approx(float(one), abs=1e-12)
    # an explicit name still works and is recorded as given
    assert DiscreteCounter().update(big).compute(method="plugin").method == "plugin"
    with pytest.raises(ValueError, match="'auto' or one of"):
        DiscreteCounter().update(big).compute(method="kozachenko_leonenko")


def test_layer_estimator_names_and_their_old_spellings():
    pytest.importorskip("torch")
    from infolens.nn.plane import (
        NoisyNetwork,
        QuantileBinning,
        RangeBinning,
        WidthBinning,
        make_layer_estimator,
    )

    current = {"binning_range": RangeBinning, "binning_width": WidthBinning,
               "binning_quantile": QuantileBinning, "noisy_network": NoisyNetwork}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for name, cls in current.items():
            est = make_layer_estimator(name)
            assert type(est) is cls and est.name == name
        assert type(make_layer_estimator()) is RangeBinning  # the default: no warning
    for (space, old), new in ALIASES.items():
        if space != "layer":
            continue
        with pytest.warns(DeprecationWarning, match=rf"'{old}' is deprecated.*'{new}'"):
            est = make_layer_estimator(old)
        assert type(est) is current[new]
    # an old registry name given as a sample estimator is mapped too
    with pytest.warns(DeprecationWarning, match="'ksg_bc'") as rec:
        est = make_layer_estimator("ksg-bc")
    assert est.method == "ksg_bc" and est.name == "ksg_bc"
    assert len([w for w in rec if w.category is DeprecationWarning]) == 1  # warned once


def test_information_plane_defaults_are_nats_and_the_fixed_range_binning():
    torch = pytest.importorskip("torch")
    from infolens.nn.plane import InformationPlane, RangeBinning

    x = np.array([[-0.9], [-0.1], [0.1], [0.9]] * 8)
    y = np.array([0, 0, 1, 1] * 8)
    net = torch.nn.Sequential(torch.nn.Identity())
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        nats = InformationPlane(net, x, y, layers=["0"])
    bits = InformationPlane(net, x, y, layers=["0"], base=2)
    assert type(nats.estimator) is RangeBinning and nats.estimator.bins == 30
    assert nats.unit == "nats" and bits.unit == "bits"
    rn, rb = nats.record(0), bits.record(0)
    # 4 equally likely distinct inputs in 4 different bins: I(X;T) = log 4, I(T;Y) = log 2
    assert [r["value"] for r in rn] == pytest.approx([np.log(4), np.log(2)], abs=1e-12)
    assert [r["value"] for r in rb] == pytest.approx([2.0, 1.0], abs=1e-12)
    assert rn[0]["estimator"] == "binning_range"
