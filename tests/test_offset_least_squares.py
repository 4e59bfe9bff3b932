"""glmnet's offset for least squares: a fixed term of the fit, y ~ X w + b + offset.

For the Gaussian family glmnet fits y - offset (its R code subtracts it); so do
the estimators, paths, CV and ``penalized.solvers``: the same bits as fitting
y - offset, the offset added back by ``predict``, the certificate that of the
objective in y - offset recomputed in numpy.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import enet_gap, make_regression

import penalized
import penalized.solvers


def _data(sparse=False, seed=0):
    X, y = make_regression(n=80, p=30, seed=seed, density=0.3 if sparse else None)
    offset = np.sin(np.arange(y.size)) * 2.0 * y.std()
    return X, y + offset, offset


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("Est", [penalized.Lasso, penalized.ElasticNet])
def test_estimator_offset_is_the_fit_of_y_minus_offset(Est, sparse):
    X, y, offset = _data(sparse)
    sw = np.linspace(0.5, 2.0, y.size)
    y_user, offset_user = y.copy(), offset.copy()
    a = Est(alpha=0.05, tol=1e-10).fit(X, y, sample_weight=sw, offset=offset)
    np.testing.assert_array_equal(y, y_user)             # the user's arrays untouched
    np.testing.assert_array_equal(offset, offset_user)
    b = Est(alpha=0.05, tol=1e-10).fit(X, y - offset, sample_weight=sw)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_ and a.dual_gap_ == b.dual_gap_
    np.testing.assert_allclose(a.predict(X, offset=offset), b.predict(X) + offset)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    # the certificate bounds the objective in y - offset, recomputed in numpy
    l1_ratio = getattr(a, "l1_ratio", 1.0)
    gap, unit = enet_gap(X, y - offset, a.coef_, 0.05, l1_ratio, sample_weight=sw)
    assert gap <= 1e-10 * unit * 10
    # the score is R^2 on the scale of y, with the offset in the prediction
    pred = a.predict(X, offset=offset)
    r2 = 1 - np.sum(sw * (y - pred) ** 2) / np.sum(sw * (y - np.average(y, weights=sw)) ** 2)
    assert a.score(X, y, sample_weight=sw, offset=offset) == pytest.approx(r2, rel=1e-12)


def test_two_dimensional_y_takes_an_offset_per_target():
    X, y, offset = _data()
    Y = np.column_stack([y, -y])
    O = np.column_stack([offset, 2 * offset])
    a = penalized.Lasso(alpha=0.05, tol=1e-10).fit(X, Y, offset=O)
    b = penalized.Lasso(alpha=0.05, tol=1e-10).fit(X, Y - O)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_allclose(a.predict(X, offset=O), b.predict(X) + O)
    with pytest.raises(ValueError, match=r"offset must have shape \(80, 2\)"):
        penalized.Lasso(alpha=0.05).fit(X, Y, offset=offset)


@pytest.mark.parametrize("Est", [penalized.LassoCV, penalized.ElasticNetCV])
def test_cv_offset(Est):
    X, y, offset = _data(seed=2)
    a = Est(cv=3, alphas=12, keep=True).fit(X, y, offset=offset)
    b = Est(cv=3, alphas=12, keep=True).fit(X, y - offset)
    np.testing.assert_array_equal(a.alphas_, b.alphas_)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.alpha_ == b.alpha_
    np.testing.assert_allclose(a.cv_predictions_, b.cv_predictions_ + offset[:, None])
    np.testing.assert_allclose(a.predict(X, offset=offset), b.predict(X) + offset)
    with pytest.raises(ValueError, match="offset with scoring"):
        Est(cv=3, alphas=5, scoring="r2").fit(X, y, offset=offset)


def test_paths_and_solvers_take_the_offset():
    X, y, offset = _data(sparse=True, seed=3)
    _, c1, g1 = penalized.lasso_path(X, y, alphas=6, offset=offset)
    _, c2, g2 = penalized.lasso_path(X, y - offset, alphas=6)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(g1, g2)
    _, c1, _ = penalized.enet_path(X, y, l1_ratio=0.5, alphas=6, offset=offset,
                                   fit_intercept=True)
    _, c2, _ = penalized.enet_path(X, y - offset, l1_ratio=0.5, alphas=6, fit_intercept=True)
    np.testing.assert_array_equal(c1, c2)
    s1 = penalized.solvers.lasso_path(X, y, n_alphas=6, offset=offset)
    s2 = penalized.solvers.lasso_path(X, y - offset, n_alphas=6)
    np.testing.assert_array_equal(s1.coefs, s2.coefs)
    np.testing.assert_array_equal(s1.intercepts, s2.intercepts)
    one = penalized.solvers.enet(X, y, 0.05, l1_ratio=0.7, offset=offset)
    ref = penalized.solvers.enet(X, y - offset, 0.05, l1_ratio=0.7)
    np.testing.assert_array_equal(one.coef, ref.coef)


@pytest.mark.parametrize("bad, match", [
    (np.zeros(5), r"offset must have shape \(80,\)"),
    (np.full(80, np.nan), "offset contains NaN"),
    (np.full(80, np.inf), "offset contains NaN or infinity"),
])
def test_bad_offset_is_a_clear_error(bad, match):
    X, y, _ = _data()
    for call in (lambda: penalized.Lasso(alpha=0.1).fit(X, y, offset=bad),
                 lambda: penalized.lasso_path(X, y, alphas=3, offset=bad),
                 lambda: penalized.LassoCV(cv=3, alphas=3).fit(X, y, offset=bad),
                 lambda: penalized.solvers.lasso(X, y, 0.1, offset=bad)):
        with pytest.raises(ValueError, match=match):
            call()
    model = penalized.Lasso(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match=match):
        model.predict(X, offset=bad)
