"""The PAC-Bayes certificate against the error of always answering the most frequent class:
on imbalanced labels (3% positives) a certificate of several percent is below 0.5 yet says
nothing; the page must say so (seen on a new user's fraud-like table)."""

from __future__ import annotations

import json

import numpy as np

from infolens.report import build_report


def test_a_certificate_above_the_majority_baseline_is_called_uninformative(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1200, 6)).astype(np.float32)
    y = np.where(x[:, 0] + 0.3 * rng.standard_normal(1200) > 1.9, "fraud", "ok")
    build_report(data=(x, y), out=str(tmp_path / "rep"), quiet=True, epochs=5,
                 sections=("training", "pac_bayes", "synergy"))
    secs = json.loads((tmp_path / "rep" / "results.json").read_text())["sections"]
    sec = secs["pac_bayes"]
    assert sec["status"] == "ok", sec["reading"]
    num = sec["numbers"]
    y_train_share = num["majority_class_error"]
    assert 0.0 < y_train_share < 0.06  # about 3% positives, whichever rows went to training
    assert num["certificate"] >= y_train_share  # 480 bound examples cannot certify ~3%
    assert (f"no lower than the {100 * y_train_share:.1f}% error of always answering the most "
            "frequent class ('ok')") in sec["reading"]
    # the same rare class makes the synergy section's binned units tie: said, not "a–a"
    syn = secs["synergy"]
    mi = syn["numbers"]["unit_mi"]
    tied = max(mi) - min(mi) < 5e-4
    assert tied == ("the same for all" in syn["reading"])
    assert f"{min(mi):.3f}–{min(mi):.3f}" not in syn["reading"]
