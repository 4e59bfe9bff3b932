"""Cross-validated Lasso, ElasticNet and logistic regression: one warm-started path per fold.

For each l1_ratio, the alpha grid is computed once on the full data (from
alpha_max down to eps * alpha_max); every fold solves the whole path on its
training rows, warm-started along the grid, and scores all alphas on its
held-out rows.  Folds run through joblib: threads by default (the native
solver releases the GIL, so X is shared, not copied), or any joblib backend
set around ``fit`` with ``joblib.parallel_config(backend=...)``, e.g. Dask's
(``backend="dask"``) to spread folds and l1_ratios over a cluster.

A LogisticRegressionCV fold's training rows are not copied out of X: the fold is
solved on X itself with sample weights, its rows' weights (class-weighted, counted as
often as a splitter draws a row) and 0 on its held-out rows, rescaled to sum n
(``FOLDS_AS_WEIGHTS``; ElasticNetCV / LassoCV folds stay row subsets by default,
``LEAST_SQUARES_FOLDS_AS_WEIGHTS``, which was slower there).  Every objective here is a weighted mean, so this is the row
subset's problem at the same alpha (the same 1/n_train scaling, the same ``tol``
reference), solved without a copy of 1 - 1/k of X per fold; its results equal the row
subset's to the solver's tolerance (tests/test_cv_memory.py).  Each pass over X then
reads the held-out rows too (their weight 0 makes them contribute nothing):
benchmarks/RESULTS.md (issue 18) has the memory and the time of both forms.

The criterion is the mean squared error by default (lower is better;
``mse_path_``) or any scikit-learn scorer given as ``scoring`` (higher is
better, scikit-learn's convention; ``scores_path_``).  The chosen alpha is
the one with the best mean CV criterion (``alpha_min_``) or, with
``alpha_selection='1se'``, the largest alpha whose mean criterion is within
one standard error of that best (``alpha_1se_``; Hastie, Tibshirani &
Friedman, *The Elements of Statistical Learning*, 2nd ed., sec. 7.10).
``alpha_selection`` is named so because ``selection`` already means the
coordinate order (cyclic / random), as in scikit-learn.
"""


import functools

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import (accuracy_score, check_scoring, get_scorer, log_loss, make_scorer,
                             r2_score)
from sklearn.model_selection import check_cv
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.validation import check_is_fitted

from ._core import resolve_threads
from ._enet import LeastSquaresProblem, alpha_grid, solve_path
from ._features import check_max_features, feature_options, resolve_features
from ._logistic import LogisticProblem, solve_logistic_path
from ._alphas import cv_alphas, is_count
from ._progress import CVProgress, path_progress
from ._validation import (
    check_1d_float,
    check_alphas,
    check_choice,
    check_sample_weight,
    check_scalar_param,
    check_X,
    check_y,
    validate_X,
)
from .linear_model import (
    ElasticNet,
    add_offset,
    check_offset,
    offset_target,
    LogisticRegression,
    SparseInputMixin,
    check_precompute,
    check_solver_params,
    logistic_l1_ratio,
    class_weighted_samples,
    classification_labels,
    keeps_state_on_error,
    logistic_label_sets,
)

__all__ = ["ElasticNetCV", "LassoCV", "LogisticRegressionCV", "chosen_cv_curve",
           "one_standard_error_index"]

# The pure-L2 logistic grid (no alpha_max exists) starts this many times above
# the L1 alpha_max, where the ridge solution is nearly the intercept-only model.
L2_GRID_FACTOR = 100.0


def one_standard_error_index(mean, se, higher_is_better=False):
    """Index of the largest alpha within one SE of the best mean CV criterion.

    ``mean`` and ``se`` are ordered like the alpha grid (decreasing alphas),
    so that is the smallest index k with mean[k] <= mean[best] + se[best]
    for an error (or mean[k] >= mean[best] - se[best] for a score, with
    ``higher_is_better``).
    """
    mean = np.asarray(mean, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    if higher_is_better:
        mean = -mean
    best = int(np.nanargmin(mean))
    ok = np.flatnonzero(mean <= mean[best] + se[best])
    return int(ok[0]) if ok.size else best


def chosen_cv_curve(model):
    """(alphas, cv_mean, cv_se, n_nonzero) of a fitted CV model at its chosen l1_ratio.

    n_nonzero is None for models without sparsity (:class:`penalized.RidgeCV`).
    """
    check_is_fitted(model)
    nnz = getattr(model, "n_nonzero_path_", None)
    if np.ndim(model.cv_mean_) == 1:
        return (model.alphas_, model.cv_mean_, model.cv_se_, nnz)
    # one row per l1_ratio; alphas_ is 1-D when the grid was given (shared by the rows)
    alphas = np.broadcast_to(model.alphas_, np.shape(model.cv_mean_))
    curves = (alphas, model.cv_mean_, model.cv_se_)
    ratios = getattr(model, "l1_ratios", None)
    ratios = np.atleast_1d(np.asarray(model.l1_ratio if ratios is None else ratios, dtype=float))
    i = int(np.argmin(np.abs(ratios - model.l1_ratio_)))
    return tuple(c[i] for c in curves) + (None if nnz is None else nnz[i],)


def cv_criterion(model):
    """What a fitted CV model's ``cv_mean_`` measures, as a label: 'MSE (lower is
    better)', 'deviance (lower is better)' or the scorer's name (higher is better); a
    model may state its own in ``cv_criterion_``."""
    if getattr(model, "cv_criterion_", None):
        return model.cv_criterion_
    if hasattr(model, "deviance_path_"):
        return "deviance (lower is better)"
    if hasattr(model, "mse_path_") or hasattr(model, "cv_values_"):
        return "MSE (lower is better)"
    scoring = getattr(model, "scoring", None) or "neg_log_loss"
    return f"{scoring if isinstance(scoring, str) else 'score'} (higher is better)"


class CVRouterMixin:
    """Metadata routing of a CV estimator, as scikit-learn's LassoCV does it.

    The estimator is a router: with ``sklearn.set_config(enable_metadata_routing=True)``
    extra ``fit`` keywords (e.g. ``groups``) reach the splitter's ``split`` when it
    requests them (group splitters request ``groups``); with routing off
    (scikit-learn's default) any extra ``fit`` keyword is rejected with
    scikit-learn's error.  ``sample_weight`` is the estimator's own argument.
    With a scorer (``scoring``), its requested metadata are routed to it too,
    as scikit-learn's LogisticRegressionCV routes them: from ``fit`` to the
    scorer's ``score``, each fold's scorer seeing the rows of its test fold
    (``sample_weight`` included only when the scorer requests it, e.g.
    ``make_scorer(...).set_score_request(sample_weight=True)``; with routing
    off the scorer always gets the test rows' ``sample_weight``).
    """

    def _routing_scorer(self):
        """The scorer that metadata are routed to, or None (the built-in mean squared error)."""
        return _check_scorer(getattr(self, "scoring", None), self)

    def get_metadata_routing(self):
        router = (MetadataRouter(owner=self)
                  .add_self_request(self)
                  .add(splitter=check_cv(self.cv),
                       method_mapping=MethodMapping().add(caller="fit", callee="split")))
        scorer = self._routing_scorer()
        if scorer is not None:
            router.add(scorer=scorer,
                       method_mapping=MethodMapping().add(caller="fit", callee="score"))
        return router


def routing_enabled():
    return bool(get_config().get("enable_metadata_routing", False))


def reject_unrouted(estimator, params):
    """scikit-learn's error for extra ``fit`` keywords when metadata routing is off
    (checked first in ``fit``, before any data validation, as scikit-learn does)."""
    if params and not routing_enabled():
        raise ValueError(
            f"Passing extra keyword arguments to {type(estimator).__name__}.fit is only "
            "supported if enable_metadata_routing=True, which you can set using "
            "`sklearn.set_config`. See the User Guide "
            "<https://scikit-learn.org/stable/metadata_routing.html> for more details. "
            f"Extra parameters passed are: {set(params)}")


def cv_folds(estimator, X, y, params, classifier=False):
    """(train, test) index pairs of ``estimator.cv``, with ``params`` routed to its split."""
    reject_unrouted(estimator, params)
    cv = check_cv(estimator.cv, y, classifier=classifier)
    split_params = (process_routing(estimator, "fit", **params).splitter.split
                    if routing_enabled() else {})
    return list(cv.split(split_rows(cv, X), y, **split_params))


def split_rows(cv, X):
    """The X that ``cv.split`` sees: X itself, except sparse X given to one of
    scikit-learn's splitters, which read only its number of rows (``_num_samples``) but
    first make it indexable, i.e. convert it to CSR: a copy of X, the largest allocation
    of a sparse CV fit (issue 18).  Those see an (n_samples, 0) array instead; any
    other splitter gets X as it is."""
    if sp.issparse(X) and type(cv).__module__.startswith("sklearn.model_selection"):
        return np.empty((X.shape[0], 0))
    return X


def scorer_params(estimator, params, sample_weight):
    """The keyword arguments of the CV scorer, over all rows (see :func:`fold_params`).

    Routing off: the sample weights (if any).  Routing on: what scikit-learn's
    routing gives the scorer's ``score`` from ``fit``'s ``sample_weight`` and
    ``params`` (an error for metadata passed but not requested by anyone).
    """
    if not routing_enabled():
        return {} if sample_weight is None else {"sample_weight": sample_weight}
    kw = dict(params)
    if sample_weight is not None:
        kw["sample_weight"] = sample_weight
    routed = process_routing(estimator, "fit", **kw)
    scorer = getattr(routed, "scorer", None)
    return {} if scorer is None else dict(scorer.score)


def fold_params(params, rows, n):
    """Each array-like value of length ``n`` restricted to ``rows``; other values as given."""
    out = {}
    for key, value in params.items():
        if value is not None and not np.isscalar(value) and np.ndim(value) >= 1 \
                and np.shape(value)[0] == n:
            out[key] = (value[rows] if hasattr(value, "shape")
                        else np.asarray(value)[rows])
        else:
            out[key] = value
    return out


STORE_PATH_CHOICES = {"auto", "dense", "sparse", "none"}


def resolve_store_path(store_path, X):
    """The form of a CV estimator's ``coef_path_``: 'dense', 'sparse' or 'none'.

    'auto' is 'sparse' for scipy.sparse X and 'dense' otherwise (sparse in,
    sparse out: for wide sparse X the dense (n_features, n_alphas) path can
    be several times X itself; glmnet's ``glmnet.fit$beta`` is always sparse).
    """
    check_choice(store_path, "store_path", STORE_PATH_CHOICES)
    if store_path == "auto":
        return "sparse" if sp.issparse(X) else "dense"
    return store_path


def path_point(coefs, k):
    """Column k of a stored path as a dense ndarray: ``coefs[..., k]`` of an ndarray
    (..., n_alphas), of a scipy.sparse (n_features, n_alphas) matrix, or of a list of
    them (one per problem: an (n_problems, n_features) point)."""
    if isinstance(coefs, list):
        return np.vstack([path_point(c, k) for c in coefs])
    if sp.issparse(coefs):
        return coefs[:, [k]].toarray().ravel()
    return coefs[..., k].copy()


def store_full_path(est, coefs, intercepts, gaps):
    """Keep the full-data path of the chosen l1_ratio: ``coef_path_`` (..., n_alphas),
    ``intercept_path_``, ``dual_gap_path_``.  ``coefs`` may be scipy.sparse (kept as
    it is) or None (``store_path='none'``)."""
    est.coef_path_ = (coefs if coefs is None or sp.issparse(coefs)
                      else np.ascontiguousarray(coefs))
    est.intercept_path_ = np.asarray(intercepts, dtype=np.float64)
    est.dual_gap_path_ = np.asarray(gaps, dtype=np.float64)


class FullPathMixin:
    """``coef_at(alpha)`` and ``predict(X, alpha=)`` from the stored full-data path."""

    def _path_grid(self):
        check_is_fitted(self, "coef_path_")
        C = self.coef_path_
        if C is None:
            raise ValueError(
                "the full-data path was not stored (store_path='none'): fit a model at "
                "that alpha instead, or fit with store_path='auto'.")
        grid = chosen_cv_curve(self)[0]
        n_path = (C[0] if isinstance(C, list) else C).shape[-1]
        return np.asarray(grid, dtype=np.float64)[:n_path]

    def coef_at(self, alpha):
        """(coef, intercept) of the full-data path at ``alpha``, without a refit.

        ``alpha``: a grid value (``alphas_`` of the chosen l1_ratio) gives that
        path point exactly; a value strictly between two grid points is
        interpolated linearly in alpha between them (glmnet's ``coef(s=)``);
        'min' and '1se' mean ``alpha_min_`` and ``alpha_1se_``.  Values
        outside the grid raise ValueError.  Shapes as ``coef_`` /
        ``intercept_``.
        """
        grid = self._path_grid()
        if isinstance(alpha, str):
            check_choice(alpha, "alpha", {"min", "1se"})
            alpha = self.alpha_min_ if alpha == "min" else self.alpha_1se_
        alpha = check_scalar_param(alpha, "alpha", low=0)
        C, B = self.coef_path_, self.intercept_path_
        hit = np.flatnonzero(np.isclose(grid, alpha, rtol=1e-12, atol=0))
        if hit.size:
            k = int(hit[0])
            return path_point(C, k), (float(B[k]) if B.ndim == 1 else B[:, k].copy())
        if not grid[-1] < alpha < grid[0]:
            raise ValueError(
                f"alpha={alpha!r} is outside the path's grid [{grid[-1]:.6g}, {grid[0]:.6g}]; "
                "refit an estimator at that alpha instead (refit_estimator()).")
        k = int(np.flatnonzero(grid > alpha)[-1])          # grid[k] > alpha > grid[k + 1]
        t = (grid[k] - alpha) / (grid[k] - grid[k + 1])
        coef = (1 - t) * path_point(C, k) + t * path_point(C, k + 1)
        intercept = (1 - t) * B[..., k] + t * B[..., k + 1]
        return coef, (float(intercept) if B.ndim == 1 else intercept)


def fold_rows(X, idx):
    """The rows ``idx`` of validated X, in the solver's layout, in one copy.

    Sparse X gives a CSC matrix.  Dense X gives an F-ordered array filled a block
    of columns at a time: ``X[idx]`` is C-ordered, and its F-ordered copy for the
    solver held two row subsets at once (a 5-fold CV's training rows: 1.6 x X).
    """
    if sp.issparse(X):
        return X[idx].tocsc()
    idx = np.asarray(idx)
    out = np.empty((idx.size, X.shape[1]), dtype=X.dtype, order="F")
    width = max(1, (1 << 17) // max(1, idx.size))      # about 1 MB of float64 per block
    for lo in range(0, X.shape[1], width):
        out[:, lo:lo + width] = X[idx, lo:lo + width]
    return out


#: How a CV fold sees its training rows: True (default) as sample weights on the full X
#: (the fold's weights on its rows, 0 on the others, rescaled to sum n: the same
#: objective and alpha as on the row subset, since every loss is a weighted mean), so
#: that no copy of X is made; False as a row-subset copy of X (0.8 x X for 5 folds).
#: Measured in benchmarks/RESULTS.md (issue 18); benchmarks/memory.py --folds switches it.
FOLDS_AS_WEIGHTS = True
#: ... and for the least-squares CVs (ElasticNetCV / LassoCV) too: off by default, as on
#: the tall hockey_gamlr set the weighted folds took 22 x X (the weighted fold problem's
#: precompute path) and 2.2 x the time (benchmarks/RESULTS.md, issue 18)
LEAST_SQUARES_FOLDS_AS_WEIGHTS = False


def fold_weights(sw, train, n, dtype):
    """The training rows ``train`` of a fold as sample weights over all n rows.

    The fold's weights (1 without ``sample_weight``) on its rows, counted as often
    as a row is drawn, 0 on the other rows, rescaled to sum n (every objective is a
    weighted mean, so this is the row subset's objective: its 1/n_train scaling and
    its alpha).
    """
    w = np.bincount(np.asarray(train), minlength=n,
                    weights=None if sw is None else np.asarray(sw)[train])
    return check_sample_weight(w.astype(np.float64, copy=False), n, dtype)


def test_columns(X, test, used):
    """X[test][:, used]: the held-out rows in the columns a path ever used, as one
    matrix (the same entries in the same order whichever way it is cut).  Dense X: one
    copy of that block.  CSC X: the used columns first (their entries only) when they
    hold fewer entries than the test rows are expected to, else the test rows first."""
    if not sp.issparse(X):
        return X[np.ix_(test, used)]
    col_nnz = int(np.diff(X.indptr)[used].sum())
    if col_nnz <= X.nnz * len(test) / max(1, X.shape[0]):
        return X[:, used][test].tocsc()
    Xt = fold_rows(X, test)
    return Xt if used.size == X.shape[1] else Xt[:, used]


def check_fold_weights(folds, sample_weight):
    """Every fold's training and test rows must carry positive total weight.

    A test fold of zero-weight rows cannot be scored (its weighted mean error
    is 0 / 0: a ZeroDivisionError from numpy or scikit-learn's scorers), and a
    training fold of them has nothing to fit.  Raises a ValueError naming the
    fold; ``sample_weight`` None (or a scalar) passes.
    """
    if sample_weight is None:
        return folds
    sw = np.asarray(sample_weight, dtype=np.float64)
    if sw.ndim == 0:
        return folds
    for k, (train, test) in enumerate(folds):
        for rows, what in ((test, "test"), (train, "training")):
            if not np.sum(sw[rows]) > 0:
                raise ValueError(
                    f"sample_weight: the {what} rows of fold {k} have zero total weight, so "
                    "the fold cannot be fitted and scored; use a splitter whose folds each "
                    "hold weighted rows (e.g. KFold(shuffle=True)) or drop the zero-weight "
                    "rows.")
    return folds


def _check_scorer(scoring, estimator):
    """None, a scorer name or a callable scorer(estimator, X, y) -> a scorer or None."""
    if scoring is None:
        return None
    if isinstance(scoring, str):
        return get_scorer(scoring)
    if callable(scoring):
        return check_scoring(estimator, scoring=scoring)
    raise ValueError(f"scoring must be None, a scorer name or a callable, got {scoring!r}.")


def _score_path(scorer, point, coefs, intercepts, X_test, y_test, kw):
    """scorer(point, X_test, y_test, **kw) with point's coefficients set to each path column."""
    out = np.empty(coefs[0].shape[-1] if isinstance(coefs, list) else coefs.shape[-1])
    for k in range(out.size):
        # a sparse (p, n_alphas) path (least-squares folds): column k made dense; a list
        # of them (logistic folds, one per predictor): the (n_problems, p) point
        if isinstance(coefs, list):
            point.coef_ = np.vstack([c[:, [k]].toarray().ravel() for c in coefs])
        else:
            point.coef_ = (coefs[:, [k]].toarray().ravel() if sp.issparse(coefs)
                           else coefs[..., k])
        point.intercept_ = intercepts[..., k]
        out[k] = scorer(point, X_test, y_test, **kw)
    return out


def cv_summary(values, higher_is_better):
    """Mean, standard error over folds (last axis), best l1_ratio row, i_min, i_1se."""
    n_folds = values.shape[-1]
    mean = values.mean(axis=-1)
    se = (values.std(axis=-1, ddof=1) / np.sqrt(n_folds) if n_folds > 1
          else np.zeros_like(mean))
    key = -mean if higher_is_better else mean
    best_row = int(np.unravel_index(np.nanargmin(key), key.shape)[0])
    i_min = int(np.nanargmin(key[best_row]))
    i_1se = one_standard_error_index(mean[best_row], se[best_row], higher_is_better)
    return mean, se, best_row, i_min, i_1se


def run_folds(fn, jobs, n_jobs, progress):
    """fn(*job) for every job through joblib (threads unless a backend is configured);
    ``progress`` (a CVProgress) hears of each finished job and is closed at the end."""
    def run(i, job):
        res = fn(*job)
        progress.job_done(i, len(jobs))
        return res

    try:
        # prefer="threads" is a hint only: joblib.parallel_config(backend=...) overrides it
        return Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(run)(i, job) for i, job in enumerate(jobs))
    finally:
        progress.close()


def check_l1_ratios(value, name):
    """A float or a non-empty 1-D list of floats in [0, 1], as a 1-D array."""
    ratios = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if ratios.ndim != 1 or ratios.size == 0:
        raise ValueError(f"{name} must be a float or a non-empty 1-D list of floats.")
    for r in ratios:
        check_scalar_param(float(r), name, low=0, high=1)
    return ratios


def collect_folds(results, n_ratios, n_alphas, n_folds):
    """Fold results ordered (ratio, fold) -> criterion (n_ratios, n_alphas, n_folds) and
    mean non-zeros (n_ratios, n_alphas)."""
    values = np.empty((n_ratios, n_alphas, n_folds))
    nnz = np.zeros((n_ratios, n_alphas))
    for j, (crit, z) in enumerate(results):
        i, k = divmod(j, n_folds)
        values[i, :, k] = crit
        nnz[i] += z / n_folds
    return values, nnz


def store_cv(est, grids, values, nnz, ratios, squeeze, higher_is_better, values_name,
              shared_grid=False):
    """Set the CV attributes shared by every CV estimator; return (best_row, chosen index).

    ``values`` (n_ratios, n_alphas, n_folds) is stored as ``values_name``
    ('mse_path_' or 'scores_path_'; the other one, left by an earlier fit, is removed).
    ``shared_grid``: the user's grid, the same for every l1_ratio, is stored once
    (``alphas_`` 1-D, as scikit-learn does).
    """
    mean, se, best_row, i_min, i_1se = cv_summary(values, higher_is_better)
    grids = np.asarray(grids)

    def sq(a):
        return a[0] if squeeze else a

    est.alphas_ = grids[0] if shared_grid else sq(grids)
    for name in ("mse_path_", "scores_path_"):
        if name != values_name and name in vars(est):
            delattr(est, name)
    setattr(est, values_name, sq(values))
    est.cv_mean_ = sq(mean)
    est.cv_se_ = sq(se)
    est.n_nonzero_path_ = sq(nnz)
    est.l1_ratio_ = float(ratios[best_row])
    est.alpha_min_ = float(grids[best_row][i_min])
    est.alpha_1se_ = float(grids[best_row][i_1se])
    chosen = i_min if est.alpha_selection == "min" else i_1se
    est.alpha_ = float(grids[best_row][chosen])
    return best_row, chosen


def _user_grid(alphas, n_ratios):
    grid = check_alphas(alphas)
    return [grid] * n_ratios


def cv_grids(estimator, ratios, alpha_max):
    """One decreasing alpha grid per l1_ratio: the estimator's ``alphas`` if it is
    an array, else ``alphas`` (an int; or the deprecated ``n_alphas``) points from
    ``alpha_max(l1_ratio)`` down to ``eps`` times it."""
    spec = cv_alphas(estimator.alphas, getattr(estimator, "n_alphas", "deprecated"))
    if not is_count(spec):
        return [spec] * ratios.size
    check_scalar_param(estimator.eps, "eps", low=0, high=1, low_inclusive=False)
    if np.any(ratios == 0):
        raise ValueError(
            "Automatic alpha grid generation is not supported for l1_ratio=0. Please "
            "supply a grid by providing your estimator with the appropriate `alphas=` "
            "argument.")
    return [alpha_grid(alpha_max(r), spec, estimator.eps) for r in ratios]


# ---------------------------------------------------------------------------
# Least squares
# ---------------------------------------------------------------------------

def _fold_path(X, y, sw, train, test, alphas, l1_ratio, fit_intercept, precompute, solver_kw,
               scorer, progress, options=None, keep=False, score_kw=None):
    """Solve the path on the training rows; score every alpha on the test rows.

    Returns (criterion per alpha, non-zeros per alpha, test predictions
    (n_test, n_alphas) if ``keep`` else None): the criterion is the (weighted)
    mean squared error when ``scorer`` is None, else the scorer's values.
    ``options``: per-feature options, resolved on the fold's rows (so the
    standardization uses the fold's standard deviations, as cv.glmnet).
    """
    if FOLDS_AS_WEIGHTS and LEAST_SQUARES_FOLDS_AS_WEIGHTS:
        # the fold's rows as weights on X itself (validated by fit): no copy of X
        Xtr, y_tr = X, y
        sw_tr = fold_weights(sw, train, X.shape[0], X.dtype)
    else:
        Xtr, y_tr = check_X(fold_rows(X, train)), y[train]
        sw_tr = (None if sw is None
                 else check_sample_weight(sw[train], len(train), Xtr.dtype))
    problem = LeastSquaresProblem(Xtr, sw_tr, fit_intercept, precompute,
                                  tol=solver_kw.get("tol"))
    # the fold's path as a sparse matrix: only its held-out predictions are needed,
    # never a dense (p, n_alphas) array per fold
    coefs, _, _, intercepts = solve_path(problem, problem.target(y_tr), alphas,
                                         l1_ratio=l1_ratio, warn=False, callback=progress,
                                         features=resolve_features(problem, options),
                                         return_sparse=True, **solver_kw)
    # the training rows and the fold's design are freed before the test rows are taken
    del problem, Xtr, sw_tr, y_tr
    pred = None
    if scorer is None or keep:
        # only the columns that are ever active along the path enter the predictions
        used = np.unique(coefs.indices)
        X_used, C_used = test_columns(X, test, used), coefs.tocsr()[used]
        # a block of alphas at a time (about 1 MB of predictions), unless keep asks
        # for all of them: an (n_test, n_alphas) array and its squared errors per
        # fold were the largest buffers of tall data's CV (hockey, 100 alphas: 3 x X);
        # each column's arithmetic is the same for any block
        n_cols = C_used.shape[1]
        block = n_cols if keep else max(1, (1 << 17) // max(1, len(test)))
        parts, crit = [], np.empty(n_cols)
        for lo in range(0, n_cols, block):
            hi = min(n_cols, lo + block)
            part = np.asarray(X_used @ np.asarray(C_used[:, lo:hi].toarray(),
                                                  dtype=np.float64))
            part = part + intercepts[lo:hi]
            if scorer is None:
                err = (part - y[test][:, None]) ** 2
                crit[lo:hi] = (err.mean(axis=0) if sw is None
                               else np.average(err, axis=0, weights=sw[test]))
            if keep:
                parts.append(part)
        del X_used
        pred = (np.hstack(parts) if parts else np.empty((len(test), 0))) if keep else None
    if scorer is not None:
        point = ElasticNet()
        point.n_features_in_ = X.shape[1]
        crit = _score_path(scorer, point, coefs, intercepts, fold_rows(X, test), y[test],
                           score_kw or {})
    # the explicit entries of the sparse path are exactly its non-zeros
    return crit, np.diff(coefs.indptr), (pred if keep else None)


class ElasticNetCV(FullPathMixin, CVRouterMixin, SparseInputMixin, RegressorMixin,
                   BaseEstimator):
    """Elastic net with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`penalized.ElasticNet`::

        1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Several values are cross-validated too (each with its own alpha grid).
    eps : float, default=1e-3, alpha_min / alpha_max of the automatic grid.
    alphas : int or array-like, default=100
        As in scikit-learn 1.9: an int is the number of alphas of each
        automatic grid (one per l1_ratio, from alpha_max down to eps *
        alpha_max); an array is the grid itself, shared by every l1_ratio.
    n_alphas : int, deprecated
        Accepted with a FutureWarning (scikit-learn 1.9 removed it): use
        ``alphas=<int>``.  ``alphas=None`` is deprecated too (means 100).
    fit_intercept, precompute, positive, random_state, selection :
        as in :class:`penalized.ElasticNet`.
    tol : float, default=1e-8
        Every point of every fold's path and of the full-data path is
        certified: duality gap <= tol * sum_i s_i (y_i - ybar)^2 / n in the
        objective's 1/(2n) units (the rows of the fold), i.e. 2 * tol times the
        objective of the all-zero model, so the fitted values are within
        sqrt(2 * tol) = 1.4e-4 (RMS, relative to ||y_c||_S / sqrt(n)) of the
        exact path's, at every alpha.  Tighter than scikit-learn's default
        1e-4 (the same criterion) so that every alpha of the warm-started
        paths is actually solved: at 1e-4 the previous alpha's solution often
        already meets the target, and the CV curve is a staircase (up to 6% off
        the exact one on the real sets, sometimes with another ``alpha_``).  At the
        default the mean CV curve is within 1e-3 (relative) of the curve at
        tol=1e-10 on the real sets of benchmarks/cv_tol.py, with the same
        ``alpha_`` (benchmarks/RESULTS.md).  Fold paths never warn; the
        full-data path warns for an alpha not converged within ``max_iter``.
    max_iter : int, default=10000
        Coordinate-descent epochs per alpha (scikit-learn: 1000 full passes;
        the tighter default tol needs more near the end of the path, where
        nearly n features are active).
    penalty_factor, lower_bounds, upper_bounds, exclude, standardize :
        glmnet's per-feature options, as in :class:`penalized.ElasticNet`
        (standardization uses each fold's own standard deviations).
    max_features, dfmax : int or None, default=None
        glmnet's pmax and dfmax, as in :func:`penalized.enet_path`: the grids
        are cut before the first alpha at which the full-data path (for any
        l1_ratio; one extra full-data path each) has had more than
        ``max_features`` features non-zero so far, or has more than ``dfmax``
        non-zeros, keeping at least the first alpha, and only the alphas left
        are cross-validated (``alphas_`` holds them).
    keep : bool, default=False
        cv.glmnet's ``keep=TRUE``: store the out-of-fold predictions
        ``cv_predictions_`` (n_samples, n_alphas) at the chosen l1_ratio (row i
        predicted by the path fitted without i's fold) and ``fold_ids_``
        (n_samples,), the test fold of each row (-1: in no test fold; with
        repeated splitters, the last one).
    store_path : {'auto', 'dense', 'sparse', 'none'}, default='auto'
        The form of the stored full-data path ``coef_path_``: 'dense' an
        ndarray (n_features, n_alphas); 'sparse' a ``scipy.sparse.csc_matrix``
        of that shape (X's dtype, explicit entries exactly the non-zeros, as
        ``enet_path(return_sparse=True)``), equal to the dense one entry for
        entry; 'none' not stored (``coef_path_`` is None; ``coef_at`` and
        ``predict(X, alpha=...)`` then raise, the refit and every other
        attribute are unchanged); 'auto' (default) 'sparse' when X is
        scipy.sparse and 'dense' otherwise, as glmnet keeps ``beta`` sparse.
        The dense path costs 8 * n_features * n_alphas bytes whatever the
        sparsity: for wide sparse X it can be several times X (667,712 bigram
        features x 100 alphas: 534 MB for a 184 MB X), the sparse one 12 bytes
        per non-zero.  ``coef_``, ``coef_at`` and the predictions are the same
        bit for bit in every form.
    cv : int, splitter or iterable, default=None (5-fold)
        Any scikit-learn splitter.  ``groups`` (and other split parameters)
        reach it through scikit-learn's metadata routing, as for scikit-learn's
        LassoCV: ``sklearn.set_config(enable_metadata_routing=True)``, then
        ``fit(X, y, groups=groups)``; without routing, extra ``fit`` keywords
        raise ValueError.
    n_jobs : int or None
        Parallel fold jobs (threads; see the module docstring for Dask).
    n_threads : int or None, default=1
        OpenMP threads of the full passes over X inside each path solve (every
        fold's path and the full-data path), as ``n_threads`` of :class:`penalized.ElasticNet`
        (1 or None: the calling thread; -1: OpenMP's limit; the same bits for any
        value).  Per fit: with ``n_jobs`` folds running at once, up to
        ``n_jobs * n_threads`` threads run together (both multiply).
    scoring : None, str or callable, default=None
        None: mean squared error on the held-out rows (lower is better,
        ``mse_path_``).  Otherwise a scikit-learn scorer name (e.g. 'r2',
        'neg_mean_absolute_error') or callable ``scorer(estimator, X, y)``
        (higher is better, ``scores_path_``).
    alpha_selection : {'min', '1se'}, default='min'
        Refit at the best alpha, or at the largest alpha within one standard
        error of the best (a sparser model).
    verbose : int, default=0
        1: a progress bar over every fold's path (tqdm, if installed) or a log
        line per finished fold job; 2: log lines per fold job and per alpha
        (the ``logging`` logger ``penalized``).

    Attributes
    ----------
    alpha_, l1_ratio_ : chosen values (by ``alpha_selection``).
    alpha_min_, alpha_1se_ : the two candidates for the chosen l1_ratio.
    alphas_ : ndarray
        (n_l1_ratio, n_alphas) automatic grids, or (n_alphas,) for one
        l1_ratio or a given grid (shared by every l1_ratio, as in scikit-learn).
    mse_path_ (scoring=None) or scores_path_ (a scorer) :
        (n_l1_ratio, n_alphas, n_folds) or (n_alphas, n_folds).
    cv_mean_, cv_se_ : mean and standard error over folds of that criterion
        (an error for mse_path_, a score for scores_path_), shaped like alphas_.
    n_nonzero_path_ : mean number of non-zero coefficients per grid point.
    coef_, intercept_, dual_gap_, n_iter_
        Of the final refit on all data (the full-data path's point at
        ``alpha_``).
    coef_path_ : (n_features, n_alphas), intercept_path_, dual_gap_path_ : (n_alphas,)
        The full-data path at the chosen l1_ratio, over its whole grid (as
        cv.glmnet keeps ``glmnet.fit``): ``coef_at(alpha)`` and
        ``predict(X, alpha=...)`` give the model at any grid alpha (e.g.
        ``alpha_min_`` and ``alpha_1se_``) without a refit.  An ndarray, a
        ``scipy.sparse.csc_matrix`` (sparse X by default) or None, by
        ``store_path``.
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, n_alphas="deprecated",
                 fit_intercept=True, precompute="auto", max_iter=10_000, tol=1e-8, cv=None,
                 n_jobs=None, positive=False, random_state=None, selection="cyclic",
                 alpha_selection="min", scoring=None, verbose=0, penalty_factor=None,
                 lower_bounds=None, upper_bounds=None, exclude=None, standardize=False,
                 max_features=None, dfmax=None, keep=False, n_threads=1, store_path="auto"):
        self.n_threads = n_threads
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
        self.scoring = scoring
        self.verbose = verbose
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.exclude = exclude
        self.standardize = standardize
        self.max_features = max_features
        self.dfmax = dfmax
        self.keep = keep
        self.store_path = store_path

    def _l1_ratios(self):
        return check_l1_ratios(self.l1_ratio, "l1_ratio")

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, **params):
        """Cross-validate the path(s), then refit on all data at the chosen alpha.

        ``offset`` (n_samples,), glmnet's offset: the model of y - offset (as
        :meth:`ElasticNet.fit`); not with ``scoring`` (a scorer sees predictions
        without it).  ``**params`` (e.g. ``groups``) are routed to the splitter when
        metadata routing is enabled, and rejected otherwise (see ``cv``).
        """
        reject_unrouted(self, params)
        n_threads = self.n_threads
        resolve_threads(n_threads)   # a bad value fails before any fold runs
        ratios = self._l1_ratios()
        check_solver_params(self.tol, self.max_iter, self.selection)
        check_precompute(self.precompute)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        check_choice(self.store_path, "store_path", STORE_PATH_CHOICES)
        scorer = _check_scorer(self.scoring, self)
        X = validate_X(self, X, reset=True)
        store_path = resolve_store_path(self.store_path, X)
        y = check_y(y, X.shape[0], X.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if offset is not None and scorer is not None:
            raise ValueError("offset with scoring is not supported: the scorer would score "
                             "predictions without the offset; use the default (mean "
                             "squared error) criterion.")
        y = offset_target(y, offset)
        options = feature_options(X.shape[1], self.penalty_factor, self.lower_bounds,
                                  self.upper_bounds, self.exclude, self.standardize,
                                  self.positive)
        max_features = check_max_features(self.max_features)
        dfmax = check_max_features(self.dfmax, "dfmax")
        full = LeastSquaresProblem(X, sw, self.fit_intercept, self.precompute, tol=self.tol)
        features = resolve_features(full, options)
        tgt = full.target(y)
        grids = cv_grids(self, ratios,
                          lambda r: full.alpha_max(tgt, r, self.positive, features))
        shared_grid = len(grids) > 1 and all(g is grids[0] for g in grids)
        folds = check_fold_weights(cv_folds(self, X, y, params), sw)
        score_kw = (scorer_params(self, params, sample_weight) if scorer is not None
                    else {})
        solver_kw = dict(tol=self.tol, max_iter=self.max_iter, positive=self.positive,
                         selection=self.selection, random_state=self.random_state,
                         n_threads=n_threads)
        if max_features is not None or dfmax is not None:
            # cut each grid where the full-data path exceeds max_features, keeping one
            # alpha (the grid's first) so that every l1_ratio has a grid
            cut = [solve_path(full, tgt, g, l1_ratio=r, warn=False, features=features,
                              max_features=max_features, dfmax=dfmax,
                              **solver_kw)[0].shape[1]
                   for g, r in zip(grids, ratios)]
            keep = max(1, min(cut))
            grids = [g[:keep] for g in grids]
            grids = [grids[0]] * len(grids) if shared_grid else grids
        verbose = int(self.verbose)
        # the full-data problem (its design's O(p) statistics and X^T y) is not kept while
        # the folds run, unless it holds a Gram matrix (costly to form again): it is
        # formed again, with the same bits, for the full-data path
        keep_full = full.gram_design is not None
        if not keep_full:
            del full, tgt, features
        progress = CVProgress(verbose, type(self).__name__,
                              ratios.size * len(folds) * grids[0].size)
        jobs = [(X, y, sw, folds[k][0], folds[k][1], grids[i], ratios[i], self.fit_intercept,
                 self.precompute, solver_kw, scorer,
                 progress.fold(f"l1_ratio={ratios[i]:g} fold {k + 1}"), options,
                 bool(self.keep), fold_params(score_kw, folds[k][1], X.shape[0]))
                for i in range(ratios.size) for k in range(len(folds))]
        results = run_folds(_fold_path, jobs, self.n_jobs, progress)
        values, nnz = collect_folds([r[:2] for r in results], ratios.size, grids[0].size,
                                     len(folds))
        best, chosen = store_cv(self, grids, values, nnz, ratios, np.ndim(self.l1_ratio) == 0,
                                 scorer is not None,
                                 "mse_path_" if scorer is None else "scores_path_",
                                 shared_grid=shared_grid)
        # the full-data path on the chosen l1_ratio's whole grid (cv.glmnet's glmnet.fit):
        # the refit is its point at the chosen alpha, and any other grid alpha is at hand
        # (solved sparse; made dense once, C-ordered as coef_path_ is stored, only for
        # store_path 'dense': one dense (p, n_alphas) array at the peak at most)
        if not keep_full:
            full = LeastSquaresProblem(X, sw, self.fit_intercept, self.precompute,
                                       tol=self.tol)
            features = resolve_features(full, options)
            tgt = full.target(y)
        coefs, gaps, n_iters, intercepts = solve_path(
            full, tgt, grids[best], l1_ratio=self.l1_ratio_,
            callback=path_progress(verbose > 1, "full-data path"), features=features,
            return_sparse=True, **solver_kw)
        self.coef_ = path_point(coefs, chosen)
        if store_path == "dense":
            coefs = coefs.toarray(order="C")
        elif store_path == "none":
            coefs = None
        store_full_path(self, coefs, intercepts, gaps)
        del coefs
        self._store_out_of_fold(results, folds, best, X.shape[0], grids[best].size, offset)
        self.intercept_ = float(intercepts[chosen])
        self.dual_gap_ = float(gaps[chosen])
        self.n_iter_ = int(n_iters[chosen])
        return self

    def _store_out_of_fold(self, results, folds, best, n, n_alphas, offset=None):
        """cv.glmnet's keep=TRUE: ``cv_predictions_`` and ``fold_ids_`` of the chosen l1_ratio
        (the predictions include the ``offset``)."""
        for name in ("cv_predictions_", "fold_ids_"):
            if name in vars(self):
                delattr(self, name)
        if not self.keep:
            return
        preds = np.full((n, n_alphas), np.nan)
        fold_ids = np.full(n, -1, dtype=np.int64)
        for k, (_, test) in enumerate(folds):
            preds[test] = results[best * len(folds) + k][2]
            fold_ids[test] = k
        if offset is not None:
            preds += check_offset(offset, n, 1)
        self.cv_predictions_, self.fold_ids_ = preds, fold_ids

    def predict(self, X, alpha=None, offset=None):
        """X @ coef + intercept of the refitted model, or of the full-data path at ``alpha``
        (+ ``offset``, as in :meth:`ElasticNet.predict`).

        ``alpha``: None (the refit, ``alpha_``), a float on or inside the grid
        (see :meth:`coef_at`), or 'min' / '1se' for ``alpha_min_`` / ``alpha_1se_``.
        """
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        coef, intercept = (self.coef_, self.intercept_) if alpha is None else self.coef_at(alpha)
        return add_offset(np.asarray(X @ coef).ravel() + intercept, offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """R^2 of ``predict(X, offset=offset)`` against y."""
        return r2_score(y, self.predict(X, offset=offset), sample_weight=sample_weight)

    def refit_estimator(self):
        """An unfitted :class:`penalized.ElasticNet` with the chosen hyper-parameters."""
        check_is_fitted(self)
        return ElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_,
                          fit_intercept=self.fit_intercept, precompute=self.precompute,
                          max_iter=self.max_iter, tol=self.tol, positive=self.positive,
                          random_state=self.random_state, selection=self.selection,
                          penalty_factor=self.penalty_factor, lower_bounds=self.lower_bounds,
                          upper_bounds=self.upper_bounds, exclude=self.exclude,
                          standardize=self.standardize)


class LassoCV(ElasticNetCV):
    """Lasso (l1_ratio = 1) with alpha chosen by cross-validation; see :class:`ElasticNetCV`.

    The default ``tol=1e-8`` certifies every path point to a duality gap
    <= 1e-8 * sum_i s_i (y_i - ybar)^2 / n (fitted values within 1.4e-4 RMS,
    relative, of the exact path's), so that the CV curve is the exact one to
    about 1e-3 and ``alpha_`` is the exact CV's (see ``tol`` in
    :class:`ElasticNetCV`).
    """

    def __init__(self, *, eps=1e-3, alphas=100, n_alphas="deprecated", fit_intercept=True,
                 precompute="auto", max_iter=10_000, tol=1e-8, cv=None, n_jobs=None,
                 positive=False, random_state=None, selection="cyclic", alpha_selection="min",
                 scoring=None, verbose=0, penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, exclude=None, standardize=False, max_features=None,
                 dfmax=None, keep=False, n_threads=1, store_path="auto"):
        self.n_threads = n_threads
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
        self.scoring = scoring
        self.verbose = verbose
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.exclude = exclude
        self.standardize = standardize
        self.max_features = max_features
        self.dfmax = dfmax
        self.keep = keep
        self.store_path = store_path

    def _l1_ratios(self):
        return np.array([1.0])

    @property
    def l1_ratio(self):
        return 1.0


# ---------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------

def _check_all_classes_present(y, classes):
    missing = [c for c in classes if not np.any(y == c)]
    if missing:
        raise ValueError(
            f"class {missing[0]!r} is absent from the training rows of a fold; "
            "use fewer folds or a stratified splitter.")


def one_vs_rest_path(X, y, sample_weight, classes, alphas, l1_ratio, fit_intercept, tol,
                     max_iter, progress=None, group=False, options=None, return_sparse=False,
                     offset=None, n_threads=1):
    """Logistic paths of the one-vs-rest problems that :class:`LogisticRegression` fits.

    One binary problem (classes[1] against classes[0]) for two classes, one
    per class otherwise.  Returns coefs (n_problems, p, n_alphas) and
    intercepts (n_problems, n_alphas): the layout of ``coef_`` /
    ``intercept_`` per alpha, so a multinomial path returning the same shapes
    can replace this function in :class:`LogisticRegressionCV`.  ``group``
    (penalty='group') is the L1 penalty for a binary problem.  ``options``:
    glmnet's ``penalty_factor``, ``exclude``, ``standardize`` (a dict, see
    :class:`LogisticRegression`).  ``return_sparse``: coefs is instead a list of
    n_problems scipy.sparse CSC matrices (p, n_alphas) (float64), no dense path formed.
    ``offset``: glmnet's offset (n, 1) (validated), shared by the problems, or None.
    ``n_threads``: OpenMP threads of each path solve (resolved by the caller).
    """
    _check_all_classes_present(y, classes)
    label_sets = logistic_label_sets(y, classes, "ovr")
    coefs = ([] if return_sparse else
             np.empty((len(label_sets), X.shape[1], len(alphas))))
    intercepts = np.empty((len(label_sets), len(alphas)))
    design = None   # column statistics of X, shared by the problems
    for k, ypm in enumerate(label_sets):
        problem = LogisticProblem(X, ypm, sample_weight, fit_intercept, design=design,
                                  group=group, offset=offset, **(options or {}))
        design = problem.design
        c, intercepts[k], _, _ = solve_logistic_path(
            problem, alphas, l1_ratio=l1_ratio, tol=tol, max_iter=max_iter, warn=False,
            callback=progress, return_sparse=return_sparse, n_threads=n_threads)
        if return_sparse:
            coefs.append(c.astype(np.float64))
        else:
            coefs[k] = c
    return coefs, intercepts


def multinomial_path(X, y, sample_weight, classes, alphas, l1_ratio, fit_intercept, tol,
                     max_iter, progress=None, group=False, options=None, return_sparse=False,
                     offset=None, n_threads=1):
    """Path of the multinomial (softmax) problem of :class:`LogisticRegression`.

    Same layout as :func:`one_vs_rest_path`: coefs (n_classes, p, n_alphas),
    intercepts (n_classes, n_alphas).  ``group``: penalty='group' (the L2 norm
    of each feature's row across the classes); ``options`` as in
    :func:`one_vs_rest_path` (``return_sparse``: a list of one CSC (p, n_alphas) per class;
    ``offset``: (n, n_classes), validated, or None; ``n_threads`` as there).
    """
    _check_all_classes_present(y, classes)
    problem = LogisticProblem(X, logistic_label_sets(y, classes)[0], sample_weight,
                              fit_intercept, group=group, offset=offset, **(options or {}))
    coefs, intercepts, _, _ = solve_logistic_path(
        problem, alphas, l1_ratio=l1_ratio, tol=tol, max_iter=max_iter, warn=False,
        callback=progress, return_sparse=return_sparse, n_threads=n_threads)
    if return_sparse:
        p = X.shape[1]
        # rows c * p + j hold W[j, c]: class c's block of rows
        return [coefs[c * p:(c + 1) * p] for c in range(intercepts.shape[0])], intercepts
    return np.ascontiguousarray(coefs.transpose(1, 0, 2)), intercepts


def _logistic_fold(X, y, sw, raw_sw, classes, train, test, alphas, l1_ratio, fit_intercept,
                   tol, max_iter, scorer, progress, path_fn=one_vs_rest_path, score_kw=None,
                   offset=None, used_columns_only=False):
    """Fit the path on the training rows; score every alpha on the test rows.

    ``path_fn`` maps training rows to per-alpha ``coef_`` / ``intercept_``
    (see :func:`one_vs_rest_path`); the scores come from a LogisticRegression
    holding each alpha's coefficients, so predict_proba and the decision
    function are exactly those of the refitted estimator.  The fold's path is
    kept sparse (one CSC matrix per predictor); only one alpha's dense
    coefficients exist at a time, while it is scored.  ``offset`` (validated, all rows):
    the training rows' enter the path, the test rows' every scored prediction.
    """
    if FOLDS_AS_WEIGHTS:
        # the fold's rows as weights on X itself (its rows' class-weighted weights, 0
        # elsewhere): no copy of X; every class must still be among the training rows
        _check_all_classes_present(y[train], classes)
        Xtr, y_tr, off_tr = check_X(X), y, offset
        sw_tr = fold_weights(sw, train, X.shape[0], np.float64)
    else:
        Xtr, y_tr = check_X(fold_rows(X, train)), y[train]
        off_tr = None if offset is None else np.ascontiguousarray(offset[train])
        sw_tr = (None if sw is None
                 else check_sample_weight(sw[train], len(train), np.float64))
    coefs, intercepts = path_fn(Xtr, y_tr, sw_tr, classes, alphas, l1_ratio,
                                fit_intercept, tol, max_iter, progress, return_sparse=True,
                                offset=off_tr)
    del Xtr, y_tr, sw_tr, off_tr
    if offset is None:
        point = LogisticRegression()
    else:
        point = OffsetLogisticPoint()
        point.fixed_offset_ = np.ascontiguousarray(offset[test])
    point.classes_ = classes
    point.multi_class_ = ("binary" if classes.size == 2 else
                          "multinomial" if getattr(path_fn, "func", path_fn) is multinomial_path
                          else "ovr")
    point.n_features_in_ = X.shape[1]
    nnz = np.sum([np.diff(c.indptr) for c in coefs], axis=0)
    if used_columns_only and sp.issparse(X):
        # the built-in log-loss reads only predict_proba: the held-out rows in the
        # columns some predictor's path ever used, and those rows of the paths, give the
        # same linear predictors (the other columns' coefficients are 0 all along), with
        # no copy of the held-out rows' other columns
        used = np.unique(np.concatenate([c.indices for c in coefs]))
        X_test = test_columns(X, test, used)
        coefs = [c.tocsr()[used].tocsc() for c in coefs]
        point.n_features_in_ = used.size
    else:
        X_test = fold_rows(X, test)
    scores = _score_path(scorer, point, coefs, intercepts, X_test, y[test], score_kw or {})
    # the explicit entries of the sparse paths are exactly their non-zeros
    return scores, nnz


class OffsetLogisticPoint(LogisticRegression):
    """A fitted-by-hand LogisticRegression whose predictions add ``fixed_offset_`` (the
    held-out rows' offset) when no offset is passed: a scorer calling
    ``predict_proba(X_test)`` / ``decision_function`` / ``predict`` then sees the linear
    predictor x_i W + b + offset_i of those rows."""

    def decision_function(self, X, offset=None):
        return super().decision_function(X, self.fixed_offset_ if offset is None else offset)


def glm_path_length(problems, alphas, l1_ratio, tol, max_iter, max_features, dfmax,
                    n_threads=1):
    """How many alphas of the grid the full-data path keeps under glmnet's pmax /
    dfmax (``max_features`` / ``dfmax``): the fewest over ``problems`` (the
    one-vs-rest problems, or one problem), at least 1 (the grid's first alpha), as
    :class:`ElasticNetCV` cuts its grids.  ``problems``: an iterable of GLM problems."""
    keep = len(alphas)
    for problem in problems:
        gaps = solve_logistic_path(problem, alphas, l1_ratio=l1_ratio, tol=tol,
                                   max_iter=max_iter, warn=False, max_features=max_features,
                                   dfmax=dfmax, return_sparse=True, n_threads=n_threads)[2]
        keep = min(keep, gaps.size)
    return max(1, keep)


class LogisticRegressionCV(FullPathMixin, CVRouterMixin, SparseInputMixin, ClassifierMixin,
                           BaseEstimator):
    """Logistic regression with alpha (and l1_ratio) chosen by cross-validation.

    Objective of each fit, as in :class:`penalized.LogisticRegression`
    (weights times class weights rescaled to sum n, K linear predictors)::

        1/n * sum_i s_i f_i(x_i W + b)
            + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

    with the binomial loss for two classes and, for more, the multinomial
    (softmax) loss (``multi_class='multinomial'``, default) or the one-vs-rest
    problems (``'ovr'``).  Every fold solves the warm-started path on its
    training rows on one grid shared by all folds (computed on the full data),
    and scores every alpha on its held-out rows.

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet', 'group'}, default='l2'
        'group' (multinomial, more than two classes): the L1 part is
        ``sum_j ||W_j||_2`` over the rows W_j (feature j across the classes),
        as :class:`penalized.LogisticRegression` (glmnet's
        type.multinomial='grouped'); for two classes it is the L1 penalty.
    Cs : int, array-like or None
        scikit-learn's inverse strengths; an int k means ``np.logspace(-4, 4, k)``.
        Converted once on the full data: alpha = 1 / (C * S), S the sum of the
        raw weights (n without weights).  Every fold then solves at these
        alphas (scikit-learn's LogisticRegressionCV keeps C fixed per fold
        instead, i.e. alpha = 1 / (C * n_train)).
    alphas : int or array-like, default=100
        An array: the grid (exclusive with Cs).  An int (ignored when Cs is
        given): the size of the automatic grid, from alpha_max (the smallest
        alpha with all coefficients zero; the largest over the one-vs-rest
        problems) down to eps * alpha_max.  For penalty='l2' (no alpha_max)
        the grid runs from 100 x the L1 alpha_max down to eps x the L1
        alpha_max.
    l1_ratios : list of float or None, default=None
        Required for penalty='elasticnet' (each with its own grid), optional
        for 'group' (the share of the group part; default 1.0), None otherwise.
    cv : int, splitter or iterable, default=None
        None means stratified 5-fold; ``groups`` by metadata routing, as in
        :class:`ElasticNetCV`.
    scoring : str, callable or None, default=None
        None means 'neg_log_loss' (mean log-loss of the held-out rows, negated
        so that higher is better: a smooth criterion that suits the
        one-standard-error rule better than accuracy).  Any scikit-learn
        scorer name or callable ``scorer(estimator, X, y)``.
    n_jobs : int or None, default=None
        Parallel fold jobs (threads unless a joblib backend is configured).
    n_threads : int or None, default=1
        OpenMP threads of the full passes over X inside each path solve (every
        fold's path and the full-data path), as ``n_threads`` of :class:`penalized.LogisticRegression`
        (1 or None: the calling thread; -1: OpenMP's limit; the same bits for any
        value).  Per fit: with ``n_jobs`` folds running at once, up to
        ``n_jobs * n_threads`` threads run together (both multiply).
    alpha_selection : {'min', '1se'}, default='min'
    class_weight : dict, 'balanced' or None
    tol, max_iter, fit_intercept : float, int, bool
        As in :class:`penalized.LogisticRegression`.
    verbose : int, default=0
        1: a progress bar over every fold's path (tqdm, if installed) or a log
        line per finished fold job; 2: log lines per fold job and per alpha
        (the ``logging`` logger ``penalized``).
    multi_class : {'multinomial', 'ovr'}, default='multinomial'
        Loss for more than two classes, as in :class:`penalized.LogisticRegression`.
    penalty_factor, exclude, standardize : array-like, array-like, bool
        glmnet's per-feature options, as in
        :class:`penalized.LogisticRegression`; used in every fold, for the grid
        (alpha_max with the factors) and in the refit (``standardize`` uses each
        fold's own standard deviations, as cv.glmnet).
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        glmnet's limits, as in :class:`penalized.LogisticRegression` (the grid's
        alpha_max counts only the directions the limits leave open).
    groups, group_weights : default=None
        User-defined groups of features, as in :class:`penalized.LogisticRegression`
        (two classes or ``multi_class='ovr'``; ``penalty`` 'l1' or 'elasticnet').
    max_features, dfmax : int or None, default=None
        glmnet's pmax and dfmax, as in :class:`ElasticNetCV`: the grids are cut
        before the first alpha at which the full-data path (for any l1_ratio and,
        for one-vs-rest, any class's problem; one extra full-data path each) has
        had more than ``max_features`` features non-zero so far (in any class's
        coefficients), or has more than ``dfmax`` non-zero now, keeping at least
        the first alpha; only the alphas left are cross-validated (``alphas_``
        holds them).
    store_path : {'auto', 'dense', 'sparse', 'none'}, default='auto'
        The form of ``coef_path_``, as in :class:`ElasticNetCV`: 'dense' an
        ndarray (n_problems, n_features, n_alphas), 'sparse' a list of
        n_problems CSC matrices (n_features, n_alphas), 'auto' (default)
        'sparse' for scipy.sparse X and 'dense' otherwise; 'none' does not
        solve the full-data path at all (one path fewer: ``coef_path_`` and
        ``intercept_path_`` are None, ``coef_at`` / ``predict(X, alpha=...)``
        raise, the refit ``estimator_`` and every other attribute are
        unchanged).

    Attributes
    ----------
    alpha_, l1_ratio_, alpha_min_, alpha_1se_, C_ : float
        The chosen values (``C_ = 1 / (alpha_ * S)``).
    alphas_ : ndarray
        (n_l1_ratios, n_alphas) for 'elasticnet', else (n_alphas,).
    Cs_ : ndarray
        1 / (alphas_ * S), same shape.
    scores_path_ : ndarray (..., n_alphas, n_folds)
        Held-out scores, higher is better.
    cv_mean_, cv_se_, n_nonzero_path_ : ndarray
        Shaped like alphas_ (non-zeros summed over the classes' predictors,
        averaged over folds).
    classes_, coef_, intercept_, dual_gap_, kkt_violation_, n_iter_
        Of the refit on all data (``estimator_``, a fitted
        :class:`penalized.LogisticRegression`); ``coef_`` is
        (n_problems, n_features).
    coef_path_ : ndarray (n_problems, n_features, n_alphas), list or None
        The full-data path at the chosen l1_ratio over its whole grid (as
        cv.glmnet keeps ``glmnet.fit``; ``coef_path_[..., k]`` is laid out as
        ``coef_``): ``coef_at(alpha)`` and ``predict(X, alpha=...)`` (also
        ``predict_proba`` / ``decision_function``) give the model at any grid
        alpha, e.g. ``alpha_min_`` and ``alpha_1se_``, without a refit.  The
        path is warm-started, so its point at ``alpha_`` equals the refit
        ``coef_`` to the solver's tolerance, not bit for bit.  With
        ``store_path='sparse'`` (sparse X by default) a list of n_problems
        ``scipy.sparse.csc_matrix`` (n_features, n_alphas), one per predictor
        (as glmnet's multinomial ``beta``, a list of sparse matrices), so
        that ``coef_path_[c]`` is predictor c's path in both forms; with
        'none', None.
    intercept_path_ : ndarray (n_problems, n_alphas), or None (store_path='none')
    """

    def __init__(self, penalty="l2", *, Cs=None, alphas=100, n_alphas="deprecated", eps=1e-3,
                 l1_ratios=None, cv=None, scoring=None, n_jobs=None, alpha_selection="min",
                 class_weight=None, tol=1e-4, max_iter=100, fit_intercept=True, verbose=0,
                 multi_class="multinomial", penalty_factor=None, exclude=None,
                 standardize=False, lower_bounds=None, upper_bounds=None, groups=None,
                 group_weights=None, max_features=None, dfmax=None, n_threads=1,
                 store_path="auto"):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.penalty = penalty
        self.Cs = Cs
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.l1_ratios = l1_ratios
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.alpha_selection = alpha_selection
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.fit_intercept = fit_intercept
        self.verbose = verbose
        self.multi_class = multi_class
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.groups = groups
        self.group_weights = group_weights
        self.store_path = store_path

    def _routing_scorer(self):
        scorer = _check_scorer(self.scoring, self)
        return scorer if scorer is not None else make_scorer(
            log_loss, greater_is_better=False, response_method="predict_proba")

    def _options(self):
        """glmnet's per-feature options and user-defined groups, for every problem of the
        fit (folds, grid, refit)."""
        return dict(penalty_factor=self.penalty_factor, exclude=self.exclude,
                    standardize=self.standardize, lower_bounds=self.lower_bounds,
                    upper_bounds=self.upper_bounds, groups=self.groups,
                    group_weights=self.group_weights)

    def _multinomial(self, classes):
        return classes.size > 2 and self.multi_class == "multinomial"

    def _ratios(self):
        check_choice(self.penalty, "penalty", {"l1", "l2", "elasticnet", "group"})
        if self.penalty == "group":
            # the group Lasso across classes (l1_ratio 1) unless l1_ratios mix in L2
            return (np.array([1.0]) if self.l1_ratios is None
                    else check_l1_ratios(self.l1_ratios, "l1_ratios"))
        if self.penalty != "elasticnet":
            if self.l1_ratios is not None:
                raise ValueError(
                    f"l1_ratios is only used with penalty='elasticnet', got penalty="
                    f"{self.penalty!r} and l1_ratios={self.l1_ratios!r}.")
            return np.array([logistic_l1_ratio(self.penalty, None)])
        if self.l1_ratios is None:
            raise ValueError("penalty='elasticnet' needs l1_ratios (a list of floats in [0, 1]).")
        return check_l1_ratios(self.l1_ratios, "l1_ratios")

    def _grids(self, X, y, sw, classes, ratios, total, offset=None):
        if self.Cs is not None:
            if not (self.alphas is None or (is_count(self.alphas) and self.alphas == 100)):
                raise ValueError("give alphas or Cs, not both.")
            if isinstance(self.Cs, (int, np.integer)) and not isinstance(self.Cs, bool):
                check_scalar_param(self.Cs, "Cs", low=1, integer=True)
                Cs = np.logspace(-4, 4, int(self.Cs))
            else:
                Cs = np.asarray(self.Cs, dtype=np.float64).reshape(-1)
                if Cs.size == 0 or not np.all(np.isfinite(Cs)) or np.any(Cs <= 0):
                    raise ValueError("Cs must be an int or a non-empty array of finite values > 0.")
            return _user_grid(1.0 / (Cs * total), ratios.size)
        spec = cv_alphas(self.alphas, self.n_alphas)
        if not is_count(spec):
            return [spec] * ratios.size
        check_scalar_param(self.eps, "eps", low=0, high=1, low_inclusive=False)
        amax1, design = 0.0, None
        # alpha_max at l1_ratio=1; it scales by 1/l1_ratio
        for labels in logistic_label_sets(y, classes, self.multi_class):
            problem = LogisticProblem(X, labels, sw, self.fit_intercept, design=design,
                                      group=self.penalty == "group", offset=offset,
                                      **self._options())
            design = problem.design
            amax1 = max(amax1, problem.alpha_max(1.0))
        return [alpha_grid(amax1 / r, spec, self.eps) if r > 0 else
                alpha_grid(L2_GRID_FACTOR * amax1, spec, self.eps / L2_GRID_FACTOR)
                for r in ratios]

    def _cut_grids(self, X, y, sw, classes, ratios, grids, offset=None):
        """The grids cut where the full-data path exceeds max_features / dfmax."""
        max_features = check_max_features(self.max_features)
        dfmax = check_max_features(self.dfmax, "dfmax")
        if max_features is None and dfmax is None:
            return grids
        multi_class = "multinomial" if self._multinomial(classes) else "ovr"
        Xc = check_X(X)
        keep = min(
            glm_path_length(
                (LogisticProblem(Xc, labels, sw, self.fit_intercept,
                                 group=self.penalty == "group", offset=offset,
                                 **self._options())
                 for labels in logistic_label_sets(y, classes, multi_class)),
                g, r, self.tol, self.max_iter, max_features, dfmax, self.n_threads)
            for g, r in zip(grids, ratios))
        return [g[:keep] for g in grids]

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, **params):
        """Cross-validate the path(s), then refit on all data at the chosen alpha.

        ``offset``: glmnet's offset, a fixed term of the linear predictors, as in
        :meth:`LogisticRegression.fit` ((n_samples,) for two classes and for 'ovr',
        (n_samples, n_classes) for the multinomial loss).  It enters the grid's
        alpha_max, every fold's path (its training rows), every held-out score
        (the scorer sees the test rows' predictions with their offset), the full-data
        path and the refit; pass it to ``predict`` / ``predict_proba`` /
        ``decision_function`` / ``score`` too.
        ``**params`` (e.g. ``groups``) are routed to the splitter when metadata
        routing is enabled, and rejected otherwise, as in :class:`ElasticNetCV`.
        """
        reject_unrouted(self, params)
        n_threads = self.n_threads
        resolve_threads(n_threads)   # a bad value fails before any fold runs
        ratios = self._ratios()
        check_scalar_param(self.tol, "tol", low=0)
        check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        check_choice(self.multi_class, "multi_class", {"multinomial", "ovr"})
        check_choice(self.store_path, "store_path", STORE_PATH_CHOICES)
        scorer = _check_scorer(self.scoring, self)
        X = validate_X(self, X, reset=True)
        store_path = resolve_store_path(self.store_path, X)
        y, classes = classification_labels(y, X.shape[0])
        if self.penalty == "group" and self.multi_class == "ovr" and classes.size > 2:
            raise ValueError("penalty='group' couples the classes: it needs "
                             "multi_class='multinomial'.")
        if scorer is None:
            # the default log-loss is told every class: a test fold lacking a rare class
            # made scikit-learn's 'neg_log_loss' fail ("y_true and y_prob contain
            # different number of classes")
            scorer = make_scorer(log_loss, greater_is_better=False,
                                 response_method="predict_proba", labels=classes)
        n = X.shape[0]
        raw_sw = None if sample_weight is None else check_1d_float(sample_weight, "sample_weight")
        sw, total = class_weighted_samples(raw_sw, y, self.class_weight)
        multinomial = self._multinomial(classes)
        offset = check_offset(offset, n, classes.size if multinomial else 1)
        grids = self._grids(X, y, check_sample_weight(sw, n, np.float64), classes, ratios,
                            total, offset)
        grids = self._cut_grids(X, y, check_sample_weight(sw, n, np.float64), classes,
                                ratios, grids, offset)
        folds = check_fold_weights(cv_folds(self, X, y, params, classifier=True), sw)
        score_kw = scorer_params(self, params, raw_sw)
        verbose = int(self.verbose)
        path_fn = functools.partial(multinomial_path if multinomial else one_vs_rest_path,
                                    group=self.penalty == "group", options=self._options(),
                                    n_threads=n_threads)
        # one path per fold job, or one per class for one-vs-rest with more than two classes
        paths_per_job = 1 if (classes.size == 2 or multinomial) else classes.size
        progress = CVProgress(verbose, type(self).__name__,
                              ratios.size * len(folds) * grids[0].size * paths_per_job)
        jobs = [(X, y, sw, raw_sw, classes, folds[k][0], folds[k][1], grids[i], ratios[i],
                 self.fit_intercept, self.tol, self.max_iter, scorer,
                 progress.fold(f"l1_ratio={ratios[i]:g} fold {k + 1}"), path_fn,
                 fold_params(score_kw, folds[k][1], n), offset, self.scoring is None)
                for i in range(ratios.size) for k in range(len(folds))]
        results = run_folds(_logistic_fold, jobs, self.n_jobs, progress)
        values, nnz = collect_folds(results, ratios.size, grids[0].size, len(folds))
        best, _ = store_cv(self, grids, values, nnz, ratios, self.l1_ratios is None, True,
                            "scores_path_")
        self.Cs_ = 1.0 / (self.alphas_ * total)
        self.C_ = 1.0 / (self.alpha_ * total)
        self.classes_ = classes
        mixed = self.penalty == "elasticnet" or (self.penalty == "group"
                                                 and self.l1_ratios is not None)
        est = LogisticRegression(
            self.penalty, alpha=self.alpha_, l1_ratio=self.l1_ratio_ if mixed else None,
            fit_intercept=self.fit_intercept, class_weight=self.class_weight, tol=self.tol,
            max_iter=self.max_iter, multi_class=self.multi_class, n_threads=self.n_threads,
            **self._options())
        self.estimator_ = est.fit(X, y, sample_weight=raw_sw, offset=offset)
        self.coef_, self.intercept_ = est.coef_, est.intercept_
        self.dual_gap_, self.kkt_violation_ = est.dual_gap_, est.kkt_violation_
        self.n_iter_ = est.n_iter_
        # the full-data path on the chosen l1_ratio's grid (cv.glmnet's glmnet.fit), in
        # the layout of coef_ / intercept_ per alpha
        # (solved sparse; made dense once, in coef_path_'s C order, for store_path
        # 'dense'; not solved at all for 'none': the refit above is its own fit)
        if store_path == "none":
            self.coef_path_ = self.intercept_path_ = None
            return self
        coefs, intercepts = path_fn(check_X(X), y, check_sample_weight(sw, n, np.float64),
                                    classes, grids[best], self.l1_ratio_, self.fit_intercept,
                                    self.tol, self.max_iter, return_sparse=True, offset=offset)
        if store_path == "dense":
            path = np.zeros((len(coefs),) + coefs[0].shape,
                            dtype=np.result_type(*[c.dtype for c in coefs]))
            for k, c in enumerate(coefs):
                c.toarray(out=path[k])      # adds into the zeros
            del coefs
        else:
            path = coefs
        self.coef_path_ = path
        self.intercept_path_ = np.ascontiguousarray(intercepts)
        return self

    def _validated(self, X):
        check_is_fitted(self)
        return validate_X(self, X, accept_sparse="csr", reset=False, order=None)

    def _model(self, alpha):
        """The refitted model (alpha None), or a LogisticRegression holding ``coef_at(alpha)``."""
        if alpha is None:
            return self.estimator_
        coef, intercept = self.coef_at(alpha)
        point = LogisticRegression()
        point.classes_ = self.classes_
        point.multi_class_ = ("binary" if self.classes_.size == 2 else
                              "multinomial" if self._multinomial(self.classes_) else "ovr")
        point.n_features_in_ = self.n_features_in_
        point.coef_, point.intercept_ = coef, np.atleast_1d(intercept)
        return point

    def decision_function(self, X, alpha=None, offset=None):
        """X @ coef.T + intercept (1-D for two classes) of the refitted model, or of the
        full-data path at ``alpha`` (see :meth:`coef_at`); + ``offset`` (as in
        :meth:`LogisticRegression.decision_function`)."""
        X = self._validated(X)
        return self._model(alpha).decision_function(X, offset)

    def predict(self, X, alpha=None, offset=None):
        """Predicted class labels of the refitted model, or of the full-data path at ``alpha``.

        ``alpha``: None (the refit at ``alpha_``), a float on or inside the
        grid (see :meth:`coef_at`), or 'min' / '1se'.  ``offset``: added to the
        linear predictors (see :meth:`fit`).
        """
        X = self._validated(X)
        return self._model(alpha).predict(X, offset)

    def predict_proba(self, X, alpha=None, offset=None):
        """Class probabilities of the refitted model (see LogisticRegression.predict_proba),
        or of the full-data path at ``alpha``; with ``offset`` in the linear predictors."""
        X = self._validated(X)
        return self._model(alpha).predict_proba(X, offset)

    def predict_log_proba(self, X, alpha=None, offset=None):
        return np.log(self.predict_proba(X, alpha=alpha, offset=offset))

    def score(self, X, y, sample_weight=None, offset=None):
        """Mean accuracy of ``predict(X, offset=offset)`` (scikit-learn's classifier score)."""
        return accuracy_score(y, self.predict(X, offset=offset), sample_weight=sample_weight)
