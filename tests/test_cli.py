"""The command line and the demo."""

import subprocess
import sys

import pytest

from skthresh._cli import main
from skthresh._demo import run_demo
from skthresh.strategies import available_strategies


def test_demo_compares_every_strategy_on_held_out_data():
    lines = []
    rows = run_demo(base="logreg", random_state=0, out=lines.append)
    assert [r["strategy"] for r in rows][0] == "default"
    assert {r["strategy"] for r in rows} == set(available_strategies())
    by_name = {r["strategy"]: r for r in rows}
    assert by_name["surrogate"]["test_f1_micro"] > by_name["default"]["test_f1_micro"]
    assert any("| surrogate |" in line for line in lines)
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
