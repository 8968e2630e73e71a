"""The source text's claims, each checked numerically with infolens' own public functions.

One small function per claim.  Each returns a :class:`~infolens.verify.record.ClaimResult`
(claim, formula, measured, expected, tolerance, pass) and names, in ``uses``, the public
functions it exercised, so that ``infolens verify`` doubles as an end-to-end test of the
library.  Where a claim can be checked both on a known distribution (closed form) and on
samples, the sample check is used when the estimators are installed: it tests more code.
No claim is ever reported as passed without being computed; when a part of the library a
claim needs is missing, the claim fails and says which part.

References for each claim are given in its docstring.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .record import ClaimResult

__all__ = [
    "CLAIMS",
    "affine_entropy",
    "mi_invariance",
    "data_processing",
    "dropout_erasure",
    "anti_aliasing",
    "sufficient_statistic",
    "forward_reverse_kl",
    "ib_minimal_sufficient",
    "pac_bayes",
    "fano",
    "xor_synergy",
]


class MissingPart(RuntimeError):
    """A part of the library that a claim needs is not installed / not implemented yet."""


def _module(name: str) -> Any | None:
    """Import ``name`` or return ``None`` when that very module does not exist."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


def _attr(module: str, name: str) -> Callable[..., Any] | None:
    m = _module(module)
    if m is None:
        return None
    try:
        return getattr(m, name, None)
    except ModuleNotFoundError as exc:  # a lazy export whose submodule has not landed
        if exc.name is not None and exc.name.startswith("infolens."):
            return None
        raise


def _find(name: str, *modules: str) -> Callable[..., Any] | None:
    """First of ``modules`` that defines ``name`` (a package, then its submodules)."""
    for mod in modules:
        fn = _attr(mod, name)
        if fn is not None:
            return fn
    return None


_BOUNDS = ("infolens.bounds", "infolens.bounds.pac_bayes", "infolens.bounds.fano",
           "infolens.bounds.kl_asymmetry", "infolens.bounds.fit", "infolens.bounds.gaussian_fit")


def _estimator(name: str) -> Callable[..., Any] | None:
    """Top-level sample estimator (``infolens.mutual_information`` ...) if it has landed."""
    return _attr("infolens.estimate.api", name)


def _torch_nn(name: str) -> Callable[..., Any] | None:
    """``infolens.nn.<name>`` when torch and that analysis are installed."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    return _find(name, "infolens.nn")


def _require(fn: Callable[..., Any] | None, part: str) -> Callable[..., Any]:
    if fn is None:
        raise _missing(part)
    return fn


def _missing(part: str) -> MissingPart:
    return MissingPart(f"needs {part}, which is not available in this installation")


# --------------------------------------------------------------------------------------
# 1. Affine law of differential entropy
# --------------------------------------------------------------------------------------
def affine_entropy(*, random_state: int = 0) -> ClaimResult:
    r"""h(AX + b) = h(X) + log|det A| for invertible A.

    On samples: X ~ N(0, Σ) in 3 dimensions, n = 4000, T = AX + b with a random invertible
    A (random rotations around singular values drawn from [0.5, 3]); both entropies are estimated with the Kozachenko–Leonenko k-NN estimator
    (``infolens.entropy(method="kozachenko_leonenko")``) and their difference is compared with
    log|det A| (the closed form ``infolens.exact.gaussian.affine_entropy`` is tested
    against ``gaussian.entropy`` in the test suite of :mod:`infolens.exact`).

    Tolerance (samples): the KL estimator's standard deviation at n = 4000, d = 3 is about
    sqrt(Var[log p(X)]/n) = sqrt(1.5/4000) ≈ 0.02 nats per entropy; the two estimates use the
    same points, and A is a general (non-similarity) map, so they are not perfectly
    correlated.  Bias at this n for a Gaussian is below 0.02 nats (Kozachenko & Leonenko 1987;
    Singh et al. 2003).  We allow 0.08 nats ≈ 4 combined standard deviations.

    References: Cover & Thomas, Elements of Information Theory, 2nd ed., Thm 8.6.4.
    """
    from scipy.stats import ortho_group

    rng = np.random.default_rng(random_state)
    d = 3
    m = rng.normal(size=(d, d))
    cov = m @ m.T + d * np.eye(d)
    # a general (non-orthogonal, non-symmetric) map with singular values in [0.5, 3]: k-NN
    # entropy estimates degrade for extremely elongated densities, which is not the claim
    u, v = ortho_group.rvs(d, size=2, random_state=rng)
    a = u @ np.diag(rng.uniform(0.5, 3.0, size=d)) @ v.T
    b = rng.normal(size=d) * 5
    logdet = float(np.linalg.slogdet(a)[1])
    formula = "h(AX+b) − h(X) = log|det A|"
    claim = "An invertible affine map changes differential entropy by log|det A|; b has no effect."
    h = _require(_estimator("entropy"), "infolens.entropy (sample estimators)")
    n = 4000
    x = rng.multivariate_normal(np.zeros(d), cov, size=n)
    t = x @ a.T + b
    hx = h(x, method="kozachenko_leonenko")
    ht = h(t, method="kozachenko_leonenko")
    return ClaimResult(
        "affine_entropy", claim, formula, float(ht) - float(hx), logdet, 0.08,
        detail=f"Kozachenko–Leonenko estimates on n={n} samples of a 3-d Gaussian "
        f"(h(X)≈{float(hx):.3f}, h(T)≈{float(ht):.3f} nats); tolerance 4 combined "
        "standard deviations (see docstring).",
        uses=("infolens.entropy",),
    )


# --------------------------------------------------------------------------------------
# 2. MI invariance under invertible maps
# --------------------------------------------------------------------------------------
def mi_invariance(*, random_state: int = 0) -> ClaimResult:
    r"""I(g(X); Y) = I(X; Y) for an invertible g.

    On samples: (X, Y) bivariate Gaussian with ρ = 0.8 (I = −½ log(1 − ρ²) = 0.511 nats),
    n = 3000, g(x) = sinh(x) + x³ (strictly increasing, strongly non-linear); the KSG
    estimator (``infolens.mutual_information(method="ksg1")``) of I(g(X); Y) is compared
    with the closed form.  KSG is not exactly invariant under non-linear maps, but its
    error at n = 3000 and I ≈ 0.5 nats is ≈ 0.02 nats (Kraskov et al. 2004, Fig. 4;
    standard deviation ≈ 0.015); we allow 0.06 nats.

    References: Cover & Thomas (2006), §2.8; Kraskov, Stögbauer & Grassberger (2004),
    Phys. Rev. E 69, 066138.
    """
    from infolens.exact import gaussian

    rng = np.random.default_rng(random_state)
    claim = "Mutual information is unchanged by invertible deterministic maps of X."
    formula = "I(g(X);Y) = I(X;Y), g invertible"
    mi = _require(_estimator("mutual_information"), "infolens.mutual_information")
    rho, n = 0.8, 3000
    cov = np.array([[1.0, rho], [rho, 1.0]])
    xy = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    gx = np.sinh(xy[:, 0]) + xy[:, 0] ** 3
    est = mi(gx, xy[:, 1], method="ksg1")
    truth = gaussian.mutual_information(cov, 0, 1)
    return ClaimResult(
        "mi_invariance", claim, formula, float(est), truth, 0.06,
        detail=f"KSG (k=3) on n={n} samples with g(x)=sinh(x)+x³; expected is the closed "
        "form −½log(1−ρ²) for ρ=0.8 (exact.gaussian.mutual_information); tolerance ≈ 4 "
        "standard deviations of KSG at this n.",
        uses=("infolens.mutual_information", "infolens.exact.gaussian.mutual_information"),
    )


# --------------------------------------------------------------------------------------
# 3. Data processing inequality
# --------------------------------------------------------------------------------------
def data_processing(*, random_state: int = 0, trials: int = 300) -> ClaimResult:
    r"""For a Markov chain X → T → Y: I(X;Y) ≤ min(I(X;T), I(T;Y)).

    ``trials`` random chains (alphabets 2–6, Dirichlet(½) input and channel rows; small
    concentration makes nearly deterministic channels, where the inequality is tight) are
    built as 3-axis pmfs p(x)p(t|x)p(y|t) and checked with
    ``infolens.exact.discrete.mutual_information``.  Reported: the largest value of
    I(X;Y) − min(I(X;T), I(T;Y)) over all chains, which must be ≤ 0 up to round-off
    (1e-12 nats).  The conditional I(X;Y|T) = 0 of the chain is also checked in the same
    way (its largest value is given in the detail).

    References: Cover & Thomas (2006), Thm 2.8.1.
    """
    from infolens.exact import discrete

    rng = np.random.default_rng(random_state)
    worst, worst_cmi = -math.inf, 0.0
    for _ in range(trials):
        kx, kt, ky = rng.integers(2, 7, size=3)
        px = rng.dirichlet(np.full(kx, 0.5))
        ptx = rng.dirichlet(np.full(kt, 0.5), size=kx)
        pyt = rng.dirichlet(np.full(ky, 0.5), size=kt)
        p = px[:, None, None] * ptx[:, :, None] * pyt[None, :, :]
        p = p / p.sum()
        ixy = discrete.mutual_information(p, 0, 2)
        ixt = discrete.mutual_information(p, 0, 1)
        ity = discrete.mutual_information(p, 1, 2)
        worst = max(worst, ixy - min(ixt, ity))
        worst_cmi = max(worst_cmi, discrete.conditional_mutual_information(p, 0, 2, 1))
    return ClaimResult(
        "data_processing",
        "Post-processing cannot increase information: along X → T → Y, I(X;Y) ≤ I(X;T), I(T;Y).",
        "max over chains of I(X;Y) − min(I(X;T), I(T;Y)) ≤ 0",
        worst, 0.0, 1e-12, relation="≤",
        detail=f"{trials} random discrete chains, exact pmf computations; largest "
        f"I(X;Y|T) = {worst_cmi:.2e} nats (0 for a Markov chain).",
        uses=("infolens.exact.discrete.mutual_information",
              "infolens.exact.discrete.conditional_mutual_information"),
    )


# --------------------------------------------------------------------------------------
# 4. Dropout as a binary erasure channel
# --------------------------------------------------------------------------------------
def dropout_erasure(*, random_state: int = 0) -> ClaimResult:
    r"""A unit carrying Y through dropout with rate p keeps I(T;Y) = (1 − p) H(Y).

    With torch installed: a real ``torch.nn.Dropout(0.3)`` in training mode acts on a unit
    that carries a binary Y (P(Y = 1) = 0.3), n = 200,000 samples
    (``infolens.nn.dropout_information``).  Without torch: Y over 4 symbols
    (p_Y = [0.4, 0.3, 0.2, 0.1]) is erased independently with p = 0.3 in NumPy.  Either way
    I(T;Y) is the plug-in estimate (``infolens.mutual_information(method="plugin")``).
    Tolerance: plug-in bias (|T|−1)(|Y|−1)/(2n) < 4e-5 nats (Miller 1955) and standard
    deviation sqrt(Var[log p(t,y)/p(t)p(y)]/n) < 0.003 nats; we allow 0.01.

    References: Srivastava et al. (2014), JMLR 15; Cover & Thomas (2006), §7.1.5 (BEC).
    """
    from infolens.exact import discrete

    py = np.array([0.4, 0.3, 0.2, 0.1])
    p_drop = 0.3
    hy = discrete.entropy(py)
    expected = (1 - p_drop) * hy
    claim = ("Dropout acts on a unit as an erasure channel: the information it passes is "
             "(1 − p)H(Y).")
    formula = "I(T;Y) = (1 − p)·H(Y)"
    drop = _torch_nn("dropout_information")
    if drop is not None:
        n = 200_000
        res = drop(0.3, n_copies=1, prior=0.3, n_samples=n, random_state=random_state, base="e")
        return ClaimResult(
            "dropout_erasure", claim, formula, float(res.measured), float(res.expected), 0.01,
            detail=f"a real torch.nn.Dropout(p=0.3) in training mode on a unit carrying a binary "
            f"Y (P(Y=1)=0.3), n={n}; plug-in I(T;Y) against (1−p)H(Y) = {float(res.expected):.4f} "
            "nats; tolerance from the plug-in bias (~1e-5) and standard deviation (<0.003).",
            uses=("infolens.nn.dropout_information", "infolens.mutual_information"),
        )
    mi = _require(_estimator("mutual_information"), "infolens.mutual_information")
    rng = np.random.default_rng(random_state)
    n = 200_000
    y = rng.choice(4, size=n, p=py)
    keep = rng.random(n) >= p_drop
    t = np.where(keep, y, -1)
    est = mi(t, y, method="plugin")
    return ClaimResult(
        "dropout_erasure", claim, formula, float(est), expected, 0.01,
        detail=f"NumPy erasure of a 4-symbol Y (torch not installed), n={n}, p=0.3, "
        f"H(Y)={hy:.4f} nats (exact.discrete.entropy); plug-in MI; tolerance from the plug-in "
        "bias and standard deviation (see docstring).",
        uses=("infolens.mutual_information", "infolens.exact.discrete.entropy"),
    )


# --------------------------------------------------------------------------------------
# 5. Anti-aliasing trade-off
# --------------------------------------------------------------------------------------
def _circulant_filter(taps: np.ndarray, n: int) -> np.ndarray:
    """Matrix of circular convolution with centred ``taps`` on length-n signals."""
    half = len(taps) // 2
    m = np.zeros((n, n))
    for i in range(n):
        for j, w in enumerate(taps):
            m[i, (i + j - half) % n] += w
    return m


def anti_aliasing(*, random_state: int = 0) -> ClaimResult:
    r"""Low-pass filtering before stride-2 downsampling removes aliasing but discards information.

    X is a white Gaussian signal of length 32 (equal power at every frequency, so half of
    it lies above the new Nyquist frequency), the representation is
    T = S F X + N(0, σ² I) with S the stride-2 subsampler, σ² = 0.1, and F either the
    identity (plain striding) or the binomial filter [1, 4, 6, 4, 1]/16 (BlurPool order 5,
    Zhang 2019).  Two facts are computed:

    * the aliased fraction of the signal power that reaches T: the power of the frequency
      components above π/2 after filtering, divided by the total power after filtering
      (computed from the filter's frequency response); and
    * I(X;T) in closed form from the joint covariance (``infolens.exact.gaussian.
      mutual_information``).

    With torch installed both come from ``infolens.nn.aliasing_tradeoff`` (BlurPool's
    filters); without torch, from the filter's FFT here and ``infolens.exact.gaussian``.
    The claim holds when the filter lowers the aliased fraction *and* lowers I(X;T).  The
    record reports I(X;T) with the filter (measured) against I(X;T) without (expected,
    relation ≤); if the aliased fraction did not fall, the measured value is replaced by
    +inf so the record fails, and the detail says why.

    References: Zhang (2019), "Making convolutional networks shift-invariant again", ICML;
    Oppenheim & Schafer, Discrete-Time Signal Processing, §4.6.
    """
    from infolens.exact import gaussian

    n, sigma2 = 32, 0.1
    tradeoff = _torch_nn("aliasing_tradeoff")
    if tradeoff is not None:
        rows = tradeoff((1, 5), n=n, stride=2, noise_var=sigma2, base="e")
        a_plain, i_plain = rows[0]["aliased_fraction"], rows[0]["information"]
        a_blur, i_blur = rows[1]["aliased_fraction"], rows[1]["information"]
        return ClaimResult(
            "anti_aliasing",
            "An anti-aliasing low-pass filter before striding removes aliasing but discards "
            "information.",
            "aliased(blur) < aliased(plain) and I(X;T_blur) ≤ I(X;T_plain)",
            i_blur if a_blur < a_plain else math.inf, i_plain, 0.0, relation="≤",
            detail=f"infolens.nn.aliasing_tradeoff: white Gaussian signal, length {n}, stride 2, "
            f"noise σ²={sigma2}; aliased power fraction {a_plain:.3f} without filter, "
            f"{a_blur:.4f} with the binomial-5 (BlurPool) filter; Nyquist response "
            f"{rows[1]['nyquist_response']:.3g}.",
            uses=("infolens.nn.aliasing_tradeoff",),
        )
    taps = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
    s = np.zeros((n // 2, n))
    s[np.arange(n // 2), 2 * np.arange(n // 2)] = 1.0
    omega = 2 * np.pi * np.fft.fftfreq(n)
    high = np.abs(omega) > np.pi / 2
    results = {}
    for label, f in (("plain", np.eye(n)), ("blur", _circulant_filter(taps, n))):
        resp = np.abs(np.fft.fft(f[0])) ** 2  # |frequency response|² of the (symmetric) filter
        aliased = float(resp[high].sum() / resp.sum())
        m = s @ f
        # joint covariance of (X, T): Cov X = I, Cov T = M Mᵀ + σ² I, Cov(X, T) = Mᵀ
        joint = np.block([[np.eye(n), m.T], [m, m @ m.T + sigma2 * np.eye(n // 2)]])
        mi = gaussian.mutual_information(joint, list(range(n)), list(range(n, n + n // 2)))
        results[label] = (aliased, mi)
    (a_plain, i_plain), (a_blur, i_blur) = results["plain"], results["blur"]
    measured = i_blur if a_blur < a_plain else math.inf
    return ClaimResult(
        "anti_aliasing",
        "An anti-aliasing low-pass filter before striding removes aliasing but discards "
        "information.",
        "aliased(blur) < aliased(plain) and I(X;T_blur) ≤ I(X;T_plain)",
        measured, i_plain, 0.0, relation="≤",
        detail=f"white Gaussian signal, length {n}, stride 2, noise σ²={sigma2}; aliased power "
        f"fraction {a_plain:.3f} without filter, {a_blur:.4f} with binomial-5 filter; I(X;T) "
        "from exact.gaussian.mutual_information on the joint covariance.",
        uses=("infolens.exact.gaussian.mutual_information",),
    )


# --------------------------------------------------------------------------------------
# 6. Sufficient statistic in the linear-Gaussian case
# --------------------------------------------------------------------------------------
def sufficient_statistic(*, random_state: int = 0) -> ClaimResult:
    r"""For Y = uᵀX + ε with Gaussian X, the projection uᵀX keeps all of I(X;Y).

    X ~ N(0, Σ) in 5 dimensions, ε ~ N(0, 0.5); the joint covariance of (X, uᵀX, vᵀX, Y)
    is formed exactly and ``infolens.exact.gaussian.mutual_information`` gives I(X;Y),
    I(uᵀX;Y) and, for contrast, I(vᵀX;Y) for a random direction v (strictly smaller,
    shown in the detail).  Tolerance: both sides are log-determinants of well-conditioned
    matrices (condition number < 1e3), equal to ~1e-12; we allow 1e-9.

    References: Cover & Thomas (2006), §2.9; Fisher–Neyman factorisation.
    """
    from infolens.exact import gaussian

    rng = np.random.default_rng(random_state)
    d = 5
    m = rng.normal(size=(d, d))
    cov_x = m @ m.T + np.eye(d)
    u = rng.normal(size=d)
    v = rng.normal(size=d)
    noise = 0.5
    # variables: X (0..d-1), uᵀX (d), vᵀX (d+1), Y (d+2); all linear in (X, ε)
    lin = np.zeros((d + 3, d + 1))
    lin[:d, :d] = np.eye(d)
    lin[d, :d] = u
    lin[d + 1, :d] = v
    lin[d + 2, :d] = u
    lin[d + 2, d] = 1.0
    base_cov = np.zeros((d + 1, d + 1))
    base_cov[:d, :d] = cov_x
    base_cov[d, d] = noise
    joint = lin @ base_cov @ lin.T
    # the full joint is singular (uᵀX is a function of X): use the relevant sub-blocks only
    idx_x, idx_u, idx_v, idx_y = list(range(d)), [d], [d + 1], [d + 2]
    sub = idx_x + idx_y
    i_xy = gaussian.mutual_information(joint[np.ix_(sub, sub)], list(range(d)), [d])
    uy = idx_u + idx_y
    i_uy = gaussian.mutual_information(joint[np.ix_(uy, uy)], 0, 1)
    vy = idx_v + idx_y
    i_vy = gaussian.mutual_information(joint[np.ix_(vy, vy)], 0, 1)
    return ClaimResult(
        "sufficient_statistic",
        "In the linear-Gaussian model Y = uᵀX + ε the projection uᵀX is a sufficient statistic.",
        "I(uᵀX;Y) = I(X;Y)",
        i_uy, i_xy, 1e-9,
        detail=f"exact Gaussian MI in 5 dimensions; a random projection keeps only "
        f"I(vᵀX;Y)={i_vy:.4f} of I(X;Y)={i_xy:.4f} nats.",
        uses=("infolens.exact.gaussian.mutual_information",),
    )


# --------------------------------------------------------------------------------------
# 7. Forward versus reverse KL
# --------------------------------------------------------------------------------------
def forward_reverse_kl(*, random_state: int = 0) -> ClaimResult:
    r"""Fitting one Gaussian to a bimodal target: forward KL covers, reverse KL seeks a mode.

    Target p = ½ N(−3, 1) + ½ N(3, 1).  The forward fit (minimising KL(p‖q)) must centre
    between the modes (mean 0 by symmetry, variance 10 = moment matching); the reverse fit
    (minimising KL(q‖p)) must sit on one mode (|mean| ≈ 3; the far mode's tail pulls the
    reverse optimum inwards by a few hundredths at separation 6).  Measured:
    |μ_reverse| − |μ_forward|; expected 3, tolerance 0.15 (the two fits' own errors).

    Both fits come from ``infolens.bounds.fit_gaussian`` given the target's log-density:
    forward by moment matching on a grid, reverse by reparameterised optimisation with
    restarts.

    References: Bishop (2006), PRML §10.1.2, Fig. 10.3; Minka (2005), "Divergence measures
    and message passing".
    """
    claim = "Forward KL(p‖q) is mode-covering; reverse KL(q‖p) is mode-seeking."
    formula = "|μ_rev| − |μ_fwd| ≈ mode distance (3)"
    fit = _require(_find("fit_gaussian", *_BOUNDS), "infolens.bounds.fit_gaussian")

    def log_p(z: np.ndarray) -> np.ndarray:  # log of ½N(−3,1) + ½N(3,1), up to a constant
        z = np.asarray(z, dtype=float).reshape(-1)
        return np.logaddexp(-0.5 * (z + 3.0) ** 2, -0.5 * (z - 3.0) ** 2)

    fwd = fit(log_p, divergence="forward", grid=(-12.0, 12.0))
    rev = fit(log_p, divergence="reverse", random_state=random_state)
    mu_f = float(np.ravel(fwd.mean)[0])
    mu_r = float(np.ravel(rev.mean)[0])
    how = "infolens.bounds.fit_gaussian on the target's log-density"
    uses = ("infolens.bounds.fit_gaussian",)
    return ClaimResult(
        "forward_reverse_kl", claim, formula, abs(mu_r) - abs(mu_f), 3.0, 0.15,
        detail=f"target ½N(−3,1)+½N(3,1); forward fit mean {mu_f:.3f}, reverse fit mean "
        f"{mu_r:.3f} ({how}).",
        uses=uses, unit="",
    )


# --------------------------------------------------------------------------------------
# 8. IB recovers the minimal sufficient statistic (linear-Gaussian)
# --------------------------------------------------------------------------------------
def ib_minimal_sufficient(*, random_state: int = 0) -> ClaimResult:
    r"""The Gaussian IB projection for Y = uᵀX + ε is proportional to uᵀX.

    For scalar Y, Σ_{x|y} Σ_x⁻¹ = I − Σ_x u uᵀ/(uᵀΣ_x u + σ²) has one eigenvalue below 1,
    with left eigenvector u, so the optimal IB projection (Chechik et al. 2005) past the
    critical β is a multiple of uᵀX.  Measured: |cos| of the angle between the projection
    row returned by ``infolens.ib.gaussian`` at β = 10·β_c and u; expected 1, tolerance
    1e-6 (eigenvector round-off for a 4×4 well-conditioned problem).

    References: Chechik, Globerson, Tishby & Weiss (2005), JMLR 6, 165–188.
    """
    gib = _attr("infolens.ib", "gaussian")
    if gib is None:
        raise _missing("infolens.ib.gaussian (the Gaussian information bottleneck)")
    rng = np.random.default_rng(random_state)
    d = 4
    m = rng.normal(size=(d, d))
    cov_x = m @ m.T + np.eye(d)
    u = rng.normal(size=d)
    noise = 0.5
    cov_xy = (cov_x @ u).reshape(d, 1)
    cov_y = np.array([[u @ cov_x @ u + noise]])
    lam = noise / (u @ cov_x @ u + noise)
    beta_c = 1.0 / (1.0 - lam)
    res = gib(cov_x, cov_xy, cov_y, beta=10 * beta_c)
    a = np.atleast_2d(np.asarray(res.projection, dtype=float))
    rows = a[np.linalg.norm(a, axis=1) > 1e-12]
    if rows.shape[0] != 1:
        cos = math.inf
    else:
        w = rows[0]
        cos = float(abs(w @ u) / (np.linalg.norm(w) * np.linalg.norm(u)))
    return ClaimResult(
        "ib_minimal_sufficient",
        "In the linear-Gaussian case the IB optimum recovers the minimal sufficient statistic uᵀX.",
        "|cos∠(A(β), u)| = 1 for β > β_c",
        cos, 1.0, 1e-6, unit="",
        detail=f"infolens.ib.gaussian at β = 10·β_c = {10 * beta_c:.3f}; one non-zero "
        "projection row expected.",
        uses=("infolens.ib.gaussian",),
    )


# --------------------------------------------------------------------------------------
# 9. PAC-Bayes bound
# --------------------------------------------------------------------------------------
def pac_bayes(*, random_state: int = 0, repeats: int = 400) -> ClaimResult:
    r"""The PAC-Bayes bound holds with probability ≥ 1 − δ over the draw of the training set.

    A finite class of 41 threshold classifiers h_c(x) = 1[x > c] on X ~ U(0, 1) with labels
    Y = 1[X > 0.5] flipped with probability 0.1, so every classifier's true risk is known
    exactly: L(c) = 0.1 + 0.8|c − 0.5|.  Prior: uniform over the class.  For each of
    ``repeats`` training sets of N = 200 the posterior is the Gibbs posterior
    q ∝ p·exp(−λ N L̂) with λ = 1 (data dependent — allowed, the bound holds for every q
    simultaneously), KL(q‖p) is computed with ``infolens.exact.discrete.kl_divergence`` and
    the bound with ``infolens.bounds.kl_bound`` (Seeger/Maurer kl form, which is tighter
    than the source text's square-root form).  Measured: the fraction of training sets on
    which the true risk L(q) exceeds the bound; expected ≤ δ = 0.05.  Tolerance: the
    binomial standard deviation of that fraction, sqrt(δ(1−δ)/repeats) ≈ 0.011, times 2.

    References: McAllester (1999); Seeger (2002); Maurer (2004).
    """
    from infolens.exact import discrete

    rng = np.random.default_rng(random_state)
    cs = np.linspace(0.0, 1.0, 41)
    true_risk = 0.1 + 0.8 * np.abs(cs - 0.5)
    prior = np.full(cs.size, 1.0 / cs.size)
    n, delta = 200, 0.05
    bound_fn = _require(_find("kl_bound", *_BOUNDS), "infolens.bounds.kl_bound")
    violations, bounds, gaps = 0, [], []
    for _ in range(repeats):
        x = rng.random(n)
        y = (x > 0.5) ^ (rng.random(n) < 0.1)
        emp = ((x[None, :] > cs[:, None]) != y[None, :]).mean(axis=1)
        logits = np.log(prior) - n * emp
        q = np.exp(logits - logits.max())
        q /= q.sum()
        kl = discrete.kl_divergence(q, prior)
        emp_q = float(q @ emp)
        b = float(bound_fn(emp_q, kl, n, delta=delta))
        risk_q = float(q @ true_risk)
        violations += risk_q > b
        bounds.append(b)
        gaps.append(b - risk_q)
    frac = violations / repeats
    tol = 2 * math.sqrt(delta * (1 - delta) / repeats)
    how = "infolens.bounds.kl_bound (Seeger/Maurer)"
    uses = ("infolens.exact.discrete.kl_divergence", "infolens.bounds.kl_bound")
    return ClaimResult(
        "pac_bayes",
        "With probability ≥ 1 − δ, the true risk of the posterior is below the PAC-Bayes bound.",
        "P[L(q) > bound] ≤ δ",
        frac, delta, tol, relation="≤", unit="",
        detail=f"{repeats} training sets of N={n}, 41 threshold classifiers, Gibbs posterior; "
        f"{how}; median bound {np.median(bounds):.3f}, median slack {np.median(gaps):.3f}.",
        uses=uses,
    )


# --------------------------------------------------------------------------------------
# 10. Fano's inequality
# --------------------------------------------------------------------------------------
def fano(*, random_state: int = 0, trials: int = 300) -> ClaimResult:
    r"""Fano: H(Y|X) ≤ h(P_e) + P_e log(M − 1), so no classifier's error is below the bound.

    ``trials`` random joint pmfs of X (2–10 symbols) and Y (M = 2–4 classes).  The Bayes
    error P_e = 1 − Σ_x max_y p(x, y) is the lowest error of any classifier.  The Fano lower
    bound is ``infolens.bounds.fano_lower_bound`` at H(Y|X)
    (``infolens.exact.discrete.conditional_entropy``).  Measured: the smallest value of
    P_e − bound over all trials, which must be ≥ 0 (tolerance 1e-12: round-off of the
    inverse).

    References: Fano (1961); Cover & Thomas (2006), Thm 2.10.1.
    """
    from infolens.exact import discrete

    rng = np.random.default_rng(random_state)
    fano_fn = _require(_find("fano_lower_bound", *_BOUNDS), "infolens.bounds.fano_lower_bound")
    worst, tight = math.inf, math.inf
    for _ in range(trials):
        kx = int(rng.integers(2, 11))
        m = int(rng.integers(2, 5))  # M-ary form: H(Y|X) <= h(Pe) + Pe log(M-1)
        p = rng.dirichlet(np.full(m * kx, 0.7)).reshape(kx, m)
        pe = float(1.0 - p.max(axis=1).sum())
        hyx = discrete.conditional_entropy(p, 1, 0)
        bound = float(fano_fn(conditional_entropy=hyx, n_classes=m))
        worst = min(worst, pe - bound)
        tight = min(tight, pe)
    uses = ("infolens.exact.discrete.conditional_entropy", "infolens.bounds.fano_lower_bound")
    return ClaimResult(
        "fano",
        "No classifier can beat Fano's limit on the error probability set by H(Y|X).",
        "min over pmfs of P_e − Fano bound ≥ 0",
        worst, 0.0, 1e-12, relation="≥", unit="",
        detail=f"{trials} random pmfs with M = 2–4 classes; bound from "
        "infolens.bounds.fano_lower_bound.",
        uses=uses,
    )


# --------------------------------------------------------------------------------------
# 11. XOR synergy
# --------------------------------------------------------------------------------------
def xor_synergy(*, random_state: int = 0) -> ClaimResult:
    r"""Y = T₁ ⊕ T₂: each input alone carries 0 bits about Y, together 1 bit — pure synergy.

    On the exact XOR pmf, ``infolens.pid.decompose`` is run with the two-source redundancy
    measures I_min, I_MMI, I_BROJA and I_ccs; each must put the whole bit into the synergy
    atom.  (I_sx is left out on purpose: the shared-exclusion measure gives XOR a negative
    redundancy log2(2/3) and synergy 2 − log2 3, a known property of that measure — Makkeh,
    Gutknecht & Wibral 2021 — so "pure synergy" is a statement about the other measures.)  Measured: the synergy atom farthest from 1 bit.  The record
    also requires I(T_i;Y) = 0 and the co-information −1 bit
    (``infolens.exact.discrete.interaction_information``); otherwise it fails.
    Tolerance 1e-9 bits (BROJA is a convex program solved to ~1e-10; the others are exact
    arithmetic on a 2×2×2 pmf).

    References: Williams & Beer (2010), arXiv:1004.2515; Bertschinger et al. (2014);
    Ince (2017); Makkeh, Gutknecht & Wibral (2021); Bell (2003).
    """
    from infolens.exact import discrete

    decompose = _require(_find("decompose", "infolens.pid", "infolens.pid.decompose"),
                         "infolens.pid.decompose")
    p = np.zeros((2, 2, 2))
    for a in range(2):
        for b in range(2):
            p[a, b, a ^ b] = 0.25
    single = max(discrete.mutual_information(p, 0, 2, base=2),
                 discrete.mutual_information(p, 1, 2, base=2))
    coinfo = discrete.interaction_information(p, base=2)
    measures = ("imin", "mmi", "broja", "ccs")
    syn = {m: float(decompose(p, sources=[0, 1], target=2, measure=m, base=2).synergy)
           for m in measures}
    worst = max(syn.values(), key=lambda v: abs(v - 1.0))
    consistent = single <= 1e-12 and abs(coinfo + 1.0) <= 1e-12
    return ClaimResult(
        "xor_synergy",
        "For Y = T₁ ⊕ T₂ neither input alone tells anything about Y; together they determine it.",
        "synergy(T₁,T₂→Y) = 1 bit, I(Tᵢ;Y) = 0",
        worst if consistent else math.inf, 1.0, 1e-9, unit="bits",
        detail=f"exact XOR pmf; max single-source MI {single:.1e} bits, co-information "
        f"{coinfo:.4f} bits; synergy atom per measure: "
        + ", ".join(f"{m} {v:.6f}" for m, v in syn.items()) + ".",
        uses=("infolens.pid.decompose", "infolens.exact.discrete.mutual_information",
              "infolens.exact.discrete.interaction_information"),
    )


CLAIMS: dict[str, Callable[..., ClaimResult]] = {
    "affine_entropy": affine_entropy,
    "mi_invariance": mi_invariance,
    "data_processing": data_processing,
    "dropout_erasure": dropout_erasure,
    "anti_aliasing": anti_aliasing,
    "sufficient_statistic": sufficient_statistic,
    "forward_reverse_kl": forward_reverse_kl,
    "ib_minimal_sufficient": ib_minimal_sufficient,
    "pac_bayes": pac_bayes,
    "fano": fano,
    "xor_synergy": xor_synergy,
}
