"""Intersphinx inventories for numpy, scipy, scikit-learn, matplotlib, joblib and dask,
written locally: the documentation build has no network.

Sphinx's intersphinx normally downloads each project's ``objects.inv``.  Here each
inventory is generated from the *installed* package: every public class and function of
the listed modules (found by import, so a name that does not exist cannot get a link),
with the URL that project's own documentation uses for it (``URLS`` below; those
projects name their API pages after the object's full dotted name).  The links go to
the ``stable`` documentation of each project, the version installed here being
recorded in the inventory header.  ``mapping(folder)`` writes the files and returns
Sphinx's ``intersphinx_mapping``.
"""

import importlib
import inspect
import zlib
from pathlib import Path

# project -> (base URL, version module, {module: page pattern}); the pattern gets the
# full dotted name; "{anchor}" pages put every object of a module on one page.
URLS = {
    "numpy": ("https://numpy.org/doc/stable/", "numpy", {
        "numpy": "reference/generated/{name}.html",
        "numpy.random": "reference/random/generated/{name}.html",
        "numpy.linalg": "reference/generated/{name}.html",
    }),
    "scipy": ("https://docs.scipy.org/doc/scipy/", "scipy", {
        "scipy.sparse": "reference/generated/{name}.html",
        "scipy.sparse.linalg": "reference/generated/{name}.html",
        "scipy.linalg": "reference/generated/{name}.html",
        "scipy.special": "reference/generated/{name}.html",
    }),
    "sklearn": ("https://scikit-learn.org/stable/", "sklearn", {
        "sklearn.base": "modules/generated/{name}.html",
        "sklearn.linear_model": "modules/generated/{name}.html",
        "sklearn.model_selection": "modules/generated/{name}.html",
        "sklearn.metrics": "modules/generated/{name}.html",
        "sklearn.exceptions": "modules/generated/{name}.html",
        "sklearn.pipeline": "modules/generated/{name}.html",
        "sklearn.multioutput": "modules/generated/{name}.html",
        "sklearn.preprocessing": "modules/generated/{name}.html",
        "sklearn.datasets": "modules/generated/{name}.html",
        "sklearn.feature_extraction.text": "modules/generated/{name}.html",
        "sklearn.utils": "modules/generated/{name}.html",
        "sklearn.utils.validation": "modules/generated/{name}.html",
        "sklearn.utils.metadata_routing": "modules/generated/{name}.html",
        "sklearn": "modules/generated/{name}.html",
    }),
    "matplotlib": ("https://matplotlib.org/stable/", "matplotlib", {
        "matplotlib.axes": "api/_as_gen/{name}.html",
        "matplotlib.figure": "api/figure_api.html#{name}",
        "matplotlib.pyplot": "api/_as_gen/{name}.html",
    }),
    "joblib": ("https://joblib.readthedocs.io/en/stable/", "joblib", {
        "joblib": "generated/{name}.html",
    }),
    "dask": ("https://docs.dask.org/en/stable/", "dask", {
        "dask.array": "generated/{name}.html",
    }),
    "python": ("https://docs.python.org/3/", None, {}),
}

# a few objects whose pages do not follow the pattern, and labels (std:label) that
# scikit-learn's inherited docstrings point at
EXTRA = {
    "python": [
        ("int", "py:class", "library/functions.html#int"),
        ("float", "py:class", "library/functions.html#float"),
        ("bool", "py:class", "library/functions.html#bool"),
        ("str", "py:class", "library/stdtypes.html#str"),
        ("dict", "py:class", "library/stdtypes.html#dict"),
        ("list", "py:class", "library/stdtypes.html#list"),
        ("tuple", "py:class", "library/stdtypes.html#tuple"),
        ("None", "py:data", "library/constants.html#None"),
        ("True", "py:data", "library/constants.html#True"),
        ("False", "py:data", "library/constants.html#False"),
        ("ValueError", "py:exc", "library/exceptions.html#ValueError"),
        ("TypeError", "py:exc", "library/exceptions.html#TypeError"),
        ("KeyboardInterrupt", "py:exc", "library/exceptions.html#KeyboardInterrupt"),
        ("dataclasses.dataclass", "py:function", "library/dataclasses.html#dataclasses.dataclass"),
    ],
    "sklearn": [
        ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
        ("accuracy_score", "std:label", "modules/model_evaluation.html#accuracy-score"),
        ("r2_score", "std:label", "modules/model_evaluation.html#r2-score"),
        ("meta-estimator", "std:term", "glossary.html#term-meta-estimator"),
        ("sklearn.set_config", "py:function", "modules/generated/sklearn.set_config.html"),
    ],
    "numpy": [
        ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html"),
        ("numpy.float32", "py:class", "reference/arrays.scalars.html#numpy.float32"),
        ("numpy.float64", "py:class", "reference/arrays.scalars.html#numpy.float64"),
        ("numpy.dtype", "py:class", "reference/generated/numpy.dtype.html"),
    ],
}


def _entries(project):
    base, _, modules = URLS[project]
    seen = {}
    for modname, pattern in modules.items():
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        names = getattr(module, "__all__", None) or [n for n in dir(module)
                                                     if not n.startswith("_")]
        for attr in names:
            try:
                obj = getattr(module, attr, None)
            except ImportError:          # scikit-learn's experimental names
                continue
            if inspect.isclass(obj):
                role = "py:exception" if issubclass(obj, BaseException) else "py:class"
            elif callable(obj):
                role = "py:function"
            else:
                continue
            full = f"{modname}.{attr}"
            if full in seen:
                continue
            page = pattern.format(name=full)
            uri = page if "#" in page else f"{page}#{full}"
            seen[full] = (role, uri)
            if role == "py:class":
                for meth, _ in inspect.getmembers(obj, callable):
                    if not meth.startswith("_") or meth in ("__init__", "__call__"):
                        page_m = page if "#" in page else f"{page}#{full}.{meth}"
                        seen.setdefault(f"{full}.{meth}", ("py:method", page_m))
    for full, role, uri in EXTRA.get(project, []):
        seen[full] = (role, uri)
    return seen


def write(project, path):
    base, version_module, _ = URLS[project]
    version = ""
    if version_module:
        version = getattr(importlib.import_module(version_module), "__version__", "")
    lines = [f"{name} {role} 1 {uri} -" for name, (role, uri) in sorted(_entries(project).items())]
    head = ("# Sphinx inventory version 2\n"
            f"# Project: {project}\n# Version: {version}\n"
            "# The remainder of this file is compressed using zlib.\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + zlib.compress(("\n".join(lines) + "\n").encode()))
    return len(lines)


def mapping(folder):
    """Write one inventory per project into ``folder``; Sphinx's intersphinx_mapping."""
    folder = Path(folder)
    result = {}
    for project, (base, _, _) in URLS.items():
        path = folder / f"{project}.inv"
        write(project, path)
        result[project] = (base, str(path))
    return result


if __name__ == "__main__":
    import sys
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "inventories")
    for project in URLS:
        print(project, write(project, out / f"{project}.inv"))
