# Included by _core.pyx (see its docstring for the layout).

# Newton steps on a stable support.  Once the signs of the non-zeros stop
# changing, the problem restricted to their orthant is a quadratic,
#     Q(w_S) = 1/2 ||y_c - X_S w_S||_S^2 + l1 s.w_S + l2/2 ||w_S||^2,
# minimised by one linear solve with H = X_S^T S X_S + l2 I.  Coordinate
# descent needs many epochs when H is ill-conditioned (small alphas, p > n);
# the solve needs one.  The step is cut at the first sign change, where Q is
# still below its starting value (Q is convex and equals F on the orthant).
cdef struct newton_t:
    bint enabled
    Py_ssize_t cap        # largest support handled
    Py_ssize_t m          # size of the factored support (0: none)
    Py_ssize_t *supp      # factored support, sorted
    Py_ssize_t m_prev     # support seen at the previous check (stability test)
    Py_ssize_t *prev
    Py_ssize_t *cur
    double *chol          # Cholesky factor of H for supp (cap x cap)
    double *step          # cap
    void *col             # n_res floating buffer: a scattered sparse column
    bint failed           # H was not positive definite for supp
    bint require_stable   # only on a support seen at two successive checks
    Py_ssize_t built_at   # epoch count at the last factorisation
    Py_ssize_t ld         # leading dimension of chol (m at the factorisation; kept
                          # by the downdates of _chol_delete)
    double mu             # shift of the factored matrix: chol is that of H + mu I
    double *diag          # cap: H's diagonal, kept for the shifted retry
    double *rhs           # cap: -grad Q on the factored support (the chain's state)
    double *delta         # cap: accumulated change of each support coordinate
    double *fix           # cap: value a blocked coordinate is set to (NAN: not blocked)
    Py_ssize_t *pos       # cap: position in cur[:m] of each factored row
    Py_ssize_t *frow      # cap: feature of each factored row (supp in the factor's order)
    double last_gap       # subproblem gap at the previous check (INFINITY: none)


cdef bint _factor_support(const design_t *D, newton_t *nt, Py_ssize_t m,
                          const pen_t *P, floating *dummy) noexcept nogil:
    """Build H = X_c,S^T S X_c,S + diag(l2_j) for S = nt.cur[:m] and factor it."""
    cdef Py_ssize_t a, b, i, k, start, end, ja, jb
    cdef floating *v = <floating *>nt.col
    cdef const floating *xa
    cdef double g
    cdef Py_ssize_t ld = nt.cap
    cdef int mm = <int>m, lda = <int>ld, info = 0
    cdef char uplo = b'L'
    for a in range(m):
        ja = nt.cur[a]
        if D.kind == PZ_GRAM:
            for b in range(a, m):
                nt.chol[a * ld + b] = (<const floating *>D.X)[ja * D.p + nt.cur[b]]
        else:
            xa = _col_values(D, ja, v)
            for b in range(a, m):
                jb = nt.cur[b]
                g = _col_wdot(D, jb, xa)
                if D.x_mean != NULL:
                    g -= D.sw_sum * D.x_mean[ja] * D.x_mean[jb]
                nt.chol[a * ld + b] = g
        nt.chol[a * ld + a] += _l2j(P, ja)
    # row-major upper triangle = column-major lower triangle; dpotrf leaves the
    # column-major strict upper triangle alone: keep a copy of H there (and of
    # its diagonal) for the shifted retry
    _chol_keep(nt, m, ld)
    dpotrf(&uplo, &mm, nt.chol, &lda, &info)
    nt.mu = 0.0
    if info != 0:
        _chol_shifted(nt, m, ld, &info)
    memcpy(nt.supp, nt.cur, m * sizeof(Py_ssize_t))
    memcpy(nt.frow, nt.cur, m * sizeof(Py_ssize_t))
    nt.m = m
    nt.ld = ld
    nt.failed = info != 0
    return not nt.failed


cdef void _chol_keep(newton_t *nt, Py_ssize_t m, Py_ssize_t ld) noexcept nogil:
    """Mirror H (column-major lower triangle of nt.chol) into the strict upper
    triangle, and its diagonal into nt.diag, before dpotrf overwrites it."""
    cdef Py_ssize_t a, b
    for a in range(m):
        nt.diag[a] = nt.chol[a * ld + a]
        for b in range(a + 1, m):
            nt.chol[b * ld + a] = nt.chol[a * ld + b]


cdef void _chol_shifted(newton_t *nt, Py_ssize_t m, Py_ssize_t ld, int *info) noexcept nogil:
    """Factor H + mu I, mu = 1e-9 max_j H_jj, after dpotrf failed on H.

    H = X_S^T X_S is singular when |S| >= n (or when columns of S are
    collinear, e.g. duplicated).  The shifted (Levenberg-Marquardt) direction
    d = (H + mu I)^{-1} (-grad Q) is still a descent direction of the
    sign-fixed quadratic Q, and Q(w + t d) decreases on all of t in [0, 1]:
    Q(w + t d) - Q(w) <= -t (1 - t/2) grad^T (H + mu I)^{-1} grad.  Along
    the null space of X_S, Q is linear and d is long (of order 1/mu), so the
    step is cut where a coordinate reaches zero: the support loses one
    feature, as the homotopy / LARS-Lasso drop step does (Osborne, Presnell &
    Turlach 2000, "A new approach to variable selection in least squares
    problems"; Efron et al. 2004), and the chain of _newton_step continues
    on the smaller support, until it is full rank and the step is a Newton
    step.
    """
    cdef Py_ssize_t a, b
    cdef double top = 0.0
    cdef int mm = <int>m, lda = <int>ld
    cdef char uplo = b'L'
    for a in range(m):
        if nt.diag[a] > top:
            top = nt.diag[a]
    if not top > 0.0:
        return
    nt.mu = 1e-9 * top
    for a in range(m):
        nt.chol[a * ld + a] = nt.diag[a] + nt.mu
        for b in range(a + 1, m):
            nt.chol[a * ld + b] = nt.chol[b * ld + a]
    dpotrf(&uplo, &mm, nt.chol, &lda, info)


cdef double _hess_entry(const design_t *D, Py_ssize_t ja, const floating *xa,
                        Py_ssize_t jb) noexcept nogil:
    """H_ab without the l2 term: x_c,a^T S x_c,b, xa the raw (dense or
    scattered) column a; GRAM: G_ab."""
    cdef double g
    if D.kind == PZ_GRAM:
        return (<const floating *>D.X)[ja * D.p + jb]
    g = _col_wdot(D, jb, xa)
    if D.x_mean != NULL:
        g -= D.sw_sum * D.x_mean[ja] * D.x_mean[jb]
    return g


cdef inline bint _factor_drop(newton_t *nt, double *L, Py_ssize_t ld,
                              Py_ssize_t feature) noexcept nogil:
    """Delete ``feature``'s row from the factor (``_chol_delete``) and from nt.frow;
    False (and an empty factor) if the downdate failed."""
    cdef Py_ssize_t q, r
    for q in range(nt.m):
        if nt.frow[q] == feature:
            break
    if not _chol_delete(L, ld, nt.m, q):
        nt.m = 0
        return False
    for r in range(q, nt.m - 1):
        nt.frow[r] = nt.frow[r + 1]
    nt.m -= 1
    return True


cdef bint _factor_update(const design_t *D, newton_t *nt, Py_ssize_t m,
                         const pen_t *P, floating *dummy) noexcept nogil:
    """Move the factor of H from the support nt.supp[:nt.m] to nt.cur[:m] by
    deleting rows (_chol_delete, O(m^2) each) and appending columns (one
    column of H, O(m n), and a triangular solve, O(m^2), each) when that
    costs at most a quarter of a rebuild.  False (factor unusable, rebuild)
    otherwise, or when an appended pivot is not safely positive.
    """
    cdef Py_ssize_t i = 0, a = 0, r, q, k, j, start, end, mf = nt.m, ld = nt.ld
    cdef Py_ssize_t n_del = 0, n_add = 0, m_old = nt.m
    cdef double cost, build, h, piv
    cdef double *L = nt.chol
    cdef double *l = nt.step
    cdef floating *v = <floating *>nt.col
    cdef const floating *xa
    cdef Py_ssize_t n_eff = D.p if D.kind == PZ_GRAM else D.n
    if mf == 0 or nt.failed:
        return False
    while i < mf or a < m:
        if a == m or (i < mf and nt.supp[i] < nt.cur[a]):
            n_del += 1
            i += 1
        elif i == mf or nt.cur[a] < nt.supp[i]:
            n_add += 1
            a += 1
        else:
            i += 1
            a += 1
    cost = <double>n_del * mf * mf + <double>n_add * (<double>(mf + n_add) * n_eff + mf * mf)
    build = <double>m * m * n_eff + <double>m * m * m / 3.0
    if cost > 0.25 * build or m > ld:
        return False
    # deletions: rows of features no longer in cur
    i = 0
    a = 0
    while i < mf:
        if a < m and nt.cur[a] < nt.supp[i]:
            a += 1
        elif a < m and nt.cur[a] == nt.supp[i]:
            i += 1
            a += 1
        else:               # supp[i] left the support
            if not _factor_drop(nt, L, ld, nt.supp[i]):
                return False
            i += 1
    # additions: features of cur not in the old support, appended at the end
    i = 0
    for a in range(m):
        while i < m_old and nt.supp[i] < nt.cur[a]:
            i += 1
        if i < m_old and nt.supp[i] == nt.cur[a]:
            continue
        j = nt.cur[a]
        xa = NULL if D.kind == PZ_GRAM else _col_values(D, j, v)
        mf = nt.m     # rows in the factor now
        # forward solve L l = H[frow, j]
        for r in range(mf):
            l[r] = _hess_entry(D, j, xa, nt.frow[r])
        for r in range(mf):
            h = l[r]
            for q in range(r):
                h -= L[q * ld + r] * l[q]
            l[r] = h / L[r * ld + r]
        h = _hess_entry(D, j, xa, j) + _l2j(P, j) + nt.mu
        piv = h
        for r in range(mf):
            piv -= l[r] * l[r]
        if not piv > 1e-10 * h:
            nt.m = 0
            return False
        for r in range(mf):
            L[r * ld + mf] = l[r]
        L[mf * ld + mf] = sqrt(piv)
        nt.frow[mf] = j
        nt.m = mf + 1
    memcpy(nt.supp, nt.cur, m * sizeof(Py_ssize_t))
    return nt.m == m


cdef bint _chol_delete(double *L, Py_ssize_t ld, Py_ssize_t m, Py_ssize_t q) noexcept nogil:
    """Downdate: L L^T = H (m x m, L lower, column-major, leading dimension
    ld) becomes the factor of H without row and column q, in place, O(m^2).

    Removing row q of L leaves an (m-1) x m matrix whose rows below q reach
    one column past the diagonal; Givens rotations of the column pairs
    (c, c+1), c = q .. m-2, from the right restore the triangle and empty the
    last column (Golub & Van Loan, Matrix Computations, 4th ed., 6.5.4).
    False if a diagonal entry vanished (the smaller H is singular).
    """
    cdef Py_ssize_t i, j, c
    cdef double a, b, r, cs, sn, x, y
    for j in range(m):
        for i in range(q + 1 if q + 1 > j else j, m):
            L[j * ld + i - 1] = L[j * ld + i]
    for c in range(q, m - 1):
        a = L[c * ld + c]
        b = L[(c + 1) * ld + c]
        r = sqrt(a * a + b * b)
        if not r > 0.0:
            return False
        cs = a / r
        sn = b / r
        for i in range(c, m - 1):
            x = L[c * ld + i]
            y = L[(c + 1) * ld + i]
            L[c * ld + i] = cs * x + sn * y
            L[(c + 1) * ld + i] = cs * y - sn * x
    return True


cdef bint _newton_chain(newton_t *nt, const floating *w, Py_ssize_t m,
                        const pen_t *P) noexcept nogil:
    """Safeguarded Newton steps on the sign-fixed quadratic Q of the support.

    Input: nt.chol, the factor of H (+ nt.mu I) for the features nt.cur[pos[r]]
    of its nt.m rows, nt.rhs = -grad Q there, nt.delta = 0.  Each link solves
    for the (shifted) Newton direction d, takes the longest step t <= 1 along
    it that keeps every penalised sign and every bound, and if a coordinate
    blocked it (t < 1), fixes that coordinate (at 0 or at its bound), removes
    it from the factor (_chol_delete, O(m^2)), updates -grad Q by -H(t d) from
    the factor and goes on with the smaller support: an active-set descent on
    Q in which each link decreases Q, which equals F on the orthant (as in
    the homotopy drop step, Osborne, Presnell & Turlach 2000).  It ends with
    a full step (the minimiser of Q on the remaining support) or after m
    links.  The changes are accumulated in nt.delta (exact values of blocked
    coordinates in nt.fix); the caller applies them and keeps them only if F
    decreased.  False if no step was possible.
    """
    cdef Py_ssize_t r, k, j, q, link, mf = nt.m, ld = nt.ld, blocker
    cdef double t, tk, v, vn, lo, hi, bound, stop_at, u
    cdef double *L = nt.chol
    cdef double *d = nt.step
    cdef int mm, one = 1, lda = <int>ld, info = 0
    cdef char uplo = b'L'
    cdef bint moved = False
    for link in range(m):
        for r in range(mf):
            d[r] = nt.rhs[r]
        mm = <int>mf
        dpotrs(&uplo, &mm, &one, L, &lda, d, &mm, &info)
        if info != 0:
            break
        t = 1.0
        blocker = -1
        stop_at = 0.0
        for r in range(mf):
            k = nt.pos[r]
            j = nt.cur[k]
            v = w[j] + nt.delta[k]
            vn = v + d[r]
            if vn * v <= 0.0 and _l1j(P, j) > 0.0:
                tk = -v / d[r]
                if tk < t:
                    t, blocker, stop_at = tk, r, 0.0
            else:
                lo = _loj(P, j)
                hi = _hij(P, j)
                if vn < lo or vn > hi:
                    bound = lo if vn < lo else hi
                    tk = (bound - v) / d[r]
                    if tk < t:
                        t, blocker, stop_at = tk, r, bound
        if not t > 0.0 or not isfinite(t):
            break
        # the applied change u = t d (exact for the blocker), then -grad Q -= H u
        for r in range(mf):
            k = nt.pos[r]
            if r == blocker:
                u = stop_at - (w[nt.cur[k]] + nt.delta[k])
                nt.fix[k] = stop_at
            else:
                u = t * d[r]
            nt.delta[k] += u
            d[r] = u
        moved = True
        if blocker < 0:
            break
        _chol_hmul(L, ld, mf, nt.mu, d, nt.rhs)
        if not _chol_delete(L, ld, mf, blocker):
            nt.m = 0
            return moved
        for r in range(blocker, mf - 1):
            nt.rhs[r] = nt.rhs[r + 1]
            nt.pos[r] = nt.pos[r + 1]
        mf -= 1
        nt.m = mf
        if mf == 0:
            break
    return moved


cdef void _chol_hmul(const double *L, Py_ssize_t ld, Py_ssize_t m, double mu,
                     double *u, double *rhs) noexcept nogil:
    """rhs -= H u with H = L L^T - mu I (L lower, column-major, leading
    dimension ld); u is overwritten with L^T u."""
    cdef Py_ssize_t i, j
    cdef double acc
    cdef double *v = u
    # v = L^T u in place: v_j = sum_{i >= j} L_ij u_i, ascending j reads only u_i, i >= j
    # (the mu u term is taken first, before u is overwritten)
    for i in range(m):
        rhs[i] += mu * u[i]
    for j in range(m):
        acc = 0.0
        for i in range(j, m):
            acc += L[j * ld + i] * v[i]
        v[j] = acc
    # rhs -= L v
    for j in range(m):
        for i in range(j, m):
            rhs[i] -= L[j * ld + i] * v[j]


cdef inline double _epochs_left(double gap, double gap_prev, double target,
                                Py_ssize_t gap_freq) noexcept nogil:
    """Epochs coordinate descent still needs to take the gap from ``gap`` to
    ``target`` if it keeps the linear rate of the last ``gap_freq`` epochs
    (gap_prev -> gap); 0 when there is no rate yet, at most 100 gap checks."""
    cdef double cap = 100.0 * gap_freq
    if not (gap_prev < INFINITY and gap > target and target > 0.0):
        return 0.0
    if not gap < gap_prev:
        return cap
    return fmin(cap, gap_freq * log(gap / target) / log(gap_prev / gap))


cdef bint _newton_step(const design_t *D, floating *w, floating *res, double *shift,
                       const floating *target, double yy, double primal,
                       const Py_ssize_t *ws, Py_ssize_t ws_size, const pen_t *P,
                       Py_ssize_t epochs_spent, workspace_t *wk, double gap,
                       double inner_tol, Py_ssize_t gap_freq) noexcept nogil:
    """Try one Newton step on the support (see newton_t); True if taken.

    The support is the non-zeros strictly inside their box (those at a
    non-zero bound stay fixed); the step is cut where a penalised
    coordinate changes sign or a coordinate reaches its bound, the
    blocking coordinate is set exactly to that value, and the step goes on
    on the smaller support (_newton_chain).  A singular H (|S| >= n, or
    collinear columns) is factored shifted (_chol_shifted).

    Needs wk.corr[PT_CURRENT] fresh for the support (a gap check just ran).
    Taken only when the support equals the one at the previous check and
    the factor can follow the support cheaply (_factor_update), or building
    H costs no more than the ``epochs_spent`` so far on this subproblem (so
    it at most doubles the work) or than the epochs coordinate descent is
    predicted to need at the rate of the last check (``gap`` and the
    previous check's, against ``inner_tol``); reverted if the objective did
    not decrease (rounding on a nearly singular H).
    """
    cdef newton_t *nt = &wk.nt
    cdef Py_ssize_t k, j, m = 0, nnz_s = 0, nnz_ws = 0
    cdef double t = 1.0, tk, sj, wn, build, epoch, p_new, lo, hi, stop_at = 0.0, bound
    cdef const double *corr = wk.corr[PT_CURRENT]
    cdef int mm, one = 1, info = 0
    cdef char uplo = b'L'
    cdef Py_ssize_t m_new, r, lo_k, hi_k
    cdef double gap_prev = nt.last_gap
    if not nt.enabled:
        return False
    nt.last_gap = gap
    for k in range(ws_size):
        j = ws[k]
        if w[j] != 0.0 and w[j] != _loj(P, j) and w[j] != _hij(P, j):
            if m == nt.cap:
                nt.m_prev = 0
                return False
            nt.cur[m] = j
            m += 1
    if m == 0:
        nt.m_prev = 0
        return False
    qsort(nt.cur, m, sizeof(Py_ssize_t), _cmp_index)
    if nt.require_stable and (m != nt.m_prev or
                              memcmp(nt.cur, nt.prev, m * sizeof(Py_ssize_t)) != 0):
        memcpy(nt.prev, nt.cur, m * sizeof(Py_ssize_t))
        nt.m_prev = m
        return False
    if ((m != nt.m or memcmp(nt.cur, nt.supp, m * sizeof(Py_ssize_t)) != 0)
            and not _factor_update(D, nt, m, P, res)):
        # cost of building and factoring H against the epochs it may save
        if D.kind == PZ_DENSE:
            build = <double>m * m * D.n
            epoch = 2.0 * ws_size * D.n
        elif D.kind == PZ_GRAM:
            build = <double>m * m
            epoch = 2.0 * ws_size * D.p
        else:
            for k in range(m):
                nnz_s += _csc_start(D, nt.cur[k] + 1) - _csc_start(D, nt.cur[k])
            for k in range(ws_size):
                nnz_ws += _csc_start(D, ws[k] + 1) - _csc_start(D, ws[k])
            build = <double>m * (nnz_s + D.n)
            epoch = 2.0 * nnz_ws
        build += <double>m * m * m / 3.0
        # ski rental (the epochs spent so far pay for the build), or the epochs
        # coordinate descent is still predicted to need at the gap's last rate
        if build > fmax(<double>(epochs_spent - nt.built_at),
                        _epochs_left(gap, gap_prev, inner_tol, gap_freq)) * epoch:
            return False
        nt.built_at = epochs_spent
        _factor_support(D, nt, m, P, res)
    if nt.failed:
        return False
    # Newton direction: H d = -grad Q(w_S) = corr_S - l2_j w_S - l1_j s_S
    for k in range(m):
        nt.delta[k] = 0.0
        nt.fix[k] = NAN
    for r in range(m):
        # position of the factor's row r in cur (sorted): binary search
        lo_k = 0
        hi_k = m - 1
        while lo_k < hi_k:
            k = (lo_k + hi_k) // 2
            if nt.cur[k] < nt.frow[r]:
                lo_k = k + 1
            else:
                hi_k = k
        nt.pos[r] = lo_k
        j = nt.frow[r]
        sj = 1.0 if w[j] > 0.0 else -1.0
        nt.rhs[r] = corr[j] - _l2j(P, j) * w[j] - _l1j(P, j) * sj
    if not _newton_chain(nt, w, m, P):
        if nt.m != m:
            nt.m = 0
        return False
    for k in range(m):
        j = nt.cur[k]
        wn = nt.delta[k]
        if wn != 0.0:
            _apply_update(D, j, wn, res, shift)
            w[j] = <floating>(w[j] + wn)
    _fold_shift(D, res, shift)
    p_new = _primal_value(D, w, res, target, yy, P)
    if not p_new < primal:
        for k in range(m):
            j = nt.cur[k]
            if nt.delta[k] != 0.0:
                _apply_update(D, j, -nt.delta[k], res, shift)
                w[j] = <floating>(w[j] - nt.delta[k])
        _fold_shift(D, res, shift)
        if nt.m != m:
            nt.m = 0     # the factor was downdated for a support w does not have
        return False
    for k in range(m):
        if not isnan(nt.fix[k]):
            w[nt.cur[k]] = <floating>nt.fix[k]
    # the factor now belongs to the support left after the chain's drops (kept
    # for the next check); that support is also the one the stability test sees
    m_new = 0
    for r in range(nt.m):
        nt.frow[r] = nt.cur[nt.pos[r]]
    for k in range(m):
        if isnan(nt.fix[k]):
            nt.prev[m_new] = nt.cur[k]
            m_new += 1
    nt.m_prev = m_new
    if nt.m == m_new:
        memcpy(nt.supp, nt.prev, m_new * sizeof(Py_ssize_t))
    else:
        nt.m = 0
    wk.ex.count = 0    # the iterates jumped: restart the extrapolation history
    return True
