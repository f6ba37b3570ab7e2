"""Metrics of a sub-problem whose other labels are held at fixed decisions."""

# Rare labels (see ``min_positives``) get the best shared threshold instead
# of their own. Their decisions then still count in the metric: a held label
# predicted positive for some samples adds false positives to a micro
# average, and to the samples it touches in a samples average. The free
# labels must be optimized *with* those counts, not around thresholds the
# held labels will not keep; otherwise the result can end below the
# all-shared start. The metrics below do that: a strategy optimizes the
# free labels' columns only and sees the held labels' counts as constants.

import numpy as np

from skthresh.metrics import FBeta


class HeldFBeta(FBeta):
    """An F-beta over free labels plus the constant counts of held labels.

    Parameters
    ----------
    metric : FBeta
        The metric of the whole problem.
    tp, pp, pos : ndarray of int64 of shape (n_held,)
        True, predicted and actual positives of each held label (float64
        sums of weights for weighted samples).
    sample_counts : tuple of three ndarray of shape (n_samples,) or None
        The same per sample (needed for a samples average).
    decisions : tuple (Y_held, D_held) of bool ndarray or None
        The held labels' true labels and decisions, if known: they allow
        :meth:`take_rows`.

    Notes
    -----
    - micro: ``elementwise`` is only ever applied to pooled counts, so it
      adds the held labels' pooled counts;
    - macro: ``from_counts`` adds the held labels' F (a constant) to the
      sum and divides by the number of all labels; ``elementwise`` is per
      label and unchanged, the average being separable;
    - samples: ``from_counts`` adds each sample's held counts (the counts
      are in sample order); code that permutes samples uses ``plain`` and
      :meth:`sample_offsets`.
    """

    def __init__(self, metric, tp, pp, pos, sample_counts=None, decisions=None):
        super().__init__(metric.beta, metric.average, metric.zero_division)
        self.plain = FBeta(metric.beta, metric.average, metric.zero_division)
        self.held_tp, self.held_pp = _total(tp), _total(pp)
        self.held_pos = _total(pos)
        self.n_held = len(tp)
        self.held_f_sum = float(self.plain.elementwise(tp, pp, pos).sum())
        if metric.average == "samples" and sample_counts is None:
            raise ValueError("A samples average needs the held counts of each sample.")
        self.sample_counts = sample_counts
        self.decisions = decisions

    @classmethod
    def from_decisions(cls, metric, Y_held, D_held):
        """From the held labels' true labels and decisions (bool matrices)."""
        hit = np.logical_and(Y_held, D_held)
        sample_counts = None
        if metric.average == "samples":
            sample_counts = tuple(
                a.sum(axis=1, dtype=np.int64) for a in (hit, D_held, Y_held)
            )
        return cls(
            metric,
            hit.sum(axis=0, dtype=np.int64),
            D_held.sum(axis=0, dtype=np.int64),
            Y_held.sum(axis=0, dtype=np.int64),
            sample_counts,
            (Y_held, D_held),
        )

    def elementwise(self, tp, pp, pos, where=np.where):
        if self.average != "micro":
            return super().elementwise(tp, pp, pos, where)
        return super().elementwise(
            tp + self.held_tp, pp + self.held_pp, pos + self.held_pos, where
        )

    def from_counts(self, tp, pp, pos, where=np.where):
        if self.average == "micro":
            return super().from_counts(tp, pp, pos, where)
        if self.average == "macro":
            total = self.elementwise(tp, pp, pos, where).sum(-1) + self.held_f_sum
            return total / (pos.shape[-1] + self.n_held)
        held = [_like(c, tp) for c in self.sample_counts]
        return super().from_counts(tp + held[0], pp + held[1], pos + held[2], where)

    def sample_offsets(self):
        """Held true, predicted and actual positives of each sample.

        Returns
        -------
        tp, pp, pos : ndarray of int64 of shape (n_samples,), or None
            None unless the average is over samples.
        """
        return self.sample_counts

    def take_rows(self, rows):
        """The same metric on a subset of the samples (for bagging)."""
        Y_held, D_held = self.decisions
        return HeldFBeta.from_decisions(self.plain, Y_held[rows], D_held[rows])


class HeldCallable:
    """A callable metric of the free labels, the held ones put back in.

    Parameters
    ----------
    metric : callable
        ``metric(Y_true, Y_pred) -> float`` over all labels.
    free : ndarray of int
        Column of each free label in the whole problem.
    held : ndarray of int
        Column of each held label.
    Y_held, D_held : ndarray of bool of shape (n_samples, n_held)
        True labels and fixed decisions of the held labels.
    """

    def __init__(self, metric, free, held, Y_held, D_held):
        self.metric, self.free, self.held = metric, free, held
        self.Y_held, self.D_held = Y_held, D_held

    def __call__(self, Y_true, Y_pred):
        return self.metric(
            self._whole(Y_true, self.Y_held), self._whole(Y_pred, self.D_held)
        )

    def _whole(self, free_part, held_part):
        n = free_part.shape[0]
        whole = np.empty((n, self.free.size + self.held.size), dtype=free_part.dtype)
        whole[:, self.free] = free_part
        whole[:, self.held] = held_part
        return whole

    def take_rows(self, rows):
        """The same metric on a subset of the samples (for bagging)."""
        return HeldCallable(
            self.metric, self.free, self.held, self.Y_held[rows], self.D_held[rows]
        )


def hold_block_labels(metric, blocks, held, thresholds):
    """:func:`hold_labels` of a tuning set read by blocks of rows.

    Parameters
    ----------
    metric : FBeta
        A samples average of the whole problem.
    blocks : RowBlocks
    held : ndarray of bool of shape (n_labels,)
    thresholds : float or ndarray of shape (n_held,)

    Returns
    -------
    metric : HeldFBeta
        Without the held decisions (``take_rows`` is not available).
    """
    per_sample, per_label = [], np.zeros((3, int(np.sum(held))), dtype=np.int64)
    for Y, S in blocks.take_labels(held).blocks():
        D = S > thresholds
        counts = (np.logical_and(Y, D), D, Y)
        per_sample.append([c.sum(axis=1, dtype=np.int64) for c in counts])
        per_label += [c.sum(axis=0, dtype=np.int64) for c in counts]
    sample_counts = tuple(np.concatenate(c) for c in zip(*per_sample, strict=True))
    return HeldFBeta(metric, *per_label, sample_counts)


def hold_labels(metric, Y, S, held, thresholds):
    """The metric of the free labels with ``held`` labels fixed.

    Parameters
    ----------
    metric : FBeta or callable
        The metric of the whole problem.
    Y, S : ndarray of shape (n_samples, n_labels)
        Validated labels and scores.
    held : ndarray of bool of shape (n_labels,)
        Labels held fixed.
    thresholds : float or ndarray of shape (n_held,)
        Their thresholds.

    Returns
    -------
    metric : HeldFBeta or HeldCallable
    """
    Y_held = np.ascontiguousarray(Y[:, held])
    D_held = S[:, held] > thresholds
    if isinstance(metric, HeldFBeta):
        # Already a sub-problem (a bag of a bagged strategy): hold both.
        Y_held = np.concatenate([metric.decisions[0], Y_held], axis=1)
        D_held = np.concatenate([metric.decisions[1], D_held], axis=1)
        metric = metric.plain
    if isinstance(metric, FBeta):
        return HeldFBeta.from_decisions(metric, Y_held, D_held)
    free = np.flatnonzero(~held)
    return HeldCallable(metric, free, np.flatnonzero(held), Y_held, D_held)


def take_rows(metric, rows):
    """``metric`` restricted to ``rows`` if it holds labels, else itself."""
    return metric.take_rows(rows) if hasattr(metric, "take_rows") else metric


def plain_metric(metric):
    """The metric without held counts, and each sample's held counts.

    For code that permutes the samples (per-sample counts in score order).

    Returns
    -------
    metric : FBeta
    offsets : tuple of ndarray of int64 of shape (n_samples,), or None
    """
    if isinstance(metric, HeldFBeta):
        return metric.plain, metric.sample_offsets()
    return metric, None


def hold_summary_labels(metric, summary, held, thresholds):
    """:func:`hold_labels` for a :class:`~skthresh.ScoreSummary` (micro, macro)."""
    labels = np.flatnonzero(held)
    thresholds = np.broadcast_to(np.asarray(thresholds, dtype=np.float64), labels.shape)
    tp, pp = summary.counts(thresholds, labels=labels)
    return HeldFBeta(metric, tp, pp, summary.pos_weight[labels])


def _total(counts):
    """The sum of counts: an int, or a float for sums of sample weights."""
    total = np.sum(counts)
    return float(total) if np.asarray(counts).dtype.kind == "f" else int(total)


def _like(counts, reference):
    """``counts`` as the array type of ``reference`` (numpy or torch)."""
    if isinstance(reference, np.ndarray) or np.isscalar(reference):
        return counts
    import torch

    return torch.as_tensor(counts, dtype=reference.dtype, device=reference.device)
