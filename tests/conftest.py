"""Hypothesis profiles: bounded by default, "ci" via HYPOTHESIS_PROFILE=ci."""

import os

from hypothesis import settings

# No example database: several people run the tests in one working tree.
settings.register_profile("dev", max_examples=40, deadline=None, database=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, database=None, derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
