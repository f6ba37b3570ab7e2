"""multilabel_report against scikit-learn's precision, recall and F1."""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from _problems import random_indicator_case
from sklearn.metrics import f1_score as sk_f1_score
from sklearn.metrics import precision_recall_fscore_support

from skthresh.metrics import f1_score, multilabel_report

AVERAGES = ("micro", "macro", "samples")
RATES = ("precision", "recall", "f1")
TOL = {"rel": 0, "abs": 1e-12}
SHAPES = [(1, 2), (8, 2), (5, 3), (20, 4), (40, 10), (3, 30)]


def random_case(seed):
    """Random indicator matrices of one of ``SHAPES``."""
    return random_indicator_case(seed, SHAPES)


def special_cases():
    rng = np.random.default_rng(7)
    R = (rng.random((12, 5)) < 0.4).astype(np.int64)
    zeros, ones = np.zeros_like(R), np.ones_like(R)
    return {
        "all-zero": (zeros, zeros),
        "true-all-zero": (zeros, R),
        "pred-all-zero": (R, zeros),
        "all-one": (ones, ones),
        "perfect": (R, R),
        "complement": (R, 1 - R),
        "single-sample": (R[:1], R[1:2]),
    }


CASES = {
    **{f"seed{seed}": random_case(seed) for seed in range(24)},
    **special_cases(),
}


@pytest.mark.parametrize("zero_division", [0.0, 1.0])
@pytest.mark.parametrize("case", list(CASES))
def test_report_matches_sklearn(case, zero_division):
    Y_true, Y_pred = CASES[case]
    report = multilabel_report(Y_true, Y_pred, zero_division=zero_division)
    assert list(report) == ["micro", "macro", "samples", "per_label"]

    per_label = precision_recall_fscore_support(
        Y_true, Y_pred, average=None, zero_division=zero_division
    )
    for name, expected in zip(RATES, per_label[:3], strict=True):
        got = report["per_label"][name]
        assert got.dtype == np.float64
        assert got.tolist() == pytest.approx(expected.tolist(), **TOL), name
    assert report["per_label"]["support"].tolist() == per_label[3].tolist()
    assert report["per_label"]["predicted"].tolist() == Y_pred.sum(axis=0).tolist()
    assert report["per_label"]["support"].dtype == np.int64

    for average in AVERAGES:
        expected = precision_recall_fscore_support(
            Y_true, Y_pred, average=average, zero_division=zero_division
        )
        assert set(report[average]) == set(RATES)
        for name, value in zip(RATES, expected[:3], strict=True):
            got = report[average][name]
            assert type(got) is float
            assert got == pytest.approx(value, **TOL), (average, name)
        f1 = sk_f1_score(Y_true, Y_pred, average=average, zero_division=zero_division)
        assert report[average]["f1"] == pytest.approx(f1, **TOL)
        ours = f1_score(Y_true, Y_pred, average=average, zero_division=zero_division)
        assert report[average]["f1"] == pytest.approx(ours, **TOL)


def test_sparse_and_boolean_inputs_give_the_same_report():
    Y_true, Y_pred = random_case(4)
    dense = multilabel_report(Y_true, Y_pred)
    for Y_t, Y_p in [
        (sp.csr_matrix(Y_true), sp.csr_matrix(Y_pred)),
        (Y_true.astype(bool), Y_pred.astype(bool)),
    ]:
        other = multilabel_report(Y_t, Y_p)
        for average in AVERAGES:
            assert other[average] == dense[average]
        for name, values in dense["per_label"].items():
            assert other["per_label"][name].tolist() == values.tolist(), name


@pytest.mark.parametrize("zero_division", [0.5, True, "warn", None])
def test_bad_zero_division_is_named(zero_division):
    match = re.escape(
        f"zero_division must be 0.0 or 1.0; got zero_division={zero_division!r}"
    )
    with pytest.raises(ValueError, match=match):
        multilabel_report([[1, 0]], [[1, 1]], zero_division=zero_division)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_empty_input_is_an_error(shape):
    Y = np.zeros(shape, dtype=np.int64)
    with pytest.raises(ValueError, match=re.escape(f"got shape {shape}")):
        multilabel_report(Y, Y)


def test_mismatched_shapes_are_an_error():
    with pytest.raises(ValueError, match="same shape"):
        multilabel_report([[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0]])
