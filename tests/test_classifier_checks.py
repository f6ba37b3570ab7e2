"""scikit-learn's common estimator checks on SurrogateThresholdClassifier."""

import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks

from skthresh import SurrogateThresholdClassifier

_THRESHOLDS_DIFFER = (
    "predict applies the learned thresholds, so on purpose it differs from "
    "predict_proba rounded at 0.5 and from decision_function > 0, which are the "
    "base estimator's; scikit-learn marks check_classifiers_train for its own "
    "threshold classifiers for the same reason."
)
EXPECTED_FAILED_CHECKS = {
    "check_classifiers_train": _THRESHOLDS_DIFFER,
    "check_classifier_multioutput": _THRESHOLDS_DIFFER,
}
_WEIGHTS_NOT_EQUIVALENT = (
    "predict_proba is the base estimator's, and this base does not give the "
    "same model for weights as for repeated rows: its fit takes no "
    "sample_weight without metadata routing (one-vs-rest, neighbours), or it "
    "draws bootstrap samples (forest). The thresholds themselves are the same "
    "(tests/test_classifier_fit_data.py)."
)
_WEIGHT_CHECKS = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)


def _expected_failures(estimator):
    """The threshold checks, and the weight checks where the base fails them."""
    expected = dict(EXPECTED_FAILED_CHECKS)
    if not isinstance(estimator.base_estimator, LogisticRegression):
        expected.update(dict.fromkeys(_WEIGHT_CHECKS, _WEIGHTS_NOT_EQUIVALENT))
    return expected


# One binary-only base and three multi-label ones, each declaring it its own
# way (classifier_tags.multi_label or target_tags.multi_output).
_BASES = {
    "binary-only": LogisticRegression(),
    "one-vs-rest": OneVsRestClassifier(LogisticRegression()),
    "forest": RandomForestClassifier(n_estimators=10, random_state=0),
    "knn": KNeighborsClassifier(),
}
_MULTILABEL_CHECKS = {
    "check_classifiers_multilabel_representation_invariance",
    "check_classifiers_multilabel_output_format_predict",
    "check_classifiers_multilabel_output_format_predict_proba",
    "check_classifiers_multilabel_output_format_decision_function",
}


def _estimators():
    # "global" is exact and fast; the default strategy runs on one base.
    return [
        SurrogateThresholdClassifier(base, strategy="global", random_state=0)
        for base in _BASES.values()
    ] + [SurrogateThresholdClassifier(_BASES["one-vs-rest"], random_state=0)]


# The checks' small random targets leave some labels without a positive in
# the held-out part; the warning that says so is tested in test_classifier.py.
@pytest.mark.filterwarnings("ignore::skthresh.DegenerateLabelWarning")
@parametrize_with_checks(_estimators(), expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.filterwarnings("ignore::skthresh.DegenerateLabelWarning")
@pytest.mark.parametrize("name", list(_BASES))
def test_expected_failures_are_exactly_the_threshold_ones(name):
    """Every check passes but the two on predict, which do fail, and only them.

    The multi-label and multi-output checks run exactly when the base
    declares multi-label support.
    """
    estimator = SurrogateThresholdClassifier(
        clone(_BASES[name]), strategy="global", random_state=0
    )
    results = check_estimator(
        estimator,
        expected_failed_checks=_expected_failures(estimator),
        on_fail=None,
        on_skip=None,
    )
    by_status = {}
    for result in results:
        by_status.setdefault(result["status"], set()).add(result["check_name"])
    assert "failed" not in by_status, by_status.get("failed")
    multi_label = name != "binary-only"
    assert "check_classifiers_train" in by_status["xfail"]
    # The multi-output check compares predict with predict_proba > 0.5: with
    # the stepped probabilities of a small forest or of neighbours, learned
    # thresholds can fall between the same steps as 0.5, and it passes.
    allowed = {"check_classifiers_train"}
    if multi_label:
        allowed.add("check_classifier_multioutput")
    weights = set(_WEIGHT_CHECKS) if name != "binary-only" else set()
    assert by_status["xfail"] - weights <= allowed
    assert allowed <= by_status["xfail"] | by_status["passed"]
    # The weight checks pass with a base whose own fit passes them.
    assert name != "binary-only" or set(_WEIGHT_CHECKS) <= by_status["passed"]
    ran = {result["check_name"] for result in results}
    assert ("check_classifier_multioutput" in ran) is multi_label
    if multi_label:
        # The decision_function one skips itself for a base without it.
        done = by_status["passed"] | by_status.get("skipped", set())
        assert _MULTILABEL_CHECKS <= done
        assert (
            "check_classifiers_multilabel_output_format_predict" in by_status["passed"]
        )
    else:
        assert not _MULTILABEL_CHECKS & ran


_TAGGED_BASES = [
    (LogisticRegression(), False),
    (SVC(probability=True), False),
    (make_pipeline(StandardScaler(), LogisticRegression()), False),
    (FrozenEstimator(LogisticRegression()), False),
    (OneVsRestClassifier(LogisticRegression()), True),
    (MultiOutputClassifier(LogisticRegression()), True),
    (ClassifierChain(LogisticRegression()), True),
    (RandomForestClassifier(), True),
    (KNeighborsClassifier(), True),
    (MLPClassifier(), True),
    (make_pipeline(StandardScaler(), MLPClassifier()), True),
    (RidgeClassifier(), True),
]


@pytest.mark.parametrize(
    "base, multi_label",
    [
        pytest.param(base, multi_label, id=" ".join(repr(base).split()))
        for base, multi_label in _TAGGED_BASES
    ],
)
def test_tags_follow_the_base_estimator(base, multi_label):
    tags = get_tags(SurrogateThresholdClassifier(base))
    assert tags.classifier_tags.multi_label is multi_label
    assert tags.target_tags.multi_output is multi_label
    assert tags.target_tags.single_output
    assert not tags.classifier_tags.multi_class
