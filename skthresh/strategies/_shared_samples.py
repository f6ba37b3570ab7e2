"""The best shared threshold of a samples average, a block of rows at a time."""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._cuts import midpoint
from skthresh.strategies._sort_keys import descending_keys, key_levels

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
    enters), then the block's scores are sorted together and the changes
    summed above every candidate: ``O(n_samples * n_labels * log)`` time,
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
    totals = np.zeros(levels.size)
    first = 0.0  # the summed F of the samples when nothing is positive
    # Blocks in up to four threads (numpy releases the GIL), a few in flight.
    n_threads = min(4, cpu_count())
    pending = deque()
    with ThreadPoolExecutor(n_threads) as executor:
        for Y, S in blocks():
            rows = slice(start, start + S.shape[0])
            pos = Y.sum(axis=1, dtype=np.int64) + pos0[rows]
            first += float(f(tp0[rows], pp0[rows], pos).sum())
            pending.append(
                executor.submit(
                    _block_changes, Y, S, levels, f, tp0[rows], pp0[rows], pos
                )
            )
            if len(pending) > n_threads:
                totals += pending.popleft().result()
            start = rows.stop
        while pending:
            totals += pending.popleft().result()
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


def _block_changes(Y, S, levels, f, tp0, pp0, pos):
    """Summed change of the samples' F after each candidate, for one block."""
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
    # All the block's scores by decreasing score: the changes above each
    # candidate are a cumulative sum read where the candidate falls.
    order, flat = _sorted_flat(ranks.ravel())
    running = np.cumsum(change.ravel()[order])
    at = np.searchsorted(flat, _rank_of(levels, S.dtype), side="right")
    return np.where(at > 0, running[np.maximum(at - 1, 0)], 0.0)


def _rank_of(values, dtype):
    """Sort keys increasing as ``values`` decrease (see :func:`_sorted_rows`)."""
    values = np.asarray(values, dtype=dtype)
    if dtype == np.float32:
        return key_levels(descending_keys(values))
    return -values.astype(np.float64)


def _sorted_rows(S):
    """Column order of each row by decreasing score, and the sorted ranks."""
    if S.dtype == np.float32:
        keys = descending_keys(S)
        keys.sort(axis=1)
        order = (keys & np.uint64(2**32 - 1)).astype(np.intp)
        return order, key_levels(keys)
    order = np.argsort(-S, axis=1, kind="stable")
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
