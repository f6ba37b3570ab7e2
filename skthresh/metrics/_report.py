"""Precision, recall and F1 of multi-label decisions, per label and averaged."""

import numpy as np

from skthresh.metrics._fbeta import multilabel_counts

_RATES = ("f1", "precision", "recall")


def _rates(tp, pp, pos, zero_division):
    """F1, precision and recall of each group; ``zero_division`` where undefined."""

    def ratio(num, den):
        return np.where(den == 0, zero_division, num / np.maximum(den, 1))

    return ratio(2 * tp, pp + pos), ratio(tp, pp), ratio(tp, pos)


def multilabel_report(Y_true, Y_pred, *, zero_division=0.0):
    """Precision, recall and F1 of 0/1 decisions, per label and averaged.

    Everything is computed from the true-positive, predicted and actual
    counts of one pass (see :func:`multilabel_counts`), with the values of
    :func:`sklearn.metrics.precision_recall_fscore_support` for the same
    ``average`` and ``zero_division``.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True 0/1 labels.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted 0/1 labels, for example from
        :func:`~skthresh.apply_thresholds`.
    zero_division : {0.0, 1.0}, default=0.0
        Value of a ratio whose denominator is 0: the precision of a label
        or sample never predicted, the recall of one without positives,
        and the F1 of one with neither.

    Returns
    -------
    report : dict
        ``"micro"``, ``"macro"`` and ``"samples"``: dicts of floats with
        keys ``"f1"``, ``"precision"`` and ``"recall"``, averaged as the
        ``average`` of scikit-learn's metrics of the same name.
        ``"per_label"``: a dict of arrays of shape (n_labels,) with keys
        ``"f1"``, ``"precision"``, ``"recall"`` (float64), ``"support"``
        (actual positives) and ``"predicted"`` (predicted positives),
        both int64.

    See Also
    --------
    f1_score : One averaged F1.
    multilabel_counts : The counts behind every value.

    Examples
    --------
    >>> from skthresh.metrics import multilabel_report
    >>> Y_true = [[1, 0], [1, 1], [0, 1]]
    >>> Y_pred = [[1, 1], [0, 1], [0, 1]]
    >>> report = multilabel_report(Y_true, Y_pred)
    >>> report["micro"]
    {'f1': 0.75, 'precision': 0.75, 'recall': 0.75}
    >>> report["per_label"]["recall"]
    array([0.5, 1. ])
    >>> report["per_label"]["support"]
    array([2, 2])
    """
    if isinstance(zero_division, bool) or zero_division not in (0, 1):
        raise ValueError(
            f"zero_division must be 0.0 or 1.0; got zero_division={zero_division!r}."
        )
    zero_division = float(zero_division)
    tp, pp, pos = multilabel_counts(Y_true, Y_pred, axis=0)
    by_sample = multilabel_counts(Y_true, Y_pred, axis=1)
    if tp.size == 0 or by_sample[0].size == 0:
        raise ValueError(
            "Y_true and Y_pred need at least one sample and one label; got shape "
            f"({by_sample[0].size}, {tp.size})."
        )
    per_label = _rates(tp, pp, pos, zero_division)
    per_sample = _rates(*by_sample, zero_division)
    averages = {
        "micro": _rates(tp.sum(), pp.sum(), pos.sum(), zero_division),
        "macro": [v.mean() for v in per_label],
        "samples": [v.mean() for v in per_sample],
    }
    report = {
        average: {name: float(v) for name, v in zip(_RATES, values, strict=True)}
        for average, values in averages.items()
    }
    report["per_label"] = {
        **dict(zip(_RATES, per_label, strict=True)),
        "support": pos,
        "predicted": pp,
    }
    return report
