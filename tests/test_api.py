"""Tests of learn_thresholds and apply_thresholds.

What the surrogate learns is tested in tests/strategies/test_surrogate.py.
"""

import re

import numpy as np
import pytest
import torch
from _problems import metric_value, small_tagging_problem
from _strategies import fast_params
from numpy.testing import assert_array_equal

from skthresh import (
    DegenerateLabelWarning,
    apply_thresholds,
    learn_thresholds,
)
from skthresh.metrics import check_metric
from skthresh.strategies import (
    GlobalThreshold,
    SurrogateThreshold,
    available_strategies,
)
from skthresh.strategies._shared import best_shared_threshold

# learn_thresholds keywords: the surrogate by name, with the tests' small budget.
FAST = {"strategy": "surrogate", **fast_params("surrogate")}


@pytest.fixture(scope="module")
def small():
    """500 samples, 8 labels, float32 probabilities; every label has both classes."""
    return small_tagging_problem()


# --- Input types ------------------------------------------------------------


def _as_dtype(S, dtype):
    if dtype == "int":
        return np.round(S * 1000).astype(np.int64)
    return S.astype(dtype)


@pytest.mark.parametrize("params", [FAST, {"strategy": "global"}], ids=["sur", "glo"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, "int"])
def test_input_types_give_identical_thresholds(small, dtype, params):
    Y, S = small
    S = _as_dtype(S, dtype)
    expected = learn_thresholds(Y, S, **params)
    assert expected.dtype == np.float64 and expected.shape == (S.shape[1],)
    assert np.isfinite(expected).all()
    variants = {"list": S.tolist(), "tensor": torch.from_numpy(S.copy())}
    if dtype == "int":
        variants["int32"] = S.astype(np.int32)
        variants["float64"] = S.astype(np.float64)
    else:
        # The same values in a wider float type are the same scores.
        variants["float64"] = S.astype(np.float64)
        variants["requires_grad"] = torch.tensor(S, requires_grad=True)
    if dtype == np.float32:
        variants["fortran"] = np.asfortranarray(S)
    for name, scores in variants.items():
        got = learn_thresholds(Y, scores, **params)
        assert got.dtype == np.float64, name
        assert_array_equal(got, expected, err_msg=name)
    if dtype != np.float32:
        return
    for name, labels in {
        "Y list": Y.tolist(),
        "Y bool": Y.astype(bool),
        "Y tensor": torch.from_numpy(Y.copy()),
    }.items():
        assert_array_equal(learn_thresholds(labels, S, **params), expected, name)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_torch_tensors_match_numpy(small, dtype):
    Y, S = small
    t = torch.tensor(S, dtype=dtype)
    expected = learn_thresholds(Y, t.numpy(), **FAST)
    assert_array_equal(learn_thresholds(Y, t, **FAST), expected)
    assert_array_equal(
        learn_thresholds(Y, t.clone().requires_grad_(), **FAST), expected
    )


# --- apply_thresholds ------------------------------------------------------------


def test_apply_thresholds_tie_rule():
    S = np.array([[0.5, 0.2, -1.0], [0.6, 0.1, -1.5], [0.4, 0.3, -0.5]])
    theta = np.array([0.5, 0.2, -1.0])
    expected = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 1]])
    got = apply_thresholds(S, theta)
    assert got.dtype == np.int64
    assert_array_equal(got, expected)
    assert_array_equal(apply_thresholds(S.tolist(), theta.tolist()), expected)
    got_t = apply_thresholds(torch.tensor(S), theta)
    assert got_t.dtype == torch.int64
    assert_array_equal(got_t.numpy(), expected)


def test_apply_thresholds_tie_rule_float32_scores(small):
    # Thresholds equal to float32 scores: those scores are negative, for
    # numpy and torch alike.
    _, S = small
    theta = S[7].astype(np.float64)
    got = apply_thresholds(S, theta)
    assert (got[7] == 0).all()
    assert_array_equal(got, (S > theta).astype(np.int64))
    assert_array_equal(apply_thresholds(torch.from_numpy(S), theta).numpy(), got)


def test_apply_thresholds_scalar_broadcast(small):
    _, S = small
    expected = (S > 0.3).astype(np.int64)
    for theta in (0.3, np.float64(0.3), np.array(0.3), [0.3] * S.shape[1]):
        assert_array_equal(apply_thresholds(S, theta), expected)
        assert_array_equal(
            apply_thresholds(torch.from_numpy(S), theta).numpy(), expected
        )


def test_apply_thresholds_1d_scores():
    s = np.array([0.1, 0.5, 0.9, 0.5])
    for theta in (0.5, [0.5], np.array([0.5])):
        got = apply_thresholds(s, theta)
        assert got.shape == (4,) and got.dtype == np.int64
        assert_array_equal(got, [0, 0, 1, 0])
    assert_array_equal(apply_thresholds(s.tolist(), 0.5), [0, 0, 1, 0])
    got_t = apply_thresholds(torch.tensor(s), 0.5)
    assert got_t.shape == (4,) and got_t.dtype == torch.int64
    assert_array_equal(got_t.numpy(), [0, 0, 1, 0])


@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.float32, torch.float64, torch.int64]
)
def test_apply_thresholds_torch_in_torch_out(small, dtype):
    _, S = small
    t = torch.tensor(np.round(S * 100) if dtype == torch.int64 else S).to(dtype)
    theta = np.linspace(0.2, 40 if dtype == torch.int64 else 0.6, S.shape[1])
    got = apply_thresholds(t, theta)
    assert isinstance(got, torch.Tensor)
    assert got.dtype == torch.int64
    assert got.device == t.device
    assert got.shape == t.shape
    assert_array_equal(got.numpy(), apply_thresholds(t.numpy(), theta))
    if dtype.is_floating_point:
        got = apply_thresholds(t.clone().requires_grad_(), theta)
        assert not got.requires_grad
        assert_array_equal(got.numpy(), apply_thresholds(t.numpy(), theta))


def test_apply_thresholds_wrong_threshold_count(small):
    _, S = small
    with pytest.raises(ValueError, match=r"thresholds must be a scalar or an array"):
        apply_thresholds(S, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"shape \(8,\).*got shape \(2,\)"):
        apply_thresholds(torch.from_numpy(S), [0.5, 0.5])


def test_learned_thresholds_apply(small):
    Y, S = small
    theta = learn_thresholds(Y, S, **FAST)
    assert_array_equal(apply_thresholds(S, theta), (S > theta).astype(np.int64))


# --- Strategies by name and by object; parameters ------------------------------


def test_strategy_by_name_and_by_object(small):
    Y, S = small
    assert_array_equal(
        learn_thresholds(Y, S, strategy="global"), GlobalThreshold().optimize(Y, S)
    )
    by_name = learn_thresholds(Y, S, strategy="surrogate", max_iter=7)
    obj = SurrogateThreshold(max_iter=7)
    by_object = learn_thresholds(Y, S, strategy=obj)
    assert_array_equal(by_name, by_object)
    # The object was used, not a copy: its fitted attributes are readable.
    assert obj.n_iter_ == 7
    assert len(obj.history_["objective"]) == 8
    assert obj.objective_ == pytest.approx(metric_value(Y, S, by_object), abs=1e-9)


def test_params_forwarded(small):
    Y, S = small
    obj = SurrogateThreshold()
    theta = learn_thresholds(Y, S, strategy=obj, max_iter=4, slope=80.0)
    assert obj.max_iter == 4 and obj.slope == 80.0
    assert obj.n_iter_ == 4
    assert_array_equal(theta, SurrogateThreshold(max_iter=4, slope=80.0).optimize(Y, S))
    assert_array_equal(
        learn_thresholds(Y, S, strategy="surrogate", max_iter=4, slope=80.0), theta
    )
    assert_array_equal(
        learn_thresholds(Y, S, strategy="default", threshold=0.25), np.full(8, 0.25)
    )


def test_unknown_param_is_named(small):
    Y, S = small
    with pytest.raises(ValueError, match=r"learning_rat\b.*SurrogateThreshold"):
        learn_thresholds(Y, S, strategy="surrogate", learning_rat=0.1)
    with pytest.raises(ValueError, match=r"slope"):
        learn_thresholds(Y, S, strategy="global", slope=10)
    with pytest.raises(ValueError, match=r"learning_rat\b"):
        learn_thresholds(Y, S, strategy=SurrogateThreshold(), learning_rat=0.1)


def test_unknown_strategy_lists_available(small):
    Y, S = small
    names = available_strategies()
    assert {"default", "global", "surrogate"} <= set(names)
    with pytest.raises(
        ValueError, match=r"Unknown strategy 'sgl'.*" + re.escape(str(names))
    ):
        learn_thresholds(Y, S, strategy="sgl")
    for bad in (GlobalThreshold, 3, None):
        with pytest.raises(ValueError, match=re.escape(str(names))):
            learn_thresholds(Y, S, strategy=bad)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples", "f2_micro"])
@pytest.mark.parametrize("strategy", ["default", "global", "surrogate"])
def test_result_is_float64_per_label(small, strategy, metric):
    Y, S = small
    params = {"max_iter": 10} if strategy == "surrogate" else {}
    theta = learn_thresholds(Y, S, strategy=strategy, metric=metric, **params)
    assert isinstance(theta, np.ndarray)
    assert theta.dtype == np.float64
    assert theta.shape == (S.shape[1],)
    assert np.isfinite(theta).all()


# --- Degenerate labels ------------------------------------------------------------


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro"])
@pytest.mark.parametrize(
    "strategy",
    [
        "global",
        SurrogateThreshold(max_iter=20),
        SurrogateThreshold(max_iter=20, mode="dense"),
    ],
    ids=["global", "surrogate", "surrogate-dense"],
)
def test_degenerate_labels_get_shared_threshold(small, strategy, metric):
    # No positive: the shared threshold. No negative: every sample positive,
    # as in the tuning data (a shared strategy gives it the shared one).
    Y, S = small
    Y = Y.copy()
    Y[:, 2] = 0  # no positive
    Y[:, 5] = 1  # no negative
    shared, _ = best_shared_threshold(Y.astype(bool), S, check_metric(metric))
    per_label = strategy != "global"
    match = r"indices 2\b.*indices 5\b" if per_label else r"label indices 2, 5"
    with pytest.warns(DegenerateLabelWarning, match=match) as record:
        theta = learn_thresholds(Y, S, strategy=strategy, metric=metric)
    assert len(record) == 1
    assert f"{shared:.6g}" in str(record[0].message)
    assert np.isfinite(theta).all()
    assert theta[2] == shared
    if per_label:
        assert theta[5] < 0.0 <= S.min()  # below every probability
        assert "every sample is positive" in str(record[0].message)
    else:
        assert theta[5] == shared


def test_degenerate_labels_with_constant_scores():
    # A label with no positive and one score value: still finite thresholds.
    Y = np.array([[0, 1], [0, 0], [0, 1], [0, 0]])
    S = np.array([[0.5, 0.9], [0.5, 0.2], [0.5, 0.7], [0.5, 0.4]])
    for strategy in ("global", "surrogate"):
        with pytest.warns(DegenerateLabelWarning, match=r"label indices 0\b"):
            theta = learn_thresholds(Y, S, strategy=strategy)
        assert np.isfinite(theta).all()
        shared, _ = best_shared_threshold(Y.astype(bool), S, check_metric("f1_micro"))
        assert theta[0] == shared


def test_default_strategy_does_not_warn_on_degenerate_labels(small):
    Y, S = small
    Y = Y.copy()
    Y[:, 2] = 0
    # pytest turns warnings into errors: a DegenerateLabelWarning would fail.
    assert_array_equal(learn_thresholds(Y, S, strategy="default"), np.full(8, 0.5))
