"""float32 against float64 least squares on the large sparse sets: time, passes, honest gaps.

    flock /tmp/penalized-bench.lock env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        python benchmarks/float32.py [--sets imdb_movie_review_tfidf,...] [--repeats 3] \
        [--tol 5e-7] [--tasks lasso_path,lasso_single_lmax/10]

Problem: BENCHMARKS.md's (y centred, X as stored, no intercept); the tasks are
``compare.py``'s: the Lasso path (100 geometric alphas alpha_max .. alpha_max/1000,
30 to /100 when nnz >= 5e5) and the single fit at alpha_max/10.  The float32
run gets X and y cast to float32 before the timer (the user's data are float32);
both runs get the same alphas and the same ``tol`` (default 5e-7: BENCHMARKS.md's
target, gap <= 1e-6 ||y_c||^2/(2n)).  The two are timed interleaved in one
process (one warm-up, ``--repeats`` rounds, medians), single-threaded.

Certificates, recomputed here in float64 numpy (never trusted from the solver):
for each returned coefficient vector, the gap of BENCHMARKS.md's dual point
(rescaled residual) on the problem the run solved (the float32 run: its float32
X and y, exactly upcast), over the target tol * ||y_c||^2 / n: ``gap64/target``
(max over the path; <= 1 certifies).  ``ours/target``: the largest gap the solver
returned (``dual_gaps``), same unit.  ``ok``: the recomputed gap meets the target
at every alpha.  ``bound``: F(w) - F* <= returned gap at every alpha, F* from a
float64 fit at tol 1e-13 (relative) on the same (upcast) data, i.e. the
returned certificate is honest (``--no-reference`` skips it).

Passes per point: our work counters (``PathSolution.work``: column products over
nnz, the gap checks' and the working-set epochs') per alpha, and epochs per alpha.
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

import compare as C
import penalized.solvers
from _common import lasso_certificate

SETS = "imdb_movie_review_tfidf,news20_tfidf,dorothea,we8there,hockey_gamlr"
TASKS = "lasso_path,lasso_single_lmax/10"


def fit(X, y, alphas, tol):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return penalized.solvers.lasso_path(X, y, alphas=alphas, fit_intercept=False, tol=tol,
                                            max_iter=C.MAX_ITER, warn=False)


def recomputed(X64, y64, path):
    """Per alpha: F(w) and the gap of the rescaled residual, float64 numpy (objective units)."""
    F, gaps = [], []
    for k, a in enumerate(path.alphas):
        p_, g_, _ = lasso_certificate(X64, y64, np.asarray(path.coefs[:, k], np.float64), a,
                                      intercept=False)
        F.append(p_)
        gaps.append(g_)
    return np.array(F), np.array(gaps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=SETS)
    ap.add_argument("--tasks", default=TASKS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tol", type=float, default=5e-7)
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "float32.json"))
    args = ap.parse_args()
    rows = []
    with C.threadpool_limits(1):
        for label in args.sets.split(","):
            prob = C.prepare(label)
            X64, y64 = prob.X, prob.y
            X32, y32 = X64.astype(np.float32), y64.astype(np.float32)
            X32u, y32u = X32.astype(np.float64), y32.astype(np.float64)   # what f32 solves
            data = {"float64": (X64, y64, X64, y64), "float32": (X32, y32, X32u, y32u)}
            for tname in args.tasks.split(","):
                task = C.make_task(prob, tname)
                C.log(f"{label} {tname}: {prob.X.shape}, nnz {prob.nnz}, "
                      f"{len(task.alphas)} alphas")
                calls = {dt: (lambda d=d: fit(d[0], d[1], task.alphas, args.tol))
                         for dt, d in data.items()}
                times, warm, _ = C.interleaved_times(calls, args.repeats)
                for dt, (_, _, Xu, yu) in data.items():
                    path = warm[dt]
                    yy = float(yu @ yu) / len(yu)           # tol's unit (objective scaling: /2)
                    target = args.tol * yy
                    F, g64 = recomputed(Xu, yu, path)
                    row = {"set": prob.label, "task": tname, "dtype": dt,
                           "n": X64.shape[0], "p": X64.shape[1], "nnz": prob.nnz,
                           "n_alphas": len(task.alphas), "time_s": times[dt],
                           "gap64_ratio": float(np.max(g64) / target),
                           "ours_ratio": float(np.max(path.dual_gaps) / target),
                           "ok": bool(np.all(g64 <= target)),
                           "converged": bool(np.all(path.converged))}
                    if path.work is not None:
                        row["passes_pt"] = float(np.mean(path.work["passes"]))
                        row["epochs_pt"] = float(np.mean(path.work["n_epochs"]))
                    if not args.no_reference:
                        ref = fit(Xu, yu, task.alphas, 1e-13)
                        Fs = recomputed(Xu, yu, ref)[0]
                        sub = F - Fs       # F(w) - F*, F* within 1e-13 yy/2 of ref
                        slack = 1e-13 * yy
                        row["subopt_ratio"] = float(np.max(sub) / target)
                        row["bound"] = bool(np.all(sub <= path.dual_gaps + slack))
                        row["bound_worst"] = float(np.max((sub - slack) /
                                                          np.maximum(path.dual_gaps, 1e-300)))
                    rows.append(row)
                    C.log(f"  {row}")
    print(f"float32 vs float64 Lasso, tol {args.tol:g} (target gap <= tol ||y_c||^2/n, i.e. "
          f"{2 * args.tol:g} ||y_c||^2/(2n)), BENCHMARKS.md problem, single-threaded, "
          f"{args.repeats} interleaved repeats after one warm-up, medians.  gap64: the "
          "returned coefficients' gap recomputed in float64 numpy on the data each run "
          "solved.\n")
    print("| set | n x p | nnz | task | dtype | time s | f64 time / f32 time | passes/pt "
          "| epochs/pt | gap64/target | ours/target | F-F*/target | gap bounds F-F* | ok |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        other = next(o for o in rows if o["set"] == r["set"] and o["task"] == r["task"]
                     and o["dtype"] == "float64")
        ratio = f"{other['time_s'] / r['time_s']:.2f}" if r["dtype"] == "float32" else "-"
        pp = f"{r['passes_pt']:.2f}" if "passes_pt" in r else "-"
        ep = f"{r['epochs_pt']:.1f}" if "epochs_pt" in r else "-"
        so = f"{r['subopt_ratio']:.2g}" if "subopt_ratio" in r else "-"
        bd = ("yes" if r["bound"] else f"NO ({r['bound_worst']:.3g}x)") if "bound" in r else "-"
        print(f"| {r['set'].split(':')[-1]} | {r['n']} x {r['p']} | {r['nnz']} | {r['task']} "
              f"| {r['dtype']} | {r['time_s']:.4g} | {ratio} | {pp} | {ep} "
              f"| {r['gap64_ratio']:.2g} | {r['ours_ratio']:.2g} | {so} | {bd} "
              f"| {'yes' if r['ok'] else 'NO'} |")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(C._jsonable({"tol": args.tol, "rows": rows}), indent=1))


if __name__ == "__main__":
    sys.exit(main())
