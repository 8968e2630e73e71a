"""Shared test fixtures."""

import os

import numpy as np
import pytest
from hypothesis import settings

# `make test` draws the same Hypothesis examples on every machine, so that CI fails on a
# change, never on the draw.  HYPOTHESIS_PROFILE=explore draws fresh examples each run
# (run it when changing a property-tested function; fix what it finds, and add the
# falsifying example as a plain test).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
