"""The Display objects of skthresh.plot: values, artists, errors, headless."""

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import sklearn.metrics
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skthresh import SurrogateThresholdClassifier, learn_thresholds
from skthresh.datasets import load_yeast, make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.plot import (
    OperatingPointDisplay,
    OptimizationHistoryDisplay,
    ThresholdCurveDisplay,
    ThresholdsVsFrequencyDisplay,
)
from skthresh.strategies import DefaultThreshold, GlobalThreshold, SurrogateThreshold

ROOT = Path(__file__).resolve().parents[1]
DISPLAYS = [
    OperatingPointDisplay,
    OptimizationHistoryDisplay,
    ThresholdCurveDisplay,
    ThresholdsVsFrequencyDisplay,
]


@pytest.fixture(autouse=True)
def headless():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tuning():
    """Small scores with ties, a rare label and one label with no positive."""
    Y, S = make_tagging_scores(400, 6, random_state=0, dtype=np.float64)
    S = np.round(S, 2)  # ties between samples and between labels
    Y = Y.astype(np.int64)
    Y[:, 5] = 0
    return Y, S


@pytest.fixture(scope="module")
def yeast_clf():
    X, Y = load_yeast(return_X_y=True)
    X, Y = X[:600], Y[:600, :13]  # label 13 is too rare for 600 genes
    base = OneVsRestClassifier(LogisticRegression(max_iter=200))
    clf = SurrogateThresholdClassifier(
        base, strategy="surrogate", max_iter=20, random_state=0
    ).fit(X[:400], Y[:400])
    return clf, X[400:], Y[400:], Y[:400]


def _brute_force(Y, S, thresholds, metric):
    return sklearn.metrics.fbeta_score(
        Y, S > thresholds, beta=metric.beta, average=metric.average, zero_division=0
    )


# ThresholdCurveDisplay ------------------------------------------------------


@pytest.mark.parametrize(
    "metric",
    [FBeta(1, "micro"), FBeta(1, "macro"), FBeta(1, "samples"), FBeta(2, "micro")],
    ids=lambda m: m.name,
)
def test_shared_curve_equals_brute_force(tuning, metric):
    Y, S = tuning
    display = ThresholdCurveDisplay.from_predictions(
        Y, S, metric=metric, max_points=None
    )
    grid, values = display.grid, display.values
    assert_array_equal(grid, np.unique(S))
    rng = np.random.default_rng(0)
    for k in rng.choice(grid.size, size=25, replace=False):
        expected = _brute_force(Y, S, grid[k], metric)
        assert values[k] == pytest.approx(expected, abs=1e-12)
        # The curve is constant up to the next distinct score.
        if k + 1 < grid.size:
            between = (grid[k] + grid[k + 1]) / 2
            assert _brute_force(Y, S, between, metric) == pytest.approx(expected)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_samples"])
@pytest.mark.parametrize("label", [0, 3, 5])
def test_label_curve_equals_brute_force(tuning, label, metric):
    Y, S = tuning
    display = ThresholdCurveDisplay.from_predictions(Y, S, label=label, metric=metric)
    assert display.ylabel == f"F1 of label {label}"
    assert_array_equal(display.grid, np.unique(S[:, label]))
    for k in range(0, display.grid.size, 7):
        expected = sklearn.metrics.f1_score(
            Y[:, label], S[:, label] > display.grid[k], zero_division=0
        )
        assert display.values[k] == pytest.approx(expected, abs=1e-12)


def test_curve_marks_learned_and_default_thresholds(tuning):
    Y, S = tuning
    with pytest.warns(UserWarning, match="no positive"):
        thresholds = learn_thresholds(Y, S, strategy="global")
    display = ThresholdCurveDisplay.from_predictions(Y, S, thresholds=thresholds)
    assert display.default_threshold == 0.5
    assert_array_equal(display.thresholds, thresholds)
    assert display.learned_value == pytest.approx(
        sklearn.metrics.f1_score(Y, S > thresholds, average="micro")
    )
    # The best shared threshold reaches the top of the shared curve.
    assert display.learned_value == pytest.approx(display.values.max())
    assert display.learned_line_.get_ydata()[0] == display.learned_value
    assert_array_equal(display.learned_marker_.get_xdata(), thresholds)
    assert_array_equal(display.default_line_.get_xdata(), [0.5, 0.5])

    one = ThresholdCurveDisplay.from_predictions(
        Y, S, label=2, thresholds=thresholds + 0.01, default_threshold=None
    )
    assert one.thresholds == thresholds[2] + 0.01
    assert one.default_line_ is None
    assert_array_equal(one.learned_line_.get_xdata(), [one.thresholds] * 2)
    assert one.learned_value == pytest.approx(
        sklearn.metrics.f1_score(Y[:, 2], S[:, 2] > one.thresholds)
    )
    assert_array_equal(one.learned_marker_.get_ydata(), [one.learned_value])


def test_curve_default_threshold_of_decision_scores():
    Y, S = make_tagging_scores(200, 3, output="logit", random_state=0)
    display = ThresholdCurveDisplay.from_predictions(Y, S)
    assert display.default_threshold == 0.0
    assert display.learned_line_ is None and display.learned_marker_ is None


def test_curve_max_points_keeps_exact_values_and_the_best(tuning):
    Y, S = tuning
    full = ThresholdCurveDisplay.from_predictions(Y, S, max_points=None)
    thin = ThresholdCurveDisplay.from_predictions(Y, S, max_points=20)
    assert thin.grid.size <= 20
    assert thin.values.max() == full.values.max()
    index = np.searchsorted(full.grid, thin.grid)
    assert_array_equal(full.grid[index], thin.grid)
    assert_array_equal(full.values[index], thin.values)


def test_curve_artists_and_kwargs(tuning):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    Y, S = tuning
    display = ThresholdCurveDisplay.from_predictions(
        Y, S, thresholds=0.3, name="tagger", color="red", lw=3
    )
    assert isinstance(display.line_, Line2D)
    assert display.line_.get_color() == "red"
    assert display.line_.get_linewidth() == 3
    assert_array_equal(display.line_.get_xdata(), display.grid)
    assert_array_equal(display.line_.get_ydata(), display.values)
    assert display.ax_.figure is display.figure_
    assert display.ax_.get_xlabel() == "threshold shared by all labels"
    assert display.ax_.get_ylabel() == "micro-F1"
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend[0] == "tagger: micro-F1"

    fig, ax = plt.subplots()
    again = display.plot(ax=ax, name="other")
    assert again is display
    assert display.ax_ is ax and display.figure_ is fig
    assert display.line_.get_label() == "other: micro-F1"
    with pytest.raises(TypeError, match="lw"):
        display.plot(lw=1, linewidth=2)


def test_curve_errors(tuning):
    Y, S = tuning
    with pytest.raises(
        ValueError, match=r"label must be None or an integer in \[0, 6\)"
    ):
        ThresholdCurveDisplay.from_predictions(Y, S, label=6)
    with pytest.raises(ValueError, match="label=True"):
        ThresholdCurveDisplay.from_predictions(Y, S, label=True)
    with pytest.raises(ValueError, match="max_points must be None or an integer >= 2"):
        ThresholdCurveDisplay.from_predictions(Y, S, max_points=1)
    with pytest.raises(ValueError, match="default_threshold must be 'auto'"):
        ThresholdCurveDisplay.from_predictions(Y, S, default_threshold="half")
    with pytest.raises(ValueError, match="thresholds must be a scalar or an array"):
        ThresholdCurveDisplay.from_predictions(Y, S, thresholds=[0.5, 0.5])
    with pytest.raises(ValueError, match="metric must be"):
        ThresholdCurveDisplay.from_predictions(Y, S, metric="accuracy")
    with pytest.raises(ValueError, match="same shape"):
        ThresholdCurveDisplay.from_predictions(Y[:, :3], S)
    display = ThresholdCurveDisplay(grid=[0.1, 0.2], values=[0.5])
    with pytest.raises(ValueError, match="same non-zero length"):
        display.plot()


def test_curve_from_estimator(yeast_clf):
    clf, X_test, Y_test, _ = yeast_clf
    display = ThresholdCurveDisplay.from_estimator(clf, X_test, Y_test)
    assert_array_equal(display.thresholds, clf.thresholds_)
    assert display.learned_value == pytest.approx(clf.score(X_test, Y_test))
    assert display.metric_name == "f1_micro"
    assert display.default_threshold == 0.5
    scores = clf.predict_proba(X_test)
    k = display.grid.size // 2
    assert display.values[k] == pytest.approx(
        sklearn.metrics.f1_score(Y_test, scores > display.grid[k], average="micro")
    )

    one = ThresholdCurveDisplay.from_estimator(
        clf, X_test, Y_test, label=1, metric="f2_micro"
    )
    assert one.thresholds == clf.thresholds_[1]
    assert one.ylabel == "F2 of label 1"
    assert one.learned_value == pytest.approx(
        sklearn.metrics.fbeta_score(
            Y_test[:, 1], scores[:, 1] > clf.thresholds_[1], beta=2
        )
    )


def test_curve_from_estimator_decision_function_and_binary_target():
    X, Y = load_yeast(return_X_y=True)
    X, y = X[:300], Y[:300, 0]
    clf = SurrogateThresholdClassifier(
        LogisticRegression(max_iter=200),
        strategy="global",
        response_method="decision_function",
        random_state=0,
    ).fit(X, y)
    display = ThresholdCurveDisplay.from_estimator(clf, X, y)
    assert display.default_threshold == 0.0
    assert display.learned_value == pytest.approx(clf.score(X, y))
    with pytest.raises(ValueError, match="1-D binary target"):
        ThresholdCurveDisplay.from_estimator(clf, X, Y[:300, :2])


def test_curve_from_estimator_errors(yeast_clf, tuning):
    clf, X_test, Y_test, _ = yeast_clf
    with pytest.raises(TypeError, match="takes a fitted SurrogateThresholdClassifier"):
        ThresholdCurveDisplay.from_estimator(clf.estimator_, X_test, Y_test)
    unfitted = SurrogateThresholdClassifier(LogisticRegression())
    with pytest.raises(NotFittedError):
        ThresholdCurveDisplay.from_estimator(unfitted, X_test, Y_test)
    with pytest.raises(ValueError, match="y has 3 label"):
        ThresholdCurveDisplay.from_estimator(clf, X_test, Y_test[:, :3])
    with pytest.raises(ValueError, match="X has 200 sample"):
        ThresholdCurveDisplay.from_estimator(clf, X_test, Y_test[:10])


# OptimizationHistoryDisplay -------------------------------------------------


def test_history_from_strategy(tuning):
    Y, S = tuning
    strategy = SurrogateThreshold(max_iter=15)
    with pytest.warns(UserWarning, match="no positive"):
        strategy.optimize(Y, S)
    display = OptimizationHistoryDisplay.from_estimator(strategy)
    objective = strategy.history_["objective"]
    assert_array_equal(display.line_.get_xdata(), np.arange(16))
    assert_array_equal(display.line_.get_ydata(), objective)
    best = int(np.argmax(objective))
    assert_array_equal(display.best_marker_.get_xdata(), [best])
    assert_array_equal(display.best_marker_.get_ydata(), [objective.max()])
    assert display.line_.get_label() == "SurrogateThreshold"
    assert display.ax_.get_xlabel() == "iteration"
    assert display.ax_.get_ylabel() == "objective on the tuning data"

    timed = display.plot(xaxis="elapsed", name="sgl")
    assert_array_equal(timed.line_.get_xdata(), strategy.history_["elapsed"])
    assert timed.ax_.get_xlabel() == "elapsed time (s)"
    assert timed.line_.get_label() == "sgl"


def test_history_from_classifier_on_existing_axes(yeast_clf):
    import matplotlib.pyplot as plt

    clf = yeast_clf[0]
    fig, ax = plt.subplots()
    display = OptimizationHistoryDisplay.from_estimator(clf, ax=ax, color="black")
    assert display.ax_ is ax and display.figure_ is fig
    assert display.line_.get_color() == "black"
    assert_array_equal(display.line_.get_ydata(), clf.strategy_.history_["objective"])
    assert display.ax_.get_ylabel() == "micro-F1 on the tuning data"


def test_history_from_history_and_errors():
    display = OptimizationHistoryDisplay.from_history({"objective": [0.1, 0.3, 0.2]})
    assert_array_equal(display.best_marker_.get_xdata(), [1])
    with pytest.raises(ValueError, match="has none; use xaxis='iteration'"):
        display.plot(xaxis="elapsed")
    with pytest.raises(ValueError, match="xaxis must be 'iteration' or 'elapsed'"):
        display.plot(xaxis="time")
    with pytest.raises(ValueError, match=r"keys \['loss'\]"):
        OptimizationHistoryDisplay.from_history({"loss": [1.0]})
    with pytest.raises(ValueError, match="type list"):
        OptimizationHistoryDisplay.from_history([0.1, 0.2])
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        OptimizationHistoryDisplay.from_history({"objective": []})
    with pytest.raises(ValueError, match="one value per objective value"):
        OptimizationHistoryDisplay.from_history(
            {"objective": [0.1, 0.2], "elapsed": [0.0]}
        )


def test_history_errors_without_history(tuning):
    Y, S = tuning
    with pytest.raises(ValueError, match="SurrogateThreshold has no history_"):
        OptimizationHistoryDisplay.from_estimator(SurrogateThreshold())
    fixed = DefaultThreshold()
    fixed.optimize(Y, S)
    with pytest.raises(ValueError, match="DefaultThreshold has no history_"):
        OptimizationHistoryDisplay.from_estimator(fixed)
    with pytest.raises(TypeError, match="takes a threshold strategy"):
        OptimizationHistoryDisplay.from_estimator(LogisticRegression())
    with pytest.raises(NotFittedError):
        OptimizationHistoryDisplay.from_estimator(
            SurrogateThresholdClassifier(LogisticRegression())
        )
    X, Y = load_yeast(return_X_y=True)
    clf = SurrogateThresholdClassifier(
        OneVsRestClassifier(LogisticRegression(max_iter=100)),
        strategy=GlobalThreshold(),
    ).fit(X[:300], Y[:300, :13])
    with pytest.raises(ValueError, match="GlobalThreshold has no history_"):
        OptimizationHistoryDisplay.from_estimator(clf)


# ThresholdsVsFrequencyDisplay -----------------------------------------------


def test_frequency_from_predictions(tuning):
    Y, S = tuning
    thresholds = np.linspace(0.2, 0.7, 6)
    display = ThresholdsVsFrequencyDisplay.from_predictions(Y, S, thresholds=thresholds)
    assert_allclose(display.frequencies, Y.mean(axis=0))
    assert_array_equal(display.line_.get_xdata(), display.frequencies)
    assert_array_equal(display.line_.get_ydata(), thresholds)
    assert_array_equal(display.default_line_.get_ydata(), [0.5, 0.5])
    assert display.ax_.get_xscale() == "linear"

    log = display.plot(xscale="log", marker="x")
    # Label 5 is never positive: no position on a log axis.
    assert_array_equal(log.line_.get_ydata(), thresholds[:5])
    assert log.line_.get_marker() == "x"
    assert log.ax_.get_xscale() == "log"
    log.figure_.canvas.draw()  # tick formatting runs headless

    none = ThresholdsVsFrequencyDisplay.from_predictions(
        Y, S, thresholds=0.4, default_threshold=None, name="global"
    )
    assert none.default_line_ is None
    assert_array_equal(none.line_.get_ydata(), np.full(6, 0.4))
    assert none.line_.get_label() == "global"


def test_frequency_default_threshold_of_decision_scores():
    Y, S = make_tagging_scores(200, 3, output="logit", random_state=0)
    display = ThresholdsVsFrequencyDisplay.from_predictions(Y, S, thresholds=0.0)
    assert display.default_threshold == 0.0
    assert_array_equal(display.default_line_.get_ydata(), [0.0, 0.0])


def test_frequency_from_estimator(yeast_clf):
    import matplotlib.pyplot as plt

    # Estimator, X, y, as every from_estimator of scikit-learn.
    clf, X_test, Y_test, _ = yeast_clf
    fig, ax = plt.subplots()
    display = ThresholdsVsFrequencyDisplay.from_estimator(clf, X_test, Y_test, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    assert_array_equal(display.thresholds, clf.thresholds_)
    assert_allclose(display.frequencies, Y_test.mean(axis=0))
    assert display.default_threshold == 0.5
    assert_array_equal(display.line_.get_xdata(), Y_test.mean(axis=0))


def test_frequency_errors(tuning, yeast_clf):
    Y, S = tuning
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        ThresholdsVsFrequencyDisplay.from_predictions(Y, S, thresholds=[0.5, 0.5])
    with pytest.raises(ValueError, match="xscale must be 'linear' or 'log'"):
        ThresholdsVsFrequencyDisplay.from_predictions(
            Y, S, thresholds=0.5, xscale="symlog"
        )
    with pytest.raises(ValueError, match="one value per label"):
        ThresholdsVsFrequencyDisplay(thresholds=[0.1], frequencies=[0.1, 0.2]).plot()
    with pytest.raises(ValueError, match="y_true must contain only 0 and 1"):
        ThresholdsVsFrequencyDisplay.from_predictions(Y * 2, S, thresholds=0.5)
    with pytest.raises(ValueError, match="y_true and y_score must have the same"):
        ThresholdsVsFrequencyDisplay.from_predictions(Y[:, :3], S, thresholds=0.5)
    with pytest.raises(ValueError, match="default_threshold must be 'auto'"):
        ThresholdsVsFrequencyDisplay.from_predictions(
            Y, S, thresholds=0.5, default_threshold="half"
        )
    with pytest.raises(TypeError, match="thresholds"):
        ThresholdsVsFrequencyDisplay.from_predictions(Y, S)  # a required keyword
    clf, X_test, Y_test, _ = yeast_clf
    with pytest.raises(TypeError, match="SurrogateThresholdClassifier"):
        ThresholdsVsFrequencyDisplay.from_estimator(clf.estimator_, X_test, Y_test)
    with pytest.raises(ValueError, match="X has 200 sample"):
        ThresholdsVsFrequencyDisplay.from_estimator(clf, X_test, Y_test[:10])
    with pytest.raises(ValueError, match="y has 3 label"):
        ThresholdsVsFrequencyDisplay.from_estimator(clf, X_test, Y_test[:, :3])


# OperatingPointDisplay ------------------------------------------------------


def _precision_recall(y, decisions):
    """sklearn's precision and recall, NaN where undefined."""
    return (
        sklearn.metrics.precision_score(y, decisions, zero_division=np.nan),
        sklearn.metrics.recall_score(y, decisions, zero_division=np.nan),
    )


@pytest.mark.parametrize("label", [0, 3, 5, None])
def test_operating_point_curves_equal_sklearn(tuning, label):
    Y, S = tuning
    display = OperatingPointDisplay.from_predictions(Y, S, label=label)
    y, s = (Y.ravel(), S.ravel()) if label is None else (Y[:, label], S[:, label])
    assert_array_equal(display.grid, np.unique(s))
    ks = list(range(0, display.grid.size, 5)) + [display.grid.size - 1]
    for k in ks:
        expected = _precision_recall(y, s > display.grid[k])
        actual = (display.precision[k], display.recall[k])
        assert_allclose(actual, expected, atol=1e-12, equal_nan=True)
    # Above every score nothing is predicted: precision undefined (not drawn).
    assert np.isnan(display.precision[-1])
    if label == 5:  # no positive: recall undefined everywhere
        assert np.isnan(display.recall).all()


def test_operating_point_marks_the_floor_and_the_learned_threshold(tuning):
    Y, S = tuning
    thresholds = np.full(S.shape[1], 0.4)
    thresholds[2] = 0.55
    display = OperatingPointDisplay.from_predictions(
        Y,
        S,
        label=2,
        thresholds=thresholds,
        metric="recall@precision=0.75",
        name="tagger",
    )
    expected = _precision_recall(Y[:, 2], S[:, 2] > 0.55)
    assert_allclose(display.operating_point, expected)
    assert display.floor == 0.75 and display.floor_measure == "precision"
    assert display.floor_line_.get_ydata()[0] == 0.75
    assert "precision floor 0.75" in display.floor_line_.get_label()
    assert display.learned_line_.get_xdata()[0] == 0.55
    markers = display.operating_markers_
    assert [m.get_ydata()[0] for m in markers] == pytest.approx(list(expected))
    assert [m.get_xdata()[0] for m in markers] == [0.55, 0.55]
    assert display.line_.get_label() == "tagger: precision"
    assert display.recall_line_.get_label() == "tagger: recall"
    assert display.default_line_.get_xdata()[0] == 0.5
    assert display.ax_.get_xlabel() == "threshold of label 2"
    # A recall floor bounds the recall curve.
    display = OperatingPointDisplay.from_predictions(
        Y, S, label=2, metric="precision@recall=0.6"
    )
    assert display.floor_measure == "recall" and display.floor == 0.6
    assert display.operating_markers_ == [] and display.learned_line_ is None
    # An F-measure has no floor.
    display = OperatingPointDisplay.from_predictions(Y, S, metric="f1_micro")
    assert display.floor is None and display.floor_line_ is None


def test_operating_point_pooled_marks_micro_precision_and_recall(tuning):
    Y, S = tuning
    thresholds = np.linspace(0.3, 0.6, S.shape[1])
    display = OperatingPointDisplay.from_predictions(Y, S, thresholds=thresholds)
    expected = (
        sklearn.metrics.precision_score(Y, S > thresholds, average="micro"),
        sklearn.metrics.recall_score(Y, S > thresholds, average="micro"),
    )
    assert_allclose(display.operating_point, expected)
    assert [line.get_ydata()[0] for line in display.operating_markers_] == (
        pytest.approx(list(expected))
    )
    assert_array_equal(display.learned_line_.get_xdata(), thresholds)
    assert display.ylabel == "micro precision and recall"


def test_operating_point_of_a_label_that_predicts_nothing(tuning):
    Y, S = tuning
    thresholds = np.full(S.shape[1], S.max())
    display = OperatingPointDisplay.from_predictions(
        Y, S, label=0, thresholds=thresholds
    )
    precision, recall = display.operating_point
    assert np.isnan(precision) and recall == 0.0
    # No marker text for the undefined precision; the recall's says 0.
    texts = [text.get_text() for text in display.ax_.texts]
    assert texts == ["R 0.000"]


def test_operating_point_max_points_keeps_exact_values(tuning):
    Y, S = tuning
    full = OperatingPointDisplay.from_predictions(Y, S, max_points=None)
    few = OperatingPointDisplay.from_predictions(Y, S, max_points=30)
    assert few.grid.size <= 30
    where = np.searchsorted(full.grid, few.grid)
    assert_array_equal(full.grid[where], few.grid)
    assert_array_equal(full.precision[where], few.precision)
    assert_array_equal(full.recall[where], few.recall)


def test_operating_point_from_estimator(yeast_clf):
    clf, X_test, Y_test, _ = yeast_clf
    display = OperatingPointDisplay.from_estimator(clf, X_test, Y_test, label=1)
    scores = clf.decision_scores(X_test)[:, 1]
    expected = _precision_recall(Y_test[:, 1], scores > clf.thresholds_[1])
    assert_allclose(display.operating_point, expected)
    assert display.floor is None  # the classifier's metric is f1_micro
    assert display.default_threshold == 0.5


def test_operating_point_errors(tuning, yeast_clf):
    Y, S = tuning
    with pytest.raises(ValueError, match="label must be None or an integer"):
        OperatingPointDisplay.from_predictions(Y, S, label=6)
    with pytest.raises(ValueError, match="max_points must be None or an integer"):
        OperatingPointDisplay.from_predictions(Y, S, max_points=1)
    with pytest.raises(ValueError, match="metric"):
        OperatingPointDisplay.from_predictions(Y, S, metric="recall@nothing")
    with pytest.raises(ValueError, match="same non-zero length"):
        OperatingPointDisplay(grid=[0.1, 0.2], precision=[1.0], recall=[0.5]).plot()
    with pytest.raises(ValueError, match="floor_measure must be"):
        OperatingPointDisplay(
            grid=[0.1], precision=[1.0], recall=[0.5], floor=0.5, floor_measure="f1"
        ).plot()
    clf, X_test, Y_test, _ = yeast_clf
    with pytest.raises(TypeError, match="SurrogateThresholdClassifier"):
        OperatingPointDisplay.from_estimator(clf.estimator_, X_test, Y_test)
    with pytest.raises(ValueError, match="X has 200 sample"):
        OperatingPointDisplay.from_estimator(clf, X_test, Y_test[:10])


# Legends -------------------------------------------------------------------


@pytest.fixture(scope="module")
def typical():
    """A tagger's scores with thresholds and a search history, as plotted."""
    Y, S = make_tagging_scores(3000, 20, random_state=2)
    thresholds = learn_thresholds(Y, S, strategy="coordinate")
    strategy = SurrogateThreshold(max_iter=10)
    strategy.optimize(Y, S)
    return Y, S, thresholds, strategy


FIGURES = {
    "curve": lambda Y, S, t, _: ThresholdCurveDisplay.from_predictions(
        Y, S, thresholds=t
    ),
    "label_curve": lambda Y, S, t, _: ThresholdCurveDisplay.from_predictions(
        Y, S, thresholds=t, label=19
    ),
    "history": lambda Y, S, t, strategy: OptimizationHistoryDisplay.from_estimator(
        strategy
    ),
    "frequency": lambda Y, S, t, _: ThresholdsVsFrequencyDisplay.from_predictions(
        Y, S, thresholds=t, xscale="log"
    ),
    "operating_point": lambda Y, S, t, _: OperatingPointDisplay.from_predictions(
        Y, S, thresholds=t, label=4, metric="recall@precision=0.8"
    ),
    "operating_point_micro": lambda Y, S, t, _: OperatingPointDisplay.from_predictions(
        Y, S, thresholds=t, metric="recall@precision=0.8:micro"
    ),
}


def _covers(box, line):
    """Whether the display box covers a point or a drawn segment of ``line``."""
    transform = line.get_transform()  # ax.transData, blended for axhline/axvline
    points = transform.transform(line.get_xydata())
    radius = 0.0
    if line.get_marker() not in ("None", "", " ", None):
        radius = line.get_markersize() * line.figure.dpi / 72 / 2
    if box.padded(radius).count_contains(points):
        return True
    if line.get_linestyle() in ("None", "", " "):
        return False
    path = transform.transform_path(line.get_path())
    return path.intersects_bbox(box, filled=False)


@pytest.mark.parametrize("size", [(6.4, 4.8), (6, 4), (4, 3)], ids=str)
@pytest.mark.parametrize("figure", FIGURES)
def test_legend_covers_no_curve(typical, figure, size):
    display = FIGURES[figure](*typical)
    display.figure_.set_size_inches(*size)
    display.figure_.canvas.draw()
    box = display.ax_.get_legend().get_window_extent()
    main = display.line_
    assert not _covers(box, main), "the legend covers the curve"
    for line in display.ax_.get_lines():
        assert not _covers(box, line), f"the legend covers {line.get_label()!r}"
    # ... and it is on the figure, not cut off by its edge.
    page = display.figure_.bbox
    assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1
    assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1


# Without matplotlib, documented --------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda Y, S: ThresholdCurveDisplay.from_predictions(Y, S),
        lambda Y, S: ThresholdCurveDisplay(grid=[0.0], values=[1.0]).plot(),
        lambda Y, S: ThresholdsVsFrequencyDisplay.from_predictions(
            Y, S, thresholds=0.5
        ),
        lambda Y, S: OptimizationHistoryDisplay.from_history({"objective": [1.0]}),
        lambda Y, S: OperatingPointDisplay.from_predictions(Y, S, label=0),
    ],
)
def test_missing_matplotlib_says_how_to_install(tuning, monkeypatch, call):
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        ImportError, match=r"plotting requires matplotlib; install skthresh\[plot\]"
    ):
        call(*tuning)


def test_importing_plot_does_not_import_matplotlib():
    code = (
        "import sys, skthresh.plot; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


# Public API -----------------------------------------------------------------


def test_all_is_sorted_and_complete():
    import skthresh.plot

    assert skthresh.plot.__all__ == sorted(skthresh.plot.__all__)
    assert sorted(skthresh.plot.__all__) == sorted(d.__name__ for d in DISPLAYS)


# scikit-learn's Displays take the data first, in this order, and every other
# argument by keyword (sklearn.metrics.PrecisionRecallDisplay, RocCurveDisplay).
SKLEARN_ORDER = {
    "from_estimator": ("estimator", "X", "y"),
    "from_predictions": ("y_true", "y_score"),
}
# OptimizationHistoryDisplay draws what a strategy recorded while it learned
# its thresholds: it reads no data, so it takes the estimator alone.
DATA_FREE = {("OptimizationHistoryDisplay", "from_estimator"): ("estimator",)}


@pytest.mark.parametrize("display", DISPLAYS, ids=lambda d: d.__name__)
def test_constructors_follow_sklearn_argument_order(display):
    import inspect

    positional = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
    by_keyword = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD)
    assert hasattr(display, "from_estimator")
    for method, expected in SKLEARN_ORDER.items():
        if not hasattr(display, method):
            continue
        expected = DATA_FREE.get((display.__name__, method), expected)
        params = list(inspect.signature(getattr(display, method)).parameters.values())
        first, rest = params[: len(expected)], params[len(expected) :]
        assert tuple(p.name for p in first) == expected, method
        assert all(p.kind in positional for p in first), method
        assert all(p.default is inspect.Parameter.empty for p in first), method
        assert all(p.kind in by_keyword for p in rest), (method, rest)


def _documented():
    for display in DISPLAYS:
        yield f"skthresh.plot.{display.__name__}"
        for attr in ("plot", "from_estimator", "from_predictions", "from_history"):
            if hasattr(display, attr):
                yield f"skthresh.plot.{display.__name__}.{attr}"


@pytest.mark.parametrize("qualname", list(_documented()))
def test_numpydoc_docstrings(qualname):
    from numpydoc.validate import validate

    # The codes tests/test_public_api.py checks, Examples only on classes.
    checked = {"GL06", "GL07", "GL08", "PR01", "PR02", "RT01"}
    checked |= {"SS01", "SS02", "SS03", "SS05"}
    if qualname.count(".") == 2:
        checked.add("EX01")
    errors = [
        (code, msg) for code, msg in validate(qualname)["errors"] if code in checked
    ]
    assert not errors, errors
