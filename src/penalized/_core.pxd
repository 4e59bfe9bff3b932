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
