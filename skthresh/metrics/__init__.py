"""Count-based F-measures for multi-label decisions."""

from skthresh.metrics._fbeta import (
    FBeta,
    check_metric,
    f1_score,
    fbeta_from_counts,
    fbeta_score,
    multilabel_counts,
)
from skthresh.metrics._report import multilabel_report

__all__ = [
    "FBeta",
    "check_metric",
    "f1_score",
    "fbeta_from_counts",
    "fbeta_score",
    "multilabel_counts",
    "multilabel_report",
]
