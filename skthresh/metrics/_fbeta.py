"""F-beta scores computed from true-positive, predicted and actual counts."""

import numbers
import re

import numpy as np

from skthresh.utils._sklearn_compat import Options, validate_params

_AVERAGES = ("micro", "macro", "samples")
# Largest beta: (1 + beta**2) times any count stays far inside float64.
_MAX_BETA = 1e100
_NAME_RE = re.compile(r"^f(?P<beta>\d+(?:\.\d+)?)_(?P<average>micro|macro|samples)$")


# ``beta``, ``average`` and ``zero_division`` are checked by FBeta, whose
# messages name the allowed values; they are "no_validation" here.
def _fbeta_score_constraints():
    return {
        "Y_true": ["array-like", "sparse matrix"],
        "Y_pred": ["array-like", "sparse matrix"],
        "beta": "no_validation",
        "average": "no_validation",
        "zero_division": "no_validation",
        "sample_weight": ["array-like", None],
    }


def _f1_score_constraints():
    constraints = _fbeta_score_constraints()
    del constraints["beta"]
    return constraints


def _counts_constraints():
    return {
        "tp": ["array-like"],
        "fp": ["array-like"],
        "fn": ["array-like"],
        "beta": "no_validation",
        "average": "no_validation",
        "zero_division": "no_validation",
    }


def _axis_constraints():
    return {
        "Y_true": ["array-like", "sparse matrix"],
        "Y_pred": ["array-like", "sparse matrix"],
        "axis": [Options(numbers.Integral, {0, 1})],
        "sample_weight": ["array-like", None],
    }


def _check_counts_args(beta, average, zero_division):
    if (
        not isinstance(beta, numbers.Real)
        or isinstance(beta, bool)
        or not np.isfinite(beta)
        or beta < 0
        or beta > _MAX_BETA
    ):
        raise ValueError(
            "beta must be a finite real number >= 0 and at most 1e100 (beta**2 "
            "times the counts must stay finite; at 1e100 F-beta is already the "
            f"recall); got beta={beta!r}."
        )
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of {list(_AVERAGES)}; got average={average!r}."
        )
    if isinstance(zero_division, bool) or zero_division not in (0, 1):
        raise ValueError(
            f"zero_division must be 0.0 or 1.0; got zero_division={zero_division!r}."
        )


class FBeta:
    """Specification of an F-beta score that strategies can optimize.

    The F-beta score of a set of decisions is computed from three counts:
    true positives ``tp``, predicted positives ``pp`` and actual positives
    ``pos``::

        F = (1 + beta**2) * tp / (beta**2 * pos + pp)

    which is the familiar ``(1 + beta**2) * P * R / (beta**2 * P + R)``
    written without divisions by zero. ``average`` says which counts the
    formula sees: ``"micro"`` sums the counts of all labels first,
    ``"macro"`` averages the F of each label, ``"samples"`` averages the F
    of each sample. These are the definitions of
    :func:`sklearn.metrics.fbeta_score`.

    Parameters
    ----------
    beta : float, default=1.0
        Weight of recall relative to precision; ``beta=1`` is F1.
    average : {"micro", "macro", "samples"}, default="micro"
        How the scores of labels or samples are combined.
    zero_division : {0.0, 1.0}, default=0.0
        Value of F for a label (macro) or sample (samples) that has neither
        actual nor predicted positives, and of the micro F when nothing is
        positive at all.

    Attributes
    ----------
    name : str
        Short name such as ``"f1_micro"``.

    See Also
    --------
    check_metric : Turn a metric name into a metric object.
    fbeta_score : The score of a decision matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import FBeta
    >>> metric = FBeta(beta=1.0, average="micro")
    >>> tp, pp, pos = np.array([2, 1]), np.array([3, 1]), np.array([2, 3])
    >>> float(metric.from_counts(tp, pp, pos))
    0.6666666666666666
    """

    def __init__(self, beta=1.0, average="micro", zero_division=0.0):
        _check_counts_args(beta, average, zero_division)
        self.beta = float(beta)
        self.average = average
        self.zero_division = float(zero_division)

    @property
    def name(self):
        beta = f"{self.beta:g}"
        return f"f{beta}_{self.average}"

    def __repr__(self):
        return (
            f"FBeta(beta={self.beta:g}, average={self.average!r}, "
            f"zero_division={self.zero_division:g})"
        )

    def __eq__(self, other):
        return isinstance(other, FBeta) and (
            (self.beta, self.average, self.zero_division)
            == (other.beta, other.average, other.zero_division)
        )

    def __hash__(self):
        return hash((self.beta, self.average, self.zero_division))

    def elementwise(self, tp, pp, pos, where=np.where):
        """F of each group (label or sample) from its counts.

        Works on numpy arrays and, with ``where=torch.where``, on torch
        tensors, so that strategies can differentiate through it.

        Parameters
        ----------
        tp, pp, pos : array-like of the same shape
            True positives, predicted positives and actual positives.
        where : callable, default=numpy.where
            The ``where`` function of the array library of the counts.

        Returns
        -------
        f : array of the same shape
            F of each group, ``zero_division`` where the denominator is 0.
        """
        b2 = self.beta**2
        num = (1.0 + b2) * tp
        den = b2 * pos + pp
        empty = den == 0
        return where(empty, self.zero_division, num / (den + empty))

    def from_counts(self, tp, pp, pos, where=np.where):
        """Metric value from per-group counts along the last axis.

        Parameters
        ----------
        tp, pp, pos : array-like of shape (..., n_groups)
            Counts per label (``average`` in ``{"micro", "macro"}``) or per
            sample (``average="samples"``). Leading axes are batch axes.
        where : callable, default=numpy.where
            The ``where`` function of the array library of the counts.

        Returns
        -------
        value : array of shape (...)
            The averaged F-beta.
        """
        if self.average == "micro":
            return self.elementwise(tp.sum(-1), pp.sum(-1), pos.sum(-1), where)
        return self.elementwise(tp, pp, pos, where).mean(-1)

    def score(self, Y_true, Y_pred, sample_weight=None):
        """Metric value of binary decisions.

        Parameters
        ----------
        Y_true : array-like of shape (n_samples, n_labels)
            True 0/1 labels.
        Y_pred : array-like of shape (n_samples, n_labels)
            Predicted 0/1 labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples: in every count for the micro and macro
            averages, in the mean of the samples' F for the samples
            average, as :func:`sklearn.metrics.fbeta_score` weighs them.

        Returns
        -------
        value : float
        """
        if self.average != "samples":
            tp, pp, pos = _multilabel_counts(Y_true, Y_pred, 0, sample_weight)
            return float(self.from_counts(tp, pp, pos))
        tp, pp, pos = _multilabel_counts(Y_true, Y_pred, 1)
        if sample_weight is None:
            return float(self.from_counts(tp, pp, pos))
        f = self.elementwise(tp, pp, pos)
        w = _check_weights(sample_weight, tp.size)
        if w.sum() == 0:
            raise ValueError("sample_weight sums to 0: the average is undefined.")
        return float(np.average(f, weights=w))


def _as_binary_matrix(Y, name):
    if hasattr(Y, "toarray"):
        Y = Y.toarray()
    Y = np.asarray(Y)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D indicator matrix; got an array with shape {Y.shape}."
        )
    if Y.dtype != bool:
        if not np.isin(Y, (0, 1)).all():
            raise ValueError(f"{name} must contain only 0 and 1.")
        Y = Y.astype(bool)
    return Y


@validate_params(_axis_constraints(), prefer_skip_nested_validation=True)
def multilabel_counts(Y_true, Y_pred, *, axis=0, sample_weight=None):
    """True positives, predicted positives and actual positives.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True 0/1 labels.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted 0/1 labels.
    axis : {0, 1}, default=0
        0 counts per label, 1 counts per sample.
    sample_weight : array-like of shape (n_samples,), default=None
        Finite, non-negative weights of the samples; each sample then
        counts for its weight. Only with ``axis=0`` (a sample's own counts
        are not weighted).

    Returns
    -------
    tp, pp, pos : ndarray of int64, or of float64 with ``sample_weight``
        Counts per label (``axis=0``) or per sample (``axis=1``). False
        positives are ``pp - tp`` and false negatives ``pos - tp``.

    Examples
    --------
    >>> from skthresh.metrics import multilabel_counts
    >>> multilabel_counts([[1, 0], [1, 1]], [[1, 1], [0, 1]])
    (array([1, 1]), array([1, 2]), array([2, 1]))
    >>> multilabel_counts([[1, 0], [1, 1]], [[1, 1], [0, 1]], sample_weight=[2, 1])
    (array([2., 1.]), array([2., 3.]), array([3., 1.]))
    """
    if sample_weight is not None and axis == 1:
        raise ValueError(
            "sample_weight weighs samples in counts per label (axis=0); the "
            "counts of one sample (axis=1) take no weights."
        )
    return _multilabel_counts(Y_true, Y_pred, axis, sample_weight)


def _check_weights(sample_weight, n_samples):
    """Weights as float64 of shape (n_samples,), finite and non-negative."""
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must be a 1-D array of {n_samples} weights, one per "
            f"sample; got shape {w.shape}."
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("sample_weight must hold finite, non-negative weights.")
    return w


def _multilabel_counts(Y_true, Y_pred, axis, sample_weight=None):
    Y_true = _as_binary_matrix(Y_true, "Y_true")
    Y_pred = _as_binary_matrix(Y_pred, "Y_pred")
    if Y_true.shape != Y_pred.shape:
        raise ValueError(
            f"Y_true and Y_pred must have the same shape; got {Y_true.shape} "
            f"and {Y_pred.shape}."
        )
    if sample_weight is not None:
        w = _check_weights(sample_weight, Y_true.shape[0])
        return w @ (Y_true & Y_pred), w @ Y_pred, w @ Y_true
    tp = np.logical_and(Y_true, Y_pred).sum(axis=axis, dtype=np.int64)
    pp = Y_pred.sum(axis=axis, dtype=np.int64)
    pos = Y_true.sum(axis=axis, dtype=np.int64)
    return tp, pp, pos


@validate_params(_counts_constraints(), prefer_skip_nested_validation=True)
def fbeta_from_counts(tp, fp, fn, *, beta=1.0, average="micro", zero_division=0.0):
    """F-beta from true-positive, false-positive and false-negative counts.

    Parameters
    ----------
    tp, fp, fn : array-like of shape (n_groups,)
        Finite, non-negative counts per label for ``average`` in
        ``{"micro", "macro"}``, per sample for ``average="samples"``.
    beta : float, default=1.0
        Weight of recall relative to precision.
    average : {"micro", "macro", "samples"}, default="micro"
        How group scores are combined; see :class:`FBeta`.
    zero_division : {0.0, 1.0}, default=0.0
        Value for a group without actual or predicted positives.

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skthresh.metrics import fbeta_from_counts
    >>> fbeta_from_counts([2, 1], [1, 0], [0, 2])
    0.6666666666666666
    """
    tp, fp, fn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn))
    if not tp.shape == fp.shape == fn.shape:
        raise ValueError(
            f"tp, fp and fn must have the same shape; got {tp.shape}, "
            f"{fp.shape} and {fn.shape}."
        )
    counts = np.stack([tp, fp, fn])
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("tp, fp and fn must be finite, non-negative counts.")
    metric = FBeta(beta, average, zero_division)
    return float(metric.from_counts(tp, tp + fp, tp + fn))


@validate_params(_fbeta_score_constraints(), prefer_skip_nested_validation=True)
def fbeta_score(
    Y_true, Y_pred, *, beta=1.0, average="micro", zero_division=0.0, sample_weight=None
):
    """F-beta score of multi-label decisions, computed from counts.

    Same values as :func:`sklearn.metrics.fbeta_score` with the same
    ``average`` and a numeric ``zero_division``, without its overhead.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True 0/1 labels.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted 0/1 labels.
    beta : float, default=1.0
        Weight of recall relative to precision.
    average : {"micro", "macro", "samples"}, default="micro"
        How label or sample scores are combined; see :class:`FBeta`.
    zero_division : {0.0, 1.0}, default=0.0
        Value for a label or sample without actual or predicted positives.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples, as in :func:`sklearn.metrics.fbeta_score`:
        in every count for ``"micro"`` and ``"macro"``, in the mean of the
        samples' F for ``"samples"``.

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skthresh.metrics import fbeta_score
    >>> fbeta_score([[1, 0], [1, 1]], [[1, 1], [0, 1]], beta=2.0)
    0.6666666666666666
    >>> fbeta_score([[1, 0], [1, 1]], [[1, 1], [0, 1]], sample_weight=[1, 0])
    0.6666666666666666
    """
    metric = FBeta(beta, average, zero_division)
    return metric.score(Y_true, Y_pred, sample_weight)


@validate_params(_f1_score_constraints(), prefer_skip_nested_validation=True)
def f1_score(Y_true, Y_pred, *, average="micro", zero_division=0.0, sample_weight=None):
    """F1 score of multi-label decisions; :func:`fbeta_score` with ``beta=1``.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True 0/1 labels.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted 0/1 labels.
    average : {"micro", "macro", "samples"}, default="micro"
        How label or sample scores are combined.
    zero_division : {0.0, 1.0}, default=0.0
        Value for a label or sample without actual or predicted positives.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples; see :func:`fbeta_score`.

    Returns
    -------
    score : float

    Examples
    --------
    >>> from skthresh.metrics import f1_score
    >>> f1_score([[1, 0], [1, 1]], [[1, 1], [0, 1]], average="macro")
    0.6666666666666666
    """
    return fbeta_score(
        Y_true,
        Y_pred,
        beta=1.0,
        average=average,
        zero_division=zero_division,
        sample_weight=sample_weight,
    )
