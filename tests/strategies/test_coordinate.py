"""Tests of CoordinateAscent: exact per-label best cuts."""

from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score as sk_f1_score
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import (
    CoordinateAscent,
    GlobalThreshold,
    GridSearch,
    HeuristicSearch,
    NumericalGradient,
    SurrogateThreshold,
)
from skthresh.strategies._callable import evaluate_callable
from skthresh.utils.estimator_checks import brute_force_thresholds

AVERAGES = ["micro", "macro", "samples"]


def sk_value(Y, D, metric):
    return sk_fbeta_score(
        Y, D, beta=metric.beta, average=metric.average, zero_division=0.0
    )


def tiny(seed, n=8, L=3, ties=False):
    rng = np.random.RandomState(seed)
    Y = rng.uniform(size=(n, L)) < 0.45
    S = 0.3 * Y + 0.7 * rng.uniform(size=(n, L))
    if ties:
        S = np.round(S * 4) / 4
    return Y, S


@pytest.fixture(scope="module")
def medium():
    Y, S = make_tagging_scores(1500, 40, random_state=3)
    return Y.astype(bool), S


@pytest.mark.parametrize("average", ["micro", "macro"])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_exact_on_micro_and_macro(average, beta):
    # Coordinate ascent is globally exact for these averages (see Notes).
    metric = FBeta(beta, average)
    for seed in range(20):
        Y, S = tiny(seed, L=2 + seed % 2, ties=seed % 3 == 0)
        if not (Y.any(axis=0) & ~Y.all(axis=0)).all():
            continue
        _, best = brute_force_thresholds(Y, S, metric)
        strategy = CoordinateAscent()
        theta = strategy.optimize(Y, S, metric)
        assert sk_value(Y, S > theta, metric) == pytest.approx(best, abs=1e-12)
        assert strategy.objective_ == pytest.approx(best, abs=1e-12)


def test_samples_is_a_coordinatewise_maximum(medium):
    Y, S = medium
    Y, S = Y[:300, :8], S[:300, :8]
    metric = FBeta(1.0, "samples")
    strategy = CoordinateAscent()
    theta = strategy.optimize(Y, S, metric)
    value = sk_value(Y, S > theta, metric)
    assert strategy.objective_ == pytest.approx(value, abs=1e-12)
    # No single label can do better with the others fixed.
    for j in range(S.shape[1]):
        for t in np.unique(S[:, j]):
            trial = theta.copy()
            trial[j] = t
            assert metric.score(Y, S > trial) <= value + 1e-12
        trial[j] = S[:, j].min() - 1
        assert metric.score(Y, S > trial) <= value + 1e-12


def test_micro_matches_naive_gauss_seidel(medium):
    """The textbook algorithm: re-threshold everything for every cut."""
    Y, S = medium
    Y, S = Y[:400, :10], S[:400, :10]
    metric = FBeta(1.0, "micro")
    theta = GlobalThreshold().optimize(Y, S)
    value = metric.score(Y, S > theta)
    for _ in range(20):
        changed = False
        for j in range(S.shape[1]):
            levels = np.unique(S[:, j])
            for t in np.concatenate([[levels[0] - 1], (levels[:-1] + levels[1:]) / 2]):
                trial = theta.copy()
                trial[j] = t
                trial_value = metric.score(Y, S > trial)
                if trial_value > value:
                    theta, value, changed = trial, trial_value, True
        if not changed:
            break
    result = CoordinateAscent().optimize(Y, S)
    assert sk_f1_score(Y, S > result, average="micro") == pytest.approx(value)


def test_best_of_all_strategies(medium):
    Y, S = medium
    theta = CoordinateAscent().optimize(Y, S)
    best = sk_f1_score(Y, S > theta, average="micro")
    others = [
        GlobalThreshold(),
        GridSearch(),
        HeuristicSearch(n_restarts=1, random_state=0),
        NumericalGradient(),
        SurrogateThreshold(max_iter=30),
    ]
    for other in others:
        assert sk_f1_score(Y, S > other.optimize(Y, S), average="micro") <= best


@pytest.mark.parametrize("average", AVERAGES)
def test_thresholds_are_central_cuts(medium, average):
    Y, S = medium
    theta = CoordinateAscent().optimize(Y, S, f"f1_{average}")
    for j in range(S.shape[1]):
        s = np.sort(S[:, j]).astype(np.float64)
        if theta[j] >= s[-1]:
            assert theta[j] == s[-1]
        elif theta[j] < s[0]:
            assert theta[j] == np.nextafter(s[0], -np.inf)
        else:
            i = np.searchsorted(s, theta[j], side="right")
            assert theta[j] == (s[i - 1] + s[i]) / 2 or s[i] - s[i - 1] < 1e-6


def test_ties_take_the_highest_threshold():
    # Label 0: cutting below 0.9 (tp 1, pp 1) or below 0.5 (tp 2, pp 4) give
    # the same F1 for that label, 2/3, its best; macro F1 takes the highest.
    Y = np.array([[1, 1], [0, 0], [0, 0], [1, 0], [0, 0]], dtype=bool)
    S = np.array([[0.9, 0.8], [0.7, 0.1], [0.6, 0.2], [0.5, 0.3], [0.1, 0.05]])
    metric = FBeta(1.0, "macro")
    theta = CoordinateAscent().optimize(Y, S, metric)
    assert theta[0] == pytest.approx(0.8)
    assert theta[1] == pytest.approx(0.55)
    lower = theta.copy()
    lower[0] = 0.3
    assert sk_value(Y, S > lower, metric) == sk_value(Y, S > theta, metric)


def test_permutation_equivariant_and_float32(medium):
    Y, S = medium
    perm = np.random.RandomState(0).permutation(S.shape[1])
    for average in ("micro", "macro"):
        theta = CoordinateAscent().optimize(Y, S, f"f1_{average}")
        assert_array_equal(
            CoordinateAscent().optimize(Y[:, perm], S[:, perm], f"f1_{average}"),
            theta[perm],
        )
    theta64 = CoordinateAscent().optimize(Y, S.astype(np.float64))
    assert_array_equal(theta64, CoordinateAscent().optimize(Y, S))


def test_history_and_attributes(medium):
    Y, S = medium
    for average in AVERAGES:
        strategy = CoordinateAscent()
        strategy.optimize(Y, S, f"f1_{average}")
        history = strategy.history_
        assert set(history) == {"objective", "elapsed"}
        assert history["objective"].shape == (strategy.n_iter_ + 1,)
        assert history["elapsed"].shape == (strategy.n_iter_ + 1,)
        assert np.all(np.diff(history["objective"]) >= -1e-12)
        assert np.all(np.diff(history["elapsed"]) >= 0)
        assert strategy.objective_ == history["objective"][-1]


def test_max_iter_warns(medium):
    Y, S = medium
    with pytest.warns(ConvergenceWarning, match="max_iter=1 sweeps"):
        CoordinateAscent(max_iter=1).optimize(Y, S)


@pytest.mark.parametrize("max_iter", [0, 1.5, True, "10"])
def test_invalid_max_iter(max_iter):
    Y, S = tiny(0)
    match = rf"'max_iter' parameter of CoordinateAscent .* Got {max_iter!r} instead"
    with pytest.raises(ValueError, match=match):
        CoordinateAscent(max_iter=max_iter).optimize(Y, S)


def test_verbose(medium, capsys):
    Y, S = medium
    CoordinateAscent(verbose=1).optimize(Y, S)
    assert "[CoordinateAscent] sweep" in capsys.readouterr().out


def test_callable_metric_reaches_the_exact_micro_optimum():
    # Coordinate-wise maxima of micro F are global, whatever the start.
    metric = partial(sk_f1_score, average="micro", zero_division=0.0)
    for seed in range(4):
        Y, S = tiny(seed, n=10, L=3)
        _, best = brute_force_thresholds(Y, S, FBeta())
        strategy = CoordinateAscent()
        theta = strategy._optimize(Y, S, metric)
        assert evaluate_callable(metric, Y, S, theta) == pytest.approx(best)
        assert strategy.objective_ == pytest.approx(best)


def test_callable_metric_sees_int_matrices():
    seen = []

    def metric(Y_true, Y_pred):
        seen.append((Y_true.dtype, Y_pred.dtype, Y_pred.shape))
        return float((Y_true == Y_pred).mean())

    Y, S = tiny(1)
    CoordinateAscent()._optimize(Y, S, metric)
    assert set(seen) == {(np.dtype(np.int64), np.dtype(np.int64), S.shape)}


def test_callable_metric_must_return_a_number():
    Y, S = tiny(1)
    with pytest.raises(TypeError, match="must return a number"):
        CoordinateAscent()._optimize(Y, S, lambda Y_true, Y_pred: "high")
    with pytest.raises(ValueError, match="returned NaN"):
        CoordinateAscent()._optimize(Y, S, lambda Y_true, Y_pred: np.nan)


@pytest.mark.parametrize("beta", [3e4, 1e9, 1e50])
def test_huge_integer_beta_does_not_overflow(beta):
    # beta**2 is an integer-valued float: the exact integer gains would
    # overflow int64 (an OverflowError before), so float64 is used. F-beta
    # is then the recall: every positive predicted, as brute force gives.
    Y, S = tiny(0)
    metric = FBeta(beta=beta)
    theta = CoordinateAscent().optimize(Y, S, metric)
    assert metric.score(Y, S > theta) == pytest.approx(1.0, abs=1e-9)
