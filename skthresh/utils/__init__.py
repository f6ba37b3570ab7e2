"""Utilities for users and developers of threshold strategies."""

from skthresh.utils.estimator_checks import check_strategy

__all__ = ["check_strategy"]
