"""The public names: re-exported, sorted, documented."""

import importlib

import pytest

import skthresh

MODULES = [
    "skthresh",
    "skthresh.datasets",
    "skthresh.metrics",
    "skthresh.plot",
    "skthresh.strategies",
    "skthresh.utils",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_importable(name):
    module = importlib.import_module(name)
    assert list(module.__all__) == sorted(module.__all__)
    for attr in module.__all__:
        assert hasattr(module, attr), f"{name}.{attr}"


def test_version():
    assert isinstance(skthresh.__version__, str)


def _public_objects():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if callable(obj):
                yield f"{obj.__module__}.{obj.__qualname__}", obj


@pytest.mark.parametrize("qualname", sorted({q for q, _ in _public_objects()}))
def test_numpydoc_docstrings(qualname):
    from numpydoc.validate import validate

    # GL06/GL07: unknown or misordered sections; GL08: no docstring;
    # PR01/PR02: parameters undocumented or unknown; RT01: returns
    # undocumented; SS*: the summary line; EX01: no Examples section.
    checked = {
        "GL06",
        "GL07",
        "GL08",
        "PR01",
        "PR02",
        "RT01",
        "SS01",
        "SS02",
        "SS03",
        "SS05",
        "EX01",
    }
    result = validate(qualname)
    errors = [(code, msg) for code, msg in result["errors"] if code in checked]
    assert not errors, errors
