"""asv benchmarks of penalised logistic regression (seeded synthetic problems).

``track_`` entries record the certified gap relative to its target and the
Newton steps used, next to the time and peak memory of a fit and of a path.
"""

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized


def _labels(X, rng, k=10):
    w = np.zeros(X.shape[1])
    w[rng.choice(X.shape[1], k, replace=False)] = rng.choice([-1.0, 1.0], k)
    eta = np.asarray(X @ w).ravel()
    return np.where(rng.uniform(size=X.shape[0]) < 1 / (1 + np.exp(-eta)), 1.0, -1.0)


def _dense(n=300, p=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    return X, _labels(X, rng)


def _sparse(n=3000, p=30000, nnz_per_col=10, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=p * nnz_per_col)
    cols = np.repeat(np.arange(p), nnz_per_col)
    X = sp.csc_matrix((rng.standard_normal(p * nnz_per_col), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    return X, _labels(X, rng)


PROBLEMS = {"dense_300x3000": _dense, "sparse_3000x30000": _sparse}


def _alpha_max(X, y):
    return penalized.logistic_path(X, y, alphas=1)[0][0]


class LogisticFit:
    """L1 / elastic-net logistic regression at alpha_max / 10."""

    params = (list(PROBLEMS), ["l1", "elasticnet"])
    param_names = ["problem", "penalty"]
    timeout = 120

    def setup(self, problem, penalty):
        self.X, self.y = PROBLEMS[problem]()
        self.alpha = _alpha_max(self.X, self.y) / 10
        self.tol = 1e-6

    def _fit(self, penalty):
        with threadpool_limits(1):
            return penalized.LogisticRegression(
                penalty, alpha=self.alpha, l1_ratio=0.5 if penalty == "elasticnet" else None,
                tol=self.tol, max_iter=1000).fit(self.X, self.y)

    def time_fit(self, problem, penalty):
        self._fit(penalty)

    def peakmem_fit(self, problem, penalty):
        self._fit(penalty)

    def track_gap_over_target(self, problem, penalty):
        m = self._fit(penalty)
        null = penalized.LogisticRegression(penalty, alpha=1e6, l1_ratio=0.5 if penalty ==
                                            "elasticnet" else None).fit(self.X, self.y)
        return float(m.dual_gap_[0] / (self.tol * _null_objective(null, self.y)))

    def track_newton_steps(self, problem, penalty):
        return int(self._fit(penalty).n_iter_[0])


def _null_objective(model, y):
    """Loss of the intercept-only model: the scale of tol."""
    b = model.intercept_[0]
    yy = np.where(y == model.classes_[1], 1.0, -1.0)
    return float(np.mean(np.logaddexp(0.0, -yy * b)))


class LogisticPath:
    """A 30-point L1 path to alpha_max / 100."""

    params = [list(PROBLEMS)]
    param_names = ["problem"]
    timeout = 300

    def setup(self, problem):
        self.X, self.y = PROBLEMS[problem]()

    def _path(self):
        with threadpool_limits(1):
            return penalized.logistic_path(self.X, self.y, alphas=30, eps=1e-2, tol=1e-6)

    def time_path(self, problem):
        self._path()

    def peakmem_path(self, problem):
        self._path()


def _multiclass(n=600, p=2000, K=5, seed=0):
    """Dense X with labels from a softmax model on 10 features shared by the classes."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    W = np.zeros((p, K))
    W[rng.choice(p, 10, replace=False)] = rng.standard_normal((10, K))
    eta = X @ W
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    codes = (rng.uniform(size=(n, 1)) > np.cumsum(P, axis=1)).sum(axis=1)
    return X, np.minimum(codes, K - 1)


class MultinomialFit:
    """Softmax regression, entrywise L1 and row-group penalty, at alpha_max / 5."""

    params = [["l1", "group"]]
    param_names = ["penalty"]
    timeout = 120

    def setup(self, penalty):
        self.X, self.y = _multiclass()
        alphas = penalized.logistic_path(self.X, self.y, alphas=1, penalty=(
            "group" if penalty == "group" else "elasticnet"))[0]
        self.alpha = alphas[0] / 5

    def _fit(self, penalty):
        with threadpool_limits(1):
            return penalized.LogisticRegression(penalty, alpha=self.alpha, tol=1e-6,
                                                max_iter=1000).fit(self.X, self.y)

    def time_fit(self, penalty):
        self._fit(penalty)

    def track_newton_steps(self, penalty):
        return int(self._fit(penalty).n_iter_[0])
