"""
Quick start: learned thresholds on the yeast data
=================================================

A multi-label classifier gives one score per label; the usual decision
``score > 0.5`` is rarely the best for F1.
:class:`~skthresh.SurrogateThresholdClassifier` learns one threshold per
label on a held-out part of the training data.
"""

# %%
# Fit a base model with learned thresholds and with the fixed 0.5
# ---------------------------------------------------------------
# The yeast data: 2417 genes, 103 features, 14 functional classes. The base
# model is a one-vs-rest logistic regression; the ``"default"`` strategy
# keeps the fixed threshold 0.5, the default ``"surrogate"`` strategy learns
# the thresholds with SGL-Thresh.
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import SurrogateThresholdClassifier
from skthresh.datasets import load_yeast
from skthresh.metrics import f1_score
from skthresh.plot import ThresholdCurveDisplay

X, Y = load_yeast(return_X_y=True)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.3, random_state=0)
base = OneVsRestClassifier(make_pipeline(StandardScaler(), LogisticRegression()))

learned = SurrogateThresholdClassifier(base, random_state=0).fit(X_train, Y_train)
fixed = SurrogateThresholdClassifier(base, strategy="default", random_state=0).fit(
    X_train, Y_train
)
for name, clf in [("0.5", fixed), ("learned", learned)]:
    print(f"{name:>8}: test micro-F1 {f1_score(Y_test, clf.predict(X_test)):.4f}")

# %%
# Where the thresholds sit
# ------------------------
# :class:`~skthresh.plot.ThresholdCurveDisplay` draws the test micro-F1 when
# every label uses one shared threshold. The best shared threshold is well
# below 0.5, and the per-label thresholds (the rug at the bottom; their
# micro-F1 is the dashed line) do better than any shared one.
display = ThresholdCurveDisplay.from_estimator(learned, X_test, Y_test)
display.figure_.set_size_inches(6, 4)

# %%
# One label's F1 against its own threshold, here label 2 (41% of the genes).
# The thresholds maximize the micro-F1 of all labels together, not each
# label's own F1, and they were learned on other genes than these test
# genes: the mark need not sit at the peak of the curve.
display = ThresholdCurveDisplay.from_estimator(learned, X_test, Y_test, label=2)
display.figure_.set_size_inches(6, 4)
