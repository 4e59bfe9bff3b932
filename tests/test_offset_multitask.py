"""glmnet's mgaussian offset for the multi-task and group models: the fit of Y - offset.

As for least squares (tests/test_offset_least_squares.py): the estimators, paths,
CV and ``penalized.solvers`` give the same bits as fitting Y - offset, ``predict``
adds the offset back, bad offsets are clear errors naming ``offset``, and the
user's arrays are left unchanged.  One independent check: scikit-learn's
MultiTaskLasso fitted on Y - offset.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso
from sklearn.metrics import r2_score

import penalized
import penalized.solvers


def _data(sparse=False, seed=0, n=70, p=24, T=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) > 0.3] = 0.0
    W = np.zeros((p, T))
    W[:5] = rng.standard_normal((5, T))
    Y = X @ W + 0.3 * rng.standard_normal((n, T))
    offset = np.sin(np.arange(n * T).reshape(n, T)) * 2.0 * Y.std()
    return (sp.csr_matrix(X) if sparse else X), Y + offset, offset


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("Est", [penalized.MultiTaskLasso, penalized.MultiTaskElasticNet])
def test_multitask_offset_is_the_fit_of_y_minus_offset(Est, sparse):
    X, Y, O = _data(sparse)
    sw = np.linspace(0.5, 2.0, Y.shape[0])
    Y_user, O_user = Y.copy(), O.copy()
    a = Est(alpha=0.05, tol=1e-10).fit(X, Y, sample_weight=sw, offset=O)
    np.testing.assert_array_equal(Y, Y_user)
    np.testing.assert_array_equal(O, O_user)
    b = Est(alpha=0.05, tol=1e-10).fit(X, Y - O, sample_weight=sw)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    assert a.dual_gap_ == b.dual_gap_
    assert np.count_nonzero(a.coef_) > 0
    np.testing.assert_allclose(a.predict(X, offset=O), b.predict(X) + O)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    pred = a.predict(X, offset=O)
    ybar = np.average(Y, axis=0, weights=sw)
    r2 = np.mean(1 - (sw @ (Y - pred) ** 2) / (sw @ (Y - ybar) ** 2))
    assert a.score(X, Y, sample_weight=sw, offset=O) == pytest.approx(r2, rel=1e-12)


def test_multitask_offset_agrees_with_sklearn_on_y_minus_offset():
    X, Y, O = _data(seed=1)
    ours = penalized.MultiTaskLasso(alpha=0.05, tol=1e-12, max_iter=10_000).fit(X, Y, offset=O)
    sk = SkMultiTaskLasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, Y - O)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-7)
    np.testing.assert_allclose(ours.predict(X, offset=O), sk.predict(X) + O, atol=1e-6)


def test_multitask_paths_and_solvers_take_the_offset():
    X, Y, O = _data(sparse=True, seed=3)
    a1, c1, g1 = penalized.multitask_lasso_path(X, Y, alphas=6, offset=O, fit_intercept=True)
    a2, c2, g2 = penalized.multitask_lasso_path(X, Y - O, alphas=6, fit_intercept=True)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(g1, g2)
    _, c1, _ = penalized.multitask_enet_path(X, Y, l1_ratio=0.5, alphas=6, offset=O)
    _, c2, _ = penalized.multitask_enet_path(X, Y - O, l1_ratio=0.5, alphas=6)
    np.testing.assert_array_equal(c1, c2)
    s1 = penalized.solvers.multitask_enet_path(X, Y, l1_ratio=0.8, n_alphas=6, offset=O)
    s2 = penalized.solvers.multitask_enet_path(X, Y - O, l1_ratio=0.8, n_alphas=6)
    np.testing.assert_array_equal(s1.coefs, s2.coefs)
    np.testing.assert_array_equal(s1.intercepts, s2.intercepts)
    one = penalized.solvers.multitask_lasso(X, Y, 0.05, offset=O)
    ref = penalized.solvers.multitask_lasso(X, Y - O, 0.05)
    np.testing.assert_array_equal(one.coef, ref.coef)


@pytest.mark.parametrize("Est", [penalized.MultiTaskLassoCV, penalized.MultiTaskElasticNetCV])
def test_multitask_cv_offset(Est):
    X, Y, O = _data(seed=2)
    O_user = O.copy()
    a = Est(cv=3, alphas=8).fit(X, Y, offset=O)
    np.testing.assert_array_equal(O, O_user)
    b = Est(cv=3, alphas=8).fit(X, Y - O)
    np.testing.assert_array_equal(a.alphas_, b.alphas_)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.alpha_ == b.alpha_
    np.testing.assert_allclose(a.predict(X, offset=O), b.predict(X) + O)
    np.testing.assert_allclose(a.predict(X, alpha=a.alphas_[2], offset=O),
                               b.predict(X, alpha=b.alphas_[2]) + O)
    assert a.score(X, Y, offset=O) == pytest.approx(r2_score(Y, b.predict(X) + O), rel=1e-12)


def test_multitask_cv_fold_error_by_hand():
    """mse_path_ is the held-out error of single fits on the fold's rows with their
    offset, against Y with the test rows' offset in the prediction."""
    from sklearn.model_selection import KFold
    X, Y, O = _data(seed=4)
    cv = KFold(3)
    model = penalized.MultiTaskLassoCV(cv=cv, alphas=5, tol=1e-12).fit(X, Y, offset=O)
    errs = np.empty((5, 3))
    for k, (train, test) in enumerate(cv.split(X)):
        for j, alpha in enumerate(model.alphas_):
            m = penalized.MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(
                X[train], Y[train], offset=O[train])
            pred = m.predict(X[test], offset=O[test])
            errs[j, k] = np.mean((pred - Y[test]) ** 2)
    np.testing.assert_allclose(model.mse_path_, errs, rtol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_group_offset_is_the_fit_of_y_minus_offset(sparse):
    X, Y, O = _data(sparse, seed=5)
    y, o = Y[:, 0], O[:, 0]
    groups = np.repeat(np.arange(8), 3)
    for est in (penalized.GroupLasso(alpha=0.05, groups=groups, tol=1e-10),
                penalized.GroupElasticNet(alpha=0.05, groups=groups, tol=1e-10)):
        a = est.fit(X, y, offset=o)
        coef_a, icpt_a, pred_a = a.coef_.copy(), a.intercept_, a.predict(X, offset=o)
        b = est.fit(X, y - o)
        np.testing.assert_array_equal(coef_a, b.coef_)
        assert icpt_a == b.intercept_
        np.testing.assert_allclose(pred_a, b.predict(X) + o)
        assert np.count_nonzero(coef_a) > 0
    a = penalized.GroupLasso(alpha=0.05, groups=groups, tol=1e-10).fit(X, Y, offset=O)
    b = penalized.GroupLasso(alpha=0.05, groups=groups, tol=1e-10).fit(X, Y - O)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.score(X, Y, offset=O) == pytest.approx(r2_score(Y, b.predict(X) + O), rel=1e-12)
    _, c1, g1 = penalized.group_lasso_path(X, y, groups=groups, alphas=5, offset=o)
    _, c2, g2 = penalized.group_lasso_path(X, y - o, groups=groups, alphas=5)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(g1, g2)
    s1 = penalized.solvers.group_enet_path(X, y, groups=groups, l1_ratio=0.7, n_alphas=5,
                                           offset=o)
    s2 = penalized.solvers.group_enet_path(X, y - o, groups=groups, l1_ratio=0.7, n_alphas=5)
    np.testing.assert_array_equal(s1.coefs, s2.coefs)
    np.testing.assert_array_equal(s1.intercepts, s2.intercepts)
    a = penalized.GroupLassoCV(groups=groups, cv=3, alphas=6).fit(X, y, offset=o)
    b = penalized.GroupLassoCV(groups=groups, cv=3, alphas=6).fit(X, y - o)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_allclose(a.predict(X, offset=o), b.predict(X) + o)


@pytest.mark.parametrize("bad, match", [
    (np.zeros((5, 3)), r"offset must have shape \(70, 3\)"),
    (np.zeros(70), r"offset must have shape \(70, 3\)"),
    (np.full((70, 3), np.nan), "offset contains NaN"),
    (np.full((70, 3), np.inf), "offset contains NaN or infinity"),
])
def test_bad_multitask_offset_is_a_clear_error(bad, match):
    X, Y, _ = _data()
    groups = np.repeat(np.arange(8), 3)
    for call in (lambda: penalized.MultiTaskLasso(alpha=0.1).fit(X, Y, offset=bad),
                 lambda: penalized.multitask_lasso_path(X, Y, alphas=3, offset=bad),
                 lambda: penalized.MultiTaskLassoCV(cv=3, alphas=3).fit(X, Y, offset=bad),
                 lambda: penalized.solvers.multitask_lasso(X, Y, 0.1, offset=bad),
                 lambda: penalized.GroupLasso(alpha=0.1, groups=groups).fit(X, Y, offset=bad)):
        with pytest.raises(ValueError, match=match):
            call()
    model = penalized.MultiTaskLasso(alpha=0.1).fit(X, Y)
    with pytest.raises(ValueError, match=match):
        model.predict(X, offset=bad)
