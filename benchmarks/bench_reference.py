"""Grid, heuristic and numerical against straightforward versions of themselves.

skthresh's ``GridSearch``, ``HeuristicSearch`` and ``NumericalGradient``
compute the metric of each candidate threshold from counts (each label's
scores sorted once, counts by binary search). This benchmark writes the
same three algorithms plainly, numpy only, the way one would without that
machinery, and runs both side by side at equal settings (each strategy's
defaults, same initial thresholds, same random draws):

- grid: each label in turn (Gauss-Seidel sweeps), each grid point's
  micro-F1 recomputed from that label's column, ``S[:, j] > t``, the other
  labels' counts kept: one column pass per grid point;
- heuristic (hThresh): random perturbations of all thresholds, kept if
  better, restarts with a decaying noise scale; each proposal's micro-F1
  recomputed from ``S > theta`` on the whole matrix: one full pass per
  proposal;
- numerical (numThresh): each label's threshold raised by ``delta`` up to
  ``max_steps`` times until the micro-F1 of the whole matrix, recomputed
  from ``S > theta`` each time, changes; Adam on those finite-difference
  gradients: at least one full pass per label and iteration.

The references follow the optimized code's arithmetic (grids, midpoints,
the F formula, the Adam update, the order of random draws), so that they
should return the very same thresholds: the tuning micro-F1 of both,
computed independently with :func:`sklearn.metrics.f1_score`, is printed
side by side. They assume every label has a positive and a negative tuning
sample (the library holds other labels at a shared threshold; the
references refuse them).

Time is the median of ``--repeats`` runs for skthresh and of
``--reference-repeats`` runs (default 1: they are slow) for the
references, also given in "passes": one pass is the median time of
``(S > thresholds).sum(0)`` on the float32 score matrix, measured in the
same run. The speed-up is the reference's time over skthresh's.

The numerical reference costs between ``n_labels`` and ``max_steps *
n_labels`` full passes per iteration: at 20,000 x 527, about 4,100 per
iteration, 416,000 in all, two to three hours on two slow cores. By default
(``--reference-budget numerical=0.05``) it runs the first 5% of its
iterations and its time is extrapolated linearly (the first 5% make 4.9%
of the passes); ``heuristic=F`` does the same with the heuristic's
restarts, ``--reference-budget 1`` runs everything in full (the default
with ``--tiny``). Such rows say so, and their F1 is "n/a (partial)".

Examples::

    python benchmarks/bench_reference.py                     # 20000 x 527
    python benchmarks/bench_reference.py --tiny              # smoke run
    python benchmarks/bench_reference.py --reference-budget 1   # ~2.5 h
    python benchmarks/bench_reference.py --strategies grid --repeats 5
"""

import argparse
import math
import os
import sys
import time

import numpy as np
from _timing import pass_time
from sklearn.base import clone
from sklearn.metrics import f1_score as sklearn_f1_score

from skthresh.datasets import make_tagging_scores
from skthresh.strategies import get_strategy

STRATEGIES = ("grid", "heuristic", "numerical")
# What a reference budget shortens, per strategy: the grid's reference is
# cheap enough to always run in full.
BUDGET_PARAMETER = {"heuristic": "n_restarts", "numerical": "max_iter"}
# The numerical reference's full run at 20000 x 527 is about 416,000 full
# passes (most labels' metric does not move within max_steps * delta, so
# each costs max_steps passes), two to three hours on two slow cores; its first
# 5% of iterations make about 4.9% of those passes.
DEFAULT_BUDGET = "numerical=0.05"


# ---------------------------------------------------------------------------
# Plain helpers shared by the references
# ---------------------------------------------------------------------------


def check_problem(Y, S):
    """Labels as bool and scores as an array; every label must be learnable.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        0/1 labels.
    S : array-like of shape (n_samples, n_labels)
        Scores.

    Returns
    -------
    Y : ndarray of bool
    S : ndarray of float

    Raises
    ------
    ValueError
        If a label has no positive or no negative sample: skthresh holds
        those at a shared threshold, which the references do not do.
    """
    Y = np.asarray(Y).astype(bool)
    S = np.asarray(S)
    n_pos = Y.sum(axis=0)
    if ((n_pos == 0) | (n_pos == Y.shape[0])).any():
        raise ValueError(
            "the reference implementations need a positive and a negative "
            "sample for every label"
        )
    return Y, S


def micro_f1_from_counts(tp, pp, n_pos):
    """Micro-F1 from pooled true, predicted and actual positives.

    Parameters
    ----------
    tp, pp, n_pos : int
        True positives, predicted positives and actual positives.

    Returns
    -------
    f1 : float
        ``2 tp / (n_pos + pp)``, 0 when nothing is positive at all.
    """
    den = n_pos + pp
    return 0.0 if den == 0 else 2.0 * tp / den


def micro_f1_at(Y, S, thresholds, n_pos):
    """Micro-F1 of the decisions ``S > thresholds``: one full pass.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
    S : ndarray of float of shape (n_samples, n_labels)
    thresholds : ndarray of float64 of shape (n_labels,)
    n_pos : int
        Number of positives in ``Y``.

    Returns
    -------
    f1 : float
    """
    D = S > thresholds
    return micro_f1_from_counts(np.count_nonzero(D & Y), np.count_nonzero(D), n_pos)


def midpoint(upper, lower):
    """A threshold strictly between two scores, as central as floats allow."""
    upper, lower = float(upper), float(lower)
    mid = lower + (upper - lower) / 2.0
    return mid if mid < upper else lower


def best_shared_threshold(Y, S):
    """The best threshold shared by all labels, by a sweep over sorted scores.

    All scores are sorted in decreasing order; the micro-F1 of "the ``c``
    highest scores are positive" is a cumulative sum of labels. Only cuts
    between distinct scores count; the first best cut (highest threshold)
    wins, and the threshold is the midpoint between the scores around it.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels)
    S : ndarray of float of shape (n_samples, n_labels)

    Returns
    -------
    threshold : float
    """
    s, y = S.ravel(), Y.ravel()
    order = np.argsort(s)[::-1]
    s_desc = s[order].astype(np.float64)
    tp = np.cumsum(y[order], dtype=np.int64)
    pp = np.arange(1, s.size + 1, dtype=np.int64)
    n_pos = int(tp[-1])
    f1 = 2.0 * tp / (n_pos + pp)
    last_of_level = np.append(s_desc[:-1] != s_desc[1:], True)
    values = np.concatenate([[0.0], f1[last_of_level]])  # [0]: nothing positive
    levels = s_desc[last_of_level]
    best = int(np.argmax(values))
    if best == 0:
        return float(levels[0])
    if best == levels.size:
        return float(np.nextafter(levels[-1], -np.inf))
    return midpoint(levels[best - 1], levels[best])


def initial_thresholds(init, Y, S):
    """Initial thresholds from an ``init`` parameter, as the strategies take it.

    Parameters
    ----------
    init : {"global", "default"}, float or array-like of shape (n_labels,)
        The best shared threshold, 0.5 for probabilities and 0.0 otherwise,
        or given values.
    Y, S : ndarray
        Labels and scores.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    n_labels = S.shape[1]
    if isinstance(init, str):
        if init == "global":
            return np.full(n_labels, best_shared_threshold(Y, S))
        if init == "default":
            default = 0.5 if (S.min() >= 0.0 and S.max() <= 1.0) else 0.0
            return np.full(n_labels, default)
        raise ValueError(f"unknown init {init!r}")
    return np.broadcast_to(np.asarray(init, dtype=np.float64), (n_labels,)).copy()


def score_scale(S):
    """Unit of step sizes: 1 for scores in [0, 1], else a quantile spread.

    The spread is between the 0.5% and 99.5% quantiles of up to 200,000
    evenly strided scores (the library's ``scale="auto"``).
    """
    lo, hi = float(S.min()), float(S.max())
    if lo >= 0.0 and hi <= 1.0:
        return 1.0
    sample = S.ravel()[:: max(1, S.size // 200_000)]
    for a, b in (np.quantile(sample, [0.005, 0.995]), (lo, hi)):
        spread = 2.0 * (float(b) / 2.0 - float(a) / 2.0)  # halves: no overflow
        if spread > 0:
            return spread
    return 1.0


def linear_grid(lo, hi, n_points):
    """``n_points`` evenly spaced thresholds from ``lo`` to ``hi``.

    Written as convex combinations, the library's exact arithmetic, so that
    both search the very same points.
    """
    t = np.linspace(0.0, 1.0, n_points)
    return np.clip(float(lo) * (1.0 - t) + float(hi) * t, lo, hi)


# ---------------------------------------------------------------------------
# The straightforward versions
# ---------------------------------------------------------------------------


def reference_grid(Y, S, *, n_points=10, n_refinements=3, n_passes=2, init="global"):
    """Per-label grid search with refinement, one column pass per grid point.

    For each label in turn, the other thresholds fixed, the micro-F1 of the
    whole matrix is computed at ``n_points`` thresholds from the label's
    lowest to its highest score, recomputing the label's decisions
    ``S[:, j] > t`` and counts for each point and keeping the others'
    counts. A finer grid of ``n_points`` then spans the two intervals
    around the best point, ``n_refinements`` times. The label takes the
    best point if it beats its current threshold (the highest of equally
    good points), replaced by the midpoint between the scores just above
    and just below it. At most ``n_passes`` sweeps, fewer if one changes
    nothing.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        0/1 labels.
    S : array-like of shape (n_samples, n_labels)
        Scores.
    n_points, n_refinements, n_passes, init
        As in :class:`skthresh.strategies.GridSearch`.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    Y, S = check_problem(Y, S)
    n_labels = S.shape[1]
    theta = initial_thresholds(init, Y, S)
    n_pos = np.count_nonzero(Y)
    D = S > theta
    tp = (D & Y).sum(axis=0)
    pp = D.sum(axis=0)
    for _ in range(n_passes):
        changed = False
        for j in range(n_labels):
            s = S[:, j].astype(np.float64)
            y = Y[:, j]
            tp_others, pp_others = tp.sum() - tp[j], pp.sum() - pp[j]
            best_value = micro_f1_from_counts(tp.sum(), pp.sum(), n_pos)
            best = None
            grid = linear_grid(s.min(), s.max(), n_points)
            for _ in range(n_refinements + 1):
                values = np.empty(n_points)
                for i, t in enumerate(grid):
                    d = s > t
                    values[i] = micro_f1_from_counts(
                        tp_others + np.count_nonzero(d & y),
                        pp_others + np.count_nonzero(d),
                        n_pos,
                    )
                i = np.flatnonzero(values == values.max())[-1]  # highest of ties
                if values[i] > best_value:
                    best_value, best = values[i], grid[i]
                # Same expression as the library: the same refined points.
                step = grid[-1] / (n_points - 1) - grid[0] / (n_points - 1)
                grid = linear_grid(grid[i] - step, grid[i] + step, n_points)
            if best is not None:
                d = s > best
                tp[j], pp[j] = np.count_nonzero(d & y), np.count_nonzero(d)
                above, below = s[d], s[~d]
                if above.size == 0:
                    theta[j] = s.max()
                elif below.size == 0:
                    theta[j] = np.nextafter(s.min(), -np.inf)
                else:
                    theta[j] = midpoint(above.min(), below.max())
                changed = True
        if not changed:
            break
    return theta


def reference_heuristic(
    Y,
    S,
    *,
    n_restarts=10,
    n_steps=400,
    step_size=0.12,
    init="global",
    scale="auto",
    random_state=None,
):
    """hThresh, each proposal's micro-F1 from a full pass over the matrix.

    Every step adds independent Gaussian noise to all thresholds and keeps
    the proposal if its micro-F1, recomputed from ``S > proposal``, beats
    the current one. The noise's standard deviation falls linearly from
    ``step_size * scale`` to 0 over the ``n_steps`` steps of a restart;
    each restart starts from the best thresholds so far. A restart's noise
    is drawn at once, ``rng.standard_normal((n_steps, n_labels))``, as the
    library draws it, so that equal seeds give equal proposals.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        0/1 labels.
    S : array-like of shape (n_samples, n_labels)
        Scores.
    n_restarts, n_steps, step_size, init, scale, random_state
        As in :class:`skthresh.strategies.HeuristicSearch`.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    Y, S = check_problem(Y, S)
    if isinstance(random_state, np.random.RandomState):
        rng = random_state
    else:
        rng = np.random.RandomState(random_state)
    scale = score_scale(S) if scale == "auto" else float(scale)
    n_labels = S.shape[1]
    n_pos = np.count_nonzero(Y)
    theta = initial_thresholds(init, Y, S)
    value = micro_f1_at(Y, S, theta, n_pos)
    sd = step_size * scale * (1.0 - np.arange(n_steps) / n_steps)
    for _ in range(n_restarts):
        noise = sd[:, None] * rng.standard_normal((n_steps, n_labels))
        for step in range(n_steps):
            proposal = theta + noise[step]
            proposal_value = micro_f1_at(Y, S, proposal, n_pos)
            if proposal_value > value:
                theta, value = proposal, proposal_value
    return theta


def reference_numerical(
    Y,
    S,
    *,
    delta=0.01,
    max_steps=10,
    learning_rate=0.01,
    max_iter=100,
    init=0.5,
    scale="auto",
):
    """numThresh: finite differences from full passes, then Adam.

    At each iteration, each label's threshold alone is raised by ``delta *
    scale``, then twice that, up to ``max_steps`` times, until the
    micro-F1 of the whole matrix (recomputed from ``S > thresholds``)
    changes; the gradient is the change over the distance moved, 0 if it
    never changed. Adam (0.9, 0.999, 1e-8) then moves all thresholds up the
    gradient. The best thresholds seen, the initial ones included, are
    returned.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        0/1 labels.
    S : array-like of shape (n_samples, n_labels)
        Scores.
    delta, max_steps, learning_rate, max_iter, init, scale
        As in :class:`skthresh.strategies.NumericalGradient`.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
    """
    Y, S = check_problem(Y, S)
    scale = score_scale(S) if scale == "auto" else float(scale)
    n_labels = S.shape[1]
    n_pos = np.count_nonzero(Y)
    theta = initial_thresholds(init, Y, S)
    step = delta * scale
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = np.zeros(n_labels)
    v = np.zeros(n_labels)
    best_value, best_theta = -np.inf, theta
    for it in range(max_iter + 1):
        value = micro_f1_at(Y, S, theta, n_pos)
        if value > best_value:
            best_value, best_theta = value, theta.copy()
        if it == max_iter:
            break
        grad = np.zeros(n_labels)
        for j in range(n_labels):
            for k in range(1, max_steps + 1):
                moved = theta.copy()
                moved[j] = theta[j] + step * k
                change = micro_f1_at(Y, S, moved, n_pos) - value
                if change != 0:
                    grad[j] = change / (step * k)
                    break
        # Adam ascent, in units of scale (the library's arithmetic).
        g = grad * scale
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** (it + 1))
        v_hat = v / (1 - b2 ** (it + 1))
        theta = theta + learning_rate * scale * m_hat / (np.sqrt(v_hat) + eps)
    return best_theta


REFERENCES = {
    "grid": reference_grid,
    "heuristic": reference_heuristic,
    "numerical": reference_numerical,
}


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def parse_budget(text):
    """``"0.1"`` or ``"numerical=0.1,heuristic=0.5"`` -> {name: fraction}.

    A bare fraction applies to every strategy that takes a budget
    (heuristic and numerical); the grid's reference always runs in full.
    """
    budget = dict.fromkeys(BUDGET_PARAMETER, 1.0)
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, fraction = part.rpartition("=")
        try:
            value = float(fraction)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"budget {part!r} is not FRACTION or NAME=FRACTION"
            ) from None
        if not 0.0 < value <= 1.0:
            raise argparse.ArgumentTypeError(f"budget {value} is not in (0, 1]")
        if not name:
            budget = dict.fromkeys(BUDGET_PARAMETER, value)
        elif name in BUDGET_PARAMETER:
            budget[name] = value
        else:
            raise argparse.ArgumentTypeError(
                f"no budget for {name!r}; budgets apply to "
                f"{', '.join(BUDGET_PARAMETER)} (the grid's reference runs in full)"
            )
    return budget


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-labels", type=int, default=527)
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of skthresh's strategies"
    )
    parser.add_argument(
        "--reference-repeats",
        type=int,
        default=1,
        help="runs of the straightforward versions (default 1: they are slow)",
    )
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help=f"comma-separated, among {', '.join(STRATEGIES)}",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the simulated data and of the heuristic's proposals",
    )
    parser.add_argument(
        "--reference-budget",
        type=parse_budget,
        default=None,
        help="fraction of the reference's restarts (heuristic) or iterations "
        "(numerical) to run, its time extrapolated linearly: FRACTION for "
        f"both or e.g. numerical=0.1 (default {DEFAULT_BUDGET}; 1 with --tiny)",
    )
    parser.add_argument(
        "--tiny", action="store_true", help="smoke run: 2000 x 30, one repeat"
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.n_samples, args.n_labels = 2000, 30
        args.repeats = args.reference_repeats = 1
    if args.reference_budget is None:
        args.reference_budget = parse_budget("1" if args.tiny else DEFAULT_BUDGET)
    if args.repeats < 1 or args.reference_repeats < 1:
        parser.error("--repeats and --reference-repeats must be >= 1")
    args.strategies = [name for name in args.strategies.split(",") if name]
    unknown = sorted(set(args.strategies) - set(STRATEGIES))
    if unknown:
        parser.error(f"unknown strategies {unknown}; choose among {STRATEGIES}")
    return args


def ours(name, seed):
    """skthresh's registered strategy with its defaults (random_state=seed)."""
    strategy = get_strategy(name)
    if "random_state" in strategy.get_params():
        strategy.set_params(random_state=seed)
    return strategy


def reference_params(strategy):
    """The strategy's parameters that its reference takes (all but verbose)."""
    params = strategy.get_params()
    params.pop("verbose", None)
    return params


def timed(func, repeats):
    """Median seconds of ``func()`` over ``repeats`` runs, and its first result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - start)
        result = out if result is None else result
    return float(np.median(times)), result


def compare(name, Y, S, args):
    """Run skthresh's strategy and its reference; a dict of measurements."""
    strategy = ours(name, args.seed)
    seconds, thresholds = timed(lambda: clone(strategy).optimize(Y, S), args.repeats)
    params = reference_params(strategy)
    fraction = args.reference_budget.get(name, 1.0)
    if fraction < 1.0:
        key = BUDGET_PARAMETER[name]
        full = params[key]
        params[key] = max(1, math.ceil(fraction * full))
        fraction = params[key] / full
    reference = REFERENCES[name]
    ref_seconds, ref_thresholds = timed(
        lambda: reference(Y, S, **params), args.reference_repeats
    )
    if fraction < 1.0:
        # The partial run against skthresh at the same reduced budget.
        same = clone(strategy).set_params(**params).optimize(Y, S)
    else:
        same = thresholds
    return {
        "f1": sklearn_f1_score(Y, S > thresholds, average="micro"),
        "seconds": seconds,
        "ref_f1": sklearn_f1_score(Y, S > ref_thresholds, average="micro"),
        "ref_seconds": ref_seconds / fraction,
        "fraction": fraction,
        "same_thresholds": bool(np.array_equal(same, ref_thresholds)),
        "partial_value": params[BUDGET_PARAMETER[name]] if fraction < 1.0 else None,
    }


TABLE_HEADER = (
    "| strategy | micro-F1 (skthresh) | micro-F1 (reference) | time (s) "
    "| passes | reference time (s) | reference passes | speed-up |\n"
    "|---|---|---|---|---|---|---|---|"
)


def table_row(name, r, one_pass):
    """One markdown row of the comparison."""
    if r["fraction"] < 1.0:
        ref_f1 = "n/a (partial)"
        ref_time = f"{r['ref_seconds']:.1f} (extrapolated)"
    else:
        ref_f1 = f"{r['ref_f1']:.6f}"
        ref_time = f"{r['ref_seconds']:.3f}"
    return (
        f"| {name} | {r['f1']:.6f} | {ref_f1} | {r['seconds']:.3f} "
        f"| {r['seconds'] / one_pass:,.0f} | {ref_time} "
        f"| {r['ref_seconds'] / one_pass:,.0f} "
        f"| {r['ref_seconds'] / r['seconds']:,.1f}x |"
    )


def print_notes(results):
    """What the table's figures rest on: partial runs, equal thresholds."""
    notes = []
    for name, r in results.items():
        if r["fraction"] < 1.0:
            key = BUDGET_PARAMETER[name]
            notes.append(
                f"- {name}: the reference ran {r['fraction']:.3g} of its "
                f"{key} only; its time is extrapolated linearly (time / "
                f"{r['fraction']:.3g}) and its F1 is not comparable. It "
                + ("returned the same" if r["same_thresholds"] else "returned other")
                + f" thresholds as skthresh's {name} with {key}="
                f"{r['partial_value']}."
            )
        elif r["same_thresholds"]:
            notes.append(f"- {name}: the reference returned the same thresholds.")
        else:
            notes.append(
                f"- {name}: the reference returned different thresholds "
                f"(micro-F1 difference {r['ref_f1'] - r['f1']:+.2e})."
            )
    if notes:
        print("\n" + "\n".join(notes))


def main(argv=None):
    """Run the benchmark; return 0."""
    args = parse_args(argv)
    start = time.perf_counter()
    Y, S = make_tagging_scores(
        args.n_samples, args.n_labels, dtype=np.float32, random_state=args.seed
    )
    Y = np.ascontiguousarray(Y, dtype=bool)
    S = np.ascontiguousarray(S, dtype=np.float32)
    one_pass = pass_time(S)
    print("## skthresh against straightforward references\n")
    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPU(s). make_tagging_scores({args.n_samples}, "
        f"{args.n_labels}, random_state={args.seed}), float32; one pass = "
        f"{one_pass * 1e3:.2f} ms. Each strategy with its defaults (random_state="
        f"{args.seed}), its reference with the same settings. skthresh's time is "
        f"the median of {args.repeats} run(s); the reference's of "
        f"{args.reference_repeats} run(s). micro-F1 on the tuning data, by "
        "sklearn.metrics.f1_score.\n"
    )
    print(TABLE_HEADER, flush=True)
    results = {}
    for name in args.strategies:
        results[name] = compare(name, Y, S, args)
        print(table_row(name, results[name], one_pass), flush=True)
    print_notes(results)
    print(f"\n(wall time {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
