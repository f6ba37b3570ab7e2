"""What holding rare labels costs: min_positives against leaving them out.

Labels with fewer than ``min_positives`` tuning positives are held at the
best shared threshold while a strategy tunes the others; their decisions
still count in the metric. This times, on the tagging simulator, each
strategy with no label held, with ``min_positives`` (labels held), and on
the other labels alone (the held labels left out of the problem), in
seconds and in passes over the score matrix (one pass is
``(S > theta).sum(0)``, measured in the same run). Medians of
``--repeats`` runs.

Examples::

    python benchmarks/bench_held_labels.py                      # 20,000 x 527
    python benchmarks/bench_held_labels.py --min-positives 100
    python benchmarks/bench_held_labels.py --tiny               # smoke run
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _timing import pass_time

from skthresh import DegenerateLabelWarning
from skthresh.datasets import make_tagging_scores
from skthresh.strategies import get_strategy


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-labels", type=int, default=527)
    parser.add_argument("--min-positives", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--strategies", default="coordinate,bagged,surrogate")
    parser.add_argument("--tiny", action="store_true", help="smoke run")
    args = parser.parse_args(argv)
    if args.tiny:
        args.n_samples, args.n_labels, args.repeats = 600, 20, 1
    args.strategies = args.strategies.split(",")
    return args


def median_seconds(func, repeats):
    """Median wall time of ``func()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    """Print the table."""
    args = parse_args(argv)
    Y, S = make_tagging_scores(args.n_samples, args.n_labels, random_state=0)
    keep = Y.sum(axis=0) >= args.min_positives
    one_pass = pass_time(S)
    print(
        f"{args.n_samples} x {args.n_labels}, {int((~keep).sum())} labels under "
        f"min_positives={args.min_positives}; one pass = {one_pass * 1e3:.2f} ms\n"
    )
    print("| strategy | none held | held | held labels left out | held / left out |")
    print("|---|---|---|---|---|")
    for name in args.strategies:
        runs = {
            "none": lambda name=name: get_strategy(name).optimize(Y, S),
            "held": lambda name=name: get_strategy(name).optimize(
                Y, S, min_positives=args.min_positives
            ),
            "out": lambda name=name: get_strategy(name).optimize(
                Y[:, keep], S[:, keep]
            ),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            seconds = {k: median_seconds(f, args.repeats) for k, f in runs.items()}
        cells = [
            f"{seconds[k]:.3f} s ({seconds[k] / one_pass:.0f} passes)"
            for k in ("none", "held", "out")
        ]
        ratio = seconds["held"] / seconds["out"]
        print(f"| {name} | {' | '.join(cells)} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
