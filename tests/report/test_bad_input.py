"""Bad arguments and bad files: exit status 2, a message that says what to fix, no output."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from infolens.cli import main


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys, *args):
    epochs = [] if "--model" in args else ["--epochs", "1"]  # --epochs is refused with --model
    code = main(["report", "--quiet", *epochs, "--out", "out", *args])
    return code, capsys.readouterr().err


def _assert_clean(cwd):
    assert not (cwd / "out").exists()
    assert not [p for p in cwd.iterdir() if p.name.startswith(".out")], list(cwd.iterdir())


def test_missing_dataset_file(cwd, capsys):
    code, err = _run(capsys, "--dataset", "nope.npz")
    assert code == 2 and "no such file" in err and ".npz" in err
    _assert_clean(cwd)


@pytest.mark.parametrize(
    ("x", "y", "needle"),
    [
        # (30, 4, 4) samples are accepted since issue 15 (any sample shape)
        (np.zeros(30), np.arange(30) % 2, "2-D"),
        (np.ones((30, 3)), np.arange(29) % 2, "30 rows but y has 29"),
        (np.ones((30, 3)), np.zeros(30), "single value"),
        (np.ones((30, 3)), np.linspace(0, 1, 30), "non-integer"),
    ],
)
def test_wrong_shapes_and_labels(cwd, capsys, x, y, needle):
    np.savez(cwd / "d.npz", x=x, y=y)
    code, err = _run(capsys, "--dataset", "d.npz")
    assert code == 2 and needle in err, err
    _assert_clean(cwd)


def test_nan_in_the_data(cwd, capsys):
    x = np.random.default_rng(0).normal(size=(40, 3))
    x[7, 1] = np.nan
    np.savez(cwd / "d.npz", x=x, y=np.arange(40) % 2)
    code, err = _run(capsys, "--dataset", "d.npz")
    assert code == 2 and ("NaN" in err or "non-finite" in err) and "d.npz" in err
    _assert_clean(cwd)


def test_csv_needs_target_and_numeric_features(cwd, capsys):
    (cwd / "d.csv").write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    code, err = _run(capsys, "--dataset", "d.csv")
    assert code == 2 and "--target" in err
    code, err = _run(capsys, "--dataset", "d.csv", "--target", "nope")
    assert code == 2 and "'label'" in err
    (cwd / "e.csv").write_text("a,b,label\n" + "".join(f"{i},x{i},{i % 2}\n" for i in range(40)))
    code, err = _run(capsys, "--dataset", "e.csv", "--target", "label")
    assert code == 2 and "numeric" in err and "['b']" in err
    _assert_clean(cwd)


def test_pickle_posing_as_checkpoint_is_refused_and_never_run(cwd, capsys):
    marker = cwd / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (cwd / "model.pt").write_bytes(pickle.dumps(Payload()))
    code, err = _run(capsys, "--model", "model.pt")
    assert code == 2 and "refused" in err and "weights_only=True" in err
    assert not marker.exists(), "the checkpoint's code must never run"
    _assert_clean(cwd)


def test_checkpoint_that_does_not_fit_the_data(cwd, capsys):
    import torch

    torch.save(torch.nn.Sequential(torch.nn.Linear(5, 10)), cwd / "m.pt")
    code, err = _run(capsys, "--model", "m.pt")
    assert code == 2 and "shape (64,)" in err and "5 values" in err
    torch.save({"fc1.weight": torch.zeros(3, 64), "out.weight": torch.zeros(10, 3)}, cwd / "s.pt")
    code, err = _run(capsys, "--model", "s.pt")
    assert code == 2 and "state dict" in err
    _assert_clean(cwd)


def test_existing_output_directory_is_protected(cwd, capsys):
    (cwd / "out").mkdir()
    (cwd / "out" / "thesis.tex").write_text("precious")
    code, err = _run(capsys)
    assert code == 2 and "--force" in err
    code, err = _run(capsys, "--force")
    assert code == 2 and "not an infolens report" in err
    assert (cwd / "out" / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--epochs", "0"], "positive integer"),
        (["--epochs", "many"], "positive integer"),
        (["--dropout", "1.5"], "[0, 1)"),
        (["--seed", "-1"], "non-negative"),
        (["--estimator", "no-such-estimator"], "--estimator"),
        (["--estimator", "ksg1"], "units"),  # k-NN refused for 32-unit layers, before training
        (["--sections", "fano,nope"], "nope"),
    ],
)
def test_bad_options(cwd, capsys, args, needle):
    try:
        code = main(["report", "--quiet", "--epochs", "1", "--out", "out", *args])
    except SystemExit as exc:  # argparse errors exit directly with status 2
        code = exc.code
    assert code == 2
    assert needle in capsys.readouterr().err
    _assert_clean(cwd)


def test_bad_input_through_the_installed_command(tmp_path, run_cli):
    # the same refusal seen by a user in a fresh process
    (tmp_path / "model.pt").write_bytes(pickle.dumps({"not": object()}))
    proc = run_cli("report", "--model", "model.pt", "--out", "out", "--quiet", cwd=tmp_path)
    assert proc.returncode == 2 and "refused" in proc.stderr
    assert not (tmp_path / "out").exists()
