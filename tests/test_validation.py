"""Every bad input gets a clear error; every good one is accepted."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from _problems import learn_surrogate, tiny_probability_problem
from numpy.testing import assert_array_equal

from skthresh import apply_thresholds, learn_thresholds
from skthresh._validation import check_tuning_data
from skthresh.strategies import DefaultThreshold, get_strategy

N, L = 40, 3


@pytest.fixture
def data():
    """40 samples, 3 labels; every label has both classes."""
    return tiny_probability_problem(N, L)


_learn = learn_surrogate


def _apply(Y, S):
    return apply_thresholds(S, 0.5)


def _check(Y, S):
    return check_tuning_data(Y, S)


ENTRY_POINTS = {"learn_thresholds": _learn, "apply_thresholds": _apply}
ENTRY_POINTS["check_tuning_data"] = _check
WITH_Y = {"learn_thresholds": _learn, "check_tuning_data": _check}


# --- Non-finite scores ------------------------------------------------------------

AT_2_1 = r" value\(s\), the first at row 2, label 1"


@pytest.mark.parametrize("as_tensor", [False, True], ids=["numpy", "torch"])
@pytest.mark.parametrize(
    "value, match",
    [
        (np.nan, r"found 1 NaN and 0 infinite" + AT_2_1),
        (np.inf, r"found 0 NaN and 1 infinite" + AT_2_1),
        (-np.inf, r"found 0 NaN and 1 infinite" + AT_2_1),
    ],
    ids=["nan", "inf", "-inf"],
)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_non_finite_scores(data, entry, value, match, as_tensor):
    Y, S = data
    S = S.copy()
    S[2, 1] = value
    scores = torch.from_numpy(S) if as_tensor else S
    with pytest.raises(ValueError, match=r"scores must be finite; " + match):
        ENTRY_POINTS[entry](Y, scores)


def test_non_finite_scores_counts_and_first_location(data):
    Y, S = data
    S = S.copy()
    S[5, 2] = np.nan
    S[7, 0] = np.nan
    S[9, 1] = np.inf
    match = r"2 NaN and 1 infinite value\(s\), the first at row 5, label 2"
    with pytest.raises(ValueError, match=match):
        check_tuning_data(Y, S)


# --- Label values -----------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, shown",
    [
        (2, r"\[2(\.0)?\]"),
        (-1, r"\[-1(\.0)?\]"),
        (0.5, r"\[0.5\]"),
        (np.nan, r"\[nan\]"),
    ],
)
@pytest.mark.parametrize("entry", list(WITH_Y))
def test_labels_other_than_0_1(data, entry, bad, shown):
    Y, S = data
    Y = Y.astype(np.float64)
    Y[3, 2] = bad
    with pytest.raises(ValueError, match=r"Y must contain only 0 and 1; .*" + shown):
        WITH_Y[entry](Y, S)


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_labels_minus_one_one(data, entry):
    Y, S = data
    with pytest.raises(ValueError, match=r"only 0 and 1.*\[-1\]"):
        WITH_Y[entry](2 * Y - 1, S)


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_string_labels(data, entry):
    _, S = data
    Y = np.array([["rock", "jazz", "pop"]] * N)
    with pytest.raises(ValueError, match=r"MultiLabelBinarizer"):
        WITH_Y[entry](Y, S)


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_label_sets_as_lists_of_strings(data, entry):
    # What MultiLabelBinarizer takes: one list of labels per sample.
    _, S = data
    Y = [["rock"], ["rock", "jazz"], [], ["pop"]] * (N // 4)
    with pytest.raises(ValueError, match=r"MultiLabelBinarizer"):
        WITH_Y[entry](Y, S)


# --- Accepted forms ------------------------------------------------------------------


@pytest.fixture
def torch_warn_always():
    """Make torch repeat its once-per-process warnings.

    torch warns about converting a non-writable numpy array only the first
    time; without this, whether a test sees that warning depends on which
    tests ran before it.
    """
    previous = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    yield
    torch.set_warn_always(previous)


def _forms(Y, S):
    df_S = pd.DataFrame(S, columns=["a", "b", "c"])
    return {
        "bool": (Y.astype(bool), S),
        "csr_matrix": (sp.csr_matrix(Y), S),
        "csr_array": (sp.csr_array(Y), S),
        "csc_matrix": (sp.csc_matrix(Y), S),
        "lists": (Y.tolist(), S.tolist()),
        "DataFrame": (pd.DataFrame(Y, columns=["a", "b", "c"]), df_S),
        "DataFrame bool": (pd.DataFrame(Y.astype(bool)), df_S),
        "float32 Y": (Y.astype(np.float32), S),
        "uint8 Y": (Y.astype(np.uint8), S),
    }


@pytest.mark.parametrize(
    "form",
    [
        "bool",
        "csr_matrix",
        "csr_array",
        "csc_matrix",
        "lists",
        "DataFrame",
        "DataFrame bool",
        "float32 Y",
        "uint8 Y",
    ],
)
def test_accepted_forms(data, form, torch_warn_always):
    Y, S = data
    Y_form, S_form = _forms(Y, S)[form]
    Y_checked, S_checked = check_tuning_data(Y_form, S_form)
    assert Y_checked.dtype == bool and Y_checked.shape == (N, L)
    assert_array_equal(Y_checked, Y.astype(bool))
    assert S_checked.dtype == np.float64
    assert_array_equal(S_checked, S)
    expected = _learn(Y, S)
    assert_array_equal(_learn(Y_form, S_form), expected)
    assert_array_equal(
        learn_thresholds(Y_form, S_form, strategy="global"),
        learn_thresholds(Y, S, strategy="global"),
    )


@pytest.mark.parametrize("mode", ["sorted", "dense"])
@pytest.mark.parametrize("layout", ["C float32", "F float64", "C bool Y", "F bool Y"])
def test_read_only_inputs(data, torch_warn_always, mode, layout):
    # pandas >= 3 (copy-on-write) hands out read-only arrays, and so does
    # np.load(..., mmap_mode="r"). They are valid input and must not make
    # torch warn (pytest turns the warning into an error).
    Y, S = data
    if "Y" in layout:
        S = S.astype(np.float32)
        Y = np.asarray(Y, dtype=bool, order=layout[0])
    else:
        S = np.asarray(S, dtype=layout.split()[1], order=layout[0])
    expected = _learn(Y, S, mode=mode)
    (Y if "Y" in layout else S).setflags(write=False)
    assert_array_equal(_learn(Y, S, mode=mode), expected)


def test_apply_thresholds_accepts_dataframe_and_lists(data):
    _, S = data
    expected = (S > 0.5).astype(np.int64)
    assert_array_equal(apply_thresholds(pd.DataFrame(S), 0.5), expected)
    assert_array_equal(apply_thresholds(S.tolist(), [0.5] * L), expected)
    assert_array_equal(apply_thresholds(S, pd.Series([0.5] * L)), expected)


def test_one_dimensional_binary_target(data):
    Y, S = data
    y, s = Y[:, 0], S[:, 0]
    for strategy in ("default", "global", "surrogate"):
        theta = learn_thresholds(y, s, strategy=strategy)
        assert theta.shape == (1,) and theta.dtype == np.float64
        assert np.isfinite(theta).all()
        two_d = learn_thresholds(Y[:, :1], S[:, :1], strategy=strategy)
        assert_array_equal(theta, two_d)
        other = learn_thresholds(y.astype(bool), s.tolist(), strategy=strategy)
        assert_array_equal(other, theta)
    Y1, S1 = check_tuning_data(y, s)
    assert Y1.shape == S1.shape == (N, 1)


def test_single_label(data):
    Y, S = data
    theta = _learn(Y[:, [1]], S[:, [1]])
    assert theta.shape == (1,)
    assert apply_thresholds(S[:, [1]], theta).shape == (N, 1)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_zero_labels(entry):
    match = r"at least one sample and one label; got shape \(5, 0\)"
    with pytest.raises(ValueError, match=match):
        ENTRY_POINTS[entry](np.zeros((5, 0)), np.zeros((5, 0)))


@pytest.mark.parametrize(
    "Y, S, shape",
    [
        (np.zeros((0, 3)), np.zeros((0, 3)), r"\(0, 3\)"),
        ([], [], r"\(0, 1\)"),
        (np.zeros(0), np.zeros(0), r"\(0, 1\)"),
    ],
    ids=["0x3", "lists", "1-D"],
)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_empty_arrays(entry, Y, S, shape):
    match = r"at least one sample and one label; got shape " + shape
    with pytest.raises(ValueError, match=match):
        ENTRY_POINTS[entry](Y, S)


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_empty_labels_with_scores(entry, data):
    _, S = data
    with pytest.raises(ValueError, match=r"Y must have at least one sample"):
        WITH_Y[entry](np.zeros((0, L)), S)


# --- Shapes -----------------------------------------------------------------------


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_mismatched_samples(data, entry):
    Y, S = data
    with pytest.raises(
        ValueError,
        match=r"Y with shape \(40, 3\) and scores with shape \(39, 3\)",
    ):
        WITH_Y[entry](Y, S[:-1])
    with pytest.raises(
        ValueError,
        match=r"Y with shape \(40, 3\) and scores with shape \(40, 2\)",
    ):
        WITH_Y[entry](Y, S[:, :2])


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_transposed_scores(data, entry):
    Y, S = data
    with pytest.raises(ValueError, match=r"transposed.*scores\.T"):
        WITH_Y[entry](Y, S.T)
    with pytest.raises(ValueError, match=r"transposed"):
        WITH_Y[entry](Y, torch.from_numpy(S.T.copy()))


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_3d_scores(data, entry):
    Y, S = data
    match = r"scores must be a 2-D .*3-D array with shape \(40, 3, 2\)"
    with pytest.raises(ValueError, match=match):
        ENTRY_POINTS[entry](Y, np.stack([S, S], axis=-1))


@pytest.mark.parametrize("entry", list(WITH_Y))
def test_3d_labels(data, entry):
    Y, S = data
    with pytest.raises(ValueError, match=r"Y must be a 2-D indicator matrix.*3-D"):
        WITH_Y[entry](Y[:, :, None], S)


@pytest.mark.parametrize(
    "thresholds", [0.5, [0.5, 0.5, 0.5]], ids=["scalar", "per-label"]
)
def test_3d_tensor_scores_in_apply_thresholds(data, thresholds):
    _, S = data
    t = torch.from_numpy(np.stack([S, S], axis=-1))
    with pytest.raises(ValueError, match=r"scores must be a 1-D or 2-D tensor"):
        apply_thresholds(t, thresholds)


# --- Non-numeric scores -------------------------------------------------------------


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_string_scores(data, entry):
    Y, S = data
    match = r"scores must be numeric; got an array of dtype "
    with pytest.raises(ValueError, match=match + "<U"):
        ENTRY_POINTS[entry](Y, S.astype(str))
    with pytest.raises(ValueError, match=match + "object"):
        ENTRY_POINTS[entry](Y, S.astype(object))


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_complex_scores(data, entry):
    Y, S = data
    with pytest.raises(ValueError, match=r"scores must be real; got complex values"):
        ENTRY_POINTS[entry](Y, S + 0j)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_ragged_scores(data, entry):
    Y, S = data
    ragged = S.tolist()
    ragged[3] = ragged[3][:2]
    with pytest.raises(ValueError, match=r"scores could not be converted to an array"):
        ENTRY_POINTS[entry](Y, ragged)


@pytest.mark.parametrize("bad", ["high", None, [[0.5, 0.5, 0.5]]])
def test_apply_thresholds_bad_thresholds(data, bad):
    _, S = data
    with pytest.raises(ValueError, match=r"thresholds must be"):
        apply_thresholds(S, bad)


def test_apply_thresholds_non_finite_thresholds(data):
    _, S = data
    with pytest.raises(ValueError, match=r"thresholds must be finite; got \[inf\]"):
        apply_thresholds(S, [0.5, np.inf, 0.5])


# --- DefaultThreshold parameters ----------------------------------------------------


def _rejected(name, value, owner="(SurrogateThreshold|learn_thresholds)"):
    """scikit-learn's message for a parameter value its constraints exclude."""
    return (
        rf"The '{name}' parameter of {owner} must be .*\. "
        rf"Got {re.escape(repr(value))} instead\."
    )


PER_LABEL = r" must be a scalar or an array of shape \(3,\), one per label; got "


@pytest.mark.parametrize(
    "threshold, match",
    [
        (
            "high",
            _rejected("threshold", "high", owner="(DefaultThreshold|learn_thresholds)"),
        ),
        (np.nan, r"threshold must be finite; got nan"),
        (np.inf, r"threshold must be finite; got inf"),
        ([0.5, 0.5], "threshold" + PER_LABEL + r"shape \(2,\)"),
        ([0.5, np.nan, 0.5], r"threshold must be finite"),
    ],
)
def test_default_threshold_bad_threshold(data, threshold, match):
    Y, S = data
    with pytest.raises(ValueError, match=match):
        DefaultThreshold(threshold).optimize(Y, S)
    with pytest.raises(ValueError, match=match):
        learn_thresholds(Y, S, strategy="default", threshold=threshold)


# --- Score types --------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.float16, np.float32, np.float64, np.int64, np.int32, np.uint8, bool]
)
@pytest.mark.parametrize("strategy", ["default", "global", "surrogate"])
def test_score_dtypes_give_valid_thresholds(data, strategy, dtype):
    Y, S = data
    if np.dtype(dtype).kind in "iu":
        S = np.round(S * 100).astype(dtype)
    elif dtype is bool:
        S = S > 0.5
    else:
        S = S.astype(dtype)
    params = {"max_iter": 10} if strategy == "surrogate" else {}
    theta = learn_thresholds(Y, S, strategy=strategy, **params)
    assert theta.dtype == np.float64 and theta.shape == (L,)
    assert np.isfinite(theta).all()
    decisions = apply_thresholds(S, theta)
    assert decisions.dtype == np.int64 and decisions.shape == (N, L)
    _, S_checked = check_tuning_data(Y, S)
    expected_dtype = np.float32 if dtype in (np.float16, np.float32) else np.float64
    assert S_checked.dtype == expected_dtype


@pytest.mark.parametrize(
    "name, params, match",
    [
        # Each overflowed float32 in torch, or ran out of memory, before.
        ("surrogate", {"slope": 1e39}, _rejected("slope", 1e39)),
        ("surrogate", {"slope": 1e300}, _rejected("slope", 1e300)),
        ("surrogate", {"scale": 1e300}, _rejected("scale", 1e300)),
        (
            "grid",
            {"n_points": 100_000_000_000},
            _rejected("n_points", 100_000_000_000, owner="GridSearch"),
        ),
        (
            "heuristic",
            {"n_steps": 10**9},
            _rejected("n_steps", 10**9, owner="HeuristicSearch"),
        ),
        (
            "heuristic",
            {"n_restarts": 10**6, "n_steps": 10**6},
            r"n_restarts \* n_steps must be at most 1e8 evaluations",
        ),
    ],
)
def test_extreme_parameters_are_refused_by_name(data, name, params, match):
    Y, S = data
    with pytest.raises(ValueError, match=match):
        get_strategy(name, **params).optimize(Y, S)


def test_largest_allowed_surrogate_slope_gives_finite_thresholds(data):
    Y, S = data
    theta = get_strategy("surrogate", slope=1e6, max_iter=5).optimize(Y, S)
    assert np.isfinite(theta).all()


@pytest.mark.parametrize("name", ["surrogate", "numerical", "heuristic"])
def test_init_outside_the_scores_warns_and_names_the_labels(data, name):
    Y, S = data  # probabilities
    params = {"max_iter": 3} if name != "heuristic" else {"n_restarts": 1}
    init = np.array([5.0, 0.5, -1.0])
    with pytest.warns(
        UserWarning, match=r"init puts 2 of 3 label\(s\) \(indices 0, 2\)"
    ):
        get_strategy(name, init=init, **params).optimize(Y, S)


@pytest.mark.parametrize("name", ["surrogate", "numerical", "heuristic", "grid"])
def test_init_within_the_scores_or_a_full_scan_does_not_warn(data, name):
    Y, S = data
    params = {"max_iter": 3} if name in ("surrogate", "numerical") else {}
    inside = (S.min(axis=0) + S.max(axis=0)) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get_strategy(name, init=inside, **params).optimize(Y, S)
        if name == "grid":  # scans each label's whole range: no warning
            get_strategy(name, init=5.0).optimize(Y, S)


# --- Input types that scikit-learn converts, and the ones it refuses -------------


_YT = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
_ST = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.5], [0.3, 0.1]])


@pytest.mark.parametrize("dtype", ["Float64", "Float32"])
def test_pandas_nullable_scores_are_numbers(dtype):
    import pandas as pd

    expected = learn_thresholds(_YT, _ST, strategy="global")
    frame = pd.DataFrame(_ST).astype(dtype)
    np.testing.assert_array_equal(
        learn_thresholds(_YT, frame, strategy="global"),
        learn_thresholds(_YT, frame.to_numpy(dtype=float), strategy="global"),
    )
    if dtype == "Float64":
        np.testing.assert_array_equal(
            learn_thresholds(_YT, frame, strategy="global"), expected
        )


@pytest.mark.parametrize("dtype", ["Int64", "boolean"])
def test_pandas_nullable_labels_are_indicators(dtype):
    import pandas as pd

    labels = pd.DataFrame(_YT.astype(bool) if dtype == "boolean" else _YT)
    np.testing.assert_array_equal(
        learn_thresholds(labels.astype(dtype), _ST, strategy="global"),
        learn_thresholds(_YT, _ST, strategy="global"),
    )


def test_pandas_missing_values_are_named():
    import pandas as pd

    scores = pd.DataFrame(_ST).astype("Float64").mask(pd.DataFrame(_ST) > 0.8)
    with pytest.raises(ValueError, match=r"scores must be finite; found 1 NaN"):
        learn_thresholds(_YT, scores, strategy="global")
    labels = pd.DataFrame(_YT).astype("Int64").mask(pd.DataFrame(_YT) == 1)
    with pytest.raises(
        ValueError, match=r"4 missing value\(s\) \(NaN or pd.NA\), the first at row 0"
    ):
        learn_thresholds(labels, _ST, strategy="global")


def test_bfloat16_tensors_are_learned_from_like_float32():
    scores = torch.tensor(_ST, dtype=torch.bfloat16)
    np.testing.assert_array_equal(
        learn_thresholds(_YT, scores, strategy="global"),
        learn_thresholds(_YT, scores.float(), strategy="global"),
    )


def test_meta_tensors_are_refused_with_a_message():
    with pytest.raises(ValueError, match=r"a tensor on the 'meta' device holds no"):
        learn_thresholds(_YT, torch.empty((4, 2), device="meta"), strategy="global")


def test_masked_arrays_are_refused_not_unmasked():
    masked = np.ma.masked_greater(_ST, 0.8)
    with pytest.raises(ValueError, match=r"masked array with 1 masked value\(s\)"):
        learn_thresholds(_YT, masked, strategy="global")
    with pytest.raises(ValueError, match=r"masked array with 1 masked value\(s\)"):
        apply_thresholds(masked, 0.5)
    unmasked = np.ma.masked_array(_ST)  # nothing masked: the data as they are
    np.testing.assert_array_equal(
        learn_thresholds(_YT, unmasked, strategy="global"),
        learn_thresholds(_YT, _ST, strategy="global"),
    )


def test_empty_sparse_input_says_what_is_empty():
    import scipy.sparse as sp

    with pytest.raises(
        ValueError, match=r"at least one sample and one label; got shape \(0, 2\)"
    ):
        learn_thresholds(
            sp.csr_matrix((0, 2)), sp.csr_matrix((0, 2)), strategy="global"
        )
