"""Checks of strategy hyper-parameters, with messages that name them."""

import numbers

import numpy as np


def check_positive(value, name, allowed=""):
    """Raise a ValueError unless ``value`` is a positive finite real number."""
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(
            f"{name} must be {allowed}a positive finite number; got {name}={value!r}."
        )


def check_integer(value, name, minimum=1):
    """Raise a ValueError unless ``value`` is an integer >= ``minimum``."""
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(
            f"{name} must be an integer >= {minimum}; got {name}={value!r}."
        )
