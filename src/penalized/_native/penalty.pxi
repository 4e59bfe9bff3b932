# Included by _core.pyx (see its docstring for the layout).

# ---------------------------------------------------------------------------
# Penalty: the elastic net per feature (factors, boxes, free block), its prox and conjugate
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


cdef inline double _reach(double v, double e, double lo, double hi) noexcept nogil:
    """Largest x_j.theta the optimality conditions could use, in the directions
    the box allows (up if hi > 0, down if lo < 0), for x_j.theta within e of v."""
    if lo < 0.0:
        if hi > 0.0:
            return fabs(v) + e
        return e - v
    return v + e
