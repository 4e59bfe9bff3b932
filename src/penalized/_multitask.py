"""Multi-task Lasso / ElasticNet: a row-sparse coefficient matrix shared by T targets.

Objective (scikit-learn's MultiTaskElasticNet scaling), for Y (n, T), W (p, T)
with rows W_j, intercepts b (T,), sample weights s normalised to sum n::

    1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
        + alpha * l1_ratio * sum_j ||W_j||_2 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

The L2 norm of each row makes a feature active for every task or for none
(the group Lasso of Yuan & Lin 2006 with one group per feature across tasks;
Obozinski, Taskar & Jordan 2010).  b is not penalised and is eliminated by
implicit centring in the native core (sparse X stays sparse, dense X is not
copied).  Solved by block coordinate descent over rows (Tseng 2001) with
working sets and gap-safe screening (``_native/blocks.pxi``).  ``tol`` bounds the
duality gap: a fit is converged when gap <= tol * sum_i s_i ||Y_i - Ybar||^2 / n,
the criterion of the single-task solvers (float32 data are certified natively: the
residual is recomputed from W with double accumulation at every gap check; a gap
below 1e-7 * ||Y_c||^2 / n is not reported as unconverged, as for least squares).
``coef_`` is (n_tasks, n_features) as in scikit-learn.

Per-feature options (glmnet's ``family="mgaussian"`` with ``penalty.factor``,
``exclude``, ``standardize``): the penalty becomes::

    alpha * sum_j pf_j * (l1_ratio * sd_j ||W_j||_2 + (1 - l1_ratio)/2 * sd_j^2 ||W_j||_2^2)

with W_j = 0 for j in ``exclude``; pf is ``penalty_factor`` rescaled to sum to p (an
excluded feature counting with factor 1; pf_j = 0 leaves row j unpenalized), sd_j = 1,
or with ``standardize=True`` the weighted standard deviation sqrt(sum_i s_i (x_ij -
m_j)^2 / n) of column j (constant columns get W_j = 0): the penalty of glmnet's fit on
the standardized columns, ``coef_`` on the original scale.  These are the single-output
models' conventions (``_features.py``).  They are solved as singleton groups with
L1 weights pf_j sd_j and ridge factors pf_j sd_j^2 by the same block solver; the
unpenalized rows form its free block (fitted by least squares given the others).
Bounds on W (glmnet's ``lower.limits`` / ``upper.limits``) are not supported (a box on
the entries of a row is not a block penalty: ValueError).  The paths and CV estimators
take ``max_features`` / ``dfmax`` (glmnet's pmax / dfmax, counting rows).
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._alphas import is_count, path_alphas
from ._core import group_enet_solve, group_gram_eigen, multitask_enet_solve, resolve_threads
from ._enet import FLOAT32_CERT_FLOOR, alpha_grid
from ._path import PathSteps, PointResult
from ._problem import NonFiniteError, Problem, check_target_magnitude
from ._features import check_feature_options, check_max_features, column_scales
from ._grouping import Grouping
from ._progress import path_progress
from ._validation import (
    check_init,
    check_sample_weight,
    check_scalar_param,
    check_trusted_X,
    check_X,
    check_y,
    validate_X,
)
from .linear_model import SparseInputMixin, add_offset, keeps_state_on_error, offset_target

__all__ = ["MultiTaskElasticNet", "MultiTaskLasso", "multitask_enet_path",
           "multitask_lasso_path"]


def check_Y(Y, n_samples, dtype, input_name="y"):
    """Y as an F-ordered (n, T) float array of X's dtype; a 1-D Y is an error."""
    Y = check_y(Y, n_samples, dtype, multi_output=True, input_name=input_name)
    if Y.ndim != 2:
        raise ValueError(
            f"{input_name} must be 2-D (n_samples, n_tasks) for a multi-task model; "
            f"got shape {Y.shape}. For a single target use penalized.Lasso or "
            "penalized.ElasticNet (or pass y.reshape(-1, 1)).")
    if Y.shape[1] < 1:
        raise ValueError(f"{input_name} has no task (shape {Y.shape}).")
    return np.asfortranarray(Y)


class MultiTaskProblem(Problem):
    """A design and a multi-task target prepared once for many penalties.

    X: F-ordered float array or canonical CSC (validated); Y: (n, T) of X's
    dtype; sample_weight summing to n, or None; ``grouping`` (a Grouping, or
    None: the rows of W), whose unpenalized groups (weight 0) the solver sees
    merged into one.
    """

    def __init__(self, X, Y, sample_weight=None, fit_intercept=True, grouping=None,
                 features=None):
        super().__init__(X, sample_weight, fit_intercept)
        self.sd = None
        if features is not None:
            if grouping is not None:
                raise ValueError("per-feature options and groups are not combined here.")
            grouping = self._feature_grouping(sample_weight, **features)
        self.grouping = None if grouping is None else grouping.merge_free()
        grouping = self.grouping
        self.Y = np.asfortranarray(Y, dtype=self.dtype)
        self.n_tasks = self.Y.shape[1]
        s = sample_weight
        Y64 = self.Y.astype(np.float64)
        self.y_mean = (np.average(Y64, axis=0, weights=s) if fit_intercept
                       else np.zeros(self.n_tasks))
        Yc = Y64 - self.y_mean
        self.yy = float(np.sum(Yc * Yc if s is None else Yc * Yc * s[:, None]))
        check_target_magnitude(self.yy, self.Y)
        self._Yc = Yc
        self._xty_norm = None
        # the groups' Gram eigendecompositions, once for the whole path
        self.eigen = (None if grouping is None
                      else group_gram_eigen(self.design, grouping.ptr, grouping.cols))
        if grouping is not None and np.any(grouping.excluded):
            # an excluded group never enters: the solver leaves blocks with lmax 0 at 0
            self.eigen = dict(self.eigen, lmax=np.where(grouping.excluded, 0.0,
                                                        self.eigen["lmax"]))

    def _feature_grouping(self, sample_weight, pf, excluded, standardize):
        """The per-feature options as singleton groups (one per row of W): L1 weight
        omega_j = pf_j sd_j, ridge factor rho_j = pf_j sd_j^2 (``multitask_options``),
        pf_j = 0 an unpenalized row (the solver's free block), exclude and the
        constant columns of ``standardize`` kept at 0."""
        p = self.n_features
        weight = np.ones(p) if pf is None else pf
        excluded = np.zeros(p, dtype=bool) if excluded is None else excluded.copy()
        if standardize:
            self.sd, constant = column_scales(self.X, sample_weight, self.design,
                                              self.fit_intercept)
            excluded |= constant
            omega, rho = weight * self.sd, weight * self.sd ** 2
        else:
            omega, rho = weight, weight
        # an excluded row never moves: weight 1 (never the free block), ridge 1
        omega = np.ascontiguousarray(np.where(excluded, 1.0, omega))
        rho = np.ascontiguousarray(np.where(excluded | (omega == 0), 1.0, rho))
        return Grouping(np.arange(p, dtype=np.intp), omega, excluded,
                        None if np.all(rho == 1.0) else rho)

    def excluded_columns(self):
        """The columns kept at 0 (of the excluded groups)."""
        if self.grouping is None:
            return np.empty(0, dtype=np.intp)
        return self.grouping.excluded_columns()

    def free_columns(self):
        """The columns of the unpenalized group (empty if none)."""
        g = self.grouping
        if g is None or not np.any(g.free):
            return np.empty(0, dtype=np.intp)
        k = int(np.flatnonzero(g.free)[0])
        return g.cols[g.ptr[k]:g.ptr[k + 1]]

    def free_residual(self):
        """Y_c - X_c,U B_U with B_U the (weighted) least-squares fit of the
        unpenalized columns U (Y_c if there are none): the residual at every alpha
        >= alpha_max, in float64."""
        cols = self.free_columns()
        if cols.size == 0:
            return self._Yc
        XU = self.X[:, cols]
        XU = np.asarray(XU.toarray() if hasattr(XU, "toarray") else XU, dtype=np.float64)
        if self.fit_intercept:
            XU = XU - self.design.x_mean[cols]
        s = self.design.sample_weight
        r = np.ones(self.n_samples) if s is None else np.sqrt(np.asarray(s, np.float64))
        B = np.linalg.lstsq(r[:, None] * XU, r[:, None] * self._Yc, rcond=None)[0]
        return self._Yc - XU @ B

    def xty_norm(self):
        """||X_c,g^T S R_0||_F / omega_g for every block g (a feature, or a group of
        the grouping; 0 for the unpenalized group), R_0 = ``free_residual()``, one
        pass over X per task."""
        if self._xty_norm is None:
            R0 = self.free_residual()
            C = np.empty((self.n_features, self.n_tasks))
            for t in range(self.n_tasks):
                C[:, t] = self.design.correlations(
                    np.ascontiguousarray(R0[:, t], dtype=self.dtype))
            sq = np.sum(C * C, axis=1)
            if self.grouping is not None:
                w = self.grouping.weights
                on = (w > 0) & ~self.grouping.excluded
                sq = np.where(on, self.grouping.block_sums(sq) / np.where(on, w, 1.0) ** 2, 0.0)
            self._xty_norm = np.sqrt(sq)
        return self._xty_norm

    def path_steps(self, *, l1_ratio, coef_init=None, tol=1e-4, max_iter=1000,
                   screening=True, working_set=True, n_threads=1):
        """The block point solver (see :func:`solve_multitask_path`)."""
        return BlockSteps(self, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol,
                          max_iter=max_iter, screening=screening, working_set=working_set,
                          n_threads=n_threads)

    def solve(self, W, R, l1, l2, **options):
        """One point of the path in place: the native block solver for these blocks."""
        if self.grouping is None:
            return multitask_enet_solve(self.design, W, R, self.Y, l1, l2, **options)
        g = self.grouping
        return group_enet_solve(self.design, W, R, self.Y, l1, l2, g.ptr, g.cols, g.weights,
                                self.eigen, group_ridge=g.ridge, **options)

    def alpha_max(self, l1_ratio):
        """Smallest alpha with W = 0 optimal (the unpenalized group at its least-squares
        fit): max_g ||X_c,g^T S R_0|| / (n omega_g l1_ratio) over the penalized groups."""
        if l1_ratio <= 0:
            raise ValueError(
                "l1_ratio=0 (pure L2) has no alpha_max; pass an explicit alphas grid.")
        top = float(self.xty_norm().max()) if self.n_features else 0.0
        return top / (self.n_samples * l1_ratio)

    def residual(self, W):
        """R = Y_c - X_c W, F-ordered (n, T), for W (p, T)."""
        R = self._Yc.copy()
        if np.any(W):
            W64 = np.asarray(W, dtype=np.float64)
            R -= np.asarray(self.X @ W64)
            if self.fit_intercept:
                R += self.design.x_mean @ W64
        return np.asfortranarray(R, dtype=self.dtype)

    def intercept(self, W):
        if not self.fit_intercept:
            return np.zeros(self.n_tasks)
        return self.y_mean - self.design.x_mean @ np.asarray(W, dtype=np.float64)

    def exact_gap(self, gap, W, l1):
        """The solver's gap, exactly 0 at W = 0 when alpha >= alpha_max (see _enet._exact_gap)."""
        if not np.any(W) and self.n_features and self.free_columns().size == 0:
            if float(self.xty_norm().max()) <= l1 * (1.0 + 8 * np.finfo(np.float64).eps):
                return 0.0
        return max(gap, 0.0)


class BlockSteps(PathSteps):
    """The block (multi-task / group) point solver of :func:`penalized._path.run_path`.

    State carried from one alpha to the next: W (p, T) and its residual
    matrix R = Y_c - X_c W.  The stored path is (T, p, n_alphas), scikit-learn's
    layout for multi-task paths.  Options as for :func:`solve_multitask_path`.
    """

    work_unit = "epochs"
    model_name = "Objective"
    tol_meaning = "tol * ||Y - mean||_F^2 / n"
    order = "C"

    def __init__(self, problem, *, l1_ratio, coef_init, tol, max_iter, screening,
                 working_set, n_threads=1):
        p, T = problem.n_features, problem.n_tasks
        self.problem, self.l1_ratio, self.max_iter = problem, l1_ratio, max_iter
        self.options = dict(max_epochs=max_iter, screening=screening, working_set=working_set,
                            n_threads=n_threads)
        self.n_threaded = 0     # gap passes that ran on more than one thread
        self.n_features, self.dtype = p, problem.dtype
        self.coef_shape, self.intercept_shape = (T, p), (T,)
        self.W = np.zeros((p, T), dtype=problem.dtype)
        if coef_init is not None:
            self.W[:] = np.asarray(coef_init, dtype=problem.dtype).reshape(T, p).T
            self.W[problem.excluded_columns()] = 0.0
        self.R = problem.residual(self.W)
        self.tol_abs = tol * problem.yy
        # below FLOAT32_CERT_FLOOR (relative) a float32 path is solved as far as its rounding
        # allows and its honest gap reported (the native solver recomputes the residual from
        # W in double at every check), but not warned about, as for least squares
        self.warn_abs = (max(tol, FLOAT32_CERT_FLOOR) * problem.yy
                         if problem.dtype == np.float32 and tol > 0 else self.tol_abs)
        self.rounding_limited = False

    def solve(self, k, alpha, alpha_prev):
        problem, n = self.problem, self.problem.n_samples
        l1, l2 = n * alpha * self.l1_ratio, n * alpha * (1.0 - self.l1_ratio)
        info = problem.solve(self.W, self.R, l1, l2, tol_abs=self.tol_abs, **self.options)
        self.n_threaded += info["n_threaded"]
        missed = None
        if info["gap"] > self.warn_abs:
            missed = (info["gap"] / n, self.warn_abs / n)
            # the native solver stops early when only its rounding bound, or the dtype's
            # rounding floor (F no longer decreasing), keeps the gap above the target
            self.rounding_limited |= (info["gap"] - info.get("rounding", 0.0) <= self.tol_abs
                                      or info["n_epochs"] < self.max_iter)
        return PointResult(gap=problem.exact_gap(info["gap"], self.W, l1) / n,
                           n_iter=info["n_epochs"], finite=bool(np.isfinite(info["primal"])),
                           missed=missed)

    def coef(self):
        return self.W.T

    callback_coef = coef

    def active_rows(self):
        return np.any(self.W != 0, axis=1)

    def intercept(self):
        return self.problem.intercept(self.W)

    def unconverged_hint(self):
        if not self.rounding_limited:
            return None
        return (f"The duality gap stopped at the rounding floor of {self.problem.dtype} "
                "arithmetic: it is an honest bound, but this tol cannot be certified "
                "here. Use float64 X, a larger alpha, or a larger tol.")

    def nonfinite_error(self):
        return NonFiniteError(
            "Coordinate descent iterations resulted in non-finite parameter values (block "
            "coordinate descent): the data may contain values too large to square in this "
            "dtype. Rescale X and Y.")


def multitask_options(p, penalty_factor=None, exclude=None, standardize=False,
                      lower_bounds=None, upper_bounds=None):
    """Validated per-feature options of the multi-task models for p features (for
    ``MultiTaskProblem(features=)``), or None when none is set.

    ``penalty_factor`` (p,) >= 0, rescaled to sum to p as for the single-output
    models (``check_feature_options``'s rules: an excluded
    feature counts with factor 1); ``exclude`` feature indices; ``standardize`` a
    bool.  Bounds on rows of W are not a block penalty and are rejected.
    """
    if lower_bounds is not None or upper_bounds is not None:
        raise ValueError(
            "lower_bounds / upper_bounds are not supported by the multi-task models: a box "
            "on each entry of a row W_j is not a block (group) penalty, so the block solver "
            "cannot take it. Use exclude to keep a feature at 0.")
    if not isinstance(standardize, (bool, np.bool_)):
        raise TypeError(f"standardize must be True or False, got {standardize!r}.")
    pf, _, _, excluded = check_feature_options(p, penalty_factor, None, None, exclude)
    if pf is not None and np.all(pf == 1.0):
        pf = None       # a constant factor is the plain penalty: the plain rows' solver
    if pf is None and excluded is None and not standardize:
        return None
    return dict(pf=pf, excluded=excluded, standardize=bool(standardize))


def solve_multitask_path(problem, alphas, *, l1_ratio, coef_init=None, tol=1e-4,
                         max_iter=1000, screening=True, working_set=True, warn=True,
                         callback=None, max_features=None, dfmax=None, n_threads=1):
    """Solve for each alpha in turn, warm-started (W and R) from the previous one.

    :func:`penalized._path.run_path` with the block point solver
    (:class:`BlockSteps`).  Returns coefs (T, p, n_alphas), dual_gaps
    (n_alphas,) in the objective's 1/n scaling, n_iters (epochs per alpha) and
    intercepts (T, n_alphas).  ``callback(k, n_alphas, alpha, coef, gap)``, if
    given, runs after each alpha.  ``max_features`` / ``dfmax``: glmnet's pmax /
    dfmax over the rows of W (the path stops before the crossing alpha; the outputs
    cover the alphas before it).  ``n_threads``: threads of the gap checks'
    correlation passes (the same results for any count).
    """
    out = problem.path(alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol,
                       max_iter=max_iter, screening=screening, working_set=working_set,
                       warn=warn, callback=callback, max_features=max_features,
                       dfmax=dfmax, n_threads=n_threads)
    return out.coefs, out.gaps, out.n_iters, out.intercepts


def run_block_path(problem, alphas, eps, l1_ratio, coef_init, tol, max_iter, verbose, name,
                   max_features=None, dfmax=None, n_threads=1):
    """The path function's body: the automatic grid when ``alphas`` is a count, then
    the warm-started solves with a progress callback; returns (alphas, coefs, gaps, n_iters)
    (the alphas reached, with ``max_features`` / ``dfmax``)."""
    if is_count(alphas):
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        alphas = alpha_grid(problem.alpha_max(l1_ratio), alphas, eps)
    coefs, gaps, n_iters, _ = solve_multitask_path(
        problem, alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol, max_iter=max_iter,
        callback=path_progress(verbose, name), max_features=max_features, dfmax=dfmax,
        n_threads=n_threads)
    return np.asarray(alphas)[:gaps.size], coefs, gaps, n_iters


def check_block_solver_params(tol, max_iter, selection="cyclic"):
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    check_selection(selection)


def check_selection(selection):
    """``selection`` of the multi-task models: only 'cyclic' is implemented."""
    if selection == "random":
        raise ValueError(
            "selection='random' is not implemented for the multi-task models (their block "
            "coordinate descent is cyclic, with working sets); use selection='cyclic'.")
    if selection != "cyclic":
        raise ValueError(f"selection must be one of ['cyclic', 'random'], got {selection!r}.")


def multitask_enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated", alphas="warn",
                        copy_X=True, coef_init=None, verbose=False, return_n_iter=False,
                        check_input=True, fit_intercept=False, sample_weight=None,
                        tol=1e-8, max_iter=10_000, penalty_factor=None, exclude=None,
                        standardize=False, max_features=None, dfmax=None, offset=None,
                        n_threads=1):
    """Multi-task elastic-net path by warm-started block coordinate descent.

    Minimises, for each alpha, ``1/(2n) sum_i s_i ||Y_i - x_i W - b||^2
    + alpha*l1_ratio*sum_j ||W_j||_2 + alpha*(1-l1_ratio)/2*||W||_F^2``, or with the
    per-feature options ``1/(2n) sum_i s_i ||Y_i - x_i W - b||^2 + alpha * sum_j pf_j
    (l1_ratio sd_j ||W_j||_2 + (1-l1_ratio)/2 sd_j^2 ||W_j||_2^2)``, W_j = 0 for j in
    ``exclude`` (see :class:`MultiTaskElasticNet`).
    Like :func:`penalized.enet_path`, data are not centred unless
    ``fit_intercept=True``.

    Parameters
    ----------
    X : array-like or sparse matrix (n_samples, n_features); sparse stays sparse.
    y : array-like (n_samples, n_tasks)
    l1_ratio : float in [0, 1]
    eps : float
        alpha_min / alpha_max of the automatic grid, from alpha_max =
        max_j ||X_c,j^T S Y_c|| / (n l1_ratio), the smallest alpha with all rows
        zero, down to eps * alpha_max.
    alphas : int or array-like, default=100 grid points
        An int: the size of the automatic grid; an array: the grid (sorted
        decreasing).  ``None`` is deprecated (FutureWarning), as in scikit-learn 1.9.
    n_alphas : int, deprecated (FutureWarning): use ``alphas=<int>``.
    copy_X : accepted for compatibility; X is never modified.
    coef_init : (n_tasks, n_features), warm start for the first alpha.
    verbose : bool or int, progress as in :func:`penalized.enet_path`.
    check_input : bool, skip validation when False (X F-ordered or CSC, y 2-D).
    tol : float, default=1e-8
        Every path point's certified gap is <= tol * sum_i s_i ||Y_i - Ybar||^2
        / n (the objective's 1/(2n) units): the fitted values are within
        sqrt(2 * tol) of the exact path's, in RMS relative to ||Y_c||_F /
        sqrt(n).  Tighter than the single fits' 1e-4 so that every alpha of
        the warm-started path is solved (see :func:`penalized.enet_path`).
        float32 data (tol > 0): no ConvergenceWarning for a gap below max(tol, 1e-7)
        (float32 rounding can bound the certificate near that level).
    max_iter : int, default=10000, epochs per alpha.
    penalty_factor, exclude, standardize : per-feature options, as in
        :class:`MultiTaskElasticNet` (alpha_max is then max_j ||X_c,j^T S R_0|| /
        (n l1_ratio pf_j sd_j) over the penalized features, R_0 the residual of the
        unpenalized ones' least-squares fit).
    max_features, dfmax : int or None
        glmnet's pmax / dfmax over features (rows of W), as in
        :func:`penalized.enet_path`: the path stops before the first alpha at which
        more than ``max_features`` rows have been non-zero so far, or more than
        ``dfmax`` are non-zero now; the returned alphas may then be fewer.
    offset : array-like (n_samples, n_tasks), optional
        glmnet's mgaussian offset: the path of Y - offset (a fixed, unpenalized
        term of the fit; add it back to the predictions).  The grid and ``tol``
        are then those of Y - offset.
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes X_c^T S R (the epochs
        stay on one thread; small passes too); -1: OpenMP's limit.  The results
        are the same bits for any count.

    Returns
    -------
    alphas : (n_alphas,)
    coefs : (n_tasks, n_features, n_alphas)
    dual_gaps : (n_alphas,), duality gaps in the 1/(2n) scaling above.
    n_iters : (n_alphas,), only if ``return_n_iter``.
    """
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_block_solver_params(tol, max_iter)
    resolve_threads(n_threads)
    alphas = path_alphas(alphas, n_alphas)
    if check_input:
        X = check_X(X)
        y = check_Y(y, X.shape[0], X.dtype)
    else:
        X = check_trusted_X(X)
        y = np.asarray(y, dtype=X.dtype)
        if y.ndim != 2 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]}, n_tasks), got {y.shape}.")
    # O(n), in both modes: unnormalised weights would solve a different objective
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    y = offset_target(y, offset)
    options = multitask_options(X.shape[1], penalty_factor, exclude, standardize)
    problem = MultiTaskProblem(X, y, sample_weight, fit_intercept, features=options)
    coef_init = check_init(coef_init, (problem.n_tasks, X.shape[1]), "coef_init")
    alphas, coefs, gaps, n_iters = run_block_path(
        problem, alphas, eps, l1_ratio, coef_init, tol, max_iter, verbose,
        "multitask_enet_path", max_features=check_max_features(max_features),
        dfmax=check_max_features(dfmax, "dfmax"), n_threads=n_threads)
    if return_n_iter:
        return alphas, coefs, gaps, n_iters
    return alphas, coefs, gaps


def multitask_lasso_path(X, y, *, eps=1e-3, n_alphas="deprecated", alphas="warn", copy_X=True,
                         coef_init=None, verbose=False, return_n_iter=False, **params):
    """Multi-task Lasso path: :func:`multitask_enet_path` with ``l1_ratio=1`` (its
    ``max_features`` / ``dfmax`` and per-feature options included).

    Minimises ``1/(2n) ||Y - XW - b||_F^2 + alpha * sum_j ||W_j||_2`` for each alpha
    (``alpha * sum_j pf_j sd_j ||W_j||_2`` with the per-feature options
    ``penalty_factor``, ``exclude``, ``standardize`` of :func:`multitask_enet_path`).
    """
    return multitask_enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
                               copy_X=copy_X, coef_init=coef_init, verbose=verbose,
                               return_n_iter=return_n_iter, **params)


class MultiTaskTargetMixin:
    """scikit-learn tags of a model that needs a 2-D target (as its MultiTask*)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskElasticNet(MultiTaskTargetMixin, SparseInputMixin, RegressorMixin,
                          BaseEstimator):
    """Multi-task elastic net: row-sparse W shared by all tasks, certified by a duality gap.

    Minimises, with sample weights s rescaled to sum to n::

        1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
            + alpha * l1_ratio * sum_j ||W_j||_2 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    the objective and scaling of :class:`sklearn.linear_model.MultiTaskElasticNet`
    (W_j: the coefficients of feature j for every task).  Dense and
    scipy.sparse X (converted once to CSC, never densified; scikit-learn's
    version rejects sparse X), float32 or float64.  With the per-feature options
    (glmnet's mgaussian ``penalty.factor``, ``exclude``, ``standardize``)::

        1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
            + alpha * sum_j pf_j * (l1_ratio * sd_j ||W_j||_2
                                    + (1 - l1_ratio)/2 * sd_j^2 ||W_j||_2^2),
        W_j = 0 for j in exclude,

    pf = ``penalty_factor`` rescaled to sum to p (excluded features count with
    factor 1), sd_j = 1 or, with ``standardize=True``, the weighted standard
    deviation of column j (constant columns get W_j = 0; coefficients are on the
    original scale); the conventions of :class:`penalized.ElasticNet`.
    ``fit(X, y, offset=O)`` (glmnet's mgaussian offset, O of Y's shape) fits
    Y - O: the model is Y ~ X W^T + b + O, ``predict(X, offset=O)`` adds it back
    and ``tol`` is relative to sum_i s_i ||Y_i - O_i - mean||^2 / n.

    Parameters
    ----------
    alpha : float > 0, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    max_iter : int, default=1000, block coordinate-descent epochs.
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * sum_i s_i ||Y_i - Ybar||^2 / n.
    warm_start : bool, default=False
    copy_X : bool, default=True, accepted for compatibility; X is never modified.
    random_state : accepted for scikit-learn compatibility; unused (only
        ``selection='random'`` would use it, and it is not implemented).
    selection : {'cyclic'}, default='cyclic'
        scikit-learn's parameter; 'random' raises (not implemented).
    penalty_factor : array-like (n_features,) of floats >= 0, or None
        Per-feature multipliers of both penalty terms of row j (0: unpenalized,
        fitted by least squares given the others).
    exclude : array-like of int, or None
        Features whose row of W is kept at 0.
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's default is True); ``coef_`` stays on the
        original scale.  Bounds (glmnet's limits) are not supported for
        multi-task models.
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes X_c^T S R (the epochs
        stay on one thread; small passes too); -1: OpenMP's limit.  The results
        are the same bits for any count.

    Attributes
    ----------
    coef_ : (n_tasks, n_features)
    intercept_ : (n_tasks,)
    dual_gap_ : float, duality gap reached (1/(2n) scaling).
    n_iter_ : int, epochs used.
    n_features_in_, feature_names_in_
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic", penalty_factor=None, exclude=None, standardize=False,
                 n_threads=1):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return self.l1_ratio

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples, n_tasks), optional
            glmnet's offset: a fixed, unpenalized term of the fit, Y ~ X W^T + b +
            offset (the model of Y - offset); pass it to ``predict`` too.
        """
        alpha = check_scalar_param(self.alpha, "alpha", low=0, low_inclusive=False)
        l1_ratio = check_scalar_param(self._effective_l1_ratio(), "l1_ratio", low=0, high=1)
        check_block_solver_params(self.tol, self.max_iter, self.selection)
        resolve_threads(self.n_threads)
        X = validate_X(self, X, reset=True)
        Y = offset_target(check_Y(y, X.shape[0], X.dtype), offset)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            if self.coef_.shape == (Y.shape[1], X.shape[1]):
                coef_init = self.coef_
        options = multitask_options(X.shape[1], self.penalty_factor, self.exclude,
                                    self.standardize)
        problem = MultiTaskProblem(X, Y, sw, self.fit_intercept, features=options)
        coefs, gaps, n_iters, intercepts = solve_multitask_path(
            problem, [alpha], l1_ratio=l1_ratio, coef_init=coef_init, tol=self.tol,
            max_iter=self.max_iter, n_threads=self.n_threads)
        self.coef_ = np.ascontiguousarray(coefs[:, :, 0])
        self.intercept_ = intercepts[:, 0].astype(X.dtype)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(n_iters[0])
        return self

    @property
    def sparse_coef_(self):
        """Coefficients as a scipy.sparse CSR matrix."""
        return sp.csr_matrix(self.coef_)

    def predict(self, X, offset=None):
        """X @ coef_.T + intercept_ (+ ``offset``, of the prediction's shape),
        shape (n_samples, n_tasks)."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return add_offset(np.asarray(X @ self.coef_.T) + self.intercept_, offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """R^2 of ``predict(X, offset)`` against y (uniform average over tasks, as
        scikit-learn's regressor score)."""
        return r2_score(y, self.predict(X, offset), sample_weight=sample_weight)


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso: :class:`MultiTaskElasticNet` with ``l1_ratio=1``.

    Minimises ``1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2 + alpha * sum_j ||W_j||_2``,
    the objective of :class:`sklearn.linear_model.MultiTaskLasso`; with the
    per-feature options ``penalty_factor``, ``exclude``, ``standardize`` (see
    :class:`MultiTaskElasticNet`) the penalty is ``alpha * sum_j pf_j sd_j ||W_j||_2``,
    W_j = 0 for j in exclude.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=1000,
                 tol=1e-4, warm_start=False, random_state=None, selection="cyclic",
                 penalty_factor=None, exclude=None, standardize=False, n_threads=1):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return 1.0
