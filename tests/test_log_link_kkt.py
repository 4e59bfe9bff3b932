"""Poisson and Gamma fits take ``kkt_violation_`` from the native solve's last check
(``log_link_solve(..., kkt=True)``), as the binary logistic fit does: it must equal the
violation recomputed in numpy, and the Python pass it replaces, in every setting.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
from penalized._core import log_link_solve
from penalized._families import LogLinkProblem

ESTIMATORS = {"poisson": penalized.PoissonRegression, "gamma": penalized.GammaRegression}


def make_problem(family, seed=0, n=120, p=60, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if sparse:
        X[rng.random((n, p)) < 0.7] = 0.0
    w = np.zeros(p)
    w[:4] = [0.5, -0.4, 0.3, 0.2]
    mu = np.exp(X @ w + 0.2)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    return (sp.csc_matrix(X) if sparse else X), y


def numpy_kkt(family, X, y, w, b, alpha, fit_intercept):
    """max_j dist(-g_j, alpha d|w_j|), g the gradient of 1/n sum_i f_i (no weights), and
    |d/db| with an intercept; written out here, independent of the package."""
    eta = np.asarray(X @ w).ravel() + b
    d = np.exp(eta) - y if family == "poisson" else 1.0 - y * np.exp(-eta)
    g = np.asarray(X.T @ d).ravel() / X.shape[0]
    v = np.where(w != 0, np.abs(g + alpha * np.sign(w)), np.maximum(np.abs(g) - alpha, 0.0))
    out = float(v.max())
    return max(out, abs(float(d.sum())) / X.shape[0]) if fit_intercept else out


def alpha_max(family, X, y):
    mu = y.mean()
    r = (mu - y) if family == "poisson" else (1.0 - y / mu)
    Xd = X.toarray() if sp.issparse(X) else X
    return float(np.abs((Xd - Xd.mean(0)).T @ r).max()) / X.shape[0]


@pytest.mark.parametrize("family", ["poisson", "gamma"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-10])
@pytest.mark.parametrize("ratio", [3.0, 30.0])
def test_kkt_matches_numpy(family, sparse, fit_intercept, tol, ratio):
    X, y = make_problem(family, sparse=sparse)
    alpha = alpha_max(family, X, y) / ratio
    m = ESTIMATORS[family]("l1", alpha=alpha, fit_intercept=fit_intercept, tol=tol,
                           max_iter=1000).fit(X, y)
    ref = numpy_kkt(family, X, y, m.coef_, m.intercept_, alpha, fit_intercept)
    assert m.kkt_violation_ == pytest.approx(ref, rel=1e-6, abs=1e-13)


@pytest.mark.parametrize("family", ["poisson", "gamma"])
@pytest.mark.parametrize("options", [dict(penalty="elasticnet", l1_ratio=0.5),
                                     dict(penalty="l1", standardize=True),
                                     dict(penalty="l1", exclude=[3, 7]),
                                     dict(penalty="l1", penalty_factor="factors"),
                                     dict(penalty="l1", weighted=True, offset=True)])
def test_kkt_matches_python_pass_with_options(family, options):
    # factors, exclusions, ridge part, weights and offsets: the native value against the
    # Python pass it replaces, on the same fitted point
    options = dict(options)
    X, y = make_problem(family, seed=3)
    X[:, 10] *= 20.0
    n, p = X.shape
    rng = np.random.default_rng(4)
    sw = rng.uniform(0.3, 3.0, n) if options.pop("weighted", False) else None
    offset = 0.3 * rng.standard_normal(n) if options.pop("offset", False) else None
    if options.get("penalty_factor") == "factors":
        options["penalty_factor"] = rng.uniform(0.5, 2.0, p)
    alpha = alpha_max(family, X, y) / 6
    l1_ratio = options.get("l1_ratio", 1.0)
    for tol in (1e-4, 1e-9):
        m = ESTIMATORS[family](alpha=alpha, tol=tol, max_iter=1000, **options).fit(
            X, y, sample_weight=sw, offset=offset)
        s = None if sw is None else sw * n / sw.sum()
        problem = LogLinkProblem(family, np.asfortranarray(X), y, s, True,
                                 penalty_factor=options.get("penalty_factor"),
                                 exclude=options.get("exclude"),
                                 standardize=options.get("standardize", False),
                                 offset=None if offset is None else offset[:, None])
        W = m.coef_[:, None]
        E = problem.linear(W) + m.intercept_
        if offset is not None:
            E = E + offset[:, None]
        ref = problem.kkt_violation(E, W, alpha * l1_ratio, alpha * (1 - l1_ratio))
        assert m.kkt_violation_ == pytest.approx(ref, rel=1e-6, abs=1e-13)


@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_native_solve_forms_the_value(family):
    # the solve itself returns it (no fallback), equal to numpy's at its result; not
    # formed without kkt=True, nor with limits (the estimator then makes the pass)
    X, y = make_problem(family, seed=5)
    problem = LogLinkProblem(family, np.asfortranarray(X), y, None, False)
    n, p = X.shape
    alpha = alpha_max(family, X, y) / 10
    loss = problem.loss
    for kkt in (True, False):
        w, b, eta = np.zeros(p), np.zeros(1), np.zeros(n)
        info = log_link_solve(problem.design, w, b, eta, loss.y, np.ones(n), loss.sat, family,
                              n * alpha, 0.0, 1e-9 * n, kkt=kkt)
        if kkt:
            ref = numpy_kkt(family, X, y, w, 0.0, alpha, False)
            assert info["kkt"] == pytest.approx(ref, rel=1e-6, abs=1e-15)
        else:
            assert np.isnan(info["kkt"])
    m = ESTIMATORS[family]("l1", alpha=alpha, tol=1e-8, upper_bounds=0.25).fit(X, y)
    assert np.isfinite(m.kkt_violation_)
    assert np.all(m.coef_ <= 0.25)
    # (with limits the violation is the box's, not the plain L1 one: only finite here)


@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_estimator_makes_no_pass_on_float64(family, monkeypatch):
    # a float64 fit takes the solve's value: the Python pass is not called (a float32
    # design still makes it: its coefficients are rounded after the solve)
    X, y = make_problem(family, seed=6)
    alpha = alpha_max(family, X, y) / 10
    calls = []
    original = LogLinkProblem.kkt_violation

    def counted(self, *args):
        calls.append(1)
        return original(self, *args)

    monkeypatch.setattr(LogLinkProblem, "kkt_violation", counted)
    m = ESTIMATORS[family]("l1", alpha=alpha, tol=1e-8).fit(X, y)
    assert calls == []
    assert m.kkt_violation_ == pytest.approx(
        numpy_kkt(family, X, y, m.coef_, m.intercept_, alpha, True), rel=1e-6, abs=1e-13)
    ESTIMATORS[family]("l1", alpha=alpha, tol=1e-5).fit(X.astype(np.float32), y)
    assert calls == [1]
