"""Tests of HeuristicSearch: random perturbation search (hThresh)."""

from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.metrics import f1_score as sk_f1_score

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import GlobalThreshold, HeuristicSearch


def reference_search(Y, S, metric, theta, n_restarts, n_steps, step_size, seed):
    """The search one proposal at a time, re-thresholding the whole matrix."""
    rng = np.random.RandomState(seed)
    value = metric.score(Y, S > theta)
    sd = step_size * (1.0 - np.arange(n_steps) / n_steps)
    for _ in range(n_restarts):
        noise = sd[:, None] * rng.standard_normal((n_steps, S.shape[1]))
        for step in range(n_steps):
            proposal = theta + noise[step]
            proposal_value = metric.score(Y, S > proposal)
            if proposal_value > value:
                theta, value = proposal, proposal_value
    return theta, value


@pytest.fixture(scope="module")
def small():
    Y, S = make_tagging_scores(400, 8, mean_labels_per_sample=2.0, random_state=4)
    Y = Y.astype(bool)
    assert (Y.any(axis=0) & ~Y.all(axis=0)).all()
    return Y, S


@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_matches_the_sequential_search(small, average):
    # Batched evaluation of proposals gives exactly the sequential result.
    Y, S = small
    metric = FBeta(1.0, average)
    theta0 = np.full(S.shape[1], 0.5)
    expected, value = reference_search(Y, S, metric, theta0, 2, 150, 0.12, seed=7)
    strategy = HeuristicSearch(n_restarts=2, n_steps=150, init=0.5, random_state=7)
    theta = strategy.optimize(Y, S, metric)
    assert_array_equal(theta, expected)
    assert strategy.objective_ == value
    assert strategy.n_iter_ == 300


def test_history_never_decreases_and_beats_start(small):
    Y, S = small
    strategy = HeuristicSearch(n_restarts=3, n_steps=100, random_state=0)
    theta = strategy.optimize(Y, S)
    objective = strategy.history_["objective"]
    assert objective.shape == strategy.history_["elapsed"].shape == (301,)
    assert np.all(np.diff(objective) >= 0)
    assert np.all(np.diff(strategy.history_["elapsed"]) >= 0)
    shared = GlobalThreshold().optimize(Y, S)
    assert objective[0] == pytest.approx(sk_f1_score(Y, S > shared, average="micro"))
    assert strategy.objective_ == objective[-1] > objective[0]
    assert strategy.objective_ == pytest.approx(
        sk_f1_score(Y, S > theta, average="micro"), abs=1e-12
    )


def test_random_state(small):
    Y, S = small
    a = HeuristicSearch(n_restarts=1, n_steps=100, random_state=0).optimize(Y, S)
    b = HeuristicSearch(n_restarts=1, n_steps=100, random_state=0).optimize(Y, S)
    c = HeuristicSearch(n_restarts=1, n_steps=100, random_state=1).optimize(Y, S)
    assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    rs = np.random.RandomState(3)
    d = HeuristicSearch(n_restarts=1, n_steps=100, random_state=rs).optimize(Y, S)
    assert np.isfinite(d).all()


def test_decision_scores_scale_the_steps(small):
    Y, S = small
    logits = np.log(S / (1 - S)).astype(np.float64)
    strategy = HeuristicSearch(n_restarts=1, n_steps=100, random_state=0)
    theta = strategy.optimize(Y, logits)
    assert strategy.scale_ > 1.0
    # Same decisions as the same search on probabilities would be too lucky;
    # check it improved on its start instead.
    assert strategy.objective_ > strategy.history_["objective"][0]
    assert np.isfinite(theta).all()


def test_callable_metric(small):
    Y, S = small
    metric = partial(sk_f1_score, average="micro", zero_division=0.0)
    params = {"n_restarts": 1, "n_steps": 60, "init": 0.5, "random_state": 0}
    strategy = HeuristicSearch(**params)
    theta = strategy._optimize(Y, S, metric)
    by_counts = HeuristicSearch(**params).optimize(Y, S)
    assert_array_equal(theta, by_counts)
    assert strategy.objective_ == pytest.approx(
        sk_f1_score(Y, S > theta, average="micro")
    )


def test_init_options(small):
    Y, S = small
    for init in ("global", "default", 0.3, np.full(8, 0.4)):
        strategy = HeuristicSearch(n_restarts=1, n_steps=5, init=init, random_state=0)
        strategy.optimize(Y, S)
        assert np.isfinite(strategy.objective_)
    with pytest.raises(
        ValueError, match="'init' parameter of HeuristicSearch must be a str among"
    ):
        HeuristicSearch(init="best").optimize(Y, S)
    with pytest.raises(ValueError, match=r"init must be a scalar or an array of shape"):
        HeuristicSearch(init=[0.5, 0.5]).optimize(Y, S)


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"n_restarts": 0},
            "'n_restarts' parameter of HeuristicSearch"
            " must be an int in the range \\[1, 100000000\\]",
        ),
        (
            {"n_steps": 1.5},
            "'n_steps' parameter of HeuristicSearch"
            " must be an int in the range \\[1, 1000000\\]",
        ),
        (
            {"step_size": 0.0},
            "'step_size' parameter of HeuristicSearch"
            " must be a float in the range \\(0.0, inf\\)",
        ),
        (
            {"scale": -1.0},
            "'scale' parameter of HeuristicSearch"
            " must be a str among \\{'auto'\\} or a float in the range \\(0.0, inf\\)",
        ),
    ],
)
def test_invalid_params(small, params, match):
    Y, S = small
    with pytest.raises(ValueError, match=match):
        HeuristicSearch(**params).optimize(Y, S)


def test_verbose(small, capsys):
    Y, S = small
    HeuristicSearch(n_restarts=2, n_steps=10, verbose=1, random_state=0).optimize(Y, S)
    assert capsys.readouterr().out.count("[HeuristicSearch] restart") == 2
