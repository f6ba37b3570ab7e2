"""The best shared threshold for a micro average, in little memory.

The best shared cut of a micro F-beta is "nothing positive" or just below a
positive score: lowering a cut past negative scores only adds predicted
positives. Its true positives come from the sorted positive scores; its
predicted positives ``pp(c)``, the number of scores at or above ``c``, from
the scores themselves. Rather than sorting every score, a first pass counts
them in 2**20 bins of their bit patterns (ordered as the floats are), which
bounds ``pp`` at every candidate within its bin; only the candidates whose
upper bound could beat the best lower bound are then counted exactly, from
the few bins they fall in (a second pass). Memory: the bins and those
scores, never a copy of the matrix; time: a few passes over the scores.
"""

import numpy as np

_BITS = 20  # 2**20 bins


def ordered_keys(values):
    """Unsigned integers that sort as the (finite) floats ``values`` do.

    ``-0.0`` and ``0.0`` get the same key. Works for float32 (uint32 keys)
    and float64 (uint64 keys); computed in place on one copy of the values.

    Returns
    -------
    keys : ndarray of uint32 or uint64
    width : int
        32 or 64, the number of bits of the keys.
    """
    values = np.asarray(values)
    if values.dtype != np.float32:
        values = values.astype(np.float64, copy=False)
    uint = np.uint32 if values.dtype == np.float32 else np.uint64
    width = 8 * values.dtype.itemsize
    # A copy, with -0.0 made +0.0 (the sum of -0.0 and +0.0 is +0.0).
    keys = (values + values.dtype.type(0.0)).view(uint)
    # Negative floats: flip every bit; others: flip the sign bit.
    flip = keys >> uint(width - 1)
    flip *= uint(2 ** (width - 1) - 1)
    flip |= uint(2 ** (width - 1))
    keys ^= flip
    return keys, width


def best_micro_cut(blocks, pos_scores, n_scores, metric, highest_below):
    """Exact best shared cut of a micro F-beta.

    Parameters
    ----------
    blocks : callable
        ``blocks()`` yields every score once, in arrays of any shape (rows
        of a matrix, rows of a summary), all of one float type.
    pos_scores : ndarray
        The scores of positive samples (any order), same float type.
    n_scores : int
        The number of scores.
    metric : FBeta
        A micro average.
    highest_below : callable
        ``highest_below(level)``: the highest score below ``level``, or
        None if there is none.

    Returns
    -------
    threshold : numpy.float64
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    from skthresh.strategies._global import midpoint

    pos_sorted = np.sort(pos_scores)
    n_pos = pos_sorted.size
    f = metric.elementwise
    empty = float(f(np.float64(0), np.float64(0), np.float64(n_pos)))
    levels = np.unique(pos_sorted)[::-1]  # descending: highest first
    if levels.size == 0:
        return None, empty
    tp = n_pos - np.searchsorted(pos_sorted, levels, side="left")
    # Pass 1: how many scores in each bin.
    hist = np.zeros(2**_BITS, dtype=np.int64)
    width = None
    for block in blocks():
        keys, width = ordered_keys(block.ravel())
        keys >>= keys.dtype.type(width - _BITS)
        hist += np.bincount(keys.astype(np.intp), minlength=2**_BITS)
    shift = np.uint64(width - _BITS)
    at_or_above = np.cumsum(hist[::-1])[::-1]  # scores in bins >= b
    level_keys, _ = ordered_keys(levels)
    level_keys = level_keys.astype(np.uint64)
    level_bin = (level_keys >> shift).astype(np.int64)
    above_bin = at_or_above[level_bin] - hist[level_bin]
    pp_low, pp_high = above_bin, above_bin + hist[level_bin]
    # F decreases as pp grows: bounds of F at each candidate.
    f_high = f(tp, pp_low, n_pos)
    best_low = max(empty, float(f(tp, pp_high, n_pos).max()))
    refine = f_high >= best_low - 1e-12 * max(1.0, abs(best_low))
    bins = np.unique(level_bin[refine])
    # Pass 2: the scores in those bins, sorted, give exact counts.
    wanted = np.zeros(2**_BITS, dtype=bool)
    wanted[bins] = True
    kept = []
    for block in blocks():
        keys, _ = ordered_keys(block.ravel())
        kept.append(keys[wanted[(keys >> keys.dtype.type(shift)).astype(np.intp)]])
    kept = np.sort(np.concatenate(kept)).astype(np.uint64)
    idx = np.flatnonzero(refine)
    upper = (level_bin[idx].astype(np.uint64) + np.uint64(1)) << shift
    upper_count = np.searchsorted(kept, upper, side="left") if width < 64 else None
    if upper_count is None:  # (b + 1) << 44 may overflow at the top bin
        last = level_bin[idx] == 2**_BITS - 1
        safe = np.where(last, np.uint64(0), upper)
        upper_count = np.where(
            last, kept.size, np.searchsorted(kept, safe, side="left")
        )
    in_bin = upper_count - np.searchsorted(kept, level_keys[idx], side="left")
    pp = above_bin[idx] + in_bin
    values = f(tp[idx], pp, n_pos)
    # Highest threshold among the best: the first in descending order.
    top = values.max()
    if top <= empty:
        return None, empty
    best = idx[int(np.argmax(values == top))]
    level = levels[best]
    lower = highest_below(level)
    if lower is None:
        return np.nextafter(np.float64(level), -np.inf), float(top)
    return np.float64(midpoint(level, lower)), float(top)
