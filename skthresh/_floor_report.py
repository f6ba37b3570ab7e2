"""Decisions against an operating point's floor: per label or pooled, for the CLI."""

import numpy as np

from skthresh.metrics._report import multilabel_report

# A ratio that equals the floor in exact arithmetic may round just below it.
_TOLERANCE = 1e-12


def floor_of(metric):
    """The floor of an operating-point metric, or None for any other metric.

    Parameters
    ----------
    metric : metric object
        A metric from :func:`skthresh.metrics.check_metric`.

    Returns
    -------
    floor : dict or None
        ``"measure"`` (``"precision"`` or ``"recall"``, the one bounded),
        ``"other"`` (the one maximized), ``"floor"`` (float) and
        ``"average"`` (``"label"`` or ``"micro"``); None for a metric
        without a floor (an F-measure, a utility).

    Examples
    --------
    >>> from skthresh._floor_report import floor_of
    >>> from skthresh.metrics import check_metric
    >>> floor_of(check_metric("f1_micro")) is None
    True
    """
    for measure, other in (("precision", "recall"), ("recall", "precision")):
        floor = getattr(metric, f"min_{measure}", None)
        if floor is not None:
            average = getattr(metric, "average", "label")
            return {
                "measure": measure,
                "other": other,
                "floor": float(floor),
                "average": average,
            }
    return None


def floor_report(Y, decisions, metric):
    """Per-label and pooled precision and recall of decisions against a floor.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
        True labels.
    decisions : ndarray of bool of shape (n_samples, n_labels)
        Decisions, for example those of thresholds learned for ``metric``.
    metric : metric object
        An operating-point metric (see :func:`floor_of`).

    Returns
    -------
    report : dict
        ``"metric"`` (its name), ``"value"`` (the metric's score of the
        decisions), ``"measure"``, ``"floor"`` and ``"average"`` as in
        :func:`floor_of`; ``"per_label"``: a dict of lists with keys
        ``"precision"`` and ``"recall"`` (None where undefined: a label
        that predicts nothing has no precision, one without positives no
        recall) and ``"meets_floor"`` (True, False, or None where the
        bounded measure is undefined); ``"pooled"``: the same three for
        all labels pooled (micro); ``"n_met"`` and ``"n_undefined"``, the
        number of labels that meet the floor and of those whose bounded
        measure is undefined.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh._floor_report import floor_report
    >>> from skthresh.metrics import check_metric
    >>> Y = np.array([[1, 0], [1, 1], [0, 1]], dtype=bool)
    >>> decisions = np.array([[1, 0], [0, 1], [1, 0]], dtype=bool)
    >>> report = floor_report(Y, decisions, check_metric("recall@precision=0.5"))
    >>> report["per_label"]["precision"], report["per_label"]["meets_floor"]
    ([0.5, 1.0], [True, True])
    """
    spec = floor_of(metric)
    if spec is None:
        raise ValueError(
            f"metric {getattr(metric, 'name', metric)!r} has no precision or recall "
            "floor; floor_report takes recall@precision or precision@recall."
        )
    report = multilabel_report(Y, decisions)
    per_label = report["per_label"]
    tp = np.logical_and(Y, decisions).sum(axis=0)
    pp, pos = per_label["predicted"], per_label["support"]
    counts = {"precision": pp, "recall": pos}
    rates = {
        k: [
            None if n == 0 else float(v)
            for v, n in zip(per_label[k], counts[k], strict=True)
        ]
        for k in counts
    }
    bounded = rates[spec["measure"]]
    meets = [None if v is None else v >= spec["floor"] - _TOLERANCE for v in bounded]
    pooled_counts = {"precision": int(pp.sum()), "recall": int(pos.sum())}
    total_tp = int(tp.sum())
    pooled = {k: (total_tp / n if n else None) for k, n in pooled_counts.items()}
    pooled_value = pooled[spec["measure"]]
    pooled["meets_floor"] = (
        None if pooled_value is None else pooled_value >= spec["floor"] - _TOLERANCE
    )
    return {
        "metric": metric.name,
        "value": float(metric.score(Y, decisions)),
        **spec,
        "per_label": {**rates, "meets_floor": meets},
        "pooled": pooled,
        "n_met": sum(m is True for m in meets),
        "n_undefined": sum(m is None for m in meets),
    }


def floor_lines(report, names, thresholds):
    """The lines the command line prints for a :func:`floor_report`.

    Parameters
    ----------
    report : dict
        From :func:`floor_report`.
    names : list of str
        Label names.
    thresholds : ndarray of shape (n_labels,)
        The thresholds, for the table.

    Returns
    -------
    lines : list of str
        One sentence (how many labels meet the floor, per label, or whether
        the pooled measure does, for micro), a blank line and a table per
        label: threshold, precision, recall and, per label, whether the
        label meets the floor.
    """
    from skthresh._compare import format_table

    measure, floor = report["measure"], report["floor"]
    n_labels = len(names)
    if report["average"] == "micro":
        value = report["pooled"][measure]
        met = report["pooled"]["meets_floor"]
        verdict = "undefined" if met is None else ("met" if met else "NOT met")
        summary = (
            f"{report['metric']}: pooled (micro) {measure} {_rate(value)} against "
            f"the floor {floor:g}: {verdict}; pooled {report['other']} "
            f"{report['value']:.4f}"
        )
    else:
        summary = (
            f"{report['metric']}: {measure} floor {floor:g} met by "
            f"{report['n_met']} of {n_labels} labels"
        )
        if report["n_undefined"]:
            why = "predict nothing" if measure == "precision" else "have no positive"
            summary += f" ({report['n_undefined']} {why})"
        summary += f"; mean {report['other']} of the labels {report['value']:.4f}"
    header = ["label", "threshold", "precision", "recall"]
    per_label = report["per_label"]
    rows = [
        [
            names[j],
            f"{thresholds[j]:.6g}",
            *(_rate(per_label[k][j]) for k in ("precision", "recall")),
        ]
        for j in range(n_labels)
    ]
    if report["average"] == "label":
        header.append(f"{measure} >= {floor:g}")
        for row, met in zip(rows, per_label["meets_floor"], strict=True):
            row.append("-" if met is None else ("yes" if met else "NO"))
    align = "l" + "r" * (len(header) - 1)
    return [summary, "", *format_table(header, rows, align=align)]


def floor_scorer(metric):
    """(column name, scorer) of how well decisions meet a metric's floor, or None.

    Per label: the fraction of labels whose precision (or recall) meets the
    floor, a label whose measure is undefined (it predicts nothing) counting
    as not meeting it; pooled: the micro precision (or recall), 0 where
    undefined.

    Parameters
    ----------
    metric : metric object
        The metric; one without a floor gives None.

    Returns
    -------
    check : tuple of (str, callable) or None
        The name of the column and ``scorer(Y, decisions) -> float``.
    """
    spec = floor_of(metric)
    if spec is None:
        return None
    measure = spec["measure"]
    if spec["average"] == "micro":

        def scorer(Y, decisions):
            value = floor_report(Y, decisions, metric)["pooled"][measure]
            return 0.0 if value is None else value

        return f"micro {measure}", scorer

    def scorer(Y, decisions):
        return floor_report(Y, decisions, metric)["n_met"] / Y.shape[1]

    return f"labels at {measure} floor", scorer


def floor_held(strategy, names):
    """Whether the floor held on the tuning data, as the thresholds file says it.

    Parameters
    ----------
    strategy : BaseThresholdStrategy
        A strategy that learned thresholds.
    names : list of str
        Label names.

    Returns
    -------
    held : dict
        Empty for a metric without a floor; otherwise ``"constraint_met"``
        (a bool per label, or one bool for a pooled floor) and
        ``"unreachable_labels"`` (the names of the labels that cannot reach
        the floor and predict nothing), copied from the strategy's
        ``constraint_met_`` and ``unreachable_labels_``.
    """
    met = getattr(strategy, "constraint_met_", None)
    if met is None:
        return {}
    unreachable = getattr(strategy, "unreachable_labels_", None)
    unreachable = [] if unreachable is None else np.asarray(unreachable).tolist()
    met = bool(met) if np.ndim(met) == 0 else [bool(m) for m in met]
    return {
        "constraint_met": met,
        "unreachable_labels": [names[int(j)] for j in unreachable],
    }


def floor_held_text(held):
    """The end of ``skthresh fit``'s line: whether the floor held, or ``""``."""
    if not held:
        return ""
    met = held["constraint_met"]
    if isinstance(met, bool):
        return f"; the pooled floor {'holds' if met else 'does NOT hold'} there"
    text = f"; the floor holds there for {sum(met)} of {len(met)} labels"
    unreachable = held["unreachable_labels"]
    if unreachable:
        text += f" ({len(unreachable)} cannot reach it and predict nothing)"
    return text


def _rate(value):
    return "-" if value is None else f"{value:.4f}"
