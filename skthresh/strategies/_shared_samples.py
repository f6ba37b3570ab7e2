"""The best shared threshold of a samples average, a block of rows at a time."""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._cuts import midpoint
from skthresh.strategies._sort_keys import (
    descending_keys,
    descending_order,
    key_levels,
)

# Entries (samples x labels) of one block of rows: its sort keys, gains and
# their order stay within a few tens of MB.
_BLOCK_ENTRIES = 2**20


def block_rows(n_labels):
    """Rows per block for the samples sweeps."""
    return max(1, _BLOCK_ENTRIES // max(1, n_labels))


def best_samples_cut(blocks, metric, offsets=None):
    """Exact best shared threshold of a samples-averaged F-beta.

    Only "nothing positive" and the cuts just below a positive score can
    be best (a negative entering never raises a sample's F), so the
    candidates are the distinct positive scores. For each block of rows,
    each row's scores are sorted once (its running true and predicted
    positive counts give the change of the sample's F as each score
    enters), then the block's scores are sorted together and their changes
    summed between consecutive candidates; the sums above every candidate
    are one cumulative sum at the end. ``O(n_samples * n_labels * log)``
    time (a block's work does not grow with the other blocks' candidates),
    memory of one block besides the candidates, and three reads of the
    rows (the candidates; the changes; the score just below the best).

    Parameters
    ----------
    blocks : callable
        ``blocks()`` yields ``(Y, S)`` blocks of consecutive rows: validated
        bool labels and float scores.
    metric : FBeta
        A samples average without held labels.
    offsets : tuple of three ndarray of int64 of shape (n_samples,) or None
        True, predicted and actual positives of each sample that labels
        held fixed add (see ``_held``).

    Returns
    -------
    threshold : numpy.float64
        Among cuts equally good up to the rounding of the sums, the highest.
    value : float
        The metric at that threshold.
    """
    positive, top, n, dtype = [], -np.inf, 0, None
    for Y, S in blocks():
        positive.append(np.unique(S[Y]))
        top = max(top, float(S.max()))
        n += S.shape[0]
        dtype = S.dtype
    levels = np.unique(np.concatenate(positive))[::-1]  # decreasing
    f = metric.elementwise
    if offsets is None:
        zeros = np.zeros(n, dtype=np.int64)
        offsets = (zeros, zeros, zeros)
    tp0, pp0, pos0 = offsets
    start = 0
    first = 0.0  # the summed F of the samples when nothing is positive
    # The changes of the entries between two consecutive candidates, summed:
    # a block adds to the candidates its entries reach only, so the sweep
    # costs the same per row however many candidates the other rows bring.
    between = np.zeros(levels.size + 1)
    ranks = {}  # the candidates' sort keys, per dtype of the blocks
    # Blocks in up to four threads (numpy releases the GIL), a few in flight.
    n_threads = min(4, cpu_count())
    pending = deque()

    def collect(future):
        reached, sums = future.result()
        between[reached] += sums

    with ThreadPoolExecutor(n_threads) as executor:
        for Y, S in blocks():
            rows = slice(start, start + S.shape[0])
            pos = Y.sum(axis=1, dtype=np.int64) + pos0[rows]
            first += float(f(tp0[rows], pp0[rows], pos).sum())
            if S.dtype not in ranks:
                ranks[S.dtype] = _rank_of(levels, S.dtype)
            pending.append(
                executor.submit(
                    _block_changes,
                    Y,
                    S,
                    ranks[S.dtype],
                    f,
                    tp0[rows],
                    pp0[rows],
                    pos,
                )
            )
            if len(pending) > n_threads:
                collect(pending.popleft())
            start = rows.stop
        while pending:
            collect(pending.popleft())
    totals = np.cumsum(between[:-1])
    values = np.concatenate([[first], first + totals]) / n
    top_value = values.max()
    best = int(np.argmax(values >= top_value - 1e-12 * max(1.0, abs(top_value))))
    if best == 0:
        return np.float64(top), float(values[0])
    level = levels[best - 1]
    lower = -np.inf
    for _, S in blocks():
        lower = max(lower, float(np.max(S, where=S < level, initial=-np.inf)))
    if lower == -np.inf:
        threshold = np.nextafter(np.float64(level), -np.inf)
    else:
        threshold = np.float64(midpoint(np.asarray(level, dtype=dtype), lower))
    return np.float64(threshold), float(values[best])


def _block_changes(Y, S, level_ranks, f, tp0, pp0, pos):
    """Summed change of the samples' F between consecutive candidates, for one block.

    Returns
    -------
    reached : ndarray of intp
        Increasing indices ``c`` of the candidates (``level_ranks.size``
        for the scores below the lowest one): the block's entries that
        enter from candidate ``c`` on, and not before.
    sums : ndarray of float64
        The summed change of those entries, for each index of ``reached``.
    """
    b, n_labels = S.shape
    # Each row by decreasing score: its running counts as scores enter.
    keys, ranks = _sorted_rows(S)
    tp = np.empty((b, n_labels + 1), dtype=np.int64)
    tp[:, 0] = tp0
    np.cumsum(np.take_along_axis(Y, keys, axis=1), axis=1, out=tp[:, 1:])
    tp[:, 1:] += tp0[:, None]
    pp = np.arange(n_labels + 1, dtype=np.int64)[None, :] + pp0[:, None]
    change = np.diff(f(tp, pp, pos[:, None]), axis=1)
    del tp, pp, keys
    # All the block's scores by decreasing score: the first candidate at
    # or below each score (both increasing), then one sum per run of equal
    # candidates.
    order, flat = _sorted_flat(ranks.ravel())
    reached = np.searchsorted(level_ranks, flat, side="left")
    starts = np.flatnonzero(np.concatenate([[True], reached[1:] != reached[:-1]]))
    return reached[starts], np.add.reduceat(change.ravel()[order], starts)


def _rank_of(values, dtype):
    """Sort keys increasing as ``values`` decrease (see :func:`_sorted_rows`)."""
    values = np.asarray(values, dtype=dtype)
    if dtype == np.float32:
        return key_levels(descending_keys(values))
    return -values.astype(np.float64)


def _sorted_rows(S):
    """Column order of each row by decreasing score, and the sorted ranks."""
    order, keys = descending_order(S)
    if keys is not None:
        return order, key_levels(keys)
    return order, -np.take_along_axis(S, order, axis=1).astype(np.float64)


def _sorted_flat(ranks):
    """Order of a 1-D array of ranks (increasing) and the sorted ranks."""
    if ranks.dtype == np.uint32 and ranks.size < 2**32:
        keys = ranks.astype(np.uint64) << np.uint64(32)
        keys |= np.arange(ranks.size, dtype=np.uint64)
        keys.sort()
        return (keys & np.uint64(2**32 - 1)).astype(np.intp), key_levels(keys)
    order = np.argsort(ranks, kind="stable")
    return order, ranks[order]


def samples_cut_bound(blocks, metric, offsets=None, n_bins=256):
    """An upper bound on the best shared threshold's samples-averaged F-beta.

    A few passes, against the exact sweep's dozens: a caller that already
    holds thresholds scoring above the bound knows that no shared threshold
    beats them, without :func:`best_samples_cut`.

    The scores are put in ``n_bins`` bins of equal width between the lowest
    and the highest positive score (those below and above in the first and
    last), with a bin number that never decreases as the score grows. For
    any threshold, the scores above it are then all those of the bins above
    some bin ``k``, and some of bin ``k``: each sample has at most the true
    positives of bins ``k`` and above, and at least the predicted positives
    of the bins above ``k``. Its F with at most those true positives and at
    least those predicted positives (never fewer predicted than true) is
    bounded by the F of those two counts, as F grows with the true
    positives and falls with the predicted ones. The bound is the largest
    over ``k`` of the mean of these per-sample bounds.

    Parameters
    ----------
    blocks : callable
        ``blocks()`` yields ``(Y, S)`` blocks of consecutive rows.
    metric : FBeta
        A samples average without held labels.
    offsets : tuple of three ndarray of int64 of shape (n_samples,) or None
        As for :func:`best_samples_cut`.
    n_bins : int, default=256

    Returns
    -------
    bound : float
        At least the metric of every shared threshold (NaN only if the
        metric's values are).
    """
    low, high, n, dtype = np.inf, -np.inf, 0, None
    for Y, S in blocks():
        positive = S[Y]
        if positive.size:
            low = min(low, float(positive.min()))
            high = max(high, float(positive.max()))
        n += S.shape[0]
        dtype = S.dtype if dtype is None else dtype
    if low == np.inf:  # no positive: every sample's F is its empty value
        low = high = 0.0
    # Bins in the first block's float type: rounding never makes a higher
    # score's bin lower, which is all the bound needs.
    low = np.asarray(low, dtype=dtype)
    scale = np.asarray(n_bins / (high - low) if high > low else 0.0, dtype=dtype)
    if not np.isfinite(scale):  # a range too small to divide by
        scale = np.asarray(0.0, dtype=dtype)
    f = metric.elementwise
    if offsets is None:
        zeros = np.zeros(n, dtype=np.int64)
        offsets = (zeros, zeros, zeros)
    tp0, pp0, pos0 = offsets
    width = n_bins + 1  # bins 0 .. n_bins
    totals = np.zeros(width)
    start = 0
    for Y, S in blocks():
        b = S.shape[0]
        rows = slice(start, start + b)
        start += b
        x = np.subtract(S, low, dtype=dtype)
        x *= scale
        np.clip(x, 0, n_bins, out=x)
        cell = x.astype(np.int32 if b * width < 2**31 else np.int64)
        cell += (np.arange(b, dtype=cell.dtype) * width)[:, None]
        # Per sample and bin: the scores, and the positive ones, in it.
        every = np.bincount(cell.ravel(), minlength=b * width).reshape(b, width)
        positive = np.bincount(cell[Y], minlength=b * width).reshape(b, width)
        del x, cell
        # At or above bin k (true positives), above bin k (predicted).
        tp_high = np.cumsum(positive[:, ::-1], axis=1)[:, ::-1] + tp0[rows, None]
        above = np.cumsum(every[:, ::-1], axis=1)[:, ::-1] - every + pp0[rows, None]
        pos = Y.sum(axis=1, dtype=np.int64) + pos0[rows]
        totals += f(tp_high, np.maximum(above, tp_high), pos[:, None]).sum(axis=0)
    return float(totals.max() / n)
