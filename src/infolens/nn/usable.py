r"""Usable (predictive, "V-") information a layer carries about the labels.

For a layer's activations :math:`T` and labels :math:`Y`, the predictive information of
a probe family :math:`\mathcal V` (Xu et al. 2020) is

.. math::

    I_{\mathcal V}(T \to Y) = H_{\mathcal V}(Y) - H_{\mathcal V}(Y \mid T),

where :math:`H_{\mathcal V}(Y\mid T) = \inf_{f\in\mathcal V} \mathbb E[-\log f[T](Y)]` is
the smallest expected cross-entropy a probe in the family reaches and
:math:`H_{\mathcal V}(Y)` the same without the input (the label frequencies).  When the
family holds every predictor it is Shannon's :math:`I(T;Y)`; for a restricted family
(linear, or a small MLP) it is the information a decoder of that family can *use*, so it

* never saturates at :math:`\log n` the way a binned :math:`I(X;T)` of a deterministic
  network does,
* is at most :math:`I(T;Y)` in expectation when the probe is fitted on other data, and
* is the number practitioners compare across layers (a linear probe's accuracy, in
  information units).

The estimate here fits the probe on a training split (with early stopping on a validation
part of it) and evaluates on a held-out split it never saw: the point value is the mean
over held-out examples of :math:`\log f[t_i](y_i) - \log \hat p(y_i)`, where
:math:`\hat p` are the training-split label frequencies (the best input-free predictor).
Its interval is the normal interval of that mean (the held-out terms are independent
given the fitted probe), cut to :math:`[0, \hat H_{\mathcal V}(Y)]`, the range the
quantity can take; ``Estimate.params["ci_cut"]`` says when the cut applied.

References
----------
Xu, Y., Zhao, S., Song, J., Stewart, R. & Ermon, S. (2020). A theory of usable information
under computational constraints. ICLR.
Alain, G. & Bengio, Y. (2017). Understanding intermediate layers using linear classifier
probes. ICLR workshop.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from scipy.special import ndtri
from torch import nn

from .._validate import (
    as_array,
    check_base,
    check_consistent_length,
    check_positive_int,
    check_probability,
    check_random_state,
)
from ..result import Estimate
from ..units import unit_name

__all__ = ["usable_information"]

PROBES = ("linear", "mlp")
_WEIGHT_DECAYS = (1e-4, 1e-3, 1e-2, 1e-1)


def usable_information(
    features: Any,
    labels: Any,
    *,
    probe: str = "linear",
    test_size: float = 0.3,
    base: Any = "e",
    ci: float | None = 0.95,
    hidden: int = 64,
    max_epochs: int = 300,
    patience: int = 20,
    random_state: Any = 0,
    device: str = "cpu",
    held_out: tuple[Any, Any] | None = None,
) -> Estimate:
    r"""Held-out predictive information :math:`I_{\mathcal V}(T\to Y)` of a probe family.

    Parameters
    ----------
    features : array_like or torch.Tensor, shape (n, ...)
        One row of activations per example; trailing dimensions are flattened
        (a (n, C, H, W) feature map becomes n rows of C*H*W values).
    labels : array_like, shape (n,)
        Class labels (any hashable values; at least two classes).
    probe : {"linear", "mlp"}
        ``"linear"``: multinomial logistic regression on the standardised features;
        ``"mlp"``: one hidden layer of ``hidden`` ReLU units.  The L2 penalty is chosen
        from ``(1e-4, 1e-3, 1e-2, 1e-1)`` on a validation quarter of the training split.
    test_size : float in (0, 1)
        Fraction of examples held out for the estimate (stratified by label).
    base : {"e", 2, 10, "bits", ...}
        Logarithm base of the result.
    ci : float or None
        Level of the normal interval of the held-out mean (cut to the feasible range).
    hidden, max_epochs, patience : int
        MLP width; the most full-batch Adam steps; steps without validation improvement
        before stopping.
    random_state : int, numpy Generator or None
        Seeds the split and the probe's initialisation (torch's global generator is not
        touched).
    device : {"cpu", "cuda", ...}
        Where the probe is trained.
    held_out : (features, labels), optional
        A separate evaluation set (e.g. a test split): the probe is then trained on all of
        ``features, labels`` (a quarter of them for choosing the penalty) and evaluated on
        ``held_out`` only; ``test_size`` is not used.  Use it when the layer is wide, so
        that the probe has all the training examples to fit on.

    Returns
    -------
    Estimate
        Quantity ``"I_V(T->Y)"``; ``params`` holds the probe, the chosen penalty,
        ``h_y`` (the held-out :math:`\hat H_{\mathcal V}(Y)` in the same unit, the upper end of
        the feasible range), ``held_out_accuracy``, ``held_out_cross_entropy`` (the
        probe's mean :math:`-\log f[t_i](y_i)` on the held-out examples, an upper bound on
        :math:`H(Y\mid T)` in expectation, since no predictor beats the true conditional)
        with its standard error ``cross_entropy_stderr``, split sizes, ``ci_cut`` and
        ``standardized`` (the probe standardises features with training-split statistics;
        the caller's array is not changed).

    Raises
    ------
    ValueError
        One class only; a class with fewer than 2 examples (it cannot be on both sides of
        the split); non-finite features; ``probe`` unknown; ``device`` unavailable.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> t = y[:, None] + 0.5 * rng.normal(size=(2000, 3))   # informative features
    >>> est = usable_information(t, y, base=2)
    >>> 0.5 < float(est) <= 1.0                            # at most H(Y) = 1 bit
    True
    """
    ln_base = check_base(base)
    if probe not in PROBES:
        raise ValueError(f"probe must be one of {PROBES}, got {probe!r}.")
    test_size = check_probability(test_size, "test_size", open_low=True, open_high=True)
    if ci is not None:
        ci = check_probability(ci, "ci", open_low=True, open_high=True)
    hidden = check_positive_int(hidden, "hidden")
    max_epochs = check_positive_int(max_epochs, "max_epochs")
    patience = check_positive_int(patience, "patience")
    dev = _device(device)
    rng = check_random_state(random_state)

    t = _features(features)
    y_raw = as_array(labels, "labels")
    if y_raw.ndim != 1:
        raise ValueError(f"labels must be 1-D (one label per example), got shape {y_raw.shape}.")
    check_consistent_length(features=t, labels=y_raw)
    n_fit_rows = len(t)
    if held_out is not None:
        if not isinstance(held_out, (tuple, list)) or len(held_out) != 2:
            raise TypeError("held_out must be a pair (features, labels).")
        t2 = _features(held_out[0])
        y2 = as_array(held_out[1], "held_out labels")
        if y2.ndim != 1:
            raise ValueError(f"held_out labels must be 1-D, got shape {y2.shape}.")
        check_consistent_length(held_out_features=t2, held_out_labels=y2)
        if t2.shape[1] != t.shape[1]:
            raise ValueError(
                f"held_out features have {t2.shape[1]} values per example, features have "
                f"{t.shape[1]}; pass the same layer's activations for both."
            )
        t = np.vstack([t, t2])
        y_raw = np.concatenate([y_raw, y2])
    classes, y = np.unique(y_raw, return_inverse=True)
    y = y.reshape(-1)
    k = len(classes)
    if k < 2:
        raise ValueError(
            f"labels hold a single class ({classes[0]});  usable information about a constant "
            "is 0 by definition — pass labels with at least two classes."
        )
    counts = np.bincount(y[:n_fit_rows], minlength=k)
    # a class seen only in held_out is scored (with the smoothed frequency), never fitted
    present = counts > 0 if held_out is not None else np.ones(k, dtype=bool)
    if counts[present].min() < 2:
        c = int(np.flatnonzero(present)[np.argmin(counts[present])])
        rare = classes[c].item() if hasattr(classes[c], "item") else classes[c]
        raise ValueError(
            f"labels: class {rare!r} has {int(counts[c])} example; each class needs at least "
            "2 so that it appears on both sides of the train/held-out split."
        )

    if held_out is None:
        train, test = _stratified_split(y, test_size, rng)
    else:
        train, test = np.arange(n_fit_rows), np.arange(n_fit_rows, len(y))
    fit, val = _stratified_split(y[train], 0.25, rng)
    fit, val = train[fit], train[val]

    # probe-side standardisation with training statistics (the caller's array is untouched)
    mu = t[train].mean(axis=0)
    sd = t[train].std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    z = (t - mu) / sd

    prior = np.bincount(y[train], minlength=k) + 0.5  # add-1/2 so a class unseen in train
    prior = prior / prior.sum()                        # still gets a finite log-loss

    seed = int(rng.integers(2**31 - 1))
    best = None
    for wd in _WEIGHT_DECAYS:
        model, val_loss = _fit_probe(z, y, fit, val, k, probe, hidden, wd, max_epochs,
                                     patience, seed, dev)
        if best is None or val_loss < best[1]:
            best = (model, val_loss, wd)
    assert best is not None
    model, _, wd = best

    with torch.no_grad():
        logits = model(torch.as_tensor(z[test], dtype=torch.float32, device=dev))
        logq = torch.log_softmax(logits, dim=1).double().cpu().numpy()
    yt = y[test]
    terms = logq[np.arange(len(test)), yt] - np.log(prior[yt])  # nats, one per held-out example
    if not np.all(np.isfinite(terms)):
        raise FloatingPointError(
            "usable_information: the probe produced non-finite log-probabilities; rescale the "
            "features (their magnitude overflows float32) or use probe='linear'."
        )
    scale = 1.0 / ln_base
    value = float(terms.mean()) * scale
    h_y = float(-np.log(prior[yt]).mean()) * scale
    m = len(test)
    se = float(terms.std(ddof=1) / math.sqrt(m)) * scale
    interval = None
    cut = False
    if ci is not None:
        zq = float(ndtri(0.5 + ci / 2))
        lo, hi = value - zq * se, value + zq * se
        if lo < 0.0 or hi > h_y:
            cut = True
        interval = (max(lo, 0.0), min(hi, h_y))
        if interval[0] > interval[1]:  # the whole interval lies outside the feasible range
            interval = (interval[1], interval[1]) if value > h_y else (0.0, 0.0)
    acc = float((logq.argmax(axis=1) == yt).mean())
    nll = -logq[np.arange(len(test)), yt]  # held-out cross-entropy terms, nats
    return Estimate(
        value,
        unit=unit_name(base),
        method=f"usable-{probe}",
        n=len(y),
        ci=interval,
        ci_level=ci,
        stderr=se,
        quantity="I_V(T->Y)",
        params={
            "probe": probe,
            "hidden": hidden if probe == "mlp" else None,
            "weight_decay": wd,
            "h_y": h_y,
            "held_out_accuracy": acc,
            "held_out_cross_entropy": float(nll.mean()) * scale,
            "cross_entropy_stderr": float(nll.std(ddof=1) / math.sqrt(m)) * scale,
            "n_train": len(train),
            "n_test": m,
            "n_classes": k,
            "ci_cut": cut,
            "below_zero": value < 0.0,
            "standardized": True,
            "interval": "normal interval of the held-out mean, cut to [0, h_y]",
        },
    )


def _features(features: Any) -> np.ndarray:
    t = as_array(features, "features")
    if t.ndim == 0:
        raise ValueError("features: got a scalar; pass one row of activations per example.")
    if t.dtype.kind not in "fiub":
        raise TypeError(f"features must be numeric, got dtype {t.dtype}.")
    t = np.asarray(t, dtype=np.float64).reshape(len(t), -1)
    if t.shape[1] == 0:
        raise ValueError(f"features have no columns (shape {t.shape}).")
    if not np.all(np.isfinite(t)):
        bad = np.argwhere(~np.isfinite(t))[0]
        raise ValueError(
            f"features contain non-finite values (first at row {int(bad[0])}, column "
            f"{int(bad[1])}); a layer that overflows carries no usable estimate."
        )
    return t


def _device(device: str) -> torch.device:
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device {device!r} is not a torch device ({exc}).") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but CUDA is not available here; use device='cpu'.")
    return dev


def _stratified_split(y: np.ndarray, frac: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices (keep, held) with about ``frac`` of every class held out (at least one each)."""
    keep, held = [], []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        idx = idx[rng.permutation(len(idx))]
        h = min(max(1, int(round(frac * len(idx)))), len(idx) - 1) if len(idx) > 1 else 0
        held.append(idx[:h])
        keep.append(idx[h:])
    return np.sort(np.concatenate(keep)), np.sort(np.concatenate(held))


def _fit_probe(z, y, fit, val, k, probe, hidden, wd, max_epochs, patience, seed, dev):
    gen = torch.Generator(device="cpu").manual_seed(seed)
    d = z.shape[1]
    with torch.random.fork_rng(devices=[]):  # layer constructors draw from the global generator
        if probe == "linear":
            model = nn.Linear(d, k)
        else:
            model = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(), nn.Linear(hidden, k))
    with torch.no_grad():  # our own initialisation, from the call's seed
        for p in model.parameters():
            if p.ndim == 2:
                bound = 1.0 / math.sqrt(p.shape[1])
                p.copy_(torch.empty(p.shape).uniform_(-bound, bound, generator=gen))
            else:
                p.zero_()
    model = model.to(dev)
    xf = torch.as_tensor(z[fit], dtype=torch.float32, device=dev)
    yf = torch.as_tensor(y[fit], dtype=torch.long, device=dev)
    xv = torch.as_tensor(z[val], dtype=torch.float32, device=dev)
    yv = torch.as_tensor(y[val], dtype=torch.long, device=dev)
    opt = torch.optim.Adam(model.parameters(), lr=0.01 if probe == "mlp" else 0.05, weight_decay=wd)
    loss_fn = nn.CrossEntropyLoss()
    best_loss, best_state, since = math.inf, None, 0
    for _ in range(max_epochs):
        model.train()
        opt.zero_grad()
        loss = loss_fn(model(xf), yf)
        loss.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            vl = float(loss_fn(model(xv), yv))
        if not math.isfinite(vl):
            raise FloatingPointError(
                "usable_information: the probe's validation loss became non-finite; rescale "
                "the features or use probe='linear'."
            )
        if vl < best_loss - 1e-6:
            best_loss, since = vl, 0
            best_state = {n: p.detach().clone() for n, p in model.state_dict().items()}
        else:
            since += 1
            if since >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return model, best_loss
