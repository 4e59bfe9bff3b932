"""Relaxed Lasso (Meinshausen 2007): the Lasso's support, refitted without shrinkage.

For one alpha, let w_lasso minimise the Lasso objective (weights s rescaled to
sum to n)

    1/(2n) * sum_i s_i (y_i - x_i.w - b)^2 + alpha * ||w||_1,

A = {j : w_lasso_j != 0} its active set, and w_ls the unpenalised weighted
least-squares fit on the columns in A (with the intercept when fitted):

    w_ls = argmin_{w: w_j = 0 off A} 1/(2n) * sum_i s_i (y_i - x_i.w - b)^2.

The relaxed coefficients are the blend

    w(gamma) = gamma * w_lasso + (1 - gamma) * w_ls,    gamma in [0, 1],

and the intercept is the same blend of the two intercepts (equivalently
ybar - xbar.w(gamma) with the weighted means).  gamma = 1 is the Lasso;
gamma = 0 the least-squares refit on its support (the "Lasso-OLS hybrid").
This is the parametrisation of glmnet's ``relax=TRUE`` (Hastie, Tibshirani &
Tibshirani 2020, "Best subset, forward stepwise or lasso?"), which blends the
two fits instead of re-running the Lasso at alpha * phi on A as Meinshausen's
original definition does.

The refit reads only the |A| columns of X (a column slice; sparse X stays
sparse) and uses the package's direct least-squares solver: numpy's SVD-based
``lstsq`` on the weighted, centred columns for dense X, LSQR on the implicitly
centred operator for sparse X.  When the columns in A are linearly dependent
(duplicated features, |A| >= n) both return the minimum-norm least-squares
solution, so the refit is always defined.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ._alphas import cv_alphas, is_count
from ._enet import LeastSquaresProblem, alpha_grid, least_squares, solve_path
from ._progress import CVProgress
from ._validation import (
    check_choice,
    check_sample_weight,
    check_scalar_param,
    check_X,
    check_y,
    user_stacklevel,
    validate_X,
)
from .linear_model import SparseInputMixin, check_precompute, keeps_state_on_error
from .model_selection import (CVRouterMixin, FullPathMixin, cv_summary, fold_rows, run_folds,
                              check_fold_weights, cv_folds, reject_unrouted)

__all__ = ["RelaxedLasso", "RelaxedLassoCV", "relaxed_path"]

# glmnet's default relaxation grid
DEFAULT_GAMMAS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _columns(X, cols):
    """X[:, cols] as F-ordered dense or CSC (a copy of those columns only)."""
    if sp.issparse(X):
        return X[:, cols].tocsc()
    return np.asfortranarray(X[:, cols])


def support_refit(X, y, sample_weight, fit_intercept, support, max_iter=1000):
    """Unpenalised weighted least squares on the columns ``support`` of X.

    Returns (w, b, converged): w (len(support),) the minimum-norm solution and
    b the intercept (0 without one).  ``sample_weight`` sums to n or is None.
    """
    support = np.asarray(support, dtype=np.intp)
    if support.size == 0:
        # intercept-only model: the weighted mean of y
        b = float(np.average(np.asarray(y, dtype=np.float64), weights=sample_weight)
                  ) if fit_intercept else 0.0
        return np.zeros(0, dtype=X.dtype), b, True
    problem = LeastSquaresProblem(_columns(X, support), sample_weight, fit_intercept, False)
    tgt = problem.target(y)
    w, _, _, converged = least_squares(problem, tgt, max_iter)
    return w, problem.intercept(tgt, w), converged


def relaxed_path(problem, tgt, alphas, *, tol=1e-4, max_iter=1000, warn=True, callback=None):
    """Lasso path and the least-squares refit on each alpha's support.

    ``problem`` / ``tgt`` as for :func:`penalized._enet.solve_path`.  Returns
    (lasso_coefs, lasso_intercepts, ls_coefs, ls_intercepts, dual_gaps,
    n_iters): coefs (p, n_alphas), intercepts (n_alphas,).  The relaxed fit at
    gamma is gamma * lasso + (1 - gamma) * ls (coefficients and intercepts).
    Consecutive alphas with the same support share one refit.
    """
    coefs, gaps, n_iters, intercepts = solve_path(
        problem, tgt, alphas, l1_ratio=1.0, tol=tol, max_iter=max_iter, warn=warn,
        callback=callback)
    ls_coefs = np.zeros_like(coefs)
    ls_intercepts = np.empty_like(intercepts)
    previous, unconverged = None, 0
    for k in range(coefs.shape[1]):
        support = np.flatnonzero(coefs[:, k])
        if previous is not None and np.array_equal(support, previous):
            ls_coefs[:, k] = ls_coefs[:, k - 1]
            ls_intercepts[k] = ls_intercepts[k - 1]
            continue
        w, b, ok = support_refit(problem.X, tgt.y, problem.sample_weight,
                                 problem.fit_intercept, support, max_iter)
        ls_coefs[support, k] = w
        ls_intercepts[k] = b
        unconverged += not ok
        previous = support
    if unconverged and warn:
        warnings.warn(
            f"LSQR did not converge for {unconverged} least-squares refit(s) of the "
            "relaxed Lasso. Increase max_iter or standardize the features.",
            ConvergenceWarning, stacklevel=user_stacklevel())
    return coefs, intercepts, ls_coefs, ls_intercepts, gaps, n_iters


def _blend(gamma, lasso, ls):
    return gamma * lasso + (1.0 - gamma) * ls


def _check_gamma(gamma, name="gamma"):
    return float(check_scalar_param(gamma, name, low=0, high=1))


def _check_common(est):
    check_scalar_param(est.tol, "tol", low=0)
    check_scalar_param(est.max_iter, "max_iter", low=1, integer=True)
    check_precompute(est.precompute)


class RelaxedLasso(SparseInputMixin, RegressorMixin, BaseEstimator):
    """Relaxed Lasso: gamma * Lasso + (1 - gamma) * least squares on the Lasso's support.

    Fits the Lasso at ``alpha`` (objective ``1/(2n) * sum_i s_i (y_i - x_i.w
    - b)^2 + alpha * ||w||_1``, weights rescaled to sum to n, as
    :class:`penalized.Lasso`), then the unpenalised weighted least squares on
    its active set A, and returns ``coef_ = gamma * w_lasso + (1 - gamma) *
    w_ls`` (Meinshausen 2007; glmnet's ``relax=TRUE`` blend).  Rank-deficient
    A: the minimum-norm least-squares solution (SVD ``lstsq`` for dense X, LSQR
    for sparse X, which reads only the columns in A).

    Parameters
    ----------
    alpha : float > 0, default=1.0
    gamma : float in [0, 1], default=0.5
        1: the Lasso; 0: the least-squares refit on its support.
    fit_intercept : bool, default=True
    precompute : bool, 'auto' or array, default='auto', Gram mode of the Lasso fit.
    max_iter : int, default=1000, coordinate-descent epochs (and LSQR iterations, sparse X).
    tol : float, default=1e-4, certified gap bound of the Lasso fit (as :class:`penalized.Lasso`).

    Attributes
    ----------
    coef_, intercept_ : the relaxed fit.
    lasso_coef_, lasso_intercept_ : the Lasso fit at alpha.
    ls_coef_, ls_intercept_ : the least-squares refit (zero off the active set).
    active_set_ : indices of the Lasso's non-zero coefficients.
    dual_gap_, n_iter_ : of the Lasso fit.
    n_features_in_, feature_names_in_
    """

    def __init__(self, alpha=1.0, gamma=0.5, *, fit_intercept=True, precompute="auto",
                 max_iter=1000, tol=1e-4):
        self.alpha = alpha
        self.gamma = gamma
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None):
        """Fit the Lasso at alpha, refit its support by least squares, blend by gamma."""
        alpha = float(check_scalar_param(self.alpha, "alpha", low=0, low_inclusive=False))
        gamma = _check_gamma(self.gamma)
        _check_common(self)
        X = validate_X(self, X, reset=True)
        y = check_y(y, X.shape[0], X.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        problem = LeastSquaresProblem(X, sw, self.fit_intercept, self.precompute)
        lasso, b_lasso, ls, b_ls, gaps, n_iters = relaxed_path(
            problem, problem.target(y), [alpha], tol=self.tol, max_iter=self.max_iter)
        self._store(lasso[:, 0], b_lasso[0], ls[:, 0], b_ls[0], gamma)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(n_iters[0])
        return self

    def _store(self, lasso, b_lasso, ls, b_ls, gamma):
        self.lasso_coef_, self.lasso_intercept_ = lasso, float(b_lasso)
        self.ls_coef_, self.ls_intercept_ = ls, float(b_ls)
        self.active_set_ = np.flatnonzero(lasso)
        self.coef_ = _blend(gamma, lasso, ls)
        self.intercept_ = float(_blend(gamma, b_lasso, b_ls))

    def predict(self, X):
        """X @ coef_ + intercept_."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_


def _relaxed_fold(X, y, sw, train, test, alphas, gammas, fit_intercept, precompute, tol,
                  max_iter, progress):
    """Lasso path + refits on the training rows; held-out MSE (n_gammas, n_alphas)."""
    Xtr = check_X(fold_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), Xtr.dtype)
    problem = LeastSquaresProblem(Xtr, sw_tr, fit_intercept, precompute)
    lasso, b_lasso, ls, b_ls, _, _ = relaxed_path(
        problem, problem.target(y[train]), alphas, tol=tol, max_iter=max_iter, warn=False,
        callback=progress)
    # predictions are linear in the coefficients: blend the two predictions
    X_test = fold_rows(X, test)
    used = np.flatnonzero(np.any(lasso != 0, axis=1))
    Xu = X_test[:, used]
    pred_lasso = np.asarray(Xu @ np.asarray(lasso[used], dtype=np.float64)) + b_lasso
    pred_ls = np.asarray(Xu @ np.asarray(ls[used], dtype=np.float64)) + b_ls
    y_test = np.asarray(y[test], dtype=np.float64)[:, None]
    mse = np.empty((len(gammas), len(alphas)))
    for g, gamma in enumerate(gammas):
        err = (_blend(gamma, pred_lasso, pred_ls) - y_test) ** 2
        mse[g] = err.mean(axis=0) if sw is None else np.average(err, axis=0, weights=sw[test])
    return mse, np.count_nonzero(lasso, axis=0)


class RelaxedLassoCV(FullPathMixin, CVRouterMixin, SparseInputMixin, RegressorMixin,
                     BaseEstimator):
    """Relaxed Lasso with (alpha, gamma) chosen by cross-validation.

    Every fold solves one warm-started Lasso path on its training rows (the
    alpha grid is computed once on the full data, as in
    :class:`penalized.LassoCV`), refits each distinct support by least
    squares, and scores every (gamma, alpha) pair by the held-out (weighted)
    mean squared error, using that the relaxed prediction is the gamma-blend
    of the Lasso's and the refit's predictions.  The chosen pair minimises the
    mean CV error over the grid; the final model is a
    :class:`RelaxedLasso` fit on all data.

    Parameters
    ----------
    gammas : sequence of floats in [0, 1], default=(0, 0.25, 0.5, 0.75, 1) (glmnet's).
    eps, alphas, n_alphas : the alpha grid, as in :class:`penalized.LassoCV`
        (``alphas``: an int, default 100, is the size of the automatic grid; an
        array is the grid; ``n_alphas`` is deprecated).
    fit_intercept, precompute : as in :class:`RelaxedLasso`.
    tol : float, default=1e-8
        Certified gap bound of every Lasso path point (folds and full data), as
        in :class:`penalized.LassoCV`: gap <= tol * sum_i s_i (y_i - ybar)^2 / n.
    max_iter : int, default=10000, epochs per alpha (and LSQR iterations).
    cv : int, splitter or iterable, default=None (5-fold); ``groups`` by metadata routing, as in :class:`penalized.ElasticNetCV`.
    n_jobs : int or None, parallel fold jobs (threads).
    alpha_selection : {'min', '1se'}, default='min'
        'min': the pair with the smallest mean error.  '1se': at that pair's
        gamma, the largest alpha whose mean error is within one standard
        error of it.
    verbose : int, default=0, progress as in :class:`penalized.LassoCV`.

    Attributes
    ----------
    alpha_, gamma_, alpha_min_, alpha_1se_ : float
        The chosen pair; alpha_min_ and alpha_1se_ are the two alpha
        candidates at gamma_.
    alphas_ : (n_alphas,) grid; gammas_ : (n_gammas,).
    mse_path_ : (n_gammas, n_alphas, n_folds) held-out mean squared errors.
    cv_mean_, cv_se_ : (n_gammas, n_alphas), mean and standard error over folds.
    n_nonzero_path_ : (n_alphas,) mean Lasso support size over folds.
    coef_, intercept_, lasso_coef_, ls_coef_, active_set_, dual_gap_, n_iter_ :
        of the final fit (``estimator_``, a fitted :class:`RelaxedLasso`).
    coef_path_ : (n_features, n_alphas), intercept_path_, dual_gap_path_ : (n_alphas,)
        The relaxed fits at ``gamma_`` along the full-data Lasso path over the
        whole grid (``dual_gap_path_``: the Lasso's gaps): ``coef_at(alpha)``
        and ``predict(X, alpha=...)`` give the model at any grid alpha, e.g.
        ``alpha_min_`` and ``alpha_1se_``, without a refit.
    """

    def __init__(self, *, gammas=DEFAULT_GAMMAS, eps=1e-3, alphas=100, n_alphas="deprecated",
                 fit_intercept=True, precompute="auto", max_iter=10_000, tol=1e-8, cv=None,
                 n_jobs=None, alpha_selection="min", verbose=0):
        self.gammas = gammas
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.verbose = verbose

    def _gammas(self):
        gammas = np.atleast_1d(np.asarray(self.gammas, dtype=np.float64))
        if gammas.ndim != 1 or gammas.size == 0:
            raise ValueError("gammas must be a non-empty 1-D sequence of floats in [0, 1].")
        for g in gammas:
            _check_gamma(float(g), "gammas")
        return gammas

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, **params):
        """Cross-validate the (gamma, alpha) grid, then fit RelaxedLasso at the chosen pair."""
        reject_unrouted(self, params)
        gammas = self._gammas()
        _check_common(self)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        X = validate_X(self, X, reset=True)
        y = check_y(y, X.shape[0], X.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        alphas = cv_alphas(self.alphas, self.n_alphas)
        if is_count(alphas):
            check_scalar_param(self.eps, "eps", low=0, high=1, low_inclusive=False)
            full = LeastSquaresProblem(X, sw, self.fit_intercept, False)
            alphas = alpha_grid(full.alpha_max(full.target(y), 1.0), alphas, self.eps)
        elif np.any(alphas <= 0):
            raise ValueError("alphas must all be > 0.")
        folds = check_fold_weights(cv_folds(self, X, y, params), sw)
        verbose = int(self.verbose)
        progress = CVProgress(verbose, type(self).__name__, len(folds) * alphas.size)
        jobs = [(X, y, sw, train, test, alphas, gammas, self.fit_intercept, self.precompute,
                 self.tol, self.max_iter, progress.fold(f"fold {k + 1}"))
                for k, (train, test) in enumerate(folds)]
        results = run_folds(_relaxed_fold, jobs, self.n_jobs, progress)
        mse = np.stack([r[0] for r in results], axis=-1)       # (n_gammas, n_alphas, n_folds)
        mean, se, g_best, i_min, i_1se = cv_summary(mse, higher_is_better=False)
        self.alphas_, self.gammas_ = alphas, gammas
        self.mse_path_, self.cv_mean_, self.cv_se_ = mse, mean, se
        self.n_nonzero_path_ = np.mean([r[1] for r in results], axis=0)
        self.gamma_ = float(gammas[g_best])
        self.alpha_min_, self.alpha_1se_ = float(alphas[i_min]), float(alphas[i_1se])
        self.alpha_ = self.alpha_min_ if self.alpha_selection == "min" else self.alpha_1se_
        est = RelaxedLasso(self.alpha_, self.gamma_, fit_intercept=self.fit_intercept,
                           precompute=self.precompute, max_iter=self.max_iter, tol=self.tol)
        # X is validated already; the refit sees the same array (weights as given)
        self.estimator_ = est.fit(X, y, sample_weight=sample_weight)
        for name in ("coef_", "intercept_", "lasso_coef_", "lasso_intercept_", "ls_coef_",
                     "ls_intercept_", "active_set_", "dual_gap_", "n_iter_"):
            setattr(self, name, getattr(est, name))
        # the full-data relaxed path at gamma_ over the whole grid (cv.glmnet's glmnet.fit)
        full = LeastSquaresProblem(X, sw, self.fit_intercept, self.precompute)
        lasso, b_lasso, ls, b_ls, gaps, _ = relaxed_path(
            full, full.target(y), alphas, tol=self.tol, max_iter=self.max_iter)
        self.coef_path_ = np.ascontiguousarray(_blend(self.gamma_, lasso, ls))
        self.intercept_path_ = np.asarray(_blend(self.gamma_, b_lasso, b_ls), dtype=np.float64)
        self.dual_gap_path_ = np.asarray(gaps, dtype=np.float64)
        return self

    def _path_grid(self):
        check_is_fitted(self, "coef_path_")
        return np.asarray(self.alphas_, dtype=np.float64)

    def predict(self, X, alpha=None):
        """X @ coef + intercept of the final fit, or of the full-data path at ``alpha``.

        ``alpha``: None (the final fit at ``alpha_``, ``gamma_``), a float on or
        inside the grid (see :meth:`coef_at`; the relaxed fit at ``gamma_``),
        or 'min' / '1se' for ``alpha_min_`` / ``alpha_1se_``.
        """
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        coef, intercept = (self.coef_, self.intercept_) if alpha is None else self.coef_at(alpha)
        return np.asarray(X @ coef).ravel() + intercept
