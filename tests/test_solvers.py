"""penalized.solvers: the low-level API equals the estimators and its gaps certify."""

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sklm

import penalized
from penalized import solvers
from conftest import (
    enet_gap,
    enet_objective,
    logistic_objective,
    logistic_reference,
    make_classification,
    make_multiclass,
    make_regression,
    multinomial_objective,
)


def _weights(n, seed=3):
    return np.random.default_rng(seed).uniform(0.2, 3.0, n)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_enet_equals_estimator(sparse, weighted, fit_intercept, dtype):
    X, y = make_regression(n=70, p=50, density=0.3 if sparse else None, seed=1, dtype=dtype)
    sw = _weights(70) if weighted else None
    tol = 1e-9 if dtype == np.float64 else 1e-5
    for l1_ratio, est in [(1.0, penalized.Lasso(alpha=0.05, fit_intercept=fit_intercept,
                                                 tol=tol)),
                          (0.4, penalized.ElasticNet(alpha=0.05, l1_ratio=0.4, tol=tol,
                                                     fit_intercept=fit_intercept))]:
        est.fit(X, y, sample_weight=sw)
        sol = solvers.enet(X, y, 0.05, l1_ratio=l1_ratio, sample_weight=sw,
                           fit_intercept=fit_intercept, tol=tol)
        assert sol.coef.dtype == dtype
        np.testing.assert_allclose(sol.coef, est.coef_, rtol=0, atol=1e-10)
        assert abs(sol.intercept - est.intercept_) <= 1e-10
        assert abs(sol.dual_gap - est.dual_gap_) <= 1e-10
        assert sol.n_iter == est.n_iter_ and sol.converged
        np.testing.assert_array_equal(sol.active_set, np.flatnonzero(est.coef_))
        assert (sol.alpha, sol.l1_ratio) == (0.05, l1_ratio)


def test_enet_check_input_false_gives_the_same_numbers():
    for density in (None, 0.3):
        X, y = make_regression(n=60, p=80, density=density, seed=2)
        sw = _weights(60)
        checked = solvers.enet(X, y, 0.03, l1_ratio=0.8, sample_weight=sw, tol=1e-10)
        Xf = X if density else np.asfortranarray(X)
        fast = solvers.enet(Xf, y, 0.03, l1_ratio=0.8, sample_weight=sw, tol=1e-10,
                            check_input=False)
        np.testing.assert_array_equal(fast.coef, checked.coef)
        assert fast.intercept == checked.intercept and fast.dual_gap == checked.dual_gap


@pytest.mark.parametrize("sparse", [False, True])
def test_enet_gap_certifies_against_an_independent_tight_solve(sparse):
    """P(w) - P* <= dual_gap, with P recomputed in numpy and P* from scikit-learn at 1e-14."""
    X, y = make_regression(n=80, p=60, density=0.4 if sparse else None, seed=4)
    sw = _weights(80)
    for l1_ratio in (1.0, 0.5):
        sol = solvers.enet(X, y, 0.02, l1_ratio=l1_ratio, sample_weight=sw, tol=1e-3)
        ref = sklm.ElasticNet(alpha=0.02, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)
        ref.fit(X.toarray() if sparse else X, y, sample_weight=sw * 80 / sw.sum())
        ours = enet_objective(X, y, sol.coef, sol.intercept, 0.02, l1_ratio, sw)
        best = enet_objective(X, y, ref.coef_, ref.intercept_, 0.02, l1_ratio, sw)
        assert sol.dual_gap >= 0
        assert ours - best <= sol.dual_gap * (1 + 1e-9) + 1e-14
        # the returned gap is at most the bound tol gives, and a numpy gap agrees it is small
        gap, unit = enet_gap(X, y, sol.coef, 0.02, l1_ratio, sw)
        assert sol.converged and sol.dual_gap <= sol.gap_target
        assert sol.gap_target == pytest.approx(1e-3 * unit, rel=1e-9)
        assert ours - best <= gap + 1e-14


def test_enet_path_equals_enet_path_function_and_points_equal_solutions():
    X, y = make_regression(n=60, p=40, seed=5)
    path = solvers.enet_path(X, y, l1_ratio=0.7, n_alphas=12, tol=1e-9)
    alphas, coefs, gaps = penalized.enet_path(X, y, l1_ratio=0.7, alphas=12, tol=1e-9,
                                              fit_intercept=True)
    np.testing.assert_array_equal(path.alphas, alphas)
    np.testing.assert_array_equal(path.coefs, coefs)
    np.testing.assert_array_equal(path.dual_gaps, gaps)
    assert len(path) == 12 and path.converged.all()
    assert np.all(path.coefs[:, 0] == 0) and path[0].active_set.size == 0
    point = path[-1]
    assert point.alpha == alphas[-1]
    np.testing.assert_array_equal(point.coef, coefs[:, -1])
    np.testing.assert_array_equal(point.active_set, np.flatnonzero(coefs[:, -1]))
    intercepts = y.mean() - X.mean(axis=0) @ coefs
    np.testing.assert_allclose(path.intercepts, intercepts, rtol=1e-12)
    # explicit alphas are sorted decreasing; lasso_path is l1_ratio=1
    lp = solvers.lasso_path(X, y, [0.01, 0.5, 0.1], tol=1e-9)
    np.testing.assert_array_equal(lp.alphas, [0.5, 0.1, 0.01])
    assert lp.l1_ratio == 1.0


def test_results_are_immutable():
    X, y = make_regression(n=30, p=10, seed=6)
    sol = solvers.lasso(X, y, 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sol.coef = None
    with pytest.raises(ValueError, match="read-only"):
        sol.coef[0] = 1.0
    path = solvers.lasso_path(X, y, n_alphas=3)
    with pytest.raises(ValueError, match="read-only"):
        path.coefs[0, 0] = 1.0
    with pytest.raises(IndexError):
        path[3]
    assert path[-1].alpha == path.alphas[2]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_logistic_equals_estimator(sparse, weighted):
    X, y = make_classification(n=90, p=30, density=0.4 if sparse else None, seed=7)
    labels = np.where(y > 0, "yes", "no")
    sw = _weights(90) if weighted else None
    for penalty, l1_ratio in [("l1", 1.0), ("elasticnet", 0.3)]:
        est = penalized.LogisticRegression(penalty, alpha=0.02, tol=1e-8,
                                           l1_ratio=l1_ratio if penalty == "elasticnet"
                                           else None).fit(X, labels, sample_weight=sw)
        sol = solvers.logistic(X, labels, 0.02, l1_ratio=l1_ratio, sample_weight=sw,
                               tol=1e-8)
        np.testing.assert_allclose(sol.coef, est.coef_[0], rtol=0, atol=1e-10)
        assert abs(sol.intercept - est.intercept_[0]) <= 1e-10
        assert abs(sol.dual_gap - est.dual_gap_[0]) <= 1e-10
        assert sol.n_iter == est.n_iter_[0] and sol.converged
        assert list(sol.classes) == ["no", "yes"]
        fast = solvers.logistic(np.asfortranarray(X) if not sparse else X, labels, 0.02,
                                l1_ratio=l1_ratio, sample_weight=sw, tol=1e-8,
                                check_input=False)
        np.testing.assert_array_equal(fast.coef, sol.coef)


def test_multinomial_equals_estimator():
    X, codes = make_multiclass(n=90, p=12, K=3, seed=8)
    est = penalized.LogisticRegression("l1", alpha=0.01, tol=1e-10).fit(X, codes)
    sol = solvers.logistic(X, codes, 0.01, l1_ratio=1.0, tol=1e-10)
    assert sol.coef.shape == (3, 12) and sol.intercept.shape == (3,)
    np.testing.assert_allclose(sol.coef, est.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(sol.intercept, est.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(sol.active_set, np.flatnonzero(np.any(est.coef_, axis=0)))
    ours = multinomial_objective(X, codes, sol.coef, sol.intercept, 0.01, 1.0)
    assert sol.dual_gap >= 0 and sol.converged
    # the intercept-only model's objective bounds the optimum from above
    assert ours <= multinomial_objective(X, codes, 0 * sol.coef, est.intercept_ * 0, 0.01, 1.0)
    path = solvers.logistic_path(X, codes, l1_ratio=1.0, n_alphas=5, tol=1e-8)
    assert path.coefs.shape == (3, 12, 5) and path.intercepts.shape == (3, 5)
    ref = penalized.logistic_path(X, codes, l1_ratio=1.0, alphas=5, tol=1e-8)
    np.testing.assert_array_equal(path.coefs, ref[1])
    np.testing.assert_array_equal(path.intercepts, ref[2])


def test_logistic_gap_certifies_against_an_independent_solve():
    X, y = make_classification(n=80, p=20, seed=9)
    sw = _weights(80)
    for l1_ratio in (1.0, 0.5):
        sol = solvers.logistic(X, y, 0.03, l1_ratio=l1_ratio, sample_weight=sw, tol=1e-3)
        w_ref, b_ref = logistic_reference(X, y, 0.03, l1_ratio, sw)
        ours = logistic_objective(X, y, sol.coef, sol.intercept, 0.03, l1_ratio, sw)
        best = logistic_objective(X, y, w_ref, b_ref, 0.03, l1_ratio, sw)
        assert sol.converged and 0 <= sol.dual_gap <= sol.gap_target
        assert sol.gap_target == pytest.approx(1e-3 * logistic_objective(
            X, y, np.zeros(20), sol_b0(y, sw), 0.03, l1_ratio, sw), rel=1e-9)
        assert ours - best <= sol.dual_gap * (1 + 1e-9) + 1e-12


def sol_b0(y, sw):
    """Intercept-only logistic solution: the weighted log odds."""
    return np.log(sw[y > 0].sum() / sw[y < 0].sum())


BAD_INPUT = [
    (dict(X=np.full((5, 3), np.nan)), "X"),
    (dict(y=np.ones(4)), "y"),
    (dict(alpha=0.0), "alpha"),
    (dict(alpha=-1.0), "alpha"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(tol=-1.0), "tol"),
    (dict(max_iter=0), "max_iter"),
    (dict(sample_weight=-np.ones(5)), "sample_weight"),
    (dict(sample_weight=np.ones(4)), "sample_weight"),
    (dict(coef_init=np.ones(2)), "coef_init"),
    (dict(X=np.ones((5, 3)), check_input=False), "X"),      # C order on the fast path
    (dict(X=sp.csr_matrix(np.eye(5, 3)), check_input=False), "X"),
]


@pytest.mark.parametrize("kind", ["enet", "logistic"])
@pytest.mark.parametrize("bad,name", BAD_INPUT, ids=[b[1] + str(i) for i, b in
                                                      enumerate(BAD_INPUT)])
def test_bad_input_raises_naming_the_argument(kind, bad, name):
    rng = np.random.default_rng(0)
    args = dict(X=rng.standard_normal((5, 3)), y=np.array([0.0, 1, 0, 1, 1]), alpha=0.1,
                l1_ratio=1.0)
    args.update(bad)
    if args.get("check_input") is False and not sp.issparse(args["X"]):
        args["X"] = np.ascontiguousarray(args["X"])
    fn = solvers.enet if kind == "enet" else solvers.logistic
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        fn(args.pop("X"), args.pop("y"), args.pop("alpha"), **args)


def test_path_arguments_are_checked():
    X, y = make_regression(n=20, p=5, seed=10)
    with pytest.raises(ValueError, match="alphas"):
        solvers.enet_path(X, y, [0.1, 0.0], l1_ratio=1.0)
    with pytest.raises(ValueError, match="n_alphas"):
        solvers.enet_path(X, y, l1_ratio=1.0, n_alphas=0)
    with pytest.raises(ValueError, match="alphas"):
        solvers.enet_path(X, y, l1_ratio=0.0)
    with pytest.raises(TypeError, match="fit_intercept"):
        solvers.enet(X, y, 0.1, l1_ratio=1.0, fit_intercept="yes")
    with pytest.raises(ValueError, match="one class"):
        solvers.logistic(X, np.ones(20), 0.1, l1_ratio=1.0)


def test_warm_starts_from_the_solution_finish_at_once():
    X, y = make_regression(n=60, p=40, seed=11)
    cold = solvers.enet(X, y, 0.05, l1_ratio=0.9, tol=1e-10)
    warm = solvers.enet(X, y, 0.05, l1_ratio=0.9, tol=1e-10, coef_init=cold.coef)
    assert warm.n_iter < cold.n_iter and warm.converged
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)
    Xc, yc = make_classification(n=80, p=20, seed=12)
    cold = solvers.logistic(Xc, yc, 0.03, l1_ratio=1.0, tol=1e-10)
    warm = solvers.logistic(Xc, yc, 0.03, l1_ratio=1.0, tol=1e-10, coef_init=cold.coef,
                            intercept_init=cold.intercept)
    assert warm.n_iter <= 1 < cold.n_iter and warm.converged
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-7)
    with pytest.raises(ValueError, match="intercept_init"):
        solvers.logistic(Xc, yc, 0.03, l1_ratio=1.0, intercept_init=[0.0, 1.0])


def test_binary_logistic_path_layout():
    X, y = make_classification(n=60, p=15, seed=13)
    path = solvers.logistic_path(X, y, l1_ratio=1.0, n_alphas=6, tol=1e-8)
    ref = penalized.logistic_path(X, y, l1_ratio=1.0, alphas=6, tol=1e-8)
    assert path.coefs.shape == (15, 6) and path.intercepts.shape == (6,)
    np.testing.assert_array_equal(path.alphas, ref[0])
    np.testing.assert_array_equal(path.coefs, ref[1])
    np.testing.assert_array_equal(path.intercepts, ref[2])
    np.testing.assert_array_equal(path.dual_gaps, ref[3])
    assert path.converged.all() and list(path.classes) == [-1.0, 1.0]
    assert isinstance(path[2].intercept, float) and path[0].active_set.size == 0


@pytest.mark.parametrize("family", ["poisson", "gamma"])
@pytest.mark.parametrize("sparse", [False, True])
def test_log_link_solvers_equal_estimators(family, sparse):
    """solvers.poisson / gamma (and their paths) are the estimators' computation, with
    the same numbers; every path point is certified and matches the path function."""
    rng = np.random.default_rng(8)
    X = rng.standard_normal((70, 9))
    mu = np.exp(0.5 * X[:, 0] - 0.4 * X[:, 3])
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    off = rng.uniform(-0.2, 0.2, 70)
    Xf = sp.csc_matrix(X) if sparse else X
    sol = getattr(solvers, family)(Xf, y, 0.02, l1_ratio=0.7, offset=off, tol=1e-10)
    Est = penalized.PoissonRegression if family == "poisson" else penalized.GammaRegression
    est = Est("elasticnet", alpha=0.02, l1_ratio=0.7, tol=1e-10).fit(Xf, y, offset=off)
    np.testing.assert_array_equal(sol.coef, est.coef_)
    assert sol.intercept == est.intercept_ and sol.converged
    assert sol.dual_gap <= sol.gap_target
    path = getattr(solvers, f"{family}_path")(Xf, y, l1_ratio=1.0, n_alphas=6, tol=1e-10)
    assert len(path) == 6 and path.coefs.shape == (9, 6) and np.all(path.converged)
    assert not np.any(path.coefs[:, 0]) and np.any(path.coefs[:, -1])
    ref = getattr(penalized, f"{family}_path")(X, y, alphas=path.alphas, tol=1e-10)[1]
    np.testing.assert_allclose(path.coefs, ref, atol=1e-8)
    with pytest.raises(ValueError, match="offset"):
        getattr(solvers, family)(X, y, 0.02, l1_ratio=1.0, offset=np.zeros(3))
    with pytest.raises(ValueError, match="y"):
        getattr(solvers, family)(X, -np.abs(y) - 1, 0.02, l1_ratio=1.0)


def test_cox_solvers_equal_estimator():
    """solvers.cox / cox_path: the estimator's numbers, certified path points."""
    rng = np.random.default_rng(12)
    X = rng.standard_normal((90, 7))
    time = rng.exponential(np.exp(-(X[:, 0] - 0.5 * X[:, 3])))
    event = (rng.random(90) < 0.75).astype(float)
    y = np.column_stack([time, event])
    strata = rng.integers(0, 2, 90)
    for ties in ("breslow", "efron"):
        sol = solvers.cox(X, y, 0.02, l1_ratio=0.8, ties=ties, strata=strata, tol=1e-10)
        est = penalized.CoxRegression("elasticnet", alpha=0.02, l1_ratio=0.8, ties=ties,
                                      tol=1e-10).fit(X, y, strata=strata)
        np.testing.assert_array_equal(sol.coef, est.coef_)
        assert sol.intercept == 0.0 and sol.converged and sol.dual_gap <= sol.gap_target
    path = solvers.cox_path(X, y, l1_ratio=1.0, n_alphas=5, tol=1e-10)
    assert np.all(path.converged) and not np.any(path.coefs[:, 0]) and np.any(path.coefs[:, -1])
    ref = penalized.cox_path(X, y, alphas=path.alphas, tol=1e-10)[1]
    np.testing.assert_allclose(path.coefs, ref, atol=1e-8)
    with pytest.raises(ValueError, match="ties"):
        solvers.cox(X, y, 0.02, l1_ratio=1.0, ties="exact")


def test_group_solvers_take_unpenalized_and_excluded_groups():
    """solvers.group_enet_path passes group_weights 0 and exclude through: the estimator's
    numbers."""
    rng = np.random.default_rng(14)
    X = rng.standard_normal((60, 9))
    y = X[:, 0] - X[:, 4] + 0.5 * rng.standard_normal(60)
    groups, weights = [0, 0, 0, 1, 1, 1, 2, 2, 2], [0.0, 1.0, 1.0]
    sol = solvers.group_lasso(X, y, 0.5, groups=groups, group_weights=weights, exclude=[2],
                              tol=1e-10)
    est = penalized.GroupLasso(alpha=0.5, groups=groups, group_weights=weights, exclude=[2],
                               tol=1e-10).fit(X, y)
    np.testing.assert_allclose(sol.coef, est.coef_, atol=1e-12)
    assert np.all(sol.coef[:3] != 0) and not np.any(sol.coef[6:]) and sol.converged


OPTION_SETS = [
    dict(penalty_factor=np.r_[0.5, 2.0, 0.0, np.ones(6)]),
    dict(lower_bounds=-0.05, upper_bounds=np.r_[0.1, np.full(8, np.inf)]),
    dict(exclude=[1, 4]),
    dict(standardize=True),
    dict(penalty_factor=np.r_[np.ones(8), 3.0], exclude=[0], standardize=True),
]


def _options_data(seed=21):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((80, 9)) * rng.uniform(0.5, 3.0, 9)
    eta = 0.6 * X[:, 0] / X[:, 0].std() - 0.5 * X[:, 3] / X[:, 3].std()
    return rng, X, eta


@pytest.mark.parametrize("options", OPTION_SETS)
@pytest.mark.parametrize("sparse", [False, True])
def test_least_squares_solvers_take_the_per_feature_options(options, sparse):
    """solvers.enet / enet_path with glmnet's options: the estimators' numbers."""
    rng, X, eta = _options_data()
    y = eta + 0.3 * rng.standard_normal(80)
    Xf = sp.csc_matrix(X) if sparse else X
    sol = solvers.enet(Xf, y, 0.03, l1_ratio=0.8, tol=1e-10, **options)
    est = penalized.ElasticNet(alpha=0.03, l1_ratio=0.8, tol=1e-10, **options).fit(Xf, y)
    np.testing.assert_array_equal(sol.coef, est.coef_)
    assert sol.intercept == est.intercept_ and sol.converged
    path = solvers.enet_path(Xf, y, l1_ratio=0.8, n_alphas=6, tol=1e-10, **options)
    ref = penalized.enet_path(Xf, y, l1_ratio=0.8, alphas=6, tol=1e-10, fit_intercept=True,
                              **options)
    np.testing.assert_allclose(path.alphas, ref[0], rtol=1e-14)
    np.testing.assert_allclose(path.coefs, ref[1], atol=1e-9)
    assert np.all(path.converged)


def test_least_squares_solver_max_features_stops_the_path():
    rng, X, eta = _options_data()
    y = eta + 0.3 * rng.standard_normal(80)
    path = solvers.lasso_path(X, y, n_alphas=30, tol=1e-10, max_features=2)
    ref = penalized.lasso_path(X, y, alphas=30, tol=1e-10, max_features=2, fit_intercept=True)
    assert path.coefs.shape == ref[1].shape and len(path.alphas) == ref[1].shape[1]
    assert len(path.dual_gaps) == len(path.alphas) == len(path.n_iters)
    np.testing.assert_allclose(path.coefs, ref[1], atol=1e-9)
    assert np.count_nonzero(path.coefs[:, -1]) <= 2


@pytest.mark.parametrize("options", OPTION_SETS + [dict(groups=3),
                                                   dict(groups=3, group_weights=[0, 1, 1])])
def test_logistic_solver_takes_offset_and_the_per_feature_options(options):
    rng, X, eta = _options_data()
    y = (eta + 0.5 * rng.standard_normal(80) > 0).astype(int)
    off = rng.uniform(-0.3, 0.3, 80)
    penalty = "elasticnet"
    sol = solvers.logistic(X, y, 0.02, l1_ratio=0.7, tol=1e-10, offset=off, **options)
    est = penalized.LogisticRegression(penalty, alpha=0.02, l1_ratio=0.7, tol=1e-10,
                                       **options).fit(X, y, offset=off)
    np.testing.assert_array_equal(sol.coef, est.coef_[0])
    assert sol.intercept == est.intercept_[0] and sol.converged


@pytest.mark.parametrize("family", ["poisson", "gamma"])
@pytest.mark.parametrize("options", OPTION_SETS + [dict(groups=3, group_weights=[0, 1, 1])])
def test_log_link_solvers_take_the_per_feature_options(family, options):
    rng, X, eta = _options_data()
    mu = np.exp(0.4 * eta)
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    sol = getattr(solvers, family)(X, y, 0.02, l1_ratio=0.7, tol=1e-10, **options)
    Est = penalized.PoissonRegression if family == "poisson" else penalized.GammaRegression
    est = Est("elasticnet", alpha=0.02, l1_ratio=0.7, tol=1e-10, **options).fit(X, y)
    np.testing.assert_array_equal(sol.coef, est.coef_)
    assert sol.intercept == est.intercept_ and sol.converged


@pytest.mark.parametrize("options", [o for o in OPTION_SETS
                                     if not np.any(np.asarray(o.get("penalty_factor", 1)) == 0)]
                         + [dict(groups=3)])
def test_cox_solver_takes_the_per_feature_options(options):
    rng, X, eta = _options_data()
    time = rng.exponential(np.exp(-eta))
    event = (rng.random(80) < 0.75).astype(float)
    y = np.column_stack([time, event])
    sol = solvers.cox(X, y, 0.02, l1_ratio=0.8, tol=1e-10, **options)
    est = penalized.CoxRegression("elasticnet", alpha=0.02, l1_ratio=0.8, tol=1e-10,
                                  **options).fit(X, y)
    np.testing.assert_array_equal(sol.coef, est.coef_)
    assert sol.converged


def test_solver_options_are_validated_naming_the_argument():
    rng, X, eta = _options_data()
    y = eta + 0.3 * rng.standard_normal(80)
    with pytest.raises(ValueError, match="penalty_factor"):
        solvers.enet(X, y, 0.03, l1_ratio=1.0, penalty_factor=-np.ones(9))
    with pytest.raises(ValueError, match="lower_bounds"):
        solvers.lasso(X, y, 0.03, lower_bounds=0.5)
    yb = (y > 0).astype(int)
    with pytest.raises(ValueError, match="penalty_factor"):
        solvers.logistic(X, yb, 0.03, l1_ratio=1.0, penalty_factor=np.ones(3))
    with pytest.raises(ValueError, match="offset"):
        solvers.logistic(X, yb, 0.03, l1_ratio=1.0, offset=np.zeros(5))


@pytest.mark.parametrize("kind", ["logistic", "poisson", "cox", "multinomial"])
def test_glm_paths_stop_at_max_features(kind):
    """glmnet's pmax / dfmax on the GLM paths: the points before the first alpha with
    more features (ever / now) non-zero, identical to the full path's."""
    rng, X, eta = _options_data()
    if kind == "logistic":
        y = (eta + 0.5 * rng.standard_normal(80) > 0).astype(int)
        run = lambda **kw: penalized.logistic_path(X, y, alphas=25, tol=1e-10, **kw)
    elif kind == "multinomial":
        y = np.digitize(eta + 0.3 * rng.standard_normal(80), [-0.5, 0.5])
        run = lambda **kw: penalized.logistic_path(X, y, alphas=25, tol=1e-10, **kw)
    elif kind == "poisson":
        y = rng.poisson(np.exp(0.4 * eta)).astype(float)
        run = lambda **kw: penalized.poisson_path(X, y, alphas=25, tol=1e-10, **kw)
    else:
        y = np.column_stack([rng.exponential(np.exp(-eta)), rng.random(80) < 0.75])
        run = lambda **kw: penalized.cox_path(X, y, alphas=25, tol=1e-10, **kw)
    full = run()
    alphas, coefs = full[0], full[1]
    active = (coefs != 0).any(axis=0) if coefs.ndim == 3 else coefs != 0   # (p, n_alphas)
    ever = np.logical_or.accumulate(active, axis=1).sum(axis=0)
    cut = int(np.argmax(ever > 3)) if np.any(ever > 3) else alphas.size
    assert 0 < cut < alphas.size
    short = run(max_features=3)
    assert short[0].size == cut and short[1].shape[-1] == cut and short[-1].size == cut
    np.testing.assert_array_equal(short[1], coefs[..., :cut])
    now = active.sum(axis=0)
    cut_df = int(np.argmax(now > 3)) if np.any(now > 3) else alphas.size
    assert run(dfmax=3)[0].size == cut_df
    with pytest.raises(ValueError, match="max_features"):
        run(max_features=-1)
