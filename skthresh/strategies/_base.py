"""The contract every threshold strategy follows."""

import contextlib
import numbers
import warnings
from abc import abstractmethod

import numpy as np
from sklearn.base import BaseEstimator

from skthresh._validation import check_tuning_data
from skthresh.metrics import check_metric


class DegenerateLabelWarning(UserWarning):
    """Warn that a label had no positive or no negative tuning sample.

    Such a label gives a strategy nothing to learn from: every threshold
    above (or below) all its scores is equally good on the tuning data. Its
    threshold is set to the best threshold shared by all labels instead.

    Examples
    --------
    >>> import warnings
    >>> from skthresh import DegenerateLabelWarning, learn_thresholds
    >>> Y = [[1, 0], [0, 0], [1, 0], [0, 0]]
    >>> S = [[.9, .2], [.3, .7], [.6, .5], [.2, .1]]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     thresholds = learn_thresholds(Y, S, strategy="global")
    >>> caught[0].category is DegenerateLabelWarning
    True
    """


class BaseThresholdStrategy(BaseEstimator):
    """Base class of threshold strategies, stating the contract they follow.

    Subclass it and implement ``_optimize`` to write a strategy; register it
    with :func:`~skthresh.strategies.register_strategy` to use it by name.

    See Also
    --------
    skthresh.utils.estimator_checks.check_strategy : The contract as tests.
    register_strategy : Make a strategy available by name.

    Notes
    -----
    A strategy turns a tuning set, a 0/1 matrix ``Y`` and a score matrix
    ``S`` of shape ``(n_samples, n_labels)``, into one threshold per label,
    with the decision rule ``S > thresholds`` (a score equal to its
    threshold is negative). It is a scikit-learn estimator: ``__init__``
    stores its hyper-parameters and nothing else, ``get_params`` and
    ``set_params`` work, and anything it learns while optimizing ends with
    ``_`` (``n_iter_``, ``history_`` for iterative strategies).

    Users call :meth:`optimize`, which validates the inputs once, calls
    the subclass's ``_optimize(Y, S, metric)`` with

    - ``Y``: boolean ndarray of shape ``(n_samples, n_labels)``;
    - ``S``: finite float32 or float64 ndarray of the same shape;
    - ``metric``: a :class:`~skthresh.metrics.FBeta`;

    and checks that it returned a finite array of shape ``(n_labels,)``.
    Subclasses never re-validate. Labels with no positive or no negative
    tuning sample (and labels with fewer than ``min_positives`` positives)
    are held at the best shared threshold (see
    :class:`DegenerateLabelWarning`) unless the subclass sets the class
    attribute ``_learns_thresholds = False`` (fixed thresholds, such as the
    default strategy). ``_optimize`` then receives only the other labels'
    columns, and a metric that adds the held labels' counts to theirs
    (pooled counts for a micro average, each sample's for a samples
    average): the free labels are optimized for the decisions the held
    ones keep. A strategy's ``objective_``, if it has one, is then
    recomputed over all labels, while ``history_`` keeps the values seen
    during the search (over the free labels, held counts included).

    A subclass that draws random numbers takes a ``random_state``
    parameter and derives every generator from it, so that equal seeds
    give equal thresholds.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.strategies import BaseThresholdStrategy
    >>> class Quantile(BaseThresholdStrategy):
    ...     def __init__(self, q=0.9):
    ...         self.q = q
    ...     def _optimize(self, Y, S, metric):
    ...         return np.quantile(S, self.q, axis=0)
    >>> Y, S = [[0, 1], [1, 0], [1, 1]], [[.2, .9], [.8, .1], [.7, .6]]
    >>> Quantile(q=0.5).optimize(Y, S)
    array([0.7, 0.6])
    """

    _learns_thresholds = True
    _accepts_callable_metric = False
    # False for strategies that give every label one shared threshold anyway.
    _holds_rare_labels = True
    # Parameters that may hold one value per label: while rare labels are
    # held, the strategy sees the other labels' values only.
    _per_label_params = ("init",)

    def optimize(self, Y, scores=None, metric="f1_micro", *, min_positives=1):
        """Learn one threshold per label on a tuning set.

        Parameters
        ----------
        Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels of the tuning samples.
        scores : array-like or torch tensor of shape (n_samples, n_labels)
            Scores of the tuning samples; higher means more likely positive.
        metric : str, FBeta or callable, default="f1_micro"
            Metric to maximize; see :func:`skthresh.metrics.check_metric`.
            Search strategies (``"coordinate"``, ``"global"``, ``"heuristic"``)
            also take a callable ``metric(Y_true, Y_pred) -> float`` on 0/1
            int64 matrices; the others compute F-beta from counts and need
            one.
        min_positives : int, default=1
            Labels with fewer positive tuning samples than this (or with no
            negative one) get the best threshold shared by all labels instead
            of their own, which rare labels overfit. Labels with no positive
            or no negative sample also raise a :class:`DegenerateLabelWarning`.

        Returns
        -------
        thresholds : ndarray of float64 of shape (n_labels,)
            A sample is positive for label ``j`` when its score is strictly
            greater than ``thresholds[j]``.
        """
        from skthresh._summary import ScoreSummary
        from skthresh.strategies._callable import is_callable_metric

        if is_callable_metric(metric):
            if not self._accepts_callable_metric:
                raise ValueError(
                    f"{type(self).__name__} needs an F-beta metric (a name such as "
                    "'f1_micro' or an FBeta), whose values it computes from "
                    "counts; got a callable. Strategies that accept callables: "
                    "'coordinate', 'global', 'heuristic'."
                )
        else:
            metric = check_metric(metric)
        if (
            not isinstance(min_positives, numbers.Integral)
            or isinstance(min_positives, bool)
            or min_positives < 0
        ):
            raise ValueError(
                "min_positives must be an integer >= 0; got "
                f"min_positives={min_positives!r}."
            )
        if isinstance(Y, ScoreSummary):
            if scores is not None:
                raise ValueError(
                    "Pass either a ScoreSummary (and scores=None) or Y and scores; "
                    "got both."
                )
            self._check_summary_support(metric)
            data = _Summarized(Y)
        else:
            Y, S = check_tuning_data(Y, scores)
            # Micro and macro F-beta need only per-label counts: strategies
            # that work on a summary always do, so that thresholds are the
            # same from arrays, chunks or Dask.
            if self._supports_summary(metric) and self._summarizes_arrays(metric):
                data = _Summarized(ScoreSummary(Y, S))
            else:
                data = _Dense(Y, S)
        if not self._learns_thresholds:
            return data.run(self, metric)
        return self._optimize_with_rare_labels(data, metric, min_positives)

    def _supports_summary(self, metric):
        """Whether this strategy works on a summary for this metric."""
        from skthresh.strategies._callable import is_callable_metric

        return (
            hasattr(self, "_optimize_summary")
            and not is_callable_metric(metric)
            and metric.average != "samples"
        )

    def _summarizes_arrays(self, metric):
        """Whether matrices are summarized first (when summaries are supported).

        A strategy whose matrix code gives the very thresholds its summary
        code gives, faster, returns False.
        """
        return True

    def _check_summary_support(self, metric):
        from skthresh.strategies._callable import is_callable_metric

        if is_callable_metric(metric) or metric.average == "samples":
            raise ValueError(
                "A ScoreSummary holds per-label counts only: it serves F-beta "
                "metrics averaged over labels ('micro' or 'macro'), not a "
                "callable metric or a samples average, which need the score "
                "matrix."
            )
        if not self._supports_summary(metric):
            raise ValueError(
                f"{type(self).__name__}{self._summary_hint()} needs the score matrix "
                "and cannot work on a ScoreSummary."
            )

    def _summary_hint(self):
        return ""

    def _checked(self, thresholds, n_labels):
        """A strategy's result, checked."""
        thresholds = np.asarray(thresholds, dtype=np.float64)
        if thresholds.shape != (n_labels,):
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned shape "
                f"{thresholds.shape}; expected ({n_labels},)."
            )
        if not np.isfinite(thresholds).all():
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned non-finite thresholds."
            )
        return thresholds

    def _optimize_with_rare_labels(self, data, metric, min_positives):
        """Hold rare labels at the shared threshold, optimize the others.

        The held labels' decisions count in the metric that the other labels
        are optimized for (see ``_held``), so the result is never below the
        all-shared start for strategies that never end below their start.
        """
        n_pos = data.pos
        degenerate = (n_pos == 0) | (n_pos == data.n_samples)
        rare = degenerate | (n_pos < min_positives)
        if not rare.any() or not self._holds_rare_labels:
            thresholds = data.run(self, metric)
            if degenerate.any():
                _warn_degenerate(np.flatnonzero(degenerate), thresholds[degenerate][0])
            return thresholds
        shared = data.shared_threshold(metric)
        thresholds = np.full(data.n_labels, shared)
        free = ~rare
        if free.any():
            held_metric = data.hold(metric, rare, shared)
            with data.take_labels(free) as sub, self._free_label_params(free):
                thresholds[free] = sub.run(self, held_metric)
        if hasattr(self, "objective_") or not free.any():
            # The objective describes all labels, held ones included.
            self.objective_ = data.evaluate(metric, thresholds)
        if degenerate.any():
            _warn_degenerate(np.flatnonzero(degenerate), shared)
        return thresholds

    def _free_label_values(self, free):
        """The per-label parameters given per label, cut to ``free``: {name: values}."""
        from skthresh._validation import check_thresholds

        params = self.get_params(deep=False)
        cut = {}
        for name in self._per_label_params:
            value = params.get(name)
            if value is None or isinstance(value, str) or np.ndim(value) == 0:
                continue
            # Checked against all labels, so that a wrong shape names them.
            cut[name] = check_thresholds(value, free.size, name=name)[free]
        return cut

    @contextlib.contextmanager
    def _free_label_params(self, free):
        """Per-label parameters cut to the ``free`` labels, then restored."""
        cut = self._free_label_values(free)
        saved = {name: getattr(self, name) for name in cut}
        self.set_params(**cut)
        try:
            yield
        finally:
            self.set_params(**saved)

    @abstractmethod
    def _optimize(self, Y, S, metric):
        """Return thresholds for validated inputs; see the class docstring."""


class _Dense:
    """A tuning set given as matrices."""

    def __init__(self, Y, S):
        self.Y, self.S = Y, S
        self.n_samples, self.n_labels = S.shape
        self.pos = Y.sum(axis=0)

    def run(self, strategy, metric):
        return strategy._checked(
            strategy._optimize(self.Y, self.S, metric), self.n_labels
        )

    def shared_threshold(self, metric):
        return _shared_threshold(self.Y, self.S, metric)

    def hold(self, metric, held, threshold):
        from skthresh.strategies._held import hold_labels

        return hold_labels(metric, self.Y, self.S, held, threshold)

    @contextlib.contextmanager
    def take_labels(self, labels):
        yield _Dense(
            np.ascontiguousarray(self.Y[:, labels]),
            np.ascontiguousarray(self.S[:, labels]),
        )

    def evaluate(self, metric, thresholds):
        return _evaluate(metric, self.Y, self.S, thresholds)


class _Summarized:
    """A tuning set given as a :class:`~skthresh.ScoreSummary`."""

    def __init__(self, summary):
        self.summary = summary
        self.n_samples, self.n_labels = summary.shape
        self.pos = summary.pos

    def run(self, strategy, metric):
        thresholds = strategy._optimize_summary(self.summary, metric)
        return strategy._checked(thresholds, self.n_labels)

    def shared_threshold(self, metric):
        from skthresh.strategies._global import best_shared_threshold_summary

        return best_shared_threshold_summary(self.summary, metric)[0]

    def hold(self, metric, held, threshold):
        from skthresh.strategies._held import hold_summary_labels

        return hold_summary_labels(metric, self.summary, held, threshold)

    @contextlib.contextmanager
    def take_labels(self, labels):
        # The summary's own memory, its rows moved for the time of the run.
        with self.summary._label_view(labels) as view:
            yield _Summarized(view)

    def evaluate(self, metric, thresholds):
        return self.summary.score(metric, thresholds)


def _evaluate(metric, Y, S, thresholds):
    from skthresh.strategies._callable import evaluate_callable, is_callable_metric

    if is_callable_metric(metric):
        return evaluate_callable(metric, Y, S, thresholds)
    return metric.score(Y, S > thresholds)


def _shared_threshold(Y, S, metric):
    """The best threshold shared by all labels."""
    from skthresh.strategies._callable import (
        is_callable_metric,
        shared_threshold_callable,
    )
    from skthresh.strategies._global import best_shared_threshold

    if is_callable_metric(metric):
        shared, _ = shared_threshold_callable(metric, Y, S, max_candidates=256)
    else:
        shared, _ = best_shared_threshold(Y, S, metric)
    return shared


def _warn_degenerate(labels, shared):
    shown = ", ".join(map(str, labels[:10])) + (", ..." if labels.size > 10 else "")
    warnings.warn(
        f"{labels.size} label(s) have no positive or no negative sample in the "
        f"tuning data (label indices {shown}); their thresholds were set to the "
        f"best threshold shared by all labels, {shared:.6g}.",
        DegenerateLabelWarning,
        stacklevel=4,
    )
