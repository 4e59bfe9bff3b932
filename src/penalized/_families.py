"""Penalised Poisson and Gamma regression (log link) on the native GLM engine.

Objective, for sample weights s rescaled to sum to n and eta = X w + b + offset::

    F(w, b) = 1/n * sum_i s_i f_i(eta_i)
              + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    Poisson:  f_i(eta) = exp(eta) - y_i eta          (y_i >= 0, counts or rates)
    Gamma:    f_i(eta) = y_i exp(-eta) + eta         (y_i > 0)

the same mean-loss scaling as every model of the project (so alpha means the
same thing across families).  f_i minus its minimum over eta is half the unit
deviance, so F equals 1/(2n) * deviance + penalty up to a constant: the
objective of scikit-learn's PoissonRegressor / GammaRegressor for pure L2
(same alpha) and of glum's GeneralizedLinearRegressor (same alpha, l1_ratio).
The intercept is not penalised; ``offset`` (e.g. log(exposure)) is a fixed
term of eta.

The solve is the one native proximal Newton driver of the logistic models
(``_native/glm.pxi``, loss kinds LOSS_POISSON and LOSS_GAMMA; the solver
evaluates the deviance form f_i - min f_i).  Certificate: a duality gap.  The
conjugates are generalised entropies (docs/design.rst): with the dual point
Theta = -d/d eta sum_i s_i f_i, theta_i = s_i (y_i - mu_i) (Poisson) or
s_i (y_i / mu_i - 1) (Gamma), scaled by one factor so that sum_i theta_i = 0
with an intercept.  The dual is not strongly concave everywhere (its curvature
is 1 / mu), so gap-safe screening is off for these families; the strong rule
and the full gap check over every feature still run.  ``tol`` bounds the gap
relative to the intercept-only half deviance F(0, b0) - F_saturated
(``tol_reference``).
"""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from ._alphas import cv_alphas, is_count, path_alphas
from ._core import log_link_solve, resolve_threads
from ._dask import fit_dask_glm, is_dask_array
from ._enet import alpha_grid
from ._features import check_max_features
from ._logistic import LogisticProblem, solve_logistic_path
from ._progress import path_progress
from ._validation import (
    check_1d_float,
    check_choice,
    check_init,
    check_sample_weight,
    check_scalar_param,
    check_X,
    check_y,
    validate_X,
)
from .linear_model import (SparseInputMixin, check_offset, check_return_sparse,
                           keeps_state_on_error, logistic_l1_ratio)
from .model_selection import (CVRouterMixin, check_fold_weights, cv_folds, fold_rows,
                              glm_path_length, one_standard_error_index, reject_unrouted,
                              store_full_path)

__all__ = ["GammaRegression", "GammaRegressionCV", "PoissonRegression",
           "PoissonRegressionCV", "gamma_path", "half_deviance", "poisson_path"]

_FAMILIES = ("poisson", "gamma")


def _xlogx(a):
    return np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0)


def half_deviance(family, y, eta):
    """Half the unit deviance at the linear predictor eta, per sample (>= 0).

    Poisson: exp(eta) - y eta - (y - y log y); Gamma: y exp(-eta) + eta - (1 + log y).
    """
    y = np.asarray(y, dtype=np.float64)
    eta = np.asarray(eta, dtype=np.float64)
    if family == "poisson":
        return np.exp(eta) - y * eta - (y - _xlogx(y))
    return y * np.exp(-eta) + eta - (1.0 + np.log(y))


class LogLinkLoss:
    """f_i(eta) - min f_i (half the unit deviance) of a log-link family; K = 1.

    The Python layer's part: value, gradient, intercept-only fit; the Newton
    model, dual point and conjugate are native (``_native/glm.pxi``).
    """

    n_outputs = 1
    native_kkt = True       # its native solve can form the result's KKT violation

    def __init__(self, family, y, s):
        self.family = family
        self.y = np.ascontiguousarray(y, dtype=np.float64)
        self.s = s
        # min over eta of f_i: Poisson y - y log y (at eta = log y), Gamma 1 + log y
        self.sat = np.ascontiguousarray(
            self.y - _xlogx(self.y) if family == "poisson" else 1.0 + np.log(self.y))

    def value(self, E):
        """sum_i s_i (f_i(eta_i) - min f_i) (n F units)."""
        return float(self.s @ half_deviance(self.family, self.y, E[:, 0]))

    def neg_gradient(self, E):
        """Theta = s (y - mu) (Poisson) or s (y / mu - 1) (Gamma), as (n, 1)."""
        eta = E[:, 0]
        if self.family == "poisson":
            return (self.s * (self.y - np.exp(eta)))[:, None]
        return (self.s * (self.y * np.exp(-eta) - 1.0))[:, None]

    def native_solve(self, design, w, b, eta, s, L1, L2, tol_abs, **options):
        return log_link_solve(design, w, b, eta, self.y, s, self.sat, self.family, L1, L2,
                              tol_abs, **options)

    def null_intercept(self, fit_intercept, offset=None):
        """argmin_b sum_i s_i f_i(b + offset_i), in closed form: Poisson
        log(sum s y / sum s exp(o)), Gamma log(sum s y exp(-o) / sum s)."""
        if not fit_intercept:
            return np.zeros(1)
        o = np.zeros_like(self.y) if offset is None else offset[:, 0]
        if self.family == "poisson":
            return np.array([np.log(self.s @ self.y) - np.log(self.s @ np.exp(o))])
        return np.array([np.log(self.s @ (self.y * np.exp(-o))) - np.log(self.s.sum())])


class LogLinkProblem(LogisticProblem):
    """X, the response and weights of a Poisson or Gamma problem, prepared once.

    As :class:`penalized._logistic.LogisticProblem` (same options: factors,
    exclude, standardize, offset (n, 1)); ``y`` the validated response.
    ``tol_reference`` is the intercept-only half deviance per sample (1.0 if
    it is 0: a constant y).
    """

    def __init__(self, family, X, y, sample_weight=None, fit_intercept=True, design=None,
                 penalty_factor=None, exclude=None, standardize=False, offset=None,
                 groups=None, group_weights=None, lower_bounds=None, upper_bounds=None):
        self.family = family
        self.model_name = f"{family.capitalize()} regression"
        self.tol_meaning = "tol * intercept-only half deviance"
        super().__init__(X, y, sample_weight, fit_intercept, design=design,
                         penalty_factor=penalty_factor, exclude=exclude,
                         standardize=standardize, offset=offset, groups=groups,
                         group_weights=group_weights, lower_bounds=lower_bounds,
                         upper_bounds=upper_bounds)
        if not self.null_loss > 0:
            self.tol_reference = 1.0

    def make_loss(self, y, s):
        return LogLinkLoss(self.family, y, s)

    def _null_intercept_with_offset(self, b):
        return self.loss.null_intercept(self.fit_intercept, self.offset)


def check_response(family, y, n_samples, sample_weight=None):
    """The response of a Poisson (finite, >= 0, not all 0) or Gamma (finite, > 0)
    model as float64; errors name ``y``."""
    y = check_y(y, n_samples, np.float64)
    if family == "poisson":
        if np.any(y < 0):
            raise ValueError("y must be non-negative for Poisson regression; "
                             f"found min(y) = {y.min():.4g}.")
        pos = y > 0 if sample_weight is None else (y > 0) & (np.asarray(sample_weight) > 0)
        if not np.any(pos):
            raise ValueError("y is zero for every sample (with positive weight): the "
                             "Poisson likelihood has no finite maximiser.")
    elif np.any(y <= 0):
        raise ValueError("y must be strictly positive for Gamma regression; "
                         f"found min(y) = {y.min():.4g}.")
    return np.ascontiguousarray(y, dtype=np.float64)


def _family_path(family, X, y, *, l1_ratio=1.0, eps=1e-3, alphas="warn", n_alphas="deprecated",
                 fit_intercept=True, sample_weight=None, offset=None, tol=1e-4, max_iter=100,
                 coef_init=None, return_n_iter=False, verbose=False, penalty_factor=None,
                 exclude=None, standardize=False, groups=None, group_weights=None,
                 lower_bounds=None, upper_bounds=None, max_features=None, dfmax=None,
                 n_threads=1, return_sparse=False):
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    resolve_threads(n_threads)
    return_sparse = check_return_sparse(return_sparse)
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    X = check_X(X)
    n = X.shape[0]
    raw_sw = None if sample_weight is None else check_1d_float(sample_weight, "sample_weight")
    sw = check_sample_weight(raw_sw, n, np.float64)
    y = check_response(family, y, n, sw)
    offset = check_offset(offset, n, 1)
    problem = LogLinkProblem(family, X, y, sw, fit_intercept, penalty_factor=penalty_factor,
                             exclude=exclude, standardize=standardize, offset=offset,
                             groups=groups, group_weights=group_weights,
                             lower_bounds=lower_bounds, upper_bounds=upper_bounds)
    alphas = path_alphas(alphas, n_alphas)
    if is_count(alphas):
        check_scalar_param(eps, "eps", low=0, high=1, low_inclusive=False)
        alphas = alpha_grid(problem.alpha_max(l1_ratio), alphas, eps)
    coef_init = check_init(coef_init, (X.shape[1],), "coef_init")
    coefs, intercepts, gaps, n_iters = solve_logistic_path(
        problem, alphas, l1_ratio=l1_ratio, coef_init=coef_init, tol=tol, max_iter=max_iter,
        callback=path_progress(verbose, f"{family}_path"),
        max_features=check_max_features(max_features), dfmax=check_max_features(dfmax, "dfmax"),
        n_threads=n_threads, return_sparse=return_sparse)
    alphas = alphas[:gaps.size]
    if return_n_iter:
        return alphas, coefs, intercepts, gaps, n_iters
    return alphas, coefs, intercepts, gaps


_PATH_DOC = """Penalised {Family} regression (log link) along a decreasing grid of alphas.

    Minimises, for each alpha, with sample weights s rescaled to sum to n and
    eta = X w + b + offset::

        1/n * sum_i s_i ({loss})
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    ({domain}).  Warm-started native proximal Newton, certified by a duality
    gap (see :class:`{Family}Regression`).  ``alphas`` / ``n_alphas`` / ``eps``
    as in :func:`penalized.enet_path` (an int: the number of alphas of the
    automatic grid from alpha_max, the smallest alpha with w = 0, down to eps *
    alpha_max; an array: the grid).  ``penalty_factor``, ``exclude``,
    ``standardize``, ``lower_bounds`` / ``upper_bounds``, ``offset`` (n_samples,),
    ``groups`` / ``group_weights`` (the L1 part becomes alpha * l1_ratio * sum_g
    omega_g ||w_g||_2) as in :class:`{Family}Regression`; ``max_features`` /
    ``dfmax`` (glmnet's pmax / dfmax) as in :func:`penalized.enet_path` (the
    returned alphas may then be fewer); ``n_threads``: OpenMP threads of the full
    X^T Theta passes inside each fit, as in :class:`{Family}Regression`;
    ``return_sparse`` (bool, default False): ``coefs`` as a ``scipy.sparse.csc_matrix``,
    as in :func:`penalized.enet_path`.

    Returns
    -------
    alphas : ndarray (n_alphas,)
    coefs : ndarray (n_features, n_alphas), or csc_matrix with ``return_sparse``
    intercepts : ndarray (n_alphas,)
    dual_gaps : ndarray (n_alphas,), in the objective's 1/n scaling.
    n_iters : ndarray (n_alphas,), Newton iterations, only if ``return_n_iter``.
    """


def poisson_path(X, y, **kwargs):
    return _family_path("poisson", X, y, **kwargs)


def gamma_path(X, y, **kwargs):
    return _family_path("gamma", X, y, **kwargs)


poisson_path.__doc__ = _PATH_DOC.format(Family="Poisson", loss="exp(eta_i) - y_i eta_i",
                                        domain="y_i >= 0, not all 0")
gamma_path.__doc__ = _PATH_DOC.format(Family="Gamma", loss="y_i exp(-eta_i) + eta_i",
                                      domain="y_i > 0")



class _LogLinkRegression(SparseInputMixin, RegressorMixin, BaseEstimator):
    _family = None

    def __init__(self, penalty="l2", *, alpha=1.0, l1_ratio=None, fit_intercept=True,
                 tol=1e-4, max_iter=100, warm_start=False, penalty_factor=None,
                 exclude=None, standardize=False, groups=None, group_weights=None,
                 lower_bounds=None, upper_bounds=None, n_threads=1):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.groups = groups
        self.group_weights = group_weights
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.n_threads = n_threads

    def _l1_ratio(self):
        return logistic_l1_ratio(self.penalty, self.l1_ratio,
                                 choices=("l1", "l2", "elasticnet"))

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples,), optional
            A fixed term of the linear predictor (log(exposure) for rates).

        A ``dask.array`` X is fitted on its row chunks where they live (the Dask
        GLM mode, :func:`penalized.dask.fit_glm`).
        """
        if is_dask_array(X):
            return fit_dask_glm(self, self._family, X, y, sample_weight, offset)
        self.__dict__.pop("n_passes_", None)    # a Dask fit's, stale after this one
        family = self._family
        l1_ratio = self._l1_ratio()
        if self.groups is not None and self.penalty not in ("l1", "elasticnet"):
            raise ValueError("groups= replaces the L1 norm by the group norm: it needs "
                             f"penalty='l1' or 'elasticnet', got penalty={self.penalty!r}.")
        alpha = check_scalar_param(self.alpha, "alpha", low=0)
        check_scalar_param(self.tol, "tol", low=0)
        check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        resolve_threads(self.n_threads)
        X = validate_X(self, X, reset=True)
        n, p = X.shape
        raw_sw = None if sample_weight is None else check_1d_float(sample_weight,
                                                                   "sample_weight")
        sw = check_sample_weight(raw_sw, n, np.float64)
        y = check_response(family, y, n, sw)
        offset = check_offset(offset, n, 1)
        problem = LogLinkProblem(family, X, y, sw, self.fit_intercept,
                                 penalty_factor=self.penalty_factor, exclude=self.exclude,
                                 standardize=self.standardize, offset=offset,
                                 groups=self.groups, group_weights=self.group_weights,
                                 lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds)
        prev = getattr(self, "coef_", None) if self.warm_start else None
        if prev is not None and np.shape(prev) != (p,):
            prev = None
        c, b, g, it, E = solve_logistic_path(
            problem, [alpha], l1_ratio=l1_ratio, tol=self.tol, max_iter=self.max_iter,
            coef_init=prev, intercept_init=None if prev is None else [self.intercept_],
            return_eta=True, n_threads=self.n_threads, want_kkt=True)
        w = np.asarray(c[:, 0], dtype=np.float64)
        kkt = problem.result_kkt        # the native solve's value, else a pass over X
        if c.dtype != np.float64:   # the returned coefficients were rounded
            E = problem.linear(w) + b[0]
            if offset is not None:
                E = E + offset
            kkt = problem.kkt_violation
        self.coef_ = w
        self.intercept_ = float(b[0])
        self.alpha_ = alpha
        self.dual_gap_ = float(g[0])
        self.kkt_violation_ = kkt(E, w[:, None], alpha * l1_ratio, alpha * (1 - l1_ratio))
        self.n_iter_ = int(it[0])
        return self

    def linear_predictor(self, X, offset=None):
        """eta = X @ coef_ + intercept_ (+ offset)."""
        check_is_fitted(self)
        X = validate_X(self, X, accept_sparse=["csr", "csc", "coo"], reset=False, order=None)
        eta = np.asarray(X @ self.coef_, dtype=np.float64).reshape(-1) + self.intercept_
        if offset is not None:
            eta = eta + check_offset(offset, X.shape[0], 1)[:, 0]
        return eta

    def predict(self, X, offset=None):
        """The predicted mean exp(eta)."""
        return np.exp(self.linear_predictor(X, offset))

    def score(self, X, y, sample_weight=None, offset=None):
        """D^2, the fraction of deviance explained: 1 - dev(y, mu) / dev(y, ybar),
        ybar the weighted mean of y (as scikit-learn's PoissonRegressor.score)."""
        eta = self.linear_predictor(X, offset)
        y = check_response(self._family, y, eta.shape[0], sample_weight)
        s = check_sample_weight(sample_weight, eta.shape[0], np.float64)
        s = np.ones_like(y) if s is None else s
        dev = s @ half_deviance(self._family, y, eta)
        null_eta = np.full_like(y, np.log(np.average(y, weights=s)))
        null = s @ half_deviance(self._family, y, null_eta)
        return float(1.0 - dev / null) if null > 0 else (1.0 if dev == 0 else -np.inf)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


_ESTIMATOR_DOC = """{Family} regression (log link) with L1, L2 or elastic-net penalty, certified
    by a duality gap.

    Minimises, with sample weights s rescaled to sum to n and eta = X w + b + offset::

        1/n * sum_i s_i ({loss})
            + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    ({domain}); the loss differs from half the mean unit deviance
    1/(2n) sum_i s_i d(y_i, exp(eta_i)) by a constant, so with ``penalty='l2'``
    this is scikit-learn's :class:`sklearn.linear_model.{Family}Regressor`
    with the same ``alpha``, and for every penalty glum's
    ``GeneralizedLinearRegressor(family='{family}')`` with the same ``alpha``
    and ``l1_ratio``.  The intercept is not penalised.  With glmnet's
    per-feature options, pf the rescaled ``penalty_factor`` (sum p) and sd_j
    the weighted standard deviation of column j with ``standardize=True``
    (else 1), the penalty is alpha * sum_j pf_j (l1_ratio sd_j |w_j| +
    (1 - l1_ratio)/2 sd_j^2 w_j^2), w_j = 0 for j in ``exclude``.

    Solved natively by proximal Newton (the model of each step a weighted
    least-squares elastic net on the core of :class:`Lasso`, with the observed
    curvature and an Armijo line search whose steps move no eta_i by more than
    20), inside outer working sets with the strong rule.  Certificate: the
    duality gap of the Fenchel dual (its conjugate the generalised entropy
    {conj}; derivation in the design notes).  Gap-safe screening is off: this
    dual is not strongly concave on the whole domain.

    Parameters
    ----------
    penalty : {{'l1', 'l2', 'elasticnet'}}, default='l2'
    alpha : float >= 0, default=1.0
        Penalty strength in the scaling above.
    l1_ratio : float in [0, 1] or None, required for penalty='elasticnet'.
    fit_intercept : bool, default=True
    tol : float, default=1e-4
        Stop when the duality gap is <= tol * (F(0, b0) - F_sat), the half
        mean deviance of the intercept-only model (1.0 if that is 0).
    max_iter : int, default=100, Newton iterations.
    warm_start : bool, default=False
    penalty_factor : float or array of shape (n_features,), default=None
        glmnet's penalty.factor pf_j >= 0 (rescaled to sum to n_features);
        pf_j = 0 leaves feature j unpenalized (no finite limits on it; the
        certificate stays a duality gap, alpha_max is taken after fitting the
        unpenalized features).
    exclude : array of int, default=None
        Features that never enter the model (coefficient 0).
    standardize : bool, default=False
        Penalize the coefficients of the columns scaled to unit weighted
        standard deviation (glmnet's default); ``coef_`` on the original scale.
    groups, group_weights : default=None
        User-defined groups of features, as in :class:`penalized.GroupLasso`:
        the L1 part becomes ``alpha * l1_ratio * sum_g omega_g ||w_g||_2``
        (penalty 'l1' or 'elasticnet'; not with penalty_factor or standardize;
        ``exclude`` then lists whole groups, kept at 0).
        A weight omega_g = 0 leaves group g unpenalized (no group norm, no
        ridge term; fitted at every alpha).
    lower_bounds, upper_bounds : float or array of shape (n_features,), default=None
        glmnet's lower.limits / upper.limits: lower_j <= w_j <= upper_j on the
        original scale (lower <= 0 <= upper; infinite allowed).
        Not with ``groups``.  The certificate stays a
        duality gap (the penalty's conjugate is finite on a bounded side).
    n_threads : int or None, default=1
        OpenMP threads for the full passes over X inside this one fit (the
        products x_j^T Theta of the outer duality-gap checks; not with
        ``groups``), with the conventions of :class:`LogisticRegression`'s
        ``n_threads`` (1 or None: the calling thread; -1: OpenMP's limit).
        The results have the same bits for any value.

    ``fit(X, y, sample_weight=None, offset=None)``: ``offset`` (n_samples,) a
    fixed term of eta, e.g. log(exposure); pass it to ``predict`` too.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
    intercept_ : float
    alpha_ : float, the alpha used
    dual_gap_ : float, the duality gap reached (the objective's 1/n scaling)
    kkt_violation_ : float, largest violation of the optimality conditions
        (recomputed in numpy from the returned coefficients)
    n_iter_ : int, Newton iterations
    n_features_in_, feature_names_in_
    """


class PoissonRegression(_LogLinkRegression):
    _family = "poisson"


class GammaRegression(_LogLinkRegression):
    _family = "gamma"


PoissonRegression.__doc__ = _ESTIMATOR_DOC.format(
    Family="Poisson", family="poisson", loss="exp(eta_i) - y_i eta_i",
    domain="y_i >= 0, not all 0", conj="B log B - B, B = y - theta / s")
GammaRegression.__doc__ = _ESTIMATOR_DOC.format(
    Family="Gamma", family="gamma", loss="y_i exp(-eta_i) + eta_i",
    domain="y_i > 0", conj="B log(B / y) - B, B = 1 + theta / s")


# ---------------------------------------------------------------------------
# Cross-validation
# ---------------------------------------------------------------------------

def _fold_deviance(family, X, y, sw, offset, train, test, alphas, l1_ratio, options,
                   fit_intercept, tol, max_iter, n_threads=1):
    """The path on the training rows, and the weighted mean (unit) deviance of every alpha
    on the test rows: (deviances (n_alphas,), non-zeros (n_alphas,))."""
    Xtr = check_X(fold_rows(X, train))
    sw_tr = None if sw is None else check_sample_weight(sw[train], len(train), np.float64)
    o_tr = None if offset is None else np.ascontiguousarray(offset[train])
    problem = LogLinkProblem(family, Xtr, y[train], sw_tr, fit_intercept, offset=o_tr,
                             **options)
    coefs, intercepts, _, _ = solve_logistic_path(problem, alphas, l1_ratio=l1_ratio, tol=tol,
                                                  max_iter=max_iter, warn=False,
                                                  n_threads=n_threads)
    Xte = X[test]
    eta = np.asarray(Xte @ coefs.astype(np.float64), dtype=np.float64) + intercepts
    if offset is not None:
        eta = eta + offset[test]
    s = np.ones(len(test)) if sw is None else sw[test]
    dev = 2.0 * (s @ half_deviance(family, y[test][:, None], eta)) / s.sum()
    return dev, np.count_nonzero(coefs, axis=0)


class _LogLinkRegressionCV(CVRouterMixin, SparseInputMixin, RegressorMixin, BaseEstimator):
    _family = None
    _estimator = None

    def __init__(self, penalty="l1", *, alphas=100, eps=1e-3, l1_ratio=None, cv=None,
                 alpha_selection="min", fit_intercept=True, tol=1e-4, max_iter=100,
                 n_jobs=None, penalty_factor=None, exclude=None, standardize=False,
                 lower_bounds=None, upper_bounds=None, groups=None, group_weights=None,
                 max_features=None, dfmax=None, n_threads=1):
        self.n_threads = n_threads
        self.max_features = max_features
        self.dfmax = dfmax
        self.penalty = penalty
        self.alphas = alphas
        self.eps = eps
        self.l1_ratio = l1_ratio
        self.cv = cv
        self.alpha_selection = alpha_selection
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.penalty_factor = penalty_factor
        self.exclude = exclude
        self.standardize = standardize
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.groups = groups
        self.group_weights = group_weights

    def _options(self):
        """The per-feature options and groups, for every problem of the fit."""
        return dict(penalty_factor=self.penalty_factor, exclude=self.exclude,
                    standardize=self.standardize, lower_bounds=self.lower_bounds,
                    upper_bounds=self.upper_bounds, groups=self.groups,
                    group_weights=self.group_weights)

    @keeps_state_on_error
    def fit(self, X, y, sample_weight=None, offset=None, **params):
        """Cross-validate the path on one grid (from the full data), choose alpha by the
        mean held-out deviance ('min' or the one-standard-error rule '1se'), refit."""
        reject_unrouted(self, params)
        resolve_threads(self.n_threads)   # a bad value fails before any fold runs
        family = self._family
        options = self._options()
        est = self._estimator(self.penalty, alpha=1.0, l1_ratio=self.l1_ratio,
                              fit_intercept=self.fit_intercept, tol=self.tol,
                              max_iter=self.max_iter, n_threads=self.n_threads, **options)
        l1_ratio = est._l1_ratio()
        check_choice(self.alpha_selection, "alpha_selection", {"min", "1se"})
        check_scalar_param(self.tol, "tol", low=0)
        check_scalar_param(self.max_iter, "max_iter", low=1, integer=True)
        X = validate_X(self, X, reset=True)
        n = X.shape[0]
        raw_sw = None if sample_weight is None else check_1d_float(sample_weight,
                                                                   "sample_weight")
        sw = check_sample_weight(raw_sw, n, np.float64)
        y = check_response(family, y, n, sw)
        offset2 = check_offset(offset, n, 1)
        offset1 = None if offset2 is None else offset2[:, 0]
        max_features = check_max_features(self.max_features)
        dfmax = check_max_features(self.dfmax, "dfmax")
        spec = cv_alphas(self.alphas, "deprecated")
        full = None
        if is_count(spec):
            check_scalar_param(self.eps, "eps", low=0, high=1, low_inclusive=False)
            if l1_ratio <= 0:
                raise ValueError("penalty='l2' has no alpha_max: pass an explicit alphas grid.")
            full = LogLinkProblem(family, X, y, sw, self.fit_intercept, offset=offset2,
                                  **options)
            grid = alpha_grid(full.alpha_max(l1_ratio), spec, self.eps)
        else:
            grid = np.asarray(spec, dtype=np.float64)
        if max_features is not None or dfmax is not None:
            # glmnet's pmax / dfmax: the grid cut where the full-data path exceeds them
            if full is None:
                full = LogLinkProblem(family, check_X(X), y, sw, self.fit_intercept,
                                      offset=offset2, **options)
            grid = grid[:glm_path_length([full], grid, l1_ratio, self.tol, self.max_iter,
                                         max_features, dfmax, self.n_threads)]
        folds = check_fold_weights(cv_folds(self, X, y, params), sw)
        # folds run in threads (the native solve releases the GIL)
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_deviance)(family, X, y, sw, offset2, tr, te, grid, l1_ratio,
                                    options, self.fit_intercept, self.tol, self.max_iter,
                                    self.n_threads)
            for tr, te in folds)
        dev = np.column_stack([r[0] for r in results])          # (n_alphas, n_folds)
        nnz = np.mean([r[1] for r in results], axis=0)
        mean = dev.mean(axis=1)
        k = dev.shape[1]
        se = dev.std(axis=1, ddof=1) / np.sqrt(k) if k > 1 else np.zeros_like(mean)
        i_min = int(np.nanargmin(mean))
        i_1se = one_standard_error_index(mean, se)
        self.alphas_ = grid
        self.deviance_path_ = dev
        self.cv_mean_, self.cv_se_ = mean, se
        self.n_nonzero_path_ = nnz
        self.alpha_min_ = float(grid[i_min])
        self.alpha_1se_ = float(grid[i_1se])
        self.alpha_ = self.alpha_min_ if self.alpha_selection == "min" else self.alpha_1se_
        self.l1_ratio_ = l1_ratio
        # the full-data path (coef_path_) and the refit at the chosen alpha
        _, coefs, intercepts, gaps = _family_path(
            family, X, y, l1_ratio=l1_ratio, alphas=grid, fit_intercept=self.fit_intercept,
            sample_weight=raw_sw, offset=offset1, tol=self.tol, max_iter=self.max_iter,
            n_threads=self.n_threads, **options)
        store_full_path(self, coefs, intercepts, gaps)
        self.estimator_ = est.set_params(alpha=self.alpha_).fit(X, y, sample_weight=raw_sw,
                                                                 offset=offset1)
        for name in ("coef_", "intercept_", "dual_gap_", "kkt_violation_", "n_iter_"):
            setattr(self, name, getattr(self.estimator_, name))
        return self

    def linear_predictor(self, X, offset=None):
        check_is_fitted(self)
        return self.estimator_.linear_predictor(X, offset)

    def predict(self, X, offset=None):
        """The refitted model's predicted mean exp(eta)."""
        check_is_fitted(self)
        return self.estimator_.predict(X, offset)

    def score(self, X, y, sample_weight=None, offset=None):
        """D^2 of the refitted model (see PoissonRegression.score)."""
        check_is_fitted(self)
        return self.estimator_.score(X, y, sample_weight, offset)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


_CV_DOC = """{Family} regression (log link) with alpha chosen by cross-validated deviance.

    Each fit is that of :class:`{Family}Regression` (same objective, scaling and
    options; ``penalty`` 'l1' (default) or 'elasticnet' with one ``l1_ratio``; 'l2' needs
    an explicit ``alphas`` grid).  One grid, from the full data (alpha_max down to
    eps * alpha_max, ``alphas`` points, or the given array), is solved as a warm-started
    path on every fold's training rows; each alpha is scored by the weighted mean unit
    {family} deviance of the held-out rows (lower is better; ``offset`` follows the rows).
    ``alpha_selection='min'`` takes the smallest mean, '1se' the largest alpha within one
    standard error of it (glmnet's lambda.1se).  ``penalty_factor``, ``exclude``,
    ``standardize``, ``lower_bounds`` / ``upper_bounds`` and ``groups`` /
    ``group_weights`` are :class:`{Family}Regression`'s, used in every fold, the grid and
    the refit.  ``max_features`` / ``dfmax`` (glmnet's pmax / dfmax, as in
    :class:`penalized.ElasticNetCV`): the grid is cut before the first alpha at which the
    full-data path (one extra path) has had more than ``max_features`` features non-zero
    so far, or has more than ``dfmax`` now, keeping at least the first alpha; only those
    alphas are cross-validated (``alphas_``).  ``cv``: int (KFold, unshuffled, as
    scikit-learn's regressors), splitter or iterable; ``groups`` by metadata routing.
    ``n_threads`` (default 1): OpenMP threads of the full passes over X inside each path
    solve (every fold's, the grid cut's, the full-data path and the refit), as
    :class:`{Family}Regression`'s (the same bits for any value).  It is per fit:
    ``n_jobs`` folds run at once, so up to ``n_jobs * n_threads`` threads (both multiply).

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_, l1_ratio_ : chosen values.
    alphas_ : (n_alphas,); deviance_path_ : (n_alphas, n_folds);
    cv_mean_, cv_se_, n_nonzero_path_ : (n_alphas,).
    coef_path_ (n_features, n_alphas), intercept_path_, dual_gap_path_ : the full-data path.
    estimator_ : the refitted :class:`{Family}Regression`; coef_, intercept_, dual_gap_,
    kkt_violation_, n_iter_ are its.
    """


class PoissonRegressionCV(_LogLinkRegressionCV):
    _family = "poisson"
    _estimator = PoissonRegression


class GammaRegressionCV(_LogLinkRegressionCV):
    _family = "gamma"
    _estimator = GammaRegression


PoissonRegressionCV.__doc__ = _CV_DOC.format(Family="Poisson", family="poisson")
GammaRegressionCV.__doc__ = _CV_DOC.format(Family="Gamma", family="gamma")
