# Included by _core.pyx (see its docstring for the layout).

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


cdef inline double _col_wdot2(const design_t *D, Py_ssize_t j, const floating *res,
                              const floating *lo) noexcept nogil:
    """sum_i s_i X_ij (res_i + lo_i) in one pass over column j (DENSE / CSC), each
    entry res_i + lo_i formed in double, summed in four partial sums."""
    cdef Py_ssize_t i, k, a, b
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *x
    cdef const int32_t *i32
    cdef const int64_t *i64
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    if D.kind == PZ_DENSE:
        x = <const floating *>D.X + j * D.n
        i = 0
        if s == NULL:
            while i + 4 <= D.n:
                a0 += x[i] * (<double>res[i] + lo[i])
                a1 += x[i + 1] * (<double>res[i + 1] + lo[i + 1])
                a2 += x[i + 2] * (<double>res[i + 2] + lo[i + 2])
                a3 += x[i + 3] * (<double>res[i + 3] + lo[i + 3])
                i += 4
        while i < D.n:
            a0 += (x[i] if s == NULL else <double>s[i] * x[i]) * (<double>res[i] + lo[i])
            i += 1
        return (a0 + a1) + (a2 + a3)
    a = _csc_start(D, j)
    b = _csc_start(D, j + 1)
    x = <const floating *>D.data
    k = a
    if D.index64:
        i64 = <const int64_t *>D.indices
        if s == NULL:
            while k + 4 <= b:
                a0 += x[k] * (<double>res[i64[k]] + lo[i64[k]])
                a1 += x[k + 1] * (<double>res[i64[k + 1]] + lo[i64[k + 1]])
                a2 += x[k + 2] * (<double>res[i64[k + 2]] + lo[i64[k + 2]])
                a3 += x[k + 3] * (<double>res[i64[k + 3]] + lo[i64[k + 3]])
                k += 4
        while k < b:
            a0 += ((x[k] if s == NULL else <double>s[i64[k]] * x[k])
                   * (<double>res[i64[k]] + lo[i64[k]]))
            k += 1
    else:
        i32 = <const int32_t *>D.indices
        if s == NULL:
            while k + 4 <= b:
                a0 += x[k] * (<double>res[i32[k]] + lo[i32[k]])
                a1 += x[k + 1] * (<double>res[i32[k + 1]] + lo[i32[k + 1]])
                a2 += x[k + 2] * (<double>res[i32[k + 2]] + lo[i32[k + 2]])
                a3 += x[k + 3] * (<double>res[i32[k + 3]] + lo[i32[k + 3]])
                k += 4
        while k < b:
            a0 += ((x[k] if s == NULL else <double>s[i32[k]] * x[k])
                   * (<double>res[i32[k]] + lo[i32[k]]))
            k += 1
    return (a0 + a1) + (a2 + a3)


cdef inline double _point_corr(const design_t *D, Py_ssize_t j, const floating *res,
                               const floating *lo, double sr) noexcept nogil:
    """x_c,j^T S (res + lo), sr = sum_i s_i (res_i + lo_i) (exact centring); with
    ``lo`` one pass over the column (``_col_wdot2``)."""
    cdef double c
    if lo != NULL:
        c = _col_wdot2(D, j, res, lo)
    else:
        c = _col_wdot(D, j, res)
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
                        int n_threads=1, double corr_rnd=0.0) noexcept nogil:
    """Primal value and duality gaps of the point (w, r(w)) built from ``res``.

    ``corr_known``: corr[j] already holds x_c,j^T S r for this very point and
    every j in cand and in the free / relaxed blocks (a point evaluated before
    on a superset of cand, or Gram correlations, see gram_corr.pxi): no column
    is read.  ``corr_rnd``: each corr[j] is known within sqrt(G_jj) corr_rnd
    only (Gram correlations' cancellation; added to the rounding interval).  ``n_threads`` > 1: the
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
    track = e_rnd > 0.0 or dd > 0.0 or corr_rnd > 0.0
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
        A.e_u += e_rnd + corr_rnd
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
