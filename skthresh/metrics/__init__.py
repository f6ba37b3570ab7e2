"""Count-based metrics: F-measures, operating points and utilities."""

from skthresh.metrics._fbeta import (
    FBeta,
    f1_score,
    fbeta_from_counts,
    fbeta_score,
    multilabel_counts,
)
from skthresh.metrics._names import check_metric
from skthresh.metrics._operating_points import (
    PrecisionAtRecall,
    RecallAtPrecision,
    UnreachableFloorWarning,
)
from skthresh.metrics._report import multilabel_report
from skthresh.metrics._utility import Utility

__all__ = [
    "FBeta",
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "UnreachableFloorWarning",
    "Utility",
    "check_metric",
    "f1_score",
    "fbeta_from_counts",
    "fbeta_score",
    "multilabel_counts",
    "multilabel_report",
]
