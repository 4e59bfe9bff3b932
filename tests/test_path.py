"""Regularization paths: grid, certified gaps at every point, warm starts."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm

import penalized
from penalized._enet import LeastSquaresProblem, solve_path
from penalized._validation import check_X
from conftest import enet_gap, enet_objective, load_shared, make_regression


def certified_path(X, y, alphas, l1_ratio, tol, max_iter=20_000):
    """Path plus the library's dual certificates (same computation as enet_path)."""
    problem = LeastSquaresProblem(check_X(X), None, True, "auto")
    coefs, gaps, _, _, certs = solve_path(problem, problem.target(y), alphas,
                                          l1_ratio=l1_ratio, tol=tol, max_iter=max_iter,
                                          return_certificate=True)
    return coefs, gaps, certs


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_every_path_point_meets_its_gap(sparse, l1_ratio):
    X, y = make_regression(n=100, p=150, density=0.2 if sparse else None, seed=0)
    tol = 1e-8
    alphas, coefs, gaps = penalized.enet_path(X, y, l1_ratio=l1_ratio, alphas=30,
                                              eps=1e-3, tol=tol, fit_intercept=True,
                                              max_iter=20_000)
    assert alphas.shape == (30,) and coefs.shape == (150, 30) and gaps.shape == (30,)
    assert np.all(np.diff(alphas) < 0)
    coefs2, gaps2, certs = certified_path(X, y, alphas, l1_ratio, tol)
    np.testing.assert_array_equal(coefs, coefs2)
    for k, a in enumerate(alphas):
        gap, unit = enet_gap(X, y, coefs[:, k], a, l1_ratio, w_cert=certs[:, k])
        assert gap <= tol * unit * 1.01 + 1e-14
        assert gaps[k] <= tol * unit * 1.0001
    # alpha_max: first point is exactly zero, next one is not
    assert np.all(coefs[:, 0] == 0)
    assert np.count_nonzero(coefs[:, 1]) > 0


def test_matches_sklearn_lasso_path_on_centered_data():
    X, y = make_regression(n=80, p=60, seed=1)
    Xc, yc = X - X.mean(0), y - y.mean()
    ours = penalized.lasso_path(Xc, yc, alphas=20, tol=1e-12, max_iter=100_000)
    ref = sklm.lasso_path(Xc, yc, alphas=ours[0], tol=1e-14, max_iter=200_000)
    np.testing.assert_allclose(ours[0], ref[0])
    for k, a in enumerate(ours[0]):
        p1 = enet_objective(Xc, yc, ours[1][:, k], 0, a, 1.0)
        p2 = enet_objective(Xc, yc, ref[1][:, k], 0, a, 1.0)
        assert p1 <= p2 * (1 + 1e-9) + 1e-15


def test_path_is_warm_started():
    """Total epochs along the path are fewer than cold fits at the same alphas."""
    X, y = make_regression(n=100, p=300, seed=2)
    alphas, _, _, n_iters = penalized.lasso_path(X, y, alphas=25, tol=1e-8,
                                                 fit_intercept=True, return_n_iter=True)
    cold = sum(penalized.Lasso(alpha=a, tol=1e-8).fit(X, y).n_iter_ for a in alphas)
    assert n_iters.sum() < cold


def test_explicit_alphas_are_sorted_decreasing_and_int_alphas_is_a_count():
    X, y = make_regression(n=40, p=20, seed=3)
    alphas, coefs, _ = penalized.lasso_path(X, y, alphas=[0.01, 0.5, 0.1])
    np.testing.assert_array_equal(alphas, [0.5, 0.1, 0.01])
    alphas, coefs, _ = penalized.lasso_path(X, y, alphas=7)
    assert alphas.shape == (7,)


def test_coef_init_and_positive():
    X, y = make_regression(n=60, p=40, seed=4)
    alphas, coefs, _ = penalized.lasso_path(X, y, alphas=5, positive=True, tol=1e-10)
    assert np.all(coefs >= 0)
    a2, c2, _ = penalized.lasso_path(X, y, alphas=alphas[-1:], coef_init=coefs[:, -1],
                                     positive=True, tol=1e-10, return_n_iter=False)
    np.testing.assert_allclose(c2[:, 0], coefs[:, -1], atol=1e-8)


def test_2d_y_path_is_the_multitask_path():
    # scikit-learn's enet_path / lasso_path read a 2-D y as the multi-task penalty
    X, y = make_regression(n=30, p=10, seed=5)
    Y = np.c_[y, y[::-1]]
    for path, mt, kw in [(penalized.lasso_path, penalized.multitask_lasso_path, {}),
                         (penalized.enet_path, penalized.multitask_enet_path,
                          dict(l1_ratio=0.3, fit_intercept=True))]:
        a, c, g, n = path(X, Y, alphas=6, tol=1e-10, return_n_iter=True, **kw)
        a2, c2, g2 = mt(X, Y, alphas=6, tol=1e-10, **kw)
        assert c.shape == (2, 10, 6)
        np.testing.assert_allclose(a, a2)
        np.testing.assert_allclose(c, c2, rtol=1e-12, atol=1e-14)
        # not two independent single-task paths: the row penalty couples the targets
        single = path(X, Y[:, 0], alphas=a, tol=1e-10, **kw)[1]
        assert not np.allclose(c[0], single, atol=1e-6)
    with pytest.raises(ValueError, match="positive=True is not allowed for multi-output"):
        penalized.lasso_path(X, Y, positive=True)
    with pytest.raises(ValueError, match="lower_bounds is not supported with a 2-D y"):
        penalized.lasso_path(X, Y, lower_bounds=-1.0)
    # the multi-task path's per-feature options pass through
    pf = np.r_[0.0, np.linspace(0.5, 2.0, 9)]
    kw = dict(alphas=4, tol=1e-10, penalty_factor=pf, exclude=[3], standardize=True)
    np.testing.assert_array_equal(penalized.lasso_path(X, Y, **kw)[1],
                                  penalized.multitask_lasso_path(X, Y, **kw)[1])


def test_gram_mode_path_equals_data_mode():
    X, y = make_regression(n=400, p=30, seed=6)
    a1, c1, g1 = penalized.enet_path(X, y, precompute=False, alphas=15, tol=1e-12,
                                     fit_intercept=True)
    a2, c2, g2 = penalized.enet_path(X, y, precompute=True, alphas=15, tol=1e-12,
                                     fit_intercept=True)
    np.testing.assert_allclose(c1, c2, atol=1e-8)
    gram = (X - X.mean(0)).T @ (X - X.mean(0))
    a3, c3, _ = penalized.enet_path(X, y, precompute=gram, alphas=15, tol=1e-12,
                                    fit_intercept=True)
    np.testing.assert_allclose(c1, c3, atol=1e-8)
    with pytest.raises(ValueError, match="does not match"):
        penalized.enet_path(X, y, precompute=gram * 1.5, fit_intercept=True)


@pytest.mark.parametrize("name", ["riboflavin", "congress109", "we8there"])
def test_real_data_path_certified(name):
    X, y = load_shared(name)
    if not sp.issparse(X):
        X = (X - X.mean(0)) / np.maximum(X.std(0), 1e-12)
    alphas, coefs, gaps = penalized.lasso_path(X, y, alphas=20, eps=1e-2, tol=1e-6,
                                               fit_intercept=True, max_iter=20_000)
    coefs, _, certs = certified_path(X, y, alphas, 1.0, 1e-6)
    for k in (0, 9, 19):
        gap, unit = enet_gap(X, y, coefs[:, k], alphas[k], 1.0, w_cert=certs[:, k])
        assert gap <= 1e-6 * unit * 1.01
