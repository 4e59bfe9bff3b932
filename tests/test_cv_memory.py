"""Issue 18: CV folds without copies of X.

A fold's training rows are sample weights on the full X (the fold's weights on its
rows, 0 on the others, rescaled to sum n), not a row-subset copy of X.  Every objective
is a weighted mean, so this is the row subset's problem at the same alpha: the fold
results must equal those of row-subset folds (``FOLDS_AS_WEIGHTS = False``, the form
before) to the solvers' tolerance.  And the memory a CV fit allocates stays below a
bound relative to X's bytes (a correctness property, measured with tracemalloc, not a
timing).
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.model_selection import GroupKFold

import penalized
import penalized.model_selection as ms


def _fit_both(make, fit, monkeypatch):
    """(row-subset folds, zero-weight folds) fitted models."""
    out = []
    for as_weights in (False, True):
        monkeypatch.setattr(ms, "FOLDS_AS_WEIGHTS", as_weights)
        monkeypatch.setattr(ms, "LEAST_SQUARES_FOLDS_AS_WEIGHTS", as_weights)
        out.append(fit(make()))
    return out


def _regression(n=150, p=60, sparse=True, seed=0):
    rng = np.random.default_rng(seed)
    if sparse:
        X = sp.random(n, p, density=0.2, format="csc", random_state=seed)
    else:
        X = np.asfortranarray(rng.standard_normal((n, p)))
    y = np.asarray(X[:, :6] @ rng.standard_normal(6)).ravel() + 0.3 * rng.standard_normal(n)
    return X, y


def _same_curves(a, b, name, rtol):
    # scores (R^2, log-loss, accuracy) are O(1) and may be near 0: an absolute bound too
    atol = 0 if name == "mse_path_" else 1e-7
    np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=rtol, atol=atol)
    np.testing.assert_array_equal(b.alphas_, a.alphas_)
    assert b.alpha_ == a.alpha_ and b.l1_ratio_ == a.l1_ratio_
    np.testing.assert_array_equal(b.n_nonzero_path_, a.n_nonzero_path_)


REGRESSION_CASES = {
    "lasso sparse": (True, lambda: penalized.LassoCV(alphas=12, cv=4, tol=1e-13), {}),
    "enet dense weights, two ratios": (
        False, lambda: penalized.ElasticNetCV(l1_ratio=[0.3, 1.0], alphas=10, cv=3, tol=1e-13),
        {"sample_weight": np.random.default_rng(1).uniform(0.2, 3.0, 150)}),
    "lasso sparse standardize + penalty factor": (
        True, lambda: penalized.LassoCV(alphas=10, cv=3, tol=1e-13, standardize=True,
                                        penalty_factor=np.r_[0.5, np.ones(59)]), {}),
    "lasso dense offset, keep": (
        False, lambda: penalized.LassoCV(alphas=10, cv=5, tol=1e-13, keep=True),
        {"offset": np.linspace(-1, 1, 150)}),
    "enet sparse scorer": (
        True, lambda: penalized.ElasticNetCV(alphas=8, cv=3, tol=1e-13, scoring="r2"), {}),
    "lasso dense no intercept, 1se": (
        False, lambda: penalized.LassoCV(alphas=10, cv=3, tol=1e-13, fit_intercept=False,
                                         alpha_selection="1se"), {}),
}


@pytest.mark.parametrize("case", sorted(REGRESSION_CASES))
def test_least_squares_folds_as_weights_equal_row_subsets(case, monkeypatch):
    sparse, make, kw = REGRESSION_CASES[case]
    X, y = _regression(sparse=sparse)
    a, b = _fit_both(make, lambda e: e.fit(X, y, **kw), monkeypatch)
    _same_curves(a, b, "mse_path_" if a.scoring is None else "scores_path_", 1e-7)
    # the full-data path does not depend on the folds: the refit is the same bits
    np.testing.assert_array_equal(b.coef_, a.coef_)
    assert b.intercept_ == a.intercept_
    if a.keep:
        np.testing.assert_allclose(b.cv_predictions_, a.cv_predictions_, rtol=1e-7, atol=1e-9)
        np.testing.assert_array_equal(b.fold_ids_, a.fold_ids_)


def test_least_squares_fold_with_repeated_rows_counts_them(monkeypatch):
    # a splitter drawing a row twice: its weight counts twice, as its copy in a row subset
    X, y = _regression(sparse=True)
    rng = np.random.default_rng(4)
    folds = []
    for k in range(3):
        test = np.arange(k * 50, (k + 1) * 50)
        rest = np.setdiff1d(np.arange(150), test)
        folds.append((np.sort(rng.choice(rest, rest.size, replace=True)), test))
    a, b = _fit_both(lambda: penalized.LassoCV(alphas=10, cv=folds, tol=1e-13),
                     lambda e: e.fit(X, y), monkeypatch)
    _same_curves(a, b, "mse_path_", 1e-7)


def test_least_squares_groups_routing(monkeypatch):
    X, y = _regression(sparse=False)
    groups = np.arange(150) % 7
    with sklearn.config_context(enable_metadata_routing=True):
        a, b = _fit_both(lambda: penalized.LassoCV(alphas=10, cv=GroupKFold(3), tol=1e-13),
                         lambda e: e.fit(X, y, groups=groups), monkeypatch)
    _same_curves(a, b, "mse_path_", 1e-7)


def _classes(n=160, p=50, k=2, sparse=True, seed=0):
    rng = np.random.default_rng(seed)
    if sparse:
        X = sp.random(n, p, density=0.25, format="csc", random_state=seed)
    else:
        X = np.asfortranarray(rng.standard_normal((n, p)))
    scores = np.asarray(X[:, :5] @ rng.standard_normal((5, k))) + 0.5 * rng.standard_normal((n, k))
    return X, (scores[:, 0] > np.median(scores[:, 0])).astype(int) if k == 2 else scores.argmax(1)


LOGISTIC_CASES = {
    "binary sparse": (2, True, lambda: penalized.LogisticRegressionCV(
        "l1", alphas=10, cv=3, tol=1e-10, max_iter=500), {}),
    "binary dense class_weight + weights": (2, False, lambda: penalized.LogisticRegressionCV(
        "elasticnet", l1_ratios=[0.5], alphas=8, cv=3, tol=1e-10, max_iter=500,
        class_weight="balanced"),
        {"sample_weight": np.random.default_rng(2).uniform(0.5, 2.0, 160)}),
    "multinomial dense": (3, False, lambda: penalized.LogisticRegressionCV(
        "l1", alphas=8, cv=3, tol=1e-10, max_iter=500), {}),
    "multinomial group sparse": (3, True, lambda: penalized.LogisticRegressionCV(
        "group", alphas=8, cv=3, tol=1e-10, max_iter=500), {}),
    "ovr sparse accuracy": (3, True, lambda: penalized.LogisticRegressionCV(
        "l1", alphas=8, cv=3, tol=1e-10, max_iter=500, multi_class="ovr",
        scoring="accuracy"), {}),
    "binary offset standardize": (2, False, lambda: penalized.LogisticRegressionCV(
        "l1", alphas=8, cv=3, tol=1e-10, max_iter=500, standardize=True),
        {"offset": np.linspace(-0.5, 0.5, 160)}),
}


@pytest.mark.parametrize("case", sorted(LOGISTIC_CASES))
def test_logistic_folds_as_weights_equal_row_subsets(case, monkeypatch):
    k, sparse, make, kw = LOGISTIC_CASES[case]
    X, y = _classes(k=k, sparse=sparse)
    a, b = _fit_both(make, lambda e: e.fit(X, y, **kw), monkeypatch)
    _same_curves(a, b, "scores_path_", 1e-6)
    np.testing.assert_array_equal(b.coef_, a.coef_)


def test_logistic_fold_missing_a_class_still_raises(monkeypatch):
    X, y = _classes(k=3, sparse=False)
    order = np.argsort(y, kind="stable")
    last = order[-np.sum(y == 2):]            # every row of class 2 in one test fold
    folds = [(np.setdiff1d(np.arange(160), last), last)]
    monkeypatch.setattr(ms, "FOLDS_AS_WEIGHTS", True)
    with pytest.raises(ValueError, match="absent from the training rows"):
        penalized.LogisticRegressionCV("l1", alphas=5, cv=folds).fit(X, y)


def _wide_tall(seed=0):
    # 12 MB of CSC (1M non-zeros): the solver's O(p) vectors (40 KB each) and the
    # held-out prediction blocks (1 MB) are small against X
    rng = np.random.default_rng(seed)
    n, p, per_col = 10_000, 5_000, 200
    rows = rng.integers(0, n, size=p * per_col)
    X = sp.csc_matrix((rng.standard_normal(p * per_col), (rows, np.repeat(np.arange(p),
                                                                         per_col))),
                      shape=(n, p))
    X.sum_duplicates()
    y = np.asarray(X[:, :10] @ rng.standard_normal(10)).ravel() + rng.standard_normal(n)
    return X, y


def _traced_peak(fit):
    tracemalloc.start()
    try:
        fit()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("estimator", ["LassoCV", "LogisticRegressionCV"])
def test_cv_peak_memory_is_a_fraction_of_X(estimator, monkeypatch):
    # the peak of the Python-visible (numpy) allocations of a whole 3-fold CV fit (folds,
    # full-data path, stored outputs) relative to X's bytes: with row-subset folds each
    # fold held a copy of 2/3 of X (measured: above 0.67 x); with zero-weight folds no
    # copy of X is made and the peak is the held-out rows' slice (1/3 of X) at most
    X, y = _wide_tall()
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    if estimator == "LassoCV":
        def fit():
            penalized.LassoCV(alphas=5, eps=0.2, cv=3, tol=1e-4).fit(X, y)
    else:
        labels = (y > np.median(y)).astype(int)

        def fit():
            penalized.LogisticRegressionCV("l1", alphas=5, eps=0.2, cv=3, tol=1e-4).fit(
                X, labels)
    peaks = {}
    for as_weights in (False, True):
        monkeypatch.setattr(ms, "FOLDS_AS_WEIGHTS", as_weights)
        monkeypatch.setattr(ms, "LEAST_SQUARES_FOLDS_AS_WEIGHTS", as_weights)
        peaks[as_weights] = _traced_peak(fit) / nbytes
    assert peaks[False] > 0.67, peaks           # the measurement sees a fold's copy
    assert peaks[True] < 0.25, peaks            # measured: 0.07 (LassoCV), 0.07 (logistic)


def test_fold_rows_is_one_f_ordered_copy():
    # dense X: the rows in the solver's layout, equal to X[idx], in one copy (X[idx]
    # alone is C-ordered, and its F-ordered copy held two row subsets at once)
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((3000, 400)))
    idx = np.sort(rng.choice(3000, 2000, replace=False))
    tracemalloc.start()
    try:
        rows = ms.fold_rows(X, idx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows.flags.f_contiguous and rows.dtype == X.dtype
    np.testing.assert_array_equal(rows, X[idx])
    # the copy plus one block of columns (about 1 MB); X[idx] then F order was 2.0
    assert peak < rows.nbytes + (1 << 17) * 8 * 1.1, peak / rows.nbytes
    Xs = sp.random(300, 50, density=0.1, format="csc", random_state=0)
    sub = ms.fold_rows(Xs, idx[idx < 300])
    assert sub.format == "csc"
    np.testing.assert_array_equal(sub.toarray(), Xs.toarray()[idx[idx < 300]])


def test_dense_lasso_cv_peak_memory_is_one_fold_copy(monkeypatch):
    # a 3-fold LassoCV on dense X with row-subset folds (the least-squares default)
    # holds one fold's training rows (2/3 of X) at a time, not two
    rng = np.random.default_rng(4)
    X = np.asfortranarray(rng.standard_normal((6000, 300)))
    y = X[:, :5] @ rng.standard_normal(5) + rng.standard_normal(6000)
    monkeypatch.setattr(ms, "LEAST_SQUARES_FOLDS_AS_WEIGHTS", False)
    peak = _traced_peak(lambda: penalized.LassoCV(alphas=5, eps=0.2, cv=3, tol=1e-4,
                                                  precompute=False).fit(X, y)) / X.nbytes
    assert 0.6 < peak < 1.0, peak       # measured before: 1.33 (two copies of 2/3 of X)
