"""Cross-validated multi-task Lasso / ElasticNet, on the folds machinery of model_selection.

As for :class:`penalized.ElasticNetCV`: for each l1_ratio the alpha grid is
computed once on the full data (alpha_max = max_j ||X_c,j^T S Y_c|| /
(n l1_ratio) down to eps * alpha_max); every fold solves the warm-started
path on its training rows and scores every alpha on its held-out rows by the
(sample-weighted) mean squared error averaged over tasks, as scikit-learn's
MultiTaskElasticNetCV does.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._multitask import (
    MultiTaskElasticNet,
    MultiTaskProblem,
    MultiTaskTargetMixin,
    _check_solver_params,
    check_Y,
    solve_multitask_path,
)
from ._progress import path_progress
from ._validation import check_choice, check_sample_weight, check_X, validate_X
from .linear_model import SparseInputMixin, keeps_state_on_error
from .model_selection import (
    _check_l1_ratios,
    check_fold_weights,
    _collect_folds,
    _cv_grids,
    _rows,
    _run_folds,
    _store_cv,
)

__all__ = ["MultiTaskElasticNetCV", "MultiTaskLassoCV"]


def _multitask_fold(X, Y, sw, train, test, alphas, l1_ratio, fit_intercept, solver_kw,
                    progress):
    """Solve the path on the training rows; mean squared error of every alpha on the test rows.

    Returns (error per alpha, non-zero rows per alpha).
    """
    Xtr = check_X(_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), Xtr.dtype)
    problem = MultiTaskProblem(Xtr, Y[train], sw_tr, fit_intercept)
    coefs, _, _, intercepts = solve_multitask_path(problem, alphas, l1_ratio=l1_ratio,
                                                   warn=False, callback=progress, **solver_kw)
    X_test, Y_test = _rows(X, test), Y[test].astype(np.float64)
    crit = np.empty(len(alphas))
    for k in range(len(alphas)):
        pred = np.asarray(X_test @ coefs[:, :, k].T.astype(np.float64)) + intercepts[:, k]
        err = np.mean((pred - Y_test) ** 2, axis=1)
        crit[k] = err.mean() if sw is None else np.average(err, weights=sw[test])
    return crit, np.count_nonzero(np.any(coefs != 0, axis=0), axis=0)


class MultiTaskElasticNetCV(MultiTaskTargetMixin, SparseInputMixin, RegressorMixin,
                            BaseEstimator):
    """Multi-task elastic net with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`penalized.MultiTaskElasticNet`::

        1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
            + alpha * l1_ratio * sum_j ||W_j||_2 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
    eps : float, default=1e-3, alpha_min / alpha_max of the automatic grid.
    n_alphas : int, default=100
    alphas : array-like or None, explicit grid shared by every l1_ratio.
    fit_intercept, max_iter, tol, copy_X : as in :class:`penalized.MultiTaskElasticNet`
        (``tol`` certifies every path point).
    cv : int, splitter or iterable, default=None (5-fold); ``groups`` in fit reaches it.
    n_jobs : int or None, parallel fold jobs (threads, see penalized.model_selection).
    alpha_selection : {'min', '1se'}, default='min'
        The alpha with the least mean CV error, or the largest within one
        standard error of it.
    verbose : int, default=0 (1: a line per fold; 2: per-alpha progress too).

    Attributes
    ----------
    alpha_, l1_ratio_, alpha_min_, alpha_1se_ : chosen values.
    alphas_ : (n_l1_ratio, n_alphas) or (n_alphas,).
    mse_path_ : (n_l1_ratio, n_alphas, n_folds) or (n_alphas, n_folds), mean
        squared error over held-out rows and tasks.
    cv_mean_, cv_se_ : mean and standard error over folds, shaped like alphas_.
    n_nonzero_path_ : mean number of non-zero rows (features) per grid point.
    coef_ (n_tasks, n_features), intercept_, dual_gap_, n_iter_ : of the refit on all data.
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None,
                 fit_intercept=True, max_iter=1000, tol=1e-4, cv=None, copy_X=True,
                 n_jobs=None, alpha_selection="min", verbose=0):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.verbose = verbose

    def _l1_ratios(self):
        return _check_l1_ratios(self.l1_ratio, "l1_ratio")

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate the path(s), then refit on all data at the chosen alpha."""
        ratios = self._l1_ratios()
        _check_solver_params(self.tol, self.max_iter)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        X = validate_X(self, X, reset=True)
        Y = check_Y(y, X.shape[0], X.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        full = MultiTaskProblem(X, Y, sw, self.fit_intercept)
        grids = _cv_grids(self, ratios, full.alpha_max)
        folds = check_fold_weights(list(check_cv(self.cv).split(X, Y, groups)), sw)
        solver_kw = dict(tol=self.tol, max_iter=self.max_iter)
        verbose = int(self.verbose)
        jobs = [(X, Y, sw, folds[k][0], folds[k][1], grids[i], ratios[i], self.fit_intercept,
                 solver_kw, path_progress(verbose > 1, f"l1_ratio={ratios[i]:g} fold {k + 1}"))
                for i in range(ratios.size) for k in range(len(folds))]
        results = _run_folds(_multitask_fold, jobs, self.n_jobs, verbose, type(self).__name__)
        values, nnz = _collect_folds(results, ratios.size, grids[0].size, len(folds))
        best, chosen = _store_cv(self, grids, values, nnz, ratios, np.ndim(self.l1_ratio) == 0,
                                 False, "mse_path_")
        # refit on all data, warm-started down the grid to the chosen alpha
        coefs, gaps, n_iters, intercepts = solve_multitask_path(
            full, grids[best][:chosen + 1], l1_ratio=self.l1_ratio_,
            callback=path_progress(verbose > 1, "refit"), **solver_kw)
        self.coef_ = np.ascontiguousarray(coefs[:, :, -1])
        self.intercept_ = intercepts[:, -1].astype(X.dtype)
        self.dual_gap_ = float(gaps[-1])
        self.n_iter_ = int(n_iters[-1])
        return self

    def predict(self, X):
        """X @ coef_.T + intercept_ of the refitted model, shape (n_samples, n_tasks)."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def refit_estimator(self):
        """An unfitted :class:`penalized.MultiTaskElasticNet` with the chosen hyper-parameters."""
        check_is_fitted(self)
        return MultiTaskElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_,
                                   fit_intercept=self.fit_intercept, max_iter=self.max_iter,
                                   tol=self.tol)


class MultiTaskLassoCV(MultiTaskElasticNetCV):
    """Multi-task Lasso (l1_ratio = 1) with alpha chosen by cross-validation;
    see :class:`MultiTaskElasticNetCV`."""

    def __init__(self, *, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=True,
                 max_iter=1000, tol=1e-4, cv=None, copy_X=True, n_jobs=None,
                 alpha_selection="min", verbose=0):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.verbose = verbose

    def _l1_ratios(self):
        return np.array([1.0])

    @property
    def l1_ratio(self):
        return 1.0
