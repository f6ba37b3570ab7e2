"""defThresh: a fixed threshold, the baseline every learned threshold must beat."""

import numbers
from numbers import Real

import numpy as np

from skthresh._validation import check_thresholds
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._starts import default_threshold
from skthresh.utils._sklearn_compat import StrOptions


class DefaultThreshold(BaseThresholdStrategy):
    """Fixed thresholds, learned from nothing (defThresh).

    Parameters
    ----------
    threshold : "auto", float or array-like of shape (n_labels,), default="auto"
        The threshold of every label, or one per label. ``"auto"`` is 0.5
        when all scores lie in ``[0, 1]`` (probabilities) and 0.0 otherwise
        (decision scores, whose sign is the base estimator's own decision).

    See Also
    --------
    SurrogateThreshold : Thresholds learned by surrogate gradients.

    Examples
    --------
    >>> from skthresh.strategies import DefaultThreshold
    >>> DefaultThreshold().optimize([[0, 1], [1, 0]], [[.2, .9], [.8, .1]])
    array([0.5, 0.5])
    >>> DefaultThreshold(0.3).optimize([[0, 1], [1, 0]], [[-2, 3], [1, -1]])
    array([0.3, 0.3])
    """

    _parameter_constraints = {"threshold": [StrOptions({"auto"}), Real, "array-like"]}
    _threshold_kind = "fixed"
    _accepts_callable_metric = True  # the metric is not used
    _accepts_sample_weight = True  # nor are the counts
    _brute_force_tolerance = 1.0

    def __init__(self, threshold="auto"):
        self.threshold = threshold

    def _input_for(self, metric):
        # The threshold needs the scores' extremes only: sorting them into a
        # summary first would cost more than everything else.
        return "any"

    def _optimize_summary(self, summary, metric):
        return self._optimize(None, summary, metric)

    def _optimize(self, Y, S, metric):
        if isinstance(self.threshold, str):
            return np.full(S.shape[1], default_threshold(S))
        if isinstance(self.threshold, numbers.Real) and not np.isfinite(self.threshold):
            raise ValueError(f"threshold must be finite; got {self.threshold!r}.")
        return check_thresholds(self.threshold, S.shape[1], name="threshold")
