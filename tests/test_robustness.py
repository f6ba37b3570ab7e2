"""Ties, tree-model probabilities, very rare labels and extreme score magnitudes."""

import json
import warnings

import numpy as np
import pytest
import torch
from _strategies import make_strategy
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator

from skthresh import SurrogateThresholdClassifier, apply_thresholds, learn_thresholds
from skthresh._cli import main
from skthresh.metrics import check_metric, f1_score
from skthresh.strategies import available_strategies, get_strategy

STRATEGIES = available_strategies()
METRICS = ["f1_micro", "f1_macro", "f1_samples", "f2_micro", "f0.5_samples"]

# Strategies whose result is, by their documentation, at least as good on the
# tuning data as a threshold shared by all labels (their start, or an exact
# optimum), hence as the fixed default; numerical gradients start from 0.5
# and keep the best seen; the default strategy is the fixed threshold itself.
NOT_BELOW_DEFAULT = ["coordinate", "default", "global", "grid", "heuristic"]
NOT_BELOW_DEFAULT += ["numerical", "surrogate"]


class ScoresAsInput(ClassifierMixin, BaseEstimator):
    """A classifier whose decision scores are its input: ``X`` is the scores."""

    def fit(self, X, y):
        self.classes_ = np.arange(np.shape(y)[1])
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=np.float64)


def tie_problems():
    """Tuning sets full of ties: repeated scores, adjacent floats, float32."""
    rng = np.random.RandomState(0)
    out = []
    for k in range(6):
        n, n_labels = 30, 3
        Y = rng.uniform(size=(n, n_labels)) < 0.4
        Y[0], Y[1] = True, False
        S = np.round(rng.uniform(size=(n, n_labels)) * 4) / 4  # 5 levels
        if k % 3 == 1:  # neighbours one float apart
            S = np.where(rng.uniform(size=S.shape) < 0.3, np.nextafter(S, 2.0), S)
        if k % 3 == 2:
            S = (8 * S - 3).astype(np.float32)
        out.append((Y, S))
    return out


# --- The tie rule: a score equal to its threshold is negative -------------------


def test_apply_thresholds_ties_are_negative():
    thresholds = np.array([0.25, -3.0, 1e30])
    at = thresholds[None, :]
    above = np.nextafter(thresholds, np.inf)[None, :]
    assert_array_equal(apply_thresholds(at, thresholds), [[0, 0, 0]])
    assert_array_equal(apply_thresholds(above, thresholds), [[1, 1, 1]])
    assert_array_equal(apply_thresholds(at[:, :1], thresholds[0]), [[0]])
    tensor = apply_thresholds(torch.from_numpy(np.vstack([at, above])), thresholds)
    assert tensor.tolist() == [[0, 0, 0], [1, 1, 1]]
    # float32 scores against float64 thresholds: compared exactly.
    s32 = np.array([[0.1, 0.7]], dtype=np.float32)
    assert_array_equal(apply_thresholds(s32, s32[0].astype(np.float64)), [[0, 0]])
    below = np.nextafter(s32[0].astype(np.float64), -np.inf)
    assert_array_equal(apply_thresholds(s32, below), [[1, 1]])
    tensor32 = apply_thresholds(torch.from_numpy(s32), s32[0].astype(np.float64))
    assert tensor32.tolist() == [[0, 0]]


@pytest.mark.parametrize("name", STRATEGIES)
def test_estimator_predict_ties_are_negative(name):
    Y, S = tie_problems()[1]
    clf = SurrogateThresholdClassifier(
        FrozenEstimator(ScoresAsInput().fit(S, Y)), strategy=make_strategy(name)
    ).fit(S, Y)
    assert_array_equal(clf.predict(S), (S > clf.thresholds_).astype(np.int64))
    theta = clf.thresholds_
    rows = np.vstack([theta, np.nextafter(theta, np.inf)])
    assert_array_equal(clf.predict(rows), [[0, 0, 0], [1, 1, 1]])


def test_cli_apply_ties_are_negative(tmp_path, capsys):
    Y, S = tie_problems()[0]
    np.save(tmp_path / "scores.npy", S)
    np.save(tmp_path / "labels.npy", Y)
    thresholds = tmp_path / "thresholds.json"
    argv = ["fit", "--scores", str(tmp_path / "scores.npy"), "--labels"]
    argv += [str(tmp_path / "labels.npy"), "--out", str(thresholds)]
    assert main([*argv, "--strategy", "coordinate"]) == 0, capsys.readouterr().err
    theta = np.array(json.loads(thresholds.read_text())["thresholds"])
    rows = np.vstack([theta, np.nextafter(theta, np.inf), S])
    np.save(tmp_path / "test.npy", rows)
    out = tmp_path / "decisions.npy"
    argv = ["apply", "--scores", str(tmp_path / "test.npy"), "--thresholds"]
    assert main([*argv, str(thresholds), "--out", str(out)]) == 0
    decisions = np.load(out)
    assert_array_equal(decisions[0], 0)
    assert_array_equal(decisions[1], 1)
    assert_array_equal(decisions[2:], S > theta)


def _ties_only_where_documented(S, theta, pooled):
    """A returned threshold may equal a tuning score only where documented.

    The exact strategies place a threshold at the midpoint of the two scores
    around the chosen cut; when they are adjacent floats, the midpoint is
    the lower one ("as central as floats allow"), which the tie rule leaves
    negative. A label with nothing positive gets its highest score.
    """
    for j, t in enumerate(theta):
        s = S.ravel() if pooled else S[:, j]
        if not (s == t).any():
            continue
        higher = s[s > t]
        nothing_positive = (S[:, j] <= t).all()
        assert nothing_positive or higher.min() == np.nextafter(t, np.inf), (j, t)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("name", ["global", "coordinate"])
def test_exact_strategies_thresholds_and_objective(name, metric):
    for Y, S in tie_problems():
        strategy = get_strategy(name)
        theta = strategy.optimize(Y, S, metric)
        _ties_only_where_documented(S, theta, pooled=name == "global")
        # objective_ is the metric of the decisions S > thresholds, exactly.
        assert strategy.objective_ == check_metric(metric).score(Y, S > theta)


@pytest.mark.parametrize("name", STRATEGIES)
def test_every_strategy_thresholds_decide_by_the_tie_rule(name):
    for Y, S in tie_problems():
        theta = make_strategy(name).optimize(Y, S, "f1_micro")
        assert np.isfinite(theta).all()
        decisions = apply_thresholds(S, theta)
        assert_array_equal(decisions, (S > theta).astype(np.int64))
        assert_array_equal(apply_thresholds(theta[None, :], theta), 0)


# --- Tree-model probabilities: few distinct values, exact 0 and 1 ----------------


@pytest.fixture(scope="module")
def forest_scores():
    X, Y = make_multilabel_classification(
        n_samples=400, n_features=8, n_classes=4, random_state=0
    )
    # Fully grown trees have pure leaves: probabilities in {0, 1/3, 2/3, 1}.
    forest = RandomForestClassifier(n_estimators=3, random_state=0)
    forest.fit(X[:200], Y[:200])
    return FrozenEstimator(forest), X[200:], Y[200:]


@pytest.mark.parametrize("metric", ["f1_micro", "f1_samples"])
@pytest.mark.parametrize("name", STRATEGIES)
def test_tree_probabilities_through_the_classifier(forest_scores, name, metric):
    frozen, X, Y = forest_scores
    strategy = make_strategy(name)
    clf = SurrogateThresholdClassifier(frozen, strategy=strategy, metric=metric)
    clf.fit(X, Y)  # a frozen base: thresholds learned on all of X
    S = clf.decision_scores(X)
    assert np.unique(S).size <= 4  # heavy ties, exact 0 and 1
    assert np.isfinite(clf.thresholds_).all()
    assert clf.thresholds_.shape == (Y.shape[1],)
    predicted = clf.predict(X)
    assert predicted.shape == Y.shape
    assert_array_equal(predicted, S > clf.thresholds_)
    if name in NOT_BELOW_DEFAULT:
        score = check_metric(metric).score
        assert score(Y, predicted) >= score(Y, S > 0.5)


# --- Very rare labels --------------------------------------------------------------


@pytest.fixture(scope="module")
def rare():
    rng = np.random.default_rng(0)
    n = 100_000
    Y = np.zeros((n, 3), dtype=bool)
    Y[rng.choice(n, 1, replace=False), 0] = True  # 1 positive in 100,000
    Y[rng.choice(n, 10, replace=False), 1] = True
    Y[rng.choice(n, 1000, replace=False), 2] = True
    S = (rng.random((n, 3)) + 0.5 * Y).astype(np.float32) / 1.5
    return Y, S


@pytest.mark.parametrize("name", ["surrogate", "global", "coordinate"])
def test_one_positive_in_100_000(rare, name):
    Y, S = rare
    theta = learn_thresholds(Y, S, strategy=name)
    assert theta.shape == (3,) and theta.dtype == np.float64
    assert np.isfinite(theta).all()
    decisions = apply_thresholds(S, theta)
    assert decisions.shape == Y.shape
    assert f1_score(Y, decisions) >= f1_score(Y, S > 0.5)


# --- Large score magnitudes --------------------------------------------------------


@pytest.mark.parametrize("name", STRATEGIES)
def test_scores_near_the_float64_limit(name):
    # Finite scores are valid input, whatever their magnitude; the spread of
    # these (max - min) is not representable.
    rng = np.random.RandomState(1)
    Y = rng.uniform(size=(200, 3)) < 0.3
    Y[0], Y[1] = True, False
    big = np.finfo(np.float64).max
    S = np.where(Y, 1.0, -1.0) * big * rng.uniform(0.2, 1.0, size=Y.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theta = make_strategy(name).optimize(Y, S, "f1_micro")
    assert np.isfinite(theta).all()
    if name in NOT_BELOW_DEFAULT:
        assert f1_score(Y, S > theta) >= f1_score(Y, S > 0.0)


@pytest.mark.parametrize(
    "tiny", [np.nextafter(0.0, -1.0), -1e-38], ids=["-5e-324", "-1e-38"]
)
@pytest.mark.parametrize("metric", ["f1_micro", "f1_samples"])
@pytest.mark.parametrize("name", STRATEGIES)
def test_scores_with_a_tiny_spread(name, tiny, metric):
    # The other end: decision scores whose whole spread is the smallest
    # float64, or a float32 subnormal (both found by test_properties.py on
    # unbounded scores).
    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [0, 1]], dtype=bool)
    S = np.where(Y, 0.0, tiny)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theta = make_strategy(name).optimize(Y, S, metric)
    assert np.isfinite(theta).all()
    if name in NOT_BELOW_DEFAULT:
        score = check_metric(metric).score
        assert score(Y, S > theta) >= score(Y, S > 0.0)
