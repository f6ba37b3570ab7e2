"""Registered strategies with small budgets, for the tests that loop over them.

Not a test module: the test files import it (``from _strategies import ...``)
from ``tests/``, which pytest's default ``prepend`` import mode puts on
``sys.path`` (``tests/`` is not a package).
"""

from skthresh.strategies import get_strategy

# Small budgets, so that every strategy fits in milliseconds, on the problems
# of a hypothesis example as on the persistence and robustness data.
FAST = {
    "coordinate": {"max_iter": 20},
    "grid": {"n_points": 5, "n_refinements": 1, "n_passes": 2},
    "heuristic": {"n_restarts": 2, "n_steps": 30, "random_state": 0},
    "numerical": {"max_iter": 20},
    "surrogate": {"max_iter": 20},
}

# What a strategy registered after the table was written gets, where it has
# the parameter: a fixed seed and a small budget.
_LATER = {"random_state": 0, "max_iter": 20}


def fast_params(name):
    """The parameters ``make_strategy(name)`` sets on the registered strategy."""
    if name in FAST:
        return dict(FAST[name])
    params = get_strategy(name).get_params(deep=False)
    return {key: value for key, value in _LATER.items() if key in params}


def make_strategy(name):
    """A fresh registered strategy with small budgets and a fixed seed."""
    return get_strategy(name, **fast_params(name))
