"""``--out`` handling: checked before any work, stale temporaries, what ``--force`` deletes.

Regression tests for issue 17, items 8 and 9.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import infolens.report.build as build_mod
from infolens.cli import main

FAST = ["--quiet", "--epochs", "1", "--sections", "training"]


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if the report gets as far as loading data."""
    import infolens.report.data as data_mod

    def boom(*a, **k):
        raise AssertionError("the output path must be checked before any work")

    monkeypatch.setattr(data_mod, "load_dataset", boom)


def _code(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_sigkilled_run_leaves_temporaries_that_the_next_run_removes(cwd, capsys):
    # issue 17 item 8: SIGKILL while the report is renamed into place
    script = textwrap.dedent("""
        import os, signal, sys
        import infolens.report.build as b
        b.os.rename = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        from infolens.cli import main
        main(sys.argv[1:])
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", script, "report", *FAST, "--out", "rep"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr[-2000:]
    left = [p.name for p in cwd.iterdir()]
    assert len(left) == 1 and left[0].startswith(".rep.partial-"), left
    assert main(["report", *FAST, "--out", "rep"]) == 0
    assert sorted(p.name for p in cwd.iterdir()) == ["rep"]
    assert "removed .rep.partial-" in capsys.readouterr().err


def test_temporaries_of_live_runs_and_foreign_content_are_left_alone(cwd, capsys):
    live = cwd / f".rep.partial-{os.getppid()}-abc"  # a process that is running
    live.mkdir()
    legacy = cwd / ".rep.partial-x7q9"  # no pid recorded (older versions): only reported
    legacy.mkdir()
    dead_pid = 2**22 + 12345  # above the default pid_max: never a live process
    odd = cwd / f".rep.partial-{dead_pid}-abc"
    odd.mkdir()
    (odd / "notes.txt").write_text("not a report file")
    assert build_mod.clean_stale_temporaries("rep") != []
    assert live.exists() and legacy.exists() and (odd / "notes.txt").exists()
    err = capsys.readouterr().err
    assert "x7q9" in err and "left in place" in err and str(live.name) not in err


def test_a_report_being_replaced_when_killed_is_put_back(cwd, capsys):
    assert main(["report", *FAST, "--out", "rep", "--seed", "3"]) == 0
    old = cwd / f".rep.old-{2**22 + 1}-abc"
    old.mkdir()
    os.rename(cwd / "rep", old / "report")  # killed between the two renames
    assert main(["report", *FAST, "--out", "rep"]) == 2  # restored, so now it needs --force
    assert "restored the previous report" in capsys.readouterr().err
    assert json.loads((cwd / "rep" / "results.json").read_text())["seed"] == 3
    assert sorted(p.name for p in cwd.iterdir()) == ["rep"]


def test_out_inside_a_file_fails_before_any_work(cwd, capsys, no_work):
    # issue 17 item 9: used to train and analyse, then exit 1 with FileExistsError
    (cwd / "afile").write_text("x")
    assert main(["report", *FAST, "--out", "afile/sub"]) == 2
    err = capsys.readouterr().err
    assert "--out afile/sub" in err and "is a file" in err
    assert sorted(p.name for p in cwd.iterdir()) == ["afile"]


@pytest.mark.parametrize("out", [".", "..", "../rep", ""])
def test_out_containing_the_current_directory_is_refused(cwd, capsys, no_work, monkeypatch,
                                                         out):
    # issue 17 item 9: `--out . --force` inside a report ran everything, then exit 1
    rep = cwd / "rep"
    rep.mkdir()
    (rep / "results.json").write_text(json.dumps({"generator": "infolens report"}))
    (rep / "index.html").write_text("<html></html>")
    monkeypatch.chdir(rep)
    assert main(["report", *FAST, "--out", out, "--force"]) == 2
    assert "--out" in capsys.readouterr().err
    assert sorted(p.name for p in rep.iterdir()) == ["index.html", "results.json"]


def test_force_needs_the_whole_report_and_never_deletes_other_files(cwd, capsys, no_work):
    # issue 17 item 9: a results.json marker alone let --force delete the directory
    fake = cwd / "fake"
    fake.mkdir()
    (fake / "results.json").write_text(json.dumps({"generator": "infolens report"}))
    (fake / "thesis.tex").write_text("precious")
    assert main(["report", *FAST, "--out", "fake", "--force"]) == 2
    err = capsys.readouterr().err
    assert "thesis.tex" in err and "never deletes" in err
    assert (fake / "thesis.tex").read_text() == "precious"
    (fake / "thesis.tex").unlink()
    assert main(["report", *FAST, "--out", "fake", "--force"]) == 2
    err = capsys.readouterr().err
    assert "lacks" in err and "index.html" in err
    assert sorted(p.name for p in fake.iterdir()) == ["results.json"]


def test_force_replaces_a_real_report_with_verify_page_but_not_extra_files(cwd, capsys):
    assert main(["report", *FAST, "--out", "rep", "--seed", "1"]) == 0
    (cwd / "rep" / "verify.html").write_text("<html></html>")  # infolens verify --html rep
    assert main(["report", *FAST, "--out", "rep", "--seed", "2", "--force"]) == 0
    assert json.loads((cwd / "rep" / "results.json").read_text())["seed"] == 2
    (cwd / "rep" / "figures" / "mine.png").write_bytes(b"png")
    assert main(["report", *FAST, "--out", "rep", "--seed", "3", "--force"]) == 2
    assert "figures/mine.png" in capsys.readouterr().err
    assert (cwd / "rep" / "figures" / "mine.png").exists()
    assert sorted(p.name for p in cwd.iterdir()) == ["rep"]


def test_docs_state_exit_status_130():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    assert "130" in doc and "Ctrl-C" in doc
