"""The best threshold shared by all labels: exact sweeps, from matrices or summaries."""

import numpy as np

from skthresh._cuts import level_cut_threshold, midpoint, search_segments
from skthresh._summary import ScoreSummary
from skthresh.strategies._callable import is_callable_metric, shared_threshold_callable
from skthresh.strategies._held import plain_metric
from skthresh.strategies._row_blocks import RowBlocks
from skthresh.strategies._shared_micro import best_micro_cut
from skthresh.strategies._shared_samples import (
    best_samples_cut,
    block_rows,
    samples_cut_bound,
)


def shared_threshold(Y, S, metric):
    """The best threshold shared by all labels, for any metric.

    Exact for an F-beta (:func:`best_shared_threshold`, from matrices or a
    summary); for a callable metric, the best of up to 256 cuts evenly
    spaced in rank (one call of the metric each).

    Returns
    -------
    threshold : numpy.float64 or float
    """
    if is_callable_metric(metric):
        return shared_threshold_callable(metric, Y, S, max_candidates=256)[0]
    return best_shared_threshold(Y, S, metric)[0]


def best_shared_threshold(Y, S, metric):
    """Exact best threshold shared by all labels, and its metric value.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels) or RowBlocks
        Validated labels, or for a samples average labels and scores read
        by blocks of rows (then ``S`` is unused).
    S : ndarray of float of shape (n_samples, n_labels) or ScoreSummary
        Validated scores, or their summary (then ``Y`` is unused and the
        average must be micro or macro).
    metric : FBeta
        Metric to maximize.

    Returns
    -------
    threshold : numpy.float64
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    if isinstance(Y, RowBlocks):  # a samples average read by blocks of rows
        return _best_samples_cut(Y, None, metric)
    if isinstance(S, ScoreSummary):
        return best_shared_threshold_summary(S, metric)
    if metric.average == "micro":
        threshold, value = _best_micro_cut(Y, S, metric)
    elif metric.average == "samples":
        return _best_samples_cut(Y, S, metric)
    else:
        values, cut_scores = shared_threshold_curve(Y, S, metric)
        best = int(np.argmax(values))
        threshold, value = level_cut_threshold(cut_scores, best), values[best]
    # np.float64, not float: numpy compares float32 scores with a Python
    # float in float32 (NEP 50), which can move a threshold onto a score.
    return np.float64(threshold), float(value)


def _best_micro_cut(Y, S, metric):
    """Best shared cut for a micro average, without copying the scores.

    See :func:`~skthresh.strategies._shared_micro.best_micro_cut`.
    """
    rows = max(1, (16 * 2**20) // max(1, S.shape[1] * S.itemsize))

    def blocks():
        for start in range(0, S.shape[0], rows):
            yield S[start : start + rows]

    def highest_below(level):
        best = -np.inf
        for block in blocks():
            best = max(best, float(np.max(block, where=block < level, initial=-np.inf)))
        return None if best == -np.inf else best

    threshold, value = best_micro_cut(blocks, S[Y], S.size, metric, highest_below)
    if threshold is None:
        return S.max(), value
    return threshold, value


def _best_samples_cut(Y, S, metric):
    """Best shared cut for a samples average, a block of rows at a time.

    See :func:`~skthresh.strategies._shared_samples.best_samples_cut`.
    """
    plain, offsets = plain_metric(metric)
    return best_samples_cut(_row_blocks(Y, S), plain, offsets)


def shared_samples_bound(Y, S, metric):
    """An upper bound on the best shared threshold's samples average.

    A few passes over the scores instead of the exact sweep's dozens; see
    :func:`~skthresh.strategies._shared_samples.samples_cut_bound`.

    Returns
    -------
    bound : float
    """
    plain, offsets = plain_metric(metric)
    return samples_cut_bound(_row_blocks(Y, S), plain, offsets)


def _row_blocks(Y, S):
    """``blocks()`` of the samples sweeps: a RowBlocks' own, or consecutive rows."""
    if isinstance(Y, RowBlocks):
        return Y.blocks
    rows = block_rows(S.shape[1])

    def blocks():
        for start in range(0, S.shape[0], rows):
            yield Y[start : start + rows], S[start : start + rows]

    return blocks


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
        tp0, pp0 = np.zeros(n_groups, dtype=np.int64), np.zeros(n_groups, np.int64)
        if metric.average == "samples":
            # Labels held fixed add constant counts to each sample.
            plain, held = plain_metric(metric)
            if held is not None:
                f, (tp0, pp0, pos0) = plain.elementwise, held
                pos = pos + pos0
                tp_new, pp_new = tp_new + tp0[groups], pp_new + pp0[groups]
        pos_k = pos[groups]
        delta = f(tp_new, pp_new, pos_k) - f(tp_new - y_desc, pp_new - 1, pos_k)
        start = f(tp0, pp0, pos).mean()
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


def best_shared_threshold_summary(summary, metric):
    """Exact best shared threshold from a :class:`~skthresh.ScoreSummary`.

    The same cut as :func:`best_shared_threshold` for a micro or macro
    average, without sorting all scores together: the best shared cut is
    "nothing positive" or just below a positive score (lowering a cut past
    negative scores only never raises an F-measure), so only the distinct
    positive levels are candidates. Each label's sorted scores are placed
    among the candidates by binary search, a block of labels at a time, and
    each label adds its change of counts (micro) or of F (macro) at the
    candidates where they change: ``O(n_scores * log(n_candidates))`` time
    and, besides the summary, memory of a few blocks and the candidates.

    Parameters
    ----------
    summary : ScoreSummary
    metric : FBeta
        A micro or macro average.

    Returns
    -------
    threshold : numpy.float64
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    if getattr(summary, "weighted", False):
        return _weighted_cut(summary, metric)
    if metric.average == "micro":
        return _summary_micro_cut(summary, metric)
    ascending = np.unique(summary.pos_values)
    n_cand = ascending.size
    n, n_labels = summary.n_samples, summary.n_labels
    pos = summary.pos
    # A score becomes positive at candidate k = 1 + (candidates above it);
    # k = 0 is "nothing positive", k = n_cand + 1 "never".
    width = n_cand + 2

    def candidate(values):
        return (n_cand + 1) - np.searchsorted(ascending, values, side="right")

    pos_label = np.repeat(np.arange(n_labels), pos)
    pos_keys = np.sort(pos_label * width + candidate(summary.pos_values))
    f0 = metric.elementwise(np.zeros(n_labels), np.zeros(n_labels), pos)
    d_f = np.zeros(width)
    block = max(1, (32 * 2**20) // max(1, n * 8))
    for j0 in range(0, n_labels, block):
        j1 = min(j0 + block, n_labels)
        label, value, n_above = summary.descending(j0, j1)
        k = candidate(value)
        d_f += _macro_changes(
            label, k, n_above, j0, pos_keys, width, summary, f0, metric
        )
    values_at = (f0.sum() + np.cumsum(d_f)[:-1]) / n_labels
    # The highest cut among those equal up to the rounding of the sums.
    top = values_at.max()
    best = int(np.argmax(values_at >= top - 1e-12 * max(1.0, abs(top))))
    if best == 0:
        return np.float64(summary.max()), float(values_at[0])
    level = ascending[n_cand - best]
    return _threshold_below(summary, level), float(values_at[best])


def _weighted_cut(summary, metric):
    """The best shared cut of a summary of weighted samples (micro or macro).

    The candidates of the unweighted sweep: nothing positive, or just below
    a distinct positive score ``c_m`` (``m = 1`` the highest). A score
    enters at the first candidate at or below it; each label's scores are
    placed among the candidates by one binary search, and, for each run of
    its scores entering together, its weights above the cut are read from
    its cumulative weights. The changes of the pooled counts (micro) or of
    the label's F (macro) at each candidate are summed over labels, a block
    of labels at a time. Ties go to the highest threshold, as without
    weights.
    """
    ascending = np.unique(summary.pos_values)
    K = ascending.size
    n, n_labels = summary.n_samples, summary.n_labels
    pos = summary.pos_weight
    micro = metric.average == "micro"
    zero = np.zeros(n_labels)
    f0 = metric.elementwise(zero, zero, pos)  # per label (macro)
    changes = np.zeros((2 if micro else 1, K + 2))
    block = max(1, 2**20 // max(1, n))  # scores per block: 2**20, a few MB each
    for j0 in range(0, n_labels, block):
        V = summary.values[j0 : j0 + block]
        M = (K + 1) - np.searchsorted(ascending, V, side="right")  # entering at
        first = np.ones(V.shape, dtype=bool)
        first[:, 1:] = M[:, 1:] != M[:, :-1]
        first &= M <= K  # scores below every positive level never enter
        rows, idx = np.nonzero(first)
        m, label = M[rows, idx], j0 + rows
        pp = summary._cum[label, -1] - summary._cum[label, idx]
        lo, hi = summary.pos_start[label], summary.pos_start[label + 1]
        below = search_segments(summary.pos_values, lo, hi, ascending[K - m], True)
        tp = pos[label] - summary._pos_cum[summary._pos_cum_start[label] + below]
        # Runs are by increasing score within a label: the run after a run
        # (same label) is the state of the previous, higher candidate.
        last = np.ones(rows.size, dtype=bool)
        last[:-1] = rows[1:] != rows[:-1]
        if micro:
            for k, now in enumerate((tp, pp)):
                before = np.empty_like(now)
                before[:-1] = now[1:]
                before[last] = 0.0
                changes[k] += np.bincount(m, weights=now - before, minlength=K + 2)
            continue
        f = metric.elementwise(tp, pp, pos[label])
        before = np.empty_like(f)
        before[:-1] = f[1:]
        before[last] = f0[label[last]]
        changes[0] += np.bincount(m, weights=f - before, minlength=K + 2)
    if micro:
        TP, PP = np.cumsum(changes, axis=1)[:, : K + 1]
        values = metric.elementwise(TP, PP, pos.sum())
    else:
        values = f0.sum() + np.cumsum(changes[0])[: K + 1]
    top = values.max()
    best = int(np.argmax(values >= top - 1e-12 * max(1.0, abs(top))))
    if best == 0:
        threshold = np.float64(summary.max())
    else:
        threshold = _threshold_below(summary, ascending[K - best])
    value = summary.score(metric, np.full(n_labels, threshold))
    return threshold, value


def _summary_micro_cut(summary, metric):
    threshold, value = best_micro_cut(
        summary.stored_blocks,
        summary.pos_values,
        summary.n_samples * summary.n_labels,
        metric,
        lambda level: _below(summary, level),
        zeros=int(summary._zeros.sum()),
    )
    if threshold is None:
        return np.float64(summary.max()), value
    return threshold, value


def _macro_changes(rows, k, n_above, j0, pos_keys, width, summary, f0, metric):
    """Changes of the summed per-label F at each candidate, for some labels.

    ``k`` holds the candidate index of each score of labels ``j0 + rows``,
    by decreasing score (so by increasing ``k``) within each label, and
    ``n_above`` the label's scores at or above it (see
    :meth:`ScoreSummary.descending`).
    """
    # Counts change once per run of scores entering at the same candidate.
    last = np.ones(k.size, dtype=bool)
    last[:-1] = (k[:-1] != k[1:]) | (rows[:-1] != rows[1:])
    ends = np.flatnonzero(last)
    rows, k_run, pp = rows[ends], k[ends], n_above[ends]
    label = j0 + rows
    tp = (
        np.searchsorted(pos_keys, label * width + k_run, side="right")
        - summary.pos_start[label]
    )
    f = metric.elementwise(tp, pp, summary.pos[label])
    before = np.empty_like(f)
    before[1:] = f[:-1]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    before[first] = f0[label[first]]
    return np.bincount(k_run, weights=f - before, minlength=width)


def _threshold_below(summary, level):
    """Midpoint between ``level`` and the highest score below it, any label."""
    lower = _below(summary, level)
    if lower is None:
        return np.nextafter(np.float64(level), -np.inf)
    return np.float64(midpoint(level, lower))


def _below(summary, level):
    """The highest score below ``level`` of any label, None if none is."""
    below = summary.rank_of(np.arange(summary.n_labels), level, strict=True)
    has = below > 0
    if not has.any():
        return None
    return summary.value_at(np.flatnonzero(has), below[has] - 1).max()
