"""The examples keep working and their numbers hold: examples/backend_estimator.py and
examples/adaptive_lasso.py (also shown in the docs), and the gallery scripts
(examples/plot_*.py, run by the docs build), each re-run here and its results checked
against independent computations."""

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import check_estimator

import penalized
from conftest import make_regression

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "backend_estimator.py"


@pytest.fixture(scope="module")
def example():
    if not EXAMPLE.exists():
        pytest.skip(f"{EXAMPLE} is not in this checkout")
    spec = importlib.util.spec_from_file_location("backend_estimator", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["backend_estimator"] = module     # picklable, as an installed module would be
    spec.loader.exec_module(module)
    yield module
    del sys.modules["backend_estimator"]


BACKEND_DOC = ROOT / "docs" / "user_guide" / "backend.md"
PER_FEATURE_DOC = ROOT / "docs" / "user_guide" / "per_feature.rst"


def test_docs_show_the_example_class():
    if not BACKEND_DOC.exists():
        pytest.skip(f"{BACKEND_DOC} is not in this checkout")
    blocks = re.findall(r"```python\n(.*?)```", BACKEND_DOC.read_text(), flags=re.S)
    shown = [b for b in blocks if "class LassoIC" in b]
    assert len(shown) == 1, "the docs' backend page shows class LassoIC once"
    body = shown[0][shown[0].index("class LassoIC"):].rstrip()
    assert body in EXAMPLE.read_text(), "docs and examples/backend_estimator.py differ"


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_choice_matches_a_direct_computation(example, criterion):
    X, y = make_regression(n=120, p=30, seed=11)
    model = example.LassoIC(criterion=criterion, n_alphas=30).fit(X, y)
    alphas, coefs, gaps = penalized.lasso_path(X, y, alphas=30, tol=1e-6,
                                               fit_intercept=True)
    intercepts = y.mean() - X.mean(axis=0) @ coefs
    rss = ((y[:, None] - X @ coefs - intercepts) ** 2).sum(axis=0)
    df = np.count_nonzero(coefs, axis=0)
    k = 2.0 if criterion == "aic" else np.log(120)
    crit = np.where(df < 60, 120 * np.log(rss / 120) + k * df, np.inf)
    best = int(np.argmin(crit))
    assert model.alpha_ == alphas[best]
    np.testing.assert_allclose(model.coef_, coefs[:, best], atol=1e-12)
    assert model.dual_gap_ == gaps[best]
    sparse = example.LassoIC(criterion=criterion, n_alphas=30).fit(sp.csr_matrix(X), y)
    assert sparse.alpha_ == pytest.approx(model.alpha_, rel=1e-12)
    np.testing.assert_allclose(sparse.coef_, model.coef_, atol=1e-8)


def test_example_is_a_scikit_learn_estimator(example):
    check_estimator(example.LassoIC())


ADAPTIVE = ROOT / "examples" / "adaptive_lasso.py"


@pytest.fixture(scope="module")
def adaptive():
    if not ADAPTIVE.exists():
        pytest.skip(f"{ADAPTIVE} is not in this checkout")
    spec = importlib.util.spec_from_file_location("adaptive_lasso", ADAPTIVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_include_the_adaptive_lasso_recipe(adaptive):
    """The per-feature page includes the recipe from the tested file itself."""
    if not PER_FEATURE_DOC.exists():
        pytest.skip(f"{PER_FEATURE_DOC} is not in this checkout")
    text = PER_FEATURE_DOC.read_text()
    assert re.search(r"literalinclude:: \.\./\.\./examples/adaptive_lasso\.py\n"
                     r"\s+:pyobject: adaptive_lasso\n", text)
    assert callable(adaptive.adaptive_lasso)


@pytest.mark.parametrize("initial", ["ridge", "lasso"])
def test_adaptive_lasso_is_the_weighted_lasso(adaptive, initial):
    """The recipe's model is the Lasso with weights 1/|beta_init| (numpy KKT), and on a
    design with correlated noise features it keeps the true support with fewer extras."""
    rng = np.random.default_rng(3)
    n, p = 200, 60
    Z = rng.standard_normal((n, p))
    X = Z + 0.7 * Z[:, [0]]                              # every feature correlated with x_0
    beta = np.zeros(p)
    beta[:4] = [3.0, -2.0, 1.5, 1.0]
    y = X @ beta + 0.5 * rng.standard_normal(n)
    model = adaptive.adaptive_lasso(X, y, initial=initial)
    first = penalized.RidgeCV() if initial == "ridge" else penalized.LassoCV(cv=5)
    init = np.abs(first.fit(X, y).coef_)
    keep = init > 0
    pf = np.ones(p)
    pf[keep] = 1.0 / init[keep]
    pf_scaled = pf * p / pf.sum()                        # glmnet's rescaling (sum p)
    # the recipe's model is certified for the weighted problem: its objective is within
    # its dual gap of a tight solve, and the tight solve meets the KKT conditions (numpy)
    tight = penalized.Lasso(alpha=model.alpha_, penalty_factor=pf, exclude=np.flatnonzero(~keep),
                            tol=1e-12).fit(X, y)
    lam = model.alpha_ * pf_scaled

    def objective(m):
        r = y - X @ m.coef_ - m.intercept_
        return r @ r / (2 * n) + np.sum(lam * np.abs(m.coef_))

    assert -1e-12 <= objective(model) - objective(tight) <= model.dual_gap_ + 1e-12
    w = tight.coef_
    grad = X.T @ (y - X @ w - tight.intercept_) / n       # minus the loss gradient
    active = w != 0
    assert np.all(model.coef_[~keep] == 0) and np.all(w[~keep] == 0)
    np.testing.assert_allclose(grad[active], lam[active] * np.sign(w[active]), atol=1e-9)
    assert np.all(np.abs(grad[~active & keep]) <= lam[~active & keep] + 1e-9)
    w = model.coef_
    assert set(np.flatnonzero(beta)) <= set(np.flatnonzero(w))
    plain = penalized.LassoCV(cv=5).fit(X, y)
    assert np.count_nonzero(w) <= np.count_nonzero(plain.coef_)


def run_gallery_example(name, monkeypatch):
    """Run examples/<name>.py as the docs build does (as __main__, figures not shown);
    its global variables."""
    path = ROOT / "examples" / f"{name}.py"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import runpy

    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    try:
        return runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")


def numpy_lasso_gap(X, y, w, b, alpha):
    """Duality gap of the Lasso at (w, b), from the rescaled residual, in numpy."""
    n = X.shape[0]
    yc, Xc = y - y.mean(), X - X.mean(axis=0)
    r = yc - Xc @ w
    scale = min(1.0, n * alpha / np.max(np.abs(Xc.T @ r)))
    primal = r @ r / (2 * n) + alpha * np.abs(w).sum()
    dual = (yc @ yc - (yc - scale * r) @ (yc - scale * r)) / (2 * n)
    assert b == pytest.approx(y.mean() - X.mean(axis=0) @ w)
    return primal - dual


def test_leukemia_example(monkeypatch):
    g = run_gallery_example("plot_leukemia_path_cv", monkeypatch)
    lasso, X, y = g["lasso"], g["X_train"], g["y_train"]
    # the 1-SE choice recomputed from the per-fold errors
    mse = lasso.mse_path_
    mean, se = mse.mean(axis=1), mse.std(axis=1, ddof=1) / np.sqrt(mse.shape[1])
    best = int(np.argmin(mean))
    k_1se = int(np.flatnonzero(mean <= mean[best] + se[best])[0])
    assert lasso.alpha_min_ == lasso.alphas_[best]
    assert lasso.alpha_1se_ == lasso.alphas_[k_1se]
    assert lasso.alpha_1se_ >= lasso.alpha_min_
    # the printed numbers: test errors, support sizes, certified gaps (numpy-recomputed)
    for name, model in [("alpha_min", lasso), ("alpha_1se", g["lasso_1se"])]:
        errors, genes, gap = g["results"][name]
        assert errors == np.sum(np.sign(model.predict(g["X_test"])) != g["y_test"])
        assert genes == np.count_nonzero(model.coef_)
        target = 1e-6 * np.sum((y - y.mean()) ** 2) / y.size
        assert gap <= target
        alpha = lasso.alpha_ if name == "alpha_min" else lasso.alpha_1se_
        assert numpy_lasso_gap(X, y, model.coef_, model.intercept_, alpha) <= target
    # what the text says: the 1-SE model is sparser, and both classify the test set
    # about as well as Golub et al.'s original predictor (5 errors or fewer of 34)
    assert g["results"]["alpha_1se"][1] < g["results"]["alpha_min"][1]
    assert g["results"]["alpha_1se"][0] <= 5 and g["results"]["alpha_min"][0] <= 5
    assert np.count_nonzero(g["enet"].coef_) > g["results"]["alpha_min"][1]


def test_ng2004_example(monkeypatch):
    g = run_gallery_example("plot_ng2004_l1_vs_l2", monkeypatch)
    l1, l2 = np.array(g["errors"]["l1"]), np.array(g["errors"]["l2"])
    assert g["n_features_grid"][-1] >= 1000
    # the Bayes error is a floor for every curve (up to the test-set noise)
    noise = 3 * np.sqrt(0.25 / (g["n_test"] * g["n_reps"]))
    assert np.all(l1 >= g["bayes"] - noise) and np.all(l2 >= g["bayes"] - noise)
    # the paper's result: with 3 relevant features among 1000, L1 stays near the floor
    # while L2 degrades; L2's growth is several times L1's
    assert l1[-1] < l2[-1] - 0.1
    assert l1[-1] - l1[0] < 0.1
    assert (l2[-1] - l2[0]) > 3 * (l1[-1] - l1[0])


def test_benchmark_figure_example(monkeypatch):
    g = run_gallery_example("plot_benchmark_paths", monkeypatch)
    rows = g["rows"]
    assert len(rows) == len(g["sets"]) >= 10
    # the drawn ratios are the table's times divided, as its heading says
    np.testing.assert_allclose(g["vs_peer"], g["peer"] / g["ours"], rtol=0.01)
    for r, ratio in zip(rows, g["vs_sklearn"]):
        if "timeout" not in r["sklearn s"]:
            assert ratio == pytest.approx(float(r["sklearn s"]) / float(r["ours s"]), rel=0.02)
    # the cost-against-nnz figure: the slope of the table's times, "linear in nnz"
    nnz, seconds = g["nnz"], g["seconds"]
    assert len(nnz) >= 3 and np.all(np.diff(nnz) > 0)
    slope = (np.log(seconds[-1]) - np.log(seconds[0])) / (np.log(nnz[-1]) - np.log(nnz[0]))
    assert g["slope"] == pytest.approx(slope, abs=0.1)
    assert 0.8 < g["slope"] < 1.1


def test_sparse_recovery_example(monkeypatch):
    g = run_gallery_example("plot_sparse_recovery", monkeypatch)
    tpr, fdr, rhos = g["tpr"], g["fdr"], g["rhos"]
    lasso, enet = np.array(tpr["Lasso"]), np.array(tpr["ElasticNet (l1_ratio=0.5)"])
    assert rhos[-1] >= 0.99 and len(lasso) == len(rhos)
    # the recovery rates are what the fitted models select (recomputed for one fit)
    X, y = g["design"](np.random.default_rng(0), rhos[-1])
    coef = penalized.LassoCV(cv=5, alphas=50).fit(X, y).coef_
    found = np.count_nonzero(coef[:g["n_true"]]) / g["n_true"]
    assert g["recovery"](coef)[0] == found
    # the text: near-duplicate features make the Lasso drop true ones, the elastic net
    # keeps the blocks, and pays with more false selections
    assert lasso[-1] < lasso[1] - 0.2
    assert enet[-1] > lasso[-1] + 0.2
    assert fdr["ElasticNet (l1_ratio=0.5)"][-1] >= fdr["Lasso"][-1]


def test_relaxed_lasso_example(monkeypatch):
    g = run_gallery_example("plot_relaxed_lasso", monkeypatch)
    rte, nnz = g["rte"], g["nnz"]
    lasso, relaxed = np.array(rte["Lasso"]), np.array(rte["Relaxed Lasso"])
    assert np.all(lasso >= 1) and np.all(relaxed >= 1)        # 1 is the noise floor
    # the exact relative test error against a Monte-Carlo one, for one fit
    rng = np.random.default_rng(7)
    X = rng.standard_normal((100, g["p"])) @ g["L"].T
    sigma2 = g["beta"] @ g["Sigma"] @ g["beta"] / 4.0
    y = X @ g["beta"] + np.sqrt(sigma2) * rng.standard_normal(100)
    model = penalized.RelaxedLassoCV(cv=5, alphas=50).fit(X, y)
    X0 = rng.standard_normal((50_000, g["p"])) @ g["L"].T
    y0 = X0 @ g["beta"] + np.sqrt(sigma2) * rng.standard_normal(50_000)
    mc = np.mean((y0 - model.predict(X0)) ** 2) / sigma2
    assert g["relative_test_error"](model.coef_, model.intercept_, sigma2) == \
        pytest.approx(mc, rel=0.03)        # Monte-Carlo sd about 0.6%
    # Hastie, Tibshirani & Tibshirani (2020): as good at low SNR, better and sparser at high
    assert abs(relaxed[0] - lasso[0]) < 0.05
    assert relaxed[-1] < lasso[-1]
    assert nnz["Relaxed Lasso"][-1] < nnz["Lasso"][-1]


def test_dask_tall_lasso_example(monkeypatch):
    pytest.importorskip("dask.array")
    g = run_gallery_example("plot_dask_tall_lasso", monkeypatch)
    X, y = g["X_np"], g["y_np"]
    target = 1e-8 * np.sum((y - y.mean()) ** 2) / y.size
    assert np.all(g["gaps"] <= target)
    assert g["max_diff"] == np.max(np.abs(g["coefs"] - g["coefs_mem"])) < 1e-8
    # fit_gram's model is the in-memory Lasso at that alpha, certified by numpy
    alpha, model = g["alphas"][15], g["model"]
    direct = penalized.Lasso(alpha=alpha, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, direct.coef_, atol=1e-6)
    assert numpy_lasso_gap(X, y, model.coef_, model.intercept_, alpha) <= \
        1e-4 * np.sum((y - y.mean()) ** 2) / y.size


def test_imdb_l1_logistic_example(monkeypatch):
    from conftest import SHARED_DATA
    if not (SHARED_DATA / "imdb_movie_review_text.csv.xz").exists():
        pytest.skip(f"shared data {SHARED_DATA}/imdb_movie_review_text.csv.xz not available")
    monkeypatch.setenv("PENALIZED_SHARED_DATA", str(SHARED_DATA))
    g = run_gallery_example("plot_imdb_l1_logistic", monkeypatch)
    model, sparse_model = g["model"], g["sparse_model"]
    X_train, y_train, X_test, y_test = g["X_train"], g["y_train"], g["X_test"], g["y_test"]
    assert X_train.shape[0] == 3500 and X_test.shape[0] == 1500
    # the printed numbers, recomputed
    for name, m in [("alpha_min", model), ("alpha_1se", sparse_model)]:
        accuracy, n_words = g["results"][name]
        assert accuracy == np.mean(m.predict(X_test) == y_test)
        assert n_words == np.count_nonzero(m.coef_)
    assert sparse_model.alpha == model.alpha_1se_ >= model.alpha_min_ == model.alpha_
    # the refit is the L1 logistic optimum at alpha_ (numpy KKT on the +-1 coding)
    s = np.where(y_train == 1, 1.0, -1.0)
    w, b = model.coef_.ravel(), float(model.intercept_[0])
    z = X_train @ w + b
    grad = -(X_train.T @ (s / (1.0 + np.exp(s * z)))) / len(s)     # of the mean log-loss
    active = w != 0
    alpha = model.alpha_
    assert abs(np.sum(-s / (1.0 + np.exp(s * z)))) / len(s) < 1e-3 * alpha   # intercept
    np.testing.assert_allclose(grad[active], -alpha * np.sign(w[active]), atol=1e-2 * alpha)
    assert np.max(np.abs(grad[~active])) <= alpha * (1 + 1e-2)
    # what the text says: sparse, accurate, and the words are the expected ones
    assert 50 < g["results"]["alpha_min"][1] < 0.1 * X_train.shape[1]
    assert g["results"]["alpha_min"][0] > 0.8 and g["results"]["alpha_1se"][0] > 0.8
    assert g["results"]["alpha_1se"][1] < g["results"]["alpha_min"][1]
    coef = dict(zip(g["words"], model.coef_.ravel()))
    for word in ["excellent", "great", "perfect", "wonderful", "best"]:
        assert coef[word] > 0, word
    for word in ["worst", "awful", "waste", "bad", "boring"]:
        assert coef[word] < 0, word
    top_pos = [w for w, _ in g["top_positive"]]
    top_neg = [w for w, _ in g["top_negative"]]
    assert "excellent" in top_pos and "worst" in top_neg
    assert all(c > 0 for _, c in g["top_positive"]) and all(c < 0 for _, c in g["top_negative"])
    order = np.argsort(model.coef_.ravel())
    assert top_neg == list(g["words"][order[:15]])


def test_extending_penalized_example(monkeypatch):
    g = run_gallery_example("plot_extending_penalized", monkeypatch)
    X, y = g["X"], g["y"]
    lasso_alphas, lasso_freq, lasso_ok, lasso_stable = g["results"][1.0]
    enet_stable = g["results"][0.5][3]
    assert lasso_ok and g["results"][0.5][2], "every fit of both stability paths certified"
    # the frequencies, recomputed through the estimator-layer path on the same half-samples
    rng = np.random.default_rng(0)
    counts = np.zeros_like(lasso_freq)
    for _ in range(50):
        rows = rng.choice(X.shape[0], size=X.shape[0] // 2, replace=False)
        _, coefs, _ = penalized.lasso_path(X[rows], y[rows], alphas=lasso_alphas, tol=1e-6,
                                           max_iter=10_000, fit_intercept=True)
        counts += coefs != 0
    np.testing.assert_array_equal(lasso_freq, counts / 50)
    assert lasso_alphas[0] == pytest.approx(np.max(np.abs((X - X.mean(0)).T @ (y - y.mean())))
                                            / X.shape[0], rel=1e-12)
    np.testing.assert_array_equal(lasso_stable, np.flatnonzero(lasso_freq.max(1) >= 0.6))
    # the text: the elastic net keeps more genes stably, including the Lasso's
    assert 1 <= len(lasso_stable) < len(enet_stable)
    assert set(lasso_stable) <= set(enet_stable)


def test_poisson_gamma_example(monkeypatch):
    g = run_gallery_example("plot_poisson_gamma_cv", monkeypatch)
    for model in (g["poisson"], g["gamma"]):
        # the choices recomputed from the per-fold deviances
        dev = model.deviance_path_
        mean, se = dev.mean(axis=1), dev.std(axis=1, ddof=1) / np.sqrt(dev.shape[1])
        best = int(np.argmin(mean))
        assert model.alpha_min_ == model.alphas_[best]
        assert model.alpha_1se_ == model.alphas_[int(np.flatnonzero(
            mean <= mean[best] + se[best])[0])]
    # the Poisson refit meets its optimality conditions, recomputed in numpy
    pois, X, y = g["poisson"], g["X_train"], g["y_train"]
    n = X.shape[0]
    mu = np.exp(X @ pois.coef_ + pois.intercept_)
    grad = X.T @ (mu - y) / n
    lam = pois.alpha_ * X.std(axis=0)          # standardize=True: penalty on sd_j |w_j|
    w = pois.coef_
    on = w != 0
    assert np.all(np.abs(grad[on] + lam[on] * np.sign(w[on])) <= 1e-5)
    assert np.all(np.abs(grad[~on]) <= lam[~on] + 1e-5)
    assert abs(np.mean(mu - y)) <= 1e-6
    # what the text prints: held-out D^2 as good as the unpenalized fit's (to 0.002)
    assert g["d2_test"] == pytest.approx(pois.score(g["X_test"], g["y_test"]))
    assert g["d2_test"] >= g["d2_full"] - 2e-3
    # the Gamma model: single-parent share is the first covariate in, with a positive sign
    gamma, names = g["gamma"], g["cnames"]
    first = np.flatnonzero(gamma.coef_path_[:, 1] != 0)
    assert [names[j] for j in first] == ["single"]
    assert gamma.coef_[names.index("single")] > 0


def test_cox_example(monkeypatch):
    """examples/plot_cox_cv.py (scikit-survival's free light chain data, read at run time)."""
    pytest.importorskip("sksurv")
    from sksurv.metrics import concordance_index_censored
    from penalized._cox import SurvivalStructure, cox_loss

    g = run_gallery_example("plot_cox_cv", monkeypatch)
    cox, X, y = g["cox"], g["X_train"], g["y_train"]
    # the choices recomputed from the per-fold deviances
    vals = cox.cv_values_
    mean, se = vals.mean(axis=1), vals.std(axis=1, ddof=1) / np.sqrt(vals.shape[1])
    best = int(np.argmin(mean))
    assert cox.alpha_min_ == cox.alphas_[best]
    assert cox.alpha_1se_ == cox.alphas_[int(np.flatnonzero(mean <= mean[best] + se[best])[0])]
    # the refit meets its optimality conditions, its gradient recomputed by the numpy loss
    time, event = y["futime"].astype(float), y["death"].astype(float)
    n = X.shape[0]
    _, theta = cox_loss(X @ cox.coef_, SurvivalStructure(time, event), np.ones(n),
                        gradient=True)
    grad = -(X.T @ theta) / n
    lam = cox.alpha_ * X.std(axis=0)          # standardize=True: penalty on sd_j |w_j|
    w = cox.coef_
    on = w != 0
    assert np.all(np.abs(grad[on] + lam[on] * np.sign(w[on])) <= 1e-5 * lam[on])
    assert np.all(np.abs(grad[~on]) <= lam[~on] * (1 + 1e-5))
    # the printed concordance is scikit-survival's Harrell's C of the risk scores
    y_test = g["y_test"]
    c = concordance_index_censored(y_test["death"], y_test["futime"],
                                   cox.predict(g["X_test"]))[0]
    assert g["c_test"] == pytest.approx(c, abs=1e-12)
    # what the text says: the 1-SE model is sparser with about the same concordance
    assert np.count_nonzero(g["cox_1se"].coef_) < np.count_nonzero(cox.coef_)
    assert g["c_test_1se"] >= g["c_test"] - 0.01
    # the survival curves are ordered by the risk score
    S = g["S"]
    assert np.all(S[0] >= S[1] - 1e-12) and np.all(S[1] >= S[2] - 1e-12)
