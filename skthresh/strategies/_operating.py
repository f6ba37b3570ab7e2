"""Operating-point metrics from count curves: candidate cuts, per-label optima."""

import dataclasses
import warnings

import numpy as np

from skthresh._cuts import search_segments
from skthresh._validation import listed
from skthresh.metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    UnreachableFloorWarning,
    Utility,
)
from skthresh.metrics._operating_points import is_floor_metric

OPERATING_METRICS = (RecallAtPrecision, PrecisionAtRecall, Utility)


def is_operating_metric(metric):
    """Whether ``metric`` is a floor metric or a :class:`~skthresh.metrics.Utility`."""
    return isinstance(metric, OPERATING_METRICS)


@dataclasses.dataclass
class OperatingPoint:
    """What a strategy learned for an operating-point metric.

    ``constraint_met`` is a bool array per label (``average="label"``) or a
    bool (``"micro"``), None for a utility; ``unreachable`` the labels that
    no cut brings to the floor (None for a utility).
    """

    thresholds: np.ndarray
    objective: float
    constraint_met: object = None
    unreachable: object = None


@dataclasses.dataclass
class Cuts:
    """Candidate cuts of every label: contiguous per label, by decreasing threshold.

    The first cut of each label (``start[j]``) leaves nothing positive.
    """

    label: np.ndarray
    tp: np.ndarray
    pp: np.ndarray
    threshold: np.ndarray
    start: np.ndarray
    pos: np.ndarray
    n_samples: int
    gap_pp: object = None

    def keep(self, mask):
        """The cuts where ``mask`` is true (every label keeps its first cut)."""
        mask = mask.copy()
        mask[self.start[:-1]] = True
        counts = np.bincount(self.label[mask], minlength=self.pos.size)
        return Cuts(
            self.label[mask],
            self.tp[mask],
            self.pp[mask],
            self.threshold[mask],
            np.concatenate([[0], np.cumsum(counts)]),
            self.pos,
            self.n_samples,
            None if self.gap_pp is None else self.gap_pp[mask],
        )


def candidate_cuts(summary, metric):
    """Every cut that can be best for ``metric``, label by label.

    For a precision or recall floor, the cuts just below a positive score
    and the empty cut (see :meth:`~skthresh.ScoreSummary.positive_cuts`):
    moving a cut down past negative scores only never raises recall nor
    precision. A utility may reward predicted negatives (a false-positive
    gain above the true-negative one): then the lowest cut of each run of
    negative scores can be best, which is the cut just above a positive
    score, or the cut below every score; both are added.
    """
    label, tp, pp, thr, start = summary.positive_cuts()
    if isinstance(metric, Utility):
        L, n = summary.n_labels, summary.n_samples
        pv = summary.pos_values
        pos_label = np.repeat(np.arange(L), summary.pos)
        first = np.ones(pv.size, dtype=bool)
        first[1:] = (pv[1:] != pv[:-1]) | (pos_label[1:] != pos_label[:-1])
        level_label = pos_label[first]
        # Cuts just above each positive level: the scores > level.
        tp_a, pp_a = summary.counts(pv[first], labels=level_label)
        everything = np.arange(L)
        label = np.concatenate([label, level_label, everything])
        tp = np.concatenate([tp, tp_a, summary.pos])
        pp = np.concatenate([pp, pp_a, np.full(L, n)])
        # Within a label, one cut per number of scores above; by that number.
        key = label * (n + 1) + pp
        key, index = np.unique(key, return_index=True)
        label, tp, pp = label[index], tp[index], pp[index]
        thr = summary.cut_threshold(label, pp)
        start = np.concatenate([[0], np.cumsum(np.bincount(label, minlength=L))])
    cuts = Cuts(label, tp, pp, thr, start, summary.pos, summary.n_samples)
    if isinstance(metric, RecallAtPrecision) and metric.confidence is not None:
        cuts.gap_pp = _gap_pp(summary, label, pp, start)
    return cuts


def _gap_pp(summary, label, pp, start):
    """Predicted positives of the lowest cut before each next positive cut.

    Between a positive cut and the next one down, only negative scores
    enter: ``tp`` stays and ``pp`` grows to the number of scores above the
    next positive level (every score, after a label's last positive cut).
    """
    n = summary.n_samples
    gap = np.full(label.size, n, dtype=np.int64)
    has_next = np.ones(label.size, dtype=bool)
    has_next[start[1:] - 1] = False
    nxt = np.flatnonzero(has_next) + 1
    row = label[nxt] * n
    flat = summary.values.ravel()
    level = flat[row + n - pp[nxt]]  # lowest score of the next positive cut
    gap[has_next] = n - search_segments(flat, row, row + n, level, strict=False)
    return gap


def best_label_cuts(cuts, metric, trusted):
    """Each label's best cut for a floor metric (``"label"``) or a utility.

    Parameters
    ----------
    cuts : Cuts
    metric : RecallAtPrecision, PrecisionAtRecall or Utility
    trusted : ndarray of bool of shape (n_labels,)
        Labels allowed to predict anything; the others predict nothing.

    Returns
    -------
    choice : ndarray of int of shape (n_labels,)
        Index of each label's cut.
    feasible : ndarray of bool of shape (n_labels,) or None
        Whether the floor (its bound, with ``confidence``) holds at the cut;
        None for a utility.
    reachable : ndarray of bool of shape (n_labels,) or None
        Whether any cut of the label holds the floor; None for a utility.
    """
    label, tp, pp, first = cuts.label, cuts.tp, cuts.pp, cuts.start[:-1]
    pos = cuts.pos[label]
    if isinstance(metric, Utility):
        value = metric.label_values(tp, pp, pos, cuts.n_samples, labels=label)
        value = np.where(trusted[label], value, -np.inf)
        value[first] = metric.label_values(
            0, 0, cuts.pos, cuts.n_samples, labels=label[first]
        )
        # Highest value first; ties: fewest predicted, the highest threshold.
        order = np.lexsort((pp, -value, label))
        return order[first], None, None
    ok = metric.holds(tp, pp, pos) & trusted[label]
    if isinstance(metric, RecallAtPrecision) and metric.confidence is not None:
        gap_ok = metric.holds(tp, cuts.gap_pp, pos)
        ok = fixed_sequence(ok, pp, cuts.start, metric, gap=(gap_ok, cuts.gap_pp))
    if isinstance(metric, RecallAtPrecision):
        # Highest recall (tp), ties: highest precision (fewest predicted).
        primary, secondary = tp.astype(np.float64), -pp.astype(np.float64)
    else:
        # Highest precision, ties: highest recall.
        primary = np.divide(tp, pp, out=np.zeros(tp.shape), where=pp > 0)
        secondary = tp.astype(np.float64)
    order = np.lexsort((-secondary, -primary, ~ok, label))
    best = order[first]
    reachable = ok[best]
    choice = np.where(reachable, best, first)
    return choice, reachable.copy(), reachable


def fixed_sequence(ok, pp, start, metric, gap=None):
    """The cuts that a fixed-sequence walk down each label's curve accepts.

    Within each segment ``start[j]:start[j + 1]`` (one label, or one
    shared-threshold sweep; by decreasing threshold, so by increasing
    ``pp``), the cuts with at least
    :func:`~skthresh.metrics._operating_points.sequence_start` predictions
    are tested in order, ``ok`` being each test's verdict (the precision's
    lower confidence bound at the floor); the walk stops at the first
    failure. A cut is accepted when it and every tested cut above it pass.
    Cuts above the start are never accepted. ``gap``: the verdicts and
    ``pp`` of the cut tested after each cut (the lowest one before the
    next cut), for cuts that skip the levels between them.
    """
    from skthresh.metrics._operating_points import sequence_start

    first = sequence_start(metric.floor, metric.confidence)
    tested = pp >= first
    missed = (tested & ~ok).astype(np.int64)
    if gap is not None:
        gap_missed = (gap[1] >= first) & ~gap[0]
        missed[1:] += gap_missed[:-1]
        missed[start[:-1]] -= gap_missed[start[:-1] - 1] * (start[:-1] > 0)
    failed = np.cumsum(missed)
    sizes = np.diff(start)
    before = np.concatenate([[0], failed])[start[:-1]]
    return ok & tested & (failed == np.repeat(before, sizes))


def label_operating_point(summary, metric, trusted):
    """Exact per-label optimum of a floor metric (``"label"``) or a utility."""
    cuts = candidate_cuts(summary, metric)
    choice, feasible, reachable = best_label_cuts(cuts, metric, trusted)
    return operating_point(cuts, metric, choice, feasible, reachable)


def operating_point(cuts, metric, choice, constraint_met, reachable):
    """An :class:`OperatingPoint` from each label's chosen cut."""
    tp, pp = cuts.tp[choice], cuts.pp[choice]
    if isinstance(metric, Utility):
        objective = metric.from_counts(tp, pp, cuts.pos, cuts.n_samples)
        return OperatingPoint(cuts.threshold[choice], float(objective))
    objective = metric.from_counts(tp, pp, cuts.pos)
    return OperatingPoint(
        cuts.threshold[choice],
        float(objective),
        constraint_met,
        np.flatnonzero(~reachable),
    )


def warn_unreachable(metric, result, untrusted, *, shared=False, stacklevel=4):
    """Warn about labels that cannot reach the floor (or are not trusted to).

    ``untrusted``: labels with positives, but fewer than ``min_positives``.
    """
    if not is_floor_metric(metric):
        return
    unreachable = np.setdiff1d(result.unreachable, untrusted)
    bound = " on its confidence bound" if metric.confidence is not None else ""
    parts = []
    if unreachable.size and metric.average == "micro":
        parts.append(
            f"no choice of cuts meets the pooled floor of {metric.name}{bound} "
            "on the tuning data"
        )
    elif unreachable.size:
        parts.append(
            f"no cut of label indices {listed(unreachable)} meets the floor of "
            f"{metric.name}{bound} on the tuning data"
        )
    if untrusted.size:
        parts.append(
            f"label indices {listed(untrusted)} have fewer positive tuning "
            "samples than min_positives"
        )
    if not parts:
        return
    if metric.average == "micro" and unreachable.size:
        fate = "every label predicts nothing"
    elif shared:
        fate = (
            "they keep the shared threshold, chosen to meet the floor on the "
            "other labels"
        )
    else:
        fate = "they predict nothing: their thresholds are at their highest score"
    warnings.warn(
        f"{'; '.join(parts)}: {fate}.",
        UnreachableFloorWarning,
        stacklevel=stacklevel,
    )
