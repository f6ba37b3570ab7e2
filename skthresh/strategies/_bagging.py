"""Thresholds averaged over subsamples of the tuning data, against overfitting."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from skthresh.strategies._base import BaseThresholdStrategy, DegenerateLabelWarning
from skthresh.strategies._held import take_rows
from skthresh.strategies._registry import get_strategy
from skthresh.strategies._tuning_data import DenseData
from skthresh.utils._sklearn_compat import HasMethods, Interval, StrOptions


class BaggedThresholds(BaseThresholdStrategy):
    """Average of the thresholds another strategy learns on subsamples.

    Per-label thresholds that are exact on the tuning data overfit it,
    rare labels most: the best cut of a label with a dozen positives moves
    a lot when a few samples change. This meta-strategy runs ``estimator``
    on ``n_bags`` random subsamples of the tuning samples (each holding a
    fraction ``subsample`` of them) and returns the per-label mean (or
    median) of the thresholds, which varies less from sample to sample.

    On the simulated AudioSet-like benchmark (20,000 x 527, two seeds),
    bagged exact coordinate ascent gives up 0.6 to 0.7 points of tuning
    micro-F1 and gains 0.1 point of test micro-F1 over plain coordinate
    ascent, the best plain method on test data.

    Parameters
    ----------
    estimator : str or BaseThresholdStrategy, default="coordinate"
        The strategy run on each subsample: a registered name or an object
        (cloned for each bag).
    n_bags : int, default=5
        Number of subsamples.
    subsample : float, default=0.8
        Fraction of the tuning samples in each subsample, drawn without
        replacement.
    aggregate : {"mean", "median"}, default="mean"
        How the thresholds of the bags are combined, label by label.
    random_state : int, RandomState instance or None, default=None
        Draws the subsamples, and seeds ``estimator`` when it has a
        ``random_state``.

    Attributes
    ----------
    bag_thresholds_ : ndarray of shape (n_bags, n_labels)
        Thresholds learned on each subsample.
    objective_ : float
        Metric value of the returned thresholds on all the tuning data.

    See Also
    --------
    CoordinateAscent : Exact per-label coordinate ascent.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.strategies import BaggedThresholds
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> bagged = BaggedThresholds(n_bags=3, random_state=0)
    >>> bagged.optimize(Y, S).shape
    (20,)
    >>> bagged.bag_thresholds_.shape
    (3, 20)
    """

    # Callables are passed on: the inner strategy accepts them or says no.
    _parameter_constraints = {
        "estimator": [str, HasMethods(["optimize"])],
        "n_bags": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "aggregate": [StrOptions({"mean", "median"})],
        "random_state": ["random_state"],
    }
    # An inner strategy object may hold per-label parameters.
    _per_label_params = ("estimator",)
    _accepts_callable_metric = True
    # Averaged cuts give up tuning-set optimality by design: on 450 tiny
    # problems of the contract suite's kind (8 samples; micro, macro and
    # samples averages) the worst gap to the optimum was 0.33, the mean 0.035.
    _brute_force_tolerance = 0.4

    def __init__(
        self,
        estimator="coordinate",
        *,
        n_bags=5,
        subsample=0.8,
        aggregate="mean",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_bags = n_bags
        self.subsample = subsample
        self.aggregate = aggregate
        self.random_state = random_state

    def _optimize(self, Y, S, metric):
        rng = check_random_state(self.random_state)
        n = S.shape[0]
        size = max(1, int(round(self.subsample * n)))
        bags = []
        for _ in range(self.n_bags):
            strategy = get_strategy(self.estimator)
            if "random_state" in strategy.get_params():
                strategy.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
            rows = np.sort(rng.choice(n, size=size, replace=False))
            with warnings.catch_warnings():
                # A subsample may miss a rare label's positives; those labels
                # get the shared threshold of that bag, and the full data
                # decides the warning below.
                warnings.simplefilter("ignore", DegenerateLabelWarning)
                bags.append(
                    strategy.optimize(Y[rows], S[rows], take_rows(metric, rows))
                )
        self.bag_thresholds_ = np.asarray(bags)
        combine = np.mean if self.aggregate == "mean" else np.median
        thresholds = combine(self.bag_thresholds_, axis=0)
        self.objective_ = DenseData(Y, S).evaluate(metric, thresholds)
        return thresholds
