"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

import penalized

_CV_WEIGHT_REASON = (
    "Repeating a sample changes the cross-validation folds, so weights are not "
    "equivalent to repeated rows for a CV estimator (scikit-learn marks the same "
    "check as expected to fail for its own CV estimators)."
)


def _expected_failed_checks(estimator):
    if isinstance(estimator, (penalized.ElasticNetCV, penalized.LogisticRegressionCV,
                              penalized.MultiTaskElasticNetCV, penalized.GroupElasticNetCV)):
        return {"check_sample_weight_equivalence_on_dense_data": _CV_WEIGHT_REASON,
                "check_sample_weight_equivalence_on_sparse_data": _CV_WEIGHT_REASON}
    return {}


@parametrize_with_checks(
    [penalized.Lasso(), penalized.ElasticNet(), penalized.Lasso(precompute=True),
     penalized.ElasticNet(l1_ratio=0.2, selection="random", random_state=0),
     penalized.LassoCV(cv=3, alphas=10),
     penalized.ElasticNetCV(cv=3, alphas=10, l1_ratio=[0.5, 0.9]),
     penalized.LogisticRegression(), penalized.LogisticRegression("l1", C=10.0, tol=1e-10),
     penalized.LogisticRegression("l1", C=10.0, tol=1e-10, multi_class="ovr"),
     penalized.LogisticRegression("elasticnet", l1_ratio=0.5, alpha=0.01, tol=1e-15),
     penalized.LogisticRegression("group", C=10.0, tol=1e-10),
     penalized.Ridge(), penalized.Ridge(solver="svd"), penalized.Ridge(solver="cg"),
     penalized.Ridge(solver="lsqr", alpha_scale="sum"), penalized.RidgeCV(n_alphas=10),
     penalized.RidgeCV(cv="gcv", n_alphas=10), penalized.RidgeCV(cv=3, n_alphas=10),
     penalized.LogisticRegressionCV(cv=3, alphas=5),
     penalized.LogisticRegressionCV("elasticnet", l1_ratios=[0.5, 1.0], cv=3, alphas=5,
                                    alpha_selection="1se"),
     penalized.RelaxedLasso(), penalized.RelaxedLasso(alpha=0.01, gamma=0.0),
     penalized.RelaxedLassoCV(cv=3, alphas=5),
     penalized.MultiTaskLasso(), penalized.MultiTaskElasticNet(l1_ratio=0.3),
     penalized.GroupLasso(groups=2), penalized.GroupElasticNet(groups=1, l1_ratio=0.3),
     penalized.GroupLassoCV(groups=2, cv=3, alphas=5),
     penalized.LogisticRegression('l1', C=10.0, groups=2, multi_class='ovr', tol=1e-10),
     penalized.MultiTaskLassoCV(cv=3, alphas=5),
     penalized.MultiTaskElasticNetCV(cv=3, alphas=5, l1_ratio=[0.5, 0.9])],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
