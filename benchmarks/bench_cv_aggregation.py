"""Cross-fitted and held-out thresholds on new data, against TunedThresholdClassifierCV.

With ``cv=k``, :class:`~skthresh.SurrogateThresholdClassifier` learns its
thresholds from the out-of-fold scores in one of three ways
(``cv_aggregation``): ``pooled`` (the exact best cut of all out-of-fold
scores pooled), ``mean_curve`` (each fold's metric curve averaged over the
folds, the best cut of the mean, as scikit-learn's
``TunedThresholdClassifierCV`` does) and ``smoothed`` (the pooled curve
smoothed over neighbouring cuts). Without ``cv`` it holds out a stratified
30 %.

Four binary problems (breast cancer; ``make_classification`` with 5.5 %
positives; yeast labels 1 and 9 as binary targets), base
``StandardScaler`` + ``LogisticRegression``, exact thresholds
(``strategy="coordinate"``, which for one label is the exact best cut), F1;
stratified 70/30 splits, thresholds learned on the 70 % and F1 measured
on the 30 % they never saw. Each row gives the mean held-out F1 (points)
and the mean paired difference to ``TunedThresholdClassifierCV(scoring="f1")``
at the same data use (``cv=5``, or ``cv=0.3`` for the held-out split), with
the standard error of that difference and its t. Then yeast as a
multi-label problem, one-vs-rest, micro-F1, with the fixed threshold 0.5
and the best shared threshold (``global``) for reference; differences
there are paired against ``pooled``.

Examples::

    python benchmarks/bench_cv_aggregation.py               # 20 splits
    python benchmarks/bench_cv_aggregation.py --tiny        # smoke run
    python benchmarks/bench_cv_aggregation.py --split-timing  # split speed

``--split-timing`` times the stratified held-out split of 100,000 samples
and 1,000 labels (5 labels per sample), in seconds and in passes over a
float32 score matrix of that shape (``benchmarks/_timing.py``), median of 3.
"""

import argparse
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from _timing import pass_time
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score as sk_f1
from sklearn.model_selection import (
    ShuffleSplit,
    StratifiedShuffleSplit,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import (
    DegenerateLabelWarning,
    SurrogateThresholdClassifier,
    learn_thresholds,
)
from skthresh._crossfit import crossfit_thresholds
from skthresh._splitting import held_out_split, stratified_folds
from skthresh.datasets import load_yeast
from skthresh.metrics import f1_score
from skthresh.strategies import configure_strategy

AGGREGATIONS = ("pooled", "mean_curve", "smoothed")


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-multilabel", action="store_true")
    parser.add_argument("--no-binary", action="store_true")
    parser.add_argument("--tiny", action="store_true", help="smoke run")
    parser.add_argument("--split-timing", action="store_true")
    args = parser.parse_args(argv)
    if args.tiny:
        args.splits = 2
    return args


def _base():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def binary_problems(tiny=False):
    """``{name: (X, y)}``: the four binary problems (two, and smaller, if tiny)."""
    X_bc, y_bc = load_breast_cancer(return_X_y=True)
    X_mc, y_mc = make_classification(
        n_samples=600 if tiny else 2000,
        n_features=20,
        n_informative=5,
        weights=[0.945],
        flip_y=0.01,
        random_state=0,
    )
    X_y, Y_y = load_yeast(return_X_y=True)
    Y_y = np.asarray(Y_y)
    if tiny:
        return {
            f"make_classification ({100 * y_mc.mean():.1f} % pos.)": (X_mc, y_mc),
            "yeast label 9": (X_y[:800], Y_y[:800, 9]),
        }
    return {
        "breast cancer": (X_bc, y_bc),
        f"make_classification ({100 * y_mc.mean():.1f} % pos.)": (X_mc, y_mc),
        "yeast label 1": (X_y, Y_y[:, 1]),
        "yeast label 9": (X_y, Y_y[:, 9]),
    }


def cross_fitted(base, X, y, seed, metric):
    """Held-out-ready models of the three aggregations, sharing their fits.

    The classifier with ``cv=5`` fits the same five fold models and the
    same refit whatever ``cv_aggregation`` is; here they are fitted once
    and each aggregation learns its thresholds from the same out-of-fold
    scores, exactly as ``fit`` does (same folds, same strategy).
    """
    Y = y.reshape(-1, 1).astype(bool) if y.ndim == 1 else y.astype(bool)
    folds = stratified_folds(Y, 5, seed)
    parts = []
    for train, test in folds:
        model = clone(base).fit(X[train], y[train])
        parts.append(_scores(model, X[test], Y.shape[1]))
    rows = np.concatenate([test for _, test in folds])
    pooled = learn_thresholds(
        Y[rows], np.concatenate(parts), strategy="coordinate", metric=metric
    )
    strategy = configure_strategy("coordinate", {})
    data = [(Y[test], part, None) for (_, test), part in zip(folds, parts, strict=True)]
    final = clone(base).fit(X, y)
    thresholds = {
        how: crossfit_thresholds(how, data, metric, pooled, 1, strategy)
        for how in AGGREGATIONS
    }
    return final, thresholds


def _scores(model, X, n_labels):
    proba = model.predict_proba(X)
    return proba[:, 1:] if n_labels == 1 else proba


def _binary_methods(seed):
    """``{row: (ours, theirs)}``: each of our set-ups and its sklearn peer."""

    def ours(**params):
        return SurrogateThresholdClassifier(
            _base(), strategy="coordinate", random_state=seed, **params
        )

    def theirs(cv):
        return TunedThresholdClassifierCV(
            _base(), scoring="f1", cv=cv, random_state=seed
        )

    methods = {"cv=5": (None, theirs(5))}
    methods["held out 30 %, stratified"] = (ours(validation_size=0.3), theirs(0.3))
    unstratified = ShuffleSplit(1, test_size=0.3, random_state=seed)
    methods["held out 30 %, unstratified"] = (ours(cv=unstratified), theirs(0.3))
    return methods


def run_binary(args):
    """Held-out F1 of every set-up and of its sklearn peer, split by split."""
    results = {}
    for name, (X, y) in binary_problems(args.tiny).items():
        rows = {}
        splitter = StratifiedShuffleSplit(
            args.splits, test_size=0.3, random_state=args.seed
        )
        for i, (train, test) in enumerate(splitter.split(X, y)):
            for row, (ours, theirs) in _binary_methods(args.seed + i).items():
                theirs.fit(X[train], y[train])
                peer = 100 * sk_f1(y[test], theirs.predict(X[test]))
                if ours is None:
                    final, found = cross_fitted(
                        _base(), X[train], y[train], args.seed + i, "f1_micro"
                    )
                    S = _scores(final, X[test], 1)
                    for how, theta in found.items():
                        f1 = 100 * sk_f1(y[test], (S > theta)[:, 0])
                        rows.setdefault(f"cv=5, {how}", []).append([f1, peer])
                    continue
                ours.fit(X[train], y[train])
                f1 = 100 * sk_f1(y[test], ours.predict(X[test]))
                rows.setdefault(row, []).append([f1, peer])
        results[name] = {row: np.asarray(v) for row, v in rows.items()}
    return results


def run_multilabel(args):
    """Held-out micro-F1 on yeast, one-vs-rest, split by split."""
    X, Y = load_yeast(return_X_y=True)
    Y = np.asarray(Y)
    base = OneVsRestClassifier(_base())
    setups = {"held out 30 %": dict(strategy="coordinate")}
    setups["held out 30 %, global"] = dict(strategy="global")
    setups["fixed 0.5"] = dict(strategy="default")
    rows = {}
    for i in range(args.splits):
        X_tr, X_te, Y_tr, Y_te = train_test_split(
            X, Y, test_size=0.3, random_state=args.seed + i
        )
        final, found = cross_fitted(base, X_tr, Y_tr, args.seed + i, "f1_micro")
        S = _scores(final, X_te, Y.shape[1])
        for how, theta in found.items():
            rows.setdefault(f"cv=5, {how}", []).append(100 * f1_score(Y_te, S > theta))
        for row, params in setups.items():
            clf = SurrogateThresholdClassifier(
                base, random_state=args.seed + i, **params
            )
            clf.fit(X_tr, Y_tr)
            rows.setdefault(row, []).append(100 * f1_score(Y_te, clf.predict(X_te)))
    return {row: np.asarray(v) for row, v in rows.items()}


def _paired(diff):
    se = diff.std(ddof=1) / np.sqrt(diff.size) if diff.size > 1 else float("nan")
    t = diff.mean() / se if se > 0 else float("nan")
    return diff.mean(), se, t


def print_binary(results, splits):
    print(
        f"### Binary problems, held-out F1 (points), {splits} stratified 70/30 splits"
    )
    print()
    print(
        "| problem | set-up | ours | TunedThresholdClassifierCV | ours - theirs "
        "(SE, t) |"
    )
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        for row, pairs in rows.items():
            mean, se, t = _paired(pairs[:, 0] - pairs[:, 1])
            print(
                f"| {name} | {row} | {pairs[:, 0].mean():.2f} | "
                f"{pairs[:, 1].mean():.2f} | {mean:+.2f} ({se:.2f}, {t:+.1f}) |"
            )
    print()
    print("Mean over the four problems of ours - theirs:")
    print()
    for row in next(iter(results.values())):
        diffs = [
            rows[row][:, 0].mean() - rows[row][:, 1].mean() for rows in results.values()
        ]
        print(f"- {row}: {np.mean(diffs):+.2f} (worst {min(diffs):+.2f})")
    print()


def print_multilabel(rows, splits):
    print(f"### Yeast, one-vs-rest, held-out micro-F1 (points), {splits} splits")
    print()
    print("| set-up | micro-F1 | minus cv=5 pooled (SE, t) |")
    print("|---|---|---|")
    reference = rows["cv=5, pooled"]
    for row, values in rows.items():
        mean, se, t = _paired(values - reference)
        print(f"| {row} | {values.mean():.2f} | {mean:+.2f} ({se:.2f}, {t:+.1f}) |")
    print()


def split_timing(n_samples=100_000, n_labels=1_000):
    """Median seconds of the stratified split, and the same in passes."""
    Y = sp.random(
        n_samples, n_labels, density=5 / n_labels, random_state=0, format="csr"
    )
    Y.data[:] = 1
    times = []
    for seed in range(3):
        tick = time.perf_counter()
        held_out_split(Y, 0.3, seed)
        times.append(time.perf_counter() - tick)
    S = np.random.default_rng(0).random((n_samples, n_labels), dtype=np.float32)
    seconds = float(np.median(times))
    print(
        f"Stratified held-out split, {n_samples:,} x {n_labels:,} labels: "
        f"{seconds:.2f} s = {seconds / pass_time(S, repeats=5):.0f} passes"
    )


def main(argv=None):
    args = parse_args(argv)
    if args.split_timing:
        split_timing()
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateLabelWarning)
        if not args.no_binary:
            print_binary(run_binary(args), args.splits)
        if not args.no_multilabel:
            print_multilabel(run_multilabel(args), args.splits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
