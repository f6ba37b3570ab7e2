"""Smoke runs of the scale and device benchmarks, so that they cannot rot."""

import argparse
import re

import pytest
from _benchmarks import load_benchmark


def test_bench_scale_tiny(capsys, tmp_path):
    bench = load_benchmark("bench_scale")
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
    bench = load_benchmark("bench_scale")
    assert bench.parse_sizes("20000x527, 1_000_000x527") == [
        (20000, 527),
        (1000000, 527),
    ]
    with pytest.raises(argparse.ArgumentTypeError):
        bench.parse_sizes("20000-527")
    with pytest.raises(SystemExit):
        bench.parse_args(["--strategies", "nope"])


def test_bench_scale_json_and_sparse_floor(capsys, tmp_path):
    import json

    bench = load_benchmark("bench_scale")
    path = tmp_path / "out" / "scale.json"
    argv = ["--tiny", "--strategies", "coordinate", "--data-dir", str(tmp_path)]
    argv += ["--sparse-floor", "0.05", "--json", str(path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "failed" not in out
    rows = re.findall(r"^\| (coordinate(?: \(sparse\))?) \| (0\.\d{4}) \|", out, re.M)
    names = [name for name, _ in rows]
    # Two sizes, each with a dense and a sparse row, and a table of the
    # sparse thresholds on the dense scores.
    assert names.count("coordinate") == 2
    assert names.count("coordinate (sparse)") == 4
    assert "of the entries kept" in out
    assert len(list(tmp_path.glob("*_floor0.05.npz"))) == 2

    payload = json.loads(path.read_text())
    assert payload["sparse_floor"] == 0.05
    assert payload["machine"]["cpu_count"] >= 1
    assert [(s["n_samples"], s["n_labels"]) for s in payload["sizes"]] == [
        (300, 8),
        (600, 8),
    ]
    for size in payload["sizes"]:
        assert size["pass"] > 0
        assert 0.0 < size["sparse"]["fraction_kept"] < 1.0
        dense = size["results"]["coordinate"]
        sparse = size["results"]["coordinate (sparse)"]
        assert dense["input"] == "dense" and sparse["input"] == "sparse"
        for r in (dense, sparse):
            assert 0.0 < r["f1"] <= 1.0 and r["seconds"] > 0
        assert 0.0 <= sparse["f1_dense_scores"] <= 1.0
        # Raised to the floor, the thresholds make the same decisions on the
        # dense scores as on the floored ones.
        assert sparse["f1_dense_scores_raised"] == pytest.approx(sparse["f1"])
        assert sparse["n_below_floor"] >= 0


def test_bench_scale_chunked_data_is_one_call(tmp_path):
    import numpy as np

    from skthresh.datasets import make_tagging_scores

    bench = load_benchmark("bench_scale")
    # 5000 labels: chunks of 209 rows, so 1000 rows are five chunks.
    y_path, s_path = bench.data_files(tmp_path, 1000, 5000, 3)
    Y, S = make_tagging_scores(1000, 5000, dtype=np.float32, random_state=3)
    assert np.array_equal(np.load(y_path), Y.astype(bool))
    assert np.array_equal(np.load(s_path), S)


def test_bench_scale_micro_f1_chunked():
    import numpy as np
    import scipy.sparse as sp

    from skthresh.metrics import f1_score

    bench = load_benchmark("bench_scale")
    rng = np.random.default_rng(0)
    Y = rng.random((50, 6)) < 0.3
    S = rng.random((50, 6)).astype(np.float32)
    S[S < 0.2] = 0
    theta = rng.random(6) * 0.5
    expected = f1_score(Y, S > theta)
    assert bench.micro_f1_chunked(Y, S, theta, rows=7) == pytest.approx(expected)
    csr = sp.csr_matrix(S)
    assert bench.micro_f1_chunked(Y, csr, theta, rows=7) == pytest.approx(expected)


def test_plot_scaling(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    import json

    plot = load_benchmark("plot_scaling")
    result = {"seconds": 2.0, "pass": 0.01, "setup": 0.5, "step": 0.002}
    payload = {
        "sizes": [
            {"n_samples": n, "n_labels": L, "results": {"surrogate": result}}
            for n in (1000, 10000)
            for L in (10, 100)
        ]
        + [{"n_samples": 5, "n_labels": 10, "results": {"surrogate": {"error": "x"}}}]
    }
    path = tmp_path / "scale.json"
    path.write_text(json.dumps(payload))
    out_png = tmp_path / "static" / "scaling.png"
    argv = [str(path), "--output", str(out_png), "--passes", "--markdown"]
    assert plot.main(argv) == 0
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "| 10,000 | 2.00 | 2.00 |" in out  # time per step in ms
    assert plot.main([str(path), "--strategy", "nope", "--output", str(out_png)]) == 1


def test_bench_device_tiny(capsys):
    bench = load_benchmark("bench_device")
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
    bench = load_benchmark("bench_device")
    assert bench.main(["--tiny"]) == 0
    assert "skipped" in capsys.readouterr().out
