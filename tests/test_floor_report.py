"""Decisions against an operating point's floor, as the command line reports them."""

import numpy as np
import pytest
import sklearn.metrics

from skthresh._floor_report import (
    floor_held,
    floor_held_text,
    floor_lines,
    floor_of,
    floor_report,
    floor_scorer,
)
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import (
    FBeta,
    PrecisionAtRecall,
    RecallAtPrecision,
    Utility,
)


@pytest.fixture(scope="module")
def decided():
    """Decisions of a 6-label tagger; label 4 predicts nothing, label 5 has no
    positive."""
    Y, S = make_tagging_scores(400, 6, random_state=0)
    Y = Y.astype(bool)
    Y[:, 5] = False
    decisions = S > 0.4
    decisions[:, 4] = False
    return Y, decisions


def test_floor_of_reads_the_metric():
    assert floor_of(FBeta()) is None
    assert floor_of(Utility(fp=-2.0)) is None
    assert floor_of(RecallAtPrecision(0.9, average="micro")) == {
        "measure": "precision",
        "other": "recall",
        "floor": 0.9,
        "average": "micro",
    }
    assert floor_of(PrecisionAtRecall(0.7))["measure"] == "recall"


@pytest.mark.parametrize("floor", [0.5, 0.7])
def test_per_label_report_equals_sklearn(decided, floor):
    Y, decisions = decided
    metric = RecallAtPrecision(floor)
    report = floor_report(Y, decisions, metric)
    precision = sklearn.metrics.precision_score(
        Y, decisions, average=None, zero_division=np.nan
    )
    recall = sklearn.metrics.recall_score(
        Y, decisions, average=None, zero_division=np.nan
    )
    as_float = [np.nan if v is None else v for v in report["per_label"]["precision"]]
    np.testing.assert_allclose(as_float, precision, rtol=1e-12)
    as_float = [np.nan if v is None else v for v in report["per_label"]["recall"]]
    np.testing.assert_allclose(as_float, recall, rtol=1e-12)
    meets = report["per_label"]["meets_floor"]
    assert meets[4] is None  # predicts nothing: no precision to judge
    expected = [bool(p >= floor) for p in precision]
    assert [m for j, m in enumerate(meets) if j != 4] == expected[:4] + expected[5:]
    assert report["n_met"] == sum(m is True for m in meets)
    assert report["n_undefined"] == 1
    assert report["value"] == metric.score(Y, decisions)
    # The library's own check agrees where the precision is defined.
    library = metric.constraint_met(Y, decisions)
    assert [bool(v) for j, v in enumerate(library) if j != 4] == [
        m for j, m in enumerate(meets) if j != 4
    ]


def test_pooled_report_equals_sklearn(decided):
    Y, decisions = decided
    metric = PrecisionAtRecall(0.6, average="micro")
    report = floor_report(Y, decisions, metric)
    recall = sklearn.metrics.recall_score(Y, decisions, average="micro")
    assert report["pooled"]["recall"] == pytest.approx(recall, rel=1e-12)
    assert report["pooled"]["meets_floor"] == (recall >= 0.6)
    assert report["pooled"]["meets_floor"] == metric.constraint_met(Y, decisions)
    assert report["per_label"]["meets_floor"][5] is None  # no positive


def test_floor_lines_table(decided):
    Y, decisions = decided
    report = floor_report(Y, decisions, RecallAtPrecision(0.5))
    names = [f"tag{j}" for j in range(6)]
    lines = floor_lines(report, names, np.linspace(0.1, 0.6, 6))
    assert lines[0].startswith(
        f"recall@precision=0.5: precision floor 0.5 met by {report['n_met']} of 6"
    )
    assert "(1 predict nothing)" in lines[0]
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    assert header == ["label", "threshold", "precision", "recall", "precision >= 0.5"]
    row = [c.strip() for c in lines[4 + 4].strip("|").split("|")]
    assert row[0] == "tag4" and row[2] == "-" and row[4] == "-"
    micro = floor_report(Y, decisions, RecallAtPrecision(0.99, average="micro"))
    lines = floor_lines(micro, names, np.zeros(6))
    assert "pooled (micro) precision" in lines[0] and "NOT met" in lines[0]
    assert "precision >= " not in lines[2]


def test_floor_scorer(decided):
    Y, decisions = decided
    assert floor_scorer(FBeta()) is None
    name, scorer = floor_scorer(RecallAtPrecision(0.5))
    assert name == "labels at precision floor"
    report = floor_report(Y, decisions, RecallAtPrecision(0.5))
    assert scorer(Y, decisions) == report["n_met"] / 6
    name, scorer = floor_scorer(RecallAtPrecision(0.5, average="micro"))
    assert name == "micro precision"
    expected = sklearn.metrics.precision_score(Y, decisions, average="micro")
    assert scorer(Y, decisions) == pytest.approx(expected)


def test_floor_held():
    class Learned:
        constraint_met_ = np.array([True, False, True])
        unreachable_labels_ = np.array([1])

    held = floor_held(Learned(), ["a", "b", "c"])
    assert held == {"constraint_met": [True, False, True], "unreachable_labels": ["b"]}
    assert "holds there for 2 of 3 labels (1 cannot reach it" in floor_held_text(held)

    class Pooled:
        constraint_met_ = np.bool_(False)
        unreachable_labels_ = np.array([], dtype=int)

    held = floor_held(Pooled(), ["a", "b", "c"])
    assert held == {"constraint_met": False, "unreachable_labels": []}
    assert "does NOT hold" in floor_held_text(held)
    assert floor_held(object(), ["a"]) == {} and floor_held_text({}) == ""
