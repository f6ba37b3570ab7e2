"""The surrogate's compact count grids: exact where promised, bounded elsewhere."""

import numpy as np
import pytest
import torch

from skthresh import ScoreSummary
from skthresh.strategies._surrogate_engine import CountGrid as _CountGrid
from skthresh.strategies._surrogate_engine import Identity as _Identity


def brute_le(S, Y, q, positives):
    cols = [S[:, j][Y[:, j]] if positives else S[:, j] for j in range(S.shape[1])]
    return np.array(
        [[np.sum(c <= t) for t in row] for c, row in zip(cols, q, strict=True)]
    )


def problem(seed, n, n_labels=4):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, n_labels)) < 0.3
    S = rng.normal(size=(n, n_labels)).round(1).astype(np.float32)  # ties
    return Y, S, ScoreSummary.from_chunks([(Y, S)])


def grids(summary, size, monkeypatch):
    monkeypatch.setattr(_CountGrid, "size", size)
    return (
        _CountGrid.of_rows(summary.values, _Identity(), "cpu"),
        _CountGrid.of_segments(
            summary.pos_values, summary.pos_start, _Identity(), "cpu"
        ),
    )


@pytest.mark.parametrize("seed", range(5))
def test_exact_when_the_grid_holds_every_score(seed, monkeypatch):
    Y, S, summary = problem(seed, 40)
    all_grid, pos_grid = grids(summary, 64, monkeypatch)
    rng = np.random.default_rng(seed)
    q = np.concatenate(
        [rng.normal(size=(4, 30)), S.T[:, :10], np.full((4, 1), 9.0)], axis=1
    ).astype(np.float32)
    qt = torch.as_tensor(q)
    np.testing.assert_array_equal(
        all_grid.count_le(qt).numpy(), brute_le(S, Y, q, False)
    )
    np.testing.assert_array_equal(
        pos_grid.count_le(qt).numpy(), brute_le(S, Y, q, True)
    )


@pytest.mark.parametrize("seed", range(5))
def test_interpolated_between_exact_counts(seed, monkeypatch):
    # A grid smaller than the scores: exact at its points, and between two
    # points never outside the exact counts around them; the highest
    # scores are all kept exactly.
    Y, S, summary = problem(seed, 500)
    all_grid, _ = grids(summary, 16, monkeypatch)
    points = all_grid.points.numpy()
    exact_at_points = brute_le(S, Y, points, False)
    np.testing.assert_array_equal(
        all_grid.count_le(torch.as_tensor(points)).numpy(), exact_at_points
    )
    rng = np.random.default_rng(seed)
    q = np.sort(rng.normal(size=(4, 200)), axis=1).astype(np.float32)
    approx = all_grid.count_le(torch.as_tensor(q)).numpy()
    exact = brute_le(S, Y, q, False)
    assert np.all(np.diff(approx, axis=1) >= -1e-9)  # monotone
    for j in range(4):
        i = np.searchsorted(points[j], q[j], side="right")
        lower = np.where(i > 0, exact_at_points[j, np.maximum(i - 1, 0)], 0)
        upper = np.where(
            i < points.shape[1], exact_at_points[j, np.minimum(i, 16)], 500
        )
        assert np.all((approx[j] >= lower - 1e-9) & (approx[j] <= upper + 1e-9))
        top = q[j] >= points[j, -5]  # the 4 highest scores are grid points
        np.testing.assert_allclose(approx[j][top], exact[j][top])
