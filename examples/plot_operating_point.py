"""
Thresholds at a required precision
==================================

A tagger in production is often held to a precision floor rather than to
F1: each label must be right at least 70% of the times it fires, and within
that floor it should find as much as it can.
:class:`~skthresh.metrics.RecallAtPrecision` learns exactly those
thresholds. This example learns them on the bundled yeast data, checks the
floor on genes the thresholds never saw, draws one label's operating point
with :class:`~skthresh.plot.OperatingPointDisplay`, and shows what the
``confidence`` option buys.
"""

# %%
# A frozen model and a tuning split
# ---------------------------------
# A one-vs-rest logistic regression is fitted on half of the genes. The
# thresholds are learned on a quarter (the model, wrapped in
# :class:`~sklearn.frozen.FrozenEstimator`, is not refitted) and judged on
# the last quarter.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skthresh import SurrogateThresholdClassifier, UnreachableFloorWarning
from skthresh.datasets import load_yeast
from skthresh.metrics import RecallAtPrecision
from skthresh.plot import OperatingPointDisplay

X, Y = load_yeast(return_X_y=True)
X_fit, X_rest, Y_fit, Y_rest = train_test_split(X, Y, test_size=0.5, random_state=0)
X_tune, X_test, Y_tune, Y_test = train_test_split(
    X_rest, Y_rest, test_size=0.5, random_state=0
)
base = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X_fit, Y_fit)

# %%
# The best recall at a precision of 0.7, per label
# ------------------------------------------------
# Per label, among the thresholds whose tuning precision is at least 0.7,
# the one with the highest recall. Rare labels whose scores never reach
# that precision predict nothing; the classifier names them in an
# :class:`~skthresh.UnreachableFloorWarning` and lists them in
# ``unreachable_labels_``.
floor = 0.7
clf = SurrogateThresholdClassifier(
    FrozenEstimator(base), strategy="coordinate", metric=RecallAtPrecision(floor)
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", UnreachableFloorWarning)
    clf.fit(X_tune, Y_tune)
print(caught[0].message if caught else "every label reaches the floor")
print("floor held on the tuning genes:", clf.constraint_met_.astype(int))
print("labels that cannot reach it:", clf.unreachable_labels_)

# %%
# On genes the thresholds never saw
# ---------------------------------
# The floor was met on the tuning genes by construction. On the test
# genes, each label's precision scatters around it: a threshold placed
# exactly at the floor misses it about half of the time.
Y_pred = clf.predict(X_test)
reached = clf.constraint_met_
precision = precision_score(Y_test, Y_pred, average=None, zero_division=np.nan)
print(f"test precision of the labels at the floor: {np.round(precision[reached], 2)}")
print(f"meet {floor} on test: {(precision[reached] >= floor).sum()} of {reached.sum()}")
print(f"recall (label mean): {clf.score(X_test, Y_test):.3f}")

# %%
# One label's operating point
# ---------------------------
# Precision and recall of label 0 against its threshold on the test genes:
# the learned threshold sits where the tuning precision first reaches the
# floor, as far left (as much recall) as the floor allows.
display = OperatingPointDisplay.from_estimator(clf, X_test, Y_test, label=0)
display.figure_.set_size_inches(6.4, 4.8)

# %%
# A floor with a safety margin: ``confidence``
# --------------------------------------------
# With ``confidence=0.95`` each label's thresholds are walked from the
# highest down, each tested on a lower confidence bound of the tuning
# precision (Clopper-Pearson), stopping at the first failure, so that the
# precision on new data reaches the floor with that probability, the
# search accounted for. The price is recall; labels with few tuning
# positives may no longer reach the floor at all.
safe = SurrogateThresholdClassifier(
    FrozenEstimator(base),
    strategy="coordinate",
    metric=RecallAtPrecision(floor, confidence=0.95),
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UnreachableFloorWarning)
    safe.fit(X_tune, Y_tune)
Y_safe = safe.predict(X_test)
for name, model, decisions in [("plain", clf, Y_pred), ("confidence", safe, Y_safe)]:
    kept = model.constraint_met_
    p = precision_score(Y_test, decisions, average=None, zero_division=np.nan)[kept]
    r = recall_score(Y_test, decisions, average="macro", zero_division=0)
    print(
        f"{name:>10}: {kept.sum()} labels kept, test precision >= {floor} for "
        f"{(p >= floor).sum()}, recall (label mean) {r:.3f}"
    )

# %%
# Pooled over labels: ``average="micro"``
# ---------------------------------------
# The pooled precision of all labels' decisions at the floor, the pooled
# recall as high as possible: labels trade precision between themselves.
# The display draws the pooled curves of one threshold shared by all labels
# and marks the pooled precision and recall of the per-label thresholds.
pooled = SurrogateThresholdClassifier(
    FrozenEstimator(base),
    strategy="coordinate",
    metric="recall@precision=0.7:micro",
).fit(X_tune, Y_tune)
fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="tight")
OperatingPointDisplay.from_estimator(pooled, X_test, Y_test, ax=ax)
print(f"pooled floor held on the tuning genes: {pooled.constraint_met_}")
