"""Unpenalized features (penalty_factor = 0) in the GLM models.

The dual of an unpenalized coefficient is the equality x_j.Theta = 0; the driver
projects its dual point onto it, keeps those features in every working set and
hands them to the least-squares core's free block in each Newton model.  Checked
here against an independent reference: the problem rewritten smooth (w = u - v,
u, v >= 0, the L1 term linear) and solved by scipy's L-BFGS-B, with the objective
recomputed in numpy.
"""
import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp
from scipy.special import logsumexp

from conftest import glm_mean_loss
from penalized import (GammaRegression, LogisticRegression, PoissonRegression,
                       logistic_path, poisson_path)

N, P = 100, 12
FREE = [0, 1, 5]


def _data(kind, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    X[:, 0] += 3.0            # a shifted and a wide unpenalized column
    X[:, 1] *= 5.0
    w = rng.standard_normal(P)
    if kind == "binomial":
        y = (0.5 * X @ w + 0.3 * rng.standard_normal(N) > 0).astype(int)
    elif kind == "poisson":
        y = rng.poisson(np.exp(0.1 * X @ w)).astype(float)
    else:
        y = rng.gamma(2.0, np.exp(0.1 * X @ w) / 2.0)
    return X, y


def _objective(kind, X, y, w, b, alpha, l1_ratio, f):
    loss, _ = glm_mean_loss(kind, X @ w + b, y)
    return loss + alpha * np.sum(f * (l1_ratio * np.abs(w) + (1 - l1_ratio) / 2 * w * w))


def _reference(kind, X, y, alpha, l1_ratio, f):
    def fun(z):
        u, v, c = z[:P], z[P:2 * P], z[-1]
        w = u - v
        loss, r = glm_mean_loss(kind, X @ w + c, y)
        gw = X.T @ r + alpha * (1 - l1_ratio) * f * w
        val = loss + alpha * np.sum(f * (l1_ratio * (u + v) + (1 - l1_ratio) / 2 * w * w))
        return val, np.concatenate([gw + alpha * l1_ratio * f, -gw + alpha * l1_ratio * f,
                                    [r.sum()]])
    res = so.minimize(fun, np.zeros(2 * P + 1), jac=True, method="L-BFGS-B",
                      bounds=[(0, None)] * (2 * P) + [(None, None)],
                      options=dict(ftol=1e-16, gtol=1e-13, maxiter=20000, maxfun=40000))
    return res.fun, res.x[:P] - res.x[P:2 * P]


def _pf():
    pf = np.ones(P)
    pf[FREE] = 0.0
    return pf, pf * P / pf.sum()          # the factors as given, and as rescaled


_EST = {"binomial": LogisticRegression, "poisson": PoissonRegression,
        "gamma": GammaRegression}


@pytest.mark.parametrize("kind", ["binomial", "poisson", "gamma"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_unpenalized_features_match_reference(kind, l1_ratio, sparse):
    X, y = _data(kind, 0)
    pf, f = _pf()
    Xf = sp.csc_matrix(X) if sparse else X
    est = _EST[kind](penalty="elasticnet", l1_ratio=l1_ratio, alpha=0.05, penalty_factor=pf,
                     tol=1e-12, max_iter=300).fit(Xf, y)
    w, b = np.ravel(est.coef_), float(np.ravel(est.intercept_)[0])
    f_ref, w_ref = _reference(kind, X, y, 0.05, l1_ratio, f)
    f_ours = _objective(kind, X, y, w, b, 0.05, l1_ratio, f)
    assert f_ours <= f_ref + 1e-10
    assert np.ravel(est.dual_gap_)[0] <= 1e-10
    np.testing.assert_allclose(w, w_ref, atol=2e-5)
    assert np.all(w[FREE] != 0)
    # the unpenalized coefficients satisfy their equation: a zero partial derivative
    _, r = glm_mean_loss(kind, X @ w + b, y)
    assert np.abs(X[:, FREE].T @ r).max() <= 1e-5


@pytest.mark.parametrize("kind", ["binomial", "poisson"])
def test_unpenalized_gap_bounds_suboptimality(kind):
    """F - F* <= gap at loose tolerances too (the projected dual point is feasible)."""
    X, y = _data(kind, 1)
    pf, f = _pf()
    f_ref, _ = _reference(kind, X, y, 0.02, 1.0, f)
    for tol in (1e-2, 1e-4, 1e-6):
        est = _EST[kind](penalty="l1", alpha=0.02, penalty_factor=pf, tol=tol).fit(X, y)
        w, b = np.ravel(est.coef_), float(np.ravel(est.intercept_)[0])
        assert _objective(kind, X, y, w, b, 0.02, 1.0, f) - f_ref <= \
            np.ravel(est.dual_gap_)[0] + 1e-12


@pytest.mark.parametrize("path", [logistic_path, poisson_path])
def test_path_starts_at_the_unpenalized_fit(path):
    """alpha_max is taken after fitting the unpenalized features: at the first alpha
    only they are non-zero, and a penalized feature enters at the second."""
    X, y = _data("binomial" if path is logistic_path else "poisson", 2)
    pf, _ = _pf()
    alphas, coefs, _, gaps = path(X, y, penalty_factor=pf, alphas=10, eps=0.1, tol=1e-10)[:4]
    assert set(np.flatnonzero(coefs[:, 0])) == set(FREE)
    assert np.count_nonzero(coefs[:, 1]) > len(FREE)
    # just above alpha_max nothing penalized enters; the first point is certified
    assert gaps[0] <= 1e-9


def _multinomial_reference(X, Y, alpha, l1_ratio, f):
    n, p = X.shape
    K = Y.shape[1]

    def fun(z):
        U, V, c = z[:p * K].reshape(p, K), z[p * K:2 * p * K].reshape(p, K), z[2 * p * K:]
        W = U - V
        E = X @ W + c
        lse = logsumexp(E, axis=1)
        G = (np.exp(E - lse[:, None]) - Y) / n
        gw = X.T @ G + alpha * (1 - l1_ratio) * f[:, None] * W
        val = (np.mean(lse - (E * Y).sum(1)) + alpha * l1_ratio * np.sum(f[:, None] * (U + V))
               + alpha * (1 - l1_ratio) / 2 * np.sum(f[:, None] * W * W))
        a1 = alpha * l1_ratio * f[:, None]
        return val, np.concatenate([(gw + a1).ravel(), (-gw + a1).ravel(), G.sum(0)])
    res = so.minimize(fun, np.zeros(2 * p * K + K), jac=True, method="L-BFGS-B",
                      bounds=[(0, None)] * (2 * p * K) + [(None, None)] * K,
                      options=dict(ftol=1e-16, gtol=1e-13, maxiter=50000, maxfun=100000))
    return res.fun, fun


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_unpenalized_features_multinomial(l1_ratio):
    """The softmax loss: the projection holds the reference class and moves every row
    of A within the simplex's plane; the gap bounds F - F* at every tolerance."""
    X, _ = _data("binomial", 4)
    rng = np.random.default_rng(4)
    y = np.argmax(0.5 * X @ rng.standard_normal((P, 3)) + rng.gumbel(size=(N, 3)), axis=1)
    Y = np.eye(3)[y]
    pf, f = _pf()
    f_ref, fun = _multinomial_reference(X, Y, 0.05, l1_ratio, f)
    for tol in (1e-12, 1e-6, 1e-3):
        est = LogisticRegression("elasticnet", l1_ratio=l1_ratio, alpha=0.05,
                                 penalty_factor=pf, tol=tol, max_iter=500).fit(X, y)
        W = est.coef_.T
        f_ours = fun(np.concatenate([np.maximum(W, 0).ravel(), np.maximum(-W, 0).ravel(),
                                     est.intercept_]))[0]
        assert f_ours - f_ref <= est.dual_gap_[0] + 1e-12
    assert f_ours >= f_ref - 1e-12
    est = LogisticRegression("elasticnet", l1_ratio=l1_ratio, alpha=0.05, penalty_factor=pf,
                             tol=1e-12, max_iter=500).fit(X, y)
    assert np.all(np.any(est.coef_[:, FREE] != 0, axis=0))
    assert est.dual_gap_[0] <= 1e-10 and est.kkt_violation_[0] <= 1e-6
    # the path starts at the unpenalized fit
    coefs = logistic_path(X, y, penalty_factor=pf, alphas=6, tol=1e-10)[1]
    pen = np.setdiff1d(np.arange(P), FREE)
    assert np.abs(coefs[:, pen, 0]).max() <= 1e-8
    assert np.all(np.any(coefs[:, FREE, 0] != 0, axis=0))


def test_unpenalized_errors_and_ovr():
    X, y = _data("binomial", 3)
    pf, _ = _pf()
    y3 = np.random.default_rng(0).integers(0, 3, N)
    ovr = LogisticRegression("l1", alpha=0.05, penalty_factor=pf, multi_class="ovr",
                             tol=1e-10).fit(X, y3)
    assert np.all(ovr.coef_[:, FREE] != 0) and np.all(ovr.dual_gap_ <= 1e-9)
    with pytest.raises(ValueError, match="lower_bounds"):
        LogisticRegression("l1", alpha=0.05, penalty_factor=pf, lower_bounds=0.0).fit(X, y)
    # a limit on a penalized feature is fine alongside an unpenalized one
    lo = np.full(P, -np.inf)
    lo[3] = 0.0
    est = LogisticRegression("l1", alpha=0.05, penalty_factor=pf, lower_bounds=lo,
                             tol=1e-10).fit(X, y)
    assert est.coef_[0, 3] >= 0 and est.dual_gap_[0] <= 1e-9
