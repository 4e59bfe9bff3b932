"""Group-Lasso logistic regression: penalized vs skglm and adelie, side by side.

    PENALIZED_SHARED_DATA=../shared/data OPENBLAS_NUM_THREADS=1 \
        python benchmarks/group_logistic.py [--sets leukemia_golub,colon_alon] [--size 5]

Problem: 1/n sum_i log(1 + exp(-y_i x_i.w)) + alpha sum_g omega_g ||w_g||_2 (no intercept,
as skglm's GroupProxNewton solves it), contiguous groups of ``--size`` standardised features,
omega_g = sqrt(|g|), a 10-point geometric path from alpha_max to alpha_max / 10.  Every
solver's coefficients are scored by the objective recomputed here; "F - F_best" is the worst
path point against the best objective reached there.  penalized at tol 1e-8 (certified gap
<= 1e-8 log 2), skglm's GroupProxNewton at tol 1e-10 (warm-started along the path),
adelie's grpnet at tol 1e-12 (numpy < 2 venv, ``adelie_group_runner.py --family binomial``).
"""

import sys
from pathlib import Path

import numpy as np

from _common import group_benchmark_args, load, median_time, run_adelie_groups

import penalized as pz


def objective(X, t, w, labels, weights, alpha):
    return (np.logaddexp(0, -t * (X @ w)).mean()
            + alpha * weights @ np.sqrt(np.bincount(labels, weights=w * w,
                                                    minlength=weights.size)))


def main():
    args = group_benchmark_args("leukemia_golub,colon_alon,prostate_singh", points=10)
    rows = []
    for name in args.sets.split(","):
        X, y = load(name)
        X = np.asfortranarray(X)
        t = np.where(y > 0, 1.0, -1.0)
        n, p = X.shape
        labels = np.arange(p) // args.size
        weights = np.sqrt(np.bincount(labels).astype(float))
        c = X.T @ (t / 2.0)                  # -gradient of the loss at w = 0, times n
        a_max = np.max(np.sqrt(np.bincount(labels, weights=c * c)) / weights) / n
        alphas = np.geomspace(a_max, a_max / 10, args.points)
        results = {}

        def run_pz():
            return pz.logistic_path(X, t, groups=labels, alphas=alphas, fit_intercept=False,
                                    tol=1e-8)[1]

        results["penalized (tol 1e-8)"] = (median_time(run_pz, args.repeats), run_pz())
        try:
            from skglm import GeneralizedLinearEstimator
            from skglm.datafits import LogisticGroup
            from skglm.penalties import WeightedGroupL2
            from skglm.solvers import GroupProxNewton
            ptr = np.concatenate([[0], np.cumsum(np.bincount(labels))]).astype(np.int32)
            idx = np.arange(p, dtype=np.int32)

            def run_sk():
                coefs, w0 = [], None
                for a in alphas:
                    est = GeneralizedLinearEstimator(
                        LogisticGroup(ptr, idx), WeightedGroupL2(a, weights, ptr, idx),
                        GroupProxNewton(tol=1e-10, fit_intercept=False, warm_start=True))
                    if w0 is not None:
                        est.coef_ = w0[None, :]
                    est.fit(X, t)
                    w0 = np.ravel(est.coef_).copy()
                    coefs.append(w0)
                return np.array(coefs).T

            run_sk()    # numba compilation, not timed
            results["skglm GroupProxNewton (tol 1e-10)"] = (median_time(run_sk, args.repeats),
                                                            run_sk())
        except ImportError:
            print("skglm not installed: skipped", file=sys.stderr)
        if Path(args.adelie).exists():
            z = run_adelie_groups(args.adelie, X, (t > 0).astype(float),
                                  np.arange(0, p, args.size), weights, alphas, args.repeats,
                                  "--family", "binomial", "--no-intercept")
            results["adelie grpnet (tol 1e-12)"] = (float(z["time"]), z["coefs"])
        F = {k: np.array([objective(X, t, C[:, i], labels, weights, a)
                          for i, a in enumerate(alphas)]) for k, (_, C) in results.items()}
        best = np.min(np.array(list(F.values())), axis=0)
        t_pz = results["penalized (tol 1e-8)"][0]
        for k, (sec, C) in results.items():
            rows.append((name, f"{n}x{p}, {labels.max() + 1} groups", k, sec, sec / t_pz,
                         float(np.max((F[k] - best) / best))))
    print("| set | shape | solver | s (median) | time / penalized | max (F - F_best) / F_best |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.3g} | {r[4]:.2f} | {r[5]:.1e} |")


if __name__ == "__main__":
    main()
