"""Per-label score summaries: exact counts above any threshold, built in chunks."""

import contextlib
import numbers
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._cuts import count_le, midpoint, search_segments
from skthresh._validation import (
    check_indicator,
    check_scores,
    check_tuning_data,
    raise_shape_mismatch,
)
from skthresh.metrics import check_metric

# Rows of scores copied at once while a summary is built, in bytes.
_CHUNK_BYTES = 64 * 2**20


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
        float type (float32 or float64).
    pos : ndarray of int64 of shape (n_labels,)
        Positive samples of each label.
    pos_values : ndarray of shape (pos.sum(),)
        Each label's positive scores in ascending order, label after label.
    pos_start : ndarray of int64 of shape (n_labels + 1,)
        Label ``j``'s positive scores are ``pos_values[pos_start[j]:pos_start[j + 1]]``.

    Notes
    -----
    Memory: one copy of the scores, plus the positive scores. Building it
    costs a transposed copy of the scores, chunk by chunk, and one sort of
    each label's scores, in place and in up to four threads: the scores are
    never copied twice. That is about twenty passes over the score matrix
    (a pass being ``(S > t).sum(0)``) at 20,000 x 527.

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
        Y, S = check_tuning_data(Y, S)
        self._fill(Y, S)

    @classmethod
    def _of_validated(cls, Y, S, verbose=0):
        """A summary of matrices already validated by ``check_tuning_data``."""
        summary = cls.__new__(cls)
        summary._fill(Y, S, verbose)
        return summary

    def _fill(self, Y, S, verbose=0):
        progress = _Progress(verbose, S.shape[0])
        builder = _Builder(S.shape[1], S.shape[0], S.dtype)
        rows = max(1, _CHUNK_BYTES // max(1, S.shape[1] * S.dtype.itemsize))
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
            True 0/1 labels.
        scores : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Scores: a numpy array, a ``numpy.memmap`` (read chunk by
            chunk, never loaded whole), or a scipy sparse matrix, whose
            missing entries are scores of 0 (as when a large tagger's
            scores below a floor are dropped).
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
            chunk_size = max(1, _CHUNK_BYTES // (8 * max(1, n_labels)))
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
            ``scores`` a matrix (or sparse matrix) of shape ``(n_rows,
            n_labels)``, the same ``n_labels`` throughout.
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
        progress = _Progress(verbose, n_samples)
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
            S_chunk = check_scores(S_chunk, name=f"scores{of}", row_offset=first)
            Y_chunk = check_indicator(Y_chunk, name=f"Y{of}")
            if Y_chunk.shape != S_chunk.shape:
                raise_shape_mismatch(Y_chunk.shape, S_chunk.shape, f" in chunk {i}")
            if builder is None:
                builder = _Builder(S_chunk.shape[1], n_samples, S_chunk.dtype)
            builder.add(Y_chunk, S_chunk, index=i)
            progress.chunk(i, builder.filled)
        if builder is None:
            raise ValueError("chunks must hold at least one (Y, scores) chunk.")
        progress.sorting(builder.filled)
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
            merged per block of rows).
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
        return self.values.dtype

    @property
    def shape(self):
        """``(n_samples, n_labels)`` of the score matrix summarized."""
        return (self.n_samples, self.n_labels)

    def min(self):
        """The lowest score."""
        return self.values[:, 0].min()

    def max(self):
        """The highest score."""
        return self.values[:, -1].max()

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
        row = self._row_start[labels]
        n = self.n_samples
        pp = n - count_le(self.values.ravel(), row, row + n, t)
        lo, hi = self.pos_start[labels], self.pos_start[labels + 1]
        tp = (hi - lo) - count_le(self.pos_values, lo, hi, t)
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
        pp = self.n_samples - np.searchsorted(self.values[j], t, side="right")
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
        v = self.values
        upper = v[labels, np.clip(n - n_above, 0, n - 1)].astype(np.float64)
        lower = v[labels, np.clip(n - n_above - 1, 0, n - 1)].astype(np.float64)
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
        row = self._row_start[label]
        pp = n - search_segments(self.values.ravel(), row, row + n, level, strict=True)
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
        out_thr = self.values[:, -1].astype(np.float64)[out_label]
        rest = np.ones(size, dtype=bool)
        rest[start[:-1]] = False
        out_tp[rest], out_pp[rest], out_thr[rest] = tp, pp, thr
        return out_label, out_tp, out_pp, out_thr, start

    def take_labels(self, labels):
        """A summary of some of the labels only (a copy of their rows).

        Parameters
        ----------
        labels : ndarray of int or bool
            The labels kept, in the order given.

        Returns
        -------
        summary : ScoreSummary
        """
        labels = np.arange(self.n_labels)[labels]
        out = ScoreSummary.__new__(ScoreSummary)
        lengths = self.pos[labels]
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        index = np.repeat(self.pos_start[labels] - offsets, lengths)
        index += np.arange(index.size)
        _set_fields(out, self.values[labels], self.pos_values[index], lengths)
        return out

    @contextlib.contextmanager
    def _label_view(self, labels):
        """A summary of some labels that shares this one's memory, for a while.

        The kept labels' rows are moved to the front in place (the others
        are saved aside), a summary of views on them is yielded, and every
        row is put back afterwards, even on error: memory of the labels left
        out only, where :meth:`take_labels` copies the kept ones. The summary
        must not be used elsewhere meanwhile.

        Parameters
        ----------
        labels : ndarray of bool of shape (n_labels,)
            The labels kept.
        """
        keep = np.flatnonzero(labels)
        left = np.flatnonzero(~np.asarray(labels, dtype=bool))
        values, pos_values, start = self.values, self.pos_values, self.pos_start
        saved_rows = values[left].copy()
        saved_pos = [pos_values[start[j] : start[j + 1]].copy() for j in left]
        lengths = self.pos[keep]
        new_start = np.concatenate([[0], np.cumsum(lengths)])
        try:
            # Forward moves: a row only ever moves to a lower index.
            for k, j in enumerate(keep):
                if k != j:
                    values[k] = values[j]
                a, b = start[j], start[j + 1]
                if new_start[k] != a:
                    pos_values[new_start[k] : new_start[k + 1]] = pos_values[a:b]
            view = ScoreSummary.__new__(ScoreSummary)
            _set_fields(view, values[: keep.size], pos_values[: new_start[-1]], lengths)
            yield view
        finally:
            # Backward moves restore the kept rows, then the saved ones.
            for k in range(keep.size - 1, -1, -1):
                j = keep[k]
                a, b = start[j], start[j + 1]
                if new_start[k] != a:
                    pos_values[a:b] = pos_values[new_start[k] : new_start[k + 1]]
                if k != j:
                    values[j] = values[k]
            values[left] = saved_rows
            for j, part in zip(left, saved_pos, strict=True):
                pos_values[start[j] : start[j + 1]] = part

    def scaled(self, factor):
        """A summary of the scores divided by ``factor`` (a power of two).

        Dividing by a power of two is exact: every count is unchanged.
        """
        out = ScoreSummary.__new__(ScoreSummary)
        _set_fields(out, self.values / factor, self.pos_values / factor, self.pos)
        return out

    def strided_sample(self, size=200_000):
        """Up to ``size`` scores evenly spread over every label's quantiles.

        Returns
        -------
        sample : ndarray of shape (n_labels, k)
        """
        step = max(1, self.values.size // size)
        cols = np.arange(0, self.n_samples, max(1, step // max(1, self.n_labels)))
        if cols.size * self.n_labels > 2 * size:
            cols = cols[:: max(1, (cols.size * self.n_labels) // size)]
        return self.values[:, cols]


class _Progress:
    """Progress lines of a summary build: the first at once, then about one a second."""

    def __init__(self, verbose, n_samples):
        self.verbose, self.n_samples = verbose, n_samples
        self.start = self.last = time.perf_counter()
        if verbose:
            of = "" if n_samples is None else f" of {n_samples:,} samples"
            self._print(f"summarizing the scores{of}: reading rows")

    def _print(self, text):
        print(f"[ScoreSummary] {text}", flush=True)

    def chunk(self, index, rows):
        if not self.verbose:
            return
        now = time.perf_counter()
        if self.verbose > 1 or now - self.last >= 1.0:
            of = "" if self.n_samples is None else f" of {self.n_samples:,}"
            self._print(
                f"chunk {index + 1}: {rows:,}{of} rows read, {now - self.start:.1f}s"
            )
            self.last = now

    def sorting(self, rows):
        if self.verbose:
            elapsed = time.perf_counter() - self.start
            self._print(
                f"{rows:,} rows read in {elapsed:.1f}s; sorting each label's scores"
            )

    def done(self, summary):
        if self.verbose:
            elapsed = time.perf_counter() - self.start
            self._print(
                f"built: {summary.n_samples:,} samples x {summary.n_labels:,} labels "
                f"in {elapsed:.1f}s"
            )


class _Builder:
    """Fills a summary from consecutive chunks of rows."""

    def __init__(self, n_labels, n_samples, dtype):
        self.n_labels = n_labels
        self.n_samples = n_samples
        self.dtype = dtype
        self.values = None
        self.parts = []
        self.filled = 0
        self.pos_labels, self.pos_scores = [], []
        if n_samples is not None:
            self.values = np.empty((n_labels, n_samples), dtype=dtype)

    def add(self, Y, S, index=0):
        if S.shape[1] != self.n_labels:
            raise ValueError(
                f"Every chunk must have the same number of labels; chunk {index} "
                f"has {S.shape[1]}, the first had {self.n_labels}."
            )
        if S.dtype != self.dtype:
            # Mixed float types: keep the wider one for every score.
            wider = np.promote_types(S.dtype, self.dtype)
            if wider != self.dtype:
                self._widen(wider)
            S = S.astype(self.dtype, copy=False)
        if self.values is not None:
            stop = self.filled + S.shape[0]
            if stop > self.n_samples:
                raise ValueError(
                    f"The chunks hold more than n_samples={self.n_samples} rows."
                )
            _transpose_into(S, self.values, self.filled)
        else:
            part = np.empty(S.shape[::-1], dtype=self.dtype)
            _transpose_into(S, part, 0)
            self.parts.append(part)
        rows, labels = np.nonzero(np.asarray(Y, dtype=bool))
        self.pos_labels.append(labels.astype(np.int32))
        self.pos_scores.append(S[rows, labels])
        self.filled += S.shape[0]

    def _widen(self, dtype):
        self.dtype = dtype
        if self.values is not None:
            # Only the rows filled so far hold scores.
            wider = np.empty(self.values.shape, dtype=dtype)
            wider[:, : self.filled] = self.values[:, : self.filled]
            self.values = wider
        self.parts = [p.astype(dtype) for p in self.parts]
        self.pos_scores = [p.astype(dtype) for p in self.pos_scores]

    def finish(self, summary):
        if self.values is None:
            self.values = np.concatenate(self.parts, axis=1)
            self.parts = []
        elif self.filled != self.n_samples:
            raise ValueError(
                f"The chunks hold {self.filled} rows; n_samples={self.n_samples}."
            )
        values = self.values
        # Sort each label's scores in place, blocks of labels in a few
        # threads (numpy's sort releases the GIL).
        block = max(1, (_CHUNK_BYTES // 8) // max(1, values.shape[1] * values.itemsize))
        starts = range(0, values.shape[0], block)
        n_threads = min(4, cpu_count(), len(starts))

        def sort(start):
            values[start : start + block].sort(axis=1)

        if n_threads > 1:
            with ThreadPoolExecutor(n_threads) as executor:
                list(executor.map(sort, starts))
        else:
            for start in starts:
                sort(start)
        labels = np.concatenate(self.pos_labels)
        scores = np.concatenate(self.pos_scores).astype(self.dtype, copy=False)
        order = np.lexsort((scores, labels))
        pos = np.bincount(labels, minlength=self.n_labels).astype(np.int64)
        _set_fields(summary, values, scores[order], pos)
        return summary


def _transpose_into(S, out, first):
    """``out[:, first:first + len(S)] = S.T``, tile by tile.

    A transposed copy in one go reads or writes with a stride of a whole
    row; tiles of 1,024 rows by 256 labels stay in the cache, which made
    it about nine times faster (100,000 x 2,000 float32: 0.35 s, not 3.2).
    """
    n_rows, n_labels = S.shape
    for r in range(0, n_rows, 1024):
        r_stop = min(r + 1024, n_rows)
        for c in range(0, n_labels, 256):
            out[c : c + 256, first + r : first + r_stop] = S[r:r_stop, c : c + 256].T


def _set_fields(summary, values, pos_values, pos):
    summary.values = values
    summary.n_labels, summary.n_samples = values.shape
    summary.pos = np.asarray(pos, dtype=np.int64)
    summary.pos_start = np.concatenate([[0], np.cumsum(summary.pos)])
    summary.pos_values = pos_values
    summary._row_start = np.arange(summary.n_labels, dtype=np.int64) * summary.n_samples


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
        return obj[start : start + size].toarray()
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
