"""The straightforward references of benchmarks/bench_reference.py.

They must stay faithful to skthresh's strategies, or the speed-ups the
benchmark reports compare different algorithms. The references replay the
strategies' arithmetic and random draws, so on a problem without ties they
return the very same thresholds: the tolerances are 1e-9 on the micro-F1
for the grid (as the benchmark's claim is stated) and exact equality of
thresholds and micro-F1 for the heuristic and numerical searches, whose
random draws (heuristic) and floating-point operations are the same.
"""

import argparse
import re

import numpy as np
import pytest
from _benchmarks import load_benchmark
from sklearn.metrics import f1_score

from skthresh.datasets import make_tagging_scores
from skthresh.strategies import GlobalThreshold, get_strategy


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("bench_reference")


def make_problem(quantized=False):
    # mean_labels_per_sample=1: with 6 labels the default 2.6 makes the most
    # frequent label positive everywhere, which the references refuse.
    Y, S = make_tagging_scores(300, 6, mean_labels_per_sample=1.0, random_state=0)
    S = np.asarray(S, dtype=np.float32)
    if quantized:
        # Scores on multiples of 1/8, from 0 to 1 for every label: with 9
        # grid points, every first grid point (i/8), 0.5 (the numerical
        # search's start) and the shared cuts fall exactly on scores, so
        # that the tie rule (a score equal to its threshold is negative)
        # matters everywhere.
        S = (np.round(S * 8) / 8).astype(np.float32)
        S[0], S[1] = 0.0, 1.0
    return np.asarray(Y, dtype=bool), S


@pytest.fixture(scope="module")
def problem():
    return make_problem()


@pytest.fixture(scope="module", params=[False, True], ids=["continuous", "ties"])
def problems(request):
    return request.param, make_problem(quantized=request.param)


def micro_f1(Y, S, thresholds):
    return f1_score(Y, S > thresholds, average="micro")


@pytest.mark.parametrize("name", ["grid", "heuristic", "numerical"])
def test_reference_matches_skthresh(bench, problems, name):
    ties, (Y, S) = problems
    strategy = bench.ours(name, seed=0)
    if ties and name == "grid":
        strategy.set_params(n_points=9)  # grid points on score levels
    if ties and name == "numerical":
        strategy.set_params(delta=0.02)  # steps that reach the next level
    ours = strategy.optimize(Y, S)
    reference = bench.REFERENCES[name](Y, S, **bench.reference_params(strategy))
    assert reference.shape == ours.shape == (S.shape[1],)
    if name == "grid":
        assert abs(micro_f1(Y, S, reference) - micro_f1(Y, S, ours)) <= 1e-9
    else:
        np.testing.assert_array_equal(reference, ours)
        assert micro_f1(Y, S, reference) == micro_f1(Y, S, ours)
    # Not vacuous: the search improved on its start.
    init = bench.initial_thresholds(strategy.get_params()["init"], Y, S)
    assert micro_f1(Y, S, reference) > micro_f1(Y, S, init) + 1e-3


def test_comparison_can_fail(bench, problem):
    """Other settings give other thresholds: equality above is informative."""
    Y, S = problem
    ours = bench.ours("heuristic", seed=0).optimize(Y, S)
    params = bench.reference_params(bench.ours("heuristic", seed=1))
    assert not np.array_equal(bench.reference_heuristic(Y, S, **params), ours)
    ours = get_strategy("grid").optimize(Y, S)
    coarse = bench.reference_grid(Y, S, n_points=3, n_refinements=0)
    assert not np.array_equal(coarse, ours)


def test_shared_threshold_is_the_library_one(bench, problem):
    Y, S = problem
    expected = GlobalThreshold().optimize(Y, S)[0]
    assert bench.best_shared_threshold(Y, S) == expected


def test_degenerate_labels_are_refused(bench, problem):
    Y, S = problem
    Y = Y.copy()
    Y[:, 2] = True
    with pytest.raises(ValueError, match="positive and a negative"):
        bench.reference_grid(Y, S)


def test_parse_budget(bench):
    assert bench.parse_budget("numerical=0.1") == {
        "heuristic": 1.0,
        "numerical": 0.1,
    }
    assert bench.parse_budget("0.5") == {"heuristic": 0.5, "numerical": 0.5}
    for text in ("grid=0.5", "0", "numerical=2", "numerical=x"):
        with pytest.raises(argparse.ArgumentTypeError):
            bench.parse_budget(text)


def test_main_small_run(bench, capsys):
    argv = [
        "--n-samples",
        "300",
        "--n-labels",
        "8",
        "--repeats",
        "1",
        "--strategies",
        "grid,numerical",
        "--reference-budget",
        "numerical=0.1",
    ]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    grid = re.search(r"^\| grid \| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    assert grid is not None and grid[1] == grid[2]
    assert re.search(r"^\| numerical \| [\d.]+ \| n/a \(partial\) \|", out, re.M)
    assert "(extrapolated)" in out and "0.1 of its max_iter" in out
    assert "grid: the reference returned the same thresholds." in out
