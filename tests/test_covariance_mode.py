"""Working-set covariance updates (precompute='working_set', _native/covariance.pxi).

Each fit in covariance mode is checked against the default mode's solution
and against a duality gap / KKT recomputed in numpy from the returned
coefficients (the solver's own gap is computed on the true residual).
"""
import numpy as np
import pytest
import scipy.sparse as sp

from penalized import ElasticNet, Lasso, lasso_path
from penalized._core import CovarianceCache, Design, enet_solve
from penalized._enet import LeastSquaresProblem


def _data(kind="dense", n=300, p=40, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    if kind == "csc":
        X = sp.random(n, p, density=0.3, format="csc", random_state=seed, dtype=dtype)
        X.data += 0.5
    else:
        X = np.asfortranarray(rng.standard_normal((n, p)) + 0.3, dtype=dtype)
    w = np.zeros(p)
    w[:6] = rng.standard_normal(6) * 2
    y = np.asarray(X @ w).ravel() + 0.3 * rng.standard_normal(n)
    return X, y.astype(dtype)


def _objective_gap(X, y, coef, b, alpha, l1_ratio, sw=None, f1=None):
    """Primal value, and a duality gap from the rescaled residual, in numpy (float64)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X)
    Xd = Xd.astype(np.float64)
    n = Xd.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    f1 = np.ones(Xd.shape[1]) if f1 is None else np.asarray(f1, float)
    r = y - Xd @ coef - b
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    primal = 0.5 * s @ r**2 + l1 * f1 @ np.abs(coef) + 0.5 * l2 * coef @ coef
    xm = s @ Xd / n if b != 0.0 else np.zeros(Xd.shape[1])
    corr = (Xd - xm).T @ (s * r) - l2 * coef
    pos = f1 > 0
    scale = min(1.0, np.min(l1 * f1[pos] / np.maximum(np.abs(corr[pos]), 1e-300)))
    theta = scale * r
    yc = y - (s @ y / n if b != 0.0 else 0.0)
    dual = 0.5 * s @ yc**2 - 0.5 * s @ (yc - theta) ** 2 - 0.5 * l2 * (scale * coef) @ (scale * coef)
    return primal, primal - dual


@pytest.mark.parametrize("kind", ["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_matches_default_mode(kind, fit_intercept, l1_ratio):
    X, y = _data(kind)
    alpha = 0.02
    kw = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-10,
              max_iter=100_000)
    a = ElasticNet(precompute=False, **kw).fit(X, y)
    b = ElasticNet(precompute="working_set", **kw).fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-6)
    np.testing.assert_allclose(b.intercept_, a.intercept_, atol=1e-6)
    pa, _ = _objective_gap(X, y, a.coef_, a.intercept_, alpha, l1_ratio)
    pb, gb = _objective_gap(X, y, b.coef_, b.intercept_, alpha, l1_ratio)
    assert abs(pa - pb) <= 1e-8 * pa
    # the certified gap (1/n scaling) bounds the numpy one's suboptimality
    assert b.dual_gap_ <= 1e-10 * np.sum((y - y.mean() * fit_intercept) ** 2) / len(y) + 1e-15
    if l1_ratio == 1.0:     # the rescaled residual's dual is tight for the Lasso
        assert gb / len(y) <= 1e-6 * pb / len(y)
    # KKT in numpy (centred columns with an intercept)
    Xd = X.toarray() if sp.issparse(X) else X
    Xc = Xd - Xd.mean(0) if fit_intercept else Xd
    r = y - Xd @ b.coef_ - b.intercept_
    g = Xc.T @ r / len(y) - alpha * (1 - l1_ratio) * b.coef_
    nz = b.coef_ != 0
    assert np.all(np.abs(g[~nz]) <= alpha * l1_ratio * (1 + 1e-4))
    np.testing.assert_allclose(g[nz], alpha * l1_ratio * np.sign(b.coef_[nz]), atol=1e-4 * alpha)


def _cached_solve(X, y, l1, cache_mode, sw=None, dtype=np.float64, **kw):
    design = Design(X, sw, False)
    p = X.shape[1]
    w = np.zeros(p, dtype=dtype)
    res = np.asarray(y, dtype=dtype).copy()
    cov = CovarianceCache(design, cache_mode) if cache_mode else None
    info = enet_solve(design, w, res, np.asarray(y, dtype=dtype), float(y @ y), l1, 0.0,
                      tol_abs=1e-10 * float(y @ y), max_epochs=100_000, cov=cov, **kw)
    return w, info, cov


def test_cache_is_used_and_counts():
    X, y = _data("csc", n=2000, p=60)
    w0, i0, _ = _cached_solve(X, y, 0.05 * len(y), None)
    w1, i1, cov = _cached_solve(X, y, 0.05 * len(y), "always")
    st = cov.stats
    assert st["n_gram"] >= 1 and st["n_built"] >= np.count_nonzero(w1)
    assert st["build_entries"] > 0 and st["gram_entries"] > 0
    np.testing.assert_allclose(w1, w0, atol=1e-7)
    # the Gram epochs read no column of X: fewer working-set entries than plain CD
    assert i1["ws_entries"] < i0["ws_entries"]


def test_weighted_penalty_factors_bounds():
    X, y = _data("csc", n=500, p=30, seed=3)
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.2, 2.0, size=len(y))
    sw *= len(y) / sw.sum()
    f1 = rng.uniform(0.5, 2.0, size=X.shape[1])
    lo = np.full(X.shape[1], -np.inf)
    hi = np.full(X.shape[1], np.inf)
    lo[::3] = 0.0
    hi[1::3] = 0.05
    out = []
    for mode in (None, "always"):
        w, info, _ = _cached_solve(X, y, 0.02 * len(y), mode, sw=sw, l1_weights=f1,
                                   lower=lo, upper=hi)
        assert info["gap"] <= 1e-10 * float(y @ y)
        assert np.all(w >= lo - 1e-15) and np.all(w <= hi + 1e-15)
        out.append(w)
    np.testing.assert_allclose(out[1], out[0], atol=1e-6)
    # KKT in numpy: |x_j^T S r| <= l1 f1_j for the zeros strictly inside their box
    Xd = X.toarray()
    r = y - Xd @ out[1]
    g = Xd.T @ (sw * r)
    free = (out[1] == 0) & (lo < 0) & (hi > 0)
    assert np.all(np.abs(g[free]) <= 0.02 * len(y) * f1[free] * (1 + 1e-4))


def test_positive_and_float32():
    X, y = _data("dense", n=400, p=30, seed=5, dtype=np.float32)
    a = Lasso(alpha=0.01, positive=True, precompute=False, tol=1e-5).fit(X, y)
    b = Lasso(alpha=0.01, positive=True, precompute="working_set", tol=1e-5).fit(X, y)
    assert np.all(b.coef_ >= 0)
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-3)
    pa, _ = _objective_gap(X, y.astype(float), a.coef_.astype(float), float(a.intercept_),
                           0.01, 1.0)
    pb, _ = _objective_gap(X, y.astype(float), b.coef_.astype(float), float(b.intercept_),
                           0.01, 1.0)
    assert abs(pa - pb) <= 1e-4 * pa


@pytest.mark.parametrize("kind", ["dense", "csc"])
def test_path_warm_starts(kind):
    X, y = _data(kind, n=600, p=50, seed=2)
    yc = y - y.mean()
    a = lasso_path(X, yc, alphas=20, eps=1e-3, tol=1e-9, precompute=False)
    b = lasso_path(X, yc, alphas=20, eps=1e-3, tol=1e-9, precompute="working_set")
    np.testing.assert_allclose(b[0], a[0])
    np.testing.assert_allclose(b[1], a[1], atol=1e-6)
    yy = yc @ yc / len(y)
    assert np.all(b[2] <= 1e-9 * yy * (1 + 1e-6))
    for k, alpha in enumerate(b[0]):
        _, g = _objective_gap(X, yc, b[1][:, k], 0.0, alpha, 1.0)
        assert g / len(y) <= 1e-6 * yy


def test_automatic_choice():
    # tall sparse X with a shared factor (long inner solves): the cost model takes
    # the Gram block once the working set's epochs outweigh building it
    rng = np.random.default_rng(4)
    n, p = 20_000, 60
    Z = sp.random(n, p, density=0.3, format="csc", random_state=4)
    Z.data += 0.5
    f = sp.random(n, 1, density=0.3, format="csc", random_state=5) * 5
    X = sp.csc_matrix(Z + f @ sp.csc_matrix(np.ones((1, p))))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    prob = LeastSquaresProblem(X, None, False, "auto")
    # precompute='auto' leaves the updates off (the cost model is not calibrated across
    # sets yet, see LeastSquaresProblem._resolve_gram); the native cost model itself:
    assert prob.covariance_mode is None and prob.covariance_cache() is None
    cov = CovarianceCache(prob.design, "auto")
    for a in (0.1, 0.01, 0.001):
        w = np.zeros(p)
        res = y.copy()
        info = enet_solve(prob.design, w, res, y, float(y @ y), a * n, 0.0,
                          tol_abs=1e-12 * float(y @ y), max_epochs=100_000, cov=cov)
        assert info["gap"] <= 1e-12 * float(y @ y)
        w_ref, _, _ = _cached_solve(X, y, a * n, None)
        np.testing.assert_allclose(w, w_ref, atol=1e-6)
    assert cov.stats["n_gram"] >= 1 and cov.stats["n_cd"] >= 1
    # a short, cheap problem stays on coordinate descent
    Xs, ys = _data("csc", n=300, p=40)
    _, _, cs = _cached_solve(Xs, ys, 0.05 * len(ys), "auto")
    assert cs.stats["n_gram"] == 0
    # full Gram mode (dense tall X), precompute=False / True attach no cache
    Xd, yd = _data("dense", n=400, p=20)
    assert LeastSquaresProblem(Xd, None, True, "auto").covariance_cache() is None
    assert LeastSquaresProblem(X, None, True, False).covariance_cache() is None
    assert LeastSquaresProblem(X, None, True, True).covariance_cache() is None


def test_bad_arguments():
    X, y = _data("csc")
    with pytest.raises(ValueError, match="precompute"):
        Lasso(precompute="covariance").fit(X, y)
    with pytest.raises(ValueError, match="mode"):
        CovarianceCache(Design(X, None, False), "sometimes")
    d1, d2 = Design(X, None, False), Design(X, None, False)
    w = np.zeros(X.shape[1])
    with pytest.raises(ValueError, match="cov"):
        enet_solve(d1, w, y.copy(), y, float(y @ y), 1.0, 0.0, cov=CovarianceCache(d2))
    G = np.asfortranarray(np.eye(3))
    with pytest.raises(ValueError, match="Gram"):
        CovarianceCache(Design(G, gram_n=10))


def test_memory_bound_falls_back():
    # a cache too small for the working sets: compaction, then coordinate descent
    X, y = _data("csc", n=1500, p=50, seed=6)
    design = Design(X, None, False)
    cov = CovarianceCache(design, "always", max_bytes=8 * 6 ** 2)
    assert cov.stats["max_features"] == 6
    w = np.zeros(X.shape[1])
    res = y.copy()
    info = enet_solve(design, w, res, y, float(y @ y), 0.005 * len(y), 0.0,
                      tol_abs=1e-10 * float(y @ y), max_epochs=100_000, cov=cov)
    w_ref, _, _ = _cached_solve(X, y, 0.005 * len(y), None)
    assert info["gap"] <= 1e-10 * float(y @ y)
    np.testing.assert_allclose(w, w_ref, atol=1e-7)
    assert np.count_nonzero(w) > 6 and cov.stats["n_cd"] >= 1
    assert cov.stats["n_cached"] <= 6
    with pytest.raises(ValueError, match="max_bytes"):
        CovarianceCache(design, max_bytes=-1)
