# Included at the end of _core.pyx: the multi-task (row-group) elastic net.
#
# Unscaled problem, for T tasks, W (p x T) with rows W_j, Y (n x T), sample
# weights s summing to n, columns and targets centred implicitly (as above):
#
#     F(W) = 1/2 sum_i s_i ||y_c,i - x_c,i W||^2 + l1 sum_j ||W_j||_2 + l2/2 ||W||_F^2
#
# l1 = n alpha l1_ratio, l2 = n alpha (1 - l1_ratio); F / n is the objective
# of scikit-learn's MultiTaskElasticNet.  Block coordinate descent over the
# rows (Tseng 2001; the group Lasso of Yuan & Lin 2006 with one group per
# feature across tasks, Obozinski, Taskar, Jordan 2010), with Celer's working
# sets (Massias, Gramfort, Salmon 2018) and gap-safe screening of rows
# (Ndiaye, Fercoq, Gramfort, Salmon 2017).  The column access, the working-set
# ranking and the workspace come from the core; only the block pieces are here.
#
# Layout: W is C-ordered (p, T) so that row j is contiguous; the residual R is
# F-ordered (n, T) so that task t's residual is one contiguous column.  As in
# the core, the stored residual of task t is r_t + shift_t (the intercept's
# running offset): a sparse column update stays sparse.


cdef struct mt_gap_t:
    double primal       # F(W)
    double gap          # F(W) - best dual value (the better of the two below)
    double gap_aug      # F(W) - D at theta = scale [R; -sqrt(l2) W] (drives screening)
    double scale        # scale of that dual point


cdef inline double _block_corr(const design_t *D, Py_ssize_t j, const floating *R,
                               const double *sr, double mult, Py_ssize_t T,
                               double *g) noexcept nogil:
    """g_t = x_c,j^T S r_t for every task (one column dot per task); returns ||g||^2.

    mult * sr[t] is sum_i s_i of the stored residual of task t: the exact sums
    (mult = 1) at a gap check, or n shift_t (sr = shift, mult = n) inside an
    epoch, where the stored residual is r_t + shift_t with sum_i s_i r_t,i = 0.
    """
    cdef Py_ssize_t t
    cdef double acc = 0.0
    for t in range(T):
        g[t] = _centred_wdot(D, j, R + t * D.n, mult * sr[t])
        acc += g[t] * g[t]
    return acc


cdef void _block_epoch(const design_t *D, floating *W, floating *R, double *shift,
                       Py_ssize_t T, const Py_ssize_t *idx, Py_ssize_t m,
                       double l1, double l2, double *v) noexcept nogil:
    """One pass of exact block minimisation over the rows idx[:m].

    With L_j = ||x_c,j||_S^2 and v = X_c,j^T S R + L_j W_j,
        W_j <- max(0, 1 - l1 / ||v||) v / (L_j + l2),
    i.e. BST(W_j + X_c,j^T S R / L_j, l1 / L_j) / (1 + l2 / L_j) with block
    soft-thresholding BST(u, tau) = max(0, 1 - tau / ||u||) u.
    """
    cdef Py_ssize_t k, j, t
    cdef double L, nv, factor, delta
    cdef floating *Wj
    for k in range(m):
        j = idx[k]
        L = D.col_sqnorm[j]
        if L <= 0.0:
            continue
        Wj = W + j * T
        _block_corr(D, j, R, shift, D.sw_sum, T, v)
        nv = 0.0
        for t in range(T):
            v[t] += L * Wj[t]
            nv += v[t] * v[t]
        nv = sqrt(nv)
        factor = (1.0 - l1 / nv) / (L + l2) if nv > l1 else 0.0
        for t in range(T):
            delta = factor * v[t] - Wj[t]
            if delta != 0.0:
                _col_axpy(D, j, -delta, R + t * D.n)
                if D.x_mean != NULL:
                    shift[t] -= delta * D.x_mean[j]
                Wj[t] = <floating>(Wj[t] + delta)


cdef void _mt_fold_shift(const design_t *D, floating *R, double *shift,
                         Py_ssize_t T) noexcept nogil:
    """Make the stored residuals equal r_t again (r_t -= shift_t, shift_t = 0)."""
    cdef Py_ssize_t t
    for t in range(T):
        _fold_shift(D, R + t * D.n, &shift[t])


cdef mt_gap_t _mt_duality_gap(const design_t *D, const floating *W, floating *R,
                              double *shift, const floating *Y, Py_ssize_t T,
                              double l1, double l2, const Py_ssize_t *cand,
                              Py_ssize_t n_cand, double *dnorm, double *g,
                              double *sr) noexcept nogil:
    """Duality gap of F restricted to the rows ``cand`` (W = 0 elsewhere).

    ``g`` and ``sr`` are T-long scratch buffers.  Fills dnorm[j] = ||X_c,j^T S R - l2 W_j|| for j in cand (the augmented
    design's dual norm, used by screening and ranking).  Two dual points:
    * theta = scale [R; -sqrt(l2) W], the elastic net as a group Lasso on the
      augmented design [X; sqrt(l2) I], scale = min(1, l1 / max_j dnorm_j):
          F - D_aug = (1 - scale)^2/2 R.S R + l1 sum_j ||W_j|| - scale <W, C>
                      + (1 + scale^2) l2/2 ||W||^2
    * if l2 > 0, the exact Fenchel dual at theta = R:
          F - D_f = l1 sum_j ||W_j|| + l2/2 ||W||^2 - <W, C>
                    + sum_j (||C_j|| - l1)_+^2 / (2 l2)
    with C_j = X_c,j^T S R.  Both are written with Y_c.S R = R.S R + <W, C>,
    from terms that vanish at the optimum, so the gap is not the rounding
    noise of two numbers of size R.S R (see ``_dual_point``).
    """
    cdef mt_gap_t out
    cdef Py_ssize_t i, j, k, t, nnz_all = 0, nnz_cand = 0
    cdef double rr = 0.0, ry = 0.0, wc = 0.0, l1w = 0.0, l2sq = 0.0, fench = 0.0
    cdef double top = 0.0, cn, an, rowsq, v, sc
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *r
    cdef const floating *y
    cdef const floating *Wj
    _mt_fold_shift(D, R, shift, T)
    for t in range(T):
        r = R + t * D.n
        y = Y + t * D.n
        sr[t] = 0.0
        for i in range(D.n):
            v = <double>r[i] if s == NULL else <double>s[i] * r[i]
            rr += v * r[i]
            ry += v * y[i]
            sr[t] += v
    for j in range(D.p):
        Wj = W + j * T
        rowsq = 0.0
        for t in range(T):
            rowsq += <double>Wj[t] * Wj[t]
        if rowsq > 0.0:
            nnz_all += 1
            l1w += sqrt(rowsq)
            l2sq += rowsq
    for k in range(n_cand):
        j = cand[k]
        Wj = W + j * T
        # exact centring even if sum_i s_i r_t,i drifted from 0
        cn = _block_corr(D, j, R, sr, 1.0, T, g)
        an = 0.0
        rowsq = 0.0
        for t in range(T):
            v = g[t] - l2 * Wj[t]
            an += v * v
            rowsq += <double>Wj[t] * Wj[t]
            wc += Wj[t] * g[t]
        if rowsq > 0.0:
            nnz_cand += 1
        dnorm[j] = sqrt(an)
        if dnorm[j] > top:
            top = dnorm[j]
        if l2 > 0.0:
            cn = sqrt(cn)
            if cn > l1:
                # divide before squaring (no underflow near 1e-150, see _dual_point)
                fench += (cn - l1) * ((cn - l1) / (2.0 * l2))
    if nnz_cand != nnz_all:
        # non-zero rows outside cand: <W, C> from Y_c.S R = R.S R + <W, C>
        wc = ry - rr
    out.primal = 0.5 * rr + l1 * l1w + 0.5 * l2 * l2sq
    sc = 1.0
    if l1 > 0.0 and top > l1:
        sc = l1 / top
    out.scale = sc
    if l1 > 0.0:
        out.gap_aug = (0.5 * (1.0 - sc) * (1.0 - sc) * rr + l1 * l1w - sc * wc
                       + 0.5 * (1.0 + sc * sc) * l2 * l2sq)
    else:
        out.gap_aug = INFINITY
    out.gap = out.gap_aug
    if l2 > 0.0:
        v = l1 * l1w + 0.5 * l2 * l2sq - wc + fench
        if v < out.gap:
            out.gap = v
    return out


cdef Py_ssize_t _mt_screen(const design_t *D, floating *W, floating *R, double *shift,
                           Py_ssize_t T, Py_ssize_t *cand, Py_ssize_t n_cand,
                           const double *dnorm, double scale, double gap_aug,
                           double l1, double l2) noexcept nogil:
    """Gap-safe sphere test for rows (Ndiaye et al. 2017).

    The dual optimum lies within sqrt(2 gap_aug) of theta = scale [R; -sqrt(l2) W],
    so scale ||X_c,j^T S R - l2 W_j|| + sqrt(L_j + l2) sqrt(2 gap_aug) < l1
    proves W_j = 0 at the optimum.  Such rows leave cand (zeroed in W and R).
    """
    cdef Py_ssize_t k, j, t, m = 0
    cdef double radius = sqrt(2.0 * gap_aug) if gap_aug > 0.0 else 0.0
    cdef floating *Wj
    for k in range(n_cand):
        j = cand[k]
        if scale * dnorm[j] + sqrt(D.col_sqnorm[j] + l2) * radius < l1:
            Wj = W + j * T
            for t in range(T):
                if Wj[t] != 0.0:
                    _col_axpy(D, j, Wj[t], R + t * D.n)
                    if D.x_mean != NULL:
                        shift[t] += Wj[t] * D.x_mean[j]
                    Wj[t] = 0.0
        else:
            cand[m] = j
            m += 1
    return m


cdef Py_ssize_t _mt_nonzero_rows(const floating *W, Py_ssize_t T, const Py_ssize_t *cand,
                                 Py_ssize_t n_cand, floating *nz) noexcept nogil:
    """nz[j] = 1 if row j of W is non-zero else 0, for j in cand; returns their count."""
    cdef Py_ssize_t k, j, t, count = 0
    for k in range(n_cand):
        j = cand[k]
        nz[j] = 0.0
        for t in range(T):
            if W[j * T + t] != 0.0:
                nz[j] = 1.0
                count += 1
                break
    return count


cdef solve_info_t _mt_solve(const design_t *D, floating *W, floating *R, const floating *Y,
                            Py_ssize_t T, double l1, double l2, double tol_abs,
                            Py_ssize_t max_epochs, bint screening, bint use_ws,
                            Py_ssize_t p0, double inner_ratio, Py_ssize_t gap_freq,
                            workspace_t *wk, double *shift, double *v, double *sr,
                            floating *nz) noexcept nogil:
    """Block coordinate descent with working sets and gap-safe screening.

    Outer loop (Celer): gap over the rows still in play; stop at
    gap <= tol_abs; screen; rank the rest by (l1 - scale dnorm_j) / ||x_c,j||
    (non-zero rows first, via the core's bounded heap) and solve the closest
    ws_size rows (p0 first, then 2 nnz, doubled while the gap is not halved)
    until their gap, checked every ``gap_freq`` epochs, is below
    inner_ratio times the outer gap.
    """
    cdef solve_info_t info
    cdef mt_gap_t g, gi
    cdef double inner_tol, prev_gap = INFINITY
    cdef double *dnorm = wk.corr[0]
    cdef Py_ssize_t j, t, k, m, n_cand = 0, n_nnz, ws_size = 0, ep
    cdef bint all_in, heavy
    cdef pen_t rank_pen     # the ranking's penalty: l1 only (key (l1 - dnorm_j) / ||x_c,j||)
    memset(&rank_pen, 0, sizeof(pen_t))
    rank_pen.l1 = l1
    info.interrupted = False
    info.n_epochs = 0
    info.n_screened = 0
    info.n_outer = 0
    info.n_newton = 0
    for t in range(T):
        shift[t] = 0.0
    for j in range(D.p):
        nz[j] = 0.0
        if D.col_sqnorm[j] > 0.0:
            wk.cand[n_cand] = j
            n_cand += 1
        else:
            for t in range(T):
                W[j * T + t] = 0.0   # the centred column is 0: R is unchanged

    while True:
        g = _mt_duality_gap(D, W, R, shift, Y, T, l1, l2, wk.cand, n_cand, dnorm, v, sr)
        info.gap = g.gap
        info.primal = g.primal
        if g.gap <= tol_abs or info.n_epochs >= max_epochs or info.interrupted:
            break
        info.n_outer += 1
        if screening and l1 > 0.0:
            m = _mt_screen(D, W, R, shift, T, wk.cand, n_cand, dnorm, g.scale, g.gap_aug,
                           l1, l2)
            info.n_screened += n_cand - m
            n_cand = m
        n_nnz = _mt_nonzero_rows(W, T, wk.cand, n_cand, nz)
        if use_ws and l1 > 0.0:
            if ws_size == 0:
                ws_size = p0
            elif g.gap > 0.5 * prev_gap:
                ws_size = 2 * ws_size     # the gap stalls: grow the set
            else:
                ws_size = 2 * n_nnz if 2 * n_nnz > p0 else p0
            if ws_size < 2 * n_nnz:
                ws_size = 2 * n_nnz
        else:
            ws_size = n_cand
        # ranking key (l1 - scale dnorm_j) / ||x_c,j||: the core's with
        # corr = dnorm, l2 = 0 and the non-zero-row indicator as w
        ws_size = _select_working_set(D, nz, wk.cand, n_cand, dnorm, nz, g.scale, &rank_pen,
                                      ws_size, wk)
        prev_gap = g.gap
        all_in = ws_size == n_cand
        inner_tol = tol_abs if all_in else inner_ratio * g.gap
        if inner_tol < tol_abs:
            inner_tol = tol_abs
        heavy = ws_size * D.n * T > 1000000
        ep = 0
        while info.n_epochs < max_epochs:
            _block_epoch(D, W, R, shift, T, wk.ws, ws_size, l1, l2, v)
            info.n_epochs += 1
            ep += 1
            if (heavy or ep % gap_freq == 0) and _interrupted():
                info.interrupted = True
                break
            if ep % gap_freq == 0:
                gi = _mt_duality_gap(D, W, R, shift, Y, T, l1, l2, wk.ws, ws_size, dnorm, v, sr)
                if gi.gap <= inner_tol:
                    break
    _mt_fold_shift(D, R, shift, T)
    return info


def multitask_enet_solve(Design design, floating[:, ::1] W, floating[::1, :] R,
                         const floating[::1, :] Y, double l1, double l2,
                         double tol_abs=0.0, Py_ssize_t max_epochs=1000,
                         bint screening=True, bint working_set=True, Py_ssize_t p0=10,
                         Py_ssize_t gap_freq=10, double inner_ratio=0.3):
    """Minimise the unscaled multi-task elastic net F(W) in place (see above).

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

    Returns
    -------
    dict with gap, primal (unscaled F), n_epochs, n_screened, n_outer.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t p = D.p, n = D.n, T = W.shape[1]
    cdef solve_info_t info
    cdef workspace_t wk
    cdef Py_ssize_t isz = sizeof(float) if floating is float else sizeof(double)
    cdef double *buf = NULL
    cdef floating *nz = NULL
    if floating is float:
        expected = np.float32
    else:
        expected = np.float64
    if np.dtype(design.dtype) != expected:
        raise TypeError("W/R/Y dtype does not match the design dtype %s" % design.dtype)
    if D.kind == PZ_GRAM:
        raise ValueError("multitask_enet_solve needs a dense or CSC design")
    if (W.shape[0] != p or R.shape[0] != n or R.shape[1] != T or Y.shape[0] != n
            or Y.shape[1] != T):
        raise ValueError("multitask_enet_solve: array shapes do not match the design")
    if T < 1 or p < 1 or n < 1:
        raise ValueError("multitask_enet_solve: empty problem")
    if l1 < 0 or l2 < 0:
        raise ValueError("penalties must be non-negative")
    if max_epochs < 0 or gap_freq < 1 or p0 < 1:
        raise ValueError("max_epochs >= 0, gap_freq >= 1 and p0 >= 1 are required")
    cdef bint ok = _workspace_alloc(&wk, p, n, isz, False, False, False, 0, False,
                                    False, False)
    try:
        buf = <double *>malloc(3 * T * sizeof(double))
        nz = <floating *>malloc(p * sizeof(floating))
        if not ok or buf == NULL or nz == NULL:
            raise MemoryError()
        with nogil:
            info = _mt_solve(D, &W[0, 0], &R[0, 0], &Y[0, 0], T, l1, l2, tol_abs,
                             max_epochs, screening, working_set, p0, inner_ratio, gap_freq,
                             &wk, buf, buf + T, buf + 2 * T, nz)
    finally:
        free(buf)
        free(nz)
        _workspace_free(&wk, False)
    if info.interrupted:
        raise KeyboardInterrupt("block coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_epochs": info.n_epochs,
            "n_screened": info.n_screened, "n_outer": info.n_outer}
