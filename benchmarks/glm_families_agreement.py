"""Agreement of PoissonRegression / GammaRegression with glum, skglm, adelie and scikit-learn.

    pip install glum skglm && python benchmarks/glm_families_agreement.py \
        [--adelie /work/venvs/adelie/bin/python]

Every solver at a tight tolerance (ours tol=1e-13; glum gradient_tol=1e-12; skglm ProxNewton
tol=1e-12; scikit-learn newton-cholesky tol=1e-12) on synthetic correlated data (seed 3,
n=150, p=20, sample weights U(0.5, 2)); the objective
    1/n sum_i s_i f_i(x_i w + b) + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio)/2 ||w||^2
(s rescaled to sum n) recomputed in numpy for each solution, at alpha = alpha_max/10 (L1,
elastic net 0.5) or 0.05 (L2).  skglm is run without weights (its datafits take none),
scikit-learn only for L2 (its PoissonRegressor / GammaRegressor have no L1), adelie
(``grpnet`` with ``glm.poisson``, singleton groups, tol 1e-12, in its own numpy < 2 venv
through ``adelie_group_runner.py``) for Poisson L1 and elastic net, with the weights.
"""

import argparse

import warnings

import numpy as np

import penalized
from _common import run_adelie_groups


def data(family, seed=3, n=150, p=20):
    rng = np.random.default_rng(seed)
    C = 0.3 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.standard_normal((n, p)) @ np.linalg.cholesky(C).T
    w = np.zeros(p)
    w[:6] = rng.uniform(-0.4, 0.4, 6)
    mu = np.exp(X @ w + 0.3)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    return X, y, rng.uniform(0.5, 2.0, n)


def objective(family, X, y, w, b, alpha, rho, s):
    s = s * len(y) / s.sum()
    eta = X @ w + b
    f = np.exp(eta) - y * eta if family == "poisson" else y * np.exp(-eta) + eta
    return np.mean(s * f) + alpha * rho * np.abs(w).sum() + alpha * (1 - rho) / 2 * w @ w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--adelie", help="python of a venv with adelie (numpy < 2)")
    args = ap.parse_args()
    import glum
    from skglm import GeneralizedLinearEstimator
    from skglm.datafits import Gamma, Poisson
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton
    from sklearn.linear_model import GammaRegressor, PoissonRegressor

    print("| family | penalty | peer | weights | F(ours) | F(peer) - F(ours) | max abs coef diff |")
    print("|---|---|---|---|---|---|---|")
    for family in ["poisson", "gamma"]:
        X, y, s = data(family)
        mu = y.mean()
        r = (mu - y) if family == "poisson" else (1.0 - y / mu)
        amax = np.abs((X - X.mean(0)).T @ r).max() / len(y)
        cls = penalized.PoissonRegression if family == "poisson" else penalized.GammaRegression
        for pen, rho in [("l1", 1.0), ("elasticnet", 0.5), ("l2", 0.0)]:
            alpha = 0.05 if pen == "l2" else amax / 10
            kw = {"l1_ratio": rho} if pen == "elasticnet" else {}
            peers = [("glum", True)] + ([("skglm", False)] if pen == "l1" else []) + \
                ([("scikit-learn", True)] if pen == "l2" else []) + \
                ([("adelie", True)] if args.adelie and family == "poisson" and rho > 0
                 else [])
            for peer, weighted in peers:
                sw = s if weighted else np.ones_like(s)
                m = cls(pen, alpha=alpha, tol=1e-13, **kw).fit(X, y, sample_weight=sw)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if peer == "glum":
                        g = glum.GeneralizedLinearRegressor(
                            family=family, alpha=alpha, l1_ratio=rho, gradient_tol=1e-12,
                            max_iter=1000).fit(X, y, sample_weight=sw)
                    elif peer == "skglm":
                        g = GeneralizedLinearEstimator(
                            Poisson() if family == "poisson" else Gamma(), L1(alpha),
                            ProxNewton(fit_intercept=True, tol=1e-12, max_iter=200)).fit(X, y)
                    elif peer == "adelie":
                        r = run_adelie_groups(args.adelie, np.asfortranarray(X), y,
                                              np.arange(X.shape[1]), np.ones(X.shape[1]),
                                              np.array([alpha]), 1, "--family", "poisson",
                                              sample_weight=sw, mix=np.array(rho))
                        g = type("fit", (), {"coef_": r["coefs"][:, 0],
                                             "intercept_": float(r["intercepts"][0])})
                    else:
                        g = (PoissonRegressor if family == "poisson" else GammaRegressor)(
                            alpha=alpha, solver="newton-cholesky", tol=1e-12,
                            max_iter=1000).fit(X, y, sample_weight=sw)
                fo = objective(family, X, y, m.coef_, m.intercept_, alpha, rho, sw)
                fp = objective(family, X, y, np.asarray(g.coef_), float(g.intercept_), alpha,
                               rho, sw)
                d = np.abs(m.coef_ - np.asarray(g.coef_)).max()
                print(f"| {family} | {pen} | {peer} | {'yes' if weighted else 'no'} | "
                      f"{fo:.15g} | {fp - fo:.2e} | {d:.1e} |")


if __name__ == "__main__":
    main()
