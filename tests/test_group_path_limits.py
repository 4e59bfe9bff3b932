"""glmnet's pmax / dfmax (``max_features`` / ``dfmax``) on the group paths and group CV.

The counts are of features (the columns of the non-zero groups).  Checked against the
uncut path: the cut path is its prefix, and it stops exactly before the first alpha
whose count crosses the limit.
"""

import numpy as np
import pytest

import penalized
import penalized.solvers


def _data(seed=0, n=60, p=30):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:12] = rng.standard_normal(12)
    return X, X @ w + 0.5 * rng.standard_normal(n)


GROUPS = np.repeat(np.arange(10), 3)


def _expected_length(coefs, max_features=None, dfmax=None):
    """Index of the first path point that crosses the limits (the length of the cut path)."""
    active = coefs != 0                      # (p, n_alphas)
    ever = np.logical_or.accumulate(active, axis=1)
    for k in range(coefs.shape[1]):
        if ((max_features is not None and ever[:, k].sum() > max_features)
                or (dfmax is not None and active[:, k].sum() > dfmax)):
            return k
    return coefs.shape[1]


@pytest.mark.parametrize("limit", [dict(max_features=7), dict(dfmax=10),
                                   dict(max_features=14, dfmax=8)])
def test_group_path_limits_cut_the_uncut_path(limit):
    X, y = _data()
    a_full, c_full, g_full = penalized.group_lasso_path(X, y, groups=GROUPS, alphas=20,
                                                        fit_intercept=True)
    a, c, g = penalized.group_lasso_path(X, y, groups=GROUPS, alphas=20, fit_intercept=True,
                                         **limit)
    k = _expected_length(c_full, **limit)
    assert 0 < k < a_full.size
    assert a.size == k
    np.testing.assert_array_equal(a, a_full[:k])
    np.testing.assert_array_equal(c, c_full[:, :k])
    np.testing.assert_array_equal(g, g_full[:k])
    s_full = penalized.solvers.group_enet_path(X, y, groups=GROUPS, l1_ratio=0.9,
                                               n_alphas=20)
    s = penalized.solvers.group_enet_path(X, y, groups=GROUPS, l1_ratio=0.9, n_alphas=20,
                                          **limit)
    k = _expected_length(np.asarray(s_full.coefs), **limit)
    assert len(s.alphas) == k
    np.testing.assert_array_equal(s.coefs, np.asarray(s_full.coefs)[:, :k])


def test_group_cv_max_features_cuts_the_grid():
    X, y = _data(seed=1)
    full = penalized.GroupLassoCV(groups=GROUPS, cv=3, alphas=15).fit(X, y)
    cut = penalized.GroupLassoCV(groups=GROUPS, cv=3, alphas=15, max_features=9).fit(X, y)
    _, c_full, _ = penalized.group_lasso_path(X, y, groups=GROUPS, alphas=full.alphas_,
                                              fit_intercept=True)
    k = _expected_length(c_full, max_features=9)
    assert 0 < k < full.alphas_.size
    np.testing.assert_array_equal(cut.alphas_, full.alphas_[:k])
    np.testing.assert_array_equal(cut.mse_path_, full.mse_path_[:k])
    assert np.count_nonzero(cut.coef_) <= 9
    en = penalized.GroupElasticNetCV(groups=GROUPS, cv=3, alphas=15, l1_ratio=0.8,
                                     dfmax=6).fit(X, y)
    assert np.count_nonzero(en.coef_path_[:, -1]) <= 6


@pytest.mark.parametrize("name", ["max_features", "dfmax"])
def test_bad_group_path_limits_name_the_argument(name):
    X, y = _data()
    for bad in (-1, 1.5, "a"):
        for call in (lambda: penalized.group_lasso_path(X, y, groups=GROUPS, **{name: bad}),
                     lambda: penalized.GroupLassoCV(groups=GROUPS, cv=3, alphas=4,
                                                    **{name: bad}).fit(X, y),
                     lambda: penalized.solvers.group_enet_path(X, y, groups=GROUPS,
                                                               l1_ratio=1.0,
                                                               **{name: bad})):
            with pytest.raises((ValueError, TypeError), match=name):
                call()
