"""Reading score, label and threshold files; atomic writes."""

import io
import json
import os
import stat

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skthresh._io import (
    InputError,
    atomic_write,
    check_output_path,
    json_safe,
    read_labels,
    read_matrix,
    read_scores,
    read_thresholds,
    write_decisions,
    write_json,
)

M = np.array([[0.25, 0.5, 0.75], [0.125, 1.0, 0.0]])


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- Text tables --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        ("0.25,0.5,0.75\n0.125,1,0\n", None),
        ("dog,cat,bird\n0.25,0.5,0.75\n0.125,1,0\n", ["dog", "cat", "bird"]),
        ("# dog,cat,bird\n0.25,0.5,0.75\n0.125,1,0\n", ["dog", "cat", "bird"]),
        (
            '"dog, big",cat,bird\n0.25,0.5,0.75\n0.125,1,0\n',
            ["dog, big", "cat", "bird"],
        ),
        ("\n\ndog,cat,bird\n0.25,0.5,0.75\n\n0.125,1,0\n", ["dog", "cat", "bird"]),
        (
            "\ufeffdog,cat,bird\r\n0.25,0.5,0.75\r\n0.125,1,0\r\n",
            ["dog", "cat", "bird"],
        ),
        # pandas' default integer column names are not label names
        ("0,1,2\n0.25,0.5,0.75\n0.125,1,0\n", None),
        (",0,1,2\n0,0.25,0.5,0.75\n1,0.125,1,0\n", None),
        # index column written by DataFrame.to_csv
        (",dog,cat,bird\n0,0.25,0.5,0.75\n1,0.125,1,0\n", ["dog", "cat", "bird"]),
        (
            "Unnamed: 0,dog,cat,bird\n0,0.25,0.5,0.75\n1,0.125,1,0\n",
            ["dog", "cat", "bird"],
        ),
        # row identifiers, with and without a header
        (
            "clip,dog,cat,bird\na.wav,0.25,0.5,0.75\nb.wav,0.125,1,0\n",
            ["dog", "cat", "bird"],
        ),
        ("a.wav,0.25,0.5,0.75\nb.wav,0.125,1,0\n", None),
    ],
)
def test_csv_header_index_and_ids_are_detected(tmp_path, text, names):
    matrix, got = read_matrix(write(tmp_path / "s.csv", text))
    assert_array_equal(matrix, M)
    assert got == names


def test_tsv_and_pandas_round_trip(tmp_path):
    frame = pd.DataFrame(M, columns=["dog", "cat", "bird"])
    frame.to_csv(tmp_path / "s.tsv", sep="\t")
    matrix, names = read_matrix(tmp_path / "s.tsv")
    assert_array_equal(matrix, M)
    assert names == ["dog", "cat", "bird"]


def test_true_false_read_as_one_and_zero(tmp_path):
    frame = pd.DataFrame([[True, False], [False, True]], columns=["a", "b"])
    frame.to_csv(tmp_path / "y.csv", index=False)
    Y, names = read_labels(tmp_path / "y.csv")
    assert_array_equal(Y, [[True, False], [False, True]])
    assert names == ["a", "b"]


def test_single_column_table_is_one_label(tmp_path):
    matrix, names = read_matrix(write(tmp_path / "s.csv", "dog\n0.5\n0.25\n"))
    assert matrix.shape == (2, 1)
    assert names == ["dog"]


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("dog,cat\n", "has a header but no data rows"),
        ("0.1,0.2\n0.3,x\n", r"line 2, column 2: 'x' is not a number"),
        ("dog,cat\n0.1,0.2\n0.3,\n", r"line 3, column 2: an empty field is not a"),
        ("0.1,0.2\n0.3,0.4,0.5\n", r"line 2 has 3 fields; the first row has 2"),
        ("dog,cat,bird\n0.1,0.2\n0.3,0.4\n", r"header names 3 columns but the rows"),
    ],
)
def test_bad_tables_say_where(tmp_path, text, match):
    path = write(tmp_path / "s.csv", text)
    with pytest.raises(InputError, match=match) as info:
        read_matrix(path)
    assert info.value.source == str(path)


@pytest.mark.parametrize(
    "name, text, match",
    [
        (
            "s.csv",
            "dog;cat\n0.25;0.5\n0.125;1\n",
            r"its fields are separated by ';', but a \.csv file is read with ','; "
            r"save it with ',' \(pandas: df\.to_csv\(path\)\)\.$",
        ),
        ("s.csv", "0.25;0.5\n0.125;1\n", r"separated by ';', but a \.csv file"),
        ("s.csv", "0,25;0,5\n0,125;1\n", r"separated by ';'.* decimal commas\.$"),
        (
            "s.csv",
            "dog\tcat\n0.25\t0.5\n",
            r"separated by a tab, but a \.csv file is read with ','; rename it to "
            r"\.tsv\.$",
        ),
        (
            "s.tsv",
            "dog,cat\n0.25,0.5\n",
            r"separated by ',', but a \.tsv file is read with a tab; rename it to "
            r"\.csv\.$",
        ),
        (
            "s.tsv",
            "dog|cat\n0.25|0.5\n",
            r"separated by '\|', but a \.tsv file is read with a tab; save it with "
            r"a tab \(pandas: df\.to_csv\(path, sep='\\t'\)\)\.$",
        ),
    ],
)
def test_another_delimiter_is_named(tmp_path, name, text, match):
    path = write(tmp_path / name, text)
    with pytest.raises(InputError, match=match) as info:
        read_matrix(path)
    assert info.value.source == str(path)


def test_delimiter_in_a_single_name_is_not_mistaken(tmp_path):
    matrix, names = read_matrix(write(tmp_path / "s.csv", "dog;cat\n0.5\n0.25\n"))
    assert matrix.shape == (2, 1)
    assert names == ["dog;cat"]


@pytest.mark.parametrize(
    "text, match",
    [
        (
            "dog,cat,dog\n0.25,0.5,0.75\n",
            r"header names 'dog' twice \(columns 1 and 3\)",
        ),
        (",dog,cat,dog\n0,0.25,0.5,0.75\n", r"names 'dog' twice \(columns 2 and 4\)"),
        (
            "clip,dog, cat,cat \na.wav,0.25,0.5,0.75\n",
            r"'cat' twice \(columns 3 and 4\)",
        ),
    ],
)
def test_repeated_label_names_are_refused(tmp_path, text, match):
    with pytest.raises(InputError, match=match) as info:
        read_matrix(write(tmp_path / "s.csv", text))
    assert "swapped columns could go unnoticed" in str(info.value)


def test_text_that_is_not_utf8(tmp_path):
    (tmp_path / "s.csv").write_bytes("caf\xe9,b\n0.5,0.2\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_matrix(tmp_path / "s.csv")
    assert info.value.problem == (
        "is not UTF-8 text (byte 0xe9 at position 3); save it as UTF-8."
    )


# --- NumPy files ----------------------------------------------------------------


def test_npy_keeps_dtype_and_refuses_objects(tmp_path):
    np.save(tmp_path / "s.npy", M.astype(np.float32))
    S, names = read_scores(tmp_path / "s.npy")
    assert S.dtype == np.float32 and names is None
    np.save(tmp_path / "o.npy", np.array([[{"a": 1}]], dtype=object))
    with pytest.raises(InputError, match=r"pickled data\); skthresh never unpickles"):
        read_matrix(tmp_path / "o.npy")


def test_npz_key_rules(tmp_path):
    np.savez(tmp_path / "one.npz", M)
    assert_array_equal(read_matrix(tmp_path / "one.npz")[0], M)
    np.savez(tmp_path / "two.npz", scores=M, labels=M > 0.5)
    with pytest.raises(InputError, match=r"holds 2 arrays \('scores', 'labels'\); "):
        read_matrix(tmp_path / "two.npz", key_option="--scores-key")
    with pytest.raises(InputError, match=r"no array named 'x'; the arrays are"):
        read_matrix(tmp_path / "two.npz", key="x")
    assert_array_equal(read_matrix(tmp_path / "two.npz", key="labels")[0], M > 0.5)
    np.savez(tmp_path / "obj.npz", a=np.array([{"a": 1}], dtype=object))
    with pytest.raises(InputError, match="pickled data"):
        read_matrix(tmp_path / "obj.npz")


def test_torch_save_files_are_refused_without_unpickling(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(torch.zeros(2, 2), tmp_path / "s.pt")
    with pytest.raises(InputError, match="'.pt' files are pickles"):
        read_matrix(tmp_path / "s.pt")
    os.replace(tmp_path / "s.pt", tmp_path / "s.npy")  # renamed: found by content
    with pytest.raises(InputError, match="zip archive without NumPy arrays"):
        read_matrix(tmp_path / "s.npy")
    torch.save(
        torch.zeros(2, 2), tmp_path / "p.npy", _use_new_zipfile_serialization=False
    )
    with pytest.raises(InputError, match="not a NumPy .npy or .npz file \\(a pickle"):
        read_matrix(tmp_path / "p.npy")


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_text("hello"), "not a NumPy .npy or .npz file"),
        (lambda p: np.save(p, np.zeros(3)), r"1-D array of shape \(3,\).*reshape"),
        (lambda p: np.save(p, np.zeros((2, 3, 4))), r"3-D array of shape \(2, 3, 4\)"),
    ],
)
def test_bad_numpy_files(tmp_path, make, match):
    path = tmp_path / "s.npy"
    make(path)
    with pytest.raises(InputError, match=match):
        read_matrix(path)


def test_truncated_npy_is_a_read_error(tmp_path):
    np.save(tmp_path / "s.npy", np.zeros((30, 30)))
    data = (tmp_path / "s.npy").read_bytes()
    (tmp_path / "s.npy").write_bytes(data[:200])
    with pytest.raises(InputError, match="could not be read"):
        read_matrix(tmp_path / "s.npy")


def test_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"unknown file type '.txt'; use one of"):
        read_matrix(write(tmp_path / "s.txt", "1,2\n"))


def test_values_are_validated(tmp_path):
    np.save(tmp_path / "s.npy", np.array([[0.1, np.nan], [0.2, 0.3]]))
    with pytest.raises(InputError, match="scores must be finite; found 1 NaN"):
        read_scores(tmp_path / "s.npy")
    np.save(tmp_path / "y.npy", np.array([[0, 2], [1, 0]]))
    with pytest.raises(InputError, match=r"labels must contain only 0 and 1"):
        read_labels(tmp_path / "y.npy")


# --- Thresholds files -----------------------------------------------------------


def test_read_thresholds_checks_content(tmp_path):
    path = tmp_path / "t.json"
    write(path, "[0.5, 0.25]")
    doc = read_thresholds(path)
    assert_array_equal(doc["thresholds"], [0.5, 0.25])
    assert doc["labels"] is None
    bad = [
        ("{", "is not a JSON thresholds file: invalid JSON at line 1, column 2"),
        ('{"n_labels": 2}', "holds no 'thresholds'"),
        ('{"thresholds": []}', "non-empty list of numbers"),
        ('{"thresholds": [0.5, "a"]}', "non-empty list of numbers"),
        ('{"thresholds": [0.5, NaN]}', "must be finite"),
        ('{"thresholds": [0.5], "n_labels": 2}', "'n_labels' is 2 but there are 1"),
        ('{"thresholds": [0.5], "labels": ["a", "b"]}', "list of 1 names"),
        ('{"thresholds": [0.5], "tie_rule": "score >= threshold"}', "'tie_rule'"),
    ]
    for text, match in bad:
        write(path, text)
        with pytest.raises(InputError, match=match):
            read_thresholds(path)


def _npy_bytes(array, savez=False):
    buffer = io.BytesIO()
    (np.savez if savez else np.save)(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, detail",
    [
        (_npy_bytes(M), " (it is a NumPy .npy file); pass the .json file that "),
        (_npy_bytes(M, savez=True), " (it is a zip archive, such as an .npz file);"),
        (b"", " (it is empty); pass the .json file that 'skthresh fit' writes."),
        (b"\x93\x00abc", " (not UTF-8 text: byte 0x93 at position 0)."),
        (b"0.5,0.25\n", ": invalid JSON at line 1, column 4 (Extra data)."),
        (b"[" * 100_000 + b"]" * 100_000, ": nested too deeply."),
    ],
)
def test_not_a_thresholds_file(tmp_path, content, detail):
    path = tmp_path / "t.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_thresholds(path)
    assert info.value.problem.startswith("is not a JSON thresholds file" + detail)


def test_thresholds_file_details(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b'\xef\xbb\xbf{"thresholds": [0.5, 0.25]}')  # a BOM
    assert_array_equal(read_thresholds(path)["thresholds"], [0.5, 0.25])
    for text, problem in [
        (
            '{"thresholds": [0.5, 0.25], "n_labels": "2"}',
            "'n_labels' must be an integer; got '2'.",
        ),
        (
            '{"thresholds": [0.5, 0.25], "labels": ["dog", "dog"]}',
            "'labels' names 'dog' twice (positions 1 and 2); each label needs its "
            "own name, or swapped columns could go unnoticed.",
        ),
    ]:
        write(path, text)
        with pytest.raises(InputError) as info:
            read_thresholds(path)
        assert info.value.problem == problem


def test_json_safe():
    torch = pytest.importorskip("torch")
    params = {
        "a": np.float32(0.5),
        "b": np.array([1, 2]),
        "c": (1, "x"),
        "d": float("inf"),
        "e": torch.device("cpu"),
        "f": None,
    }
    assert json_safe(params) == {
        "a": 0.5,
        "b": [1, 2],
        "c": [1, "x"],
        "d": "inf",
        "e": "cpu",
        "f": None,
    }


def test_float64_round_trips_exactly(tmp_path):
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(200), rng.normal(size=50) * 1e-300, [5e-324]])
    write_json(tmp_path / "t.json", {"thresholds": values.tolist()})
    doc = read_thresholds(tmp_path / "t.json")
    assert doc["thresholds"].tobytes() == values.tobytes()


# --- Writing --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".npy", ".npz", ".csv", ".tsv"])
def test_write_decisions_reads_back(tmp_path, suffix):
    D = np.array([[1, 0, 1], [0, 0, 1]])
    path = tmp_path / f"d{suffix}"
    write_decisions(path, D, ["dog", "cat, big", "bird"])
    matrix, names = read_matrix(path, key="decisions")
    assert_array_equal(matrix, D)
    if suffix in (".csv", ".tsv"):
        assert names == ["dog", "cat, big", "bird"]
    else:
        assert matrix.dtype == np.uint8


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(path) as fh:
            fh.write("partial")
            raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.json"]
    (tmp_path / "new.json").unlink(missing_ok=True)
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(tmp_path / "new.json", "wb") as fh:
            fh.write(b"partial")
            raise RuntimeError("boom")
    assert os.listdir(tmp_path) == ["out.json"]


def test_atomic_write_gives_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        write_json(tmp_path / "t.json", {"a": 1})
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "t.json").st_mode) == 0o644
    assert json.loads((tmp_path / "t.json").read_text()) == {"a": 1}


def test_write_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no directory"):
        write_decisions(tmp_path / "missing" / "d.npy", np.zeros((2, 2)))
    with pytest.raises(InputError, match=r"unknown output type '.txt'"):
        write_decisions(tmp_path / "d.txt", np.zeros((2, 2)))


def test_atomic_write_keeps_the_mode_of_a_replaced_file(tmp_path):
    path = write(tmp_path / "t.json", "old")
    path.chmod(0o600)
    umask = os.umask(0o022)
    try:
        write_json(path, {"a": 1})
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"a": 1}


def test_atomic_write_writes_through_a_symlink(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = write(tmp_path / "real" / "t.json", "old")
    link = tmp_path / "links" / "t.json"
    link.symlink_to(target)
    write_json(link, {"a": 1})
    assert link.is_symlink() and link.resolve() == target
    assert json.loads(target.read_text()) == {"a": 1}
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "links",
        "real",
        "t.json",
        "t.json",
    ]
    dangling = tmp_path / "links" / "new.json"
    dangling.symlink_to(tmp_path / "real" / "new.json")
    write_json(dangling, [1])
    assert dangling.is_symlink()
    assert json.loads((tmp_path / "real" / "new.json").read_text()) == [1]


def test_atomic_write_interrupted_as_the_temporary_file_is_made(tmp_path, monkeypatch):
    path = write(tmp_path / "t.json", "old")
    real_open = os.open

    def interrupted_open(*args, **kwargs):
        fd = real_open(*args, **kwargs)
        os.close(fd)
        raise KeyboardInterrupt  # arrives just after the file is made

    monkeypatch.setattr(os, "open", interrupted_open)
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(path) as fh:
            fh.write("new")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["t.json"]
    assert path.read_text() == "old"


def test_check_output_path_refuses_an_input(tmp_path):
    scores = tmp_path / "scores.npy"
    np.save(scores, M)
    (tmp_path / "link.npy").symlink_to(scores)
    os.link(scores, tmp_path / "hard.npy")
    for out in (scores, tmp_path / "link.npy", tmp_path / "hard.npy"):
        with pytest.raises(InputError, match="the --scores input; choose another"):
            check_output_path(out, (".npy",), [("--scores", scores)])
        with pytest.raises(InputError, match="the --scores input; choose another"):
            check_output_path(scores, (".npy",), [("--scores", out)])
    inputs = [("--scores", scores), ("--labels", tmp_path / "missing.npy")]
    assert check_output_path(tmp_path / "d.NPY", (".npy",), inputs) == ".npy"
    dangling = tmp_path / "dangling.npy"
    dangling.symlink_to(tmp_path / "no" / "d.npy")
    with pytest.raises(InputError, match="no directory"):
        check_output_path(dangling, (".npy",), inputs)
