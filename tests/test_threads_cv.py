"""``n_threads`` in the CV estimators: passed to every fold's path, the full-data path
and the refit; the same bits for any value (as for the single fits, tests/test_threads.py),
and a bad value is a clear error naming ``n_threads`` before any fold runs."""

import numpy as np
import scipy.sparse as sp
import pytest

import penalized
from conftest import make_classification, make_regression, needs_openmp
from penalized._logistic import LogisticProblem, solve_logistic

def _dense(a):
    """An attribute as an array: a sparse coef_path_ (store_path) and lists of them too."""
    if sp.issparse(a):
        return a.toarray()
    if isinstance(a, list):
        return np.stack([_dense(c) for c in a])
    return np.asarray(a)


def _state(m):
    out = [m.coef_, m.intercept_, m.coef_path_, m.alphas_]
    for name in ("mse_path_", "scores_path_", "deviance_path_", "dual_gap_"):
        if hasattr(m, name):
            out.append(getattr(m, name))
    return [_dense(a) for a in out]


def _assert_same_bits(make):
    ref = _state(make(1))
    for k in (2, 3):
        got = _state(make(k))
        for a, b in zip(ref, got):
            assert a.dtype == b.dtype and np.array_equal(a, b), f"n_threads={k} differs"
    return ref


@needs_openmp
def test_glm_cv_same_bits_for_any_n_threads(three_threads):
    # wide and sparse: the full passes are above the threshold that threads them
    X, y = make_classification(n=1500, p=20000, density=0.01, seed=31)
    # a fold's training rows (2/3 of them) are large enough for threaded passes: the
    # bits below compare two code paths
    Xtr = X[:1000].tocsc()
    problem = LogisticProblem(Xtr, y[:1000], np.ones(1000), True)
    info = solve_logistic(problem, np.zeros((X.shape[1], 1)), problem.b0.copy(), 0.01, 1.0,
                          tol_abs=1e-6, n_threads=3)
    assert info["n_threaded"] > 0
    ref = _assert_same_bits(lambda k: penalized.LogisticRegressionCV(
        penalty="l1", cv=3, alphas=4, eps=0.1, tol=1e-8, n_threads=k).fit(X, y))
    assert np.count_nonzero(ref[2][..., -1]) > 0     # the path is not all zero
    Xr, yr = make_regression(n=1500, p=20000, density=0.01, seed=32)
    z = np.floor(2 * np.exp(0.3 * np.tanh(yr / yr.std())))
    ref = _assert_same_bits(lambda k: penalized.PoissonRegressionCV(
        cv=3, alphas=4, eps=0.1, tol=1e-8, n_threads=k).fit(Xr, z))
    assert np.count_nonzero(ref[2][..., -1]) > 0     # the path is not all zero
    _assert_same_bits(lambda k: penalized.GammaRegressionCV(
        cv=3, alphas=3, eps=0.1, tol=1e-8, n_threads=k).fit(Xr, 1.0 + z))
    ref = _assert_same_bits(lambda k: penalized.LassoCV(
        cv=3, alphas=5, eps=0.1, n_threads=k).fit(Xr, yr))
    assert np.count_nonzero(ref[2][..., -1]) > 0     # the path is not all zero


def test_cv_n_threads_reaches_the_refit_and_is_a_parameter():
    X, y = make_classification(n=60, p=8, seed=33)
    m = penalized.LogisticRegressionCV(penalty="l1", cv=3, alphas=3, n_threads=2).fit(X, y)
    assert m.estimator_.n_threads == 2
    z = np.abs(X[:, 0]) + 1.0
    m = penalized.GammaRegressionCV(cv=3, alphas=3, n_threads=2).fit(X, z)
    assert m.estimator_.n_threads == 2
    for est in (penalized.LogisticRegressionCV(), penalized.PoissonRegressionCV(),
                penalized.GammaRegressionCV(), penalized.LassoCV(), penalized.ElasticNetCV()):
        assert est.get_params()["n_threads"] == 1


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError),
                                        (True, TypeError)])
def test_bad_cv_n_threads_is_a_clear_error(bad, error):
    X, y = make_regression(n=40, p=8, seed=34)
    Xc, yc = make_classification(n=40, p=8, seed=35)
    for make, data in ((penalized.LassoCV, (X, y)), (penalized.ElasticNetCV, (X, y)),
                       (penalized.LogisticRegressionCV, (Xc, yc)),
                       (penalized.PoissonRegressionCV, (X, np.abs(y))),
                       (penalized.GammaRegressionCV, (X, 1 + np.abs(y)))):
        model = make(cv=3, alphas=3, n_threads=bad)
        with pytest.raises(error, match="n_threads"):
            model.fit(*data)
        assert not hasattr(model, "coef_")
