"""Every gallery example runs offline with a non-interactive backend."""

import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


def _run(path):
    """Run an example; return its namespace and the figures it made, closed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        namespace = runpy.run_path(str(path), run_name="__main__")
        figures = [plt.figure(number) for number in plt.get_fignums()]
    finally:
        plt.close("all")
        os.chdir(cwd)
    return namespace, figures


@pytest.fixture(scope="module")
def ran():
    """Run each example once for all the tests of this module."""
    cache = {}

    def run(name):
        if name not in cache:
            cache[name] = _run(next(p for p in EXAMPLES if p.stem == name))
        return cache[name]

    return run


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, ran):
    _, figures = ran(path.stem)
    for figure in figures:
        figure.canvas.draw()


def test_there_are_examples():
    assert EXAMPLES


def test_grid_search_reference_line_is_visible(ran):
    namespace, _ = ran("plot_grid_search_slope")
    ax, y = namespace["ax"], namespace["baseline"].mean()
    (line,) = [line for line in ax.get_lines() if set(line.get_ydata()) == {y}]
    ax.figure.canvas.draw()
    bottom, top = ax.get_ylim()
    assert bottom < y < top, (y, bottom, top)
    assert line.get_visible() and line.axes is ax
    # Not hidden behind the legend either.
    box = ax.get_legend().get_window_extent()
    path = line.get_transform().transform_path(line.get_path())
    assert not path.intersects_bbox(box, filled=False)
