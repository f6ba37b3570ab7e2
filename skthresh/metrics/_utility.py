"""A linear utility: one gain or cost per cell of each label's confusion matrix."""

import numbers

import numpy as np

from skthresh.metrics._fbeta import _multilabel_counts

_CELLS = ("tp", "fp", "fn", "tn")


def _check_cell(value, name):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite; got {name}={value!r}.")
        return value
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a real number or a 1-D array of one real number per "
            f"label; got {name}={value!r}."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite; got {name}={value!r}.")
    array = array.copy()
    array.flags.writeable = False
    return array


def _format(value):
    if isinstance(value, float):
        return repr(value)
    return "[" + ",".join(repr(float(v)) for v in value) + "]"


class Utility:
    """A gain (or, negative, a cost) for each cell of the confusion matrix.

    The value of decisions is the mean utility per sample, summed over
    labels::

        U = sum_j (tp[j] * g_tp[j] + fp[j] * g_fp[j]
                   + fn[j] * g_fn[j] + tn[j] * g_tn[j]) / n_samples

    where ``tp[j]``, ``fp[j]``, ``fn[j]``, ``tn[j]`` are label ``j``'s
    counts and ``g_*`` the gains below. It is separable over labels and
    linear in the counts, so the best thresholds are found exactly, label
    by label: the cost-sensitive threshold of scikit-learn's
    threshold-tuning documentation, for every label at once. Ties between
    equally good cuts go to the highest threshold.

    Parameters
    ----------
    tp : float or array-like of shape (n_labels,), default=1.0
        Gain of a true positive (shared by all labels, or one per label).
    fp : float or array-like of shape (n_labels,), default=-1.0
        Gain of a false positive; a cost is negative.
    fn : float or array-like of shape (n_labels,), default=0.0
        Gain of a false negative.
    tn : float or array-like of shape (n_labels,), default=0.0
        Gain of a true negative.

    Attributes
    ----------
    name : str
        Canonical name, such as ``"utility:tp=1.0,fp=-5.0,fn=0.0,tn=0.0"``
        (per-label gains in brackets, ``tp=[1.0,2.0]``), that
        :func:`check_metric` turns back into an equal metric.

    See Also
    --------
    RecallAtPrecision : The best recall at a precision floor.
    check_metric : Parse a metric name.

    Notes
    -----
    Only the differences matter to the thresholds: a label's utility is
    ``tp * (g_tp - g_fp - g_fn + g_tn) + pp * (g_fp - g_tn)`` plus a
    constant, with ``pp`` its predicted positives. When ``g_fp > g_tn``,
    predicting a negative sample pays, and cuts just above a positive
    score (or below every score) can be best; every such cut is searched.

    Examples
    --------
    >>> from skthresh.metrics import Utility
    >>> metric = Utility(tp=1, fp=-5)
    >>> metric.name
    'utility:tp=1.0,fp=-5.0,fn=0.0,tn=0.0'
    >>> metric.score([[1, 0], [1, 1], [0, 1]], [[1, 1], [0, 1], [0, 1]])
    -0.6666666666666666
    """

    def __init__(self, *, tp=1.0, fp=-1.0, fn=0.0, tn=0.0):
        self.tp = _check_cell(tp, "tp")
        self.fp = _check_cell(fp, "fp")
        self.fn = _check_cell(fn, "fn")
        self.tn = _check_cell(tn, "tn")

    @property
    def name(self):
        cells = ",".join(f"{c}={_format(getattr(self, c))}" for c in _CELLS)
        return f"utility:{cells}"

    def _key(self):
        return tuple(
            v if isinstance(v, float) else ("per_label", tuple(v.tolist()))
            for v in (getattr(self, c) for c in _CELLS)
        )

    def __eq__(self, other):
        return isinstance(other, Utility) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        cells = ", ".join(
            f"{c}={getattr(self, c)!r}"
            if isinstance(getattr(self, c), float)
            else f"{c}={getattr(self, c).tolist()!r}"
            for c in _CELLS
        )
        return f"Utility({cells})"

    def gains(self, n_labels):
        """The four gains as arrays of shape (n_labels,).

        Parameters
        ----------
        n_labels : int
            Number of labels; per-label gains must have that length.

        Returns
        -------
        g_tp, g_fp, g_fn, g_tn : ndarray of float64 of shape (n_labels,)
        """
        out = []
        for c in _CELLS:
            value = getattr(self, c)
            if not isinstance(value, float) and value.size != n_labels:
                raise ValueError(
                    f"Utility {c} has {value.size} per-label values; the data has "
                    f"{n_labels} labels."
                )
            out.append(np.broadcast_to(np.asarray(value, dtype=np.float64), n_labels))
        return tuple(out)

    def label_values(self, tp, pp, pos, n_samples, labels=None):
        """Summed utility of each label (not divided by ``n_samples``).

        Parameters
        ----------
        tp, pp, pos : array-like of int
            True, predicted and actual positives, one entry per label (or
            per entry of ``labels``).
        n_samples : int
            Number of samples.
        labels : ndarray of int or None, default=None
            The label of each entry; None means entry ``j`` is label ``j``.

        Returns
        -------
        values : ndarray of float64
        """
        tp, pp, pos = (np.asarray(a, dtype=np.float64) for a in (tp, pp, pos))
        if labels is None:
            g = self.gains(np.broadcast_shapes(tp.shape, pp.shape, pos.shape)[-1])
        else:
            g = tuple(
                np.asarray(getattr(self, c), dtype=np.float64)
                if isinstance(getattr(self, c), float)
                else getattr(self, c)[labels]
                for c in _CELLS
            )
        fp, fn = pp - tp, pos - tp
        tn = n_samples - pos - fp
        return tp * g[0] + fp * g[1] + fn * g[2] + tn * g[3]

    def from_counts(self, tp, pp, pos, n_samples):
        """Utility from per-label counts along the last axis.

        Parameters
        ----------
        tp, pp, pos : array-like of shape (..., n_labels)
            True, predicted and actual positives per label.
        n_samples : int
            Number of samples.

        Returns
        -------
        value : ndarray of shape (...)
        """
        return self.label_values(tp, pp, pos, n_samples).sum(-1) / n_samples

    def score(self, Y_true, Y_pred, sample_weight=None):
        """Utility of binary decisions.

        Parameters
        ----------
        Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels.
        Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Predicted 0/1 labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in every count; the mean per sample is
            then per unit of weight.

        Returns
        -------
        value : float
        """
        tp, pp, pos = _multilabel_counts(Y_true, Y_pred, 0, sample_weight)
        if sample_weight is not None:
            n_samples = float(np.sum(sample_weight))
        else:
            n_samples = np.shape(Y_true)[0] if np.ndim(Y_true) == 2 else len(Y_true)
        return float(self.from_counts(tp, pp, pos, n_samples))
