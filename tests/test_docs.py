"""The documentation builds offline with warnings as errors, and says what is there."""

import importlib
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import skthresh
from skthresh.strategies import available_strategies

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "skthresh",
    "skthresh.metrics",
    "skthresh.strategies",
    "skthresh.datasets",
    "skthresh.plot",
    "skthresh.utils",
]
# What a build writes into the source folder: never copied from a checkout.
GENERATED = ("_build", "gen_modules", "auto_examples", "sg_execution_times.rst")


def _copy_sources(dest):
    """The docs, the examples and the changelog, laid out as in the repository."""
    shutil.copytree(
        ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns(*GENERATED)
    )
    shutil.copytree(
        ROOT / "examples",
        dest / "examples",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "CHANGES.md", dest / "CHANGES.md")
    return dest / "docs"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the HTML once, gallery not executed, into a temporary folder."""
    import sphinx  # noqa: F401  (the docs tools are test dependencies)

    tmp = tmp_path_factory.mktemp("docs")
    source = _copy_sources(tmp)
    out = tmp / "html"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "MPLBACKEND": "Agg",
    }
    env.pop("SKTHRESH_DOCS_ONLINE", None)  # offline, whatever the caller's shell
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    command += ["-D", "plot_gallery=0", str(source), str(out)]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    print(f"sphinx-build took {seconds:.1f} s")
    return out


def _text(path):
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_build_has_the_main_pages(built):
    for page in [
        "index",
        "install",
        "api",
        "benchmarks",
        "changelog",
        "references",
        "architecture",
        "user_guide/usage",
        "user_guide/method",
        "user_guide/strategies",
        "user_guide/own_strategy",
        "user_guide/rare_labels",
        "user_guide/scaling",
        "user_guide/cli",
        "auto_examples/index",
    ]:
        assert (built / f"{page}.html").is_file(), page


@pytest.mark.parametrize("module_name", MODULES)
def test_api_reference_has_a_page_for_every_public_name(built, module_name):
    module = importlib.import_module(module_name)
    assert (built / "gen_modules" / f"{module_name}.html").is_file()
    for name in module.__all__:
        obj = getattr(module, name)
        # Names re-exported by the top-level package live in their sub-package.
        homes = [
            m
            for m in MODULES[1:]
            if getattr(importlib.import_module(m), name, None) is obj
        ]
        home = homes[0] if module_name == "skthresh" and homes else module_name
        assert (built / "gen_modules" / f"{home}.{name}.html").is_file(), name


def test_strategy_table_lists_every_registered_strategy(built):
    text = _text(built / "user_guide" / "strategies.html")
    for name in available_strategies():
        assert re.search(rf"\b{re.escape(name)}\b", text), name


def test_cli_reference_shows_every_command(built):
    from skthresh._cli import _build_parser

    text = _text(built / "user_guide" / "cli.html")
    commands = [
        action.choices
        for action in _build_parser()._actions
        if hasattr(action, "choices") and isinstance(action.choices, dict)
    ][0]
    for command in commands:
        assert f"skthresh {command} --help" in text, command


def test_changelog_includes_changes_md(built):
    text = _text(built / "changelog.html")
    changes = (ROOT / "CHANGES.md").read_text(encoding="utf-8")
    headings = re.findall(r"^###\s+(.+)$", changes, flags=re.M)
    assert headings
    for heading in headings:
        assert heading.strip() in text
    assert "SurrogateThresholdClassifier" in text


def test_version_is_shown(built):
    assert skthresh.__version__ in _text(built / "index.html")


def test_markdown_to_rst(tmp_path):
    source = _copy_sources(tmp_path)
    conf = runpy.run_path(str(source / "conf.py"))
    convert = conf["markdown_to_rst"]
    markdown = (
        "# Changelog\n\n## [1.0.0] - 2025-01-01\n\n### Added\n\n"
        "- `learn_thresholds`s and [docs](https://example.org), fitted\n"
        "  `thresholds_` and plain thresholds_ too.\n\n"
        "```bash\nskthresh demo\n```\n\n[1.0.0]: https://example.org/v1\n"
    )
    rst = convert(markdown)
    assert "Changelog" not in rst
    assert "1.0.0 - 2025-01-01\n==================" in rst
    assert "Added\n-----" in rst
    assert "- ``learn_thresholds``\\ s and `docs <https://example.org>`__" in rst
    assert "``thresholds_`` and plain thresholds\\_ too." in rst
    assert ".. code-block:: bash\n\n   skthresh demo" in rst
    assert "https://example.org/v1" not in rst


def test_landing_page_quick_start_runs(monkeypatch, capsys):
    index = (ROOT / "docs" / "index.rst").read_text(encoding="utf-8")
    block = re.search(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", index)[1]
    code = "\n".join(line[3:] for line in block.splitlines())
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/index.rst", "exec"), {})
    printed = capsys.readouterr().out
    score = float(printed.split()[0])
    assert 0.6 < score < 0.7


def _output_block(page, name):
    """The lines of the ``code-block:: text`` named ``name`` in a page."""
    block = re.search(
        rf"^\.\. code-block:: text\n   :name: {re.escape(name)}\n\n((?:   .*\n|\n)+)",
        page,
        flags=re.M,
    )
    assert block, name
    return [line[3:] for line in block[1].strip("\n").splitlines()]


def test_own_strategy_example_runs_as_the_page_shows(capsys):
    # docs/user_guide/own_strategy.rst shows this file and what it prints.
    import numpy as np

    from skthresh.strategies import unregister_strategy
    from skthresh.utils import check_strategy

    folder = ROOT / "docs" / "user_guide"
    try:
        namespace = runpy.run_path(str(folder / "own_strategy_example.py"))
    finally:
        left_registered = "target_recall" in available_strategies()
        if left_registered:
            unregister_strategy("target_recall")
    assert not left_registered
    printed = capsys.readouterr().out.splitlines()
    page = (folder / "own_strategy.rst").read_text(encoding="utf-8")
    shown = _output_block(page, "own-strategy-output")
    shown += _output_block(page, "own-strategy-summary-output")
    assert printed == shown
    assert printed[3].startswith("The 'recall' parameter of TargetRecall must be")

    thresholds = namespace["thresholds"]
    assert thresholds.shape == (20,) and thresholds.dtype == np.float64
    assert np.isfinite(thresholds).all()
    assert namespace["recall"].min() >= 0.8
    assert np.array_equal(namespace["from_summary"], thresholds)

    Y, S = namespace["Y"], namespace["S"]
    TargetRecall = namespace["TargetRecall"]
    with pytest.raises(ValueError, match="'recall' parameter of TargetRecall"):
        TargetRecall(recall=0.0).optimize(Y, S)
    with pytest.raises(ValueError, match="'gap' parameter of TargetRecall"):
        TargetRecall(gap="bottom").optimize(Y, S)
    # The contract suite holds the example to something: exactness fails it,
    # and so does a summary hook that disagrees with the matrix hook by a bit.
    with pytest.raises(AssertionError, match="fails check_brute_force"):
        check_strategy(TargetRecall(), brute_force_tolerance=0.0)

    class OneBitOff(namespace["TargetRecallWithSummary"]):
        def _optimize_summary(self, summary, metric):
            thresholds = super()._optimize_summary(summary, metric)
            return np.nextafter(thresholds, np.inf)

    with pytest.raises(AssertionError, match="fails check_declarations"):
        check_strategy(OneBitOff())


def test_every_test_named_on_the_guarantees_page_exists():
    # docs/guarantees.rst lists each promise with its tests: a renamed or
    # removed test would leave a promise unenforced.
    text = (ROOT / "docs" / "guarantees.rst").read_text()
    named = re.findall(r"``([\w/]+\.py)::(\w+)", text)
    assert len(named) > 40
    missing = [
        f"{path}::{test}"
        for path, test in named
        if not (ROOT / "tests" / path).exists()
        or not re.search(rf"^def {test}\(", (ROOT / "tests" / path).read_text(), re.M)
    ]
    assert missing == []
