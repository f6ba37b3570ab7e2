"""Threshold strategies: one module each, found by name in a registry."""

from skthresh.strategies._base import BaseThresholdStrategy, DegenerateLabelWarning
from skthresh.strategies._coordinate import CoordinateAscent
from skthresh.strategies._default import DefaultThreshold
from skthresh.strategies._global import GlobalThreshold
from skthresh.strategies._registry import (
    available_strategies,
    get_strategy,
    register_strategy,
    unregister_strategy,
)
from skthresh.strategies._surrogate import SurrogateThreshold

register_strategy("coordinate", CoordinateAscent)
register_strategy("default", DefaultThreshold)
register_strategy("global", GlobalThreshold)
register_strategy("surrogate", SurrogateThreshold)

__all__ = sorted(
    [
        "BaseThresholdStrategy",
        "CoordinateAscent",
        "DefaultThreshold",
        "DegenerateLabelWarning",
        "GlobalThreshold",
        "SurrogateThreshold",
        "available_strategies",
        "get_strategy",
        "register_strategy",
        "unregister_strategy",
    ]
)
