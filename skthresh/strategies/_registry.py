"""Registry of threshold strategies by name."""

from sklearn.base import clone

from skthresh.strategies._base import BaseThresholdStrategy

_REGISTRY = {}


def register_strategy(name, strategy_class, *, overwrite=False):
    """Make a strategy class available by name.

    Parameters
    ----------
    name : str
        The name users pass as ``strategy=``.
    strategy_class : type
        A subclass of :class:`BaseThresholdStrategy` whose constructor needs
        no argument.
    overwrite : bool, default=False
        Whether an existing name may be replaced.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.strategies import BaseThresholdStrategy, register_strategy
    >>> class Median(BaseThresholdStrategy):
    ...     def _optimize(self, Y, S, metric):
    ...         return np.median(S, axis=0)
    >>> register_strategy("median", Median)
    >>> from skthresh import learn_thresholds
    >>> learn_thresholds([[0, 1], [1, 0], [1, 1]], [[.2, .9], [.8, .1], [.7, .6]],
    ...                  strategy="median")
    array([0.7, 0.6])
    >>> unregister_strategy("median")
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string; got {name!r}.")
    if not (
        isinstance(strategy_class, type)
        and issubclass(strategy_class, BaseThresholdStrategy)
    ):
        raise TypeError(
            "strategy_class must be a subclass of BaseThresholdStrategy; got "
            f"{strategy_class!r}."
        )
    if name in _REGISTRY and not overwrite:
        raise ValueError(
            f"A strategy named {name!r} is already registered; pass "
            "overwrite=True to replace it."
        )
    _REGISTRY[name] = strategy_class


def unregister_strategy(name):
    """Remove a strategy registered under ``name``.

    Parameters
    ----------
    name : str
        A registered name.

    Examples
    --------
    >>> from skthresh.strategies import (
    ...     DefaultThreshold, available_strategies, register_strategy,
    ...     unregister_strategy)
    >>> register_strategy("fixed", DefaultThreshold)
    >>> unregister_strategy("fixed")
    >>> "fixed" in available_strategies()
    False
    """
    if name not in _REGISTRY:
        raise ValueError(f"No strategy is registered as {name!r}.")
    del _REGISTRY[name]


def available_strategies():
    """Return the names of the registered strategies, sorted.

    Returns
    -------
    names : list of str
        The names accepted by ``strategy=``.

    Examples
    --------
    >>> from skthresh.strategies import available_strategies
    >>> "surrogate" in available_strategies()
    True
    """
    return sorted(_REGISTRY)


def get_strategy(strategy, **params):
    """Return a fresh strategy object from a name or an object.

    Parameters
    ----------
    strategy : str or BaseThresholdStrategy
        A registered name, or a strategy object (cloned, so the caller's
        object is left untouched).
    **params : dict
        Hyper-parameters set on the strategy.

    Returns
    -------
    strategy : BaseThresholdStrategy
        A new, unfitted strategy.

    Examples
    --------
    >>> from skthresh.strategies import get_strategy
    >>> get_strategy("surrogate", slope=100.0).slope
    100.0
    """
    if isinstance(strategy, str):
        if strategy not in _REGISTRY:
            raise ValueError(
                f"Unknown strategy {strategy!r}; the registered strategies are "
                f"{available_strategies()}."
            )
        obj = _REGISTRY[strategy]()
    elif isinstance(strategy, BaseThresholdStrategy):
        obj = clone(strategy)
    else:
        raise ValueError(
            "strategy must be the name of a registered strategy "
            f"{available_strategies()} or a BaseThresholdStrategy instance; got "
            f"{strategy!r}."
        )
    if params:
        valid = obj.get_params(deep=False)
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} cannot be set on strategy "
                f"{type(obj).__name__}, whose parameters are {sorted(valid)}."
            )
        obj.set_params(**params)
    return obj
