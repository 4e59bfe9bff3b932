"""The large bigram benchmark (issue 18): a ~10^6-column tf-idf matrix of real text.

    flock /tmp/penalized-bench.lock env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        PENALIZED_SHARED_DATA=../shared/data python benchmarks/bigram.py \
        [--tasks lasso_path,logreg_path,lasso_cv,logreg_cv,lasso_path_f32] \
        [--solvers penalized,glmnet,skglm,celer,sklearn,adelie] [--repeats 3] \
        [--budget 600] [--cv-budget 3600] [--cv-peers fastest] [--tols-from OLD.json]
        [--max-docs 2000]

Data.  The shipped raw text of news20 (``news20_bydate_text.tar.xz``: 18846
posts, train then test, groups sorted, files numerically sorted, read as
latin-1, the order of ``news20_tfidf.npz``) and of the imdb reviews
(``imdb_movie_review_text.csv.xz``: 5000 reviews), one corpus of 23846
documents.  X: scikit-learn's ``TfidfVectorizer(ngram_range=(1, 2),
min_df=2)`` (otherwise its defaults: lowercase, ``(?u)\\b\\w\\w+\\b`` tokens,
smooth idf, l2-normalised rows) fitted on all of them, CSC float64.  Labels:
each corpus's binary label of the shipped sets, +1 = a comp.* or sci.* group
(news20_tfidf's y) or a positive review (imdb's sentiment), -1 otherwise.
The Lasso target is that +/-1 label centred (as the sparse Lasso benchmarks
use the shipped sets' labels), the logistic one the label itself.  The matrix
is built once and cached in ``$PENALIZED_BENCH_CACHE`` (default
``<tempdir>/penalized-bench-cache``) under a hash of the two files' sha256,
the vectorizer's parameters, scikit-learn's version and ``--max-docs``.
``--max-docs N`` keeps N documents spread evenly over each corpus (both
labels present), for a quick smoke run.

Problems and accuracy: BENCHMARKS.md's, through ``compare.py``'s pieces (no
intercept for anyone):
- ``lasso_path``: 1/(2n)||y - Xw||^2 + alpha||w||_1 on 30 geometric alphas
  from alpha_max to alpha_max/100; target duality gap <= 1e-6 ||y||^2/(2n) at
  every alpha, recomputed here in float64 numpy.
- ``logreg_path``: mean log(1 + exp(-y x.w)) + lam||w||_1 on 30 geometric
  lams from lam_max to lam_max/100 (30, not BENCHMARKS.md's 50, as for the
  large Lasso sets); target max KKT violation <= 1e-4 lam at every lam.
- ``lasso_cv`` / ``logreg_cv``: 5-fold CV on the same grids (KFold /
  StratifiedKFold, shuffled, seed 0, the same folds for everyone): the path
  on each fold's training rows, the held-out predictions of every grid
  point scored (squared error / log-loss), then the path on all rows.
  Ours is the estimator (``LassoCV`` / ``LogisticRegressionCV(penalty='l1')``
  with the grid as ``alphas``, n_jobs=1); it also does its own bookkeeping
  (and, for the logistic, its refit at the chosen alpha).  The peers have no
  CV of this problem (or, scikit-learn's LogisticRegressionCV, another alpha
  scaling per fold), so theirs is that loop around their path call.  Every
  solver runs at the tol its path task needed (calibrated there; with that
  task left out, calibrated on the CV itself), and the full-data path it
  returns is certified as the path task's.  The fold paths are not certified.
  ``--cv-peers fastest`` runs only ours and the peer fastest on the path task;
  ``--tols-from`` reads the path tasks' tols (and times) from an earlier run.
- ``lasso_path_f32``: our Lasso path on X and y cast to float32, certified in
  float64 against the same target (float32's attainable accuracy: the tol
  ladder stops at the first rung that misses for rounding, then reports).

Each run (calibration and timing) happens in a forked child that is stopped
after ``--budget`` seconds and then reported as a timeout (a peer that runs
away is not waited for).  Calibration: every solver's tol walks down its
ladder in decades (``LADDERS``, starting a decade above what a 1500-document
run needed) until the certificate passes; when the first rung passes, looser
decades are tried while they pass (so every tol is within a factor of 10 of
the loosest that works; the full matrix is too large for compare.py's finer
search).  Timing: the solvers that met the target are run interleaved,
``--repeats`` rounds (``--cv-repeats`` for the CV tasks), each run a fresh
fork of this process (the calibration runs are the warm-up; with
``--tols-from`` the tols of an earlier run's calibration are reused, no
calibration;
skglm's numba JIT is compiled in the parent first, its latency reported),
single-threaded (threadpoolctl ``threadpool_limits(1)``, and the env above);
medians.  Memory: each child resets its peak-RSS mark
(``/proc/self/clear_refs``) before the call and reports VmHWM growth after it
(glibc's mmap threshold pinned with mallopt, as ``memory.py``), relative to
the bytes of X (data + indices + indptr); it includes the returned
coefficients (ours: a sparse CSC path with ``return_sparse=True``; the
peers' dense arrays, glmnet's own (nx, nlam) output).  adelie runs in its
own venv (``adelie_lasso_runner.py``, its grpnet time alone; its memory is
not measured).

glmnet: its Fortran ``spelnet`` (ka=2, naive; ka=1 covariance mode fails
with jerr 5014 on these widths, see RESULTS.md) / ``splognet`` (binomial,
nc=1) with isd=0, intr=0 and our alphas as lambdas; data copied in the
timed call.  A glmnet path that stops early (deviance ratio) leaves the rest
unsolved and fails the certificate.
"""

import argparse
import csv
import ctypes
import hashlib
import json
import lzma
import multiprocessing as mp
import os
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import compare as C
import penalized
import penalized.solvers
from _common import SHARED, glmnet_binomial_path

NEWS20 = "news20_bydate_text.tar.xz"
IMDB = "imdb_movie_review_text.csv.xz"
VECTORIZER = dict(ngram_range=(1, 2), min_df=2)
TASKS = ("lasso_path", "logreg_path", "lasso_cv", "logreg_cv", "lasso_path_f32")
SOLVERS = ("penalized", "glmnet", "skglm", "celer", "sklearn", "adelie")
N_POINTS = 30
N_FOLDS = 5

def decades(start, n=5):
    return tuple(C._round(start * 10.0 ** -k) for k in range(n))


# decade ladders starting a decade above what a 1500-document run of this script
# needed (the full matrix needs the same or tighter); see calibrate()
LADDERS = {
    "lasso_path": {"penalized": decades(5e-7), "glmnet": decades(1e-16),
                   "adelie": decades(1e-16), "skglm": decades(1e-9), "celer": decades(1e-7),
                   "sklearn": decades(1e-6)},
    "logreg_path": {"penalized": decades(1e-6), "glmnet": decades(1e-13),
                    "adelie": decades(1e-13), "skglm": decades(1e-8), "celer": decades(1e-9),
                    "sklearn": decades(1e-6)},
}
ADELIE_PYTHON = os.environ.get("ADELIE_PYTHON", "/work/venvs/adelie/bin/python")


def cache_dir():
    return Path(os.environ.get("PENALIZED_BENCH_CACHE",
                               Path(tempfile.gettempdir()) / "penalized-bench-cache"))


# ----------------------------------------------------------------------------- data
def read_news20(path):
    """The 18846 posts in news20_tfidf's order and its binary label (+1 comp.* / sci.*)."""
    docs = {}
    with tarfile.open(path, "r:xz") as tar:
        for m in tar:
            parts = m.name.split("/")
            if not m.isfile() or len(parts) != 4 or not parts[3].isdigit():
                continue
            key = (0 if parts[1].endswith("train") else 1, parts[2], int(parts[3]))
            docs[key] = tar.extractfile(m).read().decode("latin-1")
    keys = sorted(docs)
    y = np.array([1.0 if k[1].startswith(("comp.", "sci.")) else -1.0 for k in keys])
    return [docs[k] for k in keys], y


def read_imdb(path):
    """The 5000 reviews and their sentiment as +/-1."""
    with lzma.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["review"] for r in rows], np.array([1.0 if r["sentiment"] == "1" else -1.0
                                                  for r in rows])


def _evenly(n, k):
    return np.arange(n) if k is None or k >= n else np.unique(np.linspace(0, n - 1, k).round()
                                                              .astype(int))


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def bigram_matrix(max_docs=None, log=C.log):
    """(X CSC float64, labels +/-1, corpus 0 news20 / 1 imdb), built once and cached."""
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer

    files = [SHARED / NEWS20, SHARED / IMDB]
    for f in files:
        if not f.exists():
            raise SystemExit(f"{f} not found (set PENALIZED_SHARED_DATA)")
    key = json.dumps({"files": [_sha256(f) for f in files], "vectorizer": VECTORIZER,
                      "sklearn": sklearn.__version__, "max_docs": max_docs}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    cache = cache_dir() / f"bigram-{digest}.npz"
    if cache.exists():
        z = np.load(cache)
        X = sp.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        log(f"bigram matrix from the cache {cache}")
        return X, z["labels"], z["corpus"]
    t0 = time.perf_counter()
    news, y_news = read_news20(files[0])
    imdb, y_imdb = read_imdb(files[1])
    share = None if max_docs is None else max_docs * len(news) // (len(news) + len(imdb))
    keep_n = _evenly(len(news), share)
    keep_i = _evenly(len(imdb), None if max_docs is None else max(2, max_docs - share))
    texts = [news[i] for i in keep_n] + [imdb[i] for i in keep_i]
    labels = np.concatenate([y_news[keep_n], y_imdb[keep_i]])
    corpus = np.concatenate([np.zeros(keep_n.size, np.int8), np.ones(keep_i.size, np.int8)])
    X = TfidfVectorizer(**VECTORIZER).fit_transform(texts).tocsc().astype(np.float64)
    X.sort_indices()
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, data=X.data, indices=X.indices, indptr=X.indptr, shape=np.asarray(X.shape),
             labels=labels, corpus=corpus)
    os.replace(tmp, cache)
    log(f"bigram matrix built in {time.perf_counter() - t0:.1f} s, cached in {cache}")
    return X, labels, corpus


def x_bytes(X):
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def problem(X, labels, label="bigram"):
    """compare.Problem for BENCHMARKS.md's problem: y = labels centred, no intercept."""
    y = labels - labels.mean()
    nnz = int(X.nnz)
    prob = C.Problem(label, X, y, X, y - y.mean(), np.zeros(X.shape[1]), nnz, True,
                     intercept=False, labels=labels)
    prob.unit = C.unit_time(X)
    return prob


def sub_problem(prob, rows):
    """The training rows of a fold, as a Problem (y not re-centred: the same problem)."""
    X = prob.X[rows].tocsc()
    y = prob.y[rows]
    return C.Problem(prob.label, X, y, X, y, np.zeros(X.shape[1]), int(X.nnz), True,
                     intercept=False, labels=prob.labels[rows])


def make_task(prob, name):
    if name.startswith("logreg"):
        lmax = C.logreg_lam_max(prob)
        return C.Task(name, 1.0, np.geomspace(lmax, lmax / 100, N_POINTS), False)
    amax = C.alpha_max(prob, 1.0)
    return C.Task(name, 1.0, np.geomspace(amax, amax / 100, N_POINTS), False)


def folds(prob, task):
    from sklearn.model_selection import KFold, StratifiedKFold
    if task.logistic:
        return StratifiedKFold(N_FOLDS, shuffle=True, random_state=0)
    return KFold(N_FOLDS, shuffle=True, random_state=0)


# ----------------------------------------------------------------------------- runners
# run(prob, task, tol) -> coefs (p, n_alphas), dense or sparse; or (coefs, seconds) when
# the solver's own time is to be used (adelie, timed inside its subprocess).

def lasso_ours(prob, task, tol):
    return penalized.solvers.lasso_path(prob.X, prob.y, alphas=task.alphas,
                                        fit_intercept=False, tol=tol, max_iter=C.MAX_ITER,
                                        warn=False, return_sparse=True).coefs


def lasso_ours_f32(prob, task, tol):
    X = prob.X.astype(np.float32)
    return penalized.solvers.lasso_path(X, prob.y.astype(np.float32), alphas=task.alphas,
                                        fit_intercept=False, tol=tol, max_iter=C.MAX_ITER,
                                        warn=False, return_sparse=True).coefs


def logreg_ours(prob, task, tol):
    return penalized.logistic_path(prob.X, prob.labels, alphas=task.alphas,
                                   fit_intercept=False, tol=tol, max_iter=10_000)[1]


def lasso_cv_ours(prob, task, tol):
    est = penalized.LassoCV(alphas=task.alphas, cv=folds(prob, task), fit_intercept=False,
                            tol=tol, max_iter=C.MAX_ITER, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(prob.X, prob.y).coef_path_


def logreg_cv_ours(prob, task, tol):
    est = penalized.LogisticRegressionCV("l1", alphas=task.alphas, cv=folds(prob, task),
                                         fit_intercept=False, tol=tol, max_iter=10_000,
                                         n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(prob.X, prob.labels).coef_path_[0]


def lasso_glmnet(prob, task, tol):
    from glmnet._glmnet import solns, spelnet
    X = prob.X
    n, p = X.shape
    bounds = np.empty((2, p), order="F")
    bounds[0], bounds[1] = -np.inf, np.inf
    lmu, _, ca, ia, nin, _, _, _, jerr = spelnet(
        2, 1.0, n, p, X.data.copy(), X.indptr + 1, X.indices + 1, prob.y.copy(), np.ones(n),
        np.zeros(1, dtype=np.int32), np.ones(p), bounds, p + 1, p + 1, 1.0, task.alphas, tol,
        len(task.alphas), 0, 0, 10_000_000)
    if jerr > 0:
        raise RuntimeError(f"glmnet jerr {jerr}")
    coefs = np.full((p, len(task.alphas)), np.nan)    # alphas after an early stop: unsolved
    if lmu > 0:
        coefs[:, :lmu] = solns(p, ca[:, :lmu], ia, nin[:lmu])
    return coefs


def logreg_glmnet(prob, task, tol):
    """splognet, binomial, no intercept (``_common.glmnet_binomial_path``)."""
    return glmnet_binomial_path(prob.X, prob.labels, task.alphas, tol)


class Adelie:
    """adelie's grpnet in its own venv (adelie_lasso_runner.py), its internal seconds."""

    def __init__(self, python, family, budget):
        self.python, self.family, self.budget = python, family, budget
        self.tmp = tempfile.TemporaryDirectory(dir=cache_dir())
        self.inputs = {}

    def __call__(self, prob, task, tol):
        key = (prob.X.shape, prob.X.nnz, task.name)
        if key not in self.inputs:
            path = Path(self.tmp.name) / f"in{len(self.inputs)}.npz"
            X = prob.X
            y = prob.y if self.family == "gaussian" else (prob.labels > 0).astype(np.float64)
            np.savez(path, data=X.data, indices=X.indices, indptr=X.indptr,
                     shape=np.asarray(X.shape), y=y, alphas=task.alphas)
            self.inputs[key] = path
        out = Path(self.tmp.name) / f"out{os.getpid()}.npz"
        subprocess_run([self.python, str(Path(__file__).with_name("adelie_lasso_runner.py")),
                        str(self.inputs[key]), str(out), "--tol", repr(tol),
                        "--family", self.family], self.budget)
        z = np.load(out)
        return z["coefs"], float(z["times"][0])


def subprocess_run(cmd, timeout):
    import subprocess
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)


def cv_loop(path_run):
    """CV around a peer's path call: fold paths, held-out scores of every point, full path."""
    def run(prob, task, tol):
        seconds = 0.0
        for train, test in folds(prob, task).split(np.zeros(prob.X.shape[0]), prob.labels):
            out = path_run(sub_problem(prob, train), task, tol)
            coefs, s = out if isinstance(out, tuple) else (out, None)
            seconds += s or 0.0
            pred = np.asarray(prob.X[test] @ np.nan_to_num(coefs))
            if task.logistic:
                score = np.logaddexp(0, -prob.labels[test][:, None] * pred).mean(axis=0)
            else:
                score = ((prob.y[test][:, None] - pred) ** 2).mean(axis=0)
            assert score.shape == (len(task.alphas),)
        out = path_run(prob, task, tol)
        if isinstance(out, tuple):
            return out[0], seconds + out[1]
        return out
    return run


def runners(args):
    """{task: {solver: (run, ladder)}} for the requested solvers."""
    la, lo = LADDERS["lasso_path"], LADDERS["logreg_path"]
    table = {
        "lasso_path": {"penalized": (lasso_ours, la["penalized"]),
                       "glmnet": (lasso_glmnet, la["glmnet"]),
                       "skglm": (C.run_skglm, la["skglm"]), "celer": (C.run_celer, la["celer"]),
                       "sklearn": (C.run_sklearn, la["sklearn"]),
                       "adelie": (Adelie(args.adelie_python, "gaussian", args.budget),
                                  la["adelie"])},
        "logreg_path": {"penalized": (logreg_ours, lo["penalized"]),
                        "glmnet": (logreg_glmnet, lo["glmnet"]),
                        "skglm": (C.logreg_skglm, lo["skglm"]),
                        "celer": (C.logreg_celer, lo["celer"]),
                        "sklearn": (C.logreg_liblinear, lo["sklearn"]),
                        "adelie": (Adelie(args.adelie_python, "binomial", args.budget),
                                   lo["adelie"])},
        "lasso_path_f32": {"penalized": (lasso_ours_f32, la["penalized"][:3])},
    }
    table["lasso_cv"] = {s: (cv_loop(r), lad_) for s, (r, lad_) in table["lasso_path"].items()}
    table["lasso_cv"]["penalized"] = (lasso_cv_ours, la["penalized"])
    table["logreg_cv"] = {s: (cv_loop(r), lad_) for s, (r, lad_) in table["logreg_path"].items()}
    table["logreg_cv"]["penalized"] = (logreg_cv_ours, lo["penalized"])
    wanted = args.solvers.split(",")
    return {t: {s: v for s, v in d.items() if s in wanted} for t, d in table.items()}


# ----------------------------------------------------------------------------- one run
def _kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(conn, run, prob, task, tol):
    """Forked child: one run; report (seconds, peak extra bytes), then the certificate."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, 65536)     # M_MMAP_THRESHOLD, as memory.py
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            before = _kib("VmRSS")
            t0 = time.perf_counter()
            out = run(prob, task, tol)
            seconds = time.perf_counter() - t0
            extra = (_kib("VmHWM") - before) * 1024
            coefs, own = out if isinstance(out, tuple) else (out, None)
            if own is not None:               # a subprocess's own time; its memory unseen
                seconds, extra = own, float("nan")
            conn.send(("time", (seconds, extra)))
            coefs = coefs.toarray() if sp.issparse(coefs) else np.asarray(coefs, np.float64)
            # unsolved points (NaN, a glmnet early stop) as zeros: they fail the certificate
            conn.send(("ratio", C.certify(prob, task, np.nan_to_num(coefs))))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
    finally:
        conn.close()


def attempt(run, prob, task, tol, budget):
    """(status, seconds, extra bytes, certificate ratio) of one run in a forked child."""
    recv, send = mp.Pipe(duplex=False)
    proc = mp.get_context("fork").Process(target=_child, args=(send, run, prob, task, tol))
    proc.start()
    send.close()
    try:
        if not recv.poll(budget):
            return "timeout", budget, float("nan"), float("nan")
        kind, value = recv.recv()
        if kind == "error":
            return f"error: {value}", float("nan"), float("nan"), float("nan")
        seconds, extra = value
        kind, ratio = recv.recv()
        if kind == "error":
            return f"error: {ratio}", seconds, extra, float("nan")
        return ("ok" if ratio <= 1 else "miss"), seconds, extra, ratio
    except EOFError:
        return "error: child died", float("nan"), float("nan"), float("nan")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def calibrate(run, prob, task, budget, ladder, memo):
    """The loosest tol of a decade ladder whose run meets the target: down the ladder
    until one passes; when the first rung passes, up by decades while they pass (at most
    two).  Each rung is one forked run; a timeout or an error ends the search.  Returns
    (tol or None, attempts); memo[tol] collects the passing runs (time, memory, ratio)."""
    tries = []

    def passes(tol):
        status, s, extra, ratio = attempt(run, prob, task, tol, budget)
        tries.append({"tol": tol, "status": status, "seconds": s, "extra": extra,
                      "ratio": ratio})
        C.log(f"    tol {tol:.2g}: {status} {s:.3g} s, extra {extra / 2**20:.0f} MB, "
              f"ratio {ratio:.3g}")
        if status not in ("ok", "miss"):
            raise C._Stop
        if status == "ok":
            memo.setdefault(tol, []).append((status, s, extra, ratio))
        return status == "ok"

    found = None
    try:
        for k, tol in enumerate(ladder):
            if passes(tol):
                found = tol
                break
        if found is not None and found == ladder[0]:
            for _ in range(2):
                looser = C._round(10 * found)
                if not passes(looser):
                    break
                found = looser
    except C._Stop:
        pass
    return found, tries


def bench(prob, task, table, args, tols):
    """Calibrate (or reuse the path task's tol), then time interleaved; rows."""
    cal, memo = {}, {}
    budget = args.cv_budget if task.name.endswith("_cv") else args.budget
    for s, (run, ladder) in table.items():
        memo[s] = {}
        key = (task.name.replace("_cv", "_path"), s)
        if key in tols and tols[key] is not None:
            C.log(f"  {task.name} / {s}: the path task's calibrated tol {tols[key]:.2g}")
            cal[s] = (tols[key], [])
            continue
        if key in tols:
            C.log(f"  {task.name} / {s}: skipped (its path task did not meet the target)")
            cal[s] = (None, [{"status": "path task did not meet the target"}])
            continue
        C.log(f"  {task.name} / {s}: calibrating")
        cal[s] = calibrate(run, prob, task, budget, ladder, memo[s])
    ready = [s for s in table if cal[s][0] is not None]
    runs = {s: [] for s in ready}
    for r in range(args.cv_repeats if task.name.endswith("_cv") else args.repeats):
        for s in ready:
            if any(x[0] != "ok" for x in runs[s]):
                continue        # timed out or missed once: not run again
            out = attempt(table[s][0], prob, task, cal[s][0], budget)
            runs[s].append(out)
            C.log(f"  round {r + 1} {s}: {out[0]} {out[1]:.3g} s, extra "
                  f"{out[2] / 2**20:.0f} MB, ratio {out[3]:.3g}")
    rows = []
    for s in table:
        tol, tries = cal[s]
        row = {"task": task.name, "solver": s, "tol": tol, "attempts": tries,
               "samples": [list(x) for x in memo[s].get(tol, []) + runs.get(s, [])]}
        # medians of the interleaved timed rounds only (the calibration ran alone)
        ok = [x for x in runs.get(s, []) if x[0] == "ok"]
        if tol is None:
            last = tries[-1]["status"] if tries else "not run"
            row.update(ok=False, status=last if last != "miss" else "target not met")
        elif not ok or any(x[0] != "ok" for x in runs.get(s, [])):
            bad = next((x for x in runs.get(s, []) if x[0] != "ok"), None)
            row.update(ok=False, status=bad[0] if bad else "not run", time_s=None,
                       gap_ratio=bad[3] if bad else None)
        else:
            row.update(ok=True, status="ok", time_s=float(np.median([x[1] for x in ok])),
                       extra_bytes=float(np.median([x[2] for x in ok])),
                       gap_ratio=float(max(x[3] for x in ok)))
        if task.name.endswith("_path"):
            tols[(task.name, s)] = tol if row["ok"] else None
        rows.append(row)
        C.log(f"  {row}")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", default=",".join(TASKS), help=f"comma list among {TASKS}")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cv-repeats", type=int, default=1, help="timed rounds of the CV tasks")
    ap.add_argument("--cv-budget", type=float, default=None,
                    help="seconds per CV run (default: 6 x --budget, a CV being 6 paths)")
    ap.add_argument("--cv-peers", choices=("all", "fastest"), default="all",
                    help="fastest: the CV tasks time only ours and the peer fastest on the "
                         "path task (of this run or of --tols-from)")
    ap.add_argument("--tols-from", default=None,
                    help="a JSON of an earlier run: its path tasks' tols for the CV tasks")
    ap.add_argument("--budget", type=float, default=600.0,
                    help="seconds per run before it is stopped and reported as a timeout")
    ap.add_argument("--max-docs", type=int, default=None,
                    help="keep this many documents (spread over both corpora): a smoke run")
    ap.add_argument("--adelie-python", default=ADELIE_PYTHON)
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "bigram.json"))
    args = ap.parse_args()
    tasks = args.tasks.split(",")
    for t in tasks:
        if t not in TASKS:
            raise SystemExit(f"unknown task {t!r}; choose among {TASKS}")
    solvers, notes = [], []
    for s in args.solvers.split(","):
        if s not in SOLVERS:
            raise SystemExit(f"unknown solver {s!r}; choose among {SOLVERS}")
        mod = {"glmnet": "glmnet", "skglm": "skglm", "celer": "celer", "sklearn": "sklearn"}
        try:
            if s in mod:
                __import__(mod[s])
            elif s == "adelie" and not Path(args.adelie_python).exists():
                raise FileNotFoundError(args.adelie_python)
            solvers.append(s)
        except Exception as exc:
            notes.append(f"{s}: skipped ({type(exc).__name__}: {exc})")
    args.solvers = ",".join(solvers)
    cache_dir().mkdir(parents=True, exist_ok=True)
    X, labels, corpus = bigram_matrix(args.max_docs)
    prob = problem(X, labels)
    C.log(f"bigram: {X.shape}, nnz {X.nnz}, X {x_bytes(X) / 2**20:.1f} MB, "
          f"unit {prob.unit:.3g} s, labels +1 share {np.mean(labels > 0):.3f}")
    table = runners(args)
    rows, jit, tols = [], [], {}
    earlier = []
    if args.tols_from:
        earlier = json.loads(Path(args.tols_from).read_text())["rows"]
        for r in earlier:
            if r["task"] in ("lasso_path", "logreg_path"):
                tols[(r["task"], r["solver"])] = r["tol"] if r["ok"] else None
        C.log(f"path tols from {args.tols_from}: {tols}")
    if args.cv_budget is None:
        args.cv_budget = 6 * args.budget
    with threadpool_limits(1):
        for name in tasks:
            task = make_task(prob, name)
            if "skglm" in table[name]:
                C.skglm_first_call(prob, C.Task("logreg" if task.logistic else "lasso", 1.0,
                                                task.alphas[:1], True), set(), jit)
            if name.endswith("_cv") and args.cv_peers == "fastest":
                done = [r for r in rows + earlier if r["task"] == name.replace("_cv", "_path")
                        and r["ok"] and r["solver"] != "penalized"]
                best = min(done, key=lambda r: r["time_s"])["solver"] if done else None
                table[name] = {s: v for s, v in table[name].items()
                               if s in ("penalized", best)}
            C.log(f"{name}: {len(task.alphas)} points, solvers {list(table[name])}")
            rows += bench(prob, task, table[name], args, tols)
    xb = x_bytes(X)
    print(f"bigram tf-idf (1-2 grams, min_df=2) of news20 + imdb: {X.shape[0]} x {X.shape[1]}, "
          f"nnz {X.nnz}, X {xb / 2**20:.1f} MB; {N_POINTS} points to 1/100 of the max; "
          f"single-threaded; {args.repeats} interleaved rounds, medians; budget "
          f"{args.budget:g} s per run.")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in C.versions(
        [s for s in solvers if s in C.PEER_MODULES]).items()))
    if notes:
        print("Skipped: " + "; ".join(notes))
    print("\n| task | solver | tol | time s | peak extra MB | extra / X | certificate ratio "
          "| ok | peer / ours |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ours = next((q for q in rows if q["task"] == r["task"] and q["solver"] == "penalized"
                     and q["ok"]), None)
        budget = args.cv_budget if r["task"].endswith("_cv") else args.budget
        t = f"{r['time_s']:.4g}" if r["ok"] else (
            f"> {budget:g}" if str(r["status"]).startswith("timeout") else "-")
        mem = r.get("extra_bytes", float("nan"))
        ratio = (f"{r['time_s'] / ours['time_s']:.2f}" if r["ok"] and ours and r is not ours
                 else (f"> {budget / ours['time_s']:.2f}" if ours and t.startswith(">")
                       else "-"))
        g = r.get("gap_ratio")
        tol = "-" if r["tol"] is None else format(r["tol"], ".2g")
        print(f"| {r['task']} | {r['solver']} | {tol} "
              f"| {t} | {C.fmt(mem / 2**20, 4)} | {C.fmt(mem / xb, 3)} "
              f"| {'-' if g is None else C.fmt(g, 2)} "
              f"| {'yes' if r['ok'] else 'NO: ' + str(r['status'])} | {ratio} |")
    if jit:
        print("\nskglm first call (numba JIT): " + "; ".join(
            f"{j['model']} {j['first_call_s']:.2f} s (warm {j['warm_call_s']:.2f} s)"
            for j in jit))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(C._jsonable({"shape": X.shape, "nnz": X.nnz, "x_bytes": xb,
                                           "max_docs": args.max_docs, "rows": rows,
                                           "skglm_jit": jit}), indent=1))


if __name__ == "__main__":
    sys.exit(main())
