"""Top-k scores: each sample's k best labels and their scores, as sparse rows."""

import numpy as np


class TopKScores:
    """Scores of each sample's ``k`` highest-scoring labels only.

    Extreme multi-label models (tens of thousands of labels and more)
    output, for each sample, the indices of its ``k`` best labels and their
    scores. Every other score counts as 0, exactly as a missing entry of a
    scipy sparse matrix does: :func:`~skthresh.learn_thresholds`,
    :class:`~skthresh.ScoreSummary` and :func:`~skthresh.apply_thresholds`
    take a ``TopKScores`` as ``scores`` and read its two ``(n_samples, k)``
    arrays directly, with no CSR copy: micro and macro averages never build
    the dense matrix, and a samples average reads it a block of rows at a
    time. The arrays are validated a block of rows at a time, and int32
    indices with float32 scores are kept as given (8 bytes a slot).

    Parameters
    ----------
    indices : array-like of int of shape (n_samples, k)
        Label indices of each sample's scores; ``-1`` pads rows with fewer
        than ``k`` labels (the score next to a ``-1`` is ignored). A label
        appears at most once in a row.
    scores : array-like of float of shape (n_samples, k)
        The scores, finite.
    n_labels : int or None, default=None
        Number of labels; by default one more than the highest index.

    Attributes
    ----------
    indices : ndarray of int32 of shape (n_samples, k)
        The given indices, not copied when they are int32 and C-contiguous;
        int64 only when ``n_labels`` is ``2**31`` or more.
    scores : ndarray of float32 or float64 of shape (n_samples, k)
        The given scores when float32 or float64 (float16 becomes float32,
        every other type float64).
    n_labels : int
    shape : tuple of int
        ``(n_samples, n_labels)``, the shape of the score matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import TopKScores, apply_thresholds
    >>> top = TopKScores([[2, 0], [1, -1]], [[0.9, 0.4], [0.7, 0.0]], n_labels=3)
    >>> top.to_csr().toarray()
    array([[0.4, 0. , 0.9],
           [0. , 0.7, 0. ]])
    >>> apply_thresholds(top, 0.5).toarray()
    array([[0, 0, 1],
           [0, 1, 0]])
    """

    def __init__(self, indices, scores, n_labels=None):
        indices = np.asarray(indices)
        scores = np.asarray(scores)
        if indices.ndim != 2 or scores.shape != indices.shape:
            raise ValueError(
                "indices and scores of top-k scores must be 2-D arrays of the same "
                f"shape (n_samples, k); got indices of shape {indices.shape} and "
                f"scores of shape {scores.shape}."
            )
        if indices.shape[0] == 0:
            raise ValueError("top-k scores must have at least one sample.")
        if indices.dtype.kind not in "iu" and not (
            indices.dtype.kind == "f"
            and np.isfinite(indices).all()
            and np.array_equal(indices, np.round(indices))
        ):
            raise ValueError(
                f"indices of top-k scores must be integers; got dtype {indices.dtype}."
            )
        if scores.dtype.kind not in "biuf":
            raise ValueError(
                "scores of top-k scores must be real numbers; got dtype "
                f"{scores.dtype}."
            )
        if scores.dtype == np.float16:
            scores = scores.astype(np.float32)
        elif scores.dtype not in (np.float32, np.float64):
            scores = scores.astype(np.float64)
        # The range is checked in the given dtype (min and max allocate
        # nothing), before any narrowing: an index too large for the stored
        # dtype gets the message below, never a silent wrap.
        lowest, highest = -1, -1  # k = 0: no label
        if indices.size:
            lowest, highest = int(indices.min()), int(indices.max())
        if lowest < -1:
            row, col = np.argwhere(indices < -1)[0]
            raise ValueError(
                f"indices of top-k scores must be label indices >= 0, or -1 for "
                f"padding; got {int(indices[row, col])} at row {row}, position {col}."
            )
        if n_labels is None:
            n_labels = highest + 1
        if not isinstance(n_labels, int | np.integer) or n_labels < 1:
            raise ValueError(
                f"n_labels must be an integer >= 1; got n_labels={n_labels!r}."
            )
        if highest >= n_labels:
            row, col = np.argwhere(indices >= n_labels)[0]
            raise ValueError(
                f"indices of top-k scores must be below n_labels={n_labels}; got "
                f"{int(indices[row, col])} at row {row}, position {col}."
            )
        # int32 whenever the labels fit: 8 bytes a slot with float32 scores,
        # not 12. An int32 C-contiguous array is kept as it is, not copied.
        index_dtype = np.int32 if n_labels <= np.iinfo(np.int32).max else np.int64
        indices = np.ascontiguousarray(indices, dtype=index_dtype)
        _check_rows(indices, scores)
        self.indices, self.scores, self.n_labels = indices, scores, int(n_labels)

    @property
    def shape(self):
        """``(n_samples, n_labels)`` of the score matrix."""
        return (self.indices.shape[0], self.n_labels)

    def to_csr(self):
        """The scores as a scipy CSR matrix of shape ``(n_samples, n_labels)``.

        Returns
        -------
        csr : scipy.sparse.csr_matrix
            Canonical: sorted indices, no padding.

        Examples
        --------
        >>> from skthresh import TopKScores
        >>> TopKScores([[1, -1]], [[0.5, 0.0]]).to_csr().nnz
        1
        """
        import scipy.sparse as sp

        used = self.indices != -1
        rows = np.repeat(np.arange(self.indices.shape[0]), used.sum(1))
        csr = sp.csr_matrix(
            (self.scores[used], (rows, self.indices[used])), shape=self.shape
        )
        csr.sort_indices()
        return csr

    def _dense_rows(self, start, stop):
        """Rows ``start:stop`` of the score matrix, dense: 0 outside the top k."""
        indices, scores = self.indices[start:stop], self.scores[start:stop]
        dense = np.zeros((indices.shape[0], self.n_labels), dtype=scores.dtype)
        used = indices != -1
        dense[np.nonzero(used)[0], indices[used]] = scores[used]
        return dense

    def __repr__(self):
        n, k = self.indices.shape
        return f"TopKScores(n_samples={n}, k={k}, n_labels={self.n_labels})"


def _row_blocks(n_rows, k):
    """Slices of consecutive rows of about 2**18 slots each."""
    step = max(1, 2**18 // max(1, k))
    return [slice(a, a + step) for a in range(0, n_rows, step)]


def _check_rows(indices, scores):
    """Finite used scores and no label twice in a row, a block of rows at a time.

    The temporaries are those of one block: checking the whole arrays at
    once would hold masks and a sorted copy of the indices as large as them.
    """
    blocks = _row_blocks(*indices.shape)
    n_bad, first = 0, None
    for rows in blocks:
        bad = (indices[rows] != -1) & ~np.isfinite(scores[rows])
        if bad.any():
            n_bad += int(bad.sum())
            if first is None:
                row, col = np.argwhere(bad)[0]
                first = (rows.start + row, col)
    if n_bad:
        raise ValueError(
            f"scores of top-k scores must be finite; found {n_bad} NaN or infinite "
            f"value(s), the first at row {first[0]}, position {first[1]}."
        )
    # A padded slot gets a negative key of its own, so that it repeats nothing.
    padding = -1 - np.arange(indices.shape[1], dtype=indices.dtype)
    for rows in blocks:
        block = indices[rows]
        ordered = np.sort(np.where(block != -1, block, padding), 1)
        repeated = ordered[:, 1:] == ordered[:, :-1]
        if repeated.any():
            row, col = np.argwhere(repeated)[0]
            raise ValueError(
                f"indices of top-k scores must not repeat a label in a row; row "
                f"{rows.start + row} has label {ordered[row, col]} more than once."
            )


def top_k_decisions(top, theta):
    """Decisions ``scores > theta`` of top-k scores, an absent label scoring 0.

    With no negative threshold, a canonical CSR matrix of int64 (sorted
    indices, the positive decisions only), built from the ``(n, k)``
    arrays: memory of one ``(n, k)`` mask and the positive decisions, no
    CSR matrix of every slot. With a negative one, the absent labels are
    positive where their threshold is negative: a dense array of int64.
    ``theta`` is float64 of shape ``(n_labels,)``, checked.
    """
    import scipy.sparse as sp

    indices, scores = top.indices, top.scores
    n, k = indices.shape
    blocks = _row_blocks(n, k)
    if (theta < 0).any():
        dense = np.empty(top.shape, dtype=np.int64)
        dense[:] = 0 > theta
        for rows in blocks:
            block = indices[rows]
            used = block != -1
            labels = block[used]
            dense[rows.start + np.nonzero(used)[0], labels] = (
                scores[rows][used] > theta[labels]
            )
        return dense
    # Float32 scores are compared with float64 thresholds exactly (numpy
    # promotes), as the CSR path compared them.
    keep = np.empty((n, k), dtype=bool)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for rows in blocks:
        block = indices[rows]
        keep[rows] = (block != -1) & (scores[rows] > theta[block])
        indptr[rows.start + 1 : min(rows.stop, n) + 1] = keep[rows].sum(1)
    np.cumsum(indptr, out=indptr)
    kept = np.empty(int(indptr[-1]), dtype=indices.dtype)
    for rows in blocks:
        # Each row's kept labels in increasing order, the others (as
        # n_labels) after them: row after row, the CSR's sorted indices.
        ordered = np.where(keep[rows], indices[rows], top.n_labels)
        ordered.sort(axis=1)
        stop = min(rows.stop, n)
        kept[indptr[rows.start] : indptr[stop]] = ordered[ordered < top.n_labels]
    return sp.csr_matrix(
        (np.ones(kept.size, dtype=np.int64), kept, indptr), shape=top.shape
    )


def label_lists_to_csr(lists, n_samples, n_labels, name="Y"):
    """Lists of label indices, one per sample, as a CSR indicator of bool."""
    import scipy.sparse as sp

    if len(lists) != n_samples:
        raise ValueError(
            f"{name} as lists of label indices must have one list per sample, "
            f"{n_samples}; got {len(lists)}."
        )
    lengths = [len(row) for row in lists]
    flat = np.asarray([j for row in lists for j in row], dtype=np.float64)
    labels = flat.astype(np.int64)
    if flat.size and (
        (labels != flat).any() or labels.min() < 0 or labels.max() >= n_labels
    ):
        raise ValueError(
            f"{name} as lists of label indices must hold integers in [0, {n_labels}); "
            f"got values from {flat.min():g} to {flat.max():g}."
        )
    rows = np.repeat(np.arange(n_samples), lengths)
    Y = sp.csr_matrix(
        (np.ones(labels.size, dtype=bool), (rows, labels)), shape=(n_samples, n_labels)
    )
    Y.sum_duplicates()
    return Y
