# Included by _core.pyx (see its docstring for the layout).

# ---------------------------------------------------------------------------
# The elastic net: candidate dual points, the duality gap, coordinate descent,
# and its plug-in of the outer loop (OUTER_LEAST_SQUARES)
# ---------------------------------------------------------------------------

cdef struct workspace_t:
    Py_ssize_t *cand    # p: features still in play
    Py_ssize_t *ws      # p: current working set
    keyed_t *keys       # ranking heap, grown to the largest working set
    Py_ssize_t keys_cap
    double *corr[3]     # p each: x_c^T S r of each candidate dual point
    void *pt_res[3]     # residual of each point (PT_CURRENT is set per call)
    void *pt_w[3]       # coefficients generating it
    bint has_cert       # pt_res[PT_CERT] holds a valid certificate
    bint cert_corr_ok   # corr[PT_CERT] holds its correlations for the candidates
    # correlations carried along a path (enet_solve's corr_carry; NULL: none):
    # on entry, if carry_in, x_c^T S r(w) of the entry w for every feature; on
    # exit, if carry_out, those of the returned w (set only when converged)
    double *carry
    bint carry_in
    bint carry_out
    bint cur_corr_ok    # corr[PT_CURRENT] holds the iterate's (from carry)
    bint cert_fresh     # pt_res[PT_CERT] was recomputed from pt_w[PT_CERT] in this solve
    bint extrapolate    # dual extrapolation from residual snapshots
    bint accelerate     # also accept the extrapolated primal point when better
    extrap_t ex
    newton_t nt
    double *racc        # 2 n_res doubles: the residual recomputed at certifying checks
    void *rlo[3]        # float32 only: each point's low part (see _res_refresh)
    int n_threads       # threads of the full passes (<= 1: the calling thread only;
                        # see _pass_threads); 0 after _workspace_alloc
    Py_ssize_t n_threaded   # correlation passes that ran on more than one thread
    # a Newton model's solve (set by the prox-Newton driver around it; 0: off): its
    # target becomes min(tol_abs, max(model_rel x its own first gap, model_floor))
    double model_rel
    double model_floor
    void *cov               # cov_t: the working-set Gram cache (covariance.pxi), or NULL
    void *gc                # gcorr_t: Gram columns for the certifying checks' correlations
                            # (gram_corr.pxi; float64 CSC), or NULL


cdef inline void _consider(gap_t *out, dual_t d, int point) noexcept nogil:
    # gap of the iterate (primal out.primal) against the point's dual: its own
    # gap plus the primal difference (zero for the iterate's own point), from
    # the residual difference when it is known (see _dual_point)
    cdef double shift = out.primal - d.primal
    cdef double err = 0.0
    if d.has_drr:
        shift = 0.5 * d.drr + (out.pen - d.pen) + (out.rcorr - d.rcorr)
    if point != PT_CURRENT:
        # two rounded primal values (GRAM), and the other point's own rounding
        err = out.perr + d.perr + d.cerr
        shift += err
    if shift + d.gap_best < out.gap:
        out.gap = shift + d.gap_best
        out.rnd = d.rnd + err
        out.best_point = point
    if shift + d.gap_aug < out.gap_aug:
        out.gap_aug = shift + d.gap_aug
        out.scale = d.scale
        out.e_free = d.e_free
        out.aug_point = point


cdef bint _accept_extrapolated(const design_t *D, gap_t *out, dual_t d,
                               floating *w, floating *res, const pen_t *P, workspace_t *wk,
                               Py_ssize_t epoch) noexcept nogil:
    """Anderson acceleration of the primal iterates (Bertrand & Massias 2021).

    The extrapolated coefficients w_acc come with their exact residual
    r_acc (residuals are affine in w), so their objective costs O(n + p).
    When it is lower than the current one, w_acc becomes the iterate, its
    dual point becomes the current one, and the history restarts from it.
    """
    cdef const floating *wa = <const floating *>wk.ex.w_acc
    cdef const floating *ra = <const floating *>wk.ex.res_acc
    cdef Py_ssize_t j, n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef double p_acc
    cdef double *tmp
    if P.lo != NULL or P.hi != NULL:
        # an affine combination of feasible points may leave the box
        for j in range(D.p):
            if wa[j] < _loj(P, j) or wa[j] > _hij(P, j):
                return False
    p_acc = d.primal
    if not (0.5 * d.drr + (out.pen - d.pen) + (out.rcorr - d.rcorr) if d.has_drr
            else out.primal - p_acc) > 0.0:
        return False
    for j in range(D.p):
        w[j] = wa[j]
    for j in range(n_res):
        res[j] = ra[j]
    tmp = wk.corr[PT_CURRENT]
    wk.corr[PT_CURRENT] = wk.corr[PT_EXTRAP]
    wk.corr[PT_EXTRAP] = tmp
    out.primal = p_acc
    out.pen = d.pen
    out.rcorr = d.rcorr
    out.perr = d.perr
    out.gap = INFINITY
    out.gap_aug = INFINITY
    d.has_drr = False       # it is the iterate now
    _consider(out, d, PT_CURRENT)
    wk.ex.count = 0
    _push_snapshot(&wk.ex, res, w, n_res)
    wk.ex.stamp = epoch
    return True


cdef void _free_update(const design_t *D, const pen_t *P, floating *w, floating *res,
                       double *shift) noexcept nogil:
    """Exact weighted least squares on the free block: w_U += G_U^{-1} X_c,U^T S r.

    A legal primal step (no penalty or bound on U, so F only decreases);
    afterwards r is S-orthogonal to X_c,U up to rounding, which
    ``_dual_point`` accounts for.  ``res`` must be folded (shift = 0).
    """
    cdef Py_ssize_t k, j
    cdef floating wn
    cdef double delta
    for k in range(P.n_free):
        P.free_buf[k] = _col_corr(D, P.free[k], res, 0.0)
    _chol_solve(P.free_chol, P.n_free, P.free_buf)
    for k in range(P.n_free):
        j = P.free[k]
        wn = <floating>(w[j] + P.free_buf[k])
        delta = <double>wn - w[j]
        if delta != 0.0 and delta == delta:
            _apply_update(D, j, delta, res, shift)
            w[j] = wn
    _fold_shift(D, res, shift)


cdef void _gram_refresh(const design_t *D, const floating *w, floating *g,
                        const floating *target, double *acc) noexcept nogil:
    """GRAM: g = q - G w from scratch, O(p nnz(w)), accumulated in double
    (``acc``, 2 p doubles: acc[p + i] receives sum_j |G_ij w_j|, the scale of
    the storage rounding, see ``_dual_point``) and rounded once.  The stored g is updated
    incrementally (coordinate steps, Newton steps, accepted extrapolations
    r_acc = sum_k c_k r_k whose large c_k amplify rounding); on ill-conditioned
    G it drifted from w far enough for a certificate of 1e-16 at a
    suboptimality of 1e-8.  Called before every outer (certifying) gap."""
    cdef Py_ssize_t i, j
    cdef const floating *col
    cdef double wj
    cdef double *gabs = acc + D.p
    for i in range(D.p):
        acc[i] = target[i]
        gabs[i] = 0.0
    for j in range(D.p):
        if w[j] != 0.0:
            wj = w[j]
            col = <const floating *>D.X + j * D.p
            for i in range(D.p):
                acc[i] -= wj * col[i]
                gabs[i] += fabs(wj * col[i])
    for i in range(D.p):
        g[i] = <floating>acc[i]


cdef void _res_refresh(const design_t *D, const floating *w, floating *res,
                       const floating *target, double *acc,
                       double *dr, double *dd, floating *lo) noexcept nogil:
    """DENSE/CSC: r = y_c - X_c w from scratch, accumulated in double.

    O(n + nnz of w's columns); ``acc`` holds n doubles.  The incrementally
    updated residual drifts from w (float32 storage of r_true + the scalar
    centring shift, accepted extrapolations r_acc = sum_k c_k r_k): its
    certificate then bounds another point's suboptimality (found: gap 0 at a
    suboptimality of 4e-3 on two nearly collinear columns in float64, and
    float32 gaps below the suboptimality by 1e2-1e5 at small alphas).  Dense
    columns are centred entry by entry (the exact centred column), CSC ones
    by one constant (their zeros).  y_mean = sum_i s_i y_i / sum_i s_i, as
    the design's column means.  Stores r rounded to X's dtype and returns
    dr = delta.S r, dd = delta.S delta for delta = r_double - r_stored (the
    terms ``_dual_point`` adds; 0 in float64).  With ``lo`` (float32),
    lo = r_double - r_stored rounded too, and delta is what remains.
    """
    cdef Py_ssize_t i, j, k, a, b
    cdef const floating *s = <const floating *>D.sw
    cdef const floating *x
    cdef double ym = 0.0, cm = 0.0, wj, m, v, e, si
    if D.x_mean != NULL:
        for i in range(D.n):
            ym += target[i] if s == NULL else <double>s[i] * target[i]
        ym /= D.sw_sum
    for i in range(D.n):
        acc[i] = <double>target[i] - ym
    for j in range(D.p):
        if w[j] == 0.0:
            continue
        wj = w[j]
        m = D.x_mean[j] if D.x_mean != NULL else 0.0
        if D.kind == PZ_DENSE:
            x = <const floating *>D.X + j * D.n
            for i in range(D.n):
                acc[i] -= (<double>x[i] - m) * wj
        else:
            a = _csc_start(D, j)
            b = _csc_start(D, j + 1)
            x = <const floating *>D.data
            if D.index64:
                for k in range(a, b):
                    acc[(<const int64_t *>D.indices)[k]] -= <double>x[k] * wj
            else:
                for k in range(a, b):
                    acc[(<const int32_t *>D.indices)[k]] -= <double>x[k] * wj
            cm += m * wj
    dr[0] = 0.0
    dd[0] = 0.0
    for i in range(D.n):
        v = acc[i] + cm
        res[i] = <floating>v
        e = v - <double>res[i]
        if lo != NULL:
            lo[i] = <floating>e
            e -= <double>lo[i]
        if e != 0.0:
            si = 1.0 if s == NULL else <double>s[i]
            dr[0] += si * e * _rv(res, lo, i)
            dd[0] += si * e * e


cdef inline double _col_entries(const design_t *D, Py_ssize_t j) noexcept nogil:
    """Stored entries of column j read by one column product (n for DENSE,
    its nnz for CSC, 0 for GRAM, whose "products" are lookups of g)."""
    if D.kind == PZ_DENSE:
        return <double>D.n
    if D.kind == PZ_CSC:
        return <double>(_csc_start(D, j + 1) - _csc_start(D, j))
    return 0.0


cdef double _set_entries(const design_t *D, const Py_ssize_t *idx, Py_ssize_t m) noexcept nogil:
    """Stored entries of the columns idx[:m] (see _col_entries)."""
    cdef Py_ssize_t k
    cdef double acc = 0.0
    if D.kind == PZ_DENSE:
        return <double>D.n * m
    if D.kind == PZ_CSC:
        for k in range(m):
            acc += _col_entries(D, idx[k])
    return acc


cdef double _support_entries(const design_t *D, const floating *w) noexcept nogil:
    """Stored entries of the columns with w_j != 0 (what _res_refresh reads)."""
    cdef Py_ssize_t j
    cdef double acc = 0.0
    if D.kind == PZ_GRAM:
        return 0.0
    for j in range(D.p):
        if w[j] != 0.0:
            acc += _col_entries(D, j)
    return acc


cdef double _carry_out(const design_t *D, const floating *w, const floating *res,
                       const floating *lo, const Py_ssize_t *cand, Py_ssize_t n_cand,
                       workspace_t *wk) noexcept nogil:
    """Copy the iterate's correlations (corr[PT_CURRENT], known on cand from
    the gap check that just ran on the recomputed residual ``res`` + ``lo``)
    into wk.carry, computing those of the other features the same way
    (_point_corr, as _dual_point would at the next solve's first check).
    Uses wk.ws as scratch.  Returns the stored entries read.  The other features'
    correlations are computed on wk.n_threads threads when the pass is large
    enough (``_pass_threads``; one value per slot, the same bits), or from the
    Gram columns (wk.gc) when those are cheaper."""
    cdef Py_ssize_t i, j, k
    cdef double sr = 0.0, c, ent = 0.0
    cdef const floating *s = <const floating *>D.sw
    cdef Py_ssize_t *mark = wk.ws
    cdef int nt
    if s == NULL:
        for i in range(D.n):
            sr += _rv(res, lo, i)
    else:
        for i in range(D.n):
            c = _rv(res, lo, i)
            sr += <double>s[i] * c
    for j in range(D.p):
        mark[j] = 0
    for k in range(n_cand):
        mark[cand[k]] = 1
    for j in range(D.p):
        if not mark[j]:
            ent += _col_entries(D, j)
    if floating is double and wk.gc != NULL and ent > 0.0:
        if _gc_corr(<gcorr_t *>wk.gc, D, <const double *>w, ent, wk.carry, &c):
            for k in range(n_cand):
                wk.carry[cand[k]] = wk.corr[PT_CURRENT][cand[k]]
            return c
    nt = _pass_threads(wk.n_threads, ent, D.p - n_cand, D.kind == PZ_DENSE)
    if nt > 1:
        _carry_pass(D, mark, res, lo, sr, wk.carry, nt)
        wk.n_threaded += 1
    for j in range(D.p):
        if mark[j]:
            wk.carry[j] = wk.corr[PT_CURRENT][j]
        elif nt <= 1:
            wk.carry[j] = _point_corr(D, j, res, lo, sr)
    return ent


cdef void _carry_pass(const design_t *D, const Py_ssize_t *mark, const floating *res,
                      const floating *lo, double sr, double *carry, int n_threads) noexcept nogil:
    """carry[j] = _point_corr(j) for the unmarked features, on n_threads threads."""
    cdef Py_ssize_t j
    if D.kind == PZ_DENSE:
        for j in prange(D.p, schedule="static", num_threads=n_threads):
            if not mark[j]:
                carry[j] = _point_corr(D, j, res, lo, sr)
    else:
        for j in prange(D.p, schedule="guided", chunksize=16, num_threads=n_threads):
            if not mark[j]:
                carry[j] = _point_corr(D, j, res, lo, sr)


cdef bint _same_point(const floating *a, const floating *b, Py_ssize_t p) noexcept nogil:
    """a == b entrywise (bitwise for finite values)."""
    cdef Py_ssize_t j
    for j in range(p):
        if a[j] != b[j]:
            return False
    return True


cdef gap_t _duality_gap(const design_t *D, floating *w, floating *res,
                        double *shift, const floating *target, double yy,
                        const pen_t *P,
                        const Py_ssize_t *cand, Py_ssize_t n_cand,
                        workspace_t *wk, Py_ssize_t epoch, bint use_cert) noexcept nogil:
    """Duality gap of F restricted to ``cand``: the best of the dual points
    from the current residual, its extrapolation and (if ``use_cert``) the
    carried-in certificate.

    ``epoch`` stamps the extrapolation snapshot: a state already recorded is
    not pushed again (a repeated residual makes the extrapolation singular).
    """
    cdef gap_t out
    cdef dual_t d
    cdef Py_ssize_t n_res = D.p if D.kind == PZ_GRAM else D.n
    cdef double dr = 0.0, dd = 0.0
    # recompute the residuals from w: at certifying checks, and at every check in
    # float32 (whose incrementally updated residual drifts fast enough to send
    # coordinate descent astray on shifted, nearly constant columns)
    cdef bint fresh = (use_cert or floating is float) and D.kind != PZ_GRAM
    cdef floating *lo = NULL
    cdef floating *lo_x = NULL
    cdef void *tmp
    cdef const double *gabs = wk.racc + D.p if use_cert and D.kind == PZ_GRAM else NULL
    cdef double ent = _set_entries(D, cand, n_cand)    # one correlation pass over cand
    cdef int nt = _pass_threads(wk.n_threads, ent, n_cand, D.kind == PZ_DENSE)   # its threads
    cdef Py_ssize_t k
    cdef bint known, gram = False
    # Gram correlations at certifying checks (gram_corr.pxi); gread: the entries of X
    # read building missing Gram columns
    cdef gcorr_t *gc = <gcorr_t *>wk.gc if use_cert and floating is double else NULL
    cdef double gread = 0.0
    out.n_points = 0
    out.dot_entries = 0.0
    out.axpy_entries = 0.0
    if fresh and floating is float:
        lo = <floating *>wk.rlo[PT_CURRENT]
        lo_x = <floating *>wk.rlo[PT_EXTRAP]
    _fold_shift(D, res, shift)
    if use_cert and D.kind == PZ_GRAM:
        _gram_refresh(D, w, res, target, wk.racc)
    if floating is double and P.n_free > 0:
        # float64 with a free block: not recomputed.  The free block's exact
        # update leaves the incremental r S-orthogonal to X_c,U up to the
        # rounding of one small step; a recomputed r carries the rounding of
        # the whole sum X_c w, which the projected dual pays for (1e-12
        # relative lost on shifted columns with unpenalized features, found
        # whether recomputed before or after the update)
        fresh = False
    if P.n_free > 0:
        _free_update(D, P, w, res, shift)
        if use_cert and D.kind == PZ_GRAM:
            _gram_refresh(D, w, res, target, wk.racc)
    if fresh and not (floating is double and wk.cur_corr_ok and use_cert):
        # certify the iterate's own residual, not the incrementally updated one
        # (float64 with carried-in correlations: res is the previous solve's last
        # recomputation from this very w, exact in float64, so it is not redone)
        _res_refresh(D, w, res, target, wk.racc, &dr, &dd, lo)
        out.axpy_entries += _support_entries(D, w)
    wk.pt_res[PT_CURRENT] = res
    wk.pt_w[PT_CURRENT] = w
    # carried-in correlations: only for the entry w's own recomputed residual
    known = wk.cur_corr_ok and use_cert and fresh
    wk.cur_corr_ok = False
    if gc != NULL and not known:
        gram = _gc_corr(gc, D, <const double *>w, ent, wk.corr[PT_CURRENT], &gread)
    d = _dual_point(D, res, w, target, yy, P, cand, n_cand,
                    wk.corr[PT_CURRENT], NULL, dr, dd, use_cert, lo, NULL, gabs, known or gram,
                    nt, _gc_rnd(gc, D, <const double *>w) if gc != NULL else 0.0)
    if not known:
        out.n_points = 1
        out.dot_entries = gread if gram else ent
    out.primal = d.primal
    out.pen = d.pen
    out.rcorr = d.rcorr
    out.perr = d.perr
    out.rnd = 0.0
    out.gap = INFINITY
    out.gap_aug = INFINITY
    out.scale = 1.0
    out.e_free = 0.0
    out.aug_point = PT_CURRENT
    out.best_point = PT_CURRENT
    _consider(&out, d, PT_CURRENT)
    if wk.extrapolate:
        if wk.ex.count == 0 or wk.ex.stamp != epoch:
            _push_snapshot(&wk.ex, res, w, n_res)
            wk.ex.stamp = epoch
        if _extrapolate(&wk.ex, w, n_res, D.p):
            dr = 0.0
            dd = 0.0
            if use_cert and D.kind == PZ_GRAM:
                _gram_refresh(D, <floating *>wk.ex.w_acc, <floating *>wk.ex.res_acc, target,
                              wk.racc)
            elif fresh:
                _res_refresh(D, <floating *>wk.ex.w_acc, <floating *>wk.ex.res_acc, target,
                             wk.racc, &dr, &dd, lo_x)
                out.axpy_entries += _support_entries(D, <floating *>wk.ex.w_acc)
            gram = gc != NULL and _gc_corr(gc, D, <const double *>wk.ex.w_acc, ent,
                                           wk.corr[PT_EXTRAP], &gread)
            d = _dual_point(D, <floating *>wk.ex.res_acc, <floating *>wk.ex.w_acc,
                            target, yy, P, cand, n_cand, wk.corr[PT_EXTRAP],
                            res, dr, dd, use_cert, lo_x, lo, gabs, gram, nt,
                            _gc_rnd(gc, D, <const double *>wk.ex.w_acc) if gc != NULL else 0.0)
            out.n_points += 1
            out.dot_entries += gread if gram else ent
            if wk.accelerate and _accept_extrapolated(D, &out, d, w, res, P, wk, epoch):
                # res is r_acc now: its low part goes with it
                tmp = wk.rlo[PT_CURRENT]
                wk.rlo[PT_CURRENT] = wk.rlo[PT_EXTRAP]
                wk.rlo[PT_EXTRAP] = tmp
                lo, lo_x = lo_x, lo
            else:
                _consider(&out, d, PT_EXTRAP)
    if use_cert and wk.has_cert and not wk.cert_corr_ok and (fresh or D.kind == PZ_GRAM) \
            and _same_point(<const floating *>wk.pt_w[PT_CERT], w, D.p):
        # the carried-in certificate is the iterate itself (a path's previous
        # solution, certified by its own residual): both residuals were just
        # recomputed from the same w, so its dual point is the iterate's
        for k in range(n_cand):
            wk.corr[PT_CERT][cand[k]] = wk.corr[PT_CURRENT][cand[k]]
        wk.cert_corr_ok = True
    elif use_cert and wk.has_cert:
        dr = 0.0
        dd = 0.0
        lo_x = NULL
        if fresh:
            if floating is float:
                lo_x = <floating *>wk.rlo[PT_CERT]
            # float64: recomputed once per solve (the certificate is fixed; the
            # recomputation is exact in its dtype, dr = dd = 0)
            if floating is float or not wk.cert_fresh:
                _res_refresh(D, <floating *>wk.pt_w[PT_CERT], <floating *>wk.pt_res[PT_CERT],
                             target, wk.racc, &dr, &dd, lo_x)
                out.axpy_entries += _support_entries(D, <floating *>wk.pt_w[PT_CERT])
                wk.cert_fresh = True
        elif D.kind == PZ_GRAM:
            _gram_refresh(D, <floating *>wk.pt_w[PT_CERT], <floating *>wk.pt_res[PT_CERT],
                          target, wk.racc)
        gram = False
        if gc != NULL and not wk.cert_corr_ok:
            gram = _gc_corr(gc, D, <const double *>wk.pt_w[PT_CERT], ent, wk.corr[PT_CERT],
                            &gread)
        d = _dual_point(D, <floating *>wk.pt_res[PT_CERT], <floating *>wk.pt_w[PT_CERT],
                        target, yy, P, cand, n_cand, wk.corr[PT_CERT], res, dr, dd, use_cert,
                        lo_x, lo, gabs, wk.cert_corr_ok or gram, nt,
                        _gc_rnd(gc, D, <const double *>wk.pt_w[PT_CERT]) if gc != NULL
                        else 0.0)
        if not wk.cert_corr_ok:
            # the certificate is fixed during a solve and cand only shrinks: its
            # correlations serve every later outer check
            out.n_points += 1
            out.dot_entries += gread if gram else ent
            wk.cert_corr_ok = True
        _consider(&out, d, PT_CERT)
    if nt > 1:
        wk.n_threaded += out.n_points
    return out


cdef double _primal_value(const design_t *D, const floating *w, const floating *res,
                          const floating *target, double yy, const pen_t *P) noexcept nogil:
    """F(w) from a folded residual (DENSE/CSC) or from g (GRAM)."""
    cdef Py_ssize_t i, j
    cdef double rr = 0.0
    cdef const floating *s = <const floating *>D.sw
    if D.kind == PZ_GRAM:
        rr = yy
        for j in range(D.p):
            if w[j] != 0.0:
                rr -= w[j] * (<double>target[j] + res[j])
    elif s == NULL:
        for i in range(D.n):
            rr += <double>res[i] * res[i]
    else:
        for i in range(D.n):
            rr += <double>s[i] * res[i] * res[i]
    return 0.5 * rr + _penalty(w, D.p, P)


# random coordinate order (``selection='random'``)
cdef inline uint64_t _xorshift(uint64_t *state) noexcept nogil:
    cdef uint64_t x = state[0]
    x ^= x << 13
    x ^= x >> 7
    x ^= x << 17
    state[0] = x
    return x


cdef void _shuffle(Py_ssize_t *a, Py_ssize_t m, uint64_t *rng) noexcept nogil:
    cdef Py_ssize_t i, k, t
    for i in range(m - 1, 0, -1):
        k = <Py_ssize_t>(_xorshift(rng) % <uint64_t>(i + 1))
        t = a[i]
        a[i] = a[k]
        a[k] = t


cdef double _cd_epoch(const design_t *D, floating *w, floating *res, double *shift,
                      const Py_ssize_t *idx, Py_ssize_t m, const pen_t *P) noexcept nogil:
    """One pass of exact coordinate minimisation over the features idx[:m].

    Returns the stored entries of X read by its residual updates (see
    _col_entries; the column products read _set_entries(idx[:m]))."""
    cdef Py_ssize_t k, j
    cdef double L, wj, z, new, upd = 0.0
    for k in range(m):
        j = idx[k]
        L = D.col_sqnorm[j]
        if L <= 0.0:
            continue
        wj = w[j]
        z = _col_corr(D, j, res, shift[0]) + L * wj
        new = _enet_prox(z, L, _l1j(P, j), _l2j(P, j), _loj(P, j), _hij(P, j))
        if new != wj:
            _apply_update(D, j, new - wj, res, shift)
            w[j] = <floating>new
            upd += _col_entries(D, j)
    return upd


# ---------------------------------------------------------------------------
# float32 X: coordinate descent on a float64 residual
#
# The float32 residual r rounds every entry to 6e-8 relative, and coordinate
# descent on it converges to the fixed point of the rounded correlations: each
# x_j.r off by ~u ||x_j|| ||r||, which near an unregularised fit (many non-zeros,
# |w|_1 ||x|| >> ||y||) kept the gap of imdb / we8there paths near 1e-6 - 1e-5
# relative, epochs doubling or tripling near that floor, and the bigram path
# stalled 13-32x above its target.  The working-set epochs therefore update
# rd = r + lo in float64 (wk.racc: the check's recomputed residual, reloaded
# after every gap check, stored back into r + lo before the next), reading X's
# float32 columns: the iterate reaches float64's accuracy up to the float32
# rounding of w itself.  Only convergence depends on rd; every certificate is
# still formed from the residual recomputed from w (``_res_refresh``).
# ---------------------------------------------------------------------------

cdef inline double _col_corr_hi(const design_t *D, Py_ssize_t j, const double *rd,
                                double shift) noexcept nogil:
    """x_c,j^T S r for the float32 column j and the float64 residual rd (= r_true
    + shift, as _col_corr), summed in four partial sums."""
    cdef Py_ssize_t i, k, a, b
    cdef const float *s = <const float *>D.sw
    cdef const float *x
    cdef const int32_t *i32
    cdef const int64_t *i64
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, c
    if D.kind == PZ_DENSE:
        x = <const float *>D.X + j * D.n
        i = 0
        if s == NULL:
            while i + 4 <= D.n:
                a0 += x[i] * rd[i]
                a1 += x[i + 1] * rd[i + 1]
                a2 += x[i + 2] * rd[i + 2]
                a3 += x[i + 3] * rd[i + 3]
                i += 4
            while i < D.n:
                a0 += x[i] * rd[i]
                i += 1
        else:
            while i + 4 <= D.n:
                a0 += <double>s[i] * x[i] * rd[i]
                a1 += <double>s[i + 1] * x[i + 1] * rd[i + 1]
                a2 += <double>s[i + 2] * x[i + 2] * rd[i + 2]
                a3 += <double>s[i + 3] * x[i + 3] * rd[i + 3]
                i += 4
            while i < D.n:
                a0 += <double>s[i] * x[i] * rd[i]
                i += 1
    else:
        a = _csc_start(D, j)
        b = _csc_start(D, j + 1)
        x = <const float *>D.data
        k = a
        if D.index64:
            i64 = <const int64_t *>D.indices
            if s == NULL:
                while k + 4 <= b:
                    a0 += x[k] * rd[i64[k]]
                    a1 += x[k + 1] * rd[i64[k + 1]]
                    a2 += x[k + 2] * rd[i64[k + 2]]
                    a3 += x[k + 3] * rd[i64[k + 3]]
                    k += 4
                while k < b:
                    a0 += x[k] * rd[i64[k]]
                    k += 1
            else:
                while k < b:
                    a0 += <double>s[i64[k]] * x[k] * rd[i64[k]]
                    k += 1
        else:
            i32 = <const int32_t *>D.indices
            if s == NULL:
                while k + 4 <= b:
                    a0 += x[k] * rd[i32[k]]
                    a1 += x[k + 1] * rd[i32[k + 1]]
                    a2 += x[k + 2] * rd[i32[k + 2]]
                    a3 += x[k + 3] * rd[i32[k + 3]]
                    k += 4
                while k < b:
                    a0 += x[k] * rd[i32[k]]
                    k += 1
            else:
                while k < b:
                    a0 += <double>s[i32[k]] * x[k] * rd[i32[k]]
                    k += 1
    c = (a0 + a1) + (a2 + a3)
    if D.x_mean != NULL:
        c -= shift * D.sw_sum * D.x_mean[j]
    return c


cdef inline void _apply_update_hi(const design_t *D, Py_ssize_t j, double delta, double *rd,
                                  double *shift) noexcept nogil:
    """_apply_update for the float32 column j on the float64 residual rd."""
    cdef Py_ssize_t i, k, a, b
    cdef const float *x
    cdef const int32_t *i32
    cdef const int64_t *i64
    if D.kind == PZ_DENSE:
        x = <const float *>D.X + j * D.n
        for i in range(D.n):
            rd[i] -= delta * x[i]
    else:
        a = _csc_start(D, j)
        b = _csc_start(D, j + 1)
        x = <const float *>D.data
        if D.index64:
            i64 = <const int64_t *>D.indices
            for k in range(a, b):
                rd[i64[k]] -= delta * x[k]
        else:
            i32 = <const int32_t *>D.indices
            for k in range(a, b):
                rd[i32[k]] -= delta * x[k]
    if D.x_mean != NULL:
        shift[0] -= delta * D.x_mean[j]


cdef double _cd_epoch_hi(const design_t *D, float *w, double *rd, double *shift,
                         const Py_ssize_t *idx, Py_ssize_t m, const pen_t *P) noexcept nogil:
    """_cd_epoch for float32 X on the float64 residual rd: the step applied to rd
    is the one w takes after rounding to float32, so rd stays r(w)."""
    cdef Py_ssize_t k, j
    cdef double L, wj, z, new, upd = 0.0
    cdef float wn
    for k in range(m):
        j = idx[k]
        L = D.col_sqnorm[j]
        if L <= 0.0:
            continue
        wj = w[j]
        z = _col_corr_hi(D, j, rd, shift[0]) + L * wj
        new = _enet_prox(z, L, _l1j(P, j), _l2j(P, j), _loj(P, j), _hij(P, j))
        wn = <float>new
        if wn != w[j]:
            _apply_update_hi(D, j, <double>wn - wj, rd, shift)
            w[j] = wn
            upd += _col_entries(D, j)
    return upd


cdef void _hi_load(Py_ssize_t n, const float *res, const float *lo, double *rd) noexcept nogil:
    """rd = res + lo (lo: the low part of the last recomputation, or NULL)."""
    cdef Py_ssize_t i
    if lo == NULL:
        for i in range(n):
            rd[i] = res[i]
    else:
        for i in range(n):
            rd[i] = <double>res[i] + lo[i]


cdef void _hi_store(Py_ssize_t n, const double *rd, float *res, float *lo) noexcept nogil:
    """res + lo = rd (res rounded to float32, lo the rest rounded)."""
    cdef Py_ssize_t i
    for i in range(n):
        res[i] = <float>rd[i]
        lo[i] = <float>(rd[i] - res[i])


cdef Py_ssize_t _screen(const design_t *D, floating *w, floating *res, double *shift,
                        Py_ssize_t *cand, Py_ssize_t n_cand, const double *corr,
                        const floating *w_pt, double scale, double e_free, double gap_aug,
                        const pen_t *P) noexcept nogil:
    """Gap-safe sphere test (Fercoq et al. 2015; Ndiaye et al. 2017).

    The dual optimum lies within sqrt(2 * gap_aug) of theta = scale * r, so
    |x_j^T theta| + ||x_j|| sqrt(2 gap_aug) < l1_j proves w_j = 0 at the
    optimum (augmented columns for the elastic net; only the sign the box
    allows counts; x_j^T theta widened by the free block's projection, see
    _dual_point).  Removes such j from cand, zeroing them in w; returns the
    new number of candidates.  Free features are kept.
    """
    cdef Py_ssize_t k, j, m = 0
    cdef double v, l2j, radius = sqrt(2.0 * gap_aug) if gap_aug > 0.0 else 0.0
    for k in range(n_cand):
        j = cand[k]
        if _is_free(P, j):
            cand[m] = j
            m += 1
            continue
        l2j = _l2j(P, j)
        v = _reach(scale * (corr[j] - l2j * w_pt[j]),
                   scale * sqrt(D.col_sqnorm[j]) * e_free if e_free > 0.0 else 0.0,
                   _loj(P, j), _hij(P, j))
        if v + sqrt(D.col_sqnorm[j] + l2j) * radius < _l1j(P, j):
            if w[j] != 0.0:
                _apply_update(D, j, -w[j], res, shift)
                w[j] = 0.0
        else:
            cand[m] = j
            m += 1
    return m


cdef void _store_certificate(workspace_t *wk, int point, Py_ssize_t n_res,
                             Py_ssize_t p, floating *dummy) noexcept nogil:
    """Copy the dual point ``point`` into the certificate slot (PT_CERT)."""
    cdef const floating *src_r
    cdef const floating *src_w
    cdef floating *dst_r = <floating *>wk.pt_res[PT_CERT]
    cdef floating *dst_w = <floating *>wk.pt_w[PT_CERT]
    cdef Py_ssize_t i
    if point == PT_CERT:
        return
    if point == PT_EXTRAP:
        src_r, src_w = <const floating *>wk.ex.res_acc, <const floating *>wk.ex.w_acc
    else:
        src_r, src_w = <const floating *>wk.pt_res[PT_CURRENT], <const floating *>wk.pt_w[PT_CURRENT]
    for i in range(n_res):
        dst_r[i] = src_r[i]
    for i in range(p):
        dst_w[i] = src_w[i]
    wk.has_cert = True


cdef struct ls_outer_t:
    # The elastic net as a plug-in of the outer loop (OUTER_LEAST_SQUARES, see
    # active_set.pxi); w, res, target: X's dtype
    const design_t *D
    void *w
    void *res
    const void *target
    double yy
    const pen_t *P
    Py_ssize_t max_epochs
    Py_ssize_t gap_freq
    bint shuffle
    uint64_t *rng
    workspace_t *wk
    double shift            # the residual's pending constant (see _fold_shift)
    bint carry              # correlations carried along the path (wk.carry)
    gap_t g                 # the last outer check
    const void *w_pt        # the coefficients of its augmented dual point
    const double *c_pt      # and that point's correlations
    solve_info_t *info
    void *cov               # cov_t (covariance.pxi): inner solves on the Gram block, or NULL


cdef solve_info_t _solve(const design_t *D, floating *w, floating *res,
                         const floating *target, double yy,
                         const pen_t *P, double tol_abs,
                         Py_ssize_t max_epochs, bint screening, bint use_ws,
                         Py_ssize_t p0, bint prune, double l1_prev, double inner_ratio,
                         Py_ssize_t gap_freq,
                         bint shuffle, uint64_t *rng, workspace_t *wk) noexcept nogil:
    """Elastic-net coordinate descent with working sets, screening and extrapolation.

    The outer loop is ``_outer_solve`` (active_set.pxi) with this plug-in: the
    duality gap over the features still in play, from the best of three dual
    points (current residual, its extrapolation, the certificate carried in
    from the previous alpha, rescaled for the new one); the gap-safe test;
    the ranking by distance to the dual constraint; the sequential strong set
    from the certificate's correlations; coordinate descent with Newton steps
    on the working set, its gap checked every ``gap_freq`` epochs, to
    inner_ratio times the outer gap (to tol_abs once the set covers every
    candidate).  ``prune``: Celer's 2 nnz(w) after a halved gap.  On exit the
    certificate slot holds the dual point that certified the returned gap.
    Per-feature penalties, boxes and the free block follow ``P`` (see pen_t);
    features with the box [0, 0] (excluded) and constant columns are never
    candidates; free features are in every working set and are never screened.
    """
    cdef solve_info_t info
    cdef ls_outer_t pb
    cdef outer_t A
    cdef Py_ssize_t p = D.p, j, n_cand = 0

    memset(&info, 0, sizeof(solve_info_t))
    memset(&pb, 0, sizeof(ls_outer_t))
    pb.D = D
    pb.w = w
    pb.res = res
    pb.target = target
    pb.yy = yy
    pb.P = P
    pb.max_epochs = max_epochs
    pb.gap_freq = gap_freq
    pb.shuffle = shuffle
    pb.rng = rng
    pb.wk = wk
    pb.info = &info
    wk.cert_corr_ok = False
    wk.cur_corr_ok = False
    wk.cert_fresh = False
    pb.carry = (wk.carry != NULL and P.n_free == 0 and P.n_relax == 0 and D.kind != PZ_GRAM)
    if wk.cov != NULL and P.n_free == 0 and P.n_relax == 0 and D.kind != PZ_GRAM:
        pb.cov = wk.cov
    if not (P.n_free == 0 and P.n_relax == 0 and D.kind == PZ_CSC and floating is double):
        wk.gc = NULL
    wk.carry_out = False
    if pb.carry and wk.carry_in:
        for j in range(p):
            wk.corr[PT_CURRENT][j] = wk.carry[j]
        wk.cur_corr_ok = True
    _track(&wk.ex, NULL, 0)
    wk.nt.m = 0
    wk.nt.m_prev = 0
    wk.nt.built_at = 0
    for j in range(p):
        if P.lo != NULL and P.hi != NULL and P.lo[j] == 0.0 and P.hi[j] == 0.0:
            if w[j] != 0.0:      # excluded feature
                _apply_update(D, j, -w[j], res, &pb.shift)
                w[j] = 0.0
        elif D.col_sqnorm[j] > 0.0:
            wk.cand[n_cand] = j
            n_cand += 1
        elif w[j] != 0.0:
            w[j] = 0.0   # no effect on the residual: the centred column is 0

    _outer_init(&A, OUTER_LEAST_SQUARES, &pb, wk, P.l1, l1_prev, tol_abs, inner_ratio, p0)
    A.n_cand = n_cand
    A.screening = screening
    A.use_ws = use_ws
    A.prune = prune
    A.min_size = P.n_free + 1       # the free block and at least one more
    A.ulps = 16.0 * _unit_roundoff(w)
    _outer_solve(&A, w)
    info.n_outer = A.n_outer
    info.n_screened = A.n_screened
    return info


cdef void _ls_check(outer_t *A, ls_outer_t *pb, floating *tag) noexcept nogil:
    cdef workspace_t *wk = pb.wk
    cdef solve_info_t *info = pb.info
    cdef floating *res = <floating *>pb.res
    cdef double ent
    pb.g = _duality_gap(pb.D, <floating *>pb.w, res, &pb.shift,
                        <const floating *>pb.target, pb.yy, pb.P, wk.cand, A.n_cand, wk,
                        info.n_epochs, True)
    info.n_full += pb.g.n_points
    info.full_cols += <double>pb.g.n_points * A.n_cand
    info.full_entries += pb.g.dot_entries
    info.axpy_entries += pb.g.axpy_entries
    info.gap = pb.g.gap
    info.primal = pb.g.primal
    info.rounding = pb.g.rnd
    A.gap = pb.g.gap
    A.primal = pb.g.primal
    A.rnd = pb.g.rnd
    A.exhausted = info.n_epochs >= pb.max_epochs or info.interrupted
    if pb.g.gap <= A.tol_abs and pb.carry:
        ent = _carry_out(pb.D, <const floating *>pb.w, res, <const floating *>wk.rlo[PT_CURRENT]
                         if floating is float else NULL, wk.cand, A.n_cand, wk)
        info.full_entries += ent
        info.full_cols += pb.D.p - A.n_cand
        wk.carry_out = True
    # the augmented dual point drives the screening and the ranking
    if pb.g.aug_point == PT_EXTRAP:
        pb.w_pt = wk.ex.w_acc
    else:
        pb.w_pt = wk.pt_w[pb.g.aug_point]
    pb.c_pt = wk.corr[pb.g.aug_point]


cdef Py_ssize_t _ls_screen(outer_t *A, ls_outer_t *pb, floating *tag) noexcept nogil:
    return _screen(pb.D, <floating *>pb.w, <floating *>pb.res, &pb.shift, pb.wk.cand,
                   A.n_cand, pb.c_pt, <const floating *>pb.w_pt, pb.g.scale, pb.g.e_free,
                   pb.g.gap_aug, pb.P)


cdef bint _ls_support(outer_t *A, ls_outer_t *pb, bint strong_rule, Py_ssize_t *counts,
                      floating *tag) noexcept nogil:
    # the strong set from the previous alpha's certificate (its correlations)
    strong_rule = strong_rule and pb.wk.has_cert
    _support_counts(pb.wk.cand, A.n_cand, <const floating *>pb.w, pb.wk.corr[PT_CERT],
                    pb.P.f1, A.l1, A.l1_prev, strong_rule, False, counts)
    return strong_rule


cdef Py_ssize_t _ls_select(outer_t *A, ls_outer_t *pb, Py_ssize_t size,
                           floating *tag) noexcept nogil:
    return _select_working_set(pb.D, <const floating *>pb.w, pb.wk.cand, A.n_cand, pb.c_pt,
                               <const floating *>pb.w_pt, pb.g.scale, pb.P, size, pb.wk)


cdef void _ls_inner(outer_t *A, ls_outer_t *pb, double inner_tol,
                    floating *tag) noexcept nogil:
    """The inner solve: on the working set's Gram block when a covariance cache
    is attached and its cost model takes it (``_cov_inner``), else by
    coordinate descent on X's columns."""
    cdef Py_ssize_t e0
    if pb.cov == NULL:
        _ls_inner_cd(A, pb, inner_tol, tag)
        return
    e0 = pb.info.n_epochs
    if not _cov_inner(A, pb, inner_tol, tag):
        (<cov_t *>pb.cov).n_cd += 1
        _ls_inner_cd(A, pb, inner_tol, tag)
    _cov_note(<cov_t *>pb.cov, pb.info.n_epochs - e0)


cdef void _ls_inner_cd(outer_t *A, ls_outer_t *pb, double inner_tol,
                       floating *tag) noexcept nogil:
    """Coordinate descent on wk.ws, the gap checked every gap_freq epochs (with a
    Newton step on a stable support after each check), to inner_tol; also ends
    when F stops decreasing over 50 checks (the subproblem's rounding floor)."""
    cdef const design_t *D = pb.D
    cdef workspace_t *wk = pb.wk
    cdef solve_info_t *info = pb.info
    cdef floating *w = <floating *>pb.w
    cdef floating *res = <floating *>pb.res
    cdef const floating *target = <const floating *>pb.target
    cdef Py_ssize_t ws_size = A.ws_size, ep = 0, stall_in = 0
    cdef Py_ssize_t gap_freq = pb.gap_freq
    cdef double ws_ent, best_in = INFINITY
    cdef bint heavy
    cdef gap_t gi
    # float32 X (not GRAM): the epochs run on the float64 residual wk.racc (see
    # _cd_epoch_hi), stored back into res + rlo[PT_CURRENT] before each check
    cdef bint hi = floating is float and D.kind != PZ_GRAM
    cdef bint dirty = False
    cdef double *rd = wk.racc
    if wk.extrapolate:
        _track(&wk.ex, wk.ws, ws_size)
    wk.nt.built_at = 0
    wk.nt.last_gap = INFINITY
    # look for Ctrl-C at every gap check, and every epoch when one is long
    heavy = ws_size * (D.p if D.kind == PZ_GRAM else D.n) > 1000000
    ws_ent = _set_entries(D, wk.ws, ws_size)
    if hi:
        _hi_load(D.n, <const float *>res, <const float *>wk.rlo[PT_CURRENT], rd)
    while info.n_epochs < pb.max_epochs:
        if pb.shuffle:
            _shuffle(wk.ws, ws_size, pb.rng)
        if floating is float:
            if hi:
                info.axpy_entries += _cd_epoch_hi(D, w, rd, &pb.shift, wk.ws, ws_size, pb.P)
                dirty = True
            else:
                info.axpy_entries += _cd_epoch(D, w, res, &pb.shift, wk.ws, ws_size, pb.P)
        else:
            info.axpy_entries += _cd_epoch(D, w, res, &pb.shift, wk.ws, ws_size, pb.P)
        info.ws_cols += ws_size
        info.ws_entries += ws_ent
        info.n_epochs += 1
        ep += 1
        if (heavy or ep % gap_freq == 0) and _interrupted():
            info.interrupted = True
            break
        if ep % gap_freq == 0:
            if floating is float:
                if hi:
                    _hi_store(D.n, rd, <float *>res, <float *>wk.rlo[PT_CURRENT])
                    dirty = False
            gi = _duality_gap(D, w, res, &pb.shift, target, pb.yy, pb.P,
                              wk.ws, ws_size, wk, info.n_epochs, False)
            info.ws_cols += <double>gi.n_points * ws_size
            info.ws_entries += gi.dot_entries
            info.axpy_entries += gi.axpy_entries
            if gi.gap <= inner_tol:
                break
            # F not lower in 50 checks: the subproblem is at its rounding floor
            if best_in == INFINITY or gi.primal < best_in - A.ulps * fabs(best_in):
                best_in = gi.primal
                stall_in = 0
            else:
                stall_in += 1
                if stall_in >= 50:
                    break
            if _newton_step(D, w, res, &pb.shift, target, pb.yy, gi.primal, wk.ws, ws_size,
                            pb.P, ep, wk, gi.gap, inner_tol, gap_freq):
                info.n_newton += 1
                # the step may have solved the subproblem: check at once
                gi = _duality_gap(D, w, res, &pb.shift, target, pb.yy, pb.P,
                                  wk.ws, ws_size, wk, info.n_epochs, False)
                info.ws_cols += <double>gi.n_points * ws_size
                info.ws_entries += gi.dot_entries
                info.axpy_entries += gi.axpy_entries
                if gi.gap <= inner_tol:
                    break
            if hi:
                # the check recomputed res + rlo from w (and a Newton step moved both)
                _hi_load(D.n, <const float *>res, <const float *>wk.rlo[PT_CURRENT], rd)
    if floating is float:
        if dirty:
            _hi_store(D.n, rd, <float *>res, <float *>wk.rlo[PT_CURRENT])


cdef void _ls_finish(outer_t *A, ls_outer_t *pb, floating *tag) noexcept nogil:
    cdef floating *res = <floating *>pb.res
    _fold_shift(pb.D, res, &pb.shift)
    _store_certificate(pb.wk, pb.g.best_point, pb.D.p if pb.D.kind == PZ_GRAM else pb.D.n,
                       pb.D.p, res)
