"""Shared fixtures and independent numpy references for the tests."""

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from penalized import _core

SHARED_DATA = Path(os.environ.get("PENALIZED_SHARED_DATA",
                                  Path(__file__).resolve().parents[2] / "shared" / "data"))


def load_shared(name):
    """Load ../shared/data/<name>.npz as (X, y); skip the test when absent."""
    path = SHARED_DATA / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"shared dataset {path} not available")
    z = np.load(path, allow_pickle=False)
    if "indptr" in z.files:
        X = sp.load_npz(path).tocsc()
    else:
        X = np.asarray(z["X"], dtype=np.float64)
    return X, np.asarray(z["y"], dtype=np.float64)


def _center(X, y, sw, fit_intercept):
    """Dense weighted-centred copies (reference only; the library never does this)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    Xd = Xd.astype(np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64) * n / np.sum(sw)
    if fit_intercept:
        xm = s @ Xd / n
        ym = s @ y / n
    else:
        xm, ym = np.zeros(Xd.shape[1]), 0.0
    return Xd - xm, y - ym, s, xm, ym


def enet_objective(X, y, w, b, alpha, l1_ratio, sample_weight=None):
    """1/(2n) sum s_i (y_i - x_i w - b)^2 + alpha*rho*|w|_1 + alpha*(1-rho)/2 |w|^2, in numpy."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    w = np.asarray(w, dtype=np.float64)
    r = np.asarray(y, dtype=np.float64) - Xd @ w - b
    return (0.5 * np.sum(s * r * r) / n + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


def enet_gap(X, y, w, alpha, l1_ratio, sample_weight=None, fit_intercept=True, positive=False,
             w_cert=None):
    """Duality gap (1/(2n) scaling), computed in float64 numpy.

    Best of two dual points: the elastic net as a Lasso on [X; sqrt(l2) I] with
    theta = scale * r, scale = min(1, l1 / ||X^T S r - l2 w||_inf); and, when
    l2 > 0, the Fenchel dual at theta = r,
    D = y.S r - r.S r / 2 - sum_j (|x_j^T S r| - l1)_+^2 / (2 l2).
    The dual point is built from the residual of ``w_cert`` (the library's
    certificate, default w), made feasible here over *all* features.
    Independent of the library's code.
    Returns (gap, target_unit) where target_unit = sum s (y - ybar)^2 / n.
    """
    Xc, yc, s, _, _ = _center(X, y, sample_weight, fit_intercept)
    n = Xc.shape[0]
    w = np.asarray(w, dtype=np.float64)
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    r = yc - Xc @ w
    primal = 0.5 * np.sum(s * r * r) + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w
    if w_cert is not None:
        w = np.asarray(w_cert, dtype=np.float64)
        r = yc - Xc @ w
    corr = Xc.T @ (s * r) - l2 * w
    dn = corr.max() if positive else np.abs(corr).max()
    scale = min(1.0, l1 / dn) if dn > 0 else 1.0
    rr, ry = np.sum(s * r * r), np.sum(s * r * yc)
    dual = scale * ry - 0.5 * scale ** 2 * (rr + l2 * w @ w) if l1 > 0 else -np.inf
    if l2 > 0:
        c = Xc.T @ (s * r)
        c = np.maximum(c if positive else np.abs(c), l1) - l1
        dual = max(dual, ry - 0.5 * rr - np.sum(c * c) / (2 * l2))
    return (primal - dual) / n, np.sum(s * yc * yc) / n


def enet_kkt_violation(X, y, w, alpha, l1_ratio, sample_weight=None, fit_intercept=True):
    """max_j distance of the gradient of the smooth part to -alpha*rho*d|w_j| (1/n scaling)."""
    Xc, yc, s, _, _ = _center(X, y, sample_weight, fit_intercept)
    n = Xc.shape[0]
    w = np.asarray(w, dtype=np.float64)
    grad = -Xc.T @ (s * (yc - Xc @ w)) / n + alpha * (1 - l1_ratio) * w
    lam = alpha * l1_ratio
    viol = np.where(w != 0, np.abs(grad + lam * np.sign(w)), np.maximum(np.abs(grad) - lam, 0))
    return viol.max()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def make_regression(n=60, p=40, density=None, seed=0, n_informative=5, dtype=np.float64,
                    shift=0.0):
    """Correlated regression problem; sparse CSC when density is given."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = rng.standard_normal((n, p)) + 0.3 * rng.standard_normal((n, 1)) + shift
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal)
        X.data += shift
    w = np.zeros(p)
    w[:n_informative] = rng.uniform(1, 3, n_informative) * rng.choice([-1, 1], n_informative)
    y = np.asarray(X @ w).ravel() + 0.5 * rng.standard_normal(n) + 2.0
    return X.astype(dtype), y.astype(dtype)


def logistic_objective(X, y, w, b, alpha, l1_ratio, sample_weight=None):
    """1/n sum s_i log(1+exp(-y_i(x_i w + b))) + alpha*rho*|w|_1 + alpha*(1-rho)/2 |w|^2.

    y in {-1, +1}; weights rescaled to sum n.  Plain numpy.
    """
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    w = np.asarray(w, dtype=np.float64)
    m = -np.asarray(y, dtype=np.float64) * (Xd @ w + b)
    return (np.sum(s * np.logaddexp(0.0, m)) / n + alpha * l1_ratio * np.abs(w).sum()
            + 0.5 * alpha * (1 - l1_ratio) * w @ w)


def logistic_kkt_violation(X, y, w, b, alpha, l1_ratio, sample_weight=None, fit_intercept=True):
    """Largest violation of the optimality conditions of logistic_objective (numpy)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    y = np.asarray(y, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    dloss = -s * y / (1.0 + np.exp(y * (Xd @ w + b)))      # d/d eta of s log(1+exp(-y eta))
    grad = Xd.T @ dloss / n + alpha * (1 - l1_ratio) * w
    l1 = alpha * l1_ratio
    viol = np.where(w != 0, np.abs(grad + l1 * np.sign(w)), np.maximum(np.abs(grad) - l1, 0.0))
    out = float(viol.max())
    if fit_intercept:
        out = max(out, abs(float(dloss.sum())) / n)
    return out


def logistic_reference(X, y, alpha, l1_ratio, sample_weight=None, fit_intercept=True):
    """Minimiser of logistic_objective by L-BFGS-B on the split w = u - v, u, v >= 0.

    A smooth, independent reformulation (scipy only); accurate to ~1e-9 on
    small well-conditioned problems.
    """
    from scipy.optimize import minimize

    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = Xd.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    y = np.asarray(y, dtype=np.float64)
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)

    def f(z):
        w = z[:p] - z[p:2 * p]
        b = z[-1] if fit_intercept else 0.0
        m = -y * (Xd @ w + b)
        val = np.sum(s * np.logaddexp(0.0, m)) / n + l1 * z[:2 * p].sum() + 0.5 * l2 * w @ w
        d = -s * y / (1.0 + np.exp(-m)) / n
        gw = Xd.T @ d + l2 * w
        return val, np.concatenate([gw + l1, -gw + l1, [d.sum() if fit_intercept else 0.0]])

    bounds = [(0, None)] * (2 * p) + [(None, None)]
    r = minimize(f, np.zeros(2 * p + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(maxiter=50000, maxfun=100000, ftol=1e-16, gtol=1e-13))
    return r.x[:p] - r.x[p:2 * p], (r.x[-1] if fit_intercept else 0.0)


def make_classification(n=80, p=30, density=None, seed=0, n_informative=4, dtype=np.float64):
    """Labels from a sparse logistic model; dense F-order or CSC X."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = np.asfortranarray(rng.standard_normal((n, p)).astype(dtype))
        Xd = X
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal).astype(dtype)
        Xd = X.toarray()
    w = np.zeros(p)
    w[:n_informative] = rng.choice([-2.0, 2.0], n_informative)
    eta = Xd @ w + 0.3
    y = np.where(rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-eta)), 1.0, -1.0)
    return X, y


def _softmax_parts(Xd, W, b):
    """(eta, logsumexp(eta)) for coefficients W (K, p) and intercepts b (K,)."""
    eta = Xd @ np.asarray(W, dtype=np.float64).T + b
    top = eta.max(axis=1, keepdims=True)
    return eta, (top + np.log(np.exp(eta - top).sum(axis=1, keepdims=True)))[:, 0]


def multinomial_objective(X, codes, W, b, alpha, l1_ratio, sample_weight=None):
    """1/n sum s_i (logsumexp(eta_i) - eta_i,c_i) + alpha*rho*|W|_1 + alpha*(1-rho)/2 |W|^2.

    ``codes``: class index 0..K-1 of every sample; W (K, p); plain numpy.
    """
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    W = np.asarray(W, dtype=np.float64)
    eta, lse = _softmax_parts(Xd, W, b)
    return (np.sum(s * (lse - eta[np.arange(n), codes])) / n
            + alpha * l1_ratio * np.abs(W).sum() + 0.5 * alpha * (1 - l1_ratio) * np.sum(W * W))


def multinomial_kkt_violation(X, codes, W, b, alpha, l1_ratio, sample_weight=None,
                              fit_intercept=True):
    """Largest violation of the optimality conditions of multinomial_objective (numpy)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    W = np.asarray(W, dtype=np.float64)
    eta, lse = _softmax_parts(Xd, W, b)
    P = np.exp(eta - lse[:, None])
    Y = np.eye(W.shape[0])[codes]
    dloss = s[:, None] * (P - Y) / n                    # d/d eta of the mean loss
    grad = dloss.T @ Xd + alpha * (1 - l1_ratio) * W
    l1 = alpha * l1_ratio
    viol = np.where(W != 0, np.abs(grad + l1 * np.sign(W)), np.maximum(np.abs(grad) - l1, 0.0))
    out = float(viol.max())
    if fit_intercept:
        out = max(out, float(np.abs(dloss.sum(axis=0)).max()))
    return out


def multinomial_reference(X, codes, alpha, l1_ratio, sample_weight=None, fit_intercept=True):
    """Minimiser of multinomial_objective by L-BFGS-B on the split W = U - V, U, V >= 0."""
    from scipy.optimize import minimize

    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = Xd.shape
    K = int(codes.max()) + 1
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight) * n / np.sum(sample_weight)
    Y = np.eye(K)[codes]
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)
    m = p * K

    def f(z):
        W = (z[:m] - z[m:2 * m]).reshape(K, p)
        b = z[2 * m:] if fit_intercept else np.zeros(K)
        eta, lse = _softmax_parts(Xd, W, b)
        val = (np.sum(s * (lse - np.sum(eta * Y, axis=1))) / n + l1 * z[:2 * m].sum()
               + 0.5 * l2 * np.sum(W * W))
        d = s[:, None] * (np.exp(eta - lse[:, None]) - Y) / n
        gW = (d.T @ Xd + l2 * W).ravel()
        gb = d.sum(axis=0) if fit_intercept else np.zeros(K)
        return val, np.concatenate([gW + l1, -gW + l1, gb])

    bounds = [(0, None)] * (2 * m) + [(None, None)] * K
    r = minimize(f, np.zeros(2 * m + K), jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(maxiter=50000, maxfun=100000, ftol=1e-16, gtol=1e-13))
    W = (r.x[:m] - r.x[m:2 * m]).reshape(K, p)
    return W, (r.x[2 * m:] if fit_intercept else np.zeros(K))


def make_multiclass(n=90, p=12, K=3, density=None, seed=0, dtype=np.float64):
    """Labels 0..K-1 from a sparse softmax model; dense F-order or CSC X."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = np.asfortranarray(rng.standard_normal((n, p)).astype(dtype))
        Xd = X.astype(np.float64)
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal).astype(dtype)
        Xd = X.toarray().astype(np.float64)
    W = np.zeros((p, K))
    W[:3] = rng.choice([-1.5, 1.5], (3, K))
    codes = np.argmax(Xd @ W + rng.gumbel(size=(n, K)), axis=1)
    return X, codes


def exact_enet_optimum(X, y, alpha, l1_ratio, sw=None, fit_intercept=True, positive=False):
    """(P*, P, P(0)) for the elastic net on small p, P on the centred problem.

    P(w) = 1/(2n) sum_i s_i (y_c,i - x_c,i.w)^2 + alpha l1_ratio |w|_1
    + alpha (1 - l1_ratio)/2 |w|^2 (s rescaled to sum n; centred with the weighted
    means when ``fit_intercept``).  P* is the minimum over the 3^p (2^p with
    ``positive``) restricted stationary points of the sign patterns: every
    candidate is feasible and the optimum is one of them, so P(w) - P* is a lower
    bound on w's suboptimality whatever the rounding of the solves.
    """
    import itertools
    n, p = X.shape
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    xm = s @ X / n if fit_intercept else np.zeros(p)
    ym = s @ y / n if fit_intercept else 0.0
    Xc, yc = X - xm, y - ym
    G, c = Xc.T @ (Xc * s[:, None]) / n, Xc.T @ (s * yc) / n
    l1, l2 = alpha * l1_ratio, alpha * (1 - l1_ratio)

    def P(w):
        r = yc - Xc @ w
        return 0.5 * np.sum(s * r * r) / n + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w

    best = P(np.zeros(p))
    for signs in itertools.product((0, 1) if positive else (-1, 0, 1), repeat=p):
        sg = np.array(signs, float)
        A = sg != 0
        if A.any():
            w = np.zeros(p)
            w[A] = np.linalg.lstsq(G[np.ix_(A, A)] + l2 * np.eye(A.sum()),
                                   c[A] - l1 * sg[A], rcond=None)[0]
            if positive:
                w = np.maximum(w, 0.0)      # still feasible
            best = min(best, P(w))
    return best, P, P(np.zeros(p))


def glm_mean_loss(kind, eta, y):
    """(1/n sum_i f_i(eta_i), d/d eta of it) for kind 'binomial' (y in {0, 1}),
    'poisson' (f = exp(eta) - y eta) or 'gamma' (f = y exp(-eta) + eta)."""
    n = eta.shape[0]
    if kind == "binomial":
        from scipy.special import expit
        s = np.where(y > 0, 1.0, -1.0)
        return np.mean(np.logaddexp(0, -s * eta)), -s * expit(-s * eta) / n
    if kind == "poisson":
        return np.mean(np.exp(eta) - y * eta), (np.exp(eta) - y) / n
    return np.mean(y * np.exp(-eta) + eta), (1 - y * np.exp(-eta)) / n


needs_openmp = pytest.mark.skipif(not _core.openmp_enabled(),
                                  reason="the extension was built without OpenMP")


@pytest.fixture
def three_threads():
    """OpenMP's limit raised to 3 in the calling thread (2 cores here: 3 threads also
    exercise an uneven split; CV folds run in the calling thread with n_jobs=None)."""
    with threadpool_limits(limits=3, user_api="openmp"):
        if _core.resolve_threads(3) != 3:
            pytest.skip("threadpoolctl cannot set the extension's OpenMP limit")
        yield
