"""Peak memory of a Lasso fit on a sparse problem with 10^7 non-zeros.

    python benchmarks/scale_memory.py [nnz]        (default 10_000_000)

A fresh child process builds a canonical CSC matrix X (float64 data, int32
indices; n = 100,000 rows, nnz / 50 columns, 50 distinct rows per column) and
y, then resets the kernel's peak-RSS mark (``/proc/self/clear_refs``) and fits
``Lasso(alpha=alpha_max / 20)`` through the public API (validation included).
Reported: the size of X (data + indices + indptr), the peak RSS growth during
the fit (VmHWM after minus VmRSS before: native buffers included), and

    peak / size of X = (size of X + peak growth) / size of X

which the reliability issue asks to keep under 1.3.  The same for a 20-alpha
path (its dense p x 20 output included).  glibc's mmap threshold is pinned so
freed blocks are returned to the system and cannot hide a peak.
"""

import multiprocessing as mp
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

ROWS, PER_COLUMN = 100_000, 50


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def _problem(nnz):
    rng = np.random.default_rng(0)
    p = nnz // PER_COLUMN
    step = ROWS // PER_COLUMN
    offsets = rng.integers(0, step, size=p, dtype=np.int32)
    rows = (offsets[:, None] + np.arange(PER_COLUMN, dtype=np.int32) * step) % ROWS
    rows.sort(axis=1)                                   # canonical: sorted, no duplicates
    X = sp.csc_matrix((rng.standard_normal(p * PER_COLUMN), rows.ravel(),
                       np.arange(p + 1, dtype=np.int32) * PER_COLUMN), shape=(ROWS, p))
    assert X.has_canonical_format
    w = np.zeros(p)
    w[rng.choice(p, 50, replace=False)] = rng.standard_normal(50)
    y = X @ w + 0.1 * rng.standard_normal(ROWS)
    return X, y


def _child(nnz, task, conn):
    import penalized

    X, y = _problem(nnz)
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    amax = penalized.lasso_path(X, y, alphas=1, fit_intercept=True)[0][0]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kib("VmRSS")
    t0 = time.perf_counter()
    if task == "fit":
        m = penalized.Lasso(alpha=amax / 20, tol=1e-4).fit(X, y)
        info = f"nnz(w) = {np.count_nonzero(m.coef_)}, gap {m.dual_gap_:.2e}"
    else:
        out = penalized.lasso_path(X, y, alphas=np.geomspace(amax, amax / 20, 20),
                                   fit_intercept=True, tol=1e-4)
        info = f"output {out[1].nbytes / 2**20:.0f} MB"
    seconds = time.perf_counter() - t0
    conn.send((X.nnz, X.shape, nbytes, (_status_kib("VmHWM") - before) * 1024, seconds, info))


def main():
    nnz = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    os.environ["MALLOC_MMAP_THRESHOLD_"] = "65536"
    ctx = mp.get_context("spawn")
    print("| task | nnz | n x p | size of X MB | peak growth MB | peak / size of X | time s | |")
    print("|---|---|---|---|---|---|---|---|")
    for task in ("fit", "path"):
        a, b = ctx.Pipe()
        proc = ctx.Process(target=_child, args=(nnz, task, b))
        proc.start()
        nz, shape, nbytes, extra, seconds, info = a.recv()
        proc.join()
        print(f"| {task} | {nz:.2e} | {shape[0]} x {shape[1]} | {nbytes / 2**20:.0f} | "
              f"{extra / 2**20:.1f} | {(nbytes + extra) / nbytes:.3f} | {seconds:.1f} | {info} |",
              flush=True)


if __name__ == "__main__":
    main()
