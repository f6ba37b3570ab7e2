"""SurrogateThresholdClassifier as scikit-learn users use it."""

import pickle
import re

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import DataConversionWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skthresh import (
    DegenerateLabelWarning,
    FBeta,
    SurrogateThresholdClassifier,
    learn_thresholds,
)
from skthresh._splitting import check_validation_size, held_out_split
from skthresh.datasets import load_yeast
from skthresh.metrics import check_metric, f1_score
from skthresh.strategies import CoordinateAscent, SurrogateThreshold
from skthresh.strategies._registry import configure_strategy


@pytest.fixture(scope="module")
def yeast_split():
    X, Y = load_yeast(return_X_y=True)
    return train_test_split(X, Y, test_size=0.3, random_state=0)


@pytest.fixture(scope="module")
def small():
    X, Y = make_multilabel_classification(
        n_samples=300, n_features=10, n_classes=4, random_state=0
    )
    return X, Y


def _logreg():
    return OneVsRestClassifier(make_pipeline(StandardScaler(), LogisticRegression()))


@pytest.mark.parametrize(
    "base",
    [
        make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(64,),
                alpha=1.0,
                max_iter=300,
                early_stopping=True,
                random_state=0,
            ),
        ),
        RandomForestClassifier(
            n_estimators=100, min_samples_leaf=2, random_state=0, n_jobs=2
        ),
        _logreg(),
    ],
    ids=["mlp", "forest", "logreg"],
)
def test_yeast_held_out_f1_beats_default_threshold(base, yeast_split):
    X_train, X_test, Y_train, Y_test = yeast_split
    learned = SurrogateThresholdClassifier(base, random_state=0).fit(X_train, Y_train)
    fixed = SurrogateThresholdClassifier(base, strategy="default", random_state=0).fit(
        X_train, Y_train
    )
    assert np.all(fixed.thresholds_ == 0.5)
    f1_learned = f1_score(Y_test, learned.predict(X_test))
    f1_fixed = f1_score(Y_test, fixed.predict(X_test))
    assert f1_learned > f1_fixed + 0.005


def test_fitted_attributes(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), random_state=0).fit(X, Y)
    assert clf.thresholds_.shape == (4,)
    assert clf.thresholds_.dtype == np.float64
    assert clf.n_labels_ == 4
    assert clf.n_features_in_ == 10
    assert isinstance(clf.strategy_, SurrogateThreshold)
    assert clf.strategy_.history_["objective"].shape == (101,)
    assert clf.n_iter_ == 100
    assert clf.response_method_ == "predict_proba"
    np.testing.assert_array_equal(clf.classes_, np.arange(4))


def test_predict_is_scores_above_thresholds(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), random_state=0).fit(X, Y)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict(X), (proba > clf.thresholds_) * 1)
    assert clf.predict(X).dtype.kind == "i"
    np.testing.assert_array_equal(
        clf.decision_function(X), clf.estimator_.decision_function(X)
    )


def test_tie_is_negative():
    X = np.array([[0.0], [1.0], [2.0], [3.0]] * 5)
    y = np.array([0, 0, 1, 1] * 5)
    clf = SurrogateThresholdClassifier(
        FrozenEstimator(LogisticRegression().fit(X, y)), strategy="default"
    ).fit(X, y)
    proba = clf.predict_proba(X)[:, 1]
    clf.thresholds_ = proba[2:3].copy()  # exactly the score of sample 2
    assert clf.predict(X[2:3])[0] == 0
    assert clf.predict(X[3:4])[0] == 1


def test_grid_search_over_slope_changes_thresholds(small):
    X, Y = small
    search = GridSearchCV(
        SurrogateThresholdClassifier(_logreg(), random_state=0),
        {"slope": [2.0, 500.0]},
        cv=3,
    ).fit(X, Y)
    assert search.best_params_["slope"] in (2.0, 500.0)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    flat = SurrogateThresholdClassifier(_logreg(), slope=2.0, random_state=0).fit(X, Y)
    sharp = SurrogateThresholdClassifier(_logreg(), slope=500.0, random_state=0).fit(
        X, Y
    )
    assert not np.allclose(flat.thresholds_, sharp.thresholds_)
    assert flat.strategy_.slope == 2.0


def test_pipeline_and_cross_val_score(small):
    X, Y = small
    pipe = make_pipeline(
        StandardScaler(), SurrogateThresholdClassifier(_logreg(), random_state=0)
    )
    scores = cross_val_score(pipe, X, Y, cv=3)
    assert scores.shape == (3,)
    assert np.all((scores > 0.3) & (scores <= 1))
    # score is the configured metric
    clf = SurrogateThresholdClassifier(
        _logreg(), metric="f1_macro", random_state=0
    ).fit(X, Y)
    expected = f1_score(Y, clf.predict(X), average="macro")
    assert clf.score(X, Y) == pytest.approx(expected)


def test_clone_and_params(small):
    clf = SurrogateThresholdClassifier(_logreg(), slope=80.0, random_state=3)
    cloned = clone(clf)
    assert cloned.get_params()["slope"] == 80.0
    assert cloned.get_params()["random_state"] == 3
    assert "base_estimator__estimator__logisticregression__C" in clf.get_params()


@pytest.mark.parametrize("strategy", ["surrogate", "global", "default"])
def test_pickle_and_joblib_round_trips(strategy, small, tmp_path):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), strategy=strategy, random_state=0)
    clf.fit(X, Y)
    expected = clf.predict(X)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), expected)
    np.testing.assert_array_equal(restored.thresholds_, clf.thresholds_)
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path)
    np.testing.assert_array_equal(joblib.load(path).predict(X), expected)


def test_fitted_state_holds_no_tensors(small):
    import torch

    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), random_state=0).fit(X, Y)

    def walk(obj, seen):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        assert not isinstance(obj, torch.Tensor), "fitted state holds a tensor"
        if isinstance(obj, dict):
            for value in obj.values():
                walk(value, seen)
        elif isinstance(obj, (list, tuple)):
            for value in obj:
                walk(value, seen)
        elif hasattr(obj, "__dict__"):
            walk(vars(obj), seen)

    walk(clf, set())


def test_random_state_makes_fit_reproducible(small):
    X, Y = small
    a = SurrogateThresholdClassifier(_logreg(), random_state=7).fit(X, Y)
    b = SurrogateThresholdClassifier(_logreg(), random_state=7).fit(X, Y)
    c = SurrogateThresholdClassifier(_logreg(), random_state=8).fit(X, Y)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    assert not np.array_equal(a.thresholds_, c.thresholds_)


def test_frozen_base_is_not_refitted_and_all_data_tunes(small):
    X, Y = small
    base = _logreg().fit(X[:150], Y[:150])
    coef = base.estimators_[0][-1].coef_.copy()
    clf = SurrogateThresholdClassifier(FrozenEstimator(base), strategy="global")
    clf.fit(X[150:], Y[150:])
    assert clf.estimator_.estimator is base
    np.testing.assert_array_equal(base.estimators_[0][-1].coef_, coef)
    from skthresh import learn_thresholds

    expected = learn_thresholds(Y[150:], base.predict_proba(X[150:]), strategy="global")
    np.testing.assert_array_equal(clf.thresholds_, expected)


def test_refit_false_keeps_the_model_of_the_training_part(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), refit=False, random_state=0)
    clf.fit(X, Y)
    refit = SurrogateThresholdClassifier(_logreg(), refit=True, random_state=0)
    refit.fit(X, Y)
    np.testing.assert_array_equal(clf.thresholds_, refit.thresholds_)
    assert not np.allclose(clf.predict_proba(X), refit.predict_proba(X))


def test_binary_target_with_string_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=200) > 0.8, "yes", "no")
    clf = SurrogateThresholdClassifier(LogisticRegression(), random_state=0).fit(X, y)
    pred = clf.predict(X)
    assert pred.shape == (200,)
    assert set(pred) <= {"yes", "no"}
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    proba = clf.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(pred == "yes", proba > clf.thresholds_[0])


def test_column_target_predicts_a_column(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(LogisticRegression(), random_state=0)
    # A binary-only base makes a single-output classifier: scikit-learn's
    # warning for a column y, as LogisticRegression itself gives.
    with pytest.warns(
        DataConversionWarning,
        match="^A column-vector y was passed when a 1d array was expected: "
        "LogisticRegression declares no multi-label support",
    ):
        clf.fit(X, Y[:, :1])
    pred = clf.predict(X)
    assert pred.shape == (X.shape[0], 1)
    one_vs_rest = SurrogateThresholdClassifier(_logreg(), random_state=0)
    pred = one_vs_rest.fit(X, Y[:, :1]).predict(X)  # no warning: multi-label
    assert pred.shape == (X.shape[0], 1)


def test_sparse_target_gives_sparse_predictions(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), random_state=0)
    pred = clf.fit(X, sp.csr_matrix(Y)).predict(X)
    assert sp.issparse(pred)
    dense = SurrogateThresholdClassifier(_logreg(), random_state=0).fit(X, Y)
    np.testing.assert_array_equal(pred.toarray(), dense.predict(X))


def test_decision_function_only_base(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(RidgeClassifierCV(), random_state=0).fit(X, Y)
    assert clf.response_method_ == "decision_function"
    assert not hasattr(clf, "predict_proba")
    scores = clf.decision_function(X)
    np.testing.assert_array_equal(clf.predict(X), (scores > clf.thresholds_) * 1)
    # The default threshold for decision scores is 0, the base's own decision.
    default = SurrogateThresholdClassifier(
        RidgeClassifierCV(), strategy="default", random_state=0
    ).fit(X, Y)
    np.testing.assert_array_equal(default.thresholds_, 0.0)


def test_feature_names_are_recorded(small):
    import pandas as pd

    X, Y = small
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = SurrogateThresholdClassifier(_logreg(), random_state=0).fit(frame, Y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)


def test_multiclass_target_is_rejected_with_a_hint(small):
    X, _ = small
    y = np.arange(X.shape[0]) % 3
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        SurrogateThresholdClassifier(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="LabelBinarizer"):
        SurrogateThresholdClassifier(LogisticRegression()).fit(X, y)


def test_non_binary_indicator_is_rejected(small):
    X, Y = small
    Y = Y.copy()
    Y[0, 0] = 2
    with pytest.raises(ValueError, match="only 0 and 1"):
        SurrogateThresholdClassifier(_logreg()).fit(X, Y)


def test_slope_with_a_strategy_without_slope_is_an_error(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), strategy="default", slope=10.0)
    with pytest.raises(ValueError, match=re.escape("slope=10.0 was given")):
        clf.fit(X, Y)


def test_strategy_is_built_through_the_route(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(
        _logreg(), strategy="heuristic", random_state=3, verbose=2
    ).fit(X, Y)
    # the first draw of the classifier's generator seeds the strategy
    expected = configure_strategy(
        "heuristic", random_state=np.random.RandomState(3), verbose=2
    )
    assert clf.strategy_.get_params() == expected.get_params()
    assert clf.strategy_.random_state == np.random.RandomState(3).randint(2**31 - 1)
    assert clf.strategy_.verbose == 2
    unseeded = SurrogateThresholdClassifier(_logreg(), strategy="heuristic")
    assert unseeded.fit(X, Y).strategy_.random_state is None


def test_first_draw_splits_when_the_strategy_takes_no_seed(small):
    X, Y = small
    clf = SurrogateThresholdClassifier(
        _logreg(), strategy="coordinate", random_state=3
    ).fit(X, Y)
    seed = np.random.RandomState(3).randint(2**31 - 1)
    train, val = held_out_split(Y, 0.3, seed)
    S_val = _logreg().fit(X[train], Y[train]).predict_proba(X[val])
    expected = learn_thresholds(Y[val], S_val, strategy="coordinate")
    assert clf.thresholds_.tobytes() == expected.tobytes()


def test_route_draws_a_seed_only_for_a_strategy_that_takes_one():
    generator = np.random.RandomState(0)
    strategy = configure_strategy("coordinate", random_state=generator, verbose=1)
    assert strategy.get_params() == {"max_iter": 100, "verbose": 1}
    assert generator.randint(1000) == np.random.RandomState(0).randint(1000)
    strategy = configure_strategy("global", random_state=5, verbose=3)
    assert strategy.get_params() == {}  # neither applies


def test_route_copies_a_strategy_object_unless_told_not_to():
    given = CoordinateAscent(max_iter=5)
    copied = configure_strategy(given, {"max_iter": 7})
    assert copied is not given and (copied.max_iter, given.max_iter) == (7, 5)
    assert configure_strategy(given, {"max_iter": 9}, copy=False) is given
    assert given.max_iter == 9
    message = "colour cannot be set on strategy CoordinateAscent, whose parameters"
    with pytest.raises(ValueError, match=message):
        configure_strategy(given, {"colour": "red"}, copy=False)
    assert given.get_params() == {"max_iter": 9, "verbose": 0}


def test_invalid_parameters_name_the_parameter(small):
    X, Y = small
    for params, name in [
        ({"validation_size": 1.5}, "validation_size"),
        ({"slope": -1.0}, "slope"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"max_iter": 0}, "max_iter"),
        ({"response_method": "predict"}, "response_method"),
    ]:
        with pytest.raises(ValueError, match=name):
            SurrogateThresholdClassifier(_logreg(), **params).fit(X, Y)
    with pytest.raises(ValueError, match="Unknown strategy 'nope'"):
        SurrogateThresholdClassifier(_logreg(), strategy="nope").fit(X, Y)
    with pytest.raises(ValueError, match="metric"):
        SurrogateThresholdClassifier(_logreg(), metric="accuracy").fit(X, Y)


def test_base_without_scores_is_rejected(small):
    X, Y = small
    from sklearn.base import BaseEstimator, ClassifierMixin

    class OnlyPredict(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.zeros(len(X))

    with pytest.raises(
        ValueError, match="OnlyPredict has no predict_proba or decision_function"
    ):
        SurrogateThresholdClassifier(OnlyPredict()).fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="LinearSVC has no predict_proba"):
        SurrogateThresholdClassifier(LinearSVC(), response_method="predict_proba").fit(
            X, Y[:, 0]
        )


def test_label_without_positives_warns_and_falls_back_to_shared_threshold():
    from skthresh.strategies._shared import best_shared_threshold

    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 5))
    Y = (X[:, :3] + 0.3 * rng.normal(size=(400, 3)) > 0.5).astype(int)
    Y[:, 2] = 0
    Y[:3, 2] = 1  # positives only in the part the base model is fitted on
    base = _logreg().fit(X[:200], Y[:200])
    clf = SurrogateThresholdClassifier(FrozenEstimator(base))
    with pytest.warns(DegenerateLabelWarning, match="label indices 2"):
        clf.fit(X[200:], Y[200:])
    assert np.isfinite(clf.thresholds_).all()
    Y_tune = Y[200:].astype(bool)
    shared, _ = best_shared_threshold(Y_tune, base.predict_proba(X[200:]), FBeta())
    assert clf.thresholds_[2] == shared


def test_device_cuda_without_cuda_is_a_clear_error(small, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, Y = small
    with pytest.raises(ValueError, match="device='cuda'.*CUDA is not available"):
        SurrogateThresholdClassifier(_logreg(), device="cuda").fit(X, Y)


def test_cross_fitting_learns_on_out_of_fold_scores(small):
    from sklearn.model_selection import KFold

    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), strategy="global", cv=3)
    clf.fit(X, Y)
    folds = list(KFold(3).split(X))
    clf_kfold = SurrogateThresholdClassifier(
        _logreg(), strategy="global", cv=KFold(3)
    ).fit(X, Y)
    oof = np.empty(Y.shape)
    for train, test in folds:
        oof[test] = _logreg().fit(X[train], Y[train]).predict_proba(X[test])
    from skthresh import learn_thresholds

    expected = learn_thresholds(Y, oof, strategy="global")
    np.testing.assert_allclose(clf_kfold.thresholds_, expected)
    results = clf.cv_results_
    assert results["fold_thresholds"].shape == (3, 4)
    np.testing.assert_allclose(
        results["thresholds_std"], results["fold_thresholds"].std(axis=0)
    )
    assert results["fold_objective"].shape == (3,)
    # The final model is refitted on all the data.
    np.testing.assert_allclose(
        clf.predict_proba(X), _logreg().fit(X, Y).predict_proba(X)
    )


def test_cross_fitting_in_parallel_gives_the_same_thresholds(small):
    X, Y = small
    serial = SurrogateThresholdClassifier(_logreg(), cv=5, n_jobs=1, random_state=0)
    parallel = SurrogateThresholdClassifier(_logreg(), cv=5, n_jobs=2, random_state=0)
    np.testing.assert_array_equal(
        serial.fit(X, Y).thresholds_, parallel.fit(X, Y).thresholds_
    )


def test_cross_fitting_needs_refit(small):
    X, Y = small
    with pytest.raises(ValueError, match="When cv is set, refit cannot be False"):
        SurrogateThresholdClassifier(_logreg(), cv=3, refit=False).fit(X, Y)


def test_min_positives_falls_back_to_the_shared_threshold():
    from skthresh import learn_thresholds

    rng = np.random.RandomState(0)
    Y = (rng.rand(500, 4) < [0.3, 0.2, 0.01, 0.4]).astype(int)
    S = np.clip(0.4 * Y + 0.6 * rng.rand(500, 4), 0, 1)
    n_pos = Y.sum(axis=0)
    assert 0 < n_pos[2] < 10
    own = learn_thresholds(Y, S, strategy="global")
    rare = learn_thresholds(Y, S, strategy="surrogate", min_positives=10)
    assert rare[2] == own[2]
    # The other labels are tuned with label 2 held there: never below sharing.
    f1 = check_metric("f1_micro").score
    assert f1(Y, S > rare) >= f1(Y, S > own)
    assert not np.array_equal(rare[[0, 1, 3]], own[[0, 1, 3]])
    with pytest.raises(ValueError, match="min_positives must be an integer"):
        learn_thresholds(Y, S, min_positives=-1)


@pytest.mark.parametrize("cv", [None, 3], ids=["split", "cv"])
@pytest.mark.parametrize("target", ["dense", "sparse"])
def test_binary_only_base_on_a_2d_target_names_the_users_shape(small, cv, target):
    X, Y = small
    y = sp.csr_matrix(Y) if target == "sparse" else Y
    clf = SurrogateThresholdClassifier(LogisticRegression(C=2.0), cv=cv)
    with pytest.raises(ValueError) as excinfo:
        clf.fit(X, y)
    message = str(excinfo.value)
    assert message.startswith(
        "LogisticRegression fits a 1-D target only, but y has shape (300, 4) "
        "(n_samples, n_labels). Wrap it to fit one model per label: "
        "SurrogateThresholdClassifier(OneVsRestClassifier("
        "LogisticRegression(C=2.0))), with OneVsRestClassifier from "
        "sklearn.multiclass (or MultiOutputClassifier from sklearn.multioutput)."
    ), message
    n_fit = 210 if cv is None else 200
    assert f"LogisticRegression.fit on {n_fit} of the 300 samples said: " in message
    # The wrapper the message suggests works.
    wrapped = SurrogateThresholdClassifier(
        OneVsRestClassifier(LogisticRegression(C=2.0)), cv=cv, strategy="global"
    )
    assert wrapped.fit(X, y).thresholds_.shape == (4,)


def test_other_errors_of_the_base_are_not_reworded(small):
    X, Y = small
    X = X.copy()
    X[0, 0] = np.nan
    # A base declaring multi-label support keeps its own message.
    with pytest.raises(ValueError, match="^Input X contains NaN") as excinfo:
        SurrogateThresholdClassifier(_logreg()).fit(X, Y)
    assert "1-D target" not in str(excinfo.value)
    # So does a binary-only base on a 1-D target.
    with pytest.raises(ValueError, match="^Input X contains NaN"):
        SurrogateThresholdClassifier(LogisticRegression()).fit(X, Y[:, 0])


def test_untagged_base_that_fits_a_2d_target_is_not_rejected(small):
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.utils import get_tags

    class PerLabel(ClassifierMixin, BaseEstimator):
        """Multi-label in fact, without saying so in its tags."""

        def fit(self, X, Y):
            self.model_ = _logreg().fit(X, Y)
            return self

        def predict_proba(self, X):
            return self.model_.predict_proba(X)

    X, Y = small
    assert not get_tags(PerLabel()).classifier_tags.multi_label
    clf = SurrogateThresholdClassifier(PerLabel(), strategy="global").fit(X, Y)
    assert clf.thresholds_.shape == (4,)


@pytest.mark.parametrize(
    "size, message",
    [
        (
            300,
            "validation_size=300 holds out 300 of the 300 samples, which leaves "
            "none to fit the base estimator; give an int below 300 or a smaller "
            "fraction.",
        ),
        (
            0.999,
            "validation_size=0.999 holds out 300 of the 300 samples (rounded up), "
            "which leaves none to fit the base estimator; give an int below 300 "
            "or a smaller fraction.",
        ),
    ],
)
def test_validation_size_too_large_for_the_data_is_named(small, size, message):
    X, Y = small
    clf = SurrogateThresholdClassifier(_logreg(), validation_size=size)
    with pytest.raises(ValueError) as excinfo:
        clf.fit(X, Y)
    assert str(excinfo.value) == message
    # The largest sizes that leave one sample to fit are accepted.
    assert check_validation_size(299, 300) is None
    assert check_validation_size(0.996, 300) is None


@pytest.mark.parametrize("cv", [0.3, 1, "abc", True])
def test_invalid_cv_lists_what_cv_takes(small, cv):
    X, Y = small
    message = (
        "The 'cv' parameter of SurrogateThresholdClassifier must be an int in the "
        "range [2, inf), a cross-validation splitter (with split and get_n_splits), "
        "an iterable of (train, test) index arrays or None. Got "
        f"{cv!r} instead."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        SurrogateThresholdClassifier(_logreg(), cv=cv).fit(X, Y)


class _Announcing(OneVsRestClassifier):
    """A base that says when it is fitted, to place the progress lines."""

    def fit(self, X, y, **fit_params):
        print(f"(base fit on {len(X)} samples)")
        return super().fit(X, y, **fit_params)


_SECONDS = r"\d+\.\d\d s"
_ITERATION = r"\[SurrogateThreshold\] iter .*"  # the strategy's own line


def _assert_lines(lines, patterns):
    assert len(lines) == len(patterns), "\n".join(lines)
    for line, pattern in zip(lines, patterns, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)


def _summary_lines(n_samples, n_labels=4):
    """The strategy's summary build, reported before its own lines."""
    return [
        re.escape(f"[ScoreSummary] summarizing the scores of {n_samples} samples: ")
        + "reading rows",
        rf"\[ScoreSummary\] {n_samples} rows read in \d+\.\ds; sorting each "
        "label's scores",
        rf"\[ScoreSummary\] built: {n_samples} samples x {n_labels} labels in "
        r"\d+\.\ds",
    ]


def _fit_line(n_fit):
    return re.escape(f"(base fit on {n_fit} samples)")


def test_verbose_reports_each_fold_and_the_refit(small, capsys):
    X, Y = small
    clf = SurrogateThresholdClassifier(
        _Announcing(LogisticRegression()), cv=3, max_iter=10, verbose=1
    )
    clf.fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    # The plan comes first, before any fit; each fold is reported as soon as
    # it is done; each block of the strategy's lines has a header naming its
    # part; the refit is announced before it starts.
    expected = [
        re.escape(
            "[SurrogateThresholdClassifier] 300 samples, 4 labels: cross-fitting "
            "_Announcing on 3 folds, learning thresholds on the out-of-fold "
            "scores, then refitting on all 300"
        )
    ]
    for k in (1, 2, 3):
        expected += [
            _fit_line(200),
            rf"\[fold {k}/3\] fitted on 200 samples, scored 100 in {_SECONDS}",
        ]
    objective = clf.cv_results_["fold_objective"]
    for k in (1, 2, 3):
        expected += [
            rf"\[fold {k}/3\] learning thresholds on its 100 samples with "
            "SurrogateThreshold",
            *_summary_lines(100),
            *[_ITERATION] * 11,
            rf"\[fold {k}/3\] thresholds learned in {_SECONDS}, objective "
            + re.escape(f"{objective[k - 1]:.4f}"),
        ]
    expected += [
        r"\[all folds\] learning thresholds on the 300 out-of-fold samples with "
        "SurrogateThreshold",
        *_summary_lines(300),
        *[_ITERATION] * 11,
        rf"\[all folds\] thresholds learned in {_SECONDS}",
        r"\[refit\] fitting _Announcing on all 300 samples",
        _fit_line(300),
        rf"\[refit\] done in {_SECONDS}",
        rf"\[SurrogateThresholdClassifier\] fit done in {_SECONDS}",
    ]
    _assert_lines(lines, expected)


def test_verbose_reports_the_split_and_the_refit(small, capsys):
    X, Y = small
    clf = SurrogateThresholdClassifier(
        _Announcing(LogisticRegression()), max_iter=10, verbose=1
    )
    clf.fit(X, Y)
    _assert_lines(
        capsys.readouterr().out.splitlines(),
        [
            re.escape(
                "[SurrogateThresholdClassifier] 300 samples, 4 labels: fitting "
                "_Announcing on 210, learning thresholds on the 90 held out, then "
                "refitting on all 300"
            ),
            _fit_line(210),
            rf"\[split\] fitted on 210 samples, scored 90 in {_SECONDS}",
            r"\[thresholds\] learning thresholds on the 90 held-out samples with "
            "SurrogateThreshold",
            *_summary_lines(90),
            *[_ITERATION] * 11,
            rf"\[thresholds\] thresholds learned in {_SECONDS}",
            r"\[refit\] fitting _Announcing on all 300 samples",
            _fit_line(300),
            rf"\[refit\] done in {_SECONDS}",
            rf"\[SurrogateThresholdClassifier\] fit done in {_SECONDS}",
        ],
    )
    # Without refit, and with a frozen base, nothing is refitted.
    clf.set_params(refit=False, strategy="global", max_iter=None).fit(X, Y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("learning thresholds on the 90 held out")
    assert not [line for line in lines if "refit" in line]
    frozen = SurrogateThresholdClassifier(
        FrozenEstimator(clf.estimator_), strategy="global", verbose=1
    )
    frozen.fit(X, Y)
    _assert_lines(
        capsys.readouterr().out.splitlines(),
        [
            re.escape(
                "[SurrogateThresholdClassifier] 300 samples, 4 labels: "
                "FrozenEstimator is not refitted; learning thresholds on all 300 "
                "samples"
            ),
            rf"\[frozen\] scored 300 samples in {_SECONDS}",
            r"\[thresholds\] learning thresholds on the 300 samples with "
            "GlobalThreshold",
            rf"\[thresholds\] thresholds learned in {_SECONDS}",
            rf"\[SurrogateThresholdClassifier\] fit done in {_SECONDS}",
        ],
    )


def test_verbose_zero_prints_nothing(small, capsys):
    X, Y = small
    SurrogateThresholdClassifier(_logreg(), cv=3, max_iter=10).fit(X, Y)
    assert capsys.readouterr().out == ""


def test_verbose_counts_one_label(capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = SurrogateThresholdClassifier(LogisticRegression(), strategy="global")
    clf.set_params(verbose=1).fit(X, y)
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("[SurrogateThresholdClassifier] 100 samples, 1 label: ")
