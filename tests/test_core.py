"""The native core directly: kernels against numpy, and every solver option at the same optimum."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from penalized._core import Design, enet_solve
from penalized._enet import LeastSquaresProblem
from penalized._validation import check_X
from conftest import enet_gap, make_regression


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("index64", [False, True])
def test_column_stats_and_correlations_match_numpy(sparse, dtype, weighted, index64):
    if index64 and not sparse:
        pytest.skip("index width only matters for CSC")
    X, _ = make_regression(n=50, p=20, density=0.3 if sparse else None, seed=0, shift=3.0)
    X = X.astype(dtype)
    if sparse and index64:
        X.indices = X.indices.astype(np.int64)
        X.indptr = X.indptr.astype(np.int64)
    Xd = X.toarray() if sparse else X
    s = np.random.default_rng(1).uniform(0.5, 2, 50) if weighted else np.ones(50)
    s = s * 50 / s.sum()
    d = Design(check_X(X), s.astype(dtype) if weighted else None, True)
    mean = s @ Xd.astype(np.float64) / 50
    Xc = Xd.astype(np.float64) - mean
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(d.x_mean, mean, rtol=rtol)
    np.testing.assert_allclose(d.col_sqnorm, (s[:, None] * Xc ** 2).sum(0), rtol=rtol)
    r = np.random.default_rng(2).standard_normal(50)
    r -= (s @ r) / 50  # centred residual
    np.testing.assert_allclose(d.correlations(r.astype(dtype)), Xc.T @ (s * r),
                               rtol=10 * rtol, atol=10 * rtol * np.abs(Xc.T @ (s * r)).max())


OPTIONS = [dict(zip(("working_set", "extrapolate", "accelerate", "newton", "screening"), v))
           for v in itertools.product([True, False], repeat=5)]


@pytest.mark.parametrize("storage", ["dense", "csc", "gram"])
@pytest.mark.parametrize("l1_ratio,positive", [(1.0, False), (0.7, False), (1.0, True)])
def test_every_option_reaches_the_certified_optimum(storage, l1_ratio, positive):
    X, y = make_regression(n=60, p=150 if storage != "gram" else 40,
                           density=0.3 if storage == "csc" else None, seed=3)
    sw = np.random.default_rng(4).uniform(0.5, 2, 60)
    sw *= 60 / sw.sum()
    prob = LeastSquaresProblem(check_X(X), sw, True, storage == "gram")
    tgt = prob.target(y)
    n = 60
    alpha = prob.alpha_max(tgt, l1_ratio, positive) / 50
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    tol = 1e-10
    sols = []
    for opts in OPTIONS:
        w = np.zeros(X.shape[1])
        res = prob.residual(tgt, w)
        cert_res, cert_w = np.empty_like(res), np.empty_like(w)
        info = enet_solve(prob.solver_design, w, res, prob.solver_target(tgt), tgt.yy, l1, l2,
                          positive=positive, tol_abs=tol * tgt.yy, max_epochs=200_000,
                          cert_res=cert_res, cert_w=cert_w, **opts)
        assert info["gap"] <= tol * tgt.yy, opts  # the solver's own certificate
        gap, unit = enet_gap(X, y, w, alpha, l1_ratio, sw, True, positive, w_cert=cert_w)
        assert gap <= tol * 2 * unit * 1.01 + 1e-13, opts
        # the residual handed back is the residual of the returned w
        np.testing.assert_allclose(res, prob.residual(tgt, w), atol=1e-8 * np.abs(res).max())
        if positive:
            assert np.all(w >= 0)
        sols.append(w.copy())
    for w in sols[1:]:
        np.testing.assert_allclose(w, sols[0], atol=1e-4 * np.abs(sols[0]).max())


def test_newton_steps_cut_epochs_on_an_ill_conditioned_problem():
    X, y = make_regression(n=50, p=400, seed=5)
    prob = LeastSquaresProblem(check_X(X), None, True, False)
    tgt = prob.target(y)
    l1 = 50 * prob.alpha_max(tgt, 1.0) / 1000
    epochs = {}
    for newton in (True, False):
        w = np.zeros(400)
        info = enet_solve(prob.design, w, prob.residual(tgt, w), tgt.y, tgt.yy, l1, 0.0,
                          tol_abs=1e-12 * tgt.yy, max_epochs=500_000, newton=newton)
        assert info["gap"] <= 1e-12 * tgt.yy
        epochs[newton] = info["n_epochs"]
        if newton:
            assert info["n_newton"] > 0
    assert epochs[True] < epochs[False]


def _numpy_objective_and_kkt(X, y, w, l1):
    """F(w) = 1/2 ||y_c - X_c w||^2 + l1 |w|_1 and the largest KKT violation, in numpy:
    max_j |x_c,j^T r| - l1 over all j, and |x_c,j^T r - l1 sign w_j| on the support."""
    Xd = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
    Xc, yc = Xd - Xd.mean(0), y - y.mean()
    r = yc - Xc @ w
    c = Xc.T @ r
    on = w != 0
    viol = max(np.abs(c).max() - l1, np.abs(c[on] - l1 * np.sign(w[on])).max(initial=0.0))
    return 0.5 * r @ r + l1 * np.abs(w).sum(), viol


@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_newton_chain_when_the_support_reaches_n(storage):
    """p >> n at alpha_max / 1e4: the iterates' supports reach n = 30 columns (the
    centred X_S^T X_S is singular from 30 on), where the Newton step works on the
    shifted factor and drops features (_chol_shifted, _chol_delete).  With and
    without Newton steps the same certified optimum; numpy's objective and KKT."""
    X, y = make_regression(n=30, p=300, density=0.5 if storage == "csc" else None, seed=11)
    prob = LeastSquaresProblem(check_X(X), None, True, False)
    tgt = prob.target(y)
    l1 = 30 * prob.alpha_max(tgt, 1.0) / 1e4
    tol = 1e-12 * tgt.yy
    out = {}
    for newton in (True, False):
        w = np.zeros(300)
        res = prob.residual(tgt, w)
        cert_w = np.empty_like(w)
        info = enet_solve(prob.design, w, res, tgt.y, tgt.yy, l1, 0.0, tol_abs=tol,
                          max_epochs=2_000_000, newton=newton, cert_res=np.empty_like(res),
                          cert_w=cert_w)
        assert info["gap"] <= tol
        F, viol = _numpy_objective_and_kkt(X, y, w, l1)
        # the certified gap bounds F - F*, and the numpy objective is the solver's
        assert abs(F - info["primal"]) <= 1e-9 * tgt.yy
        assert viol <= 1e-4 * l1
        gap, unit = enet_gap(X, y, w, l1 / 30, 1.0, w_cert=cert_w)
        assert gap <= 1e-12 * 2 * unit * 1.01 + 1e-14
        out[newton] = (F, info["n_newton"], info["n_epochs"])
    assert out[True][1] > 0
    assert abs(out[True][0] - out[False][0]) <= tol
    # (before the chained, shifted step: 0.67x the epochs dense, 0.99x CSC; now ~0.02x)
    assert out[True][2] < 0.2 * out[False][2]


@pytest.mark.parametrize("storage", ["dense", "csc", "gram"])
def test_newton_step_on_duplicated_active_columns(storage):
    """Every column of the first quarter appears twice: the supports hold both copies
    of several columns (the optimum is not unique), so X_S^T X_S is exactly singular
    on them and the plain Cholesky factor fails (before the shifted factor no Newton
    step was taken here: 14620 epochs dense, 46540 CSC, 1480 Gram).  The shifted
    step is taken, and the fit is certified (numpy gap, objective and KKT)."""
    n, p = (60, 40) if storage == "gram" else (30, 300)
    X, y = make_regression(n=n, p=p, density=0.5 if storage == "csc" else None, seed=11)
    X = X.toarray() if storage == "csc" else X
    X = np.hstack([X, X[:, :p // 4]])
    X = sp.csc_matrix(X) if storage == "csc" else np.asfortranarray(X)
    prob = LeastSquaresProblem(check_X(X), None, True, storage == "gram")
    tgt = prob.target(y)
    l1 = n * prob.alpha_max(tgt, 1.0) / 1e4
    tol = 1e-12 * tgt.yy
    epochs = {}
    for newton in (True, False):
        w = np.zeros(X.shape[1])
        res = prob.residual(tgt, w)
        cert_w = np.empty_like(w)
        info = enet_solve(prob.solver_design, w, res, prob.solver_target(tgt), tgt.yy, l1,
                          0.0, tol_abs=tol, max_epochs=2_000_000, newton=newton,
                          cert_res=np.empty_like(res), cert_w=cert_w)
        assert info["gap"] <= tol
        F, viol = _numpy_objective_and_kkt(X, y, w, l1)
        assert abs(F - info["primal"]) <= 1e-9 * tgt.yy
        assert viol <= 1e-4 * l1
        gap, unit = enet_gap(X, y, w, l1 / n, 1.0, w_cert=cert_w)
        assert gap <= 1e-12 * 2 * unit * 1.01 + 1e-14
        epochs[newton] = info["n_epochs"]
        if newton:
            assert info["n_newton"] > 0
            # both copies of some column are non-zero: the singular case was met
            assert np.any((w[:p // 4] != 0) & (w[p:] != 0))
    assert epochs[True] < 0.2 * epochs[False]


def test_solver_rejects_mismatched_arrays():
    X, y = make_regression(n=20, p=5, seed=6)
    d = Design(np.asfortranarray(X), None, False)
    with pytest.raises(ValueError, match="lengths"):
        enet_solve(d, np.zeros(4), y.copy(), y, 1.0, 1.0, 0.0)
    with pytest.raises(TypeError, match="dtype"):
        enet_solve(d, np.zeros(5, np.float32), y.astype(np.float32), y.astype(np.float32),
                   1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="non-negative"):
        enet_solve(d, np.zeros(5), y.copy(), y, 1.0, -1.0, 0.0)


def test_gap_is_accurate_when_the_residual_is_huge():
    """The gap is formed from vanishing terms, not as F - D of two numbers ~ r.r / 2.

    Here r.r / 2 ~ 2.5e10: the plain difference would be rounding noise of ~1e-4
    (even negative), far above the gap; a Newton step's model of a large-n logistic
    loss is in this regime.  Reference: the same terms in extended precision.
    (Epochs are capped: over thousands of epochs the incrementally updated
    residual drifts by ~1e-16 relative, which alone moves this gap by ~1e-5.)
    """
    rng = np.random.default_rng(0)
    n, p = 50000, 3
    X = np.asfortranarray(rng.standard_normal((n, p)))
    y = X @ np.array([1.0, -2.0, 0.5]) + 1e3 * rng.standard_normal(n)
    l1 = 0.5 * np.abs(X.T @ y).max()
    w, res = np.zeros(p), y.copy()
    info = enet_solve(Design(X, None, False), w, res, y, float(y @ y), l1, 0.0,
                      tol_abs=1e-30, max_epochs=50)
    r = (y - X @ w).astype(np.longdouble)
    c = X.T.astype(np.longdouble) @ r
    t = min(1.0, l1 / float(np.abs(c).max()))
    ref = 0.5 * (1 - t) ** 2 * np.sum(r * r) + l1 * np.abs(w).sum() - t * (w @ c)
    assert info["primal"] > 1e10
    assert info["gap"] >= -1e-7
    assert abs(info["gap"] - float(ref)) < 1e-7
