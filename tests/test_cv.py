"""Cross-validated estimators and the one-standard-error rule."""

import numpy as np
import pytest
import sklearn.linear_model as sklm
from sklearn.model_selection import GroupKFold, KFold

import penalized
from penalized.model_selection import one_standard_error_index
from conftest import make_regression


def test_one_standard_error_rule_hand_example():
    # alphas decreasing; best at index 3 (mean 1.0, se 0.25): the largest alpha
    # with mean <= 1.25 is index 1 (mean 1.2), not index 0 (mean 1.3).
    mean = [1.3, 1.2, 1.1, 1.0, 1.05, 1.26]
    se = [0.1, 0.1, 0.1, 0.25, 0.1, 0.1]
    assert one_standard_error_index(mean, se) == 1
    assert one_standard_error_index([2.0, 1.0, 3.0], [0.0, 0.0, 0.0]) == 1


def test_lassocv_matches_sklearn_on_same_folds():
    X, y = make_regression(n=120, p=60, seed=0)
    cv = KFold(5, shuffle=True, random_state=1)
    ours = penalized.LassoCV(cv=cv, n_alphas=40, tol=1e-10, max_iter=100_000).fit(X, y)
    ref = sklm.LassoCV(cv=cv, alphas=ours.alphas_, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-5)
    assert ours.alpha_ == pytest.approx(ref.alpha_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-5)


def test_elasticnetcv_grid_over_l1_ratio_and_1se():
    X, y = make_regression(n=100, p=30, seed=2)
    m = penalized.ElasticNetCV(l1_ratio=[0.1, 0.5, 1.0], cv=4, n_alphas=20).fit(X, y)
    assert m.mse_path_.shape == (3, 20, 4)
    assert m.alphas_.shape == (3, 20) and m.cv_mean_.shape == (3, 20)
    assert m.l1_ratio_ in (0.1, 0.5, 1.0)
    i = [0.1, 0.5, 1.0].index(m.l1_ratio_)
    best = np.argmin(m.cv_mean_[i])
    assert m.cv_mean_[i].min() == pytest.approx(m.cv_mean_.min())
    assert m.alpha_ == m.alpha_min_ == m.alphas_[i][best]
    assert m.alpha_1se_ >= m.alpha_min_
    s = penalized.ElasticNetCV(l1_ratio=[0.1, 0.5, 1.0], cv=4, n_alphas=20,
                               alpha_selection="1se").fit(X, y)
    assert s.alpha_ == s.alpha_1se_
    assert np.count_nonzero(s.coef_) <= np.count_nonzero(m.coef_)


def test_cv_sparse_equals_dense_and_groups_and_threads():
    X, y = make_regression(n=90, p=40, density=0.3, seed=3)
    groups = np.repeat(np.arange(9), 10)
    a = penalized.LassoCV(cv=GroupKFold(3), n_alphas=15, tol=1e-10).fit(X, y, groups=groups)
    b = penalized.LassoCV(cv=GroupKFold(3), n_alphas=15, tol=1e-10, n_jobs=2).fit(
        X.toarray(), y, groups=groups)
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-7)
    assert a.alpha_ == b.alpha_


def test_cv_with_sample_weight_uses_weighted_errors():
    X, y = make_regression(n=80, p=20, seed=4)
    sw = np.ones(80)
    a = penalized.LassoCV(cv=4, n_alphas=10).fit(X, y, sample_weight=sw)
    b = penalized.LassoCV(cv=4, n_alphas=10).fit(X, y)
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-8)
    sw = np.r_[np.full(40, 3.0), np.ones(40)]
    c = penalized.LassoCV(cv=4, n_alphas=10).fit(X, y, sample_weight=sw)
    assert not np.allclose(c.mse_path_, b.mse_path_)


def test_cv_bad_arguments():
    X, y = make_regression(n=40, p=10, seed=5)
    with pytest.raises(ValueError, match="alpha_selection must be one of"):
        penalized.LassoCV(alpha_selection="best").fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio must be <= 1"):
        penalized.ElasticNetCV(l1_ratio=[0.5, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio=0 needs an explicit alphas grid"):
        penalized.ElasticNetCV(l1_ratio=[0.0, 0.5]).fit(X, y)


def test_plots_save_to_png(tmp_path):
    pytest.importorskip("matplotlib")
    from penalized import plot

    X, y = make_regression(n=60, p=20, seed=6)
    m = penalized.LassoCV(cv=3, n_alphas=15).fit(X, y)
    alphas, coefs, _ = penalized.lasso_path(X, y, alphas=m.alphas_, fit_intercept=True)
    ax = plot.path(alphas, coefs)
    assert len(ax.lines) >= np.count_nonzero(np.any(coefs != 0, axis=1))
    ax.figure.savefig(tmp_path / "path.png")
    ax = plot.cv(m)
    ax.figure.savefig(tmp_path / "cv.png")
    for name in ("path.png", "cv.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_demo_runs(tmp_path, capsys):
    from penalized._demo import main

    assert main(["demo", "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "Golub leukemia" in out and "| Lasso |" in out and "certified" in out
