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
    # of dense fold paths computed independently through the public solvers (the
    # least-squares folds are row subsets by default, issue 18)
    from sklearn.model_selection import KFold
    X, y = _problem(n=120, p=800, seed=3)
    alphas = np.geomspace(0.5, 0.005, 12) * np.abs(X.T @ (y - y.mean())).max() / 120
    cv = KFold(4)
    est = penalized.LassoCV(alphas=alphas, cv=cv, store_path="dense").fit(X, y)
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


def _binary(n, p, density, seed):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed)
    score = np.asarray(X[:, :8] @ rng.standard_normal(8)).ravel() + 0.1 * rng.standard_normal(n)
    return X, np.where(score > 0, 1, 0)


@pytest.mark.parametrize("path_fn, kw, n_classes", [("one_vs_rest_path", {}, 2),
                                                    ("one_vs_rest_path", {}, 3),
                                                    ("multinomial_path", {}, 3),
                                                    ("multinomial_path", {"group": True}, 3)])
def test_logistic_cv_path_functions_sparse_equal_dense(path_fn, kw, n_classes):
    # the CV's fold paths: return_sparse=True gives one CSC (p, n_alphas) per predictor,
    # equal entry for entry to the dense (n_problems, p, n_alphas) layout
    from penalized import model_selection as ms
    rng = np.random.default_rng(7)
    X = sp.random(90, 400, density=0.05, format="csc", random_state=7)
    y = np.asarray(X[:, :6] @ rng.standard_normal((6, n_classes))).argmax(axis=1)
    classes = np.unique(y)
    alphas = np.geomspace(0.05, 0.001, 8)
    args = (X, y, None, classes, alphas, 1.0, True, 1e-8, 100)
    dense_c, dense_b = getattr(ms, path_fn)(*args, **kw)
    sparse_c, sparse_b = getattr(ms, path_fn)(*args, return_sparse=True, **kw)
    assert isinstance(sparse_c, list) and len(sparse_c) == dense_c.shape[0]
    for k, c in enumerate(sparse_c):
        assert sp.issparse(c) and c.shape == dense_c[k].shape and c.dtype == dense_c.dtype
        np.testing.assert_array_equal(c.toarray(), dense_c[k])
        assert c.nnz == np.count_nonzero(dense_c[k])   # explicit entries = non-zeros
    np.testing.assert_array_equal(sparse_b, dense_b)


def test_logistic_cv_folds_from_sparse_paths_match_dense_fold_paths():
    # LogisticRegressionCV's folds keep their paths sparse; the held-out log-losses and
    # non-zero counts equal those of dense fold paths from the public logistic_path (on
    # all rows, the held-out ones with weight 0, as the folds are solved since issue 18)
    from scipy.special import expit
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold
    X, y = _binary(150, 1500, 0.03, 4)
    cv = StratifiedKFold(3)
    est = penalized.LogisticRegressionCV("l1", alphas=10, cv=cv, tol=1e-8,
                                         store_path="dense").fit(X, y)
    manual, nnz = np.empty((10, 3)), np.zeros(10)
    for f, (tr, te) in enumerate(cv.split(X, y)):
        w = np.zeros(X.shape[0])
        w[tr] = 1.0
        _, c, b, _ = penalized.logistic_path(X, y, alphas=est.alphas_, tol=est.tol,
                                             max_iter=est.max_iter, sample_weight=w)
        d = np.asarray(X[te] @ c) + b
        manual[:, f] = [-log_loss(y[te], expit(d[:, k]), labels=[0, 1]) for k in range(10)]
        nnz += np.count_nonzero(c, axis=0) / 3
    np.testing.assert_allclose(est.scores_path_, manual, rtol=1e-12, atol=0)
    np.testing.assert_allclose(est.n_nonzero_path_, nnz, rtol=1e-12, atol=0)
    assert np.any(nnz > 0) and np.any(np.diff(manual, axis=0) != 0)
    # the full-data path (solved sparse, stored dense and C-ordered) is the dense path
    _, c, b, _ = penalized.logistic_path(X, y, alphas=est.alphas_, tol=est.tol,
                                         max_iter=est.max_iter)
    assert est.coef_path_.flags["C_CONTIGUOUS"] and est.coef_path_.shape == (1,) + c.shape
    np.testing.assert_array_equal(est.coef_path_[0], c)
    np.testing.assert_array_equal(est.intercept_path_[0], b)


@pytest.mark.parametrize("store_path", ["dense", "auto"])
def test_logistic_cv_never_holds_a_dense_fold_path(store_path):
    # p x n_alphas float64 = 24 MB; with store_path='dense' the stored coef_path_ is one
    # such array, and the folds and the full-data path add only sparse paths to it
    # (they held two dense copies each before: a peak of 2.2 x); with the default
    # (sparse X: a sparse coef_path_) no dense (p, n_alphas) array exists at all
    X, y = _binary(60, 100_000, 0.002, 5)
    kw = dict(alphas=30, eps=0.05, cv=3, tol=1e-4, store_path=store_path)
    penalized.LogisticRegressionCV("l1", **kw).fit(X, y)     # warm-up
    tracemalloc.start()
    est = penalized.LogisticRegressionCV("l1", **kw).fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense_bytes = X.shape[1] * 30 * 8
    if store_path == "dense":
        assert est.coef_path_.shape == (1, 100_000, 30) and est.coef_path_.nbytes == dense_bytes
        assert peak < 1.5 * dense_bytes, (peak, dense_bytes)
    else:
        assert len(est.coef_path_) == 1 and est.coef_path_[0].shape == (100_000, 30)
        # about eleven O(p) float64 vectors of the solver (0.37 x here), no dense path
        assert peak < dense_bytes / 2, (peak, dense_bytes)
