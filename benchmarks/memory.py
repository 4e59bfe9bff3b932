"""Peak extra memory of a fit, relative to the size of X.

    python benchmarks/memory.py

Each case runs in a fresh child process: it builds X, resets the kernel's
peak-RSS mark (``/proc/self/clear_refs``), records the resident set size,
fits (one Lasso at alpha_max / 20, or a 20-alpha path whose dense
(p, 20) coefficient output is part of the peak), and reports the peak RSS growth during the fit
(VmHWM after minus VmRSS before) next to the bytes of X (data + indices for
sparse).  Native buffers (malloc in the solver) are included, unlike
tracemalloc.  Target (issue 4): at most 0.3 x the size of X.
"""

import multiprocessing as mp

import numpy as np
import scipy.sparse as sp


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _sparse(n, p, nnz_per_col, rng):
    rows = rng.integers(0, n, size=p * nnz_per_col)
    cols = np.repeat(np.arange(p), nnz_per_col)
    X = sp.csc_matrix((rng.standard_normal(p * nnz_per_col), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    return X


def _case(kind, n, p, nnz_per_col, task, conn):
    import penalized

    rng = np.random.default_rng(0)
    if kind == "dense":
        X = np.asfortranarray(rng.standard_normal((n, p)))
        nbytes = X.nbytes
    else:
        X = _sparse(n, p, nnz_per_col, rng)
        nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    y = np.asarray(X[:, :20] @ rng.standard_normal(20)).ravel() + rng.standard_normal(n)
    amax = penalized.lasso_path(X, y, n_alphas=1, fit_intercept=True)[0][0]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    before = _status_kib("VmRSS")
    if task == "fit":
        penalized.Lasso(alpha=amax / 20, tol=1e-6).fit(X, y)
    else:
        penalized.lasso_path(X, y, alphas=np.geomspace(amax, amax / 100, 20),
                             fit_intercept=True, tol=1e-6, max_iter=10_000)
    conn.send((nbytes, (_status_kib("VmHWM") - before) * 1024))


def main():
    cases = [("dense", 20_000, 1_000, None), ("dense", 2_000, 10_000, None),
             ("sparse", 50_000, 200_000, 10), ("sparse", 10_000, 100_000, 10),
             ("sparse", 20_000, 20_000, 200)]
    print("| task | X | n x p | size of X MB | peak extra MB | ratio |")
    print("|---|---|---|---|---|---|")
    ctx = mp.get_context("spawn")
    for task in ("fit", "path"):
        for kind, n, p, nnz_per_col in cases:
            a, b = ctx.Pipe()
            proc = ctx.Process(target=_case, args=(kind, n, p, nnz_per_col, task, b))
            proc.start()
            nbytes, extra = a.recv()
            proc.join()
            print(f"| {task} | {kind} | {n} x {p} | {nbytes / 2**20:.1f} "
                  f"| {extra / 2**20:.1f} | {extra / nbytes:.2f} |", flush=True)


if __name__ == "__main__":
    main()
