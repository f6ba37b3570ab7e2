"""Summaries of sparse scores: stored entries only, the dense summary's counts."""

import tracemalloc
import warnings

import dask.array as da
import numpy as np
import pytest
import scipy.sparse as sp
from _strategies import make_strategy
from numpy.testing import assert_array_equal

from skthresh import ScoreSummary, learn_thresholds
from skthresh.strategies import available_strategies

METRICS = ["f1_micro", "f1_macro"]


def sparse_problem(seed, n=300, n_labels=9, dtype=np.float32):
    """Sparse scores with negative, zero and tied stored entries.

    Positives sit among the stored entries and among the implicit zeros;
    one label stores nothing, one stores every sample.
    """
    rng = np.random.default_rng(seed)
    density = rng.uniform(0.05, 0.4, n_labels)
    stored = rng.random((n, n_labels)) < density
    stored[:, 0] = False  # only implicit zeros
    stored[:, 1] = True  # no implicit zero
    values = rng.normal(0.3, 0.4, (n, n_labels)).round(2)  # ties, negatives
    values[rng.random((n, n_labels)) < 0.05] = 0.0  # stored zeros
    Y = rng.random((n, n_labels)) < np.where(stored, 0.4, 0.05)
    Y[0], Y[1] = True, False  # every label has both classes
    S = sp.csr_matrix((np.where(stored, values, 0.0)).astype(dtype))
    rows, cols = np.nonzero(stored & (values == 0.0))
    S = S.tolil()
    S[rows, cols] = 1.0  # placeholders become explicitly stored zeros
    S = S.tocsr()
    S.data[S.data == 1.0] = 0.0
    return Y, S


def sorted_rows(summary):
    labels = np.arange(summary.n_labels)[:, None]
    return summary.value_at(labels, np.arange(summary.n_samples)[None, :])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_summary_counts_equal_dense(seed, dtype):
    Y, S = sparse_problem(seed, dtype=dtype)
    sparse = ScoreSummary.from_arrays(sp.csr_matrix(Y), S)
    dense = ScoreSummary.from_arrays(Y, S.toarray())
    assert sparse.is_sparse and not dense.is_sparse
    # Only the stored entries are kept.
    assert sparse._flat.size == S.nnz < dense._flat.size
    assert_array_equal(sorted_rows(sparse), dense.values)
    assert_array_equal(sorted_rows(sparse), np.sort(S.toarray().T, axis=1))
    assert_array_equal(sparse.pos_values, dense.pos_values)
    assert_array_equal(sparse.pos, dense.pos)
    rng = np.random.default_rng(seed)
    t = np.concatenate(
        [rng.normal(0.3, 0.4, (9, 20)), np.zeros((9, 1)), -np.zeros((9, 1))], axis=1
    )
    for a, b in zip(sparse.counts(t), dense.counts(t), strict=True):
        assert_array_equal(a, b)
    labels = np.arange(9)[:, None]
    for strict in (False, True):
        assert_array_equal(
            sparse.rank_of(labels, t, strict), dense.rank_of(labels, t, strict)
        )
    for a, b in zip(sparse.positive_cuts(), dense.positive_cuts(), strict=True):
        assert_array_equal(a, b)
    for j in range(9):
        for a, b in zip(
            sparse.label_counts(j, t[j]), dense.label_counts(j, t[j]), strict=True
        ):
            assert_array_equal(a, b)
    for a, b in zip(sparse.descending(2, 7), dense.descending(2, 7), strict=True):
        # The implicit zeros are one entry; the others are the same.
        assert a.size <= b.size
    assert_array_equal(sparse.strided_sample(100), dense.strided_sample(100))
    assert sparse.min() == dense.min() and sparse.max() == dense.max()
    keep = np.array([0, 3, 1, 8])
    assert_array_equal(
        sorted_rows(sparse.take_labels(keep)), dense.take_labels(keep).values
    )
    with pytest.raises(ValueError, match="keeps only the stored entries"):
        sparse.values  # noqa: B018


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("strategy", available_strategies("summary"))
def test_sparse_thresholds_bit_identical_to_dense(strategy, metric):
    for seed in range(3):
        Y, S = sparse_problem(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate or rare labels
            dense = learn_thresholds(
                Y, S.toarray(), strategy=make_strategy(strategy), metric=metric
            )
            sparse = learn_thresholds(
                sp.csr_matrix(Y), S, strategy=make_strategy(strategy), metric=metric
            )
            summary = ScoreSummary.from_arrays(Y, S)
            from_summary = learn_thresholds(
                summary, strategy=make_strategy(strategy), metric=metric
            )
        assert summary.is_sparse
        assert_array_equal(sparse, dense)
        assert_array_equal(from_summary, dense)


@pytest.mark.parametrize("strategy", ["coordinate", "surrogate", "global"])
def test_sparse_rare_labels_bit_identical(strategy):
    # Rare labels are held while the others are learned on a label view.
    Y, S = sparse_problem(5)
    Y[:, 4] = False
    Y[:3, 4] = True
    kwargs = {"strategy": make_strategy(strategy), "min_positives": 5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dense = learn_thresholds(Y, S.toarray(), **kwargs)
        kwargs["strategy"] = make_strategy(strategy)
        assert_array_equal(learn_thresholds(Y, S, **kwargs), dense)


def test_sparse_summary_memory_is_of_the_stored_entries():
    # 20,000 x 5,000 with 0.1% stored: 400 MB dense in float32, 100,000
    # entries (0.8 MB) as CSR. Storing the implicit zeros one by one would
    # allocate the dense size; the summary must stay near the CSR's.
    rng = np.random.default_rng(0)
    n, n_labels, nnz = 20_000, 5_000, 100_000
    flat = rng.choice(n * n_labels, nnz, replace=False)
    rows, cols = np.divmod(flat, n_labels)
    S = sp.csr_matrix(
        (rng.random(nnz).astype(np.float32), (rows, cols)), shape=(n, n_labels)
    )
    positive = rng.random(nnz) < 0.5
    Y = sp.csr_matrix(
        (np.ones(positive.sum(), dtype=bool), (rows[positive], cols[positive])),
        shape=(n, n_labels),
    )
    dense_bytes = n * n_labels * 4
    tracemalloc.start()
    try:
        summary = ScoreSummary.from_arrays(Y, S)
        _, peak_build = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        thresholds = learn_thresholds(summary, strategy="coordinate")
        _, peak_learn = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_build < dense_bytes / 20, peak_build
    assert peak_learn < dense_bytes / 20, peak_learn
    assert thresholds.shape == (n_labels,)
    assert summary._flat.size == nnz  # the stored entries only


def assert_same_summary(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    assert_array_equal(sorted_rows(a), sorted_rows(b))
    assert_array_equal(a.pos_values, b.pos_values)
    assert_array_equal(a.pos, b.pos)


@pytest.mark.parametrize("known_size", [True, False])
def test_sparse_chunks_equal_whole(known_size):
    Y, S = sparse_problem(1)
    whole = ScoreSummary.from_arrays(Y, S)
    cuts = [0, 1, 98, 100, 230, 300]
    chunks = [(Y[a:b], S[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    n = 300 if known_size else None
    chunked = ScoreSummary.from_chunks(chunks, n_samples=n)
    assert chunked.is_sparse
    assert_same_summary(chunked, whole)
    # Sparse labels, and dense chunks among sparse ones.
    mixed = [
        (sp.csr_matrix(y), s.toarray() if i % 2 else s)
        for i, (y, s) in enumerate(chunks)
    ]
    assert_same_summary(ScoreSummary.from_chunks(mixed, n_samples=n), whole)
    assert_same_summary(ScoreSummary.from_arrays(Y, S, chunk_size=7), whole)


def test_sparse_chunks_widen_and_count_rows():
    Y, S = sparse_problem(2, dtype=np.float32)
    S64 = S.astype(np.float64)
    chunks = [(Y[:100], S[:100]), (Y[100:], S64[100:])]
    widened = ScoreSummary.from_chunks(chunks)
    assert widened.dtype == np.float64
    assert_same_summary(widened, ScoreSummary.from_arrays(Y, S64))
    with pytest.raises(ValueError, match="The chunks hold 300 rows; n_samples=301"):
        ScoreSummary.from_chunks(chunks, n_samples=301)
    bad = S[100:].copy()
    bad.data[5] = np.nan
    row = 100 + int(np.searchsorted(bad.indptr, 5, side="right")) - 1
    with pytest.raises(
        ValueError, match=f"scores of chunk 1 must be finite.*row {row}"
    ):
        ScoreSummary.from_chunks([(Y[:100], S[:100]), (Y[100:], bad)])
    labels = sp.csr_matrix(Y[:100].astype(np.int64) * 2)
    with pytest.raises(ValueError, match=r"Y of chunk 0 must contain only 0 and 1"):
        ScoreSummary.from_chunks([(labels, S[:100])])
    with pytest.raises(ValueError, match="same number of labels"):
        ScoreSummary.from_chunks([(Y[:100], S[:100]), (Y[100:, :4], S[100:, :4])])


def test_dask_sparse_blocks_equal_whole():
    Y, S = sparse_problem(3)
    Sd = da.from_array(S, chunks=(70, 4), asarray=False)
    Yd = da.from_array(sp.csr_matrix(Y), chunks=(70, 4), asarray=False)
    summary = ScoreSummary.from_dask(Yd, Sd)
    assert summary.is_sparse
    assert_same_summary(summary, ScoreSummary.from_arrays(Y, S.toarray()))
    for strategy in ("coordinate", "surrogate"):
        assert_array_equal(
            learn_thresholds(Yd, Sd, strategy=make_strategy(strategy)),
            learn_thresholds(Y, S.toarray(), strategy=make_strategy(strategy)),
        )


@pytest.mark.parametrize("seed", range(3))
def test_ragged_count_grid_counts_as_the_full_grid(seed, monkeypatch):
    # Keeping each distinct grid point once gives the same counts, bit for
    # bit, as the full grid of the dense path (ties make many repeats).
    import torch

    from skthresh.strategies._surrogate_engine import (
        CountGrid,
        Identity,
        RaggedCountGrid,
    )

    monkeypatch.setattr(CountGrid, "size", 16)
    monkeypatch.setattr(RaggedCountGrid, "block", 2)  # blocks of labels too
    rng = np.random.default_rng(seed)
    Y = rng.random((400, 5)) < 0.3
    S = rng.normal(size=(400, 5)).round(1).astype(np.float32)
    summary = ScoreSummary(Y, S)
    q = torch.as_tensor(np.sort(rng.normal(size=(5, 300)), axis=1), dtype=torch.float32)
    for make in ("of_rows", "of_segments"):
        if make == "of_rows":
            full = CountGrid.of_rows(summary, Identity(), "cpu")
            ragged = RaggedCountGrid.of_rows(summary, Identity(), "cpu")
        else:
            args = (summary.pos_values, summary.pos_start, Identity(), "cpu")
            full = CountGrid.of_segments(*args)
            ragged = RaggedCountGrid.of_segments(*args)
        assert ragged.points.numel() < full.points.numel()
        assert_array_equal(ragged.count_le(q).numpy(), full.count_le(q).numpy())
