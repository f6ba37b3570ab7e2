"""Strategies side by side: learn, time and score them, for the CLI and the demo."""

import contextlib
import time
import warnings

from sklearn.base import clone

from skthresh._api import apply_thresholds, learn_thresholds
from skthresh.strategies._base import BaseThresholdStrategy

BASELINE = "default"


def baseline_first(names):
    """``names`` with the fixed-threshold baseline first, when it is among them.

    Parameters
    ----------
    names : iterable of str
        Registered strategy names.

    Returns
    -------
    names : list of str
        The same names, ``"default"`` moved to the front.
    """
    names = list(names)
    if BASELINE not in names:
        return names
    return [BASELINE, *(n for n in names if n != BASELINE)]


def compare_strategies(
    Y_tune,
    S_tune,
    Y_test,
    S_test,
    strategies,
    *,
    scorers,
    metric="f1_micro",
    guard=None,
    on_row=None,
):
    """Learn thresholds with each strategy on the same data, time and score them.

    Each strategy first runs once, untimed, on the first 64 tuning rows,
    so that one-off costs (importing torch) are not counted as its time;
    errors and warnings of that run are dropped, as the timed run reports
    them.

    Parameters
    ----------
    Y_tune, S_tune : ndarray of shape (n_samples, n_labels)
        Labels and scores the thresholds are learned on.
    Y_test, S_test : ndarray of shape (n_test_samples, n_labels) or None
        Held-out labels and scores, or None to score on the tuning data only.
    strategies : dict of str to BaseThresholdStrategy or callable
        Name to a configured strategy object, or to a function of no
        argument returning one, which is then called inside the timed part.
    scorers : dict of str to callable
        Name to ``scorer(Y_true, decisions) -> float``, applied to the
        decisions on the tuning data and on the test data.
    metric : str or FBeta, default="f1_micro"
        The metric the strategies maximize.
    guard : callable or None, default=None
        ``guard(name)`` returns a context manager that the timed run of
        strategy ``name`` is run in (the command line sends the strategies'
        output to stderr there, and names a failing strategy).
    on_row : callable or None, default=None
        Called with each row as soon as it is complete.

    Returns
    -------
    rows : list of dict
        One per strategy, in order: ``strategy`` (its name),
        ``thresholds``, ``seconds`` (the timed run), ``tuning`` and ``test``
        (dicts of the scorers' values; ``test`` is None without test data)
        and ``gain`` (each scorer's value minus that of the first row, on
        the test data when given, otherwise on the tuning data).
    """
    rows = []
    for name, strategy in strategies.items():
        _warm_up(strategy, Y_tune, S_tune, metric)
        start = time.perf_counter()
        with guard(name) if guard is not None else contextlib.nullcontext():
            if not isinstance(strategy, BaseThresholdStrategy):
                strategy = strategy()  # built inside the timed part
            thresholds = learn_thresholds(
                Y_tune, S_tune, strategy=strategy, metric=metric
            )
        seconds = time.perf_counter() - start
        row = {"strategy": name, "thresholds": thresholds, "seconds": seconds}
        row["tuning"] = _scores(scorers, Y_tune, S_tune, thresholds)
        row["test"] = None
        if Y_test is not None:
            row["test"] = _scores(scorers, Y_test, S_test, thresholds)
        judged = "tuning" if Y_test is None else "test"
        first = (rows[0] if rows else row)[judged]
        row["gain"] = {k: v - first[k] for k, v in row[judged].items()}
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def _fresh(strategy):
    if isinstance(strategy, BaseThresholdStrategy):
        return clone(strategy)
    return strategy()


def _scores(scorers, Y, S, thresholds):
    decisions = apply_thresholds(S, thresholds)
    return {name: scorer(Y, decisions) for name, scorer in scorers.items()}


def _warm_up(strategy, Y, S, metric):
    """Run a strategy once on a few rows, untimed; the timed run reports errors."""
    rows = slice(0, min(S.shape[0] if hasattr(S, "shape") else len(S), 64))
    with warnings.catch_warnings(), contextlib.redirect_stdout(None):
        warnings.simplefilter("ignore")
        try:
            fresh = _fresh(strategy)
            learn_thresholds(Y[rows], S[rows], strategy=fresh, metric=metric)
        except Exception:
            pass


def table_lines(header, *, widths=None, align=None):
    """The header and rule lines of a Markdown table, columns padded.

    Parameters
    ----------
    header : list of str
        The column names.
    widths : list of int or None, default=None
        The width of each column; None fits the header alone.
    align : str or None, default=None
        One letter per column, ``"l"`` (left) or ``"r"`` (right, for
        numbers; the rule then ends in ``:``); None aligns all left.

    Returns
    -------
    lines : list of str

    Examples
    --------
    >>> from skthresh._compare import table_lines, table_row
    >>> for line in table_lines(["name", "F1"], widths=[8, 6], align="lr"):
    ...     print(line)
    | name     |     F1 |
    |----------|-------:|
    >>> print(table_row(["surrogate", "0.9"], widths=[8, 6], align="lr"))
    | surrogate |    0.9 |
    """
    widths, align = _layout(header, widths, align)
    rule = [
        "-" * (w + 1) + ":" if a == "r" else "-" * (w + 2)
        for w, a in zip(widths, align, strict=True)
    ]
    return [table_row(header, widths=widths, align=align), "|" + "|".join(rule) + "|"]


def table_row(cells, *, widths=None, align=None):
    """One row of a Markdown table, cells padded to the column widths.

    Parameters
    ----------
    cells : list of str
        The cells, already formatted.
    widths : list of int or None, default=None
        The width of each column; a longer cell is kept whole.
    align : str or None, default=None
        ``"l"`` or ``"r"`` per column; see :func:`table_lines`.

    Returns
    -------
    line : str
    """
    widths, align = _layout(cells, widths, align)
    padded = [
        cell.rjust(w) if a == "r" else cell.ljust(w)
        for cell, w, a in zip(cells, widths, align, strict=True)
    ]
    return "| " + " | ".join(padded) + " |"


def format_table(header, rows, *, align=None):
    """A Markdown table whose columns fit the widest cell.

    Parameters
    ----------
    header : list of str
        The column names.
    rows : list of list of str
        The cells, already formatted.
    align : str or None, default=None
        ``"l"`` or ``"r"`` per column; see :func:`table_lines`.

    Returns
    -------
    lines : list of str
        Header, rule and one line per row.
    """
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    lines = table_lines(header, widths=widths, align=align)
    return lines + [table_row(row, widths=widths, align=align) for row in rows]


def _layout(cells, widths, align):
    widths = [max(len(c), 3) for c in cells] if widths is None else list(widths)
    align = "l" * len(cells) if align is None else align
    return [max(w, 3) for w in widths], align
