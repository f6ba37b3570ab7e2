"""Tests for the simulated tagger scores."""

import numpy as np
import pytest
from scipy.special import expit, logit
from sklearn.metrics import f1_score

from skthresh.datasets import make_tagging_scores


def _best_f1_threshold(y, s):
    """Threshold t maximising the F1 of ``s >= t`` for one label, brute force."""
    order = np.argsort(-s, kind="stable")
    s_sorted = s[order]
    tp = np.cumsum(y[order])
    k = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (k + y.sum())
    # Only cut between distinct scores.
    f1[:-1][s_sorted[1:] == s_sorted[:-1]] = -1
    return s_sorted[np.argmax(f1)]


def _micro_f1_on_grid(Y, S, grid):
    """Micro-F1 of ``S >= t`` for every t in the increasing ``grid`` in (0, 1)."""
    edges = np.concatenate([[0.0], grid, [1.0]])
    n_pred = np.histogram(S, bins=edges)[0][::-1].cumsum()[::-1][1:]
    tp = np.histogram(S[Y == 1], bins=edges)[0][::-1].cumsum()[::-1][1:]
    return 2 * tp / (n_pred + np.count_nonzero(Y))


def _micro_f1(Y, S, thresholds):
    pred = S >= thresholds
    tp = np.count_nonzero(pred & (Y == 1))
    return 2 * tp / (np.count_nonzero(pred) + np.count_nonzero(Y))


def _tune_per_label_micro_f1(Y, S, start, n_sweeps=2):
    """Per-label thresholds by coordinate ascent on micro-F1 from ``start``."""
    n_samples, n_labels = Y.shape
    order = np.argsort(-S.T, axis=1, kind="stable")
    s_sorted = np.take_along_axis(S.T, order, axis=1)
    # tp_at[j, k]: positives of label j among its k highest scores.
    tp_at = np.zeros((n_labels, n_samples + 1), dtype=np.int64)
    np.cumsum(np.take_along_axis(Y.T, order, axis=1), axis=1, out=tp_at[:, 1:])
    # A cut after k rows is only valid between distinct scores.
    valid = np.ones((n_labels, n_samples + 1), dtype=bool)
    valid[:, 1:-1] = s_sorted[:, 1:] != s_sorted[:, :-1]
    n_pred = np.count_nonzero(S >= start, axis=0)
    tp = tp_at[np.arange(n_labels), n_pred]
    n_pos = np.count_nonzero(Y)
    k_all = np.arange(n_samples + 1)
    for _ in range(n_sweeps):
        for j in range(n_labels):
            rest_tp = tp.sum() - tp[j]
            rest_pred = n_pred.sum() - n_pred[j]
            f1 = 2 * (rest_tp + tp_at[j]) / (rest_pred + k_all + n_pos)
            k = int(np.argmax(np.where(valid[j], f1, -1)))
            tp[j], n_pred[j] = tp_at[j, k], k
    thresholds = s_sorted[np.arange(n_labels), np.maximum(n_pred - 1, 0)]
    thresholds = thresholds.astype(np.float64)
    thresholds[n_pred == 0] = np.inf
    return thresholds


def test_shapes_dtypes_and_ranges():
    Y, S = make_tagging_scores(300, 40, random_state=0)
    assert Y.shape == S.shape == (300, 40)
    assert Y.dtype == np.uint8
    assert S.dtype == np.float32
    assert set(np.unique(Y)) <= {0, 1}
    assert S.min() >= 0 and S.max() <= 1

    Y, S, Y_test, S_test = make_tagging_scores(
        300, 40, n_test_samples=70, dtype=np.float64, output="logit", random_state=0
    )
    assert Y_test.shape == S_test.shape == (70, 40)
    assert Y_test.dtype == np.uint8
    assert S.dtype == S_test.dtype == np.float64
    assert S.min() < 0  # logits are unbounded


def test_default_sizes():
    Y, S = make_tagging_scores(random_state=0)
    assert Y.shape == S.shape == (20000, 527)


def test_reproducible_with_int_and_random_state():
    a = make_tagging_scores(500, 30, n_test_samples=100, random_state=3)
    b = make_tagging_scores(500, 30, n_test_samples=100, random_state=3)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    c = make_tagging_scores(500, 30, random_state=np.random.RandomState(3))
    d = make_tagging_scores(500, 30, random_state=np.random.RandomState(3))
    for x, y in zip(c, d, strict=True):
        np.testing.assert_array_equal(x, y)
    e = make_tagging_scores(500, 30, random_state=np.random.default_rng(3))
    f = make_tagging_scores(500, 30, random_state=np.random.default_rng(3))
    for x, y in zip(e, f, strict=True):
        np.testing.assert_array_equal(x, y)


def test_different_seeds_differ():
    Y0, S0 = make_tagging_scores(500, 30, random_state=0)
    Y1, S1 = make_tagging_scores(500, 30, random_state=1)
    assert not np.array_equal(Y0, Y1)
    assert not np.array_equal(S0, S1)
    # Unseeded calls differ too.
    assert not np.array_equal(
        make_tagging_scores(50, 5)[1], make_tagging_scores(50, 5)[1]
    )


def test_independent_of_n_jobs_and_chunking():
    # 5000 rows of 527 labels span several row chunks.
    Y1, S1 = make_tagging_scores(5000, random_state=0, n_jobs=1)
    Y2, S2 = make_tagging_scores(5000, random_state=0, n_jobs=3)
    np.testing.assert_array_equal(Y1, Y2)
    np.testing.assert_array_equal(S1, S2)
    # The first rows do not depend on n_samples.
    Y3, S3 = make_tagging_scores(3000, random_state=0)
    np.testing.assert_array_equal(Y3, Y1[:3000])
    np.testing.assert_array_equal(S3, S1[:3000])


def test_labels_do_not_depend_on_dtype_or_output():
    Y32, _ = make_tagging_scores(1000, 50, random_state=0)
    Y64, _ = make_tagging_scores(1000, 50, dtype=np.float64, random_state=0)
    Ylg, _ = make_tagging_scores(1000, 50, output="logit", random_state=0)
    np.testing.assert_array_equal(Y32, Y64)
    np.testing.assert_array_equal(Y32, Ylg)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logit_output_is_logit_of_proba(dtype):
    Y_p, P = make_tagging_scores(2000, 60, dtype=dtype, random_state=5)
    Y_l, Z = make_tagging_scores(2000, 60, dtype=dtype, output="logit", random_state=5)
    np.testing.assert_array_equal(Y_p, Y_l)
    assert Z.dtype == dtype
    np.testing.assert_array_equal(expit(Z), P)
    moderate = (P > 1e-4) & (P < 1 - 1e-4)
    assert moderate.mean() > 0.5
    atol = 1e-3 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(logit(P[moderate]), Z[moderate], rtol=0, atol=atol)


def test_tuning_part_does_not_depend_on_test_part():
    Y, S = make_tagging_scores(800, 40, random_state=2)
    Y2, S2, Y_test, S_test = make_tagging_scores(
        800, 40, n_test_samples=800, random_state=2
    )
    np.testing.assert_array_equal(Y, Y2)
    np.testing.assert_array_equal(S, S2)
    # Independent clips, not a copy of the tuning part.
    assert not np.array_equal(Y, Y_test)
    assert not np.array_equal(S, S_test)


def test_test_part_shares_the_tagger():
    Y, S, Y_test, S_test, params = make_tagging_scores(
        20000, n_test_samples=20000, return_params=True, random_state=0
    )
    freq, freq_test = Y.mean(axis=0), Y_test.mean(axis=0)
    assert np.corrcoef(freq, freq_test)[0, 1] > 0.98
    np.testing.assert_allclose(freq, params.prior, atol=0.02)
    # Mean score per label agrees between the two parts as well.
    mean, mean_test = S.mean(axis=0), S_test.mean(axis=0)
    assert np.corrcoef(mean, mean_test)[0, 1] > 0.98
    # A different seed gives a different tagger.
    Y_other, _ = make_tagging_scores(20000, random_state=1)
    assert np.corrcoef(freq, Y_other.mean(axis=0))[0, 1] < 0.9


def test_params_describe_the_logit_distribution():
    Y, Z, params = make_tagging_scores(
        50000, 8, dtype=np.float64, output="logit", return_params=True, random_state=4
    )
    assert set(params) == {
        "prior",
        "separability",
        "offset",
        "temperature",
        "loc",
        "scale",
        "shift",
    }
    for value in params.values():
        assert value.shape == (8,)
    for j in range(8):
        neg, pos = Z[Y[:, j] == 0, j], Z[Y[:, j] == 1, j]
        scale = params.scale[j]
        assert neg.mean() == pytest.approx(params.loc[j], abs=0.05 * scale)
        assert neg.std() == pytest.approx(scale, rel=0.05)
        if pos.size > 500:
            shift = pos.mean() - neg.mean()
            assert shift == pytest.approx(params.shift[j], abs=0.1 * scale)
    np.testing.assert_allclose(params.shift, params.separability * params.scale)


def test_long_tail_at_default_size():
    Y, _ = make_tagging_scores(random_state=0)
    positives = Y.sum(axis=0)
    # About a quarter of the 527 labels have fewer than 20 positives.
    assert 100 <= np.count_nonzero(positives < 20) <= 175
    assert Y.sum(axis=1).mean() == pytest.approx(2.6, abs=0.1)
    # The most frequent label is far more frequent than the median one.
    assert positives.max() > 50 * np.median(positives)


@pytest.mark.parametrize(
    "n_labels, mean_labels, exponent", [(527, 2.6, 1.0), (50, 5.0, 0.0), (10, 8.0, 2.0)]
)
def test_priors_sum_to_mean_labels_per_sample(n_labels, mean_labels, exponent):
    *_, params = make_tagging_scores(
        10,
        n_labels,
        mean_labels_per_sample=mean_labels,
        prior_exponent=exponent,
        return_params=True,
        random_state=0,
    )
    assert params.prior.sum() == pytest.approx(mean_labels)
    assert params.prior.max() <= 1
    if exponent == 0:
        np.testing.assert_allclose(params.prior, mean_labels / n_labels)


def test_calibrated_without_miscalibration():
    Y, P, params = make_tagging_scores(
        40000,
        20,
        bias=0.0,
        miscalibration=0.0,
        dtype=np.float64,
        return_params=True,
        random_state=0,
    )
    np.testing.assert_array_equal(params.offset, 0.0)
    np.testing.assert_array_equal(params.temperature, 1.0)
    # Calibration in the large, per label ...
    np.testing.assert_allclose(P.mean(axis=0), Y.mean(axis=0), atol=0.01)
    # ... and within probability bins.
    bins = np.digitize(P.ravel(), np.linspace(0, 1, 11))
    y = Y.ravel()
    for b in np.unique(bins):
        in_bin = bins == b
        if in_bin.sum() > 2000:
            assert P.ravel()[in_bin].mean() == pytest.approx(y[in_bin].mean(), abs=0.02)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_best_per_label_thresholds_spread_widely(seed):
    Y, S = make_tagging_scores(5000, random_state=seed)
    positives = Y.sum(axis=0)
    best = {
        j: _best_f1_threshold(Y[:, j], S[:, j]) for j in np.flatnonzero(positives >= 5)
    }
    thresholds = np.array(list(best.values()))
    assert thresholds.min() < 0.05
    assert thresholds.max() > 0.8
    assert np.quantile(thresholds, 0.1) < 0.05
    # Also among the labels with enough positives for a stable estimate.
    stable = np.array([t for j, t in best.items() if positives[j] >= 20])
    assert stable.size > 50
    assert stable.min() < 0.05
    assert np.quantile(stable, 0.9) > 0.3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_half_is_a_poor_threshold_and_per_label_tuning_helps(seed):
    Y, S, Y_test, S_test = make_tagging_scores(
        10000, n_test_samples=10000, random_state=seed
    )
    f1_half = f1_score(Y, S >= 0.5, average="micro")
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    f1_grid = _micro_f1_on_grid(Y, S, grid)
    assert f1_grid[49] == pytest.approx(f1_half)  # grid[49] == 0.5
    best = grid[np.argmax(f1_grid)]
    f1_best = f1_score(Y, S >= best, average="micro")
    assert f1_best == pytest.approx(f1_grid.max())
    # 0.5 is at least a point of micro-F1 worse than the best shared threshold,
    # which lies below 0.5.
    assert f1_best - f1_half >= 0.01
    assert best < 0.5
    # Tuning one threshold per label does clearly better, also on new clips.
    per_label = _tune_per_label_micro_f1(Y, S, best)
    f1_per_label = f1_score(Y, S >= per_label, average="micro")
    assert f1_per_label == pytest.approx(_micro_f1(Y, S, per_label))
    assert f1_per_label - f1_best >= 0.03
    f1_test_half = _micro_f1(Y_test, S_test, 0.5)
    f1_test_best = _micro_f1(Y_test, S_test, best)
    f1_test_per_label = _micro_f1(Y_test, S_test, per_label)
    assert f1_test_per_label - f1_test_best >= 0.02
    assert f1_test_best - f1_test_half >= 0.005


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_samples": 0}, ValueError),
        ({"n_samples": 2.5}, TypeError),
        ({"n_labels": 0}, ValueError),
        ({"n_test_samples": 0}, ValueError),
        ({"mean_labels_per_sample": 0}, ValueError),
        ({"mean_labels_per_sample": 527}, ValueError),
        ({"prior_exponent": -1}, ValueError),
        ({"separability": 0}, ValueError),
        ({"miscalibration": -0.1}, ValueError),
        ({"bias": float("nan")}, ValueError),
        ({"output": "decision"}, ValueError),
        ({"dtype": np.int32}, ValueError),
        ({"n_jobs": 0}, ValueError),
        ({"random_state": -1}, ValueError),
        ({"random_state": "seed"}, ValueError),
    ],
)
def test_invalid_parameters(kwargs, error):
    kwargs = {"n_samples": 10, "n_labels": 527, **kwargs}
    with pytest.raises(error):
        make_tagging_scores(**kwargs)
