"""Run scikit-learn's own coordinate-descent tests with penalized's estimators substituted.

Copies ``sklearn/linear_model/tests/test_coordinate_descent.py`` and
``test_sparse_coordinate_descent.py`` of the installed scikit-learn into a
temporary directory, rewrites their ``from sklearn.linear_model import (...)``
statement so that the names penalized provides (Lasso, ElasticNet, LassoCV,
ElasticNetCV, the MultiTask* estimators, enet_path, lasso_path) come from
penalized, and runs pytest on the copies.  Nothing else in the tests is
changed (tests of scikit-learn's private Cython helpers keep testing
scikit-learn's code and pass trivially; they are counted like any other).

Usage::

    python benchmarks/sklearn_drop_in.py            # summary: passed / total
    python benchmarks/sklearn_drop_in.py -v         # also every failing test id
    python benchmarks/sklearn_drop_in.py -- -x -k lasso   # extra pytest arguments

Prints one line per file and the total; with -v the failing test ids, and the
pytest output is kept in the printed temporary directory (``--keep``).
"""

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile

import sklearn

SUBSTITUTED = {
    "ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "MultiTaskElasticNet",
    "MultiTaskElasticNetCV", "MultiTaskLasso", "MultiTaskLassoCV", "enet_path", "lasso_path",
}
FILES = ("test_coordinate_descent.py", "test_sparse_coordinate_descent.py")


def rewrite(source):
    """source with the substituted names re-imported from penalized right after the
    module-level ``from sklearn.linear_model import ...`` statement."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "sklearn.linear_model":
            names = sorted(a.asname or a.name for a in node.names if a.name in SUBSTITUTED)
            if names:
                end = node.end_lineno
                lines.insert(end, f"from penalized import {', '.join(names)}  # drop-in\n")
                return "".join(lines), names
    return source, []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list failing tests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--sklearn", action="store_true",
                        help="run the unmodified files (scikit-learn's own baseline)")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args(argv)
    src_dir = os.path.join(os.path.dirname(sklearn.__file__), "linear_model", "tests")
    tmp = tempfile.mkdtemp(prefix="pz_sklearn_dropin_")
    totals = {"passed": 0, "failed": 0, "skipped": 0, "error": 0, "xfailed": 0}
    failing = []
    try:
        for name in FILES:
            with open(os.path.join(src_dir, name)) as f:
                text = f.read()
            if not args.sklearn:
                text, names = rewrite(text)
                if not names:
                    raise SystemExit(f"{name}: no sklearn.linear_model import to rewrite")
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            log = os.path.join(tmp, name + ".log")
            cmd = [sys.executable, "-m", "pytest", path, "-q", "-rfE", "-p", "no:cacheprovider", "-p", "sklearn.conftest",
                   "-W", "ignore::DeprecationWarning", "--rootdir", tmp, "--tb=line",
                   *args.pytest_args]
            with open(log, "w") as out:
                subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
            with open(log) as f:
                report = f.read()
            counts = {k: 0 for k in totals}
            summary = [ln for ln in report.splitlines() if re.search(r"\d+ (passed|failed)", ln)]
            if summary:
                for num, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?|xfailed)",
                                            summary[-1]):
                    counts["error" if kind.startswith("error") else kind] += int(num)
            for k in totals:
                totals[k] += counts[k]
            failing += [ln.split(" ", 1)[1].split(" - ")[0] for ln in report.splitlines()
                        if ln.startswith(("FAILED ", "ERROR "))]
            total = counts["passed"] + counts["failed"] + counts["error"]
            print(f"{name}: {counts['passed']}/{total} passed "
                  f"({counts['failed']} failed, {counts['error']} errors, "
                  f"{counts['skipped']} skipped)")
        total = totals["passed"] + totals["failed"] + totals["error"]
        print(f"total: {totals['passed']}/{total} passed "
              f"({100.0 * totals['passed'] / max(total, 1):.1f}%), "
              f"{totals['skipped']} skipped; scikit-learn {sklearn.__version__}")
        if args.verbose:
            for t in failing:
                print("  FAIL", t.replace(tmp + os.sep, ""))
    finally:
        if args.keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
