"""Starting points shared by strategies: fixed, shared, proportional cuts, scales."""

import warnings
from numbers import Real

import numpy as np

from skthresh._cuts import midpoint
from skthresh._summary import ScoreSummary
from skthresh._summary_build import in_threads, scratch, transpose_into
from skthresh._validation import check_thresholds, listed
from skthresh.metrics._fbeta import _multilabel_counts
from skthresh.strategies._shared import shared_threshold
from skthresh.utils._sklearn_compat import Interval, StrOptions

# Constraints of the parameters the helpers below interpret, for the
# ``_parameter_constraints`` of the strategies that take them.
INIT_CONSTRAINT = [StrOptions({"global", "default"}), Real, "array-like"]
SCALE_CONSTRAINT = [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")]


def default_threshold(S):
    """0.5 for scores within ``[0, 1]``, 0.0 for any other scores."""
    return 0.5 if (S.min() >= 0.0 and S.max() <= 1.0) else 0.0


def initial_thresholds(init, Y, S, metric, *, warn_outside=True):
    """Initial thresholds from an ``init`` parameter.

    Parameters
    ----------
    init : {"global", "default"}, float or array-like of shape (n_labels,)
        ``"global"``: the best shared threshold; ``"default"``: 0.5 for
        probabilities, 0.0 for decision scores; or the thresholds.
    Y, S : ndarray
        Validated labels and scores.
    metric : FBeta or callable
        The metric, for ``"global"``.
    warn_outside : bool, default=True
        Whether given thresholds outside a label's scores warn (see
        :func:`given_thresholds`); False for searches that scan every
        label's whole range anyway.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    n_labels = S.shape[1]
    if isinstance(init, str):
        if init == "global":
            return np.full(n_labels, shared_threshold(Y, S, metric))
        return np.full(n_labels, default_threshold(S))  # "default"
    return given_thresholds(init, S, warn_outside=warn_outside)


def given_thresholds(init, S, *, warn_outside=True):
    """Thresholds given as ``init``, checked, with a warning for stuck labels.

    A label whose start lies at or above all its scores predicts nothing,
    and one below all its scores predicts everything; no score lies near
    the threshold, so a local search (surrogate or numerical gradients, a
    perturbation search) may never move it. Such starts raise a
    ``UserWarning`` naming the labels.

    Parameters
    ----------
    init : float or array-like of shape (n_labels,)
    S : ndarray of shape (n_samples, n_labels) or ScoreSummary
    warn_outside : bool, default=True

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    theta = check_thresholds(init, S.shape[1], name="init")
    if not warn_outside:
        return theta
    if isinstance(S, ScoreSummary):
        low, high = S.label_min(), S.label_max()
    else:
        low, high = S.min(axis=0), S.max(axis=0)
    outside = np.flatnonzero((theta >= high) | (theta < low))
    if outside.size:
        shown = listed(outside)
        warnings.warn(
            f"init puts {outside.size} of {theta.size} label(s) (indices {shown}) "
            "at or above all their scores, or below all of them: they start by "
            "predicting nothing or everything, and a local search may never move "
            "them, no score lying near the threshold. Use init='global' (the best "
            "shared threshold) or values within each label's scores.",
            UserWarning,
            stacklevel=5,
        )
    return theta


def rate_thresholds(Y, S):
    """Thresholds at which each label predicts as many positives as it has.

    The proportional cut: label ``j`` with ``P_j`` positives among the
    tuning samples gets the midpoint of its ``P_j``-th and ``P_j + 1``-th
    highest scores, so that ``P_j`` scores lie above it (fewer where scores
    tie at the cut). A start for the descent that already sits, for every
    label, where its positives are, however far that is from the others'.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels) or None
        Labels; ``None`` when ``S`` is a summary.
    S : ndarray of shape (n_samples, n_labels) or ScoreSummary
        Scores, or their summary.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    if isinstance(S, np.ndarray) and isinstance(Y, np.ndarray) and S.ndim == 2:
        return _rate_thresholds_of_arrays(Y, S)
    summary = S if isinstance(S, ScoreSummary) else ScoreSummary.from_arrays(Y, S)
    n_above = summary.pos
    if getattr(summary, "weighted", False):
        # Weighted samples: as much weight above the cut as positive weight.
        n_above = summary.weighted_rank_above(summary.pos_weight)
    return summary.cut_threshold(np.arange(summary.n_labels), n_above)


def _rate_thresholds_of_arrays(Y, S):
    """:func:`rate_thresholds` of a score matrix, without sorting it.

    Each label needs two order statistics only: ``numpy.partition`` of its
    scores (linear time), a block of labels copied at a time, gives the
    same two scores as a summary's full sort, and the same thresholds as
    ``ScoreSummary.cut_threshold``.
    """
    n, n_labels = S.shape
    n_above = Y.sum(axis=0, dtype=np.int64)
    rank_upper = np.clip(n - n_above, 0, n - 1)
    rank_lower = np.clip(n - n_above - 1, 0, n - 1)
    upper = np.empty(n_labels, dtype=S.dtype)
    lower = np.empty(n_labels, dtype=S.dtype)
    width = max(1, (32 * 2**20) // max(1, S.itemsize * n))

    def order_statistics(j0):
        j1 = min(j0 + width, n_labels)
        # Its own memory, unmapped once done (threads' heaps keep theirs).
        block = scratch((j1 - j0) * n, S.dtype).reshape(j1 - j0, n)
        transpose_into(S[:, j0:j1], block, 0)
        for r, column in enumerate(block):
            j = j0 + r
            column.partition(sorted({int(rank_lower[j]), int(rank_upper[j])}))
            upper[j], lower[j] = column[rank_upper[j]], column[rank_lower[j]]

    # Blocks of labels in a few threads (numpy's partition releases the GIL).
    in_threads(order_statistics, range(0, n_labels, width))
    upper, lower = upper.astype(np.float64), lower.astype(np.float64)
    return np.where(
        n_above == 0,
        lower,
        np.where(n_above >= n, np.nextafter(upper, -np.inf), midpoint(upper, lower)),
    )


def better_start(metric, Y, S, base, other):
    """Per label, ``other`` where moving that label alone to it beats ``base``.

    Exact for each label on its own: for a micro average, the metric with
    that label's counts swapped into the pooled counts of ``base``; for a
    macro average, the label's own F. The labels that gain move together.
    A samples average, whose counts are per sample, takes ``other``.

    Parameters
    ----------
    metric : FBeta
    Y : ndarray of shape (n_samples, n_labels) or None
        Labels; ``None`` when ``S`` is a summary.
    S : ndarray of shape (n_samples, n_labels) or ScoreSummary
    base, other : ndarray of float64 of shape (n_labels,)
        Two starts.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    if metric.average == "samples":
        return other
    if isinstance(S, ScoreSummary):
        (tp_a, pp_a), (tp_b, pp_b) = S.counts(base), S.counts(other)
        pos = S.pos_weight
    else:
        tp_a, pp_a, pos = _multilabel_counts(Y, S > base, axis=0)
        tp_b, pp_b, _ = _multilabel_counts(Y, S > other, axis=0)
    f = metric.elementwise
    if metric.average == "micro":
        TP, PP, P = tp_a.sum(), pp_a.sum(), pos.sum()
        value_a = f(TP, PP, P)
        value_b = f(TP - tp_a + tp_b, PP - pp_a + pp_b, P)
    else:
        value_a, value_b = f(tp_a, pp_a, pos), f(tp_b, pp_b, pos)
    return np.where(value_b > value_a, other, base)


def resolve_scale(S):
    """The unit of slope and learning rate for a score matrix.

    1.0 for scores within ``[0, 1]``; otherwise the spread between the 0.5%
    and 99.5% quantiles of (up to 200,000 evenly strided) scores.
    """
    lo, hi = float(S.min()), float(S.max())
    if lo >= 0.0 and hi <= 1.0:
        return 1.0
    if isinstance(S, ScoreSummary):
        sample = S.strided_sample().ravel()
    else:
        flat = S.ravel()
        sample = flat[:: max(1, flat.size // 200_000)]
    q_lo, q_hi = np.quantile(sample, [0.005, 0.995])
    for a, b in ((q_lo, q_hi), (lo, hi)):
        # Halves first: the difference of two scores near the float64 limit
        # overflows, half of it does not.
        spread = 2.0 * (float(b) / 2.0 - float(a) / 2.0)
        if spread > 0:
            return min(spread, float(np.finfo(np.float64).max))
    return 1.0
