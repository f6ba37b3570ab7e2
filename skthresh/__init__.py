"""Learn the decision thresholds of multi-label classifiers."""

from skthresh._api import apply_thresholds, learn_thresholds
from skthresh._classifier import SurrogateThresholdClassifier
from skthresh._show_versions import show_versions
from skthresh._summary import ScoreSummary
from skthresh._top_k import TopKScores
from skthresh._version import __version__  # noqa: F401 (public attribute)
from skthresh.metrics import (
    FBeta,
    PrecisionAtRecall,
    RecallAtPrecision,
    UnreachableFloorWarning,
    Utility,
)
from skthresh.strategies import (
    DegenerateLabelWarning,
    available_strategies,
    register_strategy,
)

__all__ = [
    "DegenerateLabelWarning",
    "FBeta",
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "ScoreSummary",
    "SurrogateThresholdClassifier",
    "TopKScores",
    "UnreachableFloorWarning",
    "Utility",
    "apply_thresholds",
    "available_strategies",
    "learn_thresholds",
    "register_strategy",
    "show_versions",
]
