"""Held-out precision and recall at a precision floor, with and without confidence.

Thresholds learned for ``RecallAtPrecision(floor)`` meet the floor on the
tuning data by construction; this measures how often they still meet it on
data they never saw, and what the ``confidence`` option (per label: a
fixed-sequence walk down each label's cuts, each tested on a one-sided
Clopper-Pearson bound; pooled: solutions fitted on one half of the tuning
data and walked on the other) buys and costs. Over repeated random splits:

(a) yeast: a one-vs-rest logistic regression fitted on half of the genes
    (frozen for the split), thresholds learned on a quarter, measured on
    the last quarter;
(b) the simulator ``make_tagging_scores``: a fresh tuning and test draw
    per split.

For each floor (0.7 and 0.9 by default), each average (``label``: every
label at the floor; ``micro``: the pooled precision at the floor) and each
confidence, the tables give the held-out precision and recall and the
fraction of cases where the held-out precision meets the floor: per label,
over the (split, label) pairs whose label met the floor on the tuning data
and predicts something on the test data (and the splits where all of them
do); pooled, over the splits where the pooled floor held on the tuning
data and something is predicted on the test data. The recall cost of
``confidence`` is the paired difference of the held-out recall (mean and
standard error over splits).
For context, the held-out precision of the best-F1 thresholds (per label:
``f1_macro``; pooled: ``f1_micro``).

Examples::

    python benchmarks/bench_operating_points.py                 # 20 splits each
    python benchmarks/bench_operating_points.py --floors 0.8 --confidence 0.9
    python benchmarks/bench_operating_points.py --tiny          # smoke run
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skthresh import UnreachableFloorWarning
from skthresh.datasets import load_yeast, make_tagging_scores
from skthresh.metrics import RecallAtPrecision
from skthresh.strategies import get_strategy


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--floors", type=float, nargs="+", default=[0.7, 0.9], help="precision floors"
    )
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--splits", type=int, default=20, help="yeast splits")
    parser.add_argument("--sim-splits", type=int, default=20)
    parser.add_argument("--sim-samples", type=int, default=4000)
    parser.add_argument("--sim-labels", type=int, default=50)
    parser.add_argument("--strategy", default="coordinate")
    parser.add_argument("--no-yeast", action="store_true")
    parser.add_argument("--no-sim", action="store_true")
    parser.add_argument("--tiny", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.tiny:
        args.splits, args.sim_splits = 2, 2
        args.sim_samples, args.sim_labels = 600, 8
    return args


def yeast_splits(n_splits):
    """(Y_tune, S_tune, Y_test, S_test) per split, a logistic model per split."""
    X, Y = load_yeast(return_X_y=True)
    for seed in range(n_splits):
        X_fit, X_rest, Y_fit, Y_rest = train_test_split(
            X, Y, test_size=0.5, random_state=seed
        )
        X_tune, X_test, Y_tune, Y_test = train_test_split(
            X_rest, Y_rest, test_size=0.5, random_state=seed
        )
        base = OneVsRestClassifier(LogisticRegression(max_iter=1000))
        base.fit(X_fit, Y_fit)
        yield Y_tune, base.predict_proba(X_tune), Y_test, base.predict_proba(X_test)


def simulator_splits(n_splits, n_samples, n_labels):
    """(Y_tune, S_tune, Y_test, S_test) per split: fresh draws of the simulator."""
    for seed in range(n_splits):
        yield make_tagging_scores(
            n_samples, n_labels, n_test_samples=n_samples, random_state=seed
        )


def counts(Y, decisions):
    """True, predicted and actual positives per label."""
    Y = np.asarray(Y, dtype=bool)
    return (Y & decisions).sum(0), decisions.sum(0), Y.sum(0)


def learn(strategy, Y, S, metric):
    """Thresholds and, for a floor, where it held on the tuning data."""
    strategy = get_strategy(strategy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreachableFloorWarning)
        thresholds = strategy.optimize(Y, S, metric)
    met = getattr(strategy, "constraint_met_", None)
    return thresholds, np.ones(Y.shape[1], bool) if met is None else np.asarray(met)


def run_split(Y_tune, S_tune, Y_test, S_test, args, floor):
    """Held-out figures of each setting on one split."""
    out = {}
    settings = [
        (average, confidence)
        for average in ("label", "micro")
        for confidence in (None, args.confidence)
    ]
    for average, confidence in settings:
        metric = RecallAtPrecision(floor, average=average, confidence=confidence)
        thresholds, met = learn(args.strategy, Y_tune, S_tune, metric)
        tp, pp, pos = counts(Y_test, S_test > thresholds)
        if average == "label":
            judged = met & (pp > 0)
            precision = tp[judged] / pp[judged]
            out[average, confidence] = {
                "meets": precision >= floor,
                "precision": precision,
                "recall": metric.score(Y_test, S_test > thresholds),
                "labels": int(met.sum()),
            }
        else:
            # Judged where the floor held on the tuning data and something
            # is predicted, as per label: predicting nothing claims nothing.
            judged = bool(np.asarray(met).all()) and pp.sum() > 0
            pooled = np.array([tp.sum() / max(pp.sum(), 1)] if judged else [])
            out[average, confidence] = {
                "meets": pooled >= floor,
                "precision": pooled,
                "recall": tp.sum() / max(pos.sum(), 1),
                "labels": int(np.asarray(met).all()),
            }
    for average, name in (("label", "f1_macro"), ("micro", "f1_micro")):
        thresholds, _ = learn(args.strategy, Y_tune, S_tune, name)
        tp, pp, pos = counts(Y_test, S_test > thresholds)
        if average == "label":
            precision = tp[pp > 0] / pp[pp > 0]
            recall = np.mean(np.where(pos > 0, tp / np.maximum(pos, 1), 0.0))
        else:
            precision = np.array([tp.sum() / max(pp.sum(), 1)])
            recall = tp.sum() / max(pos.sum(), 1)
        out[average, "f1"] = {
            "meets": precision >= floor,
            "precision": precision,
            "recall": recall,
            "labels": len(precision),
        }
    return out


def report(title, results, args, floor):
    """Print one problem's table at one floor."""
    n = len(results)
    print(f"### {title}: {n} splits, precision floor {floor:g}\n")
    print(
        "| average | thresholds | held-out precision >= floor | mean held-out "
        "precision | mean held-out recall | labels at the floor (tuning) |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for average in ("label", "micro"):
        for setting in (None, args.confidence, "f1"):
            rows = [r[average, setting] for r in results]
            meets = np.concatenate([r["meets"] for r in rows])
            precision = np.concatenate([r["precision"] for r in rows])
            recall = np.array([r["recall"] for r in rows])
            if setting == "f1":
                name = "best F1 (" + ("f1_macro" if average == "label" else "f1_micro")
                name += ", for context)"
            else:
                name = "floor" if setting is None else f"floor, confidence={setting:g}"
            unit = "pairs" if average == "label" else "splits"
            labels = np.mean([r["labels"] for r in rows])
            shown = f"{labels:.1f}" if average == "label" else f"{labels:.0%} of splits"
            if setting == "f1":
                shown = "-"
            share = f"{meets.mean():.0%}" if meets.size else "-"
            mean = f"{precision.mean():.3f}" if precision.size else "-"
            print(
                f"| {average} | {name} | {share} ({meets.sum()}/{meets.size} "
                f"{unit}) | {mean} | {recall.mean():.3f} | {shown} |"
            )
    print()
    for setting in (None, args.confidence):
        judged = [r["label", setting]["meets"] for r in results]
        judged = [meets for meets in judged if meets.size]
        every = sum(bool(meets.all()) for meets in judged)
        name = "floor" if setting is None else f"confidence={setting:g}"
        print(
            f"- per label, {name}: splits where every label at the floor meets it "
            f"on the held-out data: {every}/{len(judged)} (splits with a label "
            "at the floor)"
        )
    for average in ("label", "micro"):
        plain = np.array([r[average, None]["recall"] for r in results])
        bound = np.array([r[average, args.confidence]["recall"] for r in results])
        cost = plain - bound
        se = cost.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
        print(
            f"- recall cost of confidence={args.confidence:g} ({average}): "
            f"{cost.mean():.3f} (standard error of the paired difference {se:.3f})"
        )
    print()


def main(argv=None):
    """Run the benchmark; print one table per problem."""
    args = parse_args(argv)
    given = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"command: python benchmarks/bench_operating_points.py {given}".rstrip())
    print(f"strategy: {args.strategy}\n")
    start = time.perf_counter()
    problems = []
    if not args.no_yeast:
        problems.append(
            ("Yeast, one-vs-rest logistic regression", list(yeast_splits(args.splits)))
        )
    if not args.no_sim:
        splits = simulator_splits(args.sim_splits, args.sim_samples, args.sim_labels)
        title = f"Simulator, {args.sim_samples} x {args.sim_labels}"
        problems.append((title, list(splits)))
    for title, splits in problems:
        for floor in args.floors:
            results = [run_split(*split, args, floor) for split in splits]
            report(title, results, args, floor)
    print(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
