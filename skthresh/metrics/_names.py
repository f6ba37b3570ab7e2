"""Metric names: the strings users write, turned into metric objects."""

import re

from skthresh.metrics._fbeta import _NAME_RE, FBeta
from skthresh.metrics._operating_points import PrecisionAtRecall, RecallAtPrecision
from skthresh.metrics._utility import _CELLS, Utility

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_FLOOR_RE = re.compile(
    rf"^(?P<kind>recall@precision|precision@recall)=(?P<floor>{_NUMBER})"
    r"(?::(?P<average>label|micro))?"
    rf"(?::confidence=(?P<confidence>{_NUMBER}))?$"
)
_CELL_RE = re.compile(rf"(?P<cell>\w+)=(?P<value>{_NUMBER}|\[[^\]]*\])")
_FLOOR_CLASSES = {
    "recall@precision": RecallAtPrecision,
    "precision@recall": PrecisionAtRecall,
}
_METRIC_TYPES = (FBeta, RecallAtPrecision, PrecisionAtRecall, Utility)

_SPELLINGS = (
    "'f1_micro', 'f1_macro', 'f1_samples', a name 'f<beta>_<average>' such as "
    "'f2_micro', 'recall@precision=<floor>' or 'precision@recall=<floor>' "
    "(optionally followed by ':micro' or ':label', then "
    "':confidence=<level>', as in 'recall@precision=0.9:micro:confidence=0.95'), "
    "'utility:tp=<gain>,fp=<gain>,fn=<gain>,tn=<gain>' (cells may be omitted, "
    "per-label gains in brackets: 'tp=[1,2]'), or an FBeta, RecallAtPrecision, "
    "PrecisionAtRecall or Utility instance"
)


def check_metric(metric):
    """Turn a metric specification into a metric object.

    Parameters
    ----------
    metric : str, FBeta, RecallAtPrecision, PrecisionAtRecall or Utility
        A metric object, returned unchanged, or its name:

        - ``"f1_micro"``, ``"f1_macro"``, ``"f1_samples"``, or
          ``f<beta>_<average>`` with another beta (``"f2_micro"``,
          ``"f0.5_macro"``): an :class:`FBeta`;
        - ``"recall@precision=0.9"``, optionally followed by ``":label"``
          (the default) or ``":micro"``, then by ``":confidence=0.95"``: a
          :class:`RecallAtPrecision`;
        - ``"precision@recall=0.8"`` with the same options: a
          :class:`PrecisionAtRecall`;
        - ``"utility:tp=1,fp=-5,fn=0,tn=0"``: a :class:`Utility` (omitted
          cells take their defaults; per-label gains in brackets,
          ``"utility:tp=[1,2,3]"``).

        Every metric's ``name`` is one of these spellings.

    Returns
    -------
    metric : FBeta, RecallAtPrecision, PrecisionAtRecall or Utility

    Raises
    ------
    ValueError
        If the name is not understood; the message lists the accepted
        spellings.

    Examples
    --------
    >>> from skthresh.metrics import check_metric
    >>> check_metric("f2_macro")
    FBeta(beta=2, average='macro', zero_division=0)
    >>> check_metric("recall@precision=0.9:micro")
    RecallAtPrecision(0.9, average='micro', confidence=None)
    >>> check_metric("utility:fp=-5")
    Utility(tp=1.0, fp=-5.0, fn=0.0, tn=0.0)
    """
    if isinstance(metric, _METRIC_TYPES):
        return metric
    if isinstance(metric, str):
        match = _NAME_RE.match(metric)
        if match:
            return FBeta(float(match["beta"]), match["average"])
        match = _FLOOR_RE.match(metric)
        if match:
            confidence = match["confidence"]
            return _FLOOR_CLASSES[match["kind"]](
                float(match["floor"]),
                average=match["average"] or "label",
                confidence=None if confidence is None else float(confidence),
            )
        if metric.startswith("utility:") or metric == "utility":
            return _parse_utility(metric)
    raise ValueError(f"metric must be {_SPELLINGS}; got metric={metric!r}.")


def _parse_utility(name):
    body = name[len("utility:") :] if name != "utility" else ""
    cells = {}
    position = 0
    while position < len(body):
        match = _CELL_RE.match(body, position)
        if not match or match["cell"] not in _CELLS or match["cell"] in cells:
            raise ValueError(
                f"metric must be {_SPELLINGS}; got metric={name!r}: each cell of "
                "a utility is one of tp, fp, fn, tn, given at most once, as "
                "'<cell>=<number>' or '<cell>=[<number>,...]', separated by commas."
            )
        value = match["value"]
        if value.startswith("["):
            items = value[1:-1].split(",")
            try:
                cells[match["cell"]] = [float(item) for item in items]
            except ValueError:
                raise ValueError(
                    f"metric must be {_SPELLINGS}; got metric={name!r}: "
                    f"{match['cell']}={value} is not a list of numbers."
                ) from None
        else:
            cells[match["cell"]] = float(value)
        position = match.end()
        if position < len(body):
            if body[position] != "," or position == len(body) - 1:
                raise ValueError(
                    f"metric must be {_SPELLINGS}; got metric={name!r}: cells are "
                    "separated by single commas."
                )
            position += 1
    return Utility(**cells)
