"""Least-squares elastic net: problem preparation, alpha grids and warm-started paths.

Objective (scikit-learn's scaling), for sample weights s normalised to sum n:

    P(w, b) = 1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
              + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

The intercept b is not penalised; it is eliminated by centring X and y with
the weighted means, which the native core does implicitly (sparse X stays
sparse, dense X is never copied for it).  ``tol`` bounds the duality gap:
a solution is returned as converged when gap(w) <= tol * sum_i s_i (y_i - ybar)^2 / n.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state

from ._core import CovarianceCache, Design, GramCorrelations, enet_solve
from ._path import PathSteps, PointResult
from ._problem import NonFiniteError, Problem, check_target_magnitude
from ._validation import named_errors, user_stacklevel

# Gram ("covariance") mode is chosen automatically for dense X with n >= 4 p:
# then the p x p Gram matrix costs at most a quarter of the memory of X.
GRAM_AUTO_RATIO = 4
# ... unless the requested tol is below what a Gram matrix can certify: its
# rounding bounds the certified gap at about 1e-11 - 1e-10 (relative, growing
# like sqrt(n)), while the data mode certifies to ~1e-15.
GRAM_AUTO_MIN_TOL = 1e-9
# the relative gap a float32 least-squares fit certifies at worst (its residual is
# recomputed in double at each check; measured ~1e-8 on scikit-learn's test data)
FLOAT32_CERT_FLOOR = 1e-7
_GRAM_CHUNK_ELEMENTS = 1 << 19  # rows per chunk * p: ~4 MB of float64 temporaries


def gram_matrix(X, sample_weight=None, x_mean=None, columns=None):
    """G = X_c^T S X_c in float64, the one Gram builder of the least-squares solvers.

    X: validated F-ordered ndarray or CSC matrix of float32/float64 (never
    copied whole, never modified); ``sample_weight`` S (summing to n) or None;
    ``x_mean`` the weighted column means to centre with, or None (no
    centring); ``columns`` an index array to build only X_c,U^T S X_c,U.
    Products are accumulated in float64 whatever X's dtype (a float32
    accumulation loses ~1e-7 relative per entry and overflows above 3e38).
    Dense X is centred in row chunks (no n x p temporary); sparse X stays
    sparse, the centring a rank-one correction.  The result is symmetric.
    """
    n = X.shape[0]
    if columns is not None:
        columns = np.asarray(columns, dtype=np.intp)
        X = X[:, columns]
        if x_mean is not None:
            x_mean = np.asarray(x_mean, dtype=np.float64)[columns]
    p = X.shape[1]
    m = None if x_mean is None else np.asarray(x_mean, dtype=np.float64)
    s = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if sp.issparse(X):
        X64 = X.astype(np.float64)
        XS = X64 if s is None else sp.diags(s) @ X64
        G = np.asarray((X64.T @ XS).toarray(), dtype=np.float64)
        if m is not None:
            # sum_i s_i (x_i - m)(x_i - m)^T = X^T S X - n m m^T when S sums to n
            G -= n * np.outer(m, m)
    else:
        G = np.zeros((p, p), dtype=np.float64, order="F")
        step = max(1, _GRAM_CHUNK_ELEMENTS // max(p, 1))
        # each chunk centred and scaled in one reused (p, rows) buffer: a fresh
        # temporary per chunk cost ~20% more than the product itself (page faults)
        buf = np.empty((p, min(step, n)), dtype=np.float64)
        root = None if s is None else np.sqrt(s)
        for a in range(0, n, step):
            Xs = buf[:, :min(a + step, n) - a]
            if m is not None:
                np.subtract(X[a:a + step].T, m[:, None], out=Xs)
            else:
                Xs[...] = X[a:a + step].T
            if root is not None:
                Xs *= root[a:a + step]
            G += Xs @ Xs.T
    G = 0.5 * (G + G.T)
    return np.asfortranarray(G)


class LeastSquaresProblem(Problem):
    """A design matrix prepared once for many targets and penalties.

    Parameters
    ----------
    X : F-ordered float ndarray or canonical CSC matrix (already validated).
    sample_weight : ndarray summing to n, or None.
    fit_intercept : bool
    precompute : bool, 'auto', 'working_set' or (p, p) array
        Solve in Gram mode with G = X_c^T S X_c.  An array is taken as that
        matrix (it must be computed with the same centring and weights).
        'auto': dense X with n >= 4 p, unless ``tol`` is below GRAM_AUTO_MIN_TOL
        (not the working-set updates: see ``_resolve_gram``).  'working_set': no full Gram
        matrix, and every working-set subproblem on its Gram block.  False:
        neither (coordinate descent on X's columns only).
    tol : float or None, the relative gap target the problem will be solved to.
    """

    covariance_mode = None      # see covariance_cache

    def __init__(self, X, sample_weight=None, fit_intercept=True, precompute="auto",
                 tol=None):
        super().__init__(X, sample_weight, fit_intercept)
        self.sample_weight = sample_weight
        self.x_mean = self.design.x_mean if fit_intercept else None
        self.gram_design = None
        # working-set covariance updates: 'auto' (the cost model), 'always' or None
        self.covariance_mode = None
        self.gram = gram = self._resolve_gram(precompute, tol)
        if gram is not None:
            self.gram_design = Design(gram, gram_n=self.n_samples)

    # -- Gram mode ---------------------------------------------------------
    def _resolve_gram(self, precompute, tol=None):
        n, p = self.X.shape
        if isinstance(precompute, str):
            if precompute == "working_set":
                self.covariance_mode = "always"
                return None
            if precompute != "auto":
                raise ValueError(
                    f"precompute must be True, False, 'auto', 'working_set' or an array, "
                    f"got {precompute!r}."
                )
            use = (not sp.issparse(self.X) and n >= GRAM_AUTO_RATIO * p
                   and (tol is None or tol >= GRAM_AUTO_MIN_TOL))
            # 'auto' does not turn on the working-set covariance updates: their cost
            # model is not calibrated across sets yet (riboflavin's path 5% slower, a
            # 20000 x 300 sparse set never chosen where forcing it was 8x faster), and in
            # float32 the Gram block's rounding kept LassoCV folds from certifying tol
            # 1e-4, while sparse and dense X no longer gave the same CV curve to 1e-7
            # (scikit-learn's tests).  precompute='working_set' asks for them.
            return self._compute_gram(required=False) if use else None
        if isinstance(precompute, (bool, np.bool_)):
            return self._compute_gram() if precompute else None
        with named_errors("precompute"):
            gram = np.require(precompute, dtype=self.dtype, requirements=["F", "A"])
        if gram.shape != (p, p):
            raise ValueError(
                f"precompute (Gram matrix) must have shape ({p}, {p}), got {gram.shape}."
            )
        if not np.all(np.isfinite(gram)):
            raise ValueError("precompute (Gram matrix) contains NaN or infinity.")
        return self._check_gram(gram)

    def covariance_cache(self):
        """A new working-set Gram cache for one path on this problem (see
        ``CovarianceCache``), or None when covariance updates are off or the
        problem is in full Gram mode."""
        if self.covariance_mode is None or self.gram_design is not None:
            return None
        return CovarianceCache(self.design, self.covariance_mode)

    def gram_correlations(self, target):
        """Gram columns for the outer gap checks of one path on ``target`` (see
        ``GramCorrelations``): tall (n >= p) CSC float64 X without centring or
        sample weights, not in Gram mode; else None.  The solver uses them at a
        check only when they cost less than a pass over X."""
        d = self.design
        if (self.gram_design is None and d.storage == "csc" and self.dtype == np.float64
                and self.x_mean is None and d.sample_weight is None
                and self.n_samples >= self.n_features > 0):
            return GramCorrelations(d, target)
        return None

    def _compute_gram(self, required=True):
        """G = X_c^T S X_c (``gram_matrix``), stored in X's dtype.

        For float32 X the float64 result must fit float32: entries above its
        largest value, or non-zero diagonal entries below its smallest normal
        value, would make the solver certify a different problem.  Then an
        explicit ``precompute=True`` raises and 'auto' (``required=False``)
        solves without the Gram matrix.
        """
        G = gram_matrix(self.X, self.sample_weight, self.x_mean)
        if self.dtype != np.float64:
            info = np.finfo(self.dtype)
            d = np.abs(np.diag(G))
            if np.abs(G).max(initial=0.0) > info.max or np.any((d > 0) & (d < info.tiny)):
                if not required:
                    return None
                raise ValueError(
                    f"precompute=True: the Gram matrix X^T X of this {self.dtype} X does not "
                    f"fit {self.dtype} (its entries overflow or underflow); pass float64 X, "
                    "rescale X, or use precompute=False.")
        return np.asfortranarray(G, dtype=self.dtype)

    def _check_gram(self, gram):
        """Spot-check a user Gram matrix against X on one column.

        Returns the Gram matrix to use: ``gram`` when it matches X_c^T S X_c; a
        recomputed one (with scikit-learn's UserWarning) when it is the
        uncentred X^T S X of data that the intercept centres; else ValueError.
        """
        j = self.n_features // 2
        e = np.zeros(self.n_features, dtype=self.dtype)
        e[j] = 1
        raw = np.asarray(self.X @ e, dtype=np.float64)
        col = raw - self.x_mean[j] if self.x_mean is not None else raw
        ref = self.design.correlations(col.astype(self.dtype))
        rtol = 1e-4 if self.dtype == np.float32 else 1e-7

        def close(a):
            return np.abs(a - gram[:, j]).max() <= rtol * max(np.abs(a).max(), 1e-300)

        if close(ref):
            return gram
        if self.x_mean is not None:
            sw = raw if self.sample_weight is None else raw * self.sample_weight
            uncentred = np.asarray(self.X.T @ sw, dtype=np.float64).ravel()
            if close(uncentred):
                warnings.warn(
                    "Gram matrix was provided but X was centered to fit intercept: "
                    "recomputing Gram matrix (penalized uses a Gram matrix of the "
                    "centred data, X_c^T S X_c, when one is given).",
                    UserWarning, stacklevel=user_stacklevel())
                return self._compute_gram()
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass validation "
            "when a single column was checked: precompute (Gram matrix) does not match "
            "X^T S X computed from X (with the same centring and sample weights).")

    # -- targets -----------------------------------------------------------
    def target(self, y):
        """Statistics of one target column: centring, X_c^T S y_c, y_c^T S y_c."""
        y = np.require(y, dtype=self.dtype, requirements=["C", "A"])
        s = self.sample_weight
        if self.fit_intercept:
            y_mean = float(np.average(y, weights=s))
        else:
            y_mean = 0.0
        yc = (y - y_mean).astype(np.float64)
        yy = float(np.dot(yc * yc, s) if s is not None else np.dot(yc, yc))
        check_target_magnitude(yy, y)
        return Target(y=y, y_mean=y_mean, yy=yy, design=self.design)

    @property
    def solver_design(self):
        return self.gram_design if self.gram_design is not None else self.design

    def path_steps(self, tgt, *, l1_ratio, coef_init=None, tol=1e-4, max_iter=1000,
                   positive=False, selection="cyclic", random_state=None, screening=True,
                   working_set=True, features=None, work=None, return_certificate=False,
                   n_threads=1):
        """The least-squares point solver for target ``tgt`` (see :func:`solve_path`)."""
        return LeastSquaresSteps(
            self, tgt, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol, max_iter=max_iter,
            positive=positive, selection=selection, random_state=random_state,
            screening=screening, working_set=working_set, features=features, work=work,
            return_certificate=return_certificate, n_threads=n_threads)

    def residual(self, tgt, w):
        """The solver state for coefficients w: r = y_c - X_c w, or g = X_c^T S r in Gram mode."""
        if self.gram_design is not None:
            g = tgt.Xty - self.gram @ w.astype(np.float64)
            return np.ascontiguousarray(g, dtype=self.dtype)
        r = tgt.y.astype(np.float64) - tgt.y_mean
        if np.any(w):
            r -= np.asarray(self.X @ w.astype(np.float64)).ravel()
            if self.x_mean is not None:
                r += float(self.x_mean @ w)
        return np.ascontiguousarray(r, dtype=self.dtype)

    def solver_target(self, tgt):
        if self.gram_design is not None:
            return np.require(tgt.Xty, dtype=self.dtype, requirements=["C", "A"])
        return tgt.y

    def intercept(self, tgt, w):
        if not self.fit_intercept:
            return 0.0
        return tgt.y_mean - float(self.x_mean @ w)

    def alpha_max(self, tgt, l1_ratio, positive=False, features=None):
        """Smallest alpha with w = 0 optimal: max_j |x_c,j^T S y_c| / (n * l1_ratio).

        With per-feature options (a FeaturePenalty): max over penalized
        features (pf_j > 0) of x_c,j^T S r / f1_j in the directions the box
        allows, r the residual after the least-squares fit of the unpenalized,
        unbounded features (glmnet's lambda_max).  Unpenalized features with a
        box have no closed-form fit: the problem is solved at a trial alpha
        (doubled until every penalized coefficient is 0), whose residual is
        then that fit (alpha_max is then raised by a relative 1e-9, the
        accuracy of that solve).
        """
        if l1_ratio <= 0:
            raise ValueError(
                "l1_ratio=0 (pure L2) has no alpha_max; pass an explicit alphas grid."
            )
        if features is not None:
            scale = self.n_samples * l1_ratio
            alpha = features.reach(features.free_fit(self, tgt), penalized_only=True) / scale
            if not features.boxed_unpenalized.any() or not alpha > 0:
                return alpha
            penalized = features.penalized
            for _ in range(64):
                w = solve_path(self, tgt, [alpha], l1_ratio=l1_ratio, tol=1e-12, warn=False,
                               features=features)[0][:, 0]
                if not np.any(w[penalized]):
                    r = self.residual(tgt, w)
                    c = r if self.gram_design is not None else self.design.correlations(r)
                    # (1 + 1e-9): the fit is iterative, keep alpha_max on the zero side
                    top = features.reach(np.asarray(c, np.float64), penalized_only=True)
                    return top * (1.0 + 1e-9) / scale
                alpha *= 2.0
            return alpha
        c = tgt.Xty if positive else np.abs(tgt.Xty)
        top = float(c.max()) if c.size else 0.0
        return max(top, 0.0) / (self.n_samples * l1_ratio)


class Target:
    """One centred target; X_c^T S y_c (a pass over X, p floats) only when asked for."""

    __slots__ = ("y", "y_mean", "yy", "_design", "_Xty")

    def __init__(self, y, y_mean, yy, design):
        self.y, self.y_mean, self.yy = y, y_mean, yy
        self._design, self._Xty = design, None

    @property
    def Xty(self):
        if self._Xty is None:
            yc = (self.y.astype(np.float64) - self.y_mean).astype(self.y.dtype)
            self._Xty = self._design.correlations(yc)
        return self._Xty

    @Xty.setter
    def Xty(self, value):
        self._Xty = value


def _exact_gap(gap, w, tgt, l1, positive, features=None):
    """The solver's gap, made exact where rounding alone makes it nonzero.

    At w = 0 with max_j |x_c,j^T S y_c| <= l1 (alpha >= alpha_max), theta = y_c
    is dual feasible and primal = dual = ||y_c||_S^2 / 2: the gap is exactly 0,
    though the two sums computed apart differ by ~1e-16 relative.  Elsewhere a
    negative value can only be rounding, and is reported as 0.
    """
    if features is not None and features.free_idx.size:
        return max(gap, 0.0)
    if not np.any(w):
        c = tgt.Xty
        if features is not None:
            top = features.reach(np.asarray(c, dtype=np.float64))
        else:
            top = float(c.max() if positive else np.abs(c).max()) if c.size else 0.0
        # slack of a few ulps: at alpha = alpha_max itself, top / n / l1_ratio * n
        # * l1_ratio may round above top (the dual point would then be off by ~1e-16
        # relative, its gap by ~1e-32)
        if top <= l1 * (1.0 + 8 * np.finfo(np.float64).eps):
            return 0.0
    return max(gap, 0.0)


def least_squares(problem, tgt, max_iter=1000):
    """Unpenalised (alpha = 0) weighted least squares by a direct method.

    Minimises 1/(2n) sum_i s_i (y_i - x_i.w - b)^2.  Dense X: numpy's SVD
    least squares (lstsq) on a centred, sqrt(s)-scaled float64 copy of X,
    which gives the minimum-norm solution when X_c lacks full column rank.
    Sparse X: LSQR (Paige & Saunders 1982) on the implicitly centred
    operator, so X is never densified.

    Returns (w, n_iter, normal_residual, converged), where normal_residual
    = max_j |x_c,j^T S (y_c - X_c w)| / n is the largest violation of the
    normal equations, the optimality condition of this problem (0 at an
    exact solution).  n_iter is 0 for the direct dense solve.
    """
    from scipy.sparse.linalg import LinearOperator, lsqr

    X, n = problem.X, problem.n_samples
    s = problem.sample_weight
    root = np.ones(n) if s is None else np.sqrt(np.asarray(s, dtype=np.float64))
    m = (np.zeros(problem.n_features) if problem.x_mean is None
         else np.asarray(problem.x_mean, dtype=np.float64))
    b = root * (tgt.y.astype(np.float64) - tgt.y_mean)
    if sp.issparse(X):
        A = LinearOperator(
            (n, problem.n_features), dtype=np.float64,
            matvec=lambda v: root * (np.asarray(X @ v.astype(X.dtype), dtype=np.float64).ravel()
                                     - m @ v),
            rmatvec=lambda u: (np.asarray(X.T @ (root * u), dtype=np.float64).ravel()
                               - m * float(root @ u)),
        )
        eps = np.finfo(X.dtype).eps
        out = lsqr(A, b, atol=eps, btol=eps, iter_lim=max(max_iter, 10 * problem.n_features))
        w, istop, n_iter = out[0], out[1], int(out[2])
        converged = istop != 7
        grad = A.rmatvec(b - A.matvec(w)) / n
    else:
        A = (np.asarray(X, dtype=np.float64) - m) * root[:, None]
        w = np.linalg.lstsq(A, b, rcond=None)[0]
        n_iter, converged = 0, True
        grad = A.T @ (b - A @ w) / n
    return w.astype(problem.dtype), n_iter, float(np.abs(grad).max()), converged


def alpha_grid(alpha_max, n_alphas=100, eps=1e-3):
    """Geometric grid of n_alphas from alpha_max down to eps * alpha_max."""
    if n_alphas < 1:
        raise ValueError(f"n_alphas must be >= 1, got {n_alphas}.")
    if not (0 < eps <= 1):
        raise ValueError(f"eps must be in (0, 1], got {eps}.")
    # alpha_max = 0 (X_c^T y_c = 0): w = 0 is optimal for every alpha > 0.  Only
    # exact zero (or an underflow) takes this branch: data near 1e-150 has a
    # tiny but meaningful alpha_max (a fixed floor here once returned all zeros)
    if not alpha_max > np.finfo(np.float64).tiny:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


WORK_KEYS = ("n_full", "full_entries", "ws_entries", "axpy_entries", "n_epochs", "n_outer",
             "n_newton")


def path_work(design, counters):
    """Work counters of a path, per alpha, from the solver's (``enet_solve``).

    A dict of (n_alphas,) arrays: ``n_full`` (correlation passes over the
    candidate features at the outer gap checks: one per dual point tried),
    ``full_passes`` (what those read, in passes over X: stored entries read
    divided by the entries of X, nnz for sparse X, n * p for dense),
    ``ws_passes`` (the column products of the working-set epochs and the
    subproblem's gap checks, in the same unit), ``passes`` (their sum: the
    X^T r products spent, BENCHMARKS.md's ``units`` per path point when the
    products dominate), ``update_passes`` (residual updates and recomputations,
    same unit), ``n_epochs``, ``n_outer`` (outer working-set rounds),
    ``n_newton``; and ``entries`` (the entries of X, a scalar).  Gram-mode
    designs (precompute) read no columns: their counters are 0.  Not counted:
    the alpha_max product, the screening's zeroing of screened coefficients,
    the free block's update and the Newton steps.
    """
    c = np.asarray(counters, dtype=np.float64).reshape(-1, len(WORK_KEYS))
    entries = float(design.nnz)
    scale = 1.0 / entries if entries > 0 else 0.0
    full, ws, upd = c[:, 1] * scale, c[:, 2] * scale, c[:, 3] * scale
    return {"n_full": c[:, 0].astype(np.int64), "full_passes": full, "ws_passes": ws,
            "passes": full + ws, "update_passes": upd, "n_epochs": c[:, 4].astype(np.int64),
            "n_outer": c[:, 5].astype(np.int64), "n_newton": c[:, 6].astype(np.int64),
            "entries": entries}


class LeastSquaresSteps(PathSteps):
    """The least-squares point solver of :func:`penalized._path.run_path`.

    State carried from one alpha to the next: the coefficients w, the
    residual (or Gram-mode correlations) of w, the dual certificate (w_cert
    and its residual, rescaled for the next alpha it is often already nearly
    optimal, as in Celer's path solver) and the correlations of the last gap
    pass (``corr_carry``).  Options as for :func:`solve_path`.
    """

    work_unit = "epochs"
    model_name = "Objective"
    tol_meaning = "tol * ||y - mean||^2 / n"

    def __init__(self, problem, tgt, *, l1_ratio, coef_init, tol, max_iter, positive,
                 selection, random_state, screening, working_set, features, work,
                 return_certificate, n_threads):
        p = problem.n_features
        self.problem, self.tgt, self.features = problem, tgt, features
        self.n_features, self.coef_shape, self.intercept_shape = p, (p,), ()
        self.dtype = problem.dtype
        self.keeps_certificates = return_certificate
        self.l1_ratio, self.positive, self.max_iter = l1_ratio, positive, max_iter
        self.screening, self.working_set, self.n_threads = screening, working_set, n_threads
        self.w = np.zeros(p, dtype=problem.dtype)
        if coef_init is not None:
            self.w[:] = np.asarray(coef_init, dtype=problem.dtype).reshape(p)
            if features is not None:
                self.w[:] = features.clip(self.w)
        self.cert_w = np.empty(p, dtype=problem.dtype)
        self.solver_kw = {} if features is None else features.solver_kwargs()
        self.res = problem.residual(tgt, self.w)
        self.cert_res = np.empty_like(self.res)
        # the correlations of the last converged solution, carried to the next alpha
        self.corr_carry = np.empty(p, dtype=np.float64)
        self.carry_in = False
        self.target = problem.solver_target(tgt)
        self.tol_abs = tol * tgt.yy
        # below FLOAT32_CERT_FLOOR (relative) a float32 path is solved as far as its
        # rounding allows and its honest gap reported, but not warned about: a path's
        # default tol (1e-8) asks for more than float32 arithmetic can certify
        self.warn_abs = (max(tol, FLOAT32_CERT_FLOOR) * tgt.yy
                         if problem.dtype == np.float32 and tol > 0 else self.tol_abs)
        self.shuffle = selection == "random"
        self.seed = (int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
                     if self.shuffle else 0)
        self.work = work
        self.counters = [] if work is not None else None
        self.rounding_limited = False
        # the working-set Gram cache of precompute='working_set' / 'auto', kept along
        # the path (None: coordinate descent on the columns)
        self.cov = problem.covariance_cache()
        # Gram columns for the outer checks' correlations on tall sparse X (or None)
        self.gram_corr = problem.gram_correlations(self.target)

    def solve(self, k, alpha, alpha_prev):
        problem, n, l1_ratio = self.problem, self.problem.n_samples, self.l1_ratio
        info = enet_solve(
            problem.solver_design, self.w, self.res, self.target, self.tgt.yy,
            n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio),
            positive=self.positive, tol_abs=self.tol_abs, max_epochs=self.max_iter,
            screening=self.screening, working_set=self.working_set, shuffle=self.shuffle,
            seed=self.seed + k, cert_res=self.cert_res, cert_w=self.cert_w, has_cert=k > 0,
            l1_prev=n * alpha_prev * l1_ratio if k > 0 else 0.0,
            # Celer's pruned working sets (2 nnz after the first round; doubling when the
            # gap stalls); at warm path points the first one is the strong set.  Pruning
            # on warm points too read 40% fewer working-set entries on dorothea (8.2 ->
            # 4.9 passes per point), the same elsewhere (benchmarks/sparse_path.py)
            prune=True, corr_carry=self.corr_carry, carry_in=self.carry_in,
            n_threads=self.n_threads, cov=self.cov, gram_corr=self.gram_corr,
            **self.solver_kw,
        )
        self.carry_in = info["carry_out"]
        if self.counters is not None:
            self.counters.append([info[key] for key in WORK_KEYS])
        missed = None
        if info["gap"] > self.warn_abs:
            missed = (info["gap"] / n, self.warn_abs / n)
            # the solver stops early when only its rounding bound, or the dtype's
            # rounding floor, keeps the gap above the target (see enet_solve)
            self.rounding_limited |= (info["gap"] - info["rounding"] <= self.tol_abs
                                      or info["n_epochs"] < self.max_iter)
        gap = _exact_gap(info["gap"], self.w, self.tgt, n * alpha * l1_ratio, self.positive,
                         self.features) / n
        # the objective sums |w_j|: it is finite exactly when w is (barring overflow)
        return PointResult(gap=gap, n_iter=info["n_epochs"],
                           finite=bool(np.isfinite(info["primal"])), missed=missed)

    def coef(self):
        return self.w

    callback_coef = coef

    def certificate(self):
        return self.cert_w

    def active_rows(self):
        return self.w != 0

    def intercept(self):
        return self.problem.intercept(self.tgt, self.w)

    def unconverged_hint(self):
        if not self.rounding_limited:
            return None
        return (f"The duality gap stopped at the rounding floor of {self.problem.dtype} "
                "arithmetic" + (" with a Gram matrix (precompute)"
                                if self.problem.gram_design is not None else "")
                + ": it is an honest bound, but this tol cannot be certified "
                "here. Use float64 X, precompute=False, a larger alpha, or a larger tol.")

    def finish(self, n_fitted):
        if self.work is not None:
            self.work.update(path_work(self.problem.solver_design, self.counters[:n_fitted]))

    def nonfinite_error(self):
        return NonFiniteError(
            "Coordinate descent iterations resulted in non-finite parameter values: the "
            "data may contain values too large to square in this dtype. Rescale X and y."
        )


def solve_path(problem, tgt, alphas, *, l1_ratio, coef_init=None, tol=1e-4,
               max_iter=1000, positive=False, selection="cyclic", random_state=None,
               screening=True, working_set=True, warn=True, return_certificate=False,
               callback=None, features=None, max_features=None, dfmax=None, work=None,
               return_sparse=False, n_threads=1):
    """Solve the elastic net for each alpha in turn, warm-starting from the previous one.

    :func:`penalized._path.run_path` with the least-squares point solver
    (:class:`LeastSquaresSteps`).  The warm start carries the coefficients,
    the residual and the dual certificate; the first working set at each alpha
    is the sequential strong set (Tibshirani et al. 2012), checked against
    the optimality conditions of every feature by the outer duality gap.

    Returns coefs (p, n_alphas), dual_gaps (n_alphas,) in the objective's
    1/n scaling, n_iters (epochs per alpha), intercepts (n_alphas,), and if
    ``return_certificate`` the coefficients w_cert (p, n_alphas) whose
    residual y_c - X_c w_cert, rescaled, is the dual point of each gap.
    ``callback(k, n_alphas, alpha, coef, gap)``, if given, runs after each alpha.
    ``features`` (a FeaturePenalty or None) gives per-feature penalties,
    bounds, excluded features and standardization (see ``_features``).
    ``max_features`` / ``dfmax``: glmnet's pmax / dfmax (see ``run_path``).

    ``work``, if a dict, receives the solver's work counters per alpha (see
    :func:`path_work`).  ``return_sparse``: coefs is a scipy.sparse CSC
    (p, n_alphas) matrix of X's dtype, filled alpha by alpha from one working
    vector, so that no dense (p, n_alphas) array is ever allocated (not with
    ``return_certificate``).  ``n_threads``: OpenMP threads of the full
    correlation passes inside each solve (see :func:`penalized._core.resolve_threads`);
    the results have the same bits for any value.
    """
    if return_sparse and return_certificate:
        raise ValueError("return_sparse and return_certificate do not go together")
    out = problem.path(alphas, tgt=tgt, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol,
                       max_iter=max_iter, positive=positive, selection=selection,
                       random_state=random_state, screening=screening,
                       working_set=working_set, features=features, work=work,
                       return_certificate=return_certificate, n_threads=n_threads,
                       max_features=max_features, dfmax=dfmax, return_sparse=return_sparse,
                       warn=warn, callback=callback)
    legacy = (out.coefs, out.gaps, out.n_iters, out.intercepts)
    return legacy + (out.certificates,) if return_certificate else legacy
