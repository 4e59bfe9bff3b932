"""
Tall least squares with Dask: the Lasso path from Gram statistics
=================================================================

When n is too large for one machine but p is small, the elastic net needs X only through
the p x p matrix :math:`X_c^T S X_c`, the vector :math:`X_c^T S y_c` and the means.
:func:`penalized.dask.gram_statistics` reduces them over the row chunks of a ``dask.array``
(on a ``distributed`` cluster if one is active, else on Dask's local threads), and
:func:`penalized.dask.enet_path_gram` solves the whole path locally in Gram mode, with the
same certified duality gap as in memory.

Here the "tall" data (100,000 x 50, in 10 chunks) fit in memory, so we can check the result
against :func:`penalized.lasso_path` on the numpy array.
"""

import dask.array as da
import matplotlib.pyplot as plt
import numpy as np

import penalized
import penalized.dask
import penalized.plot

rng = np.random.default_rng(0)
n, p = 100_000, 50
beta = np.zeros(p)
beta[:8] = np.linspace(2.0, 0.25, 8)
X_np = rng.standard_normal((n, p)) + 0.3 * rng.standard_normal((n, 1))
y_np = X_np @ beta + 1.0 + rng.standard_normal(n)
X = da.from_array(X_np, chunks=(10_000, p))
y = da.from_array(y_np, chunks=10_000)

stats = penalized.dask.gram_statistics(X, y)            # one pass for the means, one for X^T X
alphas, coefs, intercepts, gaps = penalized.dask.enet_path_gram(stats, n_alphas=30, tol=1e-8)
print(f"{X.numblocks[0]} chunks reduced to a {stats.gram.shape} Gram matrix; "
      f"largest certified gap on the path {gaps.max():.1e}")

# %%
# The same path in memory
# -----------------------

alphas_mem, coefs_mem, gaps_mem = penalized.lasso_path(X_np, y_np, alphas=alphas, tol=1e-8,
                                                       fit_intercept=True)
max_diff = np.max(np.abs(coefs - coefs_mem))
print(f"largest coefficient difference to the in-memory path: {max_diff:.1e}")

model = penalized.dask.fit_gram(X, y, alpha=alphas[15])
print(f"fit_gram at alpha = {alphas[15]:.4f}: {np.count_nonzero(model.coef_)} non-zeros, "
      f"intercept {model.intercept_:.3f}, certified gap {model.dual_gap_:.1e}")

ax = penalized.plot.path(alphas, coefs)
ax.set_title("Lasso path from Dask-reduced Gram statistics")
plt.show()
