"""glmnet's offset in LogisticRegressionCV: every fold's path gets its training rows'
offset, every held-out score the test rows' (in the linear predictor), the full-data
path and the refit the whole offset.

Checked against the explicit computation: the fold paths by ``logistic_path`` with the
fold's offset, the held-out log-loss by hand from X_test W + b + offset_test, and the
refit by ``LogisticRegression(...).fit(X, y, offset=)``.
"""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from scipy.special import log_softmax

import penalized


def _data(n_classes=2, seed=0, n=120, p=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if n_classes == 2:
        offset = 1.5 * np.sin(np.arange(n))
        eta = X[:, 0] - X[:, 1] + offset
        y = (eta + rng.logistic(size=n) > 0).astype(int)
    else:
        offset = 1.5 * np.sin(np.arange(n * n_classes).reshape(n, n_classes))
        eta = X[:, :n_classes] + offset
        y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    return X, y, offset


def _log_loss_by_hand(eta, y, classes):
    if eta.ndim == 1:
        eta = np.column_stack([np.zeros_like(eta), eta])
    logp = log_softmax(eta, axis=1)
    return -np.mean(logp[np.arange(y.size), np.searchsorted(classes, y)])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_cv_scores_are_the_fold_paths_with_the_offset(n_classes):
    X, y, offset = _data(n_classes)
    o_user = offset.copy()
    cv = StratifiedKFold(3)
    model = penalized.LogisticRegressionCV(penalty="l1", cv=cv, alphas=6, tol=1e-8,
                                           max_iter=500).fit(X, y, offset=offset)
    np.testing.assert_array_equal(offset, o_user)
    classes = np.unique(y)
    scores = np.empty((model.alphas_.size, 3))
    for k, (tr, te) in enumerate(cv.split(X, y)):
        _, coefs, intercepts, _ = penalized.logistic_path(
            X[tr], y[tr], alphas=model.alphas_, offset=offset[tr], tol=1e-8, max_iter=500)
        for j in range(model.alphas_.size):
            if n_classes == 2:
                eta = X[te] @ coefs[:, j] + intercepts[j] + offset[te]
            else:
                eta = X[te] @ coefs[:, :, j].T + intercepts[:, j] + offset[te]
            scores[j, k] = -_log_loss_by_hand(eta, y[te], classes)
    np.testing.assert_allclose(model.scores_path_, scores, rtol=1e-9, atol=1e-12)
    # the offset matters: without it the scores differ
    plain = penalized.LogisticRegressionCV(penalty="l1", cv=cv, alphas=6, tol=1e-8,
                                           max_iter=500).fit(X, y)
    assert not np.allclose(plain.scores_path_, model.scores_path_)
    # the refit is LogisticRegression's fit with the offset
    ref = penalized.LogisticRegression("l1", alpha=model.alpha_, tol=1e-8,
                                       max_iter=500).fit(X, y, offset=offset)
    np.testing.assert_array_equal(model.coef_, ref.coef_)
    np.testing.assert_array_equal(model.intercept_, ref.intercept_)
    np.testing.assert_array_equal(model.predict_proba(X, offset=offset),
                                  ref.predict_proba(X, offset=offset))
    np.testing.assert_array_equal(model.decision_function(X, offset=offset),
                                  ref.decision_function(X, offset=offset))
    np.testing.assert_array_equal(model.predict(X, offset=offset),
                                  ref.predict(X, offset=offset))
    assert model.score(X, y, offset=offset) == accuracy_score(y, ref.predict(X, offset=offset))
    # the full-data path starts from the offset's alpha_max: all zero at the first alpha
    assert not np.any(model.coef_path_[..., 0])
    _, c_full, _, _ = penalized.logistic_path(X, y, alphas=model.alphas_, offset=offset,
                                              tol=1e-8, max_iter=500)
    c_full = c_full[None] if n_classes == 2 else c_full
    np.testing.assert_allclose(model.coef_path_, c_full, atol=1e-6)


def test_a_scorer_sees_the_test_rows_offset():
    X, y, offset = _data(seed=1)
    cv = StratifiedKFold(3)
    model = penalized.LogisticRegressionCV(penalty="l1", cv=cv, alphas=4, tol=1e-8,
                                           scoring="roc_auc").fit(X, y, offset=offset)
    scores = np.empty((4, 3))
    for k, (tr, te) in enumerate(cv.split(X, y)):
        _, coefs, intercepts, _ = penalized.logistic_path(
            X[tr], y[tr], alphas=model.alphas_, offset=offset[tr], tol=1e-8)
        for j in range(4):
            scores[j, k] = roc_auc_score(
                y[te], X[te] @ coefs[:, j] + intercepts[j] + offset[te])
    np.testing.assert_allclose(model.scores_path_, scores, rtol=1e-12)


def test_ovr_offset_is_shared_by_the_problems():
    X, y, offset = _data(3, seed=2)
    o = offset[:, 0]
    model = penalized.LogisticRegressionCV(penalty="l1", cv=3, alphas=4, multi_class="ovr",
                                           tol=1e-8).fit(X, y, offset=o)
    ref = penalized.LogisticRegression("l1", alpha=model.alpha_, multi_class="ovr",
                                       tol=1e-8).fit(X, y, offset=o)
    np.testing.assert_array_equal(model.coef_, ref.coef_)
    np.testing.assert_array_equal(model.predict_proba(X, offset=o), ref.predict_proba(X, offset=o))


@pytest.mark.parametrize("n_classes, bad, match", [
    (2, np.zeros(5), r"offset must have shape \(120,\)"),
    (2, np.full(120, np.nan), "offset contains NaN"),
    (3, np.zeros(120), r"offset must have shape \(120, 3\)"),
    (3, np.full((120, 3), np.inf), "offset contains NaN or infinity"),
])
def test_bad_offset_is_a_clear_error(n_classes, bad, match):
    X, y, _ = _data(n_classes)
    model = penalized.LogisticRegressionCV(penalty="l1", cv=3, alphas=3)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y, offset=bad)
    assert not hasattr(model, "coef_")
    model.fit(X, y)
    with pytest.raises(ValueError, match=match):
        model.predict_proba(X, offset=bad)
