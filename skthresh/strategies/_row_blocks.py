"""A tuning set read a block of rows at a time, each block validated as it comes."""

import copy

import numpy as np

from skthresh._top_k import TopKScores
from skthresh._validation import (
    check_indicator,
    check_scores,
    raise_shape_mismatch,
)

# Scores read at once: about 64 MB of float64.
_BLOCK_BYTES = 64 * 2**20


def _is_dask(obj):
    return type(obj).__module__.split(".")[0] == "dask"


class RowBlocks:
    """Labels and scores read by blocks of consecutive rows.

    For metrics whose counts are per sample (the samples average), a block
    of rows holds everything about its samples: their counts come from that
    block only. Inputs too large to load whole (a ``numpy.memmap``, a scipy
    sparse matrix, a Dask array, :class:`~skthresh.TopKScores`) are read
    block by block (a block of top-k rows is dense, 0 outside each row's
    ``k`` labels); every block is validated as
    :func:`~skthresh.learn_thresholds` validates a matrix, with rows in
    messages counted from the first row.

    Parameters
    ----------
    Y : {array-like, sparse matrix, dask array} of shape (n_samples, n_labels)
    S : {array-like, sparse matrix, dask array, TopKScores} of shape \
            (n_samples, n_labels)
    rows : int or None, default=None
        Rows per block; by default about 64 MB of scores (a Dask array's
        own blocks of rows).
    """

    def __init__(self, Y, S, rows=None):
        shape_s, shape_y = _shape(S), _shape(Y)
        if shape_y != shape_s:
            raise_shape_mismatch(shape_y, shape_s)
        if shape_s[0] == 0 or shape_s[1] == 0:
            raise ValueError(
                "scores must have at least one sample and one label; got shape "
                f"{shape_s}."
            )
        self.n_samples, self.n_labels = shape_s
        self.shape = shape_s
        if _is_dask(S) or _is_dask(Y):
            import dask.array as da

            S, Y = da.asarray(S), da.asarray(Y)
            if any(np.isnan(c).any() for c in S.chunks):
                raise ValueError(
                    "scores must have known chunk sizes; call "
                    "scores.compute_chunk_sizes() first."
                )
            bounds = np.cumsum((0, *S.chunks[0]))
        else:
            if hasattr(S, "tocsr"):
                S = S.tocsr()
            if hasattr(Y, "tocsr"):
                Y = Y.tocsr()
            if rows is None:
                rows = max(1, _BLOCK_BYTES // (8 * self.n_labels))
            bounds = np.append(np.arange(0, self.n_samples, rows), self.n_samples)
        self._Y, self._S = Y, S
        self._bounds = [int(b) for b in bounds]
        self._labels = None  # all of them
        pos = np.zeros(self.n_labels, dtype=np.int64)
        for Y_block, _ in self.blocks():
            pos += Y_block.sum(axis=0, dtype=np.int64)
        self.pos = pos

    def blocks(self):
        """Validated ``(Y, S)`` blocks of consecutive rows, in order.

        Yields
        ------
        Y : ndarray of bool of shape (n_rows, n_labels)
        S : ndarray of float32 or float64 of shape (n_rows, n_labels)
        """
        for _, Y, S in self.numbered_blocks():
            yield Y, S

    def numbered_blocks(self):
        """``(first_row, Y, S)`` for each block of :meth:`blocks`."""
        for start, stop in zip(self._bounds[:-1], self._bounds[1:], strict=True):
            Y, S = _rows(self._Y, start, stop), _rows(self._S, start, stop)
            if _is_dask(S) or _is_dask(Y):
                import dask

                Y, S = dask.compute(Y, S)
            Y, S = check_indicator(Y), check_scores(S, row_offset=start)
            if self._labels is not None:
                Y = np.ascontiguousarray(Y[:, self._labels])
                S = np.ascontiguousarray(S[:, self._labels])
            yield start, Y, S

    def take_labels(self, labels):
        """The same rows, some labels only (each block validated whole).

        Parameters
        ----------
        labels : ndarray of int or bool
            Of this object's labels.

        Returns
        -------
        blocks : RowBlocks
        """
        view = copy.copy(self)
        chosen = np.arange(self.n_labels)[labels]
        view._labels = chosen if self._labels is None else self._labels[chosen]
        view.n_labels = chosen.size
        view.shape = (self.n_samples, chosen.size)
        view.pos = self.pos[chosen]
        return view

    def score_range(self):
        """The lowest and highest scores of all labels."""
        low, high = np.inf, -np.inf
        for _, S in self.blocks():
            low, high = min(low, float(S.min())), max(high, float(S.max()))
        return low, high

    def arrays(self):
        """The whole labels and scores, validated, as numpy arrays."""
        Y = np.empty(self.shape, dtype=bool)
        S = None
        for start, Y_block, S_block in self.numbered_blocks():
            if S is None:
                S = np.empty(self.shape, dtype=S_block.dtype)
            elif S_block.dtype != S.dtype:  # float64 blocks after float32 ones
                S = S.astype(np.result_type(S.dtype, S_block.dtype))
            rows = slice(start, start + len(S_block))
            Y[rows], S[rows] = Y_block, S_block
        return Y, S

    def score(self, metric, thresholds):
        """A samples average at ``thresholds``: per-sample counts, block by block."""
        counts = [
            (
                np.logical_and(S > thresholds, Y).sum(axis=1, dtype=np.int64),
                (S > thresholds).sum(axis=1, dtype=np.int64),
                Y.sum(axis=1, dtype=np.int64),
            )
            for Y, S in self.blocks()
        ]
        tp, pp, pos = (np.concatenate(c) for c in zip(*counts, strict=True))
        return float(metric.from_counts(tp, pp, pos))


def _shape(obj):
    shape = getattr(obj, "shape", None)
    if shape is None:
        shape = np.shape(obj)
    if len(shape) == 1:
        shape = (shape[0], 1)
    return tuple(int(s) for s in shape)


def _rows(obj, start, stop):
    if isinstance(obj, TopKScores):
        return obj._dense_rows(start, stop)
    if not hasattr(obj, "shape"):
        obj = np.asarray(obj)
    if hasattr(obj, "tocsr"):
        return obj[start:stop].toarray()
    if hasattr(obj, "iloc"):
        return obj.iloc[start:stop]
    block = obj[start:stop]
    return block.reshape(-1, 1) if block.ndim == 1 else block
