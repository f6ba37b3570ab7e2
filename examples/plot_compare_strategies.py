"""
Every strategy on the yeast data
================================

Each registered strategy learns thresholds from the same validation scores
of one base model; all are scored on a test split that neither the model nor
the thresholds saw. The loop runs over
:func:`~skthresh.strategies.available_strategies`, so a strategy added to
the registry appears here without editing this example.
"""

# %%
# One base model, three splits
# ----------------------------
# The base model is fitted on 56% of the genes; thresholds are learned on the
# validation scores of 14%; the remaining 30% is the test set.
import time

import matplotlib.pyplot as plt
import numpy as np
import torch  # noqa: F401  (loaded now, not in the surrogate's timing)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import apply_thresholds, learn_thresholds
from skthresh.datasets import load_yeast
from skthresh.metrics import f1_score
from skthresh.strategies import available_strategies, get_strategy

X, Y = load_yeast(return_X_y=True)
X_fit, X_test, Y_fit, Y_test = train_test_split(X, Y, test_size=0.3, random_state=0)
X_train, X_val, Y_train, Y_val = train_test_split(
    X_fit, Y_fit, test_size=0.2, random_state=0
)
model = OneVsRestClassifier(make_pipeline(StandardScaler(), LogisticRegression()))
model.fit(X_train, Y_train)
S_val, S_test = model.predict_proba(X_val), model.predict_proba(X_test)

# %%
# Learn and score
# ---------------
# Randomized strategies get a seed, so that the table is reproducible.
rows = []
for name in available_strategies():
    params = {}
    if "random_state" in get_strategy(name).get_params():
        params["random_state"] = 0
    start = time.perf_counter()
    thresholds = learn_thresholds(Y_val, S_val, strategy=name, **params)
    seconds = time.perf_counter() - start
    rows.append(
        {
            "strategy": name,
            "tuning": f1_score(Y_val, apply_thresholds(S_val, thresholds)),
            "test": f1_score(Y_test, apply_thresholds(S_test, thresholds)),
            "seconds": seconds,
        }
    )

print(f"{'strategy':<12}{'tuning F1':>10}{'test F1':>9}{'time (s)':>10}")
for row in rows:
    print(
        f"{row['strategy']:<12}{row['tuning']:>10.4f}{row['test']:>9.4f}"
        f"{row['seconds']:>10.3f}"
    )

# %%
# Tuning F1 against test F1
# -------------------------
# The tuning F1 is measured on the samples the thresholds were learned on:
# it is optimistic, most for the strategies that fit those samples best.
# Choose by the test F1.
names = [row["strategy"] for row in rows]
position = np.arange(len(rows))
fig, (ax_f1, ax_time) = plt.subplots(1, 2, figsize=(10, 4))
ax_f1.barh(position + 0.2, [r["tuning"] for r in rows], height=0.4, label="tuning")
ax_f1.barh(position - 0.2, [r["test"] for r in rows], height=0.4, label="test")
ax_f1.set(yticks=position, yticklabels=names, xlabel="micro-F1")
ax_f1.set_xlim(0.55, None)
ax_f1.legend(ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
ax_time.barh(position, [r["seconds"] for r in rows], color="grey")
ax_time.set(yticks=position, yticklabels=names, xlabel="time to learn (s)")
ax_time.set_xscale("log")
fig.tight_layout()
