"""Dask GLM mode: tall binomial / Poisson / Gamma fits from statistics reduced on a cluster."""

import numpy as np
import pytest

from sklearn.exceptions import ConvergenceWarning

import penalized

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

ESTIMATORS = {"binomial": penalized.LogisticRegression, "poisson": penalized.PoissonRegression,
              "gamma": penalized.GammaRegression}


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def _data(family, n=3000, p=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.uniform(-2, 2, p)
    eta = X[:, :3] @ np.array([0.8, -0.5, 0.3]) + 0.2
    if family == "binomial":
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.3 * eta)).astype(float)
    else:
        y = rng.gamma(2.0, np.exp(0.3 * eta) / 2.0)
    sw = rng.uniform(0.2, 3.0, n)
    off = rng.uniform(-0.5, 0.5, n)
    return X, y, sw, off


def _objective(family, X, y, w, b, sw, off, alpha, l1_ratio):
    """F(w, b) of the in-memory estimators' docstrings (deviance form for log links)."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    eta = X @ w + b + (0 if off is None else off)
    if family == "binomial":
        yy = np.where(y == y.max(), 1.0, -1.0)
        loss = np.logaddexp(0, -yy * eta)
    else:
        loss = penalized._families.half_deviance(family, y, eta)
    return (s @ loss) / n + alpha * l1_ratio * np.abs(w).sum() \
        + alpha * (1 - l1_ratio) / 2 * w @ w


def _dask(*arrays, chunk=700):
    # X's columns split too and the vectors chunked differently: rechunked to X's row bands
    return [None if a is None else da.from_array(
        a, chunks=(chunk, 3) if a.ndim == 2 else 2 * chunk // 3) for a in arrays]


@pytest.mark.parametrize("family", ["binomial", "poisson", "gamma"])
@pytest.mark.parametrize("l1_ratio, weighted, fit_intercept", [
    (1.0, False, True), (0.5, True, True), (1.0, True, False)])
def test_dask_glm_equals_in_memory_fit(client, family, l1_ratio, weighted, fit_intercept):
    from penalized.dask import fit_glm

    X, y, sw, off = _data(family)
    if not weighted:
        sw = off = None
    alpha = 0.01
    Xd, yd, swd, offd = _dask(X, y, sw, off)
    with distributed.get_task_stream(client) as tasks:
        model = fit_glm(Xd, yd, family=family, alpha=alpha, l1_ratio=l1_ratio,
                        sample_weight=swd, offset=offd, fit_intercept=fit_intercept,
                        tol=1e-12, max_iter=50)
    assert len(tasks.data) > 0       # the reductions ran on the cluster
    ref = ESTIMATORS[family]("elasticnet", alpha=alpha, l1_ratio=l1_ratio,
                             fit_intercept=fit_intercept, tol=1e-13, max_iter=500).fit(
        X, y, sample_weight=sw, offset=off)
    np.testing.assert_allclose(np.ravel(model.coef_), np.ravel(ref.coef_), atol=1e-9, rtol=0)
    assert np.ravel(model.intercept_)[0] == pytest.approx(np.ravel(ref.intercept_)[0],
                                                          abs=1e-9)
    nnz = np.count_nonzero(np.ravel(model.coef_))
    assert 0 < nnz and (l1_ratio == 0.5 or nnz < X.shape[1] or family != "binomial")
    gap = float(np.ravel(model.dual_gap_)[0])
    assert 0 <= gap <= 1e-12 * 10      # tol * F(0, b0), F(0, b0) below 10 here
    assert float(np.ravel(model.kkt_violation_)[0]) < 1e-8
    assert model.n_passes_ >= 3 and model.n_features_in_ == X.shape[1]
    np.testing.assert_allclose(model.predict(X[:5]), ref.predict(X[:5]), rtol=1e-8)


@pytest.mark.parametrize("family", ["binomial", "poisson", "gamma"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
def test_dask_glm_gap_bounds_the_suboptimality(client, family, l1_ratio):
    """At a loose tol the reported gap is large enough to be tested: F - F* <= gap."""
    X, y, sw, off = _data(family, seed=3)
    alpha = 0.02
    Xd, yd, swd, offd = _dask(X, y, sw, off)
    ref = ESTIMATORS[family]("elasticnet", alpha=alpha, l1_ratio=l1_ratio, tol=1e-13,
                             max_iter=500).fit(X, y, sample_weight=sw, offset=off)
    F_ref = _objective(family, X, y, np.ravel(ref.coef_), float(np.ravel(ref.intercept_)[0]),
                       sw, off, alpha, l1_ratio)
    for max_iter in (1, 2):       # stopped early: unconverged fits, honest gaps
        est = ESTIMATORS[family]("elasticnet", alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                                 max_iter=max_iter)
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            est.fit(Xd, yd, sample_weight=swd, offset=offd)
        w, b = np.ravel(est.coef_), float(np.ravel(est.intercept_)[0])
        F = _objective(family, X, y, w, b, sw, off, alpha, l1_ratio)
        gap = float(np.ravel(est.dual_gap_)[0])
        assert F - F_ref > 1e-10           # really suboptimal ...
        assert F - F_ref <= gap * (1 + 1e-9) + 1e-14     # ... and certified as such
        assert np.ravel(est.n_iter_)[0] == max_iter


def test_estimator_dispatch_labels_weights_and_warm_start(client):
    X, y01, sw, _ = _data("binomial", seed=5)
    labels = np.array(["no", "yes"])[y01]
    Xd, swd = _dask(X, sw)
    yd = da.from_array(labels, chunks=700)
    for kw in ({"C": 0.5}, {"alpha": 0.003, "class_weight": "balanced"},
               {"alpha": 0.003, "class_weight": {"no": 2.0}}):
        est = penalized.LogisticRegression("l1", tol=1e-12, **kw)
        got = est.fit(Xd, yd, sample_weight=swd)
        assert got is est
        ref = penalized.LogisticRegression("l1", tol=1e-13, max_iter=500, **kw).fit(
            X, labels, sample_weight=sw)
        assert list(est.classes_) == ["no", "yes"] and est.multi_class_ == "binary"
        assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
        np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-9)
        np.testing.assert_allclose(est.intercept_, ref.intercept_, atol=1e-9)
        assert (est.predict(X[:50]) == ref.predict(X[:50])).all()
    # a warm start from the solution needs no Newton step
    est = penalized.LogisticRegression("l1", alpha=0.003, tol=1e-10, warm_start=True)
    est.fit(Xd, yd)
    first = est.n_iter_[0]
    est.fit(Xd, yd)
    assert first > 0 and est.n_iter_[0] == 0
    # an in-memory refit drops the Dask fit's pass count (it would describe another fit)
    assert est.n_passes_ >= 1
    est.fit(X, labels)
    assert not hasattr(est, "n_passes_")
    est = penalized.PoissonRegression("l1", alpha=0.01).fit(Xd, da.from_array(y01, chunks=700))
    assert est.n_passes_ >= 1
    assert not hasattr(est.fit(X, y01), "n_passes_")


def test_dask_glm_bad_input(client):
    from penalized.dask import GLM_MAX_FEATURES, fit_glm

    X, y, sw, off = _data("poisson", n=400, p=4, seed=7)
    Xd, yd, swd, offd = _dask(X, y, sw, off, chunk=100)
    with pytest.raises(TypeError, match="dask.array"):
        fit_glm(X, y, family="poisson", alpha=0.1)
    wide = da.zeros((10, GLM_MAX_FEATURES + 1), chunks=(5, 1000))
    with pytest.raises(ValueError, match=f"{GLM_MAX_FEATURES + 1} features"):
        fit_glm(wide, da.zeros(10, chunks=5), family="poisson", alpha=0.1)
    bad = X.copy()
    bad[123, 2] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        fit_glm(da.from_array(bad, chunks=(100, 4)), yd, family="poisson", alpha=0.1)
    with pytest.raises(ValueError, match="too large to square"):
        fit_glm(da.from_array(X * 1e200, chunks=(100, 4)), yd, family="poisson", alpha=0.1)
    with pytest.raises(ValueError, match="offset contains NaN"):
        fit_glm(Xd, yd, family="poisson", alpha=0.1,
                offset=da.from_array(np.where(np.arange(400) == 5, np.nan, off), chunks=100))
    with pytest.raises(ValueError, match="non-negative"):
        fit_glm(Xd, -yd, family="poisson", alpha=0.1)
    with pytest.raises(ValueError, match="strictly positive"):
        fit_glm(Xd, yd - 100, family="gamma", alpha=0.1)
    with pytest.raises(ValueError, match="X has 400 rows, y has 399"):
        fit_glm(Xd, yd[1:], family="poisson", alpha=0.1)
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        fit_glm(Xd, yd, family="poisson", alpha=0.1, sample_weight=-swd)
    with pytest.raises(NotImplementedError, match="3 classes"):
        penalized.LogisticRegression("l1", alpha=0.1).fit(Xd, da.from_array(
            np.arange(400) % 3, chunks=100))
    est = penalized.PoissonRegression("l1", alpha=0.1, penalty_factor=np.ones(4))
    with pytest.raises(ValueError, match="penalty_factor is not supported with a dask"):
        est.fit(Xd, yd)
    # a failed fit leaves a fitted estimator as it was
    est = penalized.PoissonRegression("l1", alpha=0.1).fit(X, y)
    coef = est.coef_.copy()
    with pytest.raises(ValueError, match="X contains NaN"):
        est.fit(da.from_array(bad, chunks=(100, 4)), yd)
    np.testing.assert_array_equal(est.coef_, coef)
    assert not hasattr(est, "n_passes_")
