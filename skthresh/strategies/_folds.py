"""Cross-validation folds of a tuning set, from matrices or from a summary."""

import numpy as np

from skthresh._summary import ScoreSummary


def row_folds(n_samples, n_folds, rng):
    """Fold of each sample: a random split into ``n_folds`` near-equal parts.

    Parameters
    ----------
    n_samples, n_folds : int
    rng : numpy.random.RandomState

    Returns
    -------
    fold : ndarray of int64 of shape (n_samples,)
    """
    fold = np.arange(n_samples, dtype=np.int64) % n_folds
    return fold[rng.permutation(n_samples)]


def positive_entries(summary):
    """Which entries of ``summary.values`` are positive samples' scores.

    A summary keeps each label's scores sorted, and its positive scores
    apart: where a positive and a negative score are equal, which of the
    equal entries is called positive does not change any count.

    Returns
    -------
    mask : ndarray of bool of shape (n_labels, n_samples)
    """
    mask = np.zeros(summary.values.shape, dtype=bool)
    for j in range(summary.n_labels):
        pv = summary.pos_values[summary.pos_start[j] : summary.pos_start[j + 1]]
        if pv.size == 0:
            continue
        first = np.searchsorted(pv, pv, side="left")
        # The k-th of several equal positive scores takes the k-th equal entry.
        at = np.searchsorted(summary.values[j], pv, side="left")
        mask[j, at + np.arange(pv.size) - first] = True
    return mask


def label_folds(summary, positive, n_folds, rng):
    """Fold of each entry of a summary, label by label, stratified.

    A summary has no rows: each label's sorted scores are split on their
    own. Each label's positives are shuffled and dealt to the folds in
    turn, then its negatives, continuing the turn, so every fold holds the
    same number of entries for every label (the rows of a fold's summary)
    and a share of each label's positives that differs by at most one
    between folds.

    Parameters
    ----------
    summary : ScoreSummary
    positive : ndarray of bool of shape (n_labels, n_samples)
        From :func:`positive_entries`.
    n_folds : int
    rng : numpy.random.RandomState

    Returns
    -------
    fold : ndarray of int64 of shape (n_labels, n_samples)
    """
    n_labels, n = summary.values.shape
    turn = np.arange(n, dtype=np.int64) % n_folds
    fold = np.empty((n_labels, n), dtype=np.int64)
    for j in range(n_labels):
        pos = np.flatnonzero(positive[j])
        neg = np.flatnonzero(~positive[j])
        order = np.concatenate([rng.permutation(pos), rng.permutation(neg)])
        fold[j, order] = turn
    return fold


def fold_summary(summary, positive, keep):
    """The summary of the entries ``keep`` (the same number for every label).

    Returns
    -------
    summary : ScoreSummary
    """
    n_labels = summary.n_labels
    # Kept entries stay in ascending order within each label.
    values = summary.values[keep].reshape(n_labels, -1)
    labels = positive[keep].reshape(n_labels, -1)
    return ScoreSummary._of_validated(
        np.ascontiguousarray(labels.T), np.ascontiguousarray(values.T)
    )
