"""Top-k scores: each sample's k best labels and their scores, as sparse rows."""

import numpy as np


class TopKScores:
    """Scores of each sample's ``k`` highest-scoring labels only.

    Extreme multi-label models (tens of thousands of labels and more)
    output, for each sample, the indices of its ``k`` best labels and their
    scores. Every other score counts as 0, exactly as a missing entry of a
    scipy sparse matrix does: :func:`~skthresh.learn_thresholds`,
    :class:`~skthresh.ScoreSummary` and :func:`~skthresh.apply_thresholds`
    take a ``TopKScores`` as ``scores`` and never build the dense matrix.

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
    indices : ndarray of int64 of shape (n_samples, k)
    scores : ndarray of float32 or float64 of shape (n_samples, k)
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
        if indices.dtype.kind not in "iu":
            if indices.dtype.kind == "f" and np.array_equal(indices, np.round(indices)):
                indices = indices.astype(np.int64)
            else:
                raise ValueError(
                    f"indices of top-k scores must be integers; got dtype "
                    f"{indices.dtype}."
                )
        indices = indices.astype(np.int64, copy=False)
        if scores.dtype.kind not in "biuf":
            raise ValueError(
                "scores of top-k scores must be real numbers; got dtype "
                f"{scores.dtype}."
            )
        if scores.dtype == np.float16:
            scores = scores.astype(np.float32)
        elif scores.dtype not in (np.float32, np.float64):
            scores = scores.astype(np.float64)
        used = indices != -1
        if (indices < -1).any():
            row, col = np.argwhere(indices < -1)[0]
            raise ValueError(
                f"indices of top-k scores must be label indices >= 0, or -1 for "
                f"padding; got {indices[row, col]} at row {row}, position {col}."
            )
        highest = int(indices.max(initial=-1))
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
                f"{indices[row, col]} at row {row}, position {col}."
            )
        bad = used & ~np.isfinite(scores)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"scores of top-k scores must be finite; found {int(bad.sum())} NaN "
                f"or infinite value(s), the first at row {row}, position {col}."
            )
        ordered = np.sort(np.where(used, indices, -1 - np.arange(indices.shape[1])), 1)
        repeated = ordered[:, 1:] == ordered[:, :-1]
        if repeated.any():
            row, col = np.argwhere(repeated)[0]
            raise ValueError(
                f"indices of top-k scores must not repeat a label in a row; row {row} "
                f"has label {ordered[row, col]} more than once."
            )
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

    def __repr__(self):
        n, k = self.indices.shape
        return f"TopKScores(n_samples={n}, k={k}, n_labels={self.n_labels})"


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
