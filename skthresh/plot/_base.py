"""Shared helpers of the Display objects: lazy matplotlib, axes, inputs."""

import numpy as np

_INSTALL_HINT = (
    "plotting requires matplotlib; install skthresh[plot] "
    "(pip install 'skthresh[plot]') to use {what}."
)


def check_matplotlib(what):
    """Import matplotlib, or raise an ImportError saying how to install it.

    Parameters
    ----------
    what : str
        The function or method that needs matplotlib, for the message.

    Returns
    -------
    matplotlib : module
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT.format(what=what)) from exc
    return matplotlib


def get_axes(ax, what):
    """The axes to draw on and their figure; new ones when ``ax`` is None.

    A new figure gets the tight layout engine, which makes room for the
    legend above the axes (see :func:`legend_above`) at every draw, also
    after the figure is resized.
    """
    check_matplotlib(what)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(layout="tight")
    return ax, ax.figure


def legend_above(ax):
    """Draw the legend of ``ax`` above the axes, where it covers nothing plotted.

    Inside the axes no place is reliably free: the curves span the whole
    threshold range and the reference lines cross the axes, so matplotlib's
    ``loc="best"`` covered the curve on small figures. Above the axes the
    legend covers no data, whatever the data. One column keeps it as narrow
    as its longest entry, so that it fits small figures too.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes whose labelled artists are listed.

    Returns
    -------
    legend : matplotlib Legend
    """
    return ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), borderaxespad=0.0)


def style(defaults, user):
    """Default style keywords overridden by the user's, aliases resolved.

    ``"lw"`` and ``"linewidth"`` name the same property; the user's spelling
    replaces the default whichever is used, and giving both is a TypeError.
    """
    from matplotlib import cbook
    from matplotlib.lines import Line2D

    return {**defaults, **cbook.normalize_kwargs(user, Line2D)}


def fitted_classifier(estimator, what):
    """Check ``estimator`` is a fitted :class:`SurrogateThresholdClassifier`."""
    from sklearn.utils.validation import check_is_fitted

    from skthresh._classifier import SurrogateThresholdClassifier

    if not isinstance(estimator, SurrogateThresholdClassifier):
        raise TypeError(
            f"{what} takes a fitted SurrogateThresholdClassifier; got "
            f"{type(estimator).__name__}. For scores computed elsewhere, use "
            "from_predictions."
        )
    check_is_fitted(estimator, "thresholds_")
    return estimator


def classifier_scores(estimator, X):
    """Score matrix of a fitted SurrogateThresholdClassifier, as ``predict`` sees it.

    Parameters
    ----------
    estimator : SurrogateThresholdClassifier
        Fitted.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples.

    Returns
    -------
    scores : ndarray of float64 of shape (n_samples, n_labels)
    """
    return estimator.decision_scores(X)


def classifier_targets(estimator, y):
    """Labels in the form the classifier was fitted on, as a boolean matrix."""
    from skthresh._validation import check_indicator

    if estimator._target_kind == "binary":
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                "The classifier was fitted on a 1-D binary target; y must be 1-D "
                f"too, got shape {y.shape}."
            )
        return (y == estimator.classes_[1]).reshape(-1, 1)
    Y = check_indicator(y, name="y")
    if Y.shape[1] != estimator.n_labels_:
        raise ValueError(
            f"y has {Y.shape[1]} label(s) but the classifier was fitted on "
            f"{estimator.n_labels_}."
        )
    return Y


def short_metric_name(name):
    """``"f1_micro"`` -> ``"micro-F1"``; names that are not F-beta are kept."""
    from skthresh.metrics import check_metric

    try:
        metric = check_metric(name)
    except ValueError:
        return str(name)
    return f"{metric.average}-F{metric.beta:g}"


def resolve_default_threshold(default_threshold, S):
    """The untuned threshold to mark: ``"auto"`` resolved from the scores.

    Parameters
    ----------
    default_threshold : "auto", float or None
        ``"auto"`` is 0.5 for scores within ``[0, 1]`` and 0.0 otherwise; a
        number or None is kept.
    S : ndarray of shape (n_samples, n_labels)
        Validated scores.

    Returns
    -------
    default_threshold : float or None
    """
    from skthresh.strategies._starts import default_threshold as auto

    if isinstance(default_threshold, str):
        if default_threshold != "auto":
            raise ValueError(
                "default_threshold must be 'auto', a number or None; got "
                f"default_threshold={default_threshold!r}."
            )
        return auto(S)
    return default_threshold


def check_samples(X, Y):
    """Check that ``X`` has one sample per row of the validated labels ``Y``."""
    n_samples = X.shape[0] if hasattr(X, "shape") else len(X)
    if n_samples != Y.shape[0]:
        raise ValueError(f"X has {n_samples} sample(s) but y has {Y.shape[0]}.")


def default_threshold_of(estimator):
    """0.5 for a classifier scored by ``predict_proba``, 0.0 otherwise."""
    return 0.5 if estimator.response_method_ == "predict_proba" else 0.0
