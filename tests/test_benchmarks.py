"""Smoke runs of the benchmark scripts, so that they cannot rot."""

import re
import subprocess

import numpy as np
import pytest
from _benchmarks import BENCHMARKS, load_benchmark

ROOT = BENCHMARKS.parent


def test_bench_strategies_tiny(capsys):
    bench = load_benchmark("bench_strategies")
    assert bench.main(["--tiny"]) == 0
    out = capsys.readouterr().out
    tables = re.findall(r"^### (.+)$", out, flags=re.MULTILINE)
    assert len(tables) == 4
    assert tables[0].startswith("Simulator") and tables[1].startswith("Yeast")
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    names = {row[0] for row in rows}
    assert {"coordinate", "global", "surrogate"} <= names
    assert "surrogate, paper's reference settings" in names
    assert all(0.0 <= float(value) <= 1.0 for row in rows for value in row[1:])
    assert len(rows) == 4 * len({row[0] for row in rows})


def test_bench_strategies_options(capsys):
    bench = load_benchmark("bench_strategies")
    bench.main(["--tiny", "--no-yeast", "--strategies", "coordinate,global"])
    out = capsys.readouterr().out
    assert "Yeast" not in out and "| coordinate |" in out and "| grid |" not in out
    with pytest.raises(SystemExit):
        bench.main(["--strategies", "nope"])


def test_bench_surrogate_gap_tiny(capsys):
    bench = load_benchmark("bench_surrogate_gap")
    assert bench.main(["--tiny"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) \| (-?[\d.]+) \| ([\d.]+) \|", out, re.M)
    assert [row[0] for row in rows] == ["coordinate"] + [
        name for name, _ in bench.VARIANTS
    ]
    assert float(rows[0][2]) == 0.0  # the gap of coordinate ascent to itself
    tuning = [float(row[1]) for row in rows]
    # Coordinate ascent is the exact optimum of micro-F1 on the tuning data.
    assert all(0.0 < value <= tuning[0] + 1e-12 for value in tuning)
    assert "Held-out micro-F1 at the fixed threshold 0.5" in out


def test_bench_surrogate_gap_problems_are_checked():
    bench = load_benchmark("bench_surrogate_gap")
    assert bench.parse_problem("300x7:2:logit") == (300, 7, 2, "logit", 0.0)
    assert bench.parse_problem("300x7:2:proba:0.01") == (300, 7, 2, "proba", 0.01)
    for bad in ("300x7:2", "300x7:2:raw", "300:2:proba", "300x7:2:proba:a:b"):
        with pytest.raises(Exception, match="problem is NxL|output must be"):
            bench.parse_problem(bad)


def test_timing_helpers():
    # benchmarks/_timing.py: the unit of time, and the commit of the checkout
    # that holds it (git run in the repository root, whatever the cwd).
    timing = load_benchmark("_timing")
    S = np.random.default_rng(0).random((300, 7))
    seconds = timing.pass_time(S, repeats=3)
    assert isinstance(seconds, float) and 0.0 < seconds < 1.0

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    head = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--", "skthresh"))
    expected = (head + "+dirty" * dirty) if head else None
    assert timing.git_commit() == expected


def test_thresholds_snapshot_tiny_compares_bit_for_bit(tmp_path, capsys):
    bench = load_benchmark("thresholds_snapshot")
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    assert bench.main(["--tiny", "--out", str(first)]) == 0
    assert bench.main(["--tiny", "--out", str(second), "--compare", str(first)]) == 0
    out = capsys.readouterr().out
    n = int(re.search(r"(\d+) threshold vectors", out).group(1))
    assert n > 100
    assert f"{n} of {n} bit-identical" in out
    # The comparison can fail: one threshold moved by one ulp is reported.
    moved = dict(np.load(first))
    key = sorted(moved)[0]
    moved[key] = np.nextafter(moved[key], np.inf)
    np.savez(first, **moved)
    assert bench.main(["--tiny", "--out", str(second), "--compare", str(first)]) == 1
    assert f"differs: {key}" in capsys.readouterr().out


def test_bench_degenerate_labels_tiny(capsys):
    bench = load_benchmark("bench_degenerate_labels")
    assert bench.main(["--tiny", "--tuning-sizes", "5"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^\| (yeast|simulator) \| 5 \| (\d+) \| (below|all) \|", out, re.M
    )
    assert {(row[0], row[2]) for row in rows} == {
        (problem, rule)
        for problem in ("yeast", "simulator")
        for rule in ("below", "all")
    }
    assert all(int(row[1]) > 0 for row in rows)  # some splits had such a label


def test_bench_held_labels_tiny(capsys):
    bench = load_benchmark("bench_held_labels")
    assert bench.main(["--tiny", "--min-positives", "30"]) == 0
    out = capsys.readouterr().out
    held = int(re.search(r"(\d+) labels under min_positives=30", out).group(1))
    assert 0 < held < 20
    rows = re.findall(r"^\| (\w+) \| .* \| ([\d.]+) \|$", out, re.M)
    assert [row[0] for row in rows] == ["coordinate", "bagged", "surrogate"]
    assert all(float(row[1]) > 0 for row in rows)


def test_bench_samples_average_tiny(capsys):
    bench = load_benchmark("bench_samples_average")
    assert bench.main(["--tiny", "--strategies", "global,coordinate"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^\| (\w[\w .]*?) \| (.+) \|$", out, re.M)
    names = [row[0] for row in rows]
    assert names[-3:] == ["threshold 0.5", "global", "coordinate"]
    held_out = [float(row[1].split(" | ")[-1]) for row in rows[-3:]]
    assert all(0.0 < value <= 1.0 for value in held_out)


def test_bench_generalisation_tiny(capsys):
    bench = load_benchmark("bench_generalisation")
    argv = ["--tiny", "--problems", "yeast-knn,sim-500"]
    argv += ["--binary-problems", "breast-cancer,yeast-label-9"]
    argv += ["--binary-strategies", "coordinate"]
    assert bench.main(argv + ["--strategies", "global,coordinate,shrunk"]) == 0
    out = capsys.readouterr().out
    tables = re.findall(r"^### (.+)$", out, flags=re.MULTILINE)
    assert [t.split(" ")[0] for t in tables] == ["yeast-knn", "sim-500", "Binary:"]
    rows = re.findall(r"^\| (global|coordinate|shrunk) \| \**([\d.]+)\**", out, re.M)
    assert len(rows) == 6 and all(0 < float(value) <= 100 for _, value in rows)
    binary = re.findall(r"^\| (breast-cancer|yeast-label-9) \|(.+)\|$", out, re.M)
    assert len(binary) == 2 and all(row[1].count("(") == 4 for row in binary)
    summary = re.findall(r"^- coordinate: (.+)$", out, re.M)
    assert len(summary) == 1 and summary[0].count("same") == 2
    with pytest.raises(SystemExit):
        bench.main(["--problems", "nope"])


def test_bench_cv_aggregation_tiny(capsys):
    bench = load_benchmark("bench_cv_aggregation")
    assert bench.main(["--tiny", "--no-multilabel"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^\| (.+?) \| (cv=5, \w+|held out .+?) \| ([\d.]+) \|", out, re.M
    )
    assert {row[1] for row in rows} >= {
        "cv=5, pooled",
        "cv=5, mean_curve",
        "cv=5, smoothed",
        "held out 30 %, stratified",
    }
    assert len(rows) == 2 * 5 and all(0 < float(row[2]) <= 100 for row in rows)


def test_bench_sample_weight_tiny(capsys):
    bench = load_benchmark("bench_sample_weight")
    assert bench.main(["--tiny"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^\| (\w+) \| (micro|macro) \| (\d+) \| (\d+) \|", out, re.M)
    assert {row[0] for row in rows} == {"coordinate", "global", "surrogate"}
    assert len(rows) == 6
