"""Tests of NumericalGradient: finite-difference gradients with Adam."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import f1_score as sk_f1_score

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import CoordinateAscent, NumericalGradient


def reference_numthresh(Y, S, average, init=0.5, max_iter=100):
    """numThresh as published: re-threshold the whole matrix for every trial.

    One difference: metric values are rounded to 12 decimals. The published
    code compares floats exactly, and a samples average whose per-sample
    changes cancel can differ from the unchanged value by rounding noise
    (1e-16), which it takes for a change and Adam amplifies; the strategy
    counts such changes as none.
    """

    metric = FBeta(1.0, average)

    def f1(theta):
        return round(metric.score(Y, S > theta), 12)

    theta = np.full(S.shape[1], init, dtype=np.float64)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    thetas, values = [theta.copy()], [f1(theta)]
    for it in range(1, max_iter + 1):
        base = f1(theta)
        grad = np.zeros_like(theta)
        for j in range(theta.size):
            trial = theta.copy()
            steps = 0
            while steps < 10:
                steps += 1
                trial[j] += 0.01
                moved = f1(trial)
                if moved != base:
                    break
            grad[j] = (moved - base) / (0.01 * steps)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        theta = theta + 0.01 * (m / (1 - 0.9**it)) / (
            np.sqrt(v / (1 - 0.999**it)) + 1e-8
        )
        thetas.append(theta.copy())
        values.append(f1(theta))
    return np.array(thetas), np.array(values)


@pytest.fixture(scope="module")
def small():
    Y, S = make_tagging_scores(300, 6, mean_labels_per_sample=1.5, random_state=2)
    return Y.astype(bool), S.astype(np.float64)


@pytest.mark.filterwarnings("ignore:init puts")  # the published start, 0.5
@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_matches_the_published_method(small, average):
    Y, S = small
    thetas, values = reference_numthresh(Y, S, average, max_iter=15)
    strategy = NumericalGradient(max_iter=15, init=0.5)  # the published start
    theta = strategy.optimize(Y, S, f"f1_{average}")
    assert_allclose(strategy.history_["objective"], values, atol=1e-11)
    best = int(np.argmax(values))
    assert strategy.best_iter_ == best
    assert_allclose(theta, thetas[best], atol=1e-9)
    assert strategy.objective_ == pytest.approx(values.max(), abs=1e-11)
    assert values.max() > values[0]
    assert strategy.objective_ == pytest.approx(
        sk_f1_score(Y, S > theta, average=average, zero_division=0.0), abs=1e-12
    )


def test_returns_best_seen_never_worse_than_start(small):
    Y, S = small
    strategy = NumericalGradient(learning_rate=0.5, max_iter=20)
    theta = strategy.optimize(Y, S)
    history = strategy.history_["objective"]
    assert history.shape == strategy.history_["elapsed"].shape == (21,)
    assert strategy.objective_ == history.max() >= history[0]
    assert sk_f1_score(Y, S > theta, average="micro") == pytest.approx(history.max())


@pytest.mark.filterwarnings("ignore:init puts")  # the published start, 0.5
def test_labels_whose_metric_does_not_move_stay():
    # Label 1's scores all lie far below 0.5: no step of 0.01 up to 0.1
    # changes anything, so its gradient is zero and it keeps 0.5.
    rng = np.random.RandomState(0)
    Y = rng.uniform(size=(200, 2)) < 0.3
    S = np.column_stack(
        [0.4 * Y[:, 0] + 0.6 * rng.uniform(size=200), 0.2 * rng.uniform(size=200)]
    )
    Y[:3, 1] = True
    theta = NumericalGradient(max_iter=30, init=0.5).optimize(Y, S)
    assert theta[1] == 0.5
    assert theta[0] != 0.5


def test_default_start_is_the_shared_threshold_so_stuck_labels_lose_nothing():
    # The published start (0.5) leaves a label whose scores all lie below
    # it stuck at F1 0; the default shared start is a floor the search
    # never goes below. One label: the shared cut is the exact optimum.
    rng = np.random.RandomState(0)
    y = rng.uniform(size=500) < 0.08
    s = 0.3 * rng.uniform(size=500) + 0.09 * y * rng.uniform(size=500)  # < 0.4
    Y, S = y[:, None], s[:, None]
    with pytest.warns(UserWarning, match=r"init puts 1 of 1 label\(s\)"):
        published = NumericalGradient(init=0.5).optimize(Y, S)
    default = NumericalGradient().optimize(Y, S)
    exact = CoordinateAscent().optimize(Y, S)
    f1 = [sk_f1_score(y, s > t[0]) for t in (published, default, exact)]
    assert f1[0] == 0.0 < f1[1]
    assert f1[1] == pytest.approx(f1[2], abs=1e-12)


@pytest.mark.filterwarnings("ignore:init puts")  # the published start, 0.5
def test_scale_invariance(small):
    # Multiplying scores, init, delta's unit by 8 (exact in floats) gives
    # exactly 8 times the thresholds.
    Y, S = small
    theta = NumericalGradient(max_iter=15, scale=1.0, init=0.5).optimize(Y, S)
    scaled = NumericalGradient(max_iter=15, scale=8.0, init=4.0).optimize(Y, 8 * S)
    assert_array_equal(scaled, 8 * theta)


def test_decision_scores_use_the_score_spread(small):
    Y, S = small
    logits = np.log(S / (1 - S))
    strategy = NumericalGradient(init="global")
    strategy.optimize(Y, logits)
    assert strategy.scale_ > 1.0
    assert strategy.objective_ >= strategy.history_["objective"][0]


def test_init_options(small):
    Y, S = small
    for init in ("global", "default", 0.3, np.full(6, 0.4)):
        strategy = NumericalGradient(init=init, max_iter=3)
        strategy.optimize(Y, S)
        assert np.isfinite(strategy.objective_)
    with pytest.raises(
        ValueError, match="'init' parameter of NumericalGradient must be a str among"
    ):
        NumericalGradient(init="zero").optimize(Y, S)


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"delta": 0},
            "'delta' parameter of NumericalGradient"
            " must be a float in the range \\(0.0, inf\\)",
        ),
        (
            {"learning_rate": -1.0},
            "'learning_rate' parameter of NumericalGradient"
            " must be a float in the range",
        ),
        (
            {"max_steps": 0},
            "'max_steps' parameter of NumericalGradient"
            " must be an int in the range \\[1, inf\\)",
        ),
        (
            {"max_iter": 2.5},
            "'max_iter' parameter of NumericalGradient"
            " must be an int in the range \\[1, inf\\)",
        ),
        (
            {"scale": "big"},
            "'scale' parameter of NumericalGradient"
            " must be a str among \\{'auto'\\} or a float",
        ),
    ],
)
def test_invalid_params(small, params, match):
    Y, S = small
    with pytest.raises(ValueError, match=match):
        NumericalGradient(**params).optimize(Y, S)


def test_callable_metric_is_refused(small):
    Y, S = small
    with pytest.raises(ValueError, match="needs an F-beta metric"):
        NumericalGradient().optimize(Y, S, lambda Y_true, Y_pred: 0.0)


def test_verbose(small, capsys):
    Y, S = small
    NumericalGradient(max_iter=4, verbose=2).optimize(Y, S)
    assert capsys.readouterr().out.count("[NumericalGradient] iter") == 5


@pytest.mark.parametrize("tiny", [1e-306, 1e-308, 1e-309])
def test_scores_spread_over_subnormal_ranges_do_not_overflow(tiny):
    # The gradient is taken in units of the scale: no division by a distance
    # of a few subnormals, which overflowed (a RuntimeWarning, an error here).
    rng = np.random.default_rng(0)
    Y = rng.random((50, 3)) < 0.4
    Y[0], Y[1] = True, False
    S = (rng.random((50, 3)) - 0.5) * tiny  # decision scores: scale ~ tiny
    theta = NumericalGradient(max_iter=5).optimize(Y, S)
    assert np.isfinite(theta).all()
