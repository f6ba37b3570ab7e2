"""Weighted F-beta against scikit-learn, and weights as repeated samples."""

import numpy as np
import pytest
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh.metrics import FBeta, f1_score, fbeta_score, multilabel_counts

AVERAGES = ("micro", "macro", "samples")


def weighted_case(seed):
    rng = np.random.default_rng(seed)
    n, L = rng.integers(3, 30), rng.integers(2, 6)
    Y_true = rng.random((n, L)) < 0.4
    Y_pred = rng.random((n, L)) < 0.4
    weights = rng.random(n) * rng.integers(1, 4, size=n)
    weights[rng.random(n) < 0.2] = 0.0  # zero weights drop samples
    return Y_true.astype(int), Y_pred.astype(int), weights


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("seed", range(20))
def test_weighted_fbeta_matches_sklearn(seed, average):
    Y_true, Y_pred, w = weighted_case(seed)
    if w.sum() == 0:
        w[0] = 1.0
    for beta in (0.5, 1.0, 2.0):
        expected = sk_fbeta_score(
            Y_true,
            Y_pred,
            beta=beta,
            average=average,
            sample_weight=w,
            zero_division=0.0,
        )
        got = fbeta_score(Y_true, Y_pred, beta=beta, average=average, sample_weight=w)
        assert got == pytest.approx(expected, abs=1e-12)
    got = f1_score(Y_true, Y_pred, average=average, sample_weight=w)
    expected = sk_fbeta_score(
        Y_true, Y_pred, beta=1.0, average=average, sample_weight=w, zero_division=0.0
    )
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("average", AVERAGES)
def test_integer_weights_equal_repeated_samples(average):
    Y_true, Y_pred, _ = weighted_case(7)
    w = np.random.default_rng(1).integers(0, 4, size=Y_true.shape[0])
    w[0] = max(w[0], 1)
    repeated = np.repeat(np.arange(Y_true.shape[0]), w)
    metric = FBeta(1.0, average)
    assert metric.score(Y_true, Y_pred, w) == pytest.approx(
        metric.score(Y_true[repeated], Y_pred[repeated]), abs=1e-12
    )


def test_weighted_counts_are_weighted_sums():
    Y_true, Y_pred, w = weighted_case(3)
    tp, pp, pos = multilabel_counts(Y_true, Y_pred, sample_weight=w)
    T, P = Y_true.astype(bool), Y_pred.astype(bool)
    np.testing.assert_allclose(tp, (w[:, None] * (T & P)).sum(0))
    np.testing.assert_allclose(pp, (w[:, None] * P).sum(0))
    np.testing.assert_allclose(pos, (w[:, None] * T).sum(0))
    assert tp.dtype == np.float64


@pytest.mark.parametrize(
    "weights, message",
    [
        ([1.0, 2.0], "1-D array of 3 weights"),
        ([[1.0, 1.0, 1.0]], "1-D array of 3 weights"),
        ([1.0, -1.0, 1.0], "finite, non-negative"),
        ([1.0, np.nan, 1.0], "finite, non-negative"),
    ],
)
def test_bad_weights_are_named(weights, message):
    Y = [[1, 0], [0, 1], [1, 1]]
    with pytest.raises(ValueError, match=message):
        fbeta_score(Y, Y, sample_weight=weights)


def test_samples_average_with_zero_total_weight_is_refused():
    Y = [[1, 0], [0, 1]]
    with pytest.raises(ValueError, match="sums to 0"):
        fbeta_score(Y, Y, average="samples", sample_weight=[0.0, 0.0])


def test_per_sample_counts_take_no_weights():
    Y = [[1, 0], [0, 1]]
    with pytest.raises(ValueError, match="axis=0"):
        multilabel_counts(Y, Y, axis=1, sample_weight=[1.0, 2.0])
