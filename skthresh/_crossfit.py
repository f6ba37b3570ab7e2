"""Thresholds from cross-fitted folds: mean of the fold curves, or a smoothed pool."""

import numpy as np

from skthresh._cuts import midpoint
from skthresh.metrics import FBeta, check_metric

AGGREGATIONS = ("pooled", "mean_curve", "smoothed")

_MAX_PASSES = 20  # coordinate passes of the micro search


def aggregate_thresholds(how, folds, metric, start, free):
    """Thresholds that maximize the mean fold curve or the smoothed pooled curve.

    Parameters
    ----------
    how : {"mean_curve", "smoothed"}
        ``"mean_curve"``: each fold's metric curve, computed on that fold's
        out-of-fold scores alone, averaged over folds on a common grid of
        cuts (every cut between two pooled scores), and the best cut of the
        mean taken, as :class:`~sklearn.model_selection.TunedThresholdClassifierCV`
        does for one label. ``"smoothed"``: the pooled out-of-fold curve,
        smoothed by a triangular kernel over neighbouring cuts before the
        best cut is taken.
    folds : list of (Y, S)
        Each fold's boolean labels and scores, of shape ``(n_k, n_labels)``.
    metric : FBeta
        A micro or macro average (one label: either).
    start : ndarray of shape (n_labels,)
        The pooled thresholds: where the micro search starts, and the
        thresholds of the labels that are not ``free``.
    free : ndarray of bool of shape (n_labels,)
        Labels searched; the others keep ``start``.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)

    Notes
    -----
    For a macro average (and one label) the labels are independent and
    each label's curve is searched alone. A micro average couples the
    labels through the pooled counts, so the analogue of averaging the
    fold curves is to maximize the mean over folds of each fold's micro F
    (each fold's counts summed over labels): a coordinate ascent from
    ``start`` in which a label's curve, the other labels held at their
    current thresholds, is the mean of the folds' micro F over the common
    cuts. (Averaging the folds' counts instead gives back the pooled
    counts, divided by the number of folds: the pooled search itself.)
    """
    thresholds = np.array(start, dtype=np.float64)
    curves = [_LabelCurves(folds, j) for j in np.flatnonzero(free)]
    if not curves:
        return thresholds
    if metric.average != "micro" or len(start) == 1:
        for curve in curves:
            value = curve.objective(how, metric, None)
            thresholds[curve.label] = curve.best(value, how)
        return thresholds
    # Micro: the counts of every fold at the current thresholds.
    totals = _fold_totals(folds, thresholds)
    for _ in range(_MAX_PASSES):
        changed = False
        for curve in curves:
            j = curve.label
            own = curve.counts_at(thresholds[j])
            rest = totals - own
            value = curve.objective(how, metric, rest)
            best = curve.best(value, how)
            if value[curve.index(best)] > value[curve.index(thresholds[j])] + 1e-12:
                thresholds[j] = best
                totals = rest + curve.counts_at(best)
                changed = True
        if not changed:
            break
    return thresholds


def crossfit_thresholds(how, folds, metric, pooled, min_positives):
    """The thresholds of a cross-fit: the pooled ones, or an aggregation of folds.

    Labels that the pooled search held at the shared threshold (fewer than
    ``min_positives`` positives, or none, or no negative) keep their pooled
    threshold. Callable metrics and the samples average, which are not
    sums of per-label counts, keep the pooled thresholds.

    Parameters
    ----------
    how : {"pooled", "mean_curve", "smoothed"}
        See :func:`aggregate_thresholds`.
    folds : list of (Y, S)
        Each fold's boolean labels and out-of-fold scores.
    metric : str, FBeta or callable
        The tuning metric.
    pooled : ndarray of shape (n_labels,)
        The strategy's thresholds on the pooled out-of-fold scores.
    min_positives : int
        As in the classifier.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    if isinstance(metric, str):
        metric = check_metric(metric)
    if how == "pooled" or not isinstance(metric, FBeta):
        return pooled
    if metric.average == "samples":
        return pooled
    n_pos = sum(Y.sum(axis=0) for Y, _ in folds)
    n_samples = sum(Y.shape[0] for Y, _ in folds)
    free = (n_pos >= max(min_positives, 1)) & (n_pos < n_samples)
    return aggregate_thresholds(how, folds, metric, pooled, free)


def _fold_totals(folds, thresholds):
    """``(n_folds, 3)``: each fold's tp, pp and pos summed over labels."""
    out = []
    for Y, S in folds:
        decisions = S > thresholds
        out.append([(decisions & Y).sum(), decisions.sum(), Y.sum()])
    return np.asarray(out, dtype=np.float64)


class _LabelCurves:
    """One label's counts in every fold at every cut between pooled scores."""

    def __init__(self, folds, label):
        self.label = label
        pooled = np.unique(np.concatenate([S[:, label] for _, S in folds]))
        self.pooled = pooled
        below = np.nextafter(pooled[0], -np.inf)
        # Cuts: below every score, between each pair, at the highest score.
        self.cuts = np.concatenate(
            [[below], midpoint(pooled[1:], pooled[:-1]), [pooled[-1]]]
        )
        tp, pp, pos = [], [], []
        for Y, S in folds:
            s, y = S[:, label], Y[:, label]
            tp.append(_count_above(np.sort(s[y]), self.cuts))
            pp.append(_count_above(np.sort(s), self.cuts))
            pos.append(np.full(self.cuts.size, y.sum()))
        # (n_folds, n_cuts, 3)
        self.counts = np.stack([tp, pp, pos], axis=-1).astype(np.float64)

    def index(self, threshold):
        """The cut giving the same decisions as ``threshold``.

        Cut ``i`` leaves the ``i`` lowest pooled scores negative.
        """
        return int(np.searchsorted(self.pooled, threshold, side="right"))

    def counts_at(self, threshold):
        """``(n_folds, 3)`` counts of this label at ``threshold``."""
        return self.counts[:, self.index(threshold), :]

    def objective(self, how, metric, rest):
        """The curve to maximize over the cuts, before smoothing."""
        counts = self.counts if rest is None else self.counts + rest[:, None, :]
        if how == "mean_curve":
            tp, pp, pos = np.moveaxis(counts, -1, 0)
            return metric.elementwise(tp, pp, pos).mean(axis=0)
        tp, pp, pos = np.moveaxis(counts.sum(axis=0), -1, 0)
        return _smooth(metric.elementwise(tp, pp, pos))

    def best(self, value, how):
        """The threshold of the middle of the first run of best values."""
        top = value.max()
        first = int(np.argmax(value >= top))
        run = np.argmax(value[first:] < top)
        last = first + (run - 1 if run else value.size - first - 1)
        return float(self.cuts[(first + last) // 2])


def _count_above(sorted_values, cuts):
    """Number of values strictly above each cut."""
    return sorted_values.size - np.searchsorted(sorted_values, cuts, side="right")


def _smooth(curve):
    """A triangular moving average over about ``sqrt(n_cuts)`` neighbouring cuts.

    The curve is padded with its end values, so that its ends are not
    pulled down.
    """
    half = max(1, int(np.sqrt(curve.size)) // 2)
    kernel = np.concatenate([np.arange(1, half + 2), np.arange(half, 0, -1)])
    kernel = kernel / kernel.sum()
    padded = np.concatenate([np.full(half, curve[0]), curve, np.full(half, curve[-1])])
    return np.convolve(padded, kernel, mode="valid")
