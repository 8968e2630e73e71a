r"""Neural (variational) estimators of mutual information, trained with torch.

A *critic* :math:`f(x, y)` (a small MLP) is trained to separate paired samples
:math:`(x_i, y_i) \sim p(x, y)` from shuffled pairs :math:`(x_i, y_j) \sim p(x)p(y)`;
a variational formula turns its scores into an MI estimate.  With the score matrix
:math:`S_{ij} = f(x_i, y_j)` of a batch of :math:`K` pairs (diagonal: joint pairs;
off-diagonal: pairs from the product of marginals):

``"infonce"`` (van den Oord et al. 2018; Poole et al. 2019, eq. 12)
    :math:`\frac1K\sum_i \big[S_{ii} - \log\sum_j e^{S_{ij}}\big] + \log K`, a lower
    bound that can never exceed :math:`\log K`: with the held-out split evaluated in
    blocks of ``eval_batch`` rows the estimate is capped at ``log(block size)``
    (recorded as ``params["infonce_cap"]``).  Low variance; use it when the MI is well
    below that cap.
``"nwj"`` (Nguyen, Wainwright & Jordan 2010; Poole et al. 2019, eq. 8)
    :math:`\overline{S_{ii}} - \overline{e^{S_{ij} - 1}}_{i\ne j}`, a lower bound not
    capped by the batch size, with variance growing like :math:`e^{I}`.
``"mine"`` (Belghazi et al. 2018)
    The Donsker–Varadhan bound :math:`\overline{S_{ii}} - \log\overline{e^{S_{ij}}}_{i\ne j}`,
    trained with MINE's bias-corrected gradient: the denominator of
    :math:`\nabla\log\overline{e^{S}} = \nabla\overline{e^{S}}/\overline{e^{S}}` is an
    exponential moving average over steps (rate ``ma_rate``, 0.01 in the paper).
``"smile"`` (Song & Ermon 2020)
    The Donsker–Varadhan value with the partition term clipped,
    :math:`\overline{S_{ii}} - \log\overline{e^{\mathrm{clip}(S_{ij}, -\tau, \tau)}}_{i\ne j}`,
    the critic trained on the Jensen–Shannon (binary cross-entropy) objective.  Clipping
    bounds the variance (at the price of a bias that grows as ``tau`` shrinks).
``"demi"`` (Liao, Chen & Ma 2020, "DEMI")
    The critic is trained as a classifier of joint against shuffled pairs (binary
    cross-entropy, balanced classes), so its logit estimates the log density ratio
    :math:`\log p(x,y)/(p(x)p(y))`; the estimate is its mean over held-out joint pairs.
    Not a bound and not capped by the batch size: it is the estimator for large MI
    (it errs where the classifier's logit is miscalibrated, typically low for
    MI of many nats where shuffled pairs rarely fall near the joint mass).

Protocol (the same for all five)
--------------------------------
1. The rows are shuffled (``random_state``) and split into *train*, *validation* and
   *test* parts (``valid_fraction``, ``test_fraction``; default 0.6 / 0.2 / 0.2).
   Each column is mapped through the empirical CDF of the *train* rows and the normal
   quantile, ``Phi^-1((r + 1/2)/(m + 1))`` with ``r`` the mid-rank among the ``m`` train
   values (``marginals="copula"``, the default; ``"standardize"``: mean and sd of the
   train rows).  MI is invariant to these strictly increasing maps of each column (up
   to the empirical CDF's resolution); the copula map keeps every input within about
   ±4, so a heavy-tailed test row cannot drive the critic far outside what it was
   trained on.  Measured on the Student-t tasks of Czyż et al. (1 and 2 degrees of
   freedom, n = 5,000) with ``"standardize"``: InfoNCE -3.09 and DEMI +4.37 nats for a
   true 0.448 (5+5 D), DEMI 144.8 for 0.432 (2+2 D); with ``"copula"`` see
   ``benchmarks/results/beyond_normal.md``.  A constant column stays constant.
2. The critic is trained with Adam on minibatches of the train part (``batch_size``;
   the negatives are the other rows of the batch).  After every epoch (one pass over
   the train part) the *validation* part is scored with the objective being trained
   (InfoNCE, NWJ, Donsker–Varadhan for MINE, the Jensen–Shannon bound for SMILE and
   DEMI); training stops ``patience`` epochs after its best value (or at
   ``max_epochs``) and the critic of the best epoch is kept.
3. The estimate is evaluated on the *test* part only, which took no part in training
   nor in choosing the epoch: the value is not optimistic through selection.

Interval (``ci=``): a normal interval from the held-out test terms.  Each test row
:math:`k` gets its first-order (Hoeffding / delta-method) influence term, which accounts
for the row appearing both in its joint pair and among the other rows' negatives:
:math:`t_k = S_{kk} - (r_k + c_k - \bar U)` for NWJ with :math:`r_k, c_k` the row and
column means of :math:`e^{S-1}` off the diagonal, the same with :math:`e^S / \bar M`
for the Donsker–Varadhan forms, :math:`S_{kk} - \mathrm{LSE}_k + \log K + 1 - \sum_i w_{ik}`
(softmax weights :math:`w`) for InfoNCE, and :math:`S_{kk}` for DEMI.  The mean of the
terms is the estimate; ``stderr = sd(t) / sqrt(n_test)``; the interval is
``value ± z stderr`` with both ends cut at 0 (MI is not negative; ``params["ci_scheme"]``
says when the lower end was cut).  It is *conditional on the trained critic*: it covers
the sampling error of the held-out evaluation, not the variability of training nor the
gap between a variational bound and the MI (the bounds are below the MI in
expectation, so the interval is a statement about the bound).

Seeding: ``random_state`` fixes the split, the initialisation and the minibatch order
through a local ``torch.Generator``; torch's global generator is never read nor
reseeded.  Results agree bit for bit on one machine with one thread count; on CUDA,
kernels may not be deterministic.

Threads: the networks are small, so training and evaluation run with ``num_threads``
torch threads (default 1) and torch's previous setting is restored afterwards
(``num_threads=None`` leaves it alone).  Measured on a shared 2-core machine: one
n = 240 estimate took 0.1 s with 1 thread and 8 s with 2 (threads contending for the
cores on matrices of a few hundred rows).

References
----------
Belghazi, M. I. et al. (2018). Mutual information neural estimation. *ICML*.
Nguyen, X., Wainwright, M. J. & Jordan, M. I. (2010). Estimating divergence functionals
and the likelihood ratio by convex risk minimization. *IEEE Trans. Inf. Theory* 56.
van den Oord, A., Li, Y. & Vinyals, O. (2018). Representation learning with contrastive
predictive coding. arXiv:1807.03748.
Poole, B., Ozair, S., van den Oord, A., Alemi, A. & Tucker, G. (2019). On variational
bounds of mutual information. *ICML*.
Song, J. & Ermon, S. (2020). Understanding the limitations of variational mutual
information estimators. *ICLR*.
Liao, R., Moyer, D., Cha, M., Quigley, K., Golland, P. & Wells, W. (2020). DEMI:
Discriminative estimator of mutual information. arXiv:2010.01766.
"""

from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special

from .._validate import (
    check_base,
    check_consistent_length,
    check_positive_int,
    check_probability,
    check_random_state,
    check_samples,
)
from ..result import Estimate
from ..units import Base, unit_name
from ._intervals import Interval, within_range
from ._records import register

__all__ = ["METHODS", "NeuralCritic", "train_critic"]

METHODS = ("infonce", "nwj", "mine", "smile", "demi")
CRITICS = ("separable", "concat")
# each held-out part needs this many rows (negatives come from the other rows)
MIN_HELD_OUT = 16
MIN_TRAIN = 32

_DEFAULTS: dict[str, Any] = {
    "critic": "separable",
    "hidden": (256,),
    "embed_dim": 32,
    "lr": 5e-4,
    "weight_decay": 0.0,
    "batch_size": 256,
    "max_epochs": 300,
    "patience": 20,
    "valid_fraction": 0.2,
    "test_fraction": 0.2,
    "eval_batch": None,
    "device": "cpu",
    "num_threads": 1,
    "marginals": "copula",
}
_EXTRA: dict[str, dict[str, Any]] = {"mine": {"ma_rate": 0.01}, "smile": {"tau": 5.0}}
_OBJECTIVE = {"infonce": "infonce", "nwj": "nwj", "mine": "dv", "smile": "js", "demi": "js"}


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "the neural MI estimators need PyTorch: install it with `pip install "
            "infolens[torch]` (or `pip install torch` first on a CPU-only machine)."
        ) from exc
    return torch


# ------------------------------------------------------------------ checks of options


def _check_device(device: Any):
    torch = _torch()
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device={device!r} is not a torch device ({exc}); use 'cpu' or 'cuda'.") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was asked for but CUDA is not available here "
            f"(torch {torch.__version__}); use device='cpu'."
        )
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r}: only 'cpu' and 'cuda' devices are supported.")
    return dev


def _check_positive(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {v!r}.")
    return float(v)


def _check_options(method: str, opts: dict[str, Any]) -> dict[str, Any]:
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not a neural MI estimator; choose one of {list(METHODS)}.")
    o = dict(opts)
    if o["marginals"] not in ("copula", "standardize"):
        raise ValueError(f"marginals={o['marginals']!r}: choose 'copula' or 'standardize'.")
    if o["critic"] not in CRITICS:
        raise ValueError(f"critic={o['critic']!r}: choose one of {list(CRITICS)}.")
    hidden = o["hidden"]
    if isinstance(hidden, numbers.Integral):
        hidden = (hidden,)
    try:
        hidden = tuple(check_positive_int(h, "hidden") for h in hidden)
    except TypeError:
        raise TypeError(f"hidden must be a sequence of layer widths, e.g. (128, 128); got {o['hidden']!r}.") from None
    o["hidden"] = hidden
    o["embed_dim"] = check_positive_int(o["embed_dim"], "embed_dim")
    o["lr"] = _check_positive(o["lr"], "lr")
    wd = o["weight_decay"]
    if isinstance(wd, bool) or not isinstance(wd, numbers.Real) or not (math.isfinite(wd) and wd >= 0):
        raise ValueError(f"weight_decay must be a finite number >= 0; got {wd!r}.")
    o["weight_decay"] = float(wd)
    o["batch_size"] = check_positive_int(o["batch_size"], "batch_size", minimum=2)
    o["max_epochs"] = check_positive_int(o["max_epochs"], "max_epochs")
    o["patience"] = check_positive_int(o["patience"], "patience")
    o["valid_fraction"] = check_probability(o["valid_fraction"], "valid_fraction", open_low=True, open_high=True)
    if "test_fraction" in o:
        o["test_fraction"] = check_probability(o["test_fraction"], "test_fraction", open_low=True, open_high=True)
        if o["valid_fraction"] + o["test_fraction"] >= 0.9:
            raise ValueError(
                f"valid_fraction + test_fraction = {o['valid_fraction'] + o['test_fraction']:g} "
                "leaves under 10% of the rows for training; use smaller fractions."
            )
    if o.get("eval_batch") is not None:
        o["eval_batch"] = check_positive_int(o["eval_batch"], "eval_batch", minimum=2)
    if "tau" in o:
        o["tau"] = _check_positive(o["tau"], "tau")
    if "ma_rate" in o:
        r = o["ma_rate"]
        if isinstance(r, bool) or not isinstance(r, numbers.Real) or not 0 < r <= 1:
            raise ValueError(f"ma_rate must lie in (0, 1]; got {r!r}.")
        o["ma_rate"] = float(r)
    o["device"] = _check_device(o["device"])
    if o["num_threads"] is not None:
        o["num_threads"] = check_positive_int(o["num_threads"], "num_threads")
    return o


@contextmanager
def _torch_threads(n: int | None):
    """Set torch's intra-op thread count to ``n`` for a block, then restore it."""
    torch = _torch()
    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _split_sizes(n: int, fractions: tuple[float, ...]) -> tuple[int, ...]:
    held = tuple(int(math.floor(n * f)) for f in fractions)
    return (n - sum(held), *held)


def _needed(fractions: tuple[float, ...]) -> int:
    n = MIN_TRAIN
    while True:
        sizes = _split_sizes(n, fractions)
        if sizes[0] >= MIN_TRAIN and min(sizes[1:]) >= MIN_HELD_OUT:
            return n
        n += 1


def _check_split(method: str, n: int, fractions: tuple[float, ...], names: tuple[str, ...]) -> tuple[int, ...]:
    sizes = _split_sizes(n, fractions)
    if sizes[0] < MIN_TRAIN or min(sizes[1:]) < MIN_HELD_OUT:
        parts = "/".join(("train", *names))
        fr = ", ".join(f"{nm}_fraction={f:g}" for nm, f in zip(names, fractions, strict=True))
        raise ValueError(
            f"method={method!r}: {n} samples split into {parts} = "
            f"{'/'.join(str(s) for s in sizes)} rows, but training needs at least {MIN_TRAIN} "
            f"rows and each held-out part at least {MIN_HELD_OUT}; with {fr} that takes at "
            f"least {_needed(fractions)} samples. Pass more samples (or larger fractions)."
        )
    return sizes


# ------------------------------------------------------------------------- the critic


class _MLP:
    """Plain MLP (ReLU) whose weights are drawn from a local generator (no global RNG)."""

    def __init__(self, sizes: tuple[int, ...], gen, device):
        torch = _torch()
        self.sizes = sizes
        self.layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            bound = 1.0 / math.sqrt(fan_in)  # torch.nn.Linear's default initialisation
            w = (torch.rand(fan_out, fan_in, generator=gen) * 2 - 1) * bound
            b = (torch.rand(fan_out, generator=gen) * 2 - 1) * bound
            self.layers.append((w.to(device).requires_grad_(), b.to(device).requires_grad_()))

    def __call__(self, h):
        torch = _torch()
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            h = torch.addmm(b, h, w.t())
            if i < last:
                h = torch.relu(h)
        return h

    def parameters(self) -> list:
        return [p for layer in self.layers for p in layer]

    def describe(self) -> str:
        return "-".join(str(s) for s in self.sizes)


class _Critic:
    """``f(x, y)`` on all pairs of a block: separable ``g(x)·h(y) + a(x) + b(y)`` or an
    MLP on the concatenation ``[x, y]``."""

    def __init__(self, kind: str, dx: int, dy: int, hidden: tuple[int, ...], embed: int, gen, device):
        self.kind = kind
        if kind == "separable":
            self.g = _MLP((dx, *hidden, embed + 1), gen, device)
            self.h = _MLP((dy, *hidden, embed + 1), gen, device)
            self.nets = (self.g, self.h)
            self.architecture = (
                f"separable f(x,y) = g(x)·h(y) + a(x) + b(y): g {self.g.describe()}, "
                f"h {self.h.describe()} (ReLU; last unit of each is a(x), b(y))"
            )
        else:
            self.f = _MLP((dx + dy, *hidden, 1), gen, device)
            self.nets = (self.f,)
            self.architecture = f"concatenated f([x, y]): {self.f.describe()} (ReLU)"

    def parameters(self) -> list:
        return [p for net in self.nets for p in net.parameters()]

    def scores(self, x, y):
        """Matrix ``S[i, j] = f(x_i, y_j)``."""
        if self.kind == "separable":
            gx, hy = self.g(x), self.h(y)
            return gx[:, :-1] @ hy[:, :-1].t() + gx[:, -1:] + hy[:, -1:].t()
        k = x.shape[0]
        xx = x.unsqueeze(1).expand(k, k, x.shape[1])
        yy = y.unsqueeze(0).expand(k, k, y.shape[1])
        return self.f(_torch().cat([xx, yy], dim=2).reshape(k * k, -1)).reshape(k, k)

    def state(self) -> list:
        return [p.detach().clone() for p in self.parameters()]

    def load(self, state: list) -> None:
        torch = _torch()
        with torch.no_grad():
            for p, s in zip(self.parameters(), state, strict=True):
                p.copy_(s)


# ---------------------------------------------------------------- training objectives


def _offdiag_logmeanexp(s, values=None):
    torch = _torch()
    k = s.shape[0]
    v = s if values is None else values
    v = v.masked_fill(torch.eye(k, dtype=torch.bool, device=s.device), -math.inf)
    return torch.logsumexp(v.reshape(-1), 0) - math.log(k * (k - 1))


def _train_objective(objective: str, s):
    """Value (to maximise) of the training objective on one batch's score matrix."""
    torch = _torch()
    k = s.shape[0]
    d = s.diagonal()
    if objective == "infonce":
        return (d - torch.logsumexp(s, 1)).mean() + math.log(k)
    if objective == "nwj":
        return d.mean() - torch.exp(_offdiag_logmeanexp(s) - 1.0)
    if objective == "dv":
        return d.mean() - _offdiag_logmeanexp(s)
    # Jensen–Shannon (f-GAN) objective: binary cross-entropy of joint vs shuffled pairs
    off = torch.nn.functional.softplus(s).masked_fill(torch.eye(k, dtype=torch.bool, device=s.device), 0.0)
    return -torch.nn.functional.softplus(-d).mean() - off.sum() / (k * (k - 1))


# --------------------------------------------------------- held-out values and terms


def _block_terms(method: str, s: np.ndarray, tau: float | None) -> np.ndarray:
    """Per-row influence terms of one block (float64); their mean is the block's value."""
    k = s.shape[0]
    d = np.diag(s).copy()
    off = ~np.eye(k, dtype=bool)
    if method == "infonce":
        lse = special.logsumexp(s, axis=1)
        w = np.exp(s - lse[:, None])  # softmax weights of each row
        return d - lse + math.log(k) + 1.0 - w.sum(axis=0)
    if method == "demi":
        return d
    if method == "js":
        sp = np.logaddexp(0.0, s)
        neg = np.where(off, sp, 0.0)
        u = neg.sum() / (k * (k - 1))
        r, c = neg.sum(1) / (k - 1), neg.sum(0) / (k - 1)
        return -np.logaddexp(0.0, -d) - (r + c - u)
    v = s - 1.0 if method == "nwj" else (np.clip(s, -tau, tau) if method == "smile" else s)
    shift = float(v[off].max())
    e = np.where(off, np.exp(v - shift), 0.0)
    m = e.sum() / (k * (k - 1))
    r, c = e.sum(1) / (k - 1), e.sum(0) / (k - 1)
    if method == "nwj":  # d - U, U the off-diagonal mean of e^{S-1}
        scale = math.exp(shift)
        return d - scale * (r + c - m)
    # Donsker–Varadhan (mine) and its clipped form (smile): d - log M, delta method
    return d - (shift + math.log(m)) - (r + c - 2.0 * m) / m


def _blocks(n: int, size: int) -> list[np.ndarray]:
    return np.array_split(np.arange(n), max(1, -(-n // size)))


def _held_out_terms(critic: _Critic, x, y, method: str, eval_batch: int, tau, where: str) -> tuple[np.ndarray, int]:
    """Terms of every held-out row (blocks of ``eval_batch`` rows); smallest block size."""
    torch = _torch()
    out = []
    smallest = x.shape[0]
    with torch.no_grad():
        for idx in _blocks(x.shape[0], eval_batch):
            it = torch.as_tensor(idx, device=x.device)
            s = critic.scores(x[it], y[it]).double().cpu().numpy()
            if not np.isfinite(s).all():
                raise _non_finite(where)
            out.append(_block_terms(method, s, tau))
            smallest = min(smallest, idx.size)
    terms = np.concatenate(out)
    if not np.isfinite(terms).all():
        raise _non_finite(where)
    return terms, smallest


def _non_finite(where: str) -> FloatingPointError:
    return FloatingPointError(
        f"the critic's outputs became non-finite (inf or NaN) {where}; no estimate is "
        "returned. Lower lr, use method='infonce' or 'smile' (bounded objectives), or "
        "a smaller network."
    )


# ------------------------------------------------------------------ the trained critic


@dataclass
class NeuralCritic:
    """A critic trained by :func:`train_critic`; :meth:`evaluate` scores new data.

    Attributes
    ----------
    method : str
        The estimator (``"infonce"``, ``"nwj"``, ``"mine"``, ``"smile"``, ``"demi"``).
    dim_x, dim_y : int
        Columns of ``x`` and ``y`` it was trained on (evaluation data must match).
    details : dict
        Architecture, options, epochs run, best epoch, split sizes, the validation
        value of the training objective at the best epoch (``valid_objective``).
    """

    method: str
    dim_x: int
    dim_y: int
    details: dict[str, Any]
    _critic: Any = field(repr=False)
    _marginals: tuple[_Marginal, _Marginal] = field(repr=False)
    _options: dict[str, Any] = field(repr=False)

    def _tensors(self, x: np.ndarray, y: np.ndarray):
        torch = _torch()
        dev = self._options["device"]
        tx = torch.as_tensor(self._marginals[0](x), dtype=torch.float32, device=dev)
        ty = torch.as_tensor(self._marginals[1](y), dtype=torch.float32, device=dev)
        return tx, ty

    def _check_dims(self, x: np.ndarray, y: np.ndarray) -> None:
        for nm, a, d in (("x", x, self.dim_x), ("y", y, self.dim_y)):
            if a.shape[1] != d:
                raise ValueError(
                    f"{nm} has {a.shape[1]} column(s) but the critic was trained on {nm} with "
                    f"{d}; evaluate on data with the same dimensions as the training data."
                )

    def terms(self, x: Any, y: Any) -> tuple[np.ndarray, dict[str, Any]]:
        """Held-out terms in nats (their mean is the estimate) and evaluation details."""
        x = check_samples(x, "x", kind="continuous")
        y = check_samples(y, "y", kind="continuous")
        n = check_consistent_length(x=x, y=y)
        self._check_dims(x, y)
        if n < MIN_HELD_OUT:
            raise ValueError(f"evaluation needs at least {MIN_HELD_OUT} paired rows; got {n}.")
        eb = self._options["eval_batch"]
        with _torch_threads(self._options["num_threads"]):
            tx, ty = self._tensors(x, y)
            terms, smallest = _held_out_terms(
                self._critic, tx, ty, self.method, eb, self._options.get("tau"),
                f"while evaluating method={self.method!r} on held-out data",
            )
        info: dict[str, Any] = {"n_eval": int(n), "eval_batch": int(eb)}
        if self.method == "infonce":
            info["infonce_cap"] = math.log(smallest)
        return terms, info

    def evaluate(self, x: Any, y: Any, *, base: Base = "e", ci: float | None = None) -> Estimate:
        """MI estimate on ``(x, y)`` (data not used in training), as an :class:`Estimate`.

        ``ci`` adds the normal interval of the module docstring (influence terms), cut at 0
        by :func:`infolens.estimate._intervals.within_range` (``params["ci_cut"]`` says when).
        """
        lb = check_base(base)
        terms, info = self.terms(x, y)
        value = float(terms.mean())
        params = {**self.details, **info}
        kw: dict[str, Any] = {}
        if ci is not None:
            level = check_probability(ci, "ci", open_low=True, open_high=True)
            iv = _normal_interval(value, terms, level)
            params["ci_scheme"] = iv.scheme
            iv = within_range(iv, 0.0, math.inf)  # MI >= 0; the same cut as for every estimator
            params["ci_cut"] = iv.cut or None
            kw = dict(ci=(iv.low / lb, iv.high / lb), ci_level=level, stderr=iv.stderr / lb)
        return Estimate(value / lb, unit=unit_name(base), method=self.method, n=int(terms.size),
                        params=params, quantity="I(X;Y)", **kw)


def _normal_interval(value: float, terms: np.ndarray, level: float) -> Interval:
    se = float(np.std(terms, ddof=1) / math.sqrt(terms.size))
    z = float(special.ndtri(0.5 + level / 2.0))
    # the cut to [0, inf) is made, and reported, by resampling.confidence_interval
    scheme = "normal, held-out influence terms (conditional on the trained critic)"
    return Interval(value - z * se, value + z * se, se, scheme, 0)


class _Marginal:
    """Per-column map fitted on training rows, applied to any rows (MI is invariant to it).

    ``"copula"``: ``z = Phi^-1((r + 1/2) / (m + 1))`` with ``r`` the mid-rank of the value
    among the ``m`` fitted values (0 below the smallest, ``m`` above the largest), so
    inputs lie within about ±4 whatever the tails; ``"standardize"``: ``(a - mean) / sd``
    (sd 0 -> 1).
    """

    def __init__(self, a: np.ndarray, how: str):
        self.how = how
        if how == "copula":
            self.sorted = np.sort(a, axis=0)
        else:
            sd = a.std(axis=0)
            self.loc, self.scale = a.mean(axis=0), np.where(sd > 0, sd, 1.0)

    def __call__(self, a: np.ndarray) -> np.ndarray:
        if self.how != "copula":
            return (a - self.loc) / self.scale
        m = self.sorted.shape[0]
        out = np.empty(a.shape)
        for j in range(a.shape[1]):
            col = self.sorted[:, j]
            r = 0.5 * (np.searchsorted(col, a[:, j], "left") + np.searchsorted(col, a[:, j], "right"))
            out[:, j] = special.ndtri((r + 0.5) / (m + 1.0))
        return out


def train_critic(
    x: Any,
    y: Any,
    *,
    method: str = "infonce",
    random_state: Any = None,
    critic: str = "separable",
    hidden: tuple[int, ...] = (256,),
    embed_dim: int = 32,
    lr: float = 5e-4,
    weight_decay: float = 0.0,
    batch_size: int = 256,
    max_epochs: int = 300,
    patience: int = 20,
    valid_fraction: float = 0.2,
    eval_batch: int | None = None,
    device: Any = "cpu",
    num_threads: int | None = 1,
    marginals: str = "copula",
    tau: float = 5.0,
    ma_rate: float = 0.01,
) -> NeuralCritic:
    """Train a critic on ``(x, y)`` with early stopping on a validation part.

    ``valid_fraction`` of the rows (shuffled by ``random_state``) are held out to choose
    the epoch; the rest train.  Evaluate the result with :meth:`NeuralCritic.evaluate` on
    data it has not seen.  Options as in the module docstring; ``tau`` is used by
    ``"smile"`` only and ``ma_rate`` by ``"mine"`` only.

    Raises
    ------
    ValueError
        Too few rows for the split (the message says how many are needed), a bad option,
        ``device="cuda"`` without CUDA.
    FloatingPointError
        The critic's outputs became non-finite during training.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(600, 1)); y = x + rng.normal(size=(600, 1))  # I = log(2)/2
    >>> critic = train_critic(x[:400], y[:400], method="infonce", random_state=0, max_epochs=30)
    >>> est = critic.evaluate(x[400:], y[400:])          # held-out rows only
    >>> bool(0.0 < float(est) < 0.7)
    True
    """
    x = check_samples(x, "x", kind="continuous")
    y = check_samples(y, "y", kind="continuous")
    check_consistent_length(x=x, y=y)
    rng = check_random_state(random_state)
    opts = dict(critic=critic, hidden=hidden, embed_dim=embed_dim, lr=lr,
                weight_decay=weight_decay, batch_size=batch_size,
                max_epochs=max_epochs, patience=patience, valid_fraction=valid_fraction,
                eval_batch=eval_batch, device=device, num_threads=num_threads,
                marginals=marginals)
    if method == "smile":
        opts["tau"] = tau
    if method == "mine":
        opts["ma_rate"] = ma_rate
    opts = _check_options(method, opts)
    n_train, _ = _check_split(method, x.shape[0], (opts["valid_fraction"],), ("validation",))
    perm = rng.permutation(x.shape[0])
    return _train(method, x[perm], y[perm], n_train, opts, int(rng.integers(2**63)))


def _train(method: str, x: np.ndarray, y: np.ndarray, n_train: int, opts: dict[str, Any], seed: int) -> NeuralCritic:
    """Train on rows ``[:n_train]``, early-stop on the rest (rows already shuffled)."""
    with _torch_threads(opts["num_threads"]):
        return _train_in(method, x, y, n_train, opts, seed)


def _train_in(method: str, x: np.ndarray, y: np.ndarray, n_train: int, opts: dict[str, Any], seed: int) -> NeuralCritic:
    torch = _torch()
    dev = opts["device"]
    if opts["eval_batch"] is None:
        opts["eval_batch"] = 2048 if opts["critic"] == "separable" else opts["batch_size"]
    mx, my = _Marginal(x[:n_train], opts["marginals"]), _Marginal(y[:n_train], opts["marginals"])
    tx = torch.as_tensor(mx(x), dtype=torch.float32, device=dev)
    ty = torch.as_tensor(my(y), dtype=torch.float32, device=dev)
    xt, yt, xv, yv = tx[:n_train], ty[:n_train], tx[n_train:], ty[n_train:]
    gen = torch.Generator(device="cpu").manual_seed(seed)
    critic = _Critic(opts["critic"], x.shape[1], y.shape[1], opts["hidden"], opts["embed_dim"], gen, dev)
    optim = torch.optim.AdamW(critic.parameters(), lr=opts["lr"], weight_decay=opts["weight_decay"])
    objective = _OBJECTIVE[method]
    val_method = {"dv": "mine"}.get(objective, objective)
    bs = min(opts["batch_size"], n_train)
    log_ma = None  # MINE: log of the moving average of the partition term
    best, best_epoch, best_state, epoch = -math.inf, 0, critic.state(), 0
    for epoch in range(1, opts["max_epochs"] + 1):
        order = torch.randperm(n_train, generator=gen)
        for idx in torch.split(order, bs):
            if idx.numel() < 2:
                continue
            idx = idx.to(dev)
            s = critic.scores(xt[idx], yt[idx])
            if method == "mine":
                lme = _offdiag_logmeanexp(s)
                cur = lme.detach()
                a = opts["ma_rate"]
                if log_ma is None or a == 1.0:
                    log_ma = cur
                else:
                    log_ma = torch.logaddexp(log_ma + math.log1p(-a), cur + math.log(a))
                # gradient: grad mean(e^S) / moving average (Belghazi et al. 2018, sec. 3.2)
                loss = -(s.diagonal().mean() - torch.exp(lme - log_ma))
            else:
                loss = -_train_objective(objective, s)
            if not torch.isfinite(loss):
                raise _non_finite(f"while training method={method!r} (epoch {epoch}, lr={opts['lr']:g})")
            optim.zero_grad(set_to_none=True)
            loss.backward()
            optim.step()
        val, _ = _held_out_terms(critic, xv, yv, val_method, opts["eval_batch"], opts.get("tau"),
                                 f"on the validation part (method={method!r}, epoch {epoch}, lr={opts['lr']:g})")
        v = float(val.mean())
        if v > best:
            best, best_epoch, best_state = v, epoch, critic.state()
        elif epoch - best_epoch >= opts["patience"]:
            break
    critic.load(best_state)
    details = {
        "architecture": critic.architecture,
        **{k: (str(v) if k == "device" else v) for k, v in opts.items()},
        "objective": {"dv": "donsker-varadhan", "js": "jensen-shannon"}.get(objective, objective),
        "epochs_run": epoch,
        "best_epoch": best_epoch,
        "stopped_early": epoch < opts["max_epochs"],
        "n_train": int(n_train),
        "n_valid": int(x.shape[0] - n_train),
        "valid_objective": best,
    }
    return NeuralCritic(method, x.shape[1], y.shape[1], details, critic, (mx, my), opts)


# ------------------------------------------------------------- estimate in one call


class _HeldOut(float):
    """Value in nats carrying provenance (``details``, merged into ``Estimate.params``)
    and the held-out terms (for the interval)."""

    details: dict[str, Any]
    terms: np.ndarray


def _estimate(method: str, x: Any, y: Any, random_state: Any, options: dict[str, Any]) -> _HeldOut:
    x = check_samples(x, "x", kind="continuous")
    y = check_samples(y, "y", kind="continuous")
    n = check_consistent_length(x=x, y=y)
    rng = check_random_state(random_state)
    opts = _check_options(method, {**_DEFAULTS, **_EXTRA.get(method, {}), **options})
    fr = (opts["valid_fraction"], opts["test_fraction"])
    n_train, n_valid, n_test = _check_split(method, n, fr, ("validation", "test"))
    perm = rng.permutation(n)
    fit_rows, test_rows = perm[: n_train + n_valid], perm[n_train + n_valid :]
    seed = int(rng.integers(2**63))
    train_opts = {k: v for k, v in opts.items() if k != "test_fraction"}
    fitted = _train(method, x[fit_rows], y[fit_rows], n_train, train_opts, seed)
    terms, info = fitted.terms(x[test_rows], y[test_rows])
    out = _HeldOut(float(terms.mean()))
    out.details = {**fitted.details, "test_fraction": opts["test_fraction"], "n_test": int(n_test), **info}
    out.terms = terms
    return out


def _make(method: str, reference: str, summary: str):
    def estimator(x: np.ndarray, y: np.ndarray, *, random_state: Any = None, **options: Any) -> _HeldOut:
        return _estimate(method, x, y, random_state, options)

    estimator.__name__ = estimator.__qualname__ = f"{method}_mi"
    estimator.__doc__ = (
        f"{summary}\n\n    Neural estimator ``{method!r}``; protocol, options and interval in "
        ":mod:`infolens.estimate.neural`.\n    "
    )
    def _interval(call: Any, value: float, *, level: float, n_boot: int, random_state: Any) -> Interval:
        terms = getattr(value, "terms", None)
        if terms is None:  # the value did not come from this module's estimator
            raise RuntimeError(f"the {method!r} interval needs the held-out terms of its estimate.")
        return _normal_interval(float(value), terms, level)

    register(
        "mi", method, kinds=("continuous",), params={**_DEFAULTS, **_EXTRA.get(method, {})},
        reference=reference, random=True, interval=_interval,
    )(estimator)
    return estimator


infonce_mi = _make(
    "infonce", "van den Oord, Li & Vinyals (2018), arXiv:1807.03748; Poole et al. (2019), ICML",
    "InfoNCE lower bound on I(X;Y) (capped at log of the evaluation block size), held-out.",
)
nwj_mi = _make(
    "nwj", "Nguyen, Wainwright & Jordan (2010), IEEE Trans. Inf. Theory 56:5847",
    "NWJ (f-divergence) lower bound on I(X;Y), held-out.",
)
mine_mi = _make(
    "mine", "Belghazi et al. (2018), ICML (MINE)",
    "MINE: Donsker-Varadhan bound trained with the moving-average gradient, held-out.",
)
smile_mi = _make(
    "smile", "Song & Ermon (2020), ICLR (SMILE)",
    "SMILE: clipped Donsker-Varadhan value of a Jensen-Shannon-trained critic, held-out.",
)
demi_mi = _make(
    "demi", "Liao et al. (2020), arXiv:2010.01766 (DEMI)",
    "DEMI: mean held-out logit of a joint-vs-shuffled classifier (not capped by the batch).",
)
