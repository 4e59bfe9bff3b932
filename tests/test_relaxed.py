"""Relaxed Lasso: the blend of the Lasso and the least-squares refit on its support."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm
from sklearn.base import clone
from sklearn.model_selection import KFold

import penalized
from conftest import make_regression


def numpy_refit(X, y, support, sw=None, fit_intercept=True):
    """Weighted least squares on the columns ``support``, by numpy lstsq (minimum norm)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64) * n / np.sum(sw)
    XA = Xd[:, support]
    if fit_intercept:
        xm, ym = s @ XA / n, s @ y / n
    else:
        xm, ym = np.zeros(len(support)), 0.0
    root = np.sqrt(s)
    w = np.linalg.lstsq((XA - xm) * root[:, None], (y - ym) * root, rcond=None)[0]
    return w, ym - xm @ w


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_gamma_one_is_the_lasso_and_gamma_zero_the_refit(sparse, weighted):
    X, y = make_regression(n=80, p=60, density=0.3 if sparse else None, seed=1)
    sw = np.random.default_rng(2).uniform(0.2, 3.0, 80) if weighted else None
    lasso = penalized.Lasso(alpha=0.08, tol=1e-10).fit(X, y, sample_weight=sw)
    one = penalized.RelaxedLasso(alpha=0.08, gamma=1.0, tol=1e-10).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(one.coef_, lasso.coef_, rtol=0, atol=1e-12)
    assert one.intercept_ == pytest.approx(lasso.intercept_, abs=1e-12)
    np.testing.assert_array_equal(one.active_set_, np.flatnonzero(lasso.coef_))
    assert one.dual_gap_ == lasso.dual_gap_

    zero = penalized.RelaxedLasso(alpha=0.08, gamma=0.0, tol=1e-10).fit(X, y, sample_weight=sw)
    support = np.flatnonzero(lasso.coef_)
    assert 0 < support.size < 60
    w, b = numpy_refit(X, y, support, sw)
    np.testing.assert_allclose(zero.coef_[support], w, rtol=1e-8, atol=1e-10)
    assert np.all(np.delete(zero.coef_, support) == 0)
    assert zero.intercept_ == pytest.approx(b, rel=1e-8, abs=1e-10)

    half = penalized.RelaxedLasso(alpha=0.08, gamma=0.3, tol=1e-10).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(half.coef_, 0.3 * one.coef_ + 0.7 * zero.coef_, atol=1e-12)
    np.testing.assert_allclose(half.predict(X), np.asarray(X @ half.coef_) + half.intercept_)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_equals_dense(fit_intercept):
    X, y = make_regression(n=90, p=70, density=0.25, seed=3, shift=0.5)
    sw = np.random.default_rng(4).uniform(0.5, 2.0, 90)
    kw = dict(alpha=0.05, gamma=0.4, tol=1e-12, fit_intercept=fit_intercept, max_iter=5000)
    sparse = penalized.RelaxedLasso(**kw).fit(X, y, sample_weight=sw)
    dense = penalized.RelaxedLasso(**kw).fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_array_equal(sparse.active_set_, dense.active_set_)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-8, atol=1e-9)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, rel=1e-8, abs=1e-9)


def test_rank_deficient_support_gives_the_minimum_norm_refit():
    """A support holding two identical columns: the refit is the minimum-norm solution,
    which splits their weight equally (dense: lstsq; sparse: LSQR from zero)."""
    from penalized._relaxed import support_refit

    rng = np.random.default_rng(5)
    base = rng.standard_normal((60, 8))
    X = np.asfortranarray(np.column_stack([base, base[:, 0]]))
    y = 2 * base[:, 0] - base[:, 1] + 0.1 * rng.standard_normal(60)
    support = np.array([0, 1, 8])
    w_ref, b_ref = numpy_refit(X, y, support)
    for Xin in (X, sp.csc_matrix(X)):
        w, b, converged = support_refit(Xin, y, None, True, support)
        assert converged
        np.testing.assert_allclose(w, w_ref, rtol=1e-6, atol=1e-8)
        assert w[0] == pytest.approx(w[2], rel=1e-6) and b == pytest.approx(b_ref, rel=1e-8)


def test_float32_and_clone():
    X, y = make_regression(n=50, p=30, seed=6, dtype=np.float32)
    est = penalized.RelaxedLasso(alpha=0.1, gamma=0.25)
    fit = clone(est).fit(X, y)
    assert fit.coef_.dtype == np.float32 and est.get_params()["gamma"] == 0.25
    ref = penalized.RelaxedLasso(alpha=0.1, gamma=0.25).fit(X.astype(np.float64), y)
    np.testing.assert_allclose(fit.coef_, ref.coef_, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("bad,match", [(dict(gamma=1.5), "gamma"), (dict(gamma=-0.1), "gamma"),
                                       (dict(alpha=0.0), "alpha"), (dict(tol=-1), "tol")])
def test_bad_parameters(bad, match):
    X, y = make_regression(n=20, p=5, seed=7)
    with pytest.raises(ValueError, match=match):
        penalized.RelaxedLasso(**bad).fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_cv_picks_the_pair_minimising_brute_force_cv_error(sparse):
    """Same folds, each (alpha, gamma) fitted independently: scikit-learn's Lasso at a tight
    tolerance, numpy lstsq on its support, the blend scored on the held-out rows."""
    X, y = make_regression(n=70, p=40, density=0.4 if sparse else None, seed=8)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    gammas = [0.0, 0.5, 1.0]
    cv = penalized.RelaxedLassoCV(gammas=gammas, alphas=8, eps=0.05, cv=folds, tol=1e-12,
                                  max_iter=100_000).fit(X, y)
    assert cv.mse_path_.shape == (3, 8, 3) and cv.cv_mean_.shape == (3, 8)
    Xd = X.toarray() if sparse else X
    brute = np.empty((3, 8, 3))
    for k, (train, test) in enumerate(folds):
        for i, alpha in enumerate(cv.alphas_):
            lasso = sklm.Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(Xd[train],
                                                                              y[train])
            support = np.flatnonzero(lasso.coef_)
            w_ls = np.zeros(40)
            b_ls = y[train].mean()
            if support.size:
                w_ls[support], b_ls = numpy_refit(Xd[train], y[train], support)
            for g, gamma in enumerate(gammas):
                w = gamma * lasso.coef_ + (1 - gamma) * w_ls
                b = gamma * lasso.intercept_ + (1 - gamma) * b_ls
                brute[g, i, k] = np.mean((Xd[test] @ w + b - y[test]) ** 2)
    np.testing.assert_allclose(cv.mse_path_, brute, rtol=1e-6)
    g_best, i_best = np.unravel_index(np.argmin(brute.mean(axis=2)), (3, 8))
    assert (cv.gamma_, cv.alpha_) == (gammas[g_best], cv.alphas_[i_best])
    final = penalized.RelaxedLasso(cv.alpha_, cv.gamma_, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(cv.coef_, final.coef_)
    np.testing.assert_allclose(cv.predict(X), final.predict(X))


def test_cv_one_standard_error_choice():
    X, y = make_regression(n=80, p=40, seed=9)
    cv = penalized.RelaxedLassoCV(alphas=15, cv=4, alpha_selection="1se").fit(X, y)
    g = list(cv.gammas_).index(cv.gamma_)
    i_min = list(cv.alphas_).index(cv.alpha_min_)
    assert cv.alpha_ == cv.alpha_1se_ >= cv.alpha_min_
    assert cv.cv_mean_[g, i_min] == cv.cv_mean_.min()
    i = list(cv.alphas_).index(cv.alpha_1se_)
    assert cv.cv_mean_[g, i] <= cv.cv_mean_[g, i_min] + cv.cv_se_[g, i_min]
    assert cv.n_nonzero_path_.shape == (15,)
