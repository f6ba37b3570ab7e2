"""Threshold strategies: one module each, found by name in a registry."""

from skthresh.strategies._bagging import BaggedThresholds
from skthresh.strategies._base import BaseThresholdStrategy, DegenerateLabelWarning
from skthresh.strategies._coordinate import CoordinateAscent
from skthresh.strategies._default import DefaultThreshold
from skthresh.strategies._global import GlobalThreshold
from skthresh.strategies._grid import GridSearch
from skthresh.strategies._heuristic import HeuristicSearch
from skthresh.strategies._numerical import NumericalGradient
from skthresh.strategies._registry import (
    available_strategies,
    configure_strategy,
    get_strategy,
    register_strategy,
    unregister_strategy,
)
from skthresh.strategies._shrunk import ShrunkThresholds
from skthresh.strategies._surrogate import SurrogateThreshold

register_strategy("bagged", BaggedThresholds)
register_strategy("coordinate", CoordinateAscent)
register_strategy("default", DefaultThreshold)
register_strategy("global", GlobalThreshold)
register_strategy("grid", GridSearch)
register_strategy("heuristic", HeuristicSearch)
register_strategy("numerical", NumericalGradient)
register_strategy("shrunk", ShrunkThresholds)
register_strategy("surrogate", SurrogateThreshold)

__all__ = [
    "BaggedThresholds",
    "BaseThresholdStrategy",
    "CoordinateAscent",
    "DefaultThreshold",
    "DegenerateLabelWarning",
    "GlobalThreshold",
    "GridSearch",
    "HeuristicSearch",
    "NumericalGradient",
    "ShrunkThresholds",
    "SurrogateThreshold",
    "available_strategies",
    "configure_strategy",
    "get_strategy",
    "register_strategy",
    "unregister_strategy",
]
