"""Thresholds from cross-fitted folds: mean of the fold curves, or a smoothed pool."""

import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils import get_tags

from skthresh._cuts import midpoint
from skthresh._scores import score_matrix
from skthresh.metrics import FBeta, UnreachableFloorWarning, check_metric
from skthresh.strategies import DegenerateLabelWarning
from skthresh.utils._sklearn_compat import (
    _check_method_params,
    _num_samples,
    _safe_indexing,
)

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
    folds : list of (Y, S) or (Y, S, sample_weight)
        Each fold's boolean labels and scores, of shape ``(n_k, n_labels)``,
        and optionally the weights of its samples, which then weigh every
        count.
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
    folds = [_weighted(*fold) for fold in folds]
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


def crossfit_thresholds(how, folds, metric, pooled, min_positives, strategy):
    """The thresholds of a cross-fitted fit: the strategy's, or the folds' curves.

    ``"pooled"`` keeps the strategy's thresholds on the pooled out-of-fold
    scores (learned from weighted counts when the samples have weights:
    the strategy weighs them itself), and the other two aggregate the
    folds' curves (:func:`aggregate_thresholds`), of weighted counts if
    the folds carry weights. Only per-label strategies are aggregated, for
    F-beta metrics averaged over labels; labels that the strategy held at
    the shared threshold (fewer than ``min_positives`` positives, or none,
    or no negative) keep their threshold.

    Parameters
    ----------
    how : {"pooled", "mean_curve", "smoothed"}
        See :func:`aggregate_thresholds`.
    folds : list of (Y, S, sample_weight)
        Each fold's boolean labels, out-of-fold scores and weights (None
        for none).
    metric : str, FBeta or callable
        The tuning metric.
    pooled : ndarray of shape (n_labels,)
        The strategy's thresholds on the pooled scores.
    min_positives : int
        As in the classifier.
    strategy : BaseThresholdStrategy
        The strategy that learned ``pooled``: only per-label strategies
        are aggregated.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    if isinstance(metric, str):
        metric = check_metric(metric)
    counts_metric = isinstance(metric, FBeta) and metric.average != "samples"
    if how == "pooled" or strategy._threshold_kind != "per_label" or not counts_metric:
        return pooled
    # The labels the strategy did not hold (weight-0 samples count as absent).
    weights = [_weighted(*fold)[2] for fold in folds]
    n_pos = sum(w @ fold[0] for w, fold in zip(weights, folds, strict=True))
    kept = [w > 0 for w in weights]
    rows_pos = sum(k @ fold[0] for k, fold in zip(kept, folds, strict=True))
    rows = sum(k.sum() for k in kept)
    free = (n_pos >= min_positives) & (rows_pos > 0) & (rows_pos < rows)
    return aggregate_thresholds(how, folds, metric, pooled, free)


def out_of_fold(Y, folds, parts, sample_weight):
    """``(Y, S, sample_weight)`` of each fold's test rows, for the aggregations."""
    return [
        (Y[test], part, None if sample_weight is None else sample_weight[test])
        for (_, test), part in zip(folds, parts, strict=True)
    ]


def _weighted(Y, S, sample_weight=None):
    """A fold with its weights: ones when it has none."""
    if sample_weight is None:
        sample_weight = np.ones(S.shape[0])
    return Y, S, np.asarray(sample_weight, dtype=np.float64)


def _fold_totals(folds, thresholds):
    """``(n_folds, 3)``: each fold's tp, pp and pos summed over labels."""
    out = []
    for Y, S, w in folds:
        decisions = S > thresholds
        out.append([w @ (decisions & Y), w @ decisions, w @ Y])
    return np.asarray(out, dtype=np.float64).sum(axis=-1)


class _LabelCurves:
    """One label's counts in every fold at every cut between pooled scores."""

    def __init__(self, folds, label):
        self.label = label
        pooled = np.unique(np.concatenate([S[:, label] for _, S, _ in folds]))
        self.pooled = pooled
        below = np.nextafter(pooled[0], -np.inf)
        # Cuts: below every score, between each pair, at the highest score.
        self.cuts = np.concatenate(
            [[below], midpoint(pooled[1:], pooled[:-1]), [pooled[-1]]]
        )
        tp, pp, pos = [], [], []
        for Y, S, w in folds:
            s, y = S[:, label], Y[:, label]
            tp.append(_weight_above(s[y], w[y], self.cuts))
            pp.append(_weight_above(s, w, self.cuts))
            pos.append(np.full(self.cuts.size, w[y].sum()))
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


def _weight_above(values, weights, cuts):
    """Total weight of the values strictly above each cut."""
    order = np.argsort(values, kind="stable")
    below = np.concatenate([[0.0], np.cumsum(weights[order])])
    return below[-1] - below[np.searchsorted(values[order], cuts, side="right")]


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


def fold_results(owner, folds, parts, Y, sample_weight):
    """``cv_results_``: thresholds learned on each fold alone, and their spread.

    Parameters
    ----------
    owner : SurrogateThresholdClassifier
        The classifier being fitted: its fitted ``strategy_`` (cloned for
        each fold), ``metric``, ``min_positives`` and progress lines.
    folds : list of (train, test)
        Row indices of the folds.
    parts : list of ndarray
        Each fold's out-of-fold scores.
    Y : ndarray of bool of shape (n_samples, n_labels)
        All labels.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of all samples: each fold's strategy and objective use its
        own.

    Returns
    -------
    results : dict of ndarray
        ``"fold_thresholds"``, ``"thresholds_std"`` and ``"fold_objective"``.
    """
    strategy, metric, say = owner.strategy_, owner.metric, owner._say
    min_positives = owner.min_positives
    metric = metric if callable(metric) else check_metric(metric)
    fold_thresholds, fold_objective = [], []
    for k, ((_, test), scores) in enumerate(zip(folds, parts, strict=True), 1):
        fold_strategy = clone(strategy)
        label = f"[fold {k}/{len(folds)}]"
        say(
            f"{label} learning thresholds on its {len(test)} samples with "
            f"{type(fold_strategy).__name__}"
        )
        tick = time.perf_counter()
        w = None if sample_weight is None else sample_weight[test]
        with warnings.catch_warnings():
            # Small folds often leave a label without positives (or short
            # of a floor); the pooled fit already warns about them.
            for category in (DegenerateLabelWarning, UnreachableFloorWarning):
                warnings.simplefilter("ignore", category)
            theta = fold_strategy.optimize(
                Y[test], scores, metric, min_positives=min_positives, sample_weight=w
            )
        fold_thresholds.append(theta)
        fold_objective.append(metric_value(metric, Y[test], scores > theta, w))
        say(
            f"{label} thresholds learned in {time.perf_counter() - tick:.2f} s, "
            f"objective {fold_objective[-1]:.4f}"
        )
    fold_thresholds = np.asarray(fold_thresholds)
    return {
        "fold_thresholds": fold_thresholds,
        "thresholds_std": fold_thresholds.std(axis=0),
        "fold_objective": np.asarray(fold_objective),
    }


def metric_value(metric, Y, decisions, sample_weight=None):
    """The configured metric of boolean decisions: a name, a metric or a callable.

    With ``sample_weight``, the metric of weighted counts (a callable
    metric takes no weights).
    """
    if callable(metric) and not isinstance(metric, FBeta):
        if sample_weight is not None:
            raise ValueError(
                "sample_weight needs an F-beta metric (a name such as 'f1_micro' "
                f"or an FBeta); the callable metric {metric!r} takes no weights."
            )
        return float(metric(Y.astype(np.int64), decisions.astype(np.int64)))
    return check_metric(metric).score(Y, decisions, sample_weight)


def fit_and_score(estimator, X, y, train, test, *, fit_params, hint, **how):
    """Fit on one training fold; score its test fold; time both.

    ``how`` holds the ``method``, ``n_labels`` and ``binary`` of the scores.
    """
    tick = time.perf_counter()
    fit_params = rows_of(X, fit_params, train)
    fit_base(
        estimator, _safe_indexing(X, train), _safe_indexing(y, train), fit_params, hint
    )
    scores = score_matrix(estimator, _safe_indexing(X, test), **how)
    return scores, time.perf_counter() - tick


def fit_base(estimator, X, y, fit_params, hint):
    """Fit the base estimator; a hint rewords its failure on a 2-D target."""
    try:
        return estimator.fit(X, y, **fit_params)
    except (ValueError, TypeError) as exc:  # TypeError: a sparse y
        if hint is None:
            raise
        text, n_samples = hint
        message = f"{text} {_num_samples(X)} of the {n_samples} samples said: {exc}"
        raise ValueError(message) from exc


def rows_of(X, fit_params, rows):
    """Fit parameters with one value per sample cut to ``rows``."""
    return _check_method_params(X, fit_params, indices=rows)


def declares_multilabel(estimator):
    """Whether an estimator's tags say it fits a 2-D indicator target.

    Either tag says so: ``multi_label`` (``KNeighborsClassifier``) or
    ``multi_output`` (``OneVsRestClassifier``); a binary-only classifier
    (``LogisticRegression``) sets neither. An object without tags may.
    """
    try:
        tags = get_tags(estimator)
    except AttributeError:
        return True
    multi_label = getattr(tags.classifier_tags, "multi_label", False)
    return bool(multi_label or tags.target_tags.multi_output)


def binary_only_hint(base_estimator, Y, binary, n_samples):
    """What to say when a binary-only base fails on a 2-D target, or None.

    The base's own message names the shape of the part it was fitted on;
    the hint names the user's ``y`` and the wrapper that fixes it.
    """
    if binary or declares_multilabel(base_estimator):
        return None
    name = type(base_estimator).__name__
    shown = repr(base_estimator)
    if "\n" in shown or len(shown) > 60:
        shown = f"{name}(...)"
    text = (
        f"{name} fits a 1-D target only, but y has shape {(n_samples, Y.shape[1])} "
        "(n_samples, n_labels). Wrap it to fit one model per label: "
        f"SurrogateThresholdClassifier(OneVsRestClassifier({shown})), with "
        "OneVsRestClassifier from sklearn.multiclass (or MultiOutputClassifier "
        f"from sklearn.multioutput). {name}.fit on"
    )
    return text, n_samples
