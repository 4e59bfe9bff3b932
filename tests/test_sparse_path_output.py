"""return_sparse=True on the path functions: a CSC coefficient matrix equal to the dense one."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
import penalized.solvers


def _problem(dtype=np.float64, n=60, p=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.02, format="csc", random_state=seed, dtype=dtype)
    y = (np.asarray(X[:, :10] @ rng.standard_normal(10)).ravel()
         + 0.01 * rng.standard_normal(n)).astype(dtype)
    return X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_linear_model_path_sparse_equals_dense(dtype, fit_intercept):
    X, y = _problem(dtype)
    kw = dict(alphas=30, eps=1e-2, l1_ratio=0.7, fit_intercept=fit_intercept, tol=1e-8)
    a_d, c_d, g_d = penalized.enet_path(X, y, **kw)
    a_s, c_s, g_s = penalized.enet_path(X, y, return_sparse=True, **kw)
    assert sp.issparse(c_s) and c_s.format == "csc"
    assert c_s.shape == c_d.shape and c_s.dtype == c_d.dtype
    np.testing.assert_array_equal(c_s.toarray(), c_d)
    # the explicit entries are exactly the non-zeros
    assert c_s.nnz == np.count_nonzero(c_d)
    np.testing.assert_array_equal(a_s, a_d)
    np.testing.assert_array_equal(g_s, g_d)


def test_lasso_path_sparse_with_dfmax_and_dense_X():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 200))
    y = X[:, :5] @ rng.standard_normal(5) + 0.5 * rng.standard_normal(40)
    a_d, c_d, _ = penalized.lasso_path(X, y, alphas=50, dfmax=3)
    a_s, c_s, _ = penalized.lasso_path(X, y, alphas=50, dfmax=3, return_sparse=True)
    assert 0 < c_d.shape[1] < 50            # the path stopped early
    assert c_s.shape == c_d.shape
    np.testing.assert_array_equal(c_s.toarray(), c_d)


def test_solvers_path_sparse_equals_dense():
    X, y = _problem()
    dense = penalized.solvers.lasso_path(X, y, n_alphas=20, eps=1e-2)
    sparse = penalized.solvers.lasso_path(X, y, n_alphas=20, eps=1e-2, return_sparse=True)
    assert sp.issparse(sparse.coefs)
    np.testing.assert_array_equal(sparse.coefs.toarray(), dense.coefs)
    for k in (0, 7, -1):
        np.testing.assert_array_equal(sparse[k].coef, dense[k].coef)
        np.testing.assert_array_equal(sparse.active_set(k), dense.active_set(k))
    with pytest.raises(ValueError):
        sparse.coefs.data[0] = 1.0               # read-only as the dense result


def test_sparse_path_never_allocates_the_dense_array():
    # p x n_alphas float64 = 24 MB dense; the sparse path must stay far below
    X, y = _problem(n=50, p=100_000, seed=2)
    dense_bytes = X.shape[1] * 30 * 8
    penalized.enet_path(X, y, alphas=30, eps=1e-1, l1_ratio=1.0, return_sparse=True)  # warm-up
    tracemalloc.start()
    _, c_s, _ = penalized.enet_path(X, y, alphas=30, eps=1e-1, l1_ratio=1.0,
                                    return_sparse=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert c_s.shape == (100_000, 30)
    assert peak < dense_bytes / 3, (peak, dense_bytes)


def test_return_sparse_errors():
    X, y = _problem()
    with pytest.raises(TypeError, match="return_sparse"):
        penalized.enet_path(X, y, alphas=5, return_sparse="yes")
    with pytest.raises(TypeError, match="return_sparse"):
        penalized.solvers.lasso_path(X, y, n_alphas=5, return_sparse=1)
    with pytest.raises(ValueError, match="return_sparse"):
        penalized.lasso_path(X, np.column_stack([y, y]), alphas=5, return_sparse=True)


def test_cv_folds_from_sparse_paths_match_dense_fold_paths():
    # LassoCV's folds keep their paths sparse; the held-out errors equal those
    # of dense fold paths computed independently through the public solvers
    from sklearn.model_selection import KFold
    X, y = _problem(n=120, p=800, seed=3)
    alphas = np.geomspace(0.5, 0.005, 12) * np.abs(X.T @ (y - y.mean())).max() / 120
    cv = KFold(4)
    est = penalized.LassoCV(alphas=alphas, cv=cv).fit(X, y)
    manual = np.empty((alphas.size, 4))
    for f, (tr, te) in enumerate(cv.split(X)):
        path = penalized.solvers.lasso_path(X[tr], y[tr], alphas=est.alphas_, tol=est.tol,
                                            max_iter=est.max_iter, warn=False)
        pred = np.asarray(X[te] @ path.coefs) + path.intercepts
        manual[:, f] = ((pred - y[te][:, None]) ** 2).mean(axis=0)
    np.testing.assert_allclose(est.mse_path_, manual, rtol=1e-10, atol=0)
    # the full-data path (solved sparse, stored dense and C-ordered) is the dense path
    full = penalized.solvers.lasso_path(X, y, alphas=est.alphas_, tol=est.tol,
                                        max_iter=est.max_iter, warn=False)
    assert est.coef_path_.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(est.coef_path_, full.coefs)
    np.testing.assert_array_equal(est.coef_, full.coefs[:, list(est.alphas_).index(est.alpha_)])
