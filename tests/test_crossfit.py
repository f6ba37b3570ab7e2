"""Thresholds from cross-fitted folds: the mean fold curve and the smoothed pool."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skthresh._crossfit import aggregate_thresholds, crossfit_thresholds
from skthresh.metrics import FBeta
from skthresh.strategies import CoordinateAscent, GlobalThreshold


def _folds(seed, n_folds=3, n=12, n_labels=2):
    rng = np.random.default_rng(seed)
    folds = []
    for _ in range(n_folds):
        Y = rng.random((n, n_labels)) < 0.35
        Y[0] = True  # every label has a positive in every fold
        S = np.round(rng.random((n, n_labels)) * 0.6 + 0.3 * Y, 2)
        folds.append((Y, S))
    return folds


def _candidates(folds, j):
    values = np.unique(np.concatenate([S[:, j] for _, S in folds]))
    return np.concatenate([[values[0] - 1.0], values])


def _mean_fold_metric(metric, folds, thresholds):
    return np.mean([metric.score(Y, S > thresholds) for Y, S in folds])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), average=st.sampled_from(["macro", "micro"]))
def test_mean_curve_is_the_best_of_the_brute_force_mean(seed, average):
    folds = _folds(seed)
    metric = FBeta(average=average)
    found = aggregate_thresholds(
        "mean_curve", folds, metric, np.full(2, 0.5), np.ones(2, dtype=bool)
    )
    grid = itertools.product(*(_candidates(folds, j) for j in range(2)))
    best = max(_mean_fold_metric(metric, folds, np.array(t)) for t in grid)
    got = _mean_fold_metric(metric, folds, found)
    if average == "macro":
        assert got == pytest.approx(best, abs=1e-12)
    else:
        # A coordinate ascent: at least its start, and a coordinate optimum.
        assert got >= _mean_fold_metric(metric, folds, np.full(2, 0.5)) - 1e-12
        for j in range(2):
            for t in _candidates(folds, j):
                moved = found.copy()
                moved[j] = t
                assert _mean_fold_metric(metric, folds, moved) <= got + 1e-12


def test_one_label_mean_curve_differs_from_the_pooled_optimum():
    # Fold curves averaged weigh each fold alike; pooling weighs the samples.
    metric = FBeta(average="macro")
    found_any = False
    for seed in range(30):
        folds = _folds(seed, n_labels=1)
        mean = aggregate_thresholds("mean_curve", folds, metric, [0.5], [True])
        pooled_Y = np.concatenate([Y for Y, _ in folds])
        pooled_S = np.concatenate([S for _, S in folds])
        pooled_value = max(
            metric.score(pooled_Y, pooled_S > t) for t in _candidates(folds, 0)
        )
        if metric.score(pooled_Y, pooled_S > mean) < pooled_value - 1e-9:
            found_any = True
    assert found_any


def test_smoothed_picks_the_centre_of_a_plateau_over_a_spike():
    # A lone spike among poor cuts loses to a broad plateau once smoothed.
    n = 400
    S = np.linspace(0.0, 1.0, n).reshape(-1, 1)
    Y = (S > 0.5).astype(bool)
    Y[(S[:, 0] > 0.1) & (S[:, 0] < 0.12)] = True  # a narrow block of positives
    metric = FBeta(average="macro")
    found = aggregate_thresholds("smoothed", [(Y, S)], metric, [0.5], [True])
    assert 0.45 < found[0] < 0.55


def test_pooled_callable_and_samples_metrics_keep_the_pooled_thresholds():
    folds = _folds(0)
    pooled = np.array([0.4, 0.6])
    folds = [(Y, S, None) for Y, S in folds]
    for how, metric in [
        ("pooled", "f1_micro"),
        ("mean_curve", "f1_samples"),
        ("mean_curve", len),
    ]:
        found = crossfit_thresholds(how, folds, metric, pooled, 1, CoordinateAscent())
        assert found is pooled
    # A shared threshold stays shared.
    found = crossfit_thresholds(
        "mean_curve", folds, "f1_micro", pooled, 1, GlobalThreshold()
    )
    assert found is pooled


def test_rare_labels_keep_their_pooled_threshold():
    folds = _folds(1)
    for Y, _ in folds:
        Y[:, 1] = False
    Y0 = folds[0][0]
    Y0[0, 1] = True  # one positive in all folds together
    pooled = np.array([0.4, 0.77])
    folds = [(Y, S, None) for Y, S in folds]
    found = crossfit_thresholds(
        "mean_curve", folds, "f1_macro", pooled, 2, CoordinateAscent()
    )
    assert found[1] == 0.77 and found[0] != 0.4


@pytest.mark.parametrize("how", ["mean_curve", "smoothed"])
def test_classifier_aggregates_its_out_of_fold_scores(how):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold
    from sklearn.multiclass import OneVsRestClassifier

    from skthresh import SurrogateThresholdClassifier, learn_thresholds

    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    Y = (X[:, :3] + rng.normal(size=(150, 3)) > 0.7).astype(int)
    base = OneVsRestClassifier(LogisticRegression())
    clf = SurrogateThresholdClassifier(
        base, strategy="coordinate", metric="f1_macro", cv=KFold(3), cv_aggregation=how
    ).fit(X, Y)
    folds, oof = [], np.empty(Y.shape)
    for train, test in KFold(3).split(X):
        oof[test] = clone_fit(base, X[train], Y[train]).predict_proba(X[test])
        folds.append((Y[test].astype(bool), oof[test]))
    pooled = learn_thresholds(Y, oof, strategy="coordinate", metric="f1_macro")
    expected = aggregate_thresholds(
        how, folds, FBeta(average="macro"), pooled, np.ones(3, dtype=bool)
    )
    np.testing.assert_array_equal(clf.thresholds_, expected)


def clone_fit(estimator, X, Y):
    from sklearn.base import clone

    return clone(estimator).fit(X, Y)
