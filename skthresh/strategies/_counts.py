"""Per-label sorted score summaries: exact counts above any thresholds."""

import numpy as np

from skthresh.strategies._global import midpoint


def count_le(flat, start, stop, values):
    """Number of elements ``<= value`` in sorted segments of a flat array.

    A binary search vectorized over queries: query ``q`` looks at the
    ascending segment ``flat[start[q]:stop[q]]``. Comparisons are made in the
    common type of ``flat`` and ``values``, so the counts are exact.

    Parameters
    ----------
    flat : ndarray of shape (n_elements,)
        Concatenated segments, each sorted in ascending order.
    start, stop : ndarray of int
        Segment bounds of each query, broadcast against ``values``.
    values : ndarray of float
        The query values.

    Returns
    -------
    counts : ndarray of int64
        Same shape as the broadcast inputs.
    """
    return _search(flat, start, stop, values, strict=False)


class LabelSummary:
    """Each label's scores sorted once, for exact counts at any threshold.

    Holds, for every label, all its scores in ascending order and its
    positive samples' scores in ascending order. The number of predicted
    positives ``pp`` and of true positives ``tp`` of label ``j`` at a
    threshold ``t`` (decision ``score > t``) are then two binary searches,
    ``O(log n_samples)``, instead of a pass over the label's scores.

    Building it costs one sort of each label's scores (about seven passes
    over the score matrix, a pass being ``(S > t).sum(0)``), and memory of
    one copy of the scores.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    """

    def __init__(self, Y, S):
        n, n_labels = S.shape
        self.n_samples, self.n_labels = n, n_labels
        St = np.ascontiguousarray(S.T)
        Yt = np.ascontiguousarray(Y.T)
        self.values = np.sort(St, axis=1)
        self.pos = Yt.sum(axis=1, dtype=np.int64)
        self.pos_start = np.concatenate([[0], np.cumsum(self.pos)])
        pos_scores = St[Yt]  # label-major order
        labels = np.repeat(np.arange(n_labels), self.pos)
        self.pos_values = pos_scores[np.lexsort((pos_scores, labels))]
        self._row_start = np.arange(n_labels, dtype=np.int64) * n

    def counts(self, thresholds, labels=None):
        """True and predicted positives above thresholds.

        Parameters
        ----------
        thresholds : ndarray of float
            With ``labels=None``, of shape ``(n_labels,)`` or
            ``(n_labels, k)``: row ``j`` holds thresholds of label ``j``.
            Otherwise any shape, with ``labels`` of the same shape.
        labels : ndarray of int or None, default=None
            The label of each threshold.

        Returns
        -------
        tp, pp : ndarray of int64
            Same shape as ``thresholds``.
        """
        t = np.asarray(thresholds, dtype=np.float64)
        if labels is None:
            labels = np.arange(self.n_labels).reshape((-1,) + (1,) * (t.ndim - 1))
        row = self._row_start[labels]
        n = self.n_samples
        pp = n - count_le(self.values.ravel(), row, row + n, t)
        lo, hi = self.pos_start[labels], self.pos_start[labels + 1]
        tp = (hi - lo) - count_le(self.pos_values, lo, hi, t)
        return tp, pp

    def label_counts(self, j, thresholds):
        """True and predicted positives of label ``j`` at several thresholds.

        Parameters
        ----------
        j : int
            The label.
        thresholds : ndarray of float64 of shape (k,)
            Thresholds of label ``j``.

        Returns
        -------
        tp, pp : ndarray of int64 of shape (k,)
        """
        t = np.asarray(thresholds, dtype=np.float64)
        pp = self.n_samples - np.searchsorted(self.values[j], t, side="right")
        pv = self.pos_values[self.pos_start[j] : self.pos_start[j + 1]]
        tp = pv.size - np.searchsorted(pv, t, side="right")
        return tp.astype(np.int64), pp.astype(np.int64)

    def cut_threshold(self, labels, n_above):
        """Threshold of a label that leaves exactly ``n_above`` scores above.

        ``n_above`` must fall between two distinct scores of the label (or
        be 0 or ``n_samples``). The threshold is the midpoint of the two
        scores around the cut, the label's highest score when nothing is
        above, and just below its lowest score when everything is.
        """
        labels, n_above = np.broadcast_arrays(
            np.asarray(labels, dtype=np.int64), np.asarray(n_above, dtype=np.int64)
        )
        n = self.n_samples
        v = self.values
        upper = v[labels, np.clip(n - n_above, 0, n - 1)].astype(np.float64)
        lower = v[labels, np.clip(n - n_above - 1, 0, n - 1)].astype(np.float64)
        return np.where(
            n_above == 0,
            lower,
            np.where(
                n_above >= n, np.nextafter(upper, -np.inf), midpoint(upper, lower)
            ),
        )

    def positive_cuts(self):
        """Every cut worth considering for an F-measure, label by label.

        An F-measure never increases when a cut moves down past scores of
        negative samples only, for any average: ``tp`` stays, ``pp`` grows.
        The best cut of a label, all others fixed, is therefore either
        "nothing positive" or a cut just below one of its positive scores.
        There are at most ``n_positives + n_labels`` such cuts in all,
        usually far fewer than ``n_samples * n_labels``.

        Returns
        -------
        label, tp, pp : ndarray of int64 of shape (n_cuts,)
            Label of each cut, and its counts. Each label's cuts are
            contiguous, by decreasing threshold; the first is the empty cut.
        threshold : ndarray of float64 of shape (n_cuts,)
            The central threshold of each cut.
        start : ndarray of int64 of shape (n_labels + 1,)
            Cuts of label ``j`` are ``start[j]:start[j + 1]``.
        """
        L, n = self.n_labels, self.n_samples
        pv = self.pos_values
        pos_label = np.repeat(np.arange(L), self.pos)
        # Distinct positive levels: the first of each run of equal scores.
        first = np.ones(pv.size, dtype=bool)
        first[1:] = (pv[1:] != pv[:-1]) | (pos_label[1:] != pos_label[:-1])
        idx = np.flatnonzero(first)
        label, level = pos_label[idx], pv[idx]
        tp = self.pos_start[label + 1] - idx
        row = self._row_start[label]
        pp = n - _search(self.values.ravel(), row, row + n, level, strict=True)
        # Decreasing thresholds within each label.
        order = np.lexsort((-idx, label))
        label, tp, pp = label[order], tp[order], pp[order]
        thr = self.cut_threshold(label, pp)
        # Prepend each label's empty cut.
        n_levels = np.bincount(label, minlength=L)
        start = np.concatenate([[0], np.cumsum(n_levels + 1)])
        size = int(start[-1])
        out_label = np.repeat(np.arange(L), n_levels + 1)
        out_tp = np.zeros(size, dtype=np.int64)
        out_pp = np.zeros(size, dtype=np.int64)
        out_thr = self.values[:, -1].astype(np.float64)[out_label]
        rest = np.ones(size, dtype=bool)
        rest[start[:-1]] = False
        out_tp[rest], out_pp[rest], out_thr[rest] = tp, pp, thr
        return out_label, out_tp, out_pp, out_thr, start


def _search(flat, start, stop, values, strict):
    """Elements ``<= value`` (``< value`` if strict) in sorted segments."""
    values = np.asarray(values)
    shape = np.broadcast_shapes(values.shape, np.shape(start), np.shape(stop))
    lo = np.broadcast_to(np.asarray(start, dtype=np.int64), shape).copy()
    hi = np.broadcast_to(np.asarray(stop, dtype=np.int64), shape).copy()
    first = lo.copy()
    longest = int((hi - lo).max(initial=0))
    last = max(flat.size - 1, 0)
    below = np.less if strict else np.less_equal
    for _ in range(longest.bit_length()):
        active = lo < hi
        mid = (lo + hi) >> 1
        go = below(flat[np.minimum(mid, last)], values)
        lo = np.where(go & active, mid + 1, lo)
        hi = np.where(go | ~active, hi, mid)
    return lo - first


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
        self.Y, self.S, self.metric = Y, S, metric
        St = np.ascontiguousarray(S.T)
        order = np.argsort(St, axis=1)[:, ::-1]
        index_type = np.int32 if n < 2**31 else np.int64
        self.order = np.ascontiguousarray(order, dtype=index_type)
        self.s_desc = np.take_along_axis(St, self.order, axis=1)
        del St, order
        self.y_desc = np.take_along_axis(np.ascontiguousarray(Y.T), self.order, axis=1)
        self.pos = Y.sum(axis=1, dtype=np.int64)
        self._range = np.arange(n)

    def set_thresholds(self, thresholds):
        """Recompute every count for ``thresholds`` (a few passes)."""
        D = self.S > thresholds
        self.tp = np.logical_and(D, self.Y).sum(axis=1, dtype=np.int64)
        self.pp = D.sum(axis=1, dtype=np.int64)
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


def significant(gain, magnitude):
    """Whether a gain summed in floating point exceeds its rounding noise.

    Parameters
    ----------
    gain : float
        A difference of metric sums.
    magnitude : float
        The sum of the absolute values of the terms summed.
    """
    return gain > 1e-9 * max(1.0, magnitude)
