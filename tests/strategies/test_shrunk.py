"""ShrunkThresholds: per-label thresholds shrunk towards a shared target."""

import dask.array as da
import numpy as np
import pytest

from skthresh import DegenerateLabelWarning, ScoreSummary, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import CoordinateAscent, ShrunkThresholds
from skthresh.strategies._folds import label_folds, positive_entries
from skthresh.utils.estimator_checks import check_strategy


@pytest.fixture(scope="module")
def small():
    return make_tagging_scores(300, 15, n_test_samples=3000, random_state=1)


def _counts(Y, S, thresholds):
    decisions = S > thresholds
    return (decisions & (Y == 1)).sum(axis=0), decisions.sum(axis=0)


@pytest.mark.parametrize("evidence", ["positives", "gain"])
def test_shrinkage_follows_the_rule_and_stays_in_range(small, evidence):
    Y, S, _, _ = small
    shrunk = ShrunkThresholds(evidence=evidence, random_state=0)
    theta = shrunk.optimize(Y, S)
    lam = shrunk.shrinkage_
    assert lam.shape == (15,) and np.all((lam >= 0) & (lam <= 1))
    inner = learn_thresholds(Y, S, strategy="coordinate")
    np.testing.assert_array_equal(shrunk.inner_thresholds_, inner)
    if evidence == "positives":
        e = Y.sum(axis=0).astype(float)
    else:
        # The own cut's gain over the target, in samples, for micro-F1.
        tp, pp = _counts(Y, S, inner)
        tp_t, pp_t = _counts(Y, S, np.full(15, shrunk.target_))
        f = f1_score(Y, S > inner)
        e = np.maximum(2 * (tp - tp_t) - f * (pp - pp_t), 0)
    c = shrunk.strength_
    if c == 0:
        expected = np.zeros(15)
    elif np.isinf(c):
        expected = np.ones(15)
    else:
        expected = c / (c + e)
    np.testing.assert_allclose(lam, expected)
    np.testing.assert_allclose(theta, inner + lam * (shrunk.target_ - inner))
    assert shrunk.cv_scores_.shape == (2, shrunk.strengths_.size)
    assert (
        shrunk.cv_scores_.max()
        == shrunk.cv_scores_[
            ("shared", "default").index(shrunk.target_kind_),
            list(shrunk.strengths_).index(shrunk.strength_),
        ]
    )


def test_large_stable_tuning_set_keeps_the_per_label_optimum():
    # Well separated labels with thousands of positives each: the exact
    # per-label cuts are right, and the inner cross-validation says so.
    rng = np.random.RandomState(0)
    n, L = 20000, 6
    Y = rng.rand(n, L) < 0.3
    shift = np.linspace(-1.0, 1.0, L)  # miscalibrated differently per label
    S = 1 / (1 + np.exp(-(2.5 * (Y - 0.5) + shift + rng.randn(n, L))))
    shrunk = ShrunkThresholds(random_state=0)
    theta = shrunk.optimize(Y, S)
    inner = learn_thresholds(Y, S, strategy="coordinate")
    assert np.abs(theta - inner).max() < 0.01
    assert shrunk.shrinkage_.max() < 0.1


def test_tiny_noisy_tuning_set_moves_towards_the_target():
    # Pure noise: every label's own best cut is chance, the shared target
    # is as good, and the cross-validation prefers it.
    rng = np.random.RandomState(0)
    Y = rng.rand(60, 8) < 0.3
    S = rng.rand(60, 8)
    shrunk = ShrunkThresholds(random_state=0)
    theta = shrunk.optimize(Y, S)
    inner = shrunk.inner_thresholds_
    assert shrunk.strength_ > 0
    assert np.all(np.abs(theta - shrunk.target_) <= np.abs(inner - shrunk.target_))
    assert (
        np.abs(theta - shrunk.target_).mean()
        < 0.5 * np.abs(inner - shrunk.target_).mean()
    )


def test_target_is_the_one_the_inner_cv_prefers():
    # Decision scores (default 0) of labels positive exactly above 0: every
    # cut between the classes is perfect on the tuning data, and the
    # shared cut sits somewhere in the gap of the tuning scores, which held
    # folds can fill; the default is never wrong.
    kinds = []
    for seed in range(3):
        rng = np.random.RandomState(seed)
        S = rng.uniform(-1, 1, size=(40, 30))
        shrunk = ShrunkThresholds(strengths=[np.inf], random_state=0)
        theta = shrunk.optimize(S > 0, S)
        cv = shrunk.cv_scores_[:, 0]
        assert cv[1] == 1.0 and cv[0] <= 1.0
        assert shrunk.target_kind_ == ("default" if cv[1] > cv[0] else "shared")
        if shrunk.target_kind_ == "default":
            np.testing.assert_array_equal(theta, np.zeros(30))
        kinds.append(shrunk.target_kind_)
    assert "default" in kinds


def test_target_is_the_shared_threshold_when_all_scores_are_shifted():
    # Every label's scores shifted up alike: the best shared cut is near
    # 0.8, far better than 0.5.
    rng = np.random.RandomState(0)
    Y = rng.rand(400, 6) < 0.3
    S = 0.8 + 0.1 * (Y - 0.5) + 0.03 * rng.randn(400, 6)
    shrunk = ShrunkThresholds(strengths=[np.inf], random_state=0)
    shrunk.optimize(Y, S)
    assert shrunk.target_kind_ == "shared"
    assert shrunk.target_ == pytest.approx(learn_thresholds(Y, S, strategy="global")[0])


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro"])
def test_arrays_summaries_memmap_and_dask_agree(small, metric, tmp_path):
    Y, S, _, _ = small
    expected = ShrunkThresholds(random_state=3).optimize(Y, S, metric)
    summary = ScoreSummary.from_arrays(Y, S)
    from_summary = ShrunkThresholds(random_state=3).optimize(summary, metric=metric)
    np.testing.assert_array_equal(from_summary, expected)
    path = tmp_path / "scores.npy"
    np.save(path, S)
    mapped = np.load(path, mmap_mode="r")
    np.testing.assert_array_equal(
        learn_thresholds(Y, mapped, strategy="shrunk", metric=metric, random_state=3),
        expected,
    )
    lazy = ScoreSummary.from_dask(
        da.from_array(Y, chunks=100), da.from_array(S, chunks=100)
    )
    np.testing.assert_array_equal(
        ShrunkThresholds(random_state=3).optimize(lazy, metric=metric), expected
    )


def test_samples_average_and_callables_use_row_folds():
    Y, S = make_tagging_scores(100, 6, mean_labels_per_sample=1.5, random_state=4)
    shrunk = ShrunkThresholds(strengths=[0, 10, np.inf], random_state=0)
    theta = shrunk.optimize(Y, S, "f1_samples")
    assert theta.shape == (6,) and np.isfinite(theta).all()
    calls = []

    def metric(Y_true, Y_pred):
        calls.append(Y_true.shape[0])
        return f1_score(Y_true, Y_pred)

    shrunk = ShrunkThresholds("coordinate", cv=4, strengths=[0, np.inf])
    shrunk.set_params(random_state=0).optimize(Y, S, metric)
    # Scored on held folds (a quarter of the rows each).
    assert 25 in calls and shrunk.cv_scores_.shape == (2, 2)


def test_random_state_reproducible(small):
    Y, S, _, _ = small
    a = ShrunkThresholds(random_state=5).optimize(Y, S)
    b = ShrunkThresholds(random_state=5).optimize(Y, S)
    np.testing.assert_array_equal(a, b)
    others = [ShrunkThresholds(random_state=s).optimize(Y, S) for s in range(5)]
    assert any(not np.array_equal(a, other) for other in others)


def test_folds_of_a_summary_are_stratified_and_rectangular(small):
    Y, S, _, _ = small
    summary = ScoreSummary.from_arrays(Y, S)
    positive = positive_entries(summary)
    np.testing.assert_array_equal(positive.sum(axis=1), Y.sum(axis=0))
    # The entries marked positive hold the positive scores.
    for j in range(15):
        np.testing.assert_array_equal(
            np.sort(summary.values[j][positive[j]]), np.sort(S[Y[:, j] == 1, j])
        )
    fold = label_folds(summary, positive, 5, np.random.RandomState(0))
    sizes = np.stack([(fold == f).sum(axis=1) for f in range(5)])
    assert (sizes == sizes[:, :1]).all()  # every label the same size per fold
    pos = np.stack([((fold == f) & positive).sum(axis=1) for f in range(5)])
    assert (pos.max(axis=0) - pos.min(axis=0) <= 1).all()


def test_inner_strategy_object_and_held_labels():
    Y, S, _, _ = make_tagging_scores(200, 12, n_test_samples=10, random_state=2)
    Y[:, 0] = 0  # no positive: held at the shared threshold
    shrunk = ShrunkThresholds(CoordinateAscent(max_iter=5), random_state=0)
    with pytest.warns(DegenerateLabelWarning):
        theta = shrunk.optimize(Y, S)
    assert np.isnan(shrunk.shrinkage_[0]) and np.isfinite(shrunk.shrinkage_[1:]).all()
    assert shrunk.shrinkage_.shape == (12,) == theta.shape


@pytest.mark.parametrize(
    "params, match",
    [
        ({"cv": 1}, "cv"),
        ({"cv": 2.5}, "cv"),
        ({"strategy": 3}, "strategy"),
        ({"strategy": "nope"}, "Unknown strategy 'nope'"),
        ({"strategy": "global"}, "one threshold per label"),
        ({"strengths": [-1.0]}, "strengths must be"),
        ({"strengths": []}, "strengths must be"),
    ],
)
def test_invalid_parameters(small, params, match):
    Y, S, _, _ = small
    with pytest.raises((ValueError, TypeError), match=match):
        ShrunkThresholds(**params).optimize(Y, S)


def test_contract_suite():
    check_strategy(ShrunkThresholds(random_state=0))
