"""Extreme multi-label scale: sparse and top-k scores, memory of the stored entries.

A tagger with tens of thousands of labels (MeSH indexing has about 29,000)
never holds a dense score matrix: it keeps each sample's scores above a
floor (a scipy sparse matrix) or only its ``k`` best labels (top-k). This
benchmark generates such scores, learns thresholds from them with
:func:`skthresh.learn_thresholds` and reports, per strategy:

- the time of ``learn_thresholds`` (summary included), median of
  ``--repeats`` runs;
- its peak memory growth, as a multiple of the sparse input's bytes (CSR
  ``data + indices + indptr``; for top-k input, the two ``(n, k)``
  arrays): each strategy runs in a fresh process (``subprocess``), which
  loads the data, warms up on a few rows (imports, torch start-up), resets
  the peak resident memory through ``/proc/self/clear_refs`` and reads
  the peak (``VmHWM`` of ``/proc/self/status``) after the run, minus the
  resident memory before it. Unlike tracemalloc this sees torch's
  allocations; where the reset is not available (not Linux) the load
  counts too, and the output says so;
- the held-out micro-F1 of its thresholds on scores drawn from the same
  tagger (same label parameters, other samples), next to the 0.5 threshold
  and the best shared threshold (``global``).

The generator, :func:`make_sparse_tagging`: label frequencies follow a Zipf
law (a random order of the labels, frequency of rank ``r`` proportional to
``1 / r``), each sample has ``1 + Poisson(2)`` positives on average, about
90% of them are stored (with a higher score), and negative labels, drawn
half by popularity and half uniformly, fill the rest of the stored entries
(with a lower score). Each label has its own score bias, so per-label
thresholds have something to gain over a shared one. Rows are drawn in
chunks, each from its own random stream.

``--top-k K`` keeps each sample's ``K`` highest stored scores and passes
them as :class:`skthresh.TopKScores` (labels as a sparse indicator).

The machine is shared: run each configuration a few times and quote
medians.

Examples::

    python benchmarks/bench_extreme.py --tiny
    python benchmarks/bench_extreme.py --size 50000x20000 --stored 3500000
    python benchmarks/bench_extreme.py --size 50000x20000 --top-k 20
    python benchmarks/bench_extreme.py --size 200000x30000 --stored 30000000
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

STRATEGIES = "global,coordinate,surrogate"


def label_parameters(n_labels, zipf=1.0, seed=0):
    """Popularity (sums to 1) and score bias of each label."""
    rng = np.random.default_rng([seed, 1])
    popularity = 1.0 / np.arange(1, n_labels + 1) ** zipf
    popularity = popularity[rng.permutation(n_labels)]
    popularity /= popularity.sum()
    bias = rng.normal(0.0, 0.75, n_labels)
    return popularity, bias


def make_sparse_tagging(
    n_samples, n_labels, n_stored, *, random_state=0, label_seed=0, chunk=20_000
):
    """Sparse tagging scores and labels, see the module docstring.

    Returns
    -------
    Y : scipy.sparse.csr_matrix of bool of shape (n_samples, n_labels)
    S : scipy.sparse.csr_matrix of float32 of shape (n_samples, n_labels)
        About ``n_stored`` stored entries (duplicates drawn are merged).
    """
    import scipy.sparse as sp

    popularity, bias = label_parameters(n_labels, seed=label_seed)
    negative_draw = 0.5 * popularity + 0.5 / n_labels
    per_row = n_stored / n_samples
    Y_parts, S_parts = [], []
    for index, start in enumerate(range(0, n_samples, chunk)):
        rng = np.random.default_rng([random_state, index])
        c = min(chunk, n_samples - start)
        q = 1 + rng.poisson(2.0, c)
        pos_keys = np.unique(
            np.repeat(np.arange(c), q) * n_labels
            + rng.choice(n_labels, q.sum(), p=popularity)
        )
        stored_pos = pos_keys[rng.random(pos_keys.size) < 0.9]
        n_neg = max(0, int(round(per_row * c)) - stored_pos.size)
        neg_keys = rng.integers(0, c, n_neg) * n_labels + rng.choice(
            n_labels, n_neg, p=negative_draw
        )
        keys = np.unique(np.concatenate([stored_pos, neg_keys]))
        positive = np.isin(keys, pos_keys, assume_unique=False)
        rows, labels = np.divmod(keys, n_labels)
        logit = np.where(
            positive, rng.normal(1.0, 1.2, keys.size), rng.normal(-2.5, 1.2, keys.size)
        )
        scores = (1.0 / (1.0 + np.exp(-(logit + bias[labels])))).astype(np.float32)
        shape = (c, n_labels)
        S_parts.append(sp.csr_matrix((scores, (rows, labels)), shape=shape))
        pos_rows, pos_labels = np.divmod(pos_keys, n_labels)
        ones = np.ones(pos_keys.size, dtype=bool)
        Y_parts.append(sp.csr_matrix((ones, (pos_rows, pos_labels)), shape=shape))
    return sp.vstack(Y_parts, format="csr"), sp.vstack(S_parts, format="csr")


def top_k(S, k):
    """Each row's ``k`` highest stored scores: ``(indices, scores)``, -1 padded."""
    n = S.shape[0]
    row = np.repeat(np.arange(n), np.diff(S.indptr))
    order = np.lexsort((-S.data, row))
    rank = np.arange(order.size) - S.indptr[row[order]]
    keep = order[rank < k]
    indices = np.full((n, k), -1, dtype=np.int32)
    scores = np.zeros((n, k), dtype=np.float32)
    kept_rank = rank[rank < k]
    indices[row[keep], kept_rank] = S.indices[keep]
    scores[row[keep], kept_rank] = S.data[keep]
    return indices, scores


def micro_f1(Y, D):
    """Micro-F1 of sparse decisions ``D`` against sparse labels ``Y``."""
    tp = D.multiply(Y).sum()
    return float(2 * tp / max(1, D.sum() + Y.sum()))


def csr_bytes(S):
    return S.data.nbytes + S.indices.nbytes + S.indptr.nbytes


def peak_rss():
    """Peak resident memory of this process, in bytes.

    ``VmHWM`` of ``/proc/self/status`` where Linux has it: the peak that
    ``clear_refs`` resets (``ru_maxrss`` also keeps the peak of the parent
    at the fork, a floor far above this process's own memory).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def worker(args):
    """One strategy in this fresh process: time, memory growth, thresholds."""
    import warnings

    import scipy.sparse as sp

    from skthresh import TopKScores, learn_thresholds
    from skthresh.strategies import get_strategy

    data = Path(args.data)
    Y = sp.load_npz(data / "Y.npz")
    S = sp.load_npz(data / "S.npz")
    if args.top_k:
        with np.load(data / "top.npz") as f:
            scores = TopKScores(f["indices"], f["scores"], n_labels=S.shape[1])
        del S
    else:
        scores = S

    def strategy():
        s = get_strategy(args.worker)
        if "random_state" in s.get_params():
            s.set_params(random_state=0)
        return s

    warnings.simplefilter("ignore")
    warm = scores.to_csr() if args.top_k else scores
    learn_thresholds(Y[:256], warm[:256], strategy=strategy())  # imports, torch
    del warm
    times, reset = [], True
    for _ in range(args.repeats):
        reset = reset_peak() and reset
        base = peak_rss()
        start = time.perf_counter()
        thresholds = learn_thresholds(Y, scores, strategy=strategy())
        times.append(time.perf_counter() - start)
        growth = peak_rss() - base
    np.save(data / f"theta_{args.worker}.npy", thresholds)
    print(
        json.dumps(
            {"seconds": float(np.median(times)), "growth": growth, "reset": reset}
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="50000x20000", help="n_samples x n_labels")
    parser.add_argument("--stored", type=float, default=3.5e6, help="stored entries")
    parser.add_argument("--top-k", type=int, default=0, help="pass top-k scores")
    parser.add_argument("--strategies", default=STRATEGIES)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="a smoke run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if args.tiny:
        args.size, args.stored = "2000x500", 20_000
    n, n_labels = (int(x) for x in args.size.lower().split("x"))
    stored = int(args.stored) if not args.top_k else int(1.5 * n * args.top_k)
    import scipy.sparse as sp

    from skthresh import TopKScores, apply_thresholds

    start = time.perf_counter()
    Y, S = make_sparse_tagging(n, n_labels, stored, random_state=0)
    Y_test, S_test = make_sparse_tagging(n, n_labels, stored, random_state=1)
    generated = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        sp.save_npz(Path(tmp) / "Y.npz", Y, compressed=False)
        sp.save_npz(Path(tmp) / "S.npz", S, compressed=False)
        input_bytes = csr_bytes(S)
        kind = "sparse"
        if args.top_k:
            indices, scores = top_k(S, args.top_k)
            np.savez(Path(tmp) / "top.npz", indices=indices, scores=scores)
            input_bytes = indices.nbytes + scores.nbytes
            S = TopKScores(indices, scores, n_labels).to_csr()
            kind = f"top-{args.top_k}"
            # Held out as the tagger would give them: top-k only.
            S_test = TopKScores(*top_k(S_test, args.top_k), n_labels).to_csr()
        print(
            f"{kind} scores {n:,} x {n_labels:,}: {S.nnz:,} stored entries "
            f"({input_bytes / 2**20:.1f} MB as input, the ratios' unit; dense "
            "float32 would be "
            f"{n * n_labels * 4 / 2**30:.1f} GB), {Y.nnz:,} positives, "
            f"{(S.multiply(Y).nnz / Y.nnz):.0%} of them stored; generated in "
            f"{generated:.1f}s\n"
        )
        f1_half = micro_f1(Y_test, apply_thresholds(S_test, 0.5))
        rows, f1_global = [], None
        for name in args.strategies.split(","):
            command = [sys.executable, __file__, "--worker", name, "--data", tmp]
            command += ["--repeats", str(args.repeats)]
            if args.top_k:
                command += ["--top-k", str(args.top_k)]
            out = subprocess.run(
                command, capture_output=True, text=True, env=dict(os.environ)
            )
            if out.returncode:
                print(f"{name}: failed\n{out.stderr[-2000:]}")
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            theta = np.load(Path(tmp) / f"theta_{name}.npy")
            f1 = micro_f1(Y_test, apply_thresholds(S_test, theta))
            if name == "global":
                f1_global = f1
            rows.append((name, result, f1))
    print(
        "| strategy | time (s) | peak growth (MB) | x input | held-out micro-F1 "
        "| vs 0.5 | vs global |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, result, f1 in rows:
        vs_global = "" if f1_global is None else f"{f1 - f1_global:+.4f}"
        growth = result["growth"]
        print(
            f"| {name} | {result['seconds']:.2f} | {growth / 2**20:.0f} "
            f"| {growth / input_bytes:.1f} | {f1:.4f} | {f1 - f1_half:+.4f} "
            f"| {vs_global} |"
        )
    print(f"\nheld-out micro-F1 at 0.5: {f1_half:.4f}")
    if rows and not all(r["reset"] for _, r, _ in rows):
        print("(peak memory could not be reset: the data load counts too)")


if __name__ == "__main__":
    main()
