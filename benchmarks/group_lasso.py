"""Group Lasso: penalized vs skglm and adelie on real sets, at the same certified accuracy.

    PENALIZED_SHARED_DATA=../shared/data OPENBLAS_NUM_THREADS=1 \
        python benchmarks/group_lasso.py [--sets riboflavin,leukemia_golub] [--size 5] \
        [--adelie /work/venvs/adelie/bin/python] [--repeats 3]

Problem: 1/(2n) ||y - X w - b||^2 + alpha sum_g omega_g ||w_g||_2 with contiguous groups of
``--size`` standardised features, omega_g = sqrt(|g|), on a 20-point geometric path from
alpha_max to alpha_max / 20 (warm-started).  Every solver's coefficients are scored by the
objective recomputed here in numpy; "F - F_best" is the worst point of the path against the
best objective any solver reached there.  penalized runs at tol 1e-8 (its certified gap
<= 1e-8 ||y_c||^2 / n), skglm at tol 1e-10 (warm-started single fits), adelie's grpnet at
tol 1e-12 (its own path; in a numpy < 2 venv, ``adelie_group_runner.py``).  Medians of
``--repeats`` runs, single-threaded.
"""

import sys
from pathlib import Path

import numpy as np

from _common import group_benchmark_args, load, median_time, run_adelie_groups

import penalized as pz


def objective(X, y, w, b, labels, weights, alpha):
    r = y - X @ w - b
    norms = np.sqrt(np.bincount(labels, weights=w * w, minlength=weights.size))
    return 0.5 * r @ r / len(y) + alpha * weights @ norms


def main():
    args = group_benchmark_args("riboflavin,leukemia_golub,colon_alon", points=20)
    rows = []
    for name in args.sets.split(","):
        X, y = load(name)
        X = np.asarray(X)
        n, p = X.shape
        labels = np.arange(p) // args.size
        G = labels.max() + 1
        weights = np.sqrt(np.bincount(labels).astype(float))
        c = X.T @ (y - y.mean()) - X.sum(0) * 0.0     # X is centred by load()
        a_max = np.max(np.sqrt(np.bincount(labels, weights=c * c)) / weights) / n
        alphas = np.geomspace(a_max, a_max / 20, args.points)
        results = {}

        def run_pz():
            out = pz.group_lasso_path(X, y, groups=labels, alphas=alphas, fit_intercept=True,
                                      tol=1e-8)
            return out[1]

        t = median_time(run_pz, args.repeats)
        C = run_pz()
        b = y.mean() - X.mean(0) @ C
        results["penalized (tol 1e-8)"] = (t, C, b)

        try:
            import skglm

            def run_sk():
                est = skglm.GroupLasso(groups=np.bincount(labels).tolist(), alpha=alphas[0],
                                       weights=weights, tol=1e-10, max_iter=1000,
                                       warm_start=True, fit_intercept=True)
                coefs, icpt = [], []
                for a in alphas:
                    est.alpha = a
                    est.fit(X, y)
                    coefs.append(est.coef_.copy())
                    icpt.append(est.intercept_)
                return np.array(coefs).T, np.array(icpt)

            run_sk()    # numba compilation, not timed
            t = median_time(run_sk, args.repeats)
            C, b = run_sk()
            results["skglm (tol 1e-10)"] = (t, C, b)
        except ImportError:
            print("skglm not installed: skipped", file=sys.stderr)

        if Path(args.adelie).exists():
            z = run_adelie_groups(args.adelie, X, y, np.arange(0, p, args.size), weights,
                                  alphas, args.repeats)
            results["adelie grpnet (tol 1e-12)"] = (float(z["time"]), z["coefs"],
                                                    z["intercepts"])
        else:
            print("adelie venv not found: skipped", file=sys.stderr)

        F = {k: np.array([objective(X, y, C[:, i], b[i], labels, weights, a)
                          for i, a in enumerate(alphas)]) for k, (t, C, b) in results.items()}
        best = np.min(np.array(list(F.values())), axis=0)
        t_pz = results["penalized (tol 1e-8)"][0]
        for k, (t, C, b) in results.items():
            rows.append((name, f"{n}x{p}, {G} groups", k, t, t / t_pz,
                         float(np.max((F[k] - best) / np.maximum(best, 1e-300)))))
    print("| set | shape | solver | s (median) | time / penalized | max (F - F_best) / F_best |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.3g} | {r[4]:.2f} | {r[5]:.1e} |")


if __name__ == "__main__":
    main()
