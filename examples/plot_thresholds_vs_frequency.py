"""
Thresholds of rare and frequent labels
======================================

Each label's threshold is learned from that label's tuning samples: a
frequent label has thousands of positives, a rare one a handful, and its
threshold follows their noise. This example draws the learned thresholds
against label frequency with
:class:`~skthresh.plot.ThresholdsVsFrequencyDisplay`, and measures what the
rare labels lose between the tuning and the test data.
"""

# %%
# A long-tailed tagger
# --------------------
# 300 labels whose frequencies follow a power law, 10,000 clips to tune the
# thresholds and 10,000 to test them.
import matplotlib.pyplot as plt
import numpy as np

from skthresh import apply_thresholds, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import multilabel_counts
from skthresh.plot import ThresholdsVsFrequencyDisplay

Y_val, S_val, Y_test, S_test = make_tagging_scores(
    10_000, 300, n_test_samples=10_000, random_state=1
)
counts = Y_val.sum(axis=0)
print(f"positives per label: median {np.median(counts):.0f}, min {counts.min()}")

thresholds = {
    "coordinate": learn_thresholds(Y_val, S_val, strategy="coordinate"),
    "surrogate": learn_thresholds(Y_val, S_val, strategy="surrogate"),
}

# %%
# Thresholds against frequency
# ----------------------------
# Both displays share one axes (the second does not draw the default
# threshold again). On a log scale of frequency, the thresholds of the
# rarest labels scatter most: a few scores decide them.
fig, ax = plt.subplots(figsize=(7, 4.5))
for (name, theta), marker, default in zip(
    thresholds.items(), ["o", "x"], ["auto", None], strict=True
):
    ThresholdsVsFrequencyDisplay.from_predictions(
        Y_val,
        S_val,
        thresholds=theta,
        default_threshold=default,
        name=name,
        ax=ax,
        xscale="log",
        marker=marker,
        alpha=0.6,
    )
fig.tight_layout()

# %%
# What rare labels lose on test data
# ----------------------------------
# The F1 of each label on the tuning data and on the test data, averaged
# within frequency bins. The gap between the two is the overfitting: it is
# widest for rare labels, and widest for the exact search.


def per_label_f1(Y, S, theta):
    tp, pp, pos = multilabel_counts(Y, apply_thresholds(S, theta))
    return np.where(pp + pos > 0, 2 * tp / np.maximum(pp + pos, 1), 0.0)


edges = np.array([0, 20, 50, 200, np.inf])
bins = np.digitize(counts, edges) - 1
labels = [
    f"{int(lo)}-{int(hi) - 1}" if np.isfinite(hi) else f"{int(lo)}+"
    for lo, hi in zip(edges[:-1], edges[1:], strict=True)
]

fig, ax = plt.subplots(figsize=(7, 4))
width = 0.38
for k, (name, theta) in enumerate(thresholds.items()):
    gap = per_label_f1(Y_val, S_val, theta) - per_label_f1(Y_test, S_test, theta)
    mean_gap = [gap[bins == b].mean() for b in range(len(labels))]
    ax.bar(np.arange(len(labels)) + (k - 0.5) * width, mean_gap, width, label=name)
    print(name, "tuning - test F1 by bin:", np.round(mean_gap, 3))
ax.set_xticks(np.arange(len(labels)), labels)
ax.set(xlabel="positive tuning samples of the label", ylabel="tuning F1 - test F1")
ax.legend()
fig.tight_layout()
