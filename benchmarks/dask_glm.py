"""The Dask GLM mode against the in-memory fit on a tall synthetic set.

    flock /tmp/penalized-bench.lock python benchmarks/dask_glm.py [--n 2000000] [--p 50]
        [--threads 1] [--chunk 250000] [--repeats 3] [--tol 1e-8]

For each family (binomial logistic, Poisson, Gamma) one L1 fit at alpha_max / 20
(a few dozen non-zero coefficients) on X (n, p) Gaussian columns with shifted means
and a 10-sparse truth: the in-memory estimator on an F-ordered numpy X, and the same
estimator given X as a dask array (row chunks of ``--chunk``, persisted) on a
``distributed.LocalCluster`` in this process (one worker, ``--threads`` threads).
Single-threaded BLAS (threadpoolctl) for both; the two fits interleaved, median of
``--repeats`` after one warm-up each.  Reports both times, their ratio (dask /
memory), the Newton steps and passes over X of the dask fit, both certified gaps
(dual_gap_, F's 1/n scaling) and the largest coefficient difference.

What the ratio measures: one process on one machine, so the dask mode pays its
scheduling and the Gram products X^T W X (n p^2 per Newton step) where the native
in-memory driver runs coordinate descent on the working set (n |ws| per epoch).
The dask mode is for X larger than one machine's memory; here it shows its cost
when X would fit.
"""

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
import penalized.dask  # noqa: F401


def tall(family, n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((p, n)).T            # F-ordered, no copy
    X += rng.uniform(-1, 1, p)
    beta = np.zeros(p)
    beta[:10] = rng.uniform(-0.5, 0.5, 10)
    eta = X @ beta - (X.mean(0) @ beta)
    if family == "binomial":
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(np.float64)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.5 * eta)).astype(np.float64)
    else:
        y = rng.gamma(2.0, np.exp(0.5 * eta) / 2.0)
    return X, y


def alpha_max(family, X, y):
    if family == "binomial":
        return penalized.logistic_path(X, y, alphas=1, tol=1e-2)[0][0]
    path = penalized.poisson_path if family == "poisson" else penalized.gamma_path
    return path(X, y, alphas=1, tol=1e-2)[0][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--p", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=250_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--families", default="binomial,poisson,gamma")
    args = ap.parse_args()
    import dask.array as da
    import distributed

    Est = {"binomial": penalized.LogisticRegression, "poisson": penalized.PoissonRegression,
           "gamma": penalized.GammaRegression}
    rows = []
    with distributed.LocalCluster(n_workers=1, threads_per_worker=args.threads,
                                  processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster), threadpool_limits(1):
        for family in args.families.split(","):
            X, y = tall(family, args.n, args.p)
            alpha = alpha_max(family, X, y) / 20
            Xd = da.from_array(X, chunks=(args.chunk, args.p)).persist()
            yd = da.from_array(y, chunks=args.chunk).persist()
            fits = {"memory": lambda: Est[family]("l1", alpha=alpha, tol=args.tol).fit(X, y),
                    "dask": lambda: Est[family]("l1", alpha=alpha, tol=args.tol).fit(Xd, yd)}
            times = {k: [] for k in fits}
            models = {k: f() for k, f in fits.items()}      # warm-up
            for _ in range(args.repeats):
                for k, f in fits.items():
                    t0 = time.perf_counter()
                    models[k] = f()
                    times[k].append(time.perf_counter() - t0)
            med = {k: float(np.median(v)) for k, v in times.items()}
            mem, dk = models["memory"], models["dask"]
            rows.append((family, med["memory"], med["dask"], med["dask"] / med["memory"],
                         int(np.ravel(dk.n_iter_)[0]), dk.n_passes_,
                         int(np.count_nonzero(dk.coef_)),
                         float(np.ravel(mem.dual_gap_)[0]), float(np.ravel(dk.dual_gap_)[0]),
                         float(np.abs(np.ravel(dk.coef_) - np.ravel(mem.coef_)).max())))
            del Xd, yd, X, y
    print(f"n={args.n} p={args.p} tol={args.tol} chunk={args.chunk} "
          f"dask threads={args.threads} BLAS threads=1 repeats={args.repeats}")
    print("| family | memory (s) | dask (s) | dask / memory | Newton steps | passes | nnz "
          "| gap memory | gap dask | max coef diff |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:.2f} | {r[4]} | {r[5]} | {r[6]} "
              f"| {r[7]:.1e} | {r[8]:.1e} | {r[9]:.1e} |")


if __name__ == "__main__":
    main()
