"""One threshold shared by all labels for an operating-point metric, by a sweep."""

import numpy as np

from skthresh._cuts import midpoint, search_segments
from skthresh.metrics import RecallAtPrecision, Utility
from skthresh.strategies._operating import OperatingPoint, fixed_sequence


def shared_operating_point(summary, metric, reachable, trusted):
    """The best shared threshold for a floor metric or a utility, exactly.

    Every distinct score is a candidate (with the threshold above every
    score): lowering a shared threshold past one score changes one label's
    counts, so the objective and the number of labels whose floor fails
    are cumulative sums over the scores in decreasing order.

    For ``average="label"``, the floor must hold for every label that can
    reach it (``reachable & trusted``), where a label predicting nothing
    counts as holding a precision floor (it makes no false claim) and
    failing a recall floor. For ``"micro"``, the pooled counts must hold
    it. Among the thresholds that do, the one with the best objective;
    ties go to the best recall for a precision objective, then to the
    highest threshold (for a recall objective, the best precision).
    """
    L, n = summary.n_labels, summary.n_samples
    values = summary.values
    flat = values.ravel()
    row = np.repeat(np.arange(L), n)
    index = np.tile(np.arange(n), L)
    # Runs of equal scores within a row; the state after a run (scores >=
    # its level above the threshold) is charged once, to its first entry.
    run_start = np.ones(flat.size, dtype=bool)
    run_start[1:] = (flat[1:] != flat[:-1]) | (row[1:] != row[:-1])
    starts = np.flatnonzero(run_start)
    s_row = row[starts]
    s_level = flat[starts]
    pp = n - index[starts]
    lo, hi = summary.pos_start[s_row], summary.pos_start[s_row + 1]
    tp = (hi - lo) - search_segments(summary.pos_values, lo, hi, s_level, strict=True)
    # The state just above a run is the state of the next run of its row.
    above = np.append(s_row[1:], -1) == s_row
    nxt_k = np.minimum(np.arange(starts.size) + 1, starts.size - 1)
    tp_above = np.where(above, tp[nxt_k], 0)
    pp_above = np.where(above, pp[nxt_k], 0)
    pos = summary.pos[s_row]
    guarded = (reachable & trusted)[s_row]

    if isinstance(metric, Utility):
        gain = metric.label_values(tp, pp, pos, n, labels=s_row)
        gain -= metric.label_values(tp_above, pp_above, pos, n, labels=s_row)
        start_value = float(metric.label_values(0, 0, summary.pos, n).sum())
    elif metric.average == "label":
        ratio = _ratio(*metric._objective(tp, pp, pos))
        gain = ratio - np.where(above, ratio[nxt_k], 0.0)
        start_value = 0.0
        # The state above a run is its row's next run (or nothing at all).
        empty_fails = _label_fails(metric, 0, 0, summary.pos)
        fail = _label_fails(metric, tp, pp, pos)
        if _sequential(metric):
            fail = _sequence_fails(metric, fail, pp, s_row)
        fail = fail.astype(np.int64)
        fail0 = np.where(above, fail[nxt_k], empty_fails[s_row])
        fail_delta = np.where(guarded, fail - fail0, 0)
        fail_start = int((empty_fails & reachable & trusted).sum())
    else:
        d_tp, d_pp = tp - tp_above, pp - pp_above
    # Sweep: every run, by decreasing level.
    order = np.argsort(-s_level.astype(np.float64), kind="stable")
    level = s_level[order].astype(np.float64)
    last = np.append(level[1:] != level[:-1], True)  # end of a group of ties
    threshold = np.concatenate(
        [
            [float(summary.max())],
            np.where(
                np.arange(level.size) + 1 < level.size,
                midpoint(level, np.append(level[1:], level[-1])),
                np.nextafter(level, -np.inf),
            )[last],
        ]
    )
    recall = None
    if isinstance(metric, Utility):
        objective = start_value + np.concatenate([[0.0], np.cumsum(gain[order])[last]])
        feasible = np.ones(objective.size, dtype=bool)
    elif metric.average == "label":
        objective = np.concatenate([[0.0], np.cumsum(gain[order])[last]]) / L
        recall = _ratio(tp - tp_above, pos)[order]
        recall = np.concatenate([[0.0], np.cumsum(recall)[last]]) / L
        fails = fail_start + np.concatenate([[0], np.cumsum(fail_delta[order])[last]])
        feasible = fails == 0
    else:
        TP = np.concatenate([[0], np.cumsum(d_tp[order])[last]])
        PP = np.concatenate([[0], np.cumsum(d_pp[order])[last]])
        POS = int(summary.pos.sum())
        feasible = metric.holds(TP, PP, POS)
        if _sequential(metric):
            feasible = fixed_sequence(feasible, PP, np.array([0, PP.size]), metric)
        objective = _ratio(*metric._objective(TP, PP, POS))
        recall = _ratio(TP, POS)
    if isinstance(metric, (RecallAtPrecision, Utility)):
        recall = None  # ties: the highest threshold has the best precision
    return _pick(summary, metric, threshold, objective, feasible, recall)


def _sequential(metric):
    """Whether a precision floor is tested as a fixed sequence (``confidence``).

    A recall floor needs no walk: its bound rises as the threshold falls, so
    the cuts that pass are already those of a walk up from the lowest one.
    """
    return isinstance(metric, RecallAtPrecision) and metric.confidence is not None


def _sequence_fails(metric, fail, pp, s_row):
    """Per-label fails of a fixed-sequence walk down the shared threshold.

    A label predicting something fails at a run when it has fewer
    predictions than the walk's start, or when its bound misses the floor
    there or at any tested run above (runs are by increasing level within
    each row, so "above" is later in the row).
    """
    from skthresh.metrics._operating_points import sequence_start

    tested = pp >= sequence_start(metric.floor, metric.confidence)
    missed = (tested & fail).astype(np.int64)
    after = np.cumsum(missed[::-1])[::-1]  # misses from each run to the end
    next_row = np.searchsorted(s_row, s_row, side="right")
    later = np.append(after, 0)[next_row]  # misses of the rows after
    return (pp > 0) & (fail | ~tested | (after > later))


def _ratio(k, m):
    return np.divide(k, m, out=np.zeros(np.shape(k)), where=m > 0)


def _label_fails(metric, tp, pp, pos):
    """Whether a label's floor fails at these counts (predicting nothing
    holds a precision floor, fails a recall floor)."""
    tp, pp, pos = np.broadcast_arrays(tp, pp, pos)
    fails = ~metric.holds(tp, pp, pos)
    if isinstance(metric, RecallAtPrecision):
        fails &= pp > 0
    return fails


def _pick(summary, metric, threshold, objective, feasible, recall):
    n_labels = summary.n_labels
    if not feasible.any():
        t = float(summary.max())
    else:
        value = np.where(feasible, objective, -np.inf)
        top = value.max()
        tied = value >= top - 1e-12 * max(1.0, abs(top))
        if recall is not None:
            # A precision objective: ties go to the best recall.
            best = recall[tied].max()
            tied &= recall >= best - 1e-12 * max(1.0, best)
        # Candidates are by decreasing threshold: then the highest one.
        t = float(threshold[np.flatnonzero(tied)[0]])
    thresholds = np.full(n_labels, t)
    tp, pp = summary.counts(thresholds)
    if isinstance(metric, Utility):
        value = metric.from_counts(tp, pp, summary.pos, summary.n_samples)
        return OperatingPoint(thresholds, float(value))
    if metric.average == "label":
        met = metric.holds(tp, pp, summary.pos)
    else:
        met = bool(metric.holds(tp.sum(), pp.sum(), summary.pos.sum()))
    value = float(metric.from_counts(tp, pp, summary.pos))
    return OperatingPoint(thresholds, value, met, None)
