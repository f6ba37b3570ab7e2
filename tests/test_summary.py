"""Tests of ScoreSummary: equal thresholds from arrays, files, chunks, Dask, sparse."""

import logging

import dask.array as da
import numpy as np
import pytest
import scipy.sparse as sp
from dask.distributed import Client, LocalCluster
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import f1_score as sk_f1_score

from skthresh import (
    DegenerateLabelWarning,
    ScoreSummary,
    apply_thresholds,
    learn_thresholds,
)
from skthresh.datasets import make_tagging_scores
from skthresh.strategies import available_strategies

# Strategies that work on a summary, with hyper-parameters that keep them fast.
SUMMARY_STRATEGIES = {
    "coordinate": {},
    "global": {},
    "grid": {},
    "numerical": {"max_iter": 20},
    "heuristic": {"n_restarts": 2, "n_steps": 60, "random_state": 0},
    "surrogate": {"max_iter": 20},
    "default": {},
    "shrunk": {"random_state": 0},
}
METRICS = ["f1_micro", "f1_macro"]
N_SAMPLES, N_LABELS = 600, 12
# Uneven row chunks: sizes 1, 97, 2, 250 and the rest.
CUTS = [0, 1, 98, 100, 350, N_SAMPLES]


@pytest.fixture(scope="module", params=[np.float32, np.float64], ids=["f32", "f64"])
def problem(request):
    Y, S = make_tagging_scores(N_SAMPLES, N_LABELS, random_state=0, dtype=request.param)
    assert S.dtype == request.param
    n_pos = np.asarray(Y).sum(axis=0)
    assert ((n_pos > 0) & (n_pos < N_SAMPLES)).all()
    return Y, S


def uneven_chunks(Y, S, cuts=CUTS):
    return [(Y[a:b], S[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def memmaps(tmp_path, Y, S):
    np.save(tmp_path / "Y.npy", np.asarray(Y))
    np.save(tmp_path / "S.npy", S)
    Ym = np.load(tmp_path / "Y.npy", mmap_mode="r")
    Sm = np.load(tmp_path / "S.npy", mmap_mode="r")
    assert isinstance(Ym, np.memmap) and isinstance(Sm, np.memmap)
    return Ym, Sm


def assert_summaries_equal(a, b):
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    assert a.pos_values.dtype == b.pos_values.dtype
    assert_array_equal(sorted_rows(a), sorted_rows(b))
    assert_array_equal(a.pos, b.pos)
    assert_array_equal(a.pos_start, b.pos_start)
    assert_array_equal(a.pos_values, b.pos_values)


def sorted_rows(summary):
    """Each label's scores in ascending order, implicit zeros included."""
    labels = np.arange(summary.n_labels)[:, None]
    return summary.value_at(labels, np.arange(summary.n_samples)[None, :])


def reference_summary(Y, S):
    """The summary, built by hand from its definition."""
    Y = np.asarray(Y).astype(bool)
    values = np.sort(S.T, axis=1)
    pos = Y.sum(axis=0).astype(np.int64)
    pos_values = np.concatenate([np.sort(S[Y[:, j], j]) for j in range(Y.shape[1])])
    return values, pos, pos_values


# -- 1. bit-identical thresholds from every in-memory / on-disk construction -----


def test_summary_strategies_cover_the_registry():
    names = set(available_strategies())
    assert set(SUMMARY_STRATEGIES) <= names
    # Every registered strategy is either tested here or needs the matrix.
    assert names - set(SUMMARY_STRATEGIES) <= {"bagged"}


def test_summaries_equal_across_constructions(problem, tmp_path):
    Y, S = problem
    Yb = np.asarray(Y).astype(bool)
    ref = ScoreSummary(Yb, S)
    values, pos, pos_values = reference_summary(Y, S)
    assert ref.dtype == S.dtype
    assert ref.shape == S.shape
    assert_array_equal(ref.values, values)
    assert_array_equal(ref.pos, pos)
    assert_array_equal(ref.pos_values, pos_values)
    assert_array_equal(ref.pos_start, np.concatenate([[0], np.cumsum(pos)]))
    assert ref.min() == S.min() and ref.max() == S.max()

    Ym, Sm = memmaps(tmp_path, Y, S)
    others = [
        ScoreSummary.from_arrays(Y, S),
        ScoreSummary.from_arrays(Y, S, chunk_size=7),
        ScoreSummary.from_arrays(Ym, Sm),
        ScoreSummary.from_arrays(Ym, Sm, chunk_size=7),
        ScoreSummary.from_chunks(uneven_chunks(Y, S)),
        ScoreSummary.from_chunks(uneven_chunks(Y, S), n_samples=N_SAMPLES),
        ScoreSummary.from_chunks(iter(uneven_chunks(Y, S))),
        ScoreSummary.from_chunks((c for c in uneven_chunks(Y, S)), n_samples=N_SAMPLES),
        ScoreSummary.from_dask(
            da.from_array(np.asarray(Y), chunks=(97, 5)),
            da.from_array(S, chunks=(97, 5)),
        ),
    ]
    for other in others:
        assert_summaries_equal(other, ref)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("strategy", list(SUMMARY_STRATEGIES))
def test_thresholds_bit_identical_across_inputs(problem, tmp_path, strategy, metric):
    Y, S = problem
    params = SUMMARY_STRATEGIES[strategy]

    def learn(*args):
        return learn_thresholds(*args, strategy=strategy, metric=metric, **params)

    expected = learn(Y, S)
    assert expected.dtype == np.float64 and expected.shape == (N_LABELS,)
    assert np.isfinite(expected).all()

    Ym, Sm = memmaps(tmp_path, Y, S)
    results = {
        "memmap": learn(Ym, Sm),
        "chunks": learn(ScoreSummary.from_chunks(uneven_chunks(Y, S))),
        "chunks n_samples": learn(
            ScoreSummary.from_chunks(uneven_chunks(Y, S), n_samples=N_SAMPLES)
        ),
        "from_arrays chunk_size=7": learn(ScoreSummary.from_arrays(Y, S, chunk_size=7)),
    }
    for name, thresholds in results.items():
        assert_array_equal(thresholds, expected, err_msg=name)


# -- 2. Dask ----------------------------------------------------------------------


def dask_inputs(Y, S, chunks=(97, 5)):
    return da.from_array(np.asarray(Y), chunks=chunks), da.from_array(S, chunks=chunks)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("strategy", ["coordinate", "global", "surrogate"])
def test_dask_thresholds_bit_identical(problem, strategy, metric):
    Y, S = problem
    params = SUMMARY_STRATEGIES[strategy]
    expected = learn_thresholds(Y, S, strategy=strategy, metric=metric, **params)
    Yd, Sd = dask_inputs(Y, S)
    got = learn_thresholds(Yd, Sd, strategy=strategy, metric=metric, **params)
    assert_array_equal(got, expected)
    # Dask scores with in-memory labels, and a summary built by from_arrays.
    got = learn_thresholds(
        np.asarray(Y), Sd, strategy=strategy, metric=metric, **params
    )
    assert_array_equal(got, expected)
    # Labels chunked differently from the scores.
    Yd = da.from_array(np.asarray(Y), chunks=(50, 12))
    got = learn_thresholds(Yd, Sd, strategy=strategy, metric=metric, **params)
    assert_array_equal(got, expected)
    summary = ScoreSummary.from_arrays(Yd, Sd)
    assert_summaries_equal(summary, ScoreSummary.from_arrays(Y, S))


def test_dask_distributed_local_cluster():
    Y, S = make_tagging_scores(N_SAMPLES, N_LABELS, random_state=1)
    expected = {
        (strategy, metric): learn_thresholds(Y, S, strategy=strategy, metric=metric)
        for strategy in ("coordinate", "global")
        for metric in METRICS
    }
    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        Yd, Sd = dask_inputs(Y, S)
        for (strategy, metric), thresholds in expected.items():
            got = learn_thresholds(Yd, Sd, strategy=strategy, metric=metric)
            assert_array_equal(got, thresholds, err_msg=f"{strategy} {metric}")


# -- 3. sparse --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparse_problem():
    Y, S = make_tagging_scores(N_SAMPLES, N_LABELS, random_state=2)
    S = S.copy()
    S[S < 0.05] = 0
    assert (S == 0).mean() > 0.3  # a truly sparse matrix
    return Y, S


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("strategy", ["coordinate", "surrogate", "global"])
def test_sparse_scores_bit_identical(sparse_problem, strategy, metric):
    Y, S = sparse_problem
    params = SUMMARY_STRATEGIES[strategy]

    def learn(Y, S):
        return learn_thresholds(Y, S, strategy=strategy, metric=metric, **params)

    expected = learn(Y, S)
    assert_array_equal(learn(Y, sp.csr_matrix(S)), expected)
    assert_array_equal(learn(Y, sp.csc_matrix(S)), expected)
    # Sparse labels, with dense or sparse scores.
    assert_array_equal(learn(sp.csr_matrix(np.asarray(Y)), S), expected)
    assert_array_equal(learn(sp.csr_matrix(np.asarray(Y)), sp.csr_matrix(S)), expected)


def test_sparse_summary_equals_dense_summary(sparse_problem):
    Y, S = sparse_problem
    dense = ScoreSummary.from_arrays(Y, S)
    assert_summaries_equal(ScoreSummary.from_arrays(Y, sp.csr_matrix(S)), dense)
    assert_summaries_equal(
        ScoreSummary.from_arrays(sp.csr_matrix(np.asarray(Y)), sp.csr_matrix(S)),
        dense,
    )
    assert_summaries_equal(
        ScoreSummary.from_arrays(Y, sp.csr_matrix(S), chunk_size=7), dense
    )


def test_apply_thresholds_sparse(sparse_problem):
    _, S = sparse_problem
    csr = sp.csr_matrix(S)
    rng = np.random.default_rng(0)
    thresholds = rng.uniform(0.0, 0.8, N_LABELS)
    thresholds[0] = 0.0  # missing entries (0) stay negative at a threshold of 0
    thresholds[1] = S[S[:, 1] > 0, 1][0]  # equal to a score: negative
    decisions = apply_thresholds(csr, thresholds)
    assert sp.issparse(decisions) and decisions.format == "csr"
    expected = (S > thresholds).astype(np.int64)
    assert_array_equal(decisions.toarray(), expected)
    assert decisions.nnz == expected.sum()  # no stored zeros
    # A negative threshold makes the missing entries positive: dense result.
    thresholds[2] = -0.1
    decisions = apply_thresholds(csr, thresholds)
    assert isinstance(decisions, np.ndarray) and not sp.issparse(decisions)
    assert_array_equal(decisions, (S > thresholds).astype(np.int64))
    assert decisions[:, 2].all()


# -- 4. counts and scores against brute force -------------------------------------


@pytest.fixture(scope="module")
def tied_problem():
    Y, S = make_tagging_scores(400, 9, random_state=3)
    S = np.round(S * 20) / 20  # heavy ties
    assert np.unique(S[:, 0]).size < 30
    return np.asarray(Y).astype(bool), S


def test_counts_match_brute_force(tied_problem):
    Y, S = tied_problem
    summary = ScoreSummary.from_chunks(uneven_chunks(Y, S, [0, 33, 250, 400]))
    rng = np.random.default_rng(0)
    n_labels = S.shape[1]
    candidates = [
        S[rng.integers(0, len(S), n_labels), np.arange(n_labels)],  # equal to scores
        S[rng.integers(0, len(S), n_labels), np.arange(n_labels)],
        rng.uniform(-0.1, 1.1, n_labels),
        np.full(n_labels, S.min()),  # everything but the lowest scores
        np.full(n_labels, S.max()),  # nothing
        np.nextafter(S.min(axis=0), -np.inf),  # everything
        S.min(axis=0) - 1.0,
        S.max(axis=0) + 1.0,
    ]
    for t in candidates:
        t = np.asarray(t, dtype=np.float64)
        tp, pp = summary.counts(t)
        assert_array_equal(tp, ((S > t) & Y).sum(axis=0))
        assert_array_equal(pp, (S > t).sum(axis=0))
        for average in ("micro", "macro"):
            expected = sk_f1_score(Y, S > t, average=average, zero_division=0)
            assert_allclose(summary.score(f"f1_{average}", t), expected, rtol=1e-12)
    # Several thresholds per label at once, shape (n_labels, k).
    T = S[rng.integers(0, len(S), (n_labels, 5)), np.arange(n_labels)[:, None]]
    tp, pp = summary.counts(T)
    assert tp.shape == pp.shape == T.shape
    for k in range(T.shape[1]):
        assert_array_equal(tp[:, k], ((S > T[:, k]) & Y).sum(axis=0))
        assert_array_equal(pp[:, k], (S > T[:, k]).sum(axis=0))
    # label_counts of one label.
    tp, pp = summary.label_counts(4, T[4])
    assert_array_equal(tp, ((S[:, 4, None] > T[4]) & Y[:, 4, None]).sum(axis=0))
    assert_array_equal(pp, (S[:, 4, None] > T[4]).sum(axis=0))


def test_counts_float32_threshold_between_scores():
    # A float64 threshold that rounds to a float32 score must not tie with it.
    S = np.array([[0.1], [0.2], [0.3]], dtype=np.float32)
    Y = np.array([[1], [0], [1]])
    summary = ScoreSummary.from_arrays(Y, S)
    for t in (np.float64(S[1, 0]), np.nextafter(np.float64(S[1, 0]), -np.inf)):
        tp, pp = summary.counts(np.array([t]))
        assert_array_equal(pp, (S > t).sum(axis=0))
        assert_array_equal(tp, ((S > t) & (Y == 1)).sum(axis=0))


def test_take_labels_and_positive_cuts(tied_problem):
    Y, S = tied_problem
    summary = ScoreSummary.from_arrays(Y, S, chunk_size=7)
    labels = np.array([5, 0, 8, 2])
    assert_summaries_equal(
        summary.take_labels(labels),
        ScoreSummary.from_arrays(Y[:, labels], S[:, labels]),
    )
    mask = np.zeros(S.shape[1], dtype=bool)
    mask[[1, 4]] = True
    assert_summaries_equal(
        summary.take_labels(mask), ScoreSummary.from_arrays(Y[:, mask], S[:, mask])
    )
    # Every cut's counts are the counts at its threshold.
    label, tp, pp, thr, start = summary.positive_cuts()
    assert start[0] == 0 and start[-1] == label.size
    assert_array_equal(tp, ((S[:, label] > thr) & Y[:, label]).sum(axis=0))
    assert_array_equal(pp, (S[:, label] > thr).sum(axis=0))
    for j in range(S.shape[1]):
        cuts = slice(start[j], start[j + 1])
        assert (label[cuts] == j).all()
        assert pp[start[j]] == 0  # the empty cut first
        assert (np.diff(thr[cuts]) < 0).all()  # decreasing thresholds
        # One cut per distinct positive score, plus the empty one.
        assert start[j + 1] - start[j] == np.unique(S[Y[:, j], j]).size + 1


# -- 5. errors --------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    Y, S = make_tagging_scores(60, 4, random_state=4)
    return np.asarray(Y), S


def test_from_chunks_errors(tiny):
    Y, S = tiny
    with pytest.raises(ValueError, match=r"same number of labels; chunk 1 has 3"):
        ScoreSummary.from_chunks([(Y[:20], S[:20]), (Y[20:, :3], S[20:, :3])])
    with pytest.raises(
        ValueError, match=r"same shape .*\(20, 3\).*\(20, 4\).* chunk 1"
    ):
        ScoreSummary.from_chunks([(Y[:20], S[:20]), (Y[20:40, :3], S[20:40])])
    with pytest.raises(ValueError, match=r"at least one \(Y, scores\) chunk"):
        ScoreSummary.from_chunks([])
    with pytest.raises(ValueError, match=r"at least one \(Y, scores\) chunk"):
        ScoreSummary.from_chunks(iter(()))
    S_nan = S.copy()
    S_nan[45, 2] = np.nan
    with pytest.raises(
        ValueError, match=r"scores of chunk 2 must be finite; found 1 NaN"
    ):
        ScoreSummary.from_chunks(uneven_chunks(Y, S_nan, [0, 20, 40, 60]))
    with pytest.raises(ValueError, match=r"chunk 1 is int"):
        ScoreSummary.from_chunks([(Y, S), 3])
    with pytest.raises(ValueError, match=r"The chunks hold 40 rows; n_samples=60"):
        ScoreSummary.from_chunks([(Y[:20], S[:20]), (Y[20:40], S[20:40])], n_samples=60)
    with pytest.raises(ValueError, match=r"more than n_samples=50 rows"):
        ScoreSummary.from_chunks(uneven_chunks(Y, S, [0, 20, 40, 60]), n_samples=50)


def test_from_arrays_errors(tiny):
    Y, S = tiny
    with pytest.raises(ValueError, match=r"chunk_size must be an integer >= 1"):
        ScoreSummary.from_arrays(Y, S, chunk_size=0)
    with pytest.raises(ValueError, match=r"look transposed"):
        ScoreSummary.from_arrays(Y.T, S)
    with pytest.raises(ValueError, match=r"same shape"):
        ScoreSummary.from_dask(da.from_array(Y[:, :3]), da.from_array(S))


def test_dask_unknown_chunk_sizes(tiny):
    Y, S = tiny
    # Rows filtered by a mask: chunk sizes unknown until computed.
    Yd, Sd = dask_inputs(Y, S, chunks=(20, 4))
    keep = Sd[:, 0] > -1.0
    for Y_in in (Yd[keep], Yd):
        with pytest.raises(ValueError, match=r"known chunk sizes.*compute_chunk_sizes"):
            ScoreSummary.from_dask(Y_in, Sd[keep])


def test_learn_thresholds_summary_errors(tiny):
    Y, S = tiny
    summary = ScoreSummary.from_arrays(Y, S)
    with pytest.raises(ValueError, match=r"Pass Y_true and scores, or a ScoreSummary"):
        learn_thresholds(summary, S, strategy="coordinate")
    with pytest.raises(ValueError, match=r"Pass Y_true and scores, or a ScoreSummary"):
        learn_thresholds(Y, strategy="coordinate")
    with pytest.raises(ValueError, match=r"samples average, which need the score"):
        learn_thresholds(summary, strategy="coordinate", metric="f1_samples")
    with pytest.raises(ValueError, match=r"cannot work on a ScoreSummary"):
        learn_thresholds(summary, strategy="bagged")
    with pytest.raises(
        ValueError, match=r"\(mode='dense'\) needs the score matrix and cannot work"
    ):
        learn_thresholds(summary, strategy="surrogate", mode="dense")

    def metric(Y_true, Y_pred):
        return float((Y_true == Y_pred).mean())

    with pytest.raises(ValueError, match=r"not a callable metric"):
        learn_thresholds(summary, strategy="coordinate", metric=metric)


def test_dask_without_a_counts_metric_is_read_by_blocks_of_rows(tiny):
    # Strategies and metrics that need more than per-label counts read the
    # Dask arrays a block of rows at a time: the thresholds of the arrays.
    Y, S = tiny
    Yd, Sd = dask_inputs(Y, S, chunks=(20, 4))
    cases = [
        ("coordinate", "f1_samples", {}),
        ("bagged", "f1_micro", {"random_state": 0}),
    ]
    for strategy, metric, params in cases:
        with pytest.warns(DegenerateLabelWarning):  # tiny has such labels
            expected = learn_thresholds(
                Y, S, strategy=strategy, metric=metric, **params
            )
        with pytest.warns(DegenerateLabelWarning):
            got = learn_thresholds(Yd, Sd, strategy=strategy, metric=metric, **params)
        assert_array_equal(got, expected)


# -- 6. mixed float types ---------------------------------------------------------


@pytest.mark.parametrize("n_samples", [None, N_SAMPLES])
@pytest.mark.parametrize("first", [np.float32, np.float64])
def test_mixed_dtypes_widen_to_float64(n_samples, first):
    Y, S64 = make_tagging_scores(N_SAMPLES, N_LABELS, random_state=5, dtype=np.float64)
    other = np.float64 if first == np.float32 else np.float32
    dtypes = [first, other, first, other, first]
    chunks = [
        (Y[a:b], S64[a:b].astype(dtype))
        for (a, b), dtype in zip(
            zip(CUTS[:-1], CUTS[1:], strict=True), dtypes, strict=True
        )
    ]
    # The float64 matrix of the same (rounded) scores.
    S = np.concatenate([s.astype(np.float64) for _, s in chunks])
    assert not np.array_equal(S, S64)  # rounding to float32 did change scores
    summary = ScoreSummary.from_chunks(chunks, n_samples=n_samples)
    assert summary.dtype == np.float64
    assert_summaries_equal(summary, ScoreSummary.from_arrays(Y, S))
    for strategy in ("coordinate", "global"):
        assert_array_equal(
            learn_thresholds(summary, strategy=strategy),
            learn_thresholds(Y, S, strategy=strategy),
        )


def test_widening_ignores_rows_not_yet_filled(monkeypatch):
    # With n_samples, the rows after a first float32 chunk are not filled yet
    # when a float64 chunk widens the summary. Whatever that uninitialized
    # memory holds (here signalling NaNs) must neither warn nor reach the result.
    real_empty = np.empty

    def empty_holding_snan(*args, **kwargs):
        out = real_empty(*args, **kwargs)
        if out.dtype == np.float32:
            out.view(np.uint32)[...] = 0x7F800001
        return out

    Y = np.tile([[1, 0], [0, 1], [1, 1], [0, 0]], (50, 1))
    S = np.linspace(0.0, 1.0, Y.size).reshape(Y.shape)
    chunks = [(Y[:10], S[:10].astype(np.float32)), (Y[10:], S[10:])]
    expected = ScoreSummary.from_arrays(
        Y, np.concatenate([S[:10].astype(np.float32).astype(np.float64), S[10:]])
    )
    monkeypatch.setattr(np, "empty", empty_holding_snan)
    summary = ScoreSummary.from_chunks(chunks, n_samples=len(Y))
    monkeypatch.undo()
    assert_summaries_equal(summary, expected)


# -- 7. rare and degenerate labels ------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("strategy", ["coordinate", "global", "grid", "surrogate"])
def test_degenerate_labels_dense_equals_chunked(tmp_path, strategy, metric):
    Y, S = make_tagging_scores(N_SAMPLES, N_LABELS, random_state=6)
    Y = np.asarray(Y).copy()
    Y[:, 3] = 0  # no positive
    Y[:, 7] = 1  # no negative
    n_pos = Y.sum(axis=0)
    min_positives = int(np.sort(n_pos[n_pos > 0])[2]) + 1  # a few more rare labels
    params = dict(
        SUMMARY_STRATEGIES[strategy], metric=metric, min_positives=min_positives
    )
    params["strategy"] = strategy
    with pytest.warns(DegenerateLabelWarning, match=r"2 label\(s\).*indices 3\b.*7\b"):
        expected = learn_thresholds(Y, S, **params)
    Ym, Sm = memmaps(tmp_path, Y, S)
    inputs = {
        "chunks": (ScoreSummary.from_chunks(uneven_chunks(Y, S)),),
        "chunks n_samples": (
            ScoreSummary.from_chunks(uneven_chunks(Y, S), n_samples=N_SAMPLES),
        ),
        "memmap": (Ym, Sm),
        "dask": dask_inputs(Y, S),
    }
    for name, args in inputs.items():
        match = r"2 label\(s\).*indices 3\b.*7\b"
        with pytest.warns(DegenerateLabelWarning, match=match):
            got = learn_thresholds(*args, **params)
        assert_array_equal(got, expected, err_msg=name)
    # Rare labels and the label without positives share one threshold; the
    # label without negatives is positive for every sample.
    rare = n_pos < min_positives
    assert rare.sum() >= 3
    assert np.unique(expected[rare]).size == 1
    if strategy == "global":  # one threshold for every label
        assert expected[7] == expected[rare][0]
    else:
        assert (S[:, 7] > expected[7]).all() and expected[7] not in expected[rare]


def test_errors_count_rows_from_the_start(tmp_path):
    # A NaN in a later chunk is reported at its row in the whole matrix.
    rng = np.random.default_rng(0)
    Y = rng.random((50, 3)) < 0.3
    S = rng.random((50, 3))
    S[37, 2] = np.nan
    chunks = [(Y[i : i + 10], S[i : i + 10]) for i in range(0, 50, 10)]
    with pytest.raises(ValueError, match="scores of chunk 3 .* at row 37, label 2"):
        ScoreSummary.from_chunks(chunks)
    np.save(tmp_path / "s.npy", S)
    S_map = np.load(tmp_path / "s.npy", mmap_mode="r")
    with pytest.raises(
        ValueError, match=r"^scores must be finite.* at row 37, label 2"
    ):
        ScoreSummary.from_arrays(Y, S_map, chunk_size=10)


@pytest.mark.parametrize("seed", range(20))
def test_label_view_shares_memory_and_restores(seed):
    # Rare labels are held by viewing the others in place, not by copying.
    rng = np.random.default_rng(seed)
    n, n_labels = rng.integers(1, 30), rng.integers(1, 8)
    Y = rng.random((n, n_labels)) < rng.random()
    S = rng.random((n, n_labels)).astype(np.float32)
    summary = ScoreSummary.from_chunks([(Y, S)])
    values, pos_values = summary.values.copy(), summary.pos_values.copy()
    keep = rng.random(n_labels) < 0.6
    # take_labels shares the scores that the view moves: read it first.
    copied = summary.take_labels(keep)
    expected = [copied.values.copy(), copied.pos_values.copy(), copied.pos.copy()]
    with summary._label_view(keep) as view:
        assert_array_equal(view.values, expected[0])
        assert_array_equal(view.pos_values, expected[1])
        assert_array_equal(view.pos, expected[2])
        if keep.any():  # rows that follow each other: values is not a copy
            assert np.shares_memory(view.values, summary._flat)
        if keep.any():
            assert np.shares_memory(view._flat, summary._flat)
    assert_array_equal(summary.values, values)
    assert_array_equal(summary.pos_values, pos_values)


def test_learning_leaves_a_summary_unchanged():
    rng = np.random.default_rng(0)
    Y = rng.random((200, 6)) < 0.3
    Y[:, 1] = False  # degenerate: held while the others are learned
    Y[:3, 4], Y[3:, 4] = True, False  # rare with min_positives=5
    S = rng.random((200, 6))
    summary = ScoreSummary.from_chunks([(Y, S)])
    values, pos_values = summary.values.copy(), summary.pos_values.copy()
    with pytest.warns(DegenerateLabelWarning):
        learned = learn_thresholds(summary, strategy="coordinate", min_positives=5)
    assert_array_equal(summary.values, values)
    assert_array_equal(summary.pos_values, pos_values)
    with pytest.warns(DegenerateLabelWarning):
        dense = learn_thresholds(Y, S, strategy="coordinate", min_positives=5)
    assert_array_equal(learned, dense)


_Y4 = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
_S4 = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.5], [0.3, 0.1]])


@pytest.mark.parametrize(
    "Y, S",
    [
        pytest.param(_Y4, np.where(_S4 > 0.8, np.nan, _S4), id="nan-scores"),
        pytest.param(np.where(_Y4 == 1, 2, 0), _S4, id="label-2"),
        pytest.param(_Y4[None], _S4[None], id="3-d"),
        pytest.param(_Y4[:, :1], _S4, id="shape-mismatch"),
        pytest.param(_Y4, _S4.astype(str), id="text-scores"),
    ],
)
def test_public_constructor_validates_like_learn_thresholds(Y, S):
    with pytest.raises(ValueError) as from_learn:
        learn_thresholds(Y, S, strategy="coordinate")
    with pytest.raises(ValueError) as from_summary:
        ScoreSummary(Y, S)
    assert str(from_summary.value) == str(from_learn.value)


def test_public_constructor_takes_what_learn_thresholds_takes():
    # 1-D arrays are one label; nested lists are arrays.
    one = ScoreSummary(_Y4[:, 0], _S4[:, 0])
    assert one.shape == (4, 1)
    lists = ScoreSummary(_Y4.tolist(), _S4.tolist())
    assert np.array_equal(lists.values, ScoreSummary(_Y4, _S4).values)


def test_summary_build_reports_progress_from_the_start(capsys):
    Y, S = make_tagging_scores(300, 5, random_state=0)
    seen_before_first_chunk = []

    def chunks():
        seen_before_first_chunk.append(capsys.readouterr().out)
        for start in range(0, 300, 100):
            yield Y[start : start + 100], S[start : start + 100]

    ScoreSummary.from_chunks(chunks(), n_samples=300, verbose=2)
    assert seen_before_first_chunk == [
        "[ScoreSummary] summarizing the scores of 300 samples: reading rows\n"
    ]
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines[:3]] == [
        "[ScoreSummary] chunk 1: 100 of 300 rows read",
        "[ScoreSummary] chunk 2: 200 of 300 rows read",
        "[ScoreSummary] chunk 3: 300 of 300 rows read",
    ]
    assert "sorting each label's scores" in lines[3]
    assert lines[4].startswith("[ScoreSummary] built: 300 samples x 5 labels in ")


def test_strategy_verbose_reports_the_summary_build_first(capsys):
    rng = np.random.default_rng(0)
    Y = rng.random((300, 5)) < 0.3
    S = np.clip(0.4 * Y + 0.6 * rng.random((300, 5)), 0, 1)
    learn_thresholds(Y, S, strategy="coordinate", verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[ScoreSummary] summarizing the scores of 300")
    first_sweep = next(
        i for i, line in enumerate(lines) if "[CoordinateAscent]" in line
    )
    assert any("[ScoreSummary] built" in line for line in lines[:first_sweep])
    # Streamed inputs report their chunks too; verbose=0 prints nothing.
    learn_thresholds(sp.csr_matrix(Y), sp.csr_matrix(S), strategy="coordinate")
    assert capsys.readouterr().out == ""
    learn_thresholds(
        sp.csr_matrix(Y), sp.csr_matrix(S), strategy="coordinate", verbose=1
    )
    assert "[ScoreSummary] built: 300 samples x 5 labels" in capsys.readouterr().out


@pytest.mark.parametrize("sparse", [False, True])
def test_stored_blocks_of_some_labels_are_views(sparse):
    # A summary of some labels (rare labels held) must not gather a copy of
    # every stored score to sweep them: that took 3.5 times the matrix.
    rng = np.random.default_rng(0)
    Y = rng.random((300, 9)) < 0.3
    S = rng.random((300, 9)).astype(np.float32)
    if sparse:
        S[S < 0.5] = 0
        S = sp.csr_matrix(S)
    summary = ScoreSummary.from_arrays(Y, S)
    part = summary.take_labels(np.array([0, 2, 3, 7]))
    blocks = list(part.stored_blocks(max_bytes=64))
    assert all(np.shares_memory(block, summary._flat) for block in blocks)
    flat, _ = part.stored()
    assert_array_equal(np.concatenate(blocks), flat)
