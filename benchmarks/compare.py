"""Side-by-side speed benchmark against peer libraries, at certified equal accuracy.

    python benchmarks/compare.py --sets riboflavin,congress109,sk:diabetes \
        --tasks lasso_single_lmax/10,lasso_path --repeats 3 --budget 120

Protocol: ../shared/BENCHMARKS.md.  In short, for each set and task:

1. Accuracy first.  Every solver (ours included) is run at a ladder of its own
   ``tol`` until the coefficients it returns meet the target at every alpha:
   duality gap <= 1e-6 * ||y_c||^2/(2n), the gap being recomputed here in float64 numpy (``_common.lasso_certificate``),
   never read from the library.  Peers: tol = 1e-2, 1e-4, ... 1e-14; ours:
   5e-7 (exactly the target in our tol's meaning, never looser), 5e-9, ...
   5e-15; for both, the passing decade is then refined (mantissas 5 and 2) so
   that no solver is timed at a tol much tighter than it needs.  (Libraries that
   certify with a better dual point than the rescaled residual used here, ours,
   celer and skglm, may need a tol far below the target; BENCHMARKS.md accepts
   this: the certificate is the same for all.)  Each calibration run happens in
   a forked child process so that a run over ``--budget`` seconds can be
   stopped; it is then recorded as a timeout and not retried.
2. Timing, in this process, single-threaded BLAS: the solvers that met the
   target are interleaved A, B, C, A, B, C: one warm-up round, then
   ``--repeats`` rounds; median.  Very fast calls are repeated in a batch of
   about 20 ms and divided.  The warm-up's coefficients are certified again:
   that is the gap ratio reported.
3. Unit of work: the time of one ``X.T @ r`` on the same X; units = time / unit.

Problem: by default BENCHMARKS.md's, y centred and no intercept (X as it is:
standardised when dense, raw when sparse); every solver gets fit_intercept=False.
With ``--intercept`` every solver fits one instead: the estimators with
``fit_intercept=True``; the path functions of scikit-learn and celer, which have
none, get the centred y and, for sparse X, the column means through their
``X_offset``/``X_scale`` arguments (slow in both); skglm's path and ours fit it.

Output: a markdown table on stdout (progress on stderr), our speed ratio to the
fastest peer per task, skglm's first-call (numba JIT) latency, and every row in
a JSON file.
"""

import argparse
import importlib
import json
import math
import multiprocessing as mp
import platform
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import penalized
from _common import glmnet_binomial_path, lasso_certificate, load_any

TARGET = 1e-6            # gap <= TARGET * ||y_c||^2 / (2n)
OUR_LADDER = (5e-7, 5e-9, 5e-11, 5e-13, 5e-15)                  # refined the same way
PEER_LADDER = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14)   # refined, see calibrate()
MAX_ITER = 1_000_000     # iteration caps high enough that only tol (and the budget) stops
BATCH_SECONDS = 0.02     # calls faster than this are timed in batches

SHARED_SETS = ("riboflavin,leukemia_golub,colon_alon,breast_west,prostate_singh,"
               "leukemia_dettling,arcene,congress109,we8there,dorothea,hockey_gamlr,"
               "imdb_movie_review_tfidf,news20_tfidf,mice_bglr,wheat_bglr")
DEFAULT_SETS = SHARED_SETS + ",syn:dense,syn:sparse,sk:diabetes,sk:breast_cancer,sk:digits"
TASKS = ("lasso_single_lmax/10", "lasso_single_lmax/100", "lasso_path", "enet_path",
         "logreg_l1_lmax/10", "logreg_l1_path")
SOLVERS = ("penalized", "sklearn", "celer", "skglm", "liblinear", "glmnet")
PEER_MODULES = {"sklearn": "sklearn.linear_model", "celer": "celer", "skglm": "skglm",
                "liblinear": "sklearn.svm", "glmnet": "glmnet"}
LOGREG_KKT = 1e-4        # L1 logistic: max KKT violation <= LOGREG_KKT * lam


# ----------------------------------------------------------------------------- problems
@dataclass
class Problem:
    """One data set prepared for every solver."""
    label: str
    X: object               # F-ordered float64 ndarray or CSC matrix, as loaded
    y: np.ndarray
    Xc: object              # dense: X centred (X itself when already centred); sparse: X
    yc: np.ndarray          # y - mean(y)
    x_mean: np.ndarray      # column means (peers' X_offset for sparse X)
    nnz: int
    large: bool             # shorter path grid (BENCHMARKS.md, item 4)
    unit: float = 0.0       # seconds of one X.T @ r
    intercept: bool = False  # fit an intercept (else y centred, X as is: BENCHMARKS.md)
    labels: object = None   # +/-1 labels for the logistic tasks (None: not a binary set)


@dataclass
class Task:
    """A task on one problem: a single fit is a path of one alpha."""
    name: str
    l1_ratio: float
    alphas: np.ndarray
    single: bool

    @property
    def logistic(self):
        return self.name.startswith("logreg")


def prepare(label, intercept=False):
    """Load a set and precompute what the peers without intercept handling need.

    Without ``intercept`` (BENCHMARKS.md's comparison problem) every solver
    gets the centred y and X as it is, with fit_intercept=False.
    """
    name = label if ":" in label else f"shared:{label}"
    X, y = load_any(name)
    labels = y.copy() if set(np.unique(y)) == {-1.0, 1.0} else None
    sparse = sp.issparse(X)
    x_mean = np.asarray(X.mean(axis=0)).ravel()
    Xc = X
    if not intercept:
        y = y - y.mean()
        x_mean = np.zeros_like(x_mean)
    elif not sparse and np.abs(x_mean).max() > 1e-12 * max(1.0, np.abs(X).max()):
        Xc = np.asfortranarray(X - x_mean)
    nnz = int(X.nnz) if sparse else int(np.count_nonzero(X))
    large = nnz >= 5e5 if sparse else X.shape[0] * X.shape[1] >= 1e7
    prob = Problem(name, X, y, Xc, y - y.mean(), x_mean, nnz, large, intercept=intercept,
                   labels=labels)
    prob.unit = unit_time(X)
    return prob


def unit_time(X, rounds=7):
    """Median seconds of one X.T @ r (r Gaussian), timed in batches of >= ~20 ms."""
    r = np.random.default_rng(0).standard_normal(X.shape[0])
    t0 = time.perf_counter()
    X.T @ r
    k = max(1, math.ceil(BATCH_SECONDS / max(time.perf_counter() - t0, 1e-7)))
    ts = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(k):
            X.T @ r
        ts.append((time.perf_counter() - t0) / k)
    return float(np.median(ts))


def alpha_max(prob, l1_ratio):
    """max |X_c^T y_c| / (n * l1_ratio): the smallest alpha with an all-zero solution."""
    corr = np.asarray(prob.X.T @ prob.yc).ravel() - prob.x_mean * prob.yc.sum()
    return np.abs(corr).max() / (prob.X.shape[0] * l1_ratio)


def logreg_lam_max(prob):
    """||X^T y||_inf / (2n): the smallest lam with w = 0 optimal (no intercept)."""
    return np.abs(np.asarray(prob.X.T @ prob.labels).ravel()).max() / (2 * prob.X.shape[0])


def make_task(prob, name):
    """The alphas of a task (BENCHMARKS.md, item 4)."""
    if name.startswith("logreg"):
        if prob.labels is None:
            return None
        lmax = logreg_lam_max(prob)
        if name == "logreg_l1_lmax/10":
            return Task(name, 1.0, np.array([lmax / 10]), True)
        return Task(name, 1.0, np.geomspace(lmax, lmax / 100, 50), False)
    if name.startswith("lasso_single_lmax/"):
        return Task(name, 1.0, np.array([alpha_max(prob, 1.0) / float(name.split("/")[1])]),
                    True)
    l1_ratio = {"lasso_path": 1.0, "enet_path": 0.5}[name]
    n_alphas, eps = (30, 1e-2) if prob.large else (100, 1e-3)
    amax = alpha_max(prob, l1_ratio)
    return Task(name, l1_ratio, np.geomspace(amax, amax * eps, n_alphas), False)


def logreg_kkt(X, y, w, lam):
    """Max over j of dist(-grad_j, lam * d|w_j|) for mean log(1 + exp(-y Xw)) + lam |w|_1."""
    m = y * np.asarray(X @ w).ravel()
    grad = np.asarray(X.T @ (-y / (1.0 + np.exp(m)))).ravel() / X.shape[0]
    viol = np.where(w != 0, np.abs(grad + lam * np.sign(w)), np.maximum(np.abs(grad) - lam, 0.0))
    return float(viol.max())


def certify(prob, task, coefs):
    """Max over alphas of gap / target (KKT violation / target for logistic), in numpy."""
    if task.logistic:
        return max(logreg_kkt(prob.X, prob.labels, coefs[:, k], lam) / (LOGREG_KKT * lam)
                   for k, lam in enumerate(task.alphas))
    worst = 0.0
    for k, alpha in enumerate(task.alphas):
        _, gap, unit = lasso_certificate(prob.X, prob.y, coefs[:, k], alpha, task.l1_ratio,
                                         intercept=prob.intercept)
        worst = max(worst, gap / (TARGET * unit))
    return worst


# ----------------------------------------------------------------------------- runners
# One runner per solver family, common signature run(prob, task, tol) -> coefs (p, n_alphas).

def run_penalized(prob, task, tol):
    """Ours, with the intercept (implicit centring, sparse X stays sparse)."""
    if task.single:
        a = task.alphas[0]
        kw = dict(alpha=a, tol=tol, max_iter=MAX_ITER, fit_intercept=prob.intercept)
        est = (penalized.Lasso(**kw) if task.l1_ratio == 1 else
               penalized.ElasticNet(l1_ratio=task.l1_ratio, **kw))
        return est.fit(prob.X, prob.y).coef_[:, None]
    _, coefs, _ = penalized.enet_path(prob.X, prob.y, l1_ratio=task.l1_ratio, alphas=task.alphas,
                                      fit_intercept=prob.intercept, tol=tol, max_iter=MAX_ITER)
    return coefs


def _offset_args(prob):
    """X_offset / X_scale arguments that make sklearn's and celer's paths centre sparse X."""
    if not sp.issparse(prob.X) or not prob.intercept:
        return {}
    return {"X_offset": prob.x_mean, "X_scale": np.ones_like(prob.x_mean)}


def run_sklearn(prob, task, tol):
    """scikit-learn: Lasso/ElasticNet(fit_intercept=True); enet_path on centred data."""
    from sklearn import linear_model as lm
    if task.single:
        a = task.alphas[0]
        kw = dict(alpha=a, tol=tol, max_iter=MAX_ITER, fit_intercept=prob.intercept)
        est = (lm.Lasso(**kw) if task.l1_ratio == 1 else
               lm.ElasticNet(l1_ratio=task.l1_ratio, **kw))
        return est.fit(prob.X, prob.y).coef_[:, None]
    # the path does not modify X, so copy_X=False saves it a needless copy
    _, coefs, _ = lm.enet_path(prob.Xc, prob.yc, l1_ratio=task.l1_ratio, alphas=task.alphas,
                               tol=tol, max_iter=MAX_ITER, copy_X=False, **_offset_args(prob))
    return coefs


def run_celer(prob, task, tol):
    """celer: Lasso/ElasticNet(fit_intercept=True); celer_path on centred data."""
    import celer
    caps = {"max_iter": 10_000, "max_epochs": MAX_ITER}
    if task.single:
        a = task.alphas[0]
        kw = dict(alpha=a, tol=tol, fit_intercept=prob.intercept, **caps)
        est = (celer.Lasso(**kw) if task.l1_ratio == 1 else
               celer.ElasticNet(l1_ratio=task.l1_ratio, **kw))
        return est.fit(prob.X, prob.y).coef_[:, None]
    # prune=1 as in celer's estimators (celer_path defaults to 0)
    _, coefs, _ = celer.celer_path(prob.Xc, prob.yc, "lasso", alphas=task.alphas,
                                   l1_ratio=task.l1_ratio, tol=tol, prune=1, **caps,
                                   **_offset_args(prob))
    return coefs


def _skglm_estimator(task, tol, alpha=1.0, intercept=True):
    import skglm
    caps = {"max_iter": 10_000, "max_epochs": MAX_ITER, "fit_intercept": intercept}
    if task.l1_ratio == 1:
        return skglm.Lasso(alpha=alpha, tol=tol, **caps)
    return skglm.ElasticNet(alpha=alpha, l1_ratio=task.l1_ratio, tol=tol, **caps)


def run_skglm(prob, task, tol):
    """skglm: Lasso/ElasticNet(fit_intercept=True), .fit or .path (intercept = last row)."""
    if task.single:
        est = _skglm_estimator(task, tol, task.alphas[0], prob.intercept)
        return est.fit(prob.X, prob.y).coef_[:, None]
    _, coefs, _ = _skglm_estimator(task, tol, intercept=prob.intercept).path(
        prob.X, prob.y, task.alphas, return_n_iter=False)
    return coefs[:prob.X.shape[1]]


RUNNERS = {"penalized": run_penalized, "sklearn": run_sklearn, "celer": run_celer,
           "skglm": run_skglm}


# L1 logistic, BENCHMARKS.md's problem: mean log(1 + exp(-y x.w)) + lam |w|_1, no intercept.
def logreg_penalized(prob, task, tol):
    if task.single:
        est = penalized.LogisticRegression("l1", alpha=task.alphas[0], fit_intercept=False,
                                           tol=tol, max_iter=10_000)
        return est.fit(prob.X, prob.labels).coef_.T
    return penalized.logistic_path(prob.X, prob.labels, alphas=task.alphas,
                                   fit_intercept=False, tol=tol, max_iter=10_000)[1]


def logreg_liblinear(prob, task, tol):
    """scikit-learn's liblinear (no warm start: one fit per lam)."""
    from sklearn.linear_model import LogisticRegression
    n = prob.X.shape[0]
    out = []
    for lam in task.alphas:
        est = LogisticRegression(C=1.0 / (n * lam), l1_ratio=1.0, solver="liblinear",
                                 fit_intercept=False, tol=tol, max_iter=MAX_ITER)
        out.append(est.fit(prob.X, prob.labels).coef_.ravel())
    return np.column_stack(out)


def logreg_celer(prob, task, tol):
    """celer's prox-Newton path (its LogisticRegression's solver); alpha = n * lam."""
    import celer
    n = prob.X.shape[0]
    _, coefs, _ = celer.celer_path(prob.X, prob.labels, "logreg", alphas=n * task.alphas,
                                   tol=tol, max_iter=10_000, max_epochs=MAX_ITER, prune=1,
                                   use_PN=True)
    return coefs


def logreg_skglm(prob, task, tol):
    """skglm's SparseLogisticRegression, warm-started along the path."""
    import skglm
    est = skglm.SparseLogisticRegression(alpha=task.alphas[0], tol=tol, fit_intercept=False,
                                         max_iter=10_000, max_epochs=MAX_ITER, warm_start=True)
    out = []
    for lam in task.alphas:
        est.alpha = lam
        out.append(est.fit(prob.X, prob.labels).coef_.ravel().copy())
    return np.column_stack(out)


def logreg_glmnet(prob, task, tol):
    """glmnet's Fortran lognet / splognet along the same lams (its thr as tol); a lam
    after glmnet's early path stop is returned unsolved (NaN: fails the certificate)."""
    return glmnet_binomial_path(prob.X, prob.labels, task.alphas, tol)


LOGREG_RUNNERS = {"penalized": logreg_penalized, "liblinear": logreg_liblinear,
                  "celer": logreg_celer, "skglm": logreg_skglm, "glmnet": logreg_glmnet}


def runner(solver, task):
    """The runner of a solver for a task, or None when it has none (e.g. lasso/liblinear)."""
    return (LOGREG_RUNNERS if task.logistic else RUNNERS).get(solver)


# ----------------------------------------------------------------------------- calibration
@dataclass
class Attempt:
    tol: float
    status: str             # "ok", "miss" (target not met), "timeout", "error: ..."
    seconds: float = float("nan")
    ratio: float = float("nan")


def _child(conn, run, prob, task, tol):
    """Forked child: run once, report the time, then the certified gap ratio."""
    try:
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            coefs = run(prob, task, tol)
            conn.send(("time", time.perf_counter() - t0))
            conn.send(("ratio", certify(prob, task, np.asarray(coefs, dtype=np.float64))))
    except BaseException as exc:  # report anything, the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    finally:
        conn.close()


def attempt(run, prob, task, tol, budget):
    """One calibration run in a forked child, stopped after ``budget`` seconds."""
    recv, send = mp.Pipe(duplex=False)
    proc = mp.get_context("fork").Process(target=_child, args=(send, run, prob, task, tol))
    proc.start()
    send.close()
    try:
        if not recv.poll(budget):
            return Attempt(tol, "timeout", budget)
        kind, value = recv.recv()
        if kind == "error":
            return Attempt(tol, f"error: {value}")
        seconds = value
        kind, value = recv.recv()  # the certificate: no time limit, it is ours
        if kind == "error":
            return Attempt(tol, f"error: {value}", seconds)
        return Attempt(tol, "ok" if value <= 1 else "miss", seconds, value)
    except EOFError:
        return Attempt(tol, "error: child died")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def calibrate(run, prob, task, budget, ladder):
    """Loosest tol that meets the target; returns (tol or None, attempts).

    The ladder goes down in steps of 100; after the first rung that passes,
    the skipped decade above it is tried, then mantissas 5 and 2 inside the
    passing decade, never looser than the ladder's first rung.  A timeout or
    an error ends the search (no tighter tol is tried).
    """
    tries = []

    def passes(tol):
        a = attempt(run, prob, task, tol, budget)
        tries.append(a)
        log(f"    tol {tol:.2g}: {a.status} {a.seconds:.3g} s ratio {a.ratio:.3g}")
        if a.status not in ("ok", "miss"):
            raise _Stop
        return a.status == "ok"

    found = None
    try:
        found = next((tol for tol in ladder if passes(tol)), None)
        if found is None:
            return None, tries
        if found < ladder[0] and passes(_round(10 * found)):
            found = _round(10 * found)       # the decade the ladder skipped
        for mantissa in (5, 2):              # the decade above failed: try inside this one
            looser = _round(mantissa * found)
            if looser < ladder[0] and passes(looser):
                found = looser
                break
    except _Stop:
        pass
    return found, tries


class _Stop(Exception):
    """A calibration run timed out or failed: stop tightening."""


def _round(tol):
    """A tol to two significant digits (10 * 1e-8 -> 1e-7 exactly as printed)."""
    return float(f"{tol:.1e}")


# ----------------------------------------------------------------------------- timing
def interleaved_times(calls, repeats):
    """Median seconds per call of each callable, interleaved A, B, C, A, B, C.

    One warm-up round, timed to size the batches (a call under BATCH_SECONDS
    is repeated to fill about that much and the batch time divided), then
    ``repeats`` rounds.  Returns (medians, warm-up outputs, batch sizes).
    """
    warm, batch = {}, {}
    for name, fn in calls.items():
        t0 = time.perf_counter()
        warm[name] = fn()
        batch[name] = max(1, math.ceil(BATCH_SECONDS / max(time.perf_counter() - t0, 1e-7)))
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            t0 = time.perf_counter()
            for _ in range(batch[name]):
                fn()
            times[name].append((time.perf_counter() - t0) / batch[name])
    return {name: float(np.median(ts)) for name, ts in times.items()}, warm, batch


# ----------------------------------------------------------------------------- skglm JIT
def skglm_first_call(prob, task, seen, jit_rows):
    """Time skglm's first call for this (dense/sparse, penalty) signature, then a warm one.

    numba compiles per argument types; this happens once per process, in the
    parent, so that the forked calibration children inherit compiled code.
    """
    model = ("SparseLogisticRegression" if task.logistic else
             "Lasso" if task.l1_ratio == 1 else "ElasticNet")
    key = ("sparse" if sp.issparse(prob.X) else "dense", model)
    if key in seen:
        return
    seen.add(key)
    if task.logistic:
        probe = Task("logreg_probe", 1.0, np.array([logreg_lam_max(prob) / 10]), True)
    else:
        probe = Task("probe", task.l1_ratio, np.array([alpha_max(prob, task.l1_ratio) / 10]),
                     True)
    run = runner("skglm", probe)
    t0 = time.perf_counter()
    run(prob, probe, 1e-4)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(prob, probe, 1e-4)
    warm = time.perf_counter() - t0
    jit_rows.append({"input": key[0], "model": key[1], "set": prob.label,
                     "first_call_s": first, "warm_call_s": warm, "jit_s": first - warm})


# ----------------------------------------------------------------------------- reporting
def _jsonable(x):
    """Non-finite floats to None (strict JSON), numpy scalars to Python, recursively."""
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def fmt_units(u):
    return "-" if u is None else (f"{u:.0f}" if u >= 10 else f"{u:.3g}")


def fmt(x, digits=4):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.{digits}g}"


def row_markdown(r):
    time_s = fmt(r["time_s"]) if r["ok"] else (
        f"> {fmt(r['budget_s'])} (timeout)" if r["status"].startswith("timeout") else "-")
    ok = "yes" if r["ok"] else ("NO: " + r["status"])
    return (f"| {r['set']} | {r['n']} x {r['p']} | {r['nnz']} | {r['solver']} | {r['task']} "
            f"| {time_s} | {fmt_units(r['units']) if r['ok'] else '-'} | {fmt(r['gap_ratio'], 2)} "
            f"| {'-' if r['tol'] is None else format(r['tol'], '.2g')} | {ok} |")


def summary(rows, tasks):
    """Per task: fastest peer time / our time per set, and the median over sets."""
    out = []
    for task in tasks:
        lines, ratios = [], []
        for s in dict.fromkeys(r["set"] for r in rows if r["task"] == task):
            cell = [r for r in rows if r["set"] == s and r["task"] == task]
            ours = next((r for r in cell if r["solver"] == "penalized" and r["ok"]), None)
            peers = [r for r in cell if r["solver"] != "penalized" and r["ok"]]
            best = min(peers, key=lambda r: r["time_s"]) if peers else None
            if ours and best:
                ratio = best["time_s"] / ours["time_s"]
                ratios.append(ratio)
                lines.append(f"| {s} | {best['solver']} | {fmt(best['time_s'])} "
                             f"| {fmt(ours['time_s'])} | {ratio:.2f} |")
            else:
                why = "ours did not meet the target" if not ours else "no peer met the target"
                lines.append(f"| {s} | - | - | {fmt(ours['time_s']) if ours else '-'} | {why} |")
        if not lines:
            continue
        med = f"{np.median(ratios):.2f} over {len(ratios)} sets" if ratios else "n/a"
        out += [f"\n### {task}: our ratio (fastest peer time / our time; > 1 = we are faster)\n",
                "| set | fastest peer | peer s | our s | ratio |", "|---|---|---|---|---|",
                *lines, f"\nmedian ratio: {med}"]
    return "\n".join(out)


# ----------------------------------------------------------------------------- main
def bench_task(prob, task, solvers, args, jit_seen, jit_rows):
    """Calibrate every solver on one (set, task), then time those that met the target."""
    n, p = prob.X.shape
    base = {"set": prob.label, "n": n, "p": p, "nnz": prob.nnz, "task": task.name,
            "n_alphas": len(task.alphas), "unit_s": prob.unit, "budget_s": args.budget}
    cal = {}
    solvers = [s for s in solvers if runner(s, task) is not None]
    for s in solvers:
        log(f"  {task.name} / {s}: calibrating")
        if s == "skglm":
            skglm_first_call(prob, task, jit_seen, jit_rows)
        # our lasso tol is the same gap bound as the target; the logistic target is a
        # KKT bound, so there ours starts from the peers' ladder like everyone
        ladder = OUR_LADDER if s == "penalized" and not task.logistic else PEER_LADDER
        cal[s] = calibrate(runner(s, task), prob, task, args.budget, ladder)
    ready = {s: c[0] for s, c in cal.items() if c[0] is not None}
    calls = {s: (lambda s=s: runner(s, task)(prob, task, ready[s])) for s in ready}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times, warm, batch = interleaved_times(calls, args.repeats)
    rows = []
    for s in solvers:
        tol, tries = cal[s]
        last = tries[-1] if tries else Attempt(float("nan"), "error: not run")
        row = dict(base, solver=s, tol=tol,
                   attempts=[asdict(a) for a in tries], repeats=args.repeats,
                   batch=batch.get(s, 0))
        if tol is None:
            status = last.status
            if status == "miss":
                status = f"target not met down to tol {last.tol:.2g}"
            elif status == "timeout":
                status = f"timeout at tol {last.tol:.2g}"
            row.update(status=status, ok=False, time_s=None, units=None, gap_ratio=last.ratio)
        else:
            ratio = certify(prob, task, np.asarray(warm[s], dtype=np.float64))
            row.update(status="ok" if ratio <= 1 else "timed run missed the target",
                       ok=bool(ratio <= 1), time_s=times[s], units=times[s] / prob.unit,
                       gap_ratio=ratio)
        rows.append(row)
        log("  " + row_markdown(row))
    return rows


def available_solvers(requested):
    """The requested solvers that import, and a note on those that do not."""
    ok, notes = [], []
    for s in requested:
        if s not in RUNNERS and s not in LOGREG_RUNNERS:
            raise SystemExit(f"unknown solver {s!r}; choose among {', '.join(SOLVERS)}")
        if s in PEER_MODULES:
            t0 = time.perf_counter()
            try:
                importlib.import_module(PEER_MODULES[s])
            except Exception as exc:  # skip a peer that does not import, and say so
                notes.append(f"{s}: skipped, import failed ({type(exc).__name__}: {exc})")
                continue
            notes.append(f"{s}: imported in {time.perf_counter() - t0:.2f} s")
        ok.append(s)
    return ok, notes


def versions(solvers):
    out = {"penalized": penalized.__version__, "numpy": np.__version__,
           "python": platform.python_version(), "machine": platform.machine()}
    for s in solvers:
        if s in PEER_MODULES:
            top = PEER_MODULES[s].split(".")[0]
            out[s] = getattr(sys.modules[top], "__version__", "?")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", default=DEFAULT_SETS,
                    help="comma list: shared set names, syn:dense, syn:sparse, sk:diabetes, ...")
    ap.add_argument("--tasks", default=",".join(TASKS), help=f"comma list among {TASKS}")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--repeats", type=int, default=3, help="timed rounds after one warm-up")
    ap.add_argument("--intercept", action="store_true",
                    help="fit an intercept (default: BENCHMARKS.md's problem, y centred, "
                         "no intercept)")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds per solver call before it is recorded as a timeout")
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "compare.json"))
    args = ap.parse_args()
    tasks = args.tasks.split(",")
    for t in tasks:
        if t not in TASKS:
            raise SystemExit(f"unknown task {t!r}; choose among {TASKS}")

    solvers, notes = available_solvers(args.solvers.split(","))
    rows, jit_rows, jit_seen = [], [], set()
    with threadpool_limits(1):
        for label in args.sets.split(","):
            log(f"{label}: loading")
            prob = prepare(label, intercept=args.intercept)
            log(f"{label}: {prob.X.shape}, nnz {prob.nnz}, unit {prob.unit:.3g} s")
            for name in tasks:
                task = make_task(prob, name)
                if task is None:
                    log(f"  {name}: skipped (y is not binary)")
                    continue
                rows += bench_task(prob, task, solvers, args, jit_seen, jit_rows)

    print(f"Single-threaded BLAS, {args.repeats} repeats after one warm-up, interleaved; "
          f"budget {args.budget:g} s per call; target gap <= {TARGET:g} * ||y_c||^2/(2n) "
          f"at every alpha (L1 logistic: KKT violation <= {LOGREG_KKT:g} * lam), certified "
          "in numpy.\n")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in versions(solvers).items()))
    print("Peers: " + "; ".join(notes) + "\n")
    print("| set | n x p | nnz | solver | task | time s | units | gap ratio | tol used | ok |")
    print("|" + "---|" * 10)
    for r in rows:
        print(row_markdown(r))
    print(summary(rows, tasks))
    if jit_rows:
        print("\n### skglm first call (numba JIT compilation; users pay it once per process)\n")
        print("| input | model | on set | first call s | warm call s | JIT s |")
        print("|---|---|---|---|---|---|")
        for j in jit_rows:
            print(f"| {j['input']} | {j['model']} | {j['set']} | {j['first_call_s']:.3g} "
                  f"| {j['warm_call_s']:.3g} | {j['jit_s']:.3g} |")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"protocol": "shared/BENCHMARKS.md", "target": TARGET,
              "versions": versions(solvers), "peers": notes, "repeats": args.repeats,
              "budget_s": args.budget, "rows": rows, "skglm_jit": jit_rows}
    out.write_text(json.dumps(_jsonable(record), indent=1, allow_nan=False))
    print(f"\nrows written to {out}")


if __name__ == "__main__":
    main()
