"""Lasso / ElasticNet: agreement with scikit-learn and independent optimality checks."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from sklearn.exceptions import ConvergenceWarning

import penalized
from conftest import enet_gap, enet_kkt_violation, enet_objective, make_regression

TIGHT = 1e-10


def _sk_fit(X, y, alpha, l1_ratio, sw=None, fit_intercept=True, positive=False):
    est = sklm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                          positive=positive, tol=1e-14, max_iter=200_000)
    return est.fit(X, y, sample_weight=sw)


def _alpha_max(X, y, l1_ratio, sw=None):
    lam, _ = penalized.enet_path(X, y, l1_ratio=l1_ratio, alphas=1, fit_intercept=True,
                                 sample_weight=sw)[:2]
    return lam[0]


CASES = [
    # (storage, dtype, weighted, fit_intercept, positive, l1_ratio)
    ("dense", np.float64, False, True, False, 1.0),
    ("dense", np.float64, True, True, False, 0.5),
    ("dense", np.float64, False, False, False, 0.7),
    ("dense", np.float64, False, True, True, 1.0),
    ("sparse", np.float64, False, True, False, 1.0),
    ("sparse", np.float64, True, True, False, 0.3),
    ("sparse", np.float64, False, False, True, 0.8),
    ("dense", np.float32, False, True, False, 1.0),
    ("sparse", np.float32, True, True, False, 0.5),
]


@pytest.mark.parametrize("storage,dtype,weighted,fit_intercept,positive,l1_ratio", CASES)
@pytest.mark.parametrize("alpha_frac", [0.5, 0.05])
def test_agrees_with_sklearn_and_numpy_gap(storage, dtype, weighted, fit_intercept, positive,
                                           l1_ratio, alpha_frac):
    X, y = make_regression(n=80, p=60, density=0.3 if storage == "sparse" else None,
                           dtype=dtype, seed=1)
    sw = np.random.default_rng(3).uniform(0.2, 3, X.shape[0]) if weighted else None
    alpha = alpha_frac * _alpha_max(X.astype(np.float64), y.astype(np.float64), l1_ratio, sw)
    tol = 1e-6 if dtype == np.float32 else TIGHT
    ours = penalized.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                                positive=positive, tol=tol, max_iter=100_000)
    ours.fit(X, y, sample_weight=sw)
    assert ours.coef_.dtype == dtype
    Xd = X.astype(np.float64)
    yd = y.astype(np.float64)
    ref = _sk_fit(Xd, yd, alpha, l1_ratio, sw, fit_intercept, positive)
    p_ours = enet_objective(Xd, yd, ours.coef_, ours.intercept_, alpha, l1_ratio, sw)
    p_ref = enet_objective(Xd, yd, ref.coef_, ref.intercept_, alpha, l1_ratio, sw)
    rel = 1e-5 if dtype == np.float32 else 1e-7
    assert p_ours <= p_ref * (1 + rel) + 1e-12
    # independent certificate of our own solution, at the tolerance we asked for
    gap, unit = enet_gap(Xd, yd, ours.coef_, alpha, l1_ratio, sw, fit_intercept, positive,
                         w_cert=ours._dual_certificate)
    assert gap <= max(tol, 1e-12) * unit * 1.01 + (1e-5 * unit if dtype == np.float32 else 1e-13)
    assert ours.dual_gap_ <= tol * unit * 1.0001
    if not positive and dtype == np.float64:
        assert enet_kkt_violation(Xd, yd, ours.coef_, alpha, l1_ratio, sw, fit_intercept) < 1e-5 * alpha
        # coefficients are less determined than the objective on ill-conditioned designs
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4 * np.abs(ref.coef_).max())
    if positive:
        assert np.all(ours.coef_ >= 0)
    # intercept is the weighted-mean closed form
    if fit_intercept:
        s = np.ones(X.shape[0]) if sw is None else sw
        Xm = np.asarray(s @ (Xd.toarray() if sp.issparse(Xd) else Xd)).ravel() / s.sum()
        assert np.isclose(ours.intercept_, s @ yd / s.sum() - Xm @ ours.coef_, rtol=1e-5, atol=1e-6)
    else:
        assert ours.intercept_ == 0.0


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_dense_sparse_C_F_and_gram_give_the_same_solution(precompute, weighted):
    X, y = make_regression(n=120, p=30, density=0.4, seed=5)
    sw = np.random.default_rng(0).uniform(0.5, 2, X.shape[0]) if weighted else None
    kw = dict(alpha=0.05, l1_ratio=0.6, tol=1e-12, max_iter=50_000, precompute=precompute)
    coefs = []
    for Xv in (X, X.toarray(order="C"), X.toarray(order="F"), X.tocsr(), X.tocoo()):
        m = penalized.ElasticNet(**kw).fit(Xv, y, sample_weight=sw)
        coefs.append(np.r_[m.coef_, m.intercept_])
    for c in coefs[1:]:
        np.testing.assert_allclose(c, coefs[0], rtol=1e-7, atol=1e-9)


def test_float32_close_to_float64():
    X, y = make_regression(n=100, p=80, seed=2)
    m64 = penalized.Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    m32 = penalized.Lasso(alpha=0.1, tol=1e-6).fit(X.astype(np.float32), y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, atol=2e-3 * np.abs(m64.coef_).max())


def test_int64_sparse_indices_match_int32():
    X, y = make_regression(n=70, p=50, density=0.2, seed=4)
    X64 = X.copy()
    X64.indices = X64.indices.astype(np.int64)
    X64.indptr = X64.indptr.astype(np.int64)
    a = penalized.Lasso(alpha=0.05, tol=1e-12).fit(X, y)
    b = penalized.Lasso(alpha=0.05, tol=1e-12).fit(X64, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-12)


def test_implicit_centering_with_large_offsets():
    """Columns with mean 1e4: implicit centring must not lose the solution."""
    X, y = make_regression(n=100, p=20, density=0.5, seed=6, shift=1e4)
    Xd = X.toarray()
    ref = _sk_fit(Xd, y, 0.02, 1.0)
    for Xv in (X, Xd):
        m = penalized.Lasso(alpha=0.02, tol=1e-12, max_iter=100_000).fit(Xv, y)
        p_ours = enet_objective(Xd, y, m.coef_, m.intercept_, 0.02, 1.0)
        p_ref = enet_objective(Xd, y, ref.coef_, ref.intercept_, 0.02, 1.0)
        assert p_ours <= p_ref * (1 + 1e-7)


def test_multi_output_fits_each_column():
    X, y = make_regression(n=50, p=30, seed=7)
    Y = np.c_[y, -2 * y + 1, X[:, 3]]
    m = penalized.ElasticNet(alpha=0.05, tol=1e-10).fit(X, Y)
    assert m.coef_.shape == (3, 30) and m.intercept_.shape == (3,)
    assert m.dual_gap_.shape == (3,) and len(m.n_iter_) == 3
    for k in range(3):
        single = penalized.ElasticNet(alpha=0.05, tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(m.coef_[k], single.coef_, rtol=1e-10, atol=1e-12)
    assert m.predict(X).shape == (50, 3)
    ref = sklm.ElasticNet(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, Y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-4 * np.abs(ref.coef_).max())


@pytest.mark.parametrize("selection", ["cyclic", "random"])
def test_selection_reaches_same_optimum(selection):
    X, y = make_regression(n=60, p=100, seed=8)
    m = penalized.Lasso(alpha=0.05, selection=selection, random_state=0, tol=1e-12,
                        max_iter=100_000).fit(X, y)
    ref = _sk_fit(X, y, 0.05, 1.0)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6)


def test_random_selection_is_reproducible():
    X, y = make_regression(n=60, p=100, seed=9)
    a = penalized.Lasso(alpha=0.02, selection="random", random_state=3, tol=1e-6).fit(X, y)
    b = penalized.Lasso(alpha=0.02, selection="random", random_state=3, tol=1e-6).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter_ == b.n_iter_


def test_alpha_above_alpha_max_gives_zero_and_zero_gap():
    X, y = make_regression(n=50, p=40, seed=10)
    alphas, _, _ = penalized.lasso_path(X, y, alphas=2, fit_intercept=True)
    m = penalized.Lasso(alpha=alphas[0]).fit(X, y)
    assert np.all(m.coef_ == 0)
    assert m.dual_gap_ <= 1e-12 * np.var(y)
    m = penalized.Lasso(alpha=alphas[0] * 0.99, tol=1e-10).fit(X, y)
    assert np.count_nonzero(m.coef_) >= 1


def test_warm_start_uses_previous_solution():
    X, y = make_regression(n=80, p=200, seed=11)
    m = penalized.Lasso(alpha=0.01, tol=1e-8, warm_start=True).fit(X, y)
    first = m.n_iter_
    m.fit(X, y)
    assert m.n_iter_ < first


def test_constant_y_and_constant_columns():
    X, _ = make_regression(n=30, p=10, seed=12)
    X[:, 3] = 7.0
    y = np.full(30, 3.5)
    m = penalized.ElasticNet(alpha=0.1).fit(X, y)
    assert np.all(m.coef_ == 0) and m.intercept_ == pytest.approx(3.5)
    _, y = make_regression(n=30, p=10, seed=12)
    m = penalized.Lasso(alpha=0.01, tol=1e-10).fit(X, y)
    assert m.coef_[3] == 0.0


def test_ridge_limit_l1_ratio_zero():
    X, y = make_regression(n=60, p=20, seed=13)
    m = penalized.ElasticNet(alpha=0.3, l1_ratio=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    n = X.shape[0]
    w = np.linalg.solve(Xc.T @ Xc / n + 0.3 * np.eye(20), Xc.T @ yc / n)
    np.testing.assert_allclose(m.coef_, w, rtol=1e-7, atol=1e-9)


def test_convergence_warning_reports_gap_and_target():
    X, y = make_regression(n=100, p=300, seed=14)
    with pytest.warns(ConvergenceWarning, match=r"duality gap .* > target"):
        m = penalized.Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)
    assert m.n_iter_ == 2
    assert m.dual_gap_ > 0


def test_sparse_coef_and_predict():
    X, y = make_regression(n=40, p=25, seed=15)
    m = penalized.Lasso(alpha=0.1).fit(X, y)
    assert sp.issparse(m.sparse_coef_)
    np.testing.assert_allclose(m.sparse_coef_.toarray().ravel(), m.coef_)
    np.testing.assert_allclose(m.predict(X), X @ m.coef_ + m.intercept_)
    np.testing.assert_allclose(m.predict(sp.csr_matrix(X)), X @ m.coef_ + m.intercept_)
