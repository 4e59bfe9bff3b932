"""adelie's grpnet (gaussian Lasso, groups of one) on a sparse X, in adelie's numpy < 2 venv.

    /work/venvs/adelie/bin/python benchmarks/adelie_lasso_runner.py IN.npz OUT.npz --tol 1e-10

IN holds the CSC arrays of X (data, indices, indptr, shape), the centred y and
the alphas (BENCHMARKS.md's problem: 1/(2n) ||y - Xw||^2 + alpha ||w||_1, no
intercept).  adelie's gaussian loss with its default weights 1/n is
1/(2n) ||y - eta||^2 and its penalty lambda ||w||_1 for groups of one at
alpha=1, so lambda = alpha.  X enters as ``adelie.matrix.sparse`` (naive,
one thread).  Only ``grpnet`` is timed (``--repeats`` runs); OUT gets the
coefficients (p, n_alphas) and every repeat's seconds.  ``--family binomial``:
the L1 logistic problem mean log(1 + exp(-y x.w)) + lambda ||w||_1 with y
given in {0, 1} (adelie's binomial loss, weights 1/n), lambda = lam.
"""

import argparse
import time

import adelie as ad
import numpy as np
import scipy.sparse as sp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--tol", type=float, default=1e-7)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--family", choices=("gaussian", "binomial"), default="gaussian",
                    help="binomial: y in {0, 1}, mean log-loss + lambda ||w||_1 "
                         "(adelie's binomial loss with weights 1/n)")
    args = ap.parse_args()
    z = np.load(args.inp)
    X = sp.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    y, alphas = np.asarray(z["y"], dtype=np.float64), np.asarray(z["alphas"], dtype=np.float64)
    Xm = ad.matrix.sparse(X, method="naive", n_threads=1)
    glm = ad.glm.gaussian(y) if args.family == "gaussian" else ad.glm.binomial(y)
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        state = ad.grpnet(X=Xm, glm=glm, lmda_path=alphas, tol=args.tol,
                          early_exit=False, intercept=False, n_threads=1,
                          progress_bar=False, max_iters=10_000_000)
        times.append(time.perf_counter() - t0)
    coefs = np.asarray(state.betas.todense()).T
    np.savez(args.out, coefs=coefs, times=np.asarray(times))


if __name__ == "__main__":
    main()
