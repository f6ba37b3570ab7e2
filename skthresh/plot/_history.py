"""OptimizationHistoryDisplay: the objective along an iterative threshold search."""

from collections.abc import Mapping

import numpy as np

from skthresh.plot._base import (
    check_matplotlib,
    get_axes,
    legend_above,
    short_metric_name,
    style,
)

_XAXES = ("iteration", "elapsed")


class OptimizationHistoryDisplay:
    """Objective of an iterative strategy against iterations or time.

    Iterative strategies (``surrogate``, ``coordinate``, ``numerical``,
    ``heuristic``, ...) record ``history_ = {"objective": ..., "elapsed":
    ...}``: the metric on the tuning data at the start and after each
    iteration, and the seconds elapsed since the start at those points.
    This display draws it and marks the best value, the one whose
    thresholds a keep-best strategy returns.

    Use :meth:`from_estimator` or :meth:`from_history` to create one; all
    parameters are stored as attributes of the same name.

    Parameters
    ----------
    objective : ndarray of shape (n_points,)
        Metric at each recorded point, the start included.
    elapsed : ndarray of shape (n_points,), default=None
        Seconds since the start at each point; needed for
        ``plot(xaxis="elapsed")``.
    metric_name : str, default=None
        Name of the metric, for the y axis; None writes "objective".
    estimator_name : str, default=None
        Name of the curve in the legend, such as the strategy's.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The objective.
    best_marker_ : matplotlib Line2D
        The best objective.
    ax_ : matplotlib Axes
        Axes with the curve.
    figure_ : matplotlib Figure
        Figure containing the curve.

    See Also
    --------
    ThresholdCurveDisplay : The metric against a threshold.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.plot import OptimizationHistoryDisplay
    >>> from skthresh.strategies import SurrogateThreshold
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> strategy = SurrogateThreshold(max_iter=50)
    >>> thresholds = strategy.optimize(Y, S)
    >>> display = OptimizationHistoryDisplay.from_estimator(strategy)
    >>> display.line_.get_xdata().shape
    (51,)
    >>> plt.close("all")
    """

    def __init__(
        self, *, objective, elapsed=None, metric_name=None, estimator_name=None
    ):
        self.objective = objective
        self.elapsed = elapsed
        self.metric_name = metric_name
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None, xaxis="iteration", **kwargs):
        """Plot the objective and mark its best value.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes. The legend goes
            above the axes, where it covers nothing drawn: on axes of your
            own, leave it room, for example with ``fig.tight_layout()`` or
            ``plt.subplots(layout="constrained")``.
        name : str, default=None
            Name of the curve in the legend; None uses ``estimator_name``.
        xaxis : {"iteration", "elapsed"}, default="iteration"
            Draw the objective against the iteration number or against the
            seconds elapsed.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve, such as ``color`` or ``marker``.

        Returns
        -------
        display : OptimizationHistoryDisplay
            This object, with the matplotlib artists stored.
        """
        if xaxis not in _XAXES:
            raise ValueError(
                f"xaxis must be 'iteration' or 'elapsed'; got xaxis={xaxis!r}."
            )
        objective, elapsed = _check_series(self.objective, self.elapsed)
        if xaxis == "elapsed" and elapsed is None:
            raise ValueError(
                "xaxis='elapsed' needs the elapsed times, but this history has "
                "none; use xaxis='iteration'."
            )
        self.ax_, self.figure_ = get_axes(ax, f"{type(self).__name__}.plot")
        ax = self.ax_
        name = self.estimator_name if name is None else name
        x = np.arange(objective.size) if xaxis == "iteration" else elapsed
        line_kw = style({"label": "objective" if name is None else name}, kwargs)
        (self.line_,) = ax.plot(x, objective, **line_kw)
        best = int(np.argmax(objective))
        where = f"iteration {best}"
        if elapsed is not None:
            where += f", {elapsed[best]:.3g} s"
        (self.best_marker_,) = ax.plot(
            [x[best]],
            [objective[best]],
            marker="*",
            markersize=12,
            linestyle="",
            color=self.line_.get_color(),
            label=f"best {objective[best]:.4f} ({where})",
        )
        xlabel = "iteration" if xaxis == "iteration" else "elapsed time (s)"
        ylabel = (
            "objective"
            if self.metric_name is None
            else short_metric_name(self.metric_name)
        )
        ax.set(xlabel=xlabel, ylabel=f"{ylabel} on the tuning data")
        legend_above(ax)
        return self

    @classmethod
    def from_history(
        cls,
        history,
        *,
        metric_name=None,
        name=None,
        ax=None,
        xaxis="iteration",
        **kwargs,
    ):
        """Plot a recorded history.

        Parameters
        ----------
        history : dict
            ``{"objective": array-like, "elapsed": array-like}``, as the
            ``history_`` of an iterative strategy; ``"elapsed"`` is
            optional.
        metric_name : str, default=None
            Name of the metric, for the y axis.
        name : str, default=None
            Name of the curve in the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        xaxis : {"iteration", "elapsed"}, default="iteration"
            Draw the objective against the iteration number or the time.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve.

        Returns
        -------
        display : OptimizationHistoryDisplay
            The display, plotted.
        """
        check_matplotlib(f"{cls.__name__}.from_history")
        if not isinstance(history, Mapping) or "objective" not in history:
            raise ValueError(
                "history must be a dict with an 'objective' array (and "
                "optionally an 'elapsed' array), as the history_ of an "
                f"iterative strategy; got {_describe(history)}."
            )
        objective, elapsed = _check_series(history["objective"], history.get("elapsed"))
        display = cls(
            objective=objective,
            elapsed=elapsed,
            metric_name=metric_name,
            estimator_name=name,
        )
        return display.plot(ax=ax, xaxis=xaxis, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, *, name=None, ax=None, xaxis="iteration", **kwargs
    ):
        """Plot the history of a strategy or of a fitted classifier's strategy.

        Parameters
        ----------
        estimator : BaseThresholdStrategy or SurrogateThresholdClassifier
            A strategy that has optimized thresholds, or a fitted classifier,
            whose ``strategy_.history_`` is drawn.
        name : str, default=None
            Name of the curve in the legend; None uses the strategy's class.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure and axes.
        xaxis : {"iteration", "elapsed"}, default="iteration"
            Draw the objective against the iteration number or the time.
        **kwargs : dict
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            curve.

        Returns
        -------
        display : OptimizationHistoryDisplay
            The display, plotted.
        """
        from sklearn.utils.validation import check_is_fitted

        from skthresh._classifier import SurrogateThresholdClassifier
        from skthresh.metrics import check_metric
        from skthresh.strategies import BaseThresholdStrategy

        metric_name = None
        if isinstance(estimator, SurrogateThresholdClassifier):
            check_is_fitted(estimator, "strategy_")
            strategy = estimator.strategy_
            try:
                metric_name = check_metric(estimator.metric).name
            except ValueError:  # a metric that is not an F-beta
                metric_name = None
        elif isinstance(estimator, BaseThresholdStrategy):
            strategy = estimator
        else:
            raise TypeError(
                f"{cls.__name__}.from_estimator takes a threshold strategy or a "
                f"fitted SurrogateThresholdClassifier; got {type(estimator).__name__}."
                " For a recorded history dict, use from_history."
            )
        history = getattr(strategy, "history_", None)
        if history is None:
            raise ValueError(
                f"{type(strategy).__name__} has no history_: either it has not "
                "optimized thresholds yet, or it does not iterate. Iterative "
                "strategies, such as SurrogateThreshold, record history_ = "
                "{'objective': ..., 'elapsed': ...}."
            )
        return cls.from_history(
            history,
            metric_name=metric_name,
            name=type(strategy).__name__ if name is None else name,
            ax=ax,
            xaxis=xaxis,
            **kwargs,
        )


def _check_series(objective, elapsed):
    objective = np.asarray(objective, dtype=np.float64)
    if objective.ndim != 1 or objective.size == 0:
        raise ValueError(
            "The objective history must be a non-empty 1-D array; got shape "
            f"{objective.shape}."
        )
    if elapsed is not None:
        elapsed = np.asarray(elapsed, dtype=np.float64)
        if elapsed.shape != objective.shape:
            raise ValueError(
                "The elapsed times must have one value per objective value; got "
                f"shapes {elapsed.shape} and {objective.shape}."
            )
    return objective, elapsed


def _describe(obj):
    if isinstance(obj, Mapping):
        return f"a mapping with keys {sorted(map(str, obj))}"
    return f"an object of type {type(obj).__name__}"
