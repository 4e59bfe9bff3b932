"""
Building on penalized from another package: penalized.solvers and the Cython API
=================================================================================

Two ways for another library to use penalized's solvers without its estimators:

* from Python, :mod:`penalized.solvers`: arrays in, a frozen result with a certified
  duality gap out (no ``get_params``, no state).  Below, *stability selection*
  (Meinshausen & Bühlmann 2010) in 20 lines: Lasso paths on random half-samples, and
  the frequency with which each feature is selected at each alpha;
* from Cython, ``from penalized.core cimport ...`` (:doc:`../cython`): the design's C view
  and the coordinate-descent solver as ``nogil`` C functions, for loops that must not go
  back to Python.  Below, an extension that fits one Lasso per column of a matrix of
  responses.

The data are Golub et al.'s leukemia set (all 72 samples, 7129 genes, bundled), clipped,
log transformed and standardised as in :ref:`the leukemia example
<sphx_glr_auto_examples_plot_leukemia_path_cv.py>` (the genes that are constant after
clipping dropped).
"""

from importlib import resources

import matplotlib.pyplot as plt
import numpy as np

from penalized import solvers

bundled = resources.files("penalized").joinpath("data/leukemia_golub.npz")
with bundled.open("rb") as f:
    data = np.load(f)
    X_raw, y = data["X"].astype(float), data["y"].astype(float)
X = np.log10(np.clip(X_raw, 100, 16000))
sd = X.std(axis=0)
X = np.asfortranarray((X[:, sd > 0] - X[:, sd > 0].mean(axis=0)) / sd[sd > 0])
n, p = X.shape
print(f"{n} samples, {p} genes")

# %%
# Stability selection with ``penalized.solvers``
# ----------------------------------------------
# One alpha grid from the full data (``enet_path`` with ``alphas=None`` starts at
# :math:`\alpha_{\max}`), then a warm-started path on each of 50 random half-samples.
# ``check_input=False`` skips the array checks on each call: X is already a float64
# F-ordered array, and each subsample is made one.  Every point of every path is
# certified (``converged``), so the frequencies are those of exact solutions up to
# ``tol``, not of a solver's early stop (a few Lasso fits on these 36-sample halves
# need up to about 2000 epochs, hence ``max_iter=10_000``).  The Lasso picks one
# gene out of a group of correlated ones, a different one on each half-sample; the
# elastic net's ridge part keeps the group, so more genes pass the paper's threshold
# of 0.6.


def stability_paths(X, y, l1_ratio, n_subsamples=50, n_alphas=25, eps=0.05,
                    seed=0):
    """(alphas, selection frequency (p, n_alphas), every fit certified?)."""
    alphas = solvers.enet_path(X, y, l1_ratio=l1_ratio, n_alphas=n_alphas,
                               eps=eps).alphas
    rng = np.random.default_rng(seed)
    selected = np.zeros((X.shape[1], alphas.size))
    certified = True
    for _ in range(n_subsamples):
        rows = rng.choice(X.shape[0], size=X.shape[0] // 2, replace=False)
        path = solvers.enet_path(np.asfortranarray(X[rows]), y[rows], alphas=alphas,
                                 l1_ratio=l1_ratio, tol=1e-6, max_iter=10_000,
                                 check_input=False)
        certified &= bool(path.converged.all())
        selected += path.coefs != 0
    return alphas, selected / n_subsamples, certified


results = {}
fig, axes = plt.subplots(1, 2, figsize=(9.6, 4.0), sharey=True)
for ax, l1_ratio in zip(axes, [1.0, 0.5]):
    alphas, frequency, certified = stability_paths(X, y, l1_ratio)
    stable = np.flatnonzero(frequency.max(axis=1) >= 0.6)
    results[l1_ratio] = (alphas, frequency, certified, stable)
    print(f"l1_ratio={l1_ratio}: all fits certified: {certified}; "
          f"{len(stable)} stable genes:\n    {stable.tolist()}")
    others = frequency[frequency.max(axis=1) < 0.6]
    others = others[np.argsort(others.max(axis=1))[::-1][:200]]
    ax.plot(alphas / alphas[0], others.T, color="0.75", lw=0.6)
    ax.plot(alphas / alphas[0], frequency[stable].T, color="tab:red", lw=1.5)
    ax.axhline(0.6, color="k", ls="--", lw=0.8)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel(r"$\alpha / \alpha_{\max}$")
    name = "Lasso" if l1_ratio == 1 else f"elastic net, l1_ratio={l1_ratio}"
    ax.set_title(f"{name}: {len(stable)} stable genes")
axes[0].set_ylabel("selection frequency (50 half-samples)")
fig.suptitle("Stability paths on leukemia (red: stable; grey: the 200 next)")
plt.show()

# %%
# A compiled extension with ``from penalized.core cimport``
# ---------------------------------------------------------
# ``examples/many_lasso.pyx`` fits a Lasso to every column of Y on one shared
# :class:`penalized.core.Design`, calling the solver ``enet_solve_d`` in a ``nogil``
# loop: no Python object is touched between fits (so the loop could be a ``prange``).
#
# .. literalinclude:: ../../examples/many_lasso.pyx
#    :language: cython
#    :lines: 12-
#
# The other package builds it with the headers penalized installs (penalized must be in
# its ``build-system.requires``); nothing is linked, the functions come from
# ``penalized._core`` when the extension is imported:
#
# .. code-block:: python
#
#    # setup.py of the other package
#    import numpy, penalized
#    from Cython.Build import cythonize
#    from setuptools import Extension, setup
#
#    setup(ext_modules=cythonize([Extension(
#        "mylib.many_lasso", ["mylib/many_lasso.pyx"],
#        include_dirs=[penalized.get_include(), numpy.get_include()])]))
#
# and calls it with a Design built in Python:
#
# .. code-block:: python
#
#    from penalized.core import Design
#    from mylib.many_lasso import lasso_columns
#
#    design = Design(X, None, True)       # F-ordered float64 (or CSC), intercept
#    coefs, gaps, converged, epochs = lasso_columns(design, np.asfortranarray(Y), 0.05)
#
# This page does not compile it (the documentation build needs no C compiler):
# ``tests/test_cimport.py`` builds ``many_lasso.pyx`` against the installed penalized and
# checks each column's fit against :func:`penalized.solvers.lasso` and its gap in numpy.
