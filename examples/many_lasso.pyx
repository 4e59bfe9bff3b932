# cython: language_level=3, boundscheck=False, wraparound=False
"""many_lasso: one Lasso per column of Y on a shared design, in C, without the GIL.

The compiled part of the gallery example "Building on penalized from another package"
(examples/plot_extending_penalized.py).  It uses only penalized's public Cython API
(``from penalized.core cimport ...``, see docs/cython.rst); tests/test_cimport.py builds
it against the installed penalized and checks it against penalized.solvers.lasso.
Build it in the other package's setup.py with
``include_dirs=[penalized.get_include(), numpy.get_include()]``.
"""

import numpy as np

from penalized.core cimport PZ_CONVERGED, Design, enet_result_t, enet_solve_d


def lasso_columns(Design design, const double[::1, :] Y, double alpha,
                  double tol=1e-6, Py_ssize_t max_epochs=10000):
    """Lasso fits of every column of Y on the design (its weights, intercept).

    Minimises, for each column y of Y (F-ordered, n x k, float64 design),
        1/(2n) sum_i s_i (y_c,i - x_c,i.w)^2 + alpha ||w||_1
    with a certified duality gap <= tol * sum_i s_i (y_i - ybar)^2 / n
    (penalized.solvers.lasso's objective and tol).  Returns (coefs (p, k),
    gaps (k,) in that scaling, converged (k,) bool, epochs (k,)).
    """
    cdef Py_ssize_t n = design.d.n, p = design.d.p, k = Y.shape[1], c, i
    if design.dtype != np.float64 or design.storage == "gram":
        raise TypeError("lasso_columns needs a float64 dense or CSC Design.")
    if Y.shape[0] != n:
        raise ValueError(f"Y has {Y.shape[0]} rows, the design {n}.")
    coefs = np.zeros((p, k), order="F")
    gaps = np.empty(k)
    status = np.empty(k, dtype=np.intc)
    epochs = np.empty(k, dtype=np.intp)
    res_buf = np.empty(n)
    cdef double[::1, :] W = coefs
    cdef double[::1] G = gaps, res = res_buf
    cdef int[::1] S = status
    cdef Py_ssize_t[::1] E = epochs
    cdef const double *s = <const double *> design.d.sw   # NULL: unweighted
    cdef double ybar, yy
    cdef enet_result_t out
    with nogil:
        for c in range(k):
            ybar = 0.0              # weighted mean of y (the weights sum to n)
            if design.d.x_mean != NULL:
                for i in range(n):
                    ybar += (s[i] if s != NULL else 1.0) * Y[i, c]
                ybar /= n
            yy = 0.0
            for i in range(n):      # w = 0: the residual is y_c
                res[i] = Y[i, c] - ybar
                yy += (s[i] if s != NULL else 1.0) * res[i] * res[i]
            # F = n * (the objective above): l1 = n * alpha, gap / n
            S[c] = enet_solve_d(&design.d, &W[0, c], &res[0], &Y[0, c], yy,
                                n * alpha, 0.0, False, tol * yy, max_epochs,
                                &out)
            G[c] = out.gap / n
            E[c] = out.n_epochs
    return coefs, gaps, status == PZ_CONVERGED, epochs
