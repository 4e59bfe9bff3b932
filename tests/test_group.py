"""User-defined groups: GroupLasso / GroupElasticNet and their paths.

Every check is against an independent reference: the optimality (KKT)
conditions and the objective recomputed in numpy, skglm's GroupLasso, and
the identities with the single-feature models (singleton groups).
"""

import numpy as np
import pytest
import scipy.sparse as sp

import penalized as pz
from penalized._core import Design, group_enet_solve, group_gram_eigen

SIZES = [4, 3, 5, 1, 7, 2, 8]


def group_data(seed=0, n=60, n_tasks=None):
    """Groups of unequal sizes in a random order, one near-duplicate and one exact
    duplicate column inside groups (a singular Gram block)."""
    rng = np.random.default_rng(seed)
    p = sum(SIZES)
    X = rng.standard_normal((n, p))
    X[:, 5] = X[:, 4] + 1e-3 * rng.standard_normal(n)
    X[:, 7] = X[:, 6]
    labels = np.empty(p, dtype=int)
    perm = rng.permutation(p)
    start = 0
    for g, m in enumerate(SIZES):
        labels[perm[start:start + m]] = g
        start += m
    coef = np.zeros(p)
    coef[labels == labels[0]] = rng.standard_normal(np.sum(labels == labels[0]))
    coef[labels == 3] = 2.0
    if n_tasks is None:
        y = X @ coef + 0.5 * rng.standard_normal(n)
    else:
        y = np.outer(X @ coef, np.ones(n_tasks)) + 0.5 * rng.standard_normal((n, n_tasks))
    return X, y, labels


def objective(X, y, W, b, labels, weights, alpha, l1_ratio, s=None):
    """The documented objective, in numpy."""
    Y = y.reshape(len(y), -1)
    W = W.reshape(-1, X.shape[1])
    s = np.ones(len(y)) if s is None else s * len(y) / s.sum()
    R = Y - X @ W.T - b
    norms = np.array([np.linalg.norm(W[:, labels == g]) for g in range(weights.size)])
    return (0.5 * np.sum(s[:, None] * R * R) / len(y) + alpha * l1_ratio * weights @ norms
            + 0.5 * alpha * (1 - l1_ratio) * np.sum(W * W))


def group_stationarity(grad, W, labels, weights, lam):
    """max_g of the distance of grad_g (the smooth part's gradient, (p,) or (p, T)) to
    -lam omega_g d||W_g|| (W (p,) or (T, p)): 0 exactly at the optimum."""
    grad = np.asarray(grad).reshape(len(labels), -1)
    W = np.asarray(W).reshape(-1, len(labels)).T
    worst = 0.0
    for g in range(weights.size):
        Gg, Wg = grad[labels == g], W[labels == g]
        nw = np.linalg.norm(Wg)
        worst = max(worst, np.linalg.norm(Gg + lam * weights[g] * Wg / nw) if nw > 0
                    else max(0.0, np.linalg.norm(Gg) - lam * weights[g]))
    return worst


def kkt_violation(X, y, W, b, labels, weights, alpha, l1_ratio, s=None):
    """max_g of the distance of -grad_g(smooth part) to alpha l1_ratio omega_g d||W_g||,
    relative to alpha l1_ratio."""
    n = len(y)
    Y = y.reshape(n, -1)
    W = W.reshape(-1, X.shape[1])
    s = np.ones(n) if s is None else s * n / s.sum()
    R = Y - X @ W.T - b
    grad = -(X.T @ (s[:, None] * R)) / n + alpha * (1 - l1_ratio) * W.T   # (p, T)
    lam = alpha * l1_ratio
    return group_stationarity(grad, W, labels, weights, lam) / lam


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("n_tasks", [None, 3])
def test_optimality_conditions(sparse, fit_intercept, l1_ratio, n_tasks):
    X, y, labels = group_data(n_tasks=n_tasks)
    Xf = sp.csc_matrix(X) if sparse else X
    alpha = 0.05 if n_tasks is None else 0.3
    est = pz.GroupElasticNet(alpha=alpha, l1_ratio=l1_ratio, groups=labels, tol=1e-12,
                             fit_intercept=fit_intercept).fit(Xf, y)
    w = est.group_weights_
    assert np.allclose(w, np.sqrt(np.bincount(est.groups_)))
    b = est.intercept_
    assert kkt_violation(X, y, est.coef_, b, est.groups_, w, alpha, l1_ratio) < 1e-5
    n_active = np.sum(pz._grouping.Grouping(est.groups_, w).block_norms(est.coef_) > 0)
    assert 0 < n_active < len(SIZES)
    if fit_intercept:   # the intercept is optimal: mean residual 0
        R = y.reshape(len(y), -1) - X @ est.coef_.reshape(-1, X.shape[1]).T - b
        assert np.abs(R.mean(axis=0)).max() < 1e-9


def test_certificate_bounds_suboptimality():
    X, y, labels = group_data(seed=3)
    alpha = 0.02
    tight = pz.GroupLasso(alpha=alpha, groups=labels, tol=1e-14, max_iter=100000).fit(X, y)
    weights = tight.group_weights_
    f_best = objective(X, y, tight.coef_, tight.intercept_, tight.groups_, weights, alpha, 1.0)
    for tol in [1e-2, 1e-4, 1e-6]:
        est = pz.GroupLasso(alpha=alpha, groups=labels, tol=tol).fit(X, y)
        f = objective(X, y, est.coef_, est.intercept_, est.groups_, weights, alpha, 1.0)
        yc = y - y.mean()
        assert est.dual_gap_ <= tol * (yc @ yc) / len(y)
        assert f - f_best <= est.dual_gap_ + 1e-12


def test_matches_skglm():
    skglm = pytest.importorskip("skglm")
    X, y, labels = group_data(seed=5)
    order = np.argsort(labels, kind="stable")
    Xs = X[:, order]             # skglm: contiguous groups
    ls = labels[order]
    weights = np.sqrt(np.array(SIZES, dtype=float))
    alpha = 0.03
    ref = skglm.GroupLasso(groups=SIZES, alpha=alpha, weights=weights, tol=1e-12,
                           max_iter=1000, fit_intercept=True).fit(Xs, y)
    est = pz.GroupLasso(alpha=alpha, groups=ls, tol=1e-12).fit(Xs, y)
    f_ref = objective(Xs, y, ref.coef_, ref.intercept_, ls, weights, alpha, 1.0)
    f = objective(Xs, y, est.coef_, est.intercept_, ls, weights, alpha, 1.0)
    assert f <= f_ref + 1e-12
    assert abs(f - f_ref) < 1e-9
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-5)


def test_singletons_are_the_elastic_net_and_the_multitask_models():
    X, y, _ = group_data(seed=1)
    X = X[:, 7:]     # no duplicate columns: a well-conditioned elastic net
    e = pz.ElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-13).fit(X, y)
    g = pz.GroupElasticNet(alpha=0.05, l1_ratio=0.7, groups=1, tol=1e-13).fit(X, y)
    # two solvers, each certified: objectives within the sum of their gaps
    ones = np.ones(X.shape[1])
    labels = np.arange(X.shape[1])
    f_e = objective(X, y, e.coef_, e.intercept_, labels, ones, 0.05, 0.7)
    f_g = objective(X, y, g.coef_, g.intercept_, labels, ones, 0.05, 0.7)
    assert abs(f_e - f_g) <= e.dual_gap_ + g.dual_gap_ + 1e-14
    np.testing.assert_allclose(g.coef_, e.coef_, atol=1e-6)
    assert g.intercept_ == pytest.approx(e.intercept_, abs=1e-6)
    X, Y, _ = group_data(seed=2, n_tasks=3)
    X = X[:, 7:]
    m = pz.MultiTaskLasso(alpha=0.05, tol=1e-13).fit(X, Y)
    g = pz.GroupLasso(alpha=0.05, groups=1, tol=1e-13).fit(X, Y)
    np.testing.assert_allclose(g.coef_, m.coef_, atol=1e-9)
    np.testing.assert_allclose(g.intercept_, m.intercept_, atol=1e-9)


def test_groups_forms_agree_and_order_of_columns_does_not_matter():
    X, y, labels = group_data(seed=4)
    lists = [np.flatnonzero(labels == g).tolist() for g in range(len(SIZES))]
    a = pz.GroupLasso(alpha=0.05, groups=labels, tol=1e-13).fit(X, y)
    b = pz.GroupLasso(alpha=0.05, groups=lists, tol=1e-13).fit(X, y)
    c = pz.GroupLasso(alpha=0.05, groups=np.array([f"g{k}" for k in labels]),
                      tol=1e-13).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
    np.testing.assert_allclose(a.coef_, c.coef_, atol=1e-10)
    perm = np.random.default_rng(0).permutation(X.shape[1])
    d = pz.GroupLasso(alpha=0.05, groups=labels[perm], tol=1e-13).fit(X[:, perm], y)
    np.testing.assert_allclose(d.coef_, a.coef_[perm], atol=1e-8)
    # contiguous equal sizes
    e = pz.GroupLasso(alpha=0.05, groups=3, tol=1e-13).fit(X, y)
    assert np.array_equal(e.groups_, np.arange(X.shape[1]) // 3)


def test_group_weights_and_sample_weights():
    X, y, labels = group_data(seed=6)
    wts = np.linspace(0.5, 3.0, len(SIZES))
    est = pz.GroupLasso(alpha=0.04, groups=labels, group_weights=wts, tol=1e-12).fit(X, y)
    assert np.array_equal(est.group_weights_, wts)
    assert kkt_violation(X, y, est.coef_, est.intercept_, est.groups_, wts, 0.04, 1.0) < 1e-6
    # integer sample weights equal repeated rows
    k = np.random.default_rng(1).integers(0, 3, size=X.shape[0])
    sw = pz.GroupLasso(alpha=0.04, groups=labels, tol=1e-13).fit(X, y, sample_weight=k)
    rep = pz.GroupLasso(alpha=0.04, groups=labels, tol=1e-13).fit(
        np.repeat(X, k, axis=0), np.repeat(y, k))
    np.testing.assert_allclose(sw.coef_, rep.coef_, atol=1e-8)
    assert sw.intercept_ == pytest.approx(rep.intercept_, abs=1e-8)


def test_float32():
    X, y, labels = group_data(seed=7)
    est = pz.GroupLasso(alpha=0.05, groups=labels, tol=1e-6).fit(
        X.astype(np.float32), y.astype(np.float32))
    assert est.coef_.dtype == np.float32
    ref = pz.GroupLasso(alpha=0.05, groups=labels, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=2e-3)


def test_path_equals_single_fits_and_starts_at_zero():
    X, y, labels = group_data(seed=8)
    alphas, coefs, gaps = pz.group_lasso_path(X, y, groups=labels, alphas=8,
                                              fit_intercept=True, tol=1e-12)
    assert coefs.shape == (X.shape[1], 8)
    assert not np.any(coefs[:, 0])       # alpha_max: every group zero
    assert np.any(coefs[:, 1])
    for k in [2, 5, 7]:
        est = pz.GroupLasso(alpha=alphas[k], groups=labels, tol=1e-12).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], est.coef_, atol=1e-7)
    # alpha_max is the smallest alpha with W = 0: slightly below it a group enters
    a_max = alphas[0]
    assert np.any(pz.GroupLasso(alpha=0.999 * a_max, groups=labels, tol=1e-12)
                  .fit(X, y).coef_)


def test_native_screening_and_working_sets_do_not_change_the_solution():
    X, y, labels = group_data(seed=9)
    grouping = pz._grouping.check_groups(labels, X.shape[1])
    D = Design(np.asfortranarray(X), None, True)
    eig = group_gram_eigen(D, grouping.ptr, grouping.cols)
    yc = y - y.mean()
    l1 = 0.3 * max(np.linalg.norm((X - X.mean(0))[:, labels == g].T @ yc) / w
                   for g, w in enumerate(grouping.weights))
    sols = []
    for screening in [True, False]:
        for ws in [True, False]:
            W = np.zeros((X.shape[1], 1))
            R = np.asfortranarray(yc[:, None].copy())
            info = group_enet_solve(D, W, R, np.asfortranarray(y[:, None]), l1, 0.0,
                                    grouping.ptr, grouping.cols, grouping.weights, eig,
                                    tol_abs=1e-12, screening=screening, working_set=ws)
            assert info["gap"] <= 1e-12
            np.testing.assert_allclose(R[:, 0], yc - (X - X.mean(0)) @ W[:, 0], atol=1e-10)
            sols.append(W[:, 0].copy())
    for s in sols[1:]:
        np.testing.assert_allclose(s, sols[0], atol=1e-7)


@pytest.mark.parametrize("groups, match", [
    (None, "needs groups="),
    (0, "group size"),
    ([[0, 1], [1, 2]], "partition"),
    ([[0, 1]], "in no group"),
    ([[0, 99]], "outside"),
    (np.arange(5), "one label per feature"),
])
def test_bad_groups(groups, match):
    X, y, _ = group_data()
    with pytest.raises(ValueError, match=match):
        pz.GroupLasso(groups=groups).fit(X, y)


def test_bad_group_weights_and_inputs_unchanged():
    X, y, labels = group_data()
    with pytest.raises(ValueError, match="one weight per group"):
        pz.GroupLasso(groups=labels, group_weights=[1.0, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="at least one group must be penalized"):
        pz.GroupLasso(groups=labels, group_weights=np.zeros(len(SIZES))).fit(X, y)
    with pytest.raises(ValueError, match="non-negative and finite"):
        pz.GroupLasso(groups=labels, group_weights=-np.ones(len(SIZES))).fit(X, y)
    X0, y0 = X.copy(), y.copy()
    pz.GroupElasticNet(alpha=0.1, groups=labels).fit(X, y)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


def test_cv_equals_a_brute_force_cv_on_the_same_folds():
    from sklearn.model_selection import KFold
    X, y, labels = group_data(seed=10, n=80)
    cv = KFold(4, shuffle=True, random_state=0)
    est = pz.GroupLassoCV(groups=labels, cv=cv, alphas=12, tol=1e-12).fit(X, y)
    grid = est.alphas_
    mse = np.zeros((grid.size, 4))
    for k, (tr, te) in enumerate(cv.split(X)):
        for i, a in enumerate(grid):
            m = pz.GroupLasso(alpha=a, groups=labels, tol=1e-12).fit(X[tr], y[tr])
            mse[i, k] = np.mean((m.predict(X[te]) - y[te]) ** 2)
    np.testing.assert_allclose(est.mse_path_, mse, rtol=1e-6)
    assert est.alpha_ == grid[np.argmin(mse.mean(axis=1))]
    # the full-data path at the chosen alpha is the refit, and equals a single fit
    single = pz.GroupLasso(alpha=est.alpha_, groups=labels, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(est.coef_, single.coef_, atol=1e-7)
    coef, b = est.coef_at(grid[3])
    np.testing.assert_allclose(
        coef, pz.GroupLasso(alpha=grid[3], groups=labels, tol=1e-12).fit(X, y).coef_,
        atol=1e-7)
    assert est.coef_path_.shape == (X.shape[1], grid.size) and isinstance(b, float)
    assert est.refit_estimator().get_params()["alpha"] == est.alpha_


def test_cv_one_standard_error_and_multitask_shapes():
    X, Y, labels = group_data(seed=11, n=90, n_tasks=2)
    est = pz.GroupElasticNetCV(groups=labels, l1_ratio=[0.5, 1.0], cv=3, alphas=8,
                               alpha_selection="1se").fit(X, Y)
    assert est.alpha_ == est.alpha_1se_ >= est.alpha_min_
    assert est.coef_.shape == (2, X.shape[1]) and est.intercept_.shape == (2,)
    assert est.coef_path_.shape == (2, X.shape[1], 8)
    with pytest.raises(ValueError, match="needs groups="):
        pz.GroupLassoCV().fit(X, Y)


def test_solvers_entries_equal_the_estimators():
    from penalized import solvers
    X, y, labels = group_data(seed=12)
    est = pz.GroupElasticNet(alpha=0.05, l1_ratio=0.8, groups=labels, tol=1e-10).fit(X, y)
    sol = solvers.group_enet(X, y, 0.05, groups=labels, l1_ratio=0.8, tol=1e-10)
    assert np.array_equal(sol.coef, est.coef_) and sol.intercept == est.intercept_
    assert sol.converged and sol.dual_gap == est.dual_gap_ <= sol.gap_target
    active = np.flatnonzero(est.coef_)
    assert np.array_equal(sol.active_set, active)
    path = solvers.group_enet_path(np.asfortranarray(X), y, groups=labels, l1_ratio=1.0,
                                   n_alphas=6, tol=1e-10, check_input=False)
    assert path.coefs.shape == (X.shape[1], 6) and not np.any(path.coefs[:, 0])
    one = solvers.group_lasso(X, y, path.alphas[4], groups=labels, tol=1e-10)
    np.testing.assert_allclose(path[4].coef, one.coef, atol=1e-7)
    with pytest.raises(ValueError, match="partition"):
        solvers.group_lasso(X, y, 0.1, groups=[[0, 1], [1]])


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l2_ratio", [0.0, 0.5])
def test_native_group_logistic_optimality(sparse, fit_intercept, l2_ratio):
    """The GLM driver with groups (binomial loss): numpy KKT at the returned point, eta
    consistent, and singleton groups of weight 1 give the L1 logistic solution."""
    from penalized._core import logistic_binary_solve
    rng = np.random.default_rng(3)
    X, _, labels = group_data(seed=13, n=150)
    z = X[:, labels == labels[0]].sum(axis=1) + X[:, labels == 3][:, 0]
    y = np.where(z + rng.standard_normal(len(z)) > 0, 1.0, -1.0)
    n, p = X.shape
    grouping = pz._grouping.check_groups(labels, p)
    Xs = sp.csc_matrix(X) if sparse else np.asfortranarray(X)
    l1, l2 = 0.02 * n, 0.02 * n * l2_ratio
    s = np.ones(n)

    def solve(groups):
        w, b, eta = np.zeros(p), np.zeros(1), np.zeros(n)
        info = logistic_binary_solve(Design(Xs, None, fit_intercept), w, b, eta, y, s, l1, l2,
                                     1e-12 * n, groups=groups)
        assert info["gap"] <= 1e-12 * n
        np.testing.assert_allclose(eta, X @ w + b[0], atol=1e-12)
        return w, b[0]

    w, b = solve((grouping.ptr, grouping.cols, grouping.weights))
    r = -y / (1 + np.exp(y * (X @ w + b)))          # d/d eta of log(1 + exp(-y eta))
    G = X.T @ r + l2 * w
    worst = max(abs(r.sum()) if fit_intercept else 0.0,
                group_stationarity(G, w, grouping.labels, grouping.weights, l1))
    assert worst / l1 < 1e-4
    assert 0 < np.sum(grouping.block_norms(w) > 0) < len(SIZES)
    single = np.arange(p + 1, dtype=np.intp)
    w1, b1 = solve((single, np.arange(p, dtype=np.intp), np.ones(p)))
    w0, b0 = solve(None)

    def objective(w, b):     # n F, each solve certified to 1e-12 n
        return (np.logaddexp(0, -y * (X @ w + b)).sum() + l1 * np.abs(w).sum()
                + 0.5 * l2 * w @ w)

    assert abs(objective(w1, b1) - objective(w0, b0)) <= 2e-12 * n + 1e-12
    np.testing.assert_allclose(w1, w0, atol=1e-4)   # duplicate columns: weakly determined


def logistic_group_data(seed=14):
    rng = np.random.default_rng(seed)
    X, _, labels = group_data(seed=seed, n=160)
    z = X[:, labels == labels[0]].sum(axis=1) + X[:, labels == 3][:, 0]
    y = (z + rng.standard_normal(len(z)) > 0).astype(int)
    return X, y, labels


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("penalty, l1_ratio", [("l1", None), ("elasticnet", 0.6)])
def test_logistic_regression_with_groups(sparse, penalty, l1_ratio):
    X, y, labels = logistic_group_data()
    Xf = sp.csr_matrix(X) if sparse else X
    alpha = 0.02 if l1_ratio is None else 0.05
    est = pz.LogisticRegression(penalty, alpha=alpha, l1_ratio=l1_ratio, groups=labels,
                                tol=1e-12).fit(Xf, y)
    rho = 1.0 if l1_ratio is None else l1_ratio
    grouping = pz._grouping.check_groups(labels, X.shape[1])
    w, b = est.coef_[0], est.intercept_[0]
    t = np.where(y == 1, 1.0, -1.0)
    n = len(y)
    r = -t / (1 + np.exp(t * (X @ w + b))) / n
    G = X.T @ r + alpha * (1 - rho) * w
    lam = alpha * rho
    worst = max(abs(r.sum()), group_stationarity(G, w, grouping.labels, grouping.weights, lam))
    norms = grouping.block_norms(w)
    assert worst / lam < 1e-5
    assert 0 < np.sum(norms > 0) < len(SIZES)
    assert est.dual_gap_[0] <= 1e-12 * np.log(2) * 2
    # the path gives the same point
    alphas, coefs, intercepts, gaps = pz.logistic_path(
        Xf, y, l1_ratio=rho, groups=labels, alphas=[4 * alpha, 2 * alpha, alpha], tol=1e-12)
    np.testing.assert_allclose(coefs[:, -1], w, atol=1e-6)


def test_logistic_groups_errors_and_ovr():
    X, y, labels = logistic_group_data()
    y3 = y + (X[:, 0] > 1)
    with pytest.raises(ValueError, match="one linear predictor"):
        pz.LogisticRegression("l1", alpha=0.01, groups=labels).fit(X, y3)
    with pytest.raises(ValueError, match="penalty='l1' or 'elasticnet'"):
        pz.LogisticRegression("l2", alpha=0.01, groups=labels).fit(X, y)
    with pytest.raises(ValueError, match="does not combine"):
        pz.LogisticRegression("l1", alpha=0.01, groups=labels, standardize=True).fit(X, y)
    ovr = pz.LogisticRegression("l1", alpha=0.01, groups=labels, multi_class="ovr",
                                tol=1e-10).fit(X, y3)
    for k in range(3):
        one = pz.LogisticRegression("l1", alpha=0.01, groups=labels, tol=1e-10).fit(
            X, (y3 == k).astype(int))
        np.testing.assert_allclose(ovr.coef_[k], one.coef_[0], atol=1e-6)


@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_log_link_models_with_groups(family):
    """Poisson / Gamma with groups: numpy KKT of the documented objective (half
    deviance form, same minimiser) and the path equals the single fit."""
    rng = np.random.default_rng(15)
    X, _, labels = group_data(seed=15, n=200)
    X = X / 3
    eta = 0.5 + X[:, labels == labels[0]].sum(axis=1) * 0.5
    mu = np.exp(eta)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    Est = pz.PoissonRegression if family == "poisson" else pz.GammaRegression
    alpha = 0.02
    est = Est("l1", alpha=alpha, groups=labels, tol=1e-12, max_iter=200).fit(X, y)
    grouping = pz._grouping.check_groups(labels, X.shape[1])
    w, b = est.coef_, est.intercept_
    e = X @ w + b
    r = (np.exp(e) - y) if family == "poisson" else (1 - y * np.exp(-e))   # f'(eta)
    G = X.T @ r / len(y)
    worst = max(abs(r.mean()),
                group_stationarity(G, w, grouping.labels, grouping.weights, alpha))
    norms = grouping.block_norms(w)
    assert worst / alpha < 1e-5
    assert 0 < np.sum(norms > 0) < len(SIZES)
    path = pz.poisson_path if family == "poisson" else pz.gamma_path
    _, coefs, _, _ = path(X, y, groups=labels, alphas=[4 * alpha, 2 * alpha, alpha],
                          tol=1e-12, max_iter=200)
    np.testing.assert_allclose(coefs[:, -1], w, atol=1e-6)
    with pytest.raises(ValueError, match="penalty='l1' or 'elasticnet'"):
        Est("l2", alpha=alpha, groups=labels).fit(X, y)
