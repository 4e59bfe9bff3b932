"""Per-feature penalty factors and excluded features in the native GLM driver.

Problem (binomial K = 1, softmax K >= 2; n F units divided by n):
    1/n sum_i f_i(eta_i) + alpha * sum_j f1_j (rho pen1(W_j)) + alpha (1 - rho)/2 f2_j ||W_j||^2
Checked against the optimality conditions recomputed in numpy, against the
equivalent problem with rescaled columns, and against the fit without the
excluded columns.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_classification, make_multiclass

from penalized._logistic import LogisticProblem, solve_logistic


def _problem(X, labels, K):
    Xv = X.tocsc() if sp.issparse(X) else np.asfortranarray(X, dtype=np.float64)
    y = np.where(labels > 0, 1.0, -1.0) if K == 1 else np.eye(K)[labels]
    return LogisticProblem(Xv, y, None, True)


def _labelled(K, seed, n=80, p=15):
    """Dense X and integer labels: a binary (K = 1 predictor) or a K-class problem."""
    if K == 1:
        X, y = make_classification(n=n, p=p, seed=seed)
        return X, (y > 0).astype(int)
    return make_multiclass(n=n, p=p, K=K, seed=seed)


def _solve(pb, alpha, rho, factors, tol=1e-13):
    """The native driver with raw factors (l1_weights, l2_weights, excluded)."""
    p, K = pb.n_features, pb.n_outputs
    W = np.zeros((p, K))
    pb.factors = factors
    info = solve_logistic(pb, W, pb.b0.copy(), alpha, rho,
                          tol_abs=tol * pb.n_samples * pb.null_loss, max_iter=200)
    return W, info


def _gradient(X, labels, W, b, K):
    """d/dW of 1/n sum_i f_i (p, K), and d/db (K,), in numpy."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    E = Xd @ W + b
    if K == 1:
        y = np.where(labels > 0, 1.0, -1.0)
        r = -y / (1.0 + np.exp(y * E[:, 0]))
        G = (Xd.T @ r / n)[:, None]
        return G, np.array([r.sum() / n])
    E = E - E.max(axis=1, keepdims=True)
    P = np.exp(E) / np.exp(E).sum(axis=1, keepdims=True)
    D = (P - np.eye(K)[labels]) / n
    return Xd.T @ D, D.sum(axis=0)


def _kkt(X, labels, W, b, K, alpha, rho, f1, f2, excluded=None):
    """Largest violation of the entrywise optimality conditions (excluded features skipped)."""
    G, gb = _gradient(X, labels, W, b, K)
    G = G + alpha * (1 - rho) * f2[:, None] * W
    l1 = alpha * rho * f1[:, None]
    viol = np.where(W != 0, np.abs(G + l1 * np.sign(W)), np.maximum(np.abs(G) - l1, 0.0))
    if excluded is not None:
        viol = viol[~excluded]
    return max(float(viol.max()), float(np.abs(gb).max()))


CASES = [(1, None), (1, 0.3), (3, None), (3, 0.3)]


@pytest.mark.parametrize("K,density", CASES)
@pytest.mark.parametrize("rho", [1.0, 0.6])
def test_penalty_factors_meet_the_optimality_conditions(K, density, rho):
    if K == 1:
        X, y = make_classification(n=90, p=25, density=density, seed=31)
        labels = (y > 0).astype(int)
    else:
        X, labels = make_multiclass(n=90, p=25, K=K, seed=31)
        if density is not None:
            X = sp.random(90, 25, density=density, format="csc", random_state=3,
                          data_rvs=np.random.default_rng(3).standard_normal)
    pb = _problem(X, labels, K)
    f1 = np.random.default_rng(0).uniform(0.2, 3.0, 25)
    f2 = np.random.default_rng(1).uniform(0.2, 3.0, 25)
    alpha = 0.05 * pb.alpha_max(1.0)
    W, info = _solve(pb, alpha, rho, dict(l1_weights=f1, l2_weights=f2))
    assert info["gap"] <= 1e-13 * pb.n_samples * pb.null_loss
    assert _kkt(X, labels, W, info["b"], K, alpha, rho, f1, f2) < 1e-6 * alpha
    # the factors change the answer (the test would pass vacuously otherwise)
    W1, _ = _solve(pb, alpha, rho, None)
    assert np.abs(W - W1).max() > 1e-3


@pytest.mark.parametrize("K", [1, 3])
def test_l1_factors_equal_rescaled_columns(K):
    """With L1 only, factor f_j on column x_j is the plain problem on x_j / f_j (w_j f_j)."""
    X, labels = _labelled(K, 32)
    f = np.random.default_rng(2).uniform(0.5, 2.0, 15)
    pb = _problem(X, labels, K)
    alpha = 0.1 * pb.alpha_max(1.0)
    W, _ = _solve(pb, alpha, 1.0, dict(l1_weights=f))
    pb_scaled = _problem(np.asarray(X) / f, labels, K)
    V, _ = _solve(pb_scaled, alpha, 1.0, None)
    np.testing.assert_allclose(W * f[:, None], V, atol=1e-7)


@pytest.mark.parametrize("K", [1, 3])
def test_excluded_features_stay_zero_and_the_rest_is_the_reduced_fit(K):
    X, labels = _labelled(K, 33)
    excluded = np.zeros(15, dtype=bool)
    excluded[[0, 4, 9]] = True
    pb = _problem(X, labels, K)
    alpha = 0.05 * pb.alpha_max(1.0)
    W, info = _solve(pb, alpha, 1.0, dict(excluded=excluded))
    assert np.all(W[excluded] == 0)
    reduced = _problem(np.asarray(X)[:, ~excluded], labels, K)
    V, _ = _solve(reduced, alpha, 1.0, None)
    np.testing.assert_allclose(W[~excluded], V, atol=1e-7)
    ones = np.ones(15)
    assert _kkt(X, labels, W, info["b"], K, alpha, 1.0, ones, ones, excluded) < 1e-6 * alpha


def test_factor_arguments_are_checked():
    X, y = make_classification(n=30, p=5, seed=34)
    pb = _problem(X, (y > 0).astype(int), 1)
    for bad in (np.ones(4), -np.ones(5), np.full(5, np.nan), np.zeros(5)):
        with pytest.raises(ValueError, match="l1_weights"):
            _solve(pb, 0.01, 1.0, dict(l1_weights=bad))
    with pytest.raises(ValueError, match="excluded"):
        _solve(pb, 0.01, 1.0, dict(excluded=np.zeros(3, dtype=bool)))


# -- the estimator's options ---------------------------------------------------

import penalized  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("penalty", ["l1", "elasticnet"])
def test_estimator_penalty_factor_kkt(K, penalty):
    X, labels = make_multiclass(n=100, p=20, K=K, seed=35)
    pf = np.random.default_rng(4).uniform(0.3, 2.0, 20)
    rho = 1.0 if penalty == "l1" else 0.5
    kw = dict(penalty=penalty, C=5.0, tol=1e-13, l1_ratio=None if penalty == "l1" else rho)
    m = penalized.LogisticRegression(penalty_factor=pf, **kw).fit(X, labels)
    plain = penalized.LogisticRegression(**kw).fit(X, labels)
    f = pf * 20 / pf.sum()         # glmnet's rescaling to sum p
    W = m.coef_.T if K > 2 else m.coef_.T
    Kp = 1 if K == 2 else K
    assert _kkt(X, labels, W, m.intercept_, Kp, m.alpha_, rho, f, f) < 1e-6 * m.alpha_
    assert m.kkt_violation_.max() < 1e-6 * m.alpha_
    assert np.abs(m.coef_ - plain.coef_).max() > 1e-3


@pytest.mark.parametrize("K", [2, 3])
def test_estimator_standardize_equals_the_fit_on_standardized_columns(K):
    X, labels = make_multiclass(n=100, p=10, K=K, seed=36)
    X = X * np.random.default_rng(5).uniform(0.1, 10.0, 10)
    sd = X.std(axis=0)
    m = penalized.LogisticRegression("l1", C=2.0, standardize=True, tol=1e-13).fit(X, labels)
    ref = penalized.LogisticRegression("l1", C=2.0, tol=1e-13).fit(
        (X - X.mean(axis=0)) / sd, labels)
    np.testing.assert_allclose(m.coef_ * sd, ref.coef_, atol=1e-7)
    np.testing.assert_allclose(m.predict_proba(X), ref.predict_proba((X - X.mean(0)) / sd),
                               atol=1e-8)


def test_estimator_exclude_and_errors():
    X, labels = make_multiclass(n=80, p=10, K=3, seed=37)
    m = penalized.LogisticRegression("l1", C=5.0, exclude=[1, 7], tol=1e-12).fit(X, labels)
    assert np.all(m.coef_[:, [1, 7]] == 0)
    assert np.any(m.coef_ != 0)
    # pf = 0 is an unpenalized feature (tests/test_glm_free.py checks it against a
    # reference); with a finite limit on it, a clear error
    free = penalized.LogisticRegression("l1", C=0.01, penalty_factor=np.r_[0.0, np.ones(9)],
                                        tol=1e-10).fit(X, labels)
    assert np.all(free.coef_[:, 0] != 0) and not np.any(free.coef_[:, 1:])
    with pytest.raises(ValueError, match="lower_bounds"):
        penalized.LogisticRegression("l1", penalty_factor=np.r_[0.0, np.ones(9)],
                                     lower_bounds=0.0).fit(X, labels)
    with pytest.raises(ValueError, match="penalty_factor"):
        penalized.LogisticRegression("l1", penalty_factor=np.ones(3)).fit(X, labels)
    with pytest.raises(ValueError, match="exclude"):
        penalized.LogisticRegression("l1", exclude=[12]).fit(X, labels)


def test_path_with_options_matches_single_fits():
    X, labels = make_multiclass(n=80, p=10, K=2, seed=38)
    pf = np.linspace(0.5, 2.0, 10)
    alphas, coefs, _, gaps = penalized.logistic_path(X, labels, alphas=5, eps=0.05,
                                                     penalty_factor=pf, tol=1e-12)
    for k in [0, 2, 4]:
        m = penalized.LogisticRegression("l1", alpha=alphas[k], penalty_factor=pf,
                                         tol=1e-12).fit(X, labels)
        np.testing.assert_allclose(coefs[:, k], m.coef_[0], atol=1e-6)
    assert np.all(coefs[:, 0] == 0)      # the grid starts at alpha_max with the factors
    assert np.any(coefs[:, 1] != 0)


@parametrize_with_checks([penalized.LogisticRegression("l1", C=10.0, tol=1e-12, standardize=True)])
def test_sklearn_contract_with_standardize(estimator, check):
    check(estimator)


# -- glmnet's offset -----------------------------------------------------------

@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("penalty", ["l1", "group"])
def test_offset_meets_the_optimality_conditions(K, penalty):
    X, labels = make_multiclass(n=100, p=15, K=K, seed=39)
    Kp = 1 if K == 2 else K
    rng = np.random.default_rng(6)
    offset = rng.normal(size=(100, Kp)) if Kp > 1 else rng.normal(size=100)
    m = penalized.LogisticRegression(penalty, C=3.0, tol=1e-13).fit(X, labels, offset=offset)
    plain = penalized.LogisticRegression(penalty, C=3.0, tol=1e-13).fit(X, labels)
    o = offset.reshape(100, Kp)
    W = m.coef_.T
    if penalty == "l1":
        # numpy KKT with eta = X W + b + offset: the offset enters the gradient only
        Xd = np.asarray(X, dtype=np.float64)
        E = Xd @ W + m.intercept_ + o
        if Kp == 1:
            y = np.where(labels > 0, 1.0, -1.0)
            r = (-y / (1.0 + np.exp(y * E[:, 0])))[:, None]
        else:
            E = E - E.max(axis=1, keepdims=True)
            P = np.exp(E) / np.exp(E).sum(axis=1, keepdims=True)
            r = P - np.eye(K)[labels]
        G, gb = Xd.T @ r / 100, r.sum(axis=0) / 100
        l1 = m.alpha_
        viol = np.where(W != 0, np.abs(G + l1 * np.sign(W)), np.maximum(np.abs(G) - l1, 0))
        assert max(viol.max(), np.abs(gb).max()) < 1e-6 * l1
    assert m.kkt_violation_.max() < 1e-6 * m.alpha_
    assert np.abs(m.coef_ - plain.coef_).max() > 1e-3
    # predictions take the same offset
    np.testing.assert_allclose(m.decision_function(X, offset=offset).reshape(100, -1),
                               np.asarray(X) @ m.coef_.T + m.intercept_ + o, atol=1e-12)
    assert m.predict_proba(X, offset=offset).shape == (100, K)


@pytest.mark.parametrize("K", [2, 3])
def test_constant_offset_moves_only_the_intercept(K):
    """A constant offset c (all samples, all classes alike) is absorbed by the intercept."""
    X, labels = make_multiclass(n=90, p=12, K=K, seed=40)
    Kp = 1 if K == 2 else K
    c = 0.7 * np.arange(1, Kp + 1)
    offset = np.tile(c, (90, 1)) if Kp > 1 else np.full(90, c[0])
    a = penalized.LogisticRegression("l1", C=2.0, tol=1e-13).fit(X, labels)
    b = penalized.LogisticRegression("l1", C=2.0, tol=1e-13).fit(X, labels, offset=offset)
    np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-7)
    shift = c - c.mean() if Kp > 1 else c
    np.testing.assert_allclose(b.intercept_ + shift, a.intercept_, atol=1e-7)


def test_offset_errors_and_path():
    X, labels = make_multiclass(n=60, p=8, K=3, seed=41)
    with pytest.raises(ValueError, match="offset must have shape"):
        penalized.LogisticRegression("l1").fit(X, labels, offset=np.zeros(60))
    with pytest.raises(ValueError, match="offset contains NaN"):
        penalized.LogisticRegression("l1").fit(X, labels, offset=np.full((60, 3), np.nan))
    offset = np.random.default_rng(7).normal(size=(60, 3))
    alphas, coefs, _, _ = penalized.logistic_path(X, labels, alphas=[0.05, 0.01], tol=1e-12,
                                                  offset=offset)
    m = penalized.LogisticRegression("l1", alpha=0.01, tol=1e-12).fit(X, labels, offset=offset)
    np.testing.assert_allclose(coefs[:, :, 1], m.coef_, atol=1e-6)


def test_logistic_cv_with_options_equals_brute_force_on_the_same_folds():
    """LogisticRegressionCV's options reach every fold, the grid and the refit."""
    from sklearn.model_selection import StratifiedKFold
    X, labels = make_multiclass(n=120, p=12, K=3, seed=42)
    pf = np.linspace(0.5, 2.0, 12)
    opts = dict(penalty_factor=pf, exclude=[3], standardize=True)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, labels))
    cv = penalized.LogisticRegressionCV("l1", alphas=6, cv=folds, tol=1e-10, **opts).fit(X, labels)
    assert np.all(cv.coef_[:, 3] == 0)
    scores = np.zeros((3, cv.alphas_.size))
    for k, (tr, te) in enumerate(folds):
        for a, alpha in enumerate(cv.alphas_):
            m = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-10, **opts).fit(
                X[tr], labels[tr])
            p = np.clip(m.predict_proba(X[te]), 1e-300, None)
            scores[k, a] = np.mean(np.log(p[np.arange(te.size), labels[te]]))
    assert cv.alpha_ == cv.alphas_[np.argmax(scores.mean(axis=0))]
    ref = penalized.LogisticRegression("l1", alpha=cv.alpha_, tol=1e-10, **opts).fit(X, labels)
    np.testing.assert_allclose(cv.coef_, ref.coef_, atol=1e-8)
    # the grid starts at alpha_max with the factors: all zero there
    top = penalized.LogisticRegression("l1", alpha=cv.alphas_[0], tol=1e-10, **opts).fit(X, labels)
    assert np.all(top.coef_ == 0)
