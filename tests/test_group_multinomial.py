"""Softmax loss with the row-group penalty across classes (penalty='group').

Objective: 1/n sum_i s_i (logsumexp(eta_i) - eta_i,c_i) + alpha*rho*sum_j ||W_j||_2
+ alpha*(1-rho)/2 ||W||_F^2, W_j the coefficients of feature j for every class.
Checked against optimality conditions and objectives computed here in numpy.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_multiclass, multinomial_objective
from sklearn.exceptions import ConvergenceWarning

import penalized
from penalized._logistic import LogisticProblem


def _parts(X, codes, W, b, sample_weight=None):
    """(s, Xd, softmax P, one-hot Y) for coefficients W (K, p), intercepts b (K,)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n = Xd.shape[0]
    s = (np.ones(n) if sample_weight is None
         else np.asarray(sample_weight) * n / np.sum(sample_weight))
    eta = Xd @ np.asarray(W, dtype=np.float64).T + b
    eta -= eta.max(axis=1, keepdims=True)
    P = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    return s, Xd, P, np.eye(W.shape[0])[codes]


def group_objective(X, codes, W, b, alpha, rho, sample_weight=None):
    loss_and_l2 = multinomial_objective(X, codes, W, b, alpha, 0.0, sample_weight)
    loss = loss_and_l2 - 0.5 * alpha * np.sum(np.asarray(W) ** 2)
    rows = np.linalg.norm(np.asarray(W, dtype=np.float64), axis=0)   # W is (K, p)
    return loss + alpha * rho * rows.sum() + 0.5 * alpha * (1 - rho) * np.sum(np.asarray(W) ** 2)


def group_kkt_violation(X, codes, W, b, alpha, rho, sample_weight=None, fit_intercept=True):
    """Largest violation of the group optimality conditions, per feature row."""
    s, Xd, P, Y = _parts(X, codes, W, b, sample_weight)
    n = Xd.shape[0]
    dloss = s[:, None] * (P - Y) / n
    G = (dloss.T @ Xd + alpha * (1 - rho) * W).T         # (p, K)
    Wt = np.asarray(W, dtype=np.float64).T
    norms = np.linalg.norm(Wt, axis=1)
    unit = Wt / np.where(norms > 0, norms, 1.0)[:, None]
    viol = np.where(norms > 0, np.linalg.norm(G + alpha * rho * unit, axis=1),
                    np.maximum(np.linalg.norm(G, axis=1) - alpha * rho, 0.0))
    out = float(viol.max())
    if fit_intercept:
        out = max(out, float(np.abs(dloss.sum(axis=0)).max()))
    return out


def _group_alpha_max(X, codes, sample_weight=None):
    Y = np.eye(codes.max() + 1)[codes]
    Xv = X if sp.issparse(X) else np.asfortranarray(X, dtype=np.float64)
    sw = None if sample_weight is None else sample_weight * len(codes) / np.sum(sample_weight)
    return LogisticProblem(Xv, Y, sw, True, group=True).alpha_max(1.0)


@pytest.mark.parametrize("rho", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("density", [None, 0.3])
def test_optimality_and_row_sparsity(rho, fit_intercept, density):
    X, codes = make_multiclass(n=150, p=40, K=4, seed=21)
    if density is not None:
        X = sp.random(150, 40, density=density, format="csc", random_state=21,
                      data_rvs=np.random.default_rng(21).standard_normal)
    alpha = 0.2 * _group_alpha_max(X, codes)
    # tol 1e-14: the gap bounds the objective error, the KKT violation only by its
    # square root (times the curvature), so KKT < 1e-7 needs a gap well below 1e-12
    m = penalized.LogisticRegression("group", alpha=alpha, l1_ratio=rho,
                                     fit_intercept=fit_intercept, tol=1e-14).fit(X, codes)
    nonzero = m.coef_ != 0
    assert np.all(nonzero.all(axis=0) | ~nonzero.any(axis=0))   # whole rows in or out
    assert 0 < nonzero.any(axis=0).sum() < 40
    assert group_kkt_violation(X, codes, m.coef_, m.intercept_, alpha, rho,
                               fit_intercept=fit_intercept) < 1e-7
    assert m.kkt_violation_[0] < 1e-7
    if fit_intercept:
        assert abs(m.intercept_.sum()) < 1e-10


def test_gap_bounds_the_distance_to_the_optimum():
    X, codes = make_multiclass(n=120, p=30, K=3, seed=22)
    alpha = 0.1 * _group_alpha_max(X, codes)
    loose = penalized.LogisticRegression("group", alpha=alpha, tol=1e-3).fit(X, codes)
    tight = penalized.LogisticRegression("group", alpha=alpha, tol=1e-13).fit(X, codes)
    f = lambda m: group_objective(X, codes, m.coef_, m.intercept_, alpha, 1.0)
    assert -1e-12 <= f(loose) - f(tight) <= loose.dual_gap_[0] + 1e-12
    prior = np.bincount(codes) / len(codes)
    assert loose.dual_gap_[0] <= 1e-3 * -np.sum(prior * np.log(prior))


def test_pure_l2_equals_the_l2_penalty():
    X, codes = make_multiclass(n=100, p=20, K=3, seed=23)
    g = penalized.LogisticRegression("group", alpha=0.05, l1_ratio=0.0, tol=1e-14).fit(X, codes)
    l2 = penalized.LogisticRegression("l2", alpha=0.05, tol=1e-14).fit(X, codes)
    f_g = group_objective(X, codes, g.coef_, g.intercept_, 0.05, 0.0)
    f_l2 = group_objective(X, codes, l2.coef_, l2.intercept_, 0.05, 0.0)
    assert abs(f_g - f_l2) <= 1e-12 * f_l2
    # 0.05-strongly convex: ||W - W*|| <= sqrt(2 gap / 0.05)
    np.testing.assert_allclose(g.coef_, l2.coef_, atol=1e-6)
    np.testing.assert_allclose(g.intercept_, l2.intercept_, atol=1e-6)


def test_alpha_max_is_the_first_row_entering():
    X, codes = make_multiclass(n=100, p=25, K=3, seed=24)
    amax = _group_alpha_max(X, codes)
    at = penalized.LogisticRegression("group", alpha=amax * (1 + 1e-9), tol=1e-12).fit(X, codes)
    below = penalized.LogisticRegression("group", alpha=amax * 0.95, tol=1e-12).fit(X, codes)
    assert not np.any(at.coef_)
    assert np.any(below.coef_)


def test_sparse_dense_float32_and_weights():
    X, codes = make_multiclass(n=90, p=30, K=3, seed=25)
    Xs = sp.csc_matrix(np.where(np.abs(X) > 0.8, X, 0.0))
    alpha = 0.1 * _group_alpha_max(Xs, codes)
    dense = penalized.LogisticRegression("group", alpha=alpha, tol=1e-12).fit(Xs.toarray(), codes)
    sparse = penalized.LogisticRegression("group", alpha=alpha, tol=1e-12).fit(Xs, codes)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-9)
    f32 = penalized.LogisticRegression("group", alpha=alpha, tol=1e-6).fit(
        Xs.astype(np.float32), codes)
    np.testing.assert_allclose(f32.coef_, dense.coef_, atol=2e-3)
    # integer weights = repeated rows
    reps = np.random.default_rng(0).integers(1, 3, size=90)
    Xd = Xs.toarray()
    w = penalized.LogisticRegression("group", alpha=alpha, tol=1e-14).fit(
        Xd, codes, sample_weight=reps.astype(float))
    r = penalized.LogisticRegression("group", alpha=alpha, tol=1e-14).fit(
        np.repeat(Xd, reps, axis=0), np.repeat(codes, reps))
    f_w = group_objective(Xd, codes, w.coef_, w.intercept_, alpha, 1.0, reps.astype(float))
    f_r = group_objective(Xd, codes, r.coef_, r.intercept_, alpha, 1.0, reps.astype(float))
    assert abs(f_w - f_r) <= 1e-12 * f_r
    np.testing.assert_allclose(w.coef_, r.coef_, atol=1e-5)


def test_path_every_point_certified():
    X, codes = make_multiclass(n=120, p=40, K=4, seed=26)
    alphas, coefs, intercepts, gaps = penalized.logistic_path(
        X, codes, penalty="group", alphas=8, eps=0.05, tol=1e-8)
    assert coefs.shape == (4, 40, 8)
    prior = np.bincount(codes) / len(codes)
    assert np.all(gaps <= 1e-8 * -np.sum(prior * np.log(prior)))
    assert not np.any(coefs[:, :, 0])                    # alpha_max of the group penalty
    for k, alpha in enumerate(alphas):
        assert group_kkt_violation(X, codes, coefs[:, :, k], intercepts[:, k], alpha,
                                   1.0) < 1e-5 * alpha + 1e-9


def test_binary_group_is_l1_and_ovr_is_rejected():
    X, codes = make_multiclass(n=80, p=15, K=2, seed=27)
    g = penalized.LogisticRegression("group", alpha=0.02, tol=1e-12).fit(X, codes)
    l1 = penalized.LogisticRegression("l1", alpha=0.02, tol=1e-12).fit(X, codes)
    np.testing.assert_allclose(g.coef_, l1.coef_, atol=1e-10)
    X3, codes3 = make_multiclass(n=80, p=15, K=3, seed=27)
    with pytest.raises(ValueError, match="multi_class='multinomial'"):
        penalized.LogisticRegression("group", alpha=0.02, multi_class="ovr").fit(X3, codes3)
    with pytest.raises(ValueError, match="penalty"):
        penalized.logistic_path(X3, codes3, penalty="groups")


def test_max_iter_warns():
    X, codes = make_multiclass(n=120, p=40, K=4, seed=28)
    alpha = 0.05 * _group_alpha_max(X, codes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = penalized.LogisticRegression("group", alpha=alpha, tol=1e-14, max_iter=1).fit(X, codes)
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert m.dual_gap_[0] > 0


def test_converges_where_the_majorized_step_stalls():
    """Iris (3 classes, 4 features, all rows active): once the joint Newton step does the
    work, the majorized step after it changes F below its rounding; that alone must not
    end the fit (it stopped at gap 4e-8 against a target of 1e-10)."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = penalized.LogisticRegression("group", C=10.0, tol=1e-10).fit(X - X.mean(), y)
    prior = np.bincount(y) / len(y)
    assert m.dual_gap_[0] <= 1e-10 * -np.sum(prior * np.log(prior))
    assert group_kkt_violation(X - X.mean(), y, m.coef_, m.intercept_, m.alpha_, 1.0) < 1e-6
