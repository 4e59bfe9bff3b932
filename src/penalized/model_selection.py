"""Cross-validated Lasso / ElasticNet: one warm-started path per fold on a shared grid.

For each l1_ratio, the alpha grid is computed once on the full data (from
alpha_max down to eps * alpha_max); every fold solves the whole path on its
training rows, warm-started along the grid, and scores all alphas on its
held-out rows.  Folds run in threads (the native solver releases the GIL), so
X is shared, not copied to worker processes.

The chosen alpha is either the one with the smallest mean CV error
(``alpha_``) or, with ``alpha_selection='1se'``, the largest alpha whose mean
error is within one standard error of that minimum (``alpha_1se_``; Hastie,
Tibshirani & Friedman, *The Elements of Statistical Learning*, sec. 7.10).
"""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from ._enet import LeastSquaresProblem, alpha_grid, solve_path
from ._validation import (
    check_choice,
    check_sample_weight,
    check_scalar_param,
    check_X,
    check_y,
    validate_X,
)
from .linear_model import (
    ElasticNet,
    SparseInputMixin,
    _check_precompute,
    _check_solver_params,
    keeps_state_on_error,
)

__all__ = ["ElasticNetCV", "LassoCV", "one_standard_error_index"]


def one_standard_error_index(mean, se):
    """Index of the largest alpha within one SE of the best mean error.

    ``mean`` and ``se`` are ordered like the alpha grid (decreasing alphas),
    so that is the smallest index k with mean[k] <= mean[best] + se[best].
    """
    mean = np.asarray(mean, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    best = int(np.nanargmin(mean))
    ok = np.flatnonzero(mean <= mean[best] + se[best])
    return int(ok[0]) if ok.size else best


def _rows(X, idx):
    return X[idx] if not sp.issparse(X) else X[idx].tocsc()


def _fold_path(X, y, sw, train, test, alphas, l1_ratio, fit_intercept, precompute, solver_kw):
    """Solve the path on the training rows; mean squared error of every alpha on the test rows."""
    Xtr = check_X(_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), Xtr.dtype)
    problem = LeastSquaresProblem(Xtr, sw_tr, fit_intercept, precompute)
    coefs, _, n_iters, intercepts = solve_path(problem, problem.target(y[train]), alphas,
                                               l1_ratio=l1_ratio, warn=False, **solver_kw)
    pred = np.asarray(_rows(X, test) @ coefs.astype(np.float64)) + intercepts
    err = (pred - y[test][:, None]) ** 2
    if sw is None:
        mse = err.mean(axis=0)
    else:
        mse = np.average(err, axis=0, weights=sw[test])
    return mse, np.count_nonzero(coefs, axis=0), int(n_iters.sum())


class ElasticNetCV(SparseInputMixin, RegressorMixin, BaseEstimator):
    """Elastic net with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`penalized.ElasticNet`::

        1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Several values are cross-validated too (each with its own alpha grid).
    eps : float, default=1e-3, alpha_min / alpha_max of the automatic grid.
    n_alphas : int, default=100
    alphas : array-like or None, explicit grid shared by every l1_ratio.
    fit_intercept, precompute, max_iter, tol, positive, random_state, selection :
        as in :class:`penalized.ElasticNet` (``tol`` certifies every path point).
    cv : int, splitter or iterable, default=None (5-fold)
        Any scikit-learn splitter; ``groups`` in :meth:`fit` reaches it.
    n_jobs : int or None, threads running the folds.
    alpha_selection : {'min', '1se'}, default='min'
        Refit at the best alpha, or at the largest alpha within one standard
        error of the best (a sparser model).

    Attributes
    ----------
    alpha_, l1_ratio_ : chosen values (by ``alpha_selection``).
    alpha_min_, alpha_1se_ : the two candidates for the chosen l1_ratio.
    alphas_ : (n_l1_ratio, n_alphas) or (n_alphas,) grids.
    mse_path_ : (n_l1_ratio, n_alphas, n_folds) or (n_alphas, n_folds).
    cv_mean_, cv_se_ : mean and standard error of the CV error over folds,
        same shape as alphas_.
    n_nonzero_path_ : mean number of non-zero coefficients per grid point.
    coef_, intercept_, dual_gap_, n_iter_ : of the final refit on all data.
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None,
                 fit_intercept=True, precompute="auto", max_iter=1000, tol=1e-4, cv=None,
                 n_jobs=None, positive=False, random_state=None, selection="cyclic",
                 alpha_selection="min"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.alpha_selection = alpha_selection

    def _l1_ratios(self):
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError("l1_ratio must be a float or a non-empty 1-D list of floats.")
        for r in ratios:
            check_scalar_param(float(r), "l1_ratio", low=0, high=1)
        return ratios

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate the path(s), then refit on all data at the chosen alpha."""
        ratios = self._l1_ratios()
        _check_solver_params(self.tol, self.max_iter, self.selection)
        _check_precompute(self.precompute)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        X = validate_X(self, X, reset=True)
        y = check_y(y, X.shape[0], X.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        full = LeastSquaresProblem(X, sw, self.fit_intercept, self.precompute)
        tgt = full.target(y)
        if self.alphas is None:
            check_scalar_param(self.n_alphas, "n_alphas", low=1, integer=True)
            grids = [alpha_grid(full.alpha_max(tgt, r, self.positive), self.n_alphas, self.eps)
                     if r > 0 else None for r in ratios]
            if any(g is None for g in grids):
                raise ValueError("l1_ratio=0 needs an explicit alphas grid.")
        else:
            grid = np.sort(np.asarray(self.alphas, dtype=np.float64).ravel())[::-1]
            if grid.size == 0 or np.any(grid < 0) or not np.all(np.isfinite(grid)):
                raise ValueError("alphas must be a non-empty array of finite values >= 0.")
            grids = [grid] * ratios.size
        cv = check_cv(self.cv)
        folds = list(cv.split(X, y, groups))
        solver_kw = dict(tol=self.tol, max_iter=self.max_iter, positive=self.positive,
                         selection=self.selection, random_state=self.random_state)
        jobs = [(i, k) for i in range(ratios.size) for k in range(len(folds))]
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_path)(X, y, sw, folds[k][0], folds[k][1], grids[i], ratios[i],
                                self.fit_intercept, self.precompute, solver_kw)
            for i, k in jobs
        )
        n_alphas = grids[0].size
        mse = np.empty((ratios.size, n_alphas, len(folds)))
        nnz = np.zeros((ratios.size, n_alphas))
        for (i, k), (m, z, _) in zip(jobs, results):
            mse[i, :, k] = m
            nnz[i] += z / len(folds)
        mean = mse.mean(axis=2)
        se = mse.std(axis=2, ddof=1) / np.sqrt(len(folds)) if len(folds) > 1 else np.zeros_like(mean)
        best_ratio = int(np.unravel_index(np.nanargmin(mean), mean.shape)[0])
        i_min = int(np.nanargmin(mean[best_ratio]))
        i_1se = one_standard_error_index(mean[best_ratio], se[best_ratio])
        squeeze = np.ndim(self.l1_ratio) == 0
        self.alphas_ = np.asarray(grids)[0] if squeeze else np.asarray(grids)
        self.mse_path_ = mse[0] if squeeze else mse
        self.cv_mean_ = mean[0] if squeeze else mean
        self.cv_se_ = se[0] if squeeze else se
        self.n_nonzero_path_ = nnz[0] if squeeze else nnz
        self.l1_ratio_ = float(ratios[best_ratio])
        self.alpha_min_ = float(grids[best_ratio][i_min])
        self.alpha_1se_ = float(grids[best_ratio][i_1se])
        chosen = i_min if self.alpha_selection == "min" else i_1se
        self.alpha_ = float(grids[best_ratio][chosen])
        # refit on all data, warm-started down the grid to the chosen alpha
        coefs, gaps, n_iters, intercepts = solve_path(
            full, tgt, grids[best_ratio][:chosen + 1], l1_ratio=self.l1_ratio_, **solver_kw)
        self.coef_ = coefs[:, -1].copy()
        self.intercept_ = float(intercepts[-1])
        self.dual_gap_ = float(gaps[-1])
        self.n_iter_ = int(n_iters[-1])
        return self

    def predict(self, X):
        """X @ coef_ + intercept_ of the refitted model."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    def refit_estimator(self):
        """An unfitted :class:`penalized.ElasticNet` with the chosen hyper-parameters."""
        check_is_fitted(self)
        return ElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_,
                          fit_intercept=self.fit_intercept, precompute=self.precompute,
                          max_iter=self.max_iter, tol=self.tol, positive=self.positive,
                          random_state=self.random_state, selection=self.selection)


class LassoCV(ElasticNetCV):
    """Lasso (l1_ratio = 1) with alpha chosen by cross-validation; see :class:`ElasticNetCV`."""

    def __init__(self, *, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None, n_jobs=None,
                 positive=False, random_state=None, selection="cyclic", alpha_selection="min"):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.alpha_selection = alpha_selection

    def _l1_ratios(self):
        return np.array([1.0])

    @property
    def l1_ratio(self):
        return 1.0
