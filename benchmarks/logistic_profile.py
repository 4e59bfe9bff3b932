"""Repeat one L1 logistic path, for a profiler (perf, py-spy) to look at.

    perf record -o perf.data python benchmarks/logistic_profile.py leukemia_golub 100 2e-7
    perf report -i perf.data --no-children --sort symbol

BENCHMARKS.md's problem: mean log(1 + exp(-y x.w)) + lam ||w||_1, no intercept, 50 lams from
lam_max to lam_max / 100, ``logistic_path`` at the given tol, ``repeats`` times.  Prints the
seconds of all the repeats.
"""

import argparse
import time

import numpy as np

import penalized
from _common import load_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set", help="a ../shared/data set name (binary labels)")
    ap.add_argument("repeats", type=int)
    ap.add_argument("tol", type=float)
    args = ap.parse_args()
    X, y = load_any(f"shared:{args.set}")
    y = np.where(y > 0, 1.0, -1.0)
    lam_max = np.abs(np.asarray(X.T @ y).ravel()).max() / (2 * X.shape[0])
    lams = np.geomspace(lam_max, lam_max / 100, 50)
    t0 = time.perf_counter()
    for _ in range(args.repeats):
        penalized.logistic_path(X, y, alphas=lams, fit_intercept=False, tol=args.tol,
                                max_iter=10_000)
    print(time.perf_counter() - t0)


if __name__ == "__main__":
    main()
