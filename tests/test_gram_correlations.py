"""Correlations of the outer gap checks from Gram columns (_native/gram_corr.pxi).

A tall CSC float64 path without an intercept takes its certifying checks'
correlations from q - G[:, S] w_S.  Checked here: the cache is really used, the
returned gap bounds the suboptimality recomputed in numpy (against a tight
reference solution), including where q_j and (G w)_j cancel (large
coefficients on nearly collinear columns), and the solutions agree with the
solver without the cache.
"""
import numpy as np
import pytest
import scipy.sparse as sp

from penalized._core import Design, GramCorrelations, enet_solve
from penalized.solvers import lasso_path


def _tall(n=3000, p=60, density=0.05, seed=0, collinear=False):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed)
    X.data += 0.5
    if collinear:
        # column 1 = column 0 plus a tiny perturbation on its own rows
        X = X.tolil()
        X[:, 1] = X[:, 0] * (1.0 + 1e-7)
        X = X.tocsc()
        X.sort_indices()
    w = np.zeros(p)
    w[:5] = rng.standard_normal(5) * 3
    y = np.asarray(X @ w).ravel() + 0.1 * rng.standard_normal(n)
    return X, y


def _primal(X, y, w, l1):
    r = y - X @ w
    return 0.5 * r @ r + l1 * np.abs(w).sum()


def _solve(X, y, l1, gram, tol_abs, w=None):
    design = Design(X, None, False)
    p = X.shape[1]
    w = np.zeros(p) if w is None else w.copy()
    res = np.ascontiguousarray(y - X @ w)
    target = np.ascontiguousarray(y, dtype=np.float64)
    gc = GramCorrelations(design, target) if gram else None
    info = enet_solve(design, w, res, target, float(y @ y), l1, 0.0, tol_abs=tol_abs,
                      max_epochs=100000, gram_corr=gc)
    return w, info, gc


@pytest.mark.parametrize("collinear", [False, True])
def test_gap_bounds_suboptimality(collinear):
    X, y = _tall(collinear=collinear)
    lmax = np.abs(X.T @ y).max()
    for frac in (0.3, 0.05, 0.005):
        l1 = frac * lmax
        ref, _, _ = _solve(X, y, l1, False, 1e-13 * (y @ y))
        w, info, gc = _solve(X, y, l1, True, 1e-9 * (y @ y))
        assert gc.stats["n_gram"] > 0
        sub = _primal(X, y, w, l1) - _primal(X, y, ref, l1)
        assert info["gap"] <= 1e-9 * (y @ y)
        assert sub <= info["gap"] + 1e-12 * (y @ y)
        assert np.abs(info["primal"] - _primal(X, y, w, l1)) <= 1e-10 * (y @ y)


def test_rounding_bound_is_counted():
    # huge coefficients (nearly collinear pair): the Gram correlations' bound e_r
    # enters the gap (the rounding part is positive), and the gap still bounds it
    X, y = _tall(collinear=True, seed=3)
    l1 = 1e-6 * np.abs(X.T @ y).max()
    w, info, gc = _solve(X, y, l1, True, 1e-12 * (y @ y))
    ref, _, _ = _solve(X, y, l1, False, 1e-14 * (y @ y))
    assert gc.stats["n_gram"] > 0
    assert info["rounding"] > 0.0
    assert _primal(X, y, w, l1) - _primal(X, y, ref, l1) <= info["gap"] + 1e-13 * (y @ y)


def test_path_uses_cache_and_matches_columns(monkeypatch):
    X, y = _tall(n=4000, p=80, seed=1)
    alphas = np.geomspace(np.abs(X.T @ y).max() / X.shape[0], 1e-3 * np.abs(X.T @ y).max()
                          / X.shape[0], 20)
    tol = 1e-10
    out = lasso_path(X, y, alphas=alphas, fit_intercept=False, tol=tol, warn=False)
    n = X.shape[0]
    # reference per alpha without the cache (direct solves, tight)
    for k, a in enumerate(alphas):
        w = np.asarray(out.coefs)[:, k]
        ref, _, _ = _solve(X, y, n * a, False, 1e-14 * (y @ y))
        sub = (_primal(X, y, w, n * a) - _primal(X, y, ref, n * a)) / n
        assert sub <= out.dual_gaps[k] + 1e-14 * (y @ y) / n
        assert out.dual_gaps[k] <= tol * (y @ y) / n
    # without the cache: the same solutions to the certified accuracy, more passes
    from penalized._enet import LeastSquaresProblem
    monkeypatch.setattr(LeastSquaresProblem, "gram_correlations", lambda self, t: None)
    plain = lasso_path(X, y, alphas=alphas, fit_intercept=False, tol=tol, warn=False)
    F = [_primal(X, y, np.asarray(c.coefs)[:, k], n * a) / n
         for c in (out, plain) for k, a in enumerate(alphas)]
    F = np.reshape(F, (2, -1))
    assert np.all(np.abs(F[0] - F[1]) <= out.dual_gaps + plain.dual_gaps + 1e-15)
    assert out.work["full_passes"].sum() < plain.work["full_passes"].sum()


def test_rejects_other_target_or_design():
    X, y = _tall(n=500, p=20)
    design = Design(X, None, False)
    target = np.ascontiguousarray(y)
    gc = GramCorrelations(design, target)
    w, res = np.zeros(20), target.copy()
    with pytest.raises(ValueError):
        enet_solve(design, w, res, target.copy(), float(y @ y), 1.0, 0.0, gram_corr=gc)
    with pytest.raises(ValueError):
        enet_solve(Design(X, None, False), w, res, target, float(y @ y), 1.0, 0.0,
                   gram_corr=gc)
    with pytest.raises(ValueError):
        GramCorrelations(Design(X, None, True), target)
