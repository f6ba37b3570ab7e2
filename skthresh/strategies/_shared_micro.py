"""The best shared threshold for a micro average, in little memory."""

# The best shared cut of a micro F-beta is "nothing positive" or just below a
# positive score: lowering a cut past negative scores only adds predicted
# positives. Its true positives come from the sorted positive scores; its
# predicted positives ``pp(c)``, the number of scores at or above ``c``, from
# the scores themselves. Rather than sorting every score, a first pass counts
# them in 2**16 cells by the upper 16 bits of their bit patterns (sign,
# exponent and leading mantissa bits: cells ordered as the floats are, each
# under 1% wide), which bounds ``pp`` at every candidate within its cell.
# Only the candidates whose upper bound could beat the best lower bound are
# then counted exactly, from the scores of the few cells they fall in (a
# second pass). Memory: the cells and those scores, never a copy of the
# matrix; time: a few passes over the scores.

import sys

import numpy as np

from skthresh._cuts import midpoint

_CELLS = 2**16
# The upper 16 bits of a float: the last uint16 of each little-endian float.
_HIGH = {4: 1, 8: 3} if sys.byteorder == "little" else {4: 0, 8: 0}
# Raw upper 16 bits -> ordered cell: positives (sign 0) above negatives,
# whose order is reversed; -0.0 (0x8000) shares the cell of +0.0.
_RAW = np.arange(_CELLS)
_CELL_OF_RAW = np.where(_RAW < 0x8000, _RAW + 0x8000, 0xFFFF - _RAW)
_CELL_OF_RAW[0x8000] = 0x8000


def _raw_high(block):
    """Upper 16 bits of each float of a block (a copy of a 16-bit view)."""
    block = np.ascontiguousarray(block)
    size = block.dtype.itemsize
    return block.reshape(-1).view(np.uint16)[_HIGH[size] :: size // 2]


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


def best_micro_cut(blocks, pos_scores, n_scores, metric, highest_below, zeros=0):
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
    zeros : int, default=0
        Scores of 0 not in the blocks (the implicit zeros of sparse
        scores), counted as if they were.

    Returns
    -------
    threshold : numpy.float64
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    pos_sorted = np.sort(pos_scores)
    n_pos = pos_sorted.size
    f = metric.elementwise
    empty = float(f(np.float64(0), np.float64(0), np.float64(n_pos)))
    levels = np.unique(pos_sorted)[::-1]  # descending: highest first
    if levels.size == 0:
        return None, empty
    tp = n_pos - np.searchsorted(pos_sorted, levels, side="left")
    # Pass 1: how many scores in each cell.
    raw = np.zeros(_CELLS, dtype=np.int64)
    for block in blocks():
        raw += np.bincount(_raw_high(block), minlength=_CELLS)
    zero = np.zeros(1, dtype=pos_sorted.dtype)
    raw[_raw_high(zero)[0]] += zeros
    hist = np.bincount(_CELL_OF_RAW, weights=raw, minlength=_CELLS).astype(np.int64)
    at_or_above = np.cumsum(hist[::-1])[::-1]  # scores in cells >= c
    level_cell = _CELL_OF_RAW[_raw_high(levels.astype(pos_sorted.dtype))]
    above_cell = at_or_above[level_cell] - hist[level_cell]
    pp_low, pp_high = above_cell, above_cell + hist[level_cell]
    # F decreases as pp grows: bounds of F at each candidate.
    f_high = f(tp, pp_low, n_pos)
    best_low = max(empty, float(f(tp, pp_high, n_pos).max()))
    refine = f_high >= best_low - 1e-12 * max(1.0, abs(best_low))
    if not refine.any():
        # Every cut's upper bound is below "nothing positive" (held labels'
        # counts can make that the best).
        return None, empty
    # Pass 2: the scores in those cells, sorted, give exact counts.
    wanted = np.zeros(_CELLS, dtype=bool)
    wanted[level_cell[refine]] = True
    wanted_raw = wanted[_CELL_OF_RAW]
    kept = []
    for block in blocks():
        values = np.ascontiguousarray(block).reshape(-1)
        kept.append(values[wanted_raw[_raw_high(values)]])
    kept = np.concatenate(kept)
    kept_keys, _ = ordered_keys(kept)
    order = np.argsort(kept_keys, kind="stable")
    kept_keys = kept_keys[order]
    kept_cells = _CELL_OF_RAW[_raw_high(kept[order])]  # non-decreasing
    idx = np.flatnonzero(refine)
    level_keys, _ = ordered_keys(levels[idx].astype(pos_sorted.dtype))
    in_cell = np.searchsorted(kept_cells, level_cell[idx], side="right") - (
        np.searchsorted(kept_keys, level_keys, side="left")
    )
    if zeros:
        # The implicit zeros at or above a level of their cell.
        same = level_cell[idx] == _CELL_OF_RAW[_raw_high(zero)[0]]
        in_cell += zeros * (same & (level_keys <= ordered_keys(zero)[0][0]))
    pp = above_cell[idx] + in_cell
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
