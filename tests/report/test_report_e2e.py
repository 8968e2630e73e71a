"""End to end: ``infolens report`` on the default dataset, as a user runs it."""

from __future__ import annotations

import json
import re

import numpy as np

import infolens
from infolens.report.sections import SECTIONS

# every analysis has landed: a section may only be computed or not apply to this model/data
ALLOWED = {"ok", "not_applicable"}
MUST_COMPUTE = ("training", "information_plane", "dpi", "weights", "fano", "pac_bayes",
                "sufficiency", "synergy", "channels")


def _no_nan(s):
    raise ValueError(f"non-finite number {s} in results.json")


def test_report_writes_complete_output(small_report):
    out, proc = small_report
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "report written to" in proc.stdout
    assert (out / "index.html").is_file() and (out / "results.json").is_file()
    pngs = sorted((out / "figures").glob("*.png"))
    assert pngs, "figures are also saved as separate PNG files"
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the temporary build directory was renamed into place, nothing else left behind
    leftovers = [p.name for p in out.parent.iterdir() if p.name != out.name]
    assert leftovers == [], leftovers


def test_results_json_is_sane(small_report):
    out, _ = small_report
    res = json.loads((out / "results.json").read_text(), parse_constant=_no_nan)
    assert res["generator"] == "infolens report"
    assert res["infolens_version"] == infolens.__version__
    assert res["seed"] == 0 and res["parameters"]["epochs"] == 2
    assert res["failed_sections"] == []
    secs = res["sections"]
    assert list(secs) == [k for k, _, _ in SECTIONS]
    for key, sec in secs.items():
        assert sec["status"] in ALLOWED, (key, sec["reading"])
        if sec["status"] == "ok":
            assert sec["figures"], f"section {key} shows numbers without a figure"
            assert sec["reading"]
    for key in MUST_COMPUTE:  # the default model has hidden layers and a dropout layer
        assert secs[key]["status"] == "ok", (key, secs[key]["reading"])
    train = secs["training"]["numbers"]
    assert 0.0 <= train["train_error"] <= 1.0 and 0.0 <= train["test_error"] <= 1.0
    fano = secs["fano"]["numbers"]
    # Fano bounds the error of *any* classifier from below, so also this model's
    assert 0.0 <= fano["fano_lower_bound"] <= fano["test_error"] + 1e-12
    assert fano["test_error"] == train["test_error"]
    pb = secs["pac_bayes"]["numbers"]
    # kl^-1 upper inversion can only lie above the (MC-bounded) empirical risk it starts from
    assert pb["empirical_risk"] <= pb["mc_bound"] <= pb["certificate"] <= 1.0
    drop = secs["channels"]["numbers"]["dropout"]
    assert drop["p"] == 0.2 and abs(drop["erased_fraction"] - 0.2) < 0.01  # 359*40*32 draws
    # erasure channel: I after dropout = (1 - p) I before, exactly for the empirical pmf; the
    # plug-in on 40 masks x 359 inputs has sd ~ 1 bit / sqrt(14360) ~ 0.008 bits; 0.05 ~ 6 sd
    assert drop["max_abs_difference_bits"] <= 0.05
    ip = secs["information_plane"]["numbers"]
    cap = float(np.log2(ip["n_samples"]))
    for layer in ip["layers"].values():
        # binned plug-in values lie in [0, log2 n] and I(T;Y) <= H(Y)
        assert all(0 <= v <= cap + 1e-9 for v in layer["I(X;T)"])
        assert all(0 <= v <= ip["H(Y)_bits"] + 1e-9 for v in layer["I(T;Y)"])


def test_html_has_every_section_and_is_self_contained(small_report):
    out, _ = small_report
    page = (out / "index.html").read_text()
    res = json.loads((out / "results.json").read_text())
    for key, _, _ in SECTIONS:
        assert f"id='sec-{key}'" in page
    listed = sorted(f for s in res["sections"].values() for f in s["figures"])
    assert page.count("<img src='data:image/png;base64,") == len(listed)
    on_disk = sorted(str(p.relative_to(out)) for p in (out / "figures").glob("*.png"))
    assert on_disk == listed
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page), "no network resources"


def test_page_opens_in_headless_chromium(small_report, tmp_path, open_page):
    out, _ = small_report
    dom, pixels = open_page(out / "index.html", tmp_path)
    status = re.search(r'data-page-status="([^"]*)"', dom)
    assert status is not None, "the page's check script did not run"
    assert status.group(1) == "ok", status.group(1)
    assert pixels.std() > 10, "screenshot is blank"


def test_page_check_detects_broken_pages(tmp_path, open_page):
    # the same check must fail on a page with a broken image and a JavaScript error ...
    from infolens.report.render import _CHECK_JS

    bad = tmp_path / "bad.html"
    bad.write_text(f"<html><head><script>{_CHECK_JS}</script></head><body>"
                   "<h1>x</h1><img src='data:image/png;base64,AAAA' alt='broken'>"
                   "<script>undefined_function();</script></body></html>")
    dom, _ = open_page(bad, tmp_path / "a")
    status = re.search(r'data-page-status="([^"]*)"', dom).group(1)
    assert status.startswith("error") and "broken" in status and "js:" in status
    # ... and the blank-screenshot criterion must reject an empty page
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body style='background:#fff'></body></html>")
    _, pixels = open_page(blank, tmp_path / "b")
    assert pixels.std() <= 10


def test_default_command_as_the_readme_runs_it(tmp_path):
    # `make report` runs `infolens report --out infolens-report --force` with no --epochs:
    # the default path once failed its PAC-Bayes section while every test passed --epochs
    from conftest import _run_cli

    proc = _run_cli("report", "--quiet", "--out", "infolens-report", "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads((tmp_path / "infolens-report" / "results.json").read_text())
    assert res["failed_sections"] == []
    assert res["parameters"]["epochs"] == 60
    assert {k: v["status"] for k, v in res["sections"].items()}["pac_bayes"] == "ok"
