"""Ridge, RidgeCV and ridge_path against numpy normal equations and scikit-learn."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import KFold

import penalized
from conftest import load_shared
from penalized.model_selection import one_standard_error_index

SOLVERS = ["cholesky", "svd", "cg", "lsqr"]
ITERATIVE = ["cg", "lsqr"]


def _data(n, p, seed=0, n_targets=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 0.5          # non-zero means exercise the centring
    w = rng.standard_normal(p) * (rng.random(p) < 0.3)
    shape = (n,) if n_targets is None else (n, n_targets)
    noise = rng.standard_normal(shape)
    y = (X @ w if n_targets is None else (X @ w)[:, None] * np.arange(1, n_targets + 1)) + noise
    return X, y + 3.0, rng.uniform(0.2, 3.0, n)


def _reference(X, y, alpha, sample_weight=None, fit_intercept=True):
    """Normal equations (Xc^T S Xc + n alpha I) w = Xc^T S yc in float64 numpy."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    y = np.asarray(y, dtype=np.float64)
    xm = s @ Xd / n if fit_intercept else np.zeros(Xd.shape[1])
    ym = s @ y / n if fit_intercept else 0.0 * (s @ y)
    Xc, yc = Xd - xm, y - ym
    A = Xc.T @ (s[:, None] * Xc) + n * alpha * np.eye(Xd.shape[1])
    w = np.linalg.solve(A, Xc.T @ (s[:, None] * yc if y.ndim == 2 else s * yc))
    return w, ym - xm @ w


def _numpy_gap(X, y, w, alpha, sample_weight=None, fit_intercept=True):
    """||Xc^T S r / n - alpha w||^2 / (2 alpha), recomputed independently (1-D y)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    xm = s @ Xd / n if fit_intercept else np.zeros(Xd.shape[1])
    ym = s @ y / n if fit_intercept else 0.0
    r = (y - ym) - (Xd - xm) @ w
    g = (Xd - xm).T @ (s * r) / n - alpha * w
    return g @ g / (2 * alpha)


def _rel(a, b):
    return np.linalg.norm(np.asarray(a) - b) / np.linalg.norm(b)


# -- agreement with scikit-learn -------------------------------------------------

@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd"])
def test_matches_sklearn_ridge(fit_intercept, weighted, n_targets, solver):
    X, y, sw = _data(40, 15, n_targets=n_targets)
    sw = sw if weighted else None
    alpha = 0.3
    total = X.shape[0] if sw is None else sw.sum()
    ref = SkRidge(alpha=alpha * total, fit_intercept=fit_intercept, solver="svd").fit(
        X, y, sample_weight=sw)
    ours = penalized.Ridge(alpha, fit_intercept=fit_intercept, solver=solver).fit(
        X, y, sample_weight=sw)
    assert _rel(ours.coef_, ref.coef_) < 1e-8
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)
    # scikit-learn's scale given directly
    ours_sum = penalized.Ridge(alpha * total, alpha_scale="sum", fit_intercept=fit_intercept,
                               solver=solver).fit(X, y, sample_weight=sw)
    assert _rel(ours_sum.coef_, ref.coef_) < 1e-8
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8)


def test_same_problem_as_elasticnet_l1_ratio_zero():
    X, y, sw = _data(50, 20, seed=3)
    alpha = 0.2
    ridge = penalized.Ridge(alpha).fit(X, y, sample_weight=sw)
    enet = penalized.ElasticNet(alpha=alpha, l1_ratio=0.0, tol=1e-12, max_iter=100_000).fit(
        X, y, sample_weight=sw)
    # strong convexity: ||w - w*||^2 <= 2 gap / alpha for the elastic net's iterate
    assert np.sum((enet.coef_ - ridge.coef_) ** 2) <= 2 * enet.dual_gap_ / alpha + 1e-20
    assert abs(enet.intercept_ - ridge.intercept_) < 1e-5


# -- every solver against numpy ----------------------------------------------------

@pytest.mark.parametrize("shape", [(30, 200), (300, 8), (40, 40)], ids=["p>>n", "n>>p", "square"])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_solvers_match_normal_equations(shape, solver, fit_intercept, weighted):
    X, y, sw = _data(*shape, seed=1)
    sw = sw if weighted else None
    alpha = 0.05
    tol = 1e-12
    m = penalized.Ridge(alpha, fit_intercept=fit_intercept, solver=solver, tol=tol).fit(
        X, y, sample_weight=sw)
    w_ref, b_ref = _reference(X, y, alpha, sw, fit_intercept)
    gap = _numpy_gap(X, y, m.coef_, alpha, sw, fit_intercept)
    np.testing.assert_allclose(m.dual_gap_, gap, rtol=1e-3, atol=1e-25)
    if solver in ITERATIVE:
        n = X.shape[0]
        s = np.ones(n) if sw is None else sw * n / sw.sum()
        yc = y - (s @ y / n if fit_intercept else 0.0)
        assert gap <= tol * (s @ yc ** 2) / n
        # the certificate bounds the coefficient error: alpha/2 ||w - w*||^2 <= gap
        assert np.sum((m.coef_ - w_ref) ** 2) <= 2 * gap / alpha * (1 + 1e-6) + 1e-24
    else:
        assert _rel(m.coef_, w_ref) < 1e-10
        assert m.n_iter_ == 1
    assert abs(m.intercept_ - b_ref) < 1e-5 * max(1.0, abs(b_ref))


@pytest.mark.parametrize("solver", ["auto", "cg", "lsqr"])
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_equals_dense(solver, fmt, fit_intercept):
    rng = np.random.default_rng(2)
    X = sp.random(60, 120, density=0.1, format=fmt, random_state=3) + 0
    X = X.asformat(fmt)
    y = rng.standard_normal(60)
    sw = rng.uniform(0.5, 2, 60)
    alpha = 0.01
    sparse = penalized.Ridge(alpha, solver=solver, fit_intercept=fit_intercept,
                             tol=1e-14).fit(X, y, sample_weight=sw)
    w_ref, b_ref = _reference(X, y, alpha, sw, fit_intercept)
    assert _rel(sparse.coef_, w_ref) < 1e-5
    assert abs(sparse.intercept_ - b_ref) < 1e-6
    dense = penalized.Ridge(alpha, solver=solver, fit_intercept=fit_intercept,
                            tol=1e-14).fit(X.toarray(), y, sample_weight=sw)
    assert _rel(sparse.coef_, dense.coef_) < 1e-5


@pytest.mark.parametrize("solver", SOLVERS)
def test_rank_deficient_duplicate_columns(solver):
    X, y, _ = _data(25, 10, seed=4)
    Xdup = np.hstack([X, X[:, :3], 2 * X[:, :1]])        # rank 10, 14 columns
    alpha = 0.1
    m = penalized.Ridge(alpha, solver=solver, tol=1e-14).fit(Xdup, y)
    w_ref, _ = _reference(Xdup, y, alpha)
    assert _rel(m.coef_, w_ref) < 1e-6
    # the unique minimiser splits a duplicated column's weight equally
    np.testing.assert_allclose(m.coef_[:3], m.coef_[10:13], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(2 * m.coef_[0], m.coef_[13], rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32(solver):
    X, y, sw = _data(50, 30, seed=5, n_targets=2)
    m32 = penalized.Ridge(0.1, solver=solver).fit(X.astype(np.float32), y.astype(np.float32),
                                                 sample_weight=sw)
    m64 = penalized.Ridge(0.1, solver=solver).fit(X, y, sample_weight=sw)
    assert m32.coef_.dtype == np.float32 and m32.intercept_.dtype == np.float32
    assert m32.coef_.shape == (2, 30)
    assert _rel(m32.coef_, m64.coef_) < 1e-4


def test_multi_output_is_per_column():
    X, Y, sw = _data(40, 12, seed=6, n_targets=3)
    for solver in SOLVERS:
        m = penalized.Ridge(0.2, solver=solver, tol=1e-14).fit(X, Y, sample_weight=sw)
        assert m.coef_.shape == (3, 12) and m.dual_gap_.shape == (3,)
        for k in range(3):
            one = penalized.Ridge(0.2, solver="svd").fit(X, Y[:, k], sample_weight=sw)
            assert _rel(m.coef_[k], one.coef_) < 1e-6


def test_iterative_not_converged_warns():
    X, y, _ = _data(60, 200, seed=7)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        m = penalized.Ridge(1e-4, solver="cg", max_iter=2, tol=1e-12).fit(X, y)
    assert m.dual_gap_ > 1e-12 * np.var(y)


# -- ridge_path --------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(30, 100), (100, 20)])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("solver", ["auto", "cg", "lsqr"])
def test_ridge_path_matches_single_fits(shape, sparse, solver):
    X, y, sw = _data(*shape, seed=8)
    Xin = sp.csc_matrix(X) if sparse else X
    alphas = np.geomspace(10, 1e-3, 7)
    out_alphas, coefs, intercepts, gaps = penalized.ridge_path(
        Xin, y, alphas[::-1], sample_weight=sw, solver=solver, tol=1e-14,
        return_intercept=True)
    np.testing.assert_array_equal(out_alphas, alphas)     # sorted decreasing
    assert coefs.shape == (shape[1], 7) and intercepts.shape == (7,) and gaps.shape == (7,)
    for i, a in enumerate(alphas):
        w_ref, b_ref = _reference(X, y, a, sw)
        gap = _numpy_gap(X, y, coefs[:, i], a, sw)
        np.testing.assert_allclose(gaps[i], gap, rtol=1e-2, atol=1e-20)
        if solver == "auto":          # one eigendecomposition: exact up to round-off
            assert _rel(coefs[:, i], w_ref) < 1e-8
        else:                         # certified: alpha/2 ||w - w*||^2 <= gap <= target
            assert np.sum((coefs[:, i] - w_ref) ** 2) <= 2 * gap / a * (1 + 1e-6) + 1e-24
            assert gap <= 1e-14 * np.var(y) * 10
        assert abs(intercepts[i] - b_ref) < 1e-5 * max(1, abs(b_ref))


def test_ridge_path_default_grid_multi_output_and_sum_scale():
    X, Y, _ = _data(30, 50, seed=9, n_targets=2)
    alphas, coefs, gaps = penalized.ridge_path(X, Y, n_alphas=12, eps=1e-4)
    assert alphas.shape == (12,) and coefs.shape == (2, 50, 12) and gaps.shape == (2, 12)
    assert np.all(np.diff(alphas) < 0)
    Xc = X - X.mean(0)
    top = np.linalg.norm(Xc, 2) ** 2 / X.shape[0]
    np.testing.assert_allclose(alphas[[0, -1]], [10 * top, 10 * top * 1e-4], rtol=1e-10)
    # at the top of the grid every direction is shrunk at least 10x
    ols_scale = np.linalg.norm(np.linalg.lstsq(Xc, Y[:, 0] - Y[:, 0].mean(), rcond=None)[0])
    assert np.linalg.norm(coefs[0, :, 0]) < ols_scale / 10
    sk_alphas = [5.0, 0.5]
    a2, c2, _ = penalized.ridge_path(X, Y[:, 0], sk_alphas, alpha_scale="sum")
    np.testing.assert_array_equal(a2, sk_alphas)
    for i, a in enumerate(sk_alphas):
        ref = SkRidge(alpha=a).fit(X, Y[:, 0])
        assert _rel(c2[:, i], ref.coef_) < 1e-8


def test_plots_work_with_ridge(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from penalized import plot

    X, y, _ = _data(40, 30, seed=10)
    alphas, coefs, _ = penalized.ridge_path(X, y, n_alphas=20)
    ax = plot.path(alphas, coefs)
    ax.figure.savefig(tmp_path / "path.png")
    model = penalized.RidgeCV(n_alphas=20).fit(X, y)
    ax = plot.cv(model)
    ax.figure.savefig(tmp_path / "cv.png")
    plt.close("all")
    assert (tmp_path / "path.png").stat().st_size > 0
    assert (tmp_path / "cv.png").stat().st_size > 0


# -- RidgeCV -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(60, 20), (30, 80)])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_ridgecv_loo_matches_sklearn(shape, fit_intercept, weighted, sparse):
    X, y, sw = _data(*shape, seed=11)
    sw = sw if weighted else None
    sk_alphas = np.geomspace(1e-2, 1e3, 25)
    ref = SkRidgeCV(alphas=sk_alphas, fit_intercept=fit_intercept,
                    store_cv_results=True).fit(X, y, sample_weight=sw)
    Xin = sp.csr_matrix(X) if sparse else X
    m = penalized.RidgeCV(alphas=sk_alphas, alpha_scale="sum",
                          fit_intercept=fit_intercept).fit(Xin, y, sample_weight=sw)
    assert m.cv_method_ == "loo"
    assert m.alpha_ == ref.alpha_
    total = X.shape[0] if sw is None else sw.sum()
    # scikit-learn weights the squared errors with raw weights, we with weights summing to n
    np.testing.assert_allclose(m.cv_values_[:, ::-1] * total / X.shape[0], ref.cv_results_,
                               rtol=1e-7, atol=1e-12)
    assert _rel(m.coef_, ref.coef_) < 1e-8
    np.testing.assert_allclose(m.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)


def test_ridgecv_loo_is_brute_force_leave_one_out():
    X, y, sw = _data(15, 6, seed=12)
    alphas = np.array([3.0, 0.3, 0.03])          # scikit-learn scale: fixed when a row leaves
    m = penalized.RidgeCV(alphas=alphas, alpha_scale="sum").fit(X, y, sample_weight=sw)
    n = X.shape[0]
    s = sw * n / sw.sum()
    for k, a in enumerate(alphas):
        for i in range(n):
            keep = np.arange(n) != i
            fit = SkRidge(alpha=a).fit(X[keep], y[keep], sample_weight=sw[keep])
            err = (y[i] - fit.predict(X[i:i + 1])[0]) ** 2
            np.testing.assert_allclose(m.cv_values_[i, k], s[i] * err, rtol=1e-8)


def test_ridgecv_gcv_formula():
    X, y, _ = _data(25, 40, seed=13)
    alphas = np.array([1.0, 0.1, 0.01])
    m = penalized.RidgeCV(alphas=alphas, cv="gcv").fit(X, y)
    n = X.shape[0]
    Xc, yc = X - X.mean(0), y - y.mean()
    for k, a in enumerate(alphas):
        H = Xc @ np.linalg.solve(Xc.T @ Xc + n * a * np.eye(X.shape[1]), Xc.T)
        resid = yc - H @ yc
        gcv = np.mean(resid ** 2) / (1 - (np.trace(H) + 1) / n) ** 2
        np.testing.assert_allclose(m.cv_mean_[k], gcv, rtol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_ridgecv_kfold_matches_manual_folds(sparse):
    X, y, sw = _data(50, 30, seed=14)
    Xin = sp.csc_matrix(X) if sparse else X
    alphas = np.array([1.0, 0.1, 0.01])
    cv = KFold(4, shuffle=True, random_state=0)
    m = penalized.RidgeCV(alphas=alphas, cv=cv, tol=1e-14).fit(Xin, y, sample_weight=sw)
    assert m.cv_method_ == "kfold" and m.cv_values_.shape == (4, 3)
    for f, (tr, te) in enumerate(cv.split(X)):
        for k, a in enumerate(alphas):
            fit = penalized.Ridge(a, solver="svd").fit(X[tr], y[tr], sample_weight=sw[tr])
            mse = np.average((fit.predict(X[te]) - y[te]) ** 2, weights=sw[te])
            np.testing.assert_allclose(m.cv_values_[f, k], mse, rtol=1e-6)
    np.testing.assert_allclose(m.cv_mean_, m.cv_values_.mean(0))
    ref = penalized.Ridge(m.alpha_, solver="svd").fit(X, y, sample_weight=sw)
    assert _rel(m.coef_, ref.coef_) < 1e-6


def test_ridgecv_multi_output_matches_sklearn():
    X, Y, _ = _data(40, 10, seed=15, n_targets=3)
    sk_alphas = np.geomspace(1e-2, 1e3, 20)
    ref = SkRidgeCV(alphas=sk_alphas, store_cv_results=True).fit(X, Y)
    m = penalized.RidgeCV(alphas=sk_alphas, alpha_scale="sum").fit(X, Y)
    assert m.alpha_ == ref.alpha_
    assert m.coef_.shape == (3, 10) and m.cv_values_.shape == (40, 3, 20)
    np.testing.assert_allclose(m.cv_values_[..., ::-1], ref.cv_results_, rtol=1e-7)
    assert _rel(m.coef_, ref.coef_) < 1e-8


def test_ridgecv_one_standard_error_rule():
    X, y, _ = _data(40, 60, seed=16)
    m = penalized.RidgeCV(n_alphas=30, alpha_selection="1se").fit(X, y)
    mean, se = m.cv_mean_, m.cv_se_
    best = int(np.argmin(mean))
    # independent statement of the rule: the largest alpha within one SE of the best
    within = [a for a, v in zip(m.alphas_, mean) if v <= mean[best] + se[best]]
    assert m.alpha_1se_ == max(within) == m.alpha_
    assert m.alpha_min_ == m.alphas_[best] <= m.alpha_1se_
    assert m.alphas_[one_standard_error_index(mean, se)] == m.alpha_1se_
    np.testing.assert_allclose(se, m.cv_values_.std(0, ddof=1) / np.sqrt(40))
    ref = penalized.Ridge(m.alpha_).fit(X, y)
    assert _rel(m.coef_, ref.coef_) < 1e-8


# -- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("params, match", [
    (dict(alpha=-1.0), "alpha must be > 0"),
    (dict(alpha=0.0), "alpha must be > 0"),
    (dict(solver="newton"), "solver must be one of"),
    (dict(alpha_scale="median"), "alpha_scale must be one of"),
    (dict(tol=-1.0), "tol must be >= 0"),
    (dict(max_iter=0), "max_iter must be >= 1"),
])
def test_ridge_bad_params(params, match):
    X, y, _ = _data(10, 3)
    with pytest.raises(ValueError, match=match):
        penalized.Ridge(**params).fit(X, y)


@pytest.mark.parametrize("solver", ["cholesky", "svd"])
def test_dense_only_solver_rejects_sparse(solver):
    X, y, _ = _data(10, 3)
    with pytest.raises(ValueError, match=f"solver='{solver}' needs dense X"):
        penalized.Ridge(solver=solver).fit(sp.csr_matrix(X), y)


@pytest.mark.parametrize("params, match", [
    (dict(alphas=[1.0, 0.0]), "alphas must be > 0"),
    (dict(alphas=[1.0, -1.0]), "alphas must be a non-empty array"),
    (dict(cv="loocv"), "cv must be one of"),
    (dict(alpha_selection="max"), "alpha_selection must be one of"),
    (dict(solver="svd"), "solver must be one of"),
])
def test_ridgecv_bad_params(params, match):
    X, y, _ = _data(10, 3)
    with pytest.raises(ValueError, match=match):
        penalized.RidgeCV(**params).fit(X, y)


def test_bad_data():
    X, y, sw = _data(10, 3)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        penalized.Ridge().fit(X, y[:5])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        penalized.Ridge().fit(X, y, sample_weight=-sw)
    Xnan = X.copy()
    Xnan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        penalized.Ridge().fit(Xnan, y)
    with pytest.raises(ValueError, match="n_samples = 1"):
        penalized.RidgeCV().fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="alphas must be > 0"):
        penalized.ridge_path(X, y, [0.0])


def test_inputs_not_mutated():
    X, y, sw = _data(30, 8, seed=17)
    Xs = sp.csr_matrix(X)
    copies = [X.copy(), y.copy(), sw.copy(), Xs.data.copy()]
    for a in (X, y, sw):
        a.setflags(write=False)
    for solver in SOLVERS:
        penalized.Ridge(solver=solver).fit(X, y, sample_weight=sw)
    for solver in ITERATIVE:
        penalized.Ridge(solver=solver).fit(Xs, y, sample_weight=sw)
    penalized.RidgeCV(n_alphas=5).fit(X, y, sample_weight=sw)
    penalized.RidgeCV(n_alphas=5, cv=3).fit(Xs, y, sample_weight=sw)
    penalized.ridge_path(Xs, y, sample_weight=sw, n_alphas=5)
    for before, after in zip(copies, [X, y, sw, Xs.data]):
        np.testing.assert_array_equal(before, after)


def test_no_warnings_on_a_normal_fit():
    X, y, sw = _data(30, 50, seed=18)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        penalized.Ridge(0.1, solver="cg").fit(sp.csr_matrix(X), y, sample_weight=sw)
        penalized.RidgeCV(cv=3).fit(sp.csr_matrix(X), y)


def test_ridgecv_kfold_sum_scale_matches_sklearn_gridsearch():
    X, y, _ = _data(60, 25, seed=19)
    sk_alphas = np.geomspace(1e-1, 1e3, 12)
    cv = KFold(5, shuffle=True, random_state=1)
    ref = SkRidgeCV(alphas=sk_alphas, cv=cv, scoring="neg_mean_squared_error").fit(X, y)
    m = penalized.RidgeCV(alphas=sk_alphas, alpha_scale="sum", cv=cv).fit(X, y)
    assert m.alpha_ == ref.alpha_
    np.testing.assert_allclose(m.best_score_, ref.best_score_, rtol=1e-8)


def test_ridgecv_large_sparse_falls_back_to_kfold(monkeypatch):
    from penalized import _ridge

    monkeypatch.setattr(_ridge, "SPARSE_GRAM_MAX", 10)
    X = sp.random(40, 60, density=0.2, format="csr", random_state=0)
    y = np.random.default_rng(0).standard_normal(40)
    m = penalized.RidgeCV(n_alphas=5).fit(X, y)
    assert m.cv_method_ == "kfold" and m.cv_values_.shape == (5, 5)
    with pytest.raises(ValueError, match="use k-fold"):
        penalized.RidgeCV(n_alphas=5, cv="loo").fit(X, y)
    # the path switches to warm-started CG and still solves the problem
    alphas, coefs, gaps = penalized.ridge_path(X, y, [1.0, 0.1], tol=1e-14)
    for i, a in enumerate(alphas):
        assert _rel(coefs[:, i], _reference(X, y, a)[0]) < 1e-5


@pytest.mark.parametrize("solver", ITERATIVE)
def test_float32_sparse(solver):
    X = sp.random(60, 90, density=0.1, format="csr", random_state=5, dtype=np.float32)
    y = np.random.default_rng(5).standard_normal(60).astype(np.float32)
    m = penalized.Ridge(0.05, solver=solver, tol=1e-12).fit(X, y)
    assert m.coef_.dtype == np.float32
    w_ref, _ = _reference(X.astype(np.float64), y.astype(np.float64), 0.05)
    assert _rel(m.coef_, w_ref) < 1e-5


def test_ridgecv_real_data_matches_sklearn():
    X, y = load_shared("riboflavin")
    sk_alphas = np.geomspace(1e-1, 1e4, 40)
    ref = SkRidgeCV(alphas=sk_alphas).fit(X, y)
    m = penalized.RidgeCV(alphas=sk_alphas, alpha_scale="sum").fit(X, y)
    assert m.alpha_ == ref.alpha_
    assert _rel(m.coef_, ref.coef_) < 1e-8
