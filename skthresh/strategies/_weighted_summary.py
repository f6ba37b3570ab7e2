"""A score summary whose counts are sums of sample weights."""

import numpy as np

from skthresh._cuts import search_segments
from skthresh._summary import ScoreSummary
from skthresh._summary_build import set_dense


class WeightedSummary(ScoreSummary):
    """A :class:`~skthresh.ScoreSummary` of weighted samples, for strategies.

    Each label's scores are sorted as in a summary of full rows, and beside
    them are kept the cumulative weights of its scores and of its positive
    scores in that order. A count above a cut (true or predicted positives)
    is then the weight above it, a lookup at the rank that the unweighted
    summary would count: :meth:`counts`, :meth:`positive_cuts`,
    :meth:`score` and :attr:`pos_weight` are weighted sums, while ranks,
    scores and thresholds (:meth:`rank_of`, :meth:`value_at`,
    :meth:`cut_threshold`, :attr:`pos`) are those of the rows, so that every
    cut and threshold is placed as without weights.

    Samples of weight 0 must be removed first (the base class does): a
    summary of the rows left gives the same cuts and thresholds as a
    summary without those rows. Built from validated dense matrices only,
    with one argsort of each label's scores: besides the scores, it keeps
    the cumulative weights (float64, one per score) and, while it is
    built, the sort order (int64, one per score).

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
    S : ndarray of float of shape (n_samples, n_labels)
    sample_weight : ndarray of float64 of shape (n_samples,)
        Positive, finite weights.
    """

    weighted = True

    def __init__(self, Y, S, sample_weight):
        values = np.ascontiguousarray(S.T)  # (n_labels, n), sorted below
        # Ties may come in any order: counts are read at their ends only.
        order = np.argsort(values, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        positive = np.take_along_axis(Y.T, order, axis=1).astype(bool, copy=False)
        set_dense(self, values, values[positive], positive.sum(axis=1))
        n_labels, n = values.shape
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        # cum[j, r]: weight of label j's r lowest scores, a block at a time.
        self._cum = np.zeros((n_labels, n + 1))
        pos_w = []
        step = max(1, 2**20 // max(1, n))
        for a in range(0, n_labels, step):
            w = sample_weight[order[a : a + step]]
            np.cumsum(w, axis=1, out=self._cum[a : a + step, 1:])
            pos_w.append(w[positive[a : a + step]])
        self._set_positive_weights(np.concatenate(pos_w))

    def _set_positive_weights(self, pos_w):
        """Cumulative weights of each label's positives, with a 0 before each."""
        L = self.n_labels
        self._pos_cum_start = self.pos_start + np.arange(L + 1)
        cum = np.zeros(pos_w.size + L)
        # Each label's positives, cumulated from 0 at its own start.
        rows = np.repeat(np.arange(L), self.pos)
        inside = np.arange(pos_w.size) + rows + 1
        running = np.cumsum(pos_w)
        before = np.concatenate([[0.0], running])[self.pos_start[:-1]]
        cum[inside] = running - before[rows]
        self._pos_cum = cum

    @property
    def pos_weight(self):
        """Weight of each label's positive samples, float64 of shape (n_labels,)."""
        return self._pos_cum[self._pos_cum_start[1:] - 1]

    def _weight_le(self, labels, ranks):
        return self._cum[labels, ranks]

    def _pos_weight_le(self, labels, ranks):
        return self._pos_cum[self._pos_cum_start[labels] + ranks]

    def counts(self, thresholds, labels=None):
        """Weights of the true and predicted positives above thresholds.

        See :meth:`ScoreSummary.counts`; the counts are float64 sums of
        weights.
        """
        t = np.asarray(thresholds, dtype=np.float64)
        if labels is None:
            labels = np.arange(self.n_labels).reshape((-1,) + (1,) * (t.ndim - 1))
        labels = np.broadcast_to(labels, t.shape)
        pp = self._cum[labels, -1] - self._weight_le(labels, self.rank_of(labels, t))
        lo, hi = self.pos_start[labels], self.pos_start[labels + 1]
        pos_le = search_segments(self.pos_values, lo, hi, t, False)
        tp = self.pos_weight[labels] - self._pos_weight_le(labels, pos_le)
        return tp, pp

    def score(self, metric, thresholds):
        """Weighted F-beta (micro or macro) at ``thresholds``."""
        from skthresh.metrics import check_metric

        metric = check_metric(metric)
        tp, pp = self.counts(np.asarray(thresholds, dtype=np.float64))
        return float(metric.from_counts(tp, pp, self.pos_weight))

    def label_counts(self, j, thresholds):
        """Weighted :meth:`ScoreSummary.label_counts`."""
        t = np.asarray(thresholds, dtype=np.float64)
        return self.counts(t, labels=np.full(t.shape, j, dtype=np.int64))

    def positive_cuts(self):
        """Weighted :meth:`ScoreSummary.positive_cuts`: the same cuts.

        ``tp`` and ``pp`` are float64 weights above each cut.
        """
        label, tp, pp, thr, start = super().positive_cuts()
        # Ranks: tp positives and pp scores at or above each cut.
        n_pos_below = self.pos[label] - tp
        tp_w = self.pos_weight[label] - self._pos_weight_le(label, n_pos_below)
        pp_w = self._cum[label, -1] - self._weight_le(label, self.n_samples - pp)
        return label, tp_w, pp_w, thr, start

    def take_labels(self, labels):
        """A weighted summary of some of the labels only (copies)."""
        labels = np.arange(self.n_labels)[labels]
        out = WeightedSummary.__new__(WeightedSummary)
        values = self.values[labels]
        pos_w = [
            np.diff(self._pos_cum[self._pos_cum_start[j] : self._pos_cum_start[j + 1]])
            for j in labels
        ]
        pos_values = [
            self.pos_values[self.pos_start[j] : self.pos_start[j + 1]] for j in labels
        ]
        set_dense(
            out,
            values,
            np.concatenate(pos_values or [self.pos_values[:0]]),
            self.pos[labels],
        )
        out._cum = self._cum[labels]
        out._set_positive_weights(np.concatenate(pos_w or [np.zeros(0)]))
        return out

    def scaled(self, factor):
        """A weighted summary of the scores divided by ``factor`` (a power of 2)."""
        out = WeightedSummary.__new__(WeightedSummary)
        set_dense(out, self.values / factor, self.pos_values / factor, self.pos)
        out._cum, out._pos_cum = self._cum, self._pos_cum
        out._pos_cum_start = self._pos_cum_start
        return out

    def weighted_rank_above(self, weights):
        """Per label, the scores above the cut where ``weights`` lie above it.

        The fewest highest scores of label ``j`` whose weight reaches
        ``weights[j]``, a rank for :meth:`cut_threshold` (the weighted
        proportional cut).
        """
        n = self.n_samples
        labels = np.arange(self.n_labels)
        above = self._cum[:, -1:] - self._cum  # weight above each rank
        # The largest rank r whose weight above is still >= weights.
        r = np.array(
            [
                np.searchsorted(-above[j], -weights[j] * (1 - 1e-12), side="right") - 1
                for j in labels
            ],
            dtype=np.int64,
        )
        return n - np.clip(r, 0, n)
