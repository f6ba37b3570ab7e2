"""Tests of DefaultThreshold: fixed thresholds."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skthresh.strategies import DefaultThreshold

Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
PROBA = np.array([[0.9, 0.2, 0.6], [0.4, 0.7, 0.1], [0.6, 0.5, 0.3]])


def test_auto_is_half_for_probabilities_and_zero_otherwise():
    assert_array_equal(DefaultThreshold().optimize(Y, PROBA), np.full(3, 0.5))
    assert_array_equal(DefaultThreshold().optimize(Y, PROBA - 0.5), np.zeros(3))
    assert_array_equal(DefaultThreshold().optimize(Y, PROBA * 3), np.zeros(3))


def test_number_and_array():
    assert_array_equal(DefaultThreshold(0.3).optimize(Y, PROBA), np.full(3, 0.3))
    theta = DefaultThreshold([0.1, 0.2, 0.3]).optimize(Y, PROBA)
    assert theta.dtype == np.float64
    assert_array_equal(theta, [0.1, 0.2, 0.3])


def test_same_whatever_the_metric_and_no_degenerate_warning():
    Y0 = Y.copy()
    Y0[:, 0] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for metric in ("f1_micro", "f1_macro", "f1_samples", "f2_micro"):
            assert_array_equal(
                DefaultThreshold().optimize(Y0, PROBA, metric), np.full(3, 0.5)
            )


@pytest.mark.parametrize(
    "threshold, match",
    [
        ("half", "'threshold' parameter of DefaultThreshold .* Got 'half' instead"),
        (np.nan, "threshold must be finite"),
        (np.inf, "threshold must be finite"),
        ([0.1, 0.2], r"shape \(3,\)"),
    ],
)
def test_invalid_threshold(threshold, match):
    with pytest.raises(ValueError, match=match):
        DefaultThreshold(threshold).optimize(Y, PROBA)
