"""The classifier's data use: sample_weight, groups, metadata routing, splits."""

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import fbeta_score
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier

from skthresh import SurrogateThresholdClassifier
from skthresh._crossfit import aggregate_thresholds
from skthresh.metrics import FBeta
from skthresh.strategies import CoordinateAscent, GlobalThreshold, SurrogateThreshold


class _Recorder(ClassifierMixin, BaseEstimator):
    """Logistic regression that records the rows and weights of each fit."""

    def fit(self, X, y, sample_weight=None):
        self.seen_ = [X[:, 0].astype(int), sample_weight]
        _Recorder.log.append(self.seen_)
        self.model_ = LogisticRegression().fit(X[:, 1:], y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X[:, 1:])


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 240
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + rng.normal(size=n) > 0.8).astype(int)
    return np.column_stack([np.arange(n), X]), y, rng.integers(1, 4, n).astype(float)


@pytest.fixture(autouse=True)
def _empty_log():
    _Recorder.log = []


def test_weights_reach_the_base_without_routing_cut_to_its_rows(data):
    X, y, w = data
    SurrogateThresholdClassifier(_Recorder(), strategy="coordinate").fit(
        X, y, sample_weight=w
    )
    (rows, weights), (all_rows, all_weights) = _Recorder.log
    np.testing.assert_array_equal(weights, w[rows])
    np.testing.assert_array_equal(all_weights, w[all_rows])


def test_metadata_routing_sends_weights_only_where_requested(data):
    X, y, w = data
    with sklearn.config_context(enable_metadata_routing=True):
        base = _Recorder().set_fit_request(sample_weight=True)
        SurrogateThresholdClassifier(base, strategy="coordinate").fit(
            X, y, sample_weight=w
        )
        rows, weights = _Recorder.log[0]
        np.testing.assert_array_equal(weights, w[rows])
        _Recorder.log = []
        base = _Recorder().set_fit_request(sample_weight=False)
        SurrogateThresholdClassifier(base, strategy="coordinate").fit(
            X, y, sample_weight=w
        )
        assert all(weights is None for _, weights in _Recorder.log)
        routing = SurrogateThresholdClassifier(base).get_metadata_routing()
        assert "estimator" in str(routing)


def test_metadata_routing_sends_groups_to_a_splitter(data):
    X, y, _ = data
    groups = np.arange(len(y)) // 8
    for routing in (False, True):
        with sklearn.config_context(enable_metadata_routing=routing):
            clf = SurrogateThresholdClassifier(
                _Recorder(), strategy="coordinate", cv=GroupKFold(4)
            )
            _Recorder.log = []
            clf.fit(X, y, groups=groups)
            for rows, _ in _Recorder.log[:-1]:
                held = np.setdiff1d(np.arange(len(y)), rows)
                assert not set(groups[rows]) & set(groups[held])


@pytest.mark.parametrize("cv", [None, 4])
def test_groups_never_straddle_the_split(data, cv):
    X, y, _ = data
    groups = np.arange(len(y)) // 6
    SurrogateThresholdClassifier(_Recorder(), strategy="coordinate", cv=cv).fit(
        X, y, groups=groups
    )
    fits = _Recorder.log[:-1]  # the last one is the refit on everything
    assert len(fits) == (1 if cv is None else cv)
    for rows, _ in fits:
        held = np.setdiff1d(np.arange(len(y)), rows)
        assert held.size and not set(groups[rows]) & set(groups[held])


@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_weighted_score_is_sklearns_weighted_fbeta(average):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 4))
    Y = (X[:, :3] + rng.normal(size=(150, 3)) > 0.5).astype(int)
    w = rng.random(150) * 3
    clf = SurrogateThresholdClassifier(
        OneVsRestClassifier(LogisticRegression()),
        strategy="coordinate",
        metric=f"f2_{average}",
    ).fit(X, Y)
    expected = fbeta_score(
        Y, clf.predict(X), beta=2.0, average=average, sample_weight=w, zero_division=0
    )
    assert clf.score(X, Y, sample_weight=w) == pytest.approx(expected, abs=1e-12)


def _expanded(Y, S, counts):
    return np.repeat(Y, counts, axis=0), np.repeat(S, counts, axis=0)


@pytest.mark.parametrize("average", ["micro", "macro"])
@pytest.mark.parametrize("seed", range(5))
def test_integer_weights_are_repeated_rows(average, seed):
    rng = np.random.default_rng(seed)
    Y = rng.random((40, 3)) < 0.4
    Y[0] = True
    S = np.round(rng.random((40, 3)) * 0.7 + 0.3 * Y, 2)
    counts = rng.integers(1, 4, 40)
    metric = FBeta(average=average)
    weighted = CoordinateAscent().optimize(Y, S, metric, sample_weight=counts)
    Y_rep, S_rep = _expanded(Y, S, counts)
    repeated = CoordinateAscent().optimize(Y_rep, S_rep, metric)
    np.testing.assert_array_equal(weighted, repeated)
    # The curves of the mean_curve aggregation weigh their counts alike.
    start = np.full(3, 0.5)
    curve = aggregate_thresholds(
        "mean_curve", [(Y, S, counts)], metric, start, Y.any(0)
    )
    curve_rep = aggregate_thresholds(
        "mean_curve", [(Y_rep, S_rep)], metric, start, Y_rep.any(0)
    )
    np.testing.assert_array_equal(curve, curve_rep)
    weighted_f = fbeta_score(
        Y, S > weighted, beta=1, average=average, sample_weight=counts
    )
    assert weighted_f == pytest.approx(metric.score(Y_rep, S_rep > repeated))
    if average == "macro":  # labels independent: the exact optimum
        for j in range(3):
            best = max(
                metric.score(Y_rep[:, [j]], S_rep[:, [j]] > t)
                for t in np.r_[-1.0, np.unique(S_rep[:, j])]
            )
            got = metric.score(Y_rep[:, [j]], S_rep[:, [j]] > weighted[j])
            assert got == pytest.approx(best, abs=1e-12)


def test_frozen_fit_with_integer_weights_equals_repeated_rows(data):
    X, y, w = data
    base = LogisticRegression().fit(X[:, 1:], y)
    counts = w.astype(int)
    weighted = SurrogateThresholdClassifier(
        FrozenEstimator(base), strategy="coordinate", metric="f1_macro"
    ).fit(X[:, 1:], y, sample_weight=w)
    repeated = SurrogateThresholdClassifier(
        FrozenEstimator(base), strategy="coordinate", metric="f1_macro"
    ).fit(np.repeat(X[:, 1:], counts, axis=0), np.repeat(y, counts))
    X_rep, y_rep = np.repeat(X[:, 1:], counts, axis=0), np.repeat(y, counts)
    assert weighted.score(X[:, 1:], y, sample_weight=w) == pytest.approx(
        repeated.score(X_rep, y_rep)
    )


def test_weights_need_an_fbeta_and_no_negative_value(data):
    X, y, w = data
    with pytest.raises(ValueError, match="sample_weight needs an F-beta"):
        SurrogateThresholdClassifier(
            _Recorder(), strategy="coordinate", metric=lambda a, b: 0.0
        ).fit(X, y, sample_weight=w)
    with pytest.raises(ValueError, match="Negative values"):
        SurrogateThresholdClassifier(_Recorder(), strategy="coordinate").fit(
            X, y, sample_weight=-w
        )


@pytest.mark.parametrize("average", ["micro", "macro"])
def test_weighted_shared_threshold_is_the_best_shared_one(average):
    rng = np.random.default_rng(2)
    Y = rng.random((60, 3)) < 0.4
    S = np.round(rng.random((60, 3)) * 0.7 + 0.3 * Y, 2)
    w = rng.random(60) * 2
    metric = FBeta(average=average)
    found = GlobalThreshold().optimize(Y, S, metric, sample_weight=w)
    assert np.all(found == found[0])
    best = max(
        fbeta_score(Y, S > t, beta=1, average=average, sample_weight=w)
        for t in np.r_[-1.0, np.unique(S)]
    )
    got = fbeta_score(Y, S > found, beta=1, average=average, sample_weight=w)
    assert got == pytest.approx(best, abs=1e-12)


def _frozen_scores(data):
    X, y, w = data
    base = LogisticRegression().fit(X[:, 1:], y)
    return X[:, 1:], y, w, base, base.predict_proba(X[:, 1:])[:, 1:]


def test_the_configured_surrogate_learns_from_the_weights(data):
    X, y, w, base, scores = _frozen_scores(data)
    clf = SurrogateThresholdClassifier(FrozenEstimator(base), metric="f1_macro")
    clf.fit(X, y, sample_weight=w)
    assert clf.strategy_.history_["objective"].size == clf.strategy_.max_iter + 1
    direct = SurrogateThreshold().optimize(
        y[:, None], scores, "f1_macro", sample_weight=w
    )
    np.testing.assert_array_equal(clf.thresholds_, direct)
    unweighted = SurrogateThreshold().optimize(y[:, None], scores, "f1_macro")
    assert not np.array_equal(clf.thresholds_, unweighted)
    exact = SurrogateThresholdClassifier(
        FrozenEstimator(base), strategy="coordinate", metric="f1_macro"
    ).fit(X, y, sample_weight=w)
    assert clf.score(X, y, sample_weight=w) <= exact.score(X, y, sample_weight=w)


@pytest.mark.parametrize("cv", [None, 3])
def test_a_strategy_without_weights_refuses_them_at_fit(data, cv):
    X, y, w = data
    clf = SurrogateThresholdClassifier(_Recorder(), strategy="grid", cv=cv)
    with pytest.raises(ValueError, match="GridSearch does not take sample_weight"):
        clf.fit(X, y, sample_weight=w)
