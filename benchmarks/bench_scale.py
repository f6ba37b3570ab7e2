"""Scale of the threshold strategies: time, passes and peak memory by size.

For each size ``n_samples x n_labels`` the simulator's tuning scores
(``make_tagging_scores(n, L, random_state=0)``, float32) are generated once
and saved to ``.npy`` files, then each strategy runs in its own fresh
process (forked where the platform allows), which loads them and measures:

- one pass: the median time of ``(S > thresholds).sum(0)`` on the matrix;
- the strategy's time (median of ``--repeats`` runs), also in passes;
- its setup time (before the first recorded objective: sorting, summaries)
  and its time per step or sweep, from ``history_["elapsed"]``;
- its peak memory above the resident memory after the data are loaded and
  a warm-up run on a small slice has imported everything it needs:
  ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` minus that baseline, after
  resetting the peak through ``/proc/self/clear_refs`` where Linux allows
  (otherwise the load counts too, as the output says). Unlike tracemalloc
  this sees torch's allocations. The ratio is to the score matrix's bytes;
- the tuning micro-F1 of the thresholds.

A table per size, then scaling tables of passes and time per step across
sizes, are printed as markdown.

Examples::

    python benchmarks/bench_scale.py                        # 20000x527, 100000x2000
    python benchmarks/bench_scale.py --tiny                 # smoke run
    python benchmarks/bench_scale.py --sizes 1000000x527 --repeats 1 \\
        --data-dir /tmp/skthresh-bench                      # keep the data
"""

import argparse
import gc
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

DEFAULT_STRATEGIES = "surrogate,coordinate,global,heuristic"


def parse_sizes(text):
    """``"20000x527,100000x2000"`` -> ``[(20000, 527), (100000, 2000)]``."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        match = re.fullmatch(r"(\d+)x(\d+)", part.replace("_", ""))
        if match is None:
            raise argparse.ArgumentTypeError(
                f"size {part!r} is not of the form N_SAMPLESxN_LABELS"
            )
        sizes.append((int(match[1]), int(match[2])))
    if not sizes:
        raise argparse.ArgumentTypeError("no size given")
    return sizes


def parse_args(argv=None):
    """Command line options."""
    from skthresh.strategies import available_strategies

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes("20000x527,100000x2000"),
        help='comma-separated N_SAMPLESxN_LABELS, e.g. "20000x527,1000000x527"',
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--strategies",
        default=DEFAULT_STRATEGIES,
        help=f"comma-separated registered names (default: {DEFAULT_STRATEGIES})",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="where the simulated matrices are saved and reused (default: a "
        "temporary folder removed at the end)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tiny", action="store_true", help="smoke run: small sizes, one repeat"
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.sizes, args.repeats = [(300, 8), (600, 8)], 1
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    args.strategies = [name for name in args.strategies.split(",") if name]
    unknown = sorted(set(args.strategies) - set(available_strategies()))
    if unknown:
        parser.error(
            f"unknown strategies {unknown}; registered: {available_strategies()}"
        )
    return args


def data_files(data_dir, n_samples, n_labels, seed):
    """Paths of the saved labels and scores of one size, generated if absent."""
    stem = Path(data_dir) / f"tagging_{n_samples}x{n_labels}_seed{seed}"
    y_path, s_path = Path(f"{stem}_Y.npy"), Path(f"{stem}_S.npy")
    if not (y_path.exists() and s_path.exists()):
        from skthresh.datasets import make_tagging_scores

        start = time.perf_counter()
        Y, S = make_tagging_scores(
            n_samples, n_labels, dtype=np.float32, random_state=seed
        )
        np.save(y_path, np.ascontiguousarray(Y, dtype=bool))
        np.save(s_path, np.ascontiguousarray(S, dtype=np.float32))
        print(
            f"<!-- generated {n_samples} x {n_labels} in "
            f"{time.perf_counter() - start:.1f} s -->",
            flush=True,
        )
        del Y, S
        gc.collect()
    return y_path, s_path


def pass_time(S, repeats=9):
    """Median seconds of one ``(S > thresholds).sum(0)`` over float32 scores."""
    theta = np.full(S.shape[1], 0.3)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        (S > theta).sum(0)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def current_rss():
    """Resident memory of this process now, in bytes."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # not Linux: the peak so far
        return peak_rss()


def peak_rss():
    """Peak resident memory of this process, in bytes (ru_maxrss)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def reset_peak():
    """Reset the peak resident memory to the current one; whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def make_strategy(name):
    """The registered strategy with its defaults (random_state 0 if any)."""
    from skthresh.strategies import get_strategy

    strategy = get_strategy(name)
    if "random_state" in strategy.get_params():
        strategy.set_params(random_state=0)
    return strategy


def measure(name, y_path, s_path, repeats):
    """Run one strategy on one saved matrix; a dict of measurements.

    Meant to run in a process of its own, so that its peak memory is its
    own.
    """
    from sklearn.base import clone

    from skthresh.metrics import f1_score

    Y, S = np.load(y_path), np.load(s_path)
    one_pass = pass_time(S, repeats=5 if S.size > 2e8 else 9)
    strategy = make_strategy(name)
    # Warm-up on a slice: lazy imports (torch) and thread pools are part of
    # the baseline, not of the strategy's peak.
    rows = min(S.shape[0], 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clone(strategy).optimize(Y[:rows], S[:rows])
    gc.collect()
    baseline = current_rss()
    reset = reset_peak()
    if reset:
        baseline = current_rss()
    times, fitted, thresholds = [], None, None
    for _ in range(repeats):
        fitted = clone(strategy)
        start = time.perf_counter()
        thresholds = fitted.optimize(Y, S)
        times.append(time.perf_counter() - start)
    peak = peak_rss()
    seconds = float(np.median(times))
    setup = step = None
    n_steps = 0
    history = getattr(fitted, "history_", None)
    if history is not None and len(history.get("elapsed", ())) > 1:
        elapsed = np.asarray(history["elapsed"])
        n_steps = elapsed.size - 1
        step = float(elapsed[-1] - elapsed[0]) / n_steps
        setup = times[-1] - float(elapsed[-1] - elapsed[0])
    return {
        "pass": one_pass,
        "seconds": seconds,
        "times": times,
        "setup": setup,
        "step": step,
        "n_steps": n_steps,
        "peak": max(peak - baseline, 0),
        "baseline": baseline,
        "peak_reset": reset,
        "matrix_bytes": S.nbytes,
        "f1": float(f1_score(Y, S > thresholds)),
    }


def _child(conn, name, y_path, s_path, repeats):
    try:
        conn.send(("ok", measure(name, y_path, s_path, repeats)))
    except BaseException:  # report anything, the parent goes on
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def run_isolated(name, y_path, s_path, repeats):
    """``measure`` in a fresh process; its dict, or an error string."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(send, name, str(y_path), str(s_path), repeats)
    )
    process.start()
    send.close()
    try:
        status, payload = receive.recv()
    except EOFError:
        status, payload = "error", "the worker died (out of memory?)"
    process.join()
    if status == "ok":
        return payload
    return str(payload).strip().splitlines()[-1]


def fmt(value, spec, missing="-"):
    """Format a number, or ``missing`` for None."""
    return missing if value is None else format(value, spec)


def print_size_table(n_samples, n_labels, results):
    """Markdown table of one size."""
    passes = [r["pass"] for r in results.values() if isinstance(r, dict)]
    matrix = n_samples * n_labels * 4
    print(f"\n### {n_samples} x {n_labels}\n")
    print(
        f"Score matrix {matrix / 2**20:,.0f} MiB (float32); one pass = "
        f"{np.median(passes) * 1e3 if passes else float('nan'):.2f} ms "
        "(median over the workers; each strategy's passes use its own worker's).\n"
    )
    print(
        "| strategy | tuning micro-F1 | time (s) | passes | setup (s) "
        "| steps | per step (ms) | peak memory (MiB) | peak / matrix |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        if not isinstance(r, dict):
            print(f"| {name} | failed: {r} | | | | | | | |")
            continue
        step_ms = None if r["step"] is None else r["step"] * 1e3
        print(
            f"| {name} | {r['f1']:.4f} | {r['seconds']:.3f} "
            f"| {r['seconds'] / r['pass']:,.0f} | {fmt(r['setup'], '.3f')} "
            f"| {r['n_steps'] or '-'} | {fmt(step_ms, '.3f')} "
            f"| {r['peak'] / 2**20:,.0f} | {r['peak'] / r['matrix_bytes']:.2f} |",
            flush=True,
        )
    if any(isinstance(r, dict) and not r["peak_reset"] for r in results.values()):
        print("\n(peak not reset after loading: the load itself is included)")


def print_scaling(all_results, sizes, strategies):
    """Scaling tables across sizes: passes, and time per step."""
    if len(sizes) < 2:
        return
    heads = [f"{n} x {L}" for n, L in sizes]
    for title, value, spec in (
        ("passes", lambda r: r["seconds"] / r["pass"], ",.0f"),
        (
            "time per step (ms)",
            lambda r: None if r["step"] is None else r["step"] * 1e3,
            ".3f",
        ),
        ("peak memory / score matrix", lambda r: r["peak"] / r["matrix_bytes"], ".2f"),
    ):
        print(f"\n### Scaling: {title}\n")
        print("| strategy | " + " | ".join(heads) + f" | {heads[-1]} / {heads[0]} |")
        print("|---" * (len(heads) + 2) + "|")
        for name in strategies:
            row = []
            for size in sizes:
                r = all_results[size].get(name)
                row.append(value(r) if isinstance(r, dict) else None)
            ratio = (
                row[-1] / row[0]
                if row[0] is not None and row[-1] is not None and row[0] > 0
                else None
            )
            cells = " | ".join(fmt(v, spec) for v in row)
            print(f"| {name} | {cells} | {fmt(ratio, '.2f')} |")


def main(argv=None):
    """Run the benchmark; return 0."""
    args = parse_args(argv)
    print("## Scale: time, passes and peak memory\n")
    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPU(s); time is the median of {args.repeats} run(s), "
        "each strategy in a fresh process."
    )
    with tempfile.TemporaryDirectory(prefix="skthresh-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        all_results = {}
        for n_samples, n_labels in args.sizes:
            y_path, s_path = data_files(data_dir, n_samples, n_labels, args.seed)
            results = {}
            for name in args.strategies:
                results[name] = run_isolated(name, y_path, s_path, args.repeats)
            all_results[(n_samples, n_labels)] = results
            print_size_table(n_samples, n_labels, results)
    print_scaling(all_results, args.sizes, args.strategies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
