"""Properties of every registered strategy on random small problems (hypothesis).

For each strategy of ``available_strategies()``: finite float64 thresholds of
shape (n_labels,), equal results for equal seeds, decisions with the shape and
label order of ``Y``, no tuning metric above the exhaustive optimum nor, for
strategies that keep the best thresholds seen, below their documented start,
thresholds permuted with the labels, and decisions of the exact strategies
unchanged by an increasing map of the scores.
"""

import itertools
import warnings

import numpy as np
import pytest
from _strategies import make_strategy
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_array_equal

from skthresh import DegenerateLabelWarning, apply_thresholds, learn_thresholds
from skthresh.metrics import FBeta, check_metric
from skthresh.strategies import available_strategies, get_strategy

STRATEGIES = available_strategies()

METRICS = ["f1_micro", "f1_macro", "f1_samples", "f2_micro", "f0.5_macro"]

# Strategies documented to return the best thresholds they have seen (or to
# move a label only when the metric improves), never ending below their start.
KEEPS_BEST = ["coordinate", "grid", "heuristic", "numerical", "surrogate"]

# Label-order dependence documented by the strategies themselves: grid and
# the samples average of coordinate update labels one at a time, in index
# order (Gauss-Seidel), so only their metric is compared after a permutation.
ORDER_DEPENDENT = {"grid": set(METRICS), "coordinate": {"f1_samples"}}


def is_stochastic(name):
    return "random_state" in get_strategy(name).get_params(deep=False)


def tolerance(name, metric):
    """The strategy's declared distance to the exhaustive optimum."""
    declared = getattr(get_strategy(name), "_brute_force_tolerance", 0.0)
    if isinstance(declared, dict):
        return declared[check_metric(metric).average]
    return declared


def value(metric, Y, S, thresholds):
    """Tuning metric of the decisions ``S > thresholds``."""
    return check_metric(metric).score(Y, S > thresholds)


# --- Random problems --------------------------------------------------------------

PROBABILITIES = st.floats(0.0, 1.0)
# Decision scores: any sign, any magnitude a float32 holds (larger ones are
# tested in test_robustness.py).
UNBOUNDED = st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw, min_samples=5, max_samples=40, max_labels=4, degenerate=False):
    """(Y, S): every label has a positive and a negative unless ``degenerate``.

    Scores are probabilities or unbounded decision scores, drawn freely or
    from a small pool of values, so that ties are frequent.
    """
    n = draw(st.integers(min_samples, max_samples))
    n_labels = draw(st.integers(1, max_labels))
    elements = draw(st.sampled_from([PROBABILITIES, UNBOUNDED]))
    if draw(st.booleans()):
        pool = draw(st.lists(elements, min_size=1, max_size=6, unique=True))
        index = draw(
            hnp.arrays(np.int64, (n, n_labels), elements=st.integers(0, len(pool) - 1))
        )
        S = np.asarray(pool, dtype=np.float64)[index]
    else:
        S = draw(hnp.arrays(np.float64, (n, n_labels), elements=elements))
    Y = draw(hnp.arrays(np.bool_, (n, n_labels)))
    Y[0], Y[1] = True, False
    if degenerate:
        j = draw(st.integers(0, n_labels - 1))
        Y[:, j] = draw(st.booleans())
    return Y, S


# Counterexamples found while writing these tests, kept so that they are
# always tried.
# Two scores closer than float32 resolution separate a positive from a
# negative: the exact start (global) separates them, float32 cannot.
# A held label (all positive) makes "nothing positive" the best shared cut of
# the free one: the summary's shared micro cut had no candidate left to refine.
HELD_BEATS_EVERY_CUT = (
    np.array([[1, 1], [1, 0], [1, 0], [1, 0], [1, 0]], dtype=bool),
    np.array([[0.0, -1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]),
)


CLOSE_SCORES = (
    np.array([[1], [0], [1], [0], [0]], dtype=bool),
    np.array([[0.5 + 1e-10], [0.5], [0.9], [0.1], [0.2]]),
)
# Probabilities with exact zeros, best with everything positive (samples F1):
# the threshold just below 0 and the zero scores meet under the logit clip.
ZEROS_ALL_POSITIVE = (
    np.array(
        [[0, 1, 0], [0, 0, 0], [0, 1, 1], [0, 0, 1], [1, 1, 1]]
        + [[0, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 0], [1, 0, 0]],
        dtype=bool,
    ),
    np.array(
        [[14, 0, 1], [2, 4, 11], [4, 1, 14], [5, 14, 4], [11, 11, 9]]
        + [[5, 10, 1], [5, 5, 13], [5, 2, 11], [7, 5, 13], [11, 4, 8]]
    )
    / 16,
)


def brute_force(Y, S, metric):
    """Best metric over every combination of per-label cuts (tiny problems).

    A cut of a label makes its ``k`` highest distinct score levels positive,
    ``k = 0 .. n_levels``; decisions are built from the cuts directly, not
    from thresholds, so no threshold arithmetic is involved.
    """
    metric = check_metric(metric)
    n, n_labels = S.shape
    cuts = []
    for j in range(n_labels):
        levels = np.unique(S[:, j])[::-1]
        top_k = S[None, :, j] >= levels[:, None]
        cuts.append(np.vstack([np.zeros((1, n), dtype=bool), top_k]))
    combos = np.array(list(itertools.product(*[range(len(c)) for c in cuts])))
    D = np.stack([cuts[j][combos[:, j]] for j in range(n_labels)], axis=2)
    axis = 2 if metric.average == "samples" else 1
    tp = np.logical_and(D, Y[None]).sum(axis=axis)
    pp = D.sum(axis=axis)
    pos = np.broadcast_to(Y.sum(axis=axis - 1), tp.shape)
    return float(metric.from_counts(tp, pp, pos).max())


def brute_force_shared(Y, S, metric):
    """Best metric over every threshold shared by all labels."""
    levels = np.unique(S)[::-1]
    D = np.concatenate(
        [np.zeros((1,) + S.shape, dtype=bool), S >= levels[:, None, None]]
    )
    metric = check_metric(metric)
    return max(metric.score(Y, d) for d in D)


def start_value(name, Y, S, metric):
    """Tuning metric of the documented starting point of a strategy."""
    if name == "coordinate" and check_metric(metric).average == "samples":
        # The samples average starts from the micro-optimal thresholds.
        micro = FBeta(check_metric(metric).beta, "micro")
        return value(metric, Y, S, learn_thresholds(Y, S, strategy=name, metric=micro))
    # init="global" (surrogate, grid, heuristic, numerical); for micro and macro,
    # coordinate ascent is exact, so at least as good as any shared threshold.
    return value(metric, Y, S, learn_thresholds(Y, S, strategy="global", metric=metric))


# --- Output, determinism, decisions -------------------------------------------


@pytest.mark.parametrize("name", STRATEGIES)
@given(problem=problems(), metric=st.sampled_from(METRICS))
def test_finite_float64_deterministic_and_in_label_order(name, problem, metric):
    Y, S = problem
    thresholds = make_strategy(name).optimize(Y, S, metric)
    assert isinstance(thresholds, np.ndarray)
    assert thresholds.dtype == np.float64
    assert thresholds.shape == (S.shape[1],)
    assert np.isfinite(thresholds).all()
    # Same parameters and random_state: identical thresholds, bit for bit.
    assert_array_equal(make_strategy(name).optimize(Y, S, metric), thresholds)
    decisions = apply_thresholds(S, thresholds)
    assert decisions.shape == Y.shape
    for j in range(S.shape[1]):
        assert_array_equal(decisions[:, j], (S[:, j] > thresholds[j]).astype(np.int64))
    reverse = np.arange(S.shape[1])[::-1]
    assert_array_equal(
        apply_thresholds(S[:, reverse], thresholds[reverse]), decisions[:, reverse]
    )


# --- Bounds: the exhaustive optimum above, the start below --------------------


@pytest.mark.parametrize("name", STRATEGIES)
@given(
    problem=problems(min_samples=5, max_samples=7, max_labels=3),
    metric=st.sampled_from(METRICS),
)
def test_never_above_the_exhaustive_optimum(name, problem, metric):
    Y, S = problem
    best = brute_force(Y, S, metric)
    thresholds = make_strategy(name).optimize(Y, S, metric)
    assert value(metric, Y, S, thresholds) <= best + 1e-12
    if name == "global":
        assert value(metric, Y, S, thresholds) == pytest.approx(
            brute_force_shared(Y, S, metric), abs=1e-12
        )
    if name == "coordinate" and check_metric(metric).average != "samples":
        # Declared exact for micro and macro averages (tolerance 0).
        assert value(metric, Y, S, thresholds) == pytest.approx(best, abs=1e-12)


@pytest.mark.parametrize("name", KEEPS_BEST)
@given(problem=problems(), metric=st.sampled_from(METRICS))
@example(problem=CLOSE_SCORES, metric="f1_micro")
@example(problem=ZEROS_ALL_POSITIVE, metric="f1_samples")
def test_never_below_the_start(name, problem, metric):
    Y, S = problem
    thresholds = make_strategy(name).optimize(Y, S, metric)
    assert value(metric, Y, S, thresholds) >= start_value(name, Y, S, metric) - 1e-12


@pytest.mark.parametrize("name", STRATEGIES)
@given(problem=problems(), metric=st.sampled_from(METRICS))
@example(problem=CLOSE_SCORES, metric="f1_micro")
@example(problem=ZEROS_ALL_POSITIVE, metric="f1_samples")
def test_objective_is_the_metric_of_the_returned_thresholds(name, problem, metric):
    Y, S = problem
    strategy = make_strategy(name)
    thresholds = strategy.optimize(Y, S, metric)
    if hasattr(strategy, "objective_"):
        assert strategy.objective_ == pytest.approx(
            value(metric, Y, S, thresholds), abs=1e-12
        )


# --- Degenerate labels, generated on purpose ------------------------------------


@pytest.mark.parametrize("name", STRATEGIES)
@given(problem=problems(degenerate=True), metric=st.sampled_from(METRICS))
@example(problem=HELD_BEATS_EVERY_CUT, metric="f1_micro")
def test_degenerate_labels_get_the_shared_threshold(name, problem, metric):
    Y, S = problem
    strategy = make_strategy(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thresholds = strategy.optimize(Y, S, metric)
    categories = {w.category for w in caught}
    assert categories <= {DegenerateLabelWarning}
    assert np.isfinite(thresholds).all() and thresholds.shape == (S.shape[1],)
    if strategy._threshold_kind != "fixed":
        assert categories == {DegenerateLabelWarning}
        n_pos = Y.sum(axis=0)
        no_positive, no_negative = n_pos == 0, n_pos == Y.shape[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            shared = learn_thresholds(Y, S, strategy="global", metric=metric)
        assert_array_equal(thresholds[no_positive], shared[no_positive])
        if strategy._threshold_kind == "per_label":
            # Every sample positive, as in the tuning data.
            assert (S[:, no_negative] > thresholds[no_negative]).all()
        else:
            assert_array_equal(thresholds[no_negative], shared[no_negative])


def _degenerate_case(Y, eighths):
    return np.array(Y, dtype=bool), np.array(eighths) / 8


# Cases where a strategy, micro F1, ends below the best shared threshold once
# its degenerate label (last column) is given the shared threshold.
DEGENERATE_BELOW_START = {
    "coordinate": _degenerate_case(
        [[1, 0], [1, 0], [0, 0], [0, 0], [0, 0]],
        [[2, 5], [5, 5], [3, 4], [4, 1], [0, 0]],
    ),
    "grid": _degenerate_case(
        [[1, 0], [0, 0], [1, 0], [0, 0], [1, 0]],
        [[6, 3], [1, 6], [1, 6], [3, 6], [4, 5]],
    ),
    "heuristic": _degenerate_case(
        [[1, 0], [0, 0], [0, 0], [0, 0], [1, 0]],
        [[5, 4], [5, 3], [2, 6], [5, 0], [6, 2]],
    ),
    "surrogate": _degenerate_case(
        [[1, 1, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [1, 0, 0]],
        [[5, 7, 4], [1, 5, 1], [2, 5, 5], [4, 5, 0], [3, 0, 1], [4, 3, 0]],
    ),
}


# Numerical gradients start from 0.5, not from the shared threshold that the
# degenerate labels end with, so their start is not a point of the result's
# kind; they are left out here.
# Rare labels are held at the shared threshold *while* the others are
# optimized (their counts are constants of the metric), so the result is
# never below the all-shared start. These examples ended below it when the
# fill came after the optimization. The samples average of coordinate starts
# elsewhere (the micro optimum), so it is left out.
@pytest.mark.parametrize("name", ["coordinate", "grid", "heuristic", "surrogate"])
@given(problem=problems(degenerate=True), metric=st.sampled_from(METRICS))
@example(problem=DEGENERATE_BELOW_START["coordinate"], metric="f1_micro")
@example(problem=DEGENERATE_BELOW_START["grid"], metric="f1_micro")
@example(problem=DEGENERATE_BELOW_START["heuristic"], metric="f1_micro")
@example(problem=DEGENERATE_BELOW_START["surrogate"], metric="f1_micro")
def test_degenerate_labels_never_below_the_shared_start(name, problem, metric):
    assume(not (name == "coordinate" and metric == "f1_samples"))
    # The start (the best shared threshold) already gives degenerate labels
    # the shared threshold, as the result must; ending below it breaks the
    # promise of never ending below the start.
    Y, S = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        thresholds = make_strategy(name).optimize(Y, S, metric)
        start = start_value(name, Y, S, metric)
    assert value(metric, Y, S, thresholds) >= start - 1e-12


# --- Label permutations -------------------------------------------------------------


@pytest.mark.parametrize("name", STRATEGIES)
@given(problem=problems(), metric=st.sampled_from(METRICS), data=st.data())
def test_permuting_labels_permutes_thresholds(name, problem, metric, data):
    Y, S = problem
    perm = np.array(data.draw(st.permutations(range(S.shape[1]))), dtype=np.int64)
    thresholds = make_strategy(name).optimize(Y, S, metric)
    permuted = make_strategy(name).optimize(Y[:, perm], S[:, perm], metric)
    if is_stochastic(name) or metric in ORDER_DEPENDENT.get(name, ()):
        # The random draws (or the order of the label updates) follow the
        # label index: only the metric is comparable, within the strategy's
        # declared distance to the optimum.
        difference = value(metric, Y, S, thresholds) - value(
            metric, Y[:, perm], S[:, perm], permuted
        )
        assert abs(difference) <= tolerance(name, metric) + 1e-12
    else:
        assert_array_equal(permuted, thresholds[perm])


# --- Increasing maps of the scores --------------------------------------------------


def cubic(s):
    return s**3 + 2 * s


@pytest.mark.parametrize("name", ["global", "coordinate"])
@given(problem=problems(), metric=st.sampled_from(METRICS))
def test_exact_strategies_ignore_increasing_maps(name, problem, metric):
    Y, S = problem
    transform = np.exp if np.abs(S).max() < 700 else cubic
    with np.errstate(under="ignore"):
        T = transform(S)
    # In floating point, an increasing map can merge two close scores.
    assume(np.unique(T).size == np.unique(S).size)
    before = apply_thresholds(S, learn_thresholds(Y, S, strategy=name, metric=metric))
    after = apply_thresholds(T, learn_thresholds(Y, T, strategy=name, metric=metric))
    assert_array_equal(after, before)
