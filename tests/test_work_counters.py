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


def test_counters_count_the_certificate_and_extrapolation_points():
    # the same problem with a carried-in certificate: each outer check also
    # evaluates it (one more pass) unless it is the iterate itself
    rng = np.random.default_rng(1)
    X, col_entries = _orthogonal_csc(rng)
    n, p = X.shape
    y = np.asarray(X @ rng.standard_normal(p)).ravel()
    l1 = float(np.median(np.abs(X.T @ y)))
    d = Design(X)
    w, res = np.zeros(p), y.copy()
    cert_res, cert_w = np.empty(n), np.zeros(p)
    # certificate from a cold solve at a larger penalty
    enet_solve(d, w, res, y, float(y @ y), 1.5 * l1, 0.0, tol_abs=1e-10 * float(y @ y),
               cert_res=cert_res, cert_w=cert_w, has_cert=False, **PLAIN)
    w_prev = w.copy()
    w[:] = 0.0                               # restart from 0: cert_w != w
    res[:] = y
    info = enet_solve(d, w, res, y, float(y @ y), l1, 0.0, tol_abs=1e-10 * float(y @ y),
                      cert_res=cert_res, cert_w=cert_w, has_cert=True, **PLAIN)
    assert np.any(w_prev != 0)
    total = float(col_entries.sum())
    assert info["n_epochs"] == 1 and info["n_outer"] == 1
    # two outer checks, each with the iterate's point and the certificate's
    assert info["n_full"] == 4
    assert info["full_entries"] == 4 * total


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
