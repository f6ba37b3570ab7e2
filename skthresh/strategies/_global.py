"""One threshold shared by all labels, found by an exact sweep."""

import numpy as np

from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._callable import is_callable_metric, shared_threshold_callable
from skthresh.strategies._shared import (
    best_shared_threshold,
    best_shared_threshold_summary,
)
from skthresh.strategies._shared_samples import best_samples_cut


class GlobalThreshold(BaseThresholdStrategy):
    """The best single threshold shared by every label, found exactly.

    All scores are sorted once, in decreasing order; lowering a shared
    threshold past one score changes the counts of one label (and one
    sample) only, so the metric at every possible cut is a cumulative sum of
    those changes. The best cut is then an ``argmax``, for micro, macro and
    samples F-beta alike. The threshold returned is the midpoint between the
    two scores around the best cut.

    For the samples average, the scores are read a block of rows at a
    time: each row's scores are sorted to give the change of its sample's
    F as each score enters, and the changes are summed above every positive
    score (the only cuts, besides "nothing positive", that can be best), in
    memory of one block.

    Attributes
    ----------
    objective_ : float
        Metric value of the returned threshold on the tuning data.

    See Also
    --------
    DefaultThreshold : A fixed threshold.

    Examples
    --------
    >>> from skthresh.strategies import GlobalThreshold
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> S = [[.9, .2], [.4, .7], [.6, .5], [.3, .1]]
    >>> GlobalThreshold().optimize(Y, S)
    array([0.45, 0.45])
    """

    _parameter_constraints = {}
    _accepts_callable_metric = True
    _brute_force_tolerance = 0.4
    # Every label gets the shared threshold already, rare ones included.
    _threshold_kind = "shared"

    def _optimize(self, Y, S, metric):
        if is_callable_metric(metric):  # exact: one call per distinct score
            threshold, self.objective_ = shared_threshold_callable(metric, Y, S)
        else:
            threshold, _ = best_shared_threshold(Y, S, metric)
            # Recomputed from the decisions: the sweep's running sums can be
            # off by a few ulps for the macro and samples averages.
            self.objective_ = metric.score(Y, S > threshold)
        return np.full(S.shape[1], threshold)

    def _input_for(self, metric):
        # Micro: the same cut from the matrix, without sorting anything.
        kind = super()._input_for(metric)
        return "any" if kind == "summary" and metric.average == "micro" else kind

    def _optimize_blocks(self, blocks, metric):
        # The samples average, a block of rows at a time: the same cut.
        threshold, _ = best_samples_cut(blocks.blocks, metric)
        self.objective_ = blocks.score(metric, threshold)
        return np.full(blocks.n_labels, threshold)

    def _optimize_summary(self, summary, metric):
        threshold, _ = best_shared_threshold_summary(summary, metric)
        self.objective_ = summary.score(metric, np.full(summary.n_labels, threshold))
        return np.full(summary.n_labels, threshold)
