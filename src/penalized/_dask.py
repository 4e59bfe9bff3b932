"""Least squares and GLMs past one machine's memory: statistics reduced on a Dask cluster.

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

Tall GLMs (binomial logistic, Poisson, Gamma; :func:`tall_glm_fit`, the
estimators' ``fit`` given a dask array, :func:`fit_glm`): proximal Newton, each
step's Newton model reduced to its p x p Gram form over the row chunks and
solved locally by the same Gram-mode solver, certified by the in-memory
drivers' duality gap (see the section comment below).
"""

import sys
from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit

from ._core import Design
from ._enet import LeastSquaresProblem, Target, alpha_grid, gram_matrix, solve_path
from ._path import warn_unconverged
from ._validation import check_alphas, check_choice, check_scalar_param

__all__ = ["GLM_MAX_FEATURES", "GramStatistics", "enet_path_gram", "fit_dask_glm", "fit_glm",
           "fit_gram", "gram_statistics", "is_dask_array", "tall_glm_fit"]


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
    # per row chunk: the one Gram builder's X_c^T S X_c, and X_c^T S y_c, y_c^T S y_c
    # (weights rescaled to sum n), summed over the chunks where they live
    scale = None if s is None else n / total
    xb, yb = X.to_delayed().ravel(), y.to_delayed().ravel()
    sb = [None] * len(xb) if s is None else s.to_delayed().ravel()
    block = dask.delayed(_gram_block, pure=True)
    sums = dask.compute(_tree_sum([block(a, b, c, np.asarray(x_mean), y_mean, scale)
                                   for a, b, c in zip(xb, yb, sb)]))[0]
    gram, xty, yy = sums["gram"], sums["xty"], sums["yy"]
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


def _gram_block(xb, yb, sb, x_mean, y_mean, scale):
    """One row chunk's X_c^T S X_c, X_c^T S y_c and y_c^T S y_c (S = s * scale)."""
    x = np.asarray(xb, dtype=np.float64)
    r = np.asarray(yb, dtype=np.float64) - y_mean
    w = None if sb is None else np.asarray(sb, dtype=np.float64) * scale
    sr = r if w is None else w * r
    with np.errstate(over="ignore", invalid="ignore"):   # non-finite: reported by the caller
        return {"gram": gram_matrix(x, w, x_mean),
                "xty": x.T @ sr - x_mean * sr.sum(), "yy": float(r @ sr)}


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


# ---------------------------------------------------------------------------
# Tall GLMs: proximal Newton, each step's Newton model reduced on the cluster
# ---------------------------------------------------------------------------
#
# F(w, b) = 1/n sum_i s_i f_i(x_i.w + b + o_i) + alpha l1_ratio ||w||_1
#           + alpha (1 - l1_ratio)/2 ||w||^2, s rescaled to sum n (the in-memory
# estimators' objective; f the binomial loss log(1 + exp(-y eta)), y in {-1, +1},
# or the Poisson / Gamma loss minus its minimum over eta, half the unit deviance).
# Everything below works in n F units (L1 = n alpha l1_ratio, L2 = n alpha (1 - l1_ratio)).
#
# The fit, at (w, b), eta = X w + b + o:
#   first pass (cluster): the loss, theta = -s f'(eta) split in two parts u1 - u2
#     (below), their sums and correlations X_m^T u, the curvature weights
#     W = s max(f'', 1e-10) and X_m^T W X_m, X_m^T W, sum W, sum theta^2 / W
#     (X_m = X - m, m a fixed shift near the column means: any shift is exact, a
#     near one keeps the centring's cancellation small); it also checks X.
#   driver: the Newton model 1/2 sum_i W_i (z_i - x_i.u - c)^2 + L1 ||u||_1 + L2/2 ||u||^2
#     (z = eta - o + theta / W the IRLS working response) in Gram form, G = X_c^T W X_c,
#     q = X_c^T W z_c = G w + X_c^T theta, solved by the core's Gram-mode coordinate
#     descent (the solver of the least-squares ``fit_gram``), polished by one exact
#     solve on its orthant; the dual point of (w, b) from the same sums.
#   one pass per Newton step (cluster): the conjugate sums of that dual point at a few
#     scales (the duality gap of (w, b): stop when it is <= tol * n F(0, b0)), the
#     true loss at 4 step sizes along the direction (Armijo on F; 16 shorter ones in
#     another pass if none passes), and the first pass's sums at the full step, the
#     next point whenever Armijo takes it (a shorter step needs its own pass).
#
# The dual point (the in-memory driver's, ``_logistic.py`` / ``_families.py``):
# theta = k1 u1 + k2 u2 scaled by t in (0, 1], k chosen so that sum_i theta_i = 0
# (intercept), t so that |x_j.theta| <= L1 when L2 = 0:
#   binomial  u1 = s a [y > 0], u2 = s a [y < 0], a = sigmoid(-y eta): shrink the
#             larger group (k1 = min(1, S2/S1), k2 = -min(1, S1/S2));
#   Poisson   u1 = s y, u2 = s mu: k = (1, -S1/S2);
#   Gamma     u1 = s y/mu, u2 = s: k = (S2/S1, -1).

GLM_FAMILIES = ("binomial", "poisson", "gamma")
#: largest n_features of the Dask GLM mode (a p x p float64 matrix per task and reduction)
GLM_MAX_FEATURES = 10_000
_CURVATURE_FLOOR = 1e-10     # as the native driver's
_ARMIJO = 1e-4
_STEPS = 0.5 ** np.arange(4)          # step sizes tried with the step's pass
_MORE_STEPS = 0.5 ** np.arange(4, 20)  # then, if none passed Armijo, in one more pass
_TREE_FANIN = 8


def is_dask_array(X):
    """Whether X is a ``dask.array.Array`` (without importing dask when it is not loaded)."""
    mod = sys.modules.get("dask.array")
    return mod is not None and isinstance(X, mod.Array)


def _xlogx(a):
    return np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0)


def _glm_terms(family, y, s, eta):
    """Per sample at eta: loss (n F units), a, the parts u1, u2 of theta, curvature h."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if family == "binomial":
            m = -y * eta
            loss = np.logaddexp(0.0, m)
            a = expit(m)
            h = a * (1.0 - a)
            sa = s * a
            u1 = np.where(y > 0, sa, 0.0)
            u2 = sa - u1
        elif family == "poisson":
            a = np.exp(eta)
            logy = np.log(np.where(y > 0, y, 1.0))
            loss = a - y - np.where(y > 0, y * (eta - logy), 0.0)
            h = a
            u1, u2 = s * y, s * a
        else:
            a = y * np.exp(-eta)
            loss = a - 1.0 - (np.log(y) - eta)
            h = a
            u1, u2 = s * a, s
    return s * loss, a, u1, u2, h


def _glm_loss(family, y, s, eta):
    """sum_i s_i f_i(eta_i) (deviance form for the log-link families); inf when it overflows."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if family == "binomial":
            value = s @ np.logaddexp(0.0, -y * eta)
        elif family == "poisson":
            logy = np.log(np.where(y > 0, y, 1.0))
            value = s @ (np.exp(eta) - y - np.where(y > 0, y * (eta - logy), 0.0))
        else:
            value = s @ (y * np.exp(-eta) - 1.0 - (np.log(y) - eta))
    return float(value) if np.isfinite(value) else np.inf


def _glm_conjugate(family, y, s, a, k, t):
    """sum_i s_i (f_i*(-theta_i / s_i) + min f_i) at theta = t (k1 u1 + k2 u2)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if family == "binomial":
            B = t * a * np.where(y > 0, k[0], -k[1])
            term = _xlogx(B) + _xlogx(1.0 - B)
        elif family == "poisson":
            B = y + t * (-k[1] * a - y)
            term = _xlogx(B) - B + y - _xlogx(y)
        else:
            logy = np.log(y)
            B = 1.0 + t * (k[0] * a - 1.0)
            term = _xlogx(B) - B * logy - B + 1.0 + logy
    return float(s @ term)


def _block(xb, yb, sb, ob):
    x = np.asarray(xb, dtype=np.float64)
    y = np.asarray(yb, dtype=np.float64)
    s = np.ones(x.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64)
    o = None if ob is None else np.asarray(ob, dtype=np.float64)
    return x, y, s, o


def _newton_sums(x, y, s, o, eta, family, m):
    """The Newton model's sums over one row block at the linear predictor eta."""
    loss, a, u1, u2, h = _glm_terms(family, y, s, eta)
    W = s * np.maximum(h, _CURVATURE_FLOOR)
    root = np.sqrt(W)
    inv = np.divide(1.0, root, out=np.zeros_like(root), where=root > 0)
    # X_m^T W X_m by the one Gram builder (row chunks of ~4 MB, float64), and
    # X_m^T [W, u1, u2] (u = 0 where W = 0: s = 0) as one product and a rank-one centring
    with np.errstate(over="ignore", invalid="ignore"):   # overflow: reported by the fit
        A = gram_matrix(x, W, m)
        rhs = np.column_stack([W, u1, u2])
        side = x.T @ rhs - np.outer(m, rhs.sum(axis=0))
    theta = (u1 - u2) * inv
    return {"A": A, "v": side[:, 0], "sW": float(W.sum()),
            "g1": side[:, 1], "g2": side[:, 2], "S1": float(u1.sum()), "S2": float(u2.sum()),
            "o1": 0.0 if o is None else float(u1 @ o), "o2": 0.0 if o is None else float(u2 @ o),
            "srr": float(theta @ theta), "loss": float(loss.sum())}


def _newton_block(xb, yb, sb, ob, family, w, b, m):
    """One row block's Newton-model sums at (w, b), and whether the block holds NaN
    or infinity (the first pass of a fit, also X's check)."""
    x, y, s, o = _block(xb, yb, sb, ob)
    eta = x @ w + b
    if o is not None:
        eta += o
    out = _newton_sums(x, y, s, o, eta, family, m)
    out["nonfinite"] = int(not np.isfinite(x).all())
    return out


def _step_block(xb, yb, sb, ob, family, w, b, d, db, steps, k, scales, m, ahead):
    """One row block's pass of a Newton step from (w, b) along (d, db): the conjugate
    sums of the dual point of (w, b) at each scale, the loss at each step size, and
    (``ahead``) the Newton-model sums at the full step (w + d, b + db), the next
    point whenever the full step is accepted."""
    x, y, s, o = _block(xb, yb, sb, ob)
    E = x @ np.column_stack([w, d])
    eta, deta = E[:, 0] + b, E[:, 1] + db
    if o is not None:
        eta += o
    out = {"trial": np.array([_glm_loss(family, y, s, eta + t * deta) for t in steps])}
    if len(scales):
        a = _glm_terms(family, y, s, eta)[1]
        out["conj"] = np.array([_glm_conjugate(family, y, s, a, k, t) for t in scales])
    if ahead:
        out["ahead"] = _newton_sums(x, y, s, o, eta + deta, family, m)
    return out


def _null_block(yb, sb, ob, family, b):
    """sum_i s_i f_i(b + o_i) and its first two derivatives in b (intercept-only model)."""
    _, y, s, o = _block(np.empty((np.shape(yb)[0], 0)), yb, sb, ob)
    eta = np.full(y.shape[0], float(b)) if o is None else b + o
    loss, _, u1, u2, h = _glm_terms(family, y, s, eta)
    return {"loss": float(loss.sum()), "grad": float(np.sum(u2 - u1)), "hess": float(s @ h)}


def _merge(*parts):
    out = dict(parts[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for part in parts[1:]:
            for key, value in part.items():
                out[key] = (_merge(out[key], value) if isinstance(value, dict)
                            else out[key] + value)
    return out


def _tree_sum(tasks):
    import dask

    while len(tasks) > 1:
        tasks = [dask.delayed(_merge, pure=True)(*tasks[i:i + _TREE_FANIN])
                 for i in range(0, len(tasks), _TREE_FANIN)]
    return tasks[0]


class _TallGLM:
    """Row-chunked data of a GLM on the active Dask scheduler, and its reductions."""

    def __init__(self, family, X, y, s, o, fit_intercept):
        self.family = family
        self.fit_intercept = fit_intercept
        self.n_samples, self.n_features = X.shape
        self.xb = list(X.to_delayed().ravel())
        self.yb = list(y.to_delayed().ravel())
        self.sb = [None] * len(self.xb) if s is None else list(s.to_delayed().ravel())
        self.ob = [None] * len(self.xb) if o is None else list(o.to_delayed().ravel())
        self.m = np.zeros(self.n_features)
        self.n_passes = 0        # passes over X

    def _run(self, fn, *args, with_x=True):
        import dask

        fn = dask.delayed(fn, pure=True)
        if with_x:
            tasks = [fn(x, y, s, o, *args) for x, y, s, o in zip(self.xb, self.yb, self.sb,
                                                                  self.ob)]
            self.n_passes += 1
        else:
            tasks = [fn(y, s, o, *args) for y, s, o in zip(self.yb, self.sb, self.ob)]
        return dask.compute(_tree_sum(tasks))[0]

    def newton(self, w, b):
        return self._run(_newton_block, self.family, w, b, self.m)

    def step(self, w, b, d, db, steps, k=(1.0, -1.0), scales=(), ahead=False):
        return self._run(_step_block, self.family, w, b, d, db, np.asarray(steps), tuple(k),
                         np.asarray(scales), self.m, bool(ahead))

    def null(self, b):
        return self._run(_null_block, self.family, b, with_x=False)


def _row_vector(v, name, n, rows):
    """A 1-D dask array of n entries in the row chunks ``rows`` (numpy is wrapped)."""
    import dask.array as da

    v = da.asarray(v)
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got {v.ndim} dimensions.")
    if np.isnan(v.shape[0]):
        raise ValueError(f"{name} needs known chunk sizes (call .compute_chunk_sizes()).")
    if v.shape[0] != n:
        raise ValueError(f"X has {n} rows, {name} has {v.shape[0]} entries.")
    return v.rechunk((rows,))


def _tall_glm_data(family, X, y, sample_weight, offset, fit_intercept, class_weight):
    """Validate row-chunked (X, y, weights, offset) in one pass; the prepared problem."""
    import dask
    import dask.array as da

    if not is_dask_array(X):
        raise TypeError(
            f"X must be a dask.array.Array for the Dask GLM mode, got {type(X).__name__}. "
            "For X in memory (numpy or scipy.sparse), call the estimator's fit directly.")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got {X.ndim} dimensions.")
    if any(np.isnan(c) for c in X.shape):
        raise ValueError("X needs known chunk sizes (call X.compute_chunk_sizes()).")
    n, p = X.shape
    if n == 0 or p == 0:
        raise ValueError(f"X: needs at least one sample and one feature, got shape {X.shape}.")
    if p > GLM_MAX_FEATURES:
        raise ValueError(
            f"X has {p} features: the Dask GLM mode reduces a p x p matrix per Newton step "
            f"and supports at most {GLM_MAX_FEATURES}. For wide data fit in memory, or run "
            "cross-validation folds on the cluster (joblib.parallel_config(backend='dask')).")
    if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)
            or X.dtype == np.bool_):
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}.")
    X = X.rechunk({1: -1})     # every block a full row band
    rows = X.chunks[0]
    y = _row_vector(y, "y", n, rows)
    classes = None
    if family == "binomial":
        classes = np.asarray(da.unique(y).compute())
        if classes.size < 2:
            raise ValueError("y has one class only; logistic regression needs two.")
        if classes.size > 2:
            raise NotImplementedError(
                f"y has {classes.size} classes: the Dask GLM mode fits two classes "
                "(binomial) only; multinomial fits need X in memory.")
        y = da.where(y == classes[1], 1.0, -1.0)
    else:
        y = y.astype(np.float64)
    s = None
    if sample_weight is not None:
        s = _row_vector(sample_weight, "sample_weight", n, rows).astype(np.float64)
    if class_weight is not None:
        cw = _class_weights(class_weight, classes, y)
        factor = da.where(y > 0, cw[1], cw[0])
        s = factor if s is None else s * factor
    o = None
    if offset is not None:
        o = _row_vector(offset, "offset", n, rows).astype(np.float64)

    # the vectors only: X is checked by the fit's first pass (its Newton model)
    checks = {"y": da.isfinite(y).all()}
    one = da.ones(n, chunks=(rows,)) if s is None else s
    checks["total"] = one.sum()
    if s is not None:
        checks["s_finite"] = da.isfinite(s).all()
        checks["s_min"] = s.min()
    if o is not None:
        checks["o"] = da.isfinite(o).all()
    eo = None if o is None else da.exp(o)
    if family == "binomial":
        checks["pos"] = (one * (y > 0)).sum()
        checks["neg"] = (one * (y < 0)).sum()
    elif family == "poisson":
        checks["y_min"] = y.min()
        checks["sy"] = (one * y).sum()
        checks["seo"] = checks["total"] if o is None else (one * eo).sum()
    else:
        checks["y_min"] = y.min()
        checks["syeo"] = (one * y if o is None else one * y / eo).sum()
    (got,) = dask.compute(checks)
    if s is not None:
        if not got["s_finite"]:
            raise ValueError("sample_weight contains NaN or infinity.")
        if got["s_min"] < 0:
            raise ValueError("sample_weight must be non-negative; found negative weights.")
        if not got["total"] > 0:
            raise ValueError("sample_weight sums to zero; at least one must be positive.")
    if not got["y"]:
        raise ValueError("y contains NaN or infinity.")
    if o is not None and not got["o"]:
        raise ValueError("offset contains NaN or infinity.")
    total = float(got["total"])
    if family == "poisson":
        if got["y_min"] < 0:
            raise ValueError("y must be non-negative for Poisson regression; "
                             f"found min(y) = {float(got['y_min']):.4g}.")
        if not got["sy"] > 0:
            raise ValueError("y is zero for every sample (with positive weight): the "
                             "Poisson likelihood has no finite maximiser.")
    elif family == "gamma" and not got["y_min"] > 0:
        raise ValueError("y must be strictly positive for Gamma regression; "
                         f"found min(y) = {float(got['y_min']):.4g}.")
    if family == "binomial" and not (got["pos"] > 0 and got["neg"] > 0):
        raise ValueError("y has a single class (with positive weight); need two.")
    data = _TallGLM(family, X, y, None if s is None else s * (n / total), o, fit_intercept)
    data.raw_total = total
    data.classes = classes
    if fit_intercept:
        # the shift of the Newton sums (any shift is exact; one near the means keeps
        # the centring's cancellation small): the column means of the first row block
        m = np.asarray(X.blocks[0].mean(axis=0, dtype=np.float64).compute(), dtype=np.float64)
        data.m = np.where(np.isfinite(m), m, 0.0)
    # the intercept-only fit b0 (closed form, or Newton on b with an offset, binomial)
    if not fit_intercept:
        b0 = 0.0
    elif family == "binomial":
        b0 = float(np.log(got["pos"] / got["neg"]))
        if o is not None:
            b0 = _null_newton(data, b0)
    elif family == "poisson":
        b0 = float(np.log(got["sy"]) - np.log(got["seo"]))
    else:
        b0 = float(np.log(got["syeo"]) - np.log(total))
    data.b0 = b0
    data.null_loss = data.null(b0)["loss"]       # n F(0, b0)
    return data


def _class_weights(class_weight, classes, y):
    """The two class weights (classes[0], classes[1]) of ``class_weight`` (dict or 'balanced')."""
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"class_weight must be a dict, 'balanced' or None, "
                             f"got {class_weight!r}.")
        pos = float((y > 0).sum().compute())
        n = y.shape[0]
        # scikit-learn's compute_sample_weight('balanced'): n / (n_classes * count)
        return np.array([n / (2.0 * (n - pos)), n / (2.0 * pos)])
    if not isinstance(class_weight, dict):
        raise ValueError(f"class_weight must be a dict, 'balanced' or None, got "
                         f"{type(class_weight).__name__}.")
    unknown = set(class_weight) - set(classes.tolist())
    if unknown:
        raise ValueError(f"class_weight: labels {sorted(map(str, unknown))} are not in y.")
    return np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])


def _null_newton(data, b):
    """argmin_b sum_i s_i f_i(b + o_i) by Newton with backtracking (scalar passes, no X)."""
    cur = data.null(b)
    for _ in range(100):
        if abs(cur["grad"]) <= 1e-13 * data.n_samples:
            break
        step, t = -cur["grad"] / max(cur["hess"], 1e-300), 1.0
        while True:
            trial = data.null(b + t * step)
            if trial["loss"] <= cur["loss"] + _ARMIJO * t * cur["grad"] * step or t < 1e-10:
                break
            t *= 0.5
        b, cur = b + t * step, trial
    return b


def _armijo(steps, losses, w, d, primal, delta, slack, L1, L2, full_only=False):
    """The largest step t (in ``steps``, decreasing) with F(w + t d) <= F(w) + 1e-4 t delta
    (+ rounding slack), or None; ``full_only``: only t = 1 may pass."""
    for t, loss in zip(steps, losses):
        if full_only and t < 1:
            return None
        if loss + _penalty(w + t * d, L1, L2) <= primal + _ARMIJO * t * min(delta, 0.0) + slack:
            return float(t)
    return None


def _penalty(w, L1, L2):
    return L1 * float(np.abs(w).sum()) + 0.5 * L2 * float(w @ w)


def _dual_point(family, st, fit_intercept):
    """(k1, k2): theta = k1 u1 + k2 u2 sums to 0 (with an intercept), in the domain."""
    S1, S2 = st["S1"], st["S2"]
    if not fit_intercept:
        return 1.0, -1.0
    if family == "binomial":
        if S1 > S2:
            return S2 / S1, -1.0
        return 1.0, (-S1 / S2 if S2 > 0 else -1.0)
    if family == "poisson":
        return 1.0, -S1 / S2
    return S2 / S1, -1.0


def _dual_scales(v, L1, L2):
    """The scales t of the dual point tried by the gap: the largest L1-feasible one
    (the only kind without ridge), 1 and points between (concave in t)."""
    top = float(np.abs(v).max()) if v.size else 0.0
    t_feas = 1.0 if top <= L1 else L1 / top
    if L2 == 0.0:
        return np.array([t_feas])
    return np.unique([t_feas, t_feas ** 0.75, t_feas ** 0.5, t_feas ** 0.25, 1.0])


def _dual_value(conj, t, st, k, v, L1, L2):
    """D(t theta) in n F units (deviance form): conjugate sums, offset term, penalty's."""
    theta_o = k[0] * st["o1"] + k[1] * st["o2"]
    excess = np.maximum(np.abs(t * v) - L1, 0.0)
    if L2 > 0:
        pen = float(excess @ excess) / (2.0 * L2)
    else:
        # feasible by the choice of t, up to its rounding
        pen = 0.0 if excess.max(initial=0.0) <= 1e-12 * max(L1, 1e-300) else np.inf
    return -conj - t * theta_o - pen


def _newton_model(st, w, fit_intercept):
    """G = X_c^T W X_c, q = X_c^T W z_c, yy = z_c^T W z_c of the Newton model at w."""
    A, v, sW = st["A"], st["v"], st["sW"]
    grad = st["g1"] - st["g2"]               # X_m^T theta
    srr = st["srr"]
    if fit_intercept:
        mu = v / sW
        G = A - np.outer(v, mu)
        xt = grad - mu * (st["S1"] - st["S2"])   # X_c^T theta
        srr = srr - (st["S1"] - st["S2"]) ** 2 / sW
    else:
        G, xt = A, grad
    G = np.asfortranarray(0.5 * (G + G.T))
    Gw = G @ w
    q = np.ascontiguousarray(Gw + xt)
    yy = max(float(w @ Gw + 2.0 * (w @ xt) + srr), 0.0)
    return G, q, yy


def _polish(G, q, u, L1, L2):
    """The Newton model's exact minimiser on the orthant of u (one Cholesky solve of
    (G_SS + L2 I) u_S = q_S - L1 sign(u_S) on the support S), when it keeps the signs
    and the zero features' optimality conditions hold; else u.

    The Gram-mode solver stops at the rounding floor of its certificate (~1e-11
    relative to z^T W z); near the optimum the L1 certificate needs the Newton
    steps more accurate than that (a KKT violation delta costs ~ delta / L1 of
    the dual's scale), which this exact solve gives.
    """
    S = np.flatnonzero(u)
    if S.size == 0:
        return u
    H = G[np.ix_(S, S)] + L2 * np.eye(S.size)
    sign = np.sign(u[S])
    try:
        c, low = cho_factor(H)
        uS = cho_solve((c, low), q[S] - L1 * sign)
    except np.linalg.LinAlgError:
        return u
    if not np.all(np.isfinite(uS)) or np.any(np.sign(uS) != sign):
        return u
    cand = np.zeros_like(u)
    cand[S] = uS
    rest = np.ones(u.size, dtype=bool)
    rest[S] = False
    grad = q - G @ cand
    if np.any(np.abs(grad[rest]) > L1 * (1.0 + 1e-9)):
        return u
    return cand


def tall_glm_fit(family, X, y, *, alpha=None, C=None, l1_ratio=1.0, sample_weight=None,
                 offset=None, fit_intercept=True, tol=1e-4, max_iter=100, class_weight=None,
                 coef_init=None, intercept_init=None):
    """Penalised GLM on row-chunked dask data by distributed proximal Newton.

    Minimises the in-memory estimators' objective (see the section comment
    above; ``alpha`` or, binomial, scikit-learn's ``C``: alpha = 1 / (C S), S
    the sum of the raw weights).  Returns dict(coef, intercept, alpha, gap (F's
    1/n scaling: F(w, b) - F* <= gap), kkt, n_iter (Newton steps), n_passes
    (passes over X), classes (binomial), converged).
    """
    from ._core import Design, enet_solve

    if family not in GLM_FAMILIES:
        raise ValueError(f"family must be one of {GLM_FAMILIES}, got {family!r}.")
    l1_ratio = check_scalar_param(l1_ratio, "l1_ratio", low=0, high=1)
    check_scalar_param(tol, "tol", low=0)
    check_scalar_param(max_iter, "max_iter", low=1, integer=True)
    if alpha is not None and C is not None:
        raise ValueError("give alpha or C, not both.")
    if alpha is not None:
        alpha = check_scalar_param(alpha, "alpha", low=0, low_inclusive=False)
    elif C is not None:
        check_scalar_param(C, "C", low=0, low_inclusive=False)
    data = _tall_glm_data(family, X, y, sample_weight, offset, fit_intercept, class_weight)
    n, p = data.n_samples, data.n_features
    if alpha is None:
        alpha = 1.0 / ((1.0 if C is None else float(C)) * data.raw_total)
    L1, L2 = n * alpha * l1_ratio, n * alpha * (1.0 - l1_ratio)
    reference = data.null_loss
    if family != "binomial" and not reference > 0:
        reference = float(n)
    tol_abs = tol * reference
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64).reshape(p)
    b = 0.0 if not fit_intercept else (data.b0 if intercept_init is None
                                       else float(intercept_init))
    st = data.newton(w, b)
    if st["nonfinite"]:
        raise ValueError("X contains NaN or infinity.")
    if not (np.all(np.isfinite(st["A"])) and np.isfinite(st["loss"])):
        raise ValueError("X: values too large to square, or the linear predictor overflows "
                         "at the starting point (the Newton model is not finite); rescale X.")
    primal = st["loss"] + _penalty(w, L1, L2)
    prev_gap = primal
    gap, n_iter = np.inf, 0
    while True:
        k = _dual_point(family, st, fit_intercept)
        v = k[0] * (st["g1"]) + k[1] * (st["g2"])       # X^T theta (sums to 0 if intercept)
        scales = _dual_scales(v, L1, L2)
        steps = _STEPS if n_iter < max_iter else np.zeros(0)
        if len(steps):
            G, q, yy = _newton_model(st, w, fit_intercept)
            u = w.copy()
            res = np.ascontiguousarray(q - G @ u)
            # the model solved far below tol (p is small: local work is cheap next to a
            # pass over X): full Newton steps, quadratic convergence, fewest passes.  A
            # target looser than the current gap let the gap stall (the first gaps, with
            # a strongly scaled-down dual point, overestimate the error by far)
            enet_solve(Design(G, gram_n=n), u, res, q, yy, L1, L2,
                       tol_abs=min(1e-3 * tol_abs, 1e-3 * prev_gap), max_epochs=100_000)
            u = _polish(G, q, u, L1, L2)
            d = u - w
            sum_theta = st["S1"] - st["S2"]
            xtheta = (st["g1"] - st["g2"]) + data.m * sum_theta      # X^T theta
            if fit_intercept:
                db = (sum_theta - (st["v"] + data.m * st["sW"]) @ d) / st["sW"]
            else:
                db = 0.0
            pen_u = _penalty(u, L1, L2)
            delta = -(xtheta @ d) - sum_theta * db + pen_u - _penalty(w, L1, L2)
        else:
            d, db = np.zeros(p), 0.0
        # one pass: the gap of (w, b), the loss at 4 step sizes, the model at the full step
        out = data.step(w, b, d, db, steps, k, scales, ahead=len(steps) > 0)
        dual = max(_dual_value(c, t, st, k, v, L1, L2) for c, t in zip(out["conj"], scales))
        gap = max(primal - dual, 0.0)
        if gap <= tol_abs or not len(steps):
            break
        # Armijo on F along the direction, the largest step that passes; a predicted
        # change below F's rounding is taken whole if F does not rise beyond rounding
        # (the last Newton steps fix KKT violations whose effect on F is below its
        # rounding, but not on the certificate)
        slack = 8 * np.finfo(float).eps * np.sqrt(n) * abs(primal)
        tiny = delta >= -slack
        accepted = _armijo(steps, out["trial"], w, d, primal, delta, slack, L1, L2, tiny)
        if accepted is None and not tiny:
            more = data.step(w, b, d, db, _MORE_STEPS)
            accepted = _armijo(_MORE_STEPS, more["trial"], w, d, primal, delta, slack, L1, L2)
        if accepted is None or not (np.any(d) or db):
            break          # no descent left at this precision: report the gap reached
        if tiny and gap > 0.5 * prev_gap:
            break          # rounding-level steps no longer shrink the gap
        w, b = w + accepted * d, b + accepted * db
        n_iter += 1
        prev_gap = gap
        # the full step's model came with the pass; a shorter step needs its own
        st = out["ahead"] if accepted == 1.0 else data.newton(w, b)
        if not (np.all(np.isfinite(st["A"])) and np.isfinite(st["loss"])):
            raise ValueError("X: values too large to square (the Newton model is not "
                             "finite); rescale X.")
        primal = st["loss"] + _penalty(w, L1, L2)
    sum_theta = st["S1"] - st["S2"]
    xtheta = (st["g1"] - st["g2"]) + data.m * sum_theta
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    g = -xtheta / n + l2 * w
    viol = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    kkt = float(viol.max())
    if fit_intercept:
        kkt = max(kkt, abs(sum_theta) / n)
    return {"coef": w, "intercept": float(b), "alpha": float(alpha), "gap": gap / n,
            "kkt": kkt, "n_iter": n_iter, "n_passes": data.n_passes, "classes": data.classes,
            "converged": gap <= tol_abs, "tol_abs": tol_abs / n}


_DASK_UNSUPPORTED = ("penalty_factor", "exclude", "groups", "group_weights", "lower_bounds",
                     "upper_bounds")


def fit_dask_glm(estimator, family, X, y, sample_weight=None, offset=None):
    """``fit`` of LogisticRegression (family 'binomial'), PoissonRegression or
    GammaRegression on a ``dask.array`` X: :func:`tall_glm_fit` with the estimator's
    parameters; sets its fitted attributes and returns it."""
    from .linear_model import logistic_l1_ratio

    for name in _DASK_UNSUPPORTED:
        if getattr(estimator, name, None) is not None:
            raise ValueError(f"{name} is not supported with a dask.array X (the Dask GLM "
                             "mode); fit X in memory for glmnet's per-feature options.")
    if getattr(estimator, "standardize", False):
        raise ValueError("standardize=True is not supported with a dask.array X (the Dask "
                         "GLM mode); standardize the columns on the cluster first.")
    binomial = family == "binomial"
    if binomial:
        l1_ratio = logistic_l1_ratio(estimator.penalty, estimator.l1_ratio)
        check_choice(estimator.multi_class, "multi_class", {"multinomial", "ovr"})
        alpha, C, class_weight = estimator.alpha, estimator.C, estimator.class_weight
    else:
        l1_ratio = logistic_l1_ratio(estimator.penalty, estimator.l1_ratio,
                                     choices=("l1", "l2", "elasticnet"))
        alpha, C, class_weight = estimator.alpha, None, None
    if alpha is not None and C is None and alpha == 0:
        raise ValueError("alpha=0 is not supported with a dask.array X (the Dask GLM mode "
                         "certifies penalized fits only); pass alpha > 0.")
    prev = getattr(estimator, "coef_", None) if estimator.warm_start else None
    if prev is not None and np.size(prev) != X.shape[1]:
        prev = None
    res = tall_glm_fit(family, X, y, alpha=alpha, C=C, l1_ratio=l1_ratio,
                       sample_weight=sample_weight, offset=offset,
                       fit_intercept=estimator.fit_intercept, tol=estimator.tol,
                       max_iter=estimator.max_iter, class_weight=class_weight,
                       coef_init=None if prev is None else np.ravel(prev),
                       intercept_init=None if prev is None else
                       float(np.ravel(estimator.intercept_)[0]))
    if not res["converged"]:
        model = "Logistic regression" if binomial else f"{family.capitalize()} regression"
        meaning = ("tol * intercept-only loss" if binomial
                   else "tol * intercept-only half deviance")
        warn_unconverged([(res["alpha"], res["gap"], res["tol_abs"], res["n_iter"])], 1,
                         model, meaning, "Newton steps")
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    coef = np.asarray(res["coef"], dtype=np.float64)
    if binomial:
        estimator.classes_ = res["classes"]
        estimator.coef_ = coef[None, :]
        estimator.intercept_ = np.array([res["intercept"]])
        estimator.multi_class_ = "binary"
        estimator.dual_gap_ = np.array([res["gap"]])
        estimator.kkt_violation_ = np.array([res["kkt"]])
        estimator.n_iter_ = np.array([res["n_iter"]])
    else:
        estimator.coef_ = coef
        estimator.intercept_ = res["intercept"]
        estimator.dual_gap_ = res["gap"]
        estimator.kkt_violation_ = res["kkt"]
        estimator.n_iter_ = res["n_iter"]
    estimator.alpha_ = res["alpha"]
    estimator.n_passes_ = res["n_passes"]
    estimator.n_features_in_ = X.shape[1]
    return estimator


def fit_glm(X, y, *, family="binomial", alpha, l1_ratio=1.0, sample_weight=None, offset=None,
            fit_intercept=True, tol=1e-4, max_iter=100):
    """Fit a penalized GLM on tall, row-chunked data: the Dask mode of the estimators.

    ``family`` 'binomial' (:class:`penalized.LogisticRegression`, two classes),
    'poisson' (:class:`penalized.PoissonRegression`) or 'gamma'
    (:class:`penalized.GammaRegression`); the objective and ``alpha`` scaling
    are theirs, with sample weights s rescaled to sum n and eta = X w + b + offset::

        1/n sum_i s_i f_i(eta_i) + alpha * l1_ratio * ||w||_1
                                 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

    (f_i the binomial loss log(1 + exp(-y_i eta_i)), y_i in {-1, +1} (the larger
    label +1); Poisson exp(eta_i) - y_i eta_i; Gamma y_i exp(-eta_i) + eta_i).
    ``X`` (n, p) is a ``dask.array`` chunked by rows, with p at most
    ``GLM_MAX_FEATURES``; ``y``, ``sample_weight``, ``offset`` dask or numpy
    arrays of n entries.  Equivalent to ``Estimator(penalty='elasticnet',
    alpha=alpha, l1_ratio=l1_ratio, ...).fit(X, y, sample_weight, offset)`` with
    a dask X.

    Each proximal Newton step reduces over the row chunks, where they live (the
    active ``distributed.Client``): the loss, the gradient X^T theta and the
    Newton model's X^T W X, X^T W and sum W (W = s f''(eta)); the model (a
    weighted least-squares elastic net in Gram form) is solved on the client by
    the core's Gram-mode solver; the next pass evaluates the conjugate sums of
    the dual point (the gap), the true loss at 4 step sizes (Armijo) and the
    model's sums at the full step, the next point when Armijo takes it.
    ``tol`` bounds the duality gap as in memory: gap <= tol * F(0, b0)
    (binomial: the intercept-only loss; Poisson / Gamma: the intercept-only
    half mean deviance).  ``dual_gap_`` (F's 1/n scaling) bounds F(w, b) - F*.
    Passes over X: about the Newton steps + 2 (5-8 at ``tol=1e-8``); persist X
    (``X = X.persist()``) so that each pass reads it from the workers' memory.

    Returns the fitted estimator (coef_, intercept_, dual_gap_, kkt_violation_,
    n_iter_, n_passes_ (passes over X), n_features_in_; classes_ for binomial).
    It predicts on numpy / scipy.sparse input; for a dask X use
    ``X @ coef.T + intercept`` (and the inverse link) on the cluster.
    """
    if not is_dask_array(X):
        raise TypeError(
            f"fit_glm needs X as a dask.array.Array, got {type(X).__name__}; for X in "
            "memory use penalized.LogisticRegression / PoissonRegression / GammaRegression.")
    if family not in GLM_FAMILIES:
        raise ValueError(f"family must be one of {GLM_FAMILIES}, got {family!r}.")
    from .linear_model import GammaRegression, LogisticRegression, PoissonRegression

    cls = {"binomial": LogisticRegression, "poisson": PoissonRegression,
           "gamma": GammaRegression}[family]
    model = cls("elasticnet", alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                tol=tol, max_iter=max_iter)
    return model.fit(X, y, sample_weight=sample_weight, offset=offset)
