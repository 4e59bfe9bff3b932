# Included by _core.pyx: the Cox partial likelihood (LOSS_COX) as a loss of
# the one GLM driver.
#
# With the samples sorted (by Python, once) by stratum then time, ``blk_ptr``
# cuts the order into tie blocks (equal stratum and time), ``strat_ptr`` the
# blocks into strata.  Block b's risk set R_b is every sample of its stratum in
# blocks >= b; D_b its events (y = 1), Dw_b = sum_{i in D_b} s_i, nd_b the number
# of them with s_i > 0.  With w_j = s_j exp(eta_j), S_b = sum_{R_b} w_j,
#     Breslow:  l(eta) = sum_b [Dw_b log S_b - sum_{D_b} s_i eta_i]
#     Efron:    l(eta) = sum_b [Dw_b / nd_b sum_{l < nd_b} log Z_bl - sum_{D_b} s_i eta_i],
#               Z_bl = S_b - (l / nd_b) SD_b,  SD_b = sum_{D_b} w_j
# (Efron is Breslow for blocks of one event).  The loss is not separable; its
# value, gradient and the diagonal of its Hessian in eta are O(n) cumulative
# sums over the sorted samples: a backward pass for the risk sums (a running
# maximum m_b of eta over R_b keeps every exp(eta - m_b) <= 1: no overflow,
# and no underflow of a whole risk set), a forward one for the gradient.
# Certificate (docs/design.rst): the conjugate of D log sum_R s_j exp(eta_j) is
# D times the relative entropy sum p_j log(p_j / s_j) over distributions p on R,
# so l*(-Theta) <= sum_b D_b KL(p_b) for any p_b with sum_b Dw_b p_b - s y = -Theta;
# at the dual point t Theta (Theta = -grad l) the choice
# p_b = t pi_b + (1 - t) e_b (pi_b the softmax of eta over R_b, e_b the events'
# weights s_i / Dw_b over D_b) is feasible, and at t = 1 exact (Fenchel-Young).

cdef inline double _cox_xlogy(double x, double y) noexcept nogil:
    """x log y with 0 log(.) = 0."""
    return x * log(y) if x > 0.0 else 0.0


cdef inline Py_ssize_t _cox_work_size(Py_ssize_t n, Py_ssize_t nb) noexcept nogil:
    """Doubles of cox_work: the sums (7 nb + n), the eta they belong to (n), five
    more (the sums' valid flag, the value's valid flag, the value l(eta), the
    model's valid flag, its sum_i s_i curv_i), the model's r and curv (2 n)."""
    return 7 * nb + 4 * n + 5


cdef void _cox_sums(const glm_loss_t *L, const double *eta) noexcept nogil:
    """Per block (cox_work, 7 n_blocks + n doubles): S'_b, Sc'_b (non-events of R_b),
    SD'_b (events of block b), Mc'_b = sum_{R_b \\ D_b} w'_j (eta_j - m_b), m_b,
    Dw_b, nd_b, with w'_j = s_j exp(eta_j - m_b); and e_q = exp(eta_q - m_b) per
    sorted position q (of block b).

    Memoised: the work also keeps the eta the sums were computed at (n doubles)
    and a flag; an eta bitwise equal to it returns at once.  The driver asks for
    the sums at one eta up to six times in a row (the Newton model, the line
    search's start, the gap's dual point, primal value and up to three
    conjugates), and the exp and log of every sample dominate the loss's cost;
    the comparison is a memcmp of n doubles.  New sums invalidate the memoised
    value (``_cox_value``) and model (``_cox_model``)."""
    cdef Py_ssize_t g, b, q, i, nb = L.n_blocks
    cdef double *saved = L.cox_work + 7 * nb + L.n
    cdef double *valid = saved + L.n
    if valid[0] != 0.0 and memcmp(saved, eta, L.n * sizeof(double)) == 0:
        return
    cdef double *S = L.cox_work
    cdef double *Sc = S + nb
    cdef double *SD = S + 2 * nb
    cdef double *Mc = S + 3 * nb
    cdef double *mb = S + 4 * nb
    cdef double *Dw = S + 5 * nb
    cdef double *nd = S + 6 * nb
    cdef double *ev = S + 7 * nb
    cdef double m, top, f, run, runm, sc, mc, sd, dw, cnt, e, wq, v
    for g in range(L.n_strata):
        m = -INFINITY
        run = 0.0       # sum over the blocks after b of w' (shift m)
        runm = 0.0      # and of w' (eta - m)
        for b in range(L.strat_ptr[g + 1] - 1, L.strat_ptr[g] - 1, -1):
            top = m
            for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                v = eta[L.order[q]]
                if v > top:
                    top = v
            if top > m:
                if m > -INFINITY:
                    f = exp(m - top)
                    runm = f * (runm + (m - top) * run)
                    run *= f
                m = top
            sc = run
            mc = runm
            sd = 0.0
            dw = 0.0
            cnt = 0.0
            for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                i = L.order[q]
                e = exp(eta[i] - m)
                ev[q] = e
                wq = L.s[i] * e
                if L.y[i] != 0.0:
                    sd += wq
                    dw += L.s[i]
                    if L.s[i] > 0.0:
                        cnt += 1.0
                else:
                    sc += wq
                if wq > 0.0:
                    v = wq * (eta[i] - m)
                    runm += v
                    if L.y[i] == 0.0:
                        mc += v
                run += wq
            S[b] = sc + sd
            Sc[b] = sc
            SD[b] = sd
            Mc[b] = mc
            mb[b] = m
            Dw[b] = dw
            nd[b] = cnt
    memcpy(saved, eta, L.n * sizeof(double))
    valid[0] = 1.0
    valid[1] = 0.0
    valid[3] = 0.0


cdef double _cox_value(const glm_loss_t *L, const double *eta) noexcept nogil:
    """l(eta) (Breslow or Efron), in n F units; memoised with the sums (the line
    search asks for it at the point of the last gap, the gap at the accepted trial)."""
    cdef Py_ssize_t b, q, l, i, nb = L.n_blocks
    cdef double *S = L.cox_work
    cdef double *Sc = S + nb
    cdef double *SD = S + 2 * nb
    cdef double *mb = S + 4 * nb
    cdef double *Dw = S + 5 * nb
    cdef double *nd = S + 6 * nb
    cdef double *valid = S + 7 * nb + 2 * L.n
    cdef double acc = 0.0, wbar, k
    _cox_sums(L, eta)
    if valid[1] != 0.0:
        return valid[2]
    for b in range(nb):
        if not Dw[b] > 0.0:
            continue
        if L.efron and nd[b] > 1.0:
            wbar = Dw[b] / nd[b]
            k = nd[b]
            for l in range(<Py_ssize_t>k):
                acc += wbar * (log(Sc[b] + (1.0 - l / k) * SD[b]) + mb[b])
        else:
            acc += Dw[b] * (log(S[b]) + mb[b])
        for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
            i = L.order[q]
            if L.y[i] != 0.0 and L.s[i] != 0.0:
                acc -= L.s[i] * eta[i]
    valid[1] = 1.0
    valid[2] = acc
    return acc


cdef double _cox_model(const glm_loss_t *L, const double *eta, double *r,
                       double *curv) noexcept nogil:
    """Per unit weight: r_i = -(1/s_i) dl/deta_i = y_i - exp(eta_i) A_i and (curv not
    NULL) curv_i = (1/s_i) d2l/deta_i^2 = exp(eta_i) A_i - s_i exp(2 eta_i) A2_i
    (floored), A_i = sum over the blocks b whose risk set holds i of (Breslow)
    Dw_b / S_b, A2_i of Dw_b / S_b^2 (Efron: the event terms weighted by
    1 - l / nd_b, see docs/design.rst).  Returns sum_i s_i curv_i (0 if curv is NULL).

    Memoised with the sums: the gap's dual point asks for r at the eta where
    the next Newton model asks for r and curv."""
    cdef Py_ssize_t n = L.n
    cdef double *valid = L.cox_work + 7 * L.n_blocks + 2 * n
    cdef double *rm = valid + 5
    cdef double *cm = rm + n
    _cox_sums(L, eta)
    if valid[3] == 0.0:
        valid[4] = _cox_model_sums(L, rm, cm)
        valid[3] = 1.0
    memcpy(r, rm, n * sizeof(double))
    if curv == NULL:
        return 0.0
    memcpy(curv, cm, n * sizeof(double))
    return valid[4]


cdef double _cox_model_sums(const glm_loss_t *L, double *r, double *curv) noexcept nogil:
    """_cox_model's r and curv from the current sums (``_cox_sums`` done)."""
    cdef Py_ssize_t g, b, q, l, i, nb = L.n_blocks
    cdef double *S = L.cox_work
    cdef double *Sc = S + nb
    cdef double *SD = S + 2 * nb
    cdef double *mb = S + 4 * nb
    cdef double *Dw = S + 5 * nb
    cdef double *nd = S + 6 * nb
    cdef double *ev = S + 7 * nb
    cdef double At, A2t, mprev, f, ab, a2b, cb, c2b, wbar, k, z, c, A, A2, e, hsum = 0.0
    for g in range(L.n_strata):
        At = 0.0        # sum over the earlier blocks b' of Dw / S' scaled to shift m_b
        A2t = 0.0
        mprev = INFINITY
        for b in range(L.strat_ptr[g], L.strat_ptr[g + 1]):
            if mprev < INFINITY and mb[b] < mprev:
                f = exp(mb[b] - mprev)
                At *= f
                A2t *= f * f
            mprev = mb[b]
            ab = 0.0
            a2b = 0.0
            cb = 0.0
            c2b = 0.0
            if Dw[b] > 0.0:
                if L.efron and nd[b] > 1.0:
                    wbar = Dw[b] / nd[b]
                    k = nd[b]
                    for l in range(<Py_ssize_t>k):
                        c = 1.0 - l / k
                        z = 1.0 / (Sc[b] + c * SD[b])
                        ab += wbar * z
                        a2b += wbar * z * z
                        cb += wbar * c * z
                        c2b += wbar * c * c * z * z
                else:
                    ab = Dw[b] / S[b]
                    a2b = ab / S[b]
                    cb = ab
                    c2b = a2b
            for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                i = L.order[q]
                e = ev[q]
                if L.y[i] != 0.0:
                    A = At + cb
                    A2 = A2t + c2b
                    r[i] = 1.0 - e * A
                else:
                    A = At + ab
                    A2 = A2t + a2b
                    r[i] = -e * A
                c = e * A - L.s[i] * e * e * A2
                curv[i] = c if c > GLM_CURV_FLOOR else GLM_CURV_FLOOR
                hsum += L.s[i] * curv[i]
            At += ab
            A2t += a2b
    return hsum


cdef void _cox_dual_point(const glm_loss_t *L, const double *eta, double *a,
                          double *theta) noexcept nogil:
    """theta_i = -dl/deta_i (sums to 0 in every stratum: no intercept needed);
    a = eta (the conjugate recomputes its sums from it)."""
    cdef Py_ssize_t i
    _cox_model(L, eta, theta, NULL)
    for i in range(L.n):
        theta[i] *= L.s[i]
        a[i] = eta[i]


cdef double _cox_conjugate(const glm_loss_t *L, const double *eta, double t) noexcept nogil:
    """An upper bound on l*(-t Theta), Theta = -grad l(eta), exact at t = 1:
    sum_b Dw_b KL(p_b) with p_b = t pi_b + (1 - t) e_b (Efron: per term l, pi_bl
    the softmax with the event weights 1 - l / nd_b and KL relative to them)."""
    cdef Py_ssize_t b, q, l, i, nb = L.n_blocks
    cdef double *S = L.cox_work
    cdef double *Sc = S + nb
    cdef double *SD = S + 2 * nb
    cdef double *Mc = S + 3 * nb
    cdef double *Dw = S + 5 * nb
    cdef double *nd = S + 6 * nb
    cdef double *ev = S + 7 * nb
    cdef double acc = 0.0, blk, lt = log(t), wbar, k, c, z, u, e
    _cox_sums(L, eta)
    for b in range(nb):
        if not Dw[b] > 0.0:
            continue
        if L.efron and nd[b] > 1.0:
            wbar = Dw[b] / nd[b]
            k = nd[b]
            for l in range(<Py_ssize_t>k):
                c = 1.0 - l / k
                z = Sc[b] + c * SD[b]
                # non-events: p_j = t w'_j / Z, log(p_j / s_j) = log t + eta_j - m - log Z
                blk = t * ((lt - log(z)) * Sc[b] + Mc[b]) / z
                for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                    i = L.order[q]
                    if L.y[i] != 0.0 and L.s[i] > 0.0:
                        e = ev[q]
                        u = t * e / z
                        blk += _cox_xlogy(L.s[i] * (c * u + (1.0 - t) / Dw[b]),
                                          u + (1.0 - t) / (c * Dw[b]))
                acc += wbar * blk
        else:
            z = S[b]
            blk = t * ((lt - log(z)) * Sc[b] + Mc[b]) / z
            for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                i = L.order[q]
                if L.y[i] != 0.0 and L.s[i] > 0.0:
                    u = t * ev[q] / z + (1.0 - t) / Dw[b]
                    blk += _cox_xlogy(L.s[i] * u, u)
            acc += Dw[b] * blk
    return acc


cdef glm_loss_t _cox_loss_setup(const double[::1] event, const double[::1] s,
                                const Py_ssize_t[::1] order, const Py_ssize_t[::1] blk_ptr,
                                const Py_ssize_t[::1] strat_ptr, double[::1] work,
                                bint efron, str name) except *:
    """The glm_loss_t of a Cox problem after checking the arrays' shapes (the order
    and the blocks' content are trusted: built by penalized._cox)."""
    cdef glm_loss_t loss
    cdef Py_ssize_t n = event.shape[0], nb = blk_ptr.shape[0] - 1
    if (s.shape[0] != n or order.shape[0] != n or nb < 1 or strat_ptr.shape[0] < 2
            or blk_ptr[0] != 0 or blk_ptr[nb] != n or strat_ptr[0] != 0
            or strat_ptr[strat_ptr.shape[0] - 1] != nb
            or work.shape[0] < _cox_work_size(n, nb)):
        raise ValueError(f"{name}: inconsistent survival structure")
    memset(&loss, 0, sizeof(glm_loss_t))
    loss.kind = LOSS_COX
    loss.n = n
    loss.K = 1
    loss.y = &event[0]
    loss.s = &s[0]
    loss.order = &order[0]
    loss.blk_ptr = &blk_ptr[0]
    loss.strat_ptr = &strat_ptr[0]
    loss.n_blocks = nb
    loss.n_strata = strat_ptr.shape[0] - 1
    loss.cox_work = &work[0]
    loss.efron = efron
    loss.s_max = float(np.max(s))
    loss.modulus = 0.0
    return loss


def cox_terms(const double[::1] eta, const double[::1] event, const double[::1] s,
              const Py_ssize_t[::1] order, const Py_ssize_t[::1] blk_ptr,
              const Py_ssize_t[::1] strat_ptr, bint efron=False, t=None):
    """The native Cox loss at eta, for tests: (value, gradient (n,), curvature
    (n,), theta (the dual point), conjugate at t or None).  Gradient and curvature
    are dl/deta and the diagonal of the Hessian (not per unit weight)."""
    cdef Py_ssize_t n = event.shape[0], nb = blk_ptr.shape[0] - 1
    if eta.shape[0] != n:
        raise ValueError("cox_terms: eta must have one value per sample")
    work = np.zeros(_cox_work_size(n, nb))   # valid flag 0: no sums yet
    cdef double[::1] wv = work
    cdef glm_loss_t loss = _cox_loss_setup(event, s, order, blk_ptr, strat_ptr, wv, efron,
                                           "cox_terms")
    r = np.zeros(n)
    curv = np.zeros(n)
    a = np.zeros(n)
    th = np.zeros(n)
    cdef double[::1] rv = r, cv = curv, av = a, tv = th
    value = _loss_value(&loss, &eta[0])
    _loss_model(&loss, &eta[0], &rv[0], &cv[0], NULL)
    _loss_dual_point(&loss, &eta[0], False, &av[0], &tv[0])
    conj = None if t is None else _loss_conjugate(&loss, &av[0], float(t))
    sa = np.asarray(s)
    return value, -sa * r, sa * curv, th, conj


def cox_value_gradient(const double[::1] eta, const double[::1] event, const double[::1] s,
                       const Py_ssize_t[::1] order, const Py_ssize_t[::1] blk_ptr,
                       const Py_ssize_t[::1] strat_ptr, bint efron=False, bint gradient=False):
    """The native Cox loss l(eta) (sum scaling) and, with ``gradient``, Theta =
    -dl/deta (n,): the Python layer's loss (the null loss, alpha_max, the KKT
    check, CV deviances), the same O(n) sums as the solver's.  The arrays as
    for ``cox_solve``; tests compare it with the numpy ``penalized._cox.cox_loss``."""
    cdef Py_ssize_t i, n = event.shape[0], nb = blk_ptr.shape[0] - 1
    cdef double value
    if eta.shape[0] != n:
        raise ValueError("cox_value_gradient: eta must have one value per sample")
    work = np.zeros(_cox_work_size(n, nb))     # valid flag 0: no sums yet
    cdef double[::1] wv = work
    cdef glm_loss_t loss = _cox_loss_setup(event, s, order, blk_ptr, strat_ptr, wv, efron,
                                           "cox_value_gradient")
    with nogil:
        value = _cox_value(&loss, &eta[0])
    if not gradient:
        return value
    th = np.empty(n)
    cdef double[::1] tv = th
    with nogil:
        _cox_model(&loss, &eta[0], &tv[0], NULL)
        for i in range(n):
            tv[i] *= s[i]
    return value, th


def cox_solve(Design design, double[::1] w, double[::1] b, double[::1] eta,
              const double[::1] event,
              const double[::1] s, const Py_ssize_t[::1] order,
              const Py_ssize_t[::1] blk_ptr, const Py_ssize_t[::1] strat_ptr, str ties,
              double L1, double L2, double tol_abs, Py_ssize_t max_newton=100,
              Py_ssize_t max_epochs=10000, Py_ssize_t p0=10, double l1_prev=0.0,
              l1_weights=None, l2_weights=None, excluded=None, offset=None, groups=None,
              lower_bounds=None, upper_bounds=None):
    """Minimise the penalised Cox n F(w) = l(X w + offset) + L1 ||w||_1 + L2/2 ||w||^2
    natively, in place (no intercept; see ``_glm_solve``).

    ``design``: Design(X, None, fit_intercept) of raw X.  w (p,), b (1,) and
    eta = X w + b (+ offset) (n,) are the warm start, updated in place (b is a
    constant shift of eta, which the loss ignores; 0 without centring); ``event`` (n,) 1.0 for an event,
    0.0 for censoring; ``s`` the sample weights (summing to n).  ``order`` sorts
    the samples by stratum then time; ``blk_ptr`` (n_blocks + 1) cuts it into tie
    blocks, ``strat_ptr`` (n_strata + 1) the blocks into strata (built and checked
    by penalized._cox).  ``ties``: 'breslow' or 'efron'.  Other arguments as in
    ``log_link_solve``.  The dual is not strongly concave: no gap-safe screening.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t n = D.n, p = D.p, nb = blk_ptr.shape[0] - 1
    _check_glm_arrays(design, 1, np.asarray(w).reshape(-1, 1), b,
                      np.asarray(eta).reshape(-1, 1), s, event, L1, L2, max_newton,
                      max_epochs, p0, "cox_solve")
    # a centred design (Design(X, None, True)) makes the driver carry a constant
    # shift of eta as an intercept, which the loss ignores (better-conditioned
    # models for columns far from 0); b then holds that shift
    if ties not in ("breslow", "efron"):
        raise ValueError(f"cox_solve: unknown ties {ties!r}")
    work = np.zeros(_cox_work_size(n, nb))   # valid flag 0: no sums yet
    cdef double[::1] wv = work
    cdef glm_loss_t loss = _cox_loss_setup(event, s, order, blk_ptr, strat_ptr, wv,
                                           ties == "efron", "cox_solve")
    return _glm_entry(D, &loss, &w[0] if p else NULL, &b[0], &eta[0], L1, L2, False,
                      tol_abs, max_newton, max_epochs, p0, l1_prev, design.dtype,
                      l1_weights, l2_weights, excluded, offset, groups, lower_bounds,
                      upper_bounds)


# The Cox Newton model's solver.  The driver's weighted least-squares model of a
# Cox step (``_least_squares_direction``) is small (the GLM working set) and only
# has to give a descent direction: the prox-Newton loop certifies every point by
# the Cox duality gap itself.  The core's certified Lasso solve (``_solve``: its
# own working sets and a certified gap every few epochs, each with a residual
# refresh) cost more than the epochs themselves on these models (a callgrind of a
# tall path: gap checks and refreshes 32% of the native time, epochs 19%).  This
# plain cyclic coordinate descent stops on the model's own decrease instead:
# each exact coordinate step's decrease of the model is known in closed form, and
# an epoch whose decrease is at most COX_CD_RATIO x (model_rel / GLM_MODEL_FORCING)
# x the first epoch's decrease ends the solve (a relative forcing term: the
# driver shrinks model_rel tenfold after a step that did not decrease F, so the
# next model is solved more accurately).  Used for dense float64 designs without
# unpenalized features and groups (the others keep the core's solver: its
# residual refreshes, the free block, the group solver).

DEF COX_CD_RATIO = 1e-3


cdef inline double _cox_centred_dot(Py_ssize_t n, const double *x, double xm,
                                    const double *h, const double *r) noexcept nogil:
    """sum_i h_i (x_i - xm) r_i, the centred column entry by entry (four partial sums)."""
    cdef Py_ssize_t i, n4 = n - n % 4
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    for i in range(0, n4, 4):
        a0 += h[i] * (x[i] - xm) * r[i]
        a1 += h[i + 1] * (x[i + 1] - xm) * r[i + 1]
        a2 += h[i + 2] * (x[i + 2] - xm) * r[i + 2]
        a3 += h[i + 3] * (x[i + 3] - xm) * r[i + 3]
    for i in range(n4, n):
        a0 += h[i] * (x[i] - xm) * r[i]
    return (a0 + a1) + (a2 + a3)


cdef solve_info_t _cox_model_cd(const design_t *D, double *w, double *res, const pen_t *P,
                                double model_rel, Py_ssize_t max_epochs) noexcept nogil:
    """Cyclic coordinate descent on the model 1/2 ||res||_S^2 + pen over D's
    columns (DENSE, float64) from w (res the model's residual at w, centred as in
    ``_solve``), until an epoch decreases the model by at most a fraction of the
    first epoch's decrease (see above).  The columns are centred entry by entry in
    the products and the residual updates (no running shift: a column far from 0,
    X + 1e4, would cost its digits in the cancellation of the shift's terms).
    Fills n_epochs (and interrupted); res is the residual at the returned w."""
    cdef solve_info_t info
    cdef Py_ssize_t i, j, n = D.n, m = D.p
    cdef const double *h = <const double *>D.sw
    cdef const double *x
    cdef double Lj, wj, z, new, l1, l2, dec, delta, xm, stop = 0.0
    cdef double rel = COX_CD_RATIO * model_rel / GLM_MODEL_FORCING
    memset(&info, 0, sizeof(solve_info_t))
    while info.n_epochs < max_epochs:
        dec = 0.0
        for j in range(m):
            Lj = D.col_sqnorm[j]
            if Lj <= 0.0:
                continue
            x = <const double *>D.X + j * n
            xm = D.x_mean[j] if D.x_mean != NULL else 0.0
            wj = w[j]
            z = _cox_centred_dot(n, x, xm, h, res) + Lj * wj
            l1 = _l1j(P, j)
            l2 = _l2j(P, j)
            new = _enet_prox(z, Lj, l1, l2, _loj(P, j), _hij(P, j))
            if new != wj:
                # the exact decrease of (L + l2)/2 u^2 - z u + l1 |u| from wj to new
                dec += ((Lj + l2) * 0.5 * (wj * wj - new * new) - z * (wj - new)
                        + l1 * (fabs(wj) - fabs(new)))
                delta = new - wj
                for i in range(n):
                    res[i] -= delta * (x[i] - xm)
                w[j] = new
        info.n_epochs += 1
        if info.n_epochs == 1:
            stop = rel * dec
        if not dec > stop:
            break
        if info.n_epochs % 64 == 0 and _interrupted():
            info.interrupted = True
            break
    return info


# The Cox Newton model with the loss's full Hessian on the block.  The diagonal
# model above keeps only diag(H) of the Hessian in eta, H = diag(w A) - sum_b
# Dw_b / S_b^2 w_R_b w_R_b^T (Breslow; w_j = s_j exp(eta_j)): its Newton steps
# converge linearly, four to sixteen per path point on the bundled survival
# sets.  On a small block (m columns) the block's Hessian itself,
#     X^T H X = sum_i s_i e_i A_i x_i x_i^T - sum_b Dw_b xbar_b xbar_b^T,
#     xbar_b = sum_{R_b} w_j x_j / S_b (the risk set's weighted mean),
# costs two rank-k updates of an m x m matrix (n and n_event_blocks rows) and
# one backward pass over the sorted samples for the risk sets' means; the
# model g^T d + 1/2 d^T (X^T H X) d + pen(w + d) is then solved by coordinate
# descent on that matrix (an epoch costs m^2, not 2 n m), and the prox-Newton
# steps converge quadratically near the optimum.  H annihilates constants
# (every risk set's shift), so the columns are centred (better conditioned);
# the driver certifies every point by its duality gap as before.  Breslow only
# (Efron with tied events keeps the diagonal model); blocks of at most
# COX_NEWTON_MAX_M columns whose n x m scratch holds at most COX_NEWTON_MAX_NM
# doubles (128 MB).  Measured (issue 19, synthetic 1000 x 200 path, blocks up to
# ~200 columns): the limit 96 -> 256 took the path 0.24 -> 0.12 s, the n m^2
# products costing less than the diagonal model's extra Newton steps; wider
# blocks are untested and keep the diagonal model.

from scipy.linalg.cython_blas cimport dsyrk

DEF COX_NEWTON_MAX_M = 256
DEF COX_NEWTON_MAX_NM = 16777216
DEF COX_NEWTON_RATIO = 1e-6


cdef void _cox_block_hessian(const design_t *D, const glm_loss_t *L, const double *r,
                             double scale, double *G, double *grad, double *Z, double *Y,
                             double *u, double *fb) noexcept nogil:
    """G (m x m, column-major, both triangles) = scale X_c^T H X_c and grad (m) =
    scale X^T dl/deta at the eta of the memoised sums (``_cox_sums`` and
    ``_cox_model`` done there; r its residual per unit weight).  Scratch: Z (n x m),
    Y (n_blocks x m), u (n), fb (n_blocks)."""
    cdef Py_ssize_t g, b, q, i, j, k, n = D.n, m = D.p, nb = L.n_blocks, ny = 0, row
    cdef int mi = <int>m, ni = <int>n, nyi, ldy = <int>nb
    cdef double *S = L.cox_work
    cdef double *mb = S + 4 * nb
    cdef double *Dw = S + 5 * nb
    cdef double *ev = S + 7 * nb
    cdef const double *x
    cdef double xm, f, h, v, acc, one = 1.0, zero = 0.0
    cdef char uplo = b'L', trans = b'T'
    # first term: rows sqrt(s_i e_i A_i) (x_i - xm), e_i A_i = y_i - r_i
    for i in range(n):
        h = L.s[i] * (L.y[i] - r[i])
        u[i] = sqrt(h) if h > 0.0 else 0.0
    for j in range(m):
        x = <const double *>D.X + j * n
        xm = D.x_mean[j] if D.x_mean != NULL else 0.0
        acc = 0.0
        for i in range(n):
            Z[i + j * n] = u[i] * (x[i] - xm)
            acc += L.s[i] * r[i] * x[i]
        grad[j] = -scale * acc
    # second term: rows sqrt(Dw_b) (xbar_b - xm) over the blocks with events; the
    # risk sums run backward, rescaled where the running maximum m_b changes
    for q in range(n):
        u[q] = L.s[L.order[q]] * ev[q]
    for g in range(L.n_strata):
        for b in range(L.strat_ptr[g], L.strat_ptr[g + 1]):
            fb[b] = 1.0
            if b + 1 < L.strat_ptr[g + 1] and mb[b] != mb[b + 1]:
                fb[b] = exp(mb[b + 1] - mb[b])
    for j in range(m):
        x = <const double *>D.X + j * n
        xm = D.x_mean[j] if D.x_mean != NULL else 0.0
        row = 0
        for g in range(L.n_strata):
            v = 0.0
            for b in range(L.strat_ptr[g + 1] - 1, L.strat_ptr[g] - 1, -1):
                v *= fb[b]
                for q in range(L.blk_ptr[b], L.blk_ptr[b + 1]):
                    v += u[q] * x[L.order[q]]
                if Dw[b] > 0.0:
                    h = sqrt(Dw[b])
                    Y[row + j * nb] = h * (v / S[b] - xm)
                    row += 1
        ny = row
    dsyrk(&uplo, &trans, &mi, &ni, &scale, Z, &ni, &zero, G, &mi)
    nyi = <int>ny
    f = -scale
    if ny > 0:
        dsyrk(&uplo, &trans, &mi, &nyi, &f, Y, &ldy, &one, G, &mi)
    for k in range(m):
        for j in range(k + 1, m):
            G[k + j * m] = G[j + k * m]


cdef bint _cox_newton_model(const design_t *D, const glm_loss_t *L, const double *r,
                            double scale, double *w, const pen_t *P, double model_rel,
                            Py_ssize_t max_epochs, solve_info_t *info) noexcept nogil:
    """The full-Hessian Newton model (see above) on D's columns (DENSE, float64),
    scaled by ``scale`` as the caller's weighted least-squares model (its pen), solved
    by coordinate descent from w in place until an epoch decreases it by at most
    COX_NEWTON_RATIO x (model_rel / GLM_MODEL_FORCING) x the first epoch's decrease.
    False (w untouched) where it does not apply (Efron with tied events, a block
    wider than COX_NEWTON_MAX_M or too tall for COX_NEWTON_MAX_NM, no memory): the
    caller uses the diagonal model."""
    cdef Py_ssize_t j, k, n = D.n, m = D.p, nb = L.n_blocks
    cdef double *nd = L.cox_work + 6 * nb
    cdef double *buf
    cdef double *G
    cdef double *grad
    cdef double *Z
    cdef double *Y
    cdef double *u
    cdef double *fb
    cdef double Ljj, z, new, uj, l1, l2, dec, delta, top = 0.0, stop = 0.0
    cdef double rel = COX_NEWTON_RATIO * model_rel / GLM_MODEL_FORCING
    if m < 1 or m > COX_NEWTON_MAX_M or n * m > COX_NEWTON_MAX_NM:
        return False
    if L.efron:
        for k in range(nb):
            if nd[k] > 1.0:
                return False
    buf = <double *>malloc((m * m + m + (n + nb) * (m + 1)) * sizeof(double))
    if buf == NULL:
        return False
    G = buf
    grad = G + m * m
    Z = grad + m
    Y = Z + n * m
    u = Y + nb * m
    fb = u + n
    _cox_block_hessian(D, L, r, scale, G, grad, Z, Y, u, fb)
    for j in range(m):
        if G[j + j * m] > top:
            top = G[j + j * m]
    memset(info, 0, sizeof(solve_info_t))
    while info.n_epochs < max_epochs:
        dec = 0.0
        for j in range(m):
            Ljj = G[j + j * m]
            if not Ljj > 1e-12 * top:
                continue
            uj = w[j]
            z = Ljj * uj - grad[j]
            l1 = _l1j(P, j)
            l2 = _l2j(P, j)
            new = _enet_prox(z, Ljj, l1, l2, _loj(P, j), _hij(P, j))
            if new != uj:
                dec += ((Ljj + l2) * 0.5 * (uj * uj - new * new) - z * (uj - new)
                        + l1 * (fabs(uj) - fabs(new)))
                delta = new - uj
                for k in range(m):
                    grad[k] += delta * G[k + j * m]
                w[j] = new
        info.n_epochs += 1
        if info.n_epochs == 1:
            stop = rel * dec
        if not dec > stop:
            break
        if info.n_epochs % 256 == 0 and _interrupted():
            info.interrupted = True
            break
    free(buf)
    return True
