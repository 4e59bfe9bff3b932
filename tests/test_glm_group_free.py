"""Unpenalized groups (group weight 0) in the GLM models with user-defined groups.

Their columns are the native driver's unpenalized features: the dual point is
projected onto X_c,U^T Theta = 0, and each Newton model's block solver gets them as
its unpenalized group (no group norm, no ridge term).  Checked against an
independent reference: accelerated proximal gradient (FISTA with restarts, block
soft-thresholding) in numpy, with the objective recomputed in numpy.
"""
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from conftest import glm_mean_loss
from penalized import (GammaRegression, LogisticRegression,
                       PoissonRegression, logistic_path)

N, P = 120, 15
GROUPS = np.repeat(np.arange(5), 3)
WEIGHTS = np.r_[0.0, np.sqrt(3.0) * np.ones(4)]     # group 0 (features 0-2) unpenalized
ALPHA = {"binomial": 0.05, "poisson": 0.1, "gamma": 0.2}   # some penalized group at 0


def _data(kind, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    X[:, 0] += 2.0                  # a shifted and a wide unpenalized column
    X[:, 1] *= 3.0
    w = np.zeros(P)
    w[:3] = [0.4, -0.2, 0.3]
    w[6:9] = 0.5
    eta = X @ w
    if kind == "binomial":
        y = (rng.random(N) < expit(eta)).astype(int)
    elif kind == "poisson":
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    else:
        y = rng.gamma(2.0, np.exp(0.5 * eta) / 2.0)
    return X, y


def _penalty(w, alpha, l1_ratio, weights=WEIGHTS, groups=GROUPS):
    out = 0.0
    for g, om in enumerate(weights):
        wg = w[groups == g]
        if om > 0:
            out += alpha * (l1_ratio * om * np.linalg.norm(wg)
                            + (1 - l1_ratio) / 2 * wg @ wg)
    return out


def _objective(kind, X, y, w, b, alpha, l1_ratio):
    return glm_mean_loss(kind, X @ w + b, y)[0] + _penalty(w, alpha, l1_ratio)


def _reference(kind, X, y, alpha, l1_ratio, iters=30000):
    """FISTA with backtracking and adaptive restart on (w, b)."""
    def smooth(w, b):
        v, r = glm_mean_loss(kind, X @ w + b, y)
        return v, X.T @ r, r.sum()

    def prox(w, step):
        out = w.copy()
        for g, om in enumerate(WEIGHTS):
            if om == 0:
                continue
            idx = GROUPS == g
            nv = np.linalg.norm(w[idx])
            shrink = max(0.0, 1 - step * alpha * l1_ratio * om / nv) if nv > 0 else 0.0
            out[idx] = shrink * w[idx] / (1 + step * alpha * (1 - l1_ratio))
        return out

    w = np.zeros(P)
    b = 0.0
    zw, zb, t, step = w.copy(), b, 1.0, 1.0
    f_old = np.inf
    for _ in range(iters):
        v, gw, gb = smooth(zw, zb)
        while True:
            nw, nb = prox(zw - step * gw, step), zb - step * gb
            nv = smooth(nw, nb)[0]
            dw, db = nw - zw, nb - zb
            if nv <= v + gw @ dw + gb * db + (dw @ dw + db * db) / (2 * step) + 1e-15:
                break
            step *= 0.5
        f_new = nv + _penalty(nw, alpha, l1_ratio)
        if f_new > f_old:              # restart
            t, zw, zb = 1.0, w.copy(), b
            continue
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        zw = nw + (t - 1) / t_new * (nw - w)
        zb = nb + (t - 1) / t_new * (nb - b)
        w, b, t, f_old = nw, nb, t_new, f_new
        step *= 1.2
    return w, b, f_old


def _estimator(kind, alpha, l1_ratio, tol, **kw):
    penalty = "l1" if l1_ratio == 1.0 else "elasticnet"
    common = dict(groups=GROUPS, group_weights=WEIGHTS, tol=tol, max_iter=1000, **kw)
    if l1_ratio < 1.0:
        common["l1_ratio"] = l1_ratio
    if kind == "binomial":
        return LogisticRegression(penalty=penalty, C=1.0 / (alpha * N), **common)
    cls = PoissonRegression if kind == "poisson" else GammaRegression
    return cls(penalty=penalty, alpha=alpha, **common)


def _fit(kind, X, y, alpha, l1_ratio, tol):
    m = _estimator(kind, alpha, l1_ratio, tol).fit(X, y)
    w = np.ravel(m.coef_).astype(np.float64)
    b = float(np.ravel(m.intercept_)[0])
    return m, w, b, float(np.ravel(m.dual_gap_)[0])


REF = {}


def _ref(kind, alpha, l1_ratio):
    key = (kind, alpha, l1_ratio)
    if key not in REF:
        X, y = _data(kind)
        REF[key] = _reference(kind, X, y, alpha, l1_ratio)
    return REF[key]


@pytest.mark.parametrize("kind", ["binomial", "poisson", "gamma"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_unpenalized_group_matches_reference(kind, sparse, l1_ratio):
    X, y = _data(kind)
    alpha = ALPHA[kind]
    m, w, b, gap = _fit(kind, sp.csc_matrix(X) if sparse else X, y, alpha, l1_ratio, 1e-12)
    w_ref, b_ref, f_ref = _ref(kind, alpha, l1_ratio)
    f = _objective(kind, X, y, w, b, alpha, l1_ratio)
    assert f - f_ref <= 1e-10
    assert f_ref - f <= 1e-9          # the reference is a first-order method
    assert f - f_ref <= gap + 1e-12   # the gap bounds the suboptimality
    np.testing.assert_allclose(w, w_ref, atol=2e-4)
    # the unpenalized group is fitted: its partial derivatives vanish
    _, r = glm_mean_loss(kind, X @ w + b, y)
    assert np.abs(X[:, :3].T @ r).max() <= 1e-5
    # and some penalized group is at 0 while the unpenalized one is not
    assert np.linalg.norm(w[:3]) > 0.1
    assert any(np.linalg.norm(w[GROUPS == g]) == 0 for g in range(1, 5))


@pytest.mark.parametrize("kind", ["binomial", "poisson", "gamma"])
@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-6])
def test_gap_bounds_suboptimality_at_loose_tol(kind, tol):
    X, y = _data(kind)
    alpha, l1_ratio = ALPHA[kind], 0.5
    m, w, b, gap = _fit(kind, X, y, alpha, l1_ratio, tol)
    f_ref = _ref(kind, alpha, l1_ratio)[2]
    f = _objective(kind, X, y, w, b, alpha, l1_ratio)
    assert np.isfinite(gap)
    assert f - f_ref <= gap * (1 + 1e-9) + 1e-13


def test_several_unpenalized_groups_are_one():
    X, y = _data("binomial")
    groups = np.r_[0, 1, 1, np.repeat(np.arange(2, 6), 3)]   # 0 and 1 both weight 0
    weights = np.r_[0.0, 0.0, np.sqrt(3.0) * np.ones(4)]
    merged = LogisticRegression(penalty="l1", C=1.0 / (0.05 * N), groups=GROUPS,
                                group_weights=WEIGHTS, tol=1e-12).fit(X, y)
    split = LogisticRegression(penalty="l1", C=1.0 / (0.05 * N), groups=groups,
                               group_weights=weights, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(split.coef_, merged.coef_, atol=1e-8)


def test_path_starts_at_the_unpenalized_fit():
    X, y = _data("binomial")
    alphas, coefs, _, gaps = logistic_path(X, y, alphas=5, groups=GROUPS, group_weights=WEIGHTS,
                                           tol=1e-10)
    first = coefs[..., 0].ravel()
    assert np.all(first[3:] == 0)          # every penalized group at 0 at alpha_max
    assert np.linalg.norm(first[:3]) > 0   # the unpenalized one fitted
    last = coefs[..., -1].ravel()
    assert np.linalg.norm(last[3:]) > 0
    assert np.all(np.isfinite(gaps)) and np.all(gaps <= 1e-9)


def test_weights_must_keep_one_penalized_group():
    X, y = _data("binomial")
    with pytest.raises(ValueError, match="at least one group must be penalized"):
        LogisticRegression(penalty="l1", groups=GROUPS, group_weights=np.zeros(5)).fit(X, y)


@pytest.mark.parametrize("kind", ["binomial", "poisson"])
def test_excluded_groups_stay_at_zero_and_match_the_reduced_problem(kind):
    """exclude= with groups (whole groups): the same fit as X without those columns."""
    X, y = _data(kind)
    groups = np.repeat(np.arange(5), 3)
    keep = groups != 2
    full = _estimator(kind, ALPHA[kind], 1.0, 1e-12).set_params(exclude=[6, 7, 8]).fit(X, y)
    reduced = _estimator(kind, ALPHA[kind], 1.0, 1e-12).set_params(
        groups=groups[keep], group_weights=WEIGHTS[[0, 1, 3, 4]]).fit(X[:, keep], y)
    coef = np.ravel(full.coef_)
    assert np.all(coef[~keep] == 0)
    np.testing.assert_allclose(coef[keep], np.ravel(reduced.coef_), atol=1e-8)


def test_exclude_must_cover_whole_groups():
    X, y = _data("binomial")
    with pytest.raises(ValueError, match="whole groups"):
        LogisticRegression(penalty="l1", groups=GROUPS, group_weights=WEIGHTS,
                           exclude=[3]).fit(X, y)
