"""glmnet's limits (lower_bounds / upper_bounds) for the GLM losses.

Each fit is checked against an independent reference: the box-constrained
problem rewritten smooth (w = u - v, 0 <= u <= hi, 0 <= v <= -lo, the L1 term
linear) and solved by scipy's L-BFGS-B, with objectives recomputed in numpy.
"""
import numpy as np
import pytest
import scipy.optimize as so
from scipy.special import expit, logsumexp

from penalized import LogisticRegression, PoissonRegression, GammaRegression
from penalized import logistic_path, poisson_path
import penalized.model_selection


def _limits(p, rng):
    lo = np.where(rng.random(p) < 0.4, 0.0, np.where(rng.random(p) < 0.5, -0.2, -np.inf))
    hi = np.where(rng.random(p) < 0.3, 0.0, np.where(rng.random(p) < 0.5, 0.15, np.inf))
    return lo, hi


def _loss(kind, eta, y):
    """Mean loss and its gradient in eta (numpy, independent of the package)."""
    n = eta.shape[0]
    if kind == "binomial":
        e = eta[:, 0]
        return np.mean(np.logaddexp(0, -y * e)), (-y * expit(-y * e) / n)[:, None]
    if kind == "multinomial":
        lse = logsumexp(eta, axis=1)
        P = np.exp(eta - lse[:, None])
        return np.mean(lse - (eta * y).sum(1)), (P - y) / n
    if kind == "poisson":
        e = eta[:, 0]
        return np.mean(np.exp(e) - y * e), ((np.exp(e) - y) / n)[:, None]
    e = eta[:, 0]                                   # gamma
    return np.mean(y * np.exp(-e) + e), ((1 - y * np.exp(-e)) / n)[:, None]


def _reference(kind, X, y, alpha, l1_ratio, lo, hi, K):
    """min over (W, b) of the mean loss + alpha (l1_ratio |W|_1 + (1-l1_ratio)/2 |W|^2)
    with lo <= W <= hi, by L-BFGS-B on the split form; returns (F, W)."""
    n, p = X.shape
    a1, a2 = alpha * l1_ratio, alpha * (1 - l1_ratio)

    def fun(z):
        U = z[:p * K].reshape(p, K)
        V = z[p * K:2 * p * K].reshape(p, K)
        b = z[2 * p * K:]
        W = U - V
        f, G = _loss(kind, X @ W + b, y)
        gw = X.T @ G + a2 * W
        f += a1 * (U.sum() + V.sum()) + a2 / 2 * np.sum(W * W)
        return f, np.concatenate([(gw + a1).ravel(), (-gw + a1).ravel(), G.sum(0)])

    bounds = ([(0, h) for h in hi for _ in range(K)] + [(0, -l) for l in lo for _ in range(K)]
              + [(None, None)] * K)
    res = so.minimize(fun, np.zeros(2 * p * K + K), jac=True, method="L-BFGS-B",
                      bounds=bounds, options=dict(ftol=1e-16, gtol=1e-13, maxiter=20000,
                                                  maxfun=40000))
    z = res.x
    return res.fun, (z[:p * K] - z[p * K:2 * p * K]).reshape(p, K)


def _objective(kind, X, y, W, b, alpha, l1_ratio):
    f, _ = _loss(kind, X @ W + b, y)
    return f + alpha * (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * np.sum(W * W))


def _data(kind, rng, n=90, p=10):
    X = rng.standard_normal((n, p))
    w = rng.standard_normal(p) * 0.5
    if kind == "binomial":
        y = np.where(X @ w + 0.3 * rng.standard_normal(n) > 0, 1, 0)
    elif kind == "multinomial":
        y = rng.integers(0, 3, n) + (X[:, 0] > 0.5)
    elif kind == "poisson":
        y = rng.poisson(np.exp(0.3 * X @ w)).astype(float)
    else:
        y = rng.gamma(2.0, np.exp(0.3 * X @ w) / 2.0)
    return X, y


def _estimator(kind, **kw):
    if kind in ("binomial", "multinomial"):
        return LogisticRegression(penalty="elasticnet", **kw)
    return (PoissonRegression if kind == "poisson" else GammaRegression)(
        penalty="elasticnet", **kw)


@pytest.mark.parametrize("kind", ["binomial", "multinomial", "poisson", "gamma"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("seed", [0, 1])
def test_limits_match_box_constrained_reference(kind, l1_ratio, seed):
    rng = np.random.default_rng(seed)
    X, y = _data(kind, rng)
    lo, hi = _limits(X.shape[1], rng)
    est = _estimator(kind, alpha=0.02, l1_ratio=l1_ratio, tol=1e-12, max_iter=500,
                     lower_bounds=lo, upper_bounds=hi).fit(X, y)
    W = est.coef_.T if kind == "multinomial" else est.coef_.reshape(-1, 1)
    b = np.atleast_1d(est.intercept_)
    K = W.shape[1]
    Y = (y[:, None] == est.classes_[None, :]).astype(float) if kind == "multinomial" else \
        (np.where(y > 0, 1.0, -1.0) if kind == "binomial" else y)
    assert np.all(W >= lo[:, None]) and np.all(W <= hi[:, None])
    f_ref, W_ref = _reference(kind, X, Y, 0.02, l1_ratio, lo, hi, K)
    f_ours = _objective(kind, X, Y, W, b, 0.02, l1_ratio)
    # ours is at least as good as the reference (to rounding) and within the gap
    assert f_ours <= f_ref + 1e-10
    assert est.dual_gap_ <= 1e-10 * max(1.0, abs(f_ours)) + 1e-12
    np.testing.assert_allclose(W, W_ref, atol=1e-4)
    # the limits bind somewhere: the check is not of an unconstrained fit
    free = _estimator(kind, alpha=0.02, l1_ratio=l1_ratio, tol=1e-12, max_iter=500).fit(X, y)
    assert not np.allclose(np.ravel(free.coef_), np.ravel(est.coef_), atol=1e-6)


@pytest.mark.parametrize("kind", ["binomial", "poisson"])
def test_limits_gap_bounds_suboptimality(kind):
    """The certificate is honest at a loose tolerance too: F - F_ref <= gap."""
    rng = np.random.default_rng(3)
    X, y = _data(kind, rng, n=120, p=25)
    lo, hi = _limits(X.shape[1], rng)
    Y = np.where(y > 0, 1.0, -1.0) if kind == "binomial" else y
    f_ref, _ = _reference(kind, X, Y, 0.01, 1.0, lo, hi, 1)
    for tol in (1e-2, 1e-4, 1e-6):
        est = _estimator(kind, alpha=0.01, l1_ratio=1.0, tol=tol, lower_bounds=lo,
                         upper_bounds=hi).fit(X, y)
        f = _objective(kind, X, Y, est.coef_.reshape(-1, 1), np.atleast_1d(est.intercept_),
                       0.01, 1.0)
        assert f - f_ref <= est.dual_gap_ + 1e-12


def test_positive_logistic_alpha_max_is_one_sided():
    """With lower_bounds=0 the path starts where the largest positive correlation
    enters (features that only correlate negatively never do)."""
    rng = np.random.default_rng(4)
    X, y = _data("binomial", rng, n=100, p=8)
    X[:, 0] = -np.abs(X[:, 0]) * (2 * y - 1)        # strongly anti-correlated with y
    alphas, coefs, _ = logistic_path(X, y, l1_ratio=1.0, lower_bounds=0.0, alphas=20,
                                     tol=1e-10)[:3]
    assert np.all(coefs >= 0)
    assert not np.any(coefs[:, 0])                   # alpha_max: all zero
    assert np.any(coefs[:, 1])                       # just below: something enters
    assert not np.any(coefs[0])                      # the negative feature never does


def test_poisson_path_limits_and_errors():
    rng = np.random.default_rng(5)
    X, y = _data("poisson", rng)
    lo, hi = _limits(X.shape[1], rng)
    alphas, coefs, gaps = poisson_path(X, y, lower_bounds=lo, upper_bounds=hi, alphas=10)[:3]
    assert np.all(coefs >= lo[:, None]) and np.all(coefs <= hi[:, None])
    with pytest.raises(ValueError, match="lower_bounds"):
        PoissonRegression(lower_bounds=1.0).fit(X, y)
    with pytest.raises(ValueError, match="upper_bounds"):
        PoissonRegression(upper_bounds=-np.ones(X.shape[1])).fit(X, y)
    with pytest.raises(ValueError, match="lower_bounds"):
        PoissonRegression(lower_bounds=np.zeros(3)).fit(X, y)
    with pytest.raises(ValueError, match="limits"):
        LogisticRegression(penalty="group", lower_bounds=0.0).fit(
            X, rng.integers(0, 3, X.shape[0]))


def test_cv_estimators_take_limits_and_groups():
    """The CV estimators pass limits and groups to every fold, the grid and the refit:
    the refit equals the single fit at alpha_ with the same options."""
    from penalized import LogisticRegressionCV, PoissonRegressionCV
    rng = np.random.default_rng(6)
    X, y = _data("poisson", rng, n=120, p=9)
    cv = PoissonRegressionCV(alphas=8, cv=3, lower_bounds=0.0, tol=1e-10).fit(X, y)
    assert np.all(cv.coef_path_ >= 0)
    single = PoissonRegression("l1", alpha=cv.alpha_, lower_bounds=0.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-7)
    groups = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    cvg = PoissonRegressionCV(alphas=8, cv=3, groups=groups, tol=1e-10).fit(X, y)
    for g in range(3):
        block = cvg.coef_path_[3 * g:3 * g + 3]
        assert np.all((block != 0).all(axis=0) | (block == 0).all(axis=0))
    Xb, yb = _data("binomial", rng, n=120, p=9)
    lcv = LogisticRegressionCV("l1", alphas=6, cv=3, groups=groups, tol=1e-10).fit(Xb, yb)
    ref = LogisticRegression("l1", alpha=lcv.alpha_, groups=groups, tol=1e-10).fit(Xb, yb)
    np.testing.assert_allclose(lcv.coef_, ref.coef_, atol=1e-7)
    lcv = LogisticRegressionCV("l1", alphas=6, cv=3, upper_bounds=0.1, tol=1e-10).fit(Xb, yb)
    assert lcv.coef_.max() <= 0.1


def test_cox_limits_match_box_constrained_reference():
    """Cox regression with limits: against L-BFGS-B on the split problem, the partial
    likelihood written out over explicit risk sets (Breslow) in numpy."""
    from penalized import CoxRegression, CoxRegressionCV
    rng = np.random.default_rng(9)
    n, p = 80, 6
    X = rng.standard_normal((n, p))
    time = rng.exponential(np.exp(-(X[:, 0] - 0.7 * X[:, 1] + 0.5 * X[:, 2])))
    event = (rng.random(n) < 0.7).astype(float)
    lo = np.array([0.0, 0.0, -np.inf, -0.1, -np.inf, 0.0])
    hi = np.array([0.3, np.inf, 0.0, np.inf, np.inf, np.inf])
    alpha, rho = 0.01, 1.0
    risk = time[None, :] >= time[:, None]           # risk[i, j]: j at risk at t_i

    def fun(z):
        u, v = z[:p], z[p:]
        w = u - v
        eta = X @ w
        e = np.exp(eta - eta.max())
        denom = risk @ e
        loss = np.sum(event * (np.log(denom) + eta.max() - eta)) / n
        # gradient: sum_i d_i (sum_j in R_i x_j e_j / denom_i - x_i) / n
        g = (X.T @ (e * (risk.T @ (event / denom))) - X.T @ event) / n
        val = loss + alpha * rho * np.sum(u + v)
        return val, np.concatenate([g + alpha * rho, -g + alpha * rho])

    res = so.minimize(fun, np.zeros(2 * p), jac=True, method="L-BFGS-B",
                      bounds=[(0, h) for h in hi] + [(0, -l) for l in lo],
                      options=dict(ftol=1e-16, gtol=1e-13, maxiter=20000))
    y = np.column_stack([time, event])
    est = CoxRegression("l1", alpha=alpha, tol=1e-12, lower_bounds=lo,
                        upper_bounds=hi).fit(X, y)
    w = est.coef_
    assert np.all(w >= lo) and np.all(w <= hi)
    f_ours = fun(np.concatenate([np.maximum(w, 0), np.maximum(-w, 0)]))[0]
    assert f_ours <= res.fun + 1e-10 and est.dual_gap_ <= 1e-10
    np.testing.assert_allclose(w, res.x[:p] - res.x[p:], atol=1e-5)
    for tol in (1e-3, 1e-6):
        loose = CoxRegression("l1", alpha=alpha, tol=tol, lower_bounds=lo,
                              upper_bounds=hi).fit(X, y)
        f = fun(np.concatenate([np.maximum(loose.coef_, 0), np.maximum(-loose.coef_, 0)]))[0]
        assert f - res.fun <= loose.dual_gap_ + 1e-12
    cv = CoxRegressionCV(alphas=6, cv=3, lower_bounds=lo, upper_bounds=hi).fit(X, y)
    assert np.all(cv.coef_path_ >= lo[:, None]) and np.all(cv.coef_path_ <= hi[:, None])
    assert "deviance" in penalized.model_selection.cv_criterion(cv)
