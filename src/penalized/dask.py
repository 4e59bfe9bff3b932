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
"""

from ._dask import GramStatistics, enet_path_gram, fit_gram, gram_statistics

__all__ = ["GramStatistics", "enet_path_gram", "fit_gram", "gram_statistics"]
