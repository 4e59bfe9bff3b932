"""Low-level solver API for library authors: arrays in, a certified solution out.

These functions run the same native solvers as the estimators, without the
estimator layer (no ``get_params``, no feature-name bookkeeping, no state): a
library that builds its own model classes on top of ``penalized`` calls them
and reads a small frozen result object.  The signatures and the result
fields below are the stable contract; everything named with a leading
underscore elsewhere in the package is not.

Objectives
----------
Least squares (:func:`enet`, :func:`enet_path`, :func:`lasso`,
:func:`lasso_path`), sample weights s rescaled to sum to n::

    P(w, b) = 1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
              + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

(scikit-learn's ``ElasticNet`` scaling; b = 0 when ``fit_intercept=False``).
A solution is *converged* when its duality gap satisfies

    gap <= tol * sum_i s_i (y_i - ybar)^2 / n       (ybar the weighted mean, 0 without b)

i.e. ``tol`` is relative to twice the objective of the intercept-only model,
P(0, ybar) (or P(0, 0) without intercept).  ``gap_target`` holds that
right-hand side and ``dual_gap`` the certified gap reached, both in P's
scaling, so ``P(w, b) - P* <= dual_gap``.

Multi-task elastic net (:func:`multitask_enet`, :func:`multitask_enet_path`,
:func:`multitask_lasso`), Y (n, T), W (n_features, T) with rows W_j::

    P(W, b) = 1/(2n) * sum_i s_i ||Y_i - x_i W - b||^2
              + alpha * sum_j pf_j * (l1_ratio * sd_j ||W_j||_2
                                      + (1 - l1_ratio)/2 * sd_j^2 ||W_j||_2^2)

(pf_j = sd_j = 1 without the per-feature options: scikit-learn's
``MultiTaskElasticNet``); converged means ``gap <= tol * sum_i s_i ||Y_i -
Ybar||^2 / n``.

Group Lasso / group elastic net (:func:`group_lasso`, :func:`group_enet`,
:func:`group_enet_path`): the least-squares P with the L1 term replaced by
alpha * l1_ratio * sum_g omega_g ||w_g||_2 over user-defined groups (see
:func:`group_enet_path`); the same convergence criterion.

Logistic (:func:`logistic`, :func:`logistic_path`), K linear predictors
eta_i = x_i W + b, weights rescaled to sum to n::

    F(W, b) = 1/n * sum_i s_i f_i(eta_i)
              + alpha * l1_ratio * ||W||_1 + alpha * (1 - l1_ratio)/2 * ||W||_F^2

Two classes: K = 1, the larger label is +1 and the other -1,
f_i(eta) = log(1 + exp(-y_i eta)).  More classes: the multinomial loss
f_i(eta) = logsumexp(eta) - eta_{c_i} with intercepts normalised to sum to 0.
Converged means ``gap <= tol * F(0, b0)``, b0 the intercept-only solution
(``gap_target`` = that right-hand side; F(0, b0) = log 2 for two classes
without an intercept).  scikit-learn's C corresponds to
``alpha = 1 / (C * sum of the raw weights)``.

Poisson and Gamma, log link (:func:`poisson`, :func:`poisson_path`,
:func:`gamma`, :func:`gamma_path`), eta_i = x_i.w + b + offset_i::

    F(w, b) = 1/n * sum_i s_i f_i(eta_i) + alpha * l1_ratio * ||w||_1
              + alpha * (1 - l1_ratio)/2 * ||w||_2^2,

Poisson f_i(eta) = exp(eta) - y_i eta (y >= 0, not all 0), Gamma
f_i(eta) = y_i exp(-eta) + eta (y > 0).  ``dual_gap`` bounds F - F*; converged
means ``gap <= tol * D0``, D0 the intercept-only half mean deviance (1.0 if it is
0), held in ``gap_target`` as ``tol * D0``.

Cox proportional hazards (:func:`cox`, :func:`cox_path`), eta = X w + offset, no
intercept: F(w) = 1/n l(eta) + the same penalty, l the negative log partial
likelihood (Breslow or Efron ties, risk sets within strata; see
:class:`penalized.CoxRegression`); converged means ``gap <= tol * F(0)`` (held in
``gap_target``); ``intercepts`` are 0.

Per-feature options
-------------------
Every solver takes glmnet's per-feature options, with the estimators' meaning:
``penalty_factor`` (p,) >= 0 (rescaled to sum to p; 0 leaves a feature unpenalized;
not for Cox), ``lower_bounds`` / ``upper_bounds`` (lower <= 0 <= upper, on the
original scale), ``exclude`` (features kept at 0) and ``standardize`` (the penalty
on the columns scaled to unit weighted standard deviation, coefficients on the
original scale), and on the paths ``max_features`` (glmnet's pmax: the path
stops before more features are non-zero).  The multi-task solvers take
``penalty_factor``, ``exclude`` and ``standardize`` (each scaling both terms of a
row's penalty, as glmnet's mgaussian family) and ``max_features`` / ``dfmax``
(counting rows); ``lower_bounds`` / ``upper_bounds`` raise ValueError there (not
supported).  The GLM solvers take ``groups`` /
``group_weights`` (one linear predictor; a weight 0 leaves a group unpenalized)
and ``offset`` (glmnet's fixed term of the linear predictor), which the
least-squares solvers take too (the model of y - offset).  The certificate is the same duality gap.

Input
-----
With ``check_input=True`` (default) X may be anything the estimators accept
(dense in any order, any scipy.sparse format, lists); errors are ValueError
or TypeError naming the argument.  With ``check_input=False`` the array
checks are skipped: X must then be a float32/float64 ndarray in Fortran
order, or a scipy.sparse CSC matrix with sorted, duplicate-free indices
(int32 or int64), without NaN or inf; y a 1-D array of the same length (for
the least-squares solvers, of X's dtype to avoid a copy).  Scalar parameters
and sample weights are validated in both modes (O(n) at most).  X and y are
never written to.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ._core import resolve_threads
from ._enet import LeastSquaresProblem, alpha_grid, solve_path
from ._cox import CoxProblem, check_strata, check_survival
from ._families import LogLinkProblem, check_response
from ._features import check_max_features, feature_options, resolve_features
from ._grouping import check_groups
from ._logistic import LogisticProblem, solve_logistic_path
from ._multitask import MultiTaskProblem, check_Y, multitask_options, solve_multitask_path
from ._validation import (
    check_alphas,
    check_init,
    check_sample_weight,
    check_scalar_param,
    check_trusted_X,
    check_X,
    check_y,
)
from .linear_model import check_offset, classification_labels, offset_target

__all__ = ["PathSolution", "Solution", "enet", "enet_path", "group_enet", "group_enet_path",
           "cox", "cox_path", "gamma", "gamma_path", "group_lasso", "lasso", "lasso_path", "logistic",
           "logistic_path", "multitask_enet", "multitask_enet_path", "multitask_lasso",
           "poisson", "poisson_path"]


def _frozen(a):
    """A read-only view of ``a`` (the result objects are immutable)."""
    a = np.asarray(a)
    a = a.view()
    a.flags.writeable = False
    return a


def _frozen_sparse(m):
    """A CSC matrix whose data / indices / indptr arrays are read-only."""
    for name in ("data", "indices", "indptr"):
        getattr(m, name).flags.writeable = False
    return m


def _column(coefs, k):
    """coefs[..., k] (dense (n_features,) for a sparse coefs)."""
    if sp.issparse(coefs):
        k = range(coefs.shape[1])[k]     # negative indices as for an array
        out = np.zeros(coefs.shape[0], dtype=coefs.dtype)
        a, b = coefs.indptr[k], coefs.indptr[k + 1]
        out[coefs.indices[a:b]] = coefs.data[a:b]
        return _frozen(out)
    return coefs[..., k]


def _support(coef):
    """Indices j with a non-zero coefficient (in any predictor row for 2-D coef)."""
    coef = np.asarray(coef)
    nonzero = coef != 0 if coef.ndim == 1 else np.any(coef != 0, axis=0)
    return _frozen(np.flatnonzero(nonzero))


@dataclass(frozen=True, eq=False)
class Solution:
    """The solution at one alpha.

    Attributes
    ----------
    coef : ndarray (n_features,), or (n_classes, n_features) for a multinomial fit.
        X's dtype for least squares, float64 for logistic.
    intercept : float, or ndarray (n_classes,) for a multinomial fit (0 without one).
    alpha, l1_ratio : float, the penalty solved.
    dual_gap : float
        Certified duality gap (objective's scaling): objective(coef) - optimum <= dual_gap.
    gap_target : float
        The bound ``tol`` implies (see the module docstring); converged means
        ``dual_gap <= gap_target``.
    n_iter : int
        Coordinate-descent epochs (least squares) or proximal Newton
        iterations (logistic).
    converged : bool
    active_set : ndarray of int, indices of the non-zero coefficients (features).
    classes : ndarray or None, the sorted class labels (logistic only).
    """

    coef: np.ndarray
    intercept: object
    alpha: float
    l1_ratio: float
    dual_gap: float
    gap_target: float
    n_iter: int
    converged: bool
    active_set: np.ndarray
    classes: object = None


@dataclass(frozen=True, eq=False)
class PathSolution:
    """Solutions along a decreasing grid of alphas, warm-started from one to the next.

    Attributes
    ----------
    alphas : ndarray (n_alphas,), decreasing.
    coefs : ndarray or scipy.sparse.csc_matrix
        (n_features, n_alphas) (sparse with ``return_sparse=True``), or
        (n_classes, n_features, n_alphas) for a multinomial path (the layout of :func:`penalized.enet_path` /
        :func:`penalized.logistic_path`).
    intercepts : ndarray (n_alphas,) or (n_classes, n_alphas).
    l1_ratio : float
    dual_gaps : ndarray (n_alphas,), certified gaps (objective's scaling).
    gap_target : float, the bound ``tol`` implies (the same at every alpha).
    n_iters : ndarray of int (n_alphas,), epochs or Newton iterations per alpha.
    converged : ndarray of bool (n_alphas,)
    classes : ndarray or None (logistic only).
    work : dict or None
        Least squares (dense or sparse X, not the Gram mode): the solver's work
        per alpha, in passes over X (stored entries read / entries of X):
        ``passes`` (column products: ``full_passes`` of the gap checks over
        every candidate feature plus ``ws_passes`` of the working-set epochs),
        ``update_passes`` (residual updates), ``n_full`` (full correlation
        passes), ``n_epochs``, ``n_outer``, ``n_newton``; see
        the solver module's ``path_work``.  None for logistic paths.

    ``len(path)`` is the number of alphas and ``path[k]`` the :class:`Solution`
    at ``alphas[k]``; ``path.active_set(k)`` its non-zero features.
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    l1_ratio: float
    dual_gaps: np.ndarray
    gap_target: float
    n_iters: np.ndarray
    converged: np.ndarray
    classes: object = None
    work: object = None

    def __len__(self):
        return self.alphas.size

    def active_set(self, k):
        return _support(_column(self.coefs, k))

    def __getitem__(self, k):
        if not isinstance(k, (int, np.integer)):
            raise TypeError("index a PathSolution with one integer (an alpha's position).")
        k = range(len(self))[k]   # negative indices, IndexError when out of range
        intercept = self.intercepts[..., k]
        return Solution(
            coef=_column(self.coefs, k), intercept=float(intercept) if intercept.ndim == 0
            else intercept, alpha=float(self.alphas[k]), l1_ratio=self.l1_ratio,
            dual_gap=float(self.dual_gaps[k]), gap_target=self.gap_target,
            n_iter=int(self.n_iters[k]), converged=bool(self.converged[k]),
            active_set=self.active_set(k), classes=self.classes)


# ---------------------------------------------------------------------------
# Shared argument checks
# ---------------------------------------------------------------------------

def _check_common(l1_ratio, tol, max_iter, fit_intercept):
    check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    if not isinstance(fit_intercept, (bool, np.bool_)):
        raise TypeError(f"fit_intercept must be a bool, got {fit_intercept!r}.")


def _check_alpha(alpha):
    check_scalar_param(alpha, "alpha", low=0, low_inclusive=False)
    return float(alpha)


def _check_path_alphas(alphas, n_alphas, eps, alpha_max):
    """The user's alphas (sorted decreasing, all > 0) or the automatic geometric grid."""
    if alphas is None:
        check_scalar_param(n_alphas, "n_alphas", low=1, integer=True)
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        return alpha_grid(alpha_max(), n_alphas, eps)
    alphas = check_alphas(alphas)
    if np.any(alphas <= 0):
        raise ValueError("alphas must all be > 0 (alpha = 0 is an unpenalised problem; "
                         "use a least-squares or unpenalised solver).")
    return alphas


def _check_fast_X(X):
    """What ``check_input=False`` still requires of X: the native core's layouts."""
    return check_trusted_X(X)


def _check_fast_y(y, n_samples):
    y = np.asarray(y)
    if y.shape != (n_samples,):
        raise ValueError(f"y must have shape ({n_samples},), got {y.shape}.")
    return y


def _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init, shape=None):
    """The checked grid (from ``problem.alpha_max(l1_ratio)`` when alphas is None) and
    warm start (shape (n_features,) unless given) of a GLM, group or Cox path."""
    if alphas is None and l1_ratio == 0:
        raise ValueError("l1_ratio=0 (L2, no alpha_max): pass explicit alphas.")
    alphas = _check_path_alphas(alphas, n_alphas, eps, lambda: problem.alpha_max(l1_ratio))
    return alphas, _check_coef_init(coef_init,
                                    (problem.n_features,) if shape is None else shape)


def _check_coef_init(coef_init, shape, name="coef_init"):
    return check_init(coef_init, shape, name)


# ---------------------------------------------------------------------------
# Least squares
# ---------------------------------------------------------------------------

def _regression_arrays(X, y, sample_weight, check_input):
    """X, y and the normalised sample weights of a least-squares solver, in either mode."""
    if check_input:
        X = check_X(X)
        y = check_y(y, X.shape[0], X.dtype)
    else:
        X = _check_fast_X(X)
        y = _check_fast_y(y, X.shape[0])
    return X, y, check_sample_weight(sample_weight, X.shape[0], X.dtype)


def _block_path_solution(problem, alphas, l1_ratio, coef_init, tol, max_iter, warn,
                         max_features, dfmax, single_task=False, n_threads=1):
    """The block solver's path on ``problem`` as a PathSolution (``single_task``: the one
    task's coefficients (p, n_alphas) and intercepts, for the group paths of a 1-D y)."""
    coefs, gaps, n_iters, intercepts = solve_multitask_path(
        problem, alphas, l1_ratio=float(l1_ratio), coef_init=coef_init, tol=tol,
        max_iter=max_iter, warn=warn, max_features=max_features, dfmax=dfmax,
        n_threads=n_threads)
    if single_task:
        coefs, intercepts = coefs[0], intercepts[0]
    alphas = alphas[:gaps.size]
    target = tol * problem.yy / problem.n_samples
    return PathSolution(
        alphas=_frozen(alphas), coefs=_frozen(coefs), intercepts=_frozen(intercepts),
        l1_ratio=float(l1_ratio), dual_gaps=_frozen(gaps), gap_target=float(target),
        n_iters=_frozen(n_iters), converged=_frozen(gaps <= target))


def _least_squares_setup(X, y, sample_weight, fit_intercept, precompute, check_input, tol=None,
                         options=None, offset=None):
    """(problem, target, features): ``options`` the per-feature options' arguments
    (penalty_factor, lower_bounds, upper_bounds, exclude, standardize, positive),
    resolved before the target (the free block's fit enters it); the target is
    y - ``offset``."""
    X, y, sample_weight = _regression_arrays(X, y, sample_weight, check_input)
    y = offset_target(y, offset)
    problem = LeastSquaresProblem(X, sample_weight, bool(fit_intercept), precompute, tol=tol)
    features = (None if options is None
                else resolve_features(problem, feature_options(X.shape[1], *options)))
    return problem, problem.target(y), features


def enet_path(X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3, sample_weight=None,
              fit_intercept=True, tol=1e-8, max_iter=10_000, coef_init=None, positive=False,
              precompute="auto", check_input=True, warn=True, return_sparse=False,
              penalty_factor=None, lower_bounds=None, upper_bounds=None, exclude=None,
              standardize=False, max_features=None, n_threads=1, offset=None):
    """Elastic-net solutions along a decreasing grid of alphas (warm-started).

    Minimises P(w, b) of the module docstring at every alpha.

    Parameters
    ----------
    X : (n_samples, n_features) array or sparse matrix.
    y : (n_samples,) array.
    alphas : array-like of floats > 0, or None
        Sorted decreasing before use.  None: ``n_alphas`` values geometrically
        spaced from alpha_max = max_j |x_c,j^T S y_c| / (n * l1_ratio) (the
        smallest alpha whose solution is w = 0) down to ``eps * alpha_max``.
    l1_ratio : float in [0, 1] (keyword, required; 1 is the Lasso).
    sample_weight : (n_samples,) non-negative, or None.  Rescaled to sum to n.
    fit_intercept : bool, default=True (unpenalised b).
    tol : float >= 0, default=1e-8, relative gap bound (module docstring) at every
        alpha: gap <= tol * sum_i s_i (y_i - ybar)^2 / n, fitted values within
        sqrt(2 * tol) of the exact path's (see :func:`penalized.enet_path`).
        float32 X certifies tol down to about 5e-7 (its float32-rounded
        coefficients' own gap; :func:`penalized.enet_path` states the measurements).
    max_iter : int >= 1, default=10000, coordinate-descent epochs per alpha.
    coef_init : (n_features,) warm start for the first alpha, or None (zeros).
    positive : bool, constrain w >= 0.
    precompute : bool, 'auto', 'working_set' or (p, p) array
        Gram mode (G = X_c^T S X_c); 'auto' uses it for dense X with n >= 4 p;
        'working_set': every working-set subproblem on its Gram block (opt-in; see
        :class:`penalized.ElasticNet`).
    check_input : bool, default=True (see the module docstring).
    warn : bool, default=True, a ConvergenceWarning for alphas not converged.
    return_sparse : bool, default=False
        ``coefs`` as a ``scipy.sparse.csc_matrix`` (n_features, n_alphas), built
        alpha by alpha without allocating the dense array (equal to the dense
        result entry for entry); ``path[k].coef`` is then a dense (n_features,)
        array.
    penalty_factor, lower_bounds, upper_bounds, exclude, standardize, max_features :
        the per-feature options (module docstring; as in :func:`penalized.enet_path`).
    n_threads : int or None, default=1
        OpenMP threads of the full passes over X inside each fit (the outer
        gap checks' correlations): 1 or None the calling thread, k > 1 up to k
        (capped by OpenMP's limit in the calling thread, which
        ``threadpoolctl.threadpool_limits(..., user_api="openmp")`` sets), -1
        that limit; see :class:`penalized.Lasso`.  The same bits for any value.
    offset : (n_samples,) or None
        glmnet's offset for least squares: the path of y - offset (a fixed term of
        the fit; add it back to the predictions).

    Returns
    -------
    PathSolution
    """
    _check_common(l1_ratio, tol, max_iter, fit_intercept)
    if not isinstance(return_sparse, (bool, np.bool_)):
        raise TypeError(f"return_sparse must be a bool, got {return_sparse!r}.")
    resolve_threads(n_threads)
    problem, tgt, features = _least_squares_setup(
        X, y, sample_weight, fit_intercept, precompute, check_input, tol=tol,
        options=(penalty_factor, lower_bounds, upper_bounds, exclude, standardize,
                 bool(positive)), offset=offset)
    max_features = check_max_features(max_features)
    if alphas is None and l1_ratio == 0:
        raise ValueError("l1_ratio=0 (ridge) has no alpha_max; pass explicit alphas.")
    alphas = _check_path_alphas(alphas, n_alphas, eps,
                                lambda: problem.alpha_max(tgt, l1_ratio, positive, features))
    coef_init = _check_coef_init(coef_init, (problem.n_features,))
    work = {}
    coefs, gaps, n_iters, intercepts = solve_path(
        problem, tgt, alphas, l1_ratio=float(l1_ratio), coef_init=coef_init, tol=tol,
        max_iter=max_iter, positive=bool(positive), warn=warn, work=work,
        return_sparse=bool(return_sparse), features=features, max_features=max_features,
        n_threads=n_threads)
    alphas = alphas[:coefs.shape[1]]      # (max_features: the path may stop early)
    gaps, n_iters, intercepts = gaps[:alphas.size], n_iters[:alphas.size], intercepts[:alphas.size]
    target = tol * tgt.yy / problem.n_samples
    work = {k: (_frozen(v) if isinstance(v, np.ndarray) else v) for k, v in work.items()}
    return PathSolution(
        alphas=_frozen(alphas), coefs=_frozen_sparse(coefs) if return_sparse else _frozen(coefs), intercepts=_frozen(intercepts),
        l1_ratio=float(l1_ratio), dual_gaps=_frozen(gaps), gap_target=float(target),
        n_iters=_frozen(n_iters), converged=_frozen(gaps <= target), work=work)


def enet(X, y, alpha, *, l1_ratio, sample_weight=None, fit_intercept=True, tol=1e-4,
         max_iter=1000, coef_init=None, positive=False, precompute="auto",
         check_input=True, warn=True, n_threads=1, **feature_kwargs):
    """Elastic net at one alpha > 0: minimises P(w, b) of the module docstring.

    The same computation as ``penalized.ElasticNet(alpha=alpha,
    l1_ratio=l1_ratio, ...).fit(X, y, sample_weight)`` (identical numbers),
    without the estimator.  Parameters as in :func:`enet_path` (the per-feature
    options by keyword); ``alpha`` is a float > 0.

    Returns
    -------
    Solution
    """
    alpha = _check_alpha(alpha)
    return enet_path(X, y, [alpha], l1_ratio=l1_ratio, sample_weight=sample_weight,
                     fit_intercept=fit_intercept, tol=tol, max_iter=max_iter,
                     coef_init=coef_init, positive=positive, precompute=precompute,
                     check_input=check_input, warn=warn, n_threads=n_threads,
                     **feature_kwargs)[0]


def lasso(X, y, alpha, **kwargs):
    """:func:`enet` with ``l1_ratio=1``: minimises 1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha ||w||_1."""
    return enet(X, y, alpha, l1_ratio=1.0, **kwargs)


def lasso_path(X, y, alphas=None, **kwargs):
    """:func:`enet_path` with ``l1_ratio=1``."""
    return enet_path(X, y, alphas, l1_ratio=1.0, **kwargs)


# ---------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------

def _logistic_setup(X, y, sample_weight, fit_intercept, check_input, offset=None,
                    **options):
    """(problem, classes): labels mapped to -1/+1 (two classes) or one-hot (more);
    ``options``: LogisticProblem's per-feature options and groups."""
    if check_input:
        X = check_X(X)
        y, classes = classification_labels(y, X.shape[0])
    else:
        X = _check_fast_X(X)
        y = _check_fast_y(y, X.shape[0])
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError("y has one class only; logistic regression needs two or more.")
    if classes.size == 2:
        labels = np.where(y == classes[1], 1.0, -1.0)
    else:
        labels = (y[:, None] == classes[None, :]).astype(np.float64)
    sample_weight = check_sample_weight(sample_weight, X.shape[0], np.float64)
    offset = check_offset(offset, X.shape[0], 1 if labels.ndim == 1 else labels.shape[1])
    return LogisticProblem(X, labels, sample_weight, bool(fit_intercept), offset=offset,
                           **options), classes


def logistic_path(X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3, sample_weight=None,
                  fit_intercept=True, tol=1e-4, max_iter=100, coef_init=None,
                  intercept_init=None, check_input=True, warn=True, offset=None,
                  penalty_factor=None, lower_bounds=None, upper_bounds=None, exclude=None,
                  standardize=False, groups=None, group_weights=None, max_features=None,
                  n_threads=1):
    """Penalised logistic regression along a decreasing grid of alphas (warm-started).

    Minimises F(W, b) of the module docstring at every alpha: binomial for two
    classes in y, multinomial (softmax) for more.

    Parameters
    ----------
    X : (n_samples, n_features) array or sparse matrix.
    y : (n_samples,) class labels (any sortable values; at least two classes).
    alphas : array-like of floats > 0, or None
        None: ``n_alphas`` values from alpha_max (smallest alpha with W = 0
        optimal) down to ``eps * alpha_max``.
    l1_ratio : float in [0, 1] (keyword, required).
    sample_weight : (n_samples,) non-negative or None, rescaled to sum to n
        (multiply in class weights before calling).
    fit_intercept : bool, default=True
    tol : float >= 0, default=1e-4: converged when gap <= tol * F(0, b0).
    max_iter : int >= 1, default=100, proximal Newton iterations per alpha.
    coef_init : warm start, (n_features,) for two classes or
        (n_classes, n_features); intercept_init: float or (n_classes,).
    check_input, warn, n_threads : as in :func:`enet_path` (n_threads: the X^T Theta
        passes of the gap checks).
    offset : (n_samples,) for two classes, (n_samples, n_classes) for more, or
        None: a fixed term of eta (glmnet's offset).
    penalty_factor, lower_bounds, upper_bounds, exclude, standardize, groups,
    group_weights, max_features : the per-feature options (module docstring; as in
        :class:`penalized.LogisticRegression` and :func:`penalized.logistic_path`).

    Returns
    -------
    PathSolution (``classes`` set; ``coefs`` float64)
    """
    _check_common(l1_ratio, tol, max_iter, fit_intercept)
    resolve_threads(n_threads)
    problem, classes = _logistic_setup(
        X, y, sample_weight, fit_intercept, check_input, offset=offset,
        penalty_factor=penalty_factor, lower_bounds=lower_bounds, upper_bounds=upper_bounds,
        exclude=exclude, standardize=standardize, groups=groups, group_weights=group_weights)
    p, K = problem.n_features, problem.n_outputs
    alphas, coef_init = _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init,
                                   (p,) if K == 1 else (K, p))
    if coef_init is not None and K > 1:
        coef_init = coef_init.T                      # the solver's (p, K) layout
    intercept_init = _check_coef_init(
        None if intercept_init is None else np.reshape(intercept_init, -1), (K,),
        "intercept_init")
    coefs, intercepts, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=float(l1_ratio), coef_init=coef_init,
        intercept_init=intercept_init, tol=tol, max_iter=max_iter, warn=warn,
        max_features=check_max_features(max_features), n_threads=n_threads)
    alphas = alphas[:gaps.size]
    if K > 1:
        coefs = np.ascontiguousarray(coefs.transpose(1, 0, 2))   # (K, p, n_alphas)
    target = tol * problem.null_loss
    return PathSolution(
        alphas=_frozen(alphas), coefs=_frozen(coefs), intercepts=_frozen(intercepts),
        l1_ratio=float(l1_ratio), dual_gaps=_frozen(gaps), gap_target=float(target),
        n_iters=_frozen(n_iters), converged=_frozen(gaps <= target),
        classes=_frozen(classes))


def logistic(X, y, alpha, *, l1_ratio, sample_weight=None, fit_intercept=True, tol=1e-4,
             max_iter=100, coef_init=None, intercept_init=None, check_input=True, warn=True,
             n_threads=1, **options):
    """Penalised logistic regression at one alpha > 0: minimises F(W, b) (module docstring).

    The same computation as ``penalized.LogisticRegression(alpha=alpha, ...)``
    with the matching penalty (identical numbers) for two classes or the
    multinomial loss.  Parameters as in :func:`logistic_path` (offset and the
    per-feature options by keyword).

    Returns
    -------
    Solution (``coef`` (n_features,) for two classes, (n_classes, n_features)
    for more; ``classes`` set)
    """
    alpha = _check_alpha(alpha)
    return logistic_path(X, y, [alpha], l1_ratio=l1_ratio, sample_weight=sample_weight,
                         fit_intercept=fit_intercept, tol=tol, max_iter=max_iter,
                         coef_init=coef_init, intercept_init=intercept_init,
                         check_input=check_input, warn=warn, n_threads=n_threads,
                         **options)[0]


# ---------------------------------------------------------------------------
# Poisson and Gamma (log link)
# ---------------------------------------------------------------------------

def _log_link_path(family, X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3,
                   sample_weight=None, offset=None, fit_intercept=True, tol=1e-4, max_iter=100,
                   coef_init=None, intercept_init=None, check_input=True, warn=True,
                   penalty_factor=None, lower_bounds=None, upper_bounds=None, exclude=None,
                   standardize=False, groups=None, group_weights=None, max_features=None):
    _check_common(l1_ratio, tol, max_iter, fit_intercept)
    if check_input:
        X = check_X(X)
    else:
        X = _check_fast_X(X)
    n = X.shape[0]
    sample_weight = check_sample_weight(sample_weight, n, np.float64)
    y = check_response(family, y, n, sample_weight)
    offset = check_offset(offset, n, 1)
    problem = LogLinkProblem(family, X, y, sample_weight, bool(fit_intercept), offset=offset,
                             penalty_factor=penalty_factor, lower_bounds=lower_bounds,
                             upper_bounds=upper_bounds, exclude=exclude,
                             standardize=standardize, groups=groups,
                             group_weights=group_weights)
    alphas, coef_init = _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init)
    intercept_init = _check_coef_init(
        None if intercept_init is None else np.reshape(intercept_init, -1), (1,),
        "intercept_init")
    coefs, intercepts, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=float(l1_ratio), coef_init=coef_init,
        intercept_init=intercept_init, tol=tol, max_iter=max_iter, warn=warn,
        max_features=check_max_features(max_features))
    alphas = alphas[:gaps.size]
    target = tol * problem.tol_reference
    return PathSolution(
        alphas=_frozen(alphas), coefs=_frozen(np.asarray(coefs, dtype=np.float64)),
        intercepts=_frozen(intercepts), l1_ratio=float(l1_ratio), dual_gaps=_frozen(gaps),
        gap_target=float(target), n_iters=_frozen(n_iters),
        converged=_frozen(gaps <= target))


_LOG_LINK_PATH_DOC = """Penalised {Family} regression (log link) along a decreasing grid of
    alphas, warm-started: minimises F(w, b) of the module docstring at every alpha.

    ``{name}(X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3, sample_weight=None,
    offset=None, fit_intercept=True, tol=1e-4, max_iter=100, coef_init=None,
    intercept_init=None, check_input=True, warn=True, penalty_factor=None,
    lower_bounds=None, upper_bounds=None, exclude=None, standardize=False, groups=None,
    group_weights=None, max_features=None)``

    Parameters
    ----------
    X : (n_samples, n_features) array or sparse matrix.
    y : (n_samples,) {domain}.
    alphas, l1_ratio, n_alphas, eps, sample_weight, fit_intercept, check_input, warn :
        as in :func:`logistic_path`.
    offset : (n_samples,) or None, a fixed term of eta (e.g. log(exposure)).
    tol : float >= 0, default=1e-4: converged when gap <= tol * D0 (module docstring).
    max_iter : int >= 1, default=100, proximal Newton iterations per alpha.
    coef_init : (n_features,) or None; intercept_init: float or None.
    penalty_factor, lower_bounds, upper_bounds, exclude, standardize, groups,
    group_weights, max_features : the per-feature options (module docstring; as in
        :class:`penalized.{Family}Regression`).

    Returns
    -------
    PathSolution (``coefs`` float64, (n_features, n_alphas))
    """


def poisson_path(X, y, alphas=None, **kwargs):
    return _log_link_path("poisson", X, y, alphas, **kwargs)


def gamma_path(X, y, alphas=None, **kwargs):
    return _log_link_path("gamma", X, y, alphas, **kwargs)


poisson_path.__doc__ = _LOG_LINK_PATH_DOC.format(Family="Poisson", name="poisson_path",
                                                 domain="counts >= 0, not all 0")
gamma_path.__doc__ = _LOG_LINK_PATH_DOC.format(Family="Gamma", name="gamma_path",
                                               domain="values > 0")


def poisson(X, y, alpha, **kwargs):
    """Penalised Poisson regression at one alpha > 0 (the computation of
    ``penalized.PoissonRegression``); parameters as in :func:`poisson_path`.
    Returns a :class:`Solution`."""
    return poisson_path(X, y, [_check_alpha(alpha)], **kwargs)[0]


def gamma(X, y, alpha, **kwargs):
    """Penalised Gamma regression at one alpha > 0 (the computation of
    ``penalized.GammaRegression``); parameters as in :func:`gamma_path`.
    Returns a :class:`Solution`."""
    return gamma_path(X, y, [_check_alpha(alpha)], **kwargs)[0]


def cox_path(X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3, ties="breslow",
             sample_weight=None, offset=None, strata=None, tol=1e-4, max_iter=1000,
             coef_init=None, check_input=True, warn=True, penalty_factor=None,
             lower_bounds=None, upper_bounds=None, exclude=None, standardize=False,
             groups=None, group_weights=None, max_features=None):
    """Penalised Cox regression along a decreasing grid of alphas, warm-started:
    minimises F(w) of the module docstring at every alpha.

    ``y``: scikit-survival's structured (event, time) array or (n, 2) (time, event)
    columns; ``ties`` 'breslow' or 'efron'; ``strata`` (n_samples,) labels or None;
    ``offset`` (n_samples,) or None.  Other parameters as in :func:`poisson_path`
    (``max_iter`` 1000: the diagonal Newton model converges linearly; penalty
    factors and group weights 0 leave their features unpenalized, as in
    :class:`penalized.CoxRegression`).

    Returns
    -------
    PathSolution (``coefs`` float64 (n_features, n_alphas); ``intercepts`` 0)
    """
    _check_common(l1_ratio, tol, max_iter, True)
    if ties not in ("breslow", "efron"):
        raise ValueError(f"ties must be 'breslow' or 'efron', got {ties!r}.")
    X = check_X(X) if check_input else _check_fast_X(X)
    n = X.shape[0]
    time, event = check_survival(y, n)
    sample_weight = check_sample_weight(sample_weight, n, np.float64)
    offset = check_offset(offset, n, 1)
    problem = CoxProblem(X, time, event, sample_weight, check_strata(strata, n), ties,
                         offset=offset, penalty_factor=penalty_factor,
                         lower_bounds=lower_bounds, upper_bounds=upper_bounds,
                         exclude=exclude, standardize=standardize, groups=groups,
                         group_weights=group_weights)
    alphas, coef_init = _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init)
    coefs, _, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=float(l1_ratio), coef_init=coef_init, tol=tol,
        max_iter=max_iter, warn=warn, max_features=check_max_features(max_features))
    alphas = alphas[:gaps.size]
    target = tol * problem.tol_reference
    return PathSolution(
        alphas=_frozen(alphas), coefs=_frozen(np.asarray(coefs, dtype=np.float64)),
        intercepts=_frozen(np.zeros(alphas.size)), l1_ratio=float(l1_ratio),
        dual_gaps=_frozen(gaps), gap_target=float(target), n_iters=_frozen(n_iters),
        converged=_frozen(gaps <= target))


def cox(X, y, alpha, **kwargs):
    """Penalised Cox regression at one alpha > 0 (the computation of
    ``penalized.CoxRegression``); parameters as in :func:`cox_path`.  Returns a
    :class:`Solution` (``intercept`` 0)."""
    return cox_path(X, y, [_check_alpha(alpha)], **kwargs)[0]


# ---------------------------------------------------------------------------
# Group Lasso / group elastic net
# ---------------------------------------------------------------------------

def group_enet_path(X, y, alphas=None, *, groups, l1_ratio, group_weights=None,
                    n_alphas=100, eps=1e-3, sample_weight=None, fit_intercept=True,
                    tol=1e-8, max_iter=10_000, coef_init=None, check_input=True, warn=True,
                    exclude=None, max_features=None, dfmax=None, offset=None, n_threads=1):
    """Group elastic-net solutions along a decreasing grid of alphas (warm-started).

    Minimises, with sample weights s rescaled to sum to n::

        P(w, b) = 1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
                  + alpha * l1_ratio * sum_g omega_g ||w_g||_2 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    over the groups of ``groups`` (see :class:`penalized.GroupElasticNet`:
    an int group size, one label per feature, or lists of feature indices),
    omega_g = ``group_weights`` (default sqrt(group size)).  Converged means
    ``gap <= tol * sum_i s_i (y_i - ybar)^2 / n`` as for :func:`enet_path`.

    Parameters
    ----------
    X, y, sample_weight, fit_intercept, tol, max_iter, coef_init, check_input, warn :
        as in :func:`enet_path`.
    alphas : array-like of floats > 0, or None
        None: ``n_alphas`` values from alpha_max = max_g ||X_c,g^T S y_c|| /
        (n omega_g l1_ratio) (every group zero) down to ``eps * alpha_max``.
    groups, group_weights : the groups and their weights (omega_g >= 0; 0 leaves a
        group unpenalized, as :class:`penalized.GroupLasso`'s ``group_weights``).
    exclude : group indices kept at 0 (as :class:`penalized.GroupLasso`'s), or None.
    l1_ratio : float in (0, 1] (keyword, required; 1 is the group Lasso).
    max_features, dfmax : int or None
        glmnet's pmax / dfmax over features (grpreg's dfmax: the columns of the
        non-zero groups): the path stops before the first alpha at which more than
        ``max_features`` features have been non-zero so far, or more than ``dfmax``
        are non-zero now (the path may then hold fewer alphas).
    offset : (n_samples,) or None
        glmnet's offset: the path of y - offset (a fixed term of the fit).
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes (the same bits for any
        count), as in :class:`penalized.GroupElasticNet`.

    Returns
    -------
    PathSolution (``active_set(k)`` lists the features of the non-zero groups)
    """
    _check_common(l1_ratio, tol, max_iter, fit_intercept)
    resolve_threads(n_threads)
    max_features = check_max_features(max_features)
    dfmax = check_max_features(dfmax, "dfmax")
    X, y, sample_weight = _regression_arrays(X, y, sample_weight, check_input)
    y = offset_target(y, offset)
    grouping = check_groups(groups, X.shape[1], group_weights, allow_zero=True,
                            exclude=exclude)
    problem = MultiTaskProblem(X, np.asfortranarray(np.asarray(y).reshape(-1, 1)),
                               sample_weight, bool(fit_intercept), grouping=grouping)
    alphas, coef_init = _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init)
    return _block_path_solution(problem, alphas, l1_ratio, coef_init, tol, max_iter, warn,
                                max_features, dfmax, single_task=True, n_threads=n_threads)


def group_enet(X, y, alpha, *, groups, l1_ratio, group_weights=None, tol=1e-4,
               max_iter=1000, **kwargs):
    """Group elastic net at one alpha > 0 (see :func:`group_enet_path`; the single
    fits' defaults tol=1e-4, max_iter=1000); the same numbers as
    ``penalized.GroupElasticNet(...).fit``.

    Returns
    -------
    Solution
    """
    alpha = _check_alpha(alpha)
    return group_enet_path(X, y, [alpha], groups=groups, l1_ratio=l1_ratio,
                           group_weights=group_weights, tol=tol, max_iter=max_iter,
                           **kwargs)[0]


def group_lasso(X, y, alpha, *, groups, group_weights=None, **kwargs):
    """:func:`group_enet` with ``l1_ratio=1``: minimises
    1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha sum_g omega_g ||w_g||_2."""
    return group_enet(X, y, alpha, groups=groups, l1_ratio=1.0,
                      group_weights=group_weights, **kwargs)


# ---------------------------------------------------------------------------
# Multi-task elastic net
# ---------------------------------------------------------------------------

def multitask_enet_path(X, y, alphas=None, *, l1_ratio, n_alphas=100, eps=1e-3,
                        sample_weight=None, fit_intercept=True, tol=1e-8, max_iter=10_000,
                        coef_init=None, check_input=True, warn=True, penalty_factor=None,
                        exclude=None, standardize=False, lower_bounds=None,
                        upper_bounds=None, max_features=None, dfmax=None, offset=None,
                        n_threads=1):
    """Multi-task elastic-net solutions along a decreasing grid of alphas (warm-started).

    Minimises P(W, b) of the module docstring (multi-task) at every alpha: the
    computation of :class:`penalized.MultiTaskElasticNet` /
    :func:`penalized.multitask_enet_path`.

    Parameters
    ----------
    X, sample_weight, fit_intercept, tol, max_iter, check_input, warn :
        as in :func:`enet_path`.
    y : (n_samples, n_tasks) array (with ``check_input=False``: 2-D, X's dtype).
    alphas : array-like of floats > 0, or None
        None: ``n_alphas`` values from alpha_max = max_j ||X_c,j^T S R_0|| /
        (n l1_ratio pf_j sd_j) (every penalized row zero; R_0 the residual of the
        unpenalized rows' least-squares fit) down to ``eps * alpha_max``.
    l1_ratio : float in [0, 1] (keyword, required; 0 needs explicit alphas).
    coef_init : (n_tasks, n_features) or None.
    penalty_factor, exclude, standardize : as in :class:`penalized.MultiTaskElasticNet`.
    max_features, dfmax : glmnet's pmax / dfmax over features (rows of W), as in
        :func:`enet_path` (the path may then hold fewer alphas).
    lower_bounds, upper_bounds : not supported for multi-task models (ValueError
        when not None; a box on a row's entries is not a block penalty).
    offset : (n_samples, n_tasks) or None
        glmnet's mgaussian offset: the path of Y - offset (a fixed term of the fit;
        add it back to the predictions).
    n_threads : int or None, default=1
        OpenMP threads of the gap checks' correlation passes (the same bits for any
        count), as in :class:`penalized.MultiTaskElasticNet`.

    Returns
    -------
    PathSolution (``coefs`` (n_tasks, n_features, n_alphas), ``intercepts``
    (n_tasks, n_alphas); ``active_set(k)`` the features with a non-zero row)
    """
    _check_common(l1_ratio, tol, max_iter, fit_intercept)
    resolve_threads(n_threads)
    max_features = check_max_features(max_features)
    dfmax = check_max_features(dfmax, "dfmax")
    if check_input:
        X = check_X(X)
        y = check_Y(y, X.shape[0], X.dtype)
    else:
        X = _check_fast_X(X)
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]}, n_tasks), got {y.shape}.")
        y = np.asfortranarray(y, dtype=X.dtype)
    sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
    y = offset_target(y, offset)
    options = multitask_options(X.shape[1], penalty_factor, exclude, standardize,
                                lower_bounds, upper_bounds)
    problem = MultiTaskProblem(X, y, sample_weight, bool(fit_intercept), features=options)
    alphas, coef_init = _path_grid(problem, alphas, l1_ratio, n_alphas, eps, coef_init,
                                   shape=(problem.n_tasks, X.shape[1]))
    return _block_path_solution(problem, alphas, l1_ratio, coef_init, tol, max_iter, warn,
                                max_features, dfmax, n_threads=n_threads)


def multitask_enet(X, y, alpha, *, l1_ratio, tol=1e-4, max_iter=1000, **kwargs):
    """Multi-task elastic net at one alpha > 0 (see :func:`multitask_enet_path`; the
    single fits' defaults tol=1e-4, max_iter=1000); the same numbers as
    ``penalized.MultiTaskElasticNet(...).fit``.

    Returns
    -------
    Solution (``coef`` (n_tasks, n_features), ``intercept`` (n_tasks,))
    """
    alpha = _check_alpha(alpha)
    return multitask_enet_path(X, y, [alpha], l1_ratio=l1_ratio, tol=tol, max_iter=max_iter,
                               **kwargs)[0]


def multitask_lasso(X, y, alpha, **kwargs):
    """:func:`multitask_enet` with ``l1_ratio=1``: minimises 1/(2n) sum_i s_i
    ||Y_i - x_i W - b||^2 + alpha sum_j pf_j sd_j ||W_j||_2."""
    return multitask_enet(X, y, alpha, l1_ratio=1.0, **kwargs)
