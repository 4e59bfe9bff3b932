"""Cox proportional hazards regression on the native GLM engine.

Objective (s rescaled to sum to n, eta = X w + offset, no intercept):
    1/n l(eta) + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2,
    Breslow l = sum_{i: d_i = 1} s_i [log sum_{j in R(t_i)} s_j exp(eta_j) - eta_i],
    Efron: each tie block's events share the partial removal of their own weight.
Checked against a plain O(n^2) numpy implementation (value, gradient, the diagonal
of the Hessian, Fenchel-Young for the conjugate), the duality gap against
independent solves (scipy L-BFGS for L2, numpy proximal gradient for L1),
scikit-survival's CoxnetSurvivalAnalysis and lifelines' CoxPHFitter (skipped when
absent), and scikit-learn's estimator checks.
"""

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp
from sklearn.utils.estimator_checks import parametrize_with_checks

import penalized
from penalized import CoxRegression, CoxRegressionCV, concordance_index, cox_path
from penalized._core import cox_terms
from penalized._cox import SurvivalStructure, check_survival, cox_loss, native_cox_loss


def _brute(eta, time, event, s, strata=None, efron=False):
    """l(eta), its gradient and the diagonal of its Hessian by explicit risk sets."""
    n = eta.shape[0]
    codes = np.zeros(n, int) if strata is None else strata
    w = s * np.exp(eta)
    val, g, h = 0.0, np.zeros(n), np.zeros(n)
    for c in np.unique(codes):
        for t in np.unique(time[(event == 1) & (codes == c)]):
            R = (time >= t) & (codes == c)
            D = (time == t) & (event == 1) & (codes == c)
            nd, Dw = int(np.sum(D & (s > 0))), s[D].sum()
            if Dw == 0:
                continue
            val -= (s * eta)[D].sum()
            g[D] -= s[D]
            for l in range(nd if efron and nd > 1 else 1):
                coef = (np.where(D, 1.0 - l / nd, 1.0) if efron and nd > 1 else 1.0) * R
                Z = (coef * w).sum()
                m = Dw / nd if efron and nd > 1 else Dw
                val += m * np.log(Z)
                g += m * coef * w / Z
                h += m * (coef * w / Z - (coef * w / Z) ** 2)
    return val, g, h


def _survival(n=120, p=20, seed=0, ties=True, rho=0.3):
    rng = np.random.default_rng(seed)
    C = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    w = np.zeros(p)
    w[:5] = [0.8, -0.6, 0.4, 0.3, -0.5][:min(p, 5)]
    t = rng.exponential(np.exp(-X @ w))
    c = rng.exponential(1.5, n)
    time = np.minimum(t, c)
    if ties:
        time = np.round(time, 1)
    event = (t <= c).astype(float)
    return X, time, event


def _objective(X, time, event, w, alpha, l1_ratio, s=None, offset=None, strata=None,
               ties="breslow"):
    n = X.shape[0]
    s = np.ones(n) if s is None else np.asarray(s, float) * n / np.sum(s)
    eta = np.asarray(X @ w).ravel() + (0.0 if offset is None else offset)
    val = _brute(eta, time, event, s, strata, ties == "efron")[0]
    return val / n + alpha * l1_ratio * np.abs(w).sum() + alpha * (1 - l1_ratio) / 2 * w @ w


# ---------------------------------------------------------------------------
# The loss
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("efron", [False, True])
def test_native_and_numpy_loss_match_risk_sets(seed, efron):
    """Value, gradient and Hessian diagonal (native), value and gradient (numpy layer),
    against explicit risk sets; with ties, strata, weights (some 0)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 50))
    time = rng.integers(0, 6, n).astype(float)
    event = (rng.random(n) < 0.6).astype(float)
    event[0] = 1.0
    s = rng.uniform(0.2, 2.0, n)
    s[rng.random(n) < 0.15] = 0.0
    s[0] = 1.0
    s *= n / s.sum()
    eta = 2.0 * rng.standard_normal(n) + (40.0 if seed == 3 else 0.0)
    strata = rng.integers(0, 3, n) if seed % 2 else None
    st = SurvivalStructure(time, event, strata)
    v0, g0, h0 = _brute(eta, time, event, s, strata, efron)
    v1, g1, h1, th, conj = cox_terms(eta, event, s, st.order, st.blk_ptr, st.strat_ptr, efron,
                                     1.0)
    ties = "efron" if efron else "breslow"
    v2, th2 = cox_loss(eta, st, s, ties, gradient=True)
    # the Python layer's loss (null loss, alpha_max, KKT check, CV): the native sums
    v3, th3 = native_cox_loss(eta, st, s, ties, gradient=True)
    scale = 1.0 + abs(v0)
    assert abs(v1 - v0) <= 1e-12 * scale and abs(v2 - v0) <= 1e-12 * scale
    assert abs(v3 - v0) <= 1e-12 * scale and native_cox_loss(eta, st, s, ties) == v3
    np.testing.assert_allclose(g1, g0, atol=1e-12)
    np.testing.assert_allclose(-th, g0, atol=1e-12)
    np.testing.assert_allclose(-th2, g0, atol=1e-12)
    np.testing.assert_allclose(-th3, g0, atol=1e-12)
    # the curvature is floored at 1e-10 per unit weight
    np.testing.assert_allclose(h1, np.maximum(h0, 1e-10 * s), atol=1e-12)
    # theta sums to 0 in every stratum (no intercept needed)
    codes = np.zeros(n, int) if strata is None else strata
    assert np.abs(np.bincount(codes, th)).max() <= 1e-12 * n
    # Fenchel-Young: the conjugate at t = 1 is exact, l*(grad) = grad.eta - l(eta)
    assert abs(conj - (g0 @ eta - v0)) <= 1e-10 * (1.0 + abs(conj))


@pytest.mark.parametrize("efron", [False, True])
@pytest.mark.parametrize("t", [0.9, 0.5, 0.1])
def test_conjugate_bounds_the_true_conjugate(efron, t):
    """conj(t) is an upper bound on l*(-t Theta): no eta' has v.eta' - l(eta') above
    it (scipy maximises that concave function)."""
    rng = np.random.default_rng(int(10 * t) + efron)
    n = 25
    time = rng.integers(0, 5, n).astype(float)
    event = (rng.random(n) < 0.7).astype(float)
    s = rng.uniform(0.5, 1.5, n)
    eta = rng.standard_normal(n)
    st = SurvivalStructure(time, event)
    _, g, _, th, conj = cox_terms(eta, event, s, st.order, st.blk_ptr, st.strat_ptr, efron, t)
    v = -t * th

    def neg(e):
        val, grad, _ = _brute(e, time, event, s, None, efron)
        return -(v @ e - val), -(v - grad)

    res = scipy.optimize.minimize(neg, eta, jac=True, method="L-BFGS-B",
                                  options=dict(maxiter=5000, gtol=1e-12, ftol=1e-15))
    assert -res.fun <= conj + 1e-9 * (1 + abs(conj))


# ---------------------------------------------------------------------------
# The certificate against independent solves
# ---------------------------------------------------------------------------

def _prox_grad_l1(X, time, event, alpha, l1_ratio, s, ties, iters=20000):
    """FISTA on the L1 / elastic-net Cox objective, numpy only (the reference)."""
    n, p = X.shape
    st = SurvivalStructure(time, event)
    L = 0.25 * np.linalg.norm(X, 2) ** 2 / n * 4 + alpha * (1 - l1_ratio)

    def grad(w):
        _, th = cox_loss(X @ w, st, s, ties, gradient=True)
        return -(X.T @ th) / n + alpha * (1 - l1_ratio) * w

    w = np.zeros(p)
    z, tk = w.copy(), 1.0
    for _ in range(iters):
        u = z - grad(z) / L
        w_new = np.sign(u) * np.maximum(np.abs(u) - alpha * l1_ratio / L, 0.0)
        t_new = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
        z = w_new + (tk - 1) / t_new * (w_new - w)
        w, tk = w_new, t_new
    return w


@pytest.mark.parametrize("ties", ["breslow", "efron"])
@pytest.mark.parametrize("penalty,l1_ratio", [("l1", 1.0), ("elasticnet", 0.5), ("l2", 0.0)])
@pytest.mark.parametrize("tol", [1e-3, 1e-6])
def test_gap_bounds_suboptimality(ties, penalty, l1_ratio, tol):
    X, time, event = _survival(n=80, p=12, seed=3)
    n = X.shape[0]
    s = np.random.default_rng(1).uniform(0.5, 2.0, n)
    s *= n / s.sum()
    P = penalized._cox.CoxProblem(np.asfortranarray(X), time, event, None, ties=ties)
    alpha = 0.1 * P.alpha_max(1.0)
    kw = {} if penalty != "elasticnet" else {"l1_ratio": l1_ratio}
    m = CoxRegression(penalty, alpha=alpha, tol=tol, ties=ties, **kw).fit(
        X, np.c_[time, event], sample_weight=s)
    F = _objective(X, time, event, m.coef_, alpha, l1_ratio, s, ties=ties)
    if l1_ratio == 0:
        st = SurvivalStructure(time, event)

        def f(w):
            v, th = cox_loss(X @ w, st, s, ties, gradient=True)
            return v / n + alpha / 2 * w @ w, -(X.T @ th) / n + alpha * w

        ref = scipy.optimize.minimize(f, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B",
                                      options=dict(maxiter=10000, gtol=1e-13, ftol=1e-16)).x
    else:
        ref = _prox_grad_l1(X, time, event, alpha, l1_ratio, s, ties, iters=4000)
    F_ref = _objective(X, time, event, ref, alpha, l1_ratio, s, ties=ties)
    null = _objective(X, time, event, np.zeros(X.shape[1]), alpha, l1_ratio, s, ties=ties)
    assert m.dual_gap_ >= 0
    assert m.dual_gap_ <= tol * null
    # the certificate: F - F* <= gap (F_ref >= F*, up to its own rounding)
    assert F - F_ref <= m.dual_gap_ + 1e-12 * abs(F)
    if tol <= 1e-6:
        assert abs(F - F_ref) <= 1e-6 * null


def test_gap_certificate_random_problems():
    """Many random problems (strata, offset, weights, ties): the native gap at a loose
    tol bounds F - F(tight fit) (the tight fit's own gap added)."""
    rng = np.random.default_rng(7)
    for k in range(25):
        n, p = int(rng.integers(20, 70)), int(rng.integers(2, 15))
        X = rng.standard_normal((n, p))
        time = rng.integers(1, 10, n).astype(float)
        event = (rng.random(n) < 0.6).astype(float)
        event[0] = 1
        s = rng.uniform(0.1, 2.0, n)
        o = 0.3 * rng.standard_normal(n)
        strata = rng.integers(0, 2, n) if k % 2 else None
        ties = "efron" if k % 3 == 0 else "breslow"
        l1_ratio = [1.0, 0.5, 0.0][k % 3]
        pen = {1.0: "l1", 0.5: "elasticnet", 0.0: "l2"}[l1_ratio]
        kw = {"l1_ratio": 0.5} if pen == "elasticnet" else {}
        alpha = 10 ** rng.uniform(-3, -0.5)
        y = np.c_[time, event]
        loose = CoxRegression(pen, alpha=alpha, tol=1e-2, ties=ties, **kw).fit(
            X, y, sample_weight=s, offset=o, strata=strata)
        tight = CoxRegression(pen, alpha=alpha, tol=1e-12, ties=ties, **kw).fit(
            X, y, sample_weight=s, offset=o, strata=strata)
        Fl = _objective(X, time, event, loose.coef_, alpha, l1_ratio, s, o, strata, ties)
        Ft = _objective(X, time, event, tight.coef_, alpha, l1_ratio, s, o, strata, ties)
        assert Fl - Ft <= loose.dual_gap_ + tight.dual_gap_ + 1e-12 * abs(Fl), k
        assert tight.kkt_violation_ <= 1e-4, k


# ---------------------------------------------------------------------------
# Peers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_agrees_with_scikit_survival_coxnet(l1_ratio):
    """CoxnetSurvivalAnalysis(l1_ratio=r, alphas=[a]) minimises the same Breslow
    objective with the same alpha (unit weights): the objectives, recomputed in
    numpy, agree to 1e-9 and ours is not above."""
    sk = pytest.importorskip("sksurv.linear_model")
    from sksurv.util import Surv
    X, time, event = _survival(n=150, p=15, seed=1)
    y = Surv.from_arrays(event.astype(bool), time)
    P = penalized._cox.CoxProblem(np.asfortranarray(X), time, event)
    alpha = 0.1 * P.alpha_max(1.0)
    ours = CoxRegression("elasticnet", alpha=alpha, l1_ratio=l1_ratio, tol=1e-12).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = sk.CoxnetSurvivalAnalysis(l1_ratio=l1_ratio, alphas=[alpha], tol=1e-12,
                                         max_iter=1000000).fit(X, y)
    F0 = _objective(X, time, event, ours.coef_, alpha, l1_ratio)
    F1 = _objective(X, time, event, peer.coef_[:, 0], alpha, l1_ratio)
    assert F0 <= F1 + 1e-12
    assert F1 - F0 <= 1e-9 * F0
    np.testing.assert_allclose(ours.coef_, peer.coef_[:, 0], atol=1e-5)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_agrees_with_lifelines(l1_ratio):
    """lifelines' CoxPHFitter(penalizer=c, l1_ratio=r) (Efron) minimises
    -loglik / n + c (r |v|_1 + (1 - r)/2 ||v||^2) in the coefficients v of the
    columns it standardizes with pandas' std (ddof=1), |.| smoothed: on X
    standardized that way, alpha = c.  Pure L2 agrees to 1e-9 in F; with L1 ours
    is the lower objective (lifelines' smoothing stops short)."""
    lifelines = pytest.importorskip("lifelines")
    import pandas as pd
    X, time, event = _survival(n=150, p=8, seed=2)
    Xs = (X - X.mean(0)) / X.std(0, ddof=1)
    c = 0.05
    df = pd.DataFrame(Xs, columns=[f"x{j}" for j in range(Xs.shape[1])])
    df["T"], df["E"] = time, event
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = lifelines.CoxPHFitter(penalizer=c, l1_ratio=l1_ratio).fit(
            df, "T", "E", fit_options={"precision": 1e-14, "max_steps": 500})
    wp = peer.params_.values
    pen = "l2" if l1_ratio == 0 else "elasticnet"
    kw = {} if l1_ratio == 0 else {"l1_ratio": l1_ratio}
    ours = CoxRegression(pen, alpha=c, ties="efron", tol=1e-12, **kw).fit(Xs, np.c_[time, event])
    F0 = _objective(Xs, time, event, ours.coef_, c, l1_ratio, ties="efron")
    F1 = _objective(Xs, time, event, wp, c, l1_ratio, ties="efron")
    assert F0 <= F1 + 1e-12
    if l1_ratio == 0:
        assert F1 - F0 <= 1e-9 * F0
        np.testing.assert_allclose(ours.coef_, wp, atol=1e-5)
    else:
        assert F1 - F0 <= 1e-4 * F0


def test_concordance_matches_peers():
    X, time, event = _survival(n=200, p=5, seed=4)
    risk = np.round(X[:, 0], 1)        # tied risks too
    ours = concordance_index(time, event, risk)
    # an O(n^2) count of the definition
    num = den = 0.0
    for i in range(len(time)):
        if event[i] != 1:
            continue
        comp = (time > time[i]) | ((time == time[i]) & (event == 0))
        den += comp.sum()
        num += np.sum(comp & (risk[i] > risk)) + 0.5 * np.sum(comp & (risk[i] == risk))
    assert ours == pytest.approx(num / den, abs=1e-14)
    # weighted: a pair counts s_i s_j; integer weights = repeated rows
    sw = np.random.default_rng(0).integers(0, 3, len(time))
    rep_c = concordance_index(time.repeat(sw), event.repeat(sw), risk.repeat(sw))
    assert concordance_index(time, event, risk, sample_weight=sw) == pytest.approx(
        rep_c, abs=1e-14)
    try:
        from sksurv.metrics import concordance_index_censored
    except ImportError:
        concordance_index_censored = None
    if concordance_index_censored is not None:
        assert ours == pytest.approx(
            concordance_index_censored(event.astype(bool), time, risk)[0], abs=1e-12)
    try:
        from lifelines.utils import concordance_index as ll_cindex
    except ImportError:
        ll_cindex = None
    if ll_cindex is not None:
        assert ours == pytest.approx(ll_cindex(time, -risk, event), abs=1e-12)


def test_baseline_survival_matches_breslow_estimator():
    """Breslow's baseline: H0(t) = sum_{event times <= t} D_b / sum_{R_b} exp(eta_j)."""
    X, time, event = _survival(n=60, p=4, seed=5)
    m = CoxRegression(alpha=0.05, tol=1e-10).fit(X, np.c_[time, event])
    eta = X @ m.coef_
    ut = np.unique(time[event == 1])
    H = np.cumsum([np.sum(event[time == t]) / np.exp(eta[time >= t]).sum() for t in ut])
    np.testing.assert_allclose(m.unique_times_, ut)
    np.testing.assert_allclose(m.baseline_cumulative_hazard_, H, rtol=1e-12)
    S = m.predict_survival_function(X[:3])
    np.testing.assert_allclose(S, np.exp(-H[None, :] * np.exp(eta[:3, None])), rtol=1e-12)
    assert np.all(np.diff(S, axis=1) <= 0)
    try:
        from sksurv.linear_model.coxph import BreslowEstimator
    except ImportError:
        return
    be = BreslowEstimator().fit(eta, event.astype(bool), time)
    np.testing.assert_allclose(be.cum_baseline_hazard_(ut), H, rtol=1e-10)


# ---------------------------------------------------------------------------
# Options and equivalences
# ---------------------------------------------------------------------------

def test_weights_equal_repeated_rows_breslow():
    X, time, event = _survival(n=40, p=5, seed=6)
    sw = np.random.default_rng(0).integers(0, 3, 40)
    a = CoxRegression("l1", alpha=0.02, tol=1e-13).fit(X, np.c_[time, event],
                                                       sample_weight=sw.astype(float))
    b = CoxRegression("l1", alpha=0.02, tol=1e-13).fit(
        X.repeat(sw, 0), np.c_[time.repeat(sw), event.repeat(sw)])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)


def test_offset_equals_a_fixed_coefficient():
    """An offset o = x_0 * 0.7 equals a feature whose coefficient is fixed at 0.7:
    fit on X[:, 1:] with offset vs the objective; and shifting eta by a constant per
    stratum (no intercept) changes nothing."""
    X, time, event = _survival(n=80, p=6, seed=8)
    o = 0.7 * X[:, 0]
    m = CoxRegression("l1", alpha=0.01, tol=1e-12).fit(X[:, 1:], np.c_[time, event], offset=o)
    m2 = CoxRegression("l1", alpha=0.01, tol=1e-12).fit(X[:, 1:], np.c_[time, event],
                                                        offset=o + 5.0)
    np.testing.assert_allclose(m.coef_, m2.coef_, atol=1e-6)
    assert m.kkt_violation_ <= 1e-6
    np.testing.assert_allclose(m.predict(X[:, 1:], offset=o), X[:, 1:] @ m.coef_ + o)


def test_strata_equal_separate_risk_sets():
    """Strata: the loss is the sum of the strata's losses; time relabelling within one
    stratum does not change the others."""
    X, time, event = _survival(n=90, p=5, seed=9)
    strata = np.repeat(["a", "b", "c"], 30)
    m = CoxRegression(alpha=0.05, tol=1e-12).fit(X, np.c_[time, event], strata=strata)
    F = _objective(X, time, event, m.coef_, 0.05, 0.0, strata=np.repeat([0, 1, 2], 30))
    F_nostrata = _objective(X, time, event, m.coef_, 0.05, 0.0)
    assert F != pytest.approx(F_nostrata)
    # optimality of the stratified objective, by its numpy gradient
    st = SurvivalStructure(time, event, np.repeat([0, 1, 2], 30))
    _, th = cox_loss(X @ m.coef_, st, np.ones(90), gradient=True)
    assert np.abs(-(X.T @ th) / 90 + 0.05 * m.coef_).max() <= 1e-6
    assert set(m.baseline_cumulative_hazard_) == {"a", "b", "c"}
    S = m.predict_survival_function(X[:4], strata=["a", "b", "c", "a"])
    assert S.shape == (4, m.unique_times_.size) and np.all((S > 0) & (S <= 1))
    with pytest.raises(ValueError, match="strata"):
        m.predict_survival_function(X[:4])


@pytest.mark.parametrize("efron", [False, True])
def test_path_equals_single_fits_and_alpha_max(efron):
    X, time, event = _survival(n=100, p=10, seed=10)
    ties = "efron" if efron else "breslow"
    alphas, coefs, gaps = cox_path(X, np.c_[time, event], alphas=8, eps=1e-2, ties=ties,
                                   tol=1e-10)
    assert np.all(coefs[:, 0] == 0) and np.any(coefs[:, 1] != 0)
    for k in [1, 4, 7]:
        m = CoxRegression("l1", alpha=alphas[k], ties=ties, tol=1e-10).fit(X, np.c_[time, event])
        np.testing.assert_allclose(m.coef_, coefs[:, k], atol=1e-5)
    assert np.all(gaps >= 0)


def test_sparse_float32_standardize_penalty_factor_groups():
    X, time, event = _survival(n=100, p=8, seed=11)
    y = np.c_[time, event]
    dense = CoxRegression("l1", alpha=0.02, tol=1e-12).fit(X, y)
    sparse = CoxRegression("l1", alpha=0.02, tol=1e-12).fit(sp.csc_matrix(X), y)
    np.testing.assert_allclose(dense.coef_, sparse.coef_, atol=1e-7)
    f32 = CoxRegression("l1", alpha=0.02, tol=1e-6).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(dense.coef_, f32.coef_, atol=1e-3)
    # standardize = columns scaled to unit sd and coefficients mapped back
    sd = X.std(0)
    st = CoxRegression("l1", alpha=0.02, tol=1e-12, standardize=True).fit(X, y)
    ref = CoxRegression("l1", alpha=0.02, tol=1e-12).fit(X / sd, y)
    np.testing.assert_allclose(st.coef_, ref.coef_ / sd, atol=1e-6)
    pf = np.r_[np.full(4, 0.5), np.full(4, 1.5)]
    m = CoxRegression("l1", alpha=0.02, tol=1e-12, penalty_factor=pf).fit(X, y)
    assert m.kkt_violation_ <= 1e-6
    ex = CoxRegression("l1", alpha=0.02, tol=1e-12, exclude=[0, 1]).fit(X, y)
    assert ex.coef_[0] == 0 and ex.coef_[1] == 0 and ex.kkt_violation_ <= 1e-6
    g = CoxRegression("l1", alpha=0.05, tol=1e-10, groups=[0, 0, 1, 1, 2, 2, 3, 3]).fit(X, y)
    G = g.coef_.reshape(4, 2)
    norms = np.linalg.norm(G, axis=1)
    assert g.kkt_violation_ <= 1e-6
    # whole groups leave the model: each group is all zero or all non-zero, and some are 0
    assert np.all((norms == 0) | np.all(G != 0, axis=1)) and np.any(norms == 0)


def test_columns_far_from_zero_stay_finite():
    """A column shifted by 1e4 and one scaled by 1e3: the fit is that of the centred
    columns (the loss ignores a constant shift of eta), the predictions finite, no
    numpy warning (the baseline is kept as its log)."""
    X, time, event = _survival(n=100, p=6, seed=3)
    Xs = X.copy()
    Xs[:, 0] *= 1e3
    Xs[:, 1] += 1e4
    y = np.c_[time, event]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = CoxRegression("l1", alpha=0.01, tol=1e-10).fit(Xs, y)
        S = m.predict_survival_function(Xs[:5])
    ref = CoxRegression("l1", alpha=0.01, tol=1e-10).fit(Xs - Xs.mean(0), y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-5, atol=1e-9)
    assert np.all(np.isfinite(S)) and np.all((S >= 0) & (S <= 1))
    assert m.kkt_violation_ <= 1e-6


def test_warm_start_and_cv_options():
    X, time, event = _survival(n=120, p=6, seed=14)
    y = np.c_[time, event]
    m = CoxRegression("l1", alpha=0.02, tol=1e-10, warm_start=True).fit(X, y)
    cold = CoxRegression("l1", alpha=0.019, tol=1e-10).fit(X, y)
    m.set_params(alpha=0.019).fit(X, y)
    np.testing.assert_allclose(m.coef_, cold.coef_, atol=1e-6)
    assert m.n_iter_ <= cold.n_iter_
    sw = np.linspace(0.5, 2.0, 120)
    o = 0.1 * X[:, 5]
    strata = np.arange(120) % 2
    cv = CoxRegressionCV(cv=3, alphas=8, ties="efron", tol=1e-8).fit(
        X, y, sample_weight=sw, offset=o, strata=strata)
    ref = CoxRegression("l1", alpha=cv.alpha_, ties="efron", tol=1e-8).fit(
        X, y, sample_weight=sw, offset=o, strata=strata)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-6)
    assert np.all(np.isfinite(cv.cv_mean_))


def test_structured_y_and_bad_input():
    X, time, event = _survival(n=30, p=3, seed=12)
    struct = np.array(list(zip(event.astype(bool), time)),
                      dtype=[("status", "?"), ("t", "<f8")])
    a = CoxRegression(alpha=0.1, tol=1e-12).fit(X, struct)
    b = CoxRegression(alpha=0.1, tol=1e-12).fit(X, np.c_[time, event])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    m = CoxRegression()
    with pytest.raises(ValueError, match="non-negative"):
        m.fit(X, np.c_[-time, event])
    with pytest.raises(ValueError, match="no event"):
        m.fit(X, np.c_[time, np.zeros(30)])
    with pytest.raises(ValueError, match="0/1"):
        m.fit(X, np.c_[time, event * 2])
    with pytest.raises(ValueError, match="NaN"):
        m.fit(X, np.c_[np.where(np.arange(30) == 3, np.nan, time), event])
    with pytest.raises(ValueError, match="numeric"):
        m.fit(X, np.array([("a", True)] * 30, dtype=[("t", "U1"), ("e", "?")]))
    with pytest.raises(ValueError, match="y"):
        m.fit(X, np.c_[time, event, event])
    with pytest.raises(ValueError, match="ties"):
        CoxRegression(ties="exact").fit(X, struct)
    with pytest.raises(ValueError, match="positive sample_weight"):
        m.fit(X, struct, sample_weight=1.0 - event)
    assert not hasattr(m, "coef_")       # failures leave the estimator as it was
    y = np.c_[time, event]
    y0 = y.copy()
    CoxRegression(alpha=0.1).fit(X, y)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("scoring", ["deviance", "concordance"])
def test_cv_picks_alpha_and_stores_path(scoring):
    X, time, event = _survival(n=200, p=15, seed=13)
    y = np.c_[time, event]
    cv = CoxRegressionCV(alphas=12, cv=4, scoring=scoring, tol=1e-7).fit(X, y)
    assert cv.cv_values_.shape == (12, 4) and np.all(np.isfinite(cv.cv_mean_))
    assert cv.coef_path_.shape == (15, 12)
    assert cv.alpha_1se_ >= cv.alpha_min_
    best = np.argmax(cv.cv_mean_) if scoring == "concordance" else np.argmin(cv.cv_mean_)
    assert cv.alpha_min_ == cv.alphas_[best]
    np.testing.assert_allclose(cv.coef_, cv.coef_path_[:, best], atol=1e-4)
    # the true signal is found: the first features carry most of the weight
    assert np.count_nonzero(cv.coef_[:5]) >= 4
    assert 0.5 < cv.score(X, y) <= 1.0
    cv1 = CoxRegressionCV(alphas=12, cv=4, scoring=scoring, alpha_selection="1se",
                          tol=1e-7).fit(X, y)
    assert cv1.alpha_ == cv1.alpha_1se_


def test_public_names():
    for name in ["CoxRegression", "CoxRegressionCV", "cox_path", "concordance_index"]:
        assert name in penalized.__all__
    assert penalized.linear_model.CoxRegression is CoxRegression
    assert check_survival(np.c_[[1.0, 2.0], [1, 0]])[1].tolist() == [1.0, 0.0]


_WEIGHT_REASON = (
    "Weighted and repeated fits agree to the certified accuracy (dual gap ~1e-12, "
    "|dw| <= sqrt(2 gap / alpha)), not to the check's rtol 1e-7: the diagonal-Hessian "
    "Newton model (sparse X; dense X gets the block's full Hessian under Breslow ties) "
    "converges linearly and stops at F's rounding (the equivalence is "
    "tested at 1e-6 in test_weights_equal_repeated_rows_breslow); with Efron ties, "
    "repeating an event makes a tie, which is not the same as its weight, and a CV "
    "estimator's folds change with repetition.")


@parametrize_with_checks(
    [CoxRegression(tol=1e-12), CoxRegression("l1", alpha=0.05, tol=1e-12),
     CoxRegression("elasticnet", l1_ratio=0.5, alpha=0.05, ties="efron", tol=1e-12),
     CoxRegressionCV(cv=3, alphas=5)],
    expected_failed_checks=lambda est: {} if est.penalty == "l1" and est.ties == "breslow"
    and isinstance(est, CoxRegression) else {
        "check_sample_weight_equivalence_on_sparse_data": _WEIGHT_REASON}
    if est.ties == "breslow" and isinstance(est, CoxRegression) else {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHT_REASON,
        "check_sample_weight_equivalence_on_sparse_data": _WEIGHT_REASON},
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
