"""Fitting different models in threads at once gives bit-identical results to fitting them in turn.

The native solver releases the GIL; every fit keeps its state in its own
buffers, so threads must not interfere.  (Whether both cores are used is
measured by benchmarks/threads.py, not tested: timing is for benchmarks.)
"""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

import penalized
from conftest import make_classification, make_regression


def _jobs():
    Xd, yd = make_regression(n=200, p=300, seed=11)
    Xs, ys = make_regression(n=200, p=300, density=0.05, seed=12)
    X32, y32 = make_regression(n=150, p=100, seed=13, dtype=np.float32)
    Xc, yc = make_classification(n=200, p=150, seed=14)
    Xcs, ycs = make_classification(n=200, p=150, density=0.1, seed=15)
    sw = np.linspace(0.2, 3.0, 200)
    return [
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
