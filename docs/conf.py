"""Sphinx configuration of the skthresh documentation; builds offline."""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GENERATED = DOCS / "gen_modules"  # ignored by git, rebuilt by every build

try:
    import skthresh
except ImportError:  # building from a clone without installing it
    sys.path.insert(0, str(ROOT))
    import skthresh

# -- Project -----------------------------------------------------------------

project = "skthresh"
author = "The skthresh developers"
copyright = "the skthresh developers, BSD-3-Clause"  # noqa: A001
version = release = skthresh.__version__

# -- Extensions ----------------------------------------------------------------
# No intersphinx by default: it fetches inventories over the network, and the
# documentation must build offline. Set SKTHRESH_DOCS_ONLINE=1 to link the
# names of numpy, scikit-learn, torch and matplotlib to their documentation.

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("SKTHRESH_DOCS_ONLINE"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "torch": ("https://pytorch.org/docs/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "code"
nitpicky = False

# autodoc / autosummary: one page per public name, written to gen_modules/.
autosummary_generate = True
autosummary_ignore_module_all = False  # list what each __all__ holds
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"

# numpydoc: the class templates list the members; numpydoc should not add
# its own tables of methods (they would point at pages that do not exist).
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Type words become cross-references, rendered as code where Sphinx does not
# know the name; "(n_features_in_,)" would otherwise read as a hyperlink.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {
    "of",
    "or",
    "and",
    "shape",
    "default",
    "optional",
    "instance",
    "same",
    "the",
}
if "sphinx.ext.intersphinx" not in extensions:
    # numpydoc points "bool", "float" or "array-like" at the Python and numpy
    # docs ("python:float"), which are unknown offline: the glossary terms
    # would warn and the others would show their prefix. Plain names instead.
    from numpydoc.xref import DEFAULT_LINKS

    numpydoc_xref_aliases = {
        word: f":obj:`{word}`"
        for word, target in DEFAULT_LINKS.items()
        if target.startswith(":")
    }

# Names that the top-level package re-exports from a sub-package get their
# page in the sub-package; the skthresh module page links to it.
_SUBPACKAGES = ("metrics", "strategies", "datasets", "plot", "utils")


def _reexported():
    import importlib

    homes = {}
    for name in skthresh.__all__:
        for sub in _SUBPACKAGES:
            module = importlib.import_module(f"skthresh.{sub}")
            if getattr(module, name, None) is getattr(skthresh, name):
                homes[name] = module.__name__
                break
    return {"skthresh": homes}


autosummary_context = {"reexported": _reexported()}

# -- sphinx-gallery ------------------------------------------------------------
# The examples run when the gallery is built (offline: bundled data and
# simulated scores only). `make html-noplot` or `-D plot_gallery=0` skips
# running them.

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "doc_module": ("skthresh",),
    "backreferences_dir": str(GENERATED / "backreferences"),
    "matplotlib_animations": False,
    "show_memory": False,
}

# -- HTML ----------------------------------------------------------------------

try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:
    html_theme = "alabaster"
    html_theme_options = {"description": "Learned multi-label thresholds"}
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "github_url": "https://github.com/skthresh/skthresh",
        "navigation_with_keys": False,
        "show_toc_level": 2,
    }
html_title = f"skthresh {release}"
html_static_path = []
html_show_sourcelink = False


# -- Pages generated from the sources ------------------------------------------
# The changelog and the command-line reference come from CHANGES.md and from
# the command line itself, so that the documentation cannot drift from them.
# They are written as .txt files, included by changelog.rst and
# user_guide/cli.rst (a .rst file here would be a document of its own).


_MD_INLINE = re.compile(r"`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)")


def _markdown_inline(text):
    """Inline Markdown (code spans, links) to reStructuredText.

    Bold and emphasis are written the same way in both. In plain text, a
    word ending with an underscore (``thresholds_``) would be a reference in
    reStructuredText: the underscore is escaped.
    """
    out, pos = [], 0
    for match in _MD_INLINE.finditer(text):
        out.append(_escape_plain(text[pos : match.start()]))
        if match[1] is not None:
            piece = f"``{match[1]}``"
        else:
            piece = f"`{match[2]} <{match[3]}>`__"
        # Inline markup must be separated from adjacent word characters.
        if match.start() > 0 and text[match.start() - 1].isalnum():
            piece = "\\ " + piece
        if match.end() < len(text) and text[match.end()].isalnum():
            piece += "\\ "
        out.append(piece)
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text):
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def markdown_to_rst(markdown):
    """Convert the Markdown of a Keep a Changelog file to reStructuredText.

    Handles what CHANGES.md uses: ``#`` headings, paragraphs, ``-`` lists
    with indented continuation lines, fenced code blocks, inline code, links
    and bold text. The top heading is dropped (the page has its own title).
    """
    underline = {2: "=", 3: "-", 4: "~"}
    out, in_code = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            if in_code:
                language = line[3:].strip() or "text"
                out += [f".. code-block:: {language}", ""]
            else:
                out.append("")
            continue
        if in_code:
            out.append(f"   {line}" if line else "")
            continue
        if re.match(r"^\[[^\]]+\]:\s+\S+\s*$", line):
            continue  # link reference definitions, such as "[1.0.0]: https://..."
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            title = re.sub(r"\[([^\]]+)\](?!\()", r"\1", heading[2].strip())
            level, title = len(heading[1]), _markdown_inline(title)
            if level == 1:
                continue
            out += ["", title, underline.get(level, "^") * len(title), ""]
            continue
        item = re.match(r"^(\s*)[-*]\s+(.*)$", line)
        if item:
            out.append(f"{item[1]}- {_markdown_inline(item[2])}")
            continue
        out.append(_markdown_inline(line))
    return "\n".join(out).strip() + "\n"


def cli_reference():
    """The help of ``skthresh`` and of each of its commands, as literal blocks."""
    import argparse

    from skthresh._cli import _build_parser

    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal width
    try:
        parser = _build_parser()
        sections = [("skthresh --help", parser.format_help())]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    sections.append((f"skthresh {name} --help", sub.format_help()))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    lines = []
    for title, text in sections:
        lines += [
            f"``{title}``",
            "~" * (len(title) + 4),
            "",
            ".. code-block:: text",
            "",
        ]
        lines += [f"   {line}" if line.strip() else "" for line in text.splitlines()]
        lines.append("")
    return "\n".join(lines)


def strategies_table():
    """A table of the registered strategies: name, class, summary, capabilities."""
    from skthresh.strategies import available_strategies, get_strategy

    operating = set(available_strategies("operating_points"))
    weighted = set(available_strategies("sample_weight"))
    rows = []
    for name in available_strategies():
        cls = type(get_strategy(name))
        summary = (cls.__doc__ or "").strip().splitlines()[0].strip()
        path = f"{cls.__module__.split('._')[0]}.{cls.__name__}"
        rows += [
            f"   * - ``{name}``",
            f"     - :class:`~{path}`",
            f"     - {summary}",
            f"     - {'yes' if name in operating else ''}",
            f"     - {'yes' if name in weighted else ''}",
        ]
    header = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 14 22 40 12 12",
        "",
        "   * - name",
        "     - class",
        "     - what it does",
        "     - operating points",
        "     - sample weights",
    ]
    return "\n".join(header + rows) + "\n"


def _write_generated():
    GENERATED.mkdir(exist_ok=True)
    changes = (ROOT / "CHANGES.md").read_text(encoding="utf-8")
    (GENERATED / "changelog.txt").write_text(markdown_to_rst(changes), "utf-8")
    (GENERATED / "strategies_table.txt").write_text(strategies_table(), "utf-8")
    (GENERATED / "cli_help.txt").write_text(cli_reference(), "utf-8")


_write_generated()


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_*_request`` methods."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
