"""Registry of threshold strategies by name."""

import numpy as np
from sklearn.base import clone

from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._catalog import REGISTRY as _REGISTRY
from skthresh.strategies._catalog import names_where


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


_CAPABILITIES = {
    "callable_metric": lambda cls: cls._accepts_callable_metric,
    "operating_points": lambda cls: cls._accepts_operating_points,
    "sample_weight": lambda cls: cls._accepts_sample_weight,
    "summary": lambda cls: cls._runs_on_summary(),
    "per_label": lambda cls: cls._threshold_kind == "per_label",
}


def available_strategies(capability=None):
    """Return the names of the registered strategies, sorted.

    Parameters
    ----------
    capability : {"callable_metric", "operating_points", "sample_weight", \
            "summary", "per_label"} or None, default=None
        Only the strategies that declare this capability: those that accept
        a callable ``metric(Y_true, Y_pred)``, those that optimize
        operating-point metrics (:class:`~skthresh.metrics.RecallAtPrecision`,
        :class:`~skthresh.metrics.PrecisionAtRecall`,
        :class:`~skthresh.metrics.Utility`), those that take the tuning
        samples' ``sample_weight``, those that can learn from a
        :class:`~skthresh.ScoreSummary` (and so from memory-mapped, sparse,
        chunked and Dask inputs), or those that learn one threshold per
        label. The lists are derived from what each strategy class
        declares (see :class:`BaseThresholdStrategy`).

    Returns
    -------
    names : list of str
        The names accepted by ``strategy=``.

    Examples
    --------
    >>> from skthresh.strategies import available_strategies
    >>> "surrogate" in available_strategies()
    True
    >>> available_strategies("callable_metric")
    ['bagged', 'coordinate', 'default', 'global', 'heuristic', 'shrunk']
    >>> available_strategies("operating_points")
    ['coordinate', 'global']
    >>> available_strategies("sample_weight")
    ['coordinate', 'default', 'global', 'surrogate']
    """
    if capability is None:
        return sorted(_REGISTRY)
    if capability not in _CAPABILITIES:
        raise ValueError(
            f"capability must be one of {sorted(_CAPABILITIES)} or None; got "
            f"capability={capability!r}."
        )
    return names_where(_CAPABILITIES[capability])


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
    return configure_strategy(strategy, params)


def configure_strategy(
    strategy, params=None, *, random_state=None, verbose=None, copy=True
):
    """The one route from a user's choice of strategy to a configured object.

    The classifier, :func:`~skthresh.learn_thresholds`, the command line
    and the demo all build their strategy here, so a parameter means the
    same and fails the same way everywhere.

    Parameters
    ----------
    strategy : str or BaseThresholdStrategy
        A registered name, or a strategy object (cloned unless ``copy`` is
        False).
    params : dict or None, default=None
        Hyper-parameters to set; a name the strategy does not have raises a
        ``ValueError`` that lists the ones it has.
    random_state : int, RandomState instance or None, default=None
        Set, after ``params``, on strategies that have a ``random_state``
        parameter, ignored by the others. From a ``RandomState`` instance
        one integer seed is drawn, and only for a strategy that has the
        parameter, so the caller's generator advances only then.
    verbose : int or None, default=None
        Set, when not None or 0, on strategies that have a ``verbose``
        parameter, ignored by the others.
    copy : bool, default=True
        Whether a strategy object is cloned. With False the parameters are
        set on the object itself, which is returned, so that its fitted
        attributes can be read after it is used.

    Returns
    -------
    strategy : BaseThresholdStrategy
        The configured strategy: a new, unfitted one unless ``copy`` is
        False and an object was given.

    Examples
    --------
    >>> from skthresh.strategies import configure_strategy
    >>> configure_strategy("heuristic", {"n_restarts": 2}, random_state=0)
    HeuristicSearch(n_restarts=2, random_state=0)
    >>> configure_strategy("coordinate", random_state=0)  # has no random_state
    CoordinateAscent()
    >>> configure_strategy("coordinate", {"slope": 50.0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: slope cannot be set on strategy CoordinateAscent, whose ...
    """
    if isinstance(strategy, str):
        if strategy not in _REGISTRY:
            raise ValueError(
                f"Unknown strategy {strategy!r}; the registered strategies are "
                f"{available_strategies()}."
            )
        obj = _REGISTRY[strategy]()
    elif isinstance(strategy, BaseThresholdStrategy):
        obj = clone(strategy) if copy else strategy
    else:
        raise ValueError(
            "strategy must be the name of a registered strategy "
            f"{available_strategies()} or a BaseThresholdStrategy instance; got "
            f"{strategy!r}."
        )
    valid = obj.get_params(deep=False)
    if params:
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)} cannot be set on strategy "
                f"{type(obj).__name__}, whose parameters are {sorted(valid)}."
            )
        obj.set_params(**params)
    if random_state is not None and "random_state" in valid:
        if isinstance(random_state, np.random.RandomState):
            random_state = random_state.randint(np.iinfo(np.int32).max)
        obj.set_params(random_state=random_state)
    if verbose and "verbose" in valid:
        obj.set_params(verbose=verbose)
    return obj
