"""ThresholdsVsFrequencyDisplay: learned thresholds against label frequency."""

import numpy as np

from skthresh.plot._base import (
    check_matplotlib,
    check_samples,
    classifier_targets,
    default_threshold_of,
    fitted_classifier,
    get_axes,
    legend_above,
    resolve_default_threshold,
    style,
)

_XSCALES = ("linear", "log")


class ThresholdsVsFrequencyDisplay:
    """Each label's learned threshold against how often the label is positive.

    Rare labels tend to get thresholds far from the default, and thresholds
    learned on few positives are the least reliable: exact searches
    overfit them. This plot shows both at a glance.

    Use :meth:`from_estimator` or :meth:`from_predictions` to create one;
    all parameters are stored as attributes of the same name.

    Parameters
    ----------
    thresholds : ndarray of shape (n_labels,)
        Learned thresholds.
    frequencies : ndarray of shape (n_labels,)
        Fraction of samples in which each label is positive.
    default_threshold : float, default=None
        Untuned threshold, drawn as a horizontal line; None draws none.
    estimator_name : str, default=None
        Name of the points in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The points, one per label.
    default_line_ : matplotlib Line2D or None
        Horizontal line at the default threshold.
    ax_ : matplotlib Axes
        Axes with the points.
    figure_ : matplotlib Figure
        Figure containing the points.

    See Also
    --------
    ThresholdCurveDisplay : The metric against a threshold.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from skthresh import learn_thresholds
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.plot import ThresholdsVsFrequencyDisplay
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> thresholds = learn_thresholds(Y, S, strategy="coordinate")
    >>> display = ThresholdsVsFrequencyDisplay.from_predictions(
    ...     Y, S, thresholds=thresholds, xscale="log")
    >>> display.ax_.get_xscale()
    'log'
    >>> plt.close("all")
    """

    def __init__(
        self, *, thresholds, frequencies, default_threshold=None, estimator_name=None
    ):
        self.thresholds = thresholds
        self.frequencies = frequencies
        self.default_threshold = default_threshold
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, xscale="linear", **kwargs):
        """Plot one point per label.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes. The legend goes
            above the axes, where it covers nothing drawn: on axes of your
            own, leave it room, for example with ``fig.tight_layout()`` or
            ``plt.subplots(layout="constrained")``.
        name : str, default=None
            Name of the points in the legend; None uses ``estimator_name``.
        xscale : {"linear", "log"}, default="linear"
            Scale of the frequency axis. On a log scale, labels that are
            never positive are left out (they have no position).
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            points, such as ``color`` or ``marker``.

        Returns
        -------
        display : ThresholdsVsFrequencyDisplay
            This object, with the matplotlib artists stored.
        """
        if xscale not in _XSCALES:
            raise ValueError(
                f"xscale must be 'linear' or 'log'; got xscale={xscale!r}."
            )
        thresholds = np.asarray(self.thresholds, dtype=np.float64)
        frequencies = np.asarray(self.frequencies, dtype=np.float64)
        if thresholds.ndim != 1 or thresholds.shape != frequencies.shape:
            raise ValueError(
                "thresholds and frequencies must be 1-D arrays with one value per "
                f"label; got shapes {thresholds.shape} and {frequencies.shape}."
            )
        self.ax_, self.figure_ = get_axes(ax, f"{type(self).__name__}.plot")
        ax = self.ax_
        name = self.estimator_name if name is None else name
        if xscale == "log":
            shown = frequencies > 0
            thresholds, frequencies = thresholds[shown], frequencies[shown]
        line_kw = style(
            {
                "marker": "o",
                "linestyle": "",
                "label": "learned thresholds" if name is None else name,
            },
            kwargs,
        )
        (self.line_,) = ax.plot(frequencies, thresholds, **line_kw)
        self.default_line_ = None
        if self.default_threshold is not None:
            self.default_line_ = ax.axhline(
                self.default_threshold,
                color="grey",
                linestyle=":",
                label=f"default threshold {self.default_threshold:g}",
            )
        ax.set_xscale(xscale)
        if xscale == "log":
            # Plain numbers (0.02, 0.1) rather than overlapping 2x10^-2 labels.
            from matplotlib.ticker import FuncFormatter

            ax.xaxis.set_major_formatter(FuncFormatter(_plain))
            ax.xaxis.set_minor_formatter(FuncFormatter(_plain_2_5))
        ax.set(
            xlabel="label frequency (fraction of positive samples)",
            ylabel="threshold",
        )
        legend_above(ax)
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        thresholds,
        default_threshold="auto",
        name=None,
        ax=None,
        xscale="linear",
        **kwargs,
    ):
        """Plot thresholds against the label frequencies of labels and scores.

        Parameters
        ----------
        y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
            True 0/1 labels, typically those the thresholds were tuned on;
            their frequencies are drawn.
        y_score : array-like or torch tensor of shape (n_samples, n_labels)
            Scores of the same samples, such as those the thresholds were
            tuned on; they set the ``"auto"`` default threshold.
        thresholds : float or array-like of shape (n_labels,)
            One threshold per label, a scalar for all.
        default_threshold : "auto", float or None, default="auto"
            Untuned threshold to draw: ``"auto"`` is 0.5 for scores within
            ``[0, 1]`` and 0.0 otherwise; None draws none.
        name : str, default=None
            Name of the points in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        xscale : {"linear", "log"}, default="linear"
            Scale of the frequency axis.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            points.

        Returns
        -------
        display : ThresholdsVsFrequencyDisplay
            The display, plotted.
        """
        from skthresh._validation import check_thresholds

        check_matplotlib(f"{cls.__name__}.from_predictions")
        from skthresh._validation import check_tuning_data

        Y, S = check_tuning_data(y_true, y_score, names=("y_true", "y_score"))
        thresholds = check_thresholds(thresholds, Y.shape[1])
        display = cls(
            thresholds=thresholds,
            frequencies=Y.mean(axis=0),
            default_threshold=resolve_default_threshold(default_threshold, S),
            estimator_name=name,
        )
        return display.plot(ax=ax, xscale=xscale, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, name=None, ax=None, xscale="linear", **kwargs
    ):
        """Plot a fitted classifier's thresholds against label frequencies.

        Parameters
        ----------
        estimator : SurrogateThresholdClassifier
            A fitted classifier; its ``thresholds_`` are drawn, and its
            untuned threshold (0.5 for ``predict_proba``, 0.0 for
            ``decision_function``).
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples of ``y``. The thresholds are the classifier's and the
            frequencies those of ``y``, so only the number of samples is
            checked; ``X`` is taken for the argument order of every
            ``from_estimator``.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
                (n_samples,)
            Labels whose frequencies are drawn, of the kind the classifier
            was fitted on, such as the training or the test labels.
        name : str, default=None
            Name of the points in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        xscale : {"linear", "log"}, default="linear"
            Scale of the frequency axis.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            points.

        Returns
        -------
        display : ThresholdsVsFrequencyDisplay
            The display, plotted.
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator = fitted_classifier(estimator, f"{cls.__name__}.from_estimator")
        Y = classifier_targets(estimator, y)
        check_samples(X, Y)
        display = cls(
            thresholds=estimator.thresholds_,
            frequencies=Y.mean(axis=0),
            default_threshold=default_threshold_of(estimator),
            estimator_name=name,
        )
        return display.plot(ax=ax, xscale=xscale, **kwargs)


def _plain(x, pos=None):
    return f"{x:g}"


def _plain_2_5(x, pos=None):
    """Label the minor ticks 2 and 5 of each decade only, so labels never overlap."""
    if x <= 0:
        return ""
    mantissa = x / 10 ** np.floor(np.log10(x))
    return f"{x:g}" if round(mantissa) in (2, 5) else ""
