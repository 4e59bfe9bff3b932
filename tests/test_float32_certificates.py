"""float32 least squares: the returned gaps, recomputed in float64 numpy, are honest
and meet tol down to the documented attainable accuracy (``tol`` of lasso_path)."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import penalized.solvers as S

# the documented attainable accuracy of float32 (relative, in tol's unit)
F32_TOL = 5e-7


def _data(kind, seed=0):
    rng = np.random.default_rng(seed)
    n, p = 400, 250
    if kind == "csc":
        X = sp.random(n, p, density=0.08, format="csc", random_state=seed,
                      data_rvs=lambda k: rng.uniform(0.1, 1.0, k))
    else:
        X = np.asfortranarray(rng.standard_normal((n, p)))
    w0 = np.zeros(p)
    w0[:30] = rng.standard_normal(30)
    y = np.asarray(X @ w0).ravel() + 0.3 * rng.standard_normal(n)
    y -= y.mean()
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    # the problem the float32 fit solves, exactly upcast
    return X32, y32, X32.astype(np.float64), y32.astype(np.float64)


def _objective_and_gap(X, y, w, alpha):
    """F(w) = ||y - Xw||^2/(2n) + alpha |w|_1 and the gap of the rescaled residual."""
    n = X.shape[0]
    r = y - np.asarray(X @ w).ravel()
    F = 0.5 * r @ r / n + alpha * np.abs(w).sum()
    c = np.abs(np.asarray(X.T @ r).ravel()).max()
    s = min(1.0, n * alpha / c) if c > 0 else 1.0
    D = (s * r @ y - 0.5 * s * s * r @ r) / n
    return F, F - D


@pytest.mark.parametrize("kind", ["csc", "dense"])
@pytest.mark.parametrize("tol", [1e-4, F32_TOL])
def test_float32_path_gap_is_honest_and_certified(kind, tol):
    X32, y32, X, y = _data(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # certified: no ConvergenceWarning
        path = S.lasso_path(X32, y32, n_alphas=30, eps=1e-3, fit_intercept=False, tol=tol)
    ref = S.lasso_path(X, y, alphas=path.alphas, fit_intercept=False, tol=1e-14)
    assert path.coefs.dtype == np.float32
    yy = y @ y / len(y)
    target = tol * yy
    assert np.all(path.converged)
    for k, a in enumerate(path.alphas):
        w = path.coefs[:, k].astype(np.float64)
        F, gap64 = _objective_and_gap(X, y, w, a)
        Fs, gs = _objective_and_gap(X, y, ref.coefs[:, k], a)
        assert gs <= 1e-3 * target     # F* is known to far better than tol
        # the returned gap bounds the suboptimality (F* >= Fs - gs)
        assert F - (Fs - gs) <= path.dual_gaps[k] + 1e-13 * yy
        assert path.dual_gaps[k] <= target
        # and the iterate's own rescaled residual, in float64 numpy, certifies tol too
        assert gap64 <= target


@pytest.mark.parametrize("kind", ["csc", "dense"])
def test_float32_single_fit_reaches_float64_accuracy(kind):
    # coordinate descent runs on a float64 residual: a tight float32 fit ends within
    # the rounding of its float32 coefficients, not at float32-rounded correlations
    X32, y32, X, y = _data(kind, seed=1)
    a = np.abs(np.asarray(X.T @ y)).max() / len(y) / 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sol = S.lasso_path(X32, y32, alphas=[a], fit_intercept=False, tol=1e-8)
    ref = S.lasso_path(X, y, alphas=[a], fit_intercept=False, tol=1e-14)
    yy = y @ y / len(y)
    F, _ = _objective_and_gap(X, y, sol.coefs[:, 0].astype(np.float64), a)
    Fs, gs = _objective_and_gap(X, y, ref.coefs[:, 0], a)
    # the float64 optimum rounded to float32: the accuracy float32 storage allows
    wr = ref.coefs[:, 0].astype(np.float32).astype(np.float64)
    Fr, _ = _objective_and_gap(X, y, wr, a)
    assert F - (Fs - gs) <= sol.dual_gaps[0] + 1e-13 * yy
    assert F - Fs <= max(1e-9 * yy, 10 * (Fr - Fs))
