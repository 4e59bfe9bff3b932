# Included by _core.pyx: the GLM problem: its penalty (factors, limits,
# unpenalized features, groups), the duality gap, and its plug-in of the
# outer loop (OUTER_GLM); the Python entry points.  See loss.pxi.

from scipy.linalg.cython_blas cimport dgemv
from libc.math cimport copysign

# The gap's X^T Theta pass on a dense float64 design with short columns goes to BLAS as
# one dgemv per run of consecutive candidate columns instead of one ddot per column:
# per-call overhead dominates a column of a few dozen entries (leukemia, 72 x 7129: the
# ddot pass costs about twice X^T r).  A run holds at most GLM_GEMV_ENTRIES entries
# (below OpenBLAS's threading threshold of gemv, 9216: every call runs on the calling
# thread, the same bits for any BLAS thread count), and runs also break every
# GLM_GEMV_CHUNK candidates, the unit the threaded pass splits, so its bits do not
# depend on the pass's thread count either.  Longer columns keep the ddot pass, and so
# do runs of fewer than GLM_GEMV_MIN_RUN columns.
DEF GLM_GEMV_ENTRIES = 8192
DEF GLM_GEMV_CHUNK = 256
DEF GLM_GEMV_MIN_RUN = 4      # shorter runs: one ddot per column

cdef struct glm_free_t:
    # Unpenalized features U (penalty factor 0: f1_j = f2_j = 0; K = 1, no limits on
    # them).  Their dual constraint is the equality x_j.Theta = 0, met by moving the
    # dual point (``_free_projection``); they are in every working set, and the
    # Newton models hand them to the core's free block.  ``idx``: U as indices of
    # the design the penalty is used with; the rest is scratch shared by the blocks.
    Py_ssize_t m
    const Py_ssize_t *idx
    void *cols          # n x m, the design's precision: U's raw columns
    double *kappa       # n: the projection's curvature weights
    double *eta_v       # n: the virtual linear predictor of the projection's rounds
    double *gram        # m x m
    double *delta       # m
    double *mean        # m: the C-weighted means of the projection
    double *chol        # m x m: the Newton model's factor of X_c,U^T H X_c,U
    double *buf         # m: the core's scratch
    Py_ssize_t *blk     # m: U's positions in the block (the core's free list)
    char *flags         # p + 1: the core's is_free flags of the block
    double *row         # K: multinomial scratch (one sample's step in eta)


cdef struct glm_pen_t:
    double l1                 # L1 = n alpha l1_ratio
    double l2                 # L2 = n alpha (1 - l1_ratio)
    bint group                # L1 acts on the rows ||W_j||_2 (else entrywise)
    # per-feature factors (glmnet's penalty factors, times the standard deviation
    # (its square) with standardize): feature j's penalty is L1 f1_j pen1(W_j) +
    # L2/2 f2_j ||W_j||^2; NULL means all ones.  Indexed by the feature index of
    # the design the penalty is used with (the driver gathers a block's factors).
    const double *f1
    const double *f2
    const char *excluded      # features kept at 0 (NULL: none); full design only
    # glmnet's limits: lo_j <= W_jk <= hi_j (lo_j <= 0 <= hi_j, infinite allowed; NULL:
    # none, both NULL or both set; entrywise penalty only, no groups); indexed as f1
    const double *lo
    const double *hi
    glm_free_t *fr            # unpenalized features (NULL: none)
    # user-defined groups of columns (K = 1 only; NULL: none): the L1 term is
    # L1 sum_g omega_g ||W_g||_2 and L2/2 ||W||^2 the ridge term (no factors then);
    # the full design's groups in the outer loop, a block's own in the Newton loop
    const grp_t *grp
    # threads of _glm_gap's X^T Theta pass (<= 1: the calling thread; see _pass_threads)
    int n_threads
    Py_ssize_t *n_threaded    # counts the passes that ran on more than one thread (or NULL)
    bint want_kkt             # form the result's KKT violation (``_glm_kkt_bound``)
    # products carried from the previous solve of a path at the same eta (K = 1, no
    # groups; NULL: none): for j with carry_known[j], corr_j = carry_corr[j] exactly, and
    # _glm_gap's pass reads only the other candidates (listed in carry_todo, p-sized).
    # Set on the full design's penalty by the entry point; _glm_solve uses them at its
    # first check only, and stores its last check's products there at the end
    char *carry_known
    double *carry_corr
    Py_ssize_t *carry_todo
    bint carry_in             # carry_known / carry_corr hold valid products on entry


cdef inline double _f1(const glm_pen_t *P, Py_ssize_t j) noexcept nogil:
    return 1.0 if P.f1 == NULL else P.f1[j]


cdef inline double _f2(const glm_pen_t *P, Py_ssize_t j) noexcept nogil:
    return 1.0 if P.f2 == NULL else P.f2[j]


cdef inline double _box_mag(const glm_pen_t *P, Py_ssize_t j, double v) noexcept nogil:
    """|v| in the directions feature j can move in from 0 (v > 0: up, needs hi_j > 0;
    v < 0: down, needs lo_j < 0): its dual constraint's magnitude, screening and rank.
    (Not the core's ``_reach``: that one lets a feature boxed to [0, 0] move up.)"""
    if P.lo == NULL:
        return fabs(v)
    if v > 0.0:
        return v if P.hi[j] > 0.0 else 0.0
    return -v if P.lo[j] < 0.0 else 0.0


cdef inline double _unbounded_mag(const glm_pen_t *P, Py_ssize_t j, double v) noexcept nogil:
    """|v| in the directions without a finite bound: the only ones that limit the dual
    scaling t (a finite bound makes the penalty's conjugate finite there)."""
    if P.lo == NULL:
        return fabs(v)
    if v > 0.0:
        return v if P.hi[j] == INFINITY else 0.0
    return -v if P.lo[j] == -INFINITY else 0.0


cdef double _glm_penalty(const double *W, const double *dW, double t, Py_ssize_t m,
                         Py_ssize_t ldw, Py_ssize_t K, const glm_pen_t *P) noexcept nogil:
    """L1 pen1(V) + L2/2 ||V||^2 at V = W + t dW (V = W when dW is NULL).

    W's column k starts at W + k ldw, dW's at dW + k m (rows 0..m-1 of each).
    """
    cdef Py_ssize_t j, k
    cdef double a = 0.0, q = 0.0, v, row, ra
    if P.grp != NULL:
        return _glm_group_penalty(W, dW, t, P)
    for j in range(m):
        row = 0.0
        ra = 0.0
        for k in range(K):
            v = W[j + k * ldw] + t * dW[j + k * m] if dW != NULL else W[j + k * ldw]
            row += v * v
            ra += fabs(v)
        q += _f2(P, j) * row
        a += _f1(P, j) * (sqrt(row) if P.group else ra)
    return P.l1 * a + 0.5 * P.l2 * q


cdef double _glm_group_penalty(const double *W, const double *dW, double t,
                               const glm_pen_t *P) noexcept nogil:
    """L1 sum_g omega_g ||V_g|| + L2/2 ||V||^2 at V = W + t dW (K = 1, groups)."""
    cdef const grp_t *G = P.grp
    cdef Py_ssize_t g, k, j
    cdef double a = 0.0, q = 0.0, v, row
    for g in range(G.n_groups):
        row = 0.0
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            v = W[j] + t * dW[j] if dW != NULL else W[j]
            row += v * v
        if _gweight(G, g) > 0.0:    # (the unpenalized group: neither term)
            q += row
            a += _gweight(G, g) * sqrt(row)
    return P.l1 * a + 0.5 * P.l2 * q


cdef double _glm_group_magnitudes(const design_t *D, const grp_t *G, const Py_ssize_t *cand,
                                  Py_ssize_t m, const double *W, const floating *theta,
                                  double sr, double *corr, double *mag, double *l1w,
                                  double *l2sq) noexcept nogil:
    """For the groups g in cand (all if NULL): corr[j] = x_c,j.Theta for their columns,
    mag[g] = ||X_c,g^T Theta||, and the penalty sums; returns max_g mag_g / omega_g."""
    cdef Py_ssize_t c, g, k, j
    cdef double top = 0.0, v, sq, wsq
    for g in range(G.n_groups):
        wsq = 0.0
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            wsq += W[j] * W[j]
        if wsq > 0.0 and _gweight(G, g) > 0.0:
            l1w[0] += _gweight(G, g) * sqrt(wsq)
            l2sq[0] += wsq
    for c in range(m):
        g = cand[c] if cand != NULL else c
        sq = 0.0
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            v = _centred_wdot(D, j, theta, sr)
            corr[j] = v
            sq += v * v
        mag[g] = sqrt(sq)
        # (an unpenalized group's constraint X_c,g^T Theta = 0 is the projection's)
        if _gweight(G, g) > 0.0 and mag[g] > top * _gweight(G, g):
            top = mag[g] / _gweight(G, g)
    return top


cdef void _unpenalized_columns(const design_t *D, const glm_free_t *F, floating *Z) noexcept nogil:
    """The unpenalized features' raw columns of D into Z (n x F.m, column-major)."""
    cdef Py_ssize_t k, n = D.n
    for k in range(F.m):
        memset(Z + k * n, 0, n * sizeof(floating))
        _col_axpy(D, F.idx[k], 1.0, Z + k * n)


cdef bint _free_round(const design_t *D, const glm_free_t *F, const glm_loss_t *L,
                      bint fit_intercept, double *a, double *th,
                      floating *tag) noexcept nogil:
    """One linearised projection of Theta onto {Theta : Z^T Theta = 0} (see
    ``_free_projection``); writes Theta and a when the moved point is in the
    conjugate's domain, else only F.delta (the Newton step of the free block).
    Returns whether the point was in the domain (False also for a singular Gram)."""
    cdef Py_ssize_t i, k, l, n = D.n, m = F.m
    cdef floating *Z = <floating *>F.cols
    cdef double csum = 0.0, v, t, an, mt
    cdef int mm = <int>m, one = 1, info = 0, q
    cdef char uplo = b'L'
    cdef bint ok = True
    # C = diag(s kappa): kappa = -(d theta / d eta) / s at the current a
    for i in range(n):
        if L.kind == LOSS_BINOMIAL:
            F.kappa[i] = L.s[i] * a[i] * (1.0 - a[i])
        else:
            F.kappa[i] = L.s[i] * a[i]
        csum += F.kappa[i]
    if not csum > 0.0:
        return False
    # Z C-centred (with an intercept: the step then keeps sum theta = 0); its mean
    # is folded into each use, so Z itself stays raw
    for k in range(m):
        mt = 0.0
        if fit_intercept:
            for i in range(n):
                mt += F.kappa[i] * Z[i + k * n]
            mt /= csum
        F.mean[k] = mt
        v = 0.0
        for i in range(n):
            v += (Z[i + k * n] - mt) * th[i]
        F.delta[k] = v
        for l in range(k + 1):
            v = 0.0
            for i in range(n):
                v += F.kappa[i] * (Z[i + k * n] - mt) * (Z[i + l * n] - F.mean[l])
            F.gram[k + l * m] = v
            F.gram[l + k * m] = v
    dpotrf(&uplo, &mm, F.gram, &mm, &info)
    if info != 0:
        return False
    dpotrs(&uplo, &mm, &one, F.gram, &mm, F.delta, &mm, &info)
    for q in range(2):          # check the domain, then write
        for i in range(n):
            v = 0.0
            for k in range(m):
                v += (Z[i + k * n] - F.mean[k]) * F.delta[k]
            t = th[i] - F.kappa[i] * v
            if L.s[i] > 0.0:
                if L.kind == LOSS_BINOMIAL:
                    an = t / (L.s[i] * L.y[i])
                    ok = ok and an >= 0.0 and an <= 1.0
                elif L.kind == LOSS_POISSON:
                    an = L.y[i] - t / L.s[i]
                    ok = ok and an >= 0.0
                else:
                    an = 1.0 + t / L.s[i]
                    ok = ok and an >= 0.0
            else:
                an = a[i]
            if q == 1:
                th[i] = t
                a[i] = an
        if not ok:
            return False
    return True


cdef inline double _free_z(const floating *Z, Py_ssize_t i, Py_ssize_t c, Py_ssize_t n,
                           Py_ssize_t m) noexcept nogil:
    """Column c of [Z, 1] at sample i (the multinomial projection's design)."""
    return <double>Z[i + c * n] if c < m else 1.0


cdef bint _free_round_softmax(const glm_free_t *F, const glm_loss_t *L, bint fit_intercept,
                              double *A, double *th, floating *tag) noexcept nogil:
    """The multinomial ``_free_round``: with V = [Z, 1] (the intercepts' column too
    when there is one) and the reference class K-1 held (softmax is shift invariant, and
    sum_k Theta_ik = 0 makes its equations follow from the others), solve H delta = V^T
    Theta for the free block's Hessian H = sum_i s_i (v_i v_i^T) kron J_i (J_i = diag a_i -
    a_i a_i^T, classes 0..K-2) and move A_i by J_i (V delta)_i, which keeps every row in
    the simplex's plane and meets V^T Theta = 0 exactly; committed if A stays >= 0."""
    cdef Py_ssize_t i, k, l, c, d, n = L.n, K = L.K, m = F.m
    cdef Py_ssize_t mv = m + (1 if fit_intercept else 0), q = mv * (K - 1), a_, b_
    cdef floating *Z = <floating *>F.cols
    cdef double v, zc, zd, dot, an, y
    cdef int mm = <int>q, one = 1, info = 0, rep
    cdef char uplo = b'L'
    cdef bint ok = True
    memset(F.gram, 0, q * q * sizeof(double))
    memset(F.delta, 0, q * sizeof(double))
    for i in range(n):
        if not L.s[i] > 0.0:
            continue
        for c in range(mv):
            zc = _free_z(Z, i, c, n, m)
            for k in range(K - 1):
                F.delta[c * (K - 1) + k] += zc * th[i + k * n]
                for d in range(c + 1):
                    zd = _free_z(Z, i, d, n, m)
                    for l in range(K - 1):
                        v = -A[i + k * n] * A[i + l * n]
                        if k == l:
                            v += A[i + k * n]
                        F.gram[(c * (K - 1) + k) + (d * (K - 1) + l) * q] += L.s[i] * zc * zd * v
    for a_ in range(q):
        for b_ in range(a_ + 1, q):
            F.gram[a_ + b_ * q] = F.gram[b_ + a_ * q]
    dpotrf(&uplo, &mm, F.gram, &mm, &info)
    if info != 0:
        return False
    dpotrs(&uplo, &mm, &one, F.gram, &mm, F.delta, &mm, &info)
    for rep in range(2):
        for i in range(n):
            # the row's step in eta, u = (V delta)_i (class K-1: 0), and J_i u
            dot = 0.0
            for k in range(K - 1):
                v = 0.0
                for c in range(mv):
                    v += _free_z(Z, i, c, n, m) * F.delta[c * (K - 1) + k]
                F.row[k] = v
                dot += A[i + k * n] * v
            F.row[K - 1] = 0.0
            for k in range(K):
                an = A[i + k * n] + A[i + k * n] * (F.row[k] - dot)
                if L.s[i] > 0.0:
                    ok = ok and an >= 0.0
                if rep == 1 and L.s[i] > 0.0:
                    A[i + k * n] = an
                    y = 1.0 if L.codes[i] == k else 0.0
                    th[i + k * n] = L.s[i] * (y - an)
        if not ok:
            return False
    return True


cdef bint _cox_free_fit(const design_t *D, const glm_free_t *F, const glm_loss_t *L,
                        const double *eta, double *a, double *th,
                        floating *tag) noexcept nogil:
    """The Cox dual point made feasible for the unpenalized features U: Theta =
    -grad l(eta_v) at a virtual eta_v = eta + Z_c delta with the free block refitted
    (the primal point is unchanged).  Cox's conjugate is only known at a gradient,
    so Theta cannot be projected linearly as for the other losses: Newton rounds on
    delta alone with the model's curvature, C = diag(s curv), Z C-centred (the loss
    ignores a constant shift), until every |z_k.Theta| is at the rounding of the
    sum (COX_FREE_RTOL of sum_i |z_ik Theta_i|), up to COX_FREE_ROUNDS rounds;
    a = eta_v.  Returns False if it did not get there (no certificate then)."""
    cdef Py_ssize_t i, k, l, r, n = D.n, m = F.m
    cdef floating *Z = <floating *>F.cols
    cdef double csum, v, mt, ak
    cdef int mm = <int>m, one = 1, info = 0
    cdef char uplo = b'L'
    cdef bint done
    memcpy(F.eta_v, eta, n * sizeof(double))
    for r in range(COX_FREE_ROUNDS):
        _cox_model(L, F.eta_v, th, F.kappa)
        csum = 0.0
        for i in range(n):
            th[i] *= L.s[i]
            F.kappa[i] *= L.s[i]
            csum += F.kappa[i]
        done = True
        for k in range(m):
            v = 0.0
            ak = 0.0
            for i in range(n):
                v += Z[i + k * n] * th[i]
                ak += fabs(Z[i + k * n] * th[i])
            F.delta[k] = v
            if not fabs(v) <= COX_FREE_RTOL * ak:       # (NaN: not done)
                done = False
        if done:
            memcpy(a, F.eta_v, n * sizeof(double))
            return True
        if not csum > 0.0:
            return False
        for k in range(m):
            mt = 0.0
            for i in range(n):
                mt += F.kappa[i] * Z[i + k * n]
            F.mean[k] = mt / csum
        for k in range(m):
            for l in range(k + 1):
                v = 0.0
                for i in range(n):
                    v += F.kappa[i] * (Z[i + k * n] - F.mean[k]) * (Z[i + l * n] - F.mean[l])
                F.gram[k + l * m] = v
                F.gram[l + k * m] = v
        dpotrf(&uplo, &mm, F.gram, &mm, &info)
        if info != 0:
            return False
        dpotrs(&uplo, &mm, &one, F.gram, &mm, F.delta, &mm, &info)
        for i in range(n):
            v = 0.0
            for k in range(m):
                v += (Z[i + k * n] - F.mean[k]) * F.delta[k]
            F.eta_v[i] += v
    return False


cdef bint _free_projection(const design_t *D, const glm_free_t *F, const glm_loss_t *L,
                           const double *eta, bint fit_intercept, double *a, double *th,
                           floating *tag) noexcept nogil:
    """Make the dual point feasible for the unpenalized features U: Z^T Theta = 0.

    The dual of an unpenalized coefficient is that equality (its conjugate is the
    indicator of 0).  A linearised projection in the curvature metric,
        Theta <- Theta - C Z (Z^T C Z)^{-1} Z^T Theta,   C = diag(s_i kappa_i),
    kappa_i = -(d theta_i / d eta_i) / s_i (binomial a(1 - a), Poisson / Gamma a),
    Z = X_U (C-centred with an intercept, which keeps sum_i Theta_i = 0), meets it
    exactly (up to rounding, as the intercept's sum) and moves Theta_i in proportion
    to its curvature, so near the optimum (Z^T Theta -> 0) the point stays in the
    conjugate's domain.  If it leaves the domain, the dual point is recomputed at
    eta + Z delta (the free block's Newton step, a virtual move: the primal point is
    unchanged) and projected again, up to 4 rounds.  Returns False if no round
    stays in the domain (the caller then reports no certificate).
    """
    cdef Py_ssize_t i, k, c, r, n = D.n, K = L.K
    cdef Py_ssize_t mv = F.m + (1 if fit_intercept else 0)
    cdef floating *Z = <floating *>F.cols
    cdef double v
    _unpenalized_columns(D, F, Z)
    if L.kind == LOSS_COX:
        return _cox_free_fit(D, F, L, eta, a, th, tag)
    if L.kind == LOSS_MULTINOMIAL:
        memcpy(F.eta_v, eta, n * K * sizeof(double))
        for r in range(4):
            if r > 0:       # the free block's (and intercepts') Newton step, virtually
                for i in range(n):
                    for k in range(K - 1):
                        v = 0.0
                        for c in range(mv):
                            v += _free_z(Z, i, c, n, F.m) * F.delta[c * (K - 1) + k]
                        F.eta_v[i + k * n] += v
                _softmax(L, F.eta_v, a)
                for k in range(K):
                    for i in range(n):
                        th[i + k * n] = L.s[i] * ((1.0 if L.codes[i] == k else 0.0)
                                                  - a[i + k * n])
            if _free_round_softmax(F, L, fit_intercept, a, th, tag):
                return True
        return False
    memcpy(F.eta_v, eta, n * sizeof(double))
    for r in range(4):
        if r > 0:
            for i in range(n):
                v = 0.0
                for k in range(F.m):
                    v += (Z[i + k * n] - F.mean[k]) * F.delta[k]
                F.eta_v[i] += v
            _loss_dual_point(L, F.eta_v, fit_intercept, a, th)
        if _free_round(D, F, L, fit_intercept, a, th, tag):
            return True
    return False


cdef struct glm_gap_t:
    double gap          # n F(W, b) - D(t Theta), unscaled
    double primal       # n F(W, b)
    double loss         # sum_i s_i f_i(eta): the primal's loss part
    double scale        # the t giving the best dual value
    Py_ssize_t n_todo   # with carried products: the candidates the pass read


cdef double _plain_magnitudes(const design_t *D, const Py_ssize_t *cand, Py_ssize_t m,
                              const double *W, const floating *theta, double sr, bint pre,
                              double *corr, double *mag, double *l1w,
                              double *l2sq) noexcept nogil:
    """``_glm_gap``'s loop over the candidates for one predictor without limits or
    penalty factors (f1 = f2 = 1): corr[j] (the pass's when ``pre``, else formed
    here), mag[j] = |corr[j]|, the penalty sums l1w, l2sq (added to); returns the
    largest magnitude.  The same operations in the same order as the general loop,
    without its per-feature tests: the result has the same bits."""
    cdef Py_ssize_t c, j
    cdef double v, top = 0.0, s1 = l1w[0], s2 = l2sq[0], w
    for c in range(m):
        j = cand[c] if cand != NULL else c
        v = corr[j] if pre else _centred_wdot(D, j, theta, sr)
        corr[j] = v
        v = fabs(v)
        mag[j] = v
        if v > top:
            top = v
        w = W[j]
        if w != 0.0:
            s1 += fabs(w)
            s2 += w * w
    l1w[0] = s1
    l2sq[0] = s2
    return top


cdef glm_gap_t _glm_gap(const design_t *D, const Py_ssize_t *cand, Py_ssize_t n_cand,
                        const double *W, Py_ssize_t ldw, const double *eta,
                        const glm_loss_t *L, const glm_pen_t *P, bint fit_intercept,
                        floating *theta_col, double *a, double *th, double *corr,
                        Py_ssize_t ldc, double *mag, double known_loss, double *ex,
                        bint ex_known) noexcept nogil:
    """Duality gap of n F over the features ``cand`` (all of D's if NULL).

    Fenchel dual of n F at the loss's dual point Theta (``_loss_dual_point``)
    scaled by t in (0, 1], which keeps it in the conjugate's domain:
        D(t Theta) = -conj(t) - sum_j psi*(t x_c,j.Theta) / (2 L2)   (L2 > 0),
    psi*(v) = sum_k (|v_k| - L1 f1_j)_+^2 / f2_j (entrywise) or
    (||v||_2 - L1 f1_j)_+^2 / f2_j (rows), or -conj(t) with t making every dual
    norm mag_j <= L1 f1_j / t (L2 = 0).
    Tried: the L1-feasible t, t = 1 and (L2 > 0) their geometric mean.  With
    an offset o (eta = X W + b + o) the dual gains -t Theta.o.
    With groups (``P.grp``, K = 1) the candidates are groups, mag[g] =
    ||X_c,g^T Theta|| and psi*(v) = (||v|| - L1 omega_g)_+^2 (f = 1).
    Fills corr[j + k ldc] = x_c,j.Theta_k (unscaled) and mag[j] (max_k |.| or the
    row norm) for j in cand; W's column k starts at W + k ldw.  ``theta_col``
    (design precision, n) and ``a``, ``th`` (double, n K) are scratch.
    ``known_loss``: _loss_value(L, eta) when the caller has it (it is not formed
    again), else NaN; ``ex``, ``ex_known``: the log-link losses' e_i at eta, read if
    known, else written (NULL: neither; see ``_log_link_dual_point``).
    Without groups, the products x_c,j.Theta_k run on P.n_threads threads when
    the pass is large enough (``_glm_corr_pass``); every sum over features is
    formed afterwards in cand's order, so the result has the same bits.
    """
    cdef glm_gap_t out
    cdef Py_ssize_t i, j, k, c, n = D.n, K = L.K, m = n_cand if cand != NULL else D.p
    out.n_todo = 0
    cdef int nt = 1
    cdef bint pre      # the products come from one pass into corr first
    cdef Py_ssize_t todo
    if cand == NULL and P.grp != NULL:
        m = P.grp.n_groups      # the candidates are groups
    if P.grp == NULL and P.n_threads > 1:
        nt = _pass_threads(P.n_threads, _glm_pass_entries(D, cand, m), m, D.kind == PZ_DENSE)
        if nt > 1 and P.n_threaded != NULL:
            P.n_threaded[0] += K
    pre = nt > 1 or (floating is double and _glm_gemv_pass(D))
    cdef double top = 0.0, sr, best, t, feas, excess, d, v, mg, mu, wsq, wabs
    cdef double l1w = 0.0, l2sq = 0.0, l1j, l2j, to
    cdef int q
    cdef double ts[3]
    cdef bint certified = True
    _loss_dual_point(L, eta, fit_intercept, a, th, ex, ex_known)
    if P.fr != NULL and P.fr.m > 0:
        certified = _free_projection(D, P.fr, L, eta, fit_intercept, a, th, theta_col)
    for k in range(K):
        sr = 0.0
        for i in range(n):
            theta_col[i] = <floating>th[i + k * n]
            sr += theta_col[i]
        if K == 1 and P.grp != NULL:
            top = _glm_group_magnitudes(D, P.grp, cand, m, W, theta_col, sr, corr, mag,
                                        &l1w, &l2sq)
        elif K == 1:
            # one predictor: the magnitudes and the penalty in the same pass
            if P.carry_known != NULL:
                # the carried products at this eta; one pass over the others
                todo = 0
                for c in range(m):
                    j = cand[c] if cand != NULL else c
                    if P.carry_known[j]:
                        corr[j] = P.carry_corr[j]
                    else:
                        P.carry_todo[todo] = j
                        todo += 1
                _glm_corr_pass(D, P.carry_todo, todo, theta_col, sr, corr, nt)
                out.n_todo = todo
                pre = True
            elif pre:
                _glm_corr_pass(D, cand, m, theta_col, sr, corr, nt)
            if P.lo == NULL and P.f1 == NULL and P.f2 == NULL:
                top = _plain_magnitudes(D, cand, m, W, theta_col, sr, pre, corr, mag,
                                        &l1w, &l2sq)
                continue
            for c in range(m):
                j = cand[c] if cand != NULL else c
                v = corr[j] if pre else _centred_wdot(D, j, theta_col, sr)
                corr[j] = v
                mag[j] = _box_mag(P, j, v)
                v = _unbounded_mag(P, j, v)
                if P.f1 != NULL:
                    # an unpenalized feature's constraint is the projection's
                    v = v / P.f1[j] if P.f1[j] > 0.0 else 0.0
                if v > top:
                    top = v
                if W[j] != 0.0:
                    l1w += _f1(P, j) * fabs(W[j])
                    l2sq += _f2(P, j) * W[j] * W[j]
        elif pre:
            _glm_corr_pass(D, cand, m, theta_col, sr, corr + k * ldc, nt)
        else:
            for c in range(m):
                j = cand[c] if cand != NULL else c
                corr[j + k * ldc] = _centred_wdot(D, j, theta_col, sr)
    for c in range(m if K > 1 else 0):
        j = cand[c] if cand != NULL else c
        mg = 0.0
        mu = 0.0
        wsq = 0.0
        wabs = 0.0
        for k in range(K):
            v = corr[j + k * ldc]
            if P.group:
                mg += v * v
            else:
                mg = fmax(mg, _box_mag(P, j, v))
                mu = fmax(mu, _unbounded_mag(P, j, v))
            v = W[j + k * ldw]
            wsq += v * v
            wabs += fabs(v)
        mag[j] = sqrt(mg) if P.group else mg
        if P.group:
            mu = mag[j]
        if _f1(P, j) > 0.0 and mu / _f1(P, j) > top:     # (free: the projection's)
            top = mu / _f1(P, j)
        if wsq > 0.0:
            l1w += _f1(P, j) * (sqrt(wsq) if P.group else wabs)
            l2sq += _f2(P, j) * wsq
    out.loss = known_loss if known_loss == known_loss else _loss_value(L, eta)
    out.primal = out.loss + P.l1 * l1w + 0.5 * P.l2 * l2sq
    feas = P.l1 / top if top > P.l1 else 1.0
    ts[0] = feas
    ts[1] = 1.0
    ts[2] = sqrt(feas)
    best = -INFINITY
    out.scale = feas
    to = 0.0
    if L.offset != NULL:
        for i in range(n * K):
            to += th[i] * L.offset[i]
    for q in range(3 if P.l2 > 0.0 else 1):
        t = ts[q]
        d = -_loss_conjugate(L, a, t) - t * to
        if P.lo != NULL:
            # limits: the penalty's conjugate per entry, finite on a bounded side
            for c in range(m):
                j = cand[c] if cand != NULL else c
                l1j = P.l1 * _f1(P, j)
                l2j = P.l2 * _f2(P, j)
                for k in range(K):
                    # the core's conjugates: with ridge the boxed elastic net's; without,
                    # the bounded sides' only (t keeps the unbounded ones feasible)
                    v = t * corr[j + k * ldc]
                    d -= (_conj(v, l1j, l2j, P.lo[j], P.hi[j]) if l2j > 0.0
                          else _box_excess(v, l1j, P.lo[j], P.hi[j]))
        elif P.l2 > 0.0:
            for c in range(m):
                j = cand[c] if cand != NULL else c
                if P.grp != NULL:       # j is a group
                    if not _gweight(P.grp, j) > 0.0:
                        continue        # unpenalized: X_c,g^T Theta = 0 (projected)
                    l1j = P.l1 * _gweight(P.grp, j)
                    l2j = P.l2
                else:
                    l1j = P.l1 * _f1(P, j)
                    l2j = P.l2 * _f2(P, j)
                    if not l2j > 0.0:   # unpenalized: t x_j.Theta = 0 (projected)
                        continue
                if P.group or P.grp != NULL:
                    excess = t * mag[j] - l1j
                    if excess > 0.0:
                        # divided before squaring: no underflow near 1e-150
                        d -= excess * (excess / (2.0 * l2j))
                else:
                    for k in range(K):
                        excess = t * fabs(corr[j + k * ldc]) - l1j
                        if excess > 0.0:
                            d -= excess * (excess / (2.0 * l2j))
        if d > best:
            best = d
            out.scale = t
    out.gap = out.primal - best if certified else INFINITY
    return out


cdef double _glm_pass_entries(const design_t *D, const Py_ssize_t *cand,
                              Py_ssize_t m) noexcept nogil:
    """Stored entries of the columns cand[:m] (every column of D if cand is NULL)."""
    if cand != NULL:
        return _set_entries(D, cand, m)
    if D.kind == PZ_CSC:
        return <double>_csc_start(D, D.p)
    return <double>D.n * D.p


cdef inline bint _glm_gemv_pass(const design_t *D) noexcept nogil:
    """Whether the X^T Theta pass of D goes by runs of dgemv (``_glm_gemv_chunk``)."""
    return D.kind == PZ_DENSE and D.sw == NULL and D.n > 0 and D.n <= GLM_GEMV_ENTRIES // 2


cdef void _glm_gemv_chunk(const design_t *D, const Py_ssize_t *cand, Py_ssize_t c0,
                          Py_ssize_t c1, const double *theta, double sr,
                          double *corr) noexcept nogil:
    """corr[j] = x_c,j.theta for j = cand[c] (c if cand is NULL), c in [c0, c1): one
    dgemv per run of consecutive columns (at most GLM_GEMV_ENTRIES entries)."""
    cdef Py_ssize_t c = c0, e, j0, lmax = GLM_GEMV_ENTRIES // D.n, j
    cdef int nn = <int>D.n, mm, one = 1
    cdef double alpha = 1.0, beta = 0.0
    cdef char trans = b'T'
    while c < c1:
        j0 = cand[c] if cand != NULL else c
        e = c + 1
        while e < c1 and e - c < lmax and (cand == NULL or cand[e] == j0 + (e - c)):
            e += 1
        mm = <int>(e - c)
        if mm < GLM_GEMV_MIN_RUN:
            # (a short run, as after screening: a call per column costs less)
            for j in range(j0, j0 + mm):
                corr[j] = _centred_wdot(D, j, theta, sr)
            c = e
            continue
        dgemv(&trans, &nn, &mm, &alpha, <double *>D.X + j0 * D.n, &nn, <double *>theta,
              &one, &beta, corr + j0, &one)
        if D.x_mean != NULL:
            for j in range(j0, j0 + mm):
                corr[j] -= D.x_mean[j] * sr
        c = e


cdef void _glm_gemv_pass_run(const design_t *D, const Py_ssize_t *cand, Py_ssize_t m,
                             const double *theta, double sr, double *corr,
                             int n_threads) noexcept nogil:
    """``_glm_corr_pass`` by chunks of GLM_GEMV_CHUNK candidates (``_glm_gemv_chunk``),
    on n_threads threads (<= 1: the calling thread)."""
    cdef Py_ssize_t q, nq = (m + GLM_GEMV_CHUNK - 1) // GLM_GEMV_CHUNK, c1
    if n_threads <= 1:
        for q in range(nq):
            c1 = (q + 1) * GLM_GEMV_CHUNK
            _glm_gemv_chunk(D, cand, q * GLM_GEMV_CHUNK, c1 if c1 < m else m, theta, sr, corr)
        return
    for q in prange(nq, schedule="static", num_threads=n_threads):
        c1 = (q + 1) * GLM_GEMV_CHUNK
        _glm_gemv_chunk(D, cand, q * GLM_GEMV_CHUNK, c1 if c1 < m else m, theta, sr, corr)


cdef void _glm_corr_pass(const design_t *D, const Py_ssize_t *cand, Py_ssize_t m,
                         const floating *theta, double sr, double *corr,
                         int n_threads) noexcept nogil:
    """corr[j] = x_c,j.theta (``_centred_wdot``) for j in cand[:m] (0..m-1 if cand is
    NULL), the columns split over n_threads threads."""
    cdef Py_ssize_t c, j
    if floating is double:
        if _glm_gemv_pass(D):
            _glm_gemv_pass_run(D, cand, m, theta, sr, corr, n_threads)
            return
    if D.kind == PZ_DENSE:
        for c in prange(m, schedule="static", num_threads=n_threads):
            j = cand[c] if cand != NULL else c
            corr[j] = _centred_wdot(D, j, theta, sr)
    else:
        for c in prange(m, schedule="guided", chunksize=16, num_threads=n_threads):
            j = cand[c] if cand != NULL else c
            corr[j] = _centred_wdot(D, j, theta, sr)


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


cdef bint _drop_feature(const design_t *D, Py_ssize_t j, double *W, double *eta,
                        Py_ssize_t K, floating *tmp) noexcept nogil:
    """W_j = 0 with eta updated (eta_k -= W_jk x_j through the scratch tmp); True
    if the row was non-zero."""
    cdef Py_ssize_t i, k, p = D.p, n = D.n
    cdef bint nonzero = False
    for k in range(K):
        if W[j + k * p] != 0.0:
            for i in range(n):
                tmp[i] = 0.0
            _col_axpy(D, j, W[j + k * p], tmp)
            for i in range(n):
                eta[i + k * n] -= tmp[i]
            W[j + k * p] = 0.0
            nonzero = True
    return nonzero


cdef inline bint _row_nonzero(const double *W, Py_ssize_t j, Py_ssize_t p,
                              Py_ssize_t K) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(K):
        if W[j + k * p] != 0.0:
            return True
    return False


cdef Py_ssize_t _add_free_features(const glm_free_t *F, Py_ssize_t *ws,
                                   Py_ssize_t size) noexcept nogil:
    """Append the unpenalized features the working set ws[0..size) lacks (ws has room
    for every feature); returns the new size."""
    cdef Py_ssize_t k, c
    cdef bint found
    for k in range(F.m):
        found = False
        for c in range(size):
            if ws[c] == F.idx[k]:
                found = True
                break
        if not found:
            ws[size] = F.idx[k]
            size += 1
    return size


cdef struct glm_outer_t:
    # The GLM driver as a plug-in of the outer loop (OUTER_GLM, see active_set.pxi)
    const design_t *D       # raw X (no weights), centred when there is an intercept
    double *W               # p x K, F-ordered
    double *b
    double *eta             # n x K
    const glm_loss_t *L
    const glm_pen_t *P
    bint fit_intercept
    Py_ssize_t max_newton
    Py_ssize_t max_epochs
    workspace_t *wk
    glm_bufs_t *bf
    uint64_t *rng
    glm_gap_t g             # the last outer check
    const double *nz        # per feature: non-zero row of W (K = 1: W itself)
    Py_ssize_t m            # the working set's columns (groups: laid out by _glm_select)
    pen_t rank_pen          # the ranking's key (L1 f1_j - mag_j) / ||x_j|| (groups: omega_g
    design_t groups_view    # and ||X_c,g||_F, one "column" per group)
    glm_info_t *out
    const glm_pen_t *carry    # the entry's penalty with the carried products, for the
    bint carry_first          # first check only (then NULL / False)


cdef glm_info_t _glm_solve(const design_t *D, double *W, double *b, double *eta,
                           const glm_loss_t *L, const glm_pen_t *P, bint fit_intercept,
                           double tol_abs, Py_ssize_t max_newton, Py_ssize_t max_epochs,
                           Py_ssize_t p0, double l1_prev, workspace_t *wk, glm_bufs_t *bf,
                           uint64_t *rng, floating *tag) noexcept nogil:
    """n F(W, b) over every feature of D, from the warm start, for the loss L.

    The outer loop is ``_outer_solve`` (active_set.pxi) with this plug-in: one
    pass over X per predictor gives the full duality gap, the gap-safe
    screening of whole features or groups (Ndiaye et al. 2017; the dual is
    modulus / max(s) strongly concave; none when modulus is 0) and the ranking
    by distance to the dual constraint (mag_j against L1 f1_j); the proximal
    Newton loop then runs on the working set only.  A set that no candidate
    outside violates is solved to the final tolerance at once; otherwise to
    GLM_INNER_RATIO x the gap.  The solve also ends when the gap no longer
    falls (STALL_GAP: at the rounding floor of F, for a tol below it; the
    caller warns).  W is p x K F-ordered, eta n x K; wk provides cand, ws,
    keys and corr[0] (the magnitudes).
    """
    cdef glm_info_t out
    cdef glm_outer_t pb
    cdef outer_t A
    cdef Py_ssize_t p = D.p, K = L.K, j, k, n_cand = 0
    cdef floating *tmp = <floating *>bf.own
    cdef glm_pen_t Pm = P[0]    # the penalty without the carried products (every check
    Pm.carry_known = NULL       # but the first, the Newton blocks)
    Pm.carry_corr = NULL
    Pm.carry_todo = NULL
    Pm.carry_in = False
    memset(&out, 0, sizeof(glm_info_t))
    memset(&pb, 0, sizeof(glm_outer_t))
    if P.carry_known != NULL and P.carry_in and K == 1 and P.grp == NULL:
        pb.carry = P
        pb.carry_first = True
    pb.D = D
    pb.W = W
    pb.b = b
    pb.eta = eta
    pb.L = L
    pb.P = &Pm
    pb.fit_intercept = fit_intercept
    pb.max_newton = max_newton
    pb.max_epochs = max_epochs
    pb.wk = wk
    pb.bf = bf
    pb.rng = rng
    pb.out = &out
    pb.rank_pen.l1 = P.l1
    if P.grp != NULL:
        pb.rank_pen.f1 = P.grp.weight
        pb.groups_view = D[0]
        pb.groups_view.col_sqnorm = P.grp.lmax
        pb.groups_view.p = P.grp.n_groups
        # groups whose centred columns are all 0 carry no signal
        for j in range(P.grp.n_groups):
            if P.grp.lmax[j] > 0.0:
                wk.cand[n_cand] = j
                n_cand += 1
            else:
                for k in range(_gsize(P.grp, j)):
                    _drop_feature(D, _gcol(P.grp, j, k), W, eta, K, tmp)
    else:
        pb.rank_pen.f1 = P.f1
        # columns that are constant (after centring) or empty carry no signal
        for j in range(p):
            if D.col_sqnorm[j] > 0.0 and (P.excluded == NULL or not P.excluded[j]):
                wk.cand[n_cand] = j
                n_cand += 1
            else:
                _drop_feature(D, j, W, eta, K, tmp)
    _outer_init(&A, OUTER_GLM, &pb, wk, P.l1, l1_prev, tol_abs, GLM_INNER_RATIO, p0)
    A.n_cand = n_cand
    A.stall = STALL_GAP
    A.screening = L.modulus > 0.0    # (no sphere without a strongly concave dual)
    A.final_if_no_violator = True
    _outer_solve(&A, tag)
    out.n_screened = A.n_screened
    out.kkt = _glm_kkt_bound(&A, &pb, tag) if P.want_kkt and not A.abort else NAN
    if P.carry_known != NULL:
        # for the next solve at this eta: the last check's products (the result's)
        memset(P.carry_known, 0, p)
        if not A.abort and K == 1 and P.grp == NULL:
            for k in range(A.n_cand):
                j = wk.cand[k]
                P.carry_known[j] = 1
                P.carry_corr[j] = bf.corr_full[j]
    return out


cdef void _glm_check(outer_t *A, glm_outer_t *pb, floating *tag) noexcept nogil:
    cdef glm_bufs_t *bf = pb.bf
    if pb.carry_first:      # the previous solve's products at this eta: the others only
        pb.g = _glm_gap(pb.D, pb.wk.cand, A.n_cand, pb.W, pb.D.p, pb.eta, pb.L, pb.carry,
                        pb.fit_intercept, <floating *>bf.own, bf.a, bf.th, bf.corr_full,
                        pb.D.p, pb.wk.corr[0], NAN, NULL, False)
        pb.out.pass_entries += _glm_pass_entries(pb.D, pb.carry.carry_todo, pb.g.n_todo)
        pb.carry_first = False
    else:
        pb.g = _glm_gap(pb.D, pb.wk.cand, A.n_cand, pb.W, pb.D.p, pb.eta, pb.L, pb.P,
                        pb.fit_intercept, <floating *>bf.own, bf.a, bf.th, bf.corr_full,
                        pb.D.p, pb.wk.corr[0], NAN, NULL, False)
        if pb.P.grp == NULL:    # (a diagnostic: with groups the candidates are groups)
            pb.out.pass_entries += _glm_pass_entries(pb.D, pb.wk.cand, A.n_cand) * pb.L.K
    pb.out.gap = pb.g.gap
    pb.out.primal = pb.g.primal
    A.gap = pb.g.gap
    A.primal = pb.g.primal
    A.rnd = 0.0
    A.exhausted = pb.out.n_newton >= pb.max_newton


cdef Py_ssize_t _glm_screen(outer_t *A, glm_outer_t *pb, floating *tag) noexcept nogil:
    """Gap-safe sphere: ||theta - theta*|| <= sqrt(2 gap s_max / modulus), so
    t mag_j + radius ||x_j|| < L1 f1_j proves feature j zero at the optimum
    (groups: the Frobenius norm of X_c,g, which bounds its spectral norm, and
    L1 omega_g); such candidates are zeroed and leave wk.cand."""
    cdef const design_t *D = pb.D
    cdef const grp_t *G = pb.P.grp
    cdef workspace_t *wk = pb.wk
    cdef double *mag = wk.corr[0]
    cdef floating *tmp = <floating *>pb.bf.own
    cdef double r2 = 2.0 * (pb.g.gap if pb.g.gap > 0.0 else 0.0) * pb.L.s_max / pb.L.modulus
    cdef double radius = sqrt(r2), room
    cdef Py_ssize_t c, j, k, m = 0, K = pb.L.K
    cdef bint keep_bound = pb.P.want_kkt
    cdef double l1 = A.l1, scale = pb.g.scale      # (hoisted: read once per check)
    cdef const double *f1 = pb.P.f1
    cdef double *W = pb.W
    if G != NULL:
        for c in range(A.n_cand):
            j = wk.cand[c]
            if mag[j] * pb.g.scale + radius * sqrt(G.lmax[j]) < A.l1 * _gweight(G, j):
                for k in range(_gsize(G, j)):
                    _drop_feature(D, _gcol(G, j, k), pb.W, pb.eta, 1, tmp)
                continue
            wk.cand[m] = j
            m += 1
        return m
    # the test t mag_j + r ||x_j|| < L1 f1_j without a square root: the room
    # L1 f1_j - t mag_j must be positive and exceed r ||x_j||; this loop runs over
    # every candidate at every check, so it is kept free of sqrt and calls
    for c in range(A.n_cand):
        j = wk.cand[c]
        room = l1 * (1.0 if f1 == NULL else f1[j]) - mag[j] * scale
        if room > 0.0 and r2 * D.col_sqnorm[j] < room * room:
            if (W[j] != 0.0 if K == 1 else _row_nonzero(W, j, D.p, K)):
                _drop_feature(D, j, W, pb.eta, K, tmp)
            if keep_bound:
                # for ``_glm_kkt_bound``: |x_c,j.Theta*| <= this (Theta* the dual optimum)
                mag[j] = mag[j] * pb.g.scale + radius * sqrt(D.col_sqnorm[j])
            continue
        wk.cand[m] = j
        m += 1
    return m


cdef inline double _kkt_entry(const glm_pen_t *P, Py_ssize_t j, double w,
                              double xt_theta) noexcept nogil:
    """Feature j's KKT violation in n F units, g = -x_j.theta + L2 f2_j w: |g + L1 f1_j
    sign(w)| if w != 0, else |g| - L1 f1_j (negative: satisfied with room)."""
    if w != 0.0:
        return fabs(-xt_theta + P.l2 * _f2(P, j) * w + copysign(P.l1 * _f1(P, j), w))
    return fabs(xt_theta) - P.l1 * _f1(P, j)


cdef double _glm_kkt_bound(outer_t *A, glm_outer_t *pb, floating *tag) noexcept nogil:
    """The KKT violation of the result (F's 1/n scaling), from the solve's last
    check, without a full pass over X; NaN where it is not formed
    (not the binomial, Poisson or Gamma loss with a float64 design and an entrywise
    penalty without limits or unpenalized features: the caller then makes the pass).

    The quantity bounded is the one ``LogisticProblem.kkt_violation`` computes:
    with the raw negative gradient theta_i = s_i y_i sigmoid(-y_i eta_i) (Poisson
    s_i (y_i - exp(eta_i)), Gamma s_i (y_i exp(-eta_i) - 1)), g_j =
    -x_j.theta / n + l2 f2_j w_j (uncentred x_j), the violation of feature j is
    |g_j + l1 f1_j sign(w_j)| if w_j != 0, else (|g_j| - l1 f1_j)_+, and with an
    intercept also |sum_i theta_i| / n.  The last check (at the result: the outer
    loop stops right after a check) holds c_j = x_c,j.theta' for every candidate, at
    its dual point theta' (theta shrunk on one label group to sum to 0 when there is
    an intercept), so x_j.theta = c_j + m_j S + e_j with S = sum theta and |e_j| <=
    ||x_c,j|| ||theta - theta'|| (Cauchy-Schwarz).  A feature screened at a check of
    gap G_s, scale t_s and radius r_s stored u_j = t_s |x_c,j.theta'_s| + r_s ||x_c,j||
    >= |x_c,j.Theta*| (the gap-safe sphere around the dual optimum Theta*); the last
    check's feasible point t theta' lies within r = sqrt(2 G s_max / modulus) of
    Theta* too, so |x_c,j.theta'| <= (u_j + r ||x_c,j||) / t.  Empty (centred)
    columns have x_c,j = 0 and excluded features no condition.  These bounds are
    loose (by about r ||x_c,j||, of order sqrt(gap), for a screened feature), so they
    only decide which products to skip: every feature whose upper bound exceeds a
    known violation (a candidate's c_j - ||e_j|| bound, or an exact one) gets its exact
    product x_c,j.theta (one column each, counted in ``kkt_columns``).  The log-link
    losses screen nothing (modulus 0): their non-candidates are empty or excluded
    columns, and their theta' is theta with the intercept's scaling of mu.  The value
    returned is thus the exact largest violation, as the full pass would give it, up
    to the rounding of the sums (not bounded, as in the Python pass it replaces).
    """
    cdef const design_t *D = pb.D
    cdef const glm_pen_t *P = pb.P
    cdef const glm_loss_t *L = pb.L
    cdef const double *th = pb.bf.th
    cdef const double *corr = pb.bf.corr_full
    cdef const double *mag = pb.wk.corr[0]
    cdef Py_ssize_t i, j, c, n = D.n, p = D.p
    cdef double S = 0.0, dsq = 0.0, v, xn, err, viol, worst, radius, t
    cdef double *hi
    cdef floating *theta_col
    if floating is not double:
        return NAN      # (the float32 pass's rounding is not bounded here)
    if (L.K != 1 or not (L.kind == LOSS_BINOMIAL or L.kind == LOSS_POISSON
                         or L.kind == LOSS_GAMMA)
            or P.grp != NULL or P.fr != NULL or P.lo != NULL or not pb.g.scale > 0.0
            or n == 0):
        return NAN
    theta_col = <floating *>pb.bf.own
    for i in range(n):
        if L.kind == LOSS_BINOMIAL:
            v = L.s[i] * L.y[i] * pz_sigmoid(-L.y[i] * pb.eta[i])
        elif L.kind == LOSS_POISSON:
            v = L.s[i] * (L.y[i] - exp(pb.eta[i]))
        else:
            v = L.s[i] * (L.y[i] * exp(-pb.eta[i]) - 1.0)
        theta_col[i] = <floating>v      # the raw theta, for the exact products below
        S += v
        dsq += (v - th[i]) * (v - th[i])
    # hi[j]: an upper bound on feature j's violation (-inf: known exactly, in worst)
    hi = pb.bf.nz_row       # (scratch: only K > 1 uses it otherwise)
    worst = fabs(S) if pb.fit_intercept else 0.0
    # (no sphere without a strongly concave dual: nothing was screened then)
    radius = (sqrt(2.0 * (pb.g.gap if pb.g.gap > 0.0 else 0.0) * L.s_max / L.modulus)
              if L.modulus > 0.0 else INFINITY)
    t = pb.g.scale
    for j in range(p):      # at 0 and not candidates: screened, empty or excluded
        xn = sqrt(D.col_sqnorm[j])
        hi[j] = ((mag[j] + radius * xn) / t + xn * sqrt(dsq) if xn > 0.0 else 0.0)
        if pb.fit_intercept:
            hi[j] += fabs(D.x_mean[j] * S)
        hi[j] -= P.l1 * _f1(P, j)
        if P.excluded != NULL and P.excluded[j]:
            hi[j] = -INFINITY
    for c in range(A.n_cand):   # the candidates: c_j from the last check, within err
        j = pb.wk.cand[c]
        err = sqrt(D.col_sqnorm[j]) * sqrt(dsq)
        viol = _kkt_entry(P, j, pb.W[j],
                          corr[j] + (D.x_mean[j] * S if pb.fit_intercept else 0.0))
        hi[j] = viol + err if err > 0.0 else -INFINITY
        if viol - err > worst:
            worst = viol - err      # (a lower bound on the largest violation)
    for j in range(p):
        if hi[j] > worst:       # could be the largest: its exact product
            pb.out.kkt_columns += 1
            viol = _kkt_entry(P, j, pb.W[j], _centred_wdot(D, j, theta_col, S)
                              + (D.x_mean[j] * S if pb.fit_intercept else 0.0))
            if viol > worst:
                worst = viol
    return worst / n


cdef bint _glm_support(outer_t *A, glm_outer_t *pb, bint strong_rule, Py_ssize_t *counts,
                       floating *tag) noexcept nogil:
    """The non-zero indicator of each candidate (rows of W; groups), then the counts."""
    cdef const grp_t *G = pb.P.grp
    cdef workspace_t *wk = pb.wk
    cdef double *nz
    cdef double wsq
    cdef Py_ssize_t c, j, k, p = pb.D.p
    if G != NULL:
        nz = pb.bf.gb.gnz
        for c in range(A.n_cand):
            j = wk.cand[c]
            wsq = 0.0
            for k in range(_gsize(G, j)):
                wsq += pb.W[_gcol(G, j, k)] * pb.W[_gcol(G, j, k)]
            nz[j] = 1.0 if wsq > 0.0 else 0.0
    elif pb.L.K == 1:
        nz = pb.W        # the ranking looks for non-zeros: W itself will do
    else:
        nz = pb.bf.nz_row
        for c in range(A.n_cand):
            j = wk.cand[c]
            nz[j] = 1.0 if _row_nonzero(pb.W, j, p, pb.L.K) else 0.0
    pb.nz = nz
    _support_counts(wk.cand, A.n_cand, nz, wk.corr[0], pb.rank_pen.f1, A.l1, A.l1_prev,
                    strong_rule, True, counts)
    return strong_rule


cdef Py_ssize_t _glm_select(outer_t *A, glm_outer_t *pb, Py_ssize_t size,
                            Py_ssize_t *viol_ws, floating *tag) noexcept nogil:
    """The working set by the core's ranking; unpenalized features join it; with
    groups, their columns are laid out as the Newton block (wk.ws[0..m) group
    after group, bf.gb.blk their grouping).  Returns the candidates chosen."""
    cdef workspace_t *wk = pb.wk
    cdef Py_ssize_t ng
    if pb.P.grp == NULL:
        ng = _select_working_set(pb.D, pb.nz, wk.cand, A.n_cand, wk.corr[0], pb.nz,
                                 pb.g.scale, &pb.rank_pen, size, wk)
        if pb.P.fr != NULL:
            ng = _add_free_features(pb.P.fr, wk.ws, ng)
        viol_ws[0] = _count_violators(wk.ws, ng, wk.corr[0], pb.P.f1, A.l1)
        pb.m = ng
        return ng
    ng = _select_working_set(&pb.groups_view, pb.nz, wk.cand, A.n_cand, wk.corr[0], pb.nz,
                             pb.g.scale, &pb.rank_pen, size, wk)
    viol_ws[0] = _count_violators(wk.ws, ng, wk.corr[0], pb.P.grp.weight, A.l1)
    pb.m = _glm_group_layout(pb.P.grp, pb.P.fr, ng, wk, pb.bf.gb)
    return ng


cdef Py_ssize_t _glm_group_layout(const grp_t *G, const glm_free_t *F, Py_ssize_t ng,
                                  workspace_t *wk, glm_grp_bufs_t *gb) noexcept nogil:
    """The working groups wk.ws[0..ng) as the block's columns: wk.ws[0..m) group
    after group, gb.blk their grouping (weights, offsets of the eigenvectors);
    the unpenalized features (F, NULL: none) last, as the block's unpenalized
    group (weight 0).  Returns m."""
    cdef Py_ssize_t q, g, k, m = 0, off = 0, mmax = 1
    for q in range(ng):
        gb.sel[q] = wk.ws[q]
    gb.ptr[0] = 0
    for q in range(ng):
        g = gb.sel[q]
        for k in range(_gsize(G, g)):
            wk.ws[m] = _gcol(G, g, k)
            m += 1
        gb.ptr[q + 1] = m
        gb.weight[q] = _gweight(G, g)
        gb.qoff[q] = off
        off += _gsize(G, g) * _gsize(G, g)
        if _gsize(G, g) > mmax:
            mmax = _gsize(G, g)
    gb.blk.n_free = 0
    if F != NULL and F.m > 0:
        for k in range(F.m):
            wk.ws[m] = F.idx[k]
            m += 1
        gb.ptr[ng + 1] = m
        gb.weight[ng] = 0.0
        gb.qoff[ng] = off
        if F.m > mmax:
            mmax = F.m
        memset(gb.free_flag, 0, ng + 1)
        gb.free_flag[ng] = 1
        gb.blk.n_free = 1
        gb.blk.free_g = ng
        gb.blk.free_flag = gb.free_flag
        ng += 1
    gb.blk.n_groups = ng
    gb.blk.max_size = mmax
    return m


cdef void _glm_inner(outer_t *A, glm_outer_t *pb, double inner_tol,
                     floating *tag) noexcept nogil:
    """Proximal Newton on the working set's columns (copied out as a block, with
    the block's penalty factors, limits and unpenalized features) to inner_tol."""
    cdef const design_t *D = pb.D
    cdef const glm_pen_t *P = pb.P
    cdef workspace_t *wk = pb.wk
    cdef glm_bufs_t *bf = pb.bf
    cdef glm_info_t *out = pb.out
    cdef glm_info_t inner
    cdef Py_ssize_t m = pb.m, K = pb.L.K, p = D.p, n = D.n, c, k
    cdef design_t B
    cdef glm_pen_t Pb = P[0]    # the penalty on a block: the block's factors
    cdef glm_free_t fr_blk      # and its unpenalized features
    cdef workspace_t wb
    memset(&B, 0, sizeof(design_t))
    memset(&wb, 0, sizeof(workspace_t))
    Pb.excluded = NULL
    if P.grp != NULL:
        Pb.grp = &bf.gb.blk
    if not (_glm_bufs_reserve(bf, m, K, K * K if P.group else K, sizeof(floating))
            and _copy_columns(D, wk.ws, m, &B, tag)
            and (pb.L.kind == LOSS_MULTINOMIAL or
                 _workspace_alloc(&wb, m, n, sizeof(floating), True, True, True,
                                  1000, True, True, False))):
        _free_columns(&B)
        _workspace_free(&wb, True)
        out.out_of_memory = True
        A.abort = True
        return
    for k in range(K):
        for c in range(m):
            bf.w[c + k * m] = pb.W[wk.ws[c] + k * p]
    Pb.f1 = NULL if P.f1 == NULL else bf.f1b
    Pb.f2 = NULL if P.f2 == NULL else bf.f2b
    Pb.lo = NULL if P.lo == NULL else bf.lob
    Pb.hi = NULL if P.hi == NULL else bf.hib
    if P.fr != NULL:
        # the block's free list: U's positions among the working set (with groups,
        # the block's last columns: see _glm_group_layout)
        fr_blk = P.fr[0]
        fr_blk.m = 0
        for c in range(m):
            if (c >= m - P.fr.m if P.grp != NULL else _f1(P, wk.ws[c]) == 0.0):
                fr_blk.blk[fr_blk.m] = c
                fr_blk.m += 1
        fr_blk.idx = fr_blk.blk
        Pb.fr = &fr_blk
    for c in range(m):
        bf.f1b[c] = _f1(P, wk.ws[c])
        bf.f2b[c] = _f2(P, wk.ws[c])
        if P.lo != NULL:
            bf.lob[c] = P.lo[wk.ws[c]]
            bf.hib[c] = P.hi[wk.ws[c]]
    inner = _prox_newton(&B, bf.w, pb.b, pb.eta, pb.L, &Pb, pb.fit_intercept, inner_tol,
                         pb.max_newton - out.n_newton, pb.max_epochs, bf, &wb, pb.rng, tag)
    for k in range(K):
        for c in range(m):
            pb.W[wk.ws[c] + k * p] = bf.w[c + k * m]
    _free_columns(&B)
    _workspace_free(&wb, True)
    out.n_newton += inner.n_newton if inner.n_newton > 0 else 1
    out.n_epochs += inner.n_epochs
    if inner.interrupted:
        out.interrupted = True
        A.abort = True


def _check_glm_arrays(Design design, Py_ssize_t K, W, b, eta, s, labels, double L1,
                      double L2, Py_ssize_t max_newton, Py_ssize_t max_epochs, Py_ssize_t p0,
                      str name):
    cdef design_t *D = &design.d
    if design.storage == "gram" or design.sample_weight is not None:
        raise ValueError(f"{name}: raw X without sample weights is required")
    if (W.shape[0] != D.p or W.shape[1] != K or b.shape[0] != K or eta.shape[0] != D.n
            or eta.shape[1] != K or s.shape[0] != D.n or labels.shape[0] != D.n):
        raise ValueError(f"{name}: array lengths do not match the design")
    if L1 < 0 or L2 < 0 or max_newton < 0 or max_epochs < 0 or p0 < 1:
        raise ValueError(f"{name}: invalid penalties or limits")


def logistic_binary_solve(Design design, double[::1] w, double[::1] b, double[::1] eta,
                          const double[::1] y, const double[::1] s, double L1, double L2,
                          double tol_abs, Py_ssize_t max_newton=100,
                          Py_ssize_t max_epochs=10000, Py_ssize_t p0=10, double l1_prev=0.0,
                          l1_weights=None, l2_weights=None, excluded=None, offset=None,
                          groups=None, lower_bounds=None, upper_bounds=None, n_threads=1,
                          bint kkt=False, carry=None, bint carry_in=False):
    """Minimise the binary logistic n F(w, b) natively, in place (see ``_glm_solve``).

    ``design``: Design(X, None, fit_intercept) of raw X (no sample weights;
    they are ``s``, summing to n); its dtype is the precision of the Newton
    models.  w (p,), b (1,) and eta = X w + b (n,) are the warm start and are
    updated in place; y in {-1, +1}.  L1, L2 are the unscaled penalties
    n alpha l1_ratio and n alpha (1 - l1_ratio); tol_abs bounds the gap of n F.
    ``l1_prev`` (> L1) is the previous L1 of a path: the first working set is
    then the sequential strong set.  ``l1_weights``, ``l2_weights`` (p,)
    float64 > 0: per-feature factors f1, f2 of L1 and L2 (see ``glm_pen_t``);
    ``excluded`` (p,) bool: features kept at 0; ``offset`` (n,) float64: the
    fixed part of eta (eta on entry must include it); ``lower_bounds``,
    ``upper_bounds`` (p,) float64 (lo <= 0 <= hi, infinite allowed; both or
    neither): glmnet's limits lo_j <= w_j <= hi_j (the warm start must meet them).  ``groups``:
    (group_ptr, group_cols, group_weights) as for :func:`group_enet_solve`:
    the L1 term becomes L1 sum_g omega_g ||w_g||_2 (without factors).
    ``n_threads``: threads of the gap's X^T Theta pass (without groups; see
    ``penalized._core.resolve_threads``): the same bits for any value.
    Returns dict(gap, primal, n_iter (Newton iterations), n_epochs,
    n_screened, n_threaded (the X^T Theta passes that ran on more than one thread),
    kkt (with ``kkt=True``: the result's KKT violation in F's 1/n scaling, from the last
    check and a few columns instead of a full pass, see ``_glm_kkt_bound``; NaN without
    ``kkt``, with a float32 design, groups, limits or unpenalized features), kkt_columns
    (the columns it read)), gap and primal in n F units.
    ``carry``: None, or (known, corr), (p,) int8 and (p,) float64 arrays a path keeps
    from one solve to the next: on return known[j] = 1 and corr[j] = x_c,j.theta for the
    features of the last check (theta the dual point at the returned eta; no groups).
    With ``carry_in`` they must be the previous solve's, at the eta passed in now (the
    same w, b, eta, sample weights and offset): the first check then reads only the
    other columns.  (The KKT value, ``kkt``, is not needed along a path.)
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t n = D.n, p = D.p
    _check_glm_arrays(design, 1, np.asarray(w).reshape(-1, 1), b,
                      np.asarray(eta).reshape(-1, 1), s, y, L1, L2, max_newton, max_epochs,
                      p0, "logistic_binary_solve")
    cdef glm_loss_t loss
    memset(&loss, 0, sizeof(glm_loss_t))
    loss.kind = LOSS_BINOMIAL
    loss.n = n
    loss.K = 1
    loss.y = &y[0] if n else NULL
    loss.s = &s[0] if n else NULL
    loss.s_max = float(np.max(s)) if n else 1.0
    loss.modulus = 4.0      # a log a + (1 - a) log(1 - a) is 4-strongly convex
    return _glm_entry(D, &loss, &w[0] if p else NULL, &b[0], &eta[0] if n else NULL,
                      L1, L2, False, tol_abs, max_newton, max_epochs, p0, l1_prev,
                      design.dtype, l1_weights, l2_weights, excluded, offset, groups,
                      lower_bounds, upper_bounds, n_threads, kkt, carry, carry_in)


def multinomial_solve(Design design, double[::1, :] W, double[::1] b, double[::1, :] eta,
                      const Py_ssize_t[::1] codes, const double[::1] s, double L1, double L2,
                      double tol_abs, bint group=False, Py_ssize_t max_newton=100,
                      Py_ssize_t max_epochs=10000, Py_ssize_t p0=10, double l1_prev=0.0,
                      l1_weights=None, l2_weights=None, excluded=None, offset=None,
                      lower_bounds=None, upper_bounds=None, n_threads=1):
    """Minimise the softmax n F(W, b) natively, in place (see ``_glm_solve``).

    As ``logistic_binary_solve`` with K = W.shape[1] >= 2 classes: W (p, K) and
    eta = X W + b (n, K) F-ordered float64, b (K,), ``codes`` the class of
    each sample in [0, K).  ``group``: L1 on the rows ||W_j||_2 instead of
    entrywise.  ``l1_weights``, ``l2_weights``, ``excluded``, ``offset`` ((n, K)) and the
    limits (per feature, for every class; entrywise penalty only) and ``n_threads`` as in
    ``logistic_binary_solve``.  The intercepts are not normalised (softmax is invariant to a
    common shift; the caller centres them).
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t n = D.n, p = D.p, K = W.shape[1], i
    if K < 2 or K > 64:
        raise ValueError("multinomial_solve: between 2 and 64 classes are supported")
    _check_glm_arrays(design, K, W, b, eta, s, codes, L1, L2, max_newton, max_epochs, p0,
                      "multinomial_solve")
    codes_a = np.asarray(codes)
    if n and (codes_a.min() < 0 or codes_a.max() >= K):
        raise ValueError("multinomial_solve: codes must lie in [0, K)")
    class_weight = np.bincount(codes_a, weights=np.asarray(s), minlength=K).astype(np.float64)
    cdef double[::1] cw = class_weight
    cdef glm_loss_t loss
    memset(&loss, 0, sizeof(glm_loss_t))
    loss.kind = LOSS_MULTINOMIAL
    loss.n = n
    loss.K = K
    loss.codes = &codes[0] if n else NULL
    loss.class_weight = &cw[0]
    loss.s = &s[0] if n else NULL
    loss.s_max = float(np.max(s)) if n else 1.0
    loss.modulus = 1.0      # sum_k a_k log a_k is 1-strongly convex on the simplex
    return _glm_entry(D, &loss, &W[0, 0] if p else NULL, &b[0], &eta[0, 0] if n else NULL,
                      L1, L2, group, tol_abs, max_newton, max_epochs, p0, l1_prev,
                      design.dtype, l1_weights, l2_weights, excluded, offset, None,
                      lower_bounds, upper_bounds, n_threads)


def log_link_solve(Design design, double[::1] w, double[::1] b, double[::1] eta,
                   const double[::1] y, const double[::1] s, const double[::1] sat,
                   str family, double L1, double L2, double tol_abs,
                   Py_ssize_t max_newton=100, Py_ssize_t max_epochs=10000, Py_ssize_t p0=10,
                   double l1_prev=0.0, l1_weights=None, l2_weights=None, excluded=None,
                   offset=None, groups=None, lower_bounds=None, upper_bounds=None,
                   n_threads=1, bint kkt=False):
    """Minimise the Poisson or Gamma (log link) n F(w, b) natively, in place.

    As ``logistic_binary_solve``, with ``family`` 'poisson' (f_i(eta) =
    exp(eta) - y_i eta, y >= 0) or 'gamma' (f_i(eta) = y_i exp(-eta) + eta,
    y > 0); ``sat`` (n,) the minimum of each f_i over eta (Poisson y - y log y,
    Gamma 1 + log y), subtracted from every f_i: F is then the half deviance
    plus the penalty, with the same minimiser and gap.  The dual is not
    strongly concave (its curvature 1 / B vanishes as B grows): no gap-safe
    screening, the strong rule and the gap's check still run.  ``groups``, the
    limits, ``n_threads`` and ``kkt`` as in ``logistic_binary_solve``.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t n = D.n, p = D.p
    _check_glm_arrays(design, 1, np.asarray(w).reshape(-1, 1), b,
                      np.asarray(eta).reshape(-1, 1), s, y, L1, L2, max_newton, max_epochs,
                      p0, "log_link_solve")
    if sat.shape[0] != n:
        raise ValueError("log_link_solve: sat must have one value per sample")
    cdef glm_loss_t loss
    memset(&loss, 0, sizeof(glm_loss_t))
    if family == "poisson":
        loss.kind = LOSS_POISSON
    elif family == "gamma":
        loss.kind = LOSS_GAMMA
    else:
        raise ValueError(f"log_link_solve: unknown family {family!r}")
    loss.n = n
    loss.K = 1
    loss.y = &y[0] if n else NULL
    loss.sat = &sat[0] if n else NULL
    loss.s = &s[0] if n else NULL
    loss.s_max = float(np.max(s)) if n else 1.0
    loss.modulus = 0.0
    cdef double[::1] log_y
    cdef Py_ssize_t i
    if loss.kind == LOSS_GAMMA and n:
        # once per solve, by libm (the conjugate's own log: the same bits)
        log_y = np.empty(n)
        for i in range(n):
            log_y[i] = log(y[i])
        loss.log_y = &log_y[0]
    return _glm_entry(D, &loss, &w[0] if p else NULL, &b[0], &eta[0] if n else NULL,
                      L1, L2, False, tol_abs, max_newton, max_epochs, p0, l1_prev,
                      design.dtype, l1_weights, l2_weights, excluded, offset, groups,
                      lower_bounds, upper_bounds, n_threads, kkt)


cdef list _glm_group_setup(design_t *D, Py_ssize_t K, glm_pen_t *pen, grp_t *full,
                          glm_grp_bufs_t *gb, groups, dtype, Py_ssize_t n_free_cols):
    """Point ``pen`` at the full design's groups and ``gb`` at the block buffers;
    returns the arrays that must outlive the solve.  The groups partition the
    features but the ``n_free_cols`` unpenalized ones (see _split_free_group),
    which the blocks lay out as one more group."""
    if K != 1:
        raise ValueError("user-defined groups need a single linear predictor (K = 1)")
    if pen.f1 != NULL or pen.f2 != NULL or pen.excluded != NULL:
        raise ValueError("groups do not combine with per-feature factors or exclusions")
    ptr = np.ascontiguousarray(groups[0], dtype=np.intp)
    cols = np.ascontiguousarray(groups[1], dtype=np.intp)
    weights = np.ascontiguousarray(groups[2], dtype=np.float64)
    cdef Py_ssize_t p = D.p, n = D.n, G = ptr.shape[0] - 1, q = p - n_free_cols
    if (G < 1 or cols.shape != (q,) or ptr[0] != 0 or ptr[G] != q or weights.shape != (G,)
            or np.any(np.diff(ptr) < 1) or np.unique(cols).shape != (q,)
            or (q and (cols.min() < 0 or cols.max() >= p))
            or not np.all(weights > 0) or not np.all(np.isfinite(weights))):
        raise ValueError("groups must partition the features, with finite weights > 0 "
                         "(one group of weight 0 at most: the unpenalized one)")
    sizes = np.diff(ptr)
    sq = np.asarray(<double[:p]>D.col_sqnorm) if p else np.zeros(0)
    frob = np.add.reduceat(sq[cols], ptr[:G]).astype(np.float64)
    if len(groups) > 3 and groups[3] is not None:
        # excluded groups: as if their centred columns were 0, never candidates (kept at 0)
        frob[np.asarray(groups[3], dtype=bool)] = 0.0
    mmax = max(int(sizes.max()), n_free_cols)
    # (the block's groups: the selected ones, and the unpenalized one, G + 1 at most)
    bufs = dict(ptr=np.zeros(G + 2, dtype=np.intp), ident=np.arange(p, dtype=np.intp),
                weight=np.zeros(G + 1), lmax=np.zeros(G + 1), values=np.zeros(p),
                vectors=np.zeros(int(np.sum(sizes * sizes)) + n_free_cols ** 2 + 1),
                qoff=np.zeros(G + 1, dtype=np.intp),
                work=np.zeros(3 * mmax + 1), col=np.zeros(n + 1, dtype=dtype),
                solve_buf=np.zeros(4 * mmax + 8), nz=np.zeros(p + 1, dtype=dtype),
                sel=np.zeros(G, dtype=np.intp), gnz=np.zeros(G), aa_res=np.zeros(n + 1, dtype=dtype),
                aa_shift=np.zeros(1), ready=np.zeros(G + 1, dtype=np.int8),
                free_flag=np.zeros(G + 1, dtype=np.int8))
    memset(full, 0, sizeof(grp_t))
    full.n_groups = G
    full.max_size = mmax
    full.ptr = <const Py_ssize_t *>cnp.PyArray_DATA(ptr)
    full.cols = <const Py_ssize_t *>cnp.PyArray_DATA(cols)
    full.weight = <const double *>cnp.PyArray_DATA(weights)
    full.lmax = <const double *>cnp.PyArray_DATA(frob)
    pen.grp = full
    gb.ptr = <Py_ssize_t *>cnp.PyArray_DATA(bufs["ptr"])
    gb.ident = <Py_ssize_t *>cnp.PyArray_DATA(bufs["ident"])
    gb.weight = <double *>cnp.PyArray_DATA(bufs["weight"])
    gb.lmax = <double *>cnp.PyArray_DATA(bufs["lmax"])
    gb.values = <double *>cnp.PyArray_DATA(bufs["values"])
    gb.vectors = <double *>cnp.PyArray_DATA(bufs["vectors"])
    gb.qoff = <Py_ssize_t *>cnp.PyArray_DATA(bufs["qoff"])
    gb.work = <double *>cnp.PyArray_DATA(bufs["work"])
    gb.lwork = <int>(3 * mmax + 1)
    gb.col = cnp.PyArray_DATA(bufs["col"])
    gb.solve_buf = <double *>cnp.PyArray_DATA(bufs["solve_buf"])
    gb.nz = cnp.PyArray_DATA(bufs["nz"])
    gb.sel = <Py_ssize_t *>cnp.PyArray_DATA(bufs["sel"])
    gb.gnz = <double *>cnp.PyArray_DATA(bufs["gnz"])
    gb.free_flag = <char *>cnp.PyArray_DATA(bufs["free_flag"])
    gb.aa.res = cnp.PyArray_DATA(bufs["aa_res"])
    gb.aa.shift = <double *>cnp.PyArray_DATA(bufs["aa_shift"])
    gb.blk.ptr = gb.ptr
    gb.blk.cols = gb.ident
    gb.blk.weight = gb.weight
    gb.blk.lmax = gb.lmax
    gb.blk.eig = gb.values
    gb.blk.Q = gb.vectors
    gb.blk.qoff = gb.qoff
    gb.blk.eig_ready = <char *>cnp.PyArray_DATA(bufs["ready"])
    gb.blk.col = gb.col
    gb.blk.work = gb.work
    gb.blk.lwork = gb.lwork
    return [ptr, cols, weights, frob] + list(bufs.values())


def _split_free_group(groups, Py_ssize_t p):
    """(ptr, cols, weights) without its group of weight 0 (at most one), and the
    mask of that group's features (None: no such group)."""
    ptr = np.asarray(groups[0], dtype=np.intp)
    cols = np.asarray(groups[1], dtype=np.intp)
    weights = np.asarray(groups[2], dtype=np.float64)
    excluded = (np.zeros(weights.shape[0], dtype=bool) if len(groups) < 4 or groups[3] is None
                else np.asarray(groups[3], dtype=bool))
    zero = np.flatnonzero((weights == 0) & ~excluded)
    if zero.size == 0 or ptr.shape[0] != weights.shape[0] + 1:
        return groups, None
    if zero.size > 1:
        raise ValueError("groups: one unpenalized group (weight 0) at most; merge them")
    u = int(zero[0])
    mask = np.zeros(p, dtype=bool)
    members = cols[ptr[u]:ptr[u + 1]]
    if members.size and (members.min() < 0 or members.max() >= p):
        raise ValueError("groups must partition the features")
    mask[members] = True
    keep = np.r_[0:ptr[u], ptr[u + 1]:cols.shape[0]]
    sizes = np.delete(np.diff(ptr), u)
    return ((np.concatenate([[0], np.cumsum(sizes)]), cols[keep], np.delete(weights, u),
             np.delete(excluded, u)), mask)


cdef object _factor_free_mask(glm_pen_t *pen, Py_ssize_t p, excluded, lower_bounds,
                              upper_bounds):
    """The features with both penalty factors 0, not excluded (no limits allowed)."""
    f1 = np.asarray(<const double[:p]>pen.f1) if p else np.zeros(0)
    f2 = np.ones(p) if pen.f2 == NULL else np.asarray(<const double[:p]>pen.f2)
    live = np.ones(p, dtype=bool) if excluded is None else ~np.asarray(excluded, dtype=bool)
    zero = (f1 == 0) & live
    if np.any(zero != ((f2 == 0) & live)):
        raise ValueError("an unpenalized feature needs both factors 0 (l1_weights and "
                         "l2_weights)")
    if zero.any() and lower_bounds is not None:
        lo = np.asarray(lower_bounds, dtype=np.float64)
        hi = np.asarray(upper_bounds, dtype=np.float64)
        if np.any(zero & (np.isfinite(lo) | np.isfinite(hi))):
            raise ValueError("an unpenalized feature cannot have finite limits")
    return zero


cdef list _glm_free_setup(design_t *D, glm_loss_t *L, glm_pen_t *pen, glm_free_t *fr,
                          zero, Py_ssize_t isz):
    """The unpenalized features (the mask ``zero``) of the full design and their
    scratch; returns the arrays that must outlive the solve (none if there are none)."""
    cdef Py_ssize_t p = D.p, n = D.n, m, k
    sq = np.asarray(<double[:p]>D.col_sqnorm) if p else np.zeros(0)
    if not zero.any():
        return []
    # a column constant after centring carries nothing (it stays 0)
    idx = np.flatnonzero(zero & (sq > 0)).astype(np.intp)
    m = idx.shape[0]
    cdef Py_ssize_t K = L.K, q = (m + 1) * K     # the multinomial system's size bound
    bufs = [idx, np.zeros(n * m * isz + 8, dtype=np.uint8), np.zeros(n + 1),
            np.zeros(n * K + 1), np.zeros(max(m * m, q * q) + 1), np.zeros(max(m, q) + 1),
            np.zeros(m + 1), np.zeros(m * m + 1), np.zeros(m + 1),
            np.zeros(m + 1, dtype=np.intp), np.zeros(p + 1, dtype=np.int8), np.zeros(K + 1)]
    fr.m = m
    fr.idx = <const Py_ssize_t *>cnp.PyArray_DATA(bufs[0]) if m else NULL
    fr.cols = cnp.PyArray_DATA(bufs[1])
    fr.kappa = <double *>cnp.PyArray_DATA(bufs[2])
    fr.eta_v = <double *>cnp.PyArray_DATA(bufs[3])
    fr.gram = <double *>cnp.PyArray_DATA(bufs[4])
    fr.delta = <double *>cnp.PyArray_DATA(bufs[5])
    fr.mean = <double *>cnp.PyArray_DATA(bufs[6])
    fr.chol = <double *>cnp.PyArray_DATA(bufs[7])
    fr.buf = <double *>cnp.PyArray_DATA(bufs[8])
    fr.blk = <Py_ssize_t *>cnp.PyArray_DATA(bufs[9])
    fr.flags = <char *>cnp.PyArray_DATA(bufs[10])
    fr.row = <double *>cnp.PyArray_DATA(bufs[11])
    pen.fr = fr
    return bufs


cdef dict _glm_entry(design_t *D, glm_loss_t *L, double *W, double *b, double *eta,
                     double L1, double L2, bint group, double tol_abs,
                     Py_ssize_t max_newton, Py_ssize_t max_epochs, Py_ssize_t p0,
                     double l1_prev, dtype, l1_weights, l2_weights, excluded, offset,
                     groups=None, lower_bounds=None, upper_bounds=None, n_threads=1,
                     bint want_kkt=False, carry=None, bint carry_in=False):
    """Buffers, the nogil solve and its errors, for any loss (see ``_glm_solve``).

    ``groups``: None, or (group_ptr, group_cols, group_weights) as for
    :func:`group_enet_solve` (K = 1; no per-feature factors or exclusions then).
    ``lower_bounds``, ``upper_bounds``: None, or both (p,) with lo <= 0 <= hi; the
    warm start must lie in the box (entrywise penalty only).
    """
    cdef workspace_t wk
    cdef glm_bufs_t bf
    cdef grp_t full_groups
    cdef glm_grp_bufs_t gb
    cdef glm_info_t info
    cdef glm_pen_t pen
    cdef uint64_t rng = 88172645463325252ULL
    cdef Py_ssize_t n = D.n, p = D.p, threaded = 0
    cdef bint fit_intercept = D.x_mean != NULL
    cdef bint single = dtype == np.float32
    cdef Py_ssize_t isz = sizeof(float) if single else sizeof(double)
    memset(&pen, 0, sizeof(glm_pen_t))
    pen.l1 = L1
    pen.l2 = L2
    pen.group = group and L.K > 1
    pen.n_threads = resolve_threads(n_threads)
    pen.n_threaded = &threaded
    pen.want_kkt = want_kkt
    keep = []
    for name, a in (("l1_weights", l1_weights), ("l2_weights", l2_weights)):
        if a is not None:
            a = np.ascontiguousarray(a, dtype=np.float64)
            if a.shape != (p,) or not np.all(a >= 0) or not np.all(np.isfinite(a)):
                raise ValueError(f"{name} must be {p} finite factors >= 0")
            keep.append(a)
            if name == "l1_weights":
                pen.f1 = <const double *>cnp.PyArray_DATA(a)
            else:
                pen.f2 = <const double *>cnp.PyArray_DATA(a)
    if offset is not None:
        off = np.asfortranarray(offset, dtype=np.float64).reshape(-1, order="F")
        if off.size != n * L.K or not np.all(np.isfinite(off)):
            raise ValueError(f"offset must hold {n * L.K} finite values")
        keep.append(off)
        L.offset = <const double *>cnp.PyArray_DATA(off)
    if excluded is not None:
        ex = np.ascontiguousarray(excluded, dtype=np.int8)
        if ex.shape != (p,):
            raise ValueError(f"excluded must have shape ({p},)")
        keep.append(ex)
        pen.excluded = <const char *>cnp.PyArray_DATA(ex)
    cdef glm_free_t fr
    memset(&fr, 0, sizeof(glm_free_t))
    free_mask = None
    if groups is not None:
        groups, free_mask = _split_free_group(groups, p)
    if pen.f1 != NULL:
        if free_mask is not None:
            raise ValueError("groups do not combine with per-feature factors")
        free_mask = _factor_free_mask(&pen, p, excluded, lower_bounds, upper_bounds)
    if free_mask is not None:
        keep.extend(_glm_free_setup(D, L, &pen, &fr, free_mask, isz))
    if (lower_bounds is None) != (upper_bounds is None):
        raise ValueError("lower_bounds and upper_bounds go together (pass -inf / inf)")
    if lower_bounds is not None:
        lo = np.ascontiguousarray(lower_bounds, dtype=np.float64)
        hi = np.ascontiguousarray(upper_bounds, dtype=np.float64)
        if (lo.shape != (p,) or hi.shape != (p,) or np.isnan(lo).any() or np.isnan(hi).any()
                or np.any(lo > 0) or np.any(hi < 0)):
            raise ValueError(f"lower_bounds and upper_bounds must be {p} limits with "
                             "lower <= 0 <= upper")
        if groups is not None or pen.group:
            raise ValueError("limits need the entrywise penalty (no groups)")
        Wv = np.asarray(<double[:p * L.K]>W).reshape((p, L.K), order="F") if p else None
        if p and (np.any(Wv < lo[:, None]) or np.any(Wv > hi[:, None])):
            raise ValueError("the warm start lies outside lower_bounds / upper_bounds")
        keep.extend((lo, hi))
        pen.lo = <const double *>cnp.PyArray_DATA(lo)
        pen.hi = <const double *>cnp.PyArray_DATA(hi)
    memset(&gb, 0, sizeof(glm_grp_bufs_t))
    if groups is not None:
        keep.extend(_glm_group_setup(D, L.K, &pen, &full_groups, &gb, groups, dtype,
                                     0 if free_mask is None else int(free_mask.sum())))
    cdef Py_ssize_t *todo = NULL
    if carry is not None:
        known_a, corr_a = carry
        if (not isinstance(known_a, np.ndarray) or not isinstance(corr_a, np.ndarray)
                or known_a.dtype != np.int8 or corr_a.dtype != np.float64
                or known_a.shape != (p,) or corr_a.shape != (p,)
                or not known_a.flags.c_contiguous or not corr_a.flags.c_contiguous
                or not known_a.flags.writeable or not corr_a.flags.writeable):
            raise ValueError(f"carry must be two writeable contiguous ({p},) arrays, "
                             "int8 and float64")
        if L.K == 1 and groups is None:
            keep.extend((known_a, corr_a))
            pen.carry_known = <char *>cnp.PyArray_DATA(known_a)
            pen.carry_corr = <double *>cnp.PyArray_DATA(corr_a)
            pen.carry_in = carry_in
            todo = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
            if todo == NULL:
                raise MemoryError()
            pen.carry_todo = todo
    cdef bint ok = _workspace_alloc(&wk, p, n, isz, False, False, False, 0,
                                    False, False, False)
    ok = _glm_bufs_alloc(&bf, n, p, L.K, isz) and ok
    bf.gb = &gb
    try:
        if not ok:
            raise MemoryError()
        with nogil:
            if single:
                info = _glm_solve(D, W, b, eta, L, &pen, fit_intercept, tol_abs, max_newton,
                                  max_epochs, p0, l1_prev, &wk, &bf, &rng, <float *>NULL)
            else:
                info = _glm_solve(D, W, b, eta, L, &pen, fit_intercept, tol_abs, max_newton,
                                  max_epochs, p0, l1_prev, &wk, &bf, &rng, <double *>NULL)
    finally:
        _workspace_free(&wk, False)
        _glm_bufs_free(&bf)
        free(gb.aa.hist)
        free(todo)
    if info.out_of_memory:
        raise MemoryError()
    if info.interrupted:
        raise KeyboardInterrupt("coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_iter": info.n_newton,
            "n_epochs": info.n_epochs, "n_screened": info.n_screened, "n_threaded": threaded,
            "pass_entries": info.pass_entries, "kkt": info.kkt,
            "kkt_columns": info.kkt_columns}
