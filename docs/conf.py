"""Sphinx configuration of penalized's documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (from the
project root, with ``pip install ".[docs]"``).  The gallery runs every script in
``examples/`` at build time.  No network is used: intersphinx reads the inventories that
``docs/tools/inventories.py`` writes from the installed numpy / scipy / scikit-learn /
matplotlib (see that file), never a remote ``objects.inv``.
"""

import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path

import penalized

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "tools"))
import inventories  # noqa: E402

project = "penalized"
author = "The penalized developers"
copyright = "2026, The penalized developers"
release = penalized.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip",
                    "auto_examples/*.json", "auto_examples/*.md5"]
templates_path = ["_templates"]
nitpicky = True

# -- API reference ------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

# -- cross-references to the scientific stack, offline -----------------------------
intersphinx_mapping = inventories.mapping(HERE / "_build" / "inventories")
intersphinx_timeout = 1

# -- gallery ---
from scrapers import TightScraper  # noqa: E402  (docs/tools: picklable for Sphinx)

# Examples on data that is not bundled (the development tree's shared/data, or the folder
# in PENALIZED_SHARED_DATA): left out of the gallery, with a message, when it is absent.
SHARED_DATA = Path(os.environ.get("PENALIZED_SHARED_DATA", HERE.parents[1] / "shared" / "data"))
NEEDS_SHARED_DATA = {"plot_imdb_l1_logistic.py": "imdb_movie_review_text.csv.xz"}
left_out = [name for name, f in NEEDS_SHARED_DATA.items() if not (SHARED_DATA / f).exists()]
for name in left_out:
    print(f"penalized docs: examples/{name} left out of the gallery: "
          f"{SHARED_DATA / NEEDS_SHARED_DATA[name]} not found (set PENALIZED_SHARED_DATA)")
# examples reading a package's data at run time (not bundled: see each example)
NEEDS_MODULE = {"plot_cox_cv.py": "sksurv"}
for name, module in NEEDS_MODULE.items():
    if importlib.util.find_spec(module) is None:
        left_out.append(name)
        print(f"penalized docs: examples/{name} left out of the gallery: {module} is not "
              "installed (pip install scikit-survival; the docs extra has it)")

sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",        # run every example at build time
    "ignore_pattern": "|".join([r"__init__\.py", r"/_"] + [re.escape(n) for n in left_out]),
    "within_subsection_order": "scrapers.ExampleOrder",     # docs/tools/scrapers.py
    "download_all_examples": False,
    "remove_config_comments": True,
    "reference_url": {"penalized": None},
    "doc_module": ("penalized",),
    "backreferences_dir": "gen_modules/backreferences",
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "show_memory": False,
    "image_scrapers": (TightScraper(),),
    "matplotlib_animations": False,
}
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# matplotlib's Agg backend cannot show figures: the examples call plt.show() for readers
warnings.filterwarnings("ignore", message="FigureCanvasAgg is non-interactive")
warnings.filterwarnings("ignore", message="Matplotlib is currently using agg")

# -- plain-text names in docstrings ---------------------------------------------
# The package's docstrings write attribute names (``coef_``, alpha_1se_) and absolute
# values (|x_j^T r|) in plain text, as scikit-learn's do; reST would read ``coef_`` as a
# hyperlink reference and ``|...|`` as a substitution.  Escape both before numpydoc
# parses the docstring, outside inline literals, roles, "name : type" lines and literal
# blocks, so that every docstring renders as written and the -W build stays strict.
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w`\\|*])([A-Za-z][A-Za-z0-9_.]*?[A-Za-z0-9]_)(?![\w`])")
_FIELD = re.compile(r"^\s*[A-Za-z_][\w, *]*\s:\s|^\s*[A-Za-z_]\w*\s*$")


def _escape_segment(text):
    text = text.replace("|", "\\|")
    return _TRAILING_UNDERSCORE.sub(lambda m: m.group(1)[:-1] + "\\_", text)


def _escape_text(line):
    # :meth:`fit` inside a class docstring: numpydoc's parameter lists lose the class
    # context, so name the method as a literal
    line = re.sub(r":meth:`(\w+)`", r"``\1()``", line)
    # leave :role:`targets` and `links`_ alone
    parts = re.split(r"(:[\w:]+:`[^`]+`|`[^`]+`_?)", line)
    return "".join(p if i % 2 else _escape_segment(p) for i, p in enumerate(parts))


def _escape_line(line, in_literal):
    """Escape one line; ``in_literal``: an inline ``literal`` is open at its start
    (they may span lines).  Returns the line and the state at its end."""
    pieces = line.split("``")
    for i, piece in enumerate(pieces):
        if not in_literal:
            pieces[i] = _escape_text(piece)
        if i < len(pieces) - 1:
            in_literal = not in_literal
    return "``".join(pieces), in_literal


def escape_plain_names(app, what, name, obj, options, lines):
    literal_indent = None
    in_literal = False
    for k, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            in_literal = False          # an inline literal never spans a paragraph break
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                continue
        field = _FIELD.match(line) if not in_literal else None
        if stripped.startswith(">>>") or stripped.startswith(".. "):
            pass
        elif field:     # "name : type": the name is numpydoc's, the type is text
            rest, in_literal = _escape_line(line[field.end():], in_literal)
            lines[k] = line[:field.end()] + rest
        else:
            lines[k], in_literal = _escape_line(line, in_literal)
        if stripped.endswith("::"):
            literal_indent = indent


def setup(app):
    app.connect("autodoc-process-docstring", escape_plain_names, priority=100)


# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"penalized {release}"
html_static_path = ["_static"]
html_css_files = ["penalized.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
myst_heading_anchors = 2
