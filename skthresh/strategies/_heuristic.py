"""hThresh: random perturbation search with restarts (Cances et al. 2019)."""

import time
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from skthresh._summary import ScoreSummary
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._callable import evaluate_callable, is_callable_metric
from skthresh.strategies._starts import (
    INIT_CONSTRAINT,
    SCALE_CONSTRAINT,
    initial_thresholds,
    resolve_scale,
)
from skthresh.utils._sklearn_compat import Interval

# Most metric evaluations a search may run (its history holds each value).
_MAX_EVALUATIONS = 10**8


class HeuristicSearch(BaseThresholdStrategy):
    """Per-label thresholds by random perturbation search (hThresh).

    The heuristic baseline of Pellegrini & Masquelier (ICASSP 2021), as
    their reference code runs it: every step perturbs all thresholds at
    once with independent Gaussian noise and keeps the proposal only if it
    improves the metric on the tuning data. The noise scale decays
    linearly over the ``n_steps`` steps of a restart, from ``step_size``
    to 0; each restart starts again from the best thresholds found, with
    the full step size.

    The metric of a proposal is computed from counts: each label's scores
    are sorted once, and its true and predicted positives at a threshold
    are two binary searches, so that a step costs ``O(n_labels * log
    n_samples)`` instead of a pass over the score matrix. The samples
    average has per-sample counts, which do not decompose over labels: each
    step then thresholds the whole score matrix (about three passes over
    it).

    Parameters
    ----------
    n_restarts : int, default=10
        Number of restarts of the step-size schedule. The reference code
        runs 80 restarts of 400 steps, 32,000 metric evaluations; the
        default is an eighth of that. Proposals that move all thresholds at
        once are rarely accepted after the first restart: in our benchmark
        (simulated 20,000 x 527 scores) the full budget adds 0.007 to the
        tuning micro-F1 of the default for eight times the evaluations, and
        nothing on yeast.
    n_steps : int, default=400
        Proposals per restart.
    step_size : float, default=0.12
        Standard deviation of the first proposal of each restart, in units
        of ``scale``. The reference code's is 0.2 * 0.6 = 0.12.
    init : {"global", "default"}, float or array-like of shape (n_labels,), \
            default="global"
        Initial thresholds: the best threshold shared by all labels (an
        exact sweep), 0.5 for probabilities and 0.0 for decision scores
        (``"default"``, the reference code's start), or given values.
    scale : "auto" or float, default="auto"
        Unit of ``step_size``: 1.0 for scores within ``[0, 1]``, otherwise
        the spread of the scores between their 0.5% and 99.5% quantiles
        (see :class:`SurrogateThreshold`).
    random_state : int, RandomState instance or None, default=None
        Seeds the proposals. Pass an int for reproducible thresholds.
    verbose : int, default=0
        Print the best metric after each restart when positive.

    Attributes
    ----------
    n_iter_ : int
        Number of proposals evaluated, ``n_restarts * n_steps``.
    objective_ : float
        Metric value of the returned thresholds on the tuning data.
    history_ : dict of ndarray
        ``"objective"``, the metric of the current thresholds at the start
        and after each proposal (``n_iter_ + 1`` values, non-decreasing),
        and ``"elapsed"``, seconds since the start at each of those points.
    scale_ : float
        The scale used.

    See Also
    --------
    CoordinateAscent : Exact per-label best cuts, usually better and faster.
    SurrogateThreshold : Thresholds learned by surrogate gradients.

    Notes
    -----
    Differences from the reference code (``heu_utils/heuThresh.py`` of the
    authors' repository ``topel/sglthresh``), none of which changes the
    nature of the search:

    - its proposal is ``theta + r * N(theta, 0.6)``, whose mean drifts by
      ``r * theta``; ours is centred on ``theta``;
    - its step ratio ``r`` falls by 0.001 per step from 0.2, so that it
      crosses zero halfway through a restart and grows again with the
      opposite sign; ours decays linearly to zero over the restart;
    - each of its restarts starts again from the initial thresholds, while
      accepting only proposals better than the best so far; ours starts
      from the best so far;
    - it evaluates each proposal by thresholding the full score matrix with
      :func:`sklearn.metrics.f1_score`; we use counts.

    On the tiny problems of
    :func:`~skthresh.utils.estimator_checks.check_strategy`, the default
    budget has come within 0.10 of the exhaustive optimum of F1 (declared
    tolerance 0.15).

    A metric given as a callable ``metric(Y_true, Y_pred) -> float`` is
    evaluated on the full decision matrix at every step; ``init="global"``
    then picks the best of up to 256 shared thresholds.

    References
    ----------
    .. [1] L. Cances, P. Guyot and T. Pellegrini, "Evaluation of
       post-processing algorithms for polyphonic sound event detection",
       WASPAA 2019.
    .. [2] T. Pellegrini and T. Masquelier, "Fast threshold optimization for
       multi-label audio tagging using surrogate gradient learning", ICASSP
       2021, arXiv:2103.00833.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.metrics import f1_score
    >>> from skthresh.strategies import GlobalThreshold, HeuristicSearch
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> strategy = HeuristicSearch(n_restarts=2, random_state=0)
    >>> thresholds = strategy.optimize(Y, S)
    >>> strategy.n_iter_
    800
    >>> shared = GlobalThreshold().optimize(Y, S)
    >>> f1_score(Y, S > thresholds) > f1_score(Y, S > shared)
    True
    """

    _parameter_constraints = {
        # The search holds an (n_steps, n_labels) noise matrix and a history
        # of n_restarts * n_steps values (see _MAX_EVALUATIONS).
        "n_restarts": [Interval(Integral, 1, _MAX_EVALUATIONS, closed="both")],
        "n_steps": [Interval(Integral, 1, 10**6, closed="both")],
        "step_size": [Interval(Real, 0, None, closed="neither")],
        "init": INIT_CONSTRAINT,
        "scale": SCALE_CONSTRAINT,
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }
    _per_label_params = ("init",)
    _brute_force_tolerance = 0.15
    _accepts_callable_metric = True

    def __init__(
        self,
        *,
        n_restarts=10,
        n_steps=400,
        step_size=0.12,
        init="global",
        scale="auto",
        random_state=None,
        verbose=0,
    ):
        self.n_restarts = n_restarts
        self.n_steps = n_steps
        self.step_size = step_size
        self.init = init
        self.scale = scale
        self.random_state = random_state
        self.verbose = verbose

    def _optimize(self, Y, S, metric):
        return self._search(Y, S, metric, *_evaluator(Y, S, metric))

    def _optimize_summary(self, summary, metric):
        return self._search(None, summary, metric, *_summary_evaluator(summary, metric))

    def _search(self, Y, S, metric, evaluate, max_batch):
        if self.n_restarts * self.n_steps > _MAX_EVALUATIONS:
            raise ValueError(
                "n_restarts * n_steps must be at most 1e8 evaluations (the "
                "history holds one value each); got n_restarts="
                f"{self.n_restarts!r} and n_steps={self.n_steps!r}."
            )
        rng = check_random_state(self.random_state)
        self.scale_ = resolve_scale(S) if self.scale == "auto" else float(self.scale)
        theta = initial_thresholds(self.init, Y, S, metric)
        value = float(evaluate(theta[None])[0])
        n_labels = S.shape[1]
        objective = np.empty(self.n_restarts * self.n_steps + 1)
        elapsed = np.empty_like(objective)
        objective[0], elapsed[0] = value, 0.0
        start = time.perf_counter()
        # Linear decay of the noise scale over each restart.
        sd = (
            self.step_size
            * self.scale_
            * (1.0 - np.arange(self.n_steps) / self.n_steps)
        )
        it = 0
        for restart in range(self.n_restarts):
            noise = sd[:, None] * rng.standard_normal((self.n_steps, n_labels))
            step, batch = 0, 1
            while step < self.n_steps:
                # Proposals step, step + 1, ... all from the current theta:
                # up to the first accepted one, exactly the sequential search.
                stop = min(step + batch, self.n_steps)
                proposals = theta + noise[step:stop]
                values = evaluate(proposals)
                better = np.flatnonzero(values > value)
                done = stop - step if better.size == 0 else int(better[0]) + 1
                if better.size:
                    theta, value = proposals[better[0]], float(values[better[0]])
                    batch = 1
                else:
                    batch = min(2 * batch, max_batch)
                objective[it + 1 : it + done + 1] = value
                elapsed[it + 1 : it + done + 1] = time.perf_counter() - start
                it += done
                step += done
            if self.verbose:
                print(
                    f"[HeuristicSearch] restart {restart + 1:3d}/{self.n_restarts}"
                    f"  objective {value:.6f}  {elapsed[it]:7.2f}s"
                )
        self.n_iter_ = it
        self.objective_ = float(value)
        self.history_ = {"objective": objective, "elapsed": elapsed}
        return theta


def _evaluator(Y, S, metric):
    """A function: thresholds (k, n_labels) -> metric values (k,), and the
    largest k worth evaluating at once."""
    if is_callable_metric(metric):
        return (
            lambda thetas: np.array(
                [evaluate_callable(metric, Y, S, theta) for theta in thetas]
            ),
            1,
        )
    if metric.average == "samples":
        pos = Y.sum(axis=1, dtype=np.int64)

        def evaluate_one(theta):
            D = S > theta
            tp = np.logical_and(D, Y).sum(axis=1, dtype=np.int64)
            return metric.from_counts(tp, D.sum(axis=1, dtype=np.int64), pos)

        return lambda thetas: np.array([evaluate_one(theta) for theta in thetas]), 1
    return _summary_evaluator(ScoreSummary._of_validated(Y, S), metric)


def _summary_evaluator(summary, metric):
    """:func:`_evaluator` for micro and macro averages, from a summary."""

    def evaluate(thetas):
        tp, pp = summary.counts(thetas.T)
        return metric.from_counts(tp.T, pp.T, summary.pos)

    return evaluate, 256
