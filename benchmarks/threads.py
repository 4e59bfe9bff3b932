"""Threads: inside one fit (``n_threads``), and concurrent fits in Python threads.

    flock /tmp/penalized-bench.lock env OPENBLAS_NUM_THREADS=1 \
        python benchmarks/threads.py [--part paths,blocks,passes,concurrent|all] [--repeats 3]
        [--sets dorothea,news20_tfidf,...] [--json out.json]

``paths`` (the default): speed-up of one fit's OpenMP threads, on the large sparse
sets of ../shared/data (dorothea, news20_tfidf, imdb_movie_review_tfidf,
hockey_gamlr).  For each set, a Lasso path (y as stored, no intercept, 30 geometric
alphas from alpha_max to alpha_max/100, tol 1e-8: BENCHMARKS.md's large-set path) and
an L1 logistic path (labels +-1, intercept, 20 alphas to alpha_max/100, tol 1e-6),
each run with n_threads=1 and n_threads=2, interleaved (1, 2, 1, 2, ...) after one
warm-up round; reported: the median wall times, their ratio (1-thread time /
2-thread time: > 1 means the threads helped), the process CPU time per wall second
of the 2-thread runs, and whether the two results are bit-identical (they must be).
Next to each row, ``free cores``: what the machine offered this process just after
it, measured without penalized (two Python threads sorting numpy arrays against one:
about 2 on an idle 2-core machine, about 1 when another process holds a core).
Also the share of the stored entries read that went to the full passes (the
threaded part; ``full_passes / (passes + update_passes)`` of the path's work
counters, Lasso only): Amdahl's bound on the speed-up is 1 / (1 - share / 2).

``blocks``: the same for the block solver (its gap checks' X_c,g^T R passes): a
multi-task Lasso path (news20_libsvm_multiclass_train, Y the one-hot indicators of the
first 5 classes, 20 alphas to alpha_max/20, tol 1e-6) and a group Lasso path
(dorothea, contiguous groups of 10 columns, 20 alphas to alpha_max/20, tol 1e-6),
1 vs 2 threads interleaved, bit-identity checked.

``passes``: one correlation pass X^T r alone (``Design.correlations(r, n_threads)``,
the solver's per-column kernel, no threshold), 1 vs 2 threads, on CSC and dense
matrices of growing size: where threads start to pay, which sets
``_core.pyx``'s PAR_MIN_WORK.

``concurrent``: do concurrent fits in Python threads use several cores?  (The
native loop releases the GIL.)  The same set of fits one after the other, then
over 2 Python threads: wall, CPU / wall and speed-up; and a GIL probe (a Python
loop in the main thread next to one long fit in a worker thread: ratio near 1
when the fit releases the GIL).

The machine these numbers come from has 2 cores shared with other work: a
speed-up of 2 is the ceiling, and any load from other processes takes it away
(the load average before each part is printed).  Single-threaded results remain
the headline comparison (BENCHMARKS.md).
"""

import argparse
import json
import os
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

import penalized
import penalized.solvers
from penalized._core import Design

SETS = "dorothea,news20_tfidf,imdb_movie_review_tfidf,hockey_gamlr"


def _timed(run):
    t0, c0 = time.perf_counter(), os.times()
    out = run()
    c1 = os.times()
    return time.perf_counter() - t0, (c1.user - c0.user) + (c1.system - c0.system), out


def _interleaved(runs, repeats):
    """{key: (median wall, median cpu, last result)} of runs timed interleaved."""
    for fn in runs.values():                   # warm-up
        fn()
    times = {k: [] for k in runs}
    last = {}
    for _ in range(repeats):
        for k, fn in runs.items():
            wall, cpu, out = _timed(fn)
            times[k].append((wall, cpu))
            last[k] = out
    return {k: (float(np.median([t[0] for t in v])), float(np.median([t[1] for t in v])),
                last[k]) for k, v in times.items()}


def free_cores():
    """Cores this process can use right now, measured without penalized: two Python
    threads each sorting its own array (numpy releases the GIL) against one thread
    sorting one: 2 t_one / t_two, about 2 on an idle 2-core machine, about 1 when
    another process holds a core."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(2_000_000) for _ in range(2)]
    one = min(_timed(lambda: np.sort(arrays[0]))[0] for _ in range(3))
    with ThreadPoolExecutor(max_workers=2) as pool:
        two = min(_timed(lambda: list(pool.map(np.sort, arrays)))[0] for _ in range(3))
    return 2 * one / two


def _same(a, b):
    a = a.toarray() if sp.issparse(a) else np.asarray(a)
    b = b.toarray() if sp.issparse(b) else np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b))


# ---------------------------------------------------------------------------
# paths: one fit's threads on the large sparse sets
# ---------------------------------------------------------------------------

def lasso_runs(X, y):
    yc = y - y.mean()

    def run(k):
        return lambda: penalized.solvers.lasso_path(
            X, yc, n_alphas=30, eps=1e-2, fit_intercept=False, tol=1e-8, warn=False,
            n_threads=k)
    return run


def logistic_runs(X, y):
    def run(k):
        return lambda: penalized.solvers.logistic_path(
            X, y, n_alphas=20, eps=1e-2, l1_ratio=1.0, tol=1e-6, warn=False, n_threads=k)
    return run


def part_paths(sets, repeats):
    import _common as C
    rows = []
    print(f"cores: {os.cpu_count()}, OpenMP max threads: "
          f"{penalized._core.openmp_max_threads()}, load average: {os.getloadavg()[0]:.2f}, "
          f"free cores: {free_cores():.2f}", flush=True)
    for name in sets:
        X, y = C.load(name)
        for task, maker in (("Lasso path", lasso_runs), ("L1 logistic path", logistic_runs)):
            run = maker(X, y)
            res = _interleaved({1: run(1), 2: run(2)}, repeats)
            (w1, c1, s1), (w2, c2, s2) = res[1], res[2]
            share = None
            if task == "Lasso path":
                work = s1.work
                total = np.sum(work["passes"]) + np.sum(work["update_passes"])
                share = float(np.sum(work["full_passes"]) / total) if total > 0 else 0.0
            cores = free_cores()
            row = dict(set=name, shape=list(X.shape), nnz=int(X.nnz), task=task,
                       t1=w1, t2=w2, speedup=w1 / w2, cpu_per_wall_2=c2 / w2,
                       identical=_same(s1.coefs, s2.coefs) and _same(s1.dual_gaps, s2.dual_gaps),
                       full_share=share, load=os.getloadavg()[0], free_cores=cores)
            rows.append(row)
            print(f"{name:24s} {task:17s} 1 thread {w1:7.2f} s  2 threads {w2:7.2f} s  "
                  f"ratio {w1 / w2:5.2f}  cpu/wall(2) {c2 / w2:4.2f}  identical "
                  f"{row['identical']}  free cores {cores:.2f}"
                  + ("" if share is None else f"  full-pass share {share:.2f}"),
                  flush=True)
    print()
    print("| set | n x p | nnz | task | 1 thread (s) | 2 threads (s) | ratio 1/2 | "
          "CPU/wall (2) | bit-identical | full-pass share (Amdahl bound) | free cores after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        amdahl = ("" if r["full_share"] is None else
                  f"{r['full_share']:.2f} ({1 / (1 - r['full_share'] / 2):.2f})")
        print(f"| {r['set']} | {r['shape'][0]} x {r['shape'][1]} | {r['nnz']} | {r['task']} | "
              f"{r['t1']:.2f} | {r['t2']:.2f} | {r['speedup']:.2f} | {r['cpu_per_wall_2']:.2f} | "
              f"{'yes' if r['identical'] else 'NO'} | {amdahl} | {r['free_cores']:.2f} |")
    return rows


def part_blocks(repeats):
    import _common as C
    print(f"load average: {os.getloadavg()[0]:.2f}, free cores: {free_cores():.2f}", flush=True)
    X, labels = C.load("news20_libsvm_multiclass_train")
    Y = np.stack([(labels == c).astype(np.float64) for c in np.unique(labels)[:5]], axis=1)
    Xd, yd = C.load("dorothea")

    def multitask(k):
        return lambda: penalized.multitask_lasso_path(
            X, Y, alphas=20, eps=0.05, tol=1e-6, fit_intercept=True, n_threads=k)[1]

    def group(k):
        return lambda: penalized.group_lasso_path(
            Xd, yd, groups=10, alphas=20, eps=0.05, tol=1e-6, fit_intercept=True,
            n_threads=k)[1]

    rows = []
    for name, task, run in (("news20 multiclass (5 tasks)", "multi-task Lasso path", multitask),
                            ("dorothea (groups of 10)", "group Lasso path", group)):
        res = _interleaved({1: run(1), 2: run(2)}, repeats)
        (w1, _, s1), (w2, c2, s2) = res[1], res[2]
        row = dict(set=name, task=task, t1=w1, t2=w2, speedup=w1 / w2,
                   cpu_per_wall_2=c2 / w2, identical=_same(s1.reshape(-1), s2.reshape(-1)),
                   free_cores=free_cores())
        rows.append(row)
    print()
    print("| set | task | 1 thread (s) | 2 threads (s) | ratio 1/2 | CPU/wall (2) | "
          "bit-identical | free cores after |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['set']} | {r['task']} | {r['t1']:.2f} | {r['t2']:.2f} | "
              f"{r['speedup']:.2f} | {r['cpu_per_wall_2']:.2f} | "
              f"{'yes' if r['identical'] else 'NO'} | {r['free_cores']:.2f} |")
    return rows


# ---------------------------------------------------------------------------
# passes: where threads pay
# ---------------------------------------------------------------------------

def part_passes(repeats):
    rng = np.random.default_rng(0)
    rows = []
    print(f"load average: {os.getloadavg()[0]:.2f}, free cores: {free_cores():.2f}", flush=True)
    print("| storage | n x p | entries | 1 thread (us) | 2 threads (us) | ratio 1/2 |")
    print("|---|---|---|---|---|---|")
    cases = [("csc", 2000, p, 0.01) for p in (50, 200, 1000, 5000, 20000, 100000)]
    cases += [("dense", 500, p, 1.0) for p in (2, 10, 50, 200, 1000, 5000)]
    for kind, n, p, dens in cases:
        if kind == "csc":
            X = sp.random(n, p, density=dens, format="csc", random_state=1)
            X.sort_indices()
        else:
            X = np.asfortranarray(rng.standard_normal((n, p)))
        d = Design(X, None, False)
        r = rng.standard_normal(n)
        inner = max(1, int(2e7 // max(d.nnz, 1)))   # ~ 20M entries per timing

        def run(k):
            def f():
                for _ in range(inner):
                    d.correlations(r, n_threads=k)
            return f
        res = _interleaved({1: run(1), 2: run(2)}, repeats)
        t1, t2 = res[1][0] / inner * 1e6, res[2][0] / inner * 1e6
        same = np.array_equal(d.correlations(r, n_threads=1), d.correlations(r, n_threads=2))
        rows.append(dict(storage=kind, n=n, p=p, entries=int(d.nnz), t1_us=t1, t2_us=t2,
                         speedup=t1 / t2, identical=bool(same)))
        print(f"| {kind} | {n} x {p} | {d.nnz} | {t1:.1f} | {t2:.1f} | {t1 / t2:.2f} |"
              + ("" if same else " NOT IDENTICAL |"), flush=True)
    return rows


# ---------------------------------------------------------------------------
# concurrent: fits in Python threads
# ---------------------------------------------------------------------------

def _work():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((500, 2000)))
    y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(500)
    Xs = sp.random(2000, 5000, density=0.01, format="csc", random_state=1)
    ys = np.asarray(Xs[:, :20] @ rng.standard_normal(20)).ravel() + 0.1 * rng.standard_normal(2000)
    labels = (y > 0).astype(int)
    jobs = [
        lambda: penalized.Lasso(alpha=0.01, tol=1e-8).fit(X, y),
        lambda: penalized.Lasso(alpha=0.0005, tol=1e-8).fit(Xs, ys),
        lambda: penalized.LogisticRegression(penalty="l1", alpha=0.002, tol=1e-8).fit(X, labels),
        lambda: penalized.lasso_path(Xs, ys, alphas=30, tol=1e-6),
    ]
    return jobs * 2


def _python_progress_during(fn):
    """Iterations of a pure-Python loop in this thread while fn runs in another."""
    import threading

    done = threading.Event()

    def worker():
        fn()
        done.set()

    t = threading.Thread(target=worker)
    count, t0 = 0, time.perf_counter()
    t.start()
    while not done.is_set():
        count += 1
    t.join()
    return count / (time.perf_counter() - t0)


def gil_probe():
    rng = np.random.default_rng(1)
    X = np.asfortranarray(rng.standard_normal((2000, 3000)))
    y = X[:, :50] @ rng.standard_normal(50) + rng.standard_normal(2000)
    est = penalized.Lasso(alpha=1e-4, tol=1e-10, max_iter=300, precompute=False)
    fit = lambda: est.fit(X, y)                               # noqa: E731
    fit()
    wall = _timed(fit)[0]
    idle = _python_progress_during(lambda: time.sleep(wall))
    busy = _python_progress_during(fit)
    print(f"GIL probe: one dense Lasso fit of {wall:.2f} s in a worker thread; the main "
          f"thread's Python loop ran at {busy / idle:.2f} x its speed next to a sleeping "
          "worker (0 = GIL held throughout)")


def part_concurrent():
    gil_probe()
    jobs = _work()
    for job in jobs:             # warm-up
        job()
    rows = []
    for _ in range(3):
        seq = _timed(lambda: [job() for job in jobs])[:2]
        with ThreadPoolExecutor(max_workers=2) as pool:
            par = _timed(lambda: list(pool.map(lambda j: j(), jobs)))[:2]
        rows.append((seq, par))
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    print("run  seq wall  seq cpu/wall  2-thread wall  2-thread cpu/wall  speed-up")
    for k, ((sw, sc), (pw, pc)) in enumerate(rows):
        print(f"{k:3d}  {sw:8.2f}  {sc / sw:12.2f}  {pw:13.2f}  {pc / pw:17.2f}  {sw / pw:8.2f}")
    med = sorted(rows, key=lambda r: r[1][0])[1]
    print(f"median 2-thread run: cpu/wall = {med[1][1] / med[1][0]:.2f}, "
          f"speed-up = {med[0][0] / med[1][0]:.2f}")


def main():
    from threadpoolctl import threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", default="paths",
                    help="comma-separated parts: paths, blocks, passes, concurrent, or all")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sets", default=SETS)
    ap.add_argument("--json", default=None, help="write the rows to this file")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    out = {}
    known = {"paths", "blocks", "passes", "concurrent"}
    parts = known if args.part == "all" else set(args.part.split(","))
    if not parts <= known:
        ap.error(f"unknown part in {args.part!r}")
    # BLAS single-threaded: the only threads are the ones measured
    with threadpool_limits(1, user_api="blas"):
        if "passes" in parts:
            out["passes"] = part_passes(args.repeats)
        if "paths" in parts:
            out["paths"] = part_paths(args.sets.split(","), args.repeats)
        if "blocks" in parts:
            out["blocks"] = part_blocks(args.repeats)
        if "concurrent" in parts:
            part_concurrent()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
