# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, nonecheck=False
"""Native core of penalized: column access and the coordinate-descent solver.

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
from libc.stdlib cimport malloc, realloc, free, qsort
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


# ---------------------------------------------------------------------------
# BLAS wrappers (fused over float / double; dots accumulate in double)
# ---------------------------------------------------------------------------

cdef inline double _dot(Py_ssize_t n, const floating *x, const floating *y) noexcept nogil:
    """x.y accumulated in double, by BLAS in chunks of PZ_BLAS_CHUNK entries: a threaded
    BLAS splits a longer level-1 call across its threads, whose synchronisation costs more
    than the arithmetic in coordinate descent, and rounds differently per thread count
    (``pz_kernels.h``); below its threshold every call runs on the calling thread."""
    cdef int n_, one = 1
    cdef Py_ssize_t start = 0
    cdef double acc = 0.0
    while start < n:
        n_ = <int>(n - start if n - start < PZ_BLAS_CHUNK else PZ_BLAS_CHUNK)
        if floating is float:
            acc += dsdot(&n_, <float *>x + start, &one, <float *>y + start, &one)
        else:
            acc += ddot(&n_, <double *>x + start, &one, <double *>y + start, &one)
        start += n_
    return acc


cdef inline void _axpy(Py_ssize_t n, double a, const floating *x, floating *y) noexcept nogil:
    """y += a x (a rounded to the precision for float32), by BLAS in chunks as ``_dot``."""
    cdef int n_, one = 1
    cdef float af = <float>a
    cdef Py_ssize_t start = 0
    while start < n:
        n_ = <int>(n - start if n - start < PZ_BLAS_CHUNK else PZ_BLAS_CHUNK)
        if floating is float:
            saxpy(&n_, &af, <float *>x + start, &one, y + start, &one)
        else:
            daxpy(&n_, &a, <double *>x + start, &one, y + start, &one)
        start += n_


# ---------------------------------------------------------------------------
# Column access: the only code that looks at the storage kind
# ---------------------------------------------------------------------------

cdef inline Py_ssize_t _csc_start(const design_t *D, Py_ssize_t j) noexcept nogil:
    if D.index64:
        return <Py_ssize_t>(<const int64_t *>D.indptr)[j]
    return <Py_ssize_t>(<const int32_t *>D.indptr)[j]


cdef inline double _col_wdot(const design_t *D, Py_ssize_t j, const floating *r) noexcept nogil:
    """sum_i s_i X_ij r_i for the raw (uncentred) column j of a DENSE or CSC design."""
    cdef Py_ssize_t a, b
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *x
    if D.kind == PZ_DENSE:
        x = <const floating *>D.X + j * D.n
        if s == NULL:
            return _dot(D.n, x, r)
        if floating is float:
            return pz_dense_wdot_f(D.n, x, s, r)
        else:
            return pz_dense_wdot_d(D.n, x, s, r)
    a = _csc_start(D, j)
    b = _csc_start(D, j + 1)
    x = <const floating *>D.data
    if D.index64:
        if s == NULL:
            if floating is float:
                return pz_csc_dot_f64(x, <const int64_t *>D.indices, a, b, r)
            else:
                return pz_csc_dot_d64(x, <const int64_t *>D.indices, a, b, r)
        if floating is float:
            return pz_csc_wdot_f64(x, <const int64_t *>D.indices, a, b, s, r)
        else:
            return pz_csc_wdot_d64(x, <const int64_t *>D.indices, a, b, s, r)
    if s == NULL:
        if floating is float:
            return pz_csc_dot_f32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, r)
        else:
            return pz_csc_dot_d32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, r)
    if floating is float:
        return pz_csc_wdot_f32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s, r)
    else:
        return pz_csc_wdot_d32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s, r)


cdef inline double _centred_wdot(const design_t *D, Py_ssize_t j, const floating *r,
                                 double sr) noexcept nogil:
    """x_c,j^T S r for a stored residual r with sum_i s_i r_i = sr (exact centring)."""
    cdef double c = _col_wdot(D, j, r)
    if D.x_mean != NULL:
        c -= D.x_mean[j] * sr
    return c


cdef inline void _col_axpy(const design_t *D, Py_ssize_t j, double a, floating *r) noexcept nogil:
    """r += a * X[:, j] (raw column) for DENSE / CSC; g += a * G[:, j] for GRAM."""
    cdef Py_ssize_t start, end
    if D.kind == PZ_DENSE:
        _axpy(D.n, a, <const floating *>D.X + j * D.n, r)
        return
    if D.kind == PZ_GRAM:
        _axpy(D.p, a, <const floating *>D.X + j * D.p, r)
        return
    start = _csc_start(D, j)
    end = _csc_start(D, j + 1)
    if D.index64:
        if floating is float:
            pz_csc_axpy_f64(a, <const float *>D.data, <const int64_t *>D.indices, start, end, r)
        else:
            pz_csc_axpy_d64(a, <const double *>D.data, <const int64_t *>D.indices, start, end, r)
    else:
        if floating is float:
            pz_csc_axpy_f32(a, <const float *>D.data, <const int32_t *>D.indices,
                            <int32_t>start, <int32_t>end, r)
        else:
            pz_csc_axpy_d32(a, <const double *>D.data, <const int32_t *>D.indices,
                            <int32_t>start, <int32_t>end, r)


cdef inline const floating *_col_values(const design_t *D, Py_ssize_t j,
                                        floating *v) noexcept nogil:
    """Raw column j as a dense vector: DENSE's own storage, CSC scattered into v (n)."""
    cdef Py_ssize_t i, k, start, end
    if D.kind == PZ_DENSE:
        return <const floating *>D.X + j * D.n
    for i in range(D.n):
        v[i] = 0.0
    start = _csc_start(D, j)
    end = _csc_start(D, j + 1)
    for k in range(start, end):
        if D.index64:
            v[(<const int64_t *>D.indices)[k]] += (<const floating *>D.data)[k]
        else:
            v[(<const int32_t *>D.indices)[k]] += (<const floating *>D.data)[k]
    return v


cdef inline double _col_corr(const design_t *D, Py_ssize_t j, const floating *res,
                             double shift) noexcept nogil:
    """x_c,j^T S r_true, the correlation of centred column j with the residual.

    DENSE/CSC store r = r_true + shift (the intercept's running offset, see
    ``_apply_update``); since sum_i s_i r_true,i = 0 the centring costs one
    scalar: x_c,j^T S r_true = x_j^T S r - shift * n * mean_j.
    GRAM stores g = X_c^T S r_true itself.
    """
    if D.kind == PZ_GRAM:
        return res[j]
    cdef double c = _col_wdot(D, j, res)
    if D.x_mean != NULL:
        c -= shift * D.sw_sum * D.x_mean[j]
    return c


cdef inline void _apply_update(const design_t *D, Py_ssize_t j, double delta,
                               floating *res, double *shift) noexcept nogil:
    """Account for w_j += delta in the stored residual.

    r_true -= delta * (x_j - mean_j): the sparse part goes into r, the dense
    constant part into the scalar offset, so CSC columns stay sparse.
    """
    _col_axpy(D, j, -delta, res)
    if D.kind != PZ_GRAM and D.x_mean != NULL:
        shift[0] -= delta * D.x_mean[j]


# ---------------------------------------------------------------------------
# Penalty: elastic net prox and the duality gap
# ---------------------------------------------------------------------------

cdef struct pen_t:
    # The separable penalty sum_j g_j(w_j), with
    #     g_j(u) = l1_j |u| + l2_j/2 u^2 + indicator_[lo_j, hi_j](u),
    # l1_j = l1 * f1_j, l2_j = l2 * f2_j and lo_j <= 0 <= hi_j.  A NULL array
    # means its neutral value (f = 1, lo = -inf, hi = +inf), so the plain
    # elastic net pays one predictable branch per access.  ``positive`` is
    # lo = 0 (no separate code path).
    double l1
    double l2
    const double *f1
    const double *f2
    const double *lo
    const double *hi
    # Unpenalized, unbounded features U ("free"): eliminated from the dual by
    # the S-orthogonal projection onto span(X_c,U)^perp (see _dual_point).
    # Unpenalized features with a box, or weakly penalized ones, R ("relaxed"):
    # a second dual drops the penalty and box of those strictly inside the box
    # at the point and projects them out too (a relaxation, so still a valid bound; tight when the
    # interior ones are interior at the optimum).
    Py_ssize_t n_free
    Py_ssize_t n_relax
    const Py_ssize_t *free    # U, then R (n_free + n_relax indices)
    const double *free_chol   # lower Cholesky factor of X_c,U^T S X_c,U, column-major
    const double *relax_gram  # X_c,V^T S X_c,V for V = U then R, column-major (n_relax > 0)
    double *sub_chol          # (n_free + n_relax)^2 scratch: factor of a sub-block
    Py_ssize_t *sub_idx       # n_free + n_relax scratch: positions of that sub-block in V
    const char *is_free       # p flags: 1 in U, 2 in R (NULL when both are empty)
    double *free_buf          # n_free + n_relax scratch


cdef inline double _l1j(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return P.l1 if P.f1 == NULL else P.l1 * P.f1[j]


cdef inline double _l2j(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return P.l2 if P.f2 == NULL else P.l2 * P.f2[j]


cdef inline double _loj(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return -INFINITY if P.lo == NULL else P.lo[j]


cdef inline double _hij(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return INFINITY if P.hi == NULL else P.hi[j]


cdef inline bint _is_free(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return P.is_free != NULL and P.is_free[j] == 1


cdef inline bint _is_relaxed(const pen_t *P, Py_ssize_t j) noexcept nogil:
    return P.is_free != NULL and P.is_free[j] == 2


cdef inline double _enet_prox(double z, double L, double l1, double l2,
                              double lo, double hi) noexcept nogil:
    """argmin_{lo <= u <= hi} L/2 (u - z/L)^2 + l1 |u| + l2/2 u^2.

    The objective is convex in one variable, so the box-constrained minimiser
    is the unconstrained one (soft-thresholding) clipped to [lo, hi].
    """
    cdef double u = pz_soft_threshold(z, l1) / (L + l2)
    if u < lo:
        return lo
    if u > hi:
        return hi
    return u


cdef inline double _conj(double c, double l1, double l2, double lo, double hi) noexcept nogil:
    """Fenchel conjugate g*(c) = sup_u c u - g(u) of g(u) = l1|u| + l2/2 u^2 + i_[lo,hi](u).

    lo <= 0 <= hi.  The maximiser is clip(S(c, l1) / l2, lo, hi); with B the
    bound on the side of c and v = |c| - l1 > 0: v^2 / (2 l2) when v / l2 < B,
    else v B - l2 B^2 / 2 (+inf for B = inf, l2 = 0).  0 when |c| <= l1.
    """
    cdef double v, B
    if c > l1:
        v = c - l1
        B = hi
    elif c < -l1:
        v = -c - l1
        B = -lo
    else:
        return 0.0
    if l2 > 0.0 and v < l2 * B:
        # divide before squaring: (v)^2 underflows for data near 1e-150
        return v * (v / (2.0 * l2))
    if B == INFINITY:
        return INFINITY
    return v * B - 0.5 * l2 * B * B


cdef inline double _box_excess(double v, double l1, double lo, double hi) noexcept nogil:
    """The Lasso-with-box conjugate (|v| - l1)_+ * B in the directions where the
    bound B is finite (the scale of the dual point handles the infinite ones)."""
    if v > l1 and hi < INFINITY:
        return (v - l1) * hi
    if v < -l1 and lo > -INFINITY:
        return (-v - l1) * (-lo)
    return 0.0


cdef struct dual_t:
    double primal       # F at the point's own w: r.S r / 2 + penalty(w)
    double pen          # penalty(w)
    double drr          # r_ref.S r_ref - r.S r for a reference residual
    bint has_drr        # drr was computed (a reference residual, DENSE/CSC)
    double gap_aug      # F(w) - augmented-Lasso dual at theta = scale * r (inf if l1 == 0)
    double gap_best     # min of gap_aug and F(w) - Fenchel dual at theta = r (l2 > 0)
    double scale        # rescaling making theta feasible for the augmented dual
    double rr           # r.S r
    double e_free       # sqrt(c_U^T G_U^-1 c_U): bound on the projection's effect
    double rcorr        # F(w) - (r.S r / 2 + penalty): the stored residual's rounding
                        # (known at certifying checks, see _res_refresh; included in primal)
    double perr         # bound on the rounding of primal itself (GRAM, certifying checks)
    double rnd          # the part of gap_best that is rounding (stop test, see _solve)
    double cerr         # rounding of primal and gap_best at their own size (used when
                        # the point is another's dual: F(w) - F(w_pt) + gap_pt cancels)


cdef void _fold_shift(const design_t *D, floating *res, double *shift) noexcept nogil:
    """Make the stored residual equal r_true again (r -= shift, shift = 0)."""
    cdef Py_ssize_t i
    cdef floating c = <floating>shift[0]
    if D.kind == PZ_GRAM or shift[0] == 0.0:
        shift[0] = 0.0
        return
    for i in range(D.n):
        res[i] -= c
    shift[0] = 0.0


cdef inline void _chol_solve(const double *chol, Py_ssize_t m, double *b) noexcept nogil:
    """b <- G^{-1} b for the m x m Cholesky factor ``chol`` (lower, column-major)."""
    cdef int mm = <int>m, one = 1, info = 0
    cdef char uplo = b'L'
    dpotrs(&uplo, &mm, &one, <double *>chol, &mm, b, &mm, &info)


cdef double _projected_sqnorm(const pen_t *P, const double *chol, Py_ssize_t m,
                              const double *corr) noexcept nogil:
    """s = c^T G^{-1} c for the first m features of P.free (c = their corr):
    ||Q r||_S^2, Q the S-orthogonal projection onto their span."""
    cdef Py_ssize_t k
    cdef double su = 0.0
    for k in range(m):
        P.free_buf[k] = corr[P.free[k]]
    _chol_solve(chol, m, P.free_buf)
    for k in range(m):
        su += corr[P.free[k]] * P.free_buf[k]
    if su != su:
        return INFINITY
    return su if su > 0.0 else 0.0


cdef inline bint _relaxed_here(const pen_t *P, Py_ssize_t j, double wj) noexcept nogil:
    """j is relaxed and strictly inside its box at this point."""
    return _is_relaxed(P, j) and _loj(P, j) < wj and wj < _hij(P, j)


cdef double _relaxed_sqnorm(const pen_t *P, const floating *w,
                            const double *corr) noexcept nogil:
    """c_S^T G_S^{-1} c_S for S = U + the relaxed features inside their box at w.

    G_S is gathered from the stored Gram block of U + R and factored here
    (|S| is small).  -1 when S = U (the relaxed dual is then the plain one),
    +inf when G_S is not positive definite (the relaxed dual is not used).
    """
    cdef Py_ssize_t k, a, b, m = 0, nv = P.n_free + P.n_relax
    cdef int mm, one = 1, info = 0
    cdef char uplo = b'L'
    cdef double su = 0.0
    for k in range(nv):
        if k < P.n_free or _relaxed_here(P, P.free[k], w[P.free[k]]):
            P.sub_idx[m] = k
            m += 1
    if m == P.n_free:
        return -1.0
    for b in range(m):
        for a in range(m):
            P.sub_chol[b * m + a] = P.relax_gram[P.sub_idx[b] * nv + P.sub_idx[a]]
        P.free_buf[b] = corr[P.free[P.sub_idx[b]]]
    mm = <int>m
    dpotrf(&uplo, &mm, P.sub_chol, &mm, &info)
    if info != 0:
        return INFINITY
    dpotrs(&uplo, &mm, &one, P.sub_chol, &mm, P.free_buf, &mm, &info)
    for b in range(m):
        su += corr[P.free[P.sub_idx[b]]] * P.free_buf[b]
    if su != su:
        return INFINITY
    return su if su > 0.0 else 0.0


cdef struct dacc_t:
    # per-feature sums of one dual point (see _dual_point)
    double t            # scale of the augmented point (feasible in unbounded directions)
    double t_all        # the scale making every direction feasible (no box term)
    double wc           # sum_j w_j c_j
    double werr         # sum_j |w_j| e_j
    double fench        # sum_j worst g_j*(c_j +- e_j)
    double hsum         # sum_j worst h_j*(t (d_j +- e_j)) (finite bounds)
    double s_u          # squared norm of the projected-out part of r
    double e_u          # sqrt(s_u)


cdef inline void _dacc_init(dacc_t *a, double s_u) noexcept nogil:
    a.t = 1.0
    a.t_all = 1.0
    a.wc = 0.0
    a.werr = 0.0
    a.fench = 0.0
    a.hsum = 0.0
    a.s_u = s_u
    a.e_u = sqrt(s_u)


cdef inline void _dacc_feature(dacc_t *a, double c, double wj, double colnorm,
                               double l1j, double l2j, double lo, double hi,
                               bint fenchel, double ex) noexcept nogil:
    """Add feature j (correlation c, coefficient wj) to the sums of a dual point;
    c is known within colnorm * e_u + ex."""
    cdef double d, v, q, e = colnorm * a.e_u if a.e_u > 0.0 else 0.0
    e += ex
    if wj != 0.0:
        a.wc += wj * c
        a.werr += fabs(wj) * e
    d = c - l2j * wj
    # largest t <= 1 with t d_j inside [-l1_j, l1_j] in the unbounded directions
    # (t), and in every direction the box allows (t_all)
    if hi > 0.0:
        v = d + e
        if v > l1j:
            q = l1j / v
            if q < a.t_all:
                a.t_all = q
            if hi == INFINITY and q < a.t:
                a.t = q
    if lo < 0.0:
        v = e - d
        if v > l1j:
            q = l1j / v
            if q < a.t_all:
                a.t_all = q
            if lo == -INFINITY and q < a.t:
                a.t = q
    if fenchel:
        if e > 0.0:
            a.fench += fmax(_conj(c - e, l1j, l2j, lo, hi), _conj(c + e, l1j, l2j, lo, hi))
        else:
            a.fench += _conj(c, l1j, l2j, lo, hi)


cdef inline void _dacc_box(dacc_t *a, double c, double wj, double colnorm,
                           double l1j, double l2j, double lo, double hi,
                           double ex) noexcept nogil:
    """The augmented conjugate in the directions with a finite bound (needs a.t)."""
    cdef double d = c - l2j * wj, e = colnorm * a.e_u if a.e_u > 0.0 else 0.0
    e += ex
    a.hsum += fmax(_box_excess(a.t * (d - e), l1j, lo, hi),
                   _box_excess(a.t * (d + e), l1j, lo, hi))


cdef inline double _aug_gap(const dacc_t *a, const pen_t *P, double t, double hsum,
                           double rr, double l1w, double l2sq) noexcept nogil:
    cdef double g = (0.5 * (1.0 - t) * (1.0 - t) * rr + P.l1 * l1w - t * a.wc
                     + 0.5 * (1.0 + t * t) * P.l2 * l2sq)
    if a.werr > 0.0 or hsum > 0.0 or a.s_u > 0.0:
        g += t * a.werr + hsum + 0.5 * a.s_u
    return g


cdef inline void _dacc_gaps(const dacc_t *a, const pen_t *P, double rr, double l1w,
                            double l2sq, double pen, double *gap_aug, double *scale,
                            double *gap_f) noexcept nogil:
    """F(w) - D for the augmented and the Fenchel point (see _dual_point).

    The augmented point is scaled by t (box terms h_j* in the finite
    directions) or, when smaller, by t_all (no box term): with a large
    finite bound, a rounding-size excess of |d_j| over l1_j times the bound
    would otherwise swamp the gap.  ``scale`` receives the scale used.
    """
    cdef double v
    rr -= a.s_u
    scale[0] = a.t
    if P.l1 > 0.0:
        gap_aug[0] = _aug_gap(a, P, a.t, a.hsum, rr, l1w, l2sq)
        if a.t_all < a.t:
            v = _aug_gap(a, P, a.t_all, 0.0, rr, l1w, l2sq)
            if v < gap_aug[0]:
                gap_aug[0] = v
                scale[0] = a.t_all
    else:
        gap_aug[0] = INFINITY
    gap_f[0] = INFINITY
    if P.l2 > 0.0:
        v = pen - a.wc + a.fench
        if a.werr > 0.0 or a.s_u > 0.0:
            v += a.werr + 0.5 * a.s_u
        gap_f[0] = v


cdef inline double _unit_roundoff(const floating *w) noexcept nogil:
    return 5.960464477539063e-08 if floating is float else 1.1102230246251565e-16


cdef inline double _gram_eta(const design_t *D) noexcept nogil:
    """GRAM: relative rounding of the float64 n-term sums building G and q,
    8 sqrt(n + 1) u_64 (the probabilistic model of Higham & Mary 2019; the
    worst case n u_64 is far larger than what BLAS sums lose)."""
    return 8.0 * sqrt(<double>D.n + 1.0) * 1.1102230246251565e-16


cdef inline double _rv(const floating *res, const floating *lo, Py_ssize_t i) noexcept nogil:
    """Entry i of a residual stored as res + lo (lo: NULL, or float32's low part)."""
    if lo == NULL:
        return res[i]
    return <double>res[i] + lo[i]


cdef inline double _point_corr(const design_t *D, Py_ssize_t j, const floating *res,
                               const floating *lo, double sr) noexcept nogil:
    """x_c,j^T S (res + lo), sr = sum_i s_i (res_i + lo_i) (exact centring)."""
    cdef double c = _col_wdot(D, j, res)
    if lo != NULL:
        c += _col_wdot(D, j, lo)
    if D.x_mean != NULL:
        c -= D.x_mean[j] * sr
    return c


# ---------------------------------------------------------------------------
# Threads in the full passes over X (``n_threads``)
#
# A pass computes one independent value per column (x_c,j^T S r): its columns are
# split over OpenMP threads (``prange``), each value computed by the same serial
# kernel as on one thread and written to its own slot, and every sum across
# columns is formed afterwards, serially, in the columns' order.  So a fit's
# results are bit-identical for any thread count.  Below PAR_MIN_WORK (stored CSC
# entries read, a dense entry counting PAR_DENSE_COST, + PAR_COL_COST per column) a
# pass runs on the calling thread: waking the sleeping team costs ~100 us a region
# on an idle core of the project's machine, and the 2-thread pass alone broke even
# near 300k CSC entries (1.36x at 400k, 0.79x at 100k) and 1M dense ones (1.47x at
# 2.5M, 0.78x at 500k; ``benchmarks/threads.py --part passes``, RESULTS.md).
# ---------------------------------------------------------------------------

DEF PAR_MIN_WORK = 300000.0  # CSC entries (+ column overheads) below which a pass stays serial
DEF PAR_DENSE_COST = 0.25    # a dense entry's cost in CSC entries (measured: 4x cheaper)
DEF PAR_COL_COST = 8.0       # a column's fixed cost, in entries (call, bounds, centring)


cdef inline int _pass_threads(int n_threads, double entries, Py_ssize_t cols,
                              bint dense=False) noexcept nogil:
    """Threads for a pass reading ``entries`` stored entries of ``cols`` columns (of
    a DENSE design if ``dense``): 1 when it is too small to pay for waking the team,
    else at most ``n_threads`` and no more than one per PAR_MIN_WORK / 2 of work."""
    cdef double work = (entries * (PAR_DENSE_COST if dense else 1.0)
                        + PAR_COL_COST * <double>cols)
    cdef double most = work / (0.5 * PAR_MIN_WORK)
    if n_threads <= 1 or work < PAR_MIN_WORK:
        return 1
    if most < n_threads:
        return <int>most
    return n_threads


cdef void _corr_pass(const design_t *D, const pen_t *P, const Py_ssize_t *cand,
                     Py_ssize_t n_cand, const floating *res, const floating *lo, double sr,
                     double *corr, int n_threads) noexcept nogil:
    """corr[j] = x_c,j^T S (res + lo) (``_point_corr``) for the j in cand[:n_cand]
    outside the free and relaxed blocks (computed before them by ``_dual_point``),
    the columns split over ``n_threads`` threads (DENSE / CSC)."""
    cdef Py_ssize_t k, j
    if D.kind == PZ_DENSE:
        # columns of equal length: equal contiguous shares
        for k in prange(n_cand, schedule="static", num_threads=n_threads):
            j = cand[k]
            if not (_is_free(P, j) or _is_relaxed(P, j)):
                corr[j] = _point_corr(D, j, res, lo, sr)
    else:
        # CSC columns differ in length by orders of magnitude (text): shrinking chunks
        for k in prange(n_cand, schedule="guided", chunksize=16, num_threads=n_threads):
            j = cand[k]
            if not (_is_free(P, j) or _is_relaxed(P, j)):
                corr[j] = _point_corr(D, j, res, lo, sr)


cdef dual_t _dual_point(const design_t *D, const floating *res, const floating *w,
                        const floating *target, double yy, const pen_t *P,
                        const Py_ssize_t *cand, Py_ssize_t n_cand,
                        double *corr, const floating *res_ref,
                        double dr, double dd, bint rounding,
                        const floating *rlo, const floating *rlo_ref,
                        const double *gabs, bint corr_known=False,
                        int n_threads=1) noexcept nogil:
    """Primal value and duality gaps of the point (w, r(w)) built from ``res``.

    ``corr_known``: corr[j] already holds x_c,j^T S r for this very point and
    every j in cand and in the free / relaxed blocks (a point evaluated before
    on a superset of cand): no column is read.  ``n_threads`` > 1: the
    correlations of cand are computed first, on that many threads
    (``_corr_pass``), then summed in cand's order as on one thread (the same bits).

    ``res`` is r_true = y_c - X_c w (DENSE/CSC) or g = X_c^T S r (GRAM); the
    features considered are ``cand`` (the problem restricted to them).
    Fills corr[j] = x_c,j^T S r for j in cand.  With c_j = corr_j, d_j =
    c_j - l2_j w_j and g_j the per-feature penalty (see pen_t), two dual
    points theta are tried, each giving F(w) - D(theta) as a sum of terms
    that vanish at the optimum (y_c.S r = r.S r + w.c since y_c = X_c w + r):
    * the elastic net as a box-constrained Lasso on the augmented design
      [X; sqrt(L2) I] (Zou & Hastie 2005), theta = t [r; -sqrt(L2) w]:
          F - D_aug = (1 - t)^2/2 r.S r + sum_j [l1_j |w_j| + (1 + t^2) l2_j/2 w_j^2
                      - t w_j c_j + h_j*(t d_j)],
      h_j* the conjugate of l1_j|.| + box, finite in the directions with a
      finite bound; t <= 1 is the largest scale with |t d_j| <= l1_j in the
      unbounded directions (Fercoq, Gramfort, Salmon 2015);
    * if l2 > 0, the exact Fenchel dual at theta = r (Ndiaye et al. 2017):
          F - D_f = sum_j [g_j(w_j) + g_j*(c_j) - w_j c_j].
    Free features U (unpenalized, unbounded): the conjugate of a zero
    penalty is the indicator of {x_j.theta = 0}, which a computed residual
    never satisfies exactly.  Minimising over w_U first gives the reduced
    problem on the other features with y and X projected by P, the
    S-orthogonal projector onto span(X_c,U)^perp; its dual has no constraint
    for U, so any theta is a valid bound.  The point used is theta = t P r:
    with s_U = ||(I - P) r||_S^2 = c_U^T G_U^-1 c_U (G_U = X_c,U^T S X_c,U),
    F(w) exceeds the reduced primal by s_U / 2, r.S r becomes r.S r - s_U,
    and x_j.S P r lies within e_j = ||x_c,j||_S sqrt(s_U) of c_j (Cauchy-
    Schwarz); every term is taken at its worst over that interval (convex
    in c_j: an endpoint).  The solver makes s_U rounding-sized by an exact
    least-squares update of w_U before each check (``_free_update``).
    Relaxed features R (unpenalized with a box, or weakly penalized: inside
    the box they meet the same rounding problem, through the infinite
    conjugate of an unbounded side, the rounding excess times a large bound,
    or a tiny l1_j): a second pair of gaps is formed with the penalty and box
    of the R features strictly inside their box at the point dropped, and
    those projected out with U.  The relaxed problem's minimum is below F's,
    so its dual is a valid bound too (F(w) - F_relaxed(w) = their penalty,
    already counted in the sums over all features: the (1 + t^2)/2 l2_j of the
    augmented form exceeds the 1/2 l2_j needed); it is tight up to that
    penalty when those features are interior at the optimum.  gap_best is the
    smallest of the four, gap_aug (which drives screening) the unrelaxed one.
    F and D are each of the size of r.S r, which for a badly fitting model
    (a Newton step's working response) can exceed the gap wanted by 1e10:
    their plain difference would be rounding noise.  Needs w = 0 outside
    ``cand`` (true for the current iterate and the points derived from it);
    otherwise w.c is taken as y.S r - r.S r, i.e. the plain difference (not
    available with free features: the point is then not used).  With
    ``res_ref`` (the iterate's residual, DENSE/CSC), drr = (r_ref - r).S (r_ref + r)
    gives the primal difference to the iterate without the same cancellation.
    ``target`` is y (DENSE/CSC) or q = X_c^T S y_c (GRAM); ``yy`` = y_c.S y_c.

    Rounding.  DENSE/CSC: when ``res`` was just recomputed from w
    (``_res_refresh``; float32: every check, float64: certifying checks),
    float32 keeps its low part too: the residual is res + rlo (``rlo``,
    ``rlo_ref``: NULL or that part of res, res_ref), ~float64 accurate, so the
    float32 certificate is not limited by the float32 rounding of r; the
    rest, r_exact = res + rlo + delta, has dr = delta.S (res + rlo), dd =
    delta.S delta known.
    The identities above then hold for r_exact, and the exact gaps exceed
    the computed ones by (1 - t) dr + dd / 2 (augmented point, theta = t res)
    and dd / 2 (Fenchel point); F(w) by dr + dd / 2 (``rcorr``).  With a
    projection |dr| is replaced by sqrt(dd r.S r) (Cauchy-Schwarz).  GRAM:
    the stored G, q and g differ from the data's X_c^T S X_c, X_c^T S y_c and
    q - G w by the float64 sums' rounding, at most eta sqrt(G_jj G_kk),
    eta sqrt(G_jj yy), eta sqrt(G_jj Y) (``_gram_eta``, Y = max(yy, r.S r)),
    and by their storage in X's dtype (unit roundoff u): u |G_jk|, u |q_j|,
    u |g_j|.  So correlation j lies within e_j = sqrt(G_jj) e_r + ex_j of
    the exact x_c,j.S r(w), e_r = eta (2 sqrt(Y) + B), B = sum_k sqrt(G_kk)
    |w_k|, ex_j = u (sum_k |G_jk w_k| + |q_j| + |g_j|) (``gabs`` holds the
    sums from ``_gram_refresh``; without it u joins eta), an interval added
    to the projection's (each term at its worst, as above); and r.S r =
    yy - w.q - w.g within rho = 2 sum_j |w_j| e_j (the eps ||G|| ||w||^2
    term: large for big coefficients on nearly collinear columns): (1 -
    t)^2 rho / 2 is added to the augmented gap and rho / 2 is the primal's
    own bound (``perr``).  ``rnd`` is the part of gap_best due to all the
    rounding terms.
    """
    cdef dual_t out
    cdef dacc_t A, B, A0
    cdef double e_rnd = 0.0, rho = 0.0, bsum = 0.0, big, rd, t0, g0_aug, g0_f, u, ex
    cdef bint track = False
    cdef Py_ssize_t i, j, k, nnz_all = 0, nnz_cand = 0
    cdef double rr = 0.0, ry = 0.0, l2sq = 0.0, wq = 0.0, wg = 0.0, l1w = 0.0
    cdef double sr = 0.0, v = 0.0, c, lo, hi, l1j, l2j, cn, g_aug = INFINITY, g_f = INFINITY
    cdef bint boxed = P.lo != NULL or P.hi != NULL, fenchel = P.l2 > 0.0
    cdef bint relax = P.n_relax > 0
    cdef double s_rel
    cdef const floating *s = <const floating *>D.sw

    if D.kind == PZ_GRAM:
        for j in range(D.p):
            if w[j] != 0.0:
                wq += w[j] * <double>target[j]
                wg += w[j] * <double>res[j]
        rr = yy - wq - wg
        ry = yy - wq
    elif s == NULL:
        for i in range(D.n):
            v = _rv(res, rlo, i)
            rr += v * v
            ry += <double>target[i] * v
            sr += v
    else:
        for i in range(D.n):
            c = _rv(res, rlo, i)
            v = <double>s[i] * c
            rr += v * c
            ry += v * target[i]
            sr += v
    u = _unit_roundoff(w)
    if rounding and D.kind == PZ_GRAM:
        for j in range(D.p):
            if w[j] != 0.0:
                bsum += fabs(<double>w[j]) * sqrt(D.col_sqnorm[j])
        big = sqrt(fmax(yy, rr))
        # without the entrywise sums the storage rounding is bounded by Cauchy-Schwarz too
        e_rnd = (_gram_eta(D) + (u if gabs == NULL else 0.0)) * (2.0 * big + bsum)
        for j in range(D.p):
            if w[j] != 0.0:
                ex = 0.0
                if gabs != NULL:
                    ex = u * (gabs[j] + fabs(<double>target[j]) + fabs(<double>res[j]))
                rho += 2.0 * fabs(<double>w[j]) * (sqrt(D.col_sqnorm[j]) * e_rnd + ex)
    track = e_rnd > 0.0 or dd > 0.0
    out.drr = 0.0
    out.has_drr = res_ref != NULL and D.kind != PZ_GRAM
    if out.has_drr:
        for i in range(D.n):
            v = (_rv(res_ref, rlo_ref, i) - _rv(res, rlo, i)) * (_rv(res_ref, rlo_ref, i) + _rv(res, rlo, i))
            out.drr += v if s == NULL else s[i] * v
    # A: the free block projected out; B (with relaxed features): U and R projected out
    for k in range(P.n_free + P.n_relax):
        if corr_known:
            break
        j = P.free[k]
        corr[j] = res[j] if D.kind == PZ_GRAM else _point_corr(D, j, res, rlo, sr)
    _dacc_init(&A, _projected_sqnorm(P, P.free_chol, P.n_free, corr) if P.n_free > 0 else 0.0)
    _dacc_init(&A0, 0.0)
    if track:
        A0 = A                  # the same point without the rounding terms
        A.e_u += e_rnd
    if relax:
        s_rel = _relaxed_sqnorm(P, w, corr)
        relax = s_rel >= 0.0 and s_rel < INFINITY
        if relax:
            _dacc_init(&B, s_rel)
            B.e_u += e_rnd
    for j in range(D.p):
        if w[j] != 0.0:
            nnz_all += 1
            if P.f1 == NULL:
                l1w += fabs(w[j])
            else:
                l1w += P.f1[j] * fabs(w[j])
            if P.f2 == NULL:
                l2sq += <double>w[j] * w[j]
            else:
                l2sq += P.f2[j] * (<double>w[j] * w[j])

    if n_threads > 1 and not corr_known and D.kind != PZ_GRAM:
        _corr_pass(D, P, cand, n_cand, res, rlo, sr, corr, n_threads)
    for k in range(n_cand):
        j = cand[k]
        if w[j] != 0.0:
            nnz_cand += 1
        if _is_free(P, j):
            continue
        if _is_relaxed(P, j) or corr_known:
            c = corr[j]
        elif D.kind == PZ_GRAM:
            c = res[j]
        elif n_threads > 1:
            c = corr[j]         # from _corr_pass
        else:
            # exact centring even if sum_i s_i r_i drifted from 0
            c = _point_corr(D, j, res, rlo, sr)
        corr[j] = c
        l1j = _l1j(P, j)
        l2j = _l2j(P, j)
        lo = _loj(P, j)
        hi = _hij(P, j)
        cn = sqrt(D.col_sqnorm[j]) if A.e_u > 0.0 or relax else 0.0
        ex = 0.0
        if gabs != NULL:
            ex = u * (gabs[j] + fabs(<double>target[j]) + fabs(c))
        _dacc_feature(&A, c, w[j], cn, l1j, l2j, lo, hi, fenchel, ex)
        if track:
            _dacc_feature(&A0, c, w[j], cn, l1j, l2j, lo, hi, fenchel, 0.0)
        if relax and not _relaxed_here(P, j, w[j]):
            _dacc_feature(&B, c, w[j], cn, l1j, l2j, lo, hi, fenchel, ex)

    if not P.l1 > 0.0:
        A.t = A.t_all = 1.0
        B.t = B.t_all = 1.0
        A0.t = A0.t_all = 1.0
    elif boxed:
        for k in range(n_cand):
            j = cand[k]
            if _is_free(P, j):
                continue
            l1j = _l1j(P, j)
            l2j = _l2j(P, j)
            lo = _loj(P, j)
            hi = _hij(P, j)
            cn = sqrt(D.col_sqnorm[j]) if A.e_u > 0.0 or relax else 0.0
            ex = 0.0
            if gabs != NULL:
                ex = u * (gabs[j] + fabs(<double>target[j]) + fabs(corr[j]))
            _dacc_box(&A, corr[j], w[j], cn, l1j, l2j, lo, hi, ex)
            if track:
                _dacc_box(&A0, corr[j], w[j], cn, l1j, l2j, lo, hi, 0.0)
            if relax and not _relaxed_here(P, j, w[j]):
                _dacc_box(&B, corr[j], w[j], cn, l1j, l2j, lo, hi, ex)

    out.rr = rr
    out.pen = P.l1 * l1w + 0.5 * P.l2 * l2sq
    out.rcorr = dr + 0.5 * dd
    out.perr = 0.5 * rho
    out.rnd = 0.0
    out.cerr = 0.0
    out.primal = 0.5 * rr + out.pen + out.rcorr
    out.e_free = A.e_u
    out.scale = A.t
    if nnz_cand != nnz_all:
        if P.n_free > 0 or P.n_relax > 0:
            out.gap_aug = INFINITY
            out.gap_best = INFINITY
            return out
        # w.corr misses non-zeros outside cand: take it from y.S r = r.S r + w.corr
        # (the same gaps, with the plain difference's rounding)
        A.wc = ry - rr
        A0.wc = A.wc
    # the stored residual's rounding (see above); 0 unless certifying in float32
    rd = fabs(dr) if P.n_free == 0 and not relax else sqrt(dd * fmax(rr, 0.0))
    _dacc_gaps(&A, P, rr, l1w, l2sq, out.pen, &out.gap_aug, &out.scale, &g_f)
    out.gap_aug += (1.0 - out.scale) * rd + 0.5 * dd + 0.5 * (1.0 - out.scale) ** 2 * rho
    g_f += 0.5 * dd
    out.gap_best = out.gap_aug if out.gap_aug <= g_f else g_f
    if track:
        _dacc_gaps(&A0, P, rr, l1w, l2sq, out.pen, &g0_aug, &t0, &g0_f)
        out.rnd = out.gap_best - fmin(g0_aug, g0_f)
    if relax:
        # the relaxed dual certifies, never screens (its sphere holds the dual
        # optimum of the relaxed problem only)
        _dacc_gaps(&B, P, rr, l1w, l2sq, out.pen, &g_aug, &v, &g_f)
        g_aug += (1.0 - v) * rd + 0.5 * dd + 0.5 * (1.0 - v) ** 2 * rho
        g_f += 0.5 * dd
        if g_aug < out.gap_best:
            out.gap_best = g_aug
        if g_f < out.gap_best:
            out.gap_best = g_f
    if not out.rnd > 0.0:
        out.rnd = 0.0
    # double sums of n terms: ~ sqrt(n) u_64 relative (as _gram_eta); a far worse point
    # (an extrapolation with F ~ 1e16 F(w)) must not certify the iterate by cancellation
    out.cerr = _gram_eta(D) * (fabs(out.primal) + fabs(out.gap_best))
    if not out.cerr < INFINITY:
        out.cerr = INFINITY
    return out


cdef double _penalty(const floating *w, Py_ssize_t p, const pen_t *P) noexcept nogil:
    """sum_j l1_j |w_j| + l2_j/2 w_j^2 (w is inside its box)."""
    cdef Py_ssize_t j
    cdef double a = 0.0, b = 0.0
    for j in range(p):
        if P.f1 == NULL:
            a += fabs(w[j])
        else:
            a += P.f1[j] * fabs(w[j])
        if P.f2 == NULL:
            b += <double>w[j] * w[j]
        else:
            b += P.f2[j] * (<double>w[j] * w[j])
    return P.l1 * a + 0.5 * P.l2 * b


# Dual extrapolation (Massias, Gramfort, Salmon 2018, "Celer", sec. 3): from
# K + 1 residuals r_0..r_K of successive checkpoints, U = [r_1 - r_0, ...,
# r_K - r_{K-1}], solve (U^T U) z = 1, c = z / sum(z), r_acc = sum_k c_k r_k.
# With sum(c) = 1, r_acc is the residual of w_acc = sum_k c_k w_k, so it is a
# legitimate dual candidate whatever c is; it is kept only when it is better.
DEF EXTRAP_K = 5


cdef struct extrap_t:
    void *hist_res      # (K + 1) x n_res snapshots, oldest first
    void *hist_val      # non-zeros of w on the tracked features, snapshot after
    Py_ssize_t *hist_ix # snapshot (entries off[k] .. off[k+1] - 1)
    Py_ssize_t off[EXTRAP_K + 2]
    Py_ssize_t arena_cap
    void *res_acc       # n_res
    void *w_acc         # p
    const Py_ssize_t *idx   # the tracked features (the working set of this
    Py_ssize_t m            # phase, borrowed): w moves only there meanwhile
    bint off_mem        # no memory for the history: extrapolation skipped
    Py_ssize_t count    # snapshots stored (at most K + 1)
    Py_ssize_t stamp    # epoch counter at the last snapshot (no duplicates)


cdef inline void _track(extrap_t *ex, const Py_ssize_t *idx, Py_ssize_t m) noexcept nogil:
    """Start a new history over the features idx[:m] (w moves only there).

    Snapshots store w sparsely (its non-zeros there), so the history costs
    O(K nnz(w)) memory however large the working set.
    """
    ex.count = 0
    ex.off[0] = 0
    ex.idx = idx
    ex.m = m
    ex.off_mem = False


cdef bint _solve_small(double *M, double *b, int K) noexcept nogil:
    """Solve M z = b in place (z in b) by Gaussian elimination with pivoting."""
    cdef int i, j, k, piv
    cdef double t, big = 0.0
    for i in range(K):
        if fabs(M[i * K + i]) > big:
            big = fabs(M[i * K + i])
    if big <= 0.0:
        return False
    for k in range(K):
        piv = k
        for i in range(k + 1, K):
            if fabs(M[i * K + k]) > fabs(M[piv * K + k]):
                piv = i
        if fabs(M[piv * K + k]) <= 1e-300 * big or M[piv * K + k] == 0.0:
            return False
        if piv != k:
            for j in range(K):
                t = M[k * K + j]; M[k * K + j] = M[piv * K + j]; M[piv * K + j] = t
            t = b[k]; b[k] = b[piv]; b[piv] = t
        for i in range(k + 1, K):
            t = M[i * K + k] / M[k * K + k]
            for j in range(k, K):
                M[i * K + j] -= t * M[k * K + j]
            b[i] -= t * b[k]
    for k in range(K - 1, -1, -1):
        t = b[k]
        for j in range(k + 1, K):
            t -= M[k * K + j] * b[j]
        b[k] = t / M[k * K + k]
    return True


cdef void _push_snapshot(extrap_t *ex, const floating *res, const floating *w,
                         Py_ssize_t n_res) noexcept nogil:
    cdef floating *hr = <floating *>ex.hist_res
    cdef floating *hv
    cdef Py_ssize_t *hx
    cdef Py_ssize_t slot, i, j, a, drop, nnz = 0, start
    if ex.off_mem:
        return
    if ex.count == EXTRAP_K + 1:
        memmove(hr, hr + n_res, EXTRAP_K * n_res * sizeof(floating))
        drop = ex.off[1]
        hv = <floating *>ex.hist_val
        if ex.off[EXTRAP_K + 1] > drop:
            memmove(hv, hv + drop, (ex.off[EXTRAP_K + 1] - drop) * sizeof(floating))
            memmove(ex.hist_ix, ex.hist_ix + drop,
                    (ex.off[EXTRAP_K + 1] - drop) * sizeof(Py_ssize_t))
        for a in range(EXTRAP_K + 1):
            ex.off[a] = ex.off[a + 1] - drop
        ex.count = EXTRAP_K
    slot = ex.count
    start = ex.off[slot]
    for i in range(ex.m):
        if w[ex.idx[i]] != 0.0:
            nnz += 1
    if start + nnz > ex.arena_cap:
        hv = <floating *>realloc(ex.hist_val, 2 * (start + nnz) * sizeof(floating))
        if hv != NULL:
            ex.hist_val = hv
        hx = <Py_ssize_t *>realloc(ex.hist_ix, 2 * (start + nnz) * sizeof(Py_ssize_t))
        if hx != NULL:
            ex.hist_ix = hx
        if hv == NULL or hx == NULL:
            ex.off_mem = True
            ex.count = 0
            return
        ex.arena_cap = 2 * (start + nnz)
    hv = <floating *>ex.hist_val
    for i in range(ex.m):
        j = ex.idx[i]
        if w[j] != 0.0:
            hv[start] = w[j]
            ex.hist_ix[start] = j
            start += 1
    ex.off[slot + 1] = start
    ex.count += 1
    for i in range(n_res):
        hr[slot * n_res + i] = res[i]


cdef bint _extrapolate(extrap_t *ex, const floating *w, Py_ssize_t n_res,
                       Py_ssize_t p) noexcept nogil:
    """Fill res_acc / w_acc from the snapshots; False if not enough or singular.

    w equals the newest snapshot, and off the tracked features every snapshot
    equals w, so w_acc = w + sum_k c_k (w_k - w) touches only stored entries.
    """
    cdef floating *hr = <floating *>ex.hist_res
    cdef const floating *hv = <const floating *>ex.hist_val
    cdef floating *ra = <floating *>ex.res_acc
    cdef floating *wa = <floating *>ex.w_acc
    cdef double M[EXTRAP_K * EXTRAP_K]
    cdef double z[EXTRAP_K]
    cdef double acc, zsum = 0.0, c
    cdef Py_ssize_t a, b, i, e, K = EXTRAP_K
    if ex.off_mem or ex.count < EXTRAP_K + 1:
        return False
    for a in range(K):
        for b in range(a, K):
            acc = 0.0
            for i in range(n_res):
                acc += (<double>hr[(a + 1) * n_res + i] - hr[a * n_res + i]) * \
                       (<double>hr[(b + 1) * n_res + i] - hr[b * n_res + i])
            M[a * K + b] = acc
            M[b * K + a] = acc
        z[a] = 1.0
    if not _solve_small(M, z, <int>K):
        return False
    for a in range(K):
        zsum += z[a]
    if zsum == 0.0 or zsum != zsum:
        return False
    for i in range(n_res):
        acc = 0.0
        for a in range(K):
            acc += z[a] * hr[(a + 1) * n_res + i]
        ra[i] = <floating>(acc / zsum)
    if p > 0:
        memcpy(wa, w, p * sizeof(floating))
    # clear the newest snapshot's entries (= the non-zeros of w there) ...
    for e in range(ex.off[K], ex.off[K + 1]):
        wa[ex.hist_ix[e]] = 0.0
    # ... and add the weighted snapshots 1..K
    for a in range(K):
        c = z[a] / zsum
        for e in range(ex.off[a + 1], ex.off[a + 2]):
            wa[ex.hist_ix[e]] = <floating>(wa[ex.hist_ix[e]] + c * hv[e])
    return True


# Candidate dual points, each the (rescaled) residual of some coefficients:
DEF PT_CURRENT = 0      # r(w) for the current w
DEF PT_EXTRAP = 1       # the extrapolated residual r(w_acc)
DEF PT_CERT = 2         # a certificate carried in (previous alpha of a path)


cdef struct gap_t:
    double primal       # F(w), unscaled
    double rcorr        # the iterate's dual_t.rcorr
    double perr         # the iterate's dual_t.perr
    double rnd          # the rounding part of gap (see dual_t)
    double pen          # penalty(w)
    double gap          # F(w) - best dual value found
    double gap_aug      # F(w) - best augmented-Lasso dual value (drives screening)
    double scale        # scale of that augmented dual point
    double e_free       # its e_free (see dual_t)
    int aug_point       # which point gave gap_aug (PT_*)
    int best_point      # which point gave gap
    int n_points        # dual points evaluated (each: one correlation pass over cand)
    double dot_entries  # stored entries of X read by their column dot products
    double axpy_entries # entries of X read by the residual refreshes (X w from scratch)


# Newton steps on a stable support.  Once the signs of the non-zeros stop
# changing, the problem restricted to their orthant is a quadratic,
#     Q(w_S) = 1/2 ||y_c - X_S w_S||_S^2 + l1 s.w_S + l2/2 ||w_S||^2,
# minimised by one linear solve with H = X_S^T S X_S + l2 I.  Coordinate
# descent needs many epochs when H is ill-conditioned (small alphas, p > n);
# the solve needs one.  The step is cut at the first sign change, where Q is
# still below its starting value (Q is convex and equals F on the orthant).
cdef struct newton_t:
    bint enabled
    Py_ssize_t cap        # largest support handled
    Py_ssize_t m          # size of the factored support (0: none)
    Py_ssize_t *supp      # factored support, sorted
    Py_ssize_t m_prev     # support seen at the previous check (stability test)
    Py_ssize_t *prev
    Py_ssize_t *cur
    double *chol          # Cholesky factor of H for supp (cap x cap)
    double *step          # cap
    void *col             # n_res floating buffer: a scattered sparse column
    bint failed           # H was not positive definite for supp
    bint require_stable   # only on a support seen at two successive checks
    Py_ssize_t built_at   # epoch count at the last factorisation
    Py_ssize_t ld         # leading dimension of chol (m at the factorisation; kept
                          # by the downdates of _chol_delete)
    double mu             # shift of the factored matrix: chol is that of H + mu I
    double *diag          # cap: H's diagonal, kept for the shifted retry
    double *rhs           # cap: -grad Q on the factored support (the chain's state)
    double *delta         # cap: accumulated change of each support coordinate
    double *fix           # cap: value a blocked coordinate is set to (NAN: not blocked)
    Py_ssize_t *pos       # cap: position in cur[:m] of each factored row
    Py_ssize_t *frow      # cap: feature of each factored row (supp in the factor's order)
    double last_gap       # subproblem gap at the previous check (INFINITY: none)


cdef struct workspace_t:
    Py_ssize_t *cand    # p: features still in play
    Py_ssize_t *ws      # p: current working set
    keyed_t *keys       # ranking heap, grown to the largest working set
    Py_ssize_t keys_cap
    double *corr[3]     # p each: x_c^T S r of each candidate dual point
    void *pt_res[3]     # residual of each point (PT_CURRENT is set per call)
    void *pt_w[3]       # coefficients generating it
    bint has_cert       # pt_res[PT_CERT] holds a valid certificate
    bint cert_corr_ok   # corr[PT_CERT] holds its correlations for the candidates
    # correlations carried along a path (enet_solve's corr_carry; NULL: none):
    # on entry, if carry_in, x_c^T S r(w) of the entry w for every feature; on
    # exit, if carry_out, those of the returned w (set only when converged)
    double *carry
    bint carry_in
    bint carry_out
    bint cur_corr_ok    # corr[PT_CURRENT] holds the iterate's (from carry)
    bint cert_fresh     # pt_res[PT_CERT] was recomputed from pt_w[PT_CERT] in this solve
    bint extrapolate    # dual extrapolation from residual snapshots
    bint accelerate     # also accept the extrapolated primal point when better
    extrap_t ex
    newton_t nt
    double *racc        # 2 n_res doubles: the residual recomputed at certifying checks
    void *rlo[3]        # float32 only: each point's low part (see _res_refresh)
    int n_threads       # threads of the full passes (<= 1: the calling thread only;
                        # see _pass_threads); 0 after _workspace_alloc
    Py_ssize_t n_threaded   # correlation passes that ran on more than one thread


cdef inline void _consider(gap_t *out, dual_t d, int point) noexcept nogil:
    # gap of the iterate (primal out.primal) against the point's dual: its own
    # gap plus the primal difference (zero for the iterate's own point), from
    # the residual difference when it is known (see _dual_point)
    cdef double shift = out.primal - d.primal
    cdef double err = 0.0
    if d.has_drr:
        shift = 0.5 * d.drr + (out.pen - d.pen) + (out.rcorr - d.rcorr)
    if point != PT_CURRENT:
        # two rounded primal values (GRAM), and the other point's own rounding
        err = out.perr + d.perr + d.cerr
        shift += err
    if shift + d.gap_best < out.gap:
        out.gap = shift + d.gap_best
        out.rnd = d.rnd + err
        out.best_point = point
    if shift + d.gap_aug < out.gap_aug:
        out.gap_aug = shift + d.gap_aug
        out.scale = d.scale
        out.e_free = d.e_free
        out.aug_point = point


cdef bint _accept_extrapolated(const design_t *D, gap_t *out, dual_t d,
                               floating *w, floating *res, const pen_t *P, workspace_t *wk,
                               Py_ssize_t epoch) noexcept nogil:
    """Anderson acceleration of the primal iterates (Bertrand & Massias 2021).

    The extrapolated coefficients w_acc come with their exact residual
    r_acc (residuals are affine in w), so their objective costs O(n + p).
    When it is lower than the current one, w_acc becomes the iterate, its
    dual point becomes the current one, and the history restarts from it.
    """
    cdef const floating *wa = <const floating *>wk.ex.w_acc
    cdef const floating *ra = <const floating *>wk.ex.res_acc
    cdef Py_ssize_t j, n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef double p_acc
    cdef double *tmp
    if P.lo != NULL or P.hi != NULL:
        # an affine combination of feasible points may leave the box
        for j in range(D.p):
            if wa[j] < _loj(P, j) or wa[j] > _hij(P, j):
                return False
    p_acc = d.primal
    if not (0.5 * d.drr + (out.pen - d.pen) + (out.rcorr - d.rcorr) if d.has_drr
            else out.primal - p_acc) > 0.0:
        return False
    for j in range(D.p):
        w[j] = wa[j]
    for j in range(n_res):
        res[j] = ra[j]
    tmp = wk.corr[PT_CURRENT]
    wk.corr[PT_CURRENT] = wk.corr[PT_EXTRAP]
    wk.corr[PT_EXTRAP] = tmp
    out.primal = p_acc
    out.pen = d.pen
    out.rcorr = d.rcorr
    out.perr = d.perr
    out.gap = INFINITY
    out.gap_aug = INFINITY
    d.has_drr = False       # it is the iterate now
    _consider(out, d, PT_CURRENT)
    wk.ex.count = 0
    _push_snapshot(&wk.ex, res, w, n_res)
    wk.ex.stamp = epoch
    return True


cdef void _free_update(const design_t *D, const pen_t *P, floating *w, floating *res,
                       double *shift) noexcept nogil:
    """Exact weighted least squares on the free block: w_U += G_U^{-1} X_c,U^T S r.

    A legal primal step (no penalty or bound on U, so F only decreases);
    afterwards r is S-orthogonal to X_c,U up to rounding, which
    ``_dual_point`` accounts for.  ``res`` must be folded (shift = 0).
    """
    cdef Py_ssize_t k, j
    cdef floating wn
    cdef double delta
    for k in range(P.n_free):
        P.free_buf[k] = _col_corr(D, P.free[k], res, 0.0)
    _chol_solve(P.free_chol, P.n_free, P.free_buf)
    for k in range(P.n_free):
        j = P.free[k]
        wn = <floating>(w[j] + P.free_buf[k])
        delta = <double>wn - w[j]
        if delta != 0.0 and delta == delta:
            _apply_update(D, j, delta, res, shift)
            w[j] = wn
    _fold_shift(D, res, shift)


cdef void _gram_refresh(const design_t *D, const floating *w, floating *g,
                        const floating *target, double *acc) noexcept nogil:
    """GRAM: g = q - G w from scratch, O(p nnz(w)), accumulated in double
    (``acc``, 2 p doubles: acc[p + i] receives sum_j |G_ij w_j|, the scale of
    the storage rounding, see ``_dual_point``) and rounded once.  The stored g is updated
    incrementally (coordinate steps, Newton steps, accepted extrapolations
    r_acc = sum_k c_k r_k whose large c_k amplify rounding); on ill-conditioned
    G it drifted from w far enough for a certificate of 1e-16 at a
    suboptimality of 1e-8.  Called before every outer (certifying) gap."""
    cdef Py_ssize_t i, j
    cdef const floating *col
    cdef double wj
    cdef double *gabs = acc + D.p
    for i in range(D.p):
        acc[i] = target[i]
        gabs[i] = 0.0
    for j in range(D.p):
        if w[j] != 0.0:
            wj = w[j]
            col = <const floating *>D.X + j * D.p
            for i in range(D.p):
                acc[i] -= wj * col[i]
                gabs[i] += fabs(wj * col[i])
    for i in range(D.p):
        g[i] = <floating>acc[i]


cdef void _res_refresh(const design_t *D, const floating *w, floating *res,
                       const floating *target, double *acc,
                       double *dr, double *dd, floating *lo) noexcept nogil:
    """DENSE/CSC: r = y_c - X_c w from scratch, accumulated in double.

    O(n + nnz of w's columns); ``acc`` holds n doubles.  The incrementally
    updated residual drifts from w (float32 storage of r_true + the scalar
    centring shift, accepted extrapolations r_acc = sum_k c_k r_k): its
    certificate then bounds another point's suboptimality (found: gap 0 at a
    suboptimality of 4e-3 on two nearly collinear columns in float64, and
    float32 gaps below the suboptimality by 1e2-1e5 at small alphas).  Dense
    columns are centred entry by entry (the exact centred column), CSC ones
    by one constant (their zeros).  y_mean = sum_i s_i y_i / sum_i s_i, as
    the design's column means.  Stores r rounded to X's dtype and returns
    dr = delta.S r, dd = delta.S delta for delta = r_double - r_stored (the
    terms ``_dual_point`` adds; 0 in float64).  With ``lo`` (float32),
    lo = r_double - r_stored rounded too, and delta is what remains.
    """
    cdef Py_ssize_t i, j, k, a, b
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *x
    cdef double ym = 0.0, cm = 0.0, wj, m, v, e, si
    if D.x_mean != NULL:
        for i in range(D.n):
            ym += target[i] if s == NULL else <double>s[i] * target[i]
        ym /= D.sw_sum
    for i in range(D.n):
        acc[i] = <double>target[i] - ym
    for j in range(D.p):
        if w[j] == 0.0:
            continue
        wj = w[j]
        m = D.x_mean[j] if D.x_mean != NULL else 0.0
        if D.kind == PZ_DENSE:
            x = <const floating *>D.X + j * D.n
            for i in range(D.n):
                acc[i] -= (<double>x[i] - m) * wj
        else:
            a = _csc_start(D, j)
            b = _csc_start(D, j + 1)
            x = <const floating *>D.data
            if D.index64:
                for k in range(a, b):
                    acc[(<const int64_t *>D.indices)[k]] -= <double>x[k] * wj
            else:
                for k in range(a, b):
                    acc[(<const int32_t *>D.indices)[k]] -= <double>x[k] * wj
            cm += m * wj
    dr[0] = 0.0
    dd[0] = 0.0
    for i in range(D.n):
        v = acc[i] + cm
        res[i] = <floating>v
        e = v - <double>res[i]
        if lo != NULL:
            lo[i] = <floating>e
            e -= <double>lo[i]
        if e != 0.0:
            si = 1.0 if s == NULL else <double>s[i]
            dr[0] += si * e * _rv(res, lo, i)
            dd[0] += si * e * e


cdef inline double _col_entries(const design_t *D, Py_ssize_t j) noexcept nogil:
    """Stored entries of column j read by one column product (n for DENSE,
    its nnz for CSC, 0 for GRAM, whose "products" are lookups of g)."""
    if D.kind == PZ_DENSE:
        return <double>D.n
    if D.kind == PZ_CSC:
        return <double>(_csc_start(D, j + 1) - _csc_start(D, j))
    return 0.0


cdef double _set_entries(const design_t *D, const Py_ssize_t *idx, Py_ssize_t m) noexcept nogil:
    """Stored entries of the columns idx[:m] (see _col_entries)."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    if D.kind == PZ_DENSE:
        return <double>D.n * m
    if D.kind == PZ_CSC:
        for k in range(m):
            acc += _col_entries(D, idx[k])
    return acc


cdef double _support_entries(const design_t *D, const floating *w) noexcept nogil:
    """Stored entries of the columns with w_j != 0 (what _res_refresh reads)."""
    cdef Py_ssize_t j
    cdef double acc = 0.0
    if D.kind == PZ_GRAM:
        return 0.0
    for j in range(D.p):
        if w[j] != 0.0:
            acc += _col_entries(D, j)
    return acc


cdef double _carry_out(const design_t *D, const floating *res, const floating *lo,
                       const Py_ssize_t *cand, Py_ssize_t n_cand, workspace_t *wk) noexcept nogil:
    """Copy the iterate's correlations (corr[PT_CURRENT], known on cand from
    the gap check that just ran on the recomputed residual ``res`` + ``lo``)
    into wk.carry, computing those of the other features the same way
    (_point_corr, as _dual_point would at the next solve's first check).
    Uses wk.ws as scratch.  Returns the stored entries read.  The other features'
    correlations are computed on wk.n_threads threads when the pass is large
    enough (``_pass_threads``; one value per slot, the same bits)."""
    cdef Py_ssize_t i, j, k
    cdef double sr = 0.0, c, ent = 0.0
    cdef const floating *s = <const floating *>D.sw
    cdef Py_ssize_t *mark = wk.ws
    cdef int nt
    if s == NULL:
        for i in range(D.n):
            sr += _rv(res, lo, i)
    else:
        for i in range(D.n):
            c = _rv(res, lo, i)
            sr += <double>s[i] * c
    for j in range(D.p):
        mark[j] = 0
    for k in range(n_cand):
        mark[cand[k]] = 1
    for j in range(D.p):
        if not mark[j]:
            ent += _col_entries(D, j) * (2.0 if lo != NULL else 1.0)
    nt = _pass_threads(wk.n_threads, ent, D.p - n_cand, D.kind == PZ_DENSE)
    if nt > 1:
        _carry_pass(D, mark, res, lo, sr, wk.carry, nt)
        wk.n_threaded += 1
    for j in range(D.p):
        if mark[j]:
            wk.carry[j] = wk.corr[PT_CURRENT][j]
        elif nt <= 1:
            wk.carry[j] = _point_corr(D, j, res, lo, sr)
    return ent


cdef void _carry_pass(const design_t *D, const Py_ssize_t *mark, const floating *res,
                      const floating *lo, double sr, double *carry, int n_threads) noexcept nogil:
    """carry[j] = _point_corr(j) for the unmarked features, on n_threads threads."""
    cdef Py_ssize_t j
    if D.kind == PZ_DENSE:
        for j in prange(D.p, schedule="static", num_threads=n_threads):
            if not mark[j]:
                carry[j] = _point_corr(D, j, res, lo, sr)
    else:
        for j in prange(D.p, schedule="guided", chunksize=16, num_threads=n_threads):
            if not mark[j]:
                carry[j] = _point_corr(D, j, res, lo, sr)


cdef bint _same_point(const floating *a, const floating *b, Py_ssize_t p) noexcept nogil:
    """a == b entrywise (bitwise for finite values)."""
    cdef Py_ssize_t j
    for j in range(p):
        if a[j] != b[j]:
            return False
    return True


cdef gap_t _duality_gap(const design_t *D, floating *w, floating *res,
                        double *shift, const floating *target, double yy,
                        const pen_t *P,
                        const Py_ssize_t *cand, Py_ssize_t n_cand,
                        workspace_t *wk, Py_ssize_t epoch, bint use_cert) noexcept nogil:
    """Duality gap of F restricted to ``cand``: the best of the dual points
    from the current residual, its extrapolation and (if ``use_cert``) the
    carried-in certificate.

    ``epoch`` stamps the extrapolation snapshot: a state already recorded is
    not pushed again (a repeated residual makes the extrapolation singular).
    """
    cdef gap_t out
    cdef dual_t d
    cdef Py_ssize_t n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef double dr = 0.0, dd = 0.0
    # recompute the residuals from w: at certifying checks, and at every check in
    # float32 (whose incrementally updated residual drifts fast enough to send
    # coordinate descent astray on shifted, nearly constant columns)
    cdef bint fresh = (use_cert or floating is float) and D.kind != PZ_GRAM
    cdef floating *lo = NULL
    cdef floating *lo_x = NULL
    cdef void *tmp
    cdef const double *gabs = wk.racc + D.p if use_cert and D.kind == PZ_GRAM else NULL
    cdef double ent = _set_entries(D, cand, n_cand)    # one correlation pass over cand
    cdef int nt = _pass_threads(wk.n_threads, ent, n_cand, D.kind == PZ_DENSE)   # its threads
    cdef Py_ssize_t k
    cdef bint known
    out.n_points = 0
    out.dot_entries = 0.0
    out.axpy_entries = 0.0
    if fresh and floating is float:
        lo = <floating *>wk.rlo[PT_CURRENT]
        lo_x = <floating *>wk.rlo[PT_EXTRAP]
    _fold_shift(D, res, shift)
    if use_cert and D.kind == PZ_GRAM:
        _gram_refresh(D, w, res, target, wk.racc)
    if floating is double and P.n_free > 0:
        # float64 with a free block: not recomputed.  The free block's exact
        # update leaves the incremental r S-orthogonal to X_c,U up to the
        # rounding of one small step; a recomputed r carries the rounding of
        # the whole sum X_c w, which the projected dual pays for (1e-12
        # relative lost on shifted columns with unpenalized features, found
        # whether recomputed before or after the update)
        fresh = False
    if P.n_free > 0:
        _free_update(D, P, w, res, shift)
        if use_cert and D.kind == PZ_GRAM:
            _gram_refresh(D, w, res, target, wk.racc)
    if fresh and not (floating is double and wk.cur_corr_ok and use_cert):
        # certify the iterate's own residual, not the incrementally updated one
        # (float64 with carried-in correlations: res is the previous solve's last
        # recomputation from this very w, exact in float64, so it is not redone)
        _res_refresh(D, w, res, target, wk.racc, &dr, &dd, lo)
        out.axpy_entries += _support_entries(D, w)
    wk.pt_res[PT_CURRENT] = res
    wk.pt_w[PT_CURRENT] = w
    # carried-in correlations: only for the entry w's own recomputed residual
    known = wk.cur_corr_ok and use_cert and fresh
    wk.cur_corr_ok = False
    d = _dual_point(D, res, w, target, yy, P, cand, n_cand,
                    wk.corr[PT_CURRENT], NULL, dr, dd, use_cert, lo, NULL, gabs, known, nt)
    if not known:
        out.n_points = 1
        out.dot_entries = ent * (2.0 if lo != NULL else 1.0)
    out.primal = d.primal
    out.pen = d.pen
    out.rcorr = d.rcorr
    out.perr = d.perr
    out.rnd = 0.0
    out.gap = INFINITY
    out.gap_aug = INFINITY
    out.scale = 1.0
    out.e_free = 0.0
    out.aug_point = PT_CURRENT
    out.best_point = PT_CURRENT
    _consider(&out, d, PT_CURRENT)
    if wk.extrapolate:
        if wk.ex.count == 0 or wk.ex.stamp != epoch:
            _push_snapshot(&wk.ex, res, w, n_res)
            wk.ex.stamp = epoch
        if _extrapolate(&wk.ex, w, n_res, D.p):
            dr = 0.0
            dd = 0.0
            if use_cert and D.kind == PZ_GRAM:
                _gram_refresh(D, <floating *>wk.ex.w_acc, <floating *>wk.ex.res_acc, target,
                              wk.racc)
            elif fresh:
                _res_refresh(D, <floating *>wk.ex.w_acc, <floating *>wk.ex.res_acc, target,
                             wk.racc, &dr, &dd, lo_x)
                out.axpy_entries += _support_entries(D, <floating *>wk.ex.w_acc)
            d = _dual_point(D, <floating *>wk.ex.res_acc, <floating *>wk.ex.w_acc,
                            target, yy, P, cand, n_cand, wk.corr[PT_EXTRAP],
                            res, dr, dd, use_cert, lo_x, lo, gabs, False, nt)
            out.n_points += 1
            out.dot_entries += ent * (2.0 if lo_x != NULL else 1.0)
            if wk.accelerate and _accept_extrapolated(D, &out, d, w, res, P, wk, epoch):
                # res is r_acc now: its low part goes with it
                tmp = wk.rlo[PT_CURRENT]
                wk.rlo[PT_CURRENT] = wk.rlo[PT_EXTRAP]
                wk.rlo[PT_EXTRAP] = tmp
                lo, lo_x = lo_x, lo
            else:
                _consider(&out, d, PT_EXTRAP)
    if use_cert and wk.has_cert and not wk.cert_corr_ok and (fresh or D.kind == PZ_GRAM) \
            and _same_point(<const floating *>wk.pt_w[PT_CERT], w, D.p):
        # the carried-in certificate is the iterate itself (a path's previous
        # solution, certified by its own residual): both residuals were just
        # recomputed from the same w, so its dual point is the iterate's
        for k in range(n_cand):
            wk.corr[PT_CERT][cand[k]] = wk.corr[PT_CURRENT][cand[k]]
        wk.cert_corr_ok = True
    elif use_cert and wk.has_cert:
        dr = 0.0
        dd = 0.0
        lo_x = NULL
        if fresh:
            if floating is float:
                lo_x = <floating *>wk.rlo[PT_CERT]
            # float64: recomputed once per solve (the certificate is fixed; the
            # recomputation is exact in its dtype, dr = dd = 0)
            if floating is float or not wk.cert_fresh:
                _res_refresh(D, <floating *>wk.pt_w[PT_CERT], <floating *>wk.pt_res[PT_CERT],
                             target, wk.racc, &dr, &dd, lo_x)
                out.axpy_entries += _support_entries(D, <floating *>wk.pt_w[PT_CERT])
                wk.cert_fresh = True
        elif D.kind == PZ_GRAM:
            _gram_refresh(D, <floating *>wk.pt_w[PT_CERT], <floating *>wk.pt_res[PT_CERT],
                          target, wk.racc)
        d = _dual_point(D, <floating *>wk.pt_res[PT_CERT], <floating *>wk.pt_w[PT_CERT],
                        target, yy, P, cand, n_cand, wk.corr[PT_CERT], res, dr, dd, use_cert,
                        lo_x, lo, gabs, wk.cert_corr_ok, nt)
        if not wk.cert_corr_ok:
            # the certificate is fixed during a solve and cand only shrinks: its
            # correlations serve every later outer check
            out.n_points += 1
            out.dot_entries += ent * (2.0 if lo_x != NULL else 1.0)
            wk.cert_corr_ok = True
        _consider(&out, d, PT_CERT)
    if nt > 1:
        wk.n_threaded += out.n_points
    return out


cdef double _primal_value(const design_t *D, const floating *w, const floating *res,
                          const floating *target, double yy, const pen_t *P) noexcept nogil:
    """F(w) from a folded residual (DENSE/CSC) or from g (GRAM)."""
    cdef Py_ssize_t i, j
    cdef double rr = 0.0
    cdef const floating *s = <const floating *>D.sw
    if D.kind == PZ_GRAM:
        rr = yy
        for j in range(D.p):
            if w[j] != 0.0:
                rr -= w[j] * (<double>target[j] + res[j])
    elif s == NULL:
        for i in range(D.n):
            rr += <double>res[i] * res[i]
    else:
        for i in range(D.n):
            rr += <double>s[i] * res[i] * res[i]
    return 0.5 * rr + _penalty(w, D.p, P)


cdef bint _factor_support(const design_t *D, newton_t *nt, Py_ssize_t m,
                          const pen_t *P, floating *dummy) noexcept nogil:
    """Build H = X_c,S^T S X_c,S + diag(l2_j) for S = nt.cur[:m] and factor it."""
    cdef Py_ssize_t a, b, i, k, start, end, ja, jb
    cdef floating *v = <floating *>nt.col
    cdef const floating *xa
    cdef double g
    cdef Py_ssize_t ld = nt.cap
    cdef int mm = <int>m, lda = <int>ld, info = 0
    cdef char uplo = b'L'
    for a in range(m):
        ja = nt.cur[a]
        if D.kind == PZ_GRAM:
            for b in range(a, m):
                nt.chol[a * ld + b] = (<const floating *>D.X)[ja * D.p + nt.cur[b]]
        else:
            xa = _col_values(D, ja, v)
            for b in range(a, m):
                jb = nt.cur[b]
                g = _col_wdot(D, jb, xa)
                if D.x_mean != NULL:
                    g -= D.sw_sum * D.x_mean[ja] * D.x_mean[jb]
                nt.chol[a * ld + b] = g
        nt.chol[a * ld + a] += _l2j(P, ja)
    # row-major upper triangle = column-major lower triangle; dpotrf leaves the
    # column-major strict upper triangle alone: keep a copy of H there (and of
    # its diagonal) for the shifted retry
    _chol_keep(nt, m, ld)
    dpotrf(&uplo, &mm, nt.chol, &lda, &info)
    nt.mu = 0.0
    if info != 0:
        _chol_shifted(nt, m, ld, &info)
    memcpy(nt.supp, nt.cur, m * sizeof(Py_ssize_t))
    memcpy(nt.frow, nt.cur, m * sizeof(Py_ssize_t))
    nt.m = m
    nt.ld = ld
    nt.failed = info != 0
    return not nt.failed


cdef void _chol_keep(newton_t *nt, Py_ssize_t m, Py_ssize_t ld) noexcept nogil:
    """Mirror H (column-major lower triangle of nt.chol) into the strict upper
    triangle, and its diagonal into nt.diag, before dpotrf overwrites it."""
    cdef Py_ssize_t a, b
    for a in range(m):
        nt.diag[a] = nt.chol[a * ld + a]
        for b in range(a + 1, m):
            nt.chol[b * ld + a] = nt.chol[a * ld + b]


cdef void _chol_shifted(newton_t *nt, Py_ssize_t m, Py_ssize_t ld, int *info) noexcept nogil:
    """Factor H + mu I, mu = 1e-9 max_j H_jj, after dpotrf failed on H.

    H = X_S^T X_S is singular when |S| >= n (or when columns of S are
    collinear, e.g. duplicated).  The shifted (Levenberg-Marquardt) direction
    d = (H + mu I)^{-1} (-grad Q) is still a descent direction of the
    sign-fixed quadratic Q, and Q(w + t d) decreases on all of t in [0, 1]:
    Q(w + t d) - Q(w) <= -t (1 - t/2) grad^T (H + mu I)^{-1} grad.  Along
    the null space of X_S, Q is linear and d is long (of order 1/mu), so the
    step is cut where a coordinate reaches zero: the support loses one
    feature, as the homotopy / LARS-Lasso drop step does (Osborne, Presnell &
    Turlach 2000, "A new approach to variable selection in least squares
    problems"; Efron et al. 2004), and the chain of _newton_step continues
    on the smaller support, until it is full rank and the step is a Newton
    step.
    """
    cdef Py_ssize_t a, b
    cdef double top = 0.0
    cdef int mm = <int>m, lda = <int>ld
    cdef char uplo = b'L'
    for a in range(m):
        if nt.diag[a] > top:
            top = nt.diag[a]
    if not top > 0.0:
        return
    nt.mu = 1e-9 * top
    for a in range(m):
        nt.chol[a * ld + a] = nt.diag[a] + nt.mu
        for b in range(a + 1, m):
            nt.chol[a * ld + b] = nt.chol[b * ld + a]
    dpotrf(&uplo, &mm, nt.chol, &lda, info)


cdef double _hess_entry(const design_t *D, Py_ssize_t ja, const floating *xa,
                        Py_ssize_t jb) noexcept nogil:
    """H_ab without the l2 term: x_c,a^T S x_c,b, xa the raw (dense or
    scattered) column a; GRAM: G_ab."""
    cdef double g
    if D.kind == PZ_GRAM:
        return (<const floating *>D.X)[ja * D.p + jb]
    g = _col_wdot(D, jb, xa)
    if D.x_mean != NULL:
        g -= D.sw_sum * D.x_mean[ja] * D.x_mean[jb]
    return g


cdef inline bint _factor_drop(newton_t *nt, double *L, Py_ssize_t ld,
                              Py_ssize_t feature) noexcept nogil:
    """Delete ``feature``'s row from the factor (``_chol_delete``) and from nt.frow;
    False (and an empty factor) if the downdate failed."""
    cdef Py_ssize_t q, r
    for q in range(nt.m):
        if nt.frow[q] == feature:
            break
    if not _chol_delete(L, ld, nt.m, q):
        nt.m = 0
        return False
    for r in range(q, nt.m - 1):
        nt.frow[r] = nt.frow[r + 1]
    nt.m -= 1
    return True


cdef bint _factor_update(const design_t *D, newton_t *nt, Py_ssize_t m,
                         const pen_t *P, floating *dummy) noexcept nogil:
    """Move the factor of H from the support nt.supp[:nt.m] to nt.cur[:m] by
    deleting rows (_chol_delete, O(m^2) each) and appending columns (one
    column of H, O(m n), and a triangular solve, O(m^2), each) when that
    costs at most a quarter of a rebuild.  False (factor unusable, rebuild)
    otherwise, or when an appended pivot is not safely positive.
    """
    cdef Py_ssize_t i = 0, a = 0, r, q, k, j, start, end, mf = nt.m, ld = nt.ld
    cdef Py_ssize_t n_del = 0, n_add = 0, m_old = nt.m
    cdef double cost, build, h, piv
    cdef double *L = nt.chol
    cdef double *l = nt.step
    cdef floating *v = <floating *>nt.col
    cdef const floating *xa
    cdef Py_ssize_t n_eff = D.p if D.kind == PZ_GRAM else D.n
    if mf == 0 or nt.failed:
        return False
    while i < mf or a < m:
        if a == m or (i < mf and nt.supp[i] < nt.cur[a]):
            n_del += 1
            i += 1
        elif i == mf or nt.cur[a] < nt.supp[i]:
            n_add += 1
            a += 1
        else:
            i += 1
            a += 1
    cost = <double>n_del * mf * mf + <double>n_add * (<double>(mf + n_add) * n_eff + mf * mf)
    build = <double>m * m * n_eff + <double>m * m * m / 3.0
    if cost > 0.25 * build or m > ld:
        return False
    # deletions: rows of features no longer in cur
    i = 0
    a = 0
    while i < mf:
        if a < m and nt.cur[a] < nt.supp[i]:
            a += 1
        elif a < m and nt.cur[a] == nt.supp[i]:
            i += 1
            a += 1
        else:               # supp[i] left the support
            if not _factor_drop(nt, L, ld, nt.supp[i]):
                return False
            i += 1
    # additions: features of cur not in the old support, appended at the end
    i = 0
    for a in range(m):
        while i < m_old and nt.supp[i] < nt.cur[a]:
            i += 1
        if i < m_old and nt.supp[i] == nt.cur[a]:
            continue
        j = nt.cur[a]
        xa = NULL if D.kind == PZ_GRAM else _col_values(D, j, v)
        mf = nt.m     # rows in the factor now
        # forward solve L l = H[frow, j]
        for r in range(mf):
            l[r] = _hess_entry(D, j, xa, nt.frow[r])
        for r in range(mf):
            h = l[r]
            for q in range(r):
                h -= L[q * ld + r] * l[q]
            l[r] = h / L[r * ld + r]
        h = _hess_entry(D, j, xa, j) + _l2j(P, j) + nt.mu
        piv = h
        for r in range(mf):
            piv -= l[r] * l[r]
        if not piv > 1e-10 * h:
            nt.m = 0
            return False
        for r in range(mf):
            L[r * ld + mf] = l[r]
        L[mf * ld + mf] = sqrt(piv)
        nt.frow[mf] = j
        nt.m = mf + 1
    memcpy(nt.supp, nt.cur, m * sizeof(Py_ssize_t))
    return nt.m == m


cdef bint _chol_delete(double *L, Py_ssize_t ld, Py_ssize_t m, Py_ssize_t q) noexcept nogil:
    """Downdate: L L^T = H (m x m, L lower, column-major, leading dimension
    ld) becomes the factor of H without row and column q, in place, O(m^2).

    Removing row q of L leaves an (m-1) x m matrix whose rows below q reach
    one column past the diagonal; Givens rotations of the column pairs
    (c, c+1), c = q .. m-2, from the right restore the triangle and empty the
    last column (Golub & Van Loan, Matrix Computations, 4th ed., 6.5.4).
    False if a diagonal entry vanished (the smaller H is singular).
    """
    cdef Py_ssize_t i, j, c
    cdef double a, b, r, cs, sn, x, y
    for j in range(m):
        for i in range(q + 1 if q + 1 > j else j, m):
            L[j * ld + i - 1] = L[j * ld + i]
    for c in range(q, m - 1):
        a = L[c * ld + c]
        b = L[(c + 1) * ld + c]
        r = sqrt(a * a + b * b)
        if not r > 0.0:
            return False
        cs = a / r
        sn = b / r
        for i in range(c, m - 1):
            x = L[c * ld + i]
            y = L[(c + 1) * ld + i]
            L[c * ld + i] = cs * x + sn * y
            L[(c + 1) * ld + i] = cs * y - sn * x
    return True


cdef bint _newton_chain(newton_t *nt, const floating *w, Py_ssize_t m,
                        const pen_t *P) noexcept nogil:
    """Safeguarded Newton steps on the sign-fixed quadratic Q of the support.

    Input: nt.chol, the factor of H (+ nt.mu I) for the features nt.cur[pos[r]]
    of its nt.m rows, nt.rhs = -grad Q there, nt.delta = 0.  Each link solves
    for the (shifted) Newton direction d, takes the longest step t <= 1 along
    it that keeps every penalised sign and every bound, and if a coordinate
    blocked it (t < 1), fixes that coordinate (at 0 or at its bound), removes
    it from the factor (_chol_delete, O(m^2)), updates -grad Q by -H(t d) from
    the factor and goes on with the smaller support: an active-set descent on
    Q in which each link decreases Q, which equals F on the orthant (as in
    the homotopy drop step, Osborne, Presnell & Turlach 2000).  It ends with
    a full step (the minimiser of Q on the remaining support) or after m
    links.  The changes are accumulated in nt.delta (exact values of blocked
    coordinates in nt.fix); the caller applies them and keeps them only if F
    decreased.  False if no step was possible.
    """
    cdef Py_ssize_t r, k, j, q, link, mf = nt.m, ld = nt.ld, blocker
    cdef double t, tk, v, vn, lo, hi, bound, stop_at, u
    cdef double *L = nt.chol
    cdef double *d = nt.step
    cdef int mm, one = 1, lda = <int>ld, info = 0
    cdef char uplo = b'L'
    cdef bint moved = False
    for link in range(m):
        for r in range(mf):
            d[r] = nt.rhs[r]
        mm = <int>mf
        dpotrs(&uplo, &mm, &one, L, &lda, d, &mm, &info)
        if info != 0:
            break
        t = 1.0
        blocker = -1
        stop_at = 0.0
        for r in range(mf):
            k = nt.pos[r]
            j = nt.cur[k]
            v = w[j] + nt.delta[k]
            vn = v + d[r]
            if vn * v <= 0.0 and _l1j(P, j) > 0.0:
                tk = -v / d[r]
                if tk < t:
                    t, blocker, stop_at = tk, r, 0.0
            else:
                lo = _loj(P, j)
                hi = _hij(P, j)
                if vn < lo or vn > hi:
                    bound = lo if vn < lo else hi
                    tk = (bound - v) / d[r]
                    if tk < t:
                        t, blocker, stop_at = tk, r, bound
        if not t > 0.0 or not isfinite(t):
            break
        # the applied change u = t d (exact for the blocker), then -grad Q -= H u
        for r in range(mf):
            k = nt.pos[r]
            if r == blocker:
                u = stop_at - (w[nt.cur[k]] + nt.delta[k])
                nt.fix[k] = stop_at
            else:
                u = t * d[r]
            nt.delta[k] += u
            d[r] = u
        moved = True
        if blocker < 0:
            break
        _chol_hmul(L, ld, mf, nt.mu, d, nt.rhs)
        if not _chol_delete(L, ld, mf, blocker):
            nt.m = 0
            return moved
        for r in range(blocker, mf - 1):
            nt.rhs[r] = nt.rhs[r + 1]
            nt.pos[r] = nt.pos[r + 1]
        mf -= 1
        nt.m = mf
        if mf == 0:
            break
    return moved


cdef void _chol_hmul(const double *L, Py_ssize_t ld, Py_ssize_t m, double mu,
                     double *u, double *rhs) noexcept nogil:
    """rhs -= H u with H = L L^T - mu I (L lower, column-major, leading
    dimension ld); u is overwritten with L^T u."""
    cdef Py_ssize_t i, j
    cdef double acc
    cdef double *v = u
    # v = L^T u in place: v_j = sum_{i >= j} L_ij u_i, ascending j reads only u_i, i >= j
    # (the mu u term is taken first, before u is overwritten)
    for i in range(m):
        rhs[i] += mu * u[i]
    for j in range(m):
        acc = 0.0
        for i in range(j, m):
            acc += L[j * ld + i] * v[i]
        v[j] = acc
    # rhs -= L v
    for j in range(m):
        for i in range(j, m):
            rhs[i] -= L[j * ld + i] * v[j]


cdef inline double _epochs_left(double gap, double gap_prev, double target,
                                Py_ssize_t gap_freq) noexcept nogil:
    """Epochs coordinate descent still needs to take the gap from ``gap`` to
    ``target`` if it keeps the linear rate of the last ``gap_freq`` epochs
    (gap_prev -> gap); 0 when there is no rate yet, at most 100 gap checks."""
    cdef double cap = 100.0 * gap_freq
    if not (gap_prev < INFINITY and gap > target and target > 0.0):
        return 0.0
    if not gap < gap_prev:
        return cap
    return fmin(cap, gap_freq * log(gap / target) / log(gap_prev / gap))


cdef bint _newton_step(const design_t *D, floating *w, floating *res, double *shift,
                       const floating *target, double yy, double primal,
                       const Py_ssize_t *ws, Py_ssize_t ws_size, const pen_t *P,
                       Py_ssize_t epochs_spent, workspace_t *wk, double gap,
                       double inner_tol, Py_ssize_t gap_freq) noexcept nogil:
    """Try one Newton step on the support (see newton_t); True if taken.

    The support is the non-zeros strictly inside their box (those at a
    non-zero bound stay fixed); the step is cut where a penalised
    coordinate changes sign or a coordinate reaches its bound, the
    blocking coordinate is set exactly to that value, and the step goes on
    on the smaller support (_newton_chain).  A singular H (|S| >= n, or
    collinear columns) is factored shifted (_chol_shifted).

    Needs wk.corr[PT_CURRENT] fresh for the support (a gap check just ran).
    Taken only when the support equals the one at the previous check and
    the factor can follow the support cheaply (_factor_update), or building
    H costs no more than the ``epochs_spent`` so far on this subproblem (so
    it at most doubles the work) or than the epochs coordinate descent is
    predicted to need at the rate of the last check (``gap`` and the
    previous check's, against ``inner_tol``); reverted if the objective did
    not decrease (rounding on a nearly singular H).
    """
    cdef newton_t *nt = &wk.nt
    cdef Py_ssize_t k, j, m = 0, nnz_s = 0, nnz_ws = 0
    cdef double t = 1.0, tk, sj, wn, build, epoch, p_new, lo, hi, stop_at = 0.0, bound
    cdef const double *corr = wk.corr[PT_CURRENT]
    cdef int mm, one = 1, info = 0
    cdef char uplo = b'L'
    cdef Py_ssize_t m_new, r, lo_k, hi_k
    cdef double gap_prev = nt.last_gap
    if not nt.enabled:
        return False
    nt.last_gap = gap
    for k in range(ws_size):
        j = ws[k]
        if w[j] != 0.0 and w[j] != _loj(P, j) and w[j] != _hij(P, j):
            if m == nt.cap:
                nt.m_prev = 0
                return False
            nt.cur[m] = j
            m += 1
    if m == 0:
        nt.m_prev = 0
        return False
    qsort(nt.cur, m, sizeof(Py_ssize_t), _cmp_index)
    if nt.require_stable and (m != nt.m_prev or
                              memcmp(nt.cur, nt.prev, m * sizeof(Py_ssize_t)) != 0):
        memcpy(nt.prev, nt.cur, m * sizeof(Py_ssize_t))
        nt.m_prev = m
        return False
    if ((m != nt.m or memcmp(nt.cur, nt.supp, m * sizeof(Py_ssize_t)) != 0)
            and not _factor_update(D, nt, m, P, res)):
        # cost of building and factoring H against the epochs it may save
        if D.kind == PZ_DENSE:
            build = <double>m * m * D.n
            epoch = 2.0 * ws_size * D.n
        elif D.kind == PZ_GRAM:
            build = <double>m * m
            epoch = 2.0 * ws_size * D.p
        else:
            for k in range(m):
                nnz_s += _csc_start(D, nt.cur[k] + 1) - _csc_start(D, nt.cur[k])
            for k in range(ws_size):
                nnz_ws += _csc_start(D, ws[k] + 1) - _csc_start(D, ws[k])
            build = <double>m * (nnz_s + D.n)
            epoch = 2.0 * nnz_ws
        build += <double>m * m * m / 3.0
        # ski rental (the epochs spent so far pay for the build), or the epochs
        # coordinate descent is still predicted to need at the gap's last rate
        if build > fmax(<double>(epochs_spent - nt.built_at),
                        _epochs_left(gap, gap_prev, inner_tol, gap_freq)) * epoch:
            return False
        nt.built_at = epochs_spent
        _factor_support(D, nt, m, P, res)
    if nt.failed:
        return False
    # Newton direction: H d = -grad Q(w_S) = corr_S - l2_j w_S - l1_j s_S
    for k in range(m):
        nt.delta[k] = 0.0
        nt.fix[k] = NAN
    for r in range(m):
        # position of the factor's row r in cur (sorted): binary search
        lo_k = 0
        hi_k = m - 1
        while lo_k < hi_k:
            k = (lo_k + hi_k) // 2
            if nt.cur[k] < nt.frow[r]:
                lo_k = k + 1
            else:
                hi_k = k
        nt.pos[r] = lo_k
        j = nt.frow[r]
        sj = 1.0 if w[j] > 0.0 else -1.0
        nt.rhs[r] = corr[j] - _l2j(P, j) * w[j] - _l1j(P, j) * sj
    if not _newton_chain(nt, w, m, P):
        if nt.m != m:
            nt.m = 0
        return False
    for k in range(m):
        j = nt.cur[k]
        wn = nt.delta[k]
        if wn != 0.0:
            _apply_update(D, j, wn, res, shift)
            w[j] = <floating>(w[j] + wn)
    _fold_shift(D, res, shift)
    p_new = _primal_value(D, w, res, target, yy, P)
    if not p_new < primal:
        for k in range(m):
            j = nt.cur[k]
            if nt.delta[k] != 0.0:
                _apply_update(D, j, -nt.delta[k], res, shift)
                w[j] = <floating>(w[j] - nt.delta[k])
        _fold_shift(D, res, shift)
        if nt.m != m:
            nt.m = 0     # the factor was downdated for a support w does not have
        return False
    for k in range(m):
        if not isnan(nt.fix[k]):
            w[nt.cur[k]] = <floating>nt.fix[k]
    # the factor now belongs to the support left after the chain's drops (kept
    # for the next check); that support is also the one the stability test sees
    m_new = 0
    for r in range(nt.m):
        nt.frow[r] = nt.cur[nt.pos[r]]
    for k in range(m):
        if isnan(nt.fix[k]):
            nt.prev[m_new] = nt.cur[k]
            m_new += 1
    nt.m_prev = m_new
    if nt.m == m_new:
        memcpy(nt.supp, nt.prev, m_new * sizeof(Py_ssize_t))
    else:
        nt.m = 0
    wk.ex.count = 0    # the iterates jumped: restart the extrapolation history
    return True


# ---------------------------------------------------------------------------
# Working-set selection helpers
# ---------------------------------------------------------------------------

cdef struct keyed_t:
    double key
    Py_ssize_t j


cdef inline bint _keyed_less(keyed_t a, keyed_t b) noexcept nogil:
    return a.key < b.key or (a.key == b.key and a.j < b.j)


cdef void _heap_sift_down(keyed_t *h, Py_ssize_t size, Py_ssize_t i) noexcept nogil:
    """Restore the max-heap order below node i."""
    cdef Py_ssize_t c
    cdef keyed_t t
    while True:
        c = 2 * i + 1
        if c >= size:
            return
        if c + 1 < size and _keyed_less(h[c], h[c + 1]):
            c += 1
        if not _keyed_less(h[i], h[c]):
            return
        t = h[i]; h[i] = h[c]; h[c] = t
        i = c


cdef int _cmp_index(const void *a, const void *b) noexcept nogil:
    cdef Py_ssize_t ia = (<const Py_ssize_t *>a)[0], ib = (<const Py_ssize_t *>b)[0]
    return (ia > ib) - (ia < ib)


cdef inline uint64_t _xorshift(uint64_t *state) noexcept nogil:
    cdef uint64_t x = state[0]
    x ^= x << 13
    x ^= x >> 7
    x ^= x << 17
    state[0] = x
    return x


cdef void _shuffle(Py_ssize_t *a, Py_ssize_t m, uint64_t *rng) noexcept nogil:
    cdef Py_ssize_t i, k, t
    for i in range(m - 1, 0, -1):
        k = <Py_ssize_t>(_xorshift(rng) % <uint64_t>(i + 1))
        t = a[i]
        a[i] = a[k]
        a[k] = t


# ---------------------------------------------------------------------------
# The solver
# ---------------------------------------------------------------------------

cdef double _cd_epoch(const design_t *D, floating *w, floating *res, double *shift,
                      const Py_ssize_t *idx, Py_ssize_t m, const pen_t *P) noexcept nogil:
    """One pass of exact coordinate minimisation over the features idx[:m].

    Returns the stored entries of X read by its residual updates (see
    _col_entries; the column products read _set_entries(idx[:m]))."""
    cdef Py_ssize_t k, j
    cdef double L, wj, z, new, upd = 0.0
    for k in range(m):
        j = idx[k]
        L = D.col_sqnorm[j]
        if L <= 0.0:
            continue
        wj = w[j]
        z = _col_corr(D, j, res, shift[0]) + L * wj
        new = _enet_prox(z, L, _l1j(P, j), _l2j(P, j), _loj(P, j), _hij(P, j))
        if new != wj:
            _apply_update(D, j, new - wj, res, shift)
            w[j] = <floating>new
            upd += _col_entries(D, j)
    return upd


cdef bint _interrupted() noexcept nogil:
    """True if a signal handler raised (Ctrl-C); the exception is cleared here
    and re-raised as KeyboardInterrupt by the Python entry point."""
    cdef int rc
    with gil:
        rc = PyErr_CheckSignals()
        if rc != 0:
            PyErr_Clear()
    return rc != 0


cdef struct solve_info_t:
    bint interrupted
    double gap
    double rounding     # the part of gap that is rounding (see dual_t.rnd)
    double primal
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
    Py_ssize_t n_outer
    Py_ssize_t n_newton
    # work counters, in stored entries of X read (see _col_entries; DENSE/CSC)
    Py_ssize_t n_full       # correlation passes over the candidates (outer gap checks)
    double full_cols        # columns read by them
    double full_entries
    double ws_cols          # columns read by the working-set column products
    double ws_entries       #   (epochs and the subproblem's gap checks)
    double axpy_entries     # entries read by residual updates and refreshes


cdef inline double _reach(double v, double e, double lo, double hi) noexcept nogil:
    """Largest x_j.theta the optimality conditions could use, in the directions
    the box allows (up if hi > 0, down if lo < 0), for x_j.theta within e of v."""
    if lo < 0.0:
        if hi > 0.0:
            return fabs(v) + e
        return e - v
    return v + e


cdef Py_ssize_t _screen(const design_t *D, floating *w, floating *res, double *shift,
                        Py_ssize_t *cand, Py_ssize_t n_cand, const double *corr,
                        const floating *w_pt, double scale, double e_free, double gap_aug,
                        const pen_t *P) noexcept nogil:
    """Gap-safe sphere test (Fercoq et al. 2015; Ndiaye et al. 2017).

    The dual optimum lies within sqrt(2 * gap_aug) of theta = scale * r, so
    |x_j^T theta| + ||x_j|| sqrt(2 gap_aug) < l1_j proves w_j = 0 at the
    optimum (augmented columns for the elastic net; only the sign the box
    allows counts; x_j^T theta widened by the free block's projection, see
    _dual_point).  Removes such j from cand, zeroing them in w; returns the
    new number of candidates.  Free features are kept.
    """
    cdef Py_ssize_t k, j, m = 0
    cdef double v, l2j, radius = sqrt(2.0 * gap_aug) if gap_aug > 0.0 else 0.0
    for k in range(n_cand):
        j = cand[k]
        if _is_free(P, j):
            cand[m] = j
            m += 1
            continue
        l2j = _l2j(P, j)
        v = _reach(scale * (corr[j] - l2j * w_pt[j]),
                   scale * sqrt(D.col_sqnorm[j]) * e_free if e_free > 0.0 else 0.0,
                   _loj(P, j), _hij(P, j))
        if v + sqrt(D.col_sqnorm[j] + l2j) * radius < _l1j(P, j):
            if w[j] != 0.0:
                _apply_update(D, j, -w[j], res, shift)
                w[j] = 0.0
        else:
            cand[m] = j
            m += 1
    return m


cdef Py_ssize_t _select_working_set(const design_t *D, const floating *w,
                                    const Py_ssize_t *cand, Py_ssize_t n_cand,
                                    const double *corr, const floating *w_pt,
                                    double scale, const pen_t *P,
                                    Py_ssize_t ws_size, workspace_t *wk) noexcept nogil:
    """The ws_size candidates closest to their dual constraint, free features and
    non-zeros first.

    Distance of feature j: (l1_j - |x_j^T theta|) / ||x_j|| (Celer's ranking;
    augmented norm, only the signs the box allows).
    The ws_size smallest are kept in a bounded max-heap, O(n_cand log ws_size)
    time and O(ws_size) memory.  The working set wk.ws is returned sorted by
    feature index for memory locality.
    """
    cdef Py_ssize_t k, j, size = 0
    cdef double v, l2j
    cdef keyed_t item, t
    cdef keyed_t *heap
    cdef Py_ssize_t *ws = wk.ws
    if ws_size < n_cand and ws_size > wk.keys_cap:
        heap = <keyed_t *>realloc(wk.keys, ws_size * sizeof(keyed_t))
        if heap == NULL:
            ws_size = n_cand     # no memory to rank: take every candidate
        else:
            wk.keys = heap
            wk.keys_cap = ws_size
    if ws_size >= n_cand:
        for k in range(n_cand):
            ws[k] = cand[k]
        return n_cand
    heap = wk.keys
    for k in range(n_cand):
        j = cand[k]
        item.j = j
        if _is_free(P, j):
            item.key = -2.0
        elif w[j] != 0.0:
            item.key = -1.0
        else:
            l2j = _l2j(P, j)
            v = _reach(scale * (corr[j] - l2j * w_pt[j]), 0.0, _loj(P, j), _hij(P, j))
            item.key = (_l1j(P, j) - v) / sqrt(D.col_sqnorm[j] + l2j)
        if size < ws_size:
            # sift up
            j = size
            size += 1
            heap[j] = item
            while j > 0 and _keyed_less(heap[(j - 1) // 2], heap[j]):
                t = heap[j]; heap[j] = heap[(j - 1) // 2]; heap[(j - 1) // 2] = t
                j = (j - 1) // 2
        elif _keyed_less(item, heap[0]):
            heap[0] = item
            _heap_sift_down(heap, size, 0)
    for k in range(ws_size):
        ws[k] = heap[k].j
    qsort(ws, ws_size, sizeof(Py_ssize_t), _cmp_index)
    return ws_size


cdef void _store_certificate(workspace_t *wk, int point, Py_ssize_t n_res,
                             Py_ssize_t p, floating *dummy) noexcept nogil:
    """Copy the dual point ``point`` into the certificate slot (PT_CERT)."""
    cdef const floating *src_r
    cdef const floating *src_w
    cdef floating *dst_r = <floating *>wk.pt_res[PT_CERT]
    cdef floating *dst_w = <floating *>wk.pt_w[PT_CERT]
    cdef Py_ssize_t i
    if point == PT_CERT:
        return
    if point == PT_EXTRAP:
        src_r, src_w = <const floating *>wk.ex.res_acc, <const floating *>wk.ex.w_acc
    else:
        src_r, src_w = <const floating *>wk.pt_res[PT_CURRENT], <const floating *>wk.pt_w[PT_CURRENT]
    for i in range(n_res):
        dst_r[i] = src_r[i]
    for i in range(p):
        dst_w[i] = src_w[i]
    wk.has_cert = True


cdef solve_info_t _solve(const design_t *D, floating *w, floating *res,
                         const floating *target, double yy,
                         const pen_t *P, double tol_abs,
                         Py_ssize_t max_epochs, bint screening, bint use_ws,
                         Py_ssize_t p0, bint prune, double l1_prev, double inner_ratio,
                         Py_ssize_t gap_freq,
                         bint shuffle, uint64_t *rng, workspace_t *wk) noexcept nogil:
    """Elastic-net coordinate descent with working sets, screening and extrapolation.

    Outer loop (Massias, Gramfort, Salmon 2018, "Celer"): compute the duality
    gap over the features still in play, from the best of three dual points
    (current residual, its extrapolation, the certificate carried in from the
    previous alpha, rescaled for the new one); stop if gap <= tol_abs; discard
    what the gap-safe test proves inactive; rank the rest by distance to the
    dual constraint and run coordinate descent on the closest ``ws_size``
    (p0 first, then 2 * nnz(w) -- Celer's pruning -- or double the previous
    size when the gap stalls; the strong set on a path) until the
    subproblem's gap, checked every ``gap_freq`` epochs, falls below 0.3 times
    the outer gap.  On exit the certificate slot holds the dual point that
    certified the returned gap.  Per-feature penalties, boxes and the free
    block follow ``P`` (see pen_t); features with the box [0, 0] (excluded)
    and constant columns are never candidates; free features are in every
    working set and are never screened.
    """
    cdef solve_info_t info
    cdef gap_t g, gi
    cdef double shift = 0.0, inner_tol, prev_gap = INFINITY, l1 = P.l1, thr
    cdef double best_out = INFINITY, best_in, ws_ent
    cdef Py_ssize_t stall_out = 0, stall_in
    cdef Py_ssize_t p = D.p, j, k, n_cand = 0, n_nnz, ws_size = 0, m, ep
    cdef Py_ssize_t n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef bint all_in = False, heavy, carry
    cdef const floating *w_pt
    cdef const double *c_pt

    info.interrupted = False
    info.rounding = 0.0
    info.n_epochs = 0
    info.n_screened = 0
    info.n_outer = 0
    info.n_newton = 0
    info.n_full = 0
    info.full_cols = 0.0
    info.full_entries = 0.0
    info.ws_cols = 0.0
    info.ws_entries = 0.0
    info.axpy_entries = 0.0
    wk.cert_corr_ok = False
    wk.cur_corr_ok = False
    wk.cert_fresh = False
    carry = (wk.carry != NULL and P.n_free == 0 and P.n_relax == 0 and D.kind != PZ_GRAM)
    wk.carry_out = False
    if carry and wk.carry_in:
        for j in range(p):
            wk.corr[PT_CURRENT][j] = wk.carry[j]
        wk.cur_corr_ok = True
    _track(&wk.ex, NULL, 0)
    wk.nt.m = 0
    wk.nt.m_prev = 0
    wk.nt.built_at = 0
    for j in range(p):
        if P.lo != NULL and P.hi != NULL and P.lo[j] == 0.0 and P.hi[j] == 0.0:
            if w[j] != 0.0:      # excluded feature
                _apply_update(D, j, -w[j], res, &shift)
                w[j] = 0.0
        elif D.col_sqnorm[j] > 0.0:
            wk.cand[n_cand] = j
            n_cand += 1
        elif w[j] != 0.0:
            w[j] = 0.0   # no effect on the residual: the centred column is 0

    while True:
        g = _duality_gap(D, w, res, &shift, target, yy, P,
                         wk.cand, n_cand, wk, info.n_epochs, True)
        info.n_full += g.n_points
        info.full_cols += <double>g.n_points * n_cand
        info.full_entries += g.dot_entries
        info.axpy_entries += g.axpy_entries
        info.gap = g.gap
        info.primal = g.primal
        info.rounding = g.rnd
        if g.gap <= tol_abs and carry:
            ws_ent = _carry_out(D, res, <const floating *>wk.rlo[PT_CURRENT]
                                if floating is float else NULL, wk.cand, n_cand, wk)
            info.full_entries += ws_ent
            info.full_cols += p - n_cand
            wk.carry_out = True
        if g.gap <= tol_abs or info.n_epochs >= max_epochs or info.interrupted:
            break
        if g.gap - g.rnd <= tol_abs:
            # only the rounding bound stands above the target: more epochs cannot
            # lower it (the caller reports an uncertified fit, see enet_solve)
            break
        # at the dtype's rounding floor F stops decreasing: after 5 outer rounds
        # that each solved the whole problem (working set = every candidate)
        # without a decrease beyond 16 ulps, stop
        if best_out == INFINITY or g.primal < best_out - 16.0 * _unit_roundoff(w) * fabs(best_out):
            best_out = g.primal
            stall_out = 0
        elif info.n_outer > 0 and all_in:
            stall_out += 1
            if stall_out >= 5:
                break
        info.n_outer += 1
        if g.aug_point == PT_EXTRAP:
            w_pt = <const floating *>wk.ex.w_acc
        else:
            w_pt = <const floating *>wk.pt_w[g.aug_point]
        c_pt = wk.corr[g.aug_point]

        if screening and l1 > 0.0:
            m = _screen(D, w, res, &shift, wk.cand, n_cand, c_pt, w_pt, g.scale,
                        g.e_free, g.gap_aug, P)
            info.n_screened += n_cand - m
            n_cand = m

        n_nnz = 0
        for k in range(n_cand):
            if w[wk.cand[k]] != 0.0:
                n_nnz += 1
        if use_ws and l1 > 0.0:
            if ws_size == 0 and l1_prev > l1 and wk.has_cert:
                # sequential strong rule (Tibshirani et al. 2012): features with
                # |x_j^T r(prev alpha)| < (2 l1 - l1_prev) f1_j are unlikely to enter
                ws_size = n_nnz
                for k in range(n_cand):
                    j = wk.cand[k]
                    thr = 2.0 * l1 - l1_prev
                    if P.f1 != NULL:
                        thr *= P.f1[j]
                    if w[j] == 0.0 and fabs(wk.corr[PT_CERT][j]) >= thr:
                        ws_size += 1
                if ws_size < 1:
                    ws_size = 1
            elif prune and ws_size > 0 and not g.gap > 0.5 * prev_gap:
                # Celer's pruning: twice the support, so epochs stay cheap;
                # when the gap stalls (less than halved) the set doubles instead
                ws_size = 2 * n_nnz if 2 * n_nnz > p0 else p0
            else:
                ws_size = p0 if ws_size == 0 else 2 * ws_size
                if ws_size < 2 * n_nnz:
                    ws_size = 2 * n_nnz
            if ws_size < P.n_free + 1:
                ws_size = P.n_free + 1    # the free block and at least one more
        else:
            ws_size = n_cand
        ws_size = _select_working_set(D, w, wk.cand, n_cand, c_pt, w_pt, g.scale, P,
                                      ws_size, wk)
        prev_gap = g.gap
        all_in = ws_size == n_cand
        # once the set covers every candidate the subproblem is the problem
        inner_tol = tol_abs if all_in else inner_ratio * g.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        if wk.extrapolate:
            _track(&wk.ex, wk.ws, ws_size)
        wk.nt.built_at = 0
        wk.nt.last_gap = INFINITY

        # look for Ctrl-C at every gap check, and every epoch when one is long
        heavy = ws_size * (D.p if D.kind == PZ_GRAM else D.n) > 1000000
        ws_ent = _set_entries(D, wk.ws, ws_size)
        ep = 0
        best_in = INFINITY
        stall_in = 0
        while info.n_epochs < max_epochs:
            if shuffle:
                _shuffle(wk.ws, ws_size, rng)
            info.axpy_entries += _cd_epoch(D, w, res, &shift, wk.ws, ws_size, P)
            info.ws_cols += ws_size
            info.ws_entries += ws_ent
            info.n_epochs += 1
            ep += 1
            if (heavy or ep % gap_freq == 0) and _interrupted():
                info.interrupted = True
                break
            if ep % gap_freq == 0:
                gi = _duality_gap(D, w, res, &shift, target, yy, P,
                                  wk.ws, ws_size, wk, info.n_epochs, False)
                info.ws_cols += <double>gi.n_points * ws_size
                info.ws_entries += gi.dot_entries
                info.axpy_entries += gi.axpy_entries
                if gi.gap <= inner_tol:
                    break
                # F not lower in 50 checks: the subproblem is at its rounding floor
                if best_in == INFINITY or gi.primal < best_in - 16.0 * _unit_roundoff(w) * fabs(best_in):
                    best_in = gi.primal
                    stall_in = 0
                else:
                    stall_in += 1
                    if stall_in >= 50:
                        break
                if _newton_step(D, w, res, &shift, target, yy, gi.primal, wk.ws, ws_size,
                                P, ep, wk, gi.gap, inner_tol, gap_freq):
                    info.n_newton += 1
                    # the step may have solved the subproblem: check at once
                    gi = _duality_gap(D, w, res, &shift, target, yy, P,
                                      wk.ws, ws_size, wk, info.n_epochs, False)
                    info.ws_cols += <double>gi.n_points * ws_size
                    info.ws_entries += gi.dot_entries
                    info.axpy_entries += gi.axpy_entries
                    if gi.gap <= inner_tol:
                        break
    _fold_shift(D, res, &shift)
    _store_certificate(wk, g.best_point, n_res, p, res)
    return info


# ---------------------------------------------------------------------------
# Column statistics
# ---------------------------------------------------------------------------

cdef inline double _csc_weight_count(const design_t *D, const floating *s,
                                     Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    """sum of s_i over the stored rows of a CSC column (b - a without weights)."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    if s == NULL:
        return <double>(b - a)
    for k in range(a, b):
        if D.index64:
            acc += s[(<const int64_t *>D.indices)[k]]
        else:
            acc += s[(<const int32_t *>D.indices)[k]]
    return acc


cdef void _column_stats(const design_t *D, const floating *s, double *mean,
                        double *sqnorm, bint center) noexcept nogil:
    """Weighted means and centred squared norms of every column, no copy of X."""
    cdef Py_ssize_t j, a, b
    cdef double m, sw_nnz
    cdef const floating *x
    for j in range(D.p):
        m = 0.0
        if D.kind == PZ_DENSE:
            x = <const floating *>D.X + j * D.n
            if floating is float:
                if center:
                    m = pz_dense_wsum_f(D.n, x, s) / D.sw_sum
                sqnorm[j] = pz_dense_wsqdev_f(D.n, x, s, m)
            else:
                if center:
                    m = pz_dense_wsum_d(D.n, x, s) / D.sw_sum
                sqnorm[j] = pz_dense_wsqdev_d(D.n, x, s, m)
        else:
            a = _csc_start(D, j)
            b = _csc_start(D, j + 1)
            x = <const floating *>D.data
            # entries outside the pattern are zeros: they add s_i * m^2
            sw_nnz = _csc_weight_count(D, s, a, b)
            if D.index64:
                if floating is float:
                    if center:
                        m = pz_csc_wsum_f64(x, <const int64_t *>D.indices, a, b, s) / D.sw_sum
                    sqnorm[j] = pz_csc_wsqdev_f64(x, <const int64_t *>D.indices, a, b, s, m)
                else:
                    if center:
                        m = pz_csc_wsum_d64(x, <const int64_t *>D.indices, a, b, s) / D.sw_sum
                    sqnorm[j] = pz_csc_wsqdev_d64(x, <const int64_t *>D.indices, a, b, s, m)
            else:
                if floating is float:
                    if center:
                        m = pz_csc_wsum_f32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s) / D.sw_sum
                    sqnorm[j] = pz_csc_wsqdev_f32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s, m)
                else:
                    if center:
                        m = pz_csc_wsum_d32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s) / D.sw_sum
                    sqnorm[j] = pz_csc_wsqdev_d32(x, <const int32_t *>D.indices, <int32_t>a, <int32_t>b, s, m)
            sqnorm[j] += m * m * (D.sw_sum - sw_nnz)
        mean[j] = m
        if sqnorm[j] < 0.0:
            sqnorm[j] = 0.0


# ---------------------------------------------------------------------------
# Python-facing objects
# ---------------------------------------------------------------------------

def _check_csc_arrays(data, indices, indptr, shape):
    """The public edge of the native loops (O(nnz), numpy): a CSC structure they can
    trust -- 1-D arrays, indptr of length p + 1 from 0, non-decreasing, ending within
    indices and data, row indices in [0, n) -- else ValueError naming the array."""
    n, p = shape
    if data.ndim != 1 or indices.ndim != 1 or indptr.ndim != 1:
        raise ValueError("Design: sparse data, indices and indptr must be 1-D arrays")
    if indptr.shape[0] != p + 1:
        raise ValueError(f"Design: sparse indptr has length {indptr.shape[0]}, "
                         f"expected {p + 1} for a CSC matrix of shape {shape}")
    nnz = int(indptr[-1])
    if int(indptr[0]) != 0 or nnz > indices.shape[0] or nnz > data.shape[0]:
        raise ValueError("Design: sparse indptr must start at 0 and end within indices "
                         "and data (a corrupt or truncated matrix)")
    if p > 0 and np.any(np.diff(indptr) < 0):
        raise ValueError("Design: sparse indptr must be non-decreasing (a corrupt matrix)")
    if nnz > 0:
        used = indices[:nnz]
        if int(used.min()) < 0 or int(used.max()) >= n:
            raise ValueError(f"Design: sparse indices must lie in [0, {n}) (a corrupt "
                             "matrix: a row index is negative or out of range)")


cdef class Design:
    """Read-only view of a design matrix for the native solver.

    Built once per (X, sample_weight, fit_intercept); holds the weighted
    column means and centred squared norms, computed without densifying
    sparse X or centring a dense one.

    Parameters
    ----------
    X : ndarray (F-ordered, float32/float64) or scipy.sparse CSC matrix
        Validated by the caller; never modified.
    sample_weight : ndarray of the same dtype or None, summing to n.
    fit_intercept : bool
    gram_n : int or None
        When given, ``X`` is a p x p Gram matrix X_c^T S X_c of a problem with
        ``gram_n`` rows (already centred and weighted).
    """

    def __cinit__(self, X, sample_weight=None, bint fit_intercept=False, gram_n=None):
        cdef Py_ssize_t j
        cdef double[::1] xm, sq
        cdef float *swf
        cdef double *swd
        memset(&self.d, 0, sizeof(design_t))
        self.sample_weight = None
        keep = [X]
        if gram_n is not None:
            arr = np.asarray(X)
            if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or not arr.flags.f_contiguous:
                raise ValueError("Gram matrix must be a square F-contiguous array")
            self.storage = "gram"
            self.d.kind = PZ_GRAM
            self.d.n = int(gram_n)
            self.d.p = arr.shape[1]
            self.d.X = cnp.PyArray_DATA(arr)
            self.dtype = arr.dtype
            self.fit_intercept = False
            self.x_mean = None
            self.col_sqnorm = np.ascontiguousarray(np.diag(arr), dtype=np.float64)
            self.d.sw_sum = float(gram_n)
        elif hasattr(X, "indptr"):
            if X.format != "csc":
                raise ValueError("sparse X must be CSC here")
            data = np.ascontiguousarray(X.data)
            indices = np.ascontiguousarray(X.indices)
            indptr = np.ascontiguousarray(X.indptr)
            if indices.dtype != indptr.dtype:
                itype = np.promote_types(indices.dtype, indptr.dtype)
                indices = indices.astype(itype)
                indptr = indptr.astype(itype)
            if indices.dtype not in (np.int32, np.int64):
                raise ValueError("sparse indices must be int32 or int64")
            _check_csc_arrays(data, indices, indptr, X.shape)
            keep += [data, indices, indptr]
            self.storage = "csc"
            self.d.kind = PZ_CSC
            self.d.index64 = indices.dtype == np.int64
            self.d.n, self.d.p = X.shape
            self.d.data = cnp.PyArray_DATA(data)
            self.d.indices = cnp.PyArray_DATA(indices)
            self.d.indptr = cnp.PyArray_DATA(indptr)
            self.dtype = data.dtype
        else:
            arr = X
            if not isinstance(arr, np.ndarray) or arr.ndim != 2 or not arr.flags.f_contiguous:
                raise ValueError("dense X must be a 2-D F-contiguous ndarray")
            self.storage = "dense"
            self.d.kind = PZ_DENSE
            self.d.n, self.d.p = arr.shape
            self.d.X = cnp.PyArray_DATA(arr)
            self.dtype = arr.dtype
        if self.dtype not in (np.float32, np.float64):
            raise ValueError("X must be float32 or float64")
        if gram_n is None:
            self.fit_intercept = bool(fit_intercept)
            if sample_weight is not None:
                sw = np.ascontiguousarray(sample_weight, dtype=self.dtype)
                if sw.shape != (self.d.n,):
                    raise ValueError("sample_weight has the wrong shape")
                keep.append(sw)
                self.sample_weight = sw
                self.d.sw = cnp.PyArray_DATA(sw)
                self.d.sw_sum = float(np.sum(sw, dtype=np.float64))
            else:
                self.d.sw_sum = float(self.d.n)
            self.x_mean = np.zeros(self.d.p, dtype=np.float64)
            self.col_sqnorm = np.zeros(self.d.p, dtype=np.float64)
            xm = self.x_mean
            sq = self.col_sqnorm
            if self.d.p > 0:
                if self.dtype == np.float32:
                    swf = <float *>self.d.sw
                    _column_stats(&self.d, swf, &xm[0], &sq[0], fit_intercept)
                else:
                    swd = <double *>self.d.sw
                    _column_stats(&self.d, swd, &xm[0], &sq[0], fit_intercept)
            if fit_intercept:
                self.d.x_mean = <const double *>cnp.PyArray_DATA(self.x_mean)
        self.d.col_sqnorm = <const double *>cnp.PyArray_DATA(self.col_sqnorm)
        self._keep = keep

    @property
    def n_samples(self):
        return self.d.n

    @property
    def n_features(self):
        return self.d.p

    @property
    def nnz(self):
        """Stored entries of X (CSC: its nnz; DENSE: n * p; GRAM: 0)."""
        if self.d.kind == PZ_CSC:
            return int(_csc_start(&self.d, self.d.p))
        if self.d.kind == PZ_DENSE:
            return self.d.n * self.d.p
        return 0

    def correlations(self, floating[::1] res, n_threads=None):
        """x_c,j^T S r for every column j (r a centred residual; GRAM: r is g).

        ``n_threads`` an int: the solver's own per-column kernel on that many
        threads (:func:`resolve_threads`; no size threshold: benchmarks/threads.py
        measures the threshold with it), the same bits for any value; None: the
        fastest single call (a BLAS gemv for dense float64 X)."""
        out = np.empty(self.d.p, dtype=np.float64)
        cdef double[::1] o = out
        cdef Py_ssize_t j
        cdef double sr = 0.0
        cdef int nt = 0 if n_threads is None else resolve_threads(n_threads)
        if res.shape[0] != (self.d.p if self.d.kind == PZ_GRAM else self.d.n):
            raise ValueError("correlations: res has the wrong length")
        if self.d.kind == PZ_GRAM:
            for j in range(self.d.p):
                o[j] = res[j]
            return out
        if self.d.x_mean != NULL:
            if self.sample_weight is None:
                sr = float(np.sum(res, dtype=np.float64))
            else:
                sr = float(np.dot(np.asarray(res, dtype=np.float64), self.sample_weight))
        if nt > 0:
            if self.d.p and self.d.n:
                with nogil:
                    _glm_corr_pass(&self.d, NULL, self.d.p, &res[0], sr, &o[0], nt)
            else:
                out[:] = 0.0
            return out
        if self.d.kind == PZ_DENSE and floating is double:
            # one BLAS gemv over the F-ordered X beats a dot per short column
            r = np.asarray(res)
            if self.sample_weight is not None:
                r = r * self.sample_weight
            out = self._keep[0].T @ r
            if self.d.x_mean != NULL:
                out -= sr * np.asarray(self.x_mean)
            return out
        with nogil:
            for j in range(self.d.p):
                o[j] = _centred_wdot(&self.d, j, &res[0], sr)
        return out



cdef bint _workspace_alloc(workspace_t *wk, Py_ssize_t p, Py_ssize_t n_res, Py_ssize_t isz,
                           bint extrapolate, bint accelerate, bint newton,
                           Py_ssize_t newton_cap, bint newton_stable, bint private_cert,
                           bint cert_corr) noexcept nogil:
    """Allocate the solver's buffers for p features and residuals of length n_res.

    ``private_cert``: the certificate slot is owned here (else the caller
    points pt_res/pt_w[PT_CERT] at its arrays); ``cert_corr``: a carried-in
    certificate needs its own correlation buffer.  False if out of memory
    (what was allocated is still released by ``_workspace_free``).
    """
    cdef int k
    memset(wk, 0, sizeof(workspace_t))
    wk.extrapolate = extrapolate
    wk.accelerate = accelerate and extrapolate
    wk.cand = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.ws = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.racc = <double *>malloc((2 * n_res + 1) * sizeof(double))
    if isz == sizeof(float):
        for k in range(3):
            wk.rlo[k] = malloc((n_res + 1) * isz)
    for k in range(3 if cert_corr else 2):
        wk.corr[k] = <double *>malloc((p + 1) * sizeof(double))
    if private_cert:
        wk.pt_res[PT_CERT] = malloc((n_res + 1) * isz)
        wk.pt_w[PT_CERT] = malloc((p + 1) * isz)
    wk.nt.enabled = newton and newton_cap > 0
    wk.nt.require_stable = newton_stable
    if wk.nt.enabled:
        wk.nt.cap = newton_cap if newton_cap < p else p
        wk.nt.supp = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.prev = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.cur = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.chol = <double *>malloc((wk.nt.cap * wk.nt.cap + 1) * sizeof(double))
        wk.nt.step = <double *>malloc((wk.nt.cap + 1) * sizeof(double))
        wk.nt.col = malloc((n_res + 1) * isz)
        wk.nt.diag = <double *>malloc((4 * wk.nt.cap + 1) * sizeof(double))
        wk.nt.pos = <Py_ssize_t *>malloc((2 * wk.nt.cap + 1) * sizeof(Py_ssize_t))
        if wk.nt.pos != NULL:
            wk.nt.frow = wk.nt.pos + wk.nt.cap
        if wk.nt.diag != NULL:
            wk.nt.rhs = wk.nt.diag + wk.nt.cap
            wk.nt.delta = wk.nt.rhs + wk.nt.cap
            wk.nt.fix = wk.nt.delta + wk.nt.cap
    if extrapolate:
        wk.ex.hist_res = malloc((EXTRAP_K + 1) * (n_res + 1) * isz)
        wk.ex.res_acc = malloc((n_res + 1) * isz)
        wk.ex.w_acc = malloc((p + 1) * isz)
    return not (wk.cand == NULL or wk.ws == NULL or wk.racc == NULL or wk.corr[0] == NULL
                or (isz == sizeof(float) and (wk.rlo[0] == NULL or wk.rlo[1] == NULL
                                              or wk.rlo[2] == NULL))
                or wk.corr[1] == NULL or (cert_corr and wk.corr[2] == NULL)
                or (private_cert and (wk.pt_res[PT_CERT] == NULL or wk.pt_w[PT_CERT] == NULL))
                or (wk.nt.enabled and (wk.nt.supp == NULL or wk.nt.prev == NULL
                                       or wk.nt.cur == NULL or wk.nt.chol == NULL
                                       or wk.nt.step == NULL or wk.nt.col == NULL
                                       or wk.nt.diag == NULL or wk.nt.pos == NULL))
                or (extrapolate and (wk.ex.hist_res == NULL
                                     or wk.ex.res_acc == NULL or wk.ex.w_acc == NULL)))


cdef void _workspace_free(workspace_t *wk, bint private_cert) noexcept nogil:
    cdef int k
    free(wk.cand); free(wk.ws); free(wk.keys); free(wk.racc)
    free(wk.rlo[0]); free(wk.rlo[1]); free(wk.rlo[2])
    for k in range(3):
        free(wk.corr[k])
    if private_cert:
        free(wk.pt_res[PT_CERT]); free(wk.pt_w[PT_CERT])
    free(wk.ex.hist_res); free(wk.ex.hist_val); free(wk.ex.hist_ix); free(wk.ex.res_acc)
    free(wk.ex.w_acc)
    free(wk.nt.supp); free(wk.nt.prev); free(wk.nt.cur); free(wk.nt.chol)
    free(wk.nt.step); free(wk.nt.col); free(wk.nt.diag); free(wk.nt.pos)
    memset(wk, 0, sizeof(workspace_t))


def openmp_max_threads():
    """omp_get_max_threads() in the calling thread (1 when built without OpenMP): the
    most threads a fit's full passes use there (see :func:`resolve_threads`)."""
    return int(pz_omp_max_threads())


def openmp_enabled():
    """Whether the extension was built with OpenMP (else every fit uses one thread)."""
    return bool(PZ_HAVE_OPENMP)


def resolve_threads(n_threads, name="n_threads"):
    """The threads one fit's full passes over X use for the argument ``n_threads``.

    1 or None: the calling thread only (the default everywhere).  k > 1: up to k,
    capped by OpenMP's limit in the calling thread (omp_get_max_threads(): the CPUs,
    OMP_NUM_THREADS, or a ``threadpoolctl.threadpool_limits(..., user_api="openmp")``).
    -1: that limit; -m (m > 1): the limit + 1 - m, at least 1 (joblib's convention).
    Always 1 when the extension was built without OpenMP.  A pass smaller than the
    measured threshold of ``_pass_threads`` runs on the calling thread anyway.
    Raises TypeError (not an integer) or ValueError (0), naming ``name``.
    """
    if n_threads is None:
        return 1
    if isinstance(n_threads, (bool, np.bool_)) or not isinstance(n_threads, (int, np.integer)):
        raise TypeError(f"{name} must be an integer (>= 1, or -1 for OpenMP's limit) or "
                        f"None, got {n_threads!r} ({type(n_threads).__name__}).")
    n_threads = int(n_threads)
    if n_threads == 0:
        raise ValueError(f"{name} must be >= 1, or negative (-1: OpenMP's limit), "
                         f"got {n_threads}.")
    most = max(1, int(pz_omp_max_threads()))
    if n_threads < 0:
        return max(1, most + 1 + n_threads)
    return min(n_threads, most)


def enet_solve(Design design, floating[::1] w, floating[::1] res,
               const floating[::1] target, double yy, double l1, double l2,
               bint positive=False, double tol_abs=0.0, Py_ssize_t max_epochs=1000,
               bint screening=True, bint working_set=True, bint extrapolate=True,
               Py_ssize_t p0=10, Py_ssize_t gap_freq=10, bint shuffle=False,
               uint64_t seed=0, floating[::1] cert_res=None, floating[::1] cert_w=None,
               bint has_cert=False, bint accelerate=True, bint newton=True,
               Py_ssize_t newton_cap=1000, bint newton_stable=True, double l1_prev=0.0,
               double inner_ratio=0.3, bint prune=True, l1_weights=None, l2_weights=None,
               lower=None, upper=None, free_idx=None, free_chol=None, relax_idx=None,
               relax_gram=None, double[::1] corr_carry=None, bint carry_in=False,
               n_threads=1):
    """Minimise the unscaled elastic net F(w) in place (see module docstring).

    With the per-feature options the penalty is sum_j g_j(w_j),
    g_j(u) = l1 f1_j |u| + l2 f2_j / 2 u^2 + indicator_[lo_j, hi_j](u)
    (see ``pen_t``; glmnet's penalty factors and limits, Friedman, Hastie &
    Tibshirani 2010).

    Parameters
    ----------
    design : Design
    w : (p,) coefficients, warm start on entry, solution on exit.
    res : DENSE/CSC: (n,) residual y_c - X_c w for the entry w (updated);
          GRAM: (p,) vector g = X_c^T S (y_c - X_c w) (updated).
    target : DENSE/CSC: (n,) raw y; GRAM: (p,) q = X_c^T S y_c.
    yy : y_c^T S y_c (used by GRAM only).
    l1, l2 : unscaled penalties, n * alpha * l1_ratio and n * alpha * (1 - l1_ratio).
    tol_abs : stop once the duality gap of F is <= tol_abs.
    max_epochs : bound on coordinate-descent passes (over the working set).
    cert_res, cert_w : optional (n_res,), (p,) certificate slot.  On entry,
          if ``has_cert``, a dual candidate r(cert_w) from a previous solve of
          the same data (e.g. the previous alpha of a path); on exit, the
          residual and coefficients whose rescaled residual certified the
          returned gap: gap = F(w) - D(theta(cert_res, cert_w)) (with free or
          relaxed features, theta is that residual projected as described in
          ``_dual_point``, and the gap includes the projection's bound).
    accelerate : accept extrapolated primal iterates when they lower F.
    inner_ratio : a subproblem is solved until its gap is below inner_ratio
          times the outer gap.
    l1_prev : l1 of the previous alpha on a path (with its certificate in
          cert_res/cert_w): the first working set is then the sequential
          strong set instead of the ``p0`` closest features.
    newton, newton_cap : Newton steps on stable supports of at most
          ``newton_cap`` features (see ``newton_t``).
    positive : shorthand for ``lower = 0`` (max(lower, 0) when both are given).
    l1_weights, l2_weights : (p,) float64 f1, f2 >= 0, or None (all ones).
    lower, upper : (p,) float64 bounds with lower <= 0 <= upper (+-inf
          allowed), or None; [0, 0] excludes a feature.  w must be in the box.
    free_idx, free_chol : the free block U (sorted int64 indices of features with
          f1 = f2 = 0 and an unbounded box, all with non-zero columns) and the
          lower Cholesky factor (|U| x |U|, F-ordered float64) of
          X_c,U^T S X_c,U (GRAM: G[U, U]).  Required when such features
          exist: their certificate is the projected dual of ``_dual_point``.
    relax_idx, relax_gram : unpenalized features with a box, or weakly penalized ones
          (optional), and X_c,V^T S X_c,V (F-ordered float64) for V =
          free_idx followed by relax_idx: the relaxed dual of ``_dual_point``.
    corr_carry, carry_in : optional (p,) float64, the correlations x_c,j^T S
          r(w) carried along a path (DENSE/CSC, no free or relaxed features;
          ignored otherwise).  On entry, if ``carry_in``, they must be those
          of the entry w, as a previous call on the same design and target
          returned them with ``carry_out`` True (and w and res not changed
          since): the first gap check then reads no column (and in float64
          does not recompute res, which that call recomputed from w last).  On exit, when the solve
          converged (gap <= tol_abs), they are those of the returned w and
          the result's ``carry_out`` is True (else False, contents undefined).
    n_threads : threads of the outer gap checks' correlation passes over the
          candidates (DENSE/CSC; see :func:`resolve_threads`); the result has the
          same bits for any value.

    Returns
    -------
    dict with gap, primal (unscaled F), n_epochs, n_screened, n_outer,
    n_threaded (the correlation passes that ran on more than one thread), and
    rounding: the part of gap that bounds rounding (float32 storage, a Gram
    matrix's rounding; see ``_dual_point``).  When gap > tol_abs >= gap -
    rounding the solve stopped because the dtype or the Gram matrix cannot
    certify tol_abs.  Work counters (DENSE/CSC; 0 for GRAM): n_full, the
    correlation passes over the candidate features at the outer gap checks
    (one per dual point tried), full_cols / full_entries the columns / stored
    entries of X they read (float32 certifying checks read each column twice,
    its residual's low part included); ws_cols / ws_entries, the same for the
    column products of the working-set epochs and of the subproblem's gap
    checks; axpy_entries, the entries read by coordinate updates of the
    residual and by its recomputations from w.  Not counted: the screening
    test's zeroing of screened non-zeros, the free block's exact update and
    the Newton steps (n_newton of them).  full_entries / nnz(X) is the number
    of X^T r passes BENCHMARKS.md's units measure.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t p = D.p
    cdef Py_ssize_t n_res = p if D.kind == PZ_GRAM else D.n
    cdef solve_info_t info
    cdef uint64_t rng = seed * 2654435761ULL + 88172645463325252ULL
    if floating is float:
        expected = np.float32
    else:
        expected = np.float64
    if np.dtype(design.dtype) != expected:
        raise TypeError("w/res dtype does not match the design dtype %s" % design.dtype)
    if w.shape[0] != p or res.shape[0] != n_res or target.shape[0] != n_res:
        raise ValueError("enet_solve: array lengths do not match the design")
    if l1 < 0 or l2 < 0:
        raise ValueError("penalties must be non-negative")
    if max_epochs < 0 or gap_freq < 1 or p0 < 1:
        raise ValueError("max_epochs >= 0, gap_freq >= 1 and p0 >= 1 are required")
    cdef workspace_t wk
    cdef pen_t pen
    cdef double[::1] f1v, f2v, lov, hiv, cholv, relv
    cdef Py_ssize_t[::1] freev
    cdef Py_ssize_t isz = sizeof(float) if floating is float else sizeof(double)
    if (cert_res is None) != (cert_w is None):
        raise ValueError("cert_res and cert_w go together")
    if cert_res is not None and (cert_res.shape[0] != n_res or cert_w.shape[0] != p):
        raise ValueError("enet_solve: certificate lengths do not match the design")
    memset(&pen, 0, sizeof(pen_t))
    pen.l1 = l1
    pen.l2 = l2
    if positive:
        lower = np.zeros(p) if lower is None else np.maximum(lower, 0.0)
    arrays = {}
    for name, a in (("l1_weights", l1_weights), ("l2_weights", l2_weights),
                    ("lower", lower), ("upper", upper)):
        if a is not None:
            a = np.ascontiguousarray(a, dtype=np.float64)
            if a.shape != (p,):
                raise ValueError(f"enet_solve: {name} must have shape ({p},)")
            arrays[name] = a
    if "l1_weights" in arrays:
        f1v = arrays["l1_weights"]
        pen.f1 = &f1v[0] if p else NULL
    if "l2_weights" in arrays:
        f2v = arrays["l2_weights"]
        pen.f2 = &f2v[0] if p else NULL
    if "lower" in arrays:
        lov = arrays["lower"]
        pen.lo = &lov[0] if p else NULL
    if "upper" in arrays:
        hiv = arrays["upper"]
        pen.hi = &hiv[0] if p else NULL
    if ("lower" in arrays and np.any(arrays["lower"] > 0)) or (
            "upper" in arrays and np.any(arrays["upper"] < 0)):
        raise ValueError("enet_solve: bounds must satisfy lower <= 0 <= upper")
    is_free = None
    fr = np.zeros(0, dtype=np.intp) if free_idx is None else np.asarray(free_idx, dtype=np.intp)
    rl = np.zeros(0, dtype=np.intp) if relax_idx is None else np.asarray(relax_idx, dtype=np.intp)
    if fr.size or rl.size:
        both = np.ascontiguousarray(np.concatenate([fr, rl]))
        if both.min() < 0 or both.max() >= p or np.unique(both).size != both.size:
            raise ValueError("enet_solve: free / relaxed indices out of range or repeated")
        chol_free = np.zeros((0, 0)) if not fr.size else np.asfortranarray(free_chol, dtype=np.float64)
        if chol_free.shape != (fr.size, fr.size):
            raise ValueError("enet_solve: free_chol must be |free| x |free|")
        freev = both
        if fr.size:
            cholv = chol_free.ravel(order="F")
            pen.free_chol = &cholv[0]
        if rl.size:
            gram_rel = np.asfortranarray(relax_gram, dtype=np.float64)
            if gram_rel.shape != (both.size, both.size):
                raise ValueError("enet_solve: relax_gram must be |free + relax| squared")
            relv = gram_rel.ravel(order="F")
            pen.relax_gram = &relv[0]
            sub_chol = np.zeros(both.size * both.size, dtype=np.float64)
            sub_idx = np.zeros(both.size, dtype=np.intp)
            pen.sub_chol = <double *>cnp.PyArray_DATA(sub_chol)
            pen.sub_idx = <Py_ssize_t *>cnp.PyArray_DATA(sub_idx)
        is_free = np.zeros(p, dtype=np.int8)
        is_free[fr] = 1
        is_free[rl] = 2
        free_buf = np.zeros(both.size, dtype=np.float64)
        pen.n_free = fr.size
        pen.n_relax = rl.size
        pen.free = &freev[0]
        pen.is_free = <const char *>cnp.PyArray_DATA(is_free)
        pen.free_buf = <double *>cnp.PyArray_DATA(free_buf)
    cdef int threads = resolve_threads(n_threads)
    cdef bint ok = _workspace_alloc(&wk, p, n_res, isz, extrapolate, accelerate, newton,
                                    newton_cap, newton_stable, cert_res is None,
                                    has_cert and cert_res is not None)
    wk.n_threads = threads
    if corr_carry is not None:
        if corr_carry.shape[0] != p:
            raise ValueError("enet_solve: corr_carry must have shape (p,)")
        if p:
            wk.carry = &corr_carry[0]
            wk.carry_in = carry_in
    if cert_res is not None:
        wk.pt_res[PT_CERT] = &cert_res[0] if n_res else NULL
        wk.pt_w[PT_CERT] = &cert_w[0] if p else NULL
        wk.has_cert = has_cert
    try:
        if not ok:
            raise MemoryError()
        with nogil:
            info = _solve(D, &w[0] if p else NULL, &res[0] if n_res else NULL,
                          &target[0] if n_res else NULL, yy, &pen,
                          tol_abs, max_epochs, screening, working_set,
                          p0, prune, l1_prev, inner_ratio, gap_freq, shuffle, &rng, &wk)
    finally:
        carried = bool(wk.carry_out)
        threaded = wk.n_threaded
        _workspace_free(&wk, cert_res is None)
    if info.interrupted:
        raise KeyboardInterrupt("coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_epochs": info.n_epochs,
            "n_newton": info.n_newton, "rounding": info.rounding,
            "n_screened": info.n_screened, "n_outer": info.n_outer,
            "n_full": info.n_full, "full_cols": info.full_cols,
            "full_entries": info.full_entries, "ws_cols": info.ws_cols,
            "ws_entries": info.ws_entries, "axpy_entries": info.axpy_entries,
            "carry_out": carried, "n_threaded": threaded}


include "_group.pxi"
include "_prox_newton.pxi"


# ---------------------------------------------------------------------------
# Public C API for other extensions (declared in _core.pxd, re-exported by core.pxd)
# ---------------------------------------------------------------------------

include "_core_capi.pxi"
