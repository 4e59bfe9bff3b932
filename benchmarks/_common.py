"""Helpers shared by the benchmark scripts: data loading and float64 numpy certificates."""

import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

SHARED = Path(os.environ.get("PENALIZED_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))


def load(name, standardize=True):
    """A set from ../shared/data: sparse as is (CSC), dense standardised column-wise."""
    path = SHARED / f"{name}.npz"
    z = np.load(path, allow_pickle=False)
    if "indptr" in z.files:
        X = sp.load_npz(path).tocsc().astype(np.float64)
    else:
        X = np.asarray(z["X"], dtype=np.float64)
        if standardize:
            sd = X.std(0)
            X = (X[:, sd > 0] - X[:, sd > 0].mean(0)) / sd[sd > 0]
        X = np.asfortranarray(X)
    return X, np.asarray(z["y"], dtype=np.float64)


def lasso_certificate(X, y, w, alpha, l1_ratio=1.0, w_dual=None, intercept=True):
    """(primal, gap, target) of 1/(2n)||y_c - X_c w||^2 + alpha*rho|w|_1 + alpha(1-rho)/2|w|^2.

    X, y centred implicitly (intercept).  Dual point: the residual rescaled for
    feasibility (BENCHMARKS.md); for the elastic net the better of that point on
    the augmented Lasso and the Fenchel dual at theta = r.  With ``w_dual`` the
    dual point is built from the residual of w_dual instead (a solver's
    certificate), still made feasible here.  With ``intercept=False`` nothing
    is centred (y should then be centred by the caller, BENCHMARKS.md's
    comparison problem).  float64 numpy only.
    Target: 1e-6 * ||y_c||^2 / (2n) is applied by the caller.
    """
    n = X.shape[0]
    w = np.asarray(w, dtype=np.float64)
    yc = y - y.mean() if intercept else np.asarray(y, dtype=np.float64)
    xm = np.asarray(X.mean(axis=0)).ravel() if intercept else np.zeros(X.shape[1])
    r = yc - (np.asarray(X @ w).ravel() - xm @ w)
    l1, l2 = n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)
    primal = 0.5 * r @ r + l1 * np.abs(w).sum() + 0.5 * l2 * w @ w
    if w_dual is not None:
        w = np.asarray(w_dual, dtype=np.float64)
        r = yc - (np.asarray(X @ w).ravel() - xm @ w)
    corr = np.asarray(X.T @ r).ravel() - xm * r.sum()
    c = corr - l2 * w
    dn = np.abs(c).max()
    s = min(1.0, l1 / dn) if dn > 0 else 1.0
    dual = s * r @ yc - 0.5 * s * s * (r @ r + l2 * w @ w)
    if l2 > 0:
        v = np.maximum(np.abs(corr) - l1, 0)
        dual = max(dual, r @ yc - 0.5 * r @ r - v @ v / (2 * l2))
    return primal / n, (primal - dual) / n, yc @ yc / (2 * n)


def median_time(fn, repeats=3):
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def standardize(X):
    """Dense X standardised column-wise, constant columns dropped, F-ordered (as in load)."""
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(0)
    keep = sd > 0
    return np.asfortranarray((X[:, keep] - X[:, keep].mean(0)) / sd[keep])


def _truth_response(X, rng, k=50, snr=5.0):
    """y = X beta + noise: beta N(0,1) on k random features, var(X beta)/var(noise) = snr."""
    p = X.shape[1]
    beta = np.zeros(p)
    beta[rng.choice(p, size=k, replace=False)] = rng.standard_normal(k)
    signal = np.asarray(X @ beta).ravel()
    noise = rng.standard_normal(X.shape[0])
    return signal + noise * (signal.std() / np.sqrt(snr))


def synthetic(kind, seed=0):
    """The synthetic sets of BENCHMARKS.md, reproducibly from a seed.

    'dense':  n=1000, p=5000, Gaussian columns with AR(1) correlation 0.6 between
              neighbours (x_j = 0.6 x_{j-1} + 0.8 z_j), then standardised.
    'sparse': n=10000, p=100000, CSC with exactly 10 non-zeros per column at
              distinct random rows, N(0,1) values, not standardised.
    Both: 50-sparse truth with N(0,1) coefficients, Gaussian noise at SNR 5.
    """
    rng = np.random.default_rng(seed)
    if kind == "dense":
        n, p, rho = 1000, 5000, 0.6
        X = rng.standard_normal((n, p))
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * X[:, j]
        X = standardize(X)
    elif kind == "sparse":
        n, p, k = 10_000, 100_000, 10
        rows = np.sort(rng.integers(0, n, size=(p, k)), axis=1)
        dup = np.flatnonzero((np.diff(rows, axis=1) == 0).any(axis=1))
        for j in dup:  # a few columns drew a row twice: redraw them without replacement
            rows[j] = np.sort(rng.choice(n, size=k, replace=False))
        data = rng.standard_normal(p * k)
        X = sp.csc_matrix((data, rows.ravel(), np.arange(0, p * k + 1, k)), shape=(n, p))
    else:
        raise ValueError(f"unknown synthetic set {kind!r}")
    return X, _truth_response(X, rng)


def load_sklearn(name):
    """scikit-learn's bundled diabetes / breast_cancer (y in {-1,+1}) / digits, standardised."""
    from sklearn import datasets
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    y = np.asarray(y, dtype=np.float64)
    if name == "breast_cancer":
        y = 2 * y - 1
    return standardize(X), y


def load_any(name):
    """'syn:dense', 'syn:sparse', 'sk:NAME', or a shared set 'NAME' / 'shared:NAME'."""
    kind, _, rest = name.partition(":")
    if not rest:
        return load(name)
    if kind == "shared":
        return load(rest)
    if kind == "syn":
        return synthetic(rest)
    if kind == "sk":
        return load_sklearn(rest)
    raise ValueError(f"unknown set {name!r}")


def news20_classes(n_classes=5):
    """(X CSC, codes 0..K-1) for the first ``n_classes`` of the 20 news20_tfidf groups.

    Rows of the other groups dropped, then the columns left all-zero; used by the
    multinomial benchmark and its adelie runner (another venv), so numpy/scipy only.
    """
    path = SHARED / "news20_tfidf.npz"
    X = sp.load_npz(path).tocsc()
    y = np.load(path)["y20"]
    keep = np.isin(y, np.unique(y)[:n_classes])
    X, y = X[keep].tocsc(), y[keep]
    X = X[:, np.flatnonzero(np.diff(X.indptr))].tocsc().astype(np.float64)
    return X, np.unique(y, return_inverse=True)[1]


def group_benchmark_args(sets, points):
    """The command line of the group benchmarks (group_lasso.py, group_logistic.py)."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default=sets)
    ap.add_argument("--size", type=int, default=5)
    ap.add_argument("--points", type=int, default=points)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--adelie", default="/work/venvs/adelie/bin/python")
    return ap.parse_args()


def run_adelie_groups(python, X, y, starts, weights, alphas, repeats, *options, **extra):
    """adelie's grpnet on (X, y) through ``adelie_group_runner.py`` in adelie's own venv
    (``python``): returns its npz (coefs (p, n_alphas), intercepts, time).  ``extra``:
    more arrays for the runner (``sample_weight``, ``mix``)."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(inp, X=X, y=y, starts=starts, weights=weights, alphas=alphas, **extra)
        subprocess.run([python, str(Path(__file__).with_name("adelie_group_runner.py")),
                        str(inp), str(out), "--repeats", str(repeats), *options], check=True)
        return dict(np.load(out))



def glmnet_binomial_path(X, labels, lams, thr):
    """glmnet's Fortran (python-glmnet's ``lognet`` / ``splognet``) on BENCHMARKS.md's L1
    logistic problem: mean log(1 + exp(-y x.w)) + lam ||w||_1, no intercept, no
    standardization, glmnet's lambda = lam.  ``labels`` are +/-1; binomial nc = 1 models
    the first column of glmnet's y.  Returns (p, n_lams) coefficients, NaN columns for the
    lams after an early stop of glmnet's path (its deviance-ratio rule): those are not
    solved.  X is copied for glmnet (it may write to it)."""
    from glmnet._glmnet import lognet, lsolns, splognet
    n, p = X.shape
    lams = np.asarray(lams, dtype=np.float64)
    Y = np.asfortranarray(np.column_stack([labels > 0, labels < 0]), dtype=np.float64)
    offset = np.zeros((n, 2), order="F")
    bounds = np.empty((2, p), order="F")
    bounds[0], bounds[1] = -np.inf, np.inf
    none_excluded, factors = np.zeros(1, dtype=np.int32), np.ones(p)
    if sp.issparse(X):
        X = X.tocsc()
        out = splognet(1.0, n, p, 1, X.data.copy(), X.indptr + 1, X.indices + 1, Y, offset,
                       none_excluded, factors, bounds, p + 1, p + 1, 1.0, lams, thr,
                       len(lams), 0, 0, 10_000_000, 0)
    else:
        out = lognet(1.0, 1, np.array(X, dtype=np.float64, order="F", copy=True), Y, offset,
                     none_excluded, factors, bounds, p + 1, 1.0, lams, thr, p + 1, len(lams),
                     0, 0, 10_000_000, 0)
    lmu, ca, ia, nin, jerr = out[0], out[2], out[3], out[4], out[-1]
    if jerr > 0:
        raise RuntimeError(f"glmnet jerr {jerr}")
    coefs = np.full((p, len(lams)), np.nan)
    if lmu > 0:
        coefs[:, :lmu] = lsolns(p, ca[:, :, :lmu], ia, nin[:lmu])[:, 0, :]
    return coefs
