"""Per-label score summaries: exact counts above any threshold, built in chunks."""

import contextlib
import numbers

import numpy as np

from skthresh._cuts import midpoint, search_segments
from skthresh._summary_build import (
    CHUNK_BYTES,
    DenseBuilder,
    Progress,
    SparseBuilder,
    check_sparse_chunk,
    check_sparse_indicator,
    is_sparse,
    rows_follow,
    rows_in_place,
    set_dense,
    set_ragged,
)
from skthresh._top_k import TopKScores, label_lists_to_csr
from skthresh._validation import (
    check_indicator,
    check_scores,
    check_tuning_data,
    raise_shape_mismatch,
)
from skthresh.metrics import check_metric


class ScoreSummary:
    """Each label's scores sorted once, for exact counts at any threshold.

    Every strategy with an F-beta metric averaged over labels (micro or
    macro) needs only, for each label and threshold ``t``, the number of
    scores above ``t`` and how many of them are positive. A summary holds,
    for every label, all its scores in ascending order and its positive
    samples' scores in ascending order; both counts are then binary
    searches, ``O(log n_samples)``, instead of a pass over the scores.

    A summary is the same (bit for bit) whatever way the scores arrived:
    a matrix, a memory-mapped file read in chunks, an iterable of chunks,
    a scipy sparse matrix or a Dask array. Strategies that work on the
    summary therefore give identical thresholds from all of them.

    Build one with :meth:`from_arrays`, :meth:`from_chunks` or
    :meth:`from_dask`; pass it to :func:`~skthresh.learn_thresholds` as
    ``Y_true`` (with ``scores=None``) to learn thresholds from it.

    Parameters
    ----------
    Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True 0/1 labels.
    S : array-like or torch tensor of shape (n_samples, n_labels)
        Scores. Both are validated as :func:`~skthresh.learn_thresholds`
        validates them, with the same messages.

    Attributes
    ----------
    n_samples, n_labels : int
        Shape of the score matrix summarized.
    values : ndarray of shape (n_labels, n_samples)
        Row ``j``: label ``j``'s scores in ascending order, in the scores'
        float type (float32 or float64). Only for summaries without
        implicit zeros (see :attr:`is_sparse`); read any summary's scores
        with :meth:`value_at` and :meth:`rank_of`.
    pos : ndarray of int64 of shape (n_labels,)
        Positive samples of each label.
    pos_values : ndarray of shape (pos.sum(),)
        Each label's positive scores in ascending order, label after label.
    pos_start : ndarray of int64 of shape (n_labels + 1,)
        Label ``j``'s positive scores are ``pos_values[pos_start[j]:pos_start[j + 1]]``.

    Notes
    -----
    Sparse scores (a scipy sparse matrix, chunks of them, Dask blocks of
    them, or :class:`~skthresh.TopKScores`) are summarized by their stored
    entries only: each label keeps its stored scores, sorted, and the
    number of its implicit zeros, so memory is proportional to the stored
    entries, not to ``n_samples * n_labels``. Every count, and so every
    threshold learned from the summary, is the same as from the dense
    matrix.

    Memory of dense scores: one copy of the scores, plus the positive
    scores. Building it costs a transposed copy of the scores, chunk by
    chunk, and one sort of each label's scores, in place and in up to four
    threads: the scores are never copied twice. That is about twenty
    passes over the score matrix (a pass being ``(S > t).sum(0)``) at
    20,000 x 527.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import ScoreSummary, learn_thresholds
    >>> Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    >>> S = np.array([[.9, .2], [.4, .7], [.6, .5], [.3, .1]])
    >>> chunks = [(Y[:2], S[:2]), (Y[2:], S[2:])]
    >>> summary = ScoreSummary.from_chunks(chunks)
    >>> summary.counts(np.array([.5, .5]))  # (true, predicted) positives
    (array([2, 1]), array([2, 1]))
    >>> learn_thresholds(summary, strategy="coordinate")
    array([0.5 , 0.35])
    """

    def __init__(self, Y, S):
        if is_sparse(S) or _is_top_k(S):
            self.__dict__.update(type(self).from_arrays(Y, S).__dict__)
            return
        Y, S = check_tuning_data(Y, S)
        self._fill(Y, S)

    @classmethod
    def _of_validated(cls, Y, S, verbose=0):
        """A summary of matrices already validated by ``check_tuning_data``."""
        summary = cls.__new__(cls)
        summary._fill(Y, S, verbose)
        return summary

    def _fill(self, Y, S, verbose=0):
        progress = Progress(verbose, S.shape[0])
        builder = DenseBuilder(S.shape[1], S.shape[0], S.dtype)
        rows = max(1, CHUNK_BYTES // max(1, S.shape[1] * S.dtype.itemsize))
        for i, start in enumerate(range(0, S.shape[0], rows)):
            builder.add(Y[start : start + rows], S[start : start + rows])
            progress.chunk(i, builder.filled)
        progress.sorting(builder.filled)
        builder.finish(self)
        progress.done(self)

    # -- construction -----------------------------------------------------------

    @classmethod
    def from_arrays(cls, Y, scores, *, chunk_size=None, verbose=0):
        """Summarize a label matrix and a score matrix, chunk by chunk.

        Parameters
        ----------
        Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels (with top-k scores, also a list of label-index
            lists, see :class:`~skthresh.TopKScores`).
        scores : {array-like, sparse matrix, TopKScores} of shape \
                (n_samples, n_labels)
            Scores: a numpy array, a ``numpy.memmap`` (read chunk by
            chunk, never loaded whole), a scipy sparse matrix, whose
            missing entries are scores of 0 (as when a large tagger's
            scores below a floor are dropped), or a
            :class:`~skthresh.TopKScores`. Sparse and top-k scores give a
            summary of their stored entries only (see Notes of the class).
        chunk_size : int or None, default=None
            Rows read at once; by default about 64 MB of scores.
        verbose : int, default=0
            Print progress: 1 a line at the start, about one a second while
            rows are read, and one when done; 2 a line per chunk.

        Returns
        -------
        summary : ScoreSummary
        """
        if is_dask(scores) or is_dask(Y):
            return cls.from_dask(Y, scores, verbose=verbose)
        if _is_top_k(scores):
            if isinstance(Y, list | tuple):
                Y = label_lists_to_csr(Y, *scores.shape)
            shape_y = _shape_of(Y, "Y")
            if shape_y != scores.shape:
                raise_shape_mismatch(shape_y, scores.shape)
            # One chunk: the entries are read from the two arrays directly.
            return cls.from_chunks([(Y, scores)], verbose=verbose, _whole=True)
        if hasattr(scores, "tocsr"):
            scores = scores.tocsr()
        if hasattr(Y, "tocsr"):
            Y = Y.tocsr()
        n_samples, n_labels = _shape_of(scores, "scores")
        if n_samples == 0 or n_labels == 0:
            raise ValueError(
                "scores must have at least one sample and one label; got shape "
                f"{(n_samples, n_labels)}."
            )
        if chunk_size is None:
            chunk_size = max(1, CHUNK_BYTES // (8 * max(1, n_labels)))
        chunk_size = _check_chunk_size(chunk_size)
        shape_y = _shape_of(Y, "Y")
        if shape_y != (n_samples, n_labels):
            raise_shape_mismatch(shape_y, (n_samples, n_labels))
        chunks = (
            (_rows(Y, start, chunk_size), _rows(scores, start, chunk_size))
            for start in range(0, n_samples, chunk_size)
        )
        return cls.from_chunks(
            chunks, n_samples=n_samples, verbose=verbose, _whole=True
        )

    @classmethod
    def from_chunks(cls, chunks, *, n_samples=None, verbose=0, _whole=False):
        """Summarize an iterable of ``(Y, scores)`` chunks of rows.

        Parameters
        ----------
        chunks : iterable of (Y, scores)
            Consecutive blocks of samples; each ``Y`` a 0/1 matrix and each
            ``scores`` a matrix, a sparse matrix or a
            :class:`~skthresh.TopKScores` of shape ``(n_rows, n_labels)``,
            the same ``n_labels`` throughout. If the first chunk's scores
            are sparse, the summary keeps the stored entries only (dense
            chunks after it are added as sparse ones).
        n_samples : int or None, default=None
            Total number of rows, if known: the summary is then filled in
            place (memory of one copy of the scores); otherwise the chunks
            are kept and joined at the end (two copies at the peak).
        verbose : int, default=0
            Print progress: 1 a line at the start, about one a second while
            chunks are read, and one when done; 2 a line per chunk.

        Returns
        -------
        summary : ScoreSummary
        """
        progress = Progress(verbose, n_samples)
        builder = None
        for i, chunk in enumerate(chunks):
            try:
                Y_chunk, S_chunk = chunk
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"chunks must yield (Y, scores) pairs; chunk {i} is "
                    f"{type(chunk).__name__}."
                ) from exc
            # Rows in messages count from the first chunk's first row.
            first = 0 if builder is None else builder.filled
            of = "" if _whole else f" of chunk {i}"
            top_k = _is_top_k(S_chunk)
            if top_k and (builder is None or builder.sparse):
                # Summarized from its (n, k) arrays, never as a CSR matrix.
                Y_chunk = check_sparse_indicator(Y_chunk, name=f"Y{of}")
                if Y_chunk.shape != S_chunk.shape:
                    raise_shape_mismatch(
                        Y_chunk.shape,
                        S_chunk.shape,
                        f" in chunk {i}",
                        names=(f"Y{of}", f"scores{of}"),
                    )
                if builder is None:
                    builder = SparseBuilder(S_chunk.n_labels, S_chunk.scores.dtype)
                builder.add_top_k(Y_chunk, S_chunk.indices, S_chunk.scores, index=i)
                progress.chunk(i, builder.filled)
                continue
            if top_k:
                S_chunk = S_chunk.to_csr()
            sparse = is_sparse(S_chunk) if builder is None else builder.sparse
            if sparse:
                Y_chunk, S_chunk = check_sparse_chunk(
                    Y_chunk,
                    S_chunk,
                    names=(f"Y{of}", f"scores{of}"),
                    row_offset=first,
                    where=f" in chunk {i}",
                )
            else:
                S_chunk = check_scores(S_chunk, name=f"scores{of}", row_offset=first)
                Y_chunk = check_indicator(Y_chunk, name=f"Y{of}")
            if Y_chunk.shape != S_chunk.shape:
                raise_shape_mismatch(Y_chunk.shape, S_chunk.shape, f" in chunk {i}")
            if builder is None and sparse:
                builder = SparseBuilder(S_chunk.shape[1], S_chunk.dtype)
            elif builder is None:
                builder = DenseBuilder(S_chunk.shape[1], n_samples, S_chunk.dtype)
            builder.add(Y_chunk, S_chunk, index=i)
            progress.chunk(i, builder.filled)
        if builder is None:
            raise ValueError("chunks must hold at least one (Y, scores) chunk.")
        progress.sorting(builder.filled)
        if builder.sparse:
            summary = builder.finish(cls.__new__(cls), n_samples)
        else:
            summary = builder.finish(cls.__new__(cls))
        progress.done(summary)
        return summary

    @classmethod
    def from_dask(cls, Y, scores, *, verbose=0):
        """Summarize Dask arrays, one block of rows at a time.

        Each block of rows is computed (on the cluster of the active
        ``dask.distributed`` client, if any) and sorted into the summary
        as it arrives; the whole matrix is never gathered. Requires
        ``dask[array]`` (``pip install skthresh[dask]``).

        Parameters
        ----------
        Y : dask array or array-like of shape (n_samples, n_labels)
            True 0/1 labels.
        scores : dask array of shape (n_samples, n_labels)
            Scores, chunked along rows (any chunking of the labels is
            merged per block of rows). Blocks may be scipy sparse
            matrices: the summary then keeps their stored entries only,
            as :meth:`from_chunks` does for sparse chunks.
        verbose : int, default=0
            Print progress, as :meth:`from_chunks` does.

        Returns
        -------
        summary : ScoreSummary
        """
        import dask
        import dask.array as da

        S = da.asarray(scores)
        Yd = da.asarray(Y)
        for name, array in (("scores", S), ("Y", Yd)):
            if any(np.isnan(c).any() for c in array.chunks):
                raise ValueError(
                    f"{name} must have known chunk sizes; call "
                    f"{name}.compute_chunk_sizes() first."
                )
        if S.ndim != 2 or Yd.shape != S.shape:
            raise_shape_mismatch(Yd.shape, S.shape)
        Yd = Yd.rechunk({0: S.chunks[0], 1: -1})
        S = S.rechunk({1: -1})
        pairs = zip(Yd.to_delayed().ravel(), S.to_delayed().ravel(), strict=True)

        def blocks():
            # One block of rows at a time: memory of one block besides the
            # summary; each block's graph runs on the active scheduler.
            for pair in pairs:
                yield dask.compute(*pair)

        return cls.from_chunks(
            blocks(), n_samples=int(S.shape[0]), verbose=verbose, _whole=True
        )

    # -- counts -----------------------------------------------------------------

    @property
    def dtype(self):
        """The float type of the scores summarized."""
        return self.pos_values.dtype if self._flat.size == 0 else self._flat.dtype

    @property
    def pos_weight(self):
        """The count behind each label's positives in a metric: :attr:`pos`.

        A summary of weighted samples gives their weights instead; code
        that computes a metric reads this, code that places cuts reads
        :attr:`pos`.
        """
        return self.pos

    @property
    def shape(self):
        """``(n_samples, n_labels)`` of the score matrix summarized."""
        return (self.n_samples, self.n_labels)

    @property
    def is_sparse(self):
        """Whether the summary keeps implicit zeros as counts (sparse scores)."""
        return self._has_zeros

    @property
    def values(self):
        """Each label's scores in ascending order, of shape (n_labels, n_samples)."""
        if self._has_zeros:
            raise ValueError(
                "This summary of sparse scores keeps only the stored entries; read "
                "its scores with value_at() and rank_of()."
            )
        n, start = self.n_samples, self._start
        if n == 0:
            return self._flat[:0].reshape(self.n_labels, 0)
        if self.n_labels and (start == start[0] + n * np.arange(start.size)).all():
            return self._flat[start[0] : start[0] + n * start.size].reshape(-1, n)
        return self._flat[start[:, None] + np.arange(n)]

    def _with_zeros_written(self):
        """This summary with its implicit zeros written out as scores.

        For the code that still reads :attr:`values` (operating points, the
        folds of ``"shrunk"``): a sparse summary becomes the dense summary
        of the same scores, of ``n_samples * n_labels`` scores in memory; a
        dense summary is returned as it is.
        """
        if not self._has_zeros:
            return self
        n = self.n_samples
        values = np.empty((self.n_labels, n), dtype=self._flat.dtype)
        ranks = np.arange(n)
        for j in range(self.n_labels):
            values[j] = self.value_at(j, ranks)
        dense = type(self).__new__(type(self))
        set_dense(dense, values, self.pos_values, self.pos)
        return dense

    def stored(self):
        """Every label's stored scores, label after label, and their numbers.

        Returns
        -------
        flat : ndarray
            Label ``j``'s stored scores, ascending, follow label ``j - 1``'s.
        lengths : ndarray of int64 of shape (n_labels,)
        """
        lengths = self._stop - self._start
        if (self._start[1:] == self._stop[:-1]).all():
            return self._flat[self._start[0] : self._stop[-1]], lengths
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        index = np.repeat(self._start - offsets, lengths) + np.arange(lengths.sum())
        return self._flat[index], lengths

    def value_at(self, labels, ranks):
        """The ``ranks``-th lowest score of each of ``labels`` (from 0).

        Parameters
        ----------
        labels, ranks : array-like of int
            Broadcast together; ranks in ``[0, n_samples)``.

        Returns
        -------
        values : ndarray in the scores' float type
        """
        labels = np.asarray(labels, dtype=np.int64)
        ranks = np.asarray(ranks, dtype=np.int64)
        if not self._has_zeros:
            return self._flat[self._start[labels] + ranks]
        a, z = self._zero_at[labels], self._zeros[labels]
        index = self._start[labels] + np.where(ranks < a, ranks, ranks - z)
        if self._flat.size == 0:
            return np.zeros(np.shape(index), dtype=self.dtype)
        found = self._flat[np.clip(index, 0, self._flat.size - 1)]
        zero = (ranks >= a) & (ranks < a + z)
        return np.where(zero, self.dtype.type(0), found)

    def rank_of(self, labels, values, strict=False):
        """Scores of each of ``labels`` at or below ``values`` (below if strict).

        Parameters
        ----------
        labels : array-like of int
        values : array-like of float
            Broadcast with ``labels``; compared in the wider float type.
        strict : bool, default=False

        Returns
        -------
        counts : ndarray of int64
        """
        labels = np.asarray(labels, dtype=np.int64)
        values = np.asarray(values)
        counts = search_segments(
            self._flat, self._start[labels], self._stop[labels], values, strict
        )
        if self._has_zeros:
            zero_in = (values > 0) if strict else (values >= 0)
            counts = counts + self._zeros[labels] * zero_in
        return counts

    def label_min(self):
        """The lowest score of each label."""
        return self.value_at(np.arange(self.n_labels), 0)

    def label_max(self):
        """The highest score of each label."""
        return self.value_at(np.arange(self.n_labels), self.n_samples - 1)

    def min(self):
        """The lowest score."""
        return self.label_min().min()

    def max(self):
        """The highest score."""
        return self.label_max().max()

    def counts(self, thresholds, labels=None):
        """True and predicted positives above thresholds.

        Parameters
        ----------
        thresholds : ndarray of float
            With ``labels=None``, of shape ``(n_labels,)`` or
            ``(n_labels, k)``: row ``j`` holds thresholds of label ``j``.
            Otherwise any shape, with ``labels`` of the same shape.
        labels : ndarray of int or None, default=None
            The label of each threshold.

        Returns
        -------
        tp, pp : ndarray of int64
            Same shape as ``thresholds``.
        """
        t = np.asarray(thresholds, dtype=np.float64)
        if labels is None:
            labels = np.arange(self.n_labels).reshape((-1,) + (1,) * (t.ndim - 1))
        pp = self.n_samples - self.rank_of(labels, t)
        lo, hi = self.pos_start[labels], self.pos_start[labels + 1]
        tp = (hi - lo) - search_segments(self.pos_values, lo, hi, t, False)
        return tp, pp

    def score(self, metric, thresholds):
        """Value of an F-beta metric (micro or macro) at ``thresholds``.

        Parameters
        ----------
        metric : str or FBeta
            A micro or macro average.
        thresholds : array-like of shape (n_labels,)

        Returns
        -------
        value : float
        """
        metric = check_metric(metric)
        tp, pp = self.counts(np.asarray(thresholds, dtype=np.float64))
        return float(metric.from_counts(tp, pp, self.pos))

    def label_counts(self, j, thresholds):
        """True and predicted positives of label ``j`` at several thresholds.

        Parameters
        ----------
        j : int
            The label.
        thresholds : ndarray of float64 of shape (k,)
            Thresholds of label ``j``.

        Returns
        -------
        tp, pp : ndarray of int64 of shape (k,)
        """
        t = np.asarray(thresholds, dtype=np.float64)
        segment = self._flat[self._start[j] : self._stop[j]]
        le = np.searchsorted(segment, t, side="right")
        if self._has_zeros:
            le = le + self._zeros[j] * (t >= 0)
        pp = self.n_samples - le
        pv = self.pos_values[self.pos_start[j] : self.pos_start[j + 1]]
        tp = pv.size - np.searchsorted(pv, t, side="right")
        return tp.astype(np.int64), pp.astype(np.int64)

    def cut_threshold(self, labels, n_above):
        """Threshold of a label that leaves exactly ``n_above`` scores above.

        ``n_above`` must fall between two distinct scores of the label (or
        be 0 or ``n_samples``). The threshold is the midpoint of the two
        scores around the cut, the label's highest score when nothing is
        above, and just below its lowest score when everything is.
        """
        labels, n_above = np.broadcast_arrays(
            np.asarray(labels, dtype=np.int64), np.asarray(n_above, dtype=np.int64)
        )
        n = self.n_samples
        upper = self.value_at(labels, np.clip(n - n_above, 0, n - 1))
        lower = self.value_at(labels, np.clip(n - n_above - 1, 0, n - 1))
        upper, lower = upper.astype(np.float64), lower.astype(np.float64)
        return np.where(
            n_above == 0,
            lower,
            np.where(
                n_above >= n, np.nextafter(upper, -np.inf), midpoint(upper, lower)
            ),
        )

    def positive_cuts(self):
        """Every cut worth considering for an F-measure, label by label.

        An F-measure never increases when a cut moves down past scores of
        negative samples only, for any average: ``tp`` stays, ``pp`` grows.
        The best cut of a label, all others fixed, is therefore either
        "nothing positive" or a cut just below one of its positive scores.
        There are at most ``n_positives + n_labels`` such cuts in all,
        usually far fewer than ``n_samples * n_labels``.

        Returns
        -------
        label, tp, pp : ndarray of int64 of shape (n_cuts,)
            Label of each cut, and its counts. Each label's cuts are
            contiguous, by decreasing threshold; the first is the empty cut.
        threshold : ndarray of float64 of shape (n_cuts,)
            The central threshold of each cut.
        start : ndarray of int64 of shape (n_labels + 1,)
            Cuts of label ``j`` are ``start[j]:start[j + 1]``.
        """
        L, n = self.n_labels, self.n_samples
        pv = self.pos_values
        pos_label = np.repeat(np.arange(L), self.pos)
        # Distinct positive levels: the first of each run of equal scores.
        first = np.ones(pv.size, dtype=bool)
        first[1:] = (pv[1:] != pv[:-1]) | (pos_label[1:] != pos_label[:-1])
        idx = np.flatnonzero(first)
        label, level = pos_label[idx], pv[idx]
        tp = self.pos_start[label + 1] - idx
        pp = n - self.rank_of(label, level, strict=True)
        # Decreasing thresholds within each label.
        order = np.lexsort((-idx, label))
        label, tp, pp = label[order], tp[order], pp[order]
        thr = self.cut_threshold(label, pp)
        # Prepend each label's empty cut.
        n_levels = np.bincount(label, minlength=L)
        start = np.concatenate([[0], np.cumsum(n_levels + 1)])
        size = int(start[-1])
        out_label = np.repeat(np.arange(L), n_levels + 1)
        out_tp = np.zeros(size, dtype=np.int64)
        out_pp = np.zeros(size, dtype=np.int64)
        out_thr = self.label_max().astype(np.float64)[out_label]
        rest = np.ones(size, dtype=bool)
        rest[start[:-1]] = False
        out_tp[rest], out_pp[rest], out_thr[rest] = tp, pp, thr
        return out_label, out_tp, out_pp, out_thr, start

    def descending(self, j0, j1):
        """Scores of labels ``j0:j1`` by decreasing score, a run of zeros as one.

        Returns
        -------
        label : ndarray of int64
            Label of each entry, minus ``j0``; labels in increasing order.
        value : ndarray
            The scores, decreasing within each label; a label's implicit
            zeros are one entry.
        n_at_or_above : ndarray of int64
            Scores of the label at or above the entry, itself (all its
            zeros for the run of implicit zeros) included.
        """
        labels = np.arange(j0, j1)
        m = self._stop[labels] - self._start[labels]
        z = self._zeros[labels]
        has = z > 0
        c = m + has
        offsets = np.concatenate([[0], np.cumsum(c)])
        label = np.repeat(np.arange(labels.size), c)
        r = (offsets[1:] - 1)[label] - np.arange(offsets[-1])  # ascending index
        if not self._has_zeros:
            return label, self._flat[self._start[labels][label] + r], m[label] - r
        a, hz = self._zero_at[labels][label], has[label]
        after = hz & (r > a)
        index = self._start[labels][label] + np.where(after, r - 1, r)
        rank = np.where(after, r - 1 + z[label], r)
        value = self._flat[np.clip(index, 0, max(self._flat.size - 1, 0))]
        value = np.where(hz & (r == a), self.dtype.type(0), value)
        return label, value, self.n_samples - rank

    def stored_blocks(self, max_bytes=16 * 2**20):
        """Every stored score once, in blocks of at most about ``max_bytes``.

        Views of the summary's own memory, read run by run of labels whose
        scores follow each other: no copy, even for a summary of some
        labels of another (:meth:`take_labels`).
        """
        size = max(1, max_bytes // max(1, self._flat.itemsize))
        start, stop = self._start, self._stop
        breaks = np.flatnonzero(start[1:] != stop[:-1]) + 1
        firsts = np.concatenate([[0], breaks])
        lasts = np.concatenate([breaks, [start.size]])
        for first, last in zip(firsts, lasts, strict=True):
            if first == last:
                continue
            lo, hi = int(start[first]), int(stop[last - 1])
            for a in range(lo, hi, size):
                yield self._flat[a : min(a + size, hi)]

    def take_labels(self, labels):
        """A summary of some of the labels only.

        Parameters
        ----------
        labels : ndarray of int or bool
            The labels kept, in the order given.

        Returns
        -------
        summary : ScoreSummary
            It shares this summary's scores (copying only the positive
            ones): do not modify either.
        """
        labels = np.arange(self.n_labels)[labels]
        out = ScoreSummary.__new__(ScoreSummary)
        lengths = self.pos[labels]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        index = np.repeat(self.pos_start[labels] - offsets, lengths)
        index += np.arange(index.size)
        set_ragged(
            out,
            self._flat,
            self._start[labels],
            self._stop[labels],
            self._zeros[labels],
            self.n_samples,
            self.pos_values[index],
            lengths,
        )
        return out

    @contextlib.contextmanager
    def _label_view(self, labels):
        """A summary of some labels that shares this one's memory, for a while.

        For a dense summary whose rows follow each other, the kept labels'
        rows are moved to the front in place (the others are saved aside), a
        summary of views on them is yielded, and every row is put back
        afterwards, even on error: memory of the labels left out only, and
        the view's rows still follow each other, so that :attr:`values`
        needs no copy. Other summaries yield :meth:`take_labels`, which
        shares their stored scores. The summary must not be used elsewhere
        meanwhile.

        Parameters
        ----------
        labels : ndarray of bool of shape (n_labels,)
            The labels kept.
        """
        keep = np.flatnonzero(labels)
        if type(self) is not ScoreSummary or not rows_follow(self):
            yield self.take_labels(keep)
            return
        with rows_in_place(self, labels) as view:
            yield view

    def scaled(self, factor):
        """A summary of the scores divided by ``factor`` (a power of two).

        Dividing by a power of two is exact: every count is unchanged.
        """
        out = ScoreSummary.__new__(ScoreSummary)
        set_ragged(
            out,
            self._flat / factor,
            self._start,
            self._stop,
            self._zeros,
            self.n_samples,
            self.pos_values / factor,
            self.pos,
        )
        return out

    def strided_sample(self, size=200_000):
        """Up to ``size`` scores evenly spread over every label's quantiles.

        Returns
        -------
        sample : ndarray of shape (n_labels, k)
        """
        step = max(1, (self.n_labels * self.n_samples) // size)
        cols = np.arange(0, self.n_samples, max(1, step // max(1, self.n_labels)))
        if cols.size * self.n_labels > 2 * size:
            cols = cols[:: max(1, (cols.size * self.n_labels) // size)]
        return self.value_at(np.arange(self.n_labels)[:, None], cols[None, :])


def _is_top_k(obj):
    return isinstance(obj, TopKScores)


def is_dask(obj):
    """Whether ``obj`` is a Dask collection."""
    return type(obj).__module__.split(".")[0] == "dask"


def _shape_of(obj, name):
    shape = getattr(obj, "shape", None)
    if shape is None:
        obj = np.asarray(obj)
        shape = obj.shape
    if len(shape) == 1:
        shape = (shape[0], 1)
    if len(shape) != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_labels); got shape "
            f"{tuple(shape)}."
        )
    return int(shape[0]), int(shape[1])


def _rows(obj, start, size):
    if not hasattr(obj, "shape"):
        obj = np.asarray(obj)
    if hasattr(obj, "tocsr"):
        return obj[start : start + size]
    if hasattr(obj, "iloc"):
        return obj.iloc[start : start + size]
    return obj[start : start + size]


def _check_chunk_size(chunk_size):
    if (
        not isinstance(chunk_size, numbers.Integral)
        or isinstance(chunk_size, bool)
        or chunk_size < 1
    ):
        raise ValueError(
            f"chunk_size must be an integer >= 1; got chunk_size={chunk_size!r}."
        )
    return int(chunk_size)
