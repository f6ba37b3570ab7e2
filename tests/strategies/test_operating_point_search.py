"""Operating points in strategies: brute force per label, pooled, shared; inputs."""

import functools
import itertools
import math
import warnings

import dask.array as da
import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from numpy.testing import assert_array_equal
from scipy.optimize import minimize_scalar
from scipy.stats import binomtest

from skthresh import ScoreSummary, UnreachableFloorWarning, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    Utility,
    check_metric,
)
from skthresh.strategies import (
    CoordinateAscent,
    available_strategies,
    get_strategy,
)
from skthresh.strategies._operating_micro import _halves

FLOORS = [0.5, 0.75, 0.9]


def problems(max_samples=10, max_labels=3):
    """Small integer-valued score matrices (many ties) with random labels."""

    @st.composite
    def problem(draw):
        n = draw(st.integers(1, max_samples))
        L = draw(st.integers(1, max_labels))
        Y = draw(hnp.arrays(np.int64, (n, L), elements=st.integers(0, 1)))
        S = draw(hnp.arrays(np.int64, (n, L), elements=st.integers(0, 5)))
        return Y, S.astype(np.float64) / 5.0

    return problem()


def lower_bound(k, m, confidence):
    """Clopper-Pearson one-sided lower bound from scipy's exact interval."""
    if k == 0 or m == 0:
        return 0.0
    ci = binomtest(int(k), int(m)).proportion_ci(
        confidence_level=2 * confidence - 1, method="exact"
    )
    return ci.low


def holds(k, m, floor, confidence):
    if m == 0 or k / m < floor:
        return False
    return confidence is None or lower_bound(k, m, confidence) >= floor


@functools.cache
def first_tested(floor, confidence):
    """Fewest predictions where a precision halfway to 1 clears the floor."""
    for m in range(1, 10_000):
        if lower_bound(math.ceil(m * (1 + floor) / 2 - 1e-9), m, confidence) >= floor:
            return m
    return math.inf


def walk_down(cuts, floor, confidence):
    """Fixed-sequence testing from the highest cut: the cuts accepted.

    Cuts with fewer predictions than ``first_tested`` are not tested; the
    others are, in order, and the walk stops at the first failure.
    """
    accepted = []
    for cut in cuts:
        if cut[2] < first_tested(floor, confidence):
            continue
        if not holds(cut[1], cut[2], floor, confidence):
            break
        accepted.append(cut)
    return accepted


def label_cuts(y, s):
    """Every cut of one label, highest threshold first: (threshold, tp, pp)."""
    levels = np.unique(s)[::-1]
    cuts = [(levels[0], 0, 0)]  # nothing positive
    for t in list(levels[1:]) + [levels[-1] - 1.0]:
        d = s > t
        cuts.append((t, int((d & (y == 1)).sum()), int(d.sum())))
    return cuts


def brute_label(y, s, metric):
    """The issue's per-label rule by exhaustive search; (decisions, met)."""
    pos = int(y.sum())
    cuts = label_cuts(y, s)
    if isinstance(metric, Utility):
        g = [metric.tp, metric.fp, metric.fn, metric.tn]
        n = y.size

        def value(c):
            _, tp, pp = c
            return (
                tp * g[0]
                + (pp - tp) * g[1]
                + (pos - tp) * g[2]
                + (n - pos - pp + tp) * g[3]
            )

        best = max(value(c) for c in cuts)
        # Ties: the highest threshold, the first of the list.
        chosen = next(c for c in cuts if value(c) >= best - 1e-9)
        return s > chosen[0], None
    if isinstance(metric, RecallAtPrecision) and metric.confidence is not None:
        ok = walk_down(cuts, metric.floor, metric.confidence)
        key = lambda c: (c[1], -c[2])  # noqa: E731
    elif isinstance(metric, RecallAtPrecision):
        ok = [c for c in cuts if holds(c[1], c[2], metric.floor, metric.confidence)]
        key = lambda c: (c[1], -c[2])  # noqa: E731
    else:
        ok = [c for c in cuts if holds(c[1], pos, metric.floor, metric.confidence)]
        key = lambda c: (c[1] / c[2] if c[2] else 0.0, c[1])  # noqa: E731
    if not ok:
        return np.zeros(s.shape, dtype=bool), False
    return s > max(ok, key=key)[0], True


def learn(Y, S, metric, strategy="coordinate", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreachableFloorWarning)
        obj = get_strategy(strategy)
        return obj.optimize(Y, S, metric, **kwargs), obj


LABEL_METRICS = st.one_of(
    st.builds(
        RecallAtPrecision,
        st.sampled_from(FLOORS),
        confidence=st.sampled_from([None, 0.6, 0.9]),
    ),
    st.builds(
        PrecisionAtRecall,
        st.sampled_from(FLOORS),
        confidence=st.sampled_from([None, 0.6, 0.9]),
    ),
    st.builds(
        Utility,
        tp=st.integers(-2, 3),
        fp=st.integers(-3, 2),
        fn=st.integers(-2, 1),
        tn=st.integers(-1, 2),
    ),
)


@settings(max_examples=150, deadline=None)
@given(problem=problems(), metric=LABEL_METRICS)
def test_label_average_equals_brute_force(problem, metric):
    Y, S = problem
    thresholds, strategy = learn(Y, S, metric, min_positives=0)
    met = []
    for j in range(Y.shape[1]):
        expected, ok = brute_label(Y[:, j], S[:, j], metric)
        assert_array_equal(S[:, j] > thresholds[j], expected)
        met.append(ok)
        if ok is False:  # predicts nothing: at or above its highest score
            assert thresholds[j] >= S[:, j].max()
    if isinstance(metric, Utility):
        assert not hasattr(strategy, "constraint_met_")
        assert strategy.objective_ == pytest.approx(metric.score(Y, S > thresholds))
        return
    assert_array_equal(strategy.constraint_met_, met)
    assert_array_equal(strategy.unreachable_labels_, np.flatnonzero(~np.array(met)))
    assert strategy.objective_ == pytest.approx(metric.score(Y, S > thresholds))


@settings(max_examples=60, deadline=None)
@given(problem=problems(), floor=st.sampled_from(FLOORS))
def test_per_label_utility_gains_equal_brute_force(problem, floor):
    Y, S = problem
    L = Y.shape[1]
    rng = np.random.default_rng(int(S.sum() * 5) + L)
    gains = {c: rng.integers(-3, 4, size=L).astype(float) for c in ("tp", "fp")}
    metric = Utility(**gains, fn=-floor, tn=floor)
    thresholds, _ = learn(Y, S, metric)
    for j in range(L):
        one = Utility(tp=gains["tp"][j], fp=gains["fp"][j], fn=-floor, tn=floor)
        expected, _ = brute_label(Y[:, j], S[:, j], one)
        assert_array_equal(S[:, j] > thresholds[j], expected)


def brute_micro(Y, S, metric):
    """Best pooled objective over every combination of cuts; None if none holds."""
    per_label = [label_cuts(Y[:, j], S[:, j]) for j in range(Y.shape[1])]
    POS = int(Y.sum())
    best = None
    for combo in itertools.product(*per_label):
        TP = sum(c[1] for c in combo)
        PP = sum(c[2] for c in combo)
        if isinstance(metric, RecallAtPrecision):
            if holds(TP, PP, metric.floor, metric.confidence):
                value = TP / POS
            else:
                continue
        elif holds(TP, POS, metric.floor, metric.confidence):
            value = TP / PP if PP else 0.0
        else:
            continue
        best = value if best is None else max(best, value)
    return best


MICRO_METRICS = st.builds(
    lambda cls, floor, confidence: cls(floor, average="micro", confidence=confidence),
    st.sampled_from([RecallAtPrecision, PrecisionAtRecall]),
    st.sampled_from(FLOORS),
    st.sampled_from([None, 0.6]),
)


@settings(max_examples=80, deadline=None)
@given(
    problem=problems(max_samples=7, max_labels=3),
    metric=MICRO_METRICS.filter(lambda metric: metric.confidence is None),
)
def test_micro_average_meets_the_floor_and_the_brute_force_optimum(problem, metric):
    Y, S = problem
    thresholds, strategy = learn(Y, S, metric, min_positives=0)
    best = brute_micro(Y, S, metric)
    D = S > thresholds
    TP, PP, POS = int((D & (Y == 1)).sum()), int(D.sum()), int(Y.sum())
    if best is None:
        assert strategy.constraint_met_ is False
        assert not D.any()
        assert_array_equal(strategy.unreachable_labels_, np.arange(Y.shape[1]))
        return
    assert strategy.constraint_met_ is True
    assert strategy.unreachable_labels_.size == 0
    if isinstance(metric, RecallAtPrecision):
        assert holds(TP, PP, metric.floor, metric.confidence)
    else:
        assert holds(TP, POS, metric.floor, metric.confidence)
    assert strategy.objective_ >= best - 1e-12
    assert strategy.objective_ == pytest.approx(metric.score(Y, D))


def sorted_scores(summary, j):
    """Label ``j``'s scores and 0/1 labels, from a summary, by increasing score."""
    scores = summary.values[j]
    positives = summary.pos_values[summary.pos_start[j] : summary.pos_start[j + 1]]
    y = np.zeros(scores.size, dtype=int)
    for value in np.unique(positives):
        at = np.flatnonzero(scores == value)
        y[at[: int((positives == value).sum())]] = 1
    return scores, y


@settings(max_examples=40, deadline=None)
@given(
    problem=problems(max_samples=30, max_labels=3),
    metric=st.builds(
        lambda cls, floor, confidence: cls(
            floor, average="micro", confidence=confidence
        ),
        st.sampled_from([RecallAtPrecision, PrecisionAtRecall]),
        st.sampled_from([0.3, 0.5, 0.75]),
        st.sampled_from([0.6, 0.9]),
    ),
)
def test_micro_confidence_fits_on_one_half_and_walks_on_the_other(problem, metric):
    Y, S = problem
    thresholds, strategy = learn(Y, S, metric, min_positives=0)
    fit, held = _halves(ScoreSummary(Y, S))
    n = Y.shape[0]
    assert (fit.n_samples, held.n_samples) == (n // 2, n - n // 2)
    for j in range(Y.shape[1]):
        # The halves split each label's samples: the scores and labels of
        # both, together, are the label's.
        parts = [sorted_scores(half, j) for half in (fit, held)]
        scores = np.concatenate([part[0] for part in parts])
        y = np.concatenate([part[1] for part in parts])
        together = sorted(zip(scores, y, strict=True))
        assert together == sorted(zip(S[:, j], Y[:, j], strict=True))
    # The walk: internal floors from halfway to 1 down to the floor, each
    # fitted on one half without confidence, tested pooled on the other.
    expected = None
    if n >= 2:
        for k in range(20, -1, -1):
            inner = type(metric)(
                metric.floor + (1 - metric.floor) * k / 40, average="micro"
            )
            fitted, inner_strategy = learn(fit, None, inner, min_positives=0)
            if not inner_strategy.constraint_met_:
                break
            D = []
            for j in range(Y.shape[1]):
                scores, y = sorted_scores(held, j)
                D.append((scores > fitted[j], y))
            TP = sum(int((d & (y == 1)).sum()) for d, y in D)
            PP = sum(int(d.sum()) for d, y in D)
            POS = sum(int(y.sum()) for d, y in D)
            k_, m_ = (TP, PP) if isinstance(metric, RecallAtPrecision) else (TP, POS)
            if not holds(k_, m_, metric.floor, metric.confidence):
                break
            expected = fitted
    if expected is None:
        assert strategy.constraint_met_ is False
        assert not (S > thresholds).any()
        assert_array_equal(strategy.unreachable_labels_, np.arange(Y.shape[1]))
        return
    assert strategy.constraint_met_ is True
    assert_array_equal(thresholds, expected)
    assert strategy.objective_ == pytest.approx(metric.score(Y, S > thresholds))


def brute_shared(Y, S, metric):
    """The best shared threshold's objective by exhaustive search."""
    levels = np.unique(S)[::-1]
    candidates = [levels[0], *levels[1:], levels[-1] - 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reachable = np.array(
            [brute_label(Y[:, j], S[:, j], metric)[1] for j in range(Y.shape[1])]
        )
    best = None
    # With confidence, a precision floor is a walk down the thresholds that
    # stops (pooled, or per label) at the first tested failure.
    walk = isinstance(metric, RecallAtPrecision) and metric.confidence is not None
    first = first_tested(metric.floor, metric.confidence) if walk else 0
    stopped = np.zeros(Y.shape[1] + 1, dtype=bool)  # per label, then pooled

    def passes(k, m, where):
        if not walk:
            return holds(k, m, metric.floor, metric.confidence)
        if m < first or stopped[where]:
            return False
        stopped[where] = not holds(k, m, metric.floor, metric.confidence)
        return not stopped[where]

    for t in candidates:
        D = S > t
        tp, pp, pos = (D & (Y == 1)).sum(0), D.sum(0), Y.sum(0)
        if isinstance(metric, Utility):
            ok = True
        elif metric.average == "micro" and isinstance(metric, RecallAtPrecision):
            ok = passes(tp.sum(), pp.sum(), -1)
        elif metric.average == "micro":
            ok = holds(tp.sum(), pos.sum(), metric.floor, metric.confidence)
        elif isinstance(metric, RecallAtPrecision):
            # Every label's walk moves on, reachable or not.
            verdict = [pp[j] == 0 or passes(tp[j], pp[j], j) for j in range(len(pp))]
            ok = all(verdict[j] for j in np.flatnonzero(reachable))
        else:
            ok = all(
                holds(tp[j], pos[j], metric.floor, metric.confidence)
                for j in np.flatnonzero(reachable)
            )
        if ok:
            # A precision objective breaks ties by recall.
            value = (round(metric.score(Y, D), 12), 0.0)
            if isinstance(metric, PrecisionAtRecall):
                value = (value[0], round(recall_of(metric, Y, D), 12))
            best = value if best is None else max(best, value)
    return best


def recall_of(metric, Y, D):
    return RecallAtPrecision(0.5, average=metric.average).score(Y, D)


SHARED_METRICS = st.one_of(LABEL_METRICS, MICRO_METRICS)


@settings(max_examples=120, deadline=None)
@given(problem=problems(), metric=SHARED_METRICS)
def test_global_equals_brute_force_over_shared_thresholds(problem, metric):
    Y, S = problem
    thresholds, strategy = learn(Y, S, metric, strategy="global", min_positives=0)
    assert np.unique(thresholds).size == 1
    best = brute_shared(Y, S, metric)
    if best is None:
        assert not (S > thresholds).any()
        assert strategy.constraint_met_ is False
        return
    assert strategy.objective_ == pytest.approx(best[0], abs=1e-9)
    assert strategy.objective_ == pytest.approx(metric.score(Y, S > thresholds))
    if isinstance(metric, PrecisionAtRecall):
        recall = recall_of(metric, Y, S > thresholds)
        assert recall == pytest.approx(best[1], abs=1e-9)


def test_min_positives_labels_predict_nothing_and_are_named():
    Y = np.array([[1, 1], [1, 0], [0, 0], [1, 0], [0, 0]])
    S = np.array([[0.9, 0.8], [0.8, 0.1], [0.1, 0.2], [0.7, 0.3], [0.2, 0.4]])
    strategy = CoordinateAscent()
    with pytest.warns(UnreachableFloorWarning, match="label indices 1 have fewer"):
        thresholds = strategy.optimize(Y, S, "recall@precision=0.9", min_positives=2)
    assert thresholds[1] >= S[:, 1].max()
    assert_array_equal(S[:, 0] > thresholds[0], Y[:, 0] == 1)
    assert_array_equal(strategy.constraint_met_, [True, False])
    assert_array_equal(strategy.unreachable_labels_, [1])
    # With min_positives=1 the single positive is enough: 1/1 >= 0.9.
    thresholds = strategy.optimize(Y, S, "recall@precision=0.9", min_positives=1)
    assert_array_equal(strategy.constraint_met_, [True, True])
    assert_array_equal(S[:, 1] > thresholds[1], Y[:, 1] == 1)


def test_unreachable_warning_names_labels():
    Y = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 0]])
    S = np.array([[0.9, 0.2, 0.5], [0.3, 0.1, 0.1], [0.6, 0.5, 0.4], [0.2, 0.7, 0.3]])
    match = "no cut of label indices 1, 2 meets"
    with pytest.warns(UnreachableFloorWarning, match=match):
        thresholds = learn_thresholds(
            Y, S, metric="recall@precision=0.9", strategy="coordinate"
        )
    assert thresholds[1] >= S[:, 1].max()


def test_no_positive_label_is_unreachable_not_degenerate():
    Y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    S = np.array([[0.9, 0.2], [0.3, 0.7], [0.6, 0.5], [0.2, 0.1]])
    strategy = CoordinateAscent()
    with pytest.warns(UnreachableFloorWarning, match="no cut of label indices 1 m"):
        thresholds = strategy.optimize(Y, S, "precision@recall=0.5")
    assert thresholds[1] >= 0.7
    assert_array_equal(strategy.unreachable_labels_, [1])


@pytest.mark.parametrize("strategy", ["coordinate", "global"])
def test_per_label_utility_needs_one_gain_per_label(strategy):
    Y, S = make_tagging_scores(50, 3, random_state=0)
    with pytest.raises(ValueError, match="fp has 2 per-label values; the data has 3"):
        get_strategy(strategy).optimize(Y, S, Utility(fp=[-1.0, -2.0]))


@pytest.mark.parametrize("confidence", [None, 0.9])
def test_micro_floor_holds_labels_with_few_positives_out(confidence):
    Y, S = make_tagging_scores(400, 6, random_state=1)
    Y = np.asarray(Y).copy()
    Y[:, 2] = 0
    Y[:3, 2] = 1  # three positives
    strategy = CoordinateAscent()
    metric = RecallAtPrecision(0.7, average="micro", confidence=confidence)
    with pytest.warns(UnreachableFloorWarning, match="label indices 2 have fewer"):
        thresholds = strategy.optimize(Y, S, metric, min_positives=5)
    assert thresholds[2] >= S[:, 2].max()
    assert_array_equal(strategy.unreachable_labels_, [2])
    assert strategy.constraint_met_ is True
    assert metric.constraint_met(Y, S > thresholds)


@pytest.mark.parametrize(
    "metric",
    ["recall@precision=0.6", "precision@recall=0.9:micro", "utility:tp=1,fp=-2"],
)
def test_refusals_name_the_capable_strategies(metric):
    capable = available_strategies("operating_points")
    assert capable == ["coordinate", "global"]
    Y, S = make_tagging_scores(50, 3, random_state=0)
    for name in sorted(set(available_strategies()) - set(capable)):
        with pytest.raises(ValueError) as excinfo:
            get_strategy(name).optimize(Y, S, metric)
        message = str(excinfo.value)
        assert check_metric(metric).name in message
        assert ", ".join(repr(c) for c in capable) in message


# -- the same thresholds from every input ------------------------------------


@pytest.fixture(scope="module")
def tagging():
    Y, S = make_tagging_scores(600, 12, random_state=3)
    S = S.copy()
    S[S < 0.05] = 0  # sparse enough for a sparse matrix
    return Y, S


@pytest.mark.parametrize(
    "metric",
    [
        "recall@precision=0.8",
        "recall@precision=0.8:micro:confidence=0.9",
        "precision@recall=0.7:confidence=0.95",
        "precision@recall=0.7:micro",
        "utility:tp=2,fp=-1,fn=0,tn=0.5",
    ],
)
@pytest.mark.parametrize("strategy", ["coordinate", "global"])
def test_same_thresholds_from_every_input(tagging, tmp_path, metric, strategy):
    Y, S = tagging

    def run(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnreachableFloorWarning)
            return learn_thresholds(*args, strategy=strategy, metric=metric)

    expected = run(Y, S)
    np.save(tmp_path / "Y.npy", np.asarray(Y))
    np.save(tmp_path / "S.npy", S)
    chunks = [(Y[a:b], S[a:b]) for a, b in [(0, 100), (100, 101), (101, 600)]]
    inputs = {
        "summary": (ScoreSummary(Y, S),),
        "sparse": (sp.csr_matrix(Y), sp.csr_matrix(S)),
        "memmap": (
            np.load(tmp_path / "Y.npy", mmap_mode="r"),
            np.load(tmp_path / "S.npy", mmap_mode="r"),
        ),
        "chunks": (ScoreSummary.from_chunks(chunks),),
        "dask": (
            da.from_array(np.asarray(Y), chunks=(97, 5)),
            da.from_array(S, chunks=(97, 5)),
        ),
    }
    for name, args in inputs.items():
        if len(args) == 1:
            args = (args[0], None)
        assert_array_equal(run(*args), expected, err_msg=name)


# -- pooled: a Lagrangian reference at scale ----------------------------------


def lagrangian_bound(Y, S, floor):
    """Upper bound of the pooled recall at a precision floor (weak duality).

    Written from scratch: each label's counts at every cut from its own
    sort, the dual function minimized by scipy over the multiplier.
    """
    tps, pps = [], []
    for j in range(S.shape[1]):
        order = np.argsort(-S[:, j], kind="stable")
        s, y = S[order, j], Y[order, j]
        ends = np.flatnonzero(np.append(s[1:] != s[:-1], True)) + 1
        tps.append(np.concatenate([[0], np.cumsum(y)[ends - 1]]))
        pps.append(np.concatenate([[0], ends]))

    def dual(lam):
        return sum(
            float(np.max(tp + lam * (tp - floor * pp)))
            for tp, pp in zip(tps, pps, strict=True)
        )

    res = minimize_scalar(
        dual, bounds=(0.0, 1e4), method="bounded", options={"xatol": 1e-9}
    )
    grid = min(dual(lam) for lam in np.geomspace(1e-3, 1e4, 60))
    return min(res.fun, grid) / Y.sum()


def test_micro_within_a_tenth_of_a_point_of_the_lagrangian_bound():
    Y, S = make_tagging_scores(10_000, 200, random_state=0)
    Y = np.asarray(Y)
    floor = 0.8
    metric = RecallAtPrecision(floor, average="micro")
    thresholds, strategy = learn(Y, S, metric)
    D = S > thresholds
    TP, PP = int((D & (Y == 1)).sum()), int(D.sum())
    assert TP / PP >= floor
    recall = TP / Y.sum()
    bound = lagrangian_bound(Y, S, floor)
    assert recall <= bound + 1e-9
    assert recall >= bound - 0.001


@pytest.mark.parametrize("strategy", ["coordinate", "global"])
@pytest.mark.parametrize(
    "metric",
    ["recall@precision=0.5", "precision@recall=0.5", "precision@recall=0.5:micro"],
)
def test_no_positive_anywhere_predicts_nothing(strategy, metric):
    Y = np.zeros((6, 2), dtype=int)
    S = np.linspace(0, 1, 12).reshape(6, 2)
    with pytest.warns(UnreachableFloorWarning):
        thresholds = get_strategy(strategy).optimize(Y, S, metric)
    assert not (S > thresholds).any()


@pytest.mark.parametrize("strategy", ["coordinate", "global"])
def test_confidence_walk_stops_at_the_first_failure(strategy):
    # From the top: two positives, three negatives (a dip: precision 2/5),
    # then six positives, where the precision (8/11) and its bound are back
    # above the floor. The walk stops at the dip and keeps the top two.
    y = np.array([1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    s = np.linspace(1.0, 0.0, y.size)
    Y, S = y[:, None], s[:, None]
    metric = RecallAtPrecision(0.5, confidence=0.6)
    assert first_tested(0.5, 0.6) <= 2
    assert holds(2, 2, 0.5, 0.6) and not holds(2, 5, 0.5, 0.6)
    assert holds(8, 11, 0.5, 0.6)  # a bound at the lower cut alone would pass
    thresholds, fitted = learn(Y, S, metric, strategy=strategy)
    assert_array_equal(S[:, 0] > thresholds[0], np.arange(y.size) < 2)
    assert_array_equal(fitted.constraint_met_, [True])
