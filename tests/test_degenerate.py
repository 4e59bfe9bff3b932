"""Degenerate optimisation problems and the convergence report of every fit."""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

import penalized
from conftest import (
    enet_kkt_violation,
    logistic_kkt_violation,
    logistic_objective,
    make_classification,
    make_regression,
)


def _alpha_max_ls(X, y, l1_ratio):
    Xd = X.toarray() if sp.issparse(X) else X
    return np.abs((Xd - Xd.mean(0)).T @ (y - y.mean())).max() / (len(y) * l1_ratio)


# -- alpha >= alpha_max: exactly zero, gap exactly 0 --------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("factor", [1.0, 1.5, 1e6])
def test_least_squares_at_or_above_alpha_max_is_exactly_zero(sparse, l1_ratio, factor):
    X, y = make_regression(n=40, p=15, seed=3, density=0.4 if sparse else None)
    alpha = factor * _alpha_max_ls(X, y, l1_ratio)
    m = penalized.ElasticNet(alpha=alpha, l1_ratio=l1_ratio).fit(X, y)
    assert np.all(m.coef_ == 0.0)
    assert m.dual_gap_ == 0.0
    assert m.intercept_ == pytest.approx(y.mean(), rel=1e-12)
    # and the automatic path starts there
    alphas, coefs, gaps = penalized.enet_path(X, y, l1_ratio=l1_ratio, alphas=3,
                                              fit_intercept=True)
    assert alphas[0] == pytest.approx(_alpha_max_ls(X, y, l1_ratio), rel=1e-10)
    assert np.all(coefs[:, 0] == 0.0) and gaps[0] == 0.0


@pytest.mark.parametrize("sparse", [False, True])
def test_logistic_at_or_above_alpha_max_is_exactly_zero(sparse):
    X, y = make_classification(n=60, p=12, seed=4, density=0.5 if sparse else None)
    alphas, coefs, intercepts, gaps = penalized.logistic_path(X, y, alphas=3)
    assert np.all(coefs[:, 0] == 0.0) and gaps[0] == 0.0
    # alpha_max is the smallest such alpha: independent numpy formula
    Xd = X.toarray() if sp.issparse(X) else X
    p1 = np.mean(y > 0)
    grad = (Xd - Xd.mean(0)).T @ ((y > 0) - p1) / len(y)
    assert alphas[0] == pytest.approx(np.abs(grad).max(), rel=1e-10)
    for factor in (1.0, 3.0):
        m = penalized.LogisticRegression(penalty="l1", alpha=factor * alphas[0]).fit(X, y)
        assert np.all(m.coef_ == 0.0) and m.dual_gap_[0] == 0.0
        assert m.intercept_[0] == pytest.approx(np.log(p1 / (1 - p1)), rel=1e-10)
    # just below alpha_max, something enters
    m = penalized.LogisticRegression(penalty="l1", alpha=0.9 * alphas[0]).fit(X, y)
    assert np.count_nonzero(m.coef_) >= 1


# -- alpha = 0 ---------------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_alpha_zero_is_least_squares_with_a_normal_equation_certificate(sparse, weighted,
                                                                        fit_intercept):
    X, y = make_regression(n=50, p=8, seed=5, density=0.6 if sparse else None)
    sw = np.linspace(0.5, 2.0, 50) if weighted else None
    with pytest.warns(UserWarning, match="alpha=0.*least squares.*normal equations"):
        m = penalized.Lasso(alpha=0.0, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    # reference: numpy lstsq on the explicitly weighted (and augmented) design
    Xd = X.toarray() if sp.issparse(X) else X
    A = np.column_stack([Xd, np.ones(50)]) if fit_intercept else Xd
    root = np.ones(50) if sw is None else np.sqrt(sw)
    ref = np.linalg.lstsq(A * root[:, None], y * root, rcond=None)[0]
    np.testing.assert_allclose(m.coef_, ref[:8], rtol=1e-8, atol=1e-10)
    if fit_intercept:
        assert m.intercept_ == pytest.approx(ref[8], rel=1e-8)
    # dual_gap_ is the normal-equation residual max_j |x_c,j^T S r| / n: recompute it
    s = np.ones(50) if sw is None else sw * 50 / sw.sum()
    r = y - Xd @ m.coef_ - m.intercept_
    Xc = Xd - (s @ Xd / 50 if fit_intercept else 0.0)
    assert m.dual_gap_ == pytest.approx(np.abs(Xc.T @ (s * r)).max() / 50, abs=1e-12)
    assert m.dual_gap_ < 1e-9


def test_alpha_zero_rank_deficient_gives_a_least_squares_solution():
    X, y = make_regression(n=30, p=6, seed=6)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])      # exactly collinear
    with pytest.warns(UserWarning, match="alpha=0"):
        m = penalized.ElasticNet(alpha=0.0).fit(X, y)
    # same residual as the least-squares fit on the independent columns
    full = np.linalg.lstsq(np.column_stack([X[:, :6], np.ones(30)]), y, rcond=None)[0]
    r_ref = y - np.column_stack([X[:, :6], np.ones(30)]) @ full
    np.testing.assert_allclose(y - X @ m.coef_ - m.intercept_, r_ref, atol=1e-8)
    assert m.dual_gap_ < 1e-9


def test_alpha_zero_positive_still_warns_without_certificate():
    X, y = make_regression(n=30, p=5, seed=7)
    with pytest.warns(UserWarning, match="positive=True"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = penalized.Lasso(alpha=0.0, positive=True, max_iter=200).fit(X, y)
    assert np.all(m.coef_ >= 0) and np.all(np.isfinite(m.coef_))


# -- collinear features ------------------------------------------------------------

@pytest.mark.parametrize("sparse", [False, True])
def test_duplicated_and_collinear_columns(sparse):
    X, y = make_regression(n=50, p=6, seed=8)
    X2 = np.column_stack([X, X[:, 0]])                  # an exact copy of column 0
    Xin = sp.csc_matrix(X2) if sparse else X2
    las = penalized.Lasso(alpha=0.05, tol=1e-12).fit(Xin, y)
    assert enet_kkt_violation(X2, y, las.coef_, 0.05, 1.0) < 1e-7
    # the Lasso objective only sees w_0 + w_6 (and |w_0| + |w_6| >= |w_0 + w_6|)
    base = penalized.Lasso(alpha=0.05, tol=1e-12).fit(X, y).coef_
    assert las.coef_[0] + las.coef_[6] == pytest.approx(base[0], rel=1e-6)
    np.testing.assert_allclose(las.coef_[1:6], base[1:6], rtol=1e-6, atol=1e-9)
    # the ridge part splits a duplicate equally (strictly convex)
    en = penalized.ElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-14).fit(Xin, y)
    assert en.coef_[0] == pytest.approx(en.coef_[6], rel=1e-6)
    assert enet_kkt_violation(X2, y, en.coef_, 0.05, 0.5) < 1e-7
    # a column that is an exact linear combination of two others
    X3 = np.column_stack([X, X[:, 1] - 2.0 * X[:, 2]])
    Xin = sp.csc_matrix(X3) if sparse else X3
    for l1 in (1.0, 0.5):
        m = penalized.ElasticNet(alpha=0.05, l1_ratio=l1, tol=1e-12).fit(Xin, y)
        assert np.all(np.isfinite(m.coef_))
        assert enet_kkt_violation(X3, y, m.coef_, 0.05, l1) < 1e-6


# -- separable logistic --------------------------------------------------------------

@pytest.mark.parametrize("penalty,kw", [("l1", dict(alpha=1e-3)), ("l2", dict(C=100.0)),
                                         ("elasticnet", dict(alpha=1e-3, l1_ratio=0.5))])
def test_separable_classes_with_penalty_are_finite_and_optimal(penalty, kw):
    rng = np.random.default_rng(9)
    X = rng.standard_normal((60, 5))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, 1, -1)           # perfectly separable
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = penalized.LogisticRegression(penalty=penalty, tol=1e-10, max_iter=500, **kw).fit(X, y)
    assert np.all(np.isfinite(m.coef_)) and np.isfinite(m.intercept_).all()
    l1 = {"l1": 1.0, "l2": 0.0}.get(penalty, 0.5)
    assert logistic_kkt_violation(X, y, m.coef_[0], m.intercept_[0], m.alpha_, l1) < 1e-5


def test_separable_without_penalty_is_certified_near_the_infimum():
    """No minimiser exists; the returned point is within its certified gap of inf = 0."""
    rng = np.random.default_rng(9)
    X = rng.standard_normal((60, 5))
    y = np.where(X[:, 0] > 0, 1, -1)
    m = penalized.LogisticRegression(penalty="l1", alpha=0.0, tol=1e-4).fit(X, y)
    assert np.all(np.isfinite(m.coef_))
    obj = logistic_objective(X, y, m.coef_[0], m.intercept_[0], 0.0, 1.0)
    assert 0 < obj <= m.dual_gap_[0] * (1 + 1e-9)
    assert m.dual_gap_[0] <= 1e-4 * np.log(2) * 1.01


# -- every fit reports its gap and iterations; max_iter raises a useful warning -----

FITTED = [
    lambda: penalized.Lasso(alpha=0.05),
    lambda: penalized.ElasticNet(alpha=0.05),
    lambda: penalized.LassoCV(cv=3, alphas=5),
    lambda: penalized.ElasticNetCV(cv=3, alphas=5),
    lambda: penalized.LogisticRegression(penalty="l1", alpha=0.01),
]


@pytest.mark.parametrize("make", FITTED)
def test_every_fit_reports_gap_and_iterations(make):
    est = make()
    clf = isinstance(est, penalized.LogisticRegression)
    X, y = make_classification(n=50, p=8, seed=1) if clf else make_regression(n=50, p=8, seed=1)
    est.fit(X, y)
    gap = np.atleast_1d(est.dual_gap_)
    assert np.all(np.isfinite(gap)) and np.all(gap >= 0)
    assert np.all(np.asarray(est.n_iter_) >= 1)


_MESSAGE = (r"duality gap (?P<gap>\S+) > target (?P<target>[0-9.e+-]+) .*after \d+ "
            r"(epochs|Newton steps).*Increase max_iter, increase tol, or standardize")


def _assert_informative(record, tol_target=None):
    found = [w for w in record if issubclass(w.category, ConvergenceWarning)]
    assert found, "no ConvergenceWarning"
    # reported at the user's line, not inside the package
    assert all(w.filename == __file__ for w in found), [w.filename for w in found]
    msgs = [str(w.message) for w in found]
    m = re.search(_MESSAGE, msgs[0])
    assert m, msgs[0]
    assert float(m["gap"]) > float(m["target"]) > 0
    if tol_target is not None:
        assert float(m["target"]) == pytest.approx(tol_target, rel=1e-3)


@pytest.mark.parametrize("sparse", [False, True])
def test_max_iter_warning_least_squares(sparse):
    X, y = make_regression(n=60, p=80, seed=2, density=0.3 if sparse else None)
    tol = 1e-12
    yc = y - y.mean()
    with pytest.warns(ConvergenceWarning) as rec:
        m = penalized.Lasso(alpha=1e-3, tol=tol, max_iter=2, precompute=False).fit(X, y)
    _assert_informative(rec, tol * yc @ yc / len(y))
    assert m.n_iter_ == 2 and m.dual_gap_ > tol * yc @ yc / len(y)
    with pytest.warns(ConvergenceWarning) as rec:
        penalized.lasso_path(X, y, alphas=5, tol=tol, max_iter=2)
    _assert_informative(rec)
    with pytest.warns(ConvergenceWarning) as rec:
        penalized.LassoCV(cv=3, alphas=5, tol=tol, max_iter=2).fit(X, y)
    _assert_informative(rec)


def test_max_iter_warning_logistic():
    X, y = make_classification(n=80, p=40, seed=3)
    with pytest.warns(ConvergenceWarning) as rec:
        m = penalized.LogisticRegression(penalty="l1", alpha=1e-3, tol=1e-12, max_iter=1).fit(X, y)
    _assert_informative(rec)
    assert m.dual_gap_[0] > 1e-12 * np.log(2)
    with pytest.warns(ConvergenceWarning) as rec:
        penalized.logistic_path(X, y, alphas=4, tol=1e-12, max_iter=1)
    _assert_informative(rec)
