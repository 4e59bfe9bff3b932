"""
Lasso and elastic-net paths and the CV curve on leukemia data, with the 1-SE choice
====================================================================================

Golub et al.'s (1999) leukemia expression data (72 samples x 7129 genes, bundled with
penalized): AML is coded +1 and ALL -1.  As in Dudoit, Fridlyand & Speed (2002) the
intensities are clipped to [100, 16000], log10-transformed and standardised with the
training-set statistics; the original split is kept (38 training, 34 test samples).

On the training set we fit :class:`penalized.LassoCV` and :class:`penalized.ElasticNetCV`
(5 folds, 100 alphas).  The one-standard-error rule picks the largest alpha whose mean CV
error is within one standard error of the minimum: a sparser model that the data cannot
tell apart from the best one.
"""

from importlib import resources

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import StratifiedKFold

import penalized
import penalized.plot

with resources.files("penalized").joinpath("data/leukemia_golub.npz").open("rb") as f:
    data = np.load(f)
    X_raw, y, is_test = data["X"].astype(float), data["y"].astype(float), data["is_test"]

X = np.log10(np.clip(X_raw, 100, 16000))
train = ~is_test
mu, sd = X[train].mean(0), X[train].std(0)
keep = sd > 0
X = (X[:, keep] - mu[keep]) / sd[keep]
X_train, y_train, X_test, y_test = X[train], y[train], X[~train], y[~train]
print(f"training {X_train.shape}, test {X_test.shape}")

# %%
# Cross-validated Lasso
# ---------------------
# One alpha grid from the full training data, one warm-started path per fold.  The
# folds are stratified by class (11 AML, 27 ALL in training), so that each held-out fold
# has both classes; ``cv=`` takes any splitter or list of (train, test) pairs.

folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X_train, y_train))
lasso = penalized.LassoCV(cv=folds, alphas=100, eps=1e-2, tol=1e-6).fit(X_train, y_train)
i_min = int(np.flatnonzero(lasso.alphas_ == lasso.alpha_min_)[0])
i_1se = int(np.flatnonzero(lasso.alphas_ == lasso.alpha_1se_)[0])
print(f"alpha_min = {lasso.alpha_min_:.4f}  alpha_1se = {lasso.alpha_1se_:.4f}")
print(f"CV MSE at alpha_min {lasso.cv_mean_[i_min]:.4f} +/- {lasso.cv_se_[i_min]:.4f}, "
      f"at alpha_1se {lasso.cv_mean_[i_1se]:.4f}")

ax = penalized.plot.cv(lasso)
ax.set_title("LassoCV on leukemia (training set)")
plt.show()

# %%
# The Lasso path with both choices marked
# ---------------------------------------

ax = penalized.plot.path(lasso, X=X_train, y=y_train)
ax.set_title("Lasso path")
plt.show()

# %%
# Test error of the two choices
# -----------------------------
# The class is the sign of the prediction.  The 1-SE model uses fewer genes.

lasso_1se = penalized.Lasso(alpha=lasso.alpha_1se_, tol=1e-6).fit(X_train, y_train)
results = {}
for name, model in [("alpha_min", lasso), ("alpha_1se", lasso_1se)]:
    errors = int(np.sum(np.sign(model.predict(X_test)) != y_test))
    genes = int(np.count_nonzero(model.coef_))
    results[name] = (errors, genes, float(model.dual_gap_))
    print(f"{name}: {errors} test errors / {y_test.size}, {genes} genes, "
          f"certified gap {model.dual_gap_:.1e}")

# %%
# Elastic net
# -----------
# ``l1_ratio`` is chosen by cross-validation too.  More genes enter: the ridge part keeps
# correlated genes together instead of picking one of them.

enet = penalized.ElasticNetCV(l1_ratio=[0.2, 0.5, 0.8], cv=folds, alphas=100, eps=1e-2,
                              tol=1e-6).fit(X_train, y_train)
enet_errors = int(np.sum(np.sign(enet.predict(X_test)) != y_test))
print(f"ElasticNetCV: l1_ratio = {enet.l1_ratio_}, alpha = {enet.alpha_:.4f}, "
      f"{np.count_nonzero(enet.coef_)} genes, {enet_errors} test errors")

fig, ax = plt.subplots()
ax = penalized.plot.path(enet, X=X_train, y=y_train, ax=ax)
ax.set_title(f"Elastic-net path (l1_ratio = {enet.l1_ratio_})")
plt.show()
