"""Ridge: one decomposition for many alphas against per-alpha scikit-learn fits.

    python benchmarks/ridge.py                       # all sets below, 3 repeats
    python benchmarks/ridge.py --sets riboflavin,dorothea --repeats 5

Tasks, per set (dense sets standardised column-wise, sparse sets as they are;
intercept fitted, y as stored):

* ``path``: ``penalized.ridge_path`` over a grid of alphas against one
  ``sklearn.linear_model.Ridge`` fit per alpha (alpha_sk = n * alpha).  Dense: 100
  alphas, our default grid (10 ||X_c||_2^2 / n down to 1e-6 times that);
  scikit-learn's solver 'auto' (Cholesky).  Sparse: 100 alphas down to 1e-3
  times the top when min(n, p) <= 3000 (our path then uses one
  eigendecomposition), else 20 (10 down to 1e-2 for news20: iterative solvers
  slow down as alpha -> 0); our 'auto' path
  (one eigendecomposition when min(n, p) <= 3000, else warm-started CG) against
  scikit-learn's 'sparse_cg' and 'lsqr', each at the loosest ``tol`` of a
  ladder that meets the accuracy target at every alpha (the faster one is
  reported).
* ``cv``: ``penalized.RidgeCV`` (exact leave-one-out from one
  eigendecomposition) against ``sklearn.linear_model.RidgeCV`` (its efficient
  LOO) on the same alphas; both must choose the same alpha.  Sparse sets only
  where both can do exact LOO within memory (min(n, p) <= 3000).

Accuracy, recomputed here in float64 numpy for every alpha: the ridge duality
gap ||X_c^T r / n - alpha w||^2 / (2 alpha) <= 1e-6 * ||y_c||^2 / (2n)
(BENCHMARKS.md's target).  Timing: single-threaded BLAS (threadpoolctl),
solvers interleaved, one warm-up round, median of ``--repeats`` rounds.
Output: a markdown table (ratio = scikit-learn time / ours, > 1 means we are
faster) on stdout.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load  # noqa: E402

import penalized  # noqa: E402

DENSE = ["leukemia_golub", "colon_alon", "riboflavin", "breast_west", "prostate_singh",
         "arcene"]
SPARSE = ["congress109", "dorothea", "imdb_movie_review_tfidf", "news20_tfidf"]
# sparse path grids (n_alphas, eps): iterative solvers slow down as alpha -> 0
SPARSE_GRIDS = {"news20_tfidf": (10, 1e-2)}
TARGET = 1e-6   # gap <= TARGET * ||y_c||^2 / (2n)
SK_TOLS = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]


def gaps_rel(X, y, coefs, alphas):
    """Ridge duality gaps of the columns of coefs over ||y_c||^2 / (2n), float64 numpy."""
    n = X.shape[0]
    xm = np.asarray(X.mean(axis=0)).ravel()
    yc = y - y.mean()
    W = np.asarray(coefs, dtype=np.float64)
    R = yc[:, None] - (np.asarray(X @ W) - xm @ W)
    G = (np.asarray(X.T @ R) - np.outer(xm, R.sum(axis=0))) / n - alphas * W
    return np.einsum("ij,ij->j", G, G) / (2 * alphas) / (yc @ yc / (2 * n))


def sk_path(X, y, alphas, solver="auto", tol=1e-4):
    n = X.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.column_stack([SkRidge(alpha=n * a, solver=solver, tol=tol,
                                        max_iter=100_000).fit(X, y).coef_ for a in alphas])


def ours_path(X, y, alphas, tol):
    return penalized.ridge_path(X, y, alphas, tol=tol, max_iter=100_000)[1]


def interleaved(fns, repeats):
    """Median seconds per function, run A, B, A, B, ... after one warm-up round."""
    times = {k: [] for k in fns}
    for r in range(repeats + 1):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            if r:
                times[k].append(time.perf_counter() - t0)
    return {k: float(np.median(v)) for k, v in times.items()}


def calibrate_sklearn(X, y, alphas):
    """(solver, tol) pairs of scikit-learn's sparse solvers that meet the target, loosest tol."""
    found = {}
    for solver in ("sparse_cg", "lsqr"):
        for tol in SK_TOLS:
            if np.max(gaps_rel(X, y, sk_path(X, y, alphas, solver, tol), alphas)) <= TARGET:
                found[solver] = tol
                break
        else:
            print(f"  sklearn {solver} never met the target", file=sys.stderr)
    return found


def run_set(name, repeats):
    X, y = load(name)
    sparse = sp.issparse(X)
    n, p = X.shape
    rows = []
    tol = TARGET / 2    # our tol: gap <= tol * ||y_c||^2 / n, exactly the target
    if sparse:
        eigh_path = min(n, p) <= penalized._ridge.SPARSE_GRAM_MAX
        alphas = _grid(X, *SPARSE_GRIDS.get(name, (100 if eigh_path else 20, 1e-3)))
        peers = calibrate_sklearn(X, y, alphas)
    else:
        alphas = penalized.ridge_path(X, y, n_alphas=100)[0]
        peers = {"auto": 1e-4}
    ours_gap = np.max(gaps_rel(X, y, ours_path(X, y, alphas, tol), alphas))
    fns = {"ours": lambda: ours_path(X, y, alphas, tol)}
    for solver, t in peers.items():
        fns[f"sklearn-{solver}"] = (lambda s=solver, t=t: sk_path(X, y, alphas, s, t))
    with threadpool_limits(1):
        times = interleaved(fns, repeats)
    best = min((k for k in times if k != "ours"), key=times.get, default=None)
    sk_gap = (np.max(gaps_rel(X, y, sk_path(X, y, alphas, best[8:], peers[best[8:]]), alphas))
              if best else float("nan"))
    rows.append(dict(set=name, shape=f"{n}x{p}", task=f"path ({alphas.size} alphas)",
                     ours=times["ours"], peer=best, peer_time=times.get(best, float("nan")),
                     ours_gap=ours_gap, peer_gap=sk_gap,
                     note=(f"sklearn tol={peers[best[8:]]:g}" if sparse and best
                           else "sklearn direct (Cholesky)" if best else "no peer met target")))
    if not sparse or min(n, p) <= penalized._ridge.SPARSE_GRAM_MAX:
        cv_alphas = alphas if not sparse else _grid(X, 100, 1e-6)
        ours_cv = penalized.RidgeCV(alphas=cv_alphas).fit(X, y)
        sk_cv = SkRidgeCV(alphas=n * cv_alphas).fit(X, y)
        same = np.isclose(sk_cv.alpha_, n * ours_cv.alpha_, rtol=1e-12)
        with threadpool_limits(1):
            t = interleaved({"ours": lambda: penalized.RidgeCV(alphas=cv_alphas).fit(X, y),
                             "sk": lambda: SkRidgeCV(alphas=n * cv_alphas).fit(X, y)}, repeats)
        rows.append(dict(set=name, shape=f"{n}x{p}", task=f"RidgeCV LOO ({cv_alphas.size} alphas)",
                         ours=t["ours"], peer="sklearn-RidgeCV", peer_time=t["sk"],
                         ours_gap=float(gaps_rel(X, y, ours_cv.coef_[:, None],
                                                 np.array([ours_cv.alpha_]))[0]),
                         peer_gap=float("nan"),
                         note="same alpha" if same else
                         f"DIFFERENT alpha: ours {n * ours_cv.alpha_:.4g}, sk {sk_cv.alpha_:.4g}"))
    return rows


def _grid(X, n_alphas, eps):
    """Our default grid: 10 ||X_c||_2^2 / n down to eps times that."""
    op = penalized._ridge.CentredOperator(X, None, True)
    return penalized._ridge.default_alpha_grid(op, n_alphas, eps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default=",".join(DENSE + SPARSE))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for name in args.sets.split(","):
        t0 = time.perf_counter()
        print(f"{name} ...", file=sys.stderr, flush=True)
        rows += run_set(name, args.repeats)
        print(f"  done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    print("| set | n x p | task | ours s | peer | peer s | ratio peer/ours | "
          "our max gap/target | peer max gap/target | note |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['set']} | {r['shape']} | {r['task']} | {r['ours']:.4g} | {r['peer']} | "
              f"{r['peer_time']:.4g} | {r['peer_time'] / r['ours']:.2f} | "
              f"{r['ours_gap'] / TARGET:.3g} | {r['peer_gap'] / TARGET:.3g} | {r['note']} |")
    for task in ("path", "RidgeCV"):
        ratios = [r["peer_time"] / r["ours"] for r in rows if r["task"].startswith(task)]
        if ratios:
            print(f"\nmedian ratio ({task}): {np.median(ratios):.2f} over {len(ratios)} sets")


if __name__ == "__main__":
    main()
