"""The one path driver (``_path.run_path``) over every family's point solver.

Each family's problem solves its path through ``Problem.path``; the driver's own
features (sparse storage, glmnet's pmax / dfmax stops, the PathResult) must
behave the same for every family, and the certified gaps must hold up against
the numpy references of conftest.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import (enet_gap, logistic_objective, make_classification,
                      multinomial_objective)

from penalized._enet import LeastSquaresProblem, alpha_grid
from penalized._logistic import LogisticProblem
from penalized._families import LogLinkProblem
from penalized._multitask import MultiTaskProblem
from penalized._path import PathResult
from penalized._validation import check_X


def _least_squares(X, y):
    problem = LeastSquaresProblem(check_X(X), None, True, False)
    tgt = problem.target(y)
    alphas = alpha_grid(problem.alpha_max(tgt, 1.0), 12, 1e-2)
    return problem, alphas, dict(tgt=tgt, l1_ratio=1.0, tol=1e-10)


def _binomial(X, y):
    problem = LogisticProblem(check_X(X), np.where(y > 0, 1.0, -1.0), None, True)
    alphas = alpha_grid(problem.alpha_max(1.0), 10, 1e-2)
    return problem, alphas, dict(l1_ratio=1.0, tol=1e-10)


def _multinomial(X, y):
    codes = (np.arange(X.shape[0]) * 7 + (y > 0)) % 3
    Y = np.eye(3)[codes]
    problem = LogisticProblem(check_X(X), Y, None, True)
    alphas = alpha_grid(problem.alpha_max(1.0), 8, 5e-2)
    return problem, alphas, dict(l1_ratio=1.0, tol=1e-10)


def _poisson(X, y):
    counts = 2.0 * (y > 0) + (np.arange(y.size) % 3 == 0)
    problem = LogLinkProblem("poisson", check_X(X), counts, None, True)
    alphas = alpha_grid(problem.alpha_max(1.0), 8, 5e-2)
    return problem, alphas, dict(l1_ratio=1.0, tol=1e-10)


def _multitask(X, y):
    Y = np.column_stack([y, np.roll(y, 3), y[::-1]])
    problem = MultiTaskProblem(check_X(X), np.asfortranarray(Y), None, True)
    alphas = alpha_grid(problem.alpha_max(1.0), 10, 1e-2)
    return problem, alphas, dict(l1_ratio=1.0, tol=1e-10)


FAMILIES = {"least_squares": _least_squares, "binomial": _binomial,
            "multinomial": _multinomial, "poisson": _poisson, "multitask": _multitask}


def _data(sparse):
    X, y = make_classification(n=70, p=25, seed=3, density=0.3 if sparse else None)
    return X, y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_sparse_storage_equals_dense(family, sparse):
    X, y = _data(sparse)
    problem, alphas, options = FAMILIES[family](X, y)
    dense = problem.path(alphas, **options)
    stored = problem.path(alphas, return_sparse=True, **options)
    assert isinstance(dense, PathResult) and isinstance(stored, PathResult)
    assert sp.issparse(stored.coefs) and stored.coefs.format == "csc"
    shape = dense.coefs.shape[:-1]
    assert stored.coefs.shape == (int(np.prod(shape)), alphas.size)
    for k in range(alphas.size):
        column = stored.coefs[:, [k]].toarray().ravel()
        np.testing.assert_array_equal(column, dense.coefs[..., k].ravel(order="F"))
    np.testing.assert_array_equal(stored.gaps, dense.gaps)
    np.testing.assert_array_equal(stored.intercepts, dense.intercepts)
    np.testing.assert_array_equal(stored.alphas, alphas)


def _feature_rows(result, family):
    """(n_alphas, p) bool: feature j non-zero at point k (any class / task)."""
    C = result.coefs
    if family == "least_squares":
        return (C != 0).T
    if family == "multitask":                 # (T, p, n)
        return np.any(C != 0, axis=0).T
    return np.any(C != 0, axis=1).T           # (p, K, n)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_max_features_and_dfmax_truncate_the_same_path(family):
    X, y = _data(False)
    problem, alphas, options = FAMILIES[family](X, y)
    full = problem.path(alphas, **options)
    active = _feature_rows(full, family)
    # features non-zero at some point so far (max_features) / now (dfmax)
    ever = np.array([np.count_nonzero(np.any(active[:k + 1], axis=0))
                     for k in range(alphas.size)])
    now = active.sum(axis=1)
    assert now[-1] >= 3, "the test needs a path that grows"
    limit = int(now[-1]) // 2
    for key, counts in (("max_features", ever), ("dfmax", now)):
        cut = problem.path(alphas, **{key: limit}, **options)
        first_over = int(np.argmax(counts > limit))
        assert counts[first_over] > limit
        # the point crossing the limit and every later one are dropped
        assert cut.n_fitted == first_over
        np.testing.assert_array_equal(cut.alphas, alphas[:first_over])
        np.testing.assert_array_equal(cut.coefs, full.coefs[..., :first_over])
        np.testing.assert_array_equal(cut.gaps, full.gaps[:first_over])
        assert np.all(counts[:first_over] <= limit)


def test_certified_gaps_hold_against_numpy():
    """The gaps the driver returns bound the primal suboptimality recomputed in numpy."""
    X, y = _data(False)
    problem, alphas, options = _least_squares(X, y)
    out = problem.path(alphas, **options)
    for k, alpha in enumerate(alphas):
        w = out.coefs[:, k]
        gap, unit = enet_gap(X, y, w, alpha, 1.0)
        assert gap <= out.gaps[k] + 1e-12 * unit
    Xc, yc = make_classification(n=60, p=15, seed=5)
    problem, alphas, options = _binomial(Xc, yc)
    out = problem.path(alphas, **options)
    ref = problem.path(alphas, **dict(options, tol=1e-13))
    ypm = np.where(yc > 0, 1.0, -1.0)
    for k, alpha in enumerate(alphas):
        F = logistic_objective(Xc, ypm, out.coefs[:, 0, k], out.intercepts[0, k], alpha, 1.0)
        F_ref = logistic_objective(Xc, ypm, ref.coefs[:, 0, k], ref.intercepts[0, k], alpha,
                                   1.0)
        assert F - F_ref <= out.gaps[k] + 1e-13


def test_multinomial_path_objective_decreases_with_tol():
    X, y = _data(False)
    problem, alphas, options = _multinomial(X, y)
    codes = (np.arange(X.shape[0]) * 7 + (y > 0)) % 3
    loose = problem.path(alphas, **dict(options, tol=1e-3))
    tight = problem.path(alphas, **dict(options, tol=1e-12))
    for k, alpha in enumerate(alphas):
        F_loose = multinomial_objective(X, codes, loose.coefs[..., k].T, loose.intercepts[:, k],
                                        alpha, 1.0)
        F_tight = multinomial_objective(X, codes, tight.coefs[..., k].T, tight.intercepts[:, k],
                                        alpha, 1.0)
        assert 0 <= F_loose - F_tight + 1e-13 <= loose.gaps[k] + 1e-12


def test_callback_sees_every_stored_point():
    X, y = _data(True)
    problem, alphas, options = _multitask(X, y)
    seen = []
    out = problem.path(alphas, max_features=4,
                       callback=lambda k, n, a, coef, gap: seen.append((k, a, gap)),
                       **options)
    assert [k for k, _, _ in seen] == list(range(out.n_fitted))
    np.testing.assert_array_equal([g for _, _, g in seen], out.gaps)
    np.testing.assert_array_equal([a for _, a, _ in seen], out.alphas)
