# Included by _core.pyx (see its docstring for the layout).

# ---------------------------------------------------------------------------
# Python-facing objects
# ---------------------------------------------------------------------------

def _check_csc_arrays(data, indices, indptr, shape):
    """The public edge of the native loops (O(nnz), numpy): a CSC structure they can
    trust -- 1-D arrays, indptr of length p + 1 from 0, non-decreasing, ending within
    indices and data, row indices in [0, n) -- else ValueError naming the array."""
    n, p = shape
    if data.ndim != 1 or indices.ndim != 1 or indptr.ndim != 1:
        raise ValueError("Design: sparse data, indices and indptr must be 1-D arrays")
    if indptr.shape[0] != p + 1:
        raise ValueError(f"Design: sparse indptr has length {indptr.shape[0]}, "
                         f"expected {p + 1} for a CSC matrix of shape {shape}")
    nnz = int(indptr[-1])
    if int(indptr[0]) != 0 or nnz > indices.shape[0] or nnz > data.shape[0]:
        raise ValueError("Design: sparse indptr must start at 0 and end within indices "
                         "and data (a corrupt or truncated matrix)")
    if p > 0 and np.any(np.diff(indptr) < 0):
        raise ValueError("Design: sparse indptr must be non-decreasing (a corrupt matrix)")
    if nnz > 0:
        used = indices[:nnz]
        if int(used.min()) < 0 or int(used.max()) >= n:
            raise ValueError(f"Design: sparse indices must lie in [0, {n}) (a corrupt "
                             "matrix: a row index is negative or out of range)")


cdef class Design:
    """Read-only view of a design matrix for the native solver.

    Built once per (X, sample_weight, fit_intercept); holds the weighted
    column means and centred squared norms, computed without densifying
    sparse X or centring a dense one.

    Parameters
    ----------
    X : ndarray (F-ordered, float32/float64) or scipy.sparse CSC matrix
        Validated by the caller; never modified.
    sample_weight : ndarray of the same dtype or None, summing to n.
    fit_intercept : bool
    gram_n : int or None
        When given, ``X`` is a p x p Gram matrix X_c^T S X_c of a problem with
        ``gram_n`` rows (already centred and weighted).
    """

    def __cinit__(self, X, sample_weight=None, bint fit_intercept=False, gram_n=None):
        cdef Py_ssize_t j
        cdef double[::1] xm, sq
        cdef float *swf
        cdef double *swd
        memset(&self.d, 0, sizeof(design_t))
        self.sample_weight = None
        keep = [X]
        if gram_n is not None:
            arr = np.asarray(X)
            if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or not arr.flags.f_contiguous:
                raise ValueError("Gram matrix must be a square F-contiguous array")
            self.storage = "gram"
            self.d.kind = PZ_GRAM
            self.d.n = int(gram_n)
            self.d.p = arr.shape[1]
            self.d.X = cnp.PyArray_DATA(arr)
            self.dtype = arr.dtype
            self.fit_intercept = False
            self.x_mean = None
            self.col_sqnorm = np.ascontiguousarray(np.diag(arr), dtype=np.float64)
            self.d.sw_sum = float(gram_n)
        elif hasattr(X, "indptr"):
            if X.format != "csc":
                raise ValueError("sparse X must be CSC here")
            data = np.ascontiguousarray(X.data)
            indices = np.ascontiguousarray(X.indices)
            indptr = np.ascontiguousarray(X.indptr)
            if indices.dtype != indptr.dtype:
                itype = np.promote_types(indices.dtype, indptr.dtype)
                indices = indices.astype(itype)
                indptr = indptr.astype(itype)
            if indices.dtype not in (np.int32, np.int64):
                raise ValueError("sparse indices must be int32 or int64")
            _check_csc_arrays(data, indices, indptr, X.shape)
            keep += [data, indices, indptr]
            self.storage = "csc"
            self.d.kind = PZ_CSC
            self.d.index64 = indices.dtype == np.int64
            self.d.n, self.d.p = X.shape
            self.d.data = cnp.PyArray_DATA(data)
            self.d.indices = cnp.PyArray_DATA(indices)
            self.d.indptr = cnp.PyArray_DATA(indptr)
            self.dtype = data.dtype
        else:
            arr = X
            if not isinstance(arr, np.ndarray) or arr.ndim != 2 or not arr.flags.f_contiguous:
                raise ValueError("dense X must be a 2-D F-contiguous ndarray")
            self.storage = "dense"
            self.d.kind = PZ_DENSE
            self.d.n, self.d.p = arr.shape
            self.d.X = cnp.PyArray_DATA(arr)
            self.dtype = arr.dtype
        if self.dtype not in (np.float32, np.float64):
            raise ValueError("X must be float32 or float64")
        if gram_n is None:
            self.fit_intercept = bool(fit_intercept)
            if sample_weight is not None:
                sw = np.ascontiguousarray(sample_weight, dtype=self.dtype)
                if sw.shape != (self.d.n,):
                    raise ValueError("sample_weight has the wrong shape")
                keep.append(sw)
                self.sample_weight = sw
                self.d.sw = cnp.PyArray_DATA(sw)
                self.d.sw_sum = float(np.sum(sw, dtype=np.float64))
            else:
                self.d.sw_sum = float(self.d.n)
            self.x_mean = np.zeros(self.d.p, dtype=np.float64)
            self.col_sqnorm = np.zeros(self.d.p, dtype=np.float64)
            xm = self.x_mean
            sq = self.col_sqnorm
            if self.d.p > 0:
                if self.dtype == np.float32:
                    swf = <float *>self.d.sw
                    _column_stats(&self.d, swf, &xm[0], &sq[0], fit_intercept)
                else:
                    swd = <double *>self.d.sw
                    _column_stats(&self.d, swd, &xm[0], &sq[0], fit_intercept)
            if fit_intercept:
                self.d.x_mean = <const double *>cnp.PyArray_DATA(self.x_mean)
        self.d.col_sqnorm = <const double *>cnp.PyArray_DATA(self.col_sqnorm)
        self._keep = keep

    @property
    def n_samples(self):
        return self.d.n

    @property
    def n_features(self):
        return self.d.p

    @property
    def nnz(self):
        """Stored entries of X (CSC: its nnz; DENSE: n * p; GRAM: 0)."""
        if self.d.kind == PZ_CSC:
            return int(_csc_start(&self.d, self.d.p))
        if self.d.kind == PZ_DENSE:
            return self.d.n * self.d.p
        return 0

    def correlations(self, floating[::1] res, n_threads=None):
        """x_c,j^T S r for every column j (r a centred residual; GRAM: r is g).

        ``n_threads`` an int: the solver's own per-column kernel on that many
        threads (``penalized._core.resolve_threads``; no size threshold: benchmarks/threads.py
        measures the threshold with it), the same bits for any value; None: the
        fastest single call (a BLAS gemv for dense float64 X)."""
        out = np.empty(self.d.p, dtype=np.float64)
        cdef double[::1] o = out
        cdef Py_ssize_t j
        cdef double sr = 0.0
        cdef int nt = 0 if n_threads is None else resolve_threads(n_threads)
        if res.shape[0] != (self.d.p if self.d.kind == PZ_GRAM else self.d.n):
            raise ValueError("correlations: res has the wrong length")
        if self.d.kind == PZ_GRAM:
            for j in range(self.d.p):
                o[j] = res[j]
            return out
        if self.d.x_mean != NULL:
            if self.sample_weight is None:
                sr = float(np.sum(res, dtype=np.float64))
            else:
                sr = float(np.dot(np.asarray(res, dtype=np.float64), self.sample_weight))
        if nt > 0:
            if self.d.p and self.d.n:
                with nogil:
                    _glm_corr_pass(&self.d, NULL, self.d.p, &res[0], sr, &o[0], nt)
            else:
                out[:] = 0.0
            return out
        if self.d.kind == PZ_DENSE and floating is double:
            # one BLAS gemv over the F-ordered X beats a dot per short column
            r = np.asarray(res)
            if self.sample_weight is not None:
                r = r * self.sample_weight
            out = self._keep[0].T @ r
            if self.d.x_mean != NULL:
                out -= sr * np.asarray(self.x_mean)
            return out
        with nogil:
            for j in range(self.d.p):
                o[j] = _centred_wdot(&self.d, j, &res[0], sr)
        return out



cdef bint _workspace_alloc(workspace_t *wk, Py_ssize_t p, Py_ssize_t n_res, Py_ssize_t isz,
                           bint extrapolate, bint accelerate, bint newton,
                           Py_ssize_t newton_cap, bint newton_stable, bint private_cert,
                           bint cert_corr) noexcept nogil:
    """Allocate the solver's buffers for p features and residuals of length n_res.

    ``private_cert``: the certificate slot is owned here (else the caller
    points pt_res/pt_w[PT_CERT] at its arrays); ``cert_corr``: a carried-in
    certificate needs its own correlation buffer.  False if out of memory
    (what was allocated is still released by ``_workspace_free``).
    """
    cdef int k
    memset(wk, 0, sizeof(workspace_t))
    wk.extrapolate = extrapolate
    wk.accelerate = accelerate and extrapolate
    wk.cand = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.ws = <Py_ssize_t *>malloc((p + 1) * sizeof(Py_ssize_t))
    wk.racc = <double *>malloc((2 * n_res + 1) * sizeof(double))
    if isz == sizeof(float):
        for k in range(3):
            wk.rlo[k] = malloc((n_res + 1) * isz)
    for k in range(3 if cert_corr else 2):
        wk.corr[k] = <double *>malloc((p + 1) * sizeof(double))
    if private_cert:
        wk.pt_res[PT_CERT] = malloc((n_res + 1) * isz)
        wk.pt_w[PT_CERT] = malloc((p + 1) * isz)
    wk.nt.enabled = newton and newton_cap > 0
    wk.nt.require_stable = newton_stable
    if wk.nt.enabled:
        wk.nt.cap = newton_cap if newton_cap < p else p
        wk.nt.supp = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.prev = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.cur = <Py_ssize_t *>malloc((wk.nt.cap + 1) * sizeof(Py_ssize_t))
        wk.nt.chol = <double *>malloc((wk.nt.cap * wk.nt.cap + 1) * sizeof(double))
        wk.nt.step = <double *>malloc((wk.nt.cap + 1) * sizeof(double))
        wk.nt.col = malloc((n_res + 1) * isz)
        wk.nt.diag = <double *>malloc((4 * wk.nt.cap + 1) * sizeof(double))
        wk.nt.pos = <Py_ssize_t *>malloc((2 * wk.nt.cap + 1) * sizeof(Py_ssize_t))
        if wk.nt.pos != NULL:
            wk.nt.frow = wk.nt.pos + wk.nt.cap
        if wk.nt.diag != NULL:
            wk.nt.rhs = wk.nt.diag + wk.nt.cap
            wk.nt.delta = wk.nt.rhs + wk.nt.cap
            wk.nt.fix = wk.nt.delta + wk.nt.cap
    if extrapolate:
        wk.ex.hist_res = malloc((EXTRAP_K + 1) * (n_res + 1) * isz)
        wk.ex.res_acc = malloc((n_res + 1) * isz)
        wk.ex.w_acc = malloc((p + 1) * isz)
    return not (wk.cand == NULL or wk.ws == NULL or wk.racc == NULL or wk.corr[0] == NULL
                or (isz == sizeof(float) and (wk.rlo[0] == NULL or wk.rlo[1] == NULL
                                              or wk.rlo[2] == NULL))
                or wk.corr[1] == NULL or (cert_corr and wk.corr[2] == NULL)
                or (private_cert and (wk.pt_res[PT_CERT] == NULL or wk.pt_w[PT_CERT] == NULL))
                or (wk.nt.enabled and (wk.nt.supp == NULL or wk.nt.prev == NULL
                                       or wk.nt.cur == NULL or wk.nt.chol == NULL
                                       or wk.nt.step == NULL or wk.nt.col == NULL
                                       or wk.nt.diag == NULL or wk.nt.pos == NULL))
                or (extrapolate and (wk.ex.hist_res == NULL
                                     or wk.ex.res_acc == NULL or wk.ex.w_acc == NULL)))


cdef void _workspace_free(workspace_t *wk, bint private_cert) noexcept nogil:
    cdef int k
    free(wk.cand); free(wk.ws); free(wk.keys); free(wk.racc)
    free(wk.rlo[0]); free(wk.rlo[1]); free(wk.rlo[2])
    for k in range(3):
        free(wk.corr[k])
    if private_cert:
        free(wk.pt_res[PT_CERT]); free(wk.pt_w[PT_CERT])
    free(wk.ex.hist_res); free(wk.ex.hist_val); free(wk.ex.hist_ix); free(wk.ex.res_acc)
    free(wk.ex.w_acc)
    free(wk.nt.supp); free(wk.nt.prev); free(wk.nt.cur); free(wk.nt.chol)
    free(wk.nt.step); free(wk.nt.col); free(wk.nt.diag); free(wk.nt.pos)
    memset(wk, 0, sizeof(workspace_t))


def openmp_max_threads():
    """omp_get_max_threads() in the calling thread (1 when built without OpenMP): the
    most threads a fit's full passes use there (see ``penalized._core.resolve_threads``)."""
    return int(pz_omp_max_threads())


def openmp_enabled():
    """Whether the extension was built with OpenMP (else every fit uses one thread)."""
    return bool(PZ_HAVE_OPENMP)


def resolve_threads(n_threads, name="n_threads"):
    """The threads one fit's full passes over X use for the argument ``n_threads``.

    1 or None: the calling thread only (the default everywhere).  k > 1: up to k,
    capped by OpenMP's limit in the calling thread (omp_get_max_threads(): the CPUs,
    OMP_NUM_THREADS, or a ``threadpoolctl.threadpool_limits(..., user_api="openmp")``).
    -1: that limit; -m (m > 1): the limit + 1 - m, at least 1 (joblib's convention).
    Always 1 when the extension was built without OpenMP.  A pass smaller than the
    measured threshold of ``_pass_threads`` runs on the calling thread anyway.
    Raises TypeError (not an integer) or ValueError (0), naming ``name``.
    """
    if n_threads is None:
        return 1
    if isinstance(n_threads, (bool, np.bool_)) or not isinstance(n_threads, (int, np.integer)):
        raise TypeError(f"{name} must be an integer (>= 1, or -1 for OpenMP's limit) or "
                        f"None, got {n_threads!r} ({type(n_threads).__name__}).")
    n_threads = int(n_threads)
    if n_threads == 0:
        raise ValueError(f"{name} must be >= 1, or negative (-1: OpenMP's limit), "
                         f"got {n_threads}.")
    most = max(1, int(pz_omp_max_threads()))
    if n_threads < 0:
        return max(1, most + 1 + n_threads)
    return min(n_threads, most)


def enet_solve(Design design, floating[::1] w, floating[::1] res,
               const floating[::1] target, double yy, double l1, double l2,
               bint positive=False, double tol_abs=0.0, Py_ssize_t max_epochs=1000,
               bint screening=True, bint working_set=True, bint extrapolate=True,
               Py_ssize_t p0=10, Py_ssize_t gap_freq=10, bint shuffle=False,
               uint64_t seed=0, floating[::1] cert_res=None, floating[::1] cert_w=None,
               bint has_cert=False, bint accelerate=True, bint newton=True,
               Py_ssize_t newton_cap=1000, bint newton_stable=True, double l1_prev=0.0,
               double inner_ratio=0.3, bint prune=True, l1_weights=None, l2_weights=None,
               lower=None, upper=None, free_idx=None, free_chol=None, relax_idx=None,
               relax_gram=None, double[::1] corr_carry=None, bint carry_in=False,
               n_threads=1, CovarianceCache cov=None, GramCorrelations gram_corr=None):
    """Minimise the unscaled elastic net F(w) in place (see module docstring).

    With the per-feature options the penalty is sum_j g_j(w_j),
    g_j(u) = l1 f1_j |u| + l2 f2_j / 2 u^2 + indicator_[lo_j, hi_j](u)
    (see ``pen_t``; glmnet's penalty factors and limits, Friedman, Hastie &
    Tibshirani 2010).

    Parameters
    ----------
    design : Design
    w : (p,) coefficients, warm start on entry, solution on exit.
    res : DENSE/CSC: (n,) residual y_c - X_c w for the entry w (updated);
          GRAM: (p,) vector g = X_c^T S (y_c - X_c w) (updated).
    target : DENSE/CSC: (n,) raw y; GRAM: (p,) q = X_c^T S y_c.
    yy : y_c^T S y_c (used by GRAM only).
    l1, l2 : unscaled penalties, n * alpha * l1_ratio and n * alpha * (1 - l1_ratio).
    tol_abs : stop once the duality gap of F is <= tol_abs.
    max_epochs : bound on coordinate-descent passes (over the working set).
    cert_res, cert_w : optional (n_res,), (p,) certificate slot.  On entry,
          if ``has_cert``, a dual candidate r(cert_w) from a previous solve of
          the same data (e.g. the previous alpha of a path); on exit, the
          residual and coefficients whose rescaled residual certified the
          returned gap: gap = F(w) - D(theta(cert_res, cert_w)) (with free or
          relaxed features, theta is that residual projected as described in
          ``_dual_point``, and the gap includes the projection's bound).
    accelerate : accept extrapolated primal iterates when they lower F.
    inner_ratio : a subproblem is solved until its gap is below inner_ratio
          times the outer gap.
    l1_prev : l1 of the previous alpha on a path (with its certificate in
          cert_res/cert_w): the first working set is then the sequential
          strong set instead of the ``p0`` closest features.
    newton, newton_cap : Newton steps on stable supports of at most
          ``newton_cap`` features (see ``newton_t``).
    positive : shorthand for ``lower = 0`` (max(lower, 0) when both are given).
    l1_weights, l2_weights : (p,) float64 f1, f2 >= 0, or None (all ones).
    lower, upper : (p,) float64 bounds with lower <= 0 <= upper (+-inf
          allowed), or None; [0, 0] excludes a feature.  w must be in the box.
    free_idx, free_chol : the free block U (sorted int64 indices of features with
          f1 = f2 = 0 and an unbounded box, all with non-zero columns) and the
          lower Cholesky factor (|U| x |U|, F-ordered float64) of
          X_c,U^T S X_c,U (GRAM: G[U, U]).  Required when such features
          exist: their certificate is the projected dual of ``_dual_point``.
    relax_idx, relax_gram : unpenalized features with a box, or weakly penalized ones
          (optional), and X_c,V^T S X_c,V (F-ordered float64) for V =
          free_idx followed by relax_idx: the relaxed dual of ``_dual_point``.
    corr_carry, carry_in : optional (p,) float64, the correlations x_c,j^T S
          r(w) carried along a path (DENSE/CSC, no free or relaxed features;
          ignored otherwise).  On entry, if ``carry_in``, they must be those
          of the entry w, as a previous call on the same design and target
          returned them with ``carry_out`` True (and w and res not changed
          since): the first gap check then reads no column (and in float64
          does not recompute res, which that call recomputed from w last).  On exit, when the solve
          converged (gap <= tol_abs), they are those of the returned w and
          the result's ``carry_out`` is True (else False, contents undefined).
    n_threads : threads of the outer gap checks' correlation passes over the
          candidates (DENSE/CSC; see ``penalized._core.resolve_threads``); the result has the
          same bits for any value.
    cov : optional CovarianceCache of ``design``: the inner solves run on the
          working set's Gram block when its cost model (or its mode
          'always') takes them (DENSE/CSC without free or relaxed features;
          ignored otherwise; see covariance.pxi).  The outer gap checks, and
          so the returned gap, are computed from the true residual as without.
    gram_corr : optional GramCorrelations of ``design`` and ``target``: the
          certifying checks take their correlations from its Gram columns when
          cheaper than a pass over X, the gap including their rounding bound
          (CSC float64 without free or relaxed features; see gram_corr.pxi).

    Returns
    -------
    dict with gap, primal (unscaled F), n_epochs, n_screened, n_outer,
    n_threaded (the correlation passes that ran on more than one thread), and
    rounding: the part of gap that bounds rounding (float32 storage, a Gram
    matrix's rounding; see ``_dual_point``).  When gap > tol_abs >= gap -
    rounding the solve stopped because the dtype or the Gram matrix cannot
    certify tol_abs.  Work counters (DENSE/CSC; 0 for GRAM): n_full, the
    correlation passes over the candidate features at the outer gap checks
    (one per dual point tried), full_cols / full_entries the columns / stored
    entries of X they read (float32 certifying checks read each column twice,
    its residual's low part included); ws_cols / ws_entries, the same for the
    column products of the working-set epochs and of the subproblem's gap
    checks; axpy_entries, the entries read by coordinate updates of the
    residual and by its recomputations from w.  Not counted: the screening
    test's zeroing of screened non-zeros, the free block's exact update and
    the Newton steps (n_newton of them).  full_entries / nnz(X) is the number
    of X^T r passes BENCHMARKS.md's units measure.
    """
    cdef design_t *D = &design.d
    cdef Py_ssize_t p = D.p
    cdef Py_ssize_t n_res = p if D.kind == PZ_GRAM else D.n
    cdef solve_info_t info
    cdef uint64_t rng = seed * 2654435761ULL + 88172645463325252ULL
    if floating is float:
        expected = np.float32
    else:
        expected = np.float64
    if np.dtype(design.dtype) != expected:
        raise TypeError("w/res dtype does not match the design dtype %s" % design.dtype)
    if w.shape[0] != p or res.shape[0] != n_res or target.shape[0] != n_res:
        raise ValueError("enet_solve: array lengths do not match the design")
    if l1 < 0 or l2 < 0:
        raise ValueError("penalties must be non-negative")
    if max_epochs < 0 or gap_freq < 1 or p0 < 1:
        raise ValueError("max_epochs >= 0, gap_freq >= 1 and p0 >= 1 are required")
    cdef workspace_t wk
    cdef pen_t pen
    cdef double[::1] f1v, f2v, lov, hiv, cholv, relv
    cdef Py_ssize_t[::1] freev
    cdef Py_ssize_t isz = sizeof(float) if floating is float else sizeof(double)
    if (cert_res is None) != (cert_w is None):
        raise ValueError("cert_res and cert_w go together")
    if cert_res is not None and (cert_res.shape[0] != n_res or cert_w.shape[0] != p):
        raise ValueError("enet_solve: certificate lengths do not match the design")
    memset(&pen, 0, sizeof(pen_t))
    pen.l1 = l1
    pen.l2 = l2
    if positive:
        lower = np.zeros(p) if lower is None else np.maximum(lower, 0.0)
    arrays = {}
    for name, a in (("l1_weights", l1_weights), ("l2_weights", l2_weights),
                    ("lower", lower), ("upper", upper)):
        if a is not None:
            a = np.ascontiguousarray(a, dtype=np.float64)
            if a.shape != (p,):
                raise ValueError(f"enet_solve: {name} must have shape ({p},)")
            arrays[name] = a
    if "l1_weights" in arrays:
        f1v = arrays["l1_weights"]
        pen.f1 = &f1v[0] if p else NULL
    if "l2_weights" in arrays:
        f2v = arrays["l2_weights"]
        pen.f2 = &f2v[0] if p else NULL
    if "lower" in arrays:
        lov = arrays["lower"]
        pen.lo = &lov[0] if p else NULL
    if "upper" in arrays:
        hiv = arrays["upper"]
        pen.hi = &hiv[0] if p else NULL
    if ("lower" in arrays and np.any(arrays["lower"] > 0)) or (
            "upper" in arrays and np.any(arrays["upper"] < 0)):
        raise ValueError("enet_solve: bounds must satisfy lower <= 0 <= upper")
    is_free = None
    fr = np.zeros(0, dtype=np.intp) if free_idx is None else np.asarray(free_idx, dtype=np.intp)
    rl = np.zeros(0, dtype=np.intp) if relax_idx is None else np.asarray(relax_idx, dtype=np.intp)
    if fr.size or rl.size:
        both = np.ascontiguousarray(np.concatenate([fr, rl]))
        if both.min() < 0 or both.max() >= p or np.unique(both).size != both.size:
            raise ValueError("enet_solve: free / relaxed indices out of range or repeated")
        chol_free = np.zeros((0, 0)) if not fr.size else np.asfortranarray(free_chol, dtype=np.float64)
        if chol_free.shape != (fr.size, fr.size):
            raise ValueError("enet_solve: free_chol must be |free| x |free|")
        freev = both
        if fr.size:
            cholv = chol_free.ravel(order="F")
            pen.free_chol = &cholv[0]
        if rl.size:
            gram_rel = np.asfortranarray(relax_gram, dtype=np.float64)
            if gram_rel.shape != (both.size, both.size):
                raise ValueError("enet_solve: relax_gram must be |free + relax| squared")
            relv = gram_rel.ravel(order="F")
            pen.relax_gram = &relv[0]
            sub_chol = np.zeros(both.size * both.size, dtype=np.float64)
            sub_idx = np.zeros(both.size, dtype=np.intp)
            pen.sub_chol = <double *>cnp.PyArray_DATA(sub_chol)
            pen.sub_idx = <Py_ssize_t *>cnp.PyArray_DATA(sub_idx)
        is_free = np.zeros(p, dtype=np.int8)
        is_free[fr] = 1
        is_free[rl] = 2
        free_buf = np.zeros(both.size, dtype=np.float64)
        pen.n_free = fr.size
        pen.n_relax = rl.size
        pen.free = &freev[0]
        pen.is_free = <const char *>cnp.PyArray_DATA(is_free)
        pen.free_buf = <double *>cnp.PyArray_DATA(free_buf)
    if cov is not None and cov.design is not design:
        raise ValueError("enet_solve: cov belongs to another design")
    cdef const double[::1] gc_target
    if gram_corr is not None:
        gc_target = gram_corr.target
        if (gram_corr.design is not design or floating is float or n_res == 0
                or <const void *>&gc_target[0] != <const void *>&target[0]):
            raise ValueError("enet_solve: gram_corr belongs to another design or target")
    cdef int threads = resolve_threads(n_threads)
    cdef bint ok = _workspace_alloc(&wk, p, n_res, isz, extrapolate, accelerate, newton,
                                    newton_cap, newton_stable, cert_res is None,
                                    has_cert and cert_res is not None)
    wk.n_threads = threads
    if cov is not None:
        wk.cov = &cov.c
    if gram_corr is not None:
        wk.gc = &gram_corr.c
    if corr_carry is not None:
        if corr_carry.shape[0] != p:
            raise ValueError("enet_solve: corr_carry must have shape (p,)")
        if p:
            wk.carry = &corr_carry[0]
            wk.carry_in = carry_in
    if cert_res is not None:
        wk.pt_res[PT_CERT] = &cert_res[0] if n_res else NULL
        wk.pt_w[PT_CERT] = &cert_w[0] if p else NULL
        wk.has_cert = has_cert
    try:
        if not ok:
            raise MemoryError()
        with nogil:
            info = _solve(D, &w[0] if p else NULL, &res[0] if n_res else NULL,
                          &target[0] if n_res else NULL, yy, &pen,
                          tol_abs, max_epochs, screening, working_set,
                          p0, prune, l1_prev, inner_ratio, gap_freq, shuffle, &rng, &wk)
    finally:
        carried = bool(wk.carry_out)
        threaded = wk.n_threaded
        _workspace_free(&wk, cert_res is None)
    if info.interrupted:
        raise KeyboardInterrupt("coordinate descent interrupted")
    return {"gap": info.gap, "primal": info.primal, "n_epochs": info.n_epochs,
            "n_newton": info.n_newton, "rounding": info.rounding,
            "n_screened": info.n_screened, "n_outer": info.n_outer,
            "n_full": info.n_full, "full_cols": info.full_cols,
            "full_entries": info.full_entries, "ws_cols": info.ws_cols,
            "ws_entries": info.ws_entries, "axpy_entries": info.axpy_entries,
            "carry_out": carried, "n_threaded": threaded}
