"""Rare labels held at the shared threshold while the others are optimized."""

import functools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import fbeta_score

from skthresh import DegenerateLabelWarning, learn_thresholds
from skthresh.metrics import check_metric
from skthresh.strategies._held import hold_labels, take_rows
from skthresh.utils.estimator_checks import brute_force_thresholds

METRICS = ["f1_micro", "f1_macro", "f1_samples", "f2_micro"]


def small_problem(seed, n=9, n_labels=4):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, n_labels)) < 0.4
    Y[:, 0] = False  # no positive: held
    Y[0, 1], Y[1:, 1] = True, False  # one positive: held with min_positives=2
    S = rng.integers(0, 6, size=(n, n_labels)).astype(np.float64)
    return Y, S


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("seed", range(5))
def test_held_metric_equals_the_whole_metric(metric, seed):
    Y, S = small_problem(seed)
    held = np.array([True, True, False, False])
    whole = check_metric(metric)
    sub = hold_labels(whole, Y, S, held, 2.5)
    theta = np.array([2.5, 2.5, 1.5, 3.5])
    D = S > theta
    assert sub.score(Y[:, ~held], D[:, ~held]) == pytest.approx(whole.score(Y, D))
    average = whole.average
    beta = whole.beta
    expected = fbeta_score(Y, D, beta=beta, average=average, zero_division=0)
    assert sub.score(Y[:, ~held], D[:, ~held]) == pytest.approx(expected)
    rows = np.array([0, 2, 3, 7])
    sub_rows = take_rows(sub, rows)
    assert sub_rows.score(Y[rows][:, ~held], D[rows][:, ~held]) == pytest.approx(
        whole.score(Y[rows], D[rows])
    )


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f2_micro"])
@pytest.mark.parametrize("seed", range(8))
def test_coordinate_is_exact_with_held_labels(metric, seed):
    # Brute force over the free labels, the rare ones fixed at the shared
    # threshold: coordinate ascent is exact for micro and macro averages.
    Y, S = small_problem(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        thresholds = learn_thresholds(
            Y, S, strategy="coordinate", metric=metric, min_positives=2
        )
        shared = learn_thresholds(Y, S, strategy="global", metric=metric)[0]
    held = np.array([True, True, False, False])
    assert_array_equal(thresholds[held], shared)
    whole = check_metric(metric)
    sub = hold_labels(whole, Y, S, held, shared)
    _, best = brute_force_thresholds(Y[:, ~held], S[:, ~held], sub)
    assert whole.score(Y, S > thresholds) == pytest.approx(best, abs=1e-12)


def test_callable_metric_sees_every_label():
    Y, S = small_problem(0)
    seen = []

    def metric(Y_true, Y_pred):
        seen.append(Y_true.shape)
        return fbeta_score(Y_true, Y_pred, beta=1, average="micro", zero_division=0)

    held = np.array([True, False, True, False])
    sub = hold_labels(metric, Y, S, held, 2.5)
    theta = np.array([1.5, 3.5])
    D_free = S[:, ~held] > theta
    whole_D = S > np.array([2.5, 1.5, 2.5, 3.5])
    assert_allclose(sub(Y[:, ~held], D_free), metric(Y, whole_D))
    assert seen[-1] == Y.shape
    rows = np.array([1, 4, 5])
    assert_allclose(
        take_rows(sub, rows)(Y[rows][:, ~held], D_free[rows]),
        metric(Y[rows], whole_D[rows]),
    )


def test_callable_and_fbeta_agree_with_held_labels():
    Y, S = small_problem(3, n=12, n_labels=5)
    f1 = functools.partial(fbeta_score, beta=1, average="micro", zero_division=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        by_name = learn_thresholds(Y, S, strategy="coordinate", min_positives=2)
        by_callable = learn_thresholds(
            Y, S, strategy="coordinate", metric=f1, min_positives=2
        )
    value = check_metric("f1_micro").score
    assert value(Y, S > by_callable) == pytest.approx(value(Y, S > by_name))


def _per_label_init_strategies():
    from skthresh.strategies import (
        BaggedThresholds,
        GridSearch,
        HeuristicSearch,
        NumericalGradient,
        SurrogateThreshold,
    )

    def init(n_labels):
        return np.linspace(0.2, 0.6, n_labels)

    return {
        "surrogate": lambda L: SurrogateThreshold(init=init(L), max_iter=5),
        "surrogate-dense": lambda L: SurrogateThreshold(
            init=init(L), max_iter=5, mode="dense"
        ),
        "grid": lambda L: GridSearch(init=init(L)),
        "heuristic": lambda L: HeuristicSearch(init=init(L), random_state=0),
        "numerical": lambda L: NumericalGradient(init=init(L), max_iter=3),
        "bagged": lambda L: BaggedThresholds(
            SurrogateThreshold(init=init(L), max_iter=5), n_bags=2, random_state=0
        ),
    }


@pytest.mark.parametrize("name", sorted(_per_label_init_strategies()))
@pytest.mark.parametrize("min_positives", [0, 12])
def test_per_label_init_with_held_labels(name, min_positives):
    # An init of one value per label describes all labels; while rare labels
    # are held, the strategy starts the others from their own values.
    rng = np.random.default_rng(0)
    n, n_labels = 300, 6
    Y = rng.random((n, n_labels)) < [0.3, 0.0, 0.3, 0.03, 0.4, 0.5]
    S = np.clip(0.4 * Y + 0.6 * rng.random((n, n_labels)), 0, 1)
    strategy = _per_label_init_strategies()[name](n_labels)
    given = (strategy.estimator if name == "bagged" else strategy).init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        thresholds = strategy.optimize(Y, S, min_positives=min_positives)
        shared = learn_thresholds(Y, S, strategy="global")[0]
    assert thresholds.shape == (n_labels,) and np.isfinite(thresholds).all()
    # The parameter is given back untouched.
    assert (strategy.estimator if name == "bagged" else strategy).init is given
    assert_array_equal(given, np.linspace(0.2, 0.6, n_labels))
    if name == "surrogate":
        # The descent starts from the given values of the free labels.
        held = Y.sum(axis=0) < max(min_positives, 1)
        start = np.where(held, shared, given)
        expected = fbeta_score(Y, S > start, beta=1, average="micro")
        assert strategy.history_["objective"][0] == pytest.approx(expected)


def test_per_label_init_of_the_wrong_length_names_all_labels():
    from skthresh.strategies import SurrogateThreshold

    Y, S = small_problem(0)
    with pytest.raises(ValueError, match=r"init .* shape \(4,\).* got shape \(3,\)"):
        SurrogateThreshold(init=[0.5, 0.5, 0.5]).optimize(Y, S)
