"""Reproduce the arithmetic of a published PAC-Bayes certificate from its reported inputs.

Dziugaite & Roy (2017), "Computing nonvacuous generalization bounds for deep (stochastic)
neural networks with many more parameters than training data", UAI, Table 1, network
T-600 on binary MNIST: training set n = 55000, confidence delta = 0.025, stochastic
network training error 0.028, KL(Q||P) = 5144 nats, reported PAC-Bayes bound 0.161.
Their bound is the Langford-Seeger kl bound kl(e_hat || e) <= (KL + ln(n/delta)) / (n - 1).
The table reports three decimals, so the tolerance is the rounding half-width 5e-4.
"""

import math

import pytest

from infolens.bounds import kl_bound, kl_inv_upper


def test_dziugaite_roy_2017_t600():
    n, delta, emp, kl = 55000, 0.025, 0.028, 5144.0
    langford_seeger = kl_inv_upper(emp, (kl + math.log(n / delta)) / (n - 1))
    assert langford_seeger == pytest.approx(0.161, abs=5e-4)
    # Maurer's constant ln(2 sqrt(n)/delta)/n gives the same three decimals here
    assert kl_bound(emp, kl, n, delta=delta).value == pytest.approx(0.161, abs=5e-4)
