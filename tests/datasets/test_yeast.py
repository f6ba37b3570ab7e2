"""Tests for the bundled yeast dataset loader."""

import csv
import gzip
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

from skthresh.datasets import load_yeast

# The published CSV, present beside the repository in CI; tests that need it
# are skipped when it is absent, the others check facts about the public data.
CSV_PATH = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "yeast.csv.gz"
)

# Number of positives of Class1 .. Class14 in the public yeast dataset.
LABEL_SUMS = [762, 1038, 983, 862, 722, 597, 428, 480, 178, 253, 289, 1816, 1799, 34]


def _read_csv():
    with gzip.open(CSV_PATH, "rt", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    X = np.array([[float(v) for v in row[:103]] for row in body])
    Y = np.array([[int(v) for v in row[103:]] for row in body])
    return header, X, Y


def test_bunch_fields_shapes_and_dtypes():
    bunch = load_yeast()
    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == (2417, 103)
    assert bunch.data.dtype == np.float64
    assert bunch.target.shape == (2417, 14)
    assert bunch.target.dtype == np.int64
    assert set(np.unique(bunch.target)) == {0, 1}
    assert bunch.feature_names == [f"Att{i}" for i in range(1, 104)]
    assert bunch.target_names == [f"Class{i}" for i in range(1, 15)]
    assert all(type(name) is str for name in bunch.feature_names + bunch.target_names)
    assert bunch.frame is None
    assert isinstance(bunch.DESCR, str)
    for fact in ("2417", "103", "14", "4.24", "Elisseeff", "MULAN", "40597"):
        assert fact in bunch.DESCR


def test_known_facts_of_public_data():
    X, Y = load_yeast(return_X_y=True)
    assert Y.sum(axis=0).tolist() == LABEL_SUMS
    assert Y.sum() == 10241
    assert Y.sum(axis=1).min() == 1
    assert Y.sum(axis=1).mean() == pytest.approx(4.237, abs=1e-3)
    assert X[0, :3].tolist() == [0.004168, -0.170975, -0.156748]
    assert X[-1, -3:].tolist() == [-0.083342, -0.063135, 0.01881]
    assert X.min() == -0.797436
    assert X.max() == 0.729621
    # Exact checksum of the features in micro-units.
    micro = np.round(X * 1e6).astype(np.int64)
    assert np.array_equal(micro / 1e6, X)
    assert micro.sum() == 15373083
    # Every row has unit Euclidean norm in the published data.
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-4)


@pytest.mark.skipif(not CSV_PATH.exists(), reason="yeast CSV not available")
def test_identical_to_published_csv():
    header, X_csv, Y_csv = _read_csv()
    bunch = load_yeast()
    assert bunch.feature_names + bunch.target_names == header
    # Exact equality with float(text) for every cell, not just closeness.
    assert np.array_equal(bunch.data, X_csv)
    assert np.array_equal(bunch.target, Y_csv)
    assert Y_csv.sum(axis=0).tolist() == LABEL_SUMS


def test_return_X_y():
    X, Y = load_yeast(return_X_y=True)
    bunch = load_yeast()
    assert isinstance(X, np.ndarray) and isinstance(Y, np.ndarray)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(Y, bunch.target)


def test_each_call_returns_fresh_arrays():
    X, Y = load_yeast(return_X_y=True)
    X[:] = 0
    Y[:] = 0
    X2, Y2 = load_yeast(return_X_y=True)
    assert Y2.sum(axis=0).tolist() == LABEL_SUMS
    assert X2[0, 0] == 0.004168


def test_as_frame():
    import pandas as pd

    bunch = load_yeast(as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame)
    assert isinstance(bunch.target, pd.DataFrame)
    assert isinstance(bunch.frame, pd.DataFrame)
    assert bunch.data.shape == (2417, 103)
    assert bunch.target.shape == (2417, 14)
    assert bunch.frame.shape == (2417, 117)
    assert list(bunch.data.columns) == bunch.feature_names
    assert list(bunch.target.columns) == bunch.target_names
    assert list(bunch.frame.columns) == bunch.feature_names + bunch.target_names
    assert (bunch.data.dtypes == np.float64).all()
    assert (bunch.target.dtypes == np.int64).all()
    X, Y = load_yeast(return_X_y=True)
    np.testing.assert_array_equal(bunch.data.to_numpy(), X)
    np.testing.assert_array_equal(bunch.target.to_numpy(), Y)
    np.testing.assert_array_equal(bunch.frame.to_numpy(), np.hstack([X, Y]))

    X_df, Y_df = load_yeast(return_X_y=True, as_frame=True)
    assert isinstance(X_df, pd.DataFrame) and isinstance(Y_df, pd.DataFrame)
    assert Y_df.sum().tolist() == LABEL_SUMS


def test_as_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas is required for as_frame=True"):
        load_yeast(as_frame=True)
    # Without as_frame pandas is not needed.
    assert load_yeast().data.shape == (2417, 103)


def test_keyword_only():
    with pytest.raises(TypeError):
        load_yeast(True)
