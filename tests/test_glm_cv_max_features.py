"""glmnet's pmax / dfmax (``max_features`` / ``dfmax``) in the GLM CV estimators.

As for LassoCV / ElasticNetCV: the grid is cut before the first alpha at which
the full-data path has had more than max_features features non-zero so far
(dfmax: has more than dfmax non-zero now), keeping at least the first alpha; only
those alphas are cross-validated.  The expected cut is computed here from the
unlimited full-data path (penalized.solvers), and the cross-validation on the cut
grid is compared with the one on that grid given explicitly.
"""

import numpy as np
import pytest

import penalized as pz
from penalized import solvers


def _stops(coefs):
    """(first index where ever-non-zero > lim, first where non-zero now > lim) as functions."""
    c = np.asarray(coefs)
    nz = np.any(c != 0, axis=0) if c.ndim == 3 else c != 0      # (p, n_alphas)
    ever = np.count_nonzero(np.logical_or.accumulate(nz, axis=1), axis=0)
    now = np.count_nonzero(nz, axis=0)

    def stop(counts, lim):
        over = np.flatnonzero(counts > lim)
        return max(1, int(over[0])) if over.size else counts.size
    return (lambda lim: stop(ever, lim)), (lambda lim: stop(now, lim)), ever


def _data(seed=0, n=150, p=30):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = X[:, :8] @ rng.uniform(0.3, 1.0, 8)
    return X, eta, rng


def _check(make_cv, grid, coefs, values_attr):
    stop_ever, stop_now, ever = _stops(coefs)
    # a limit reached inside the grid: the count just before the last feature enters
    lim = int(ever[np.flatnonzero(ever < ever[-1])[-1]])
    k_ever, k_now = stop_ever(lim), stop_now(lim)
    assert 1 < k_ever < grid.size, "the limit must cut the grid inside"
    for kw, k in ((dict(max_features=lim), k_ever), (dict(dfmax=lim), k_now)):
        cv = make_cv(alphas=grid, **kw)
        np.testing.assert_array_equal(cv.alphas_, grid[:k])
        ref = make_cv(alphas=grid[:k])
        np.testing.assert_allclose(getattr(cv, values_attr), getattr(ref, values_attr),
                                   rtol=1e-10)
        assert cv.alpha_ == ref.alpha_
        assert cv.coef_path_.shape[-1] == k
    # a limit the path never reaches leaves the grid whole
    cv = make_cv(alphas=grid, max_features=10_000)
    np.testing.assert_array_equal(cv.alphas_, grid)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_cv(n_classes):
    X, eta, rng = _data(1)
    y = (np.digitize(eta + rng.standard_normal(eta.size), np.quantile(eta, [0.5]))
         if n_classes == 2 else
         np.digitize(eta + rng.standard_normal(eta.size), np.quantile(eta, [1 / 3, 2 / 3])))
    base = pz.LogisticRegressionCV("l1", alphas=10, cv=3, tol=1e-6).fit(X, y)
    grid = base.alphas_
    path = solvers.logistic_path(X, y, grid, l1_ratio=1.0, tol=1e-6)
    _check(lambda **kw: pz.LogisticRegressionCV("l1", cv=3, tol=1e-6, **kw).fit(X, y),
           grid, path.coefs, "scores_path_")


@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_log_link_cv(family):
    X, eta, rng = _data(2)
    mu = np.exp(0.3 * eta)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    Est = pz.PoissonRegressionCV if family == "poisson" else pz.GammaRegressionCV
    path_fn = solvers.poisson_path if family == "poisson" else solvers.gamma_path
    grid = Est(alphas=15, cv=3, tol=1e-8).fit(X, y).alphas_
    path = path_fn(X, y, grid, l1_ratio=1.0, tol=1e-8)
    _check(lambda **kw: Est(cv=3, tol=1e-8, **kw).fit(X, y), grid, path.coefs,
           "deviance_path_")


def test_cox_cv():
    X, eta, rng = _data(3)
    t = rng.exponential(np.exp(-0.5 * eta))
    c = rng.exponential(np.median(t) * 2, t.size)
    y = np.column_stack([np.minimum(t, c), (t <= c).astype(float)])
    grid = pz.CoxRegressionCV(alphas=15, cv=3, tol=1e-8).fit(X, y).alphas_
    path = solvers.cox_path(X, y, grid, l1_ratio=1.0, tol=1e-8)
    _check(lambda **kw: pz.CoxRegressionCV(cv=3, tol=1e-8, **kw).fit(X, y), grid,
           path.coefs, "cv_values_")


@pytest.mark.parametrize("make", [
    lambda **kw: pz.LogisticRegressionCV("l1", alphas=5, cv=2, **kw),
    lambda **kw: pz.PoissonRegressionCV(alphas=5, cv=2, **kw),
    lambda **kw: pz.CoxRegressionCV(alphas=5, cv=2, **kw),
])
def test_bad_limits(make):
    X, eta, rng = _data(4, n=60, p=8)
    est = make()
    if isinstance(est, pz.LogisticRegressionCV):
        y = (eta > 0).astype(int)
    elif isinstance(est, pz.CoxRegressionCV):
        y = np.column_stack([rng.exponential(1.0, 60), np.ones(60)])
    else:
        y = rng.poisson(1.0, 60).astype(float)
    with pytest.raises(ValueError, match="max_features"):
        make(max_features=-1).fit(X, y)
    with pytest.raises(TypeError, match="dfmax"):
        make(dfmax=2.5).fit(X, y)
    assert not hasattr(est, "alphas_")
