# Included by _core.pyx (see its docstring for the layout).

# Dual extrapolation (Massias, Gramfort, Salmon 2018, "Celer", sec. 3): from
# K + 1 residuals r_0..r_K of successive checkpoints, U = [r_1 - r_0, ...,
# r_K - r_{K-1}], solve (U^T U) z = 1, c = z / sum(z), r_acc = sum_k c_k r_k.
# With sum(c) = 1, r_acc is the residual of w_acc = sum_k c_k w_k, so it is a
# legitimate dual candidate whatever c is; it is kept only when it is better.
DEF EXTRAP_K = 5


cdef struct extrap_t:
    void *hist_res      # (K + 1) x n_res snapshots, oldest first
    void *hist_val      # non-zeros of w on the tracked features, snapshot after
    Py_ssize_t *hist_ix # snapshot (entries off[k] .. off[k+1] - 1)
    Py_ssize_t off[EXTRAP_K + 2]
    Py_ssize_t arena_cap
    void *res_acc       # n_res
    void *w_acc         # p
    const Py_ssize_t *idx   # the tracked features (the working set of this
    Py_ssize_t m            # phase, borrowed): w moves only there meanwhile
    bint off_mem        # no memory for the history: extrapolation skipped
    Py_ssize_t count    # snapshots stored (at most K + 1)
    Py_ssize_t stamp    # epoch counter at the last snapshot (no duplicates)


cdef inline void _track(extrap_t *ex, const Py_ssize_t *idx, Py_ssize_t m) noexcept nogil:
    """Start a new history over the features idx[:m] (w moves only there).

    Snapshots store w sparsely (its non-zeros there), so the history costs
    O(K nnz(w)) memory however large the working set.
    """
    ex.count = 0
    ex.off[0] = 0
    ex.idx = idx
    ex.m = m
    ex.off_mem = False


cdef bint _solve_small(double *M, double *b, int K) noexcept nogil:
    """Solve M z = b in place (z in b) by Gaussian elimination with pivoting."""
    cdef int i, j, k, piv
    cdef double t, big = 0.0
    for i in range(K):
        if fabs(M[i * K + i]) > big:
            big = fabs(M[i * K + i])
    if big <= 0.0:
        return False
    for k in range(K):
        piv = k
        for i in range(k + 1, K):
            if fabs(M[i * K + k]) > fabs(M[piv * K + k]):
                piv = i
        if fabs(M[piv * K + k]) <= 1e-300 * big or M[piv * K + k] == 0.0:
            return False
        if piv != k:
            for j in range(K):
                t = M[k * K + j]; M[k * K + j] = M[piv * K + j]; M[piv * K + j] = t
            t = b[k]; b[k] = b[piv]; b[piv] = t
        for i in range(k + 1, K):
            t = M[i * K + k] / M[k * K + k]
            for j in range(k, K):
                M[i * K + j] -= t * M[k * K + j]
            b[i] -= t * b[k]
    for k in range(K - 1, -1, -1):
        t = b[k]
        for j in range(k + 1, K):
            t -= M[k * K + j] * b[j]
        b[k] = t / M[k * K + k]
    return True


cdef void _push_snapshot(extrap_t *ex, const floating *res, const floating *w,
                         Py_ssize_t n_res) noexcept nogil:
    cdef floating *hr = <floating *>ex.hist_res
    cdef floating *hv
    cdef Py_ssize_t *hx
    cdef Py_ssize_t slot, i, j, a, drop, nnz = 0, start
    if ex.off_mem:
        return
    if ex.count == EXTRAP_K + 1:
        memmove(hr, hr + n_res, EXTRAP_K * n_res * sizeof(floating))
        drop = ex.off[1]
        hv = <floating *>ex.hist_val
        if ex.off[EXTRAP_K + 1] > drop:
            memmove(hv, hv + drop, (ex.off[EXTRAP_K + 1] - drop) * sizeof(floating))
            memmove(ex.hist_ix, ex.hist_ix + drop,
                    (ex.off[EXTRAP_K + 1] - drop) * sizeof(Py_ssize_t))
        for a in range(EXTRAP_K + 1):
            ex.off[a] = ex.off[a + 1] - drop
        ex.count = EXTRAP_K
    slot = ex.count
    start = ex.off[slot]
    for i in range(ex.m):
        if w[ex.idx[i]] != 0.0:
            nnz += 1
    if start + nnz > ex.arena_cap:
        hv = <floating *>realloc(ex.hist_val, 2 * (start + nnz) * sizeof(floating))
        if hv != NULL:
            ex.hist_val = hv
        hx = <Py_ssize_t *>realloc(ex.hist_ix, 2 * (start + nnz) * sizeof(Py_ssize_t))
        if hx != NULL:
            ex.hist_ix = hx
        if hv == NULL or hx == NULL:
            ex.off_mem = True
            ex.count = 0
            return
        ex.arena_cap = 2 * (start + nnz)
    hv = <floating *>ex.hist_val
    for i in range(ex.m):
        j = ex.idx[i]
        if w[j] != 0.0:
            hv[start] = w[j]
            ex.hist_ix[start] = j
            start += 1
    ex.off[slot + 1] = start
    ex.count += 1
    for i in range(n_res):
        hr[slot * n_res + i] = res[i]


cdef bint _extrapolate(extrap_t *ex, const floating *w, Py_ssize_t n_res,
                       Py_ssize_t p) noexcept nogil:
    """Fill res_acc / w_acc from the snapshots; False if not enough or singular.

    w equals the newest snapshot, and off the tracked features every snapshot
    equals w, so w_acc = w + sum_k c_k (w_k - w) touches only stored entries.
    """
    cdef floating *hr = <floating *>ex.hist_res
    cdef const floating *hv = <const floating *>ex.hist_val
    cdef floating *ra = <floating *>ex.res_acc
    cdef floating *wa = <floating *>ex.w_acc
    cdef double M[EXTRAP_K * EXTRAP_K]
    cdef double z[EXTRAP_K]
    cdef double acc, zsum = 0.0, c
    cdef Py_ssize_t a, b, i, e, K = EXTRAP_K
    if ex.off_mem or ex.count < EXTRAP_K + 1:
        return False
    for a in range(K):
        for b in range(a, K):
            acc = 0.0
            for i in range(n_res):
                acc += (<double>hr[(a + 1) * n_res + i] - hr[a * n_res + i]) * \
                       (<double>hr[(b + 1) * n_res + i] - hr[b * n_res + i])
            M[a * K + b] = acc
            M[b * K + a] = acc
        z[a] = 1.0
    if not _solve_small(M, z, <int>K):
        return False
    for a in range(K):
        zsum += z[a]
    if zsum == 0.0 or zsum != zsum:
        return False
    for i in range(n_res):
        acc = 0.0
        for a in range(K):
            acc += z[a] * hr[(a + 1) * n_res + i]
        ra[i] = <floating>(acc / zsum)
    if p > 0:
        memcpy(wa, w, p * sizeof(floating))
    # clear the newest snapshot's entries (= the non-zeros of w there) ...
    for e in range(ex.off[K], ex.off[K + 1]):
        wa[ex.hist_ix[e]] = 0.0
    # ... and add the weighted snapshots 1..K
    for a in range(K):
        c = z[a] / zsum
        for e in range(ex.off[a + 1], ex.off[a + 2]):
            wa[ex.hist_ix[e]] = <floating>(wa[ex.hist_ix[e]] + c * hv[e])
    return True
