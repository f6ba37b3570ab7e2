"""The scripts of ``benchmarks/``, loaded by path for the tests that run them.

Not a test module: the test files import it (``from _benchmarks import ...``)
from ``tests/``, which pytest's default ``prepend`` import mode puts on
``sys.path`` (``tests/`` is not a package).
"""

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name):
    """``benchmarks/<name>.py`` as a freshly executed module.

    The scripts run as ``python benchmarks/<name>.py``, with ``benchmarks/``
    first on ``sys.path``, and import their helpers from there (``from
    _timing import pass_time``); it is put there while the script loads.
    """
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    folder = str(BENCHMARKS)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module
