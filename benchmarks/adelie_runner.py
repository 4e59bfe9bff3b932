"""adelie's multinomial with the entrywise L1 penalty on news20 (5 groups), for multinomial.py.

    /work/venvs/adelie/bin/python benchmarks/adelie_runner.py OUT.npz --tol 1e-7 --path 20

Runs in its own venv (adelie 1.1.52 pins numpy < 2), loads the same data as
multinomial.py (``_common.news20_classes``) and writes W (K x p), b (K,), the
seconds of each repeat and the lambdas to OUT.npz; the caller evaluates F and
KKT in numpy.

adelie's multinomial loss is (1/K) * 1/n sum_i log-softmax loss, so the
problem 1/n sum loss + alpha ||W||_1 is adelie's at lambda = alpha / K.
``grpnet``'s ``groups`` are feature indices for multi-response GLMs (a group
holds all K coefficients of a feature: the row group lasso), so the entrywise
L1 is built with adelie's public ``state.multiglm_naive`` on the flattened
coefficient vector [b_1..b_K, W_11..W_1K, W_21, ...] (feature-major, as
``X kron I_K``): groups of size one, penalty factor 0 on the K intercepts and
1 on every entry, exactly what ``grpnet`` sets up for the row groups.
Only ``state.solve()`` is timed (the setup is a few vector products).
"""

import argparse
import time

import adelie as ad
import numpy as np

from _common import news20_classes


def entrywise_l1_state(X, codes, lmdas, tol, n_threads=1):
    n, p = X.shape
    K = int(codes.max()) + 1
    Y = np.eye(K)[codes]
    glm = ad.glm.multinomial(Y, dtype=np.float64)
    Xm = ad.matrix.sparse(X, method="naive", n_threads=n_threads)
    X_aug = ad.matrix.concatenate(
        [ad.matrix.kronecker_eye(np.ones((n, 1)), K, n_threads=n_threads),
         ad.matrix.kronecker_eye(Xm, K, n_threads=n_threads)],
        axis=1, n_threads=n_threads)
    G = (p + 1) * K
    groups = np.arange(G)
    penalty = np.ones(G)
    penalty[:K] = 0.0
    offsets = np.zeros((n, K))
    resid = np.empty((n, K))
    glm.gradient(offsets, resid)
    resid = resid.ravel()
    grad = np.empty(G)
    X_aug.mul(resid, np.ones(n * K), grad)
    screen_set = np.arange(K)
    return ad.state.multiglm_naive(
        X=Xm, glm=glm, constraints=None, groups=groups, group_sizes=np.ones(G, dtype=int),
        alpha=1.0, penalty=penalty, offsets=offsets, screen_set=screen_set,
        screen_beta=np.zeros(K), screen_is_active=np.ones(K, dtype=bool),
        active_set_size=K, active_set=np.arange(G), lmda=np.inf, grad=grad,
        eta=offsets.ravel().copy(), resid=resid, loss_full=glm.loss_full(),
        lmda_path=np.asarray(lmdas, dtype=np.float64), tol=tol, irls_tol=tol,
        n_threads=n_threads,
        early_exit=False, intercept=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--C", type=float, default=10.0)
    parser.add_argument("--tol", type=float, default=1e-7,
                        help="coordinate descent and IRLS tolerance (adelie's defaults: 1e-7)")
    parser.add_argument("--path", type=int, default=20,
                        help="geometric points from lambda_max to alpha (1: alpha alone)")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    X, codes = news20_classes()
    n, p = X.shape
    K = int(codes.max()) + 1
    alpha = 1.0 / (n * args.C)
    Y = np.eye(K)[codes]
    lam_max = np.abs(X.T @ (Y.mean(0) - Y)).max() / n      # our scaling
    alphas = np.geomspace(lam_max, alpha, args.path) if args.path > 1 else np.array([alpha])
    times = []
    for _ in range(args.repeats):
        state = entrywise_l1_state(X, codes, alphas / K, args.tol)
        t0 = time.perf_counter()
        state = state.solve(progress_bar=False)
        times.append(time.perf_counter() - t0)
    beta = state.betas[-1].toarray().ravel()             # (p*K,), feature-major
    W = beta.reshape(p, K).T
    b = np.asarray(state.intercepts[-1], dtype=np.float64).ravel()
    np.savez(args.out, W=W, b=b, times=np.array(times), alphas=alphas,
             lmdas=np.asarray(state.lmdas), version=ad.__version__)


if __name__ == "__main__":
    main()
