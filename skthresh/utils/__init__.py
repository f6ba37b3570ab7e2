"""Utilities for users and developers of threshold strategies."""

__all__ = []
