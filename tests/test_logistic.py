"""Penalised logistic regression: optimum, certificate, inputs and estimator contract."""

import warnings

import numpy as np
import pytest
from conftest import (
    logistic_kkt_violation,
    logistic_objective,
    logistic_reference,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning

import penalized
from penalized._logistic import LogisticProblem

PENALTIES = [("l1", None), ("elasticnet", 0.5), ("l2", None)]


def _alpha(X, y, penalty, l1_ratio, frac=0.2, sample_weight=None):
    rho = {"l1": 1.0, "l2": 0.0}.get(penalty, l1_ratio)
    if rho == 0:
        return 0.05
    return frac * LogisticProblem(penalized.linear_model.check_X(X), y, sample_weight,
                                  True).alpha_max(rho) * 1.0


@pytest.mark.parametrize("penalty,l1_ratio", PENALTIES)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("density", [None, 0.3])
def test_matches_independent_reference(penalty, l1_ratio, fit_intercept, density):
    X, y = make_classification(density=density, seed=1)
    rho = {"l1": 1.0, "l2": 0.0}.get(penalty, l1_ratio)
    alpha = _alpha(X, y, penalty, l1_ratio)
    m = penalized.LogisticRegression(penalty, alpha=alpha, l1_ratio=l1_ratio,
                                     fit_intercept=fit_intercept, tol=1e-12).fit(X, y)
    w, b = m.coef_[0], m.intercept_[0]
    w_ref, b_ref = logistic_reference(X, y, alpha, rho, fit_intercept=fit_intercept)
    ours = logistic_objective(X, y, w, b, alpha, rho)
    ref = logistic_objective(X, y, w_ref, b_ref, alpha, rho)
    assert ours <= ref + 1e-9 * abs(ref)
    assert logistic_kkt_violation(X, y, w, b, alpha, rho, fit_intercept=fit_intercept) < 1e-7
    # the reported gap bounds the distance to the optimum, which ref approximates from above
    assert ours - ref <= m.dual_gap_[0] + 1e-12
    assert m.dual_gap_[0] <= 1e-12 * logistic_objective(X, y, 0 * w, np.log(
        np.mean(y > 0) / np.mean(y < 0)) if fit_intercept else 0.0, alpha, rho) + 1e-15


def test_gap_is_a_certificate_at_loose_tol():
    """At a loose tol the returned gap still upper-bounds F(w) - F* (F* from a tight fit)."""
    X, y = make_classification(n=120, p=60, seed=3)
    alpha = _alpha(X, y, "l1", None, frac=0.05)
    loose = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-2).fit(X, y)
    tight = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-13).fit(X, y)
    f = lambda m: logistic_objective(X, y, m.coef_[0], m.intercept_[0], alpha, 1.0)
    assert 0 <= f(loose) - f(tight) <= loose.dual_gap_[0] + 1e-12
    null = logistic_objective(X, y, np.zeros(60), np.log(np.mean(y > 0) / np.mean(y < 0)),
                              alpha, 1.0)
    assert loose.dual_gap_[0] <= 1e-2 * null


@pytest.mark.parametrize("penalty,l1_ratio", PENALTIES)
def test_agrees_with_sklearn(penalty, l1_ratio):
    from sklearn.linear_model import LogisticRegression as SkLR

    X, y = make_classification(n=100, p=20, seed=2)
    C = 0.5
    rho = {"l1": 1.0, "l2": 0.0}.get(penalty, l1_ratio)
    ours = penalized.LogisticRegression(penalty, C=C, l1_ratio=l1_ratio, tol=1e-12).fit(X, y)
    solver = "lbfgs" if rho == 0 else "saga"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = SkLR(C=C, l1_ratio=rho, solver=solver, tol=1e-12, max_iter=100000).fit(X, y)
    alpha = 1.0 / (C * X.shape[0])
    f_ours = logistic_objective(X, y, ours.coef_[0], ours.intercept_[0], alpha, rho)
    f_sk = logistic_objective(X, y, sk.coef_[0], sk.intercept_[0], alpha, rho)
    assert f_ours <= f_sk + 1e-9 * f_sk
    assert abs(f_ours - f_sk) <= 1e-6 * f_sk
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_sparse_equals_dense_and_float32():
    X, y = make_classification(n=90, p=40, density=0.25, seed=4)
    alpha = _alpha(X, y, "l1", None, frac=0.1)
    dense = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(X.toarray(), y)
    sparse = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-7, atol=1e-10)
    c_order = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12).fit(
        np.ascontiguousarray(X.toarray()), y)
    np.testing.assert_allclose(c_order.coef_, dense.coef_, rtol=1e-7, atol=1e-10)
    f32 = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-6).fit(
        X.astype(np.float32), y)
    np.testing.assert_allclose(f32.coef_, dense.coef_, atol=1e-3)


def test_sample_weight_and_C_mapping():
    X, y = make_classification(n=70, p=15, seed=5)
    sw = np.random.default_rng(0).uniform(0.5, 3.0, size=70)
    C = 0.3
    by_c = penalized.LogisticRegression("l1", C=C, tol=1e-12).fit(X, y, sample_weight=sw)
    by_alpha = penalized.LogisticRegression("l1", alpha=1 / (C * sw.sum()), tol=1e-12).fit(
        X, y, sample_weight=sw)
    np.testing.assert_allclose(by_c.coef_, by_alpha.coef_, rtol=1e-9, atol=1e-12)
    assert by_c.alpha_ == pytest.approx(1 / (C * sw.sum()))
    # integer weights are repeated rows
    k = np.random.default_rng(1).integers(1, 4, size=70)
    rep = penalized.LogisticRegression("l1", C=C, tol=1e-12).fit(np.repeat(X, k, 0), np.repeat(y, k))
    wtd = penalized.LogisticRegression("l1", C=C, tol=1e-12).fit(X, y, sample_weight=k)
    np.testing.assert_allclose(wtd.coef_, rep.coef_, rtol=1e-7, atol=1e-9)
    w, b = wtd.coef_[0], wtd.intercept_[0]
    assert logistic_kkt_violation(X, y, w, b, wtd.alpha_, 1.0, sample_weight=k) < 1e-8


def test_class_weight_matches_sklearn():
    from sklearn.linear_model import LogisticRegression as SkLR

    X, y = make_classification(n=120, p=10, seed=6)
    y = np.where(y > 0, "yes", "no")
    ours = penalized.LogisticRegression(C=0.7, class_weight="balanced", tol=1e-12).fit(X, y)
    sk = SkLR(C=0.7, class_weight="balanced", tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-5, atol=1e-6)
    assert list(ours.classes_) == ["no", "yes"]
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)


def test_large_alpha_gives_zero_and_intercept_only():
    X, y = make_classification(seed=7)
    amax = _alpha(X, y, "l1", None, frac=1.0)
    m = penalized.LogisticRegression("l1", alpha=amax * 1.01).fit(X, y)
    assert not np.any(m.coef_)
    assert m.intercept_[0] == pytest.approx(np.log(np.mean(y > 0) / np.mean(y < 0)))
    m2 = penalized.LogisticRegression("l1", alpha=amax * 0.9).fit(X, y)
    assert np.any(m2.coef_)


def test_separable_data_finite_with_penalty():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((40, 5))
    y = np.where(X[:, 0] > 0, 1, 0)       # perfectly separable
    for penalty in ("l1", "l2"):
        m = penalized.LogisticRegression(penalty, C=100.0, tol=1e-10).fit(X, y)
        assert np.all(np.isfinite(m.coef_)) and m.dual_gap_[0] < 1e-6
        assert logistic_kkt_violation(X, np.where(y > 0, 1.0, -1.0), m.coef_[0],
                                      m.intercept_[0], m.alpha_,
                                      1.0 if penalty == "l1" else 0.0) < 1e-6


def test_multiclass_one_vs_rest():
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.multiclass import OneVsRestClassifier

    rng = np.random.default_rng(9)
    X = rng.standard_normal((150, 6))
    y = np.argmax(X[:, :3] + 0.5 * rng.standard_normal((150, 3)), axis=1)
    ours = penalized.LogisticRegression(C=1.0, tol=1e-12, multi_class="ovr").fit(X, y)
    sk = OneVsRestClassifier(SkLR(C=1.0, tol=1e-12, max_iter=10000)).fit(X, y)
    assert ours.coef_.shape == (3, 6)
    np.testing.assert_allclose(ours.coef_, np.vstack([e.coef_ for e in sk.estimators_]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)


def test_logistic_path_every_point_certified():
    X, y = make_classification(n=100, p=200, density=0.1, seed=10)
    alphas, coefs, intercepts, gaps = penalized.logistic_path(
        X, y, alphas=20, eps=1e-2, tol=1e-8)
    assert coefs.shape == (200, 20) and np.all(np.diff(alphas) < 0)
    for k, a in enumerate(alphas):
        assert logistic_kkt_violation(X, y, coefs[:, k], intercepts[k], a, 1.0) < 1e-3 * a
    single = penalized.LogisticRegression("l1", alpha=alphas[-1], tol=1e-8).fit(X, y)
    f = lambda w, b: logistic_objective(X, y, w, b, alphas[-1], 1.0)
    assert abs(f(coefs[:, -1], intercepts[-1]) - f(single.coef_[0], single.intercept_[0])) \
        <= gaps[-1] + single.dual_gap_[0] + 1e-12
    # Cs is the same grid in scikit-learn's units
    alphas_c = penalized.logistic_path(X, y, Cs=1 / (alphas[:3] * 100), tol=1e-8)[0]
    np.testing.assert_allclose(alphas_c, alphas[:3])


def test_warm_start_and_convergence_warning():
    X, y = make_classification(n=100, p=50, seed=11)
    m = penalized.LogisticRegression("l1", C=1.0, warm_start=True, tol=1e-10).fit(X, y)
    first = m.n_iter_[0]
    m.fit(X, y)
    assert m.n_iter_[0] <= 1 < first
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        penalized.LogisticRegression("l1", C=10.0, max_iter=1, tol=1e-14).fit(X, y)


@pytest.mark.parametrize("kwargs,match", [
    ({"penalty": "l3"}, "penalty"),
    ({"penalty": "elasticnet"}, "l1_ratio"),
    ({"penalty": "l1", "l1_ratio": 0.5}, "contradicts"),
    ({"alpha": 1.0, "C": 1.0}, "not both"),
    ({"C": 0.0}, "C must be"),
    ({"alpha": -1.0}, "alpha must be"),
    ({"tol": -1.0}, "tol must be"),
])
def test_bad_parameters(kwargs, match):
    X, y = make_classification()
    with pytest.raises(ValueError, match=match):
        penalized.LogisticRegression(**kwargs).fit(X, y)


def test_bad_labels():
    X, y = make_classification()
    with pytest.raises(ValueError, match="one class"):
        penalized.LogisticRegression().fit(X, np.ones_like(y))
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        penalized.LogisticRegression().fit(X, y_nan)
    with pytest.raises(ValueError, match="Unknown label type"):
        penalized.LogisticRegression().fit(X, np.linspace(0, 1, X.shape[0]))
    with pytest.raises(ValueError, match="one class"):
        penalized.logistic_path(X, np.zeros(X.shape[0]))
    with pytest.raises(ValueError, match="Unknown label type"):
        penalized.logistic_path(X, np.linspace(0, 1, X.shape[0]))


def test_inputs_not_modified():
    X, y = make_classification(density=0.3)
    Xc, yc = X.copy(), y.copy()
    sw = np.ones(X.shape[0])
    penalized.LogisticRegression("l1", C=1.0).fit(X, y, sample_weight=sw)
    assert (X != Xc).nnz == 0 and np.array_equal(y, yc) and np.all(sw == 1)


def test_shared_data_agrees_with_liblinear():
    from conftest import load_shared
    from sklearn.svm import l1_min_c  # noqa: F401  (sklearn present)

    X, y = load_shared("leukemia_golub")
    X = (X - X.mean(0)) / X.std(0)
    y = np.where(y == y.max(), 1.0, -1.0)
    amax = LogisticProblem(np.asfortranarray(X), y, None, True).alpha_max(1.0)
    m = penalized.LogisticRegression("l1", alpha=amax / 10, tol=1e-10).fit(X, y)
    assert logistic_kkt_violation(X, y, m.coef_[0], m.intercept_[0], amax / 10, 1.0) \
        <= 1e-4 * amax / 10
    assert m.kkt_violation_[0] == pytest.approx(
        logistic_kkt_violation(X, y, m.coef_[0], m.intercept_[0], amax / 10, 1.0),
        rel=1e-3, abs=1e-12)
