"""Per-sample counts of the samples average, against simple references."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skthresh.metrics import FBeta
from skthresh.strategies import CoordinateAscent
from skthresh.strategies._sample_counts import (
    SampleCounts,
    entry_gains,
    label_orders,
)


def problem(seed, n=30, L=4, dtype=np.float32, ties=False):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, L)) < 0.35
    Y[0], Y[1] = True, False  # both classes in every label
    S = 0.4 * Y + 0.6 * rng.random((n, L))
    if ties:
        S = np.round(S * 5) / 5
    return Y, S.astype(dtype)


def reference_coordinate(Y, S, metric, start, max_iter=100):
    """Label by label, every distinct cut scored from scratch (slow, simple).

    The highest of the cuts within 1e-12 of a label's best; a label moves
    only when that cut beats its current one by more than 1e-12.
    """
    theta = start.astype(np.float64).copy()
    for _ in range(max_iter):
        changed = False
        for j in range(S.shape[1]):
            levels = np.unique(S[:, j]).astype(np.float64)[::-1]
            mids = (levels[:-1] + levels[1:]) / 2
            cuts = np.concatenate([levels[:1], mids, [levels[-1] - 1.0]])
            values = []
            for t in cuts:
                trial = theta.copy()
                trial[j] = t
                values.append(metric.score(Y, S > trial))
            values = np.asarray(values)
            best = int(np.argmax(values >= values.max() - 1e-12))
            if values[best] > metric.score(Y, S > theta) + 1e-12:
                theta[j] = cuts[best]
                changed = True
        if not changed:
            break
    return theta


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ties", [False, True])
def test_label_orders_sort_each_label_by_decreasing_score(dtype, ties):
    Y, S = problem(0, n=50, L=5, dtype=dtype, ties=ties)
    S[3, 2] = -0.0
    S[4, 2] = 0.0
    S[5, 1] = -0.5
    order, y_desc, tie_next = label_orders(S, Y, S.shape[1])
    for j in range(S.shape[1]):
        s = S[order[j], j]
        assert (np.diff(s) <= 0).all()
        assert sorted(order[j]) == list(range(S.shape[0]))
        assert_array_equal(y_desc[j], Y[order[j], j])
        assert_array_equal(tie_next[j, :-1], s[:-1] == s[1:])
        assert not tie_next[j, -1]


def test_gains_and_moves_match_counts_from_scratch():
    Y, S = problem(1, n=40, L=5)
    metric = FBeta(1.0, "samples")
    counts = SampleCounts(Y, S, metric)
    rng = np.random.default_rng(0)
    theta = rng.uniform(0.2, 0.8, size=5)
    counts.set_thresholds(theta)
    for j in range(5):
        order = np.argsort(-S[:, j], kind="stable")
        g = counts.gains(j)
        for k in (0, 7, 40):
            trial = theta.copy()
            trial[j] = counts.cut_threshold(j, k) if k < 40 else -1.0
            if k and k < 40 and S[order[k - 1], j] == S[order[k], j]:
                continue
            expected = metric.score(Y, S > trial) - metric.score(
                Y, S > np.where(np.arange(5) == j, 2.0, theta)
            )
            assert g[:k].sum() / 40 == pytest.approx(expected, abs=1e-12)
        counts.move(j, 11)
        theta[j] = counts.cut_threshold(j, 11)
        assert counts.value() == pytest.approx(metric.score(Y, S > theta), abs=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_coordinate_samples_matches_a_from_scratch_reference(seed):
    metric = FBeta([1.0, 2.0, 0.5][seed % 3], "samples")
    Y, S = problem(seed, n=24 + seed, L=3 + seed % 3, ties=seed % 4 == 3)
    theta = CoordinateAscent().optimize(Y, S, metric)
    micro = FBeta(metric.beta, "micro")
    start = CoordinateAscent().optimize(Y, S, micro)
    expected = reference_coordinate(Y, S, metric, start)
    value, reference = metric.score(Y, S > theta), metric.score(Y, S > expected)
    # The same decisions as the reference, or better on the tuning data.
    assert value >= reference - 1e-12
    if value == pytest.approx(reference, abs=1e-12):
        assert_array_equal(S > theta, S > expected)


@pytest.mark.parametrize("zero_division", [0.0, 1.0])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_entry_gains_are_the_difference_of_two_f_values(beta, zero_division):
    # Every count combination up to 6 labels, and a sample with nothing
    # positive nor predicted, whose F is zero_division before its first
    # prediction.
    pos, pp, tp, y = np.meshgrid(*[np.arange(7)] * 3, [False, True], indexing="ij")
    ok = (tp <= pp) & (tp <= pos) & (~y | (tp < pos))
    pos, pp, tp, y = pos[ok], pp[ok], tp[ok], y[ok]
    metric = FBeta(beta, "samples", zero_division)
    f = metric.elementwise
    expected = f(tp + y, pp + 1, pos) - f(tp, pp, pos)
    got = entry_gains(metric, tp, pp, pos, y)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert (got[(pos == 0) & (pp == 0)] == -zero_division).all()


def test_gains_of_the_current_decisions_match_recomputed_f():
    # gains(j)[:k].sum() / n is the metric of the cut of k scores up to a
    # constant: compare two cuts' difference with the metric recomputed.
    rng = np.random.default_rng(5)
    Y = rng.random((60, 4)) < 0.3
    S = 0.4 * Y + 0.6 * rng.random((60, 4))
    metric = FBeta(1.0, "samples")
    counts = SampleCounts(Y, S, metric)
    counts.set_thresholds(np.full(4, 0.5))
    for j in range(4):
        g = counts.gains(j)
        order = np.argsort(-S[:, j], kind="stable")
        values = []
        for k in (5, 20):
            theta = np.full(4, 0.5)
            theta[j] = (S[order[k - 1], j] + S[order[k], j]) / 2
            values.append(metric.score(Y, S > theta))
        assert values[1] - values[0] == pytest.approx(g[5:20].sum() / 60, abs=1e-12)
