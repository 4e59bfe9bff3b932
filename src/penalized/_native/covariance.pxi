# Included by _core.pyx (see its docstring for the layout).

# ---------------------------------------------------------------------------
# Working-set covariance updates (glmnet's "covariance" mode, adelie's
# approach) for tall least-squares problems
# ---------------------------------------------------------------------------
#
# The inner solve of the outer loop (``_ls_inner``) minimises F over the
# working set S with the other coefficients fixed.  With r the current
# residual, that subproblem is itself a least-squares problem in Gram form:
#
#     min_{u}  1/2 ||r + X_c,S w_S - X_c,S u||_S^2 + sum_{j in S} g_j(u_j),
#
# with G_SS = X_c,S^T S X_c,S, q = X_c,S^T S r + G_SS w_S and
# yy = ||r||_S^2 + w_S^T (q + g), g = X_c,S^T S r (= q - G_SS w_S at u = w_S).
# It is solved by the one inner loop (``_ls_inner_cd``) on a GRAM design of
# |S| columns (the column access of design.pxi: a coordinate step is an O(|S|)
# axpy on g instead of an O(nnz(x_j)) one on r, its correlation a lookup),
# and its solution is written back into w and r (one axpy per changed
# coordinate).  The outer gap checks are untouched: they recompute the true
# residual from w and certify it, so a rounded or slightly inaccurate G_SS
# can only cost rounds, never the certificate.
#
# G_SS comes from a cache of Gram entries kept along a path (``cov_t``,
# owned by a Python ``CovarianceCache``): a feature entering the working
# set costs one column product per cached feature (its column scattered
# once, X^T x_j restricted to the cache), and features rarely leave.  When
# the cache is full it keeps the current working set only.
#
# Cost model (mode COV_AUTO, per inner solve, in stored entries read, one
# unit = an entry of a working-set column product; E = the running mean of
# epochs per inner solve, k = nnz(w_S) + 1, build = the new features' Gram
# entries: dense, n per cached feature; CSC, nnz(x_j) times the mean row
# length, through the CSR copy of X):
#   1. an epoch on the block must be cheaper than one on the columns:
#        COV_GRAM_COST (|S| + k |S|) < nnz(X_S) + nnz(X_supp);
#   2. the first purchase (the CSR copy, COV_CSR_COST per entry of X, and the
#      first block, COV_BUILD_COST per entry) is made ski-rental style: once
#      the inner solves left to coordinate descent, E (nnz(X_S) + nnz(X_supp))
#      each, have cost as much in total;
#   3. afterwards, per solve: COV_BUILD_COST / COV_REUSE * build + nnz(X_S)
#      + nnz(X_supp) + n + |S|^2 + COV_GRAM_COST E (|S| + k |S|) below
#      E (nnz(X_S) + nnz(X_supp)) (a new feature's column serves many solves).
# The weights were measured on hockey and a synthetic tall set
# (docs/user_guide/models.md).

DEF COV_BUILD_COST = 16.0       # a Gram entry built through the CSR rows (random access)
DEF COV_CSR_COST = 50.0         # the CSR copy, per stored entry of X (random writes)
DEF COV_GRAM_COST = 2.0         # a Gram-block entry read by an epoch
DEF COV_REUSE = 16.0            # inner solves a cached feature serves (its build amortized)
DEF COV_MIN_CAP = 64

cdef enum:
    COV_OFF = 0
    COV_AUTO = 1
    COV_ON = 2


cdef struct cov_t:
    int mode                # COV_*
    Py_ssize_t p
    Py_ssize_t n
    Py_ssize_t isz          # X's item size (the subproblem's dtype)
    Py_ssize_t max_cap      # the most features the cache may hold (memory bound)
    Py_ssize_t m            # features in the cache
    Py_ssize_t cap          # its capacity: G is cap x cap
    Py_ssize_t *feat        # cap: the feature of each slot
    Py_ssize_t *slot        # p: the slot of each feature, -1 if not cached
    double *G               # cap x cap, column-major: G[a + b cap] = x_c,feat[a]^T S x_c,feat[b]
    # the per-solve buffers, for bcap features
    Py_ssize_t bcap
    void *blk               # bcap^2, X's dtype: G_SS contiguous, in working-set order
    void *w_s               # bcap, X's dtype: the subproblem's iterate
    void *g_s               # its g = q - G_SS u
    void *q_s               # its target q
    double *sqn             # the columns' squared norms (G_SS's diagonal)
    double *f1b
    double *f2b
    double *lob
    double *hib
    Py_ssize_t *pos         # bcap: slot of each working-set position
    void *col               # n, X's dtype: a CSC column scattered (zero between uses)
    char *mark              # p flags, zero between uses (_cov_keep_only)
    # CSC designs: X's rows (CSR), built at the first Gram solve, so that a new
    # feature's entries against the cache cost sum over its rows of their nnz
    Py_ssize_t *rptr        # n + 1
    Py_ssize_t *rcol        # nnz
    void *rval              # nnz, X's dtype
    double *gcol            # cap: one new column's accumulator
    workspace_t sub         # the subproblem's workspace (bcap features)
    bint sub_alloc
    int sub_flags           # the options sub was allocated with
    Py_ssize_t sub_newton_cap
    # the cost model and the counters
    double epochs_sum
    double rent             # the estimated cost of the CD solves before the CSR copy
    Py_ssize_t n_solves
    Py_ssize_t n_gram       # inner solves run on the Gram block
    Py_ssize_t n_cd         # inner solves left to coordinate descent on X
    Py_ssize_t n_built      # features whose Gram entries were computed
    double build_entries    # stored entries of X read building the cache
    double gram_entries     # Gram-block entries read by the epochs (|S| per step)


cdef void _cov_free(cov_t *cv) noexcept nogil:
    free(cv.feat); free(cv.slot); free(cv.G)
    free(cv.blk); free(cv.w_s); free(cv.g_s); free(cv.q_s); free(cv.sqn)
    free(cv.f1b); free(cv.f2b); free(cv.lob); free(cv.hib); free(cv.pos); free(cv.col)
    free(cv.mark); free(cv.rptr); free(cv.rcol); free(cv.rval); free(cv.gcol)
    cv.rptr = NULL; cv.rcol = NULL; cv.rval = NULL; cv.gcol = NULL
    if cv.sub_alloc:
        _workspace_free(&cv.sub, True)
    cv.feat = NULL; cv.slot = NULL; cv.G = NULL; cv.blk = NULL
    cv.w_s = NULL; cv.g_s = NULL; cv.q_s = NULL; cv.sqn = NULL
    cv.f1b = NULL; cv.f2b = NULL; cv.lob = NULL; cv.hib = NULL; cv.pos = NULL; cv.col = NULL
    cv.mark = NULL
    cv.sub_alloc = False
    cv.m = 0
    cv.cap = 0
    cv.bcap = 0


cdef bint _cov_init(cov_t *cv, Py_ssize_t n, Py_ssize_t p, Py_ssize_t isz, int mode,
                    Py_ssize_t max_cap) noexcept nogil:
    cdef Py_ssize_t j
    memset(cv, 0, sizeof(cov_t))
    cv.mode = mode
    cv.n = n
    cv.p = p
    cv.isz = isz
    cv.max_cap = max_cap if max_cap < p else p
    cv.slot = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    cv.col = calloc(n + 1, isz)
    cv.mark = <char *>calloc(p + 1, 1)
    if cv.slot == NULL or cv.col == NULL or cv.mark == NULL:
        return False
    for j in range(p):
        cv.slot[j] = -1
    return True


cdef bint _cov_grow(cov_t *cv, Py_ssize_t need) noexcept nogil:
    """Room for ``need`` cached features (need <= max_cap); False if out of memory."""
    cdef Py_ssize_t cap = cv.cap, a, b
    cdef double *G
    cdef Py_ssize_t *feat
    if need <= cap:
        return True
    cap = 2 * cap if 2 * cap > COV_MIN_CAP else COV_MIN_CAP
    if cap < need:
        cap = need
    if cap > cv.max_cap:
        cap = cv.max_cap
    G = <double *>malloc(cap * cap * sizeof(double) + 1)
    feat = <Py_ssize_t *>realloc(cv.feat, (cap + 1) * sizeof(Py_ssize_t))
    if feat != NULL:
        cv.feat = feat
    free(cv.gcol)
    cv.gcol = <double *>calloc(cap + 1, sizeof(double))
    if G == NULL or feat == NULL or cv.gcol == NULL:
        free(G)
        return False
    cv.feat = feat
    for b in range(cv.m):
        for a in range(cv.m):
            G[a + b * cap] = cv.G[a + b * cv.cap]
    free(cv.G)
    cv.G = G
    cv.cap = cap
    return True


cdef void _cov_keep_only(cov_t *cv, const Py_ssize_t *ws, Py_ssize_t m) noexcept nogil:
    """Drop every cached feature not in ws[:m] (compacting G in place: each kept
    entry moves to a position no later than its own, in increasing order)."""
    cdef Py_ssize_t a, b, k = 0, j
    cdef Py_ssize_t *keep = cv.pos     # scratch, p entries
    cdef char *in_ws = cv.mark
    for a in range(m):
        in_ws[ws[a]] = 1
    for a in range(cv.m):
        j = cv.feat[a]
        if in_ws[j]:
            keep[k] = a
            k += 1
        else:
            cv.slot[j] = -1
    for a in range(m):
        in_ws[ws[a]] = 0
    for b in range(k):
        for a in range(k):
            cv.G[a + b * cv.cap] = cv.G[keep[a] + keep[b] * cv.cap]
    for a in range(k):
        cv.feat[a] = cv.feat[keep[a]]
        cv.slot[cv.feat[a]] = a
    cv.m = k


cdef bint _cov_buffers(cov_t *cv, Py_ssize_t m, const workspace_t *wk) noexcept nogil:
    """The per-solve buffers and the subproblem's workspace for m features."""
    cdef Py_ssize_t bcap = cv.bcap, isz = cv.isz
    cdef int flags = (wk.extrapolate | (wk.accelerate << 1) | (wk.nt.enabled << 2)
                      | (wk.nt.require_stable << 3))
    cdef Py_ssize_t ncap = wk.nt.cap if wk.nt.enabled else 0
    if m > bcap or cv.blk == NULL:
        bcap = 2 * bcap if 2 * bcap > COV_MIN_CAP else COV_MIN_CAP
        if bcap < m:
            bcap = m
        if bcap > cv.p:
            bcap = cv.p
        free(cv.blk); free(cv.w_s); free(cv.g_s); free(cv.q_s); free(cv.sqn)
        free(cv.f1b); free(cv.f2b); free(cv.lob); free(cv.hib); free(cv.pos)
        cv.blk = malloc(bcap * bcap * isz + 1)
        cv.w_s = malloc((bcap + 1) * isz)
        cv.g_s = malloc((bcap + 1) * isz)
        cv.q_s = malloc((bcap + 1) * isz)
        cv.sqn = <double *>malloc((bcap + 1) * sizeof(double))
        cv.f1b = <double *>malloc((bcap + 1) * sizeof(double))
        cv.f2b = <double *>malloc((bcap + 1) * sizeof(double))
        cv.lob = <double *>malloc((bcap + 1) * sizeof(double))
        cv.hib = <double *>malloc((bcap + 1) * sizeof(double))
        cv.pos = <Py_ssize_t *>malloc((cv.p + 1) * sizeof(Py_ssize_t))
        cv.bcap = bcap
        if cv.sub_alloc:
            _workspace_free(&cv.sub, True)
            cv.sub_alloc = False
        if (cv.blk == NULL or cv.w_s == NULL or cv.g_s == NULL or cv.q_s == NULL
                or cv.sqn == NULL or cv.f1b == NULL or cv.f2b == NULL or cv.lob == NULL
                or cv.hib == NULL or cv.pos == NULL):
            _cov_free(cv)
            return False
    if cv.sub_alloc and (cv.sub_flags != flags or cv.sub_newton_cap != ncap):
        _workspace_free(&cv.sub, True)
        cv.sub_alloc = False
    if not cv.sub_alloc:
        cv.sub_alloc = True
        cv.sub_flags = flags
        cv.sub_newton_cap = ncap
        if not _workspace_alloc(&cv.sub, cv.bcap, cv.bcap, isz, wk.extrapolate,
                                wk.accelerate, wk.nt.enabled, ncap, wk.nt.require_stable,
                                True, False):
            _workspace_free(&cv.sub, True)
            cv.sub_alloc = False
            return False
    return True


cdef bint _cov_rows(cov_t *cv, const design_t *D, floating *tag) noexcept nogil:
    """The CSR copy of a CSC design (once per cache; O(nnz) time, nnz entries)."""
    cdef Py_ssize_t j, t, i, nnz, a0, a1
    cdef floating *rv
    if cv.rptr != NULL:
        return True
    nnz = _csc_start(D, D.p)
    cv.rptr = <Py_ssize_t *>calloc(D.n + 2, sizeof(Py_ssize_t))
    cv.rcol = <Py_ssize_t *>malloc((nnz + 1) * sizeof(Py_ssize_t))
    cv.rval = malloc((nnz + 1) * cv.isz)
    if cv.rptr == NULL or cv.rcol == NULL or cv.rval == NULL:
        free(cv.rptr); free(cv.rcol); free(cv.rval)
        cv.rptr = NULL; cv.rcol = NULL; cv.rval = NULL
        return False
    rv = <floating *>cv.rval
    for t in range(nnz):
        i = (<const int64_t *>D.indices)[t] if D.index64 else (<const int32_t *>D.indices)[t]
        cv.rptr[i + 2] += 1
    for i in range(D.n):
        cv.rptr[i + 2] += cv.rptr[i + 1]
    for j in range(D.p):
        a0 = _csc_start(D, j)
        a1 = _csc_start(D, j + 1)
        for t in range(a0, a1):
            i = (<const int64_t *>D.indices)[t] if D.index64 else (<const int32_t *>D.indices)[t]
            cv.rcol[cv.rptr[i + 1]] = j
            rv[cv.rptr[i + 1]] = (<const floating *>D.data)[t]
            cv.rptr[i + 1] += 1
    return True


cdef double _cov_add(cov_t *cv, const design_t *D, Py_ssize_t j, floating *tag) noexcept nogil:
    """Cache feature j (room for it reserved): its Gram entries against every
    cached feature, x_c,j^T S x_c,k = x_j^T S x_k - sw_sum m_j m_k, from one
    scatter of x_j and one column product per cached feature; the diagonal is
    the design's col_sqnorm (the coordinate steps' own Lipschitz constant).
    Returns the stored entries of X read."""
    cdef Py_ssize_t s = cv.m, b, k, a0, a1, t
    cdef floating *v = <floating *>cv.col
    cdef const floating *x
    cdef double c, mj, ent = 0.0
    cdef const int64_t *i64 = <const int64_t *>D.indices
    cdef const int32_t *i32 = <const int32_t *>D.indices
    cdef const floating *rv = <const floating *>cv.rval
    cdef const floating *sw = <const floating *>D.sw
    cdef Py_ssize_t i, u
    mj = D.x_mean[j] if D.x_mean != NULL else 0.0
    if D.kind == PZ_DENSE:
        x = <const floating *>D.X + j * D.n
        ent += D.n
        for b in range(s):
            k = cv.feat[b]
            c = _col_wdot(D, k, x)
            if D.x_mean != NULL:
                c -= D.sw_sum * mj * D.x_mean[k]
            cv.G[b + s * cv.cap] = c
            cv.G[s + b * cv.cap] = c
            ent += D.n
    else:
        # sum over x_j's rows i of s_i x_ij x_ik, for the cached k of row i
        a0 = _csc_start(D, j)
        a1 = _csc_start(D, j + 1)
        for t in range(a0, a1):
            i = i64[t] if D.index64 else i32[t]
            c = (<const floating *>D.data)[t]
            if sw != NULL:
                c *= sw[i]
            for u in range(cv.rptr[i], cv.rptr[i + 1]):
                b = cv.slot[cv.rcol[u]]
                if b >= 0:
                    cv.gcol[b] += c * rv[u]
            ent += cv.rptr[i + 1] - cv.rptr[i]
        for b in range(s):
            k = cv.feat[b]
            c = cv.gcol[b]
            cv.gcol[b] = 0.0
            if D.x_mean != NULL:
                c -= D.sw_sum * mj * D.x_mean[k]
            cv.G[b + s * cv.cap] = c
            cv.G[s + b * cv.cap] = c
    cv.G[s + s * cv.cap] = D.col_sqnorm[j]
    cv.feat[s] = j
    cv.slot[j] = s
    cv.m = s + 1
    cv.n_built += 1
    return ent


cdef void _cov_note(cov_t *cv, Py_ssize_t epochs) noexcept nogil:
    cv.epochs_sum += epochs
    cv.n_solves += 1


cdef bint _cov_inner(outer_t *A, ls_outer_t *pb, double inner_tol,
                     floating *tag) noexcept nogil:
    """The inner solve on the working set's Gram block (see the head comment);
    False (nothing changed) when the cost model, the memory bound or the
    allocation leaves it to coordinate descent on X."""
    cdef cov_t *cv = <cov_t *>pb.cov
    cdef const design_t *D = pb.D
    cdef workspace_t *wk = pb.wk
    cdef solve_info_t *info = pb.info
    cdef const pen_t *P = pb.P
    cdef floating *w = <floating *>pb.w
    cdef floating *res = <floating *>pb.res
    cdef const Py_ssize_t *ws = wk.ws
    cdef Py_ssize_t m = A.ws_size, a, b, j, n_new = 0, e0
    cdef double nnz_s, E, cost_cd, cost_cov, acc, rr, wq, delta, k, upd = 0.0, build = 0.0
    cdef double supp = 0.0, n_supp = 0.0
    cdef const floating *s = <const floating *>D.sw
    cdef floating *blk
    cdef floating *ws_w
    cdef floating *ws_g
    cdef floating *ws_q
    cdef const double *Gb
    cdef design_t DS
    cdef pen_t PS
    cdef ls_outer_t pbs
    cdef outer_t AS
    if m <= 0 or m > cv.max_cap:
        return False
    for a in range(m):
        j = ws[a]
        acc = _col_entries(D, j)
        if cv.slot[j] < 0:
            n_new += 1
            build += acc
        if w[j] != 0.0:
            n_supp += 1
            supp += acc
    # a new column against the cache: dense, one product per cached feature; CSC,
    # its rows' entries (the mean row length)
    if D.kind == PZ_DENSE:
        build *= cv.m + n_new
    else:
        build *= 1.0 + _csc_start(D, D.p) / <double>(D.n if D.n > 0 else 1)
    nnz_s = _set_entries(D, ws, m)
    if cv.mode == COV_AUTO:
        E = cv.epochs_sum / cv.n_solves if cv.n_solves > 0 else <double>pb.gap_freq
        # per epoch: CD reads every column of S once and updates along the
        # support's; the Gram block reads |S| entries and one |S| column per
        # support coordinate
        cost_cd = E * (nnz_s + supp)
        k = n_supp + 1.0
        # an epoch on the block must be cheaper than one on X's columns
        if not COV_GRAM_COST * (m + k * m) < nnz_s + supp:
            return False
        if cv.m == 0:
            # nothing bought yet (ski rental): the CSR copy and the first block
            # only once the coordinate descent they replace has cost as much
            cv.rent += cost_cd
            if cv.rent < (COV_BUILD_COST * build
                          + (COV_CSR_COST * _csc_start(D, D.p) if D.kind == PZ_CSC else 0.0)):
                return False
        else:
            # later entries: their Gram columns amortized over COV_REUSE solves
            cost_cov = (COV_BUILD_COST / COV_REUSE * build + nnz_s + supp + D.n + m * m
                        + COV_GRAM_COST * E * (m + k * m))
            if not cost_cov < cost_cd:
                return False
    if not _cov_buffers(cv, m, wk):
        return False
    if D.kind == PZ_CSC and not _cov_rows(cv, D, tag):
        return False
    if cv.m + n_new > cv.max_cap:
        _cov_keep_only(cv, ws, m)
    if not _cov_grow(cv, cv.m + n_new):
        return False
    for a in range(m):
        if cv.slot[ws[a]] < 0:
            acc = _cov_add(cv, D, ws[a], tag)
            cv.build_entries += acc
            info.ws_entries += acc
    cv.n_gram += 1
    # the subproblem at u = w_S: its block, g = X_c,S^T S r, q = g + G_SS w_S, yy
    blk = <floating *>cv.blk
    ws_w = <floating *>cv.w_s
    ws_g = <floating *>cv.g_s
    ws_q = <floating *>cv.q_s
    _fold_shift(D, res, &pb.shift)
    for a in range(m):
        cv.pos[a] = cv.slot[ws[a]]
    for b in range(m):
        Gb = cv.G + cv.pos[b] * cv.cap
        for a in range(m):
            blk[a + b * m] = <floating>Gb[cv.pos[a]]
    rr = 0.0
    if s == NULL:
        for a in range(D.n):
            rr += <double>res[a] * res[a]
    else:
        for a in range(D.n):
            rr += <double>s[a] * res[a] * res[a]
    wq = 0.0
    for a in range(m):
        j = ws[a]
        ws_w[a] = w[j]
        cv.sqn[a] = D.col_sqnorm[j]
        acc = _col_corr(D, j, res, 0.0)
        ws_g[a] = <floating>acc
        for b in range(m):
            if w[ws[b]] != 0.0:
                acc += cv.G[cv.pos[a] + cv.pos[b] * cv.cap] * w[ws[b]]
        ws_q[a] = <floating>acc
        if w[j] != 0.0:
            wq += <double>w[j] * (<double>ws_q[a] + ws_g[a])
        if P.f1 != NULL:
            cv.f1b[a] = P.f1[j]
        if P.f2 != NULL:
            cv.f2b[a] = P.f2[j]
        if P.lo != NULL:
            cv.lob[a] = P.lo[j]
        if P.hi != NULL:
            cv.hib[a] = P.hi[j]
        cv.sub.ws[a] = a
    info.ws_entries += nnz_s
    memset(&DS, 0, sizeof(design_t))
    DS.kind = PZ_GRAM
    DS.n = D.n
    DS.p = m
    DS.X = blk
    DS.col_sqnorm = cv.sqn
    DS.sw_sum = D.sw_sum
    memset(&PS, 0, sizeof(pen_t))
    PS.l1 = P.l1
    PS.l2 = P.l2
    PS.f1 = cv.f1b if P.f1 != NULL else NULL
    PS.f2 = cv.f2b if P.f2 != NULL else NULL
    PS.lo = cv.lob if P.lo != NULL else NULL
    PS.hi = cv.hib if P.hi != NULL else NULL
    memset(&pbs, 0, sizeof(ls_outer_t))
    pbs.D = &DS
    pbs.w = ws_w
    pbs.res = ws_g
    pbs.target = ws_q
    pbs.yy = rr + wq
    pbs.P = &PS
    pbs.max_epochs = pb.max_epochs
    pbs.gap_freq = pb.gap_freq
    pbs.shuffle = pb.shuffle
    pbs.rng = pb.rng
    pbs.wk = &cv.sub
    pbs.info = info
    cv.sub.has_cert = False
    cv.sub.carry = NULL
    cv.sub.n_threads = 0
    memset(&AS, 0, sizeof(outer_t))
    AS.ws_size = m
    AS.ulps = A.ulps
    if wk.extrapolate:
        _track(&wk.ex, wk.ws, m)     # as _ls_inner_cd: the outer history restarts
    e0 = info.n_epochs
    _ls_inner_cd(&AS, &pbs, inner_tol, tag)
    cv.gram_entries += <double>(info.n_epochs - e0) * m * m
    # write the subproblem's solution back: w_S and r -= X_c,S (u - w_S)
    for a in range(m):
        j = ws[a]
        delta = <double>ws_w[a] - w[j]
        if delta != 0.0:
            _apply_update(D, j, delta, res, &pb.shift)
            w[j] = ws_w[a]
            upd += _col_entries(D, j)
    info.axpy_entries += upd
    return True


cdef class CovarianceCache:
    """The working-set Gram cache of one design, kept along a path.

    Pass it as ``enet_solve(..., cov=cache)`` for every solve of a path on
    ``design`` (one cache per path in flight: it is not thread-safe).  Its
    entries depend on the design only (X, weights, centring), not on the
    target or the penalty.

    Parameters
    ----------
    design : Design (DENSE or CSC)
    mode : 'auto' (the cost model of covariance.pxi picks, per inner solve) or
        'always' (every inner solve whose working set fits ``max_bytes``).
    max_bytes : bound on the cached Gram entries (float64); None: 8 MB or twice
        X's stored values, whichever is larger.  A working set with more features
        than fit is left to coordinate descent.

    Memory: the cached block (at most ``max_bytes``), the per-solve copy of G_SS in
    X's dtype, and for CSC X the CSR copy of X (16 bytes per stored entry and 8 per
    row), made at the first Gram solve only.
    """
    cdef cov_t c
    cdef readonly Design design
    cdef readonly str mode

    def __cinit__(self, Design design, mode="auto", max_bytes=None):
        memset(&self.c, 0, sizeof(cov_t))
        if design.d.kind == PZ_GRAM:
            raise ValueError("CovarianceCache: the design is already a Gram matrix")
        if mode not in ("auto", "always"):
            raise ValueError(f"CovarianceCache: mode must be 'auto' or 'always', got {mode!r}")
        isz = np.dtype(design.dtype).itemsize
        if max_bytes is None:
            max_bytes = max(8 << 20, 2 * design.nnz * isz)
        if max_bytes < 0:
            raise ValueError("CovarianceCache: max_bytes must be >= 0")
        max_cap = int(np.sqrt(float(max_bytes) / 8.0))
        self.design = design
        self.mode = mode
        if not _cov_init(&self.c, design.d.n, design.d.p, isz,
                         COV_AUTO if mode == "auto" else COV_ON, max_cap):
            _cov_free(&self.c)
            raise MemoryError()

    def __dealloc__(self):
        _cov_free(&self.c)

    @property
    def stats(self):
        """Counters since creation: inner solves on the Gram block (``n_gram``)
        and by coordinate descent on X (``n_cd``), features whose Gram entries
        were computed (``n_built``), cached now (``n_cached``), stored entries
        of X read building them (``build_entries``), Gram-block entries read by
        the block's epochs (``gram_entries``, a bound: |S| per coordinate), and
        the capacity in features (``max_features``)."""
        return {"n_gram": self.c.n_gram, "n_cd": self.c.n_cd, "n_built": self.c.n_built,
                "n_cached": self.c.m, "build_entries": self.c.build_entries,
                "gram_entries": self.c.gram_entries, "max_features": self.c.max_cap}
