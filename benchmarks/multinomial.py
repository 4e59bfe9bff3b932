"""Multinomial (softmax) logistic regression against scikit-learn's saga, side by side.

    python benchmarks/multinomial.py [--repeats 3] [--news20 [--peers]]

Objective (both libraries): 1/n sum_i log-softmax loss + alpha*rho*||W||_1
+ alpha*(1-rho)/2*||W||_F^2 with alpha = 1/(n C).  Sets: scikit-learn's wine and
digits (standardised), C = 0.1, penalties l1 / l2 / elasticnet 0.5; ours at
tol 1e-4 and 1e-8 (duality gap relative to the intercept-only loss), saga at
tol 1e-8.  ``--news20`` adds the first 5 of the 20 news20_tfidf groups (sparse,
L1, C = 10), ours at tol 1e-4 against saga at tol 1e-3 and 1e-4, objectives
recomputed in numpy.  Single-threaded BLAS, runs interleaved, medians.

``--news20 --peers`` prints only one table on that news20 problem: penalized
(tol 1e-4, 1e-6; certificate dual_gap_ <= tol * intercept-only loss), glmnet's
multinomial (Fortran ``splognet`` called directly, isd=0, intr=1, lambda = alpha:
alpha alone at several thr, and a 20-point geometric path from lambda_max),
adelie (entrywise L1 through its public state API in a second venv with
numpy < 2, ``adelie_runner.py``, ADELIE_PYTHON names its interpreter) and saga
(tol 1e-3, 1e-4).  Objective F and the max KKT violation / alpha recomputed in
float64 numpy from each (W, b); F - best F against the best F in the table.
Runs taking more than 30 s are not repeated.
"""

import argparse
import os
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_wine
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import penalized
from _common import SHARED, news20_classes


def objective(X, codes, W, b, alpha, rho):
    eta = np.asarray(X @ W.T) + b
    top = eta.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(eta - top).sum(axis=1))
    n = eta.shape[0]
    return (np.mean(lse - eta[np.arange(n), codes]) + alpha * rho * np.abs(W).sum()
            + 0.5 * alpha * (1 - rho) * np.sum(W * W))


def timed(fit, repeats):
    times, model = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), model


def small_sets(repeats):
    print("| set (n x p, K) | penalty | ours tol 1e-4 s | ours tol 1e-8 s (gap) | saga tol 1e-8 s "
          "| saga / ours (1e-8) | max coef diff |")
    print("|---|---|---|---|---|---|---|")
    for name, loader in [("wine", load_wine), ("digits", load_digits)]:
        X, y = loader(return_X_y=True)
        X = StandardScaler().fit_transform(X)
        K = np.unique(y).size
        for penalty, rho in [("l1", 1.0), ("l2", 0.0), ("elasticnet", 0.5)]:
            kw = dict(C=0.1, l1_ratio=0.5 if penalty == "elasticnet" else None, max_iter=1000)
            t4, _ = timed(lambda: penalized.LogisticRegression(penalty, tol=1e-4, **kw).fit(X, y),
                          repeats)
            t8, ours = timed(lambda: penalized.LogisticRegression(penalty, tol=1e-8, **kw)
                             .fit(X, y), repeats)
            ts, sk = timed(lambda: SkLogisticRegression(C=0.1, l1_ratio=rho, solver="saga",
                                                        tol=1e-8, max_iter=100_000).fit(X, y),
                           repeats)
            print(f"| {name} ({X.shape[0]} x {X.shape[1]}, {K}) | {penalty} | {t4:.3g} | "
                  f"{t8:.3g} ({ours.dual_gap_[0]:.1e}) | {ts:.3g} | {ts / t8:.1f} | "
                  f"{np.abs(ours.coef_ - sk.coef_).max():.1e} |")


def news20():
    X, codes = news20_classes()
    C = 10.0
    alpha = 1.0 / (X.shape[0] * C)
    print(f"\nnews20_tfidf, first 5 groups: {X.shape[0]} x {X.shape[1]}, nnz {X.nnz}, L1, C={C:g}")
    print("| solver | s | objective F | certified |")
    print("|---|---|---|---|")
    t, m = timed(lambda: penalized.LogisticRegression("l1", C=C, tol=1e-4, max_iter=200)
                 .fit(X, codes), 1)
    target = 1e-4 * null_loss(codes)
    print(f"| penalized tol=1e-4 | {t:.3g} | {objective(X, codes, m.coef_, m.intercept_, alpha, 1.0):.10f} "
          f"| gap {m.dual_gap_[0]:.1e} vs target {target:.1e}: "
          f"{'yes' if m.dual_gap_[0] <= target else 'NO'} |")
    for tol in (1e-3, 1e-4):
        t, sk = timed(lambda: SkLogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=tol,
                                                   max_iter=1000).fit(X, codes), 1)
        print(f"| saga tol={tol:g} | {t:.3g} | "
              f"{objective(X, codes, sk.coef_, sk.intercept_, alpha, 1.0):.10f} | no certificate |")


def null_loss(codes):
    """Loss of the intercept-only model, 1/n sum log-softmax loss at b = log(class shares)."""
    share = np.bincount(codes) / len(codes)
    return float(-np.sum(share * np.log(share)))


def glmnet_fit(X, codes, lambdas, thr, maxit=100_000):
    """glmnet's multinomial (Fortran ``splognet``, kopt=0 as python-glmnet's multiclass fit).

    isd=0 (X as given), intr=1, penalty 1 on every feature, no bounds, no offset, the
    given lambdas (flmin = 1: user path).  Its objective: -1/n loglik + lambda ||B||_1,
    so lambda = alpha.  Returns (seconds, W, b, note); only the Fortran call is timed.
    """
    from glmnet._glmnet import lsolns, splognet

    n, p = X.shape
    K = int(codes.max()) + 1
    data, y = X.data.copy(), np.asfortranarray(np.eye(K)[codes])
    offset = np.zeros((n, K), order="F")
    bounds = np.asfortranarray(np.vstack([np.full(p, -np.inf), np.full(p, np.inf)]))
    lambdas = np.asarray(lambdas, dtype=np.float64)
    t0 = time.perf_counter()
    lmu, a0, ca, ia, nin, _, _, alm, nlp, jerr = splognet(
        1.0, n, p, K, data, X.indptr + 1, X.indices + 1, y, offset, np.zeros(1, np.int32),
        np.ones(p), bounds, p + 1, p + 1, 1.0, lambdas, thr, len(lambdas), 0, 1, maxit, 0)
    seconds = time.perf_counter() - t0
    if lmu < 1:
        raise RuntimeError(f"glmnet returned no solution (jerr {jerr})")
    B = lsolns(p, ca[:, :, :lmu], ia, nin[:lmu])[:, :, lmu - 1]
    note = f"{nlp} passes"
    if jerr != 0:
        note += (f"; jerr {jerr}: stopped after {lmu} of {len(lambdas)} lambdas, "
                 f"returned lambda = {alm[lmu - 1] / lambdas[-1]:.3g} alpha")
    return seconds, np.ascontiguousarray(B.T), np.array(a0[:, lmu - 1]), note


ADELIE_PYTHON = os.environ.get("ADELIE_PYTHON", "/work/venvs/adelie/bin/python")


def adelie_fit(path_points, tol, timeout=400):
    """adelie_runner.py in adelie's venv; (seconds, W, b, note) read back from its .npz."""
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "adelie.npz"
        env = dict(os.environ, PENALIZED_SHARED_DATA=str(SHARED), OMP_NUM_THREADS="1",
                   OPENBLAS_NUM_THREADS="1")
        subprocess.run([ADELIE_PYTHON, str(here / "adelie_runner.py"), str(out), "--path",
                        str(path_points), "--tol", repr(tol)], check=True, env=env, cwd=here,
                       timeout=timeout)
        z = np.load(out)
        return float(np.median(z["times"])), z["W"], z["b"], f"adelie {z['version']}"


def news20_peers(repeats, slow=30.0):
    """One table: penalized, glmnet, adelie and saga on news20 5 classes (L1, C = 10).

    Rounds run every solver once in turn (interleaved); a solver whose first run took
    more than ``slow`` seconds is not repeated.  F and the KKT violation are
    recomputed here in float64 numpy from each solver's (W, b).
    """
    X, codes = news20_classes()
    n, p = X.shape
    K = int(codes.max()) + 1
    C = 10.0
    alpha = 1.0 / (n * C)
    Y = np.eye(K)[codes]
    lam_max = np.abs(X.T @ (Y.mean(0) - Y)).max() / n
    path20 = np.geomspace(lam_max, alpha, 20)
    null = null_loss(codes)

    def ours(tol):
        def fit():
            t0 = time.perf_counter()
            m = penalized.LogisticRegression("l1", C=C, tol=tol, max_iter=200).fit(X, codes)
            seconds = time.perf_counter() - t0
            gap, target = float(m.dual_gap_[0]), tol * null
            cert = f"{'yes' if gap <= target else 'NO'} (gap {gap:.1e} vs {target:.1e})"
            return seconds, m.coef_, m.intercept_, cert
        return fit

    def saga(tol):
        def fit():
            t0 = time.perf_counter()
            m = SkLogisticRegression(C=C, l1_ratio=1.0, solver="saga", tol=tol,
                                     max_iter=1000).fit(X, codes)
            seconds = time.perf_counter() - t0
            return seconds, m.coef_, m.intercept_, f"{int(np.max(m.n_iter_))} epochs"
        return fit

    runs = [
        ("penalized", "tol=1e-4, max_iter=200", ours(1e-4)),
        ("penalized", "tol=1e-6, max_iter=200", ours(1e-6)),
        ("glmnet lognet", "alpha alone, thr=1e-7",
         lambda: glmnet_fit(X, codes, [alpha], 1e-7)),
        ("glmnet lognet", "alpha alone, thr=1e-10",
         lambda: glmnet_fit(X, codes, [alpha], 1e-10)),
        ("glmnet lognet", "alpha alone, thr=1e-13",
         lambda: glmnet_fit(X, codes, [alpha], 1e-13)),
        ("glmnet lognet", "20-point path to alpha, thr=1e-7",
         lambda: glmnet_fit(X, codes, path20, 1e-7)),
        ("adelie state.solve", "20-point path to alpha, tol=irls_tol=1e-7 (defaults)",
         lambda: adelie_fit(20, 1e-7)),
        ("adelie state.solve", "20-point path to alpha, tol=irls_tol=1e-10",
         lambda: adelie_fit(20, 1e-10, timeout=400)),
        ("sklearn saga", "tol=1e-3, max_iter=1000", saga(1e-3)),
        ("sklearn saga", "tol=1e-4, max_iter=1000", saga(1e-4)),
    ]
    results = {i: {"times": []} for i in range(len(runs))}
    for r in range(repeats):
        for i, (name, settings, fit) in enumerate(runs):
            res = results[i]
            if r > 0 and (res.get("error") or res["times"][0] > slow):
                continue
            try:
                seconds, W, b, note = fit()
            except Exception as exc:       # a peer that fails is reported, not hidden
                res["error"] = f"{type(exc).__name__}: {exc}"
                continue
            res["times"].append(seconds)
            res.update(W=np.asarray(W, dtype=np.float64), b=np.asarray(b, dtype=np.float64),
                       note=note)
    for res in results.values():
        if "W" in res:
            res["F"] = objective(X, codes, res["W"], res["b"], alpha, 1.0)
            res["kkt"] = multinomial_kkt(X, codes, res["W"], res["b"], alpha) / alpha
    best = min(res["F"] for res in results.values() if "F" in res)
    print(f"news20_tfidf, first 5 groups: {n} x {p}, nnz {X.nnz}, K = {K}, L1, C = {C:g} "
          f"(alpha = 1/(n C) = {alpha:.3e}); lambda_max = {lam_max / alpha:.1f} alpha; "
          f"intercept-only loss {null:.6f}; single-threaded")
    print()
    print("| solver | settings | s (median, runs) | objective F | F - best F "
          "| max KKT / alpha | nnz W | certificate / notes |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (name, settings, _) in enumerate(runs):
        res = results[i]
        if "W" not in res:
            print(f"| {name} | {settings} | failed | | | | | {res.get('error')} |")
            continue
        print(f"| {name} | {settings} | {np.median(res['times']):.3g} ({len(res['times'])}) "
              f"| {res['F']:.10f} | {res['F'] - best:.1e} | {res['kkt']:.2g} "
              f"| {int(np.count_nonzero(res['W']))} | {res['note']} |")


def multinomial_kkt(X, codes, W, b, alpha, rho=1.0):
    """Largest violation of the optimality conditions, float64 numpy.

    Problem: 1/n sum_i log-softmax loss(x_i W^T + b) + alpha*rho ||W||_1
    + alpha(1-rho)/2 ||W||_F^2, intercepts b unpenalised.  With P the softmax
    probabilities and Y the one-hot labels, the smooth gradient is
    G = (P - Y)^T X / n (+ alpha(1-rho) W).  Violation of entry (k, j): |G_kj +
    alpha*rho*sign(W_kj)| when W_kj != 0, else max(|G_kj| - alpha*rho, 0); of
    intercept k: |sum_i (P - Y)_ik| / n.  Returns the maximum (divide by alpha
    for the figure in the tables).
    """
    n = X.shape[0]
    eta = np.asarray(X @ W.T) + b
    eta -= eta.max(axis=1, keepdims=True)
    P = np.exp(eta)
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(n), codes] -= 1.0
    R = P / n
    G = np.asarray(X.T @ R).T + alpha * (1 - rho) * W
    lam = alpha * rho
    v = np.where(W != 0, np.abs(G + lam * np.sign(W)), np.maximum(np.abs(G) - lam, 0.0))
    return float(max(v.max(), np.abs(R.sum(axis=0)).max()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--news20", action="store_true")
    parser.add_argument("--peers", action="store_true",
                        help="with --news20: the one table against glmnet, adelie and saga")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        if args.news20 and args.peers:
            news20_peers(args.repeats)
            return
        small_sets(args.repeats)
        if args.news20:
            news20()


if __name__ == "__main__":
    main()
