"""Plot the scaling of a strategy from ``bench_scale.py --json`` results.

Reads one or more JSON files written by ``benchmarks/bench_scale.py
--json`` and draws, on log-log axes, a strategy's time per step (ms) and
its setup time (s) against ``n_samples``, one line per ``n_labels``, and
with ``--passes`` its total time in passes as a third panel. A size
measured in several files is taken from the last one given. With
``--markdown`` the same figures are also printed as markdown tables (rows
``n_samples``, columns ``n_labels``).

Examples::

    python benchmarks/plot_scaling.py /tmp/skthresh-bench/grid.json \\
        /tmp/skthresh-bench/large.json
    python benchmarks/plot_scaling.py scale.json --passes --markdown \\
        --output docs/_static/scaling.png
"""

import argparse
import json
import math
import sys
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs/_static/scaling.png"


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="+", help="files from bench_scale.py --json")
    parser.add_argument(
        "--strategy",
        default="surrogate",
        help="row name to plot, e.g. 'coordinate' or 'surrogate (sparse)' "
        "(default: surrogate)",
    )
    parser.add_argument(
        "--output",
        default=str(DEFAULT_OUTPUT),
        help="PNG written (default: %(default)s)",
    )
    parser.add_argument(
        "--passes", action="store_true", help="add a panel of the time in passes"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="also print markdown tables"
    )
    parser.add_argument("--dpi", type=int, default=110)
    return parser.parse_args(argv)


def load_results(paths, strategy):
    """``{(n_samples, n_labels): result}`` of ``strategy`` over the files.

    Failed runs are left out; a size found in several files is taken from
    the last.
    """
    points = {}
    for path in paths:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        for size in payload.get("sizes", []):
            result = size.get("results", {}).get(strategy)
            if not isinstance(result, dict) or "error" in result:
                continue
            points[(size["n_samples"], size["n_labels"])] = result
    return points


# (key in the panel list, axis label, value of a result or None)
PANELS = {
    "step": ("time per step (ms)", lambda r: _scaled(r.get("step"), 1e3)),
    "setup": ("setup time (s)", lambda r: r.get("setup")),
    "passes": ("total time (passes)", lambda r: r["seconds"] / r["pass"]),
}


def _scaled(value, factor):
    return None if value is None else value * factor


def by_labels(points, value):
    """``{n_labels: [(n_samples, value), ...]}``, sorted, Nones left out."""
    lines = {}
    for (n_samples, n_labels), result in sorted(points.items()):
        v = value(result)
        if v is not None and v > 0:
            lines.setdefault(n_labels, []).append((n_samples, v))
    return lines


def plot(points, strategy, output, *, passes=False, dpi=110):
    """Write the figure; the path written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogFormatter

    keys = ["step", "setup"] + (["passes"] if passes else [])
    fig, axes = plt.subplots(
        1, len(keys), figsize=(3.6 * len(keys), 3.3), layout="constrained"
    )
    markers = "osD^v<>"
    for ax, key in zip(axes, keys, strict=True):
        label, value = PANELS[key]
        lines = by_labels(points, value)
        for i, (n_labels, xy) in enumerate(sorted(lines.items())):
            xs, ys = zip(*xy, strict=True)
            ax.plot(
                xs, ys, marker=markers[i % len(markers)], label=f"{n_labels} labels"
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        # Plain numbers (0.5, 20, 300) rather than powers of ten.
        ax.yaxis.set_major_formatter(LogFormatter())
        ax.yaxis.set_minor_formatter(LogFormatter(minor_thresholds=(1.5, 0.5)))
        ax.set_xlabel("n_samples")
        ax.set_ylabel(label)
        ax.set_title(f"{strategy}: {label.split(' (')[0]}", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        if lines:
            ax.legend(fontsize=8)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=dpi)
    plt.close(fig)
    return output


def fmt3(value):
    """Three significant digits, no exponent; "-" for None."""
    if value is None:
        return "-"
    if value == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


def print_markdown(points, strategy, keys):
    """Markdown tables: rows n_samples, columns n_labels."""
    samples = sorted({n for n, _ in points})
    labels = sorted({L for _, L in points})
    for key in keys:
        label, value = PANELS[key]
        print(f"\n{strategy}: {label}\n")
        print("| n_samples | " + " | ".join(f"{L} labels" for L in labels) + " |")
        print("|---" * (len(labels) + 1) + "|")
        for n in samples:
            cells = []
            for L in labels:
                r = points.get((n, L))
                v = None if r is None else value(r)
                cells.append(fmt3(v))
            print(f"| {n:,} | " + " | ".join(cells) + " |")


def main(argv=None):
    """Plot; return 0, or 1 if no result of the strategy was found."""
    args = parse_args(argv)
    points = load_results(args.json, args.strategy)
    if not points:
        print(f"no result of {args.strategy!r} in {args.json}", file=sys.stderr)
        return 1
    output = plot(points, args.strategy, args.output, passes=args.passes, dpi=args.dpi)
    if args.markdown:
        keys = ["step", "setup"] + (["passes"] if args.passes else [])
        print_markdown(points, args.strategy, keys)
    print(f"\nwrote {output} ({output.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
