"""Multinomial (softmax) logistic regression against scikit-learn's saga, side by side.

    python benchmarks/multinomial.py [--repeats 3] [--news20]

Objective (both libraries): 1/n sum_i log-softmax loss + alpha*rho*||W||_1
+ alpha*(1-rho)/2*||W||_F^2 with alpha = 1/(n C).  Sets: scikit-learn's wine and
digits (standardised), C = 0.1, penalties l1 / l2 / elasticnet 0.5; ours at
tol 1e-4 and 1e-8 (duality gap relative to the intercept-only loss), saga at
tol 1e-8.  ``--news20`` adds the first 5 of the 20 news20_tfidf groups (sparse,
L1, C = 10), ours at tol 1e-4 against saga at tol 1e-3 and 1e-4, objectives
recomputed in numpy.  Single-threaded BLAS, runs interleaved, medians.
"""

import argparse
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_wine
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import penalized
from _common import SHARED


def objective(X, codes, W, b, alpha, rho):
    eta = np.asarray(X @ W.T) + b
    top = eta.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(eta - top).sum(axis=1))
    n = eta.shape[0]
    return (np.mean(lse - eta[np.arange(n), codes]) + alpha * rho * np.abs(W).sum()
            + 0.5 * alpha * (1 - rho) * np.sum(W * W))


def timed(fit, repeats):
    times, model = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), model


def small_sets(repeats):
    print("| set (n x p, K) | penalty | ours tol 1e-4 s | ours tol 1e-8 s (gap) | saga tol 1e-8 s "
          "| saga / ours (1e-8) | max coef diff |")
    print("|---|---|---|---|---|---|---|")
    for name, loader in [("wine", load_wine), ("digits", load_digits)]:
        X, y = loader(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        K = np.unique(y).size
        for penalty, rho in [("l1", 1.0), ("l2", 0.0), ("elasticnet", 0.5)]:
            kw = dict(C=0.1, l1_ratio=0.5 if penalty == "elasticnet" else None, max_iter=1000)
            t4, _ = timed(lambda: penalized.LogisticRegression(penalty, tol=1e-4, **kw).fit(X, y),
                          repeats)
            t8, ours = timed(lambda: penalized.LogisticRegression(penalty, tol=1e-8, **kw)
                             .fit(X, y), repeats)
            ts, sk = timed(lambda: SkLogisticRegression(C=0.1, l1_ratio=rho, solver="saga",
                                                        tol=1e-8, max_iter=100_000).fit(X, y),
                           repeats)
            print(f"| {name} ({X.shape[0]} x {X.shape[1]}, {K}) | {penalty} | {t4:.3g} | "
                  f"{t8:.3g} ({ours.dual_gap_[0]:.1e}) | {ts:.3g} | {ts / t8:.1f} | "
                  f"{np.abs(ours.coef_ - sk.coef_).max():.1e} |")


def news20():
    path = SHARED / "news20_tfidf.npz"
    X = sp.load_npz(path).tocsc()
    y = np.load(path)["y20"]
    keep = np.isin(y, np.unique(y)[:5])
    X, y = X[keep].tocsc(), y[keep]
    X = X[:, np.flatnonzero(np.diff(X.indptr))].tocsc()
    codes = np.unique(y, return_inverse=True)[1]
    C = 10.0
    alpha = 1.0 / (X.shape[0] * C)
    print(f"\nnews20_tfidf, first 5 groups: {X.shape[0]} x {X.shape[1]}, nnz {X.nnz}, L1, C={C:g}")
    print("| solver | s | objective F | certified |")
    print("|---|---|---|---|")
    t, m = timed(lambda: penalized.LogisticRegression("l1", C=C, tol=1e-4, max_iter=200)
                 .fit(X, y), 1)
    target = 1e-4 * objective(X, codes, 0 * m.coef_, np.log(np.bincount(codes) / len(codes)),
                              alpha, 1.0)
    print(f"| penalized tol=1e-4 | {t:.3g} | {objective(X, codes, m.coef_, m.intercept_, alpha, 1.0):.10f} "
          f"| gap {m.dual_gap_[0]:.1e} vs target {target:.1e}: "
          f"{'yes' if m.dual_gap_[0] <= target else 'NO'} |")
    for tol in (1e-3, 1e-4):
        t, sk = timed(lambda: SkLogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=tol,
                                                   max_iter=1000).fit(X, y), 1)
        print(f"| saga tol={tol:g} | {t:.3g} | "
              f"{objective(X, codes, sk.coef_, sk.intercept_, alpha, 1.0):.10f} | no certificate |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--news20", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        small_sets(args.repeats)
        if args.news20:
            news20()


if __name__ == "__main__":
    main()
