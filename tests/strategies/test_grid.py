"""Tests of GridSearch: per-label grids with dichotomic refinement."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh._cuts import midpoint
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import CoordinateAscent, GlobalThreshold, GridSearch


def central(s, t):
    """Central threshold of the cut ``s > t`` of one label's scores."""
    desc = np.sort(s)[::-1].astype(np.float64)
    above = int((s > t).sum())
    if above == 0:
        return desc[0]
    if above == s.size:
        return np.nextafter(desc[-1], -np.inf)
    return float(midpoint(desc[above - 1], desc[above]))


def reference_grid(Y, S, metric, n_points, n_refinements, n_passes):
    """The search re-thresholding the whole matrix for every grid point."""
    theta = GlobalThreshold().optimize(Y, S, metric)
    value = metric.score(Y, S > theta)
    for _ in range(n_passes):
        changed = False
        for j in range(S.shape[1]):
            grid = np.linspace(S[:, j].min(), S[:, j].max(), n_points)
            best_value, best_t = value, None
            for _ in range(n_refinements + 1):
                values = []
                for t in grid:
                    trial = theta.copy()
                    trial[j] = t
                    values.append(metric.score(Y, S > trial))
                i = len(values) - 1 - int(np.argmax(values[::-1]))
                if values[i] > best_value:
                    best_value, best_t = values[i], grid[i]
                step = (grid[-1] - grid[0]) / (n_points - 1)
                grid = np.linspace(grid[i] - step, grid[i] + step, n_points)
            if best_t is not None:
                theta[j] = central(S[:, j], best_t)
                value, changed = best_value, True
        if not changed:
            break
    return theta, value


@pytest.fixture(scope="module")
def small():
    Y, S = make_tagging_scores(300, 6, mean_labels_per_sample=1.5, random_state=2)
    return Y.astype(bool), S


@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_matches_the_reference_search(small, average):
    Y, S = small
    metric = FBeta(1.0, average)
    expected, value = reference_grid(Y, S, metric, 7, 2, 2)
    strategy = GridSearch(n_points=7, n_refinements=2, n_passes=2)
    theta = strategy.optimize(Y, S, metric)
    assert_array_equal(theta, expected)
    assert strategy.objective_ == pytest.approx(value, abs=1e-12)
    assert strategy.objective_ == pytest.approx(
        sk_fbeta_score(Y, S > theta, beta=1.0, average=average, zero_division=0.0),
        abs=1e-12,
    )


def test_fine_grids_approach_the_exact_optimum():
    Y, S = make_tagging_scores(1000, 20, random_state=5)
    exact = CoordinateAscent()
    exact.optimize(Y, S)
    coarse = GridSearch(n_points=5, n_refinements=0, n_passes=1)
    coarse.optimize(Y, S)
    fine = GridSearch(n_points=30, n_refinements=4, n_passes=4)
    fine.optimize(Y, S)
    assert coarse.objective_ < fine.objective_ <= exact.objective_
    assert fine.objective_ > exact.objective_ - 0.003


def test_history_and_early_stop(small):
    Y, S = small
    strategy = GridSearch(n_passes=10)
    strategy.optimize(Y, S)
    history = strategy.history_["objective"]
    assert strategy.n_iter_ < 10
    assert (
        history.shape == strategy.history_["elapsed"].shape == (strategy.n_iter_ + 1,)
    )
    assert np.all(np.diff(history) >= 0) and history[-1] == history[-2]
    assert strategy.objective_ == history[-1] > history[0]


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"n_points": 2},
            "'n_points' parameter of GridSearch"
            " must be an int in the range \\[3, 1000000\\]",
        ),
        (
            {"n_refinements": -1},
            "'n_refinements' parameter of GridSearch"
            " must be an int in the range \\[0, inf\\)",
        ),
        (
            {"n_passes": 0},
            "'n_passes' parameter of GridSearch"
            " must be an int in the range \\[1, inf\\)",
        ),
        ({"init": "best"}, "'init' parameter of GridSearch .* Got 'best' instead"),
    ],
)
def test_invalid_params(small, params, match):
    Y, S = small
    with pytest.raises(ValueError, match=match):
        GridSearch(**params).optimize(Y, S)


def test_callable_metric_is_refused(small):
    Y, S = small
    with pytest.raises(ValueError, match="needs an F-beta metric"):
        GridSearch().optimize(Y, S, lambda Y_true, Y_pred: 0.0)


def test_verbose(small, capsys):
    Y, S = small
    GridSearch(n_passes=1, verbose=1).optimize(Y, S)
    assert "[GridSearch] sweep   1/1" in capsys.readouterr().out
