"""The command line with operating points: fit, apply and evaluate at a floor."""

import json

import numpy as np
import pytest
import sklearn.metrics

from skthresh import learn_thresholds
from skthresh._cli import main
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import RecallAtPrecision, check_metric
from skthresh.strategies import available_strategies

NAMES = ["speech", "music", "dog", "car", "bird", "rain", "siren", "bell"]


@pytest.fixture(scope="module")
def data():
    """Validation and test parts of a simulated 8-label tagger."""
    return make_tagging_scores(800, 8, n_test_samples=600, random_state=3)


@pytest.fixture
def files(tmp_path, data):
    Y, S, Y_test, S_test = data
    paths = {}
    for name, array in [
        ("val_scores", S),
        ("val_labels", Y.astype(np.uint8)),
        ("test_scores", S_test),
        ("test_labels", Y_test.astype(np.uint8)),
    ]:
        paths[name] = str(tmp_path / f"{name}.npy")
        np.save(paths[name], array)
    return paths


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(out):
    found, current = [], []
    for line in [*out.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            found, current = [*found, current], []
    return found


def _evaluate(capsys, files, thresholds_path, *extra):
    status, out, err = run(
        capsys,
        "evaluate",
        "--scores",
        files["test_scores"],
        "--labels",
        files["test_labels"],
        "--thresholds",
        thresholds_path,
        *extra,
    )
    assert status == 0, err
    return out


def _precision(Y, decisions):
    return sklearn.metrics.precision_score(
        Y, decisions, average=None, zero_division=np.nan
    )


def test_round_trip_fit_apply_evaluate_at_a_precision_floor(
    capsys, tmp_path, files, data
):
    Y, S, Y_test, S_test = data
    out = tmp_path / "thr.json"
    status, stdout, err = run(
        capsys,
        "fit",
        "--scores",
        files["val_scores"],
        "--labels",
        files["val_labels"],
        "--strategy",
        "coordinate",
        "--metric",
        "recall@precision=0.8",
        "--out",
        out,
    )
    assert status == 0, err
    document = json.loads(out.read_text())
    assert document["metric"] == "recall@precision=0.8"
    assert check_metric(document["metric"]) == RecallAtPrecision(0.8)
    thresholds = np.array(document["thresholds"])
    expected = learn_thresholds(
        Y, S, strategy="coordinate", metric="recall@precision=0.8"
    )
    np.testing.assert_array_equal(thresholds, expected)
    # The file says where the floor held on the tuning data, and it did.
    met = np.array(document["constraint_met"])
    assert met.shape == (8,) and met.any()
    tuning_precision = _precision(Y, S > thresholds)
    assert (tuning_precision[met] >= 0.8).all()
    assert "the floor holds there for" in stdout

    decisions_path = tmp_path / "decisions.npy"
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        files["test_scores"],
        "--thresholds",
        out,
        "--out",
        decisions_path,
    )
    assert status == 0, err
    decisions = np.load(decisions_path).astype(bool)
    np.testing.assert_array_equal(decisions, S_test > thresholds)

    # evaluate reads the metric back from the file and reports each label's
    # precision on the test data against the floor.
    report = json.loads(_evaluate(capsys, files, out, "--json"))["operating_point"]
    assert report["metric"] == "recall@precision=0.8" and report["floor"] == 0.8
    precision = _precision(Y_test, decisions)
    shown = [np.nan if p is None else p for p in report["per_label"]["precision"]]
    np.testing.assert_allclose(shown, precision, rtol=1e-12)
    meets = report["per_label"]["meets_floor"]
    for p, m in zip(precision, meets, strict=True):
        assert m is (None if np.isnan(p) else bool(p >= 0.8))
    text = _evaluate(capsys, files, out)
    floor_table = tables(text)[-1]
    assert cells(floor_table[0]) == [
        "label",
        "threshold",
        "precision",
        "recall",
        "precision >= 0.8",
    ]
    for line, p in zip(floor_table[2:], precision, strict=True):
        row = cells(line)
        assert row[2] == ("-" if np.isnan(p) else f"{p:.4f}")
        assert row[4] == ("-" if np.isnan(p) else ("yes" if p >= 0.8 else "NO"))
    assert f"met by {sum(m is True for m in meets)} of 8 labels" in text


def test_evaluate_a_pooled_floor_given_on_the_command_line(
    capsys, tmp_path, files, data
):
    _, _, Y_test, S_test = data
    path = tmp_path / "t.json"
    thresholds = np.linspace(0.3, 0.7, 8)
    path.write_text(
        json.dumps({"thresholds": thresholds.tolist(), "metric": "f1_micro"})
    )
    # An F-measure recorded: no operating point reported.
    assert "operating_point" not in json.loads(_evaluate(capsys, files, path, "--json"))
    result = json.loads(
        _evaluate(
            capsys, files, path, "--json", "--metric", "recall@precision=0.6:micro"
        )
    )
    report = result["operating_point"]
    decisions = S_test > thresholds
    pooled = sklearn.metrics.precision_score(Y_test, decisions, average="micro")
    assert report["pooled"]["precision"] == pytest.approx(pooled, rel=1e-12)
    assert report["pooled"]["meets_floor"] == (pooled >= 0.6)
    recall = sklearn.metrics.recall_score(Y_test, decisions, average="micro")
    assert report["value"] == pytest.approx(recall, rel=1e-12)
    text = _evaluate(capsys, files, path, "--metric", "recall@precision=0.6:micro")
    assert f"pooled (micro) precision {pooled:.4f} against the floor 0.6" in text


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("recall@precision=1.5", "min_precision must be a real number in"),
        ("recall@precision=0.9:confidence=2", "confidence"),
        ("precision@recal=0.9", "--metric"),
    ],
)
def test_bad_operating_point_spellings_are_one_line(
    capsys, tmp_path, files, spelling, expected
):
    status, _, err = run(
        capsys,
        "fit",
        "--scores",
        files["val_scores"],
        "--labels",
        files["val_labels"],
        "--metric",
        spelling,
        "--out",
        tmp_path / "t.json",
    )
    assert status == 2
    assert err.startswith("skthresh: error: --metric: ") and expected in err
    assert len(err.strip().splitlines()) == 1


def test_compare_at_a_floor_runs_the_strategies_that_support_it(capsys, files):
    status, out, err = run(
        capsys,
        "compare",
        "--scores",
        files["val_scores"],
        "--labels",
        files["val_labels"],
        "--test-scores",
        files["test_scores"],
        "--test-labels",
        files["test_labels"],
        "--metric",
        "recall@precision=0.8",
        "--json",
    )
    assert status == 0, err
    result = json.loads(out)
    supported = available_strategies("operating_points")
    assert sorted(r["strategy"] for r in result["rows"]) == sorted(supported)
    for row in result["rows"]:
        assert row["floor"]["measure"] == "labels at precision floor"
        # The floor is met on the tuning data by every label that can reach it.
        assert 0.0 < row["floor"]["test"] <= 1.0
        assert 0.0 < row["floor"]["tuning"] <= 1.0
    status, out, err = run(
        capsys,
        "compare",
        "--scores",
        files["val_scores"],
        "--labels",
        files["val_labels"],
        "--metric",
        "recall@precision=0.8:micro",
        "--strategies",
        "coordinate",
    )
    assert status == 0, err
    (table,) = tables(out)
    assert cells(table[0])[:3] == [
        "strategy",
        "tuning recall@precision=0.8:micro",
        "tuning micro precision",
    ]
    assert float(cells(table[2])[2]) >= 0.8
