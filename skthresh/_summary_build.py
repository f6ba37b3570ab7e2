"""Building a ScoreSummary: dense rows sorted in place, sparse stored entries."""

import contextlib
import mmap
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._cuts import search_segments
from skthresh._validation import check_indicator, check_scores, raise_shape_mismatch

# Rows of scores copied at once while a summary is built, in bytes.
CHUNK_BYTES = 64 * 2**20


def scratch(size, dtype):
    """An uninitialized array in memory of its own, returned when it is freed.

    For the large temporaries of a build: from ``np.empty`` the C allocator
    may place them on its heap, which keeps the memory resident once they
    are freed (until the top of the heap is free), so that they add to the
    peak of whatever follows. An anonymous memory map is unmapped when the
    array goes.
    """
    dtype = np.dtype(dtype)
    nbytes = int(size) * dtype.itemsize
    if nbytes < 2**20:
        return np.empty(size, dtype=dtype)
    return np.frombuffer(mmap.mmap(-1, nbytes), dtype=dtype)


class Progress:
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


class DenseBuilder:
    """Fills a summary from consecutive chunks of rows."""

    sparse = False

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
            transpose_into(S, self.values, self.filled)
        else:
            part = np.empty(S.shape[::-1], dtype=self.dtype)
            transpose_into(S, part, 0)
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
        block = max(1, (CHUNK_BYTES // 8) // max(1, values.shape[1] * values.itemsize))
        starts = range(0, values.shape[0], block)

        def sort(start):
            values[start : start + block].sort(axis=1)

        in_threads(sort, starts)
        labels = np.concatenate(self.pos_labels)
        scores = np.concatenate(self.pos_scores).astype(self.dtype, copy=False)
        order = np.lexsort((scores, labels))
        pos = np.bincount(labels, minlength=self.n_labels).astype(np.int64)
        set_dense(summary, values, scores[order], pos)
        return summary


def in_threads(work, starts):
    """``work(start)`` for every start, in up to four threads.

    For numpy work that releases the GIL (sorts, partitions), a block of
    labels per call; one thread where there is one block or one CPU.
    """
    n_threads = min(4, cpu_count(), len(starts))
    if n_threads > 1:
        with ThreadPoolExecutor(n_threads) as executor:
            list(executor.map(work, starts))
    else:
        for start in starts:
            work(start)


def transpose_into(S, out, first):
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


class SparseBuilder:
    """Fills a summary from chunks of sparse rows: stored entries only.

    Each chunk adds its stored scores with their labels; the implicit zeros
    are only counted (per label, ``n_samples`` minus its stored entries),
    and the positive samples' scores, stored or not, are kept. At the end
    the stored scores are sorted by label, then by score: memory of the
    stored entries, never of the dense matrix.
    """

    sparse = True

    def __init__(self, n_labels, dtype):
        self.n_labels = n_labels
        self.dtype = dtype
        self.filled = 0
        self.labels, self.scores = [], []
        self.pos_labels, self.pos_scores = [], []

    def add(self, Y, S, index=0):
        """Add a chunk: ``Y`` and ``S`` as checked by :func:`check_sparse_chunk`."""
        if S.shape[1] != self.n_labels:
            raise ValueError(
                f"Every chunk must have the same number of labels; chunk {index} "
                f"has {S.shape[1]}, the first had {self.n_labels}."
            )
        wider = np.promote_types(S.dtype, self.dtype)
        if wider != self.dtype:
            self.dtype = wider
            self.scores = [p.astype(wider) for p in self.scores]
            self.pos_scores = [p.astype(wider) for p in self.pos_scores]
        self.labels.append(S.indices.astype(np.int32, copy=True))
        self.scores.append(S.data.astype(self.dtype, copy=True))
        rows, labels = Y.nonzero()
        self.pos_labels.append(labels.astype(np.int32))
        self.pos_scores.append(_entries(S, rows, labels).astype(self.dtype))
        self.filled += S.shape[0]

    def add_top_k(self, Y, indices, scores, index=0):
        """Add a chunk of top-k rows: ``indices`` and ``scores`` of shape (n, k).

        The stored entries are taken from the two arrays as they are, a
        block of rows at a time: no CSR matrix is built, so the only copy
        of the entries is the one the summary sorts.
        """
        if Y.shape[1] != self.n_labels:
            raise ValueError(
                f"Every chunk must have the same number of labels; chunk {index} "
                f"has {Y.shape[1]}, the first had {self.n_labels}."
            )
        n_rows, k = indices.shape
        wider = np.promote_types(scores.dtype, self.dtype)
        if wider != self.dtype:
            self.dtype = wider
            self.scores = [p.astype(wider) for p in self.scores]
            self.pos_scores = [p.astype(wider) for p in self.pos_scores]
        # Blocks of about 2**18 entries bound the temporaries. The chunk's
        # entries and positives are counted first and written into one
        # array each: a part per block would leave the allocator's heap
        # holed once freed, resident memory that later arrays do not reuse.
        step = max(1, 2**18 // max(1, k))
        blocks = range(0, n_rows, step)
        n_used = sum(int((indices[a : a + step] != -1).sum()) for a in blocks)
        labels_out = scratch(n_used, np.int32)
        scores_out = scratch(n_used, self.dtype)
        # Y is canonical (from check_sparse_indicator): its stored entries
        # are its positives, row after row.
        pos_labels = Y.indices.astype(np.int32)
        pos_scores = np.zeros(pos_labels.size, dtype=self.dtype)
        filled = 0
        for a in blocks:
            block, values = indices[a : a + step], scores[a : a + step]
            used = block != -1
            size = int(used.sum())
            labels_out[filled : filled + size] = block[used]
            scores_out[filled : filled + size] = values[used]
            filled += size
        # Each positive's score: its label's place in its row, if any;
        # ``step`` positives at a time, each compared with its row.
        for c in range(0, pos_labels.size, step):
            r, j = _stored_rows(Y, c, step), pos_labels[c : c + step]
            hit = indices[r] == j[:, None]
            found = hit.any(1)
            at = hit.argmax(1)
            pos_scores[c : c + step][found] = scores[r[found], at[found]]
        self.labels.append(labels_out)
        self.scores.append(scores_out)
        self.pos_labels.append(pos_labels)
        self.pos_scores.append(pos_scores)
        self.filled += n_rows

    def finish(self, summary, n_samples=None):
        if n_samples is not None and self.filled != n_samples:
            raise ValueError(
                f"The chunks hold {self.filled} rows; n_samples={n_samples}."
            )
        stored = np.zeros(self.n_labels, dtype=np.int64)
        for part in self.labels:
            stored += np.bincount(part, minlength=self.n_labels)
        # The parts are handed over: each is freed once packed for the sort.
        labels, self.labels = self.labels, []
        scores, self.scores = self.scores, []
        flat = _sort_by_label(labels, scores)
        start = np.concatenate([[0], np.cumsum(stored)[:-1]]).astype(np.int64)
        pos_labels = np.concatenate(self.pos_labels)
        pos_scores = np.concatenate(self.pos_scores).astype(self.dtype, copy=False)
        order = np.lexsort((pos_scores, pos_labels))
        pos = np.bincount(pos_labels, minlength=self.n_labels).astype(np.int64)
        set_ragged(
            summary,
            flat,
            start,
            start + stored,
            self.filled - stored,
            self.filled,
            pos_scores[order],
            pos,
        )
        return summary


def _stored_rows(Y, start, size):
    """Rows of CSR matrix ``Y``'s stored entries ``start:start + size``."""
    stop = min(start + size, Y.indptr[-1])
    return np.searchsorted(Y.indptr, np.arange(start, stop), side="right") - 1


def _entries(S, rows, labels):
    """The scores of CSR matrix ``S`` at ``(rows, labels)``, 0 where not stored."""
    if rows.size == 0:
        return np.zeros(0, dtype=S.dtype)
    # Binary search of each label among its row's sorted column indices.
    a, b = S.indptr[rows], S.indptr[rows + 1]
    keys = rows.astype(np.int64) * S.shape[1] + labels
    row_of = np.repeat(np.arange(S.shape[0], dtype=np.int64), np.diff(S.indptr))
    stored = row_of * S.shape[1] + S.indices
    at = np.searchsorted(stored, keys)
    found = (at < np.minimum(b, stored.size)) & (at >= a)
    found[found] = stored[at[found]] == keys[found]
    out = np.zeros(rows.size, dtype=S.dtype)
    out[found] = S.data[at[found]]
    return out


def _sort_by_label(labels, scores):
    """Scores sorted by label, then by score (one sort of packed keys).

    ``labels`` and ``scores`` are lists of parts (int32 labels, scores);
    the lists are emptied as the parts are read, so that each part is
    freed once packed: the peak is the keys and the sorted scores.
    """
    dtype = scores[0].dtype if scores else np.float32
    if dtype != np.float32:
        labels_all = np.concatenate(labels) if labels else np.zeros(0, np.int32)
        labels.clear()
        scores_all = np.concatenate(scores) if scores else np.zeros(0, dtype)
        scores.clear()
        return scores_all[np.lexsort((scores_all, labels_all))]
    # Label in the upper 32 bits, the score's bits ordered as the floats in
    # the lower 32: one sort of 64-bit keys, then the bits back. Packed and
    # unpacked in blocks.
    top, sign = np.uint32(0xFFFFFFFF), np.uint32(1 << 31)
    keys = scratch(sum(p.size for p in scores), np.uint64)
    block = 2**18
    labels.reverse()
    scores.reverse()
    filled = 0
    while scores:
        part_labels, part_scores = labels.pop(), scores.pop()
        for a in range(0, part_scores.size, block):
            bits = part_scores[a : a + block].view(np.uint32)
            out = keys[filled + a : filled + a + bits.size]
            out[:] = part_labels[a : a + block].astype(np.uint64) << np.uint64(32)
            out |= bits ^ np.where(bits >> np.uint32(31), top, sign)
        filled += part_scores.size
        del part_labels, part_scores
    keys.sort()
    flat = np.empty(keys.size, dtype=np.float32)
    out = flat.view(np.uint32)
    for a in range(0, keys.size, block):
        low = (keys[a : a + block] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        out[a : a + block] = low ^ np.where(low >> np.uint32(31), sign, top)
    return flat


def set_dense(summary, values, pos_values, pos):
    """Fields of a summary of full rows: ``values`` of shape (n_labels, n)."""
    n_labels, n = values.shape
    start = np.arange(n_labels, dtype=np.int64) * n
    set_ragged(
        summary,
        values.reshape(-1),
        start,
        start + n,
        np.zeros(n_labels, dtype=np.int64),
        n,
        pos_values,
        pos,
    )


def set_ragged(summary, flat, start, stop, zeros, n_samples, pos_values, pos):
    """Fields of a summary of stored scores and counts of implicit zeros.

    Label ``j``'s scores, in ascending order, are its stored scores below
    0, ``zeros[j]`` zeros, then its other stored scores: the stored ones
    are ``flat[start[j]:stop[j]]``, sorted.
    """
    summary._flat = flat
    summary._start = np.asarray(start, dtype=np.int64)
    summary._stop = np.asarray(stop, dtype=np.int64)
    summary._zeros = np.asarray(zeros, dtype=np.int64)
    summary._zero_at = search_segments(flat, summary._start, summary._stop, 0.0, True)
    summary._has_zeros = bool(summary._zeros.any())
    summary.n_labels = summary._start.size
    summary.n_samples = int(n_samples)
    summary.pos = np.asarray(pos, dtype=np.int64)
    summary.pos_start = np.concatenate([[0], np.cumsum(summary.pos)]).astype(np.int64)
    summary.pos_values = pos_values


def is_sparse(obj):
    """Whether ``obj`` is a scipy sparse matrix or array."""
    return hasattr(obj, "tocsr") and hasattr(obj, "nnz")


def check_sparse_chunk(Y, S, *, names=("Y", "scores"), row_offset=0, where=""):
    """Validate a chunk of sparse scores and its labels without densifying.

    Returns
    -------
    Y : scipy CSR matrix of bool
    S : scipy CSR matrix of float32 or float64, canonical (sorted indices,
        no duplicates)
    """
    S = check_sparse_scores(S, name=names[1], row_offset=row_offset)
    Y = check_sparse_indicator(Y, name=names[0])
    if Y.shape != S.shape:
        raise_shape_mismatch(Y.shape, S.shape, where, names=names)
    return Y, S


def check_sparse_scores(S, *, name="scores", row_offset=0):
    """A canonical CSR copy of sparse scores, checked as :func:`check_scores`."""
    import scipy.sparse as sp

    if not is_sparse(S):
        return sp.csr_matrix(check_scores(S, name=name, row_offset=row_offset))
    S = sp.csr_matrix(S, copy=True)
    if S.ndim != 2 or S.shape[0] == 0 or S.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one sample and one label; got shape {S.shape}."
        )
    kind = S.dtype.kind
    if kind not in "biuf":
        raise ValueError(f"{name} must be numeric and real; got dtype {S.dtype}.")
    if S.dtype == np.float16:
        S = S.astype(np.float32)
    elif S.dtype not in (np.float32, np.float64):
        S = S.astype(np.float64)
    S.sum_duplicates()
    finite = np.isfinite(S.data)
    if not finite.all():
        first = int(np.argmin(finite))
        row = int(np.searchsorted(S.indptr, first, side="right")) - 1
        n_nan = int(np.isnan(S.data).sum())
        raise ValueError(
            f"{name} must be finite; found {n_nan} NaN and "
            f"{int((~finite).sum()) - n_nan} infinite value(s), the first at row "
            f"{row + row_offset}, label {int(S.indices[first])}."
        )
    return S


def check_sparse_indicator(Y, *, name="Y"):
    """A CSR matrix of bool of 0/1 labels, sparse or not, checked as dense ones are."""
    import scipy.sparse as sp

    if not is_sparse(Y):
        return sp.csr_matrix(check_indicator(Y, name=name))
    Y = sp.csr_matrix(Y, copy=True)
    Y.sum_duplicates()
    data = Y.data
    if data.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must be a 0/1 indicator matrix; got values of dtype {data.dtype}."
        )
    ok = (data == 0) | (data == 1)
    if not ok.all():
        values = np.unique(data[~ok])[:5]
        raise ValueError(
            f"{name} must contain only 0 and 1; found other values such as "
            f"{values.tolist()}."
        )
    Y.eliminate_zeros()
    return Y.astype(bool)


def rows_follow(summary):
    """Whether a summary is dense with its label rows one after the other."""
    n, start = summary.n_samples, summary._start
    if summary._has_zeros or not (n and start.size):
        return False
    return bool((start == start[0] + n * np.arange(start.size)).all())


@contextlib.contextmanager
def rows_in_place(summary, labels):
    """A summary of some labels whose rows are moved to the front, for a while.

    The kept labels' rows (of a summary whose rows follow each other, see
    :func:`rows_follow`) are moved to the front in place, the others saved
    aside; a summary of views on them is yielded, and every row is put back
    afterwards, even on error. Memory of the labels left out only.
    """
    keep = np.flatnonzero(labels)
    left = np.flatnonzero(~np.asarray(labels, dtype=bool))
    values, pos_values = summary.values, summary.pos_values
    pos_start = summary.pos_start
    saved_rows = values[left].copy()
    saved_pos = [pos_values[pos_start[j] : pos_start[j + 1]].copy() for j in left]
    lengths = summary.pos[keep]
    new_start = np.concatenate([[0], np.cumsum(lengths)])
    try:
        # Forward moves: a row only ever moves to a lower index.
        for k, j in enumerate(keep):
            if k != j:
                values[k] = values[j]
            a, b = pos_start[j], pos_start[j + 1]
            if new_start[k] != a:
                pos_values[new_start[k] : new_start[k + 1]] = pos_values[a:b]
        view = type(summary).__new__(type(summary))
        set_dense(view, values[: keep.size], pos_values[: new_start[-1]], lengths)
        yield view
    finally:
        # Backward moves restore the kept rows, then the saved ones.
        for k in range(keep.size - 1, -1, -1):
            j = keep[k]
            a, b = pos_start[j], pos_start[j + 1]
            if new_start[k] != a:
                pos_values[a:b] = pos_values[new_start[k] : new_start[k + 1]]
            if k != j:
                values[j] = values[k]
        values[left] = saved_rows
        for j, part in zip(left, saved_pos, strict=True):
            pos_values[pos_start[j] : pos_start[j + 1]] = part
