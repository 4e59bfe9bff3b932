"""Unpenalized groups (group_weights 0) in GroupLasso / GroupElasticNet and their paths.

A group with omega_g = 0 carries neither the group norm nor the ridge term
(glmnet's penalty.factor = 0).  Checked against references written here in
numpy: the optimality conditions (gradient 0 on the free groups, group
stationarity on the others), a restarted FISTA with the group prox, and the
reduced problem (the free columns projected out, then a model without free
groups).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

import penalized as pz

SIZES = [4, 3, 5, 1, 7, 2, 8]
FREE = [1, 3, 5]                  # unpenalized groups (weights 0)


def data(seed=0, n=60, n_tasks=None, shift=0.0):
    rng = np.random.default_rng(seed)
    p = sum(SIZES)
    X = rng.standard_normal((n, p)) + shift
    X[:, 5] = X[:, 4] + 1e-3 * rng.standard_normal(n)
    labels = np.repeat(np.arange(len(SIZES)), SIZES)[rng.permutation(p)]
    # numbered by first feature, the order of group_weights for label arrays
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    labels = np.argsort(np.argsort(first))[inverse]
    coef = rng.standard_normal(p) * (labels % 2 == 0)
    if n_tasks is None:
        y = X @ coef + 0.5 * rng.standard_normal(n)
    else:
        y = np.outer(X @ coef, np.ones(n_tasks)) + 0.5 * rng.standard_normal((n, n_tasks))
    weights = np.sqrt(np.bincount(labels).astype(float))
    weights[FREE] = 0.0
    return X, y, labels, weights


def centred(X, Y, s, fit_intercept):
    n = len(s)
    if not fit_intercept:
        return X, Y
    return X - s @ X / n, Y - s @ Y / n


def fista(X, Y, s, fit_intercept, labels, weights, alpha, l1_ratio, iters=30000):
    """Proximal gradient with momentum and restarts on the centred problem; the ridge
    term only on the penalized groups."""
    n = len(s)
    Xc, Yc = centred(X, Y, s, fit_intercept)
    A = np.sqrt(s)[:, None] * Xc / np.sqrt(n)
    B = np.sqrt(s)[:, None] * Yc / np.sqrt(n)
    pen = weights[labels] > 0
    l2 = alpha * (1 - l1_ratio) * pen
    L = np.linalg.norm(A, 2) ** 2 + l2.max()
    tau = alpha * l1_ratio * weights[labels] / L

    def prox(V):
        sq = np.bincount(labels, weights=np.sum(V * V, axis=1), minlength=weights.size)
        nrm = np.sqrt(sq)[labels]
        return V * np.maximum(0.0, 1.0 - tau / np.where(nrm > 0, nrm, 1.0))[:, None]

    W = np.zeros((X.shape[1], Y.shape[1]))
    Z, t = W.copy(), 1.0
    for _ in range(iters):
        W_new = prox(Z - (A.T @ (A @ Z - B) + l2[:, None] * Z) / L)
        if np.sum((Z - W_new) * (W_new - W)) > 0:
            t = 1.0
        t_new = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        Z = W_new + (t - 1) / t_new * (W_new - W)
        W, t = W_new, t_new
    return W


def objective(X, Y, W, b, s, labels, weights, alpha, l1_ratio):
    R = Y - X @ W - b
    norms = np.sqrt(np.bincount(labels, weights=np.sum(W * W, axis=1), minlength=weights.size))
    pen = (weights[labels] > 0)[:, None]
    return (0.5 * np.sum(s[:, None] * R * R) / len(s) + alpha * l1_ratio * weights @ norms
            + 0.5 * alpha * (1 - l1_ratio) * np.sum(pen * W * W))


def kkt(X, Y, W, b, s, labels, weights, alpha, l1_ratio):
    """Largest violation of the optimality conditions, relative to alpha l1_ratio:
    ||grad_g|| on free groups, the distance to -lam omega_g d||W_g|| elsewhere."""
    n = len(s)
    R = Y - X @ W - b
    pen = (weights[labels] > 0)[:, None]
    grad = -(X.T @ (s[:, None] * R)) / n + alpha * (1 - l1_ratio) * pen * W
    lam = alpha * l1_ratio
    worst = 0.0
    for g in range(weights.size):
        G, Wg = grad[labels == g], W[labels == g]
        nw = np.linalg.norm(Wg)
        if weights[g] == 0:
            v = np.linalg.norm(G)
        elif nw > 0:
            v = np.linalg.norm(G + lam * weights[g] * Wg / nw)
        else:
            v = max(0.0, np.linalg.norm(G) - lam * weights[g])
        worst = max(worst, v)
    return worst / lam


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("n_tasks", [None, 2])
def test_unpenalized_groups_optimality(sparse, fit_intercept, l1_ratio, n_tasks):
    X, y, labels, weights = data(n_tasks=n_tasks, shift=1.0)
    s = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    s *= len(s) / s.sum()
    Y = y.reshape(len(y), -1)
    est = pz.GroupElasticNet(groups=labels, group_weights=weights, l1_ratio=l1_ratio,
                             fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000)
    path_alphas = None
    for frac in [0.5, 0.05]:
        est.alpha = frac * est.alpha if path_alphas else frac
        path_alphas = True
        est.fit(sp.csc_matrix(X) if sparse else X, y, sample_weight=s)
        W = np.asarray(est.coef_).reshape(-1, X.shape[1]).T
        b = np.atleast_1d(est.intercept_)
        assert kkt(X, Y, W, b, s, labels, weights, est.alpha, l1_ratio) < 1e-4
        # free groups are fitted (non-zero), some penalized group is zero at 0.5
        assert all(np.linalg.norm(W[labels == g]) > 0 for g in FREE)
        f = objective(X, Y, W, b, s, labels, weights, est.alpha, l1_ratio)
        W_ref = fista(X, Y, s, fit_intercept, labels, weights, est.alpha, l1_ratio)
        Xc, Yc = centred(X, Y, s, fit_intercept)
        b_ref = (s @ (Y - X @ W_ref) / len(s)) if fit_intercept else np.zeros(Y.shape[1])
        f_ref = objective(X, Y, W_ref, b_ref, s, labels, weights, est.alpha, l1_ratio)
        # the certificate bounds the suboptimality against the independent solution
        assert f - f_ref <= est.dual_gap_ + 1e-12 * abs(f)
        assert est.dual_gap_ <= 1e-12 * np.sum(s[:, None] * Yc * Yc) / len(s) * 1.0001
        # (no coefficient comparison: a near-duplicate column pair in a free group leaves
        # FISTA far from the solution along it; the reduced-problem test compares them)


def test_reduced_problem_and_merging():
    """The free columns projected out: the penalized groups solve the model without free
    groups on P X, P y; the free block is the least-squares fit given them.  Several free
    groups are one (the same fit as their union as a single free group)."""
    X, y, labels, weights = data(seed=3)
    n = len(y)
    alpha, l1_ratio = 0.05, 0.7
    est = pz.GroupElasticNet(alpha=alpha, l1_ratio=l1_ratio, groups=labels,
                             group_weights=weights, tol=1e-13, max_iter=100_000).fit(X, y)
    free = np.isin(labels, FREE)
    Xc, yc = X - X.mean(0), y - y.mean()
    Q, _ = np.linalg.qr(Xc[:, free])
    P = np.eye(n) - Q @ Q.T
    keep = np.flatnonzero(~free)
    kept_labels = np.unique(labels[keep], return_inverse=True)[1]
    red = pz.GroupElasticNet(alpha=alpha, l1_ratio=l1_ratio, groups=kept_labels,
                             group_weights=weights[~np.isin(np.arange(len(SIZES)), FREE)],
                             fit_intercept=False, tol=1e-13, max_iter=100_000)
    red.fit(P @ Xc[:, keep], P @ yc)
    wU = np.linalg.lstsq(Xc[:, free], yc - Xc[:, keep] @ red.coef_, rcond=None)[0]
    W_red = np.zeros(X.shape[1])
    W_red[keep], W_red[free] = red.coef_, wU
    s = np.ones(n)
    f, f_red = (objective(X, y[:, None], W[:, None], y.mean() - X.mean(0) @ W, s, labels,
                          weights, alpha, l1_ratio) for W in (est.coef_, W_red))
    assert abs(f - f_red) <= est.dual_gap_ + red.dual_gap_ + 1e-14 * f
    np.testing.assert_allclose(est.coef_, W_red, atol=1e-5)
    # one free group for their union: the same problem
    pen_groups = [g for g in range(len(SIZES)) if g not in FREE]
    groups2 = [np.flatnonzero(labels == g) for g in pen_groups] + [np.flatnonzero(free)]
    est2 = pz.GroupElasticNet(alpha=alpha, l1_ratio=l1_ratio, groups=groups2,
                              group_weights=np.append(weights[pen_groups], 0.0), tol=1e-13,
                              max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(est2.coef_, est.coef_, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_alpha_max_with_free_groups_fitted_first(sparse):
    X, y, labels, weights = data(seed=5, shift=2.0)
    Xs = sp.csc_matrix(X) if sparse else X
    alphas, coefs, gaps = pz.group_lasso_path(Xs, y, groups=labels, group_weights=weights,
                                              alphas=8, eps=0.1, fit_intercept=True)
    free = np.isin(labels, FREE)
    pen = ~free
    # at alpha_max every penalized group is 0 and the free block is the least-squares fit
    assert not np.any(coefs[pen, 0])
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(coefs[free, 0],
                               np.linalg.lstsq(Xc[:, free], yc, rcond=None)[0], atol=1e-7)
    # just below it some penalized group enters: alpha_max is the smallest such alpha
    est = pz.GroupLasso(alpha=alphas[0] * 0.99, groups=labels, group_weights=weights,
                        tol=1e-12, max_iter=100_000).fit(Xs, y)
    assert np.any(est.coef_[pen])
    assert np.all(gaps >= 0) and np.all(gaps <= 1e-8 * np.var(y) * 1.0001)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True])
def test_free_groups_certified_in_both_dtypes(dtype, sparse):
    """float32 too: the dual point is taken at the exact least-squares step on the free
    block (in double), so W_U's float32 rounding does not floor the certificate; the
    gap bounds the suboptimality against FISTA in float64 on the same float32 data."""
    X, y, labels, weights = data(seed=7, n_tasks=2, shift=1.0)
    X, y = X.astype(dtype), y.astype(dtype)
    X64, Y64 = X.astype(np.float64), y.astype(np.float64)
    s = np.ones(len(y))
    alpha, l1_ratio = 0.02, 0.8
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = pz.GroupElasticNet(alpha=alpha, l1_ratio=l1_ratio, groups=labels,
                                 group_weights=weights, tol=1e-6, max_iter=100_000)
        est.fit(sp.csc_matrix(X) if sparse else X, y)
    assert est.coef_.dtype == dtype
    W, b = est.coef_.T.astype(np.float64), np.asarray(est.intercept_, dtype=np.float64)
    Yc = Y64 - Y64.mean(0)
    yy = np.sum(Yc * Yc) / len(y)
    assert est.dual_gap_ <= 1e-6 * yy
    f = objective(X64, Y64, W, b, s, labels, weights, alpha, l1_ratio)
    W_ref = fista(X64, Y64, s, True, labels, weights, alpha, l1_ratio)
    b_ref = Y64.mean(0) - X64.mean(0) @ W_ref
    f_ref = objective(X64, Y64, W_ref, b_ref, s, labels, weights, alpha, l1_ratio)
    assert f - f_ref <= est.dual_gap_ + 1e-12 * abs(f)


def test_cv_with_free_groups():
    X, y, labels, weights = data(seed=7, n_tasks=2)
    cv = pz.GroupElasticNetCV(groups=labels, group_weights=weights, alphas=6, eps=0.05,
                              cv=3).fit(X, y)
    free = np.isin(labels, FREE)
    assert np.all(cv.coef_[:, free] != 0)
    np.testing.assert_array_equal(cv.group_weights_, weights)
    # the refit is the single fit at the chosen alpha
    est = cv.refit_estimator().set_params(tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(cv.coef_, est.coef_, atol=1e-3 * np.abs(est.coef_).max())


def test_bad_weights():
    X, y, labels, weights = data()
    w = weights.copy()
    w[0] = -1.0
    with pytest.raises(ValueError, match="non-negative and finite"):
        pz.GroupLasso(groups=labels, group_weights=w).fit(X, y)
    with pytest.raises(ValueError, match="at least one group"):
        pz.GroupLasso(groups=labels, group_weights=np.zeros(len(SIZES))).fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_exclude_is_the_model_without_those_groups(sparse):
    """exclude= keeps groups at 0: the fit equals the model on the other columns (with
    an unpenalized group among them and an excluded one that would be unpenalized)."""
    X, y, labels, weights = data(seed=11, shift=0.5)
    excl = [0, 3]                 # a penalized group and a free one
    Xs = sp.csc_matrix(X) if sparse else X
    est = pz.GroupElasticNet(alpha=0.05, l1_ratio=0.8, groups=labels, group_weights=weights,
                             exclude=excl, tol=1e-13, max_iter=100_000).fit(Xs, y)
    out = np.isin(labels, excl)
    assert not np.any(est.coef_[out])
    keep = np.flatnonzero(~out)
    kept = np.unique(labels[keep], return_inverse=True)[1]
    w_kept = np.delete(weights, excl)
    ref = pz.GroupElasticNet(alpha=0.05, l1_ratio=0.8, groups=kept, group_weights=w_kept,
                             tol=1e-13, max_iter=100_000).fit(X[:, keep], y)
    np.testing.assert_allclose(est.coef_[keep], ref.coef_, atol=1e-6)
    assert abs(est.intercept_ - ref.intercept_) < 1e-6
    # the path: alpha_max from the groups left, excluded ones 0 everywhere (also from a
    # warm start that has them non-zero)
    alphas, coefs, _ = pz.group_enet_path(Xs, y, groups=labels, group_weights=weights,
                                          exclude=excl, l1_ratio=0.8, alphas=5, eps=0.1,
                                          fit_intercept=True, coef_init=np.ones(X.shape[1]))
    _, coefs_ref, _ = pz.group_enet_path(X[:, keep], y, groups=kept, group_weights=w_kept,
                                         l1_ratio=0.8, alphas=alphas, fit_intercept=True)
    assert not np.any(coefs[out])
    np.testing.assert_allclose(coefs[keep], coefs_ref, atol=1e-4)
    with pytest.raises(ValueError, match="group indices"):
        pz.GroupLasso(groups=labels, exclude=[0.5]).fit(X, y)
    with pytest.raises(ValueError, match="outside"):
        pz.GroupLasso(groups=labels, exclude=[len(SIZES)]).fit(X, y)
