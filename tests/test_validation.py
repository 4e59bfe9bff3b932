"""Bad input gets a clear error naming the argument; user arrays are never modified."""

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
from conftest import make_regression

ESTIMATORS = [penalized.Lasso, penalized.ElasticNet]


@pytest.fixture
def data():
    return make_regression(n=30, p=8, seed=0)


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize("bad,match", [
    (np.nan, "X.*NaN"),
    (np.inf, "X.*infinity"),
])
def test_non_finite_X(Est, data, bad, match):
    X, y = data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match=match):
        Est().fit(X, y)
    with pytest.raises(ValueError, match=match):
        Est().fit(sp.csc_matrix(X), y)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_non_finite_y(Est, data):
    X, y = data
    y = y.copy()
    y[0] = np.nan
    with pytest.raises(ValueError, match="y.*NaN"):
        Est().fit(X, y)
    y[0] = np.inf
    with pytest.raises(ValueError, match="y.*infinity"):
        Est().fit(X, y)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_shape_errors(Est, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Est().fit(X, y[:-1])
    with pytest.raises(ValueError, match="(Expected 2D|dim)"):
        Est().fit(X[None], y)
    with pytest.raises(ValueError, match="(0 sample|0 feature|empty)"):
        Est().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="0 feature"):
        Est().fit(np.empty((5, 0)), np.ones(5))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_complex_and_object_dtypes(Est, data):
    X, y = data
    with pytest.raises(ValueError, match="[Cc]omplex"):
        Est().fit(X.astype(np.complex128), y)
    with pytest.raises(ValueError):
        Est().fit(np.array([["a", "b"], ["c", "d"]], dtype=object), [1.0, 2.0])


@pytest.mark.parametrize("param,value,exc,match", [
    ("alpha", -1.0, ValueError, "alpha must be >= 0"),
    ("alpha", "big", TypeError, "alpha must be a real number"),
    ("alpha", np.nan, ValueError, "alpha must be finite"),
    ("l1_ratio", 1.5, ValueError, "l1_ratio must be <= 1"),
    ("l1_ratio", -0.1, ValueError, "l1_ratio must be >= 0"),
    ("tol", -1e-3, ValueError, "tol must be >= 0"),
    ("max_iter", 0, ValueError, "max_iter must be >= 1"),
    ("max_iter", 2.5, TypeError, "max_iter must be an integer"),
    ("selection", "greedy", ValueError, "selection must be one of"),
    ("precompute", "yes", ValueError, "precompute must be"),
])
def test_bad_hyper_parameters(data, param, value, exc, match):
    X, y = data
    with pytest.raises(exc, match=match):
        penalized.ElasticNet(**{param: value}).fit(X, y)


def test_bad_sample_weight(data):
    X, y = data
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        penalized.Lasso().fit(X, y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        penalized.Lasso().fit(X, y, sample_weight=np.zeros(30))
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(30,\)"):
        penalized.Lasso().fit(X, y, sample_weight=np.ones(29))
    with pytest.raises(ValueError, match="sample_weight.*NaN"):
        penalized.Lasso().fit(X, y, sample_weight=np.full(30, np.nan))


def test_bad_path_arguments(data):
    X, y = data
    with pytest.raises(ValueError, match=r"alphas\[0\] == -1.0, must be >= 0.0"):
        penalized.lasso_path(X, y, alphas=[-1.0])
    with pytest.raises(ValueError, match="eps must be"):
        penalized.lasso_path(X, y, eps=0)
    with pytest.raises(ValueError, match="l1_ratio=0"):
        penalized.enet_path(X, y, l1_ratio=0.0)
    with pytest.raises(ValueError, match=r"precompute \(Gram matrix\) must have shape"):
        penalized.lasso_path(X, y, precompute=np.eye(3))


def _snapshot(a):
    return a.toarray().copy() if sp.issparse(a) else np.array(a, copy=True)


@pytest.mark.parametrize("kind", ["C", "F", "csc", "csr", "f32"])
@pytest.mark.parametrize("weighted", [False, True])
def test_inputs_are_never_modified(kind, weighted):
    X, y = make_regression(n=40, p=12, seed=1)
    X = {"C": np.ascontiguousarray(X), "F": np.asfortranarray(X), "csc": sp.csc_matrix(X),
         "csr": sp.csr_matrix(X), "f32": np.asfortranarray(X, dtype=np.float32)}[kind]
    sw = np.linspace(0.5, 2, 40) if weighted else None
    before = [_snapshot(X), y.copy(), None if sw is None else sw.copy()]
    for est in (penalized.Lasso(alpha=0.01), penalized.ElasticNet(alpha=0.01, precompute=True)):
        est.fit(X, y, sample_weight=sw)
    penalized.enet_path(X, y, alphas=5, fit_intercept=True, sample_weight=sw)
    np.testing.assert_array_equal(_snapshot(X), before[0])
    np.testing.assert_array_equal(y, before[1])
    if sw is not None:
        np.testing.assert_array_equal(sw, before[2])


def test_read_only_and_memmap_inputs(tmp_path):
    X, y = make_regression(n=40, p=12, seed=2)
    ref = penalized.Lasso(alpha=0.05, tol=1e-10).fit(X, y).coef_
    Xr, yr = np.asfortranarray(X), y.copy()
    Xr.setflags(write=False)
    yr.setflags(write=False)
    np.testing.assert_allclose(penalized.Lasso(alpha=0.05, tol=1e-10).fit(Xr, yr).coef_, ref)
    path = tmp_path / "X.dat"
    mm = np.memmap(path, dtype=np.float64, mode="w+", shape=X.shape, order="F")
    mm[:] = X
    mm.flush()
    ro = np.memmap(path, dtype=np.float64, mode="r", shape=X.shape, order="F")
    np.testing.assert_allclose(penalized.Lasso(alpha=0.05, tol=1e-10).fit(ro, y).coef_, ref)
    Xs = sp.csc_matrix(X)
    for a in (Xs.data, Xs.indices, Xs.indptr):
        a.setflags(write=False)
    np.testing.assert_allclose(penalized.Lasso(alpha=0.05, tol=1e-10).fit(Xs, y).coef_, ref,
                               atol=1e-9)


def test_unsorted_and_duplicate_sparse_indices_are_handled():
    X, y = make_regression(n=30, p=6, seed=3)
    dense = np.asfortranarray(X)
    ref = penalized.Lasso(alpha=0.02, tol=1e-12).fit(dense, y).coef_
    # each entry split in two duplicates, in reverse order within columns
    rows, cols = np.nonzero(dense)
    vals = dense[rows, cols]
    order = np.lexsort((-rows, cols))
    rows, cols, vals = rows[order], cols[order], vals[order]
    data = np.r_[vals * 0.25, vals * 0.75]
    ii = np.r_[rows, rows]
    jj = np.r_[cols, cols]
    o = np.argsort(jj, kind="stable")
    Xs = sp.csc_matrix((data[o], ii[o], np.searchsorted(jj[o], np.arange(7))), shape=X.shape)
    assert not Xs.has_canonical_format
    data_before = Xs.data.copy()
    coef = penalized.Lasso(alpha=0.02, tol=1e-12).fit(Xs, y).coef_
    np.testing.assert_allclose(coef, ref, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(Xs.data, data_before)
