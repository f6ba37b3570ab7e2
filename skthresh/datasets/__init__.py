"""Bundled and simulated multi-label datasets for threshold tuning."""

from skthresh.datasets._simulate import make_tagging_scores
from skthresh.datasets._yeast import load_yeast

__all__ = ["load_yeast", "make_tagging_scores"]
