r"""Reproduce the arithmetic of published PAC-Bayes certificates from their reported inputs.

Only Dziugaite & Roy (2017) is covered; see "Not covered" at the end for the other papers.

Paper
-----
G. K. Dziugaite and D. M. Roy, "Computing nonvacuous generalization bounds for deep
(stochastic) neural networks with many more parameters than training data", UAI 2017
(arXiv:1703.11008), Table 1 ("T-" rows: true labels; "R-600": random labels).

Where every number came from (everything was read through the project's search tool;
nothing is recalled from memory)
-----------------------------------------------------------------------------------------
* Table 1 rows (SNN train error, KL(Q||P) in nats, PAC-Bayes bound).  The paper's own
  text was not reachable: the stored copies of the paper (e.g. the page
  huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1) are only searchable from their
  beginning, which stops before Table 1.  The values were read instead from the
  ``PAPER_VALUES`` dictionary of ``experiments/run_experiments.py`` in a third-party
  PyTorch port of the authors' code.  The tool showed that file (index id 70075213073)
  and its README, which calls the script "Table 1 Reproduction", but not the
  repository's name.  So this is a secondary source.  Four of its six true-label rows
  reproduce to the published three decimals below (and so does R-600, once its meaning
  is worked out).  That is strong internal evidence that these rows were copied
  correctly, but it is not a check against the paper itself.  Table 1 page number: not
  seen.
* The form of the bound and its constants come from the authors' code
  (github.com/gkdziugaite/pacbayes-opt, ``snn/core/network.py``,
  ``Network.evaluate_SNN_accuracy`` and ``__init__``; ``snn/core/extra_fn.py``,
  ``approximate_BPAC_bound``):

  - ``deltaPAC = 0.025``, prior-variance grid ``b = 100`` (``log_prior_std_precision``)
    and ``c = 0.1`` (``log_prior_std_base``);
  - ``Bquad = KL + log(pi**2 * m / (6 * deltaPAC)) + 2 * log(j)`` with
    ``m = X.shape[0]`` (the training-set size) and ``j`` the integer grid index of the
    prior variance, lambda = c * exp(-j / b);
  - the certificate solves ``kl(q || p) = 2 * B**2 = Bquad / (m - 1)`` for the upper root
    ``p`` (``approximate_BPAC_bound`` runs Newton's method on that equation), where ``q``
    is the SNN training error;
  - the script prints "Results with delta = deltaPAC + 0.01", i.e. a further
    delta' = 0.01 is spent on the Monte-Carlo estimate of the SNN error.

  The same form, with the paper's equation and section numbers, is written out in the
  independent reproduction github.com/GustavMH/pacbayes-opt, ``pacbayes/bounds.py``
  (``bre``: "Eq. (5)"; delta = 0.025 "Sec. 3.1", delta' = 0.01 "Sec. 4.4", b = 100 and
  c = 0.1 "Sec. 3.1").  Its ``pacbayes/evaluate.py`` uses 150000 weight samples
  ("Sec. 4.4").  It treats the Table-1 "SNN train error" as the Chernoff upper bound
  kl^{-1}(q_hat, ln(2/delta')/m_mc) on the Monte-Carlo estimate, which then enters
  Eq. (6).  Its ``pacbayes/data.py`` gives n = 55000 training images ("Sec. 4.1").

So the certificate is computed here as

    q   = Table-1 SNN train error (already the Monte-Carlo upper bound, delta' = 0.01),
    B   = (KL + ln(pi^2 n / (6 delta)) + 2 ln j) / (n - 1),  n = 55000,  delta = 0.025,
    bound = kl^{-1}_+(q, B)   [infolens.bounds.kl_inv_upper].

infolens has no function with this exact constant.  ``kl_bound`` uses Maurer's
``(KL + ln(2 sqrt(n)/delta)) / n`` and ``classic_bound`` uses ``ln(n/delta)/(n-1)`` under a
square root.  So the budget is assembled in this module and only the inversion, plus the
Monte-Carlo step in the control test, come from the library.

Tolerance (half a unit in the last published digit, propagated)
---------------------------------------------------------------
Table 1 prints q and the bound with three decimals and KL as an integer.  So the
unrounded values satisfy |q* - q| <= 5e-4, |KL* - KL| <= 0.5 and
|bound* - bound| <= 5e-4.  The grid index j is not printed.  It is allowed anywhere in
1..1000 (lambda = 0.1 * exp(-j/100) between 0.099 and 4.5e-6), so 2 ln j lies in
[0, 2 ln 1000] = [0, 13.8] nats.  kl^{-1}_+(q, B) is nondecreasing in q and in B, and B
is increasing in KL and j.  So the certificates consistent with the printed inputs fill
exactly the interval [lo, hi] with

    lo = kl^{-1}_+(q - 5e-4, B(KL - 0.5, j = 1)),  hi = kl^{-1}_+(q + 5e-4, B(KL + 0.5, j = 1000)).

A row is reproduced iff [lo, hi] meets [bound - 5e-4, bound + 5e-4].  The bisection in
``kl_inv_upper`` is exact to about 1e-16, which does not matter at this scale.  The
interval is about 2.2e-3 wide.  The control tests below show it is narrow enough to
reject the wrong n or a double-counted Monte-Carlo step.

Rows (published vs computed interval, this module's numbers)
------------------------------------------------------------
=========  ======  ======  ==========  =====================
row        q       KL      published   computed [lo, hi]
=========  ======  ======  ==========  =====================
T-600      0.028   5144    0.161       [0.15978, 0.16198]
T-300^2    0.027   5791    0.170       [0.16957, 0.17181]
T-600^2    0.028   6534    0.186       [0.18468, 0.18692]
T-1200^2   0.029   8558    0.223       [0.22074, 0.22300]
R-600      0.112   201131  1.352 (*)   sqrt(B/2) in [1.35227, 1.35232]
=========  ======  ======  ==========  =====================

(*) R-600's printed "bound" exceeds 1, so it cannot be a kl-inverted risk bound (those
are < 1).  It equals, to all four printed digits, the square-root term
B_sqrt = sqrt(Bquad / (2 (m - 1))).  That is the quantity the authors' code prints as
"Gen bound" (``B_val``) next to the kl-inverted "PAC bound error" (``bpac``).  So for R-600
the table reports the McAllester-style gap term.  The kl-inverted bound for the same
inputs is 0.989.  This explanation is inferred from the arithmetic and the code; the
paper's text was not seen.

Left out (published number not reproducible from the inputs as found, no explanation):
T-1200 (q = 0.027, KL = 5977, published 0.179; computed [0.1729, 0.1751]) and
T-600^3 (q = 0.027, KL = 7861, published 0.201; computed [0.2052, 0.2075]).
The 0.179 would need KL about 6266 and the 0.201 would need KL about 7547.  No digit
slip explains either, and the secondary source may have mis-copied them.

Not covered
-----------
Pérez-Ortiz, Rivasplata, Shawe-Taylor & Szepesvári, "Tighter risk certificates for
neural networks", JMLR 22 (2021): the tables (KL/n, empirical 0-1 risk on the bound set,
certificate) could not be found through the tool.  Only secondary quotes of a few
certificates and test errors were found (e.g. 0.0279 for the MNIST FCN f_quad
learnt-prior cell, in github.com/marcycn/pacbayes-cert
``paper/muthesis/generated/reproduction_table.tex``), never with their KL and empirical
risk.  So no row can be built for it.  Zhou et al. (2019) and Lotfi et al. (2022) were not
pinned down with all of their inputs either.
"""

from __future__ import annotations

import math

import pytest

from infolens.bounds import kl_inv_upper, mc_sampling_bound

# --- Dziugaite & Roy (2017) setup (sources: module docstring) ------------------------
N_TRAIN = 55_000  # binary MNIST training set (GustavMH pacbayes/data.py, "Sec. 4.1")
DELTA = 0.025  # PAC-Bayes step (pacbayes-opt network.py deltaPAC; "Sec. 3.1")
DELTA_MC = 0.01  # Monte-Carlo step (network.py "deltaPAC + 0.01"; "Sec. 4.4")
M_MC = 150_000  # weight samples for the SNN error ("Sec. 4.4", GustavMH evaluate.py)
J_MAX = 1000  # largest prior-variance grid index allowed for the unprinted j

HALF_UNIT_3DP = 5e-4  # half a unit in the 3rd decimal (q and the bound)
HALF_UNIT_INT = 0.5  # half a unit for the KL printed as an integer


def dr17_budget(kl: float, two_ln_j: float, n: int = N_TRAIN, delta: float = DELTA) -> float:
    """Right-hand side of D&R's kl bound: (KL + 2 ln j + ln(pi^2 n / (6 delta))) / (n - 1)."""
    return (kl + two_ln_j + math.log(math.pi**2 * n / (6.0 * delta))) / (n - 1)


def dr17_interval(q: float, kl: float, n: int = N_TRAIN) -> tuple[float, float]:
    """Certificates consistent with Table-1 inputs printed to 3 decimals (q) and integers (KL).

    Monotonicity of kl_inv_upper in both arguments puts the extremes at the corners
    (see the module docstring); the interior point is checked to lie between them.
    """
    lo = kl_inv_upper(q - HALF_UNIT_3DP, dr17_budget(kl - HALF_UNIT_INT, 0.0, n))
    hi = kl_inv_upper(q + HALF_UNIT_3DP, dr17_budget(kl + HALF_UNIT_INT, 2 * math.log(J_MAX), n))
    mid = kl_inv_upper(q, dr17_budget(kl, 2 * math.log(30), n))
    assert lo <= mid <= hi
    return lo, hi


def overlaps(lo: float, hi: float, published: float) -> bool:
    """Does [lo, hi] meet the rounding interval of a number printed to 3 decimals?"""
    return lo <= published + HALF_UNIT_3DP and hi >= published - HALF_UNIT_3DP


# Table 1 of Dziugaite & Roy (2017): (SNN train error, KL in nats, PAC-Bayes bound).
# Values via experiments/run_experiments.py PAPER_VALUES (search-index id 70075213073).
DR17_ROWS = {
    "T-600": (0.028, 5144.0, 0.161),  # Table 1, column T-600
    "T-300^2": (0.027, 5791.0, 0.170),  # Table 1, column T-300^2
    "T-600^2": (0.028, 6534.0, 0.186),  # Table 1, column T-600^2
    "T-1200^2": (0.029, 8558.0, 0.223),  # Table 1, column T-1200^2
}


@pytest.mark.parametrize("row", sorted(DR17_ROWS))
def test_dziugaite_roy_2017_table1_rows(row):
    q, kl, published = DR17_ROWS[row]
    lo, hi = dr17_interval(q, kl)
    assert overlaps(lo, hi, published), (row, lo, hi, published)
    # the propagated interval stays narrow: about 2.2e-3 (d bound / d q is about 1.9; KL and j add ~2e-4)
    assert hi - lo < 3e-3


def test_dziugaite_roy_2017_t600_is_not_reproduced_with_a_second_monte_carlo_step():
    # If Table 1's SNN train error were the raw Monte-Carlo mean, the certificate would first
    # pass it through kl^{-1}(., ln(2/delta')/m_mc) (Langford & Caruana; infolens
    # mc_sampling_bound), which adds ~2.6e-3 here; the lower end then exceeds the published
    # rounding interval, so the table's q must already be that upper bound.
    q, kl, published = DR17_ROWS["T-600"]
    q_up = mc_sampling_bound(q - HALF_UNIT_3DP, M_MC, delta=DELTA_MC).value
    lo = kl_inv_upper(q_up, dr17_budget(kl - HALF_UNIT_INT, 0.0))
    assert lo > published + HALF_UNIT_3DP


def test_dziugaite_roy_2017_t600_needs_the_training_set_size():
    # n is the number of examples the bound sees (55000 after TF's 5000-image validation
    # split); counting all 60000 MNIST training images would give a certificate below the
    # published one (upper end 0.154 < 0.1605).
    q, kl, published = DR17_ROWS["T-600"]
    _, hi = dr17_interval(q, kl, n=60_000)
    assert hi < published - HALF_UNIT_3DP


def test_dziugaite_roy_2017_r600_entry_is_the_square_root_gap_term():
    # Table 1, column R-600 (random labels): SNN train error 0.112, KL 201131, printed
    # "PAC-Bayes bound" 1.352 > 1.  The authors' code prints B = sqrt(Bquad / (2 (m - 1)))
    # as "Gen bound"; that term reproduces the printed value, while the kl-inverted risk
    # bound for the same inputs is below 1 (so it cannot be the printed entry).
    q, kl, published = 0.112, 201131.0, 1.352
    lo = math.sqrt(dr17_budget(kl - HALF_UNIT_INT, 0.0) / 2.0)
    hi = math.sqrt(dr17_budget(kl + HALF_UNIT_INT, 2 * math.log(J_MAX)) / 2.0)
    assert overlaps(lo, hi, published), (lo, hi)
    kl_bound_hi = kl_inv_upper(
        q + HALF_UNIT_3DP, dr17_budget(kl + HALF_UNIT_INT, 2 * math.log(J_MAX))
    )
    assert 0.98 < kl_bound_hi < 1.0
