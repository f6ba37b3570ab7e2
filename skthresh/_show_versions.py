"""Versions of skthresh and its dependencies, for bug reports."""

import importlib
import platform
import sys

_DEPENDENCIES = ("numpy", "scipy", "sklearn", "torch", "joblib", "matplotlib", "dask")


def _versions():
    from skthresh._version import __version__

    info = {"skthresh": __version__, "python": sys.version.split()[0]}
    info["machine"] = platform.platform()
    for name in _DEPENDENCIES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            info[name] = None
        else:
            info[name] = getattr(module, "__version__", "unknown")
    torch = sys.modules.get("torch")
    info["cuda available"] = bool(torch and torch.cuda.is_available())
    return info


def show_versions():
    """Print the versions of skthresh, Python and the main dependencies.

    Also says whether torch sees a CUDA device. Paste its output into bug
    reports.

    Examples
    --------
    >>> import skthresh
    >>> skthresh.show_versions()  # doctest: +ELLIPSIS
    skthresh: ...
    """
    for name, version in _versions().items():
        shown = "not installed" if version is None else version
        print(f"{name}: {shown}")
