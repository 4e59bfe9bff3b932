# Included by _core.pyx: the GLM losses (binomial, multinomial, Poisson, Gamma;
# Cox in cox.pxi): value, quadratic model, dual point and conjugate, the plug-in
# the GLM driver (glm.pxi, prox_newton.pxi) knows of a loss.
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
DEF GLM_MODEL_FORCING = 0.1   # Cox: and to this fraction of the model's own first gap
DEF GLM_MODEL_FLOOR = 0.1     # (not below this fraction of the block's target)
DEF COX_FREE_ROUNDS = 50      # Cox's unpenalized block: Newton rounds of its dual point
DEF COX_FREE_RTOL = 1e-13      # and their target, |z_k.Theta| / sum_i |z_ik Theta_i|
DEF GLM_F_RESOLUTION = 1e-13  # relative rounding of F (a sum of n terms) in the line search
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
    LOSS_COX = 4          # Cox partial likelihood, not separable; K = 1 (see cox.pxi)


cdef struct glm_loss_t:
    int kind
    Py_ssize_t n
    Py_ssize_t K              # linear predictors (columns of eta)
    const double *y           # BINOMIAL: labels +-1; POISSON, GAMMA: the response
    const double *sat         # POISSON, GAMMA: min_eta f_i(eta), subtracted from f_i
    const double *log_y       # GAMMA: log y_i (libm's, as the conjugate formed it); NULL:
                              # formed in each conjugate
    const Py_ssize_t *codes   # MULTINOMIAL: class of each sample, in [0, K)
    const double *class_weight  # MULTINOMIAL: c_k = sum_i s_i [c_i = k]
    const double *s           # sample weights, summing to n
    const double *offset      # fixed part of eta (n x K, F-ordered), NULL: none
    double s_max
    double modulus            # the dual is (modulus / s_max)-strongly concave;
                              # 0: not strongly concave, no gap-safe screening
    # COX (y: the event indicator): samples sorted by stratum then time, cut into
    # tie blocks and the blocks into strata; scratch 7 n_blocks + n (see cox.pxi)
    const Py_ssize_t *order
    const Py_ssize_t *blk_ptr
    const Py_ssize_t *strat_ptr
    Py_ssize_t n_blocks
    Py_ssize_t n_strata
    double *cox_work
    bint efron


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


cdef inline double _log_link_e(const glm_loss_t *L, const double *eta, Py_ssize_t i,
                               const double *ex) noexcept nogil:
    """e_i = exp(eta_i) (Poisson) or y_i exp(-eta_i) (Gamma); read from ex if not NULL."""
    if ex != NULL:
        return ex[i]
    if L.kind == LOSS_POISSON:
        return exp(eta[i])
    return L.y[i] * exp(-eta[i])


cdef double _loss_value(const glm_loss_t *L, const double *eta,
                        double *ex=NULL) noexcept nogil:
    """sum_i s_i f_i(eta_i).  ``ex`` (may be NULL): the log-link losses also keep their
    e_i there (``_log_link_e``: the model's and the dual point's), formed once here."""
    cdef Py_ssize_t i, n = L.n
    cdef double acc = 0.0, e
    if L.kind == LOSS_COX:
        return _cox_value(L, eta)
    if L.kind == LOSS_BINOMIAL:
        for i in range(n):
            acc += L.s[i] * pz_log1pexp(-L.y[i] * eta[i])
        return acc
    if L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA:
        for i in range(n):
            e = _log_link_e(L, eta, i, NULL)
            if ex != NULL:
                ex[i] = e
            if L.kind == LOSS_POISSON:
                acc += L.s[i] * ((e - L.y[i] * eta[i]) - L.sat[i])
            else:
                acc += L.s[i] * ((e + eta[i]) - L.sat[i])
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
                        double *curv, const double *ex) noexcept nogil:
    """Diagonal-Hessian losses, per unit weight: r_i = -f_i'(eta_i), curv_i = f_i''(eta_i)
    (floored).  Returns sum_i s_i curv_i.

    Binomial: r_i = y_i sigmoid(-y_i eta_i), curv_i = p_i (1 - p_i) with
    p_i = sigmoid(eta_i).  Poisson: r_i = y_i - mu_i, curv_i = mu_i = exp(eta_i).
    Gamma: r_i = g_i - 1, curv_i = g_i = y_i exp(-eta_i) (the observed, not the
    expected, curvature: the model is then the true Newton model; g_i can be ~0
    where mu_i >> y_i, hence the floor).  ``ex``: the log-link losses' e_i at
    eta if known (``_log_link_e``), else NULL.
    """
    cdef Py_ssize_t i
    cdef double pe, hsum = 0.0
    if L.kind == LOSS_COX:
        return _cox_model(L, eta, r, curv)
    if L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA:
        for i in range(L.n):
            pe = _log_link_e(L, eta, i, ex)
            if L.kind == LOSS_POISSON:
                r[i] = L.y[i] - pe
            else:
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
                                double *a, double *theta, double *ex,
                                bint ex_known) noexcept nogil:
    """Poisson: a_i = mu_i = exp(eta_i), theta_i = s_i (y_i - a_i); Gamma:
    a_i = y_i exp(-eta_i), theta_i = s_i (a_i - 1).  a > 0 is the conjugate's
    argument (B at t = 1, see ``_loss_conjugate``).  With an intercept, a is
    scaled by one factor c > 0 so that sum_i theta_i = 0 exactly (c = sum s y /
    sum s a, resp. sum s / sum s a): a stays > 0, in the domain.  ``ex`` (may be
    NULL): e_i at eta (``_log_link_e``), read if ``ex_known``, else written."""
    cdef Py_ssize_t i
    cdef double num = 0.0, den = 0.0, c
    for i in range(L.n):
        a[i] = _log_link_e(L, eta, i, ex if ex_known else NULL)
        if ex != NULL and not ex_known:
            ex[i] = a[i]
        if L.kind == LOSS_POISSON:
            num += L.s[i] * L.y[i]
        else:
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
                                  double *a, double *theta, double *ex=NULL,
                                  bint ex_known=False) noexcept nogil:
    """A dual point Theta = -(d/d eta) sum_i s_i f_i, moved to meet sum_i Theta_ik = 0.
    ``ex``, ``ex_known``: the log-link losses' e_i (``_log_link_dual_point``)."""
    if L.kind == LOSS_BINOMIAL:
        _binomial_dual_point(L, eta, fit_intercept, a, theta)
    elif L.kind == LOSS_POISSON or L.kind == LOSS_GAMMA:
        _log_link_dual_point(L, eta, fit_intercept, a, theta, ex, ex_known)
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
            y = L.log_y[i] if L.log_y != NULL else log(L.y[i])
            conj += L.s[i] * ((_xlogx(B) - B * y - B) + L.sat[i])
        return conj
    for i in range(n):
        row = 0.0
        for k in range(L.K):
            y = 1.0 if L.codes[i] == k else 0.0
            row += _xlogx(y + t * (a[i + k * n] - y))
        conj += L.s[i] * row
    return conj
