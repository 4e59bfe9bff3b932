"""store_path on the CV estimators: the full-data path dense, sparse (the default for
sparse X) or not stored, with the same fit, coef_at and predictions in every form; and
return_sparse on the GLM path functions."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

import penalized


def _regression(n=120, p=600, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.05, format="csc", random_state=seed)
    y = np.asarray(X[:, :8] @ rng.standard_normal(8)).ravel() + 0.05 * rng.standard_normal(n)
    return X, y


def _classes(n_classes, n=150, p=400, seed=1):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.05, format="csc", random_state=seed)
    score = np.asarray(X[:, :6] @ rng.standard_normal((6, n_classes))).ravel() \
        if n_classes == 1 else None
    y = np.asarray(X[:, :6] @ rng.standard_normal((6, max(n_classes, 2)))).argmax(axis=1)
    return X, y if score is None else (score > 0).astype(int)


def _off_grid(grid):
    return 0.5 * (grid[3] + grid[4])


@pytest.mark.parametrize("cls, kw", [(penalized.LassoCV, {}),
                                     (penalized.ElasticNetCV, {"l1_ratio": [0.5, 0.9]})])
def test_enet_cv_store_path_forms_agree_bitwise(cls, kw):
    X, y = _regression()
    fits = {s: cls(alphas=15, cv=3, store_path=s, **kw).fit(X, y)
            for s in ("auto", "dense", "sparse", "none")}
    dense, sparse, auto, none = (fits[s] for s in ("dense", "sparse", "auto", "none"))
    assert isinstance(dense.coef_path_, np.ndarray) and dense.coef_path_.flags["C_CONTIGUOUS"]
    assert sp.issparse(sparse.coef_path_) and sparse.coef_path_.format == "csc"
    assert sp.issparse(auto.coef_path_)            # sparse X: sparse by default
    assert none.coef_path_ is None
    C = sparse.coef_path_
    assert C.shape == dense.coef_path_.shape and C.dtype == dense.coef_path_.dtype
    np.testing.assert_array_equal(C.toarray(), dense.coef_path_)
    assert C.nnz == np.count_nonzero(dense.coef_path_)   # explicit entries = non-zeros
    assert np.count_nonzero(dense.coef_path_) > 0
    grid = dense.alphas_ if dense.alphas_.ndim == 1 else dense.alphas_[0]
    for est in (sparse, auto, none):
        for a in ("coef_", "intercept_", "alpha_", "dual_gap_", "mse_path_",
                  "intercept_path_", "dual_gap_path_", "n_nonzero_path_"):
            np.testing.assert_array_equal(getattr(est, a), getattr(dense, a))
        np.testing.assert_array_equal(est.predict(X), dense.predict(X))
    for alpha in ("min", "1se", float(grid[5]), _off_grid(grid)):
        for est in (sparse, auto):
            c_s, b_s = est.coef_at(alpha)
            c_d, b_d = dense.coef_at(alpha)
            assert isinstance(c_s, np.ndarray) and c_s.shape == (X.shape[1],)
            np.testing.assert_array_equal(c_s, c_d)
            assert b_s == b_d
            np.testing.assert_array_equal(est.predict(X, alpha=alpha),
                                          dense.predict(X, alpha=alpha))
    with pytest.raises(ValueError, match="store_path='none'"):
        none.coef_at("1se")
    with pytest.raises(ValueError, match="store_path='none'"):
        none.predict(X, alpha="min")
    with pytest.raises(ValueError, match="outside the path's grid"):
        sparse.coef_at(2 * grid[0])


def test_enet_cv_dense_X_keeps_a_dense_path():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 30))
    y = X[:, :3] @ np.ones(3) + 0.1 * rng.standard_normal(60)
    auto = penalized.LassoCV(alphas=10, cv=3).fit(X, y)
    sparse = penalized.LassoCV(alphas=10, cv=3, store_path="sparse").fit(X, y)
    assert isinstance(auto.coef_path_, np.ndarray) and auto.coef_path_.shape == (30, 10)
    np.testing.assert_array_equal(sparse.coef_path_.toarray(), auto.coef_path_)


@pytest.mark.parametrize("store_path", ["x", None, 1])
def test_store_path_bad_value(store_path):
    X, y = _regression(n=40, p=30)
    for est in (penalized.LassoCV(store_path=store_path),
                penalized.LogisticRegressionCV("l1", store_path=store_path)):
        with pytest.raises(ValueError, match="store_path"):
            est.fit(X, y if isinstance(est, penalized.LassoCV) else (y > np.median(y)))
        assert not hasattr(est, "coef_path_")


@pytest.mark.parametrize("n_classes, multi_class", [(1, "multinomial"), (3, "multinomial"),
                                                     (3, "ovr")])
def test_logistic_cv_store_path_forms_agree_bitwise(n_classes, multi_class):
    X, y = _classes(n_classes)
    kw = dict(alphas=8, cv=3, tol=1e-6, multi_class=multi_class)
    fits = {s: penalized.LogisticRegressionCV("l1", store_path=s, **kw).fit(X, y)
            for s in ("auto", "dense", "sparse", "none")}
    dense, sparse, auto, none = (fits[s] for s in ("dense", "sparse", "auto", "none"))
    n_problems = dense.coef_path_.shape[0]
    assert n_problems == (1 if n_classes == 1 else 3)
    for est in (sparse, auto):
        assert isinstance(est.coef_path_, list) and len(est.coef_path_) == n_problems
        for c in range(n_problems):
            C = est.coef_path_[c]
            assert sp.issparse(C) and C.format == "csc" and C.shape == dense.coef_path_[c].shape
            np.testing.assert_array_equal(C.toarray(), dense.coef_path_[c])
            assert C.nnz == np.count_nonzero(dense.coef_path_[c])
        np.testing.assert_array_equal(est.intercept_path_, dense.intercept_path_)
    assert none.coef_path_ is None and none.intercept_path_ is None
    grid = dense.alphas_
    for est in (sparse, auto, none):
        for a in ("coef_", "intercept_", "alpha_", "scores_path_", "n_nonzero_path_"):
            np.testing.assert_array_equal(getattr(est, a), getattr(dense, a))
        np.testing.assert_array_equal(est.predict_proba(X), dense.predict_proba(X))
    for alpha in ("min", "1se", float(grid[2]), _off_grid(grid)):
        c_s, b_s = sparse.coef_at(alpha)
        c_d, b_d = dense.coef_at(alpha)
        assert c_s.shape == dense.coef_.shape
        np.testing.assert_array_equal(c_s, c_d)
        np.testing.assert_array_equal(b_s, b_d)
        np.testing.assert_array_equal(sparse.predict_proba(X, alpha=alpha),
                                      dense.predict_proba(X, alpha=alpha))
        np.testing.assert_array_equal(sparse.decision_function(X, alpha=alpha),
                                      dense.decision_function(X, alpha=alpha))
    with pytest.raises(ValueError, match="store_path='none'"):
        none.predict_proba(X, alpha="1se")


def test_lasso_cv_sparse_path_memory_is_bounded_by_its_nonzeros():
    # 50,000 features x 40 alphas: the dense path is 16 MB, X 0.4 MB; the default
    # (sparse X: sparse path) must stay far below one dense path, 'dense' must hold it
    X, y = _regression(n=60, p=50_000, seed=3)
    kw = dict(alphas=40, eps=0.2, cv=3, tol=1e-6)
    dense_bytes = X.shape[1] * 40 * 8
    peaks = {}
    for store_path in ("auto", "dense"):
        penalized.LassoCV(store_path=store_path, **kw).fit(X, y)    # warm-up
        tracemalloc.start()
        est = penalized.LassoCV(store_path=store_path, **kw).fit(X, y)
        peaks[store_path] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert sp.issparse(est.coef_path_) is False and est.coef_path_.nbytes == dense_bytes
    assert peaks["dense"] >= dense_bytes
    # about a dozen O(p) float64 vectors of the solver (0.34 x here), no dense path
    assert peaks["auto"] < dense_bytes / 2, (peaks, dense_bytes)


def test_plot_path_of_a_sparse_coef_path():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from penalized import plot
    X, y = _regression()
    sparse = penalized.LassoCV(alphas=15, cv=3).fit(X, y)
    dense = penalized.LassoCV(alphas=15, cv=3, store_path="dense").fit(X, y)
    ax_s, ax_d = plot.path(sparse), plot.path(dense)
    lines_s, lines_d = ax_s.get_lines(), ax_d.get_lines()
    assert len(lines_s) == len(lines_d) > 3
    for a, b in zip(lines_s, lines_d):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    assert ([t.get_text() for t in ax_s.get_legend().get_texts()]
            == [t.get_text() for t in ax_d.get_legend().get_texts()])
    # PathDisplay takes a sparse path directly, without changing it
    C = sparse.coef_path_.tocsr()
    before = C.copy()
    disp = plot.PathDisplay(sparse.alphas_, C).plot()
    assert set(disp.lines_) == set(np.flatnonzero(np.any(dense.coef_path_ != 0, axis=1)))
    assert (C != before).nnz == 0
    plt.close("all")


def test_glm_path_functions_return_sparse():
    rng = np.random.default_rng(4)
    X = sp.random(150, 300, density=0.05, format="csc", random_state=4)
    eta = np.asarray(X[:, :5] @ np.ones(5)).ravel()
    cases = [
        (penalized.logistic_path, (eta + 0.3 * rng.standard_normal(150) > np.median(eta)) * 1),
        (penalized.logistic_path, rng.integers(0, 3, 150)),
        (penalized.poisson_path, rng.poisson(np.exp(0.3 * eta)).astype(float)),
        (penalized.gamma_path, np.exp(0.3 * eta) * rng.gamma(2.0, 0.5, 150)),
        (penalized.cox_path, np.column_stack([np.exp(-eta) * rng.exponential(size=150),
                                              rng.random(150) < 0.7])),
    ]
    for fn, y in cases:
        # the upper half of each grid (eps=0.05): a few seconds in all
        dense = fn(X, y, alphas=8, eps=0.05, tol=1e-6)
        sparse = fn(X, y, alphas=8, eps=0.05, tol=1e-6, return_sparse=True)
        c_d, c_s = dense[1], sparse[1]
        if c_d.ndim == 3:                     # multinomial: one CSC per class
            assert isinstance(c_s, list) and len(c_s) == c_d.shape[0]
        else:
            c_d, c_s = [c_d], [c_s]
        for d, s in zip(c_d, c_s):
            assert sp.issparse(s) and s.format == "csc" and s.shape == d.shape
            np.testing.assert_array_equal(s.toarray(), d)
            assert s.nnz == np.count_nonzero(d)
        assert np.count_nonzero(c_d[0]) > 0
        for a, b in zip(dense[2:], sparse[2:]):
            np.testing.assert_array_equal(a, b)
        with pytest.raises(TypeError, match="return_sparse"):
            fn(X, y, alphas=3, return_sparse="yes")
