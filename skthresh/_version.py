"""The version of skthresh, written once."""

__version__ = "0.1.0"
