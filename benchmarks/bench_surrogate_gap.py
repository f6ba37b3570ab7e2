"""The surrogate's gap to exact coordinate ascent, and what closes it.

On the AudioSet-like simulator, ``make_tagging_scores(n, L,
n_test_samples=min(n, 50000), random_state=seed, output=output)``, with
scores below an optional floor set to 0 (tuning and test alike, as taggers
that return sparse scores give them), for each problem: the coordinate
strategy, then the surrogate with its defaults and with each of its
defaults in turn set otherwise:

- ``init="global"``: start every label from the best shared threshold;
- ``init="rate"``: start every label from the proportional cut (each label
  predicting as many positives as it has), where the default starts only
  the labels that gain there alone;
- ``slope_growth=1.0``: a fixed slope instead of one growing fourfold;
- the earlier defaults together (``slope=100, slope_growth=1.0,
  init="global"``).

Each row gives the tuning micro-F1 (the objective), the gap to coordinate
ascent in points of micro-F1, and the micro-F1 on the held-out clips, next
to the fixed threshold (0.5 for probabilities, 0 for logits). Time is one
run, also in passes (one ``(S > thresholds).sum(0)`` on the float32 tuning
matrix, median of several, in the same run).

Examples::

    python benchmarks/bench_surrogate_gap.py            # six problems
    python benchmarks/bench_surrogate_gap.py --tiny     # smoke run
    python benchmarks/bench_surrogate_gap.py --problems 20000x527:0:proba
    python benchmarks/bench_surrogate_gap.py --problems 20000x2000:0:proba:0.01
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _timing import git_commit, pass_time

from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import (
    CoordinateAscent,
    DegenerateLabelWarning,
    SurrogateThreshold,
)

DEFAULT_PROBLEMS = (
    "20000x527:0:proba,20000x527:1:proba,20000x527:2:proba,"
    "20000x527:0:logit,100000x2000:0:proba,20000x2000:0:proba:0.01"
)

VARIANTS = (
    ("surrogate (defaults)", {}),
    ('surrogate, init="global"', {"init": "global"}),
    ('surrogate, init="rate"', {"init": "rate"}),
    ("surrogate, slope_growth=1", {"slope_growth": 1.0}),
    (
        "surrogate, earlier defaults",
        {"slope": 100.0, "slope_growth": 1.0, "init": "global"},
    ),
)


def parse_problem(text):
    """``NxL:seed:output[:floor]`` -> (n_samples, n_labels, seed, output, floor)."""
    try:
        size, seed, output, *rest = text.split(":")
        n, L = (int(v) for v in size.lower().split("x"))
        seed = int(seed)
        (floor,) = [float(v) for v in rest] or [0.0]
    except ValueError:
        raise argparse.ArgumentTypeError(
            "a problem is NxL:seed:output[:floor], e.g. 20000x527:0:proba or "
            f"20000x2000:0:proba:0.01; got {text!r}"
        ) from None
    if output not in ("proba", "logit"):
        raise argparse.ArgumentTypeError(
            f"output must be 'proba' or 'logit'; got {output!r} in {text!r}"
        )
    return n, L, seed, output, floor


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--problems",
        default=DEFAULT_PROBLEMS,
        help="comma-separated NxL:seed:output (output: proba or logit)",
    )
    parser.add_argument("--tiny", action="store_true", help="one 2000x40 problem")
    args = parser.parse_args(argv)
    text = "2000x40:0:proba" if args.tiny else args.problems
    args.problems = [parse_problem(p) for p in text.split(",")]
    return args


def run_problem(n, L, seed, output, floor=0.0):
    """Print the table of one problem; return its rows."""
    Y, S, Y_test, S_test = make_tagging_scores(
        n, L, n_test_samples=min(n, 50000), random_state=seed, output=output
    )
    if floor:
        S = np.where(S < floor, 0, S).astype(S.dtype)
        S_test = np.where(S_test < floor, 0, S_test).astype(S_test.dtype)
    one_pass = pass_time(S)
    fixed = 0.5 if output == "proba" else 0.0
    rows = []
    strategies = [("coordinate", CoordinateAscent())]
    strategies += [(name, SurrogateThreshold(**params)) for name, params in VARIANTS]
    for name, strategy in strategies:
        with warnings.catch_warnings():
            # Counted once below instead.
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            start = time.perf_counter()
            thresholds = strategy.optimize(Y, S)
            elapsed = time.perf_counter() - start
        tuning = f1_score(Y, S > thresholds)
        test = f1_score(Y_test, S_test > thresholds)
        rows.append((name, tuning, test, elapsed))
    reference = rows[0][1]
    floored = f", scores below {floor} set to 0" if floor else ""
    print(f"\n### {n} x {L}, seed {seed}, {output}{floored}\n")
    baseline = f1_score(Y_test, S_test > fixed)
    print(f"Held-out micro-F1 at the fixed threshold {fixed}: {baseline:.4f}")
    n_pos = Y.sum(axis=0)
    degenerate = int(((n_pos == 0) | (n_pos == n)).sum())
    print(
        f"{degenerate} label(s) without a positive or a negative tuning sample, "
        "held at the shared threshold.\n"
    )
    print(
        "| strategy | tuning micro-F1 | gap (points) | test micro-F1 "
        "| time (s) | passes |"
    )
    print("|---|---|---|---|---|---|")
    for name, tuning, test, elapsed in rows:
        gap = 100 * (reference - tuning)
        print(
            f"| {name} | {tuning:.4f} | {gap:.2f} | {test:.4f} | "
            f"{elapsed:.2f} | {elapsed / one_pass:.0f} |"
        )
    sys.stdout.flush()
    return rows


def main(argv=None):
    """Run every problem; print markdown tables."""
    args = parse_args(argv)
    print(f"commit {git_commit()}")
    # Import torch and build the surrogate's code paths before any timing.
    Y, S = make_tagging_scores(1000, 20, random_state=0)
    SurrogateThreshold(max_iter=2).optimize(Y, S)
    for problem in args.problems:
        run_problem(*problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
