"""One threshold shared by all labels, found by an exact sweep."""

import numpy as np

from skthresh.strategies._base import BaseThresholdStrategy


class GlobalThreshold(BaseThresholdStrategy):
    """The best single threshold shared by every label, found exactly.

    All scores are sorted once, in decreasing order; lowering a shared
    threshold past one score changes the counts of one label (and one
    sample) only, so the metric at every possible cut is a cumulative sum of
    those changes. The best cut is then an ``argmax``, for micro, macro and
    samples F-beta alike. The threshold returned is the midpoint between the
    two scores around the best cut.

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

    _accepts_callable_metric = True
    _brute_force_tolerance = 0.4

    def _optimize(self, Y, S, metric):
        from skthresh.strategies._callable import (
            is_callable_metric,
            shared_threshold_callable,
        )

        if is_callable_metric(metric):  # exact: one call per distinct score
            threshold, self.objective_ = shared_threshold_callable(metric, Y, S)
        else:
            threshold, _ = best_shared_threshold(Y, S, metric)
            # Recomputed from the decisions: the sweep's running sums can be
            # off by a few ulps for the macro and samples averages.
            self.objective_ = metric.score(Y, S > threshold)
        return np.full(S.shape[1], threshold)


def best_shared_threshold(Y, S, metric):
    """Exact best threshold shared by all labels, and its metric value.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    metric : FBeta
        Metric to maximize.

    Returns
    -------
    threshold : numpy.float64
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    if metric.average == "micro":
        threshold, value = _best_micro_cut(Y, S, metric)
    else:
        values, cut_scores = shared_threshold_curve(Y, S, metric)
        best = int(np.argmax(values))
        threshold, value = _cut_threshold(cut_scores, best), values[best]
    # np.float64, not float: numpy compares float32 scores with a Python
    # float in float32 (NEP 50), which can move a threshold onto a score.
    return np.float64(threshold), float(value)


def _best_micro_cut(Y, S, metric):
    """Best shared cut for a micro average, from one sort and the positives.

    Lowering a cut past negative scores only raises the predicted positives
    and not the true ones, which never raises a micro F-beta; so the best
    cut is "nothing positive" or "every score >= some positive score". One
    sorted copy of the scores and the sorted positive scores give the counts
    at those few cuts by binary search: about one sort, and one copy of the
    matrix in memory.
    """
    s_sorted = np.sort(S, axis=None)
    pos_sorted = np.sort(S[Y])
    n_pos = pos_sorted.size
    f = metric.elementwise
    start = float(f(np.float64(0), np.float64(0), np.float64(n_pos)))
    levels = np.unique(pos_sorted)[::-1]  # descending: highest threshold first
    pp = s_sorted.size - np.searchsorted(s_sorted, levels, side="left")
    tp = n_pos - np.searchsorted(pos_sorted, levels, side="left")
    values = f(tp, pp, n_pos)
    best = int(np.argmax(values)) if values.size else -1
    if best < 0 or values[best] <= start:
        return s_sorted[-1], start
    level = levels[best]
    below = np.searchsorted(s_sorted, level, side="left")
    if below == 0:
        return np.nextafter(np.float64(level), -np.inf), float(values[best])
    return midpoint(level, s_sorted[below - 1]), float(values[best])


def shared_threshold_curve(Y, S, metric):
    """Metric value at every cut of the sorted scores.

    Returns
    -------
    values : ndarray of shape (n_cuts + 1,)
        ``values[0]`` is the metric when nothing is positive; ``values[c]``
        when the ``c`` highest distinct score levels are positive.
    levels : ndarray of shape (n_cuts,)
        The distinct score levels, in decreasing order.
    """
    n, n_labels = S.shape
    s = S.ravel()
    f = metric.elementwise
    if metric.average == "micro":
        # Only pooled counts matter: two value sorts beat one argsort.
        s_desc = np.sort(s)[::-1]
        pos_sorted = np.sort(s[Y.ravel()])
        n_pos = pos_sorted.size
        pp = np.arange(1, s.size + 1, dtype=np.int64)
        tp = n_pos - np.searchsorted(pos_sorted, s_desc, side="left")
        start = f(np.float64(0), np.float64(0), np.float64(n_pos))
        after = f(tp, pp, n_pos)
    else:
        order = np.argsort(s)[::-1]
        s_desc = s[order]
        y_desc = Y.ravel()[order]
        if metric.average == "macro":
            groups, n_groups, pos = order % n_labels, n_labels, Y.sum(axis=0)
        else:
            groups, n_groups, pos = order // n_labels, n, Y.sum(axis=1)
        tp_new, pp_new = _running_group_counts(groups, y_desc, n_groups)
        pos_k = pos[groups]
        delta = f(tp_new, pp_new, pos_k) - f(tp_new - y_desc, pp_new - 1, pos_k)
        start = f(np.zeros(n_groups), np.zeros(n_groups), pos).mean()
        after = start + np.cumsum(delta) / n_groups
    # A cut is valid only after the last of several equal scores.
    last_of_level = np.ones(s.size, dtype=bool)
    last_of_level[:-1] = s_desc[:-1] != s_desc[1:]
    values = np.concatenate([[start], after[last_of_level]])
    levels = s_desc[last_of_level].astype(np.float64)
    return values, levels


def _running_group_counts(groups, y_desc, n_groups):
    """Counts of each element's group up to and including the element."""
    perm = np.argsort(groups, kind="stable")
    g_sorted = groups[perm]
    starts = np.searchsorted(g_sorted, np.arange(n_groups))
    run_pp = np.arange(1, groups.size + 1, dtype=np.int64) - starts[g_sorted]
    cum_y = np.cumsum(y_desc[perm], dtype=np.int64)
    before = np.concatenate([[0], cum_y])[starts]
    run_tp = cum_y - before[g_sorted]
    tp_new = np.empty_like(run_tp)
    pp_new = np.empty_like(run_pp)
    tp_new[perm] = run_tp
    pp_new[perm] = run_pp
    return tp_new, pp_new


def _cut_threshold(levels, cut):
    """Threshold that makes exactly the ``cut`` highest levels positive."""
    if cut == 0:
        return levels[0]
    if cut == levels.size:
        return np.nextafter(levels[-1], -np.inf)
    return midpoint(levels[cut - 1], levels[cut])


def midpoint(upper, lower):
    """A threshold strictly between two scores, as central as floats allow."""
    upper = np.asarray(upper, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.float64)
    mid = lower + (upper - lower) / 2.0
    return np.where(mid < upper, mid, lower)
