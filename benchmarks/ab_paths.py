"""Before/after timing of penalized's plain Lasso fits: whichever build is first on sys.path.

Prints one JSON object {"set|task": CPU seconds (median of 3 after a warm-up)}.  Tasks:
``lasso_path`` (100 alphas, eps 1e-3, default tol), the same path at tol=1e-6, and
single fits at alpha_max/10 and alpha_max/100 (tol 1e-6), y centred, no intercept;
with ``--models``, also an L1 logistic path (20 alphas, y > mean(y) as the class), a
group-lasso path (20 alphas, groups of 5 consecutive columns) and a 20-alpha Poisson
path (y's ranks binned into counts 0..4): the three plug-ins of the one outer loop.
CPU time (``time.process_time``), single-threaded BLAS, so that other jobs on the
machine disturb it less.  To compare two builds, alternate them, e.g. with a copy of
the base commit built in place in /tmp/base (``git archive <commit> | tar -x -C
/tmp/base; cd /tmp/base; python setup.py build_ext --inplace``)::

    for r in 1 2; do
      PYTHONPATH=/tmp/base/src python benchmarks/ab_paths.py SETS > base_$r.json
      python benchmarks/ab_paths.py SETS > new_$r.json
    done

and take the minimum over the rounds of each (``python benchmarks/ab_paths.py --summary
"base_*.json" "new_*.json"`` prints the table).  Run it under
``flock /tmp/penalized-bench.lock``.
"""

import json
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from _common import load
from penalized import Lasso, group_lasso_path, lasso_path, logistic_path, poisson_path


def model_tasks(X, y):
    """The GLM driver and the block solver on the set (see the module docstring)."""
    yb = (y > y.mean()).astype(int)
    groups = np.arange(X.shape[1]) // 5
    counts = np.minimum(np.argsort(np.argsort(y)) * 5 // len(y), 4).astype(float)
    return {
        "logistic_l1_path": lambda: logistic_path(X, yb, alphas=20, tol=1e-6),
        "group_lasso_path": lambda: group_lasso_path(X, y, groups=groups, alphas=20,
                                                     tol=1e-6),
        "poisson_l1_path": lambda: poisson_path(X, counts, alphas=20, tol=1e-6),
    }


def main(names, models=False):
    out = {}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            X, y = load(name)
            yc = y - y.mean()
            amax = np.abs(X.T @ yc).max() / X.shape[0]
            tasks = {
                "lasso_path": lambda: lasso_path(X, yc, n_alphas=100, eps=1e-3),
                "lasso_path_tol1e-6": lambda: lasso_path(X, yc, n_alphas=100, eps=1e-3,
                                                         tol=1e-6),
                "lasso_lmax/10": lambda: Lasso(alpha=amax / 10, fit_intercept=False,
                                               tol=1e-6).fit(X, yc),
                "lasso_lmax/100": lambda: Lasso(alpha=amax / 100, fit_intercept=False,
                                                tol=1e-6).fit(X, yc),
            }
            if models:
                tasks.update(model_tasks(X, y))
            for task, fn in tasks.items():
                fn()
                ts = []
                for _ in range(3):
                    t0 = time.process_time()
                    fn()
                    ts.append(time.process_time() - t0)
                out[f"{name}|{task}"] = float(np.median(ts))
    print(json.dumps(out))


def summary(base_files, new_files):
    """A markdown table of the two builds' minimum CPU times over the rounds (the
    JSON files the runs above wrote) and their ratio, base / new (> 1: new faster)."""
    def best(files):
        runs = [json.load(open(f)) for f in files]
        return {k: min(r[k] for r in runs if k in r) for k in runs[0]}
    base, new = best(base_files), best(new_files)
    print("| set | task | base s | new s | base / new |")
    print("|---|---|---|---|---|")
    ratios = []
    for key in base:
        if key in new:
            name, task = key.split("|")
            ratios.append(base[key] / new[key])
            print(f"| {name} | {task} | {base[key]:.4g} | {new[key]:.4g} | {ratios[-1]:.2f} |")
    print(f"\nmedian base / new {np.median(ratios):.3f}, range {min(ratios):.2f}-{max(ratios):.2f}"
          f" over {len(ratios)} tasks")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        # python ab_paths.py --summary "base_*.json" "new_*.json"
        import glob
        summary(sorted(glob.glob(sys.argv[2])), sorted(glob.glob(sys.argv[3])))
    else:
        main(sys.argv[1].split(","), models="--models" in sys.argv[2:])
