"""A smoke run of benchmarks/bench_operating_points.py, so that it cannot rot."""

import re

from _benchmarks import load_benchmark


def test_bench_operating_points_tiny(capsys):
    bench = load_benchmark("bench_operating_points")
    assert bench.main(["--tiny"]) == 0
    out = capsys.readouterr().out
    titles = re.findall(r"^### (.+)$", out, flags=re.MULTILINE)
    assert [t.split(",")[0] for t in titles] == ["Yeast"] * 2 + ["Simulator"] * 2
    rows = re.findall(
        r"^\| (label|micro) \| (.+?) \| (\d+%|-) \((\d+)/(\d+) (pairs|splits)\) "
        r"\| ([\d.]+|-) \| ([\d.]+) \|",
        out,
        flags=re.MULTILINE,
    )
    assert len(rows) == 2 * 2 * 6  # two problems, two floors
    for average, _, percent, met, total, unit, precision, recall in rows:
        assert (unit == "splits") == (average == "micro")
        assert int(met) <= int(total)
        assert (percent == "-") == (int(total) == 0) == (precision == "-")
        if int(total):
            assert abs(int(percent[:-1]) - 100 * int(met) / int(total)) <= 0.5
            assert 0.0 <= float(precision) <= 1.0
        assert 0.0 <= float(recall) <= 1.0
    # Per label, the floor at the confidence bound keeps fewer cuts: every
    # threshold is as high or higher, so held-out recall can only drop.
    costs = re.findall(r"recall cost of confidence=0.95 \((\w+)\): (-?[\d.]+)", out)
    assert [c[0] for c in costs] == ["label", "micro"] * 4
    assert all(float(cost) >= 0.0 for average, cost in costs if average == "label")
