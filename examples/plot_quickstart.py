"""
Quick start: learned thresholds on the yeast data
=================================================

A multi-label classifier gives one score per label; the usual decision
``score > 0.5`` is rarely the best for F1. :class:`~skthresh.SurrogateThresholdClassifier`
learns one threshold per label on a held-out part of the training data.
"""

# %%
# Fit a base model with learned thresholds and with the fixed 0.5.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import SurrogateThresholdClassifier
from skthresh.datasets import load_yeast
from skthresh.metrics import f1_score

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
# The learned thresholds, against the frequency of each label.
frequency = Y_train.mean(axis=0)
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.scatter(frequency, learned.thresholds_)
ax.axhline(0.5, color="grey", linestyle="--", label="default 0.5")
ax.set_xlabel("label frequency")
ax.set_ylabel("learned threshold")
ax.legend()
fig.tight_layout()
print(np.round(learned.thresholds_, 3))
