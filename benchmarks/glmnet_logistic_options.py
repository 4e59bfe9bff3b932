"""Agreement with glmnet's Fortran (python-glmnet's ``lognet``) for every logistic option.

    pip install python-glmnet && python benchmarks/glmnet_logistic_options.py

For each option (none, standardize, penalty factors, exclude, offset, limits, all together) on a
binary and a 3-class problem, penalized.LogisticRegression and glmnet's ``lognet`` (called
directly: user lambda = alpha, intercept, thr 1e-14, maxit 1e6) solve
    1/n sum_i f_i(x_i W + b + offset_i) + alpha sum_j pf_j sd_j ||W_j||_1
(glmnet's penalty.factor rescaled to sum p, sd_j the 1/n standard deviation with
``standardize``), with lower_j <= W_jk <= upper_j for the limits.  The table gives the objective of each recomputed in numpy, their
difference, and the largest coefficient difference (glmnet's multinomial coefficients are
identified only up to a per-feature shift across classes, so they are compared after
centring each feature's row, except with limits, which pin the shift).
"""

import numpy as np
from glmnet._glmnet import lognet
from scipy.special import logsumexp
from sklearn.datasets import load_breast_cancer, load_wine

import penalized


def objective(X, codes, W, b, alpha, f1, offset):
    """1/n sum loss + alpha sum_j f1_j |W_j|_1; W (K, p), K = 1 binary (class 1 positive)."""
    E = X @ W.T + b + offset
    n = X.shape[0]
    if W.shape[0] == 1:
        y = np.where(codes == 1, 1.0, -1.0)
        loss = np.mean(np.logaddexp(0.0, -y * E[:, 0]))
    else:
        loss = np.mean(logsumexp(E, axis=1) - E[np.arange(n), codes])
    return loss + alpha * float(np.sum(f1[None, :] * np.abs(W)))


def glmnet_fit(X, codes, alpha, K, vp, exclude, standardize, offset, lower=None, upper=None):
    n, p = X.shape
    nc = 1 if K == 2 else K
    if K == 2:
        # lognet's binomial (nc = 1) models the first column (python-glmnet's layout)
        Y = np.column_stack([codes == 1, codes == 0]).astype(np.float64, order="F")
    else:
        Y = (codes[:, None] == np.arange(K)).astype(np.float64, order="F")
    jd = np.array([0], dtype=np.int32) if not exclude else \
        np.array([len(exclude)] + [j + 1 for j in exclude], dtype=np.int32)
    cl = np.empty((2, p), order="F")
    cl[0], cl[1] = -1e300, 1e300
    if lower is not None:
        cl[0] = np.maximum(lower, -1e300)
        cl[1] = np.minimum(upper, 1e300)
    # lognet's offset has max(2, nc) columns; the binomial model reads the first
    o = np.zeros((n, max(2, nc)), order="F")
    if offset is not None:
        o[:, :nc] = offset.reshape(n, nc)
    # lognet may overwrite x: hand it a copy
    out = lognet(1.0, nc, np.array(X, dtype=np.float64, order="F", copy=True), Y, o, jd,
                 np.asfortranarray(vp, dtype=np.float64), cl, p + 1, 1.0,
                 np.array([alpha]), 1e-14, p, 1, int(standardize), 1, 1000000, 0)
    lmu, a0, ca, ia, nin = out[0], out[1], out[2], out[3], out[4]
    jerr = out[-1]
    W = np.zeros((nc, p))
    k = int(nin[0])
    for c in range(nc):
        W[c, ia[:k] - 1] = ca[:k, c, 0]
    return W, a0[:, 0], jerr


def main():
    rng = np.random.default_rng(0)
    sets = []
    Xb, yb = load_breast_cancer(return_X_y=True)
    sets.append(("breast_cancer (binary)", Xb[:, :12], yb))
    Xw, yw = load_wine(return_X_y=True)
    sets.append(("wine (3 classes)", Xw, yw))
    print("| set | option | F penalized | F glmnet | F_pz - F_glmnet | max coef diff "
          "| penalized gap | glmnet jerr |")
    print("|---|---|---|---|---|---|---|---|")
    for name, X, y in sets:
        X = np.asfortranarray(X, dtype=np.float64)
        n, p = X.shape
        codes = np.unique(y, return_inverse=True)[1]
        K = codes.max() + 1
        nc = 1 if K == 2 else K
        pf = rng.uniform(0.3, 2.0, p)
        offset = rng.normal(scale=0.5, size=(n, nc))
        sd = X.std(axis=0)
        pf0 = pf.copy()
        pf0[[1, 4]] = 0.0
        # limits that bind: the plain fit's negative coefficients are held >= 0 and
        # its positive ones capped at half their value (any class's, for 3 classes)
        W0 = penalized.LogisticRegression("l1", alpha=0.02 if K == 2 else 0.01, tol=1e-12,
                                          max_iter=500).fit(X, codes).coef_
        lo = np.where(W0.min(axis=0) < 0, 0.0, -np.inf)
        hi = np.where(W0.max(axis=0) > 0, W0.max(axis=0) / 2, np.inf)
        cases = [("none", {}), ("standardize", dict(standardize=True)),
                 ("penalty_factor", dict(penalty_factor=pf)),
                 ("exclude [0, 3]", dict(exclude=[0, 3])),
                 ("offset", dict(offset=offset)),
                 ("limits", dict(lower_bounds=lo, upper_bounds=hi)),
                 ("penalty_factor 0 on [1, 4]", dict(penalty_factor=pf0)),
                 ("all", dict(standardize=True, penalty_factor=pf, exclude=[0, 3],
                              offset=offset, lower_bounds=lo, upper_bounds=hi))]
        for label, opt in cases:
            fit_opt = {k: v for k, v in opt.items() if k != "offset"}
            off = opt.get("offset")
            alpha = 0.02 if K == 2 else 0.01
            m = penalized.LogisticRegression("l1", alpha=alpha, tol=1e-12, max_iter=500,
                                             **fit_opt).fit(
                X, codes, offset=None if off is None else (off[:, 0] if nc == 1 else off))
            vp = np.ones(p) if "penalty_factor" not in opt else opt["penalty_factor"]
            excl = list(opt.get("exclude", []))
            f1 = vp * p / (vp.sum()) if "penalty_factor" in opt else np.ones(p)
            if excl and "penalty_factor" in opt:
                v = np.array(vp, dtype=float)
                v[excl] = 1.0
                f1 = v * p / v.sum()
            if opt.get("standardize"):
                f1 = f1 * sd
            # penalized counts excluded features with factor 1 in the rescaling
            vg = vp.copy()
            vg[excl] = 1.0
            Wg, bg, jerr = glmnet_fit(X, codes, alpha, K, vg, excl, opt.get("standardize", False),
                                      off, opt.get("lower_bounds"), opt.get("upper_bounds"))
            o = np.zeros((n, nc)) if off is None else off
            Wp, bp = m.coef_, m.intercept_
            Fp = objective(X, codes, Wp, bp, alpha, f1, o)
            Fg = objective(X, codes, Wg, bg, alpha, f1, o)
            if nc == 1 or "lower_bounds" in opt:
                diff = np.abs(Wp - Wg).max()
            else:
                diff = np.abs((Wp - Wp.mean(0)) - (Wg - Wg.mean(0))).max()
            print(f"| {name} | {label} | {Fp:.12f} | {Fg:.12f} | {Fp - Fg:.1e} | {diff:.1e} "
                  f"| {m.dual_gap_[0]:.1e} | {jerr} |")


if __name__ == "__main__":
    main()
