"""OperatingPointDisplay: precision and recall against a threshold, floor marked."""

import numbers

import numpy as np

from skthresh.plot._base import (
    check_matplotlib,
    classifier_scores,
    classifier_targets,
    default_threshold_of,
    fitted_classifier,
    get_axes,
    legend_above,
    resolve_default_threshold,
    style,
)
from skthresh.plot._threshold_curve import _check_label


class OperatingPointDisplay:
    """Precision and recall as functions of a threshold, with the floor marked.

    An operating point is a threshold chosen for a required precision (or
    recall): :class:`~skthresh.metrics.RecallAtPrecision` keeps the
    highest recall whose precision is at least the floor. This display
    draws both measures against the threshold, exact step functions, with
    the floor as a horizontal line and the chosen threshold marked:

    - ``label=j``: label ``j``'s precision and recall against its own
      threshold, its learned threshold as a vertical line and the
      operating point (its precision and recall there) as two markers.
    - ``label=None``: the pooled (micro) precision and recall when every
      label uses one shared threshold; the learned per-label thresholds
      cannot sit on this axis one by one, so they are drawn as a rug along
      it, and their pooled precision and recall as two horizontal lines.

    The threshold used without tuning (0.5 for probabilities, 0.0 for
    decision scores) is marked by a dotted line.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one;
    all parameters are stored as attributes of the same name.

    Parameters
    ----------
    grid : ndarray of shape (n_points,)
        Thresholds at which the measures were computed, in increasing order.
    precision : ndarray of shape (n_points,)
        Precision of the decisions ``score > grid[k]``; NaN (not drawn)
        where nothing is predicted, since precision is undefined there.
    recall : ndarray of shape (n_points,)
        Recall of the same decisions; NaN where there is no positive.
    thresholds : float or ndarray of shape (n_labels,), default=None
        Learned thresholds to mark: the one of ``label``, or every label's
        for the shared-threshold curves. None marks none.
    operating_point : tuple of (float, float), default=None
        The precision and recall of the learned thresholds (label
        ``label``'s, or pooled over all labels for ``label=None``); NaN
        where undefined (a label that predicts nothing has no precision).
        None draws no marker for it.
    floor : float, default=None
        The required precision (or recall, see ``floor_measure``), drawn as
        a horizontal line. None draws none.
    floor_measure : {"precision", "recall"}, default="precision"
        Which measure the floor bounds.
    default_threshold : float, default=None
        Threshold of the untuned decision, marked by a dotted line. None
        marks none.
    label : int, default=None
        The label of the curves, or None for a threshold shared by all.
    metric_name : str, default=None
        Name of the metric the thresholds were learned for.
    estimator_name : str, default=None
        Name prefixed to the curves in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The precision curve.
    recall_line_ : matplotlib Line2D
        The recall curve.
    floor_line_ : matplotlib Line2D or None
        Horizontal line at the floor.
    learned_line_ : matplotlib Line2D or None
        Vertical line at the label's learned threshold (``label=j``), or
        the rug of all learned thresholds (``label=None``).
    operating_markers_ : list of matplotlib Line2D
        The operating point: markers on the two curves, annotated with
        their values (``label=j``), or
        horizontal lines at its pooled precision and recall
        (``label=None``); empty without ``operating_point``.
    default_line_ : matplotlib Line2D or None
        Vertical line at the default threshold.
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    ThresholdCurveDisplay : An F-measure against the threshold.
    skthresh.metrics.RecallAtPrecision : The best recall at a precision floor.
    sklearn.metrics.PrecisionRecallDisplay : Precision against recall for
        one binary classifier.

    Notes
    -----
    The curves are exact: each label's scores are sorted once, and the
    true and predicted positive counts above every distinct score are
    cumulative sums. The value at ``grid[k]`` is that of ``scores >
    grid[k]``; a score equal to its threshold is negative.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from skthresh import learn_thresholds
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.plot import OperatingPointDisplay
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> metric = "recall@precision=0.8:micro"
    >>> thresholds = learn_thresholds(Y, S, strategy="coordinate", metric=metric)
    >>> display = OperatingPointDisplay.from_predictions(
    ...     Y, S, thresholds=thresholds, metric=metric)
    >>> display.floor
    0.8
    >>> precision, recall = display.operating_point  # pooled over the labels
    >>> bool(precision >= 0.8)
    True
    >>> display = OperatingPointDisplay.from_predictions(
    ...     Y, S, label=3, thresholds=thresholds, metric=metric)
    >>> display.xlabel
    'threshold of label 3'
    >>> plt.close("all")
    """

    def __init__(
        self,
        *,
        grid,
        precision,
        recall,
        thresholds=None,
        operating_point=None,
        floor=None,
        floor_measure="precision",
        default_threshold=None,
        label=None,
        metric_name=None,
        estimator_name=None,
    ):
        self.grid = grid
        self.precision = precision
        self.recall = recall
        self.thresholds = thresholds
        self.operating_point = operating_point
        self.floor = floor
        self.floor_measure = floor_measure
        self.default_threshold = default_threshold
        self.label = label
        self.metric_name = metric_name
        self.estimator_name = estimator_name

    @property
    def xlabel(self):
        """Label of the x axis: which threshold moves along the curves."""
        if self.label is None:
            return "threshold shared by all labels"
        return f"threshold of label {self.label}"

    @property
    def ylabel(self):
        """Label of the y axis: what the curves measure."""
        if self.label is None:
            return "micro precision and recall"
        return f"precision and recall of label {self.label}"

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curves and mark the floor and the thresholds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes. The legend goes
            above the axes, where it covers nothing drawn: on axes of your
            own, leave it room, for example with ``fig.tight_layout()`` or
            ``plt.subplots(layout="constrained")``.
        name : str, default=None
            Name prefixed to the curves in the legend; None uses
            ``estimator_name``.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for both
            curves, such as ``linewidth``; ``color`` is left to the curves.

        Returns
        -------
        display : OperatingPointDisplay
            This object, with the matplotlib artists stored.
        """
        grid = np.asarray(self.grid, dtype=np.float64)
        precision = np.asarray(self.precision, dtype=np.float64)
        recall = np.asarray(self.recall, dtype=np.float64)
        if (
            grid.ndim != 1
            or grid.size == 0
            or precision.shape != grid.shape
            or recall.shape != grid.shape
        ):
            raise ValueError(
                "grid, precision and recall must be 1-D arrays of the same "
                f"non-zero length; got shapes {grid.shape}, {precision.shape} and "
                f"{recall.shape}."
            )
        if self.floor_measure not in ("precision", "recall"):
            raise ValueError(
                "floor_measure must be 'precision' or 'recall'; got "
                f"floor_measure={self.floor_measure!r}."
            )
        self.ax_, self.figure_ = get_axes(ax, f"{type(self).__name__}.plot")
        ax = self.ax_
        name = self.estimator_name if name is None else name
        prefix = "" if name is None else f"{name}: "
        curves = {}
        for measure, values, color in (
            ("precision", precision, "C0"),
            ("recall", recall, "C2"),
        ):
            line_kw = {"drawstyle": "steps-post", "color": color}
            line_kw = style({**line_kw, "label": f"{prefix}{measure}"}, kwargs)
            (curves[measure],) = ax.plot(grid, values, **line_kw)
        self.line_, self.recall_line_ = curves["precision"], curves["recall"]

        self.floor_line_ = None
        if self.floor is not None:
            text = f"{self.floor_measure} floor {self.floor:g}"
            self.floor_line_ = ax.axhline(
                self.floor, color="C3", linestyle="-.", linewidth=1, label=text
            )
        self.default_line_ = None
        if self.default_threshold is not None:
            self.default_line_ = ax.axvline(
                self.default_threshold,
                color="grey",
                linestyle=":",
                label=f"default threshold {self.default_threshold:g}",
            )
        self.learned_line_, self.operating_markers_ = None, []
        if self.label is None:
            self._mark_shared(ax)
        else:
            self._mark_label(ax)
        ax.set(xlabel=self.xlabel, ylabel=self.ylabel, ylim=(-0.02, 1.02))
        legend_above(ax)
        return self

    def _mark_label(self, ax):
        if self.thresholds is None:
            return
        threshold = float(np.ravel(self.thresholds)[0])
        self.learned_line_ = ax.axvline(
            threshold,
            color="C1",
            linestyle="--",
            label=f"learned threshold {threshold:.3g}",
        )
        if self.operating_point is None:
            return
        for measure, value, color, dy in zip(
            ("P", "R"), self.operating_point, ("C0", "C2"), (4, -12), strict=True
        ):
            (marker,) = ax.plot(
                [threshold], [value], marker="o", color=color, linestyle=""
            )
            self.operating_markers_.append(marker)
            if not np.isnan(value):
                ax.annotate(
                    f"{measure} {value:.3f}",
                    (threshold, value),
                    xytext=(6, dy),
                    textcoords="offset points",
                    color=color,
                    fontsize="small",
                )

    def _mark_shared(self, ax):
        if self.operating_point is not None:
            for measure, value, color in zip(
                ("precision", "recall"), self.operating_point, ("C0", "C2"), strict=True
            ):
                line = ax.axhline(
                    value,
                    color=color,
                    linestyle="--",
                    linewidth=1,
                    label=f"learned thresholds: {measure} {value:.3f}",
                )
                self.operating_markers_.append(line)
        if self.thresholds is not None:
            marks = np.atleast_1d(np.asarray(self.thresholds, dtype=np.float64))
            (self.learned_line_,) = ax.plot(
                marks,
                np.zeros_like(marks),
                marker="|",
                markersize=12,
                linestyle="",
                color="C1",
                transform=ax.get_xaxis_transform(),
                label="learned thresholds (rug)",
            )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        label=None,
        thresholds=None,
        metric=None,
        default_threshold="auto",
        max_points=10_000,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot precision and recall against the threshold from labels and scores.

        Parameters
        ----------
        y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels.
        y_score : array-like or torch tensor of shape (n_samples, n_labels)
            Scores; a sample is positive for label ``j`` when its score is
            strictly greater than the threshold.
        label : int, default=None
            Draw label ``label``'s precision and recall against its own
            threshold. None draws the pooled (micro) ones against a
            threshold shared by all labels.
        thresholds : float or array-like of shape (n_labels,), default=None
            Learned thresholds to mark, one per label; None marks none.
        metric : str or metric object, default=None
            The metric the thresholds were learned for. A floor metric
            (``"recall@precision=0.9"``, a
            :class:`~skthresh.metrics.RecallAtPrecision` or a
            :class:`~skthresh.metrics.PrecisionAtRecall`) draws its floor;
            other metrics, or None, draw no floor.
        default_threshold : "auto", float or None, default="auto"
            Untuned threshold to mark: ``"auto"`` is 0.5 for scores within
            ``[0, 1]`` and 0.0 otherwise; None marks none.
        max_points : int or None, default=10000
            Most points drawn. Beyond it, an evenly spaced subset of the
            distinct scores is kept; each point drawn keeps its exact
            value. None keeps them all.
        name : str, default=None
            Name prefixed to the curves in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curves.

        Returns
        -------
        display : OperatingPointDisplay
            The display, plotted.
        """
        from skthresh._validation import check_thresholds, check_tuning_data

        check_matplotlib(f"{cls.__name__}.from_predictions")
        Y, S = check_tuning_data(y_true, y_score, names=("y_true", "y_score"))
        label = _check_label(label, S.shape[1])
        if thresholds is not None:
            thresholds = check_thresholds(thresholds, S.shape[1])
        return cls._from_scores(
            Y,
            S,
            label=label,
            thresholds=thresholds,
            metric=metric,
            default_threshold=resolve_default_threshold(default_threshold, S),
            max_points=max_points,
            name=name,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        label=None,
        metric=None,
        max_points=10_000,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot precision and recall against the threshold for a classifier.

        Parameters
        ----------
        estimator : SurrogateThresholdClassifier
            A fitted classifier; its ``thresholds_`` are marked.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score, for example a held-out test set.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
                (n_samples,)
            True labels of ``X``, of the kind the classifier was fitted on.
        label : int, default=None
            Draw label ``label``'s precision and recall against its own
            threshold. None draws the pooled ones against a shared
            threshold.
        metric : str or metric object, default=None
            The metric whose floor is drawn; None uses the classifier's
            ``metric``.
        max_points : int or None, default=10000
            Most points drawn; see :meth:`from_predictions`.
        name : str, default=None
            Name prefixed to the curves in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curves.

        Returns
        -------
        display : OperatingPointDisplay
            The display, plotted.
        """
        from skthresh._validation import check_scores

        check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator = fitted_classifier(estimator, f"{cls.__name__}.from_estimator")
        S = check_scores(classifier_scores(estimator, X))
        Y = classifier_targets(estimator, y)
        if Y.shape != S.shape:
            raise ValueError(f"X has {S.shape[0]} sample(s) but y has {Y.shape[0]}.")
        return cls._from_scores(
            Y,
            S,
            label=_check_label(label, S.shape[1]),
            thresholds=estimator.thresholds_,
            metric=estimator.metric if metric is None else metric,
            default_threshold=default_threshold_of(estimator),
            max_points=max_points,
            name=name,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def _from_scores(
        cls,
        Y,
        S,
        *,
        label,
        thresholds,
        metric,
        default_threshold,
        max_points,
        name,
        ax,
        **kwargs,
    ):
        if max_points is not None and (
            not isinstance(max_points, numbers.Integral)
            or isinstance(max_points, bool)
            or max_points < 2
        ):
            raise ValueError(
                f"max_points must be None or an integer >= 2; got "
                f"max_points={max_points!r}."
            )
        floor_measure, floor, metric_name = _floor_of(metric)
        if label is not None:
            Y, S = Y[:, [label]], S[:, [label]]
            if thresholds is not None:
                thresholds = float(thresholds[label])
        operating_point = None
        if thresholds is not None:
            operating_point = _precision_recall(Y, S > thresholds)
        grid, precision, recall = precision_recall_curve(
            Y.ravel(), S.ravel(), max_points=max_points
        )
        display = cls(
            grid=grid,
            precision=precision,
            recall=recall,
            thresholds=thresholds,
            operating_point=operating_point,
            floor=floor,
            floor_measure=floor_measure,
            default_threshold=default_threshold,
            label=label,
            metric_name=metric_name,
            estimator_name=name,
        )
        return display.plot(ax=ax, **kwargs)


def precision_recall_curve(y, s, *, max_points=None):
    """Exact precision and recall at every distinct score used as threshold.

    Parameters
    ----------
    y : ndarray of bool of shape (n,)
        Validated labels (one label's, or all labels' flattened).
    s : ndarray of float of shape (n,)
        Their scores.
    max_points : int or None, default=None
        Keep at most this many evenly spaced points of the distinct scores.

    Returns
    -------
    grid : ndarray of float64 of shape (n_points,)
        Distinct scores, increasing.
    precision, recall : ndarray of float64 of shape (n_points,)
        Of the decisions ``s > grid[k]``; NaN where undefined (nothing
        predicted, or no positive).
    """
    order = np.argsort(s, kind="stable")
    s_sorted = np.asarray(s, dtype=np.float64)[order]
    positives_upto = np.cumsum(np.asarray(y, dtype=bool)[order], dtype=np.int64)
    grid = np.unique(s_sorted)
    upto = np.searchsorted(s_sorted, grid, side="right")  # scores <= grid[k]
    n_pos = int(positives_upto[-1]) if positives_upto.size else 0
    tp = n_pos - positives_upto[upto - 1]
    pp = s_sorted.size - upto
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(pp > 0, tp / np.maximum(pp, 1), np.nan)
        recall = np.where(n_pos > 0, tp / max(n_pos, 1), np.nan)
    if max_points is not None and grid.size > max_points:
        keep = np.linspace(0, grid.size - 1, max_points).round().astype(np.int64)
        grid, precision, recall = grid[keep], precision[keep], recall[keep]
    return grid, precision.astype(np.float64), recall.astype(np.float64)


def _precision_recall(Y, decisions):
    """Pooled precision and recall of decisions; NaN where undefined."""
    tp = int(np.logical_and(Y, decisions).sum())
    pp, pos = int(decisions.sum()), int(Y.sum())
    return (tp / pp if pp else np.nan, tp / pos if pos else np.nan)


def _floor_of(metric):
    """(measure, floor, name) of a floor metric; (``"precision"``, None, name) else."""
    if metric is None:
        return "precision", None, None
    if not callable(metric) or hasattr(metric, "name"):
        from skthresh.metrics import check_metric

        metric = check_metric(metric)
    name = getattr(metric, "name", None)
    for measure in ("precision", "recall"):
        floor = getattr(metric, f"min_{measure}", None)
        if floor is not None:
            return measure, float(floor), name
    return "precision", None, name
