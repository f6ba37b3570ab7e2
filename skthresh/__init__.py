"""Learn the decision thresholds of multi-label classifiers."""

from skthresh._api import apply_thresholds, learn_thresholds
from skthresh._classifier import SurrogateThresholdClassifier
from skthresh._show_versions import show_versions
from skthresh._summary import ScoreSummary
from skthresh._version import __version__ as __version__
from skthresh.metrics import FBeta
from skthresh.strategies import (
    DegenerateLabelWarning,
    available_strategies,
    register_strategy,
)

__all__ = [
    "DegenerateLabelWarning",
    "FBeta",
    "ScoreSummary",
    "SurrogateThresholdClassifier",
    "apply_thresholds",
    "available_strategies",
    "learn_thresholds",
    "register_strategy",
    "show_versions",
]
