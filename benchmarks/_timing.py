"""Helpers of the benchmarks: the unit of time (one pass) and the code measured.

Not part of skthresh: the scripts beside this file import it as ``_timing``
(``python benchmarks/bench_x.py`` puts ``benchmarks/`` first on ``sys.path``).
"""

import subprocess
import time
from pathlib import Path

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


def git_commit():
    """The checkout's commit, with "+dirty" if skthresh/ has changes; or None.

    None also outside a git checkout (an unpacked source archive).
    """
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "skthresh"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+dirty" if dirty else "")) or None
