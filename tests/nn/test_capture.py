import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from infolens.nn.activations import capture, select_layers


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Dropout(0.5), nn.Linear(7, 3))


def _hooks(model):
    return sum(len(m._forward_hooks) for m in model.modules())


def test_values_match_manual_forward():
    net = _net()
    x = torch.randn(50, 5)
    acts = capture(net, x, layers=["1", "3"], batch_size=16)
    with torch.no_grad():
        h = torch.tanh(net[0](x))
        out = net[3](h)
    assert list(acts) == ["1", "3"] and acts.n == 50
    np.testing.assert_allclose(acts["1"], h.numpy(), rtol=1e-6)
    np.testing.assert_allclose(acts["3"], out.numpy(), rtol=1e-6)


def test_select_by_type_predicate_and_all_leaves():
    net = _net()
    assert [n for n, _ in select_layers(net, nn.Linear)] == ["0", "3"]
    assert [n for n, _ in select_layers(net, lambda n, m: isinstance(m, nn.Tanh))] == ["1"]
    assert [n for n, _ in select_layers(net, None)] == ["0", "1", "2", "3"]


def test_unknown_name_lists_valid_names_before_running():
    net = _net()
    msg = r"unknown module name.*valid names are \['0', '1', '2', '3'\]"
    with pytest.raises(ValueError, match=msg):
        capture(net, torch.randn(4, 5), layers=["1", "fc9"])
    assert _hooks(net) == 0


def test_hooks_removed_and_mode_restored_when_forward_raises():
    class Boom(nn.Module):
        def forward(self, x):
            raise RuntimeError("boom")

    net = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), Boom())
    net.train()
    with pytest.raises(RuntimeError, match="boom"):
        capture(net, torch.randn(8, 5), layers=["0", "1"])
    assert _hooks(net) == 0
    assert all(m.training for m in net.modules())


def test_eval_by_default_train_on_request_and_mode_restored():
    net = _net()
    net.train()
    x = torch.ones(200, 5)
    ev = capture(net, x, layers=["2"])
    # eval: dropout is the identity, so all rows are equal (up to float32 rounding of
    # batched matmul, a few ulps of values of order 1) and none is zeroed
    assert np.ptp(ev["2"], axis=0).max() < 1e-6 and (ev["2"] != 0).all()
    tr = capture(net, x, layers=["2"], train=True)
    # train: each of 200*7 entries is zeroed with prob 0.5; all-nonzero has prob 2^-1400
    assert (tr["2"] == 0).mean() > 0.3
    assert net.training and net[2].training
    net.eval()
    capture(net, x, layers=["2"], train=True)
    assert not net.training


def test_dataloader_memmap_and_flattening(tmp_path):
    conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    x = torch.randn(30, 1, 6, 6)
    loader = DataLoader(TensorDataset(x, torch.zeros(30)), batch_size=7)
    mem = capture(conv, loader, layers="1", store="memmap")
    assert isinstance(mem["1"], np.memmap) and mem["1"].shape == (30, 2 * 4 * 4)
    with torch.no_grad():
        ref = conv(x).reshape(30, -1).numpy()
    np.testing.assert_allclose(np.asarray(mem["1"]), ref, rtol=1e-6)
    ondisk = capture(conv, x, layers="1", store=tmp_path, batch_size=8)
    assert (tmp_path / "1.bin").exists()
    np.testing.assert_allclose(np.asarray(ondisk["1"]), ref, rtol=1e-6)
    mem.close()


class _Moments:
    """Minimal streaming accumulator: count, sum and sum of squares per feature."""

    def __init__(self):
        self.n, self.s, self.ss = 0, 0.0, 0.0

    def update(self, batch):
        self.n += len(batch)
        self.s = self.s + batch.sum(0, dtype=np.float64)
        self.ss = self.ss + (batch.astype(np.float64) ** 2).sum(0)

    def compute(self):
        m = self.s / self.n
        return m, self.ss / self.n - m**2


def test_streaming_reducer_and_callable_reducer():
    net = _net()
    x = torch.randn(301, 5)
    full = capture(net, x, layers="1")["1"].astype(np.float64)
    red = capture(net, x, layers="1", reduce=_Moments(), batch_size=50)
    m, v = red["1"].compute()
    np.testing.assert_allclose(m, full.mean(0), atol=1e-6)
    np.testing.assert_allclose(v, full.var(0), atol=1e-6)
    codes = capture(net, x, layers="1", reduce=lambda b: (b > 0).astype(np.int8), batch_size=64)
    assert codes["1"].dtype == np.int8 and np.array_equal(codes["1"], (full > 0).astype(np.int8))


def test_shared_module_and_bad_input_rejected():
    lin = nn.Linear(3, 3)
    net = nn.Sequential(lin, nn.Tanh(), lin)
    with pytest.raises(ValueError, match="ran 2 times"):
        capture(net, torch.randn(4, 3), layers=["0"])
    assert _hooks(net) == 0
    with pytest.raises(TypeError, match="layers must be"):
        capture(net, torch.randn(4, 3), layers=3.5)
    with pytest.raises(ValueError, match="batch_size"):
        capture(net, torch.randn(4, 3), layers=["1"], batch_size=0)


@pytest.mark.parametrize("name", [
    "infolens.nn.activations", "infolens.nn.plane", "infolens.nn.layers", "infolens.nn.analysis",
    "infolens.estimate.kde", "infolens.data.twelve_bit", "infolens.data.sklearn_digits",
])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    module = importlib.import_module(name)
    res = doctest.testmod(module, globs={**vars(module), "np": np, "torch": torch, "nn": nn},
                          optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0


def test_reduce_with_the_streaming_moment_accumulator():
    from infolens.estimate.streaming import MomentAccumulator

    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(5, 3), nn.Tanh())  # full-rank 3-dim layer
    x = torch.randn(400, 5)
    full = capture(net, x, layers="0")["0"].astype(np.float64)
    acc = capture(net, x, layers="0", reduce=MomentAccumulator(), batch_size=64)["0"]
    # pairwise moment updates are exact up to float rounding of float32 activations
    np.testing.assert_allclose(acc.covariance, np.cov(full.T), rtol=1e-5, atol=1e-6)
    assert acc.n == 400
    h = acc.compute(bias_correction=False)
    exact = 0.5 * (3 * np.log(2 * np.pi * np.e) + np.linalg.slogdet(np.cov(full.T))[1])
    assert float(h) == pytest.approx(exact, rel=1e-5)


def test_package_level_capture_is_callable():
    import inspect

    import infolens.nn
    import infolens.nn.activations  # noqa: F401  (submodule imported first on purpose)

    assert inspect.isfunction(infolens.nn.capture)  # the function, not a module

    net = _net()
    a = infolens.nn.capture(net, torch.ones(3, 5), layers=["1"])
    b = infolens.nn.capture(net, torch.ones(3, 5), layers=["1"])  # second access, same object
    np.testing.assert_array_equal(a["1"], b["1"])
    assert infolens.nn.select_layers(net, nn.Tanh)[0][0] == "1"


def _failing_batches():
    yield torch.zeros(4, 5)
    raise RuntimeError("data loader failed")


def test_failed_capture_leaves_no_partial_file(tmp_path):
    # Regression (issue 17, item 8): a failed capture(store=dir) left <layer>.bin files
    # with the first batches in the user's folder (and clobbered files of an earlier
    # capture).  Files are now written under temporary names and renamed at the end.
    net = _net()
    new_dir = tmp_path / "acts"
    with pytest.raises(RuntimeError, match="data loader failed"):
        capture(net, _failing_batches(), layers=["0", "1"], store=new_dir)
    assert not new_dir.exists()  # the call made the folder, nothing else is in it
    # a folder with an earlier capture and a file of the user's: both untouched
    ok = capture(net, torch.ones(6, 5), layers=["0"], store=tmp_path)
    earlier = (tmp_path / "0.bin").read_bytes()
    del ok
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="data loader failed"):
        capture(net, _failing_batches(), layers=["0", "1"], store=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.bin", "notes.txt"]
    assert (tmp_path / "0.bin").read_bytes() == earlier
    # an empty data source fails the same way, leaving nothing
    with pytest.raises(ValueError, match="no samples"):
        capture(net, torch.zeros(0, 5), layers=["0"], store=tmp_path / "empty")
    assert not (tmp_path / "empty").exists()


def test_capture_keeps_per_module_modes_and_grad_mode():
    # capture restores each module's flag (a Dropout in eval inside a model in train mode)
    # and the caller's grad mode, also when the forward pass raises
    net = _net()
    net.train()
    net[2].eval()
    with torch.enable_grad():
        capture(net, torch.ones(3, 5), layers=["2"], train=False)
        assert torch.is_grad_enabled()
    assert [m.training for m in net.modules()] == [True, True, True, False, True]
    with pytest.raises(RuntimeError, match="data loader failed"):
        capture(net, _failing_batches(), layers=["2"], train=True)
    assert [m.training for m in net.modules()] == [True, True, True, False, True]


def test_tuple_outputs_give_their_first_tensor_and_say_so():
    """nn.LSTM returns (outputs, (h, c)): the captured layer is the per-step outputs, equal
    to what the module returned, with the reduction stated; an output that neither is nor
    starts with a tensor is refused by name."""
    torch.manual_seed(0)

    class Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 4, batch_first=True)
            self.head = nn.Linear(4, 2)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    model = Seq()
    x = torch.randn(7, 5, 3)
    got = capture(model, x, layers=["lstm"], batch_size=3)
    with torch.no_grad():
        want = model.lstm(x)[0].reshape(7, -1).numpy()
    np.testing.assert_allclose(got["lstm"], want, rtol=1e-6, atol=1e-6)
    assert got.reductions["lstm"].startswith("first element of its tuple output")
    wide = capture(model, x, layers=["lstm"], max_units=8)  # 5 x 4 = 20 values > 8
    assert wide["lstm"].shape == (7, 8)
    assert "; then output (5, 4) (20 values) projected to 8" in wide.reductions["lstm"]

    class DictOut(nn.Module):
        def forward(self, x):
            return {"y": x}

    wrapped = nn.Sequential(DictOut())
    with pytest.raises(ValueError, match="layer '0' returned dict, not a tensor or a tuple"):
        capture(wrapped, x, layers=["0"])


def test_in_place_operations_after_the_layer_do_not_change_the_capture():
    """torchvision's basic block adds the shortcut to its last BatchNorm's output in place
    (``out += identity``) and applies an in-place ReLU: the captured BatchNorm output must
    be the value the BatchNorm returned, not the sum."""

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm1d(4)
            self.relu = nn.ReLU(inplace=True)

        def forward(self, x):
            out = self.bn(x)
            out += x
            return self.relu(out)

    torch.manual_seed(1)
    block = Block().eval()
    x = torch.randn(6, 4)
    with torch.no_grad():
        want = block.bn(x).numpy()
    got = capture(block, x, layers=["bn"])
    np.testing.assert_allclose(got["bn"], want, rtol=1e-6, atol=1e-6)
