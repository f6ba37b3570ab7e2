"""Count-based F-measures for multi-label decisions."""

from skthresh.metrics._fbeta import (
    FBeta,
    check_metric,
    f1_score,
    fbeta_from_counts,
    fbeta_score,
    multilabel_counts,
)

__all__ = [
    "FBeta",
    "check_metric",
    "f1_score",
    "fbeta_from_counts",
    "fbeta_score",
    "multilabel_counts",
]
