"""Poisson and Gamma regression (log link) on the native GLM engine.

Objective (s rescaled to sum to n, eta = X w + b + offset):
    1/n sum_i s_i f_i(eta_i) + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2,
    Poisson f_i = exp(eta) - y_i eta, Gamma f_i = y_i exp(-eta) + eta.
Checked against the optimality conditions and objectives recomputed in numpy,
against glum, skglm and scikit-learn (skipped when absent), and against the
equivalent problems (exposure offset = weights, weights = repeated rows, a
path = its single fits).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import xlogy
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

import penalized
from penalized import (GammaRegression, GammaRegressionCV, PoissonRegression,
                       PoissonRegressionCV, gamma_path, poisson_path)

FAMILIES = ["poisson", "gamma"]
PENALTIES = [("l1", 1.0), ("elasticnet", 0.5), ("l2", 0.0)]


def _estimator(family, penalty, l1_ratio, **kw):
    cls = PoissonRegression if family == "poisson" else GammaRegression
    if penalty == "elasticnet":
        kw["l1_ratio"] = l1_ratio
    return cls(penalty, **kw)


def _data(family, n=120, p=25, seed=0, rho=0.3):
    """Correlated Gaussian X, a sparse true w, y Poisson counts or Gamma (shape 2)."""
    rng = np.random.default_rng(seed)
    C = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    w = np.zeros(p)
    w[:6] = rng.uniform(-0.4, 0.4, 6)
    mu = np.exp(X @ w + 0.3)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    return X, y


def _loss(family, y, eta):
    """f_i(eta_i) per sample (the stated objective, no constant removed)."""
    return np.exp(eta) - y * eta if family == "poisson" else y * np.exp(-eta) + eta


def _objective(family, X, y, w, b, alpha, l1_ratio, s=None, offset=None):
    n = X.shape[0]
    s = np.ones(n) if s is None else np.asarray(s, float) * n / np.sum(s)
    eta = np.asarray(X @ w).ravel() + b + (0.0 if offset is None else offset)
    return (s @ _loss(family, y, eta) / n + alpha * l1_ratio * np.abs(w).sum()
            + alpha * (1 - l1_ratio) / 2 * w @ w)


def _kkt(family, X, y, w, b, alpha, l1_ratio, s=None, offset=None, fit_intercept=True):
    """Largest violation of the optimality conditions, in numpy."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, float)
    n = Xd.shape[0]
    s = np.ones(n) if s is None else np.asarray(s, float) * n / np.sum(s)
    eta = Xd @ w + b + (0.0 if offset is None else offset)
    dloss = np.exp(eta) - y if family == "poisson" else 1.0 - y * np.exp(-eta)
    g = Xd.T @ (s * dloss) / n + alpha * (1 - l1_ratio) * w
    l1 = alpha * l1_ratio
    viol = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    out = float(viol.max())
    if fit_intercept:
        out = max(out, abs(float(s @ dloss)) / n)
    return out


def _null_half_deviance(family, y):
    """Mean half unit deviance of the intercept-only model (mu = mean y)."""
    mu = y.mean()
    if family == "poisson":
        return float(np.mean(xlogy(y, y) - xlogy(y, mu) - (y - mu)))
    return float(np.mean(np.log(mu / y) + y / mu - 1.0))


def _alpha_max(family, X, y):
    mu = y.mean()
    r = (mu - y) if family == "poisson" else (1.0 - y / mu)
    return np.abs((X - X.mean(0)).T @ r).max() / X.shape[0]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("penalty,l1_ratio", PENALTIES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_kkt_and_gap(family, penalty, l1_ratio, sparse, dtype):
    X, y = _data(family, seed=1)
    alpha = _alpha_max(family, X, y) / 10
    Xf = X.astype(dtype)
    Xin = sp.csc_matrix(Xf) if sparse else Xf
    # float32 designs: the Newton models run in single precision (gap floor ~1e-7)
    fit_tol = 1e-12 if dtype == np.float64 else 1e-6
    m = _estimator(family, penalty, l1_ratio, alpha=alpha, tol=fit_tol).fit(Xin, y)
    Xc = Xf.astype(np.float64)    # the problem solved is on the rounded X
    kkt = _kkt(family, Xc, y, m.coef_, m.intercept_, alpha, l1_ratio)
    assert kkt <= (1e-7 if dtype == np.float64 else 1e-3)
    assert m.kkt_violation_ == pytest.approx(kkt, abs=1e-9 if dtype == np.float64 else 1e-4)
    # tol is relative to the intercept-only half deviance
    null = _null_half_deviance(family, y)
    assert 0.0 <= m.dual_gap_ <= fit_tol * null
    if penalty != "l2":
        assert 0 < np.count_nonzero(m.coef_) < X.shape[1]


@pytest.mark.parametrize("family", FAMILIES)
def test_gap_bounds_suboptimality(family):
    """At a loose tol the reported gap bounds F(w) - F(w*) (w* from a tight fit)."""
    X, y = _data(family, seed=2, n=200, p=40)
    alpha = _alpha_max(family, X, y) / 20
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        loose = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-2, max_iter=1).fit(X, y)
    assert loose.dual_gap_ > 1e-2 * _null_half_deviance(family, y)
    tight = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13).fit(X, y)
    f_loose = _objective(family, X, y, loose.coef_, loose.intercept_, alpha, 1.0)
    f_tight = _objective(family, X, y, tight.coef_, tight.intercept_, alpha, 1.0)
    assert f_loose - f_tight <= loose.dual_gap_ + 1e-12
    assert f_loose - f_tight >= -1e-12


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("penalty,l1_ratio", PENALTIES)
def test_agrees_with_glum(family, penalty, l1_ratio):
    glum = pytest.importorskip("glum")
    X, y = _data(family, seed=3, n=150, p=20)
    s = np.random.default_rng(3).uniform(0.5, 2.0, X.shape[0])
    alpha = _alpha_max(family, X, y) / 10
    m = _estimator(family, penalty, l1_ratio, alpha=alpha, tol=1e-13).fit(X, y, sample_weight=s)
    g = glum.GeneralizedLinearRegressor(family=family, alpha=alpha, l1_ratio=l1_ratio,
                                        gradient_tol=1e-12, max_iter=1000).fit(
        X, y, sample_weight=s)
    f_ours = _objective(family, X, y, m.coef_, m.intercept_, alpha, l1_ratio, s)
    f_glum = _objective(family, X, y, g.coef_, g.intercept_, alpha, l1_ratio, s)
    assert f_ours <= f_glum + 1e-13 * abs(f_glum)
    assert f_ours == pytest.approx(f_glum, rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(m.coef_, g.coef_, atol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_agrees_with_glum_offset(family):
    glum = pytest.importorskip("glum")
    X, y = _data(family, seed=4, n=150, p=20)
    o = np.random.default_rng(4).uniform(-0.5, 0.5, X.shape[0])
    alpha = _alpha_max(family, X, y) / 10
    m = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13).fit(X, y, offset=o)
    g = glum.GeneralizedLinearRegressor(family=family, alpha=alpha, l1_ratio=1.0,
                                        gradient_tol=1e-12, max_iter=1000).fit(X, y, offset=o)
    f_ours = _objective(family, X, y, m.coef_, m.intercept_, alpha, 1.0, offset=o)
    f_glum = _objective(family, X, y, g.coef_, g.intercept_, alpha, 1.0, offset=o)
    assert f_ours == pytest.approx(f_glum, rel=1e-10, abs=1e-12)
    assert f_ours <= f_glum + 1e-13 * abs(f_glum)


@pytest.mark.parametrize("family", FAMILIES)
def test_agrees_with_skglm(family):
    pytest.importorskip("skglm")
    from skglm import GeneralizedLinearEstimator
    from skglm.datafits import Gamma, Poisson
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    X, y = _data(family, seed=5, n=150, p=20)
    alpha = _alpha_max(family, X, y) / 10
    m = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13).fit(X, y)
    est = GeneralizedLinearEstimator(Poisson() if family == "poisson" else Gamma(), L1(alpha),
                                     ProxNewton(fit_intercept=True, tol=1e-12, max_iter=200))
    est.fit(X, y)
    f_ours = _objective(family, X, y, m.coef_, m.intercept_, alpha, 1.0)
    f_skglm = _objective(family, X, y, est.coef_, est.intercept_, alpha, 1.0)
    assert f_ours == pytest.approx(f_skglm, rel=1e-9, abs=1e-12)
    assert f_ours <= f_skglm + 1e-13 * abs(f_skglm)


@pytest.mark.parametrize("family", FAMILIES)
def test_agrees_with_sklearn_l2(family):
    """scikit-learn's 1/(2 sum s) sum s d(y, mu) + alpha/2 ||w||^2 is ours (+ a constant)."""
    from sklearn.linear_model import GammaRegressor, PoissonRegressor

    X, y = _data(family, seed=6, n=150, p=20)
    s = np.random.default_rng(6).uniform(0.5, 2.0, X.shape[0])
    alpha = 0.05
    m = _estimator(family, "l2", 0.0, alpha=alpha, tol=1e-13).fit(X, y, sample_weight=s)
    cls = PoissonRegressor if family == "poisson" else GammaRegressor
    ref = cls(alpha=alpha, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(
        X, y, sample_weight=s)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    assert m.intercept_ == pytest.approx(ref.intercept_, abs=1e-9)
    # D^2 as scikit-learn's score
    assert m.score(X, y, sample_weight=s) == pytest.approx(ref.score(X, y, sample_weight=s),
                                                            abs=1e-9)


@pytest.mark.parametrize("sparse", [False, True])
def test_poisson_exposure_offset_is_weighted_rate(sparse):
    """sum (exp(eta + log e) - y (eta + log e)) = sum e (exp(eta) - (y/e) eta) + const: the
    count model with offset log(e) is the rate model y / e with weights e (alpha rescaled
    by n / sum e, the weights being rescaled to sum to n)."""
    X, y = _data("poisson", seed=7)
    rng = np.random.default_rng(7)
    e = rng.uniform(0.2, 3.0, X.shape[0])
    y = rng.poisson(e * np.exp(0.3 * X[:, 0])).astype(float)
    Xin = sp.csc_matrix(X) if sparse else X
    alpha = 0.01
    a = PoissonRegression("l1", alpha=alpha, tol=1e-13).fit(Xin, y, offset=np.log(e))
    b = PoissonRegression("l1", alpha=alpha * X.shape[0] / e.sum(), tol=1e-13).fit(
        Xin, y / e, sample_weight=e)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-8)
    np.testing.assert_allclose(a.predict(X, offset=np.log(e)), e * b.predict(X), rtol=1e-7)


def test_gamma_offset_is_rescaled_response():
    """y exp(-eta - o) + eta + o = (y exp(-o)) exp(-eta) + eta + o."""
    X, y = _data("gamma", seed=8)
    o = np.random.default_rng(8).uniform(-1, 1, X.shape[0])
    a = GammaRegression("elasticnet", l1_ratio=0.7, alpha=0.02, tol=1e-13).fit(X, y, offset=o)
    b = GammaRegression("elasticnet", l1_ratio=0.7, alpha=0.02, tol=1e-13).fit(X, y * np.exp(-o))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-8)


@pytest.mark.parametrize("family", FAMILIES)
def test_sample_weight_is_repetition(family):
    X, y = _data(family, seed=9, n=60, p=12)
    k = np.random.default_rng(9).integers(0, 4, X.shape[0])
    k[0] = max(k[0], 1)
    a = _estimator(family, "l1", 1.0, alpha=0.01, tol=1e-13).fit(X, y, sample_weight=k)
    rep = np.repeat(np.arange(X.shape[0]), k)
    b = _estimator(family, "l1", 1.0, alpha=0.01, tol=1e-13).fit(X[rep], y[rep])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, abs=1e-8)


@pytest.mark.parametrize("family", FAMILIES)
def test_path_equals_single_fits(family):
    X, y = _data(family, seed=10)
    path = poisson_path if family == "poisson" else gamma_path
    alphas, coefs, intercepts, gaps = path(X, y, l1_ratio=0.8, alphas=8, eps=1e-2, tol=1e-12)
    assert alphas.shape == (8,) and coefs.shape == (X.shape[1], 8)
    assert np.all(np.diff(alphas) < 0)
    assert not np.any(coefs[:, 0])          # alpha_max: all zero
    assert np.any(coefs[:, 1])              # just below it: not
    assert np.all(gaps <= 1e-10)
    for k in [1, 4, 7]:
        m = _estimator(family, "elasticnet", 0.8, alpha=alphas[k], tol=1e-12).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], m.coef_, atol=1e-7)
        assert intercepts[k] == pytest.approx(m.intercept_, abs=1e-7)


def test_alpha_max_is_exact():
    for family in FAMILIES:
        X, y = _data(family, seed=11)
        amax = _alpha_max(family, X, y)
        above = _estimator(family, "l1", 1.0, alpha=amax * (1 + 1e-9), tol=1e-12).fit(X, y)
        below = _estimator(family, "l1", 1.0, alpha=amax * (1 - 1e-3), tol=1e-12).fit(X, y)
        assert not np.any(above.coef_) and np.any(below.coef_)
        assert above.intercept_ == pytest.approx(np.log(y.mean()), abs=1e-12)


@pytest.mark.parametrize("family", FAMILIES)
def test_options(family):
    """penalty_factor, exclude, standardize: the KKT of the factor-weighted problem."""
    X, y = _data(family, seed=12)
    p = X.shape[1]
    pf = np.linspace(0.5, 2.0, p)
    alpha = _alpha_max(family, X, y) / 8
    m = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13, penalty_factor=pf,
                   exclude=[0, 3]).fit(X, y)
    assert m.coef_[0] == 0 and m.coef_[3] == 0
    # pf rescaled to sum to p, excluded features counted as 1: feature j's L1 weight
    keep = np.setdiff1d(np.arange(p), [0, 3])
    f = pf * p / (pf[keep].sum() + 2)
    eta = X @ m.coef_ + m.intercept_
    dloss = np.exp(eta) - y if family == "poisson" else 1.0 - y * np.exp(-eta)
    g = X.T @ dloss / X.shape[0]
    w = m.coef_
    viol = np.where(w != 0, np.abs(g + alpha * f * np.sign(w)),
                    np.maximum(np.abs(g) - alpha * f, 0))[keep]
    assert viol.max() <= 1e-8
    # standardize: the same problem as the fit on the standardized columns
    sd = X.std(axis=0)
    a = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13, standardize=True).fit(X, y)
    b = _estimator(family, "l1", 1.0, alpha=alpha, tol=1e-13).fit(X / sd, y)
    np.testing.assert_allclose(a.coef_ * sd, b.coef_, atol=1e-7)


@pytest.mark.parametrize("family,y,match", [
    ("poisson", [-1.0, 2.0, 3.0, 0.0], "non-negative"),
    ("poisson", [0.0, 0.0, 0.0, 0.0], "zero for every sample"),
    ("poisson", [1.0, np.nan, 3.0, 0.0], "NaN"),
    ("gamma", [1.0, 0.0, 3.0, 2.0], "strictly positive"),
    ("gamma", [1.0, -2.0, 3.0, 2.0], "strictly positive"),
    ("gamma", [1.0, np.inf, 3.0, 2.0], "infinity"),
])
def test_bad_y(family, y, match):
    X = np.arange(8.0).reshape(4, 2)
    est = _estimator(family, "l1", 1.0, alpha=0.1)
    with pytest.raises(ValueError, match=match):
        est.fit(X, np.array(y))
    assert not hasattr(est, "coef_")
    with pytest.raises(ValueError, match=match):
        (poisson_path if family == "poisson" else gamma_path)(X, np.array(y), alphas=3)


def test_bad_params_and_untouched_inputs():
    X, y = _data("poisson", seed=13, n=40, p=8)
    X0, y0 = X.copy(), y.copy()
    with pytest.raises(ValueError, match="l1_ratio"):
        PoissonRegression("elasticnet").fit(X, y)
    with pytest.raises(ValueError, match="penalty"):
        PoissonRegression("group").fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        PoissonRegression(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="offset"):
        PoissonRegression().fit(X, y, offset=np.zeros(3))
    m = PoissonRegression("l1", alpha=0.01).fit(X, y, offset=np.zeros(40))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    state = dict(m.__dict__)
    with pytest.raises(ValueError):
        m.fit(X, -y - 1)
    assert m.__dict__.keys() == state.keys() and m.coef_ is state["coef_"]


def test_warm_start_and_clone():
    X, y = _data("gamma", seed=14)
    m = GammaRegression("l1", alpha=0.01, tol=1e-12, warm_start=True).fit(X, y)
    it_cold = m.n_iter_
    m.fit(X, y)
    assert m.n_iter_ <= it_cold
    c = clone(m)
    assert not hasattr(c, "coef_") and c.get_params() == m.get_params()


def test_exported():
    for name in ["PoissonRegression", "GammaRegression", "poisson_path", "gamma_path"]:
        assert name in penalized.__all__
        assert getattr(penalized.linear_model, name) is getattr(penalized, name)
    assert "PoissonRegressionCV" in penalized.__all__ and "GammaRegressionCV" in penalized.__all__


@parametrize_with_checks([PoissonRegression(), PoissonRegression("l1", alpha=0.01, tol=1e-10),
                          GammaRegression(),
                          GammaRegression("elasticnet", l1_ratio=0.5, alpha=0.1, tol=1e-13),
                          PoissonRegressionCV(cv=3, alphas=5),
                          GammaRegressionCV("elasticnet", l1_ratio=0.5, cv=3, alphas=5,
                                            alpha_selection="1se")],
                         expected_failed_checks=lambda est: {
                             c: "Repeating a sample changes the cross-validation folds, so "
                                "weights are not equivalent to repeated rows for a CV "
                                "estimator (as in test_estimator_checks.py)"
                             for c in ["check_sample_weight_equivalence_on_dense_data",
                                       "check_sample_weight_equivalence_on_sparse_data"]}
                         if isinstance(est, (PoissonRegressionCV, GammaRegressionCV)) else {})
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_gamma_gap_with_underflowing_dual_point():
    """No intercept, mu_i >> y_i for some samples: a_i = y_i / mu_i < 1e-16, where the
    conjugate's argument 1 + (a - 1) rounded to 0 (0 log 0 = NaN lost the t = 1 trial and
    the gap stalled at O(1)); the convex combination (1 - t) + t a keeps it exact."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 90)) * 0.4
    y = rng.gamma(2.0, np.exp(10 + X[:, :3].sum(1)) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # tol is relative to the null half deviance (2.6e4 here): 1e-12 asks for a gap
        # of 2.6e-8, far below the O(1) at which the lost t = 1 trial stalled
        m = GammaRegression("elasticnet", l1_ratio=0.5, alpha=2e-3, tol=1e-12,
                            fit_intercept=False).fit(X, y)
    a = y * np.exp(-X @ m.coef_)
    assert np.sum(a < 1e-16) >= 5         # the case this test is about
    assert m.dual_gap_ <= 1e-8
    assert _kkt("gamma", X, y, m.coef_, 0.0, 2e-3, 0.5, fit_intercept=False) <= 1e-5


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("selection", ["min", "1se"])
def test_cv_equals_brute_force(family, selection):
    """The CV curve, the chosen alpha and the refit equal a brute-force CV on the same folds
    (path per fold, held-out mean deviance recomputed in numpy, the 1-SE rule by hand)."""
    from sklearn.model_selection import KFold

    X, y = _data(family, seed=15, n=150, p=20)
    o = np.random.default_rng(15).uniform(-0.3, 0.3, X.shape[0])
    s = np.random.default_rng(16).uniform(0.5, 2.0, X.shape[0])
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    cls = PoissonRegressionCV if family == "poisson" else GammaRegressionCV
    cv = cls("l1", alphas=12, eps=1e-2, cv=folds, alpha_selection=selection, tol=1e-10).fit(
        X, y, sample_weight=s, offset=o)
    path = poisson_path if family == "poisson" else gamma_path
    grid = path(X, y, alphas=12, eps=1e-2, sample_weight=s, offset=o, tol=1e-10)[0]
    np.testing.assert_allclose(cv.alphas_, grid, rtol=1e-12)
    dev = np.empty((grid.size, len(folds)))
    for k, (tr, te) in enumerate(folds):
        _, C, B, _ = path(X[tr], y[tr], alphas=grid, sample_weight=s[tr], offset=o[tr],
                          tol=1e-10)
        eta = X[te] @ C + B + o[te][:, None]
        yt = y[te][:, None]
        if family == "poisson":
            d = 2 * (xlogy(yt, yt) - xlogy(yt, np.exp(eta)) - yt + np.exp(eta))
        else:
            d = 2 * (eta - np.log(yt) + yt * np.exp(-eta) - 1)
        dev[:, k] = s[te] @ d / s[te].sum()
    np.testing.assert_allclose(cv.deviance_path_, dev, rtol=1e-7, atol=1e-10)
    mean, se = dev.mean(1), dev.std(1, ddof=1) / 2.0
    best = int(np.argmin(mean))
    chosen = best if selection == "min" else int(np.flatnonzero(mean <= mean[best] + se[best])[0])
    assert cv.alpha_ == grid[chosen]
    ref = _estimator(family, "l1", 1.0, alpha=grid[chosen], tol=1e-10).fit(
        X, y, sample_weight=s, offset=o)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-8)
    assert cv.coef_path_.shape == (X.shape[1], grid.size)
    np.testing.assert_allclose(cv.coef_path_[:, chosen], cv.coef_, atol=1e-7)
    assert cv.predict(X, offset=o) == pytest.approx(ref.predict(X, offset=o), rel=1e-7)


def test_unpenalized_factor_is_fitted_unpenalized():
    """pf = 0 (tests/test_glm_free.py has the reference checks): feature 2 enters even
    where the penalty keeps every other at 0, and its optimality condition holds."""
    X, y = _data("poisson", seed=17, n=40, p=8)
    pf = np.ones(8)
    pf[2] = 0.0
    est = PoissonRegression("l1", alpha=10.0, penalty_factor=pf, tol=1e-10).fit(X, y)
    assert np.flatnonzero(est.coef_).tolist() == [2]
    assert est.kkt_violation_ <= 1e-6
