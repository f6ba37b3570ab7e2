"""Per-sample counts under per-label thresholds, for the samples average."""

import numpy as np

from skthresh._cuts import midpoint
from skthresh.strategies._held import plain_metric


class SampleCounts:
    """Per-sample counts under current thresholds, for the samples average.

    The samples average does not decompose over labels: moving one label's
    threshold changes the counts of the samples whose decision flips. This
    keeps each sample's true and predicted positive counts, each label's
    samples in decreasing score order, and how many of them are positive,
    so that the metric of every cut of one label, all others fixed, is one
    cumulative sum over that label's samples (``O(n_samples)``).

    Building it costs one argsort of each label's scores (about thirty
    passes over the score matrix) and three ``(n_labels, n_samples)``
    arrays.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    metric : FBeta
        A samples-averaged F-beta.
    """

    def __init__(self, Y, S, metric):
        n, n_labels = S.shape
        self.n_samples, self.n_labels = n, n_labels
        # Counts of labels held fixed (if any) are added to every sample's.
        metric, held = plain_metric(metric)
        zeros = np.zeros(n, dtype=np.int64)
        self._held = held if held is not None else (zeros, zeros, zeros)
        self.Y, self.S, self.metric = Y, S, metric
        St = np.ascontiguousarray(S.T)
        order = np.argsort(St, axis=1)[:, ::-1]
        index_type = np.int32 if n < 2**31 else np.int64
        self.order = np.ascontiguousarray(order, dtype=index_type)
        self.s_desc = np.take_along_axis(St, self.order, axis=1)
        del St, order
        self.y_desc = np.take_along_axis(np.ascontiguousarray(Y.T), self.order, axis=1)
        self.pos = Y.sum(axis=1, dtype=np.int64) + self._held[2]
        self._range = np.arange(n)

    def set_thresholds(self, thresholds):
        """Recompute every count for ``thresholds`` (a few passes)."""
        D = self.S > thresholds
        self.tp = np.logical_and(D, self.Y).sum(axis=1, dtype=np.int64) + self._held[0]
        self.pp = D.sum(axis=1, dtype=np.int64) + self._held[1]
        self.n_above = D.sum(axis=0, dtype=np.int64)

    def value(self):
        """The metric at the current thresholds."""
        return float(self.metric.from_counts(self.tp, self.pp, self.pos))

    def gains(self, j):
        """Gain of each sample's F when label ``j`` is positive rather than not.

        Returns
        -------
        gains : ndarray of float64 of shape (n_samples,)
            In decreasing order of label ``j``'s scores, given the other
            labels' current decisions. The metric of the cut that makes the
            ``k`` highest scores positive is, up to a constant,
            ``gains[:k].sum() / n_samples``.
        """
        idx = self.order[j]
        y = self.y_desc[j]
        inc = self._range < self.n_above[j]
        tp_other = self.tp[idx] - (y & inc)
        pp_other = self.pp[idx] - inc
        pos = self.pos[idx]
        f = self.metric.elementwise
        return f(tp_other + y, pp_other + 1, pos) - f(tp_other, pp_other, pos)

    def valid_cuts(self, j):
        """Boolean mask of shape (n_samples + 1,): cuts between distinct scores."""
        s = self.s_desc[j]
        valid = np.ones(self.n_samples + 1, dtype=bool)
        valid[1:-1] = s[:-1] != s[1:]
        return valid

    def move(self, j, n_above):
        """Make the ``n_above`` highest scores of label ``j`` positive."""
        old = int(self.n_above[j])
        if n_above == old:
            return
        lo, hi = min(old, n_above), max(old, n_above)
        idx = self.order[j, lo:hi]
        sign = 1 if n_above > old else -1
        self.tp[idx] += sign * self.y_desc[j, lo:hi]
        self.pp[idx] += sign
        self.n_above[j] = n_above

    def cut_threshold(self, j, n_above):
        """Central threshold of label ``j`` leaving ``n_above`` scores above."""
        s = self.s_desc[j]
        n = self.n_samples
        if n_above == 0:
            return float(s[0])
        if n_above >= n:
            return float(np.nextafter(np.float64(s[-1]), -np.inf))
        return float(midpoint(s[n_above - 1], s[n_above]))
