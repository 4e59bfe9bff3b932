# Public C API of penalized._core, included at the end of _core.pyx.
#
# Declared in _core.pxd (so Cython exports it through __pyx_capi__) and
# re-exported by penalized/core.pxd; core.pxd states the contract.  Thin,
# plain-named float64 / float32 entries over the fused internals above: the
# internals may change, these signatures may not.

from libc.math cimport NAN

# Newton steps on supports of at most this many features (enet_solve's default)
DEF CAPI_NEWTON_CAP = 1000


cdef double column_dot_d(const design_t *D, Py_ssize_t j, const double *r) noexcept nogil:
    """sum_i s_i X_ij r_i over the raw (uncentred) column j; DENSE/CSC only (NaN for GRAM)."""
    if D.kind == PZ_GRAM:
        return NAN
    return _col_wdot(D, j, r)


cdef double column_dot_f(const design_t *D, Py_ssize_t j, const float *r) noexcept nogil:
    """float32 version of column_dot_d (accumulated in double)."""
    if D.kind == PZ_GRAM:
        return NAN
    return _col_wdot(D, j, r)


cdef double centred_column_dot_d(const design_t *D, Py_ssize_t j, const double *r,
                                 double sr) noexcept nogil:
    """x_c,j^T S r = column_dot_d - x_mean_j * sr, given sr = sum_i s_i r_i (DENSE/CSC)."""
    if D.kind == PZ_GRAM:
        return NAN
    return _centred_wdot(D, j, r, sr)


cdef double centred_column_dot_f(const design_t *D, Py_ssize_t j, const float *r,
                                 double sr) noexcept nogil:
    if D.kind == PZ_GRAM:
        return NAN
    return _centred_wdot(D, j, r, sr)


cdef void column_axpy_d(const design_t *D, Py_ssize_t j, double a, double *r) noexcept nogil:
    """r += a * X[:, j] (raw column; n entries), or r += a * G[:, j] (p entries) for GRAM."""
    _col_axpy(D, j, a, r)


cdef void column_axpy_f(const design_t *D, Py_ssize_t j, double a, float *r) noexcept nogil:
    _col_axpy(D, j, a, r)


cdef double enet_prox(double z, double L, double l1, double l2, bint positive) noexcept nogil:
    """argmin_u L/2 (u - z/L)^2 + l1 |u| + l2/2 u^2 (and u >= 0 if positive):
    soft_threshold(z, l1) / (L + l2), the coordinate update of the elastic net."""
    return _enet_prox(z, L, l1, l2, positive)


cdef void _capi_free(workspace_t *wk) noexcept nogil:
    cdef int k
    free(wk.cand); free(wk.ws); free(wk.keys)
    for k in range(3):
        free(wk.corr[k])
    free(wk.pt_res[PT_CERT]); free(wk.pt_w[PT_CERT])
    free(wk.ex.hist_res); free(wk.ex.hist_val); free(wk.ex.hist_ix)
    free(wk.ex.res_acc); free(wk.ex.w_acc)
    free(wk.nt.supp); free(wk.nt.prev); free(wk.nt.cur); free(wk.nt.chol)
    free(wk.nt.step); free(wk.nt.col)


cdef bint _capi_alloc(workspace_t *wk, Py_ssize_t p, Py_ssize_t n_res,
                      size_t isz) noexcept nogil:
    """The workspace of a cold solve with enet_solve's default options (False: no memory)."""
    memset(wk, 0, sizeof(workspace_t))
    wk.extrapolate = True
    wk.accelerate = True
    wk.cand = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.ws = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.corr[0] = <double *>malloc((p + 1) * sizeof(double))
    wk.corr[1] = <double *>malloc((p + 1) * sizeof(double))
    wk.pt_res[PT_CERT] = malloc((n_res + 1) * isz)     # private certificate slot
    wk.pt_w[PT_CERT] = malloc((p + 1) * isz)
    wk.has_cert = False
    wk.nt.enabled = True
    wk.nt.require_stable = True
    wk.nt.cap = CAPI_NEWTON_CAP if CAPI_NEWTON_CAP < p else p
    wk.nt.supp = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
    wk.nt.prev = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
    wk.nt.cur = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
    wk.nt.chol = <double *>malloc((wk.nt.cap * wk.nt.cap + 1) * sizeof(double))
    wk.nt.step = <double *>malloc((wk.nt.cap + 1) * sizeof(double))
    wk.nt.col = malloc((n_res + 1) * isz)
    wk.ex.hist_res = malloc((EXTRAP_K + 1) * (n_res + 1) * isz)
    wk.ex.res_acc = malloc((n_res + 1) * isz)
    wk.ex.w_acc = malloc((p + 1) * isz)
    return not (wk.cand == NULL or wk.ws == NULL or wk.corr[0] == NULL
                or wk.corr[1] == NULL or wk.pt_res[PT_CERT] == NULL
                or wk.pt_w[PT_CERT] == NULL or wk.nt.supp == NULL or wk.nt.prev == NULL
                or wk.nt.cur == NULL or wk.nt.chol == NULL or wk.nt.step == NULL
                or wk.nt.col == NULL or wk.ex.hist_res == NULL or wk.ex.res_acc == NULL
                or wk.ex.w_acc == NULL)


cdef int _capi_solve(const design_t *D, floating *w, floating *res, const floating *target,
                     double yy, double l1, double l2, bint positive, double tol_abs,
                     Py_ssize_t max_epochs, enet_result_t *out) noexcept nogil:
    """A cold enet_solve with the default options (working sets, screening, extrapolation,
    Newton steps, cyclic order) on raw pointers; see core.pxd."""
    cdef workspace_t wk
    cdef solve_info_t info
    cdef uint64_t rng = 88172645463325252ULL
    cdef Py_ssize_t n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef size_t isz = sizeof(float) if floating is float else sizeof(double)
    out.gap = INFINITY
    out.primal = NAN
    out.n_epochs = 0
    if not _capi_alloc(&wk, D.p, n_res, isz):
        _capi_free(&wk)
        out.status = PZ_NO_MEMORY
        return PZ_NO_MEMORY
    info = _solve(D, w, res, target, yy, l1, l2, positive, tol_abs, max_epochs,
                  True, True, 10, True, 0.0, 0.3, 10, False, &rng, &wk)
    _capi_free(&wk)
    out.gap = info.gap
    out.primal = info.primal
    out.n_epochs = info.n_epochs
    if info.interrupted:
        out.status = PZ_INTERRUPTED
    elif info.gap <= tol_abs:
        out.status = PZ_CONVERGED
    else:
        out.status = PZ_MAX_EPOCHS
    return out.status


cdef int enet_solve_d(const design_t *D, double *w, double *res, const double *target,
                      double yy, double l1, double l2, bint positive, double tol_abs,
                      Py_ssize_t max_epochs, enet_result_t *out) noexcept nogil:
    return _capi_solve(D, w, res, target, yy, l1, l2, positive, tol_abs, max_epochs, out)


cdef int enet_solve_f(const design_t *D, float *w, float *res, const float *target,
                      double yy, double l1, double l2, bint positive, double tol_abs,
                      Py_ssize_t max_epochs, enet_result_t *out) noexcept nogil:
    return _capi_solve(D, w, res, target, yy, l1, l2, positive, tol_abs, max_epochs, out)
