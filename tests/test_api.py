"""Tests of learn_thresholds and apply_thresholds, and of what the surrogate learns."""

import re

import numpy as np
import pytest
import torch
from _strategies import fast_params
from numpy.testing import assert_array_equal
from scipy.special import expit

from skthresh import (
    DegenerateLabelWarning,
    ScoreSummary,
    apply_thresholds,
    learn_thresholds,
)
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import check_metric, f1_score, fbeta_score
from skthresh.strategies import (
    GlobalThreshold,
    SurrogateThreshold,
    available_strategies,
)
from skthresh.strategies._global import best_shared_threshold
from skthresh.strategies._surrogate import better_start, rate_thresholds

# learn_thresholds keywords: the surrogate by name, with the tests' small budget.
FAST = {"strategy": "surrogate", **fast_params("surrogate")}


def metric_value(Y, S, thresholds, metric="f1_micro"):
    """The tuning metric of ``S > thresholds``, recomputed from scratch."""
    m = check_metric(metric)
    return fbeta_score(Y, np.asarray(S) > thresholds, beta=m.beta, average=m.average)


def no_degenerate_label(Y):
    n_pos = np.asarray(Y).sum(axis=0)
    return ((n_pos > 0) & (n_pos < len(Y))).all()


@pytest.fixture(scope="module")
def small():
    """500 samples, 8 labels, float32 probabilities; every label has both classes."""
    Y, S = make_tagging_scores(500, 8, random_state=0)
    assert no_degenerate_label(Y)
    return Y, S


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


# --- Input types ------------------------------------------------------------


def _as_dtype(S, dtype):
    if dtype == "int":
        return np.round(S * 1000).astype(np.int64)
    return S.astype(dtype)


@pytest.mark.parametrize("params", [FAST, {"strategy": "global"}], ids=["sur", "glo"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, "int"])
def test_input_types_give_identical_thresholds(small, dtype, params):
    Y, S = small
    S = _as_dtype(S, dtype)
    expected = learn_thresholds(Y, S, **params)
    assert expected.dtype == np.float64 and expected.shape == (S.shape[1],)
    assert np.isfinite(expected).all()
    variants = {"list": S.tolist(), "tensor": torch.from_numpy(S.copy())}
    if dtype == "int":
        variants["int32"] = S.astype(np.int32)
        variants["float64"] = S.astype(np.float64)
    else:
        # The same values in a wider float type are the same scores.
        variants["float64"] = S.astype(np.float64)
        variants["requires_grad"] = torch.tensor(S, requires_grad=True)
    if dtype == np.float32:
        variants["fortran"] = np.asfortranarray(S)
    for name, scores in variants.items():
        got = learn_thresholds(Y, scores, **params)
        assert got.dtype == np.float64, name
        assert_array_equal(got, expected, err_msg=name)
    if dtype != np.float32:
        return
    for name, labels in {
        "Y list": Y.tolist(),
        "Y bool": Y.astype(bool),
        "Y tensor": torch.from_numpy(Y.copy()),
    }.items():
        assert_array_equal(learn_thresholds(labels, S, **params), expected, name)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_torch_tensors_match_numpy(small, dtype):
    Y, S = small
    t = torch.tensor(S, dtype=dtype)
    expected = learn_thresholds(Y, t.numpy(), **FAST)
    assert_array_equal(learn_thresholds(Y, t, **FAST), expected)
    assert_array_equal(
        learn_thresholds(Y, t.clone().requires_grad_(), **FAST), expected
    )


# --- apply_thresholds ------------------------------------------------------------


def test_apply_thresholds_tie_rule():
    S = np.array([[0.5, 0.2, -1.0], [0.6, 0.1, -1.5], [0.4, 0.3, -0.5]])
    theta = np.array([0.5, 0.2, -1.0])
    expected = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 1]])
    got = apply_thresholds(S, theta)
    assert got.dtype == np.int64
    assert_array_equal(got, expected)
    assert_array_equal(apply_thresholds(S.tolist(), theta.tolist()), expected)
    got_t = apply_thresholds(torch.tensor(S), theta)
    assert got_t.dtype == torch.int64
    assert_array_equal(got_t.numpy(), expected)


def test_apply_thresholds_tie_rule_float32_scores(small):
    # Thresholds equal to float32 scores: those scores are negative, for
    # numpy and torch alike.
    _, S = small
    theta = S[7].astype(np.float64)
    got = apply_thresholds(S, theta)
    assert (got[7] == 0).all()
    assert_array_equal(got, (S > theta).astype(np.int64))
    assert_array_equal(apply_thresholds(torch.from_numpy(S), theta).numpy(), got)


def test_apply_thresholds_scalar_broadcast(small):
    _, S = small
    expected = (S > 0.3).astype(np.int64)
    for theta in (0.3, np.float64(0.3), np.array(0.3), [0.3] * S.shape[1]):
        assert_array_equal(apply_thresholds(S, theta), expected)
        assert_array_equal(
            apply_thresholds(torch.from_numpy(S), theta).numpy(), expected
        )


def test_apply_thresholds_1d_scores():
    s = np.array([0.1, 0.5, 0.9, 0.5])
    for theta in (0.5, [0.5], np.array([0.5])):
        got = apply_thresholds(s, theta)
        assert got.shape == (4,) and got.dtype == np.int64
        assert_array_equal(got, [0, 0, 1, 0])
    assert_array_equal(apply_thresholds(s.tolist(), 0.5), [0, 0, 1, 0])
    got_t = apply_thresholds(torch.tensor(s), 0.5)
    assert got_t.shape == (4,) and got_t.dtype == torch.int64
    assert_array_equal(got_t.numpy(), [0, 0, 1, 0])


@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.float32, torch.float64, torch.int64]
)
def test_apply_thresholds_torch_in_torch_out(small, dtype):
    _, S = small
    t = torch.tensor(np.round(S * 100) if dtype == torch.int64 else S).to(dtype)
    theta = np.linspace(0.2, 40 if dtype == torch.int64 else 0.6, S.shape[1])
    got = apply_thresholds(t, theta)
    assert isinstance(got, torch.Tensor)
    assert got.dtype == torch.int64
    assert got.device == t.device
    assert got.shape == t.shape
    assert_array_equal(got.numpy(), apply_thresholds(t.numpy(), theta))
    if dtype.is_floating_point:
        got = apply_thresholds(t.clone().requires_grad_(), theta)
        assert not got.requires_grad
        assert_array_equal(got.numpy(), apply_thresholds(t.numpy(), theta))


def test_apply_thresholds_wrong_threshold_count(small):
    _, S = small
    with pytest.raises(ValueError, match=r"thresholds must be a scalar or an array"):
        apply_thresholds(S, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"shape \(8,\).*got shape \(2,\)"):
        apply_thresholds(torch.from_numpy(S), [0.5, 0.5])


def test_learned_thresholds_apply(small):
    Y, S = small
    theta = learn_thresholds(Y, S, **FAST)
    assert_array_equal(apply_thresholds(S, theta), (S > theta).astype(np.int64))


# --- Strategies by name and by object; parameters ------------------------------


def test_strategy_by_name_and_by_object(small):
    Y, S = small
    assert_array_equal(
        learn_thresholds(Y, S, strategy="global"), GlobalThreshold().optimize(Y, S)
    )
    by_name = learn_thresholds(Y, S, strategy="surrogate", max_iter=7)
    obj = SurrogateThreshold(max_iter=7)
    by_object = learn_thresholds(Y, S, strategy=obj)
    assert_array_equal(by_name, by_object)
    # The object was used, not a copy: its fitted attributes are readable.
    assert obj.n_iter_ == 7
    assert len(obj.history_["objective"]) == 8
    assert obj.objective_ == pytest.approx(metric_value(Y, S, by_object), abs=1e-9)


def test_params_forwarded(small):
    Y, S = small
    obj = SurrogateThreshold()
    theta = learn_thresholds(Y, S, strategy=obj, max_iter=4, slope=80.0)
    assert obj.max_iter == 4 and obj.slope == 80.0
    assert obj.n_iter_ == 4
    assert_array_equal(theta, SurrogateThreshold(max_iter=4, slope=80.0).optimize(Y, S))
    assert_array_equal(
        learn_thresholds(Y, S, strategy="surrogate", max_iter=4, slope=80.0), theta
    )
    assert_array_equal(
        learn_thresholds(Y, S, strategy="default", threshold=0.25), np.full(8, 0.25)
    )


def test_unknown_param_is_named(small):
    Y, S = small
    with pytest.raises(ValueError, match=r"learning_rat\b.*SurrogateThreshold"):
        learn_thresholds(Y, S, strategy="surrogate", learning_rat=0.1)
    with pytest.raises(ValueError, match=r"slope"):
        learn_thresholds(Y, S, strategy="global", slope=10)
    with pytest.raises(ValueError, match=r"learning_rat\b"):
        learn_thresholds(Y, S, strategy=SurrogateThreshold(), learning_rat=0.1)


def test_unknown_strategy_lists_available(small):
    Y, S = small
    names = available_strategies()
    assert {"default", "global", "surrogate"} <= set(names)
    with pytest.raises(
        ValueError, match=r"Unknown strategy 'sgl'.*" + re.escape(str(names))
    ):
        learn_thresholds(Y, S, strategy="sgl")
    for bad in (GlobalThreshold, 3, None):
        with pytest.raises(ValueError, match=re.escape(str(names))):
            learn_thresholds(Y, S, strategy=bad)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples", "f2_micro"])
@pytest.mark.parametrize("strategy", ["default", "global", "surrogate"])
def test_result_is_float64_per_label(small, strategy, metric):
    Y, S = small
    params = {"max_iter": 10} if strategy == "surrogate" else {}
    theta = learn_thresholds(Y, S, strategy=strategy, metric=metric, **params)
    assert isinstance(theta, np.ndarray)
    assert theta.dtype == np.float64
    assert theta.shape == (S.shape[1],)
    assert np.isfinite(theta).all()


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


@pytest.mark.parametrize("mode", ["sorted", "dense"])
def test_surrogate_deterministic(small, mode):
    Y, S = small
    a, b = SurrogateThreshold(mode=mode), SurrogateThreshold(mode=mode)
    assert_array_equal(a.optimize(Y, S), b.optimize(Y, S))
    assert_array_equal(a.history_["objective"], b.history_["objective"])
    assert a.best_iter_ == b.best_iter_
    assert_array_equal(a.slopes_, b.slopes_)


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


# --- Degenerate labels ------------------------------------------------------------


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro"])
@pytest.mark.parametrize(
    "strategy",
    [
        "global",
        SurrogateThreshold(max_iter=20),
        SurrogateThreshold(max_iter=20, mode="dense"),
    ],
    ids=["global", "surrogate", "surrogate-dense"],
)
def test_degenerate_labels_get_shared_threshold(small, strategy, metric):
    Y, S = small
    Y = Y.copy()
    Y[:, 2] = 0  # no positive
    Y[:, 5] = 1  # no negative
    shared, _ = best_shared_threshold(Y.astype(bool), S, check_metric(metric))
    with pytest.warns(DegenerateLabelWarning, match=r"label indices 2, 5") as record:
        theta = learn_thresholds(Y, S, strategy=strategy, metric=metric)
    assert len(record) == 1
    assert f"{shared:.6g}" in str(record[0].message)
    assert np.isfinite(theta).all()
    assert theta[2] == shared and theta[5] == shared


def test_degenerate_labels_with_constant_scores():
    # A label with no positive and one score value: still finite thresholds.
    Y = np.array([[0, 1], [0, 0], [0, 1], [0, 0]])
    S = np.array([[0.5, 0.9], [0.5, 0.2], [0.5, 0.7], [0.5, 0.4]])
    for strategy in ("global", "surrogate"):
        with pytest.warns(DegenerateLabelWarning, match=r"label indices 0\b"):
            theta = learn_thresholds(Y, S, strategy=strategy)
        assert np.isfinite(theta).all()
        shared, _ = best_shared_threshold(Y.astype(bool), S, check_metric("f1_micro"))
        assert theta[0] == shared


def test_default_strategy_does_not_warn_on_degenerate_labels(small):
    Y, S = small
    Y = Y.copy()
    Y[:, 2] = 0
    # pytest turns warnings into errors: a DegenerateLabelWarning would fail.
    assert_array_equal(learn_thresholds(Y, S, strategy="default"), np.full(8, 0.5))
