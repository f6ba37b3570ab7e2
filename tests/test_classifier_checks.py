"""scikit-learn's common estimator checks on SurrogateThresholdClassifier."""

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

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


def _estimators():
    base = OneVsRestClassifier(LogisticRegression())
    return [
        SurrogateThresholdClassifier(base, random_state=0),
        SurrogateThresholdClassifier(base, strategy="global", random_state=0),
    ]


# The checks' small random targets leave some labels without a positive in
# the held-out part; the warning that says so is tested in test_classifier.py.
@pytest.mark.filterwarnings("ignore::skthresh.DegenerateLabelWarning")
@parametrize_with_checks(
    _estimators(), expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
