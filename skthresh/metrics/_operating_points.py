"""Operating-point metrics: the best recall at a precision floor, and the reverse."""

import functools
import numbers

import numpy as np

from skthresh.metrics._fbeta import _multilabel_counts

_FLOOR_AVERAGES = ("label", "micro")


class UnreachableFloorWarning(UserWarning):
    """Warn that some labels cannot reach a precision or recall floor.

    Raised when thresholds are learned for a :class:`RecallAtPrecision` or
    :class:`PrecisionAtRecall` metric and no cut of some labels' scores
    meets the floor on the tuning data (or its confidence bound, with
    ``confidence``), for example a label without positive tuning samples.
    Those labels predict nothing: their threshold is at or above their
    highest score. The warning names them; strategies list them in their
    ``unreachable_labels_`` attribute.

    Examples
    --------
    >>> import warnings
    >>> from skthresh import UnreachableFloorWarning, learn_thresholds
    >>> Y = [[1, 0], [0, 1], [1, 0], [0, 0]]
    >>> S = [[.9, .2], [.3, .1], [.6, .5], [.2, .7]]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     thresholds = learn_thresholds(
    ...         Y, S, metric="recall@precision=0.9", strategy="coordinate")
    >>> caught[0].category is UnreachableFloorWarning
    True
    >>> thresholds
    array([0.45, 0.7 ])
    """


def _check_floor(value, name):
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not 0.0 < value <= 1.0
    ):
        raise ValueError(
            f"{name} must be a real number in (0, 1]; got {name}={value!r}."
        )
    return float(value)


def _check_average(average):
    if average not in _FLOOR_AVERAGES:
        raise ValueError(
            f"average must be one of {list(_FLOOR_AVERAGES)}; got average={average!r}."
        )
    return average


def _check_confidence(confidence):
    if confidence is None:
        return None
    if (
        not isinstance(confidence, numbers.Real)
        or isinstance(confidence, bool)
        or not 0.0 < confidence < 1.0
    ):
        raise ValueError(
            "confidence must be None or a real number in (0, 1); got "
            f"confidence={confidence!r}."
        )
    return float(confidence)


def lower_confidence_bound(successes, trials, confidence):
    """One-sided Clopper-Pearson lower bound of a binomial proportion.

    The largest ``p`` such that seeing ``successes`` or more out of
    ``trials`` has probability at most ``1 - confidence``: the bound is
    below the true proportion with probability at least ``confidence``,
    whatever the proportion and the number of trials (it is exact, never
    anti-conservative). 0 where ``successes`` is 0 or ``trials`` is 0.

    Parameters
    ----------
    successes, trials : array-like of int
        Counts, ``0 <= successes <= trials``.
    confidence : float
        In (0, 1).

    Returns
    -------
    bound : ndarray of float64
    """
    from scipy.stats import beta

    k = np.asarray(successes, dtype=np.float64)
    m = np.asarray(trials, dtype=np.float64)
    k, m = np.broadcast_arrays(k, m)
    out = np.zeros(k.shape)
    some = k > 0
    out[some] = beta.ppf(1.0 - confidence, k[some], m[some] - k[some] + 1.0)
    return out


@functools.lru_cache(maxsize=64)
def sequence_start(floor, confidence):
    """Where a fixed-sequence walk down a precision curve starts testing.

    The fewest predictions ``m`` at which a precision halfway between the
    floor and 1 (``ceil(m * (1 + floor) / 2)`` right out of ``m``) has its
    one-sided Clopper-Pearson lower bound at or above the floor. Above it
    (fewer predictions) a test could pass only at a precision near 1 and
    would stop the walk on a single error; the start depends on the floor
    and the confidence only, never on the data, as the fixed-sequence
    guarantee requires. ``inf`` when no count up to 2**17 reaches it (a
    floor of 1).
    """
    if floor >= 1.0:
        return float("inf")
    low, high = 1, 64
    while low <= 2**17:
        m = np.arange(low, high + 1, dtype=np.float64)
        k = np.ceil(m * (1.0 + floor) / 2.0 - 1e-9)
        reached = np.flatnonzero(lower_confidence_bound(k, m, confidence) >= floor)
        if reached.size:
            return float(m[reached[0]])
        low, high = high + 1, 4 * high
    return float("inf")


class _FloorMetric:
    """What :class:`RecallAtPrecision` and :class:`PrecisionAtRecall` share.

    The constrained ratio is ``tp / pp`` (precision) or ``tp / pos``
    (recall); the objective is the other one.
    """

    _prefix = ""  # "recall@precision" or "precision@recall"
    _floor_name = ""  # "min_precision" or "min_recall"

    def __init__(self, floor, average, confidence):
        self.floor = _check_floor(floor, self._floor_name)
        self.average = _check_average(average)
        self.confidence = _check_confidence(confidence)

    @property
    def name(self):
        name = f"{self._prefix}={self.floor!r}"
        if self.average != "label":
            name += f":{self.average}"
        if self.confidence is not None:
            name += f":confidence={self.confidence!r}"
        return name

    def _key(self):
        return (type(self), self.floor, self.average, self.confidence)

    def __eq__(self, other):
        return isinstance(other, _FloorMetric) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (
            f"{type(self).__name__}({self.floor!r}, average={self.average!r}, "
            f"confidence={self.confidence!r})"
        )

    # -- counts -------------------------------------------------------------

    def _constrained(self, tp, pp, pos):
        """Successes and trials of the ratio held to the floor."""
        raise NotImplementedError

    def _objective(self, tp, pp, pos):
        """Successes and trials of the ratio maximized."""
        raise NotImplementedError

    def holds(self, tp, pp, pos, *, bound=True):
        """Whether the floor holds at these counts (on the bound, if asked).

        The single test at one cut; how the strategies combine these tests
        over the cuts they search is described under ``confidence``.

        With ``bound=True`` and a ``confidence``, the one-sided
        Clopper-Pearson lower bound of the ratio must reach the floor;
        otherwise the ratio itself. A ratio with no trial (nothing
        predicted, for a precision; no positive, for a recall) never holds.

        Parameters
        ----------
        tp, pp, pos : array-like of int
            True, predicted and actual positives.
        bound : bool, default=True
            Whether to test the confidence bound (when ``confidence`` is set).

        Returns
        -------
        holds : ndarray of bool
        """
        counts = (np.asarray(a, dtype=np.int64) for a in (tp, pp, pos))
        k, m = self._constrained(*counts)
        k, m = np.broadcast_arrays(k, m)
        shape = k.shape
        k, m = k.ravel(), m.ravel()
        ratio = np.divide(k, m, out=np.zeros(k.shape), where=m > 0)
        ok = (m > 0) & (ratio >= self.floor)
        if bound and self.confidence is not None and ok.any():
            ok[ok] = self._bound_holds(k[ok], m[ok])
        return ok.reshape(shape)

    def _bound_holds(self, k, m):
        """Whether the lower bound reaches the floor; 1-D counts, ``m > 0``."""
        width = int(m.max()) + 1
        if width * (int(k.max()) + 1) >= 2**62:
            return lower_confidence_bound(k, m, self.confidence) >= self.floor
        # Each distinct pair of counts once: count curves repeat them often.
        key, inverse = np.unique(k * width + m, return_inverse=True)
        lower = lower_confidence_bound(key // width, key % width, self.confidence)
        return (lower >= self.floor)[inverse.ravel()]

    def from_counts(self, tp, pp, pos):
        """Objective value from per-label counts along the last axis.

        The mean of the labels' ratios for ``average="label"`` (0 for a
        label whose ratio has no trial), the ratio of the summed counts for
        ``"micro"`` (0 without trial).

        Parameters
        ----------
        tp, pp, pos : array-like of shape (..., n_labels)
            True, predicted and actual positives per label.

        Returns
        -------
        value : ndarray of shape (...)
        """
        counts = (np.asarray(a, dtype=np.float64) for a in (tp, pp, pos))
        k, m = self._objective(*counts)
        if self.average == "micro":
            k, m = k.sum(-1), m.sum(-1)
            return np.divide(k, m, out=np.zeros(np.shape(k)), where=m > 0)
        ratio = np.divide(k, m, out=np.zeros(np.shape(k)), where=m > 0)
        return ratio.mean(-1)

    def score(self, Y_true, Y_pred, sample_weight=None):
        """Objective achieved by binary decisions.

        Parameters
        ----------
        Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels.
        Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Predicted 0/1 labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in every count.

        Returns
        -------
        value : float
        """
        tp, pp, pos = _multilabel_counts(Y_true, Y_pred, 0, sample_weight)
        return float(self.from_counts(tp, pp, pos))

    def constraint_met(self, Y_true, Y_pred):
        """Whether binary decisions meet the floor (on the plain ratio).

        Parameters
        ----------
        Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels.
        Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Predicted 0/1 labels.

        Returns
        -------
        met : ndarray of bool of shape (n_labels,) or bool
            Per label for ``average="label"``, one bool for ``"micro"``. A
            ratio with no trial does not meet the floor.
        """
        tp, pp, pos = _multilabel_counts(Y_true, Y_pred, axis=0)
        if self.average == "micro":
            return bool(self.holds(tp.sum(), pp.sum(), pos.sum(), bound=False))
        return self.holds(tp, pp, pos, bound=False)


class RecallAtPrecision(_FloorMetric):
    """The highest recall at which precision stays at or above a floor.

    Thresholds learned for it make each label (``average="label"``) or the
    pooled decisions (``"micro"``) as complete as possible while their
    precision on the tuning data is at least ``min_precision``. Per label:
    among the cuts whose precision is at least the floor, the one with the
    highest recall; ties go to the higher precision. A label that no cut
    brings to the floor predicts nothing, and is named in an
    :class:`UnreachableFloorWarning`.

    Parameters
    ----------
    min_precision : float
        The precision floor, in (0, 1].
    average : {"label", "micro"}, default="label"
        Whether the floor holds for each label and the mean of the labels'
        recalls is maximized, or for the pooled counts of all labels and the
        pooled recall is maximized.
    confidence : float or None, default=None
        With a value such as 0.95, the thresholds are chosen so that the
        precision they have on new data from the same distribution meets
        the floor with probability at least ``confidence``, the search over
        thresholds accounted for. Per label, a fixed-sequence test ("Learn
        then Test"): the label's thresholds are walked from the highest
        down, each must pass the one-sided binomial test of precision >=
        floor at level ``1 - confidence`` (its Clopper-Pearson lower bound
        at or above the floor), the walk stops at the first failure, and
        the passing threshold with the best recall is kept; the walk starts
        where a precision halfway between the floor and 1 would pass.
        Pooled (``"micro"``), each label's tuning samples are split in
        halves at random (a fixed seed): the pooled solutions for internal
        floors from halfway between the floor and 1 down to the floor are
        fitted on one half and tested in that order, pooled, on the other,
        stopping at the first failure; the last that passed is kept, with
        its thresholds from the first half. The guarantee is per label
        (pooled: for the pooled precision), for the precision on the
        distribution: the precision measured on a finite held-out set adds
        that set's noise, the pooled test treats predicted (sample, label)
        pairs as independent, and the candidate thresholds are the tuning
        scores. Recall is the price; labels with few tuning positives may
        not reach the floor. Clopper-Pearson rather than Wilson: its
        coverage is guaranteed for every count. ``None``: the floor holds
        on the tuning data itself.

    Attributes
    ----------
    name : str
        Canonical name, such as ``"recall@precision=0.9"`` or
        ``"recall@precision=0.9:micro:confidence=0.95"``, that
        :func:`check_metric` turns back into an equal metric.

    See Also
    --------
    PrecisionAtRecall : The reverse: the best precision at a recall floor.
    Utility : A gain or cost per cell of the confusion matrix.
    check_metric : Parse a metric name.

    Notes
    -----
    :meth:`score` is the objective: the mean of the labels' recalls (0 for
    a label without positives) for ``average="label"``, the pooled recall
    ``sum(tp) / sum(pos)`` for ``"micro"``; :meth:`constraint_met` says
    whether the floor holds. The values are those of
    :func:`sklearn.metrics.recall_score` and
    :func:`sklearn.metrics.precision_score` with ``average="macro"`` or
    ``"micro"`` and ``zero_division=0``.

    Examples
    --------
    >>> from skthresh.metrics import RecallAtPrecision
    >>> metric = RecallAtPrecision(0.9, average="micro")
    >>> metric.name
    'recall@precision=0.9:micro'
    >>> Y_true, Y_pred = [[1, 0], [1, 1], [0, 1]], [[1, 0], [0, 1], [0, 1]]
    >>> metric.score(Y_true, Y_pred)
    0.75
    >>> metric.constraint_met(Y_true, Y_pred)
    True
    """

    _prefix = "recall@precision"
    _floor_name = "min_precision"

    def __init__(self, min_precision, *, average="label", confidence=None):
        super().__init__(min_precision, average, confidence)

    @property
    def min_precision(self):
        """The precision floor."""
        return self.floor

    def _constrained(self, tp, pp, pos):
        return tp, pp

    def _objective(self, tp, pp, pos):
        return tp, pos


class PrecisionAtRecall(_FloorMetric):
    """The highest precision at which recall stays at or above a floor.

    The reverse of :class:`RecallAtPrecision`: per label
    (``average="label"``), among the cuts whose recall is at least
    ``min_recall``, the one with the highest precision, ties going to the
    higher recall; pooled (``"micro"``), the pooled precision is maximized
    with the pooled recall at least the floor. A label without positive
    tuning samples cannot reach a recall floor: it predicts nothing and is
    named in an :class:`UnreachableFloorWarning`.

    Parameters
    ----------
    min_recall : float
        The recall floor, in (0, 1].
    average : {"label", "micro"}, default="label"
        Per label (the mean of the labels' precisions is maximized) or
        pooled over labels.
    confidence : float or None, default=None
        With a value such as 0.95, the recall on new data from the same
        distribution meets the floor with probability at least
        ``confidence``. Per label, the one-sided Clopper-Pearson lower
        bound of the tuning recall must reach the floor: recall rises as
        the threshold falls, so the thresholds that pass are those a
        fixed-sequence walk up from the lowest accepts, and no correction
        for the search is needed. Pooled, fitted on one half of the tuning
        data and tested on the other, as for :class:`RecallAtPrecision`.

    Attributes
    ----------
    name : str
        Canonical name, such as ``"precision@recall=0.8"``, that
        :func:`check_metric` turns back into an equal metric.

    See Also
    --------
    RecallAtPrecision : The best recall at a precision floor.

    Notes
    -----
    :meth:`score` is the mean of the labels' precisions (0 for a label
    predicting nothing) for ``average="label"``, the pooled precision for
    ``"micro"``.

    Examples
    --------
    >>> from skthresh.metrics import PrecisionAtRecall
    >>> metric = PrecisionAtRecall(0.8)
    >>> Y_true, Y_pred = [[1, 0], [1, 1], [0, 1]], [[1, 1], [1, 1], [0, 1]]
    >>> metric.score(Y_true, Y_pred)
    0.8333333333333333
    >>> metric.constraint_met(Y_true, Y_pred)
    array([ True,  True])
    """

    _prefix = "precision@recall"
    _floor_name = "min_recall"

    def __init__(self, min_recall, *, average="label", confidence=None):
        super().__init__(min_recall, average, confidence)

    @property
    def min_recall(self):
        """The recall floor."""
        return self.floor

    def _constrained(self, tp, pp, pos):
        return tp, pos

    def _objective(self, tp, pp, pos):
        return tp, pp


def is_floor_metric(metric):
    """Whether ``metric`` is a recall-at-precision or precision-at-recall metric."""
    return isinstance(metric, _FloorMetric)
