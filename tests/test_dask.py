"""Dask: CV folds on a LocalCluster through joblib, and tall least squares from Gram statistics."""

import numpy as np
import pytest

import penalized

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    # separate worker processes: every job and its arguments are pickled and shipped
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def _tall(n=6000, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-5, 5, p)
    y = X[:, :4] @ np.array([1.0, -2.0, 0.5, 0.0]) + 3.0 + rng.standard_normal(n)
    return X, y


def test_cv_folds_run_on_the_cluster_and_equal_the_local_run(client):
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y = _tall(n=150, p=20, seed=1)
    cv = KFold(4, shuffle=True, random_state=0)
    local = penalized.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=cv, alphas=10, tol=1e-8).fit(X, y)
    with distributed.get_task_stream(client) as tasks:
        with joblib.parallel_config(backend="dask"):
            remote = penalized.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=cv, alphas=10,
                                            tol=1e-8).fit(X, y)
    assert len(tasks.data) >= 1   # the jobs went through the scheduler
    workers = {t["worker"] for t in tasks.data}
    assert workers <= set(client.scheduler_info()["workers"])
    np.testing.assert_array_equal(remote.mse_path_, local.mse_path_)
    assert remote.alpha_ == local.alpha_ and remote.l1_ratio_ == local.l1_ratio_
    yc = (y > np.median(y)).astype(int)
    scv = StratifiedKFold(3, shuffle=True, random_state=0)
    a = penalized.LogisticRegressionCV("l1", cv=scv, alphas=5).fit(X, yc)
    with joblib.parallel_config(backend="dask"):
        b = penalized.LogisticRegressionCV("l1", cv=scv, alphas=5).fit(X, yc)
    np.testing.assert_array_equal(a.scores_path_, b.scores_path_)


@pytest.mark.parametrize("l1_ratio, weighted, fit_intercept", [
    (1.0, False, True), (0.5, True, True), (1.0, True, False)])
def test_tall_gram_fit_equals_in_memory_fit(client, l1_ratio, weighted, fit_intercept):
    from penalized.dask import fit_gram

    X, y = _tall()
    sw = np.random.default_rng(2).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    Xd = da.from_array(X, chunks=(1000, 6))   # row bands of 1000, columns split too
    yd = da.from_array(y, chunks=1000)
    swd = None if sw is None else da.from_array(sw, chunks=1000)
    alpha = 0.02
    model = fit_gram(Xd, yd, alpha=alpha, l1_ratio=l1_ratio, sample_weight=swd,
                     fit_intercept=fit_intercept, tol=1e-12)
    ref = penalized.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept,
                               precompute=False, tol=1e-12, max_iter=100_000).fit(
        X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)
    assert model.intercept_ == pytest.approx(ref.intercept_, abs=1e-8)
    assert np.count_nonzero(model.coef_) > 0
    np.testing.assert_allclose(model.predict(X[:5]), ref.predict(X[:5]), atol=1e-7)


def test_gram_path_and_bad_input(client):
    from penalized.dask import enet_path_gram, gram_statistics

    X, y = _tall(n=2000, p=8, seed=3)
    stats = gram_statistics(da.from_array(X, chunks=(500, 8)), da.from_array(y, chunks=500))
    Xc = X - X.mean(0)
    np.testing.assert_allclose(stats.gram, Xc.T @ Xc, rtol=1e-10)
    alphas, coefs, intercepts, gaps = enet_path_gram(stats, n_alphas=10, tol=1e-10)
    ref_alphas, ref_coefs, _ = penalized.lasso_path(X, y, alphas=10, fit_intercept=True,
                                                    tol=1e-10)
    np.testing.assert_allclose(alphas, ref_alphas)
    np.testing.assert_allclose(coefs, ref_coefs, atol=1e-7)
    Xn = X.copy()
    Xn[7, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        gram_statistics(da.from_array(Xn, chunks=(500, 8)), da.from_array(y, chunks=500))
    with pytest.raises(ValueError, match="X has 2000 rows, y has 1999"):
        gram_statistics(da.from_array(X, chunks=(500, 8)), da.from_array(y[1:], chunks=500))
