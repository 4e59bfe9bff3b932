# cython: language_level=3, boundscheck=False, wraparound=False
"""A tiny extension of "another library", built by tests/test_cimport.py against the
installed penalized through ``from penalized.core cimport ...`` only."""

import numpy as np

from penalized.core cimport (
    PZ_CONVERGED,
    Design,
    centred_column_dot_d,
    column_axpy_d,
    column_dot_d,
    column_dot_f,
    enet_prox,
    enet_result_t,
    enet_solve_d,
    pz_log1pexp,
    pz_sigmoid,
    pz_soft_threshold,
)


def column_dots(Design design, double[::1] r):
    """sum_i s_i X_ij r_i for every column, through the exported nogil function."""
    out = np.empty(design.d.p)
    cdef double[::1] o = out
    cdef Py_ssize_t j
    with nogil:
        for j in range(design.d.p):
            o[j] = column_dot_d(&design.d, j, &r[0])
    return out


def column_dots_f(Design design, float[::1] r):
    out = np.empty(design.d.p)
    cdef double[::1] o = out
    cdef Py_ssize_t j
    with nogil:
        for j in range(design.d.p):
            o[j] = column_dot_f(&design.d, j, &r[0])
    return out


def centred_dots(Design design, double[::1] r, double sr):
    out = np.empty(design.d.p)
    cdef double[::1] o = out
    cdef Py_ssize_t j
    with nogil:
        for j in range(design.d.p):
            o[j] = centred_column_dot_d(&design.d, j, &r[0], sr)
    return out


def axpy(Design design, Py_ssize_t j, double a, double[::1] r):
    with nogil:
        column_axpy_d(&design.d, j, a, &r[0])


def kernels(double x, double t):
    return (pz_soft_threshold(x, t), pz_sigmoid(x), pz_log1pexp(x),
            enet_prox(x, 2.0, t, 0.5, False))


def solve(Design design, double[::1] w, double[::1] res, const double[::1] target, double yy,
          double l1, double l2, double tol_abs, Py_ssize_t max_epochs):
    cdef enet_result_t out
    cdef int status
    with nogil:
        status = enet_solve_d(&design.d, &w[0], &res[0], &target[0], yy, l1, l2, False,
                              tol_abs, max_epochs, &out)
    return status == PZ_CONVERGED, out.gap, out.primal, out.n_epochs
