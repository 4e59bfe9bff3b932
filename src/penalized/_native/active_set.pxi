# Included by _core.pyx: the one outer working-set routine of every native solver.
#
# The elastic net (``_solve``, least_squares.pxi), the block solver of the group and
# multi-task models (``_group_fresh_solve``, blocks.pxi) and the GLM driver
# (``_glm_solve``, glm.pxi) are one loop, ``_outer_solve`` (Massias,
# Gramfort, Salmon 2018, "Celer"; Ndiaye et al. 2017; Tibshirani et al. 2012):
#
#   1. a gap check over the candidates (features or groups still in play);
#   2. stop at gap <= tol_abs, when the budget is spent, when only the rounding
#      terms keep the gap above tol_abs, or when the solve has stalled;
#   3. the gap-safe test removes the candidates proved inactive at the optimum;
#   4. the working set: the candidates closest to their dual constraint (the
#      core's ``_select_working_set``), of a size from one rule
#      (``_ws_size_rule``): the sequential strong set on a path's first round,
#      twice the support after a halved gap, else doubled;
#   5. an inner solve on the working set to ``inner_ratio`` times the gap, or
#      to tol_abs once the set is likely the final one (it holds every
#      candidate, or every candidate that violates its dual constraint).
#
# The problem is a plug-in (``outer_t.kind``): its check, screening test,
# support count, ranking and inner solve are called by enum dispatch once per
# outer round, never per coordinate:
#   OUTER_LEAST_SQUARES  ls_outer_t (least_squares.pxi): the elastic net, coordinate
#                        descent with Newton steps on the support;
#   OUTER_BLOCKS         block_outer_t (blocks.pxi): group / multi-task blocks,
#                        block coordinate descent with Anderson acceleration;
#   OUTER_GLM            glm_outer_t (glm.pxi): any GLM loss, features
#                        or groups, proximal Newton on the working set.
# The derivations are in docs/design.rst ("The outer loop").

# ---------------------------------------------------------------------------
# Working-set selection helpers
# ---------------------------------------------------------------------------

cdef struct keyed_t:
    double key
    Py_ssize_t j


cdef inline bint _keyed_less(keyed_t a, keyed_t b) noexcept nogil:
    return a.key < b.key or (a.key == b.key and a.j < b.j)


cdef void _heap_sift_down(keyed_t *h, Py_ssize_t size, Py_ssize_t i) noexcept nogil:
    """Restore the max-heap order below node i."""
    cdef Py_ssize_t c
    cdef keyed_t t
    while True:
        c = 2 * i + 1
        if c >= size:
            return
        if c + 1 < size and _keyed_less(h[c], h[c + 1]):
            c += 1
        if not _keyed_less(h[i], h[c]):
            return
        t = h[i]; h[i] = h[c]; h[c] = t
        i = c


cdef int _cmp_index(const void *a, const void *b) noexcept nogil:
    cdef Py_ssize_t ia = (<const Py_ssize_t *>a)[0], ib = (<const Py_ssize_t *>b)[0]
    return (ia > ib) - (ia < ib)


cdef bint _interrupted() noexcept nogil:
    """True if a signal handler raised (Ctrl-C); the exception is cleared here
    and re-raised as KeyboardInterrupt by the Python entry point."""
    cdef int rc
    with gil:
        rc = PyErr_CheckSignals()
        if rc != 0:
            PyErr_Clear()
    return rc != 0


cdef struct solve_info_t:
    bint interrupted
    double gap
    double rounding     # the part of gap that is rounding (see dual_t.rnd)
    double primal
    Py_ssize_t n_epochs
    Py_ssize_t n_screened
    Py_ssize_t n_outer
    Py_ssize_t n_newton
    # work counters, in stored entries of X read (see _col_entries; DENSE/CSC)
    Py_ssize_t n_full       # correlation passes over the candidates (outer gap checks)
    double full_cols        # columns read by them
    double full_entries
    double ws_cols          # columns read by the working-set column products
    double ws_entries       #   (epochs and the subproblem's gap checks)
    double axpy_entries     # entries read by residual updates and refreshes


cdef Py_ssize_t _select_working_set(const design_t *D, const floating *w,
                                    const Py_ssize_t *cand, Py_ssize_t n_cand,
                                    const double *corr, const floating *w_pt,
                                    double scale, const pen_t *P,
                                    Py_ssize_t ws_size, workspace_t *wk) noexcept nogil:
    """The ws_size candidates closest to their dual constraint, free features and
    non-zeros first.

    Distance of feature j: (l1_j - |x_j^T theta|) / ||x_j|| (Celer's ranking;
    augmented norm, only the signs the box allows).
    The ws_size smallest are kept in a bounded max-heap, O(n_cand log ws_size)
    time and O(ws_size) memory.  The working set wk.ws is returned sorted by
    feature index for memory locality.
    """
    cdef Py_ssize_t k, j, size = 0
    cdef double v, l2j
    cdef keyed_t item, t
    cdef keyed_t *heap
    cdef Py_ssize_t *ws = wk.ws
    if ws_size < n_cand and ws_size > wk.keys_cap:
        heap = <keyed_t *>realloc(wk.keys, ws_size * sizeof(keyed_t))
        if heap == NULL:
            ws_size = n_cand     # no memory to rank: take every candidate
        else:
            wk.keys = heap
            wk.keys_cap = ws_size
    if ws_size >= n_cand:
        for k in range(n_cand):
            ws[k] = cand[k]
        return n_cand
    heap = wk.keys
    for k in range(n_cand):
        j = cand[k]
        item.j = j
        if _is_free(P, j):
            item.key = -2.0
        elif w[j] != 0.0:
            item.key = -1.0
        else:
            l2j = _l2j(P, j)
            v = _reach(scale * (corr[j] - l2j * w_pt[j]), 0.0, _loj(P, j), _hij(P, j))
            item.key = (_l1j(P, j) - v) / sqrt(D.col_sqnorm[j] + l2j)
        if size < ws_size:
            # sift up
            j = size
            size += 1
            heap[j] = item
            while j > 0 and _keyed_less(heap[(j - 1) // 2], heap[j]):
                t = heap[j]; heap[j] = heap[(j - 1) // 2]; heap[(j - 1) // 2] = t
                j = (j - 1) // 2
        elif _keyed_less(item, heap[0]):
            heap[0] = item
            _heap_sift_down(heap, size, 0)
    for k in range(ws_size):
        ws[k] = heap[k].j
    qsort(ws, ws_size, sizeof(Py_ssize_t), _cmp_index)
    return ws_size



DEF OUTER_STALL_ROUNDS = 5      # rounds without progress that end a solve
DEF OUTER_GAP_PROGRESS = 0.99   # STALL_GAP: progress is the gap below this x its best

cdef enum:
    OUTER_LEAST_SQUARES = 0
    OUTER_BLOCKS = 1
    OUTER_GLM = 2

cdef enum:
    # what "no progress" means for the stall rule
    STALL_PRIMAL = 0    # F not lower by ``ulps`` (relative) on a round over every
                        # candidate: the rounding floor of X's dtype
    STALL_GAP = 1       # the gap not below OUTER_GAP_PROGRESS x its best (any round)


cdef struct outer_t:
    # set by the caller
    int kind                # OUTER_*
    void *prob              # the plug-in's problem and state (ls_outer_t, ...)
    workspace_t *wk         # wk.cand[0..n_cand), wk.ws[0..ws_size), the ranking heap
    Py_ssize_t n_cand       # the candidates (set up by the caller)
    double l1               # the L1 level: screening and working sets need l1 > 0
    double l1_prev          # the previous alpha's on a path (strong rule if > l1), else 0
    double tol_abs
    double inner_ratio      # an inner solve's target, times the gap
    double ulps             # STALL_PRIMAL: 16 units of rounding of X's dtype
    Py_ssize_t p0           # the first working-set size
    Py_ssize_t min_size     # the smallest working set
    int stall               # STALL_*
    bint screening          # the gap-safe test (the dual is strongly concave)
    bint use_ws             # working sets (else every candidate, every round)
    bint prune              # after a halved gap, 2 nnz (Celer's pruning), not doubled
    bint final_if_no_violator   # inner to tol_abs when no candidate left out violates
    # set by the plug-in's check
    double gap
    double primal
    double rnd              # the part of gap that is rounding (0: none)
    bint exhausted          # the budget is spent, or interrupted: stop after this check
    bint certified          # this check's certificate is final (else, before stopping,
                            # the loop asks for a check with final = True)
    bint abort              # set by the inner solve: stop now, without a check
    # the loop's state
    Py_ssize_t ws_size
    Py_ssize_t n_outer
    Py_ssize_t n_screened
    Py_ssize_t stalls
    double prev_gap
    double best             # the best F (STALL_PRIMAL) or gap (STALL_GAP) so far
    bint all_in             # the last working set held every candidate


cdef void _outer_init(outer_t *A, int kind, void *prob, workspace_t *wk, double l1,
                      double l1_prev, double tol_abs, double inner_ratio,
                      Py_ssize_t p0) noexcept nogil:
    """The common fields; the defaults: every option on, pruning, STALL_PRIMAL."""
    memset(A, 0, sizeof(outer_t))
    A.kind = kind
    A.prob = prob
    A.wk = wk
    A.l1 = l1
    A.l1_prev = l1_prev
    A.tol_abs = tol_abs
    A.inner_ratio = inner_ratio
    A.p0 = p0
    A.min_size = 1
    A.stall = STALL_PRIMAL
    A.screening = True
    A.use_ws = True
    A.prune = True
    A.certified = True


cdef inline Py_ssize_t _ws_size_rule(Py_ssize_t size, bint has_strong, Py_ssize_t nnz,
                                     Py_ssize_t strong, double gap, double prev_gap,
                                     Py_ssize_t p0, Py_ssize_t n_cand, bint prune,
                                     Py_ssize_t min_size) noexcept nogil:
    """The next working-set size (features or groups): the strong set on a path's
    first round (nnz + strong), 2 nnz after a halved gap (with ``prune``), else
    doubled (p0 first); never below 2 nnz except for the strong set; clipped to
    n_cand, then raised to min_size (the ranking clips again)."""
    if has_strong:
        size = nnz + strong
    elif prune and size > 0 and not gap > 0.5 * prev_gap:
        size = 2 * nnz if 2 * nnz > p0 else p0
    else:
        size = p0 if size == 0 else 2 * size
        if size < 2 * nnz:
            size = 2 * nnz
    if size > n_cand:
        size = n_cand
    if size < min_size:
        size = min_size
    return size if size >= 1 else 1


cdef void _support_counts(const Py_ssize_t *cand, Py_ssize_t n_cand, const floating *nz,
                          const double *mag, const double *weight, double l1,
                          double l1_prev, bint strong_rule, bint violators,
                          Py_ssize_t *counts) noexcept nogil:
    """counts[0]: candidates with nz != 0; counts[1] (``strong_rule``): the zero
    ones in the sequential strong set, |mag_j| >= (2 l1 - l1_prev) weight_j
    (Tibshirani et al. 2012); counts[2] (``violators``): those violating their
    dual constraint, mag_j > l1 weight_j.  weight NULL: ones."""
    cdef Py_ssize_t c, j
    cdef double wj, thr = 2.0 * l1 - l1_prev
    counts[0] = 0
    counts[1] = 0
    counts[2] = 0
    for c in range(n_cand):
        j = cand[c]
        wj = 1.0 if weight == NULL else weight[j]
        if nz[j] != 0.0:
            counts[0] += 1
        elif strong_rule and fabs(mag[j]) >= thr * wj:
            counts[1] += 1
        if violators and mag[j] > l1 * wj:
            counts[2] += 1


cdef Py_ssize_t _count_violators(const Py_ssize_t *ws, Py_ssize_t size, const double *mag,
                                 const double *weight, double l1) noexcept nogil:
    """Members j of ws with mag_j > l1 weight_j (weight NULL: ones)."""
    cdef Py_ssize_t c, count = 0
    for c in range(size):
        if mag[ws[c]] > l1 * (1.0 if weight == NULL else weight[ws[c]]):
            count += 1
    return count


cdef inline bint _outer_improved(const outer_t *A) noexcept nogil:
    if A.stall == STALL_GAP:
        # tol = 0 asks for the whole budget: every round is progress then
        return (A.gap < OUTER_GAP_PROGRESS * A.best or A.tol_abs <= 0.0
                or A.gap == INFINITY)
    return A.best == INFINITY or A.primal < A.best - A.ulps * fabs(A.best)


cdef inline bint _outer_counts_stall(const outer_t *A) noexcept nogil:
    # STALL_PRIMAL counts only rounds that solved every candidate: a smaller
    # working set can leave F unchanged for a round without being stuck
    return A.stall == STALL_GAP or (A.n_outer > 0 and A.all_in)


cdef inline bint _outer_should_stop(const outer_t *A) noexcept nogil:
    """After a check: converged, out of budget, at the rounding floor, or stalled."""
    if A.gap <= A.tol_abs or A.exhausted or A.gap - A.rnd <= A.tol_abs:
        return True
    return (not _outer_improved(A) and _outer_counts_stall(A)
            and A.stalls + 1 >= OUTER_STALL_ROUNDS)


cdef inline void _outer_progress(outer_t *A) noexcept nogil:
    if _outer_improved(A):
        A.best = A.gap if A.stall == STALL_GAP else A.primal
        A.stalls = 0
    elif _outer_counts_stall(A):
        A.stalls += 1


cdef void _outer_solve(outer_t *A, floating *tag) noexcept nogil:
    """The outer working-set loop (see the head of this file).  ``tag`` only
    selects the precision of the plug-in's arrays (X's dtype)."""
    cdef Py_ssize_t counts[3]       # nnz, strong, violators among the candidates
    cdef Py_ssize_t size, viol_ws = 0
    cdef double inner_tol
    cdef bint has_strong, final
    A.ws_size = 0
    A.n_outer = 0
    A.n_screened = 0
    A.stalls = 0
    A.prev_gap = INFINITY
    A.best = INFINITY
    A.all_in = False
    A.abort = False
    while True:
        _outer_check(A, False, tag)
        if A.n_outer == 0 and A.kind != OUTER_GLM and A.wk.model_rel > 0.0:
            # an inexact Newton model: solved relative to its own first gap
            inner_tol = A.wk.model_rel * A.gap
            if inner_tol < A.wk.model_floor:
                inner_tol = A.wk.model_floor
            if inner_tol < A.tol_abs:
                A.tol_abs = inner_tol
        if _outer_should_stop(A) and not A.certified:
            _outer_check(A, True, tag)
        if _outer_should_stop(A):
            break
        _outer_progress(A)
        A.n_outer += 1
        if A.screening and A.l1 > 0.0:
            _outer_screen(A, tag)
        final = not (A.use_ws and A.l1 > 0.0)
        has_strong = _outer_support(A, not final and A.ws_size == 0 and A.l1_prev > A.l1,
                                    counts, tag)
        if final:
            size = A.n_cand
        else:
            size = _ws_size_rule(A.ws_size, has_strong, counts[0], counts[1], A.gap,
                                 A.prev_gap, A.p0, A.n_cand, A.prune, A.min_size)
        A.ws_size = _outer_select(A, size, &viol_ws, tag)
        A.all_in = A.ws_size >= A.n_cand
        final = A.all_in or (A.final_if_no_violator and viol_ws == counts[2])
        inner_tol = A.tol_abs if final else A.inner_ratio * A.gap
        if inner_tol < A.tol_abs:
            inner_tol = A.tol_abs
        A.prev_gap = A.gap
        _outer_inner(A, inner_tol, tag)
        if A.abort:
            break
    _outer_finish(A, tag)


# ---------------------------------------------------------------------------
# Dispatch to the plug-ins (once per outer round)
# ---------------------------------------------------------------------------

cdef inline void _outer_check(outer_t *A, bint final, floating *tag) noexcept nogil:
    """The gap check: A.gap, A.primal, A.rnd, A.exhausted, A.certified."""
    if A.kind == OUTER_LEAST_SQUARES:
        _ls_check(A, <ls_outer_t *>A.prob, tag)
    elif A.kind == OUTER_BLOCKS:
        _block_check(A, <block_outer_t *>A.prob, final, tag)
    else:
        _glm_check(A, <glm_outer_t *>A.prob, tag)


cdef inline void _outer_screen(outer_t *A, floating *tag) noexcept nogil:
    """The gap-safe test: candidates proved inactive leave wk.cand (zeroed)."""
    cdef Py_ssize_t m
    if A.kind == OUTER_LEAST_SQUARES:
        m = _ls_screen(A, <ls_outer_t *>A.prob, tag)
    elif A.kind == OUTER_BLOCKS:
        m = _block_screen(A, <block_outer_t *>A.prob, tag)
    else:
        m = _glm_screen(A, <glm_outer_t *>A.prob, tag)
    A.n_screened += A.n_cand - m
    A.n_cand = m


cdef inline bint _outer_support(outer_t *A, bint strong_rule, Py_ssize_t *counts,
                                floating *tag) noexcept nogil:
    """``_support_counts`` of the candidates; returns whether the strong rule applied."""
    if A.kind == OUTER_LEAST_SQUARES:
        return _ls_support(A, <ls_outer_t *>A.prob, strong_rule, counts, tag)
    elif A.kind == OUTER_BLOCKS:
        return _block_support(A, <block_outer_t *>A.prob, counts, tag)
    return _glm_support(A, <glm_outer_t *>A.prob, strong_rule, counts, tag)


cdef inline Py_ssize_t _outer_select(outer_t *A, Py_ssize_t size, Py_ssize_t *viol_ws,
                                     floating *tag) noexcept nogil:
    """The working set wk.ws of about ``size`` candidates; returns its size (in
    candidates) and, with final_if_no_violator, its violators in viol_ws."""
    if A.kind == OUTER_LEAST_SQUARES:
        return _ls_select(A, <ls_outer_t *>A.prob, size, tag)
    elif A.kind == OUTER_BLOCKS:
        return _block_select(A, <block_outer_t *>A.prob, size, tag)
    return _glm_select(A, <glm_outer_t *>A.prob, size, viol_ws, tag)


cdef inline void _outer_inner(outer_t *A, double inner_tol, floating *tag) noexcept nogil:
    """The inner solve on wk.ws to inner_tol."""
    if A.kind == OUTER_LEAST_SQUARES:
        _ls_inner(A, <ls_outer_t *>A.prob, inner_tol, tag)
    elif A.kind == OUTER_BLOCKS:
        _block_inner(A, <block_outer_t *>A.prob, inner_tol, tag)
    else:
        _glm_inner(A, <glm_outer_t *>A.prob, inner_tol, tag)


cdef inline void _outer_finish(outer_t *A, floating *tag) noexcept nogil:
    if A.kind == OUTER_LEAST_SQUARES:
        _ls_finish(A, <ls_outer_t *>A.prob, tag)
    elif A.kind == OUTER_BLOCKS:
        _block_finish(A, <block_outer_t *>A.prob, tag)
