"""The contract every threshold strategy follows."""

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
    tuning sample are then given the best shared threshold (see
    :class:`DegenerateLabelWarning`) unless the subclass sets the class
    attribute ``_learns_thresholds = False`` (fixed thresholds, such as the
    default strategy); a strategy's ``objective_``, if it has one, is then
    recomputed for the thresholds returned, while ``history_`` keeps the
    values seen during the search.

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

    def optimize(self, Y, scores, metric="f1_micro", *, min_positives=1):
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
        from skthresh.strategies._callable import is_callable_metric

        Y, S = check_tuning_data(Y, scores)
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
        thresholds = np.asarray(self._optimize(Y, S, metric), dtype=np.float64)
        if thresholds.shape != (S.shape[1],):
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned shape "
                f"{thresholds.shape}; expected ({S.shape[1]},)."
            )
        if not np.isfinite(thresholds).all():
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned non-finite thresholds."
            )
        if self._learns_thresholds:
            filled = _fill_degenerate_labels(thresholds, Y, S, metric, min_positives)
            if filled is not thresholds and hasattr(self, "objective_"):
                # The objective describes the thresholds actually returned.
                self.objective_ = _evaluate(metric, Y, S, filled)
            thresholds = filled
        return thresholds

    @abstractmethod
    def _optimize(self, Y, S, metric):
        """Return thresholds for validated inputs; see the class docstring."""


def _evaluate(metric, Y, S, thresholds):
    from skthresh.strategies._callable import evaluate_callable, is_callable_metric

    if is_callable_metric(metric):
        return evaluate_callable(metric, Y, S, thresholds)
    return metric.score(Y, S > thresholds)


def _fill_degenerate_labels(thresholds, Y, S, metric, min_positives=1):
    """Give rare labels, and labels of one class only, the shared threshold."""
    from skthresh.strategies._callable import (
        is_callable_metric,
        shared_threshold_callable,
    )
    from skthresh.strategies._global import best_shared_threshold

    n_pos = Y.sum(axis=0)
    degenerate = (n_pos == 0) | (n_pos == Y.shape[0])
    rare = degenerate | (n_pos < min_positives)
    if not rare.any():
        return thresholds
    if is_callable_metric(metric):
        shared, _ = shared_threshold_callable(metric, Y, S, max_candidates=256)
    else:
        shared, _ = best_shared_threshold(Y, S, metric)
    thresholds = thresholds.copy()
    thresholds[rare] = shared
    if not degenerate.any():
        return thresholds
    labels = np.flatnonzero(degenerate)
    shown = ", ".join(map(str, labels[:10])) + (", ..." if labels.size > 10 else "")
    warnings.warn(
        f"{labels.size} label(s) have no positive or no negative sample in the "
        f"tuning data (label indices {shown}); their thresholds were set to the "
        f"best threshold shared by all labels, {shared:.6g}.",
        DegenerateLabelWarning,
        stacklevel=3,
    )
    return thresholds
