"""Multi-task Lasso / ElasticNet: solver, path and CV against independent references."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import MultiTaskElasticNet as SkMTEN
from sklearn.model_selection import KFold

import penalized
from penalized._core import Design, multitask_enet_solve


def make_multitask(n=60, p=40, T=3, density=None, seed=0, dtype=np.float64, n_informative=5):
    """Row-sparse truth shared by T tasks; dense (C order) or CSC X."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = rng.standard_normal((n, p)) + 0.3 * rng.standard_normal((n, 1))
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal)
    W = np.zeros((p, T))
    W[:n_informative] = rng.uniform(1, 3, (n_informative, T)) * rng.choice([-1, 1], (n_informative, T))
    Y = np.asarray(X @ W) + 0.5 * rng.standard_normal((n, T)) + np.arange(T)
    return X.astype(dtype), Y.astype(dtype)


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)


def _weights(sw, n):
    return np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64) * n / np.sum(sw)


def mt_objective(X, Y, coef, b, alpha, l1_ratio, sw=None):
    """1/(2n) sum s_i ||Y_i - x_i W - b||^2 + alpha rho sum_j ||W_j|| + alpha (1-rho)/2 ||W||_F^2."""
    Xd = _dense(X)
    n = Xd.shape[0]
    s = _weights(sw, n)
    W = np.asarray(coef, dtype=np.float64).T
    R = np.asarray(Y, dtype=np.float64) - Xd @ W - b
    return (0.5 * np.sum(s[:, None] * R * R) / n
            + alpha * l1_ratio * np.linalg.norm(W, axis=1).sum()
            + 0.5 * alpha * (1 - l1_ratio) * np.sum(W * W))


def mt_kkt_violation(X, Y, coef, alpha, l1_ratio, sw=None, fit_intercept=True):
    """Largest violation of the block optimality conditions (numpy, 1/n scaling).

    G_j = X_c,j^T S R / n; non-zero rows: G_j = alpha rho W_j/||W_j|| + alpha (1-rho) W_j;
    zero rows: ||G_j|| <= alpha rho.
    """
    Xd = _dense(X)
    n = Xd.shape[0]
    s = _weights(sw, n)
    Y = np.asarray(Y, dtype=np.float64)
    if fit_intercept:
        Xd = Xd - s @ Xd / n
        Y = Y - s @ Y / n
    W = np.asarray(coef, dtype=np.float64).T
    G = Xd.T @ (s[:, None] * (Y - Xd @ W)) / n
    norms = np.linalg.norm(W, axis=1)
    out = 0.0
    for j in range(W.shape[0]):
        if norms[j] > 0:
            v = G[j] - alpha * l1_ratio * W[j] / norms[j] - alpha * (1 - l1_ratio) * W[j]
            out = max(out, np.linalg.norm(v))
        else:
            out = max(out, np.linalg.norm(G[j]) - alpha * l1_ratio)
    return out


def target_unit(Y, sw=None, fit_intercept=True):
    """sum_i s_i ||Y_i - Ybar||^2 / n, the unit of tol."""
    Y = np.asarray(Y, dtype=np.float64)
    n = Y.shape[0]
    s = _weights(sw, n)
    Yc = Y - s @ Y / n if fit_intercept else Y
    return np.sum(s[:, None] * Yc * Yc) / n


def alpha_max_ref(X, Y, l1_ratio, sw=None):
    Xd = _dense(X)
    n = Xd.shape[0]
    s = _weights(sw, n)
    Xc, Yc = Xd - s @ Xd / n, Y - s @ Y / n
    return np.linalg.norm(Xc.T @ (s[:, None] * Yc), axis=1).max() / (n * l1_ratio)


# ---------------------------------------------------------------------------
# agreement with scikit-learn and with the optimality conditions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(l1_ratio, fit_intercept):
    X, Y = make_multitask()
    alpha = 0.2 * alpha_max_ref(X, Y, l1_ratio)
    ours = penalized.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio,
                                         fit_intercept=fit_intercept, tol=1e-12,
                                         max_iter=100000).fit(X, Y)
    ref = SkMTEN(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-14,
                 max_iter=1000000).fit(X, Y)
    f_ours = mt_objective(X, Y, ours.coef_, ours.intercept_, alpha, l1_ratio)
    f_ref = mt_objective(X, Y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert f_ours <= f_ref * (1 + 1e-7)
    assert abs(f_ours - f_ref) <= 1e-7 * f_ref
    assert ours.coef_.shape == ref.coef_.shape == (Y.shape[1], X.shape[1])
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_array_equal(np.any(ours.coef_ != 0, axis=0), np.any(ref.coef_ != 0, axis=0))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("weighted", [False, True])
def test_kkt_conditions(sparse, l1_ratio, weighted):
    X, Y = make_multitask(n=50, p=80, T=4, density=0.3 if sparse else None, seed=1)
    sw = np.random.default_rng(2).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = 0.1 * alpha_max_ref(X, Y, l1_ratio, sw)
    m = penalized.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12,
                                      max_iter=100000).fit(X, Y, sample_weight=sw)
    assert np.any(m.coef_ != 0) and not np.all(m.coef_ != 0)
    scale = np.abs(_dense(X)).max() * np.abs(Y).max()
    assert mt_kkt_violation(X, Y, m.coef_, alpha, l1_ratio, sw) <= 1e-6 * scale
    # rows are all zero or all non-zero (generic data)
    assert np.array_equal(np.any(m.coef_ != 0, axis=0), np.all(m.coef_ != 0, axis=0))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_bounds_suboptimality(l1_ratio):
    X, Y = make_multitask(n=40, p=100, T=3, seed=3)
    alpha = 0.05 * alpha_max_ref(X, Y, l1_ratio)
    loose = penalized.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-3).fit(X, Y)
    tight = penalized.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13,
                                          max_iter=100000).fit(X, Y)
    f_loose = mt_objective(X, Y, loose.coef_, loose.intercept_, alpha, l1_ratio)
    f_tight = mt_objective(X, Y, tight.coef_, tight.intercept_, alpha, l1_ratio)
    assert loose.dual_gap_ <= 1e-3 * target_unit(Y)
    assert f_loose - f_tight <= loose.dual_gap_ * (1 + 1e-9) + 1e-13 * f_tight
    assert tight.dual_gap_ <= 1e-13 * target_unit(Y)


def _numpy_gap(X, Y, W, l1, l2, sw=None, fit_intercept=True):
    """Unscaled duality gap at W over all rows (no screening), numpy.

    Best of theta = scale [R; -sqrt(l2) W] feasible for the augmented group
    Lasso, and (l2 > 0) the Fenchel dual at theta = R with conjugate
    sum_j (||C_j|| - l1)_+^2 / (2 l2), C = X_c^T S R.
    """
    Xd = _dense(X)
    n = Xd.shape[0]
    s = _weights(sw, n)
    if fit_intercept:
        Xd, Y = Xd - s @ Xd / n, Y - s @ Y / n
    R = Y - Xd @ W
    C = Xd.T @ (s[:, None] * R)
    primal = 0.5 * np.sum(s[:, None] * R * R) + l1 * np.linalg.norm(W, axis=1).sum() \
        + 0.5 * l2 * np.sum(W * W)
    top = np.linalg.norm(C - l2 * W, axis=1).max()
    t = min(1.0, l1 / top)
    rr, ry = np.sum(s[:, None] * R * R), np.sum(s[:, None] * R * Y)
    dual = t * ry - 0.5 * t * t * (rr + l2 * np.sum(W * W))
    if l2 > 0:
        excess = np.maximum(np.linalg.norm(C, axis=1) - l1, 0.0)
        dual = max(dual, ry - 0.5 * rr - np.sum(excess ** 2) / (2 * l2))
    return primal - dual


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_native_solver_gap_and_residual(storage, l1_ratio):
    X, Y = make_multitask(n=50, p=60, T=3, density=0.4 if storage == "csc" else None, seed=4)
    if storage == "dense":
        X = np.asfortranarray(X)
    n, p, T = X.shape[0], X.shape[1], Y.shape[1]
    sw = np.random.default_rng(5).uniform(0.5, 2.0, n)
    sw *= n / sw.sum()
    design = Design(X, sw, True)
    Yf = np.asfortranarray(Y)
    Yc = Y - sw @ Y / n
    l1 = n * 0.1 * alpha_max_ref(X, Y, 1.0, sw) * l1_ratio
    l2 = l1 * (1 - l1_ratio) / l1_ratio
    yy = np.sum(sw[:, None] * Yc * Yc)
    W = np.zeros((p, T))
    R = np.asfortranarray(Yc.copy())
    info = multitask_enet_solve(design, W, R, Yf, l1, l2, tol_abs=1e-12 * yy, max_epochs=10**5)
    assert info["gap"] <= 1e-12 * yy
    Xd = _dense(X)
    Xc = Xd - sw @ Xd / n
    np.testing.assert_allclose(R, Yc - Xc @ W, atol=1e-10 * np.abs(Yc).max())
    primal = (0.5 * np.sum(sw[:, None] * R * R) + l1 * np.linalg.norm(W, axis=1).sum()
              + 0.5 * l2 * np.sum(W * W))
    np.testing.assert_allclose(info["primal"], primal, rtol=1e-12)
    # an independent gap over every row (no screening) is as small
    assert _numpy_gap(X, Y, W, l1, l2, sw) <= 1e-9 * yy
    if l1_ratio == 1.0:
        # without Anderson acceleration the solve is long enough for screening to act
        W = np.zeros((p, T))
        R = np.asfortranarray(Yc.copy())
        info = multitask_enet_solve(design, W, R, Yf, l1, l2, tol_abs=1e-12 * yy,
                                    max_epochs=10**5, extrapolate=False)
        assert info["n_screened"] > 0


def test_screening_and_working_sets_do_not_change_the_solution():
    X, Y = make_multitask(n=40, p=120, T=2, seed=6)
    X = np.asfortranarray(X)
    n, p, T = X.shape[0], X.shape[1], Y.shape[1]
    design = Design(X, None, True)
    Yc = Y - Y.mean(0)
    yy = np.sum(Yc * Yc)
    l1 = n * 0.05 * alpha_max_ref(X, Y, 1.0)
    sols = []
    for screening, ws in [(True, True), (False, False), (True, False), (False, True)]:
        W = np.zeros((p, T))
        R = np.asfortranarray(Yc.copy())
        info = multitask_enet_solve(design, W, R, np.asfortranarray(Y), l1, 0.0,
                                    tol_abs=1e-14 * yy, max_epochs=10**6,
                                    screening=screening, working_set=ws)
        assert info["gap"] <= 1e-14 * yy
        sols.append(W)
    for W in sols[1:]:
        np.testing.assert_allclose(W, sols[0], atol=1e-7)


# ---------------------------------------------------------------------------
# storage, dtype, weights, single task
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(50, 30, 3), (30, 80, 2)])
def test_sparse_equals_dense_equals_c_order(fit_intercept, weighted, shape):
    n, p, T = shape
    Xs, Y = make_multitask(n=n, p=p, T=T, density=0.3, seed=7)
    Xd = Xs.toarray()
    sw = np.random.default_rng(8).uniform(0.1, 2.0, n) if weighted else None
    kw = dict(alpha=0.1 * alpha_max_ref(Xd, Y, 0.8, sw), l1_ratio=0.8,
              fit_intercept=fit_intercept, tol=1e-12, max_iter=100000)
    fits = [penalized.MultiTaskElasticNet(**kw).fit(X, Y, sample_weight=sw)
            for X in (Xs, np.asfortranarray(Xd), np.ascontiguousarray(Xd), Xs.tocsr())]
    # the storages round differently, so the accelerated trajectories part at rounding
    # level; each is certified to tol 1e-12
    for m in fits[1:]:
        np.testing.assert_allclose(m.coef_, fits[0].coef_, atol=1e-7)
        np.testing.assert_allclose(m.intercept_, fits[0].intercept_, atol=1e-7)


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_close_to_float64(sparse):
    X, Y = make_multitask(n=60, p=30, T=3, density=0.5 if sparse else None, seed=9)
    alpha = 0.1 * alpha_max_ref(X, Y, 1.0)
    m64 = penalized.MultiTaskLasso(alpha=alpha, tol=1e-10, max_iter=100000).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m32 = penalized.MultiTaskLasso(alpha=alpha, tol=1e-6, max_iter=100000).fit(
            X.astype(np.float32), Y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    assert m32.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, atol=2e-3 * np.abs(m64.coef_).max())
    np.testing.assert_allclose(m32.intercept_, m64.intercept_, atol=2e-3 * np.abs(Y).max())


@pytest.mark.parametrize("sparse", [False, True])
def test_sample_weights_equal_repeated_rows(sparse):
    X, Y = make_multitask(n=30, p=20, T=2, density=0.5 if sparse else None, seed=10)
    reps = np.random.default_rng(11).integers(0, 4, X.shape[0])
    reps[0] = 1
    Xr = X[np.repeat(np.arange(X.shape[0]), reps)]
    Yr = np.repeat(Y, reps, axis=0)
    kw = dict(alpha=0.05, l1_ratio=0.7, tol=1e-13, max_iter=100000)
    a = penalized.MultiTaskElasticNet(**kw).fit(X, Y, sample_weight=reps.astype(float))
    b = penalized.MultiTaskElasticNet(**kw).fit(Xr, Yr)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_single_task_equals_elastic_net(sparse, l1_ratio):
    X, Y = make_multitask(n=50, p=40, T=1, density=0.4 if sparse else None, seed=12)
    sw = np.random.default_rng(13).uniform(0.5, 2.0, X.shape[0])
    alpha = 0.05 * alpha_max_ref(X, Y, l1_ratio, sw)
    mt = penalized.MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13,
                                       max_iter=100000).fit(X, Y, sample_weight=sw)
    st = penalized.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13, max_iter=100000,
                              precompute=False).fit(X, Y[:, 0], sample_weight=sw)
    # two different solvers, each certified: objectives within the sum of the gaps,
    # coefficients as close as that allows
    s = sw * X.shape[0] / sw.sum()
    Xd = _dense(X)

    def objective(w, b):
        r = Y[:, 0] - Xd @ w - b
        return (0.5 * np.sum(s * r * r) / len(s) + alpha * l1_ratio * np.abs(w).sum()
                + 0.5 * alpha * (1 - l1_ratio) * w @ w)

    f_mt, f_st = objective(mt.coef_[0], mt.intercept_[0]), objective(st.coef_, st.intercept_)
    assert abs(f_mt - f_st) <= mt.dual_gap_ + st.dual_gap_ + 1e-14
    np.testing.assert_allclose(mt.coef_[0], st.coef_, atol=1e-6)
    np.testing.assert_allclose(mt.intercept_[0], st.intercept_, atol=1e-6)


# ---------------------------------------------------------------------------
# path and CV
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_path_certified_and_alpha_max(sparse, l1_ratio):
    X, Y = make_multitask(n=40, p=60, T=3, density=0.4 if sparse else None, seed=14)
    tol = 1e-8
    alphas, coefs, gaps, n_iter = penalized.multitask_enet_path(
        X, Y, l1_ratio=l1_ratio, alphas=15, eps=1e-2, fit_intercept=True, tol=tol,
        max_iter=100000, return_n_iter=True)
    assert coefs.shape == (Y.shape[1], X.shape[1], 15)
    np.testing.assert_allclose(alphas[0], alpha_max_ref(X, Y, l1_ratio), rtol=1e-10)
    assert np.all(coefs[:, :, 0] == 0) and gaps[0] == 0.0
    assert np.all(gaps <= tol * target_unit(Y))
    assert np.any(coefs[:, :, 1] != 0)
    # each point is the solution at its alpha
    for k in (3, 14):
        viol = mt_kkt_violation(X, Y, coefs[:, :, k], alphas[k], l1_ratio)
        assert viol <= 1e-5 * np.abs(_dense(X)).max() * np.abs(Y).max()
    # just below alpha_max a row enters
    a, c, _ = penalized.multitask_enet_path(X, Y, l1_ratio=l1_ratio, fit_intercept=True,
                                            alphas=[alphas[0] * (1 - 1e-3)], tol=1e-10)
    assert np.count_nonzero(np.any(c[:, :, 0] != 0, axis=0)) >= 1


def test_lasso_path_matches_estimator_and_no_intercept_default():
    X, Y = make_multitask(n=40, p=30, T=2, seed=15)
    alphas, coefs, gaps = penalized.multitask_lasso_path(X, Y, alphas=5, tol=1e-12,
                                                         max_iter=100000)
    m = penalized.MultiTaskLasso(alpha=alphas[-1], fit_intercept=False, tol=1e-12,
                                 max_iter=100000).fit(X, Y)
    np.testing.assert_allclose(coefs[:, :, -1], m.coef_, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_cv_matches_brute_force(sparse):
    X, Y = make_multitask(n=60, p=25, T=3, density=0.5 if sparse else None, seed=16)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    cv = penalized.MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], alphas=8, cv=folds, tol=1e-12,
                                         max_iter=100000).fit(X, Y)
    best = (np.inf, None, None)
    for i, r in enumerate([0.5, 1.0]):
        for k, a in enumerate(cv.alphas_[i]):
            errs = []
            for tr, te in folds:
                m = penalized.MultiTaskElasticNet(alpha=a, l1_ratio=r, tol=1e-12,
                                                  max_iter=100000).fit(X[tr], Y[tr])
                errs.append(np.mean((m.predict(X[te]) - Y[te]) ** 2))
            # both solves are certified to a gap of 1e-12: coefficients to ~1e-6
            np.testing.assert_allclose(cv.mse_path_[i, k], errs, rtol=1e-4)
            if np.mean(errs) < best[0]:
                best = (np.mean(errs), a, r)
    assert cv.alpha_ == best[1] and cv.l1_ratio_ == best[2]
    ref = penalized.MultiTaskElasticNet(alpha=cv.alpha_, l1_ratio=cv.l1_ratio_, tol=1e-12,
                                        max_iter=100000).fit(X, Y)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-7)
    assert cv.predict(X).shape == Y.shape


def test_lasso_cv_and_one_standard_error():
    X, Y = make_multitask(n=60, p=25, T=2, seed=17)
    cv = penalized.MultiTaskLassoCV(alphas=10, cv=3, alpha_selection="1se").fit(X, Y)
    assert cv.l1_ratio_ == 1.0 and cv.alphas_.shape == (10,) and cv.mse_path_.shape == (10, 3)
    assert cv.alpha_ == cv.alpha_1se_ >= cv.alpha_min_
    assert isinstance(cv.refit_estimator(), penalized.MultiTaskElasticNet)


# ---------------------------------------------------------------------------
# inputs, warm start, errors
# ---------------------------------------------------------------------------

class _NoDense(sp.csc_matrix):
    """A CSC matrix that refuses to be densified."""

    def toarray(self, *a, **k):
        raise AssertionError("X was densified")

    todense = toarray


def test_sparse_never_densified():
    X, Y = make_multitask(n=40, p=30, T=2, density=0.3, seed=18)
    Xn = _NoDense(X)
    m = penalized.MultiTaskLasso(alpha=0.05, tol=1e-10).fit(Xn, Y)
    ref = penalized.MultiTaskLasso(alpha=0.05, tol=1e-10).fit(X.toarray(), Y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-8)
    penalized.multitask_enet_path(Xn, Y, alphas=3, fit_intercept=True)


def test_inputs_never_modified():
    Xs, Y = make_multitask(n=40, p=20, T=2, density=0.5, seed=19)
    Xd = np.asfortranarray(Xs.toarray())
    sw = np.random.default_rng(20).uniform(0.5, 2, 40)
    copies = [Xs.copy(), Xd.copy(), Y.copy(), sw.copy()]
    for X in (Xs, Xd):
        penalized.MultiTaskElasticNet(alpha=0.05).fit(X, Y, sample_weight=sw)
        penalized.multitask_enet_path(X, Y, alphas=3, sample_weight=sw, fit_intercept=True,
                                      coef_init=np.ones((2, 20)))
        penalized.MultiTaskLassoCV(alphas=3, cv=2).fit(X, Y, sample_weight=sw)
    assert (Xs != copies[0]).nnz == 0
    np.testing.assert_array_equal(Xd, copies[1])
    np.testing.assert_array_equal(Y, copies[2])
    np.testing.assert_array_equal(sw, copies[3])


def test_warm_start_and_convergence_warning():
    X, Y = make_multitask(n=40, p=60, T=3, seed=21)
    m = penalized.MultiTaskLasso(alpha=0.02, tol=1e-10, max_iter=100000, warm_start=True)
    m.fit(X, Y)
    first = m.n_iter_
    coef = m.coef_.copy()
    m.fit(X, Y)
    assert m.n_iter_ < first
    np.testing.assert_allclose(m.coef_, coef, atol=1e-8)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        penalized.MultiTaskLasso(alpha=0.001, tol=1e-14, max_iter=2).fit(X, Y)


def test_errors_name_the_argument():
    X, Y = make_multitask(n=20, p=5, T=2, seed=22)
    with pytest.raises(ValueError, match=r"y must be 2-D.*penalized.Lasso"):
        penalized.MultiTaskLasso().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match=r"y must be 2-D"):
        penalized.multitask_lasso_path(X, Y[:, 0])
    Yn = Y.copy()
    Yn[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"\by\b.*NaN|NaN.*\by\b"):
        penalized.MultiTaskElasticNet().fit(X, Yn)
    Xn = X.copy()
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"\bX\b"):
        penalized.MultiTaskElasticNet().fit(Xn, Y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        penalized.MultiTaskElasticNet().fit(X, Y[:-1])
    with pytest.raises(ValueError, match="sample_weight"):
        penalized.MultiTaskElasticNet().fit(X, Y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="alpha"):
        penalized.MultiTaskLasso(alpha=0.0).fit(X, Y)
    with pytest.raises(ValueError, match="l1_ratio"):
        penalized.MultiTaskElasticNet(l1_ratio=1.5).fit(X, Y)
    m = penalized.MultiTaskLasso(alpha=0.01).fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :3])


def test_pure_l2_with_explicit_alpha_matches_sklearn():
    X, Y = make_multitask(n=40, p=10, T=2, seed=23)
    ours = penalized.MultiTaskElasticNet(alpha=0.3, l1_ratio=0.0, tol=1e-12,
                                         max_iter=100000).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SkMTEN(alpha=0.3, l1_ratio=0.0, tol=1e-14, max_iter=1000000).fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_stops_a_long_multitask_fit():
    code = textwrap.dedent("""
        import signal, sys
        import numpy as np
        import penalized
        signal.signal(signal.SIGINT, signal.default_int_handler)
        rng = np.random.default_rng(0)
        X = np.asfortranarray(rng.standard_normal((400, 3000)))
        Y = X[:, :300] @ rng.standard_normal((300, 3))
        est = penalized.MultiTaskLasso(alpha=1e-7, tol=0.0, max_iter=10**9)
        print("ready", flush=True)
        try:
            est.fit(X, Y)
        except KeyboardInterrupt:
            print("interrupted", hasattr(est, "coef_"), flush=True)
            sys.exit(0)
        sys.exit(1)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    t0 = time.perf_counter()
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert out.strip() == "interrupted False"
    assert time.perf_counter() - t0 < 5.0
