# Included by _core.pyx: proximal Newton for smooth losses on the solver above.
#
# Proximal Newton (Lee, Sun, Saunders 2014; glmnet's IRLS-CD, Friedman,
# Hastie, Tibshirani 2010; newGLMNET, Yuan, Ho, Lin 2012) for
#
#     n F(w, b) = sum_i s_i f_i(eta_i) + L1 ||w||_1 + L2/2 ||w||^2,   eta = X w + b,
#
# s summing to n.  Each step minimises the quadratic model of the loss, a
# weighted least-squares elastic net with weights h_i = s_i f_i''(eta_i)
# (floored) and working response z = eta + r / curv, r = -f'(eta) (the
# model's gradient is the loss's exactly), by ``_solve`` itself; then it
# backtracks on n F (Armijo).  Around it, the outer working set of
# ``_glm_solve``.  The loss is a plug-in: ``glm_loss_t`` and the four
# ``_loss_*`` functions below are all the driver knows of it (today the
# binomial loss; a new loss adds a kind and its four cases).  The whole solve
# runs without the GIL; the multinomial loss stays in ``_logistic.py``.

DEF GLM_CURV_FLOOR = 1e-10    # floor on f'' in the quadratic model
DEF GLM_ARMIJO = 1e-4
DEF GLM_MAX_BACKTRACK = 30
DEF GLM_INNER_RATIO = 0.3     # a model is solved to this fraction of the current gap
DEF GLM_F_RESOLUTION = 1e-13  # relative rounding of F (a sum of n terms) in the line search
DEF GLM_STALL_CHECKS = 5      # outer checks without the gap falling below
DEF GLM_STALL_DECREASE = 0.99 # this fraction of its best value end the solve

cdef enum:
    LOSS_BINOMIAL = 0    # f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}


cdef struct glm_loss_t:
    int kind
    Py_ssize_t n
    const double *y
    const double *s      # sample weights, summing to n
    double s_max
    double modulus       # the dual is (modulus / s_max)-strongly concave


cdef inline double _xlogx(double a) noexcept nogil:
    return a * log(a) if a > 0.0 else 0.0


cdef double _loss_value(const glm_loss_t *L, const double *eta) noexcept nogil:
    """sum_i s_i f_i(eta_i)."""
    cdef Py_ssize_t i
    cdef double acc = 0.0
    for i in range(L.n):
        acc += L.s[i] * pz_log1pexp(-L.y[i] * eta[i])
    return acc


cdef double _loss_model(const glm_loss_t *L, const double *eta, double *r,
                        double *curv) noexcept nogil:
    """Per unit weight: r_i = -f_i'(eta_i), curv_i = f_i''(eta_i) (floored).

    Returns sum_i s_i curv_i.  Binomial: r_i = y_i sigmoid(-y_i eta_i),
    curv_i = p_i (1 - p_i) with p_i = sigmoid(eta_i).
    """
    cdef Py_ssize_t i
    cdef double pe, hsum = 0.0
    for i in range(L.n):
        pe = pz_sigmoid(eta[i])
        curv[i] = pe * (1.0 - pe)
        if curv[i] < GLM_CURV_FLOOR:
            curv[i] = GLM_CURV_FLOOR
        r[i] = L.y[i] * pz_sigmoid(-L.y[i] * eta[i])
        hsum += L.s[i] * curv[i]
    return hsum


cdef void _loss_dual_point(const glm_loss_t *L, const double *eta, bint fit_intercept,
                           double *a, double *theta) noexcept nogil:
    """A dual point theta = -grad of the loss, moved to meet sum_i theta_i = 0.

    Binomial: a_i = sigmoid(-y_i eta_i) in [0, 1], theta_i = s_i y_i a_i; with an
    intercept the larger label group's a is shrunk so that sum_i theta_i = 0
    exactly (a stays in the conjugate's domain).
    """
    cdef Py_ssize_t i
    cdef double pos = 0.0, neg = 0.0
    for i in range(L.n):
        a[i] = pz_sigmoid(-L.y[i] * eta[i])
        if L.y[i] > 0:
            pos += L.s[i] * a[i]
        else:
            neg += L.s[i] * a[i]
    if fit_intercept:
        if pos > neg and neg > 0.0:
            for i in range(L.n):
                if L.y[i] > 0:
                    a[i] *= neg / pos
        elif neg > pos and pos > 0.0:
            for i in range(L.n):
                if L.y[i] < 0:
                    a[i] *= pos / neg
    for i in range(L.n):
        theta[i] = L.s[i] * L.y[i] * a[i]


cdef double _loss_conjugate(const glm_loss_t *L, const double *a, double t) noexcept nogil:
    """sum_i s_i f_i*(-t theta_i / s_i) at the dual point a scaled by t in (0, 1].

    Binomial: s_i (t a_i log(t a_i) + (1 - t a_i) log(1 - t a_i)).
    """
    cdef Py_ssize_t i
    cdef double conj = 0.0
    for i in range(L.n):
        conj += L.s[i] * (_xlogx(t * a[i]) + _xlogx(1.0 - t * a[i]))
    return conj


cdef double _l1l2(const double *w, const double *dw, double t, Py_ssize_t m, double L1,
                  double L2) noexcept nogil:
    """L1 ||v||_1 + L2/2 ||v||^2 at v = w + t dw (v = w when dw is NULL)."""
    cdef Py_ssize_t j
    cdef double a = 0.0, q = 0.0, v
    for j in range(m):
        v = w[j] + t * dw[j] if dw != NULL else w[j]
        a += fabs(v)
        q += v * v
    return L1 * a + 0.5 * L2 * q


cdef struct glm_gap_t:
    double gap          # n F(w, b) - D(t theta), unscaled
    double primal       # n F(w, b)
    double scale        # the t giving the best dual value


cdef glm_gap_t _glm_gap(const design_t *D, const Py_ssize_t *cand, Py_ssize_t n_cand,
                        const double *w, const double *eta, const glm_loss_t *L,
                        double L1, double L2, bint fit_intercept, floating *theta,
                        double *a, double *th, double *corr) noexcept nogil:
    """Duality gap of n F over the features ``cand`` (all of D's if NULL).

    Fenchel dual of n F at the loss's dual point theta (``_loss_dual_point``)
    scaled by t in (0, 1], which keeps it in the conjugate's domain:
        D(t theta) = -conj(t) - sum_j (t |x_c,j.theta| - L1)_+^2 / (2 L2)   (L2 > 0),
    or -conj(t) with t making |x_c,j.theta| <= L1 / t hold (L2 = 0).  Tried:
    the L1-feasible t, t = 1 and (L2 > 0) their geometric mean.  Fills
    corr[j] = x_c,j.theta (unscaled) for j in cand; w is indexed by feature.
    ``theta`` (design precision) and ``a``, ``th`` (double) are n-sized scratch.
    """
    cdef glm_gap_t out
    cdef Py_ssize_t i, j, k, n = D.n, m = n_cand if cand != NULL else D.p
    cdef double top = 0.0, sr = 0.0, best, t, feas, excess, d
    cdef double l1w = 0.0, l2sq = 0.0
    cdef int q
    cdef double ts[3]
    _loss_dual_point(L, eta, fit_intercept, a, th)
    for i in range(n):
        theta[i] = <floating>th[i]
        sr += theta[i]
    for k in range(m):
        j = cand[k] if cand != NULL else k
        corr[j] = _centred_wdot(D, j, theta, sr)
        if fabs(corr[j]) > top:
            top = fabs(corr[j])
        l1w += fabs(w[j])
        l2sq += w[j] * w[j]
    out.primal = _loss_value(L, eta) + L1 * l1w + 0.5 * L2 * l2sq
    feas = L1 / top if top > L1 else 1.0
    ts[0] = feas
    ts[1] = 1.0
    ts[2] = sqrt(feas)
    best = -INFINITY
    out.scale = feas
    for q in range(3 if L2 > 0.0 else 1):
        t = ts[q]
        d = -_loss_conjugate(L, a, t)
        if L2 > 0.0:
            for k in range(m):
                j = cand[k] if cand != NULL else k
                excess = t * fabs(corr[j]) - L1
                if excess > 0.0:
                    # divided before squaring: no underflow near 1e-150
                    d -= excess * (excess / (2.0 * L2))
        if d > best:
            best = d
            out.scale = t
    out.gap = out.primal - best
    return out


cdef struct glm_step_t:
    int status          # 0 still, 1 moved, 2 failed (no sufficient decrease),
                        # 3 moved by a step below F's rounding (see _glm_newton_step)
    double t
    Py_ssize_t epochs
    bint interrupted


cdef glm_step_t _glm_newton_step(const design_t *B, double *w, double *b, double *eta,
                                 const glm_loss_t *L, double L1, double L2,
                                 bint fit_intercept, double tol_model,
                                 Py_ssize_t max_epochs, floating *hn, floating *tgt,
                                 floating *res, floating *own, floating *w_new,
                                 double *xm, double *sq, double *r, double *curv,
                                 double *d_eta, double *eta_t, double *dw,
                                 workspace_t *wk, uint64_t *rng) noexcept nogil:
    """One proximal Newton step on the block B (raw columns, no weights).

    Updates w, b and eta in place when the step is accepted.
    """
    cdef glm_step_t out
    cdef Py_ssize_t i, j, n = B.n, m = B.p
    cdef double hsum, swsum = 0.0, scale, y_mean = 0.0, yy = 0.0, v, xmw = 0.0
    cdef double b_new, db, pen0, f0, decrease, t
    cdef bint changed = False, tiny
    cdef int it
    cdef design_t Dh
    cdef solve_info_t info
    cdef pen_t pen
    out.status = 0
    out.t = 0.0
    out.epochs = 0
    out.interrupted = False
    hsum = _loss_model(L, eta, r, curv)
    if not hsum > 0.0:
        return out
    scale = n / hsum      # the weighted LS objective is (n / sum h) x the model's
    for i in range(n):
        hn[i] = <floating>(L.s[i] * curv[i] * scale)
        swsum += hn[i]
        own[i] = 0.0
    for j in range(m):
        if w[j] != 0.0:
            _col_axpy(B, j, w[j], own)
    # weighted design over the same columns: new weights, means and norms
    Dh = B[0]
    Dh.sw = hn
    Dh.sw_sum = swsum
    Dh.x_mean = xm if fit_intercept else NULL
    Dh.col_sqnorm = sq
    _column_stats(&Dh, hn, xm, sq, fit_intercept)
    # working response of the block: z minus the other features' fixed part
    for i in range(n):
        tgt[i] = <floating>(own[i] + b[0] + r[i] / curv[i])
    if fit_intercept:
        for i in range(n):
            y_mean += <double>hn[i] * tgt[i]
        y_mean /= swsum
        for j in range(m):
            xmw += xm[j] * w[j]
    for i in range(n):
        v = <double>tgt[i] - y_mean
        yy += hn[i] * v * v
        res[i] = <floating>(v - own[i] + xmw)
    for j in range(m):
        w_new[j] = <floating>w[j]
    wk.has_cert = False
    memset(&pen, 0, sizeof(pen_t))
    pen.l1 = L1 * scale
    pen.l2 = L2 * scale
    info = _solve(&Dh, w_new, res, tgt, yy, &pen, tol_model * scale,
                  max_epochs, True, True, 10, True, 0.0, 0.3, 10, False, rng, wk)
    out.epochs = info.n_epochs
    out.interrupted = info.interrupted
    b_new = 0.0
    if fit_intercept:
        b_new = y_mean
        for j in range(m):
            b_new -= xm[j] * w_new[j]
    db = b_new - b[0]
    for j in range(m):
        dw[j] = <double>w_new[j] - w[j]
        if dw[j] != 0.0:
            changed = True
    if not changed and (db == 0.0 or out.epochs == 0):
        return out
    # d_eta = X_B dw + db, accumulated in the design precision
    for i in range(n):
        own[i] = 0.0
    for j in range(m):
        if dw[j] != 0.0:
            _col_axpy(B, j, dw[j], own)
    decrease = 0.0
    for i in range(n):
        d_eta[i] = <double>own[i] + db
        decrease -= L.s[i] * r[i] * d_eta[i]
    pen0 = _l1l2(w, NULL, 0.0, m, L1, L2)
    f0 = _loss_value(L, eta) + pen0
    decrease += _l1l2(w, dw, 1.0, m, L1, L2) - pen0
    # A predicted change of F below its own rounding makes the Armijo test
    # noise.  Such a step comes from a model solved near the optimum: it fixes
    # the optimality conditions (the certificate's first-order term, about
    # ||w||_1 x the KKT violation) at a second-order cost in F that no float
    # sees, so it is taken whole; the caller stops if the gap does not improve.
    tiny = fabs(decrease) <= GLM_F_RESOLUTION * fabs(f0)
    t = 1.0
    for it in range(GLM_MAX_BACKTRACK):
        for i in range(n):
            eta_t[i] = eta[i] + t * d_eta[i]
        if tiny or _loss_value(L, eta_t) + _l1l2(w, dw, t, m, L1, L2) <= \
                f0 + GLM_ARMIJO * t * decrease:
            for j in range(m):
                w[j] += t * dw[j]
            b[0] += t * db
            memcpy(eta, eta_t, n * sizeof(double))
            out.status = 3 if tiny else 1
            out.t = t
            return out
        t *= 0.5
    out.status = 2
    return out


cdef struct glm_bufs_t:
    # n-sized (floating): weights, working response, residual, a scratch column
    void *hn
    void *tgt
    void *res
    void *own
    # n-sized (double)
    double *r
    double *curv
    double *d_eta
    double *eta_t
    double *a
    double *th
    # block-sized (m): coefficients in the design's precision, statistics
    void *w_new
    double *w
    double *xm
    double *sq
    double *dw
    double *corr
    Py_ssize_t cap      # block size allocated


cdef bint _glm_bufs_alloc(glm_bufs_t *bf, Py_ssize_t n, Py_ssize_t isz) noexcept nogil:
    memset(bf, 0, sizeof(glm_bufs_t))
    bf.hn = malloc((n + 1) * isz)
    bf.tgt = malloc((n + 1) * isz)
    bf.res = malloc((n + 1) * isz)
    bf.own = malloc((n + 1) * isz)
    bf.r = <double *>malloc((n + 1) * sizeof(double))
    bf.curv = <double *>malloc((n + 1) * sizeof(double))
    bf.d_eta = <double *>malloc((n + 1) * sizeof(double))
    bf.eta_t = <double *>malloc((n + 1) * sizeof(double))
    bf.a = <double *>malloc((n + 1) * sizeof(double))
    bf.th = <double *>malloc((n + 1) * sizeof(double))
    return not (bf.hn == NULL or bf.tgt == NULL or bf.res == NULL or bf.own == NULL
                or bf.r == NULL or bf.curv == NULL or bf.d_eta == NULL or bf.eta_t == NULL
                or bf.a == NULL or bf.th == NULL)


cdef bint _glm_bufs_reserve(glm_bufs_t *bf, Py_ssize_t m, Py_ssize_t isz) noexcept nogil:
    """Make room for a block of m features (grown geometrically, never shrunk)."""
    cdef Py_ssize_t cap
    if m <= bf.cap:
        return True
    cap = 2 * m if 2 * m > 16 else 16
    free(bf.w_new); free(bf.w); free(bf.xm); free(bf.sq); free(bf.dw); free(bf.corr)
    bf.w_new = malloc(cap * isz)
    bf.w = <double *>malloc(cap * sizeof(double))
    bf.xm = <double *>malloc(cap * sizeof(double))
    bf.sq = <double *>malloc(cap * sizeof(double))
    bf.dw = <double *>malloc(cap * sizeof(double))
    bf.corr = <double *>malloc(cap * sizeof(double))
    if (bf.w_new == NULL or bf.w == NULL or bf.xm == NULL or bf.sq == NULL or bf.dw == NULL
            or bf.corr == NULL):
        bf.cap = 0
        return False
    bf.cap = cap
    return True


cdef void _glm_bufs_free(glm_bufs_t *bf) noexcept nogil:
    free(bf.hn); free(bf.tgt); free(bf.res); free(bf.own)
    free(bf.r); free(bf.curv); free(bf.d_eta); free(bf.eta_t); free(bf.a); free(bf.th)
    free(bf.w_new); free(bf.w); free(bf.xm); free(bf.sq); free(bf.dw); free(bf.corr)
    memset(bf, 0, sizeof(glm_bufs_t))


cdef struct glm_info_t:
    double gap
    double primal
    Py_ssize_t n_newton
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
    bint interrupted
    bint out_of_memory


cdef glm_info_t _glm_block_loop(const design_t *B, double *w, double *b, double *eta,
                                const glm_loss_t *L, double L1, double L2,
                                bint fit_intercept, double tol_abs, Py_ssize_t max_newton,
                                Py_ssize_t max_epochs, glm_bufs_t *bf, workspace_t *wk,
                                uint64_t *rng, floating *tag) noexcept nogil:
    """Proximal Newton on the block B until its gap is <= tol_abs.

    Each model is solved to 0.3 x the current gap, ten times more
    accurately after a step that did not decrease F (a model solved too
    loosely for the precision wanted).
    """
    cdef glm_info_t out
    cdef glm_step_t st
    cdef double g_new, t_min, inner_ratio = GLM_INNER_RATIO
    memset(&out, 0, sizeof(glm_info_t))
    # the scratch column doubles as the dual point theta in the gap
    out.gap = _glm_gap(B, NULL, 0, w, eta, L, L1, L2, fit_intercept,
                       <floating *>bf.own, bf.a, bf.th, bf.corr).gap
    while out.gap > tol_abs and out.n_newton < max_newton:
        st = _glm_newton_step(B, w, b, eta, L, L1, L2, fit_intercept,
                                inner_ratio * out.gap, max_epochs, <floating *>bf.hn,
                                <floating *>bf.tgt, <floating *>bf.res, <floating *>bf.own,
                                <floating *>bf.w_new, bf.xm, bf.sq, bf.r, bf.curv, bf.d_eta,
                                bf.eta_t, bf.dw, wk, rng)
        out.n_epochs += st.epochs
        if st.interrupted:
            out.interrupted = True
            break
        t_min = 1.0
        if st.status == 0 or st.status == 2:
            inner_ratio *= 0.1
        else:
            t_min = st.t
        out.n_newton += 1
        if inner_ratio < 1e-12:
            break
        g_new = _glm_gap(B, NULL, 0, w, eta, L, L1, L2, fit_intercept,
                         <floating *>bf.own, bf.a, bf.th, bf.corr).gap
        if not g_new < out.gap and (t_min < 1e-6 or st.status == 3):
            # no progress: a step too short to matter, or one below F's
            # rounding that did not improve the certificate either
            out.gap = g_new
            break
        out.gap = g_new
    return out


cdef bint _copy_columns(const design_t *D, const Py_ssize_t *cols, Py_ssize_t m,
                        design_t *B, floating *tag) noexcept nogil:
    """B = the columns ``cols`` of D (raw, no weights, no centring), copied.

    Frees nothing: the caller releases B.X / B.data / B.indices / B.indptr.
    """
    cdef Py_ssize_t k, j, nnz = 0, a, e, isz
    cdef floating *dst
    memset(B, 0, sizeof(design_t))
    B.kind = D.kind
    B.index64 = D.index64
    B.n = D.n
    B.p = m
    B.sw_sum = <double>D.n
    if D.kind == PZ_DENSE:
        dst = <floating *>malloc((m * D.n + 1) * sizeof(floating))
        if dst == NULL:
            return False
        for k in range(m):
            memcpy(dst + k * D.n, <const floating *>D.X + cols[k] * D.n,
                   D.n * sizeof(floating))
        B.X = dst
        return True
    isz = sizeof(int64_t) if D.index64 else sizeof(int32_t)
    for k in range(m):
        nnz += _csc_start(D, cols[k] + 1) - _csc_start(D, cols[k])
    dst = <floating *>malloc((nnz + 1) * sizeof(floating))
    B.data = dst
    B.indices = malloc((nnz + 1) * isz)
    B.indptr = malloc((m + 1) * isz)
    if dst == NULL or B.indices == NULL or B.indptr == NULL:
        return False
    nnz = 0
    for k in range(m):
        a = _csc_start(D, cols[k])
        e = _csc_start(D, cols[k] + 1)
        if D.index64:
            (<int64_t *>B.indptr)[k] = nnz
        else:
            (<int32_t *>B.indptr)[k] = <int32_t>nnz
        memcpy(dst + nnz, <const floating *>D.data + a, (e - a) * sizeof(floating))
        memcpy(<char *>B.indices + nnz * isz, <const char *>D.indices + a * isz, (e - a) * isz)
        nnz += e - a
    if D.index64:
        (<int64_t *>B.indptr)[m] = nnz
    else:
        (<int32_t *>B.indptr)[m] = <int32_t>nnz
    return True


cdef void _free_columns(design_t *B) noexcept nogil:
    free(<void *>B.X); free(<void *>B.data); free(<void *>B.indices); free(<void *>B.indptr)
    memset(B, 0, sizeof(design_t))


cdef glm_info_t _glm_solve(const design_t *D, double *w, double *b, double *eta,
                           const glm_loss_t *L, double L1, double L2, bint fit_intercept,
                           double tol_abs, Py_ssize_t max_newton, Py_ssize_t max_epochs,
                           Py_ssize_t p0, double l1_prev, workspace_t *wk, glm_bufs_t *bf,
                           uint64_t *rng, floating *tag) noexcept nogil:
    """n F(w, b) over every feature of D, from the warm start, for the loss L.

    Outer working set (Massias, Gramfort, Salmon 2018): one pass over X
    gives the full duality gap, the gap-safe screening (Ndiaye et al. 2017;
    the dual is modulus / max(s) strongly concave) and the ranking of the features
    by distance to their dual constraint; the proximal Newton loop then runs
    on the closest ``ws_size`` features only: p0 first, the sequential strong
    set on a path (l1_prev > L1), 2 nnz(w) after a halved gap, else doubled.
    A set that no feature outside violates is solved to the final tolerance
    at once; otherwise to 0.3 x the gap.  D is raw X (no weights), centred
    when there is an intercept; wk provides cand, ws, keys and corr[0].
    """
    cdef glm_info_t out, inner
    cdef glm_gap_t g
    cdef Py_ssize_t p = D.p, n = D.n, i, j, k, n_cand = 0, nnz, m, ws_size = 0
    cdef Py_ssize_t strong, viol_all, viol_ws, inner_max
    cdef double prev_gap = INFINITY, best_gap = INFINITY, radius, v, inner_tol
    cdef Py_ssize_t stalls = 0
    cdef double *corr = wk.corr[0]
    cdef floating *tmp = <floating *>bf.own
    cdef bint dropped, has_strong
    cdef design_t B
    cdef pen_t rank_pen     # the ranking's penalty: l1 = L1 only (key (L1 - |c|) / ||x||)
    cdef workspace_t wb
    memset(&out, 0, sizeof(glm_info_t))
    memset(&wb, 0, sizeof(workspace_t))
    memset(&rank_pen, 0, sizeof(pen_t))
    rank_pen.l1 = L1
    # columns that are constant (after centring) or empty carry no signal
    dropped = False
    for i in range(n):
        tmp[i] = 0.0
    for j in range(p):
        if D.col_sqnorm[j] > 0.0:
            wk.cand[n_cand] = j
            n_cand += 1
        elif w[j] != 0.0:
            _col_axpy(D, j, w[j], tmp)
            w[j] = 0.0
            dropped = True
    if dropped:
        for i in range(n):
            eta[i] -= tmp[i]
    while True:
        g = _glm_gap(D, wk.cand, n_cand, w, eta, L, L1, L2, fit_intercept,
                     <floating *>bf.own, bf.a, bf.th, corr)
        out.gap = g.gap
        out.primal = g.primal
        if g.gap <= tol_abs or out.n_newton >= max_newton:
            break
        # a gap that no longer falls (at the rounding floor of F, for a tol below
        # it) ends the solve instead of spinning to max_newton; the caller warns.
        # tol = 0 asks for max_newton iterations: no early end then
        if g.gap < GLM_STALL_DECREASE * best_gap or tol_abs <= 0.0:
            best_gap = g.gap
            stalls = 0
        else:
            stalls += 1
            if stalls >= GLM_STALL_CHECKS:
                break
        if L1 > 0.0:
            # gap-safe sphere: ||theta - theta*|| <= sqrt(2 gap s_max / modulus)
            radius = sqrt(2.0 * (g.gap if g.gap > 0.0 else 0.0) * L.s_max / L.modulus)
            m = 0
            dropped = False
            for i in range(n):
                tmp[i] = 0.0
            for k in range(n_cand):
                j = wk.cand[k]
                if fabs(corr[j]) * g.scale + radius * sqrt(D.col_sqnorm[j]) < L1:
                    # provably zero at the optimum: zero it now
                    if w[j] != 0.0:
                        _col_axpy(D, j, w[j], tmp)
                        w[j] = 0.0
                        dropped = True
                    out.n_screened += 1
                else:
                    wk.cand[m] = j
                    m += 1
            n_cand = m
            if dropped:
                for i in range(n):
                    eta[i] -= tmp[i]
            nnz = 0
            strong = 0
            viol_all = 0
            has_strong = ws_size == 0 and l1_prev > L1
            for k in range(n_cand):
                j = wk.cand[k]
                if w[j] != 0.0:
                    nnz += 1
                elif has_strong and fabs(corr[j]) >= 2.0 * L1 - l1_prev:
                    strong += 1
                if fabs(corr[j]) > L1:
                    viol_all += 1
            if has_strong:
                ws_size = nnz + strong
            elif ws_size > 0 and not g.gap > 0.5 * prev_gap:
                ws_size = 2 * nnz if 2 * nnz > p0 else p0
            else:
                ws_size = p0 if ws_size == 0 else 2 * ws_size
                if ws_size < 2 * nnz:
                    ws_size = 2 * nnz
            if ws_size > n_cand:
                ws_size = n_cand
            if ws_size < 1:
                ws_size = 1
            ws_size = _select_working_set(D, w, wk.cand, n_cand, corr, w, g.scale, &rank_pen,
                                          ws_size, wk)
            viol_ws = 0
            for k in range(ws_size):
                if fabs(corr[wk.ws[k]]) > L1:
                    viol_ws += 1
            # no feature outside the set violates its dual constraint: the set
            # is likely the final one, so solve it to the final tolerance
            inner_tol = tol_abs if viol_ws == viol_all else 0.3 * g.gap
        else:
            ws_size = n_cand
            memcpy(wk.ws, wk.cand, n_cand * sizeof(Py_ssize_t))
            inner_tol = tol_abs
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        prev_gap = g.gap
        memset(&B, 0, sizeof(design_t))
        if not (_glm_bufs_reserve(bf, ws_size, sizeof(floating))
                and _copy_columns(D, wk.ws, ws_size, &B, tag)
                and _workspace_alloc(&wb, ws_size, n, sizeof(floating), True, True, True,
                                     1000, True, True, False)):
            _free_columns(&B)
            _workspace_free(&wb, True)
            out.out_of_memory = True
            break
        for k in range(ws_size):
            bf.w[k] = w[wk.ws[k]]
        inner_max = max_newton - out.n_newton
        inner = _glm_block_loop(&B, bf.w, b, eta, L, L1, L2, fit_intercept, inner_tol,
                                  inner_max, max_epochs, bf, &wb, rng, tag)
        for k in range(ws_size):
            w[wk.ws[k]] = bf.w[k]
        _free_columns(&B)
        _workspace_free(&wb, True)
        out.n_newton += inner.n_newton if inner.n_newton > 0 else 1
        out.n_epochs += inner.n_epochs
        if inner.interrupted:
            out.interrupted = True
            break
    return out


def logistic_binary_solve(Design design, double[::1] w, double[::1] b, double[::1] eta,
                          const double[::1] y, const double[::1] s, double L1, double L2,
                          double tol_abs, Py_ssize_t max_newton=100,
                          Py_ssize_t max_epochs=10000, Py_ssize_t p0=10, double l1_prev=0.0):
    """Minimise the binary logistic n F(w, b) natively, in place (see ``_glm_solve``).

    ``design``: Design(X, None, fit_intercept) of raw X (no sample weights;
    they are ``s``, summing to n); its dtype is the precision of the Newton
    models.  w (p,), b (1,) and eta = X w + b (n,) are the warm start and are
    updated in place; y in {-1, +1}.  L1, L2 are the unscaled penalties
    n alpha l1_ratio and n alpha (1 - l1_ratio); tol_abs bounds the gap of n F.
    ``l1_prev`` (> L1) is the previous L1 of a path: the first working set is
    then the sequential strong set.  Returns dict(gap, primal, n_iter
    (Newton iterations), n_epochs, n_screened), gap and primal in n F units.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t n = D.n, p = D.p
    if design.storage == "gram" or design.sample_weight is not None:
        raise ValueError("logistic_binary_solve: raw X without sample weights is required")
    if w.shape[0] != p or b.shape[0] != 1 or eta.shape[0] != n or y.shape[0] != n \
            or s.shape[0] != n:
        raise ValueError("logistic_binary_solve: array lengths do not match the design")
    if L1 < 0 or L2 < 0 or max_newton < 0 or max_epochs < 0 or p0 < 1:
        raise ValueError("logistic_binary_solve: invalid penalties or limits")
    cdef glm_loss_t loss
    loss.kind = LOSS_BINOMIAL
    loss.n = n
    loss.y = &y[0] if n else NULL
    loss.s = &s[0] if n else NULL
    loss.s_max = float(np.max(s)) if n else 1.0
    loss.modulus = 4.0      # a log a + (1 - a) log(1 - a) is 4-strongly convex
    if design.dtype == np.float32:
        return _glm_entry(D, &loss, w, b, eta, L1, L2, tol_abs, max_newton, max_epochs, p0,
                          l1_prev, <float *>NULL)
    return _glm_entry(D, &loss, w, b, eta, L1, L2, tol_abs, max_newton, max_epochs, p0,
                      l1_prev, <double *>NULL)


cdef dict _glm_entry(design_t *D, const glm_loss_t *L, double[::1] w, double[::1] b,
                     double[::1] eta, double L1, double L2, double tol_abs,
                     Py_ssize_t max_newton, Py_ssize_t max_epochs, Py_ssize_t p0,
                     double l1_prev, floating *tag):
    """Buffers, the nogil solve and its errors, for any loss (see ``_glm_solve``)."""
    cdef workspace_t wk
    cdef glm_bufs_t bf
    cdef glm_info_t info
    cdef uint64_t rng = 88172645463325252ULL
    cdef Py_ssize_t n = D.n, p = D.p
    cdef bint fit_intercept = D.x_mean != NULL
    cdef bint ok = _workspace_alloc(&wk, p, n, sizeof(floating), False, False, False, 0,
                                    False, False, False)
    ok = _glm_bufs_alloc(&bf, n, sizeof(floating)) and ok
    try:
        if not ok:
            raise MemoryError()
        with nogil:
            info = _glm_solve(D, &w[0] if p else NULL, &b[0], &eta[0] if n else NULL, L,
                              L1, L2, fit_intercept, tol_abs, max_newton, max_epochs, p0,
                              l1_prev, &wk, &bf, &rng, tag)
    finally:
        _workspace_free(&wk, False)
        _glm_bufs_free(&bf)
    if info.out_of_memory:
        raise MemoryError()
    if info.interrupted:
        raise KeyboardInterrupt("coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_iter": info.n_newton,
            "n_epochs": info.n_epochs, "n_screened": info.n_screened}
