"""glmnet-style per-feature options: penalty factors, bounds, exclude, standardize, max_features.

Every solution is checked against an independent numpy statement of the
problem (objective and optimality conditions), and every reported gap
against a tighter independent solve (scipy's L-BFGS-B on the split-variable
form w = u - v, which is smooth with bounds).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize

import penalized
from conftest import make_regression

ALPHA = 0.05


# ---------------------------------------------------------------------------
# Independent numpy reference of the stated problem
# ---------------------------------------------------------------------------

def terms(X, y, sw, fit_intercept, alpha, l1_ratio, pf=None, standardize=False):
    """Centred data and the per-feature l1 / l2 weights of the documented objective.

    1/(2n) sum_i s_i (y_i - x_i.w - b)^2 + sum_j lam1_j |w_j| + lam2_j/2 w_j^2,
    lam1_j = alpha l1_ratio pf_j sd_j, lam2_j = alpha (1 - l1_ratio) pf_j sd_j^2,
    pf rescaled to sum to p, sd the weighted standard deviation (centred
    also without intercept, as glmnet) or 1.
    """
    Xd = (X.toarray() if sp.issparse(X) else np.asarray(X)).astype(np.float64)
    y = np.asarray(y, np.float64)
    n, p = Xd.shape
    s = np.ones(n) if sw is None else np.asarray(sw, np.float64) * n / np.sum(sw)
    xm = s @ Xd / n if fit_intercept else np.zeros(p)
    ym = s @ y / n if fit_intercept else 0.0
    Xc, yc = Xd - xm, y - ym
    f = np.ones(p) if pf is None else np.asarray(pf, float) * p / np.sum(pf)
    Xm = Xd - s @ Xd / n
    sd = np.sqrt(s @ (Xm * Xm) / n) if standardize else np.ones(p)
    return dict(Xc=Xc, yc=yc, s=s, lam1=alpha * l1_ratio * f * sd,
                lam2=alpha * (1 - l1_ratio) * f * sd ** 2, xm=xm, ym=ym)


def objective(T, w):
    r = T["yc"] - T["Xc"] @ w
    n = r.size
    return (0.5 * np.sum(T["s"] * r * r) / n + T["lam1"] @ np.abs(w)
            + 0.5 * T["lam2"] @ (w * w))


def _box(lo, hi, p):
    lo = np.broadcast_to(-np.inf if lo is None else np.asarray(lo, float), (p,))
    hi = np.broadcast_to(np.inf if hi is None else np.asarray(hi, float), (p,))
    return lo, hi


def kkt_violation(T, w, lo=None, hi=None):
    """max_j dist(-grad_j, subdifferential of lam1_j |.| + box at w_j)."""
    Xc, n = T["Xc"], T["Xc"].shape[0]
    lo, hi = _box(lo, hi, Xc.shape[1])
    lam1 = T["lam1"]
    v = Xc.T @ (T["s"] * (T["yc"] - Xc @ w)) / n - T["lam2"] * w
    low = np.where(w > 0, lam1, -lam1)          # interval [low, up] of allowed v
    up = np.where(w < 0, -lam1, lam1)
    up = np.where((w == hi) & (w > 0), np.inf, up)
    low = np.where((w == lo) & (w < 0), -np.inf, low)
    up = np.where((w == 0) & (hi == 0), np.inf, up)
    low = np.where((w == 0) & (lo == 0), -np.inf, low)
    return float(np.max(np.maximum(np.maximum(low - v, v - up), 0.0)))


def reference_solve(T, lo=None, hi=None, exclude=()):
    """L-BFGS-B on w = u - v, u in [0, max(hi, 0)], v in [0, max(-lo, 0)]."""
    Xc, yc, s = T["Xc"], T["yc"], T["s"]
    n, p = Xc.shape
    lo, hi = _box(lo, hi, p)
    lo, hi = lo.copy(), hi.copy()
    lo[list(exclude)] = 0
    hi[list(exclude)] = 0
    lam1, lam2 = T["lam1"], T["lam2"]

    def fg(z):
        w = z[:p] - z[p:]
        r = yc - Xc @ w
        gw = -Xc.T @ (s * r) / n + lam2 * w
        f = 0.5 * np.sum(s * r * r) / n + lam1 @ (z[:p] + z[p:]) + 0.5 * lam2 @ (w * w)
        return f, np.concatenate([gw + lam1, -gw + lam1])

    bounds = ([(0, None if h == np.inf else h) for h in hi]
              + [(0, None if v == -np.inf else -v) for v in lo])
    res = minimize(fg, np.zeros(2 * p), jac=True, method="L-BFGS-B", bounds=bounds,
                   options=dict(maxiter=50000, ftol=1e-16, gtol=1e-14, maxcor=30))
    return res.x[:p] - res.x[p:]


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------

P = 40


def _pf():
    pf = np.ones(P)
    pf[:3] = 0.0           # unpenalized
    pf[3:6] = 2.5
    pf[6] = 0.2
    return pf


def _bounds():
    lo, hi = np.full(P, -np.inf), np.full(P, np.inf)
    lo[:2] = -0.4          # on true signal features: active
    hi[2:4] = 0.3
    hi[7] = 0.0            # non-positive
    lo[8:10] = 0.0         # non-negative
    lo[10], hi[10] = -0.01, 0.02
    return lo, hi


def _options(name):
    lo, hi = _bounds()
    return {
        "pf": dict(penalty_factor=_pf()),
        "bounds": dict(lower_bounds=lo, upper_bounds=hi),
        "exclude": dict(exclude=[1, 4, 30]),
        "standardize": dict(standardize=True),
        "all": dict(penalty_factor=_pf(), lower_bounds=np.where(np.arange(P) < 3, -np.inf, lo),
                    upper_bounds=hi, exclude=[30, 31], standardize=True),
        # unpenalized features that are bounded too (handled by the conjugate)
        "pf0_boxed": dict(penalty_factor=_pf(), lower_bounds=-1.0, upper_bounds=1.0),
    }[name]


def _data(seed=0, scale_cols=True, dtype=np.float64, density=None):
    X, y = make_regression(60, P, seed=seed, density=density)
    if scale_cols:
        # unequal column scales make standardization matter
        X = X @ sp.diags(np.linspace(0.3, 3.0, P)) if sp.issparse(X) else X * np.linspace(0.3, 3.0, P)
    if sp.issparse(X):
        X = sp.csc_matrix(X)
    return X.astype(dtype), y.astype(dtype)


def _fit(X, y, sw=None, l1_ratio=1.0, tol=1e-10, **kw):
    return penalized.ElasticNet(alpha=ALPHA, l1_ratio=l1_ratio, tol=tol, max_iter=100000,
                                **kw).fit(X, y, sample_weight=sw)


def _ref_terms(X, y, sw, fit_intercept, l1_ratio, kw):
    return terms(X, y, sw, fit_intercept, ALPHA, l1_ratio, kw.get("penalty_factor"),
                 kw.get("standardize", False))


# ---------------------------------------------------------------------------
# The stated problem is solved, and the gap is a valid certificate
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pf", "bounds", "exclude", "standardize", "all", "pf0_boxed"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept, weighted", [(True, True), (False, False), (True, False)])
def test_kkt_and_certificate(name, l1_ratio, fit_intercept, weighted):
    X, y = _data()
    sw = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    kw = _options(name)
    T = _ref_terms(X, y, sw, fit_intercept, l1_ratio, kw)
    ex = kw.get("exclude", [])
    lo, hi = (a.copy() for a in _box(kw.get("lower_bounds"), kw.get("upper_bounds"), P))
    lo[ex] = hi[ex] = 0.0
    # tight fit: optimality conditions of the stated problem hold
    m = _fit(X, y, sw, l1_ratio, tol=1e-13, fit_intercept=fit_intercept, **kw)
    assert kkt_violation(T, m.coef_, lo, hi) <= 1e-5 * ALPHA
    assert np.all(m.coef_[ex] == 0)
    b = T["ym"] - T["xm"] @ m.coef_
    assert m.intercept_ == pytest.approx(b, abs=1e-10)
    # loose fit: the reported gap bounds the distance to a tighter independent solve
    w_ref = reference_solve(T, lo, hi, ex)
    assert kkt_violation(T, w_ref, lo, hi) <= 1e-6 * ALPHA
    for tol in (1e-3, 1e-6):
        loose = _fit(X, y, sw, l1_ratio, tol=tol, fit_intercept=fit_intercept, **kw)
        diff = objective(T, loose.coef_) - objective(T, w_ref)
        slack = 1e-12 * objective(T, w_ref)
        assert diff <= loose.dual_gap_ + slack
        assert loose.dual_gap_ <= tol * np.sum(T["s"] * T["yc"] ** 2) / X.shape[0]
        lo_, hi_ = _box(lo, hi, P)
        assert np.all(loose.coef_ >= lo_) and np.all(loose.coef_ <= hi_)


def test_free_features_certified_at_tight_tolerance():
    """Unpenalized features on shifted, badly scaled columns: the projected dual
    certifies gaps far below the rounding of an unprojected residual."""
    X, y = _data(seed=3)
    X = np.asfortranarray(X)
    X[:, :3] = X[:, :3] * 50 + 100.0
    pf = _pf()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, X.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = _fit(X, y, sw, 1.0, tol=1e-13, penalty_factor=pf)
    T = _ref_terms(X, y, sw, True, 1.0, dict(penalty_factor=pf))
    assert np.all(m.coef_[:3] != 0)
    grad = T["Xc"].T @ (T["s"] * (T["yc"] - T["Xc"] @ m.coef_)) / X.shape[0]
    assert np.abs(grad[:3]).max() <= 1e-9 * ALPHA * np.linalg.norm(T["Xc"][:, :3], axis=0).max()
    w_tight = _fit(X, y, sw, 1.0, tol=1e-15, penalty_factor=pf).coef_
    loose = _fit(X, y, sw, 1.0, tol=1e-5, penalty_factor=pf)
    assert objective(T, loose.coef_) - objective(T, w_tight) <= loose.dual_gap_ + 1e-14


@pytest.mark.parametrize("side", ["interior", "active"])
def test_unpenalized_half_bounded_features_certified(side):
    """pf_j = 0 with a box like [0, inf): interior at the optimum, its optimality
    condition is x_j.theta = 0 in the unbounded direction (the relaxed dual
    certifies it); at an active bound, the plain conjugate does."""
    X, y = _data(seed=4)
    pf = np.ones(P)
    pf[[0, 12]] = 0.0
    lo = np.full(P, -np.inf)
    hi = np.full(P, np.inf)
    sign = np.sign(_fit(X, y, None, 1.0, tol=1e-8, penalty_factor=pf).coef_[0])
    # feature 0 has a large coefficient: the half-line on its side is inactive,
    # the other one is active; feature 12 (noise) gets a half-line too
    allowed = sign if side == "interior" else -sign
    if allowed > 0:
        lo[0] = 0.0
    else:
        hi[0] = 0.0
    lo[12] = 0.0
    kw = dict(penalty_factor=pf, lower_bounds=lo, upper_bounds=hi)
    for l1_ratio in (1.0, 0.5):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m = _fit(X, y, None, l1_ratio, tol=1e-13, **kw)
        T = _ref_terms(X, y, None, True, l1_ratio, kw)
        assert kkt_violation(T, m.coef_, lo, hi) <= 1e-6 * ALPHA
        if side == "interior":
            assert lo[0] < m.coef_[0] < hi[0]
        else:
            assert m.coef_[0] == 0.0
        w_ref = reference_solve(T, lo, hi)
        loose = _fit(X, y, None, l1_ratio, tol=1e-6, **kw)
        assert objective(T, loose.coef_) - objective(T, w_ref) <= loose.dual_gap_ + 1e-13


def test_half_bounded_unpenalized_never_stall():
    """Rounding puts x_j.r of an interior half-bounded unpenalized feature on
    either side of 0; on the unbounded side the plain dual point would be
    infeasible (scale 0, or an infinite conjugate).  Several targets: every fit
    reaches a tight tolerance."""
    X, y = _data()
    kw = _options("all")       # feature 2: penalty_factor 0, box (-inf, 0.3]
    for target in [y, -y + 1.0, 2.0 * y - 3.0, y[::-1].copy(), -0.5 * y]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m = _fit(X, target, None, 0.6, tol=1e-13, **kw)
        assert m.dual_gap_ <= 1e-13 * np.var(target)


# ---------------------------------------------------------------------------
# Equivalences
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_pf_ones_is_plain(l1_ratio):
    X, y = _data()
    plain = _fit(X, y, None, l1_ratio, tol=1e-8)
    ones = _fit(X, y, None, l1_ratio, tol=1e-8, penalty_factor=np.ones(P))
    np.testing.assert_array_equal(ones.coef_, plain.coef_)
    assert ones.dual_gap_ == plain.dual_gap_
    const = _fit(X, y, None, l1_ratio, tol=1e-8, penalty_factor=7.5)
    np.testing.assert_allclose(const.coef_, plain.coef_, rtol=0, atol=1e-12)
    arr = _fit(X, y, None, l1_ratio, tol=1e-8, penalty_factor=np.full(P, 0.01))
    np.testing.assert_allclose(arr.coef_, plain.coef_, rtol=0, atol=1e-12)


def test_unpenalized_features_enter_with_zero_gradient():
    X, y = _data()
    pf = np.ones(P)
    pf[[20, 25]] = 0.0                 # noise features, unpenalized
    m = penalized.Lasso(alpha=1.0, tol=1e-12).fit(X, y)
    assert np.count_nonzero(m.coef_) == 0 or m.coef_[20] == 0
    m = penalized.Lasso(alpha=1.0, tol=1e-12, penalty_factor=pf).fit(X, y)
    assert m.coef_[20] != 0 and m.coef_[25] != 0
    T = terms(X, y, None, True, 1.0, 1.0, pf)
    grad = T["Xc"].T @ (T["yc"] - T["Xc"] @ m.coef_) / X.shape[0]
    assert np.abs(grad[[20, 25]]).max() <= 1e-10


def test_positive_equals_lower_bound_zero():
    X, y = _data()
    for l1_ratio in (1.0, 0.5):
        a = _fit(X, y, None, l1_ratio, tol=1e-8, positive=True)
        b = _fit(X, y, None, l1_ratio, tol=1e-8, lower_bounds=0.0)
        c = _fit(X, y, None, l1_ratio, tol=1e-8, lower_bounds=np.zeros(P), positive=True)
        np.testing.assert_array_equal(a.coef_, b.coef_)
        np.testing.assert_array_equal(a.coef_, c.coef_)
        assert a.dual_gap_ == b.dual_gap_
    _, c1, _ = penalized.lasso_path(X, y, positive=True, alphas=10, fit_intercept=True)
    _, c2, _ = penalized.lasso_path(X, y, lower_bounds=0, alphas=10, fit_intercept=True)
    np.testing.assert_array_equal(c1, c2)


def test_active_bounds_are_exact():
    X, y = _data()
    lo, hi = _bounds()
    m = _fit(X, y, None, 1.0, tol=1e-10, lower_bounds=lo, upper_bounds=hi)
    assert np.all(m.coef_ >= lo) and np.all(m.coef_ <= hi)
    at_bound = (m.coef_ == lo) | ((m.coef_ == hi) & (hi != 0))
    assert at_bound.sum() >= 2
    # without the bounds those coefficients lie outside the box
    free = _fit(X, y, None, 1.0, tol=1e-10)
    assert np.any((free.coef_ < lo) | (free.coef_ > hi))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_exclude_equals_dropping_columns(fit_intercept):
    X, y = _data()
    sw = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[0])
    ex = [1, 4, 30]
    keep = np.setdiff1d(np.arange(P), ex)
    for l1_ratio in (1.0, 0.5):
        m = _fit(X, y, sw, l1_ratio, tol=1e-13, exclude=ex, fit_intercept=fit_intercept)
        r = _fit(X[:, keep], y, sw, l1_ratio, tol=1e-13, fit_intercept=fit_intercept)
        assert np.all(m.coef_[ex] == 0)
        np.testing.assert_allclose(m.coef_[keep], r.coef_, atol=1e-8)
        assert m.intercept_ == pytest.approx(r.intercept_, abs=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_standardize_equals_explicit_scaling(fit_intercept, weighted):
    X, y = _data()
    X = np.array(X)
    X[:, 5] = 2.0                          # constant column: coefficient 0
    sw = np.random.default_rng(5).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    sd = np.sqrt(s @ ((X - s @ X / n) ** 2) / n)     # centred also without intercept
    use = sd > 1e-12
    Xs = X[:, use] / sd[use]
    for l1_ratio in (1.0, 0.4):
        got = _fit(X, y, sw, l1_ratio, tol=1e-13, standardize=True, fit_intercept=fit_intercept)
        ref = _fit(Xs, y, sw, l1_ratio, tol=1e-13, fit_intercept=fit_intercept)
        assert got.coef_[5] == 0
        np.testing.assert_allclose(got.coef_[use], ref.coef_ / sd[use], atol=1e-8)
        assert got.intercept_ == pytest.approx(ref.intercept_, abs=1e-8)
        np.testing.assert_allclose(got.predict(X), ref.predict(Xs), atol=1e-8)
    # with penalty factors the standardized problem is weighted the same way
    pf = np.linspace(0.5, 2.0, P)
    got = _fit(X, y, sw, 1.0, tol=1e-13, standardize=True, penalty_factor=pf,
               fit_intercept=fit_intercept)
    # the full problem rescales pf over all P columns (the constant one included,
    # as glmnet): on the kept columns that is alpha * pf_j * P / sum(pf); the
    # reduced fit rescales over its own columns, so its alpha compensates
    alpha_red = ALPHA * (P / pf.sum()) / (use.sum() / pf[use].sum())
    ref = penalized.Lasso(alpha=alpha_red, tol=1e-13, penalty_factor=pf[use],
                          fit_intercept=fit_intercept).fit(Xs, y, sample_weight=sw)
    np.testing.assert_allclose(got.coef_[use], ref.coef_ / sd[use], atol=1e-8)


# ---------------------------------------------------------------------------
# Storage, dtype, Gram mode, multi-output
# ---------------------------------------------------------------------------

STORAGE_OPTIONS = ["pf", "bounds", "exclude", "standardize", "all"]


@pytest.mark.parametrize("name", STORAGE_OPTIONS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_equals_dense(name, fit_intercept):
    Xs, y = _data(density=0.3, scale_cols=False)
    Xd = Xs.toarray()
    sw = np.random.default_rng(6).uniform(0.5, 2.0, Xd.shape[0])
    kw = _options(name)
    for l1_ratio in (1.0, 0.5):
        a = _fit(Xd, y, sw, l1_ratio, tol=1e-12, fit_intercept=fit_intercept, **kw)
        b = _fit(Xs, y, sw, l1_ratio, tol=1e-12, fit_intercept=fit_intercept, **kw)
        c = _fit(np.ascontiguousarray(Xd), y, sw, l1_ratio, tol=1e-12,
                 fit_intercept=fit_intercept, **kw)
        np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-8)
        np.testing.assert_allclose(c.coef_, a.coef_, atol=1e-8)
        assert b.intercept_ == pytest.approx(a.intercept_, abs=1e-8)


@pytest.mark.parametrize("name", STORAGE_OPTIONS)
def test_gram_mode_equals_direct(name):
    X, y = _data()
    X = np.vstack([X, X[::-1] * 0.5])      # n >= 4 p is not needed with precompute=True
    y = np.concatenate([y, y[::-1]])
    kw = _options(name)
    a = _fit(X, y, None, 0.7, tol=1e-12, precompute=False, **kw)
    b = _fit(X, y, None, 0.7, tol=1e-12, precompute=True, **kw)
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-8)


@pytest.mark.parametrize("name", STORAGE_OPTIONS)
@pytest.mark.parametrize("density", [None, 0.3])
def test_float32_close_to_float64(name, density):
    X, y = _data(density=density, scale_cols=False)
    kw = _options(name)
    a = _fit(X, y, None, 0.8, tol=1e-10, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # float32 may stop short of 1e-10
        b = _fit(X.astype(np.float32), y.astype(np.float32), None, 0.8, tol=1e-7, **kw)
    assert b.coef_.dtype == np.float32
    np.testing.assert_allclose(b.coef_, a.coef_, atol=2e-3, rtol=1e-3)
    lo, hi = _box(kw.get("lower_bounds"), kw.get("upper_bounds"), P)
    assert np.all(b.coef_ >= lo.astype(np.float32)) and np.all(b.coef_ <= hi.astype(np.float32))


def test_multi_output_and_warm_start():
    X, y = _data()
    Y = np.column_stack([y, -y + 1.0])
    kw = _options("all")
    m = penalized.ElasticNet(alpha=ALPHA, l1_ratio=0.6, tol=1e-14, **kw).fit(X, Y)
    for k in range(2):
        one = penalized.ElasticNet(alpha=ALPHA, l1_ratio=0.6, tol=1e-14, **kw).fit(X, Y[:, k])
        np.testing.assert_allclose(m.coef_[k], one.coef_, atol=1e-10)
    # a warm start outside the box is moved into it
    w = penalized.ElasticNet(alpha=ALPHA, l1_ratio=0.6, tol=1e-14, warm_start=True, **kw)
    w.coef_ = np.full(P, 5.0)
    w.fit(X, y)
    np.testing.assert_allclose(w.coef_, m.coef_[0], atol=1e-6)


# ---------------------------------------------------------------------------
# Paths: alpha_max, max_features, CV
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["pf", "bounds", "exclude", "standardize", "all", "pf0_boxed"])
def test_alpha_max_is_first_all_zero_alpha(name):
    X, y = _data()
    kw = _options(name)
    alphas, coefs, gaps = penalized.enet_path(X, y, l1_ratio=0.5, alphas=5,
                                              fit_intercept=True, tol=1e-10, **kw)
    pf = kw.get("penalty_factor")
    pen = np.ones(P, bool) if pf is None else pf > 0
    assert np.all(coefs[pen, 0] == 0)
    below = penalized.ElasticNet(alpha=alphas[0] * 0.98, l1_ratio=0.5, tol=1e-10,
                                 **kw).fit(X, y)
    assert np.any(below.coef_[pen] != 0)


def test_max_features_stops_the_path():
    X, y = _data()
    full_a, full_c, _ = penalized.lasso_path(X, y, alphas=50, fit_intercept=True)
    nnz = np.count_nonzero(full_c, axis=0)
    ever = np.count_nonzero(np.logical_or.accumulate(full_c != 0, axis=1), axis=0)
    k = 6
    # dfmax: the current number of non-zeros
    a, c, g = penalized.lasso_path(X, y, alphas=50, fit_intercept=True, dfmax=k)
    stop = int(np.argmax(nnz > k))
    assert len(a) == c.shape[1] == g.size == stop
    np.testing.assert_array_equal(a, full_a[:stop])
    assert np.all(np.count_nonzero(c, axis=0) <= k)
    np.testing.assert_allclose(c, full_c[:, :stop], atol=1e-10)
    # max_features (glmnet's pmax): every feature ever non-zero so far counts
    a, c, g = penalized.lasso_path(X, y, alphas=50, fit_intercept=True, max_features=k)
    stop_ever = int(np.argmax(ever > k))
    assert len(a) == c.shape[1] == g.size == stop_ever <= stop
    np.testing.assert_allclose(c, full_c[:, :stop_ever], atol=1e-10)
    assert np.count_nonzero(np.any(c != 0, axis=1)) <= k
    # with penalty factors, unpenalized features count too
    pf = _pf()
    a2, c2, _ = penalized.enet_path(X, y, l1_ratio=1.0, fit_intercept=True, penalty_factor=pf,
                                    max_features=4, alphas=50)
    assert 0 < len(a2) < 50 and np.all(np.count_nonzero(c2, axis=0) <= 4)


def test_cv_estimators_accept_options():
    X, y = _data()
    kw = dict(penalty_factor=_pf(), lower_bounds=-2.0, upper_bounds=2.0, exclude=[30],
              standardize=True)
    cv = penalized.LassoCV(cv=3, alphas=15, tol=1e-10, **kw).fit(X, y)
    ref = penalized.Lasso(alpha=cv.alpha_, tol=1e-10, **kw).fit(X, y)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-7)
    assert cv.coef_[30] == 0 and np.all(np.abs(cv.coef_) <= 2.0)
    est = cv.refit_estimator()
    assert est.standardize and est.exclude == [30]
    ecv = penalized.ElasticNetCV(cv=3, alphas=30, l1_ratio=[0.5, 1.0], max_features=5,
                                 tol=1e-8).fit(X, y)
    assert ecv.alphas_.shape[1] < 30
    _, c, _ = penalized.enet_path(X, y, l1_ratio=0.5, alphas=ecv.alphas_[0],
                                  fit_intercept=True)
    assert np.all(np.count_nonzero(c, axis=0) <= 5)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

BAD = [
    (dict(penalty_factor=np.ones(P - 1)), "penalty_factor"),
    (dict(penalty_factor=-np.ones(P)), "penalty_factor"),
    (dict(penalty_factor=np.r_[np.nan, np.ones(P - 1)]), "penalty_factor"),
    (dict(penalty_factor=np.r_[np.inf, np.ones(P - 1)]), "penalty_factor"),
    (dict(penalty_factor=np.zeros(P)), "penalty_factor"),
    (dict(penalty_factor="ones"), "penalty_factor"),
    (dict(lower_bounds=0.5), "lower_bounds"),
    (dict(lower_bounds=np.r_[0.1, np.zeros(P - 1)]), "lower_bounds"),
    (dict(lower_bounds=np.zeros(P + 1)), "lower_bounds"),
    (dict(upper_bounds=-1.0), "upper_bounds"),
    (dict(upper_bounds=np.r_[np.nan, np.ones(P - 1)]), "upper_bounds"),
    (dict(exclude=[P]), "exclude"),
    (dict(exclude=[-1]), "exclude"),
    (dict(exclude=[0.5]), "exclude"),
    (dict(exclude=np.ones(P, bool)), "exclude"),
    (dict(exclude=np.arange(P)), "exclude"),
]


@pytest.mark.parametrize("kw, name", BAD)
def test_bad_options_raise_naming_the_argument(kw, name):
    X, y = _data()
    with pytest.raises(ValueError, match=name):
        penalized.Lasso(alpha=0.1, **kw).fit(X, y)
    with pytest.raises(ValueError, match=name):
        penalized.enet_path(X, y, alphas=3, **kw)
    with pytest.raises(ValueError, match=name):
        penalized.LassoCV(cv=2, alphas=3, **kw).fit(X, y)


def test_bad_standardize_and_max_features():
    X, y = _data()
    with pytest.raises(TypeError, match="standardize"):
        penalized.Lasso(standardize="yes").fit(X, y)
    with pytest.raises(ValueError, match="max_features"):
        penalized.lasso_path(X, y, max_features=-1)
    with pytest.raises(TypeError, match="max_features"):
        penalized.lasso_path(X, y, max_features=2.5)


def test_dependent_unpenalized_columns_rejected():
    X, y = _data()
    X = np.array(X)
    X[:, 1] = 2 * X[:, 0]
    pf = np.ones(P)
    pf[:2] = 0
    with pytest.raises(ValueError, match="penalty_factor"):
        penalized.Lasso(alpha=0.1, penalty_factor=pf).fit(X, y)


# ---------------------------------------------------------------------------
# Core level: Newton steps under bounds, exact zeros at alpha_max
# ---------------------------------------------------------------------------

def test_newton_steps_respect_bounds_on_an_ill_conditioned_problem():
    from penalized._core import enet_solve
    from penalized._enet import LeastSquaresProblem
    from penalized._validation import check_X

    X, y = make_regression(n=50, p=400, seed=5)
    prob = LeastSquaresProblem(check_X(X), None, True, False)
    tgt = prob.target(y)
    n = 50
    alpha = prob.alpha_max(tgt, 1.0) / 1000
    rng = np.random.default_rng(0)
    lo = -rng.uniform(0.05, 1.0, 400)
    hi = rng.uniform(0.05, 1.0, 400)
    pf = rng.uniform(0.5, 2.0, 400)
    w = np.zeros(400)
    info = enet_solve(prob.design, w, prob.residual(tgt, w), tgt.y, tgt.yy, n * alpha, 0.0,
                      tol_abs=1e-12 * tgt.yy, max_epochs=500_000, lower=lo, upper=hi,
                      l1_weights=pf, l2_weights=pf)
    assert info["gap"] <= 1e-12 * tgt.yy
    assert info["n_newton"] > 0
    assert np.all(w >= lo) and np.all(w <= hi)
    assert np.count_nonzero((w == lo) | (w == hi)) > 0
    T = terms(X, y, None, True, alpha, 1.0, pf * 400 / pf.sum())
    T["lam1"] = alpha * pf                       # no rescaling at the core level
    assert kkt_violation(T, w, lo, hi) <= 1e-6 * alpha


@pytest.mark.parametrize("name", ["bounds", "exclude", "standardize"])
@pytest.mark.parametrize("factor", [1.0, 3.0])
def test_at_or_above_alpha_max_exactly_zero(name, factor):
    X, y = _data()
    kw = _options(name)
    if name == "bounds":
        kw["penalty_factor"] = np.linspace(0.5, 2.0, P)
    alphas, coefs, gaps = penalized.enet_path(X, y, l1_ratio=0.5, alphas=3,
                                              fit_intercept=True, **kw)
    assert np.all(coefs[:, 0] == 0.0) and gaps[0] == 0.0
    m = penalized.ElasticNet(alpha=factor * alphas[0], l1_ratio=0.5, **kw).fit(X, y)
    assert np.all(m.coef_ == 0.0) and m.dual_gap_ == 0.0
    assert m.intercept_ == pytest.approx(y.mean(), rel=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_random_options_gap_is_a_valid_bound(seed):
    """Random mixes of every option on random storage: the reported gap always
    bounds the objective's distance to an independent solve."""
    rng = np.random.default_rng(100 + seed)
    p = 25
    X, y = make_regression(60, p, seed=seed, density=0.4 if seed % 3 == 0 else None)
    if seed % 3 == 1:
        X = np.ascontiguousarray(X)
    if seed % 4 == 2:
        X = sp.csc_matrix(X) if sp.issparse(X) else X
        if sp.issparse(X):
            X.indices, X.indptr = X.indices.astype(np.int64), X.indptr.astype(np.int64)
    pf = rng.choice([0.0, 0.5, 1.0, 3.0], p, p=[0.15, 0.25, 0.4, 0.2])
    pf[rng.integers(p)] = 1.0
    lo = rng.choice([-np.inf, -0.5, 0.0], p, p=[0.6, 0.2, 0.2])
    hi = rng.choice([np.inf, 0.4, 0.0], p, p=[0.6, 0.2, 0.2])
    ex = rng.choice(p, 2, replace=False)
    kw = dict(penalty_factor=pf, lower_bounds=lo, upper_bounds=hi, exclude=ex,
              standardize=bool(seed % 2))
    sw = rng.uniform(0.3, 2.0, 60) if seed % 5 != 0 else None
    fit_intercept = seed % 6 != 5
    l1_ratio = [1.0, 0.7, 0.3][seed % 3]
    alpha = 0.02 * (1 + seed % 4)
    T = terms(X, y, sw, fit_intercept, alpha, l1_ratio, np.where(np.isin(np.arange(p), ex),
                                                                 1.0, pf), kw["standardize"])
    if kw["standardize"]:
        const = ~(np.sqrt(np.diag(T["Xc"].T @ (T["s"][:, None] * T["Xc"])) / 60) > 0)
        assert not const.any()
    lo2, hi2 = lo.copy(), hi.copy()
    lo2[ex] = hi2[ex] = 0.0
    w_ref = reference_solve(T, lo2, hi2)
    for tol in (1e-2, 1e-5, 1e-9):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m = penalized.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100000,
                                     fit_intercept=fit_intercept, **kw).fit(X, y, sample_weight=sw)
        assert np.all(m.coef_ >= lo2) and np.all(m.coef_ <= hi2)
        diff = objective(T, m.coef_) - objective(T, w_ref)
        assert diff <= m.dual_gap_ + 1e-12 * objective(T, w_ref), (tol, diff, m.dual_gap_)
    assert kkt_violation(T, m.coef_, lo2, hi2) <= 1e-4 * alpha


@pytest.mark.parametrize("bound", [1e3, 1e8, 1e200])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("unpenalized", [False, True])
def test_large_finite_bounds_certify_like_none(bound, l1_ratio, unpenalized):
    """An inactive finite bound B must not inflate the gap by (rounding excess) * B,
    for penalized and for unpenalized (pf = 0) features."""
    X, y = _data()
    pf = _pf() if unpenalized else None
    plain = _fit(X, y, None, l1_ratio, tol=1e-12, penalty_factor=pf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boxed = _fit(X, y, None, l1_ratio, tol=1e-12, lower_bounds=-bound, upper_bounds=bound,
                     penalty_factor=pf)
    np.testing.assert_allclose(boxed.coef_, plain.coef_, atol=1e-9)
    assert boxed.dual_gap_ <= 1e-12 * np.var(y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("density", [None, 0.3])
def test_half_bounded_unpenalized_some_interior_some_active(dtype, density):
    """Unpenalized features with [-1, inf): some end inside the box, some at -1.
    Only the interior ones may be relaxed for the certificate to be tight."""
    X, y = make_regression(200, 80, seed=7, density=density)
    pf = np.ones(80)
    pf[:4] = 0.0
    sw = np.random.default_rng(0).uniform(0.5, 2.0, 200)
    kw = dict(penalty_factor=pf, lower_bounds=-1.0, standardize=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = penalized.ElasticNet(alpha=0.02, l1_ratio=0.8, tol=1e-7, max_iter=3000,
                                 **kw).fit(X.astype(dtype), y.astype(dtype), sample_weight=sw)
    assert np.any(m.coef_[:4] == -1.0) and np.any(m.coef_[:4] > -1.0)
    T = terms(X, y, sw, True, 0.02, 0.8, pf, True)
    w_ref = reference_solve(T, np.full(80, -1.0), None)
    diff = objective(T, m.coef_.astype(np.float64)) - objective(T, w_ref)
    assert diff <= m.dual_gap_ + (1e-6 if dtype == np.float32 else 1e-12) * objective(T, w_ref)


@pytest.mark.parametrize("tiny", [1e-6, 1e-10, 1e-14])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tiny_penalty_factors_certified(tiny, dtype):
    """A nearly unpenalized feature: |x_j.theta| must stay within a tiny l1_j,
    which rounding alone breaks; the relaxed dual still certifies it."""
    X, y = _data()
    pf = np.ones(P)
    pf[:3] = tiny
    tol = 1e-10 if dtype == np.float64 else 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = _fit(X.astype(dtype), y.astype(dtype), None, 1.0, tol=tol, penalty_factor=pf)
    T = _ref_terms(X, y, None, True, 1.0, dict(penalty_factor=pf))
    w_ref = reference_solve(T)
    slack = (1e-6 if dtype == np.float32 else 1e-12) * objective(T, w_ref)
    assert objective(T, m.coef_.astype(np.float64)) - objective(T, w_ref) <= m.dual_gap_ + slack


# ---------------------------------------------------------------------------
# scikit-learn's estimator contract with the options set (scalars fit any p)
# ---------------------------------------------------------------------------

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


@parametrize_with_checks(
    # alpha=0.1: standardized, iris has alpha_max < 1, and a fit certified at w = 0
    # takes 0 epochs (n_iter_ = 0, as for any alpha >= alpha_max)
    [penalized.Lasso(alpha=0.1, standardize=True),
     penalized.ElasticNet(lower_bounds=-1.0, upper_bounds=2.0, l1_ratio=0.3),
     penalized.Lasso(alpha=0.1, standardize=True, lower_bounds=-0.5, penalty_factor=2.0,
                     precompute=True),
     penalized.LassoCV(cv=3, alphas=8, standardize=True, upper_bounds=3.0, max_features=3)],
    expected_failed_checks=lambda est: (
        {"check_sample_weight_equivalence_on_dense_data": "CV folds change with repeats",
         "check_sample_weight_equivalence_on_sparse_data": "CV folds change with repeats"}
        if isinstance(est, penalized.LassoCV) else {}),
)
def test_sklearn_contract_with_options(estimator, check):
    check(estimator)
