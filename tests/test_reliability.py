"""Reliability round 2 (issue 17): corrupt input, unchecked arguments, extreme
magnitudes, cross-validation edges and concurrent fits.

Every test here failed before its fix; each names the class of failure it guards.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
from conftest import make_regression


# ---------------------------------------------------------------------------
# corrupt sparse structure never reaches a native loop or a scipy converter
# ---------------------------------------------------------------------------

def _bad_csc(kind, fmt="csc"):
    X, y = make_regression(n=40, p=5, seed=1)
    S = sp.csc_matrix(X * (np.abs(X) > 0.5)).asformat(fmt)
    ind, ptr = S.indices.copy(), S.indptr.copy()
    if kind == "range":
        ind[3] = 10**6
    elif kind == "negative":
        ind[3] = -5
    elif kind == "indptr":
        ptr[2], ptr[3] = ptr[3], ptr[2]
    return type(S)((S.data, ind, ptr), shape=S.shape), y


FITS = {
    "Lasso": lambda X, y: penalized.Lasso(alpha=0.01).fit(X, y),
    "Ridge": lambda X, y: penalized.Ridge(alpha=0.01).fit(X, y),
    "Logistic": lambda X, y: penalized.LogisticRegression().fit(X, y > 0),
    "LassoCV": lambda X, y: penalized.LassoCV(cv=3, n_alphas=3).fit(X, y),
    "MultiTaskLasso": lambda X, y: penalized.MultiTaskLasso(alpha=0.01).fit(X, np.c_[y, y]),
    "ridge_path": lambda X, y: penalized.ridge_path(X, y, n_alphas=3),
    "solvers.lasso": lambda X, y: penalized.solvers.lasso(X, y, 0.01),
    "solvers.lasso(check_input=False)": lambda X, y: penalized.solvers.lasso(
        X, y, 0.01, check_input=False),
    "solvers.logistic(check_input=False)": lambda X, y: penalized.solvers.logistic(
        X, np.where(y > 0, 1.0, -1.0), 0.01, l1_ratio=1.0, check_input=False),
}


@pytest.mark.parametrize("kind", ["range", "negative", "indptr"])
@pytest.mark.parametrize("fit", list(FITS))
def test_corrupt_csc_rejected_at_every_entry(fit, kind):
    X, y = _bad_csc(kind)
    before = (X.indices.copy(), X.indptr.copy(), X.data.copy())
    with pytest.raises(ValueError, match=r"^X: sparse (indices|indptr)"):
        FITS[fit](X, y)
    for a, b in zip(before, (X.indices, X.indptr, X.data)):
        np.testing.assert_array_equal(a, b)


def test_corrupt_coo_rejected_before_conversion():
    X, y = make_regression(n=30, p=6, seed=2)
    C = sp.coo_matrix(X)
    C.row[7] = 30        # the constructor checked; corrupted afterwards
    with pytest.raises(ValueError, match=r"^X: sparse COO coordinates"):
        penalized.Lasso(alpha=0.1).fit(C, y)
    C.row[7] = -1
    with pytest.raises(ValueError, match=r"^X: sparse COO coordinates"):
        penalized.ElasticNet(alpha=0.1).fit(C, y)


def test_truncated_data_array_rejected():
    X, y = _bad_csc("none")
    S = sp.csc_matrix((X.data, X.indices, X.indptr), shape=X.shape)
    S.data = S.data[:-3]          # indptr now points past the data
    with pytest.raises(ValueError, match=r"^X: sparse indptr"):
        penalized.Lasso(alpha=0.1).fit(S, y)
