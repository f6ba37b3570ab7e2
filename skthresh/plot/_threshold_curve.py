"""ThresholdCurveDisplay: a metric as a function of a decision threshold."""

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
    short_metric_name,
    style,
)


class ThresholdCurveDisplay:
    """F-measure as a function of a decision threshold, with thresholds marked.

    Two curves, both exact step functions of the threshold:

    - ``label=None``: the metric over all labels (micro-F1 by default) when
      every label uses one shared threshold. The thresholds learned per
      label cannot sit on this axis one by one, so they are drawn as a rug
      along it, and their metric as a horizontal line: how far it rises
      above the curve is what per-label thresholds gain over the best
      shared one.
    - ``label=j``: the F-measure of label ``j`` alone as a function of its
      own threshold, with its learned threshold marked.

    The threshold used without tuning (0.5 for probabilities, 0.0 for
    decision scores) is marked in both cases.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one;
    all parameters are stored as attributes of the same name.

    Parameters
    ----------
    grid : ndarray of shape (n_points,)
        Thresholds at which the metric was computed, in increasing order.
    values : ndarray of shape (n_points,)
        Metric at each threshold of ``grid``, with the decision
        ``score > threshold``. Between two thresholds of the grid the metric
        is constant (when the grid holds every distinct score).
    thresholds : float or ndarray of shape (n_labels,), default=None
        Learned thresholds to mark: the one of ``label``, or every label's
        for the shared-threshold curve. None marks none.
    learned_value : float, default=None
        Metric of the learned thresholds: label ``label``'s F-measure at its
        threshold, or the metric over all labels with every label at its own
        threshold. None draws no marker or line for it.
    default_threshold : float, default=None
        Threshold of the untuned decision, marked by a dotted line. None
        marks none.
    label : int, default=None
        The label of the curve, or None for a threshold shared by all.
    metric_name : str, default="f1_micro"
        Name of the metric, for the axis label.
    estimator_name : str, default=None
        Name of the curve in the legend. None uses the metric's name.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The curve.
    learned_line_ : matplotlib Line2D or None
        Vertical line at the label's learned threshold, or horizontal line
        at the metric of the per-label thresholds (``label=None``).
    learned_marker_ : matplotlib Line2D or None
        The learned threshold on the curve, or the rug of all learned
        thresholds (``label=None``).
    default_line_ : matplotlib Line2D or None
        Vertical line at the default threshold.
    ax_ : matplotlib Axes
        Axes with the curve.
    figure_ : matplotlib Figure
        Figure containing the curve.

    See Also
    --------
    OptimizationHistoryDisplay : The metric along an iterative search.
    ThresholdsVsFrequencyDisplay : Learned thresholds against label frequency.
    sklearn.metrics.PrecisionRecallDisplay : The same design for one binary
        classifier.

    Notes
    -----
    The curve is computed exactly from counts: the scores are sorted once
    and the true and predicted positive counts at every distinct score are
    cumulative sums, so a curve over millions of scores costs one sort. The
    value at ``grid[k]`` is the metric of ``scores > grid[k]``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from skthresh import learn_thresholds
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.plot import ThresholdCurveDisplay
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> thresholds = learn_thresholds(Y, S, strategy="coordinate")
    >>> display = ThresholdCurveDisplay.from_predictions(Y, S, thresholds=thresholds)
    >>> bool(display.learned_value > display.values.max())
    True
    >>> display = ThresholdCurveDisplay.from_predictions(
    ...     Y, S, label=3, thresholds=thresholds)
    >>> display.xlabel
    'threshold of label 3'
    >>> plt.close("all")
    """

    def __init__(
        self,
        *,
        grid,
        values,
        thresholds=None,
        learned_value=None,
        default_threshold=None,
        label=None,
        metric_name="f1_micro",
        estimator_name=None,
    ):
        self.grid = grid
        self.values = values
        self.thresholds = thresholds
        self.learned_value = learned_value
        self.default_threshold = default_threshold
        self.label = label
        self.metric_name = metric_name
        self.estimator_name = estimator_name

    @property
    def xlabel(self):
        """Label of the x axis: which threshold moves along the curve."""
        if self.label is None:
            return "threshold shared by all labels"
        return f"threshold of label {self.label}"

    @property
    def ylabel(self):
        """Label of the y axis: the metric and what it is computed over."""
        short = short_metric_name(self.metric_name)
        if self.label is None:
            return short
        return f"{short.split('-')[-1]} of label {self.label}"

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curve and mark the thresholds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes. The legend goes
            above the axes, where it covers nothing drawn: on axes of your
            own, leave it room, for example with ``fig.tight_layout()`` or
            ``plt.subplots(layout="constrained")``.
        name : str, default=None
            Name of the curve in the legend; None uses ``estimator_name``.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve, such as ``color`` or ``linewidth``.

        Returns
        -------
        display : ThresholdCurveDisplay
            This object, with the matplotlib artists stored.
        """
        grid = np.asarray(self.grid, dtype=np.float64)
        values = np.asarray(self.values, dtype=np.float64)
        if grid.ndim != 1 or grid.shape != values.shape or grid.size == 0:
            raise ValueError(
                "grid and values must be 1-D arrays of the same non-zero length; "
                f"got shapes {grid.shape} and {values.shape}."
            )
        self.ax_, self.figure_ = get_axes(ax, f"{type(self).__name__}.plot")
        ax = self.ax_
        name = self.estimator_name if name is None else name
        curve_label = self.ylabel if name is None else f"{name}: {self.ylabel}"
        line_kw = style({"drawstyle": "steps-post", "label": curve_label}, kwargs)
        (self.line_,) = ax.plot(grid, values, **line_kw)

        self.default_line_ = None
        if self.default_threshold is not None:
            self.default_line_ = ax.axvline(
                self.default_threshold,
                color="grey",
                linestyle=":",
                label=f"default threshold {self.default_threshold:g}",
            )

        self.learned_line_ = self.learned_marker_ = None
        if self.label is None:
            self._mark_shared(ax)
        else:
            self._mark_label(ax)
        ax.set(xlabel=self.xlabel, ylabel=self.ylabel)
        legend_above(ax)
        return self

    def _mark_label(self, ax):
        if self.thresholds is None:
            return
        threshold = float(np.ravel(self.thresholds)[0])
        value = self.learned_value
        text = f"learned threshold {threshold:.4g}"
        if value is not None:
            text += f" ({short_metric_name(self.metric_name).split('-')[-1]} "
            text += f"{value:.4f})"
        self.learned_line_ = ax.axvline(
            threshold, color="C1", linestyle="--", label=text
        )
        if value is not None:
            (self.learned_marker_,) = ax.plot(
                [threshold], [value], marker="o", color="C1", linestyle=""
            )

    def _mark_shared(self, ax):
        if self.learned_value is not None:
            short = short_metric_name(self.metric_name)
            self.learned_line_ = ax.axhline(
                self.learned_value,
                color="C1",
                linestyle="--",
                label=f"per-label thresholds ({short} {self.learned_value:.4f})",
            )
        if self.thresholds is not None:
            marks = np.atleast_1d(np.asarray(self.thresholds, dtype=np.float64))
            (self.learned_marker_,) = ax.plot(
                marks,
                np.zeros_like(marks),
                marker="|",
                markersize=12,
                linestyle="",
                color="C1",
                transform=ax.get_xaxis_transform(),
                label="learned thresholds",
            )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        label=None,
        thresholds=None,
        metric="f1_micro",
        default_threshold="auto",
        max_points=10_000,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the metric against the threshold from labels and scores.

        Parameters
        ----------
        y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels.
        y_score : array-like or torch tensor of shape (n_samples, n_labels)
            Scores; a sample is positive for label ``j`` when its score is
            strictly greater than the threshold.
        label : int, default=None
            Draw the F-measure of this label against its own threshold.
            None draws the metric over all labels against one threshold
            shared by all.
        thresholds : float or array-like of shape (n_labels,), default=None
            Learned thresholds to mark, one per label; None marks none.
        metric : str or FBeta, default="f1_micro"
            The metric: ``"f1_micro"``, ``"f1_macro"``, ``"f1_samples"``,
            ``"f<beta>_<average>"`` or an :class:`~skthresh.metrics.FBeta`.
            With ``label``, that label's own F-beta with the metric's
            ``beta``, whatever the average.
        default_threshold : "auto", float or None, default="auto"
            Untuned threshold to mark: ``"auto"`` is 0.5 for scores within
            ``[0, 1]`` and 0.0 otherwise; None marks none.
        max_points : int or None, default=10000
            Most points drawn. Beyond it, an evenly spaced subset of the
            distinct scores is kept, always with the best one; each point
            drawn keeps its exact value. None keeps them all.
        name : str, default=None
            Name of the curve in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve.

        Returns
        -------
        display : ThresholdCurveDisplay
            The display, plotted.
        """
        from skthresh._validation import check_thresholds
        from skthresh.metrics import check_metric

        check_matplotlib(f"{cls.__name__}.from_predictions")
        from skthresh._validation import check_tuning_data

        Y, S = check_tuning_data(y_true, y_score, names=("y_true", "y_score"))
        metric = check_metric(metric)
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
        """Plot the metric against the threshold for a fitted classifier.

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
            Draw the F-measure of this label against its own threshold.
            None draws the metric over all labels against one shared
            threshold.
        metric : str or FBeta, default=None
            The metric; None uses the classifier's ``metric``.
        max_points : int or None, default=10000
            Most points drawn; see :meth:`from_predictions`.
        name : str, default=None
            Name of the curve in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve.

        Returns
        -------
        display : ThresholdCurveDisplay
            The display, plotted.
        """
        from skthresh._validation import check_scores
        from skthresh.metrics import check_metric

        check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator = fitted_classifier(estimator, f"{cls.__name__}.from_estimator")
        metric = check_metric(estimator.metric if metric is None else metric)
        S = check_scores(classifier_scores(estimator, X))
        Y = classifier_targets(estimator, y)
        if Y.shape != S.shape:
            raise ValueError(f"X has {S.shape[0]} sample(s) but y has {Y.shape[0]}.")
        return cls._from_scores(
            Y,
            S,
            label=_check_label(label, S.shape[1]),
            thresholds=estimator.thresholds_,
            metric=metric,
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
        from skthresh.metrics import FBeta

        learned_value = None
        if label is not None:
            # One label's own F-beta, whatever the average of the metric.
            metric = FBeta(metric.beta, "micro", metric.zero_division)
            Y, S = Y[:, [label]], S[:, [label]]
            if thresholds is not None:
                thresholds = float(thresholds[label])
        if thresholds is not None:
            learned_value = metric.score(Y, S > thresholds)
        grid, values = threshold_curve(Y, S, metric, max_points=max_points)
        display = cls(
            grid=grid,
            values=values,
            thresholds=thresholds,
            learned_value=learned_value,
            default_threshold=default_threshold,
            label=label,
            metric_name=metric.name,
            estimator_name=name,
        )
        return display.plot(ax=ax, **kwargs)


def threshold_curve(Y, S, metric, *, max_points=None):
    """Exact metric at every distinct score used as a shared threshold.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
        Validated labels.
    S : ndarray of float of shape (n_samples, n_labels)
        Validated scores.
    metric : FBeta
        The metric.
    max_points : int or None, default=None
        Keep at most this many points: evenly spaced ones among the
        distinct scores, plus the best.

    Returns
    -------
    grid : ndarray of float64 of shape (n_points,)
        Distinct scores, increasing.
    values : ndarray of float64 of shape (n_points,)
        ``values[k]`` is the metric of the decisions ``S > grid[k]``.
    """
    from skthresh.strategies._shared import shared_threshold_curve

    after, levels = shared_threshold_curve(Y, S, metric)
    # ``after[c]``: the ``c`` highest levels positive. A threshold equal to a
    # level leaves it negative, so the value at ``levels[c]`` is ``after[c]``.
    grid = levels[::-1]
    values = after[:-1][::-1].astype(np.float64)
    if max_points is not None and grid.size > max_points:
        keep = np.linspace(0, grid.size - 1, max_points - 1).round().astype(np.int64)
        keep = np.union1d(keep, [int(np.argmax(values))])
        grid, values = grid[keep], values[keep]
    return grid, values


def _check_label(label, n_labels):
    if label is None:
        return None
    if (
        not isinstance(label, numbers.Integral)
        or isinstance(label, bool)
        or not 0 <= label < n_labels
    ):
        raise ValueError(
            f"label must be None or an integer in [0, {n_labels}), the index of "
            f"a label; got label={label!r}."
        )
    return int(label)
