"""The ``infolens`` command line: verify, estimate, exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from infolens.cli import main
from infolens.exact.discrete import entropy


def _code(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_help_and_missing_command(capsys):
    assert _code(["--help"]) == 0
    assert "report" in capsys.readouterr().out
    assert _code([]) == 2
    assert _code(["frobnicate"]) == 2


def test_verify_subset_table_json_and_html(tmp_path, capsys):
    assert main(["verify", "--claims", "xor_synergy,data_processing"]) == 0
    out = capsys.readouterr().out
    assert "xor_synergy" in out and "2/2 claims passed" in out
    assert main(["verify", "--claims", "xor_synergy", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec[0]["name"] == "xor_synergy" and rec[0]["passed"] is True
    page = tmp_path / "v.html"
    assert main(["verify", "--claims", "fano", "--html", str(page)]) == 0
    assert "<table class='verify'>" in page.read_text()
    assert _code(["verify", "--claims", "nope"]) == 2


def test_verify_exits_nonzero_when_a_claim_fails(monkeypatch, capsys):
    import infolens.verify as v
    from infolens.verify.record import ClaimResult

    def wrong(*, random_state=0):
        return ClaimResult("wrong", "a false claim", "1 = 2", 1.0, 2.0, 0.1)

    monkeypatch.setitem(v.CLAIMS, "wrong", wrong)
    assert main(["verify", "--claims", "wrong"]) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.fixture
def discrete_csv(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, size=500)
    b = (a + (rng.random(500) < 0.2)) % 4
    path = tmp_path / "d.csv"
    path.write_text("a,b\n" + "".join(f"{i},{j}\n" for i, j in zip(a, b, strict=True)))
    return path, a, b


def test_estimate_plugin_matches_the_exact_empirical_value(discrete_csv, capsys):
    path, a, b = discrete_csv
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--method", "plugin",
                 "--base", "2", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    # plug-in MI is the exact MI of the empirical joint pmf
    joint = np.zeros((4, 4))
    np.add.at(joint, (a, b), 1)
    from infolens.exact.discrete import mutual_information

    assert rec["value"] == pytest.approx(mutual_information(joint / joint.sum(), base=2), abs=1e-10)
    assert rec["unit"] == "bits" and rec["method"] == "plugin" and rec["n"] == 500


def test_estimate_entropy_npz_and_interval(tmp_path, capsys):
    x = np.repeat(np.arange(8), 25)
    np.savez(tmp_path / "d.npz", x=x)
    assert main(["estimate", str(tmp_path / "d.npz"), "--x", "x", "--method", "plugin"]) == 0
    line = capsys.readouterr().out
    assert f"{entropy(np.full(8, 1 / 8)):.4f}" in line  # uniform over 8: log 8 nats exactly
    assert main(["estimate", str(tmp_path / "d.npz"), "--x", "x", "--method", "plugin",
                 "--ci", "0.9", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["ci_level"] == 0.9 and len(rec["ci"]) == 2 and rec["ci"][0] <= rec["ci"][1]


def test_estimate_parquet_gaussian_pair(tmp_path, capsys):
    import pandas as pd

    from infolens.exact.gaussian import mutual_information_from_correlation

    rng = np.random.default_rng(1)
    x = rng.normal(size=3000)
    y = 0.8 * x + 0.6 * rng.normal(size=3000)  # correlation 0.8
    pd.DataFrame({"x": x, "y": y}).to_parquet(tmp_path / "g.parquet")
    assert main(["estimate", str(tmp_path / "g.parquet"), "--x", "x", "--y", "y",
                 "--method", "ksg1", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    # KSG at n = 3000 and I ~ 0.5 nats: sd ~ 0.015, bias < 0.01 (Kraskov et al. 2004); 0.06
    assert abs(rec["value"] - mutual_information_from_correlation(0.8)) < 0.06


def test_estimate_bad_input(discrete_csv, tmp_path, capsys):
    path, _, _ = discrete_csv
    assert main(["estimate", str(tmp_path / "none.csv"), "--x", "a"]) == 2
    assert main(["estimate", str(path), "--x", "zz", "--y", "b"]) == 2
    assert "no column 'zz'" in capsys.readouterr().err
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--method", "nope"]) == 2
    assert main(["estimate", str(path), "--x", "a", "--z", "b"]) == 2
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--ci", "1.5"]) == 2


@pytest.fixture
def float_csv_with_text(tmp_path):
    # issue 17 item 5: 500 floats and one "abc" made pandas read the column as text, and
    # the column was silently estimated as 500 categories (NSB entropy 12.36 nats instead
    # of the k-NN value ~1.34 for the floats)
    rng = np.random.default_rng(0)
    v = rng.normal(size=500)
    path = tmp_path / "text.csv"
    path.write_text("a,b\n" + "".join(
        f"{x},{i % 3}\n" if i != 250 else "abc,0\n" for i, x in enumerate(v)))
    return path


def test_estimate_refuses_a_float_column_with_a_text_cell(float_csv_with_text, capsys):
    path = float_csv_with_text
    assert main(["estimate", str(path), "--x", "a"]) == 2
    err = capsys.readouterr().err
    assert "column 'a'" in err and "'abc' in data row 250" in err and "--categorical a" in err
    # on purpose: every distinct cell is one label (500 of them, one seen twice)
    assert main(["estimate", str(path), "--x", "a", "--categorical", "a",
                 "--method", "plugin", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    counts = np.array([1.0] * 500)  # 499 distinct floats plus "abc": all distinct
    assert rec["value"] == pytest.approx(entropy(counts / counts.sum()), abs=1e-12)
    # an integer column can be declared categorical too; unknown names are refused
    assert main(["estimate", str(path), "--x", "b", "--categorical", "b", "--method",
                 "plugin"]) == 0
    assert main(["estimate", str(path), "--x", "b", "--categorical", "a"]) == 2
    assert "not among the --x/--y/--z columns" in capsys.readouterr().err


def test_estimate_text_only_column_is_categorical_without_a_flag(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("c\n" + "cat\ndog\n" * 50)
    assert main(["estimate", str(path), "--x", "c", "--method", "plugin", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == pytest.approx(np.log(2), abs=1e-12)


def test_estimate_json_at_huge_magnitudes(tmp_path, capsys):
    # issue 17 items 2-3: values near 1e300 overflowed the covariance; --json then died
    # with "Out of range float values are not JSON compliant" and a traceback
    rng = np.random.default_rng(0)
    v = rng.normal(size=500)
    w = v + rng.normal(size=500)
    path = tmp_path / "huge.csv"
    path.write_text("a,b\n" + "".join(f"{float(p) * 1e300!r},{float(q) * 1e300!r}\n" for p, q in zip(v, w, strict=True)))
    assert main(["estimate", str(path), "--x", "a", "--method", "gaussian", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    # h(1e300 X) = h(X) + log 1e300; the unscaled estimate on the same draws is the reference
    import infolens

    ref = float(infolens.entropy(v, method="gaussian")) + np.log(1e300)
    assert rec["value"] == pytest.approx(ref, rel=1e-9)
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--method", "gaussian",
                 "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["value"] == pytest.approx(float(infolens.mutual_information(v, w, method="gaussian")),
                                         rel=1e-9)


def test_estimate_json_writes_non_finite_values_as_null_with_a_note(discrete_csv, monkeypatch,
                                                                     capsys):
    import infolens
    from infolens.result import Estimate

    def infinite(*args, **kwargs):
        return Estimate(float("inf"), unit="nats", method="plugin", n=500, ci=(1.0, float("inf")),
                        ci_level=0.9, params={"pseudocount": 0.0}, quantity="I(X;Y)")

    monkeypatch.setattr(infolens, "mutual_information", infinite)
    path, _, _ = discrete_csv
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)  # standard JSON: no Infinity token
    assert rec["value"] is None and rec["ci"] == [1.0, None]
    assert rec["non_finite"] == {"value": "inf", "ci[1]": "inf"}
    assert main(["estimate", str(path), "--x", "a", "--y", "b"]) == 0
    assert "I(X;Y) = inf nats" in capsys.readouterr().out


def test_verify_html_adds_a_section_to_an_existing_report(tmp_path, monkeypatch, capsys):
    import infolens.verify as v

    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "rep", "--quiet", "--epochs", "1",
                 "--sections", "training"]) == 0
    monkeypatch.setattr(v, "CLAIMS", {"xor_synergy": v.CLAIMS["xor_synergy"]})
    for _ in range(2):  # a second run replaces the section instead of adding another
        assert main(["verify", "--html", "rep"]) == 0
    page = (tmp_path / "rep" / "index.html").read_text()
    assert page.count("id='sec-verify'") == 1 and "<table class='verify'>" in page
    assert page.count("href='#sec-verify'") == 1
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert res["sections"]["verify"]["numbers"]["xor_synergy"]["passed"] is True
    assert (tmp_path / "rep" / "figures" / "verify.png").is_file()
    assert (tmp_path / "rep" / "verify.html").is_file()
    assert sorted(p.name for p in (tmp_path / "rep").iterdir()) == [
        "figures", "index.html", "results.json", "verify.html"]


@pytest.mark.parametrize(("base", "unit"), [("bits", "bits"), ("2", "bits"), ("nats", "nats"),
                                            ("e", "nats"), ("10", "hartleys")])
def test_estimate_accepts_every_base_the_library_accepts(tmp_path, capsys, base, unit):
    # issue 17 item 9: --base bits was refused although infolens.units accepts it
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "".join(f"{i % 2},{(i // 2) % 2}\n" for i in range(40)))
    assert main(["estimate", str(path), "--x", "a", "--base", base, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unit"] == unit
    assert _code(["estimate", str(path), "--x", "a", "--base", "0.5"]) == 2
    assert "--base" in capsys.readouterr().err


def test_estimate_per_feature_table_and_joint(tmp_path, capsys):
    """--x all / --x a,b with --y: I(X_j;Y) per column plus the joint I(X;Y), one process."""
    import infolens

    rng = np.random.default_rng(0)
    n = 400
    label = rng.integers(0, 2, n)
    cols = {"a": label + rng.normal(size=n), "b": rng.normal(size=n),
            "c": 2 * label + rng.normal(size=n)}
    path = tmp_path / "f.csv"
    path.write_text("a,b,label,c\n" + "".join(
        f"{cols['a'][i]:.17g},{cols['b'][i]:.17g},{label[i]},{cols['c'][i]:.17g}\n"
        for i in range(n)))
    X = np.column_stack([cols["a"], cols["b"], cols["c"]])
    assert main(["estimate", str(path), "--x", "all", "--y", "label", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    per = infolens.mutual_information_per_feature(X, label, names=["a", "b", "c"], random_state=0)
    assert [f["column"] for f in rec["features"]] == ["a", "b", "c"]
    assert [f["value"] for f in rec["features"]] == list(per.values)
    assert {f["method"] for f in rec["features"]} == {"ross"}
    assert rec["x"] == "all" and rec["quantity"] == "I(X;Y)"
    assert rec["value"] == float(infolens.mutual_information(X, label, random_state=0))
    assert main(["estimate", str(path), "--x", "c,a", "--y", "2", "--ci", "0.9"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("I(X_j;Y) for each of 2 features")
    assert lines[3].split()[0] == "c" and lines[4].split()[0] == "a"  # largest first
    assert "90% CI" in lines[1] and "ross" in lines[3]
    assert lines[-1].startswith("I(X;Y) = ") and "90% CI" in lines[-1]
    # NPZ: an (n, 2) array gives two features named x[0], x[1]
    np.savez(tmp_path / "d.npz", x=X[:, :2], y=label)
    assert main(["estimate", str(tmp_path / "d.npz"), "--x", "all", "--y", "y", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert [f["column"] for f in rec["features"]] == ["x[0]", "x[1]"]
    # one --x column: the single estimate, as before
    assert main(["estimate", str(path), "--x", "a", "--y", "label", "--json"]) == 0
    assert "features" not in json.loads(capsys.readouterr().out)
    assert _code(["estimate", str(path), "--x", "all", "--y", "a,b,label,c"]) == 2
