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
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport malloc, free, qsort
from libc.string cimport memset
from scipy.linalg.cython_blas cimport ddot, dsdot, daxpy, saxpy

cnp.import_array()

cdef extern from "pz_kernels.h":
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


# ---------------------------------------------------------------------------
# BLAS wrappers (fused over float / double; dots accumulate in double)
# ---------------------------------------------------------------------------

cdef inline double _dot(Py_ssize_t n, const floating *x, const floating *y) noexcept nogil:
    cdef int n_ = <int>n, one = 1
    if floating is float:
        return dsdot(&n_, <float *>x, &one, <float *>y, &one)
    else:
        return ddot(&n_, <double *>x, &one, <double *>y, &one)


cdef inline void _axpy(Py_ssize_t n, double a, const floating *x, floating *y) noexcept nogil:
    cdef int n_ = <int>n, one = 1
    cdef float af = <float>a
    if floating is float:
        saxpy(&n_, &af, <float *>x, &one, y, &one)
    else:
        daxpy(&n_, &a, <double *>x, &one, y, &one)


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

cdef inline double _enet_prox(double z, double L, double l1, double l2, bint positive) noexcept nogil:
    """argmin_u L/2 (u - z/L)^2 + l1 |u| + l2/2 u^2  (+ u >= 0 if positive)."""
    if positive:
        return (z - l1) / (L + l2) if z > l1 else 0.0
    return pz_soft_threshold(z, l1) / (L + l2)


cdef struct gap_t:
    double primal       # F(w), unscaled
    double gap          # F(w) - best dual value found
    double gap_aug      # gap of the rescaled-residual dual (drives screening)
    double scale        # dual point theta = scale * r (augmented Lasso dual)


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


cdef gap_t _duality_gap(const design_t *D, const floating *w, floating *res,
                        double *shift, const floating *target, double yy,
                        double l1, double l2, bint positive,
                        const Py_ssize_t *cand, Py_ssize_t n_cand,
                        double *corr) noexcept nogil:
    """Duality gap of F restricted to the features ``cand``.

    Fills corr[j] = x_c,j^T S r for j in cand.  Two dual points are tried and
    the better value is kept:
    * the elastic net as a Lasso on the augmented design [X; sqrt(l2) I]
      (Friedman et al. 2010), with theta = scale * r, scale making theta
      feasible (Mairal 2010; Fercoq, Gramfort, Salmon 2015):
          D_aug = scale * y.S r - scale^2/2 (r.S r + l2 ||w||^2)
    * if l2 > 0, the exact Fenchel dual at theta = r:
          D_f = y.S r - 1/2 r.S r - sum_j (|corr_j| - l1)_+^2 / (2 l2)
    ``target`` is y (DENSE/CSC) or q = X_c^T S y_c (GRAM); ``yy`` = y_c.S y_c.
    """
    cdef gap_t out
    cdef Py_ssize_t i, j, k
    cdef double rr = 0.0, ry = 0.0, l1norm = 0.0, l2sq = 0.0, wq = 0.0, wg = 0.0
    cdef double sr = 0.0, dual_norm = 0.0, v, fench = 0.0, d_aug, d_best
    cdef const floating *s = <const floating *>D.sw

    _fold_shift(D, res, shift)
    if D.kind == PZ_GRAM:
        for j in range(D.p):
            if w[j] != 0.0:
                wq += w[j] * <double>target[j]
                wg += w[j] * <double>res[j]
        rr = yy - wq - wg
        ry = yy - wq
    else:
        if s == NULL:
            for i in range(D.n):
                rr += <double>res[i] * res[i]
                ry += <double>target[i] * res[i]
                sr += res[i]
        else:
            for i in range(D.n):
                v = <double>s[i] * res[i]
                rr += v * res[i]
                ry += v * target[i]
                sr += v
    for j in range(D.p):
        l1norm += fabs(w[j])
        l2sq += <double>w[j] * w[j]

    for k in range(n_cand):
        j = cand[k]
        if D.kind == PZ_GRAM:
            corr[j] = res[j]
        else:
            corr[j] = _col_wdot(D, j, res)
            if D.x_mean != NULL:
                # exact centring even if sum_i s_i r_i drifted from 0
                corr[j] -= D.x_mean[j] * sr
        v = corr[j] - l2 * w[j]
        if not positive:
            v = fabs(v)
        if v > dual_norm:
            dual_norm = v
        if l2 > 0.0:
            v = corr[j] if positive else fabs(corr[j])
            if v > l1:
                fench += (v - l1) * (v - l1)

    out.primal = 0.5 * rr + l1 * l1norm + 0.5 * l2 * l2sq
    out.scale = 1.0
    if l1 > 0.0:
        if dual_norm > l1:
            out.scale = l1 / dual_norm
        d_aug = out.scale * ry - 0.5 * out.scale * out.scale * (rr + l2 * l2sq)
    else:
        d_aug = -INFINITY
    d_best = d_aug
    if l2 > 0.0:
        v = ry - 0.5 * rr - fench / (2.0 * l2)
        if v > d_best:
            d_best = v
    out.gap = out.primal - d_best
    out.gap_aug = out.primal - d_aug
    return out


# ---------------------------------------------------------------------------
# Working-set selection helpers
# ---------------------------------------------------------------------------

cdef struct keyed_t:
    double key
    Py_ssize_t j


cdef int _cmp_keyed(const void *a, const void *b) noexcept nogil:
    cdef double ka = (<const keyed_t *>a).key, kb = (<const keyed_t *>b).key
    if ka < kb:
        return -1
    if ka > kb:
        return 1
    return (<const keyed_t *>a).j > (<const keyed_t *>b).j


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

cdef void _cd_epoch(const design_t *D, floating *w, floating *res, double *shift,
                    const Py_ssize_t *idx, Py_ssize_t m,
                    double l1, double l2, bint positive) noexcept nogil:
    """One pass of exact coordinate minimisation over the features idx[:m]."""
    cdef Py_ssize_t k, j
    cdef double L, wj, z, new
    for k in range(m):
        j = idx[k]
        L = D.col_sqnorm[j]
        if L <= 0.0:
            continue
        wj = w[j]
        z = _col_corr(D, j, res, shift[0]) + L * wj
        new = _enet_prox(z, L, l1, l2, positive)
        if new != wj:
            _apply_update(D, j, new - wj, res, shift)
            w[j] = <floating>new


cdef struct solve_info_t:
    double gap
    double primal
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
    Py_ssize_t n_outer


cdef solve_info_t _solve(const design_t *D, floating *w, floating *res,
                         const floating *target, double yy,
                         double l1, double l2, bint positive, double tol_abs,
                         Py_ssize_t max_epochs, bint screening, bint use_ws,
                         Py_ssize_t p0, Py_ssize_t gap_freq, bint shuffle,
                         uint64_t *rng, Py_ssize_t *buf_idx, Py_ssize_t *buf_ws,
                         keyed_t *buf_key, double *corr) noexcept nogil:
    """Elastic-net coordinate descent with gap-safe screening and working sets.

    Outer loop (Massias, Gramfort, Salmon 2018, "Celer"): compute the duality
    gap over the features still in play; stop if gap <= tol_abs; discard the
    features the gap-safe sphere test proves inactive (Fercoq et al. 2015,
    Ndiaye et al. 2017); rank the others by their distance to the dual
    constraint, (l1 - |x_j^T theta|) / ||x_j||, and run coordinate descent on
    the closest ``ws_size`` (doubling each round, at least 2 * nnz(w)) until
    the subproblem's own gap is below 0.3 times the outer gap.
    """
    cdef solve_info_t info
    cdef gap_t g, gi
    cdef double shift = 0.0, radius, v, nrm, inner_tol
    cdef Py_ssize_t p = D.p, j, k, n_cand = 0, n_nnz, ws_size = 0, m, ep
    cdef bint all_in

    info.n_epochs = 0
    info.n_screened = 0
    info.n_outer = 0
    # candidates: features with a non-zero centred column
    for j in range(p):
        if D.col_sqnorm[j] > 0.0:
            buf_idx[n_cand] = j
            n_cand += 1
        elif w[j] != 0.0:
            w[j] = 0.0   # no effect on the residual: the centred column is 0

    while True:
        g = _duality_gap(D, w, res, &shift, target, yy, l1, l2, positive,
                         buf_idx, n_cand, corr)
        info.gap = g.gap
        info.primal = g.primal
        if g.gap <= tol_abs or info.n_epochs >= max_epochs:
            break
        info.n_outer += 1

        # gap-safe screening on the augmented Lasso dual
        if screening and l1 > 0.0:
            radius = sqrt(2.0 * g.gap_aug) if g.gap_aug > 0.0 else 0.0
            m = 0
            for k in range(n_cand):
                j = buf_idx[k]
                v = g.scale * (corr[j] - l2 * w[j])
                if not positive:
                    v = fabs(v)
                if v + sqrt(D.col_sqnorm[j] + l2) * radius < l1:
                    if w[j] != 0.0:
                        _apply_update(D, j, -w[j], res, &shift)
                        w[j] = 0.0
                    info.n_screened += 1
                else:
                    buf_idx[m] = j
                    m += 1
            n_cand = m

        # working set: every non-zero plus the features nearest the constraint
        n_nnz = 0
        for k in range(n_cand):
            if w[buf_idx[k]] != 0.0:
                n_nnz += 1
        if use_ws and l1 > 0.0:
            ws_size = p0 if ws_size == 0 else 2 * ws_size
            if ws_size < 2 * n_nnz:
                ws_size = 2 * n_nnz
        if not use_ws or l1 == 0.0 or ws_size >= n_cand:
            ws_size = n_cand
            for k in range(n_cand):
                buf_ws[k] = buf_idx[k]
        else:
            for k in range(n_cand):
                j = buf_idx[k]
                buf_key[k].j = j
                if w[j] != 0.0:
                    buf_key[k].key = -1.0
                else:
                    v = g.scale * (corr[j] - l2 * w[j])
                    if not positive:
                        v = fabs(v)
                    buf_key[k].key = (l1 - v) / sqrt(D.col_sqnorm[j] + l2)
            qsort(buf_key, n_cand, sizeof(keyed_t), _cmp_keyed)
            for k in range(ws_size):
                buf_ws[k] = buf_key[k].j
            qsort(buf_ws, ws_size, sizeof(Py_ssize_t), _cmp_index)
        all_in = ws_size == n_cand
        # the subproblem is the whole problem once the set covers every candidate
        inner_tol = tol_abs if all_in else 0.3 * g.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs

        ep = 0
        while info.n_epochs < max_epochs:
            if shuffle:
                _shuffle(buf_ws, ws_size, rng)
            _cd_epoch(D, w, res, &shift, buf_ws, ws_size, l1, l2, positive)
            info.n_epochs += 1
            ep += 1
            if ep % gap_freq == 0:
                if all_in:
                    break   # the outer loop computes the same gap
                gi = _duality_gap(D, w, res, &shift, target, yy, l1, l2,
                                  positive, buf_ws, ws_size, corr)
                if gi.gap <= inner_tol:
                    break
    _fold_shift(D, res, &shift)
    return info


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


cdef void _column_stats(const design_t *D, const floating *s, double[::1] mean,
                        double[::1] sqnorm, bint center) noexcept nogil:
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
            if self.dtype == np.float32:
                swf = <float *>self.d.sw
                _column_stats(&self.d, swf, xm, sq, fit_intercept)
            else:
                swd = <double *>self.d.sw
                _column_stats(&self.d, swd, xm, sq, fit_intercept)
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

    def correlations(self, floating[::1] res):
        """x_c,j^T S r for every column j (r a centred residual; GRAM: r is g)."""
        out = np.empty(self.d.p, dtype=np.float64)
        cdef double[::1] o = out
        cdef Py_ssize_t j
        cdef double sr = 0.0
        if self.d.kind == PZ_GRAM:
            for j in range(self.d.p):
                o[j] = res[j]
            return out
        if self.d.x_mean != NULL:
            if self.sample_weight is None:
                sr = float(np.sum(res, dtype=np.float64))
            else:
                sr = float(np.dot(np.asarray(res, dtype=np.float64), self.sample_weight))
        with nogil:
            for j in range(self.d.p):
                o[j] = _col_wdot(&self.d, j, &res[0])
                if self.d.x_mean != NULL:
                    o[j] -= self.d.x_mean[j] * sr
        return out




def enet_solve(Design design, floating[::1] w, floating[::1] res,
               const floating[::1] target, double yy, double l1, double l2,
               bint positive=False, double tol_abs=0.0, Py_ssize_t max_epochs=1000,
               bint screening=True, bint working_set=True, Py_ssize_t p0=100,
               Py_ssize_t gap_freq=10, bint shuffle=False, uint64_t seed=0):
    """Minimise the unscaled elastic net F(w) in place (see module docstring).

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

    Returns
    -------
    dict with gap, primal (unscaled F), n_epochs, n_screened, n_outer.
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
    cdef Py_ssize_t *buf_idx = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *buf_ws = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    cdef keyed_t *buf_key = <keyed_t *>malloc((p + 1) * sizeof(keyed_t))
    cdef double *corr = <double *>malloc((p + 1) * sizeof(double))
    if buf_idx == NULL or buf_ws == NULL or buf_key == NULL or corr == NULL:
        free(buf_idx); free(buf_ws); free(buf_key); free(corr)
        raise MemoryError()
    try:
        with nogil:
            info = _solve(D, &w[0] if p else NULL, &res[0] if n_res else NULL,
                          &target[0] if n_res else NULL, yy, l1, l2, positive,
                          tol_abs, max_epochs, screening, working_set, p0, gap_freq,
                          shuffle, &rng, buf_idx, buf_ws, buf_key, corr)
    finally:
        free(buf_idx); free(buf_ws); free(buf_key); free(corr)
    return {"gap": info.gap, "primal": info.primal, "n_epochs": info.n_epochs,
            "n_screened": info.n_screened, "n_outer": info.n_outer}
