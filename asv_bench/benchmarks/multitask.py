"""asv benchmarks of the multi-task Lasso / ElasticNet (seeded synthetic problems).

A warm-started path of 30 alphas down to alpha_max / 100 on a dense and a CSC
problem with 5 tasks sharing a 10-row support.  ``track_`` entries record the
largest certified gap along the path relative to its target, and the epochs.
"""

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized

N_TASKS = 5


def _targets(X, rng, k=10):
    W = np.zeros((X.shape[1], N_TASKS))
    W[rng.choice(X.shape[1], k, replace=False)] = rng.standard_normal((k, N_TASKS))
    return np.asarray(X @ W) + 0.5 * rng.standard_normal((X.shape[0], N_TASKS))


def _dense(n=200, p=2000, seed=0):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    return X, _targets(X, rng)


def _sparse(n=2000, p=20000, nnz_per_col=10, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=p * nnz_per_col)
    cols = np.repeat(np.arange(p), nnz_per_col)
    X = sp.csc_matrix((rng.standard_normal(p * nnz_per_col), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    return X, _targets(X, rng)


PROBLEMS = {"dense_200x2000": _dense, "sparse_2000x20000": _sparse}


class MultiTaskPath:
    """multitask_enet_path, 30 alphas to alpha_max / 100, tol 1e-6, with an intercept."""

    params = (list(PROBLEMS), [1.0, 0.5])
    param_names = ["problem", "l1_ratio"]
    timeout = 300
    tol = 1e-6

    def setup(self, problem, l1_ratio):
        self.X, self.Y = PROBLEMS[problem]()

    def _path(self, l1_ratio):
        with threadpool_limits(1):
            return penalized.multitask_enet_path(
                self.X, self.Y, l1_ratio=l1_ratio, alphas=30, eps=1e-2, fit_intercept=True,
                tol=self.tol, max_iter=100_000, return_n_iter=True)

    def time_path(self, problem, l1_ratio):
        self._path(l1_ratio)

    def peakmem_path(self, problem, l1_ratio):
        self._path(l1_ratio)

    def track_total_epochs(self, problem, l1_ratio):
        return int(self._path(l1_ratio)[3].sum())

    def track_gap_over_target(self, problem, l1_ratio):
        gaps = self._path(l1_ratio)[2]
        Yc = self.Y - self.Y.mean(axis=0)
        target = self.tol * np.sum(Yc * Yc) / self.Y.shape[0]
        return float(gaps.max() / target)
