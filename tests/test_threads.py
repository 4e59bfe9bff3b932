"""Threads: concurrent fits, and OpenMP threads inside one fit (``n_threads``).

Fitting different models in threads at once gives bit-identical results to
fitting them in turn: the native solver releases the GIL and every fit keeps its
state in its own buffers, so threads must not interfere.  One fit's ``n_threads``
splits the columns of its full passes over X across OpenMP threads, each column's
value computed as on one thread and every sum formed afterwards in a fixed order:
the results are bit-identical for any thread count (tested for 1, 2 and 3, OpenMP's
limit raised through threadpoolctl).  (Whether the cores are used, and the speed-up,
is measured by benchmarks/threads.py, not tested: timing is for benchmarks.)
"""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized
from conftest import (enet_gap, make_classification, make_multiclass, make_regression,
                      needs_openmp)
from penalized import _core
from penalized._families import LogLinkProblem
from penalized._logistic import LogisticProblem, solve_logistic


def _jobs():
    Xd, yd = make_regression(n=200, p=300, seed=11)
    Xs, ys = make_regression(n=200, p=300, density=0.05, seed=12)
    X32, y32 = make_regression(n=150, p=100, seed=13, dtype=np.float32)
    Xc, yc = make_classification(n=200, p=150, seed=14)
    Xcs, ycs = make_classification(n=200, p=150, density=0.1, seed=15)
    sw = np.linspace(0.2, 3.0, 200)
    # one fit's OpenMP threads (n_threads) inside concurrent Python threads: nested teams
    Xw, yw = make_regression(n=800, p=10000, density=0.03, seed=21)
    return [
        lambda: penalized.Lasso(alpha=0.05, tol=1e-8, n_threads=2).fit(Xw, yw).coef_,
        lambda: penalized.LogisticRegression("l1", alpha=0.02, tol=1e-8, n_threads=2).fit(
            Xw, yw > np.median(yw)).coef_,
        lambda: penalized.Lasso(alpha=0.02, tol=1e-8).fit(Xd, yd).coef_,
        lambda: penalized.Lasso(alpha=0.01, tol=1e-8).fit(Xs, ys).coef_,
        lambda: penalized.ElasticNet(alpha=0.05, l1_ratio=0.3, tol=1e-8,
                                     precompute=True).fit(Xd, yd, sample_weight=sw).coef_,
        lambda: penalized.Lasso(alpha=0.01, tol=1e-5).fit(X32, y32).coef_,
        lambda: penalized.lasso_path(Xs, ys, alphas=10, tol=1e-8)[1],
        lambda: penalized.enet_path(Xd, yd, l1_ratio=0.7, alphas=10, fit_intercept=True)[1],
        lambda: penalized.LassoCV(cv=3, alphas=8, n_jobs=2).fit(Xd, yd).coef_,
        lambda: penalized.LogisticRegression(penalty="l1", alpha=0.01, tol=1e-8).fit(Xc, yc).coef_,
        lambda: penalized.LogisticRegression(C=0.5, tol=1e-8).fit(Xcs, ycs).coef_,
        lambda: penalized.logistic_path(Xcs, ycs, alphas=6, tol=1e-6)[1],
        lambda: penalized.Lasso(alpha=0.02, tol=1e-8, selection="random",
                                random_state=3).fit(sp.csr_matrix(Xd), yd).coef_,
    ]


def test_concurrent_fits_equal_sequential_fits_bit_for_bit():
    jobs = _jobs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sequential = [job() for job in jobs]
        for workers in (2, 4):
            # each model twice, interleaved, so that equal jobs overlap too
            order = list(range(len(jobs))) * 2
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda k: jobs[k](), order))
            for k, res in zip(order, results):
                assert res.dtype == sequential[k].dtype
                assert np.array_equal(res, sequential[k]), f"job {k} differs"


def test_one_estimator_object_per_thread_same_data():
    """Many threads fitting the same X (shared, read-only) with different alphas."""
    X, y = make_regression(n=150, p=200, density=0.1, seed=16)
    alphas = np.geomspace(0.2, 0.002, 8)
    ref = [penalized.ElasticNet(alpha=a, l1_ratio=0.8, tol=1e-9).fit(X, y).coef_ for a in alphas]
    data_before = X.data.copy()
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(
            lambda a: penalized.ElasticNet(alpha=a, l1_ratio=0.8, tol=1e-9).fit(X, y).coef_,
            alphas))
    for r, g in zip(ref, got):
        assert np.array_equal(r, g)
    assert np.array_equal(X.data, data_before)



def test_long_columns_give_the_same_bits_for_any_blas_thread_count():
    """Level-1 work on long columns (n >= 8192) runs in the package's serial kernels, not
    in the BLAS: a threaded BLAS splits such calls (slower here, and with a different
    rounding per thread count), so a fit must not depend on the BLAS's thread setting."""
    from threadpoolctl import threadpool_limits
    rng = np.random.default_rng(5)
    X = np.asfortranarray(rng.standard_normal((12000, 15)))
    y = X[:, 0] - 2 * X[:, 3] + rng.standard_normal(12000)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            fits.append(penalized.lasso_path(X, y, alphas=8, precompute=False, tol=1e-10)[1])
            fits.append(penalized.LogisticRegression("l1", alpha=1e-3, tol=1e-10).fit(
                X, y > 0).coef_)
    assert np.array_equal(fits[0], fits[2]) and np.array_equal(fits[1], fits[3])


# ---------------------------------------------------------------------------
# n_threads: OpenMP threads inside one fit (the full passes over X)
# ---------------------------------------------------------------------------

# above the threshold of _pass_threads: the first gap checks' passes run threaded
def _wide_sparse(seed=21, dtype=np.float64):
    return make_regression(n=800, p=10000, density=0.03, seed=seed, dtype=dtype)


def _wide_dense(seed=22, dtype=np.float64):
    X, y = make_regression(n=400, p=3000, seed=seed, dtype=dtype)
    return np.asfortranarray(X), y


def _fits(fit):
    return {k: fit(k) for k in (1, 2, 3)}


def _assert_same(results, what):
    ref = results[1]
    for k, got in results.items():
        for a, b in zip(ref, got):
            a = a.toarray() if sp.issparse(a) else np.asarray(a)
            b = b.toarray() if sp.issparse(b) else np.asarray(b)
            assert a.dtype == b.dtype and np.array_equal(a, b), f"{what}: n_threads={k} differs"


@needs_openmp
@pytest.mark.parametrize("make", [_wide_sparse, _wide_dense], ids=["csc", "dense"])
def test_lasso_path_bits_and_certificate_for_1_2_3_threads(make, three_threads):
    X, y = make()
    res = _fits(lambda k: penalized.lasso_path(X, y, alphas=10, eps=1e-2, tol=1e-8,
                                               fit_intercept=True, n_threads=k))
    _assert_same(res, "lasso_path")
    alphas, coefs, gaps = res[2]
    Xd = X.toarray() if sp.issparse(X) else X
    for j in (0, 4, 9):
        a = alphas[j]
        # the reported gap meets the target, and numpy's own gap (the dual point of w's
        # residual, independent of the library) confirms w is that close to optimal
        gap, unit = enet_gap(Xd, y, coefs[:, j], a, 1.0)
        assert gaps[j] <= 1e-8 * unit * (1 + 1e-9)
        assert gap <= 10 * 1e-8 * unit


@needs_openmp
@pytest.mark.parametrize("make", [_wide_sparse, _wide_dense], ids=["csc", "dense"])
def test_elastic_net_weights_float32_same_bits_for_any_thread_count(make, three_threads):
    X, y = make(dtype=np.float32)
    sw = np.linspace(0.5, 2.0, X.shape[0])
    res = _fits(lambda k: (lambda m: (m.coef_, m.intercept_, m.dual_gap_))(
        penalized.ElasticNet(alpha=0.02, l1_ratio=0.7, tol=1e-6, precompute=False,
                             n_threads=k).fit(X, y, sample_weight=sw)))
    _assert_same(res, "ElasticNet float32")
    assert res[1][0].dtype == np.float32 and np.count_nonzero(res[1][0]) > 0


@needs_openmp
def test_threaded_passes_really_ran_and_agree(three_threads):
    """The low-level counter: the gap checks' passes did run on several threads (so the
    bit-identity above compares two code paths), and not below the size threshold."""
    X, y = _wide_sparse()
    d = _core.Design(X.astype(np.float64), None, True)
    r = (y - y.mean()).astype(np.float64)
    ref = d.correlations(r, n_threads=1)
    for k in (2, 3):
        assert np.array_equal(d.correlations(r, n_threads=k), ref)
    counts = {}
    for k in (1, 3):
        w = np.zeros(X.shape[1])
        res = r.copy()
        l1 = 0.05 * np.abs(ref).max()
        info = _core.enet_solve(d, w, res, y.astype(np.float64), float(r @ r), l1, 0.0,
                                tol_abs=1e-10 * float(r @ r), n_threads=k)
        counts[k] = (info["n_threaded"], w.copy(), info["gap"])
    assert counts[1][0] == 0 and counts[3][0] > 0
    assert np.array_equal(counts[1][1], counts[3][1]) and counts[1][2] == counts[3][2]
    Xs, ys = make_regression(n=100, p=200, density=0.05, seed=3)     # below the threshold
    ds = _core.Design(Xs, None, True)
    rs = ys - ys.mean()
    info = _core.enet_solve(ds, np.zeros(200), rs.copy(), ys, float(rs @ rs),
                            0.1 * np.abs(ds.correlations(rs)).max(), 0.0, n_threads=3)
    assert info["n_threaded"] == 0


@needs_openmp
@pytest.mark.parametrize("kind", ["csc", "dense"])
def test_logistic_same_bits_for_1_2_3_threads(kind, three_threads):
    if kind == "csc":
        X, y = make_classification(n=1000, p=20000, density=0.01, seed=23)
    else:
        X, y = make_classification(n=400, p=3000, seed=24)
    res = _fits(lambda k: penalized.logistic_path(X, y, alphas=6, eps=0.05, tol=1e-8,
                                                  n_threads=k))
    _assert_same(res, "logistic_path")
    est = _fits(lambda k: (lambda m: (m.coef_, m.intercept_, m.dual_gap_))(
        penalized.LogisticRegression("l1", alpha=0.01, tol=1e-8, n_threads=k).fit(X, y)))
    _assert_same(est, "LogisticRegression")
    assert est[1][2][0] <= 1e-8 * np.log(2) * 1.5      # certified at the target
    problem = LogisticProblem(X, y, np.ones(X.shape[0]), True)
    counts = {}
    for k in (1, 3):
        W, b = np.zeros((X.shape[1], 1)), problem.b0.copy()
        info = solve_logistic(problem, W, b, 0.01, 1.0, tol_abs=1e-8, n_threads=k)
        counts[k] = (info["n_threaded"], W)
    assert counts[1][0] == 0 and counts[3][0] > 0
    assert np.array_equal(counts[1][1], counts[3][1])


@needs_openmp
@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_log_link_same_bits_for_1_2_3_threads(family, three_threads):
    X, y = make_regression(n=1000, p=20000, density=0.01, seed=26)
    mu = np.exp(0.3 * np.tanh(y / y.std()))
    z = np.floor(2 * mu) if family == "poisson" else mu
    path = getattr(penalized, f"{family}_path")
    Est = {"poisson": penalized.PoissonRegression, "gamma": penalized.GammaRegression}[family]
    res = _fits(lambda k: path(X, z, alphas=5, eps=0.1, tol=1e-8, n_threads=k))
    _assert_same(res, f"{family}_path")
    assert np.count_nonzero(res[1][1][:, -1]) > 0
    est = _fits(lambda k: (lambda m: (m.coef_, m.intercept_, m.dual_gap_))(
        Est("l1", alpha=0.002, tol=1e-8, n_threads=k).fit(X, z)))
    _assert_same(est, Est.__name__)
    assert np.count_nonzero(est[1][0]) > 0
    # the threaded passes did run (so the bits above compare two code paths)
    problem = LogLinkProblem(family, X, z, None, True)
    W = np.zeros((X.shape[1], 1))
    info = solve_logistic(problem, W, problem.b0.copy(), 0.002, 1.0,
                          tol_abs=1e-8 * X.shape[0] * problem.tol_reference, n_threads=3)
    assert info["n_threaded"] > 0


@needs_openmp
def test_multinomial_same_bits_for_1_2_3_threads(three_threads):
    X, codes = make_multiclass(n=1000, p=5000, K=3, density=0.07, seed=25)
    res = _fits(lambda k: (lambda m: (m.coef_, m.intercept_, m.dual_gap_))(
        penalized.LogisticRegression("l1", alpha=0.005, tol=1e-8, n_threads=k).fit(X, codes)))
    _assert_same(res, "multinomial")
    Y = (codes[:, None] == np.arange(3)[None, :]).astype(np.float64)
    problem = LogisticProblem(X, Y, np.ones(X.shape[0]), True)
    W = np.zeros((X.shape[1], 3))
    info = solve_logistic(problem, W, problem.b0.copy(), 0.005, 1.0, tol_abs=1e-6, n_threads=3)
    assert info["n_threaded"] > 0


def test_threadpoolctl_limits_and_conventions():
    assert _core.resolve_threads(None) == 1 and _core.resolve_threads(1) == 1
    with threadpool_limits(limits=1, user_api="openmp"):
        assert _core.resolve_threads(4) == 1 and _core.resolve_threads(-1) == 1
    if not _core.openmp_enabled():
        assert _core.resolve_threads(-1) == 1
        return
    with threadpool_limits(limits=3, user_api="openmp"):
        assert _core.openmp_max_threads() == 3
        assert _core.resolve_threads(-1) == 3 and _core.resolve_threads(-2) == 2
        assert _core.resolve_threads(2) == 2 and _core.resolve_threads(8) == 3
        assert _core.resolve_threads(-10) == 1


def _multitask_target(X, T=3, seed=31):
    rng = np.random.default_rng(seed)
    W = np.zeros((X.shape[1], T))
    W[:15] = rng.standard_normal((15, T))
    return np.asarray(X @ W) + 0.5 * rng.standard_normal((X.shape[0], T))


def _block_objective(X, Y, W, alpha, l1_ratio, groups=None):
    """The block models' objective in numpy (intercept fitted: X and Y centred)."""
    Xd = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    Xc, Yc = Xd - Xd.mean(0), Y - Y.mean(0)
    R = Yc - Xc @ W
    rows = W.reshape(W.shape[0], -1)
    if groups is None:
        norms = np.linalg.norm(rows, axis=1)
    else:
        norms = np.array([np.linalg.norm(rows[g]) * np.sqrt(len(g)) for g in groups])
    return (0.5 * np.sum(R * R) / X.shape[0] + alpha * l1_ratio * norms.sum()
            + 0.5 * alpha * (1 - l1_ratio) * np.sum(rows * rows))


@needs_openmp
@pytest.mark.parametrize("make", [_wide_sparse, _wide_dense], ids=["csc", "dense"])
def test_multitask_path_same_bits_for_1_2_3_threads(make, three_threads):
    X, _ = make()
    Y = _multitask_target(X)
    res = _fits(lambda k: penalized.multitask_enet_path(
        X, Y, l1_ratio=0.8, alphas=6, eps=0.05, tol=1e-8, fit_intercept=True, n_threads=k))
    _assert_same(res, "multitask_enet_path")
    alphas, coefs, gaps = res[1]
    # the certificate is honest: each point's objective is within its gap of a tighter fit's
    unit = np.sum((Y - Y.mean(0)) ** 2) / X.shape[0]
    for j in (2, 5):
        assert gaps[j] <= 1e-8 * unit * (1 + 1e-9)
        tight = penalized.MultiTaskElasticNet(alpha=alphas[j], l1_ratio=0.8, tol=1e-12,
                                              max_iter=100_000).fit(X, Y)
        f = _block_objective(X, Y, coefs[:, :, j].T, alphas[j], 0.8)
        f_ref = _block_objective(X, Y, tight.coef_.T, alphas[j], 0.8)
        assert f - f_ref <= gaps[j] + 1e-12 * unit


@needs_openmp
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_group_lasso_same_bits_for_1_2_3_threads(dtype, three_threads):
    X, y = _wide_dense(dtype=dtype)
    X = np.asfortranarray(X, dtype=dtype)
    # groups of 4, the first unpenalized (weight 0: the free-group branch of the check)
    weights = np.full(X.shape[1] // 4, 2.0)
    weights[0] = 0.0
    tol = 1e-6 if dtype == np.float32 else 1e-10
    res = _fits(lambda k: (lambda m: (m.coef_, m.intercept_, m.dual_gap_, m.n_iter_))(
        penalized.GroupLasso(alpha=0.05, groups=4, group_weights=weights, tol=tol,
                             n_threads=k).fit(X, y)))
    _assert_same(res, "GroupLasso")
    assert res[1][0].dtype == dtype and 4 < np.count_nonzero(res[1][0]) < X.shape[1]


@needs_openmp
def test_block_cv_same_bits_for_1_2_3_threads(three_threads):
    X, _ = _wide_dense()
    Y = _multitask_target(X)[:, :2]
    res = _fits(lambda k: (lambda m: (m.mse_path_, m.coef_, m.coef_path_, m.alpha_))(
        penalized.MultiTaskLassoCV(cv=3, alphas=5, eps=0.05, tol=1e-6,
                                   n_threads=k).fit(X, Y)))
    _assert_same(res, "MultiTaskLassoCV")
    m = penalized.GroupLassoCV(groups=4, cv=3, alphas=4, eps=0.05, n_threads=2).fit(X, Y[:, 0])
    assert m.refit_estimator().get_params()["n_threads"] == 2


@needs_openmp
def test_block_threaded_passes_really_ran(three_threads):
    """The block solver's counter: its gap passes did run on several threads for a
    large problem (so the bit-identity above compares two code paths), not on one
    thread, and not for a problem below the size threshold."""
    from penalized._multitask import MultiTaskProblem
    X, _ = _wide_dense()
    Y = _multitask_target(X)
    counts = {}
    for k in (1, 3):
        steps = MultiTaskProblem(X, Y, None, True).path_steps(l1_ratio=1.0, tol=1e-8,
                                                               n_threads=k)
        steps.solve(0, 0.05, None)
        counts[k] = (steps.n_threaded, steps.W.copy())
    assert counts[1][0] == 0 and counts[3][0] > 0
    assert np.array_equal(counts[1][1], counts[3][1])
    Xs, ys = make_regression(n=60, p=40, seed=3)                    # below the threshold
    steps = MultiTaskProblem(np.asfortranarray(Xs), _multitask_target(Xs), None,
                             True).path_steps(l1_ratio=1.0, tol=1e-8, n_threads=3)
    steps.solve(0, 0.05, None)
    assert steps.n_threaded == 0


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError),
                                        (True, TypeError), ([2], TypeError)])
def test_bad_n_threads_is_a_clear_error(bad, error):
    X, y = make_regression(n=30, p=10, seed=4)
    Xc, yc = make_classification(n=30, p=10, seed=5)
    calls = [
        lambda: penalized.Lasso(alpha=0.1, n_threads=bad).fit(X, y),
        lambda: penalized.ElasticNet(alpha=0.1, n_threads=bad).fit(X, y),
        lambda: penalized.lasso_path(X, y, alphas=3, n_threads=bad),
        lambda: penalized.enet_path(X, y, alphas=3, n_threads=bad),
        lambda: penalized.solvers.lasso_path(X, y, n_alphas=3, n_threads=bad),
        lambda: penalized.solvers.enet(X, y, 0.1, l1_ratio=0.5, n_threads=bad),
        lambda: penalized.LogisticRegression("l1", alpha=0.1, n_threads=bad).fit(Xc, yc),
        lambda: penalized.logistic_path(Xc, yc, alphas=3, n_threads=bad),
        lambda: penalized.solvers.logistic_path(Xc, yc, l1_ratio=1.0, n_alphas=3,
                                                n_threads=bad),
        lambda: penalized.PoissonRegression("l1", alpha=0.1, n_threads=bad).fit(X, np.abs(y)),
        lambda: penalized.GammaRegression("l1", alpha=0.1, n_threads=bad).fit(X, 1 + np.abs(y)),
        lambda: penalized.poisson_path(X, np.abs(y), alphas=3, n_threads=bad),
        lambda: penalized.MultiTaskLasso(alpha=0.1, n_threads=bad).fit(X, np.c_[y, y]),
        lambda: penalized.MultiTaskElasticNet(alpha=0.1, n_threads=bad).fit(X, np.c_[y, y]),
        lambda: penalized.multitask_enet_path(X, np.c_[y, y], alphas=3, n_threads=bad),
        lambda: penalized.GroupLasso(alpha=0.1, groups=2, n_threads=bad).fit(X, y),
        lambda: penalized.GroupElasticNet(alpha=0.1, groups=2, n_threads=bad).fit(X, y),
        lambda: penalized.group_lasso_path(X, y, groups=2, alphas=3, n_threads=bad),
        lambda: penalized.MultiTaskLassoCV(cv=2, alphas=3, n_threads=bad).fit(X, np.c_[y, y]),
        lambda: penalized.GroupLassoCV(groups=2, cv=2, alphas=3, n_threads=bad).fit(X, y),
        lambda: penalized.solvers.multitask_enet_path(X, np.c_[y, y], l1_ratio=1.0,
                                                      n_alphas=3, n_threads=bad),
        lambda: penalized.solvers.group_enet_path(X, y, groups=2, l1_ratio=1.0, n_alphas=3,
                                                  n_threads=bad),
    ]
    for call in calls:
        with pytest.raises(error, match="n_threads"):
            call()


def test_n_threads_is_a_parameter_and_default_is_one():
    for est in (penalized.Lasso(), penalized.ElasticNet(), penalized.LogisticRegression(),
                penalized.PoissonRegression(), penalized.GammaRegression(),
                penalized.MultiTaskLasso(), penalized.MultiTaskElasticNet(),
                penalized.GroupLasso(), penalized.GroupElasticNet(),
                penalized.MultiTaskLassoCV(), penalized.MultiTaskElasticNetCV(),
                penalized.GroupLassoCV(), penalized.GroupElasticNetCV()):
        assert est.get_params()["n_threads"] == 1
    m = penalized.Lasso(alpha=0.1, n_threads=-1)
    assert sklearn_clone(m).get_params()["n_threads"] == -1


def sklearn_clone(est):
    from sklearn.base import clone
    return clone(est)
