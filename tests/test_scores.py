"""Tests of score extraction from every family of scikit-learn classifiers."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from skthresh._scores import resolve_response_method, score_matrix

N_LABELS = 4


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=100, n_features=10, n_classes=N_LABELS, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    assert (Y.sum(axis=0) > 0).all() and (Y.sum(axis=0) < len(Y)).all()
    return X, Y


@pytest.fixture(scope="module")
def fitted(data):
    """Estimators fitted on ``data``, once per name for the whole module."""
    X, Y = data
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = ALL[name]().fit(X, Y)
        return cache[name]

    return get


def _mlp():
    # lbfgs converges on this small problem well before max_iter: no
    # ConvergenceWarning.
    return MLPClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=2000, random_state=0
    )


# Estimators whose predict_proba is one (n_samples, n_labels) array.
ARRAY_PROBA = {
    "MLPClassifier": _mlp,
    "OneVsRest(LogisticRegression)": lambda: OneVsRestClassifier(LogisticRegression()),
    "ClassifierChain(LogisticRegression)": lambda: ClassifierChain(
        LogisticRegression(), random_state=0
    ),
}
# Estimators whose predict_proba is a list of (n_samples, n_classes_j) arrays.
LIST_PROBA = {
    "RandomForestClassifier": lambda: RandomForestClassifier(
        n_estimators=5, random_state=0
    ),
    "ExtraTreesClassifier": lambda: ExtraTreesClassifier(
        n_estimators=5, random_state=0
    ),
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(random_state=0),
    "KNeighborsClassifier": lambda: KNeighborsClassifier(n_neighbors=5),
    "MultiOutput(LogisticRegression)": lambda: MultiOutputClassifier(
        LogisticRegression()
    ),
}
# Families that accept a label constant in training (LogisticRegression,
# and so every family wrapping it, refuses one-class targets).
CONSTANT_OK = {
    "RandomForestClassifier": LIST_PROBA["RandomForestClassifier"],
    "ExtraTreesClassifier": LIST_PROBA["ExtraTreesClassifier"],
    "DecisionTreeClassifier": LIST_PROBA["DecisionTreeClassifier"],
    "KNeighborsClassifier": LIST_PROBA["KNeighborsClassifier"],
    "MultiOutput(DecisionTreeClassifier)": lambda: MultiOutputClassifier(
        DecisionTreeClassifier(random_state=0)
    ),
    "MultiOutput(KNeighborsClassifier)": lambda: MultiOutputClassifier(
        KNeighborsClassifier(n_neighbors=5)
    ),
}
ALL = {**ARRAY_PROBA, **LIST_PROBA, "RidgeClassifierCV": RidgeClassifierCV}
DECISION = [
    "OneVsRest(LogisticRegression)",
    "ClassifierChain(LogisticRegression)",
    "RidgeClassifierCV",
]


def _check_scores(S, n_samples, n_labels=N_LABELS):
    assert isinstance(S, np.ndarray)
    assert S.dtype == np.float64
    assert S.shape == (n_samples, n_labels)
    assert np.isfinite(S).all()


@pytest.mark.parametrize("name", list(ARRAY_PROBA))
def test_array_predict_proba(name, data, fitted):
    X, _ = data
    est = fitted(name)
    assert resolve_response_method(est, "auto") == "predict_proba"
    S = score_matrix(est, X, method="predict_proba", n_labels=N_LABELS, binary=False)
    _check_scores(S, len(X))
    assert_array_equal(S, est.predict_proba(X))


@pytest.mark.parametrize("name", list(LIST_PROBA))
def test_list_predict_proba(name, data, fitted):
    X, _ = data
    est = fitted(name)
    assert resolve_response_method(est, "auto") == "predict_proba"
    S = score_matrix(est, X, method="predict_proba", n_labels=N_LABELS, binary=False)
    _check_scores(S, len(X))
    proba = est.predict_proba(X)
    assert isinstance(proba, list)
    for j in range(N_LABELS):
        assert_array_equal(est.classes_[j], [0, 1])
        assert_array_equal(S[:, j], proba[j][:, 1])


@pytest.mark.parametrize("name", list(CONSTANT_OK))
def test_label_constant_in_training(name, data):
    X, Y = data
    Y = Y.copy()
    Y[:, 0] = 0  # constant 0
    Y[:, 2] = 1  # constant 1
    est = CONSTANT_OK[name]().fit(X, Y)
    proba = est.predict_proba(X)
    # The premise: the estimator knows one class for those labels.
    assert [p.shape[1] for p in proba] == [1, 2, 1, 2]
    S = score_matrix(est, X, method="predict_proba", n_labels=N_LABELS, binary=False)
    _check_scores(S, len(X))
    assert (S[:, 0] == 0.0).all()
    assert (S[:, 2] == 1.0).all()
    assert_array_equal(S[:, 1], proba[1][:, 1])
    assert_array_equal(S[:, 3], proba[3][:, 1])


def test_constant_label_with_boolean_and_float_targets(data):
    X, Y = data
    Y = Y.copy()
    Y[:, 0] = 0
    Y[:, 2] = 1
    for target in (Y.astype(bool), Y.astype(np.float64)):
        est = DecisionTreeClassifier(random_state=0).fit(X, target)
        S = score_matrix(
            est, X, method="predict_proba", n_labels=N_LABELS, binary=False
        )
        assert (S[:, 0] == 0.0).all() and (S[:, 2] == 1.0).all()
        assert_array_equal(S[:, 1], est.predict_proba(X)[1][:, 1])


@pytest.mark.parametrize("name", DECISION)
def test_multilabel_decision_function(name, data, fitted):
    X, _ = data
    est = fitted(name)
    S = score_matrix(
        est, X, method="decision_function", n_labels=N_LABELS, binary=False
    )
    _check_scores(S, len(X))
    assert_array_equal(S, est.decision_function(X))
    assert resolve_response_method(est, "decision_function") == "decision_function"


def test_ridge_classifier_has_decision_function_only(fitted):
    est = fitted("RidgeClassifierCV")
    assert resolve_response_method(est, "auto") == "decision_function"
    with pytest.raises(ValueError, match="RidgeClassifierCV has no predict_proba"):
        resolve_response_method(est, "predict_proba")


def test_svc_without_probability_falls_back_to_decision_function():
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    est = SVC().fit(X, y)
    assert resolve_response_method(est, "auto") == "decision_function"
    with pytest.raises(ValueError, match="SVC has no predict_proba method"):
        resolve_response_method(est, "predict_proba")


@pytest.fixture(scope="module")
def binary_data():
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    return X, y


@pytest.mark.parametrize(
    "classes",
    [(0, 1), (-1, 1), ("no", "yes"), (False, True)],
    ids=["0-1", "minus1-1", "strings", "bool"],
)
def test_binary_targets(classes, binary_data):
    X, y01 = binary_data
    y = np.asarray(classes)[y01]
    for est in (
        LogisticRegression().fit(X, y),
        RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y),
    ):
        assert list(est.classes_) == list(classes)
        proba = est.predict_proba(X)
        S = score_matrix(est, X, method="predict_proba", n_labels=1, binary=True)
        _check_scores(S, len(X), 1)
        # The positive class is classes_[1].
        assert_array_equal(S[:, 0], proba[:, 1])
    est = LogisticRegression().fit(X, y)
    S = score_matrix(est, X, method="decision_function", n_labels=1, binary=True)
    _check_scores(S, len(X), 1)
    assert_array_equal(S[:, 0], est.decision_function(X))


@pytest.mark.parametrize("value", [0, 1])
def test_binary_target_constant_in_training(value, binary_data):
    X, _ = binary_data
    y = np.full(len(X), value)
    est = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert est.predict_proba(X).shape == (len(X), 1)
    S = score_matrix(est, X, method="predict_proba", n_labels=1, binary=True)
    _check_scores(S, len(X), 1)
    assert (S == float(value)).all()


def test_single_label_decision_function_as_1d(binary_data):
    # A multi-label problem with one label whose decision_function is 1-D.
    X, y = binary_data
    est = LogisticRegression().fit(X, y)
    S = score_matrix(est, X, method="decision_function", n_labels=1, binary=False)
    _check_scores(S, len(X), 1)
    assert_array_equal(S[:, 0], est.decision_function(X))


@pytest.mark.parametrize(
    "name", ["OneVsRest(LogisticRegression)", "RandomForestClassifier"]
)
@pytest.mark.parametrize("n_labels", [N_LABELS - 1, N_LABELS + 1])
def test_wrong_label_count(name, n_labels, data, fitted):
    X, _ = data
    est = fitted(name)
    with pytest.raises(ValueError, match=rf"{n_labels} label\(s\)"):
        score_matrix(est, X, method="predict_proba", n_labels=n_labels, binary=False)


def test_wrong_label_count_decision_function(data, fitted):
    X, _ = data
    est = fitted("RidgeClassifierCV")
    with pytest.raises(ValueError, match=r"scores of shape \(100, 4\).*3 label\(s\)"):
        score_matrix(est, X, method="decision_function", n_labels=3, binary=False)


def test_multilabel_estimator_as_binary_is_refused(data, fitted):
    X, _ = data
    est = fitted("OneVsRest(LogisticRegression)")
    with pytest.raises(ValueError, match=r"binary target"):
        score_matrix(est, X, method="predict_proba", n_labels=1, binary=True)


class NoScores:
    """An estimator with predict only."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize("estimator", [NoScores(), KNeighborsRegressor()])
@pytest.mark.parametrize("method", ["auto", "predict_proba", "decision_function"])
def test_estimator_without_scores(estimator, method):
    name = type(estimator).__name__
    with pytest.raises(ValueError, match=rf"base estimator {name} has no") as exc:
        resolve_response_method(estimator, method)
    if method == "auto":
        assert "predict_proba or decision_function" in str(exc.value)
    else:
        assert method in str(exc.value)
