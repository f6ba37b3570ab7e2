"""The samples average at scale: time, passes, peak memory and held-out F1.

For each size ``n_samples x n_labels``, the simulator's scores
(``make_tagging_scores``, float32, generated chunk by chunk into ``.npy``
files by ``bench_scale.py``'s helpers) of ``n_samples + n_test`` samples
are saved once; the first ``n_samples`` rows are the tuning set and the
last ``n_test`` rows, drawn from the same model, are held out. Each
strategy then learns ``metric="f1_samples"`` thresholds in a fresh process
(forked where the platform allows), which loads the tuning rows and
measures:

- one pass, ``(S > thresholds).sum(0)`` (``_timing.pass_time``), and the
  strategy's time in seconds and in passes (median of ``--repeats``);
- its peak memory growth: ``ru_maxrss`` above the resident memory after a
  warm-up run on 200 rows (which imports torch for the surrogate), the
  peak first reset through ``/proc/self/clear_refs`` where Linux allows,
  as a multiple of the score matrix's bytes;
- the samples-F1 of its thresholds on the tuning rows and on the held-out
  rows, next to the fixed threshold 0.5 (and the best shared threshold,
  the ``global`` row).

Examples::

    python benchmarks/bench_samples_average.py                 # 50000x527
    python benchmarks/bench_samples_average.py --tiny          # smoke run
    python benchmarks/bench_samples_average.py --sizes 1000000x527 \\
        --repeats 1 --data-dir /tmp/skthresh-bench
"""

import argparse
import gc
import multiprocessing
import sys
import tempfile
import time
import traceback
import warnings

import numpy as np
from _timing import git_commit, pass_time
from bench_scale import (
    current_rss,
    data_files,
    make_strategy,
    parse_sizes,
    peak_rss,
    preload,
    reset_peak,
)

DEFAULT_STRATEGIES = "global,coordinate,surrogate"


def samples_f1(Y, S, thresholds, rows=None):
    """Samples-F1 of ``S > thresholds``, a block of rows at a time."""
    from skthresh.metrics import FBeta

    theta = np.asarray(thresholds, dtype=np.float64)
    rows = rows or max(1, 2**24 // S.shape[1])
    total, n = 0.0, S.shape[0]
    f = FBeta(1.0, "samples").elementwise
    for first in range(0, n, rows):
        pred = np.asarray(S[first : first + rows]) > theta
        truth = np.asarray(Y[first : first + rows], dtype=bool)
        tp = np.count_nonzero(pred & truth, axis=1)
        total += float(f(tp, pred.sum(axis=1), truth.sum(axis=1)).sum())
    return total / n


def measure(name, y_path, s_path, n_tune, repeats):
    """Run one strategy on the tuning rows; a dict of measurements."""
    from sklearn.base import clone

    Y_all = np.load(y_path, mmap_mode="r")
    S_all = np.load(s_path, mmap_mode="r")
    Y, S = np.array(Y_all[:n_tune]), np.array(S_all[:n_tune])
    one_pass = pass_time(S, repeats=5 if S.size > 2e8 else 9)
    strategy = make_strategy(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clone(strategy).optimize(Y[:200], S[:200], "f1_samples")
    gc.collect()
    reset = reset_peak()
    baseline = current_rss()
    times = []
    for _ in range(repeats):
        fitted = clone(strategy)
        start = time.perf_counter()
        thresholds = fitted.optimize(Y, S, "f1_samples")
        times.append(time.perf_counter() - start)
    peak = peak_rss()
    seconds = float(np.median(times))
    return {
        "pass": one_pass,
        "seconds": seconds,
        "passes": seconds / one_pass,
        "peak": max(peak - baseline, 0),
        "peak_reset": reset,
        "matrix_bytes": S.nbytes,
        "tuning_f1": samples_f1(Y, S, thresholds),
        "test_f1": samples_f1(Y_all[n_tune:], S_all[n_tune:], thresholds),
    }


def _child(conn, *args):
    try:
        conn.send(("ok", measure(*args)))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def run_isolated(*args):
    """``measure`` in a fresh process; its dict, or an error string."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(send, *map(str, args[:3]), *args[3:])
    )
    process.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        status, payload = "error", None
    process.join()
    if payload is None:
        payload = f"the worker died (exit code {process.exitcode}; out of memory?)"
    if status == "ok":
        return payload
    return str(payload).strip().splitlines()[-1]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("50000x527"))
    parser.add_argument("--strategies", default=DEFAULT_STRATEGIES)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--n-test", type=int, default=20000, help="held-out samples (default 20000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=None, help="keep the data here")
    parser.add_argument("--tiny", action="store_true", help="a smoke run")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.tiny:
        args.sizes, args.n_test, args.repeats = [(400, 12)], 300, 1
    from skthresh.strategies import available_strategies

    strategies = args.strategies.split(",")
    unknown = set(strategies) - set(available_strategies())
    if unknown:
        raise SystemExit(f"unknown strategies: {sorted(unknown)}")
    preload()
    print(f"<!-- commit {git_commit()}; python {sys.version.split()[0]} -->")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or tmp
        for n, L in args.sizes:
            y_path, s_path = data_files(data_dir, n + args.n_test, L, args.seed)
            Y_test = np.load(y_path, mmap_mode="r")[n:]
            S_test = np.load(s_path, mmap_mode="r")[n:]
            mb = n * L * 4 / 2**20
            print(f"\n### Samples average, {n} x {L} ({mb:.0f} MB float32)\n")
            print(
                "| strategy | time (s) | passes | peak growth (x matrix) "
                "| tuning samples-F1 | held-out samples-F1 |"
            )
            print("|---|---|---|---|---|---|")
            half = samples_f1(Y_test, S_test, np.full(L, 0.5))
            print(f"| threshold 0.5 | - | - | - | - | {half:.4f} |")
            for name in strategies:
                result = run_isolated(name, y_path, s_path, n, args.repeats)
                if isinstance(result, str):
                    print(f"| {name} | failed: {result} | | | | |")
                    continue
                ratio = result["peak"] / result["matrix_bytes"]
                print(
                    f"| {name} | {result['seconds']:.2f} | {result['passes']:.0f} "
                    f"| {ratio:.2f} | {result['tuning_f1']:.4f} "
                    f"| {result['test_f1']:.4f} |",
                    flush=True,
                )
            del Y_test, S_test
    return 0


if __name__ == "__main__":
    sys.exit(main())
