"""A user's model as users write them (issue 15, found on a new user's models):

* its forward returns a dict with a ``"logits"`` entry (Hugging Face style), an object with
  ``.logits``, or a tuple ``(logits, aux)``: the logits are read through a forward hook on
  the model, stated on the page, and the hook is removed afterwards (the model is the
  user's);
* its ``--model-factory`` file imports a module beside it, or is named ``MODULE:CALLABLE``
  from the working directory, run through the installed ``infolens`` command (whose
  ``sys.path`` does not hold the working directory, unlike ``python -m``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from infolens.report import build_report
from infolens.report.errors import InputError


@dataclass
class Output:  # a stand-in for a Hugging Face ModelOutput read by attribute
    logits: torch.Tensor
    hidden: torch.Tensor


class Net(torch.nn.Module):
    def __init__(self, kind: str, n_out: int = 10):
        super().__init__()
        self.kind = kind
        self.body = torch.nn.Sequential(torch.nn.Linear(64, 24), torch.nn.ReLU())
        self.cls = torch.nn.Linear(24, n_out)

    def forward(self, x):
        h = self.body(x)
        z = self.cls(h)
        if self.kind == "dict":
            return {"hidden": h, "logits": z}
        if self.kind == "attr":
            return Output(z, h)
        if self.kind == "tuple":
            return z, h
        return {"scores": z}  # no logits to find


@pytest.fixture(scope="module")
def digits():
    d = load_digits()
    return (d.data / 16).astype(np.float32)[:800], d.target[:800]


def _trained(kind, x, y):
    torch.manual_seed(0)
    net = Net(kind)
    opt = torch.optim.Adam(net.parameters(), 1e-2)
    for _ in range(80):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net.cls(net.body(torch.as_tensor(x))),
                                          torch.as_tensor(y)).backward()
        opt.step()
    return net.eval()


@pytest.mark.parametrize(("kind", "said"), [
    ("dict", "the 'logits' entry of its dict output is taken as its logits"),
    ("attr", "the .logits of its Output output is taken as its logits"),
    ("tuple", "the first element of its tuple output is taken as its logits"),
])
def test_logits_inside_the_output_are_used_and_the_hook_removed(tmp_path, digits, kind, said):
    x, y = digits
    net = _trained(kind, x, y)
    build_report(model=net, data=((x[:600], y[:600]), (x[600:], y[600:])),
                 out=str(tmp_path / "rep"), quiet=True,
                 sections=("training", "usable_information", "sufficiency"))
    res = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert said in res["model"]["how_loaded"]
    assert all(res["sections"][k]["status"] == "ok" for k in res["sections"]), {
        k: v["reading"][:200] for k, v in res["sections"].items()}
    assert res["model"]["layers_analysed"] == ["body.1", "cls"]
    with torch.no_grad():  # the test error is the logits' error
        err = float((net.cls(net.body(torch.as_tensor(x[600:]))).argmax(1).numpy()
                     != y[600:]).mean())
    assert res["sections"]["training"]["numbers"]["test_error"] == pytest.approx(err)
    assert not net._forward_hooks  # the user's model is left as it was
    assert not isinstance(net(torch.as_tensor(x[:2])), torch.Tensor)


def test_an_output_without_logits_is_refused_with_its_keys(tmp_path, digits):
    x, y = digits
    net = Net("other")
    with pytest.raises(InputError, match=r"returns a dict with keys \['scores'\], with no "
                                         "tensor of logits"):
        build_report(model=net, data=(x, y), out=str(tmp_path / "rep"), quiet=True)
    assert not (tmp_path / "rep").exists()


def test_the_hook_is_removed_when_the_model_then_does_not_fit(tmp_path, digits):
    x, y = digits
    net = Net("dict", n_out=5)  # 5 logits, 10 classes
    with pytest.raises(InputError, match=r"\(5,\) per sample but the labels have 10 classes"):
        build_report(model=net, data=(x, y), out=str(tmp_path / "rep"), quiet=True)
    assert not net._forward_hooks and not (tmp_path / "rep").exists()


MODELS = '''
import torch

class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, 16)
        self.act = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(16, 10)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))
'''


def test_factories_import_like_python_does(tmp_path, digits):
    x, y = digits
    (tmp_path / "archs.py").write_text(MODELS)
    (tmp_path / "factory.py").write_text("from archs import Small\n\n\ndef make():\n"
                                         "    return Small()\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import archs
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("archs", None)
    torch.save(archs.Small().state_dict(), tmp_path / "w.pt")
    np.savez(tmp_path / "d.npz", x=x, y=y)
    exe = Path(sys.executable).with_name("infolens")  # the installed command, as users run it
    assert exe.exists(), exe
    env = dict(os.environ, PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1")
    for i, factory in enumerate(("factory.py:make", "factory:make", "archs:Small")):
        proc = subprocess.run([str(exe), "report", "--model", "w.pt", "--model-factory",
                               factory, "--dataset", "d.npz", "--sections", "training",
                               "--quiet", "--out", f"rep{i}"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, (factory, proc.stderr[-600:])
    # sys.path is restored after the import (checked in-process)
    from infolens.report.model import load_factory

    before = list(sys.path)
    assert callable(load_factory(f"{tmp_path / 'factory.py'}:make"))
    assert sys.path == before


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16])
def test_a_model_in_another_precision_is_refused_for_its_dtype_not_its_shape(tmp_path, digits,
                                                                             dtype):
    x, y = digits
    net = Net("tuple").to(dtype)
    with pytest.raises(InputError) as err:
        build_report(model=net, data=(x, y), out=str(tmp_path / "rep"), quiet=True)
    msg = str(err.value)
    assert f"parameters are {str(dtype).replace('torch.', '')} but the data float32" in msg
    assert "copy.deepcopy(model).float()" in msg and "shape" not in msg
    assert not (tmp_path / "rep").exists() and not net._forward_hooks


def test_a_forward_with_two_inputs_is_told_how_to_wrap_it(tmp_path):
    class TwoIn(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(20, 8)
            self.fc = torch.nn.Linear(8, 2)

        def forward(self, input_ids, attention_mask):
            return self.fc((self.emb(input_ids) * attention_mask[..., None]).mean(1))

    tokens = np.random.default_rng(0).integers(0, 20, (40, 6))
    with pytest.raises(InputError) as err:
        build_report(model=TwoIn(), data=(tokens, np.arange(40) % 2), out=str(tmp_path / "r"),
                     quiet=True)
    msg = str(err.value)
    assert "forward takes more than one input (forward(input_ids, attention_mask)" in msg
    assert "torch.ones_like(x)" in msg and not (tmp_path / "r").exists()
