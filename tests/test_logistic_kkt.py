"""The binary logistic fit's KKT value from the native solve's last check (issue 18, i18l),
and the estimator's fast input checks for plain arrays.

``kkt_violation_`` of a binomial fit on a float64 design now comes from the solve
(``logistic_binary_solve``'s ``kkt``: the last check's correlations, bounds for the
screened features, exact products where the bounds leave it open) instead of a
fresh pass: it must equal the numpy-recomputed violation in every setting.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import logistic_kkt_violation

import penalized
from penalized._core import logistic_binary_solve
from penalized._logistic import LogisticProblem


def wide_problem(seed=0, n=60, p=400, density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:5] = [2.0, -1.5, 1.0, 0.8, -0.6]
    y = np.where(X @ w + 0.3 * rng.standard_normal(n) > 0, 1.0, -1.0)
    if density is not None:
        X = sp.random(n, p, density=density, random_state=seed, format="csc",
                      data_rvs=rng.standard_normal)
        y = np.where(np.asarray(X[:, :5] @ w[:5]).ravel() + 0.1 * rng.standard_normal(n) > 0,
                     1.0, -1.0)
        y[:2] = [1.0, -1.0]
    return X, y


def alpha_max(X, y, fit_intercept, sample_weight=None):
    Xf = X if sp.issparse(X) else np.asfortranarray(X)
    s = None if sample_weight is None else sample_weight * X.shape[0] / sample_weight.sum()
    return LogisticProblem(Xf, y, s, fit_intercept).alpha_max(1.0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-10])
@pytest.mark.parametrize("ratio", [2.0, 10.0, 50.0])
def test_kkt_matches_numpy(sparse, fit_intercept, weighted, tol, ratio):
    X, y = wide_problem(density=0.2 if sparse else None)
    sw = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = alpha_max(X, y, fit_intercept, sw) / ratio
    m = penalized.LogisticRegression("l1", alpha=alpha, fit_intercept=fit_intercept,
                                     tol=tol, max_iter=1000).fit(X, y, sample_weight=sw)
    ref = logistic_kkt_violation(X, y, m.coef_[0], m.intercept_[0], alpha, 1.0,
                                 sample_weight=sw, fit_intercept=fit_intercept)
    assert m.kkt_violation_[0] == pytest.approx(ref, rel=1e-6, abs=1e-13)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("options", [dict(l1_ratio=0.5, penalty="elasticnet"),
                                     dict(penalty="l1", standardize=True),
                                     dict(penalty="l1", exclude=[3, 7])])
def test_kkt_matches_python_pass_with_factors(fit_intercept, options):
    # the factors (ridge part, standardize's f1/f2, excluded features): the native value
    # against the Python pass it replaces, on the same fitted point
    X, y = wide_problem(seed=2)
    X[:, 10] *= 25.0
    alpha = alpha_max(X, y, fit_intercept) / 8
    for tol in (1e-4, 1e-9):
        m = penalized.LogisticRegression(alpha=alpha, fit_intercept=fit_intercept, tol=tol,
                                         **options).fit(X, y)
        l1_ratio = options.get("l1_ratio", 1.0)
        problem = LogisticProblem(np.asfortranarray(X), y, None, fit_intercept,
                                  standardize=options.get("standardize", False),
                                  exclude=options.get("exclude"))
        W = m.coef_.T.copy()
        E = problem.linear(W) + m.intercept_
        ref = problem.kkt_violation(E, W, alpha * l1_ratio, alpha * (1 - l1_ratio))
        assert m.kkt_violation_[0] == pytest.approx(ref, rel=1e-6, abs=1e-13)


@pytest.mark.parametrize("ratio", [3.0, 10.0])
@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-12])
def test_native_kkt_with_screened_features(ratio, tol):
    # leukemia (72 x 7129): the solve screens thousands of features, whose violation
    # comes from their bounds or, where those leave it open, their exact products
    from conftest import load_shared

    X, y = load_shared("leukemia_golub")
    X = (X - X.mean(0)) / X.std(0)
    y = np.where(y == y.max(), 1.0, -1.0)
    problem = LogisticProblem(np.asfortranarray(X), y, None, False)
    alpha = problem.alpha_max(1.0) / ratio
    n, p = X.shape
    w, b, eta = np.zeros(p), np.zeros(1), np.zeros(n)
    info = logistic_binary_solve(problem.design, w, b, eta, y, np.ones(n), n * alpha, 0.0,
                                 tol * n, kkt=True)
    assert info["n_screened"] > 1000
    assert 0 <= info["kkt_columns"] <= info["n_screened"]
    ref = logistic_kkt_violation(X, y, w, 0.0, alpha, 1.0, fit_intercept=False)
    assert info["kkt"] == pytest.approx(ref, rel=1e-6, abs=1e-15)


def test_kkt_falls_back_to_the_pass_where_not_formed():
    # float32 designs and limits: NaN from the solve, the estimator makes the pass
    X, y = wide_problem(seed=4, p=50)
    alpha = alpha_max(X, y, True) / 5
    for X_in, extra in ((X.astype(np.float32), {}), (X, dict(upper_bounds=0.5))):
        m = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-5, **extra).fit(X_in, y)
        assert np.isfinite(m.kkt_violation_[0])
    problem = LogisticProblem(np.asfortranarray(X.astype(np.float32)), y, None, False)
    n = X.shape[0]
    info = logistic_binary_solve(problem.design, np.zeros(50), np.zeros(1), np.zeros(n), y,
                                 np.ones(n), n * alpha, 0.0, 1e-8 * n, kkt=True)
    assert np.isnan(info["kkt"])
    # not asked for (a path's points): not formed
    problem = LogisticProblem(np.asfortranarray(X), y, None, False)
    info = logistic_binary_solve(problem.design, np.zeros(50), np.zeros(1), np.zeros(n), y,
                                 np.ones(n), n * alpha, 0.0, 1e-8 * n)
    assert np.isnan(info["kkt"]) and info["kkt_columns"] == 0


def test_kkt_along_a_warm_started_refit():
    # warm_start refits and a path through alpha_max (where the point is reset to b_0)
    X, y = wide_problem(seed=5)
    amax = alpha_max(X, y, True)
    m = penalized.LogisticRegression("l1", alpha=2 * amax, warm_start=True, tol=1e-8)
    for alpha in (2 * amax, amax / 3, amax / 30):
        m.set_params(alpha=alpha).fit(X, y)
        ref = logistic_kkt_violation(X, y, m.coef_[0], m.intercept_[0], alpha, 1.0)
        assert m.kkt_violation_[0] == pytest.approx(ref, rel=1e-6, abs=1e-13)


def test_plain_array_fast_checks_keep_errors_and_attributes():
    X, y = wide_problem(seed=6, p=20)
    m = penalized.LogisticRegression("l1", C=1.0)
    with pytest.raises(ValueError, match="NaN"):
        Xn = np.asfortranarray(X.copy())
        Xn[3, 4] = np.nan
        m.fit(Xn, y)
    with pytest.raises(ValueError, match="infinity|inf"):
        Xn = np.asfortranarray(X.copy())
        Xn[0, 0] = np.inf
        m.fit(Xn, y)
    with pytest.raises(ValueError, match="continuous|Unknown label type"):
        m.fit(np.asfortranarray(X), np.linspace(0, 1, X.shape[0]))
    with pytest.raises(ValueError, match="NaN"):
        yn = y.copy()
        yn[0] = np.nan
        m.fit(np.asfortranarray(X), yn)
    with pytest.raises(ValueError, match="one class"):
        m.fit(np.asfortranarray(X), np.ones(X.shape[0]))
    with pytest.raises(ValueError, match="inconsistent"):
        m.fit(np.asfortranarray(X), y[:-1])
    pd = pytest.importorskip("pandas")
    m.fit(pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])]), y)
    assert list(m.feature_names_in_)[:2] == ["f0", "f1"]
    m.fit(np.asfortranarray(X), (y > 0).astype(np.int64) + 3)     # names dropped, as sklearn
    assert not hasattr(m, "feature_names_in_") and m.n_features_in_ == X.shape[1]
    assert list(m.classes_) == [3, 4]
    # float labels with integer values: the same classes as the general path
    m2 = penalized.LogisticRegression("l1", C=1.0).fit(X, np.where(y > 0, 2.0, -7.0))
    assert list(m2.classes_) == [-7.0, 2.0]
    np.testing.assert_allclose(m2.coef_, m.coef_, rtol=1e-6, atol=1e-9)


def carried_chain(problem, y, s, alphas, tol_abs, use_carry):
    """Solve alphas in order warm-started, with or without the carried products;
    returns the coefficients (p, k), intercepts and the passes' stored entries."""
    n, p = problem.n_samples, problem.n_features
    w, b, eta = np.zeros(p), problem.b0.copy(), np.full(n, problem.b0[0])
    carry = (np.zeros(p, dtype=np.int8), np.zeros(p)) if use_carry else None
    coefs, bs, entries, prev = [], [], 0.0, 0.0
    for k, alpha in enumerate(alphas):
        info = logistic_binary_solve(problem.design, w, b, eta, y, s, n * alpha, 0.0, tol_abs,
                                     l1_prev=prev, carry=carry, carry_in=use_carry and k > 0,
                                     max_newton=1000)
        assert info["gap"] <= tol_abs
        prev = n * alpha
        coefs.append(w.copy())
        bs.append(b[0])
        entries += info["pass_entries"]
    return np.array(coefs).T, np.array(bs), entries


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_carried_products_agree_with_fresh_checks(sparse, fit_intercept, weighted):
    X, y = wide_problem(seed=7, density=0.2 if sparse else None)
    n = X.shape[0]
    sw = (np.random.default_rng(2).uniform(0.2, 3.0, n) if weighted else np.ones(n))
    sw = sw * n / sw.sum()
    problem = LogisticProblem(X if sparse else np.asfortranarray(X), y, sw, fit_intercept)
    amax = problem.alpha_max(1.0)
    alphas = amax * np.geomspace(0.95, 0.01, 20)
    tol_abs = 1e-9 * n * problem.null_loss
    W0, b0, e0 = carried_chain(problem, y, sw, alphas, tol_abs, False)
    W1, b1, e1 = carried_chain(problem, y, sw, alphas, tol_abs, True)
    np.testing.assert_allclose(W1, W0, atol=1e-6 * max(1.0, np.abs(W0).max()))
    np.testing.assert_allclose(b1, b0, atol=1e-6)
    assert e1 < e0      # the first checks read fewer columns
    for k, alpha in enumerate(alphas):      # every point certified in numpy
        ref = logistic_kkt_violation(X, y, W1[:, k], b1[k], alpha, 1.0, sample_weight=sw,
                                     fit_intercept=fit_intercept)
        assert ref <= 1e-4 * alpha


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_logistic_path_with_carry_meets_kkt(sparse, fit_intercept):
    # the public path (which carries the products) against numpy's KKT and a cold fit
    X, y = wide_problem(seed=8, density=0.25 if sparse else None)
    sw = np.random.default_rng(3).uniform(0.5, 2.0, X.shape[0])
    amax = alpha_max(X, y, fit_intercept, sw)
    alphas = amax * np.geomspace(1.0, 0.01, 25)
    _, coefs, intercepts, gaps = penalized.logistic_path(
        X, y, alphas=alphas, fit_intercept=fit_intercept, sample_weight=sw, tol=1e-10,
        max_iter=1000)
    for k, alpha in enumerate(alphas):
        ref = logistic_kkt_violation(X, y, coefs[:, k], intercepts[k], alpha, 1.0,
                                     sample_weight=sw, fit_intercept=fit_intercept)
        assert ref <= 1e-5 * alpha
    m = penalized.LogisticRegression("l1", alpha=alphas[-1], fit_intercept=fit_intercept,
                                     tol=1e-10, max_iter=1000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(coefs[:, -1], m.coef_[0], atol=1e-5)


def test_carry_arguments_are_checked():
    X, y = wide_problem(seed=9, p=30)
    problem = LogisticProblem(np.asfortranarray(X), y, None, False)
    n = X.shape[0]
    for bad in ((np.zeros(30), np.zeros(30)), (np.zeros(29, np.int8), np.zeros(29)),
                (np.zeros(30, np.int8), np.zeros(30, np.float32))):
        with pytest.raises(ValueError, match="carry"):
            logistic_binary_solve(problem.design, np.zeros(30), np.zeros(1), np.zeros(n), y,
                                  np.ones(n), 1.0, 0.0, 1e-6, carry=bad)
