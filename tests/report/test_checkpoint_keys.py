"""State dicts as training code saves them (issue 15, found on a new user's checkpoints):
from inside DataParallel (``module.``) or torch.compile (``_orig_mod.``), in a checkpoint
dict (``model_state_dict``), or a Lightning checkpoint whose network sits under ``model.``
beside a loss's buffers.  Each loads into the factory's model with every one of its keys
matched, and the page says what was done; what does not fit exactly is still refused."""

from __future__ import annotations

import collections
import sys

import pytest
import torch

from infolens.report.errors import InputError
from infolens.report.model import load_user_model

FACTORY = '''
import torch


def make():
    torch.manual_seed(1)  # a fresh init, different from the saved weights
    return torch.nn.Sequential(torch.nn.Conv1d(3, 4, 3), torch.nn.BatchNorm1d(4),
                               torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(24, 2))
'''


@pytest.fixture
def setup(tmp_path):
    (tmp_path / "arch.py").write_text(FACTORY)
    sys.path.insert(0, str(tmp_path))
    try:
        import arch
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("arch", None)
    torch.manual_seed(0)
    net = arch.make()
    torch.manual_seed(0)
    for p in net.parameters():
        torch.nn.init.normal_(p)
    net[1].running_mean += 0.5  # a buffer too
    return tmp_path, net


def _load(tmp_path, obj):
    torch.save(obj, tmp_path / "w.pt")
    return load_user_model(tmp_path / "w.pt", factory=f"{tmp_path / 'arch.py'}:make")


def _same_weights(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        assert torch.equal(sa[k], sb[k]), k


@pytest.mark.parametrize(("wrap", "said"), [
    (torch.nn.DataParallel, "the prefix 'module.' shared by every saved key was removed (saved "
                            "from inside DataParallel / DistributedDataParallel)"),
    (torch.compile, "the prefix '_orig_mod.' shared by every saved key was removed (saved from "
                    "inside torch.compile)"),
    (lambda m: torch.nn.DataParallel(torch.compile(m)), "'module._orig_mod.'"),
])
def test_wrapper_prefixes_are_removed_and_said(setup, wrap, said):
    tmp_path, net = setup
    loaded = _load(tmp_path, wrap(net).state_dict())
    _same_weights(loaded.module, net)
    assert said in loaded.note


def test_checkpoint_dict_entry_is_named(setup):
    tmp_path, net = setup
    loaded = _load(tmp_path, {"epoch": 7, "model_state_dict": net.state_dict(),
                              "optimizer_state_dict": {}})
    _same_weights(loaded.module, net)
    assert "the checkpoint's 'model_state_dict' entry" in loaded.note


def test_lightning_checkpoint_loads_its_network_and_names_what_it_left(setup):
    lightning = pytest.importorskip("lightning")
    tmp_path, net = setup

    class Lit(lightning.LightningModule):
        def __init__(self):
            super().__init__()
            self.model = net
            self.loss = torch.nn.CrossEntropyLoss(weight=torch.ones(2))

    trainer = lightning.Trainer(logger=False, enable_checkpointing=False,
                                enable_progress_bar=False, accelerator="cpu")
    trainer.strategy.connect(Lit())
    trainer.save_checkpoint(tmp_path / "lit.ckpt")
    loaded = load_user_model(tmp_path / "lit.ckpt", factory=f"{tmp_path / 'arch.py'}:make")
    _same_weights(loaded.module, net)
    assert "the checkpoint's 'state_dict' entry" in loaded.note
    assert "only the keys under 'model.' were loaded" in loaded.note
    assert "1 other saved key(s) not used: loss.weight" in loaded.note


def test_what_does_not_fit_exactly_is_still_refused(setup):
    tmp_path, net = setup
    sd = net.state_dict()
    two = collections.OrderedDict([*((f"teacher.{k}", v) for k, v in sd.items()),
                                   *((f"student.{k}", v) for k, v in sd.items())])
    with pytest.raises(InputError, match="unexpected keys: teacher.0.weight"):
        _load(tmp_path, two)  # two parts fit: which one is the user's to say
    short = collections.OrderedDict((f"module.{k}", v) for k, v in sd.items()
                                    if k != "4.bias")
    with pytest.raises(InputError, match=r"missing keys: .*4\.bias"):
        _load(tmp_path, short)  # a prefix removed, yet a key missing
