"""The best shared threshold of a samples average, against brute force."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import GlobalThreshold
from skthresh.strategies._held import HeldFBeta
from skthresh.strategies._shared import best_shared_threshold, shared_samples_bound
from skthresh.strategies._shared_samples import best_samples_cut, samples_cut_bound


def brute_force_shared(Y, S, metric):
    """Every distinct score level as a cut, scored from scratch; the highest best."""
    levels = np.unique(S).astype(np.float64)[::-1]
    cuts = np.concatenate([levels[:1], (levels[:-1] + levels[1:]) / 2])
    cuts = np.concatenate([cuts, [levels[-1] - 1.0]])
    values = np.array([metric.score(Y, S > t) for t in cuts])
    best = int(np.argmax(values >= values.max() - 1e-12))
    return cuts[best], values[best]


def random_problem(seed):
    rng = np.random.default_rng(seed)
    n, L = int(rng.integers(1, 30)), int(rng.integers(1, 6))
    Y = rng.random((n, L)) < rng.uniform(0.0, 0.7)
    S = 0.4 * Y + 0.6 * rng.random((n, L))
    if seed % 3 == 0:
        S = np.round(S * 4) / 4  # ties
    return Y, S.astype([np.float32, np.float64][seed % 2])


@pytest.mark.parametrize("seed", range(60))
def test_samples_shared_threshold_is_the_brute_force_one(seed):
    Y, S = random_problem(seed)
    metric = FBeta([1.0, 2.0, 0.5][seed % 3], "samples", float(seed % 5 == 0))
    expected, expected_value = brute_force_shared(Y, S, metric)
    threshold, value = best_shared_threshold(Y, S, metric)
    assert value == pytest.approx(expected_value, abs=1e-12)
    assert metric.score(Y, S > threshold) == pytest.approx(expected_value, abs=1e-12)
    assert_array_equal(S > threshold, S > expected)
    assert (threshold < S.max()) == (expected < S.max())


@pytest.mark.parametrize("rows", [1, 3, 7, 100])
def test_samples_shared_threshold_is_the_same_whatever_the_blocks(rows):
    Y, S = random_problem(4)
    Y, S = np.tile(Y, (3, 1)), np.tile(S, (3, 1))
    metric = FBeta(1.0, "samples")

    def blocks():
        for start in range(0, len(S), rows):
            yield Y[start : start + rows], S[start : start + rows]

    threshold, value = best_samples_cut(blocks, metric)
    expected, expected_value = best_shared_threshold(Y, S, metric)
    assert threshold == expected
    assert value == pytest.approx(expected_value, abs=1e-12)


def held_problem():
    """40 x 5 labels and scores, labels 0 and 3 held at 0.5, and the metric."""
    rng = np.random.default_rng(3)
    Y = rng.random((40, 5)) < 0.3
    S = (0.4 * Y + 0.6 * rng.random((40, 5))).astype(np.float32)
    held = np.array([True, False, False, True, False])
    metric = HeldFBeta.from_decisions(
        FBeta(1.0, "samples"), Y[:, held], S[:, held] > 0.5
    )
    return Y, S, held, metric


def test_samples_shared_threshold_counts_held_labels():
    Y, S, held, metric = held_problem()
    free = ~held

    def whole(t):
        D = S > np.where(held, 0.5, t)
        return FBeta(1.0, "samples").score(Y, D)

    threshold, value = best_shared_threshold(Y[:, free], S[:, free], metric)
    levels = np.unique(S[:, free])
    best = max([whole(levels.max())] + [whole(t) for t in levels - 1e-7])
    assert whole(threshold) == pytest.approx(best, abs=1e-12)
    assert value == pytest.approx(best, abs=1e-12)


def test_global_strategy_objective_on_a_samples_average():
    Y, S = random_problem(7)
    strategy = GlobalThreshold()
    thresholds = strategy.optimize(Y, S, "f1_samples")
    assert strategy.objective_ == FBeta(1.0, "samples").score(Y, S > thresholds)


# --- The bound that lets a caller skip the sweep ----------------------------------


@pytest.mark.parametrize("n_bins", [1, 2, 5, 256])
@pytest.mark.parametrize("seed", range(40))
def test_samples_bound_is_at_least_the_brute_force_best(seed, n_bins):
    # Valid however coarse the bins: a bin holding the threshold counts its
    # scores as true positives and not as predicted ones.
    Y, S = random_problem(seed)
    metric = FBeta([1.0, 2.0, 0.5][seed % 3], "samples", float(seed % 5 == 0))
    _, best = brute_force_shared(Y, S, metric)

    def blocks():
        yield Y, S

    assert samples_cut_bound(blocks, metric, n_bins=n_bins) >= best - 1e-12


def test_samples_bound_counts_held_labels():
    Y, S, held, metric = held_problem()
    free = ~held
    _, best = best_shared_threshold(Y[:, free], S[:, free], metric)
    bound = shared_samples_bound(Y[:, free], S[:, free], metric)
    assert best - 1e-12 <= bound < best + 0.1


def test_samples_bound_holds_across_blocks_of_mixed_float_types():
    Y, S = random_problem(8)
    Y, S = np.tile(Y, (4, 1)), np.tile(S, (4, 1)).astype(np.float64)
    S[::3] += 1e-9  # distinct in float64, equal once rounded to float32
    metric = FBeta(1.0, "samples")
    _, best = best_shared_threshold(Y, S, metric)

    def blocks():
        half = len(S) // 2
        yield Y[:half], S[:half].astype(np.float32)
        yield Y[half:], S[half:]

    for n_bins in (1, 3, 256):
        assert samples_cut_bound(blocks, metric, n_bins=n_bins) >= best - 1e-12


@pytest.mark.parametrize(
    "S", [np.full((6, 3), 0.5), np.zeros((6, 3)), np.linspace(0, 1, 18).reshape(6, 3)]
)
@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_samples_bound_without_positives_or_spread(S, zero_division):
    metric = FBeta(1.0, "samples", zero_division)
    for Y in (np.zeros(S.shape, dtype=bool), np.eye(6, 3, dtype=bool)):
        _, best = brute_force_shared(Y, S, metric)
        bound = shared_samples_bound(Y, S, metric)
        assert np.isfinite(bound)
        assert bound >= best - 1e-12


def test_samples_bound_is_close_to_the_best_on_tagging_scores():
    # Useful only if tight: within half a point of the exact sweep here.
    Y, S = make_tagging_scores(3000, 40, random_state=0)
    Y = Y.astype(bool)
    for beta in (0.5, 1.0, 2.0):
        metric = FBeta(beta, "samples")
        _, best = best_shared_threshold(Y, S, metric)
        bound = shared_samples_bound(Y, S, metric)
        assert best - 1e-12 <= bound < best + 0.005
