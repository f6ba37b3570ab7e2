"""Utilities for users and developers of threshold strategies."""

# ``check_strategy`` is loaded on first use: the strategies it checks sit
# above ``skthresh.metrics``, which imports ``utils._sklearn_compat`` (a
# primitive), so importing this package must not import the strategies.
__all__ = ["check_strategy"]


def __getattr__(name):
    if name == "check_strategy":
        from skthresh.utils.estimator_checks import check_strategy

        return check_strategy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
