"""The native proximal Newton driver (_native/prox_newton.pxi, glm.pxi) behind binary logistic regression.

The estimator-level tests (test_logistic.py) check optima against independent
references; these exercise the native driver's own branches: index widths, the
column copy of each working set, warm starts on constant columns, the gap-safe
screening and the direct entry point's argument checks.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import logistic_kkt_violation, logistic_objective, make_classification

import penalized
from penalized._core import Design, logistic_binary_solve
from penalized._logistic import LogisticProblem


def _alpha_max(X, y, fit_intercept=True):
    return LogisticProblem(penalized.linear_model.check_X(X), y, None,
                           fit_intercept).alpha_max(1.0)


def test_int64_indices_equal_int32():
    X, y = make_classification(n=120, p=300, density=0.05, seed=11)
    alpha = 0.05 * _alpha_max(X, y)
    X64 = X.copy()
    X64.indices = X64.indices.astype(np.int64)
    X64.indptr = X64.indptr.astype(np.int64)
    a = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(X, y)
    b = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(X64, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_[0] == b.intercept_[0]


@pytest.mark.parametrize("density", [None, 0.2])
def test_warm_start_on_a_constant_column(density):
    """A non-zero start on a column with no variance (after centring) is removed exactly."""
    X, y = make_classification(n=80, p=20, density=density, seed=12)
    X = X.tolil() if sp.issparse(X) else X.copy()
    X[:, 3] = 2.5                                   # constant: centred norm 0
    X = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
    alpha = 0.1 * _alpha_max(X, y)
    start = np.zeros(20)
    start[3], start[0] = 4.0, -1.0
    _, warm, b_warm, gaps = penalized.logistic_path(X, y, alphas=[alpha], coef_init=start,
                                                    tol=1e-12)
    cold = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(X, y)
    assert warm[3, 0] == 0.0
    f_warm = logistic_objective(X, y, warm[:, 0], b_warm[0], alpha, 1.0)
    f_cold = logistic_objective(X, y, cold.coef_[0], cold.intercept_[0], alpha, 1.0)
    assert abs(f_warm - f_cold) <= 1e-10 * f_cold
    assert logistic_kkt_violation(X, y, warm[:, 0], b_warm[0], alpha, 1.0) < 1e-7


@pytest.mark.parametrize("tol_rel", [1e-2, 1e-12])
def test_screening_is_safe(tol_rel):
    """Screened features are dropped for good: the result must still satisfy the
    optimality conditions of every feature (checked in numpy) at a tight tol, and be
    within the reported gap of the optimum at a loose one."""
    X, y = make_classification(n=150, p=2000, seed=13)
    alpha = 0.2 * _alpha_max(X, y)
    n = X.shape[0]
    design = Design(np.asfortranarray(X), None, True)
    w, b = np.zeros(2000), np.array([np.log(np.mean(y > 0) / np.mean(y < 0))])
    eta = np.full(n, b[0])
    info = logistic_binary_solve(design, w, b, eta, y, np.ones(n), n * alpha, 0.0,
                                 tol_abs=tol_rel * n)
    if tol_rel < 1e-6:
        assert info["n_screened"] > 0      # the test below then covers screened features
    np.testing.assert_allclose(eta, X @ w + b[0], rtol=0, atol=1e-10)   # eta stays X w + b
    tight = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-13).fit(X, y)
    f = logistic_objective(X, y, w, b[0], alpha, 1.0)
    f_opt = logistic_objective(X, y, tight.coef_[0], tight.intercept_[0], alpha, 1.0)
    assert -1e-12 <= f - f_opt <= info["gap"] / n + 1e-12
    if tol_rel < 1e-6:
        assert logistic_kkt_violation(X, y, w, b[0], alpha, 1.0) < 1e-7


def test_float32_sparse_path_close_to_float64():
    X, y = make_classification(n=100, p=200, density=0.1, seed=14)
    alphas = np.geomspace(1.0, 0.02, 10) * _alpha_max(X, y)
    _, c64, b64, _ = penalized.logistic_path(X, y, alphas=alphas, tol=1e-10)
    _, c32, b32, g32 = penalized.logistic_path(X.astype(np.float32), y, alphas=alphas,
                                               tol=1e-6)
    assert c32.dtype == np.float32
    np.testing.assert_allclose(c32, c64, atol=2e-3)
    np.testing.assert_allclose(b32, b64, atol=2e-3)


def test_direct_entry_checks_its_arguments():
    X, y = make_classification(n=30, p=5, seed=15)
    design = Design(np.asfortranarray(X), None, True)
    ok = dict(w=np.zeros(5), b=np.zeros(1), eta=np.zeros(30), y=y, s=np.ones(30))
    with pytest.raises(ValueError, match="lengths"):
        logistic_binary_solve(design, np.zeros(4), ok["b"], ok["eta"], y, ok["s"], 1.0, 0.0,
                              1e-6)
    with pytest.raises(ValueError, match="invalid"):
        logistic_binary_solve(design, ok["w"], ok["b"], ok["eta"], y, ok["s"], -1.0, 0.0,
                              1e-6)
    weighted = Design(np.asfortranarray(X), np.ones(30), True)
    with pytest.raises(ValueError, match="without sample weights"):
        logistic_binary_solve(weighted, ok["w"], ok["b"], ok["eta"], y, ok["s"], 1.0, 0.0,
                              1e-6)
