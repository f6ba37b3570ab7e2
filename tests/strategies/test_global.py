"""Tests of GlobalThreshold: the exact best shared threshold."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import GlobalThreshold
from skthresh.strategies._shared import best_shared_threshold, shared_threshold_curve

AVERAGES = ["micro", "macro", "samples"]


def sk_value(Y, D, metric):
    return sk_fbeta_score(
        Y, D, beta=metric.beta, average=metric.average, zero_division=0.0
    )


def exhaustive_shared(Y, S, metric):
    """Best shared threshold by trying every cut."""
    levels = np.unique(S)[::-1]
    candidates = np.concatenate(
        [[levels[0]], (levels[:-1] + levels[1:]) / 2, [levels[-1] - 1]]
    )
    return max(metric.score(Y, S > t) for t in candidates)


def tiny(seed, n=8, L=3, ties=False):
    rng = np.random.RandomState(seed)
    Y = rng.uniform(size=(n, L)) < 0.4
    S = 0.3 * Y + 0.7 * rng.uniform(size=(n, L))
    if ties:
        S = np.round(S * 4) / 4
    return Y, S


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_matches_exhaustive_search(average, beta):
    metric = FBeta(beta, average)
    for seed in range(6):
        Y, S = tiny(seed, ties=seed % 3 == 0)
        strategy = GlobalThreshold()
        theta = strategy._optimize(Y, S, metric)
        assert np.ptp(theta) == 0
        value = sk_value(Y, S > theta, metric)
        assert value == pytest.approx(exhaustive_shared(Y, S, metric), abs=1e-12)
        assert strategy.objective_ == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("average", AVERAGES)
def test_curve_matches_sklearn_at_every_cut(average):
    Y, S = tiny(3, n=12, L=4, ties=True)
    metric = FBeta(1.0, average)
    values, levels = shared_threshold_curve(Y, S, metric)
    assert np.all(np.diff(levels) < 0)
    assert values[0] == pytest.approx(sk_value(Y, S > levels[0], metric))
    for c in range(1, levels.size + 1):
        # The c highest levels positive: threshold just below level c - 1.
        threshold = np.nextafter(levels[c - 1], -np.inf)
        assert values[c] == pytest.approx(sk_value(Y, S > threshold, metric))


def test_threshold_is_a_midpoint_and_highest_of_ties():
    # Cuts below 0.9 and below 0.3 tie (micro F1 2/3): the highest is kept,
    # halfway between 0.9 and the next score, 0.6.
    Y = np.array([[1, 0], [0, 0], [0, 1], [0, 0]], dtype=bool)
    S = np.array([[0.9, 0.1], [0.6, 0.2], [0.5, 0.3], [0.25, 0.05]])
    theta, value = best_shared_threshold(Y, S, FBeta())
    assert value == pytest.approx(sk_value(Y, S > theta, FBeta()))
    assert value == pytest.approx(2 / 3)
    assert sk_value(Y, S > 0.28, FBeta()) == pytest.approx(2 / 3)
    assert theta == 0.75


def test_extreme_cuts():
    Y = np.array([[1], [1], [1]], dtype=bool)
    S = np.array([[0.2], [0.5], [0.7]], dtype=np.float32)
    theta, value = best_shared_threshold(Y, S, FBeta())
    assert value == 1.0
    # A Python float would be compared in float32 (NEP 50): use float64.
    assert theta < float(np.float32(0.2)) and (S > np.float64(theta)).all()
    assert theta == np.nextafter(np.float64(np.float32(0.2)), -np.inf)


def test_float32_scores_and_full_size():
    Y, S = make_tagging_scores(3000, 30, random_state=1)
    theta32 = GlobalThreshold().optimize(Y, S)
    theta64 = GlobalThreshold().optimize(Y, S.astype(np.float64))
    assert theta32.dtype == np.float64 and theta32.shape == (30,)
    assert_array_equal(theta32, theta64)
    for average in AVERAGES:
        strategy = GlobalThreshold()
        theta = strategy.optimize(Y, S, f"f1_{average}")
        metric = FBeta(1.0, average)
        assert strategy.objective_ == pytest.approx(
            sk_value(Y, S > theta, metric), abs=1e-12
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["ties", "signed", "zeros", "wide"])
def test_micro_cut_from_cells_matches_the_full_sort(kind, dtype):
    # The micro cut comes from cell counts of the scores' upper bits plus an
    # exact second pass; the sort of every score is the reference. Negative
    # scores, -0.0 next to +0.0 and magnitudes far apart stress the cells.
    from skthresh import ScoreSummary
    from skthresh._cuts import level_cut_threshold as _cut_threshold
    from skthresh.metrics import check_metric
    from skthresh.strategies._shared import (
        best_shared_threshold,
        best_shared_threshold_summary,
        shared_threshold_curve,
    )

    for seed in range(40):
        rng = np.random.default_rng(seed)
        n, n_labels = rng.integers(1, 40), rng.integers(1, 6)
        Y = rng.random((n, n_labels)) < rng.random()
        if kind == "ties":
            S = rng.integers(0, 5, (n, n_labels)) / 4
        elif kind == "signed":
            S = rng.normal(size=(n, n_labels)).round(1)
        elif kind == "zeros":
            S = np.where(
                rng.random((n, n_labels)) < 0.4, -0.0, rng.random((n, n_labels))
            )
        else:
            S = rng.normal(size=(n, n_labels)) * 10.0 ** rng.integers(
                -30, 30, (n, n_labels)
            )
        S = S.astype(dtype)
        for name in ("f1_micro", "f2_micro"):
            metric = check_metric(name)
            values, levels = shared_threshold_curve(Y, S, metric)
            best = int(np.argmax(values))
            threshold, value = best_shared_threshold(Y, S, metric)
            assert value == pytest.approx(values[best], abs=1e-12)
            assert threshold == _cut_threshold(levels, best)
            summary = ScoreSummary.from_chunks([(Y, S)])
            assert best_shared_threshold_summary(summary, metric) == (threshold, value)
