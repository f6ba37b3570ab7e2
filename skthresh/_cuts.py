"""Count primitives: thresholds between scores, counts in sorted segments."""

import numpy as np


def midpoint(upper, lower):
    """A threshold strictly between two scores, as central as floats allow."""
    upper = np.asarray(upper, dtype=np.float64)
    lower = np.asarray(lower, dtype=np.float64)
    mid = lower + (upper - lower) / 2.0
    return np.where(mid < upper, mid, lower)


def level_cut_threshold(levels, cut):
    """Threshold that makes exactly the ``cut`` highest levels positive."""
    if cut == 0:
        return levels[0]
    if cut == levels.size:
        return np.nextafter(levels[-1], -np.inf)
    return midpoint(levels[cut - 1], levels[cut])


def count_le(flat, start, stop, values):
    """Number of elements ``<= value`` in sorted segments of a flat array.

    A binary search vectorized over queries: query ``q`` looks at the
    ascending segment ``flat[start[q]:stop[q]]``. Comparisons are made in the
    common type of ``flat`` and ``values``, so the counts are exact.

    Parameters
    ----------
    flat : ndarray of shape (n_elements,)
        Concatenated segments, each sorted in ascending order.
    start, stop : ndarray of int
        Segment bounds of each query, broadcast against ``values``.
    values : ndarray of float
        The query values.

    Returns
    -------
    counts : ndarray of int64
        Same shape as the broadcast inputs.
    """
    return search_segments(flat, start, stop, values, strict=False)


def search_segments(flat, start, stop, values, strict):
    """Elements ``<= value`` (``< value`` if strict) in sorted segments.

    See :func:`count_le`; ``strict=True`` counts the elements ``< value``.
    """
    values = np.asarray(values)
    shape = np.broadcast_shapes(values.shape, np.shape(start), np.shape(stop))
    lo = np.broadcast_to(np.asarray(start, dtype=np.int64), shape).copy()
    hi = np.broadcast_to(np.asarray(stop, dtype=np.int64), shape).copy()
    first = lo.copy()
    longest = int((hi - lo).max(initial=0))
    last = max(flat.size - 1, 0)
    below = np.less if strict else np.less_equal
    for _ in range(longest.bit_length()):
        active = lo < hi
        mid = (lo + hi) >> 1
        go = below(flat[np.minimum(mid, last)], values)
        lo = np.where(go & active, mid + 1, lo)
        hi = np.where(go | ~active, hi, mid)
    return lo - first


def significant(gain, magnitude):
    """Whether a gain summed in floating point exceeds its rounding noise.

    Parameters
    ----------
    gain : float
        A difference of metric sums.
    magnitude : float
        The sum of the absolute values of the terms summed.
    """
    return gain > 1e-9 * max(1.0, magnitude)
