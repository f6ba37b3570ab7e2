"""A tuning set as the base class hands it to a strategy: matrices or a summary."""

import contextlib

import numpy as np

from skthresh.strategies._callable import evaluate_callable, is_callable_metric
from skthresh.strategies._held import (
    hold_block_labels,
    hold_labels,
    hold_summary_labels,
)
from skthresh.strategies._shared import shared_threshold


class DenseData:
    """A tuning set given as matrices."""

    def __init__(self, Y, S):
        self.Y, self.S = Y, S
        self.n_samples, self.n_labels = S.shape
        self.pos = Y.sum(axis=0)

    def degenerate(self):
        """Labels without a positive, and labels without a negative."""
        return _degenerate(self.pos, self.n_samples)

    def run(self, strategy, metric):
        """The strategy's thresholds for these labels, checked."""
        return strategy._checked(
            strategy._optimize(self.Y, self.S, metric), self.n_labels
        )

    def shared_threshold(self, metric):
        """The best threshold shared by all labels."""
        return shared_threshold(self.Y, self.S, metric)

    def hold(self, metric, held, thresholds):
        """The metric of the other labels, ``held`` ones fixed at ``thresholds``."""
        return hold_labels(metric, self.Y, self.S, held, thresholds)

    def score_range(self):
        """The lowest and highest tuning scores of all labels."""
        return float(self.S.min()), float(self.S.max())

    @contextlib.contextmanager
    def take_labels(self, labels):
        """The tuning set of some labels only."""
        yield DenseData(
            np.ascontiguousarray(self.Y[:, labels]),
            np.ascontiguousarray(self.S[:, labels]),
        )

    def evaluate(self, metric, thresholds):
        """The metric at ``thresholds``."""
        if is_callable_metric(metric):
            return evaluate_callable(metric, self.Y, self.S, thresholds)
        return metric.score(self.Y, self.S > thresholds)


class SummaryData:
    """A tuning set given as a :class:`~skthresh.ScoreSummary`."""

    def __init__(self, summary):
        self.summary = summary
        self.n_samples, self.n_labels = summary.shape
        # Counted by weight, if the samples have weights (for min_positives).
        self.pos = summary.pos_weight
        self._rows_pos = summary.pos

    def degenerate(self):
        """Labels without a positive, and labels without a negative."""
        return _degenerate(self._rows_pos, self.n_samples)

    def run(self, strategy, metric):
        """The strategy's thresholds for these labels, checked."""
        thresholds = strategy._optimize_summary(self.summary, metric)
        return strategy._checked(thresholds, self.n_labels)

    def shared_threshold(self, metric):
        """The best threshold shared by all labels."""
        return shared_threshold(None, self.summary, metric)

    def hold(self, metric, held, thresholds):
        """The metric of the other labels, ``held`` ones fixed at ``thresholds``."""
        return hold_summary_labels(metric, self.summary, held, thresholds)

    def score_range(self):
        """The lowest and highest tuning scores of all labels."""
        return self.summary.min(), self.summary.max()

    @contextlib.contextmanager
    def take_labels(self, labels):
        """The tuning set of some labels only."""
        # The summary's own memory, its rows moved for the time of the run.
        with self.summary._label_view(labels) as view:
            yield SummaryData(view)

    def evaluate(self, metric, thresholds):
        """The metric at ``thresholds``."""
        return self.summary.score(metric, thresholds)


class WeightedDenseData(SummaryData):
    """Weighted samples as matrices, for a strategy that wants them.

    Counts (the shared threshold, held labels, the objective) come from the
    weighted summary; the strategy's hook gets the matrices and weights.
    """

    def __init__(self, summary, Y, S, sample_weight):
        super().__init__(summary)
        self.Y, self.S, self.sample_weight = Y, S, sample_weight

    def run(self, strategy, metric):
        """The strategy's thresholds for these labels, checked."""
        thresholds = strategy._optimize_weighted(
            self.Y, self.S, self.sample_weight, self.summary, metric
        )
        return strategy._checked(thresholds, self.n_labels)

    @contextlib.contextmanager
    def take_labels(self, labels):
        """The tuning set of some labels only."""
        with self.summary._label_view(labels) as view:
            yield WeightedDenseData(
                view,
                np.ascontiguousarray(self.Y[:, labels]),
                np.ascontiguousarray(self.S[:, labels]),
                self.sample_weight,
            )


class BlockData:
    """A tuning set read by blocks of rows: a :class:`RowBlocks`."""

    def __init__(self, blocks):
        self.blocks = blocks
        self.n_samples, self.n_labels = blocks.shape
        self.pos = blocks.pos

    def degenerate(self):
        """Labels without a positive, and labels without a negative."""
        return _degenerate(self.pos, self.n_samples)

    def run(self, strategy, metric):
        """The strategy's thresholds for these labels, checked."""
        thresholds = strategy._optimize_blocks(self.blocks, metric)
        return strategy._checked(thresholds, self.n_labels)

    def shared_threshold(self, metric):
        """The best threshold shared by all labels."""
        return shared_threshold(self.blocks, None, metric)

    def hold(self, metric, held, thresholds):
        """The metric of the other labels, ``held`` ones fixed at ``thresholds``."""
        return hold_block_labels(metric, self.blocks, held, thresholds)

    def score_range(self):
        """The lowest and highest tuning scores of all labels."""
        return self.blocks.score_range()

    @contextlib.contextmanager
    def take_labels(self, labels):
        """The tuning set of some labels only."""
        yield BlockData(self.blocks.take_labels(labels))

    def evaluate(self, metric, thresholds):
        """The metric at ``thresholds``."""
        return self.blocks.score(metric, thresholds)


def _degenerate(pos, n_samples):
    return pos == 0, (pos == n_samples) & (pos > 0)
