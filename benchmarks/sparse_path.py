"""Lasso path on the sparse sets: passes over X per path point, and time against
glmnet (its Fortran ``spelnet``, called directly), adelie, skglm and celer.

    flock /tmp/penalized-bench.lock env OPENBLAS_NUM_THREADS=1 \
        python benchmarks/sparse_path.py --repeats 3 [--sets dorothea,hockey_gamlr]

Protocol: ../shared/BENCHMARKS.md, through ``compare.py``'s pieces: the
problem is BENCHMARKS.md's (y centred, X as stored, no intercept), the path
100 geometric alphas from alpha_max to alpha_max/1000 (30 to /100 when nnz >=
5e5); every solver's tol is calibrated (forked children, ``--budget``) until
its coefficients meet gap <= 1e-6 ||y||^2/(2n) at every alpha, recomputed here
in float64 numpy; the solvers that met it are then timed interleaved in this
process (one warm-up round, ``--repeats`` rounds, medians), single-threaded.

glmnet: ``spelnet`` with isd=0, intr=0 and our alphas as its lambdas (its
objective is then ours exactly), both of its modes: ka=2 ("naive", residual
updates) and ka=1 ("covariance", inner products of the active set); the data
array and y are copied inside the timed call (the Fortran may overwrite them;
an O(nnz) copy).  glmnet stops a path early when the deviance ratio passes
0.999 or stops changing; such a run covers fewer alphas and is reported as
not meeting the target.  adelie (numpy < 2): ``adelie_lasso_runner.py`` in
its own venv (``--adelie-python``), a subprocess per call that loads the
arrays and times only ``grpnet``; its time in the interleaved rounds is that
internal time.

Passes per point: our solver's work counters (``PathSolution.work``, see
``penalized._enet.path_work``) at the calibrated tol, in passes over X (stored
entries read / nnz): ``full`` (the gap checks' correlation passes over the
candidate features), ``ws`` (the working-set epochs' column products), their
sum; and ``units / n_alphas`` from the measured time for every solver
(BENCHMARKS.md's passes per point: time / one X^T r / n_alphas).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

import compare as C
import penalized.solvers

SETS = "dorothea,hockey_gamlr,imdb_movie_review_tfidf,news20_tfidf,we8there"
GLMNET_LADDER = (1e-8, 1e-10, 1e-12, 1e-14, 1e-16, 1e-18, 1e-20)
ADELIE_PYTHON = "/work/venvs/adelie/bin/python"


def run_penalized(prob, task, tol):
    return penalized.solvers.lasso_path(prob.X, prob.y, alphas=task.alphas,
                                        fit_intercept=False, tol=tol, max_iter=C.MAX_ITER,
                                        warn=False).coefs


def run_penalized_ws(prob, task, tol):
    """Ours with every working-set subproblem on its Gram block (precompute='working_set')."""
    return penalized.solvers.lasso_path(prob.X, prob.y, alphas=task.alphas,
                                        fit_intercept=False, tol=tol, max_iter=C.MAX_ITER,
                                        warn=False, precompute="working_set").coefs


def glmnet_runner(ka):
    def run(prob, task, tol):
        from glmnet._glmnet import solns, spelnet
        X = prob.X
        n, p = X.shape
        bounds = np.empty((2, p), order="F")
        bounds[0], bounds[1] = -np.inf, np.inf
        lmu, _, ca, ia, nin, _, _, _, jerr = spelnet(
            ka, 1.0, n, p, X.data.copy(), X.indptr + 1, X.indices + 1, prob.y.copy(),
            np.ones(n), np.zeros(1, dtype=np.int32), np.ones(p), bounds, p + 1, p + 1,
            1.0, task.alphas, tol, len(task.alphas), 0, 0, 10_000_000)
        if jerr > 0:
            raise RuntimeError(f"glmnet jerr {jerr}")
        coefs = np.zeros((p, len(task.alphas)))
        if lmu > 0:
            coefs[:, :lmu] = solns(p, ca[:, :lmu], ia, nin[:lmu])
        if lmu < len(task.alphas):
            # an early exit: the remaining alphas are not solved (certify() sees zeros)
            coefs[:, lmu:] = np.nan
        return coefs
    return run


class Adelie:
    """adelie in its own venv; the last call's internal grpnet seconds in ``last``."""

    def __init__(self, python):
        self.python = python
        self.tmp = tempfile.TemporaryDirectory()
        self.inputs = {}
        self.last = None

    def _input(self, prob, task):
        key = (prob.label, task.name)
        if key not in self.inputs:
            path = Path(self.tmp.name) / f"in{len(self.inputs)}.npz"
            X = prob.X
            np.savez(path, data=X.data, indices=X.indices, indptr=X.indptr,
                     shape=np.asarray(X.shape), y=prob.y, alphas=task.alphas)
            self.inputs[key] = path
        return self.inputs[key]

    def __call__(self, prob, task, tol):
        out = Path(self.tmp.name) / "out.npz"
        subprocess.run([self.python, str(Path(__file__).with_name("adelie_lasso_runner.py")),
                        str(self._input(prob, task)), str(out), "--tol", str(tol)],
                       check=True, capture_output=True)
        z = np.load(out)
        self.last = float(z["times"][0])
        return z["coefs"]


def passes(prob, task, tol):
    """Our work counters per point at ``tol`` (a separate, untimed run)."""
    path = penalized.solvers.lasso_path(prob.X, prob.y, alphas=task.alphas,
                                        fit_intercept=False, tol=tol, max_iter=C.MAX_ITER,
                                        warn=False)
    w = path.work
    return {"full": float(w["full_passes"].mean()), "ws": float(w["ws_passes"].mean()),
            "total": float(w["passes"].mean()), "updates": float(w["update_passes"].mean()),
            "n_full": float(w["n_full"].mean()), "epochs": float(w["n_epochs"].mean())}


def bench(prob, task, runners, ladders, args, adelie):
    cal = {}
    for s, run in runners.items():
        C.log(f"  {s}: calibrating")
        cal[s] = C.calibrate(run, prob, task, args.budget, ladders[s])
    ready = {s: c[0] for s, c in cal.items() if c[0] is not None}
    internal = {s: [] for s in ready if s == "adelie"}

    def call(s):
        def fn():
            out = runners[s](prob, task, ready[s])
            if s == "adelie":
                internal[s].append(adelie.last)
            return out
        return fn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times, warm, _ = C.interleaved_times({s: call(s) for s in ready}, args.repeats)
    for s, ts in internal.items():
        times[s] = float(np.median(ts[-args.repeats:]))     # grpnet alone, not the process
    rows = []
    for s in runners:
        tol, tries = cal[s]
        row = {"set": prob.label, "solver": s, "tol": tol, "n_alphas": len(task.alphas),
               "attempts": [vars(a) for a in tries]}
        if tol is None:
            row.update(ok=False, status=tries[-1].status if tries else "not run")
        else:
            ratio = C.certify(prob, task, np.nan_to_num(np.asarray(warm[s], dtype=np.float64)))
            row.update(ok=bool(ratio <= 1), status="ok", time_s=times[s], gap_ratio=ratio,
                       units_per_point=times[s] / prob.unit / len(task.alphas))
        rows.append(row)
        C.log(f"  {s}: {row}")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=SETS)
    ap.add_argument("--solvers", default="penalized,glmnet-naive,glmnet-cov,adelie,skglm,celer")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--budget", type=float, default=120.0)
    ap.add_argument("--adelie-python", default=ADELIE_PYTHON)
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "sparse_path.json"))
    args = ap.parse_args()
    adelie = Adelie(args.adelie_python)
    known = {"penalized": (run_penalized, C.OUR_LADDER),
             "penalized-ws": (run_penalized_ws, C.OUR_LADDER),
             "glmnet-naive": (glmnet_runner(2), GLMNET_LADDER),
             "glmnet-cov": (glmnet_runner(1), GLMNET_LADDER),
             "adelie": (adelie, GLMNET_LADDER),
             "skglm": (C.run_skglm, C.PEER_LADDER), "celer": (C.run_celer, C.PEER_LADDER)}
    solvers = args.solvers.split(",")
    rows, work = [], {}
    with C.threadpool_limits(1):
        for label in args.sets.split(","):
            prob = C.prepare(label)
            task = C.make_task(prob, "lasso_path")
            C.log(f"{label}: {prob.X.shape}, nnz {prob.nnz}, {len(task.alphas)} alphas, "
                  f"unit {prob.unit:.3g} s")
            runners = {s: known[s][0] for s in solvers}
            ladders = {s: known[s][1] for s in solvers}
            cell = bench(prob, task, runners, ladders, args, adelie)
            ours = next((r for r in cell if r["solver"] == "penalized"), None)
            if ours and ours["tol"] is not None:
                work[prob.label] = passes(prob, task, ours["tol"])
            for r in cell:
                r.update(n=prob.X.shape[0], p=prob.X.shape[1], nnz=prob.nnz)
            rows += cell

    print("Lasso path, BENCHMARKS.md protocol (target gap <= 1e-6 ||y||^2/(2n) at every "
          f"alpha, certified in numpy), single-threaded, {args.repeats} interleaved repeats "
          "after one warm-up, medians.\n")
    print("| set | n x p | nnz | alphas | solver | tol | time s | passes/pt (units/n_alphas) "
          "| gap ratio | ok |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = f"{r['time_s']:.4g}" if r.get("ok") else "-"
        u = f"{r['units_per_point']:.1f}" if r.get("ok") else "-"
        g = f"{r['gap_ratio']:.2g}" if "gap_ratio" in r else "-"
        print(f"| {r['set']} | {r['n']} x {r['p']} | {r['nnz']} | {r['n_alphas']} "
              f"| {r['solver']} | {r['tol'] if r['tol'] is None else format(r['tol'], '.2g')} "
              f"| {t} | {u} | {g} | {'yes' if r.get('ok') else 'NO: ' + r['status']} |")
    print("\n| set | our passes/pt counted (full + ws = total) | our n_full/pt | epochs/pt "
          "| glmnet best / ours | fastest peer | its time / ours |")
    print("|---|---|---|---|---|---|---|")
    for s in dict.fromkeys(r["set"] for r in rows):
        cell = {r["solver"]: r for r in rows if r["set"] == s and r.get("ok")}
        ours = cell.get("penalized")
        wk = work.get(s)
        glm = [cell[k] for k in ("glmnet-naive", "glmnet-cov") if k in cell]
        peers = [r for k, r in cell.items() if k != "penalized"]
        best = min(peers, key=lambda r: r["time_s"]) if peers else None
        gl = (f"{min(r['time_s'] for r in glm) / ours['time_s']:.2f}"
              if glm and ours else "-")
        fp = (f"{best['solver']} | {best['time_s'] / ours['time_s']:.2f}"
              if best and ours else "- | -")
        wtxt = (f"{wk['full']:.2f} + {wk['ws']:.2f} = {wk['total']:.2f} | {wk['n_full']:.2f} "
                f"| {wk['epochs']:.1f}" if wk else "- | - | -")
        print(f"| {s} | {wtxt} | {gl} | {fp} |")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(C._jsonable({"rows": rows, "work": work}), indent=1))


if __name__ == "__main__":
    sys.exit(main())
