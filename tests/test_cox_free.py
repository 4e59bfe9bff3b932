"""Unpenalized features for Cox regression: penalty_factor 0, group weight 0, with
exclude; CoxRegression, cox_path, CoxRegressionCV and penalized.solvers.cox.

The native driver keeps them in every working set and hands them to each Newton
model's free block; the dual point is Theta = -grad l at a virtual linear
predictor with the unpenalized block refitted (so X_U^T Theta = 0 to rounding).
Checked against an independent reference written here: the Breslow partial
likelihood from the explicit risk-set matrix (no sorting, no cumulative sums) and
accelerated proximal gradient (FISTA with backtracking and restarts) in numpy.
"""
import numpy as np
import pytest
import scipy.sparse as sp

from penalized import CoxRegression, CoxRegressionCV, cox_path
from penalized import solvers

N, P = 120, 10
FREE = [0, 3]                       # unpenalized features
PF = np.ones(P)
PF[FREE] = 0.0
PF[5] = 2.0
PF_EFF = PF * P / PF.sum()          # as glmnet, the factors are rescaled to sum to p
GROUPS = np.repeat(np.arange(5), 2)
GW = np.r_[0.0, np.sqrt(2.0) * np.ones(4)]      # group 0 (features 0, 1) unpenalized


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, P))
    X[:, 0] += 2.0                   # a shifted and a wide unpenalized column
    X[:, 3] *= 3.0
    w = np.zeros(P)
    w[[0, 1, 3, 6]] = [0.5, -0.4, 0.2, 0.4]
    t = rng.exponential(np.exp(-X @ w))
    c = rng.exponential(2.0 * np.median(t), N)
    time = np.round(np.minimum(t, c), 1) + 0.1       # ties
    event = (t <= c).astype(float)
    return X, np.column_stack([time, event])


class Breslow:
    """1/n sum_{i: event} [log sum_{j: t_j >= t_i} exp(eta_j) - eta_i], by the
    explicit n x n risk-set matrix."""

    def __init__(self, y):
        t, e = y[:, 0], y[:, 1]
        self.R = (t[None, :] >= t[:, None]).astype(float)     # R[i, j]: j at risk at t_i
        self.e = e

    def value_grad(self, eta):
        m = eta.max()
        ex = np.exp(eta - m)
        S = self.R @ ex
        v = self.e @ (np.log(S) + m - eta)
        # d/d eta_j: sum_i e_i R_ij ex_j / S_i - e_j
        g = ex * (self.R.T @ (self.e / S)) - self.e
        return v / N, g / N


def _penalty(w, alpha, l1_ratio, pf=PF_EFF, groups=None, gw=None):
    if groups is None:
        return alpha * (l1_ratio * pf @ np.abs(w) + (1 - l1_ratio) / 2 * pf @ (w * w))
    out = 0.0
    for g, om in enumerate(gw):
        wg = w[groups == g]
        if om > 0:
            out += alpha * (l1_ratio * om * np.linalg.norm(wg) + (1 - l1_ratio) / 2 * wg @ wg)
    return out


def _objective(X, y, w, alpha, l1_ratio, **pen):
    return Breslow(y).value_grad(X @ w)[0] + _penalty(w, alpha, l1_ratio, **pen)


def _prox(w, step, alpha, l1_ratio, pf=PF_EFF, groups=None, gw=None, zero=()):
    if groups is None:
        thr = step * alpha * l1_ratio * pf
        out = np.sign(w) * np.maximum(np.abs(w) - thr, 0.0) / (1 + step * alpha
                                                                 * (1 - l1_ratio) * pf)
    else:
        out = w.copy()
        for g, om in enumerate(gw):
            if om == 0:
                continue
            idx = groups == g
            nv = np.linalg.norm(w[idx])
            shrink = max(0.0, 1 - step * alpha * l1_ratio * om / nv) if nv > 0 else 0.0
            out[idx] = shrink * w[idx] / (1 + step * alpha * (1 - l1_ratio))
    out[list(zero)] = 0.0
    return out


def _reference(X, y, alpha, l1_ratio, iters=20000, zero=(), **pen):
    """FISTA with backtracking and adaptive restart (the loss ignores a constant
    shift of eta: no intercept)."""
    loss = Breslow(y)

    def smooth(w):
        v, g = loss.value_grad(X @ w)
        return v, X.T @ g

    w = np.zeros(P)
    z, t, step, f_old = w.copy(), 1.0, 1.0, np.inf
    for _ in range(iters):
        v, g = smooth(z)
        while True:
            nw = _prox(z - step * g, step, alpha, l1_ratio, zero=zero, **pen)
            d = nw - z
            nv = smooth(nw)[0]
            if nv <= v + g @ d + d @ d / (2 * step) + 1e-15:
                break
            step *= 0.5
        f_new = nv + _penalty(nw, alpha, l1_ratio, **pen)
        if f_new > f_old:
            t, z = 1.0, w.copy()
            continue
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        z = nw + (t - 1) / t_new * (nw - w)
        w, t, f_old = nw, t_new, f_new
        step *= 1.2
    return w, f_old


ALPHA = 0.08
REF = {}


def _ref(l1_ratio, kind="factors"):
    if (l1_ratio, kind) not in REF:
        X, y = _data()
        if kind == "factors":
            REF[l1_ratio, kind] = _reference(X, y, ALPHA, l1_ratio)
        elif kind == "exclude":
            REF[l1_ratio, kind] = _reference(X, y, ALPHA, l1_ratio, zero=(2, 7))
        else:
            REF[l1_ratio, kind] = _reference(X, y, ALPHA, l1_ratio, groups=GROUPS, gw=GW)
    return REF[l1_ratio, kind]


def _model(l1_ratio, tol, **kw):
    if l1_ratio == 1.0:
        return CoxRegression("l1", alpha=ALPHA, tol=tol, **kw)
    return CoxRegression("elasticnet", alpha=ALPHA, l1_ratio=l1_ratio, tol=tol, **kw)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_unpenalized_features_match_reference(sparse, l1_ratio):
    X, y = _data()
    m = _model(l1_ratio, 1e-12, penalty_factor=PF).fit(sp.csc_matrix(X) if sparse else X, y)
    w_ref, f_ref = _ref(l1_ratio)
    f = _objective(X, y, m.coef_, ALPHA, l1_ratio)
    assert np.isfinite(m.dual_gap_) and m.dual_gap_ <= 1e-9
    assert f - f_ref <= m.dual_gap_ + 1e-12      # the gap bounds the suboptimality
    assert f_ref - f <= 1e-9                     # the reference is a first-order method
    np.testing.assert_allclose(m.coef_, w_ref, atol=2e-4)
    # the unpenalized features are fitted: their partial derivatives vanish
    g = X.T @ Breslow(y).value_grad(X @ m.coef_)[1]
    assert np.abs(g[FREE]).max() <= 1e-6
    assert np.all(m.coef_[FREE] != 0) and np.any(m.coef_ == 0)


@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-6])
def test_gap_bounds_suboptimality_at_loose_tol(tol):
    X, y = _data()
    m = _model(0.5, tol, penalty_factor=PF).fit(X, y)
    f = _objective(X, y, m.coef_, ALPHA, 0.5)
    assert np.isfinite(m.dual_gap_)
    assert f - _ref(0.5)[1] <= m.dual_gap_ * (1 + 1e-9) + 1e-13


def test_unpenalized_group_matches_reference():
    X, y = _data()
    m = CoxRegression("l1", alpha=ALPHA, groups=GROUPS, group_weights=GW, tol=1e-12).fit(X, y)
    w_ref, f_ref = _ref(1.0, "groups")
    f = _objective(X, y, m.coef_, ALPHA, 1.0, groups=GROUPS, gw=GW)
    assert m.dual_gap_ <= 1e-9
    assert f - f_ref <= m.dual_gap_ + 1e-12 and f_ref - f <= 1e-9
    np.testing.assert_allclose(m.coef_, w_ref, atol=2e-4)
    assert np.linalg.norm(m.coef_[:2]) > 0.1
    assert any(np.linalg.norm(m.coef_[GROUPS == g]) == 0 for g in range(1, 5))


def test_exclude_with_unpenalized_features():
    X, y = _data()
    m = _model(0.5, 1e-12, penalty_factor=PF, exclude=[2, 7]).fit(X, y)
    w_ref, f_ref = _ref(0.5, "exclude")
    assert m.coef_[2] == 0 and m.coef_[7] == 0
    f = _objective(X, y, m.coef_, ALPHA, 0.5)
    assert f - f_ref <= m.dual_gap_ + 1e-12 and f_ref - f <= 1e-9
    np.testing.assert_allclose(m.coef_, w_ref, atol=2e-4)


def test_path_starts_at_the_unpenalized_fit():
    X, y = _data()
    alphas, coefs, gaps = cox_path(X, y, penalty_factor=PF, alphas=8, eps=0.05, tol=1e-10)
    first = coefs[:, 0]
    pen = np.setdiff1d(np.arange(P), FREE)
    assert np.all(first[pen] == 0) and np.all(first[FREE] != 0)
    # alpha_max: the gradient of the penalized features at the unpenalized fit
    g = X.T @ Breslow(y).value_grad(X @ first)[1]
    np.testing.assert_allclose(alphas[0], np.max(np.abs(g[pen]) / PF_EFF[pen]), rtol=1e-5)
    assert np.linalg.norm(coefs[pen, 1]) > 0
    assert np.all(np.isfinite(gaps)) and np.all(gaps <= 1e-9)
    # each point agrees with the single fit at its alpha
    m = CoxRegression("l1", alpha=alphas[-1], penalty_factor=PF, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(coefs[:, -1], m.coef_, atol=1e-5)


def test_solvers_entry_and_cv():
    X, y = _data()
    sol = solvers.cox(X, y, ALPHA, l1_ratio=1.0, penalty_factor=PF, tol=1e-12)
    assert sol.converged
    np.testing.assert_allclose(sol.coef, _ref(1.0)[0], atol=2e-4)
    cv = CoxRegressionCV(penalty_factor=PF, alphas=6, cv=3).fit(X, y)
    assert np.all(cv.coef_[FREE] != 0)
    assert np.all(np.isfinite(cv.coef_path_))
    assert np.all(cv.coef_path_[FREE, 0] != 0)


def test_bounds_on_an_unpenalized_feature_are_a_clear_error():
    X, y = _data()
    lo = np.full(P, -np.inf)
    lo[0] = -1.0
    with pytest.raises(ValueError, match="unpenalized"):
        CoxRegression("l1", alpha=ALPHA, penalty_factor=PF, lower_bounds=lo,
                      upper_bounds=np.full(P, np.inf)).fit(X, y)



def test_efron_weights_strata_meet_the_optimality_conditions():
    """No explicit-risk-set reference for Efron: the optimality conditions from the
    numpy partial likelihood (penalized._cox.cox_loss, itself tested against explicit
    risk sets in test_cox.py)."""
    from penalized._cox import SurvivalStructure, cox_loss
    X, y = _data()
    rng = np.random.default_rng(3)
    sw = rng.uniform(0.5, 2.0, N)
    strata = rng.integers(0, 2, N)
    m = CoxRegression("elasticnet", alpha=ALPHA, l1_ratio=0.7, penalty_factor=PF,
                      ties="efron", tol=1e-12).fit(X, y, sample_weight=sw, strata=strata)
    assert m.dual_gap_ <= 1e-9
    st = SurvivalStructure(y[:, 0], y[:, 1], strata)
    _, th = cox_loss(X @ m.coef_, st, sw * N / sw.sum(), "efron", gradient=True)
    g = -(X.T @ th) / N + ALPHA * 0.3 * PF_EFF * m.coef_
    l1 = ALPHA * 0.7 * PF_EFF
    viol = np.where(m.coef_ != 0, np.abs(g + l1 * np.sign(m.coef_)),
                    np.maximum(np.abs(g) - l1, 0.0))
    assert viol.max() <= 1e-5 * ALPHA     # (gap 1e-13: |grad| ~ sqrt(2 h gap))
    assert np.all(m.coef_[FREE] != 0)
