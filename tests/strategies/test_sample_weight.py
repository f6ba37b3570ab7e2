"""sample_weight inside the strategies: weights as repeated rows, exact searches."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.metrics import fbeta_score

from skthresh import DegenerateLabelWarning, ScoreSummary, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta, RecallAtPrecision, multilabel_counts
from skthresh.strategies import available_strategies, get_strategy
from skthresh.strategies._catalog import REGISTRY
from skthresh.strategies._weighted_summary import WeightedSummary

WEIGHTED = available_strategies("sample_weight")
# Exact searches of weighted counts: the same thresholds as repeated rows.
EXACT = ["coordinate", "default", "global"]
AVERAGES = ["micro", "macro"]


def _quiet(strategy, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        return strategy.optimize(*args, **kwargs)


def _problem(seed, n_samples=40, n_labels=4, ties=True):
    rng = np.random.default_rng(seed)
    Y = rng.random((n_samples, n_labels)) < 0.4
    S = 0.3 * Y + 0.7 * rng.random((n_samples, n_labels))
    if ties:
        S = np.round(S, 1)
    return Y, S, rng


def _sklearn_f(Y, decisions, w, average, beta=1.0):
    if Y.shape[1] == 1:  # one label: sklearn's binary F (its micro is accuracy)
        Y, decisions, average = Y[:, 0], decisions[:, 0], "binary"
    return fbeta_score(
        Y.astype(int),
        decisions.astype(int),
        beta=beta,
        average=average,
        sample_weight=w,
        zero_division=0.0,
    )


def test_the_list_is_derived_from_the_declarations():
    declared = sorted(n for n, cls in REGISTRY.items() if cls._accepts_sample_weight)
    assert WEIGHTED == declared
    assert {"surrogate", "coordinate", "global", "default"} <= set(WEIGHTED)
    # Every strategy that takes weights is tested below, exactly or not.
    assert set(WEIGHTED) <= set(EXACT) | {"surrogate"}


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", EXACT)
@pytest.mark.parametrize("seed", range(6))
def test_integer_weights_are_repeated_rows_exactly(name, average, seed):
    Y, S, rng = _problem(seed)
    w = rng.integers(0, 4, len(S)).astype(float)
    rows = np.repeat(np.arange(len(S)), w.astype(int))
    metric = f"f1_{average}"
    for min_positives in (1, 4):
        weighted = _quiet(
            get_strategy(name),
            Y,
            S,
            metric,
            min_positives=min_positives,
            sample_weight=w,
        )
        repeated = _quiet(
            get_strategy(name), Y[rows], S[rows], metric, min_positives=min_positives
        )
        np.testing.assert_array_equal(weighted, repeated)


@pytest.mark.parametrize("average", AVERAGES)
def test_surrogate_integer_weights_are_close_to_repeated_rows(average):
    # The descent's scale and count grids are placed by rank, so repeated
    # rows move them a little: the thresholds differ, the weighted metric
    # at them is within a point, and never below the best shared threshold.
    Y, S = make_tagging_scores(400, 8, random_state=1)
    w = np.random.default_rng(1).integers(0, 4, len(S)).astype(float)
    rows = np.repeat(np.arange(len(S)), w.astype(int))
    metric = FBeta(average=average)
    weighted = get_strategy("surrogate").optimize(Y, S, metric, sample_weight=w)
    repeated = get_strategy("surrogate").optimize(Y[rows], S[rows], metric)
    value = _sklearn_f(Y, S > weighted, w, average)
    value_repeated = _sklearn_f(Y, S > repeated, w, average)
    assert abs(value - value_repeated) < 0.01
    shared = get_strategy("global").optimize(Y, S, metric, sample_weight=w)
    assert value >= _sklearn_f(Y, S > shared, w, average) - 1e-12
    assert not np.array_equal(weighted, repeated)  # the comparison is not empty


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", WEIGHTED)
def test_weights_of_one_are_no_weights(name, average):
    Y, S = make_tagging_scores(300, 6, random_state=2)
    metric = f"f1_{average}"
    plain = _quiet(get_strategy(name), Y, S, metric)
    ones = _quiet(get_strategy(name), Y, S, metric, sample_weight=np.ones(len(S)))
    np.testing.assert_array_equal(ones, plain)


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", WEIGHTED)
def test_zero_weight_is_the_row_removed(name, average):
    Y, S = make_tagging_scores(300, 6, random_state=3)
    w = np.random.default_rng(3).uniform(0.2, 3.0, len(S))
    w[::7] = 0.0
    keep = w > 0
    metric = f"f1_{average}"
    with_zeros = _quiet(get_strategy(name), Y, S, metric, sample_weight=w)
    removed = _quiet(
        get_strategy(name), Y[keep], S[keep], metric, sample_weight=w[keep]
    )
    np.testing.assert_array_equal(with_zeros, removed)


def _brute_force(Y, S, w, average, shared):
    """The best weighted F over every cut combination, by sklearn."""
    cuts = []
    for j in range(S.shape[1]):
        levels = np.unique(S[:, j] if not shared else S)
        cuts.append(np.concatenate([[levels[0] - 1], levels]))
    combos = (
        ((c,) * S.shape[1] for c in cuts[0]) if shared else itertools.product(*cuts)
    )
    return max(_sklearn_f(Y, S > np.array(t), w, average) for t in combos)


@pytest.mark.parametrize("name", ["coordinate", "global"])
def test_exact_searches_match_brute_force_of_weighted_counts(name):
    rng = np.random.default_rng(12)
    for trial in range(30):
        n, n_labels = int(rng.integers(4, 9)), int(rng.integers(1, 4))
        Y = rng.random((n, n_labels)) < 0.45
        Y[0] = True
        Y[1] = False  # every label has a positive and a negative
        S = np.round(rng.random((n, n_labels)), 1)
        w = rng.uniform(0.0, 2.0, n) * (rng.random(n) < 0.85)
        w[:2] = rng.uniform(0.5, 2.0, 2)
        average = AVERAGES[trial % 2]
        thresholds = _quiet(get_strategy(name), Y, S, f"f1_{average}", sample_weight=w)
        best = _brute_force(Y, S, w, average, shared=name == "global")
        value = _sklearn_f(Y, S > thresholds, w, average)
        assert value == pytest.approx(best, abs=1e-12), (trial, Y, S, w)


def test_weighted_summary_counts_are_sklearn_counts():
    Y, S, rng = _problem(5, n_samples=30, n_labels=3)
    w = rng.uniform(0.1, 2.0, len(S))
    summary = WeightedSummary(Y, S, w)
    thresholds = np.array([0.3, 0.5, 0.65])
    tp, pp = summary.counts(thresholds)
    expected_tp, expected_pp, expected_pos = multilabel_counts(
        Y, S > thresholds, sample_weight=w
    )
    np.testing.assert_allclose(tp, expected_tp, rtol=1e-12)
    np.testing.assert_allclose(pp, expected_pp, rtol=1e-12)
    np.testing.assert_allclose(summary.pos_weight, expected_pos, rtol=1e-12)
    part = summary.take_labels(np.array([2, 0]))
    np.testing.assert_allclose(part.counts(thresholds[[2, 0]])[0], expected_tp[[2, 0]])
    assert summary.score("f1_macro", thresholds) == pytest.approx(
        _sklearn_f(Y, S > thresholds, w, "macro"), abs=1e-12
    )


def test_learn_thresholds_passes_the_weights():
    Y, S, rng = _problem(7)
    w = rng.uniform(0.1, 5.0, len(S))
    direct = get_strategy("coordinate").optimize(Y, S, sample_weight=w)
    np.testing.assert_array_equal(
        learn_thresholds(Y, S, strategy="coordinate", sample_weight=w), direct
    )
    unweighted = learn_thresholds(Y, S, strategy="coordinate")
    assert not np.array_equal(direct, unweighted)


@pytest.mark.parametrize("name", sorted(set(available_strategies()) - set(WEIGHTED)))
def test_strategies_without_weights_refuse_them(name):
    Y, S, _ = _problem(0)
    strategy = get_strategy(name)
    with pytest.raises(ValueError, match=type(strategy).__name__) as info:
        strategy.optimize(Y, S, sample_weight=np.ones(len(S)))
    for accepted in WEIGHTED:
        assert repr(accepted) in str(info.value)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (lambda n: -np.ones(n), "Negative"),
        (lambda n: np.r_[np.nan, np.ones(n - 1)], "NaN"),
        (lambda n: np.r_[np.inf, np.ones(n - 1)], "infinity"),
        (lambda n: np.ones(n - 1), "expected"),
        (lambda n: np.zeros(n), "non-zero"),
        (lambda n: np.ones((n, 2)), "1D"),
    ],
)
def test_bad_weights_are_refused(weights, match):
    Y, S, _ = _problem(0)
    with pytest.raises(ValueError, match="sample_weight") as info:
        get_strategy("coordinate").optimize(Y, S, sample_weight=weights(len(S)))
    assert match in str(info.value)


@pytest.mark.parametrize(
    "metric",
    [
        "f1_samples",
        RecallAtPrecision(0.5),
        lambda Y_true, Y_pred: float((Y_true == Y_pred).mean()),
    ],
)
def test_metrics_that_are_not_weighted_counts_are_refused(metric):
    Y, S, _ = _problem(0)
    with pytest.raises(ValueError, match="sample_weight needs an F-beta"):
        get_strategy("coordinate").optimize(Y, S, metric, sample_weight=np.ones(len(S)))


def test_a_summary_with_weights_is_refused():
    Y, S, _ = _problem(0)
    summary = ScoreSummary(Y, S)
    with pytest.raises(ValueError, match="sample_weight needs Y and scores"):
        get_strategy("coordinate").optimize(summary, sample_weight=np.ones(len(S)))


@pytest.mark.parametrize("average", AVERAGES)
def test_the_dense_surrogate_descends_on_weighted_counts(average):
    Y, S = make_tagging_scores(400, 8, random_state=1)
    w = np.random.default_rng(1).integers(0, 4, len(S)).astype(float)
    rows = np.repeat(np.arange(len(S)), w.astype(int))
    metric = f"f1_{average}"

    def dense():
        return get_strategy("surrogate", mode="dense")

    plain = dense().optimize(Y, S, metric)
    ones = dense().optimize(Y, S, metric, sample_weight=np.ones(len(S)))
    np.testing.assert_array_equal(ones, plain)
    strategy = dense()
    weighted = strategy.optimize(Y, S, metric, sample_weight=w)
    repeated = dense().optimize(Y[rows], S[rows], metric)
    value = _sklearn_f(Y, S > weighted, w, average)
    assert abs(value - _sklearn_f(Y, S > repeated, w, average)) < 0.01
    assert strategy.objective_ == pytest.approx(value, abs=1e-12)
    assert not np.array_equal(weighted, plain)
