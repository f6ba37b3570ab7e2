"""Which threshold generalises for a label whose tuning samples are all positive?

A label with positives but no negatives in the tuning data gives a strategy
nothing to learn from: on the tuning data every threshold below all its
scores is equally good. Three rules are compared on data the thresholds
never saw:

- ``shared``: the best threshold shared by all labels (skthresh <= 0.1);
- ``below``: just below the label's lowest tuning score;
- ``all``: every sample positive.

Two problems: yeast, whose base model (one-vs-rest logistic regression)
is fitted on one half and scores the other; and the tagging simulator with
20 labels and 6 labels per sample, so that several labels are frequent
(labels positive in every sample are dropped: no rule can differ there).
The scored samples are split at random, many times, into a small tuning
set and a test set. Thresholds of the other labels come from coordinate
ascent. Only the splits where some label is all-positive count; for each,
the test micro-F1 and the all-positive labels' own test F1 are recorded.
The table gives the mean difference to ``shared`` and its standard error.

Examples::

    python benchmarks/bench_degenerate_labels.py               # 2,000 splits
    python benchmarks/bench_degenerate_labels.py --tiny        # smoke run
"""

import argparse
import sys
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import DegenerateLabelWarning, learn_thresholds
from skthresh.datasets import load_yeast, make_tagging_scores
from skthresh.metrics import f1_score

RULES = ("shared", "below", "all")


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", type=int, default=2000)
    parser.add_argument(
        "--tuning-sizes", default="5,10,20", help="comma-separated tuning set sizes"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tiny", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.tiny:
        args.splits = 40
    args.tuning_sizes = [int(n) for n in args.tuning_sizes.split(",")]
    return args


def scores_of_held_out_half(seed):
    """Labels and scores of the half of yeast that the base model never saw."""
    X, Y = load_yeast(return_X_y=True)
    X_fit, X_rest, Y_fit, Y_rest = train_test_split(
        X, Y, test_size=0.5, random_state=seed
    )
    base = OneVsRestClassifier(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    ).fit(X_fit, Y_fit)
    return Y_rest, base.predict_proba(X_rest)


def simulated_scores(seed):
    """Simulated tagging scores with frequent labels, none always positive."""
    Y, S = make_tagging_scores(
        4000, 20, mean_labels_per_sample=6, random_state=seed, dtype=np.float64
    )
    keep = Y.mean(axis=0) < 1.0
    return Y[:, keep], S[:, keep]


PROBLEMS = {"yeast": scores_of_held_out_half, "simulator": simulated_scores}


def rule_thresholds(rule, thresholds, labels, S_tune):
    """``thresholds`` with the all-positive ``labels`` set by ``rule``."""
    out = thresholds.copy()
    if rule == "below":
        out[labels] = np.nextafter(S_tune[:, labels].min(axis=0), -np.inf)
    elif rule == "all":
        out[labels] = -1.0  # below every probability
    return out


def run(args, problem):
    """Test F1 of each rule, per tuning size: {n: {kind: {rule: array}}}."""
    Y, S = PROBLEMS[problem](args.seed)
    rng = np.random.default_rng(args.seed)
    results = {}
    for n_tune in args.tuning_sizes:
        micro = {rule: [] for rule in RULES}
        own = {rule: [] for rule in RULES}
        for _ in range(args.splits):
            order = rng.permutation(len(Y))
            tune, test = order[:n_tune], order[n_tune:]
            pos = Y[tune].sum(axis=0)
            labels = np.flatnonzero(pos == n_tune)
            if labels.size == 0:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateLabelWarning)
                thresholds = learn_thresholds(Y[tune], S[tune], strategy="coordinate")
            for rule in RULES:
                theta = rule_thresholds(rule, thresholds, labels, S[tune])
                D = S[test] > theta
                micro[rule].append(f1_score(Y[test], D))
                own[rule].append(f1_score(Y[test][:, labels], D[:, labels]))
        results[n_tune] = {
            "micro": {r: np.asarray(v) for r, v in micro.items()},
            "own": {r: np.asarray(v) for r, v in own.items()},
        }
    return results


def mean_and_se(values):
    """Mean and standard error of the mean."""
    if values.size < 2:
        return float("nan"), float("nan")
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def main(argv=None):
    """Print the table of test-F1 differences to the shared rule."""
    args = parse_args(argv)
    print(
        "| problem | tuning samples | splits with an all-positive label | rule | "
        "test micro-F1 vs shared (pts) | that label's test F1 vs shared (pts) |"
    )
    print("|---|---|---|---|---|---|")
    for problem in PROBLEMS:
        for n_tune, result in run(args, problem).items():
            count = result["micro"]["shared"].size
            for rule in RULES[1:]:
                cells = []
                for kind in ("micro", "own"):
                    diff = 100 * (result[kind][rule] - result[kind]["shared"])
                    mean, se = mean_and_se(diff)
                    cells.append(f"{mean:+.2f} +/- {se:.2f}")
                print(
                    f"| {problem} | {n_tune} | {count} | {rule} | {cells[0]} | "
                    f"{cells[1]} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
