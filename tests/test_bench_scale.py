"""Smoke runs of the scale and device benchmarks, so that they cannot rot."""

import argparse
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


def test_bench_scale_tiny(capsys, tmp_path):
    bench = load("bench_scale")
    argv = ["--tiny", "--strategies", "coordinate,global", "--data-dir", str(tmp_path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^### (.+)$", out, flags=re.M) == [
        "300 x 8",
        "600 x 8",
        "Scaling: passes",
        "Scaling: time per step (ms)",
        "Scaling: peak memory / score matrix",
    ]
    rows = re.findall(
        r"^\| (coordinate|global) \| (0\.\d{4}|1\.0000) \| ([\d.]+) \|", out, re.M
    )
    assert len(rows) == 4
    assert all(0.0 < float(f1) <= 1.0 for _, f1, _ in rows)
    assert "failed" not in out
    assert len(list(tmp_path.glob("*.npy"))) == 4  # data saved for reuse


def test_bench_scale_options():
    bench = load("bench_scale")
    assert bench.parse_sizes("20000x527, 1_000_000x527") == [
        (20000, 527),
        (1000000, 527),
    ]
    with pytest.raises(argparse.ArgumentTypeError):
        bench.parse_sizes("20000-527")
    with pytest.raises(SystemExit):
        bench.parse_args(["--strategies", "nope"])


def test_bench_device_tiny(capsys):
    bench = load("bench_device")
    # Two CPU runs exercise the comparison wherever CUDA is absent.
    argv = ["--tiny", "--devices", "cpu,cpu", "--modes", "sorted"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "| sorted | cpu |" in out and "OK" in out
    assert "agree within tolerance" in out


def test_bench_device_skips_without_cuda(capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("CUDA is available")
    bench = load("bench_device")
    assert bench.main(["--tiny"]) == 0
    assert "skipped" in capsys.readouterr().out
