# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Native core of penalized: one extension module, its source in ``_native/``.

Layout (included in this order; every file has its own head comment):

    blas.pxi           level-1 BLAS in chunks (double accumulation)
    design.pxi         column access: dense F-ordered, CSC, Gram (the only code that
                       looks at the storage); column statistics
    penalty.pxi        the elastic net per feature: factors, boxes, the free block;
                       prox and conjugate
    dual.pxi           dual points and the gap accumulation of least squares
    extrapolation.pxi  dual extrapolation from residual snapshots
    newton.pxi         Newton steps on a stable support (least squares)
    least_squares.pxi  the elastic net: gap check, coordinate descent, the working
                       space, and its plug-in of the outer loop (``_solve``)
    covariance.pxi     working-set covariance updates: the inner solve on a cached
                       Gram block G_SS for tall data (``_cov_inner``, CovarianceCache)
    gram_corr.pxi      correlations of the outer gap checks from Gram columns
                       q - G[:, S] w_S for tall CSC data (GramCorrelations)
    active_set.pxi     THE outer working-set routine (``_outer_solve``) with the
                       ranking, the size rule, the strong rule and the stop rules;
                       plug-ins by enum: least squares, blocks, GLM
    blocks.pxi         group / multi-task block solver and its plug-in
    loss.pxi           GLM losses: value, quadratic model, dual point, conjugate
    cox.pxi            the Cox partial likelihood as one more loss
    prox_newton.pxi    the proximal Newton driver and the one line search
    glm.pxi            the GLM problem: penalty, gap, its plug-in, entry points
    python_api.pxi     Design, workspaces, ``enet_solve``
    capi.pxi           the C API for other extensions (declared in _core.pxd)

The derivations are in docs/design.rst.

Internally every problem is written in the *unscaled* form

    F(w) = 1/2 * sum_i s_i (y_c,i - x_c,i . w)^2 + l1 * ||w||_1 + l2/2 * ||w||_2^2

where x_c, y_c are the columns and target centred with the sample-weighted
means when an intercept is fitted (never materialised: the centring is folded
into the column operations), s are sample weights summing to n, and
l1 = n * alpha * l1_ratio, l2 = n * alpha * (1 - l1_ratio).  Dividing F by n
gives the documented objective of the estimators.

One solver serves the three storages (dense F-ordered, CSC sparse, Gram);
only the column operations below look at the storage.
"""

import numpy as np
cimport numpy as cnp
from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport exp, fabs, fmax, fmin, log, sqrt, INFINITY, NAN, isnan, isfinite
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport malloc, calloc, realloc, free, qsort
from libc.string cimport memcmp, memcpy, memmove, memset
from scipy.linalg.cython_blas cimport ddot, dsdot, daxpy, saxpy
from scipy.linalg.cython_lapack cimport dpotrf, dpotrs, dsyev

cdef extern from "Python.h":
    # declared without Cython's "except -1" so the result can be inspected here
    int PyErr_CheckSignals() nogil
    void PyErr_Clear() nogil

cnp.import_array()

cdef extern from "pz_omp.h":
    int PZ_HAVE_OPENMP
    int pz_omp_max_threads() noexcept nogil

cdef extern from "pz_kernels.h":
    Py_ssize_t PZ_BLAS_CHUNK
    double pz_dense_wdot_f(Py_ssize_t n, const float *x, const float *s, const float *r) noexcept nogil
    double pz_dense_wdot_d(Py_ssize_t n, const double *x, const double *s, const double *r) noexcept nogil
    double pz_dense_wsum_f(Py_ssize_t n, const float *x, const float *s) noexcept nogil
    double pz_dense_wsum_d(Py_ssize_t n, const double *x, const double *s) noexcept nogil
    double pz_dense_wsqdev_f(Py_ssize_t n, const float *x, const float *s, double m) noexcept nogil
    double pz_dense_wsqdev_d(Py_ssize_t n, const double *x, const double *s, double m) noexcept nogil
    double pz_csc_dot_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const float *r) noexcept nogil
    double pz_csc_dot_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *r) noexcept nogil
    double pz_csc_dot_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const float *r) noexcept nogil
    double pz_csc_dot_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *r) noexcept nogil
    double pz_csc_wdot_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const float *s, const float *r) noexcept nogil
    double pz_csc_wdot_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *s, const double *r) noexcept nogil
    double pz_csc_wdot_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const float *s, const float *r) noexcept nogil
    double pz_csc_wdot_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *s, const double *r) noexcept nogil
    void pz_csc_axpy_f32(double alpha, const float *data, const int32_t *idx, int32_t a, int32_t b, float *r) noexcept nogil
    void pz_csc_axpy_d32(double alpha, const double *data, const int32_t *idx, int32_t a, int32_t b, double *r) noexcept nogil
    void pz_csc_axpy_f64(double alpha, const float *data, const int64_t *idx, int64_t a, int64_t b, float *r) noexcept nogil
    void pz_csc_axpy_d64(double alpha, const double *data, const int64_t *idx, int64_t a, int64_t b, double *r) noexcept nogil
    double pz_csc_wsum_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const float *s) noexcept nogil
    double pz_csc_wsum_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *s) noexcept nogil
    double pz_csc_wsum_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const float *s) noexcept nogil
    double pz_csc_wsum_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *s) noexcept nogil
    double pz_csc_wsqdev_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const float *s, double m) noexcept nogil
    double pz_csc_wsqdev_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *s, double m) noexcept nogil
    double pz_csc_wsqdev_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const float *s, double m) noexcept nogil
    double pz_csc_wsqdev_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *s, double m) noexcept nogil
    double pz_dense_mn_grad_f(Py_ssize_t n, const float *x, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    double pz_dense_mn_grad_d(Py_ssize_t n, const double *x, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    void pz_dense_mn_update_f(Py_ssize_t n, double a, const float *x, const double *P, double *D, double *q) noexcept nogil
    void pz_dense_mn_update_d(Py_ssize_t n, double a, const double *x, const double *P, double *D, double *q) noexcept nogil
    double pz_dense_wsq_f(Py_ssize_t n, const float *x, const double *h) noexcept nogil
    double pz_dense_wsq_d(Py_ssize_t n, const double *x, const double *h) noexcept nogil
    double pz_csc_mn_grad_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    double pz_csc_mn_grad_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    double pz_csc_mn_grad_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    double pz_csc_mn_grad_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *u, const double *sp, const double *D, const double *q) noexcept nogil
    void pz_csc_mn_update_f32(double alpha, const float *data, const int32_t *idx, int32_t a, int32_t b, const double *P, double *D, double *q) noexcept nogil
    void pz_csc_mn_update_d32(double alpha, const double *data, const int32_t *idx, int32_t a, int32_t b, const double *P, double *D, double *q) noexcept nogil
    void pz_csc_mn_update_f64(double alpha, const float *data, const int64_t *idx, int64_t a, int64_t b, const double *P, double *D, double *q) noexcept nogil
    void pz_csc_mn_update_d64(double alpha, const double *data, const int64_t *idx, int64_t a, int64_t b, const double *P, double *D, double *q) noexcept nogil
    double pz_csc_wsq_f32(const float *data, const int32_t *idx, int32_t a, int32_t b, const double *h) noexcept nogil
    double pz_csc_wsq_d32(const double *data, const int32_t *idx, int32_t a, int32_t b, const double *h) noexcept nogil
    double pz_csc_wsq_f64(const float *data, const int64_t *idx, int64_t a, int64_t b, const double *h) noexcept nogil
    double pz_csc_wsq_d64(const double *data, const int64_t *idx, int64_t a, int64_t b, const double *h) noexcept nogil


include "_native/blas.pxi"
include "_native/design.pxi"
include "_native/penalty.pxi"
include "_native/dual.pxi"
include "_native/extrapolation.pxi"
include "_native/newton.pxi"
include "_native/least_squares.pxi"
include "_native/covariance.pxi"
include "_native/gram_corr.pxi"
include "_native/active_set.pxi"
include "_native/blocks.pxi"
include "_native/loss.pxi"
include "_native/cox.pxi"
include "_native/prox_newton.pxi"
include "_native/glm.pxi"
include "_native/python_api.pxi"
include "_native/capi.pxi"
