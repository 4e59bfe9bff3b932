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
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._multitask import (
    MultiTaskElasticNet,
    MultiTaskProblem,
    MultiTaskTargetMixin,
    check_block_solver_params,
    check_Y,
    multitask_options,
    solve_multitask_path,
)
from ._core import resolve_threads
from ._features import check_max_features
from ._progress import CVProgress, path_progress
from ._validation import check_choice, check_sample_weight, check_X, validate_X
from .linear_model import SparseInputMixin, add_offset, keeps_state_on_error, offset_target
from .model_selection import (
    CVRouterMixin,
    FullPathMixin,
    check_fold_weights,
    check_l1_ratios,
    collect_folds,
    cv_folds,
    cv_grids,
    fold_rows,
    reject_unrouted,
    run_folds,
    store_cv,
    store_full_path,
)

__all__ = ["BlockElasticNetCV", "LassoRatioMixin", "MultiTaskElasticNetCV",
           "MultiTaskLassoCV"]


def _multitask_fold(X, Y, sw, train, test, alphas, l1_ratio, fit_intercept, solver_kw,
                    progress, grouping=None, features=None):
    """Solve the path on the training rows; mean squared error of every alpha on the test rows.

    ``grouping``: the blocks (None: the rows of W); ``features``: the per-feature
    options (standardization recomputed on the training rows, as glmnet's
    cv.glmnet).  Returns (error per alpha, non-zero features per alpha).
    """
    Xtr = check_X(fold_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), Xtr.dtype)
    problem = MultiTaskProblem(Xtr, Y[train], sw_tr, fit_intercept, grouping=grouping,
                               features=features)
    coefs, _, _, intercepts = solve_multitask_path(problem, alphas, l1_ratio=l1_ratio,
                                                   warn=False, callback=progress, **solver_kw)
    X_test, Y_test = fold_rows(X, test), Y[test].astype(np.float64)
    crit = np.empty(len(alphas))
    for k in range(len(alphas)):
        pred = np.asarray(X_test @ coefs[:, :, k].T.astype(np.float64)) + intercepts[:, k]
        err = np.mean((pred - Y_test) ** 2, axis=1)
        crit[k] = err.mean() if sw is None else np.average(err, weights=sw[test])
    return crit, np.count_nonzero(np.any(coefs != 0, axis=0), axis=0)


class BlockElasticNetCV(FullPathMixin, CVRouterMixin, SparseInputMixin, RegressorMixin,
                        BaseEstimator):
    """The cross-validation of the block models (multi-task rows, user-defined groups):
    for each l1_ratio a grid on the full data, one warm-started path per fold,
    the held-out mean squared error, the full-data path and the refit at the chosen
    point.  Subclasses give ``__init__`` (the parameters read here: l1_ratio or
    ``_l1_ratios``, eps, alphas, fit_intercept, max_iter, tol, cv, n_jobs,
    alpha_selection, verbose), ``_check_target``, ``_grouping`` and
    ``refit_estimator``; see :class:`MultiTaskElasticNetCV` for the objective and
    the attributes.
    """

    def _l1_ratios(self):
        return check_l1_ratios(self.l1_ratio, "l1_ratio")

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, **params):
        """Cross-validate the path(s), then refit on all data at the chosen alpha.

        ``offset`` (y's shape), glmnet's offset: the model of y - offset, in the
        grid, every fold's path and held-out error (that of y - offset against the
        predictions without it, i.e. of y against the predictions with it), the
        full-data path and the refit.  ``**params`` (e.g. ``groups`` of a splitter)
        are routed to the splitter when metadata routing is enabled, and rejected
        otherwise.
        """
        reject_unrouted(self, params)
        ratios = self._l1_ratios()
        self._check_solver_params()
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        X = validate_X(self, X, reset=True)
        Y, single = self._check_target(y, X)
        Y = offset_target(Y, offset)
        grouping = self._grouping(X.shape[1])
        features = self._features(X.shape[1])
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        full = MultiTaskProblem(X, Y, sw, self.fit_intercept, grouping=grouping,
                                features=features)
        grids = cv_grids(self, ratios, full.alpha_max)
        shared_grid = len(grids) > 1 and all(g is grids[0] for g in grids)
        folds = check_fold_weights(cv_folds(self, X, Y, params), sw)
        resolve_threads(self.n_threads)   # a bad value fails before any fold runs
        solver_kw = dict(tol=self.tol, max_iter=self.max_iter, n_threads=self.n_threads)
        max_features, dfmax = self._path_limits()
        if max_features is not None or dfmax is not None:
            # as ElasticNetCV: cut each grid where the full-data path exceeds the limits,
            # keeping one alpha (the grid's first) so that every l1_ratio has a grid
            keep = max(1, min(
                solve_multitask_path(full, g, l1_ratio=r, warn=False, max_features=max_features,
                                     dfmax=dfmax, **solver_kw)[1].size
                for g, r in zip(grids, ratios)))
            grids = [g[:keep] for g in grids]
            grids = [grids[0]] * len(grids) if shared_grid else grids
        verbose = int(self.verbose)
        progress = CVProgress(verbose, type(self).__name__,
                              ratios.size * len(folds) * grids[0].size)
        jobs = [(X, Y, sw, folds[k][0], folds[k][1], grids[i], ratios[i], self.fit_intercept,
                 solver_kw, progress.fold(f"l1_ratio={ratios[i]:g} fold {k + 1}"), grouping,
                 features)
                for i in range(ratios.size) for k in range(len(folds))]
        results = run_folds(_multitask_fold, jobs, self.n_jobs, progress)
        values, nnz = collect_folds(results, ratios.size, grids[0].size, len(folds))
        best, chosen = store_cv(self, grids, values, nnz, ratios, np.ndim(self.l1_ratio) == 0,
                                 False, "mse_path_", shared_grid=shared_grid)
        # the full-data path over the chosen l1_ratio's grid; the refit is its chosen point
        coefs, gaps, n_iters, intercepts = solve_multitask_path(
            full, grids[best], l1_ratio=self.l1_ratio_,
            callback=path_progress(verbose > 1, "full-data path"), **solver_kw)
        if single:     # a 1-D target: the shapes of a single-task model
            coefs, intercepts = coefs[0], intercepts[0]
        store_full_path(self, coefs, intercepts, gaps)
        self.coef_ = np.ascontiguousarray(coefs[..., chosen])
        self.intercept_ = (float(intercepts[chosen]) if single
                           else intercepts[:, chosen].astype(X.dtype))
        self.dual_gap_ = float(gaps[chosen])
        self.n_iter_ = int(n_iters[chosen])
        return self

    def _check_solver_params(self):
        check_block_solver_params(self.tol, self.max_iter)

    def _check_target(self, y, X):
        """(Y, single): the (n, T) F-ordered target and whether y was 1-D."""
        raise NotImplementedError

    def _grouping(self, n_features):
        """The blocks of the penalty: a Grouping, or None (the rows of W)."""
        raise NotImplementedError

    def _features(self, n_features):
        """The validated per-feature options (``multitask_options``), or None."""
        return None

    def _path_limits(self):
        """(max_features, dfmax), validated; (None, None) without them."""
        return None, None

    def predict(self, X, alpha=None, offset=None):
        """X @ coef.T + intercept, shape (n_samples, n_tasks): of the refitted model, or
        of the full-data path at ``alpha`` (see :meth:`coef_at`); + ``offset`` (of the
        prediction's shape) when given."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        coef, intercept = (self.coef_, self.intercept_) if alpha is None else self.coef_at(alpha)
        return add_offset(np.asarray(X @ coef.T) + intercept, offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """R^2 of ``predict(X, offset=offset)`` against y."""
        return r2_score(y, self.predict(X, offset=offset), sample_weight=sample_weight)


class MultiTaskElasticNetCV(MultiTaskTargetMixin, BlockElasticNetCV):
    """Multi-task elastic net with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`penalized.MultiTaskElasticNet`::

        1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
            + alpha * l1_ratio * sum_j ||W_j||_2 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
    eps : float, default=1e-3, alpha_min / alpha_max of the automatic grid.
    alphas : int or array-like, default=100
        An int: the number of alphas of each automatic grid (scikit-learn 1.9's
        meaning); an array: the grid, shared by every l1_ratio.
    n_alphas : int, deprecated (FutureWarning): use ``alphas=<int>``.
    fit_intercept, copy_X : as in :class:`penalized.MultiTaskElasticNet`.
    tol : float, default=1e-8
        Every point of every fold's and the full-data path is certified: gap
        <= tol * sum_i s_i ||Y_i - Ybar||^2 / n in the objective's 1/(2n)
        units, so the fitted values are within sqrt(2 * tol) of the exact
        path's (RMS, relative to ||Y_c||_F / sqrt(n)); tighter than the single
        fits' 1e-4 so that the CV curve is not a staircase (see
        :class:`penalized.ElasticNetCV`).  float32 data: gaps under max(tol, 1e-7)
        raise no warning, as in :func:`penalized.multitask_enet_path`.
    max_iter : int, default=10000, epochs per alpha.
    cv : int, splitter or iterable, default=None (5-fold); ``groups`` by metadata routing, as in :class:`penalized.ElasticNetCV`.
    n_jobs : int or None, parallel fold jobs (threads, see penalized.model_selection).
    alpha_selection : {'min', '1se'}, default='min'
        The alpha with the least mean CV error, or the largest within one
        standard error of it.
    verbose : int, default=0
        1: a progress bar over every fold's path (tqdm, if installed) or a log
        line per finished fold job; 2: log lines per fold job and per alpha
        (the ``logging`` logger ``penalized``).
    random_state, selection : as in :class:`penalized.MultiTaskElasticNet`
        (only ``selection='cyclic'``; random_state unused).
    penalty_factor, exclude, standardize : the per-feature options of
        :class:`penalized.MultiTaskElasticNet` (each fit's penalty becomes alpha *
        sum_j pf_j (l1_ratio sd_j ||W_j||_2 + (1 - l1_ratio)/2 sd_j^2 ||W_j||_2^2),
        W_j = 0 for excluded j); the grid's alpha_max uses the factors on the full
        data, the standardization each fold's own standard deviations (as
        :class:`penalized.ElasticNetCV` and cv.glmnet).
    max_features, dfmax : int or None, default=None
        glmnet's pmax / dfmax over features (rows of W), as in
        :class:`penalized.ElasticNetCV`: the grids are cut before the first alpha at
        which the full-data path (one extra path per l1_ratio) has had more than
        ``max_features`` rows non-zero so far, or has more than ``dfmax`` now, keeping
        at least the first alpha; only those alphas are cross-validated (``alphas_``).
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes inside each path solve
        (every fold's path and the full-data path), as ``n_threads`` of
        :class:`penalized.MultiTaskElasticNet` (1 or None: the calling thread; -1:
        OpenMP's limit; the same bits for any value).  Per fit: with ``n_jobs`` folds
        running at once, up to ``n_jobs * n_threads`` threads run together.

    Attributes
    ----------
    alpha_, l1_ratio_, alpha_min_, alpha_1se_ : chosen values.
    alphas_ : ndarray
        (n_l1_ratio, n_alphas) automatic grids, or (n_alphas,) for one
        l1_ratio or a given grid (shared by every l1_ratio, as in scikit-learn).
    mse_path_ : (n_l1_ratio, n_alphas, n_folds) or (n_alphas, n_folds), mean
        squared error over held-out rows and tasks.
    cv_mean_, cv_se_ : mean and standard error over folds, shaped like alphas_.
    n_nonzero_path_ : mean number of non-zero rows (features) per grid point.
    coef_ (n_tasks, n_features), intercept_, dual_gap_, n_iter_ : of the refit on all data.
    coef_path_ (n_tasks, n_features, n_alphas), intercept_path_ (n_tasks, n_alphas),
    dual_gap_path_ (n_alphas,) : the full-data path at the chosen l1_ratio;
        ``coef_at(alpha)`` / ``predict(X, alpha=)`` as in :class:`penalized.ElasticNetCV`.
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, n_alphas="deprecated",
                 fit_intercept=True, max_iter=10_000, tol=1e-8, cv=None, copy_X=True,
                 n_jobs=None, alpha_selection="min", verbose=0, random_state=None,
                 selection="cyclic", penalty_factor=None, exclude=None, standardize=False,
                 max_features=None, dfmax=None, n_threads=1):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.random_state = random_state
        self.selection = selection
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

    def _check_solver_params(self):
        check_block_solver_params(self.tol, self.max_iter, self.selection)

    def _check_target(self, y, X):
        """(Y, single): the (n, T) F-ordered target, and whether y was 1-D (never here)."""
        return check_Y(y, X.shape[0], X.dtype), False

    def _grouping(self, n_features):
        """The blocks of the penalty: None, the rows of W."""
        return None

    def _features(self, n_features):
        return multitask_options(n_features, self.penalty_factor, self.exclude,
                                 self.standardize)

    def _path_limits(self):
        return (check_max_features(self.max_features),
                check_max_features(self.dfmax, "dfmax"))

    def refit_estimator(self):
        """An unfitted :class:`penalized.MultiTaskElasticNet` with the chosen hyper-parameters."""
        check_is_fitted(self)
        return MultiTaskElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_,
                                   fit_intercept=self.fit_intercept, max_iter=self.max_iter,
                                   tol=self.tol, random_state=self.random_state,
                                   selection=self.selection,
                                   penalty_factor=self.penalty_factor, exclude=self.exclude,
                                   standardize=self.standardize, n_threads=self.n_threads)


class LassoRatioMixin:
    """The Lasso variant of a CV estimator: l1_ratio fixed at 1 (not a parameter)."""

    def _l1_ratios(self):
        return np.array([1.0])

    @property
    def l1_ratio(self):
        return 1.0


class MultiTaskLassoCV(LassoRatioMixin, MultiTaskElasticNetCV):
    """Multi-task Lasso (l1_ratio = 1) with alpha chosen by cross-validation;
    see :class:`MultiTaskElasticNetCV`."""

    def __init__(self, *, eps=1e-3, alphas=100, n_alphas="deprecated", fit_intercept=True,
                 max_iter=10_000, tol=1e-8, cv=None, copy_X=True, n_jobs=None,
                 alpha_selection="min", verbose=0, random_state=None, selection="cyclic",
                 penalty_factor=None, exclude=None, standardize=False, max_features=None,
                 dfmax=None, n_threads=1):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.random_state = random_state
        self.selection = selection
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
