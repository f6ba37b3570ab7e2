"""Exact coordinate ascent: each label's best cut given all the others."""

import time
import warnings
from numbers import Integral

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skthresh._cuts import midpoint, significant
from skthresh._summary import ScoreSummary
from skthresh.metrics import FBeta
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._callable import (
    call_metric,
    is_callable_metric,
    shared_threshold_callable,
)
from skthresh.strategies._held import HeldFBeta
from skthresh.strategies._operating import candidate_cuts, label_operating_point
from skthresh.strategies._operating_micro import (
    confident_micro_operating_point,
    micro_operating_point,
)
from skthresh.strategies._sample_counts import SampleCounts
from skthresh.utils._sklearn_compat import Interval


class CoordinateAscent(BaseThresholdStrategy):
    """Per-label thresholds by exact coordinate ascent on the metric.

    Each label's threshold is set, in turn, to the best cut of that label's
    scores with every other threshold fixed, until no label changes. The
    best cut is exact: each label's scores are sorted once, and the metric
    at every cut is read from cumulative true and predicted positive counts
    combined with the other labels' counts. Only cuts just below a positive
    score (and the cut leaving nothing positive) can be best for an
    F-measure, so a sweep over all labels costs ``O(n_positives)`` for the
    micro and macro averages. A chosen cut becomes the midpoint between the
    two scores around it; the highest score of the label when nothing is
    positive, and just below its lowest score when everything is.

    Ties: among equally good cuts of a label, the highest threshold. For
    the samples average and callable metrics, labels are updated one at a
    time and a label moves only when another cut is strictly better than
    its current one.

    Parameters
    ----------
    max_iter : int, default=100
        Maximum number of sweeps over the labels. A
        :class:`~sklearn.exceptions.ConvergenceWarning` is emitted if the
        search stops for that reason before a sweep changed nothing.
    verbose : int, default=0
        Print the objective after each sweep when positive.

    Attributes
    ----------
    n_iter_ : int
        Number of sweeps run, the last one being the one that changed
        nothing (or the ``max_iter``-th).
    objective_ : float
        Metric value of the returned thresholds on the tuning data.
    history_ : dict of ndarray
        ``"objective"``, the metric at the start and after each sweep, and
        ``"elapsed"``, seconds since the start at each of those points.
    constraint_met_ : ndarray of bool of shape (n_labels,) or bool
        After a precision or recall floor: whether the floor (or its
        confidence bound) held on the tuning data, per label for
        ``average="label"``, pooled for ``"micro"``.
    unreachable_labels_ : ndarray of int
        After a floor metric: the labels that no cut brings to the floor,
        and those with fewer than ``min_positives`` positives; they predict
        nothing (all labels, for a pooled floor that nothing meets).

    See Also
    --------
    GlobalThreshold : The best threshold shared by all labels.
    GridSearch : Per-label grid search with refinement.

    Notes
    -----
    **Micro average.** Write ``F = a * TP / (b2 * POS + PP)`` with
    ``a = 1 + beta**2``, ``b2 = beta**2``. Label ``j``'s best cut given the
    others maximizes ``a * tp_j - F * pp_j`` when ``F`` is the optimum, and
    a configuration in which every label maximizes that expression for its
    own ``F`` is a global maximum (Dinkelbach's argument for ratios of
    sums). So coordinate ascent on micro F-beta is globally exact, and its
    fixed point can be reached with all labels updated at once: with
    ``lambda`` the current ``F``, each label takes its highest cut
    maximizing ``a * tp_j - lambda * pp_j`` (a vectorized segment
    ``argmax``), and ``lambda`` is updated. Every such sweep increases
    ``F`` strictly until the optimum, typically within a handful of sweeps;
    the result does not depend on where the search starts, so it starts
    from nothing positive. Cuts are compared in exact integer arithmetic
    when ``beta**2`` is an integer (``beta`` 1 or 2), in float64 otherwise.

    **Macro average.** Labels are independent: one sweep gives each label
    its best cut, the global maximum.

    **Sample weights.** With ``sample_weight`` (micro and macro), every
    count is a sum of weights and the same cuts are searched, with the
    gains in float64: integer weights give the thresholds of the rows
    repeated as often, bit for bit.

    **Samples average.** The metric does not decompose over labels. The
    search starts from the micro-optimal thresholds above (exact, and much
    cheaper than the best shared threshold, whose exact samples sweep sorts
    all ``n_samples * n_labels`` scores) and updates labels one at a time
    in index order (Gauss-Seidel), keeping each sample's true and predicted
    positive counts: a label's update is one cumulative sum over its
    samples in decreasing score order, down to its lowest positive score
    (no lower cut can be best), ``O(n_samples)``, after one sort of every
    label's scores (about ten passes over a float32 score matrix, where a
    pass is ``(S > thresholds).sum(0)``); a move updates the counts of the
    samples whose decision flips only. Each update is exact for its
    label given the others, but the final thresholds are a coordinate-wise
    maximum, which may fall short of the global one and depend on the
    label order. Gains below ``1e-9`` times the summed absolute per-sample
    changes, in units of one sample's F, count as ties (floating-point
    sums). On the tiny problems of
    :func:`~skthresh.utils.estimator_checks.check_strategy` it has come
    within 0.05 of the exhaustive optimum (its declared tolerance; micro and
    macro: 0).

    **Operating points.** For a :class:`~skthresh.metrics.RecallAtPrecision`,
    :class:`~skthresh.metrics.PrecisionAtRecall` or
    :class:`~skthresh.metrics.Utility`, the thresholds come from each
    label's count curve on a :class:`~skthresh.ScoreSummary`, in one step.
    Per label (``average="label"``, and every utility) the result is exact:
    among the cuts whose precision (or recall, or its confidence bound) is
    at least the floor, the one with the best recall (or precision), ties
    going to the better precision (or recall); a label with no such cut
    predicts nothing. For a utility, every cut that can be best is searched,
    the cuts just above positive scores included when false positives gain
    more than true negatives.

    A pooled floor (``average="micro"``) is a multiple-choice knapsack: for
    a precision floor ``f``, maximize ``sum(tp)`` over one cut per label
    subject to ``sum(tp - f * pp) >= 0``. For every ``lambda >= 0``,
    ``D(lambda) = sum_j max_c (tp + lambda * (tp - f * pp))`` bounds the
    best feasible ``sum(tp)`` (weak duality). The search bisects on
    ``lambda`` to the critical value at which each label's own maximizer
    turns the constraint from unmet to met, keeps the feasible side, takes
    the moves towards the other side greedily (best ratio first) while the
    floor holds, then repairs: the slack left goes to the single label
    move that gains most, until none gains. The result always meets the
    floor on the tuning data when any choice of cuts does, and its
    ``sum(tp)`` is within ``D(lambda*) - sum(tp)`` of the optimum; by the
    LP relaxation of the knapsack (at most one label is split), that gap is
    at most one label's step along its concave hull at ``lambda*``. On
    10,000 x 200 simulated scores it stays under 0.1 point of recall of a
    Lagrangian bound computed independently (in the test suite). A recall
    floor ``r`` fixes the least pooled ``tp`` that meets it (exactly, also
    on a confidence bound); the pooled precision is then maximized by
    Dinkelbach steps, each the same knapsack.

    With ``confidence``, a per-label precision floor is a fixed-sequence
    walk down each label's thresholds (every distinct score tested, from
    the first with enough predictions), and a pooled floor is fitted on
    one random half of each label's tuning samples and tested, as a
    sequence of stricter to looser internal floors, on the other; see
    :class:`~skthresh.metrics.RecallAtPrecision`.

    **Callable metrics.** A metric given as a callable
    ``metric(Y_true, Y_pred) -> float`` is maximized by the same label by
    label sweeps, starting from the best of up to 256 shared thresholds,
    but every distinct score of a label is a candidate cut, evaluated by a
    call to the metric on the full decision matrix: a sweep costs one call
    per distinct score, so this is for small tuning sets.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.metrics import f1_score
    >>> from skthresh.strategies import CoordinateAscent, GlobalThreshold
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> strategy = CoordinateAscent()
    >>> thresholds = strategy.optimize(Y, S)
    >>> thresholds.shape
    (20,)
    >>> shared = GlobalThreshold().optimize(Y, S)
    >>> f1_score(Y, S > thresholds) > f1_score(Y, S > shared)
    True
    >>> bool(strategy.objective_ == f1_score(Y, S > thresholds))
    True
    """

    _parameter_constraints = {
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
    }
    _brute_force_tolerance = {"micro": 0.0, "macro": 0.0, "samples": 0.05}
    _accepts_callable_metric = True
    _accepts_operating_points = True
    _accepts_sample_weight = True

    def __init__(self, *, max_iter=100, verbose=0):
        self.max_iter = max_iter
        self.verbose = verbose

    def _optimize(self, Y, S, metric):
        if is_callable_metric(metric):
            return self._run(self._callable, Y, S, metric)
        return self._run(self._samples, Y, S, metric)

    def _optimize_summary(self, summary, metric):
        return self._run(self._separable, summary, metric)

    def _optimize_operating_point(self, summary, metric, trusted):
        start = time.perf_counter()
        if getattr(metric, "average", "label") == "micro":
            if metric.confidence is not None:
                result = confident_micro_operating_point(summary, metric, trusted)
            else:
                cuts = candidate_cuts(summary, metric)
                result = micro_operating_point(cuts.keep(trusted[cuts.label]), metric)
            # Labels not trusted with the floor predict nothing, as per label.
            result.unreachable = np.union1d(
                result.unreachable, np.flatnonzero(~trusted)
            )
        else:
            result = label_operating_point(summary, metric, trusted)
        # One exact step: no sweep to iterate.
        self.n_iter_ = 1
        self.history_ = {
            "objective": np.array([result.objective]),
            "elapsed": np.array([time.perf_counter() - start]),
        }
        return result

    def _run(self, search, *args):
        self._start = time.perf_counter()
        self._objective, self._elapsed = [], []
        thresholds, converged = search(*args)
        self.objective_ = float(self._objective[-1])
        self.history_ = {
            "objective": np.asarray(self._objective, dtype=np.float64),
            "elapsed": np.asarray(self._elapsed, dtype=np.float64),
        }
        self.n_iter_ = len(self._objective) - 1
        del self._objective, self._elapsed, self._start
        if not converged:
            warnings.warn(
                f"CoordinateAscent stopped after max_iter={self.max_iter} sweeps "
                "while labels were still changing; increase max_iter.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return thresholds

    def _record(self, value):
        self._objective.append(float(value))
        self._elapsed.append(time.perf_counter() - self._start)
        if self.verbose:
            print(
                f"[CoordinateAscent] sweep {len(self._objective) - 1:4d}  "
                f"objective {value:.6f}  {self._elapsed[-1]:7.2f}s"
            )

    def _separable(self, summary, metric):
        """Micro (Dinkelbach form) and macro: all labels updated at once."""
        if metric.average == "macro":
            label, tp, pp, thr, start = summary.positive_cuts()
            pos = summary.pos_weight
            choice = start[:-1]
            self._record(metric.from_counts(tp[choice], pp[choice], pos))
            gain = metric.elementwise(tp, pp, pos[label])
            choice = _segment_argmax(gain, start[:-1], label)
            self._record(metric.from_counts(tp[choice], pp[choice], pos))
            return thr[choice], True
        return _dinkelbach(summary, metric, self.max_iter, self._record)

    def _samples(self, Y, S, metric):
        """Samples average: label by label, with per-sample counts."""
        n_labels = S.shape[1]
        micro = FBeta(metric.beta, "micro", metric.zero_division)
        start, _ = _dinkelbach(
            ScoreSummary._of_validated(Y, S), micro, self.max_iter, None
        )
        counts = SampleCounts(Y, S, metric)
        counts.set_thresholds(start)
        self._record(counts.value())
        for _ in range(self.max_iter):
            changed = False
            for j in range(n_labels):
                # Cuts below the label's lowest positive (and current cut)
                # are never best: its gains stop there.
                stop = counts.useful_stop(j)
                g = counts.gains(j, stop)
                total = np.concatenate([[0.0], np.cumsum(g)])
                total[~counts.valid_cuts(j, stop)] = -np.inf
                best_value = total.max()
                scale = float(np.abs(g).sum())
                tied = total >= best_value - 1e-9 * max(1.0, scale)
                best = int(np.argmax(tied))
                current = int(counts.n_above[j])
                lo, hi = min(best, current), max(best, current)
                gain = float(g[lo:hi].sum()) * (1 if best > current else -1)
                if significant(gain, float(np.abs(g[lo:hi]).sum())):
                    counts.move(j, best)
                    changed = True
            self._record(counts.value())
            if not changed:
                break
        else:
            return self._sample_thresholds(counts), False
        return self._sample_thresholds(counts), True

    @staticmethod
    def _sample_thresholds(counts):
        return np.array(
            [
                counts.cut_threshold(j, int(counts.n_above[j]))
                for j in range(counts.n_labels)
            ]
        )

    def _callable(self, Y, S, metric):
        """Any callable metric: every distinct score of a label is a cut."""
        n_labels = S.shape[1]
        shared, value = shared_threshold_callable(metric, Y, S, max_candidates=256)
        thresholds = np.full(n_labels, shared)
        Y_int = Y.astype(np.int64)
        D = (S > thresholds).astype(np.int64)
        self._record(value)
        candidates = [_cut_candidates(S[:, j]) for j in range(n_labels)]
        for _ in range(self.max_iter):
            changed = False
            for j in range(n_labels):
                column = D[:, j].copy()
                values = np.empty(candidates[j].size)
                for c, t in enumerate(candidates[j]):
                    D[:, j] = S[:, j] > t
                    values[c] = call_metric(metric, Y_int, D)
                best = int(np.argmax(values))
                if values[best] > value:
                    value = values[best]
                    thresholds[j] = candidates[j][best]
                    changed = True
                    D[:, j] = S[:, j] > thresholds[j]
                else:
                    D[:, j] = column
            self._record(value)
            if not changed:
                return thresholds, True
        return thresholds, False


def _dinkelbach(summary, metric, max_iter, record):
    """Micro F-beta: every label's best cut, all labels at once (see Notes).

    Returns the thresholds and whether the search converged; ``record`` is
    called with the objective at the start and after each sweep.
    """
    label, tp, pp, thr, start = summary.positive_cuts()
    first = start[:-1]
    choice = first.copy()  # nothing positive
    pos = summary.pos_weight
    # Sums of sample weights are floats; counts are exact integers.
    count = float if tp.dtype.kind == "f" else int
    # Labels held fixed (if any) add constant pooled counts.
    tp_held, pp_held, pos_held = (
        (count(metric.held_tp), count(metric.held_pp), count(metric.held_pos))
        if isinstance(metric, HeldFBeta)
        else (0, 0, 0)
    )
    pos_total = count(pos.sum()) + pos_held
    b2 = metric.beta**2
    # Exact integer gains when beta**2 is an integer and they fit in int64:
    # |gain| <= n * (b2 * pos_total + P) + T * n, with P <= n * n_labels.
    n = summary.n_samples
    bound = n * (int(b2) * pos_total + n * summary.n_labels + pp_held + pos_total)
    integer = count is int and b2 == int(b2) and bound < 2**62
    record = record or (lambda value: None)
    record(metric.from_counts(tp[choice], pp[choice], pos))
    if pos_total == 0:
        return thr[choice], True
    for _ in range(max_iter):
        T = count(tp[choice].sum()) + tp_held
        P = count(pp[choice].sum()) + pp_held
        # lambda = a * T / den; maximize a * tp - lambda * pp, times den / a.
        if integer:
            gain = tp * (int(b2) * pos_total + P) - T * pp
        else:
            gain = tp * (b2 * pos_total + P) - float(T) * pp
        new = _segment_argmax(gain, first, label)
        if np.array_equal(new, choice):
            record(metric.from_counts(tp[choice], pp[choice], pos))
            return thr[choice], True
        choice = new
        record(metric.from_counts(tp[choice], pp[choice], pos))
    return thr[choice], False


def _segment_argmax(values, first, label):
    """First index of the maximum of each contiguous segment."""
    index = np.arange(values.size)
    seg_max = np.maximum.reduceat(values, first)
    at_max = values == seg_max[label]
    return np.minimum.reduceat(np.where(at_max, index, index.size), first)


def _cut_candidates(s):
    """Central thresholds of every cut of one label's scores, highest first."""
    levels = np.unique(s).astype(np.float64)[::-1]
    return np.concatenate(
        [
            levels[:1],
            midpoint(levels[:-1], levels[1:]),
            [np.nextafter(levels[-1], -np.inf)],
        ]
    )
