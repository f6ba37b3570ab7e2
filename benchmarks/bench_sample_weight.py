"""What sample_weight costs the strategies that take it: time and memory.

For each strategy of ``available_strategies("sample_weight")`` (``default``
aside) and the micro and macro F1, learns thresholds on simulated float32
tagging scores with and without random weights, and prints a markdown
table: the median time in passes over the score matrix (one pass is
``(S > thresholds).sum(0)``, see ``_timing.pass_time``) and the peak memory
growth of the run (``tracemalloc``) as a multiple of the float32 matrix.

    python benchmarks/bench_sample_weight.py [--n-samples 20000] [--n-labels 200]
"""

import argparse
import sys
import time
import tracemalloc
import warnings

import numpy as np
from _timing import pass_time

from skthresh import DegenerateLabelWarning
from skthresh.datasets import make_tagging_scores
from skthresh.strategies import available_strategies, get_strategy


def measure(name, Y, S, metric, weights, repeats):
    """Median seconds and peak memory growth (bytes) of one ``optimize``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        get_strategy(name).optimize(Y, S, metric, sample_weight=weights)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    get_strategy(name).optimize(Y, S, metric, sample_weight=weights)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return float(np.median(times)), peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--n-labels", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="a smoke run")
    args = parser.parse_args(argv)
    # Small simulated problems may have a label with no negative.
    warnings.simplefilter("ignore", DegenerateLabelWarning)
    if args.tiny:
        args.n_samples, args.n_labels, args.repeats = 300, 6, 1
    Y, S = make_tagging_scores(args.n_samples, args.n_labels, random_state=0)
    Y, S = Y.astype(bool), S.astype(np.float32)
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(S))
    unit = pass_time(S)
    print(
        f"### sample_weight at {args.n_samples} x {args.n_labels} "
        f"(one pass {unit * 1e3:.2f} ms)\n"
    )
    print("| strategy | average | passes | weighted | memory | weighted |")
    print("|---|---|---|---|---|---|")
    for name in available_strategies("sample_weight"):
        if name == "default":
            continue
        for average in ("micro", "macro"):
            metric = f"f1_{average}"
            plain = measure(name, Y, S, metric, None, args.repeats)
            weighted = measure(name, Y, S, metric, weights, args.repeats)
            print(
                f"| {name} | {average} | {plain[0] / unit:.0f} | "
                f"{weighted[0] / unit:.0f} | {plain[1] / S.nbytes:.1f} | "
                f"{weighted[1] / S.nbytes:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
