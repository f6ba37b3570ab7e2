"""Plots in scikit-learn's Display style; they need matplotlib (skthresh[plot])."""

from skthresh.plot._history import OptimizationHistoryDisplay
from skthresh.plot._operating_point import OperatingPointDisplay
from skthresh.plot._threshold_curve import ThresholdCurveDisplay
from skthresh.plot._thresholds_vs_frequency import ThresholdsVsFrequencyDisplay

# A literal list, kept sorted, so that linters see the re-exports.
__all__ = [
    "OperatingPointDisplay",
    "OptimizationHistoryDisplay",
    "ThresholdCurveDisplay",
    "ThresholdsVsFrequencyDisplay",
]
