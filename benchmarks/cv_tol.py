"""Accuracy of the default CV curve: LassoCV at its default tol against the same CV run at tol=1e-10.

For each real set, the same 5 folds (KFold, shuffled, seed 0) and the same grid of 100 alphas
(eps=1e-3) are used by penalized.LassoCV at its default tol (1e-4), by penalized.LassoCV at
tol=1e-10 (the reference curve), and by scikit-learn's LassoCV at its defaults.  Reported:
the largest relative difference of each default mean CV curve from the reference
(max_k |m_k - ref_k| / ref_k), and whether the chosen alpha (alpha_) is the reference's.
Also penalized at tighter tols (``--tols 1e-6,1e-8``), to see which default would keep
the curve within 1e-3.  No timings (see benchmarks/cv.py for those).

    python benchmarks/cv_tol.py [--tols 1e-6,1e-8] [set ...]
"""

import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LassoCV as SkLassoCV
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

import penalized
from _common import load

SETS = ["riboflavin", "leukemia_golub", "colon_alon", "breast_west", "prostate_singh",
        "wheat_bglr", "congress109", "we8there"]


def main(names, tols=()):
    extra = "".join(f" penalized tol={t:g} | alpha_ same |" for t in tols)
    print("| set | n x p | penalized default: max rel. curve error | alpha_ same | "
          "scikit-learn default: max rel. curve error | alpha_ same |" + extra)
    print("|---|---|---|---|---|---|" + "---|---|" * len(tols))
    for name in names:
        X, y = load(name)
        y = np.asarray(y, dtype=np.float64)
        folds = list(KFold(5, shuffle=True, random_state=0).split(X))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref = penalized.LassoCV(cv=folds, tol=1e-10, max_iter=100_000).fit(X, y)
            ours = penalized.LassoCV(cv=folds).fit(X, y)
            sk = SkLassoCV(cv=folds, alphas=ref.alphas_).fit(X, y)
            tight = [penalized.LassoCV(cv=folds, tol=t, max_iter=100_000).fit(X, y)
                     for t in tols]
        ref_curve = ref.cv_mean_

        def err(curve):
            return float(np.max(np.abs(curve - ref_curve) / ref_curve))

        sk_curve = sk.mse_path_.mean(axis=1)
        print(f"| {name} | {X.shape[0]} x {X.shape[1]} | {err(ours.cv_mean_):.2e} | "
              f"{'yes' if ours.alpha_ == ref.alpha_ else 'no'} | {err(sk_curve):.2e} | "
              f"{'yes' if np.isclose(sk.alpha_, ref.alpha_, rtol=1e-12) else 'no'} |"
              + "".join(f" {err(m.cv_mean_):.2e} | {'yes' if m.alpha_ == ref.alpha_ else 'no'} |"
                        for m in tight), flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    tols = ()
    if args[:1] == ["--tols"]:
        tols, args = tuple(float(t) for t in args[1].split(",")), args[2:]
    with threadpool_limits(1):
        main(args or SETS, tols)
