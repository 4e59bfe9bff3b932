"""Group Lasso / group elastic net: user-defined groups of features enter or leave together.

Objective, for groups G_1..G_m partitioning the features, weights omega_g >= 0
(default sqrt(|G_g|)), sample weights s normalised to sum n, y (n,) or Y (n, T)::

    1/(2n) * sum_i s_i ||y_i - x_i W - b||^2
        + alpha * l1_ratio * sum_g omega_g ||W_g||_F
        + alpha * (1 - l1_ratio)/2 * sum_{g: omega_g > 0} ||W_g||_F^2

A group with omega_g = 0 is unpenalized (neither term: glmnet's penalty.factor = 0
for its features), fitted by least squares given the others, never screened;
alpha_max is then computed with those groups fitted first.

(Yuan & Lin 2006; the group elastic net; with a 2-D target, the groups are
shared by the T tasks, W_g the (|G_g|, T) block).  The same native block
solver as the multi-task models (``_native/blocks.pxi``): exact block minimisation
through each group's Gram eigendecomposition (computed once per fit or path),
working sets and gap-safe screening of groups, certified by a duality gap.
``tol`` bounds the gap: a fit is converged when
gap <= tol * sum_i s_i ||y_i - ybar||^2 / n.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._alphas import path_alphas
from ._core import resolve_threads
from ._features import check_max_features
from ._grouping import check_groups
from ._multitask import MultiTaskProblem, run_block_path, solve_multitask_path
from ._multitask_cv import BlockElasticNetCV, LassoRatioMixin
from ._validation import (check_init, check_sample_weight, check_scalar_param, check_X,
                          check_y, validate_X)
from .linear_model import SparseInputMixin, add_offset, keeps_state_on_error, offset_target

__all__ = ["GroupElasticNet", "GroupElasticNetCV", "GroupLasso", "GroupLassoCV",
           "group_enet_path", "group_lasso_path"]


def _prepare(X, y, groups, group_weights, sample_weight, fit_intercept, exclude=None,
             offset=None):
    """The validated problem for a 1-D or 2-D y (of y - ``offset``); returns
    (problem, single_task, grouping)."""
    y_arr = offset_target(check_y(y, X.shape[0], X.dtype, multi_output=True), offset)
    single = y_arr.ndim == 1
    Y = np.asfortranarray(y_arr.reshape(X.shape[0], -1))
    grouping = check_groups(groups, X.shape[1], group_weights, allow_zero=True,
                            exclude=exclude)
    sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    return MultiTaskProblem(X, Y, sw, fit_intercept, grouping=grouping), single, grouping


def group_enet_path(X, y, *, groups, group_weights=None, l1_ratio=0.5, eps=1e-3,
                    alphas=100, coef_init=None, verbose=False, return_n_iter=False,
                    fit_intercept=False, sample_weight=None, tol=1e-8, max_iter=10_000,
                    exclude=None, max_features=None, dfmax=None, offset=None, n_threads=1):
    """Group elastic-net path by warm-started block coordinate descent.

    Minimises, for each alpha, ``1/(2n) sum_i s_i ||y_i - x_i W - b||^2
    + alpha*l1_ratio*sum_g omega_g ||W_g|| + alpha*(1-l1_ratio)/2*||W||^2``
    (see :class:`GroupElasticNet`).  Like :func:`penalized.enet_path`, data
    are not centred unless ``fit_intercept=True``.

    Parameters
    ----------
    X : array-like or sparse matrix (n_samples, n_features); sparse stays sparse.
    y : array-like (n_samples,) or (n_samples, n_tasks)
    groups, group_weights, exclude : the groups, their weights and the groups kept at 0
        (see :class:`GroupElasticNet`).
    l1_ratio : float in (0, 1]
    eps : alpha_min / alpha_max of the automatic grid, from alpha_max =
        max_g ||X_c,g^T S y_c|| / (n omega_g l1_ratio), the smallest alpha with
        every group zero, down to eps * alpha_max.
    alphas : int or array-like, default=100 grid points (an array: the grid,
        sorted decreasing).
    coef_init : (n_features,) or (n_tasks, n_features), warm start for the first alpha.
    verbose : bool or int, progress as in :func:`penalized.enet_path`.
    fit_intercept, sample_weight : as in :class:`GroupElasticNet`.
    tol : float, default=1e-8
        Every path point's certified gap is <= tol * sum_i s_i ||y_i - ybar||^2 / n
        (the objective's 1/(2n) units); tighter than the single fits' 1e-4 so that
        every alpha of the warm-started path is solved (see :func:`penalized.enet_path`).
    max_iter : int, default=10000, epochs per alpha.
    max_features, dfmax : int or None
        glmnet's pmax / dfmax over features (grpreg's dfmax: the columns of the
        non-zero groups): the path stops before the first alpha at which more than
        ``max_features`` features have been non-zero so far, or more than ``dfmax``
        are non-zero now; the returned alphas may then be fewer.
    offset : array-like of y's shape, optional
        glmnet's offset: the path of y - offset (a fixed, unpenalized term of the
        fit; add it back to the predictions).
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes X_c^T S R (the epochs
        stay on one thread; small passes too); -1: OpenMP's limit.  The results
        are the same bits for any count.

    Returns
    -------
    alphas : (n_alphas,)
    coefs : (n_features, n_alphas), or (n_tasks, n_features, n_alphas) for 2-D y
    dual_gaps : (n_alphas,), duality gaps in the 1/(2n) scaling above.
    n_iters : (n_alphas,), only if ``return_n_iter``.
    """
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    resolve_threads(n_threads)
    alphas = path_alphas(alphas, "deprecated")
    X = check_X(X)
    max_features = check_max_features(max_features)
    dfmax = check_max_features(dfmax, "dfmax")
    problem, single, _ = _prepare(X, y, groups, group_weights, sample_weight, fit_intercept,
                                  exclude, offset)
    coef_init = check_init(coef_init, (problem.n_tasks, X.shape[1]) if not single
                           else (X.shape[1],), "coef_init")
    alphas, coefs, gaps, n_iters = run_block_path(problem, alphas, eps, l1_ratio, coef_init,
                                                  tol, max_iter, verbose, "group_enet_path",
                                                  max_features=max_features, dfmax=dfmax,
                                                  n_threads=n_threads)
    if single:
        coefs = coefs[0]
    if return_n_iter:
        return alphas, coefs, gaps, n_iters
    return alphas, coefs, gaps


def group_lasso_path(X, y, *, groups, group_weights=None, eps=1e-3, alphas=100,
                     **params):
    """Group Lasso path: :func:`group_enet_path` with ``l1_ratio=1``.

    Minimises ``1/(2n) ||y - XW - b||^2 + alpha * sum_g omega_g ||W_g||`` for each alpha;
    the other parameters (``exclude``, ...) are :func:`group_enet_path`'s.
    """
    return group_enet_path(X, y, groups=groups, group_weights=group_weights, l1_ratio=1.0,
                           eps=eps, alphas=alphas, **params)


class GroupElasticNet(SparseInputMixin, RegressorMixin, BaseEstimator):
    """Group elastic net: groups of features selected together, certified by a duality gap.

    Minimises, with sample weights s rescaled to sum to n::

        1/(2n) * sum_i s_i ||y_i - x_i W - b||^2
            + alpha * l1_ratio * sum_g omega_g ||W_g||_2
            + alpha * (1 - l1_ratio)/2 * sum_{g: omega_g > 0} ||W_g||^2

    over the groups G_g of ``groups`` (Yuan & Lin 2006), omega_g =
    sqrt(|G_g|) by default (omega_g = 0: an unpenalized group).  A 1-D y
    gives coef_ (n_features,); a 2-D y (n_samples, n_tasks) shares the groups
    across tasks (W_g the |G_g| x T block, Frobenius norm).  Exact block coordinate descent (each group's
    Gram block is diagonalised once per fit), working sets and gap-safe
    screening of groups.  Dense and scipy.sparse X (CSC, never densified),
    float32 or float64.  With every group a single feature and omega = 1 it
    is :class:`penalized.ElasticNet` (1-D y) or
    :class:`penalized.MultiTaskElasticNet` (2-D y).

    Parameters
    ----------
    alpha : float > 0, default=1.0
    groups : int, array-like of n_features labels, or list of lists of indices
        An int k: contiguous groups of k features; labels: features with equal
        labels form a group; lists: the groups themselves (a partition of the
        features).  Required.
    l1_ratio : float in (0, 1], default=0.5
    group_weights : array-like of shape (n_groups,), default=None
        Non-negative weights omega_g (per-group penalty factors of the group
        norm), in the order of the groups (by first feature for labels); None:
        sqrt(group size).  0 leaves a group unpenalized: no group norm and no
        ridge term on it (glmnet's penalty.factor = 0), its coefficients the
        least-squares fit given the other groups'.
    exclude : array-like of int, default=None
        Indices of groups (in the order above) kept at 0 (glmnet's ``exclude``,
        by group).
    fit_intercept : bool, default=True
    max_iter : int, default=1000, block coordinate-descent epochs.
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * sum_i s_i ||y_i - ybar||^2 / n.
    warm_start : bool, default=False
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes X_c^T S R (the epochs
        stay on one thread; small passes too); -1: OpenMP's limit.  The results
        are the same bits for any count.

    Attributes
    ----------
    coef_ : (n_features,) or (n_tasks, n_features)
    intercept_ : float or (n_tasks,)
    dual_gap_ : float, duality gap reached (1/(2n) scaling): F(coef_) - F_min <= dual_gap_.
    n_iter_ : int, epochs used.
    groups_ : (n_features,) the group index of each feature.
    group_weights_ : (n_groups,) the weights used.
    n_features_in_, feature_names_in_
    """

    def __init__(self, alpha=1.0, *, groups=None, l1_ratio=0.5, group_weights=None,
                 exclude=None, fit_intercept=True, max_iter=1000, tol=1e-4, warm_start=False,
                 n_threads=1):
        self.alpha = alpha
        self.groups = groups
        self.l1_ratio = l1_ratio
        self.group_weights = group_weights
        self.exclude = exclude
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return self.l1_ratio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of y's shape, optional
            glmnet's offset: a fixed, unpenalized term of the fit, y ~ X w + b +
            offset (the model of y - offset); pass it to ``predict`` too.
        """
        alpha = check_scalar_param(self.alpha, "alpha", low=0, low_inclusive=False)
        l1_ratio = check_scalar_param(self._effective_l1_ratio(), "l1_ratio", low=0, high=1)
        check_scalar_param(self.tol, "tol", low=0)
        check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        resolve_threads(self.n_threads)
        if self.groups is None:
            raise ValueError(f"{type(self).__name__} needs groups= (an int group size, one "
                             "label per feature, or a list of lists of feature indices).")
        X = validate_X(self, X, reset=True)
        problem, single, grouping = _prepare(X, y, self.groups, self.group_weights,
                                             sample_weight, self.fit_intercept, self.exclude,
                                             offset)
        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            shape = (X.shape[1],) if single else (problem.n_tasks, X.shape[1])
            if self.coef_.shape == shape:
                coef_init = self.coef_
        coefs, gaps, n_iters, intercepts = solve_multitask_path(
            problem, [alpha], l1_ratio=l1_ratio, coef_init=coef_init, tol=self.tol,
            max_iter=self.max_iter, n_threads=self.n_threads)
        coef = np.ascontiguousarray(coefs[:, :, 0])
        self.coef_ = coef[0] if single else coef
        self.intercept_ = (float(intercepts[0, 0]) if single
                           else intercepts[:, 0].astype(X.dtype))
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(n_iters[0])
        self.groups_ = grouping.labels
        self.group_weights_ = grouping.weights
        return self

    def predict(self, X, offset=None):
        """X @ coef_.T + intercept_ (+ ``offset``, of the prediction's shape)."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        return add_offset(np.asarray(X @ self.coef_.T) + self.intercept_, offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """R^2 of ``predict(X, offset)`` against y (scikit-learn's regressor score)."""
        return r2_score(y, self.predict(X, offset), sample_weight=sample_weight)


class GroupLasso(GroupElasticNet):
    """Group Lasso: :class:`GroupElasticNet` with ``l1_ratio=1``.

    Minimises ``1/(2n) * sum_i s_i ||y_i - x_i W - b||^2 + alpha * sum_g omega_g ||W_g||_2``
    (Yuan & Lin 2006), omega_g = sqrt(|G_g|) by default.
    """

    def __init__(self, alpha=1.0, *, groups=None, group_weights=None, exclude=None,
                 fit_intercept=True, max_iter=1000, tol=1e-4, warm_start=False, n_threads=1):
        self.alpha = alpha
        self.groups = groups
        self.group_weights = group_weights
        self.exclude = exclude
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.n_threads = n_threads

    def _effective_l1_ratio(self):
        return 1.0


class GroupElasticNetCV(BlockElasticNetCV):
    """Group elastic net with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`GroupElasticNet`::

        1/(2n) * sum_i s_i ||y_i - x_i W - b||^2
            + alpha * l1_ratio * sum_g omega_g ||W_g||_2 + alpha * (1 - l1_ratio)/2 * ||W||^2

    The folds machinery of :class:`penalized.MultiTaskElasticNetCV` (grid on the full
    data from alpha_max = max_g ||X_c,g^T S y_c|| / (n omega_g l1_ratio), one
    warm-started path per fold, held-out mean squared error, ``alpha_selection``
    'min' or '1se', ``coef_path_`` / ``coef_at`` / ``predict(X, alpha=)``), with
    ``groups``, ``group_weights`` and ``exclude`` as in :class:`GroupElasticNet`.  A 1-D y gives
    coef_ (n_features,) and coef_path_ (n_features, n_alphas); a 2-D y the
    multi-task shapes.  The other parameters and attributes are
    :class:`penalized.MultiTaskElasticNetCV`'s (``n_nonzero_path_`` counts features;
    defaults ``tol=1e-8``, ``max_iter=10000``: every fold's path point certified).
    ``max_features`` / ``dfmax`` (glmnet's pmax / dfmax over features, the columns of
    the non-zero groups) cut the grid as :class:`penalized.MultiTaskElasticNetCV`'s
    do: before the first alpha at which the full-data path has had more than
    ``max_features`` features non-zero, or has more than ``dfmax`` now (keeping at
    least the first alpha).  ``n_threads``: as in :class:`penalized.MultiTaskElasticNetCV`.
    """

    def __init__(self, *, groups=None, group_weights=None, exclude=None, l1_ratio=0.5,
                 eps=1e-3, alphas=100, fit_intercept=True, max_iter=10_000, tol=1e-8,
                 cv=None, n_jobs=None, alpha_selection="min", verbose=0, max_features=None,
                 dfmax=None, n_threads=1):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.groups = groups
        self.group_weights = group_weights
        self.exclude = exclude
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_target(self, y, X):
        y_arr = check_y(y, X.shape[0], X.dtype, multi_output=True)
        return np.asfortranarray(y_arr.reshape(X.shape[0], -1)), y_arr.ndim == 1

    def _grouping(self, n_features):
        if self.groups is None:
            raise ValueError(f"{type(self).__name__} needs groups= (an int group size, one "
                             "label per feature, or a list of lists of feature indices).")
        grouping = check_groups(self.groups, n_features, self.group_weights, allow_zero=True,
                                exclude=self.exclude)
        self.groups_ = grouping.labels
        self.group_weights_ = grouping.weights
        return grouping

    def _path_limits(self):
        return (check_max_features(self.max_features),
                check_max_features(self.dfmax, "dfmax"))

    def refit_estimator(self):
        """An unfitted :class:`GroupElasticNet` with the chosen hyper-parameters."""
        check_is_fitted(self)
        return GroupElasticNet(alpha=self.alpha_, groups=self.groups,
                               group_weights=self.group_weights, exclude=self.exclude,
                               l1_ratio=self.l1_ratio_,
                               fit_intercept=self.fit_intercept, max_iter=self.max_iter,
                               tol=self.tol, n_threads=self.n_threads)


class GroupLassoCV(LassoRatioMixin, GroupElasticNetCV):
    """Group Lasso (l1_ratio = 1) with alpha chosen by cross-validation; see
    :class:`GroupElasticNetCV`."""

    def __init__(self, *, groups=None, group_weights=None, exclude=None, eps=1e-3,
                 alphas=100, fit_intercept=True, max_iter=10_000, tol=1e-8, cv=None,
                 n_jobs=None, alpha_selection="min", verbose=0, max_features=None, dfmax=None,
                 n_threads=1):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.groups = groups
        self.group_weights = group_weights
        self.exclude = exclude
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.verbose = verbose
