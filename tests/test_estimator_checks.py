"""scikit-learn's estimator contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

import penalized


@parametrize_with_checks([penalized.Lasso(), penalized.ElasticNet(),
                          penalized.Lasso(precompute=True), penalized.ElasticNet(l1_ratio=0.2,
                                                                                 selection="random",
                                                                                 random_state=0),
                          penalized.LassoCV(cv=3, n_alphas=10),
                          penalized.ElasticNetCV(cv=3, n_alphas=10, l1_ratio=[0.5, 0.9])])
def test_sklearn_compatible(estimator, check):
    check(estimator)
