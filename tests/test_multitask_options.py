"""Per-feature options of the multi-task models: penalty_factor, exclude, standardize.

The objective, with sample weights s rescaled to sum to n, pf the penalty factors
rescaled to sum to p (excluded features counting with factor 1) and sd_j = 1 or
the weighted standard deviation of column j::

    1/(2n) sum_i s_i ||Y_i - x_i W - b||^2
        + alpha sum_j pf_j (l1_ratio sd_j ||W_j|| + (1 - l1_ratio)/2 sd_j^2 ||W_j||^2),
    W_j = 0 for j in exclude.

Every check is against numpy written here: an accelerated proximal-gradient
solver of that objective, the KKT conditions, the primal objective (so that the
reported gap is checked as an upper bound of P(W) - P*).  python-glmnet's Fortran
(``glmnet._glmnet``) exposes elnet / lognet only, no ``multelnet`` (mgaussian), so
there is no glmnet agreement test for these options.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import penalized as pz
from penalized import solvers


def make_data(n=50, p=12, T=3, seed=0, scales=True):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if scales:
        X = X * rng.uniform(0.3, 4.0, p) + rng.uniform(-2, 2, p)
    W = np.zeros((p, T))
    W[:4] = rng.standard_normal((4, T))
    Y = X @ W + 0.5 * rng.standard_normal((n, T)) + rng.standard_normal(T)
    return X, Y


def resolved(p, pf=None, exclude=None):
    """The rescaled factors and the excluded mask, written independently of the library."""
    excl = np.zeros(p, dtype=bool)
    if exclude is not None:
        excl[np.asarray(exclude)] = True
    f = np.ones(p) if pf is None else np.asarray(pf, dtype=float).copy()
    f[excl] = 1.0
    return f * p / f.sum(), excl


def weighted_sd(X, s):
    n = X.shape[0]
    m = s @ X / n
    return np.sqrt(s @ (X - m) ** 2 / n)


def penalty_weights(X, sw, pf, exclude, standardize):
    """(omega, rho, excluded): L1 weights pf sd, ridge factors pf sd^2."""
    n, p = X.shape
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    f, excl = resolved(p, pf, exclude)
    sd = weighted_sd(X, s) if standardize else np.ones(p)
    return f * sd, f * sd ** 2, excl


def objective(X, Y, W, b, alpha, l1_ratio, sw=None, pf=None, exclude=None, standardize=False):
    """The exact objective above (W (p, T)), in numpy."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    om, rho, excl = penalty_weights(X, sw, pf, exclude, standardize)
    assert not np.any(W[excl])
    R = Y - X @ W - b
    rn = np.linalg.norm(W, axis=1)
    return (0.5 * np.sum(s[:, None] * R * R) / n
            + alpha * l1_ratio * om @ rn + 0.5 * alpha * (1 - l1_ratio) * rho @ rn ** 2)


def fista(F, grad, prox, W, L, n_iter):
    """FISTA with function-value restarts (Beck & Teboulle 2009; O'Donoghue & Candes 2015)
    from W with step 1/L, until the iterates stop moving (1e-14 relative) or n_iter."""
    Z, t, fw = W.copy(), 1.0, F(W)
    for _ in range(n_iter):
        Wn = prox(Z - grad(Z) / L)
        fn = F(Wn)
        if fn > fw and t > 1.0:            # restart
            Z, t = W.copy(), 1.0
            continue
        tn = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        Z = Wn + (t - 1) / tn * (Wn - W)
        done = np.max(np.abs(Wn - W)) <= 1e-14 * max(1.0, np.max(np.abs(Wn)))
        W, t, fw = Wn, tn, fn
        if done:
            break
    return W


def reference(X, Y, alpha, l1_ratio, sw=None, pf=None, exclude=None, standardize=False,
              fit_intercept=True, n_iter=20000):
    """FISTA (with restarts) on the weighted-centred problem; returns (W (p, T), b)."""
    n, p = X.shape
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    om, rho, excl = penalty_weights(X, sw, pf, exclude, standardize)
    if fit_intercept:
        xm, ym = s @ X / n, s @ Y / n
    else:
        xm, ym = np.zeros(p), np.zeros(Y.shape[1])
    Xc, Yc = X - xm, Y - ym
    A = np.sqrt(s)[:, None] * Xc
    L = np.linalg.norm(A, 2) ** 2 / n + alpha * (1 - l1_ratio) * rho.max()
    tau = alpha * l1_ratio * om / L

    def prox(V):
        nv = np.linalg.norm(V, axis=1)
        f = np.where(nv > tau, 1 - tau / np.where(nv > 0, nv, 1), 0.0)
        out = f[:, None] * V
        out[excl] = 0.0
        return out

    G = Xc.T @ (s[:, None] * Xc) / n
    C = Xc.T @ (s[:, None] * Yc) / n
    ridge = alpha * (1 - l1_ratio) * rho[:, None]

    def grad(W):
        return G @ W - C + ridge * W

    def F(W):   # the objective up to a constant, from the Gram matrix
        rn = np.linalg.norm(W, axis=1)
        return (0.5 * np.sum(W * (G @ W)) - np.sum(C * W) + 0.5 * np.sum(ridge * W * W)
                + alpha * l1_ratio * om @ rn)

    W = fista(F, grad, prox, np.zeros((p, Y.shape[1])), L, n_iter)
    return W, ym - xm @ W


def kkt_violation(X, Y, W, b, alpha, l1_ratio, sw=None, pf=None, exclude=None,
                  standardize=False):
    """The largest violation of the optimality conditions, relative to alpha."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    om, rho, excl = penalty_weights(X, sw, pf, exclude, standardize)
    R = Y - X @ W - b
    G = X.T @ (s[:, None] * R) / n - alpha * (1 - l1_ratio) * rho[:, None] * W
    worst = np.max(np.abs(s @ R)) / n      # intercept stationarity
    for j in range(X.shape[1]):
        if excl[j]:
            assert not np.any(W[j])
            continue
        nw = np.linalg.norm(W[j])
        if om[j] == 0:
            v = np.linalg.norm(G[j])
        elif nw > 0:
            v = np.linalg.norm(G[j] - alpha * l1_ratio * om[j] * W[j] / nw)
        else:
            v = max(np.linalg.norm(G[j]) - alpha * l1_ratio * om[j], 0.0)
        worst = max(worst, v)
    return worst / alpha


PF = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0, 0.0, 1.0, 0.2, 1.0, 1.5, 1.0])
CASES = {
    "pf": dict(penalty_factor=PF),
    "exclude": dict(exclude=[0, 5]),
    "standardize": dict(standardize=True),
    "all": dict(penalty_factor=PF, exclude=[2, 9], standardize=True),
}


def _ref_kwargs(opts):
    return dict(pf=opts.get("penalty_factor"), exclude=opts.get("exclude"),
                standardize=opts.get("standardize", False))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("case", sorted(CASES))
def test_agrees_with_numpy_reference(case, l1_ratio, weighted):
    X, Y = make_data()
    sw = np.random.default_rng(3).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    opts = CASES[case]
    alpha = 0.08
    est = (pz.MultiTaskLasso(alpha=alpha, tol=1e-13, max_iter=100_000, **opts)
           if l1_ratio == 1.0 else
           pz.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13, max_iter=100_000,
                                  **opts))
    est.fit(X, Y, sample_weight=sw)
    W_ref, b_ref = reference(X, Y, alpha, l1_ratio, sw, **_ref_kwargs(opts))
    W = est.coef_.T
    np.testing.assert_allclose(W, W_ref, atol=1e-6 * np.abs(W_ref).max())
    np.testing.assert_allclose(est.intercept_, b_ref, atol=1e-6 * max(1, np.abs(b_ref).max()))
    assert kkt_violation(X, Y, W, est.intercept_, alpha, l1_ratio, sw,
                         **_ref_kwargs(opts)) < 1e-5
    # the gap is an upper bound on P(W) - P* (P* <= P(W_ref))
    P = objective(X, Y, W, est.intercept_, alpha, l1_ratio, sw, **_ref_kwargs(opts))
    P_ref = objective(X, Y, W_ref, b_ref, alpha, l1_ratio, sw, **_ref_kwargs(opts))
    assert P - P_ref <= est.dual_gap_ + 1e-12 * abs(P)
    assert est.dual_gap_ <= 1e-13 * np.sum((Y - Y.mean(0)) ** 2) * 10
    # the options change the fit (none of them is a no-op here)
    plain = pz.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-10).fit(X, Y, sw)
    assert not np.allclose(plain.coef_, est.coef_, atol=1e-4)


@pytest.mark.parametrize("case", sorted(CASES))
def test_gap_is_honest_before_convergence(case):
    """Stopped early (tol=0, few epochs), the reported gap still bounds P(W) - P*."""
    X, Y = make_data(seed=1)
    opts = CASES[case]
    W_ref, b_ref = reference(X, Y, 0.05, 0.7, **_ref_kwargs(opts))
    P_ref = objective(X, Y, W_ref, b_ref, 0.05, 0.7, **_ref_kwargs(opts))
    for max_iter in (1, 2, 5):
        with pytest.warns(Warning):
            est = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, tol=0.0,
                                         max_iter=max_iter, **opts).fit(X, Y)
        P = objective(X, Y, est.coef_.T, est.intercept_, 0.05, 0.7, **_ref_kwargs(opts))
        assert P - P_ref > 0
        assert P - P_ref <= est.dual_gap_ * (1 + 1e-9) + 1e-14


def test_unpenalized_rows_and_exclude():
    X, Y = make_data(seed=2)
    pf = np.ones(X.shape[1])
    pf[[1, 4]] = 0.0
    # at a huge alpha only the unpenalized rows are non-zero: their least-squares fit
    est = pz.MultiTaskLasso(alpha=1e3, penalty_factor=pf, exclude=[7], tol=1e-12).fit(X, Y)
    nz = np.flatnonzero(np.any(est.coef_ != 0, axis=0))
    assert nz.tolist() == [1, 4]
    Xc = X[:, [1, 4]] - X[:, [1, 4]].mean(0)
    B = np.linalg.lstsq(Xc, Y - Y.mean(0), rcond=None)[0]
    np.testing.assert_allclose(est.coef_[:, [1, 4]], B.T, rtol=1e-9, atol=1e-12)
    # the path starts at alpha_max with those rows fitted and the others 0, and
    # the first penalized row enters just below it
    alphas, coefs, gaps = pz.multitask_enet_path(X, Y, l1_ratio=1.0, alphas=30,
                                                 penalty_factor=pf, exclude=[7],
                                                 fit_intercept=True)
    first = np.any(coefs[:, :, 0] != 0, axis=0)
    assert np.flatnonzero(first).tolist() == [1, 4]
    assert np.any(np.any(coefs[:, :, 1] != 0, axis=0) & ~first)
    assert not np.any(coefs[:, 7, :])
    # exclude: the same fit as dropping the column
    keep = np.delete(np.arange(X.shape[1]), [7])
    a = pz.MultiTaskLasso(alpha=0.1, exclude=[7], tol=1e-12).fit(X, Y)
    b = pz.MultiTaskLasso(alpha=0.1, tol=1e-12).fit(X[:, keep], Y)
    np.testing.assert_allclose(a.coef_[:, keep], b.coef_, rtol=1e-7, atol=1e-10)
    assert not np.any(a.coef_[:, 7])


def test_penalty_factor_rescaling_and_constant_factor():
    X, Y = make_data(seed=4)
    a = pz.MultiTaskElasticNet(alpha=0.1, penalty_factor=PF, tol=1e-12).fit(X, Y)
    b = pz.MultiTaskElasticNet(alpha=0.1, penalty_factor=7.5 * PF, tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9, atol=1e-12)
    c = pz.MultiTaskElasticNet(alpha=0.1, penalty_factor=np.full(12, 3.0), tol=1e-12).fit(X, Y)
    d = pz.MultiTaskElasticNet(alpha=0.1, tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(c.coef_, d.coef_, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_standardize_equals_fit_on_scaled_columns(weighted, fit_intercept):
    """standardize=True is the fit on X / sd with coefficients divided by sd (glmnet)."""
    X, Y = make_data(seed=5)
    n = X.shape[0]
    sw = np.random.default_rng(6).uniform(0.5, 2.0, n) if weighted else None
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    sd = weighted_sd(X, s)
    a = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.8, standardize=True, tol=1e-13,
                               penalty_factor=PF, fit_intercept=fit_intercept,
                               max_iter=100_000).fit(X, Y, sw)
    b = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.8, tol=1e-13, penalty_factor=PF,
                               fit_intercept=fit_intercept,
                               max_iter=100_000).fit(X / sd, Y, sw)
    scale = np.abs(a.coef_).max()
    np.testing.assert_allclose(a.coef_, b.coef_ / sd, rtol=0, atol=1e-7 * scale)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-7 * scale)


def test_constant_column_with_standardize_is_zero():
    X, Y = make_data(seed=7)
    X[:, 3] = 2.5
    est = pz.MultiTaskLasso(alpha=0.01, standardize=True).fit(X, Y)
    assert not np.any(est.coef_[:, 3])


@pytest.mark.parametrize("case", sorted(CASES))
def test_sample_weight_equals_repeated_rows(case):
    X, Y = make_data(seed=8)
    reps = np.random.default_rng(9).integers(1, 4, X.shape[0])
    opts = CASES[case]
    a = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-13, **opts).fit(
        X, Y, sample_weight=reps.astype(float))
    b = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.7, tol=1e-13, **opts).fit(
        np.repeat(X, reps, axis=0), np.repeat(Y, reps, axis=0))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("case", sorted(CASES))
def test_sparse_equals_dense(case):
    X, Y = make_data(seed=10)
    X[np.abs(X) < 1.0] = 0.0
    opts = CASES[case]
    a = pz.MultiTaskElasticNet(alpha=0.05, tol=1e-13, **opts).fit(X, Y)
    b = pz.MultiTaskElasticNet(alpha=0.05, tol=1e-13, **opts).fit(sp.csc_matrix(X), Y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-8, atol=1e-11)


def test_float32():
    X, Y = make_data(seed=11)
    opts = CASES["all"]
    a = pz.MultiTaskElasticNet(alpha=0.05, tol=1e-6, **opts).fit(X.astype(np.float32),
                                                                   Y.astype(np.float32))
    W_ref, _ = reference(X, Y, 0.05, 0.5, **_ref_kwargs(opts))
    assert a.coef_.dtype == np.float32
    np.testing.assert_allclose(a.coef_.T, W_ref, atol=2e-3 * np.abs(W_ref).max())


def test_path_points_match_single_fits():
    X, Y = make_data(seed=12)
    opts = CASES["all"]
    alphas, coefs, gaps = pz.multitask_enet_path(X, Y, l1_ratio=0.6, alphas=8,
                                                 fit_intercept=True, tol=1e-12, **opts)
    assert np.all(np.diff(alphas) < 0)
    # alpha_max: every penalized row 0 at the first alpha, something enters below
    pen = np.ones(12, bool)
    pen[[1, 6]] = False     # pf = 0 rows
    assert not np.any(coefs[:, pen, 0])
    # alpha_max from the formula, in numpy: max_j ||X_c,j^T R_0|| / (n l1_ratio pf_j sd_j)
    om, _, excl = penalty_weights(X, None, **{"pf": PF, "exclude": [2, 9],
                                              "standardize": True})
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    U = ~pen
    R0 = Yc - Xc[:, U] @ np.linalg.lstsq(Xc[:, U], Yc, rcond=None)[0]
    on = pen & ~excl
    amax = np.max(np.linalg.norm(Xc[:, on].T @ R0, axis=1) / om[on]) / (X.shape[0] * 0.6)
    np.testing.assert_allclose(alphas[0], amax, rtol=1e-10)
    for k in (2, 5, 7):
        est = pz.MultiTaskElasticNet(alpha=alphas[k], l1_ratio=0.6, tol=1e-12, **opts).fit(X, Y)
        np.testing.assert_allclose(coefs[:, :, k], est.coef_, rtol=1e-6, atol=1e-9)
    lasso = pz.multitask_lasso_path(X, Y, alphas=alphas[:3], fit_intercept=True, **opts)
    ref = pz.multitask_enet_path(X, Y, l1_ratio=1.0, alphas=alphas[:3], fit_intercept=True,
                                 **opts)
    np.testing.assert_array_equal(lasso[1], ref[1])


def test_warm_start_keeps_excluded_rows_at_zero():
    X, Y = make_data(seed=13)
    est = pz.MultiTaskLasso(alpha=0.05, warm_start=True).fit(X, Y)
    est.set_params(exclude=[0, 1])
    est.fit(X, Y)
    assert not np.any(est.coef_[:, [0, 1]])
    ref = pz.MultiTaskLasso(alpha=0.05, exclude=[0, 1], tol=1e-10).fit(X, Y)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-3)


def test_cv_with_options_matches_manual_folds():
    from sklearn.model_selection import KFold
    X, Y = make_data(n=60, seed=14)
    opts = CASES["all"]
    cv = KFold(3, shuffle=True, random_state=0)
    est = pz.MultiTaskElasticNetCV(l1_ratio=0.7, alphas=6, cv=cv, tol=1e-12, **opts).fit(X, Y)
    grid = est.alphas_
    # the grid comes from the full data with the options
    full = pz.multitask_enet_path(X, Y, l1_ratio=0.7, alphas=6, fit_intercept=True, **opts)[0]
    np.testing.assert_allclose(grid, full, rtol=1e-12)
    # each fold standardizes on its own training rows
    for k, (tr, te) in enumerate(cv.split(X)):
        _, coefs, _ = pz.multitask_enet_path(X[tr], Y[tr], l1_ratio=0.7, alphas=grid,
                                             fit_intercept=True, tol=1e-12, **opts)
        for a in range(grid.size):
            m = pz.MultiTaskElasticNet(alpha=grid[a], l1_ratio=0.7, tol=1e-12, **opts).fit(
                X[tr], Y[tr])
            mse = np.mean((m.predict(X[te]) - Y[te]) ** 2)
            np.testing.assert_allclose(est.mse_path_[a, k], mse, rtol=1e-6)
    ref = pz.MultiTaskElasticNet(alpha=est.alpha_, l1_ratio=0.7, tol=1e-12, **opts).fit(X, Y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert not np.any(est.coef_[:, [2, 9]])
    refit = est.refit_estimator()
    assert refit.get_params()["standardize"] is True
    lcv = pz.MultiTaskLassoCV(alphas=5, cv=3, penalty_factor=PF, exclude=[3]).fit(
        sp.csc_matrix(X), Y)
    assert not np.any(lcv.coef_[:, 3])


def test_solvers_entries():
    X, Y = make_data(seed=15)
    opts = CASES["all"]
    sol = solvers.multitask_enet(X, Y, 0.05, l1_ratio=0.6, **opts)
    est = pz.MultiTaskElasticNet(alpha=0.05, l1_ratio=0.6, **opts).fit(X, Y)
    np.testing.assert_array_equal(sol.coef, est.coef_)
    np.testing.assert_allclose(sol.intercept, est.intercept_)
    assert sol.converged and sol.dual_gap <= sol.gap_target
    lasso = solvers.multitask_lasso(X, Y, 0.05, **opts)
    ref = pz.MultiTaskLasso(alpha=0.05, **opts).fit(X, Y)
    np.testing.assert_array_equal(lasso.coef, ref.coef_)
    path = solvers.multitask_enet_path(X, Y, l1_ratio=0.6, n_alphas=5, **opts)
    a, c, g = pz.multitask_enet_path(X, Y, l1_ratio=0.6, alphas=5, fit_intercept=True, **opts)
    np.testing.assert_allclose(path.alphas, a)
    np.testing.assert_array_equal(path.coefs, c)
    assert path.coefs.shape == (3, 12, 5) and path.intercepts.shape == (3, 5)
    assert set(path[4].active_set.tolist()) == set(np.flatnonzero(np.any(c[:, :, 4], 0)))
    # check_input=False takes F-ordered X and 2-D y
    fast = solvers.multitask_enet(np.asfortranarray(X), Y, 0.05, l1_ratio=0.6,
                                  check_input=False, **opts)
    np.testing.assert_array_equal(fast.coef, sol.coef)


@pytest.mark.parametrize("kwargs, match", [
    (dict(penalty_factor=np.ones(5)), "penalty_factor"),
    (dict(penalty_factor=-np.ones(12)), "penalty_factor must be >= 0"),
    (dict(penalty_factor=np.r_[np.nan, np.ones(11)]), "penalty_factor contains NaN"),
    (dict(penalty_factor=np.zeros(12)), "nothing is penalized"),
    (dict(exclude=list(range(12))), "exclude removes every feature"),
    (dict(exclude=[12]), "exclude holds indices outside"),
    (dict(exclude=np.ones(12, bool)), "boolean mask"),
])
def test_bad_options(kwargs, match):
    X, Y = make_data()
    with pytest.raises(ValueError, match=match):
        pz.MultiTaskElasticNet(**kwargs).fit(X, Y)
    with pytest.raises(ValueError, match=match):
        pz.multitask_enet_path(X, Y, alphas=3, **kwargs)
    with pytest.raises(ValueError, match=match):
        pz.MultiTaskLassoCV(alphas=3, cv=2, **kwargs).fit(X, Y)
    with pytest.raises(ValueError, match=match):
        solvers.multitask_enet(X, Y, 0.1, l1_ratio=0.5, **kwargs)


def test_bad_options_keep_estimator_state():
    X, Y = make_data()
    est = pz.MultiTaskLasso(alpha=0.1).fit(X, Y)
    coef = est.coef_.copy()
    with pytest.raises(TypeError, match="standardize"):
        est.set_params(standardize="yes").fit(X, Y)
    np.testing.assert_array_equal(est.coef_, coef)


def test_unsupported_options_raise():
    X, Y = make_data()
    for kw in (dict(lower_bounds=-1.0), dict(upper_bounds=np.ones(12))):
        with pytest.raises(ValueError, match="not supported"):
            solvers.multitask_enet_path(X, Y, l1_ratio=0.5, n_alphas=3, **kw)
    with pytest.raises(ValueError, match="max_features"):
        pz.multitask_enet_path(X, Y, alphas=3, max_features=-1)
    with pytest.raises(TypeError, match="dfmax"):
        pz.MultiTaskLassoCV(alphas=3, cv=2, dfmax=1.5).fit(X, Y)
    # every column constant under standardize: W = 0, the intercept-only fit (as Lasso)
    est = pz.MultiTaskLasso(alpha=0.1, standardize=True).fit(np.ones_like(X), Y)
    assert not np.any(est.coef_)
    np.testing.assert_allclose(est.intercept_, Y.mean(0))
    assert est.dual_gap_ == 0.0


def _group_reference(Xc, Yc, ptr, cols, omega, rho, l1, l2, n_iter=50000):
    """FISTA on 1/2 ||Yc - Xc W||^2 + l1 sum_g omega_g ||W_g||_F + l2/2 sum_g rho_g ||W_g||^2."""
    p, T = Xc.shape[1], Yc.shape[1]
    G, C = Xc.T @ Xc, Xc.T @ Yc
    rho_col = np.empty(p)
    for g in range(len(ptr) - 1):
        rho_col[cols[ptr[g]:ptr[g + 1]]] = rho[g]
    L = np.linalg.norm(G, 2) + l2 * rho.max()

    def F(W):
        return (0.5 * np.sum(W * (G @ W)) - np.sum(C * W)
                + sum(l1 * omega[g] * np.linalg.norm(W[cols[ptr[g]:ptr[g + 1]]])
                      + 0.5 * l2 * rho[g] * np.sum(W[cols[ptr[g]:ptr[g + 1]]] ** 2)
                      for g in range(len(ptr) - 1)))

    def prox(V):
        out = V.copy()
        for g in range(len(ptr) - 1):
            idx = cols[ptr[g]:ptr[g + 1]]
            nv = np.linalg.norm(V[idx])
            tau = l1 * omega[g] / L
            out[idx] = 0.0 if nv <= tau else (1 - tau / nv) * V[idx]
        return out

    W = fista(F, lambda W: G @ W - C + l2 * rho_col[:, None] * W, prox, np.zeros((p, T)),
              L, n_iter)
    return W, F(W) + 0.5 * np.sum(Yc * Yc)


def test_native_group_ridge_factors_for_groups_of_columns():
    """group_enet_solve's per-group ridge factors on groups of several columns (the
    eigenbasis step): the solution and an honest gap, also when stopped early."""
    from penalized._core import Design, group_enet_solve, group_gram_eigen
    from penalized._grouping import check_groups
    rng = np.random.default_rng(20)
    n, p, T = 40, 12, 2
    X = rng.standard_normal((n, p))
    Y = X[:, :5] @ rng.standard_normal((5, T)) + 0.3 * rng.standard_normal((n, T))
    grouping = check_groups(np.repeat(np.arange(4), 3), p)
    rho = np.array([0.2, 3.0, 1.0, 0.7])
    D = Design(np.asfortranarray(X), None, True)
    eig = group_gram_eigen(D, grouping.ptr, grouping.cols)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    l1 = 0.2 * max(np.linalg.norm(Xc[:, 3 * g:3 * g + 3].T @ Yc) / w
                   for g, w in enumerate(grouping.weights))
    l2 = 0.5 * l1
    W_ref, F_ref = _group_reference(Xc, Yc, grouping.ptr, grouping.cols, grouping.weights,
                                    rho, l1, l2)
    for max_epochs, tol_abs in ((100_000, 1e-13), (1, 0.0), (3, 0.0)):
        W = np.zeros((p, T))
        R = np.asfortranarray(Yc.copy())
        info = group_enet_solve(D, W, R, np.asfortranarray(Y), l1, l2, grouping.ptr,
                                grouping.cols, grouping.weights, eig, tol_abs=tol_abs,
                                max_epochs=max_epochs, group_ridge=rho)
        F = (0.5 * np.sum((Yc - Xc @ W) ** 2)
             + sum(l1 * grouping.weights[g] * np.linalg.norm(W[3 * g:3 * g + 3])
                   + 0.5 * l2 * rho[g] * np.sum(W[3 * g:3 * g + 3] ** 2) for g in range(4)))
        np.testing.assert_allclose(info["primal"], F, rtol=1e-12)
        assert F - F_ref <= info["gap"] * (1 + 1e-9) + 1e-12
        if tol_abs:
            np.testing.assert_allclose(W, W_ref, atol=1e-7 * np.abs(W_ref).max())
    # without factors: the plain ridge term (rho = 1) differs
    W1 = np.zeros((p, T))
    group_enet_solve(D, W1, np.asfortranarray(Yc.copy()), np.asfortranarray(Y), l1, l2,
                     grouping.ptr, grouping.cols, grouping.weights, eig, tol_abs=1e-13)
    assert not np.allclose(W1, W_ref, atol=1e-4)
    for bad in (np.ones(3), np.r_[1.0, -1.0, 1.0, 1.0], np.r_[np.inf, 1.0, 1.0, 1.0]):
        with pytest.raises(ValueError, match="group_ridge"):
            group_enet_solve(D, np.zeros((p, T)), np.asfortranarray(Yc.copy()),
                             np.asfortranarray(Y), l1, l2, grouping.ptr, grouping.cols,
                             grouping.weights, eig, group_ridge=bad)


from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


@parametrize_with_checks(
    # options that fit any number of features: standardize, a scalar factor
    [pz.MultiTaskLasso(alpha=0.1, standardize=True),
     pz.MultiTaskElasticNet(alpha=0.1, l1_ratio=0.3, standardize=True, penalty_factor=2.0),
     pz.MultiTaskElasticNetCV(cv=3, alphas=5, standardize=True)],
    expected_failed_checks=lambda est: (
        {"check_sample_weight_equivalence_on_dense_data": "CV folds change with repeats",
         "check_sample_weight_equivalence_on_sparse_data": "CV folds change with repeats"}
        if isinstance(est, pz.MultiTaskElasticNetCV) else {}),
)
def test_sklearn_contract_with_options(estimator, check):
    check(estimator)


def test_max_features_and_dfmax():
    """glmnet's pmax / dfmax over rows: the path stops before the crossing alpha (the
    prefix of the unlimited path), the CV grid is cut there."""
    X, Y = make_data(n=60, p=12, seed=21)
    opts = dict(penalty_factor=PF, standardize=True)
    a, c, g = pz.multitask_enet_path(X, Y, l1_ratio=0.8, alphas=25, fit_intercept=True,
                                     tol=1e-10, **opts)
    nz = np.any(c != 0, axis=0)                            # (p, n_alphas)
    ever = np.count_nonzero(np.logical_or.accumulate(nz, axis=1), axis=0)
    now = np.count_nonzero(nz, axis=0)
    lim = int(ever[np.flatnonzero(ever < ever[-1])[-1]])
    k_ever = int(np.flatnonzero(ever > lim)[0])
    k_now = int(np.flatnonzero(now > lim)[0])
    assert 0 < k_ever < a.size
    for kw, k in ((dict(max_features=lim), k_ever), (dict(dfmax=lim), k_now)):
        a2, c2, g2 = pz.multitask_enet_path(X, Y, l1_ratio=0.8, alphas=a, fit_intercept=True,
                                            tol=1e-10, **kw, **opts)
        np.testing.assert_array_equal(a2, a[:k])
        np.testing.assert_array_equal(c2, c[:, :, :k])
        sol = solvers.multitask_enet_path(X, Y, a, l1_ratio=0.8, tol=1e-10, **kw, **opts)
        np.testing.assert_array_equal(sol.alphas, a[:k])
        cv = pz.MultiTaskElasticNetCV(l1_ratio=0.8, alphas=a, cv=3, tol=1e-10, **kw,
                                      **opts).fit(X, Y)
        np.testing.assert_array_equal(cv.alphas_, a[:k])
        ref = pz.MultiTaskElasticNetCV(l1_ratio=0.8, alphas=a[:k], cv=3, tol=1e-10,
                                       **opts).fit(X, Y)
        np.testing.assert_allclose(cv.mse_path_, ref.mse_path_, rtol=1e-10)
