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
sizes, are printed as markdown; ``--json PATH`` also writes every measured
result (per size and strategy), the pass times and the machine to a JSON
file, which ``benchmarks/plot_scaling.py`` plots.

The matrices are generated in chunks of rows written straight to the
``.npy`` files, bit for bit what one ``make_tagging_scores`` call gives
(checked on the first chunks each time; the simulator draws each chunk of
rows from its own random stream, with per-label parameters that do not
depend on ``n_samples``), so that sizes such as 100000 x 10000 need no more
memory to generate than a few MB.

``--sparse-floor F`` also runs each strategy on the scores given as a
``scipy.sparse.csr_matrix`` after setting every score below ``F`` to 0
(missing entries are scores of 0), through
:func:`skthresh.learn_thresholds`, which summarizes the sparse matrix's
stored entries only, one chunk of rows at a time. The sparse matrix is built once
in the parent and saved next to the data (``scipy.sparse.save_npz``); the
rows are named e.g. ``surrogate (sparse)``. Their micro-F1 is that of the
floored scores; a second table gives the same thresholds' micro-F1 on the
original dense scores, as learned and raised to just below the floor (a
label none of whose scores reached the floor keeps 0, "nothing positive"
on floored scores but "everything" on the dense ones).

Every skthresh module is imported before the workers are forked, so one
run measures one version of the code; the commit is printed and saved.

Examples::

    python benchmarks/bench_scale.py                        # 20000x527, 100000x2000
    python benchmarks/bench_scale.py --tiny                 # smoke run
    python benchmarks/bench_scale.py --sizes 1000000x527 --repeats 1 \\
        --data-dir /tmp/skthresh-bench                      # keep the data
    python benchmarks/bench_scale.py --sizes 100000x10000 --repeats 1 \\
        --strategies surrogate,coordinate --sparse-floor 0.01 --json scale.json
"""

import argparse
import datetime
import gc
import json
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
from _timing import git_commit, pass_time

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
    parser.add_argument(
        "--json",
        default=None,
        metavar="PATH",
        help="also write every result, the pass times and the machine to PATH",
    )
    parser.add_argument(
        "--sparse-floor",
        type=float,
        default=None,
        metavar="FLOAT",
        help="also run each strategy on the scores as a scipy.sparse.csr_matrix, "
        "scores below FLOAT set to 0 (missing)",
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.sizes, args.repeats = [(300, 8), (600, 8)], 1
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    if args.sparse_floor is not None and not args.sparse_floor > 0:
        parser.error("--sparse-floor must be > 0")
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
        start = time.perf_counter()
        how = generate_files(y_path, s_path, n_samples, n_labels, seed)
        print(
            f"<!-- generated {n_samples} x {n_labels} in "
            f"{time.perf_counter() - start:.1f} s: {how} -->",
            flush=True,
        )
        gc.collect()
    return y_path, s_path


def exact_chunk_filler(n_samples, n_labels, seed):
    """``(rows, fill)``: row chunk ``k`` exactly as ``make_tagging_scores``.

    ``make_tagging_scores`` draws the per-label parameters from one stream
    and each chunk of ``rows`` rows from a stream of its own (part 1, chunk
    ``k``), so chunk ``k`` can be drawn alone. This uses the simulator's
    private helpers; it checks the first chunks against a public call and
    returns None if they differ or the helpers are gone.
    """
    from skthresh.datasets import make_tagging_scores

    try:
        from skthresh.datasets import _simulate as sim

        root = sim._seed_sequence(seed)
        rows = max(1, int(sim._CHUNK_CELLS) // n_labels)
        fill_chunk = sim._fill_chunk
    except (ImportError, AttributeError):
        return None
    *_, params = make_tagging_scores(
        1, n_labels, dtype=np.float32, random_state=seed, return_params=True
    )
    prior = params.prior.astype(np.float32)
    loc, scale, shift = (
        np.asarray(params[key], dtype=np.float32) for key in ("loc", "scale", "shift")
    )

    def fill(k, size):
        Y = np.empty((size, n_labels), dtype=np.uint8)
        S = np.empty((size, n_labels), dtype=np.float32)
        fill_chunk(root, 1, k, Y, S, prior, loc, scale, shift, "proba")
        return Y.view(bool), S

    check = min(n_samples, 2 * rows)
    Y_ref, S_ref = make_tagging_scores(
        check, n_labels, dtype=np.float32, random_state=seed
    )
    try:
        for k, first in enumerate(range(0, check, rows)):
            size = min(rows, check - first)
            Y, S = fill(k, size)
            if not (
                np.array_equal(Y, Y_ref[first : first + size].astype(bool))
                and np.array_equal(S, S_ref[first : first + size])
            ):
                return None
    except (TypeError, ValueError):
        return None
    return rows, fill


def model_chunk_filler(n_labels, seed):
    """``(rows, fill)``: draws from the simulator's documented model.

    The fallback when the exact chunks are not available: the same
    per-label parameters (``return_params=True``), labels and logits drawn
    as its Notes describe, from a stream of this benchmark's own; same
    distribution, not the same numbers.
    """
    from scipy.special import expit

    from skthresh.datasets import make_tagging_scores

    *_, params = make_tagging_scores(
        1, n_labels, dtype=np.float32, random_state=seed, return_params=True
    )
    rng = np.random.default_rng([seed, 20250101])
    prior, loc, scale, shift = (
        np.asarray(params[key], dtype=np.float32)
        for key in ("prior", "loc", "scale", "shift")
    )
    rows = max(1, 2**20 // n_labels)

    def fill(k, size):
        Y = rng.random((size, n_labels), dtype=np.float32) < prior
        S = rng.standard_normal((size, n_labels), dtype=np.float32)
        S *= scale
        S += loc
        S += Y * shift
        return Y, expit(S, out=S)

    return rows, fill


def generate_files(y_path, s_path, n_samples, n_labels, seed):
    """Write labels and float32 scores chunk by chunk; how they were made."""
    found = exact_chunk_filler(n_samples, n_labels, seed)
    if found is not None:
        how = "chunk by chunk, identical to make_tagging_scores in one call"
    else:
        found = model_chunk_filler(n_labels, seed)
        how = (
            "chunk by chunk from make_tagging_scores' parameters and documented "
            "model (its private chunk helpers were not usable): same "
            "distribution, not the same numbers as one call"
        )
    rows, fill = found
    partial = [p.with_name(p.name + ".partial") for p in (y_path, s_path)]
    shape = (n_samples, n_labels)
    Y_out = np.lib.format.open_memmap(partial[0], "w+", dtype=bool, shape=shape)
    S_out = np.lib.format.open_memmap(partial[1], "w+", dtype=np.float32, shape=shape)
    for k, first in enumerate(range(0, n_samples, rows)):
        size = min(rows, n_samples - first)
        Y_out[first : first + size], S_out[first : first + size] = fill(k, size)
    for out in (Y_out, S_out):
        out.flush()
    del Y_out, S_out
    os.replace(partial[0], y_path)
    os.replace(partial[1], s_path)
    return how


def sparse_file(s_path, floor):
    """Path and description of the CSR scores, scores below ``floor`` set to 0.

    Built once from the saved dense scores, a block of rows at a time, and
    saved with ``scipy.sparse.save_npz`` next to them.
    """
    import scipy.sparse as sp

    path = s_path.with_name(f"{s_path.stem}_floor{floor:g}.npz")
    if not path.exists():
        start = time.perf_counter()
        S = np.load(s_path, mmap_mode="r")
        rows = max(1, 2**26 // (4 * S.shape[1]))
        parts = []
        for first in range(0, S.shape[0], rows):
            block = np.array(S[first : first + rows], dtype=np.float32)
            block[block < floor] = 0
            parts.append(sp.csr_matrix(block))
        del S, block
        csr = sp.vstack(parts, format="csr")
        del parts
        partial = path.with_name(f"{path.stem}.partial.npz")
        sp.save_npz(partial, csr, compressed=False)
        os.replace(partial, path)
        print(
            f"<!-- sparse scores (floor {floor:g}) built in "
            f"{time.perf_counter() - start:.1f} s -->",
            flush=True,
        )
    else:
        csr = sp.load_npz(path)
    n_cells = csr.shape[0] * csr.shape[1]
    info = {
        "floor": floor,
        "path": str(path),
        "nnz": int(csr.nnz),
        "fraction_kept": csr.nnz / n_cells,
        "csr_bytes": int(csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes),
    }
    del csr
    gc.collect()
    return path, info


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


def micro_f1_chunked(Y, S, thresholds, rows=None):
    """Micro-F1 of ``S > thresholds``, a block of rows at a time.

    ``S`` may be a sparse matrix (missing entries are 0) or a memory map;
    only a block of rows is ever dense.
    """
    theta = np.asarray(thresholds, dtype=np.float64)
    rows = rows or max(1, 2**24 // S.shape[1])
    tp = predicted = actual = 0
    for first in range(0, S.shape[0], rows):
        block = S[first : first + rows]
        block = block.toarray() if hasattr(block, "toarray") else np.asarray(block)
        pred = block > theta
        truth = np.asarray(Y[first : first + rows], dtype=bool)
        tp += int(np.count_nonzero(pred & truth))
        predicted += int(np.count_nonzero(pred))
        actual += int(np.count_nonzero(truth))
    total = predicted + actual
    return 2.0 * tp / total if total else 0.0


def measure(name, y_path, s_path, repeats, sparse_path=None, floor=None):
    """Run one strategy on one saved matrix; a dict of measurements.

    With ``sparse_path``, the strategy learns from the CSR scores saved
    there (scores below ``floor`` dropped), through
    :func:`skthresh.learn_thresholds`; the pass is still timed on the dense
    matrix, which is freed before the baseline. The thresholds are then
    also scored on the original dense scores, as learned and raised to the
    floor: a threshold below the floor (a label whose scores were all
    dropped keeps its highest score, 0, as "nothing positive") means
    something else on scores that were never floored.

    Meant to run in a process of its own, so that its peak memory is its
    own.
    """
    from sklearn.base import clone

    from skthresh import learn_thresholds
    from skthresh.metrics import f1_score

    Y, S = np.load(y_path), np.load(s_path)
    one_pass = pass_time(S, repeats=5 if S.size > 2e8 else 9)
    matrix_bytes = S.nbytes
    if sparse_path is None:

        def learn(strategy, Y, S):
            return strategy.optimize(Y, S)

    else:
        import scipy.sparse as sp

        del S
        gc.collect()
        S = sp.load_npz(sparse_path).tocsr()

        def learn(strategy, Y, S):
            return learn_thresholds(Y, S, strategy=strategy)

    strategy = make_strategy(name)
    # Warm-up on a slice: lazy imports (torch) and thread pools are part of
    # the baseline, not of the strategy's peak.
    rows = min(S.shape[0], 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learn(clone(strategy), Y[:rows], S[:rows])
    gc.collect()
    baseline = current_rss()
    reset = reset_peak()
    if reset:
        baseline = current_rss()
    times, fitted, thresholds = [], None, None
    for _ in range(repeats):
        fitted = clone(strategy)
        start = time.perf_counter()
        thresholds = learn(fitted, Y, S)
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
    result = {
        "pass": one_pass,
        "seconds": seconds,
        "times": times,
        "passes": seconds / one_pass,
        "setup": setup,
        "step": step,
        "n_steps": n_steps,
        "peak": max(peak - baseline, 0),
        "baseline": baseline,
        "peak_reset": reset,
        "matrix_bytes": matrix_bytes,
        "input": "dense" if sparse_path is None else "sparse",
    }
    if sparse_path is None:
        result["f1"] = float(f1_score(Y, S > thresholds))
    else:
        result["f1"] = micro_f1_chunked(Y, S, thresholds)
        del S
        gc.collect()
        dense = np.load(s_path, mmap_mode="r")
        result["f1_dense_scores"] = micro_f1_chunked(Y, dense, thresholds)
        # Just below the floor as the float32 scores saw it: on the dense
        # scores, the same decisions as on the floored ones.
        lowest = np.nextafter(np.float64(np.float32(floor)), -np.inf)
        result["n_below_floor"] = int(np.count_nonzero(thresholds < lowest))
        raised = np.maximum(thresholds, lowest)
        result["f1_dense_scores_raised"] = micro_f1_chunked(Y, dense, raised)
    result["thresholds_summary"] = {
        "min": float(np.min(thresholds)),
        "median": float(np.median(thresholds)),
        "max": float(np.max(thresholds)),
    }
    return result


def _child(conn, name, y_path, s_path, repeats, sparse_path, floor):
    try:
        result = measure(name, y_path, s_path, repeats, sparse_path, floor)
        conn.send(("ok", result))
    except BaseException:  # report anything, the parent goes on
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def run_isolated(name, y_path, s_path, repeats, sparse_path=None, floor=None):
    """``measure`` in a fresh process; its dict, or an error string."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    sparse_path = None if sparse_path is None else str(sparse_path)
    process = context.Process(
        target=_child,
        args=(send, name, str(y_path), str(s_path), repeats, sparse_path, floor),
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


def fmt(value, spec, missing="-"):
    """Format a number, or ``missing`` for None."""
    return missing if value is None else format(value, spec)


def print_size_table(n_samples, n_labels, results, sparse=None):
    """Markdown table of one size."""
    passes = [r["pass"] for r in results.values() if isinstance(r, dict)]
    matrix = n_samples * n_labels * 4
    print(f"\n### {n_samples} x {n_labels}\n")
    print(
        f"Score matrix {matrix / 2**20:,.0f} MiB (float32); one pass = "
        f"{np.median(passes) * 1e3 if passes else float('nan'):.2f} ms "
        "(median over the workers; each strategy's passes use its own worker's).\n"
    )
    if sparse is not None:
        print(
            f'Rows "(sparse)": scores below {sparse["floor"]:g} set to 0 and '
            "given as a scipy.sparse.csr_matrix to learn_thresholds; "
            f"{sparse['fraction_kept']:.2%} of the entries kept "
            f"({sparse['nnz']:,} stored, CSR {sparse['csr_bytes'] / 2**20:,.0f} "
            "MiB); their micro-F1 is on the floored scores, their peak is "
            "relative to the dense matrix.\n"
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
    sparse_rows = [
        (name, r)
        for name, r in results.items()
        if isinstance(r, dict) and "f1_dense_scores" in r
    ]
    if sparse_rows:
        print(
            "\n| strategy | micro-F1 on the floored scores "
            "| same thresholds on the dense scores | thresholds below the floor "
            "| on the dense scores, raised to the floor |"
        )
        print("|---|---|---|---|---|")
        for name, r in sparse_rows:
            print(
                f"| {name} | {r['f1']:.4f} | {r['f1_dense_scores']:.4f} "
                f"| {r['n_below_floor']:,} | {r['f1_dense_scores_raised']:.4f} |"
            )


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


def machine_info():
    """Where the benchmark ran: a JSON-ready dict."""
    import scipy

    import skthresh

    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skthresh": skthresh.__version__,
        "gpu": None,
    }
    try:
        with open("/proc/cpuinfo") as f:
            models = [
                line.split(":", 1)[1].strip()
                for line in f
                if line.startswith("model name")
            ]
        info["processor"] = models[0] if models else info["processor"]
    except OSError:
        pass
    info["git_commit"] = git_commit()
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_bytes"] = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return info


def write_json(path, payload):
    """Write ``payload`` to ``path`` (through a temporary file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def preload():
    """Import every skthresh module now, in the parent.

    The workers are forked from it where the platform allows, so that every
    size and strategy of one run uses the code as it was at the start, even
    if the checkout changes meanwhile (the commit printed is that one).
    """
    import importlib
    import pkgutil

    import skthresh

    for module in pkgutil.walk_packages(skthresh.__path__, "skthresh."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception:  # optional dependencies (torch, dask): lazily later
            pass


def main(argv=None):
    """Run the benchmark; return 0."""
    args = parse_args(argv)
    preload()
    command = " ".join(
        ["python", "benchmarks/bench_scale.py"]
        + list(sys.argv[1:] if argv is None else argv)
    )
    print("## Scale: time, passes and peak memory\n")
    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPU(s); time is the median of {args.repeats} run(s), "
        "each strategy in a fresh process."
    )
    commit = git_commit()
    if commit:
        print(
            f"\nskthresh at commit {commit[:12]}{'+dirty' * commit.endswith('+dirty')}."
        )
    payload = {
        "benchmark": "bench_scale",
        "command": command,
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "repeats": args.repeats,
        "seed": args.seed,
        "strategies": args.strategies,
        "sparse_floor": args.sparse_floor,
        "sizes": [],
    }
    rows = []
    for name in args.strategies:
        rows.append(name)
        if args.sparse_floor is not None:
            rows.append(f"{name} (sparse)")
    with tempfile.TemporaryDirectory(prefix="skthresh-bench-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        all_results = {}
        for n_samples, n_labels in args.sizes:
            y_path, s_path = data_files(data_dir, n_samples, n_labels, args.seed)
            sparse_path = sparse = None
            if args.sparse_floor is not None:
                sparse_path, sparse = sparse_file(s_path, args.sparse_floor)
            results = {}
            for name in args.strategies:
                results[name] = run_isolated(name, y_path, s_path, args.repeats)
                if sparse_path is not None:
                    results[f"{name} (sparse)"] = run_isolated(
                        name,
                        y_path,
                        s_path,
                        args.repeats,
                        sparse_path,
                        args.sparse_floor,
                    )
            all_results[(n_samples, n_labels)] = results
            print_size_table(n_samples, n_labels, results, sparse)
            if args.json:
                passes = [r["pass"] for r in results.values() if isinstance(r, dict)]
                payload["sizes"].append(
                    {
                        "n_samples": n_samples,
                        "n_labels": n_labels,
                        "matrix_bytes": n_samples * n_labels * 4,
                        "pass": float(np.median(passes)) if passes else None,
                        "sparse": sparse,
                        "results": {
                            name: r if isinstance(r, dict) else {"error": r}
                            for name, r in results.items()
                        },
                    }
                )
                write_json(args.json, payload)
    print_scaling(all_results, args.sizes, rows)
    if args.json:
        payload["finished"] = (
            datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        )
        write_json(args.json, payload)
        print(f"\n<!-- results written to {args.json} -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
