"""
Tuning the surrogate's slope with GridSearchCV
==============================================

:class:`~skthresh.SurrogateThresholdClassifier` is a scikit-learn estimator,
so its hyper-parameters can be cross-validated like any other, here inside a
:class:`~sklearn.pipeline.Pipeline`. The ``slope`` of the sigmoid sets how
local the surrogate gradient is: too small and it sees far-away scores, too
large and it sees almost none.
"""

# %%
# A pipeline and a grid of slopes
# -------------------------------
# The base model is refitted for every candidate and fold, so it should be
# cheap: ``liblinear`` is a good solver for a small data set.
import matplotlib.pyplot as plt
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import SurrogateThresholdClassifier
from skthresh.datasets import load_yeast

X, Y = load_yeast(return_X_y=True)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.3, random_state=0)

pipeline = Pipeline(
    [
        ("scale", StandardScaler()),
        (
            "thresholds",
            SurrogateThresholdClassifier(
                OneVsRestClassifier(LogisticRegression(solver="liblinear")),
                random_state=0,
            ),
        ),
    ]
)
slopes = [2, 10, 50, 200, 1000]
search = GridSearchCV(pipeline, {"thresholds__slope": slopes}, cv=3)
search.fit(X_train, Y_train)
print("best slope:", search.best_params_["thresholds__slope"])
print(
    f"test micro-F1 of the refitted best pipeline: {search.score(X_test, Y_test):.4f}"
)

# %%
# The cross-validation results
# ----------------------------
# ``score`` is the classifier's ``metric``, micro-F1 by default. The fixed
# threshold 0.5 is drawn for reference, cross-validated the same way: it
# scores below every slope, so the y axis gets room below it, and the
# legend goes above the axes, where it hides neither the line nor the bars.
fixed = clone(pipeline).set_params(thresholds__strategy="default")
baseline = cross_val_score(fixed, X_train, Y_train, cv=3)

results = search.cv_results_
mean, std = results["mean_test_score"], results["std_test_score"]
fig, ax = plt.subplots(figsize=(6, 4))
ax.errorbar(slopes, mean, yerr=std, marker="o", capsize=3, label="learned thresholds")
ax.axhline(baseline.mean(), color="black", linestyle="--", label="fixed threshold 0.5")
ax.set_xscale("log")
ax.margins(y=0.1)
ax.set(xlabel="slope", ylabel="micro-F1 (3-fold CV)")
ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), borderaxespad=0.0, ncols=2)
fig.tight_layout()
for slope, score in zip(slopes, mean, strict=True):
    print(f"slope {slope:>4}: mean CV micro-F1 {score:.4f}")
print(f"fixed 0.5: mean CV micro-F1 {baseline.mean():.4f}")
