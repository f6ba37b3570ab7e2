"""Stratified held-out splits and folds: iterative stratification."""

import numpy as np
import pytest

from skthresh._splitting import (
    held_out_split,
    iterative_stratification,
    stratified_folds,
)


def _rare_labels(n=600, n_labels=12, seed=0):
    """Labels from 25 % down to 1 % positives; a third of samples without any."""
    rng = np.random.default_rng(seed)
    rates = np.geomspace(0.25, 0.01, n_labels)
    return rng.random((n, n_labels)) < rates


@pytest.mark.parametrize("size", [0.3, 0.25, 150])
def test_held_out_split_shares_every_labels_positives(size):
    Y = _rare_labels()
    train, held = held_out_split(Y, size, 0)
    n = len(Y)
    n_held = size if isinstance(size, int) else int(np.ceil(size * n))
    assert len(held) == n_held and len(train) == n - n_held
    assert np.array_equal(np.sort(np.concatenate([train, held])), np.arange(n))
    target = Y.sum(0) * n_held / n
    assert np.all(np.abs(Y[held].sum(0) - target) <= 1.0)


def test_stratification_beats_a_random_split_on_rare_labels():
    Y = _rare_labels(seed=1)
    target = Y.sum(0) * 0.3
    worst_random, worst_ours = [], []
    for seed in range(20):
        _, held = held_out_split(Y, 0.3, seed)
        random_held = np.random.default_rng(seed).permutation(len(Y))[: len(held)]
        worst_ours.append(np.abs(Y[held].sum(0) - target).max())
        worst_random.append(np.abs(Y[random_held].sum(0) - target).max())
    assert max(worst_ours) <= 1.0 < np.mean(worst_random)


def test_binary_split_is_stratified_on_the_class():
    y = np.zeros((203, 1), dtype=bool)
    y[:15] = True
    for seed in range(10):
        train, held = held_out_split(y, 0.3, seed)
        assert abs(y[held].sum() - 15 * len(held) / 203) <= 1.0
        assert abs(y[train].sum() - 15 * len(train) / 203) <= 1.0


def test_splits_are_reproducible_and_depend_on_the_seed():
    Y = _rare_labels()
    first = held_out_split(Y, 0.3, 7)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(first, held_out_split(Y, 0.3, 7), strict=True)
    )
    other = held_out_split(Y, 0.3, 8)
    assert not np.array_equal(first[1], other[1])
    generator = np.random.RandomState(3)
    seed = np.random.RandomState(3).randint(np.iinfo(np.int32).max)
    assert np.array_equal(
        held_out_split(Y, 0.3, generator)[1], held_out_split(Y, 0.3, seed)[1]
    )


@pytest.mark.parametrize("n_folds", [3, 5])
def test_folds_partition_the_samples_with_kfold_sizes(n_folds):
    Y = _rare_labels(n=601)
    folds = stratified_folds(Y, n_folds, 0)
    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(len(Y)))
    sizes = sorted((len(test) for _, test in folds), reverse=True)
    expected = [len(Y) // n_folds + (k < len(Y) % n_folds) for k in range(n_folds)]
    assert sizes == expected
    for train, test in folds:
        assert not set(train) & set(test) and len(train) + len(test) == len(Y)
        target = Y.sum(0) * len(test) / len(Y)
        assert np.all(np.abs(Y[test].sum(0) - target) <= 1.5)


def test_groups_never_straddle_the_split():
    Y = _rare_labels(n=300)
    groups = np.repeat(np.arange(60), 5)
    train, held = held_out_split(Y, 0.3, 0, groups=groups)
    assert not set(groups[train]) & set(groups[held])
    assert len(train) + len(held) == 300
    for one_label in (False, True):
        target = Y[:, :1] if one_label else Y
        for train, test in stratified_folds(target, 4, 0, groups=groups):
            assert not set(groups[train]) & set(groups[test])


def test_sizes_are_exact_when_every_sample_has_labels():
    rng = np.random.default_rng(0)
    Y = rng.random((250, 6)) < 0.6
    Y[:, 0] = True
    part = iterative_stratification(Y, [0.7, 0.3], 0, sizes=[175, 75])
    assert np.bincount(part).tolist() == [175, 75]
