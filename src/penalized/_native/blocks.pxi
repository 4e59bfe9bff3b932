# Included in _core.pyx (before the GLM driver, which uses it for its
# weighted least-squares models with groups): the group elastic net by block coordinate
# descent.  One solver serves the multi-task models (a block is a row of W:
# one column, T tasks) and user-defined groups of columns (a block is G_g x T).
#
# Unscaled problem, for T tasks, W (p x T), groups G_1..G_m partitioning the
# columns with weights omega_g > 0, Y (n x T), sample weights s summing to n,
# columns and targets centred implicitly (as in the core):
#
#     F(W) = 1/2 sum_i s_i ||y_c,i - x_c,i W||^2 + l1 sum_g omega_g ||W_g||_F
#            + l2/2 sum_g rho_g ||W_g||_F^2
#
# rho_g: per-group ridge factors (``grp_t.ridge``; 1 without them, 0 for the
# unpenalized group); with them the l2 of every formula below is group g's
# l2_g = l2 rho_g (``_gl2``): glmnet's penalty.factor scales both terms of a row.
# l1 = n alpha l1_ratio, l2 = n alpha (1 - l1_ratio); F / n is the objective
# of scikit-learn's MultiTaskElasticNet (singleton groups, omega = 1) and of
# the group elastic net (T = 1).  Block coordinate descent (Tseng 2001) over
# the groups of Yuan & Lin (2006) (rows across tasks: Obozinski, Taskar,
# Jordan 2010), with Celer's working sets (Massias, Gramfort, Salmon 2018) and
# gap-safe screening of groups (Ndiaye, Fercoq, Gramfort, Salmon 2017).  Each
# block step is the exact minimiser of F in W_g (the eigendecomposition of the
# group's Gram block, computed once per design, turns it into a scalar secular
# equation, as adelie solves its groups; Yang & Zou 2015 majorise instead).
# The column access, the working-set ranking and the workspace come from the
# core; only the block pieces are here.
#
# Layout: W is C-ordered (p, T) so that row j is contiguous; the residual R is
# F-ordered (n, T) so that task t's residual is one contiguous column.  As in
# the core, the stored residual of task t is r_t + shift_t (the intercept's
# running offset): a sparse column update stays sparse.


cdef struct grp_t:
    # The blocks.  ``ptr == NULL``: singleton groups (group g is column g, omega
    # = 1, lmax = col_sqnorm), the multi-task models' rows.
    Py_ssize_t n_groups
    Py_ssize_t max_size
    const Py_ssize_t *ptr     # n_groups + 1 offsets into cols
    const Py_ssize_t *cols    # the columns, group after group
    const double *weight      # omega_g > 0 (NULL: 1)
    const double *ridge       # rho_g > 0, the ridge term's factor: l2 rho_g (NULL: 1)
    const double *lmax        # largest eigenvalue of H_g = X_c,g^T S X_c,g
    const double *eig         # eigenvalues of H_g, ascending, at ptr[g] (length p)
    const double *Q           # eigenvectors, column-major m_g x m_g, at qoff[g]
    const Py_ssize_t *qoff
    # Lazy decompositions (the GLM driver's weighted models, whose Gram blocks
    # change at every Newton step): ``eig_ready`` flags the groups done (NULL: all
    # are), a group is decomposed at its first step that can move it, into
    # eig / Q through these scratch buffers; lmax is then an upper bound
    # (the squared Frobenius norm), which is all the screening and ranking need.
    char *eig_ready
    void *col                 # n (the design's precision), zero between uses
    double *work              # LAPACK workspace, lwork doubles
    int lwork
    # An unpenalized group U (omega_U = 0: neither the group norm nor the ridge
    # term; glmnet's penalty.factor = 0): ``n_free`` = 1 and its index
    # ``free_g`` (decomposed: ptr and eig set), ``free_flag`` (n_groups chars, 1
    # for it, for the ranking); n_free = 0: none.  Several unpenalized groups
    # are one (the penalty is 0 on their union): the caller merges them.
    Py_ssize_t n_free
    Py_ssize_t free_g
    const char *free_flag


cdef inline Py_ssize_t _gsize(const grp_t *G, Py_ssize_t g) noexcept nogil:
    return 1 if G.ptr == NULL else G.ptr[g + 1] - G.ptr[g]


cdef inline Py_ssize_t _gcol(const grp_t *G, Py_ssize_t g, Py_ssize_t k) noexcept nogil:
    return g if G.ptr == NULL else G.cols[G.ptr[g] + k]


cdef inline Py_ssize_t _goff(const grp_t *G, Py_ssize_t g) noexcept nogil:
    """Position of group g's first column in the grouping's column order (the
    slot of its correlations in grp_par_t.C)."""
    return g if G.ptr == NULL else G.ptr[g]


cdef inline double _gweight(const grp_t *G, Py_ssize_t g) noexcept nogil:
    return 1.0 if G.weight == NULL else G.weight[g]


cdef inline bint _gfree(const grp_t *G, Py_ssize_t g) noexcept nogil:
    return G.n_free > 0 and g == G.free_g


cdef inline double _gl2(const grp_t *G, Py_ssize_t g, double l2) noexcept nogil:
    """The ridge coefficient of group g: l2 rho_g (l2 without factors), 0 for the
    unpenalized group."""
    if G.n_free > 0 and g == G.free_g:
        return 0.0
    return l2 if G.ridge == NULL else l2 * G.ridge[g]


cdef struct mt_gap_t:
    double primal       # F(W)
    double gap          # F(W) - best dual value (the better of the two below)
    double gap_aug      # F(W) - D at theta = scale [R; -sqrt(l2) W] (drives screening)
    double scale        # scale of that dual point
    double rnd          # the part of gap that bounds the stored residual's rounding


cdef struct grp_fresh_t:
    # Residual refreshes (``_mt_res_refresh``): R recomputed from W with double
    # accumulation before a gap check, at every check in float32 (``every``),
    # at the check that stops the solve in float64.
    void *lo            # n T (float32 only, else NULL): the low parts, R + lo ~ float64
    void *wcol          # p (the design's dtype): one task's coefficients, contiguous
    double *acc         # n doubles
    bint every


cdef struct grp_par_t:
    # Threads of the gap checks' correlation pass (``n_threads``; see "Threads in the
    # full passes" in dual.pxi): the blocks' X_c,g^T S R are computed first, on up to
    # n_threads threads, each by the serial kernel (``_group_corr``) into its own slot,
    # then the gap's sums run over them serially in the candidates' order, as they
    # would on one thread: the same bits for any thread count.
    int n_threads
    double *C           # p T doubles: block g's m_g x T correlations at _goff(g) T
    double *cn          # n_groups doubles: ||C_g||_F^2
    Py_ssize_t n_threaded   # passes that ran on more than one thread


cdef inline double _block_corr(const design_t *D, Py_ssize_t j, const floating *R,
                               const floating *lo, const double *sr, double mult,
                               Py_ssize_t T, double *g) noexcept nogil:
    """g_t = x_c,j^T S r_t for every task (one column dot per task); returns ||g||^2.

    mult * sr[t] is sum_i s_i of the stored residual of task t: the exact sums
    (mult = 1) at a gap check, or n shift_t (sr = shift, mult = n) inside an
    epoch, where the stored residual is r_t + shift_t with sum_i s_i r_t,i = 0.
    ``lo`` (NULL, or float32's low parts at a refreshed gap check, n x T): the
    residual is R + lo.
    """
    cdef Py_ssize_t t
    cdef double acc = 0.0
    if lo == NULL:
        for t in range(T):
            g[t] = _centred_wdot(D, j, R + t * D.n, mult * sr[t])
            acc += g[t] * g[t]
        return acc
    for t in range(T):
        g[t] = _centred_wdot(D, j, R + t * D.n, mult * sr[t]) + _col_wdot(D, j, lo + t * D.n)
        acc += g[t] * g[t]
    return acc


cdef inline double _group_corr(const design_t *D, const grp_t *G, Py_ssize_t g,
                               const floating *R, const floating *lo, const double *sr,
                               double mult, Py_ssize_t T, double *C) noexcept nogil:
    """C = X_c,g^T S (R + lo) (m_g x T, row k for column k of the group); returns
    ||C||_F^2."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    for k in range(_gsize(G, g)):
        acc += _block_corr(D, _gcol(G, g, k), R, lo, sr, mult, T, C + k * T)
    return acc


cdef inline void _move_column(const design_t *D, Py_ssize_t j, Py_ssize_t t, Py_ssize_t T,
                              double delta, floating *W, floating *R,
                              double *shift) noexcept nogil:
    """W_jt += delta, and the stored residual of task t with it."""
    if delta == 0.0:
        return
    _col_axpy(D, j, -delta, R + t * D.n)
    if D.x_mean != NULL:
        shift[t] -= delta * D.x_mean[j]
    W[j * T + t] = <floating>(W[j * T + t] + delta)


cdef double _secular_root(const double *a, const double *b2, Py_ssize_t m, double tau,
                          double bnorm, double amin, double amax) noexcept nogil:
    """The mu > 0 with h(mu) = sum_k b2_k mu^2 / (a_k + mu)^2 = tau^2.

    For a_k >= 0 and bnorm^2 = sum_k b2_k > tau^2 > 0 (b2_k = 0 where a_k = 0):
    h increases from 0 to bnorm^2, and bounding every a_k by amin and amax
    brackets the root in [amin tau, amax tau] / (bnorm - tau).  Newton's
    method on h, safeguarded by bisection inside the bracket.
    """
    cdef Py_ssize_t k, it
    cdef double lo = amin * tau / (bnorm - tau), hi = amax * tau / (bnorm - tau)
    cdef double mu = hi, h, dh, r, nxt
    for it in range(100):
        h = 0.0
        dh = 0.0
        for k in range(m):
            if b2[k] == 0.0:
                continue
            r = mu / (a[k] + mu)
            h += b2[k] * r * r
            dh += 2.0 * b2[k] * r * a[k] / ((a[k] + mu) * (a[k] + mu))
        if h > tau * tau:
            hi = mu
        else:
            lo = mu
        nxt = mu - (h - tau * tau) / dh if dh > 0.0 else 0.5 * (lo + hi)
        if not (nxt > lo and nxt < hi):
            nxt = 0.5 * (lo + hi)
        if fabs(nxt - mu) <= 1e-15 * mu or hi - lo <= 1e-15 * hi:
            return nxt
        mu = nxt
    return mu


cdef void _group_step(const design_t *D, const grp_t *G, Py_ssize_t g, floating *W,
                      floating *R, double *shift, Py_ssize_t T, double l1, double l2,
                      double *buf) noexcept nogil:
    """Exact minimisation of F in the block W_g (the others fixed).

    With H = X_c,g^T S X_c,g = Q diag(e) Q^T and V = X_c,g^T S R + H W_g,
    the block problem is min_U 1/2 tr(U^T H U) - tr(V^T U) + tau ||U||_F
    + l2/2 ||U||_F^2, tau = l1 omega_g: U = 0 iff ||V||_F <= tau, else, in the
    eigenbasis (B = Q^T V, a_k = e_k + l2), row k of Q^T U is B_k / (a_k + mu)
    with mu = tau / ||U||_F the root of the secular equation (``_secular_root``).
    Directions with e_k = 0 (and l2 = 0) leave F's smooth part unchanged, so the
    penalty puts U's component there at 0.  A single column (a multi-task row)
    is the closed form BST(W_j + X_c,j^T S R / L_j, tau / L_j) / (1 + l2 / L_j),
    L_j = ||x_c,j||_S^2, block soft-thresholding BST(u, c) = max(0, 1 - c/||u||) u.
    ``buf`` holds 2 m_g T + 2 m_g doubles.  The unpenalized group (tau = 0 and
    no ridge term) gets the least-squares block step, U = H^+ V.
    """
    cdef Py_ssize_t m = _gsize(G, g), k, l, t, j
    cdef double tau = l1 * _gweight(G, g), nv = 0.0, L, factor, u, z, mu = 0.0
    cdef double amin = INFINITY, amax = 0.0, floor_e
    cdef double *C
    cdef double *B
    cdef double *b2
    cdef double *a
    cdef const double *Q
    cdef const double *e
    cdef floating *Wj
    l2 = _gl2(G, g, l2)
    if m == 1:
        j = _gcol(G, g, 0)
        L = D.col_sqnorm[j]
        if L <= 0.0:
            return
        Wj = W + j * T
        _block_corr(D, j, R, <const floating *>NULL, shift, D.sw_sum, T, buf)
        for t in range(T):
            buf[t] += L * Wj[t]
            nv += buf[t] * buf[t]
        nv = sqrt(nv)
        factor = (1.0 - tau / nv) / (L + l2) if nv > tau else 0.0
        for t in range(T):
            _move_column(D, j, t, T, factor * buf[t] - Wj[t], W, R, shift)
        return
    C = buf
    B = buf + m * T
    b2 = B + m * T
    a = b2 + m
    Q = G.Q + G.qoff[g]
    e = G.eig + G.ptr[g]
    floor_e = 1e-12 * G.lmax[g]
    nv = _group_corr(D, G, g, R, <const floating *>NULL, shift, D.sw_sum, T, C)
    if G.eig_ready != NULL and not G.eig_ready[g]:
        if nv <= tau * tau and _block_sqnorm(G, g, W, T) == 0.0:
            return      # V = C at W_g = 0: the block stays 0, no decomposition needed
        if _group_eigen_one(D, G.ptr, G.cols, g, <double *>G.eig, <double *>G.Q, G.qoff,
                            <floating *>G.col, G.work, G.lwork) != 0:
            return
        G.eig_ready[g] = 1
    nv = 0.0
    for l in range(m):
        b2[l] = 0.0
        a[l] = e[l] + l2
        for t in range(T):
            u = 0.0
            z = 0.0
            for k in range(m):
                u += Q[l * m + k] * C[k * T + t]
                z += Q[l * m + k] * W[_gcol(G, g, k) * T + t]
            B[l * T + t] = u + e[l] * z if e[l] > floor_e or l2 > 0.0 else 0.0
            b2[l] += B[l * T + t] * B[l * T + t]
        nv += b2[l]
        if b2[l] > 0.0:
            amin = a[l] if a[l] < amin else amin
            amax = a[l] if a[l] > amax else amax
    nv = sqrt(nv)
    if nv <= tau or amax <= 0.0:
        for l in range(m * T):
            B[l] = 0.0
    else:
        if tau > 0.0:
            mu = _secular_root(a, b2, m, tau, nv, amin, amax)
        for l in range(m):
            for t in range(T):
                B[l * T + t] = B[l * T + t] / (a[l] + mu) if b2[l] > 0.0 else 0.0
    # U = Q (Q^T U); move each entry of the block to it
    for k in range(m):
        j = _gcol(G, g, k)
        for t in range(T):
            u = 0.0
            for l in range(m):
                u += Q[l * m + k] * B[l * T + t]
            _move_column(D, j, t, T, u - W[j * T + t], W, R, shift)


cdef void _mt_fold_shift(const design_t *D, floating *R, double *shift,
                         Py_ssize_t T) noexcept nogil:
    """Make the stored residuals equal r_t again (r_t -= shift_t, shift_t = 0)."""
    cdef Py_ssize_t t
    for t in range(T):
        _fold_shift(D, R + t * D.n, &shift[t])


cdef double _block_sqnorm(const grp_t *G, Py_ssize_t g, const floating *W,
                          Py_ssize_t T) noexcept nogil:
    """||W_g||_F^2."""
    cdef Py_ssize_t k, t
    cdef const floating *Wj
    cdef double acc = 0.0
    for k in range(_gsize(G, g)):
        Wj = W + _gcol(G, g, k) * T
        for t in range(T):
            acc += <double>Wj[t] * Wj[t]
    return acc


cdef void _mt_res_refresh(const design_t *D, const floating *W, floating *R,
                          const floating *Y, Py_ssize_t T, grp_fresh_t *fr,
                          double *dr, double *dd) noexcept nogil:
    """R = Y_c - X_c W task by task, by the core's ``_res_refresh`` (double
    accumulation, one rounding to X's dtype; float32 keeps the low parts in
    fr.lo); dr, dd: the sums over tasks of delta.S r and delta.S delta for the
    rounding delta that remains (see ``_dual_point``).  R's shifts must be folded."""
    cdef Py_ssize_t t, j
    cdef floating *w = <floating *>fr.wcol
    cdef floating *lo
    cdef double a, b
    dr[0] = 0.0
    dd[0] = 0.0
    for t in range(T):
        for j in range(D.p):
            w[j] = W[j * T + t]
        lo = NULL if fr.lo == NULL else <floating *>fr.lo + t * D.n
        _res_refresh(D, w, R + t * D.n, Y + t * D.n, fr.acc, &a, &b, lo)
        dr[0] += a
        dd[0] += b


cdef double _free_sqnorm(const grp_t *G, const double *C, Py_ssize_t T) noexcept nogil:
    """s_U = tr(C^T H_U^+ C) = ||(I - P) R||_S^2 for C = X_c,U^T S R, from the
    unpenalized group's eigendecomposition (directions with e_l <= 1e-12 lmax_U,
    X_c,U's numerical null space, left out)."""
    cdef Py_ssize_t g = G.free_g, m = _gsize(G, g), l, k, t
    cdef const double *Q = G.Q + G.qoff[g]
    cdef const double *e = G.eig + G.ptr[g]
    cdef double floor_e = 1e-12 * G.lmax[g], u, acc = 0.0
    for l in range(m):
        if not e[l] > floor_e:
            continue
        for t in range(T):
            u = 0.0
            for k in range(m):
                u += Q[l * m + k] * C[k * T + t]
            acc += u * (u / e[l])
    return acc


cdef void _free_solve(const grp_t *G, const double *C, Py_ssize_t T, double *V) noexcept nogil:
    """V = H_U^+ C (m_U x T), the least-squares step of the unpenalized group for
    C = X_c,U^T S R (the directions of ``_free_sqnorm``)."""
    cdef Py_ssize_t g = G.free_g, m = _gsize(G, g), l, k, t
    cdef const double *Q = G.Q + G.qoff[g]
    cdef const double *e = G.eig + G.ptr[g]
    cdef double floor_e = 1e-12 * G.lmax[g], u
    for k in range(m * T):
        V[k] = 0.0
    for l in range(m):
        if not e[l] > floor_e:
            continue
        for t in range(T):
            u = 0.0
            for k in range(m):
                u += Q[l * m + k] * C[k * T + t]
            u /= e[l]
            for k in range(m):
                V[k * T + t] += Q[l * m + k] * u


cdef void _col_axpy_acc(const design_t *D, Py_ssize_t j, double a, double *acc,
                        const floating *tag) noexcept nogil:
    """acc += a * X[:, j] (raw column, DENSE or CSC) accumulated in double."""
    cdef Py_ssize_t i, k, lo, hi
    cdef const floating *x
    if D.kind == PZ_DENSE:
        x = <const floating *>D.X + j * D.n
        for i in range(D.n):
            acc[i] += a * x[i]
        return
    lo = _csc_start(D, j)
    hi = _csc_start(D, j + 1)
    x = <const floating *>D.data
    if D.index64:
        for k in range(lo, hi):
            acc[(<const int64_t *>D.indices)[k]] += a * x[k]
    else:
        for k in range(lo, hi):
            acc[(<const int32_t *>D.indices)[k]] += a * x[k]


cdef double _free_project_lo(const design_t *D, const grp_t *G, const double *V,
                             Py_ssize_t T, floating *lo, double *acc) noexcept nogil:
    """lo -= X_c,U V, task by task, X_c,U V accumulated in double: R + lo becomes the
    residual of W with W_U + V (the exact least-squares step on U, in double).
    Returns the S-weighted square of what the float32 lo could not hold."""
    cdef Py_ssize_t t, k, i, j, m = _gsize(G, G.free_g)
    cdef const floating *s = <const floating *>D.sw
    cdef double cz, v, e, ee = 0.0
    for t in range(T):
        for i in range(D.n):
            acc[i] = 0.0
        cz = 0.0
        for k in range(m):
            j = _gcol(G, G.free_g, k)
            if V[k * T + t] != 0.0:
                _col_axpy_acc(D, j, V[k * T + t], acc, lo)
                if D.x_mean != NULL:
                    cz += D.x_mean[j] * V[k * T + t]
        for i in range(D.n):
            v = <double>lo[t * D.n + i] - (acc[i] - cz)
            lo[t * D.n + i] = <floating>v
            e = v - <double>lo[t * D.n + i]
            ee += e * e if s == NULL else <double>s[i] * e * e
    return ee


cdef bint _group_corr_pass(const design_t *D, const grp_t *G, const floating *R,
                          const floating *lo, const double *sr, Py_ssize_t T,
                          const Py_ssize_t *cand, Py_ssize_t n_cand,
                          grp_par_t *par) noexcept nogil:
    """par.C / par.cn for the penalized groups in cand[:n_cand], on par.n_threads
    threads when the pass is large enough (``_pass_threads``); False (nothing
    computed) when it stays on the calling thread."""
    cdef Py_ssize_t q, g, k
    cdef double ent = 0.0
    cdef int nt
    if par == NULL or par.n_threads <= 1:
        return False
    for q in range(n_cand):
        for k in range(_gsize(G, cand[q])):
            ent += _col_entries(D, _gcol(G, cand[q], k))
    ent *= T * (2.0 if lo != NULL else 1.0)
    nt = _pass_threads(par.n_threads, ent, n_cand, D.kind == PZ_DENSE)
    if nt <= 1:
        return False
    for q in prange(n_cand, schedule="guided", chunksize=8, num_threads=nt):
        g = cand[q]
        if not _gfree(G, g):
            par.cn[g] = _group_corr(D, G, g, R, lo, sr, 1.0, T, par.C + _goff(G, g) * T)
    par.n_threaded += 1
    return True


cdef mt_gap_t _group_duality_gap(const design_t *D, const grp_t *G, const floating *W,
                                 floating *R, double *shift, const floating *Y,
                                 Py_ssize_t T, double l1, double l2, const Py_ssize_t *cand,
                                 Py_ssize_t n_cand, double *dnorm, double *C,
                                 double *sr, grp_fresh_t *fr,
                                 grp_par_t *par) noexcept nogil:
    """Duality gap of F restricted to the groups ``cand`` (W = 0 elsewhere).

    ``C`` holds max_size x T doubles, ``sr`` T.  Fills dnorm[g] (an upper
    bound on ||X_c,g^T S P R - l2 W_g||_F, the augmented design's dual norm,
    used by screening and ranking) for g in cand.  Two dual points (with ridge
    factors, read l2 W_g as l2_g W_g, l2 ||W||^2 as sum_g l2_g ||W_g||^2, the
    augmented design as [X; diag(sqrt(l2_g)) I] and (2 l2) as (2 l2_g)):
    * theta = scale [P R; -sqrt(l2) W], the elastic net as a group Lasso on the
      augmented design [X; sqrt(l2) I], scale = min(1, l1 / max_g dnorm_g / omega_g):
          F - D_aug = s_U/2 + (1 - scale)^2/2 (R.S R - s_U) + l1 sum_g omega_g ||W_g||
                      - scale <W, C> + (1 + scale^2) l2/2 ||W||^2
    * if l2 > 0, the exact Fenchel dual at theta = P R:
          F - D_f = s_U/2 + l1 sum_g omega_g ||W_g|| + l2/2 ||W||^2 - <W, C>
                    + sum_g (||C_g|| - l1 omega_g)_+^2 / (2 l2)
    with C_g = X_c,g^T S P R, the sums over the penalized groups.  Both are
    written with Y_c.S R = R.S R + <W, C>, from terms that vanish at the
    optimum, so the gap is not the rounding noise of two numbers of size R.S R
    (see ``_dual_point``).  The unpenalized group U (if any; its conjugate is
    the indicator of X_c,U^T theta = 0, which no computed residual meets) is
    eliminated as the core eliminates free features: P is the S-orthogonal
    projector onto span(X_c,U)^perp, F(W) exceeds the reduced problem's primal
    by s_U/2 = ||(I - P) R||_S^2 / 2 (``_free_sqnorm``, rounding-sized after
    the exact step on U that precedes every check), and X_c,g^T S P R lies
    within e_g = sqrt(lmax_g s_U) of X_c,g^T S R (Cauchy-Schwarz), each term
    taken at its worst.  In float32 (``fr.lo``) the rounding of W_U itself
    would leave s_U ~ (u ||H_U|| |W_U|)^2 and e_g floor the gap near
    u ||Y_c||^2, so the dual point is taken at W' = W + (0, V), V = H_U^+ C_U
    the exact least-squares step on U in double (``_free_project_lo``: R + lo
    becomes W''s residual): gap(W) = F(W) - F(W') + gap(W'), the first term
    (R.S R - R'.S R')/2, the second the formulas above at W' (s_U now
    double-rounding-sized), plus bounds on the rounding of both residuals.
    With ``fr`` R is first recomputed from W (``_mt_res_refresh``): the gaps
    are those of the exact residual R + lo + delta, so they exceed the
    computed ones by (1 - scale) |delta.S R| + delta.S delta / 2 (augmented;
    sqrt(delta.S delta R.S R) for |delta.S R| with a projection) and
    delta.S delta / 2 (Fenchel), F by delta.S R + delta.S delta / 2 (as the
    core's ``_dual_point``).
    ``par`` (NULL: one thread): the candidates' correlations on threads
    (``_group_corr_pass``), the same values and sums as serially.
    """
    cdef mt_gap_t out
    cdef Py_ssize_t i, g, k, q, t, j, nnz_all = 0, nnz_cand = 0
    cdef double rr = 0.0, ry = 0.0, wc = 0.0, l1w = 0.0, l2sq = 0.0, fench = 0.0
    cdef double top = 0.0, cn, an, rowsq, v, sc, tau, dr = 0.0, dd = 0.0, rd
    cdef double s_u = 0.0, su_sq = 0.0, eg, werr = 0.0, rr_red, g0, rr_pt, ee, extra = 0.0
    cdef double fdiff = 0.0, l2g
    cdef double dr0, dd0
    cdef bint has_free = G.n_free > 0 and G.lmax[G.free_g] > 0.0
    cdef bint threaded
    cdef double *Cg = C
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *r
    cdef const floating *lr
    cdef const floating *lo = NULL
    cdef const floating *y
    _mt_fold_shift(D, R, shift, T)
    if fr != NULL:
        _mt_res_refresh(D, W, R, Y, T, fr, &dr, &dd)
        lo = <const floating *>fr.lo
    dr0 = dr
    dd0 = dd
    for t in range(T):
        r = R + t * D.n
        lr = NULL if lo == NULL else lo + t * D.n
        y = Y + t * D.n
        sr[t] = 0.0
        if lr == NULL:
            for i in range(D.n):
                v = <double>r[i] if s == NULL else <double>s[i] * r[i]
                rr += v * r[i]
                ry += v * y[i]
                sr[t] += v
            continue
        for i in range(D.n):
            cn = <double>r[i] + lr[i]
            v = cn if s == NULL else <double>s[i] * cn
            rr += v * cn
            ry += v * y[i]
            sr[t] += v
    for g in range(G.n_groups):
        rowsq = _block_sqnorm(G, g, W, T)
        if rowsq > 0.0:
            nnz_all += 1
            l1w += _gweight(G, g) * sqrt(rowsq)
            if not _gfree(G, g):
                l2sq += rowsq if G.ridge == NULL else G.ridge[g] * rowsq
    rr_pt = rr
    if has_free:
        # exact centring even if sum_i s_i r_t,i drifted from 0
        _group_corr(D, G, G.free_g, R, lo, sr, 1.0, T, C)
        if lo != NULL:
            # float32: W_U's own rounding leaves C_U ~ u ||H_U|| |W_U|, whose Cauchy-Schwarz
            # terms would floor the gap near u ||Y_c||^2; the dual point is taken at the
            # exact least-squares step on U instead (in double, through the low parts)
            _free_solve(G, C, T, C + G.max_size * T)
            ee = _free_project_lo(D, G, C + G.max_size * T, T, <floating *>lo, fr.acc)
            rr_pt = 0.0
            for t in range(T):
                r = R + t * D.n
                lr = lo + t * D.n
                sr[t] = 0.0
                for i in range(D.n):
                    cn = _rv(r, lr, i)
                    v = cn if s == NULL else <double>s[i] * cn
                    rr_pt += v * cn
                    sr[t] += v
            # F(W) - F(W') = (rr - rr_pt) / 2 plus the rounding of both residuals
            fdiff = 0.5 * (rr - rr_pt)
            extra = sqrt(dd * rr) + 0.5 * dd
            dd = (sqrt(dd) + sqrt(ee)) * (sqrt(dd) + sqrt(ee))
            extra += sqrt(dd * rr_pt)
            _group_corr(D, G, G.free_g, R, lo, sr, 1.0, T, C)
        s_u = _free_sqnorm(G, C, T)
        su_sq = sqrt(s_u)
        if _block_sqnorm(G, G.free_g, W, T) > 0.0:
            nnz_cand += 1      # counted here, skipped below
    threaded = _group_corr_pass(D, G, R, lo, sr, T, cand, n_cand, par)
    for q in range(n_cand):
        g = cand[q]
        if _gfree(G, g):
            dnorm[g] = 0.0
            continue
        if threaded:
            Cg = par.C + _goff(G, g) * T
            cn = par.cn[g]
        else:
            cn = _group_corr(D, G, g, R, lo, sr, 1.0, T, C)
        l2g = _gl2(G, g, l2)
        an = 0.0
        rowsq = 0.0
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            for t in range(T):
                v = Cg[k * T + t] - l2g * W[j * T + t]
                an += v * v
                rowsq += <double>W[j * T + t] * W[j * T + t]
                wc += W[j * T + t] * Cg[k * T + t]
        eg = sqrt(G.lmax[g]) * su_sq if has_free else 0.0
        if rowsq > 0.0:
            nnz_cand += 1
            werr += sqrt(rowsq) * eg
        dnorm[g] = sqrt(an) + eg
        tau = _gweight(G, g)
        if dnorm[g] > top * tau:
            top = dnorm[g] / tau
        tau *= l1
        if l2 > 0.0:
            cn = sqrt(cn) + eg
            if cn > tau:
                # divide before squaring (no underflow near 1e-150, see _dual_point);
                # a group without ridge term (rho_g = 0): the conjugate is the
                # indicator of ||C_g|| <= l1 omega_g
                if l2g > 0.0:
                    fench += (cn - tau) * ((cn - tau) / (2.0 * l2g))
                else:
                    fench = INFINITY
    if nnz_cand != nnz_all:
        if has_free:
            # <W, C> over blocks outside cand is not known without the projection
            out.primal = 0.5 * rr + l1 * l1w + 0.5 * l2 * l2sq + dr0 + 0.5 * dd0
            out.gap = INFINITY
            out.gap_aug = INFINITY
            out.scale = 1.0
            out.rnd = 0.0
            return out
        # non-zero blocks outside cand: <W, C> from Y_c.S R = R.S R + <W, C>
        wc = ry - rr
    rr_red = rr_pt - s_u if rr_pt > s_u else 0.0
    out.primal = 0.5 * rr + l1 * l1w + 0.5 * l2 * l2sq + dr0 + 0.5 * dd0
    sc = 1.0
    if l1 > 0.0 and top > l1:
        sc = l1 / top
    out.scale = sc
    rd = sqrt(dd * rr_pt) if has_free else fabs(dr)
    if l1 > 0.0:
        g0 = (fdiff + 0.5 * s_u + 0.5 * (1.0 - sc) * (1.0 - sc) * rr_red + l1 * l1w
              - sc * (wc - werr) + 0.5 * (1.0 + sc * sc) * l2 * l2sq)
        out.gap_aug = g0 + (1.0 - sc) * rd + 0.5 * dd + extra
    else:
        g0 = INFINITY
        out.gap_aug = INFINITY
    out.gap = out.gap_aug
    out.rnd = out.gap_aug - g0 if l1 > 0.0 else 0.0
    if l2 > 0.0:
        v = fdiff + 0.5 * s_u + l1 * l1w + 0.5 * l2 * l2sq - (wc - werr) + fench
        if v + 0.5 * dd + extra < out.gap:
            out.gap = v + 0.5 * dd + extra
            out.rnd = 0.5 * dd + extra
    return out


cdef Py_ssize_t _group_screen(const design_t *D, const grp_t *G, floating *W, floating *R,
                              double *shift, Py_ssize_t T, Py_ssize_t *cand,
                              Py_ssize_t n_cand, const double *dnorm, double scale,
                              double gap_aug, double l1, double l2) noexcept nogil:
    """Gap-safe sphere test for groups (Ndiaye et al. 2017).

    The dual optimum lies within sqrt(2 gap_aug) of theta = scale [R; -sqrt(l2) W],
    and the augmented block [X_c,g; sqrt(l2_g) I] has spectral norm sqrt(lmax_g + l2_g),
    so scale dnorm_g + sqrt(lmax_g + l2_g) sqrt(2 gap_aug) < l1 omega_g proves
    W_g = 0 at the optimum.  Such groups leave cand (zeroed in W and R).
    """
    cdef Py_ssize_t q, g, k, t, j, m = 0
    cdef double radius = sqrt(2.0 * gap_aug) if gap_aug > 0.0 else 0.0
    for q in range(n_cand):
        g = cand[q]
        if scale * dnorm[g] + sqrt(G.lmax[g] + _gl2(G, g, l2)) * radius < l1 * _gweight(G, g):
            for k in range(_gsize(G, g)):
                j = _gcol(G, g, k)
                for t in range(T):
                    _move_column(D, j, t, T, -W[j * T + t], W, R, shift)
        else:
            cand[m] = g
            m += 1
    return m


cdef Py_ssize_t _group_nonzero(const grp_t *G, const floating *W, Py_ssize_t T,
                               const Py_ssize_t *cand, Py_ssize_t n_cand,
                               floating *nz) noexcept nogil:
    """nz[g] = 1 if block g of W is non-zero else 0, for g in cand; returns their count."""
    cdef Py_ssize_t q, g, count = 0
    for q in range(n_cand):
        g = cand[q]
        nz[g] = 1.0 if _block_sqnorm(G, g, W, T) > 0.0 else 0.0
        if nz[g] != 0.0:
            count += 1
    return count


# Anderson acceleration of the block coordinate descent (Bertrand & Massias
# 2021): from K + 1 successive epochs' iterates x_0..x_K on the working set,
# U = [x_1 - x_0, ..., x_K - x_{K-1}], solve (U U^T) z = 1, c = z / sum(z) and
# try x_acc = sum_k c_k x_{k+1}; it is kept only if F decreases.
DEF GROUP_AA_K = 5


cdef struct gaa_t:
    double *hist        # (K + 1) x d snapshots of the working set's coefficients
    double *acc         # d
    Py_ssize_t d        # entries of the working set (sum of its group sizes times T)
    Py_ssize_t cap      # allocated d
    Py_ssize_t count    # snapshots taken since the last attempt
    void *res           # n T residual of x_acc (the design's dtype)
    double *shift       # T running offsets of that residual


cdef bint _gaa_reset(gaa_t *aa, const grp_t *G, const Py_ssize_t *ws, Py_ssize_t ws_size,
                     Py_ssize_t T) noexcept nogil:
    """Start a new history for the working set ws; False if out of memory."""
    cdef Py_ssize_t q, d = 0
    cdef double *h
    for q in range(ws_size):
        d += _gsize(G, ws[q]) * T
    if d > aa.cap:
        h = <double *>realloc(aa.hist, (GROUP_AA_K + 2) * d * sizeof(double))
        if h == NULL:
            return False
        aa.hist = h
        aa.cap = d
    aa.acc = aa.hist + (GROUP_AA_K + 1) * d
    aa.d = d
    aa.count = 0
    return True


cdef void _gaa_snapshot(gaa_t *aa, const grp_t *G, const floating *W, const Py_ssize_t *ws,
                        Py_ssize_t ws_size, Py_ssize_t T) noexcept nogil:
    cdef Py_ssize_t q, k, t, e = 0, g
    cdef double *x = aa.hist + aa.count * aa.d
    for q in range(ws_size):
        g = ws[q]
        for k in range(_gsize(G, g)):
            for t in range(T):
                x[e] = W[_gcol(G, g, k) * T + t]
                e += 1
    aa.count += 1


cdef double _ws_objective(const design_t *D, const grp_t *G, const floating *W,
                          const floating *R, const double *shift, const Py_ssize_t *ws,
                          Py_ssize_t ws_size, Py_ssize_t T, double l1,
                          double l2) noexcept nogil:
    """1/2 sum_t ||r_t||_S^2 + the penalty of the working set's groups (the other
    groups are fixed meanwhile), for a stored residual R with offsets shift."""
    cdef Py_ssize_t i, t, q
    cdef double v, sq, acc = 0.0
    cdef const floating *s = <const floating *>D.sw
    for t in range(T):
        for i in range(D.n):
            v = R[t * D.n + i] - shift[t] if D.x_mean != NULL else R[t * D.n + i]
            acc += v * v if s == NULL else s[i] * v * v
    acc *= 0.5
    for q in range(ws_size):
        sq = _block_sqnorm(G, ws[q], W, T)
        acc += l1 * _gweight(G, ws[q]) * sqrt(sq) + 0.5 * _gl2(G, ws[q], l2) * sq
    return acc


cdef bint _gaa_extrapolate(gaa_t *aa, const design_t *D, const grp_t *G, floating *W,
                           floating *R, double *shift, const Py_ssize_t *ws,
                           Py_ssize_t ws_size, Py_ssize_t T, double l1,
                           double l2) noexcept nogil:
    """Try the extrapolated point; adopt it (W, R, shift) if F decreases."""
    cdef Py_ssize_t a, b, i, e, q, k, t, g, j, d = aa.d
    cdef double M[GROUP_AA_K * GROUP_AA_K]
    cdef double z[GROUP_AA_K]
    cdef double v, zsum = 0.0, delta, f_cur, f_acc
    cdef double *x = aa.hist
    cdef floating *res = <floating *>aa.res
    aa.count = 0
    for a in range(GROUP_AA_K):
        for b in range(a, GROUP_AA_K):
            v = 0.0
            for e in range(d):
                v += ((x[(a + 1) * d + e] - x[a * d + e])
                      * (x[(b + 1) * d + e] - x[b * d + e]))
            M[a * GROUP_AA_K + b] = v
            M[b * GROUP_AA_K + a] = v
        z[a] = 1.0
    if not _solve_small(M, z, GROUP_AA_K):
        return False
    for a in range(GROUP_AA_K):
        zsum += z[a]
    if zsum == 0.0 or zsum != zsum:
        return False
    for e in range(d):
        v = 0.0
        for a in range(GROUP_AA_K):
            v += z[a] * x[(a + 1) * d + e]
        aa.acc[e] = v / zsum
    # the extrapolated point's residual, from the current one
    for i in range(D.n * T):
        res[i] = R[i]
    for t in range(T):
        aa.shift[t] = shift[t]
    e = 0
    for q in range(ws_size):
        g = ws[q]
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            for t in range(T):
                delta = aa.acc[e] - W[j * T + t]
                if delta != 0.0:
                    _col_axpy(D, j, -delta, res + t * D.n)
                    if D.x_mean != NULL:
                        aa.shift[t] -= delta * D.x_mean[j]
                e += 1
    f_cur = _ws_objective(D, G, W, R, shift, ws, ws_size, T, l1, l2)
    # swap the coefficients in to evaluate the extrapolated point's penalty
    e = 0
    for q in range(ws_size):
        g = ws[q]
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            for t in range(T):
                v = W[j * T + t]
                W[j * T + t] = <floating>aa.acc[e]
                aa.acc[e] = v
                e += 1
    f_acc = _ws_objective(D, G, W, res, aa.shift, ws, ws_size, T, l1, l2)
    if f_acc < f_cur:
        for i in range(D.n * T):
            R[i] = res[i]
        for t in range(T):
            shift[t] = aa.shift[t]
        return True
    e = 0   # not better: put the iterate back
    for q in range(ws_size):
        g = ws[q]
        for k in range(_gsize(G, g)):
            for t in range(T):
                W[_gcol(G, g, k) * T + t] = <floating>aa.acc[e]
                e += 1
    return False


cdef solve_info_t _group_solve(const design_t *D, const grp_t *G, floating *W, floating *R,
                               const floating *Y, Py_ssize_t T, double l1, double l2,
                               double tol_abs, Py_ssize_t max_epochs, bint screening,
                               bint use_ws, Py_ssize_t p0, double inner_ratio,
                               Py_ssize_t gap_freq, workspace_t *wk, double *shift,
                               double *buf, double *sr, floating *nz,
                               gaa_t *aa) noexcept nogil:
    """``_group_fresh_solve`` without residual refreshes (the GLM driver's
    weighted least-squares models, float64)."""
    return _group_fresh_solve(D, G, W, R, Y, T, l1, l2, tol_abs, max_epochs, screening,
                              use_ws, p0, inner_ratio, gap_freq, wk, shift, buf, sr, nz, aa,
                              NULL, NULL)


cdef inline mt_gap_t _group_check(const design_t *D, const grp_t *G, floating *W, floating *R,
                                  double *shift, const floating *Y, Py_ssize_t T, double l1,
                                  double l2, const Py_ssize_t *cand, Py_ssize_t n_cand,
                                  double *dnorm, double *buf, double *sr,
                                  grp_fresh_t *fr, grp_par_t *par) noexcept nogil:
    """A gap check: the exact step on the unpenalized group first (its
    correlations then rounding-sized, see ``_group_duality_gap``), then the gap."""
    if G.n_free > 0 and G.lmax[G.free_g] > 0.0:
        _group_step(D, G, G.free_g, W, R, shift, T, l1, l2, buf)
    return _group_duality_gap(D, G, W, R, shift, Y, T, l1, l2, cand, n_cand, dnorm, buf, sr,
                              fr, par)


cdef struct block_outer_t:
    # The block solver as a plug-in of the outer loop (OUTER_BLOCKS, see
    # active_set.pxi); W, R, Y, nz: X's dtype
    const design_t *D
    const grp_t *G
    void *W
    void *R
    const void *Y
    Py_ssize_t T
    double l1
    double l2
    Py_ssize_t max_epochs
    Py_ssize_t gap_freq
    workspace_t *wk
    double *shift
    double *buf
    double *sr
    void *nz                # per group: 1 if its block of W is non-zero
    gaa_t *aa
    grp_fresh_t *fr         # residual refreshes (NULL: none)
    grp_fresh_t *fr_in      # fr at every check (float32), else NULL
    grp_par_t *par          # threads of the checks' correlation passes (NULL: none)
    mt_gap_t gp             # the last outer check
    pen_t rank_pen          # the ranking's key (l1 omega_g - dnorm_g) / sqrt(lmax_g)
    design_t groups_view    # the ranking sees one "column" per group
    solve_info_t *info


cdef solve_info_t _group_fresh_solve(const design_t *D, const grp_t *G, floating *W,
                                     floating *R, const floating *Y, Py_ssize_t T, double l1,
                                     double l2, double tol_abs, Py_ssize_t max_epochs,
                                     bint screening, bint use_ws, Py_ssize_t p0,
                                     double inner_ratio, Py_ssize_t gap_freq,
                                     workspace_t *wk, double *shift, double *buf, double *sr,
                                     floating *nz, gaa_t *aa, grp_fresh_t *fr,
                                     grp_par_t *par) noexcept nogil:
    """Block coordinate descent with working sets and gap-safe screening.

    The outer loop is ``_outer_solve`` (active_set.pxi) with this plug-in: the
    gap over the groups still in play; the group sphere test; the ranking by
    (l1 omega_g - scale dnorm_g) / sqrt(lmax_g) (the unpenalized group, then
    non-zero groups first, via the core's bounded heap); the shared size rule
    (p0 first, then 2 nnz, doubled while the gap is not halved); block
    coordinate descent on the working groups, their gap checked every
    ``gap_freq`` epochs, to inner_ratio times the outer gap, with Anderson
    acceleration every GROUP_AA_K + 1 epochs when ``aa`` is not NULL.
    ``buf`` holds 2 max_size T + 2 max_size doubles, ``shift`` and ``sr`` T.
    With ``fr`` (see grp_fresh_t) the residual is recomputed from W before
    every gap check (fr.every, float32) or before the check that stops the
    loop (float64: the check asked for with final = True, or the one after a
    round on every candidate), so that the certificate is the iterate's.
    ``par`` (NULL: one thread): threads of the gap checks' correlation passes.
    """
    cdef solve_info_t info
    cdef block_outer_t pb
    cdef outer_t A
    cdef Py_ssize_t g, k, t, n_cand = 0
    memset(&info, 0, sizeof(solve_info_t))
    memset(&pb, 0, sizeof(block_outer_t))
    pb.D = D
    pb.G = G
    pb.W = W
    pb.R = R
    pb.Y = Y
    pb.T = T
    pb.l1 = l1
    pb.l2 = l2
    pb.max_epochs = max_epochs
    pb.gap_freq = gap_freq
    pb.wk = wk
    pb.shift = shift
    pb.buf = buf
    pb.sr = sr
    pb.nz = nz
    pb.aa = aa
    pb.fr = fr
    pb.fr_in = fr if fr != NULL and fr.every else NULL
    pb.par = par
    pb.info = &info
    pb.groups_view = D[0]
    pb.groups_view.col_sqnorm = G.lmax
    pb.groups_view.p = G.n_groups
    pb.rank_pen.l1 = l1
    pb.rank_pen.f1 = G.weight
    if G.n_free > 0:
        pb.rank_pen.is_free = G.free_flag      # the unpenalized group: always in the set
    for t in range(T):
        shift[t] = 0.0
    for g in range(G.n_groups):
        nz[g] = 0.0
        if G.lmax[g] > 0.0:
            wk.cand[n_cand] = g
            n_cand += 1
        else:
            for k in range(_gsize(G, g)):
                for t in range(T):
                    W[_gcol(G, g, k) * T + t] = 0.0   # centred columns are 0: R is unchanged
    _outer_init(&A, OUTER_BLOCKS, &pb, wk, l1, 0.0, tol_abs, inner_ratio, p0)
    A.n_cand = n_cand
    A.screening = screening
    A.use_ws = use_ws
    A.ulps = 16.0 * _unit_roundoff(W)
    _outer_solve(&A, W)
    info.n_outer = A.n_outer
    info.n_screened = A.n_screened
    return info


cdef void _block_check(outer_t *A, block_outer_t *pb, bint final,
                       floating *tag) noexcept nogil:
    # float64: the residual is refreshed when the check is expected to stop the
    # solve (the last round solved every candidate to tol_abs) or asked to
    # confirm a stop (at every outer check it would cost ~7% of a 4-task path)
    cdef grp_fresh_t *fr = pb.fr if (final or A.all_in) else pb.fr_in
    pb.gp = _group_check(pb.D, pb.G, <floating *>pb.W, <floating *>pb.R, pb.shift,
                         <const floating *>pb.Y, pb.T, pb.l1, pb.l2, pb.wk.cand, A.n_cand,
                         pb.wk.corr[0], pb.buf, pb.sr, fr, pb.par)
    pb.info.gap = pb.gp.gap
    pb.info.primal = pb.gp.primal
    pb.info.rounding = pb.gp.rnd
    A.gap = pb.gp.gap
    A.primal = pb.gp.primal
    A.rnd = pb.gp.rnd
    A.exhausted = pb.info.n_epochs >= pb.max_epochs or pb.info.interrupted
    A.certified = fr == pb.fr


cdef Py_ssize_t _block_screen(outer_t *A, block_outer_t *pb, floating *tag) noexcept nogil:
    return _group_screen(pb.D, pb.G, <floating *>pb.W, <floating *>pb.R, pb.shift, pb.T,
                         pb.wk.cand, A.n_cand, pb.wk.corr[0], pb.gp.scale, pb.gp.gap_aug,
                         pb.l1, pb.l2)


cdef bint _block_support(outer_t *A, block_outer_t *pb, Py_ssize_t *counts,
                         floating *tag) noexcept nogil:
    # no strong rule (no previous alpha's correlations) and no violator rule
    counts[0] = _group_nonzero(pb.G, <const floating *>pb.W, pb.T, pb.wk.cand, A.n_cand,
                               <floating *>pb.nz)
    counts[1] = 0
    counts[2] = 0
    return False


cdef Py_ssize_t _block_select(outer_t *A, block_outer_t *pb, Py_ssize_t size,
                              floating *tag) noexcept nogil:
    # the core's ranking with corr = dnorm, l2 = 0 and the non-zero indicator as w
    return _select_working_set(&pb.groups_view, <const floating *>pb.nz, pb.wk.cand,
                               A.n_cand, pb.wk.corr[0], <const floating *>pb.nz,
                               pb.gp.scale, &pb.rank_pen, size, pb.wk)


cdef void _block_inner(outer_t *A, block_outer_t *pb, double inner_tol,
                       floating *tag) noexcept nogil:
    """Block coordinate descent on the working groups, the gap checked every
    gap_freq epochs, to inner_tol; also ends when F stops decreasing over 50
    checks (the subproblem's rounding floor)."""
    cdef const design_t *D = pb.D
    cdef const grp_t *G = pb.G
    cdef workspace_t *wk = pb.wk
    cdef solve_info_t *info = pb.info
    cdef floating *W = <floating *>pb.W
    cdef floating *R = <floating *>pb.R
    cdef Py_ssize_t T = pb.T, ws_size = A.ws_size, q, ep = 0, stall_in = 0
    cdef double best_in = INFINITY
    cdef bint heavy = ws_size * G.max_size * D.n * T > 1000000
    cdef bint use_aa = pb.aa != NULL and _gaa_reset(pb.aa, G, wk.ws, ws_size, T)
    cdef mt_gap_t gi
    while info.n_epochs < pb.max_epochs:
        for q in range(ws_size):
            _group_step(D, G, wk.ws[q], W, R, pb.shift, T, pb.l1, pb.l2, pb.buf)
        info.n_epochs += 1
        ep += 1
        if use_aa:
            _gaa_snapshot(pb.aa, G, W, wk.ws, ws_size, T)
            if pb.aa.count == GROUP_AA_K + 1:
                _gaa_extrapolate(pb.aa, D, G, W, R, pb.shift, wk.ws, ws_size, T, pb.l1, pb.l2)
        if (heavy or ep % pb.gap_freq == 0) and _interrupted():
            info.interrupted = True
            break
        if ep % pb.gap_freq == 0:
            gi = _group_check(D, G, W, R, pb.shift, <const floating *>pb.Y, T, pb.l1, pb.l2,
                              wk.ws, ws_size, wk.corr[0], pb.buf, pb.sr, pb.fr_in, pb.par)
            if gi.gap <= inner_tol:
                break
            if best_in == INFINITY or gi.primal < best_in - A.ulps * fabs(best_in):
                best_in = gi.primal
                stall_in = 0
            else:
                stall_in += 1
                if stall_in >= 50:
                    break   # the subproblem is at its rounding floor


cdef void _block_finish(outer_t *A, block_outer_t *pb, floating *tag) noexcept nogil:
    _mt_fold_shift(pb.D, <floating *>pb.R, pb.shift, pb.T)


cdef object _run_group_solve(Design design, const grp_t *G, floating[:, ::1] W,
                             floating[::1, :] R, const floating[::1, :] Y, double l1,
                             double l2, double tol_abs, Py_ssize_t max_epochs,
                             bint screening, bint working_set, Py_ssize_t p0,
                             Py_ssize_t gap_freq, double inner_ratio, bint extrapolate,
                             int n_threads, str name):
    """Check the arrays against the design, allocate, run _group_solve without the GIL."""
    cdef design_t *D = &design.d
    cdef Py_ssize_t p = D.p, n = D.n, T = W.shape[1]
    cdef solve_info_t info
    cdef workspace_t wk
    cdef Py_ssize_t isz = sizeof(float) if floating is float else sizeof(double)
    cdef Py_ssize_t nbuf = (2 * G.max_size + 2) * (T + 1) + 2 * T
    # Anderson steps are compared by F computed from the stored residual: in float32
    # its rounding can accept a point slightly worse in exact arithmetic, which costs
    # at most some epochs (the gap checks recompute the residual from W: the
    # certificate stays the iterate's own)
    cdef double *buf = NULL
    cdef floating *nz = NULL
    cdef gaa_t aa
    cdef grp_fresh_t fr
    cdef grp_par_t par
    memset(&aa, 0, sizeof(gaa_t))
    memset(&fr, 0, sizeof(grp_fresh_t))
    memset(&par, 0, sizeof(grp_par_t))
    par.n_threads = n_threads
    # float32: refreshed (with low parts) at every check; float64: at the outer ones,
    # except with an unpenalized group (as the core: the incremental residual is
    # S-orthogonal to X_c,U after its exact step up to one small step's rounding, a
    # recomputed one carries the rounding of the whole sum X_c W)
    cdef bint refresh = floating is float or G.n_free == 0
    fr.every = floating is float
    if floating is float:
        expected = np.float32
    else:
        expected = np.float64
    if np.dtype(design.dtype) != expected:
        raise TypeError("W/R/Y dtype does not match the design dtype %s" % design.dtype)
    if D.kind == PZ_GRAM:
        raise ValueError(f"{name} needs a dense or CSC design")
    if (W.shape[0] != p or R.shape[0] != n or R.shape[1] != T or Y.shape[0] != n
            or Y.shape[1] != T):
        raise ValueError(f"{name}: array shapes do not match the design")
    if T < 1 or p < 1 or n < 1:
        raise ValueError(f"{name}: empty problem")
    if l1 < 0 or l2 < 0:
        raise ValueError("penalties must be non-negative")
    if max_epochs < 0 or gap_freq < 1 or p0 < 1:
        raise ValueError("max_epochs >= 0, gap_freq >= 1 and p0 >= 1 are required")
    cdef bint ok = _workspace_alloc(&wk, p, n, isz, False, False, False, 0, False,
                                    False, False)
    try:
        buf = <double *>malloc(nbuf * sizeof(double))
        nz = <floating *>malloc(p * sizeof(floating))
        if extrapolate:
            aa.res = malloc(n * T * isz)
            aa.shift = <double *>malloc(T * sizeof(double))
        if refresh:
            fr.acc = wk.racc
            fr.wcol = malloc(p * isz)
            if floating is float:
                fr.lo = malloc(n * T * isz)
        if not ok or buf == NULL or nz == NULL or (extrapolate and (aa.res == NULL
                                                                    or aa.shift == NULL)):
            raise MemoryError()
        if refresh and (fr.wcol == NULL or (floating is float and fr.lo == NULL)):
            raise MemoryError()
        if n_threads > 1:
            par.C = <double *>malloc(p * T * sizeof(double))
            par.cn = <double *>malloc(G.n_groups * sizeof(double))
            if par.C == NULL or par.cn == NULL:
                raise MemoryError()
        with nogil:
            info = _group_fresh_solve(D, G, &W[0, 0], &R[0, 0], &Y[0, 0], T, l1, l2, tol_abs,
                                      max_epochs, screening, working_set, p0, inner_ratio,
                                      gap_freq, &wk, buf, buf + 2 * T, buf + T, nz,
                                      &aa if extrapolate else NULL, &fr if refresh else NULL,
                                      &par if n_threads > 1 else NULL)
    finally:
        free(buf)
        free(nz)
        free(fr.wcol)
        free(fr.lo)
        free(aa.res)
        free(aa.shift)
        free(aa.hist)
        free(par.C)
        free(par.cn)
        _workspace_free(&wk, False)
    if info.interrupted:
        raise KeyboardInterrupt("block coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_epochs": info.n_epochs,
            "n_screened": info.n_screened, "n_outer": info.n_outer,
            "rounding": info.rounding, "n_threaded": par.n_threaded}


def multitask_enet_solve(Design design, floating[:, ::1] W, floating[::1, :] R,
                         const floating[::1, :] Y, double l1, double l2,
                         double tol_abs=0.0, Py_ssize_t max_epochs=1000,
                         bint screening=True, bint working_set=True, Py_ssize_t p0=10,
                         Py_ssize_t gap_freq=10, double inner_ratio=0.3,
                         bint extrapolate=True, n_threads=1):
    """Minimise the unscaled multi-task elastic net F(W) in place (see above):
    singleton groups, the rows of W.

    Parameters
    ----------
    design : Design (DENSE or CSC; not GRAM).
    W : (p, T) C-ordered coefficients, warm start on entry, solution on exit.
    R : (n, T) F-ordered residual Y_c - X_c W for the entry W (updated).
    Y : (n, T) F-ordered raw targets (only for the gap's fallback when rows
        of W outside the candidates are non-zero).
    l1, l2 : n alpha l1_ratio and n alpha (1 - l1_ratio).
    tol_abs : stop once the duality gap of F is <= tol_abs.
    max_epochs : bound on block-coordinate passes (over the working set).
    p0, gap_freq, inner_ratio : first working-set size, epochs between gap
        checks, subproblem tolerance as a fraction of the outer gap.
    extrapolate : Anderson acceleration of the epochs (kept only when F decreases).
    n_threads : threads of the gap checks' correlation passes (``resolve_threads``'s
        rules; the same bits for any count: see grp_par_t).

    Returns
    -------
    dict with gap, primal (unscaled F), n_epochs, n_screened, n_outer, rounding and
    n_threaded (gap passes that ran on more than one thread).
    """
    cdef grp_t G
    cdef int nt = resolve_threads(n_threads)
    memset(&G, 0, sizeof(grp_t))
    G.n_groups = design.d.p
    G.max_size = 1
    G.lmax = design.d.col_sqnorm
    return _run_group_solve(design, &G, W, R, Y, l1, l2, tol_abs, max_epochs, screening,
                            working_set, p0, gap_freq, inner_ratio, extrapolate,
                            nt, "multitask_enet_solve")


def group_enet_solve(Design design, floating[:, ::1] W, floating[::1, :] R,
                     const floating[::1, :] Y, double l1, double l2,
                     const Py_ssize_t[::1] group_ptr, const Py_ssize_t[::1] group_cols,
                     const double[::1] group_weights, dict eigen,
                     double tol_abs=0.0, Py_ssize_t max_epochs=1000,
                     bint screening=True, bint working_set=True, Py_ssize_t p0=10,
                     Py_ssize_t gap_freq=10, double inner_ratio=0.3, bint extrapolate=True,
                     group_ridge=None, n_threads=1):
    """Minimise the unscaled group elastic net F(W) in place (see above).

    The groups are given as CSR-like ``group_ptr`` (n_groups + 1, from 0 to p)
    and ``group_cols`` (a permutation of 0..p-1): group g is
    group_cols[group_ptr[g]:group_ptr[g + 1]].  ``group_weights`` are the
    omega_g >= 0; at most one may be 0: that group is unpenalized (neither the
    group norm nor the ridge term; merge several such groups into one, the same
    problem).  ``eigen`` is :func:`group_gram_eigen`'s result for this design
    and these groups.  The caller guarantees this (the estimators validate it);
    the other arguments are as :func:`multitask_enet_solve`'s.  ``group_ridge``
    (None: 1 for every group): the ridge factors rho_g > 0 (n_groups, float64; the
    unpenalized group's is ignored), the ridge term l2/2 sum_g rho_g ||W_g||_F^2.
    ``n_threads`` as for :func:`multitask_enet_solve`.
    """
    cdef grp_t G
    cdef const double[::1] ridge
    cdef Py_ssize_t g, mmax = 1, n_free = 0, free_g = 0
    cdef const double[::1] lmax = eigen["lmax"]
    cdef const double[::1] values = eigen["values"]
    cdef const double[::1] vectors = eigen["vectors"]
    cdef const Py_ssize_t[::1] offsets = eigen["offsets"]
    cdef int nt = resolve_threads(n_threads)
    n_groups = group_ptr.shape[0] - 1
    if (n_groups < 1 or group_cols.shape[0] != design.d.p
            or group_weights.shape[0] != n_groups or lmax.shape[0] != n_groups
            or offsets.shape[0] != n_groups or values.shape[0] != design.d.p):
        raise ValueError("group_enet_solve: group arrays do not match the design")
    for g in range(n_groups):
        if group_ptr[g + 1] - group_ptr[g] > mmax:
            mmax = group_ptr[g + 1] - group_ptr[g]
        if not group_weights[g] >= 0.0:
            raise ValueError("group_enet_solve: group weights must be >= 0")
        if group_weights[g] == 0.0:
            n_free += 1
            free_g = g
    if n_free > 1:
        raise ValueError("group_enet_solve: at most one unpenalized group (weight 0); merge "
                         "them into one group")
    if group_ridge is not None:
        ridge = group_ridge
        if ridge.shape[0] != n_groups:
            raise ValueError("group_enet_solve: group_ridge does not match the groups")
        for g in range(n_groups):
            if not (ridge[g] >= 0.0 and ridge[g] < INFINITY):
                raise ValueError("group_enet_solve: group_ridge must be finite and >= 0")
    flags = np.zeros(n_groups, dtype=np.int8)
    cdef signed char[::1] fv = flags
    memset(&G, 0, sizeof(grp_t))
    if n_free:
        fv[free_g] = 1
        G.n_free = 1
        G.free_g = free_g
        G.free_flag = <const char *>&fv[0]
    G.n_groups = n_groups
    G.max_size = mmax
    G.ptr = &group_ptr[0]
    G.cols = &group_cols[0]
    G.weight = &group_weights[0]
    if group_ridge is not None:
        G.ridge = &ridge[0]
    G.lmax = &lmax[0]
    G.eig = &values[0]
    G.Q = &vectors[0]
    G.qoff = &offsets[0]
    return _run_group_solve(design, &G, W, R, Y, l1, l2, tol_abs, max_epochs, screening,
                            working_set, p0, gap_freq, inner_ratio, extrapolate,
                            nt, "group_enet_solve")


cdef bint _group_gram(const design_t *D, const Py_ssize_t *cols, Py_ssize_t m,
                      floating *col, double *H) noexcept nogil:
    """H = X_c,g^T S X_c,g (column-major m x m) for the columns ``cols``.

    Column b is spread into the dense buffer ``col`` (n, zero on entry and
    exit), then H_ab = x_c,a^T S x_b = x_c,a^T S x_c,b (the S-weighted centred
    columns are S-orthogonal to constants) by the core's column access.
    """
    cdef Py_ssize_t a, b, i
    cdef double sr
    cdef const floating *s = <const floating *>D.sw
    for b in range(m):
        _col_axpy(D, cols[b], 1.0, col)
        sr = 0.0
        for i in range(D.n):
            sr += col[i] if s == NULL else <double>s[i] * col[i]
        for a in range(b, m):
            H[b * m + a] = _centred_wdot(D, cols[a], col, sr)
        for i in range(D.n):
            col[i] = 0.0
    for b in range(m):
        for a in range(b + 1, m):
            H[a * m + b] = H[b * m + a]
    return True


cdef int _group_eigen_one(const design_t *D, const Py_ssize_t *ptr, const Py_ssize_t *cols,
                          Py_ssize_t g, double *values, double *vectors,
                          const Py_ssize_t *offsets, floating *col, double *work,
                          int lwork) noexcept nogil:
    """Eigendecomposition of group g's Gram block; LAPACK's info (0 = success)."""
    cdef Py_ssize_t k, m = ptr[g + 1] - ptr[g]
    cdef int mm = <int>m, info = 0
    cdef char jobz = b'V', uplo = b'L'
    cdef double *Q = vectors + offsets[g]
    _group_gram(D, cols + ptr[g], m, col, Q)
    if m == 1:
        values[ptr[g]] = Q[0]
        Q[0] = 1.0
    else:
        dsyev(&jobz, &uplo, &mm, Q, &mm, values + ptr[g], work, &lwork, &info)
        if info != 0:
            return info
    for k in range(m):
        if not values[ptr[g] + k] > 0.0:
            values[ptr[g] + k] = 0.0    # rounding below a PSD matrix's spectrum
    return 0


cdef int _group_eigen_all(const design_t *D, const Py_ssize_t *ptr, const Py_ssize_t *cols,
                          Py_ssize_t n_groups, double *values, double *vectors,
                          const Py_ssize_t *offsets, double *lmax, floating *col,
                          double *work, int lwork) noexcept nogil:
    """Eigendecomposition of every group's Gram block; LAPACK's info (0 = success)."""
    cdef Py_ssize_t g
    cdef int info
    for g in range(n_groups):
        info = _group_eigen_one(D, ptr, cols, g, values, vectors, offsets, col, work, lwork)
        if info != 0:
            return info
        lmax[g] = values[ptr[g + 1] - 1]
    return 0


def group_gram_eigen(Design design, const Py_ssize_t[::1] group_ptr,
                     const Py_ssize_t[::1] group_cols):
    """Eigendecompositions of the groups' Gram blocks X_c,g^T S X_c,g.

    Computed once per design and grouping (sum_g m_g^2 n flops, m_g^3 for each
    decomposition) and reused by every :func:`group_enet_solve` call of a path.
    Returns a dict of arrays: ``values`` (p, each group's eigenvalues,
    ascending, at its group_ptr offset), ``vectors`` (sum_g m_g^2, each group's
    column-major eigenvectors at ``offsets[g]``) and ``lmax`` (n_groups, the
    largest eigenvalue: the squared spectral norm of X_c,g).
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t g, n_groups = group_ptr.shape[0] - 1, m, mmax = 1, total = 0
    if D.kind == PZ_GRAM:
        raise ValueError("group_gram_eigen needs a dense or CSC design")
    if n_groups < 1 or group_cols.shape[0] != D.p or group_ptr[n_groups] != D.p:
        raise ValueError("group_gram_eigen: the groups do not partition the columns")
    offsets = np.empty(n_groups, dtype=np.intp)
    for g in range(n_groups):
        m = group_ptr[g + 1] - group_ptr[g]
        if m < 1:
            raise ValueError("group_gram_eigen: empty group")
        offsets[g] = total
        total += m * m
        mmax = m if m > mmax else mmax
    values = np.zeros(D.p)
    vectors = np.zeros(total)
    lmax = np.zeros(n_groups)
    col = np.zeros(D.n, dtype=design.dtype)
    cdef int lwork = <int>(3 * mmax + 1)
    work = np.empty(lwork)
    cdef double[::1] vv = values, qv = vectors, lv = lmax, wv = work
    cdef Py_ssize_t[::1] ov = offsets
    cdef float[::1] c32
    cdef double[::1] c64
    cdef int info
    if design.dtype == np.float32:
        c32 = col
        with nogil:
            info = _group_eigen_all(D, &group_ptr[0], &group_cols[0], n_groups, &vv[0],
                                    &qv[0], &ov[0], &lv[0], &c32[0], &wv[0], lwork)
    else:
        c64 = col
        with nogil:
            info = _group_eigen_all(D, &group_ptr[0], &group_cols[0], n_groups, &vv[0],
                                    &qv[0], &ov[0], &lv[0], &c64[0], &wv[0], lwork)
    if info != 0:
        raise np.linalg.LinAlgError(
            f"the eigendecomposition of a group's Gram block failed (LAPACK info {info})")
    return {"values": values, "vectors": vectors, "offsets": offsets, "lmax": lmax}
