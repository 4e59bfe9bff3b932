"""adelie's grpnet (gaussian group Lasso) for group_lasso.py, in adelie's numpy < 2 venv.

    /work/venvs/adelie/bin/python benchmarks/adelie_group_runner.py IN.npz OUT.npz

IN holds X, y, starts (first feature of each group), weights and alphas (our
scaling: 1/(2n) ||y - Xw - b||^2 + alpha sum_g omega_g ||w_g||).  adelie's
gaussian loss with its default weights 1/n is 1/(2n) ||y - eta||^2 and its
penalty lambda sum_g omega_g ||w_g|| at alpha=1, so lambda = alpha.  Only
grpnet is timed; OUT gets coefs (p, n_alphas), intercepts and the median time.
``--family binomial`` (y in {0, 1}): adelie's binomial loss with weights 1/n is
1/n sum_i log(1 + exp(eta_i)) - y_i eta_i, our mean logistic loss.  ``--family poisson``:
adelie's Poisson loss with weights 1/n is 1/n sum_i exp(eta_i) - y_i eta_i, ours.
IN may hold ``sample_weight`` (rescaled here to sum 1, adelie's convention; ours sum to
n, the same objective) and ``mix`` (adelie's alpha: lambda (mix pen + (1 - mix)/2
||w||^2), our l1_ratio).
"""

import argparse
import time

import adelie as ad
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--family", choices=["gaussian", "binomial", "poisson"], default="gaussian",
                    help="binomial: y in {0, 1}, adelie's loss 1/n sum log(1 + e^eta) - y eta")
    ap.add_argument("--no-intercept", action="store_true")
    args = ap.parse_args()
    z = np.load(args.inp)
    X = np.asfortranarray(z["X"])
    y, alphas = z["y"], z["alphas"]
    kw = {}
    if "sample_weight" in z.files:
        kw["weights"] = z["sample_weight"] / z["sample_weight"].sum()
    mix = float(z["mix"]) if "mix" in z.files else 1.0
    family = {"gaussian": ad.glm.gaussian, "binomial": ad.glm.binomial,
              "poisson": ad.glm.poisson}[args.family]
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        glm = family(y, **kw)
        state = ad.grpnet(X=X, glm=glm, groups=z["starts"], alpha=mix,
                          penalty=z["weights"], lmda_path=alphas, tol=1e-12,
                          irls_tol=1e-12, early_exit=False, progress_bar=False,
                          n_threads=1, intercept=not args.no_intercept)
        times.append(time.perf_counter() - t0)
    coefs = np.asarray(state.betas.todense()).T
    np.savez(args.out, coefs=coefs, intercepts=np.asarray(state.intercepts),
             time=np.median(times))


if __name__ == "__main__":
    main()
