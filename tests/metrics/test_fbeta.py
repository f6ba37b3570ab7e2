"""Tests of the count-based F-beta scores against scikit-learn."""

import re

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import scipy.sparse as sp
import torch
from _problems import random_indicator_case
from hypothesis import given
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh.metrics import (
    FBeta,
    check_metric,
    f1_score,
    fbeta_from_counts,
    fbeta_score,
    multilabel_counts,
)

AVERAGES = ("micro", "macro", "samples")
BETAS = (0.0, 0.5, 1.0, 2.0, 10.0)
ZERO_DIVISIONS = (0.0, 1.0)
TOL = {"rel": 0, "abs": 1e-12}


def sklearn_reference(Y_true, Y_pred, *, beta, average, zero_division):
    """scikit-learn's F-beta of two indicator matrices.

    scikit-learn reads a single column as a binary target, for which the
    samples average does not exist. A zero column appended to both matrices
    changes neither the per-sample nor the pooled counts, and ``labels=[0]``
    keeps it out of every average, so the padded matrix gives the answer.
    """
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    labels = None
    if Y_true.shape[1] == 1:
        pad = np.zeros_like(Y_true)
        Y_true, Y_pred = np.hstack([Y_true, pad]), np.hstack([Y_pred, pad])
        labels = [0]
    return sk_fbeta_score(
        Y_true,
        Y_pred,
        beta=beta,
        average=average,
        labels=labels,
        zero_division=zero_division,
    )


SHAPES = [(1, 1), (1, 6), (8, 1), (5, 3), (20, 4), (40, 10), (100, 2), (3, 30)]


def random_case(seed):
    """Random indicator matrices of one of ``SHAPES``."""
    return random_indicator_case(seed, SHAPES)


def special_cases():
    rng = np.random.default_rng(12345)
    R = (rng.random((15, 5)) < 0.4).astype(int)
    zeros, ones = np.zeros((15, 5), int), np.ones((15, 5), int)
    zero_col = R.copy()
    zero_col[:, [0, 3]] = 0
    zero_row = R.copy()
    zero_row[[1, 4, 7]] = 0
    return {
        "all-zero": (zeros, zeros),
        "true-all-zero": (zeros, R),
        "pred-all-zero": (R, zeros),
        "all-one": (ones, ones),
        "true-all-one": (ones, R),
        "pred-all-one": (R, ones),
        "perfect": (R, R),
        "complement": (R, 1 - R),
        "zero-label-columns": (zero_col, zero_col[::-1]),
        "zero-label-columns-both": (zero_col, zero_col),
        "zero-sample-rows": (zero_row, R),
        "zero-sample-rows-pred": (R, zero_row),
        "single-sample": (R[:1], R[1:2]),
        "single-sample-empty": (zeros[:1], R[:1]),
        "single-label": (R[:, :1], R[::-1, :1]),
        "single-label-zero": (zeros[:, :1], R[:, :1]),
        "single-cell-zero": (zeros[:1, :1], zeros[:1, :1]),
        "single-cell-one": (ones[:1, :1], ones[:1, :1]),
    }


RANDOM_CASES = {f"seed{seed}": random_case(seed) for seed in range(50)}
SPECIAL_CASES = special_cases()
CASES = {**RANDOM_CASES, **SPECIAL_CASES}


def combinations(case):
    """(beta, zero_division) pairs to check on a case.

    Every pair on the special cases. One pair on each random case, chosen
    from the seed so that the 50 seeds cover every pair five times over
    (scikit-learn takes milliseconds per call).
    """
    if case in SPECIAL_CASES:
        return [(b, z) for b in BETAS for z in ZERO_DIVISIONS]
    seed = int(case.removeprefix("seed"))
    return [(BETAS[seed % 5], ZERO_DIVISIONS[seed % 2])]


def counts(Y_true, Y_pred, axis):
    """True positives, predicted and actual positives, by plain numpy."""
    Y_true, Y_pred = np.asarray(Y_true, bool), np.asarray(Y_pred, bool)
    return (
        (Y_true & Y_pred).sum(axis=axis),
        Y_pred.sum(axis=axis),
        Y_true.sum(axis=axis),
    )


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_scores_match_sklearn(case, average):
    Y_true, Y_pred = CASES[case]
    axis = 1 if average == "samples" else 0
    tp, pp, pos = multilabel_counts(Y_true, Y_pred, axis=axis)
    for beta, zero_division in combinations(case):
        kwargs = dict(beta=beta, average=average, zero_division=zero_division)
        expected = sklearn_reference(Y_true, Y_pred, **kwargs)
        where = f"beta={beta}, zero_division={zero_division}"
        got = fbeta_score(Y_true, Y_pred, **kwargs)
        assert isinstance(got, float)
        assert got == pytest.approx(expected, **TOL), where
        got = fbeta_from_counts(tp, pp - tp, pos - tp, **kwargs)
        assert got == pytest.approx(expected, **TOL), where
        got = FBeta(beta, average, zero_division).from_counts(tp, pp, pos)
        assert float(got) == pytest.approx(expected, **TOL), where
        got = FBeta(beta, average, zero_division).score(Y_true, Y_pred)
        assert got == pytest.approx(expected, **TOL), where
        if beta == 1.0:
            got = f1_score(Y_true, Y_pred, average=average, zero_division=zero_division)
            assert got == pytest.approx(expected, **TOL), where


def test_combinations_cover_every_pair():
    pairs = {p for case in RANDOM_CASES for p in combinations(case)}
    assert pairs == {(b, z) for b in BETAS for z in ZERO_DIVISIONS}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_multilabel_counts(case):
    Y_true, Y_pred = CASES[case]
    for axis in (0, 1):
        got = multilabel_counts(Y_true, Y_pred, axis=axis)
        for g, e in zip(got, counts(Y_true, Y_pred, axis), strict=True):
            assert g.dtype == np.int64
            assert_array_equal(g, e)


def test_multilabel_counts_default_axis_is_labels():
    Y_true, Y_pred = CASES["seed4"]
    for g, e in zip(
        multilabel_counts(Y_true, Y_pred), counts(Y_true, Y_pred, 0), strict=True
    ):
        assert_array_equal(g, e)


@pytest.mark.parametrize(
    "convert",
    [np.bool_, list, sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.coo_array],
    ids=["bool", "list", "csr_matrix", "csc_matrix", "csr_array", "coo_array"],
)
@pytest.mark.parametrize("average", AVERAGES)
def test_other_input_types(convert, average):
    Y_true, Y_pred = CASES["seed5"]
    if convert is np.bool_:
        A, B = Y_true.astype(bool), Y_pred.astype(bool)
    elif convert is list:
        A, B = Y_true.tolist(), Y_pred.tolist()
    else:
        A, B = convert(Y_true), convert(Y_pred)
    for beta in (0.5, 1.0, 2.0):
        expected = sklearn_reference(
            Y_true, Y_pred, beta=beta, average=average, zero_division=0.0
        )
        assert fbeta_score(A, B, beta=beta, average=average) == pytest.approx(
            expected, **TOL
        )
        # Sparse against dense, both ways round.
        assert fbeta_score(A, Y_pred, beta=beta, average=average) == pytest.approx(
            expected, **TOL
        )
        assert fbeta_score(Y_true, B, beta=beta, average=average) == pytest.approx(
            expected, **TOL
        )


def test_one_dimensional_input_is_one_label():
    y_true = np.array([1, 0, 1, 1, 0])
    y_pred = np.array([1, 1, 0, 1, 0])
    expected = sk_fbeta_score(y_true, y_pred, beta=2.0)
    for average in ("micro", "macro"):
        assert fbeta_score(y_true, y_pred, beta=2.0, average=average) == (
            pytest.approx(expected, **TOL)
        )


# --- Metric names ----------------------------------------------------------


@pytest.mark.parametrize(
    "name, beta, average",
    [
        ("f1_micro", 1.0, "micro"),
        ("f1_macro", 1.0, "macro"),
        ("f1_samples", 1.0, "samples"),
        ("f2_micro", 2.0, "micro"),
        ("f2_macro", 2.0, "macro"),
        ("f0.5_samples", 0.5, "samples"),
        ("f0_micro", 0.0, "micro"),
        ("f10_macro", 10.0, "macro"),
        ("f1.5_samples", 1.5, "samples"),
    ],
)
def test_check_metric_names(name, beta, average):
    metric = check_metric(name)
    assert metric == FBeta(beta, average, 0.0)
    assert metric.beta == beta and metric.average == average
    assert metric.zero_division == 0.0
    assert metric.name == name
    assert check_metric(metric.name) == metric


def test_check_metric_returns_fbeta_unchanged():
    metric = FBeta(2.0, "samples", 1.0)
    assert check_metric(metric) is metric


@pytest.mark.parametrize(
    "bad",
    [
        "f1",
        "micro",
        "f1_weighted",
        "f1_binary",
        "F1_micro",
        "f-1_micro",
        "f1_micro ",
        "fbeta_micro",
        "accuracy",
        "",
        None,
        1.0,
        ("f1", "micro"),
    ],
)
def test_check_metric_invalid_names(bad):
    with pytest.raises(ValueError) as excinfo:
        check_metric(bad)
    message = str(excinfo.value)
    for form in ("'f1_micro'", "'f1_macro'", "'f1_samples'", "'f<beta>_<average>'"):
        assert form in message
    assert "FBeta" in message
    assert f"metric={bad!r}" in message


def test_fbeta_name_repr_equality_hash():
    metric = FBeta(0.5, "macro", 1.0)
    assert metric.name == "f0.5_macro"
    assert repr(metric) == "FBeta(beta=0.5, average='macro', zero_division=1)"
    assert metric == FBeta(0.5, "macro", 1)
    assert hash(metric) == hash(FBeta(0.5, "macro", 1))
    assert metric != FBeta(0.5, "macro", 0.0)
    assert metric != FBeta(0.5, "micro", 1.0)
    assert metric != "f0.5_macro"
    assert isinstance(FBeta(2).beta, float)


# --- Validation of the F-beta arguments --------------------------------------


@pytest.mark.parametrize(
    "beta", [-1, -0.5, -1e-9, np.nan, np.inf, "1", None, True, 1e101, 1e154, 1e300]
)
def test_bad_beta(beta):
    match = re.escape(f"got beta={beta!r}")
    with pytest.raises(ValueError, match=r"beta must be a finite real number >= 0"):
        FBeta(beta=beta)
    with pytest.raises(ValueError, match=match):
        fbeta_score([[1, 0]], [[1, 0]], beta=beta)
    with pytest.raises(ValueError, match=match):
        fbeta_from_counts([1], [0], [0], beta=beta)


@pytest.mark.parametrize("average", ["weighted", "binary", "Micro", None, 1])
def test_bad_average(average):
    match = r"average must be one of \['micro', 'macro', 'samples'\]; got " + (
        re.escape(f"average={average!r}")
    )
    with pytest.raises(ValueError, match=match):
        FBeta(average=average)
    with pytest.raises(ValueError, match=match):
        fbeta_score([[1, 0]], [[1, 0]], average=average)
    with pytest.raises(ValueError, match=match):
        f1_score([[1, 0]], [[1, 0]], average=average)


@pytest.mark.parametrize("zero_division", [0.5, -1, 2, np.nan, "warn", None, True])
def test_bad_zero_division(zero_division):
    match = r"zero_division must be 0.0 or 1.0; got " + re.escape(
        f"zero_division={zero_division!r}"
    )
    with pytest.raises(ValueError, match=match):
        FBeta(zero_division=zero_division)
    with pytest.raises(ValueError, match=match):
        fbeta_score([[1, 0]], [[1, 0]], zero_division=zero_division)


@pytest.mark.parametrize("zero_division", [0, 1, 0.0, 1.0, np.float64(1.0)])
def test_good_zero_division(zero_division):
    metric = FBeta(zero_division=zero_division)
    assert metric.zero_division == float(zero_division)
    assert isinstance(metric.zero_division, float)


def test_fbeta_from_counts_errors():
    with pytest.raises(ValueError, match=r"same shape; got \(2,\), \(3,\) and \(2,\)"):
        fbeta_from_counts([1, 2], [0, 0, 0], [1, 1])
    with pytest.raises(ValueError, match="non-negative"):
        fbeta_from_counts([1, 2], [0, -1], [1, 1])


def test_multilabel_counts_errors():
    with pytest.raises(ValueError, match=r"same shape; got \(2, 2\) and \(2, 3\)"):
        multilabel_counts([[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="Y_pred must contain only 0 and 1"):
        multilabel_counts([[1, 0]], [[2, 0]])
    with pytest.raises(ValueError, match="Y_true must contain only 0 and 1"):
        fbeta_score([[0.5, 0]], [[1, 0]])
    with pytest.raises(ValueError, match="Y_true must be a 2-D indicator matrix"):
        fbeta_score(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))


# --- The torch path ------------------------------------------------------------


def _count_arrays():
    # Per-group counts; groups 2 and 5 have neither actual nor predicted
    # positives (a zero denominator).
    tp = np.array([3.0, 0.0, 0.0, 5.0, 1.0, 0.0, 2.0])
    pp = np.array([4.0, 2.0, 0.0, 9.0, 1.0, 0.0, 2.0])
    pos = np.array([6.0, 1.0, 0.0, 5.0, 3.0, 0.0, 7.0])
    return tp, pp, pos


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("beta", BETAS)
def test_torch_where_matches_numpy(beta, average, zero_division):
    metric = FBeta(beta, average, zero_division)
    arrays = _count_arrays()
    tensors = [torch.tensor(a, dtype=torch.float64) for a in arrays]
    np_f = metric.elementwise(*arrays)
    t_f = metric.elementwise(*tensors, where=torch.where)
    assert isinstance(t_f, torch.Tensor)
    assert_allclose(t_f.numpy(), np_f, rtol=0, atol=1e-12)
    assert np_f[2] == zero_division and np_f[5] == zero_division
    np_v = metric.from_counts(*arrays)
    t_v = metric.from_counts(*tensors, where=torch.where)
    assert float(t_v) == pytest.approx(float(np_v), **TOL)
    # Batched counts: the leading axis is a batch axis.
    batch = [np.stack([a, a[::-1]]) for a in arrays]
    t_batch = metric.from_counts(*(torch.tensor(b) for b in batch), where=torch.where)
    assert_allclose(t_batch.numpy(), metric.from_counts(*batch), rtol=0, atol=1e-12)


@pytest.mark.parametrize("average", ["micro", "macro"])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_torch_gradient_matches_finite_differences(beta, average):
    metric = FBeta(beta, average)
    # Groups with positive denominators, where F is smooth in the counts.
    tp = np.array([3.0, 1.0, 5.0, 0.5, 2.0])
    pp = np.array([4.0, 2.0, 9.0, 1.5, 2.0])
    pos = np.array([6.0, 1.0, 5.0, 3.0, 7.0])
    t_tp, t_pp, t_pos = (
        torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (tp, pp, pos)
    )
    value = metric.from_counts(t_tp, t_pp, t_pos, where=torch.where)
    value.backward()
    h = 1e-6
    for k, (arr, tensor) in enumerate(
        zip((tp, pp, pos), (t_tp, t_pp, t_pos), strict=True)
    ):
        numeric = np.empty_like(arr)
        for i in range(arr.size):
            up, down = arr.copy(), arr.copy()
            up[i] += h
            down[i] -= h
            args_up = [up if j == k else a for j, a in enumerate((tp, pp, pos))]
            args_down = [down if j == k else a for j, a in enumerate((tp, pp, pos))]
            numeric[i] = (
                metric.from_counts(*args_up) - metric.from_counts(*args_down)
            ) / (2 * h)
        assert_allclose(tensor.grad.numpy(), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("zero_division", ZERO_DIVISIONS)
def test_torch_gradient_finite_at_zero_denominator(zero_division):
    metric = FBeta(1.0, "macro", zero_division)
    tp, pp, pos = (torch.tensor(a, requires_grad=True) for a in _count_arrays())
    metric.from_counts(tp, pp, pos, where=torch.where).backward()
    for t in (tp, pp, pos):
        assert torch.isfinite(t.grad).all()
        # Groups with a zero denominator have a constant F.
        assert t.grad[2] == 0 and t.grad[5] == 0


# --- Property test ---------------------------------------------------------------


@st.composite
def indicator_pairs(draw):
    n_samples = draw(st.integers(1, 8))
    n_labels = draw(st.integers(1, 6))
    Y_true = draw(hnp.arrays(np.bool_, (n_samples, n_labels)))
    Y_pred = draw(hnp.arrays(np.bool_, (n_samples, n_labels)))
    return Y_true, Y_pred


@given(
    pair=indicator_pairs(),
    beta=st.one_of(st.sampled_from(BETAS), st.floats(0.0, 20.0)),
    average=st.sampled_from(AVERAGES),
    zero_division=st.sampled_from(ZERO_DIVISIONS),
)
def test_property_matches_sklearn(pair, beta, average, zero_division):
    Y_true, Y_pred = pair
    kwargs = dict(beta=beta, average=average, zero_division=zero_division)
    expected = sklearn_reference(Y_true.astype(int), Y_pred.astype(int), **kwargs)
    assert fbeta_score(Y_true, Y_pred, **kwargs) == pytest.approx(expected, **TOL)


def test_largest_beta_gives_the_recall_without_overflow():
    # At the bound, F-beta is the recall; beyond it, beta**2 overflowed.
    Y = np.array([[1, 0], [1, 1], [0, 1], [1, 0]])
    D = np.array([[1, 1], [0, 1], [0, 0], [1, 0]])
    recall = 3 / 5
    assert fbeta_score(Y, D, beta=1e100) == pytest.approx(recall, rel=1e-12)
