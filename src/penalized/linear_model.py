"""Least-squares Lasso and ElasticNet: path functions and scikit-learn estimators.

Objective (identical to scikit-learn's ElasticNet), with sample weights s
rescaled to sum to n:

    1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

Lasso is l1_ratio = 1.  ``tol`` is a certified bound: a fit is converged when
its duality gap is <= tol * sum_i s_i (y_i - ybar)^2 / n (ybar = 0 without an
intercept); the gap reached is ``dual_gap_``.
"""

import functools
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._core import resolve_threads
from ._dask import fit_dask_glm, is_dask_array
from ._enet import LeastSquaresProblem, alpha_grid, least_squares, solve_path
from ._features import check_max_features, feature_options, has_box, resolve_features
from ._logistic import LogisticProblem, solve_logistic_path
from ._alphas import is_count, path_alphas
from ._progress import path_progress
from ._validation import (
    check_1d_float,
    check_choice,
    check_init,
    check_labels,
    check_sample_weight,
    check_scalar_param,
    check_trusted_X,
    check_trusted_y,
    check_X,
    check_y,
    user_stacklevel,
    validate_X,
)

__all__ = ["CoxRegression", "ElasticNet", "GammaRegression", "Lasso", "LogisticRegression",
           "PoissonRegression", "enet_path", "gamma_path", "lasso_path", "logistic_path",
           "cox_path", "poisson_path"]


def check_solver_params(tol, max_iter, selection):
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    check_choice(selection, "selection", {"cyclic", "random"})


def check_return_sparse(return_sparse):
    """TypeError unless ``return_sparse`` (of a path function) is a bool."""
    if not isinstance(return_sparse, (bool, np.bool_)):
        raise TypeError(f"return_sparse must be a bool, got {return_sparse!r}.")
    return bool(return_sparse)


def check_precompute(precompute):
    ok = (
        isinstance(precompute, (bool, np.bool_))
        or (isinstance(precompute, str) and precompute in ("auto", "working_set"))
        or hasattr(precompute, "shape")
    )
    if not ok:
        raise ValueError(
            f"precompute must be True, False, 'auto', 'working_set' or a Gram matrix, "
            f"got {precompute!r}."
        )


def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated", alphas="warn",
              precompute="auto", Xy=None, copy_X=True, coef_init=None, verbose=False,
              return_n_iter=False, positive=False, check_input=True,
              fit_intercept=False, sample_weight=None, tol=1e-8, max_iter=10_000,
              selection="cyclic", random_state=None, penalty_factor=None,
              lower_bounds=None, upper_bounds=None, exclude=None, standardize=False,
              max_features=None, dfmax=None, return_sparse=False, n_threads=1, offset=None,
              **params):
    """Elastic-net regularization path by warm-started coordinate descent.

    Minimises, for each alpha,
    ``1/(2n) ||y - Xw - b||^2 + alpha*l1_ratio*||w||_1 + alpha*(1-l1_ratio)/2*||w||^2``
    (sample-weighted as in :class:`ElasticNet`; with the per-feature options
    below, the objective stated in :class:`ElasticNet`).  Signature and return values
    follow :func:`sklearn.linear_model.enet_path`; ``fit_intercept``,
    ``sample_weight``, ``tol``, ``max_iter``, ``selection`` and
    ``random_state`` are keyword extensions (scikit-learn's path assumes
    centred data; so does this one by default).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        A 2-D y (more than one column) is a multi-task problem, as in
        scikit-learn: the path of :func:`penalized.multitask_enet_path`
        (penalty alpha * l1_ratio * sum_j ||W_j||_2 + alpha * (1 - l1_ratio)/2
        * ||W||_F^2 on the rows W_j of the (n_features, n_targets)
        coefficients), and ``coefs`` has shape (n_targets, n_features,
        n_alphas).  ``penalty_factor``, ``exclude`` and ``standardize`` pass
        to it (both terms of row j scaled by pf_j sd_j, sd_j^2, as there); the
        single-task options (``positive``, ``precompute``, ``Xy``,
        ``selection``, the bounds, ``max_features`` / ``dfmax``) are not
        available for it (:func:`penalized.multitask_enet_path` takes
        ``max_features`` / ``dfmax``).
    l1_ratio : float in [0, 1]
    eps : float, alpha_min / alpha_max for the automatic grid.
    n_alphas : int, deprecated
        As in scikit-learn 1.9 (a FutureWarning): use ``alphas=<int>``.
    alphas : int or array-like, default=100 grid points
        An int: the number of alphas of the automatic grid, a geometric grid
        from alpha_max, the smallest alpha whose solution is all zero, down to
        eps * alpha_max.  An array: the alphas themselves (sorted decreasing
        before use).  ``None`` is deprecated (FutureWarning) and means 100.
    precompute : bool, 'auto' or array, Gram mode (see :class:`ElasticNet`).
    Xy : array of shape (n_features,), optional
        Precomputed X_c^T S y_c, used only for the automatic grid.
    copy_X : bool, accepted for compatibility; X is never modified.
    coef_init : array of shape (n_features,), warm start for the first alpha.
    verbose : bool or int
        1 / True: a progress bar (tqdm, if installed; else about ten log lines:
        alpha index, non-zeros, gap); 2: a log line per alpha (logger ``penalized``).
    return_n_iter : bool, also return the epochs used per alpha.
    positive : bool, constrain coefficients to be >= 0.
    check_input : bool, skip validation when False (X must then be an
        F-ordered float array or canonical CSC matrix).
    penalty_factor : float or array of shape (n_features,), default=None
        glmnet's penalty.factor pf_j >= 0, finite, not all 0: feature j's
        penalty is multiplied by pf_j, after rescaling pf to sum to
        n_features (excluded features counted as 1), so a constant pf is
        the plain penalty.  pf_j = 0: w_j is never penalized.
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        Box constraints lower_j <= w_j <= upper_j on the original-scale
        coefficients; lower <= 0 <= upper is required (-inf / inf allowed).
        ``positive=True`` is ``lower_bounds=0``.
    exclude : array of int, default=None
        Features that never enter the model (w_j = 0).
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's default; X is not copied); ``coef_`` is
        reported on the original scale.  Constant columns get 0.
        The automatic grid starts at glmnet's alpha_max: the largest
        x_c,j^T S r / (n l1_ratio pf_j sd_j) over penalized features, in
        the directions their bounds allow, r the residual after the
        least-squares fit of the unpenalized features.
    max_features : int or None, default=None
        glmnet's pmax: the path stops at the first alpha at which more than
        ``max_features`` features have been non-zero somewhere along the path
        so far (a feature that entered and left again still counts); that
        solution is dropped and only the alphas fitted before it are returned
        (so the returned ``alphas`` may be shorter than requested, possibly empty).
    dfmax : int or None, default=None
        glmnet's dfmax: the same stop when the current solution has more than
        ``dfmax`` non-zero coefficients (never stops later than
        ``max_features=dfmax``).
    tol : float, default=1e-8
        Every path point is returned with a certified duality gap
        gap <= tol * sum_i s_i (y_i - ybar)^2 / n (ybar = 0 without an
        intercept), in the objective's units: ``dual_gaps`` are in the same
        1/(2n) scaling, and the bound is 2 * tol times the objective of the
        all-zero model, ||y_c||_S^2 / (2n).  As the least-squares loss is
        exactly quadratic, objective(w) - objective(w*) >= ||X_c (w - w*)||_S^2
        / (2n), so the fitted values are within sqrt(2 * tol) (1.4e-4 at the
        default) of the exact solution's in RMS relative to ||y_c||_S /
        sqrt(n).  The default is tighter than scikit-learn's 1e-4 (the same
        criterion) on purpose: on a warm-started path, the previous alpha's
        solution often meets a 1e-4 target already and is returned unchanged,
        so a path (and a CV curve made of paths) moves in steps; at 1e-8 every
        alpha is solved (benchmarks/cv_tol.py and RESULTS.md).  Single fits
        (:class:`ElasticNet`) keep scikit-learn's 1e-4.  float32 X (not in Gram
        mode): coordinate descent runs on a float64 residual and every gap is
        formed in float64 from the residual recomputed from w, so the float32
        iterate reaches the float64 optimum up to the rounding of its own coefficients, but the gap
        that certifies it is that of the float32-rounded coefficients: at the
        end of a path on the large sparse sets (benchmarks/float32.py, the
        float64 optimum rounded to float32), 4e-9 (hockey_gamlr) to 4.3e-7
        (news20_tfidf) relative, in tol's unit, while its suboptimality is
        1e-16.  So float32's attainable accuracy is tol = 5e-7 (certified
        on all five sets; 2e-7 on all but news20); a smaller tol (the default
        1e-8) returns that honest gap, with a ConvergenceWarning when it
        exceeds 1e-7.  Use float64 for tighter certificates.
    max_iter : int, default=10000
        Coordinate-descent epochs per alpha (over the working set); an alpha
        that reaches it is reported by a ConvergenceWarning with its gap.
    return_sparse : bool, default=False
        Return ``coefs`` as a ``scipy.sparse.csc_matrix`` of shape
        (n_features, n_alphas) (X's dtype, column k the solution at alphas[k],
        explicit entries exactly its non-zeros), built alpha by alpha without
        allocating the dense (n_features, n_alphas) array: for wide X the
        dense array can exceed X itself (1.2M features x 30 alphas: 288 MB).
        Equal to the dense result entry for entry.  Single-output y only.
    n_threads : int or None, default=1
        OpenMP threads for the full passes over X inside each path point's fit (the
        correlations x_j^T r of the outer duality-gap checks, dense or sparse X):
        1 or None, the calling thread only; k > 1, up to k threads, capped by
        OpenMP's limit in the calling thread (the CPU count, ``OMP_NUM_THREADS``
        or ``threadpoolctl.threadpool_limits(..., user_api="openmp")``); -1 that
        limit.  Passes too small to gain (below a measured size) stay on one
        thread.  The result is bit-identical for every value.  Not ``n_jobs``:
        the CV estimators' ``n_jobs`` runs whole folds in parallel.
    offset : array-like of y's shape, optional
        glmnet's offset: the path of y - offset (a fixed term of the fit).
    **params
        Any other keyword raises ValueError("Unexpected parameters in
        params", ...), as in scikit-learn.

    Returns
    -------
    alphas : ndarray (n_alphas,), the alphas actually fitted
    coefs : ndarray (n_features, n_alphas), or csc_matrix with ``return_sparse``
    dual_gaps : ndarray (n_alphas,), duality gaps in the 1/(2n) scaling above.
    n_iters : ndarray (n_alphas,), only if ``return_n_iter``.
    """
    if params:
        # scikit-learn's path functions take **params and reject unknown ones so
        raise ValueError("Unexpected parameters in params", sorted(params))
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_solver_params(tol, max_iter, selection)
    check_return_sparse(return_sparse)
    check_precompute(precompute)
    resolve_threads(n_threads)
    alphas = path_alphas(alphas, n_alphas)
    if check_input:
        X = check_X(X)
        y = check_y(y, X.shape[0], X.dtype, multi_output=True)
    else:
        X = check_trusted_X(X)
        y = (check_trusted_y(y, X.shape[0], X.dtype) if np.ndim(y) < 2
             else np.asarray(y, dtype=X.dtype))
    # O(n), in both modes: unnormalised weights would solve a different objective
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    y = offset_target(y, offset)
    if np.ndim(y) == 2:
        return _multitask_path(
            X, y, l1_ratio=l1_ratio, eps=eps, alphas=alphas, coef_init=coef_init,
            verbose=verbose, return_n_iter=return_n_iter, fit_intercept=fit_intercept,
            sample_weight=sample_weight, tol=tol, max_iter=max_iter,
            penalty_factor=penalty_factor, exclude=exclude, standardize=standardize,
            single_task_only=dict(positive=positive, Xy=Xy,
                                  lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                                  max_features=max_features, dfmax=dfmax,
                                  return_sparse=return_sparse))
    coef_init = check_init(coef_init, (X.shape[1],), "coef_init")
    options = feature_options(X.shape[1], penalty_factor, lower_bounds, upper_bounds, exclude,
                              standardize, positive)
    max_features = check_max_features(max_features)
    dfmax = check_max_features(dfmax, "dfmax")
    problem = LeastSquaresProblem(X, sample_weight, fit_intercept, precompute, tol=tol)
    features = resolve_features(problem, options)
    tgt = problem.target(y)
    if is_count(alphas):
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        if Xy is not None:
            tgt.Xty = check_init(np.squeeze(Xy) if np.ndim(Xy) == 2 else Xy,
                                 (X.shape[1],), "Xy")
        alphas = alpha_grid(problem.alpha_max(tgt, l1_ratio, positive, features),
                            alphas, eps)
    coefs, gaps, n_iters, _ = solve_path(
        problem, tgt, alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol,
        max_iter=max_iter, positive=positive, selection=selection,
        random_state=random_state, callback=path_progress(verbose, "enet_path"),
        features=features, max_features=max_features, dfmax=dfmax,
        return_sparse=bool(return_sparse), n_threads=n_threads,
    )
    alphas = alphas[:coefs.shape[1]]
    if return_n_iter:
        return alphas, coefs, gaps, n_iters
    return alphas, coefs, gaps


def _multitask_path(X, y, *, single_task_only, **kwargs):
    """enet_path's 2-D y: the multi-task path, after rejecting single-task options."""
    from ._multitask import multitask_enet_path   # _multitask imports this module

    if single_task_only.pop("positive"):
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    for name, value in single_task_only.items():
        if value is not None and value is not False:
            raise ValueError(f"{name} is not supported with a 2-D y (the multi-task path).")
    return multitask_enet_path(X, y, check_input=False, **kwargs)


def lasso_path(X, y, *, eps=1e-3, n_alphas="deprecated", alphas="warn", precompute="auto",
               Xy=None, copy_X=True, coef_init=None, verbose=False,
               return_n_iter=False, positive=False, **params):
    """Lasso path: :func:`enet_path` with ``l1_ratio=1``.

    Minimises ``1/(2n) ||y - Xw - b||^2 + alpha * ||w||_1`` for each alpha
    (for a 2-D y, the multi-task ``1/(2n) ||Y - XW - b||_F^2 + alpha * sum_j
    ||W_j||_2``); ``alphas`` / ``n_alphas`` and ``penalty_factor``,
    ``lower_bounds``, ``upper_bounds``, ``exclude``, ``standardize`` and
    ``max_features``, ``dfmax`` as in :func:`enet_path`.
    """
    return enet_path(
        X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
        precompute=precompute, Xy=Xy, copy_X=copy_X, coef_init=coef_init,
        verbose=verbose, return_n_iter=return_n_iter, positive=positive, **params,
    )


def _ready_for_core(X, y):
    """X an F-ordered float array or a CSC matrix and y a float array of its dtype."""
    if sp.issparse(X):
        ok = X.format == "csc"
    else:
        ok = isinstance(X, np.ndarray) and X.ndim == 2 and X.flags.f_contiguous
    return (ok and X.dtype in (np.float32, np.float64) and isinstance(y, np.ndarray)
            and y.dtype == X.dtype and y.ndim in (1, 2))


def keeps_state_on_error(fit):
    """Decorate ``fit`` to be a transaction: it publishes all of its state at once, or none.

    The decorated fit runs on a private shallow copy of the estimator (a new
    object sharing the attribute values) and, when it returns, the copy's
    attribute dict replaces the estimator's in one store.  So an exception
    (bad input, Ctrl-C) leaves the estimator exactly as it was (validation
    sets ``n_features_in_`` before solving: an interrupted refit used to mix
    the old coefficients with the new data's feature count), and fits of one
    object from several threads at once each publish a complete state: the
    object ends as one of the calls left it, never ``n_features_in_`` from one
    call and ``coef_`` from another.  (scikit-learn's estimators give no such
    guarantee; a fit on a shared object is still wasted work for all but the
    last call to finish.)  Returns the estimator itself.
    """
    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        work = object.__new__(type(self))
        work.__dict__.update(self.__dict__)
        fit(work, *args, **kwargs)
        self.__dict__ = work.__dict__      # one store: every attribute from this call
        return self
    return wrapper


class SparseInputMixin:
    """Declares to scikit-learn that the estimator accepts scipy.sparse X."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class ElasticNet(SparseInputMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 penalties, certified by a duality gap.

    Minimises, with sample weights s rescaled to sum to n::

        1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    the same objective and scaling as :class:`sklearn.linear_model.ElasticNet`.
    With glmnet's per-feature options (Friedman, Hastie & Tibshirani 2010) the
    problem is, pf the rescaled ``penalty_factor`` (sum p) and sd_j the
    weighted standard deviation of column j with ``standardize=True`` (else 1)::

        1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
            + alpha * sum_j pf_j * (l1_ratio * sd_j |w_j| + (1 - l1_ratio)/2 * sd_j^2 w_j^2)
        subject to lower_bounds_j <= w_j <= upper_bounds_j, w_j = 0 for j in exclude

    (sd_j = sqrt(sum_i s_i (x_ij - m_j)^2 / n), m_j the weighted mean, also
    without intercept, as glmnet; ``dual_gap_`` certifies this problem).
    ``fit(X, y, offset=o)`` (glmnet's offset) replaces y_i by y_i - o_i: the
    fit is y ~ X w + b + o; ``predict(X, offset=o)`` adds it back (and ``tol``
    is then relative to sum_i s_i (y_i - o_i - mean)^2 / n).
    Solved by coordinate descent with working sets and gap-safe screening;
    dense (C or F order) and scipy.sparse input (converted once to CSC,
    never densified; the intercept is handled by implicit centring).

    Parameters
    ----------
    alpha : float >= 0, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    precompute : bool, 'auto', 'working_set' or array, default='auto'
        Gram mode: solve with G = X_c^T S X_c (p x p).  'auto' uses it for
        dense X with n_samples >= 4 * n_features; 'working_set' runs every
        working-set subproblem on the working set's Gram block instead
        (covariance updates, glmnet's "covariance" mode; the block cached along
        the path; opt-in: 'auto' does not choose it); False: neither.  The
        duality gap is always certified on the true residual.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs.
    copy_X : bool, default=True
        Accepted for compatibility; X is never modified either way.
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * sum_i s_i (y_i - ybar)^2 / n.
        float32 X certifies tol down to about 5e-7 (the gap of its
        float32-rounded coefficients; see :func:`enet_path`).
    warm_start : bool, default=False
    positive : bool, default=False
    random_state : int, RandomState or None, used when selection='random'.
    selection : {'cyclic', 'random'}, default='cyclic'
    penalty_factor : float or array of shape (n_features,), default=None
        glmnet's penalty.factor pf_j >= 0, finite, not all 0: feature j's
        penalty is multiplied by pf_j, after rescaling pf to sum to
        n_features (excluded features counted as 1), so a constant pf is
        the plain penalty.  pf_j = 0: w_j is never penalized.
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        Box constraints lower_j <= w_j <= upper_j on the original-scale
        coefficients; lower <= 0 <= upper is required (-inf / inf allowed).
        ``positive=True`` is ``lower_bounds=0``.
    exclude : array of int, default=None
        Features that never enter the model (w_j = 0).
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's default; X is not copied); ``coef_`` is
        reported on the original scale.  Constant columns get 0.
    n_threads : int or None, default=1
        OpenMP threads for the full passes over X inside this one fit (the
        correlations x_j^T r of the outer duality-gap checks, dense or sparse X;
        not with ``precompute``'s Gram mode, which reads no columns): 1 or None,
        the calling thread only; k > 1, up to k threads, capped by OpenMP's limit
        in the calling thread (the CPU count, ``OMP_NUM_THREADS`` or
        ``threadpoolctl.threadpool_limits(..., user_api="openmp")``); -1 that
        limit.  Passes too small to gain (below a measured size) stay on one
        thread.  The result is bit-identical for every value.  Not ``n_jobs``:
        the CV estimators' ``n_jobs`` runs whole folds in parallel.

    ``fit(X, y, sample_weight=None, offset=None)``: glmnet's offset, a fixed
    per-sample term of the linear predictor (eta = X W + b + offset; shape
    (n_samples,) for two classes and one-vs-rest, (n_samples, n_classes) for
    the multinomial); pass the same ``offset=`` to ``decision_function``,
    ``predict`` and ``predict_proba`` (default: none).  The certificate's
    reference F(0, b0) is then the intercept-only model with the offset.

    Attributes
    ----------
    coef_ : ndarray (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray (n_targets,)
    dual_gap_ : float or ndarray (n_targets,), duality gap reached (1/(2n) scaling).
        For alpha=0 (ordinary least squares, solved directly unless positive=True)
        there is no penalty and no gap: it holds max_j |x_c,j^T S r| / n instead,
        the largest violation of the normal equations at the returned w.
    n_iter_ : int or list of int, coordinate-descent epochs used.
    n_features_in_, feature_names_in_
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute="auto",
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 lower_bounds=None, upper_bounds=None, exclude=None, standardize=False,
                 n_threads=1):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.exclude = exclude
        self.standardize = standardize
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return self.l1_ratio

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, check_input=True, offset=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            A 2-D y fits one independent model per column.
        sample_weight : array-like of shape (n_samples,), optional
        check_input : bool, default=True
            Skip validation when False (internal use).
        offset : array-like of y's shape, optional
            glmnet's offset: a fixed, unpenalized term of the fit, y ~ X w + b +
            offset (the model of y - offset); pass it to ``predict`` too.
        """
        alpha = check_scalar_param(self.alpha, "alpha", low=0)
        l1_ratio = check_scalar_param(self._effective_l1_ratio(), "l1_ratio", low=0, high=1)
        check_solver_params(self.tol, self.max_iter, self.selection)
        check_precompute(self.precompute)
        resolve_threads(self.n_threads)
        if check_input or not _ready_for_core(X, y):
            # one validation pass: F order / CSC conversion and finiteness here (also with
            # check_input=False when X or y is not in the core's layout: a copy, never
            # an error from the core)
            X = validate_X(self, X, reset=True)
            y = check_y(y, X.shape[0], X.dtype, multi_output=True)
        else:
            X = check_trusted_X(X)
        sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        y = offset_target(y, offset)
        options = feature_options(X.shape[1], self.penalty_factor, self.lower_bounds,
                                  self.upper_bounds, self.exclude, self.standardize,
                                  self.positive)
        constrained = self.positive or has_box(options)
        direct = alpha == 0 and not constrained
        if alpha == 0:
            warnings.warn(
                "alpha=0 gives ordinary least squares (no penalty, no duality gap): "
                + ("it is solved by a direct least-squares solver, and dual_gap_ holds "
                   "the largest violation of the normal equations, "
                   "max_j |x_j^T S (y - Xw - b)| / n."
                   if direct else
                   "with positive=True or bounds coordinate descent runs without a "
                   "certificate.")
                + " sklearn.linear_model.LinearRegression fits this model too.",
                UserWarning, stacklevel=user_stacklevel(),
            )
        Y = y[:, None] if y.ndim == 1 else y
        n_targets = Y.shape[1]
        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            prev = np.atleast_2d(self.coef_)
            if prev.shape == (n_targets, X.shape[1]):
                coef_init = prev
        problem = LeastSquaresProblem(X, sample_weight, self.fit_intercept, self.precompute,
                                      tol=self.tol)
        features = None if direct else resolve_features(problem, options)
        coef, certificate = [], []
        intercept = np.empty(n_targets, dtype=X.dtype)
        gaps = np.empty(n_targets, dtype=np.float64)
        n_iter = []
        for k in range(n_targets):
            tgt = problem.target(Y[:, k])
            if direct:
                w, steps, normal_residual, ok = least_squares(problem, tgt, self.max_iter)
                if not ok:
                    warnings.warn(
                        f"LSQR did not converge for alpha=0: normal-equation residual "
                        f"{normal_residual:.3e} after {steps} iterations. Increase "
                        "max_iter or standardize the features.",
                        ConvergenceWarning, stacklevel=user_stacklevel())
                coef.append(w)
                certificate.append(w)
                gaps[k], intercept[k] = normal_residual, problem.intercept(tgt, w)
                n_iter.append(steps)
                continue
            c, g, it, b, cert = solve_path(
                problem, tgt, [alpha], l1_ratio=l1_ratio,
                coef_init=None if coef_init is None else coef_init[k],
                tol=self.tol, max_iter=self.max_iter, positive=self.positive,
                selection=self.selection, random_state=self.random_state,
                return_certificate=True, features=features, n_threads=self.n_threads,
            )
            # (p, 1) F-ordered results: column 0 is contiguous, no copy needed
            coef.append(c[:, 0])
            certificate.append(cert[:, 0])
            gaps[k], intercept[k] = g[0], b[0]
            n_iter.append(int(it[0]))
        if y.ndim == 1:
            self.coef_, self.intercept_ = coef[0], intercept[0]
            self.dual_gap_, self.n_iter_ = gaps[0], n_iter[0]
            # coefficients whose rescaled residual is the dual point behind dual_gap_
            self._dual_certificate = certificate[0]
        else:
            self.coef_, self.intercept_ = np.stack(coef), intercept
            self.dual_gap_, self.n_iter_ = gaps, n_iter
            self._dual_certificate = np.stack(certificate)
        return self

    @property
    def sparse_coef_(self):
        """Coefficients as a scipy.sparse CSR matrix."""
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def _decision_function(self, X):
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        out = X @ np.asarray(self.coef_).T
        return np.asarray(out) + self.intercept_

    def predict(self, X, offset=None):
        """Predict with the linear model: X @ coef_.T + intercept_ (+ ``offset``, glmnet's
        fixed term of the fit, of the prediction's shape)."""
        return add_offset(self._decision_function(X), offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """R^2 of ``predict(X, offset)`` against y (scikit-learn's regressor score)."""
        return r2_score(y, self.predict(X, offset), sample_weight=sample_weight)


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty, certified by a duality gap.

    Minimises ``1/(2n) * sum_i s_i (y_i - x_i.w - b)^2 + alpha * ||w||_1``,
    the objective of :class:`sklearn.linear_model.Lasso` (with the per-feature
    options, alpha * sum_j pf_j sd_j |w_j| under the bounds, see
    :class:`ElasticNet`).  Parameters and attributes are those of
    :class:`ElasticNet` without ``l1_ratio``.
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto", copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic", penalty_factor=None,
                 lower_bounds=None, upper_bounds=None, exclude=None, standardize=False,
                 n_threads=1):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.exclude = exclude
        self.standardize = standardize
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return 1.0


# ---------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------

_PENALTIES = {"l1": 1.0, "l2": 0.0, "elasticnet": None, "group": None}


def logistic_l1_ratio(penalty, l1_ratio, choices=None):
    """The l1_ratio ``penalty`` means ('l1' 1, 'l2' 0, 'elasticnet' the given one, 'group'
    1 unless given), checked against ``l1_ratio``; ``choices``: the penalties the model
    offers (all four by default; the GLM families and Cox take 'l1', 'l2', 'elasticnet')."""
    check_choice(penalty, "penalty", set(_PENALTIES) if choices is None else set(choices))
    if penalty == "elasticnet":
        if l1_ratio is None:
            raise ValueError("penalty='elasticnet' needs l1_ratio (a float in [0, 1]).")
        return check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    if penalty == "group":
        # the group Lasso across classes by default; l1_ratio mixes in the L2 part
        return 1.0 if l1_ratio is None else check_scalar_param(l1_ratio, "l1_ratio",
                                                               low=0, high=1)
    if l1_ratio is not None and l1_ratio != _PENALTIES[penalty]:
        raise ValueError(
            f"l1_ratio={l1_ratio!r} contradicts penalty={penalty!r}; "
            "use penalty='elasticnet' to mix L1 and L2."
        )
    return _PENALTIES[penalty]


def logistic_label_sets(y, classes, multi_class="multinomial"):
    """Labels of each problem :class:`LogisticRegression` solves for ``classes``.

    Two classes: one -1/+1 vector (classes[1] is +1).  More: one one-hot (n, K)
    matrix (multinomial) or one -1/+1 vector per class (one-vs-rest).
    """
    if classes.size == 2:
        return [np.where(y == classes[1], 1.0, -1.0)]
    if multi_class == "multinomial":
        return [(y[:, None] == classes[None, :]).astype(np.float64)]
    return [np.where(y == c, 1.0, -1.0) for c in classes]


def logistic_path(X, y, *, l1_ratio=1.0, eps=1e-3, n_alphas="deprecated", alphas="warn",
                  Cs=None,
                  fit_intercept=True, sample_weight=None, tol=1e-4, max_iter=100,
                  coef_init=None, return_n_iter=False, verbose=False, penalty="elasticnet",
                  penalty_factor=None, exclude=None, standardize=False, offset=None,
                  groups=None, group_weights=None, lower_bounds=None, upper_bounds=None,
                  max_features=None, dfmax=None, n_threads=1, return_sparse=False):
    """Penalised logistic regression along a decreasing grid of alphas.

    Minimises, for each alpha, with sample weights s rescaled to sum to n::

        1/n * sum_i s_i f_i(x_i W + b)
            + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    With ``penalty='group'`` (more than two classes) the L1 part is
    ``alpha * l1_ratio * sum_j ||W_j||_2`` over the rows W_j (feature j across
    the classes): a feature is used by every class or by none.

    Two classes: one predictor, f_i(eta) = log(1 + exp(-y_i eta)) with the
    labels mapped to -1 / +1 (the larger label is +1).  More classes: the
    multinomial (softmax) loss f_i(eta) = logsumexp(eta) - eta_{c_i}, one
    predictor per class (intercepts normalised to sum to 0).

    Warm-started proximal Newton on the least-squares core (see
    :class:`LogisticRegression`).  ``Cs`` (scikit-learn's inverse strength)
    may be given instead of ``alphas``: alpha = 1 / (C * sum of raw weights).
    ``alphas`` and ``n_alphas`` as in :func:`enet_path`: an int is the number
    of alphas of the automatic grid (alpha_max down to eps * alpha_max; 100 by
    default), an array the grid; ``n_alphas`` and ``alphas=None`` are deprecated
    (FutureWarning).  ``verbose`` as in :func:`enet_path`.
    ``penalty_factor``, ``exclude``, ``standardize``, ``lower_bounds``,
    ``upper_bounds``: glmnet's per-feature options, and ``offset`` (a fixed
    term of the linear predictor), as in :class:`LogisticRegression`; ``groups`` / ``group_weights`` (two classes):
    the L1 part is ``alpha * l1_ratio * sum_g omega_g ||w_g||_2``, as in
    :class:`LogisticRegression`.  ``max_features`` / ``dfmax``: glmnet's pmax /
    dfmax, as in :func:`enet_path` (a feature counts when any class's
    coefficient is non-zero); the returned alphas may then be fewer.
    ``n_threads``: OpenMP threads of the full X^T Theta passes inside each fit,
    as in :class:`LogisticRegression`.
    ``return_sparse``: ``coefs`` as a ``scipy.sparse.csc_matrix`` (n_features,
    n_alphas) (explicit entries exactly the non-zeros), or for more than two
    classes a list of n_classes of them (``coefs[c]`` class c's path, as for
    the dense array), built alpha by alpha without the dense array, as in
    :func:`enet_path`; equal to the dense result entry for entry.

    Returns
    -------
    alphas : ndarray (n_alphas,), decreasing.
    coefs : ndarray
        (n_features, n_alphas); (n_classes, n_features, n_alphas) for more than
        two classes (sparse with ``return_sparse``).
    intercepts : ndarray (n_alphas,); (n_classes, n_alphas) for more classes.
    dual_gaps : ndarray (n_alphas,), in the objective's 1/n scaling.
    n_iters : ndarray (n_alphas,), Newton iterations, only if ``return_n_iter``.
    """
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_choice(penalty, "penalty", {"elasticnet", "group"})
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    return_sparse = check_return_sparse(return_sparse)
    resolve_threads(n_threads)
    X = check_X(X)
    y, classes = classification_labels(y, X.shape[0])
    labels = logistic_label_sets(y, classes)[0]
    raw_total = (X.shape[0] if sample_weight is None
                 else float(np.sum(check_1d_float(sample_weight, "sample_weight"))))
    sample_weight = check_sample_weight(sample_weight, X.shape[0], np.float64)
    offset = check_offset(offset, X.shape[0], 1 if labels.ndim == 1 else labels.shape[1])
    problem = LogisticProblem(X, labels, sample_weight, fit_intercept,
                              group=penalty == "group", penalty_factor=penalty_factor,
                              exclude=exclude, standardize=standardize, offset=offset,
                              groups=groups, group_weights=group_weights,
                              lower_bounds=lower_bounds, upper_bounds=upper_bounds)
    if Cs is not None:
        if not (alphas is None or (isinstance(alphas, str) and alphas == "warn")):
            raise ValueError("give alphas or Cs, not both.")
        Cs = np.asarray(Cs, dtype=np.float64).reshape(-1)
        if Cs.size == 0 or not np.all(np.isfinite(Cs)) or np.any(Cs <= 0):
            raise ValueError("Cs must be a non-empty array of finite values > 0.")
        alphas = 1.0 / (Cs * raw_total)
    alphas = path_alphas(alphas, n_alphas)
    if is_count(alphas):
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        alphas = alpha_grid(problem.alpha_max(l1_ratio), alphas, eps)
    p = X.shape[1]
    coef_init = check_init(coef_init, (p,) if labels.ndim == 1 else (labels.shape[1], p),
                           "coef_init")
    if coef_init is not None and labels.ndim == 2:
        coef_init = coef_init.T   # (n_classes, p) -> (p, K)
    coefs, intercepts, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol, max_iter=max_iter,
        callback=path_progress(verbose, "logistic_path"),
        max_features=check_max_features(max_features), dfmax=check_max_features(dfmax, "dfmax"),
        n_threads=n_threads, return_sparse=return_sparse)
    alphas = alphas[:gaps.size]
    if labels.ndim == 2 and return_sparse:
        # rows c * p + j of the CSC path hold W[j, c]: class c's block of rows
        coefs = [coefs[c * p:(c + 1) * p] for c in range(labels.shape[1])]
    elif labels.ndim == 2:
        coefs = np.ascontiguousarray(coefs.transpose(1, 0, 2))
    if return_n_iter:
        return alphas, coefs, intercepts, gaps, n_iters
    return alphas, coefs, intercepts, gaps


def check_offset(offset, n_samples, n_outputs, n_coef=None):
    """glmnet's offset as an (n_samples, n_outputs) float64 array, or None.

    (n,) is taken for one predictor (two classes, or each one-vs-rest problem);
    more classes (multinomial) need (n, n_classes).  Errors name ``offset``.
    """
    if offset is None:
        return None
    o = np.asarray(offset, dtype=np.float64)
    if o.ndim == 1 and n_outputs == 1:
        o = o[:, None]
    if o.shape != (n_samples, n_outputs):
        want = f"({n_samples},)" if n_outputs == 1 else f"({n_samples}, {n_outputs})"
        raise ValueError(f"offset must have shape {want}, got {np.shape(offset)}.")
    if not np.all(np.isfinite(o)):
        raise ValueError("offset contains NaN or infinity.")
    return np.ascontiguousarray(o)


def offset_target(y, offset):
    """y - offset for least squares (glmnet's gaussian offset: a fixed term of the fit,
    y ~ X w + b + offset), a new array of y's dtype and layout; y itself without one.

    ``offset`` has y's shape ((n,) or (n, n_targets)); errors name ``offset``.
    """
    if offset is None:
        return y
    n_out = 1 if y.ndim == 1 else y.shape[1]
    o = check_offset(offset, y.shape[0], n_out)
    out = np.empty_like(y)
    np.subtract(y, o[:, 0] if y.ndim == 1 else o, out=out, casting="unsafe")
    if not np.all(np.isfinite(out)):
        raise ValueError("y - offset overflows: rescale y and offset.")
    return out


def add_offset(pred, offset):
    """pred + offset (the prediction with glmnet's offset), offset of pred's shape."""
    if offset is None:
        return pred
    n_out = 1 if pred.ndim == 1 else pred.shape[1]
    o = check_offset(offset, pred.shape[0], n_out)
    return pred + (o[:, 0] if pred.ndim == 1 else o)


def integer_valued_labels(y, n_samples):
    """The sorted classes of y if y is a plain 1-D numeric ndarray of n_samples finite,
    integer-valued labels (what scikit-learn's ``type_of_target`` calls binary or
    multiclass), else None (the general checks then run and give their errors)."""
    if not (type(y) is np.ndarray and y.ndim == 1 and y.shape[0] == n_samples
            and n_samples >= 1 and y.dtype.kind in "biuf"):
        return None
    classes = np.unique(y)
    if y.dtype.kind == "f" and not (np.all(np.isfinite(classes))
                                    and np.all(classes == np.floor(classes))):
        return None
    return classes


def classification_labels(y, n_samples):
    """Validated class labels and their sorted classes (at least two)."""
    classes = integer_valued_labels(y, n_samples)
    if classes is not None and classes.size >= 2:
        return y, classes
    y = check_labels(y, n_samples)
    check_classification_targets(y)
    classes = np.unique(y)
    if classes.size < 2:
        raise ValueError(
            f"y has one class only ({classes[0]!r}); logistic regression needs two."
        )
    return y, classes


def class_weighted_samples(raw_sw, y, class_weight):
    """Raw sample weights times class weights, and their sum S (alpha = 1/(C S)).

    None (all ones) when there are neither, with S = n.
    """
    n = y.shape[0]
    if raw_sw is not None and raw_sw.shape[0] != n:
        raise ValueError(f"sample_weight must have shape ({n},), got {raw_sw.shape}.")
    if raw_sw is None and class_weight is None:
        return None, float(n)
    sw = np.ones(n) if raw_sw is None else raw_sw
    if class_weight is not None:
        sw = sw * compute_sample_weight(class_weight, y)
    return sw, float(np.sum(sw))


class LogisticRegression(SparseInputMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression with L1, L2 or elastic-net penalty, certified by a duality gap.

    Minimises, with sample weights s (times class weights) rescaled to sum
    to n::

        1/n * sum_i s_i f_i(x_i W + b)
            + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    Two classes: one predictor and f_i(eta) = log(1 + exp(-y_i eta)), the
    classes mapped to y_i in {-1, +1}.  More classes, ``multi_class=
    'multinomial'`` (default, as scikit-learn): one predictor per class and
    the softmax loss f_i(eta) = logsumexp(eta) - eta_{c_i}; ``'ovr'``: one
    binary problem per class against the rest.  The intercepts are not
    penalised.  scikit-learn's ``C`` gives the same problem with
    ``alpha = 1 / (C * S)``, S the sum of the raw weights (S = n_samples
    without weights); pass either ``alpha`` or ``C``.

    Solved by proximal Newton (glmnet's IRLS with coordinate descent; Lee, Sun,
    Saunders 2014): each step is a weighted least-squares elastic net solved by
    the same native core as :class:`Lasso`, with a line search, inside outer
    working sets and gap-safe screening.

    With ``penalty='group'`` and more than two classes (multinomial), the L1
    part is ``alpha * l1_ratio * sum_j ||W_j||_2`` over the rows W_j of the
    (n_features, n_classes) coefficients: each feature is selected for every
    class or for none (the group Lasso of Yuan & Lin 2006 across classes;
    glmnet's type.multinomial='grouped').  For two classes it is the L1 penalty.

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet', 'group'}, default='l2'
    alpha : float >= 0 or None
        Penalty strength in the scaling above.
    C : float > 0 or None
        Inverse strength (scikit-learn's); used when ``alpha`` is None.  With
        both None, C = 1.0.
    l1_ratio : float in [0, 1] or None, required for penalty='elasticnet';
        for 'group', the share of the group part (default 1.0).
    fit_intercept : bool, default=True
    class_weight : dict, 'balanced' or None
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * F(0, b0), the objective of the
        intercept-only model (log 2 without an intercept, binary).
    max_iter : int, default=100, Newton iterations per problem.
    warm_start : bool, default=False
    multi_class : {'multinomial', 'ovr'}, default='multinomial'
        Loss for more than two classes (ignored for two).
    penalty_factor : float or array of shape (n_features,), default=None
        glmnet's penalty.factor pf_j >= 0: feature j's penalty (both parts; its
        row with ``penalty='group'``) is multiplied by pf_j, after rescaling
        pf to sum to n_features (excluded features counted as 1).  pf_j = 0
        leaves feature j unpenalized (no finite limits on it): the dual point
        is projected so that the certificate stays a duality gap, and
        alpha_max is taken after fitting the unpenalized features.  For the
        multinomial loss an unpenalized feature's row is identified only up to
        a common shift across the classes.
    exclude : array of int, default=None
        Features that never enter the model (coefficient 0).
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's default; X is not copied); ``coef_`` is
        reported on the original scale.  Constant columns get 0.
    groups : int, array-like of n_features labels, or list of lists, default=None
        User-defined groups of features (as in :class:`penalized.GroupLasso`):
        the L1 part becomes ``alpha * l1_ratio * sum_g omega_g ||w_g||_2``, so
        a group's features enter together (Meier, van de Geer & Buhlmann
        2008).  Needs one predictor per problem (two classes, or
        ``multi_class='ovr'``), ``penalty`` 'l1' or 'elasticnet', and no
        ``penalty_factor`` / ``standardize`` (``exclude`` must then list whole
        groups, kept at 0).  The Newton models are solved by the group block
        solver.
    group_weights : array-like of shape (n_groups,), default=None
        omega_g >= 0 (default sqrt of the group's size).  omega_g = 0 leaves
        group g unpenalized (neither the group norm nor the ridge term), like
        glmnet's ``penalty.factor = 0``: it is fitted at every alpha, and
        ``alpha_max`` is taken after fitting it (every such group is merged
        into one; not for the Cox model).
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        glmnet's lower.limits / upper.limits: lower_j <= w_j <= upper_j on the
        original scale (lower <= 0 <= upper; infinite allowed; for more than two
        classes each class's coefficient of feature j has feature j's limits).
        Not with ``penalty='group'`` or ``groups``.  The certificate stays a
        duality gap (the penalty's conjugate is finite on a bounded side).
    n_threads : int or None, default=1
        OpenMP threads for the full passes over X inside this one fit (the
        products x_j^T Theta of the outer duality-gap checks, dense or sparse X;
        not with ``groups``):
        1 or None, the calling thread only; k > 1, up to k threads, capped by
        OpenMP's limit in the calling thread (the CPU count, ``OMP_NUM_THREADS``
        or ``threadpoolctl.threadpool_limits(..., user_api="openmp")``); -1 that
        limit.  Passes too small to gain (below a measured size) stay on one
        thread.  The result is bit-identical for every value.  Not ``n_jobs``:
        the CV estimators' ``n_jobs`` runs whole folds in parallel.

    Attributes
    ----------
    classes_, coef_ (1 or n_classes, n_features), intercept_, alpha_ (the
    alpha used), dual_gap_ (per problem, 1/n scaling: one problem for binary
    and multinomial fits, one per class for one-vs-rest), kkt_violation_
    (largest violation of the optimality conditions, per problem), n_iter_
    (Newton iterations per problem), n_features_in_, feature_names_in_.
    """

    def __init__(self, penalty="l2", *, alpha=None, C=None, l1_ratio=None,
                 fit_intercept=True, class_weight=None, tol=1e-4, max_iter=100,
                 warm_start=False, multi_class="multinomial", penalty_factor=None,
                 exclude=None, standardize=False, groups=None, group_weights=None,
                 lower_bounds=None, upper_bounds=None, n_threads=1):
        self.penalty = penalty
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.multi_class = multi_class
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.groups = groups
        self.group_weights = group_weights
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.n_threads = n_threads

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit the model: one binary or multinomial problem, or one per class (ovr).

        A ``dask.array`` X (two classes) is fitted on its row chunks where they live
        (the Dask GLM mode, :func:`penalized.dask.fit_glm`)."""
        if is_dask_array(X):
            return fit_dask_glm(self, "binomial", X, y, sample_weight, offset)
        self.__dict__.pop("n_passes_", None)    # a Dask fit's, stale after this one
        l1_ratio = logistic_l1_ratio(self.penalty, self.l1_ratio)
        check_choice(self.multi_class, "multi_class", {"multinomial", "ovr"})
        if self.penalty == "group" and self.multi_class == "ovr":
            raise ValueError("penalty='group' couples the classes: it needs "
                             "multi_class='multinomial', not 'ovr'.")
        if self.groups is not None and self.penalty not in ("l1", "elasticnet"):
            raise ValueError("groups= replaces the L1 norm by the group norm: it needs "
                             f"penalty='l1' or 'elasticnet', got penalty={self.penalty!r}.")
        check_scalar_param(self.tol, "tol", low=0)
        check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        resolve_threads(self.n_threads)
        if self.alpha is not None and self.C is not None:
            raise ValueError("give alpha or C, not both.")
        if self.alpha is not None:
            check_scalar_param(self.alpha, "alpha", low=0)
        if self.C is not None:
            check_scalar_param(self.C, "C", low=0, low_inclusive=False)
        X = validate_X(self, X, reset=True)
        y, classes = classification_labels(y, X.shape[0])
        n = X.shape[0]
        raw_sw = None if sample_weight is None else check_1d_float(sample_weight, "sample_weight")
        sw, raw_total = class_weighted_samples(raw_sw, y, self.class_weight)
        sw = check_sample_weight(sw, n, np.float64)
        if self.alpha is not None:
            alpha = float(self.alpha)
        else:
            alpha = 1.0 / ((1.0 if self.C is None else float(self.C)) * raw_total)
        label_sets = logistic_label_sets(y, classes, self.multi_class)
        n_coef = 1 if classes.size == 2 else classes.size
        offset = check_offset(offset, n, 1 if label_sets[0].ndim == 1 else classes.size)
        prev = getattr(self, "coef_", None) if self.warm_start else None
        if prev is not None and prev.shape != (n_coef, X.shape[1]):
            prev = None
        coef = np.empty((n_coef, X.shape[1]))
        intercept = np.empty(n_coef)
        gaps, kkt, n_iter = [], [], []
        design = None   # column statistics of X, shared by the one-vs-rest problems
        for k, labels in enumerate(label_sets):
            rows = slice(k, k + 1) if len(label_sets) > 1 else slice(None)
            problem = LogisticProblem(X, labels, sw, self.fit_intercept, design=design,
                                      group=self.penalty == "group",
                                      penalty_factor=self.penalty_factor, exclude=self.exclude,
                                      standardize=self.standardize, offset=offset,
                                      groups=self.groups, group_weights=self.group_weights,
                                      lower_bounds=self.lower_bounds,
                                      upper_bounds=self.upper_bounds)
            design = problem.design
            c, b, g, it, E = solve_logistic_path(
                problem, [alpha], l1_ratio=l1_ratio, tol=self.tol, max_iter=self.max_iter,
                coef_init=None if prev is None else prev[rows].T,
                intercept_init=None if prev is None else self.intercept_[rows],
                return_eta=True, n_threads=self.n_threads, want_kkt=True,
            )
            W = c.reshape(X.shape[1], -1, 1)[:, :, 0]     # (p, K)
            coef[rows], intercept[rows] = W.T, np.reshape(b, -1)
            if W.dtype != np.float64:     # the returned coefficients were rounded
                E = problem.linear(W) + intercept[rows]
                if offset is not None:
                    E = E + offset
                kkt.append(problem.kkt_violation(E, W, alpha * l1_ratio,
                                                 alpha * (1 - l1_ratio)))
            else:
                kkt.append(problem.result_kkt(E, W, alpha * l1_ratio, alpha * (1 - l1_ratio)))
            gaps.append(g[0])
            n_iter.append(int(it[0]))
        self.classes_ = classes
        self.coef_, self.intercept_ = coef, intercept
        self.alpha_ = alpha
        self.multi_class_ = ("binary" if classes.size == 2 else self.multi_class)
        self.dual_gap_ = np.array(gaps)
        self.kkt_violation_ = np.array(kkt)
        self.n_iter_ = np.array(n_iter)
        return self

    def decision_function(self, X, offset=None):
        """X @ coef_.T + intercept_ (+ offset): shape (n_samples,) for two classes (the
        score of classes_[1]), else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        if offset is not None:
            scores = scores + check_offset(offset, X.shape[0], 1 if self.coef_.shape[0] == 1
                                           or self.multi_class_ == "ovr" else scores.shape[1])
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X, offset=None):
        """The class of the largest score (two classes: classes_[1] where the score is > 0)."""
        scores = self.decision_function(X, offset)
        best = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[best]

    def predict_proba(self, X, offset=None):
        """Class probabilities: sigmoid (two classes), softmax (multinomial) or
        normalised one-vs-rest sigmoids."""
        scores = self.decision_function(X, offset)
        if scores.ndim == 1:
            p1 = expit(scores)
            return np.column_stack([1.0 - p1, p1])
        if self.multi_class_ == "multinomial":
            return softmax(scores, axis=1)
        prob = expit(scores)
        total = prob.sum(axis=1, keepdims=True)
        return prob / np.where(total > 0, total, 1.0)

    def predict_log_proba(self, X, offset=None):
        return np.log(self.predict_proba(X, offset))


# Poisson and Gamma regression live in their own module (it builds on this one's
# helpers, so it is imported last) and are part of this one's namespace too
from ._families import (GammaRegression, PoissonRegression, gamma_path,  # noqa: E402
                        poisson_path)
from ._cox import CoxRegression, cox_path  # noqa: E402
