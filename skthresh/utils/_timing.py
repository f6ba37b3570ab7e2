"""The unit of time of the benchmarks: one pass over the score matrix."""

import time

import numpy as np


def pass_time(S, repeats=15):
    """Median seconds of one pass, ``(S > thresholds).sum(0)``, over float32 scores.

    Times divided by this are in *passes*, which hold across machines.

    Parameters
    ----------
    S : array-like of shape (n_samples, n_labels)
        Scores; converted to float32 (no copy if they already are).
    repeats : int, default=15
        Passes timed; the median is returned.

    Returns
    -------
    seconds : float
    """
    S = np.asarray(S, dtype=np.float32)
    theta = np.full(S.shape[1], 0.3, dtype=np.float32)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        (S > theta).sum(0)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
