"""Samples averages from inputs read a block of rows at a time."""

import contextlib

import dask.array as da
import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal

from skthresh import learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import FBeta
from skthresh.strategies import GlobalThreshold, SurrogateThreshold
from skthresh.strategies._row_blocks import RowBlocks


@pytest.fixture(scope="module")
def data():
    Y, S = make_tagging_scores(300, 6, random_state=1)
    Y[0], Y[1] = 1, 0  # every label has both classes
    return Y, S.astype(np.float32)


def inputs(Y, S, tmp_path):
    path = tmp_path / "scores.dat"
    mapped = np.memmap(path, dtype=np.float32, mode="w+", shape=S.shape)
    mapped[:] = S
    mapped.flush()
    return {
        "memmap": (Y, np.memmap(path, dtype=np.float32, mode="r", shape=S.shape)),
        "dask": (da.from_array(Y, chunks=(70, 6)), da.from_array(S, chunks=(45, 3))),
        "sparse": (sp.csr_matrix(Y), sp.csr_matrix(S)),
    }


@pytest.mark.parametrize("strategy", ["global", "coordinate", "surrogate"])
@pytest.mark.parametrize("kind", ["memmap", "dask", "sparse"])
def test_streamed_samples_average_gives_the_whole_matrix_thresholds(
    data, tmp_path, strategy, kind
):
    Y, S = data
    params = {"max_iter": 20} if strategy == "surrogate" else {}
    whole = learn_thresholds(Y, S, strategy=strategy, metric="f1_samples", **params)
    Y_in, S_in = inputs(Y, S, tmp_path)[kind]
    streamed = learn_thresholds(
        Y_in, S_in, strategy=strategy, metric="f1_samples", **params
    )
    assert_array_equal(streamed, whole)


@pytest.mark.parametrize("rows", [1, 7, 64, 1000])
def test_global_reads_blocks_of_any_size(data, rows):
    Y, S = data
    metric = FBeta(1.0, "samples")
    strategy = GlobalThreshold()
    whole = GlobalThreshold().optimize(Y, S, metric)
    blocks = RowBlocks(Y, S, rows=rows)
    assert_array_equal(strategy.optimize(blocks, None, metric), whole)
    assert strategy.objective_ == pytest.approx(metric.score(Y, S > whole), abs=1e-12)


def test_row_blocks_validate_each_block_with_global_rows(data):
    Y, S = data
    S = S.copy()
    S[130, 2] = np.nan
    with pytest.raises(ValueError, match="the first at row 130, label 2"):
        RowBlocks(Y, S, rows=50)


def test_row_blocks_check_shapes(data):
    Y, S = data
    with pytest.raises(ValueError, match="shape"):
        RowBlocks(Y[:, :3], S)


def test_row_blocks_join_into_the_validated_matrices(data):
    Y, S = data
    Y_joined, S_joined = RowBlocks(Y.astype(np.int64), S, rows=33).arrays()
    assert Y_joined.dtype == bool and S_joined.dtype == np.float32
    assert_array_equal(Y_joined, Y.astype(bool))
    assert_array_equal(S_joined, S)


# --- The surrogate reads the blocks: no joined matrices ------------------------------


def _no_join(monkeypatch):
    def refuse(self):
        raise AssertionError("the blocks were joined into matrices")

    monkeypatch.setattr(RowBlocks, "arrays", refuse)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"init": "global"},
        {"init": "rate", "transform": "none"},
        {"init": "default", "learn_slope": True},
        {"init": 0.4, "scale": 0.5},
    ],
)
@pytest.mark.parametrize("kind", ["memmap", "dask", "sparse"])
def test_surrogate_descends_on_the_blocks_with_the_whole_matrix_thresholds(
    data, tmp_path, kind, params, monkeypatch
):
    Y, S = data
    params = {"max_iter": 15, **params}
    # A given start outside a label's scores (labels 0 and 5 here) warns,
    # from the blocks as from the matrix.
    given = not isinstance(params.get("init", "auto"), str)

    def warns():
        if given:
            return pytest.warns(UserWarning, match="init puts 2 of 6")
        return contextlib.nullcontext()

    whole = SurrogateThreshold(**params)
    with warns():
        expected = whole.optimize(Y, S, "f1_samples")
    _no_join(monkeypatch)
    Y_in, S_in = inputs(Y, S, tmp_path)[kind]
    streamed = SurrogateThreshold(**params)
    with warns():
        got = learn_thresholds(Y_in, S_in, strategy=streamed, metric="f1_samples")
    assert_array_equal(got, expected)
    assert streamed.objective_ == whole.objective_
    assert_array_equal(streamed.history_["objective"], whole.history_["objective"])


@pytest.mark.parametrize("min_positives", [60, 90])
def test_surrogate_on_blocks_holds_rare_labels_as_on_the_matrix(
    data, min_positives, monkeypatch
):
    # Labels with fewer positives are held at the best shared threshold and
    # the others descend around them: the blocks' held counts per sample,
    # shared threshold and evaluation are those of the matrix.
    Y, S = data
    assert 0 < (Y.sum(axis=0) < min_positives).sum() < Y.shape[1]
    expected = learn_thresholds(
        Y,
        S,
        strategy="surrogate",
        metric="f1_samples",
        min_positives=min_positives,
        max_iter=15,
    )
    _no_join(monkeypatch)
    blocks = RowBlocks(Y, S, rows=37)
    strategy = SurrogateThreshold(max_iter=15)
    got = strategy.optimize(blocks, None, "f1_samples", min_positives=min_positives)
    assert_array_equal(got, expected)
    metric = FBeta(1.0, "samples")
    assert strategy.objective_ == pytest.approx(metric.score(Y, S > got), abs=1e-12)


def test_surrogate_on_blocks_of_huge_scores_and_other_modes(data, tmp_path):
    Y, S = data
    big = S.astype(np.float64) * 2.0**120  # beyond float32: scaled for the descent
    whole = SurrogateThreshold(max_iter=10).optimize(Y, big, "f1_samples")
    blocks = RowBlocks(Y, big, rows=50)
    got = SurrogateThreshold(max_iter=10).optimize(blocks, None, "f1_samples")
    assert_array_equal(got, whole)
    dense = SurrogateThreshold(max_iter=5, mode="dense")
    assert_array_equal(
        dense.optimize(RowBlocks(Y, S, rows=50), None, "f1_samples"),
        SurrogateThreshold(max_iter=5, mode="dense").optimize(Y, S, "f1_samples"),
    )
    with pytest.raises(ValueError, match="mode='sorted' cannot optimize a samples"):
        SurrogateThreshold(mode="sorted").optimize(
            RowBlocks(Y, S, rows=50), None, "f1_samples"
        )
