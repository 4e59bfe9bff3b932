"""The lean Cox Newton-model solver (dense float64 designs) and the fit's fast X
validation: checked against the core's solver (the same problem as CSC or float32,
which keep it), numpy KKT conditions and scikit-learn's validation behaviour."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from penalized import CoxRegression, cox_path
from penalized._cox import SurvivalStructure, cox_loss


def _survival(n=150, p=12, seed=0, rho=0.5):
    rng = np.random.default_rng(seed)
    C = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    w = np.zeros(p)
    w[:4] = [0.8, -0.6, 0.4, -0.5]
    t = rng.exponential(np.exp(-X @ w))
    c = rng.exponential(1.5, n)
    return X, np.round(np.minimum(t, c), 1), (t <= c).astype(float)


def _kkt(X, time, event, w, alpha, l1_ratio, ties="breslow"):
    """max violation of the optimality conditions, gradient by the numpy loss."""
    n = X.shape[0]
    st = SurvivalStructure(time, event)
    _, th = cox_loss(X @ w, st, np.ones(n), ties, gradient=True)
    g = -(X.T @ th) / n + alpha * (1 - l1_ratio) * w
    l1 = alpha * l1_ratio
    v = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0.0))
    return float(v.max())


@pytest.mark.parametrize("ties", ["breslow", "efron"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_dense_path_matches_sparse_and_meets_kkt(ties, l1_ratio):
    """Dense float64 X (lean model solver) and the same X as CSC (the core's
    solver): the same path to the certified accuracy, each certified."""
    X, time, event = _survival(seed=1)
    y = np.c_[time, event]
    a, Cd, gd = cox_path(X, y, l1_ratio=l1_ratio, alphas=15, eps=1e-2, ties=ties, tol=1e-11)
    _, Cs, gs = cox_path(sp.csc_matrix(X), y, l1_ratio=l1_ratio, alphas=a, ties=ties,
                         tol=1e-11)
    np.testing.assert_allclose(Cd, Cs, atol=1e-5)
    for k, alpha in enumerate(a):
        # the benchmarks' accuracy target (BENCHMARKS.md), for the dense and CSC fits alike
        assert _kkt(X, time, event, Cd[:, k], alpha, l1_ratio, ties) <= 1e-4 * alpha
        assert _kkt(X, time, event, Cs[:, k], alpha, l1_ratio, ties) <= 1e-4 * alpha
    assert np.all(gd <= 1e-11 * 10) and np.all(gs <= 1e-11 * 10)


def test_dense_matches_float32_and_columns_far_from_zero():
    """A column shifted by 1e4 (the lean solver centres entry by entry) and one scaled
    by 1e3: the same fit as the centred float64 columns and close to float32's."""
    X, time, event = _survival(n=120, p=6, seed=3)
    y = np.c_[time, event]
    Xs = X.copy()
    Xs[:, 0] *= 1e3
    Xs[:, 1] += 1e4
    m = CoxRegression("l1", alpha=0.01, tol=1e-11).fit(Xs, y)
    ref = CoxRegression("l1", alpha=0.01, tol=1e-11).fit(Xs - Xs.mean(0), y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-6, atol=1e-10)
    assert m.dual_gap_ <= 1e-11 * 10
    m32 = CoxRegression("l1", alpha=0.01, tol=1e-6).fit(X.astype(np.float32), y)
    m64 = CoxRegression("l1", alpha=0.01, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(m32.coef_, m64.coef_, atol=2e-3)


def test_fast_validation_behaves_like_validate_data():
    X, time, event = _survival(n=60, p=4, seed=5)
    y = np.c_[time, event]
    df = pd.DataFrame(X, columns=list("abcd"))
    m = CoxRegression("l1", alpha=0.02).fit(df, y)
    assert list(m.feature_names_in_) == list("abcd") and m.n_features_in_ == 4
    Xc = np.ascontiguousarray(X[:, :3])
    before = Xc.copy()
    m.fit(Xc, y)                       # an ndarray refit drops the frame's names
    assert not hasattr(m, "feature_names_in_") and m.n_features_in_ == 3
    np.testing.assert_array_equal(Xc, before)          # C-ordered input not modified
    np.testing.assert_allclose(m.coef_, CoxRegression("l1", alpha=0.02).fit(
        np.asfortranarray(Xc), y).coef_)
    for bad in (np.nan, np.inf):
        Xb = X.copy()
        Xb[3, 1] = bad
        with pytest.raises(ValueError, match="NaN|infinity"):
            CoxRegression("l1", alpha=0.02).fit(Xb, y)
    with pytest.raises(ValueError):
        CoxRegression("l1", alpha=0.02).fit(np.empty((0, 3)), np.empty((0, 2)))


def test_wide_block_full_hessian_matches_sparse_and_meets_kkt():
    """A dense path whose working blocks grow past 96 columns (the full-Hessian model's
    former width limit, now 256; issue 19): the same path as CSC (diagonal model) and
    every point meeting the KKT target."""
    X, time, event = _survival(n=300, p=140, seed=5)
    y = np.c_[time, event]
    a, Cd, gd = cox_path(X, y, alphas=12, eps=1e-3, tol=1e-11)
    assert np.count_nonzero(Cd[:, -1]) > 96
    _, Cs, gs = cox_path(sp.csc_matrix(X), y, alphas=a, tol=1e-11, max_iter=100000)
    np.testing.assert_allclose(Cd, Cs, atol=1e-5)
    for k, alpha in enumerate(a):
        assert _kkt(X, time, event, Cd[:, k], alpha, 1.0) <= 1e-4 * alpha
    assert np.all(gd <= 1e-11 * 10)
