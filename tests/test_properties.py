"""Property tests (hypothesis): random small problems, checked against independent numpy.

For random dense or sparse X, weights and intercept settings:

* the reported gap is a true certificate: the duality gap recomputed in numpy
  from the library's dual point is at most ``dual_gap_``, which is at most
  the ``tol`` target, and the KKT violation is within what that gap allows
  (||G||^2 <= 2 L gap for the gradient mapping G of an L-smooth loss);
* the objective is never above scikit-learn's (least squares) or an L-BFGS
  reference (logistic) by more than the certified gap;
* permuting the columns of X and scaling y by c (with the penalty rescaled so
  that c w is the solution) change the answer only within the gaps.

Derandomized, with a modest number of examples, so that CI is reproducible
and the file runs in seconds.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import linear_model as sklm

import penalized
from conftest import (
    enet_gap,
    enet_kkt_violation,
    enet_objective,
    logistic_kkt_violation,
    logistic_objective,
    logistic_reference,
)

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
TOL = 1e-8


@st.composite
def problems(draw, classification=False):
    n = draw(st.integers(3, 30))
    p = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    sparse = draw(st.booleans())
    weighted = draw(st.booleans())
    fit_intercept = draw(st.booleans())
    l1_ratio = draw(st.sampled_from([1.0, 0.9, 0.5, 0.1]))
    frac = draw(st.floats(0.005, 1.2))
    rng = np.random.default_rng(seed)
    if sparse:
        X = sp.random(n, p, density=0.5, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal)
        Xd = X.toarray()
    else:
        Xd = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p) + rng.normal(0, 2, p)
        X = np.asfortranarray(Xd)
    w = rng.standard_normal(p) * (rng.uniform(size=p) < 0.5)
    if classification:
        y = np.where(Xd @ w + rng.logistic(size=n) > 0, 1.0, -1.0)
        if np.unique(y).size < 2:
            y[0] = -y[0]
    else:
        y = Xd @ w + rng.standard_normal(n) + rng.normal(0, 3)
    sw = rng.uniform(0.1, 3.0, n) if weighted else None
    return dict(X=X, Xd=Xd, y=y, sw=sw, fit_intercept=fit_intercept, l1_ratio=l1_ratio,
                frac=frac, sparse=sparse)


def _s(sw, n):
    return np.ones(n) if sw is None else sw * n / sw.sum()


def _alpha_max(Xd, y, sw, fit_intercept, l1_ratio):
    n = len(y)
    s = _s(sw, n)
    Xc = Xd - (s @ Xd / n if fit_intercept else 0.0)
    yc = y - (s @ y / n if fit_intercept else 0.0)
    return max(np.abs(Xc.T @ (s * yc)).max() / (n * l1_ratio), 1e-3)


def _smoothness(Xd, sw, fit_intercept, l2):
    n = Xd.shape[0]
    s = _s(sw, n)
    Xc = Xd - (s @ Xd / n if fit_intercept else 0.0)
    return np.linalg.eigvalsh((Xc * s[:, None]).T @ Xc / n).max() + l2


def _fit(prob, alpha, X=None, y=None, l1_ratio=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return penalized.ElasticNet(
            alpha=alpha, l1_ratio=prob["l1_ratio"] if l1_ratio is None else l1_ratio,
            fit_intercept=prob["fit_intercept"], tol=TOL, max_iter=100_000,
        ).fit(prob["X"] if X is None else X, prob["y"] if y is None else y,
              sample_weight=prob["sw"])


def _unit(prob):
    """tol's unit: sum_i s_i (y_i - ybar)^2 / n."""
    y, n = prob["y"], len(prob["y"])
    s = _s(prob["sw"], n)
    yc = y - (s @ y / n if prob["fit_intercept"] else 0.0)
    return float(s @ (yc * yc) / n)


@PROPERTY
@given(problems())
def test_gap_is_a_certificate_and_bounds_kkt(prob):
    Xd, y, sw, rho = prob["Xd"], prob["y"], prob["sw"], prob["l1_ratio"]
    alpha = prob["frac"] * _alpha_max(Xd, y, sw, prob["fit_intercept"], rho)
    m = _fit(prob, alpha)
    unit = _unit(prob)
    assert np.all(np.isfinite(m.coef_))
    assert 0 <= m.dual_gap_ <= TOL * unit + 1e-300
    gap_np, _ = enet_gap(Xd, y, m.coef_, alpha, rho, sw, prob["fit_intercept"],
                         w_cert=m._dual_certificate)
    assert gap_np <= m.dual_gap_ + 1e-12 * max(unit, 1.0)
    L = _smoothness(Xd, sw, prob["fit_intercept"], alpha * (1 - rho))
    kkt = enet_kkt_violation(Xd, y, m.coef_, alpha, rho, sw, prob["fit_intercept"])
    assert kkt <= np.sqrt(2 * L * max(m.dual_gap_, 0.0)) * 1.01 + 1e-9 * max(unit, 1.0)


@PROPERTY
@given(problems())
def test_objective_not_above_sklearn(prob):
    Xd, y, sw, rho = prob["Xd"], prob["y"], prob["sw"], prob["l1_ratio"]
    alpha = prob["frac"] * _alpha_max(Xd, y, sw, prob["fit_intercept"], rho)
    m = _fit(prob, alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sklm.ElasticNet(alpha=alpha, l1_ratio=rho, fit_intercept=prob["fit_intercept"],
                              tol=1e-10, max_iter=100_000).fit(prob["X"], y, sample_weight=sw)
    ours = enet_objective(Xd, y, m.coef_, m.intercept_, alpha, rho, sw)
    theirs = enet_objective(Xd, y, ref.coef_, ref.intercept_, alpha, rho, sw)
    assert ours <= theirs + TOL * _unit(prob) + 1e-12 * max(abs(theirs), 1.0)


@PROPERTY
@given(problems(), st.randoms(use_true_random=False))
def test_invariant_to_column_permutation(prob, rnd):
    Xd, y, sw, rho = prob["Xd"], prob["y"], prob["sw"], prob["l1_ratio"]
    alpha = prob["frac"] * _alpha_max(Xd, y, sw, prob["fit_intercept"], rho)
    perm = list(range(Xd.shape[1]))
    rnd.shuffle(perm)
    Xp = prob["X"][:, perm]
    a, b = _fit(prob, alpha), _fit(prob, alpha, X=Xp)
    fa = enet_objective(Xd, y, a.coef_, a.intercept_, alpha, rho, sw)
    fb = enet_objective(Xd[:, perm], y, b.coef_, b.intercept_, alpha, rho, sw)
    assert abs(fa - fb) <= a.dual_gap_ + b.dual_gap_ + 1e-12 * max(fa, 1.0)
    if rho < 1:   # strongly convex (mu = alpha (1 - rho)): ||w_a - w_b||^2 <= 2 (gaps) / mu * 4
        mu = alpha * (1 - rho)
        bound = np.sqrt(8 * (a.dual_gap_ + b.dual_gap_) / mu) + 1e-9
        assert np.linalg.norm(a.coef_[perm] - b.coef_) <= bound


@PROPERTY
@given(problems(), st.sampled_from([1e-3, 0.5, 7.0, 1e4]))
def test_invariant_to_scaling_y(prob, c):
    """y -> c y with alpha * l1_ratio -> c alpha * l1_ratio (L2 part unchanged): w -> c w."""
    Xd, y, sw, rho = prob["Xd"], prob["y"], prob["sw"], prob["l1_ratio"]
    alpha = prob["frac"] * _alpha_max(Xd, y, sw, prob["fit_intercept"], rho)
    l1, l2 = alpha * rho, alpha * (1 - rho)
    alpha_c = c * l1 + l2
    rho_c = c * l1 / alpha_c
    a = _fit(prob, alpha)
    b = _fit(prob, alpha_c, y=c * y, l1_ratio=rho_c)
    fa = enet_objective(Xd, y, a.coef_, a.intercept_, alpha, rho, sw)
    fb = enet_objective(Xd, c * y, b.coef_, b.intercept_, alpha_c, rho_c, sw) / c ** 2
    fa_from_b = enet_objective(Xd, y, b.coef_ / c, b.intercept_ / c, alpha, rho, sw)
    assert fb == pytest.approx(fa_from_b, rel=1e-9, abs=1e-300)   # the map itself
    assert abs(fa - fb) <= a.dual_gap_ + b.dual_gap_ / c ** 2 + 1e-11 * max(fa, 1e-300)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(problems(classification=True))
def test_logistic_certificate_and_reference(prob):
    Xd, y, sw, rho = prob["Xd"], prob["y"], prob["sw"], prob["l1_ratio"]
    n = len(y)
    s = _s(sw, n)
    pos = (s * (y > 0)).sum() / n
    Xc = Xd - (s @ Xd / n if prob["fit_intercept"] else 0.0)
    theta0 = s * ((y > 0) - (pos if prob["fit_intercept"] else 0.5))
    alpha = prob["frac"] * max(np.abs(Xc.T @ theta0).max() / (n * rho), 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = penalized.LogisticRegression(
            penalty="elasticnet", alpha=alpha, l1_ratio=rho, fit_intercept=prob["fit_intercept"],
            tol=TOL, max_iter=500).fit(prob["X"], y, sample_weight=sw)
    w, b = m.coef_[0], m.intercept_[0]
    assert np.all(np.isfinite(w)) and np.isfinite(b)
    assert 0 <= m.dual_gap_[0] <= TOL * np.log(2) * 10   # tol * F(0, b0) <= tol * log 2
    ref_w, ref_b = logistic_reference(Xd, y, alpha, rho, sw, prob["fit_intercept"])
    ours = logistic_objective(Xd, y, w, b, alpha, rho, sw)
    theirs = logistic_objective(Xd, y, ref_w, ref_b, alpha, rho, sw)
    assert ours <= theirs + m.dual_gap_[0] + 1e-12
    # the loss is (max s / 4) ||x||^2-smooth: KKT within sqrt(2 L gap)
    L = s.max() / 4 * np.linalg.eigvalsh(Xd.T @ Xd / n).max() + alpha * (1 - rho) + s.max() / 4
    kkt = logistic_kkt_violation(Xd, y, w, b, alpha, rho, sw, prob["fit_intercept"])
    assert kkt <= np.sqrt(2 * L * m.dual_gap_[0]) * 1.01 + 1e-9
