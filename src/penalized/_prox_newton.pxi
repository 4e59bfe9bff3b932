# Included by _core.pyx: proximal Newton for smooth losses on the solver above.
#
# Proximal Newton (Lee, Sun, Saunders 2014; glmnet's IRLS-CD, Friedman,
# Hastie, Tibshirani 2010; newGLMNET, Yuan, Ho, Lin 2012) for K linear
# predictors eta = X W + b (n x K, K = 1 for the binomial loss):
#
#     n F(W, b) = sum_i s_i f_i(eta_i) + L1 pen1(W) + L2/2 ||W||_F^2,
#
# s summing to n, pen1 the entrywise L1 norm or (``glm_pen_t.group``) the sum
# of the row norms ||W_j||_2 across the K predictors.  One driver
# (``_prox_newton``) serves every loss: each iteration builds the quadratic
# model of the loss at eta, minimises model + penalty by coordinate descent
# (``_newton_direction``), and backtracks on n F along the direction
# (``_line_search``, the one Armijo rule).  Around it, one outer working set
# (``_glm_solve``) with the duality gap of ``_glm_gap``.  The loss is a plug-in:
# ``glm_loss_t`` and the ``_loss_*`` functions below are all the driver knows
# of it; the model's solver depends only on the structure of the Hessian:
#   * a diagonal Hessian in eta (binomial, Poisson, Gamma): the model is a
#     weighted least-squares elastic net, handed to the core's ``_solve``;
#   * the softmax Hessian diag(p_i) - p_i p_i^T (multinomial): exact
#     coordinate descent on the coupled model (``_softmax_direction``), whose
#     partial derivatives are kept current through D = X dW + db and
#     q_i = p_i . D_i, so it is the true Newton model, not a per-class or a
#     majorized one (quadratic convergence near the optimum).
# The whole solve runs without the GIL.

DEF GLM_CURV_FLOOR = 1e-10    # floor on f'' in the quadratic model
DEF GLM_ARMIJO = 1e-4
DEF GLM_MAX_BACKTRACK = 30
DEF GLM_INNER_RATIO = 0.3     # a model is solved to this fraction of the current gap
DEF GLM_F_RESOLUTION = 1e-13  # relative rounding of F (a sum of n terms) in the line search
DEF GLM_STALL_CHECKS = 5      # outer checks without the gap falling below
DEF GLM_STALL_DECREASE = 0.99 # this fraction of its best value end the solve
DEF SOFTMAX_MODEL_WORK = 1e8   # a softmax model gets at most this many column-entry visits
DEF SOFTMAX_MODEL_EPOCHS = 5000  # (and between 100 and this many epochs)
DEF GLM_ETA_STEP_MAX = 20.0   # log-link losses: a step moves no eta_i by more than this

cdef enum:
    LOSS_BINOMIAL = 0     # f_i(eta) = log(1 + exp(-y_i eta)), y_i in {-1, +1}; K = 1
    LOSS_MULTINOMIAL = 1  # f_i(eta) = logsumexp(eta) - eta_{c_i}, class c_i; K >= 2
    # log-link families, K = 1, evaluated as half unit deviances (f_i minus its
    # minimum over eta, ``sat``; a constant, so the same minimiser and gap):
    LOSS_POISSON = 2      # f_i(eta) = exp(eta) - y_i eta, y_i >= 0
    LOSS_GAMMA = 3        # f_i(eta) = y_i exp(-eta) + eta, y_i > 0
    LOSS_COX = 4          # Cox partial likelihood, not separable; K = 1 (see _cox.pxi)


cdef struct glm_loss_t:
    int kind
    Py_ssize_t n
    Py_ssize_t K              # linear predictors (columns of eta)
    const double *y           # BINOMIAL: labels +-1; POISSON, GAMMA: the response
    const double *sat         # POISSON, GAMMA: min_eta f_i(eta), subtracted from f_i
    const Py_ssize_t *codes   # MULTINOMIAL: class of each sample, in [0, K)
    const double *class_weight  # MULTINOMIAL: c_k = sum_i s_i [c_i = k]
    const double *s           # sample weights, summing to n
    const double *offset      # fixed part of eta (n x K, F-ordered), NULL: none
    double s_max
    double modulus            # the dual is (modulus / s_max)-strongly concave;
                              # 0: not strongly concave, no gap-safe screening
    # COX (y: the event indicator): samples sorted by stratum then time, cut into
    # tie blocks and the blocks into strata; scratch 7 n_blocks + n (see _cox.pxi)
    const Py_ssize_t *order
    const Py_ssize_t *blk_ptr
    const Py_ssize_t *strat_ptr
    Py_ssize_t n_blocks
    Py_ssize_t n_strata
    double *cox_work
    bint efron


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


cdef inline double _xlogx(double a) noexcept nogil:
    return a * log(a) if a > 0.0 else 0.0


cdef inline double _row_lse(const double *eta, Py_ssize_t i, Py_ssize_t n,
                            Py_ssize_t K) noexcept nogil:
    """logsumexp_k eta_ik (eta F-ordered n x K), overflow-safe."""
    cdef Py_ssize_t k
    cdef double top = eta[i], acc = 0.0
    for k in range(1, K):
        if eta[i + k * n] > top:
            top = eta[i + k * n]
    for k in range(K):
        acc += exp(eta[i + k * n] - top)
    return top + log(acc)


cdef double _loss_value(const glm_loss_t *L, const double *eta) noexcept nogil:
    """sum_i s_i f_i(eta_i)."""
    cdef Py_ssize_t i, n = L.n
    cdef double acc = 0.0
    if L.kind == LOSS_COX:
        return _cox_value(L, eta)
    if L.kind == LOSS_BINOMIAL:
        for i in range(n):
            acc += L.s[i] * pz_log1pexp(-L.y[i] * eta[i])
        return acc
    if L.kind == LOSS_POISSON:
        for i in range(n):
            acc += L.s[i] * ((exp(eta[i]) - L.y[i] * eta[i]) - L.sat[i])
        return acc
    if L.kind == LOSS_GAMMA:
        for i in range(n):
            acc += L.s[i] * ((L.y[i] * exp(-eta[i]) + eta[i]) - L.sat[i])
        return acc
    for i in range(n):
        acc += L.s[i] * (_row_lse(eta, i, n, L.K) - eta[i + L.codes[i] * n])
    return acc


cdef void _softmax(const glm_loss_t *L, const double *eta, double *P) noexcept nogil:
    """P_ik = exp(eta_ik - logsumexp_k eta_ik) (F-ordered n x K)."""
    cdef Py_ssize_t i, k, n = L.n
    cdef double lse
    for i in range(n):
        lse = _row_lse(eta, i, n, L.K)
        for k in range(L.K):
            P[i + k * n] = exp(eta[i + k * n] - lse)


cdef double _loss_model(const glm_loss_t *L, const double *eta, double *r,
                        double *curv) noexcept nogil:
    """Diagonal-Hessian losses, per unit weight: r_i = -f_i'(eta_i), curv_i = f_i''(eta_i)
    (floored).  Returns sum_i s_i curv_i.

    Binomial: r_i = y_i sigmoid(-y_i eta_i), curv_i = p_i (1 - p_i) with
    p_i = sigmoid(eta_i).  Poisson: r_i = y_i - mu_i, curv_i = mu_i = exp(eta_i).
    Gamma: r_i = g_i - 1, curv_i = g_i = y_i exp(-eta_i) (the observed, not the
    expected, curvature: the model is then the true Newton model; g_i can be ~0
    where mu_i >> y_i, hence the floor).
    """
    cdef Py_ssize_t i
    cdef double pe, hsum = 0.0
    if L.kind == LOSS_COX:
        return _cox_model(L, eta, r, curv)
    if L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA:
        for i in range(L.n):
            if L.kind == LOSS_POISSON:
                pe = exp(eta[i])
                r[i] = L.y[i] - pe
            else:
                pe = L.y[i] * exp(-eta[i])
                r[i] = pe - 1.0
            curv[i] = pe if pe > GLM_CURV_FLOOR else GLM_CURV_FLOOR
            hsum += L.s[i] * curv[i]
        return hsum
    for i in range(L.n):
        pe = pz_sigmoid(eta[i])
        curv[i] = pe * (1.0 - pe)
        if curv[i] < GLM_CURV_FLOOR:
            curv[i] = GLM_CURV_FLOOR
        r[i] = L.y[i] * pz_sigmoid(-L.y[i] * eta[i])
        hsum += L.s[i] * curv[i]
    return hsum


cdef void _binomial_dual_point(const glm_loss_t *L, const double *eta, bint fit_intercept,
                               double *a, double *theta) noexcept nogil:
    """a_i = sigmoid(-y_i eta_i) in [0, 1], theta_i = s_i y_i a_i; with an intercept
    the larger label group's a is shrunk so that sum_i theta_i = 0 exactly (a stays
    in the conjugate's domain)."""
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


cdef void _multinomial_dual_point(const glm_loss_t *L, const double *eta,
                                  bint fit_intercept, double *A, double *theta) noexcept nogil:
    """A = softmax(eta) in the simplex (per row), Theta_ik = s_i (Y_ik - A_ik).

    With an intercept, sum_i Theta_ik = 0 is met exactly: eps_k / n is
    subtracted from every row (eps_k = sum_i s_i A_ik - c_k; rows still sum to
    1), then the class priors c / n are mixed in just enough to keep every
    entry >= 0; both steps keep the column sums.
    """
    cdef Py_ssize_t i, k, n = L.n, K = L.K
    cdef double eps, prior, tau = 0.0, need, v
    _softmax(L, eta, A)
    if fit_intercept:
        for k in range(K):
            eps = 0.0
            for i in range(n):
                eps += L.s[i] * A[i + k * n]
            eps = (eps - L.class_weight[k]) / n
            prior = L.class_weight[k] / n
            for i in range(n):
                v = A[i + k * n] - eps
                A[i + k * n] = v
                if v < 0.0:
                    need = -v / (prior - v)
                    if need > tau:
                        tau = need
        if tau > 0.0:
            if tau > 1.0:
                tau = 1.0
            for k in range(K):
                prior = L.class_weight[k] / n
                for i in range(n):
                    v = (1.0 - tau) * A[i + k * n] + tau * prior
                    A[i + k * n] = v if v > 0.0 else 0.0
    for k in range(K):
        for i in range(n):
            v = 1.0 if L.codes[i] == k else 0.0
            theta[i + k * n] = L.s[i] * (v - A[i + k * n])


cdef void _log_link_dual_point(const glm_loss_t *L, const double *eta, bint fit_intercept,
                                double *a, double *theta) noexcept nogil:
    """Poisson: a_i = mu_i = exp(eta_i), theta_i = s_i (y_i - a_i); Gamma:
    a_i = y_i exp(-eta_i), theta_i = s_i (a_i - 1).  a > 0 is the conjugate's
    argument (B at t = 1, see ``_loss_conjugate``).  With an intercept, a is
    scaled by one factor c > 0 so that sum_i theta_i = 0 exactly (c = sum s y /
    sum s a, resp. sum s / sum s a): a stays > 0, in the domain."""
    cdef Py_ssize_t i
    cdef double num = 0.0, den = 0.0, c
    for i in range(L.n):
        if L.kind == LOSS_POISSON:
            a[i] = exp(eta[i])
            num += L.s[i] * L.y[i]
        else:
            a[i] = L.y[i] * exp(-eta[i])
            num += L.s[i]
        den += L.s[i] * a[i]
    if fit_intercept and den > 0.0 and num > 0.0:
        c = num / den
        for i in range(L.n):
            a[i] *= c
    for i in range(L.n):
        if L.kind == LOSS_POISSON:
            theta[i] = L.s[i] * (L.y[i] - a[i])
        else:
            theta[i] = L.s[i] * (a[i] - 1.0)


cdef inline void _loss_dual_point(const glm_loss_t *L, const double *eta, bint fit_intercept,
                                  double *a, double *theta) noexcept nogil:
    """A dual point Theta = -(d/d eta) sum_i s_i f_i, moved to meet sum_i Theta_ik = 0."""
    if L.kind == LOSS_BINOMIAL:
        _binomial_dual_point(L, eta, fit_intercept, a, theta)
    elif L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA:
        _log_link_dual_point(L, eta, fit_intercept, a, theta)
    elif L.kind == LOSS_COX:
        _cox_dual_point(L, eta, a, theta)
    else:
        _multinomial_dual_point(L, eta, fit_intercept, a, theta)


cdef double _loss_conjugate(const glm_loss_t *L, const double *a, double t) noexcept nogil:
    """sum_i s_i f_i*(-t Theta_i / s_i) at the dual point a scaled by t in (0, 1].

    Binomial: s_i (t a_i log(t a_i) + (1 - t a_i) log(1 - t a_i)).
    Multinomial: s_i sum_k B_ik log B_ik with B = Y + t (A - Y), in the simplex.
    Poisson (f* of the deviance form f - sat): s_i (B log B - B + sat_i) with
    B = (1 - t) y_i + t a_i >= 0.  Gamma: s_i (B log(B / y_i) - B + sat_i) with
    B = (1 - t) + t a_i >= 0 (0 log 0 = 0).  (docs/design.rst derives both.)
    """
    cdef Py_ssize_t i, k, n = L.n
    cdef double conj = 0.0, row, y, B
    if L.kind == LOSS_COX:
        return _cox_conjugate(L, a, t)
    if L.kind == LOSS_BINOMIAL:
        for i in range(n):
            conj += L.s[i] * (_xlogx(t * a[i]) + _xlogx(1.0 - t * a[i]))
        return conj
    # B as a convex combination, (1 - t) y + t a: exact at t = 1 (1 + (a - 1) is 0
    # for a < 1e-16, which made the Gamma term 0 log 0 = NaN and lost the t = 1 trial)
    if L.kind == LOSS_POISSON:
        for i in range(n):
            B = (1.0 - t) * L.y[i] + t * a[i]
            conj += L.s[i] * ((_xlogx(B) - B) + L.sat[i])
        return conj
    if L.kind == LOSS_GAMMA:
        for i in range(n):
            B = (1.0 - t) + t * a[i]
            conj += L.s[i] * ((_xlogx(B) - B * log(L.y[i]) - B) + L.sat[i])
        return conj
    for i in range(n):
        row = 0.0
        for k in range(L.K):
            y = 1.0 if L.codes[i] == k else 0.0
            row += _xlogx(y + t * (a[i + k * n] - y))
        conj += L.s[i] * row
    return conj


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
        if wsq > 0.0:
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
        if mag[g] > top * _gweight(G, g):
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
    double scale        # the t giving the best dual value


cdef glm_gap_t _glm_gap(const design_t *D, const Py_ssize_t *cand, Py_ssize_t n_cand,
                        const double *W, Py_ssize_t ldw, const double *eta,
                        const glm_loss_t *L, const glm_pen_t *P, bint fit_intercept,
                        floating *theta_col, double *a, double *th, double *corr,
                        Py_ssize_t ldc, double *mag) noexcept nogil:
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
    Without groups, the products x_c,j.Theta_k run on P.n_threads threads when
    the pass is large enough (``_glm_corr_pass``); every sum over features is
    formed afterwards in cand's order, so the result has the same bits.
    """
    cdef glm_gap_t out
    cdef Py_ssize_t i, j, k, c, n = D.n, K = L.K, m = n_cand if cand != NULL else D.p
    cdef int nt = 1
    if cand == NULL and P.grp != NULL:
        m = P.grp.n_groups      # the candidates are groups
    if P.grp == NULL and P.n_threads > 1:
        nt = _pass_threads(P.n_threads, _glm_pass_entries(D, cand, m), m, D.kind == PZ_DENSE)
        if nt > 1 and P.n_threaded != NULL:
            P.n_threaded[0] += K
    cdef double top = 0.0, sr, best, t, feas, excess, d, v, mg, mu, wsq, wabs
    cdef double l1w = 0.0, l2sq = 0.0, l1j, l2j, to
    cdef int q
    cdef double ts[3]
    cdef bint certified = True
    _loss_dual_point(L, eta, fit_intercept, a, th)
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
            if nt > 1:
                _glm_corr_pass(D, cand, m, theta_col, sr, corr, nt)
            for c in range(m):
                j = cand[c] if cand != NULL else c
                v = corr[j] if nt > 1 else _centred_wdot(D, j, theta_col, sr)
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
        elif nt > 1:
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
    out.primal = _loss_value(L, eta) + P.l1 * l1w + 0.5 * P.l2 * l2sq
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


cdef void _glm_corr_pass(const design_t *D, const Py_ssize_t *cand, Py_ssize_t m,
                         const floating *theta, double sr, double *corr,
                         int n_threads) noexcept nogil:
    """corr[j] = x_c,j.theta (``_centred_wdot``) for j in cand[:m] (0..m-1 if cand is
    NULL), the columns split over n_threads threads."""
    cdef Py_ssize_t c, j
    if D.kind == PZ_DENSE:
        for c in prange(m, schedule="static", num_threads=n_threads):
            j = cand[c] if cand != NULL else c
            corr[j] = _centred_wdot(D, j, theta, sr)
    else:
        for c in prange(m, schedule="guided", chunksize=16, num_threads=n_threads):
            j = cand[c] if cand != NULL else c
            corr[j] = _centred_wdot(D, j, theta, sr)


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
                or bf.r == NULL or bf.curv == NULL or bf.d_eta == NULL or bf.eta_t == NULL
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
    free(bf.d_eta); free(bf.eta_t); free(bf.a); free(bf.th); free(bf.P); free(bf.U)
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
                                        double tol_model, Py_ssize_t max_epochs,
                                        glm_bufs_t *bf, workspace_t *wk, uint64_t *rng,
                                        floating *tag) noexcept nogil:
    """Newton direction of a diagonal-Hessian loss on the block B (raw columns).

    The quadratic model at eta, sum_i s_i curv_i / 2 (z_i - eta_i)^2 with the
    working response z = eta + r / curv (its gradient is the loss's exactly),
    plus the penalty is a weighted least-squares elastic net, solved by the
    core's ``_solve`` (or, with groups, the group block solver) to ``tol_model``.
    Fills bf.dw (m), bf.db[0], bf.d_eta (n).
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
    hsum = _loss_model(L, eta, bf.r, bf.curv)
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
    if P.fr != NULL and P.fr.m > 0:
        if not _free_model_block(&Dh, P.fr, hn, bf.xm, fit_intercept, &pen, tag):
            return out          # collinear under these weights: no direction
    if P.grp != NULL:
        info = _group_direction(&Dh, bf.gb, w_new, res, tgt, pen.l1, pen.l2,
                                tol_model * scale, max_epochs, wk)
    else:
        # the model's gap every 10 epochs; Cox's models converge in a few epochs
        # (measured: 1000 x 200 L1 fit 31 -> 20 ms with every 3), so it checks sooner
        info = _solve(&Dh, w_new, res, tgt, yy, &pen, tol_model * scale,
                      max_epochs, True, True, 10, True, 0.0, 0.3,
                      3 if L.kind == LOSS_COX else 10, False, rng, wk)
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
                      double *b, double *eta, double slope, glm_bufs_t *bf,
                      double *t_out) noexcept nogil:
    """Armijo backtracking on n F from (W, b, eta) along (bf.dw, bf.db, bf.d_eta).

    The Armijo rule of Lee, Sun, Saunders 2014 (eq. 2.20) with the predicted
    decrease slope + pen(W + dW) - pen(W).  A predicted change of F below its
    own rounding makes the test noise: such a step comes from a model solved
    near the optimum and fixes the optimality conditions (the certificate's
    first-order term) at a second-order cost no float sees, so it is taken
    whole; the driver stops if the gap then does not improve.  Returns 1
    (moved), 3 (moved by such a step) or 2 (no sufficient decrease); updates
    W, b and eta when moved.  Log-link losses start from t = min(1, 20 / max |d_eta|).
    """
    cdef Py_ssize_t i, j, K = L.K, nK = L.n * L.K
    cdef double pen0, f0, decrease, t = 1.0, big = 0.0
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
    f0 = _loss_value(L, eta) + pen0
    decrease = slope + _glm_penalty(W, bf.dw, 1.0, m, m, K, P) - pen0
    tiny = fabs(decrease) <= GLM_F_RESOLUTION * fabs(f0)
    for it in range(GLM_MAX_BACKTRACK):
        for i in range(nK):
            bf.eta_t[i] = eta[i] + t * bf.d_eta[i]
        if tiny or _loss_value(L, bf.eta_t) + _glm_penalty(W, bf.dw, t, m, m, K, P) <= \
                f0 + GLM_ARMIJO * t * decrease:
            for j in range(m * K):
                W[j] += t * bf.dw[j]
            for j in range(K):
                b[j] += t * bf.db[j]
            memcpy(eta, bf.eta_t, nK * sizeof(double))
            t_out[0] = t
            return 3 if tiny else 1
        t *= 0.5
    t_out[0] = 0.0
    return 2


cdef struct glm_info_t:
    double gap
    double primal
    Py_ssize_t n_newton
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
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
    loosely for the precision wanted).
    """
    cdef glm_info_t out
    cdef glm_dir_t dr
    cdef glm_gap_t g0
    cdef double g_new, t_min, t, forcing, inner_ratio = GLM_INNER_RATIO
    cdef Py_ssize_t m = B.p
    cdef int status
    memset(&out, 0, sizeof(glm_info_t))
    # the scratch column doubles as the dual point theta in the gap
    g0 = _glm_gap(B, NULL, 0, W, m, eta, L, P, fit_intercept, <floating *>bf.own,
                  bf.a, bf.th, bf.corr, m, bf.mag)
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
            dr = _least_squares_direction(B, W, b, eta, L, P, fit_intercept,
                                          inner_ratio * out.gap, max_epochs, bf, wk, rng, tag)
        out.n_epochs += dr.epochs
        if dr.interrupted:
            out.interrupted = True
            break
        status = _line_search(L, P, W, m, b, eta, dr.slope, bf, &t) if dr.moved else 0
        t_min = 1.0
        if status == 0 or status == 2:
            inner_ratio *= 0.1
        else:
            t_min = t
        out.n_newton += 1
        if inner_ratio < 1e-12:
            break
        g0 = _glm_gap(B, NULL, 0, W, m, eta, L, P, fit_intercept, <floating *>bf.own,
                      bf.a, bf.th, bf.corr, m, bf.mag)
        g_new = g0.gap
        out.primal = g0.primal
        if not g_new < out.gap and (t_min < 1e-6 or status == 3):
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


cdef inline Py_ssize_t _glm_ws_size(Py_ssize_t size, bint has_strong, Py_ssize_t nnz,
                                    Py_ssize_t strong, double gap, double prev_gap,
                                    Py_ssize_t p0, Py_ssize_t n_cand) noexcept nogil:
    """The outer loop's next working-set size (features or groups): the strong set
    on a path's first round, 2 nnz after a halved gap, else doubled (p0 first),
    never below 2 nnz; clipped to [1, n_cand]."""
    if has_strong:
        size = nnz + strong
    elif size > 0 and not gap > 0.5 * prev_gap:
        size = 2 * nnz if 2 * nnz > p0 else p0
    else:
        size = p0 if size == 0 else 2 * size
        if size < 2 * nnz:
            size = 2 * nnz
    if size > n_cand:
        size = n_cand
    return size if size >= 1 else 1


cdef Py_ssize_t _glm_group_block(const design_t *D, const glm_loss_t *L, const glm_pen_t *P,
                                 double *W, double *eta, glm_gap_t gp, double l1_prev,
                                 Py_ssize_t p0, double prev_gap, double tol_abs,
                                 Py_ssize_t *n_cand, Py_ssize_t *ws_groups, double *inner_tol,
                                 Py_ssize_t *n_screened, workspace_t *wk, glm_bufs_t *bf,
                                 floating *tmp) noexcept nogil:
    """The outer step of ``_glm_solve`` for groups (K = 1): screen the candidate
    groups (wk.cand), choose the working groups by the features' rules applied to
    groups (mag_g against L1 omega_g, the sphere test with the Frobenius norm
    of X_c,g, which bounds its spectral norm), and lay their columns out as the
    block: wk.ws[0..m) group after group, bf.gb.blk their grouping.  Returns m."""
    cdef const grp_t *G = P.grp
    cdef glm_grp_bufs_t *gb = bf.gb
    cdef double *mag = wk.corr[0]
    cdef double L1 = P.l1, radius, tau, wsq
    cdef Py_ssize_t c, q, g, k, j, m = 0, nnz = 0, strong = 0, viol_all = 0, viol_ws = 0
    cdef Py_ssize_t size, ng, off = 0, mmax = 1
    cdef bint has_strong
    cdef pen_t rank_pen     # the ranking's key (L1 omega_g - mag_g) / ||X_c,g||_F
    cdef design_t view = D[0]
    if L1 > 0.0 and L.modulus > 0.0:    # (no sphere without a strongly concave dual)
        radius = sqrt(2.0 * (gp.gap if gp.gap > 0.0 else 0.0) * L.s_max / L.modulus)
        for c in range(n_cand[0]):
            g = wk.cand[c]
            if mag[g] * gp.scale + radius * sqrt(G.lmax[g]) < L1 * _gweight(G, g):
                for k in range(_gsize(G, g)):
                    _drop_feature(D, _gcol(G, g, k), W, eta, 1, tmp)
                n_screened[0] += 1
            else:
                wk.cand[m] = g
                m += 1
        n_cand[0] = m
    has_strong = ws_groups[0] == 0 and l1_prev > L1
    for c in range(n_cand[0]):
        g = wk.cand[c]
        wsq = 0.0
        for k in range(_gsize(G, g)):
            j = _gcol(G, g, k)
            wsq += W[j] * W[j]
        gb.gnz[g] = 1.0 if wsq > 0.0 else 0.0
        tau = L1 * _gweight(G, g)
        if wsq > 0.0:
            nnz += 1
        elif has_strong and mag[g] >= (2.0 * L1 - l1_prev) * _gweight(G, g):
            strong += 1
        if mag[g] > tau:
            viol_all += 1
    if not L1 > 0.0:
        size = n_cand[0] if n_cand[0] >= 1 else 1
    else:
        size = _glm_ws_size(ws_groups[0], has_strong, nnz, strong, gp.gap, prev_gap, p0,
                            n_cand[0])
    memset(&rank_pen, 0, sizeof(pen_t))
    rank_pen.l1 = L1
    rank_pen.f1 = G.weight
    view.col_sqnorm = G.lmax
    view.p = G.n_groups
    ng = _select_working_set(&view, gb.gnz, wk.cand, n_cand[0], mag, gb.gnz, gp.scale,
                             &rank_pen, size, wk)
    ws_groups[0] = ng
    for q in range(ng):
        gb.sel[q] = wk.ws[q]
        if mag[wk.ws[q]] > L1 * _gweight(G, wk.ws[q]):
            viol_ws += 1
    # no group outside the set violates its dual constraint: solve to the end
    inner_tol[0] = tol_abs if viol_ws == viol_all else 0.3 * gp.gap
    m = 0
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
    gb.blk.n_groups = ng
    gb.blk.max_size = mmax
    return m


cdef glm_info_t _glm_solve(const design_t *D, double *W, double *b, double *eta,
                           const glm_loss_t *L, const glm_pen_t *P, bint fit_intercept,
                           double tol_abs, Py_ssize_t max_newton, Py_ssize_t max_epochs,
                           Py_ssize_t p0, double l1_prev, workspace_t *wk, glm_bufs_t *bf,
                           uint64_t *rng, floating *tag) noexcept nogil:
    """n F(W, b) over every feature of D, from the warm start, for the loss L.

    Outer working set (Massias, Gramfort, Salmon 2018): one pass over X per
    predictor gives the full duality gap, the gap-safe screening of whole
    features (Ndiaye et al. 2017; the dual is modulus / max(s) strongly
    concave) and the ranking of the features by distance to their dual
    constraint (mag_j against L1); the proximal Newton loop then runs on the
    closest ``ws_size`` features only: p0 first, the sequential strong set on
    a path (l1_prev > L1), 2 nnz(W) after a halved gap, else doubled.  A set
    that no feature outside violates is solved to the final tolerance at
    once; otherwise to 0.3 x the gap.  D is raw X (no weights), centred when
    there is an intercept; W is p x K F-ordered, eta n x K; wk provides cand,
    ws, keys and corr[0] (the magnitudes).
    """
    cdef glm_info_t out, inner
    cdef glm_gap_t g
    cdef Py_ssize_t p = D.p, n = D.n, K = L.K, j, k, c, n_cand = 0, nnz, m, ws_size = 0
    cdef Py_ssize_t strong, viol_all, viol_ws, inner_max
    cdef double prev_gap = INFINITY, best_gap = INFINITY, radius, inner_tol
    cdef Py_ssize_t stalls = 0, ws_groups = 0
    cdef double L1 = P.l1
    cdef double *mag = wk.corr[0]
    cdef double *nz = bf.nz_row
    cdef floating *tmp = <floating *>bf.own
    cdef bint has_strong
    cdef design_t B
    cdef pen_t rank_pen     # the ranking's penalty: l1 = L1 f1 only (key (L1 f1 - mag) / ||x||)
    cdef glm_pen_t Pb       # the penalty on a block: the block's factors
    cdef glm_free_t fr_blk  # and its unpenalized features
    cdef workspace_t wb
    memset(&out, 0, sizeof(glm_info_t))
    memset(&wb, 0, sizeof(workspace_t))
    memset(&rank_pen, 0, sizeof(pen_t))
    rank_pen.l1 = L1
    rank_pen.f1 = P.f1
    Pb = P[0]
    Pb.excluded = NULL
    if P.grp != NULL:
        Pb.grp = &bf.gb.blk
        # groups whose centred columns are all 0 carry no signal
        for j in range(P.grp.n_groups):
            if P.grp.lmax[j] > 0.0:
                wk.cand[n_cand] = j
                n_cand += 1
            else:
                for k in range(_gsize(P.grp, j)):
                    _drop_feature(D, _gcol(P.grp, j, k), W, eta, K, tmp)
    # columns that are constant (after centring) or empty carry no signal
    for j in range(p if P.grp == NULL else 0):
        if D.col_sqnorm[j] > 0.0 and (P.excluded == NULL or not P.excluded[j]):
            wk.cand[n_cand] = j
            n_cand += 1
        else:
            _drop_feature(D, j, W, eta, K, tmp)
    while True:
        g = _glm_gap(D, wk.cand, n_cand, W, p, eta, L, P, fit_intercept, tmp, bf.a, bf.th,
                     bf.corr_full, p, mag)
        out.gap = g.gap
        out.primal = g.primal
        if g.gap <= tol_abs or out.n_newton >= max_newton:
            break
        # a gap that no longer falls (at the rounding floor of F, for a tol below
        # it) ends the solve instead of spinning to max_newton; the caller warns.
        # tol = 0 asks for max_newton iterations: no early end then
        if g.gap < GLM_STALL_DECREASE * best_gap or tol_abs <= 0.0 or g.gap == INFINITY:
            best_gap = g.gap
            stalls = 0
        else:
            stalls += 1
            if stalls >= GLM_STALL_CHECKS:
                break
        if P.grp != NULL:
            ws_size = _glm_group_block(D, L, P, W, eta, g, l1_prev, p0, prev_gap, tol_abs,
                                       &n_cand, &ws_groups, &inner_tol, &out.n_screened,
                                       wk, bf, tmp)
        elif L1 > 0.0:
            # gap-safe sphere: ||theta - theta*|| <= sqrt(2 gap s_max / modulus);
            # none when the dual is not strongly concave (modulus 0: Poisson, Gamma)
            radius = (sqrt(2.0 * (g.gap if g.gap > 0.0 else 0.0) * L.s_max / L.modulus)
                      if L.modulus > 0.0 else INFINITY)
            m = 0
            for c in range(n_cand if L.modulus > 0.0 else 0):
                j = wk.cand[c]
                if mag[j] * g.scale + radius * sqrt(D.col_sqnorm[j]) < L1 * _f1(P, j):
                    # provably zero at the optimum: zero it now
                    _drop_feature(D, j, W, eta, K, tmp)
                    out.n_screened += 1
                else:
                    wk.cand[m] = j
                    m += 1
            if L.modulus > 0.0:
                n_cand = m
            nnz = 0
            strong = 0
            viol_all = 0
            has_strong = ws_size == 0 and l1_prev > L1
            if K == 1:
                nz = W        # the ranking looks for non-zeros: W itself will do
            else:
                for c in range(n_cand):
                    j = wk.cand[c]
                    nz[j] = 1.0 if _row_nonzero(W, j, p, K) else 0.0
            for c in range(n_cand):
                j = wk.cand[c]
                if nz[j] != 0.0:
                    nnz += 1
                elif has_strong and mag[j] >= (2.0 * L1 - l1_prev) * _f1(P, j):
                    strong += 1
                if mag[j] > L1 * _f1(P, j):
                    viol_all += 1
            ws_size = _glm_ws_size(ws_size, has_strong, nnz, strong, g.gap, prev_gap, p0,
                                   n_cand)
            ws_size = _select_working_set(D, nz, wk.cand, n_cand, mag, nz, g.scale, &rank_pen,
                                          ws_size, wk)
            if P.fr != NULL:
                ws_size = _add_free_features(P.fr, wk.ws, ws_size)
            viol_ws = 0
            for c in range(ws_size):
                if mag[wk.ws[c]] > L1 * _f1(P, wk.ws[c]):
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
        if not (_glm_bufs_reserve(bf, ws_size, K, K * K if P.group else K, sizeof(floating))
                and _copy_columns(D, wk.ws, ws_size, &B, tag)
                and (L.kind == LOSS_MULTINOMIAL or
                     _workspace_alloc(&wb, ws_size, n, sizeof(floating), True, True, True,
                                      1000, True, True, False))):
            _free_columns(&B)
            _workspace_free(&wb, True)
            out.out_of_memory = True
            break
        for k in range(K):
            for c in range(ws_size):
                bf.w[c + k * ws_size] = W[wk.ws[c] + k * p]
        Pb.f1 = NULL if P.f1 == NULL else bf.f1b
        Pb.f2 = NULL if P.f2 == NULL else bf.f2b
        Pb.lo = NULL if P.lo == NULL else bf.lob
        Pb.hi = NULL if P.hi == NULL else bf.hib
        if P.fr != NULL:
            # the block's free list: U's positions among the working set
            fr_blk = P.fr[0]
            fr_blk.m = 0
            for c in range(ws_size):
                if _f1(P, wk.ws[c]) == 0.0:
                    fr_blk.blk[fr_blk.m] = c
                    fr_blk.m += 1
            fr_blk.idx = fr_blk.blk
            Pb.fr = &fr_blk
        for c in range(ws_size):
            bf.f1b[c] = _f1(P, wk.ws[c])
            bf.f2b[c] = _f2(P, wk.ws[c])
            if P.lo != NULL:
                bf.lob[c] = P.lo[wk.ws[c]]
                bf.hib[c] = P.hi[wk.ws[c]]
        inner_max = max_newton - out.n_newton
        inner = _prox_newton(&B, bf.w, b, eta, L, &Pb, fit_intercept, inner_tol,
                             inner_max, max_epochs, bf, &wb, rng, tag)
        for k in range(K):
            for c in range(ws_size):
                W[wk.ws[c] + k * p] = bf.w[c + k * ws_size]
        _free_columns(&B)
        _workspace_free(&wb, True)
        out.n_newton += inner.n_newton if inner.n_newton > 0 else 1
        out.n_epochs += inner.n_epochs
        if inner.interrupted:
            out.interrupted = True
            break
    return out


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
                          groups=None, lower_bounds=None, upper_bounds=None, n_threads=1):
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
    :func:`resolve_threads`): the same bits for any value.
    Returns dict(gap, primal, n_iter (Newton iterations), n_epochs,
    n_screened, n_threaded (the X^T Theta passes that ran on more than one thread)),
    gap and primal in n F units.
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
                      lower_bounds, upper_bounds, n_threads)


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
                   n_threads=1):
    """Minimise the Poisson or Gamma (log link) n F(w, b) natively, in place.

    As ``logistic_binary_solve``, with ``family`` 'poisson' (f_i(eta) =
    exp(eta) - y_i eta, y >= 0) or 'gamma' (f_i(eta) = y_i exp(-eta) + eta,
    y > 0); ``sat`` (n,) the minimum of each f_i over eta (Poisson y - y log y,
    Gamma 1 + log y), subtracted from every f_i: F is then the half deviance
    plus the penalty, with the same minimiser and gap.  The dual is not
    strongly concave (its curvature 1 / B vanishes as B grows): no gap-safe
    screening, the strong rule and the gap's check still run.  ``groups``, the
    limits and ``n_threads`` as in ``logistic_binary_solve``.
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
    return _glm_entry(D, &loss, &w[0] if p else NULL, &b[0], &eta[0] if n else NULL,
                      L1, L2, False, tol_abs, max_newton, max_epochs, p0, l1_prev,
                      design.dtype, l1_weights, l2_weights, excluded, offset, groups,
                      lower_bounds, upper_bounds, n_threads)


cdef list _glm_group_setup(design_t *D, Py_ssize_t K, glm_pen_t *pen, grp_t *full,
                          glm_grp_bufs_t *gb, groups, dtype):
    """Point ``pen`` at the full design's groups and ``gb`` at the block buffers;
    returns the arrays that must outlive the solve."""
    if K != 1:
        raise ValueError("user-defined groups need a single linear predictor (K = 1)")
    if pen.f1 != NULL or pen.f2 != NULL or pen.excluded != NULL:
        raise ValueError("groups do not combine with per-feature factors or exclusions")
    ptr = np.ascontiguousarray(groups[0], dtype=np.intp)
    cols = np.ascontiguousarray(groups[1], dtype=np.intp)
    weights = np.ascontiguousarray(groups[2], dtype=np.float64)
    cdef Py_ssize_t p = D.p, n = D.n, G = ptr.shape[0] - 1
    if (G < 1 or cols.shape != (p,) or ptr[0] != 0 or ptr[G] != p or weights.shape != (G,)
            or np.any(np.diff(ptr) < 1) or not np.array_equal(np.sort(cols), np.arange(p))
            or not np.all(weights > 0) or not np.all(np.isfinite(weights))):
        raise ValueError("groups must partition the features, with positive finite weights")
    sizes = np.diff(ptr)
    sq = np.asarray(<double[:p]>D.col_sqnorm) if p else np.zeros(0)
    frob = np.add.reduceat(sq[cols], ptr[:G]).astype(np.float64)
    mmax = int(sizes.max())
    bufs = dict(ptr=np.zeros(G + 1, dtype=np.intp), ident=np.arange(p, dtype=np.intp),
                weight=np.zeros(G), lmax=np.zeros(G), values=np.zeros(p),
                vectors=np.zeros(int(np.sum(sizes * sizes))), qoff=np.zeros(G, dtype=np.intp),
                work=np.zeros(3 * mmax + 1), col=np.zeros(n + 1, dtype=dtype),
                solve_buf=np.zeros(4 * mmax + 8), nz=np.zeros(p + 1, dtype=dtype),
                sel=np.zeros(G, dtype=np.intp), gnz=np.zeros(G), aa_res=np.zeros(n + 1, dtype=dtype),
                aa_shift=np.zeros(1), ready=np.zeros(G, dtype=np.int8))
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


cdef list _glm_free_setup(design_t *D, glm_loss_t *L, glm_pen_t *pen, glm_free_t *fr,
                          excluded, lower_bounds, upper_bounds, groups, Py_ssize_t isz):
    """The unpenalized features (l1 factor 0) of the full design and their scratch;
    returns the arrays that must outlive the solve (none if there are none)."""
    cdef Py_ssize_t p = D.p, n = D.n, m, k
    f1 = np.asarray(<const double[:p]>pen.f1) if p else np.zeros(0)
    f2 = np.ones(p) if pen.f2 == NULL else np.asarray(<const double[:p]>pen.f2)
    sq = np.asarray(<double[:p]>D.col_sqnorm) if p else np.zeros(0)
    live = np.ones(p, dtype=bool) if excluded is None else ~np.asarray(excluded, dtype=bool)
    zero = (f1 == 0) & live
    if not zero.any():
        return []
    if np.any(zero != ((f2 == 0) & live)):
        raise ValueError("an unpenalized feature needs both factors 0 (l1_weights and "
                         "l2_weights)")
    if L.kind not in (LOSS_BINOMIAL, LOSS_POISSON, LOSS_GAMMA, LOSS_MULTINOMIAL):
        raise ValueError("unpenalized features (factor 0) are supported for the binomial, "
                         "multinomial, Poisson and Gamma losses")
    if groups is not None:
        raise ValueError("unpenalized features do not combine with groups")
    if lower_bounds is not None:
        lo = np.asarray(lower_bounds, dtype=np.float64)
        hi = np.asarray(upper_bounds, dtype=np.float64)
        if np.any(zero & (np.isfinite(lo) | np.isfinite(hi))):
            raise ValueError("an unpenalized feature cannot have finite limits")
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
                     groups=None, lower_bounds=None, upper_bounds=None, n_threads=1):
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
    if pen.f1 != NULL:
        keep.extend(_glm_free_setup(D, L, &pen, &fr, excluded, lower_bounds, upper_bounds,
                                    groups, isz))
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
        keep.extend(_glm_group_setup(D, L.K, &pen, &full_groups, &gb, groups, dtype))
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
    if info.out_of_memory:
        raise MemoryError()
    if info.interrupted:
        raise KeyboardInterrupt("coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_iter": info.n_newton,
            "n_epochs": info.n_epochs, "n_screened": info.n_screened, "n_threaded": threaded}


include "_cox.pxi"
