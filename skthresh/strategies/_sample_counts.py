"""Per-sample counts under per-label thresholds, for the samples average."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._cuts import midpoint
from skthresh.strategies._held import plain_metric
from skthresh.strategies._sort_keys import descending_order, key_levels

# Labels sorted at once when building the per-label orders: the transposed
# block of scores they come from stays small (a few MB).
_LABEL_BLOCK_BYTES = 8 * 2**20


def label_orders(S, Y, n_labels):
    """Each label's samples by decreasing score, a block of labels at a time.

    Returns
    -------
    order : ndarray of int32 or int64 of shape (n_labels, n_samples)
    y_desc : ndarray of bool of shape (n_labels, n_samples)
        Whether each sample in that order is positive.
    tie_next : ndarray of bool of shape (n_labels, n_samples)
        Whether the score equals the next one in that order (the last is
        False).
    """
    n = S.shape[0]
    index_type = np.int32 if n < 2**31 else np.int64
    order = np.empty((n_labels, n), dtype=index_type)
    y_desc = np.empty((n_labels, n), dtype=bool)
    tie_next = np.zeros((n_labels, n), dtype=bool)
    # At least 16 labels (a 64-byte line of float32 scores) per read of the
    # rows: a column alone would read the whole matrix for 4 bytes a row.
    workers = max(1, min(4, cpu_count()))
    block = max(16, _LABEL_BLOCK_BYTES // max(1, 8 * n * workers))

    def sort(j0):
        j1 = min(j0 + block, n_labels)
        St = np.ascontiguousarray(S[:, j0:j1].T)
        idx, keys = descending_order(St, order.dtype)
        order[j0:j1] = idx
        if keys is not None:
            levels = key_levels(keys)
            del keys
        else:
            levels = np.take_along_axis(St, idx, axis=1)
        tie_next[j0:j1, :-1] = levels[:, :-1] == levels[:, 1:]
        Yt = np.ascontiguousarray(Y[:, j0:j1].T)
        y_desc[j0:j1] = np.take_along_axis(Yt, order[j0:j1], axis=1)

    # Blocks of labels in threads: numpy releases the GIL in each step.
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(sort, range(0, n_labels, block)))
    return order, y_desc, tie_next


def entry_gains(metric, tp, pp, pos, y):
    """Change of each sample's F-beta when one more of its labels is positive.

    ``metric.elementwise(tp + y, pp + 1, pos) - metric.elementwise(tp, pp,
    pos)`` as one fraction: with ``D = beta**2 * pos + pp``, the change is
    ``(1 + beta**2) * (y * D - tp) / (D * (D + 1))``, and ``-zero_division``
    for a sample with nothing positive nor predicted (``D = 0``).

    Parameters
    ----------
    metric : FBeta
    tp, pp, pos : ndarray of int of shape (n,)
        Each sample's counts without the label.
    y : ndarray of bool of shape (n,)
        Whether the label is positive for each sample.

    Returns
    -------
    gains : ndarray of float64 of shape (n,)
    """
    b2 = metric.beta**2
    D = b2 * pos + pp.astype(np.float64)
    empty = D == 0
    num = (1.0 + b2) * (np.where(y, D, 0.0) - tp)
    return np.where(empty, -float(metric.zero_division), num / (D * (D + 1.0) + empty))


class SampleCounts:
    """Per-sample counts under current thresholds, for the samples average.

    The samples average does not decompose over labels: moving one label's
    threshold changes the counts of the samples whose decision flips. This
    keeps each sample's true and predicted positive counts, each label's
    samples in decreasing score order, and how many of them are positive,
    so that the metric of every cut of one label, all others fixed, is one
    cumulative sum over that label's samples (``O(n_samples)``).

    Building it costs one sort of each label's scores, packed with the
    sample indices into 64-bit keys (about ten passes over a float32 score
    matrix), and per-label arrays of 6 bytes per score (the order, whether
    each sample is positive, whether its score ties with the next).

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
        self.order, self.y_desc, self._tie_next = label_orders(S, Y, n_labels)
        # The end of the scores tied with a label's lowest-ranked positive:
        # no cut below it can be best.
        has = self.y_desc.any(axis=1)
        last = np.where(has, n - 1 - np.argmax(self.y_desc[:, ::-1], axis=1), 0)
        self._useful = np.zeros(n_labels, dtype=np.int64)
        for j in np.flatnonzero(has):
            self._useful[j] = last[j] + 1 + np.argmin(self._tie_next[j, last[j] :])
        # Each sample's true, predicted and actual positives side by side in
        # a row of 16 bytes: a label's gains gather its samples' counts in
        # score order, one memory read per sample rather than three.
        width = (
            np.int32 if n_labels + max(map(np.max, self._held)) < 2**31 else np.int64
        )
        self._counts = np.zeros((n, 4), dtype=width)
        self.tp, self.pp, self.pos = (self._counts[:, c] for c in range(3))
        self.pos[:] = Y.sum(axis=1, dtype=np.int64) + self._held[2]
        # Each sample's gain if one more of its labels turns positive, as a
        # negative and as a positive of it (entry_gains), kept up to date as
        # the counts change: a label's gains are then one gather.
        self._gains = np.zeros((n, 2))

    def set_thresholds(self, thresholds):
        """Recompute every count for ``thresholds`` (one pass)."""
        D = self.S > thresholds
        self.tp[:] = (
            np.logical_and(D, self.Y).sum(axis=1, dtype=np.int64) + self._held[0]
        )
        self.pp[:] = D.sum(axis=1, dtype=np.int64) + self._held[1]
        self.n_above = D.sum(axis=0, dtype=np.int64)
        self._update_gains(slice(None))

    def _update_gains(self, rows):
        tp, pp, pos = self.tp[rows], self.pp[rows], self.pos[rows]
        for y in (False, True):
            self._gains[rows, int(y)] = entry_gains(self.metric, tp, pp, pos, y)

    def value(self):
        """The metric at the current thresholds."""
        return float(self.metric.from_counts(self.tp, self.pp, self.pos))

    def gains(self, j, stop=None):
        """Gain of each sample's F when label ``j`` is positive rather than not.

        Parameters
        ----------
        j : int
        stop : int or None, default=None
            Only the ``stop`` highest scores of the label (all if None).

        Returns
        -------
        gains : ndarray of float64 of shape (n_samples,) or (stop,)
            In decreasing order of label ``j``'s scores, given the other
            labels' current decisions. The metric of the cut that makes the
            ``k`` highest scores positive is, up to a constant,
            ``gains[:k].sum() / n_samples``.
        """
        stop = self.n_samples if stop is None else stop
        y = self.y_desc[j, :stop]
        rows = self.order[j, :stop]
        wide = rows if self.n_samples < 2**30 else rows.astype(np.int64)
        gains = self._gains.reshape(-1).take(wide * 2 + y)
        # The highest n_above are positive: their gains without label j's
        # own decision.
        above = min(int(self.n_above[j]), stop)
        counts = np.take(self._counts, rows[:above], axis=0)
        tp, pp, pos = counts[:, 0], counts[:, 1], counts[:, 2]
        tp -= y[:above]
        pp -= 1
        gains[:above] = entry_gains(self.metric, tp, pp, pos, y[:above])
        return gains

    def useful_stop(self, j):
        """Scores of label ``j`` past which no cut can be best, nor is current.

        Below a label's lowest positive score only negatives enter, and a
        negative never raises a sample's F: cuts there are no better than
        the first cut below that positive (past the scores tied with it).
        """
        return max(int(self._useful[j]), int(self.n_above[j]))

    def valid_cuts(self, j, stop=None):
        """Boolean mask of shape (stop + 1,): cuts between distinct scores."""
        stop = self.n_samples if stop is None else stop
        valid = np.ones(stop + 1, dtype=bool)
        valid[1:stop] = ~self._tie_next[j, : stop - 1]
        if stop < self.n_samples:
            valid[stop] = not self._tie_next[j, stop - 1]
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
        self._update_gains(idx)

    def cut_threshold(self, j, n_above):
        """Central threshold of label ``j`` leaving ``n_above`` scores above."""
        n = self.n_samples
        order = self.order[j]
        if n_above == 0:
            return float(self.S[order[0], j])
        if n_above >= n:
            return float(np.nextafter(np.float64(self.S[order[-1], j]), -np.inf))
        return float(midpoint(self.S[order[n_above - 1], j], self.S[order[n_above], j]))
