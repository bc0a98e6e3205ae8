"""Hypothesis keeps its caches in the ignored test cache, not in the checkout."""

from hypothesis.configuration import set_hypothesis_home_dir

from tests.conftest import TEST_CACHE

set_hypothesis_home_dir(TEST_CACHE / "hypothesis")
