"""asv benchmarks of the least-squares solvers.

Problems are synthetic and seeded (so the suite runs anywhere) plus, when
../shared/data is present, real sets.  ``track_`` entries record the certified
gap relative to its target and the epochs used, so accuracy regressions show
next to speed ones.
"""

import os
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized
import penalized.solvers

SHARED = Path(os.environ.get("PENALIZED_SHARED_DATA",
                             Path(__file__).resolve().parents[3] / "shared" / "data"))


def _dense(n, p, seed=0, rho=0.6):
    """AR(1)-correlated columns, 10-sparse truth."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p), order="F")
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * rng.standard_normal(n)
    w = np.zeros(p)
    w[rng.choice(p, 10, replace=False)] = rng.standard_normal(10)
    return X, X @ w + 0.5 * rng.standard_normal(n)


def _sparse(n, p, nnz_per_col=10, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=p * nnz_per_col)
    cols = np.repeat(np.arange(p), nnz_per_col)
    X = sp.csc_matrix((rng.standard_normal(p * nnz_per_col), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    w = np.zeros(p)
    w[rng.choice(p, 20, replace=False)] = rng.standard_normal(20)
    return X, np.asarray(X @ w).ravel() + 0.1 * rng.standard_normal(n)


def _alpha_max(X, y):
    return penalized.lasso_path(X, y, alphas=1, fit_intercept=True)[0][0]


PROBLEMS = {
    "dense_200x2000": lambda: _dense(200, 2000),
    "sparse_2000x20000": lambda: _sparse(2000, 20000),
    "tall_5000x100": lambda: _dense(5000, 100, seed=1),
}


class SingleFit:
    """One Lasso fit at alpha_max / 10 and / 100."""

    params = (list(PROBLEMS), [10, 100], ["float64", "float32"])
    param_names = ["problem", "alpha_ratio", "dtype"]
    timeout = 120

    def setup(self, problem, ratio, dtype):
        X, y = PROBLEMS[problem]()
        self.X, self.y = X.astype(dtype), y.astype(dtype)
        self.alpha = _alpha_max(X, y) / ratio
        self.tol = 1e-4 if dtype == "float32" else 1e-6

    def _fit(self):
        with threadpool_limits(1):
            return penalized.Lasso(alpha=self.alpha, tol=self.tol, max_iter=100_000).fit(
                self.X, self.y)

    def time_fit(self, *args):
        self._fit()

    def peakmem_fit(self, *args):
        self._fit()

    def track_epochs(self, *args):
        return self._fit().n_iter_

    def track_gap_over_target(self, *args):
        m = self._fit()
        y = self.y.astype(np.float64)
        target = self.tol * np.sum((y - y.mean()) ** 2) / len(y)
        return float(m.dual_gap_ / target)


class Path:
    """Warm-started Lasso / ElasticNet paths of 50 alphas down to alpha_max / 100."""

    params = (list(PROBLEMS), [1.0, 0.5])
    param_names = ["problem", "l1_ratio"]
    timeout = 300

    def setup(self, problem, l1_ratio):
        self.X, self.y = PROBLEMS[problem]()

    def _path(self, l1_ratio):
        with threadpool_limits(1):
            return penalized.enet_path(self.X, self.y, l1_ratio=l1_ratio, alphas=50,
                                       eps=1e-2, fit_intercept=True, tol=1e-6,
                                       max_iter=100_000, return_n_iter=True)

    def time_path(self, problem, l1_ratio):
        self._path(l1_ratio)

    def peakmem_path(self, problem, l1_ratio):
        self._path(l1_ratio)

    def track_total_epochs(self, problem, l1_ratio):
        return int(self._path(l1_ratio)[3].sum())


class RealDataPath:
    """Lasso path (30 alphas to alpha_max / 100) on real sets when ../shared/data exists."""

    params = [["riboflavin", "congress109", "dorothea"]]
    param_names = ["dataset"]
    timeout = 300

    def setup(self, name):
        path = SHARED / f"{name}.npz"
        if not path.exists():
            raise NotImplementedError("shared data not available")  # asv: skip
        z = np.load(path, allow_pickle=False)
        if "indptr" in z.files:
            self.X = sp.load_npz(path).tocsc()
        else:
            X = z["X"].astype(np.float64)
            sd = X.std(0)
            self.X = np.asfortranarray((X[:, sd > 0] - X[:, sd > 0].mean(0)) / sd[sd > 0])
        self.y = z["y"].astype(np.float64)

    def time_lasso_path(self, name):
        with threadpool_limits(1):
            penalized.lasso_path(self.X, self.y, alphas=30, eps=1e-2, fit_intercept=True,
                                 tol=1e-6, max_iter=100_000)

    def peakmem_lasso_path(self, name):
        penalized.lasso_path(self.X, self.y, alphas=30, eps=1e-2, fit_intercept=True,
                             tol=1e-6, max_iter=100_000)


class PassesPerPoint:
    """Passes over X per path point (the solver's work counters, see
    ``penalized.solvers.PathSolution.work``): BENCHMARKS.md's path (y centred,
    no intercept; 100 alphas to alpha_max / 1000, 30 to / 100 when nnz >= 5e5)
    at the target gap (tol 5e-7), on the sparse problems.  Deterministic: a
    regression in the number of passes shows here without timing noise."""

    params = [["sparse_2000x20000", "dorothea", "hockey_gamlr", "imdb_movie_review_tfidf",
               "news20_tfidf", "we8there"]]
    param_names = ["problem"]
    timeout = 600

    def setup(self, name):
        if name in PROBLEMS:
            X, y = PROBLEMS[name]()
        else:
            path = SHARED / f"{name}.npz"
            if not path.exists():
                raise NotImplementedError("shared data not available")  # asv: skip
            X = sp.load_npz(path).tocsc().astype(np.float64)
            y = np.load(path, allow_pickle=False)["y"].astype(np.float64)
        y = y - y.mean()
        n_alphas, eps = (30, 1e-2) if X.nnz >= 5e5 else (100, 1e-3)
        amax = np.abs(X.T @ y).max() / X.shape[0]
        with threadpool_limits(1):
            self.work = penalized.solvers.lasso_path(
                X, y, alphas=np.geomspace(amax, amax * eps, n_alphas), fit_intercept=False,
                tol=5e-7, max_iter=1_000_000, warn=False).work

    def track_passes_per_point(self, name):
        return float(self.work["passes"].mean())

    track_passes_per_point.unit = "passes of X^T r"

    def track_full_passes_per_point(self, name):
        return float(self.work["full_passes"].mean())

    track_full_passes_per_point.unit = "passes of X^T r"

    def track_epochs_per_point(self, name):
        return float(self.work["n_epochs"].mean())
