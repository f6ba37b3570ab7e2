"""The command line on score files, as a deep-learning user exports them."""

import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics
from numpy.testing import assert_array_equal

import skthresh
from skthresh import apply_thresholds, learn_thresholds
from skthresh._cli import main
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import (
    BaseThresholdStrategy,
    available_strategies,
    get_strategy,
    register_strategy,
    unregister_strategy,
)

FAST = ["--max-iter", "20"]
NAMES = ["speech", "music", "dog", "car", "bird", "rain", "siren", "bell"]


@pytest.fixture(scope="module")
def data():
    """Validation and test parts of a simulated 8-label tagger, float32 scores."""
    Y, S, Y_test, S_test = make_tagging_scores(
        500, 8, n_test_samples=300, random_state=0
    )
    n_pos = Y.sum(axis=0)
    assert ((n_pos > 0) & (n_pos < len(Y))).all()  # no DegenerateLabelWarning
    return Y, S, Y_test, S_test


@pytest.fixture(scope="module")
def surrogate_thresholds(data):
    Y, S = data[:2]
    return learn_thresholds(Y, S, strategy="surrogate", max_iter=20)


@pytest.fixture
def files(tmp_path, data):
    """The four matrices saved with np.save: scores float32, labels uint8."""
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
    """The stripped cells of a Markdown table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def tables(out):
    """The Markdown tables of an output: lists of consecutive '|' lines."""
    found, current = [], []
    for line in [*out.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            found, current = [*found, current], []
    return found


def assert_aligned(table):
    """Every line of a table has its '|' in the same columns."""
    bars = {tuple(i for i, c in enumerate(line) if c == "|") for line in table}
    assert len(bars) == 1, "\n".join(table)


def fit(capsys, scores, labels, out, *extra):
    status, stdout, err = run(
        capsys, "fit", "--scores", scores, "--labels", labels, "--out", out, *extra
    )
    assert status == 0, err
    with open(out, encoding="utf-8") as fh:
        return json.load(fh), stdout, err


# --- fit ------------------------------------------------------------------------


def test_fit_writes_the_documented_json(
    capsys, tmp_path, files, data, surrogate_thresholds
):
    Y, S = data[:2]
    out = tmp_path / "thresholds.json"
    doc, stdout, err = fit(capsys, files["val_scores"], files["val_labels"], out, *FAST)
    assert err == ""  # quiet by default
    assert "8 thresholds by 'surrogate'" in stdout
    assert list(doc) == [
        "skthresh_version",
        "strategy",
        "params",
        "metric",
        "objective",
        "n_samples",
        "n_labels",
        "labels",
        "thresholds",
        "tie_rule",
    ]
    assert doc["skthresh_version"] == skthresh.__version__
    assert doc["strategy"] == "surrogate"
    assert doc["params"] == get_strategy("surrogate", max_iter=20).get_params()
    assert doc["metric"] == "f1_micro"
    assert doc["n_labels"] == 8 and doc["n_samples"] == 500
    assert doc["labels"] is None
    assert doc["tie_rule"] == "score > threshold"
    # bit for bit the Python API's thresholds
    theta = np.array(doc["thresholds"], dtype=np.float64)
    assert theta.tobytes() == surrogate_thresholds.tobytes()
    assert doc["objective"] == f1_score(Y, apply_thresholds(S, surrogate_thresholds))


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int64, np.float32])
def test_fit_accepts_label_dtypes(capsys, tmp_path, files, data, dtype):
    Y, S = data[:2]
    np.save(tmp_path / "y.npy", Y.astype(dtype))
    doc, _, _ = fit(
        capsys,
        files["val_scores"],
        tmp_path / "y.npy",
        tmp_path / "t.json",
        "--strategy",
        "coordinate",
        "--metric",
        "f1_macro",
    )
    expected = learn_thresholds(Y, S, strategy="coordinate", metric="f1_macro")
    assert np.array(doc["thresholds"]).tobytes() == expected.tobytes()
    assert doc["metric"] == "f1_macro"
    assert doc["params"] == {"max_iter": 100, "verbose": 0}


def test_fit_from_torch_tensors_and_npz(capsys, tmp_path, data):
    torch = pytest.importorskip("torch")
    Y, S = data[:2]
    logits = torch.logit(torch.from_numpy(S).clamp(1e-6, 1 - 1e-6))
    probs = torch.sigmoid(logits)  # what a tagger's forward pass gives
    targets = torch.from_numpy(Y.astype(bool))
    np.savez(
        tmp_path / "val.npz",
        scores=probs.numpy(),
        labels=targets.numpy(),
        ids=np.arange(500),
    )
    doc, _, _ = fit(
        capsys,
        tmp_path / "val.npz",
        tmp_path / "val.npz",
        tmp_path / "t.json",
        "--scores-key",
        "scores",
        "--labels-key",
        "labels",
        "--strategy",
        "grid",
    )
    expected = learn_thresholds(Y, probs.numpy(), strategy="grid")
    assert np.array(doc["thresholds"]).tobytes() == expected.tobytes()
    # one array per file: no key needed
    np.savez(tmp_path / "s.npz", probs.numpy())
    np.savez(tmp_path / "y.npz", targets.numpy())
    doc2, _, _ = fit(
        capsys,
        tmp_path / "s.npz",
        tmp_path / "y.npz",
        tmp_path / "t2.json",
        "--strategy",
        "grid",
    )
    assert doc2["thresholds"] == doc["thresholds"]


def test_fit_and_apply_with_csv_label_names(capsys, tmp_path, data):
    Y, S, _, S_test = data
    pd.DataFrame(S, columns=NAMES).to_csv(tmp_path / "s.csv")  # index column too
    np.savetxt(tmp_path / "y.csv", Y, fmt="%d", delimiter=",")  # no header
    out = tmp_path / "t.json"
    doc, _, _ = fit(
        capsys, tmp_path / "s.csv", tmp_path / "y.csv", out, "--strategy", "coordinate"
    )
    assert doc["labels"] == NAMES
    S_csv = pd.read_csv(tmp_path / "s.csv", index_col=0)
    expected = learn_thresholds(Y, S_csv.to_numpy(), strategy="coordinate")
    assert np.array(doc["thresholds"]).tobytes() == expected.tobytes()

    np.savetxt(tmp_path / "test.tsv", S_test, delimiter="\t")  # no header
    status, stdout, err = run(
        capsys,
        "apply",
        "--scores",
        tmp_path / "test.tsv",
        "--thresholds",
        out,
        "--out",
        tmp_path / "d.csv",
    )
    assert status == 0, err
    decisions = pd.read_csv(tmp_path / "d.csv")
    assert list(decisions.columns) == NAMES  # header from the thresholds file
    assert_array_equal(decisions.to_numpy(), apply_thresholds(S_test, expected))
    assert "300 samples x 8 labels" in stdout


def test_csv_label_names_from_np_savetxt_header(capsys, tmp_path, data):
    Y, S = data[:2]
    np.savetxt(tmp_path / "s.csv", S, delimiter=",", header=",".join(NAMES))
    pd.DataFrame(Y, columns=NAMES).to_csv(tmp_path / "y.csv", index=False)
    doc, _, _ = fit(
        capsys,
        tmp_path / "s.csv",
        tmp_path / "y.csv",
        tmp_path / "t.json",
        "--strategy",
        "default",
    )
    assert doc["labels"] == NAMES


@pytest.mark.parametrize("suffix", [".npy", ".npz", ".csv"])
def test_apply_matches_the_python_api(
    capsys, tmp_path, files, data, surrogate_thresholds, suffix
):
    S_test = data[3]
    out = tmp_path / "t.json"
    fit(capsys, files["val_scores"], files["val_labels"], out, *FAST)
    decisions = tmp_path / f"decisions{suffix}"
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        files["test_scores"],
        "--thresholds",
        out,
        "--out",
        decisions,
    )
    assert status == 0, err
    if suffix == ".npy":
        got = np.load(decisions)
    elif suffix == ".npz":
        with np.load(decisions) as archive:
            got = archive["decisions"]
    else:
        got = np.loadtxt(decisions, delimiter=",")  # no names: no header
    assert_array_equal(got, apply_thresholds(S_test, surrogate_thresholds))


# --- evaluate ---------------------------------------------------------------------


def test_evaluate_equals_sklearn(capsys, tmp_path, files, data):
    _, _, Y_test, S_test = data
    thresholds = np.linspace(0.2, 0.6, 8)
    (tmp_path / "t.json").write_text(json.dumps({"thresholds": thresholds.tolist()}))
    status, out, err = run(
        capsys,
        "evaluate",
        "--scores",
        files["test_scores"],
        "--labels",
        files["test_labels"],
        "--thresholds",
        tmp_path / "t.json",
        "--per-label",
        "--json",
    )
    assert status == 0, err
    result = json.loads(out)
    pred = S_test > thresholds
    for average in ("micro", "macro", "samples"):
        for name, func in [
            ("f1", sklearn.metrics.f1_score),
            ("precision", sklearn.metrics.precision_score),
            ("recall", sklearn.metrics.recall_score),
        ]:
            expected = func(Y_test, pred, average=average, zero_division=0)
            assert result[average][name] == pytest.approx(expected, rel=1e-12), (
                average,
                name,
            )
    per_label = result["per_label"]
    assert [r["label"] for r in per_label] == [str(j) for j in range(8)]
    f1 = sklearn.metrics.f1_score(Y_test, pred, average=None, zero_division=0)
    assert [r["f1"] for r in per_label] == pytest.approx(f1, rel=1e-12)
    assert [r["positives"] for r in per_label] == Y_test.sum(axis=0).tolist()
    assert [r["threshold"] for r in per_label] == thresholds.tolist()


def test_evaluate_prints_tables(capsys, tmp_path, files, data):
    _, _, Y_test, S_test = data
    (tmp_path / "t.json").write_text(json.dumps({"thresholds": [0.3] * 8}))
    args = [
        "evaluate",
        "--scores",
        files["test_scores"],
        "--labels",
        files["test_labels"],
    ]
    args += ["--thresholds", tmp_path / "t.json"]
    status, out, _ = run(capsys, *args)
    assert status == 0
    micro = sklearn.metrics.f1_score(Y_test, S_test > 0.3, average="micro")
    (summary,) = tables(out)
    assert cells(summary[0]) == ["average", "F1", "precision", "recall"]
    assert cells(summary[2])[:2] == ["micro", f"{micro:.4f}"]
    status, out, _ = run(capsys, *args, "--per-label")
    summary, per_label = tables(out)
    assert cells(per_label[0]) == [
        "label",
        "threshold",
        "positives",
        "predicted",
        "F1",
        "precision",
        "recall",
    ]
    assert [cells(line)[:2] for line in per_label[2:]].count(["7", "0.3"]) == 1
    assert len(per_label) == 2 + 8


# --- compare --------------------------------------------------------------------


def _compare_args(files, *extra):
    params = []
    if "heuristic" in available_strategies() and "--strategies" not in extra:
        params = [
            "--param",
            "heuristic.n_steps=50",
            "--param",
            "heuristic.n_restarts=2",
        ]
    return [
        "compare",
        "--scores",
        files["val_scores"],
        "--labels",
        files["val_labels"],
        *FAST,
        *params,
        "--random-state",
        "0",
        *extra,
    ]


def test_compare_prints_every_strategy(capsys, files):
    test = [
        "--test-scores",
        files["test_scores"],
        "--test-labels",
        files["test_labels"],
    ]
    status, out, err = run(capsys, *_compare_args(files, *test, "--verbose"))
    assert status == 0, err
    (table,) = tables(out)
    assert out.splitlines()[0] == table[0]
    assert cells(table[0]) == [
        "strategy",
        "tuning f1_micro",
        "test f1_micro",
        "gain (pts)",
        "time (s)",
    ]
    rows = [cells(line)[0] for line in table[2:]]
    assert rows[0] == "default"  # the baseline
    assert sorted(rows) == available_strategies()
    assert cells(table[2])[3] == "+0.00"
    assert "best on the test data:" in out
    progress = [line for line in err.splitlines() if "] " in line]
    assert len(progress) == len(rows)  # one line per strategy as it finishes


def test_compare_json_matches_the_python_api(capsys, files, data):
    Y, S = data[:2]
    status, out, err = run(
        capsys, *_compare_args(files, "--strategies", "coordinate,global", "--json")
    )
    assert status == 0, err
    assert err == ""
    result = json.loads(out)
    assert [r["strategy"] for r in result["rows"]] == [
        "default",
        "coordinate",
        "global",
    ]
    for row in result["rows"]:
        theta = learn_thresholds(Y, S, strategy=row["strategy"])
        assert row["tuning"] == f1_score(Y, S > theta)
        assert row["test"] is None
    base = result["rows"][0]["tuning"]
    assert result["rows"][1]["gain_pts"] == pytest.approx(
        100 * (result["rows"][1]["tuning"] - base)
    )


def test_compare_without_test_data_says_so(capsys, files):
    status, out, _ = run(
        capsys, *_compare_args(files, "--strategies", "global,coordinate")
    )
    assert status == 0
    (table,) = tables(out)
    assert out.splitlines()[0] == table[0]
    assert cells(table[0]) == ["strategy", "tuning f1_micro", "gain (pts)", "time (s)"]
    assert "pass --test-scores and --test-labels" in out


# --- verbose, help ---------------------------------------------------------------


def test_fit_verbose_reports_progress_on_stderr(capsys, tmp_path, files):
    args = [files["val_scores"], files["val_labels"], tmp_path / "t.json", *FAST, "-v"]
    doc, stdout, err = fit(capsys, *args)
    assert "read " in err and "[SurrogateThreshold] iter" in err
    assert "[SurrogateThreshold]" not in stdout
    assert doc["params"]["verbose"] == 0


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("fit", "apply", "evaluate", "compare", "demo"):
        assert f"    {command} " in out
    for command in ("fit", "apply", "evaluate", "compare"):
        assert main([command, "--help"]) == 0
        assert "example:" in capsys.readouterr().out


# --- errors ---------------------------------------------------------------------


def _save(name, array):
    def make(tmp_path, files):
        path = tmp_path / name
        if isinstance(array, str):
            path.write_text(array)
        else:
            np.save(path, array)
        return path

    return make


BAD_SCORES = {
    "missing": (lambda tmp_path, files: tmp_path / "nope.npy", "no such file"),
    "extension": (_save("s.txt", "0.5,0.5\n"), "unknown file type '.txt'"),
    "one-d": (_save("s.npy", np.zeros(500)), "1-D array"),
    "three-d": (_save("s.npy", np.zeros((500, 8, 2))), "3-D array"),
    "nan": (
        _save("s.npy", np.where(np.eye(500, 8) > 0, np.nan, 0.5)),
        "scores must be finite; found 8 NaN",
    ),
    "object": (
        _save("s.npy", np.array([[{"a": 1}]] * 500, dtype=object)),
        "pickled data",
    ),
    "text-as-npy": (_save("s.npy", "not numpy"), "not a NumPy .npy or .npz file"),
    "bad-csv-value": (_save("s.csv", "0.5,0.5\n0.5,oops\n"), "line 2, column 2"),
    "transposed": (_save("s.npy", np.full((8, 500), 0.5)), "looks transposed"),
    "rows": (_save("s.npy", np.full((400, 8), 0.5)), "has 500 rows but the scores"),
    "semicolons": (
        _save("s.csv", "a;b\n0.5;0.5\n"),
        "its fields are separated by ';', but a .csv file is read with ','",
    ),
    "repeated-name": (
        _save("s.csv", "a,b,a\n0.5,0.5,0.5\n"),
        "the header names 'a' twice (columns 1 and 3)",
    ),
}
BAD_LABELS = {
    "non-binary": (_save("y.npy", np.full((500, 8), 2)), "only 0 and 1"),
    "probabilities": (_save("y.npy", np.full((500, 8), 0.7)), "only 0 and 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCORES) + sorted(BAD_LABELS))
def test_bad_input_is_one_line_naming_the_file(capsys, tmp_path, files, case):
    out = tmp_path / "t.json"
    scores, labels = files["val_scores"], files["val_labels"]
    if case in BAD_SCORES:
        make, match = BAD_SCORES[case]
        scores = make(tmp_path, files)
        named = labels if case in ("transposed", "rows") else scores
    else:
        make, match = BAD_LABELS[case]
        labels = named = make(tmp_path, files)
    status, stdout, err = run(
        capsys,
        "fit",
        "--scores",
        scores,
        "--labels",
        labels,
        "--out",
        out,
        "--strategy",
        "global",
    )
    assert status == 2
    assert stdout == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert err.startswith(f"skthresh: error: {named}: ")
    assert match in err
    assert not out.exists()


@pytest.mark.parametrize(
    "extra, source, match",
    [
        (["--strategy", "nope"], "--strategy", "unknown strategy 'nope'"),
        (["--metric", "accuracy"], "--metric", "unknown metric 'accuracy'; use"),
        (["--param", "slope"], "--param", "expected NAME=VALUE"),
        (["--param", "colour=red"], "--param", "has no parameter 'colour'"),
        (["--strategy", "coordinate", "--slope", "9"], "--slope", "its parameters are"),
        (["--param", "slope=-1"], "strategy 'surrogate'", r"'slope' parameter"),
        (["--out", "t.npy"], "t.npy", "unknown output type '.npy'"),
    ],
)
def test_bad_options_are_one_line(
    capsys, tmp_path, monkeypatch, files, extra, source, match
):
    monkeypatch.chdir(tmp_path)
    args = ["fit", "--scores", files["val_scores"], "--labels", files["val_labels"]]
    status, _, err = run(capsys, *args, "--out", "t.json", *FAST, *extra)
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith(f"skthresh: error: {source}: ")
    assert match in err


def test_cuda_without_cuda_is_one_line(capsys, tmp_path, files):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    args = ["fit", "--scores", files["val_scores"], "--labels", files["val_labels"]]
    status, _, err = run(
        capsys, *args, "--out", tmp_path / "t.json", "--device", "cuda"
    )
    assert status == 2
    assert err.count("\n") == 1
    assert "skthresh: error: strategy 'surrogate': device='cuda'" in err


def test_usage_errors_are_one_line(capsys):
    status, _, err = run(capsys, "fit", "--scores", "s.npy")
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith("skthresh: error: the following arguments are required")


def test_apply_checks_labels_against_the_thresholds(capsys, tmp_path, files, data):
    S_test = data[3]
    out = tmp_path / "t.json"
    (out).write_text(json.dumps({"thresholds": [0.5] * 8, "labels": NAMES}))
    pd.DataFrame(S_test[:, :7], columns=NAMES[:7]).to_csv(
        tmp_path / "s7.csv", index=False
    )
    pd.DataFrame(S_test, columns=NAMES[::-1]).to_csv(tmp_path / "rev.csv", index=False)
    for scores, match in [
        (tmp_path / "s7.csv", "has 7 label columns but"),
        (tmp_path / "rev.csv", "the same labels in a different order"),
    ]:
        status, _, err = run(
            capsys,
            "apply",
            "--scores",
            scores,
            "--thresholds",
            out,
            "--out",
            tmp_path / "d.npy",
        )
        assert status == 2
        assert err.count("\n") == 1
        assert err.startswith(f"skthresh: error: {scores}: ") and match in err
    (out).write_text("{not json")
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        files["test_scores"],
        "--thresholds",
        out,
        "--out",
        tmp_path / "d.npy",
    )
    assert status == 2
    assert err.startswith(
        f"skthresh: error: {out}: is not a JSON thresholds file: invalid JSON"
    )
    assert not (tmp_path / "d.npy").exists()


def test_npz_without_key_lists_the_arrays(capsys, tmp_path, data):
    Y, S = data[:2]
    np.savez(tmp_path / "val.npz", scores=S, labels=Y)
    status, _, err = run(
        capsys,
        "fit",
        "--scores",
        tmp_path / "val.npz",
        "--labels",
        tmp_path / "val.npz",
        "--out",
        tmp_path / "t.json",
    )
    assert status == 2
    assert err == (
        f"skthresh: error: {tmp_path / 'val.npz'}: holds 2 arrays ('scores', "
        "'labels'); choose one with --scores-key NAME.\n"
    )


def test_failed_write_keeps_the_old_file(capsys, tmp_path, files, monkeypatch):
    out = tmp_path / "decisions.npy"
    out.write_bytes(b"old")
    (tmp_path / "t.json").write_text(json.dumps({"thresholds": [0.5] * 8}))

    def failing_save(fh, array, *args, **kwargs):
        fh.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", failing_save)
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        files["test_scores"],
        "--thresholds",
        tmp_path / "t.json",
        "--out",
        out,
    )
    assert status == 2
    problem = "could not be written: [Errno 28] No space left on device"
    assert err == f"skthresh: error: {out}: {problem}\n"
    assert out.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --- end to end -------------------------------------------------------------------


def test_python_dash_m_fit_end_to_end(tmp_path, files, data):
    Y, S = data[:2]
    env = {**os.environ, "PYTHONPATH": str(Path(skthresh.__file__).parents[1])}
    out = tmp_path / "t.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "skthresh",
            "fit",
            "--scores",
            files["val_scores"],
            "--labels",
            files["val_labels"],
            "--strategy",
            "coordinate",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(out.read_text())
    expected = learn_thresholds(Y, S, strategy="coordinate")
    assert np.array(doc["thresholds"]).tobytes() == expected.tobytes()


def test_library_warnings_are_one_line_each(capsys, tmp_path, data):
    Y, S = data[:2]
    Y = Y.copy()
    Y[:, 3] = 0  # a label without positives: DegenerateLabelWarning
    np.save(tmp_path / "s.npy", S)
    np.save(tmp_path / "y.npy", Y)
    doc, _, err = fit(
        capsys,
        tmp_path / "s.npy",
        tmp_path / "y.npy",
        tmp_path / "t.json",
        "--strategy",
        "coordinate",
    )
    assert err.startswith("skthresh: warning: 1 label(s) have no positive")
    assert err.count("\n") == 1
    assert len(doc["thresholds"]) == 8


def test_compare_reads_test_data_from_npz_keys(capsys, tmp_path, data):
    Y, S, Y_test, S_test = data
    np.savez(tmp_path / "val.npz", scores=S, labels=Y)
    np.savez(tmp_path / "test.npz", scores=S_test, labels=Y_test, extra=Y_test)
    args = ["compare", "--scores", tmp_path / "val.npz", "--labels"]
    args += [tmp_path / "val.npz", "--scores-key", "scores", "--labels-key", "labels"]
    args += ["--test-scores", tmp_path / "test.npz", "--test-labels"]
    args += [tmp_path / "test.npz", "--strategies", "global", "--json"]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    theta = learn_thresholds(Y, S, strategy="global")
    assert json.loads(out)["rows"][1]["test"] == f1_score(Y_test, S_test > theta)
    np.savez(tmp_path / "test.npz", s=S_test, y=Y_test)
    status, _, err = run(capsys, *args)
    assert status == 2
    assert "no array named 'scores'" in err
    status, _, err = run(
        capsys, *args, "--test-scores-key", "s", "--test-labels-key", "x"
    )
    assert status == 2
    assert f"{tmp_path / 'test.npz'}: has no array named 'x'" in err


# --- outputs that are inputs, interrupts, permissions, links -----------------------


def _thresholds_file(tmp_path, labels=None):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"thresholds": [0.5] * 8, "labels": labels}))
    return path


def _same_file_cases(tmp_path, files, data):
    """(argv, output, the input it is, its option) for each way of naming it."""
    thresholds = _thresholds_file(tmp_path)
    scores = Path(files["test_scores"])
    np.savez(tmp_path / "both.npz", scores=data[3], labels=data[2])
    (tmp_path / "link.npy").symlink_to(scores)
    os.link(scores, tmp_path / "hard.npy")
    (tmp_path / "d.npy").symlink_to(thresholds)
    (tmp_path / "t2.json").symlink_to(files["val_labels"])
    apply = ["apply", "--thresholds", thresholds, "--scores"]
    fit = ["fit", "--scores", files["val_scores"], "--labels", files["val_labels"]]
    return {
        "same-path": ([*apply, scores, "--out", scores], scores, "--scores"),
        "symlink": (
            [*apply, scores, "--out", tmp_path / "link.npy"],
            scores,
            "--scores",
        ),
        "hard-link": (
            [*apply, tmp_path / "hard.npy", "--out", scores],
            scores,
            "--scores",
        ),
        "npz-of-both": (
            [
                *apply,
                tmp_path / "both.npz",
                "--key",
                "scores",
                "--out",
                tmp_path / "both.npz",
            ],
            tmp_path / "both.npz",
            "--scores",
        ),
        "thresholds": (
            [*apply, scores, "--out", tmp_path / "d.npy"],
            thresholds,
            "--thresholds",
        ),
        "fit-labels": (
            [*fit, "--out", tmp_path / "t2.json"],
            Path(files["val_labels"]),
            "--labels",
        ),
    }


SAME_FILE_CASES = [
    "same-path",
    "symlink",
    "hard-link",
    "npz-of-both",
    "thresholds",
    "fit-labels",
]


@pytest.mark.parametrize("case", SAME_FILE_CASES)
def test_output_that_is_an_input_is_refused_before_reading(
    capsys, tmp_path, files, data, monkeypatch, case
):
    import skthresh._io

    argv, protected, option = _same_file_cases(tmp_path, files, data)[case]
    before = protected.read_bytes()
    reads = []
    for name in ("read_matrix", "read_thresholds"):
        monkeypatch.setattr(skthresh._io, name, lambda *a, **k: reads.append(a))
    status, stdout, err = run(capsys, *argv)
    out = argv[argv.index("--out") + 1]
    assert status == 2
    assert stdout == ""
    assert err.count("\n") == 1
    assert err.startswith(f"skthresh: error: {out}: is ")
    assert err.endswith(f"the {option} input; choose another output file.\n")
    source = argv[argv.index(option) + 1]
    if source == out:  # named alike
        assert err == (
            f"skthresh: error: {out}: is also the --scores input; choose another "
            "output file.\n"
        )
    else:
        assert f"{out}: is the same file as {source}, the {option} input" in err
    assert reads == []  # refused before any file is read
    assert protected.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_replaced_output_keeps_its_mode_and_links(capsys, tmp_path, files, data):
    thresholds = _thresholds_file(tmp_path)
    expected = apply_thresholds(data[3], np.full(8, 0.5))
    target = tmp_path / "kept" / "decisions.npy"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "latest.npy"
    link.symlink_to(target)
    umask = os.umask(0o022)
    try:
        for out in (target, link):
            argv = ["apply", "--scores", files["test_scores"], "--thresholds"]
            status, _, err = run(capsys, *argv, thresholds, "--out", out)
            assert status == 0, err
            assert_array_equal(np.load(target), expected)
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            assert link.is_symlink() and link.resolve() == target
            target.write_bytes(b"old")
    finally:
        os.umask(umask)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


_SLOW_WRITE = """
import signal, sys, time
import numpy as np
from skthresh._cli import main

def slow_save(fh, array, *args, **kwargs):
    fh.write(b"half a file")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)

np.save = slow_save
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "signum, status, message",
    [
        (signal.SIGTERM, 143, "skthresh: terminated by SIGTERM\n"),
        (signal.SIGINT, 130, "skthresh: interrupted\n"),
    ],
)
def test_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path, files, signum, status, message
):
    out = tmp_path / "decisions.npy"
    out.write_bytes(b"old")
    out.chmod(0o600)
    argv = ["apply", "--scores", files["test_scores"], "--thresholds"]
    argv += [str(_thresholds_file(tmp_path)), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(Path(skthresh.__file__).parents[1])}
    with subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITE, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        try:
            assert child.stdout.readline() == "writing\n"
            assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            child.send_signal(signum)
            _, stderr = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == status
    assert stderr == message
    assert out.read_bytes() == b"old"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --- the same line for every problem --------------------------------------------


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            ["--strategy", "grid", "--param", "n_points=100000000000"],
            "strategy 'grid': the 'n_points' parameter",
        ),
        (["--param", "slope=1e39"], "strategy 'surrogate': the 'slope' parameter"),
        (["--param", "slope=nan"], "strategy 'surrogate': the 'slope' parameter"),
        (["--param", 'slope="steep"'], "strategy 'surrogate': the 'slope' parameter"),
        (["--param", "max_iter=1e30"], "strategy 'surrogate': the 'max_iter' param"),
        (["--param", "init=[0.1, 0.2]"], "strategy 'surrogate': init must be"),
        (["--device", "tpu"], "strategy 'surrogate': device must be"),
        (
            ["--strategy", "bagged", "--param", "estimator=3"],
            "strategy 'bagged': the 'estimator' parameter",
        ),
        (["--strategy", "heuristic", "--random-state", "-1"], "strategy 'heuristic'"),
        (["--metric", "f1" + "0" * 200 + "_micro"], "--metric: beta must be"),
    ],
)
def test_bad_parameter_values_are_one_line(capsys, tmp_path, files, extra, expected):
    args = ["fit", "--scores", files["val_scores"], "--labels", files["val_labels"]]
    status, stdout, err = run(capsys, *args, "--out", tmp_path / "t.json", *extra)
    assert status == 2
    assert stdout == ""
    assert err.count("\n") == 1
    assert err.startswith(f"skthresh: error: {expected}")
    assert not (tmp_path / "t.json").exists()


@pytest.mark.parametrize(
    "command, extra, expected",
    [
        (
            "fit",
            ["--strategy", "surogate"],
            "--strategy: unknown strategy 'surogate' (did you mean 'surrogate'?); "
            "the registered",
        ),
        ("fit", ["--strategy", "Coordinate"], "(did you mean 'coordinate'?)"),
        (
            "compare",
            ["--strategies", "coordnate,glbal,xyz"],
            "--strategies: unknown strategies 'coordnate' (did you mean "
            "'coordinate'?), 'glbal' (did you mean 'global'?), 'xyz'; the",
        ),
        (
            "fit",
            ["--metric", "f1_mciro"],
            "--metric: unknown metric 'f1_mciro' (did you mean 'f1_micro'?); use "
            "f1_micro",
        ),
        ("fit", ["--metric", "F1_macro"], "(did you mean 'f1_macro'?)"),
        ("fit", ["--metric", "micro"], "(did you mean 'f1_micro'?)"),
        ("fit", ["--metric", "f2-samples"], "(did you mean 'f2_samples'?)"),
        (
            "fit",
            ["--param", "slop=50"],
            "--param: strategy 'surrogate' has no parameter 'slop' (did you mean "
            "'slope'?); its",
        ),
        (
            "compare",
            ["--param", "surogate.slope=50"],
            "--param: surogate.slope: 'surogate' is not compared (did you mean "
            "'surrogate'?).",
        ),
        (
            "compare",
            ["--param", "n_point=50"],
            "has a parameter 'n_point' (did you mean 'n_points'?).",
        ),
    ],
)
def test_misspelled_names_get_a_suggestion(capsys, files, command, extra, expected):
    args = [command, "--scores", files["val_scores"], "--labels", files["val_labels"]]
    args += ["--out", "never-written.json"] if command == "fit" else []
    status, stdout, err = run(capsys, *args, *extra)
    assert status == 2
    assert err.count("\n") == 1
    assert expected in err
    assert not Path("never-written.json").exists()


def test_far_off_names_get_no_suggestion(capsys, files):
    args = ["fit", "--scores", files["val_scores"], "--labels", files["val_labels"]]
    for extra in (["--metric", "accuracy"], ["--strategy", "xgboost"]):
        status, _, err = run(capsys, *args, "--out", "never-written.json", *extra)
        assert status == 2
        assert "did you mean" not in err


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "make, expected",
    [
        (
            lambda path: path.write_bytes(_npy_bytes(np.zeros(8))),
            "is not a JSON thresholds file (it is a NumPy .npy file); pass the "
            ".json file that 'skthresh fit' writes.",
        ),
        (
            lambda path: path.write_text("[" * 100_000 + "]" * 100_000),
            "is not a JSON thresholds file: nested too deeply.",
        ),
        (
            lambda path: path.write_text('{"thresholds": [0.5, 0.5], "n_labels": "2"}'),
            "'n_labels' must be an integer; got '2'.",
        ),
    ],
)
def test_bad_thresholds_files_are_one_line(capsys, tmp_path, files, make, expected):
    thresholds = tmp_path / "t.json"
    make(thresholds)
    argv = ["apply", "--scores", files["test_scores"], "--thresholds", thresholds]
    status, _, err = run(capsys, *argv, "--out", tmp_path / "d.npy")
    assert status == 2
    assert err == f"skthresh: error: {thresholds}: {expected}\n"


def test_unexpected_errors_are_one_line_with_status_1(capsys, monkeypatch, files):
    import skthresh._cli

    def broken(args):
        raise RuntimeError("something\nbroke")

    monkeypatch.setitem(skthresh._cli._COMMANDS, "evaluate", broken)
    args = ["evaluate", "--scores", "s.npy", "--labels", "y.npy", "--thresholds"]
    status, _, err = run(capsys, *args, "t.json")
    assert status == 1
    assert err == (
        "skthresh: internal error: RuntimeError: something broke (a bug: please "
        "report it; rerun with -v for the traceback)\n"
    )
    status, _, err = run(capsys, *args, "t.json", "-v")
    assert status == 1
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == (
        "skthresh: internal error: RuntimeError: something broke (a bug: please "
        "report it)"
    )


def test_ctrl_c_is_one_line_with_status_130(capsys, monkeypatch):
    import skthresh._cli

    def interrupted(args):
        raise KeyboardInterrupt

    handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setitem(skthresh._cli._COMMANDS, "evaluate", interrupted)
    args = ["evaluate", "--scores", "s.npy", "--labels", "y.npy", "--thresholds"]
    try:
        status, stdout, err = run(capsys, *args, "t.json")
    except KeyboardInterrupt:  # would end the test session
        pytest.fail("KeyboardInterrupt escaped main()")
    assert status == 130
    assert (stdout, err) == ("", "skthresh: interrupted\n")
    assert signal.getsignal(signal.SIGTERM) is handler  # restored


# --- consistency of the commands ---------------------------------------------------


class _SlowFirstRun(BaseThresholdStrategy):
    """Fixed thresholds; the first run in a process pays a one-off second."""

    ran = False

    def _optimize(self, Y, S, metric):
        if not _SlowFirstRun.ran:
            _SlowFirstRun.ran = True
            time.sleep(1.0)  # as importing torch does
        return np.full(S.shape[1], 0.5)


@pytest.fixture
def slow_first_run():
    register_strategy("slow-first-run", _SlowFirstRun)
    _SlowFirstRun.ran = False
    yield "slow-first-run"
    unregister_strategy("slow-first-run")


def test_fit_and_compare_time_the_learning_alone(
    capsys, tmp_path, files, slow_first_run
):
    inputs = ["--scores", files["val_scores"], "--labels", files["val_labels"]]
    status, out, err = run(
        capsys,
        "fit",
        *inputs,
        "--out",
        tmp_path / "t.json",
        "--strategy",
        slow_first_run,
    )
    assert status == 0, err
    assert float(re.search(r" in (\d+\.\d+)s;", out).group(1)) < 0.5
    _SlowFirstRun.ran = False
    status, out, err = run(
        capsys, "compare", *inputs, "--strategies", slow_first_run, "--json"
    )
    assert status == 0, err
    assert json.loads(out)["rows"][1]["seconds"] < 0.5
    assert main(["fit", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "The time printed is that of the learning alone" in help_text


def test_gains_are_points_in_the_table_and_the_json(capsys, files):
    test = ["--test-scores", files["test_scores"], "--test-labels"]
    args = _compare_args(
        files, *test, files["test_labels"], "--strategies", "global,coordinate"
    )
    status, out, err = run(capsys, *args, "--json")
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert all("gain" not in row for row in rows)
    for row in rows:
        assert row["gain_pts"] == pytest.approx(100 * (row["test"] - rows[0]["test"]))
    status, out, err = run(capsys, *args)
    assert status == 0, err
    (table,) = tables(out)
    assert cells(table[0])[3] == "gain (pts)"
    shown = {cells(line)[0]: cells(line)[3] for line in table[2:]}
    assert shown == {row["strategy"]: f"{row['gain_pts']:+.2f}" for row in rows}
    assert max(row["gain_pts"] for row in rows) > 1  # points, not a fraction


def test_tables_are_aligned(capsys, tmp_path, files, data):
    names = ["speech", "a rather long label name", *NAMES[2:]]
    _, _, Y_test, S_test = data
    pd.DataFrame(S_test, columns=names).to_csv(tmp_path / "s.csv", index=False)
    thresholds = _thresholds_file(tmp_path, labels=names)
    args = ["evaluate", "--scores", tmp_path / "s.csv", "--labels"]
    args += [files["test_labels"], "--thresholds", thresholds, "--per-label"]
    status, out, err = run(capsys, *args)
    assert status == 0, err
    test = ["--test-scores", files["test_scores"], "--test-labels"]
    status, out2, err = run(capsys, *_compare_args(files, *test, files["test_labels"]))
    assert status == 0, err
    found = tables(out) + tables(out2)
    assert len(found) == 3
    for table in found:
        assert_aligned(table)
        assert set(table[1]) <= set("|-:")
    assert "| a rather long label name |" in out


# --- top-k scores and sparse labels ----------------------------------------------


def test_fit_and_apply_top_k_npz(capsys, tmp_path):
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    n, n_labels, k = 200, 12, 3
    indices = np.array([rng.choice(n_labels, k, replace=False) for _ in range(n)])
    indices[::7, -1] = -1  # padding
    scores = rng.random((n, k)).round(2)
    S = np.zeros((n, n_labels))
    used = indices != -1
    S[np.nonzero(used)[0], indices[used]] = scores[used]
    Y = rng.random((n, n_labels)) < np.where(S > 0, S, 0.05)
    np.savez(tmp_path / "top.npz", indices=indices, scores=scores, n_labels=n_labels)
    sp.save_npz(tmp_path / "labels.npz", sp.csr_matrix(Y))
    doc, _, _ = fit(
        capsys,
        tmp_path / "top.npz",
        tmp_path / "labels.npz",
        tmp_path / "t.json",
        "--strategy",
        "coordinate",
    )
    expected = learn_thresholds(Y, S, strategy="coordinate")
    assert_array_equal(doc["thresholds"], expected)
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        tmp_path / "top.npz",
        "--thresholds",
        tmp_path / "t.json",
        "--out",
        tmp_path / "d.npy",
    )
    assert status == 0, err
    assert_array_equal(np.load(tmp_path / "d.npy"), S > expected)
    np.savez(tmp_path / "bad.npz", indices=indices, scores=scores, n_labels=5)
    status, _, err = run(
        capsys,
        "apply",
        "--scores",
        tmp_path / "bad.npz",
        "--thresholds",
        tmp_path / "t.json",
        "--out",
        tmp_path / "d2.npy",
    )
    assert status != 0 and "below n_labels=5" in err
