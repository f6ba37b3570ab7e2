"""Rare labels on the simulator: the fallback helps, and bagging helps more."""

import warnings

import pytest

from skthresh import learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score


@pytest.fixture(scope="module")
def small_tuning_set():
    # 4,000 tuning clips x 527 labels: about 360 labels have fewer than 10
    # tuning positives; 20,000 independent clips to test.
    return make_tagging_scores(4000, 527, n_test_samples=20000, random_state=0)


def _test_f1(problem, **params):
    Y, S, Y_test, S_test = problem
    with warnings.catch_warnings():
        # Labels without tuning positives are expected here.
        warnings.simplefilter("ignore")
        thresholds = learn_thresholds(Y, S, **params)
    return f1_score(Y_test, S_test > thresholds)


def test_problem_has_many_rare_labels(small_tuning_set):
    Y = small_tuning_set[0]
    assert (Y.sum(axis=0) < 10).sum() > 300


@pytest.mark.parametrize("strategy", ["coordinate", "surrogate"])
def test_min_positives_does_not_lower_held_out_f1(small_tuning_set, strategy):
    plain = _test_f1(small_tuning_set, strategy=strategy)
    fallback = _test_f1(small_tuning_set, strategy=strategy, min_positives=10)
    assert fallback >= plain


def test_bagging_with_fallback_beats_every_plain_strategy(small_tuning_set):
    best = _test_f1(
        small_tuning_set, strategy="bagged", min_positives=10, random_state=0
    )
    plain = ["coordinate", "surrogate", "grid", "heuristic", "numerical", "global"]
    for strategy in plain:
        assert best > _test_f1(small_tuning_set, strategy=strategy), strategy
