"""Default LassoCV: accuracy of its CV curve against tol=1e-10, and its time against scikit-learn's.

For each real set, the same 5 folds (KFold, shuffled, seed 0) are used by
penalized.LassoCV at its defaults (the reference: the same CV at tol=1e-10,
max_iter=100000) and by scikit-learn's LassoCV at its defaults (tol=1e-4,
max_iter=1000).  Both build the same grid of 100 alphas (eps=1e-3; checked).
Reported per set: the largest relative difference of each default mean CV
curve from the reference (max_k |m_k - ref_k| / ref_k), whether the chosen
alpha (alpha_) is the reference's, and with ``--repeats R`` (R >= 1) the
time of each default fit, median of R repeats, the two libraries interleaved
(penalized, scikit-learn, penalized, ...), single-threaded BLAS.  The
reference fit is not timed.  ``--tols 1e-6,1e-8`` adds penalized at other
tols (accuracy only).  Run timings under ``flock /tmp/penalized-bench.lock``.

    python benchmarks/cv_tol.py [--repeats 3] [--tols 1e-6,1e-8] [set ...]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import penalized
from _common import load

# the real regression targets of ../shared/data, and the microarray sets with their
# +-1 labels as a regression target (mice_bglr, 1814 x 10346 dense, is left out: no
# default CV of either library finishes there in minutes)
SETS = ["riboflavin", "wheat_bglr", "congress109", "we8there", "leukemia_golub",
        "colon_alon", "breast_west", "prostate_singh"]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main(names, tols=(), repeats=0):
    extra = "".join(f" penalized tol={t:g}: curve error | alpha_ same |" for t in tols)
    timing = " penalized s | scikit-learn s | scikit-learn / penalized |" if repeats else ""
    print("| set | n x p | penalized default: max rel. curve error | alpha_ same | "
          "scikit-learn default: max rel. curve error | alpha_ same |" + timing + extra)
    print("|---|---|---|---|---|---|" + "---|" * (3 if repeats else 0) + "---|---|" * len(tols))
    ratios = []
    for name in names:
        X, y = load(name)
        y = np.asarray(y, dtype=np.float64)
        folds = list(KFold(5, shuffle=True, random_state=0).split(X))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref = penalized.LassoCV(cv=folds, tol=1e-10, max_iter=100_000).fit(X, y)
            t_ours, t_sk = [], []
            for _ in range(max(repeats, 1)):
                t, ours = timed(lambda: penalized.LassoCV(cv=folds).fit(X, y))
                t_ours.append(t)
                t, sk = timed(lambda: SkLassoCV(cv=folds).fit(X, y))
                t_sk.append(t)
            tight = [penalized.LassoCV(cv=folds, tol=t, max_iter=100_000).fit(X, y)
                     for t in tols]
        np.testing.assert_allclose(sk.alphas_, ref.alphas_, rtol=1e-10)
        ref_curve = ref.cv_mean_

        def err(curve):
            return float(np.max(np.abs(curve - ref_curve) / ref_curve))

        sk_curve = sk.mse_path_.mean(axis=1)
        row = (f"| {name} | {X.shape[0]} x {X.shape[1]} | {err(ours.cv_mean_):.2e} | "
               f"{'yes' if ours.alpha_ == ref.alpha_ else 'no'} | {err(sk_curve):.2e} | "
               f"{'yes' if np.isclose(sk.alpha_, ref.alpha_, rtol=1e-12) else 'no'} |")
        if repeats:
            a, b = float(np.median(t_ours)), float(np.median(t_sk))
            ratios.append(b / a)
            row += f" {a:.2f} | {b:.2f} | {b / a:.1f} |"
        row += "".join(f" {err(m.cv_mean_):.2e} | {'yes' if m.alpha_ == ref.alpha_ else 'no'} |"
                       for m in tight)
        print(row, flush=True)
    if ratios:
        print(f"\nmedian over sets of scikit-learn / penalized: {np.median(ratios):.1f}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=0, help="timed repeats (0: no timing)")
    ap.add_argument("--tols", default="", help="extra penalized tols, comma-separated")
    ap.add_argument("sets", nargs="*")
    args = ap.parse_args()
    tols = tuple(float(t) for t in args.tols.split(",") if t)
    with threadpool_limits(1):
        main(args.sets or SETS, tols, args.repeats)
