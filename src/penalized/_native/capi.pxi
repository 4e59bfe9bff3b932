# Public C API of penalized._core, included at the end of _core.pyx.
#
# Declared in _core.pxd (so Cython exports it through __pyx_capi__) and
# re-exported by penalized/core.pxd; core.pxd states the contract.  Thin,
# plain-named float64 / float32 entries over the fused internals above: the
# internals may change, these signatures may not.

from libc.math cimport NAN
from libc.stdlib cimport calloc

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
    return _enet_prox(z, L, l1, l2, 0.0 if positive else -INFINITY, INFINITY)


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
    cdef pen_t pen
    cdef double zero = 0.0
    memset(&pen, 0, sizeof(pen_t))
    pen.l1 = l1
    pen.l2 = l2
    if not _workspace_alloc(&wk, D.p, n_res, isz, True, True, True, CAPI_NEWTON_CAP, True,
                            True, False):
        _workspace_free(&wk, True)
        out.status = PZ_NO_MEMORY
        return PZ_NO_MEMORY
    if positive:
        # lower bound 0 for every feature (pen_t's box), as enet_solve does
        pen.lo = <const double *>calloc(D.p + 1, sizeof(double))
        if pen.lo == NULL:
            _workspace_free(&wk, True)
            out.status = PZ_NO_MEMORY
            return PZ_NO_MEMORY
    info = _solve(D, w, res, target, yy, &pen, tol_abs, max_epochs,
                  True, True, 10, True, 0.0, 0.3, 10, False, &rng, &wk)
    _workspace_free(&wk, True)
    free(<void *>pen.lo)
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
