"""
Another library's estimator built on penalized.solvers
======================================================

``LassoIC`` chooses the Lasso's alpha by an information criterion instead of
cross-validation: one warm-started path, then for each alpha

    criterion = n * log(RSS / n) + k * df,   k = 2 (AIC) or log(n) (BIC),

with df the number of non-zero coefficients, an unbiased estimate of the
Lasso's degrees of freedom (Zou, Hastie & Tibshirani 2007).  The criterion
assumes n well above df (RSS / n estimates the noise variance); path points
with df >= n / 2 are not candidates.  It validates its
input once (scikit-learn's ``validate_data``), then calls the solver with
``check_input=False``, and keeps the solver's certificate (``dual_gap_``).

Run it: ``python examples/backend_estimator.py``.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from penalized import solvers


class LassoIC(RegressorMixin, BaseEstimator):
    """Lasso with alpha chosen by AIC or BIC along one penalized.solvers path."""

    def __init__(self, criterion="bic", n_alphas=50, tol=1e-6):
        self.criterion = criterion
        self.n_alphas = n_alphas
        self.tol = tol

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True           # the solvers take CSC input as is
        return tags

    def fit(self, X, y):
        X, y = validate_data(self, X, y, accept_sparse="csc", order="F",
                             dtype=[np.float64, np.float32], y_numeric=True)
        if sp.issparse(X) and not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()     # the fast path needs sorted, duplicate-free indices
        path = solvers.lasso_path(X, y, n_alphas=self.n_alphas, tol=self.tol,
                                  check_input=False)
        n = X.shape[0]
        fitted = np.asarray(X @ path.coefs) + path.intercepts            # (n, n_alphas)
        rss = np.sum((y[:, None] - fitted) ** 2, axis=0)
        df = np.count_nonzero(path.coefs, axis=0)
        k = 2.0 if self.criterion == "aic" else np.log(n)
        crit = n * np.log(np.maximum(rss, np.finfo(float).tiny) / n) + k * df
        self.criterion_path_ = np.where(df < n / 2, crit, np.inf)
        best = path[int(np.argmin(self.criterion_path_))]   # a solvers.Solution
        self.alphas_, self.alpha_ = path.alphas, best.alpha
        self.coef_, self.intercept_ = np.array(best.coef), best.intercept
        self.dual_gap_ = best.dual_gap
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.asarray(X @ self.coef_) + self.intercept_


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 60))
    y = X[:, :5] @ np.array([3.0, -2.0, 1.5, 1.0, -1.0]) + 0.5 * rng.standard_normal(300)
    model = LassoIC().fit(X, y)
    print(f"alpha = {model.alpha_:.4g}, support = {np.flatnonzero(model.coef_)}, "
          f"certified gap = {model.dual_gap_:.2e}")
