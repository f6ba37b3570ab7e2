"""Which thresholds generalise: held-out F1 over repeated random splits.

Multi-label section: on each problem, the data are split at random many
times into a training part (which fits the base model, once per split), a
tuning part and a test part. The base model scores the tuning and test
parts, and every strategy learns its thresholds from the same tuning
scores (micro-F1), so that strategies are compared on the same scores.
The table gives the mean held-out micro- and macro-F1 of each strategy,
and the mean paired difference of ``shrunk`` minus each other strategy
with its standard error (micro-F1, in points). Problems:

- yeast (14 labels, ~480 tuning rows) with three bases: one-vs-rest
  logistic regression, a random forest, k-nearest neighbours;
- the digits images (8x8) with five derived labels (even, greater than 4,
  prime, has a loop: 0/6/8/9, is 1 or 7) and one-vs-rest logistic
  regression (449 tuning rows);
- the tagging simulator, 527 labels, with 500, 2,000 and 20,000 tuning
  clips and 20,000 test clips (a fresh draw per split; no base model).

Binary section: four problems (breast cancer; ``make_classification``
with 5.5 % positives; yeast labels 1 and 9), the same base (scaler and
logistic regression) for scikit-learn's ``TunedThresholdClassifierCV``
(``scoring="f1"``) and ``SurrogateThresholdClassifier`` (``coordinate``
and the default ``surrogate``), 100 stratified 70/30 splits, held-out F1:
the mean paired difference ours minus theirs with its t statistic, for
``cv=5`` on both sides, and for a held-out 30 % split
(``validation_size=0.3`` against ``cv=0.3``). The classifier is used as
it is, with its own folds or split; two more columns give it the very
folds or split scikit-learn uses, which separates the threshold rule from
the luck of the split.

Examples::

    python benchmarks/bench_generalisation.py                 # everything
    python benchmarks/bench_generalisation.py --quick         # a few minutes
    python benchmarks/bench_generalisation.py --sections binary --binary-splits 20
    python benchmarks/bench_generalisation.py --problems yeast-logistic,digits
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    StratifiedKFold,
    StratifiedShuffleSplit,
    TunedThresholdClassifierCV,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import DegenerateLabelWarning, SurrogateThresholdClassifier
from skthresh.datasets import load_yeast, make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import available_strategies, configure_strategy

STRATEGIES = ("default", "global", "coordinate", "surrogate", "shrunk")
MULTILABEL = (
    "yeast-logistic",
    "yeast-forest",
    "yeast-knn",
    "digits",
    "sim-500",
    "sim-2000",
    "sim-20000",
)
BINARY = ("breast-cancer", "classification-5.5%", "yeast-label-1", "yeast-label-9")


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections",
        default="multilabel,binary",
        help="comma-separated: multilabel, binary (default: both)",
    )
    parser.add_argument(
        "--problems",
        default=",".join(MULTILABEL),
        help=f"comma-separated multi-label problems among {', '.join(MULTILABEL)}",
    )
    parser.add_argument(
        "--binary-problems",
        default=",".join(BINARY),
        help=f"comma-separated binary problems among {', '.join(BINARY)}",
    )
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help="comma-separated strategies; 'shrunk' is compared with the others",
    )
    parser.add_argument(
        "--splits",
        type=int,
        default=None,
        help="multi-label splits (default: 40 on yeast and digits, whose "
        "differences are a tenth of a point, 10 on the simulator)",
    )
    parser.add_argument(
        "--binary-splits",
        type=int,
        default=100,
        help="binary splits (default 100: the differences are tenths of a point)",
    )
    parser.add_argument(
        "--binary-strategies",
        default="coordinate,surrogate",
        help="comma-separated strategies of the classifier on the binary problems",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5 multi-label and 6 binary splits, simulator up to 2,000 clips",
    )
    parser.add_argument("--tiny", action="store_true", help="smoke run (tests)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.sections = _names(parser, args.sections, ("multilabel", "binary"), "section")
    args.problems = _names(parser, args.problems, MULTILABEL, "problem")
    args.binary_problems = _names(parser, args.binary_problems, BINARY, "problem")
    args.strategies = _names(parser, args.strategies, None, "strategy")
    args.binary_strategies = _names(parser, args.binary_strategies, None, "strategy")
    if args.quick:
        args.splits, args.binary_splits = 5, 6
        args.problems = [p for p in args.problems if p != "sim-20000"]
    if args.tiny:
        args.splits, args.binary_splits = 2, 2
    return args


def _splits_of(name, splits):
    """The number of splits of a multi-label problem: given, or its default."""
    if splits is not None:
        return splits
    return 10 if name.startswith("sim-") else 40


def _names(parser, text, allowed, what):
    names = [name.strip() for name in text.split(",") if name.strip()]
    if allowed is None:
        allowed = available_strategies()
    unknown = [name for name in names if name not in allowed]
    if unknown:
        parser.error(f"unknown {what} {unknown}; choose among {list(allowed)}")
    return names


# -- multi-label problems: scores of a frozen base model per split -------------


def _proba(model, X):
    """An (n, L) matrix of positive-class probabilities."""
    raw = model.predict_proba(X)
    if isinstance(raw, list):
        return np.column_stack(
            [p[:, -1] if p.shape[1] > 1 else np.zeros(len(X)) for p in raw]
        )
    return raw


def _digits_labels(y):
    return np.column_stack(
        [
            y % 2 == 0,
            y > 4,
            np.isin(y, [2, 3, 5, 7]),
            np.isin(y, [0, 6, 8, 9]),
            np.isin(y, [1, 7]),
        ]
    ).astype(np.int64)


def _base(name, seed):
    if name in ("yeast-logistic", "digits"):
        return OneVsRestClassifier(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        )
    if name == "yeast-forest":
        return RandomForestClassifier(n_estimators=200, n_jobs=2, random_state=seed)
    return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))


def multilabel_splits(name, n_splits, seed, tiny=False):
    """Yield ``(Y_tune, S_tune, Y_test, S_test)`` of each split."""
    if name.startswith("sim-"):
        n_tune = int(name.split("-")[1])
        n_labels, n_test = (527, 20000) if not tiny else (40, 2000)
        n_tune = n_tune if not tiny else min(n_tune, 500)
        for split in range(n_splits):
            yield make_tagging_scores(
                n_tune, n_labels, n_test_samples=n_test, random_state=seed + split
            )
        return
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        Y, tune_share = _digits_labels(y), 0.25
    else:
        X, Y = load_yeast(return_X_y=True)
        Y, tune_share = np.asarray(Y), 0.2
    n = len(X)
    for split in range(n_splits):
        rng = np.random.RandomState(seed + split)
        order = rng.permutation(n)
        n_train, n_tune = n // 2, int(round(tune_share * n))
        train, tune = order[:n_train], order[n_train : n_train + n_tune]
        test = order[n_train + n_tune :]
        if tiny:
            train, test = train[:300], test[:300]
        model = _base(name, seed + split).fit(X[train], Y[train])
        yield Y[tune], _proba(model, X[tune]), Y[test], _proba(model, X[test])


def run_multilabel(name, strategies, n_splits, seed, tiny=False):
    """Held-out (micro, macro) F1 of each strategy: array (splits, strategies, 2)."""
    results = []
    for Y_tune, S_tune, Y_test, S_test in multilabel_splits(name, n_splits, seed, tiny):
        row = []
        for strategy in strategies:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateLabelWarning)
                chosen = configure_strategy(strategy, random_state=seed)
                thresholds = chosen.optimize(Y_tune, S_tune, "f1_micro")
            decisions = S_test > thresholds
            row.append(
                [
                    f1_score(Y_test, decisions, average="micro"),
                    f1_score(Y_test, decisions, average="macro"),
                ]
            )
        results.append(row)
    return 100.0 * np.asarray(results)


def multilabel_table(name, strategies, results):
    """Markdown table of one problem."""
    lines = [
        f"### {name} ({results.shape[0]} splits)",
        "",
        "| strategy | micro-F1 | macro-F1 | shrunk - this (micro) | s.e. |",
        "|---|---|---|---|---|",
    ]
    me = strategies.index("shrunk") if "shrunk" in strategies else None
    best = max(range(len(strategies)), key=lambda i: results[:, i, 0].mean())
    for i, strategy in enumerate(strategies):
        micro, macro = results[:, i, 0].mean(), results[:, i, 1].mean()
        shown = f"**{micro:.2f}**" if i == best else f"{micro:.2f}"
        diff = se = ""
        if me is not None and i != me:
            d = results[:, me, 0] - results[:, i, 0]
            diff = f"{d.mean():+.2f}"
            se = f"{d.std(ddof=1) / np.sqrt(d.size):.2f}" if d.size > 1 else "-"
        lines.append(f"| {strategy} | {shown} | {macro:.2f} | {diff} | {se} |")
    return "\n".join(lines)


# -- binary problems: against scikit-learn's TunedThresholdClassifierCV ---------


def binary_problem(name, seed):
    """``(X, y)`` of a binary problem."""
    if name == "breast-cancer":
        return load_breast_cancer(return_X_y=True)
    if name == "classification-5.5%":
        return make_classification(
            n_samples=2000, n_features=20, weights=[0.945], random_state=seed
        )
    X, Y = load_yeast(return_X_y=True)
    return X, np.asarray(Y)[:, int(name.rsplit("-", 1)[1])]


def _logistic():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


BINARY_USES = ("cv=5", "cv=5, same folds", "held-out 30%", "held-out 30%, same split")


def _data_uses(seed):
    """``{use: (our parameters, their cv)}``: the same data use on both sides.

    The first of each pair lets the classifier draw its own folds or split
    (stratified, as it does by default); the "same" rows give it the very
    folds or split that ``TunedThresholdClassifierCV`` uses (its ``cv=5``
    is ``StratifiedKFold(5)``; its ``cv=0.3`` a ``StratifiedShuffleSplit``
    seeded by its ``random_state``), which leaves only the way each turns
    the held-out scores into a threshold.
    """
    same_split = StratifiedShuffleSplit(1, test_size=0.3, random_state=seed)
    return {
        "cv=5": ({"cv": 5}, 5),
        "cv=5, same folds": ({"cv": StratifiedKFold(5)}, 5),
        "held-out 30%": ({"validation_size": 0.3}, 0.3),
        "held-out 30%, same split": ({"cv": same_split}, 0.3),
    }


def run_binary(name, strategies, n_splits, seed, tiny=False):
    """Held-out F1 differences ours minus theirs: dict (strategy, use) -> array."""
    X, y = binary_problem(name, seed)
    if tiny:
        X, y = X[:400], y[:400]
    splitter = StratifiedShuffleSplit(n_splits, test_size=0.3, random_state=seed)
    diffs = {}
    for train, test in splitter.split(X, y):
        for use, (ours_cv, their_cv) in _data_uses(seed).items():
            theirs = TunedThresholdClassifierCV(
                _logistic(), scoring="f1", cv=their_cv, random_state=seed
            ).fit(X[train], y[train])
            f_theirs = f1_score(y[test], theirs.predict(X[test]), average="micro")
            for strategy in strategies:
                ours = SurrogateThresholdClassifier(
                    _logistic(), strategy=strategy, random_state=seed, **ours_cv
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DegenerateLabelWarning)
                    ours.fit(X[train], y[train])
                f_ours = f1_score(y[test], ours.predict(X[test]), average="micro")
                diffs.setdefault((strategy, use), []).append(100 * (f_ours - f_theirs))
    return {key: np.asarray(value) for key, value in diffs.items()}


def binary_table(results, n_splits):
    """Markdown table: mean paired difference (t) per problem, strategy and use.

    Then, per strategy and data use, the mean over the problems and the
    worst problem.
    """
    keys = list(next(iter(results.values())))
    uses = list(dict.fromkeys(use for _, use in keys))
    strategies = list(dict.fromkeys(strategy for strategy, _ in keys))
    lines = [
        f"### Binary: ours minus TunedThresholdClassifierCV, held-out F1 points "
        f"({n_splits} splits; t in brackets)",
        "",
        f"| problem | strategy | {' | '.join(uses)} |",
        "|---" * (len(uses) + 2) + "|",
    ]
    for name, diffs in results.items():
        for strategy in strategies:
            cells = []
            for use in uses:
                d = diffs[strategy, use]
                se = d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else 0.0
                t = d.mean() / se if se > 0 else 0.0
                cells.append(f"{d.mean():+.2f} ({t:+.1f})")
            lines.append(f"| {name} | {strategy} | {' | '.join(cells)} |")
    lines += ["", "Mean over the problems (worst problem):", ""]
    for strategy in strategies:
        cells = []
        for use in uses:
            means = [diffs[strategy, use].mean() for diffs in results.values()]
            cells.append(f"{use} {np.mean(means):+.2f} ({min(means):+.2f})")
        lines.append(f"- {strategy}: " + "; ".join(cells))
    return "\n".join(lines)


def main(argv=None):
    """Run the chosen sections and print Markdown tables."""
    args = parse_args(argv)
    if "multilabel" in args.sections:
        for name in args.problems:
            start = time.perf_counter()
            results = run_multilabel(
                name,
                args.strategies,
                _splits_of(name, args.splits),
                args.seed,
                args.tiny,
            )
            print(multilabel_table(name, args.strategies, results))
            print(f"\n({time.perf_counter() - start:.0f} s)\n", flush=True)
    if "binary" in args.sections:
        results = {}
        for name in args.binary_problems:
            results[name] = run_binary(
                name, args.binary_strategies, args.binary_splits, args.seed, args.tiny
            )
        print(binary_table(results, args.binary_splits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
