"""The native solver's work counters (passes over X) against closed-form counts.

On a design with orthogonal columns, exact coordinate descent solves the Lasso
in one epoch, so the work of a solve with working sets, screening,
extrapolation and Newton steps off is known exactly: an outer gap check, one
epoch, the subproblem's gap check after it, and the final outer check.  The
counts below are derived from that schedule and the columns' sizes, not read
from the solver.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from penalized._core import Design, enet_solve
from penalized._enet import LeastSquaresProblem, alpha_grid, solve_path

PLAIN = dict(screening=False, working_set=False, extrapolate=False, newton=False,
             gap_freq=1, accelerate=False)


def _orthogonal_csc(rng, n_cols=12):
    """Columns with disjoint row supports of different sizes (orthogonal columns)."""
    sizes = rng.integers(1, 6, size=n_cols)
    n = int(sizes.sum()) + 3
    rows = np.arange(sizes.sum())
    cols = np.repeat(np.arange(n_cols), sizes)
    X = sp.csc_matrix((rng.uniform(0.5, 2.0, size=rows.size), (rows, cols)), shape=(n, n_cols))
    return X, sizes


def _orthogonal_dense(rng, n=30, p=8):
    Q, _ = np.linalg.qr(rng.standard_normal((n, p)))
    return np.asfortranarray(Q * rng.uniform(0.5, 2.0, size=p)), np.full(p, n)


@pytest.mark.parametrize("kind", ["dense", "csc"])
def test_counters_match_the_one_epoch_schedule(kind):
    rng = np.random.default_rng(0)
    X, col_entries = _orthogonal_csc(rng) if kind == "csc" else _orthogonal_dense(rng)
    n, p = X.shape
    y = np.asarray(X @ rng.standard_normal(p)).ravel() + 0.01 * rng.standard_normal(n)
    corr = np.abs(np.asarray(X.T @ y).ravel())
    l1 = float(np.median(corr))            # about half the features non-zero
    d = Design(X)
    w = np.zeros(p)
    res = y.copy()
    info = enet_solve(d, w, res, y, float(y @ y), l1, 0.0, tol_abs=1e-10 * float(y @ y),
                      **PLAIN)
    # the closed-form solution: one soft-threshold per orthogonal column
    sq = np.asarray(X.multiply(X).sum(0)).ravel() if kind == "csc" else (X * X).sum(0)
    xty = np.asarray(X.T @ y).ravel()
    expected_w = np.sign(xty) * np.maximum(np.abs(xty) - l1, 0) / sq
    np.testing.assert_allclose(w, expected_w, rtol=1e-12, atol=1e-14)
    support = w != 0
    assert 0 < support.sum() < p
    total = float(col_entries.sum())
    assert info["n_epochs"] == 1 and info["n_outer"] == 1
    # outer checks before and after the epoch, each one correlation pass over all p
    assert info["n_full"] == 2
    assert info["full_cols"] == 2 * p
    assert info["full_entries"] == 2 * total
    # the epoch and the subproblem's check after it
    assert info["ws_cols"] == 2 * p
    assert info["ws_entries"] == 2 * total
    # the epoch's updates (the support's columns) and the final check's recomputation
    # of r from w (the same columns; the first check's w was 0)
    assert info["axpy_entries"] == 2 * float(col_entries[support].sum())


def _cert_problem(seed):
    rng = np.random.default_rng(seed)
    X, col_entries = _orthogonal_csc(rng)
    y = np.asarray(X @ rng.standard_normal(X.shape[1])).ravel()
    l1 = float(np.median(np.abs(X.T @ y)))
    return X, y, l1, col_entries


def _solve_twice(X, y, l1, restart):
    """A cold solve at 1.5 l1 (its certificate stored), then a solve at l1 carrying it."""
    n, p = X.shape
    d = Design(X)
    w, res = np.zeros(p), y.copy()
    cert_res, cert_w = np.empty(n), np.zeros(p)
    yy = float(y @ y)
    enet_solve(d, w, res, y, yy, 1.5 * l1, 0.0, tol_abs=1e-10 * yy,
               cert_res=cert_res, cert_w=cert_w, has_cert=False, **PLAIN)
    assert np.any(w != 0)
    w_cert = w.copy()
    if restart:
        w[:] = 0.0
        res[:] = y
    else:
        # the path's case: the certificate is the previous solution itself
        np.testing.assert_array_equal(cert_w, w)
    info = enet_solve(d, w, res, y, yy, l1, 0.0, tol_abs=1e-10 * yy,
                      cert_res=cert_res, cert_w=cert_w, has_cert=True, **PLAIN)
    return info, w, w_cert


def test_a_carried_certificate_is_read_once_per_solve():
    # restarted from 0 (certificate != iterate): the first outer check reads the
    # iterate's and the certificate's correlations, the second only the
    # iterate's (the certificate's are kept: it does not change during a solve)
    X, y, l1, entries = _cert_problem(1)
    total = float(entries.sum())
    info, w, w_cert = _solve_twice(X, y, l1, restart=True)
    assert info["n_epochs"] == 1 and info["n_outer"] == 1
    assert info["n_full"] == 3
    assert info["full_entries"] == 3 * total
    # residuals recomputed from w: the iterate's at the second check (its first
    # was w = 0), the certificate's once (float64: fixed and exact, not redone);
    # plus the epoch's updates of the support
    assert info["axpy_entries"] == (2 * entries[w != 0].sum() + entries[w_cert != 0].sum())


def test_a_certificate_equal_to_the_iterate_costs_no_pass():
    # warm start from the previous solution, whose own residual certified it:
    # the certificate's dual point is the iterate's, one pass per outer check
    X, y, l1, entries = _cert_problem(4)
    total = float(entries.sum())
    info, _, _ = _solve_twice(X, y, l1, restart=False)
    assert info["n_epochs"] == 1 and info["n_outer"] == 1
    assert info["n_full"] == 2
    assert info["full_entries"] == 2 * total


def test_path_work_is_reported_per_alpha():
    rng = np.random.default_rng(2)
    X = sp.random(60, 300, density=0.05, format="csc", random_state=3)
    y = np.asarray(X[:, :5] @ rng.standard_normal(5)).ravel() + 0.01 * rng.standard_normal(60)
    prob = LeastSquaresProblem(X, None, False, False)
    tgt = prob.target(y)
    alphas = alpha_grid(prob.alpha_max(tgt, 1.0), 10, 1e-2)
    work = {}
    coefs, gaps, n_iters, _ = solve_path(prob, tgt, alphas, l1_ratio=1.0, tol=1e-8, work=work)
    assert work["entries"] == X.nnz
    for key in ("n_full", "full_passes", "ws_passes", "passes", "n_epochs", "n_outer"):
        assert work[key].shape == (10,)
    np.testing.assert_array_equal(work["n_epochs"], n_iters)
    # every solve checks its gap at least once over every candidate
    assert np.all(work["n_full"] >= 1)
    assert np.all(work["full_passes"] > 0)
    np.testing.assert_allclose(work["passes"], work["full_passes"] + work["ws_passes"])
    # the first alpha is alpha_max: w = 0 is certified by one pass over X
    assert work["n_full"][0] == 1 and work["full_passes"][0] == 1.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_carried_correlations_are_the_returned_iterates(dtype):
    # corr_carry on exit holds x_j^T r(w) of the returned w for every feature,
    # screened ones included (checked in float64 numpy); carried into a solve
    # that starts there, its first gap check reads no column
    rng = np.random.default_rng(5)
    X = sp.random(80, 400, density=0.05, format="csc", random_state=6, dtype=dtype)
    y = (np.asarray(X[:, :6] @ rng.standard_normal(6)).ravel()
         + 0.01 * rng.standard_normal(80)).astype(dtype)
    d = Design(X)
    yy = float(y.astype(np.float64) @ y)
    l1 = 0.2 * float(np.abs(X.T @ y.astype(np.float64)).max())
    w, res = np.zeros(400, dtype=dtype), y.copy()
    carry = np.full(400, np.nan)
    tol = 1e-6 * yy if dtype == np.float64 else 1e-4 * yy
    info = enet_solve(d, w, res, y, yy, l1, 0.0, tol_abs=tol, corr_carry=carry)
    assert info["gap"] <= tol and info["carry_out"]
    assert info["n_screened"] > 0          # some correlations were filled in at the end
    Xd = X.toarray().astype(np.float64)
    r = y.astype(np.float64) - Xd @ w.astype(np.float64)
    scale = np.abs(Xd).sum(0) * np.abs(r).max() + 1e-300
    rel = 1e-12 if dtype == np.float64 else 1e-6
    assert np.all(np.abs(carry - Xd.T @ r) <= rel * scale)
    # the next alpha starts from the carried correlations
    info2 = enet_solve(d, w, res, y, yy, 0.9 * l1, 0.0, tol_abs=tol, corr_carry=carry,
                       carry_in=True, max_epochs=0)
    assert info2["n_full"] == 0 and info2["full_entries"] == 0.0
    assert not info2["carry_out"] or info2["gap"] <= tol
    # without the carry the same check costs one pass over every candidate (float32
    # too: the recomputed residual's low part is read in the same pass)
    info3 = enet_solve(d, w, res, y, yy, 0.9 * l1, 0.0, tol_abs=tol, max_epochs=0)
    assert info3["n_full"] == 1 and info3["full_entries"] == X.nnz
    assert info2["gap"] == info3["gap"]


def test_the_path_carries_its_correlations():
    # after the first alpha every solve starts from the carried correlations: its
    # first check reads only what the previous solve's last check had screened
    rng = np.random.default_rng(7)
    X = sp.random(100, 2000, density=0.02, format="csc", random_state=8)
    y = np.asarray(X[:, :8] @ rng.standard_normal(8)).ravel() + 0.01 * rng.standard_normal(100)
    prob = LeastSquaresProblem(X, None, False, False)
    tgt = prob.target(y)
    alphas = alpha_grid(prob.alpha_max(tgt, 1.0), 20, 1e-2)
    work = {}
    solve_path(prob, tgt, alphas, l1_ratio=1.0, tol=1e-8, work=work)
    # one dual point per outer check, the warm points' first check free
    assert work["n_full"][0] == 1
    np.testing.assert_array_equal(work["n_full"][1:], work["n_outer"][1:])
