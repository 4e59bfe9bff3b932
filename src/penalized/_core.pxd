# Public declarations of penalized's native core, so that other Cython code can
# ``cimport`` the column-access layer and the coordinate-descent solver.

cdef extern from "pz_kernels.h":
    double pz_soft_threshold(double x, double t) noexcept nogil
    double pz_log1pexp(double x) noexcept nogil
    double pz_sigmoid(double x) noexcept nogil

cdef enum:
    PZ_DENSE = 0   # F-ordered n x p array, column j at X + j * n
    PZ_CSC = 1     # scipy CSC (data, indices, indptr), int32 or int64 indices
    PZ_GRAM = 2    # p x p matrix G = X_c^T S X_c; the "residual" is g = X_c^T S r


cdef struct design_t:
    # How the solver sees the design matrix.  All pointers are borrowed from
    # the arrays held by the owning ``Design`` object.
    int kind
    bint index64            # CSC: indices / indptr are int64 (else int32)
    Py_ssize_t n            # rows of X (for GRAM: rows of the original X)
    Py_ssize_t p            # columns
    const void *X           # DENSE: n x p F-ordered; GRAM: p x p F-ordered
    const void *data        # CSC values
    const void *indices     # CSC row indices
    const void *indptr      # CSC column pointers
    const void *sw          # sample weights s (sum n), NULL means all ones
    const double *x_mean    # weighted column means, NULL without intercept
    const double *col_sqnorm  # ||x_j - x_mean_j||_S^2 (unscaled Lipschitz constants)
    double sw_sum           # sum of s (= n)


cdef class Design:
    cdef design_t d
    cdef readonly object dtype
    cdef readonly object storage     # 'dense', 'csc' or 'gram'
    cdef readonly object fit_intercept
    cdef object _keep               # arrays whose memory d points into
    cdef readonly object x_mean
    cdef readonly object col_sqnorm
    cdef readonly object sample_weight


# ---------------------------------------------------------------------------
# Public C API: defined in _native/capi.pxi, exported through the module's
# __pyx_capi__, re-exported by penalized/core.pxd (``from penalized.core
# cimport ...``).  Plain-named float64 (_d) and float32 (_f) versions: fused
# functions do not cross module boundaries.  See core.pxd for the contract.
# ---------------------------------------------------------------------------

cdef enum:
    PZ_CONVERGED = 0      # gap <= tol_abs
    PZ_MAX_EPOCHS = 1     # stopped at max_epochs with gap > tol_abs
    PZ_INTERRUPTED = 2    # a signal (Ctrl-C) arrived; the Python error was cleared
    PZ_NO_MEMORY = -1     # workspace allocation failed; w and res untouched


cdef struct enet_result_t:
    double gap            # duality gap of the unscaled objective F (see core.pxd)
    double primal         # F(w) at the returned w
    Py_ssize_t n_epochs   # coordinate-descent epochs
    int status            # PZ_CONVERGED, PZ_MAX_EPOCHS, PZ_INTERRUPTED or PZ_NO_MEMORY


cdef double column_dot_d(const design_t *D, Py_ssize_t j, const double *r) noexcept nogil
cdef double column_dot_f(const design_t *D, Py_ssize_t j, const float *r) noexcept nogil
cdef double centred_column_dot_d(const design_t *D, Py_ssize_t j, const double *r,
                                 double sr) noexcept nogil
cdef double centred_column_dot_f(const design_t *D, Py_ssize_t j, const float *r,
                                 double sr) noexcept nogil
cdef void column_axpy_d(const design_t *D, Py_ssize_t j, double a, double *r) noexcept nogil
cdef void column_axpy_f(const design_t *D, Py_ssize_t j, double a, float *r) noexcept nogil
cdef double enet_prox(double z, double L, double l1, double l2, bint positive) noexcept nogil
cdef int enet_solve_d(const design_t *D, double *w, double *res, const double *target,
                      double yy, double l1, double l2, bint positive, double tol_abs,
                      Py_ssize_t max_epochs, enet_result_t *out) noexcept nogil
cdef int enet_solve_f(const design_t *D, float *w, float *res, const float *target,
                      double yy, double l1, double l2, bint positive, double tol_abs,
                      Py_ssize_t max_epochs, enet_result_t *out) noexcept nogil
