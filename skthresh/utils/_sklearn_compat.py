"""The one module that imports scikit-learn's private helpers."""

from collections.abc import Iterable

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    generate_invalid_param_val,
    make_constraint,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
)


class SplitsOrSplitter(HasMethods):
    """Constraint: a cross-validation splitter or an iterable of splits.

    scikit-learn's ``"cv_object"`` also takes floats, and says so when it
    refuses one; this names what ``cv`` takes besides an int and None.
    """

    def __init__(self):
        super().__init__(["split", "get_n_splits"])

    def is_satisfied_by(self, val):
        iterable = isinstance(val, Iterable) and not isinstance(val, str)
        return iterable or super().is_satisfied_by(val)

    def __str__(self):
        return (
            "a cross-validation splitter (with split and get_n_splits), an "
            "iterable of (train, test) index arrays"
        )


class TorchDevice(HasMethods):
    """Constraint: a ``torch.device``, recognised without importing torch.

    A :class:`HasMethods` in form only, so that scikit-learn's
    ``make_constraint`` accepts it; torch stays unimported until a strategy
    runs on a device.
    """

    def __init__(self):
        super().__init__([])

    def is_satisfied_by(self, val):
        kind = type(val)
        return kind.__name__ == "device" and kind.__module__.startswith("torch")

    def __str__(self):
        return "a torch.device"


def check_parameters(constraints, params, caller_name):
    """Validate ``params`` against ``constraints``, the scikit-learn way.

    scikit-learn's :func:`validate_parameter_constraints`, with one rule
    more: a ``bool`` satisfies only a ``"boolean"`` constraint (scikit-learn
    lets ``True`` pass as an integer or a real number).

    Parameters
    ----------
    constraints : dict
        ``{name: list of constraints or "no_validation"}``.
    params : dict
        ``{name: value}``, as ``get_params(deep=False)`` gives them.
    caller_name : str
        The class named in messages.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` and a ``TypeError``: "The 'name' parameter of
        caller_name must be ... Got ... instead."
    """
    validate_parameter_constraints(constraints, params, caller_name=caller_name)
    for name, value in params.items():
        allowed = constraints.get(name, "no_validation")
        if allowed == "no_validation" or not isinstance(value, (bool, np.bool_)):
            continue
        if any(c in ("boolean", "verbose") or c is bool for c in allowed):
            continue
        shown = [str(make_constraint(c)) for c in allowed if c is not None]
        if len(shown) > 1:
            shown = [f"{', '.join(shown[:-1])} or {shown[-1]}"]
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller_name} must be {shown[0]}. "
            f"Got {value!r} instead."
        )


__all__ = [
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "SplitsOrSplitter",
    "StrOptions",
    "TorchDevice",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "check_parameters",
    "generate_invalid_param_val",
    "make_constraint",
    "validate_params",
]
