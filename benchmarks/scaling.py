"""Path cost against nnz(X) at fixed path length.

    python benchmarks/scaling.py [--set news20_tfidf] [--repeats 3]

Takes nested row subsets (1/8, 1/4, 1/2, all rows, fixed seed) of a sparse
shared set, so nnz grows while the problem stays of the same kind, and
times a 30-alpha Lasso path to alpha_max/100 (each subset's own alpha_max,
BENCHMARKS.md's no-intercept problem, tol = 5e-7 i.e. the BENCHMARKS
target), single-threaded, median of ``--repeats``.  Prints time, time per
non-zero and units (time / one X^T r on the same subset).  Linear cost shows
as a flat time per non-zero.
"""

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
from _common import load_any
from compare import unit_time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="news20_tfidf")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    X, y = load_any(args.set)
    order = np.random.default_rng(0).permutation(X.shape[0])
    print(f"{args.set}: 30-alpha Lasso path to alpha_max/100 on nested row subsets\n")
    print("| rows | nnz | time s | ns per nnz | units | epochs |")
    print("|---|---|---|---|---|---|")
    with threadpool_limits(1):
        for frac in (8, 4, 2, 1):
            rows = np.sort(order[: X.shape[0] // frac])
            Xs = X[rows].tocsc()
            ys = y[rows] - y[rows].mean()
            amax = np.abs(np.asarray(Xs.T @ ys).ravel()).max() / Xs.shape[0]
            alphas = np.geomspace(amax, amax / 100, 30)
            ts = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                *_, its = penalized.lasso_path(Xs, ys, alphas=alphas, tol=5e-7,
                                               max_iter=10**6, return_n_iter=True)
                ts.append(time.perf_counter() - t0)
            t = float(np.median(ts))
            print(f"| {Xs.shape[0]} | {Xs.nnz} | {t:.3g} | {1e9 * t / Xs.nnz:.0f} "
                  f"| {t / unit_time(Xs):.0f} | {int(np.sum(its))} |", flush=True)


if __name__ == "__main__":
    main()
