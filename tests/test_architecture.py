"""The architecture is enforced: layers, independent strategies, no cycle."""

import sys

import grimp
import pytest
from importlinter import cli

from skthresh.strategies import BaseThresholdStrategy, available_strategies


def test_import_linter_contracts_are_kept(monkeypatch):
    # The layers and independence contracts of pyproject.toml.
    monkeypatch.setattr(sys, "argv", ["lint-imports"])
    assert cli.lint_imports(no_cache=True) == 0


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_anywhere():
    # Function-level imports count: grimp reads every import statement.
    graph = grimp.build_graph("skthresh")
    assert _cycles(graph) == []


def test_cycle_finder_can_fail():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph) == [["a", "b"]]


def test_a_strategy_without_optimize_cannot_be_instantiated():
    class Bad(BaseThresholdStrategy):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Bad()


@pytest.mark.parametrize("name", available_strategies())
def test_every_init_parameter_has_a_declared_constraint(name):
    from skthresh.strategies import get_strategy

    strategy = get_strategy(name)
    assert set(strategy._parameter_constraints) == set(strategy.get_params(deep=False))


def test_no_module_is_longer_than_800_lines():
    import pathlib

    import skthresh

    root = pathlib.Path(skthresh.__file__).parent
    long = {
        str(path.relative_to(root)): n
        for path in root.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 800
    }
    assert long == {}


def test_every_module_opens_with_a_one_line_docstring():
    import ast
    import pathlib

    import skthresh

    root = pathlib.Path(skthresh.__file__).parent
    missing = []
    for path in sorted(root.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text()), clean=False)
        if not doc or "\n" in doc.strip():
            missing.append(str(path.relative_to(root)))
    assert missing == []


def test_capability_lists_are_derived_from_the_declarations():
    # A newly registered strategy appears in every derived list at once:
    # nothing lists capabilities by hand.
    import numpy as np

    from skthresh.strategies import (
        GridSearch,
        register_strategy,
        unregister_strategy,
    )

    class Callable(BaseThresholdStrategy):
        _accepts_callable_metric = True

        def _optimize(self, Y, S, metric):
            return np.full(S.shape[1], 0.5)

    Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    S = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.5], [0.3, 0.1]])
    register_strategy("test-callable", Callable)
    try:
        assert "test-callable" in available_strategies("callable_metric")
        assert "test-callable" not in available_strategies("summary")
        with pytest.raises(ValueError, match="'test-callable'"):
            GridSearch().optimize(Y, S, lambda Y_true, Y_pred: 0.0)
    finally:
        unregister_strategy("test-callable")
    assert "test-callable" not in available_strategies("callable_metric")


def _diagram_modules(page):
    """The module names of the layer diagram of docs/architecture.rst, in order."""
    import re

    block = re.search(
        r"^\.\. code-block:: text\n   :name: layer-diagram\n\n((?:   .*\n|\n)+)",
        page,
        flags=re.M,
    )
    assert block, "docs/architecture.rst has no block named layer-diagram"
    return re.findall(r"\bskthresh(?:\.\w+)+", block[1])


def test_architecture_page_draws_the_enforced_layers():
    # The page cannot drift from the contract: the diagram names exactly the
    # modules of the layers contract of pyproject.toml, in its order.
    import pathlib
    import re

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: import-linter depends on tomli
        import tomli as tomllib

    root = pathlib.Path(__file__).resolve().parents[1]
    with open(root / "pyproject.toml", "rb") as file:
        contracts = tomllib.load(file)["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["id"] == "layers"]
    enforced = [m.strip() for row in layers for m in re.split(r"[|:]", row)]
    page = (root / "docs" / "architecture.rst").read_text(encoding="utf-8")
    shown = _diagram_modules(page)
    assert len(enforced) > 30
    assert shown == enforced
