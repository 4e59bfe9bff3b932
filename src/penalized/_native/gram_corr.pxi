# Included by _core.pyx (see its docstring for the layout).

# ---------------------------------------------------------------------------
# Correlations from Gram columns at the outer gap checks (tall sparse data)
# ---------------------------------------------------------------------------
#
# An outer (certifying) gap check needs c = X^T r(w) for every candidate: one
# pass over X's columns.  For a tall CSC design with a small support S = supp(w)
# the same vector is
#
#     c = X^T y - X^T X_S w_S = q - G[:, S] w_S,
#
# p |S| multiply-adds on contiguous columns G[:, k] = X^T x_k (glmnet's
# covariance mode, adelie's approach, applied to the check rather than to the
# inner solve).  A column is computed once per path, when k first appears in a
# checked support, by one pass over X against x_k scattered into a dense
# n-vector (about the pass it replaces at that check; a CSR copy of X instead
# cost about as much per path as the passes it saved, measured on hockey).
# So a path pays a pass at the checks where the support gained a feature, and
# p |S| at the others.  Per check the rule of ``_gc_corr`` decides.
#
# The certificate stays a duality gap at the returned point: the gap is formed
# from the residual recomputed from w (r.r exactly as before), and only the
# correlations come from G, whose cancellation (|q_j|, |(G w)_j| >> |c_j|
# near an unregularised fit) is bounded: with eta the rounding of the float64
# n-term sums that built q and G (``_gram_eta``), the m-term product's
# (m + 2) u, and Cauchy-Schwarz (|q_j| <= ||x_j|| ||y||, |G_jk| <= ||x_j|| ||x_k||),
#
#     |c_j(G) - x_j^T r| <= ||x_j|| e_r,   e_r = (eta + (m + 2) u) (||y|| + B),
#
# B = sum_k ||x_k|| |w_k|.  ``_dual_point`` takes e_r like the GRAM design's
# rounding term (each correlation known within ||x_j|| e_r, every gap term at its
# worst over that interval; screening widened by it).  While the cache is in use
# along a path every certifying dual point adds its e_r, also when its
# correlations were read from X (conservative, and carried correlations need no
# record of how they were made).
#
# Scope: CSC float64 designs without centring or sample weights (fit_intercept=False,
# the benchmarks' protocol), no free or relaxed features.

DEF GC_AXPY_COST = 0.5      # a Gram-column entry read by the product (contiguous axpy),
                            # in units of a CSC entry read by a column product
DEF GC_BUILD_MAX = 1.5      # new columns are built at a check when their passes cost at
                            # most this times the pass they replace there


cdef struct gcorr_t:
    Py_ssize_t n
    Py_ssize_t p
    Py_ssize_t max_cols     # the most Gram columns held (memory bound)
    Py_ssize_t m            # columns held
    Py_ssize_t cap          # columns allocated
    Py_ssize_t *slot        # p: the column of each feature, -1 if not held
    Py_ssize_t *feat        # cap: the feature of each column
    double *G               # cap x p: G[s p + j] = x_j^T x_feat[s]
    double *q               # p: X^T y (y: the cache's target)
    double ynorm            # ||y||
    double *col             # n: a column scattered (zero between uses)
    Py_ssize_t *sup         # p: scratch, the support's features
    # counters
    Py_ssize_t n_gram       # checks whose correlations came from G
    Py_ssize_t n_built      # Gram columns computed
    double build_entries    # stored entries of X read building them
    double gram_entries     # Gram entries read by the products


cdef void _gc_free(gcorr_t *gc) noexcept nogil:
    free(gc.slot); free(gc.feat); free(gc.G); free(gc.q); free(gc.col); free(gc.sup)
    memset(gc, 0, sizeof(gcorr_t))


cdef bint _gc_reserve(gcorr_t *gc, Py_ssize_t need) noexcept nogil:
    """Room for ``need`` columns (need <= max_cols)."""
    cdef Py_ssize_t cap
    cdef double *G
    cdef Py_ssize_t *feat
    if need <= gc.cap:
        return True
    cap = 2 * gc.cap if gc.cap > 0 else 16
    if cap < need:
        cap = need
    if cap > gc.max_cols:
        cap = gc.max_cols
    G = <double *>realloc(gc.G, cap * gc.p * sizeof(double))
    if G == NULL:
        return False
    gc.G = G
    feat = <Py_ssize_t *>realloc(gc.feat, (cap + 1) * sizeof(Py_ssize_t))
    if feat == NULL:
        return False
    gc.feat = feat
    gc.cap = cap
    return True


cdef void _gc_build(gcorr_t *gc, const design_t *D, Py_ssize_t k) noexcept nogil:
    """G[:, k] = X^T x_k into the next column: x_k scattered, one pass over X."""
    cdef Py_ssize_t s = gc.m, t, j, a0 = _csc_start(D, k), a1 = _csc_start(D, k + 1)
    cdef double *g = gc.G + s * gc.p
    for t in range(a0, a1):
        gc.col[(<const int64_t *>D.indices)[t] if D.index64
               else (<const int32_t *>D.indices)[t]] = (<const double *>D.data)[t]
    for j in range(gc.p):
        g[j] = _col_wdot(D, j, <const double *>gc.col)
    for t in range(a0, a1):
        gc.col[(<const int64_t *>D.indices)[t] if D.index64
               else (<const int32_t *>D.indices)[t]] = 0.0
    gc.feat[s] = k
    gc.slot[k] = s
    gc.m = s + 1
    gc.n_built += 1
    gc.build_entries += <double>_csc_start(D, D.p)


cdef void _gc_clear(gcorr_t *gc) noexcept nogil:
    cdef Py_ssize_t s
    for s in range(gc.m):
        gc.slot[gc.feat[s]] = -1
    gc.m = 0


cdef bint _gc_corr(gcorr_t *gc, const design_t *D, const double *w, double pass_entries,
                   double *corr, double *read) noexcept nogil:
    """corr[j] = q_j - sum_k G_jk w_k for every feature j, when that is cheaper than
    a pass reading ``pass_entries`` stored entries, or when the missing columns
    cost at most GC_BUILD_MAX times that pass (built first; ``read`` receives the
    stored entries of X they read); False (nothing done) otherwise."""
    cdef Py_ssize_t j, s, m = 0, new = 0
    cdef int one = 1, pp = <int>gc.p
    cdef double a, nnz = <double>_csc_start(D, D.p)
    read[0] = 0.0
    for j in range(gc.p):
        if w[j] != 0.0:
            gc.sup[m] = j
            m += 1
            if gc.slot[j] < 0:
                new += 1
    if m > gc.max_cols or not GC_AXPY_COST * <double>gc.p * m < pass_entries:
        return False
    if new > 0 and not new * nnz <= GC_BUILD_MAX * pass_entries:
        return False
    if gc.m + new > gc.max_cols:
        _gc_clear(gc)       # full: keep this support only
        new = m
    if not _gc_reserve(gc, gc.m + new):
        return False
    for s in range(m):
        j = gc.sup[s]
        if gc.slot[j] < 0:
            read[0] += nnz
            _gc_build(gc, D, j)
    memcpy(corr, gc.q, gc.p * sizeof(double))
    for s in range(m):
        j = gc.sup[s]
        a = -<double>w[j]
        daxpy(&pp, &a, gc.G + gc.slot[j] * gc.p, &one, corr, &one)
    gc.n_gram += 1
    gc.gram_entries += <double>gc.p * m
    return True


cdef double _gc_rnd(const gcorr_t *gc, const design_t *D, const double *w) noexcept nogil:
    """e_r of the head comment for the point w: each Gram correlation lies within
    ||x_j|| e_r of x_j^T r(w)."""
    cdef Py_ssize_t j, m = 0
    cdef double B = 0.0
    for j in range(gc.p):
        if w[j] != 0.0:
            B += fabs(w[j]) * sqrt(D.col_sqnorm[j])
            m += 1
    return (_gram_eta(D) + (m + 2.0) * 1.1102230246251565e-16) * (gc.ynorm + B)


cdef class GramCorrelations:
    """Gram columns of a tall CSC design for the outer gap checks of one path.

    Pass it as ``enet_solve(..., gram_corr=cache)`` for every solve of a path on
    ``design`` with this ``target`` (one cache per path in flight: not thread-safe).
    See gram_corr.pxi: a certifying check takes its correlations from
    q - G[:, S] w_S when that costs less than a pass over X, with the rounding
    bound it adds to the gap.  CSC float64 designs without centring or sample
    weights only.

    Memory: at most ``max_bytes`` of Gram columns (None: 8 MB or twice X's stored
    values, whichever is larger), p doubles each, and n + 2 p doubles.
    """
    cdef gcorr_t c
    cdef readonly Design design
    cdef readonly object target

    def __cinit__(self, Design design, target, max_bytes=None):
        cdef const double[::1] y
        cdef Py_ssize_t j, p = design.d.p
        cdef double yy = 0.0
        memset(&self.c, 0, sizeof(gcorr_t))
        if (design.d.kind != PZ_CSC or np.dtype(design.dtype) != np.float64
                or design.d.x_mean != NULL or design.d.sw != NULL):
            raise ValueError("GramCorrelations: a CSC float64 design without centring "
                             "or sample weights is required")
        target = np.ascontiguousarray(target, dtype=np.float64)
        if target.shape != (design.d.n,):
            raise ValueError("GramCorrelations: target must have shape (n,)")
        if max_bytes is None:
            max_bytes = max(8 << 20, 2 * design.nnz * 8)
        self.design = design
        self.target = target
        y = target
        self.c.n = design.d.n
        self.c.p = p
        self.c.max_cols = max(1, min(p, int(max_bytes) // (8 * max(p, 1))))
        self.c.slot = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
        self.c.q = <double *>malloc((p + 1) * sizeof(double))
        self.c.sup = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
        self.c.col = <double *>calloc(design.d.n + 1, sizeof(double))
        if self.c.slot == NULL or self.c.q == NULL or self.c.sup == NULL or self.c.col == NULL:
            _gc_free(&self.c)
            raise MemoryError()
        for j in range(p):
            self.c.slot[j] = -1
        with nogil:
            for j in range(p):
                self.c.q[j] = _col_wdot(&design.d, j, &y[0]) if design.d.n else 0.0
            for j in range(self.c.n):
                yy += y[j] * y[j]
        self.c.ynorm = sqrt(yy)

    def __dealloc__(self):
        _gc_free(&self.c)

    @property
    def stats(self):
        """Counters since creation: checks whose correlations came from G
        (``n_gram``), Gram columns computed (``n_built``), held now (``n_cached``),
        stored entries of X read building them (``build_entries``), Gram
        entries read by the products (``gram_entries``), the capacity in columns
        (``max_columns``)."""
        return {"n_gram": self.c.n_gram, "n_built": self.c.n_built, "n_cached": self.c.m,
                "build_entries": self.c.build_entries, "gram_entries": self.c.gram_entries,
                "max_columns": self.c.max_cols}
