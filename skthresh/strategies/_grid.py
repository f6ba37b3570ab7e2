"""Per-label grid search with dichotomic refinement (as in the aeseg toolbox)."""

import time
from numbers import Integral

import numpy as np

from skthresh._cuts import significant
from skthresh._summary import ScoreSummary
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._sample_counts import SampleCounts
from skthresh.strategies._starts import INIT_CONSTRAINT, initial_thresholds
from skthresh.utils._sklearn_compat import Interval


class GridSearch(BaseThresholdStrategy):
    """Per-label thresholds by grid search with refinement, label by label.

    For each label in turn, all other thresholds fixed, the metric is
    evaluated on a grid of ``n_points`` thresholds spanning the label's
    scores; a finer grid of ``n_points`` is then laid over the two coarse
    intervals around the best point, ``n_refinements`` times (the
    dichotomic search of the aeseg toolbox of Cances et al.). The label
    takes the best threshold found if it improves the metric; the labels
    are swept ``n_passes`` times, or until a sweep changes nothing.

    A chosen grid point is replaced by the central threshold of the cut it
    makes (the midpoint between the scores just above and just below it),
    which gives the same decisions on the tuning data with the widest
    margin. Counts at grid points come from each label's sorted scores (two
    binary searches per point), so that a sweep costs
    ``O(n_labels * n_points * (n_refinements + 1) * log n_samples)``; with
    the samples average, a label's grid is read off a cumulative sum of
    per-sample gains, ``O(n_samples)`` per label (see
    :class:`CoordinateAscent`).

    Parameters
    ----------
    n_points : int, default=10
        Points of each grid, at least 3.
    n_refinements : int, default=3
        Number of finer grids after the first. Each narrows the search
        interval by a factor ``(n_points - 1) / 2``.
    n_passes : int, default=2
        Maximum number of sweeps over the labels. It is a budget, not a
        convergence criterion: no warning is given when it is reached.
    init : {"global", "default"}, float or array-like of shape (n_labels,), \
            default="global"
        Initial thresholds: the best threshold shared by all labels (an
        exact sweep), 0.5 for probabilities and 0.0 for decision scores
        (``"default"``), or given values.
    verbose : int, default=0
        Print the metric after each sweep when positive.

    Attributes
    ----------
    n_iter_ : int
        Number of sweeps run.
    objective_ : float
        Metric value of the returned thresholds on the tuning data.
    history_ : dict of ndarray
        ``"objective"``, the metric at the start and after each sweep, and
        ``"elapsed"``, seconds since the start at each of those points.

    See Also
    --------
    CoordinateAscent : The exact best cut of each label instead of a grid.

    Notes
    -----
    Labels are updated one at a time in index order (Gauss-Seidel), so the
    result can depend on the label order. Among equally good grid points,
    the highest threshold is taken. On the tiny problems of
    :func:`~skthresh.utils.estimator_checks.check_strategy` the defaults
    have come within 0.14 of the exhaustive optimum of F1 (declared
    tolerance 0.2): a coarse grid can miss a narrow gap. This strategy
    needs an F-beta metric (counts); a callable metric raises a
    ``ValueError``.

    References
    ----------
    .. [1] L. Cances, P. Guyot and T. Pellegrini, "Evaluation of
       post-processing algorithms for polyphonic sound event detection",
       WASPAA 2019.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.metrics import f1_score
    >>> from skthresh.strategies import GlobalThreshold, GridSearch
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> strategy = GridSearch()
    >>> thresholds = strategy.optimize(Y, S)
    >>> shared = GlobalThreshold().optimize(Y, S)
    >>> f1_score(Y, S > thresholds) > f1_score(Y, S > shared)
    True
    >>> strategy.history_["objective"].shape
    (3,)
    """

    _parameter_constraints = {
        # One grid of n_points per label and refinement is held at once.
        "n_points": [Interval(Integral, 3, 10**6, closed="both")],
        "n_refinements": [Interval(Integral, 0, None, closed="left")],
        "n_passes": [Interval(Integral, 1, None, closed="left")],
        "init": INIT_CONSTRAINT,
        "verbose": ["verbose"],
    }
    _per_label_params = ("init",)
    _brute_force_tolerance = 0.2

    def __init__(
        self, *, n_points=10, n_refinements=3, n_passes=2, init="global", verbose=0
    ):
        self.n_points = n_points
        self.n_refinements = n_refinements
        self.n_passes = n_passes
        self.init = init
        self.verbose = verbose

    def _optimize(self, Y, S, metric):
        theta = initial_thresholds(self.init, Y, S, metric, warn_outside=False).copy()
        summary = ScoreSummary._of_validated(Y, S)
        return self._search(summary, _SampleSearch(Y, S, metric, summary, theta), theta)

    def _optimize_summary(self, summary, metric):
        theta = initial_thresholds(
            self.init, None, summary, metric, warn_outside=False
        ).copy()
        return self._search(summary, _CountSearch(metric, summary, theta), theta)

    def _search(self, summary, label_search, theta):
        objective = [label_search.value()]
        elapsed = [0.0]
        start = time.perf_counter()
        for sweep in range(self.n_passes):
            changed = False
            for j in range(summary.n_labels):
                best = self._search_label(summary, label_search, j)
                if best is not None:
                    tp, pp = best
                    label_search.move(j, tp, pp)
                    theta[j] = summary.cut_threshold(j, pp)
                    changed = True
            objective.append(label_search.value())
            elapsed.append(time.perf_counter() - start)
            if self.verbose:
                print(
                    f"[GridSearch] sweep {sweep + 1:3d}/{self.n_passes}  objective "
                    f"{objective[-1]:.6f}  {elapsed[-1]:7.2f}s"
                )
            if not changed:
                break
        self.n_iter_ = len(objective) - 1
        self.objective_ = float(objective[-1])
        self.history_ = {
            "objective": np.asarray(objective, dtype=np.float64),
            "elapsed": np.asarray(elapsed, dtype=np.float64),
        }
        return theta

    def _search_label(self, summary, label_search, j):
        """Counts of label ``j``'s best grid cut, None if it is no better."""
        lo = float(summary.value_at(j, 0))
        hi = float(summary.value_at(j, summary.n_samples - 1))
        grid = _linspace(lo, hi, self.n_points)
        scorer = label_search.scorer(j)
        best_value, best = scorer.current, None
        for _ in range(self.n_refinements + 1):
            tp, pp = summary.label_counts(j, grid)
            values = scorer(tp, pp)
            i = values.size - 1 - int(np.argmax(values[::-1]))  # highest of ties
            if scorer.better(values[i], best_value, pp[i]):
                best_value, best = values[i], (int(tp[i]), int(pp[i]))
            step = grid[-1] / (self.n_points - 1) - grid[0] / (self.n_points - 1)
            grid = _linspace(grid[i] - step, grid[i] + step, self.n_points)
        return best


def _linspace(lo, hi, n):
    """``np.linspace`` as convex combinations: no overflow near the float limit."""
    t = np.linspace(0.0, 1.0, n)
    with np.errstate(over="ignore"):
        grid = lo * (1.0 - t) + hi * t
    return np.clip(grid, lo, hi)


class _CountSearch:
    """Micro and macro: a label's metric from its counts and the others'."""

    def __init__(self, metric, summary, theta):
        self.metric, self.pos = metric, summary.pos
        self.tp, self.pp = summary.counts(theta)

    def value(self):
        return float(self.metric.from_counts(self.tp, self.pp, self.pos))

    def scorer(self, j):
        metric, tp0, pp0, pos = self.metric, self.tp[j], self.pp[j], self.pos
        if metric.average == "micro":
            T, P, POS = self.tp.sum(), self.pp.sum(), pos.sum()

            def score(tp, pp):
                return metric.elementwise(T - tp0 + tp, P - pp0 + pp, POS)

        else:

            def score(tp, pp):
                return metric.elementwise(tp, pp, pos[j])

        score.current = float(score(np.array([tp0]), np.array([pp0]))[0])
        score.better = lambda value, best, n_above: value > best
        return score

    def move(self, j, tp, pp):
        self.tp[j], self.pp[j] = tp, pp


class _SampleSearch:
    """Samples average: a label's metric from per-sample gains."""

    def __init__(self, Y, S, metric, summary, theta):
        self.counts = SampleCounts(Y, S, metric)
        self.counts.set_thresholds(theta)

    def value(self):
        return self.counts.value()

    def scorer(self, j):
        g = self.counts.gains(j)
        total = np.concatenate([[0.0], np.cumsum(g)])
        magnitude = np.concatenate([[0.0], np.cumsum(np.abs(g))])
        current_above = int(self.counts.n_above[j])

        def score(tp, pp):
            return total[pp]

        score.current = float(total[current_above])

        def better(value, best, n_above):
            lo, hi = sorted((int(n_above), current_above))
            return value > best and significant(
                value - score.current, float(magnitude[hi] - magnitude[lo])
            )

        score.better = better
        return score

    def move(self, j, tp, pp):
        self.counts.move(j, pp)
