"""Multinomial (softmax) logistic regression: optimum, certificate, path and estimator."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import (
    make_multiclass,
    multinomial_kkt_violation,
    multinomial_objective,
    multinomial_reference,
)

import penalized
from penalized._logistic import LogisticProblem

PENALTIES = [("l1", None, 1.0), ("elasticnet", 0.5, 0.5), ("l2", None, 0.0)]


def _alpha_max(X, codes, sample_weight=None, fit_intercept=True):
    Y = np.eye(codes.max() + 1)[codes]
    Xv = X if sp.issparse(X) else np.asfortranarray(X, dtype=np.float64)
    sw = None if sample_weight is None else sample_weight * len(codes) / np.sum(sample_weight)
    return LogisticProblem(Xv, Y, sw, fit_intercept).alpha_max(1.0)


def _null_objective(codes, alpha, rho):
    prior = np.bincount(codes) / len(codes)
    return -np.sum(prior * np.log(prior))


@pytest.mark.parametrize("penalty,l1_ratio,rho", PENALTIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_independent_reference(penalty, l1_ratio, rho, fit_intercept):
    X, codes = make_multiclass(seed=1)
    alpha = 0.1 * _alpha_max(X, codes) if rho > 0 else 0.05
    m = penalized.LogisticRegression(penalty, alpha=alpha, l1_ratio=l1_ratio,
                                     fit_intercept=fit_intercept, tol=1e-12).fit(X, codes)
    assert m.coef_.shape == (3, X.shape[1]) and m.intercept_.shape == (3,)
    W_ref, b_ref = multinomial_reference(X, codes, alpha, rho, fit_intercept=fit_intercept)
    ours = multinomial_objective(X, codes, m.coef_, m.intercept_, alpha, rho)
    ref = multinomial_objective(X, codes, W_ref, b_ref, alpha, rho)
    assert ours <= ref + 1e-9 * abs(ref)
    assert multinomial_kkt_violation(X, codes, m.coef_, m.intercept_, alpha, rho,
                                     fit_intercept=fit_intercept) < 1e-6
    # the certified gap bounds the distance to the optimum, which ref approaches from above
    assert ours - ref <= m.dual_gap_[0] + 1e-12
    assert m.dual_gap_[0] <= 1e-12 * _null_objective(codes, alpha, rho) + 1e-15
    assert abs(m.kkt_violation_[0] - multinomial_kkt_violation(
        X, codes, m.coef_, m.intercept_, alpha, rho, fit_intercept=fit_intercept)) < 1e-9


def test_gap_is_a_certificate_at_loose_tol():
    X, codes = make_multiclass(n=150, p=30, seed=3)
    alpha = 0.05 * _alpha_max(X, codes)
    loose = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-2).fit(X, codes)
    tight = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-13).fit(X, codes)
    f = lambda m: multinomial_objective(X, codes, m.coef_, m.intercept_, alpha, 1.0)
    assert 0 <= f(loose) - f(tight) <= loose.dual_gap_[0] + 1e-12
    assert loose.dual_gap_[0] <= 1e-2 * _null_objective(codes, alpha, 1.0)


@pytest.mark.parametrize("penalty,l1_ratio,rho", PENALTIES)
def test_matches_scikit_learn(penalty, l1_ratio, rho):
    from sklearn.linear_model import LogisticRegression as SkLR

    X, codes = make_multiclass(n=120, p=10, K=4, seed=5)
    n, C = X.shape[0], 0.5
    ours = penalized.LogisticRegression(penalty, C=C, l1_ratio=l1_ratio, tol=1e-12).fit(X, codes)
    solver = "lbfgs" if rho == 0 else "saga"
    sk = SkLR(C=C, l1_ratio=rho, solver=solver, tol=1e-13, max_iter=200000).fit(X, codes)
    alpha = 1.0 / (n * C)
    f_ours = multinomial_objective(X, codes, ours.coef_, ours.intercept_, alpha, rho)
    f_sk = multinomial_objective(X, codes, sk.coef_, sk.intercept_, alpha, rho)
    assert f_ours <= f_sk * (1 + 1e-9)
    assert f_sk - f_ours <= 1e-6 * f_sk
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_sparse_dense_float32_agree():
    X, codes = make_multiclass(n=100, p=40, density=0.3, seed=7)
    alpha = 0.05 * _alpha_max(X, codes)
    kw = dict(penalty="l1", alpha=alpha, tol=1e-12)
    sparse = penalized.LogisticRegression(**kw).fit(X, codes)
    dense = penalized.LogisticRegression(**kw).fit(X.toarray(), codes)
    c_order = penalized.LogisticRegression(**kw).fit(np.ascontiguousarray(X.toarray()), codes)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
    np.testing.assert_allclose(c_order.coef_, dense.coef_, atol=1e-8)
    f32 = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-6).fit(
        X.astype(np.float32), codes)
    assert multinomial_kkt_violation(X, codes, f32.coef_, f32.intercept_, alpha, 1.0) < 1e-4 * alpha


def test_sample_weights_equal_repeated_rows():
    X, codes = make_multiclass(n=60, p=8, seed=2)
    k = np.random.default_rng(0).integers(0, 3, X.shape[0])
    kw = dict(penalty="elasticnet", l1_ratio=0.7, C=2.0, tol=1e-13)
    wtd = penalized.LogisticRegression(**kw).fit(X, codes, sample_weight=k)
    rep = penalized.LogisticRegression(**kw).fit(np.repeat(X, k, axis=0), np.repeat(codes, k))
    np.testing.assert_allclose(wtd.coef_, rep.coef_, atol=1e-7)
    np.testing.assert_allclose(wtd.intercept_, rep.intercept_, atol=1e-7)
    assert multinomial_kkt_violation(X, codes, wtd.coef_, wtd.intercept_, wtd.alpha_, 0.7,
                                     sample_weight=k) < 1e-8


def test_large_alpha_gives_null_model():
    X, codes = make_multiclass(seed=4)
    amax = _alpha_max(X, codes)
    m = penalized.LogisticRegression("l1", alpha=amax * 1.0001, tol=1e-10).fit(X, codes)
    assert not np.any(m.coef_)
    prior = np.bincount(codes) / len(codes)
    np.testing.assert_allclose(m.predict_proba(X), np.tile(prior, (len(codes), 1)), atol=1e-9)
    assert abs(m.intercept_.sum()) < 1e-12        # intercepts normalised to sum to zero
    below = penalized.LogisticRegression("l1", alpha=amax * 0.9, tol=1e-10).fit(X, codes)
    assert np.any(below.coef_)


def test_path_every_point_certified_and_warm_start():
    X, codes = make_multiclass(n=80, p=60, K=4, density=0.2, seed=8)
    alphas, coefs, intercepts, gaps = penalized.logistic_path(
        X, codes, alphas=15, eps=1e-2, tol=1e-9)
    assert coefs.shape == (4, 60, 15) and intercepts.shape == (4, 15)
    for k, a in enumerate(alphas):
        assert multinomial_kkt_violation(X, codes, coefs[:, :, k], intercepts[:, k], a, 1.0) \
            < 1e-3 * a
    # (at this small alpha the data are nearly separable: tol=1e-12 would ask for a
    # relative KKT violation near the rounding floor of the correlations).  With an
    # even number of classes the L1 optimum is not unique (shifting a feature's row
    # over all classes leaves the softmax unchanged and the L1 median is an
    # interval), so objectives and probabilities are compared, not coefficients.
    single = penalized.LogisticRegression("l1", alpha=alphas[-1], tol=1e-10).fit(X, codes)
    f_path = multinomial_objective(X, codes, coefs[:, :, -1], intercepts[:, -1], alphas[-1], 1.0)
    f_single = multinomial_objective(X, codes, single.coef_, single.intercept_, alphas[-1], 1.0)
    assert abs(f_path - f_single) <= gaps[-1] + single.dual_gap_[0] + 1e-12
    cold = penalized.LogisticRegression("l1", alpha=alphas[5], tol=1e-11).fit(X, codes)
    warm = penalized.LogisticRegression("l1", alpha=alphas[4], tol=1e-11, warm_start=True)
    warm.fit(X, codes).set_params(alpha=alphas[5]).fit(X, codes)
    np.testing.assert_allclose(warm.predict_proba(X), cold.predict_proba(X), atol=1e-4)


def test_probabilities_and_ovr_option():
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.multiclass import OneVsRestClassifier

    X, codes = make_multiclass(n=100, p=6, seed=6)
    labels = np.array(["ant", "bee", "cat"])[codes]
    m = penalized.LogisticRegression(C=1.0, tol=1e-10).fit(X, labels)
    proba = m.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    scores = m.decision_function(X)
    np.testing.assert_allclose(proba, np.exp(scores) / np.exp(scores).sum(1, keepdims=True))
    np.testing.assert_array_equal(m.predict(X), m.classes_[np.argmax(scores, axis=1)])
    assert m.multi_class_ == "multinomial" and list(m.classes_) == ["ant", "bee", "cat"]
    ovr = penalized.LogisticRegression(C=1.0, tol=1e-12, multi_class="ovr").fit(X, labels)
    sk = OneVsRestClassifier(SkLR(C=1.0, tol=1e-12, max_iter=10000)).fit(X, labels)
    np.testing.assert_allclose(ovr.coef_, np.vstack([e.coef_ for e in sk.estimators_]),
                               rtol=1e-5, atol=1e-6)
    assert ovr.dual_gap_.shape == (3,) and m.dual_gap_.shape == (1,)


def test_bad_input():
    X, codes = make_multiclass(seed=0)
    with pytest.raises(ValueError, match="multi_class"):
        penalized.LogisticRegression(multi_class="softmax").fit(X, codes)
    with pytest.raises(ValueError, match="positive total sample weight"):
        w = np.ones(len(codes))
        w[codes == 2] = 0.0
        penalized.LogisticRegression().fit(X, codes, sample_weight=w)


def test_convergence_warning_states_gap_and_target():
    X, codes = make_multiclass(n=100, p=30, seed=9)
    alpha = 0.01 * _alpha_max(X, codes)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-14, max_iter=1).fit(X, codes)
    msgs = [str(w.message) for w in rec]
    assert any("duality gap" in s and "target" in s for s in msgs), msgs
    assert m.dual_gap_[0] > 1e-14 * _null_objective(codes, alpha, 1.0)
