"""
Thresholds for a deep-learning tagger's scores
==============================================

A trained audio tagger (PANNs, AST, ...) gives a score per clip and tag; all
that is missing is the thresholds. The functional API learns them from
validation scores, without any scikit-learn estimator. Here the scores come
from :func:`~skthresh.datasets.make_tagging_scores`, which simulates a
miscalibrated tagger with a long tail of rare tags, as on AudioSet.
"""

# %%
# Validation and test scores
# --------------------------
# 200 tags, 8,000 validation clips to learn the thresholds, 8,000 test clips
# to score them. In practice these are the outputs of your model, as numpy
# arrays or torch tensors.
from skthresh import apply_thresholds, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.plot import OptimizationHistoryDisplay, ThresholdCurveDisplay
from skthresh.strategies import SurrogateThreshold

Y_val, S_val, Y_test, S_test = make_tagging_scores(
    8000, 200, n_test_samples=8000, random_state=0
)
print(f"{Y_val.sum(axis=0).min()} to {Y_val.sum(axis=0).max()} positives per tag")

# %%
# Learn the thresholds
# --------------------
# :func:`~skthresh.learn_thresholds` takes labels, scores, a strategy and a
# metric. A strategy object is used as it is, so what it learned (its
# ``history_``) can be read afterwards. Tags without a positive validation
# clip would get the best shared threshold, with a
# :class:`~skthresh.DegenerateLabelWarning`.
surrogate = SurrogateThreshold(slope=50, max_iter=100)
thresholds = learn_thresholds(Y_val, S_val, strategy=surrogate, metric="f1_micro")

for name, theta in [
    ("0.5", 0.5),
    ("best shared", learn_thresholds(Y_val, S_val, strategy="global")),
    ("coordinate", learn_thresholds(Y_val, S_val, strategy="coordinate")),
    ("surrogate", thresholds),
]:
    decisions = apply_thresholds(S_test, theta)
    print(f"{name:>12}: test micro-F1 {f1_score(Y_test, decisions):.4f}")

# %%
# The descent
# -----------
# The surrogate starts each tag where it predicts as many positives as it
# has (the proportional cut) if that beats the best shared threshold, and
# keeps the best thresholds it sees;
# :class:`~skthresh.plot.OptimizationHistoryDisplay` draws its objective on
# the validation scores, step by step.
display = OptimizationHistoryDisplay.from_estimator(surrogate)
display.figure_.set_size_inches(6, 4)

# %%
# Per-tag against shared thresholds, on the test clips: the curve is the
# micro-F1 of one threshold shared by all tags, the dashed line the micro-F1
# of the learned per-tag thresholds.
display = ThresholdCurveDisplay.from_predictions(Y_test, S_test, thresholds=thresholds)
display.figure_.set_size_inches(6, 4)

# %%
# The same from the command line
# ------------------------------
# Scores saved by your model, for example with ``numpy.save``, are enough::
#
#     skthresh fit --scores val_scores.npy --labels val_labels.npy \
#         --strategy surrogate --metric f1_micro --out thresholds.json
#     skthresh apply --scores test_scores.npy --thresholds thresholds.json \
#         --out decisions.npy
#     skthresh evaluate --scores test_scores.npy --labels test_labels.npy \
#         --thresholds thresholds.json
#     skthresh compare --scores val_scores.npy --labels val_labels.npy \
#         --test-scores test_scores.npy --test-labels test_labels.npy
#
# ``.npz``, ``.csv`` and ``.tsv`` files work too; ``skthresh COMMAND --help``
# lists the options (see the :ref:`command line reference <cli>`).
