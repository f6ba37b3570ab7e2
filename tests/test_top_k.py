"""Top-k scores: each sample's k best labels, learned from without densifying."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _strategies import make_strategy
from numpy.testing import assert_array_equal

from skthresh import ScoreSummary, TopKScores, apply_thresholds, learn_thresholds
from skthresh.strategies import available_strategies


def top_k_problem(seed, n=250, n_labels=15, k=4):
    """Top-k scores (some rows padded) with labels as lists, and the dense form."""
    rng = np.random.default_rng(seed)
    S = np.zeros((n, n_labels))
    indices = np.full((n, k), -1)
    scores = np.zeros((n, k))
    for i in range(n):
        size = rng.integers(0, k + 1)  # padded rows, and empty ones
        labels = rng.choice(n_labels, size, replace=False)
        values = rng.normal(0.4, 0.3, size).round(2)  # ties, negatives
        indices[i, :size], scores[i, :size] = labels, values
        S[i, labels] = values
    Y = rng.random((n, n_labels)) < np.where(S != 0, 0.5, 0.05)
    Y[0], Y[1] = True, False
    lists = [list(np.flatnonzero(row)) for row in Y]
    return TopKScores(indices, scores, n_labels=n_labels), lists, Y, S


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro"])
@pytest.mark.parametrize("strategy", available_strategies("summary"))
def test_top_k_thresholds_bit_identical_to_dense(strategy, metric):
    for seed in range(2):
        top, lists, Y, S = top_k_problem(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate labels
            dense = learn_thresholds(
                Y, S, strategy=make_strategy(strategy), metric=metric
            )
            from_lists = learn_thresholds(
                lists, top, strategy=make_strategy(strategy), metric=metric
            )
            from_sparse = learn_thresholds(
                sp.csr_matrix(Y), top, strategy=make_strategy(strategy), metric=metric
            )
        assert_array_equal(from_lists, dense)
        assert_array_equal(from_sparse, dense)


def test_top_k_summary_and_apply_thresholds():
    top, lists, Y, S = top_k_problem(3)
    summary = ScoreSummary.from_arrays(lists, top)
    assert summary.is_sparse
    assert summary._flat.size == (top.indices != -1).sum()
    dense = ScoreSummary(Y, S)
    assert_array_equal(
        summary.counts(np.full(15, 0.3))[1], dense.counts(np.full(15, 0.3))[1]
    )
    assert_array_equal(ScoreSummary(sp.csr_matrix(Y), top).pos_values, dense.pos_values)
    chunks = [(Y[:100], TopKScores(top.indices[:100], top.scores[:100], 15))]
    chunks.append((Y[100:], TopKScores(top.indices[100:], top.scores[100:], 15)))
    assert_array_equal(ScoreSummary.from_chunks(chunks).pos, dense.pos)
    thresholds = np.random.default_rng(0).uniform(0.0, 0.8, 15)
    decisions = apply_thresholds(top, thresholds)
    assert sp.issparse(decisions) and decisions.format == "csr"
    assert_array_equal(decisions.toarray(), (S > thresholds).astype(np.int64))
    assert decisions.nnz == (S > thresholds).sum()


def test_top_k_to_csr_and_defaults():
    top = TopKScores([[3, 1], [0, -1]], np.array([[0.5, 0.25], [0.75, np.nan]]))
    assert top.shape == (2, 4) and top.n_labels == 4  # highest index + 1
    expected = np.array([[0, 0.25, 0, 0.5], [0.75, 0, 0, 0]])
    assert_array_equal(top.to_csr().toarray(), expected)  # the padded NaN ignored
    assert "k=2" in repr(top)
    assert TopKScores([[1]], np.array([[1]], dtype=np.float16)).scores.dtype == (
        np.float32
    )


@pytest.mark.parametrize(
    ("indices", "scores", "n_labels", "match"),
    [
        ([[0, 0]], [[0.1, 0.2]], None, "must not repeat a label in a row; row 0"),
        ([[0, 5]], [[0.1, 0.2]], 4, "below n_labels=4; got 5 at row 0, position 1"),
        ([[0, -2]], [[0.1, 0.2]], None, ">= 0, or -1 for padding; got -2"),
        ([[0, 1]], [[0.1]], None, "same shape"),
        ([0, 1], [0.1, 0.2], None, "2-D arrays"),
        ([[0, 1]], [[0.1, np.nan]], None, "finite; found 1 NaN.*row 0, position 1"),
        ([[0.5, 1]], [[0.1, 0.2]], None, "must be integers"),
        ([[0, 1]], [["a", "b"]], None, "real numbers"),
        ([[0, 1]], [[0.1, 0.2]], 0, "n_labels must be an integer >= 1"),
        (np.zeros((0, 2), dtype=int), np.zeros((0, 2)), 3, "at least one sample"),
    ],
)
def test_top_k_errors(indices, scores, n_labels, match):
    with pytest.raises(ValueError, match=match):
        TopKScores(indices, scores, n_labels=n_labels)


def test_label_lists_errors():
    top = TopKScores([[0, 1], [2, -1]], [[0.1, 0.2], [0.3, 0.0]])
    with pytest.raises(ValueError, match="one list per sample, 2; got 1"):
        learn_thresholds([[0]], top, strategy="coordinate")
    message = r"integers in \[0, 3\); got values from 0 to 7"
    with pytest.raises(ValueError, match=message):
        learn_thresholds([[0], [7]], top, strategy="coordinate")
    with pytest.raises(ValueError, match="same shape"):
        learn_thresholds(np.zeros((3, 3)), top, strategy="coordinate")


def test_top_k_summary_fields_equal_those_of_the_csr():
    # Built from the (n, k) arrays directly, a block of rows at a time (and
    # positives compared a few at a time): the same summary as from the CSR.
    top, lists, Y, S = top_k_problem(4, n=600, n_labels=30, k=6)
    chunks = [
        (
            Y[a : a + 100],
            TopKScores(top.indices[a : a + 100], top.scores[a : a + 100], 30),
        )
        for a in range(0, 600, 100)
    ]
    for direct in (
        ScoreSummary.from_arrays(lists, top),
        ScoreSummary.from_chunks(chunks),
    ):
        csr = ScoreSummary.from_arrays(Y, top.to_csr())
        for field in ("_flat", "_start", "_stop", "_zeros", "pos", "pos_values"):
            assert_array_equal(getattr(direct, field), getattr(csr, field))
            assert getattr(direct, field).dtype == getattr(csr, field).dtype


def test_top_k_memory_stays_near_the_input():
    # numpy's allocations are traced: converting to a CSR matrix first (a
    # second copy of every entry, int64 coordinates) peaked at 5.4 times
    # the user's int32 indices and float32 scores; summarized from the
    # arrays, the peak is the sort keys and the sorted scores: 2.6.
    import tracemalloc

    rng = np.random.default_rng(0)
    n, n_labels, k = 100_000, 3000, 10
    # k distinct labels per row, some rows padded.
    indices = rng.integers(0, n_labels // k, (n, k)) + np.arange(k) * (n_labels // k)
    indices[rng.random((n, k)) < 0.1] = -1
    indices = indices.astype(np.int32)
    scores = rng.random((n, k)).astype(np.float32)
    top = TopKScores(indices, scores, n_labels=n_labels)
    rows = np.repeat(np.arange(n), 3)
    Y = sp.csr_matrix(
        (np.ones(rows.size, dtype=bool), (rows, rng.integers(0, n_labels, rows.size))),
        shape=(n, n_labels),
    )
    Y.sum_duplicates()
    given = indices.nbytes + scores.nbytes
    for learn in (
        lambda: ScoreSummary.from_arrays(Y, top),
        lambda: learn_thresholds(Y, top, strategy="global"),
    ):
        tracemalloc.start()
        try:
            learn()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 3.5 * given, peak / given
