# Included by _core.pyx (see its docstring for the layout).

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
