"""The glmnet migration page's mapping reproduces glmnet's gaussian numbers.

glmnet's Fortran (``elnet``, shipped by python-glmnet, the code R's glmnet calls for
``family="gaussian"``) is called directly with the user's lambdas, and penalized is given
the parameters that docs/user_guide/migration.rst's ``from_glmnet`` computes from them.
The coefficients and intercepts must agree to a tight tolerance for the plain call,
standardize TRUE / FALSE, penalty factors, lower / upper limits, exclude, weights, no
intercept, a lambda path and everything together, at glmnet's alpha 1 and 0.5; the
page's printed glmnet and penalized numbers are checked live; ``foldid`` maps to
``PredefinedSplit`` (fold errors recomputed from glmnet's fold fits).

Skips when python-glmnet is not installed (``pip install python-glmnet``) or the docs are
not in this checkout.
"""

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import PredefinedSplit

import penalized

elnet = pytest.importorskip("glmnet._glmnet", reason="python-glmnet is not installed").elnet

DOC = Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "migration.rst"
BIG = 9.9e35        # glmnet's "infinite" limit (R's glmnet passes this for -Inf / Inf)


def glmnet_gaussian(X, y, lambdas, alpha=1.0, weights=None, standardize=True, intercept=True,
                    penalty_factor=None, lower=-np.inf, upper=np.inf, exclude=()):
    """glmnet(X, y, family="gaussian", ...) through its Fortran: (intercepts, coefs (p, k)).

    ``exclude`` is 0-based here.  Covariance updates (R's default for p < 500), glmnet's
    threshold at 1e-25 (its default 1e-7 is far too loose to compare coefficients;
    1e-16 still left 3e-6 on the raw diabetes data).
    """
    n, p = X.shape
    w = np.ones(n) if weights is None else np.array(weights, dtype=np.float64)
    vp = np.ones(p) if penalty_factor is None else np.array(penalty_factor, dtype=np.float64)
    cl = np.empty((2, p), order="F")
    cl[0], cl[1] = np.clip(lower, -BIG, BIG), np.clip(upper, -BIG, BIG)
    jd = np.array([len(exclude)] + [j + 1 for j in exclude], dtype=np.int32)
    lam = np.atleast_1d(np.asarray(lambdas, dtype=np.float64))
    # elnet overwrites x, y and w: hand it copies
    lmu, a0, ca, ia, nin, _, alm, _, jerr = elnet(
        1, alpha, np.array(X, dtype=np.float64, order="F", copy=True),
        np.array(y, dtype=np.float64, copy=True), w, jd, np.asfortranarray(vp), cl, p + 1,
        1.0, lam, 1e-25, p + 1, len(lam), int(standardize), int(intercept), 10 ** 7)
    assert jerr == 0 and lmu == len(lam), (jerr, lmu)
    np.testing.assert_allclose(alm[:lmu], lam, rtol=1e-14)
    coef = np.zeros((p, lmu))
    for k in range(lmu):
        coef[ia[:nin[k]] - 1, k] = ca[:nin[k], k]
    return a0[:lmu].copy(), coef


def doc_blocks():
    if not DOC.exists():
        pytest.skip(f"{DOC} is not in this checkout")
    text = DOC.read_text()
    return [textwrap.dedent(b) for b in
            re.findall(r"\.\. code-block:: (?:python|text)\n\n((?:   .*\n|\n)+)", text)]


@pytest.fixture(scope="module")
def from_glmnet():
    """The page's ``from_glmnet``, executed from the page itself."""
    shown = [b for b in doc_blocks() if "def from_glmnet" in b]
    assert len(shown) == 1, "the migration page shows from_glmnet once"
    namespace = {}
    exec(shown[0], namespace)
    return namespace["from_glmnet"]


def problem(seed=0, n=90, p=14):
    """Columns on different scales and offsets, y far from unit variance (sd about 40)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.3, 4.0, p) + rng.uniform(-3, 3, p)
    beta = np.zeros(p)
    beta[:6] = [3.0, -2.0, 1.5, 0.0, 1.0, -0.5]
    y = 10.0 * (5.0 + X @ beta + 2.0 * rng.standard_normal(n))
    return X, y


def scale_of(coef, intercept):
    return max(1.0, np.abs(coef).max(), np.abs(intercept).max())


CASES = {
    "plain (standardize=TRUE)": {},
    "standardize=FALSE": dict(standardize=False),
    "penalty.factor": dict(penalty_factor="pf"),
    "lower/upper limits": dict(lower="lo", upper="hi"),
    "exclude": dict(exclude=(1, 7)),
    "weights": dict(weights="w"),
    "intercept=FALSE": dict(intercept=False),
    "all together": dict(penalty_factor="pf", lower="lo", upper="hi", exclude=(1, 7),
                         weights="w", standardize=False),
}


def materialise(opts, p, n, rng):
    out = dict(opts)
    if out.get("penalty_factor") == "pf":
        pf = rng.uniform(0.2, 2.5, p)
        pf[3] = 0.0                                 # one unpenalised feature
        pf[[1, 7]] = 1.0                            # penalized counts excluded ones as 1
        out["penalty_factor"] = pf
    if out.get("lower") == "lo":
        out["lower"] = np.where(np.arange(p) % 3 == 0, -0.5, -np.inf)
        out["upper"] = np.where(np.arange(p) % 4 == 0, 1.0, np.inf)
        out["upper"][1] = 0.0                       # a feature held non-positive
    if out.get("weights") == "w":
        out["weights"] = rng.uniform(0.2, 3.0, n)
    return out


def penalized_fit(from_glmnet, X, y, lam, alpha, weights=None, standardize=True,
                  intercept=True, penalty_factor=None, lower=-np.inf, upper=np.inf, exclude=()):
    """The same call in penalized, following the page's mapping table."""
    a, l1_ratio = from_glmnet(lam, alpha, y, weights)
    model = penalized.ElasticNet(
        alpha=a, l1_ratio=l1_ratio, fit_intercept=intercept, standardize=standardize,
        penalty_factor=penalty_factor, lower_bounds=lower, upper_bounds=upper,
        exclude=list(exclude) or None, tol=1e-15, max_iter=100_000)
    return model.fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("alpha", [1.0, 0.5])
@pytest.mark.parametrize("case", list(CASES))
def test_single_lambda_matches_glmnet(from_glmnet, case, alpha):
    X, y = problem()
    n, p = X.shape
    opts = materialise(CASES[case], p, n, np.random.default_rng(1))
    for lam in (4.0, 0.3):
        b0, coef = glmnet_gaussian(X, y, lam, alpha=alpha, **opts)
        model = penalized_fit(from_glmnet, X, y, lam, alpha, **opts)
        scale = scale_of(coef, b0)
        assert np.count_nonzero(coef) >= 3, "a non-trivial model"
        np.testing.assert_allclose(model.coef_, coef[:, 0], rtol=0, atol=1e-7 * scale)
        np.testing.assert_allclose(model.intercept_, b0[0], rtol=0, atol=1e-7 * scale)
        assert np.array_equal(model.coef_ != 0, coef[:, 0] != 0)
        for j in opts.get("exclude", ()):
            assert coef[j, 0] == 0 and model.coef_[j] == 0
        if "lower" in opts:
            assert np.all(model.coef_ >= opts["lower"]) and np.all(model.coef_ <= opts["upper"])
            active = (coef[:, 0] == opts["lower"]) | (coef[:, 0] == opts["upper"])
            assert active.any(), "some limit binds in glmnet's solution"


def test_the_naive_mapping_is_wrong_for_the_elastic_net(from_glmnet):
    """What the page warns about: alpha=lambda, l1_ratio=alpha misses glmnet's numbers for
    alpha < 1 (its ridge term is divided by sd(y)); for alpha = 1 both are the same."""
    X, y = problem()
    b0, coef = glmnet_gaussian(X, y, 0.3, alpha=0.5)
    naive = penalized.ElasticNet(alpha=0.3, l1_ratio=0.5, standardize=True, tol=1e-15,
                                 max_iter=100_000).fit(X, y)
    assert np.abs(naive.coef_ - coef[:, 0]).max() > 0.1 * np.abs(coef).max()
    a, l1_ratio = from_glmnet(0.3, 1.0, y)
    assert a == 0.3 and l1_ratio == 1.0


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_lambda_path_matches_glmnet(from_glmnet, alpha):
    X, y = problem(seed=2)
    n, p = X.shape
    w = np.random.default_rng(3).uniform(0.5, 2.0, n)
    lambdas = np.geomspace(20.0, 0.05, 8)
    b0, coef = glmnet_gaussian(X, y, lambdas, alpha=alpha, weights=w)
    alphas, l1_ratio = from_glmnet(lambdas, alpha, y, w)
    assert np.ndim(l1_ratio) == 0 and alphas.shape == lambdas.shape
    _, coefs, gaps = penalized.enet_path(X, y, alphas=alphas, l1_ratio=l1_ratio,
                                         fit_intercept=True, standardize=True,
                                         sample_weight=w, tol=1e-15, max_iter=100_000)
    xm, ym = np.average(X, axis=0, weights=w), np.average(y, weights=w)
    intercepts = ym - xm @ coefs
    scale = scale_of(coef, b0)
    np.testing.assert_allclose(coefs, coef, rtol=0, atol=1e-7 * scale)
    np.testing.assert_allclose(intercepts, b0, rtol=0, atol=1e-7 * scale)
    assert np.count_nonzero(coef[:, 0]) < np.count_nonzero(coef[:, -1])


def test_foldid_is_predefined_split():
    """cv.glmnet(foldid=) as cv=PredefinedSplit(foldid - 1): the per-fold held-out MSEs are
    those of glmnet's own fits on each fold (the Lasso, where cv.glmnet's fold problems
    are exactly ours; for alpha < 1 each fold's sd(y) enters glmnet's ridge term)."""
    X, y = problem(seed=4, n=100)
    foldid = np.repeat(np.arange(1, 6), 20)
    np.random.default_rng(5).shuffle(foldid)
    lambdas = np.geomspace(30.0, 0.1, 12)
    cv = penalized.LassoCV(alphas=lambdas, cv=PredefinedSplit(foldid - 1), standardize=True,
                           tol=1e-14, max_iter=100_000).fit(X, y)
    for k in range(1, 6):
        train, test = foldid != k, foldid == k
        b0, coef = glmnet_gaussian(X[train], y[train], lambdas)
        mse = np.mean((y[test, None] - X[test] @ coef - b0) ** 2, axis=0)
        np.testing.assert_allclose(cv.mse_path_[:, k - 1], mse, rtol=1e-8)
    cvm = np.mean(cv.mse_path_, axis=1)          # cv.glmnet's cvm (equal folds)
    assert cv.alpha_min_ == lambdas[np.argmin(cvm)]


def test_page_shows_glmnet_numbers(from_glmnet):
    """The page's example: its printed glmnet coefficients are glmnet's (live), and
    penalized's printed ones are what its code computes."""
    blocks = doc_blocks()
    code = [b for b in blocks if "load_diabetes" in b]
    assert len(code) == 1
    printed = [b for b in blocks if b.lstrip().startswith("feature")]
    assert len(printed) == 1
    rows = [line.split() for line in printed[0].strip().splitlines()[1:]]
    names = [r[0] for r in rows]
    shown = np.array([[float(v) for v in r[1:]] for r in rows])
    X, y = load_diabetes(return_X_y=True, scaled=False)
    lam, alpha = [float(v) for v in re.search(r"alpha = ([\d.]+), lambda = ([\d.]+)",
                                              code[0]).groups()][::-1]
    b0, coef = glmnet_gaussian(X, y, lam, alpha=alpha)
    glmnet_col = np.r_[b0[0], coef[:, 0]]
    namespace = {"from_glmnet": from_glmnet}
    exec(code[0], namespace)
    model, naive = namespace["model"], namespace["naive"]
    assert names[0] == "intercept" and len(names) == X.shape[1] + 1
    for column, values in [(0, glmnet_col), (1, np.r_[model.intercept_, model.coef_]),
                           (2, np.r_[naive.intercept_, naive.coef_])]:
        np.testing.assert_allclose(shown[:, column], values, rtol=5e-5, atol=5e-5)
    np.testing.assert_allclose(model.coef_, coef[:, 0], rtol=1e-8, atol=1e-8)
