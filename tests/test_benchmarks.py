"""Smoke runs of the benchmark scripts, so that they cannot rot."""

import importlib.util
import re
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_strategies_tiny(capsys):
    bench = load("bench_strategies")
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
    bench = load("bench_strategies")
    bench.main(["--tiny", "--no-yeast", "--strategies", "coordinate,global"])
    out = capsys.readouterr().out
    assert "Yeast" not in out and "| coordinate |" in out and "| grid |" not in out
    with pytest.raises(SystemExit):
        bench.main(["--strategies", "nope"])
