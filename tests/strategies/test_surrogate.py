"""SurrogateThreshold (SGL-Thresh): its parameters, starts, history and slopes.

What the surrogate learns (against brute force and the shared threshold),
where each start puts the thresholds, what ``history_``, ``objective_``,
``best_iter_`` and ``slopes_`` hold, how sorted and dense modes compare,
scores at the edges of float32, and the compact count grids of the sorted
mode. Contracts that every strategy shares live in tests/test_properties.py,
tests/test_robustness.py and tests/strategies/test_check_strategy.py.
"""

import re
import warnings

import numpy as np
import pytest
import torch
from _problems import (
    learn_surrogate,
    metric_value,
    no_degenerate_label,
    small_tagging_problem,
    tiny_probability_problem,
)
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit

from skthresh import DegenerateLabelWarning, ScoreSummary, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta, check_metric, f1_score
from skthresh.strategies import GlobalThreshold, SurrogateThreshold
from skthresh.strategies._shared import best_shared_threshold
from skthresh.strategies._starts import better_start, rate_thresholds
from skthresh.strategies._surrogate_engine import CountGrid, Identity


@pytest.fixture(scope="module")
def small():
    """500 samples, 8 labels, float32 probabilities; every label has both classes."""
    return small_tagging_problem()


@pytest.fixture(scope="module")
def tagging():
    """make_tagging_scores(3000, 30, random_state=seed), cached per seed and output."""
    cache = {}

    def get(seed, output="proba"):
        if (seed, output) not in cache:
            cache[seed, output] = make_tagging_scores(
                3000, 30, output=output, random_state=seed
            )
        return cache[seed, output]

    return get


@pytest.fixture(scope="module")
def learned(tagging):
    """Surrogate thresholds on ``tagging(seed, output)``, cached: several tests
    look at the same runs, the default one above all."""
    cache = {}

    def get(seed, output="proba", metric="f1_micro", **params):
        key = (seed, output, metric, tuple(sorted(params.items())))
        if key not in cache:
            Y, S = tagging(seed, output)
            cache[key] = learn_thresholds(Y, S, metric=metric, **params)
        return cache[key]

    return get


def weak_problem(seed):
    """300 x 6 barely separable probabilities, one label per sample on average.

    The proportional cut of a samples average is below the best shared
    threshold here, and the descent needs steps to recover: the floor of
    ``init="auto"`` is what keeps the result above the shared threshold.
    """
    Y, S = make_tagging_scores(
        300, 6, separability=0.3, mean_labels_per_sample=1.0, random_state=seed
    )
    assert no_degenerate_label(Y)
    return Y, S


# --- Parameters --------------------------------------------------------------------


N, L = 40, 3


@pytest.fixture
def data():
    """40 samples, 3 labels; every label has both classes."""
    return tiny_probability_problem(N, L)


_learn = learn_surrogate


def _rejected(name, value, owner="(SurrogateThreshold|learn_thresholds)"):
    """scikit-learn's message for a parameter value its constraints exclude."""
    return (
        rf"The '{name}' parameter of {owner} must be .*\. "
        rf"Got {re.escape(repr(value))} instead\."
    )


DEVICE = r"device must be 'cpu', 'cuda' or 'cuda:<index>'; got device="
PER_LABEL = r" must be a scalar or an array of shape \(3,\), one per label; got "


@pytest.mark.parametrize(
    "params, match",
    [
        ({"slope": -1.0}, _rejected("slope", -1.0)),
        ({"slope": 0}, _rejected("slope", 0)),
        ({"slope": np.inf}, _rejected("slope", np.inf)),
        ({"slope": "50"}, _rejected("slope", "50")),
        ({"slope_growth": 0.0}, _rejected("slope_growth", 0.0)),
        ({"slope_growth": np.nan}, _rejected("slope_growth", np.nan)),
        ({"learning_rate": 0.0}, _rejected("learning_rate", 0.0)),
        ({"learning_rate": -0.1}, _rejected("learning_rate", -0.1)),
        ({"max_iter": 0}, _rejected("max_iter", 0)),
        ({"max_iter": 10.0}, _rejected("max_iter", 10.0)),
        ({"max_iter": True}, _rejected("max_iter", True)),
        ({"optimizer": "rmsprop"}, _rejected("optimizer", "rmsprop")),
        ({"mode": "fast"}, _rejected("mode", "fast")),
        ({"scale": -1.0}, _rejected("scale", -1.0)),
        ({"scale": 0}, _rejected("scale", 0)),
        ({"scale": "big"}, _rejected("scale", "big")),
        ({"scale": np.nan}, _rejected("scale", np.nan)),
        ({"init": [0.5, 0.5]}, "init" + PER_LABEL + r"shape \(2,\)"),
        ({"init": np.nan}, r"init must be finite"),
        ({"init": [0.5, np.nan, 0.5]}, r"init must be finite; got \[nan\]"),
        ({"init": "median"}, _rejected("init", "median")),
        ({"device": "tpu"}, DEVICE + "'tpu'"),
        ({"device": "meta"}, DEVICE + "'meta'"),
    ],
)
def test_surrogate_bad_params(data, params, match):
    Y, S = data
    with pytest.raises(ValueError, match=match):
        _learn(Y, S, **params)
    with pytest.raises(ValueError, match=match):
        SurrogateThreshold(**params).optimize(Y, S)


def test_surrogate_sorted_mode_refuses_samples_average(data):
    Y, S = data
    match = r"mode='sorted' cannot optimize a samples average"
    with pytest.raises(ValueError, match=match):
        _learn(Y, S, mode="sorted", metric="f1_samples")


SAMPLES_AVERAGES = ["f1_samples", "f0.5_samples", FBeta(2.0, "samples")]


@pytest.mark.parametrize("metric", SAMPLES_AVERAGES)
def test_sorted_mode_refuses_a_samples_average_before_any_step(small, metric):
    # Refused by the strategy itself, with what to use instead, before it
    # fits anything; "auto" takes the dense formulation for it, its
    # gradient written out (the same up to float32 rounding).
    Y, S = small
    est = SurrogateThreshold(mode="sorted", max_iter=3)
    with pytest.raises(ValueError, match=r"use mode='auto' or 'dense'") as info:
        est.optimize(Y, S, metric)
    assert "mode='sorted' cannot optimize a samples average" in str(info.value)
    assert not hasattr(est, "history_") and not hasattr(est, "objective_")
    auto = SurrogateThreshold(max_iter=3).optimize(Y, S, metric)
    dense = SurrogateThreshold(mode="dense", max_iter=3).optimize(Y, S, metric)
    assert_allclose(auto, dense, rtol=0, atol=1e-5)
    assert_array_equal(S > auto, S > dense)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda")])
def test_surrogate_cuda_without_cuda(data, monkeypatch, device):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    Y, S = data
    match = r"device=.*cuda.* was requested but CUDA is not available"
    with pytest.raises(ValueError, match=match):
        _learn(Y, S, device=device)


def test_transform_auto_follows_the_scores():
    # "auto": the logit for probabilities, none for decision scores; the
    # logit refuses scores outside [0, 1], and a bad name is refused.
    kwargs = {"mean_labels_per_sample": 1.5, "random_state": 0}
    Y, P = make_tagging_scores(300, 5, **kwargs)
    Y_logit, Z = make_tagging_scores(300, 5, output="logit", **kwargs)
    assert no_degenerate_label(Y) and no_degenerate_label(Y_logit)
    assert Z.min() < 0.0 < 1.0 < Z.max()
    est = SurrogateThreshold(max_iter=3)
    est.optimize(Y, P)
    assert est.transform_.name == "logit"
    est.optimize(Y_logit, Z)
    assert est.transform_.name == "none"
    est = SurrogateThreshold(transform="logit", max_iter=3)
    with pytest.raises(ValueError, match=r"transform='logit' needs scores within"):
        est.optimize(Y_logit, Z)
    with pytest.raises(ValueError, match=r"transform.*'log'"):
        SurrogateThreshold(transform="log", max_iter=3).optimize(Y, P)


def test_sgd_optimizer_ascends_with_its_own_steps(small):
    # Plain gradient ascent also climbs from the start, by other steps than
    # Adam's from the same start.
    Y, S = small
    kwargs = {"init": 0.5, "max_iter": 20}
    adam = SurrogateThreshold(**kwargs)
    adam.optimize(Y, S)
    sgd = SurrogateThreshold(optimizer="sgd", learning_rate=0.1, **kwargs)
    theta = sgd.optimize(Y, S)
    start = metric_value(Y, S, 0.5)
    assert sgd.history_["objective"][0] == pytest.approx(start, abs=1e-6)
    assert adam.history_["objective"][0] == sgd.history_["objective"][0]
    assert sgd.objective_ > start + 0.01
    assert sgd.objective_ == pytest.approx(metric_value(Y, S, theta), abs=1e-9)
    assert not np.array_equal(sgd.history_["objective"], adam.history_["objective"])


# --- Starts: the proportional cut, the better start, "auto" ----------------------


@pytest.mark.parametrize("init", ["global", 0.5])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_surrogate_never_worse_than_init(seed, init):
    Y, S = make_tagging_scores(500, 8, random_state=seed)
    assert no_degenerate_label(Y)
    metric = check_metric("f1_micro")
    if init == "global":
        init_theta = np.full(8, best_shared_threshold(Y.astype(bool), S, metric)[0])
    else:
        init_theta = np.full(8, init)
    init_value = metric_value(Y, S, init_theta)
    est = SurrogateThreshold(init=init)
    theta = est.optimize(Y, S)
    assert est.history_["objective"][0] == pytest.approx(init_value, abs=1e-9)
    assert est.objective_ >= init_value
    assert metric_value(Y, S, theta) >= init_value


def test_rate_thresholds_cut_each_label_at_its_number_of_positives():
    rng = np.random.default_rng(0)
    n = 200
    S = rng.random((n, 5))
    Y = rng.random((n, 5)) < [0.02, 0.3, 0.5, 0.0, 1.0]
    Y[:, 3], Y[:, 4] = False, True  # no positive, no negative
    theta = rate_thresholds(Y, S)
    assert_array_equal((S > theta).sum(axis=0), Y.sum(axis=0))
    # The midpoint of the P-th and (P+1)-th highest scores, by brute force.
    for j in range(3):
        top = np.sort(S[:, j])[::-1]
        p = Y[:, j].sum()
        assert theta[j] == pytest.approx((top[p - 1] + top[p]) / 2, abs=1e-15)
    # Through a summary: the same thresholds.
    assert_array_equal(rate_thresholds(None, ScoreSummary.from_arrays(Y, S)), theta)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples"])
def test_surrogate_init_rate_starts_at_the_proportional_cut(small, metric):
    Y, S = small
    est = SurrogateThreshold(init="rate", max_iter=10)
    est.optimize(Y, S, metric=metric)
    start = metric_value(Y, S, rate_thresholds(Y, S), metric)
    assert est.history_["objective"][0] == pytest.approx(start, abs=1e-6)
    assert est.objective_ >= start


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f2_micro"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_better_start_moves_each_label_that_gains_alone(seed, metric):
    # Brute force: move one label at a time from the shared threshold to
    # its proportional cut and recompute the metric from the decisions.
    Y, S = make_tagging_scores(400, 10, random_state=seed)
    m = check_metric(metric)
    shared = np.full(10, best_shared_threshold(Y.astype(bool), S, m)[0])
    rate = rate_thresholds(Y, S)
    base_value = metric_value(Y, S, shared, metric)
    expected = shared.copy()
    for j in range(10):
        moved = shared.copy()
        moved[j] = rate[j]
        if metric_value(Y, S, moved, metric) > base_value + 1e-12:
            expected[j] = rate[j]
    assert_array_equal(better_start(m, Y, S, shared, rate), expected)
    summary = ScoreSummary.from_arrays(Y, S)
    assert_array_equal(better_start(m, None, summary, shared, rate), expected)
    assert 0 < (expected == rate).sum() < 10  # both kinds of label occur
    est = SurrogateThreshold(max_iter=3)
    est.optimize(Y, S, metric=metric)
    start = metric_value(Y, S, expected, metric)
    assert est.history_["objective"][0] == pytest.approx(start, abs=1e-6)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f2_micro"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_surrogate_auto_init_never_below_either_start(seed, metric):
    Y, S = make_tagging_scores(400, 10, random_state=seed)
    m = check_metric(metric)
    shared = best_shared_threshold(Y.astype(bool), S, m)[0]
    est = SurrogateThreshold(max_iter=10)
    theta = est.optimize(Y, S, metric=metric)
    reached = metric_value(Y, S, theta, metric)
    assert est.objective_ == pytest.approx(reached, abs=1e-12)
    assert reached >= metric_value(Y, S, shared, metric)
    start = better_start(m, Y, S, np.full(10, shared), rate_thresholds(Y, S))
    assert reached >= metric_value(Y, S, start, metric)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auto_init_never_below_the_best_shared_threshold(seed, metric):
    # The shared threshold is a floor of init="auto": after one step, whose
    # descent cannot recover from a poor proportional cut (samples average),
    # as after twenty.
    Y, S = weak_problem(seed)
    average = check_metric(metric).average
    shared = GlobalThreshold()
    shared_value = f1_score(Y, S > shared.optimize(Y, S, metric), average=average)
    assert shared.objective_ == pytest.approx(shared_value, abs=1e-12)
    for max_iter in (1, 20):
        est = SurrogateThreshold(max_iter=max_iter)
        theta = est.optimize(Y, S, metric)
        assert f1_score(Y, S > theta, average=average) >= shared_value
        assert est.objective_ >= shared_value - 1e-12


def _count_sweeps(monkeypatch):
    """Patch the surrogate's exact shared sweep to count its calls."""
    import skthresh.strategies._surrogate as module

    calls = []
    sweep = module.best_shared_threshold

    def counted(*args):
        calls.append(args)
        return sweep(*args)

    monkeypatch.setattr(module, "best_shared_threshold", counted)
    return module, calls


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_samples_floor_is_swept_only_when_it_can_win(seed, monkeypatch):
    # After one step from a poor proportional cut the floor wins: the sweep
    # runs and the result is the shared threshold. After a full descent the
    # bound rules the floor out: no sweep, and the same thresholds as when
    # the sweep is forced (the bound made infinite).
    module, calls = _count_sweeps(monkeypatch)
    Y, S = weak_problem(seed)
    shared = GlobalThreshold().optimize(Y, S, "f1_samples")
    shared_value = f1_score(Y, S > shared, average="samples")
    one = SurrogateThreshold(max_iter=1)
    theta = one.optimize(Y, S, "f1_samples")
    assert one.objective_ == pytest.approx(shared_value, abs=1e-12)
    assert len(calls) == 1
    assert_array_equal(S > theta, S > shared)
    calls.clear()
    Y, S = make_tagging_scores(1500, 12, random_state=seed)
    skipped = SurrogateThreshold(max_iter=30)
    theta = skipped.optimize(Y, S, "f1_samples")
    assert calls == []
    monkeypatch.setattr(module, "shared_samples_bound", lambda *a: np.inf)
    forced = SurrogateThreshold(max_iter=30)
    assert_array_equal(forced.optimize(Y, S, "f1_samples"), theta)
    assert forced.objective_ == skipped.objective_
    assert len(calls) == 1


def test_surrogate_auto_init_reaches_a_label_far_from_the_others():
    # Label 1's scores all lie far below the others' (a miscalibrated label):
    # from the shared threshold no score of it is near, its gradient is 0
    # and it stays "nothing positive"; the proportional cut starts it among
    # its own scores.
    rng = np.random.default_rng(0)
    n = 2000
    Y = rng.random((n, 3)) < 0.2
    S = expit(3.0 * Y + rng.standard_normal((n, 3)) - 1.5)
    S[:, 1] = expit(3.0 * Y[:, 1] + rng.standard_normal(n) - 12.0)
    from_shared = SurrogateThreshold(init="global").optimize(Y, S)
    auto = SurrogateThreshold().optimize(Y, S)
    assert (S[:, 1] > from_shared[1]).sum() == 0
    tp = (S[:, 1] > auto[1]) & Y[:, 1]
    assert tp.sum() > 0.5 * Y[:, 1].sum()
    assert f1_score(Y, S > auto) > f1_score(Y, S > from_shared) + 0.05


# --- What the surrogate learns ----------------------------------------------------


def known_cut_problem(seed, n=200, noise=0.05):
    """Three labels whose scores separate at the known cuts 0.15, 0.45, 0.8.

    Positives score uniformly above their label's cut and negatives below;
    a fraction ``noise`` of the cells get a uniform score instead. The best
    thresholds are near the cuts, which no shared threshold can reach.
    """
    rng = np.random.default_rng(seed)
    cuts = np.array([0.15, 0.45, 0.8])
    Y = (rng.random((n, 3)) < np.array([0.3, 0.2, 0.4])).astype(np.int64)
    u = rng.random((n, 3))
    S = np.where(Y == 1, cuts + u * (1 - cuts), u * cuts)
    S = np.where(rng.random((n, 3)) < noise, rng.random((n, 3)), S)
    return Y, S


def brute_force_micro_f1(Y, S):
    """Best micro-F1 over every combination of per-label cuts, exhaustively."""
    n, n_labels = S.shape
    assert n_labels == 3
    # tp[j][c]: true positives of label j when its c highest scores are positive.
    tp = [
        np.concatenate([[0], np.cumsum(Y[np.argsort(-S[:, j]), j])])
        for j in range(n_labels)
    ]
    pp = np.arange(n + 1)
    n_pos = Y.sum()
    best = 0.0
    for c0 in range(n + 1):
        tps = tp[0][c0] + tp[1][:, None] + tp[2][None, :]
        pps = c0 + pp[:, None] + pp[None, :]
        best = max(best, float((2 * tps / (pps + n_pos)).max()))
    return best


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_surrogate_reaches_the_known_best_thresholds(seed):
    # Without noise the best threshold vector is known: each label's scores
    # separate at its cut, and thresholds in the three gaps give F1 = 1.
    Y, S = known_cut_problem(seed, noise=0.0)
    best = brute_force_micro_f1(Y, S)
    assert best == 1.0
    shared = f1_score(Y, S > learn_thresholds(Y, S, strategy="global"))
    assert shared < 0.95 * best  # per-label thresholds matter here
    reached = f1_score(Y, S > learn_thresholds(Y, S))
    assert reached >= 0.99 * best, (
        f"surrogate micro-F1 {reached:.4f} is {reached / best:.2%} of the "
        f"brute-force best {best:.4f} (shared threshold: {shared:.4f})"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_surrogate_near_brute_force_optimum_with_noise(seed):
    # With 5% of the cells scored at random, the metric has local optima
    # that a gradient method can stop in (seed 0 does, at 96.8% of the
    # optimum with the default slope); exact coordinate ascent is the
    # strategy that reaches it.
    Y, S = known_cut_problem(seed)
    assert len(np.unique(S)) == S.size  # no ties: every cut is a threshold
    best = brute_force_micro_f1(Y, S)
    shared = f1_score(Y, S > learn_thresholds(Y, S, strategy="global"))
    reached = f1_score(Y, S > learn_thresholds(Y, S))
    assert reached <= best + 1e-12
    assert reached >= 0.95 * best
    assert reached > shared + 0.02


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples", "f2_micro"])
@pytest.mark.parametrize("seed", [0, 1])
def test_surrogate_improves_on_default(tagging, learned, seed, metric):
    Y, S = tagging(seed)
    theta = learned(seed, metric=metric)
    assert metric_value(Y, S, theta, metric) > metric_value(Y, S, 0.5, metric)


def test_sorted_and_dense_agree(tagging, learned):
    Y, S = tagging(0)
    f_sorted = f1_score(Y, S > learned(0))  # "auto" is "sorted" for micro
    f_dense = f1_score(Y, S > learned(0, mode="dense"))
    assert abs(f_sorted - f_dense) <= 0.005, (f_sorted, f_dense)


@pytest.mark.filterwarnings("ignore:init puts")  # a start far from the scores
@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sorted_and_dense_agree_on_small_problems(seed, metric):
    # Under-confident scores, started from 0.5, far from the best thresholds:
    # both formulations climb from the same start to the same height.
    Y, S = make_tagging_scores(
        400, 6, mean_labels_per_sample=1.5, bias=-2.0, random_state=seed
    )
    assert no_degenerate_label(Y)
    average = check_metric(metric).average
    reached, starts = {}, {}
    for mode in ("sorted", "dense"):
        est = SurrogateThreshold(mode=mode, init=0.5, max_iter=50)
        theta = est.optimize(Y, S, metric)
        reached[mode] = f1_score(Y, S > theta, average=average)
        starts[mode] = est.history_["objective"][0]
        assert est.objective_ == pytest.approx(reached[mode], abs=1e-12)
        assert reached[mode] > starts[mode] + 0.05, mode
    assert starts["sorted"] == pytest.approx(starts["dense"], abs=1e-9)
    assert abs(reached["sorted"] - reached["dense"]) <= 0.02, reached


@pytest.mark.parametrize("mode", ["sorted", "dense"])
def test_surrogate_deterministic(small, mode):
    Y, S = small
    a, b = SurrogateThreshold(mode=mode), SurrogateThreshold(mode=mode)
    assert_array_equal(a.optimize(Y, S), b.optimize(Y, S))
    assert_array_equal(a.history_["objective"], b.history_["objective"])
    assert a.best_iter_ == b.best_iter_
    assert_array_equal(a.slopes_, b.slopes_)


@pytest.mark.filterwarnings("ignore:init puts")  # the paper's start, 0.3
def test_paper_reference_configuration(tagging):
    Y, S = tagging(0)
    est = SurrogateThreshold(
        slope=50,
        slope_growth=1.0,
        init=0.3,
        learn_slope=True,
        transform="none",
        scale=1.0,
        mode="dense",
    )
    theta = est.optimize(Y, S)
    assert est.transform_.name == "none"
    assert theta.shape == (30,) and np.isfinite(theta).all()
    assert est.scale_ == 1.0
    assert est.slopes_.shape == (30,) and np.isfinite(est.slopes_).all()
    assert not np.allclose(est.slopes_, 50.0)
    assert est.objective_ >= metric_value(Y, S, 0.3)
    fixed = SurrogateThreshold(
        slope=50, slope_growth=1.0, max_iter=5, transform="none", scale=1.0
    )
    fixed.optimize(Y, S)
    assert_array_equal(fixed.slopes_, np.full(30, 50.0))


# --- history_, objective_, best_iter_ ----------------------------------------------


@pytest.mark.parametrize(
    "mode, metric",
    [
        ("auto", "f1_micro"),
        ("auto", "f1_macro"),
        ("auto", "f2_micro"),
        ("auto", "f1_samples"),
        ("dense", "f1_micro"),
        ("dense", "f1_macro"),
    ],
)
def test_surrogate_history_and_objective(small, mode, metric):
    Y, S = small
    est = SurrogateThreshold(max_iter=30, mode=mode)
    theta = est.optimize(Y, S, metric)
    history = est.history_
    assert set(history) == {"objective", "elapsed"}
    assert len(history["objective"]) == len(history["elapsed"]) == 31
    assert est.n_iter_ == 30
    assert (np.diff(history["elapsed"]) >= 0).all()
    assert 0 <= est.best_iter_ <= 30
    # objective_ is recomputed on the scores as given (float64), the history
    # during the float32 descent: equal up to rounding.
    assert history["objective"][est.best_iter_] == pytest.approx(est.objective_)
    assert est.objective_ == pytest.approx(history["objective"].max(), abs=1e-12)
    assert est.objective_ == pytest.approx(metric_value(Y, S, theta, metric), abs=1e-9)


@pytest.mark.filterwarnings("ignore:init puts")  # init=0.5: far from the scores
@pytest.mark.parametrize("init", ["auto", "global", "rate", 0.5])
@pytest.mark.parametrize("max_iter", [1, 7])
@pytest.mark.parametrize("metric", ["f1_micro", "f1_samples"])
def test_objective_is_the_best_of_the_history_or_the_floor(init, max_iter, metric):
    # One value before each step and one after the last; objective_ is the
    # best of them, or the shared threshold's value where init="auto" keeps
    # it as a floor (reached after one step on the samples average).
    Y, S = weak_problem(0)
    est = SurrogateThreshold(init=init, max_iter=max_iter)
    theta = est.optimize(Y, S, metric)
    objective = est.history_["objective"]
    assert objective.shape == est.history_["elapsed"].shape == (max_iter + 1,)
    assert est.n_iter_ == max_iter
    assert est.best_iter_ == int(np.argmax(objective))  # the first best
    best = objective.max()
    if init == "auto":
        shared = learn_thresholds(Y, S, strategy="global", metric=metric)
        best = max(best, metric_value(Y, S, shared, metric))
    assert est.objective_ == pytest.approx(best, abs=1e-9)
    assert est.objective_ == pytest.approx(metric_value(Y, S, theta, metric), abs=1e-12)


def test_objective_matches_returned_thresholds_with_degenerate_label():
    # Label 0 has no positive: the surrogate learns to predict none of it,
    # then the degenerate-label rule gives it the shared threshold.
    rng = np.random.default_rng(0)
    Y = (rng.random((300, 4)) < 0.3).astype(np.int64)
    Y[:, 0] = 0
    S = expit(2.0 * Y + rng.standard_normal((300, 4)) - 1.0)
    est = SurrogateThreshold()
    with pytest.warns(DegenerateLabelWarning):
        theta = est.optimize(Y, S)
    assert est.objective_ == pytest.approx(metric_value(Y, S, theta), abs=1e-9)


# --- Slopes --------------------------------------------------------------------------


def test_slope_growth_sharpens_the_surrogate(small):
    Y, S = small
    kwargs = {"slope": 40.0, "max_iter": 10, "transform": "none", "scale": 1.0}
    fixed = SurrogateThreshold(slope_growth=1.0, **kwargs)
    fixed.optimize(Y, S)
    grown = SurrogateThreshold(slope_growth=4.0, **kwargs)
    grown.optimize(Y, S)
    assert_array_equal(fixed.slopes_, np.full(8, 40.0))
    assert grown.slopes_ == pytest.approx(np.full(8, 160.0), rel=1e-6)
    # The same first step (same start, same slope), different later ones.
    first = grown.history_["objective"][:2]
    assert_array_equal(first, fixed.history_["objective"][:2])
    assert grown._growth(0) == 1.0 and grown._growth(10) == pytest.approx(4.0)
    assert grown._growth(5) == pytest.approx(2.0)


@pytest.mark.parametrize("mode", ["sorted", "dense"])
def test_fixed_slope_is_the_slope_over_each_label_unit(mode):
    # slope_growth=1.0: slopes_ is slope / unit, per label, whatever the
    # learning rate and the number of steps (the slope is not learned).
    kwargs = {"mean_labels_per_sample": 1.5, "dtype": np.float64, "random_state": 0}
    Y, S = make_tagging_scores(400, 5, output="logit", **kwargs)
    assert no_degenerate_label(Y)

    def slopes(S, **params):
        params = {"slope": 30.0, "slope_growth": 1.0, "max_iter": 3, **params}
        est = SurrogateThreshold(transform="none", mode=mode, **params)
        est.optimize(Y, S)
        return est.slopes_

    # A number as scale is every label's unit.
    assert_allclose(slopes(S, scale=0.25), np.full(5, 30.0 / 0.25), rtol=1e-6)
    # scale="auto": each label's unit is the spread of its own scores
    # between their 5% and 95% quantiles.
    base = slopes(S)
    q05, q95 = np.quantile(S, [0.05, 0.95], axis=0)
    assert_allclose(base * (q95 - q05), 30.0, rtol=0.05)
    # Stretching one label's scores fourfold divides its slope by four only.
    stretched = S.copy()
    stretched[:, 2] *= 4.0
    expected = base.copy()
    expected[2] /= 4.0
    assert_allclose(slopes(stretched), expected, rtol=1e-6)
    # The slope scales linearly, the growth multiplies the last step's.
    assert_allclose(slopes(S, slope=60.0), 2.0 * base, rtol=1e-6)
    assert_allclose(slopes(S, slope_growth=3.0), 3.0 * base, rtol=1e-6)
    assert_array_equal(slopes(S, max_iter=12, learning_rate=0.1), base)


# The slope grows fourfold over the descent by default: 1000 ends at 4000.
SLOPES = (20, 50, 200, 1000)


@pytest.mark.parametrize("output", ["proba", "logit"])
def test_slope_robustness(tagging, learned, output):
    Y, S = tagging(0, output)
    # slope=50 is the default: the default run is shared with other tests.
    f1 = {
        s: f1_score(Y, S > learned(0, output, **({} if s == 50 else {"slope": s})))
        for s in SLOPES
    }
    best = max(f1.values())
    report = ", ".join(f"slope {s}: {100 * v:.2f}" for s, v in f1.items())
    for value in f1.values():
        assert value >= best - 0.01, f"{output} tuning micro-F1 (%): {report}"


@pytest.mark.parametrize(
    "metric, mode",
    [("f1_micro", "sorted"), ("f1_micro", "dense"), ("f1_samples", "dense")],
)
def test_surrogate_with_labels_of_very_different_spreads(metric, mode):
    # One label spread over 1.8e7, the others over the smallest normal
    # float32 (found by test_properties.py with the "ci" profile): each
    # label's slope is relative to its own spread.
    tiny = -np.finfo(np.float32).tiny.astype(np.float64)
    Y = np.zeros((5, 3), dtype=bool)
    Y[0] = True
    S = np.full(Y.shape, tiny)
    S[0] = [1.80400180e07, 0.0, tiny]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theta = learn_thresholds(Y, S, strategy="surrogate", metric=metric, mode=mode)
    assert np.isfinite(theta).all()
    score = check_metric(metric).score
    shared = learn_thresholds(Y, S, strategy="global", metric=metric)
    assert score(Y, S > theta) >= score(Y, S > shared)


# --- Scores beyond float32's range ------------------------------------------------


def _decision_scores(scale, dtype, n=2000, n_labels=5):
    rng = np.random.RandomState(0)
    Y = rng.uniform(size=(n, n_labels)) < 0.3
    S = (rng.standard_normal((n, n_labels)) + 1.5 * Y - 0.5) * scale
    return Y, S.astype(dtype)


@pytest.mark.parametrize(
    "scale, dtype",
    [(1e6, np.float32), (1e30, np.float64), (1e200, np.float64)],
    ids=["1e6-float32", "1e30-float64", "1e200-float64"],
)
def test_surrogate_on_large_decision_scores(scale, dtype):
    # Warnings are errors: an overflow or an invalid value fails the test.
    Y, S = _decision_scores(scale, dtype)
    theta = learn_thresholds(Y, S, strategy="surrogate", max_iter=50)
    assert np.isfinite(theta).all()
    # The default threshold of decision scores is 0.
    assert f1_score(Y, S > theta) >= f1_score(Y, S > 0.0)


# --- The sorted mode's compact count grids ---------------------------------------


def brute_le(S, Y, q, positives):
    cols = [S[:, j][Y[:, j]] if positives else S[:, j] for j in range(S.shape[1])]
    return np.array(
        [[np.sum(c <= t) for t in row] for c, row in zip(cols, q, strict=True)]
    )


def grid_problem(seed, n, n_labels=4):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, n_labels)) < 0.3
    S = rng.normal(size=(n, n_labels)).round(1).astype(np.float32)  # ties
    return Y, S, ScoreSummary.from_chunks([(Y, S)])


def grids(summary, size, monkeypatch):
    monkeypatch.setattr(CountGrid, "size", size)
    return (
        CountGrid.of_rows(summary, Identity(), "cpu"),
        CountGrid.of_segments(summary.pos_values, summary.pos_start, Identity(), "cpu"),
    )


@pytest.mark.parametrize("seed", range(5))
def test_exact_when_the_grid_holds_every_score(seed, monkeypatch):
    Y, S, summary = grid_problem(seed, 40)
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
    Y, S, summary = grid_problem(seed, 500)
    all_grid, _ = grids(summary, 16, monkeypatch)
    rng = np.random.default_rng(seed)
    q = np.sort(rng.normal(size=(4, 200)), axis=1).astype(np.float32)
    approx = all_grid.count_le(torch.as_tensor(q)).numpy()
    exact = brute_le(S, Y, q, False)
    assert np.all(np.diff(approx, axis=1) >= -1e-9)  # monotone
    for j in range(4):
        points = all_grid.label_points(j)  # distinct, increasing
        assert np.all(np.diff(points) > 0) and points.size <= 17
        exact_at_points = brute_le(S[:, [j]], Y, points[None, :], False)[0]
        at = np.tile(points, (4, 1))
        at_points = all_grid.count_le(torch.as_tensor(at)).numpy()[j]
        np.testing.assert_array_equal(at_points, exact_at_points)
        i = np.searchsorted(points, q[j], side="right")
        lower = np.where(i > 0, exact_at_points[np.maximum(i - 1, 0)], 0)
        upper = np.where(
            i < points.size, exact_at_points[np.minimum(i, points.size - 1)], 500
        )
        assert np.all((approx[j] >= lower - 1e-9) & (approx[j] <= upper + 1e-9))
        top = q[j] >= np.sort(S[:, j])[-5]  # the 5 highest ranks are grid points
        np.testing.assert_allclose(approx[j][top], exact[j][top])
