"""Do concurrent fits in threads use several cores?  (The native loop releases the GIL.)

    python benchmarks/threads.py

Fits the same set of Lasso / logistic problems twice: one after the other in
one thread, then split over 2 threads.  Reports wall time and process CPU time
(user + system, all threads) for both; CPU / wall near 2 for the threaded run
means both cores were busy.  On a machine shared with other jobs the ratio is
lower than the cores used by this process alone would give; the speed-up
(sequential wall / threaded wall) is reported next to it.

A second measure does not depend on the machine being idle: while one
long fit runs in a worker thread, the main thread counts iterations of a
pure-Python loop, compared with the count while the worker only sleeps.  A
fit that held the GIL would stop the main thread (ratio near 0); one that
releases it leaves the main thread running (ratio near 1, or 1/2 on one free
core).
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

import penalized


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


def _quiet():
    import warnings
    warnings.simplefilter("ignore")


def _timed(run):
    t0, c0 = time.perf_counter(), os.times()
    run()
    c1 = os.times()
    return time.perf_counter() - t0, (c1.user - c0.user) + (c1.system - c0.system)


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


def main():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        gil_probe()

    jobs = _work()
    with threadpool_limits(1):       # BLAS single-threaded: parallelism comes from our threads
        for job in jobs:             # warm-up
            job()
        rows = []
        for _ in range(3):
            seq = _timed(lambda: [job() for job in jobs])
            with ThreadPoolExecutor(max_workers=2) as pool:
                par = _timed(lambda: list(pool.map(lambda j: j(), jobs)))
            rows.append((seq, par))
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    print("run  seq wall  seq cpu/wall  2-thread wall  2-thread cpu/wall  speed-up")
    for k, ((sw, sc), (pw, pc)) in enumerate(rows):
        print(f"{k:3d}  {sw:8.2f}  {sc / sw:12.2f}  {pw:13.2f}  {pc / pw:17.2f}  {sw / pw:8.2f}")
    med = sorted(rows, key=lambda r: r[1][0])[1]
    print(f"median 2-thread run: cpu/wall = {med[1][1] / med[1][0]:.2f}, "
          f"speed-up = {med[0][0] / med[1][0]:.2f}")


if __name__ == "__main__":
    _quiet()
    main()
