"""Record every strategy's thresholds on the benchmark problems, or compare.

A refactoring must not move a single threshold. This script learns the
thresholds of every registered strategy (default parameters, seeded) for
several metrics on the problems of ``bench_strategies.py`` and of the scale
benchmark (arrays, a ``ScoreSummary`` and held rare labels), saves them to
an ``.npz``, and, given an earlier snapshot, reports every difference bit
for bit.

Examples::

    python benchmarks/thresholds_snapshot.py --out before.npz        # on the old code
    python benchmarks/thresholds_snapshot.py --out after.npz --compare before.npz
    python benchmarks/thresholds_snapshot.py --tiny --out /tmp/t.npz  # smoke run
    python benchmarks/thresholds_snapshot.py --scale --out scale.npz  # 100,000 x 2,000
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import ScoreSummary
from skthresh.datasets import load_yeast, make_tagging_scores
from skthresh.strategies import available_strategies, get_strategy

# Strategies run on the samples average too (the others on micro and macro).
SAMPLES_PROBLEMS = ("yeast-logistic", "sim-small")
# The strategies and problem of the scale benchmark (bench_scale.py).
SCALE_STRATEGIES = ("surrogate", "coordinate", "global", "heuristic")


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the .npz to write")
    parser.add_argument("--compare", help="an earlier snapshot to compare with")
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-labels", type=int, default=527)
    parser.add_argument(
        "--tiny", action="store_true", help="smoke run: small problems only"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="instead: the scale benchmark's strategies at 100,000 x 2,000 (micro)",
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.n_samples, args.n_labels = 300, 10
    return args


def problems(args):
    """Yield (name, Y, S) tuning problems."""
    if args.scale:
        Y, S = make_tagging_scores(100_000, 2_000, random_state=0)
        yield "scale-100000x2000", Y, S
        return
    Y, S = make_tagging_scores(args.n_samples, args.n_labels, random_state=0)
    yield "sim", Y, S
    Y, S = make_tagging_scores(
        args.n_samples, args.n_labels, output="logit", random_state=1
    )
    yield "sim-logits", Y, S
    Y, S = make_tagging_scores(max(200, args.n_samples // 10), 40, random_state=2)
    yield "sim-small", Y, S
    X, Y = load_yeast(return_X_y=True)
    X_rest, _, Y_rest, _ = train_test_split(X, Y, test_size=0.3, random_state=0)
    X_fit, X_val, Y_fit, Y_val = train_test_split(
        X_rest, Y_rest, test_size=0.2, random_state=0
    )
    bases = {
        "logistic": OneVsRestClassifier(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        ),
        "forest": RandomForestClassifier(n_estimators=50, random_state=0),
        "mlp": make_pipeline(
            StandardScaler(), MLPClassifier(max_iter=300, random_state=0)
        ),
    }
    for name, base in bases.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            base.fit(X_fit, Y_fit)
            proba = base.predict_proba(X_val)
        if isinstance(proba, list):
            proba = np.column_stack([p[:, 1] for p in proba])
        yield f"yeast-{name}", Y_val, np.asarray(proba, dtype=np.float64)


def runs(name, Y, S):
    """Yield (key, callable) for every strategy, metric and input form."""
    metrics = ["f1_micro", "f1_macro"]
    if name in SAMPLES_PROBLEMS:
        metrics.append("f1_samples")
    strategies, forms = (
        available_strategies(),
        ("arrays", "summary", "min_positives=10"),
    )
    if name.startswith("scale-"):
        metrics, strategies, forms = ["f1_micro"], SCALE_STRATEGIES, ("arrays",)
    for strategy in strategies:
        for metric in metrics:
            for form in forms:
                if form == "summary" and metric == "f1_samples":
                    continue
                key = f"{name}/{strategy}/{metric}/{form}"
                yield key, _runner(strategy, metric, form, Y, S)


def _runner(strategy, metric, form, Y, S):
    def run():
        obj = get_strategy(strategy)
        if "random_state" in obj.get_params():
            obj.set_params(random_state=0)
        if form == "summary":
            return obj.optimize(ScoreSummary.from_arrays(Y, S), metric=metric)
        min_positives = 10 if form == "min_positives=10" else 1
        return obj.optimize(Y, S, metric, min_positives=min_positives)

    return run


def main(argv=None):
    """Write the snapshot, and compare it with an earlier one if asked."""
    args = parse_args(argv)
    result, failed = {}, {}
    start = time.perf_counter()
    for name, Y, S in problems(args):
        for key, run in runs(name, Y, S):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    result[key] = run()
                except ValueError as exc:  # a strategy that refuses the input
                    failed[key] = str(exc).splitlines()[0]
    np.savez(args.out, **result)
    print(
        f"{len(result)} threshold vectors, {len(failed)} refusals, "
        f"{time.perf_counter() - start:.1f} s -> {args.out}"
    )
    if not args.compare:
        return 0
    before = dict(np.load(args.compare))
    keys = sorted(set(before) | set(result))
    differ = [
        k
        for k in keys
        if k not in before
        or k not in result
        or before[k].tobytes() != np.asarray(result[k], dtype=np.float64).tobytes()
    ]
    print(
        f"compared with {args.compare}: {len(keys) - len(differ)} of {len(keys)} "
        "bit-identical"
    )
    for k in differ:
        print(f"  differs: {k}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
