"""Pooled (micro) floors: one cut per label under a constraint on summed counts."""

# Choosing one cut per label to maximize a sum subject to another sum is a
# multiple-choice knapsack problem, solved by a Lagrangian sweep, a greedy
# completion and a repair step; see ``maximize_pooled`` for the guarantee.

import numpy as np

from skthresh._summary import ScoreSummary
from skthresh._summary_build import set_dense
from skthresh.metrics import RecallAtPrecision
from skthresh.strategies._operating import OperatingPoint, candidate_cuts

_BISECTIONS = 64
_REPAIRS = 200
# Internal floors tried, from halfway between the floor and 1 down to it.
_FAMILY = 20


def _segment_best(values, tiebreak, cuts):
    """Per label, the first index of the highest ``values``, ties: highest tiebreak.

    Cuts are by decreasing threshold, so remaining ties go to the highest one.
    """
    first, label = cuts.start[:-1], cuts.label
    at = values == np.maximum.reduceat(values, first)[label]
    second = np.where(at, tiebreak, -np.inf)
    at &= second == np.maximum.reduceat(second, first)[label]
    index = np.arange(values.size)
    return np.minimum.reduceat(np.where(at, index, values.size), first)


def maximize_pooled(cuts, a, b, target):
    """One cut per label: maximize ``sum(a)`` subject to ``sum(b) >= target``.

    Parameters
    ----------
    cuts : Cuts
        The candidate cuts (``label`` and ``start`` are used).
    a, b : ndarray of float64 of shape (n_cuts,)
        Objective and constraint terms of every cut.
    target : float

    Returns
    -------
    choice : ndarray of int of shape (n_labels,)
        The chosen cut of each label.
    feasible : bool
        Whether ``sum(b[choice]) >= target``; when no choice is, the choice
        with the largest ``sum(b)`` is returned.
    bound : float
        An upper bound of ``sum(a)`` over all feasible choices (the
        Lagrangian dual value), ``inf`` when infeasible.

    Notes
    -----
    For any ``lambda >= 0``, ``D(lambda) = sum_j max_c (a + lambda * b) -
    lambda * target`` bounds every feasible ``sum(a)`` from above (weak
    duality). The bisection brackets the critical ``lambda*`` between a
    value whose per-label maximizers are feasible and one whose are not;
    the two choices differ in a few labels, all of whose moves have the
    ratio ``-delta_a / delta_b`` equal to ``lambda*`` up to the bracket
    width. Taking those moves greedily while feasible, then repairing,
    ends within ``D(lambda*) - sum(a)`` of the optimum, a gap that this
    function returns (as ``bound``) and that the LP relaxation of the
    knapsack limits to the gain of one label's move at ``lambda*``: at
    most the largest single-label step of ``a`` along that label's
    concave hull.
    """
    b_sum_of = lambda choice: float(b[choice].sum())  # noqa: E731
    # Most feasible choice: the largest b of each label, ties: largest a.
    most = _segment_best(b, a, cuts)
    if b_sum_of(most) < target:
        return most, False, np.inf
    free = _segment_best(a, b, cuts)
    if b_sum_of(free) >= target:
        return free, True, float(a[free].sum())
    lo, hi = 0.0, 1.0
    while b_sum_of(_segment_best(a + hi * b, b, cuts)) < target:
        hi *= 2.0
        if hi > 1e300:  # pragma: no cover - b spans more than floats do
            break
    for _ in range(_BISECTIONS):
        mid = lo + (hi - lo) / 2.0
        if mid in (lo, hi):
            break
        if b_sum_of(_segment_best(a + mid * b, b, cuts)) >= target:
            hi = mid
        else:
            lo = mid
    choice = _segment_best(a + hi * b, b, cuts)
    tempting = _segment_best(a + lo * b, b, cuts)
    bound = min(_dual(a, b, target, hi, cuts), _dual(a, b, target, lo, cuts))
    # Greedy completion: moves towards the infeasible side, best ratio first.
    moved = np.flatnonzero(choice != tempting)
    gain = a[tempting[moved]] - a[choice[moved]]
    cost = b[choice[moved]] - b[tempting[moved]]
    ratio = np.divide(gain, cost, out=np.full(gain.shape, np.inf), where=cost > 0)
    slack = b_sum_of(choice) - target
    for k in np.argsort(-ratio, kind="stable"):
        if gain[k] > 0 and cost[k] <= slack:
            choice[moved[k]] = tempting[moved[k]]
            slack -= cost[k]
    choice = _repair(cuts, a, b, target, choice)
    return choice, True, bound


def _dual(a, b, target, lam, cuts):
    best = _segment_best(a + lam * b, b, cuts)
    return float((a[best] + lam * b[best]).sum() - lam * target)


def _repair(cuts, a, b, target, choice):
    """Give the slack to the one label move that gains most, while one does."""
    label = cuts.label
    for _ in range(_REPAIRS):
        slack = float(b[choice].sum()) - target
        # A cut is affordable when it costs at most the slack more than the
        # label's current cut.
        affordable = b >= b[choice][label] - slack
        value = np.where(affordable, a, -np.inf)
        best = _segment_best(value, b, cuts)
        gain = a[best] - a[choice]
        j = int(np.argmax(gain))
        if not gain[j] > 1e-12 * max(1.0, abs(float(a[choice].sum()))):
            break
        choice[j] = best[j]
    return choice


def micro_operating_point(cuts, metric):
    """Pooled floor: see :class:`~skthresh.strategies.CoordinateAscent` Notes."""
    tp = cuts.tp.astype(np.float64)
    pp = cuts.pp.astype(np.float64)
    pos_total = int(cuts.pos.sum())
    if isinstance(metric, RecallAtPrecision):
        choice, feasible = _recall_at_precision(cuts, metric, tp, pp)
    else:
        choice, feasible = _precision_at_recall(cuts, metric, tp, pp, pos_total)
    TP, PP = int(cuts.tp[choice].sum()), int(cuts.pp[choice].sum())
    met = bool(metric.holds(TP, PP, pos_total)) if feasible else False
    if not met:
        choice = cuts.start[:-1].copy()  # nothing can meet it: predict nothing
        TP = PP = 0
    objective = float(metric.from_counts(np.array([TP]), np.array([PP]), pos_total))
    unreachable = np.array([], dtype=np.int64)
    if not met:
        unreachable = np.arange(cuts.pos.size)
    return OperatingPoint(cuts.threshold[choice], objective, met, unreachable)


def _recall_at_precision(cuts, metric, tp, pp):
    """Max pooled tp subject to pooled tp >= floor * pooled pp (or its bound)."""
    floor = metric.floor
    pos_total = int(cuts.pos.sum())
    for _ in range(30):
        choice, feasible, _ = maximize_pooled(cuts, tp, tp - floor * pp, 0.0)
        if not feasible:
            return choice, False
        TP, PP = int(cuts.tp[choice].sum()), int(cuts.pp[choice].sum())
        if PP == 0:
            # Predicting nothing has no precision: no choice that predicts
            # something meets this working floor (the sum maximized would
            # be positive otherwise), except with a tp of 0, which none does.
            return choice, False
        if metric.holds(TP, PP, pos_total):
            return choice, True
        # The confidence bound (or rounding) misses the floor: raise the
        # working floor by the gap between the ratio and its bound.
        gap = TP / PP - _lower(metric, TP, PP)
        floor = min(1.0, max(floor + gap, float(np.nextafter(floor, 2.0))))
    return choice, False


def _lower(metric, k, m):
    from skthresh.metrics._operating_points import lower_confidence_bound

    if metric.confidence is None:
        return k / m
    return float(lower_confidence_bound(k, m, metric.confidence))


def _precision_at_recall(cuts, metric, tp, pp, pos_total):
    """Max pooled precision subject to pooled tp >= the least that holds."""
    if pos_total == 0:
        return cuts.start[:-1].copy(), False
    # The least pooled tp whose recall (or its bound) holds: monotone in tp.
    lo, hi = 0, pos_total
    if not metric.holds(pos_total, 0, pos_total):
        return cuts.start[:-1].copy(), False
    while lo < hi:
        mid = (lo + hi) // 2
        if metric.holds(mid, 0, pos_total):
            hi = mid
        else:
            lo = mid + 1
    need = float(lo)
    # Start: the fewest predictions that reach it; then Dinkelbach steps on
    # the precision: maximize tp - mu * pp with the same constraint.
    choice, feasible, _ = maximize_pooled(cuts, -pp, tp, need)
    if not feasible:
        return choice, False
    for _ in range(50):
        TP, PP = float(tp[choice].sum()), float(pp[choice].sum())
        mu = TP / PP
        new, _, _ = maximize_pooled(cuts, tp - mu * pp, tp, need)
        nTP, nPP = float(tp[new].sum()), float(pp[new].sum())
        if nTP * PP <= TP * nPP:  # no better precision: done
            break
        choice = new
    return choice, True


def confident_micro_operating_point(summary, metric, trusted):
    """Pooled floor with ``confidence``: fit on one half, test on the other.

    Each label's tuning samples are split at random (a fixed seed) into
    halves ``A`` and ``B``. On ``A``, the pooled solutions without
    confidence for the internal floors ``floor + (1 - floor) * k / (2 *
    _FAMILY)``, ``k = _FAMILY, ..., 0`` (halfway between the floor and 1,
    down to the floor) form a sequence fixed before ``B`` is looked at.
    Walking it from the strictest, each solution's pooled counts on ``B``
    must hold the floor on their one-sided Clopper-Pearson bound; the walk
    stops at the first failure (fixed-sequence testing), and the last
    solution that passed is kept, with its thresholds from ``A`` (labels
    not ``trusted`` predict nothing). Nothing passes: every label predicts
    nothing.
    """
    n = summary.n_samples
    tune, test = _halves(summary)
    kind = type(metric)
    floors = metric.floor + (1.0 - metric.floor) / 2.0 * np.linspace(1, 0, _FAMILY + 1)
    highest = summary.values[:, -1].astype(np.float64) if n else np.zeros(0)
    chosen = None
    for floor in floors if min(tune.n_samples, test.n_samples) else ():
        inner = kind(float(floor), average="micro")
        cuts = candidate_cuts(tune, inner)
        point = micro_operating_point(cuts.keep(trusted[cuts.label]), inner)
        if not point.constraint_met:
            break
        # Labels not trusted with the floor predict nothing on all the data.
        fitted = np.where(trusted, point.thresholds, highest)
        tp, pp = test.counts(fitted)
        if not metric.holds(tp.sum(), pp.sum(), test.pos.sum()):
            break
        chosen = fitted
    met = chosen is not None
    if not met:
        chosen = highest
    tp, pp = summary.counts(chosen)
    objective = float(metric.from_counts(tp, pp, summary.pos))
    unreachable = np.array([], dtype=np.int64)
    if not met:
        unreachable = np.arange(summary.n_labels)
    return OperatingPoint(chosen, objective, met, unreachable)


def _halves(summary):
    """Two summaries of complementary random halves of each label's samples."""
    n = summary.n_samples
    first = np.zeros(n, dtype=bool)
    first[np.random.default_rng(0).permutation(n)[: n // 2]] = True
    # Which of each label's sorted scores are positive (ties: any of them).
    positive = np.zeros(summary.values.shape, dtype=bool)
    for j in range(summary.n_labels):
        scores = summary.pos_values[summary.pos_start[j] : summary.pos_start[j + 1]]
        rank = np.arange(scores.size) - np.searchsorted(scores, scores, side="left")
        positive[j, np.searchsorted(summary.values[j], scores, side="left") + rank] = 1
    halves = []
    for part in (first, ~first):
        flags = positive[:, part]
        values = np.ascontiguousarray(summary.values[:, part])
        half = ScoreSummary.__new__(ScoreSummary)
        set_dense(half, values, values[flags], flags.sum(1))
        halves.append(half)
    return halves
