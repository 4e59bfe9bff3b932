"""Bitwise fingerprint of 58 fits, for refactors that must not change iterates.

    python benchmarks/fingerprint.py save base.pkl                  # with the old build
    python benchmarks/fingerprint.py save new.pkl                   # with the new one
    python benchmarks/fingerprint.py compare base.pkl new.pkl

Fits: Lasso / ElasticNet (dense, CSC, float32, tol 1e-4 and 1e-8), their paths, LassoCV,
penalty factors, positive, group lasso (dense, CSC), multi-task, L1 / elastic-net logistic
(dense, CSC, factors, limits, groups), multinomial, LogisticRegressionCV, Poisson (with an
unpenalized feature too), Gamma, Cox, PoissonRegressionCV.  ``compare`` lists every fitted
attribute (coef_, intercept_, n_iter_, dual_gap_, alpha_, coef_path_) that is not bitwise
equal.  The build is whichever penalized is first on sys.path (see ab_paths.py).
"""
import pickle
import sys
import warnings

import numpy as np
import scipy.sparse as sp

import penalized as pz


def fingerprint():
    """The fitted attributes of every fit, by name."""
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    out = {}

    def rec(name, est):
        d = {}
        for a in ("coef_", "intercept_", "n_iter_", "dual_gap_", "alpha_", "coef_path_"):
            if hasattr(est, a):
                v = getattr(est, a)
                # a sparse coef_path_ (store_path, sparse X) compared in its dense form
                if isinstance(v, list):
                    v = np.stack([c.toarray() for c in v])
                d[a] = np.asarray(v.toarray() if sp.issparse(v) else v)
        out[name] = d

    n, p = 120, 300
    X = rng.standard_normal((n, p)); w0 = np.zeros(p); w0[:10] = rng.standard_normal(10)
    y = X @ w0 + 0.5 * rng.standard_normal(n)
    Xs = sp.random(400, 600, density=0.02, format="csc", random_state=1)
    ys = Xs @ np.r_[np.ones(20), np.zeros(580)] + 0.1 * rng.standard_normal(400)
    yb = (y > 0).astype(int); ysb = (ys > np.median(ys)).astype(int)
    y3 = np.digitize(y, np.quantile(y, [1/3, 2/3]))
    for tol in (1e-4, 1e-8):
        for nm, (A, b) in {"dense": (X, y), "csc": (Xs, ys), "f32": (X.astype(np.float32), y.astype(np.float32))}.items():
            rec(f"lasso-{nm}-{tol}", pz.Lasso(alpha=0.05, tol=tol).fit(A, b))
            rec(f"enet-{nm}-{tol}", pz.ElasticNet(alpha=0.05, l1_ratio=0.5, tol=tol).fit(A, b))
            pth = pz.lasso_path(A, b, n_alphas=20, tol=tol)
            out[f"lpath-{nm}-{tol}"] = {"c": np.asarray(pth[1])}
        rec(f"lasso-pf-{tol}", pz.Lasso(alpha=0.05, tol=tol, penalty_factor=np.r_[0.0, 0.0, np.ones(p-2)]).fit(X, y))
        rec(f"lasso-pos-{tol}", pz.Lasso(alpha=0.05, tol=tol, positive=True).fit(X, y))
        rec(f"lcv-{tol}", pz.LassoCV(tol=tol, cv=3).fit(X, y))
        groups = np.repeat(np.arange(p // 5), 5)
        rec(f"glasso-{tol}", pz.GroupLasso(groups=groups, alpha=0.05, tol=tol).fit(X, y))
        rec(f"genet-csc-{tol}", pz.GroupElasticNet(groups=np.repeat(np.arange(120), 5), alpha=0.01, l1_ratio=0.7, tol=tol).fit(Xs, ys))
        Y = np.c_[y, y + rng.standard_normal(n) * 0.1]
        rec(f"mtl-{tol}", pz.MultiTaskLasso(alpha=0.05, tol=tol).fit(X, Y))
        rec(f"logit-{tol}", pz.LogisticRegression(penalty="l1", C=1.0, tol=tol).fit(X, yb))
        rec(f"logit-csc-{tol}", pz.LogisticRegression(penalty="l1", C=5.0, tol=tol).fit(Xs, ysb))
        rec(f"logit-en-{tol}", pz.LogisticRegression(penalty="elasticnet", l1_ratio=0.5, C=1.0, tol=tol).fit(X, yb))
        rec(f"logit-pf-{tol}", pz.LogisticRegression(penalty="l1", C=1.0, tol=tol, penalty_factor=np.r_[0.0, np.ones(p-1)]).fit(X, yb))
        rec(f"logit-box-{tol}", pz.LogisticRegression(penalty="l1", C=1.0, tol=tol, lower_bounds=-0.1, upper_bounds=0.2).fit(X, yb))
        rec(f"logit-grp-{tol}", pz.LogisticRegression(penalty="l1", C=1.0, tol=tol, groups=groups).fit(X, yb))
        rec(f"multi-{tol}", pz.LogisticRegression(penalty="l1", C=1.0, tol=tol).fit(X, y3))
        rec(f"multi-grp-{tol}", pz.LogisticRegression(penalty="group", C=1.0, tol=tol).fit(X[:, :50], y3))
        rec(f"lpathcv-{tol}", pz.LogisticRegressionCV(penalty="l1", tol=tol, cv=3).fit(X[:, :100], yb))
        yc = rng.poisson(np.exp(0.3 * X[:, :3].sum(1)))
        rec(f"pois-{tol}", pz.PoissonRegression(alpha=0.01, tol=tol).fit(X, yc))
        rec(f"pois-pf-{tol}", pz.PoissonRegression(alpha=0.01, tol=tol, penalty_factor=np.r_[0.0, np.ones(p-1)]).fit(X, yc))
        yg = rng.gamma(2.0, np.exp(0.2 * X[:, :3].sum(1)) / 2)
        rec(f"gamma-{tol}", pz.GammaRegression(alpha=0.01, tol=tol).fit(X, yg))
        t = rng.exponential(np.exp(-0.5 * X[:, :3].sum(1))); ev = rng.random(n) < 0.7
        rec(f"cox-{tol}", pz.CoxRegression(alpha=0.02, tol=tol).fit(X, np.c_[t, ev]))
        rec(f"pcv-{tol}", pz.PoissonRegressionCV(tol=tol, cv=3).fit(X[:, :60], yc))
    return out


def compare(a, b):
    bad = 0
    for k in a:
        for f in a[k]:
            x, y = a[k][f], b.get(k, {}).get(f)
            if y is None or x.shape != y.shape or not np.array_equal(x, y):
                d = np.max(np.abs(x - y)) if y is not None and x.shape == y.shape else "shape"
                print("DIFF", k, f, d)
                bad += 1
    print(f"compared {len(a)} fits; {bad} differences")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "save":
        out = fingerprint()
        with open(sys.argv[2], "wb") as fh:
            pickle.dump(out, fh)
        print(len(out), "fits")
    else:
        with open(sys.argv[2], "rb") as fa, open(sys.argv[3], "rb") as fb:
            sys.exit(1 if compare(pickle.load(fa), pickle.load(fb)) else 0)
