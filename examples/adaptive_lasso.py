"""Adaptive Lasso (Zou 2006, JASA 101:1418) with penalized's per-feature penalty factors.

A first fit gives beta_init; the Lasso is then refitted with penalty_factor_j =
1 / |beta_init_j|^gamma (features with beta_init_j = 0 excluded), so strong
features are shrunk less than weak ones.  penalized rescales the factors to sum
to p (glmnet's convention), which only moves the alpha scale: the CV grid
follows it.
"""

import numpy as np

import penalized


def adaptive_lasso(X, y, gamma=1.0, initial="ridge", cv=5):
    """LassoCV with adaptive weights from a RidgeCV (or LassoCV) first fit."""
    first = penalized.RidgeCV() if initial == "ridge" else penalized.LassoCV(cv=cv)
    beta = np.abs(first.fit(X, y).coef_)
    keep = beta > 0
    factors = np.ones_like(beta)
    factors[keep] = beta[keep] ** -gamma
    return penalized.LassoCV(cv=cv, penalty_factor=factors,
                             exclude=np.flatnonzero(~keep)).fit(X, y)
