"""SurrogateThresholdClassifier at an operating point: a precision or recall floor."""

import pickle
import warnings

import numpy as np
import pytest
import sklearn.metrics
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skthresh import SurrogateThresholdClassifier, UnreachableFloorWarning
from skthresh.datasets import load_yeast
from skthresh.metrics import PrecisionAtRecall, RecallAtPrecision, Utility


class _Scores(ClassifierMixin, BaseEstimator):
    """A fitted 'model' whose probabilities are its input: scores chosen by hand."""

    def fit(self, X, y):
        self.n_labels_ = np.shape(y)[1]
        return self

    def predict_proba(self, X):
        return np.asarray(X, dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _floor_problem():
    """Three labels: two that reach a 0.9 precision floor, one that cannot.

    Label 2 alternates negative, positive down its scores from the top, so
    no cut has precision above 1/2.
    """
    rng = np.random.default_rng(0)
    n = 200
    Y = np.zeros((n, 3), dtype=np.int64)
    S = np.zeros((n, 3))
    for j in (0, 1):
        Y[:, j] = rng.random(n) < 0.3
        S[:, j] = np.where(Y[:, j], 0.6, 0.2) + 0.3 * rng.random(n)
    order = np.arange(n)[::-1] / n  # decreasing scores
    Y[:, 2] = np.arange(n) % 2  # 0, 1, 0, 1, ... from the highest score
    S[:, 2] = order
    return S, Y


@pytest.fixture(scope="module")
def yeast():
    X, Y = load_yeast(return_X_y=True)
    return train_test_split(X[:600], Y[:600, :6], test_size=0.4, random_state=0)


def _base():
    return OneVsRestClassifier(LogisticRegression(max_iter=200))


def test_unreachable_label_is_named_and_predicts_nothing():
    S, Y = _floor_problem()
    clf = SurrogateThresholdClassifier(
        FrozenEstimator(_Scores().fit(S, Y)),
        strategy="coordinate",
        metric=RecallAtPrecision(0.9),
    )
    with pytest.warns(UnreachableFloorWarning, match="2"):
        clf.fit(S, Y)
    assert_array_equal(clf.constraint_met_, [True, True, False])
    assert_array_equal(clf.unreachable_labels_, [2])
    Y_pred = clf.predict(S)
    assert not Y_pred[:, 2].any()
    precision = sklearn.metrics.precision_score(
        Y, Y_pred, average=None, zero_division=0
    )
    assert (precision[:2] >= 0.9).all()
    # score is the recall achieved: the mean of the labels' recalls.
    recall = sklearn.metrics.recall_score(Y, Y_pred, average="macro", zero_division=0)
    assert clf.score(S, Y) == pytest.approx(recall, rel=1e-12)


@pytest.mark.parametrize(
    "metric, sklearn_score",
    [
        (
            "recall@precision=0.7",
            lambda Y, P: sklearn.metrics.recall_score(
                Y, P, average="macro", zero_division=0
            ),
        ),
        (
            RecallAtPrecision(0.7, average="micro"),
            lambda Y, P: sklearn.metrics.recall_score(Y, P, average="micro"),
        ),
        (
            "precision@recall=0.6:micro",
            lambda Y, P: sklearn.metrics.precision_score(
                Y, P, average="micro", zero_division=0
            ),
        ),
    ],
    ids=["per-label", "micro", "recall-floor-micro"],
)
def test_score_is_the_measure_achieved(yeast, metric, sklearn_score):
    X_train, X_test, Y_train, Y_test = yeast
    clf = SurrogateThresholdClassifier(
        _base(), strategy="coordinate", metric=metric, random_state=0
    )
    with warnings.catch_warnings():
        # Whether a yeast label misses the floor depends on the split; the
        # warning itself is tested on a constructed problem above.
        warnings.simplefilter("ignore", UnreachableFloorWarning)
        clf.fit(X_train, Y_train)
    Y_pred = clf.predict(X_test)
    assert clf.score(X_test, Y_test) == pytest.approx(
        sklearn_score(Y_test, Y_pred), rel=1e-12
    )
    tuning_met = np.atleast_1d(clf.constraint_met_)
    assert tuning_met.shape == ((6,) if metric == "recall@precision=0.7" else (1,))
    assert np.size(clf.unreachable_labels_) == (~tuning_met).sum()


def test_fbeta_leaves_no_floor_attributes():
    S, Y = _floor_problem()
    clf = SurrogateThresholdClassifier(
        FrozenEstimator(_Scores().fit(S, Y)),
        strategy="coordinate",
        metric=RecallAtPrecision(0.9),
    )
    with pytest.warns(UnreachableFloorWarning):
        clf.fit(S, Y)
    clf.set_params(metric="f1_micro").fit(S, Y)
    assert not hasattr(clf, "constraint_met_")
    assert not hasattr(clf, "unreachable_labels_")
    clf.set_params(metric=Utility(tp=1.0, fp=-1.0)).fit(S, Y)
    assert not hasattr(clf, "constraint_met_")


def test_grid_search_and_cross_fitting(yeast):
    X_train, _, Y_train, _ = yeast
    metric = RecallAtPrecision(0.6, average="micro")
    clf = SurrogateThresholdClassifier(
        _base(), strategy="coordinate", metric=metric, random_state=0
    )
    search = GridSearchCV(
        clf, {"base_estimator__estimator__C": [0.1, 1.0]}, cv=2, error_score="raise"
    )
    search.fit(X_train, Y_train)
    scores = search.cv_results_["mean_test_score"]
    assert np.all((0.0 < scores) & (scores <= 1.0))
    best = search.best_estimator_
    assert best.metric == metric and best.constraint_met_ in (True, np.True_)
    assert search.best_score_ == scores.max()
    # Cross-fitting: each fold's objective is the pooled recall its own
    # thresholds reach on it, at the floor.
    clf = SurrogateThresholdClassifier(
        _base(), strategy="coordinate", metric=metric, cv=3, random_state=0
    ).fit(X_train, Y_train)
    objective = clf.cv_results_["fold_objective"]
    assert objective.shape == (3,) and np.all((0.0 < objective) & (objective <= 1.0))


def test_pickle_and_clone_keep_the_metric(yeast):
    X_train, X_test, Y_train, _ = yeast
    metric = PrecisionAtRecall(0.5, average="micro", confidence=0.9)
    clf = SurrogateThresholdClassifier(
        _base(), strategy="global", metric=metric, random_state=0
    ).fit(X_train, Y_train)
    again = pickle.loads(pickle.dumps(clf))
    assert_array_equal(again.predict(X_test), clf.predict(X_test))
    assert again.metric == metric and again.constraint_met_ == clf.constraint_met_
    assert clone(clf).get_params()["metric"] == metric
    assert not hasattr(clone(clf), "constraint_met_")


def test_bad_metric_type_is_named():
    clf = SurrogateThresholdClassifier(_base(), metric=0.9)
    with pytest.raises(ValueError, match="The 'metric' parameter"):
        clf.fit(np.zeros((10, 2)), np.eye(2, dtype=int)[np.arange(10) % 2])


def test_weighted_score_of_a_pooled_floor_and_a_utility():
    # score(sample_weight=...) counts each sample for its weight, for floors
    # and utilities as for F-beta; integer weights equal repeated rows.
    X, Y = load_yeast(return_X_y=True)
    X, Y = X[:400], Y[:400]
    base = FrozenEstimator(
        OneVsRestClassifier(LogisticRegression(max_iter=500)).fit(X, Y)
    )
    w = np.random.default_rng(0).integers(0, 4, size=len(Y))
    repeated = np.repeat(np.arange(len(Y)), w)
    for metric in (RecallAtPrecision(0.5, average="micro"), Utility(fp=-2.0)):
        clf = SurrogateThresholdClassifier(
            base, strategy="coordinate", metric=metric
        ).fit(X, Y)
        got = clf.score(X, Y, sample_weight=w)
        assert got == pytest.approx(clf.score(X[repeated], Y[repeated]), abs=1e-12)
        if isinstance(metric, RecallAtPrecision):
            expected = sklearn.metrics.recall_score(
                Y, clf.predict(X), average="micro", sample_weight=w
            )
            assert got == pytest.approx(expected, abs=1e-12)
