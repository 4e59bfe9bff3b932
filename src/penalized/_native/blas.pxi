# Included by _core.pyx (see its docstring for the layout).

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
