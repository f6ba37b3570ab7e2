"""The command line, the demo and the comparison they share."""

import ast
import contextlib
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

import skthresh
from skthresh import learn_thresholds
from skthresh._cli import main
from skthresh._compare import baseline_first, compare_strategies, format_table
from skthresh._demo import run_demo
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import f1_score
from skthresh.strategies import (
    DefaultThreshold,
    GlobalThreshold,
    SurrogateThreshold,
    available_strategies,
)
from skthresh.strategies._registry import configure_strategy


def test_demo_compares_every_strategy_on_held_out_data():
    lines = []
    rows = run_demo(base="logreg", random_state=0, out=lines.append)
    assert [r["strategy"] for r in rows][0] == "default"
    assert {r["strategy"] for r in rows} == set(available_strategies())
    by_name = {r["strategy"]: r for r in rows}
    assert by_name["surrogate"]["test_f1_micro"] > by_name["default"]["test_f1_micro"]
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + len(rows)
    first_cells = [line.strip("|").split("|")[0].strip() for line in table]
    assert first_cells[2:] == [r["strategy"] for r in rows]
    assert "surrogate" in first_cells
    bars = {tuple(i for i, c in enumerate(line) if c == "|") for line in table}
    assert len(bars) == 1  # aligned, though printed row by row
    assert any("neither saw" in line for line in lines)


def test_demo_rejects_unknown_base():
    with pytest.raises(ValueError, match="base must be one of"):
        run_demo(base="svm", out=lambda line: None)


def test_main_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "skthresh", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("skthresh ")


def _tagging_data():
    return make_tagging_scores(500, 8, n_test_samples=300, random_state=0)


def test_compare_strategies_learns_times_and_scores_each():
    Y, S, Y_test, S_test = _tagging_data()
    built, entered = [], []

    def coordinate():
        built.append("coordinate")
        return configure_strategy("coordinate")

    @contextlib.contextmanager
    def guard(name):
        entered.append(name)
        yield

    surrogate = SurrogateThreshold(max_iter=5)
    seen = []
    rows = compare_strategies(
        Y,
        S,
        Y_test,
        S_test,
        {"default": DefaultThreshold(), "coordinate": coordinate, "sgl": surrogate},
        scorers={"micro": f1_score, "macro": partial(f1_score, average="macro")},
        guard=guard,
        on_row=seen.append,
    )
    assert built == ["coordinate", "coordinate"]  # untimed warm-up, timed run
    assert entered == ["default", "coordinate", "sgl"]
    assert [r["strategy"] for r in rows] == entered
    assert all(a is b for a, b in zip(seen, rows, strict=True))
    assert surrogate.n_iter_ == 5  # the object given is the one timed
    for row, name in zip(rows, ["default", "coordinate", "surrogate"], strict=True):
        params = {"max_iter": 5} if name == "surrogate" else {}
        theta = learn_thresholds(Y, S, strategy=name, **params)
        assert row["thresholds"].tobytes() == theta.tobytes()
        for part, (Y_part, S_part) in [("tuning", (Y, S)), ("test", (Y_test, S_test))]:
            assert row[part] == {
                "micro": f1_score(Y_part, S_part > theta),
                "macro": f1_score(Y_part, S_part > theta, average="macro"),
            }
        assert row["gain"] == {
            k: v - rows[0]["test"][k] for k, v in row["test"].items()
        }
        assert row["seconds"] > 0
    assert rows[0]["gain"] == {"micro": 0.0, "macro": 0.0}


def test_compare_strategies_without_test_data_gains_on_tuning():
    Y, S = _tagging_data()[:2]
    rows = compare_strategies(
        Y,
        S,
        None,
        None,
        {"default": DefaultThreshold(), "global": GlobalThreshold()},
        scorers={"micro": f1_score},
    )
    assert [r["test"] for r in rows] == [None, None]
    gain = rows[1]["tuning"]["micro"] - rows[0]["tuning"]["micro"]
    assert rows[1]["gain"] == {"micro": gain} and gain > 0


def test_compare_strategies_reports_errors_of_the_timed_run_only():
    Y, S = _tagging_data()[:2]

    @contextlib.contextmanager
    def guard(name):
        try:
            yield
        except ValueError as exc:
            raise RuntimeError(f"{name} failed") from exc

    strategies = {"default": DefaultThreshold(), "bad": SurrogateThreshold(slope=-1)}
    with pytest.raises(RuntimeError, match="bad failed") as info:
        compare_strategies(Y, S, None, None, strategies, scorers={}, guard=guard)
    assert "slope" in str(info.value.__cause__)

    def unbuildable():
        return configure_strategy("default", {"colour": "red"})

    with pytest.raises(RuntimeError, match="unbuildable failed") as info:
        compare_strategies(
            Y, S, None, None, {"unbuildable": unbuildable}, scorers={}, guard=guard
        )
    assert "colour cannot be set" in str(info.value.__cause__)


def test_format_table_pads_and_aligns_columns():
    lines = format_table(
        ["strategy", "F1", "gain (pts)"],
        [["default", "0.5000", "+0.00"], ["coordinate", "0.7500", "+25.00"]],
        align="lrr",
    )
    assert lines == [
        "| strategy   |     F1 | gain (pts) |",
        "|------------|-------:|-----------:|",
        "| default    | 0.5000 |      +0.00 |",
        "| coordinate | 0.7500 |     +25.00 |",
    ]


def test_baseline_first():
    assert baseline_first(["a", "default", "b"]) == ["default", "a", "b"]
    assert baseline_first(["b", "a"]) == ["b", "a"]


# The front ends, from the top: each may import those below it and the
# library, never the root package (which imports the library) nor one above.
FRONT_ENDS = ["__main__", "_cli", "_cli_parser", "_demo", "_floor_report", "_compare"]


def _imported_modules(path):
    """Every skthresh module a file imports, at any level of its code."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            pytest.fail(f"{path}: relative import")


def test_front_ends_import_downward_only():
    package = Path(skthresh.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 20
    for path in modules:
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        level = FRONT_ENDS.index(parts[1]) if parts[1] in FRONT_ENDS else None
        imported = set(_imported_modules(path))
        if level is not None:
            assert "skthresh" not in imported, f"{name} imports the root package"
        allowed_above = FRONT_ENDS[level + 1 :] if level is not None else []
        for front in FRONT_ENDS:
            if f"skthresh.{front}" in imported:
                assert front in allowed_above, f"{name} imports skthresh.{front}"
