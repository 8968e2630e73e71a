"""The sufficiency section bounds the gap I(X;Y) - I(T;Y) instead of estimating it (issue 15).

gap <= H(Y|T) <= held-out cross-entropy of any probe on T, and I(X;Y) >= H(Y) - CE of any
predictor reading a function of X.  The cases below have a known answer: the label is the
sign of one input coordinate (H(Y|X) = 0, I(X;Y) = H(Y)), or that sign blurred by Gaussian
noise (I(X;Y) by quadrature).  The direct k-NN gap that the section used before put
I(T;Y) above I(X;Y) on the first case, which the data processing inequality forbids.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from infolens.report import build_report


def _sign_model(d: int, keep: int) -> torch.nn.Module:
    """Linear(d, 1) that picks coordinate ``keep``, then Linear(1, 2) reading its sign."""
    model = torch.nn.Sequential(torch.nn.Linear(d, 1, bias=False), torch.nn.Linear(1, 2))
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[0, keep] = 1.0
        model[1].weight.copy_(torch.tensor([[-4.0], [4.0]]))
        model[1].bias.zero_()
    return model


def _section(tmp_path, model, x, y, key="sufficiency", split=False) -> dict:
    data = ((x[:800], y[:800]), (x[800:], y[800:])) if split else (x, y)
    build_report(model=model, data=data, out=str(tmp_path / "rep"), quiet=True,
                 sections=("training", "fano", "sufficiency"))
    return json.loads((tmp_path / "rep" / "results.json").read_text())["sections"][key]


@pytest.fixture(scope="module")
def sign_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1000, 60)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def test_a_sufficient_layer_gets_a_small_bound_in_sixty_dimensions(tmp_path, sign_data):
    """T = x_0 determines Y = sign(x_0): gap = 0 and H(Y|T) = 0.  A probe on the 1-D layer
    reaches a held-out cross-entropy of a few hundredths of a bit (a logistic fit to a
    separable 1-D problem on 800 rows); the 95% end adds 2.2 standard errors of a 200-row
    mean.  0.1 bits (10% of H(Y)) is well above that and far below a useless bound (1 bit)."""
    x, y = sign_data
    sec = _section(tmp_path, _sign_model(60, keep=0), x, y)
    num = sec["numbers"]
    assert sec["status"] == "ok", sec["reading"]
    assert num["layer"] == "0" and num["unit"] == "bits"
    assert 0.0 <= num["gap_upper_bits"] <= num["gap_upper_95_bits"] < 0.1, num
    assert num["fraction_kept_lower"] > 0.9
    # I(X;Y) = H(Y) here; its lower bound must not pass H(Y) and should come close to it
    assert 0.85 < num["I(X;Y)_lower_95_bits"] <= num["I(X;Y)_lower_bits"] <= num["H(Y)_bits"]
    assert "close to sufficient" in sec["reading"]
    assert "impossible" not in json.dumps(sec)
    # a probe without a held-out error: the reading says what such a sample cannot show
    errors = num["predictors"]["0"]["held_out_errors"]
    assert ("the rule of three" in sec["reading"]) == (errors == 0)
    assert sec["figures"]


def test_a_layer_that_drops_the_label_gets_no_false_comfort(tmp_path, sign_data):
    """T = x_1 is independent of Y = sign(x_0): the gap is the whole H(Y) = 1 bit.  The
    bound cannot be below the truth (in expectation), so it must be near 1 bit; the
    reading must not call the layer sufficient; the raw input's probe still shows that
    I(X;Y) is large (a linear probe reads sign(x_0) from the 60 features)."""
    x, y = sign_data
    sec = _section(tmp_path, _sign_model(60, keep=1), x, y)
    num = sec["numbers"]
    hy = num["H(Y)_bits"]
    # 3 held-out standard errors below H(Y) (each held-out term is about 1 bit, sd ~0.1)
    assert num["gap_upper_bits"] > hy - 3 * num["predictors"]["0"]["cross_entropy_stderr"] - 0.02
    assert "close to sufficient" not in sec["reading"]
    assert num["I(X;Y)_lower_from"] == "input"
    assert num["I(X;Y)_lower_bits"] > 0.5


def test_bounds_bracket_a_known_mutual_information(tmp_path):
    """Y = 1[x_0 + 0.5 e > 0] with X ~ N(0, I_2), e ~ N(0, 1): I(X;Y) = 1 - E h2(Phi(2 x_0))
    bits by quadrature.  T = tanh(A x + b) is invertible for generic A, so the true gap is
    0 and H(Y|T) = H(Y|X).  Checked: the 95% lower bound on I(X;Y) lies below the truth,
    and the gap's upper bound lies above 0 and within the probe's excess loss (0.05 bits,
    a 2-D logistic or small MLP fitted on 800 rows, plus 3 standard errors) of H(Y|X)."""
    rng = np.random.default_rng(1)
    n = 1000
    x = rng.standard_normal((n, 2)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.standard_normal(n) > 0).astype(np.int64)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh(), torch.nn.Linear(2, 2))

    def h2(p):
        p = np.clip(p, 1e-300, 1 - 1e-16)
        return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))

    h_y_given_x = integrate.quad(lambda s: stats.norm.pdf(s) * h2(stats.norm.cdf(2 * s)),
                                 -10, 10)[0]
    truth = 1.0 - h_y_given_x
    sec = _section(tmp_path, model, x, y)
    num = sec["numbers"]
    assert sec["status"] == "ok"
    assert num["I(X;Y)_lower_95_bits"] <= truth, (num["I(X;Y)_lower_95_bits"], truth)
    se = num["predictors"][num["layer"]]["cross_entropy_stderr"]
    assert h_y_given_x - 3 * se <= num["gap_upper_bits"] <= h_y_given_x + 3 * se + 0.05, (
        num["gap_upper_bits"], h_y_given_x, se)


class _Wrapped(torch.nn.Module):
    def __init__(self, inner: torch.nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)


def test_the_output_is_bounded_when_no_hidden_layer_can_be_hooked(tmp_path, sign_data):
    """A TorchScript model with no observable layer (one top-level submodule: no chain to
    run) gives T = the model's output."""
    x, y = sign_data
    scripted = torch.jit.script(_Wrapped(_sign_model(60, keep=0)))
    sec = _section(tmp_path, scripted, x, y)
    assert sec["status"] == "ok", sec["reading"]
    assert sec["numbers"]["layer"] == "output"
    assert sec["numbers"]["gap_upper_95_bits"] < 0.1
    # Fano's bound reads the model's output then, and says why
    fano = json.loads((tmp_path / "rep" / "results.json").read_text())["sections"]["fano"]
    assert fano["status"] == "ok" and fano["numbers"]["layer"] == "output"
    assert "RecursiveScriptModule" in fano["reading"]
    assert "fewer than two top-level" in fano["reading"]


def test_fano_bound_above_the_models_own_error_is_flagged(tmp_path, sign_data):
    """Fano's bound holds for every classifier of T, the model included.  T = tanh of the
    first 30 coordinates and Y = sign(x_0): the model (reading x_0) errs on almost no test
    row, but the k-NN estimate of I(T;Y) in 30 dimensions is far too low, so its bound comes
    out above that error.  The section must say the value is impossible, not call the
    model better than any classifier."""
    x, y = sign_data
    model = torch.nn.Sequential(torch.nn.Linear(60, 30), torch.nn.Tanh(), torch.nn.Linear(30, 2))
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(30, 60))
        model[0].bias.zero_()
        model[2].weight.zero_()
        model[2].weight[0, 0], model[2].weight[1, 0] = -8.0, 8.0
        model[2].bias.zero_()
    # the split given: the model never saw the test rows, so its error there is a test error
    fano = _section(tmp_path, model, x, y, key="fano", split=True)
    num = fano["numbers"]
    assert num["layer"] == "1" and num["width"] == 30
    assert num["test_error"] < 0.03
    assert num["fano_lower_bound"] > 0.1, num  # the construction works: k-NN is biased low
    assert fano["status"] == "impossible"
    assert "no classifier of T can do that" in num["impossible_values"][0]
    assert "Impossible value" in fano["reading"]
