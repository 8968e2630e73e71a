"""The Examples in infolens.verify and infolens.report run as doctests."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["infolens.verify", "infolens.verify.record",
                                  "infolens.report.render"])
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0 and result.attempted > 0
