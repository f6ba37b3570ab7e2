"""Metrics given as callables ``metric(Y_true, Y_pred) -> float``."""

import numpy as np

from skthresh._cuts import midpoint
from skthresh.metrics import FBeta


def is_callable_metric(metric):
    """Whether ``metric`` is a user callable rather than an :class:`FBeta`."""
    return callable(metric) and not isinstance(metric, FBeta)


def call_metric(metric, Y_true, Y_pred):
    """Call a user metric on 0/1 matrices and check it returned a number.

    Parameters
    ----------
    metric : callable
        ``metric(Y_true, Y_pred) -> float``, larger is better.
    Y_true, Y_pred : ndarray of int64 of shape (n_samples, n_labels)
        0/1 matrices.

    Returns
    -------
    value : float
    """
    value = metric(Y_true, Y_pred)
    try:
        value = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The metric callable {metric!r} must return a number; got "
            f"{type(value).__name__}."
        ) from exc
    if np.isnan(value):
        raise ValueError(f"The metric callable {metric!r} returned NaN.")
    return value


def evaluate_callable(metric, Y, S, thresholds):
    """Value of a callable metric for the decisions ``S > thresholds``.

    Parameters
    ----------
    metric : callable
        ``metric(Y_true, Y_pred) -> float``, larger is better, such as
        ``functools.partial(sklearn.metrics.f1_score, average="micro")``.
        It receives two int64 0/1 matrices of shape ``(n_samples,
        n_labels)``: the true labels and the decisions.
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    thresholds : array-like of shape (n_labels,)
        One threshold per label.

    Returns
    -------
    value : float
        The metric of the decisions.

    Examples
    --------
    >>> from functools import partial
    >>> import numpy as np
    >>> from sklearn.metrics import f1_score
    >>> from skthresh.strategies._callable import evaluate_callable
    >>> Y = np.array([[1, 0], [0, 1], [1, 1]], dtype=bool)
    >>> S = np.array([[.9, .2], [.4, .7], [.6, .5]])
    >>> evaluate_callable(partial(f1_score, average="micro"), Y, S, [.5, .5])
    0.8571428571428571
    """
    thresholds = np.asarray(thresholds, dtype=np.float64)
    Y_pred = (S > thresholds).astype(np.int64)
    return call_metric(metric, Y.astype(np.int64), Y_pred)


def shared_threshold_callable(metric, Y, S, *, max_candidates=None):
    """Best threshold shared by all labels for a callable metric.

    Evaluates the metric at the central threshold of every cut between
    distinct scores (one call per distinct score, plus one): exact, and
    affordable for small tuning sets only. With ``max_candidates``, only
    that many cuts, evenly spaced in rank, are evaluated.

    Parameters
    ----------
    metric : callable
        ``metric(Y_true, Y_pred) -> float``; see :func:`evaluate_callable`.
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    max_candidates : int or None, default=None
        Upper bound on the number of cuts evaluated; None evaluates all.

    Returns
    -------
    threshold : float
        Among equally good cuts, the highest threshold.
    value : float
        The metric at that threshold.
    """
    levels = np.unique(S).astype(np.float64)[::-1]
    candidates = np.concatenate(
        [
            levels[:1],
            midpoint(levels[:-1], levels[1:]),
            [np.nextafter(levels[-1], -np.inf)],
        ]
    )
    if max_candidates is not None and candidates.size > max_candidates:
        keep = np.unique(np.linspace(0, candidates.size - 1, max_candidates).round())
        candidates = candidates[keep.astype(np.int64)]
    Y_int = Y.astype(np.int64)
    values = np.array(
        [
            call_metric(metric, Y_int, (S > np.float64(t)).astype(np.int64))
            for t in candidates
        ]
    )
    best = int(np.argmax(values))
    return float(candidates[best]), float(values[best])
