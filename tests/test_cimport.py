"""``from penalized.core cimport ...``: build a small extension against the importable
penalized (its .pxd files and header), then check its numbers against numpy and
penalized.solvers.

Skips, with the reason, when Cython, setuptools or a C compiler is missing, or when
the imported penalized was installed without its .pxd / header files.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
from penalized import solvers
from penalized.core import Design
from conftest import make_regression

PROBE = Path(__file__).with_name("cimport_probe") / "pz_probe.pyx"
CYTHON_DOC = Path(__file__).resolve().parents[1] / "docs" / "cython.rst"
EXTENSION_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "many_lasso.pyx"

SETUP = """
import numpy, penalized
from Cython.Build import cythonize
from setuptools import Extension, setup
exts = [Extension(name, [name + ".pyx"],
                  include_dirs=[penalized.get_include(), numpy.get_include()])
        for name in {names!r}]
setup(name="pz-probe", ext_modules=cythonize(exts, include_path={root!r}, quiet=True),
      script_args=["build_ext", "--inplace"])
"""


def _readme_cython():
    """The ``cython`` example block of docs/cython.rst (dedented), or None outside a
    source checkout."""
    if not CYTHON_DOC.exists():
        return None
    blocks = re.findall(r"\.\. code-block:: cython\n\n((?:   .*\n|\n)+)", CYTHON_DOC.read_text())
    return textwrap.dedent(blocks[0]) if blocks else None


def _skip_unless_buildable():
    pytest.importorskip("Cython", reason="Cython is needed to cimport penalized.core")
    pytest.importorskip("setuptools", reason="setuptools is needed to build the probe")
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        pytest.skip(f"no C compiler ({cc!r} not found)")
    package = Path(penalized.__file__).parent
    for needed in (package / "core.pxd", package / "_core.pxd",
                   Path(penalized.get_include()) / "pz_kernels.h"):
        if not needed.exists():
            pytest.skip(f"penalized at {package} was installed without {needed.name}")
    return str(package.parent)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = _skip_unless_buildable()
    work = tmp_path_factory.mktemp("cimport")
    shutil.copy(PROBE, work / "pz_probe.pyx")
    names = ["pz_probe"]
    if EXTENSION_EXAMPLE.exists():          # the gallery's "another package" extension
        shutil.copy(EXTENSION_EXAMPLE, work / EXTENSION_EXAMPLE.name)
        names.append(EXTENSION_EXAMPLE.stem)
    snippet = _readme_cython()
    if snippet is not None:
        (work / "pz_readme.pyx").write_text("# cython: language_level=3\n" + snippet)
        names.append("pz_readme")
    (work / "setup.py").write_text(SETUP.format(root=[root], names=names))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    done = subprocess.run([sys.executable, "setup.py"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    modules = {}
    for name in names:
        built = next(work.glob(name + "*" + sysconfig.get_config_var("EXT_SUFFIX")))
        spec = importlib.util.spec_from_file_location(name, built)
        modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(modules[name])
    return modules


@pytest.fixture(scope="module")
def probe(built):
    return built["pz_probe"]


def test_readme_cython_example(built):
    if "pz_readme" not in built:
        pytest.skip("docs/cython.rst is not in this checkout")
    X, _ = make_regression(n=30, p=7, seed=4)
    X = np.asfortranarray(X)
    r = np.random.default_rng(5).standard_normal(30)
    out = np.empty(7)
    built["pz_readme"].correlations(Design(X, None, False), r, out)
    np.testing.assert_allclose(out, X.T @ r, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_exported_column_operations_match_numpy(probe, sparse, weighted):
    X, _ = make_regression(n=40, p=15, density=0.3 if sparse else None, seed=0, shift=2.0)
    X = X.tocsc() if sparse else np.asfortranarray(X)
    Xd = X.toarray() if sparse else X
    s = np.random.default_rng(1).uniform(0.5, 2.0, 40) if weighted else np.ones(40)
    s *= 40 / s.sum()
    design = Design(X, s if weighted else None, True)
    r = np.random.default_rng(2).standard_normal(40)
    np.testing.assert_allclose(probe.column_dots(design, r), Xd.T @ (s * r), rtol=1e-12)
    xm = s @ Xd / 40
    np.testing.assert_allclose(probe.centred_dots(design, r, float(s @ r)),
                               (Xd - xm).T @ (s * r), rtol=1e-10, atol=1e-12)
    r2 = r.copy()
    probe.axpy(design, 3, -1.5, r2)
    np.testing.assert_allclose(r2, r - 1.5 * Xd[:, 3], rtol=1e-14)
    d32 = Design(X.astype(np.float32), s.astype(np.float32) if weighted else None, False)
    np.testing.assert_allclose(probe.column_dots_f(d32, r.astype(np.float32)),
                               Xd.T @ (s * r), rtol=1e-5)


def test_exported_kernels(probe):
    assert probe.kernels(3.0, 1.0)[0] == 2.0 and probe.kernels(-0.5, 1.0)[0] == 0.0
    _, sig, l1pe, prox = probe.kernels(-800.0, 0.1)
    assert sig == pytest.approx(np.exp(-800.0), rel=1e-12) and l1pe >= 0
    assert probe.kernels(800.0, 0.1)[2] == 800.0
    # prox: argmin 2/2 (u - 3/2)^2 + 0.1 |u| + 0.25 u^2 = (3 - 0.1) / 2.5
    assert probe.kernels(3.0, 0.1)[3] == pytest.approx(2.9 / 2.5, rel=1e-15)


@pytest.mark.parametrize("sparse", [False, True])
def test_nogil_solve_equals_solvers_enet(probe, sparse):
    X, y = make_regression(n=50, p=60, density=0.3 if sparse else None, seed=3)
    X = X.tocsc() if sparse else np.asfortranarray(X)
    n, alpha, l1_ratio, tol = 50, 0.05, 0.8, 1e-9
    ref = solvers.enet(X, y, alpha, l1_ratio=l1_ratio, tol=tol, precompute=False)
    design = Design(X, None, True)
    yc = y - y.mean()
    yy = float(yc @ yc)
    w = np.zeros(60)
    res = yc.copy()
    converged, gap, primal, epochs = probe.solve(
        design, w, res, y, yy, n * alpha * l1_ratio, n * alpha * (1 - l1_ratio), tol * yy, 1000)
    assert converged and gap <= tol * yy and epochs > 0
    np.testing.assert_allclose(w, ref.coef, rtol=0, atol=1e-10)
    # F / n is the documented objective; res is the residual of the solution
    Xd = X.toarray() if sparse else X
    xm = Xd.mean(axis=0)
    np.testing.assert_allclose(res, yc - (Xd - xm) @ w, atol=1e-10)
    P = (0.5 * res @ res / n + alpha * l1_ratio * np.abs(w).sum()
         + 0.5 * alpha * (1 - l1_ratio) * w @ w)
    assert primal / n == pytest.approx(P, rel=1e-10)
    assert sp.issparse(X) == sparse


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gallery_extension_equals_solvers_lasso(built, sparse, weighted):
    """examples/many_lasso.pyx (the gallery's extension): one certified Lasso per column
    of Y, each equal to penalized.solvers.lasso on that column."""
    if "many_lasso" not in built:
        pytest.skip(f"{EXTENSION_EXAMPLE} is not in this checkout")
    lasso_columns = built["many_lasso"].lasso_columns
    X, _ = make_regression(n=60, p=40, density=0.3 if sparse else None, seed=6)
    X = X.tocsc() if sparse else np.asfortranarray(X)
    rng = np.random.default_rng(7)
    Xd = X.toarray() if sparse else X
    Y = np.asfortranarray(Xd[:, :5] @ rng.standard_normal((5, 4))
                          + rng.standard_normal((60, 4)) + 3.0)
    s = rng.uniform(0.5, 2.0, 60) if weighted else None
    s = None if s is None else s * 60 / s.sum()
    alpha, tol = 0.05, 1e-8
    coefs, gaps, converged, epochs = lasso_columns(Design(X, s, True), Y, alpha, tol)
    assert coefs.shape == (40, 4) and np.all(converged) and np.all(epochs > 0)
    for c in range(4):
        ref = solvers.lasso(X, Y[:, c], alpha, sample_weight=s, tol=1e-12)
        assert gaps[c] <= tol * np.average((Y[:, c] - np.average(Y[:, c], weights=s)) ** 2,
                                           weights=s)
        np.testing.assert_allclose(coefs[:, c], ref.coef, rtol=0, atol=1e-4)
        # its objective (numpy) is within its certified gap of the tight solve's
        sw = np.ones(60) if s is None else s
        ybar = np.average(Y[:, c], weights=sw)
        xm = sw @ Xd / 60

        def P(w):
            r = Y[:, c] - ybar - (Xd - xm) @ w
            return 0.5 * np.sum(sw * r * r) / 60 + alpha * np.abs(w).sum()

        assert -ref.dual_gap - 1e-12 <= P(coefs[:, c]) - P(ref.coef) <= gaps[c] + 1e-12
        assert np.count_nonzero(coefs[:, c]) > 0
    with pytest.raises(ValueError, match="rows"):
        lasso_columns(Design(X, s, True), np.asfortranarray(Y[:10]), alpha)
    with pytest.raises(TypeError, match="float64"):
        lasso_columns(Design(X.astype(np.float32), None, True), Y, alpha)
