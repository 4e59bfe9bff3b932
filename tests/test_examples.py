"""examples/backend_estimator.py (also shown in the README) keeps working."""

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


def test_readme_shows_the_example_class():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    shown = [b for b in blocks if "class LassoIC" in b]
    assert len(shown) == 1, "the README's backend section shows class LassoIC once"
    body = shown[0][shown[0].index("class LassoIC"):].rstrip()
    assert body in EXAMPLE.read_text(), "README and examples/backend_estimator.py differ"


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_choice_matches_a_direct_computation(example, criterion):
    X, y = make_regression(n=120, p=30, seed=11)
    model = example.LassoIC(criterion=criterion, n_alphas=30).fit(X, y)
    alphas, coefs, gaps = penalized.lasso_path(X, y, n_alphas=30, tol=1e-6,
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
