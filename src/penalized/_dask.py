"""Least squares past one machine's memory: Gram statistics reduced on a Dask cluster.

For tall data (n much larger than p, X too large for one machine), the
elastic net needs X only through the p x p matrix X_c^T S X_c, the vector
X_c^T S y_c, the column means and y_c^T S y_c (covariance or "Gram" mode,
Friedman, Hastie & Tibshirani 2010, sec. 2.2).  These are sums over rows:
:func:`gram_statistics` computes them chunk by chunk on the workers of a
``dask.distributed`` cluster (two passes: means, then centred products, so
no precision is lost to cancellation), and only the p x p result travels
back.  :func:`enet_path_gram` then runs the project's Gram-mode solver
locally, with the same certified duality gap as in memory.

Applies when p is small enough for a p x p float64 matrix to fit in memory
on the client (p up to ~10^4) and n is large.  For wide data (p large) or
for choosing alpha by cross-validation, run the CV estimators' folds on the
cluster instead (``joblib.parallel_config(backend="dask")``).
"""

from dataclasses import dataclass

import numpy as np

from ._core import Design
from ._enet import LeastSquaresProblem, Target, alpha_grid, solve_path
from ._validation import check_alphas, check_scalar_param

__all__ = ["GramStatistics", "enet_path_gram", "fit_gram", "gram_statistics"]


@dataclass
class GramStatistics:
    """Sufficient statistics of a least-squares problem (weights s rescaled to sum n).

    gram = X_c^T S X_c (p, p), xty = X_c^T S y_c (p,), x_mean and y_mean the
    weighted means (zeros without intercept, X_c = X then), yy = y_c^T S y_c.
    """

    gram: np.ndarray
    xty: np.ndarray
    x_mean: np.ndarray
    y_mean: float
    yy: float
    n_samples: int
    fit_intercept: bool


def _as_dask(X, y, sample_weight):
    import dask.array as da

    X = da.asarray(X)
    y = da.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got {X.ndim} dimensions.")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got {y.ndim} dimensions.")
    if np.isnan(X.shape[0]) or np.isnan(y.shape[0]):
        raise ValueError("X and y need known chunk sizes (call .compute_chunk_sizes()).")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows, y has {y.shape[0]} entries.")
    # rows are split across chunks, columns never: each block is a full row band
    X = X.astype(np.float64).rechunk({1: -1})
    y = y.astype(np.float64).rechunk((X.chunks[0],))
    s = None
    if sample_weight is not None:
        s = da.asarray(sample_weight).astype(np.float64)
        if s.shape != y.shape:
            raise ValueError(f"sample_weight must have shape {y.shape}, got {s.shape}.")
        s = s.rechunk((X.chunks[0],))
    return X, y, s


def gram_statistics(X, y, *, sample_weight=None, fit_intercept=True):
    """Reduce the Gram statistics of (X, y) across row chunks, on the active Dask scheduler.

    ``X`` (n, p) and ``y`` (n,) are dask arrays chunked by rows (numpy arrays
    are wrapped); the sums run where the chunks live (a ``distributed.Client``
    if one is active).  Returns a :class:`GramStatistics` in memory.
    """
    import dask
    import dask.array as da

    X, y, s = _as_dask(X, y, sample_weight)
    n = X.shape[0]
    if n == 0 or X.shape[1] == 0:
        raise ValueError(f"X: needs at least one sample and one feature, got shape {X.shape}.")
    if s is None:
        total, colsum, ysum = dask.compute(n, X.sum(axis=0), y.sum())
    else:
        total, colsum, ysum, lowest, finite = dask.compute(
            s.sum(), (X * s[:, None]).sum(axis=0), (s * y).sum(), s.min(),
            da.isfinite(s).all())
        if not finite:
            raise ValueError("sample_weight contains NaN or infinity.")
        if lowest < 0:
            # before: the negative weight reached the square root S^(1/2) and the
            # error blamed X or y for NaN statistics
            raise ValueError("sample_weight must be non-negative; found negative weights.")
        if not total > 0:
            raise ValueError("sample_weight sums to zero; at least one must be positive.")
        if not np.isfinite(total):
            raise ValueError("sample_weight: the weights' sum overflows; rescale them.")
    if fit_intercept:
        x_mean, y_mean = np.asarray(colsum) / total, float(ysum) / total
    else:
        x_mean, y_mean = np.zeros(X.shape[1]), 0.0
    Xc, yc = X - x_mean, y - y_mean
    if s is not None:
        root = (s * (n / total)) ** 0.5   # S^(1/2), weights rescaled to sum n
        Xc, yc = Xc * root[:, None], yc * root
    gram, xty, yy = dask.compute(Xc.T @ Xc, Xc.T @ yc, yc @ yc)
    # arrays arriving from workers can be unaligned (pickle protocol 5 buffers)
    gram = np.require(gram, dtype=np.float64, requirements=["F", "A"])
    xty = np.require(xty, dtype=np.float64, requirements=["C", "A"])
    if not (np.all(np.isfinite(gram)) and np.all(np.isfinite(xty)) and np.isfinite(yy)):
        raise ValueError("X or y contains NaN or infinity, or values too large to square "
                         "(the Gram statistics are not finite); rescale X and y.")
    d = np.diag(gram)
    tiny = np.finfo(np.float64).tiny
    if np.any((d > 0) & (d < tiny)) or 0 < yy < tiny:
        # subnormal squared norms: the certificate would be computed without precision
        raise ValueError("X or y holds values too small to square (their centred squared "
                         "norms underflow float64); rescale X and y.")
    return GramStatistics(gram=gram, xty=xty,
                          x_mean=np.asarray(x_mean, dtype=np.float64), y_mean=float(y_mean),
                          yy=float(yy), n_samples=int(n), fit_intercept=bool(fit_intercept))


class _GramProblem(LeastSquaresProblem):
    """A LeastSquaresProblem known only through its Gram statistics (no X)."""

    def __init__(self, stats):
        self.X = None
        self.n_samples, self.n_features = int(stats.n_samples), stats.gram.shape[0]
        self.dtype = np.dtype(np.float64)
        self.sample_weight = None
        self.fit_intercept = stats.fit_intercept
        self.design = None
        self.x_mean = stats.x_mean if stats.fit_intercept else None
        self.gram = stats.gram
        self.gram_design = Design(stats.gram, gram_n=self.n_samples)
        self._stats = stats

    def target(self, y=None):
        tgt = Target(y=None, y_mean=self._stats.y_mean, yy=self._stats.yy, design=None)
        tgt.Xty = self._stats.xty
        return tgt


def enet_path_gram(stats, *, l1_ratio=1.0, alphas=None, n_alphas=100, eps=1e-3, tol=1e-4,
                   max_iter=1000, positive=False):
    """Elastic-net path from :class:`GramStatistics`, solved locally in Gram mode.

    Minimises, for each alpha, the objective of :class:`penalized.ElasticNet`
    ``1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + alpha*l1_ratio*||w||_1
    + alpha*(1-l1_ratio)/2*||w||^2``; ``tol`` bounds the duality gap relative
    to y_c^T S y_c / n as there.  Returns (alphas, coefs (p, n_alphas),
    intercepts, dual_gaps).
    """
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    problem = _GramProblem(stats)
    tgt = problem.target()
    if alphas is None:
        check_scalar_param(n_alphas, "n_alphas", low=1, integer=True)
        alphas = alpha_grid(problem.alpha_max(tgt, l1_ratio, positive), n_alphas, eps)
    else:
        alphas = check_alphas(alphas)
    coefs, gaps, _, intercepts = solve_path(problem, tgt, alphas, l1_ratio=l1_ratio, tol=tol,
                                            max_iter=max_iter, positive=positive)
    return alphas, coefs, intercepts, gaps


def fit_gram(X, y, *, alpha, l1_ratio=1.0, sample_weight=None, fit_intercept=True, tol=1e-4,
             max_iter=1000, positive=False):
    """Fit :class:`penalized.ElasticNet` (Lasso for l1_ratio=1) on tall, row-chunked data.

    Reduces the Gram statistics on the cluster (:func:`gram_statistics`),
    then solves locally (:func:`enet_path_gram`, warm-started from alpha_max
    down to ``alpha`` on a 20-point grid).  Returns a fitted ElasticNet
    (coef_, intercept_, dual_gap_, n_features_in_) that predicts on numpy or
    scipy.sparse input; for a dask array use ``X @ model.coef_ + model.intercept_``.
    """
    from .linear_model import ElasticNet

    alpha = check_scalar_param(alpha, "alpha", low=0, low_inclusive=False)
    stats = gram_statistics(X, y, sample_weight=sample_weight, fit_intercept=fit_intercept)
    problem = _GramProblem(stats)
    top = problem.alpha_max(problem.target(), l1_ratio, positive) if l1_ratio > 0 else alpha
    grid = np.geomspace(max(top, alpha), alpha, 20) if top > alpha else [alpha]
    _, coefs, intercepts, gaps = enet_path_gram(stats, l1_ratio=l1_ratio, alphas=grid, tol=tol,
                                                max_iter=max_iter, positive=positive)
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=tol,
                       max_iter=max_iter, positive=positive)
    model.coef_ = coefs[:, -1].copy()
    model.intercept_ = float(intercepts[-1])
    model.dual_gap_ = float(gaps[-1])
    model.n_features_in_ = stats.gram.shape[0]
    return model
