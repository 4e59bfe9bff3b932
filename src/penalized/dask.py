"""Dask integration (optional extra ``pip install 'penalized[dask]'``).

Two modes:

* Cross-validation on a cluster: the CV estimators (LassoCV, ElasticNetCV,
  LogisticRegressionCV) run their (fold, l1_ratio) jobs through joblib, so
  ``with joblib.parallel_config(backend="dask"): model.fit(X, y)`` inside an
  active ``distributed.Client`` sends them to the workers.  For X that fits in
  memory, many folds / l1_ratios or costly paths.
* Tall least squares: :func:`fit_gram` / :func:`gram_statistics` +
  :func:`enet_path_gram` reduce X^T X and X^T y over the row chunks of a
  ``dask.array`` on the cluster, then solve locally in Gram mode.  For n too
  large for one machine and p small enough for a p x p matrix.
* Tall GLMs (binomial logistic, Poisson, Gamma): :func:`fit_glm`, or the
  estimators' ``fit`` given a ``dask.array`` X (``LogisticRegression`` with two
  classes, ``PoissonRegression``, ``GammaRegression``).  Proximal Newton: each
  step reduces the Newton model's X^T W X, X^T W z, the gradient and the loss
  over the row chunks on the cluster and solves the model locally in Gram mode;
  certified by the in-memory estimators' duality gap.  Same objective, alpha
  scaling and ``tol`` as in memory; ``sample_weight``, ``offset``, intercept,
  ``class_weight`` (binomial), ``warm_start``.  p up to ``GLM_MAX_FEATURES``.
  Not (yet): more than two classes, glmnet's per-feature options
  (penalty_factor, exclude, standardize, limits, groups), paths and CV.
"""

from ._dask import (GLM_MAX_FEATURES, GramStatistics, enet_path_gram, fit_glm, fit_gram,
                    gram_statistics)

__all__ = ["GLM_MAX_FEATURES", "GramStatistics", "enet_path_gram", "fit_glm", "fit_gram",
           "gram_statistics"]
