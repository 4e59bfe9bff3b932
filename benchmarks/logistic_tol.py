"""Time and accuracy of one L1 logistic path at several tolerances (default: hockey_gamlr).

    python benchmarks/logistic_tol.py [--set hockey_gamlr] [--tols 1e-6,1e-8]

``penalized.logistic_path(X, y, alphas=50, eps=1e-2, tol=tol, fit_intercept=False)``
on a binary set of ../shared/data; for every tol: wall time, the largest KKT
violation over the path relative to alpha (recomputed in numpy), the most Newton
iterations at one alpha, and how many alphas missed the gap target.
Single-threaded BLAS.
"""

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
from _common import load


def kkt_over_alpha(X, y, w, alpha):
    n = X.shape[0]
    d = -y / (1.0 + np.exp(y * np.asarray(X @ w).ravel()))
    grad = np.asarray(X.T @ d).ravel() / n
    viol = np.where(w != 0, np.abs(grad + alpha * np.sign(w)), np.maximum(np.abs(grad) - alpha, 0))
    return float(viol.max()) / alpha


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="hockey_gamlr")
    parser.add_argument("--tols", default="1e-6,1e-8")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X, y = load(args.set)
    y = np.where(y > 0, 1.0, -1.0)
    print(f"{args.set}: {X.shape[0]} x {X.shape[1]}, L1 logistic path, 50 alphas to lam_max/100")
    print("| tol | s | max KKT / alpha | max Newton its | alphas over target |")
    print("|---|---|---|---|---|")
    for tol in (float(t) for t in args.tols.split(",")):
        with threadpool_limits(1):
            t0 = time.perf_counter()
            alphas, coefs, _, gaps, its = penalized.logistic_path(
                X, y, alphas=50, eps=1e-2, tol=tol, fit_intercept=False, return_n_iter=True)
            elapsed = time.perf_counter() - t0
        kkt = max(kkt_over_alpha(X, y, coefs[:, k], a) for k, a in enumerate(alphas))
        over = int(np.sum(gaps > tol * np.log(2)))   # target: tol x the null loss log 2
        print(f"| {tol:g} | {elapsed:.3g} | {kkt:.2e} | {int(its.max())} | {over} |")


if __name__ == "__main__":
    main()
