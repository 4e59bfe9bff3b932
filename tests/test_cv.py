"""Cross-validated estimators and the one-standard-error rule."""

import numpy as np
import pytest
import sklearn
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
    ours = penalized.LassoCV(cv=cv, alphas=40, tol=1e-10, max_iter=100_000).fit(X, y)
    ref = sklm.LassoCV(cv=cv, alphas=ours.alphas_, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-5)
    assert ours.alpha_ == pytest.approx(ref.alpha_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-5)


def test_elasticnetcv_grid_over_l1_ratio_and_1se():
    X, y = make_regression(n=100, p=30, seed=2)
    m = penalized.ElasticNetCV(l1_ratio=[0.1, 0.5, 1.0], cv=4, alphas=20).fit(X, y)
    assert m.mse_path_.shape == (3, 20, 4)
    assert m.alphas_.shape == (3, 20) and m.cv_mean_.shape == (3, 20)
    assert m.l1_ratio_ in (0.1, 0.5, 1.0)
    i = [0.1, 0.5, 1.0].index(m.l1_ratio_)
    best = np.argmin(m.cv_mean_[i])
    assert m.cv_mean_[i].min() == pytest.approx(m.cv_mean_.min())
    assert m.alpha_ == m.alpha_min_ == m.alphas_[i][best]
    assert m.alpha_1se_ >= m.alpha_min_
    s = penalized.ElasticNetCV(l1_ratio=[0.1, 0.5, 1.0], cv=4, alphas=20,
                               alpha_selection="1se").fit(X, y)
    assert s.alpha_ == s.alpha_1se_
    assert np.count_nonzero(s.coef_) <= np.count_nonzero(m.coef_)


def test_cv_sparse_equals_dense_and_groups_and_threads():
    X, y = make_regression(n=90, p=40, density=0.3, seed=3)
    groups = np.repeat(np.arange(9), 10)
    with sklearn.config_context(enable_metadata_routing=True):   # groups reach GroupKFold
        a = penalized.LassoCV(cv=GroupKFold(3), alphas=15, tol=1e-10).fit(X, y, groups=groups)
        b = penalized.LassoCV(cv=GroupKFold(3), alphas=15, tol=1e-10, n_jobs=2).fit(
            X.toarray(), y, groups=groups)
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-7)
    assert a.alpha_ == b.alpha_


def test_cv_with_sample_weight_uses_weighted_errors():
    X, y = make_regression(n=80, p=20, seed=4)
    sw = np.ones(80)
    a = penalized.LassoCV(cv=4, alphas=10).fit(X, y, sample_weight=sw)
    b = penalized.LassoCV(cv=4, alphas=10).fit(X, y)
    np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-8)
    sw = np.r_[np.full(40, 3.0), np.ones(40)]
    c = penalized.LassoCV(cv=4, alphas=10).fit(X, y, sample_weight=sw)
    assert not np.allclose(c.mse_path_, b.mse_path_)


def test_cv_bad_arguments():
    X, y = make_regression(n=40, p=10, seed=5)
    with pytest.raises(ValueError, match="alpha_selection must be one of"):
        penalized.LassoCV(alpha_selection="best").fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio must be <= 1"):
        penalized.ElasticNetCV(l1_ratio=[0.5, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="not supported for l1_ratio=0"):
        penalized.ElasticNetCV(l1_ratio=[0.0, 0.5]).fit(X, y)


def _assert_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_plot_displays_and_dataframe_feature_names(tmp_path):
    pytest.importorskip("matplotlib")
    pd = pytest.importorskip("pandas")
    from penalized import plot

    X, y = make_regression(n=80, p=12, seed=6)
    names = [f"gene_{j}" for j in range(12)]
    m = penalized.LassoCV(cv=3, alphas=20).fit(pd.DataFrame(X, columns=names), y)
    disp = plot.PathDisplay.from_estimator(m, n_labels=4)
    labels = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert all(lab.startswith("gene_") for lab in labels[:4]) and "alpha_min_" in labels
    assert disp.figure_ is disp.ax_.figure
    np.testing.assert_array_equal(disp.lines_[int(np.flatnonzero(m.coef_)[0])].get_ydata(),
                                  m.coef_path_[np.flatnonzero(m.coef_)[0]])
    disp.figure_.savefig(tmp_path / "df_path.png")
    _assert_png(tmp_path / "df_path.png")
    # the wrapper labels by feature_names_in_ too; .plot(ax=) draws again on a given Axes
    ax = plot.path(m)
    assert "gene_" in ax.get_legend().get_texts()[0].get_text()
    import matplotlib.pyplot as plt
    _, ax2 = plt.subplots()
    assert disp.plot(ax=ax2).ax_ is ax2
    cvd = plot.CVDisplay.from_estimator(m)
    np.testing.assert_allclose(cvd.line_.get_ydata(), m.cv_mean_)
    with pytest.raises(ValueError, match="feature_names has 3 names"):
        plot.PathDisplay(m.alphas_, m.coef_path_, feature_names=["a", "b", "c"])
    plt.close("all")


def test_plots_save_to_png(tmp_path):
    pytest.importorskip("matplotlib")
    from penalized import plot

    X, y = make_regression(n=60, p=20, seed=6)
    m = penalized.LassoCV(cv=3, alphas=15).fit(X, y)
    result = penalized.lasso_path(X, y, alphas=m.alphas_, fit_intercept=True)
    alphas, coefs, _ = result
    ax = plot.path(alphas, coefs)
    assert len(ax.lines) >= np.count_nonzero(np.any(coefs != 0, axis=1))
    ax.figure.savefig(tmp_path / "path.png")
    # the tuple returned by a path function, and a fitted CV model (path recomputed)
    ax2 = plot.path(result)
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), ax.lines[0].get_ydata())
    ax3 = plot.path(m, X=X, y=y)
    assert {"alpha_min_", "alpha_1se_"} <= {t.get_text() for t in ax3.get_legend().get_texts()}
    assert len(ax3.lines) >= len(ax.lines)
    ax3.figure.savefig(tmp_path / "path_model.png")
    # without X and y: the stored full-data path (coef_path_)
    ax4 = plot.path(m)
    paths = np.array([ln.get_ydata() for ln in ax4.lines if len(ln.get_ydata()) == 15])
    assert paths.shape[0] == np.count_nonzero(np.any(m.coef_path_ != 0, axis=1))
    with pytest.raises(ValueError, match="pass X and y"):
        plot.path(penalized.LogisticRegressionCV("l1", cv=3, alphas=5).fit(
            *_binary_data(n=60, p=10)))
    ax = plot.cv(m)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), m.cv_mean_)
    ax.figure.savefig(tmp_path / "cv.png")
    Xc, yc = _binary_data(n=60, p=10)
    lr = penalized.LogisticRegressionCV("l1", cv=3, alphas=8).fit(Xc, yc)
    ax = plot.cv(lr)
    assert "neg_log_loss" in ax.get_ylabel()
    plot.path(lr, X=Xc, y=yc).figure.savefig(tmp_path / "logistic_path.png")
    for name in ("path.png", "path_model.png", "cv.png", "logistic_path.png"):
        _assert_png(tmp_path / name)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_demo_runs(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from penalized._cli import main

    assert main(["demo", "--no-compare", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Golub leukemia" in out and "| Lasso |" in out and "certified" in out
    assert "| ElasticNet |" in out and "| Logistic L1 |" in out and "| Ridge |" in out
    for name in ("penalized_demo_path.png", "penalized_demo_cv.png"):
        _assert_png(tmp_path / name)


def test_one_standard_error_rule_for_scores():
    # the same hand example as scores (higher is better): negated means, same SEs
    mean = [-1.3, -1.2, -1.1, -1.0, -1.05, -1.26]
    se = [0.1, 0.1, 0.1, 0.25, 0.1, 0.1]
    assert one_standard_error_index(mean, se, higher_is_better=True) == 1
    assert one_standard_error_index([0.5, 0.9, 0.8], [0.0, 0.05, 0.0],
                                    higher_is_better=True) == 1


def test_scoring_neg_mse_equals_default_and_r2_matches_fold_reference():
    from sklearn.metrics import r2_score

    X, y = make_regression(n=90, p=25, seed=7)
    cv = KFold(3, shuffle=True, random_state=0)
    a = penalized.LassoCV(cv=cv, alphas=12, tol=1e-10).fit(X, y)
    b = penalized.LassoCV(cv=cv, alphas=12, tol=1e-10, scoring="neg_mean_squared_error",
                          alpha_selection="1se").fit(X, y)
    assert not hasattr(b, "mse_path_") and not hasattr(a, "scores_path_")
    a.set_params(scoring="r2").fit(X, y)   # a refit with a scorer drops the old mse_path_
    assert hasattr(a, "scores_path_") and not hasattr(a, "mse_path_")
    a.set_params(scoring=None).fit(X, y)
    np.testing.assert_allclose(b.scores_path_, -a.mse_path_, rtol=1e-9)
    np.testing.assert_allclose(b.cv_mean_, -a.cv_mean_, rtol=1e-9)
    assert b.alpha_min_ == a.alpha_min_ and b.alpha_1se_ == a.alpha_1se_ == b.alpha_
    r = penalized.LassoCV(cv=cv, alphas=12, tol=1e-10, scoring="r2").fit(X, y)
    train, test = next(cv.split(X))
    alphas, coefs, _ = penalized.lasso_path(X[train], y[train], alphas=r.alphas_,
                                            fit_intercept=True, tol=1e-10)
    for k in (0, 5, 11):
        b0 = y[train].mean() - X[train].mean(0) @ coefs[:, k]
        ref = r2_score(y[test], X[test] @ coefs[:, k] + b0)
        assert r.scores_path_[k, 0] == pytest.approx(ref, abs=1e-8)
    best = int(np.argmax(r.cv_mean_))
    assert r.alpha_ == r.alphas_[best]
    # a callable scorer (higher is better) reaches the same choice as its name
    c = penalized.LassoCV(cv=cv, alphas=12, tol=1e-10,
                          scoring=lambda est, X_, y_: r2_score(y_, est.predict(X_))).fit(X, y)
    np.testing.assert_allclose(c.scores_path_, r.scores_path_)
    with pytest.raises(ValueError, match="scoring must be None"):
        penalized.LassoCV(scoring=3).fit(X, y)


def test_verbose_progress_on_stderr(capsys, monkeypatch):
    # without tqdm (an optional dependency): log lines on stderr through the
    # 'penalized' logger (a stderr handler is attached when logging is not configured)
    import logging

    import penalized._progress as progress
    monkeypatch.setattr(progress, "_tqdm", lambda: None)
    # logging as in a plain script: nothing configured (pytest puts handlers on the root)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logging.getLogger("penalized"), "handlers", [])
    X, y = make_regression(n=50, p=30, seed=8)
    penalized.lasso_path(X, y, alphas=20)
    assert capsys.readouterr().err == ""
    penalized.lasso_path(X, y, alphas=20, verbose=True)
    err = capsys.readouterr().err
    assert "[enet_path] alpha 20/20" in err and "nnz=" in err and "gap=" in err
    assert err.count("\n") <= 11                        # about ten lines per path
    penalized.lasso_path(X, y, alphas=20, verbose=2)
    assert capsys.readouterr().err.count("[enet_path] alpha") == 20
    penalized.logistic_path(X, np.sign(y - y.mean()), alphas=5, verbose=True)
    assert "[logistic_path] alpha 5/5" in capsys.readouterr().err
    penalized.LassoCV(cv=3, alphas=10).fit(X, y)
    assert capsys.readouterr().err == ""
    penalized.LassoCV(cv=3, alphas=10, verbose=1).fit(X, y)
    assert capsys.readouterr().err.count("fold job") == 3
    penalized.LassoCV(cv=3, alphas=10, verbose=2).fit(X, y)
    err = capsys.readouterr().err
    assert err.count("fold job") == 3 and "[l1_ratio=1 fold 3] alpha 10/10" in err
    assert "[full-data path]" in err


def test_progress_bar_with_threads(capsys):
    # with tqdm: one bar over all fold paths, readable with n_jobs=2 (no per-fold lines)
    pytest.importorskip("tqdm")
    X, y = make_regression(n=50, p=30, seed=8)
    penalized.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=10, verbose=1, n_jobs=2).fit(X, y)
    err = capsys.readouterr().err
    assert "[ElasticNetCV]" in err and "60/60" in err     # 2 ratios x 3 folds x 10 alphas
    assert "fold job" not in err
    penalized.lasso_path(X, y, alphas=20, verbose=True)
    err = capsys.readouterr().err
    assert "[enet_path]" in err and "20/20" in err and "nnz=" in err


def test_progress_goes_through_the_penalized_logger(caplog):
    import logging
    X, y = make_regression(n=50, p=30, seed=8)
    with caplog.at_level(logging.INFO, logger="penalized"):
        penalized.LassoCV(cv=3, alphas=10, verbose=2).fit(X, y)
    assert any(r.name == "penalized" and "fold job 3/3" in r.getMessage()
               for r in caplog.records)


def _binary_data(n=100, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.standard_normal(n) > 0).astype(int)
    return X, y


def test_logistic_cv_l2_matches_sklearn_on_same_folds_and_grid():
    from sklearn.model_selection import StratifiedKFold

    X, y = _binary_data()
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    m = penalized.LogisticRegressionCV(cv=cv, alphas=12, tol=1e-10, max_iter=1000).fit(X, y)
    # every training fold has 80 rows: scikit-learn's per-fold C is 1 / (alpha * 80)
    Cs = 1.0 / (m.alphas_ * 80)
    ref = sklm.LogisticRegressionCV(Cs=Cs, l1_ratios=(0.0,), cv=cv, scoring="neg_log_loss",
                                    tol=1e-8, max_iter=10_000,
                                    use_legacy_attributes=False).fit(X, y)
    np.testing.assert_allclose(m.scores_path_, ref.scores_[:, 0, :].T, atol=1e-4)
    assert Cs[np.argmax(m.cv_mean_)] == pytest.approx(ref.C_)
    assert m.alpha_ == m.alphas_[np.argmax(m.cv_mean_)]
    assert m.C_ == pytest.approx(1.0 / (m.alpha_ * 100))
    np.testing.assert_allclose(m.predict_proba(X).sum(1), 1.0)


def test_logistic_cv_l1_scores_match_refits_per_fold():
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.model_selection import StratifiedKFold

    X, y = _binary_data(n=90, p=30, seed=1)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    m = penalized.LogisticRegressionCV("l1", cv=cv, alphas=10, tol=1e-10,
                                       alpha_selection="1se").fit(X, y)
    assert m.scores_path_.shape == (10, 3) and m.n_nonzero_path_[0] < m.n_nonzero_path_[-1]
    train, test = list(cv.split(X, y))[1]
    for k in (2, 6, 9):
        ref = penalized.LogisticRegression("l1", alpha=m.alphas_[k], tol=1e-10).fit(
            X[train], y[train])
        assert m.scores_path_[k, 1] == pytest.approx(
            -log_loss(y[test], ref.predict_proba(X[test])), abs=1e-6)
    assert m.alpha_ == m.alpha_1se_ >= m.alpha_min_
    i = one_standard_error_index(m.cv_mean_, m.cv_se_, higher_is_better=True)
    assert m.alpha_1se_ == m.alphas_[i]
    ref = penalized.LogisticRegression("l1", alpha=m.alpha_, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6)
    acc = penalized.LogisticRegressionCV("l1", cv=cv, alphas=10, scoring="accuracy").fit(X, y)
    ref = penalized.LogisticRegression("l1", alpha=acc.alphas_[4], tol=1e-4).fit(
        X[train], y[train])
    assert acc.scores_path_[4, 1] == pytest.approx(
        accuracy_score(y[test], ref.predict(X[test])))


def test_logistic_cv_multiclass_elasticnet_sparse_and_weights():
    import scipy.sparse as sp
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(2)
    X = rng.standard_normal((120, 15))
    y = np.array(["a", "b", "c"])[np.argmax(X[:, :3] + 0.5 * rng.standard_normal((120, 3)), 1)]
    m = penalized.LogisticRegressionCV("elasticnet", l1_ratios=[0.5, 1.0], cv=3, alphas=6,
                                       tol=1e-8).fit(X, y)
    assert m.scores_path_.shape == (2, 6, 3) and m.alphas_.shape == (2, 6)
    assert m.coef_.shape == (3, 15) and list(m.classes_) == ["a", "b", "c"]
    np.testing.assert_allclose(m.alphas_[0], 2 * m.alphas_[1])
    assert set(m.predict(X)) <= {"a", "b", "c"}
    assert -log_loss(y, m.predict_proba(X)) > m.cv_mean_.max() - 0.5
    s = penalized.LogisticRegressionCV("elasticnet", l1_ratios=[0.5, 1.0], cv=3, alphas=6,
                                       tol=1e-8).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(s.scores_path_, m.scores_path_, atol=1e-6)
    w = penalized.LogisticRegressionCV(cv=3, alphas=6, class_weight="balanced").fit(
        X, y, sample_weight=np.ones(120))
    assert w.coef_.shape == (3, 15)


def test_logistic_cv_grids_and_bad_arguments():
    X, y = _binary_data(n=60, p=10, seed=3)
    m = penalized.LogisticRegressionCV(Cs=4, cv=3).fit(X, y)
    np.testing.assert_allclose(m.Cs_, np.logspace(-4, 4, 4)[::-1] if m.Cs_[0] > m.Cs_[-1]
                               else np.logspace(-4, 4, 4))
    l1 = penalized.LogisticRegressionCV("l1", cv=3, alphas=5).fit(X, y)
    l2 = penalized.LogisticRegressionCV(cv=3, alphas=5).fit(X, y)
    assert l2.alphas_[0] == pytest.approx(100 * l1.alphas_[0])
    with pytest.raises(ValueError, match="needs l1_ratios"):
        penalized.LogisticRegressionCV("elasticnet").fit(X, y)
    with pytest.raises(ValueError, match="l1_ratios is only used"):
        penalized.LogisticRegressionCV("l1", l1_ratios=[0.5]).fit(X, y)
    with pytest.raises(ValueError, match="give alphas or Cs"):
        penalized.LogisticRegressionCV(Cs=3, alphas=[0.1]).fit(X, y)
    with pytest.raises(ValueError, match="penalty must be one of"):
        penalized.LogisticRegressionCV("l3").fit(X, y)
    with pytest.raises(ValueError, match="one class only"):
        penalized.LogisticRegressionCV().fit(X, np.zeros(60))


def test_logistic_cv_multinomial_matches_sklearn_on_same_folds_and_grid():
    """More than two classes: the multinomial loss, as scikit-learn's LogisticRegressionCV."""
    from sklearn.model_selection import StratifiedKFold

    rng = np.random.default_rng(4)
    X = rng.standard_normal((100, 8))
    y = np.argmax(X[:, :3] + 0.7 * rng.standard_normal((100, 3)), axis=1)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    m = penalized.LogisticRegressionCV(cv=cv, alphas=8, tol=1e-10, max_iter=1000).fit(X, y)
    assert m.estimator_.multi_class_ == "multinomial" and m.coef_.shape == (3, 8)
    Cs = 1.0 / (m.alphas_ * 80)      # every training fold has 80 rows
    ref = sklm.LogisticRegressionCV(Cs=Cs, l1_ratios=(0.0,), cv=cv, scoring="neg_log_loss",
                                    tol=1e-10, max_iter=10_000,
                                    use_legacy_attributes=False).fit(X, y)
    np.testing.assert_allclose(m.scores_path_, ref.scores_[:, 0, :].T, atol=1e-5)
    assert Cs[np.argmax(m.cv_mean_)] == pytest.approx(ref.C_)
    ovr = penalized.LogisticRegressionCV(cv=cv, alphas=8, multi_class="ovr").fit(X, y)
    assert ovr.estimator_.multi_class_ == "ovr"
    assert not np.allclose(ovr.scores_path_, m.scores_path_, atol=1e-3)
