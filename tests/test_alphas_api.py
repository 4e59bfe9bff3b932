"""``alphas`` as an int or an array everywhere, ``n_alphas`` with scikit-learn 1.9's deprecation."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sklm

import penalized
from conftest import make_regression

CV_REGRESSORS = [penalized.LassoCV, penalized.ElasticNetCV, penalized.RelaxedLassoCV]
MT_CV = [penalized.MultiTaskLassoCV, penalized.MultiTaskElasticNetCV]
PATHS = [penalized.lasso_path, penalized.enet_path]


@pytest.fixture
def data():
    return make_regression(n=60, p=12, seed=3)


@pytest.mark.parametrize("cls", CV_REGRESSORS + MT_CV)
def test_cv_int_alphas_is_a_grid_size(cls, data):
    # the bug of issue 16: alphas=30 must be 30 alphas, not the one-point grid [30.]
    X, y = data
    Y = np.c_[y, y[::-1]] if cls in MT_CV else y
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        m = cls(alphas=30, cv=3).fit(X, Y)
    assert m.alphas_.shape == (30,)
    assert np.all(np.diff(m.alphas_) < 0)
    np.testing.assert_allclose(m.alphas_[-1] / m.alphas_[0], 1e-3)
    assert np.any(m.coef_ != 0)
    # the default is 100 alphas
    assert cls(cv=3).fit(X, Y).alphas_.shape == (100,)


def test_lassocv_grid_matches_sklearn(data):
    X, y = data
    ours = penalized.LassoCV(alphas=25, cv=3).fit(X, y)
    ref = sklm.LassoCV(alphas=25, cv=3).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)


@pytest.mark.parametrize("cls", CV_REGRESSORS)
def test_cv_n_alphas_deprecated(cls, data):
    X, y = data
    with pytest.warns(FutureWarning, match="'n_alphas' is deprecated.*alphas=7"):
        m = cls(n_alphas=7, cv=3).fit(X, y)
    assert m.alphas_.shape == (7,)
    with pytest.warns(FutureWarning, match="'alphas=None' is deprecated"):
        m = cls(alphas=None, cv=3).fit(X, y)
    assert m.alphas_.shape == (100,)
    # an explicit grid wins over n_alphas (as before), still with the warning
    with pytest.warns(FutureWarning, match="n_alphas"):
        m = cls(n_alphas=7, alphas=[0.5, 0.1, 1.0], cv=3).fit(X, y)
    np.testing.assert_array_equal(m.alphas_, [1.0, 0.5, 0.1])
    with pytest.raises(ValueError, match="alphas=5 and n_alphas=7 disagree"):
        with pytest.warns(FutureWarning):
            cls(n_alphas=7, alphas=5, cv=3).fit(X, y)


def test_logistic_cv_alphas_int(data):
    X, y = data
    yc = (y > np.median(y)).astype(int)
    m = penalized.LogisticRegressionCV("l1", alphas=6, cv=3).fit(X, yc)
    assert m.alphas_.shape == (6,)
    with pytest.warns(FutureWarning, match="n_alphas"):
        assert penalized.LogisticRegressionCV("l1", n_alphas=4, cv=3).fit(
            X, yc).alphas_.shape == (4,)
    assert penalized.LogisticRegressionCV("l1", Cs=5, cv=3).fit(X, yc).alphas_.shape == (5,)
    with pytest.raises(ValueError, match="alphas or Cs"):
        penalized.LogisticRegressionCV("l1", Cs=5, alphas=[0.1, 0.01], cv=3).fit(X, yc)
    a, *_ = penalized.logistic_path(X, yc, alphas=5)
    assert a.shape == (5,)


@pytest.mark.parametrize(
    "alphas, err, msg",
    [((1, -1, -100), ValueError, r"alphas\[1\] == -1, must be >= 0.0."),
     ((1, 1.0, "1"), TypeError, r"alphas\[2\] must be an instance of float, not str"),
     (0, ValueError, "alphas must be >= 1"),
     (2.5, ValueError, "alphas"),
     ([], ValueError, "non-empty")])
@pytest.mark.parametrize("cls", [penalized.LassoCV, penalized.MultiTaskLassoCV])
def test_cv_alphas_validation(cls, alphas, err, msg, data):
    X, y = data
    Y = np.c_[y, y] if cls is penalized.MultiTaskLassoCV else y
    with pytest.raises(err, match=msg):
        cls(alphas=alphas, cv=3).fit(X, Y)


@pytest.mark.parametrize("path", PATHS + [penalized.multitask_lasso_path])
def test_path_n_alphas_deprecation(path, data):
    X, y = data
    if path is penalized.multitask_lasso_path:
        y = np.c_[y, y[::-1]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = path(X, y, alphas=5)[0]
        assert a.shape == (5,)
        assert path(X, y)[0].shape == (100,)     # the default: silent
    with pytest.warns(FutureWarning, match="'n_alphas' was deprecated in 1.9"):
        assert path(X, y, n_alphas=4)[0].shape == (4,)
    with pytest.warns(FutureWarning, match="'alphas=None' is deprecated"):
        assert path(X, y, alphas=None)[0].shape == (100,)
    a = path(X, y, alphas=[0.1, 1.0, 0.5])[0]
    np.testing.assert_array_equal(a, [1.0, 0.5, 0.1])


def test_path_grid_matches_sklearn(data):
    X, y = data
    Xc, yc = X - X.mean(0), y - y.mean()
    ours = penalized.enet_path(Xc, yc, l1_ratio=0.4, alphas=9)[0]
    ref = sklm.enet_path(Xc, yc, l1_ratio=0.4, alphas=9)[0]
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


# --- other scikit-learn 1.9 behaviours of the coordinate-descent API -------------------

def test_unknown_path_keyword_is_a_value_error(data):
    X, y = data
    for path in PATHS:
        with pytest.raises(ValueError, match="Unexpected parameters in params"):
            path(X, y, normalize=True)


def test_convergence_warning_starts_with_sklearn_sentence(data):
    from sklearn.exceptions import ConvergenceWarning
    X, y = data
    with pytest.warns(ConvergenceWarning) as rec:
        penalized.Lasso(alpha=1e-4, tol=1e-14, max_iter=1).fit(X, y)
    msg = str(rec[0].message)
    assert msg.startswith("Objective did not converge. You might want to increase the number "
                          "of iterations, check the scale of the features or consider "
                          "increasing regularisation.")
    assert "duality gap" in msg and "> target" in msg


def test_uncentred_gram_is_recomputed_with_sklearn_warning(data):
    X, y = data
    X = X + 3.0                       # the intercept centres X, so X^T X is the wrong Gram
    ref = penalized.ElasticNet(alpha=0.1, precompute=True, tol=1e-12).fit(X, y)
    with pytest.warns(UserWarning, match="Gram matrix was provided but X was centered"):
        m = penalized.ElasticNet(alpha=0.1, precompute=X.T @ X, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="did not pass validation"):
        penalized.ElasticNet(alpha=0.1, precompute=2 * X.T @ X).fit(X, y)


def test_non_finite_iterates_raise_value_error():
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.randint(0, 2, size=10)
    # caught before any iteration (the column statistics overflow), as a ValueError and a
    # FloatingPointError like scikit-learn's "non-finite parameter values" error
    with pytest.raises(ValueError, match="values too large to square") as exc:
        penalized.ElasticNet(alpha=0.1).fit(X, y)
    assert isinstance(exc.value, FloatingPointError)


def test_check_input_false_with_c_ordered_x(data):
    X, y = data
    Xc = np.ascontiguousarray(X)
    sw = 1.25 * np.ones(len(y))
    m = penalized.ElasticNet(alpha=0.1).fit(Xc, y, sample_weight=sw, check_input=False)
    ref = penalized.ElasticNet(alpha=0.1).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(sw, 1.25)


@pytest.mark.parametrize("cls", [penalized.MultiTaskLasso, penalized.MultiTaskElasticNet,
                                 penalized.MultiTaskLassoCV, penalized.MultiTaskElasticNetCV])
def test_multitask_accepts_sklearn_selection_params(cls, data):
    X, y = data
    Y = np.c_[y, y[::-1]]
    kw = dict(cv=3, alphas=5) if cls.__name__.endswith("CV") else {}
    cls(random_state=42, selection="cyclic", **kw).fit(X, Y)
    with pytest.raises(ValueError, match="selection='random' is not implemented"):
        cls(selection="random", **kw).fit(X, Y)


ROUTERS = [penalized.LassoCV, penalized.ElasticNetCV, penalized.RelaxedLassoCV,
           penalized.MultiTaskLassoCV, penalized.LogisticRegressionCV]


@pytest.mark.parametrize("cls", ROUTERS)
def test_cv_metadata_routing(cls, data):
    import sklearn
    from sklearn.model_selection import GroupKFold
    X, y = data
    if cls is penalized.MultiTaskLassoCV:
        y = np.c_[y, y[::-1]]
    if cls is penalized.LogisticRegressionCV:
        y = (y > np.median(y)).astype(int)
    groups = np.repeat(np.arange(6), 10)
    # routing off (scikit-learn's default): extra fit keywords are rejected as sklearn does
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing=True"):
        cls(cv=GroupKFold(3), alphas=5).fit(X, y, groups=groups)
    with sklearn.config_context(enable_metadata_routing=True):
        m = cls(cv=GroupKFold(3), alphas=5).fit(X, y, groups=groups)
        # the folds are GroupKFold's: every group is held out exactly once
        folds = list(GroupKFold(3).split(X, y, groups))
        ref = cls(cv=folds, alphas=5).fit(X, y)
        routing = m.get_metadata_routing()
        assert "splitter" in str(routing)
    np.testing.assert_allclose(m.cv_mean_, ref.cv_mean_, rtol=1e-12)


# --- cv.glmnet's results: the full-data path on the CV grid ------------------------------

@pytest.mark.parametrize("cls", [penalized.LassoCV, penalized.ElasticNetCV,
                                 penalized.MultiTaskElasticNetCV])
def test_cv_keeps_full_data_path(cls, data):
    X, y = data
    multi = cls is penalized.MultiTaskElasticNetCV
    Y = np.c_[y, y[::-1]] if multi else y
    kw = {} if cls is penalized.LassoCV else dict(l1_ratio=[0.3, 0.9])
    m = cls(alphas=20, cv=3, tol=1e-10, **kw).fit(X, Y)
    grid = m.alphas_ if np.ndim(m.alphas_) == 1 else m.alphas_[[0.3, 0.9].index(m.l1_ratio_)]
    shape = (2, X.shape[1], 20) if multi else (X.shape[1], 20)
    assert m.coef_path_.shape == shape
    assert m.intercept_path_.shape == ((2, 20) if multi else (20,))
    assert np.all(m.dual_gap_path_ >= 0)
    # the path is the full-data path at the chosen l1_ratio ...
    if multi:
        ref = penalized.multitask_enet_path(X, Y, l1_ratio=m.l1_ratio_, alphas=grid,
                                            fit_intercept=True, tol=1e-10)[1]
    else:
        ref = penalized.enet_path(X, Y, l1_ratio=m.l1_ratio_, alphas=grid, fit_intercept=True,
                                  tol=1e-10)[1]
    np.testing.assert_allclose(m.coef_path_, ref, rtol=1e-6, atol=1e-8)
    # ... its point at alpha_ is the refit, and alpha_1se_ needs no refit
    c, b = m.coef_at(m.alpha_)
    np.testing.assert_array_equal(c, m.coef_)
    np.testing.assert_allclose(m.predict(X, alpha=m.alpha_), m.predict(X))
    c1, b1 = m.coef_at("1se")
    refit = m.refit_estimator().set_params(alpha=m.alpha_1se_, tol=1e-12).fit(X, Y)
    np.testing.assert_allclose(c1, refit.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(b1, refit.intercept_, rtol=1e-4, atol=1e-6)
    # between two grid points: linear interpolation in alpha (glmnet's coef(s=))
    mid = 0.25 * grid[4] + 0.75 * grid[5]
    cm, bm = m.coef_at(mid)
    np.testing.assert_allclose(cm, 0.25 * m.coef_path_[..., 4] + 0.75 * m.coef_path_[..., 5])
    with pytest.raises(ValueError, match="outside the path's grid"):
        m.coef_at(2 * grid[0])
    with pytest.raises(ValueError, match="alpha must be one of"):
        m.coef_at("best")


@pytest.mark.parametrize("kind", ["binary", "multinomial", "ovr", "group", "elasticnet"])
def test_logistic_cv_keeps_full_data_path(kind, data):
    X, y = data
    if kind == "binary":
        y = (y > np.median(y)).astype(int)
    else:
        y = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    penalty = {"group": "group", "elasticnet": "elasticnet"}.get(kind, "l1")
    kw = dict(l1_ratios=[0.4, 0.8]) if kind == "elasticnet" else {}
    m = penalized.LogisticRegressionCV(
        penalty, alphas=8, cv=3, tol=1e-13, max_iter=500,
        multi_class="ovr" if kind == "ovr" else "multinomial", **kw).fit(X, y)
    k_prob = 1 if kind == "binary" else 3
    assert m.coef_path_.shape == (k_prob, X.shape[1], 8)
    assert m.intercept_path_.shape == (k_prob, 8)
    grid = m.alphas_ if m.alphas_.ndim == 1 else m.alphas_[[0.4, 0.8].index(m.l1_ratio_)]
    # every path point is the single fit at that alpha (same options, all rows)
    for k in (0, 3, 7):
        single = penalized.LogisticRegression(
            penalty, alpha=grid[k], l1_ratio=m.l1_ratio_ if kind == "elasticnet" else None,
            tol=1e-12, max_iter=500,
            multi_class="ovr" if kind == "ovr" else "multinomial").fit(X, y)
        c, b = m.coef_at(grid[k])
        assert c.shape == single.coef_.shape and b.shape == single.intercept_.shape
        np.testing.assert_allclose(c, single.coef_, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(b, single.intercept_, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(m.predict_proba(X, alpha=grid[k]), single.predict_proba(X),
                                   rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(m.decision_function(X, alpha=grid[k]),
                                   single.decision_function(X), rtol=1e-5, atol=1e-7)
        np.testing.assert_array_equal(m.predict(X, alpha=grid[k]), single.predict(X))
    # alpha=None is the refit; 'min' is the path at alpha_min_ (= alpha_ by default)
    np.testing.assert_array_equal(m.predict(X), m.estimator_.predict(X))
    np.testing.assert_allclose(m.coef_at("min")[0], m.coef_, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="outside the path's grid"):
        m.predict(X, alpha=2 * grid[0])


def test_relaxed_cv_keeps_full_data_path(data):
    X, y = data
    m = penalized.RelaxedLassoCV(alphas=15, cv=3, tol=1e-12).fit(X, y)
    assert m.coef_path_.shape == (X.shape[1], 15)
    assert m.intercept_path_.shape == (15,)
    for k in (0, 5, 14):
        single = penalized.RelaxedLasso(m.alphas_[k], m.gamma_, tol=1e-12).fit(X, y)
        c, b = m.coef_at(m.alphas_[k])
        np.testing.assert_allclose(c, single.coef_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(b, single.intercept_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(m.predict(X, alpha=m.alphas_[k]), single.predict(X),
                                   rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.coef_at(m.alpha_)[0], m.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.predict(X, alpha="1se"),
                               X @ m.coef_at(m.alpha_1se_)[0] + m.coef_at(m.alpha_1se_)[1])
    mid = 0.5 * (m.alphas_[2] + m.alphas_[3])
    np.testing.assert_allclose(m.coef_at(mid)[0],
                               0.5 * (m.coef_path_[:, 2] + m.coef_path_[:, 3]))


def test_max_features_counts_features_that_left_the_model():
    # a path on which a feature enters and leaves again before the limit is reached by
    # the current count: pmax (max_features) stops there, dfmax later
    rng = np.random.default_rng(1)
    n, p = 60, 6
    L = rng.standard_normal((p, p))
    X = rng.standard_normal((n, p)) @ L
    rng.standard_normal(p)          # (the draw the seed was found with)
    y = X[:, :3] @ np.array([1.0, -1.0, 0.5]) + rng.standard_normal(n)
    a, c, _ = penalized.lasso_path(X, y, alphas=60, fit_intercept=True, tol=1e-12)
    nz = c != 0
    ever = np.count_nonzero(np.logical_or.accumulate(nz, axis=1), axis=0)
    now = np.count_nonzero(nz, axis=0)
    lim = 3
    stop_ever, stop_now = int(np.argmax(ever > lim)), int(np.argmax(now > lim))
    assert 0 < stop_ever < stop_now, "the data must have a feature that leaves the model"
    kw = dict(alphas=a, fit_intercept=True, tol=1e-12)
    assert penalized.lasso_path(X, y, max_features=lim, **kw)[0].size == stop_ever
    assert penalized.lasso_path(X, y, dfmax=lim, **kw)[0].size == stop_now
    m = penalized.LassoCV(alphas=a, cv=3, dfmax=lim, tol=1e-12).fit(X, y)
    assert m.alphas_.size == stop_now
    m = penalized.LassoCV(alphas=a, cv=3, max_features=lim, tol=1e-12).fit(X, y)
    assert m.alphas_.size == stop_ever


def test_keep_out_of_fold_predictions(data):
    from sklearn.model_selection import KFold
    X, y = data
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    m = penalized.ElasticNetCV(l1_ratio=[0.5, 1.0], alphas=12, cv=folds, keep=True,
                               tol=1e-10).fit(X, y)
    grid = m.alphas_[[0.5, 1.0].index(m.l1_ratio_)]
    assert m.cv_predictions_.shape == (len(y), 12)
    for k, (train, test) in enumerate(folds):
        assert np.all(m.fold_ids_[test] == k)
        # the path fitted without the fold predicts its rows
        _, c, _ = penalized.enet_path(X[train], y[train], l1_ratio=m.l1_ratio_, alphas=grid,
                                      fit_intercept=True, tol=1e-10)
        b = y[train].mean() - X[train].mean(0) @ c
        np.testing.assert_allclose(m.cv_predictions_[test], X[test] @ c + b, rtol=1e-6,
                                   atol=1e-6)
    # the CV curve is the mean over folds of the held-out errors of these predictions
    err = (m.cv_predictions_ - y[:, None]) ** 2
    per_fold = np.array([err[test].mean(0) for _, test in folds])
    np.testing.assert_allclose(per_fold.mean(0), m.cv_mean_[[0.5, 1.0].index(m.l1_ratio_)])
    # with a scorer too; and keep=False leaves no stale attribute behind
    m.set_params(scoring="r2").fit(X, y)
    assert m.cv_predictions_.shape == (len(y), 12)
    m.set_params(keep=False).fit(X, y)
    assert not hasattr(m, "cv_predictions_")


def test_logistic_cv_group_penalty():
    rng = np.random.default_rng(5)
    n, p, K = 150, 12, 3
    X = rng.standard_normal((n, p))
    logits = X[:, :3] @ rng.standard_normal((3, K)) * 2
    y = np.array([rng.choice(K, p=np.exp(r) / np.exp(r).sum()) for r in logits])
    m = penalized.LogisticRegressionCV("group", alphas=8, cv=3, tol=1e-10).fit(X, y)
    assert m.alphas_.shape == (8,)
    ref = penalized.LogisticRegression("group", alpha=m.alpha_, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    # row sparsity: a feature is used by every class or by none
    used = m.coef_ != 0
    assert np.all(used.all(axis=0) | ~used.any(axis=0))
    # the CV grid starts at the group alpha_max: all rows zero there
    top = penalized.LogisticRegression("group", alpha=m.alphas_[0], tol=1e-10).fit(X, y)
    assert not np.any(top.coef_)
    with pytest.raises(ValueError, match="multi_class='multinomial'"):
        penalized.LogisticRegressionCV("group", multi_class="ovr", cv=3, alphas=4).fit(X, y)
    mixed = penalized.LogisticRegressionCV("group", l1_ratios=[0.5, 1.0], alphas=5,
                                           cv=3).fit(X, y)
    assert mixed.alphas_.shape == (2, 5) and mixed.l1_ratio_ in (0.5, 1.0)


# --- metadata routing to the scorer ----------------------------------------------------

def _scaled_error(y_true, y_pred, *, scale):
    return -float(np.mean(scale * (y_true - y_pred) ** 2))


def test_cv_routes_scorer_metadata(data):
    import sklearn
    from sklearn.exceptions import UnsetMetadataPassedError
    from sklearn.metrics import make_scorer, r2_score
    from sklearn.model_selection import KFold
    X, y = data
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    scale = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_scorer(_scaled_error).set_score_request(scale=True)
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing=True"):
        penalized.LassoCV(alphas=6, cv=folds, scoring=scorer).fit(X, y, scale=scale)
    with sklearn.config_context(enable_metadata_routing=True):
        m = penalized.LassoCV(alphas=6, cv=folds, scoring=scorer, tol=1e-12).fit(
            X, y, scale=scale)
        assert "scorer" in str(m.get_metadata_routing())
        # metadata nobody requested: scikit-learn's error
        with pytest.raises(UnsetMetadataPassedError):
            penalized.LassoCV(alphas=6, cv=folds, scoring="r2").fit(
                X, y, sample_weight=scale)
        # sample_weight reaches a scorer that requests it, as with routing off
        wsc = make_scorer(r2_score).set_score_request(sample_weight=True)
        routed = penalized.LassoCV(alphas=6, cv=folds, scoring=wsc).fit(
            X, y, sample_weight=scale)
    unrouted = penalized.LassoCV(alphas=6, cv=folds, scoring="r2").fit(
        X, y, sample_weight=scale)
    np.testing.assert_allclose(routed.cv_mean_, unrouted.cv_mean_, rtol=1e-12)
    # brute force: each fold scored with its test rows' scale
    scores = np.empty((6, len(folds)))
    for k, (train, test) in enumerate(folds):
        _, c, _ = penalized.lasso_path(X[train], y[train], alphas=m.alphas_,
                                       fit_intercept=True, tol=1e-12)
        b = y[train].mean() - X[train].mean(0) @ c
        pred = X[test] @ c + b
        scores[:, k] = [_scaled_error(y[test], pred[:, j], scale=scale[test])
                        for j in range(6)]
    np.testing.assert_allclose(m.scores_path_, scores, rtol=1e-6)


def test_logistic_cv_routes_scorer_metadata(data):
    import sklearn
    from sklearn.metrics import accuracy_score, make_scorer
    X, y = data
    y = (y > np.median(y)).astype(int)
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    off = penalized.LogisticRegressionCV("l1", alphas=5, cv=3, scoring="accuracy").fit(
        X, y, sample_weight=w)
    with sklearn.config_context(enable_metadata_routing=True):
        wsc = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        on = penalized.LogisticRegressionCV("l1", alphas=5, cv=3, scoring=wsc).fit(
            X, y, sample_weight=w)
        unweighted = penalized.LogisticRegressionCV(
            "l1", alphas=5, cv=3,
            scoring=make_scorer(accuracy_score).set_score_request(sample_weight=False)).fit(
            X, y, sample_weight=w)
    np.testing.assert_allclose(on.scores_path_, off.scores_path_, rtol=1e-12)
    # the weights still fit the model, but the scorer did not see them
    assert not np.allclose(unweighted.scores_path_, off.scores_path_)
