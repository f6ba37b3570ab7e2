"""BaggedThresholds: thresholds averaged over subsamples."""

import numpy as np
import pytest

from skthresh import learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import BaggedThresholds, CoordinateAscent


@pytest.fixture(scope="module")
def problem():
    return make_tagging_scores(3000, 40, n_test_samples=3000, random_state=0)


def test_thresholds_are_the_mean_of_the_bags(problem):
    Y, S, _, _ = problem
    bagged = BaggedThresholds(n_bags=4, subsample=0.5, random_state=0)
    theta = bagged.optimize(Y, S)
    assert bagged.bag_thresholds_.shape == (4, 40)
    np.testing.assert_allclose(theta, bagged.bag_thresholds_.mean(axis=0))
    median = BaggedThresholds(n_bags=4, subsample=0.5, aggregate="median")
    median.set_params(random_state=0)
    np.testing.assert_allclose(
        median.optimize(Y, S), np.median(bagged.bag_thresholds_, axis=0)
    )
    assert bagged.objective_ == pytest.approx(f1_score(Y, S > theta))


def test_each_bag_is_the_inner_strategy_on_a_subsample(problem):
    Y, S, _, _ = problem
    bagged = BaggedThresholds(CoordinateAscent(), n_bags=2, subsample=0.5)
    bagged.set_params(random_state=3)
    bagged.optimize(Y, S)
    rng = np.random.RandomState(3)
    rows = np.sort(rng.choice(3000, size=1500, replace=False))
    expected = learn_thresholds(Y[rows], S[rows], strategy="coordinate")
    np.testing.assert_array_equal(bagged.bag_thresholds_[0], expected)


def test_one_full_bag_is_the_inner_strategy(problem):
    Y, S, _, _ = problem
    bagged = BaggedThresholds(n_bags=1, subsample=1.0, random_state=0)
    np.testing.assert_array_equal(
        bagged.optimize(Y, S), learn_thresholds(Y, S, strategy="coordinate")
    )


def test_held_out_f1_not_below_plain_coordinate_ascent(problem):
    # The point of bagging: less overfitting of rare labels. On the
    # simulator, bagged coordinate ascent loses tuning F1 but not test F1.
    Y, S, Y_test, S_test = problem
    plain = learn_thresholds(Y, S, strategy="coordinate")
    bagged = learn_thresholds(Y, S, strategy="bagged", random_state=0)
    assert f1_score(Y, S > bagged) <= f1_score(Y, S > plain) + 1e-12
    assert f1_score(Y_test, S_test > bagged) >= f1_score(Y_test, S_test > plain) - 0.002


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_bags": 0}, "n_bags"),
        ({"subsample": 0.0}, "subsample"),
        ({"subsample": 1.5}, "subsample"),
        ({"aggregate": "mode"}, "aggregate"),
    ],
)
def test_invalid_parameters(problem, params, match):
    Y, S, _, _ = problem
    with pytest.raises(ValueError, match=match):
        BaggedThresholds(**params).optimize(Y, S)
