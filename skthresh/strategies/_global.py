"""One threshold shared by all labels, found by an exact sweep."""

import numpy as np

from skthresh.metrics import Utility
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._callable import is_callable_metric, shared_threshold_callable
from skthresh.strategies._operating import (
    best_label_cuts,
    candidate_cuts,
    is_operating_metric,
)
from skthresh.strategies._operating_shared import shared_operating_point
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

    For an operating-point metric (a precision or recall floor, or a
    utility), the sweep is the same: every distinct score is a candidate,
    and the objective and the number of labels whose floor fails are
    cumulative sums. Per label (``average="label"``), the floor must hold
    for every label that can reach it, a label predicting nothing counting
    as holding a precision floor and failing a recall floor; pooled
    (``"micro"``), on the pooled counts. Ties go to the best recall for a
    precision objective, then to the highest threshold. With
    ``confidence``, a precision floor is tested as a fixed-sequence walk
    down the shared threshold (per label, or pooled), which stops at the
    first failure; see :class:`~skthresh.metrics.RecallAtPrecision`.

    With ``sample_weight`` (micro and macro), the counts at every cut are
    sums of weights, read from each label's cumulative weights; the cut and
    its threshold are those of the rows repeated as often as their integer
    weights.

    For the samples average, the scores are read a block of rows at a
    time: each row's scores are sorted to give the change of its sample's
    F as each score enters, and the changes are summed above every positive
    score (the only cuts, besides "nothing positive", that can be best), in
    memory of one block.

    Attributes
    ----------
    objective_ : float
        Metric value of the returned threshold on the tuning data.
    constraint_met_ : ndarray of bool of shape (n_labels,) or bool
        After a floor metric: whether the floor held on the tuning data
        (with ``confidence``: passed its walk), per label or pooled.
    unreachable_labels_ : ndarray of int
        After a floor metric: the labels that no cut of their own brings to
        the floor (they keep the shared threshold).

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
    _accepts_operating_points = True
    _accepts_sample_weight = True
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
        if is_operating_metric(metric):
            return kind
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

    def _optimize_operating_point(self, summary, metric, trusted):
        reachable = np.ones(summary.n_labels, dtype=bool)
        unreachable = None
        if not isinstance(metric, Utility):
            if metric.average == "label":
                cuts = candidate_cuts(summary, metric)
                _, _, reachable = best_label_cuts(cuts, metric, trusted)
                unreachable = np.flatnonzero(~reachable)
            else:
                unreachable = np.array([], dtype=np.int64)
        result = shared_operating_point(summary, metric, reachable, trusted)
        if unreachable is not None:
            if metric.average == "micro" and not result.constraint_met:
                unreachable = np.arange(summary.n_labels)
            result.unreachable = unreachable
        return result
