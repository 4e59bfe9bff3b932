"""asv benchmarks of Ridge: single fits per solver, the one-decomposition path and RidgeCV.

Small seeded synthetic problems so the suite runs anywhere.  ``track_`` entries
record the certified duality gap relative to ||y_c||^2 / (2n), so an accuracy
regression shows next to a speed one.
"""

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized


def _dense(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X[:, :10] @ rng.standard_normal(10) + rng.standard_normal(n)


def _sparse(n, p, density=0.01, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed)
    return X, np.asarray(X[:, :20] @ rng.standard_normal(20)).ravel() + rng.standard_normal(n)


PROBLEMS = {
    "wide_200x5000": lambda: _dense(200, 5000),
    "tall_5000x200": lambda: _dense(5000, 200, seed=1),
    "sparse_1000x20000": lambda: _sparse(1000, 20000),
}
SOLVERS = {"wide_200x5000": ["cholesky", "svd", "cg", "lsqr"],
           "tall_5000x200": ["cholesky", "svd", "cg", "lsqr"],
           "sparse_1000x20000": ["cg", "lsqr"]}


class RidgeFit:
    """One Ridge fit at alpha = 1e-2 (mean scale) per solver."""

    params = (list(PROBLEMS), ["cholesky", "svd", "cg", "lsqr"])
    param_names = ["problem", "solver"]
    timeout = 120

    def setup(self, problem, solver):
        if solver not in SOLVERS[problem]:
            raise NotImplementedError("dense-only solver")  # asv: skip
        self.X, self.y = PROBLEMS[problem]()

    def _fit(self, solver):
        with threadpool_limits(1):
            return penalized.Ridge(1e-2, solver=solver, tol=1e-8, max_iter=100_000).fit(
                self.X, self.y)

    def time_fit(self, problem, solver):
        self._fit(solver)

    def peakmem_fit(self, problem, solver):
        self._fit(solver)

    def track_gap_over_scale(self, problem, solver):
        return float(self._fit(solver).dual_gap_ / (np.var(self.y) / 2))


class RidgePath:
    """ridge_path with 100 alphas (one eigendecomposition) and RidgeCV (exact LOO)."""

    params = [list(PROBLEMS)]
    param_names = ["problem"]
    timeout = 300

    def setup(self, problem):
        self.X, self.y = PROBLEMS[problem]()

    def time_path_100_alphas(self, problem):
        with threadpool_limits(1):
            penalized.ridge_path(self.X, self.y, n_alphas=100)

    def peakmem_path_100_alphas(self, problem):
        penalized.ridge_path(self.X, self.y, n_alphas=100)

    def time_ridgecv_loo(self, problem):
        with threadpool_limits(1):
            penalized.RidgeCV(n_alphas=100).fit(self.X, self.y)

    def track_path_max_gap_over_scale(self, problem):
        gaps = penalized.ridge_path(self.X, self.y, n_alphas=100)[2]
        return float(np.max(gaps) / (np.var(self.y) / 2))
