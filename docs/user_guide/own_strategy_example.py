"""A threshold strategy of one's own, from the class to the contract suite.

The user guide page ``own_strategy.rst`` shows this file piece by piece
(the ``# [name]`` comments mark the pieces), and ``tests/test_docs.py``
runs it: the code on the page is the code that is tested.
"""

# [imports]
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from skthresh import ScoreSummary, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.strategies import (
    BaseThresholdStrategy,
    available_strategies,
    register_strategy,
    unregister_strategy,
)
from skthresh.utils.estimator_checks import check_strategy

# [/imports]


# [helper]
def threshold_below(kept, below, gap):
    """Thresholds under the lowest kept scores, over the scores below them.

    Parameters
    ----------
    kept : ndarray of shape (n_labels,)
        Each label's lowest score that must stay positive.
    below : ndarray of shape (n_labels,)
        Each label's highest score under ``kept``; NaN where there is none.
    gap : {"middle", "top"}
        Where the threshold sits between ``below`` and ``kept``.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    kept = np.asarray(kept, dtype=np.float64)
    below = np.asarray(below, dtype=np.float64)
    just_below = np.nextafter(kept, -np.inf)
    if gap == "top":
        return just_below
    middle = below + (kept - below) / 2
    # No score below (NaN), or two adjacent floats: just under the kept score.
    return np.where(middle < kept, middle, just_below)


# [/helper]


# [strategy]
class TargetRecall(BaseThresholdStrategy):
    """Per-label thresholds that keep a fraction of the positives positive.

    Label ``j``'s threshold is the highest one that still predicts at
    least ``ceil(recall * n_positives_j)`` of its positive tuning samples
    as positive. It ignores the metric.

    Parameters
    ----------
    recall : float in (0, 1], default=0.9
        The fraction of each label's positive tuning samples kept.
    gap : {"middle", "top"}, default="middle"
        Where the threshold sits below the lowest kept score: halfway to
        the next lower score, or just under the kept score.
    """

    _parameter_constraints = {
        "recall": [Interval(Real, 0, 1, closed="right")],
        "gap": [StrOptions({"middle", "top"})],
    }
    # It ignores the metric, so it is not exact: on the tiny problems of the
    # contract suite, its F1 falls up to 0.17 below the best thresholds.
    _brute_force_tolerance = 0.25

    def __init__(self, recall=0.9, gap="middle"):
        self.recall = recall
        self.gap = gap

    def _n_kept(self, n_positives):
        # At least 1: the labels given to the hooks have a positive sample.
        return np.ceil(self.recall * np.asarray(n_positives)).astype(np.int64)

    def _optimize(self, Y, S, metric):
        n_labels = S.shape[1]
        kept = np.empty(n_labels)
        below = np.full(n_labels, np.nan)
        for j in range(n_labels):
            scores = S[:, j]
            positives = np.sort(scores[Y[:, j]])
            lowest_kept = positives[-self._n_kept(positives.size)]
            kept[j] = lowest_kept
            lower = scores[scores < lowest_kept]
            if lower.size:
                below[j] = lower.max()
        return threshold_below(kept, below, self.gap)


# [/strategy]


# [summary]
class TargetRecallWithSummary(TargetRecall):
    """:class:`TargetRecall` that also learns from a ScoreSummary."""

    def _optimize_summary(self, summary, metric):
        n = summary.n_samples
        labels = np.arange(summary.n_labels)
        # Label j's positive scores, ascending, are
        # pos_values[pos_start[j]:pos_start[j + 1]]: count back from the end.
        kept = summary.pos_values[summary.pos_start[1:] - self._n_kept(summary.pos)]
        # counts() counts the scores above a threshold: here, those >= kept.
        _, n_at_or_above = summary.counts(
            np.nextafter(kept.astype(np.float64), -np.inf)
        )
        # values[j] holds label j's scores, ascending: the next one down.
        next_down = summary.values[labels, np.maximum(n - n_at_or_above - 1, 0)]
        below = np.where(n_at_or_above < n, next_down, np.nan)
        return threshold_below(kept, below, self.gap)

    def _input_for(self, metric):
        # The matrix code gives the same thresholds without sorting every
        # score: matrices need not be summarized first.
        return "any"


# [/summary]


# [use]
Y, S, Y_test, S_test = make_tagging_scores(
    2000, 20, n_test_samples=2000, random_state=0
)

register_strategy("target_recall", TargetRecall)
thresholds = learn_thresholds(Y, S, strategy="target_recall", recall=0.8)
print("thresholds:", thresholds.shape, thresholds.dtype)

recall = ((S > thresholds) & (Y == 1)).sum(axis=0) / Y.sum(axis=0)
print(f"lowest recall on the tuning set: {recall.min():.3f}")

check_strategy("target_recall")  # raises an AssertionError on a failure
print("check_strategy: passed")

try:
    TargetRecall(recall=1.5).optimize(Y, S)
except ValueError as exc:
    print(exc)

unregister_strategy("target_recall")
# [/use]

# [use-summary]
check_strategy(TargetRecallWithSummary())  # arrays and summaries agree, too

summary = ScoreSummary.from_arrays(Y, S)
from_summary = learn_thresholds(summary, strategy=TargetRecallWithSummary(recall=0.8))
print("same thresholds from a summary:", np.array_equal(from_summary, thresholds))

register_strategy("target_recall", TargetRecallWithSummary)
print("runs on summaries:", "target_recall" in available_strategies("summary"))
unregister_strategy("target_recall")
# [/use-summary]
