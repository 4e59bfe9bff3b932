"""Before/after of penalized's L1 logistic paths and single fits: whichever build is first on sys.path.

BENCHMARKS.md's problem (mean log(1 + exp(-y x.w)) + lam ||w||_1, no intercept; dense sets
standardised column-wise), 50 lams from lam_max to lam_max / 100 for ``path`` and lam_max / 10
for ``single``, at the tols ``compare.py`` calibrated for ours (``TOLS``).  Prints one JSON
object {"set|task": {t (min CPU seconds over the repeats after a warm-up), newton, epochs
(summed over the native solves), kkt (the largest KKT violation / (1e-4 lam), in numpy)}}.
Equal ``newton`` and ``epochs`` in two builds mean the same iterates.  Alternate the builds
(the machine drifts over minutes), e.g. with a copy of the base commit built in place in
/tmp/base, under the benchmark lock::

    for r in 1 2 3; do
      PYTHONPATH=/tmp/base/src python benchmarks/ab_logistic.py SETS 7 > base_$r.json
      python benchmarks/ab_logistic.py SETS 7 > new_$r.json
    done
    python benchmarks/ab_logistic.py --summary "base_*.json" "new_*.json"
"""

import glob
import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

import penalized
from _common import load_any
from penalized import _logistic

# compare.py's calibrated tols for ours (RESULTS.md), path and single fit
TOLS = {"dorothea": 2e-8, "leukemia_golub": 2e-7, "breast_west": 5e-8, "prostate_singh": 2e-6,
        "colon_alon": 1e-7, "arcene": 1e-6, "imdb_movie_review_tfidf": 5e-7,
        "news20_tfidf": 5e-9}
SINGLE_TOLS = {"dorothea": 1e-5, "arcene": 2e-5}


def counting_solves(stats):
    """Wrap the binary loss's native solve to sum its Newton steps and epochs into stats."""
    solve = _logistic.BinomialLoss.native_solve

    def counted(self, *args, **kwargs):
        info = solve(self, *args, **kwargs)
        stats["newton"] += info["n_iter"]
        stats["epochs"] += info["n_epochs"]
        return info

    _logistic.BinomialLoss.native_solve = counted


def kkt(X, y, w, lam):
    """Max over j of dist(-grad_j, lam * d|w_j|), as compare.py's ``logreg_kkt``."""
    m = y * np.asarray(X @ w).ravel()
    g = np.asarray(X.T @ (-y / (1.0 + np.exp(m)))).ravel() / X.shape[0]
    v = np.where(w != 0, np.abs(g + lam * np.sign(w)), np.maximum(np.abs(g) - lam, 0.0))
    return float(v.max())


def load_binary(name):
    X, y = load_any(f"shared:{name}")
    if not hasattr(X, "tocsc"):
        sd = X.std(axis=0)
        X = np.asfortranarray((X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0))
    return X, np.where(y > 0, 1.0, -1.0)


def tasks(name, X, y):
    lam_max = np.abs(np.asarray(X.T @ y).ravel()).max() / (2 * X.shape[0])
    lams = np.geomspace(lam_max, lam_max / 100, 50)
    path = lambda: penalized.logistic_path(  # noqa: E731
        X, y, alphas=lams, fit_intercept=False, tol=TOLS[name], max_iter=10_000)[1]
    single = lambda: penalized.LogisticRegression(  # noqa: E731
        "l1", alpha=lam_max / 10, fit_intercept=False, tol=SINGLE_TOLS.get(name, 1e-5),
        max_iter=10_000).fit(X, y).coef_.T
    return {"path": (path, lams), "single": (single, [lam_max / 10])}


def main(names, repeats):
    stats = {"newton": 0, "epochs": 0}
    counting_solves(stats)
    out = {}
    with threadpool_limits(1):
        for name in names:
            X, y = load_binary(name)
            for task, (fit, lams) in tasks(name, X, y).items():
                W = fit()       # the warm-up, and the accuracy reached
                worst = max(kkt(X, y, W[:, k], lam) / (1e-4 * lam) for k, lam in enumerate(lams))
                stats["newton"] = stats["epochs"] = 0
                fit()
                counts = dict(stats)
                ts = []
                for _ in range(repeats):
                    t0 = time.process_time()
                    fit()
                    ts.append(time.process_time() - t0)
                out[f"{name}|{task}"] = dict(t=min(ts), kkt=worst, **counts)
    print(json.dumps(out))


def summary(base_pattern, new_pattern):
    """Each key's minimum time over the rounds of each build, their ratio and the counts."""
    base = [json.load(open(f)) for f in sorted(glob.glob(base_pattern))]
    new = [json.load(open(f)) for f in sorted(glob.glob(new_pattern))]
    print("| set | task | base s | new s | base / new | Newton steps | epochs | KKT / target |")
    print("|---|---|---|---|---|---|---|---|")
    for key in base[0]:
        tb, tn = min(r[key]["t"] for r in base), min(r[key]["t"] for r in new)
        b, n = base[0][key], new[0][key]
        print(f"| {' | '.join(key.split('|'))} | {tb:.4g} | {tn:.4g} | {tb / tn:.2f} | "
              f"{b['newton']} -> {n['newton']} | {b['epochs']} -> {n['epochs']} | "
              f"{b['kkt']:.2g} -> {n['kkt']:.2g} |")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1].split(","), int(sys.argv[2]) if len(sys.argv) > 2 else 5)
