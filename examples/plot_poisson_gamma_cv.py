"""
Poisson and Gamma regression with cross-validated L1 penalties on real data
===========================================================================

Two public-domain sets bundled with penalized (:mod:`penalized.datasets`):

* the RAND Health Insurance Experiment (Deb & Trivedi 2002): the number of doctor visits
  of 20,190 person-years, a count, modelled by :class:`penalized.PoissonRegressionCV`;
* US state violent-crime rates (2009, 51 states with DC): a positive continuous outcome,
  modelled by :class:`penalized.GammaRegressionCV` (log link).

Both estimators choose alpha by the held-out deviance of the family (glmnet's
``type.measure="deviance"``), on one grid from alpha_max, and report the whole path
(``coef_path_``), so both the minimum and the one-standard-error choice are at hand.  Every
fit on the way is certified by a duality gap.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import PoissonRegressor
from sklearn.model_selection import KFold, train_test_split

import penalized
import penalized.plot
from penalized.datasets import load_randhie, load_statecrime

X, y, names = load_randhie()
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
print(f"RAND HIE: {X.shape[0]} person-years, {X.shape[1]} covariates; "
      f"mean visits {y.mean():.2f}, {np.mean(y == 0):.0%} zeros")

# %%
# Doctor visits: L1 Poisson regression
# ------------------------------------
# ``standardize=True`` penalises the covariates on a common scale (they mix log
# coinsurance rates, indicators and counts), as glmnet does by default; the
# coefficients stay on the original scale.

folds = KFold(5, shuffle=True, random_state=0)
poisson = penalized.PoissonRegressionCV(cv=folds, alphas=50, standardize=True,
                                        tol=1e-8).fit(X_train, y_train)
d2_test = poisson.score(X_test, y_test)
full = PoissonRegressor(alpha=0.0, max_iter=1000).fit(X_train, y_train)
d2_full = full.score(X_test, y_test)
print(f"alpha_min = {poisson.alpha_min_:.3g}, alpha_1se = {poisson.alpha_1se_:.3g}; "
      f"{np.count_nonzero(poisson.coef_)} of {X.shape[1]} covariates, certified gap "
      f"{poisson.dual_gap_:.1e}")
print(f"held-out deviance explained D^2: penalized {d2_test:.4f}, unpenalized "
      f"(scikit-learn) {d2_full:.4f}")
for j in np.argsort(-np.abs(poisson.coef_)):
    if poisson.coef_[j] != 0:
        print(f"  {names[j]:8s} {poisson.coef_[j]:+.4f}  (x{np.exp(poisson.coef_[j]):.3f} "
              "visits per unit)")

ax = penalized.plot.cv(poisson)
ax.set_title("PoissonRegressionCV on RAND HIE: held-out Poisson deviance")
plt.show()

# %%
# The path, the covariates labelled
# ---------------------------------

ax = penalized.plot.path(poisson, feature_names=names, n_labels=6)
ax.set_title("L1 Poisson path (standardized penalty), RAND HIE")
plt.show()

# %%
# Violent crime rates: Gamma regression with an elastic net
# ---------------------------------------------------------
# 51 rows only, so leave-one-out folds are cheap; ``l1_ratio=0.5`` keeps correlated
# covariates (poverty, single-parent share, high-school graduation) together.

Xc, yc, cnames = load_statecrime()
gamma = penalized.GammaRegressionCV("elasticnet", l1_ratio=0.5, cv=KFold(51), alphas=40,
                                    standardize=True, tol=1e-8).fit(Xc, yc)
print(f"\nstate crime: alpha_min = {gamma.alpha_min_:.3g}, alpha_1se = "
      f"{gamma.alpha_1se_:.3g}, D^2 (in sample) {gamma.score(Xc, yc):.3f}")
for name, c in zip(cnames, gamma.coef_):
    print(f"  {name:8s} {c:+.4f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4))
penalized.plot.cv(gamma, ax=axes[0])
axes[0].set_title("GammaRegressionCV: held-out Gamma deviance")
penalized.plot.path(gamma, ax=axes[1], feature_names=cnames)
axes[1].set_title("Elastic-net Gamma path, state crime")
fig.tight_layout()
plt.show()
