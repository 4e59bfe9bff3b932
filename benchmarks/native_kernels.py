"""Timings of the native kernels' hot spots under a given BLAS thread count: whichever
penalized build is first on sys.path.

    OPENBLAS_NUM_THREADS=1 python benchmarks/native_kernels.py --threads 1
    python benchmarks/native_kernels.py --threads 2      # the machine's default here

Tasks (wall-clock medians of 5 after a warm-up, seconds):
- ``lasso_path n=...``: a 20-alpha Lasso path in data mode (precompute=False) on
  n x 100 Gaussian X, n = 10^4, 4 x 10^4, 2 x 10^5: long dense columns, so the level-1
  BLAS calls of coordinate descent cross OpenBLAS's threading threshold (~10^4);
- ``poisson_path randhie``: a 50-alpha standardized Poisson path on the bundled RAND HIE
  data (20,190 x 9);
- ``design 2000x500``: the column statistics of a dense 2000 x 500 design (the C
  reduction kernels);
- ``gamma 2000x500`` / ``cox 1000x200``: single L1 fits.

To compare two builds, alternate them as ``benchmarks/ab_paths.py`` describes
(``PYTHONPATH=/tmp/base/src python benchmarks/native_kernels.py ...``), under
``flock /tmp/penalized-bench.lock``.  Prints one line per task.
"""

import argparse

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
from penalized._core import Design
from penalized.datasets import load_randhie

from _common import median_time


def tasks():
    rng = np.random.default_rng(0)
    out = []
    for n in (10_000, 40_000, 200_000):
        X = np.asfortranarray(rng.standard_normal((n, 100)))
        y = X[:, :10] @ np.ones(10) + rng.standard_normal(n)
        out.append((f"lasso_path n={n}", lambda X=X, y=y: penalized.lasso_path(
            X, y, alphas=20, precompute=False, tol=1e-8)))
    Xr, yr, _ = load_randhie()
    Xr = np.asfortranarray(Xr)
    out.append(("poisson_path randhie", lambda: penalized.poisson_path(
        Xr, yr, alphas=50, standardize=True, tol=1e-8)))
    Xd = np.asfortranarray(rng.standard_normal((2000, 500)))
    out.append(("design 2000x500", lambda: Design(Xd, None, True)))
    mu = np.exp(0.1 * Xd[:, :20].sum(1))
    yg = rng.gamma(2.0, mu / 2.0)
    out.append(("gamma 2000x500", lambda: penalized.GammaRegression(
        "l1", alpha=0.01, tol=1e-6).fit(Xd, yg)))
    Xc = rng.standard_normal((1000, 200))
    t = rng.exponential(np.exp(-0.5 * Xc[:, :5].sum(1)))
    Yc = np.column_stack([t, (rng.random(1000) < 0.7).astype(float)])
    out.append(("cox 1000x200", lambda: penalized.CoxRegression(
        "l1", alpha=0.01, tol=1e-6).fit(Xc, Yc)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (threadpoolctl)")
    args = ap.parse_args()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for name, fn in tasks():
            print(f"{penalized.__file__.rsplit('/src/', 1)[0]} threads={args.threads} "
                  f"{name}: {median_time(fn, repeats=5):.4f} s", flush=True)


if __name__ == "__main__":
    main()
