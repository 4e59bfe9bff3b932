"""Property search (hypothesis): logistic certificates bound the suboptimality.

For random small problems -- binary and multinomial, dense and CSC, float64
and float32, intercept or not, sample weights, penalty_factor, standardize,
offset, L1 / elastic net / L2, alphas from 2 alpha_max down to 1e-3 of it:

* the fit raises a ValueError / FloatingPointError with a message, or returns
  finite coefficients, intercepts and gaps;
* F(W, b) - F_ref <= dual_gap_ (+ rounding of F), F the documented objective
  (1/n sum_i s_i f_i(x_i W + b + offset_i) + alpha pf_j sd_j-weighted elastic
  net, see LogisticRegression and glm_penalty_factors) written here in numpy,
  F_ref from an independent solve: scipy's L-BFGS-B on the smooth
  reformulation W = U - V, U, V >= 0 (each point it returns is feasible, so
  F - F_ref is a lower bound on the fit's suboptimality);
* the inputs are never modified.

Derandomized with a few dozen examples in CI; a longer run:
``PENALIZED_CERT_EXAMPLES=20000 python -m pytest tests/test_certificates_logistic.py``
(a quarter of the examples of the least-squares search).
"""

import os
import warnings

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import logsumexp

import penalized

EXAMPLES = max(int(os.environ.get("PENALIZED_CERT_EXAMPLES", "120")) // 4, 10)
SEARCH = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))


def objective_terms(X, y, classes, sw, fit_intercept, alpha, l1_ratio, pf, standardize,
                    offset):
    """The documented objective as a function of (W (p, m), b (m,)), m = 1 or K."""
    n, p = X.shape
    K = classes.size
    m = 1 if K == 2 else K
    s = np.ones(n) if sw is None else np.asarray(sw, float) * n / np.sum(sw)
    f = np.ones(p) if pf is None else np.asarray(pf, float) * p / np.sum(pf)
    if standardize:
        xm = s @ X / n
        sd = np.sqrt(s @ (X - xm) ** 2 / n)
    else:
        sd = np.ones(p)
    c1, c2 = alpha * l1_ratio * f * sd, alpha * (1 - l1_ratio) * f * sd ** 2
    off = np.zeros((n, m)) if offset is None else np.asarray(offset, float).reshape(n, m)
    if K == 2:
        t = np.where(y == classes[1], 1.0, -1.0)[:, None]
    else:
        T = (y[:, None] == classes[None, :]).astype(float)

    def loss(W, b):
        E = X @ W + b + off
        if K == 2:
            return np.sum(s * np.logaddexp(0.0, -t[:, 0] * E[:, 0])) / n
        return np.sum(s * (logsumexp(E, axis=1) - np.sum(T * E, axis=1))) / n

    def grad(W, b):
        E = X @ W + b + off
        if K == 2:
            G = (-t * 0.5 * (1 - np.tanh(0.5 * t * E))) * s[:, None] / n
        else:
            P = np.exp(E - logsumexp(E, axis=1, keepdims=True))
            G = (P - T) * s[:, None] / n
        return X.T @ G, G.sum(0)

    def F(W, b):
        W = np.asarray(W, float).reshape(p, m)
        return (loss(W, np.asarray(b, float).reshape(m)) + c1 @ np.abs(W).sum(1)
                + 0.5 * c2 @ (W * W).sum(1))

    return F, loss, grad, c1, c2, (n, p, m)


def reference_optimum(X, y, classes, sw, fi, alpha, l1r, pf, standardize, offset, starts):
    F, loss, grad, c1, c2, (n, p, m) = objective_terms(
        X, y, classes, sw, fi, alpha, l1r, pf, standardize, offset)
    nb = m if fi else 0

    def fun(z):
        U, V = z[:p * m].reshape(p, m), z[p * m:2 * p * m].reshape(p, m)
        b = z[2 * p * m:] if fi else np.zeros(m)
        W = U - V
        gW, gb = grad(W, b)
        val = loss(W, b) + c1 @ (U + V).sum(1) + 0.5 * c2 @ (W * W).sum(1)
        gW = gW + c2[:, None] * W
        g = np.concatenate([(gW + c1[:, None]).ravel(), (-gW + c1[:, None]).ravel(),
                            gb if fi else np.zeros(0)])
        return val, g

    best = np.inf
    for W0, b0 in starts:
        W0 = np.asarray(W0, float).reshape(p, m)
        z0 = np.concatenate([np.maximum(W0, 0).ravel(), np.maximum(-W0, 0).ravel(),
                             np.asarray(b0, float).reshape(m)[:nb]])
        bounds = [(0, None)] * (2 * p * m) + [(None, None)] * nb
        r = minimize(fun, z0, jac=True, method="L-BFGS-B", bounds=bounds,
                     options=dict(maxiter=20000, maxfun=40000, ftol=1e-16, gtol=1e-13))
        U, V = r.x[:p * m].reshape(p, m), r.x[p * m:2 * p * m].reshape(p, m)
        b = r.x[2 * p * m:] if fi else np.zeros(m)
        best = min(best, F(U - V, b))
    return best, F


@st.composite
def cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 31 - 1)))
    K = draw(st.sampled_from([2, 2, 3]))
    n = draw(st.integers(max(K, 4), 30))
    p = draw(st.integers(1, 4))
    X = rng.standard_normal((n, p)) * rng.choice([1.0, 0.1, 10.0], p) + rng.normal(0, 1, p)
    if draw(st.booleans()):
        X *= rng.uniform(size=(n, p)) < 0.6
    score = X @ rng.standard_normal((p, K)) + rng.gumbel(size=(n, K))
    y = np.argmax(score, axis=1)
    y[:K] = np.arange(K)                       # every class present
    return dict(
        X=X, y=y, K=K,
        storage=draw(st.sampled_from(["dense", "csc"])),
        dtype=draw(st.sampled_from([np.float64, np.float32])),
        fit_intercept=draw(st.booleans()),
        sw=rng.uniform(0.1, 3.0, n) if draw(st.booleans()) else None,
        l1_ratio=draw(st.sampled_from([1.0, 0.5, 0.0])),
        pf=rng.uniform(0.5, 2.0, p) if draw(st.booleans()) else None,
        standardize=draw(st.booleans()),
        offset=(0.5 * rng.standard_normal((n, 1 if K == 2 else K))
                if draw(st.booleans()) else None),
        log_frac=draw(st.floats(-3, 0.3)),
        tol=draw(st.sampled_from([1e-4, 1e-8])))


def run_case(c):
    X = c["X"].astype(c["dtype"])
    Xin = sp.csc_matrix(X) if c["storage"] == "csc" else X
    y, sw, off = c["y"], c["sw"], c["offset"]
    before = [X.copy(), y.copy()] + [a.copy() for a in (sw, off) if a is not None]
    X64 = X.astype(np.float64)
    n = X.shape[0]
    T = (y[:, None] == np.arange(c["K"])[None, :]).astype(float)
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    scale = np.abs((X64 - X64.mean(0)).T @ (s[:, None] * (T - T.mean(0)))).max() / n + 1e-3
    alpha = scale * 10.0 ** c["log_frac"]
    penalty = {1.0: "l1", 0.5: "elasticnet", 0.0: "l2"}[c["l1_ratio"]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = penalized.LogisticRegression(
                penalty=penalty, alpha=alpha, l1_ratio=c["l1_ratio"] if penalty ==
                "elasticnet" else None, fit_intercept=c["fit_intercept"], tol=c["tol"],
                max_iter=500, penalty_factor=c["pf"], standardize=c["standardize"],
            ).fit(Xin, y, sample_weight=sw, offset=off)
    except (ValueError, FloatingPointError) as exc:
        assert str(exc), "an error without a message"
        return None
    finally:
        after = [Xin.toarray() if sp.issparse(Xin) else Xin, y] + [
            a for a in (sw, off) if a is not None]
        for a, b in zip(before, after):
            assert np.array_equal(a, b), "an input was modified"
    coef = np.asarray(est.coef_, np.float64)
    b = np.asarray(est.intercept_, np.float64)
    gap = float(np.max(est.dual_gap_))
    assert np.all(np.isfinite(coef)) and np.all(np.isfinite(b)) and np.isfinite(gap)
    W = coef.T                                           # (p, m)
    starts = [(np.zeros_like(W), np.zeros(W.shape[1])), (W, b)]
    f_ref, F = reference_optimum(X64, y, est.classes_, sw, c["fit_intercept"], alpha,
                                 c["l1_ratio"], c["pf"], c["standardize"], off, starts)
    f_w = F(W, b)
    rel = 1e-6 if c["dtype"] == np.float32 else 1e-11
    return f_w - f_ref, gap, rel * max(f_w, f_ref, 1e-300)


@SEARCH
@given(cases())
def test_logistic_certificate_bounds_the_suboptimality(c):
    out = run_case(c)
    if out is None:
        return
    sub, gap, slack = out
    assert sub <= gap + slack, f"false certificate: suboptimality {sub:.3e} > gap {gap:.3e}"
