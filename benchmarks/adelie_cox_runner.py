"""adelie's Cox model (``adelie.glm.cox`` + ``grpnet``) in adelie's numpy < 2 venv, for cox.py.

    /work/venvs/adelie/bin/python benchmarks/adelie_cox_runner.py IN.npz OUT.npz --tol 1e-12

IN holds X (dense, n x p), time, event, the alphas (decreasing), ``ties``
('breslow' or 'efron') and ``l1_ratio``.  adelie's Cox loss with its default
weights 1/n is

    -sum_i w_i d_i eta_i + sum_i wbar_i d_i log(sum_{R(t_i)} w_k e^eta_k
                                                - sigma_i sum_{H(t_i)} w_k e^eta_k)

(sigma = 0 for Breslow, the event's rank in its tie / the tie's size for Efron),
which is 1/n times our l(eta) (the w_k inside the log only shift it by the
constant log n); its penalty lmda (a ||b||_1 + (1 - a)/2 ||b||^2) for groups of one,
so lmda = alpha and a = l1_ratio.  No intercept (the partial likelihood has none),
X as ``adelie.matrix.dense`` (naive, one thread); start times min(time) - 1
(adelie's risk sets are {k : start_k < t <= stop_k}: a start of 0 would drop an
event at time 0 from its own risk set).  Only ``grpnet``
is timed (``--repeats`` runs); OUT gets the coefficients (p, n_alphas) and every
repeat's seconds.
"""

import argparse
import time

import adelie as ad
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--tol", type=float, default=1e-7)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    z = np.load(args.inp)
    X = np.asfortranarray(z["X"], dtype=np.float64)
    time_ = np.asarray(z["time"], dtype=np.float64)
    event = np.asarray(z["event"], dtype=np.float64)
    alphas = np.asarray(z["alphas"], dtype=np.float64)
    ties, l1_ratio = str(z["ties"]), float(z["l1_ratio"])
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        glm = ad.glm.cox(np.full_like(time_, time_.min() - 1.0), time_, event, tie_method=ties)
        state = ad.grpnet(X=ad.matrix.dense(X, method="naive", n_threads=1), glm=glm,
                          alpha=l1_ratio, lmda_path=alphas, tol=args.tol,
                          irls_tol=args.tol, newton_tol=1e-14, early_exit=False,
                          intercept=False, n_threads=1, progress_bar=False,
                          max_iters=10_000_000, irls_max_iters=100_000)
        times.append(time.perf_counter() - t0)
    coefs = np.asarray(state.betas.todense()).T
    np.savez(args.out, coefs=coefs, times=np.asarray(times),
             lmdas=np.asarray(state.lmdas))


if __name__ == "__main__":
    main()
