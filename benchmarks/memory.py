"""Peak extra memory of a fit, relative to the size of X.

    python benchmarks/memory.py [--tasks fit,path,path_sparse,cv,logreg_cv] [--shared-only]
        [--sets news20_tfidf,bigram] [--cv-alphas 20] [--store-path auto|dense|sparse|none]

Each case runs in a fresh child process: it builds X, resets the kernel's
peak-RSS mark (``/proc/self/clear_refs``), records the resident set size,
fits (one Lasso at alpha_max / 20, or a 20-alpha path whose dense
(p, 20) coefficient output is part of the peak), and reports the peak RSS growth during the fit
(VmHWM after minus VmRSS before) next to the bytes of X (data + indices +
indptr for sparse).  Native buffers (malloc in the solver) are included,
unlike tracemalloc; glibc's mmap threshold is pinned so that
freed buffers are returned to the system rather than reused unseen.  The last column leaves out the returned coefficients,
which every path solver must allocate.  Target (issue 4): at most 0.3 x the
size of X.  ``path_sparse`` is the same path with ``return_sparse=True`` (its
CSC coefficients are the output); ``cv`` a 5-fold ``LassoCV`` on the same 20
alphas at n_jobs=1 (issue 18's goal: at most 1.5 x X of extra memory; the
fold's training rows are a copy of those rows of X, and since issue 18 its
path is kept sparse: only the held-out predictions are formed); ``logreg_cv``
a 5-fold ``LogisticRegressionCV(penalty='l1')`` on 20 alphas from its
alpha_max to alpha_max/100 (tol 1e-4), on the set's +/-1 label (else y above
its mean), whose fold paths are kept sparse since issue 18 as well.  For
both CV tasks the output column is ``coef_`` plus the stored ``coef_path_`` (the
full-data path, n_features x n_alphas): sparse for sparse X since ``store_path='auto'``
(data + indices + indptr), or dense with ``--store-path dense`` (the form before).
``--folds rows,weights`` runs the CV tasks with each fold form side by side
(``weights``, the default since issue 18: the training rows as sample weights on X,
no copy of it; ``rows``: a row-subset copy per fold), with the seconds of each fit
(not a timing protocol: use a locked, interleaved run for time ratios).
``--cv-alphas`` changes the 20; ``--sets`` picks shared sets by name, and
``bigram`` adds the bigram tf-idf matrix of ``bigram.py`` (built or read from
its cache).

Each O(p) float64 vector costs 8 p bytes against 12 nnz + 4 p for float64
CSC X with int32 indices, so the ratio of a sparse fit is set by the number
of non-zeros per column; the cases below span 10 to 200.
"""

import multiprocessing as mp
import os

import numpy as np
import scipy.sparse as sp


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _nbytes(a):
    """Bytes of an ndarray, a scipy.sparse matrix (data + indices + indptr), a list of
    them (LogisticRegressionCV's sparse coef_path_) or None."""
    if a is None:
        return 0
    if isinstance(a, list):
        return sum(_nbytes(c) for c in a)
    if sp.issparse(a):
        return a.data.nbytes + a.indices.nbytes + a.indptr.nbytes
    return a.nbytes


def _sparse(n, p, nnz_per_col, rng):
    rows = rng.integers(0, n, size=p * nnz_per_col)
    cols = np.repeat(np.arange(p), nnz_per_col)
    X = sp.csc_matrix((rng.standard_normal(p * nnz_per_col), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    return X


def _case(kind, n, p, nnz_per_col, task, conn, n_alphas=20, store_path="auto",
          folds="weights"):
    import time

    import penalized
    import penalized.model_selection as ms

    # how the CV folds see their training rows (issue 18): zero sample weights on X
    # (the default) or row-subset copies of X (the form before)
    if folds in ("rows", "weights"):    # else the library's defaults
        ms.FOLDS_AS_WEIGHTS = ms.LEAST_SQUARES_FOLDS_AS_WEIGHTS = folds == "weights"

    rng = np.random.default_rng(0)
    if kind == "bigram":
        from bigram import bigram_matrix
        X, y, _ = bigram_matrix(None if n is None else n, log=lambda msg: None)
        X = X.tocsc()
        nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    elif kind.startswith("shared:"):
        from _common import load_any
        X, y = load_any(kind)
        X = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
        nbytes = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
                  if sp.issparse(X) else X.nbytes)
    elif kind == "dense":
        X = np.asfortranarray(rng.standard_normal((n, p)))
        nbytes = X.nbytes
    else:
        X = _sparse(n, p, nnz_per_col, rng)
        nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    if not kind.startswith("shared:") and kind != "bigram":
        y = np.asarray(X[:, :20] @ rng.standard_normal(20)).ravel() + rng.standard_normal(n)
    if task == "logreg_cv":
        # a binary target: the set's +/-1 label, else y above its mean
        labels = y if set(np.unique(y)) <= {-1.0, 1.0} else np.where(y > np.mean(y), 1.0, -1.0)
        amax = np.abs(np.asarray(X.T @ (labels - labels.mean())).ravel()).max() / (2 * X.shape[0])
    else:
        amax = penalized.lasso_path(X, y, alphas=1, fit_intercept=True)[0][0]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    before = _status_kib("VmRSS")
    t0 = time.perf_counter()
    if task == "fit":
        penalized.Lasso(alpha=amax / 20, tol=1e-6).fit(X, y)
        out = 0
    elif task == "cv":
        est = penalized.LassoCV(alphas=np.geomspace(amax, amax / 100, n_alphas), cv=5,
                                tol=1e-6, max_iter=10_000, store_path=store_path).fit(X, y)
        out = est.coef_.nbytes + _nbytes(est.coef_path_)
    elif task == "logreg_cv":
        est = penalized.LogisticRegressionCV("l1", alphas=np.geomspace(amax, amax / 100,
                                                                       n_alphas),
                                             cv=5, tol=1e-4, max_iter=100,
                                             store_path=store_path).fit(X, labels)
        out = est.coef_.nbytes + _nbytes(est.coef_path_)
    elif task == "path_sparse":
        coefs = penalized.lasso_path(X, y, alphas=np.geomspace(amax, amax / 100, 20),
                                     fit_intercept=True, tol=1e-6, max_iter=10_000,
                                     return_sparse=True)[1]
        out = coefs.data.nbytes + coefs.indices.nbytes + coefs.indptr.nbytes
    else:
        coefs = penalized.lasso_path(X, y, alphas=np.geomspace(amax, amax / 100, 20),
                                     fit_intercept=True, tol=1e-6, max_iter=10_000)[1]
        out = coefs.nbytes
    seconds = time.perf_counter() - t0
    conn.send((nbytes, (_status_kib("VmHWM") - before) * 1024, out, seconds))


def _shared_cases():
    """The sparse real sets of ../shared/data, when present."""
    from _common import SHARED
    names = ["news20_tfidf", "imdb_movie_review_tfidf", "hockey_gamlr", "dorothea", "we8there"]
    out = []
    for name in names:
        path = SHARED / f"{name}.npz"
        if path.exists():
            with np.load(path) as z:
                n, p = (int(v) for v in z["shape"])
                nnz = z["data"].size
            out.append((f"shared:{name}", n, p, round(nnz / p)))
    return out


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", default="fit,path,path_sparse,cv")
    ap.add_argument("--shared-only", action="store_true",
                    help="only the sparse sets of ../shared/data")
    ap.add_argument("--cv-alphas", type=int, default=20,
                    help="grid size of the cv and logreg_cv tasks")
    ap.add_argument("--store-path", default="auto",
                    help="store_path of the cv and logreg_cv tasks (auto: sparse coef_path_ "
                         "for sparse X)")
    ap.add_argument("--folds", default="default",
                    help="comma list of fold forms of the cv tasks to run side by side: "
                         "'default' (the library's: weights for logistic, rows for least "
                         "squares), 'weights' (zero sample weights on X), 'rows' "
                         "(row-subset copies of X)")
    ap.add_argument("--sets", default=None,
                    help="comma list of the shared sets to run (default: every sparse one), "
                         "'bigram' for bigram.py's matrix")
    args = ap.parse_args()
    # a fixed glibc mmap threshold: large blocks are mapped and unmapped on
    # free, so buffers left over from the alpha_max call cannot hide a peak
    os.environ["MALLOC_MMAP_THRESHOLD_"] = "65536"
    cases = [("dense", 20_000, 1_000, None), ("dense", 2_000, 10_000, None),
             ("sparse", 50_000, 200_000, 10), ("sparse", 10_000, 100_000, 10),
             ("sparse", 20_000, 100_000, 40), ("sparse", 20_000, 20_000, 200)]
    if args.shared_only:
        cases = []
    cases += _shared_cases()
    if args.sets is not None:
        names = args.sets.split(",")
        cases = [c for c in cases if c[0].split(":")[-1] in names]
        if "bigram" in names:
            cases.append(("bigram", None, None, None))
    print("| task | folds | X | n x p | nnz/col | size of X MB | peak extra MB | ratio "
          "| output MB | ratio without output | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ctx = mp.get_context("spawn")
    for task in args.tasks.split(","):
        for kind, n, p, nnz_per_col in cases:
            forms = args.folds.split(",") if task in ("cv", "logreg_cv") else ["-"]
            for folds in forms:
                a, b = ctx.Pipe()
                proc = ctx.Process(target=_case, args=(kind, n, p, nnz_per_col, task, b,
                                                       args.cv_alphas, args.store_path,
                                                       folds))
                proc.start()
                try:
                    nbytes, extra, out, seconds = a.recv()
                except EOFError:            # the child failed (its traceback is on stderr)
                    proc.join()
                    print(f"| {task} | {folds} | {kind} | failed |", flush=True)
                    continue
                proc.join()
                print(f"| {task} | {folds} | {kind} | {n or '-'} x {p or '-'} "
                      f"| {nnz_per_col or n or '-'} | {nbytes / 2**20:.1f} "
                      f"| {extra / 2**20:.1f} | {extra / nbytes:.2f} | {out / 2**20:.1f} "
                      f"| {(extra - out) / nbytes:.2f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
