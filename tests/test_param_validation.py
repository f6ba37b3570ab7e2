"""Every parameter of every public function rejects a bad value by name."""

import inspect
import re

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.estimator_checks import check_param_validation

from skthresh import SurrogateThresholdClassifier, apply_thresholds, learn_thresholds
from skthresh.metrics import (
    f1_score,
    fbeta_from_counts,
    fbeta_score,
    multilabel_counts,
)
from skthresh.utils._sklearn_compat import (
    InvalidParameterError,
    generate_invalid_param_val,
    make_constraint,
)

Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
S = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.5], [0.3, 0.1]])

# Valid arguments of each function; each test replaces one of them.
VALID = {
    learn_thresholds: {"Y_true": Y, "scores": S, "strategy": "global"},
    apply_thresholds: {"scores": S, "thresholds": 0.5},
    fbeta_score: {"Y_true": Y, "Y_pred": Y},
    f1_score: {"Y_true": Y, "Y_pred": Y},
    fbeta_from_counts: {"tp": [2, 1], "fp": [1, 0], "fn": [0, 2]},
    multilabel_counts: {"Y_true": Y, "Y_pred": Y},
}

# One invalid value per parameter, and the exception expected. Data and
# parameters checked by skthresh itself keep skthresh's messages (which list
# the allowed names); the others get scikit-learn's "The 'x' parameter of f
# must be ..." from validate_params. Either way, the message names the
# parameter.
INVALID = {
    learn_thresholds: {
        "Y_true": None,
        "scores": "0.5",
        "strategy": 3,
        "metric": "accuracy",
        "min_positives": -1,
        "sample_weight": [1.0, -1.0, 2.0, 5.0],
    },
    apply_thresholds: {"scores": None, "thresholds": "high"},
    fbeta_score: {
        "Y_true": None,
        "Y_pred": 1,
        "beta": -1.0,
        "average": "weighted",
        "zero_division": "warn",
        "sample_weight": [1.0, -1.0, 2.0, 5.0, 7.0],
    },
    f1_score: {
        "Y_true": "abc",
        "Y_pred": None,
        "average": "binary",
        "zero_division": 0.5,
        "sample_weight": [[1.0]],
    },
    fbeta_from_counts: {
        "tp": None,
        "fp": "1",
        "fn": 2,
        "beta": np.inf,
        "average": None,
        "zero_division": True,
    },
    multilabel_counts: {
        "Y_true": None,
        "Y_pred": 0.5,
        "axis": 2,
        "sample_weight": [np.nan],
    },
}

CASES = [
    pytest.param(func, name, bad, id=f"{func.__name__}-{name}")
    for func, params in INVALID.items()
    for name, bad in params.items()
]


def _name(func):
    return func.__name__


def _parameters(func):
    """Named parameters of a function, without ``**params``."""
    return [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


@pytest.mark.parametrize("func", list(INVALID), ids=_name)
def test_every_parameter_is_covered(func):
    assert sorted(INVALID[func]) == sorted(_parameters(func))


@pytest.mark.parametrize("func", list(VALID), ids=_name)
def test_valid_arguments_are_accepted(func):
    func(**VALID[func])


@pytest.mark.parametrize("func, name, bad", CASES)
def test_invalid_value_raises_naming_the_parameter(func, name, bad):
    with pytest.raises((ValueError, TypeError)) as excinfo:
        func(**{**VALID[func], name: bad})
    assert re.search(rf"\b{name}\b", str(excinfo.value)), str(excinfo.value)


@pytest.mark.parametrize("func, name, bad", CASES)
def test_own_checks_run_when_sklearn_validation_is_skipped(func, name, bad):
    # validate_params steps aside under skip_parameter_validation; skthresh's
    # own checks still refuse the value.
    with sklearn.config_context(skip_parameter_validation=True):
        with pytest.raises((ValueError, TypeError)):
            func(**{**VALID[func], name: bad})


def _constraints(func):
    func(**VALID[func])  # the metric functions bind validate_params at first call
    return inspect.unwrap(func)._skl_parameter_constraints


@pytest.mark.parametrize("func", list(VALID), ids=_name)
def test_declared_constraints(func):
    """scikit-learn's own procedure for public functions (test_public_functions).

    Each parameter with constraints rejects a value of a type no constraint
    allows and, where scikit-learn can generate one, a value of an allowed
    type outside the allowed values, with an ``InvalidParameterError`` (a
    ``ValueError`` and a ``TypeError``) in scikit-learn's words.
    """
    constraints = _constraints(func)
    assert sorted(constraints) == sorted(_parameters(func))
    bad_type = type("BadType", (), {})()
    for name, constraint in constraints.items():
        if constraint == "no_validation":
            continue  # skthresh's own check, covered above
        match = rf"The '{name}' parameter of {func.__name__} must be .* Got .* instead."
        with pytest.raises(InvalidParameterError, match=match):
            func(**{**VALID[func], name: bad_type})
        for c in map(make_constraint, constraint):
            try:
                bad = generate_invalid_param_val(c)
            except NotImplementedError:
                continue
            with pytest.raises(InvalidParameterError, match=match):
                func(**{**VALID[func], name: bad})


def test_invalid_parameter_error_is_value_and_type_error():
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


def test_axis_options_are_the_documented_ones():
    match = r"The 'axis' parameter of multilabel_counts must be a int among \{0, 1\}"
    for axis in (-1, 2, None, "0", 1.0):
        with pytest.raises(InvalidParameterError, match=match):
            multilabel_counts(Y, Y, axis=axis)
    tp, pp, pos = multilabel_counts(Y, Y, axis=np.int64(1))
    assert tp.shape == (Y.shape[0],)


@pytest.mark.parametrize(
    "counts", [([np.nan], [0], [0]), ([1], [np.inf], [0]), ([1], [0], [-1])]
)
def test_counts_must_be_finite_and_non_negative(counts):
    with pytest.raises(ValueError, match=r"tp, fp and fn must be finite, non-negative"):
        fbeta_from_counts(*counts)


# scikit-learn's parametrize_with_checks does not run check_param_validation
# on third-party estimators (scikit-learn runs it in its own test_common), so
# tests/test_classifier_checks.py does not cover it.
@pytest.mark.parametrize("strategy", ["surrogate", "global"])
def test_classifier_check_param_validation(strategy):
    base = OneVsRestClassifier(LogisticRegression())
    estimator = SurrogateThresholdClassifier(base, strategy=strategy, random_state=0)
    check_param_validation(type(estimator).__name__, estimator)
