# Included by _core.pyx: the proximal Newton driver (buffers, the Newton
# directions, the one line search, _prox_newton); see loss.pxi.

cdef struct glm_grp_bufs_t:
    # A block of whole groups: its columns are laid out group after group, so
    # the block's grouping ``blk`` has cols = 0..m-1; its eigendecompositions
    # (of the weighted model's Gram blocks) are refreshed at every Newton step.
    grp_t blk
    Py_ssize_t *ptr         # n_groups + 1 (capacity: every group)
    Py_ssize_t *ident       # 0..p-1
    double *weight          # the block's omega_g
    double *lmax
    double *values          # p
    double *vectors         # sum_g m_g^2 over every group
    Py_ssize_t *qoff
    double *work            # LAPACK workspace, lwork doubles
    int lwork
    void *col               # n, the design's precision, zero between uses
    double *solve_buf       # the block solver's: shift, sr, 2 max_size + 2 doubles
    void *nz                # p (design precision)
    gaa_t aa
    Py_ssize_t *sel         # the selected groups of the full design (p)
    double *gnz             # p: non-zero indicator per group (the ranking's w)
    char *free_flag         # the block's groups + 1: 1 for its unpenalized group (the
                            # full design's unpenalized features, laid out last)


cdef struct glm_bufs_t:
    # n-sized (floating): weights, working response, residual, a scratch column
    void *hn
    void *tgt
    void *res
    void *own
    # n-sized (double)
    double *r
    double *curv
    double *q           # softmax model: p_i . D_i
    double *ex          # log-link losses: e_i (``_log_link_e``) at eta or at eta_t
    # n K-sized (double)
    double *d_eta       # the direction in eta (the softmax model's D)
    double *eta_t
    double *a
    double *th
    double *P           # softmax model: probabilities, gradient, s * P
    double *U
    double *SP
    # block-sized (m K): coefficients in the design's precision, statistics
    void *w_new
    double *w
    double *xm
    double *sq
    double *dw
    double *corr
    double *mag
    double *H           # softmax model: diagonal curvature of every coefficient
    double *f1b         # the block's penalty factors
    double *f2b
    double *lob         # and limits
    double *hib
    Py_ssize_t cap      # block size allocated
    # K-sized
    double *db
    double *hb
    # full-problem (p, p K)
    double *corr_full
    double *nz_row
    # with user-defined groups: the block's grouping and its solver's scratch
    glm_grp_bufs_t *gb


cdef bint _glm_bufs_alloc(glm_bufs_t *bf, Py_ssize_t n, Py_ssize_t p, Py_ssize_t K,
                          Py_ssize_t isz) noexcept nogil:
    cdef Py_ssize_t nK = n * K + 1, dsz = sizeof(double)
    memset(bf, 0, sizeof(glm_bufs_t))
    bf.hn = malloc((n + 1) * isz)
    bf.tgt = malloc((n + 1) * isz)
    bf.res = malloc((n + 1) * isz)
    bf.own = malloc((n + 1) * isz)
    bf.r = <double *>malloc((n + 1) * dsz)
    bf.curv = <double *>malloc((n + 1) * dsz)
    bf.ex = <double *>malloc((n + 1) * dsz)
    bf.d_eta = <double *>malloc(nK * dsz)
    bf.eta_t = <double *>malloc(nK * dsz)
    bf.a = <double *>malloc(nK * dsz)
    bf.th = <double *>malloc(nK * dsz)
    bf.db = <double *>malloc((K + 1) * dsz)
    bf.hb = <double *>malloc((K + 1) * dsz)
    bf.corr_full = <double *>malloc((p * K + 1) * dsz)
    bf.nz_row = <double *>malloc((p + 1) * dsz)
    if K > 1:
        bf.q = <double *>malloc((n + 1) * dsz)
        bf.P = <double *>malloc(nK * dsz)
        bf.U = <double *>malloc(nK * dsz)
        bf.SP = <double *>malloc(nK * dsz)
        if bf.q == NULL or bf.P == NULL or bf.U == NULL or bf.SP == NULL:
            return False
    return not (bf.hn == NULL or bf.tgt == NULL or bf.res == NULL or bf.own == NULL
                or bf.r == NULL or bf.curv == NULL or bf.ex == NULL or bf.d_eta == NULL or bf.eta_t == NULL
                or bf.a == NULL or bf.th == NULL or bf.db == NULL or bf.hb == NULL
                or bf.corr_full == NULL or bf.nz_row == NULL)


cdef bint _glm_bufs_reserve(glm_bufs_t *bf, Py_ssize_t m, Py_ssize_t K, Py_ssize_t hk,
                            Py_ssize_t isz) noexcept nogil:
    """Make room for a block of m features (grown geometrically, never shrunk);
    ``hk`` curvature entries per feature (K, or K^2 for the rows' Hessian blocks)."""
    cdef Py_ssize_t cap
    if m <= bf.cap:
        return True
    cap = 2 * m if 2 * m > 16 else 16
    free(bf.w_new); free(bf.w); free(bf.xm); free(bf.sq); free(bf.dw); free(bf.corr)
    free(bf.mag); free(bf.H); free(bf.f1b); free(bf.f2b); free(bf.lob); free(bf.hib)
    bf.f1b = <double *>malloc(cap * sizeof(double))
    bf.f2b = <double *>malloc(cap * sizeof(double))
    bf.lob = <double *>malloc(cap * sizeof(double))
    bf.hib = <double *>malloc(cap * sizeof(double))
    bf.w_new = malloc(cap * isz)
    bf.w = <double *>malloc(cap * K * sizeof(double))
    bf.xm = <double *>malloc(cap * sizeof(double))
    bf.sq = <double *>malloc(cap * sizeof(double))
    bf.dw = <double *>malloc(cap * K * sizeof(double))
    bf.corr = <double *>malloc(cap * K * sizeof(double))
    bf.mag = <double *>malloc(cap * sizeof(double))
    bf.H = <double *>malloc(cap * hk * sizeof(double))
    if (bf.w_new == NULL or bf.w == NULL or bf.xm == NULL or bf.sq == NULL or bf.dw == NULL
            or bf.corr == NULL or bf.mag == NULL or bf.H == NULL or bf.f1b == NULL
            or bf.f2b == NULL or bf.lob == NULL or bf.hib == NULL):
        bf.cap = 0
        return False
    bf.cap = cap
    return True


cdef void _glm_bufs_free(glm_bufs_t *bf) noexcept nogil:
    free(bf.hn); free(bf.tgt); free(bf.res); free(bf.own)
    free(bf.r); free(bf.curv); free(bf.q)
    free(bf.ex); free(bf.d_eta); free(bf.eta_t); free(bf.a); free(bf.th); free(bf.P); free(bf.U)
    free(bf.SP)
    free(bf.w_new); free(bf.w); free(bf.xm); free(bf.sq); free(bf.dw); free(bf.corr)
    free(bf.mag); free(bf.H); free(bf.f1b); free(bf.f2b); free(bf.lob); free(bf.hib)
    free(bf.db); free(bf.hb); free(bf.corr_full); free(bf.nz_row)
    memset(bf, 0, sizeof(glm_bufs_t))


cdef struct glm_dir_t:
    bint moved          # a non-zero direction (dW, db, d_eta) was produced
    double slope        # directional derivative of the loss along it
    Py_ssize_t epochs
    bint interrupted


cdef solve_info_t _group_direction(const design_t *Dh, glm_grp_bufs_t *gb, floating *w_new,
                                   floating *res, const floating *tgt, double l1, double l2,
                                   double tol, Py_ssize_t max_epochs,
                                   workspace_t *wk) noexcept nogil:
    """The weighted least-squares model with groups, by the group block solver
    (``_group_solve``): a group's Gram block under the model's weights is
    diagonalised at its first step that can move it (m_g^2 n flops)."""
    cdef grp_t *G = &gb.blk
    cdef Py_ssize_t g, k
    # decompositions on demand (a group that stays 0 needs none); the squared
    # Frobenius norm bounds lmax for the screening and the ranking
    for g in range(G.n_groups):
        G.eig_ready[g] = 0
        gb.lmax[g] = 0.0
        for k in range(G.ptr[g], G.ptr[g + 1]):
            gb.lmax[g] += Dh.col_sqnorm[k]
    if G.n_free > 0 and gb.lmax[G.free_g] > 0.0:
        # the unpenalized group's step and its gap projection use its eigenvectors
        # from the first check on: decomposed now
        if _group_eigen_one(Dh, G.ptr, G.cols, G.free_g, <double *>G.eig, <double *>G.Q,
                            G.qoff, <floating *>G.col, G.work, G.lwork) == 0:
            G.eig_ready[G.free_g] = 1
    return _group_solve(Dh, G, w_new, res, tgt, 1, l1, l2, tol, max_epochs, True, True, 10,
                        0.3, 10, wk, gb.solve_buf, gb.solve_buf + 2, gb.solve_buf + 1,
                        <floating *>gb.nz, &gb.aa)


cdef bint _free_model_block(const design_t *Dh, const glm_free_t *F, const floating *hn,
                            const double *xm, bint fit_intercept, pen_t *pen,
                            floating *tag) noexcept nogil:
    """Hand the block's unpenalized features to the core's free block (``pen_t``):
    the Cholesky factor of X_c,U^T H X_c,U under the Newton model's weights H and
    centring, the flags and the scratch.  False if that Gram is singular."""
    cdef Py_ssize_t i, k, l, n = Dh.n, m = F.m
    cdef floating *Z = <floating *>F.cols
    cdef double v, mk, ml
    cdef int mm = <int>m, info = 0
    cdef char uplo = b'L'
    _unpenalized_columns(Dh, F, Z)
    for k in range(m):
        mk = xm[F.idx[k]] if fit_intercept else 0.0
        for l in range(k + 1):
            ml = xm[F.idx[l]] if fit_intercept else 0.0
            v = 0.0
            for i in range(n):
                v += hn[i] * (Z[i + k * n] - mk) * (Z[i + l * n] - ml)
            F.chol[k + l * m] = v
            F.chol[l + k * m] = v
    dpotrf(&uplo, &mm, F.chol, &mm, &info)
    if info != 0:
        return False
    memset(F.flags, 0, (Dh.p + 1) * sizeof(char))
    for k in range(m):
        F.flags[F.idx[k]] = 1
    pen.n_free = m
    pen.n_relax = 0
    pen.free = F.idx
    pen.free_chol = F.chol
    pen.is_free = F.flags
    pen.free_buf = F.buf
    return True


cdef glm_dir_t _least_squares_direction(const design_t *B, const double *w, const double *b,
                                        const double *eta, const glm_loss_t *L,
                                        const glm_pen_t *P, bint fit_intercept,
                                        double tol_model, double model_rel,
                                        double model_floor, Py_ssize_t max_epochs,
                                        const double *ex, glm_bufs_t *bf, workspace_t *wk,
                                        uint64_t *rng, floating *tag) noexcept nogil:
    """Newton direction of a diagonal-Hessian loss on the block B (raw columns).

    The quadratic model at eta, sum_i s_i curv_i / 2 (z_i - eta_i)^2 with the
    working response z = eta + r / curv (its gradient is the loss's exactly),
    plus the penalty is a weighted least-squares elastic net, solved by the
    core's ``_solve`` (or, with groups, the group block solver) to ``tol_model``
    (``model_rel`` > 0: to min(tol_model, max(model_rel x the model's
    gap at w, model_floor)), the core's first check giving that gap).
    Fills bf.dw (m), bf.db[0], bf.d_eta (n).  ``ex``: the log-link losses' e_i at
    eta when known (``_loss_model``), else NULL.
    """
    cdef glm_dir_t out
    cdef Py_ssize_t i, j, n = B.n, m = B.p
    cdef floating *hn = <floating *>bf.hn
    cdef floating *tgt = <floating *>bf.tgt
    cdef floating *res = <floating *>bf.res
    cdef floating *own = <floating *>bf.own
    cdef floating *w_new = <floating *>bf.w_new
    cdef double hsum, swsum = 0.0, scale, y_mean = 0.0, yy = 0.0, v, xmw = 0.0, b_new
    cdef bint changed = False
    cdef design_t Dh
    cdef solve_info_t info
    cdef pen_t pen
    out.moved = False
    out.slope = 0.0
    out.epochs = 0
    out.interrupted = False
    hsum = _loss_model(L, eta, bf.r, bf.curv, ex)
    if not hsum > 0.0:
        return out
    scale = n / hsum      # the weighted LS objective is (n / sum h) x the model's
    for i in range(n):
        hn[i] = <floating>(L.s[i] * bf.curv[i] * scale)
        swsum += hn[i]
        own[i] = 0.0
    for j in range(m):
        if w[j] != 0.0:
            _col_axpy(B, j, w[j], own)
    # weighted design over the same columns: new weights, means and norms
    Dh = B[0]
    Dh.sw = hn
    Dh.sw_sum = swsum
    Dh.x_mean = bf.xm if fit_intercept else NULL
    Dh.col_sqnorm = bf.sq
    _column_stats(&Dh, hn, bf.xm, bf.sq, fit_intercept)
    # working response of the block: z minus the other features' fixed part
    for i in range(n):
        tgt[i] = <floating>(own[i] + b[0] + bf.r[i] / bf.curv[i])
    if fit_intercept:
        for i in range(n):
            y_mean += <double>hn[i] * tgt[i]
        y_mean /= swsum
        for j in range(m):
            xmw += bf.xm[j] * w[j]
    for i in range(n):
        v = <double>tgt[i] - y_mean
        yy += hn[i] * v * v
        res[i] = <floating>(v - own[i] + xmw)
    for j in range(m):
        w_new[j] = <floating>w[j]
    wk.has_cert = False
    memset(&pen, 0, sizeof(pen_t))
    pen.l1 = P.l1 * scale
    pen.l2 = P.l2 * scale
    pen.f1 = P.f1
    pen.f2 = P.f2
    pen.lo = P.lo
    pen.hi = P.hi
    if P.fr != NULL and P.fr.m > 0 and P.grp == NULL:
        # (with groups the unpenalized features are the block's unpenalized group)
        if not _free_model_block(&Dh, P.fr, hn, bf.xm, fit_intercept, &pen, tag):
            return out          # collinear under these weights: no direction
    wk.model_rel = model_rel
    wk.model_floor = model_floor * scale
    if P.grp != NULL:
        info = _group_direction(&Dh, bf.gb, w_new, res, tgt, pen.l1, pen.l2,
                                tol_model * scale, max_epochs, wk)
    elif (L.kind == LOSS_COX and pen.n_free == 0 and Dh.kind == PZ_DENSE
          and sizeof(floating) == sizeof(double)):
        # Cox: the lean model solvers of cox.pxi (dense float64, no unpenalized
        # features, no groups): the block's full Hessian when it is small, else
        # the diagonal model
        if not _cox_newton_model(&Dh, L, bf.r, scale, <double *>w_new, &pen, model_rel,
                                 max_epochs, &info):
            info = _cox_model_cd(&Dh, <double *>w_new, <double *>res, &pen, model_rel,
                                 max_epochs)
    else:
        # the model's gap every 10 epochs; Cox's models converge in a few epochs
        # (measured: 1000 x 200 L1 fit 31 -> 20 ms with every 3), so it checks sooner
        info = _solve(&Dh, w_new, res, tgt, yy, &pen, tol_model * scale,
                      max_epochs, True, True, 10, True, 0.0, 0.3,
                      3 if L.kind == LOSS_COX else 10, False, rng, wk)
    wk.model_rel = 0.0
    wk.model_floor = 0.0
    out.epochs = info.n_epochs
    out.interrupted = info.interrupted
    b_new = 0.0
    if fit_intercept:
        b_new = y_mean
        for j in range(m):
            b_new -= bf.xm[j] * w_new[j]
    bf.db[0] = b_new - b[0]
    for j in range(m):
        bf.dw[j] = <double>w_new[j] - w[j]
        if bf.dw[j] != 0.0:
            changed = True
    if not changed and (bf.db[0] == 0.0 or out.epochs == 0):
        return out
    # d_eta = X_B dw + db, accumulated in the design precision
    for i in range(n):
        own[i] = 0.0
    for j in range(m):
        if bf.dw[j] != 0.0:
            _col_axpy(B, j, bf.dw[j], own)
    for i in range(n):
        bf.d_eta[i] = <double>own[i] + bf.db[0]
        out.slope -= L.s[i] * bf.r[i] * bf.d_eta[i]
    out.moved = True
    return out


cdef inline double _softmax_grad(const design_t *B, Py_ssize_t j, const double *u,
                                 const double *sp, const double *D, const double *q,
                                 floating *tag) noexcept nogil:
    """x_j . (u + sp (D - q)): the softmax model's derivative in one coefficient."""
    cdef Py_ssize_t a, e
    if B.kind == PZ_DENSE:
        if floating is float:
            return pz_dense_mn_grad_f(B.n, <const float *>B.X + j * B.n, u, sp, D, q)
        else:
            return pz_dense_mn_grad_d(B.n, <const double *>B.X + j * B.n, u, sp, D, q)
    a = _csc_start(B, j)
    e = _csc_start(B, j + 1)
    if B.index64:
        if floating is float:
            return pz_csc_mn_grad_f64(<const float *>B.data, <const int64_t *>B.indices,
                                      a, e, u, sp, D, q)
        else:
            return pz_csc_mn_grad_d64(<const double *>B.data, <const int64_t *>B.indices,
                                      a, e, u, sp, D, q)
    if floating is float:
        return pz_csc_mn_grad_f32(<const float *>B.data, <const int32_t *>B.indices,
                                  <int32_t>a, <int32_t>e, u, sp, D, q)
    else:
        return pz_csc_mn_grad_d32(<const double *>B.data, <const int32_t *>B.indices,
                                  <int32_t>a, <int32_t>e, u, sp, D, q)


cdef inline void _softmax_update(const design_t *B, Py_ssize_t j, double delta,
                                 const double *Pk, double *D, double *q,
                                 floating *tag) noexcept nogil:
    """D += delta x_j and q += delta x_j P_k after W_jk += delta."""
    cdef Py_ssize_t a, e
    if B.kind == PZ_DENSE:
        if floating is float:
            pz_dense_mn_update_f(B.n, delta, <const float *>B.X + j * B.n, Pk, D, q)
        else:
            pz_dense_mn_update_d(B.n, delta, <const double *>B.X + j * B.n, Pk, D, q)
        return
    a = _csc_start(B, j)
    e = _csc_start(B, j + 1)
    if B.index64:
        if floating is float:
            pz_csc_mn_update_f64(delta, <const float *>B.data, <const int64_t *>B.indices,
                                 a, e, Pk, D, q)
        else:
            pz_csc_mn_update_d64(delta, <const double *>B.data, <const int64_t *>B.indices,
                                 a, e, Pk, D, q)
    elif floating is float:
        pz_csc_mn_update_f32(delta, <const float *>B.data, <const int32_t *>B.indices,
                             <int32_t>a, <int32_t>e, Pk, D, q)
    else:
        pz_csc_mn_update_d32(delta, <const double *>B.data, <const int32_t *>B.indices,
                             <int32_t>a, <int32_t>e, Pk, D, q)


cdef inline double _col_wsq(const design_t *B, Py_ssize_t j, const double *h,
                            floating *tag) noexcept nogil:
    """sum_i x_ij^2 h_i over column j of B."""
    cdef Py_ssize_t a, e
    if B.kind == PZ_DENSE:
        if floating is float:
            return pz_dense_wsq_f(B.n, <const float *>B.X + j * B.n, h)
        else:
            return pz_dense_wsq_d(B.n, <const double *>B.X + j * B.n, h)
    a = _csc_start(B, j)
    e = _csc_start(B, j + 1)
    if B.index64:
        if floating is float:
            return pz_csc_wsq_f64(<const float *>B.data, <const int64_t *>B.indices, a, e, h)
        else:
            return pz_csc_wsq_d64(<const double *>B.data, <const int64_t *>B.indices, a, e, h)
    if floating is float:
        return pz_csc_wsq_f32(<const float *>B.data, <const int32_t *>B.indices,
                              <int32_t>a, <int32_t>e, h)
    else:
        return pz_csc_wsq_d32(<const double *>B.data, <const int32_t *>B.indices,
                              <int32_t>a, <int32_t>e, h)


cdef void _softmax_model_at(const design_t *B, const double *eta, const glm_loss_t *L,
                            const glm_pen_t *P, glm_bufs_t *bf, floating *tag) noexcept nogil:
    """The softmax model at eta: P, U = s (P - Y), SP = s P, the intercepts'
    curvature hb_k and D = q = 0; the diagonal curvature
    H_jk = sum_i s_i x_ij^2 P_ik (1 - P_ik), or with rows the whole K x K block
    H_j = sum_i s_i x_ij^2 (diag P_i - P_i P_i^T) (row-major at H + j K^2).
    P (1 - P) is floored at GLM_CURV_FLOOR on the diagonal (a proximal term):
    where the softmax saturates, the loss is flat to rounding and the exact
    curvature 0 would leave a coefficient that only the penalty still pulls
    where it is."""
    cdef Py_ssize_t i, j, k, l, n = B.n, m = B.p, K = L.K, KK = L.K * L.K
    cdef double v
    _softmax(L, eta, bf.P)
    for k in range(K):
        bf.hb[k] = 0.0
        for i in range(n):
            v = bf.P[i + k * n]
            bf.SP[i + k * n] = L.s[i] * v
            bf.U[i + k * n] = L.s[i] * (v - (1.0 if L.codes[i] == k else 0.0))
            bf.d_eta[i + k * n] = 0.0
            bf.hb[k] += L.s[i] * v * (1.0 - v)
    for i in range(n):
        bf.q[i] = 0.0
    for k in range(K):
        for l in range(k, K if P.group else k + 1):
            # curv = s P_k (1 - P_k) (floored) on the diagonal, -s P_k P_l off it
            for i in range(n):
                if l == k:
                    v = bf.P[i + k * n] * (1.0 - bf.P[i + k * n])
                    bf.curv[i] = L.s[i] * (v if v > GLM_CURV_FLOOR else GLM_CURV_FLOOR)
                else:
                    bf.curv[i] = -bf.SP[i + k * n] * bf.P[i + l * n]
            for j in range(m):
                v = _col_wsq(B, j, bf.curv, tag)
                if P.group:
                    bf.H[j * KK + k * K + l] = v
                    bf.H[j * KK + l * K + k] = v
                else:
                    bf.H[j + k * m] = v


cdef double _softmax_coordinate(const design_t *B, Py_ssize_t j, Py_ssize_t k,
                                const double *W, const glm_pen_t *P, glm_bufs_t *bf,
                                double *size, floating *tag) noexcept nogil:
    """Exact minimisation of the softmax model + penalty in W_jk.

    Returns the step's size sqrt(h) |delta| (in the model's norm); raises
    size[0] to sqrt(h) |W_jk| when larger (the scale the step is measured against).
    """
    cdef Py_ssize_t n = B.n, m = B.p, jk = j + k * m
    cdef double h = bf.H[jk], z, g, v, delta
    if not h > 0.0:
        return 0.0
    z = W[jk] + bf.dw[jk]
    g = _softmax_grad(B, j, bf.U + k * n, bf.SP + k * n, bf.d_eta + k * n, bf.q, tag)
    v = pz_soft_threshold(h * z - g, P.l1 * _f1(P, j)) / (h + P.l2 * _f2(P, j))
    if P.lo != NULL:        # the 1-D model is strongly convex: clipping is exact
        v = P.lo[j] if v < P.lo[j] else (P.hi[j] if v > P.hi[j] else v)
    delta = v - z
    h = sqrt(h)
    if h * fabs(v) > size[0]:
        size[0] = h * fabs(v)
    if delta == 0.0:
        return 0.0
    bf.dw[jk] += delta
    _softmax_update(B, j, delta, bf.P + k * n, bf.d_eta + k * n, bf.q, tag)
    return h * fabs(delta)


cdef double _group_prox_quadratic(const double *H, const double *c, Py_ssize_t K, double l1,
                                  double l2, double *v, double *work) noexcept nogil:
    """argmin_v 1/2 v^T (H + l2 I) v - c^T v + l1 ||v||_2 for a K x K PSD H.

    v = 0 iff ||c|| <= l1.  Otherwise v = (A + mu I)^{-1} c, A = H + l2 I,
    with mu = l1 / ||v|| > 0 the root of h(mu) = sum_k b_k^2 mu^2 / (a_k + mu)^2
    = l1^2 (A = Q diag(a) Q^T, b = Q^T c; h increases from 0 to ||c||^2):
    ``_secular_root`` (the group-lasso subproblem, as adelie solves its
    blocks; the same routine as the user-defined groups' block steps).  Returns the largest eigenvalue of A (the step's metric); ``work``
    holds 2 K^2 + 4 K doubles.
    """
    cdef Py_ssize_t k, it
    cdef double *Q = work
    cdef double *a = work + K * K
    cdef double *b = work + K * K + K
    cdef double *lw = work + K * K + 2 * K
    cdef double cn = 0.0, mu, r
    cdef int KK = <int>K, lwork = <int>(K * K + 2 * K), info = 0
    cdef char jobz = b'V', uplo = b'L'
    for k in range(K):
        cn += c[k] * c[k]
    cn = sqrt(cn)
    for k in range(K * K):
        Q[k] = H[k]
    for k in range(K):
        Q[k * K + k] += l2
    dsyev(&jobz, &uplo, &KK, Q, &KK, a, lw, &lwork, &info)
    if info != 0:
        for k in range(K):
            v[k] = 0.0
        return 0.0
    for k in range(K):
        if a[k] < 0.0:
            a[k] = 0.0
    if cn <= l1:
        for k in range(K):
            v[k] = 0.0
        return a[K - 1]
    # b = Q^T c (Q column-major: eigenvector k is column k)
    for k in range(K):
        b[k] = 0.0
        for it in range(K):
            b[k] += Q[k * K + it] * c[it]
    if l1 <= 0.0:
        mu = 0.0
    else:
        for k in range(K):
            lw[k] = b[k] * b[k]
        mu = _secular_root(a, lw, K, l1, cn, a[0], a[K - 1])
    for k in range(K):
        v[k] = 0.0
    for it in range(K):
        r = b[it] / (a[it] + mu) if a[it] + mu > 0.0 else 0.0
        for k in range(K):
            v[k] += Q[it * K + k] * r
    return a[K - 1]


cdef double _softmax_row(const design_t *B, Py_ssize_t j, Py_ssize_t K, const double *W,
                         const glm_pen_t *P, glm_bufs_t *bf, double *g, double *size,
                         floating *tag) noexcept nogil:
    """Exact minimisation of the softmax model + penalty in the row W_j (group
    penalty): with the row's Hessian block H_j, z the current row and g the
    model's gradient there, the new row minimises
    g.(v - z) + 1/2 (v - z)^T H_j (v - z) + L1 ||v|| + L2/2 ||v||^2
    (``_group_prox_quadratic`` with c = H_j z - g).  Returns the step's size
    sqrt(lambda_max) ||delta|| (size as in _softmax_coordinate)."""
    cdef Py_ssize_t k, l, n = B.n, m = B.p
    cdef const double *H = bf.H + j * K * K
    cdef double z[64]
    cdef double c[64]
    cdef double v[64]
    cdef double work[2 * 64 * 64 + 4 * 64]
    cdef double delta, dd = 0.0, vn = 0.0, amax
    for k in range(K):
        g[k] = _softmax_grad(B, j, bf.U + k * n, bf.SP + k * n, bf.d_eta + k * n, bf.q, tag)
        z[k] = W[j + k * m] + bf.dw[j + k * m]
    for k in range(K):
        c[k] = -g[k]
        for l in range(K):
            c[k] += H[k * K + l] * z[l]
    amax = _group_prox_quadratic(H, c, K, P.l1 * _f1(P, j), P.l2 * _f2(P, j), v, work)
    for k in range(K):
        vn += v[k] * v[k]
        delta = v[k] - z[k]
        if delta != 0.0:
            dd += delta * delta
            bf.dw[j + k * m] += delta
            _softmax_update(B, j, delta, bf.P + k * n, bf.d_eta + k * n, bf.q, tag)
    amax = sqrt(amax)
    if amax * sqrt(vn) > size[0]:
        size[0] = amax * sqrt(vn)
    return amax * sqrt(dd)


cdef double _softmax_intercepts(const glm_loss_t *L, glm_bufs_t *bf) noexcept nogil:
    """Exact minimisation of the softmax model in each intercept in turn (O(n K));
    returns the largest step sqrt(hb_k) |delta|."""
    cdef Py_ssize_t i, k, n = L.n
    cdef double g, delta, v, step = 0.0
    for k in range(L.K):
        if not bf.hb[k] > 0.0:
            continue
        g = 0.0
        for i in range(n):
            g += bf.U[i + k * n] + bf.SP[i + k * n] * (bf.d_eta[i + k * n] - bf.q[i])
        delta = -g / bf.hb[k]
        if delta != 0.0:
            bf.db[k] += delta
            for i in range(n):
                bf.d_eta[i + k * n] += delta
                bf.q[i] += delta * bf.P[i + k * n]
            v = sqrt(bf.hb[k]) * fabs(delta)
            step = v if v > step else step
    return step


cdef glm_dir_t _softmax_direction(const design_t *B, const double *W, const double *eta,
                                  const glm_loss_t *L, const glm_pen_t *P,
                                  bint fit_intercept, double inner_ratio,
                                  Py_ssize_t max_epochs, glm_bufs_t *bf,
                                  floating *tag) noexcept nogil:
    """Newton direction of the softmax loss on the block B (raw columns).

    Coordinate descent on the exact quadratic model
        sum_i [U_i . D_i + s_i/2 D_i^T (diag P_i - P_i P_i^T) D_i] + penalty(W + dW)
    in (dW, db), D = X_B dW + db: the derivative in W_jk is
    x_j . (U_k + s P_k (D_k - q)) with q_i = P_i . D_i, both kept current, so
    every update is exact (rows too, see _softmax_row);
    the intercepts are updated exactly after every row (dense) or once per
    epoch (sparse).  Epochs end when the
    largest step of one (in the model's norm sqrt(h) |delta|) is at most
    ``inner_ratio`` times that of the first epoch, or at the rounding of the
    coefficients themselves (1e-15 of their scale).  Fills bf.dw, bf.db,
    bf.d_eta.
    """
    cdef glm_dir_t out
    cdef Py_ssize_t i, j, k, n = B.n, m = B.p, K = L.K, ep
    cdef double step, g, delta, first = -1.0, size, v
    cdef double gk[64]
    cdef bint heavy = m * n * K > 1000000, changed = False
    # dense columns cost O(n K) a row anyway: the intercepts follow every row then
    # (uncentred columns couple them to every coefficient), else once an epoch
    cdef bint each_row = B.kind == PZ_DENSE
    # ill-conditioned models (correlated columns) need many epochs; cap their work
    cdef Py_ssize_t nnz = m * n if B.kind == PZ_DENSE else _csc_start(B, m)
    cdef Py_ssize_t cap = <Py_ssize_t>(SOFTMAX_MODEL_WORK / (K * (nnz + n) + 1.0))
    if cap < 100:
        cap = 100
    if cap > SOFTMAX_MODEL_EPOCHS:
        cap = SOFTMAX_MODEL_EPOCHS
    if cap > max_epochs:
        cap = max_epochs
    out.moved = False
    out.slope = 0.0
    out.epochs = 0
    out.interrupted = False
    _softmax_model_at(B, eta, L, P, bf, tag)
    for k in range(m * K):
        bf.dw[k] = 0.0
    for k in range(K):
        bf.db[k] = 0.0
    for ep in range(cap):
        step = 0.0
        size = 0.0
        for j in range(m):
            if P.group:
                v = _softmax_row(B, j, K, W, P, bf, gk, &size, tag)
            else:
                v = 0.0
                for k in range(K):
                    delta = _softmax_coordinate(B, j, k, W, P, bf, &size, tag)
                    v = delta if delta > v else v
            step = v if v > step else step
            if fit_intercept and each_row:
                v = _softmax_intercepts(L, bf)
                step = v if v > step else step
        if fit_intercept and not each_row:
            v = _softmax_intercepts(L, bf)
            step = v if v > step else step
        out.epochs += 1
        if first < 0.0:
            first = step
        if (heavy or ep % 10 == 9) and _interrupted():
            out.interrupted = True
            return out
        if step <= inner_ratio * first or step <= 1e-15 * size:
            break
    for k in range(m * K):
        if bf.dw[k] != 0.0:
            changed = True
    for k in range(K):
        if bf.db[k] != 0.0:
            changed = True
    if not changed:
        return out
    for i in range(n * K):
        out.slope += bf.U[i] * bf.d_eta[i]
    out.moved = True
    return out


cdef int _line_search(const glm_loss_t *L, const glm_pen_t *P, double *W, Py_ssize_t m,
                      double *b, double *eta, double slope, double loss0, glm_bufs_t *bf,
                      double *t_out, double *loss_out) noexcept nogil:
    """Armijo backtracking on n F from (W, b, eta) along (bf.dw, bf.db, bf.d_eta).

    The Armijo rule of Lee, Sun, Saunders 2014 (eq. 2.20) with the predicted
    decrease slope + pen(W + dW) - pen(W).  A predicted change of F below its
    own rounding makes the test noise: such a step comes from a model solved
    near the optimum and fixes the optimality conditions (the certificate's
    first-order term) at a second-order cost no float sees, so it is taken
    whole; the driver stops if the gap then does not improve.  Returns 1
    (moved), 3 (moved by such a step) or 2 (no sufficient decrease); updates
    W, b and eta when moved.  Log-link losses start from t = min(1, 20 / max |d_eta|).
    ``loss0`` is _loss_value(L, eta) (the last gap's); loss_out gets the loss at the
    point moved to (NaN: not formed, a step taken whole without a trial); bf.ex the
    log-link losses' e_i at the last trial (at the point moved to if it returns 1).
    """
    cdef Py_ssize_t i, j, K = L.K, nK = L.n * L.K
    cdef double pen0, f0, decrease, t = 1.0, big = 0.0, loss_t = NAN
    cdef bint tiny
    cdef int it
    if L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA or L.kind == LOSS_COX:
        # exp(eta) must stay finite: no eta_i moves by more than GLM_ETA_STEP_MAX
        # at once (a far step from a floored curvature); an overflowing trial is
        # +inf (or NaN), which fails the Armijo test below and backtracks
        for i in range(nK):
            if fabs(bf.d_eta[i]) > big:
                big = fabs(bf.d_eta[i])
        if big > GLM_ETA_STEP_MAX:
            t = GLM_ETA_STEP_MAX / big
    pen0 = _glm_penalty(W, NULL, 0.0, m, m, K, P)
    f0 = loss0 + pen0
    decrease = slope + _glm_penalty(W, bf.dw, 1.0, m, m, K, P) - pen0
    tiny = fabs(decrease) <= GLM_F_RESOLUTION * fabs(f0)
    for it in range(GLM_MAX_BACKTRACK):
        for i in range(nK):
            bf.eta_t[i] = eta[i] + t * bf.d_eta[i]
        if not tiny:
            loss_t = _loss_value(L, bf.eta_t, bf.ex)
        if tiny or loss_t + _glm_penalty(W, bf.dw, t, m, m, K, P) <= \
                f0 + GLM_ARMIJO * t * decrease:
            for j in range(m * K):
                W[j] += t * bf.dw[j]
            for j in range(K):
                b[j] += t * bf.db[j]
            memcpy(eta, bf.eta_t, nK * sizeof(double))
            t_out[0] = t
            loss_out[0] = loss_t
            return 3 if tiny else 1
        t *= 0.5
    t_out[0] = 0.0
    loss_out[0] = loss0
    return 2


cdef struct glm_info_t:
    double gap
    double primal
    Py_ssize_t n_newton
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
    double pass_entries     # stored entries of X visited by the outer checks' passes
    double kkt              # the KKT violation at the result, F's 1/n scaling
                            # (``_glm_kkt_bound``), NaN where not formed
    Py_ssize_t kkt_columns  # the columns it read (features its bounds do not settle)
    bint interrupted
    bint out_of_memory


cdef glm_info_t _prox_newton(const design_t *B, double *W, double *b, double *eta,
                             const glm_loss_t *L, const glm_pen_t *P,
                             bint fit_intercept, double tol_abs, Py_ssize_t max_newton,
                             Py_ssize_t max_epochs, glm_bufs_t *bf, workspace_t *wk,
                             uint64_t *rng, floating *tag) noexcept nogil:
    """Proximal Newton on the block B (W: m x K) until its gap is <= tol_abs.

    Each model is solved to 0.3 x the current gap, ten times more
    accurately after a step that did not decrease F (a model solved too
    loosely for the precision wanted); Cox's models also to at most
    GLM_MODEL_FORCING x their own gap at W (scaled alike after such a step),
    never below GLM_MODEL_FLOOR x tol_abs.
    """
    cdef glm_info_t out
    cdef glm_dir_t dr
    cdef glm_gap_t g0
    cdef double g_new, t_min, t, forcing, rel, inner_ratio = GLM_INNER_RATIO
    cdef double loss_now    # _loss_value(L, eta) where known (the line search's), else NaN
    cdef bint log_link = L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA
    cdef bint ex_known      # bf.ex holds the log-link e_i at eta (the gap's or the search's)
    cdef Py_ssize_t m = B.p
    cdef int status
    memset(&out, 0, sizeof(glm_info_t))
    # the scratch column doubles as the dual point theta in the gap
    g0 = _glm_gap(B, NULL, 0, W, m, eta, L, P, fit_intercept, <floating *>bf.own,
                  bf.a, bf.th, bf.corr, m, bf.mag, NAN, bf.ex, False)
    ex_known = log_link     # (every gap writes them)
    out.gap = g0.gap
    out.primal = g0.primal
    while out.gap > tol_abs and out.n_newton < max_newton:
        if L.kind == LOSS_MULTINOMIAL:
            # forcing term (Dembo, Eisenstat, Steihaug 1982): the model is solved
            # more accurately as the gap closes, which keeps the convergence superlinear
            forcing = inner_ratio / 3.0
            if out.gap < out.primal:
                forcing *= sqrt(out.gap / out.primal)
            dr = _softmax_direction(B, W, eta, L, P, fit_intercept, forcing,
                                    max_epochs, bf, tag)
        else:
            # Cox: an inexact-Newton forcing term on the model's own first gap too.
            # Its block gap (t-scaled dual point) can be well above the model's gap
            # at W, so 0.3 x that gap alone can call a model solved at W and stall
            # (seen with unpenalized features); other losses keep the gap rule only
            rel = 0.0
            if L.kind == LOSS_COX:
                rel = GLM_MODEL_FORCING * inner_ratio / GLM_INNER_RATIO
            dr = _least_squares_direction(B, W, b, eta, L, P, fit_intercept,
                                          inner_ratio * out.gap, rel,
                                          GLM_MODEL_FLOOR * tol_abs, max_epochs,
                                          bf.ex if ex_known else NULL, bf, wk, rng, tag)
        out.n_epochs += dr.epochs
        if dr.interrupted:
            out.interrupted = True
            break
        loss_now = g0.loss      # (eta unchanged unless the search moves it)
        if dr.moved:
            status = _line_search(L, P, W, m, b, eta, dr.slope, g0.loss, bf, &t, &loss_now)
        else:
            status = 0
        # bf.ex: the gap's if not tried, the accepted trial's if moved by one, else stale
        ex_known = log_link and (status == 0 or status == 1)
        t_min = 1.0
        if status == 0 or status == 2:
            inner_ratio *= 0.1
        else:
            t_min = t
        out.n_newton += 1
        if inner_ratio < 1e-12:
            break
        g0 = _glm_gap(B, NULL, 0, W, m, eta, L, P, fit_intercept, <floating *>bf.own,
                      bf.a, bf.th, bf.corr, m, bf.mag, loss_now, bf.ex, ex_known)
        ex_known = log_link
        g_new = g0.gap
        out.primal = g0.primal
        if not g_new < out.gap and (t_min < 1e-6 or status == 3):
            # no progress: a step too short to matter, or one below F's
            # rounding that did not improve the certificate either
            out.gap = g_new
            break
        out.gap = g_new
    return out
