"""Operating-point and utility metrics: values against scikit-learn, names, errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from _problems import random_indicator_case
from numpy.testing import assert_array_equal
from scipy.stats import binomtest
from sklearn.metrics import multilabel_confusion_matrix, precision_score, recall_score

import skthresh
from skthresh.metrics import (
    FBeta,
    PrecisionAtRecall,
    RecallAtPrecision,
    UnreachableFloorWarning,
    Utility,
    check_metric,
)
from skthresh.metrics._operating_points import lower_confidence_bound

SHAPES = [(1, 1), (5, 1), (1, 4), (7, 3), (30, 5), (12, 8)]
SK_AVERAGE = {"label": "macro", "micro": "micro"}


def _sk(score, Y_true, Y_pred, average):
    """scikit-learn's score of a multi-label indicator pair (zero_division=0)."""
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    # A zero column appended to both keeps scikit-learn from reading one
    # column as a binary target; ``labels`` keeps it out of the average.
    pad = np.zeros((Y_true.shape[0], 1), dtype=Y_true.dtype)
    labels = list(range(Y_true.shape[1]))
    return score(
        np.hstack([Y_true, pad]),
        np.hstack([Y_pred, pad]),
        labels=labels,
        average=SK_AVERAGE[average],
        zero_division=0,
    )


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("average", ["label", "micro"])
def test_floor_metric_values_match_sklearn(seed, average):
    Y_true, Y_pred = random_indicator_case(seed, SHAPES)
    rap = RecallAtPrecision(0.5, average=average)
    par = PrecisionAtRecall(0.5, average=average)
    assert rap.score(Y_true, Y_pred) == pytest.approx(
        _sk(recall_score, Y_true, Y_pred, average), abs=1e-12
    )
    assert par.score(Y_true, Y_pred) == pytest.approx(
        _sk(precision_score, Y_true, Y_pred, average), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("floor", [0.25, 0.5, 0.9, 1.0])
def test_constraint_met_matches_sklearn(seed, floor):
    Y_true, Y_pred = random_indicator_case(seed, SHAPES)
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    L = Y_true.shape[1]
    pred, pos = Y_pred.sum(0), Y_true.sum(0)
    per_precision = np.array(
        [
            _sk(precision_score, Y_true[:, [j]], Y_pred[:, [j]], "label")
            for j in range(L)
        ]
    )
    per_recall = np.array(
        [_sk(recall_score, Y_true[:, [j]], Y_pred[:, [j]], "label") for j in range(L)]
    )
    met = RecallAtPrecision(floor).constraint_met(Y_true, Y_pred)
    assert met.dtype == bool and met.shape == (L,)
    # A label that predicts nothing has no precision to meet a floor with.
    assert_array_equal(met, (pred > 0) & (per_precision >= floor))
    met = PrecisionAtRecall(floor).constraint_met(Y_true, Y_pred)
    assert_array_equal(met, (pos > 0) & (per_recall >= floor))
    micro = RecallAtPrecision(floor, average="micro").constraint_met(Y_true, Y_pred)
    assert micro is bool(
        pred.sum() > 0 and _sk(precision_score, Y_true, Y_pred, "micro") >= floor
    )
    micro = PrecisionAtRecall(floor, average="micro").constraint_met(Y_true, Y_pred)
    assert micro is bool(
        pos.sum() > 0 and _sk(recall_score, Y_true, Y_pred, "micro") >= floor
    )


def test_floor_metrics_accept_sparse_and_one_column():
    Y_true = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    Y_pred = np.array([[1, 1], [0, 1], [0, 1], [1, 0]])
    metric = RecallAtPrecision(0.6)
    assert metric.score(sp.csr_matrix(Y_true), sp.csr_matrix(Y_pred)) == (
        metric.score(Y_true, Y_pred)
    )
    assert metric.score(Y_true[:, 0], Y_pred[:, 0]) == 0.5


@pytest.mark.parametrize("seed", range(24))
def test_utility_matches_confusion_matrix(seed):
    Y_true, Y_pred = random_indicator_case(seed, SHAPES)
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    n, L = Y_true.shape
    rng = np.random.default_rng(seed)
    gains = {c: rng.normal(size=L) for c in ("tp", "fp", "fn", "tn")}
    shared = {c: float(v[0]) for c, v in gains.items()}
    # multilabel_confusion_matrix: [[tn, fp], [fn, tp]] per label; a zero
    # column keeps one column from being read as a binary target.
    pad = np.zeros((n, 1), dtype=Y_true.dtype)
    cm = multilabel_confusion_matrix(
        np.hstack([Y_true, pad]), np.hstack([Y_pred, pad]), labels=list(range(L))
    )
    cells = {"tn": cm[:, 0, 0], "fp": cm[:, 0, 1], "fn": cm[:, 1, 0], "tp": cm[:, 1, 1]}
    for g in (gains, shared):
        expected = sum((cells[c] * g[c]).sum() for c in cells) / n
        assert Utility(**g).score(Y_true, Y_pred) == pytest.approx(expected, abs=1e-12)


def test_utility_default_is_tp_minus_fp_per_sample():
    Y_true = np.array([[1, 0], [1, 1], [0, 1]])
    Y_pred = np.array([[1, 1], [0, 1], [1, 1]])
    # tp = 1 + 2, fp = 1 + 1
    assert Utility().score(Y_true, Y_pred) == pytest.approx((3 - 2) / 3)


def test_utility_per_label_length_is_checked():
    metric = Utility(tp=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="tp has 3 per-label values; the data has 2"):
        metric.score([[1, 0]], [[1, 1]])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("recall@precision=0.9", RecallAtPrecision(0.9)),
        ("recall@precision=0.9:label", RecallAtPrecision(0.9)),
        ("recall@precision=0.9:micro", RecallAtPrecision(0.9, average="micro")),
        (
            "recall@precision=0.9:confidence=0.95",
            RecallAtPrecision(0.9, confidence=0.95),
        ),
        (
            "recall@precision=.75:micro:confidence=0.99",
            RecallAtPrecision(0.75, average="micro", confidence=0.99),
        ),
        ("precision@recall=0.8", PrecisionAtRecall(0.8)),
        ("precision@recall=1:micro", PrecisionAtRecall(1.0, average="micro")),
        (
            "precision@recall=0.8:label:confidence=0.9",
            PrecisionAtRecall(0.8, confidence=0.9),
        ),
        ("utility:tp=1,fp=-5,fn=0,tn=0", Utility(tp=1, fp=-5, fn=0, tn=0)),
        ("utility:fp=-5", Utility(fp=-5)),
        ("utility:tn=0.5,tp=2e0", Utility(tp=2, tn=0.5)),
        ("utility:tp=[1,2.5,-3]", Utility(tp=[1, 2.5, -3])),
        ("utility", Utility()),
    ],
)
def test_check_metric_parses_operating_points(name, expected):
    metric = check_metric(name)
    assert metric == expected and hash(metric) == hash(expected)
    assert type(metric) is type(expected)
    # The canonical name round-trips, and the repr shows the parameters.
    assert check_metric(metric.name) == metric
    assert type(metric).__name__ in repr(metric)


@pytest.mark.parametrize(
    "metric",
    [
        RecallAtPrecision(0.123456789, average="micro", confidence=0.975),
        PrecisionAtRecall(1.0),
        Utility(tp=[0.1, 0.2], fp=-1e-5, fn=-3.0, tn=[7.0, 8.0]),
        FBeta(2.0, "samples"),
    ],
)
def test_names_round_trip_exactly(metric):
    assert check_metric(metric.name) == metric
    assert check_metric(metric) is metric


def test_equality_distinguishes_metrics():
    assert RecallAtPrecision(0.9) != PrecisionAtRecall(0.9)
    assert RecallAtPrecision(0.9) != RecallAtPrecision(0.9, average="micro")
    assert RecallAtPrecision(0.9) != RecallAtPrecision(0.9, confidence=0.95)
    assert RecallAtPrecision(0.9) != RecallAtPrecision(0.8)
    assert Utility(tp=[1.0, 1.0]) != Utility(tp=1.0)
    assert Utility() != FBeta()
    assert len({RecallAtPrecision(0.9), RecallAtPrecision(0.9), Utility()}) == 2
    assert RecallAtPrecision(0.9).min_precision == 0.9
    assert PrecisionAtRecall(0.7).min_recall == 0.7


@pytest.mark.parametrize(
    "bad",
    [
        "recall@precision",
        "recall@precision=",
        "recall@precision=0.9:macro",
        "recall@precision=0.9:samples",
        "recall@precision=0.9:micro:label",
        "recall@precision=0.9:confidence",
        "recall@precision=0.9:confidence=0.95:micro",
        "precision@precision=0.9",
        "recall@recall=0.9",
        "recall@precision=abc",
        "recall @precision=0.9",
        "utility:tp",
        "utility:tp=1,,fp=2",
        "utility:tp=1,",
        "utility:tp=1,tp=2",
        "utility:gain=1",
        "utility:tp=[1,a]",
        "utility:tp=1;fp=2",
        "Utility:tp=1",
    ],
)
def test_check_metric_rejects_bad_spellings(bad):
    with pytest.raises(ValueError) as excinfo:
        check_metric(bad)
    message = str(excinfo.value)
    for form in (
        "'f1_micro'",
        "'f<beta>_<average>'",
        "'recall@precision=<floor>'",
        "'precision@recall=<floor>'",
        "':micro'",
        "':confidence=<level>'",
        "'utility:tp=<gain>,fp=<gain>,fn=<gain>,tn=<gain>'",
        "RecallAtPrecision",
        "Utility",
    ):
        assert form in message
    assert f"metric={bad!r}" in message


@pytest.mark.parametrize(
    "name, match",
    [
        ("recall@precision=0", r"min_precision must be a real number in \(0, 1\]"),
        ("recall@precision=1.5", r"min_precision must be a real number in \(0, 1\]"),
        ("precision@recall=-0.1", r"min_recall must be a real number in \(0, 1\]"),
        ("recall@precision=0.9:confidence=1", r"confidence must be None or"),
        ("recall@precision=0.9:confidence=0", r"confidence must be None or"),
        ("utility:tp=1e400", "tp must be finite"),
    ],
)
def test_out_of_range_values_name_the_parameter(name, match):
    with pytest.raises(ValueError, match=match):
        check_metric(name)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: RecallAtPrecision(0.9, average="macro"), "average must be one of"),
        (lambda: RecallAtPrecision(True), "min_precision must be a real number"),
        (lambda: PrecisionAtRecall("0.5"), "min_recall must be a real number"),
        (lambda: RecallAtPrecision(0.9, confidence=True), "confidence must be"),
        (lambda: Utility(tp=np.nan), "tp must be finite"),
        (lambda: Utility(fp=[[1.0]]), "fp must be a real number or a 1-D array"),
        (lambda: Utility(fn="a"), "fn must be a real number or a 1-D array"),
        (lambda: Utility(tn=[]), "tn must be a real number or a 1-D array"),
    ],
)
def test_constructors_validate(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("confidence", [0.5, 0.9, 0.95, 0.99])
def test_lower_bound_is_clopper_pearson(confidence):
    """The bound is scipy's exact one-sided interval, and covers the ratio."""
    for k, m in [(0, 5), (1, 1), (3, 10), (9, 10), (10, 10), (45, 50), (0, 0)]:
        bound = lower_confidence_bound(k, m, confidence)
        if m == 0 or k == 0:
            assert bound == 0.0
            continue
        ci = binomtest(k, m).proportion_ci(confidence_level=confidence, method="exact")
        # The two-sided exact interval at level 2c - 1 has the one-sided
        # bound at level c as its lower end.
        two_sided = binomtest(k, m).proportion_ci(
            confidence_level=2 * confidence - 1, method="exact"
        )
        assert bound == pytest.approx(two_sided.low, rel=1e-9, abs=1e-12)
        assert bound <= k / m and bound >= ci.low - 1e-12


def test_holds_uses_the_bound_only_with_confidence():
    plain = RecallAtPrecision(0.9)
    sure = RecallAtPrecision(0.9, confidence=0.95)
    tp, pp = np.array([9, 90, 900, 0]), np.array([10, 100, 1000, 0])
    assert_array_equal(plain.holds(tp, pp, 0), [True, True, True, False])
    expected = lower_confidence_bound(tp, pp, 0.95) >= 0.9
    assert_array_equal(sure.holds(tp, pp, 0), expected)
    assert_array_equal(sure.holds(tp, pp, 0, bound=False), plain.holds(tp, pp, 0))
    assert not expected.any()  # 90% observed is not 90% at 95% confidence


def test_warning_is_public_at_top_level():
    assert skthresh.UnreachableFloorWarning is UnreachableFloorWarning
    assert issubclass(UnreachableFloorWarning, UserWarning)
    for name in ("RecallAtPrecision", "PrecisionAtRecall", "Utility"):
        assert name in skthresh.__all__


@pytest.mark.parametrize(
    "metric",
    [
        RecallAtPrecision(0.6),
        RecallAtPrecision(0.6, average="micro"),
        PrecisionAtRecall(0.5, average="micro"),
        Utility(tp=2.0, fp=-1.0, fn=-0.5, tn=0.1),
    ],
    ids=repr,
)
def test_integer_weights_score_as_repeated_samples(metric):
    rng = np.random.default_rng(0)
    Y_true, Y_pred = rng.random((40, 4)) < 0.4, rng.random((40, 4)) < 0.5
    w = rng.integers(0, 4, size=40)
    rows = np.repeat(np.arange(40), w)
    assert metric.score(Y_true, Y_pred, sample_weight=w) == pytest.approx(
        metric.score(Y_true[rows], Y_pred[rows]), abs=1e-12
    )
