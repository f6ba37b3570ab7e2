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


def padded_top_k(n, n_labels, k, seed):
    """int32 indices (k distinct labels a row, 10% padded) and float32 scores."""
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, n_labels // k, (n, k)) + np.arange(k) * (n_labels // k)
    indices[rng.random((n, k)) < 0.1] = -1
    return indices.astype(np.int32), rng.random((n, k)).astype(np.float32)


def test_top_k_memory_stays_near_the_input():
    # numpy's allocations are traced: converting to a CSR matrix first (a
    # second copy of every entry, int64 coordinates) peaked at 5.4 times
    # the user's int32 indices and float32 scores; summarized from the
    # arrays, the peak is the sort keys and the sorted scores: 2.6.
    import tracemalloc

    n, n_labels, k = 100_000, 3000, 10
    indices, scores = padded_top_k(n, n_labels, k, seed=0)
    top = TopKScores(indices, scores, n_labels=n_labels)
    rng = np.random.default_rng(1)
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


def test_top_k_indices_stored_as_int32_and_not_copied():
    indices = np.array([[2, 0], [1, -1]], dtype=np.int32)
    top = TopKScores(indices, [[0.9, 0.4], [0.7, 0.0]], n_labels=3)
    assert top.indices is indices  # the user's array, no copy
    for given in (
        indices.astype(np.int64),
        indices.astype(np.int16),
        indices.astype(np.float64),
        indices.tolist(),
        np.asfortranarray(indices),
        np.repeat(indices, 2, axis=1)[:, ::2],  # int32, not contiguous
    ):
        top = TopKScores(given, [[0.9, 0.4], [0.7, 0.0]], n_labels=3)
        assert top.indices.dtype == np.int32 and top.indices.flags.c_contiguous
        assert_array_equal(top.indices, indices)
    unsigned = TopKScores(np.array([[4]], dtype=np.uint64), [[1.0]])
    assert unsigned.indices.dtype == np.int32 and unsigned.n_labels == 5
    # Labels beyond int32: int64, with the value kept.
    wide = TopKScores(np.array([[2**31, -1]]), [[0.5, 0.0]])
    assert wide.n_labels == 2**31 + 1 and wide.indices.dtype == np.int64
    assert wide.indices[0, 0] == 2**31
    assert TopKScores([[0]], [[1.0]], n_labels=2**31).indices.dtype == np.int64
    empty = TopKScores(np.zeros((2, 0), dtype=np.int64), np.zeros((2, 0)), 3)
    assert empty.indices.dtype == np.int32 and empty.shape == (2, 3)
    assert apply_thresholds(empty, 0.5).nnz == 0
    assert_array_equal(apply_thresholds(empty, [-1, 0, 1]), [[1, 0, 0]] * 2)


@pytest.mark.parametrize(
    ("index", "n_labels", "match"),
    [
        # Both wrap to small valid int32 indices if narrowed before checking.
        (2**32 + 1, 10, "below n_labels=10; got 4294967297 at row 1, position 0"),
        (-(2**32) - 1, None, r">= 0, or -1 for padding; got -4294967297 at row 1"),
        (2**31, 2**31, "below n_labels=2147483648; got 2147483648 at row 1"),
    ],
)
def test_top_k_out_of_range_int64_indices_raise(index, n_labels, match):
    indices = np.array([[0, 1], [index, 2]], dtype=np.int64)
    with pytest.raises(ValueError, match=match):
        TopKScores(indices, np.ones((2, 2)), n_labels=n_labels)


@pytest.mark.parametrize(
    ("indices", "scores", "match"),
    [
        # The first of several blocks of rows is not the first to be bad.
        ("last", "nan", "found 2 NaN or infinite value.*row 29999, position 1"),
        ("last", None, "row 29999 has label 7 more than once"),
        (None, "nan", "found 2 NaN or infinite value.*row 29999, position 1"),
    ],
)
def test_top_k_errors_name_the_row_across_blocks(indices, scores, match):
    n, k = 30_000, 20  # a few blocks of rows are checked one at a time
    idx = np.tile(np.arange(k, dtype=np.int32), (n, 1))
    values = np.ones((n, k), dtype=np.float32)
    if indices:
        idx[-1, 3] = 7
    if scores:
        values[-1, [1, 5]] = np.nan
    with pytest.raises(ValueError, match=match):
        TopKScores(idx, values)


def test_top_k_construction_does_not_copy_int32_indices():
    # numpy's allocations are traced: validated a block of rows at a time and
    # kept as given, int32 indices and float32 scores cost a few MB of
    # temporaries whatever n; the int64 copy and whole-array checks took
    # 26 bytes a slot.
    import tracemalloc

    n, n_labels, k = 400_000, 3000, 10
    indices, scores = padded_top_k(n, n_labels, k, seed=0)
    tracemalloc.start()
    try:
        top = TopKScores(indices, scores, n_labels=n_labels)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * indices.size, peak / indices.size  # bytes per slot
    assert top.indices is indices


def random_top_k(rng, dtype, n=300, n_labels=12, k=5):
    """Top-k scores with padding, empty rows, explicit zeros and negatives."""
    indices = np.full((n, k), -1)
    scores = rng.normal(0.3, 0.4, (n, k)).round(1).astype(dtype)  # ties
    S = np.zeros((n, n_labels), dtype=dtype)
    for i in range(n):
        size = rng.integers(0, k + 1)
        labels = rng.choice(n_labels, size, replace=False)
        indices[i, :size] = labels
        S[i, labels] = scores[i, :size]
    scores[indices == -1] = rng.normal(0, 5, (indices == -1).sum())  # ignored
    return TopKScores(indices, scores, n_labels=n_labels), S


def dense_decisions(S, theta):
    """``S > theta`` in float64, as skthresh compares (a Python float would
    be compared in float32 with float32 scores)."""
    return (S > np.asarray(theta, dtype=np.float64)).astype(np.int64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_top_k_decisions_equal_those_of_the_csr_and_dense(dtype):
    rng = np.random.default_rng(5)
    for _ in range(4):
        top, S = random_top_k(rng, dtype)
        stored = np.unique(top.scores[top.indices != -1])
        for theta in (
            rng.uniform(0, 0.8, 12),
            rng.choice(stored[stored >= 0], 12).astype(np.float64),  # ties
            np.zeros(12),  # the explicit zeros stay negative
            0.3,
        ):
            decisions = apply_thresholds(top, theta)
            old = apply_thresholds(top.to_csr(), theta)
            assert type(decisions) is sp.csr_matrix and type(old) is sp.csr_matrix
            assert decisions.dtype == old.dtype == np.int64
            assert decisions.shape == old.shape == S.shape
            for field in ("data", "indices", "indptr"):
                assert_array_equal(getattr(decisions, field), getattr(old, field))
                assert getattr(decisions, field).dtype == getattr(old, field).dtype
            assert decisions.has_canonical_format
            assert_array_equal(decisions.toarray(), dense_decisions(S, theta))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_top_k_decisions_with_a_negative_threshold_are_dense(dtype):
    # An absent label scores 0: positive wherever its threshold is negative,
    # as for a CSR matrix's missing entries.
    rng = np.random.default_rng(6)
    top, S = random_top_k(rng, dtype)
    stored = top.scores[top.indices != -1]
    for theta in (
        rng.uniform(-0.5, 0.5, 12),
        np.r_[-1e-9, np.zeros(11)],
        np.r_[stored[stored < 0][:3], rng.uniform(-0.2, 0.6, 9)],  # ties
        -0.1,
    ):
        decisions = apply_thresholds(top, theta)
        assert type(decisions) is np.ndarray and decisions.dtype == np.int64
        assert_array_equal(decisions, apply_thresholds(top.to_csr(), theta))
        assert_array_equal(decisions, dense_decisions(S, theta))
    with pytest.raises(ValueError, match=r"shape \(12,\), one per label; got shape"):
        apply_thresholds(top, np.zeros(3))


def test_top_k_decisions_memory_is_a_mask_and_the_positives():
    # numpy's allocations are traced: through a CSR matrix of every slot
    # (with its coordinates, float64 scores and int64 decisions) the peak
    # was 28 bytes a slot; built from the (n, k) arrays it is one bool mask,
    # the row pointers and the positive decisions (plus a block's
    # temporaries).
    import tracemalloc

    n, k = 400_000, 10
    top = TopKScores(*padded_top_k(n, 3000, k, seed=1))
    theta = np.full(top.n_labels, 0.9)
    tracemalloc.start()
    try:
        decisions = apply_thresholds(top, theta)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    positives = decisions.nnz
    assert 0.05 * n * k < positives < 0.15 * n * k  # about 9%
    bound = n * k + 12 * positives + 16 * (n + 1) + 2**18 * 16
    assert peak < bound, (peak / bound, peak / (n * k))


def test_row_blocks_read_top_k_rows_dense():
    from skthresh.strategies._row_blocks import RowBlocks

    rng = np.random.default_rng(2)
    for dtype in (np.float32, np.float64):
        top, S = random_top_k(rng, dtype, n=50)
        Y = rng.random(S.shape) < 0.3
        blocks = RowBlocks(Y, top, rows=7)
        Y_all, S_all = blocks.arrays()
        assert S_all.dtype == dtype
        assert_array_equal(S_all, S)
        assert_array_equal(Y_all, Y)
        assert_array_equal(blocks.pos, Y.sum(0))


@pytest.mark.parametrize("strategy", ["global", "coordinate", "surrogate"])
def test_top_k_samples_average_bit_identical_to_csr_and_dense(strategy, monkeypatch):
    problems = [top_k_problem(seed, n=120, n_labels=10, k=3) for seed in range(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate labels
        expected = []
        for top, _, Y, S in problems:
            dense = learn_thresholds(
                Y, S, strategy=make_strategy(strategy), metric="f1_samples"
            )
            from_csr = learn_thresholds(
                sp.csr_matrix(Y),
                top.to_csr(),
                strategy=make_strategy(strategy),
                metric="f1_samples",
            )
            assert_array_equal(from_csr, dense)
            expected.append(dense)

        def no_csr(self):
            raise AssertionError("top-k scores converted to CSR")

        # Read by row blocks straight from the (n, k) arrays.
        monkeypatch.setattr(TopKScores, "to_csr", no_csr)
        for (top, lists, Y, _), dense in zip(problems, expected, strict=True):
            for labels in (lists, Y, sp.csr_matrix(Y)):
                found = learn_thresholds(
                    labels, top, strategy=make_strategy(strategy), metric="f1_samples"
                )
                assert_array_equal(found, dense)


def test_top_k_with_sample_weight_goes_through_the_csr():
    top, lists, Y, S = top_k_problem(7, n=150, n_labels=8, k=3)
    weights = np.random.default_rng(7).uniform(0.5, 2.0, 150)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate labels
        for metric in ("f1_micro", "f1_macro"):
            dense = learn_thresholds(
                Y, S, strategy="coordinate", metric=metric, sample_weight=weights
            )
            from_top = learn_thresholds(
                lists, top, strategy="coordinate", metric=metric, sample_weight=weights
            )
            assert_array_equal(from_top, dense)
